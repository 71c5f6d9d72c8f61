/*
 * action.h -- the coordinator's commands, as one table (tmux's
 * cmd_entry): `mentormail match NAME ...` on the command line and each
 * line of a coordinator's command mail (kind-command.c) run them from
 * here, so that a decision means the same, is said in the same words and
 * is logged the same, whichever way it is made.
 *
 * An action works inside the caller's transaction (the command line's, or
 * a savepoint of its own for each line of a mail): it returns 0, having
 * appended what it did to a->said, or -1 with *cause set to a sentence
 * the coordinator reads ("match 12 is approved already"), and the caller
 * undoes whatever it did.  A command line is done whole or not at all.
 */
#ifndef MENTORMAIL_ACTION_H
#define MENTORMAIL_ACTION_H

#include <stdint.h>

#include <glib.h>

#include "state-message.h"

struct compose_file;
struct config;
struct db;
struct match_ctx;

/* Where an action is offered. */
#define ACTION_CLI	0x1	/* mentormail match NAME ... */
#define ACTION_MAIL	0x2	/* a line of a coordinator's mail */

/* One command being carried out, and who asked for it. */
struct action {
	struct match_ctx	*m;
	const char		*actor;	/* a coordinator's address, or
					   "user NAME" */
	const char		*via;	/* "mail" or "command line" */
	int64_t			 message; /* the command mail, or 0 */
	int			 line;	/* its line in that mail, or 0 */
	GString			*said;	/* what was done, a line each */
	const char		*log_as; /* what the audit log keeps instead
					   of `said`, when that is a report
					   or an export; NULL: `said` */
	GArray			*files;	/* struct compose_file, owned: exports
					   to attach to the answer; NULL
					   where there is no answer mail */
};

/* Free a->files' contents and the array (NULL is fine). */
void	action_files_free(GArray *);

struct action_entry {
	const char	*name;
	const char	*usage;		/* its arguments: "ID..." */
	const char	*help;		/* one line */
	int		 min_args;
	int		 max_args;	/* -1: any number (the last words may
					   be a reason: "end 4 moved away") */
	int		 where;		/* ACTION_CLI | ACTION_MAIL */
	int		(*exec)(struct action *, int argc, char **argv,
			    char **cause);
};

/* What action_run says of a command. */
#define ACTION_DONE	0
#define ACTION_FAILED	(-1)	/* refused or failed: *cause says why */
#define ACTION_UNKNOWN	1	/* no such command here */
#define ACTION_USAGE	2	/* its arguments are wrong */

/*
 * Run argv[0] with its arguments (argv[1..argc-1]), if it is offered
 * `where`.  Returns ACTION_DONE, or another ACTION_* with *cause set
 * ("usage: approve ID...").  Logs nothing: see action_log.
 */
int	action_run(struct action *, int where, int argc, char **argv,
	    char **cause);

/* The action `name` offered `where`, or NULL. */
const struct action_entry *action_find(const char *name, int where);

/*
 * Keep `command` in the audit log as asked by a->actor via a->via, with
 * its outcome (AUDIT_DONE, AUDIT_NOT_DONE, AUDIT_REFUSED) and `detail`
 * (what was done or why not; may be NULL), at the context's clock.
 */
int	action_log(const struct action *, const char *command,
	    const char *outcome, const char *detail, char **cause);

/*
 * The status keys (README.md lists them): program.name, database.schema,
 * then the messages', the outbox's and the participants', in that order.
 * `mentormail status` and the mail command "status" both print these.
 */
int	action_status(const struct config *, struct db *, state_status_fn fn,
	    void *arg, char **cause);

#endif
