/*
 * clock.c -- real or simulated time.
 */
#include <glib.h>

#include "clock.h"
#include "log.h"

static GDateTime *clock_fixed;

int
clock_set(const char *iso, GTimeZone *tz, char **cause)
{
	GDateTime	*t;

	t = g_date_time_new_from_iso8601(iso, tz);
	if (t == NULL)
		return cause_set(cause, "\"%s\" is not an ISO 8601 time "
		    "(e.g. 2026-09-01T08:00:00)", iso);
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
