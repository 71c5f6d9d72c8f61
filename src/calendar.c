/*
 * calendar.c -- the calendar phase (calendar.h): every pair, every family
 * of obligations, what is due now.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "calendar.h"
#include "calendar-date.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "program.h"
#include "state-calendar.h"
#include "state-participant.h"
#include "template.h"

/* One pair being looked at, at the run's now. */
struct look {
	struct program		*prog;
	const struct calendar_config *c;
	struct pair		*p;
	GDate			 start, end, ended;
	int			 has_ended;
	int			 running;	/* approved, not ended */
};

/* A family of obligations with a due date and reminders around it. */
struct family {
	const char	*name;		/* events are NAME.remind.N, NAME.late */
	/* The due day; 0 when the family does not apply to the pair now. */
	int		(*due)(struct look *, GDate *);
	/* Whether it is met: nothing is sent any more. */
	int		(*met)(struct look *);
	const char	*reminder;	/* the template */
	int		 to;		/* TO_* */
	const char	*late;		/* the notice, in words */
	const char	*label;		/* what is due, for the report */
};

/* Whether `d` at [calendar] send_from has come. */
static int
reached(struct look *l, const GDate *d)
{
	return date_reached(l->prog->now, l->prog->cfg->tz, d,
	    MAX(l->c->send_from, 0));
}

static int
done(struct look *l, const char *name)
{
	return g_hash_table_contains(l->p->done, name);
}

static int
record(struct look *l, const char *name, const GDate *due,
    const char *outcome, char **cause)
{
	char	*day = date_iso(due);
	int	 error;

	error = state_event_done(l->prog->db, l->p->id, name, day, outcome,
	    l->prog->now_iso, cause);
	if (error == 0)
		g_hash_table_insert(l->p->done, g_strdup(name),
		    g_strdup(outcome));
	g_free(day);
	return error;
}

/* The due day as the templates' {{due}}. */
static void
extra_due(struct tvars *v, void *arg)
{
	char	*t = date_text(arg);

	tvars_set(v, "due", t);
	g_free(t);
}

/* Tell the coordinator: a notice (the digest lists it) and the log. */
static int
tell(struct look *l, const char *what, const char *text, char **cause)
{
	log_info("match %lld: %s", (long long)l->p->id, text);
	return state_notice_add(l->prog->db, l->p->id, 0, 0, what, text,
	    l->prog->now_iso, cause);
}

/* ------------------------------------------------------------------ */
/* Families with a due date. */

static int
due_after_start(struct look *l, const struct span *s, GDate *due)
{
	if (!l->running || span_is_zero(s))
		return 0;
	*due = l->start;
	date_add(due, s);
	return 1;
}

static int
goals_due(struct look *l, GDate *due)
{
	return due_after_start(l, &l->c->goals, due);
}

static int
goals_met(struct look *l)
{
	return l->p->goals > 0;
}

static int
first_meeting_due(struct look *l, GDate *due)
{
	return due_after_start(l, &l->c->first_meeting, due);
}

static int
first_meeting_met(struct look *l)
{
	return l->c->first_meeting_in_person ? l->p->in_person > 0 :
	    l->p->meetings > 0;
}

static int
evaluation_due(struct look *l, GDate *due)
{
	if (!l->has_ended || span_is_zero(&l->c->evaluation) ||
	    !done(l, "end"))
		return 0;
	*due = l->ended;
	date_add(due, &l->c->evaluation);
	return 1;
}

static int
mentee_evaluated(struct look *l)
{
	return l->p->evaluated_mentee;
}

static int
mentor_evaluated(struct look *l)
{
	return l->p->evaluated_mentor;
}

static const struct family families[] = {
	{ "goals", goals_due, goals_met, "goals-reminder", TO_MENTEE,
	    "the goals have not come in", "the goals" },
	{ "first_meeting", first_meeting_due, first_meeting_met,
	    "first-meeting-reminder", TO_BOTH,
	    "no first meeting has been reported", "the first meeting" },
	{ "evaluation.mentee", evaluation_due, mentee_evaluated,
	    "evaluation-reminder", TO_MENTEE,
	    "the mentee's evaluation has not come in",
	    "the mentee's evaluation" },
	{ "evaluation.mentor", evaluation_due, mentor_evaluated,
	    "evaluation-reminder", TO_MENTOR,
	    "the mentor's evaluation has not come in",
	    "the mentor's evaluation" },
};

