/*
 * state-report.c -- the SQL behind state-report.h.
 */
#include <string.h>

#include <glib.h>

#include "csv.h"
#include "db.h"
#include "log.h"
#include "state-report.h"

/* "Name <address>" of participant column `p`, in SQL. */
#define WHO(p)	"(SELECT coalesce((SELECT value FROM participant_field " \
	"WHERE participant = " p " AND name = 'name') || ' <' || email || " \
	"'>', email) FROM participant WHERE id = " p ")"
#define NAME(p)	"(SELECT value FROM participant_field WHERE participant = " \
	p " AND name = 'name')"
#define EMAIL(p) "(SELECT email FROM participant WHERE id = " p ")"

/* An export: its header and the query whose columns are its cells. */
static const struct {
	const char	*name;
	const char	*header;
	const char	*sql;
} exports[] = {
	{ "goals", "match,mentee_name,mentee_email,revision,received_on,"
	    "on_time,goals",
	    "SELECT g.match, " NAME("m.mentee") ", " EMAIL("m.mentee") ", "
	    "g.revision, g.received_on, CASE g.on_time WHEN 1 THEN 'yes' ELSE "
	    "'no' END, g.items FROM goals g JOIN match m ON m.id = g.match "
	    "ORDER BY g.match, g.revision" },
	{ "meetings", "match,mentee_name,mentor_name,held_on,mode,hours,place,"
	    "miles,travel,topics,stipend,reimbursed,reported_by",
	    "SELECT t.match, " NAME("m.mentee") ", " NAME("m.mentor") ", "
	    "t.held_on, t.mode, t.hours, t.place, t.miles, t.travel, t.topics, "
	    "t.paid, t.reimbursed, " EMAIL("t.reported_by") " FROM meeting t "
	    "JOIN match m ON m.id = t.match ORDER BY t.match, t.held_on" },
	{ "stipends", "mentor_name,mentor_email,match,paid_meetings,stipend,"
	    "reimbursed,total",
	    "SELECT " NAME("m.mentor") ", " EMAIL("m.mentor") ", m.id, "
	    "count(nullif(t.paid, 0)), total(t.paid), total(t.reimbursed), "
	    "total(t.paid) + total(t.reimbursed) FROM match m JOIN meeting t ON "
	    "t.match = m.id GROUP BY m.id ORDER BY 2, m.id" },
	{ "evaluations", "match,role,name,email,satisfaction,keep_in_touch,"
	    "mentor_again,comments,received_at",
	    "SELECT e.match, e.role, " NAME("e.participant") ", "
	    EMAIL("e.participant") ", e.satisfaction, CASE e.keep_in_touch "
	    "WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END, CASE e.mentor_again WHEN "
	    "1 THEN 'yes' WHEN 0 THEN 'no' END, e.comments, e.received_at FROM "
	    "evaluation e ORDER BY e.match, e.role" },
};

static const char *const export_names[] = {
	"goals", "meetings", "stipends", "evaluations", NULL
};

const char *const *
state_export_names(void)
{
	return export_names;
}

struct csv_out {
	FILE	*out;
	int	 columns;
};

static int
csv_row(struct db_row *row, void *arg)
{
	struct csv_out	*c = arg;
	GString		*line = g_string_new(NULL);
	int		 i;

	for (i = 0; i < c->columns; i++) {
		if (i > 0)
			g_string_append_c(line, ',');
		csv_cell(line, db_row_text(row, i));
	}
	fprintf(c->out, "%s\r\n", line->str);
	g_string_free(line, TRUE);
	return 0;
}

int
state_export_csv(struct db *db, const char *what, FILE *out, char **cause)
{
	struct csv_out	 c = { out, 0 };
	const char	*p;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(exports); i++) {
		if (strcmp(exports[i].name, what) == 0)
			break;
	}
	if (i == G_N_ELEMENTS(exports))
		return 1;
	c.columns = 1;
	for (p = exports[i].header; *p != '\0'; p++)
		c.columns += *p == ',';
	fprintf(out, "%s\r\n", exports[i].header);
	return db_query(db, cause, csv_row, &c, exports[i].sql, "") < 0 ?
	    -1 : 0;
}

struct pairs_cb {
	int	(*fn)(const struct report_pair *, void *);
	void	 *arg;
};

