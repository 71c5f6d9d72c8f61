/*
 * conn.c -- TCP and TLS to mail servers, with timeouts and verified
 * certificates.  The only file that includes GnuTLS.
 *
 * The socket is non-blocking from the start: every wait goes through
 * poll() with the connection's timeout, so neither a silent server nor a
 * stalled handshake can hang a cron run.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "conn.h"
#include "log.h"

struct conn {
	int		 fd;		/* -1 once closed */
	int		 timeout;	/* seconds any one wait may take */
	int		 tls;		/* handshake done and verified */
	int		 timed_out;	/* the last read or write timed out */
	char		*host;		/* as dialled: what the cert must name */
	char		*name;		/* "host:port", for causes */
	char		*ca_file;	/* NULL: the system trust store */
	gnutls_certificate_credentials_t creds;
	gnutls_session_t session;
	gnutls_typed_vdata_st vdata[2];	/* what the certificate must be for */
};

/*
 * Why a certificate was refused, in the order a reader wants them.  The
 * host name and an unknown issuer are explained by hand in tls_refusal(),
 * since their wording depends on the connection.
 */
static const struct {
	unsigned int	 flag;
	const char	*why;
} tls_refusals[] = {
	{ GNUTLS_CERT_EXPIRED, "it has expired" },
	{ GNUTLS_CERT_NOT_ACTIVATED, "it is not valid yet (is our clock right?)" },
	{ GNUTLS_CERT_REVOKED, "it has been revoked" },
	{ GNUTLS_CERT_SIGNATURE_FAILURE, "its signature does not verify" },
	{ GNUTLS_CERT_SIGNER_NOT_CA, "its issuer is not a CA" },
	{ GNUTLS_CERT_INSECURE_ALGORITHM, "it is signed with an insecure algorithm" },
	{ GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE,
	    "its issuer is not allowed to sign it" },
	{ GNUTLS_CERT_PURPOSE_MISMATCH, "it is not meant for a TLS server" },
};

/* Wait for `events` on fd: 1 when ready, 0 after `timeout` seconds, -1. */
static int
poll_fd(int fd, short events, int timeout)
{
	struct pollfd	pfd;
	gint64		deadline, left;
	int		n;

	deadline = g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC;
	for (;;) {
		left = (deadline - g_get_monotonic_time()) / 1000;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n != -1 || errno != EINTR)
			return n;
	}
}

static int
io_wait(struct conn *c, short events, char **cause)
{
	const char	*what;

	what = (events & POLLOUT) ? "writing to" : "reading from";
	switch (poll_fd(c->fd, events, c->timeout)) {
	case 1:
		return 0;
	case 0:
		c->timed_out = 1;
		return cause_set(cause, "timed out %s %s (%d s)", what,
		    c->name, c->timeout);
	default:
		return cause_set(cause, "%s %s: poll: %s", what, c->name,
		    g_strerror(errno));
	}
}

/* An errno value: 0 once connected. */
static int
connect_wait(int fd, int timeout)
{
	socklen_t	len;
	int		error;

	switch (poll_fd(fd, POLLOUT, timeout)) {
	case 0:
		return ETIMEDOUT;
	case -1:
		return errno;
	}
	len = sizeof error;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		return errno;
	return error;
}

/* A connected non-blocking socket, or -1 with the errno value in *error. */
static int
connect_address(const struct addrinfo *ai, int timeout, int *error)
{
	int	fd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*error = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	*error = errno == EINPROGRESS ? connect_wait(fd, timeout) : errno;
	if (*error == 0)
		return fd;
	close(fd);
	return -1;
}

/*
 * Only a resolver that could not reach its servers may succeed later; a
 * name that does not exist is a configuration error.
 */
static int
resolve_temporary(int error)
{
	return error == EAI_AGAIN || error == EAI_FAIL ||
	    error == EAI_MEMORY || error == EAI_SYSTEM;
}

