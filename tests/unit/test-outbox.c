/*
 * test-outbox.c -- the outbox as outbox.h and state-outbox.h promise it:
 * mail queued with the change that caused it, backed off when the server
 * defers it, failed when it refuses it or when it has waited too long,
 * and sent exactly once over one SMTP session per flush.
 *
 * The servers are real: tests/lib/smtpd.py (aiosmtpd) in a child process,
 * told by a fail file which replies to refuse, saving what it accepts with
 * the envelope, the session number, and whether TLS and AUTH were used.
 * One plain server serves most tests; those about TLS and AUTH start their
 * own.  The clock is fixed (clock_set), so backoff times are exact.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "outbox-journal.h"
#include "state-outbox.h"
#include "testlib.h"

#define SMTPD		"tests/lib/smtpd.py"
#define PYTHON		"/usr/bin/python3"
#define PROGRAM_ADDR	"mentoring@example.org"
#define T0		"2026-09-01T08:00:00Z"

/* Seconds smtpd.py may take to say "ready". */
#define READY_TIMEOUT	20

struct server {
	pid_t		 pid;
	int		 port;
	char		*dir;
	char		*maildir;
	char		*fail;		/* the fail file it reads */
};

/* What the group shares: certificates and the plain server. */
struct group {
	char		*dir;
	char		*certs;
	struct server	 plain;
};

struct fixture {
	char		*dir;
	struct db	*db;
	struct config	*cfg;
	struct server	 own;		/* a test's own server, if any */
};

/* One mail as the server saved it. */
struct delivered {
	char		*from;		/* X-Envelope-From, in brackets */
	char		*to;		/* the first X-Envelope-To */
	int		 nto;
	int		 session;
	int		 tls;
	char		*auth_user;	/* NULL without AUTH */
	char		*data;		/* the message as received */
	size_t		 len;
};

static struct group	*G;

/* Files. */

static void
write_file(const char *path, const char *text)
{
	assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* The names in `dir` ending in `suffix`, sorted, in a new array. */
static GPtrArray *
dir_list(const char *dir, const char *suffix)
{
	GPtrArray	*names = g_ptr_array_new_with_free_func(g_free);
	GDir		*d = g_dir_open(dir, 0, NULL);
	const char	*name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, suffix))
			g_ptr_array_add(names, g_build_filename(dir, name,
			    NULL));
	}
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(names, ptr_strcmp);
	return names;
}

/* Servers. */

