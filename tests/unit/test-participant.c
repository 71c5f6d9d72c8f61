/*
 * test-participant.c -- the people in the program, as state-participant.h
 * promises: one participant per e-mail address (whatever its case), each
 * field written only when it changes and every change kept with the
 * message that made it, a status and its reason, the counts `mentormail
 * status` prints, and the CSV a coordinator opens in a spreadsheet.
 *
 * Each test has an empty in-memory database of its own (db_open_copy of a
 * file that does not exist).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "db.h"
#include "rules.h"
#include "state-message.h"
#include "state-participant.h"
#include "testlib.h"

#define T0	"2026-03-01T09:00:00Z"
#define T1	"2026-03-02T10:30:00Z"
#define T2	"2026-03-03T11:45:00Z"

struct fixture {
	char		*dir;
	struct db	*db;
	uint32_t	 uid;		/* of the last message recorded */
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-participant.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	return db_open_copy_in(f->dir, &f->db, NULL);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	db_close(f->db);
	if (f->dir != NULL)
		g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* Record a message from `from`, as intake would; its id. */
static int64_t
message_from(struct fixture *f, const char *from)
{
	static const char	 raw[] =
	    "Subject: Application\r\n\r\nName: x\r\n";
	struct message_record	 r = { 0 };
	char			*hash;
	int64_t			 id = 0;
	char			*cause = NULL;

	f->uid++;
	hash = g_strdup_printf("%064x", f->uid);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = f->uid, .internaldate = T0, .from_addr = from,
	    .subject = "Application", .raw = raw, .size = sizeof raw - 1,
	    .hash = hash, .text = "Name: x", .outcome = "decoded",
	    .recorded_at = T0 };
	if (state_message_add(f->db, &r, &id, &cause) != 0)
		fail_msg("state_message_add: %s", cause);
	g_free(hash);
	return id;
}

/* Extractions, as the rules would give them. */

/* An application read as `form`, from NAME, VALUE pairs ending in NULL. */
static struct extraction *
application(const char *form, ...)
{
	struct extraction	*x = g_new0(struct extraction, 1);
	struct extract_field	*fld;
	const char		*name;
	va_list			 ap;

	x->kind = g_strdup("application");
	x->form = g_strdup(form);
	x->fields = g_ptr_array_new_with_free_func(field_free);
	x->missing = g_ptr_array_new_with_free_func(g_free);
	x->unclear = g_ptr_array_new_with_free_func(g_free);
	x->trace = g_ptr_array_new_with_free_func(g_free);
	va_start(ap, form);
	while ((name = va_arg(ap, const char *)) != NULL) {
		fld = g_new0(struct extract_field, 1);
		fld->name = g_strdup(name);
		fld->value = g_strdup(va_arg(ap, const char *));
		g_ptr_array_add(x->fields, fld);
	}
	va_end(ap);
	return x;
}

static void
application_free(struct extraction *x)
{
	g_free(x->kind);
	g_free(x->form);
	g_ptr_array_unref(x->fields);
	g_ptr_array_unref(x->missing);
	g_ptr_array_unref(x->unclear);
	g_ptr_array_unref(x->trace);
	g_free(x);
}

/* Apply `x` (then free it) for `email`; the participant's id. */
static int64_t
apply(struct fixture *f, const char *email, struct extraction *x,
    int64_t message, const char *now, int *created)
{
	int64_t	 id = 0;
	char	*cause = NULL;
	int	 c = -1;

	if (participant_apply(f->db, email, x, message, now, &id, &c,
	    &cause) != 0)
		fail_msg("participant_apply: %s", cause);
	application_free(x);
	assert_true(id > 0);
	assert_true(c == 0 || c == 1);
	if (created != NULL)
		*created = c;
	return id;
}

