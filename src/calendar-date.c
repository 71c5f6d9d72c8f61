/*
 * calendar-date.c -- spans, dates and mentorship dates (calendar-date.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "log.h"

#define SPAN_MAX_MONTHS	120
#define SPAN_MAX_DAYS	3660

/* Units a span may be written in, and their size. */
static const struct {
	const char	*name;		/* singular; "s" may follow */
	int		 months;
	int		 days;
} units[] = {
	{ "day", 0, 1 },
	{ "week", 0, 7 },
	{ "month", 1, 0 },
	{ "year", 12, 0 },
};

/* The unit word `w` (singular or plural), or -1. */
static int
unit_find(const char *w)
{
	size_t	i, n;

	for (i = 0; i < G_N_ELEMENTS(units); i++) {
		n = strlen(units[i].name);
		if (strncmp(w, units[i].name, n) == 0 &&
		    (w[n] == '\0' || (w[n] == 's' && w[n + 1] == '\0')))
			return (int)i;
	}
	return -1;
}

/* "N unit": 0 or -1. */
static int
span_amount(char **w, struct span *out)
{
	char	*end;
	long	 n;
	int	 u;

	n = strtol(w[0], &end, 10);
	if (*end != '\0' || end == w[0] || n < 0 || w[1] == NULL ||
	    (u = unit_find(w[1])) < 0)
		return -1;
	out->months = (int)n * units[u].months;
	out->days = (int)n * units[u].days;
	if (out->months > SPAN_MAX_MONTHS || out->days > SPAN_MAX_DAYS)
		return -1;
	return 0;
}

/* The words of `text`, lower case, without empty ones.  Caller frees. */
static char **
words_of(const char *text)
{
	char	 *low = g_ascii_strdown(text, -1);
	char	**w = g_strsplit_set(g_strstrip(low), " \t", -1);
	size_t	  i, n = 0;

	for (i = 0; w[i] != NULL; i++) {
		if (*w[i] != '\0')
			w[n++] = w[i];
		else
			g_free(w[i]);
	}
	w[n] = NULL;
	g_free(low);
	return w;
}

static int
span_words(char **w, int signed_ok, struct span *out)
{
	size_t	n = g_strv_length(w);
	int	sign = 1;

	memset(out, 0, sizeof *out);
	if (n == 1 && (strcmp(w[0], "none") == 0 || strcmp(w[0], "0") == 0))
		return 0;
	if (signed_ok && n == 3 && strcmp(w[0], "on") == 0 &&
	    strcmp(w[1], "the") == 0 && strcmp(w[2], "day") == 0)
		return 0;
	if (signed_ok && n == 3 && strcmp(w[2], "before") == 0)
		sign = -1;
	else if (!(signed_ok && n == 3 && strcmp(w[2], "after") == 0) &&
	    n != 2)
		return -1;
	if (span_amount(w, out) != 0)
		return -1;
	out->months *= sign;
	out->days *= sign;
	return 0;
}

int
span_parse(const char *text, int signed_ok, struct span *out, char **cause)
{
	char	**w = words_of(text);
	int	  error;

	error = span_words(w, signed_ok, out);
	g_strfreev(w);
	if (error == 0)
		return 0;
	return cause_set(cause, "\"%s\" is not a span of time: write it as "
	    "\"30 days\", \"2 weeks\", \"6 months\" or \"1 year\"%s", text,
	    signed_ok ? ", with \"before\" or \"after\"" : "");
}

int
span_is_zero(const struct span *s)
{
	return s->months == 0 && s->days == 0;
}

char *
span_text(const struct span *s)
{
	int		 months = abs(s->months), days = abs(s->days);
	const char	*dir = s->months < 0 || s->days < 0 ? " before" :
			    "";
	char		*t;

	if (span_is_zero(s))
		return g_strdup("0 days");
	if (months > 0 && days > 0)
		t = g_strdup_printf("%d month%s and %d day%s%s", months,
		    months == 1 ? "" : "s", days, days == 1 ? "" : "s", dir);
	else if (months > 0)
		t = g_strdup_printf("%d month%s%s", months,
		    months == 1 ? "" : "s", dir);
	else
		t = g_strdup_printf("%d day%s%s", days, days == 1 ? "" : "s",
		    dir);
	return t;
}

void
date_add(GDate *d, const struct span *s)
{
	if (s->months > 0)
		g_date_add_months(d, (guint)s->months);
	else if (s->months < 0)
		g_date_subtract_months(d, (guint)-s->months);
	if (s->days > 0)
		g_date_add_days(d, (guint)s->days);
	else if (s->days < 0)
		g_date_subtract_days(d, (guint)-s->days);
}

void
date_add_times(GDate *d, const GDate *from, const struct span *s, int n)
{
	struct span	times = { s->months * n, s->days * n };

	/* From the start each time: 31 Jan + 2 months is 31 March. */
	*d = *from;
	date_add(d, &times);
}