/* A point of a family: a reminder, or the day the coordinator is told. */
struct point {
	GDate	 day;
	char	*name;
	int	 late;
};

static GArray *
family_points(struct look *l, const struct family *f, const GDate *due)
{
	GArray		*pts = g_array_new(FALSE, FALSE, sizeof(struct point));
	const struct span *r;
	struct point	 pt;
	guint		 i;

	for (i = 0; l->c->reminders != NULL && i < l->c->reminders->len;
	    i++) {
		r = &g_array_index(l->c->reminders, struct span, i);
		pt.day = *due;
		date_add(&pt.day, r);
		pt.name = g_strdup_printf("%s.remind.%u", f->name, i + 1);
		pt.late = 0;
		g_array_append_val(pts, pt);
	}
	pt.day = *due;
	date_add(&pt.day, &l->c->coordinator_after);
	pt.name = g_strdup_printf("%s.late", f->name);
	pt.late = 1;
	g_array_append_val(pts, pt);
	return pts;
}

static void
points_free(GArray *pts)
{
	guint	i;

	for (i = 0; i < pts->len; i++)
		g_free(g_array_index(pts, struct point, i).name);
	g_array_unref(pts);
}

/* The latest point reached (the one to act on), or -1. */
static int
latest_reached(struct look *l, GArray *pts)
{
	struct point	*pt;
	guint		 i;
	int		 latest = -1;

	for (i = 0; i < pts->len; i++) {
		pt = &g_array_index(pts, struct point, i);
		if (reached(l, &pt->day) && (latest < 0 || g_date_compare(
		    &pt->day, &g_array_index(pts, struct point,
		    latest).day) >= 0))
			latest = (int)i;
	}
	return latest;
}

/* Mark the points before `latest` that were never done as skipped. */
static int
skip_before(struct look *l, GArray *pts, int latest, char **cause)
{
	struct point	*pt;
	guint		 i;

	for (i = 0; i < pts->len; i++) {
		pt = &g_array_index(pts, struct point, i);
		if ((int)i != latest && !done(l, pt->name) &&
		    g_date_compare(&pt->day, &g_array_index(pts, struct point,
		    latest).day) <= 0 && record(l, pt->name, &pt->day,
		    "skipped", cause) != 0)
			return -1;
	}
	return 0;
}

static int
act(struct look *l, const struct family *f, struct point *pt, GDate *due,
    char **cause)
{
	char	*text, *day;
	int	 error;

	if (!pt->late) {
		if (calendar_mail(l->prog, l->p, f->reminder, f->to, extra_due,
		    due, cause) != 0)
			return -1;
		return record(l, pt->name, &pt->day, "sent", cause);
	}
	day = date_text(due);
	text = g_strdup_printf("%s (due %s)", f->late, day);
	error = tell(l, f->name, text, cause);
	g_free(text);
	g_free(day);
	return error == 0 ? record(l, pt->name, &pt->day, "told", cause) : -1;
}

static int
family_step(struct look *l, const struct family *f, char **cause)
{
	GArray	*pts;
	GDate	 due;
	int	 latest, error = 0;

	if (!f->due(l, &due) || f->met(l))
		return 0;
	pts = family_points(l, f, &due);
	latest = latest_reached(l, pts);
	if (latest >= 0 && !done(l, g_array_index(pts, struct point,
	    latest).name)) {
		error = skip_before(l, pts, latest, cause);
		if (error == 0)
			error = act(l, f, &g_array_index(pts, struct point,
			    latest), &due, cause);
	}
	points_free(pts);
	return error;
}

/* ------------------------------------------------------------------ */
/* Contact: a nudge when a pair is silent a whole period and its grace. */

/* Whether the pair were in touch on a day in [from, to]. */
static int
in_touch(struct look *l, const GDate *from, const GDate *to)
{
	const GDate	*d;
	guint		 i;

	for (i = 0; i < l->p->contacts->len; i++) {
		d = &g_array_index(l->p->contacts, GDate, i);
		if (g_date_compare(d, from) >= 0 && g_date_compare(d, to) <= 0)
			return 1;
	}
	return 0;
}

/* The last period whose nudge day has come, or 0; its days too. */
static int
contact_period(struct look *l, GDate *from, GDate *to, GDate *nudge)
{
	GDate	end;
	int	k;

	for (k = 1;; k++) {
		date_add_times(&end, &l->start, &l->c->contact, k);
		*nudge = end;
		date_add(nudge, &l->c->contact_grace);
		if (g_date_compare(&end, &l->end) > 0 || !reached(l, nudge))
			break;
	}
	if (--k < 1)
		return 0;
	date_add_times(from, &l->start, &l->c->contact, k - 1);
	date_add_times(to, &l->start, &l->c->contact, k);
	*nudge = *to;
	date_add(nudge, &l->c->contact_grace);
	return k;
}

