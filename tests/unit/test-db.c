/*
 * test-db.c -- the database layer, as db.h promises it: how the file is
 * created and opened, the schema, statements bound from a type string,
 * transactions and errors.
 *
 * Each test has a database of its own in a directory of its own.
 */
#include <sys/stat.h>
#include <sys/types.h>

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
#include "testlib.h"

struct fixture {
	char		*dir;
	char		*path;		/* dir/state.db */
	struct db	*db;		/* open on path */
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("test-db.XXXXXX", NULL);
	if (f->dir == NULL) {
		g_free(f);
		return -1;
	}
	f->path = g_build_filename(f->dir, "state.db", NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	db_close(f->db);
	remove_tree(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/*
 * The statement tests share one open database (opening costs a handful of
 * fsyncs); each starts with a fresh, empty table t of every type.
 */
static int
setup_group_open(void **state)
{
	struct fixture	*f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	if (db_open(f->path, &f->db, NULL) != 0)
		return -1;
	/* Durability is not what these tests are about. */
	return db_exec(f->db, NULL, "PRAGMA synchronous = OFF", "") < 0 ?
	    -1 : 0;
}

static int
setup_table(void **state)
{
	struct fixture	*f = *state;

	db_rollback(f->db);
	if (db_exec(f->db, NULL, "DROP TABLE IF EXISTS t", "") < 0)
		return -1;
	if (db_exec(f->db, NULL, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
	    "i INTEGER, t TEXT, b BLOB, u TEXT UNIQUE)", "") < 0)
		return -1;
	return 0;
}

static int64_t
count_rows(struct db *db)
{
	int	found;

	return db_query_int(db, NULL, &found, "SELECT count(*) FROM t", "");
}

/* Opening and creating. */

static void
test_open_creates_file_private_whatever_the_umask(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;
	mode_t		 old;
	char		*cause = NULL, *wal;

	old = umask(022);
	assert_int_equal(db_open(f->path, &f->db, &cause), 0);
	umask(old);
	assert_null(cause);
	assert_non_null(f->db);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);

	/* The write-ahead log holds the same data: private too. */
	assert_true(db_exec(f->db, NULL, "CREATE TABLE x (y)", "") >= 0);
	wal = g_strdup_printf("%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	g_free(wal);
}

static void
test_open_keeps_existing_file_private(void **state)
{
	struct fixture	*f = *state;
	struct stat	 sb;

	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
}

static void
test_open_uses_wal(void **state)
{
	struct fixture	*f = *state;
	char		*mode = NULL;

	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	assert_int_equal(db_query(f->db, NULL, copy_text, &mode,
	    "PRAGMA journal_mode", ""), 1);
	assert_string_equal(mode, "wal");
	g_free(mode);
}

static void
test_open_turns_foreign_keys_on(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	int		 found;

	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "PRAGMA foreign_keys", ""), 1);
	assert_int_equal(found, 1);

	/* A duplicate of message 42, which was never recorded. */
	assert_int_equal(db_exec(f->db, &cause, "INSERT INTO duplicate "
	    "(mailbox, uidvalidity, uid, message, seen_at) "
	    "VALUES (?, ?, ?, ?, ?)", "tiiit", "INBOX", (int64_t)1,
	    (int64_t)7, (int64_t)42, "2026-09-01T08:00:00Z"), -1);
	assert_contains(cause, "FOREIGN KEY");
	g_free(cause);
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT count(*) FROM duplicate", ""), 0);
}

static void
test_open_migrates_to_current_schema(void **state)
{
	struct fixture	*f = *state;
	int		 found;

	assert_true(schema_version > 0);
	assert_null(schema_migrations[schema_version]);
	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	assert_int_equal(db_schema_version(f->db), schema_version);
	/* The tables every state module relies on. */
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('mailbox', 'message', 'duplicate', 'run')", ""), 4);
}

static void
test_reopen_is_idempotent(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	int		 found, i;

	assert_int_equal(db_open(f->path, &f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO mailbox (name, "
	    "uidvalidity, last_uid) VALUES (?, ?, ?)", "tii", "INBOX",
	    (int64_t)5, (int64_t)9), 1);
	for (i = 0; i < 3; i++) {
		db_close(f->db);
		f->db = NULL;
		assert_int_equal(db_open(f->path, &f->db, &cause), 0);
		assert_null(cause);
		assert_int_equal(db_schema_version(f->db), schema_version);
		assert_int_equal(db_query_int(f->db, NULL, &found,
		    "SELECT last_uid FROM mailbox WHERE name = ?", "t",
		    "INBOX"), 9);
		assert_int_equal(found, 1);
	}
}

/* A database from a newer mentormail is left alone, not mangled. */
static void
test_newer_schema_is_refused(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = NULL;
	char		*cause = NULL, *bump;

	assert_int_equal(db_open(f->path, &db, NULL), 0);
	bump = g_strdup_printf("PRAGMA user_version = %d",
	    schema_version + 1);
	assert_true(db_exec(db, NULL, bump, "") >= 0);
	g_free(bump);
	db_close(db);

	db = NULL;
	assert_int_equal(db_open(f->path, &db, &cause), -1);
	assert_null(db);
	assert_contains(cause, f->path);
	assert_contains(cause, "upgrade");
	g_free(cause);
}

static void
test_open_in_missing_directory(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = NULL;
	char		*cause = NULL, *path;

	path = g_build_filename(f->dir, "no-such-dir", "state.db", NULL);
	assert_int_equal(db_open(path, &db, &cause), -1);
	assert_null(db);
	assert_contains(cause, path);
	g_free(cause);
	assert_int_equal(db_open(path, &db, NULL), -1);
	g_free(path);
}

static void
test_open_refuses_a_file_that_is_not_a_database(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = NULL;
	char		*cause = NULL;

	assert_true(g_file_set_contents(f->path, "From: someone\n\nnot a "
	    "database, but long enough to have a header's worth of bytes "
	    "in it so that SQLite reads it as one and says no\n", -1, NULL));
	assert_int_equal(db_open(f->path, &db, &cause), -1);
	assert_null(db);
	assert_contains(cause, f->path);
	g_free(cause);
}

/* Binding and reading back. */

struct row_copy {
	int64_t	 i;
	int	 i_null;
	char	*t;
	int	 t_null;
	void	*b;
	size_t	 b_len;
	int	 b_null;
};

static int
copy_row(struct db_row *row, void *arg)
{
	struct row_copy	*r = arg;
	const void	*b;

	r->i = db_row_int(row, 0);
	r->i_null = db_row_is_null(row, 0);
	r->t = g_strdup(db_row_text(row, 1));
	r->t_null = db_row_is_null(row, 1);
	b = db_row_blob(row, 2, &r->b_len);
	r->b = b != NULL ? g_memdup2(b, r->b_len) : NULL;
	r->b_null = db_row_is_null(row, 2);
	return 1;
}

static void
row_copy_clear(struct row_copy *r)
{
	g_free(r->t);
	g_free(r->b);
	memset(r, 0, sizeof *r);
}

/* Read back row `id` of t. */
static void
read_row(struct db *db, int64_t id, struct row_copy *r)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(db_query(db, NULL, copy_row, r,
	    "SELECT i, t, b FROM t WHERE id = ?", "i", id), 1);
}

static void
test_bind_int_text_blob(void **state)
{
	static const char blob[] = { 'a', '\0', 'b', '\0', '\0', 'c' };
	struct fixture	*f = *state;
	struct row_copy	 r;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, i, t, b) "
	    "VALUES (?, ?, ?, ?)", "iitb", (int64_t)1, INT64_MAX,
	    "caf\xc3\xa9 \xe2\x80\x94 mentor", blob, sizeof blob), 1);
	read_row(f->db, 1, &r);
	assert_true(r.i == INT64_MAX);
	assert_false(r.i_null);
	assert_string_equal(r.t, "caf\xc3\xa9 \xe2\x80\x94 mentor");
	assert_int_equal(r.b_len, sizeof blob);
	assert_memory_equal(r.b, blob, sizeof blob);
	assert_false(r.b_null);
	row_copy_clear(&r);

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, i) "
	    "VALUES (?, ?)", "ii", (int64_t)2, INT64_MIN), 1);
	read_row(f->db, 2, &r);
	assert_true(r.i == INT64_MIN);
	row_copy_clear(&r);
}

