/*
 * cmd-run.c -- "mentormail run": one pass, as cron starts it.
 */
#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "lock.h"
#include "log.h"
#include "program.h"
#include "run.h"

/* Temporary failures in a row before cron's mail speaks of them. */
#define RUN_QUIET_FAILURES	3

struct run_args {
	const char	*now;
	int		 dry_run;
	const char	*outdir;	/* where a dry run writes its mail */
};

static int
run_parse(int argc, char **argv, struct run_args *args)
{
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'n' },
		{ "dry-run", optional_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":v", longopts, NULL)) != -1) {
		if (ch == 'n')
			args->now = optarg;
		else if (ch == 'd') {
			args->dry_run = 1;
			args->outdir = optarg != NULL ? optarg : "dry-run";
		}
		else if (ch == 'v')
			log_set_level(log_get_level() + 1);
		else {
			cmd_bad_option("mentormail run", ch, argv);
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/*
 * A server that is briefly down should not fill the coordinator's mailbox
 * with cron mail: from cron (no terminal) a temporary failure is reported
 * only once it has lasted RUN_QUIET_FAILURES runs.
 */
static int
run_failure_is_news(struct db *db)
{
	int64_t	n;

	if (isatty(STDERR_FILENO))
		return 1;
	n = db_query_int(db, NULL, NULL, "SELECT count(*) FROM run WHERE "
	    "id > coalesce((SELECT max(id) FROM run WHERE outcome = 'ok'), 0)",
	    "");
	return n >= RUN_QUIET_FAILURES;
}

static void
run_report(struct db *db, int error, const char *cause)
{
	if (error == 0)
		return;
	if (error == EX_TEMPFAIL && !run_failure_is_news(db))
		log_info("%s (temporary: the next run retries)", cause);
	else if (error == EX_TEMPFAIL)
		log_error("%s (temporary, but %d runs in a row have failed)",
		    cause, RUN_QUIET_FAILURES);
	else
		log_error("%s", cause);
}

/* Load the rules and templates, and do the pass. */
static int
run_program(struct config *cfg, struct db *db, GDateTime *now,
    const struct run_args *args, struct run_counts *counts, char **cause)
{
	struct program	*prog;
	struct run	 run = { .dry_run_dir = args->dry_run ? args->outdir :
			    NULL, .counts = counts };
	int		 error;

	if (program_open(cfg, db, now, &prog, cause) != 0)
		return EX_CONFIG;
	prog->dry_run = args->dry_run;
	run.prog = prog;
	error = run_pass(&run, cause);
	program_free(prog);
	return error;
}

static int
run_locked(struct config *cfg, const struct run_args *args)
{
	struct run_counts	 counts = { 0 };
	struct db		*db;
	GDateTime		*now;
	char			*cause = NULL, *at;
	int64_t			 run;
	int			 error;

	if ((args->dry_run ? db_open_copy(cfg->database, &db, &cause) :
	    db_open(cfg->database, &db, &cause)) != 0) {
		log_error("%s", cause);
		g_free(cause);
		return EX_IOERR;
	}
	/* The one reading of the clock this run makes. */
	now = clock_now();
	at = clock_iso(now);
	run = state_run_start(db, at, &cause);
	g_free(at);
	error = run < 0 ? EX_IOERR : run_program(cfg, db, now, args, &counts,
	    &cause);
	g_date_time_unref(now);
	if (run > 0 && state_run_finish(db, run, error == 0 ? "ok" :
	    error == EX_TEMPFAIL ? "tempfail" : "error", &counts, cause,
	    NULL) != 0)
		log_warn("could not record the end of this run");
	run_report(db, error, cause);
	log_info("fetched %d, recorded %d, duplicates %d, moved %d",
	    counts.fetched, counts.recorded, counts.duplicates, counts.moved);
	g_free(cause);
	db_close(db);
	return error;
}

static int
run_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run_args	 args = { 0 };
	struct config	*cfg;
	char		*cause = NULL, *lockpath;
	int		 fd, error;

	if (run_parse(argc, argv, &args) != 0)
		return cmd_usage(&cmd_run_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	if (args.now != NULL && clock_set(args.now, cfg->tz, &cause) != 0) {
		log_error("--now: %s", cause);
		g_free(cause);
		config_free(cfg);
		return EX_USAGE;
	}
	lockpath = g_strconcat(cfg->database, ".lock", NULL);
	fd = lock_take(lockpath, &cause);
	if (fd == -2)
		log_info("another run holds %s: leaving it to finish", lockpath);
	else if (fd < 0)
		log_error("%s", cause);
	error = fd >= 0 ? run_locked(cfg, &args) : fd == -2 ? 0 : EX_IOERR;
	lock_release(fd);
	g_free(lockpath);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "[--now TIME] [--dry-run[=DIR]] [-v]",
	.help = "fetch, record and answer new mail (one pass, for cron)",
	.exec = run_exec,
};
