/*
 * cmd.h -- the subcommands, as a table (tmux's cmd_entry): each lives in a
 * cmd-NAME.c file and exports one entry.
 */
#ifndef MENTORMAIL_CMD_H
#define MENTORMAIL_CMD_H

struct config;

struct cmd_ctx {
	const char	*config_path;	/* -c FILE, or the default */
	const char	*now;		/* --now TIME, or NULL: the real clock */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* arguments after the name */
	const char	*help;		/* one line */
	/* Returns an exit code from <sysexits.h>. */
	int		(*exec)(struct cmd_ctx *, int argc, char **argv);
};

extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_match_entry;
extern const struct cmd_entry cmd_test_rules_entry;
extern const struct cmd_entry cmd_reprocess_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_outbox_entry;
extern const struct cmd_entry cmd_log_entry;
extern const struct cmd_entry cmd_person_entry;
extern const struct cmd_entry cmd_forget_entry;

/*
 * Load the configuration named in `ctx`, reporting a problem on stderr,
 * and set the clock to --now if given (a time without a zone is in the
 * program's zone).  Returns 0, EX_CONFIG, or EX_USAGE for a --now that is
 * no time.  Caller frees *out with config_free.
 */
int	cmd_load_config(struct cmd_ctx *ctx, struct config **out);

/* Print "usage: mentormail [-c FILE] NAME USAGE" and return EX_USAGE. */
int	cmd_usage(const struct cmd_entry *);

/*
 * After getopt_long returned `ch` (':' or '?', with opterr = 0 and an
 * optstring starting with ':'), say on stderr what was wrong with the
 * option, as "WHO: unknown option --x" or "WHO: --now needs a value".
 */
void	cmd_bad_option(const char *who, int ch, char **argv);

#endif
