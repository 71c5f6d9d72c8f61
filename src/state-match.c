/*
 * state-match.c -- the SQL behind state-match.h.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "csv.h"
#include "db.h"
#include "log.h"
#include "state-match.h"

#define MATCH_COLUMNS	"id, mentee, mentor, score, status, why, runner_up, " \
			"created_at"

int
state_match_propose(struct db *db, int64_t mentee, int64_t mentor, int score,
    const char *why, const char *runner_up, const char *now, int64_t *id,
    int *created, char **cause)
{
	int	found;

	*id = db_query_int(db, cause, &found, "SELECT id FROM match WHERE "
	    "mentee = ? AND mentor = ? AND status = 'proposed'", "ii", mentee,
	    mentor);
	if (found < 0)
		return -1;
	*created = !found;
	if (found)
		return db_exec(db, cause, "UPDATE match SET score = ?, why = ?, "
		    "runner_up = ?, proposed_at = ? WHERE id = ?", "ittti",
		    (int64_t)score, why, runner_up, now, *id) < 0 ? -1 : 0;
	/* Nobody has decided it yet: decided_at stays NULL until then. */
	if (db_exec(db, cause, "INSERT INTO match (mentee, mentor, score, "
	    "status, why, runner_up, created_at, proposed_at) VALUES "
	    "(?, ?, ?, 'proposed', ?, ?, ?, ?)", "iiitttt", mentee, mentor,
	    (int64_t)score, why, runner_up, now, now) < 0)
		return -1;
	*id = db_last_id(db);
	return 0;
}

/* Pending proposals not proposed again by this round are stale. */
int
state_match_withdraw_stale(struct db *db, const char *since, char **cause)
{
	return db_exec(db, cause, "DELETE FROM match WHERE status = "
	    "'proposed' AND proposed_at < ?", "t", since) < 0 ? -1 : 0;
}

int
state_match_delete_proposal(struct db *db, int64_t id, char **cause)
{
	return db_exec(db, cause, "DELETE FROM match WHERE id = ? AND status = "
	    "'proposed'", "i", id) < 0 ? -1 : 0;
}

int
state_match_decide(struct db *db, int64_t id, const char *status,
    const char *reason, const char *now, char **cause)
{
	return db_exec(db, cause, "UPDATE match SET status = ?, end_reason = "
	    "?, decided_at = ? WHERE id = ?", "ttti", status, reason, now,
	    id) < 0 ? -1 : 0;
}

int
state_match_introduced(struct db *db, int64_t id, const char *mentee_id,
    const char *mentor_id, char **cause)
{
	return db_exec(db, cause, "UPDATE match SET intro_mentee = ?, "
	    "intro_mentor = ? WHERE id = ?", "tti", mentee_id, mentor_id,
	    id) < 0 ? -1 : 0;
}

struct match_call {
	match_row_fn	 fn;
	void		*arg;
	int		 error;
};

static int
match_row_call(struct db_row *r, void *arg)
{
	struct match_call	*c = arg;
	struct match_row	 row = {
		.id = db_row_int(r, 0), .mentee = db_row_int(r, 1),
		.mentor = db_row_int(r, 2), .score = (int)db_row_int(r, 3),
		.status = db_row_text(r, 4), .why = db_row_text(r, 5),
		.runner_up = db_row_text(r, 6), .created_at = db_row_text(r, 7),
	};

	c->error = c->fn(&row, c->arg);
	return c->error;
}

int
state_match_get(struct db *db, int64_t id, match_row_fn fn, void *arg,
    char **cause)
{
	struct match_call	c = { fn, arg, 0 };
	int			n;

	n = db_query(db, cause, match_row_call, &c, "SELECT " MATCH_COLUMNS
	    " FROM match WHERE id = ?", "i", id);
	return n < 0 ? -1 : n > 0;
}

int
state_match_each(struct db *db, const char *status, match_row_fn fn,
    void *arg, char **cause)
{
	struct match_call	c = { fn, arg, 0 };

	if (db_query(db, cause, match_row_call, &c, "SELECT " MATCH_COLUMNS
	    " FROM match WHERE ?1 IS NULL OR status = ?1 ORDER BY id", "t",
	    status) < 0)
		return -1;
	return c.error < 0 ? -1 : 0;
}

int
state_match_rule(struct db *db, int64_t mentee, int64_t mentor,
    const char *kind, const char *now, char **cause)
{
	return db_exec(db, cause, "INSERT INTO match_rule (mentee, mentor, "
	    "kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (mentee, "
	    "mentor) DO UPDATE SET kind = excluded.kind, created_at = "
	    "excluded.created_at", "iitt", mentee, mentor, kind, now) < 0 ?
	    -1 : 0;
}

char *
state_match_rule_kind(struct db *db, int64_t mentee, int64_t mentor,
    char **cause)
{
	int	 found;
	char	*kind;

	kind = db_query_text(db, cause, &found, "SELECT kind FROM match_rule "
	    "WHERE mentee = ? AND mentor = ?", "ii", mentee, mentor);
	if (found == 0)
		cause_set(cause, "no pin or exclusion for this pair");
	return kind;
}

struct rule_call {
	int	(*fn)(int64_t, int64_t, const char *, void *);
	void	*arg;
};

