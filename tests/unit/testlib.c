/*
 * testlib.c -- what the unit tests share; see testlib.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "config.h"
#include "db.h"
#include "mime.h"
#include "rules.h"
#include "testlib.h"

/* Files. */

void
remove_tree(const char *path)
{
	GDir		*dir;
	const char	*name;
	char		*child;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR) ||
	    g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_remove(path);
		return;
	}
	g_chmod(path, 0700);
	dir = g_dir_open(path, 0, NULL);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		child = g_build_filename(path, name, NULL);
		remove_tree(child);
		g_free(child);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_rmdir(path);
}

gboolean
put_file(const char *path, const char *text)
{
	g_remove(path);
	return g_file_set_contents(path, text, -1, NULL);
}

char *
put_file_in(const char *dir, const char *name, const char *text)
{
	char	*path = g_build_filename(dir, name, NULL);

	if (!put_file(path, text))
		fail_msg("cannot write %s", path);
	return path;
}

/* stderr. */

static int	 stderr_saved = -1;
static char	*stderr_path;

void
stderr_begin(const char *dir)
{
	int	fd;

	stderr_path = g_build_filename(dir, "stderr", NULL);
	fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fflush(stderr);
	if (fd == -1 || (stderr_saved = dup(2)) == -1 || dup2(fd, 2) != 2)
		fail_msg("cannot send stderr to %s", stderr_path);
	close(fd);
}

char *
stderr_end(void)
{
	char	*text = NULL;

	fflush(stderr);
	if (stderr_saved == -1 || dup2(stderr_saved, 2) != 2)
		fail_msg("stderr_end without stderr_begin");
	close(stderr_saved);
	stderr_saved = -1;
	if (!g_file_get_contents(stderr_path, &text, NULL, NULL))
		fail_msg("cannot read %s", stderr_path);
	g_remove(stderr_path);
	g_clear_pointer(&stderr_path, g_free);
	return text;
}

char *
put_secret_in(const char *dir, const char *name, const char *text)
{
	char	*path = put_file_in(dir, name, text);

	if (chmod(path, 0600) != 0)
		fail_msg("cannot chmod %s", path);
	return path;
}

/* Strings. */

void
assert_contains(const char *haystack, const char *needle)
{
	if (haystack == NULL)
		fail_msg("NULL does not contain \"%s\"", needle);
	if (strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

void
assert_lacks(const char *haystack, const char *needle)
{
	if (haystack != NULL && strstr(haystack, needle) != NULL)
		fail_msg("\"%s\" contains \"%s\"", haystack, needle);
}

char *
unescape(const char *s)
{
	GString	*out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			g_string_append_c(out, '\n');
			s++;
		} else
			g_string_append_c(out, *s);
	}
	return g_string_free(out, FALSE);
}

int
ptr_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The configuration. */

struct config *
config_from_text(const char *path, const char *text)
{
	struct config	*c = NULL;
	char		*cause = NULL;

	if (!put_file(path, text))
		fail_msg("cannot write %s", path);
	if (config_load(path, &c, &cause) != 0)
		fail_msg("config refused: %s\n%s", cause, text);
	return c;
}

/* The database. */

/* Open dir/state.db with `fn`: db_open or db_open_copy. */
static int
open_in(int (*fn)(const char *, struct db **, char **), const char *dir,
    struct db **db, char **cause)
{
	char	*path = g_build_filename(dir, "state.db", NULL);
	int	 error;

	error = fn(path, db, cause);
	g_free(path);
	return error;
}

int
db_open_in(const char *dir, struct db **db, char **cause)
{
	return open_in(db_open, dir, db, cause);
}

int
db_open_copy_in(const char *dir, struct db **db, char **cause)
{
	return open_in(db_open_copy, dir, db, cause);
}

int
copy_text(struct db_row *row, void *arg)
{
	*(char **)arg = g_strdup(db_row_text(row, 0));
	return 1;
}

/* What the rules extract. */

void
field_free(gpointer p)
{
	struct extract_field	*fld = p;

	g_free(fld->name);
	g_free(fld->value);
	g_free(fld);
}

/* Sockets. */

int
bind_loopback(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_not_equal(fd, -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

void
send_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0 && (n = send(fd, buf, len, MSG_NOSIGNAL)) > 0) {
		buf += n;
		len -= (size_t)n;
	}
}

/* GMime. */

int
mime_group_setup(void **state)
{
	mime_init();
	return 0;
}

int
mime_group_teardown(void **state)
{
	mime_shutdown();
	return 0;
}
