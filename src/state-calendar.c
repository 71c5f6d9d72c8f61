/*
 * state-calendar.c -- the SQL behind state-calendar.h.
 */
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "db.h"
#include "log.h"
#include "state-calendar.h"

/*
 * The matches the calendar still has work for: all of them, or ?1.  A
 * match ended by a withdrawal has no end day: the calendar mails neither
 * side of it.
 */
#define LIVE_WHERE	"(status = 'approved' OR (status = 'ended' AND " \
	"starts_on IS NOT NULL AND ended_on IS NOT NULL AND NOT EXISTS " \
	"(SELECT 1 FROM event e WHERE e.match = match.id AND " \
	"e.name = 'thanks')))"
#define LIVE	"(SELECT id FROM match WHERE " LIVE_WHERE ")"
#define LIVE_ONE "(SELECT id FROM match WHERE id = ?1 AND " LIVE_WHERE ")"

#define PAIR_COLUMNS	"id, mentee, mentor, status, starts_on, ends_on, " \
	"ended_on, end_reason, confirm, decided_at"

void
pair_free(struct pair *p)
{
	if (p == NULL)
		return;
	g_free(p->status);
	g_free(p->starts_on);
	g_free(p->ends_on);
	g_free(p->ended_on);
	g_free(p->end_reason);
	g_free(p->confirm);
	g_free(p->decided_at);
	g_array_unref(p->contacts);
	g_hash_table_destroy(p->done);
	g_hash_table_destroy(p->answers);
	g_free(p);
}

static struct pair *
pair_new(struct db_row *row)
{
	struct pair	*p = g_new0(struct pair, 1);

	p->id = db_row_int(row, 0);
	p->mentee = db_row_int(row, 1);
	p->mentor = db_row_int(row, 2);
	p->status = g_strdup(db_row_text(row, 3));
	p->starts_on = g_strdup(db_row_text(row, 4));
	p->ends_on = g_strdup(db_row_text(row, 5));
	p->ended_on = g_strdup(db_row_text(row, 6));
	p->end_reason = g_strdup(db_row_text(row, 7));
	p->confirm = g_strdup(db_row_text(row, 8));
	p->decided_at = g_strdup(db_row_text(row, 9));
	p->contacts = g_array_new(FALSE, FALSE, sizeof(GDate));
	p->done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	p->answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	return p;
}

/* What state_calendar_load() builds. */
struct loading {
	GPtrArray	*pairs;
	GHashTable	*by_id;		/* match id -> struct pair * */
};

static int
pair_row(struct db_row *row, void *arg)
{
	struct loading	*l = arg;
	struct pair	*p = pair_new(row);

	g_ptr_array_add(l->pairs, p);
	g_hash_table_insert(l->by_id, &p->id, p);
	return 0;
}

static struct pair *
pair_of(struct loading *l, struct db_row *row)
{
	int64_t	id = db_row_int(row, 0);

	return g_hash_table_lookup(l->by_id, &id);
}

static int
event_row(struct db_row *row, void *arg)
{
	struct pair	*p = pair_of(arg, row);

	if (p != NULL)
		g_hash_table_insert(p->done, g_strdup(db_row_text(row, 1)),
		    g_strdup(db_row_text(row, 2)));
	return 0;
}

static int
count_row(struct db_row *row, void *arg)
{
	struct pair	*p = pair_of(arg, row);

	if (p != NULL) {
		p->goals = (int)db_row_int(row, 1);
		p->meetings = (int)db_row_int(row, 2);
		p->in_person = (int)db_row_int(row, 3);
		p->evaluated_mentee = (int)db_row_int(row, 4);
		p->evaluated_mentor = (int)db_row_int(row, 5);
	}
	return 0;
}

static int
contact_row(struct db_row *row, void *arg)
{
	struct pair	*p = pair_of(arg, row);
	GDate		 d;

	if (p != NULL && date_parse(db_row_text(row, 1), &d) == 0)
		g_array_append_val(p->contacts, d);
	return 0;
}

