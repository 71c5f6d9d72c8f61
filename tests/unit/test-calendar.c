/*
 * test-calendar.c -- the program calendar, as calendar.h and
 * calendar-date.h promise: spans as coordinators write them, dates that
 * survive month ends, leap days and daylight saving time, rolling and
 * cohort mentorships, and the calendar phase: each event exactly once
 * however often it runs, one reminder (not a burst) after an outage,
 * nothing about what already came in, the coordinator told instead of a
 * further reminder, the end and the thank-you.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "calendar.h"
#include "calendar-date.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "kind.h"
#include "program.h"
#include "state-calendar.h"
#include "testlib.h"

/* ------------------------------------------------------------------ */
/* Spans. */

static void
assert_span(const char *text, int signed_ok, int months, int days)
{
	struct span	s;
	char		*cause = NULL;

	if (span_parse(text, signed_ok, &s, &cause) != 0)
		fail_msg("\"%s\" refused: %s", text, cause);
	assert_int_equal(s.months, months);
	assert_int_equal(s.days, days);
}

static void
assert_no_span(const char *text, int signed_ok)
{
	struct span	s;
	char		*cause = NULL;

	assert_int_equal(span_parse(text, signed_ok, &s, &cause), -1);
	assert_contains(cause, text);
	assert_contains(cause, "30 days");
	g_free(cause);
}

static void
test_spans_as_written(void **state)
{
	assert_span("30 days", 0, 0, 30);
	assert_span("1 day", 0, 0, 1);
	assert_span("2 weeks", 0, 0, 14);
	assert_span("6 Months", 0, 6, 0);
	assert_span("1 year", 0, 12, 0);
	assert_span("  12   months ", 0, 12, 0);
	assert_span("none", 0, 0, 0);
	assert_span("0", 0, 0, 0);
	assert_span("7 days before", 1, 0, -7);
	assert_span("3 days after", 1, 0, 3);
	assert_span("on the day", 1, 0, 0);
	assert_no_span("thirty days", 0);
	assert_no_span("5 fortnights", 0);
	assert_no_span("-3 days", 0);
	assert_no_span("7 days before", 0);
	assert_no_span("30", 0);
	assert_no_span("9999 months", 0);
}

static void
test_span_text(void **state)
{
	struct span	a = { 0, 30 }, b = { 6, 0 }, c = { 0, -7 }, d = { 1, 1 };
	char		*t;

	t = span_text(&a);
	assert_string_equal(t, "30 days");
	g_free(t);
	t = span_text(&b);
	assert_string_equal(t, "6 months");
	g_free(t);
	t = span_text(&c);
	assert_string_equal(t, "7 days before");
	g_free(t);
	t = span_text(&d);
	assert_string_equal(t, "1 month and 1 day");
	g_free(t);
}

/* ------------------------------------------------------------------ */
/* Dates. */

static void
assert_after(const char *from, int months, int days, const char *want)
{
	struct span	 s = { months, days };
	GDate		 d;
	char		*got;

	assert_int_equal(date_parse(from, &d), 0);
	date_add(&d, &s);
	got = date_iso(&d);
	assert_string_equal(got, want);
	g_free(got);
}

static void
test_month_ends_and_leap_days(void **state)
{
	assert_after("2026-01-31", 1, 0, "2026-02-28");
	assert_after("2028-01-31", 1, 0, "2028-02-29");
	assert_after("2028-02-29", 12, 0, "2029-02-28");
	assert_after("2026-03-31", 1, 0, "2026-04-30");
	assert_after("2026-12-15", 1, 0, "2027-01-15");
	assert_after("2026-02-28", 0, 1, "2026-03-01");
	assert_after("2028-02-28", 0, 1, "2028-02-29");
	assert_after("2026-10-15", 6, 0, "2027-04-15");
	assert_after("2026-02-18", 0, -7, "2026-02-11");
	assert_after("2026-03-31", -1, 0, "2026-02-28");
}