/* "ready PORT" from the child within READY_TIMEOUT: the port, or -1. */
static int
read_ready(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 buf[64];
	size_t		 n = 0;
	ssize_t		 r;

	while (n < sizeof buf - 1 && poll(&pfd, 1, READY_TIMEOUT * 1000) == 1) {
		if ((r = read(fd, buf + n, sizeof buf - 1 - n)) <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (strchr(buf, '\n') != NULL && strncmp(buf, "ready ", 6) == 0)
			return atoi(buf + 6);
	}
	return -1;
}

static void
exec_server(int out, struct server *srv, const char *const *extra)
{
	GPtrArray	*argv = g_ptr_array_new();
	size_t		 i;

	/* The server must not outlive a test that crashes. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	dup2(out, STDOUT_FILENO);
	g_ptr_array_add(argv, (char *)PYTHON);
	g_ptr_array_add(argv, (char *)SMTPD);
	g_ptr_array_add(argv, (char *)"--port");
	g_ptr_array_add(argv, (char *)"0");
	g_ptr_array_add(argv, (char *)"--maildir");
	g_ptr_array_add(argv, srv->maildir);
	g_ptr_array_add(argv, (char *)"--fail-file");
	g_ptr_array_add(argv, srv->fail);
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add(argv, (char *)extra[i]);
	g_ptr_array_add(argv, NULL);
	execv(PYTHON, (char **)argv->pdata);
	_exit(127);
}

/* Start smtpd.py in `dir` with the `extra` arguments. */
static void
server_start(struct server *srv, const char *dir, const char *const *extra)
{
	int	pipefd[2];

	srv->dir = g_strdup(dir);
	srv->maildir = g_build_filename(dir, "mail", NULL);
	srv->fail = g_build_filename(dir, "fail", NULL);
	assert_int_equal(pipe(pipefd), 0);
	srv->pid = fork();
	assert_int_not_equal(srv->pid, -1);
	if (srv->pid == 0)
		exec_server(pipefd[1], srv, extra);
	close(pipefd[1]);
	srv->port = read_ready(pipefd[0]);
	close(pipefd[0]);
	if (srv->port <= 0)
		fail_msg("%s did not start", SMTPD);
}

static void
server_stop(struct server *srv)
{
	int	status;

	if (srv->pid > 0) {
		kill(srv->pid, SIGTERM);
		waitpid(srv->pid, &status, 0);
	}
	g_free(srv->dir);
	g_free(srv->maildir);
	g_free(srv->fail);
	memset(srv, 0, sizeof *srv);
}

/* Forget what the server received and what it was told to refuse. */
static void
server_reset(struct server *srv)
{
	GPtrArray	*mails = dir_list(srv->maildir, ".eml");
	guint		 i;

	for (i = 0; i < mails->len; i++)
		g_remove(g_ptr_array_index(mails, i));
	g_ptr_array_unref(mails);
	g_remove(srv->fail);
}

static void
server_refuse(struct server *srv, const char *rules)
{
	write_file(srv->fail, rules);
}

/* A port nothing listens on. */
static int
dead_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* What the server saved. */

static char *
field(const char *line, const char *name)
{
	size_t	len = strlen(name);

	if (strncmp(line, name, len) != 0 || line[len] != ':')
		return NULL;
	return g_strdup(line + len + 2);
}

/* Split off the X-* lines smtpd.py put before the message. */
static void
delivered_parse(struct delivered *d, char *text, size_t len)
{
	char	*p = text, *eol, *v;

	while ((eol = strstr(p, "\r\n")) != NULL && strncmp(p, "X-", 2) == 0 &&
	    (strncmp(p, "X-Envelope-", 11) == 0 ||
	    strncmp(p, "X-Session", 9) == 0 || strncmp(p, "X-TLS", 5) == 0 ||
	    strncmp(p, "X-Auth-User", 11) == 0)) {
		*eol = '\0';
		if ((v = field(p, "X-Envelope-From")) != NULL)
			d->from = v;
		else if ((v = field(p, "X-Envelope-To")) != NULL) {
			if (d->nto++ == 0)
				d->to = v;
			else
				g_free(v);
		} else if ((v = field(p, "X-Session")) != NULL ||
		    (v = field(p, "X-TLS")) != NULL) {
			if (g_ascii_isdigit(*v))
				d->session = atoi(v);
			else
				d->tls = strcmp(v, "yes") == 0;
			g_free(v);
		} else
			d->auth_user = field(p, "X-Auth-User");
		p = eol + 2;
	}
	d->len = len - (size_t)(p - text);
	d->data = g_memdup2(p, d->len);
}

/* Every mail the server accepted, in order, in a new array. */
static GArray *
delivered_all(struct server *srv)
{
	GArray		*out = g_array_new(FALSE, TRUE,
	    sizeof(struct delivered));
	GPtrArray	*files = dir_list(srv->maildir, ".eml");
	struct delivered d;
	char		*text;
	size_t		 len;
	guint		 i;

	for (i = 0; i < files->len; i++) {
		memset(&d, 0, sizeof d);
		assert_true(g_file_get_contents(g_ptr_array_index(files, i),
		    &text, &len, NULL));
		delivered_parse(&d, text, len);
		g_free(text);
		g_array_append_val(out, d);
	}
	g_ptr_array_unref(files);
	return out;
}

static void
delivered_free(GArray *all)
{
	struct delivered	*d;
	guint			 i;

	for (i = 0; i < all->len; i++) {
		d = &g_array_index(all, struct delivered, i);
		g_free(d->from);
		g_free(d->to);
		g_free(d->auth_user);
		g_free(d->data);
	}
	g_array_unref(all);
}

static guint
delivered_count(struct server *srv)
{
	GArray	*all = delivered_all(srv);
	guint	 n = all->len;

	delivered_free(all);
	return n;
}

static struct delivered *
delivered_at(GArray *all, guint i)
{
	assert_true(i < all->len);
	return &g_array_index(all, struct delivered, i);
}

/* The configuration and the database. */

static void
config_make(struct fixture *f, const char *smtp_fmt, ...)
{
	va_list	 ap;
	char	*smtp, *text, *path, *password;

	va_start(ap, smtp_fmt);
	smtp = g_strdup_vprintf(smtp_fmt, ap);
	va_end(ap);
	password = g_build_filename(f->dir, "smtp.password", NULL);
	write_file(password, "s3cret\n");
	assert_int_equal(chmod(password, 0600), 0);
	text = g_strdup_printf("[program]\nname = Mentoring Program\n"
	    "address = " PROGRAM_ADDR "\ncoordinators = coord@example.org\n"
	    "database = %s/state.db\n[imap]\nhost = 127.0.0.1\n"
	    "security = none\nusername = mentor\npassword_file = %s\n"
	    "[smtp]\npassword_file = %s\nca_file = %s/ca.pem\n%s", f->dir,
	    password, password, G->certs, smtp);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	config_free(f->cfg);
	/* Teardown frees f->cfg, also when the new one is refused. */
	f->cfg = NULL;
	f->cfg = config_from_text(path, text);
	g_free(path);
	g_free(text);
	g_free(password);
	g_free(smtp);
}

/* The plain shared server, as [smtp]. */
static void
config_plain(struct fixture *f)
{
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n",
	    G->plain.port);
}

static void
clock_at(const char *iso)
{
	assert_int_equal(clock_set(iso, NULL, NULL), 0);
}

static int64_t
queue_mail(struct fixture *f, const char *to, const char *kind)
{
	struct outmail	 m = {
		.to_addr = to, .to_name = "Ann Mentee",
		.subject = "Your application", .kind = kind,
		/* A lone dot: it must be escaped on the wire, and come back. */
		.body = "Thank you.\n.\n..two dots\nRegards\n",
		.in_reply_to = "q1@example.net",
		.auto_submitted = COMPOSE_AUTO_REPLIED,
	};
	char		*cause = NULL;
	int64_t		 id;

	assert_int_equal(db_begin(f->db, NULL), 0);
	if (outbox_queue(f->db, f->cfg, &m, &id, &cause) != 0)
		fail_msg("outbox_queue: %s", cause);
	assert_int_equal(db_commit(f->db, NULL), 0);
	return id;
}

static int
flush(struct fixture *f, struct outbox_counts *counts, char **cause)
{
	*cause = NULL;
	return outbox_flush(f->cfg, f->db, NULL, counts, cause);
}

static void
flush_ok(struct fixture *f, struct outbox_counts *counts)
{
	char	*cause;

	if (flush(f, counts, &cause) != 0)
		fail_msg("outbox_flush: %s", cause);
	assert_null(cause);
}

/* flush must fail with `want`; returns the cause (caller frees). */
static char *
flush_fails(struct fixture *f, int want, struct outbox_counts *counts)
{
	char	*cause;
	int	 error = flush(f, counts, &cause);

	if (error != want)
		fail_msg("outbox_flush returned %d, not %d: %s", error, want,
		    cause != NULL ? cause : "(no cause)");
	assert_non_null(cause);
	return cause;
}

static void
assert_counts(const struct outbox_counts *c, int due, int sent,
    int deferred, int failed)
{
	assert_int_equal(c->due, due);
	assert_int_equal(c->sent, sent);
	assert_int_equal(c->deferred, deferred);
	assert_int_equal(c->failed, failed);
}

/* Column `col` of outbox mail `id` as text (NULL for NULL); caller frees. */
static char *
row_text(struct fixture *f, int64_t id, const char *col)
{
	char	*sql, *value = NULL;

	sql = g_strdup_printf("SELECT %s FROM outbox WHERE id = ?", col);
	assert_int_equal(db_query(f->db, NULL, copy_text, &value, sql, "i", id),
	    1);
	g_free(sql);
	return value;
}

static void
assert_row(struct fixture *f, int64_t id, const char *col, const char *want)
{
	char	*got = row_text(f, id, col);

	if (want == NULL && got != NULL)
		fail_msg("outbox %lld %s is \"%s\", not NULL", (long long)id,
		    col, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("outbox %lld %s is \"%s\", not \"%s\"", (long long)id,
		    col, got != NULL ? got : "NULL", want);
	g_free(got);
}

static void
assert_row_contains(struct fixture *f, int64_t id, const char *col,
    const char *needle)
{
	char	*got = row_text(f, id, col);

	assert_contains(got, needle);
	g_free(got);
}

/* The delivered message is byte for byte the one queued. */
static void
assert_same_bytes(struct fixture *f, int64_t id, const struct delivered *d)
{
	struct outbox_mail	*m;
	char			*want;

	assert_int_equal(state_outbox_get(f->db, id, &m, NULL), 1);
	assert_int_equal(d->len, m->len);
	assert_memory_equal(d->data, m->raw, m->len);
	want = g_strdup_printf("<%s>", m->to_addr);
	assert_string_equal(d->to, want);
	g_free(want);
	state_outbox_free(m);
}

/* Fixtures. */

static int
setup_group(void **state)
{
	char	*cmd;
	int	 status;

	mime_init();
	/* Refusals are logged as warnings; here they are what is tested. */
	log_set_level(LOG_LEVEL_ERROR);
	G = g_new0(struct group, 1);
	G->dir = g_dir_make_tmp("test-outbox.XXXXXX", NULL);
	if (G->dir == NULL)
		return -1;
	G->certs = g_build_filename(G->dir, "certs", NULL);
	cmd = g_strdup_printf("tests/lib/certs.sh %s", G->certs);
	status = system(cmd);
	g_free(cmd);
	if (status != 0)
		return -1;
	server_start(&G->plain, G->dir, NULL);
	return 0;
}

static int
teardown_group(void **state)
{
	server_stop(&G->plain);
	remove_tree(G->dir);
	g_free(G->certs);
	g_free(G->dir);
	g_free(G);
	mime_shutdown();
	return 0;
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);
	int		 error;

	*state = f;
	f->dir = g_dir_make_tmp("test-outbox.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	error = db_open_in(f->dir, &f->db, NULL);
	server_reset(&G->plain);
	clock_at(T0);
	return error;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	server_stop(&f->own);
	db_close(f->db);
	config_free(f->cfg);
	remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* The state: backoff, due mail, expiry, counts. */

static void
test_backoff_schedule(void **state)
{
	static const int64_t want[] = {
		5 * 60, 10 * 60, 20 * 60, 40 * 60, 80 * 60, 160 * 60,
		320 * 60, 6 * 3600, 6 * 3600,
	};
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(want); i++)
		assert_int_equal(state_outbox_backoff((int)i + 1), want[i]);
	assert_int_equal(state_outbox_backoff(1000), 6 * 3600);
}

static void
test_queue_and_due(void **state)
{
	struct fixture	*f = *state;
	GDateTime	*now;
	GArray		*ids;
	int64_t		 a, b;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "reminder");
	assert_row(f, a, "status", "queued");
	assert_row(f, a, "attempts", "0");
	assert_row(f, a, "created_at", T0);
	assert_row(f, a, "next_attempt_at", T0);
	assert_row(f, a, "message", NULL);
	assert_row(f, b, "kind", "reminder");
	now = clock_now();
	assert_int_equal(state_outbox_due(f->db, now, &ids, NULL), 0);
	assert_int_equal(ids->len, 2);
	assert_int_equal(g_array_index(ids, int64_t, 0), a);
	g_array_unref(ids);
	/* An attempt under way keeps the mail back by the backoff. */
	assert_int_equal(state_outbox_attempt(f->db, a, now, NULL), 0);
	assert_row(f, a, "attempts", "1");
	assert_row(f, a, "next_attempt_at", "2026-09-01T08:05:00Z");
	assert_row_contains(f, a, "last_error", "cut short");
	assert_int_equal(state_outbox_due(f->db, now, &ids, NULL), 0);
	assert_int_equal(ids->len, 1);
	assert_int_equal(g_array_index(ids, int64_t, 0), b);
	g_array_unref(ids);
	g_date_time_unref(now);
}

/* The message id is unique, and a queued mail's Message-ID is stored. */
static void
test_queue_records_message(void **state)
{
	struct fixture		*f = *state;
	struct outbox_mail	*m;
	int64_t			 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	assert_int_equal(state_outbox_get(f->db, id, &m, NULL), 1);
	assert_string_equal(m->to_addr, "ann@example.net");
	assert_true(g_str_has_suffix(m->message_id, "@example.org"));
	assert_contains(m->raw, m->message_id);
	assert_contains(m->raw, "Auto-Submitted: auto-replied\r\n");
	assert_contains(m->raw, "In-Reply-To: <q1@example.net>\r\n");
	state_outbox_free(m);
	assert_int_equal(state_outbox_get(f->db, id + 1, &m, NULL), 0);
	assert_null(m);
}

/* A refused address queues nothing and leaves the transaction usable. */
static void
test_queue_refused(void **state)
{
	struct fixture	*f = *state;
	struct outmail	 m = { .to_addr = "a@b\r\nBcc: c@d", .subject = "x",
		.body = "x", .kind = "receipt" };
	const char	*atts[] = { "/nonexistent/form.pdf", NULL };
	char		*cause = NULL;
	int64_t		 id = -1;

	config_plain(f);
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(outbox_queue(f->db, f->cfg, &m, &id, &cause),
	    EX_DATAERR);
	assert_contains(cause, "a@b\\r\\nBcc: c@d");
	g_free(cause);
	cause = NULL;
	m.to_addr = "ann@example.net";
	m.attachments = atts;
	assert_int_equal(outbox_queue(f->db, f->cfg, &m, &id, &cause),
	    EX_NOINPUT);
	assert_contains(cause, "form.pdf");
	g_free(cause);
	cause = NULL;
	/* An inbound message that does not exist breaks the foreign key. */
	m.attachments = NULL;
	m.message = 999;
	assert_int_equal(outbox_queue(f->db, f->cfg, &m, &id, &cause),
	    EX_IOERR);
	g_free(cause);
	m.message = 0;
	assert_int_equal(outbox_queue(f->db, f->cfg, &m, &id, NULL), 0);
	assert_int_equal(db_commit(f->db, NULL), 0);
	assert_int_equal(db_query_int(f->db, NULL, NULL,
	    "SELECT count(*) FROM outbox WHERE status = 'queued'", ""), 1);
	/* What could not be composed is kept, failed, saying why. */
	assert_int_equal(db_query_int(f->db, NULL, NULL,
	    "SELECT count(*) FROM outbox WHERE status = 'failed' AND "
	    "length(raw) = 0 AND (last_error LIKE '%Bcc: c@d%' OR "
	    "last_error LIKE '%form.pdf%')", ""), 2);
}

/* Queued in a transaction that never commits (a crash): no mail. */
static void
test_queue_rolled_back(void **state)
{
	struct fixture	*f = *state;
	struct outmail	 m = { .to_addr = "ann@example.net", .subject = "x",
		.body = "x", .kind = "receipt" };

	config_plain(f);
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(outbox_queue(f->db, f->cfg, &m, NULL, NULL), 0);
	db_rollback(f->db);
	assert_int_equal(db_query_int(f->db, NULL, NULL,
	    "SELECT count(*) FROM outbox", ""), 0);
}

static void
test_expiry(void **state)
{
	struct fixture	*f = *state;
	GDateTime	*t;
	int64_t		 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	clock_at("2026-09-06T08:00:00Z");
	t = clock_now();
	assert_int_equal(state_outbox_mark_temporary(f->db, id, t,
	    "451 try later", NULL), 0);
	g_date_time_unref(t);
	assert_row(f, id, "status", "queued");
	clock_at("2026-09-06T08:00:01Z");
	t = clock_now();
	assert_int_equal(state_outbox_mark_temporary(f->db, id, t,
	    "451 still later", NULL), 1);
	g_date_time_unref(t);
	assert_row(f, id, "status", "failed");
	assert_row(f, id, "last_error", "451 still later");
}

static void
status_collect(const char *key, const char *value, void *arg)
{
	g_string_append_printf(arg, "%s: %s\n", key, value);
}

static void
test_marks_and_status(void **state)
{
	struct fixture	*f = *state;
	GDateTime	*now = clock_now();
	GString		*out = g_string_new(NULL);
	int64_t		 a, b;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	queue_mail(f, "cy@example.net", "receipt");
	assert_int_equal(state_outbox_mark_sent(f->db, a, now, NULL), 0);
	assert_row(f, a, "status", "sent");
	assert_row(f, a, "sent_at", T0);
	assert_int_equal(state_outbox_mark_failed(f->db, b, "550 no such user",
	    NULL), 0);
	assert_row(f, b, "status", "failed");
	assert_int_equal(state_outbox_mark_sent(f->db, 999, now, NULL), -1);
	assert_int_equal(state_outbox_status(f->db, status_collect, out, NULL),
	    0);
	assert_string_equal(out->str, "outbox.queued: 1\noutbox.sent: 1\n"
	    "outbox.failed: 1\noutbox.dropped: 0\n");
	g_string_free(out, TRUE);
	g_date_time_unref(now);
}

/* What `mentormail outbox` lists, one line a mail. */
static void
entry_collect(const struct outbox_entry *e, void *arg)
{
	g_string_append_printf(arg, "%lld %s %s %s %d %s%s\n",
	    (long long)e->id, e->status, e->kind, e->to_addr, e->attempts,
	    e->last_error != NULL ? e->last_error : "-",
	    e->dropped_at != NULL ? " dropped" : "");
}

static char *
listed(struct fixture *f, int64_t id)
{
	GString	*out = g_string_new(NULL);

	assert_true(state_outbox_list(f->db, id, entry_collect, out,
	    NULL) >= 0);
	return g_string_free(out, FALSE);
}

/*
 * The coordinator's retry puts a failed mail back, due at once, with
 * five days of tries from then; a drop fails it for good and takes it
 * off the list and the count of failures.  A sent mail is neither
 * retried nor dropped, and one never written cannot be sent.
 */
static void
test_requeue_and_drop(void **state)
{
	struct fixture	*f = *state;
	struct outmail	 bad = { .to_addr = "a@b\r\nBcc: c@d", .subject = "x",
		.body = "x", .kind = "receipt" };
	GDateTime	*t;
	GArray		*ids;
	int64_t		 a, b, c, never;
	char		*l, *cause = NULL;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "reminder");
	c = queue_mail(f, "cy@example.net", "receipt");
	assert_int_equal(outbox_queue(f->db, f->cfg, &bad, NULL, &cause),
	    EX_DATAERR);
	g_free(cause);
	never = c + 1;
	t = clock_now();
	assert_int_equal(state_outbox_mark_failed(f->db, a, "550 no such user",
	    NULL), 0);
	assert_int_equal(state_outbox_mark_failed(f->db, b, "554 relay denied",
	    NULL), 0);
	assert_int_equal(state_outbox_mark_sent(f->db, c, t, NULL), 0);
	g_date_time_unref(t);
	l = listed(f, 0);
	assert_contains(l, "ann@example.net 0 550 no such user\n");
	assert_contains(l, "bob@example.net 0 554 relay denied\n");
	assert_lacks(l, "cy@example.net");
	assert_contains(l, "a@b\r\nBcc: c@d");
	g_free(l);
	assert_int_equal(state_outbox_failed_ids(f->db, &ids, NULL), 0);
	assert_int_equal(ids->len, 3);
	g_array_unref(ids);

	/* Four days later, retried: due at once, five days from now. */
	clock_at("2026-09-05T08:00:00Z");
	t = clock_now();
	assert_int_equal(state_outbox_requeue(f->db, a, t, NULL), 1);
	assert_row(f, a, "status", "queued");
	assert_row(f, a, "next_attempt_at", "2026-09-05T08:00:00Z");
	assert_int_equal(state_outbox_requeue(f->db, c, t, NULL), 0);
	assert_row(f, c, "status", "sent");
	assert_int_equal(state_outbox_requeue(f->db, never, t, NULL), 0);
	assert_int_equal(state_outbox_requeue(f->db, 999, t, NULL), 0);
	g_date_time_unref(t);
	clock_at("2026-09-09T08:00:00Z");
	t = clock_now();
	assert_int_equal(state_outbox_mark_temporary(f->db, a, t, "451 later",
	    NULL), 0);
	assert_row(f, a, "status", "queued");
	g_date_time_unref(t);

	t = clock_now();
	assert_int_equal(state_outbox_drop(f->db, b, t, NULL), 1);
	assert_int_equal(state_outbox_drop(f->db, b, t, NULL), 0);
	assert_int_equal(state_outbox_drop(f->db, c, t, NULL), 0);
	assert_row(f, b, "status", "failed");
	l = listed(f, 0);
	assert_lacks(l, "bob@example.net");
	g_free(l);
	l = listed(f, b);
	assert_contains(l, "bob@example.net 0 554 relay denied dropped\n");
	g_free(l);
	assert_int_equal(state_outbox_failed_ids(f->db, &ids, NULL), 0);
	assert_int_equal(ids->len, 1);
	assert_int_equal(g_array_index(ids, int64_t, 0), never);
	g_array_unref(ids);
	/* Retried by name, a dropped mail is back. */
	assert_int_equal(state_outbox_requeue(f->db, b, t, NULL), 1);
	l = listed(f, b);
	assert_contains(l, " queued reminder bob@example.net ");
	assert_lacks(l, "dropped");
	g_free(l);
	g_date_time_unref(t);
}

