/*
 * state-outbox.h -- the outbox table: every mail mentormail writes, from
 * the moment it is queued until it is sent or given up.
 *
 * A mail is queued, then for each try: state_outbox_attempt() before the
 * first byte goes to the server, then one of state_outbox_mark_sent(),
 * state_outbox_mark_temporary() or state_outbox_mark_failed() once the
 * server has answered (outbox.c puts each in a transaction of its own).
 * Counting the attempt and pushing the next one back *before* sending
 * means a run that dies while sending, or whose database write after the
 * answer fails, leaves a mail that waits for its backoff rather than one
 * sent again at every run.
 *
 * Times are the clock's (clock.h), which may be simulated; they are kept
 * as "YYYY-MM-DDTHH:MM:SSZ" text, which sorts as time does.
 *
 * All functions return 0 (or the value described) on success and -1 with
 * *cause set on a database error.  None begins or ends a transaction.
 */
#ifndef MENTORMAIL_STATE_OUTBOX_H
#define MENTORMAIL_STATE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "state-message.h"

struct db;

/*
 * After the Nth failed attempt (N from 1) the next waits
 * OUTBOX_BACKOFF_FIRST * 2^(N-1) seconds, at most OUTBOX_BACKOFF_MAX:
 * 5 min, 10, 20, 40, 80, 160, 320, then every 6 h.  A mail still not sent
 * OUTBOX_EXPIRY after it was queued is failed at its next temporary
 * failure.
 */
#define OUTBOX_BACKOFF_FIRST	(5 * 60)
#define OUTBOX_BACKOFF_MAX	(6 * 60 * 60)
#define OUTBOX_EXPIRY		(5 * 24 * 60 * 60)

/* A mail to queue.  Strings are not NULL unless said otherwise. */
struct outbox_record {
	const char	*kind;		/* "receipt", "reminder", ... */
	int64_t		 message;	/* the inbound message it answers; 0 */
	int64_t		 participant;	/* whom it is to, or 0 */
	int64_t		 match;		/* the match it is about, or 0 */
	const char	*to_addr;
	const char	*message_id;	/* without angle brackets */
	const char	*raw;
	size_t		 len;
};

/* A queued mail read back.  Owns its strings: free with the function below. */
struct outbox_mail {
	int64_t		 id;
	char		*kind;
	char		*to_addr;
	char		*message_id;
	char		*raw;		/* NUL-terminated after len bytes */
	size_t		 len;
	int		 attempts;
	char		*created_at;
};

/* The seconds to wait after the `attempts`th failed attempt (>= 1). */
int64_t	state_outbox_backoff(int attempts);

/*
 * Queue `r`, due at once, at clock time `now`; its id goes to *id when id
 * is not NULL.  Call it inside the transaction of the change that caused
 * the mail, so that both are kept or neither.
 */
int	state_outbox_queue(struct db *, const struct outbox_record *r,
	    GDateTime *now, int64_t *id, char **cause);

/*
 * Keep `r`, which could not be composed, as failed with `error`, so the
 * coordinator sees it (r->raw may be empty).
 */
int	state_outbox_queue_failed(struct db *, const struct outbox_record *r,
	    GDateTime *now, const char *error, char **cause);

/* The Message-ID of mail `id`, a new string (caller frees), or NULL. */
char	*state_outbox_message_id(struct db *, int64_t id, char **cause);

/* Our mail a message replies to: what it was, to whom, about what. */
struct outbox_thread {
	int64_t	 outbox;	/* its id, 0 when the message is no reply to us */
	char	*kind;		/* "receipt", "introduction", ... */
	int64_t	 participant;	/* 0 when not known */
	int64_t	 match;		/* 0 when none */
};

/*
 * Find the newest of our mails among `ids` (Message-IDs without angle
 * brackets, the message's In-Reply-To first, then its References from the
 * newest), and fill *t (t->kind: caller frees).  When none of them is the
 * Message-ID of a mail of ours, our newest answer to a recorded message
 * among `ids` is taken instead (a reply's References name the message we
 * answered).  Returns 1, or 0 when neither finds one (*t all 0).
 */
int	state_outbox_thread(struct db *, char *const *ids,
	    struct outbox_thread *t, char **cause);

/*
 * When mail `id` was queued, "YYYY-MM-DDTHH:MM:SSZ": a new string (caller
 * frees), or NULL with *found set to 0 when there is no such mail (-1 and
 * *cause set on error).
 */
