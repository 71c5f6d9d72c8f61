/*
 * state-message.c -- the SQL behind state-message.h.
 */
#include <string.h>

#include <glib.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "state-message.h"

int
state_mailbox_get(struct db *db, const char *mailbox, uint32_t *uidvalidity,
    uint32_t *last_uid, char **cause)
{
	int	found;

	*uidvalidity = (uint32_t)db_query_int(db, cause, &found,
	    "SELECT uidvalidity FROM mailbox WHERE name = ?", "t", mailbox);
	if (found < 0)
		return -1;
	*last_uid = (uint32_t)db_query_int(db, cause, &found,
	    "SELECT last_uid FROM mailbox WHERE name = ?", "t", mailbox);
	if (found < 0)
		return -1;
	return found;
}

int
state_mailbox_set(struct db *db, const char *mailbox, uint32_t uidvalidity,
    uint32_t last_uid, char **cause)
{
	if (db_exec(db, cause, "INSERT INTO mailbox (name, uidvalidity, "
	    "last_uid) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
	    "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
	    "tii", mailbox, (int64_t)uidvalidity, (int64_t)last_uid) < 0)
		return -1;
	return 0;
}

int
state_message_known(struct db *db, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, char **cause)
{
	int	found;

	db_query_int(db, cause, &found, "SELECT 1 FROM message WHERE "
	    "mailbox = ? AND uidvalidity = ? AND uid = ? UNION ALL "
	    "SELECT 1 FROM duplicate WHERE mailbox = ? AND uidvalidity = ? "
	    "AND uid = ?", "tiitii", mailbox, (int64_t)uidvalidity,
	    (int64_t)uid, mailbox, (int64_t)uidvalidity, (int64_t)uid);
	return found;
}

int64_t
state_message_original(struct db *db, const struct message_record *r,
    char **cause)
{
	int64_t	id;
	int	found;

	if (r->message_id != NULL)
		id = db_query_int(db, cause, &found, "SELECT id FROM message "
		    "WHERE message_id = ? AND hash = ? ORDER BY id LIMIT 1",
		    "tt", r->message_id, r->hash);
	else
		id = db_query_int(db, cause, &found, "SELECT id FROM message "
		    "WHERE message_id IS NULL AND hash = ? AND internaldate = ? "
		    "ORDER BY id LIMIT 1", "tt", r->hash, r->internaldate);
	return found < 0 ? -1 : id;
}

char *
state_message_id_of(struct db *db, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, int *found, char **cause)
{
	char	*msgid;

	msgid = db_query_text(db, cause, found, "SELECT message_id FROM "
	    "message WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3 "
	    "UNION ALL SELECT m.message_id FROM duplicate d JOIN message m "
	    "ON m.id = d.message WHERE d.mailbox = ?1 AND d.uidvalidity = ?2 "
	    "AND d.uid = ?3", "tii", mailbox, (int64_t)uidvalidity,
	    (int64_t)uid);
	if (*found > 0 && msgid == NULL)
		*found = 0;
	return msgid;
}

int
state_message_add(struct db *db, const struct message_record *r, int64_t *id,
    char **cause)
{
	if (db_exec(db, cause, "INSERT INTO message (mailbox, uidvalidity, "
	    "uid, message_id, internaldate, from_addr, from_name, subject, "
	    "size, hash, raw, text, auto_reason, outcome, cause, recorded_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "tiitttttitbttttt", r->mailbox, (int64_t)r->uidvalidity,
	    (int64_t)r->uid, r->message_id, r->internaldate, r->from_addr,
	    r->from_name, r->subject, (int64_t)r->size, r->hash, r->raw,
	    r->size, r->text, r->auto_reason, r->outcome, r->cause,
	    r->recorded_at) < 0)
		return -1;
	if (id != NULL)
		*id = db_last_id(db);
	return 0;
}