static int
answer_row(struct db_row *row, void *arg)
{
	struct pair	*p = pair_of(arg, row);

	if (p != NULL)
		g_hash_table_insert(p->answers, g_strdup(db_row_text(row, 1)),
		    g_strdup(db_row_text(row, 2)));
	return 0;
}

/*
 * The queries of a load, for a set of matches in SQL: every pair the
 * calendar has work for (LIVE), or that one of them (LIVE_ONE).
 */
struct load_sql {
	const char	*pairs;
	const char	*events;
	const char	*counts;
	const char	*contacts;
	const char	*answers;
};

#define LOAD_SQL(set) {							\
	"SELECT " PAIR_COLUMNS " FROM match WHERE id IN " set " ORDER BY id", \
	"SELECT match, name, outcome FROM event WHERE match IN " set,	\
	"SELECT m.id, "							\
	"(SELECT count(*) FROM goals g WHERE g.match = m.id), "		\
	"(SELECT count(*) FROM meeting t WHERE t.match = m.id), "	\
	"(SELECT count(*) FROM meeting t WHERE t.match = m.id AND "	\
	"t.mode = 'in-person'), "					\
	"(SELECT count(*) FROM evaluation e WHERE e.match = m.id AND "	\
	"e.role = 'mentee'), "						\
	"(SELECT count(*) FROM evaluation e WHERE e.match = m.id AND "	\
	"e.role = 'mentor') FROM match m WHERE m.id IN " set,		\
	"SELECT match, held_on FROM meeting WHERE match IN " set	\
	" UNION ALL SELECT match, received_on FROM goals WHERE match IN " \
	set " UNION ALL SELECT match, substr(received_at, 1, 10) FROM "	\
	"checkin WHERE match IN " set " AND verdict = 'fine' ORDER BY 2", \
	"SELECT match, who, coalesce(answer, '') FROM confirmation WHERE " \
	"match IN " set							\
}

static const struct load_sql load_live = LOAD_SQL(LIVE);
static const struct load_sql load_one = LOAD_SQL(LIVE_ONE);

/* The pairs of `q` (one: `id`, else 0) and what came in for each. */
static int
load(struct db *db, const struct load_sql *q, int64_t id, struct loading *l,
    char **cause)
{
	const char	*t = id > 0 ? "i" : "";

	if (db_query(db, cause, pair_row, l, q->pairs, t, id) < 0 ||
	    db_query(db, cause, event_row, l, q->events, t, id) < 0 ||
	    db_query(db, cause, count_row, l, q->counts, t, id) < 0 ||
	    db_query(db, cause, contact_row, l, q->contacts, t, id) < 0 ||
	    db_query(db, cause, answer_row, l, q->answers, t, id) < 0)
		return -1;
	return 0;
}

static void
pair_unref(gpointer p)
{
	pair_free(p);
}

static int
load_pairs(struct db *db, const struct load_sql *q, int64_t id,
    GPtrArray **out, char **cause)
{
	struct loading	l;
	int		error;

	l.pairs = g_ptr_array_new_with_free_func(pair_unref);
	l.by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
	error = load(db, q, id, &l, cause);
	g_hash_table_destroy(l.by_id);
	if (error != 0) {
		g_ptr_array_unref(l.pairs);
		return -1;
	}
	*out = l.pairs;
	return 0;
}

int
state_calendar_load(struct db *db, GPtrArray **out, char **cause)
{
	return load_pairs(db, &load_live, 0, out, cause);
}

int
state_calendar_pair(struct db *db, int64_t match, struct pair **out,
    char **cause)
{
	GPtrArray	*one;

	/* A message about one pair loads that pair, not the program's. */
	*out = NULL;
	if (load_pairs(db, &load_one, match, &one, cause) != 0)
		return -1;
	if (one->len == 1)
		*out = g_ptr_array_steal_index(one, 0);
	g_ptr_array_unref(one);
	return *out != NULL;
}

