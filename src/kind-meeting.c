/*
 * kind-meeting.c -- a report of a meeting, from either side: when, how
 * long, in person or not, where, travel and topics.  Both sides may report
 * the same meeting: it is one meeting.  Where the program pays a stipend
 * ([stipend], Wisconsin Valley: $125 per in-person meeting, up to three,
 * with a minimum of six hours, travel reimbursed), the report says what
 * this meeting pays (or holds until the hours add up) and the mentor's
 * running total.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "config.h"
#include "kind.h"
#include "log.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "state-message.h"
#include "template.h"

/* A number the rules read, or -1 when the message does not give it. */
static double
number_of(const struct extraction *x, const char *name)
{
	const char	*v = extraction_get(x, name);
	char		*end;
	double		 n;

	if (v == NULL)
		return -1;
	n = g_ascii_strtod(v, &end);
	return end == v || n < 0 ? -1 : n;
}

/* What a meeting pays, and why not when it does not. */
struct pay {
	double		 paid;
	double		 reimbursed;
	const char	*unpaid;	/* why no stipend, or NULL */
	double		 held;		/* earned, owed once hours add up */
	double		 hours;		/* in person in all, with min_total */
	int		 released;	/* earlier stipends owed now */
};

static void
pay_for(const struct stipend_config *s, const struct meeting_facts *f,
    int64_t others, struct pay *pay)
{
	memset(pay, 0, sizeof *pay);
	if (f->miles > 0)
		pay->reimbursed += f->miles * s->mileage_rate;
	if (f->travel > 0)
		pay->reimbursed += f->travel;
	if (s->amount <= 0)
		return;
	if (g_strcmp0(f->mode, "in-person") != 0)
		pay->unpaid = "the stipend is for meetings in person";
	else if (s->min_hours > 0 && f->hours < 0)
		pay->unpaid = "the report does not say how long you met";
	else if (s->min_hours > 0 && f->hours < s->min_hours)
		pay->unpaid = "the meeting was shorter than the program pays for";
	else if (s->max_meetings > 0 && others >= s->max_meetings)
		pay->unpaid = "the paid meetings are all used";
	else
		pay->paid = s->amount;
}

/*
 * [stipend] min_total_hours: a meeting's stipend is held until the
 * in-person meetings add up to that many hours; the meeting that gets
 * them there releases the stipends held before it.
 */
static int
hold(struct inbound *in, const struct pair *p,
    const struct meeting_facts *f, struct pay *pay, char **cause)
{
	const struct stipend_config	*s = &in->prog->cfg->stipend;

	if (s->min_total_hours <= 0 || g_strcmp0(f->mode, "in-person") != 0)
		return 0;
	if (state_meeting_hours(in->prog->db, p->id, &pay->hours, cause) != 0)
		return -1;
	if (pay->hours < s->min_total_hours) {
		pay->held = pay->paid;
		pay->paid = 0;
	}
	return 0;
}

static int
release(struct inbound *in, const struct pair *p,
    const struct meeting_facts *f, struct pay *pay, char **cause)
{
	const struct stipend_config	*s = &in->prog->cfg->stipend;

	if (s->min_total_hours <= 0 || g_strcmp0(f->mode, "in-person") != 0 ||
	    pay->hours < s->min_total_hours)
		return 0;
	pay->released = state_meeting_release(in->prog->db, p->id, s->amount,
	    s->max_meetings, s->min_hours, cause);
	return pay->released < 0 ? -1 : 0;
}

/* Work out and keep what meeting `id` pays, now that more is known. */
static int
settle(struct inbound *in, const struct pair *p, int64_t id,
    struct meeting_facts *f, struct pay *pay, char **cause)
{
	const struct stipend_config	*s = &in->prog->cfg->stipend;
	int64_t				 others;

	if (state_meeting_facts(in->prog->db, id, f, cause) != 0)
		return -1;
	/* With hours to add up, the earliest meetings earn the stipends. */
	others = s->min_total_hours > 0 ? state_meeting_earners_before(
	    in->prog->db, p->id, id, s->min_hours, cause) :
	    state_meeting_paid_others(in->prog->db, p->id, id, cause);
	if (others < 0)
		return -1;
	pay_for(s, f, others, pay);
	if (hold(in, p, f, pay, cause) != 0 ||
	    state_meeting_pay(in->prog->db, id, pay->paid, pay->reimbursed,
	    cause) != 0)
		return -1;
	return release(in, p, f, pay, cause);
}

