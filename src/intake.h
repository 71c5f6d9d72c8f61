/*
 * intake.h -- one pass over the program mailbox: fetch what is new, decode
 * it, record it, move it out of the way.
 *
 * Exactly once, nothing lost:
 *  1. Messages are fetched in batches in UID order with BODY.PEEK[].
 *  2. A batch is recorded, with the mailbox's last UID, in one transaction.
 *  3. Only after the commit are its messages marked \Seen and moved to the
 *     processed folder.
 * A crash before 2 leaves the batch new: the next run fetches it again.  A
 * crash between 2 and 3 leaves recorded messages in the mailbox: the next
 * run finds them at or below the last UID and only moves them.  A message
 * met again under another UID (a new UIDVALIDITY, a copy put back) is
 * recognised by its Message-ID and content hash and noted as a duplicate.
 */
#ifndef MENTORMAIL_INTAKE_H
#define MENTORMAIL_INTAKE_H

#include "state-message.h"

struct config;
struct db;
struct program;

/*
 * Messages recorded per transaction, then moved in one command: each
 * commit is an fsync and each move a round trip, so not too few; a failed
 * batch is fetched again whole, so not too many.
 */
#define INTAKE_BATCH	500

struct intake_options {
	/*
	 * Move nothing and tell stdout what is recorded: the caller gives a
	 * database that is a throwaway copy (db_open_copy).
	 */
	int		 dry_run;
	/*
	 * What each message recorded is handled with (process.h), and the
	 * run's clock; NULL: only record, at the clock's time.
	 */
	struct program	*prog;
};

/*
 * Run one pass.  Returns 0, or an EX_* code (as fetch-imap.h; EX_IOERR
 * for the database) with *cause set.  `counts` says what was done either
 * way.
 */
int	intake_run(const struct config *, struct db *,
	    const struct intake_options *, struct run_counts *counts,
	    char **cause);

/*
 * Fill what `r` says of the message from its decoding `msg` (NULL when it
 * could not be decoded, for `mime_cause`): sender, subject, text, and its
 * outcome, "decoded", "automatic" (mime.c's signs, or our own mail: the
 * program's address, +tag or not, as the sender or as the Reply-To an
 * answer would go to, or named in X-Loop) or "unparseable".  The strings stay msg's and mime_cause's.
 */
struct mime_msg;
void	intake_describe(const struct config *, struct message_record *r,
	    const struct mime_msg *msg, const char *mime_cause);

#endif