static void
test_count_to(void **state)
{
	struct fixture	*f = *state;
	GDateTime	*since;

	config_plain(f);
	clock_at("2026-08-31T07:00:00Z");
	queue_mail(f, "ann@example.net", "receipt");
	clock_at(T0);
	queue_mail(f, "Ann@Example.NET", "receipt");
	queue_mail(f, "ann@example.net", "reminder");
	queue_mail(f, "bob@example.net", "receipt");
	since = g_date_time_new_from_iso8601("2026-08-31T08:00:00Z", NULL);
	assert_int_equal(state_outbox_count_to(f->db, "ANN@example.net", since,
	    NULL), 2);
	assert_int_equal(state_outbox_count_to(f->db, "zed@example.net", since,
	    NULL), 0);
	g_date_time_unref(since);
}

/* Flushing to a real server. */

static void
test_flush_delivers_once(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	struct delivered	*d;
	GArray			*got;
	int64_t			 a, b;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	flush_ok(f, &c);
	assert_counts(&c, 2, 2, 0, 0);
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 2);
	d = delivered_at(got, 0);
	assert_string_equal(d->from, "<" PROGRAM_ADDR ">");
	assert_string_equal(d->to, "<ann@example.net>");
	assert_int_equal(d->nto, 1);
	assert_int_equal(d->tls, 0);
	assert_null(d->auth_user);
	assert_same_bytes(f, a, d);
	assert_contains(d->data, "\r\n.\r\n..two dots\r\n");
	assert_same_bytes(f, b, delivered_at(got, 1));
	/* One session for the batch. */
	assert_int_equal(delivered_at(got, 1)->session, d->session);
	assert_row(f, a, "status", "sent");
	assert_row(f, a, "attempts", "1");
	assert_row(f, a, "sent_at", T0);
	assert_row(f, a, "last_error", NULL);
	delivered_free(got);
	/* Nothing is due any more: a second flush sends nothing again. */
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 2);
	delivered_free(got);
}

