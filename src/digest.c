/*
 * digest.c -- the coordinators' daily digest and the health alarm
 * (digest.h).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "calendar-date.h"
#include "compose.h"
#include "config.h"
#include "db.h"
#include "digest.h"
#include "log.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "state-digest.h"
#include "template.h"
#include "token.h"

/* The sections of lines, in the order the digest shows them. */
static const char *const sections[] = {
	"proposals", "decisions", "overdue", "reminders", "arrived", "failed",
	"wanted", NULL
};

/* Sections whose lines are news: a day without any is quiet. */
static const char *const news[] = {
	"proposals", "decisions", "overdue", "arrived", "failed", NULL
};

/* A clock time stored as text, for people, in the program's zone. */
static char *
when_text(struct program *prog, const char *iso)
{
	GDateTime	*t, *local;
	char		*s;

	if (iso == NULL || (t = g_date_time_new_from_iso8601(iso,
	    NULL)) == NULL)
		return NULL;
	local = g_date_time_to_timezone(t, prog->cfg->tz);
	s = g_date_time_format(local, "%-d %B %Y, %H:%M");
	g_date_time_unref(local);
	g_date_time_unref(t);
	return s;
}

static void
set_text(struct tvars *v, const char *name, char *text)
{
	tvars_set(v, name, text);
	g_free(text);
}

static void
set_count(struct tvars *v, const char *name, int n)
{
	set_text(v, name, g_strdup_printf("%d", n));
}

/* A bar: `value` of `total`, and the share for the HTML's width. */
static void
add_bar(struct tvars *v, const char *label, int value, int total)
{
	struct tvars	*b;

	if (total <= 0)
		return;
	b = tvars_add_item(v, "bars");
	tvars_set(b, "label", label);
	set_count(b, "value", value);
	set_count(b, "total", total);
	set_count(b, "pct", (100 * value + total / 2) / total);
}

/* Every section's lines; whether any news is among them. */
static int
vars_sections(struct program *prog, struct tvars *v, const char *from,
    int *quiet, char **cause)
{
	GPtrArray	*lines;
	size_t		 i;
	guint		 j;

	*quiet = 1;
	for (i = 0; sections[i] != NULL; i++) {
		if (state_digest_lines(prog->db, sections[i], from,
		    prog->now_iso, &lines, cause) != 0)
			return -1;
		for (j = 0; j < lines->len; j++)
			tvars_set(tvars_add_item(v, sections[i]), "text",
			    lines->pdata[j]);
		if (lines->len > 0 && g_strv_contains(news, sections[i]))
			*quiet = 0;
		g_ptr_array_unref(lines);
	}
	return 0;
}

/* Whether no mail has come for 30 days while runs were fine. */
static int
stalled(struct program *prog, const char *last_mail)
{
	GDateTime	*t, *week;
	int		 old;

	if (last_mail == NULL || (t = g_date_time_new_from_iso8601(last_mail,
	    NULL)) == NULL)
		return 0;
	week = g_date_time_add_days(prog->now, -30);
	old = g_date_time_compare(t, week) < 0;
	g_date_time_unref(week);
	g_date_time_unref(t);
	return old;
}

static int
vars_counts(struct program *prog, struct tvars *v, char **cause)
{
	struct digest_counts	c;

	if (state_digest_counts(prog->db, &c, cause) != 0)
		return -1;
	set_count(v, "proposals.count", c.proposals);
	set_count(v, "pool.mentees_waiting", c.mentees_waiting);
	set_count(v, "pool.mentors_room", c.mentors_room);
	set_count(v, "pairs", c.pairs);
	add_bar(v, "goals in", c.goals_in, c.pairs);
	add_bar(v, "pairs that have met", c.met, c.pairs);
	add_bar(v, "evaluations in", c.evaluations, 2 * c.ended);
	if (c.owed > 0)
		set_text(v, "stipends.owed", g_strdup_printf("%s%.2f",
		    prog->cfg->stipend.currency, c.owed));
	set_text(v, "health.last_ok", when_text(prog, c.last_ok));
	if (c.runs_failing > 0)
		set_count(v, "health.failing", c.runs_failing);
	if (c.runs_failing == 0 && stalled(prog, c.last_mail))
		set_text(v, "health.stalled", when_text(prog, c.last_mail));
	digest_counts_clear(&c);
	return 0;
}

static struct tvars *
digest_vars(struct program *prog, const char *from, int *quiet,
    char **cause)
{
	struct tvars	*v = reply_vars(prog->cfg);
	GDate		 today;

	date_of(prog->now, prog->cfg->tz, &today);
	set_text(v, "day", date_text(&today));
	set_text(v, "period.from", when_text(prog, from));
	if (vars_sections(prog, v, from != NULL ? from : "", quiet,
	    cause) != 0 || vars_counts(prog, v, cause) != 0) {
		tvars_free(v);
		return NULL;
	}
	tvars_set(v, "quiet", *quiet ? "yes" : NULL);
	return v;
}

