/*
 * test-fetch-imap.c -- fetch-imap.c against a scripted IMAP server: the
 * faults and protocol details a real Dovecot will not produce on demand
 * (refusals, missing answers, quirks, hang-ups in the middle of a reply).
 *
 * The server is a thread on an ephemeral 127.0.0.1 port serving one
 * connection, so that valgrind and ASan see one process.  It records each
 * command it receives (without its tag) and answers it from the test's
 * script: first the test's own steps, each used once, then sensible
 * defaults, with UID SEARCH and UID FETCH answered from a small mailbox.
 *
 * Every session uses a timeout of TEST_TIMEOUT seconds ([imap] timeout),
 * so the silent-server test waits that long, not CONN_TIMEOUT.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "config.h"
#include "conn.h"
#include "fetch-imap.h"
#include "testlib.h"

/* Generous: the server must outlive a client slowed down by valgrind. */
#define SERVER_TIMEOUT	20

#define DEFAULT_GREETING "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"
#define DEFAULT_CAPS	"IMAP4rev1 MOVE UIDPLUS"
#define DEFAULT_DATE	"01-Jan-2024 12:00:00 +0000"
#define MIB		(1024 * 1024)

/* Seconds a fetch that must fail may take: it has all it needs at once. */
#define CALL_LIMIT	5

/* What the server does once it has answered. */
enum after {
	AFTER_GO_ON,		/* read the next command */
	AFTER_HANG_UP,		/* close the connection at once */
	AFTER_SILENCE,		/* keep the connection, never answer again */
};

/* An answer to the first command matching `command`, used once. */
struct step {
	const char	*command;	/* glob of the command after its tag */
	const char	*answer;	/* "%t" stands for the command's tag */
	enum after	 after;
};

/* A message in the scripted mailbox. */
struct msg {
	uint32_t	 uid;
	uint32_t	 size;		/* RFC822.SIZE claimed; 0: len */
	const char	*date;		/* INTERNALDATE; NULL: DEFAULT_DATE */
	const char	*body;
	size_t		 len;		/* 0: strlen(body) */
};

struct script {
	const char	*greeting;	/* NULL: DEFAULT_GREETING; "": none */
	enum after	 greeting_after;
	const char	*caps;		/* after LOGIN; NULL: DEFAULT_CAPS */
	const struct step *steps;	/* ends with a NULL command */
	const struct msg *msgs;		/* in the order FETCH answers */
	size_t		 nmsgs;
};

struct server {
	const struct script *script;
	int		 lfd;
	int		 port;
	pthread_t	 thread;
	int		 running;
	GPtrArray	*commands;	/* each command received, untagged */
	int		*used;		/* per step */
};

static const struct step default_steps[] = {
	{ "LOGIN *", "%t OK Logged in\r\n", AFTER_GO_ON },
	{ "LIST *", "* LIST (\\HasNoChildren) \"/\" Processed\r\n"
	    "%t OK List completed\r\n", AFTER_GO_ON },
	{ "CREATE *", "%t OK Create completed\r\n", AFTER_GO_ON },
	{ "SELECT *", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen "
	    "\\Draft)\r\n* 3 EXISTS\r\n* 0 RECENT\r\n"
	    "* OK [UIDVALIDITY 42] UIDs valid\r\n"
	    "* OK [UIDNEXT 8] Predicted next UID\r\n"
	    "%t OK [READ-WRITE] Select completed\r\n", AFTER_GO_ON },
	{ "UID STORE *", "%t OK Store completed\r\n", AFTER_GO_ON },
	{ "UID MOVE *", "%t OK Move completed\r\n", AFTER_GO_ON },
	{ "UID COPY *", "%t OK Copy completed\r\n", AFTER_GO_ON },
	{ "UID EXPUNGE *", "%t OK Expunge completed\r\n", AFTER_GO_ON },
	{ "EXPUNGE", "%t OK Expunge completed\r\n", AFTER_GO_ON },
	{ "LOGOUT", "* BYE Logging out\r\n%t OK Logout completed\r\n",
	    AFTER_HANG_UP },
	{ NULL, NULL, AFTER_GO_ON },
};

/*
 * libetpan 1.9.4 does not free a BYE greeting: parse_greeting() returns
 * MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION without mailimap_greeting_free().
 * Not ours to fix, so LeakSanitizer is told (valgrind: valgrind.supp).
 */
const char	*__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:mailimap_greeting_new\n";
}

/* The IMAP sequence sets the client sends. */

static uint32_t
set_number(const char *s, char **end)
{
	if (*s == '*') {
		*end = (char *)s + 1;
		return UINT32_MAX;
	}
	return (uint32_t)strtoul(s, end, 10);
}

/* Whether `uid` is in the sequence set `set` (which ends at a space). */
static int
set_has(const char *set, uint32_t uid)
{
	char		*end;
	uint32_t	 lo, hi;

	for (;;) {
		lo = hi = set_number(set, &end);
		if (*end == ':')
			hi = set_number(end + 1, &end);
		if (MIN(lo, hi) <= uid && uid <= MAX(lo, hi))
			return 1;
		if (*end != ',')
			return 0;
		set = end + 1;
	}
}

/*
 * The set in "UID FETCH set (...)" and the like: after the second word,
 * or "" if none.  The server thread uses it too, so it asserts nothing.
 */
static const char *
command_set(const char *command)
{
	const char	*p = strchr(command, ' ');

	p = p != NULL ? strchr(p + 1, ' ') : NULL;
	return p != NULL ? p + 1 : "";
}

/* The server side. */

/* Send `answer` with each "%t" replaced by `tag`. */
static void
send_answer(int fd, const char *answer, const char *tag)
{
	GString		*out = g_string_new(NULL);
	const char	*p;

	while ((p = strstr(answer, "%t")) != NULL) {
		g_string_append_len(out, answer, p - answer);
		g_string_append(out, tag);
		answer = p + 2;
	}
	g_string_append(out, answer);
	send_all(fd, out->str, out->len);
	g_string_free(out, TRUE);
}

