/*
 * state-digest.c -- the SQL behind state-digest.h.  The digest's sections
 * are a table: a name and the query that writes its lines, so that what
 * the coordinator reads each morning is one place to change.
 */
#include <string.h>

#include <glib.h>

#include "db.h"
#include "log.h"
#include "state-digest.h"

#define WHO(p)	"(SELECT coalesce((SELECT value FROM participant_field " \
	"WHERE participant = " p " AND name = 'name') || ' <' || email || " \
	"'>', email) FROM participant WHERE id = " p ")"
#define PAIR(m)	"(SELECT 'match ' || x.id || ' (' || " WHO("x.mentee") \
	" || ' with ' || " WHO("x.mentor") " || ')' FROM match x WHERE " \
	"x.id = " m ")"

/* ?1 is where the period starts (exclusive), ?2 where it ends. */
static const struct {
	const char	*name;
	const char	*sql;
} sections[] = {
	{ "proposals",
	    "SELECT 'match ' || m.id || ': ' || " WHO("m.mentee") " || ' with "
	    "' || " WHO("m.mentor") " || ', score ' || m.score || char(10) || "
	    "'  why: ' || m.why FROM match m WHERE m.status = 'proposed' ORDER "
	    "BY m.id LIMIT 100" },
	{ "decisions",
	    "SELECT " WHO("p.id") " || ': applied, but the application does "
	    "not say mentor or mentee (their receipt asked them)' FROM "
	    "participant p WHERE p.status = 'incomplete' AND NOT EXISTS "
	    "(SELECT 1 FROM participant_field f WHERE f.participant = p.id AND "
	    "f.name = 'role') AND p.updated_at > ?1 AND p.updated_at <= ?2 "
	    "UNION ALL SELECT n.text || coalesce(' -- ' || " PAIR("n.match")
	    ", '') FROM notice n WHERE n.reported_at IS NULL AND n.what IN "
	    "('not-a-good-fit', 'withdraw', 'declined', 'unclear-match')" },
	{ "overdue",
	    "SELECT coalesce(" PAIR("n.match") " || ': ', '') || n.text FROM "
	    "notice n WHERE n.reported_at IS NULL AND n.what NOT IN "
	    "('not-a-good-fit', 'withdraw', 'declined', 'unclear-match') "
	    "ORDER BY n.id" },
	{ "reminders",
	    "SELECT count(*) || ' ' || CASE substr(name, 1, instr(name || '.', "
	    "'.') - 1) WHEN 'goals' THEN 'goals reminder(s)' WHEN "
	    "'first_meeting' THEN 'first meeting reminder(s)' WHEN 'contact' "
	    "THEN 'nudge(s) to pairs out of touch' WHEN 'checkin' THEN "
	    "'check-in question(s)' WHEN 'evaluation' THEN 'evaluation "
	    "reminder(s)' WHEN 'end' THEN 'end of mentorship mail(s) with "
	    "the evaluation request' WHEN 'thanks' THEN 'closing thank-you(s)' "
	    "ELSE name END FROM event WHERE outcome = 'sent' AND done_at > ?1 "
	    "AND done_at <= ?2 GROUP BY substr(name, 1, instr(name || '.', "
	    "'.') - 1) ORDER BY 1" },
	{ "arrived",
	    "SELECT count(*) || ' ' || CASE kind WHEN 'application' THEN "
	    "'application(s)' WHEN 'goals' THEN 'set(s) of goals' WHEN "
	    "'meeting_report' THEN 'meeting report(s)' WHEN 'checkin' THEN "
	    "'check-in answer(s)' WHEN 'evaluation' THEN 'evaluation(s)' WHEN "
	    "'confirmation' THEN 'confirmation(s)' WHEN 'command' THEN "
	    "'command mail(s)' WHEN 'form_request' THEN 'request(s) for the "
	    "blank form (sent)' ELSE 'other message(s)' END FROM message WHERE "
	    "recorded_at > ?1 AND recorded_at <= ?2 AND kind IS NOT NULL "
	    "GROUP BY kind UNION ALL SELECT count(*) || ' applicant(s) now ' "
	    "|| CASE status WHEN 'applied' THEN 'complete and eligible' WHEN "
	    "'incomplete' THEN 'incomplete (asked for the rest)' ELSE status "
	    "END FROM participant WHERE updated_at > ?1 AND updated_at <= ?2 "
	    "GROUP BY status" },
	{ "failed",
	    "SELECT 'UID ' || uid || ' from ' || coalesce(from_addr, '?') || "
	    "': ' || outcome || ': ' || coalesce(cause, '?') || ' (mentormail "
	    "reprocess ' || uid || ')' FROM message WHERE outcome IN "
	    "('failed', 'unparseable') AND recorded_at > ?1 AND recorded_at <= "
	    "?2 UNION ALL SELECT 'mail ' || id || ' to ' || to_addr || ' (' "
	    "|| kind || ') could not be sent: ' || coalesce(last_error, '?') "
	    "|| ' (mentormail outbox retry ' || id || ')' FROM outbox WHERE "
	    "status = 'failed' AND dropped_at IS NULL AND coalesce(sent_at, "
	    "next_attempt_at) > ?1 AND created_at <= ?2" },
	{ "wanted",
	    "SELECT 'a mentor for ' || coalesce((SELECT value FROM "
	    "participant_field WHERE participant = u.mentee AND name = "
	    "'position'), 'a mentee') || coalesce(' at a ' || (SELECT value "
	    "FROM participant_field WHERE participant = u.mentee AND name = "
	    "'library_type') || ' library', '') || coalesce(' in ' || (SELECT "
	    "value FROM participant_field WHERE participant = u.mentee AND "
	    "name IN ('region', 'city') ORDER BY name DESC LIMIT 1), '') || "
	    "coalesce(', to help with ' || substr((SELECT value FROM "
	    "participant_field WHERE participant = u.mentee AND name = "
	    "'goals'), 1, 80), '') FROM unmatched u WHERE u.why LIKE 'no "
	    "mentor has room%' OR u.why LIKE 'no eligible mentor%' ORDER BY "
	    "u.mentee LIMIT 10" },
};

