/*
 * clock.c -- real or simulated time.
 */
#include <string.h>

#include <glib.h>

#include "clock.h"
#include "log.h"

static GDateTime *clock_fixed;

/* The time as written, before it means anything. */
struct written {
	int	 year, month, day, hour, minute;
	double	 seconds;
	int	 zoned;			/* a zone was written */
	int	 offset;		/* its offset from UTC, in seconds */
};

/* Exactly `n` digits at *p, as a number; -1 if they are not there. */
static int
digits(const char **p, int n)
{
	int	v = 0, i;

	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit((*p)[i]))
			return -1;
		v = v * 10 + (*p)[i] - '0';
	}
	*p += n;
	return v;
}

static int
skip_char(const char **p, char c)
{
	if (**p != c)
		return 0;
	(*p)++;
	return 1;
}

/* YYYY-MM-DD. */
static int
read_date(const char **p, struct written *w)
{
	if ((w->year = digits(p, 4)) < 0 || !skip_char(p, '-') ||
	    (w->month = digits(p, 2)) < 0 || !skip_char(p, '-') ||
	    (w->day = digits(p, 2)) < 0)
		return -1;
	return 0;
}

/* HH:MM, then :SS and a fraction if there. */
static int
read_time(const char **p, struct written *w)
{
	int	sec;
	double	unit = 0.1;

	if ((w->hour = digits(p, 2)) < 0 || w->hour > 23 ||
	    !skip_char(p, ':') || (w->minute = digits(p, 2)) < 0 ||
	    w->minute > 59)
		return -1;
	if (!skip_char(p, ':'))
		return 0;
	if ((sec = digits(p, 2)) < 0 || sec > 59)
		return -1;
	w->seconds = sec;
	if (!skip_char(p, '.') && !skip_char(p, ','))
		return 0;
	if (!g_ascii_isdigit(**p))
		return -1;
	for (; g_ascii_isdigit(**p); (*p)++, unit /= 10)
		w->seconds += (**p - '0') * unit;
	return 0;
}

/* Z, or +HH, +HHMM, +HH:MM (and the same with '-'), or nothing. */
static int
read_zone(const char **p, struct written *w)
{
	int	sign, hours, minutes = 0;

	if (**p == '\0')
		return 0;
	w->zoned = 1;
	if (skip_char(p, 'Z') || skip_char(p, 'z'))
		return 0;
	if (**p != '+' && **p != '-')
		return -1;
	sign = *(*p)++ == '-' ? -1 : 1;
	if ((hours = digits(p, 2)) < 0 || hours > 14)
		return -1;
	if (**p != '\0') {
		skip_char(p, ':');
		if ((minutes = digits(p, 2)) < 0 || minutes > 59)
			return -1;
	}
	w->offset = sign * (hours * 3600 + minutes * 60);
	return 0;
}

/*
 * What people write: a date, a date and a time to the minute or the
 * second (after 'T' or a space), with a zone or without.
 */
static int
read_written(const char *text, struct written *w)
{
	const char	*p = text;

	memset(w, 0, sizeof *w);
	if (read_date(&p, w) != 0)
		return -1;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (read_time(&p, w) != 0 || read_zone(&p, w) != 0)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

int
clock_set(const char *text, GTimeZone *tz, char **cause)
{
	struct written	 w;
	GTimeZone	*zone = NULL;
	GDateTime	*t = NULL;

	if (read_written(text, &w) == 0) {
		if (w.zoned)
			zone = g_time_zone_new_offset(w.offset);
		else
			zone = tz != NULL ? g_time_zone_ref(tz) :
			    g_time_zone_new_local();
		/* NULL for a day the month does not have. */
		t = g_date_time_new(zone, w.year, w.month, w.day, w.hour,
		    w.minute, w.seconds);
		g_time_zone_unref(zone);
	}
	if (t == NULL)
		return cause_set(cause, "\"%s\" is not a time: write "
		    "2026-09-01, 2026-09-01T08:00 or 2026-09-01 08:00:00, with "
		    "a zone (Z, +02:00) or without (the program's)", text);
	if (clock_fixed != NULL)
		g_date_time_unref(clock_fixed);
	clock_fixed = t;
	return 0;
}

GDateTime *
clock_now(void)
{
	if (clock_fixed != NULL)
		return g_date_time_ref(clock_fixed);
	return g_date_time_new_now_utc();
}

char *
clock_iso(GDateTime *t)
{
	GDateTime	*utc = g_date_time_to_utc(t);
	char		*s;

	s = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(utc);
	return s;
}

char *
clock_now_iso(void)
{
	GDateTime	*now = clock_now();
	char		*s;

	s = clock_iso(now);
	g_date_time_unref(now);
	return s;
}
