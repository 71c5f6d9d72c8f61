/*
 * testlib.h -- what the unit tests share: a scratch directory tree and the
 * files in it, assertions on strings, a configuration written from text,
 * a database in a test's own directory, a loopback socket, and GMime set
 * up for a group.
 *
 * Every function here runs inside a cmocka test: those that "fail the
 * test" do so with fail_msg() and do not return.  Strings returned are
 * GLib's and freed with g_free unless said otherwise.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stddef.h>

#include <glib.h>

struct config;
struct db;
struct db_row;

/* Files. */

/*
 * Remove `path` and, if it is a directory (not a link to one), everything
 * below it.  Each directory is made writable first, so that a test which
 * took rights away can still be cleaned up after.  Errors are ignored.
 */
void	 remove_tree(const char *path);

/*
 * Write `text` to `path`, replacing the file whole.  Tests rewrite the
 * same file many times; g_file_set_contents syncs to disk before
 * replacing an existing file, but not when writing a new one, so the old
 * file is removed first (a reader may find no file in between).  TRUE
 * when written.
 */
gboolean put_file(const char *path, const char *text);

/*
 * put_file `text` as `name` in `dir`; fails the test if it cannot be
 * written.  Returns the path, which the caller frees.
 */
char	*put_file_in(const char *dir, const char *name, const char *text);

/* put_file_in, mode 0600: for password files, which others must not read. */
char	*put_secret_in(const char *dir, const char *name, const char *text);

/* Strings. */

/* Fail the test unless `haystack` is not NULL and contains `needle`. */
void	 assert_contains(const char *haystack, const char *needle);

/* Fail the test if `haystack` contains `needle`; NULL contains nothing. */
void	 assert_lacks(const char *haystack, const char *needle);

/*
 * `s` with each "\n" (backslash, n) turned into a line break, as expected
 * values are written on one line.  Caller frees.
 */
char	*unescape(const char *s);

/* A GCompareFunc for a GPtrArray of strings, for g_ptr_array_sort. */
int	 ptr_strcmp(gconstpointer a, gconstpointer b);

/* The configuration. */

/*
 * put_file `text` as `path` and load it with config_load; fails the test
 * if it cannot be written or is refused.  Caller frees with config_free.
 */
struct config *config_from_text(const char *path, const char *text);

/* The database. */

/*
 * Open dir/state.db with db_open (db_open_in) or, in memory and empty,
 * with db_open_copy (db_open_copy_in).  Returns 0, or -1 with *cause set
 * as db.h says (cause may be NULL).  The caller closes *db with db_close.
 */
int	 db_open_in(const char *dir, struct db **db, char **cause);
int	 db_open_copy_in(const char *dir, struct db **db, char **cause);

/*
 * A db_row_fn for db_query: `arg` is a char **, set to a copy of the
 * first row's first column (NULL for SQL NULL), which the caller frees.
 */
int	 copy_text(struct db_row *row, void *arg);

/* What the rules extract. */

/* A GDestroyNotify for a struct extract_field, name and value with it. */
void	 field_free(gpointer p);

/* Sockets, for servers run by the tests themselves. */

/*
 * A TCP socket bound to an ephemeral port on 127.0.0.1, not yet
 * listening; the port is stored in *port.  Fails the test on error.  The
 * caller closes it.
 */
int	 bind_loopback(int *port);

/* Send all of `buf`, or as much as the peer takes before an error. */
void	 send_all(int fd, const char *buf, size_t len);

/* What the program writes on stderr (its log). */

/*
 * From now until stderr_end(), stderr goes to a file in `dir`; fails the
 * test on error.  stderr_end() puts it back and returns what was written
 * (caller frees).  They do not nest.
 */
void	 stderr_begin(const char *dir);
char	*stderr_end(void);

/* GMime, for a group of tests that parse or compose mail. */

/* cmocka group setup and teardown: mime_init and mime_shutdown. */
int	 mime_group_setup(void **state);
int	 mime_group_teardown(void **state);

#endif