/* The nth period counts from the start, not from the last period. */
static void
test_periods_count_from_the_start(void **state)
{
	struct span	 month = { 1, 0 };
	GDate		 from, d;
	char		*got;

	assert_int_equal(date_parse("2026-01-31", &from), 0);
	date_add_times(&d, &from, &month, 1);
	got = date_iso(&d);
	assert_string_equal(got, "2026-02-28");
	g_free(got);
	date_add_times(&d, &from, &month, 2);
	got = date_iso(&d);
	assert_string_equal(got, "2026-03-31");
	g_free(got);
}

static void
test_date_parse_refuses_what_is_no_date(void **state)
{
	GDate	d;

	assert_int_equal(date_parse("2026-02-30", &d), -1);
	assert_int_equal(date_parse("2026-13-01", &d), -1);
	assert_int_equal(date_parse("2026-1-1", &d), -1);
	assert_int_equal(date_parse("2026-01-01x", &d), -1);
	assert_int_equal(date_parse(NULL, &d), -1);
	assert_int_equal(date_parse("2028-02-29", &d), 0);
}

static GDateTime *
instant(const char *iso)
{
	GDateTime	*t = g_date_time_new_from_iso8601(iso, NULL);

	if (t == NULL)
		fail_msg("bad instant %s", iso);
	return t;
}

/* The day is the program's: late evening in Denver is the next day UTC. */
static void
test_the_day_is_the_programs(void **state)
{
	GTimeZone	*tz = g_time_zone_new_identifier("America/Denver");
	GDateTime	*t = instant("2026-03-01T05:00:00Z");
	GDate		 d;
	char		*got;

	date_of(t, tz, &d);
	got = date_iso(&d);
	assert_string_equal(got, "2026-02-28");
	g_free(got);
	g_date_time_unref(t);
	g_time_zone_unref(tz);
}

/*
 * Mail goes out from the program's morning: 08:00 in Denver is 15:00 UTC
 * in winter and 14:00 UTC once daylight saving time began (8 March 2026),
 * on the very day it changes.
 */
static void
test_morning_across_dst(void **state)
{
	GTimeZone	*tz = g_time_zone_new_identifier("America/Denver");
	GDateTime	*t;
	GDate		 d;

	assert_int_equal(date_parse("2026-03-07", &d), 0);
	t = instant("2026-03-07T14:59:00Z");
	assert_false(date_reached(t, tz, &d, 8 * 60));
	g_date_time_unref(t);
	t = instant("2026-03-07T15:00:00Z");
	assert_true(date_reached(t, tz, &d, 8 * 60));
	g_date_time_unref(t);
	assert_int_equal(date_parse("2026-03-08", &d), 0);
	t = instant("2026-03-08T13:59:00Z");
	assert_false(date_reached(t, tz, &d, 8 * 60));
	g_date_time_unref(t);
	t = instant("2026-03-08T14:00:00Z");
	assert_true(date_reached(t, tz, &d, 8 * 60));
	g_date_time_unref(t);
	/* 02:30 does not exist that day; it is reached by the morning. */
	t = instant("2026-03-08T15:00:00Z");
	assert_true(date_reached(t, tz, &d, 2 * 60 + 30));
	g_date_time_unref(t);
	g_time_zone_unref(tz);
}

/* ------------------------------------------------------------------ */
/* When mentorships start and end. */

static void
assert_mentorship(const char *cohort, int months, const char *approved,
    const char *start, const char *end)
{
	struct cohort	 c;
	struct span	 len = { months, 0 };
	GDate		 a, s, e;
	char		*got;

	assert_int_equal(cohort_parse(cohort, &c, NULL), 0);
	assert_int_equal(date_parse(approved, &a), 0);
	mentorship_dates(&c, &len, &a, &s, &e);
	got = date_iso(&s);
	assert_string_equal(got, start);
	g_free(got);
	got = date_iso(&e);
	assert_string_equal(got, end);
	g_free(got);
}

