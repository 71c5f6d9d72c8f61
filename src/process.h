/*
 * process.h -- what a recorded message means for the program, and what is
 * done about it, in the transaction that records it: the thread and the
 * rules say what kind of message it is, and that kind's handler (kind.h)
 * updates the program's state and queues the replies.
 *
 * One message never stops the others: each is handled inside a savepoint,
 * and a message whose handling fails for its own sake (a template that
 * fails on its values, a reply that cannot be composed, a rule that blows
 * its match limit, a statement refused for its values) has that work
 * undone and is marked "failed" with its cause, kept whole for
 * `mentormail reprocess`.  Only a failure of the database itself stops the
 * run.
 *
 * Never answered: automatic mail, unparseable mail, our own mail, and more
 * than [program] replies_per_day replies to one address in a day.
 */
#ifndef MENTORMAIL_PROCESS_H
#define MENTORMAIL_PROCESS_H

#include <stdint.h>

#include "state-outbox.h"

struct extraction;
struct mime_msg;
struct message_record;
struct program;

/*
 * Act on message `id`, just recorded as `r`; `msg` is its decoding (NULL
 * when unparseable).  Returns 0 when it was handled or marked failed
 * (*failed, when not NULL, says which), or EX_IOERR with *cause set when
 * the database failed: the caller rolls the transaction back.
 */
int	process_message(struct program *, int64_t id,
	    const struct message_record *r, const struct mime_msg *msg,
	    int *failed, char **cause);

/* What a message means, as process_message reads it before acting. */
struct process_reading {
	struct extraction	*x;		/* what the rules read in it;
						   its kind is the handler's */
	char			*text;		/* the text they read */
	struct outbox_thread	 thread;	/* our mail it replies to */
	char			*answered;	/* the address of the
						   application it corrects,
						   or NULL */
};

/* What to take as true of a message read without its database. */
struct process_pretend {
	const char	*replied;	/* a reply to our mail of this kind */
	int		 paired;	/* from someone in a running mentorship */
};

/*
 * Read `msg` exactly as process_message would at this point of the
 * program's state (its thread, a correction of an application), without
 * acting on it: `mentormail test-rules` predicts a run with it.  What
 * `pretend` (may be NULL) says is taken as true besides.  Changes
 * nothing.  Returns 0 with *out filled (clear it with
 * process_reading_clear), or -1 with *cause set (the database failed).
 */
int	process_read(struct program *, const struct mime_msg *msg,
	    const struct process_pretend *pretend,
	    struct process_reading *out, char **cause);
void	process_reading_clear(struct process_reading *);

#endif