/* Field `name` of participant `id`, or NULL.  Caller frees. */
static char *
field_of(struct fixture *f, int64_t id, const char *name)
{
	GHashTable	*t;
	char		*cause = NULL, *v;

	t = participant_fields(f->db, id, &cause);
	if (t == NULL)
		fail_msg("participant_fields: %s", cause);
	v = g_strdup(g_hash_table_lookup(t, name));
	g_hash_table_destroy(t);
	return v;
}

static void
assert_field(struct fixture *f, int64_t id, const char *name,
    const char *want)
{
	char	*v = field_of(f, id, name);

	if (want == NULL && v != NULL)
		fail_msg("%s is \"%s\", not absent", name, v);
	if (want != NULL && v == NULL)
		fail_msg("%s is absent, not \"%s\"", name, want);
	if (want != NULL)
		assert_string_equal(v, want);
	g_free(v);
}

static int64_t
count(struct fixture *f, const char *sql, int64_t arg)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, sql, "i", arg);
	if (found < 0)
		fail_msg("query failed: %s", sql);
	return n;
}

static int64_t
participants(struct fixture *f)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, "SELECT count(*) FROM "
	    "participant", "");
	assert_true(found > 0);
	return n;
}

static int
text_row(struct db_row *row, void *arg)
{
	GString	*s = arg;
	int	 i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			g_string_append_c(s, '|');
		g_string_append(s, db_row_is_null(row, i) ? "NULL" :
		    db_row_text(row, i));
	}
	g_string_append_c(s, '\n');
	return 0;
}

/*
 * The history written by message `message`, one "field|old|new|when" line
 * per change, in order.  Caller frees.
 */
static char *
changes_by(struct fixture *f, int64_t message)
{
	GString	*s = g_string_new(NULL);

	if (db_query(f->db, NULL, text_row, s, "SELECT field, old_value, "
	    "new_value, changed_at FROM participant_change WHERE message = ? "
	    "ORDER BY id", "i", message) < 0)
		fail_msg("reading participant_change failed");
	return g_string_free(s, FALSE);
}

static char *
status_of(struct fixture *f, int64_t id)
{
	GString	*s = g_string_new(NULL);

	if (db_query(f->db, NULL, text_row, s, "SELECT status, reason, form, "
	    "updated_at FROM participant WHERE id = ?", "i", id) < 0)
		fail_msg("reading participant failed");
	return g_string_free(s, FALSE);
}

/* Applying. */

static void
test_apply_creates_then_updates(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "dana@example.org");
	int64_t		 m2 = message_from(f, "dana@example.org");
	int64_t		 id, again;
	int		 created;
	char		*s;

	id = apply(f, "dana@example.org", application("wyoming", "role",
	    "mentee", "name", "Dana Whitfield", "library", "Campbell County",
	    NULL), m1, T0, &created);
	assert_int_equal(created, 1);
	assert_field(f, id, "name", "Dana Whitfield");
	assert_field(f, id, "role", "mentee");
	assert_field(f, id, "library", "Campbell County");
	s = status_of(f, id);
	assert_string_equal(s, "incomplete|NULL|wyoming|" T0 "\n");
	g_free(s);

	again = apply(f, "dana@example.org", application("wyoming", "name",
	    "Dana Whitfield", NULL), m2, T1, &created);
	assert_int_equal(created, 0);
	assert_int_equal(again, id);
	assert_int_equal(participants(f), 1);
	s = status_of(f, id);
	assert_string_equal(s, "incomplete|NULL|wyoming|" T1 "\n");
	g_free(s);
}

/* The first application is history too: every field from nothing. */
static void
test_first_application_history(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "dana@example.org");
	char		*s;

	apply(f, "dana@example.org", application("wyoming", "role", "mentee",
	    "name", "Dana Whitfield", NULL), m1, T0, NULL);
	s = changes_by(f, m1);
	assert_string_equal(s,
	    "role|NULL|mentee|" T0 "\n"
	    "name|NULL|Dana Whitfield|" T0 "\n");
	g_free(s);
}

