/*
 * test-digest.c -- the coordinators' daily digest and the alarm, as
 * digest.h promises: once a day at the configured local time however
 * often cron runs (and across a daylight saving change), one digest
 * covering an outage, quiet days short or skipped, values escaped in the
 * HTML part, and one alarm (then one recovery mail) however many runs
 * fail.
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

#include "config.h"
#include "db.h"
#include "digest.h"
#include "mime.h"
#include "program.h"
#include "state-calendar.h"
#include "state-outbox.h"
#include "testlib.h"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct db	*db;
	struct program	*prog;
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-digest.XXXXXX", NULL);
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

static GDateTime *
instant(const char *iso)
{
	GDateTime	*t = g_date_time_new_from_iso8601(iso, NULL);

	if (t == NULL)
		fail_msg("bad instant %s", iso);
	return t;
}

/* Two coordinators, Denver, [digest] as given. */
static void
start(struct fixture *f, const char *digest)
{
	char		*cwd = g_get_current_dir(), *text, *path, *cause = NULL;
	GDateTime	*now = instant("2026-03-01T12:00:00Z");

	text = g_strdup_printf("[program]\nname = P\naddress = p@example.org\n"
	    "coordinators = c@example.org; d@example.org\n"
	    "timezone = America/Denver\ndatabase = state.db\n"
	    "rules = %s/rules\ntemplates = %s/templates\n"
	    "[imap]\nhost = imap.example.org\nusername = p\npassword_file = pw\n"
	    "[digest]\n%s", cwd, cwd, digest);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0 ||
	    program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("%s", cause);
	g_date_time_unref(now);
	g_free(path);
	g_free(text);
	g_free(cwd);
}

static void
clock_to(struct fixture *f, const char *iso)
{
	GDateTime	*now = instant(iso);

	program_set_clock(f->prog, now);
	g_date_time_unref(now);
}

static void
digest_at(struct fixture *f, const char *iso)
{
	char	*cause = NULL;

	clock_to(f, iso);
	if (digest_run(f->prog, &cause) != 0)
		fail_msg("digest_run: %s", cause);
}

static int64_t
digests(struct fixture *f)
{
	return db_query_int(f->db, NULL, NULL, "SELECT count(*) FROM outbox "
	    "WHERE kind = 'digest'", "");
}

static void
notice(struct fixture *f, const char *text, const char *at)
{
	assert_int_equal(state_notice_add(f->db, 0, 0, 0, "goals", text, at,
	    NULL), 0);
}

/* The text and HTML of the newest digest. */
static void
last_digest(struct fixture *f, char **text, char **html)
{
	struct outbox_mail	*m;
	struct mime_msg		*msg;
	int64_t			 id;
	char			*raw;

	id = db_query_int(f->db, NULL, NULL, "SELECT max(id) FROM outbox "
	    "WHERE kind = 'digest'", "");
	assert_int_equal(state_outbox_get(f->db, id, &m, NULL), 1);
	assert_int_equal(mime_parse(m->raw, m->len, &msg, NULL), 0);
	*text = g_strdup(msg->text);
	/* The HTML part as sent: what follows its header, in the raw mail. */
	raw = g_strndup(m->raw, m->len);
	if (strstr(raw, "Content-Type: text/html") == NULL)
		fail_msg("no HTML part in:\n%s", raw);
	*html = g_strdup(strstr(raw, "Content-Type: text/html"));
	g_free(raw);
	mime_msg_free(msg);
	state_outbox_free(m);
}

static void
test_once_a_day_at_its_time(void **state)
{
	struct fixture	*f = *state;

	start(f, "time = 07:30\n");
	digest_at(f, "2026-03-02T14:29:00Z");		/* 07:29 MST */
	assert_int_equal(digests(f), 0);
	digest_at(f, "2026-03-02T14:30:00Z");
	assert_int_equal(digests(f), 2);		/* one per coordinator */
	digest_at(f, "2026-03-02T14:40:00Z");
	digest_at(f, "2026-03-03T06:00:00Z");		/* 23:00 the same day */
	assert_int_equal(digests(f), 2);
	digest_at(f, "2026-03-03T14:30:00Z");
	assert_int_equal(digests(f), 4);
}

/* 07:30 on the day daylight saving time begins is 13:30 UTC. */
static void
test_across_dst(void **state)
{
	struct fixture	*f = *state;

	start(f, "time = 07:30\n");
	digest_at(f, "2026-03-07T14:30:00Z");
	assert_int_equal(digests(f), 2);
	digest_at(f, "2026-03-08T13:29:00Z");
	assert_int_equal(digests(f), 2);
	digest_at(f, "2026-03-08T13:30:00Z");
	assert_int_equal(digests(f), 4);
}