int64_t
state_calendar_match_of(struct db *db, int64_t pid, char **cause)
{
	int64_t	n, id;

	n = db_query_int(db, cause, NULL, "SELECT count(*) FROM match WHERE "
	    "status = 'approved' AND (mentee = ?1 OR mentor = ?1)", "i", pid);
	if (n < 0)
		return -1;
	if (n > 1)
		return -2;
	if (n == 1)
		return db_query_int(db, cause, NULL, "SELECT id FROM match "
		    "WHERE status = 'approved' AND (mentee = ?1 OR mentor = "
		    "?1)", "i", pid);
	/* Ended lately: evaluations come after the end. */
	id = db_query_int(db, cause, NULL, "SELECT id FROM match WHERE "
	    "status = 'ended' AND starts_on IS NOT NULL AND (mentee = ?1 OR "
	    "mentor = ?1) ORDER BY ended_on DESC, id DESC LIMIT 1", "i", pid);
	return id;
}

int
state_event_done(struct db *db, int64_t match, const char *name,
    const char *due_on, const char *outcome, const char *now, char **cause)
{
	return db_exec(db, cause, "INSERT INTO event (match, name, due_on, "
	    "done_at, outcome) VALUES (?, ?, ?, ?, ?)", "ittt" "t", match,
	    name, due_on, now, outcome) < 0 ? -1 : 0;
}

int
state_match_dates(struct db *db, int64_t match, const char *starts_on,
    const char *ends_on, char **cause)
{
	return db_exec(db, cause, "UPDATE match SET starts_on = ?, ends_on = ? "
	    "WHERE id = ?", "tti", starts_on, ends_on, match) < 0 ? -1 : 0;
}

int
state_match_end(struct db *db, int64_t match, const char *day,
    const char *reason, const char *now, char **cause)
{
	return db_exec(db, cause, "UPDATE match SET status = 'ended', "
	    "ended_on = ?, end_reason = ?, decided_at = coalesce(decided_at, "
	    "?) WHERE id = ?", "ttti", day, reason, now, match) < 0 ? -1 : 0;
}

int
state_message_match(struct db *db, int64_t id, int64_t match, char **cause)
{
	return db_exec(db, cause, "UPDATE message SET match = nullif(?, 0) "
	    "WHERE id = ?", "ii", match, id) < 0 ? -1 : 0;
}

int
state_goals_add(struct db *db, int64_t match, int64_t message,
    const char *items, const char *received_on, int on_time, int *revision,
    char **cause)
{
	int64_t	n;

	n = db_query_int(db, cause, NULL, "SELECT count(*) FROM goals WHERE "
	    "match = ?", "i", match);
	if (n < 0)
		return -1;
	*revision = (int)n + 1;
	return db_exec(db, cause, "INSERT INTO goals (match, message, "
	    "revision, items, received_on, on_time) VALUES (?, nullif(?, 0), "
	    "?, ?, ?, ?)", "iiitti", match, message, (int64_t)*revision, items,
	    received_on, (int64_t)on_time) < 0 ? -1 : 0;
}

/* A number, or SQL NULL when below 0 (not said): as text. */
static char *
maybe(double v)
{
	char	buf[G_ASCII_DTOSTR_BUF_SIZE];

	return v < 0 ? NULL : g_strdup(g_ascii_dtostr(buf, sizeof buf, v));
}

static int
meeting_insert(struct db *db, const struct meeting_row *m, char **cause)
{
	char	*hours = maybe(m->hours), *miles = maybe(m->miles);
	char	*travel = maybe(m->travel), *paid = maybe(m->paid);
	char	*back = maybe(m->reimbursed);
	int	 n;

	n = db_exec(db, cause, "INSERT INTO meeting (match, message, "
	    "reported_by, held_on, mode, hours, place, miles, travel, topics, "
	    "paid, reimbursed, received_at) VALUES (?, nullif(?, 0), "
	    "nullif(?, 0), ?, ?, CAST(? AS REAL), ?, CAST(? AS REAL), "
	    "CAST(? AS REAL), ?, CAST(? AS REAL), CAST(? AS REAL), ?)",
	    "iiittttttttt" "t", m->match, m->message, m->reported_by,
	    m->held_on, m->mode, hours, m->place, miles, travel, m->topics,
	    paid, back, m->received_at);
	g_free(hours);
	g_free(miles);
	g_free(travel);
	g_free(paid);
	g_free(back);
	return n < 0 ? -1 : 0;
}

