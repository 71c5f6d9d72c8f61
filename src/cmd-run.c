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
#include "intake.h"
#include "lock.h"
#include "log.h"
#include "match.h"
#include "outbox.h"
#include "process.h"

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
	while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		if (ch == 'n')
			args->now = optarg;
		else if (ch == 'd') {
			args->dry_run = 1;
			args->outdir = optarg != NULL ? optarg : "dry-run";
		}
		else if (ch == 'v')
			log_set_level(log_get_level() + 1);
		else
			return -1;
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

/* Send what is due; with a dry run, write it to args->outdir instead. */
static int
run_flush(struct config *cfg, struct db *db, const struct run_args *args,
    char **cause)
{
	struct outbox_counts	c = { 0 };
	int			error;

	error = outbox_flush(cfg, db, args->dry_run ? args->outdir : NULL, &c,
	    cause);
	if (c.due > 0)
		log_info("outbox: %d due, %d sent, %d deferred, %d failed",
		    c.due, c.sent, c.deferred, c.failed);
	if (args->dry_run && c.sent > 0)
		printf("dry run: %d mails written to %s\n", c.sent, args->outdir);
	return error;
}

/*
 * Propose matches for whoever is waiting, in one transaction with the
 * coordinators' mail listing them when any are new.
 */
static int
run_match(struct config *cfg, struct db *db, struct process *proc,
    char **cause)
{
	struct match_report	*report = NULL;
	char			*now = clock_now_iso();
	struct match_ctx	 m = { cfg, db, process_rules(proc),
				    process_replies(proc), now };
	int			 error;

	if ((error = match_pool_changed(&m, cause)) <= 0) {
		g_free(now);
		return error == 0 ? 0 : EX_IOERR;
	}
	error = db_begin(db, cause);
	if (error == 0)
		error = match_propose(&m, &report, cause);
	if (error == 0)
		error = match_notify(&m, report, cause);
	if (error == 0)
		error = db_commit(db, cause);
	if (error != 0)
		db_rollback(db);
	else if (report->created > 0)
		log_info("%d new match proposals", report->created);
	match_report_free(report);
	g_free(now);
	return error == 0 ? 0 : EX_IOERR;
}

/*
 * Intake, then the outbox.  Mail queued by earlier runs is sent even when
 * the mailbox cannot be read now; the first failure is what is reported.
 */
static int
run_pass(struct config *cfg, struct db *db, const struct run_args *args,
    struct run_counts *counts, char **cause)
{
	struct intake_options	 opts = { .dry_run = args->dry_run };
	char			*flush_cause = NULL;
	int			 error, flush_error;

	if (process_open(cfg, &opts.process, cause) != 0)
		return EX_CONFIG;
	error = intake_run(cfg, db, &opts, counts, cause);
	if (error == 0)
		error = run_match(cfg, db, opts.process, cause);
	process_free(opts.process);
	flush_error = run_flush(cfg, db, args, &flush_cause);
	if (error == 0 && flush_error != 0) {
		error = flush_error;
		*cause = flush_cause;
	} else if (flush_error != 0) {
		log_warn("%s", flush_cause);
		g_free(flush_cause);
	}
	return error;
}

static int
run_locked(struct config *cfg, const struct run_args *args)
{
	struct run_counts	 counts = { 0 };
	struct db		*db;
	char			*cause = NULL, *now;
	int64_t			 run;
	int			 error;

	if ((args->dry_run ? db_open_copy(cfg->database, &db, &cause) :
	    db_open(cfg->database, &db, &cause)) != 0) {
		log_error("%s", cause);
		g_free(cause);
		return EX_IOERR;
	}
	now = clock_now_iso();
	run = state_run_start(db, now, &cause);
	g_free(now);
	error = run < 0 ? EX_IOERR : run_pass(cfg, db, args, &counts, &cause);
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