/* Down two days: one digest, covering the whole gap. */
static void
test_outage_one_digest_for_the_gap(void **state)
{
	struct fixture	*f = *state;
	char		*text, *html;

	start(f, "time = 07:30\n");
	digest_at(f, "2026-03-02T15:00:00Z");
	notice(f, "goals of the first pair are late", "2026-03-03T15:00:00Z");
	notice(f, "goals of the second pair are late", "2026-03-04T15:00:00Z");
	digest_at(f, "2026-03-05T15:00:00Z");
	assert_int_equal(digests(f), 4);
	assert_int_equal(db_query_int(f->db, NULL, NULL, "SELECT count(*) "
	    "FROM digest", ""), 2);
	last_digest(f, &text, &html);
	assert_contains(text, "since 2 March 2026, 08:00");
	assert_contains(text, "first pair");
	assert_contains(text, "second pair");
	g_free(text);
	g_free(html);
	/* What a digest told is not told again. */
	digest_at(f, "2026-03-06T15:00:00Z");
	last_digest(f, &text, &html);
	assert_lacks(text, "first pair");
	assert_contains(text, "quiet day");
	g_free(text);
	g_free(html);
}

static void
test_quiet_day_skipped(void **state)
{
	struct fixture	*f = *state;

	start(f, "time = 07:30\nquiet = skip\n");
	digest_at(f, "2026-03-02T15:00:00Z");
	assert_int_equal(digests(f), 0);
	assert_int_equal(db_query_int(f->db, NULL, NULL, "SELECT count(*) "
	    "FROM digest WHERE outbox IS NULL", ""), 1);
	notice(f, "the goals are late", "2026-03-02T20:00:00Z");
	digest_at(f, "2026-03-03T15:00:00Z");
	assert_int_equal(digests(f), 2);
}

/* What people wrote becomes text in the HTML part, never markup. */
static void
test_html_escapes_values(void **state)
{
	struct fixture	*f = *state;
	char		*text, *html;

	start(f, "time = 07:30\n");
	notice(f, "<script>alert(1)</script> & \"more\"", "2026-03-01T20:00:00Z");
	digest_at(f, "2026-03-02T15:00:00Z");
	last_digest(f, &text, &html);
	assert_contains(text, "<script>alert(1)</script>");
	assert_contains(html, "text/html; charset=utf-8");
	assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
	    "&quot;more&quot;");
	assert_lacks(html, "<script>");
	g_free(text);
	g_free(html);
}

static void
run_row(struct fixture *f, const char *now, const char *outcome)
{
	assert_int_equal(db_exec(f->db, NULL, "INSERT INTO run (started_at, "
	    "now, outcome) VALUES (?, ?, ?)", "ttt", now, now, outcome), 1);
}

static void
health_at(struct fixture *f, const char *iso, int failing)
{
	char	*cause = NULL;

	clock_to(f, iso);
	/* This run, as run.c records it before its phases. */
	run_row(f, iso, NULL);
	if (digest_health(f->prog, failing, &cause) != 0)
		fail_msg("digest_health: %s", cause);
	assert_int_equal(db_exec(f->db, NULL, "UPDATE run SET outcome = ? "
	    "WHERE id = (SELECT max(id) FROM run)", "t", failing ? "tempfail" :
	    "ok"), 1);
}

static int64_t
mails(struct fixture *f, const char *kind)
{
	return db_query_int(f->db, NULL, NULL, "SELECT count(*) FROM outbox "
	    "WHERE kind = ?", "t", kind);
}

/* Failing six hours: one alarm, however many runs; one recovery. */
static void
test_alarm_once_and_recovery_once(void **state)
{
	struct fixture	*f = *state;
	char		 iso[32];
	int		 i;

	start(f, "alarm_hours = 6\n");
	health_at(f, "2026-03-02T00:00:00Z", 0);
	for (i = 1; i <= 48; i++) {
		snprintf(iso, sizeof iso, "2026-03-02T%02d:%02d:00Z", i / 6,
		    (i % 6) * 10);
		health_at(f, iso, 1);
		if (i / 6 < 6)
			assert_int_equal(mails(f, "alarm"), 0);
	}
	assert_int_equal(mails(f, "alarm"), 2);	/* two coordinators */
	health_at(f, "2026-03-02T09:00:00Z", 0);
	health_at(f, "2026-03-02T09:10:00Z", 0);
	assert_int_equal(mails(f, "recovered"), 2);
	/* A short failure later is no news. */
	health_at(f, "2026-03-02T10:00:00Z", 1);
	health_at(f, "2026-03-02T10:10:00Z", 0);
	assert_int_equal(mails(f, "alarm"), 2);
	assert_int_equal(mails(f, "recovered"), 2);
}

static void
test_no_digest_when_none(void **state)
{
	struct fixture	*f = *state;

	start(f, "time = none\n");
	notice(f, "the goals are late", "2026-03-01T20:00:00Z");
	digest_at(f, "2026-03-02T15:00:00Z");
	digest_at(f, "2026-03-03T23:00:00Z");
	assert_int_equal(digests(f), 0);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_once_a_day_at_its_time),
		T(test_across_dst),
		T(test_outage_one_digest_for_the_gap),
		T(test_quiet_day_skipped),
		T(test_no_digest_when_none),
		T(test_html_escapes_values),
		T(test_alarm_once_and_recovery_once),
	};

	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
