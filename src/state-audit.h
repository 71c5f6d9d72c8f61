/*
 * state-audit.h -- the audit log: every decision taken in the program,
 * by whom, by which message and line of it (or on the command line),
 * when, and what came of it.  `mentormail log` prints it.
 *
 * Functions return 0 and -1 with *cause set on a database error; none
 * begins or ends a transaction.
 */
#ifndef MENTORMAIL_STATE_AUDIT_H
#define MENTORMAIL_STATE_AUDIT_H

#include <stdint.h>

struct db;

/* Outcomes. */
#define AUDIT_DONE	"done"
#define AUDIT_NOT_DONE	"not done"	/* refused for what it asked */
#define AUDIT_REFUSED	"refused"	/* refused for who asked */

/* What the log keeps.  Strings are not NULL unless said. */
struct audit_entry {
	int64_t		 id;		/* read back only */
	const char	*at;		/* the clock of the decision */
	const char	*actor;		/* an address, or "user NAME" */
	const char	*via;		/* "mail" or "command line" */
	int64_t		 message;	/* the message it came in, or 0 */
	int		 line;		/* its line there, or 0 */
	const char	*command;	/* as written */
	const char	*outcome;	/* AUDIT_* */
	const char	*detail;	/* what was done, or why not; may be
					   NULL */
};

int	state_audit_add(struct db *, const struct audit_entry *, char **cause);

/* Call `fn` for each entry, oldest first; the strings last until it
 * returns. */
int	state_audit_each(struct db *,
	    void (*fn)(const struct audit_entry *, void *arg), void *arg,
	    char **cause);

#endif
