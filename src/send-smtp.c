/*
 * send-smtp.c -- sending mail with libetpan's SMTP client, over our own
 * verified connection (conn.c, etpan-stream.c).
 *
 * What libetpan does that shapes this file:
 *  - Its error codes lump replies together (450 and 550 to RCPT are both
 *    MAILSMTP_ERROR_MAILBOX_UNAVAILABLE), so failures are judged by the
 *    reply code itself, copied after each command by etpan_reply().
 *  - When a command could not even be sent, the session still holds the
 *    previous reply: a stream error means "no reply", whatever it says.
 *  - A hang-up reads as a reply with code 0.
 *  - mailsmtp_connect() closes the stream itself when the greeting fails.
 *  - mailsmtp_data_message() escapes dots and ends the data with
 *    "\r\n.\r\n", so a message ending in CRLF would gain a blank line:
 *    that CRLF is left to libetpan.
 *  - Its AUTH goes through Cyrus SASL, whose PLAIN and LOGIN plug-ins are a
 *    separate package; AUTH PLAIN and LOGIN are two lines each, so they are
 *    done here, over the session's stream, with its own line reader.
 *  - Commands are built in 513-byte buffers and silently cut: addresses
 *    are checked (compose_address_valid(), at most 254 bytes) first.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "compose.h"
#include "config.h"
#include "conn.h"
#include "etpan-stream.h"
#include "log.h"
#include "send-smtp.h"

struct send {
	mailsmtp	*smtp;
	char		*server;	/* "host:port", for messages */
	char		*from;		/* the envelope sender */
	int		 code;		/* the last reply's code; 0: none */
	GString		*reply;		/* its text, lines joined by spaces */
	MMAPString	*line;		/* for the replies read here */
	int		 lost;		/* no QUIT: the session is broken */
	int		 dirty;		/* a transaction may be open: RSET */
	struct etpan_failure failure;	/* why the stream failed */
};

/*
 * Keep a reply: its code, and its text without codes, which goes into our
 * logs and database, so as valid UTF-8 without control characters.
 */
static void
reply_keep(struct send *s, int code, const char *text)
{
	char	*clean, *p;

	s->code = code;
	clean = g_utf8_make_valid(text != NULL ? text : "", -1);
	for (p = clean; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	}
	g_string_assign(s->reply, g_strstrip(clean));
	g_free(clean);
}

/* The reply code to the command libetpan just ran (its result `r`). */
static int
etpan_reply(struct send *s, int r)
{
	if (r == MAILSMTP_ERROR_MEMORY)
		fatal("SMTP %s: out of memory", s->server);
	if (r == MAILSMTP_ERROR_STREAM)
		reply_keep(s, 0, NULL);
	else
		reply_keep(s, s->smtp->response_code, s->smtp->response);
	return s->code;
}

/* "550 what the server said", for a cause.  Caller frees. */
static char *
reply_text(struct send *s)
{
	if (s->reply->len == 0)
		return g_strdup_printf("%d", s->code);
	return g_strdup_printf("%d %s", s->code, s->reply->str);
}

/* The stream failed during `what`: timed out, or the line broke. */
static int
session_lost(struct send *s, const char *what, char **cause)
{
	const char	*why = s->failure.why;

	s->lost = 1;
	if (why != NULL && s->failure.timed_out)
		cause_set(cause, "SMTP %s: %s during %s", s->server, why, what);
	else
		cause_set(cause, "SMTP %s: connection lost during %s%s%s",
		    s->server, what, why != NULL ? ": " : "",
		    why != NULL ? why : "");
	return EX_TEMPFAIL;
}

/*
 * The session cannot go on after the reply to `what`: 4xx is temporary,
 * 5xx is `permanent`, anything else makes no sense here.
 */
static int
session_refused(struct send *s, const char *what, int permanent,
    char **cause)
{
	char	*said;

	if (s->code == 0)
		return session_lost(s, what, cause);
	said = reply_text(s);
	cause_set(cause, "SMTP %s: %s refused: %s", s->server, what, said);
	g_free(said);
	s->lost = 1;
	if (s->code / 100 == 4)
		return EX_TEMPFAIL;
	return s->code / 100 == 5 ? permanent : EX_PROTOCOL;
}

