/*
 * test-meeting.c -- meeting reports and the stipends they earn, as
 * kind-meeting.c promises: a report by mail is one meeting however many
 * sides report it; an in-person meeting earns [stipend] amount, up to
 * max_meetings; travel is reimbursed by the mile; with min_hours a
 * shorter meeting earns nothing, and with min_total_hours (Wisconsin
 * Valley: "up to 3 visits with a minimum of 6 hours") the stipends are
 * held until the in-person meetings add up to that many hours, then owed
 * all at once.  The mentor's receipt says which.
 *
 * Each report is recorded and handed to process_message as intake.c
 * does, for a pair introduced on 15 January 2026.
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

#include "clock.h"
#include "config.h"
#include "db.h"
#include "mime.h"
#include "process.h"
#include "program.h"
#include "state-message.h"
#include "testlib.h"

#define MENTEE	"kayla@colby.example.org"
#define MENTOR	"rita@marathon.example.org"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct db	*db;
	struct program	*prog;
	int64_t		 match;
	uint32_t	 uid;
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-meeting.XXXXXX", NULL);
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
	    "form, status, created_at, updated_at) VALUES (?, 'wvls', "
	    "'applied', 'x', 'x')", "t", email) == 1);
	id = db_last_id(f->db);
	assert_true(db_exec(f->db, NULL, "INSERT INTO participant_field "
	    "VALUES (?, 'name', ?), (?, 'role', ?)", "itit", id, name, id,
	    role) == 2);
	return id;
}

/* A program whose [stipend] is `stipend`, and one pair introduced. */
static void
start(struct fixture *f, const char *stipend)
{
	char		*cwd = g_get_current_dir(), *text, *path, *cause = NULL;
	GDateTime	*now = g_date_time_new_from_iso8601(
			    "2026-02-02T16:00:00Z", NULL);
	int64_t		 a, b;

	text = g_strdup_printf("[program]\nname = WVLS\naddress = "
	    "p@example.org\ncoordinators = c@example.org\ntimezone = "
	    "America/Chicago\ndatabase = state.db\nrules = %s/rules\n"
	    "templates = %s/templates\nforms = wvls\n[imap]\nhost = "
	    "imap.example.org\nusername = p\npassword_file = pw\n[stipend]\n%s",
	    cwd, cwd, stipend);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0 ||
	    program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("%s", cause);
	a = add_person(f, MENTEE, "Kayla Jurgens", "mentee");
	b = add_person(f, MENTOR, "Rita Olson", "mentor");
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

/* Record `body` from `from` as intake does, and have it handled. */
static void
deliver(struct fixture *f, const char *from, const char *body)
{
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*raw, *hash, *cause = NULL;
	int64_t			 id;
	int			 failed = 0;

	raw = g_strdup_printf("From: %s\r\nTo: p@example.org\r\nSubject: "
	    "Meeting report\r\nMessage-ID: <m%u@example.org>\r\nDate: Mon, 2 "
	    "Feb 2026 10:00:00 -0600\r\n\r\n%s\r\n", from, f->uid + 1, body);
	hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, raw, -1);
	if (mime_parse(raw, strlen(raw), &msg, &cause) != 0)
		fail_msg("mime_parse: %s", cause);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = ++f->uid, .internaldate = f->prog->now_iso, .raw = raw,
	    .size = strlen(raw), .hash = hash, .message_id = msg->message_id,
	    .from_addr = msg->from_addr, .subject = msg->subject,
	    .text = msg->text, .outcome = "decoded",
	    .recorded_at = f->prog->now_iso };
	if (db_begin(f->db, &cause) != 0 ||
	    state_message_add(f->db, &r, &id, &cause) != 0 ||
	    process_message(f->prog, id, &r, msg, &failed, &cause) != 0 ||
	    db_commit(f->db, &cause) != 0)
		fail_msg("delivering: %s", cause);
	assert_int_equal(failed, 0);
	mime_msg_free(msg);
	g_free(hash);
	g_free(raw);
}

/* The last receipt's body (its raw text, enough to look into). */
static char *
last_receipt(struct fixture *f)
{
	return db_query_text(f->db, NULL, NULL, "SELECT CAST(raw AS TEXT) "
	    "FROM outbox WHERE kind = 'meeting-receipt' ORDER BY id DESC "
	    "LIMIT 1", "");
}

