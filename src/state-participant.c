/*
 * state-participant.c -- the SQL behind state-participant.h.
 *
 * Fields are stored as (participant, name, value) rows rather than one
 * column each, so that a program's new form field needs no migration; the
 * canonical names are the contract (rules_field_names()).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "csv.h"
#include "db.h"
#include "log.h"
#include "rules.h"
#include "state-participant.h"

static int
participant_find_or_create(struct db *db, const char *email, const char *form,
    const char *now, int64_t *id, int *created, char **cause)
{
	int	found;

	*id = db_query_int(db, cause, &found,
	    "SELECT id FROM participant WHERE email = ?", "t", email);
	if (found < 0)
		return -1;
	*created = !found;
	if (found)
		return 0;
	if (db_exec(db, cause, "INSERT INTO participant (email, form, status, "
	    "created_at, updated_at) VALUES (?, ?, 'incomplete', ?, ?)",
	    "tttt", email, form, now, now) < 0)
		return -1;
	*id = db_last_id(db);
	return 0;
}

struct old_value {
	char	*text;
	int	 found;
};

static int
old_value_row(struct db_row *row, void *arg)
{
	struct old_value	*v = arg;

	v->text = g_strdup(db_row_text(row, 0));
	v->found = 1;
	return 1;
}

/*
 * Write one field if it changed, with a history row.  A participant just
 * created has no field yet to read.
 */
static int
participant_set_field(struct db *db, int64_t id, int created,
    const char *name, const char *value, int64_t message, const char *now,
    char **cause)
{
	struct old_value	 old = { NULL, 0 };
	int			 error = 0;

	if (!created && db_query(db, cause, old_value_row, &old, "SELECT "
	    "value FROM participant_field WHERE participant = ? AND name = ?",
	    "it", id, name) < 0)
		return -1;
	if (old.found && g_strcmp0(old.text, value) == 0) {
		g_free(old.text);
		return 0;
	}
	if (db_exec(db, cause, "INSERT INTO participant_field (participant, "
	    "name, value) VALUES (?, ?, ?) ON CONFLICT (participant, name) "
	    "DO UPDATE SET value = excluded.value", "itt", id, name, value) < 0 ||
	    db_exec(db, cause, "INSERT INTO participant_change (participant, "
	    "message, field, old_value, new_value, changed_at) VALUES "
	    "(?, ?, ?, ?, ?, ?)", "iitttt", id, message, name, old.text,
	    value, now) < 0)
		error = -1;
	g_free(old.text);
	return error;
}

/* Whether field `i` of `x` has a name that an earlier one has. */
static int
named_before(const struct extraction *x, guint i)
{
	const struct extract_field	*f = g_ptr_array_index(x->fields, i);
	guint				 k;

	for (k = 0; k < i; k++) {
		if (strcmp(((const struct extract_field *)g_ptr_array_index(
		    x->fields, k))->name, f->name) == 0)
			return 1;
	}
	return 0;
}

int
participant_apply(struct db *db, const char *email,
    const struct extraction *x, int64_t message, const char *now,
    int64_t *id, int *created, char **cause)
{
	const struct extract_field	*f;
	guint				 i;

	if (participant_find_or_create(db, email, x->form, now, id, created,
	    cause) != 0)
		return -1;
	for (i = 0; i < x->fields->len; i++) {
		f = g_ptr_array_index(x->fields, i);
		if (participant_set_field(db, *id, *created &&
		    !named_before(x, i), f->name, f->value, message, now,
		    cause) != 0)
			return -1;
	}
	if (db_exec(db, cause, "UPDATE participant SET updated_at = ?, "
	    "form = coalesce(?, form) WHERE id = ?", "tti", now, x->form,
	    *id) < 0)
		return -1;
	return 0;
}

int
participant_set_status(struct db *db, int64_t id, const char *status,
    const char *reason, const char *now, char **cause)
{
	if (db_exec(db, cause, "UPDATE participant SET status = ?, reason = ?, "
	    "updated_at = ? WHERE id = ?", "ttti", status, reason, now, id) < 0)
		return -1;
	return 0;
}

static int
field_row(struct db_row *row, void *arg)
{
	g_hash_table_insert(arg, g_strdup(db_row_text(row, 0)),
	    g_strdup(db_row_text(row, 1)));
	return 0;
}

GHashTable *
participant_fields(struct db *db, int64_t id, char **cause)
{
	GHashTable	*t;

	t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (db_query(db, cause, field_row, t, "SELECT name, value FROM "
	    "participant_field WHERE participant = ?", "i", id) < 0) {
		g_hash_table_destroy(t);
		return NULL;
	}
	return t;
}

struct csv_out {
	struct db	*db;
	FILE		*out;
	char		**cause;
	int		 error;
};

/* Extra columns after the canonical fields. */
static const char *const csv_extra[] = { "status", "reason", "form",
    "applied_at", "updated_at", NULL };

struct form_email {
	char	**form;
	char	**email;
};

static int
form_email_row(struct db_row *row, void *arg)
{
	struct form_email	*fe = arg;

	*fe->form = g_strdup(db_row_text(row, 0));
	*fe->email = g_strdup(db_row_text(row, 1));
	return 1;
}

int
participant_form_email(struct db *db, int64_t id, char **form, char **email,
    char **cause)
{
	struct form_email	fe = { form, email };

	*form = *email = NULL;
	return db_query(db, cause, form_email_row, &fe, "SELECT form, email "
	    "FROM participant WHERE id = ?", "i", id);
}

