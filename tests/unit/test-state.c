/*
 * test-state.c -- what the database remembers of the mailbox, as
 * state-message.h promises it: how far the mailbox was read, which
 * messages are recorded, which UIDs are copies, the runs, and the status
 * lines scripts read.
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
#include "state-message.h"
#include "testlib.h"

/* Two different contents, as their SHA-256. */
#define HASH_A	"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
#define HASH_B	"fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"

struct fixture {
	char		*dir;
	struct db	*db;
};

/*
 * One database for all the tests, opened once (opening costs a handful of
 * fsyncs).  Each test runs inside a transaction that is rolled back after
 * it, as intake.c groups these calls, so every test starts from empty.
 */
static int
setup_group(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-state.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	return db_open_in(f->dir, &f->db, NULL);
}

static int
teardown_group(void **state)
{
	struct fixture	*f = *state;

	db_close(f->db);
	if (f->dir != NULL)
		remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fixture	*f = *state;

	return db_begin(f->db, NULL);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	db_rollback(f->db);
	return 0;
}

/* A decoded message at INBOX/uidvalidity/uid. */
static struct message_record
message(uint32_t uidvalidity, uint32_t uid, const char *message_id,
    const char *hash, const char *internaldate)
{
	static const char raw[] = "From: mentee@example.org\r\n"
	    "Subject: Week 1\r\n\r\nHello\r\n";
	struct message_record r = {
		.mailbox = "INBOX",
		.uidvalidity = uidvalidity,
		.uid = uid,
		.message_id = message_id,
		.internaldate = internaldate,
		.from_addr = "mentee@example.org",
		.from_name = "A Mentee",
		.subject = "Week 1",
		.raw = raw,
		.size = sizeof raw - 1,
		.hash = hash,
		.text = "Hello",
		.outcome = "decoded",
		.recorded_at = "2026-09-01T08:00:00Z",
	};

	return r;
}

static int64_t
add(struct fixture *f, const struct message_record *r)
{
	int64_t	 id = 0;
	char	*cause = NULL;

	if (state_message_add(f->db, r, &id, &cause) != 0)
		fail_msg("state_message_add: %s", cause);
	assert_true(id > 0);
	return id;
}

/* The mailbox position. */

static void
test_unknown_mailbox(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 uidvalidity = 99, last_uid = 99;

	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, NULL), 0);
	assert_int_equal(uidvalidity, 0);
	assert_int_equal(last_uid, 0);
}

static void
test_mailbox_set_then_get(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 uidvalidity, last_uid;

	assert_int_equal(state_mailbox_set(f->db, "INBOX", 1234, 56, NULL), 0);
	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, NULL), 1);
	assert_int_equal(uidvalidity, 1234);
	assert_int_equal(last_uid, 56);

	/* Another mailbox is another position. */
	assert_int_equal(state_mailbox_get(f->db, "Processed", &uidvalidity,
	    &last_uid, NULL), 0);
}

static void
test_mailbox_update(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 uidvalidity, last_uid;
	int		 found;

	assert_int_equal(state_mailbox_set(f->db, "INBOX", 1234, 56, NULL), 0);
	assert_int_equal(state_mailbox_set(f->db, "INBOX", 1234, 80, NULL), 0);
	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, NULL), 1);
	assert_int_equal(uidvalidity, 1234);
	assert_int_equal(last_uid, 80);

	/* The server renumbered the mailbox. */
	assert_int_equal(state_mailbox_set(f->db, "INBOX", 5678, 0, NULL), 0);
	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, NULL), 1);
	assert_int_equal(uidvalidity, 5678);
	assert_int_equal(last_uid, 0);
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT count(*) FROM mailbox", ""), 1);
}

/* UIDVALIDITY and UIDs are unsigned 32-bit numbers: all of them fit. */
static void
test_mailbox_keeps_full_32_bits(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 uidvalidity, last_uid;

	assert_int_equal(state_mailbox_set(f->db, "INBOX", UINT32_MAX,
	    UINT32_MAX - 1, NULL), 0);
	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, NULL), 1);
	assert_true(uidvalidity == UINT32_MAX);
	assert_true(last_uid == UINT32_MAX - 1);
}