static void
test_bind_nulls(void **state)
{
	struct fixture	*f = *state;
	struct row_copy	 r;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, i, t, b) "
	    "VALUES (?, NULL, ?, ?)", "itb", (int64_t)1, (const char *)NULL,
	    (const void *)NULL, (size_t)0), 1);
	read_row(f->db, 1, &r);
	assert_true(r.i_null);
	assert_true(r.t_null);
	assert_null(r.t);
	assert_true(r.b_null);
	assert_null(r.b);
	assert_int_equal(r.b_len, 0);
	row_copy_clear(&r);
}

/* NULL binds NULL; an empty blob is an empty blob, not NULL. */
static void
test_bind_empty_blob_and_text_are_not_null(void **state)
{
	struct fixture	*f = *state;
	struct row_copy	 r;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, t, b) "
	    "VALUES (?, ?, ?)", "itb", (int64_t)1, "", "", (size_t)0), 1);
	read_row(f->db, 1, &r);
	assert_false(r.t_null);
	assert_string_equal(r.t, "");
	assert_false(r.b_null);
	assert_int_equal(r.b_len, 0);
	row_copy_clear(&r);
}

/* A blob is exactly `len` bytes, whatever bytes follow it in memory. */
static void
test_bind_blob_takes_len_bytes(void **state)
{
	static const char raw[] = "From: a\0b\r\n\r\nbody\0trailing";
	struct fixture	*f = *state;
	struct row_copy	 r;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, b) "
	    "VALUES (?, ?)", "ib", (int64_t)1, raw, (size_t)18), 1);
	read_row(f->db, 1, &r);
	assert_int_equal(r.b_len, 18);
	assert_memory_equal(r.b, raw, 18);
	row_copy_clear(&r);
}

