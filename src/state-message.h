/*
 * state-message.h -- what the database knows of the mailbox: how far it has
 * been read, every message recorded, duplicates, and each run.
 *
 * All functions return 0 (or the value described) on success and -1 with
 * *cause set on a database error.  None begins or ends a transaction: the
 * caller groups them (see intake.c).
 */
#ifndef MENTORMAIL_STATE_MESSAGE_H
#define MENTORMAIL_STATE_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct db;

/* A message to record.  Strings may be NULL unless said otherwise. */
struct message_record {
	const char	*mailbox;	/* not NULL */
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	const char	*message_id;
	const char	*internaldate;	/* not NULL */
	const char	*from_addr;
	const char	*from_name;
	const char	*subject;
	const char	*raw;		/* not NULL */
	size_t		 size;
	const char	*hash;		/* not NULL: SHA-256 hex of raw */
	const char	*text;
	const char	*auto_reason;
	const char	*outcome;	/* not NULL */
	const char	*cause;
	const char	*recorded_at;	/* not NULL */
};

/*
 * The UIDVALIDITY and last recorded UID of `mailbox`.  Returns 1 when the
 * mailbox is known, 0 when it is not (both set to 0).
 */
int	state_mailbox_get(struct db *, const char *mailbox,
	    uint32_t *uidvalidity, uint32_t *last_uid, char **cause);
int	state_mailbox_set(struct db *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t last_uid, char **cause);

/* Whether (mailbox, uidvalidity, uid) is recorded already: 1 or 0. */
int	state_message_known(struct db *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, char **cause);

/*
 * The id of a recorded message that `r` is a copy of, or 0.  With a
 * Message-ID, a copy has the same Message-ID and content hash; without one,
 * the same hash and INTERNALDATE, so that two different messages that both
 * lack a Message-ID are never taken for each other.
 */
int64_t	state_message_original(struct db *, const struct message_record *r,
	    char **cause);

/*
 * The Message-ID recorded for (mailbox, uidvalidity, uid), directly or as
 * a duplicate: a new string (caller frees), or NULL with *found set to 0
 * when there is none.  Returns NULL with *found = -1 on error.
 */
char	*state_message_id_of(struct db *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, int *found, char **cause);

/* Insert `r`; its new id goes to *id when id is not NULL. */
int	state_message_add(struct db *, const struct message_record *r,
	    int64_t *id, char **cause);

/* Note that `r`'s UID holds a copy of message `original`. */
int	state_duplicate_add(struct db *, const struct message_record *r,
	    int64_t original, char **cause);

/* What message `id` was read as, and whose it is (0: nobody's). */
int	state_message_set_kind(struct db *, int64_t id, const char *kind,
	    int64_t participant, char **cause);

/*
 * Message `id` could not be handled, because of `why`: its outcome
 * becomes "failed" (its raw bytes stay, for `mentormail reprocess`).
 */
int	state_message_failed(struct db *, int64_t id, const char *why,
	    char **cause);

/* A recorded message read back: what `mentormail reprocess` needs. */
struct message_stored {
	int64_t		 id;
	char		*mailbox;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	char		*internaldate;
	char		*recorded_at;
	char		*hash;
	char		*outcome;
	char		*raw;		/* NUL-terminated after size bytes */
	size_t		 size;
};

/*
 * The id of the message recorded under `uid` in `mailbox` (at the newest
 * UIDVALIDITY that has it), or 0.
 */
int64_t	state_message_by_uid(struct db *, const char *mailbox, uint32_t uid,
	    char **cause);

/* The ids of every failed or unparseable message, oldest first. */
int	state_message_failed_ids(struct db *, GArray **ids, char **cause);

/* Read message `id`: 1 and a new *out (free below), 0 when none. */
int	state_message_get(struct db *, int64_t id,
	    struct message_stored **out, char **cause);
void	state_message_stored_free(struct message_stored *);

/*
 * Write what a new decoding of message `id` says (r's sender, subject,
 * text, auto_reason, outcome and cause), clearing its kind: it is about
 * to be handled again.
 */
int	state_message_redecode(struct db *, int64_t id,
	    const struct message_record *r, char **cause);

/* Counters a run keeps, saved in the run table at its end. */
struct run_counts {
	int	fetched;
	int	recorded;
	int	duplicates;
	int	moved;
};

/* Start a run at clock time `now`; returns its id (> 0), or -1. */
int64_t	state_run_start(struct db *, const char *now, char **cause);
int	state_run_finish(struct db *, int64_t run, const char *outcome,
	    const struct run_counts *, const char *run_cause, char **cause);

/*
 * Call `fn` with each status key and value, in a fixed order (the list is
 * documented in README.md: scripts rely on it).
 */
typedef void (*state_status_fn)(const char *key, const char *value,
	    void *arg);
int	state_status(struct db *, const char *mailbox, state_status_fn fn,
	    void *arg, char **cause);

#endif