/* Recorded messages. */

static void
test_message_add_then_known(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	int64_t			 id;

	assert_int_equal(state_message_known(f->db, "INBOX", 7, 3, NULL), 0);
	id = add(f, &r);
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 3, NULL), 1);

	/* Known means exactly this mailbox, UIDVALIDITY and UID. */
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 4, NULL), 0);
	assert_int_equal(state_message_known(f->db, "INBOX", 8, 3, NULL), 0);
	assert_int_equal(state_message_known(f->db, "Other", 7, 3, NULL), 0);

	/* A second message gets a new id; id may be left out. */
	r.uid = 4;
	assert_int_equal(state_message_add(f->db, &r, NULL, NULL), 0);
	r.uid = 5;
	assert_true(add(f, &r) > id);
}

static int
copy_raw(struct db_row *row, void *arg)
{
	GByteArray	*out = arg;
	const void	*p;
	size_t		 len;

	p = db_row_blob(row, 0, &len);
	g_byte_array_append(out, p, (guint)len);
	return 1;
}

/* The message is kept as it came, every field in its column. */
static void
test_message_add_keeps_everything(void **state)
{
	static const char raw[] = "Subject: a\0b\r\n\r\nbinary\0body";
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, NULL, HASH_A,
	    "2026-09-01T07:00:00Z");
	GByteArray		*got = g_byte_array_new();
	int64_t			 id;
	int			 found;

	r.raw = raw;
	r.size = sizeof raw - 1;
	r.outcome = "unparseable";
	r.cause = "no end of headers";
	r.text = NULL;
	id = add(f, &r);
	assert_int_equal(db_query(f->db, NULL, copy_raw, got,
	    "SELECT raw FROM message WHERE id = ?", "i", id), 1);
	assert_int_equal(got->len, sizeof raw - 1);
	assert_memory_equal(got->data, raw, sizeof raw - 1);
	assert_int_equal(db_query_int(f->db, NULL, &found, "SELECT size FROM "
	    "message WHERE id = ?", "i", id), sizeof raw - 1);
	assert_int_equal(db_query_int(f->db, NULL, &found, "SELECT count(*) "
	    "FROM message WHERE id = ? AND message_id IS NULL AND text IS NULL "
	    "AND outcome = 'unparseable' AND cause = 'no end of headers' AND "
	    "hash = ? AND internaldate = ?", "itt", id, HASH_A,
	    "2026-09-01T07:00:00Z"), 1);
	g_byte_array_free(got, TRUE);
}

/* A UID is recorded once: the second time is an error, not a copy. */
static void
test_message_add_twice_refused(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	char			*cause = NULL;
	int			 found;

	add(f, &r);
	assert_int_equal(state_message_add(f->db, &r, NULL, &cause), -1);
	assert_non_null(cause);
	assert_contains(cause, "UNIQUE");
	g_free(cause);
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT count(*) FROM message", ""), 1);
}

static void
test_known_through_duplicate(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 original = message(7, 3, "<a@example.org>",
	    HASH_A, "2026-09-01T07:00:00Z");
	struct message_record	 copy = original;
	int64_t			 id;

	id = add(f, &original);
	copy.uid = 9;
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 9, NULL), 0);
	assert_int_equal(state_duplicate_add(f->db, &copy, id, NULL), 0);
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 9, NULL), 1);
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 10, NULL), 0);
}

static void
test_duplicate_of_missing_message_refused(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 copy = message(7, 9, "<a@example.org>",
	    HASH_A, "2026-09-01T07:00:00Z");
	char			*cause = NULL;

	assert_int_equal(state_duplicate_add(f->db, &copy, 42, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 9, NULL), 0);
}