/* 4xx: still queued, counted, backed off; sent once the backoff is over. */
static void
test_flush_deferred(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	GArray			*got;
	int64_t			 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	server_refuse(&G->plain, "rcpt 451\n");
	flush_ok(f, &c);
	assert_counts(&c, 1, 0, 1, 0);
	assert_row(f, id, "status", "queued");
	assert_row(f, id, "attempts", "1");
	assert_row(f, id, "next_attempt_at", "2026-09-01T08:05:00Z");
	assert_row_contains(f, id, "last_error", "RCPT TO for "
	    "<ann@example.net> refused: 451");
	server_reset(&G->plain);
	clock_at("2026-09-01T08:04:59Z");
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	clock_at("2026-09-01T08:05:00Z");
	flush_ok(f, &c);
	assert_counts(&c, 1, 1, 0, 0);
	assert_row(f, id, "attempts", "2");
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 1);
	assert_same_bytes(f, id, delivered_at(got, 0));
	delivered_free(got);
}

/* Each kind of refusal, at each step, for the one mail it concerns. */
static void
test_flush_refusals(void **state)
{
	static const struct {
		const char	*rule;
		const char	*status;
		const char	*said;
	} cases[] = {
		{ "data 451", "queued", "end of DATA for <ann@example.net> "
		    "refused: 451" },
		{ "data 554", "failed", "end of DATA for <ann@example.net> "
		    "refused: 554" },
		{ "rcpt 553", "failed", "RCPT TO for <ann@example.net> "
		    "refused: 553" },
		{ "mail 452", "queued", "MAIL FROM for <ann@example.net> "
		    "refused: 452" },
		{ "mail 552", "failed", "MAIL FROM for <ann@example.net> "
		    "refused: 552" },
	};
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	int64_t			 id;
	size_t			 i;

	config_plain(f);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		id = queue_mail(f, "ann@example.net", "receipt");
		server_refuse(&G->plain, cases[i].rule);
		flush_ok(f, &c);
		assert_row(f, id, "status", cases[i].status);
		assert_row_contains(f, id, "last_error", cases[i].said);
		/* The next case's mail is the only one due. */
		assert_int_equal(db_exec(f->db, NULL, "UPDATE outbox SET "
		    "status = 'failed' WHERE id = ?", "i", id), 1);
	}
	assert_int_equal(delivered_count(&G->plain), 0);
}

