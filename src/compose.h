/*
 * compose.h -- writing one outgoing message with GMime.  mime.c is the only
 * file that parses messages; this is the only one that builds them.
 *
 * No value given here can add a header or a recipient, whatever message it
 * was copied from.  Every header text (names, subject, file names) is first
 * decoded from RFC 2047 until nothing more decodes, then stripped of
 * control characters (CR, LF, NUL, TAB, DEL, C1, U+2028/9), which become
 * spaces; what still looks like an encoded-word has its "=?" broken; only
 * then does GMime encode it.  So neither the bytes written nor their RFC
 * 2047 decoding can hold a line break.  Addresses are not cleaned but
 * refused (see compose_address_valid()): a mended address would be
 * somebody else's.  Message-ids given for In-Reply-To and References that
 * are not printable ASCII with an '@' are left out.
 *
 * The message is 7-bit clean, with CRLF line ends, ready for SMTP DATA:
 * non-ASCII header text is RFC 2047-encoded in UTF-8, the text body is
 * text/plain; charset=utf-8 in quoted-printable when it is not plain short
 * ASCII lines, and attachments are base64 (text attachments
 * quoted-printable).
 *
 * GMime must have been initialised (mime_init()) first.
 */
#ifndef MENTORMAIL_COMPOSE_H
#define MENTORMAIL_COMPOSE_H

#include <stddef.h>

#include <glib.h>

/* Auto-Submitted (RFC 3834): every mail mentormail writes is automatic. */
enum compose_auto {
	COMPOSE_AUTO_REPLIED,	/* an answer to a person's message */
	COMPOSE_AUTO_GENERATED,	/* anything else: reminders, digests */
};

/* A larger attachment is refused rather than sent. */
#define COMPOSE_MAX_ATTACHMENT	(10 * 1024 * 1024)

/* References keeps the last this many message-ids of a thread. */
#define COMPOSE_MAX_REFERENCES	20

/* Header texts are cut (at a character boundary) to this many bytes. */
#define COMPOSE_MAX_TEXT	512

/* What to write.  Strings are UTF-8; those said "may be NULL" may be. */
/* A file made for the mail (an export), attached by its name's type. */
struct compose_file {
	const char	*name;		/* "stipends.csv" */
	const char	*data;
	size_t		 len;
};

struct compose {
	const char	*from_name;	/* the program's name; may be NULL */
	const char	*from_addr;	/* the program's address: the From, and
					   the domain of the Message-ID */
	const char	*to_name;	/* may be NULL */
	const char	*to_addr;
	const char	*subject;	/* may be NULL */
	const char	*body;		/* LF or CRLF line ends; may be NULL */
	const char	*html;		/* the same as HTML, sent beside it as
					   multipart/alternative; may be NULL */
	const char	*in_reply_to;	/* a message-id, with or without <>;
					   may be NULL */
	const char	*references;	/* message-ids separated by spaces,
					   oldest first; may be NULL */
	enum compose_auto auto_submitted;
	const char *const *attachments;	/* NULL-terminated file paths; may
					   be NULL */
	const struct compose_file *files; /* attached after them; may be
					   NULL */
	size_t		 nfiles;
	GDateTime	*date;		/* the Date header (our clock may be
					   simulated, so the caller's) */
};

/*
 * Write the message `c` describes.  On success return 0 and store the
 * bytes in *raw (NUL-terminated, *len bytes before the NUL) and the new
 * Message-ID, without angle brackets, in *message_id; the caller frees both
 * with g_free.  Return -1 with *cause set when an address is refused or an
 * attachment cannot be read or is too large; nothing is stored then.
 */
int	compose_message(const struct compose *c, char **raw, size_t *len,
	    char **message_id, char **cause);

/*
 * Whether `addr` is an address we write and send to: local@domain in
 * printable ASCII, at most 254 bytes, without white space, control
 * characters or any of <>()[],;:\" -- nothing that could end a header,
 * an SMTP command or an address list.  Returns 1 or 0.
 */
int	compose_address_valid(const char *addr);

#endif
