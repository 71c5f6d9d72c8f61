/*
 * run.c -- the phases of one pass (run.h).
 */
#include <sys/resource.h>

#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "calendar.h"
#include "config.h"
#include "db.h"
#include "digest.h"
#include "intake.h"
#include "log.h"
#include "match.h"
#include "outbox.h"
#include "program.h"
#include "run.h"

struct phase {
	const char	*name;
	int		(*run)(struct run *, char **cause);
	int		 always;	/* runs after an earlier failure too */
};

static int
phase_intake(struct run *run, char **cause)
{
	struct intake_options	opts = { .dry_run = run->prog->dry_run,
				    .prog = run->prog };

	return intake_run(run->prog->cfg, run->prog->db, &opts, run->counts,
	    cause);
}

/*
 * Propose matches for whoever is waiting, when the pool changed since the
 * last round, in one transaction with the coordinators' mail listing them
 * when any are new.
 */
static int
phase_match(struct run *run, char **cause)
{
	struct program		*p = run->prog;
	struct match_report	*report = NULL;
	struct match_ctx	 m = match_ctx_of(p);
	int			 error;

	if ((error = match_pool_changed(&m, cause)) <= 0)
		return error == 0 ? 0 : EX_IOERR;
	error = db_begin(p->db, cause);
	if (error == 0)
		error = match_propose(&m, &report, cause);
	if (error == 0)
		error = match_notify(&m, report, cause);
	if (error == 0)
		error = db_commit(p->db, cause);
	if (error != 0)
		db_rollback(p->db);
	else if (report->created > 0)
		log_info("%d new match proposals", report->created);
	match_report_free(report);
	return error == 0 ? 0 : EX_IOERR;
}

/* What the program calendar asks of each pair today. */
static int
phase_calendar(struct run *run, char **cause)
{
	return calendar_run(run->prog, cause);
}

static int
phase_digest(struct run *run, char **cause)
{
	return digest_run(run->prog, cause);
}

/* Runs on after a failure: that is when the alarm matters. */
static int
phase_health(struct run *run, char **cause)
{
	return digest_health(run->prog, run->failed, cause);
}

/* Send what is due; with a dry run, write it to the directory instead. */
static int
phase_flush(struct run *run, char **cause)
{
	struct outbox_counts	c = { 0 };
	int			error;

	error = outbox_flush(run->prog->cfg, run->prog->db, run->dry_run_dir,
	    &c, cause);
	if (c.due > 0)
		log_info("outbox: %d due, %d sent, %d deferred, %d failed",
		    c.due, c.sent, c.deferred, c.failed);
	if (run->dry_run_dir != NULL && c.sent > 0)
		printf("dry run: %d mails written to %s\n", c.sent,
		    run->dry_run_dir);
	/*
	 * Every mail refused is no success: most likely the server will not
	 * take mail from us at all (a relay refused, a sender not allowed).
	 */
	if (error == 0 && c.due > 0 && c.failed == c.due) {
		cause_set(cause, "the SMTP server refused every mail due "
		    "(%d): see \"mentormail outbox\"", c.due);
		error = EX_UNAVAILABLE;
	}
	return error;
}

static const struct phase phases[] = {
	{ "intake", phase_intake, 0 },
	{ "match", phase_match, 0 },
	{ "calendar", phase_calendar, 0 },
	{ "digest", phase_digest, 0 },
	{ "health", phase_health, 1 },
	{ "flush", phase_flush, 1 },
};

/*
 * With -v -v, what each phase took: its time, and the run's peak memory
 * after it (where `make bench` sees a run grow, this says which phase).
 */
static void
phase_log(const struct phase *ph, gint64 start)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		ru.ru_maxrss = 0;
	log_debug("phase %s: %.1f ms, peak RSS %ld KiB so far", ph->name,
	    (double)(g_get_monotonic_time() - start) / 1000, ru.ru_maxrss);
}

int
run_pass(struct run *run, char **cause)
{
	char	*why;
	size_t	 i;
	gint64	 start;
	int	 error = 0, e;

	for (i = 0; i < G_N_ELEMENTS(phases); i++) {
		if (error != 0 && !phases[i].always)
			continue;
		why = NULL;
		start = g_get_monotonic_time();
		e = phases[i].run(run, &why);
		phase_log(&phases[i], start);
		if (e == 0)
			continue;
		run->failed = 1;
		if (error == 0) {
			error = e;
			*cause = why;
		} else {
			log_warn("%s: %s", phases[i].name, why);
			g_free(why);
		}
	}
	return error;
}
