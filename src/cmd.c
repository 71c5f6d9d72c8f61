/*
 * cmd.c -- what the subcommands share.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
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

	if (config_load(ctx->config_path, out, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		return EX_CONFIG;
	}
	if (ctx->now != NULL && clock_set(ctx->now, (*out)->tz, &cause) != 0) {
		fprintf(stderr, "mentormail: --now: %s\n", cause);
		g_free(cause);
		config_free(*out);
		*out = NULL;
		return EX_USAGE;
	}
	return 0;
}
