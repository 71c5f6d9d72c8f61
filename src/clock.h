/*
 * clock.h -- the time every decision is made at.  `run --now` replaces the
 * real clock, so that a year of a program can be simulated in tests.
 */
#ifndef MENTORMAIL_CLOCK_H
#define MENTORMAIL_CLOCK_H

#include <glib.h>

/*
 * Fix the clock at an ISO 8601 time; a time without a zone is taken in
 * `tz`.  Returns 0, or -1 with *cause set.
 */
int	clock_set(const char *iso, GTimeZone *tz, char **cause);

/* The current time (real or fixed): a new reference, caller unrefs. */
GDateTime *clock_now(void);

/* "YYYY-MM-DDTHH:MM:SSZ" for now, in UTC.  Caller frees. */
char	*clock_now_iso(void);

/* "YYYY-MM-DDTHH:MM:SSZ" for `t` in UTC.  Caller frees. */
char	*clock_iso(GDateTime *t);

#endif
