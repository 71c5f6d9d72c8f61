/*
 * token.h -- the tokens that let a coordinator answer mentormail's mail
 * with commands, and the mail to coordinators that carries them.
 *
 * Anyone can write "From: coordinator@...".  So every mail mentormail
 * sends a coordinator (the proposals, the daily digest, each transcript
 * of commands, each notice) carries a fresh token, written in it as
 * "[mm:" and 32 hex digits "]": 128 random bits.  A reply that carries it
 * back, from the address it was sent to, shows its writer read that mail.
 * A token works once, and only until it expires ([coordinator]
 * token_days after it was issued).  kind-command.c takes a token or the
 * receiving server's word (auth.h) as the proof.
 *
 * Functions return 0 (or the value said) and -1 with *cause set on a
 * database error; none begins or ends a transaction.
 */
#ifndef MENTORMAIL_TOKEN_H
#define MENTORMAIL_TOKEN_H

#include <stdint.h>

#include <glib.h>

struct compose_file;

struct config;
struct db;
struct replies;
struct tvars;

/* How a token is written in mail: TOKEN_MARK, TOKEN_HEX hex digits, "]". */
#define TOKEN_MARK	"[mm:"
#define TOKEN_HEX	32
/* A message carrying more tokens than this has the rest ignored. */
#define TOKEN_MAX_FOUND	8

/*
 * A new token for a mail of `kind` to `to`, issued at `now` and good for
 * [coordinator] token_days: a new string "[mm:...]" (caller frees), or
 * NULL with *cause set.  Bind it to its mail with token_bind once the mail
 * is queued.
 */
char	*token_issue(struct db *, const struct config *, const char *kind,
	    const char *to, GDateTime *now, char **cause);
int	token_bind(struct db *, const char *token, int64_t outbox,
	    char **cause);

/*
 * The tokens written in `subject` and `text` (either may be NULL), each
 * once, at most TOKEN_MAX_FOUND, as "[mm:...]" strings in a new array
 * (caller unrefs).
 */
GPtrArray *token_find(const char *subject, const char *text);

/*
 * Use the first of `found` that is good for a message from `from` at
 * `now`: sent to that address, unused, not expired.  Returns 1 when one
 * was used, marked as used by `message`, with *how saying which ("the
 * token of the proposals mail of 2026-03-14T15:00:00Z"); 0 when none is
 * good, with *why saying what was wrong with the first (or that there
 * were none); -1 with *cause set on a database error.  *how and *why:
 * caller frees.
 */
int	token_use(struct db *, GPtrArray *found, const char *from,
	    GDateTime *now, int64_t message, char **how, char **why,
	    char **cause);

/* A mail to the coordinators, each copy with a token of its own. */
struct token_mail {
	const char	*kind;		/* the template, and the outbox kind */
	const char	*to;		/* a coordinator; NULL: each of them */
	struct tvars	*vars;		/* `token` and `token_expires` are set
					   here for each copy */
	const char	*in_reply_to;	/* the message answered; may be NULL */
	const char	*references;	/* its thread; may be NULL */
	int64_t		 message;	/* the message answered, or 0 */
	const char	*html_kind;	/* a template for an HTML alternative
					   of the same vars; may be NULL */
	int64_t		*first;		/* gets the first copy's outbox id;
					   may be NULL */
	const struct compose_file *files; /* attached to each copy; may be
					   NULL */
	size_t		 nfiles;
};

/*
 * Render template m->kind and queue it to m->to, or to each configured
 * coordinator, each copy with a fresh token (its schema must have `token`
 * and `token_expires`), dated `now`.  The one call the proposals mail, the
 * digest and the notices make.  Returns 0, or -1 with *cause set (the
 * caller rolls back: nothing half-queued stays).
 */
int	token_mail_queue(struct db *, const struct config *,
	    const struct replies *, GDateTime *now, const struct token_mail *m,
	    char **cause);

#endif
