/*
 * test-conn.c -- struct conn and its libetpan stream against real servers on
 * loopback: TLS servers with good and bad certificates (from
 * tests/lib/certs.sh), a plain echo server, a STARTTLS server, and servers
 * that refuse, stay silent or hang up early.
 *
 * Each server is a thread serving one connection, so that valgrind and
 * ASan see one process.  SIGPIPE is left at its default, so a write that
 * raised it would kill the test.  Run from the top of the source tree.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <gnutls/gnutls.h>

#include "conn.h"
#include "etpan-stream.h"
#include "testlib.h"

/* Generous: servers must outlive a client slowed down by valgrind. */
#define SERVER_TIMEOUT	20
#define CLIENT_TIMEOUT	10

enum serve {
	SERVE_ECHO,		/* plain echo until EOF */
	SERVE_SILENT,		/* accept, read and never answer */
	SERVE_HELLO,		/* say "hello" and hang up */
	SERVE_TLS_ECHO,		/* TLS at once, then echo */
	SERVE_TLS_CUT,		/* TLS, say "partial", drop TCP, no close_notify */
	SERVE_STARTTLS,		/* "OK" to one line, then TLS echo */
	SERVE_INJECT,		/* "OK" plus a plaintext line after it */
	SERVE_STARTTLS_SILENT,	/* "OK" to one line, then never a handshake */
};

struct server {
	enum serve	 mode;
	const char	*cert;		/* name in certdir, for TLS modes */
	int		 lfd;
	int		 port;
	pthread_t	 thread;
};

static char	*certdir;
static char	*ca_file;
/* What the stream of a test failed with. */
static struct etpan_failure	failure;

static char *
cert_path(const char *name, const char *suffix)
{
	return g_strdup_printf("%s/%s%s.pem", certdir, name, suffix);
}

static int
setup_certs(void **state)
{
	char	*cmd;
	int	 status;

	certdir = g_dir_make_tmp("test-conn.XXXXXX", NULL);
	if (certdir == NULL)
		return -1;
	cmd = g_strdup_printf("tests/lib/certs.sh %s", certdir);
	status = system(cmd);
	g_free(cmd);
	ca_file = cert_path("ca", "");
	return status == 0 ? 0 : -1;
}

static int
teardown_certs(void **state)
{
	char	*cmd;
	int	 status;

	cmd = g_strdup_printf("rm -rf %s", certdir);
	status = system(cmd);
	g_free(cmd);
	g_free(certdir);
	g_free(ca_file);
	etpan_failure_clear(&failure);
	return status == 0 ? 0 : -1;
}

/* Servers. */

static void
server_timeouts(int fd)
{
	struct timeval	tv = { SERVER_TIMEOUT, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static void
serve_echo(int fd)
{
	char	buf[4096];
	ssize_t	n;

	while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
		send_all(fd, buf, (size_t)n);
}

static void
serve_silent(int fd)
{
	char	buf[4096];

	while (recv(fd, buf, sizeof buf, 0) > 0)
		continue;
}

static void
read_line(int fd)
{
	char	ch;

	while (recv(fd, &ch, 1, 0) == 1 && ch != '\n')
		continue;
}

static gnutls_session_t
tls_accept(int fd, const char *cert, gnutls_certificate_credentials_t *creds)
{
	gnutls_session_t	 s;
	char			*crt, *key;
	int			 r;

	crt = cert_path(cert, "");
	key = cert_path(cert, "-key");
	gnutls_certificate_allocate_credentials(creds);
	gnutls_certificate_set_x509_key_file(*creds, crt, key,
	    GNUTLS_X509_FMT_PEM);
	g_free(crt);
	g_free(key);
	gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NO_SIGNAL);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, *creds);
	gnutls_transport_set_int(s, fd);
	do {
		r = gnutls_handshake(s);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r == 0)
		return s;
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(*creds);
	return NULL;
}