/* The day of the meeting: as reported, else the day the report came. */
static char *
held_on(struct inbound *in)
{
	const char	*d = extraction_get(in->x, "meeting_date");
	GDate		 day;

	if (d != NULL && date_parse(d, &day) == 0)
		return g_strdup(d);
	date_of(in->prog->now, in->prog->cfg->tz, &day);
	return date_iso(&day);
}

static void
vars_money(struct tvars *v, const char *name, double n)
{
	char	*t;

	if (n <= 0)
		return;
	t = n == (long)n ? g_strdup_printf("%ld", (long)n) :
	    g_strdup_printf("%.2f", n);
	tvars_set(v, name, t);
	g_free(t);
}

/* The in-person hours so far, as people write them ("4.5"). */
static void
vars_hours(struct tvars *v, double hours)
{
	char	*t = hours == (long)hours ? g_strdup_printf("%ld",
	    (long)hours) : g_strdup_printf("%.1f", hours);

	tvars_set(v, "hours.total", t);
	g_free(t);
}

static void
vars_meeting(struct inbound *in, struct tvars *v, const char *day,
    const struct meeting_facts *f)
{
	const struct extraction	*x = in->x;
	GDate			 d;
	char			*t;

	date_parse(day, &d);
	t = date_text(&d);
	tvars_set(v, "meeting.date", t);
	g_free(t);
	tvars_set(v, "meeting.mode", f->mode);
	tvars_set(v, "meeting.hours", extraction_get(x, "hours"));
	tvars_set(v, "meeting.place", extraction_get(x, "location"));
	tvars_set(v, "meeting.miles", extraction_get(x, "miles"));
	tvars_set(v, "meeting.travel", extraction_get(x, "travel"));
	tvars_set(v, "meeting.topics", extraction_get(x, "topics"));
}

static int
meeting_answer(struct inbound *in, const struct pair *p, int64_t pid,
    const char *day, int same, const struct meeting_facts *f,
    const struct pay *pay, char **cause)
{
	struct stipend_sum	 sum;
	struct tvars		*v;
	int			 error;

	if (state_stipend_sum(in->prog->db, p->id, &sum, cause) != 0 ||
	    (v = kind_pair_vars(in, p, pid, cause)) == NULL)
		return -1;
	vars_meeting(in, v, day, f);
	tvars_set(v, "same", same ? "yes" : NULL);
	vars_money(v, "paid", pay->paid);
	if (pay->paid > 0)
		vars_money(v, "paid.number", sum.paid_meetings);
	vars_money(v, "paid.total", sum.paid);
	vars_money(v, "reimbursed", sum.reimbursed);
	vars_money(v, "owed", sum.paid + sum.reimbursed);
	tvars_set(v, "unpaid", pay->unpaid);
	vars_money(v, "held", pay->held);
	if (pay->held > 0 || pay->released > 0)
		vars_hours(v, pay->hours);
	vars_money(v, "released", pay->released);
	error = kind_answer(in, "meeting-receipt", in->reply_addr, pid, v,
	    cause);
	tvars_free(v);
	return error;
}

static int
meeting_keep(struct inbound *in, const struct pair *p, int64_t pid,
    char **cause)
{
	struct meeting_row	 m;
	struct meeting_facts	 f = { 0 };
	struct pay		 pay;
	char			*day = held_on(in);
	int64_t			 id;
	int			 same, error;

	m = (struct meeting_row){ .match = p->id, .message = in->id,
	    .reported_by = pid, .held_on = day,
	    .mode = extraction_get(in->x, "meeting_mode"),
	    .hours = number_of(in->x, "hours"),
	    .place = extraction_get(in->x, "location"),
	    .miles = number_of(in->x, "miles"),
	    .travel = number_of(in->x, "travel"),
	    .topics = extraction_get(in->x, "topics"),
	    .received_at = in->prog->now_iso };
	error = state_meeting_add(in->prog->db, &m, &id, &same, cause);
	if (error == 0)
		error = settle(in, p, id, &f, &pay, cause);
	if (error == 0)
		error = meeting_answer(in, p, pid, day, same, &f, &pay, cause);
	g_free(f.mode);
	g_free(day);
	return error;
}

static int
meeting_handle(struct inbound *in, char **cause)
{
	struct pair	*p = NULL;
	int64_t		 pid;
	int		 found, error = 0;

	found = kind_pair(in, "meeting_report", &p, &pid, cause);
	if (found == 1)
		error = meeting_keep(in, p, pid, cause);
	pair_free(p);
	return found < 0 ? -1 : error;
}

const struct kind_entry kind_meeting_report_entry = {
	.name = "meeting_report",
	.handle = meeting_handle,
};