static int
tcp_connect(struct conn *c, int port, char **cause, int *temporary)
{
	struct addrinfo	 hints, *res, *ai;
	char		 service[16];
	int		 error, saved = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof service, "%d", port);
	if ((error = getaddrinfo(c->host, service, &hints, &res)) != 0) {
		*temporary = resolve_temporary(error);
		return cause_set(cause, "cannot resolve %s: %s", c->host,
		    error == EAI_SYSTEM ? g_strerror(errno) :
		    gai_strerror(error));
	}
	for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next)
		c->fd = connect_address(ai, c->timeout, &saved);
	freeaddrinfo(res);
	if (c->fd != -1)
		return 0;
	/* Whatever stopped TCP (refused, unreachable, timed out) may pass. */
	*temporary = 1;
	return cause_set(cause, "cannot connect to %s: %s", c->name,
	    g_strerror(saved));
}

static int
is_ip_literal(const char *host)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

/* Load what we trust before dialling: a bad CA file is not the network's. */
static int
tls_trust(struct conn *c, char **cause)
{
	int	n;

	if ((n = gnutls_certificate_allocate_credentials(&c->creds)) < 0) {
		c->creds = NULL;
		return cause_set(cause, "cannot set up TLS: %s",
		    gnutls_strerror(n));
	}
	if (c->ca_file == NULL) {
		n = gnutls_certificate_set_x509_system_trust(c->creds);
		if (n < 0)
			return cause_set(cause, "cannot load the system's "
			    "trusted CA certificates: %s", gnutls_strerror(n));
		if (n == 0)
			return cause_set(cause, "the system trust store is "
			    "empty; install ca-certificates or set a CA file");
		return 0;
	}
	n = gnutls_certificate_set_x509_trust_file(c->creds, c->ca_file,
	    GNUTLS_X509_FMT_PEM);
	if (n < 0)
		return cause_set(cause, "cannot load CA certificates from "
		    "%s: %s", c->ca_file, gnutls_strerror(n));
	if (n == 0)
		return cause_set(cause, "no CA certificates in %s", c->ca_file);
	return 0;
}

static int
tls_session(struct conn *c, char **cause)
{
	int	r;

	/* GNUTLS_NO_SIGNAL: a peer gone away is an error, not a SIGPIPE. */
	r = gnutls_init(&c->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL);
	if (r < 0) {
		c->session = NULL;
		return cause_set(cause, "cannot start TLS with %s: %s",
		    c->name, gnutls_strerror(r));
	}
	if ((r = gnutls_set_default_priority(c->session)) < 0 ||
	    (r = gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE,
	    c->creds)) < 0)
		return cause_set(cause, "cannot set up TLS with %s: %s",
		    c->name, gnutls_strerror(r));
	/* SNI carries host names only (RFC 6066, section 3). */
	if (!is_ip_literal(c->host) && (r = gnutls_server_name_set(c->session,
	    GNUTLS_NAME_DNS, c->host, strlen(c->host))) < 0)
		return cause_set(cause, "cannot set up TLS with %s: %s",
		    c->name, gnutls_strerror(r));
	/*
	 * The handshake then fails unless the chain, the name and the key
	 * purpose all check out: a certificate a CA issued for TLS clients
	 * only (its extended key usage) is no server's.
	 */
	c->vdata[0] = (gnutls_typed_vdata_st){ .type = GNUTLS_DT_DNS_HOSTNAME,
	    .data = (unsigned char *)c->host };
	c->vdata[1] = (gnutls_typed_vdata_st){
	    .type = GNUTLS_DT_KEY_PURPOSE_OID,
	    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER };
	gnutls_session_set_verify_cert2(c->session, c->vdata,
	    G_N_ELEMENTS(c->vdata), 0);
	gnutls_handshake_set_timeout(c->session,
	    (unsigned int)c->timeout * 1000U);
	gnutls_transport_set_int(c->session, c->fd);
	return 0;
}

/*
 * Wait until the socket suits what GnuTLS is doing; records it has already
 * decrypted would never wake poll(), so they count as ready.
 */
static int
tls_wait(struct conn *c, char **cause)
{
	if (gnutls_record_check_pending(c->session) > 0)
		return 0;
	return io_wait(c, gnutls_record_get_direction(c->session) ?
	    POLLOUT : POLLIN, cause);
}

static int
tls_self_signed(struct conn *c)
{
	const gnutls_datum_t	*chain;
	gnutls_x509_crt_t	 crt;
	unsigned int		 n;
	int			 self;

	chain = gnutls_certificate_get_peers(c->session, &n);
	if (chain == NULL || n != 1 || gnutls_x509_crt_init(&crt) < 0)
		return 0;
	self = gnutls_x509_crt_import(crt, &chain[0],
	    GNUTLS_X509_FMT_DER) == 0 && gnutls_x509_crt_check_issuer(crt, crt);
	gnutls_x509_crt_deinit(crt);
	return self;
}