/* Both parts, to each coordinator with a token of their own. */
static int
digest_queue(struct program *prog, struct tvars *v, int64_t *first,
    char **cause)
{
	struct token_mail	m = { .kind = "digest", .vars = v,
				    .html_kind = "digest-html", .first = first };

	return token_mail_queue(prog->db, prog->cfg, prog->replies, prog->now,
	    &m, cause);
}

/* Today's digest, inside the transaction. */
static int
digest_today(struct program *prog, const char *day, char **cause)
{
	struct tvars	*v;
	char		*from = NULL;
	int64_t		 first = 0;
	unsigned	 gone = db_gone_count(prog->db);
	int		 quiet, error;

	if ((error = state_digest_done(prog->db, day, cause)) != 0)
		return error < 0 ? EX_IOERR : 0;
	if (state_digest_last(prog->db, &from, cause) != 0)
		return EX_IOERR;
	v = digest_vars(prog, from, &quiet, cause);
	error = v == NULL ? EX_IOERR : 0;
	if (error == 0 && !(quiet && strcmp(prog->cfg->digest.quiet,
	    "skip") == 0) && digest_queue(prog, v, &first, cause) != 0)
		error = db_gone_count(prog->db) != gone ? EX_IOERR : EX_DATAERR;
	if (error == 0 && (state_digest_add(prog->db, day, from,
	    prog->now_iso, first, cause) != 0 ||
	    state_notices_reported(prog->db, prog->now_iso, cause) != 0))
		error = EX_IOERR;
	if (error == 0)
		log_info("digest of %s %s", day, first > 0 ? "queued" :
		    "skipped: a quiet day");
	tvars_free(v);
	g_free(from);
	return error;
}

int
digest_run(struct program *prog, char **cause)
{
	GDate	 today;
	char	*day;
	int	 error;

	if (prog->cfg->digest.time < 0)
		return 0;
	date_of(prog->now, prog->cfg->tz, &today);
	if (!date_reached(prog->now, prog->cfg->tz, &today,
	    prog->cfg->digest.time))
		return 0;
	if (db_begin(prog->db, cause) != 0)
		return EX_IOERR;
	day = date_iso(&today);
	error = digest_today(prog, day, cause);
	g_free(day);
	if (error == 0 && db_commit(prog->db, cause) != 0)
		error = EX_IOERR;
	if (error != 0)
		db_rollback(prog->db);
	return error;
}

/* ------------------------------------------------------------------ */
/* The alarm. */

/* Queue template `name` (alarm, recovered) to each coordinator. */
static int
health_mail(struct program *prog, const char *name, const char *since,
    char **cause)
{
	struct tvars	*v = reply_vars(prog->cfg);
	struct outmail	 o;
	char		*subject = NULL, *body = NULL;
	size_t		 i;
	int		 error;

	set_text(v, "since", when_text(prog, since));
	error = reply_render(prog->replies, name, v, &subject, &body, cause);
	for (i = 0; error == 0 && prog->cfg->coordinators[i] != NULL; i++) {
		o = (struct outmail){ .to_addr = prog->cfg->coordinators[i],
		    .subject = subject, .body = body, .kind = name,
		    .date = prog->now,
		    .auto_submitted = COMPOSE_AUTO_GENERATED };
		if (outbox_queue(prog->db, prog->cfg, &o, NULL, cause) != 0)
			error = -1;
	}
	g_free(subject);
	g_free(body);
	tvars_free(v);
	return error;
}

/* Whether `since` is more than [digest] alarm_hours ago. */
static int
too_long(struct program *prog, const char *since)
{
	GDateTime	*t = g_date_time_new_from_iso8601(since, NULL);
	GTimeSpan	 d;

	if (t == NULL)
		return 0;
	d = g_date_time_difference(prog->now, t);
	g_date_time_unref(t);
	return d >= (GTimeSpan)prog->cfg->digest.alarm_hours * G_TIME_SPAN_HOUR;
}

static int
health_step(struct program *prog, int failing, const char *since,
    char **cause)
{
	int	alarmed;

	if ((alarmed = state_alarm_since(prog->db, "alarm", since,
	    cause)) < 0)
		return -1;
	if (failing && !alarmed && too_long(prog, since)) {
		log_warn("runs have failed since %s: the coordinators are "
		    "told", since);
		return health_mail(prog, "alarm", since, cause);
	}
	if (!failing && alarmed && state_alarm_since(prog->db, "recovered",
	    since, cause) == 0)
		return health_mail(prog, "recovered", since, cause);
	return 0;
}

int
digest_health(struct program *prog, int failing, char **cause)
{
	char	*since = NULL;
	int	 error;

	if (state_failing_since(prog->db, &since, cause) != 0)
		return EX_IOERR;
	/* The streak goes on only if this run fails too. */
	if (since == NULL)
		return 0;
	if (db_begin(prog->db, cause) != 0) {
		g_free(since);
		return EX_IOERR;
	}
	error = health_step(prog, failing, since, cause);
	if (error == 0)
		error = db_commit(prog->db, cause);
	if (error != 0)
		db_rollback(prog->db);
	g_free(since);
	return error == 0 ? 0 : EX_IOERR;
}