/* One line without its CRLF, or NULL at end of stream. */
static char *
read_command(int fd)
{
	GString	*line = g_string_new(NULL);
	char	 ch;

	while (recv(fd, &ch, 1, 0) == 1) {
		if (ch == '\n') {
			if (line->len > 0 && line->str[line->len - 1] == '\r')
				g_string_truncate(line, line->len - 1);
			return g_string_free(line, FALSE);
		}
		g_string_append_c(line, ch);
	}
	g_string_free(line, TRUE);
	return NULL;
}

/* Read and drop whatever comes until the client hangs up. */
static void
drain(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[4096];
	int		wait = (CONN_TIMEOUT + SERVER_TIMEOUT) * 1000;

	while (poll(&pfd, 1, wait) == 1 && recv(fd, buf, sizeof buf, 0) > 0)
		continue;
}

static uint32_t
msg_seq(const struct script *sc, const struct msg *m)
{
	size_t		i;
	uint32_t	seq = 1;

	for (i = 0; i < sc->nmsgs; i++) {
		if (sc->msgs[i].uid < m->uid)
			seq++;
	}
	return seq;
}

static size_t
msg_len(const struct msg *m)
{
	return m->len != 0 ? m->len : strlen(m->body);
}

static uint32_t
msg_size(const struct msg *m)
{
	return m->size != 0 ? m->size : (uint32_t)msg_len(m);
}

static void
append_fetch(GString *out, const struct script *sc, const struct msg *m,
    int body)
{
	g_string_append_printf(out, "* %u FETCH (UID %u RFC822.SIZE %u",
	    msg_seq(sc, m), m->uid, msg_size(m));
	if (body) {
		g_string_append_printf(out, " INTERNALDATE \"%s\" BODY[] "
		    "{%zu}\r\n", m->date != NULL ? m->date : DEFAULT_DATE,
		    msg_len(m));
		g_string_append_len(out, m->body, (gssize)msg_len(m));
	}
	g_string_append(out, ")\r\n");
}

/* UID FETCH from the mailbox, in the script's order. */
static void
answer_fetch(GString *out, const struct script *sc, const char *command)
{
	const char	*set = command_set(command);
	int		 body = strstr(command, "BODY.PEEK[]") != NULL;
	size_t		 i;

	for (i = 0; i < sc->nmsgs; i++) {
		if (set_has(set, sc->msgs[i].uid))
			append_fetch(out, sc, &sc->msgs[i], body);
	}
}

static void
answer_search(GString *out, const struct script *sc)
{
	size_t	i;

	g_string_append(out, "* SEARCH");
	for (i = 0; i < sc->nmsgs; i++)
		g_string_append_printf(out, " %u", sc->msgs[i].uid);
	g_string_append(out, "\r\n");
}

/* Answers that depend on the script rather than on a fixed text. */
static int
answer_dynamic(int fd, const struct script *sc, const char *tag,
    const char *command)
{
	GString	*out = g_string_new(NULL);

	if (strcmp(command, "CAPABILITY") == 0)
		g_string_append_printf(out, "* CAPABILITY %s\r\n",
		    sc->caps != NULL ? sc->caps : DEFAULT_CAPS);
	else if (g_str_has_prefix(command, "UID FETCH "))
		answer_fetch(out, sc, command);
	else if (g_str_has_prefix(command, "UID SEARCH "))
		answer_search(out, sc);
	else {
		g_string_free(out, TRUE);
		return 0;
	}
	g_string_append_printf(out, "%s OK Completed\r\n", tag);
	send_all(fd, out->str, out->len);
	g_string_free(out, TRUE);
	return 1;
}

static const struct step *
find_step(struct server *srv, const char *command)
{
	const struct step	*st = srv->script->steps;
	size_t			 i;

	for (i = 0; st != NULL && st[i].command != NULL; i++) {
		if (!srv->used[i] && g_pattern_match_simple(st[i].command,
		    command)) {
			srv->used[i] = 1;
			return &st[i];
		}
	}
	for (i = 0; default_steps[i].command != NULL; i++) {
		if (g_pattern_match_simple(default_steps[i].command, command))
			return &default_steps[i];
	}
	return NULL;
}

static enum after
answer(struct server *srv, int fd, const char *line)
{
	const struct step	*st;
	const char		*command, *space = strchr(line, ' ');
	char			*tag;

	command = space != NULL ? space + 1 : "";
	tag = g_strndup(line, space != NULL ? (gsize)(space - line) :
	    strlen(line));
	g_ptr_array_add(srv->commands, g_strdup(command));
	st = find_step(srv, command);
	if (st == NULL && answer_dynamic(fd, srv->script, tag, command)) {
		g_free(tag);
		return AFTER_GO_ON;
	}
	send_answer(fd, st != NULL ? st->answer : "%t BAD Unexpected\r\n",
	    tag);
	g_free(tag);
	return st != NULL ? st->after : AFTER_GO_ON;
}

static enum after
greet(struct server *srv, int fd)
{
	const struct script	*sc = srv->script;

	send_answer(fd, sc->greeting != NULL ? sc->greeting :
	    DEFAULT_GREETING, "*");
	return sc->greeting_after;
}

static void
converse(struct server *srv, int fd)
{
	enum after	 after = greet(srv, fd);
	char		*line;

	while (after == AFTER_GO_ON && (line = read_command(fd)) != NULL) {
		after = answer(srv, fd, line);
		g_free(line);
	}
	if (after == AFTER_SILENCE)
		drain(fd);
}

static void *
server_main(void *arg)
{
	struct server	*srv = arg;
	struct pollfd	 pfd = { srv->lfd, POLLIN, 0 };
	struct timeval	 tv = { SERVER_TIMEOUT, 0 };
	int		 fd;

	if (poll(&pfd, 1, SERVER_TIMEOUT * 1000) != 1)
		return NULL;
	if ((fd = accept(srv->lfd, NULL, NULL)) == -1)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	converse(srv, fd);
	close(fd);
	return NULL;
}