static void
tls_echo(gnutls_session_t s)
{
	char	buf[4096];
	ssize_t	n, done, w;

	while ((n = gnutls_record_recv(s, buf, sizeof buf)) > 0) {
		for (done = 0; done < n; done += w) {
			w = gnutls_record_send(s, buf + done, (size_t)(n - done));
			if (w <= 0)
				return;
		}
	}
}

/* TLS on fd: echo, or with `cut` say "partial" and drop TCP unannounced. */
static void
serve_tls(int fd, const char *cert, int cut)
{
	gnutls_certificate_credentials_t	 creds;
	gnutls_session_t			 s;

	if ((s = tls_accept(fd, cert, &creds)) == NULL)
		return;
	if (cut)
		gnutls_record_send(s, "partial", 7);
	else {
		tls_echo(s);
		gnutls_bye(s, GNUTLS_SHUT_WR);
	}
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(creds);
}

static void
serve(struct server *srv, int fd)
{
	const char	*inject = "OK\r\nA1 OK injected\r\n";

	switch (srv->mode) {
	case SERVE_ECHO:
		serve_echo(fd);
		break;
	case SERVE_SILENT:
		serve_silent(fd);
		break;
	case SERVE_HELLO:
		send_all(fd, "hello", 5);
		break;
	case SERVE_TLS_ECHO:
	case SERVE_TLS_CUT:
		serve_tls(fd, srv->cert, srv->mode == SERVE_TLS_CUT);
		break;
	case SERVE_STARTTLS:
		read_line(fd);
		send_all(fd, "OK\r\n", 4);
		serve_tls(fd, srv->cert, 0);
		break;
	case SERVE_STARTTLS_SILENT:
		read_line(fd);
		send_all(fd, "OK\r\n", 4);
		serve_silent(fd);
		break;
	case SERVE_INJECT:
		read_line(fd);
		/* One send, so both lines reach the client's buffer at once. */
		send_all(fd, inject, strlen(inject));
		serve_silent(fd);
		break;
	}
}

static void *
server_main(void *arg)
{
	struct server	*srv = arg;
	struct pollfd	 pfd = { srv->lfd, POLLIN, 0 };
	int		 fd;

	if (poll(&pfd, 1, SERVER_TIMEOUT * 1000) != 1)
		return NULL;
	if ((fd = accept(srv->lfd, NULL, NULL)) == -1)
		return NULL;
	server_timeouts(fd);
	serve(srv, fd);
	close(fd);
	return NULL;
}

static void
server_start(struct server *srv, enum serve mode, const char *cert)
{
	srv->mode = mode;
	srv->cert = cert;
	srv->lfd = bind_loopback(&srv->port);
	assert_int_equal(listen(srv->lfd, 4), 0);
	assert_int_equal(pthread_create(&srv->thread, NULL, server_main, srv),
	    0);
}

static void
server_stop(struct server *srv)
{
	pthread_join(srv->thread, NULL);
	close(srv->lfd);
}

/* Client helpers. */

static struct conn *
open_ok(const char *host, int port, int tls, const char *ca)
{
	struct conn	*c;
	char		*cause = NULL;
	int		 temporary = -1;

	c = conn_open(host, port, tls, ca, CLIENT_TIMEOUT, &cause, &temporary);
	if (c == NULL)
		fail_msg("conn_open %s:%d: %s", host, port, cause);
	assert_int_equal(conn_is_tls(c), tls);
	assert_true(conn_fd(c) >= 0);
	return c;
}

/* conn_open must fail; returns the cause, which the caller frees. */
static char *
open_fails(const char *host, int port, int tls, const char *ca, int timeout,
    int want_temporary)
{
	struct conn	*c;
	char		*cause = NULL;
	int		 temporary = -1;

	c = conn_open(host, port, tls, ca, timeout, &cause, &temporary);
	assert_null(c);
	assert_non_null(cause);
	assert_int_equal(temporary, want_temporary);
	return cause;
}

