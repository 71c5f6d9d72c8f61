/*
 * action.c -- the coordinator's commands, as a table (action.h).
 *
 * The table is also the documentation: `help` by mail prints it, and the
 * command line's usage names the same commands.  Commands of the program
 * calendar (extend, remind, report, export stipends) join it with the
 * calendar.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "action.h"
#include "compose.h"
#include "calendar.h"
#include "calendar-date.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "report.h"
#include "state-audit.h"
#include "state-calendar.h"
#include "state-message.h"
#include "state-outbox.h"
#include "state-participant.h"
#include "state-report.h"

static int	act_approve(struct action *, int, char **, char **);
static int	act_reject(struct action *, int, char **, char **);
static int	act_pin(struct action *, int, char **, char **);
static int	act_withdraw(struct action *, int, char **, char **);
static int	act_end(struct action *, int, char **, char **);
static int	act_extend(struct action *, int, char **, char **);
static int	act_remind(struct action *, int, char **, char **);
static int	act_report(struct action *, int, char **, char **);
static int	act_export(struct action *, int, char **, char **);
static int	act_status(struct action *, int, char **, char **);
static int	act_help(struct action *, int, char **, char **);

#define BOTH	(ACTION_CLI | ACTION_MAIL)

static const struct action_entry action_table[] = {
	{ "approve", "ID...", "introduce the pairs of these proposals to "
	    "each other", 1, -1, BOTH, act_approve },
	{ "reject", "ID...", "never propose these pairs again", 1, -1, BOTH,
	    act_reject },
	{ "pin", "MENTEE MENTOR", "always pair these two (by address)", 2, 2,
	    BOTH, act_pin },
	{ "exclude", "MENTEE MENTOR", "never pair these two (by address)", 2,
	    2, BOTH, act_pin },
	{ "withdraw", "EMAIL [REASON]", "take this participant out of the "
	    "program: pending proposals withdrawn, matches ended", 1, -1,
	    BOTH, act_withdraw },
	{ "end", "MATCH REASON", "end this mentorship today: the pair get "
	    "the end-of-mentorship mail and the evaluation requests", 2, -1,
	    BOTH, act_end },
	{ "extend", "MATCH SPAN", "move the end of this mentorship later "
	    "(\"extend 4 3 months\")", 2, -1, BOTH, act_extend },
	{ "remind", "MATCH", "remind the pair now of what they owe first "
	    "(goals, first meeting, evaluation)", 1, 1, BOTH, act_remind },
	{ "report", "", "where every pair stands, the stipends owed, the "
	    "evaluations", 0, 0, ACTION_MAIL, act_report },
	{ "export", "goals|meetings|stipends|evaluations", "that record as "
	    "a CSV file attached to the answer", 1, 1, ACTION_MAIL,
	    act_export },
	{ "status", "", "the state of the program, as mentormail status "
	    "prints it", 0, 0, ACTION_MAIL, act_status },
	{ "help", "", "this list", 0, 0, ACTION_MAIL, act_help },
};

const struct action_entry *
action_find(const char *name, int where)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(action_table); i++) {
		if (g_ascii_strcasecmp(action_table[i].name, name) == 0 &&
		    (action_table[i].where & where) != 0)
			return &action_table[i];
	}
	return NULL;
}

int
action_run(struct action *a, int where, int argc, char **argv, char **cause)
{
	const struct action_entry	*e;
	int				 n = argc - 1;

	if (argc < 1 || (e = action_find(argv[0], where)) == NULL) {
		cause_set(cause, "unknown command \"%s\"", argc > 0 ? argv[0] :
		    "");
		return ACTION_UNKNOWN;
	}
	if (n < e->min_args || (e->max_args >= 0 && n > e->max_args)) {
		cause_set(cause, "usage: %s%s%s", e->name, *e->usage != '\0' ?
		    " " : "", e->usage);
		return ACTION_USAGE;
	}
	return e->exec(a, argc, argv, cause) == 0 ? ACTION_DONE :
	    ACTION_FAILED;
}

int
action_log(const struct action *a, const char *command, const char *outcome,
    const char *detail, char **cause)
{
	struct audit_entry	e = { .at = a->m->now, .actor = a->actor,
				    .via = a->via, .message = a->message,
				    .line = a->line, .command = command,
				    .outcome = outcome, .detail = detail };

	return state_audit_add(a->m->db, &e, cause);
}

static int
match_number(const char *word, int64_t *id, char **cause)
{
	char	*end;

	*id = g_ascii_strtoll(word, &end, 10);
	if (*end != '\0' || *id <= 0)
		return cause_set(cause, "\"%s\" is not a match number", word);
	return 0;
}

/* Match numbers, all read before any is acted on. */
static int
read_ids(int argc, char **argv, GArray *ids, char **cause)
{
	int64_t	 id;
	int	 i;

	for (i = 1; i < argc; i++) {
		if (match_number(argv[i], &id, cause) != 0)
			return -1;
		g_array_append_val(ids, id);
	}
	return 0;
}