static void
test_one_changed_field_one_change(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "dana@example.org");
	int64_t		 m2 = message_from(f, "dana@example.org");
	int64_t		 id;
	char		*s;

	id = apply(f, "dana@example.org", application("wyoming", "role",
	    "mentee", "name", "Dana Whitfield", "library", "Campbell County",
	    "phone", "307-555-0142", NULL), m1, T0, NULL);
	apply(f, "dana@example.org", application("wyoming", "role", "mentee",
	    "name", "Dana Whitfield", "library", "Gillette Public Library",
	    "phone", "307-555-0142", NULL), m2, T1, NULL);

	s = changes_by(f, m2);
	assert_string_equal(s,
	    "library|Campbell County|Gillette Public Library|" T1 "\n");
	g_free(s);
	assert_int_equal(count(f, "SELECT count(*) FROM participant_change "
	    "WHERE participant = ?", id), 4 + 1);
	assert_field(f, id, "library", "Gillette Public Library");
}

static void
test_unchanged_fields_no_change(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "dana@example.org");
	int64_t		 m2 = message_from(f, "dana@example.org");
	char		*s;

	apply(f, "dana@example.org", application("wyoming", "role", "mentee",
	    "name", "Dana Whitfield", NULL), m1, T0, NULL);
	apply(f, "dana@example.org", application("wyoming", "role", "mentee",
	    "name", "Dana Whitfield", NULL), m2, T1, NULL);
	s = changes_by(f, m2);
	assert_string_equal(s, "");
	g_free(s);
}

/* A reply with one corrected line updates that line and nothing else. */
static void
test_absent_fields_are_kept(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "allison@example.org");
	int64_t		 m2 = message_from(f, "allison@example.org");
	int64_t		 id;
	char		*s;

	id = apply(f, "allison@example.org", application("wvls", "role",
	    "mentee", "name", "Allison Krueger", "library",
	    "Tomahawk Public Library", NULL), m1, T0, NULL);
	apply(f, "allison@example.org", application(NULL, "years_experience",
	    "1", NULL), m2, T1, NULL);

	assert_field(f, id, "role", "mentee");
	assert_field(f, id, "name", "Allison Krueger");
	assert_field(f, id, "library", "Tomahawk Public Library");
	assert_field(f, id, "years_experience", "1");
	s = changes_by(f, m2);
	assert_string_equal(s, "years_experience|NULL|1|" T1 "\n");
	g_free(s);
	/* No form said: the one it had stays. */
	s = status_of(f, id);
	assert_string_equal(s, "incomplete|NULL|wvls|" T1 "\n");
	g_free(s);
}

static void
test_email_is_case_insensitive(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "Dana@X.org");
	int64_t		 m2 = message_from(f, "dana@x.org");
	int64_t		 id, again;
	int		 created;

	id = apply(f, "Dana@X.org", application("wyoming", "name", "Dana",
	    NULL), m1, T0, &created);
	assert_int_equal(created, 1);
	again = apply(f, "dana@x.org", application("wyoming", "phone",
	    "307-555-0142", NULL), m2, T1, &created);
	assert_int_equal(created, 0);
	assert_int_equal(again, id);
	assert_field(f, id, "name", "Dana");
	assert_field(f, id, "phone", "307-555-0142");
	assert_int_equal(participants(f), 1);
}

static void
test_set_status(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "jordan@example.org");
	int64_t		 id;
	char		*s, *cause = NULL;

	id = apply(f, "jordan@example.org", application("wvls", "role",
	    "mentor", NULL), m1, T0, NULL);

	assert_int_equal(participant_set_status(f->db, id,
	    PARTICIPANT_INELIGIBLE, "mentors need two years", T1, &cause), 0);
	assert_null(cause);
	s = status_of(f, id);
	assert_string_equal(s, "ineligible|mentors need two years|wvls|" T1
	    "\n");
	g_free(s);

	/* A reason is for that status only: the next one clears it. */
	assert_int_equal(participant_set_status(f->db, id, PARTICIPANT_APPLIED,
	    NULL, T2, &cause), 0);
	s = status_of(f, id);
	assert_string_equal(s, "applied|NULL|wvls|" T2 "\n");
	g_free(s);
}

