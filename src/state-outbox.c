/*
 * state-outbox.c -- the SQL behind state-outbox.h.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "state-outbox.h"

/* What last_error says while an attempt has not been answered. */
#define ATTEMPT_UNFINISHED \
	"an attempt to send was cut short; the server may or may not have " \
	"received the mail"

/* 2^20 times the first backoff is far past the cap: stop doubling there. */
#define BACKOFF_DOUBLINGS	20

int64_t
state_outbox_backoff(int attempts)
{
	int	doublings = attempts > 0 ? attempts - 1 : 0;

	if (doublings > BACKOFF_DOUBLINGS)
		doublings = BACKOFF_DOUBLINGS;
	return MIN((int64_t)OUTBOX_BACKOFF_FIRST << doublings,
	    (int64_t)OUTBOX_BACKOFF_MAX);
}

/* `now` moved by `seconds`, as stored text.  Caller frees. */
static char *
time_after(GDateTime *now, int64_t seconds)
{
	GDateTime	*t = g_date_time_add_seconds(now, (gdouble)seconds);
	char		*s = clock_iso(t);

	g_date_time_unref(t);
	return s;
}

/* A change to exactly one mail: anything else is a caller's mistake. */
static int
one_changed(int n, int64_t id, char **cause)
{
	if (n < 0)
		return -1;
	if (n == 0)
		return cause_set(cause, "no outbox mail %" PRId64, id);
	return 0;
}

int
state_outbox_queue(struct db *db, const struct outbox_record *r,
    GDateTime *now, int64_t *id, char **cause)
{
	char	*at = clock_iso(now);
	int	 n;

	/* NULLIF: 0 is "none", which the foreign keys want as NULL. */
	n = db_exec(db, cause, "INSERT INTO outbox (created_at, kind, message, "
	    "participant, match, to_addr, message_id, raw, next_attempt_at) "
	    "VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, "
	    "?)", "ttiiittbt", at, r->kind, r->message, r->participant,
	    r->match, r->to_addr, r->message_id, r->raw, r->len, at);
	g_free(at);
	if (n < 0)
		return -1;
	if (id != NULL)
		*id = db_last_id(db);
	return 0;
}

int
state_outbox_queue_failed(struct db *db, const struct outbox_record *r,
    GDateTime *now, const char *error, char **cause)
{
	char	*at = clock_iso(now), *uuid = g_uuid_string_random(), *msgid;
	int	 n;

	/* It was never written: a Message-ID nobody will ever see. */
	msgid = g_strdup_printf("unsent.%s@mentormail.invalid", uuid);
	n = db_exec(db, cause, "INSERT INTO outbox (created_at, kind, message, "
	    "participant, match, to_addr, message_id, raw, status, "
	    "next_attempt_at, last_error) VALUES (?, ?, NULLIF(?, 0), "
	    "NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, 'failed', ?, ?)", "ttiiittbtt",
	    at, r->kind, r->message, r->participant, r->match, r->to_addr,
	    msgid, r->raw != NULL ? r->raw : "", r->raw != NULL ? r->len : 0,
	    at, error);
	g_free(msgid);
	g_free(uuid);
	g_free(at);
	return n < 0 ? -1 : 0;
}

char *
state_outbox_message_id(struct db *db, int64_t id, char **cause)
{
	return db_query_text(db, cause, NULL, "SELECT message_id FROM outbox "
	    "WHERE id = ?", "i", id);
}

static int
thread_row(struct db_row *row, void *arg)
{
	struct outbox_thread	*t = arg;

	t->outbox = db_row_int(row, 0);
	t->kind = g_strdup(db_row_text(row, 1));
	t->participant = db_row_int(row, 2);
	t->match = db_row_int(row, 3);
	return 1;
}

/*
 * Our mail among `ids` by its Message-ID; else, by the message of theirs
 * it answered, which a reply's References name too.  The second finds
 * the thread when our mail's Message-ID is not the one recorded: the
 * same stored mail handled again into a fresh database writes the same
 * answers under new Message-IDs, and must read its replies the same way.
 */
static const char *const thread_sql[] = {
	"SELECT id, kind, coalesce(participant, 0), coalesce(match, 0) FROM "
	"outbox WHERE message_id = ?",
	"SELECT o.id, o.kind, coalesce(o.participant, 0), coalesce(o.match, "
	"0) FROM outbox o JOIN message m ON m.id = o.message WHERE "
	"m.message_id = ? ORDER BY o.id DESC LIMIT 1",
};