int
date_parse(const char *text, GDate *d)
{
	int	y, m, day;
	char	end;

	g_date_clear(d, 1);
	if (text == NULL || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &day,
	    &end) != 3 || strlen(text) != 10)
		return -1;
	if (!g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y))
		return -1;
	g_date_set_dmy(d, (GDateDay)day, (GDateMonth)m, (GDateYear)y);
	return 0;
}

char *
date_iso(const GDate *d)
{
	return g_strdup_printf("%04d-%02d-%02d", g_date_get_year(d),
	    g_date_get_month(d), g_date_get_day(d));
}

char *
date_text(const GDate *d)
{
	char	buf[64];

	if (g_date_strftime(buf, sizeof buf, "%-d %B %Y", d) == 0)
		return date_iso(d);
	return g_strdup(buf);
}

void
date_of(GDateTime *now, GTimeZone *tz, GDate *out)
{
	GDateTime	*local = g_date_time_to_timezone(now, tz);

	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)g_date_time_get_day_of_month(local),
	    (GDateMonth)g_date_time_get_month(local),
	    (GDateYear)g_date_time_get_year(local));
	g_date_time_unref(local);
}

int
date_reached(GDateTime *now, GTimeZone *tz, const GDate *d, int minute)
{
	GDateTime	*at;
	int		 reached;

	/* A local time that does not exist (a DST gap) moves forward. */
	at = g_date_time_new(tz, g_date_get_year(d), g_date_get_month(d),
	    g_date_get_day(d), minute / 60, minute % 60, 0);
	if (at == NULL)
		return 0;
	reached = g_date_time_compare(now, at) >= 0;
	g_date_time_unref(at);
	return reached;
}

int
date_days_between(const GDate *a, const GDate *b)
{
	return g_date_days_between(a, b);
}

int
cohort_parse(const char *text, struct cohort *out, char **cause)
{
	int	m, d;
	char	end;

	memset(out, 0, sizeof *out);
	g_date_clear(&out->date, 1);
	if (strcmp(text, "approval") == 0) {
		out->kind = COHORT_NONE;
		return 0;
	}
	if (date_parse(text, &out->date) == 0) {
		out->kind = COHORT_ONCE;
		return 0;
	}
	if (strlen(text) == 5 && sscanf(text, "%2d-%2d%c", &m, &d, &end) ==
	    2 && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, 2024)) {
		out->kind = COHORT_YEARLY;
		out->month = m;
		out->day = d;
		return 0;
	}
	return cause_set(cause, "\"%s\" is not a start: write \"approval\" "
	    "(each pair starts when approved), \"MM-DD\" (a cohort each "
	    "year, e.g. 10-15) or \"YYYY-MM-DD\" (one cohort)", text);
}

/* Day `day` of `month` in `year` (29 February: the 28th if need be). */
static void
day_in(int month, int day, int year, GDate *out)
{
	while (!g_date_valid_dmy((GDateDay)day, (GDateMonth)month,
	    (GDateYear)year))
		day--;
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
}

/* The yearly cohort's start in `year`. */
static void
cohort_in(const struct cohort *c, int year, GDate *out)
{
	day_in(c->month, c->day, year, out);
}

/* "MM-DD" as MMDD, or -1. */
static int
month_day(const char *text, int *month, int *day)
{
	if (text == NULL || sscanf(text, "%2d-%2d", month, day) != 2)
		return -1;
	return *month * 100 + *day;
}

int
intake_open(const char *opens, const char *closes, const GDate *today,
    GDate *next)
{
	int	om, od, cm, cd, o, c, t, year = g_date_get_year(today);

	if ((o = month_day(opens, &om, &od)) < 0 ||
	    (c = month_day(closes, &cm, &cd)) < 0)
		return 1;
	t = g_date_get_month(today) * 100 + g_date_get_day(today);
	if (o <= c ? t >= o && t <= c : t >= o || t <= c)
		return 1;
	day_in(om, od, t < o ? year : year + 1, next);
	return 0;
}

/* The start of the first cohort whose end is after `approved`. */
static void
cohort_for(const struct cohort *c, const struct span *length,
    const GDate *approved, GDate *start)
{
	GDate	end;
	int	year = g_date_get_year(approved) - 1;

	if (c->kind == COHORT_ONCE) {
		*start = c->date;
		return;
	}
	for (;; year++) {
		cohort_in(c, year, start);
		end = *start;
		date_add(&end, length);
		if (g_date_compare(&end, approved) > 0)
			return;
	}
}

void
mentorship_dates(const struct cohort *c, const struct span *length,
    const GDate *approved, GDate *start, GDate *end)
{
	GDate	cohort;

	if (c->kind == COHORT_NONE) {
		*start = *approved;
		*end = *approved;
		date_add(end, length);
		return;
	}
	cohort_for(c, length, approved, &cohort);
	*end = cohort;
	date_add(end, length);
	*start = g_date_compare(approved, &cohort) > 0 ? *approved : cohort;
	/* Approved after a one-off cohort ended: a mentorship of its own. */
	if (g_date_compare(start, end) >= 0) {
		*start = *approved;
		*end = *approved;
		date_add(end, length);
	}
}