static void
tls_untrusted(struct conn *c, GString *why)
{
	if (tls_self_signed(c))
		g_string_append(why, "; it is self-signed");
	else if (c->ca_file != NULL)
		g_string_append_printf(why, "; it is not signed by a CA in %s",
		    c->ca_file);
	else
		g_string_append(why, "; it is not signed by a CA in the "
		    "system trust store (or the server leaves out an "
		    "intermediate certificate)");
}

static int
tls_refusal(struct conn *c, char **cause)
{
	GString		*why;
	gnutls_datum_t	 text;
	unsigned int	 status;
	size_t		 i;

	status = gnutls_session_get_verify_cert_status(c->session);
	why = g_string_new(NULL);
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		tls_untrusted(c, why);
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		g_string_append_printf(why, "; it does not match host name "
		    "'%s'", c->host);
	for (i = 0; i < G_N_ELEMENTS(tls_refusals); i++) {
		if (status & tls_refusals[i].flag)
			g_string_append_printf(why, "; %s", tls_refusals[i].why);
	}
	if (why->len == 0 && gnutls_certificate_verification_status_print(
	    status, GNUTLS_CRT_X509, &text, 0) == 0) {
		g_string_append_printf(why, "; %s", text.data);
		gnutls_free(text.data);
	}
	cause_set(cause, "TLS certificate of %s refused: %s", c->name,
	    why->len != 0 ? why->str + 2 : "reason unknown");
	g_string_free(why, TRUE);
	return -1;
}

/* The network, not the peer's TLS setup, broke the handshake. */
static int
tls_temporary(int r)
{
	return r == GNUTLS_E_PUSH_ERROR || r == GNUTLS_E_PULL_ERROR ||
	    r == GNUTLS_E_PREMATURE_TERMINATION || r == GNUTLS_E_TIMEDOUT;
}

static int
tls_handshake(struct conn *c, char **cause, int *temporary)
{
	int	r;

	do {
		r = gnutls_handshake(c->session);
		if (r == GNUTLS_E_AGAIN && tls_wait(c, cause) == -1) {
			*temporary = 1;
			return -1;
		}
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
		return tls_refusal(c, cause);
	if (r < 0) {
		*temporary = tls_temporary(r);
		return cause_set(cause, "TLS handshake with %s failed: %s",
		    c->name, gnutls_strerror(r));
	}
	c->tls = 1;
	return 0;
}

static int
tls_start(struct conn *c, char **cause, int *temporary)
{
	*temporary = 0;
	if (c->creds == NULL && tls_trust(c, cause) == -1)
		return -1;
	if (tls_session(c, cause) == -1)
		return -1;
	return tls_handshake(c, cause, temporary);
}

struct conn *
conn_open(const char *host, int port, int tls, const char *ca_file,
    int timeout, char **cause, int *temporary)
{
	struct conn	*c;
	int		 ignored;

	if (temporary == NULL)
		temporary = &ignored;
	*temporary = 0;
	if (host == NULL || *host == '\0' || port <= 0 || port > 65535) {
		cause_set(cause, "invalid server address %s:%d",
		    host != NULL ? host : "(null)", port);
		return NULL;
	}
	c = g_new0(struct conn, 1);
	c->fd = -1;
	c->timeout = timeout > 0 ? timeout : CONN_TIMEOUT;
	c->host = g_strdup(host);
	c->name = g_strdup_printf(strchr(host, ':') != NULL ? "[%s]:%d" :
	    "%s:%d", host, port);
	c->ca_file = g_strdup(ca_file);
	if ((tls && tls_trust(c, cause) == -1) ||
	    tcp_connect(c, port, cause, temporary) == -1 ||
	    (tls && tls_start(c, cause, temporary) == -1)) {
		conn_close(c);
		return NULL;
	}
	return c;
}

int
conn_starttls(struct conn *c, char **cause, int *temporary)
{
	int	temp = 0;

	if (temporary != NULL)
		*temporary = 0;
	if (c->fd == -1)
		return cause_set(cause, "connection to %s is closed", c->name);
	if (c->session != NULL)
		return cause_set(cause, "TLS with %s already started", c->name);
	if (tls_start(c, cause, &temp) == 0)
		return 0;
	if (temporary != NULL)
		*temporary = temp;
	/* Never let a caller carry on in plaintext by mistake. */
	close(c->fd);
	c->fd = -1;
	return -1;
}

int
conn_is_tls(struct conn *c)
{
	return c->tls;
}

static ssize_t
plain_read(struct conn *c, void *buf, size_t len, char **cause)
{
	ssize_t	n;

	for (;;) {
		if ((n = recv(c->fd, buf, len, 0)) >= 0)
			return n;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (io_wait(c, POLLIN, cause) == -1)
				return -1;
		} else if (errno != EINTR)
			return cause_set(cause, "reading from %s: %s", c->name,
			    g_strerror(errno));
	}
}