static void
test_fields_of_unknown_participant(void **state)
{
	struct fixture	*f = *state;
	GHashTable	*t;
	char		*cause = NULL;

	t = participant_fields(f->db, 42, &cause);
	assert_non_null(t);
	assert_null(cause);
	assert_int_equal(g_hash_table_size(t), 0);
	g_hash_table_destroy(t);
}

static void
test_fields_are_the_current_values(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "dana@example.org");
	int64_t		 m2 = message_from(f, "dana@example.org");
	int64_t		 id;
	GHashTable	*t;

	id = apply(f, "dana@example.org", application("wyoming", "role",
	    "mentee", "name", "Dana", "goals", "Budgets.\nBoards.", NULL), m1,
	    T0, NULL);
	apply(f, "dana@example.org", application("wyoming", "name",
	    "Dana Whitfield", NULL), m2, T1, NULL);
	t = participant_fields(f->db, id, NULL);
	assert_non_null(t);
	assert_int_equal(g_hash_table_size(t), 3);
	assert_string_equal(g_hash_table_lookup(t, "role"), "mentee");
	assert_string_equal(g_hash_table_lookup(t, "name"), "Dana Whitfield");
	assert_string_equal(g_hash_table_lookup(t, "goals"),
	    "Budgets.\nBoards.");
	g_hash_table_destroy(t);
}

/* Status. */

struct status {
	GPtrArray	*keys;
	GHashTable	*values;
};

static void
status_line(const char *key, const char *value, void *arg)
{
	struct status	*s = arg;

	g_ptr_array_add(s->keys, g_strdup(key));
	g_hash_table_replace(s->values, g_strdup(key), g_strdup(value));
}

static void
status_read(struct fixture *f, struct status *s)
{
	char	*cause = NULL;

	s->keys = g_ptr_array_new_with_free_func(g_free);
	s->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	if (state_participant_status(f->db, status_line, s, &cause) != 0)
		fail_msg("state_participant_status: %s", cause);
}

static void
status_free(struct status *s)
{
	g_ptr_array_unref(s->keys);
	g_hash_table_destroy(s->values);
}

static void
assert_status(struct status *s, const char *key, const char *want)
{
	const char	*v = g_hash_table_lookup(s->values, key);

	if (v == NULL)
		fail_msg("no status key %s", key);
	if (strcmp(v, want) != 0)
		fail_msg("%s is %s, not %s", key, v, want);
}

static void
test_status_keys_in_order(void **state)
{
	struct fixture		*f = *state;
	static const char	*want[] = { "participants.total",
	    "participants.mentors", "participants.mentees",
	    "participants.incomplete", "participants.ineligible",
	    "participants.applied", "participants.withdrawn",
	    "participants.forgotten", "participants.waiting",
	    "participants.completed" };
	struct status		 s;
	size_t			 i;

	status_read(f, &s);
	assert_int_equal(s.keys->len, G_N_ELEMENTS(want));
	for (i = 0; i < G_N_ELEMENTS(want); i++) {
		assert_string_equal(g_ptr_array_index(s.keys, i), want[i]);
		assert_status(&s, want[i], "0");
	}
	status_free(&s);
}