/* The other side's report of the same meeting fills what it lacks. */
static int
meeting_update(struct db *db, int64_t id, const struct meeting_row *m,
    char **cause)
{
	char	*hours = maybe(m->hours), *miles = maybe(m->miles);
	char	*travel = maybe(m->travel);
	int	 n;

	n = db_exec(db, cause, "UPDATE meeting SET mode = coalesce(mode, ?), "
	    "hours = coalesce(hours, CAST(? AS REAL)), place = coalesce(place, "
	    "?), miles = coalesce(miles, CAST(? AS REAL)), travel = "
	    "coalesce(travel, CAST(? AS REAL)), topics = coalesce(topics, ?) "
	    "WHERE id = ?", "tttttti", m->mode, hours, m->place, miles, travel,
	    m->topics, id);
	g_free(hours);
	g_free(miles);
	g_free(travel);
	return n < 0 ? -1 : 0;
}

int
state_meeting_add(struct db *db, const struct meeting_row *m, int64_t *id,
    int *same, char **cause)
{
	int	found;

	*id = db_query_int(db, cause, &found, "SELECT id FROM meeting WHERE "
	    "match = ? AND held_on = ?", "it", m->match, m->held_on);
	if (found < 0)
		return -1;
	*same = found;
	if (found)
		return meeting_update(db, *id, m, cause);
	if (meeting_insert(db, m, cause) != 0)
		return -1;
	*id = db_last_id(db);
	return 0;
}

/* A REAL column read as text (exact for the sums of money we keep). */
static double
real_or(struct db_row *row, int col, double none)
{
	const char	*t = db_row_text(row, col);

	return t != NULL ? g_ascii_strtod(t, NULL) : none;
}

static int
facts_row(struct db_row *row, void *arg)
{
	struct meeting_facts	*f = arg;

	f->mode = g_strdup(db_row_text(row, 0));
	f->hours = real_or(row, 1, -1);
	f->miles = real_or(row, 2, -1);
	f->travel = real_or(row, 3, -1);
	f->paid = real_or(row, 4, 0);
	return 1;
}

int
state_meeting_facts(struct db *db, int64_t id, struct meeting_facts *f,
    char **cause)
{
	memset(f, 0, sizeof *f);
	return db_query(db, cause, facts_row, f, "SELECT mode, CAST(hours AS "
	    "TEXT), CAST(miles AS TEXT), CAST(travel AS TEXT), CAST(paid AS "
	    "TEXT) FROM meeting WHERE id = ?", "i", id) < 0 ? -1 : 0;
}

int64_t
state_meeting_paid_others(struct db *db, int64_t match, int64_t id,
    char **cause)
{
	return db_query_int(db, cause, NULL, "SELECT count(*) FROM meeting "
	    "WHERE match = ? AND id != ? AND paid > 0", "ii", match, id);
}

/* The meetings that may earn a stipend, in SQL: ?2 is min_hours. */
#define EARNING	"mode = 'in-person' AND (CAST(?2 AS REAL) = 0 OR hours >= " \
	"CAST(?2 AS REAL))"

int64_t
state_meeting_earners_before(struct db *db, int64_t match, int64_t id,
    double min_hours, char **cause)
{
	char	*min = maybe(min_hours);
	int64_t	 n;

	n = db_query_int(db, cause, NULL, "SELECT count(*) FROM meeting WHERE "
	    "match = ?1 AND id < ?3 AND " EARNING, "iti", match, min, id);
	g_free(min);
	return n;
}

