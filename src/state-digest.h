/*
 * state-digest.h -- what the coordinators' daily digest reads, and when
 * digests were sent.  Each section of the digest is a list of lines, made
 * by one query of a table in state-digest.c, over the period the digest
 * covers ("from" exclusive, "to" inclusive, clock times).  Functions
 * return 0 (or the value said) and -1 with *cause set on a database error.
 */
#ifndef MENTORMAIL_STATE_DIGEST_H
#define MENTORMAIL_STATE_DIGEST_H

#include <stdint.h>

#include <glib.h>

struct db;

/*
 * The lines of digest section `name` ("decisions", "overdue",
 * "reminders", "arrived", "failed", "wanted") for the period, in a new
 * array of strings (caller unrefs).  Unknown sections are a bug.
 */
int	state_digest_lines(struct db *, const char *name, const char *from,
	    const char *to, GPtrArray **out, char **cause);

/* Numbers the digest shows, read in one go. */
struct digest_counts {
	int	 proposals;	/* waiting for a decision */
	int	 mentees_waiting;	/* complete, eligible, not matched */
	int	 mentors_room;	/* with room for one more */
	int	 pairs;		/* running */
	int	 goals_in;	/* of the running pairs */
	int	 met;		/* running pairs that reported a meeting */
	int	 ended;		/* pairs that ended, two evaluations each */
	int	 evaluations;
	double	 owed;		/* stipends and travel, in all */
	int	 runs_failing;	/* since the last good run */
	char	*last_ok;	/* when the last good run ended, or NULL */
	char	*last_mail;	/* the newest mail recorded, or NULL */
};
int	state_digest_counts(struct db *, struct digest_counts *, char **cause);
void	digest_counts_clear(struct digest_counts *);

/*
 * The day's digest: the clock time the last one covered up to (*last,
 * NULL when there was none: caller frees), and whether `day` has one.
 */
int	state_digest_last(struct db *, char **last, char **cause);
int	state_digest_done(struct db *, const char *day, char **cause);

/* Record the digest of `day`, covering up to `to` (outbox 0: skipped). */
int	state_digest_add(struct db *, const char *day, const char *from,
	    const char *to, int64_t outbox, char **cause);

/* The notices the digest told: not told again. */
int	state_notices_reported(struct db *, const char *now, char **cause);

/*
 * Runs failing: the clock time the current streak of failed runs began
 * (*since, NULL when the last run was good: caller frees), and whether
 * an alarm of `kind` ("alarm", "recovered") was queued since `since`.
 */
int	state_failing_since(struct db *, char **since, char **cause);
int	state_alarm_since(struct db *, const char *kind, const char *since,
	    char **cause);

#endif
