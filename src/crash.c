/*
 * crash.c -- self-inflicted SIGKILL at named points, for the crash tests.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "crash.h"
#include "log.h"

void
crash_point(const char *name)
{
	static int	 seen;
	const char	*want = getenv("MENTORMAIL_CRASH");
	const char	*colon;
	size_t		 len;
	long		 nth = 1;

	if (want == NULL)
		return;
	colon = strchr(want, ':');
	len = colon != NULL ? (size_t)(colon - want) : strlen(want);
	if (len != strlen(name) || strncmp(want, name, len) != 0)
		return;
	if (colon != NULL)
		nth = strtol(colon + 1, NULL, 10);
	if (++seen < nth)
		return;
	log_warn("crash point %s reached: killing this run", name);
	kill(getpid(), SIGKILL);
}
