/*
 * cmd-check.c -- "mentormail check": is the configuration usable?  Like
 * "smtpd -n", it reads everything a run would read and says what is wrong
 * as file:line, without touching the mailbox or the database.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "clock.h"
#include "program.h"

/*
 * The rules and templates as a run would load them: a mistake is
 * "file:line: ...", an unknown placeholder included.
 */
static int
check_rules(const struct config *cfg)
{
	struct program	*p;
	GDateTime	*now = clock_now();
	char		*cause = NULL;
	int		 error;

	error = program_open(cfg, NULL, now, &p, &cause);
	g_date_time_unref(now);
	if (error != 0) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		return EX_CONFIG;
	}
	program_free(p);
	return 0;
}

static int
check_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	char		*cause = NULL;
	int		 error;

	if (argc != 1)
		return cmd_usage(&cmd_check_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	if (config_check_paths(cfg, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", cfg->path, cause);
		g_free(cause);
		config_free(cfg);
		return EX_CONFIG;
	}
	if ((error = check_rules(cfg)) != 0) {
		config_free(cfg);
		return error;
	}
	if (config_is_preset(cfg))
		printf("%s: configuration OK (a preset: set the [imap] and "
		    "[smtp] servers, then check again)\n", cfg->path);
	else
		printf("%s: configuration OK\n", cfg->path);
	config_free(cfg);
	return 0;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "",
	.help = "validate the configuration, rules and templates",
	.exec = check_exec,
};