/* "paid,reimbursed;" of each meeting, in the order reported. */
static char *
meetings(struct fixture *f)
{
	return db_query_text(f->db, NULL, NULL, "SELECT group_concat(paid || "
	    "',' || reimbursed, ';') FROM (SELECT paid, reimbursed FROM "
	    "meeting ORDER BY id)", "");
}

static void
assert_meetings(struct fixture *f, const char *want)
{
	char	*got = meetings(f);

	assert_string_equal(got, want);
	g_free(got);
}

static void
assert_receipt_says(struct fixture *f, const char *text)
{
	char	*got = last_receipt(f);

	assert_contains(got, text);
	g_free(got);
}

#define WVLS	"amount = 125\nmax_meetings = 3\nmileage_rate = 0.5\n"

/*
 * "Up to 3 visits with a minimum of 6 hours", read as 6 hours in all: the
 * first two visits of 2 hours are held, the third releases all three,
 * and a fourth earns nothing; the miles are reimbursed all along.
 */
static void
test_stipends_held_until_the_hours_add_up(void **state)
{
	struct fixture	*f = *state;

	start(f, WVLS "min_total_hours = 6\n");
	deliver(f, MENTOR, "We met in person on 2026-01-29 for 2 hours at "
	    "the Colby Public Library.\nI drove 40 miles.");
	assert_meetings(f, "0.0,20.0");
	assert_receipt_says(f, "earns the $125 stipend, owed once your "
	    "in-person meetings come to 6 hours (2 so far)");
	deliver(f, MENTOR, "We met in person on 2026-03-05 for 2 hours.");
	assert_meetings(f, "0.0,20.0;0.0,0.0");
	/* A virtual meeting neither earns nor counts. */
	deliver(f, MENTOR, "We met on Zoom on 2026-03-20 for 3 hours.");
	assert_meetings(f, "0.0,20.0;0.0,0.0;0.0,0.0");
	assert_receipt_says(f, "the stipend is for meetings in person");
	deliver(f, MENTOR, "We met in person on 2026-04-02 for 2 hours, "
	    "30 miles.");
	assert_meetings(f, "125.0,20.0;125.0,0.0;0.0,0.0;125.0,15.0");
	assert_receipt_says(f, "This is paid meeting 3 of 3: $125; your "
	    "running total is $375.");
	assert_receipt_says(f, "now come to 6 hours: the stipends held");
	deliver(f, MENTOR, "We met in person on 2026-05-07 for 3 hours.");
	assert_meetings(f, "125.0,20.0;125.0,0.0;0.0,0.0;125.0,15.0;0.0,0.0");
	assert_receipt_says(f, "the paid meetings are all used");
}

/* The mentee's report of the same visit, with its length, releases it. */
static void
test_other_side_gives_the_hours(void **state)
{
	struct fixture	*f = *state;

	start(f, WVLS "min_total_hours = 6\n");
	deliver(f, MENTOR, "We met in person on 2026-01-29 at the Colby "
	    "Public Library.");
	assert_meetings(f, "0.0,0.0");
	deliver(f, MENTEE, "We met in person on 2026-01-29 for 6 hours.");
	assert_meetings(f, "125.0,0.0");
	assert_int_equal(db_query_int(f->db, NULL, NULL, "SELECT count(*) FROM "
	    "meeting", ""), 1);
}

/* The other reading, 6 hours each visit: min_hours. */
static void
test_each_visit_its_hours(void **state)
{
	struct fixture	*f = *state;

	start(f, WVLS "min_hours = 6\n");
	deliver(f, MENTOR, "We met in person on 2026-01-29 for 2 hours.");
	assert_meetings(f, "0.0,0.0");
	assert_receipt_says(f, "shorter than the program pays for");
	deliver(f, MENTOR, "We met in person on 2026-03-05 for 6 hours.");
	assert_meetings(f, "0.0,0.0;125.0,0.0");
	assert_receipt_says(f, "This is paid meeting 1 of 3");
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stipends_held_until_the_hours_add_up),
		T(test_other_side_gives_the_hours),
		T(test_each_visit_its_hours),
	};

	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
