/*
 * conn.h -- a TCP connection to a mail server, optionally under TLS
 * (the only user of GnuTLS).
 *
 * TLS fails closed: the server's certificate chain is verified against the
 * system trust store, or only against `ca_file` when one is given, its
 * name against the host we dialled, and its key purpose (the extended key
 * usage, when it has one) must include TLS server authentication.  A
 * self-signed, expired, untrusted, wrong-host or client-only certificate
 * ends the connection with a cause saying which.
 * Every read and write has a timeout, so a silent server cannot hang a
 * cron run.
 */
#ifndef MENTORMAIL_CONN_H
#define MENTORMAIL_CONN_H

#include <stddef.h>
#include <sys/types.h>

struct conn;

/* Seconds a connect, read or write may wait before it fails. */
#define CONN_TIMEOUT	60

/*
 * Connect to host:port over TCP (trying every address getaddrinfo gives).
 * When `tls` is non-zero, start TLS at once (IMAPS, SMTPS).  Returns NULL
 * with *cause set on failure; *temporary is set to 1 when trying again later
 * may help (refused, unreachable, timed out) and 0 when it will not
 * (certificate refused, bad host name).
 */
struct conn *conn_open(const char *host, int port, int tls,
	    const char *ca_file, int timeout, char **cause, int *temporary);

/*
 * Start TLS on a plain connection after the protocol's STARTTLS exchange;
 * verification as in conn_open.  Returns 0, or -1 with *cause set and
 * *temporary (when not NULL) set as conn_open does: 1 for a handshake the
 * network cut or timed out, 0 for a refused certificate.  The connection
 * is then unusable and must be closed.
 */
int	conn_starttls(struct conn *, char **cause, int *temporary);

/* Whether the connection is under TLS now. */
int	conn_is_tls(struct conn *);

/*
 * Read up to `len` bytes.  Returns the count, 0 at end of stream, or -1 on
 * error or timeout (with *cause set when cause is not NULL).
 */
ssize_t	conn_read(struct conn *, void *buf, size_t len, char **cause);

/* Write all `len` bytes.  Returns 0, or -1 on error or timeout. */
int	conn_write(struct conn *, const void *buf, size_t len, char **cause);

/*
 * Whether the last conn_read() or conn_write() failed because the server
 * said nothing (or took nothing) for the whole timeout, rather than
 * because the connection broke.
 */
int	conn_timed_out(struct conn *);

/* The socket, for poll(); -1 once closed. */
int	conn_fd(struct conn *);

/* Close (sending a TLS close_notify when possible) and free.  NULL is ok. */
void	conn_close(struct conn *);

#endif