/* 5xx for one recipient fails that mail; the batch goes on. */
static void
test_flush_refused_recipient(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	GArray			*got;
	int64_t			 bad, good;

	config_plain(f);
	bad = queue_mail(f, "nobody@example.net", "receipt");
	good = queue_mail(f, "ann@example.net", "receipt");
	server_refuse(&G->plain, "rcpt 550 nobody@example.net\n");
	flush_ok(f, &c);
	assert_counts(&c, 2, 1, 0, 1);
	assert_row(f, bad, "status", "failed");
	assert_row_contains(f, bad, "last_error", "550");
	assert_row(f, good, "status", "sent");
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 1);
	assert_same_bytes(f, good, delivered_at(got, 0));
	delivered_free(got);
}

/*
 * The log at its default level says a mail was given up, and why, but not
 * to whom: the server's refusal repeats the address, which is personal.
 */
static void
test_flush_given_up_logs_no_address(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	enum log_level		 old = log_get_level();
	char			*text, *lower;

	config_plain(f);
	queue_mail(f, "Nobody@example.net", "receipt");
	server_refuse(&G->plain, "rcpt 550 nobody@example.net\n");
	log_set_level(LOG_LEVEL_WARN);
	stderr_begin(f->dir);
	flush_ok(f, &c);
	text = stderr_end();
	log_set_level(old);
	assert_counts(&c, 1, 0, 0, 1);
	assert_contains(text, "receipt given up: ");
	assert_contains(text, "550");
	lower = g_ascii_strdown(text, -1);
	assert_lacks(lower, "nobody@example.net");
	g_free(lower);
	g_free(text);
}

/* 421 ends the session: the mail in flight is deferred, the rest wait. */
static void
test_flush_session_closed(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 a, b;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	server_refuse(&G->plain, "mail 421\n");
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	assert_contains(cause, "421");
	g_free(cause);
	assert_counts(&c, 2, 0, 1, 0);
	assert_row(f, a, "status", "queued");
	assert_row(f, a, "attempts", "1");
	assert_row(f, b, "status", "queued");
	assert_row(f, b, "attempts", "0");
	assert_row(f, b, "last_error", NULL);
}

/* The server is down: nothing tried, nothing backed off, all queued. */
static void
test_flush_server_down(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 a, b;

	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n",
	    dead_port());
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	assert_contains(cause, "cannot connect");
	g_free(cause);
	assert_counts(&c, 2, 0, 2, 0);
	assert_row(f, a, "status", "queued");
	assert_row(f, a, "attempts", "0");
	assert_row(f, a, "next_attempt_at", T0);
	assert_row_contains(f, b, "last_error", "cannot connect");
	/* Five days on, the server still down, the mail is given up. */
	clock_at("2026-09-06T08:00:01Z");
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	g_free(cause);
	assert_counts(&c, 2, 0, 0, 2);
	assert_row(f, a, "status", "failed");
	assert_row_contains(f, a, "last_error", "cannot connect");
}

/* Nothing due: no connection at all, so a dead server is no failure. */
/*
 * [smtp] timeout bounds every wait: a server that takes the connection
 * and never greets holds the flush that long, not SEND_SMTP_TIMEOUT, and
 * the cause says it timed out.
 */
static void
test_flush_greeting_times_out(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	gint64			 start, elapsed;
	int			 fd, port;

	/* Listening, so the kernel completes the connection; never read. */
	fd = bind_loopback(&port);
	assert_int_equal(listen(fd, 4), 0);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n"
	    "timeout = 1\n", port);
	queue_mail(f, "ann@example.net", "receipt");
	start = g_get_monotonic_time();
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	elapsed = g_get_monotonic_time() - start;
	assert_contains(cause, "timed out reading from 127.0.0.1:");
	assert_contains(cause, "(1 s) during greeting");
	assert_lacks(cause, "connection lost");
	g_free(cause);
	assert_true(elapsed < 10 * G_USEC_PER_SEC);
	assert_counts(&c, 1, 0, 1, 0);
	close(fd);
}

