/*
 * db.c -- SQLite behind a small API: open and migrate, transactions,
 * statements bound from a type string, rows through a callback.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "db.h"
#include "log.h"

struct db {
	sqlite3		*sql;
	char		*path;
	GHashTable	*stmts;		/* SQL text -> sqlite3_stmt */
	unsigned	 gone;		/* failures of the database itself */
};

struct db_row {
	sqlite3_stmt	*stmt;
};

/* How long to wait for a lock held by another process (ms). */
#define DB_BUSY_TIMEOUT	30000

/*
 * Whether SQLite's result `rc` says the database itself failed (the disk,
 * the file, memory, a lock), as opposed to one statement being refused
 * for the values it was given (a constraint, a value too big).
 */
static int
db_rc_is_gone(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_NOMEM:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PERM:
	case SQLITE_PROTOCOL:
	case SQLITE_INTERRUPT:
		return 1;
	default:
		return 0;
	}
}

static int
db_fail(struct db *db, char **cause, const char *what)
{
	if (db_rc_is_gone(sqlite3_extended_errcode(db->sql)))
		db->gone++;
	return cause_set(cause, "%s: %s: %s", db->path, what,
	    sqlite3_errmsg(db->sql));
}

unsigned
db_gone_count(struct db *db)
{
	return db->gone;
}

static void
stmt_finalize(gpointer stmt)
{
	sqlite3_finalize(stmt);
}

static sqlite3_stmt *
db_prepare(struct db *db, const char *sql, char **cause)
{
	sqlite3_stmt	*stmt;

	stmt = g_hash_table_lookup(db->stmts, sql);
	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL) != SQLITE_OK) {
		db_fail(db, cause, "prepare");
		return NULL;
	}
	g_hash_table_insert(db->stmts, g_strdup(sql), stmt);
	return stmt;
}

static int
db_bind(struct db *db, sqlite3_stmt *stmt, const char *types, va_list ap,
    char **cause)
{
	const char	*s;
	const void	*b;
	size_t		 len;
	int		 i, rc = SQLITE_OK;

	/* A type string that does not fit its statement is a bug here. */
	if ((int)strlen(types) != sqlite3_bind_parameter_count(stmt))
		fatal("db_bind: %zu types \"%s\" for %d parameters in \"%s\"",
		    strlen(types), types, sqlite3_bind_parameter_count(stmt),
		    sqlite3_sql(stmt));
	for (i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			s = va_arg(ap, const char *);
			rc = s == NULL ? sqlite3_bind_null(stmt, i + 1) :
			    sqlite3_bind_text(stmt, i + 1, s, -1, SQLITE_STATIC);
			break;
		case 'b':
			b = va_arg(ap, const void *);
			len = va_arg(ap, size_t);
			rc = b == NULL ? sqlite3_bind_null(stmt, i + 1) :
			    sqlite3_bind_blob64(stmt, i + 1, b, len,
			    SQLITE_STATIC);
			break;
		default:
			fatal("db_bind: bad type '%c' in \"%s\"", types[i],
			    types);
		}
	}
	if (rc != SQLITE_OK)
		return db_fail(db, cause, "bind");
	return 0;
}

/* Prepare and bind: the statement is ready to step, or NULL on error. */
static sqlite3_stmt *
db_statement(struct db *db, char **cause, const char *sql, const char *types,
    va_list ap)
{
	sqlite3_stmt	*stmt;

	stmt = db_prepare(db, sql, cause);
	if (stmt == NULL)
		return NULL;
	if (db_bind(db, stmt, types, ap, cause) != 0) {
		sqlite3_reset(stmt);
		return NULL;
	}
	return stmt;
}

int
db_exec(struct db *db, char **cause, const char *sql, const char *types, ...)
{
	sqlite3_stmt	*stmt;
	va_list		 ap;
	sqlite3_int64	 before;
	int		 rc;

	va_start(ap, types);
	stmt = db_statement(db, cause, sql, types, ap);
	va_end(ap);
	if (stmt == NULL)
		return -1;
	before = sqlite3_total_changes64(db->sql);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, cause, "exec");
	/* sqlite3_changes() still counts the last INSERT, UPDATE or DELETE */
	if (sqlite3_total_changes64(db->sql) == before)
		return 0;
	return sqlite3_changes(db->sql);
}

