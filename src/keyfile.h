/*
 * keyfile.h -- an INI file read with GLib's GKeyFile that knows its lines.
 *
 * GKeyFile says neither which line a malformed file fails on nor where a
 * group or key was written.  A keyfile checks the shape of every line
 * first, so that a mistake is reported as "path:line: what is wrong", and
 * keeps the lines, so that a later problem with a value (found by the
 * caller) can be reported on its line too.
 *
 * The lines accepted: blank, "# comment", "[group]", and "key = value"
 * inside a group, the key without a [locale].  Leading and trailing white
 * space (a CR of a CRLF file among it) is ignored.
 */
#ifndef MENTORMAIL_KEYFILE_H
#define MENTORMAIL_KEYFILE_H

#include <glib.h>

struct keyfile;

/* A group or a key given twice is an error (GKeyFile merges them). */
#define KEYFILE_UNIQUE		0x1
/* "[group" is "a group header must end with ']'", not "expected ...". */
#define KEYFILE_SAY_HEADER	0x2

/*
 * Read the file at `path`, check its lines as `flags` say, and parse it.
 * Returns 0 with *out set (free it with keyfile_free), or -1 with *cause
 * set to "path: why" (unreadable, or refused by GKeyFile) or "path:line:
 * why" (a line of the wrong shape).  The caller frees *cause.
 */
int	keyfile_load(const char *path, int flags, struct keyfile **out,
	    char **cause);

/* As keyfile_load, from `text`; `path` only names it in messages. */
int	keyfile_load_text(const char *path, const char *text, int flags,
	    struct keyfile **out, char **cause);

/* Free everything, the GKeyFile included.  NULL is allowed. */
void	keyfile_free(struct keyfile *);

/* The parsed file, owned by the keyfile: do not free it. */
GKeyFile *keyfile_gkeyfile(const struct keyfile *);

/* The path as given to keyfile_load, owned by the keyfile. */
const char *keyfile_path(const struct keyfile *);

/*
 * The line (1-based) of `key` in `group`, or of the group's first header
 * when key is NULL; 0 when not found.  A key given twice is on its last
 * line, since that is the value GKeyFile keeps.
 */
int	keyfile_line(const struct keyfile *, const char *group,
	    const char *key);

/*
 * Store in *cause (when not NULL) "path:line: message", the line being
 * that of `key` in `group` (of the group when key is NULL), or "path:
 * message" when group is NULL or the line is not found.  Returns -1, so a
 * caller can `return keyfile_error(...)`.  The caller frees *cause.
 */
int	keyfile_error(const struct keyfile *, const char *group,
	    const char *key, char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
