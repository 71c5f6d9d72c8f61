/*
 * cmd-forget.c -- "mentormail forget EMAIL": erase a person's personal
 * data and raw mail, keeping only anonymous counts (state-person.h), and
 * say what was removed.  The audit log keeps that it was done, not whom.
 */
#include <stdio.h>
#include <sysexits.h>

#include <glib.h>

#include "action.h"
#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "state-audit.h"
#include "state-person.h"

static void
forget_print(const char *place, const char *what, int n, void *arg)
{
	printf("  %s: %d %s\n", place, n, what);
}

static void
id_add(const char *id, void *arg)
{
	g_ptr_array_add(arg, g_strdup(id));
}

/* The messages the mail server keeps, which mentormail cannot erase. */
static void
print_server_copies(GPtrArray *ids)
{
	guint	i;

	if (ids->len == 0)
		return;
	printf("The mail server still holds %u of these messages (mentormail "
	    "never deletes mail there); delete them from its folders by "
	    "hand:\n", ids->len);
	for (i = 0; i < ids->len; i++)
		printf("  Message-ID: <%s>\n",
		    (char *)g_ptr_array_index(ids, i));
}

/* In the caller's transaction: erase, say so, log that it was done. */
static int
forget_in(struct db *db, const struct config *cfg, const char *email,
    const char *now, char **cause)
{
	struct match_ctx	 m = { .cfg = cfg, .db = db, .now = now };
	struct action		 a = { .m = &m, .via = "command line" };
	GPtrArray		*ids = g_ptr_array_new_with_free_func(g_free);
	char			*actor, *detail;
	int			 n;

	if (state_person_message_ids(db, email, id_add, ids, cause) != 0) {
		g_ptr_array_unref(ids);
		return EX_IOERR;
	}
	printf("forgetting %s:\n", email);
	if ((n = state_person_forget(db, email, forget_print, NULL,
	    cause)) <= 0) {
		g_ptr_array_unref(ids);
		if (n == 0)
			printf("  nothing is held about this address\n");
		return n < 0 ? EX_IOERR : EX_DATAERR;
	}
	print_server_copies(ids);
	a.actor = actor = g_strdup_printf("user %s", g_get_user_name());
	detail = g_strdup_printf("a person forgotten: %d rows erased", n);
	n = action_log(&a, "forget", AUDIT_DONE, detail, cause);
	g_free(detail);
	g_free(actor);
	g_ptr_array_unref(ids);
	return n == 0 ? 0 : EX_IOERR;
}

static int
forget_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config	*cfg;
	struct db	*db = NULL;
	char		*cause = NULL, *now;
	int		 error;

	if (argc != 2)
		return cmd_usage(&cmd_forget_entry);
	if ((error = cmd_load_config(ctx, &cfg)) != 0)
		return error;
	now = clock_now_iso();
	error = db_open(cfg->database, &db, &cause) == 0 &&
	    db_begin(db, &cause) == 0 ? 0 : EX_IOERR;
	if (error == 0)
		error = forget_in(db, cfg, argv[1], now, &cause);
	if (error == 0 && db_commit(db, &cause) != 0)
		error = EX_IOERR;
	if (error != 0 && db != NULL)
		db_rollback(db);
	if (error == EX_IOERR)
		log_error("forget: %s", cause);
	db_close(db);
	g_free(cause);
	g_free(now);
	config_free(cfg);
	return error;
}

const struct cmd_entry cmd_forget_entry = {
	.name = "forget",
	.usage = "EMAIL",
	.help = "erase a person's personal data and raw mail, keeping only "
	    "anonymous counts",
	.exec = forget_exec,
};
