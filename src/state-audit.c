/*
 * state-audit.c -- the SQL behind state-audit.h.
 */
#include <glib.h>

#include "db.h"
#include "state-audit.h"

int
state_audit_add(struct db *db, const struct audit_entry *e, char **cause)
{
	return db_exec(db, cause, "INSERT INTO audit (at, actor, via, message, "
	    "line, command, outcome, detail) VALUES (?, ?, ?, nullif(?, 0), "
	    "nullif(?, 0), ?, ?, ?)", "tttiittt", e->at, e->actor, e->via,
	    e->message, (int64_t)e->line, e->command, e->outcome,
	    e->detail) < 0 ? -1 : 0;
}

struct audit_call {
	void	(*fn)(const struct audit_entry *, void *);
	void	*arg;
};

static int
audit_row(struct db_row *r, void *arg)
{
	struct audit_call	*c = arg;
	struct audit_entry	 e = {
		.id = db_row_int(r, 0), .at = db_row_text(r, 1),
		.actor = db_row_text(r, 2), .via = db_row_text(r, 3),
		.message = db_row_int(r, 4), .line = (int)db_row_int(r, 5),
		.command = db_row_text(r, 6), .outcome = db_row_text(r, 7),
		.detail = db_row_text(r, 8),
	};

	c->fn(&e, c->arg);
	return 0;
}

int
state_audit_each(struct db *db,
    void (*fn)(const struct audit_entry *, void *), void *arg, char **cause)
{
	struct audit_call	c = { fn, arg };

	return db_query(db, cause, audit_row, &c, "SELECT id, at, actor, via, "
	    "coalesce(message, 0), coalesce(line, 0), command, outcome, detail "
	    "FROM audit ORDER BY id", "") < 0 ? -1 : 0;
}