static void
test_status_counts(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m = message_from(f, "x@example.org");
	int64_t		 mentor, mentee1, mentee2;
	struct status	 s;

	mentor = apply(f, "jordan@example.org", application("wvls", "role",
	    "mentor", NULL), m, T0, NULL);
	mentee1 = apply(f, "allison@example.org", application("wvls", "role",
	    "mentee", NULL), m, T0, NULL);
	mentee2 = apply(f, "dana@example.org", application("wyoming", "role",
	    "mentee", NULL), m, T0, NULL);
	/* Both roles ticked: no role, counted in neither. */
	apply(f, "cody@example.com", application("wyoming", "name", "Cody",
	    NULL), m, T0, NULL);
	assert_int_equal(participant_set_status(f->db, mentor,
	    PARTICIPANT_APPLIED, NULL, T1, NULL), 0);
	assert_int_equal(participant_set_status(f->db, mentee1,
	    PARTICIPANT_INELIGIBLE, "too experienced", T1, NULL), 0);
	assert_int_equal(participant_set_status(f->db, mentee2,
	    PARTICIPANT_APPLIED, NULL, T1, NULL), 0);

	status_read(f, &s);
	assert_status(&s, "participants.total", "4");
	assert_status(&s, "participants.mentors", "1");
	assert_status(&s, "participants.mentees", "2");
	assert_status(&s, "participants.incomplete", "1");
	assert_status(&s, "participants.ineligible", "1");
	assert_status(&s, "participants.applied", "2");
	status_free(&s);
}

/* A change of role moves the participant from one count to the other. */
static void
test_status_follows_role_change(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m = message_from(f, "x@example.org");
	struct status	 s;

	apply(f, "jordan@example.org", application("wvls", "role", "mentee",
	    NULL), m, T0, NULL);
	apply(f, "jordan@example.org", application("wvls", "role", "mentor",
	    NULL), m, T1, NULL);
	status_read(f, &s);
	assert_status(&s, "participants.total", "1");
	assert_status(&s, "participants.mentors", "1");
	assert_status(&s, "participants.mentees", "0");
	status_free(&s);
}

/* CSV. */

/* The export as one string.  Caller frees. */
static char *
export(struct fixture *f)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*out;

	out = open_memstream(&buf, &len);
	assert_non_null(out);
	if (participant_export_csv(f->db, out, &cause) != 0)
		fail_msg("participant_export_csv: %s", cause);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void
record_free(gpointer p)
{
	g_ptr_array_unref(p);
}

/*
 * Read `csv` strictly as RFC 4180: records end in CRLF (the last one
 * too), a field is quoted or holds no quote, CR or LF, and a quote inside
 * a quoted field is doubled.  Returns the records as arrays of strings,
 * or fails the test saying where the text breaks the rules.
 */
static GPtrArray *
csv_parse(const char *csv)
{
	GPtrArray	*records, *record;
	GString		*cell;
	const char	*p = csv;

	records = g_ptr_array_new_with_free_func(record_free);
	while (*p != '\0') {
		record = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(records, record);
		for (;;) {
			cell = g_string_new(NULL);
			if (*p == '"') {
				for (p++; *p != '\0'; p++) {
					if (*p == '"' && p[1] != '"')
						break;
					if (*p == '"')
						p++;
					g_string_append_c(cell, *p);
				}
				if (*p++ != '"')
					fail_msg("unterminated quoted field "
					    "in record %u", records->len);
			} else {
				while (*p != '\0' && *p != ',' && *p != '\r' &&
				    *p != '\n') {
					if (*p == '"')
						fail_msg("a bare quote in "
						    "record %u", records->len);
					g_string_append_c(cell, *p++);
				}
			}
			g_ptr_array_add(record, g_string_free(cell, FALSE));
			if (*p != ',')
				break;
			p++;
		}
		if (p[0] != '\r' || p[1] != '\n')
			fail_msg("record %u does not end in CRLF: \"%.20s\"",
			    records->len, p);
		p += 2;
	}
	return records;
}

static size_t
canonical_count(void)
{
	const char *const	*names = rules_application_field_names();
	size_t			 n;

	for (n = 0; names[n] != NULL; n++)
		;
	return n;
}

/* The index of canonical field `name` in a record. */
static guint
column(const char *name)
{
	const char *const	*names = rules_application_field_names();
	guint			 i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	fail_msg("%s is not a canonical field", name);
	return 0;
}

