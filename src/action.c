/*
 * action.c -- the coordinator's commands, as a table (action.h).
 *
 * The table is also the documentation: `help` by mail prints it, and the
 * command line's usage names the same commands.  Commands of the program
 * calendar (extend, remind, report, export stipends) join it with the
 * calendar.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "action.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "state-audit.h"
#include "state-calendar.h"
#include "state-message.h"
#include "state-outbox.h"
#include "state-participant.h"

static int	act_approve(struct action *, int, char **, char **);
static int	act_reject(struct action *, int, char **, char **);
static int	act_pin(struct action *, int, char **, char **);
static int	act_withdraw(struct action *, int, char **, char **);
static int	act_end(struct action *, int, char **, char **);
static int	act_status(struct action *, int, char **, char **);
static int	act_help(struct action *, int, char **, char **);

#define BOTH	(ACTION_CLI | ACTION_MAIL)

static const struct action_entry action_table[] = {
	{ "approve", "ID...", "introduce the pairs of these proposals to "
	    "each other", 1, -1, BOTH, act_approve },
	{ "reject", "ID...", "never propose these pairs again", 1, -1, BOTH,
	    act_reject },
	{ "pin", "MENTEE MENTOR", "always pair these two (by address)", 2, 2,
	    BOTH, act_pin },
	{ "exclude", "MENTEE MENTOR", "never pair these two (by address)", 2,
	    2, BOTH, act_pin },
	{ "withdraw", "EMAIL [REASON]", "take this participant out of the "
	    "program: pending proposals withdrawn, matches ended", 1, -1,
	    BOTH, act_withdraw },
	{ "end", "MATCH REASON", "end this approved match (the pair are not "
	    "mailed)", 2, -1, BOTH, act_end },
	{ "status", "", "the state of the program, as mentormail status "
	    "prints it", 0, 0, ACTION_MAIL, act_status },
	{ "help", "", "this list", 0, 0, ACTION_MAIL, act_help },
};

const struct action_entry *
action_find(const char *name, int where)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(action_table); i++) {
		if (g_ascii_strcasecmp(action_table[i].name, name) == 0 &&
		    (action_table[i].where & where) != 0)
			return &action_table[i];
	}
	return NULL;
}

int
action_run(struct action *a, int where, int argc, char **argv, char **cause)
{
	const struct action_entry	*e;
	int				 n = argc - 1;

	if (argc < 1 || (e = action_find(argv[0], where)) == NULL) {
		cause_set(cause, "unknown command \"%s\"", argc > 0 ? argv[0] :
		    "");
		return ACTION_UNKNOWN;
	}
	if (n < e->min_args || (e->max_args >= 0 && n > e->max_args)) {
		cause_set(cause, "usage: %s%s%s", e->name, *e->usage != '\0' ?
		    " " : "", e->usage);
		return ACTION_USAGE;
	}
	return e->exec(a, argc, argv, cause) == 0 ? ACTION_DONE :
	    ACTION_FAILED;
}

int
action_log(const struct action *a, const char *command, const char *outcome,
    const char *detail, char **cause)
{
	struct audit_entry	e = { .at = a->m->now, .actor = a->actor,
				    .via = a->via, .message = a->message,
				    .line = a->line, .command = command,
				    .outcome = outcome, .detail = detail };

	return state_audit_add(a->m->db, &e, cause);
}

/* Match numbers, all read before any is acted on. */
static int
read_ids(int argc, char **argv, GArray *ids, char **cause)
{
	char	*end;
	int64_t	 id;
	int	 i;

	for (i = 1; i < argc; i++) {
		id = g_ascii_strtoll(argv[i], &end, 10);
		if (*end != '\0' || id <= 0)
			return cause_set(cause, "\"%s\" is not a match number",
			    argv[i]);
		g_array_append_val(ids, id);
	}
	return 0;
}

