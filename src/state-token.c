/*
 * state-token.c -- the SQL behind state-token.h.
 */
#include <glib.h>

#include "db.h"
#include "state-token.h"

int
state_token_add(struct db *db, const char *token, const char *to_addr,
    const char *kind, const char *issued_at, const char *expires_at,
    char **cause)
{
	return db_exec(db, cause, "INSERT INTO token (token, to_addr, kind, "
	    "issued_at, expires_at) VALUES (?, ?, ?, ?, ?)", "ttttt", token,
	    to_addr, kind, issued_at, expires_at) < 0 ? -1 : 0;
}

int
state_token_bind(struct db *db, const char *token, int64_t outbox,
    char **cause)
{
	return db_exec(db, cause, "UPDATE token SET outbox = ? WHERE token = ?",
	    "it", outbox, token) < 0 ? -1 : 0;
}

struct token_call {
	void	(*fn)(const struct token_row *, void *);
	void	*arg;
};

static int
token_row_call(struct db_row *r, void *arg)
{
	struct token_call	*c = arg;
	struct token_row	 row = {
		.token = db_row_text(r, 0), .to_addr = db_row_text(r, 1),
		.kind = db_row_text(r, 2), .issued_at = db_row_text(r, 3),
		.expires_at = db_row_text(r, 4), .used_at = db_row_text(r, 5),
		.outbox = db_row_int(r, 6), .used_by = db_row_int(r, 7),
	};

	c->fn(&row, c->arg);
	return 1;
}

int
state_token_get(struct db *db, const char *token,
    void (*fn)(const struct token_row *, void *), void *arg, char **cause)
{
	struct token_call	c = { fn, arg };
	int			n;

	n = db_query(db, cause, token_row_call, &c, "SELECT token, to_addr, "
	    "kind, issued_at, expires_at, used_at, coalesce(outbox, 0), "
	    "coalesce(used_by, 0) FROM token WHERE token = ?", "t", token);
	return n < 0 ? -1 : n > 0;
}

int
state_token_use(struct db *db, const char *token, const char *now,
    int64_t message, char **cause)
{
	return db_exec(db, cause, "UPDATE token SET used_at = ?, used_by = ? "
	    "WHERE token = ? AND used_at IS NULL", "tit", now, message, token);
}