static void
test_exec_returns_rows_changed(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) "
	    "VALUES (1), (2), (3)", ""), 3);
	assert_int_equal(db_exec(f->db, NULL, "UPDATE t SET t = 'x' "
	    "WHERE i >= ?", "i", (int64_t)2), 2);
	assert_int_equal(db_exec(f->db, NULL, "DELETE FROM t WHERE i > ?",
	    "i", (int64_t)99), 0);
	assert_int_equal(db_exec(f->db, NULL, "DELETE FROM t", ""), 3);
}

/* A statement that changes no rows says 0, whatever ran before it. */
static void
test_exec_without_changes_returns_zero(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) "
	    "VALUES (1), (2), (3)", ""), 3);
	assert_int_equal(db_exec(f->db, NULL, "SELECT count(*) FROM t", ""),
	    0);
	assert_int_equal(db_exec(f->db, NULL, "CREATE INDEX t_by_i ON t (i)",
	    ""), 0);
}

static int
collect_ints(struct db_row *row, void *arg)
{
	g_array_append_val((GArray *)arg, (int64_t){ db_row_int(row, 0) });
	return 0;
}

static int
stop_at_first(struct db_row *row, void *arg)
{
	*(int64_t *)arg = db_row_int(row, 0);
	return 1;
}

static void
test_query_calls_back_in_order_until_told_to_stop(void **state)
{
	struct fixture	*f = *state;
	GArray		*seen = g_array_new(FALSE, FALSE, sizeof(int64_t));
	int64_t		 first = 0;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) "
	    "VALUES (30), (10), (20)", ""), 3);
	assert_int_equal(db_query(f->db, NULL, collect_ints, seen,
	    "SELECT i FROM t ORDER BY i", ""), 3);
	assert_int_equal(seen->len, 3);
	assert_int_equal(g_array_index(seen, int64_t, 0), 10);
	assert_int_equal(g_array_index(seen, int64_t, 1), 20);
	assert_int_equal(g_array_index(seen, int64_t, 2), 30);

	assert_int_equal(db_query(f->db, NULL, stop_at_first, &first,
	    "SELECT i FROM t ORDER BY i DESC", ""), 1);
	assert_int_equal(first, 30);

	/* No rows: the callback is never called. */
	g_array_set_size(seen, 0);
	assert_int_equal(db_query(f->db, NULL, collect_ints, seen,
	    "SELECT i FROM t WHERE i > ?", "i", (int64_t)100), 0);
	assert_int_equal(seen->len, 0);
	g_array_free(seen, TRUE);
}