/* The same for the answer to the end of DATA, the longest wait. */
static void
test_flush_data_answer_times_out(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 id;

	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n"
	    "timeout = 1\n", G->plain.port);
	id = queue_mail(f, "ann@example.net", "receipt");
	server_refuse(&G->plain, "hold 4\n");
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	assert_contains(cause, "timed out waiting for an answer after the end "
	    "of the mail to <ann@example.net>");
	assert_lacks(cause, "connection lost");
	g_free(cause);
	assert_row(f, id, "status", "queued");
	assert_row_contains(f, id, "last_error", "timed out");
	server_refuse(&G->plain, "");
}

static void
test_flush_nothing_due(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;

	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n",
	    dead_port());
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
}

static void
test_flush_no_smtp_host(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 id;

	config_make(f, "");
	id = queue_mail(f, "ann@example.net", "receipt");
	cause = flush_fails(f, EX_CONFIG, &c);
	assert_contains(cause, "[smtp] host");
	g_free(cause);
	assert_row(f, id, "status", "queued");
	assert_row_contains(f, id, "last_error", "[smtp] host");
}

/*
 * The window outbox.h owns up to: the server keeps the mail but the
 * connection drops before its answer.  The mail stays queued and is sent
 * again after its backoff: the recipient gets it twice.
 */
static void
test_flush_lost_answer(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	GArray			*got;
	int64_t			 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	server_refuse(&G->plain, "drop 0\n");
	cause = flush_fails(f, EX_TEMPFAIL, &c);
	assert_contains(cause, "may have accepted it");
	g_free(cause);
	assert_row(f, id, "status", "queued");
	assert_row(f, id, "attempts", "1");
	assert_row(f, id, "next_attempt_at", "2026-09-01T08:05:00Z");
	server_refuse(&G->plain, "");
	clock_at("2026-09-01T08:05:00Z");
	flush_ok(f, &c);
	assert_row(f, id, "status", "sent");
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 2);
	delivered_free(got);
}

/*
 * Run outbox_flush in a child that kills itself at crash point `point`
 * (crash.h).  The database is closed around the fork: an SQLite handle
 * must not cross one.
 */
static void
flush_crashing(struct fixture *f, const char *point)
{
	struct outbox_counts	 c;
	struct db		*db;
	char			*path;
	pid_t			 pid;
	int			 status;

	path = g_build_filename(f->dir, "state.db", NULL);
	db_close(f->db);
	f->db = NULL;
	if ((pid = fork()) == 0) {
		setenv("MENTORMAIL_CRASH", point, 1);
		if (db_open(path, &db, NULL) == 0)
			outbox_flush(f->cfg, db, NULL, &c, NULL);
		_exit(0);
	}
	assert_int_not_equal(pid, -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(db_open(path, &f->db, NULL), 0);
	g_free(path);
}

/* Killed after the attempt is recorded, before a byte is sent. */
static void
test_crash_before_send(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	int64_t			 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	flush_crashing(f, "before-send");
	assert_int_equal(delivered_count(&G->plain), 0);
	assert_row(f, id, "status", "queued");
	assert_row(f, id, "attempts", "1");
	assert_row_contains(f, id, "last_error", "cut short");
	/* Not again at once: after the backoff, exactly once. */
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	clock_at("2026-09-01T08:05:00Z");
	flush_ok(f, &c);
	assert_counts(&c, 1, 1, 0, 0);
	assert_int_equal(delivered_count(&G->plain), 1);
}

/*
 * Killed after the server accepted the mail, before the database heard of
 * it: the journal had it already, so the next flush records it and the
 * mail is not sent again, even after its backoff.
 */
static void
test_crash_after_send(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	int64_t			 id;

	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	flush_crashing(f, "after-send");
	assert_int_equal(delivered_count(&G->plain), 1);
	assert_row(f, id, "status", "queued");
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	assert_row(f, id, "status", "sent");
	assert_row(f, id, "sent_at", T0);
	assert_row(f, id, "last_error", NULL);
	clock_at("2026-09-01T09:00:00Z");
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	assert_int_equal(delivered_count(&G->plain), 1);
}

/* The journal. */

static char *
journal_path(struct fixture *f)
{
	return g_build_filename(f->dir, "state.db-outbox", NULL);
}

static struct outbox_journal *
journal_open_ok(const char *path)
{
	struct outbox_journal	*j;
	char			*cause = NULL;

	if (outbox_journal_open(path, &j, &cause) != 0)
		fail_msg("outbox_journal_open: %s", cause);
	return j;
}

static void
assert_answer(GPtrArray *answers, guint i, enum outbox_outcome outcome,
    int64_t id, const char *at, const char *why)
{
	struct outbox_answer	*a;

	assert_true(i < answers->len);
	a = g_ptr_array_index(answers, i);
	assert_int_equal(a->outcome, outcome);
	assert_int_equal(a->id, id);
	assert_string_equal(a->at, at);
	if (why == NULL)
		assert_null(a->why);
	else
		assert_string_equal(a->why, why);
}

/* What is written is read back, one line each, in order. */
static void
test_journal_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct outbox_journal	*j;
	GPtrArray		*answers;
	GString			*longer = g_string_new(NULL);
	char			*path = journal_path(f), *text;
	int			 skipped = -1, i;

	for (i = 0; i < 400; i++)
		g_string_append_c(longer, (char)('a' + i % 26));
	j = journal_open_ok(path);
	assert_int_equal(outbox_journal_reserve(j, 3, NULL), 0);
	assert_int_equal(outbox_journal_write(j, 7, OUTBOX_SENT, T0, NULL,
	    NULL), 0);
	assert_int_equal(outbox_journal_write(j, 8, OUTBOX_DEFERRED, T0,
	    "451 try\r\nlater\n", NULL), 0);
	assert_int_equal(outbox_journal_write(j, 9, OUTBOX_FAILED, T0,
	    longer->str, NULL), 0);
	assert_int_equal(outbox_journal_read(j, &answers, &skipped, NULL), 0);
	assert_int_equal(skipped, 0);
	assert_int_equal(answers->len, 3);
	assert_answer(answers, 0, OUTBOX_SENT, 7, T0, NULL);
	/* A reply of several lines is kept as one. */
	assert_answer(answers, 1, OUTBOX_DEFERRED, 8, T0, "451 try  later ");
	text = g_strndup(longer->str, 300);
	assert_answer(answers, 2, OUTBOX_FAILED, 9, T0, text);
	g_free(text);
	g_ptr_array_unref(answers);
	assert_int_equal(outbox_journal_clear(j, NULL), 0);
	assert_int_equal(outbox_journal_read(j, &answers, NULL, NULL), 0);
	assert_int_equal(answers->len, 0);
	g_ptr_array_unref(answers);
	outbox_journal_close(j);
	g_string_free(longer, TRUE);
	g_free(path);
}