/*
 * The reply to `what` for one mail was not the one hoped for.  4xx and 5xx
 * concern this mail alone, except 421 (the server is closing) and 530 (it
 * wants AUTH: every mail would be refused).
 */
static int
mail_refused(struct send *s, const char *what, const char *to, char **cause)
{
	char	*said;

	if (s->code == 0 || s->code == 421)
		return session_refused(s, what, EX_UNAVAILABLE, cause);
	if (s->code == 530)
		return session_refused(s, what, EX_NOPERM, cause);
	said = reply_text(s);
	cause_set(cause, "SMTP %s: %s for <%s> refused: %s", s->server, what,
	    to, said);
	g_free(said);
	s->dirty = 1;
	if (s->code / 100 == 4)
		return SEND_SMTP_DEFERRED;
	if (s->code / 100 == 5)
		return SEND_SMTP_REFUSED;
	s->lost = 1;
	return EX_PROTOCOL;
}

static int
send_connect(struct send *s, const struct server_config *sc, char **cause)
{
	struct conn	*conn;
	mailstream	*stream;
	int		 temporary = 1, r;

	conn = conn_open(sc->host, sc->port, sc->security == SECURITY_TLS,
	    sc->ca_file, sc->timeout > 0 ? sc->timeout : SEND_SMTP_TIMEOUT,
	    cause, &temporary);
	if (conn == NULL) {
		s->lost = 1;
		return temporary ? EX_TEMPFAIL : EX_PROTOCOL;
	}
	if ((stream = etpan_stream_new(conn, &s->failure)) == NULL)
		fatal("SMTP %s: out of memory", s->server);
	/* On failure libetpan has closed the stream already. */
	r = mailsmtp_connect(s->smtp, stream);
	if (etpan_reply(s, r) != 220)
		return session_refused(s, "greeting", EX_UNAVAILABLE, cause);
	return 0;
}

/* EHLO, or HELO for a server that does not know EHLO. */
static int
send_hello(struct send *s, char **cause)
{
	int	r;

	r = mailesmtp_ehlo(s->smtp);
	if (r == MAILSMTP_ERROR_HOSTNAME) {
		s->lost = 1;
		cause_set(cause, "SMTP %s: cannot find this machine's host "
		    "name for EHLO", s->server);
		return EX_OSERR;
	}
	if (etpan_reply(s, r) == 250)
		return 0;
	if (s->code / 100 != 5)
		return session_refused(s, "EHLO", EX_UNAVAILABLE, cause);
	if (etpan_reply(s, mailsmtp_helo(s->smtp)) == 250)
		return 0;
	return session_refused(s, "EHLO and HELO", EX_UNAVAILABLE, cause);
}