static void
test_rolling_and_cohorts(void **state)
{
	char	*cause = NULL;
	struct cohort c;

	/* Rolling (Wyoming, WLA FAQ): from the approval. */
	assert_mentorship("approval", 12, "2026-03-31", "2026-03-31",
	    "2027-03-31");
	/* A yearly cohort (Washington: pairs by mid-October, six months). */
	assert_mentorship("10-15", 6, "2026-09-20", "2026-10-15",
	    "2027-04-15");
	/* Approved while it runs: joins it, and ends with it. */
	assert_mentorship("10-15", 6, "2026-11-02", "2026-11-02",
	    "2027-04-15");
	/* After it ended: the next year's. */
	assert_mentorship("10-15", 6, "2027-05-01", "2027-10-15",
	    "2028-04-15");
	/* A cohort on 29 February, in a year without one. */
	assert_mentorship("02-29", 6, "2026-01-10", "2026-02-28",
	    "2026-08-28");
	/* A one-off cohort; approved after it ended, a mentorship alone. */
	assert_mentorship("2026-10-15", 6, "2026-10-01", "2026-10-15",
	    "2027-04-15");
	assert_mentorship("2026-10-15", 6, "2027-06-01", "2027-06-01",
	    "2027-12-01");
	assert_int_equal(cohort_parse("Oct 15", &c, &cause), -1);
	assert_contains(cause, "MM-DD");
	g_free(cause);
	assert_int_equal(cohort_parse("02-30", &c, NULL), -1);
}

/* Applications open and close each year; a window may span the new year. */
static void
assert_intake(const char *opens, const char *closes, const char *today,
    int open, const char *next)
{
	GDate	 d, n;
	char	*got;

	assert_int_equal(date_parse(today, &d), 0);
	assert_int_equal(intake_open(opens, closes, &d, &n), open);
	if (open)
		return;
	got = date_iso(&n);
	assert_string_equal(got, next);
	g_free(got);
}

static void
test_intake_window(void **state)
{
	assert_intake(NULL, NULL, "2026-03-01", 1, NULL);
	/* Washington: September. */
	assert_intake("09-01", "09-30", "2026-08-31", 0, "2026-09-01");
	assert_intake("09-01", "09-30", "2026-09-01", 1, NULL);
	assert_intake("09-01", "09-30", "2026-09-30", 1, NULL);
	assert_intake("09-01", "09-30", "2026-10-01", 0, "2027-09-01");
	assert_intake("11-01", "02-28", "2027-01-10", 1, NULL);
	assert_intake("11-01", "02-28", "2026-03-01", 0, "2026-11-01");
	/* Opening on 29 February: the 28th in other years. */
	assert_intake("02-29", "03-31", "2026-02-01", 0, "2026-02-28");
}

/* ------------------------------------------------------------------ */
/* The calendar phase. */

#define MENTEE	"mee@example.org"
#define MENTOR	"mor@example.org"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct db	*db;
	struct program	*prog;
	int64_t		 match;
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-calendar.XXXXXX", NULL);
	return f->dir != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	program_free(f->prog);
	config_free(f->cfg);
	db_close(f->db);
	remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static int64_t
add_person(struct fixture *f, const char *email, const char *name,
    const char *role)
{
	int64_t	id;

	assert_true(db_exec(f->db, NULL, "INSERT INTO participant (email, "
	    "form, status, created_at, updated_at) VALUES (?, 'wyoming', "
	    "'applied', 'x', 'x')", "t", email) == 1);
	id = db_last_id(f->db);
	assert_true(db_exec(f->db, NULL, "INSERT INTO participant_field "
	    "VALUES (?, 'name', ?), (?, 'role', ?)", "itit", id, name, id,
	    role) == 2);
	return id;
}

/*
 * A program with `calendar` as its [calendar] group, and one pair
 * introduced on 2026-01-15 for 12 months, in Denver.
 */