static int
rule_row(struct db_row *r, void *arg)
{
	struct rule_call	*c = arg;

	return c->fn(db_row_int(r, 0), db_row_int(r, 1), db_row_text(r, 2),
	    c->arg);
}

int
state_match_rules(struct db *db,
    int (*fn)(int64_t mentee, int64_t mentor, const char *kind, void *arg),
    void *arg, char **cause)
{
	struct rule_call	c = { fn, arg };

	return db_query(db, cause, rule_row, &c, "SELECT mentee, mentor, kind "
	    "FROM match_rule ORDER BY mentee, mentor", "") < 0 ? -1 : 0;
}

static int
standing_row(struct db_row *r, void *arg)
{
	struct match_standing	*s = arg;

	g_free(s->status);
	s->status = g_strdup(db_row_text(r, 0));
	s->match = db_row_int(r, 1);
	s->partner = db_row_int(r, 2);
	s->taken = (int)db_row_int(r, 3);
	s->proposal = db_row_int(r, 4);
	s->proposed = db_row_int(r, 5);
	return 0;
}

int
state_match_standing(struct db *db, int64_t who, int mentee,
    struct match_standing *s, char **cause)
{
	/* ?2: the column that is `who`, ?3: the other one. */
	const char	*me = mentee ? "mentee" : "mentor";
	const char	*other = mentee ? "mentor" : "mentee";
	char		*sql;
	int		 n;

	memset(s, 0, sizeof *s);
	sql = g_strdup_printf("SELECT p.status, (SELECT id FROM match WHERE "
	    "%1$s = p.id AND status = 'approved' ORDER BY id LIMIT 1), "
	    "(SELECT %2$s FROM match WHERE %1$s = p.id AND status = "
	    "'approved' ORDER BY id LIMIT 1), (SELECT count(*) FROM match "
	    "WHERE %1$s = p.id AND status = 'approved'), (SELECT id FROM "
	    "match WHERE %1$s = p.id AND status = 'proposed' ORDER BY id "
	    "LIMIT 1), (SELECT %2$s FROM match WHERE %1$s = p.id AND status "
	    "= 'proposed' ORDER BY id LIMIT 1) FROM participant p WHERE p.id "
	    "= ?", me, other);
	n = db_query(db, cause, standing_row, s, sql, "i", who);
	g_free(sql);
	return n < 0 ? -1 : 0;
}

void
state_match_standing_clear(struct match_standing *s)
{
	g_free(s->status);
	s->status = NULL;
}

int
state_unmatched_clear(struct db *db, char **cause)
{
	return db_exec(db, cause, "DELETE FROM unmatched", "") < 0 ? -1 : 0;
}

int
state_unmatched_remove(struct db *db, int64_t mentee, char **cause)
{
	return db_exec(db, cause, "DELETE FROM unmatched WHERE mentee = ?", "i",
	    mentee) < 0 ? -1 : 0;
}

int
state_unmatched_add(struct db *db, int64_t mentee, const char *why,
    const char *now, char **cause)
{
	return db_exec(db, cause, "INSERT OR REPLACE INTO unmatched (mentee, "
	    "why, at) VALUES (?, ?, ?)", "itt", mentee, why, now) < 0 ? -1 : 0;
}

int
state_match_pool_changed(struct db *db, const char *settings, char **cause)
{
	int64_t	changed;
	int	found;

	changed = db_query_int(db, cause, &found, "SELECT round_generation IS "
	    "NOT generation OR round_settings IS NOT ? FROM match_pool", "t",
	    settings);
	if (found < 0)
		return -1;
	return !found || changed != 0;
}

int
state_match_round_done(struct db *db, const char *settings, const char *now,
    char **cause)
{
	return db_exec(db, cause, "UPDATE match_pool SET round_generation = "
	    "generation, round_settings = ?, round_at = ?", "tt", settings,
	    now) < 0 ? -1 : 0;
}

int64_t
state_match_generation(struct db *db, char **cause)
{
	int64_t	n;
	int	found;

	n = db_query_int(db, cause, &found, "SELECT generation FROM "
	    "match_pool", "");
	return found < 0 ? -1 : n;
}

static int
csv_match_row(struct db_row *r, void *arg)
{
	GString	*line = g_string_new(NULL);
	int	 i;

	for (i = 0; i < 12; i++) {
		if (i > 0)
			g_string_append_c(line, ',');
		csv_cell(line, db_row_text(r, i));
	}
	fprintf(arg, "%s\r\n", line->str);
	g_string_free(line, TRUE);
	return 0;
}

int
state_match_export_csv(struct db *db, FILE *out, char **cause)
{
	fprintf(out, "id,status,score,mentee_name,mentee_email,mentor_name,"
	    "mentor_email,why,runner_up,created_at,decided_at,end_reason\r\n");
	return db_query(db, cause, csv_match_row, out, "SELECT m.id, m.status, "
	    "m.score, (SELECT value FROM participant_field WHERE participant = "
	    "m.mentee AND name = 'name'), a.email, (SELECT value FROM "
	    "participant_field WHERE participant = m.mentor AND name = 'name'), "
	    "b.email, m.why, m.runner_up, m.created_at, m.decided_at, "
	    "m.end_reason FROM match m JOIN participant a ON a.id = m.mentee "
	    "JOIN participant b ON b.id = m.mentor ORDER BY m.id", "") < 0 ?
	    -1 : 0;
}