static int
line_row(struct db_row *row, void *arg)
{
	const char	*t = db_row_text(row, 0);

	if (t != NULL)
		g_ptr_array_add(arg, g_strdup(t));
	return 0;
}

int
state_digest_lines(struct db *db, const char *name, const char *from,
    const char *to, GPtrArray **out, char **cause)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(sections); i++) {
		if (strcmp(sections[i].name, name) == 0)
			break;
	}
	if (i == G_N_ELEMENTS(sections))
		fatal("state_digest_lines: no section %s", name);
	*out = g_ptr_array_new_with_free_func(g_free);
	/* Every section's query names both ends, used or not. */
	if (db_query(db, cause, line_row, *out, sections[i].sql,
	    strstr(sections[i].sql, "?2") != NULL ? "tt" : "", from,
	    to) < 0) {
		g_ptr_array_unref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int
counts_row(struct db_row *row, void *arg)
{
	struct digest_counts	*c = arg;
	const char		*owed = db_row_text(row, 9);

	c->proposals = (int)db_row_int(row, 0);
	c->mentees_waiting = (int)db_row_int(row, 1);
	c->mentors_room = (int)db_row_int(row, 2);
	c->pairs = (int)db_row_int(row, 3);
	c->goals_in = (int)db_row_int(row, 4);
	c->met = (int)db_row_int(row, 5);
	c->ended = (int)db_row_int(row, 6);
	c->evaluations = (int)db_row_int(row, 7);
	c->runs_failing = (int)db_row_int(row, 8);
	c->owed = owed != NULL ? g_ascii_strtod(owed, NULL) : 0;
	c->last_ok = g_strdup(db_row_text(row, 10));
	c->last_mail = g_strdup(db_row_text(row, 11));
	return 1;
}

/* The pool, as matching sees it: applied, and not in a running match. */
#define ROLE(r)	"EXISTS (SELECT 1 FROM participant_field f WHERE " \
	"f.participant = p.id AND f.name = 'role' AND f.value = '" r "')"
/* Two lookups, each on its index: an OR of the two would scan the
 * matches once for every participant. */
#define TAKEN	"((SELECT count(*) FROM match m WHERE m.status = 'approved' " \
	"AND m.mentee = p.id) + (SELECT count(*) FROM match m WHERE " \
	"m.status = 'approved' AND m.mentor = p.id))"
#define ROOM	"coalesce((SELECT CAST(value AS INTEGER) FROM " \
	"participant_field f WHERE f.participant = p.id AND f.name = " \
	"'capacity'), 1)"

int
state_digest_counts(struct db *db, struct digest_counts *c, char **cause)
{
	memset(c, 0, sizeof *c);
	return db_query(db, cause, counts_row, c, "SELECT "
	    "(SELECT count(*) FROM match WHERE status = 'proposed'), "
	    "(SELECT count(*) FROM participant p WHERE p.status = 'applied' "
	    "AND " ROLE("mentee") " AND " TAKEN " = 0), "
	    "(SELECT count(*) FROM participant p WHERE p.status = 'applied' "
	    "AND " ROLE("mentor") " AND " TAKEN " < max(1, " ROOM ")), "
	    "(SELECT count(*) FROM match WHERE status = 'approved' AND "
	    "starts_on IS NOT NULL), "
	    "(SELECT count(DISTINCT g.match) FROM goals g JOIN match m ON "
	    "m.id = g.match WHERE m.status = 'approved'), "
	    "(SELECT count(DISTINCT t.match) FROM meeting t JOIN match m ON "
	    "m.id = t.match WHERE m.status = 'approved'), "
	    "(SELECT count(*) FROM match WHERE status = 'ended' AND starts_on "
	    "IS NOT NULL), (SELECT count(*) FROM evaluation), "
	    "(SELECT count(*) FROM run WHERE outcome IS NOT 'ok' AND id < "
	    "(SELECT max(id) FROM run) AND id > coalesce((SELECT max(id) FROM "
	    "run WHERE outcome = 'ok'), 0)), "
	    "(SELECT CAST(total(paid) + total(reimbursed) AS TEXT) FROM "
	    "meeting), "
	    "(SELECT max(now) FROM run WHERE outcome = 'ok'), "
	    "(SELECT max(recorded_at) FROM message)", "") < 0 ? -1 : 0;
}

void
digest_counts_clear(struct digest_counts *c)
{
	g_free(c->last_ok);
	g_free(c->last_mail);
}

int
state_digest_last(struct db *db, char **last, char **cause)
{
	int	found;

	*last = db_query_text(db, cause, &found, "SELECT max(covers_to) FROM "
	    "digest", "");
	return found < 0 ? -1 : 0;
}

int
state_digest_done(struct db *db, const char *day, char **cause)
{
	int	found;

	db_query_int(db, cause, &found, "SELECT 1 FROM digest WHERE day = ?",
	    "t", day);
	return found;
}

int
state_digest_add(struct db *db, const char *day, const char *from,
    const char *to, int64_t outbox, char **cause)
{
	return db_exec(db, cause, "INSERT INTO digest (day, covers_from, "
	    "covers_to, outbox) VALUES (?, ?, ?, nullif(?, 0))", "ttti", day,
	    from, to, outbox) < 0 ? -1 : 0;
}

int
state_notices_reported(struct db *db, const char *now, char **cause)
{
	return db_exec(db, cause, "UPDATE notice SET reported_at = ? WHERE "
	    "reported_at IS NULL", "t", now) < 0 ? -1 : 0;
}

int
state_failing_since(struct db *db, char **since, char **cause)
{
	int	found;

	/* Earlier runs only: this one (the newest) has not ended yet. */
	*since = db_query_text(db, cause, &found, "SELECT min(now) FROM run "
	    "WHERE outcome IS NOT 'ok' AND id < (SELECT max(id) FROM run) AND "
	    "id > coalesce((SELECT max(id) FROM run WHERE outcome = 'ok'), 0)",
	    "");
	return found < 0 ? -1 : 0;
}

int
state_alarm_since(struct db *db, const char *kind, const char *since,
    char **cause)
{
	int64_t	n;

	n = db_query_int(db, cause, NULL, "SELECT count(*) FROM outbox WHERE "
	    "kind = ? AND created_at >= ?", "tt", kind, since);
	return n < 0 ? -1 : n > 0;
}
