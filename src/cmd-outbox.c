/*
 * cmd-outbox.c -- "mentormail outbox": the mail waiting to go out or
 * given up, and the coordinator's hand on it: "retry ID... | all" puts
 * mail back in the queue (the next run sends it), "drop ID..." makes sure
 * it is never sent.  Each action is one transaction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "state-outbox.h"

/* What the command works with. */
struct outbox_cmd {
	struct db	*db;
	GDateTime	*now;
	int		 listed;
};

/* "12 failed receipt to ann@example.org, queued ..., 1 attempt: why" */
static void
print_entry(const struct outbox_entry *e, void *arg)
{
	struct outbox_cmd	*c = arg;

	printf("%" PRId64 " %s %s to %s, queued %s, %d attempt%s", e->id,
	    e->dropped_at != NULL ? "dropped" : e->status, e->kind, e->to_addr,
	    e->created_at, e->attempts, e->attempts == 1 ? "" : "s");
	if (strcmp(e->status, "queued") == 0)
		printf(", next try %s", e->next_attempt_at);
	if (!e->written)
		printf(", never written");
	if (e->last_error != NULL)
		printf(": %s", e->last_error);
	putchar('\n');
	c->listed++;
}

static int
do_list(struct outbox_cmd *c, int argc, char **argv, char **cause)
{
	if (state_outbox_list(c->db, 0, print_entry, c, cause) < 0)
		return EX_IOERR;
	if (c->listed == 0)
		printf("nothing is waiting to be sent, and nothing failed\n");
	return 0;
}

/* The mail as it stands, for why an action was refused. */
struct mail_state {
	char	*status;	/* "sent", "dropped", ... */
	int	 written;
};

static void
keep_entry(const struct outbox_entry *e, void *arg)
{
	struct mail_state	*m = arg;

	m->status = g_strdup(e->dropped_at != NULL ? "dropped" : e->status);
	m->written = e->written;
}

/* Why mail `id` could not be retried or dropped: EX_DATAERR with a cause. */
static int
refused(struct outbox_cmd *c, int64_t id, const char *action, char **cause)
{
	struct mail_state	m = { NULL, 0 };
	int			found;

	found = state_outbox_list(c->db, id, keep_entry, &m, cause);
	if (found < 0)
		return EX_IOERR;
	if (found == 0)
		cause_set(cause, "there is no mail %" PRId64 " in the outbox "
		    "(\"mentormail outbox\" lists them)", id);
	else if (!m.written)
		cause_set(cause, "mail %" PRId64 " could never be written, so "
		    "it cannot be sent: its cause is fixed by handling the "
		    "message again (mentormail reprocess)", id);
	else
		cause_set(cause, "mail %" PRId64 " is %s already: nothing to %s",
		    id, m.status, action);
	g_free(m.status);
	return EX_DATAERR;
}

static int
act_one(struct outbox_cmd *c, int retry, int64_t id, char **cause)
{
	int	done;

	done = retry ? state_outbox_requeue(c->db, id, c->now, cause) :
	    state_outbox_drop(c->db, id, c->now, cause);
	if (done < 0)
		return EX_IOERR;
	if (done == 0)
		return refused(c, id, retry ? "retry" : "drop", cause);
	printf(retry ? "mail %" PRId64 " is queued again: the next run sends "
	    "it\n" : "mail %" PRId64 " is dropped: it will not be sent\n", id);
	return 0;
}

/* The mails named: numbers, or (for retry) "all" the failed ones. */
static int
ids_of(struct outbox_cmd *c, int argc, char **argv, GArray **ids,
    char **cause)
{
	char	*end;
	int64_t	 id;
	int	 i;

	if (argc == 2 && strcmp(argv[1], "all") == 0 &&
	    strcmp(argv[0], "retry") == 0)
		return state_outbox_failed_ids(c->db, ids, cause) == 0 ? 0 :
		    EX_IOERR;
	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	for (i = 1; i < argc; i++) {
		id = g_ascii_strtoll(argv[i], &end, 10);
		if (*end != '\0' || id <= 0) {
			cause_set(cause, "\"%s\" is not a mail number",
			    argv[i]);
			return EX_USAGE;
		}
		g_array_append_val(*ids, id);
	}
	return 0;
}

/* retry ID... | all, drop ID...: all of them, or none. */
static int
do_act(struct outbox_cmd *c, int argc, char **argv, char **cause)
{
	GArray	*ids = NULL;
	guint	 i;
	int	 error, retry = strcmp(argv[0], "retry") == 0;

	if (db_begin(c->db, cause) != 0)
		return EX_IOERR;
	error = ids_of(c, argc, argv, &ids, cause);
	for (i = 0; error == 0 && i < ids->len; i++)
		error = act_one(c, retry, g_array_index(ids, int64_t, i),
		    cause);
	if (error == 0 && ids->len == 0)
		printf("no failed mail to retry\n");
	if (error == 0 && db_commit(c->db, cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		db_rollback(c->db);
	if (ids != NULL)
		g_array_unref(ids);
	return error;
}

/* The subcommands: name, arguments (-1: one or more), handler. */
static const struct {
	const char	*name;
	int		 args;
	int		(*fn)(struct outbox_cmd *, int, char **, char **);
} outbox_cmds[] = {
	{ "list", 0, do_list },
	{ "retry", -1, do_act },
	{ "drop", -1, do_act },
};

static int
outbox_run(struct outbox_cmd *c, int argc, char **argv, char **cause)
{
	size_t	i;

	if (argc == 0)
		return do_list(c, argc, argv, cause);
	for (i = 0; i < G_N_ELEMENTS(outbox_cmds); i++) {
		if (strcmp(argv[0], outbox_cmds[i].name) == 0)
			break;
	}
	if (i == G_N_ELEMENTS(outbox_cmds) || (outbox_cmds[i].args < 0 ?
	    argc < 2 : argc != outbox_cmds[i].args + 1))
		return EX_USAGE;
	return outbox_cmds[i].fn(c, argc, argv, cause);
}

static int
outbox_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct outbox_cmd	 c = { 0 };
	struct config		*cfg;
	char			*cause = NULL;
	int			 error;

	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	if (db_open(cfg->database, &c.db, &cause) != 0)
		error = EX_IOERR;
	else {
		c.now = clock_now();
		error = outbox_run(&c, argc - 1, argv + 1, &cause);
		g_date_time_unref(c.now);
	}
	if (error == EX_USAGE && cause == NULL)
		cmd_usage(&cmd_outbox_entry);
	else if (error != 0)
		fprintf(stderr, "mentormail: outbox: %s\n", cause);
	db_close(c.db);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_outbox_entry = {
	.name = "outbox",
	.usage = "[retry ID... | retry all | drop ID...]",
	.help = "list the mail waiting or failed; send it again, or never",
	.exec = outbox_exec,
};