static void
test_query_int_found_and_not_found(void **state)
{
	struct fixture	*f = *state;
	int		 found = 7;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i, t) "
	    "VALUES (?, ?)", "it", (int64_t)42, "answer"), 1);
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT i FROM t WHERE t = ?", "t", "answer"), 42);
	assert_int_equal(found, 1);

	found = 7;
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT i FROM t WHERE t = ?", "t", "question"), 0);
	assert_int_equal(found, 0);

	/* A row whose value is 0 is still found. */
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT 0", ""), 0);
	assert_int_equal(found, 1);

	/* found may be left out. */
	assert_int_equal(db_query_int(f->db, NULL, NULL,
	    "SELECT i FROM t WHERE t = ?", "t", "answer"), 42);
}

static void
test_query_int_error(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	int		 found = 7;

	assert_int_equal(db_query_int(f->db, &cause, &found,
	    "SELECT i FROM no_such_table", ""), -1);
	assert_int_equal(found, -1);
	assert_contains(cause, f->path);
	assert_contains(cause, "no_such_table");
	g_free(cause);
}

static void
test_query_text(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL, *v;
	int		 found = 7;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i, t) "
	    "VALUES (?, ?)", "it", (int64_t)42, "answer"), 1);
	v = db_query_text(f->db, NULL, &found, "SELECT t FROM t WHERE i = ?",
	    "i", (int64_t)42);
	assert_string_equal(v, "answer");
	assert_int_equal(found, 1);
	g_free(v);

	/* No row, and a row whose value is NULL, both give NULL. */
	assert_null(db_query_text(f->db, NULL, &found, "SELECT t FROM t "
	    "WHERE i = ?", "i", (int64_t)7));
	assert_int_equal(found, 0);
	assert_null(db_query_text(f->db, NULL, &found, "SELECT NULL", ""));
	assert_int_equal(found, 1);

	assert_null(db_query_text(f->db, &cause, &found,
	    "SELECT t FROM no_such_table", ""));
	assert_int_equal(found, -1);
	assert_contains(cause, "no_such_table");
	g_free(cause);
}

/* Transactions. */

static void
test_rollback_discards(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_int_equal(db_begin(f->db, &cause), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), 1);
	assert_int_equal(count_rows(f->db), 1);
	db_rollback(f->db);
	assert_int_equal(count_rows(f->db), 0);

	/* Nothing was left half-open: a new transaction starts. */
	assert_int_equal(db_begin(f->db, &cause), 0);
	db_rollback(f->db);
	assert_null(cause);
}

static void
test_commit_keeps(void **state)
{
	struct fixture	*f = *state;
	struct db	*again;

	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), 1);
	assert_int_equal(db_commit(f->db, NULL), 0);
	db_rollback(f->db);
	assert_int_equal(count_rows(f->db), 1);
	assert_int_equal(db_open(f->path, &again, NULL), 0);
	assert_int_equal(count_rows(again), 1);
	db_close(again);
}

static void
test_rollback_outside_transaction_is_harmless(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), 1);
	db_rollback(f->db);
	assert_int_equal(count_rows(f->db), 1);
}

