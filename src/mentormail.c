/*
 * mentormail.c -- the command line: global options, then a subcommand.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "mime.h"

static const struct cmd_entry *cmd_table[] = {
	&cmd_run_entry,
	&cmd_check_entry,
	&cmd_status_entry,
	&cmd_export_entry,
	&cmd_match_entry,
	&cmd_test_rules_entry,
	&cmd_reprocess_entry,
	&cmd_report_entry,
	&cmd_log_entry,
	&cmd_person_entry,
	&cmd_forget_entry,
};

static int
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: mentormail [-v] [-c FILE] [--now TIME] COMMAND "
	    "[ARGS]\n"
	    "commands:\n");
	for (i = 0; i < G_N_ELEMENTS(cmd_table); i++)
		fprintf(stderr, "  %s %s\n      %s\n", cmd_table[i]->name,
		    cmd_table[i]->usage, cmd_table[i]->help);
	return EX_USAGE;
}

static const struct cmd_entry *
cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(cmd_table); i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx		 ctx = { .config_path = CONFIG_DEFAULT_PATH };
	const struct cmd_entry	*entry;
	int			 ch, rc;

	/* A server hanging up mid-write must be an error, not a death. */
	signal(SIGPIPE, SIG_IGN);
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "+c:v", longopts, NULL)) != -1) {
		if (ch == 'c')
			ctx.config_path = optarg;
		else if (ch == 'n')
			ctx.now = optarg;
		else if (ch == 'v')
			log_set_level(log_get_level() + 1);
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	entry = cmd_find(argv[optind]);
	if (entry == NULL) {
		fprintf(stderr, "mentormail: unknown command \"%s\"\n",
		    argv[optind]);
		return usage();
	}
	mime_init();
	optind++;
	rc = entry->exec(&ctx, argc - optind + 1, argv + optind - 1);
	mime_shutdown();
	return rc;
}
