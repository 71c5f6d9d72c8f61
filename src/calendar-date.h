/*
 * calendar-date.h -- the arithmetic of a program's calendar: spans of
 * time as a coordinator writes them ("30 days", "6 months", "7 days
 * before"), dates in the program's time zone, and when a mentorship
 * starts and ends (rolling, or in yearly or one-off cohorts).
 *
 * Dates are calendar days in the program's zone (GDate), never instants:
 * "30 days after the start" is the same day whatever the daylight saving
 * time did in between.  A month added to the 31st lands on the month's
 * last day (31 January + 1 month = 28 or 29 February).
 *
 * Nothing here reads the clock: the caller passes the run's `now`.
 */
#ifndef MENTORMAIL_CALENDAR_DATE_H
#define MENTORMAIL_CALENDAR_DATE_H

#include <glib.h>

/* A span of months and days; negative when it counts back. */
struct span {
	int	months;
	int	days;
};

/*
 * Parse "N day(s)", "N week(s)", "N month(s)", "N year(s)", "0" or
 * "none" (0 days), or with `signed_ok` also "N days before" / "N days
 * after" (and "on the day").  N is 0 to 120 months or 0 to 3660 days.
 * Returns 0, or -1 with *cause set saying what is accepted.
 */
int	span_parse(const char *text, int signed_ok, struct span *out,
	    char **cause);

/* Whether the span is nothing ("none", "0"). */
int	span_is_zero(const struct span *);

/* "30 days", "6 months", "7 days before": for people.  Caller frees. */
char	*span_text(const struct span *);

/* `d` moved by `s` (months first, clamped to the month's end, then days). */
void	date_add(GDate *d, const struct span *s);

/* `d` moved by `n` times `s` from `from` (n >= 0). */
void	date_add_times(GDate *d, const GDate *from, const struct span *s,
	    int n);

/* Parse "YYYY-MM-DD" into `d`: 0, or -1 when it is no such date. */
int	date_parse(const char *text, GDate *d);

/* "YYYY-MM-DD" of `d`.  Caller frees. */
char	*date_iso(const GDate *d);

/* "14 October 2026" of `d`, for people.  Caller frees. */
char	*date_text(const GDate *d);

/* The day `now` falls on in zone `tz`. */
void	date_of(GDateTime *now, GTimeZone *tz, GDate *out);

/*
 * Whether `now` has reached day `d` at `minute` (minutes after local
 * midnight, 0 to 1439) in zone `tz`: time-driven mail waits for the
 * program's morning rather than going out at ten past midnight.
 */
int	date_reached(GDateTime *now, GTimeZone *tz, const GDate *d,
	    int minute);

/* Days from `a` to `b` (negative when b is earlier). */
int	date_days_between(const GDate *a, const GDate *b);

/*
 * Whether applications are taken on `today` under [calendar]
 * intake_opens and intake_closes ("MM-DD", both days taken; the window
 * may run over the new year): always when they are NULL.  When they are
 * not taken, *next is the day they next open.
 */
int	intake_open(const char *opens, const char *closes, const GDate *today,
	    GDate *next);

/* When mentorships start: when approved, or with a cohort. */
enum cohort_kind {
	COHORT_NONE,		/* rolling: at the approval */
	COHORT_YEARLY,		/* each year on month/day */
	COHORT_ONCE,		/* one cohort, on a date */
};

struct cohort {
	enum cohort_kind kind;
	int		 month;		/* 1-12, yearly */
	int		 day;		/* 1-31, yearly */
	GDate		 date;		/* once */
};

/*
 * Parse "approval", "MM-DD" (each year) or "YYYY-MM-DD" (once).  Returns
 * 0, or -1 with *cause set.
 */
int	cohort_parse(const char *text, struct cohort *out, char **cause);

/*
 * The start and end of a mentorship of `length` approved on `approved`.
 * Rolling: from the approval.  With a cohort, the first cohort not yet
 * over on that day: a pair approved before it starts begins with it; one
 * approved while it runs begins at once and ends with it.
 */
void	mentorship_dates(const struct cohort *, const struct span *length,
	    const GDate *approved, GDate *start, GDate *end);

#endif