/* The last day before `by` the pair were in touch, else their start. */
static void
last_contact(struct look *l, const GDate *by, GDate *out)
{
	const GDate	*d;
	guint		 i;

	*out = l->start;
	for (i = 0; i < l->p->contacts->len; i++) {
		d = &g_array_index(l->p->contacts, GDate, i);
		if (g_date_compare(d, by) <= 0 && g_date_compare(d, out) > 0)
			*out = *d;
	}
}

/* Silent a second period in a row: the coordinator, not the pair. */
static int
contact_silent(struct look *l, const char *name, const GDate *nudge,
    char **cause)
{
	GDate	 last;
	char	*since, *text;
	int	 error;

	last_contact(l, nudge, &last);
	since = date_text(&last);
	text = g_strdup_printf("the pair have not been in touch since %s%s, "
	    "after a reminder", g_date_compare(&last, &l->start) == 0 &&
	    !in_touch(l, &last, &last) ? "the start on " : "", since);
	error = tell(l, "silent", text, cause);
	g_free(text);
	g_free(since);
	return error == 0 ? record(l, name, nudge, "told", cause) : -1;
}

static int
contact_step(struct look *l, char **cause)
{
	GDate	 from, to, nudge;
	char	*name, *prev;
	int	 k, error = 0;

	if (!l->running || span_is_zero(&l->c->contact) ||
	    (k = contact_period(l, &from, &to, &nudge)) == 0)
		return 0;
	/* The first period is the first meeting's, when one is asked. */
	if (k == 1 && !span_is_zero(&l->c->first_meeting))
		return 0;
	name = g_strdup_printf("contact.%d", k);
	prev = g_strdup_printf("contact.%d", k - 1);
	if (done(l, name) || in_touch(l, &from, &nudge))
		error = 0;
	else if (g_strcmp0(g_hash_table_lookup(l->p->done, prev), "sent") == 0)
		error = contact_silent(l, name, &nudge, cause);
	else if ((error = calendar_mail(l->prog, l->p, "contact-nudge",
	    TO_BOTH, NULL, NULL, cause)) == 0)
		error = record(l, name, &nudge, "sent", cause);
	g_free(name);
	g_free(prev);
	return error;
}

/* ------------------------------------------------------------------ */
/* Check-ins at their points, the end, and the thank-you. */

static int
checkin_step(struct look *l, char **cause)
{
	GDate	 day, best;
	char	*name;
	guint	 i;
	int	 latest = -1, error = 0;

	for (i = 0; l->running && l->c->checkins != NULL &&
	    i < l->c->checkins->len; i++) {
		day = l->start;
		date_add(&day, &g_array_index(l->c->checkins, struct span, i));
		if (g_date_compare(&day, &l->end) < 0 && reached(l, &day)) {
			latest = (int)i;
			best = day;
		}
	}
	if (latest < 0)
		return 0;
	name = g_strdup_printf("checkin.%d", latest + 1);
	if (!done(l, name)) {
		error = calendar_mail(l->prog, l->p, "checkin", TO_BOTH, NULL,
		    NULL, cause);
		if (error == 0)
			error = record(l, name, &best, "sent", cause);
	}
	g_free(name);
	return error;
}

/* At its end (or after an early end), the evaluation request. */
static int
end_step(struct look *l, char **cause)
{
	char	*day;

	if (done(l, "end"))
		return 0;
	if (l->running) {
		if (!reached(l, &l->end))
			return 0;
		day = date_iso(&l->end);
		/* Done: out of the pool, not proposed a new partner. */
		if (state_match_end(l->prog->db, l->p->id, day, "completed",
		    l->prog->now_iso, cause) != 0 ||
		    state_participants_complete(l->prog->db, l->p->id,
		    l->prog->now_iso, cause) != 0) {
			g_free(day);
			return -1;
		}
		g_free(l->p->ended_on);
		l->p->ended_on = day;
		l->running = 0;
		l->has_ended = 1;
		l->ended = l->end;
	}
	if (calendar_mail(l->prog, l->p, "mentorship-end", TO_BOTH, NULL, NULL,
	    cause) != 0)
		return -1;
	return record(l, "end", &l->ended, "sent", cause);
}