static void
server_start(struct server *srv, const struct script *script)
{
	size_t	n = 0;

	while (script->steps != NULL && script->steps[n].command != NULL)
		n++;
	srv->script = script;
	srv->used = g_new0(int, n + 1);
	srv->lfd = bind_loopback(&srv->port);
	assert_int_equal(listen(srv->lfd, 4), 0);
	assert_int_equal(pthread_create(&srv->thread, NULL, server_main, srv),
	    0);
	srv->running = 1;
}

/* Wait for the server to finish; only then may its record be read. */
static void
server_join(struct server *srv)
{
	if (srv->running)
		pthread_join(srv->thread, NULL);
	srv->running = 0;
}

static int
setup(void **state)
{
	struct server	*srv = g_new0(struct server, 1);

	srv->lfd = -1;
	srv->commands = g_ptr_array_new_with_free_func(g_free);
	*state = srv;
	return 0;
}

static int
teardown(void **state)
{
	struct server	*srv = *state;

	server_join(srv);
	if (srv->lfd != -1)
		close(srv->lfd);
	g_ptr_array_unref(srv->commands);
	g_free(srv->used);
	g_free(srv);
	return 0;
}

/* What the server received. */

static const char *
sent(struct server *srv, size_t i)
{
	return g_ptr_array_index(srv->commands, i);
}

/* How many commands matched the glob `pattern`. */
static size_t
sent_count(struct server *srv, const char *pattern)
{
	size_t	i, n = 0;

	for (i = 0; i < srv->commands->len; i++)
		n += g_pattern_match_simple(pattern, sent(srv, i));
	return n;
}

/* The index of the first command matching `pattern`; fails if none. */
static size_t
sent_index(struct server *srv, const char *pattern)
{
	size_t	i;

	for (i = 0; i < srv->commands->len; i++) {
		if (g_pattern_match_simple(pattern, sent(srv, i)))
			return i;
	}
	fail_msg("no command matching \"%s\" was sent", pattern);
	return 0;
}

static void
assert_none_sent_containing(struct server *srv, const char *text)
{
	size_t	i;

	for (i = 0; i < srv->commands->len; i++) {
		if (strstr(sent(srv, i), text) != NULL)
			fail_msg("sent \"%s\", containing \"%s\"", sent(srv, i),
			    text);
	}
}

/* The commands between SELECT and LOGOUT are exactly `want`. */
static void
assert_session(struct server *srv, const char *const *want)
{
	size_t	i = sent_index(srv, "SELECT *") + 1, k;

	for (k = 0; want[k] != NULL; k++, i++) {
		if (i >= srv->commands->len)
			fail_msg("\"%s\" was never sent", want[k]);
		assert_string_equal(sent(srv, i), want[k]);
	}
	if (i < srv->commands->len && strcmp(sent(srv, i), "LOGOUT") != 0)
		fail_msg("unexpected \"%s\" after the session", sent(srv, i));
}

/* The client side. */

/* Seconds a wait may take in these tests ([imap] timeout). */
#define TEST_TIMEOUT	2

static void
config_init(struct config *cfg, int port)
{
	static char	host[] = "127.0.0.1", user[] = "mentor";
	static char	inbox[] = "INBOX", processed[] = "Processed";

	memset(cfg, 0, sizeof *cfg);
	cfg->imap.host = host;
	cfg->imap.port = port;
	cfg->imap.security = SECURITY_NONE;
	cfg->imap.timeout = TEST_TIMEOUT;
	cfg->imap.username = user;
	cfg->mailbox = inbox;
	cfg->processed = processed;
}

static int
open_session(int port, struct fetch **f, char **cause)
{
	struct config	cfg;

	config_init(&cfg, port);
	*f = NULL;
	*cause = NULL;
	return fetch_imap_open(&cfg, "secret", f, cause);
}

static struct fetch *
open_ok(struct server *srv, const struct script *script)
{
	struct fetch	*f;
	char		*cause;

	server_start(srv, script);
	if (open_session(srv->port, &f, &cause) != 0)
		fail_msg("fetch_imap_open: %s", cause);
	assert_null(cause);
	assert_non_null(f);
	return f;
}

/* fetch_imap_open must fail with `want`; returns the cause (caller frees). */
static char *
open_fails(struct server *srv, const struct script *script, int want)
{
	struct fetch	*f;
	char		*cause;
	int		 error;

	server_start(srv, script);
	error = open_session(srv->port, &f, &cause);
	if (error != want) {
		print_error("fetch_imap_open returned %d, not %d: %s\n", error,
		    want, cause != NULL ? cause : "(no cause)");
		g_free(cause);
		fetch_imap_close(f);
		fail();
	}
	assert_null(f);
	assert_non_null(cause);
	return cause;
}

/* The messages the callback saw, copied. */
struct seen {
	GArray		*msgs;		/* struct fetch_msg, owning raw, date */
	size_t		 stop_at;	/* return stop_with on this call */
	int		 stop_with;
};

static int
collect(const struct fetch_msg *m, void *arg)
{
	struct seen	*seen = arg;
	struct fetch_msg copy = *m;

	copy.raw = g_memdup2(m->raw, m->len);
	copy.internaldate = g_strdup(m->internaldate);
	g_array_append_val(seen->msgs, copy);
	return seen->msgs->len == seen->stop_at ? seen->stop_with : 0;
}

static void
seen_init(struct seen *seen)
{
	memset(seen, 0, sizeof *seen);
	seen->msgs = g_array_new(FALSE, FALSE, sizeof(struct fetch_msg));
}

static void
seen_free(struct seen *seen)
{
	struct fetch_msg	*m;
	size_t			 i;

	for (i = 0; i < seen->msgs->len; i++) {
		m = &g_array_index(seen->msgs, struct fetch_msg, i);
		g_free((char *)m->raw);
		g_free((char *)m->internaldate);
	}
	g_array_unref(seen->msgs);
}

static const struct fetch_msg *
seen_msg(struct seen *seen, size_t i)
{
	assert_true(i < seen->msgs->len);
	return &g_array_index(seen->msgs, struct fetch_msg, i);
}

