/*
 * cmd-match.c -- "mentormail match": propose matches and print them, or
 * act on them: approve, reject, pin, exclude.  The actions are match.c's,
 * shared with the coordinator's e-mail commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

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

/* approve ID... or reject ID... */
static int
do_ids(struct match_ctx *m, int argc, char **argv, char **cause)
{
	int	(*act)(struct match_ctx *, int64_t, char **);
	char	*end;
	int64_t	 id;
	int	 i;

	act = strcmp(argv[0], "approve") == 0 ? match_approve : match_reject;
	for (i = 1; i < argc; i++) {
		id = g_ascii_strtoll(argv[i], &end, 10);
		if (*end != '\0' || id <= 0)
			return cause_set(cause, "\"%s\" is not a match number",
			    argv[i]);
		if (act(m, id, cause) != 0)
			return -1;
		printf("match %lld %s\n", (long long)id, act == match_approve ?
		    "approved: introductions queued" : "rejected");
	}
	return 0;
}

/* pin or exclude, and what it means now. */
static int
do_rule(struct match_ctx *m, int argc, char **argv, char **cause)
{
	char	*outlook;

	if (strcmp(argv[0], "pin") == 0 ? match_pin(m, argv[1], argv[2],
	    cause) : match_exclude(m, argv[1], argv[2], cause))
		return -1;
	if (match_rule_outlook(m, argv[1], argv[2], &outlook, cause) != 0)
		return -1;
	printf("%s: %s and %s\n%s", argv[0], argv[1], argv[2], outlook);
	g_free(outlook);
	return 0;
}

/* The subcommands: name, arguments (-1: one or more), handler. */
static const struct {
	const char	*name;
	int		 args;
	int		(*fn)(struct match_ctx *, int, char **, char **);
} match_cmds[] = {
	{ "approve", -1, do_ids },
	{ "reject", -1, do_ids },
	{ "pin", 2, do_rule },
	{ "exclude", 2, do_rule },
};

static int
match_run(struct match_ctx *m, int argc, char **argv, char **cause)
{
	size_t	i;

	if (argc == 0)
		return do_propose(m, argc, argv, cause);
	for (i = 0; i < G_N_ELEMENTS(match_cmds); i++) {
		if (strcmp(argv[0], match_cmds[i].name) == 0)
			break;
	}
	if (i == G_N_ELEMENTS(match_cmds) || (match_cmds[i].args < 0 ?
	    argc < 2 : argc != match_cmds[i].args + 1))
		return 1;
	return match_cmds[i].fn(m, argc, argv, cause);
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

/* In one transaction; then send what it queued (introductions). */
static int
match_exec_loaded(struct match_ctx *m, int argc, char **argv, char **cause)
{
	struct outbox_counts	c = { 0 };
	int			r;

	if (db_begin(m->db, cause) != 0)
		return EX_IOERR;
	r = match_run(m, argc, argv, cause);
	if (r != 0) {
		db_rollback(m->db);
		return r == 1 ? EX_USAGE : EX_DATAERR;
	}
	if (db_commit(m->db, cause) != 0)
		return EX_IOERR;
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
	.usage = "[approve ID... | reject ID... | pin MENTEE MENTOR | "
	    "exclude MENTEE MENTOR]",
	.help = "propose matches, or act on them",
	.exec = match_exec,
};