/* A line cut short by a power cut, or garbled, is skipped, not believed. */
static void
test_journal_skips_torn_lines(void **state)
{
	struct fixture		*f = *state;
	struct outbox_journal	*j;
	GPtrArray		*answers;
	char			*path = journal_path(f);
	int			 skipped;
	const char		 text[] = "sent 3 " T0 "\n"
	    "sent x " T0 "\n" "lost 4 " T0 "\n" "deferred 5 " T0 "\n"
	    "sent 6 2026-09-01\n" "sent 7 2026\0-09-01T08:00:00Z\n"
	    "\n" "failed 8 " T0 " 550 no\n" "sent 9 2026-09";

	assert_true(g_file_set_contents(path, text, sizeof text - 1, NULL));
	j = journal_open_ok(path);
	assert_int_equal(outbox_journal_read(j, &answers, &skipped, NULL), 0);
	assert_int_equal(answers->len, 2);
	assert_answer(answers, 0, OUTBOX_SENT, 3, T0, NULL);
	assert_answer(answers, 1, OUTBOX_FAILED, 8, T0, "550 no");
	assert_int_equal(skipped, 6);
	g_ptr_array_unref(answers);
	outbox_journal_close(j);
	g_free(path);
}

/* One flush at a time: the journal's lock keeps a second one out. */
static void
test_journal_locks_out_second_flush(void **state)
{
	struct fixture		*f = *state;
	struct outbox_journal	*j, *other = NULL;
	struct outbox_counts	 c;
	char			*path = journal_path(f);
	int64_t			 id;

	j = journal_open_ok(path);
	assert_int_equal(outbox_journal_open(path, &other, NULL), 1);
	assert_null(other);
	config_plain(f);
	id = queue_mail(f, "ann@example.net", "receipt");
	flush_ok(f, &c);
	assert_counts(&c, 0, 0, 0, 0);
	assert_int_equal(delivered_count(&G->plain), 0);
	assert_row(f, id, "attempts", "0");
	outbox_journal_close(j);
	flush_ok(f, &c);
	assert_counts(&c, 1, 1, 0, 0);
	g_free(path);
}

/*
 * Answers the database did not take (a full disk, a kill) are in the
 * journal: the next flush records them before it sends anything, and
 * sends none of those mails again.
 */
static void
test_flush_records_journal_first(void **state)
{
	struct fixture		*f = *state;
	struct outbox_journal	*j;
	struct outbox_counts	 c;
	GDateTime		*now = clock_now();
	GPtrArray		*answers;
	char			*path = journal_path(f), *text;
	int64_t			 a, b, d, e;

	config_plain(f);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	d = queue_mail(f, "dan@example.net", "receipt");
	e = queue_mail(f, "eve@example.net", "receipt");
	/* As a flush leaves them: tried, answered, the answers unrecorded. */
	assert_int_equal(state_outbox_attempt(f->db, a, now, NULL), 0);
	assert_int_equal(state_outbox_attempt(f->db, b, now, NULL), 0);
	assert_int_equal(state_outbox_attempt(f->db, d, now, NULL), 0);
	g_date_time_unref(now);
	text = g_strdup_printf("sent %lld 2026-09-01T07:59:00Z\n"
	    "failed %lld 2026-09-01T07:59:01Z 550 no such user\n"
	    "deferred %lld 2026-09-01T07:59:02Z 451 later\n",
	    (long long)a, (long long)b, (long long)d);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	g_free(text);
	clock_at("2026-09-01T08:01:00Z");
	flush_ok(f, &c);
	assert_row(f, a, "status", "sent");
	assert_row(f, a, "sent_at", "2026-09-01T07:59:00Z");
	assert_row(f, a, "last_error", NULL);
	assert_row(f, b, "status", "failed");
	assert_row(f, b, "last_error", "550 no such user");
	assert_row(f, d, "status", "queued");
	assert_row(f, d, "last_error", "451 later");
	/* Only the mail the journal said nothing of went out. */
	assert_counts(&c, 1, 1, 0, 0);
	assert_row(f, e, "status", "sent");
	assert_int_equal(delivered_count(&G->plain), 1);
	/* And the journal is empty again. */
	j = journal_open_ok(path);
	assert_int_equal(outbox_journal_read(j, &answers, NULL, NULL), 0);
	assert_int_equal(answers->len, 0);
	g_ptr_array_unref(answers);
	outbox_journal_close(j);
	g_free(path);
}

/* A server that does not know EHLO still gets the mail over HELO. */
static void
test_flush_helo(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	GArray			*got;

	config_plain(f);
	queue_mail(f, "ann@example.net", "receipt");
	server_refuse(&G->plain, "ehlo 502\n");
	flush_ok(f, &c);
	assert_counts(&c, 1, 1, 0, 0);
	got = delivered_all(&G->plain);
	assert_int_equal(got->len, 1);
	delivered_free(got);
}

/* TLS and AUTH, each on a server of its own. */

static void
own_server(struct fixture *f, const char *cert, const char *const *extra)
{
	GPtrArray	*args = g_ptr_array_new_with_free_func(g_free);
	size_t		 i;

	if (cert != NULL) {
		g_ptr_array_add(args, g_strdup("--tls-cert"));
		g_ptr_array_add(args, g_strdup_printf("%s/%s.pem", G->certs,
		    cert));
		g_ptr_array_add(args, g_strdup("--tls-key"));
		g_ptr_array_add(args, g_strdup_printf("%s/%s-key.pem",
		    G->certs, cert));
	}
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add(args, g_strdup(extra[i]));
	g_ptr_array_add(args, NULL);
	server_start(&f->own, f->dir, (const char *const *)args->pdata);
	g_ptr_array_unref(args);
}

/* Queue one mail, flush it through f->own, return what arrived. */
static struct delivered
deliver_one(struct fixture *f)
{
	struct outbox_counts	 c;
	struct delivered	 d;
	GArray			*got;
	int64_t			 id;

	id = queue_mail(f, "ann@example.net", "receipt");
	flush_ok(f, &c);
	assert_counts(&c, 1, 1, 0, 0);
	got = delivered_all(&f->own);
	assert_int_equal(got->len, 1);
	assert_same_bytes(f, id, delivered_at(got, 0));
	d = *delivered_at(got, 0);
	g_array_unref(got);
	return d;
}

static void
delivered_clear(struct delivered *d)
{
	g_free(d->from);
	g_free(d->to);
	g_free(d->auth_user);
	g_free(d->data);
}