static int
act_ids(struct action *a, int argc, char **argv, char **cause,
    int (*act)(struct match_ctx *, int64_t, char **), const char *done)
{
	GArray	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t	 id;
	guint	 i;
	int	 error;

	error = read_ids(argc, argv, ids, cause);
	for (i = 0; error == 0 && i < ids->len; i++) {
		id = g_array_index(ids, int64_t, i);
		if ((error = act(a->m, id, cause)) == 0)
			g_string_append_printf(a->said, "match %lld %s\n",
			    (long long)id, done);
	}
	g_array_unref(ids);
	return error;
}

static int
act_approve(struct action *a, int argc, char **argv, char **cause)
{
	return act_ids(a, argc, argv, cause, match_approve,
	    "approved: introductions queued");
}

static int
act_reject(struct action *a, int argc, char **argv, char **cause)
{
	return act_ids(a, argc, argv, cause, match_reject, "rejected");
}

/* pin or exclude, as argv[0] says, and what it means now. */
static int
act_pin(struct action *a, int argc, char **argv, char **cause)
{
	int	 pin = g_ascii_strcasecmp(argv[0], "pin") == 0;
	char	*outlook;

	if ((pin ? match_pin : match_exclude)(a->m, argv[1], argv[2],
	    cause) != 0 || match_rule_outlook(a->m, argv[1], argv[2],
	    &outlook, cause) != 0)
		return -1;
	g_string_append_printf(a->said, "%s: %s and %s\n%s", pin ? "pin" :
	    "exclude", argv[1], argv[2], outlook);
	g_free(outlook);
	return 0;
}

/* The words from argv[from] on, as one reason; NULL when none. */
static char *
reason_of(int argc, char **argv, int from)
{
	if (from >= argc)
		return NULL;
	return g_strjoinv(" ", argv + from);
}

static int
act_withdraw(struct action *a, int argc, char **argv, char **cause)
{
	char	*reason = reason_of(argc, argv, 2);
	int	 error;

	error = match_withdraw(a->m, argv[1], reason, a->said, cause);
	g_free(reason);
	return error;
}

static int
act_end(struct action *a, int argc, char **argv, char **cause)
{
	char	*reason;
	int64_t	 id;
	int	 error;

	if (match_number(argv[1], &id, cause) != 0)
		return -1;
	reason = reason_of(argc, argv, 2);
	error = match_end(a->m, id, reason, cause);
	if (error == 0)
		g_string_append_printf(a->said, "match %lld ended today: %s "
		    "(the pair are sent the end-of-mentorship mail)\n",
		    (long long)id, reason);
	g_free(reason);
	return error;
}

/* "14 October 2026" for a stored day. */
static char *
day_of(const char *iso)
{
	GDate	d;

	return date_parse(iso, &d) == 0 ? date_text(&d) : g_strdup(iso);
}

static int
act_extend(struct action *a, int argc, char **argv, char **cause)
{
	struct span	 by;
	char		*text, *ends = NULL, *t;
	int64_t		 id;
	int		 error;

	if (match_number(argv[1], &id, cause) != 0)
		return -1;
	text = g_strjoinv(" ", argv + 2);
	error = span_parse(text, 0, &by, cause);
	g_free(text);
	if (error != 0)
		return -1;
	if (span_is_zero(&by))
		return cause_set(cause, "extend by how long? (\"extend %lld "
		    "3 months\")", (long long)id);
	if (match_extend(a->m, id, &by, &ends, cause) != 0)
		return -1;
	t = day_of(ends);
	g_string_append_printf(a->said, "match %lld extended: it now ends "
	    "on %s\n", (long long)id, t);
	g_free(t);
	g_free(ends);
	return 0;
}

