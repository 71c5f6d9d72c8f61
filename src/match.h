/*
 * match.h -- proposing matches for the whole pool and acting on them.
 *
 * Every front end (the command line and the coordinator's commands by
 * mail, both through the table in action.c) calls these, so that a
 * decision means the same thing whichever way it is made.  Each function
 * works inside the caller's transaction and returns 0, or -1 with *cause
 * set: a sentence the coordinator can read ("match 12 is already
 * approved").
 */
#ifndef MENTORMAIL_MATCH_H
#define MENTORMAIL_MATCH_H

#include <stdint.h>

#include <glib.h>

struct config;
struct db;
struct rules;
struct replies;
struct program;

/* What matching needs loaded: the rules (field titles), the templates. */
struct match_ctx {
	const struct config	*cfg;
	struct db		*db;
	struct rules		*rules;
	struct replies		*replies;
	const char		*now;	/* ISO time of this run */
	struct program		*prog;	/* the run context, for the calendar */
};

/* The context for the run `p`: its configuration, db, rules, clock. */
struct match_ctx match_ctx_of(struct program *p);

/* One proposal or unmatched mentee, as the coordinator reads it. */
struct match_line {
	int64_t	 id;		/* the match, 0 for an unmatched mentee */
	char	*mentee;	/* "Name <address>" */
	char	*mentor;	/* NULL when unmatched */
	int	 score;
	char	*why;		/* the criteria, or why unmatched */
	char	*runner_up;	/* NULL when none */
	int	 created;	/* new in this round */
};

/* What a round of proposals produced: struct match_line * each. */
struct match_report {
	GPtrArray	*proposals;
	GPtrArray	*unmatched;
	int		 created;	/* proposals new in this round */
};

void	match_report_free(struct match_report *);

/*
 * Propose the best matches for everyone not yet matched: an optimal
 * assignment over all eligible pairs, approved matches kept, pins and
 * exclusions honoured.  Pending proposals of the same pair keep their id;
 * ones no longer best are withdrawn.  With [matching] mode = auto every
 * proposal is approved (and introduced) at once.  The round records the
 * pool's generation as it leaves it (match_pool_changed).  *out is a new
 * report.
 */
int	match_propose(struct match_ctx *, struct match_report **out,
	    char **cause);

/*
 * Whether a round of proposals could propose anything new: 1 when the
 * pool changed since the last round (participants new, changed or
 * withdrawn; a match approved, rejected or ended; a pin or an exclusion;
 * a capacity) or the [matching] settings did, or no round was ever made;
 * 0 when the last round's proposals still stand; -1 on error.  Every such
 * change bumps the pool's generation in the database itself (schema.c),
 * and match_propose records the generation it saw, so `run` can skip the
 * round when nothing changed.
 */
int	match_pool_changed(struct match_ctx *, char **cause);

/*
 * Approve proposal `id`: the pair is introduced to each other by e-mail
 * (queued in the outbox).  Refused when it is not a pending proposal, the
 * mentee already has a match, or the mentor has no capacity left.
 */
int	match_approve(struct match_ctx *, int64_t id, char **cause);

/*
 * After an approval: when [calendar] confirm names who must agree, ask
 * each of them by mail (the match waits, holding its places); otherwise
 * introduce the pair at once.
 */
int	match_confirm_or_introduce(struct match_ctx *, int64_t id,
	    char **cause);

/*
 * Introduce the pair of approved match `id` to each other: the
 * mentorship starts (its days from [calendar]), and both introductions
 * are queued, their Message-IDs kept on the match.
 */
int	match_introduce(struct match_ctx *, int64_t id, char **cause);

/*
 * `who` (mentee, mentor, supervisor) answered the request to confirm
 * match `id`: yes, or no with `reason`.  When every one asked has said
 * yes, the pair is introduced; a no ends the match ("declined"), the
 * pair is never proposed again and the coordinator is told.  *outcome
 * says what happened, for the reply ("waiting", "introduced",
 * "declined").
 */
int	match_confirm_answer(struct match_ctx *, int64_t id, const char *who,
	    int yes, const char *reason, int64_t message, const char **outcome,
	    char **cause);

/* Reject proposal `id`: that pair is never proposed again. */
int	match_reject(struct match_ctx *, int64_t id, char **cause);

/*
 * Pin (always pair) or exclude (never pair) the participants at these
 * addresses; the next round of proposals honours it.
 */
int	match_pin(struct match_ctx *, const char *mentee, const char *mentor,
	    char **cause);
int	match_exclude(struct match_ctx *, const char *mentee,
	    const char *mentor, char **cause);

/*
 * What the rule (pin or exclusion) between these two means now, for the
 * coordinator: a line for each fact that keeps it from acting (the
 * mentee matched already, the mentor without room, an application not
 * complete and eligible), then what the next round of proposals does
 * with the mentee, found by making that round and undoing it.  *out is a
 * new string (caller frees), one sentence a line.  Call in a
 * transaction, after match_pin or match_exclude.
 */
int	match_rule_outlook(struct match_ctx *, const char *mentee,
	    const char *mentor, char **out, char **cause);

/*
 * Take the participant at `email` out of the pool, for `reason` (may be
 * NULL): their status becomes withdrawn, their pending proposals are
 * withdrawn and their approved matches ended with the reason (nobody is
 * mailed).  Appends to `said` what was done, one line each.  Refused when
 * nobody has the address, or they have withdrawn already.
 */
int	match_withdraw(struct match_ctx *, const char *email,
	    const char *reason, GString *said, char **cause);

struct span;

/*
 * Extend running match `id` by `by`: its end moves later (*ends: the new
 * last day, "YYYY-MM-DD", caller frees).
 */
int	match_extend(struct match_ctx *, int64_t id, const struct span *by,
	    char **ends, char **cause);

/*
 * End approved match `id` today for `reason`: its status becomes ended,
 * and the calendar's next step sends the pair the end-of-mentorship mail
 * and, in time, the evaluation requests.  Refused when it is not an
 * approved match.
 */
int	match_end(struct match_ctx *, int64_t id, const char *reason,
	    char **cause);

/*
 * Queue the coordinators' e-mail listing the report's proposals, when the
 * round created any: each coordinator's copy with a token of its own, so
 * that a reply to it can carry commands (token.h).
 */
int	match_notify(struct match_ctx *, const struct match_report *,
	    char **cause);

#endif