/* When both evaluations are in, or when they are long overdue. */
static int
thanks_step(struct look *l, char **cause)
{
	GDate	last = l->ended;

	if (!l->has_ended || !done(l, "end") || done(l, "thanks"))
		return 0;
	date_add(&last, &l->c->evaluation);
	date_add(&last, &l->c->coordinator_after);
	if (!(l->p->evaluated_mentee && l->p->evaluated_mentor) &&
	    !span_is_zero(&l->c->evaluation) && !reached(l, &last))
		return 0;
	if (calendar_mail(l->prog, l->p, "thanks", TO_BOTH, NULL, NULL,
	    cause) != 0)
		return -1;
	return record(l, "thanks", &last, "sent", cause);
}

/* ------------------------------------------------------------------ */

static int
pair_step(struct look *l, char **cause)
{
	size_t	i;

	if (end_step(l, cause) != 0)
		return -1;
	for (i = 0; i < G_N_ELEMENTS(families); i++) {
		if (family_step(l, &families[i], cause) != 0)
			return -1;
	}
	if (contact_step(l, cause) != 0 || checkin_step(l, cause) != 0 ||
	    thanks_step(l, cause) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Before the introduction: confirmations not in after confirm_within. */

/* "the mentor and the supervisor": who has not answered.  Caller frees. */
static char *
unanswered(struct look *l)
{
	GString		*s = g_string_new(NULL);
	GList		*who, *w;
	guint		 n = 0, i = 0;

	who = g_list_sort(g_hash_table_get_keys(l->p->answers),
	    (GCompareFunc)strcmp);
	for (w = who; w != NULL; w = w->next)
		n += *(char *)g_hash_table_lookup(l->p->answers, w->data) == '\0';
	for (w = who; w != NULL; w = w->next) {
		if (*(char *)g_hash_table_lookup(l->p->answers, w->data) != '\0')
			continue;
		g_string_append_printf(s, "%s%s", i == 0 ? "the " : i + 1 == n ?
		    " and the " : ", the ", (char *)w->data);
		i++;
	}
	g_list_free(who);
	return g_string_free(s, n == 0);
}

static int
confirm_step(struct look *l, char **cause)
{
	GDateTime	*asked;
	GDate		 due;
	char		*who, *day, *text;
	int		 error;

	if (span_is_zero(&l->c->confirm_within) || done(l, "confirm.late") ||
	    (asked = g_date_time_new_from_iso8601(l->p->decided_at,
	    NULL)) == NULL)
		return 0;
	date_of(asked, l->prog->cfg->tz, &due);
	g_date_time_unref(asked);
	day = date_text(&due);
	date_add(&due, &l->c->confirm_within);
	if (!reached(l, &due) || (who = unanswered(l)) == NULL) {
		g_free(day);
		return 0;
	}
	text = g_strdup_printf("%s ha%s not confirmed the pairing (asked %s)",
	    who, strstr(who, " and ") != NULL ? "ve" : "s", day);
	error = tell(l, "confirm", text, cause);
	g_free(text);
	g_free(who);
	g_free(day);
	return error == 0 ? record(l, "confirm.late", &due, "told", cause) : -1;
}

/* One pair in a savepoint: its failure is its own. */
static int
pair_run(struct program *prog, struct pair *p, char **cause)
{
	struct look	 l = { .prog = prog, .c = &prog->cfg->calendar, .p = p };
	unsigned	 gone = db_gone_count(prog->db);
	char		*why = NULL;
	int		 introduced, error;

	introduced = pair_days(p, &l.start, &l.end, &l.ended,
	    &l.has_ended) == 0;
	/* Neither introduced nor waiting for confirmations: nothing due. */
	if (!introduced && g_strcmp0(p->confirm, "waiting") != 0)
		return 0;
	l.running = strcmp(p->status, "approved") == 0;
	if (db_savepoint(prog->db, cause) != 0)
		return EX_IOERR;
	error = introduced ? pair_step(&l, &why) : confirm_step(&l, &why);
	if (error == 0)
		return db_release(prog->db, cause) == 0 ? 0 : EX_IOERR;
	if (db_gone_count(prog->db) != gone) {
		*cause = why;
		return EX_IOERR;
	}
	log_warn("match %lld: the calendar's mail could not be written, left "
	    "for the next run: %s", (long long)p->id, why);
	g_free(why);
	return db_rollback_savepoint(prog->db, cause) == 0 ? 0 : EX_IOERR;
}

/* Applications are open today: those who waited join the pool. */
static int
intake_step(struct program *prog, char **cause)
{
	const struct calendar_config	*c = &prog->cfg->calendar;
	GDate				 today, next;
	int				 n;

	date_of(prog->now, prog->cfg->tz, &today);
	if (c->intake_opens == NULL || !intake_open(c->intake_opens,
	    c->intake_closes, &today, &next))
		return 0;
	if ((n = state_participants_open(prog->db, prog->now_iso, cause)) < 0)
		return -1;
	if (n > 0)
		log_info("applications are open: %d applicant(s) who waited "
		    "join the pool", n);
	return 0;
}

int
calendar_run(struct program *prog, char **cause)
{
	GPtrArray	*pairs;
	guint		 i;
	int		 error = 0;

	if (db_begin(prog->db, cause) != 0)
		return EX_IOERR;
	if (intake_step(prog, cause) != 0 ||
	    state_calendar_load(prog->db, &pairs, cause) != 0) {
		db_rollback(prog->db);
		return EX_IOERR;
	}
	for (i = 0; i < pairs->len && error == 0; i++)
		error = pair_run(prog, pairs->pdata[i], cause);
	g_ptr_array_unref(pairs);
	if (error == 0 && db_commit(prog->db, cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		db_rollback(prog->db);
	return error;
}

/* The next check-in not yet come, if it is before `best`. */
static void
next_checkin(struct look *l, GDate *best, const char **what)
{
	GDate	day;
	guint	i;

	for (i = 0; l->c->checkins != NULL && i < l->c->checkins->len; i++) {
		day = l->start;
		date_add(&day, &g_array_index(l->c->checkins, struct span, i));
		if (!reached(l, &day) && g_date_compare(&day, &l->end) < 0 &&
		    g_date_compare(&day, best) < 0) {
			*best = day;
			*what = "a check-in";
			return;
		}
	}
}

int
calendar_next_due(struct program *prog, struct pair *p, GDate *day,
    const char **what)
{
	struct look	 l = { .prog = prog, .c = &prog->cfg->calendar, .p = p };
	GDate		 due;
	size_t		 i;

	*what = NULL;
	if (pair_days(p, &l.start, &l.end, &l.ended, &l.has_ended) != 0)
		return 0;
	l.running = strcmp(p->status, "approved") == 0;
	*day = l.running ? l.end : l.ended;
	if (l.running)
		*what = "the end";
	for (i = 0; i < G_N_ELEMENTS(families); i++) {
		if (families[i].due(&l, &due) && !families[i].met(&l) &&
		    (*what == NULL || g_date_compare(&due, day) < 0)) {
			*day = due;
			*what = families[i].label;
		}
	}
	if (l.running)
		next_checkin(&l, day, what);
	return *what != NULL;
}

/* The earliest due day of what pair `l` still owes, or NULL. */
static const struct family *
owed_first(struct look *l, GDate *best)
{
	const struct family	*f = NULL;
	GDate			 due;
	size_t			 i;

	for (i = 0; i < G_N_ELEMENTS(families); i++) {
		if (families[i].due(l, &due) && !families[i].met(l) &&
		    (f == NULL || g_date_compare(&due, best) < 0)) {
			f = &families[i];
			*best = due;
		}
	}
	return f;
}

int
calendar_remind(struct program *prog, struct pair *p, const char **what,
    char **cause)
{
	struct look		 l = { .prog = prog, .c = &prog->cfg->calendar,
				    .p = p };
	const struct family	*f;
	GDate			 due, best;
	size_t			 i;

	*what = NULL;
	if (pair_days(p, &l.start, &l.end, &l.ended, &l.has_ended) != 0)
		return cause_set(cause, "match %lld has not been introduced "
		    "yet", (long long)p->id);
	l.running = strcmp(p->status, "approved") == 0;
	if ((f = owed_first(&l, &best)) == NULL)
		return cause_set(cause, "match %lld owes nothing now: the "
		    "goals, the first meeting and the evaluations are in or "
		    "not asked for yet", (long long)p->id);
	*what = f->label;
	/* Both evaluations are due the same day: remind each side owing. */
	for (i = 0; i < G_N_ELEMENTS(families); i++) {
		f = &families[i];
		if (f->due(&l, &due) && !f->met(&l) &&
		    g_date_compare(&due, &best) == 0 && calendar_mail(prog, p,
		    f->reminder, f->to, extra_due, &best, cause) != 0)
			return -1;
	}
	return 0;
}
