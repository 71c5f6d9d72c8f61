/*
 * log.h -- diagnostics and the error policy every module follows.
 *
 * Error policy (see HACKING.md):
 *  - fatal() only for broken invariants; out of memory aborts inside GLib's
 *    allocators (g_malloc and friends), which every module uses.
 *  - A run-time failure returns -1 and, when the caller passed a non-NULL
 *    `char **cause`, stores there a g_malloc'd sentence saying what went
 *    wrong.  The caller owns it (g_free) and logs it with context: the
 *    message UID, the server, the file and line.
 *  - Temporary failures (a server down, a dropped connection) are kept apart
 *    from permanent ones by the caller's return value or exit code, because
 *    cron will run us again.
 */
#ifndef MENTORMAIL_LOG_H
#define MENTORMAIL_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above this level are dropped.  Default LOG_LEVEL_WARN. */
void	log_set_level(enum log_level);
enum log_level log_get_level(void);

/* Write one line to stderr: "mentormail: LEVEL: text".  Never fails. */
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A broken invariant: log and abort(). */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Store a g_malloc'd, printf-formatted sentence in *cause when cause is not
 * NULL, and return -1, so a failing function can end with
 * `return cause_set(cause, "...", ...);`.
 */
int	cause_set(char **cause, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
