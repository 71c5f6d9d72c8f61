/*
 * cmd-match.c -- "mentormail match": propose matches and print them, or
 * act on them: approve, reject, pin, exclude, withdraw, end.  The actions
 * are action.c's table, shared with the coordinator's commands by mail,
 * and logged in the audit log as theirs are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "action.h"
#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "rules.h"
#include "state-audit.h"

static void
print_report(const struct match_report *r)
{
	const struct match_line	*l;
	guint			 i;

	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		printf("match %lld%s: %s with %s, score %d\n  why: %s\n",
		    (long long)l->id, l->created ? " (new)" : "", l->mentee,
		    l->mentor, l->score, l->why);
		if (l->runner_up != NULL)
			printf("  runner-up: %s\n", l->runner_up);
	}
	for (i = 0; i < r->unmatched->len; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		printf("unmatched: %s: %s\n", l->mentee, l->why);
	}
	if (r->proposals->len == 0 && r->unmatched->len == 0)
		printf("nobody is waiting for a match\n");
}

static int
do_propose(struct match_ctx *m, int argc, char **argv, char **cause)
{
	struct match_report	*r;

	if (match_propose(m, &r, cause) != 0)
		return -1;
	print_report(r);
	match_report_free(r);
	return 0;
}

/* Load what matching needs; `m` gets the db, rules and replies. */
static int
match_load(struct config *cfg, struct match_ctx *m, char **cause)
{
	GDateTime	*now = clock_now();
	int		 error = 0;

	m->cfg = cfg;
	if (db_open(cfg->database, &m->db, cause) != 0)
		error = EX_IOERR;
	else if (program_open(cfg, m->db, now, &m->prog, cause) != 0)
		error = EX_CONFIG;
	else {
		m->rules = m->prog->rules;
		m->replies = m->prog->replies;
		m->now = m->prog->now_iso;
	}
	g_date_time_unref(now);
	return error;
}

static void
match_unload(struct match_ctx *m)
{
	program_free(m->prog);
	db_close(m->db);
}

/*
 * A command refused: its transaction is undone, and the refusal kept in
 * the audit log in one of its own.
 */
static void
log_refused(struct action *a, const char *command, const char *why)
{
	char	*cause = NULL;

	if (db_begin(a->m->db, &cause) != 0 || action_log(a, command,
	    AUDIT_NOT_DONE, why, &cause) != 0 || db_commit(a->m->db,
	    &cause) != 0) {
		db_rollback(a->m->db);
		log_warn("the audit log could not keep this: %s", cause);
	}
	g_free(cause);
}

/* One action, as action.c has it, in one transaction. */
static int
match_act(struct match_ctx *m, int argc, char **argv, char **cause)
{
	struct action	 a = { .m = m, .via = "command line" };
	char		*actor, *command = g_strjoinv(" ", argv);
	int		 r;

	a.actor = actor = g_strdup_printf("user %s", g_get_user_name());
	a.said = g_string_new(NULL);
	r = action_run(&a, ACTION_CLI, argc, argv, cause);
	if (r == ACTION_DONE && action_log(&a, command, AUDIT_DONE,
	    a.said->str, cause) != 0)
		r = ACTION_FAILED;
	if (r == ACTION_DONE && db_commit(m->db, cause) == 0)
		fputs(a.said->str, stdout);
	else if (r == ACTION_DONE)
		r = EX_IOERR;
	else {
		db_rollback(m->db);
		if (r == ACTION_FAILED)
			log_refused(&a, command, *cause);
	}
	g_string_free(a.said, TRUE);
	g_free(command);
	g_free(actor);
	return r == ACTION_DONE ? 0 : r == ACTION_FAILED ? EX_DATAERR :
	    r == EX_IOERR ? EX_IOERR : EX_USAGE;
}

/* Propose, or act; then send what it queued (introductions). */
static int
match_exec_loaded(struct match_ctx *m, int argc, char **argv, char **cause)
{
	struct outbox_counts	c = { 0 };
	int			error;

	if (db_begin(m->db, cause) != 0)
		return EX_IOERR;
	if (argc > 0)
		error = match_act(m, argc, argv, cause);
	else if (do_propose(m, argc, argv, cause) != 0) {
		db_rollback(m->db);
		error = EX_DATAERR;
	} else
		error = db_commit(m->db, cause) == 0 ? 0 : EX_IOERR;
	if (error != 0)
		return error;
	if (outbox_flush(m->cfg, m->db, NULL, &c, cause) != 0) {
		log_warn("not sent yet, the next run retries: %s", *cause);
		g_clear_pointer(cause, g_free);
	}
	return 0;
}

static int
match_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct match_ctx	 m = { 0 };
	struct config		*cfg;
	char			*cause = NULL;
	int			 error;

	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	error = match_load(cfg, &m, &cause);
	if (error == 0)
		error = match_exec_loaded(&m, argc - 1, argv + 1, &cause);
	if (error == EX_USAGE)
		cmd_usage(&cmd_match_entry);
	else if (error != 0)
		fprintf(stderr, "mentormail: match: %s\n", cause);
	match_unload(&m);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_match_entry = {
	.name = "match",
	/* action.c's ACTION_CLI commands. */
	.usage = "[approve ID... | reject ID... | pin MENTEE MENTOR | "
	    "exclude MENTEE MENTOR | withdraw EMAIL [REASON] | "
	    "end MATCH REASON | extend MATCH SPAN | remind MATCH]",
	.help = "propose matches, or act on them",
	.exec = match_exec,
};
