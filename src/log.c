/*
 * log.c -- one-line diagnostics on stderr, which cron mails to its owner.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "log.h"

static enum log_level log_level = LOG_LEVEL_WARN;

static const char *log_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char	*line;

	if (level > log_level)
		return;
	/* One write per line, so lines of overlapping runs never interleave. */
	line = g_strdup_vprintf(fmt, ap);
	fprintf(stderr, "mentormail: %s: %s\n", log_names[level], line);
	g_free(line);
}

#define LOG_FUNCTION(name, level)				\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	ap;						\
								\
	va_start(ap, fmt);					\
	log_vwrite(level, fmt, ap);				\
	va_end(ap);						\
}

LOG_FUNCTION(log_error, LOG_LEVEL_ERROR)
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN)
LOG_FUNCTION(log_info, LOG_LEVEL_INFO)
LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	abort();
}

int
cause_set(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	*cause = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return -1;
}
