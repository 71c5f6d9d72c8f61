/*
 * outbox-journal.h -- what the SMTP server answered, written down the
 * moment it answers, before the database hears of it.
 *
 * Recording an answer in the database takes a transaction (a hundred
 * microseconds or more before its first byte reaches the file) and can
 * fail (a full disk); a run killed or refused in between would send the
 * mail again.  So outbox_flush() first appends the answer to this journal,
 * a small file beside the database (DATABASE-outbox), with one write(2)
 * into space reserved when the flush began, and only then commits it to
 * the database.  A write that has returned survives the process being
 * killed, and the reserved space does not run out on a full disk.  The
 * next flush applies whatever the journal holds to the database before it
 * sends anything, then empties it.  Each line is
 *
 *	sent ID TIME
 *	deferred ID TIME WHY
 *	failed ID TIME WHY
 *
 * TIME as "YYYY-MM-DDTHH:MM:SSZ", WHY one line of UTF-8.  A line cut short
 * (a power cut in the middle of a write) is skipped.
 *
 * The journal also keeps flushes apart: outbox_journal_open() takes an
 * exclusive flock(2) on it, so that a `match approve` sending
 * introductions and a cron run never send the same mail side by side.
 *
 * Functions returning int return 0, or -1 with *cause set (caller frees).
 */
#ifndef MENTORMAIL_OUTBOX_JOURNAL_H
#define MENTORMAIL_OUTBOX_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* How a try of one mail ended. */
enum outbox_outcome {
	OUTBOX_SENT,		/* the server accepted it */
	OUTBOX_DEFERRED,	/* temporary failure: tried later */
	OUTBOX_FAILED,		/* refused for good */
};

/* Bytes reserved for each answer a flush may write. */
#define OUTBOX_JOURNAL_RECORD	1024

struct outbox_journal;

/* One answer read back.  Owns its strings. */
struct outbox_answer {
	enum outbox_outcome	 outcome;
	int64_t			 id;
	char			*at;	/* when the server answered */
	char			*why;	/* NULL for OUTBOX_SENT */
};

/*
 * Open (creating it 0600) the journal at `path` and lock it.  Returns 0
 * and the journal in *out, 1 when another process holds it (*out is then
 * NULL: that process is flushing), or -1.
 */
int	outbox_journal_open(const char *path, struct outbox_journal **out,
	    char **cause);

/* Unlock and close (what was written stays).  NULL is fine. */
void	outbox_journal_close(struct outbox_journal *);

/* The file's path, for messages. */
const char *outbox_journal_path(struct outbox_journal *);

/*
 * Reserve room for `n` more answers, so that writing them cannot fail for
 * want of space.  A file system that cannot reserve (no fallocate) is not
 * an error; a full one is.
 */
int	outbox_journal_reserve(struct outbox_journal *, size_t n,
	    char **cause);

/*
 * Append one answer for mail `id`, given at `at`; `why` (may be NULL) is
 * cut to a line of at most 300 characters.  One write(2).
 */
int	outbox_journal_write(struct outbox_journal *, int64_t id,
	    enum outbox_outcome, const char *at, const char *why,
	    char **cause);

/* Make what was written survive a power cut (fdatasync). */
int	outbox_journal_sync(struct outbox_journal *, char **cause);

/*
 * The answers in the journal, in the order written, in a new GPtrArray
 * of struct outbox_answer (caller unrefs; the array frees them).  Lines
 * that cannot be read are skipped; *skipped (when not NULL) counts them.
 */
int	outbox_journal_read(struct outbox_journal *, GPtrArray **out,
	    int *skipped, char **cause);

/* Forget every answer (and the reservation). */
int	outbox_journal_clear(struct outbox_journal *, char **cause);

#endif
