/*
 * mime.h -- decoding an inbound message (the only user of GMime's parser).
 *
 * mime_parse() turns the raw bytes of one message into what the rest of
 * mentormail needs: a few decoded headers, the best readable text in UTF-8,
 * and whether the message was written by a machine rather than a person.
 * It never exits and never crashes on hostile input; limits on nesting
 * depth, part count and text size keep its work bounded.
 */
#ifndef MENTORMAIL_MIME_H
#define MENTORMAIL_MIME_H

#include <stddef.h>

/* Limits on the work done for one message. */
#define MIME_MAX_DEPTH	8		/* multipart / message nesting */
#define MIME_MAX_PARTS	200		/* leaf parts looked at */
#define MIME_MAX_TEXT	(1024 * 1024)	/* bytes of text kept */
#define MIME_MAX_AUTH_RESULTS	32	/* Authentication-Results kept */

struct mime_msg {
	/*
	 * Header values are UTF-8 (RFC 2047 decoded), with CR, LF and TAB
	 * folded to single spaces and trimmed; NULL when the header is absent
	 * or empty.  A header whose raw value holds a NUL or another control
	 * character is unclear: GMime would give only a part of it, so it
	 * gives nothing here, and `warning` says so.
	 */
	char	*message_id;	/* without the angle brackets */
	char	*in_reply_to;	/* first msg-id, without brackets */
	char	*references;	/* msg-ids, space separated, no brackets */
	char	*from_addr;	/* addr-spec of the first From, lowercased */
	char	*from_name;	/* its display name */
	char	*reply_to_addr;	/* addr-spec of the first Reply-To, lowered */
	char	*reply_to_name;	/* its display name */
	char	*subject;
	char	*date;		/* Date: as ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" */
	char	*date_local;	/* its day in the sender's zone, "YYYY-MM-DD" */
	/*
	 * The value of each Authentication-Results header (RFC 8601), in the
	 * order they stand, the topmost (the last one added) first; at most
	 * MIME_MAX_AUTH_RESULTS.  NULL-terminated; NULL when there is none.
	 */
	char	**auth_results;
	char	*x_loop;	/* every X-Loop value, lowercased, space
				   separated */

	/*
	 * Where an answer to a person goes: the Reply-To's address and name
	 * when it has an address, else the From's.  NULL when there is none,
	 * or when the Reply-To is unclear (answers were asked for elsewhere,
	 * and where cannot be read).  Mail that is automatic is never
	 * answered, so this is for people's mail only.
	 */
	char	*reply_addr;
	char	*reply_name;
	int	 reply_unclear;	/* the Reply-To is unclear */

	/*
	 * The best text: the text/plain alternative, else HTML turned into
	 * readable text; then, in order, the text of each text attachment and
	 * of each attached (forwarded) message, each after a separator line
	 * "----- attachment: NAME -----" or "----- forwarded message -----".
	 * UTF-8, LF line endings, at most MIME_MAX_TEXT bytes.  NULL when the
	 * message has no text at all.  A NUL or other control character (but
	 * TAB) shows as its control picture, U+2400 to U+2421 ("\u2400" for
	 * NUL), never dropped: the rules take an answer holding one as
	 * unclear rather than read what is left of it.
	 */
	char	*text;

	/*
	 * Why the message is automatic (RFC 3834 Auto-Submitted other than
	 * "no", a delivery or disposition report, Precedence bulk/list/junk,
	 * List-* headers, a null Return-Path, X-Auto-Response-Suppress, or a
	 * sender RFC 3834 section 2 names, in From or Reply-To: MAILER-DAEMON,
	 * postmaster, LISTSERV, majordomo, owner-*, *-request, *-owner,
	 * bounces and bounce-*, any with a +tag; and noreply, no-reply,
	 * donotreply and the like, unless a Reply-To says where answers go): a
	 * short phrase such as "Auto-Submitted: auto-replied".  NULL for mail
	 * from a person.  Our own address and X-Loop are the caller's to check
	 * (intake.c): only it knows the program's address.
	 */
	char	*auto_reason;

	/* Non-NULL when a limit was hit or a part could not be decoded. */
	char	*warning;
};

/* Initialise GMime once per process, before any mime_parse(). */
void	mime_init(void);
void	mime_shutdown(void);

/*
 * Parse `len` bytes at `raw`.  On success store a new mime_msg in *out
 * (caller frees with mime_msg_free) and return 0.  Return -1 with *cause set
 * (caller frees) when the bytes are not a message at all, e.g. empty input
 * or no header block; such a message is kept and reported as unparseable.
 */
int	mime_parse(const char *raw, size_t len, struct mime_msg **out,
	    char **cause);
void	mime_msg_free(struct mime_msg *);

/*
 * Turn HTML into readable UTF-8 text: block elements and <br> become line
 * breaks, list items get "- ", entities are decoded, script and style are
 * dropped, runs of blank lines are folded.  Caller frees.
 */
char	*html_to_text(const char *html, size_t len);

#endif
