/*
 * outbox.h -- every mail mentormail sends: queued with the change that
 * caused it, then sent over SMTP in one session per run.
 *
 * Nothing lost, nothing sent twice (but for one window):
 *  1. outbox_queue() composes the mail and inserts it in the caller's
 *     transaction, with the state change that called for it: both are
 *     committed or neither, so a crash before the commit leaves the cause
 *     unhandled, and the next run handles it and queues the mail again.
 *  2. outbox_flush() sends what is due, one mail at a time.  Before the
 *     first byte of a mail goes out, the attempt is committed (counted,
 *     next try pushed back by the backoff).  The server's answer to the
 *     end of DATA is appended to the journal (outbox-journal.h) the moment
 *     it comes, with one write(2) into space reserved beforehand, and only
 *     then committed to the database: sent, refused (failed, kept for the
 *     coordinator) or deferred (queued, with the error).  An answer the
 *     database does not take, because the run is killed or the disk is
 *     full, is recorded from the journal by the next flush before it
 *     sends anything.  A crash before the end of DATA leaves a mail the
 *     server has thrown away (RFC 5321 keeps nothing from an unfinished
 *     DATA): it is sent at its next try.
 *  The window: from the moment the end of DATA leaves for the server until
 *  its answer is in the journal, a kill, a lost connection or an answer
 *  slower than the timeout leaves a mail the server may have accepted
 *  still queued; it is sent again at its next try (after its backoff, not
 *  at once), so the recipient may get it twice.  No protocol closes it:
 *  SMTP has no way to ask whether a mail arrived.  Its width is the
 *  server's own time to take the mail and answer (on loopback, the test
 *  server's 0.3 to 1 ms; a real server's fsync and filters, more) plus
 *  ours between reading the answer and the write, about 20 microseconds.
 *  (Without the journal it also held the database commit up to its first
 *  write, 150 to 400 microseconds, which could fail; the commit's fsync
 *  never counted, since SQLite recovers a commit whose fsync a kill
 *  interrupted.)  A run killed at a random moment of a long flush to the
 *  test server sends a mail twice about once in ten kills
 *  (tests/e2e/t-crash-outbox.sh measures it; the server's share grows
 *  with the server), and never when killed after the answer.
 *
 * The crash tests kill a run at MENTORMAIL_CRASH=before-send (attempt
 * committed, nothing sent) and after-send (the server answered, the answer
 * is in the journal, the database does not know yet): see crash.h.
 */
#ifndef MENTORMAIL_OUTBOX_H
#define MENTORMAIL_OUTBOX_H

#include <stdint.h>

#include <glib.h>

#include "compose.h"

struct config;
struct db;

/* A mail to send.  Strings are UTF-8; "may be NULL" where said. */
struct outmail {
	const char	*to_addr;
	const char	*to_name;	/* may be NULL */
	const char	*subject;
	const char	*body;
	const char	*html;		/* an HTML alternative; may be NULL */
	const char	*in_reply_to;	/* message-id answered; may be NULL */
	const char	*references;	/* its thread, space separated; may
					   be NULL */
	const char	*kind;		/* "receipt", "reminder", ...: for the
					   coordinator and dry-run file names */
	int64_t		 message;	/* the inbound message answered, or 0 */
	int64_t		 participant;	/* whom it is to, or 0 */
	int64_t		 match;		/* the match it is about, or 0 */
	GDateTime	*date;		/* the run's clock; NULL: clock_now() */
	enum compose_auto auto_submitted;
	const char *const *attachments;	/* NULL-terminated paths; may be NULL */
	const struct compose_file *files; /* made for it; may be NULL */
	size_t		 nfiles;
};

/* What one outbox_flush() did. */
struct outbox_counts {
	int	due;		/* mails due when it started */
	int	sent;		/* accepted (dry run: written) */
	int	deferred;	/* refused or cut off for now: tried later */
	int	failed;		/* refused for good, or queued too long */
};

/*
 * Compose `m` as from the program ([program] name and address, Date
 * m->date) and queue it, due at once.  Call inside the transaction of
 * the change that caused the mail.  Returns 0 and the new outbox id in *id
 * (when id is not NULL), or, with *cause set (caller frees):
 *	EX_DATAERR	m->to_addr cannot be written or sent to, or
 *	EX_NOINPUT	an attachment cannot be read or is too large: the
 *			mail is kept in the outbox as failed with the cause
 *			(for the coordinator), nothing will be sent, and
 *			the transaction can go on
 *	EX_IOERR	the database failed: roll the transaction back
 */
int	outbox_queue(struct db *, const struct config *,
	    const struct outmail *m, int64_t *id, char **cause);

/*
 * Send every mail due now, in one SMTP session, opened only if something
 * is due, after recording what the journal holds from an earlier flush.
 * Call outside any transaction: each result is committed as soon as the
 * server gives it.  Only one process flushes at a time: while another
 * holds the journal, this one sends nothing and returns 0.  A mail the
 * server refuses (5xx) is failed and the batch goes on; one it defers
 * (4xx) stays queued with its backoff.
 * When the session cannot be opened nothing is tried, and each due mail
 * keeps the cause as its last error (and fails, when queued too long).
 *
 * With `dry_run_dir` set, nothing is sent: each due mail is written to
 * DIR/NNN-KIND-TO.eml (NNN its outbox id; DIR is created) and marked sent,
 * so use a throw-away copy of the database.
 *
 * `counts` says what was done either way.  Returns 0 when every due mail
 * was dealt with (sent, failed or deferred), or, with *cause set, the
 * session's EX_* code (send-smtp.h: EX_TEMPFAIL, EX_NOPERM, EX_PROTOCOL,
 * EX_UNAVAILABLE, EX_OSERR), EX_CONFIG ([smtp] host or password missing),
 * EX_CANTCREAT (dry run: a file could not be written) or EX_IOERR (the
 * database or the journal failed; answers the database would not take are
 * kept in the journal, and *cause says so).

 */
int	outbox_flush(const struct config *, struct db *,
	    const char *dry_run_dir, struct outbox_counts *counts,
	    char **cause);

#endif
