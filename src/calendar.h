/*
 * calendar.h -- the program calendar after the introduction: what the
 * program asks of each pair, and when ([calendar] in the configuration).
 *
 * Time-driven work is data.  Each kind of obligation is a family in
 * calendar.c's table (goals, the first meeting, contact, check-ins, the
 * end, evaluations, the thank-you, confirmations); the configuration says
 * when each falls due and when reminders go out around it; every event
 * done is a row of the event table, keyed by (match, event), so that it
 * is done exactly once however often cron runs.  After an outage only the
 * latest point of each family that is due is acted on (the others are
 * recorded as skipped): a pair gets one reminder, not a burst of stale
 * ones, and never one for something already received.  When a thing is
 * still missing past [calendar] coordinator_after, the coordinator is
 * told (a notice) instead of a further reminder.
 */
#ifndef MENTORMAIL_CALENDAR_H
#define MENTORMAIL_CALENDAR_H

#include <stdint.h>

#include <glib.h>

struct pair;
struct program;
struct tvars;

/* Who a calendar mail goes to. */
#define TO_MENTEE	0x1
#define TO_MENTOR	0x2
#define TO_BOTH		(TO_MENTEE | TO_MENTOR)

/*
 * The calendar phase: when applications open ([calendar] intake_opens),
 * those who waited join the pool; then for every pair, do what is due at
 * the program's now (before its introduction, the coordinator's notice
 * of confirmations still out past [calendar] confirm_within), each pair
 * in a savepoint (a pair whose mail cannot be written is logged and left
 * for the next run).  A mentorship that reaches its end takes its two
 * people out of the pool (completed).  Works in a transaction of its
 * own.  Returns 0, or EX_IOERR with *cause set.
 */
int	calendar_run(struct program *, char **cause);

/*
 * The pair's days: its start and (planned) end, and whether it ended
 * early (then *ended is that day).  Returns 0, or -1 when the pair has
 * not started (no introduction yet).
 */
int	pair_days(const struct pair *, GDate *start, GDate *end, GDate *ended,
	    int *has_ended);

/*
 * Set what mail about pair `p` may say, for its mentee (to_mentee) or
 * its mentor: names, roles in the program's own terms, the dates that
 * matter and what the program asks.  Returns 0, or -1 with *cause set.
 */
int	calendar_vars(struct program *, const struct pair *, int to_mentee,
	    struct tvars *, char **cause);

/*
 * Render template `name` for each side in `to` (TO_*) of pair `p`, with
 * calendar_vars and, when `extra` is not NULL, its own variables too, and
 * queue it in the pair's thread.  Returns 0, or -1 with *cause set.
 */
int	calendar_mail(struct program *, const struct pair *, const char *name,
	    int to, void (*extra)(struct tvars *, void *), void *arg,
	    char **cause);

/*
 * Start the mentorship of match `id`, introduced now: its start and end
 * from [calendar] start and length.  The start and end days, as text,
 * go to *starts and *ends when not NULL (caller frees).
 */
int	calendar_start(struct program *, int64_t id, char **starts,
	    char **ends, char **cause);

/*
 * What pair `p` is next due to do, for the report: the earliest of what
 * is still missing (*what names it: "the goals"), the next check-in, or
 * the end.  Returns 1, or 0 when
 * nothing is due any more.
 */
int	calendar_next_due(struct program *, struct pair *p, GDate *day,
	    const char **what);

/*
 * Remind pair `p` now of the earliest of what it still owes (the goals,
 * the first meeting, an evaluation), as the calendar's own reminder
 * would, when the coordinator asks; *what names it ("the goals").  The
 * calendar's own reminders go on as planned.  Returns 0, or -1 with
 * *cause set (also when nothing is owed).
 */
int	calendar_remind(struct program *, struct pair *p, const char **what,
	    char **cause);

#endif
