/*
 * db.h -- the program's state in SQLite (db.c is the only user of sqlite3).
 *
 * A small, generic API: statements are SQL text with '?' parameters, bound
 * from a type string, one letter per parameter:
 *
 *	'i'  int64_t
 *	't'  const char * (NULL binds SQL NULL)
 *	'b'  const void *, size_t (a blob; NULL binds SQL NULL)
 *
 * Statements are prepared once per connection and cached by their text, so
 * callers pass string literals.  The domain modules (state-*.c) hold the
 * SQL; the schema and its migrations are in schema.c.
 */
#ifndef MENTORMAIL_DB_H
#define MENTORMAIL_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_row;

/*
 * Open or create the database at `path` (created mode 0600), in WAL mode
 * with foreign keys on, and migrate its schema forward to the current
 * version.  Returns 0 and stores the handle in *out, or -1 with *cause set.
 * A database written by a newer mentormail is refused.
 */
int	db_open(const char *path, struct db **out, char **cause);
void	db_close(struct db *);

/*
 * Open an in-memory copy of the database at `path` (an empty one if there
 * is no file yet), migrated like db_open.  Nothing done through it ever
 * reaches the file: `run --dry-run` works on such a copy.
 */
int	db_open_copy(const char *path, struct db **out, char **cause);

/* The schema version the database is at (PRAGMA user_version). */
int	db_schema_version(struct db *);

/*
 * Transactions.  db_begin takes the write lock at once (BEGIN IMMEDIATE).
 * Each returns 0 or -1 with *cause set; db_rollback never fails visibly.
 */
int	db_begin(struct db *, char **cause);
int	db_commit(struct db *, char **cause);
void	db_rollback(struct db *);

/*
 * A savepoint inside the current transaction, for one item of a batch (a
 * message, an event): db_release keeps what was done since
 * db_savepoint, db_rollback_savepoint undoes it and keeps the rest of the
 * transaction.  They nest (a line of a command mail inside its message):
 * each release or rollback acts on the innermost savepoint still open.
 * Each returns 0 or -1 with *cause set.
 */
int	db_savepoint(struct db *, char **cause);
int	db_release(struct db *, char **cause);
int	db_rollback_savepoint(struct db *, char **cause);

/*
 * How many failures since the database was opened were of the database
 * itself (the disk is full, an I/O error, corruption, memory, a lock)
 * rather than of one statement refused for its values (a constraint, a
 * value too big).  A caller compares the count before and after a piece
 * of work to know whether its failure is the item's or the database's.
 */
unsigned db_gone_count(struct db *);

/*
 * Run a statement that returns no rows.  Returns the number of rows changed
 * (>= 0), or -1 with *cause set.
 */
int	db_exec(struct db *, char **cause, const char *sql, const char *types,
	    ...);

/*
 * Run a query and call `fn` for each row, in order, until it returns
 * non-zero.  Returns the number of rows seen, or -1 with *cause set.
 */
typedef int (*db_row_fn)(struct db_row *, void *arg);
int	db_query(struct db *, char **cause, db_row_fn fn, void *arg,
	    const char *sql, const char *types, ...);

/*
 * The first column of the first row as an integer: 0 and *found = 0 when
 * there is no row.  Returns -1 and sets *cause on error (then *found = -1).
 */
int64_t	db_query_int(struct db *, char **cause, int *found, const char *sql,
	    const char *types, ...);

/*
 * The first column of the first row as a new string (caller frees): NULL
 * with *found = 0 when there is no row (or the value is SQL NULL, then
 * *found = 1).  NULL with *found = -1 and *cause set on error.
 */
char	*db_query_text(struct db *, char **cause, int *found, const char *sql,
	    const char *types, ...);

/* Column accessors, valid inside a db_row_fn; text and blobs until it returns. */
int64_t	 db_row_int(struct db_row *, int col);
const char *db_row_text(struct db_row *, int col);	/* NULL for SQL NULL */
const void *db_row_blob(struct db_row *, int col, size_t *len);
int	 db_row_is_null(struct db_row *, int col);

/* The rowid of the last row inserted through this handle. */
int64_t	db_last_id(struct db *);

/* The migrations, in schema.c: migration N takes version N to N + 1. */
extern const char *const schema_migrations[];
extern const int schema_version;

#endif