static void
test_flush_starttls(void **state)
{
	static const char *const extra[] = { "--starttls", NULL };
	struct fixture		*f = *state;
	struct delivered	 d;

	own_server(f, "server", extra);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = starttls\n",
	    f->own.port);
	d = deliver_one(f);
	assert_int_equal(d.tls, 1);
	delivered_clear(&d);
}

static void
test_flush_tls(void **state)
{
	struct fixture		*f = *state;
	struct delivered	 d;

	own_server(f, "server", NULL);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = tls\n",
	    f->own.port);
	d = deliver_one(f);
	assert_int_equal(d.tls, 1);
	delivered_clear(&d);
}

/* A certificate we cannot trust: EX_PROTOCOL, and the mail stays. */
static void
test_flush_tls_refused(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 id;

	own_server(f, "selfsigned", NULL);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = tls\n",
	    f->own.port);
	id = queue_mail(f, "ann@example.net", "receipt");
	cause = flush_fails(f, EX_PROTOCOL, &c);
	assert_contains(cause, "self-signed");
	g_free(cause);
	assert_row(f, id, "status", "queued");
	assert_row(f, id, "attempts", "0");
}

/* security = starttls with a server that offers none: never in clear. */
static void
test_flush_starttls_missing(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;

	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = starttls\n",
	    G->plain.port);
	queue_mail(f, "ann@example.net", "receipt");
	cause = flush_fails(f, EX_PROTOCOL, &c);
	assert_contains(cause, "STARTTLS");
	g_free(cause);
	assert_int_equal(delivered_count(&G->plain), 0);
}

static void
test_flush_auth(void **state)
{
	static const char *const extra[] = { "--starttls", "--auth",
		"mentor:s3cret", NULL };
	struct fixture		*f = *state;
	struct delivered	 d;

	own_server(f, "server", extra);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = starttls\n"
	    "username = mentor\n", f->own.port);
	d = deliver_one(f);
	assert_string_equal(d.auth_user, "mentor");
	assert_int_equal(d.tls, 1);
	delivered_clear(&d);
}

/* AUTH LOGIN, for a server that offers no PLAIN, over implicit TLS. */
static void
test_flush_auth_login(void **state)
{
	static const char *const extra[] = { "--auth", "mentor:s3cret",
		"--auth-mechanisms", "LOGIN", NULL };
	struct fixture		*f = *state;
	struct delivered	 d;

	own_server(f, "server", extra);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = tls\n"
	    "username = mentor\n", f->own.port);
	d = deliver_one(f);
	assert_string_equal(d.auth_user, "mentor");
	delivered_clear(&d);
}

static void
test_flush_auth_refused(void **state)
{
	static const char *const extra[] = { "--auth", "mentor:other", NULL };
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 id;

	own_server(f, "server", extra);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = tls\n"
	    "username = mentor\n", f->own.port);
	id = queue_mail(f, "ann@example.net", "receipt");
	cause = flush_fails(f, EX_NOPERM, &c);
	assert_contains(cause, "AUTH refused: 535");
	g_free(cause);
	assert_row(f, id, "status", "queued");
	assert_row(f, id, "attempts", "0");
	assert_int_equal(delivered_count(&f->own), 0);
}

/* The server wants AUTH and none is configured: 530 is no one mail's. */
static void
test_flush_auth_required(void **state)
{
	static const char *const extra[] = { "--auth", "mentor:s3cret", NULL };
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	char			*cause;
	int64_t			 a, b;

	own_server(f, "server", extra);
	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = tls\n",
	    f->own.port);
	a = queue_mail(f, "ann@example.net", "receipt");
	b = queue_mail(f, "bob@example.net", "receipt");
	cause = flush_fails(f, EX_NOPERM, &c);
	assert_contains(cause, "530");
	g_free(cause);
	assert_row(f, a, "status", "queued");
	assert_row(f, b, "attempts", "0");
}

/* Dry run: files instead of SMTP, marked sent, nothing on the wire. */
static void
test_flush_dry_run(void **state)
{
	struct fixture		*f = *state;
	struct outbox_counts	 c;
	struct outbox_mail	*m;
	GPtrArray		*files;
	char			*dir, *cause = NULL, *text, *want;
	size_t			 len;
	int64_t			 id;

	config_make(f, "host = 127.0.0.1\nport = %d\nsecurity = none\n",
	    dead_port());
	id = queue_mail(f, "ann@example.net", "receipt");
	queue_mail(f, "o'bob/x@example.net", "reminder");
	dir = g_build_filename(f->dir, "dry", "run", NULL);
	assert_int_equal(outbox_flush(f->cfg, f->db, dir, &c, &cause), 0);
	assert_null(cause);
	assert_counts(&c, 2, 2, 0, 0);
	files = dir_list(dir, ".eml");
	assert_int_equal(files->len, 2);
	want = g_strdup_printf("%s/%03lld-receipt-ann@example.net.eml", dir,
	    (long long)id);
	assert_string_equal(g_ptr_array_index(files, 0), want);
	assert_true(g_str_has_suffix(g_ptr_array_index(files, 1),
	    "-reminder-o_bob_x@example.net.eml"));
	assert_true(g_file_get_contents(want, &text, &len, NULL));
	assert_int_equal(state_outbox_get(f->db, id, &m, NULL), 1);
	assert_int_equal(len, m->len);
	assert_memory_equal(text, m->raw, len);
	assert_row(f, id, "status", "sent");
	state_outbox_free(m);
	g_free(text);
	g_free(want);
	g_ptr_array_unref(files);
	g_free(dir);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_schedule),
		T(test_queue_and_due),
		T(test_queue_records_message),
		T(test_queue_refused),
		T(test_queue_rolled_back),
		T(test_expiry),
		T(test_requeue_and_drop),
		T(test_marks_and_status),
		T(test_count_to),
		T(test_flush_delivers_once),
		T(test_flush_deferred),
		T(test_flush_refusals),
		T(test_flush_refused_recipient),
		T(test_flush_given_up_logs_no_address),
		T(test_flush_session_closed),
		T(test_flush_server_down),
		T(test_flush_greeting_times_out),
		T(test_flush_data_answer_times_out),
		T(test_flush_nothing_due),
		T(test_flush_no_smtp_host),
		T(test_flush_lost_answer),
		T(test_crash_before_send),
		T(test_crash_after_send),
		T(test_journal_round_trip),
		T(test_journal_skips_torn_lines),
		T(test_journal_locks_out_second_flush),
		T(test_flush_records_journal_first),
		T(test_flush_helo),
		T(test_flush_starttls),
		T(test_flush_tls),
		T(test_flush_tls_refused),
		T(test_flush_starttls_missing),
		T(test_flush_auth),
		T(test_flush_auth_login),
		T(test_flush_auth_refused),
		T(test_flush_auth_required),
		T(test_flush_dry_run),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