int
state_duplicate_add(struct db *db, const struct message_record *r,
    int64_t original, char **cause)
{
	if (db_exec(db, cause, "INSERT INTO duplicate (mailbox, uidvalidity, "
	    "uid, message, seen_at) VALUES (?, ?, ?, ?, ?)", "tiiit",
	    r->mailbox, (int64_t)r->uidvalidity, (int64_t)r->uid, original,
	    r->recorded_at) < 0)
		return -1;
	return 0;
}

int
state_message_set_kind(struct db *db, int64_t id, const char *kind,
    int64_t participant, char **cause)
{
	return db_exec(db, cause, "UPDATE message SET kind = ?, participant = "
	    "nullif(?, 0) WHERE id = ?", "tii", kind, participant, id) < 0 ?
	    -1 : 0;
}

int
state_message_failed(struct db *db, int64_t id, const char *why,
    char **cause)
{
	return db_exec(db, cause, "UPDATE message SET outcome = 'failed', "
	    "cause = ?, kind = NULL, participant = NULL WHERE id = ?", "ti",
	    why, id) < 0 ? -1 : 0;
}

int64_t
state_message_by_uid(struct db *db, const char *mailbox, uint32_t uid,
    char **cause)
{
	return db_query_int(db, cause, NULL, "SELECT id FROM message WHERE "
	    "mailbox = ? AND uid = ? ORDER BY uidvalidity = (SELECT "
	    "uidvalidity FROM mailbox WHERE name = mailbox) DESC, id DESC "
	    "LIMIT 1", "ti", mailbox, (int64_t)uid);
}

static int
id_row(struct db_row *row, void *arg)
{
	int64_t	id = db_row_int(row, 0);

	g_array_append_val((GArray *)arg, id);
	return 0;
}

int
state_message_failed_ids(struct db *db, GArray **ids, char **cause)
{
	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	if (db_query(db, cause, id_row, *ids, "SELECT id FROM message WHERE "
	    "outcome IN ('failed', 'unparseable') ORDER BY id", "") < 0) {
		g_array_unref(*ids);
		*ids = NULL;
		return -1;
	}
	return 0;
}

static int
stored_row(struct db_row *row, void *arg)
{
	struct message_stored	*m = g_new0(struct message_stored, 1);
	const void		*raw;

	m->id = db_row_int(row, 0);
	m->mailbox = g_strdup(db_row_text(row, 1));
	m->uidvalidity = (uint32_t)db_row_int(row, 2);
	m->uid = (uint32_t)db_row_int(row, 3);
	m->internaldate = g_strdup(db_row_text(row, 4));
	m->recorded_at = g_strdup(db_row_text(row, 5));
	m->hash = g_strdup(db_row_text(row, 6));
	m->outcome = g_strdup(db_row_text(row, 7));
	raw = db_row_blob(row, 8, &m->size);
	m->raw = g_malloc(m->size + 1);
	memcpy(m->raw, raw, m->size);
	m->raw[m->size] = '\0';
	*(struct message_stored **)arg = m;
	return 1;
}

int
state_message_get(struct db *db, int64_t id, struct message_stored **out,
    char **cause)
{
	*out = NULL;
	return db_query(db, cause, stored_row, out, "SELECT id, mailbox, "
	    "uidvalidity, uid, internaldate, recorded_at, hash, outcome, raw "
	    "FROM message WHERE id = ?", "i", id);
}

void
state_message_stored_free(struct message_stored *m)
{
	if (m == NULL)
		return;
	g_free(m->mailbox);
	g_free(m->internaldate);
	g_free(m->recorded_at);
	g_free(m->hash);
	g_free(m->outcome);
	g_free(m->raw);
	g_free(m);
}

int
state_message_redecode(struct db *db, int64_t id,
    const struct message_record *r, char **cause)
{
	return db_exec(db, cause, "UPDATE message SET message_id = ?, "
	    "from_addr = ?, from_name = ?, subject = ?, text = ?, "
	    "auto_reason = ?, outcome = ?, cause = ?, kind = NULL, "
	    "participant = NULL WHERE id = ?", "tttttttti", r->message_id,
	    r->from_addr, r->from_name, r->subject, r->text, r->auto_reason,
	    r->outcome, r->cause, id) < 0 ? -1 : 0;
}