char	*state_outbox_created(struct db *, int64_t id, int *found,
	    char **cause);

/*
 * The ids of the mail due at `now` (queued, next attempt not after now),
 * oldest first, in a new GArray of int64_t (caller frees with
 * g_array_unref).
 */
int	state_outbox_due(struct db *, GDateTime *now, GArray **ids,
	    char **cause);

/*
 * Read mail `id` into a new *out (caller frees with state_outbox_free).
 * Returns 1, or 0 when there is no such mail (*out is then NULL).
 */
int	state_outbox_get(struct db *, int64_t id, struct outbox_mail **out,
	    char **cause);
void	state_outbox_free(struct outbox_mail *);

/*
 * An attempt to send mail `id` begins at `now`: count it, move the next
 * attempt back by the backoff, and say in last_error that the attempt may
 * have been cut short, which is true until one of the marks below says
 * otherwise.
 */
int	state_outbox_attempt(struct db *, int64_t id, GDateTime *now,
	    char **cause);

/* The server accepted mail `id` at `now`. */
int	state_outbox_mark_sent(struct db *, int64_t id, GDateTime *now,
	    char **cause);

/*
 * Mail `id` could not be sent this time, because of `error`: keep it
 * queued with that error (the attempt, if any, was counted and backed off
 * by state_outbox_attempt), unless it was queued more than OUTBOX_EXPIRY
 * before `now`: then it is failed, keeping the error.  Returns 0 when it
 * stays queued, 1 when it has expired.
 */
int	state_outbox_mark_temporary(struct db *, int64_t id, GDateTime *now,
	    const char *error, char **cause);

/* Mail `id` will never be sent (the server refused it): failed, `error`. */
int	state_outbox_mark_failed(struct db *, int64_t id, const char *error,
	    char **cause);

/*
 * How many mails were queued to `addr` (any status, the address compared
 * without regard to case) at or after `since`; for the per-sender limit on
 * automatic replies.  Returns the count (>= 0), or -1.
 */
int64_t	state_outbox_count_to(struct db *, const char *addr, GDateTime *since,
	    char **cause);

/* One mail as `mentormail outbox` lists it; strings may be NULL. */
struct outbox_entry {
	int64_t		 id;
	const char	*status;	/* queued, sent, failed */
	const char	*kind;
	const char	*to_addr;
	const char	*created_at;
	int		 attempts;
	const char	*next_attempt_at;
	const char	*last_error;
	const char	*sent_at;
	const char	*dropped_at;	/* set: dropped by the coordinator */
	int		 written;	/* 0: it could never be composed */
};

/* Called for each mail; the strings last until it returns. */
typedef void (*outbox_entry_fn)(const struct outbox_entry *, void *arg);

/*
 * Call `fn` for mail `id` (returns 1, or 0 when there is none) or, with
 * id 0, for every mail still queued or failed and not dropped, oldest
 * first (returns how many).
 */
int	state_outbox_list(struct db *, int64_t id, outbox_entry_fn fn,
	    void *arg, char **cause);

/*
 * Put mail `id` back in the queue, due at `now`, its tries counted
 * afresh from now (for OUTBOX_EXPIRY); a dropped mail is no longer
 * dropped.  Only a mail not sent, and written (the outbox holds its
 * bytes), is requeued: returns 1 when it was, 0 when not.
 */
int	state_outbox_requeue(struct db *, int64_t id, GDateTime *now,
	    char **cause);

/*
 * Drop mail `id` at `now`: it is never sent, and no longer counted or
 * shown as failed.  Returns 1, or 0 when it is sent or dropped already
 * (or there is no such mail).
 */
int	state_outbox_drop(struct db *, int64_t id, GDateTime *now,
	    char **cause);

/* The ids of the failed mails not dropped, oldest first (caller unrefs). */
int	state_outbox_failed_ids(struct db *, GArray **ids, char **cause);

/*
 * Call `fn` with each outbox status key and value: outbox.queued,
 * outbox.sent, outbox.failed (the number of mails in each state; a
 * dropped mail is not counted as failed), then outbox.dropped, in that
 * order, for `mentormail status`.
 */
int	state_outbox_status(struct db *, state_status_fn fn, void *arg,
	    char **cause);

#endif
