/*
 * cmd.c -- what the subcommands share.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"

int
cmd_usage(const struct cmd_entry *entry)
{
	fprintf(stderr, "usage: mentormail [-c FILE] %s %s\n", entry->name,
	    entry->usage);
	return EX_USAGE;
}

int
cmd_load_config(struct cmd_ctx *ctx, struct config **out)
{
	char	*cause = NULL;

	if (config_load(ctx->config_path, out, &cause) == 0)
		return 0;
	fprintf(stderr, "%s\n", cause);
	g_free(cause);
	return EX_CONFIG;
}