static void
test_duplicate_add_twice_refused(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	char			*cause = NULL;
	int64_t			 id;

	id = add(f, &r);
	r.uid = 9;
	assert_int_equal(state_duplicate_add(f->db, &r, id, NULL), 0);
	assert_int_equal(state_duplicate_add(f->db, &r, id, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
}

/* What counts as a copy. */

static void
test_original_same_message_id_same_hash(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 copy = r;
	int64_t			 id;

	id = add(f, &r);
	/* Copied into the mailbox again later: another UID, another date. */
	copy.uid = 9;
	copy.internaldate = "2026-09-03T10:00:00Z";
	assert_int_equal(state_message_original(f->db, &copy, NULL), id);

	/* After the server renumbered the mailbox, too. */
	copy.uidvalidity = 8;
	copy.uid = 1;
	assert_int_equal(state_message_original(f->db, &copy, NULL), id);
}

static void
test_original_same_message_id_other_hash(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 other = r;

	add(f, &r);
	other.uid = 9;
	other.hash = HASH_B;
	assert_int_equal(state_message_original(f->db, &other, NULL), 0);
}

static void
test_original_other_message_id_same_hash(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 other = r;

	add(f, &r);
	other.uid = 9;
	other.message_id = "<b@example.org>";
	assert_int_equal(state_message_original(f->db, &other, NULL), 0);
}

static void
test_original_without_message_id_same_hash_same_date(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, NULL, HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 copy = r;
	int64_t			 id;

	id = add(f, &r);
	copy.uid = 9;
	assert_int_equal(state_message_original(f->db, &copy, NULL), id);
}

/*
 * Two messages without a Message-ID and the same bytes ("ok", sent twice
 * by an autoresponder) are different messages if they arrived at
 * different times.
 */
static void
test_original_without_message_id_same_hash_other_date(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, NULL, HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 other = r;

	add(f, &r);
	other.uid = 9;
	other.internaldate = "2026-09-01T07:00:01Z";
	assert_int_equal(state_message_original(f->db, &other, NULL), 0);
}

static void
test_original_without_message_id_other_hash_same_date(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, NULL, HASH_A,
	    "2026-09-01T07:00:00Z");
	struct message_record	 other = r;

	add(f, &r);
	other.uid = 9;
	other.hash = HASH_B;
	assert_int_equal(state_message_original(f->db, &other, NULL), 0);
}

/* With and without a Message-ID are never taken for each other. */
static void
test_original_message_id_and_none_never_match(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 with = message(7, 3, "<a@example.org>",
	    HASH_A, "2026-09-01T07:00:00Z");
	struct message_record	 without = with;

	add(f, &with);
	without.uid = 9;
	without.message_id = NULL;
	assert_int_equal(state_message_original(f->db, &without, NULL), 0);
}

static void
test_original_is_the_first_recorded(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	int64_t			 first;

	first = add(f, &r);
	/* A copy that slipped in under a new UIDVALIDITY. */
	r.uidvalidity = 8;
	add(f, &r);
	r.uid = 99;
	assert_int_equal(state_message_original(f->db, &r, NULL), first);
}

static void
test_original_on_empty_database(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");

	assert_int_equal(state_message_original(f->db, &r, NULL), 0);
	r.message_id = NULL;
	assert_int_equal(state_message_original(f->db, &r, NULL), 0);
}

/* Runs. */

static void
test_run_start_and_finish(void **state)
{
	struct fixture		*f = *state;
	struct run_counts	 counts = { 5, 3, 1, 4 };
	int64_t			 run, next;
	int			 found;

	run = state_run_start(f->db, "2026-09-01T08:00:00Z", NULL);
	assert_true(run > 0);
	assert_int_equal(db_query_int(f->db, NULL, &found, "SELECT count(*) "
	    "FROM run WHERE id = ? AND now = ? AND outcome IS NULL AND "
	    "finished_at IS NULL AND started_at IS NOT NULL", "it", run,
	    "2026-09-01T08:00:00Z"), 1);

	assert_int_equal(state_run_finish(f->db, run, "tempfail", &counts,
	    "imap.example.org: connection refused", NULL), 0);
	assert_int_equal(db_query_int(f->db, NULL, &found, "SELECT count(*) "
	    "FROM run WHERE id = ? AND outcome = 'tempfail' AND fetched = 5 "
	    "AND recorded = 3 AND duplicates = 1 AND moved = 4 AND "
	    "cause = 'imap.example.org: connection refused' AND "
	    "finished_at IS NOT NULL", "i", run), 1);

	next = state_run_start(f->db, "2026-09-01T08:05:00Z", NULL);
	assert_true(next > run);
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
	g_hash_table_insert(s->values, g_strdup(key), g_strdup(value));
}

static void
status_read(struct fixture *f, struct status *s)
{
	char	*cause = NULL;

	s->keys = g_ptr_array_new_with_free_func(g_free);
	s->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	if (state_status(f->db, "INBOX", status_line, s, &cause) != 0)
		fail_msg("state_status: %s", cause);
}

static void
status_free(struct status *s)
{
	g_ptr_array_free(s->keys, TRUE);
	g_hash_table_destroy(s->values);
}

static void
assert_status(const struct status *s, const char *key, const char *value)
{
	const char	*got = g_hash_table_lookup(s->values, key);

	if (got == NULL)
		fail_msg("no status key %s", key);
	if (strcmp(got, value) != 0)
		fail_msg("%s is \"%s\", not \"%s\"", key, got, value);
}

/* Scripts read these lines: the keys and their order are fixed. */
static void
test_status_keys_in_order(void **state)
{
	static const char *const keys[] = {
		"messages.total",
		"messages.processed",
		"messages.decoded",
		"messages.automatic",
		"messages.unparseable",
		"messages.failed",
		"messages.duplicates",
		"messages.last_received",
		"mailbox.name",
		"mailbox.uidvalidity",
		"mailbox.last_uid",
		"runs.total",
		"runs.failed",
		"run.last_started",
		"run.last_outcome",
		"run.last_ok",
		"run.last_cause",
	};
	struct fixture	*f = *state;
	struct status	 s;
	size_t		 i;

	status_read(f, &s);
	assert_int_equal(s.keys->len, G_N_ELEMENTS(keys));
	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		assert_string_equal(g_ptr_array_index(s.keys, i), keys[i]);
	status_free(&s);
}

static void
test_status_of_empty_database(void **state)
{
	struct fixture	*f = *state;
	struct status	 s;

	status_read(f, &s);
	assert_status(&s, "messages.total", "0");
	assert_status(&s, "messages.processed", "0");
	assert_status(&s, "messages.duplicates", "0");
	assert_status(&s, "messages.last_received", "");
	assert_status(&s, "mailbox.name", "INBOX");
	assert_status(&s, "mailbox.uidvalidity", "");
	assert_status(&s, "mailbox.last_uid", "");
	assert_status(&s, "runs.total", "0");
	assert_status(&s, "run.last_outcome", "");
	status_free(&s);
}

static void
test_status_counts(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r;
	struct run_counts	 counts = { 4, 3, 1, 4 };
	struct status		 s;
	int64_t			 id, run;

	r = message(7, 1, "<1@example.org>", HASH_A, "2026-09-01T07:00:00Z");
	id = add(f, &r);
	r = message(7, 2, "<2@example.org>", HASH_B, "2026-09-02T07:00:00Z");
	r.outcome = "automatic";
	r.auto_reason = "Auto-Submitted: auto-replied";
	add(f, &r);
	r = message(7, 3, NULL, HASH_B, "2026-09-01T09:00:00Z");
	r.outcome = "unparseable";
	add(f, &r);
	r = message(7, 4, "<1@example.org>", HASH_A, "2026-09-03T07:00:00Z");
	assert_int_equal(state_duplicate_add(f->db, &r, id, NULL), 0);
	assert_int_equal(state_mailbox_set(f->db, "INBOX", 7, 4, NULL), 0);

	run = state_run_start(f->db, "2026-09-03T08:00:00Z", NULL);
	assert_int_equal(state_run_finish(f->db, run, "ok", &counts, NULL,
	    NULL), 0);
	/* A run that never finished: killed, or still going. */
	state_run_start(f->db, "2026-09-03T08:05:00Z", NULL);

	status_read(f, &s);
	assert_status(&s, "messages.total", "3");
	assert_status(&s, "messages.processed", "4");
	assert_status(&s, "messages.decoded", "1");
	assert_status(&s, "messages.automatic", "1");
	assert_status(&s, "messages.unparseable", "1");
	assert_status(&s, "messages.duplicates", "1");
	assert_status(&s, "messages.last_received", "2026-09-02T07:00:00Z");
	assert_status(&s, "mailbox.name", "INBOX");
	assert_status(&s, "mailbox.uidvalidity", "7");
	assert_status(&s, "mailbox.last_uid", "4");
	assert_status(&s, "runs.total", "2");
	assert_status(&s, "runs.failed", "1");
	assert_status(&s, "run.last_outcome", "interrupted");
	assert_status(&s, "run.last_cause", "");
	assert_true(g_regex_match_simple("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:"
	    "\\d\\dZ$", g_hash_table_lookup(s.values, "run.last_started"), 0,
	    0));
	assert_true(g_regex_match_simple("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:"
	    "\\d\\dZ$", g_hash_table_lookup(s.values, "run.last_ok"), 0, 0));
	status_free(&s);
}

static void
test_status_last_run_outcome_and_cause(void **state)
{
	struct fixture		*f = *state;
	struct run_counts	 counts = { 0, 0, 0, 0 };
	struct status		 s;
	int64_t			 run;

	run = state_run_start(f->db, "2026-09-03T08:00:00Z", NULL);
	assert_int_equal(state_run_finish(f->db, run, "error", &counts,
	    "database is locked", NULL), 0);
	status_read(f, &s);
	assert_status(&s, "run.last_outcome", "error");
	assert_status(&s, "run.last_cause", "database is locked");
	assert_status(&s, "run.last_ok", "");
	assert_status(&s, "runs.failed", "1");
	status_free(&s);
}

/* Errors. */

static void
test_database_errors_have_a_cause(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = message(7, 3, "<a@example.org>", HASH_A,
	    "2026-09-01T07:00:00Z");
	struct status		 s;
	uint32_t		 uidvalidity, last_uid;
	char			*cause = NULL;

	/* Take the tables away from under the module. */
	assert_true(db_exec(f->db, NULL, "DROP TABLE duplicate", "") >= 0);
	assert_true(db_exec(f->db, NULL, "DROP TABLE message", "") >= 0);
	assert_true(db_exec(f->db, NULL, "DROP TABLE mailbox", "") >= 0);
	assert_true(db_exec(f->db, NULL, "DROP TABLE run", "") >= 0);

	assert_int_equal(state_mailbox_get(f->db, "INBOX", &uidvalidity,
	    &last_uid, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_int_equal(state_mailbox_set(f->db, "INBOX", 1, 1, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_int_equal(state_message_known(f->db, "INBOX", 7, 3, &cause),
	    -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_int_equal(state_message_original(f->db, &r, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_int_equal(state_message_add(f->db, &r, NULL, &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_int_equal(state_run_start(f->db, "2026-09-01T08:00:00Z",
	    &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	s.keys = g_ptr_array_new_with_free_func(g_free);
	s.values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	assert_int_equal(state_status(f->db, "INBOX", status_line, &s,
	    &cause), -1);
	assert_non_null(cause);
	g_free(cause);
	status_free(&s);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unknown_mailbox),
		T(test_mailbox_set_then_get),
		T(test_mailbox_update),
		T(test_mailbox_keeps_full_32_bits),
		T(test_message_add_then_known),
		T(test_message_add_keeps_everything),
		T(test_message_add_twice_refused),
		T(test_known_through_duplicate),
		T(test_duplicate_of_missing_message_refused),
		T(test_duplicate_add_twice_refused),
		T(test_original_same_message_id_same_hash),
		T(test_original_same_message_id_other_hash),
		T(test_original_other_message_id_same_hash),
		T(test_original_without_message_id_same_hash_same_date),
		T(test_original_without_message_id_same_hash_other_date),
		T(test_original_without_message_id_other_hash_same_date),
		T(test_original_message_id_and_none_never_match),
		T(test_original_is_the_first_recorded),
		T(test_original_on_empty_database),
		T(test_run_start_and_finish),
		T(test_status_keys_in_order),
		T(test_status_of_empty_database),
		T(test_status_counts),
		T(test_status_last_run_outcome_and_cause),
		T(test_database_errors_have_a_cause),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
