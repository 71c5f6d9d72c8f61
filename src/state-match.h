/*
 * state-match.h -- matches, the coordinator's pins and exclusions, and why
 * a mentee is unmatched.  Functions return 0 (or the value said) and -1
 * with *cause set on a database error; none begins a transaction.
 */
#ifndef MENTORMAIL_STATE_MATCH_H
#define MENTORMAIL_STATE_MATCH_H

#include <stdint.h>
#include <stdio.h>

struct db;

struct match_row {
	int64_t		 id;
	int64_t		 mentee;
	int64_t		 mentor;
	int		 score;
	const char	*status;	/* proposed approved rejected ended */
	const char	*why;
	const char	*runner_up;	/* may be NULL */
	const char	*created_at;
};

/* Called for each row; the strings last until it returns. */
typedef int (*match_row_fn)(const struct match_row *, void *arg);

/*
 * Record a proposal for (mentee, mentor): a pending proposal of the same
 * pair is updated and keeps its id (the coordinator may have read it);
 * otherwise a new one is made and *created set.  Its id goes to *id.
 */
int	state_match_propose(struct db *, int64_t mentee, int64_t mentor,
	    int score, const char *why, const char *runner_up, const char *now,
	    int64_t *id, int *created, char **cause);

/*
 * Pending proposals not re-proposed since `since` (the start of this
 * proposal round) are withdrawn: deleted, as nobody acted on them.
 */
int	state_match_withdraw_stale(struct db *, const char *since,
	    char **cause);

/* Delete pending proposal `id` (nobody acted on it). */
int	state_match_delete_proposal(struct db *, int64_t id, char **cause);

/*
 * Decide a match: its status (approved, rejected, ended) and decided_at
 * `now`.  A proposal has no decided_at until then.
 */
int	state_match_decide(struct db *, int64_t id, const char *status,
	    const char *reason, const char *now, char **cause);

/* Keep the Message-IDs of the two introductions. */
int	state_match_introduced(struct db *, int64_t id, const char *mentee_id,
	    const char *mentor_id, char **cause);

/* One match by id: 1 found (fn called), 0 not found, -1 error. */
int	state_match_get(struct db *, int64_t id, match_row_fn, void *arg,
	    char **cause);

/* Every match with `status` (NULL: all), in id order. */
int	state_match_each(struct db *, const char *status, match_row_fn,
	    void *arg, char **cause);

/* A coordinator's rule for a pair: "pin" or "exclude" (replaces any). */
int	state_match_rule(struct db *, int64_t mentee, int64_t mentor,
	    const char *kind, const char *now, char **cause);

/* The rule for a pair, "pin" or "exclude" (caller frees), or NULL. */
char	*state_match_rule_kind(struct db *, int64_t mentee, int64_t mentor,
	    char **cause);

/* Every rule, as (mentee, mentor, kind). */
int	state_match_rules(struct db *,
	    int (*fn)(int64_t mentee, int64_t mentor, const char *kind,
	    void *arg), void *arg, char **cause);

/* Where a participant stands, for the coordinator's pins. */
struct match_standing {
	char	*status;	/* the participant's: applied, incomplete... */
	int64_t	 match;		/* their first running (approved) match, 0 */
	int64_t	 partner;	/* the other one in it */
	int	 taken;		/* running matches they are in */
	int64_t	 proposal;	/* a pending proposal of theirs, or 0 */
	int64_t	 proposed;	/* the other one in it */
};

/*
 * Fill *s for participant `who`, as the mentee (mentee = 1) or the
 * mentor of their matches; clear it with state_match_standing_clear.
 */
int	state_match_standing(struct db *, int64_t who, int mentee,
	    struct match_standing *s, char **cause);
void	state_match_standing_clear(struct match_standing *);

/* Replace the list of unmatched mentees and why. */
int	state_unmatched_clear(struct db *, char **cause);
/* Take `mentee` off that list. */
int	state_unmatched_remove(struct db *, int64_t mentee, char **cause);
int	state_unmatched_add(struct db *, int64_t mentee, const char *why,
	    const char *now, char **cause);

/*
 * The pool's generation (schema.c, migration 5): bumped by trigger at
 * every change a round of proposals depends on.  state_match_pool_changed
 * returns 1 when the pool has changed since the last round, or that round
 * used other `settings` (or there was none), 0 when not, -1 on error.
 * state_match_round_done records that a round saw the pool as it is now,
 * under `settings`.  state_match_generation returns the generation, or -1.
 */
int	state_match_pool_changed(struct db *, const char *settings,
	    char **cause);
int	state_match_round_done(struct db *, const char *settings,
	    const char *now, char **cause);
int64_t	state_match_generation(struct db *, char **cause);

/* Write every match as CSV (RFC 4180). */
int	state_match_export_csv(struct db *, FILE *out, char **cause);

#endif