static const char *
cell(GPtrArray *records, guint row, const char *name)
{
	GPtrArray	*record = g_ptr_array_index(records, row);

	return g_ptr_array_index(record, column(name));
}

/* Cell `extra` (0: status ... 4: updated_at) after the canonical ones. */
static const char *
extra_cell(GPtrArray *records, guint row, guint extra)
{
	GPtrArray	*record = g_ptr_array_index(records, row);

	return g_ptr_array_index(record, canonical_count() + extra);
}

static void
test_csv_header(void **state)
{
	struct fixture		*f = *state;
	const char *const	*names = rules_application_field_names();
	GString			*want = g_string_new(NULL);
	char			*csv;
	size_t			 i;

	for (i = 0; names[i] != NULL; i++)
		g_string_append_printf(want, "%s%s", i > 0 ? "," : "",
		    names[i]);
	g_string_append(want, ",status,reason,form,applied_at,updated_at\r\n");

	/* No participant yet: the header alone. */
	csv = export(f);
	assert_string_equal(csv, want->str);
	g_free(csv);
	g_string_free(want, TRUE);

	/* The contract's own first names, so a reordering is noticed. */
	assert_string_equal(names[0], "role");
	assert_string_equal(names[1], "name");
	assert_string_equal(names[2], "email");
}

static void
test_csv_rows_in_id_order_with_crlf(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m1 = message_from(f, "zoe@example.org");
	int64_t		 m2 = message_from(f, "adam@example.org");
	int64_t		 zoe, adam;
	GPtrArray	*records;
	char		*csv, *p;
	size_t		 lines = 0;

	zoe = apply(f, "zoe@example.org", application("wyoming", "role",
	    "mentor", "name", "Zoe Zimmer", "email", "zoe@example.org", NULL),
	    m1, T0, NULL);
	adam = apply(f, "adam@example.org", application("wvls", "role",
	    "mentee", "name", "Adam Abbott", "email", "adam@example.org",
	    NULL), m2, T1, NULL);
	assert_true(zoe < adam);
	assert_int_equal(participant_set_status(f->db, adam,
	    PARTICIPANT_INELIGIBLE, "too experienced", T2, NULL), 0);

	csv = export(f);
	for (p = csv; (p = strchr(p, '\n')) != NULL; p++) {
		assert_true(p > csv && p[-1] == '\r');
		lines++;
	}
	assert_int_equal(lines, 3);
	assert_true(g_str_has_suffix(csv, "\r\n"));

	records = csv_parse(csv);
	assert_int_equal(records->len, 3);
	assert_int_equal(((GPtrArray *)g_ptr_array_index(records, 1))->len,
	    canonical_count() + 5);
	assert_int_equal(((GPtrArray *)g_ptr_array_index(records, 2))->len,
	    canonical_count() + 5);
	/* Zoe applied first: her row comes first. */
	assert_string_equal(cell(records, 1, "name"), "Zoe Zimmer");
	assert_string_equal(cell(records, 1, "role"), "mentor");
	assert_string_equal(cell(records, 1, "email"), "zoe@example.org");
	assert_string_equal(extra_cell(records, 1, 0), "incomplete");
	assert_string_equal(extra_cell(records, 1, 1), "");
	assert_string_equal(extra_cell(records, 1, 2), "wyoming");
	assert_string_equal(extra_cell(records, 1, 3), T0);
	assert_string_equal(extra_cell(records, 1, 4), T0);
	assert_string_equal(cell(records, 2, "name"), "Adam Abbott");
	assert_string_equal(extra_cell(records, 2, 0), "ineligible");
	assert_string_equal(extra_cell(records, 2, 1), "too experienced");
	assert_string_equal(extra_cell(records, 2, 2), "wvls");
	assert_string_equal(extra_cell(records, 2, 3), T1);
	assert_string_equal(extra_cell(records, 2, 4), T2);
	g_ptr_array_unref(records);
	g_free(csv);
}