static int
act_remind(struct action *a, int argc, char **argv, char **cause)
{
	struct pair	*p = NULL;
	const char	*what;
	int64_t		 id;
	int		 found;

	if (match_number(argv[1], &id, cause) != 0)
		return -1;
	if ((found = state_calendar_pair(a->m->db, id, &p, cause)) < 0)
		return -1;
	if (found == 0)
		return cause_set(cause, "match %lld is not a mentorship "
		    "mentormail follows", (long long)id);
	found = calendar_remind(a->m->prog, p, &what, cause);
	if (found == 0)
		g_string_append_printf(a->said, "match %lld reminded of %s\n",
		    (long long)id, what);
	pair_free(p);
	return found;
}

/* What `write` puts in a FILE (*len bytes, caller frees), or NULL. */
static char *
written(int (*write)(void *, FILE *, char **), void *arg, size_t *len,
    char **cause)
{
	char	*buf = NULL;
	FILE	*f;
	int	 error;

	if ((f = open_memstream(&buf, len)) == NULL) {
		cause_set(cause, "open_memstream: %s", g_strerror(errno));
		return NULL;
	}
	error = write(arg, f, cause);
	if (fclose(f) != 0 && error == 0)
		error = cause_set(cause, "out of memory for the answer");
	if (error != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
write_report(void *arg, FILE *f, char **cause)
{
	return report_write(arg, f, cause);
}

/* The report, in the answer; the audit log keeps only that it was sent. */
static int
act_report(struct action *a, int argc, char **argv, char **cause)
{
	char	*text;
	size_t	 len;

	if ((text = written(write_report, a->m->prog, &len, cause)) == NULL)
		return -1;
	g_string_append_len(a->said, text, (gssize)len);
	free(text);
	a->log_as = "the report, in the answer";
	return 0;
}

struct export_arg {
	struct db	*db;
	const char	*what;
};

static int
write_export(void *arg, FILE *f, char **cause)
{
	struct export_arg	*e = arg;
	int			 error;

	error = state_export_csv(e->db, e->what, f, cause);
	if (error == 1)
		return cause_set(cause, "there is no export \"%s\": goals, "
		    "meetings, stipends or evaluations", e->what);
	return error;
}

/* The export as a CSV file attached to the answer. */
static int
act_export(struct action *a, int argc, char **argv, char **cause)
{
	struct export_arg	 e = { .db = a->m->db, .what = argv[1] };
	struct compose_file	 file;
	size_t			 len, rows = 0, i;
	char			*csv;

	if (a->files == NULL)
		return cause_set(cause, "an export goes as a file attached "
		    "to a mail: use mentormail export %s", argv[1]);
	if ((csv = written(write_export, &e, &len, cause)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		rows += csv[i] == '\n';
	file = (struct compose_file){ .name = g_strdup_printf("%s.csv",
	    argv[1]), .data = csv, .len = len };
	g_array_append_val(a->files, file);
	g_string_append_printf(a->said, "%s attached (%zu line%s after its "
	    "header)\n", file.name, rows > 0 ? rows - 1 : 0, rows == 2 ? "" :
	    "s");
	return 0;
}

void
action_files_free(GArray *files)
{
	struct compose_file	*f;
	guint			 i;

	if (files == NULL)
		return;
	for (i = 0; i < files->len; i++) {
		f = &g_array_index(files, struct compose_file, i);
		g_free((char *)f->name);
		free((char *)f->data);
	}
	g_array_unref(files);
}

static void
status_line(const char *key, const char *value, void *arg)
{
	g_string_append_printf(arg, "%s: %s\n", key, value);
}

int
action_status(const struct config *cfg, struct db *db, state_status_fn fn,
    void *arg, char **cause)
{
	char	*v;

	fn("program.name", cfg->name, arg);
	v = g_strdup_printf("%d", db_schema_version(db));
	fn("database.schema", v, arg);
	g_free(v);
	if (state_status(db, cfg->mailbox, fn, arg, cause) != 0 ||
	    state_outbox_status(db, fn, arg, cause) != 0 ||
	    state_participant_status(db, fn, arg, cause) != 0 ||
	    state_calendar_status(db, fn, arg, cause) != 0)
		return -1;
	return 0;
}

static int
act_status(struct action *a, int argc, char **argv, char **cause)
{
	return action_status(a->m->cfg, a->m->db, status_line, a->said,
	    cause);
}

static int
act_help(struct action *a, int argc, char **argv, char **cause)
{
	const struct action_entry	*e;
	size_t				 i;

	for (i = 0; i < G_N_ELEMENTS(action_table); i++) {
		e = &action_table[i];
		if ((e->where & ACTION_MAIL) != 0)
			g_string_append_printf(a->said, "%s%s%s\n  %s\n",
			    e->name, *e->usage != '\0' ? " " : "", e->usage,
			    e->help);
	}
	return 0;
}