int
participant_contact(struct db *db, int64_t id, char **name, char **email,
    char **cause)
{
	struct form_email	fe = { name, email };

	*name = *email = NULL;
	return db_query(db, cause, form_email_row, &fe, "SELECT (SELECT value "
	    "FROM participant_field WHERE participant = p.id AND name = "
	    "'name'), email FROM participant p WHERE id = ?", "i", id);
}

struct id_status {
	int64_t	  id;
	char	**status;
};

static int
id_status_row(struct db_row *row, void *arg)
{
	struct id_status	*is = arg;

	is->id = db_row_int(row, 0);
	*is->status = g_strdup(db_row_text(row, 1));
	return 1;
}

int64_t
participant_by_email(struct db *db, const char *email, char **status,
    char **cause)
{
	struct id_status	is = { 0, status };

	*status = NULL;
	if (db_query(db, cause, id_status_row, &is, "SELECT id, status FROM "
	    "participant WHERE email = ?", "t", email) < 0)
		return -1;
	return is.id;
}

int64_t
participant_incomplete(struct db *db, const char *email, char **cause)
{
	return db_query_int(db, cause, NULL, "SELECT id FROM participant "
	    "WHERE email = ? AND status = 'incomplete'", "t", email);
}

static void
csv_header(FILE *out)
{
	const char *const	*names = rules_application_field_names();
	GString			*line = g_string_new(NULL);
	size_t			 i;

	for (i = 0; names[i] != NULL; i++)
		g_string_append_printf(line, "%s%s", i ? "," : "", names[i]);
	for (i = 0; csv_extra[i] != NULL; i++)
		g_string_append_printf(line, ",%s", csv_extra[i]);
	fprintf(out, "%s\r\n", line->str);
	g_string_free(line, TRUE);
}

static int
csv_row(struct db_row *row, void *arg)
{
	struct csv_out		*c = arg;
	const char *const	*names = rules_application_field_names();
	GHashTable		*fields;
	GString			*line = g_string_new(NULL);
	size_t			 i;

	fields = participant_fields(c->db, db_row_int(row, 0), c->cause);
	if (fields == NULL) {
		c->error = -1;
		g_string_free(line, TRUE);
		return 1;
	}
	for (i = 0; names[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(line, ',');
		csv_cell(line, g_hash_table_lookup(fields, names[i]));
	}
	for (i = 0; csv_extra[i] != NULL; i++) {
		g_string_append_c(line, ',');
		csv_cell(line, db_row_text(row, (int)i + 1));
	}
	fprintf(c->out, "%s\r\n", line->str);
	g_string_free(line, TRUE);
	g_hash_table_destroy(fields);
	return 0;
}

int
participant_export_csv(struct db *db, FILE *out, char **cause)
{
	struct csv_out	c = { db, out, cause, 0 };

	csv_header(out);
	if (db_query(db, cause, csv_row, &c, "SELECT id, status, reason, form, "
	    "created_at, updated_at FROM participant ORDER BY id", "") < 0)
		return -1;
	return c.error;
}

char *
participant_status(struct db *db, int64_t id, char **cause)
{
	return db_query_text(db, cause, NULL, "SELECT status FROM participant "
	    "WHERE id = ?", "i", id);
}

int
state_participants_open(struct db *db, const char *now, char **cause)
{
	return db_exec(db, cause, "UPDATE participant SET status = 'applied', "
	    "updated_at = ? WHERE status = 'waiting'", "t", now);
}

int
state_participants_complete(struct db *db, int64_t match, const char *now,
    char **cause)
{
	return db_exec(db, cause, "UPDATE participant SET status = "
	    "'completed', updated_at = ?1 WHERE status = 'applied' AND id IN "
	    "(SELECT mentee FROM match WHERE id = ?2 UNION SELECT mentor FROM "
	    "match WHERE id = ?2) AND NOT EXISTS (SELECT 1 FROM match m WHERE "
	    "m.status = 'approved' AND m.id != ?2 AND (m.mentee = "
	    "participant.id OR m.mentor = participant.id))", "ti", now,
	    match) < 0 ? -1 : 0;
}

static const struct {
	const char	*key;
	const char	*sql;
} participant_keys[] = {
	{ "participants.total", "SELECT count(*) FROM participant" },
	{ "participants.mentors", "SELECT count(*) FROM participant_field "
	    "WHERE name = 'role' AND value = 'mentor'" },
	{ "participants.mentees", "SELECT count(*) FROM participant_field "
	    "WHERE name = 'role' AND value = 'mentee'" },
	{ "participants.incomplete",
	    "SELECT count(*) FROM participant WHERE status = 'incomplete'" },
	{ "participants.ineligible",
	    "SELECT count(*) FROM participant WHERE status = 'ineligible'" },
	{ "participants.applied",
	    "SELECT count(*) FROM participant WHERE status = 'applied'" },
	{ "participants.withdrawn",
	    "SELECT count(*) FROM participant WHERE status = 'withdrawn'" },
	{ "participants.forgotten",
	    "SELECT count(*) FROM participant WHERE status = 'forgotten'" },
	{ "participants.waiting",
	    "SELECT count(*) FROM participant WHERE status = 'waiting'" },
	{ "participants.completed",
	    "SELECT count(*) FROM participant WHERE status = 'completed'" },
};

int
state_participant_status(struct db *db,
    void (*fn)(const char *key, const char *value, void *arg), void *arg,
    char **cause)
{
	int64_t	 n;
	char	*text;
	size_t	 i;
	int	 found;

	for (i = 0; i < G_N_ELEMENTS(participant_keys); i++) {
		n = db_query_int(db, cause, &found, participant_keys[i].sql, "");
		if (found < 0)
			return -1;
		text = g_strdup_printf("%lld", (long long)n);
		fn(participant_keys[i].key, text, arg);
		g_free(text);
	}
	return 0;
}