static void
test_transaction_errors_have_a_cause(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(db_begin(f->db, &cause), -1);
	assert_contains(cause, f->path);
	g_free(cause);
	cause = NULL;
	db_rollback(f->db);

	assert_int_equal(db_commit(f->db, &cause), -1);
	assert_contains(cause, f->path);
	g_free(cause);
}

/* Another connection sees a committed transaction, not an open one. */
static void
test_other_connection_sees_only_committed(void **state)
{
	struct fixture	*f = *state;
	struct db	*other;

	assert_int_equal(db_open(f->path, &other, NULL), 0);
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), 1);
	assert_int_equal(count_rows(other), 0);
	assert_int_equal(db_commit(f->db, NULL), 0);
	assert_int_equal(count_rows(other), 1);
	db_close(other);
}

/* The statement cache. */

static void
test_same_sql_twice_binds_afresh(void **state)
{
	struct fixture	*f = *state;
	int		 i, found;

	for (i = 1; i <= 3; i++) {
		assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i, t) "
		    "VALUES (?, ?)", "it", (int64_t)i * 10,
		    i == 2 ? NULL : "set"), 1);
	}
	assert_int_equal(db_query_int(f->db, NULL, &found,
	    "SELECT count(*) FROM t WHERE t IS NULL", ""), 1);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(db_query_int(f->db, NULL, &found,
		    "SELECT i FROM t WHERE id = ?", "i", (int64_t)i), i * 10);
		assert_int_equal(found, 1);
	}
}

/* A query stopped early starts from the first row when run again. */
static void
test_cached_query_restarts_after_early_stop(void **state)
{
	struct fixture	*f = *state;
	int64_t		 first;
	int		 i;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) "
	    "VALUES (1), (2), (3)", ""), 3);
	for (i = 0; i < 3; i++) {
		first = 0;
		assert_int_equal(db_query(f->db, NULL, stop_at_first, &first,
		    "SELECT i FROM t ORDER BY i", ""), 1);
		assert_int_equal(first, 1);
	}
}

/* A statement that failed is usable again once the cause is gone. */
static void
test_cached_statement_usable_after_error(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES (?)",
	    "t", "one"), 1);
	assert_int_equal(db_exec(f->db, &cause, "INSERT INTO t (u) "
	    "VALUES (?)", "t", "one"), -1);
	g_free(cause);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES (?)",
	    "t", "two"), 1);
	assert_int_equal(count_rows(f->db), 2);
}

/* Errors. */

static void
test_sql_error_names_the_database(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	/* Caught when preparing. */
	assert_int_equal(db_exec(f->db, &cause, "INSERT INTO no_such_table "
	    "VALUES (1)", ""), -1);
	assert_contains(cause, f->path);
	assert_contains(cause, "no_such_table");
	g_free(cause);
	cause = NULL;

	assert_int_equal(db_query(f->db, &cause, stop_at_first, NULL,
	    "SELEKT 1", ""), -1);
	assert_contains(cause, f->path);
	g_free(cause);
	cause = NULL;

	/* Caught when running. */
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES (?)",
	    "t", "once"), 1);
	assert_int_equal(db_exec(f->db, &cause, "INSERT INTO t (u) "
	    "VALUES (?)", "t", "once"), -1);
	assert_contains(cause, f->path);
	assert_contains(cause, "UNIQUE");
	g_free(cause);

	/* The caller may not want to know why. */
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES (?)",
	    "t", "once"), -1);
}

static void
test_last_id(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (id, i) "
	    "VALUES (?, ?)", "ii", (int64_t)41, (int64_t)0), 1);
	assert_int_equal(db_last_id(f->db), 41);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (?)",
	    "i", (int64_t)0), 1);
	assert_int_equal(db_last_id(f->db), 42);
}

/* A savepoint undoes one item's work and keeps the transaction's. */
static void
test_savepoint_undoes_one_item(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), 1);
	assert_int_equal(db_savepoint(f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (2)",
	    ""), 1);
	assert_int_equal(db_rollback_savepoint(f->db, NULL), 0);
	assert_int_equal(db_savepoint(f->db, NULL), 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (3)",
	    ""), 1);
	assert_int_equal(db_release(f->db, NULL), 0);
	assert_int_equal(db_commit(f->db, NULL), 0);
	assert_int_equal(db_query_int(f->db, NULL, NULL, "SELECT sum(i) FROM "
	    "t", ""), 4);
}

