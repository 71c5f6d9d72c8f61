/*
 * cmd-person.c -- "mentormail person EMAIL": everything the database
 * holds about one person, place by place (state-person.h), as
 * "PLACE: WHAT" lines.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "state-person.h"

static void
person_print(const char *place, const char *text, void *arg)
{
	char	**lines = g_strsplit(text, "\n", -1), *one;

	one = g_strjoinv("\\n", lines);
	printf("%s: %s\n", place, one);
	g_free(one);
	g_strfreev(lines);
}

static int
person_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct db	*db = NULL;
	char		*cause = NULL;
	int		 error, n = 0;

	if (argc != 2)
		return cmd_usage(&cmd_person_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	error = db_open(cfg->database, &db, &cause) == 0 ? 0 : EX_IOERR;
	if (error == 0 && (n = state_person_each(db, argv[1], person_print,
	    NULL, &cause)) < 0)
		error = EX_IOERR;
	if (error != 0)
		log_error("person: %s", cause);
	else if (n == 0) {
		fprintf(stderr, "mentormail: nothing is held about %s\n",
		    argv[1]);
		error = EX_DATAERR;
	}
	db_close(db);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_person_entry = {
	.name = "person",
	.usage = "EMAIL",
	.help = "print everything held about the person at this address",
	.exec = person_exec,
};
