/*
 * clock.h -- the time every decision is made at.  `run --now` replaces the
 * real clock, so that a year of a program can be simulated in tests.
 */
#ifndef MENTORMAIL_CLOCK_H
#define MENTORMAIL_CLOCK_H

#include <glib.h>

/*
 * Fix the clock at a time written as people write it: "2026-09-01"
 * (midnight), "2026-09-01T08:00" or "2026-09-01 08:00", seconds and a
 * fraction optional, then a zone ("Z", "+02:00", "+0200", "-07") or none:
 * a time without a zone is taken in `tz` (NULL: this machine's).  Returns
 * 0, or -1 with *cause set, leaving the clock as it was.
 */
int	clock_set(const char *text, GTimeZone *tz, char **cause);

/* The current time (real or fixed): a new reference, caller unrefs. */
GDateTime *clock_now(void);

/* "YYYY-MM-DDTHH:MM:SSZ" for now, in UTC.  Caller frees. */
char	*clock_now_iso(void);

/* "YYYY-MM-DDTHH:MM:SSZ" for `t` in UTC.  Caller frees. */
char	*clock_iso(GDateTime *t);

#endif