static void
start(struct fixture *f, const char *calendar)
{
	char		*cwd = g_get_current_dir(), *text, *path, *cause = NULL;
	GDateTime	*now = instant("2026-01-15T16:00:00Z");
	int64_t		 a, b;

	text = g_strdup_printf("[program]\nname = P\naddress = p@example.org\n"
	    "coordinators = c@example.org\ntimezone = America/Denver\n"
	    "database = state.db\nrules = %s/rules\ntemplates = %s/templates\n"
	    "[imap]\nhost = imap.example.org\nusername = p\n"
	    "password_file = pw\n[calendar]\n%s", cwd, cwd, calendar);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0 ||
	    program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("%s", cause);
	a = add_person(f, MENTEE, "Mee", "mentee");
	b = add_person(f, MENTOR, "Mor", "mentor");
	assert_true(db_exec(f->db, NULL, "INSERT INTO match (mentee, mentor, "
	    "score, status, why, created_at, decided_at, starts_on, ends_on) "
	    "VALUES (?, ?, 1, 'approved', 'why', 'x', '2026-01-15T16:00:00Z', "
	    "'2026-01-15', '2027-01-15')", "ii", a, b) == 1);
	f->match = db_last_id(f->db);
	g_date_time_unref(now);
	g_free(path);
	g_free(text);
	g_free(cwd);
}

/* A run of the calendar phase at `iso`. */
static void
run_at(struct fixture *f, const char *iso)
{
	GDateTime	*now = instant(iso);
	char		*cause = NULL;

	program_set_clock(f->prog, now);
	g_date_time_unref(now);
	if (calendar_run(f->prog, &cause) != 0)
		fail_msg("calendar_run: %s", cause);
}

static int64_t
count(struct fixture *f, const char *sql)
{
	return db_query_int(f->db, NULL, NULL, sql, "");
}

static char *
outcome_of(struct fixture *f, const char *event)
{
	return db_query_text(f->db, NULL, NULL, "SELECT outcome FROM event "
	    "WHERE name = ?", "t", event);
}

static void
assert_outcome(struct fixture *f, const char *event, const char *want)
{
	char	*got = outcome_of(f, event);

	if (want == NULL && got != NULL)
		fail_msg("%s is %s, not undone", event, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("%s is %s, not %s", event, got != NULL ? got :
		    "undone", want);
	g_free(got);
}

#define REMINDERS	"reminders = 7 days before; 3 days after\n" \
			"coordinator_after = 14 days\n"

/* Goals due 14 February: a reminder on the 7th, run however often. */
static void
test_reminder_once_however_often(void **state)
{
	struct fixture	*f = *state;

	start(f, "goals = 30 days\nfirst_meeting = none\ncontact = none\n"
	    REMINDERS);
	run_at(f, "2026-02-06T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
	run_at(f, "2026-02-07T14:59:00Z");	/* 07:59 in Denver */
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
	run_at(f, "2026-02-07T15:00:00Z");
	run_at(f, "2026-02-07T15:10:00Z");
	run_at(f, "2026-02-07T23:50:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'goals-reminder' AND to_addr = '" MENTEE "'"), 1);
	assert_outcome(f, "goals.remind.1", "sent");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 1);
}

/* After a three-week outage: the latest reminder due, not a burst. */
static void
test_outage_sends_what_is_due_now(void **state)
{
	struct fixture	*f = *state;

	start(f, "goals = 30 days\nfirst_meeting = none\ncontact = none\n"
	    REMINDERS);
	run_at(f, "2026-02-01T16:00:00Z");
	run_at(f, "2026-02-22T16:00:00Z");
	assert_outcome(f, "goals.remind.1", "skipped");
	assert_outcome(f, "goals.remind.2", "sent");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'goals-reminder'"), 1);
	/* Past coordinator_after: the coordinator, not a third reminder. */
	run_at(f, "2026-03-05T16:00:00Z");
	assert_outcome(f, "goals.late", "told");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'goals-reminder'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM notice WHERE what = "
	    "'goals'"), 1);
	run_at(f, "2026-03-06T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM notice"), 1);
}

