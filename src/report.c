/*
 * report.c -- the coordinator's report (report.h): where every pair
 * stands (goals in, meetings held, last contact, what is due next), the
 * stipends payable per mentor, and the evaluation figures.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "calendar.h"
#include "calendar-date.h"
#include "config.h"
#include "db.h"
#include "program.h"
#include "report.h"
#include "state-calendar.h"
#include "state-report.h"

struct report {
	struct program	*prog;
	FILE		*out;
	GHashTable	*pairs;		/* match id -> struct pair *, running */
	int		 n;
};

/* "14 October 2026" for a stored day, or the text as it is. */
static char *
day_text(const char *iso)
{
	GDate	d;

	if (iso == NULL)
		return g_strdup("-");
	return date_parse(iso, &d) == 0 ? date_text(&d) : g_strdup(iso);
}

static void
print_next(struct report *r, int64_t id)
{
	struct pair	*p = g_hash_table_lookup(r->pairs, &id);
	const char	*what;
	GDate		 day;
	char		*t;

	if (p == NULL || !calendar_next_due(r->prog, p, &day, &what))
		return;
	t = date_text(&day);
	fprintf(r->out, "  next: %s, by %s\n", what, t);
	g_free(t);
}

static void
print_stage(FILE *out, const struct report_pair *p)
{
	char	*a = day_text(p->starts_on), *b = day_text(p->ended_on != NULL ?
	    p->ended_on : p->ends_on);

	if (p->starts_on == NULL)
		fprintf(out, "  waiting for confirmations\n");
	else if (strcmp(p->status, "ended") == 0)
		fprintf(out, "  ended %s (%s), began %s\n", b, p->end_reason != NULL ?
		    p->end_reason : "ended", a);
	else
		fprintf(out, "  %s, %s to %s\n", p->meetings > 0 || p->goals > 0 ?
		    "active" : "introduced", a, b);
	g_free(a);
	g_free(b);
}

static int
pair_line(const struct report_pair *p, void *arg)
{
	struct report	*r = arg;
	char		*t;

	r->n++;
	fprintf(r->out, "match %lld: %s with %s\n", (long long)p->id, p->mentee,
	    p->mentor);
	print_stage(r->out, p);
	t = day_text(p->goals_on);
	if (p->goals > 0)
		fprintf(r->out, "  goals: in on %s (%s)%s\n", t, p->goals_on_time ?
		    "on time" : "late", p->goals > 1 ? ", revised" : "");
	else
		fprintf(r->out, "  goals: not in\n");
	g_free(t);
	t = day_text(p->last_contact);
	fprintf(r->out, "  meetings: %d (%d in person)%s%s", p->meetings,
	    p->in_person, p->last_contact != NULL ? ", last on " : "",
	    p->last_contact != NULL ? t : "");
	g_free(t);
	/* What the program asks in the whole mentorship (WLA: 5-6). */
	if (r->prog->cfg->calendar.contacts_expected > 0)
		fprintf(r->out, "; %d expected",
		    r->prog->cfg->calendar.contacts_expected);
	fprintf(r->out, "\n");
	if (strcmp(p->status, "ended") == 0)
		fprintf(r->out, "  evaluations: %d of 2\n", p->evaluations);
	print_next(r, p->id);
	return 0;
}

static int
stipend_line(const struct report_stipend *s, void *arg)
{
	struct report	*r = arg;
	const char	*cur = r->prog->cfg->stipend.currency;

	fprintf(r->out, "  %s: %d paid meeting%s, %s%.2f, travel %s%.2f, owed %s%.2f\n",
	    s->mentor, s->meetings, s->meetings == 1 ? "" : "s", cur, s->paid,
	    cur, s->reimbursed, cur, s->paid + s->reimbursed);
	return 0;
}

static void
print_percent(FILE *out, const char *what, int yes, int n)
{
	if (n > 0)
		fprintf(out, "  %s: %d%% (%d of %d)\n", what, (100 * yes + n / 2) / n,
		    yes, n);
}

static int
print_figures(struct report *r, char **cause)
{
	struct report_evaluations	e;

	if (state_report_evaluations(r->prog->db, &e, cause) != 0)
		return -1;
	fprintf(r->out, "\nevaluations: %d in", e.answers);
	if (e.expected > 0)
		fprintf(r->out, " of %d expected from pairs that ended", e.expected);
	fprintf(r->out, "\n");
	if (e.satisfaction_n > 0)
		fprintf(r->out, "  mean satisfaction: %.1f of 5 (%d answers)\n",
		    e.satisfaction, e.satisfaction_n);
	print_percent(r->out, "will keep in touch", e.keep_yes, e.keep_n);
	print_percent(r->out, "mentors who would mentor again", e.again_yes,
	    e.again_n);
	return 0;
}

static void
pair_unref(gpointer p)
{
	pair_free(p);
}

static int
report_all(struct report *r, char **cause)
{
	GPtrArray	*pairs;
	struct pair	*p;

	if (state_calendar_load(r->prog->db, &pairs, cause) != 0)
		return -1;
	r->pairs = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
	    pair_unref);
	while (pairs->len > 0) {
		p = g_ptr_array_steal_index(pairs, 0);
		g_hash_table_insert(r->pairs, &p->id, p);
	}
	g_ptr_array_unref(pairs);
	fprintf(r->out, "%s: report of %s\n\n", r->prog->cfg->name,
	    r->prog->now_iso);
	if (state_report_pairs(r->prog->db, pair_line, r, cause) != 0)
		return -1;
	if (r->n == 0)
		fprintf(r->out, "no pair has been introduced yet\n");
	if (r->prog->cfg->stipend.amount > 0 ||
	    r->prog->cfg->stipend.mileage_rate > 0) {
		fprintf(r->out, "\nstipends and travel payable:\n");
		if (state_report_stipends(r->prog->db, stipend_line,
		    r, cause) != 0)
			return -1;
	}
	return print_figures(r, cause);
}

int
report_write(struct program *prog, FILE *out, char **cause)
{
	struct report	r = { .prog = prog, .out = out };
	int		error;

	error = report_all(&r, cause);
	if (r.pairs != NULL)
		g_hash_table_destroy(r.pairs);
	return error;
}
