/*
 * etpan-stream.h -- hands a struct conn to libetpan as a mailstream, so that
 * libetpan's IMAP and SMTP clients run over our verified TLS and timeouts
 * instead of libetpan's own unverified TLS.  Used only by fetch-imap.c and
 * send-smtp.c, the two files that speak libetpan's protocol APIs.
 *
 * Never call libetpan's own TLS upgrades (mailimap_socket_starttls,
 * mailsmtp_socket_starttls and the like) on such a stream: they would wrap
 * our socket in libetpan's unverified TLS.  Send the protocol's
 * STARTTLS command, then call etpan_stream_starttls().
 */
#ifndef MENTORMAIL_ETPAN_STREAM_H
#define MENTORMAIL_ETPAN_STREAM_H

#include <libetpan/libetpan.h>

#include "conn.h"

/*
 * Why a stream failed: libetpan reports only "stream error"; this says
 * which (a timeout, a reset, a TLS error).  The caller keeps it, so that it
 * outlives the stream: libetpan closes a stream itself when a greeting
 * fails.  Each failure replaces the last; free `why` with
 * etpan_failure_clear().
 */
struct etpan_failure {
	char	*why;		/* NULL while no read or write has failed */
	int	 timed_out;	/* the last failure was a timeout */
};

void	etpan_failure_clear(struct etpan_failure *);

/*
 * A mailstream reading and writing through `conn`, noting its failures in
 * `*failure` (which must outlive the stream; may be NULL).  The stream owns
 * the connection from now on: mailstream_close() closes and frees both.
 * Returns NULL only if libetpan cannot allocate; the caller then still
 * owns `conn`.
 */
mailstream *etpan_stream_new(struct conn *conn,
	    struct etpan_failure *failure);

/*
 * The connection under a stream made by etpan_stream_new(); NULL for any
 * other stream, or once the stream is closed.
 */
struct conn *etpan_stream_conn(mailstream *);

/*
 * Start TLS under the stream after the server accepted the protocol's
 * STARTTLS command; verification as in conn_open().  Fails if the server
 * sent anything after its reply, since those bytes came in plaintext but
 * would be read as if protected (STARTTLS response injection).  Returns 0,
 * or -1 with *cause set and *temporary (when not NULL) as conn_starttls
 * sets it (an injection is not temporary); the stream must then be
 * closed.
 */
int	etpan_stream_starttls(mailstream *, char **cause, int *temporary);

#endif
