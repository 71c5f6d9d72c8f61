/*
 * cmd-status.c -- "mentormail status": stable "key: value" lines for
 * people and scripts (the keys are documented in README.md; the mail
 * command "status" prints the same, from action.c).
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "action.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"

static void
status_print(const char *key, const char *value, void *arg)
{
	printf("%s: %s\n", key, value);
}

static int
status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct db	*db;
	char		*cause = NULL;
	int		 error;

	if (argc != 1)
		return cmd_usage(&cmd_status_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	error = db_open(cfg->database, &db, &cause) == 0 ? 0 : EX_IOERR;
	if (error == 0) {
		if (action_status(cfg, db, status_print, NULL, &cause) != 0)
			error = EX_IOERR;
		db_close(db);
	}
	if (error != 0)
		log_error("%s", cause);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "",
	.help = "print the state of the program as key: value lines",
	.exec = status_exec,
};
