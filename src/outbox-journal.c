/*
 * outbox-journal.c -- the answers of the SMTP server, appended to a small
 * file the moment they come (see outbox-journal.h).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "log.h"
#include "outbox-journal.h"

/* Characters of WHY kept: a server's reply, not its life story. */
#define WHY_MAX		300

struct outbox_journal {
	int	 fd;
	char	*path;
};

static const char *const outcome_words[] = {
	[OUTBOX_SENT] = "sent",
	[OUTBOX_DEFERRED] = "deferred",
	[OUTBOX_FAILED] = "failed",
};

int
outbox_journal_open(const char *path, struct outbox_journal **out,
    char **cause)
{
	struct outbox_journal	*j;
	int			 fd;

	*out = NULL;
	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1)
		return cause_set(cause, "%s: %s", path, g_strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		if (errno == EWOULDBLOCK)
			return 1;
		return cause_set(cause, "%s: lock: %s", path,
		    g_strerror(errno));
	}
	j = g_new0(struct outbox_journal, 1);
	j->fd = fd;
	j->path = g_strdup(path);
	*out = j;
	return 0;
}

void
outbox_journal_close(struct outbox_journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	g_free(j->path);
	g_free(j);
}

const char *
outbox_journal_path(struct outbox_journal *j)
{
	return j->path;
}

int
outbox_journal_reserve(struct outbox_journal *j, size_t n, char **cause)
{
	struct stat	st;

	if (n == 0)
		return 0;
	if (fstat(j->fd, &st) != 0)
		return cause_set(cause, "%s: %s", j->path, g_strerror(errno));
	/* KEEP_SIZE: the blocks are ours, the file still ends where it did. */
	if (fallocate(j->fd, FALLOC_FL_KEEP_SIZE, st.st_size,
	    (off_t)(n * OUTBOX_JOURNAL_RECORD)) == 0)
		return 0;
	if (errno == EOPNOTSUPP || errno == ENOSYS) {
		log_debug("%s: cannot reserve space here: %s", j->path,
		    g_strerror(errno));
		return 0;
	}
	return cause_set(cause, "%s: cannot reserve room for the server's "
	    "answers: %s", j->path, g_strerror(errno));
}

/* `why` as one line of at most WHY_MAX characters.  Caller frees. */
static char *
why_line(const char *why)
{
	char	*valid, *line, *p;

	valid = g_utf8_make_valid(why, -1);
	line = g_utf8_substring(valid, 0, MIN(g_utf8_strlen(valid, -1),
	    WHY_MAX));
	g_free(valid);
	for (p = line; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	}
	return line;
}

int
outbox_journal_write(struct outbox_journal *j, int64_t id,
    enum outbox_outcome outcome, const char *at, const char *why,
    char **cause)
{
	GString	*s = g_string_new(NULL);
	char	*line;
	ssize_t	 n;

	g_string_printf(s, "%s %" PRId64 " %s", outcome_words[outcome], id, at);
	if (why != NULL && outcome != OUTBOX_SENT) {
		line = why_line(why);
		g_string_append_printf(s, " %s", line);
		g_free(line);
	}
	g_string_append_c(s, '\n');
	/* One write: a kill leaves the whole line or none of it. */
	do
		n = write(j->fd, s->str, s->len);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)s->len) {
		g_string_free(s, TRUE);
		return cause_set(cause, "%s: %s", j->path, n == -1 ?
		    g_strerror(errno) : "short write");
	}
	g_string_free(s, TRUE);
	return 0;
}

int
outbox_journal_sync(struct outbox_journal *j, char **cause)
{
	if (fdatasync(j->fd) != 0)
		return cause_set(cause, "%s: %s", j->path, g_strerror(errno));
	return 0;
}

static void
answer_free(gpointer p)
{
	struct outbox_answer	*a = p;

	g_free(a->at);
	g_free(a->why);
	g_free(a);
}

static int
outcome_of(const char *word)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(outcome_words); i++) {
		if (strcmp(word, outcome_words[i]) == 0)
			return (int)i;
	}
	return -1;
}

/* "WORD ID TIME[ WHY]" as an answer, or NULL. */
static struct outbox_answer *
answer_parse(const char *line)
{
	struct outbox_answer	*a;
	char			**w, *end;
	int			  outcome;
	int64_t			  id;

	w = g_strsplit(line, " ", 4);
	if (g_strv_length(w) < 3 || (outcome = outcome_of(w[0])) < 0 ||
	    strlen(w[2]) != 20 || w[2][19] != 'Z') {
		g_strfreev(w);
		return NULL;
	}
	id = g_ascii_strtoll(w[1], &end, 10);
	if (*end != '\0' || id <= 0 || (outcome != OUTBOX_SENT &&
	    w[3] == NULL)) {
		g_strfreev(w);
		return NULL;
	}
	a = g_new0(struct outbox_answer, 1);
	a->outcome = (enum outbox_outcome)outcome;
	a->id = id;
	a->at = g_strdup(w[2]);
	a->why = outcome != OUTBOX_SENT ? g_strdup(w[3]) : NULL;
	g_strfreev(w);
	return a;
}

/* The whole file.  Caller frees. */
static char *
journal_slurp(struct outbox_journal *j, size_t *len, char **cause)
{
	GString	*s = g_string_new(NULL);
	char	 buf[8192];
	ssize_t	 n;
	off_t	 off = 0;

	while ((n = pread(j->fd, buf, sizeof buf, off)) > 0 ||
	    (n == -1 && errno == EINTR)) {
		if (n > 0) {
			g_string_append_len(s, buf, n);
			off += n;
		}
	}
	if (n == -1) {
		g_string_free(s, TRUE);
		cause_set(cause, "%s: %s", j->path, g_strerror(errno));
		return NULL;
	}
	*len = s->len;
	return g_string_free(s, FALSE);
}

int
outbox_journal_read(struct outbox_journal *j, GPtrArray **out, int *skipped,
    char **cause)
{
	struct outbox_answer	*a;
	char			*text, *line, *nl;
	size_t			 len;
	int			 bad = 0;

	*out = NULL;
	if ((text = journal_slurp(j, &len, cause)) == NULL)
		return -1;
	*out = g_ptr_array_new_with_free_func(answer_free);
	for (line = text; line < text + len; line = nl + 1) {
		/* A line without its newline was cut short; so is a NUL. */
		if ((nl = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			nl = text + len;
		*nl = '\0';
		if (strlen(line) != (size_t)(nl - line) || nl == text + len ||
		    (a = answer_parse(line)) == NULL) {
			bad += *line != '\0';
			continue;
		}
		g_ptr_array_add(*out, a);
	}
	g_free(text);
	if (skipped != NULL)
		*skipped = bad;
	return 0;
}

int
outbox_journal_clear(struct outbox_journal *j, char **cause)
{
	if (ftruncate(j->fd, 0) != 0)
		return cause_set(cause, "%s: %s", j->path, g_strerror(errno));
	return 0;
}