int
state_meeting_hours(struct db *db, int64_t match, double *hours,
    char **cause)
{
	char	*t;
	int	 found;

	t = db_query_text(db, cause, &found, "SELECT CAST(total(hours) AS "
	    "TEXT) FROM meeting WHERE match = ? AND mode = 'in-person'", "i",
	    match);
	*hours = t != NULL ? g_ascii_strtod(t, NULL) : 0;
	g_free(t);
	return found < 0 ? -1 : 0;
}

int
state_meeting_release(struct db *db, int64_t match, double amount,
    int max_meetings, double min_hours, char **cause)
{
	char	*min = maybe(min_hours), *pay = maybe(amount);
	int	 n;

	n = db_exec(db, cause, "UPDATE meeting SET paid = CAST(?3 AS REAL) "
	    "WHERE paid = 0 AND id IN (SELECT id FROM meeting WHERE match = ?1 "
	    "AND " EARNING " ORDER BY id LIMIT CASE WHEN ?4 > 0 THEN ?4 ELSE -1 "
	    "END)", "itti", match,
	    min, pay, (int64_t)max_meetings);
	g_free(min);
	g_free(pay);
	return n;
}

int
state_meeting_pay(struct db *db, int64_t id, double paid, double reimbursed,
    char **cause)
{
	char	*a = maybe(paid), *b = maybe(reimbursed);
	int	 n;

	n = db_exec(db, cause, "UPDATE meeting SET paid = CAST(? AS REAL), "
	    "reimbursed = CAST(? AS REAL) WHERE id = ?", "tti", a, b, id);
	g_free(a);
	g_free(b);
	return n < 0 ? -1 : 0;
}

static int
sum_row(struct db_row *row, void *arg)
{
	struct stipend_sum	*s = arg;
	const char		*t;

	s->paid_meetings = (int)db_row_int(row, 0);
	t = db_row_text(row, 1);
	s->paid = t != NULL ? g_ascii_strtod(t, NULL) : 0;
	t = db_row_text(row, 2);
	s->reimbursed = t != NULL ? g_ascii_strtod(t, NULL) : 0;
	return 1;
}

int
state_stipend_sum(struct db *db, int64_t match, struct stipend_sum *s,
    char **cause)
{
	memset(s, 0, sizeof *s);
	return db_query(db, cause, sum_row, s, "SELECT count(nullif(paid, 0)), "
	    "CAST(total(paid) AS TEXT), CAST(total(reimbursed) AS TEXT) FROM "
	    "meeting WHERE match = ?", "i", match) < 0 ? -1 : 0;
}

int
state_checkin_add(struct db *db, int64_t match, int64_t participant,
    int64_t message, const char *verdict, const char *comments,
    const char *now, char **cause)
{
	return db_exec(db, cause, "INSERT INTO checkin (match, participant, "
	    "message, verdict, comments, received_at) VALUES (?, nullif(?, 0), "
	    "nullif(?, 0), ?, ?, ?)", "iiittt", match, participant, message,
	    verdict, comments, now) < 0 ? -1 : 0;
}

/* An answer that was not given (< 0, or 0 for satisfaction) as NULL. */
static char *
answer_of(int v, int none)
{
	return v == none ? NULL : g_strdup_printf("%d", v);
}

int
state_evaluation_add(struct db *db, const struct evaluation_row *e,
    char **cause)
{
	char	*sat = answer_of(e->satisfaction, 0);
	char	*keep = answer_of(e->keep_in_touch, -1);
	char	*again = answer_of(e->mentor_again, -1);
	int	 n;

	n = db_exec(db, cause, "INSERT INTO evaluation (match, participant, "
	    "message, role, satisfaction, keep_in_touch, mentor_again, "
	    "comments, received_at) VALUES (?, ?, nullif(?, 0), ?, CAST(? AS "
	    "INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?) ON "
	    "CONFLICT (match, participant) DO UPDATE SET message = "
	    "excluded.message, satisfaction = coalesce(excluded.satisfaction, "
	    "satisfaction), keep_in_touch = coalesce(excluded.keep_in_touch, "
	    "keep_in_touch), mentor_again = coalesce(excluded.mentor_again, "
	    "mentor_again), comments = coalesce(excluded.comments, comments), "
	    "received_at = excluded.received_at", "iiitttttt", e->match,
	    e->participant, e->message, e->role, sat, keep, again, e->comments,
	    e->received_at);
	g_free(sat);
	g_free(keep);
	g_free(again);
	return n < 0 ? -1 : 0;
}

