/*
 * cmd-export.c -- "mentormail export participants": the program's data as
 * CSV (RFC 4180) on stdout, with the canonical field names as the header,
 * for the coordinator's spreadsheet.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "state-match.h"
#include "state-participant.h"
#include "state-report.h"

/* What can be exported: a name and the function that writes it. */
static const struct {
	const char	*name;
	int		(*write)(struct db *, FILE *, char **);
} exports[] = {
	{ "participants", participant_export_csv },
	{ "matches", state_match_export_csv },
	{ "goals", NULL },
	{ "meetings", NULL },
	{ "stipends", NULL },
	{ "evaluations", NULL },
};

/* The calendar's exports are state-report.c's table. */
static int
export_write(size_t i, struct db *db, char **cause)
{
	if (exports[i].write != NULL)
		return exports[i].write(db, stdout, cause);
	return state_export_csv(db, exports[i].name, stdout, cause) == 0 ?
	    0 : -1;
}

static int
export_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct db	*db = NULL;
	char		*cause = NULL;
	size_t		 i;
	int		 error;

	for (i = 0; argc == 2 && i < G_N_ELEMENTS(exports); i++) {
		if (strcmp(argv[1], exports[i].name) == 0)
			break;
	}
	if (argc != 2 || i == G_N_ELEMENTS(exports))
		return cmd_usage(&cmd_export_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	error = db_open(cfg->database, &db, &cause) == 0 ? 0 : EX_IOERR;
	if (error == 0 && export_write(i, db, &cause) != 0)
		error = EX_IOERR;
	if (error == 0 && fflush(stdout) != 0)
		error = EX_IOERR;
	if (error != 0)
		log_error("export %s: %s", argv[1], cause != NULL ? cause :
		    "cannot write");
	db_close(db);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "participants | matches | goals | meetings | stipends | "
	    "evaluations",
	.help = "write the program's data as CSV on stdout",
	.exec = export_exec,
};
