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

static const struct cmd_entry cmd_help_entry;

static const struct cmd_entry *cmd_table[] = {
	&cmd_run_entry,
	&cmd_check_entry,
	&cmd_status_entry,
	&cmd_export_entry,
	&cmd_match_entry,
	&cmd_outbox_entry,
	&cmd_test_rules_entry,
	&cmd_reprocess_entry,
	&cmd_report_entry,
	&cmd_log_entry,
	&cmd_person_entry,
	&cmd_forget_entry,
	&cmd_help_entry,
};

#define GLOBAL_USAGE	"mentormail [-v] [-c FILE] [--now TIME]"

/*
 * The list of commands: on stdout when asked for (--help, help), on
 * stderr after a mistake.
 */
static void
usage_print(FILE *out)
{
	size_t	i;

	fprintf(out, "usage: " GLOBAL_USAGE " COMMAND [ARGS]\n"
	    "       mentormail --help | --version\n"
	    "commands:\n");
	for (i = 0; i < G_N_ELEMENTS(cmd_table); i++)
		fprintf(out, "  %s%s%s\n      %s\n", cmd_table[i]->name,
		    *cmd_table[i]->usage != '\0' ? " " : "",
		    cmd_table[i]->usage, cmd_table[i]->help);
	fprintf(out, "The configuration is %s unless -c says otherwise.\n"
	    "See mentormail(1), and \"mentormail help COMMAND\".\n",
	    CONFIG_DEFAULT_PATH);
}

static int
usage(void)
{
	usage_print(stderr);
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

/* One command's usage and what it does, on stdout. */
static int
help_one(const struct cmd_entry *entry)
{
	printf("usage: " GLOBAL_USAGE " %s%s%s\n\n%s.\n\nSee mentormail(1).\n",
	    entry->name, *entry->usage != '\0' ? " " : "", entry->usage,
	    entry->help);
	return 0;
}

static int
help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*entry;

	if (argc == 1) {
		usage_print(stdout);
		return 0;
	}
	if (argc != 2)
		return cmd_usage(&cmd_help_entry);
	if ((entry = cmd_find(argv[1])) == NULL) {
		fprintf(stderr, "mentormail: help: no command \"%s\"\n",
		    argv[1]);
		return usage();
	}
	return help_one(entry);
}

static const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.help = "list the commands, or say how to use one",
	.exec = help_exec,
};

/* "mentormail COMMAND ... --help" asks for the command's help. */
static int
asks_help(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return 0;
}

/*
 * The options before the command.  Returns -1 to go on, or the exit code
 * when there is nothing more to do (--help, --version, a mistake).
 */
static int
global_options(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	/* Our own words for a mistake, followed by the usage. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:hvV", longopts,
	    NULL)) != -1) {
		if (ch == 'c')
			ctx->config_path = optarg;
		else if (ch == 'n')
			ctx->now = optarg;
		else if (ch == 'v')
			log_set_level(log_get_level() + 1);
		else if (ch == 'h') {
			usage_print(stdout);
			return 0;
		} else if (ch == 'V') {
			printf("mentormail %s\n", MENTORMAIL_VERSION);
			return 0;
		} else {
			cmd_bad_option("mentormail", ch, argv);
			return usage();
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx		 ctx = { .config_path = CONFIG_DEFAULT_PATH };
	const struct cmd_entry	*entry;
	int			 rc;

	/* A server hanging up mid-write must be an error, not a death. */
	signal(SIGPIPE, SIG_IGN);
	if ((rc = global_options(argc, argv, &ctx)) >= 0)
		return rc;
	if (optind >= argc)
		return usage();
	entry = cmd_find(argv[optind]);
	if (entry == NULL) {
		fprintf(stderr, "mentormail: unknown command \"%s\"\n",
		    argv[optind]);
		return usage();
	}
	if (asks_help(argc - optind, argv + optind))
		return help_one(entry);
	mime_init();
	optind++;
	rc = entry->exec(&ctx, argc - optind + 1, argv + optind - 1);
	mime_shutdown();
	return rc;
}