/* What already came in is never reminded of. */
static void
test_nothing_about_what_came_in(void **state)
{
	struct fixture	*f = *state;
	int		 rev;

	start(f, "goals = 30 days\nfirst_meeting = 30 days\n"
	    "first_meeting_in_person = yes\ncontact = none\n" REMINDERS);
	assert_int_equal(state_goals_add(f->db, f->match, 0, "a\nb",
	    "2026-02-01", 1, &rev, NULL), 0);
	assert_true(db_exec(f->db, NULL, "INSERT INTO meeting (match, "
	    "held_on, mode, received_at) VALUES (?, '2026-02-03', 'virtual', "
	    "'x')", "i", f->match) == 1);
	run_at(f, "2026-02-07T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'goals-reminder'"), 0);
	/* A virtual meeting is not the in-person first meeting asked for. */
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'first-meeting-reminder'"), 2);
}

/* Silent a period: both nudged; silent the next: the coordinator. */
static void
test_silent_pair(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	start(f, "goals = none\nfirst_meeting = 30 days\ncontact = 1 month\n"
	    "contact_grace = 14 days\n" REMINDERS);
	assert_true(db_exec(f->db, NULL, "INSERT INTO meeting (match, "
	    "held_on, mode, received_at) VALUES (?, '2026-02-01', 'in-person', "
	    "'x')", "i", f->match) == 1);
	/* Period 2 (15 Feb - 15 Mar) silent: nudged on 29 March. */
	run_at(f, "2026-03-28T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'contact-nudge'"), 0);
	run_at(f, "2026-03-29T16:00:00Z");
	assert_outcome(f, "contact.2", "sent");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'contact-nudge'"), 2);
	/* Still silent through period 3: the coordinator is told. */
	run_at(f, "2026-04-29T16:00:00Z");
	assert_outcome(f, "contact.3", "told");
	assert_int_equal(count(f, "SELECT count(*) FROM notice WHERE what = "
	    "'silent'"), 1);
	/* Since their last contact, not since the period began. */
	text = db_query_text(f->db, NULL, NULL, "SELECT text FROM notice", "");
	assert_string_equal(text, "the pair have not been in touch since 1 "
	    "February 2026, after a reminder");
	g_free(text);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'contact-nudge'"), 2);
}

/* A pair in touch is left alone. */
static void
test_pair_in_touch_is_not_nudged(void **state)
{
	struct fixture	*f = *state;

	start(f, "goals = none\nfirst_meeting = 30 days\ncontact = 1 month\n"
	    "contact_grace = 14 days\n" REMINDERS);
	assert_true(db_exec(f->db, NULL, "INSERT INTO meeting (match, "
	    "held_on, mode, received_at) VALUES (?, '2026-02-01', 'in-person', "
	    "'x'), (?, '2026-03-02', 'virtual', 'x')", "ii", f->match,
	    f->match) == 2);
	run_at(f, "2026-03-29T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
}

/* Check-ins at their points; after an outage only the latest. */
static void
test_checkins(void **state)
{
	struct fixture	*f = *state;

	start(f, "goals = none\nfirst_meeting = none\ncontact = none\n"
	    "checkins = 3 months; 6 months; 9 months\n");
	run_at(f, "2026-04-15T16:00:00Z");
	assert_outcome(f, "checkin.1", "sent");
	run_at(f, "2026-11-01T16:00:00Z");
	assert_outcome(f, "checkin.2", NULL);
	assert_outcome(f, "checkin.3", "sent");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'checkin'"), 4);
}

/* The end: the match ends, both are asked for their evaluation; then
 * reminders and the thank-you once both are in. */
static void
test_end_evaluations_and_thanks(void **state)
{
	struct fixture		*f = *state;
	struct evaluation_row	 e = { 0 };
	int64_t			 mentee, mentor;

	start(f, "goals = none\nfirst_meeting = none\ncontact = none\n"
	    "evaluation = 30 days\n" REMINDERS);
	run_at(f, "2027-01-15T14:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE status = "
	    "'approved'"), 1);
	run_at(f, "2027-01-15T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE status = "
	    "'ended' AND end_reason = 'completed' AND ended_on = "
	    "'2027-01-15'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'mentorship-end'"), 2);
	mentee = count(f, "SELECT mentee FROM match");
	mentor = count(f, "SELECT mentor FROM match");
	e = (struct evaluation_row){ .match = f->match, .participant = mentee,
	    .role = "mentee", .satisfaction = 5, .keep_in_touch = 1,
	    .mentor_again = -1, .received_at = "x" };
	assert_int_equal(state_evaluation_add(f->db, &e, NULL), 0);
	/* Due 14 February: a reminder to the one still owing it. */
	run_at(f, "2027-02-07T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'evaluation-reminder' AND to_addr = '" MENTOR "'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'evaluation-reminder'"), 1);
	e.participant = mentor;
	e.role = "mentor";
	assert_int_equal(state_evaluation_add(f->db, &e, NULL), 0);
	run_at(f, "2027-02-08T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'thanks'"), 2);
	/* Done with: the pair drops out of the calendar. */
	run_at(f, "2027-06-01T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 5);
}

