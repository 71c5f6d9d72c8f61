/*
 * cmd.c -- what the subcommands share.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"

int
cmd_usage(const struct cmd_entry *entry)
{
	fprintf(stderr, "usage: mentormail [-c FILE] %s%s%s\n", entry->name,
	    *entry->usage != '\0' ? " " : "", entry->usage);
	return EX_USAGE;
}

void
cmd_bad_option(const char *who, int ch, char **argv)
{
	const char	*arg = argv[optind - 1];

	/* A short option in a cluster ("-vx") is named alone. */
	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		fprintf(stderr, ch == ':' ? "%s: -%c needs a value\n" :
		    "%s: unknown option -%c\n", who, optopt);
	else if (ch == ':')
		fprintf(stderr, "%s: %s needs a value\n", who, arg);
	else
		fprintf(stderr, "%s: unknown option %s\n", who, arg);
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