int
state_confirm_ask(struct db *db, int64_t match, const char *who,
    const char *address, const char *now, char **cause)
{
	return db_exec(db, cause, "INSERT INTO confirmation (match, who, "
	    "address, asked_at) VALUES (?, ?, ?, ?) ON CONFLICT (match, who) "
	    "DO NOTHING", "itt" "t", match, who, address, now) < 0 ? -1 : 0;
}

int
state_confirm_answer(struct db *db, int64_t match, const char *who,
    const char *answer, const char *reason, int64_t message,
    const char *now, char **cause)
{
	return db_exec(db, cause, "UPDATE confirmation SET answer = ?, "
	    "reason = ?, message = nullif(?, 0), answered_at = ? WHERE "
	    "match = ? AND who = ?", "ttitit", answer, reason, message, now,
	    match, who) < 0 ? -1 : 0;
}

int
state_match_confirm(struct db *db, int64_t match, const char *state,
    char **cause)
{
	return db_exec(db, cause, "UPDATE match SET confirm = ? WHERE id = ?",
	    "ti", state, match) < 0 ? -1 : 0;
}

int
state_notice_add(struct db *db, int64_t match, int64_t participant,
    int64_t message, const char *what, const char *text, const char *now,
    char **cause)
{
	return db_exec(db, cause, "INSERT INTO notice (match, participant, "
	    "message, what, text, created_at) VALUES (nullif(?, 0), "
	    "nullif(?, 0), nullif(?, 0), ?, ?, ?)", "iiittt", match,
	    participant, message, what, text, now) < 0 ? -1 : 0;
}

/* One status line: a key and the SQL that computes its value. */
static const struct {
	const char	*key;
	const char	*sql;
} calendar_keys[] = {
	{ "matches.proposed",
	    "SELECT count(*) FROM match WHERE status = 'proposed'" },
	{ "matches.approved",
	    "SELECT count(*) FROM match WHERE status = 'approved'" },
	{ "matches.rejected",
	    "SELECT count(*) FROM match WHERE status = 'rejected'" },
	{ "matches.confirming", "SELECT count(*) FROM match WHERE status = "
	    "'approved' AND confirm = 'waiting'" },
	{ "matches.active", "SELECT count(*) FROM match WHERE status = "
	    "'approved' AND starts_on IS NOT NULL" },
	{ "matches.ended",
	    "SELECT count(*) FROM match WHERE status = 'ended'" },
	{ "calendar.goals", "SELECT count(DISTINCT match) FROM goals" },
	{ "calendar.meetings", "SELECT count(*) FROM meeting" },
	{ "calendar.evaluations", "SELECT count(*) FROM evaluation" },
	{ "calendar.reminders", "SELECT count(*) FROM event WHERE outcome = "
	    "'sent'" },
	{ "calendar.notices", "SELECT count(*) FROM notice WHERE reported_at "
	    "IS NULL" },
	{ "stipends.paid", "SELECT total(paid) + total(reimbursed) FROM "
	    "meeting" },
};

int
state_calendar_status(struct db *db,
    void (*fn)(const char *key, const char *value, void *arg), void *arg,
    char **cause)
{
	char	*value;
	size_t	 i;
	int	 found;

	for (i = 0; i < G_N_ELEMENTS(calendar_keys); i++) {
		value = db_query_text(db, cause, &found, calendar_keys[i].sql,
		    "");
		if (found < 0)
			return -1;
		fn(calendar_keys[i].key, value != NULL ? value : "", arg);
		g_free(value);
	}
	return 0;
}
