/*
 * cmd-report.c -- "mentormail report": the coordinator's report
 * (report.c) of the program now, on standard output.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "program.h"
#include "report.h"

static int
report_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct program	*prog = NULL;
	struct config	*cfg;
	struct db	*db = NULL;
	GDateTime	*now;
	char		*cause = NULL;
	int		 error;

	if (argc != 1)
		return cmd_usage(&cmd_report_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	now = clock_now();
	if (db_open(cfg->database, &db, &cause) != 0)
		error = EX_IOERR;
	else if (program_open(cfg, db, now, &prog, &cause) != 0)
		error = EX_CONFIG;
	else if (report_write(prog, stdout, &cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		log_error("report: %s", cause);
	program_free(prog);
	db_close(db);
	g_date_time_unref(now);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "",
	.help = "where every pair stands, the stipends owed, the evaluations",
	.exec = report_exec,
};