int
state_outbox_thread(struct db *db, char *const *ids, struct outbox_thread *t,
    char **cause)
{
	size_t	i, q;
	int	n = 0;

	memset(t, 0, sizeof *t);
	for (q = 0; q < G_N_ELEMENTS(thread_sql) && n == 0; q++) {
		for (i = 0; ids != NULL && ids[i] != NULL && n == 0; i++) {
			n = db_query(db, cause, thread_row, t, thread_sql[q],
			    "t", ids[i]);
			if (n < 0)
				return -1;
		}
	}
	return n > 0;
}

char *
state_outbox_created(struct db *db, int64_t id, int *found, char **cause)
{
	return db_query_text(db, cause, found, "SELECT created_at FROM outbox "
	    "WHERE id = ?", "i", id);
}

static int
due_row(struct db_row *row, void *arg)
{
	int64_t	id = db_row_int(row, 0);

	g_array_append_val((GArray *)arg, id);
	return 0;
}

int
state_outbox_due(struct db *db, GDateTime *now, GArray **ids, char **cause)
{
	char	*at = clock_iso(now);
	int	 n;

	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	n = db_query(db, cause, due_row, *ids, "SELECT id FROM outbox WHERE "
	    "status = 'queued' AND next_attempt_at <= ? ORDER BY id", "t", at);
	g_free(at);
	if (n >= 0)
		return 0;
	g_array_unref(*ids);
	*ids = NULL;
	return -1;
}

static int
mail_row(struct db_row *row, void *arg)
{
	struct outbox_mail	*m = g_new0(struct outbox_mail, 1);
	const void		*raw;

	m->id = db_row_int(row, 0);
	m->kind = g_strdup(db_row_text(row, 1));
	m->to_addr = g_strdup(db_row_text(row, 2));
	m->message_id = g_strdup(db_row_text(row, 3));
	raw = db_row_blob(row, 4, &m->len);
	m->raw = g_malloc(m->len + 1);
	if (m->len > 0)
		memcpy(m->raw, raw, m->len);
	m->raw[m->len] = '\0';
	m->attempts = (int)db_row_int(row, 5);
	m->created_at = g_strdup(db_row_text(row, 6));
	*(struct outbox_mail **)arg = m;
	return 1;
}

int
state_outbox_get(struct db *db, int64_t id, struct outbox_mail **out,
    char **cause)
{
	*out = NULL;
	if (db_query(db, cause, mail_row, out, "SELECT id, kind, to_addr, "
	    "message_id, raw, attempts, created_at FROM outbox WHERE id = ?",
	    "i", id) < 0)
		return -1;
	return *out != NULL;
}

void
state_outbox_free(struct outbox_mail *m)
{
	if (m == NULL)
		return;
	g_free(m->kind);
	g_free(m->to_addr);
	g_free(m->message_id);
	g_free(m->raw);
	g_free(m->created_at);
	g_free(m);
}

int
state_outbox_attempt(struct db *db, int64_t id, GDateTime *now, char **cause)
{
	int64_t	 attempts;
	char	*next;
	int	 found, n;

	attempts = db_query_int(db, cause, &found, "SELECT attempts FROM "
	    "outbox WHERE id = ?", "i", id);
	if (found <= 0)
		return one_changed(found, id, cause);
	next = time_after(now, state_outbox_backoff((int)attempts + 1));
	n = db_exec(db, cause, "UPDATE outbox SET attempts = attempts + 1, "
	    "next_attempt_at = ?, last_error = ? WHERE id = ?", "tti", next,
	    ATTEMPT_UNFINISHED, id);
	g_free(next);
	return one_changed(n, id, cause);
}

int
state_outbox_mark_sent(struct db *db, int64_t id, GDateTime *now,
    char **cause)
{
	char	*at = clock_iso(now);
	int	 n;

	n = db_exec(db, cause, "UPDATE outbox SET status = 'sent', "
	    "sent_at = ?, last_error = NULL WHERE id = ?", "ti", at, id);
	g_free(at);
	return one_changed(n, id, cause);
}

int
state_outbox_mark_temporary(struct db *db, int64_t id, GDateTime *now,
    const char *error, char **cause)
{
	char	*cutoff = time_after(now, -(int64_t)OUTBOX_EXPIRY);
	int64_t	 failed;
	int	 n, found;

	/* Its five days count from the coordinator's retry, if any. */
	n = db_exec(db, cause, "UPDATE outbox SET last_error = ?, status = "
	    "CASE WHEN coalesce(retried_at, created_at) < ? THEN 'failed' "
	    "ELSE status END WHERE id = ?", "tti", error, cutoff, id);
	g_free(cutoff);
	if (one_changed(n, id, cause) != 0)
		return -1;
	failed = db_query_int(db, cause, &found, "SELECT status = 'failed' "
	    "FROM outbox WHERE id = ?", "i", id);
	return found < 0 ? -1 : (int)failed;
}

