/*
 * cmd-reprocess.c -- "mentormail reprocess UID... | all": handle again
 * messages that failed or could not be decoded, from the raw bytes the
 * database kept, once the rules or templates that failed them are fixed.
 * Each is decoded afresh and handled as a run would, in a transaction of
 * its own; then the outbox is flushed.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "intake.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "process.h"
#include "program.h"
#include "state-message.h"

/* Decode stored message `m` again and handle it; report on stdout. */
static int
again(struct program *prog, struct message_stored *m, char **cause)
{
	struct message_record	 r = { .mailbox = m->mailbox,
		.uidvalidity = m->uidvalidity, .uid = m->uid,
		.internaldate = m->internaldate, .raw = m->raw, .size = m->size,
		.hash = m->hash, .recorded_at = prog->now_iso };
	struct mime_msg		*msg = NULL;
	char			*mime_cause = NULL;
	int			 error, failed = 0;

	if (mime_parse(m->raw, m->size, &msg, &mime_cause) != 0)
		msg = NULL;
	intake_describe(prog->cfg, &r, msg, mime_cause);
	error = state_message_redecode(prog->db, m->id, &r, cause) == 0 ?
	    0 : EX_IOERR;
	if (error == 0)
		error = process_message(prog, m->id, &r, msg, &failed, cause);
	if (error == 0)
		printf("UID %u: %s\n", m->uid, failed ? "failed again (see "
		    "the log)" : r.outcome);
	mime_msg_free(msg);
	g_free(mime_cause);
	return error;
}

/* One message, in its own transaction. */
static int
reprocess_one(struct program *prog, int64_t id, char **cause)
{
	struct message_stored	*m;
	int			 found, error;

	if (db_begin(prog->db, cause) != 0)
		return EX_IOERR;
	found = state_message_get(prog->db, id, &m, cause);
	if (found <= 0) {
		db_rollback(prog->db);
		return found < 0 ? EX_IOERR : 0;
	}
	if (strcmp(m->outcome, "failed") != 0 &&
	    strcmp(m->outcome, "unparseable") != 0) {
		printf("UID %u: %s already, not handled again\n", m->uid,
		    m->outcome);
		error = 0;
	} else
		error = again(prog, m, cause);
	state_message_stored_free(m);
	if (error == 0 && db_commit(prog->db, cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		db_rollback(prog->db);
	return error;
}

/* The message ids the arguments name: UIDs of the mailbox, or "all". */
static int
reprocess_ids(struct program *prog, int argc, char **argv, GArray **ids,
    char **cause)
{
	int64_t	 id, uid;
	char	*end;
	int	 i;

	if (argc == 2 && strcmp(argv[1], "all") == 0)
		return state_message_failed_ids(prog->db, ids, cause) == 0 ?
		    0 : EX_IOERR;
	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	for (i = 1; i < argc; i++) {
		uid = g_ascii_strtoll(argv[i], &end, 10);
		if (*end != '\0' || uid <= 0 || uid > G_MAXUINT32) {
			cause_set(cause, "\"%s\" is not a UID", argv[i]);
			return EX_USAGE;
		}
		id = state_message_by_uid(prog->db, prog->cfg->mailbox,
		    (uint32_t)uid, cause);
		if (id < 0)
			return EX_IOERR;
		if (id == 0) {
			cause_set(cause, "no message was recorded with UID "
			    "%lld in %s", (long long)uid, prog->cfg->mailbox);
			return EX_DATAERR;
		}
		g_array_append_val(*ids, id);
	}
	return 0;
}

static int
reprocess_all(struct program *prog, int argc, char **argv, char **cause)
{
	struct outbox_counts	 c;
	GArray			*ids = NULL;
	guint			 i;
	int			 error;

	error = reprocess_ids(prog, argc, argv, &ids, cause);
	for (i = 0; error == 0 && ids != NULL && i < ids->len; i++)
		error = reprocess_one(prog, g_array_index(ids, int64_t, i),
		    cause);
	if (ids != NULL)
		g_array_unref(ids);
	if (error == 0 && outbox_flush(prog->cfg, prog->db, NULL, &c,
	    cause) != 0) {
		log_warn("not sent yet, the next run retries: %s", *cause);
		g_clear_pointer(cause, g_free);
	}
	return error;
}

static int
reprocess_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct program	*prog = NULL;
	struct db	*db = NULL;
	GDateTime	*now = clock_now();
	char		*cause = NULL;
	int		 error;

	if (argc < 2) {
		g_date_time_unref(now);
		return cmd_usage(&cmd_reprocess_entry);
	}
	if ((error = cmd_load_config(ctx, &cfg)) != 0) {
		g_date_time_unref(now);
		return error;
	}
	if (db_open(cfg->database, &db, &cause) != 0)
		error = EX_IOERR;
	else if (program_open(cfg, db, now, &prog, &cause) != 0)
		error = EX_CONFIG;
	else
		error = reprocess_all(prog, argc, argv, &cause);
	if (error == EX_USAGE)
		cmd_usage(&cmd_reprocess_entry);
	if (error != 0)
		fprintf(stderr, "mentormail: reprocess: %s\n", cause);
	program_free(prog);
	db_close(db);
	g_date_time_unref(now);
	g_free(cause);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_reprocess_entry = {
	.name = "reprocess",
	.usage = "UID... | all",
	.help = "handle again messages that failed (after fixing the rules "
	    "or templates)",
	.exec = reprocess_exec,
};