static int
pair_row(struct db_row *row, void *arg)
{
	struct pairs_cb		*cb = arg;
	struct report_pair	 p = {
		.id = db_row_int(row, 0), .mentee = db_row_text(row, 1),
		.mentor = db_row_text(row, 2), .status = db_row_text(row, 3),
		.starts_on = db_row_text(row, 4), .ends_on = db_row_text(row, 5),
		.ended_on = db_row_text(row, 6),
		.end_reason = db_row_text(row, 7), .confirm = db_row_text(row, 8),
		.goals = (int)db_row_int(row, 9),
		.goals_on = db_row_text(row, 10),
		.goals_on_time = (int)db_row_int(row, 11),
		.meetings = (int)db_row_int(row, 12),
		.in_person = (int)db_row_int(row, 13),
		.last_contact = db_row_text(row, 14),
		.evaluations = (int)db_row_int(row, 15),
	};

	return cb->fn(&p, cb->arg);
}

int
state_report_pairs(struct db *db, int (*fn)(const struct report_pair *,
    void *), void *arg, char **cause)
{
	struct pairs_cb	cb = { fn, arg };

	return db_query(db, cause, pair_row, &cb, "SELECT m.id, "
	    WHO("m.mentee") ", " WHO("m.mentor") ", m.status, m.starts_on, "
	    "m.ends_on, m.ended_on, m.end_reason, m.confirm, "
	    "(SELECT count(*) FROM goals g WHERE g.match = m.id), "
	    "(SELECT min(received_on) FROM goals g WHERE g.match = m.id), "
	    "coalesce((SELECT on_time FROM goals g WHERE g.match = m.id AND "
	    "g.revision = 1), 0), "
	    "(SELECT count(*) FROM meeting t WHERE t.match = m.id), "
	    "(SELECT count(*) FROM meeting t WHERE t.match = m.id AND "
	    "t.mode = 'in-person'), "
	    "(SELECT max(held_on) FROM meeting t WHERE t.match = m.id), "
	    "(SELECT count(*) FROM evaluation e WHERE e.match = m.id) "
	    "FROM match m WHERE m.status = 'approved' OR (m.status = 'ended' "
	    "AND m.starts_on IS NOT NULL) ORDER BY m.id", "") < 0 ? -1 : 0;
}

struct stipends_cb {
	int	(*fn)(const struct report_stipend *, void *);
	void	 *arg;
};

static int
stipend_row(struct db_row *row, void *arg)
{
	struct stipends_cb	*cb = arg;
	const char		*paid = db_row_text(row, 2);
	const char		*back = db_row_text(row, 3);
	struct report_stipend	 s = { .mentor = db_row_text(row, 0),
		.meetings = (int)db_row_int(row, 1),
		.paid = paid != NULL ? g_ascii_strtod(paid, NULL) : 0,
		.reimbursed = back != NULL ? g_ascii_strtod(back, NULL) : 0 };

	return cb->fn(&s, cb->arg);
}

int
state_report_stipends(struct db *db,
    int (*fn)(const struct report_stipend *, void *), void *arg,
    char **cause)
{
	struct stipends_cb	cb = { fn, arg };

	return db_query(db, cause, stipend_row, &cb, "SELECT " WHO("m.mentor")
	    ", count(nullif(t.paid, 0)), CAST(total(t.paid) AS TEXT), "
	    "CAST(total(t.reimbursed) AS TEXT) FROM meeting t JOIN match m ON "
	    "m.id = t.match GROUP BY m.mentor HAVING total(t.paid) + "
	    "total(t.reimbursed) > 0 ORDER BY 1", "") < 0 ? -1 : 0;
}

static int
figures_row(struct db_row *row, void *arg)
{
	struct report_evaluations	*e = arg;
	const char			*mean = db_row_text(row, 2);

	e->answers = (int)db_row_int(row, 0);
	e->satisfaction_n = (int)db_row_int(row, 1);
	e->satisfaction = mean != NULL ? g_ascii_strtod(mean, NULL) : 0;
	e->keep_yes = (int)db_row_int(row, 3);
	e->keep_n = (int)db_row_int(row, 4);
	e->again_yes = (int)db_row_int(row, 5);
	e->again_n = (int)db_row_int(row, 6);
	e->expected = (int)db_row_int(row, 7);
	return 1;
}

int
state_report_evaluations(struct db *db, struct report_evaluations *e,
    char **cause)
{
	memset(e, 0, sizeof *e);
	return db_query(db, cause, figures_row, e, "SELECT count(*), "
	    "count(satisfaction), CAST(avg(satisfaction) AS TEXT), "
	    "count(nullif(keep_in_touch, 0)), count(keep_in_touch), "
	    "count(nullif(mentor_again, 0)), count(mentor_again), "
	    "(SELECT 2 * count(*) FROM match WHERE status = 'ended' AND "
	    "starts_on IS NOT NULL) FROM evaluation", "") < 0 ? -1 : 0;
}