static char *
status_of(struct fixture *f, const char *email)
{
	return db_query_text(f->db, NULL, NULL, "SELECT status FROM "
	    "participant WHERE email = ?", "t", email);
}

static void
assert_status(struct fixture *f, const char *email, const char *want)
{
	char	*got = status_of(f, email);

	assert_non_null(got);
	assert_string_equal(got, want);
	g_free(got);
}

/*
 * A mentorship that ends as planned takes its mentee out of the pool
 * (else the next matching proposes a new mentor at once), and its
 * mentor too unless another of their mentorships runs on.
 */
static void
test_the_end_leaves_the_pool(void **state)
{
	struct fixture	*f = *state;
	int64_t		 mentor, other;

	start(f, "goals = none\nfirst_meeting = none\ncontact = none\n");
	mentor = count(f, "SELECT mentor FROM match");
	other = add_person(f, "two@example.org", "Two", "mentee");
	assert_true(db_exec(f->db, NULL, "INSERT INTO match (mentee, mentor, "
	    "score, status, why, created_at, starts_on, ends_on) VALUES (?, ?, "
	    "1, 'approved', 'why', 'x', '2026-06-01', '2027-06-01')", "ii",
	    other, mentor) == 1);
	run_at(f, "2027-01-15T16:00:00Z");
	assert_status(f, MENTEE, "completed");
	assert_status(f, MENTOR, "applied");
	assert_status(f, "two@example.org", "applied");
	run_at(f, "2027-06-01T16:00:00Z");
	assert_status(f, MENTOR, "completed");
	assert_status(f, "two@example.org", "completed");
}

/*
 * Confirmations still out [calendar] confirm_within after the approval:
 * the coordinator is told who has not answered, once.
 */
