/*
 * calendar-mail.c -- what mail about a pair says, and sending it: the
 * variables every calendar template may use, the dates of a pair, and
 * the start of a mentorship at its introduction.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "calendar.h"
#include "calendar-date.h"
#include "compose.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "state-calendar.h"
#include "state-participant.h"
#include "template.h"

int
pair_days(const struct pair *p, GDate *start, GDate *end, GDate *ended,
    int *has_ended)
{
	if (date_parse(p->starts_on, start) != 0 ||
	    date_parse(p->ends_on, end) != 0)
		return -1;
	*has_ended = date_parse(p->ended_on, ended) == 0;
	if (!*has_ended)
		*ended = *end;
	return 0;
}

/* "once a month", "every 2 weeks": the contact the program expects. */
static char *
cadence_text(const struct span *s)
{
	if (span_is_zero(s))
		return g_strdup("as often as you agree");
	if (s->months == 1 && s->days == 0)
		return g_strdup("once a month");
	if (s->months == 0 && s->days == 7)
		return g_strdup("once a week");
	if (s->months == 0 && s->days % 7 == 0)
		return g_strdup_printf("every %d weeks", s->days / 7);
	if (s->days == 0)
		return g_strdup_printf("every %d months", s->months);
	return g_strdup_printf("every %d days", s->days);
}

/* Set `name` to the text of `start` moved by `s`, unless s is zero. */
static void
set_date_after(struct tvars *v, const char *name, const GDate *start,
    const struct span *s)
{
	GDate	d = *start;
	char	*t;

	if (span_is_zero(s))
		return;
	date_add(&d, s);
	t = date_text(&d);
	tvars_set(v, name, t);
	g_free(t);
}

static void
set_date(struct tvars *v, const char *name, const GDate *d)
{
	char	*t = date_text(d);

	tvars_set(v, name, t);
	g_free(t);
}

static void
set_number(struct tvars *v, const char *name, double n)
{
	char	*t = n == (long)n ? g_strdup_printf("%ld", (long)n) :
	    g_strdup_printf("%.2f", n);

	tvars_set(v, name, t);
	g_free(t);
}

/* What the program asks, and when, for a pair that started. */
static void
vars_dates(struct program *prog, const struct pair *p, struct tvars *v)
{
	const struct calendar_config	*c = &prog->cfg->calendar;
	GDate				 start, end, ended;
	int				 has_ended;
	char				*cadence;

	if (pair_days(p, &start, &end, &ended, &has_ended) != 0)
		return;
	set_date(v, "start", &start);
	set_date(v, "end", &end);
	if (has_ended)
		set_date(v, "ended", &ended);
	set_date_after(v, "goals_by", &start, &c->goals);
	set_date_after(v, "first_meeting_by", &start, &c->first_meeting);
	set_date_after(v, "evaluation_by", &ended, &c->evaluation);
	tvars_set(v, "first_meeting_in_person", c->first_meeting_in_person ?
	    "yes" : NULL);
	cadence = cadence_text(&c->contact);
	tvars_set(v, "cadence", cadence);
	g_free(cadence);
	if (c->contacts_expected > 0)
		set_number(v, "contacts_expected", c->contacts_expected);
}

static void
vars_stipend(struct program *prog, struct tvars *v)
{
	const struct stipend_config	*s = &prog->cfg->stipend;

	if (s->amount <= 0)
		return;
	tvars_set(v, "stipend", "yes");
	tvars_set(v, "stipend.currency", s->currency);
	set_number(v, "stipend.amount", s->amount);
	if (s->max_meetings > 0)
		set_number(v, "stipend.max_meetings", s->max_meetings);
	if (s->min_hours > 0)
		set_number(v, "stipend.min_hours", s->min_hours);
	if (s->min_total_hours > 0)
		set_number(v, "stipend.min_total_hours", s->min_total_hours);
	if (s->mileage_rate > 0)
		set_number(v, "stipend.mileage_rate", s->mileage_rate);
}

int
calendar_vars(struct program *prog, const struct pair *p, int to_mentee,
    struct tvars *v, char **cause)
{
	const struct config	*cfg = prog->cfg;
	char			*me_name, *me_mail, *other_name, *other_mail;
	char			*id;
	int			 error = 0;