static ssize_t
tls_read(struct conn *c, void *buf, size_t len, char **cause)
{
	ssize_t	n;

	for (;;) {
		if ((n = gnutls_record_recv(c->session, buf, len)) >= 0)
			return n;
		switch (n) {
		case GNUTLS_E_AGAIN:
			if (tls_wait(c, cause) == -1)
				return -1;
			break;
		case GNUTLS_E_INTERRUPTED:
		case GNUTLS_E_WARNING_ALERT_RECEIVED:
		case GNUTLS_E_REHANDSHAKE:	/* declining is allowed */
			break;
		case GNUTLS_E_PREMATURE_TERMINATION:
			return cause_set(cause, "%s closed the connection "
			    "without ending TLS; data may be cut short",
			    c->name);
		default:
			return cause_set(cause, "reading from %s: %s", c->name,
			    gnutls_strerror((int)n));
		}
	}
}

ssize_t
conn_read(struct conn *c, void *buf, size_t len, char **cause)
{
	c->timed_out = 0;
	if (c->fd == -1)
		return cause_set(cause, "connection to %s is closed", c->name);
	if (c->tls)
		return tls_read(c, buf, len, cause);
	return plain_read(c, buf, len, cause);
}

static ssize_t
plain_write(struct conn *c, const void *buf, size_t len, char **cause)
{
	ssize_t	n;

	for (;;) {
		if ((n = send(c->fd, buf, len, MSG_NOSIGNAL)) >= 0)
			return n;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (io_wait(c, POLLOUT, cause) == -1)
				return -1;
		} else if (errno != EINTR)
			return cause_set(cause, "writing to %s: %s", c->name,
			    g_strerror(errno));
	}
}

static ssize_t
tls_write(struct conn *c, const void *buf, size_t len, char **cause)
{
	ssize_t	n;

	for (;;) {
		/* After GNUTLS_E_AGAIN, GnuTLS wants the same buffer again. */
		if ((n = gnutls_record_send(c->session, buf, len)) >= 0)
			return n;
		if (n == GNUTLS_E_AGAIN) {
			if (tls_wait(c, cause) == -1)
				return -1;
		} else if (n != GNUTLS_E_INTERRUPTED)
			return cause_set(cause, "writing to %s: %s", c->name,
			    gnutls_strerror((int)n));
	}
}

int
conn_write(struct conn *c, const void *buf, size_t len, char **cause)
{
	const char	*p = buf;
	ssize_t		 n;

	c->timed_out = 0;
	if (c->fd == -1)
		return cause_set(cause, "connection to %s is closed", c->name);
	while (len > 0) {
		if (c->tls)
			n = tls_write(c, p, len, cause);
		else
			n = plain_write(c, p, len, cause);
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
conn_timed_out(struct conn *c)
{
	return c->timed_out;
}

int
conn_fd(struct conn *c)
{
	return c->fd;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	/* One try at close_notify: closing must not wait on the peer. */
	if (c->tls && c->fd != -1)
		gnutls_bye(c->session, GNUTLS_SHUT_WR);
	if (c->session != NULL)
		gnutls_deinit(c->session);
	if (c->creds != NULL)
		gnutls_certificate_free_credentials(c->creds);
	if (c->fd != -1)
		close(c->fd);
	g_free(c->host);
	g_free(c->name);
	g_free(c->ca_file);
	g_free(c);
}