static void
test_csv_absent_fields_are_empty(void **state)
{
	struct fixture		*f = *state;
	const char *const	*names = rules_application_field_names();
	int64_t			 m = message_from(f, "dana@example.org");
	GPtrArray		*records;
	char			*csv;
	size_t			 i;

	apply(f, "dana@example.org", application("wyoming", "name", "Dana",
	    NULL), m, T0, NULL);
	csv = export(f);
	records = csv_parse(csv);
	assert_int_equal(records->len, 2);
	for (i = 0; names[i] != NULL; i++)
		assert_string_equal(cell(records, 1, names[i]),
		    strcmp(names[i], "name") == 0 ? "Dana" : "");
	/* Nothing between the commas: not "NULL", not quotes. */
	assert_contains(csv, "\r\n,Dana,,,");
	g_ptr_array_unref(records);
	g_free(csv);
}

static void
test_csv_quoting(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m = message_from(f, "dana@example.org");
	GPtrArray	*records;
	char		*csv;

	apply(f, "dana@example.org", application("wyoming",
	    "name", "Whitfield, Dana",
	    "library", "The \"Wright\" Branch",
	    "goals", "Budgets.\nBoard meetings.",
	    "position", "Branch Manager", NULL), m, T0, NULL);
	csv = export(f);

	/* As written in the file (RFC 4180, 2.6 and 2.7). */
	assert_contains(csv, ",\"Whitfield, Dana\",");
	assert_contains(csv, ",\"The \"\"Wright\"\" Branch\",");
	assert_contains(csv, ",\"Budgets.\nBoard meetings.\",");
	/* Plain text is written plain. */
	assert_contains(csv, ",Branch Manager,");

	/* And read back, every value is as it was. */
	records = csv_parse(csv);
	assert_int_equal(records->len, 2);
	assert_string_equal(cell(records, 1, "name"), "Whitfield, Dana");
	assert_string_equal(cell(records, 1, "library"),
	    "The \"Wright\" Branch");
	assert_string_equal(cell(records, 1, "goals"),
	    "Budgets.\nBoard meetings.");
	assert_string_equal(cell(records, 1, "position"), "Branch Manager");
	g_ptr_array_unref(records);
	g_free(csv);
}

/* A reason is text the coordinator wrote: quoted like any other. */
static void
test_csv_quotes_extra_columns(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m = message_from(f, "jordan@example.org");
	int64_t		 id;
	GPtrArray	*records;
	char		*csv;

	id = apply(f, "jordan@example.org", application("wvls", "role",
	    "mentor", NULL), m, T0, NULL);
	assert_int_equal(participant_set_status(f->db, id,
	    PARTICIPANT_INELIGIBLE, "needs 2 years; has 1, \"one\"", T1, NULL),
	    0);
	csv = export(f);
	assert_contains(csv, ",\"needs 2 years; has 1, \"\"one\"\"\",wvls,");
	records = csv_parse(csv);
	assert_string_equal(extra_cell(records, 1, 1),
	    "needs 2 years; has 1, \"one\"");
	g_ptr_array_unref(records);
	g_free(csv);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_apply_creates_then_updates),
		T(test_first_application_history),
		T(test_one_changed_field_one_change),
		T(test_unchanged_fields_no_change),
		T(test_absent_fields_are_kept),
		T(test_email_is_case_insensitive),
		T(test_set_status),
		T(test_fields_of_unknown_participant),
		T(test_fields_are_the_current_values),
		T(test_status_keys_in_order),
		T(test_status_counts),
		T(test_status_follows_role_change),
		T(test_csv_header),
		T(test_csv_rows_in_id_order_with_crlf),
		T(test_csv_absent_fields_are_empty),
		T(test_csv_quoting),
		T(test_csv_quotes_extra_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
