/*
 * send-smtp.h -- mail to the SMTP server (the only user of libetpan's SMTP
 * client), over our own verified connection (conn.c, etpan-stream.c).
 *
 * One session carries a whole batch: send_smtp_open(), send_smtp_mail()
 * for each mail, send_smtp_close().  The envelope sender of every mail is
 * the program's address, not the null sender: these are replies to people,
 * and a bounce should reach the coordinator.
 *
 * Failures of the session, from send_smtp_open() and send_smtp_mail(), are
 * EX_* codes from <sysexits.h>, with *cause set (caller frees); the
 * session is then finished, and only send_smtp_close() may follow:
 *
 *	EX_TEMPFAIL	the server is down, slow or hung up, or answered 4xx
 *			(421 at any time): the next run retries
 *	EX_NOPERM	AUTH refused, or not offered when [smtp] username is
 *			set, or the server wants AUTH that is not configured
 *	EX_PROTOCOL	TLS refused (certificate, no STARTTLS), or a reply
 *			that makes no sense
 *	EX_UNAVAILABLE	the server refused us with 5xx: its greeting, EHLO
 *			and HELO, or the program's address as sender
 *	EX_OSERR	this machine's host name, for EHLO, is unknown
 *
 * Failures of one mail, from send_smtp_mail(), are the two codes below,
 * outside the range of <sysexits.h>, with *cause set; the session goes on
 * and the next mail may be sent.
 */
#ifndef MENTORMAIL_SEND_SMTP_H
#define MENTORMAIL_SEND_SMTP_H

#include <stddef.h>

#include "config.h"

enum {
	SEND_SMTP_DEFERRED = 100,	/* 4xx to this mail: try it later */
	SEND_SMTP_REFUSED,		/* 5xx to this mail: never again */
};

/*
 * Seconds any one connect, read or write may wait, unless [smtp] timeout
 * says otherwise.  RFC 5321 asks a client to wait up to 10 minutes for the
 * reply to the end of DATA; we wait 5 for every reply, so that a hung
 * server holds a cron run for 5 minutes, not 10.  A server slower than
 * that to accept a mail is in the window where it may be sent twice
 * (outbox.h).  A wait that runs out says "timed out" in *cause.
 */
#define SEND_SMTP_TIMEOUT	300

struct send;

/*
 * Connect to [smtp] as configured (security = tls: TLS at once; starttls:
 * EHLO, STARTTLS, EHLO again; none: plain, which the configuration allows
 * only to a loopback host), say EHLO (HELO if the server does not know
 * it), and authenticate with `password` when [smtp] username is set: AUTH
 * PLAIN, else AUTH LOGIN, done here rather than through Cyrus SASL, whose
 * plug-ins may not be installed.  Returns 0 and the session in *out, or an
 * EX_* code as above.
 */
int	send_smtp_open(const struct config *cfg, const char *password,
	    struct send **out, char **cause);

/*
 * Send the `len` bytes at `raw` (a whole message, CRLF line ends; dots are
 * escaped here) to `to`: MAIL FROM, RCPT TO, DATA.  Returns 0 once the
 * server has accepted the mail, SEND_SMTP_DEFERRED or SEND_SMTP_REFUSED
 * when it refused this mail, or an EX_* code when the session failed.  The
 * server may have accepted the mail when EX_TEMPFAIL comes after the end of
 * DATA was sent; *cause says so.
 */
int	send_smtp_mail(struct send *, const char *to, const char *raw,
	    size_t len, char **cause);

/* QUIT when the session still works, then close and free.  NULL is fine. */
void	send_smtp_close(struct send *);

#endif