	if (participant_contact(prog->db, to_mentee ? p->mentee : p->mentor,
	    &me_name, &me_mail, cause) < 0 || participant_contact(prog->db,
	    to_mentee ? p->mentor : p->mentee, &other_name, &other_mail,
	    cause) < 0)
		error = -1;
	if (error == 0) {
		tvars_set(v, "me.name", me_name);
		tvars_set(v, "other.name", other_name);
		tvars_set(v, "other.email", other_mail);
		tvars_set(v, "role", to_mentee ? cfg->mentee_term :
		    cfg->mentor_term);
		tvars_set(v, "other.role", to_mentee ? cfg->mentor_term :
		    cfg->mentee_term);
		tvars_set(v, "mentee", to_mentee ? "yes" : NULL);
		id = g_strdup_printf("%lld", (long long)p->id);
		tvars_set(v, "match", id);
		g_free(id);
		tvars_set(v, "alumni", cfg->calendar.alumni);
		vars_dates(prog, p, v);
		if (!to_mentee)
			vars_stipend(prog, v);
	}
	g_free(me_name);
	g_free(me_mail);
	g_free(other_name);
	g_free(other_mail);
	return error;
}

/* The newest mail of ours to `pid` about the match: our reply's thread. */
static char *
thread_for(struct program *prog, const struct pair *p, int64_t pid)
{
	return db_query_text(prog->db, NULL, NULL, "SELECT message_id FROM "
	    "outbox WHERE match = ? AND participant = ? ORDER BY id DESC "
	    "LIMIT 1", "ii", p->id, pid);
}

static int
mail_one(struct program *prog, const struct pair *p, const char *name,
    int to_mentee, void (*extra)(struct tvars *, void *), void *arg,
    char **cause)
{
	struct tvars	*v = reply_vars(prog->cfg);
	struct outmail	 m;
	int64_t		 pid = to_mentee ? p->mentee : p->mentor;
	char		*subject = NULL, *body = NULL, *addr = NULL, *who = NULL;
	char		*refs = NULL;
	int		 error;

	error = calendar_vars(prog, p, to_mentee, v, cause);
	if (error == 0 && extra != NULL)
		extra(v, arg);
	if (error == 0)
		error = participant_contact(prog->db, pid, &who, &addr,
		    cause) < 0 ? -1 : 0;
	if (error == 0)
		error = reply_render(prog->replies, name, v, &subject, &body,
		    cause);
	if (error == 0) {
		refs = thread_for(prog, p, pid);
		m = (struct outmail){ .to_addr = addr, .to_name = who,
		    .subject = subject, .body = body, .in_reply_to = refs,
		    .references = refs, .kind = name, .participant = pid,
		    .match = p->id, .date = prog->now,
		    .auto_submitted = COMPOSE_AUTO_GENERATED };
		if (outbox_queue(prog->db, prog->cfg, &m, NULL, cause) != 0)
			error = -1;
	}
	g_free(refs);
	g_free(subject);
	g_free(body);
	g_free(addr);
	g_free(who);
	tvars_free(v);
	return error;
}

int
calendar_mail(struct program *prog, const struct pair *p, const char *name,
    int to, void (*extra)(struct tvars *, void *), void *arg, char **cause)
{
	if ((to & TO_MENTEE) && mail_one(prog, p, name, 1, extra, arg,
	    cause) != 0)
		return -1;
	if ((to & TO_MENTOR) && mail_one(prog, p, name, 0, extra, arg,
	    cause) != 0)
		return -1;
	return 0;
}

int
calendar_start(struct program *prog, int64_t id, char **starts, char **ends,
    char **cause)
{
	const struct calendar_config	*c = &prog->cfg->calendar;
	GDate				 today, start, end;
	char				*s, *e;
	int				 error;

	date_of(prog->now, prog->cfg->tz, &today);
	mentorship_dates(&c->start, &c->length, &today, &start, &end);
	s = date_iso(&start);
	e = date_iso(&end);
	error = state_match_dates(prog->db, id, s, e, cause);
	if (starts != NULL)
		*starts = g_strdup(s);
	if (ends != NULL)
		*ends = g_strdup(e);
	g_free(s);
	g_free(e);
	return error;
}