static void
read_exactly(struct conn *c, char *buf, size_t len, size_t chunk)
{
	size_t	 got = 0;
	ssize_t	 n;
	char	*cause = NULL;

	while (got < len) {
		n = conn_read(c, buf + got, MIN(chunk, len - got), &cause);
		if (n <= 0)
			fail_msg("read after %zu of %zu bytes: %s", got, len,
			    n == 0 ? "end of stream" : cause);
		got += (size_t)n;
	}
}

static void
round_trip(struct conn *c, const char *text)
{
	char	*back;
	char	*cause = NULL;
	size_t	 len = strlen(text);

	if (conn_write(c, text, len, &cause) != 0)
		fail_msg("write: %s", cause);
	back = g_malloc0(len + 1);
	read_exactly(c, back, len, len);
	assert_string_equal(back, text);
	g_free(back);
}

/* conn_open with TLS against a server showing `cert`: refused, why. */
static void
assert_refused(const char *host, const char *cert, const char *ca,
    const char *why)
{
	struct server	 srv;
	char		*cause;

	server_start(&srv, SERVE_TLS_ECHO, cert);
	cause = open_fails(host, srv.port, 1, ca, CLIENT_TIMEOUT, 0);
	assert_contains(cause, "TLS certificate of ");
	assert_contains(cause, why);
	g_free(cause);
	server_stop(&srv);
}

/* Accepted certificates. */

static void
test_tls_ip_address_matches_ip_san(void **state)
{
	struct server	 srv;
	struct conn	*c;

	server_start(&srv, SERVE_TLS_ECHO, "server");
	c = open_ok("127.0.0.1", srv.port, 1, ca_file);
	round_trip(c, "A1 NOOP\r\n");
	conn_close(c);
	server_stop(&srv);
}

static void
test_tls_host_name_matches_dns_san(void **state)
{
	struct server	 srv;
	struct conn	*c;

	/* localhost may resolve to ::1 first, where nobody listens. */
	server_start(&srv, SERVE_TLS_ECHO, "server");
	c = open_ok("localhost", srv.port, 1, ca_file);
	round_trip(c, "A1 NOOP\r\n");
	conn_close(c);
	server_stop(&srv);
}

static void
test_tls_small_reads_drain_buffered_records(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		*out, *back, *cause = NULL;
	size_t		 i, len = 40000;

	/*
	 * Records are up to 16 KiB: reading 100 bytes at a time leaves the
	 * rest decrypted inside GnuTLS with nothing left on the socket.
	 */
	server_start(&srv, SERVE_TLS_ECHO, "server");
	c = open_ok("127.0.0.1", srv.port, 1, ca_file);
	out = g_malloc(len);
	for (i = 0; i < len; i++)
		out[i] = (char)('a' + i % 26);
	assert_int_equal(conn_write(c, out, len, &cause), 0);
	back = g_malloc(len);
	read_exactly(c, back, len, 100);
	assert_memory_equal(back, out, len);
	g_free(out);
	g_free(back);
	conn_close(c);
	server_stop(&srv);
}

/* Refused certificates: never temporary. */

static void
test_tls_self_signed_refused(void **state)
{
	assert_refused("127.0.0.1", "selfsigned", ca_file, "self-signed");
}

static void
test_tls_wrong_host_refused_for_ip(void **state)
{
	assert_refused("127.0.0.1", "wronghost", ca_file,
	    "does not match host name '127.0.0.1'");
}

static void
test_tls_wrong_host_refused_for_name(void **state)
{
	assert_refused("localhost", "wronghost", ca_file,
	    "does not match host name 'localhost'");
}

static void
test_tls_expired_refused(void **state)
{
	assert_refused("127.0.0.1", "expired", ca_file, "expired");
}

/* Issued by a trusted CA, but for TLS clients only. */
static void
test_tls_client_only_certificate_refused(void **state)
{
	assert_refused("127.0.0.1", "clientonly", ca_file,
	    "it is not meant for a TLS server");
}

