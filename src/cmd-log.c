/*
 * cmd-log.c -- "mentormail log": the audit log, every decision taken in
 * the program, oldest first, one a line.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "state-audit.h"

/* A value on one line: its line breaks become "; ". */
static char *
one_line(const char *s)
{
	char	**lines = g_strsplit(s != NULL ? s : "", "\n", -1), *out;

	out = g_strjoinv("; ", lines);
	g_strfreev(lines);
	return out;
}

static void
log_print(const struct audit_entry *e, void *arg)
{
	GString	*where = g_string_new(e->via);
	char	*command = one_line(e->command), *detail = one_line(e->detail);

	if (e->message > 0)
		g_string_append_printf(where, ", message %lld",
		    (long long)e->message);
	if (e->line > 0)
		g_string_append_printf(where, ", line %d", e->line);
	printf("%s %s (%s): %s: %s%s%s\n", e->at, e->actor, where->str,
	    command, e->outcome, *detail != '\0' ? ": " : "", detail);
	g_string_free(where, TRUE);
	g_free(command);
	g_free(detail);
}

static int
log_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct db	*db = NULL;
	char		*cause = NULL;
	int		 error;

	if (argc != 1)
		return cmd_usage(&cmd_log_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	error = db_open(cfg->database, &db, &cause) == 0 ? 0 : EX_IOERR;
	if (error == 0 && state_audit_each(db, log_print, NULL, &cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		log_error("log: %s", cause);
	db_close(db);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_log_entry = {
	.name = "log",
	.usage = "",
	.help = "print the audit log: every decision, by whom, how, when",
	.exec = log_exec,
};