/*
 * A statement refused for its values is the statement's failure; a
 * database that cannot grow, or cannot be written, is the database's.
 */
static void
test_gone_count_tells_database_from_statement(void **state)
{
	struct fixture	*f = *state;
	unsigned	 gone = db_gone_count(f->db);
	int64_t		 pages;
	char		*sql;

	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES "
	    "('x')", ""), 1);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (u) VALUES "
	    "('x')", ""), -1);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO nowhere VALUES (1)",
	    ""), -1);
	assert_int_equal(db_gone_count(f->db), gone);
	pages = db_query_int(f->db, NULL, NULL, "PRAGMA page_count", "");
	sql = g_strdup_printf("PRAGMA max_page_count = %lld",
	    (long long)pages);
	assert_true(db_query_int(f->db, NULL, NULL, sql, "") > 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (b) VALUES "
	    "(randomblob(100000))", ""), -1);
	assert_int_equal(db_gone_count(f->db), gone + 1);
	g_free(sql);
	sql = g_strdup_printf("PRAGMA max_page_count = %lld",
	    (long long)pages * 1000);
	assert_true(db_query_int(f->db, NULL, NULL, sql, "") > 0);
	assert_true(db_exec(f->db, NULL, "PRAGMA query_only = 1", "") >= 0);
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO t (i) VALUES (1)",
	    ""), -1);
	assert_int_equal(db_gone_count(f->db), gone + 2);
	assert_true(db_exec(f->db, NULL, "PRAGMA query_only = 0", "") >= 0);
	g_free(sql);
}

#define T(name)		cmocka_unit_test_setup_teardown(name, setup, teardown)
#define T_TABLE(name)	cmocka_unit_test_setup(name, setup_table)

int
main(void)
{
	const struct CMUnitTest opening[] = {
		T(test_open_creates_file_private_whatever_the_umask),
		T(test_open_keeps_existing_file_private),
		T(test_open_uses_wal),
		T(test_open_turns_foreign_keys_on),
		T(test_open_migrates_to_current_schema),
		T(test_reopen_is_idempotent),
		T(test_newer_schema_is_refused),
		T(test_open_in_missing_directory),
		T(test_open_refuses_a_file_that_is_not_a_database),
	};
	const struct CMUnitTest statements[] = {
		T_TABLE(test_bind_int_text_blob),
		T_TABLE(test_bind_nulls),
		T_TABLE(test_bind_empty_blob_and_text_are_not_null),
		T_TABLE(test_bind_blob_takes_len_bytes),
		T_TABLE(test_exec_returns_rows_changed),
		T_TABLE(test_exec_without_changes_returns_zero),
		T_TABLE(test_query_calls_back_in_order_until_told_to_stop),
		T_TABLE(test_query_int_found_and_not_found),
		T_TABLE(test_query_int_error),
		T_TABLE(test_query_text),
		T_TABLE(test_rollback_discards),
		T_TABLE(test_commit_keeps),
		T_TABLE(test_rollback_outside_transaction_is_harmless),
		T_TABLE(test_transaction_errors_have_a_cause),
		T_TABLE(test_other_connection_sees_only_committed),
		T_TABLE(test_same_sql_twice_binds_afresh),
		T_TABLE(test_cached_query_restarts_after_early_stop),
		T_TABLE(test_cached_statement_usable_after_error),
		T_TABLE(test_sql_error_names_the_database),
		T_TABLE(test_last_id),
		T_TABLE(test_savepoint_undoes_one_item),
		T_TABLE(test_gone_count_tells_database_from_statement),
	};

	return cmocka_run_group_tests_name("opening", opening, NULL, NULL) +
	    cmocka_run_group_tests_name("statements", statements,
	    setup_group_open, teardown);
}