static void
test_confirmations_not_in(void **state)
{
	struct fixture	*f = *state;
	int64_t		 a, b, m;
	char		*text;

	start(f, "goals = none\nfirst_meeting = none\ncontact = none\n"
	    "confirm = mentor; mentee; supervisor\nconfirm_within = 14 days\n");
	a = add_person(f, "p1@example.org", "P1", "mentee");
	b = add_person(f, "p2@example.org", "P2", "mentor");
	assert_true(db_exec(f->db, NULL, "INSERT INTO match (mentee, mentor, "
	    "score, status, why, created_at, decided_at, confirm) VALUES (?, "
	    "?, 1, 'approved', 'why', 'x', '2026-02-02T16:00:00Z', "
	    "'waiting')", "ii", a, b) == 1);
	m = db_last_id(f->db);
	assert_int_equal(state_confirm_ask(f->db, m, "mentor", "p2@example.org",
	    "x", NULL), 0);
	assert_int_equal(state_confirm_ask(f->db, m, "mentee", "p1@example.org",
	    "x", NULL), 0);
	assert_int_equal(state_confirm_ask(f->db, m, "supervisor",
	    "boss@example.org", "x", NULL), 0);
	assert_int_equal(state_confirm_answer(f->db, m, "mentor", "yes", NULL,
	    0, "x", NULL), 0);
	run_at(f, "2026-02-15T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM notice"), 0);
	run_at(f, "2026-02-16T16:00:00Z");
	run_at(f, "2026-02-17T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM notice WHERE what = "
	    "'confirm'"), 1);
	text = db_query_text(f->db, NULL, NULL, "SELECT text FROM notice", "");
	assert_string_equal(text, "the mentee and the supervisor have not "
	    "confirmed the pairing (asked 2 February 2026)");
	g_free(text);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
}

/* On the day applications open, those who waited join the pool. */
static void
test_waiting_applicants_join_when_intake_opens(void **state)
{
	struct fixture	*f = *state;
	int64_t		 id;

	start(f, "goals = none\nfirst_meeting = none\ncontact = none\n"
	    "intake_opens = 09-01\nintake_closes = 09-30\n");
	id = add_person(f, "late@example.org", "Late", "mentee");
	assert_true(db_exec(f->db, NULL, "UPDATE participant SET status = "
	    "'waiting' WHERE id = ?", "i", id) == 1);
	run_at(f, "2026-08-31T16:00:00Z");
	assert_status(f, "late@example.org", "waiting");
	run_at(f, "2026-09-01T16:00:00Z");
	assert_status(f, "late@example.org", "applied");
}

/* The report's next due thing, and nothing once over. */
static void
test_next_due(void **state)
{
	struct fixture	*f = *state;
	struct pair	*p;
	const char	*what;
	GDate		 d;
	char		*day;

	start(f, "goals = 30 days\nfirst_meeting = 45 days\ncontact = none\n"
	    "checkins = 6 months\n");
	assert_int_equal(state_calendar_pair(f->db, f->match, &p, NULL), 1);
	assert_int_equal(calendar_next_due(f->prog, p, &d, &what), 1);
	assert_string_equal(what, "the goals");
	day = date_iso(&d);
	assert_string_equal(day, "2026-02-14");
	g_free(day);
	pair_free(p);
}

/* The coordinator's "remind": what is owed first, then nothing. */
static void
test_remind_what_is_owed(void **state)
{
	struct fixture	*f = *state;
	struct pair	*p;
	const char	*what;
	char		*cause = NULL;
	int		 rev;

	start(f, "goals = 30 days\nfirst_meeting = 45 days\ncontact = none\n"
	    "first_meeting_in_person = no\n");
	assert_int_equal(state_calendar_pair(f->db, f->match, &p, NULL), 1);
	assert_int_equal(calendar_remind(f->prog, p, &what, &cause), 0);
	assert_string_equal(what, "the goals");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'goals-reminder' AND to_addr = '" MENTEE "'"), 1);
	pair_free(p);
	assert_int_equal(state_goals_add(f->db, f->match, 0, "a\nb",
	    "2026-02-01", 1, &rev, NULL), 0);
	assert_int_equal(state_calendar_pair(f->db, f->match, &p, NULL), 1);
	assert_int_equal(calendar_remind(f->prog, p, &what, &cause), 0);
	assert_string_equal(what, "the first meeting");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'first-meeting-reminder'"), 2);
	pair_free(p);
	assert_true(db_exec(f->db, NULL, "INSERT INTO meeting (match, "
	    "held_on, mode, received_at) VALUES (?, '2026-02-03', 'virtual', "
	    "'x')", "i", f->match) == 1);
	assert_int_equal(state_calendar_pair(f->db, f->match, &p, NULL), 1);
	assert_int_equal(calendar_remind(f->prog, p, &what, &cause), -1);
	assert_non_null(strstr(cause, "owes nothing"));
	g_free(cause);
	pair_free(p);
	/* The calendar's own reminders are not counted as sent. */
	assert_int_equal(count(f, "SELECT count(*) FROM event"), 0);
}