/* A server certificate from an intermediate CA that may sign for clients. */
static void
test_tls_client_only_issuer_refused(void **state)
{
	assert_refused("127.0.0.1", "viaclientca", ca_file,
	    "not meant for a TLS server");
}

static void
test_tls_system_trust_refuses_test_ca(void **state)
{
	assert_refused("127.0.0.1", "server", NULL, "system trust store");
}

static void
test_tls_ca_file_replaces_system_trust(void **state)
{
	char	*other;

	/* The server's certificate, but not its issuer, as the CA file. */
	other = cert_path("selfsigned", "");
	assert_refused("127.0.0.1", "server", other, "not signed by a CA in");
	g_free(other);
}

static void
test_tls_missing_ca_file_is_permanent(void **state)
{
	char	*cause;
	int	 fd, port;

	/* Checked before dialling: a server down must not hide it. */
	fd = bind_loopback(&port);
	close(fd);
	cause = open_fails("127.0.0.1", port, 1, "/nonexistent/ca.pem",
	    CLIENT_TIMEOUT, 0);
	assert_contains(cause, "cannot load CA certificates from "
	    "/nonexistent/ca.pem");
	g_free(cause);
}

/* Network failures: temporary. */

static void
test_refused_port_is_temporary(void **state)
{
	char	*cause, *want;
	int	 fd, port;

	fd = bind_loopback(&port);
	close(fd);
	cause = open_fails("127.0.0.1", port, 0, NULL, CLIENT_TIMEOUT, 1);
	want = g_strdup_printf("cannot connect to 127.0.0.1:%d", port);
	assert_contains(cause, want);
	g_free(want);
	g_free(cause);
}

static void
test_unknown_host(void **state)
{
	struct conn	*c;
	char		*cause = NULL;

	/* Permanent or temporary depends on the resolver we have here. */
	c = conn_open("no-such-host.invalid", 993, 0, NULL, CLIENT_TIMEOUT,
	    &cause, NULL);
	assert_null(c);
	assert_contains(cause, "cannot resolve no-such-host.invalid");
	g_free(cause);
}

static void
test_bad_port(void **state)
{
	g_free(open_fails("127.0.0.1", 0, 0, NULL, CLIENT_TIMEOUT, 0));
	g_free(open_fails("127.0.0.1", 65536, 0, NULL, CLIENT_TIMEOUT, 0));
}

static void
test_silent_server_read_times_out(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16], *cause = NULL;
	gint64		 start, elapsed;

	server_start(&srv, SERVE_SILENT, NULL);
	c = conn_open("127.0.0.1", srv.port, 0, NULL, 1, &cause, NULL);
	assert_non_null(c);
	start = g_get_monotonic_time();
	assert_int_equal(conn_read(c, buf, sizeof buf, &cause), -1);
	elapsed = g_get_monotonic_time() - start;
	assert_true(elapsed >= G_USEC_PER_SEC * 9 / 10);
	assert_true(elapsed < G_USEC_PER_SEC * 5);
	assert_contains(cause, "timed out reading from 127.0.0.1:");
	g_free(cause);
	conn_close(c);
	server_stop(&srv);
}

static void
test_silent_server_handshake_times_out(void **state)
{
	struct server	 srv;
	char		*cause;

	server_start(&srv, SERVE_SILENT, NULL);
	cause = open_fails("127.0.0.1", srv.port, 1, ca_file, 1, 1);
	assert_contains(cause, "timed out");
	g_free(cause);
	server_stop(&srv);
}

/* End of stream. */

static void
test_plain_end_of_stream(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16];

	server_start(&srv, SERVE_HELLO, NULL);
	c = open_ok("127.0.0.1", srv.port, 0, NULL);
	read_exactly(c, buf, 5, sizeof buf);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(conn_read(c, buf, sizeof buf, NULL), 0);
	conn_close(c);
	server_stop(&srv);
}