static int
db_vquery(struct db *db, char **cause, db_row_fn fn, void *arg,
    const char *sql, const char *types, va_list ap)
{
	struct db_row	 row;
	int		 rc, n = 0;

	row.stmt = db_statement(db, cause, sql, types, ap);
	if (row.stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(row.stmt)) == SQLITE_ROW) {
		n++;
		if (fn(&row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(row.stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, cause, "query");
	return n;
}

int
db_query(struct db *db, char **cause, db_row_fn fn, void *arg,
    const char *sql, const char *types, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, types);
	n = db_vquery(db, cause, fn, arg, sql, types, ap);
	va_end(ap);
	return n;
}

static int
first_int(struct db_row *row, void *arg)
{
	*(int64_t *)arg = db_row_int(row, 0);
	return 1;
}

int64_t
db_query_int(struct db *db, char **cause, int *found, const char *sql,
    const char *types, ...)
{
	va_list	 ap;
	int64_t	 value = 0;
	int	 n;

	va_start(ap, types);
	n = db_vquery(db, cause, first_int, &value, sql, types, ap);
	va_end(ap);
	if (found != NULL)
		*found = n < 0 ? -1 : n > 0;
	return n < 0 ? -1 : value;
}

static int
first_text(struct db_row *row, void *arg)
{
	*(char **)arg = g_strdup(db_row_text(row, 0));
	return 1;
}

char *
db_query_text(struct db *db, char **cause, int *found, const char *sql,
    const char *types, ...)
{
	va_list	 ap;
	char	*value = NULL;
	int	 n;

	va_start(ap, types);
	n = db_vquery(db, cause, first_text, &value, sql, types, ap);
	va_end(ap);
	if (found != NULL)
		*found = n < 0 ? -1 : n > 0;
	return value;
}

int64_t
db_row_int(struct db_row *row, int col)
{
	return sqlite3_column_int64(row->stmt, col);
}

const char *
db_row_text(struct db_row *row, int col)
{
	return (const char *)sqlite3_column_text(row->stmt, col);
}

const void *
db_row_blob(struct db_row *row, int col, size_t *len)
{
	const void	*p = sqlite3_column_blob(row->stmt, col);

	*len = (size_t)sqlite3_column_bytes(row->stmt, col);
	return p;
}

int
db_row_is_null(struct db_row *row, int col)
{
	return sqlite3_column_type(row->stmt, col) == SQLITE_NULL;
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->sql);
}

static int
db_script(struct db *db, const char *sql, char **cause)
{
	char	*msg = NULL;
	int	 rc;

	if ((rc = sqlite3_exec(db->sql, sql, NULL, NULL, &msg)) == SQLITE_OK)
		return 0;
	if (db_rc_is_gone(rc))
		db->gone++;
	cause_set(cause, "%s: %s", db->path, msg != NULL ? msg : "failed");
	sqlite3_free(msg);
	return -1;
}

int
db_begin(struct db *db, char **cause)
{
	return db_script(db, "BEGIN IMMEDIATE", cause);
}