int
state_outbox_mark_failed(struct db *db, int64_t id, const char *error,
    char **cause)
{
	return one_changed(db_exec(db, cause, "UPDATE outbox SET status = "
	    "'failed', last_error = ? WHERE id = ?", "ti", error, id), id,
	    cause);
}

int64_t
state_outbox_count_to(struct db *db, const char *addr, GDateTime *since,
    char **cause)
{
	char	*at = clock_iso(since);
	int64_t	 n;

	n = db_query_int(db, cause, NULL, "SELECT count(*) FROM outbox WHERE "
	    "to_addr = ? COLLATE NOCASE AND created_at >= ?", "tt", addr, at);
	g_free(at);
	return n;
}

#define ENTRY_COLUMNS \
	"id, status, kind, to_addr, created_at, attempts, next_attempt_at, " \
	"last_error, sent_at, dropped_at, length(raw) > 0"

struct entry_call {
	outbox_entry_fn	 fn;
	void		*arg;
};

static int
entry_row(struct db_row *row, void *arg)
{
	struct entry_call	*call = arg;
	struct outbox_entry	 e = {
		.id = db_row_int(row, 0), .status = db_row_text(row, 1),
		.kind = db_row_text(row, 2), .to_addr = db_row_text(row, 3),
		.created_at = db_row_text(row, 4),
		.attempts = (int)db_row_int(row, 5),
		.next_attempt_at = db_row_text(row, 6),
		.last_error = db_row_text(row, 7),
		.sent_at = db_row_text(row, 8),
		.dropped_at = db_row_text(row, 9),
		.written = (int)db_row_int(row, 10),
	};

	call->fn(&e, call->arg);
	return 0;
}

int
state_outbox_list(struct db *db, int64_t id, outbox_entry_fn fn, void *arg,
    char **cause)
{
	struct entry_call	call = { fn, arg };

	if (id > 0)
		return db_query(db, cause, entry_row, &call, "SELECT "
		    ENTRY_COLUMNS " FROM outbox WHERE id = ?", "i", id);
	return db_query(db, cause, entry_row, &call, "SELECT " ENTRY_COLUMNS
	    " FROM outbox WHERE status <> 'sent' AND dropped_at IS NULL "
	    "ORDER BY id", "");
}

int
state_outbox_requeue(struct db *db, int64_t id, GDateTime *now,
    char **cause)
{
	char	*at = clock_iso(now);
	int	 n;

	n = db_exec(db, cause, "UPDATE outbox SET status = 'queued', "
	    "next_attempt_at = ?1, retried_at = ?1, dropped_at = NULL WHERE "
	    "id = ?2 AND status <> 'sent' AND length(raw) > 0", "ti", at, id);
	g_free(at);
	return n < 0 ? -1 : n > 0;
}

int
state_outbox_drop(struct db *db, int64_t id, GDateTime *now, char **cause)
{
	char	*at = clock_iso(now);
	int	 n;

	n = db_exec(db, cause, "UPDATE outbox SET status = 'failed', "
	    "dropped_at = ? WHERE id = ? AND status <> 'sent' AND dropped_at "
	    "IS NULL", "ti", at, id);
	g_free(at);
	return n < 0 ? -1 : n > 0;
}

int
state_outbox_failed_ids(struct db *db, GArray **ids, char **cause)
{
	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if (db_query(db, cause, due_row, *ids, "SELECT id FROM outbox WHERE "
	    "status = 'failed' AND dropped_at IS NULL ORDER BY id", "") >= 0)
		return 0;
	g_array_unref(*ids);
	*ids = NULL;
	return -1;
}

/* The status keys, in the order `mentormail status` prints them. */
static const struct {
	const char	*key;
	const char	*where;
} status_keys[] = {
	{ "outbox.queued", "status = 'queued'" },
	{ "outbox.sent", "status = 'sent'" },
	{ "outbox.failed", "status = 'failed' AND dropped_at IS NULL" },
	{ "outbox.dropped", "dropped_at IS NOT NULL" },
};

int
state_outbox_status(struct db *db, state_status_fn fn, void *arg,
    char **cause)
{
	char	*sql, *value;
	int64_t	 n;
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(status_keys); i++) {
		sql = g_strconcat("SELECT count(*) FROM outbox WHERE ",
		    status_keys[i].where, NULL);
		n = db_query_int(db, cause, NULL, sql, "");
		g_free(sql);
		if (n < 0)
			return -1;
		value = g_strdup_printf("%" PRId64, n);
		fn(status_keys[i].key, value, arg);
		g_free(value);
	}
	return 0;
}