static int
act_ids(struct action *a, int argc, char **argv, char **cause,
    int (*act)(struct match_ctx *, int64_t, char **), const char *done)
{
	GArray	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t	 id;
	guint	 i;
	int	 error;

	error = read_ids(argc, argv, ids, cause);
	for (i = 0; error == 0 && i < ids->len; i++) {
		id = g_array_index(ids, int64_t, i);
		if ((error = act(a->m, id, cause)) == 0)
			g_string_append_printf(a->said, "match %lld %s\n",
			    (long long)id, done);
	}
	g_array_unref(ids);
	return error;
}

static int
act_approve(struct action *a, int argc, char **argv, char **cause)
{
	return act_ids(a, argc, argv, cause, match_approve,
	    "approved: introductions queued");
}

static int
act_reject(struct action *a, int argc, char **argv, char **cause)
{
	return act_ids(a, argc, argv, cause, match_reject, "rejected");
}

/* pin or exclude, as argv[0] says, and what it means now. */
static int
act_pin(struct action *a, int argc, char **argv, char **cause)
{
	int	 pin = g_ascii_strcasecmp(argv[0], "pin") == 0;
	char	*outlook;

	if ((pin ? match_pin : match_exclude)(a->m, argv[1], argv[2],
	    cause) != 0 || match_rule_outlook(a->m, argv[1], argv[2],
	    &outlook, cause) != 0)
		return -1;
	g_string_append_printf(a->said, "%s: %s and %s\n%s", pin ? "pin" :
	    "exclude", argv[1], argv[2], outlook);
	g_free(outlook);
	return 0;
}

/* The words from argv[from] on, as one reason; NULL when none. */
static char *
reason_of(int argc, char **argv, int from)
{
	if (from >= argc)
		return NULL;
	return g_strjoinv(" ", argv + from);
}

static int
act_withdraw(struct action *a, int argc, char **argv, char **cause)
{
	char	*reason = reason_of(argc, argv, 2);
	int	 error;

	error = match_withdraw(a->m, argv[1], reason, a->said, cause);
	g_free(reason);
	return error;
}

static int
act_end(struct action *a, int argc, char **argv, char **cause)
{
	char	*end, *reason;
	int64_t	 id;
	int	 error;

	id = g_ascii_strtoll(argv[1], &end, 10);
	if (*end != '\0' || id <= 0)
		return cause_set(cause, "\"%s\" is not a match number",
		    argv[1]);
	reason = reason_of(argc, argv, 2);
	error = match_end(a->m, id, reason, cause);
	if (error == 0)
		g_string_append_printf(a->said, "match %lld ended: %s (the "
		    "pair are not mailed)\n", (long long)id, reason);
	g_free(reason);
	return error;
}

static void
status_line(const char *key, const char *value, void *arg)
{
	g_string_append_printf(arg, "%s: %s\n", key, value);
}

int
action_status(const struct config *cfg, struct db *db, state_status_fn fn,
    void *arg, char **cause)
{
	char	*v;

	fn("program.name", cfg->name, arg);
	v = g_strdup_printf("%d", db_schema_version(db));
	fn("database.schema", v, arg);
	g_free(v);
	if (state_status(db, cfg->mailbox, fn, arg, cause) != 0 ||
	    state_outbox_status(db, fn, arg, cause) != 0 ||
	    state_participant_status(db, fn, arg, cause) != 0 ||
	    state_calendar_status(db, fn, arg, cause) != 0)
		return -1;
	return 0;
}

static int
act_status(struct action *a, int argc, char **argv, char **cause)
{
	return action_status(a->m->cfg, a->m->db, status_line, a->said,
	    cause);
}

static int
act_help(struct action *a, int argc, char **argv, char **cause)
{
	const struct action_entry	*e;
	size_t				 i;

	for (i = 0; i < G_N_ELEMENTS(action_table); i++) {
		e = &action_table[i];
		if ((e->where & ACTION_MAIL) != 0)
			g_string_append_printf(a->said, "%s%s%s\n  %s\n",
			    e->name, *e->usage != '\0' ? " " : "", e->usage,
			    e->help);
	}
	return 0;
}