static void
test_tls_close_without_close_notify_is_error(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16], *cause = NULL;

	server_start(&srv, SERVE_TLS_CUT, "server");
	c = open_ok("127.0.0.1", srv.port, 1, ca_file);
	read_exactly(c, buf, 7, sizeof buf);
	assert_memory_equal(buf, "partial", 7);
	assert_int_equal(conn_read(c, buf, sizeof buf, &cause), -1);
	assert_contains(cause, "without ending TLS");
	g_free(cause);
	conn_close(c);
	server_stop(&srv);
}

/* Writes to a peer that has gone fail, and never raise SIGPIPE. */
static void
write_until_failure(struct conn *c)
{
	char	*cause = NULL;
	int	 i;

	/* The first writes may land before the peer's reset does. */
	for (i = 0; i < 50; i++) {
		if (conn_write(c, "A1 NOOP\r\n", 9, &cause) == -1)
			break;
		g_usleep(20 * 1000);
	}
	assert_non_null(cause);
	assert_contains(cause, "writing to 127.0.0.1:");
	g_free(cause);
}

static void
test_plain_write_to_closed_peer_fails(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16];

	server_start(&srv, SERVE_HELLO, NULL);
	c = open_ok("127.0.0.1", srv.port, 0, NULL);
	read_exactly(c, buf, 5, sizeof buf);
	server_stop(&srv);
	write_until_failure(c);
	conn_close(c);
}

static void
test_tls_write_to_closed_peer_fails(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16];

	server_start(&srv, SERVE_TLS_CUT, "server");
	c = open_ok("127.0.0.1", srv.port, 1, ca_file);
	read_exactly(c, buf, 7, sizeof buf);
	server_stop(&srv);
	write_until_failure(c);
	conn_close(c);
}

/* STARTTLS. */

static struct conn *
starttls_exchange(struct server *srv, enum serve mode, const char *cert)
{
	struct conn	*c;
	char		 buf[4];

	server_start(srv, mode, cert);
	c = open_ok("localhost", srv->port, 0, ca_file);
	assert_int_equal(conn_write(c, "STARTTLS\r\n", 10, NULL), 0);
	read_exactly(c, buf, 4, sizeof buf);
	assert_memory_equal(buf, "OK\r\n", 4);
	return c;
}

static void
test_starttls_upgrades_plain_connection(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		*cause = NULL;

	c = starttls_exchange(&srv, SERVE_STARTTLS, "server");
	if (conn_starttls(c, &cause, NULL) != 0)
		fail_msg("starttls: %s", cause);
	assert_int_equal(conn_is_tls(c), 1);
	round_trip(c, "EHLO secure\r\n");
	assert_int_equal(conn_starttls(c, &cause, NULL), -1);
	g_free(cause);
	conn_close(c);
	server_stop(&srv);
}

/*
 * A server that accepts STARTTLS and then says nothing: a temporary
 * failure (the next cron run retries), unlike a refused certificate.
 */
static void
test_starttls_silent_server_is_temporary(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[4], *cause = NULL;
	int		 temporary = 0;

	server_start(&srv, SERVE_STARTTLS_SILENT, NULL);
	c = conn_open("localhost", srv.port, 0, ca_file, 1, &cause, NULL);
	if (c == NULL)
		fail_msg("connect: %s", cause);
	assert_int_equal(conn_write(c, "STARTTLS\r\n", 10, NULL), 0);
	read_exactly(c, buf, 4, sizeof buf);
	assert_int_equal(conn_starttls(c, &cause, &temporary), -1);
	assert_int_equal(temporary, 1);
	assert_contains(cause, "timed out");
	g_free(cause);
	conn_close(c);
	server_stop(&srv);
}