static int
send_starttls(struct send *s, char **cause)
{
	int	r, temporary;

	if (!(s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		s->lost = 1;
		cause_set(cause, "SMTP %s: the server does not offer STARTTLS "
		    "(security = starttls)", s->server);
		return EX_PROTOCOL;
	}
	r = mailesmtp_starttls(s->smtp);
	if (etpan_reply(s, r) != 220)
		return session_refused(s, "STARTTLS", EX_PROTOCOL, cause);
	if (etpan_stream_starttls(s->smtp->stream, cause, &temporary) != 0) {
		s->lost = 1;
		return temporary ? EX_TEMPFAIL : EX_PROTOCOL;
	}
	/* RFC 3207: forget what was said in plain text, and ask again. */
	return send_hello(s, cause);
}

/* Whether `line` is a reply line: three digits, then ' ', '-' or nothing. */
static int
reply_line(const char *line)
{
	return g_ascii_isdigit(line[0]) && g_ascii_isdigit(line[1]) &&
	    g_ascii_isdigit(line[2]) &&
	    (line[3] == ' ' || line[3] == '-' || line[3] == '\0');
}

/* Read one (multi-line) reply for a command sent here.  Returns its code. */
static int
reply_read(struct send *s)
{
	GString	*text = g_string_new(NULL);
	char	*line;
	int	 code = 0;

	do {
		line = mailstream_read_line_remove_eol(s->smtp->stream,
		    s->line);
		if (line == NULL || !reply_line(line)) {
			code = 0;
			break;
		}
		code = atoi(line);
		g_string_append_printf(text, "%s ", line[3] != '\0' ?
		    line + 4 : "");
	} while (line[3] == '-');
	reply_keep(s, code, text->str);
	g_string_free(text, TRUE);
	return code;
}

/* Send `line` (which may hold a secret: it is wiped) and read the reply. */
static int
command_secret(struct send *s, char *line)
{
	mailstream	*stream = s->smtp->stream;
	int		 failed;

	failed = mailstream_write(stream, line, strlen(line)) == -1 ||
	    mailstream_write(stream, "\r\n", 2) == -1 ||
	    mailstream_flush(stream) == -1;
	explicit_bzero(line, strlen(line));
	if (failed) {
		reply_keep(s, 0, NULL);
		return 0;
	}
	return reply_read(s);
}

/* The base64 of `len` bytes, as a line to send: "prefix" + base64. */
static char *
base64_line(const char *prefix, const char *data, size_t len)
{
	char	*b64, *line;

	b64 = g_base64_encode((const guchar *)data, len);
	line = g_strconcat(prefix, b64, NULL);
	explicit_bzero(b64, strlen(b64));
	g_free(b64);
	return line;
}

/* RFC 4616: the initial response is NUL, user, NUL, password. */
static int
auth_plain(struct send *s, const char *user, const char *password)
{
	char	*blob, *line;
	size_t	 ulen = strlen(user), plen = strlen(password);
	int	 code;

	blob = g_malloc0(ulen + plen + 2);
	memcpy(blob + 1, user, ulen);
	memcpy(blob + ulen + 2, password, plen);
	line = base64_line("AUTH PLAIN ", blob, ulen + plen + 2);
	explicit_bzero(blob, ulen + plen + 2);
	g_free(blob);
	code = command_secret(s, line);
	g_free(line);
	return code;
}

/* AUTH LOGIN: the user and the password, each after a 334 prompt. */
static int
auth_login(struct send *s, const char *user, const char *password)
{
	char	 start[] = "AUTH LOGIN";
	char	*line;
	int	 code;

	if ((code = command_secret(s, start)) != 334)
		return code;
	line = base64_line("", user, strlen(user));
	code = command_secret(s, line);
	g_free(line);
	if (code != 334)
		return code;
	line = base64_line("", password, strlen(password));
	code = command_secret(s, line);
	g_free(line);
	return code;
}

static int
send_auth(struct send *s, const char *user, const char *password,
    char **cause)
{
	int	mechs = s->smtp->esmtp != 0 ? s->smtp->auth : 0;

	if (!(mechs & (MAILSMTP_AUTH_PLAIN | MAILSMTP_AUTH_LOGIN))) {
		s->lost = 1;
		cause_set(cause, "SMTP %s: the server offers neither AUTH "
		    "PLAIN nor AUTH LOGIN, and [smtp] username is set",
		    s->server);
		return EX_NOPERM;
	}
	if (mechs & MAILSMTP_AUTH_PLAIN)
		auth_plain(s, user, password);
	else
		auth_login(s, user, password);
	if (s->code == 235)
		return 0;
	return session_refused(s, "AUTH", EX_NOPERM, cause);
}

static struct send *
send_new(const struct config *cfg)
{
	struct send	*s = g_new0(struct send, 1);

	s->server = g_strdup_printf(strchr(cfg->smtp.host, ':') != NULL ?
	    "[%s]:%d" : "%s:%d", cfg->smtp.host, cfg->smtp.port);
	s->from = g_strdup(cfg->address);
	s->reply = g_string_new(NULL);
	s->line = mmap_string_new("");
	s->smtp = mailsmtp_new(0, NULL);
	if (s->line == NULL || s->smtp == NULL)
		fatal("SMTP %s: out of memory", s->server);
	return s;
}

int
send_smtp_open(const struct config *cfg, const char *password,
    struct send **out, char **cause)
{
	const struct server_config	*sc = &cfg->smtp;
	struct send			*s;
	int				 error;

	*out = NULL;
	if (sc->host == NULL) {
		cause_set(cause, "mail is waiting but [smtp] host is not set");
		return EX_CONFIG;
	}
	s = send_new(cfg);
	error = send_connect(s, sc, cause);
	if (error == 0)
		error = send_hello(s, cause);
	if (error == 0 && sc->security == SECURITY_STARTTLS)
		error = send_starttls(s, cause);
	if (error == 0 && sc->username != NULL)
		error = send_auth(s, sc->username, password, cause);
	if (error != 0) {
		send_smtp_close(s);
		return error;
	}
	*out = s;
	return 0;
}

/* Leave a transaction a refusal left open. */
static int
send_reset(struct send *s, char **cause)
{
	if (etpan_reply(s, mailsmtp_reset(s->smtp)) / 100 != 2)
		return session_refused(s, "RSET", EX_PROTOCOL, cause);
	s->dirty = 0;
	return 0;
}

/*
 * MAIL FROM, with SIZE when offered.  Only the size can make it refuse one
 * mail and not the next; any other 5xx refuses our sender, so every mail.
 */
static int
send_mail_from(struct send *s, const char *to, size_t len, char **cause)
{
	int	r;

	r = mailesmtp_mail_size(s->smtp, s->from, 0, NULL, len);
	if (etpan_reply(s, r) / 100 == 2)
		return 0;
	if (s->code / 100 == 5 && s->code != 552 && s->code != 530)
		return session_refused(s, "MAIL FROM", EX_UNAVAILABLE, cause);
	return mail_refused(s, "MAIL FROM", to, cause);
}

static int
send_data(struct send *s, const char *to, const char *raw, size_t len,
    char **cause)
{
	int	r;

	if (etpan_reply(s, mailsmtp_data(s->smtp)) != 354)
		return mail_refused(s, "DATA", to, cause);
	/* libetpan adds "\r\n.\r\n" itself. */
	if (len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n')
		len -= 2;
	r = mailsmtp_data_message(s->smtp, raw, len);
	if (etpan_reply(s, r) / 100 == 2)
		return 0;
	if (s->code == 0) {
		s->lost = 1;
		cause_set(cause, "SMTP %s: %s after the end of the mail to "
		    "<%s>: the server may have accepted it, and it will be "
		    "sent again", s->server, s->failure.timed_out ?
		    "timed out waiting for an answer" : "connection lost", to);
		return EX_TEMPFAIL;
	}
	return mail_refused(s, "the end of DATA", to, cause);
}

int
send_smtp_mail(struct send *s, const char *to, const char *raw, size_t len,
    char **cause)
{
	char	*shown;
	int	 error;

	if (s->lost)
		return session_lost(s, "an earlier command", cause);
	if (!compose_address_valid(to)) {
		shown = g_strescape(to, NULL);
		cause_set(cause, "SMTP %s: \"%s\" is not an address mail can "
		    "be sent to", s->server, shown);
		g_free(shown);
		return SEND_SMTP_REFUSED;
	}
	if (s->dirty && (error = send_reset(s, cause)) != 0)
		return error;
	if ((error = send_mail_from(s, to, len, cause)) != 0)
		return error;
	if (etpan_reply(s, mailesmtp_rcpt(s->smtp, to, 0, NULL)) / 100 != 2)
		return mail_refused(s, "RCPT TO", to, cause);
	if ((error = send_data(s, to, raw, len, cause)) != 0)
		return error;
	log_debug("SMTP %s: mail to <%s> accepted: %s", s->server, to,
	    s->reply->str);
	return 0;
}

void
send_smtp_close(struct send *s)
{
	if (s == NULL)
		return;
	if (s->smtp != NULL) {
		/* mailsmtp_free() would say QUIT on a broken session too. */
		if (s->lost && s->smtp->stream != NULL) {
			mailstream_close(s->smtp->stream);
			s->smtp->stream = NULL;
		}
		mailsmtp_free(s->smtp);
	}
	if (s->line != NULL)
		mmap_string_free(s->line);
	g_string_free(s->reply, TRUE);
	etpan_failure_clear(&s->failure);
	g_free(s->server);
	g_free(s->from);
	g_free(s);
}
