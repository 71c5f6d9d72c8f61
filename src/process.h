/*
 * process.h -- what a recorded message means for the program, and what is
 * done about it: the rules give its kind and fields, the participant's
 * record is updated, and the reply is queued in the outbox, all in the
 * transaction that records the message.
 *
 * Never answered: automatic mail, unparseable mail, our own mail, and more
 * than [program] replies_per_day replies to one address in a day.
 */
#ifndef MENTORMAIL_PROCESS_H
#define MENTORMAIL_PROCESS_H

#include <stdint.h>

struct config;
struct db;
struct mime_msg;
struct message_record;
struct process;
struct replies;
struct rules;

/*
 * Load the rules and templates.  Returns 0 and the processor in *out (free
 * with process_free), or -1 with *cause set ("file:line: what is wrong").
 */
int	process_open(const struct config *, struct process **out,
	    char **cause);
void	process_free(struct process *);

/* What the processor loaded, for the rest of the run (matching). */
struct rules *process_rules(struct process *);
struct replies *process_replies(struct process *);

/*
 * Act on message `id`, just recorded as `r`; `msg` is its decoding (NULL
 * when unparseable).  Returns 0, or -1 with *cause set on a database error
 * (the caller rolls back).
 */
int	process_message(struct process *, struct db *, int64_t id,
	    const struct message_record *r, const struct mime_msg *msg,
	    char **cause);

#endif
