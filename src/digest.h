/*
 * digest.h -- the coordinators' mail: one digest a day, and an alarm when
 * runs keep failing.
 *
 * The digest goes out on the first run at or after [digest] time in the
 * program's zone, once a day however often cron runs (the day is a
 * primary key); after an outage the next digest covers the whole gap
 * since the last one.  It says, most urgent first, what needs a
 * decision, what is overdue and what reminders went out, what came in,
 * what could not be handled, the pool, stipends owed and the program's
 * health; as plain text and as simple HTML (multipart/alternative).  A
 * day with no news gives a short digest, or none with [digest] quiet =
 * skip; [digest] time = none sends none at all.
 *
 * The alarm: when runs have failed for longer than [digest] alarm_hours,
 * one alert is queued (it goes out as soon as SMTP works), and one more
 * when a run succeeds again; never one per run.
 */
#ifndef MENTORMAIL_DIGEST_H
#define MENTORMAIL_DIGEST_H

struct program;

/*
 * The digest phase: queue today's digest if it is due and not sent.
 * Works in a transaction of its own.  Returns 0, or an EX_* code with
 * *cause set (EX_IOERR: the database; EX_DATAERR: the templates).
 */
int	digest_run(struct program *, char **cause);

/*
 * The health phase: queue the alarm or the recovery mail when due.
 * `failing` says whether this run has failed so far.  Returns 0, or
 * EX_IOERR with *cause set.
 */
int	digest_health(struct program *, int failing, char **cause);

#endif