int
db_commit(struct db *db, char **cause)
{
	return db_script(db, "COMMIT", cause);
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Savepoints have fixed names here: statements are cached by their text,
 * and a name from elsewhere must never become SQL.
 */
int
db_savepoint(struct db *db, char **cause)
{
	return db_script(db, "SAVEPOINT one_item", cause);
}

int
db_release(struct db *db, char **cause)
{
	return db_script(db, "RELEASE one_item", cause);
}

int
db_rollback_savepoint(struct db *db, char **cause)
{
	if (db_script(db, "ROLLBACK TO one_item", cause) != 0)
		return -1;
	return db_release(db, cause);
}

int
db_schema_version(struct db *db)
{
	return (int)db_query_int(db, NULL, NULL, "PRAGMA user_version", "");
}

/* Run migration `from` and record the new version, in one transaction. */
static int
db_migrate_one(struct db *db, int from, char **cause)
{
	char	*bump;
	int	 error;

	if (db_begin(db, cause) != 0)
		return -1;
	bump = g_strdup_printf("PRAGMA user_version = %d", from + 1);
	error = db_script(db, schema_migrations[from], cause);
	if (error == 0)
		error = db_script(db, bump, cause);
	g_free(bump);
	if (error == 0)
		error = db_commit(db, cause);
	if (error != 0)
		db_rollback(db);
	return error;
}

static int
db_migrate(struct db *db, char **cause)
{
	int	version = db_schema_version(db);

	if (version > schema_version)
		return cause_set(cause, "%s: schema version %d is newer than "
		    "this mentormail knows (%d): upgrade mentormail", db->path,
		    version, schema_version);
	for (; version < schema_version; version++) {
		if (db_migrate_one(db, version, cause) != 0)
			return -1;
		log_info("%s: schema migrated to version %d", db->path,
		    version + 1);
	}
	return 0;
}

/* Create the file ourselves first, so it is 0600 whatever the umask. */
static int
db_create_file(const char *path, char **cause)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return cause_set(cause, "%s: %s", path, g_strerror(errno));
	close(fd);
	return 0;
}

static int
db_configure(struct db *db, char **cause)
{
	sqlite3_busy_timeout(db->sql, DB_BUSY_TIMEOUT);
	/*
	 * Each message is handled inside its own SAVEPOINT, and SQLite keeps
	 * a savepoint's undo pages in a temporary file: in memory, they cost
	 * a few pages, freed when the savepoint is released.  A batch of
	 * intake (INTAKE_BATCH messages, one transaction) dirties some 10 MiB
	 * of pages: with the default 2 MiB cache they spilled into the WAL
	 * before the commit wrote them again.  Together, some 120 fewer
	 * writes a message, and a quarter of intake's time.
	 */
	return db_script(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA temp_store = MEMORY;"
	    "PRAGMA cache_size = -16384;"
	    "PRAGMA foreign_keys = ON;", cause);
}

int
db_open(const char *path, struct db **out, char **cause)
{
	struct db	*db;
	mode_t		 old;

	if (db_create_file(path, cause) != 0)
		return -1;
	db = g_new0(struct db, 1);
	db->path = g_strdup(path);
	db->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    stmt_finalize);
	/* The -wal and -shm files SQLite makes must be private too. */
	old = umask(077);
	if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		umask(old);
		db_fail(db, cause, "open");
		db_close(db);
		return -1;
	}
	if (db_configure(db, cause) != 0 || db_migrate(db, cause) != 0) {
		umask(old);
		db_close(db);
		return -1;
	}
	umask(old);
	*out = db;
	return 0;
}

/* Copy the file at `path`, if any, into the empty database `db`. */
static int
db_copy_from(struct db *db, const char *path, char **cause)
{
	sqlite3		*src;
	sqlite3_backup	*b;
	int		 rc;

	if (access(path, F_OK) != 0)
		return 0;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		cause_set(cause, "%s: %s", path, sqlite3_errmsg(src));
		sqlite3_close(src);
		return -1;
	}
	sqlite3_busy_timeout(src, DB_BUSY_TIMEOUT);
	b = sqlite3_backup_init(db->sql, "main", src, "main");
	rc = b != NULL ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	if (b != NULL)
		sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		cause_set(cause, "%s: copy: %s", path, sqlite3_errmsg(db->sql));
	sqlite3_close(src);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_open_copy(const char *path, struct db **out, char **cause)
{
	struct db	*db;

	db = g_new0(struct db, 1);
	db->path = g_strdup_printf("%s (in-memory copy)", path);
	db->stmts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    stmt_finalize);
	if (sqlite3_open_v2(":memory:", &db->sql, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK || db_copy_from(db, path, cause) != 0 ||
	    db_script(db, "PRAGMA foreign_keys = ON;", cause) != 0 ||
	    db_migrate(db, cause) != 0) {
		if (cause != NULL && *cause == NULL)
			db_fail(db, cause, "open");
		db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->stmts != NULL)
		g_hash_table_destroy(db->stmts);
	sqlite3_close(db->sql);
	g_free(db->path);
	g_free(db);
}