static void
assert_seen_uids(struct seen *seen, const uint32_t *want, size_t n)
{
	size_t	i;

	assert_int_equal(seen->msgs->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(seen_msg(seen, i)->uid, want[i]);
}

/*
 * fetch_imap_messages on a thread of its own, so that a client that never
 * returns fails its test instead of hanging the suite.
 */
struct call {
	struct fetch	*f;
	const uint32_t	*uids;
	size_t		 n;
	struct seen	*seen;
	char		*cause;
	int		 error;
	int		 done;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
};

static void *
call_main(void *arg)
{
	struct call	*c = arg;
	char		*cause = NULL;
	int		 error;

	error = fetch_imap_messages(c->f, c->uids, c->n, collect, c->seen,
	    &cause);
	pthread_mutex_lock(&c->lock);
	c->error = error;
	c->cause = cause;
	c->done = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Make reads on our end of the connection to `port` fail at once. */
static void
break_client_socket(int port)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			fd, null;

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_int_not_equal(null, -1);
	for (fd = 3; fd < 1024; fd++) {
		len = sizeof sin;
		if (getpeername(fd, (struct sockaddr *)&sin, &len) == 0 &&
		    sin.sin_family == AF_INET && ntohs(sin.sin_port) == port)
			dup2(null, fd);
	}
	close(null);
}

/* Whether the call returned within CALL_LIMIT seconds. */
static int
call_messages(struct call *c, int port)
{
	struct timespec	until;
	pthread_t	thread;
	int		in_time;

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CALL_LIMIT;
	assert_int_equal(pthread_create(&thread, NULL, call_main, c), 0);
	pthread_mutex_lock(&c->lock);
	while (!c->done && pthread_cond_timedwait(&c->cond, &c->lock,
	    &until) == 0)
		continue;
	in_time = c->done;
	pthread_mutex_unlock(&c->lock);
	if (!in_time)
		break_client_socket(port);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	return in_time;
}

/*
 * fetch_imap_messages must fail with `want`, promptly; returns the cause
 * (caller frees).  A call still running after CALL_LIMIT seconds has its
 * socket broken under it, and the test fails with the session and `seen`
 * released.
 */
static char *
messages_fail(struct server *srv, struct fetch *f, const uint32_t *uids,
    size_t n, struct seen *seen, int want)
{
	struct call	c = { .f = f, .uids = uids, .n = n, .seen = seen };

	if (!call_messages(&c, srv->port)) {
		g_free(c.cause);
		fetch_imap_close(f);
		seen_free(seen);
		fail_msg("fetch_imap_messages was still running after %d s",
		    CALL_LIMIT);
	}
	if (c.error != want) {
		print_error("fetch_imap_messages returned %d, not %d: %s\n",
		    c.error, want, c.cause != NULL ? c.cause : "(no cause)");
		g_free(c.cause);
		fetch_imap_close(f);
		seen_free(seen);
		fail();
	}
	assert_non_null(c.cause);
	return c.cause;
}

static void
messages_ok(struct fetch *f, const uint32_t *uids, size_t n,
    struct seen *seen)
{
	char	*cause = NULL;

	if (fetch_imap_messages(f, uids, n, collect, seen, &cause) != 0)
		fail_msg("fetch_imap_messages: %s", cause);
	assert_null(cause);
}

static GArray *
uids_after(struct fetch *f, uint32_t after)
{
	GArray	*uids = NULL;
	char	*cause = NULL;

	if (fetch_imap_uids_after(f, after, &uids, &cause) != 0)
		fail_msg("fetch_imap_uids_after: %s", cause);
	assert_non_null(uids);
	return uids;
}

static void
assert_uids(GArray *got, const uint32_t *want, size_t n)
{
	size_t	i;

	assert_int_equal(got->len, n);
	for (i = 0; i < n; i++)
		assert_int_equal(g_array_index(got, uint32_t, i), want[i]);
}

static void
move_ok(struct fetch *f, const uint32_t *uids, size_t n)
{
	char	*cause = NULL;

	if (fetch_imap_move(f, uids, n, &cause) != 0)
		fail_msg("fetch_imap_move: %s", cause);
	assert_null(cause);
}

/* Opening: connect, greeting, LOGIN, CAPABILITY, LIST, SELECT. */

static void
test_open_logs_in_checks_folder_and_selects(void **state)
{
	static const struct script	script = { 0 };
	static const char *const	want[] = {
		"LOGIN mentor secret",
		"CAPABILITY",
		"LIST \"\" \"Processed\"",
		"SELECT INBOX",
		"LOGOUT",
	};
	struct server	*srv = *state;
	struct fetch	*f;
	size_t		 i;

	f = open_ok(srv, &script);
	assert_int_equal(fetch_imap_uidvalidity(f), 42);
	fetch_imap_close(f);
	server_join(srv);
	assert_int_equal(srv->commands->len, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		assert_string_equal(sent(srv, i), want[i]);
}

static void
test_greeting_bye_is_temporary(void **state)
{
	static const struct script	script = {
		.greeting = "* BYE too busy\r\n",
		.greeting_after = AFTER_HANG_UP,
	};

	g_free(open_fails(*state, &script, EX_TEMPFAIL));
}

static void
test_refused_connection_is_temporary(void **state)
{
	struct fetch	*f;
	char		*cause;
	int		 fd, port;

	fd = bind_loopback(&port);
	close(fd);
	assert_int_equal(open_session(port, &f, &cause), EX_TEMPFAIL);
	assert_null(f);
	assert_contains(cause, "cannot connect to 127.0.0.1:");
	g_free(cause);
}

static void
test_hang_up_after_greeting_is_temporary(void **state)
{
	/*
	 * Greet, then close without answering anything.  Waiting for LOGIN
	 * first makes the client meet a clean end of stream every time,
	 * rather than sometimes a reset for writing to a closed socket.
	 */
	static const struct step	steps[] = {
		{ "LOGIN *", "", AFTER_HANG_UP },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	char	*cause;

	cause = open_fails(*state, &script, EX_TEMPFAIL);
	assert_contains(cause, "connection lost");
	g_free(cause);
}

static void
test_login_refused_is_noperm_with_server_text(void **state)
{
	static const struct step	steps[] = {
		{ "LOGIN *", "%t NO [AUTHENTICATIONFAILED] Authentication "
		    "failed.\r\n", AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	struct server	*srv = *state;
	char		*cause;

	cause = open_fails(srv, &script, EX_NOPERM);
	assert_contains(cause, "Authentication failed.");
	g_free(cause);
	server_join(srv);
	assert_int_equal(sent_count(srv, "SELECT *"), 0);
}

static void
test_select_refused_is_unavailable_with_server_text(void **state)
{
	static const struct step	steps[] = {
		{ "SELECT *", "%t NO Mailbox does not exist: INBOX\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	char	*cause;

	cause = open_fails(*state, &script, EX_UNAVAILABLE);
	assert_contains(cause, "Mailbox does not exist: INBOX");
	g_free(cause);
}

static void
test_select_without_uidvalidity_is_protocol_error(void **state)
{
	static const struct step	steps[] = {
		{ "SELECT *", "* FLAGS (\\Seen \\Deleted)\r\n* 3 EXISTS\r\n"
		    "%t OK [READ-WRITE] Select completed\r\n", AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	char	*cause;

	cause = open_fails(*state, &script, EX_PROTOCOL);
	assert_contains(cause, "UIDVALIDITY");
	g_free(cause);
}

static const struct step no_processed_folder[] = {
	{ "LIST *", "%t OK List completed\r\n", AFTER_GO_ON },
	{ NULL, NULL, AFTER_GO_ON },
};

static void
test_missing_processed_folder_is_created(void **state)
{
	static const struct script	script = {
		.steps = no_processed_folder,
	};
	struct server	*srv = *state;

	fetch_imap_close(open_ok(srv, &script));
	server_join(srv);
	assert_int_equal(sent_count(srv, "CREATE Processed"), 1);
	assert_true(sent_index(srv, "CREATE Processed") <
	    sent_index(srv, "SELECT INBOX"));
}

static void
test_existing_processed_folder_is_not_created(void **state)
{
	static const struct script	script = { 0 };
	struct server	*srv = *state;

	fetch_imap_close(open_ok(srv, &script));
	server_join(srv);
	assert_int_equal(sent_count(srv, "CREATE *"), 0);
}

static void
test_create_refused_is_unavailable(void **state)
{
	static const struct step	steps[] = {
		{ "LIST *", "%t OK List completed\r\n", AFTER_GO_ON },
		{ "CREATE *", "%t NO [NOPERM] Permission denied\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	char	*cause;

	cause = open_fails(*state, &script, EX_UNAVAILABLE);
	assert_contains(cause, "Permission denied");
	g_free(cause);
}

/* UID SEARCH. */

static void
test_uids_after_searches_from_the_next_uid(void **state)
{
	static const struct step	steps[] = {
		{ "UID SEARCH *", "* SEARCH 6 9\r\n%t OK Search done\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	static const uint32_t		want[] = { 6, 9 };
	struct server	*srv = *state;
	struct fetch	*f;
	GArray		*uids;

	f = open_ok(srv, &script);
	uids = uids_after(f, 5);
	assert_uids(uids, want, G_N_ELEMENTS(want));
	g_array_unref(uids);
	fetch_imap_close(f);
	server_join(srv);
	assert_int_equal(sent_count(srv, "UID SEARCH *"), 1);
	assert_string_equal(sent(srv, sent_index(srv, "UID SEARCH *")),
	    "UID SEARCH UID 6:*");
}

static void
test_uids_after_drops_the_last_message_below_n(void **state)
{
	/* "6:*" always matches the last message, even when its UID is 3. */
	static const struct step	steps[] = {
		{ "UID SEARCH *", "* SEARCH 3\r\n%t OK Search done\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	struct fetch	*f;
	GArray		*uids;

	f = open_ok(*state, &script);
	uids = uids_after(f, 5);
	assert_int_equal(uids->len, 0);
	g_array_unref(uids);
	fetch_imap_close(f);
}

static void
test_uids_after_sorts_the_answer(void **state)
{
	static const struct step	steps[] = {
		{ "UID SEARCH *", "* SEARCH 12 7 30 8\r\n%t OK Search done\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	static const uint32_t		want[] = { 7, 8, 12, 30 };
	struct fetch	*f;
	GArray		*uids;

	f = open_ok(*state, &script);
	uids = uids_after(f, 5);
	assert_uids(uids, want, G_N_ELEMENTS(want));
	g_array_unref(uids);
	fetch_imap_close(f);
}

static void
test_uids_upto_searches_from_one(void **state)
{
	static const struct step	steps[] = {
		{ "UID SEARCH *", "* SEARCH 4 2\r\n%t OK Search done\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = { .steps = steps };
	static const uint32_t		want[] = { 2, 4 };
	struct server	*srv = *state;
	struct fetch	*f;
	GArray		*uids = NULL;
	char		*cause = NULL;

	f = open_ok(srv, &script);
	assert_int_equal(fetch_imap_uids_upto(f, 0, &uids, &cause), 0);
	assert_int_equal(uids->len, 0);
	g_array_unref(uids);
	assert_int_equal(fetch_imap_uids_upto(f, 4, &uids, &cause), 0);
	assert_uids(uids, want, G_N_ELEMENTS(want));
	g_array_unref(uids);
	fetch_imap_close(f);
	server_join(srv);
	assert_int_equal(sent_count(srv, "UID SEARCH *"), 1);
	assert_string_equal(sent(srv, sent_index(srv, "UID SEARCH *")),
	    "UID SEARCH UID 1:4");
}

/* Fetching messages. */

static const struct msg three_descending[] = {
	{ 3, 0, NULL, "Subject: three\r\n\r\nthird\r\n", 0 },
	{ 2, 0, NULL, "Subject: two\r\n\r\nsecond\r\n", 0 },
	{ 1, 0, NULL, "Subject: one\r\n\r\nfirst\r\n", 0 },
};

static void
test_messages_fetched_with_body_peek_and_nothing_set_seen(void **state)
{
	static const struct script	script = {
		.msgs = three_descending, .nmsgs = 3,
	};
	static const uint32_t		uids[] = { 1, 2, 3 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(srv, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	server_join(srv);
	assert_int_equal(seen.msgs->len, 3);
	assert_int_equal(sent_count(srv, "UID FETCH *BODY.PEEK[]*"), 1);
	assert_none_sent_containing(srv, "BODY[");
	assert_none_sent_containing(srv, "RFC822.TEXT");
	assert_none_sent_containing(srv, "RFC822.HEADER");
	assert_none_sent_containing(srv, "STORE");
	seen_free(&seen);
}

static void
test_messages_handed_out_in_ascending_uid_order(void **state)
{
	static const struct script	script = {
		.msgs = three_descending, .nmsgs = 3,
	};
	static const uint32_t		uids[] = { 1, 2, 3 };
	struct fetch	*f;
	struct seen	 seen;
	size_t		 i;

	seen_init(&seen);
	f = open_ok(*state, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	assert_seen_uids(&seen, uids, G_N_ELEMENTS(uids));
	for (i = 0; i < 3; i++) {
		assert_int_equal(seen_msg(&seen, i)->len,
		    strlen(three_descending[2 - i].body));
		assert_memory_equal(seen_msg(&seen, i)->raw,
		    three_descending[2 - i].body, seen_msg(&seen, i)->len);
		assert_int_equal(seen_msg(&seen, i)->size,
		    seen_msg(&seen, i)->len);
	}
	seen_free(&seen);
}

static void
test_unsolicited_flags_update_is_ignored(void **state)
{
	static const struct msg		msgs[] = {
		{ 1, 0, NULL, "first", 0 },
		{ 2, 0, NULL, "second", 0 },
	};
	static const struct step	steps[] = {
		{ "UID FETCH * (*BODY.PEEK[]*",
		    "* 1 FETCH (UID 1 RFC822.SIZE 5 INTERNALDATE "
		    "\"" DEFAULT_DATE "\" BODY[] {5}\r\nfirst)\r\n"
		    "* 3 FETCH (FLAGS (\\Seen))\r\n"
		    "* 2 FETCH (UID 2 RFC822.SIZE 6 INTERNALDATE "
		    "\"" DEFAULT_DATE "\" BODY[] {6}\r\nsecond)\r\n"
		    "%t OK Fetch completed\r\n", AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.steps = steps, .msgs = msgs, .nmsgs = 2,
	};
	static const uint32_t		uids[] = { 1, 2 };
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(*state, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	assert_seen_uids(&seen, uids, G_N_ELEMENTS(uids));
	assert_memory_equal(seen_msg(&seen, 0)->raw, "first", 5);
	assert_memory_equal(seen_msg(&seen, 1)->raw, "second", 6);
	seen_free(&seen);
}

static void
test_unsolicited_flags_update_keeps_the_size_for_rounds(void **state)
{
	/*
	 * A flag change by another client arrives, with the UID as RFC 3501
	 * requires during a UID command, after the sizes were given.
	 */
	static const struct msg		msgs[] = {
		{ 1, 5 * MIB, NULL, "first", 0 },
		{ 2, 5 * MIB, NULL, "second", 0 },
	};
	static const struct step	steps[] = {
		{ "UID FETCH * (UID RFC822.SIZE)",
		    "* 1 FETCH (UID 1 RFC822.SIZE 5242880)\r\n"
		    "* 2 FETCH (UID 2 RFC822.SIZE 5242880)\r\n"
		    "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"
		    "%t OK Fetch completed\r\n", AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.steps = steps, .msgs = msgs, .nmsgs = 2,
	};
	static const uint32_t		uids[] = { 1, 2 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;
	size_t		 got;

	seen_init(&seen);
	f = open_ok(srv, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	server_join(srv);
	got = seen.msgs->len;
	seen_free(&seen);
	assert_int_equal(got, 2);
	/* 10 MiB do not fit in one round. */
	assert_int_equal(sent_count(srv, "UID FETCH *BODY.PEEK[]*"), 2);
}

static void
test_vanished_uid_is_skipped(void **state)
{
	static const struct msg		msgs[] = {
		{ 1, 0, NULL, "first", 0 },
		{ 3, 0, NULL, "third", 0 },
	};
	static const struct script	script = { .msgs = msgs, .nmsgs = 2 };
	static const uint32_t		uids[] = { 1, 2, 3 };
	static const uint32_t		want[] = { 1, 3 };
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(*state, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	assert_seen_uids(&seen, want, G_N_ELEMENTS(want));
	seen_free(&seen);
}

static void
test_internaldate_becomes_utc_iso_8601(void **state)
{
	static const struct msg		msgs[] = {
		{ 1, 0, "17-Jul-1996 02:44:25 -0700", "first", 0 },
		{ 2, 0, " 1-Jan-2024 03:00:00 +0530", "second", 0 },
		{ 3, 0, "29-Feb-2024 23:59:59 +0000", "third", 0 },
	};
	static const struct script	script = { .msgs = msgs, .nmsgs = 3 };
	static const uint32_t		uids[] = { 1, 2, 3 };
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(*state, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	assert_seen_uids(&seen, uids, G_N_ELEMENTS(uids));
	assert_string_equal(seen_msg(&seen, 0)->internaldate,
	    "1996-07-17T09:44:25Z");
	assert_string_equal(seen_msg(&seen, 1)->internaldate,
	    "2023-12-31T21:30:00Z");
	assert_string_equal(seen_msg(&seen, 2)->internaldate,
	    "2024-02-29T23:59:59Z");
	seen_free(&seen);
}

static void
test_binary_body_arrives_intact(void **state)
{
	static const char		body[] = "Subject: bytes\r\n\r\n"
	    "nul\0here \xe9t\xe9 \xff\xfe\x80 {3}\r\n) end\r\n";
	static const struct msg		msgs[] = {
		{ 1, 0, NULL, body, sizeof body - 1 },
	};
	static const struct script	script = { .msgs = msgs, .nmsgs = 1 };
	static const uint32_t		uids[] = { 1 };
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(*state, &script);
	messages_ok(f, uids, 1, &seen);
	fetch_imap_close(f);
	assert_int_equal(seen.msgs->len, 1);
	assert_int_equal(seen_msg(&seen, 0)->len, sizeof body - 1);
	assert_memory_equal(seen_msg(&seen, 0)->raw, body, sizeof body - 1);
	seen_free(&seen);
}

/* The claimed size of the messages of `msgs` in `set`, and how many. */
static uint64_t
set_bytes(const struct msg *msgs, size_t n, const char *set, size_t *count)
{
	uint64_t	bytes = 0;
	size_t		i;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (set_has(set, msgs[i].uid)) {
			bytes += msg_size(&msgs[i]);
			(*count)++;
		}
	}
	return bytes;
}

static const struct msg rounds_msgs[] = {
	{ 1, 5 * MIB, NULL, "one", 0 },
	{ 2, 4 * MIB, NULL, "two", 0 },
	{ 3, 1 * MIB, NULL, "three", 0 },
	{ 4, 9 * MIB, NULL, "four, larger than a round", 0 },
	{ 5, 1, NULL, "5", 0 },
};

/* Each body fetch stays within a round, or holds one message alone. */
static void
assert_rounds(struct server *srv, const struct msg *msgs, size_t n)
{
	const char	*command, *set;
	uint64_t	 bytes;
	size_t		 i, count, rounds = 0, total = 0;

	for (i = 0; i < srv->commands->len; i++) {
		command = sent(srv, i);
		if (!g_pattern_match_simple("UID FETCH *BODY.PEEK[]*", command))
			continue;
		set = command_set(command);
		bytes = set_bytes(msgs, n, set, &count);
		if (count > 1 && bytes > FETCH_ROUND_BYTES)
			fail_msg("round \"%s\" asks for %llu bytes", command,
			    (unsigned long long)bytes);
		if (set_has(set, 4) && count != 1)
			fail_msg("the 9 MiB message is not alone: %s", command);
		rounds++;
		total += count;
	}
	assert_true(rounds > 1);
	assert_int_equal(total, n);
}

static void
test_bodies_fetched_in_bounded_rounds(void **state)
{
	static const struct script	script = {
		.msgs = rounds_msgs, .nmsgs = G_N_ELEMENTS(rounds_msgs),
	};
	static const uint32_t		uids[] = { 1, 2, 3, 4, 5 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(srv, &script);
	messages_ok(f, uids, G_N_ELEMENTS(uids), &seen);
	fetch_imap_close(f);
	server_join(srv);
	assert_seen_uids(&seen, uids, G_N_ELEMENTS(uids));
	assert_int_equal(seen_msg(&seen, 3)->size, 9 * MIB);
	assert_rounds(srv, rounds_msgs, G_N_ELEMENTS(rounds_msgs));
	seen_free(&seen);
}

static void
test_callback_stops_the_fetch(void **state)
{
	static const struct script	script = {
		.msgs = rounds_msgs, .nmsgs = G_N_ELEMENTS(rounds_msgs),
	};
	static const uint32_t		uids[] = { 1, 2, 3, 4, 5 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;
	char		*cause = NULL;

	seen_init(&seen);
	seen.stop_at = 2;
	seen.stop_with = 7;
	f = open_ok(srv, &script);
	assert_int_equal(fetch_imap_messages(f, uids, G_N_ELEMENTS(uids),
	    collect, &seen, &cause), 7);
	fetch_imap_close(f);
	server_join(srv);
	assert_int_equal(seen.msgs->len, 2);
	/* Rounds "1" and "2:3": none fetched after the stop. */
	assert_int_equal(sent_count(srv, "UID FETCH *BODY.PEEK[]*"), 2);
	seen_free(&seen);
	g_free(cause);
}

/* Faults while fetching. */

static const struct msg one_msg[] = {
	{ 1, 0, NULL, "Subject: one\r\n\r\nfirst\r\n", 0 },
};

static void
test_drop_inside_body_literal_is_temporary(void **state)
{
	static const struct step	steps[] = {
		{ "UID FETCH * (*BODY.PEEK[]*",
		    "* 1 FETCH (UID 1 RFC822.SIZE 100 INTERNALDATE "
		    "\"" DEFAULT_DATE "\" BODY[] {100}\r\nSubject: cut sh",
		    AFTER_HANG_UP },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.steps = steps, .msgs = one_msg, .nmsgs = 1,
	};
	static const uint32_t		uids[] = { 1 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;
	char		*cause;

	seen_init(&seen);
	f = open_ok(srv, &script);
	cause = messages_fail(srv, f, uids, 1, &seen, EX_TEMPFAIL);
	assert_contains(cause, "connection lost");
	assert_int_equal(seen.msgs->len, 0);
	g_free(cause);
	fetch_imap_close(f);
	seen_free(&seen);
}

static void
test_garbage_line_is_protocol_error(void **state)
{
	static const struct step	steps[] = {
		{ "UID FETCH * (*BODY.PEEK[]*", "* FOO BAR BAZ {\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.steps = steps, .msgs = one_msg, .nmsgs = 1,
	};
	static const uint32_t		uids[] = { 1 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;

	/* Decided on what came, not by waiting for the timeout. */
	seen_init(&seen);
	f = open_ok(srv, &script);
	g_free(messages_fail(srv, f, uids, 1, &seen, EX_PROTOCOL));
	assert_int_equal(seen.msgs->len, 0);
	fetch_imap_close(f);
	seen_free(&seen);
}

static void
test_bye_during_fetch_is_temporary(void **state)
{
	static const struct step	steps[] = {
		{ "UID FETCH * (*BODY.PEEK[]*",
		    "* BYE Server shutting down\r\n", AFTER_HANG_UP },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.steps = steps, .msgs = one_msg, .nmsgs = 1,
	};
	static const uint32_t		uids[] = { 1 };
	struct server	*srv = *state;
	struct fetch	*f;
	struct seen	 seen;

	seen_init(&seen);
	f = open_ok(srv, &script);
	g_free(messages_fail(srv, f, uids, 1, &seen, EX_TEMPFAIL));
	assert_int_equal(seen.msgs->len, 0);
	fetch_imap_close(f);
	seen_free(&seen);
}

/* Moving to the processed folder. */

static const uint32_t move_uids[] = { 1, 2, 3, 7 };

static void
test_move_with_move_extension(void **state)
{
	static const struct script	script = { .caps = "IMAP4rev1 MOVE" };
	static const char *const	want[] = {
		"UID STORE 1:3,7 +FLAGS.SILENT (\\Seen)",
		"UID MOVE 1:3,7 Processed",
		NULL,
	};
	struct server	*srv = *state;
	struct fetch	*f;

	f = open_ok(srv, &script);
	move_ok(f, move_uids, G_N_ELEMENTS(move_uids));
	fetch_imap_close(f);
	server_join(srv);
	assert_session(srv, want);
}

static void
test_move_with_uidplus_only(void **state)
{
	static const struct script	script = {
		.caps = "IMAP4rev1 UIDPLUS",
	};
	static const char *const	want[] = {
		"UID STORE 1:3,7 +FLAGS.SILENT (\\Seen)",
		"UID COPY 1:3,7 Processed",
		"UID STORE 1:3,7 +FLAGS.SILENT (\\Deleted)",
		"UID EXPUNGE 1:3,7",
		NULL,
	};
	struct server	*srv = *state;
	struct fetch	*f;

	f = open_ok(srv, &script);
	move_ok(f, move_uids, G_N_ELEMENTS(move_uids));
	fetch_imap_close(f);
	server_join(srv);
	assert_session(srv, want);
}

static void
test_move_without_move_or_uidplus(void **state)
{
	static const struct script	script = { .caps = "IMAP4rev1" };
	static const char *const	want[] = {
		"UID STORE 1:3,7 +FLAGS.SILENT (\\Seen)",
		"UID COPY 1:3,7 Processed",
		"UID STORE 1:3,7 +FLAGS.SILENT (\\Deleted)",
		"EXPUNGE",
		NULL,
	};
	struct server	*srv = *state;
	struct fetch	*f;

	f = open_ok(srv, &script);
	move_ok(f, move_uids, G_N_ELEMENTS(move_uids));
	fetch_imap_close(f);
	server_join(srv);
	assert_session(srv, want);
}

static void
test_move_of_nothing_sends_nothing(void **state)
{
	static const struct script	script = { 0 };
	static const char *const	want[] = { NULL };
	struct server	*srv = *state;
	struct fetch	*f;

	f = open_ok(srv, &script);
	move_ok(f, move_uids, 0);
	fetch_imap_close(f);
	server_join(srv);
	assert_session(srv, want);
}

static void
test_move_refused_is_unavailable(void **state)
{
	static const struct step	steps[] = {
		{ "UID MOVE *", "%t NO [CANNOT] Quota exceeded\r\n",
		    AFTER_GO_ON },
		{ NULL, NULL, AFTER_GO_ON },
	};
	static const struct script	script = {
		.caps = "IMAP4rev1 MOVE", .steps = steps,
	};
	struct fetch	*f;
	char		*cause = NULL;

	f = open_ok(*state, &script);
	assert_int_equal(fetch_imap_move(f, move_uids, 1, &cause),
	    EX_UNAVAILABLE);
	assert_contains(cause, "Quota exceeded");
	g_free(cause);
	fetch_imap_close(f);
}

/* A silent server. */

static void
test_silent_server_times_out(void **state)
{
	static const struct script	script = {
		.greeting = "", .greeting_after = AFTER_SILENCE,
	};
	char	*cause;
	gint64	 start, elapsed;

	/* Within one timeout, giving up included: no LOGOUT to a dead line. */
	start = g_get_monotonic_time();
	cause = open_fails(*state, &script, EX_TEMPFAIL);
	elapsed = (g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	assert_contains(cause, "timed out reading from");
	assert_contains(cause, "during greeting");
	assert_lacks(cause, "connection lost");
	assert_true(elapsed >= TEST_TIMEOUT - 1);
	assert_true(elapsed < 2 * TEST_TIMEOUT);
	g_free(cause);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_logs_in_checks_folder_and_selects),
		T(test_greeting_bye_is_temporary),
		T(test_refused_connection_is_temporary),
		T(test_hang_up_after_greeting_is_temporary),
		T(test_login_refused_is_noperm_with_server_text),
		T(test_select_refused_is_unavailable_with_server_text),
		T(test_select_without_uidvalidity_is_protocol_error),
		T(test_missing_processed_folder_is_created),
		T(test_existing_processed_folder_is_not_created),
		T(test_create_refused_is_unavailable),
		T(test_uids_after_searches_from_the_next_uid),
		T(test_uids_after_drops_the_last_message_below_n),
		T(test_uids_after_sorts_the_answer),
		T(test_uids_upto_searches_from_one),
		T(test_messages_fetched_with_body_peek_and_nothing_set_seen),
		T(test_messages_handed_out_in_ascending_uid_order),
		T(test_unsolicited_flags_update_is_ignored),
		T(test_unsolicited_flags_update_keeps_the_size_for_rounds),
		T(test_vanished_uid_is_skipped),
		T(test_internaldate_becomes_utc_iso_8601),
		T(test_binary_body_arrives_intact),
		T(test_bodies_fetched_in_bounded_rounds),
		T(test_callback_stops_the_fetch),
		T(test_drop_inside_body_literal_is_temporary),
		T(test_garbage_line_is_protocol_error),
		T(test_bye_during_fetch_is_temporary),
		T(test_move_with_move_extension),
		T(test_move_with_uidplus_only),
		T(test_move_without_move_or_uidplus),
		T(test_move_of_nothing_sends_nothing),
		T(test_move_refused_is_unavailable),
		T(test_silent_server_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
