/*
 * fetch-imap.h -- the program mailbox over IMAP (the only user of
 * libetpan's IMAP client).
 *
 * Every function that talks to the server returns 0 on success or an
 * EX_* code from <sysexits.h> classifying the failure, with *cause set
 * (caller frees):
 *
 *	EX_TEMPFAIL	the server is down, slow, or hung up (BYE, dropped
 *			connection, timeout): the next cron run retries
 *	EX_NOPERM	the server refused our login
 *	EX_PROTOCOL	TLS certificate refused, or the server spoke nonsense
 *	EX_UNAVAILABLE	the server said NO to something it should allow
 *			(a missing mailbox, a refused MOVE)
 *
 * After any failure the session is unusable: close it.  Nothing here ever
 * sets \Seen or deletes a message except fetch_imap_move().
 */
#ifndef MENTORMAIL_FETCH_IMAP_H
#define MENTORMAIL_FETCH_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "config.h"

struct fetch;

/* One message as fetched; the bytes belong to the fetcher. */
struct fetch_msg {
	uint32_t	 uid;
	uint32_t	 size;		/* RFC822.SIZE */
	const char	*internaldate;	/* ISO 8601 UTC */
	const char	*raw;		/* exactly as the server has it */
	size_t		 len;
};

/* Called for each message, in ascending UID order; non-zero stops. */
typedef int (*fetch_msg_fn)(const struct fetch_msg *, void *arg);

/*
 * Connect (TLS or STARTTLS as configured, certificate verified), log in,
 * and select `cfg->mailbox`, making sure `cfg->processed` exists.
 */
int	fetch_imap_open(const struct config *cfg, const char *password,
	    struct fetch **out, char **cause);

/* Log out politely when possible, then free.  NULL is fine. */
void	fetch_imap_close(struct fetch *);

/* The selected mailbox's UIDVALIDITY. */
uint32_t fetch_imap_uidvalidity(struct fetch *);

/*
 * The UIDs in the mailbox greater than `after` (new mail), or at most
 * `upto` (mail already recorded but not yet moved), ascending, in a new
 * GArray of uint32_t (caller frees with g_array_unref).
 */
int	fetch_imap_uids_after(struct fetch *, uint32_t after, GArray **out,
	    char **cause);
int	fetch_imap_uids_upto(struct fetch *, uint32_t upto, GArray **out,
	    char **cause);

/*
 * Fetch the `n` messages at `uids` with BODY.PEEK[] (so nothing becomes
 * \Seen) and call `fn` for each, ascending.  Bodies are fetched in rounds
 * of at most FETCH_ROUND_BYTES (a larger message alone), so memory does not
 * grow with the mailbox.  A UID that no longer exists is skipped.  If `fn`
 * returns non-zero, stop and return that value.
 */
#define FETCH_ROUND_BYTES	(8 * 1024 * 1024)
int	fetch_imap_messages(struct fetch *, const uint32_t *uids, size_t n,
	    fetch_msg_fn fn, void *arg, char **cause);

/*
 * Mark the `n` messages \Seen and move them to the processed folder: MOVE
 * when the server has it, else COPY, \Deleted and UID EXPUNGE (UIDPLUS), else
 * COPY, \Deleted and EXPUNGE.
 */
int	fetch_imap_move(struct fetch *, const uint32_t *uids, size_t n,
	    char **cause);

/*
 * Which of `n` Message-IDs (without brackets; NULL entries are skipped)
 * already have a copy in the processed folder: found[i] is set to 1 for
 * those, else 0.  A MOVE cut short by a server crash can leave a copy
 * there while the original is still in the mailbox.  The mailbox is
 * selected again afterwards; if its UIDVALIDITY changed meanwhile, the
 * result is EX_TEMPFAIL.
 */
int	fetch_imap_in_processed(struct fetch *, const char *const *msgids,
	    size_t n, int *found, char **cause);

/* Flag the `n` messages \Deleted and expunge them, without copying. */
int	fetch_imap_delete(struct fetch *, const uint32_t *uids, size_t n,
	    char **cause);

#endif