int64_t
state_run_start(struct db *db, const char *now, char **cause)
{
	GDateTime	*real = g_date_time_new_now_utc();
	char		*started = clock_iso(real);
	int		 n;

	/* started_at is the real time, `now` the clock decisions use. */
	g_date_time_unref(real);
	n = db_exec(db, cause, "INSERT INTO run (started_at, now) "
	    "VALUES (?, ?)", "tt", started, now);
	g_free(started);
	return n < 0 ? -1 : db_last_id(db);
}

int
state_run_finish(struct db *db, int64_t run, const char *outcome,
    const struct run_counts *c, const char *run_cause, char **cause)
{
	GDateTime	*real = g_date_time_new_now_utc();
	char		*finished = clock_iso(real);
	int		 n;

	g_date_time_unref(real);
	n = db_exec(db, cause, "UPDATE run SET finished_at = ?, outcome = ?, "
	    "fetched = ?, recorded = ?, duplicates = ?, moved = ?, cause = ? "
	    "WHERE id = ?", "ttiiiiti", finished, outcome, (int64_t)c->fetched,
	    (int64_t)c->recorded, (int64_t)c->duplicates, (int64_t)c->moved,
	    run_cause, run);
	g_free(finished);
	return n < 0 ? -1 : 0;
}

/* One status line: a key and the SQL that computes its value. */
struct status_key {
	const char	*key;
	const char	*sql;	/* one '?' at most: the mailbox name */
};

static const struct status_key status_keys[] = {
	{ "messages.total", "SELECT count(*) FROM message" },
	{ "messages.processed", "SELECT (SELECT count(*) FROM message) + "
	    "(SELECT count(*) FROM duplicate)" },
	{ "messages.decoded",
	    "SELECT count(*) FROM message WHERE outcome = 'decoded'" },
	{ "messages.automatic",
	    "SELECT count(*) FROM message WHERE outcome = 'automatic'" },
	{ "messages.unparseable",
	    "SELECT count(*) FROM message WHERE outcome = 'unparseable'" },
	{ "messages.failed",
	    "SELECT count(*) FROM message WHERE outcome = 'failed'" },
	{ "messages.duplicates", "SELECT count(*) FROM duplicate" },
	{ "messages.last_received", "SELECT max(internaldate) FROM message" },
	{ "mailbox.name", "SELECT ?" },
	{ "mailbox.uidvalidity",
	    "SELECT uidvalidity FROM mailbox WHERE name = ?" },
	{ "mailbox.last_uid", "SELECT last_uid FROM mailbox WHERE name = ?" },
	{ "runs.total", "SELECT count(*) FROM run" },
	{ "runs.failed",
	    "SELECT count(*) FROM run WHERE outcome IS NOT 'ok'" },
	{ "run.last_started", "SELECT max(started_at) FROM run" },
	{ "run.last_outcome", "SELECT coalesce(outcome, 'interrupted') FROM "
	    "run ORDER BY id DESC LIMIT 1" },
	{ "run.last_ok", "SELECT max(finished_at) FROM run WHERE outcome = 'ok'" },
	{ "run.last_cause", "SELECT cause FROM run ORDER BY id DESC LIMIT 1" },
};

int
state_status(struct db *db, const char *mailbox, state_status_fn fn,
    void *arg, char **cause)
{
	char		*value;
	size_t		 i;
	const char	*types;
	int		 found;

	for (i = 0; i < G_N_ELEMENTS(status_keys); i++) {
		types = strchr(status_keys[i].sql, '?') != NULL ? "t" : "";
		value = db_query_text(db, cause, &found, status_keys[i].sql,
		    types, mailbox);
		if (found < 0)
			return -1;
		fn(status_keys[i].key, value != NULL ? value : "", arg);
		g_free(value);
	}
	return 0;
}