/* A match ended by a withdrawal: nobody is mailed about it. */
static void
test_withdrawn_pair_is_left_alone(void **state)
{
	struct fixture	*f = *state;

	start(f, "goals = 30 days\nfirst_meeting = none\ncontact = none\n"
	    "evaluation = 30 days\n" REMINDERS);
	assert_true(db_exec(f->db, NULL, "UPDATE match SET status = 'ended', "
	    "end_reason = 'withdrawn'", "") == 1);
	run_at(f, "2026-02-20T16:00:00Z");
	run_at(f, "2027-02-20T16:00:00Z");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM notice"), 0);
}

/* ------------------------------------------------------------------ */
/* Goals, whatever shape they come in. */

static void
assert_goals(const char *text, int listed, const char *want)
{
	GPtrArray	*items;
	GString		*got = g_string_new(NULL);
	guint		 i;
	int		 n;

	items = goals_items(text, &n);
	for (i = 0; i < items->len; i++)
		g_string_append_printf(got, "%s|", (char *)items->pdata[i]);
	assert_string_equal(got->str, want);
	assert_int_equal(n, listed);
	g_string_free(got, TRUE);
	g_ptr_array_unref(items);
}

static void
test_goals_lists(void **state)
{
	assert_goals("Hi Jo,\n\nHere are my goals:\n1. Learn budgets\n"
	    "2) Run a board meeting\n", 2,
	    "Learn budgets|Run a board meeting|");
	assert_goals("Short term goals:\n- weeding\n* grants\n"
	    "\xe2\x80\xa2 outreach\n\nLong term:\n(a) a new building\n", 4,
	    "weeding|grants|outreach|a new building|");
	assert_goals("Goal 1: policies\nGoal 2: staff\n", 2,
	    "policies|staff|");
	assert_goals("I want to learn budgeting. I also hope to work with my "
	    "board!\n", 0,
	    "I want to learn budgeting.|I also hope to work with my board!|");
	/* A number that starts a sentence is no list marker. */
	assert_goals("3.5 hours a week is what I have.\n", 0,
	    "3.5 hours a week is what I have.|");
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest dates[] = {
		cmocka_unit_test(test_spans_as_written),
		cmocka_unit_test(test_span_text),
		cmocka_unit_test(test_month_ends_and_leap_days),
		cmocka_unit_test(test_periods_count_from_the_start),
		cmocka_unit_test(test_date_parse_refuses_what_is_no_date),
		cmocka_unit_test(test_the_day_is_the_programs),
		cmocka_unit_test(test_morning_across_dst),
		cmocka_unit_test(test_rolling_and_cohorts),
		cmocka_unit_test(test_intake_window),
		cmocka_unit_test(test_goals_lists),
	};
	const struct CMUnitTest phase[] = {
		T(test_reminder_once_however_often),
		T(test_outage_sends_what_is_due_now),
		T(test_nothing_about_what_came_in),
		T(test_silent_pair),
		T(test_pair_in_touch_is_not_nudged),
		T(test_checkins),
		T(test_end_evaluations_and_thanks),
		T(test_next_due),
		T(test_remind_what_is_owed),
		T(test_withdrawn_pair_is_left_alone),
		T(test_the_end_leaves_the_pool),
		T(test_confirmations_not_in),
		T(test_waiting_applicants_join_when_intake_opens),
	};

	return cmocka_run_group_tests_name("dates", dates, NULL, NULL) +
	    cmocka_run_group_tests_name("phase", phase, mime_group_setup,
	    mime_group_teardown);
}