static void
test_starttls_refused_certificate_closes(void **state)
{
	struct server	 srv;
	struct conn	*c;
	char		 buf[16], *cause = NULL;
	int		 temporary = 1;

	c = starttls_exchange(&srv, SERVE_STARTTLS, "wronghost");
	assert_int_equal(conn_starttls(c, &cause, &temporary), -1);
	assert_int_equal(temporary, 0);
	assert_contains(cause, "does not match host name 'localhost'");
	g_free(cause);
	/* No way back to plaintext. */
	assert_int_equal(conn_is_tls(c), 0);
	assert_int_equal(conn_fd(c), -1);
	assert_int_equal(conn_read(c, buf, sizeof buf, NULL), -1);
	assert_int_equal(conn_write(c, "x", 1, NULL), -1);
	conn_close(c);
	server_stop(&srv);
}

/* The libetpan stream. */

/* A stream over `c`, its failures noted in `failure`, from a clean slate. */
static mailstream *
stream_new(struct conn *c)
{
	etpan_failure_clear(&failure);
	return etpan_stream_new(c, &failure);
}

static void
stream_round_trip(mailstream *s, const char *line)
{
	MMAPString	*got;

	assert_int_equal(mailstream_write(s, line, strlen(line)),
	    (ssize_t)strlen(line));
	if (mailstream_flush(s) != 0)
		fail_msg("flush: %s", failure.why);
	got = mmap_string_new("");
	if (mailstream_read_line(s, got) == NULL)
		fail_msg("read_line: %s", failure.why);
	assert_string_equal(got->str, line);
	mmap_string_free(got);
}

static void
test_stream_plain_round_trip(void **state)
{
	struct server	 srv;
	struct conn	*c;
	mailstream	*s;

	server_start(&srv, SERVE_ECHO, NULL);
	c = open_ok("127.0.0.1", srv.port, 0, NULL);
	s = stream_new(c);
	assert_non_null(s);
	assert_ptr_equal(etpan_stream_conn(s), c);
	assert_int_equal(mailstream_low_get_fd(mailstream_get_low(s)),
	    conn_fd(c));
	stream_round_trip(s, "A1 CAPABILITY\r\n");
	stream_round_trip(s, "A2 LOGOUT\r\n");
	assert_null(failure.why);
	/* Closes and frees the connection too: valgrind and ASan check. */
	mailstream_close(s);
	server_stop(&srv);
}

static void
test_stream_tls_round_trip(void **state)
{
	struct server	 srv;
	mailstream	*s;

	server_start(&srv, SERVE_TLS_ECHO, "server");
	s = stream_new(open_ok("127.0.0.1", srv.port, 1, ca_file));
	assert_non_null(s);
	stream_round_trip(s, "EHLO mentormail\r\n");
	mailstream_close(s);
	server_stop(&srv);
}

static void
test_stream_reports_why_read_failed(void **state)
{
	struct server	 srv;
	struct conn	*c;
	mailstream	*s;
	char		 buf[16];

	server_start(&srv, SERVE_SILENT, NULL);
	c = conn_open("127.0.0.1", srv.port, 0, NULL, 1, NULL, NULL);
	assert_non_null(c);
	s = stream_new(c);
	assert_int_equal(mailstream_read(s, buf, sizeof buf), -1);
	assert_contains(failure.why, "timed out");
	assert_int_equal(failure.timed_out, 1);
	/* It outlives the stream: libetpan closes one whose greeting fails. */
	mailstream_close(s);
	assert_contains(failure.why, "timed out");
	server_stop(&srv);
}

/* A server that hangs up is no timeout. */
static void
test_stream_reports_hang_up(void **state)
{
	struct server	 srv;
	mailstream	*s;
	char		 buf[16];

	server_start(&srv, SERVE_HELLO, NULL);
	s = stream_new(open_ok("127.0.0.1", srv.port, 0, NULL));
	assert_int_equal(mailstream_read(s, buf, sizeof buf), 5);
	assert_int_equal(mailstream_read(s, buf, sizeof buf), -1);
	assert_contains(failure.why, "closed the connection");
	assert_int_equal(failure.timed_out, 0);
	mailstream_close(s);
	server_stop(&srv);
}

static mailstream *
stream_starttls_exchange(struct server *srv, enum serve mode)
{
	mailstream	*s;
	MMAPString	*line;

	server_start(srv, mode, "server");
	s = stream_new(open_ok("127.0.0.1", srv->port, 0, ca_file));
	assert_non_null(s);
	mailstream_write(s, "A1 STARTTLS\r\n", 13);
	assert_int_equal(mailstream_flush(s), 0);
	line = mmap_string_new("");
	assert_non_null(mailstream_read_line(s, line));
	assert_string_equal(line->str, "OK\r\n");
	mmap_string_free(line);
	return s;
}

static void
test_stream_starttls(void **state)
{
	struct server	 srv;
	mailstream	*s;
	char		*cause = NULL;

	s = stream_starttls_exchange(&srv, SERVE_STARTTLS);
	if (etpan_stream_starttls(s, &cause, NULL) != 0)
		fail_msg("starttls: %s", cause);
	assert_int_equal(conn_is_tls(etpan_stream_conn(s)), 1);
	stream_round_trip(s, "A2 CAPABILITY\r\n");
	mailstream_close(s);
	server_stop(&srv);
}

static void
test_stream_starttls_refuses_injected_response(void **state)
{
	struct server	 srv;
	mailstream	*s;
	char		*cause = NULL;

	s = stream_starttls_exchange(&srv, SERVE_INJECT);
	assert_int_equal(etpan_stream_starttls(s, &cause, NULL), -1);
	assert_contains(cause, "injection");
	assert_int_equal(conn_is_tls(etpan_stream_conn(s)), 0);
	g_free(cause);
	mailstream_close(s);
	server_stop(&srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls_ip_address_matches_ip_san),
		cmocka_unit_test(test_tls_host_name_matches_dns_san),
		cmocka_unit_test(test_tls_small_reads_drain_buffered_records),
		cmocka_unit_test(test_tls_self_signed_refused),
		cmocka_unit_test(test_tls_wrong_host_refused_for_ip),
		cmocka_unit_test(test_tls_wrong_host_refused_for_name),
		cmocka_unit_test(test_tls_expired_refused),
		cmocka_unit_test(test_tls_client_only_certificate_refused),
		cmocka_unit_test(test_tls_client_only_issuer_refused),
		cmocka_unit_test(test_tls_system_trust_refuses_test_ca),
		cmocka_unit_test(test_tls_ca_file_replaces_system_trust),
		cmocka_unit_test(test_tls_missing_ca_file_is_permanent),
		cmocka_unit_test(test_refused_port_is_temporary),
		cmocka_unit_test(test_unknown_host),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test(test_silent_server_read_times_out),
		cmocka_unit_test(test_silent_server_handshake_times_out),
		cmocka_unit_test(test_starttls_silent_server_is_temporary),
		cmocka_unit_test(test_plain_end_of_stream),
		cmocka_unit_test(test_tls_close_without_close_notify_is_error),
		cmocka_unit_test(test_plain_write_to_closed_peer_fails),
		cmocka_unit_test(test_tls_write_to_closed_peer_fails),
		cmocka_unit_test(test_starttls_upgrades_plain_connection),
		cmocka_unit_test(test_starttls_refused_certificate_closes),
		cmocka_unit_test(test_stream_plain_round_trip),
		cmocka_unit_test(test_stream_tls_round_trip),
		cmocka_unit_test(test_stream_reports_why_read_failed),
		cmocka_unit_test(test_stream_reports_hang_up),
		cmocka_unit_test(test_stream_starttls),
		cmocka_unit_test(test_stream_starttls_refuses_injected_response),
	};

	return cmocka_run_group_tests(tests, setup_certs, teardown_certs);
}
