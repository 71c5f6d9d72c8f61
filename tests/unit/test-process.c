/*
 * test-process.c -- what a message means for the program, as process.h
 * promises: an application makes or updates a participant, who is judged
 * (complete, incomplete, ineligible) and gets one reply, queued in the
 * outbox in the transaction that recorded the message; a reply to a
 * receipt corrects the application; a person whose mail is not understood
 * is told the coordinator will answer; and some mail is never answered:
 * automatic mail, mail that cannot be read, mail with no sender, the
 * coordinator's, and more than [program] replies_per_day a day to anyone.
 *
 * Messages come from the corpus (tests/corpus) or are written here, and
 * are recorded and handed to process_message exactly as intake.c does
 * (deliver(), below).  Each test has its own configuration and an empty
 * in-memory database; the clock is fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "intake.h"
#include "mime.h"
#include "process.h"
#include "program.h"
#include "rules.h"
#include "state-message.h"
#include "state-outbox.h"
#include "testlib.h"

#define APPLICATIONS	"tests/corpus/applications/"
#define OTHER		"tests/corpus/other/"
#define MIME		"tests/corpus/mime/"

#define PROGRAM_NAME	"Test Mentoring Program"
#define PROGRAM_ADDR	"mentoring@example.org"
#define COORDINATOR	"coord@example.org"
#define NOW		"2026-03-14T15:00:00Z"

#define ALLISON		"akrueger@tomahawklibrary.example.org"
#define JORDAN		"jreyes@rhinelanderlibrary.example.org"
#define MAI		"mthao@fresnolibrary.example.org"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct program	*prog;
	struct db	*db;
	uint32_t	 uid;		/* of the last message delivered */
	char		*rules;		/* rules and templates, when not */
	char		*templates;	/* the shipped ones */
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-process.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	return clock_set(NOW, NULL, NULL);
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
	g_free(f->rules);
	g_free(f->templates);
	g_free(f);
	return 0;
}

/*
 * Start the program: a configuration with `program` added to [program]
 * (forms, replies_per_day) and `eligibility` (may be NULL) as its
 * [eligibility] group, the shipped rules and templates, and an empty
 * database.
 */
static void
start(struct fixture *f, const char *program, const char *eligibility)
{
	GDateTime	*now;
	char		*cwd, *path, *text, *cause = NULL, *rules, *templates;

	cwd = g_get_current_dir();
	rules = g_build_filename(cwd, "rules", NULL);
	templates = g_build_filename(cwd, "templates", NULL);
	text = g_strdup_printf(
	    "[program]\n"
	    "name = " PROGRAM_NAME "\n"
	    "address = " PROGRAM_ADDR "\n"
	    "coordinators = " COORDINATOR "\n"
	    "database = state.db\n"
	    "rules = %s\n"
	    "templates = %s\n"
	    "%s"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "username = " PROGRAM_ADDR "\n"
	    "password_file = imap.password\n"
	    "%s%s", f->rules != NULL ? f->rules : rules,
	    f->templates != NULL ? f->templates : templates, program,
	    eligibility != NULL ?
	    "[eligibility]\n" : "", eligibility != NULL ? eligibility : "");
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	g_free(path);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0)
		fail_msg("db_open_copy: %s", cause);
	now = clock_now();
	if (program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("program_open: %s", cause);
	g_date_time_unref(now);
	g_free(text);
	g_free(rules);
	g_free(templates);
	g_free(cwd);
}

/*
 * Give the program a copy of the shipped `name` directory ("rules" or
 * "templates") in the test's own directory, for the test to change; its
 * path is returned (the fixture frees it) and used by start().
 */
static char *
own_copy(struct fixture *f, const char *name)
{
	GDir		*d;
	const char	*entry;
	char		*to, *src, *dst, *text;
	gsize		 len;

	to = g_build_filename(f->dir, name, NULL);
	if (g_mkdir(to, 0700) != 0 || (d = g_dir_open(name, 0, NULL)) == NULL)
		fail_msg("cannot copy %s", name);
	while ((entry = g_dir_read_name(d)) != NULL) {
		src = g_build_filename(name, entry, NULL);
		dst = g_build_filename(to, entry, NULL);
		if (!g_file_get_contents(src, &text, &len, NULL) ||
		    !g_file_set_contents(dst, text, (gssize)len, NULL))
			fail_msg("cannot copy %s", src);
		g_free(text);
		g_free(src);
		g_free(dst);
	}
	g_dir_close(d);
	return to;
}

/* Replace the first `old` by `new` in file `name` of a copied directory. */
static void
replace_in(const char *dir, const char *name, const char *old,
    const char *new)
{
	char	*path = g_build_filename(dir, name, NULL), *text, *at, *out;

	if (!g_file_get_contents(path, &text, NULL, NULL) ||
	    (at = strstr(text, old)) == NULL)
		fail_msg("no \"%s\" in %s", old, path);
	*at = '\0';
	out = g_strconcat(text, new, at + strlen(old), NULL);
	if (!put_file(path, out))
		fail_msg("cannot write %s", path);
	g_free(out);
	g_free(text);
	g_free(path);
}

/* Append `text` to file `name` of a copied directory. */
static void
append_to(const char *dir, const char *name, const char *text)
{
	char	*path = g_build_filename(dir, name, NULL), *old, *new;

	if (!g_file_get_contents(path, &old, NULL, NULL))
		fail_msg("cannot read %s", path);
	new = g_strconcat(old, text, NULL);
	if (!put_file(path, new))
		fail_msg("cannot write %s", path);
	g_free(new);
	g_free(old);
	g_free(path);
}

/* Delivering: what intake.c does with one message it fetched. */

static void
clock_now_into(struct program *prog)
{
	GDateTime	*now = clock_now();

	program_set_clock(prog, now);
	g_date_time_unref(now);
}

/*
 * Record `raw` as intake_message() and intake_store() do, in a
 * transaction of its own, and hand it to process_message.  Returns the
 * message's id, or 0 when it was a copy of one recorded already.
 */
static int64_t
deliver_as_run(struct fixture *f, const char *raw, size_t len, int *rc,
    int *failed)
{
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*hash, *now, *mime_cause = NULL, *cause = NULL;
	int64_t			 id = 0, original;

	/* Each delivery is a run of its own, at the clock's time. */
	clock_now_into(f->prog);
	now = clock_now_iso();
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)raw, len);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = ++f->uid, .internaldate = now, .raw = raw, .size = len,
	    .hash = hash, .recorded_at = now };
	if (mime_parse(raw, len, &msg, &mime_cause) != 0)
		msg = NULL;
	/* As intake.c judges it: automatic, our own, or a person's. */
	intake_describe(f->cfg, &r, msg, mime_cause);

	if (db_begin(f->db, &cause) != 0)
		fail_msg("db_begin: %s", cause);
	original = state_message_original(f->db, &r, &cause);
	if (original < 0)
		fail_msg("state_message_original: %s", cause);
	if (original > 0) {
		if (state_duplicate_add(f->db, &r, original, &cause) != 0)
			fail_msg("state_duplicate_add: %s", cause);
	} else {
		if (state_message_add(f->db, &r, &id, &cause) != 0)
			fail_msg("state_message_add: %s", cause);
		*rc = process_message(f->prog, id, &r, msg, failed, &cause);
		g_clear_pointer(&cause, g_free);
	}
	/* As intake does: a failure of the database undoes the batch. */
	if (*rc != 0)
		db_rollback(f->db);
	else if (db_commit(f->db, &cause) != 0)
		fail_msg("db_commit: %s", cause);

	mime_msg_free(msg);
	g_free(mime_cause);
	g_free(hash);
	g_free(now);
	return id;
}

/* deliver_as_run, which must handle the message or mark it failed. */
static int64_t
deliver_raw(struct fixture *f, const char *raw, size_t len)
{
	int64_t	id;
	int	rc = 0;

	id = deliver_as_run(f, raw, len, &rc, NULL);
	if (rc != 0)
		fail_msg("process_message: %d", rc);
	return id;
}

static int64_t
deliver(struct fixture *f, const char *text)
{
	return deliver_raw(f, text, strlen(text));
}

static int64_t
deliver_file(struct fixture *f, const char *path)
{
	char	*raw;
	gsize	 len;
	int64_t	 id;

	if (!g_file_get_contents(path, &raw, &len, NULL))
		fail_msg("cannot read %s", path);
	id = deliver_raw(f, raw, len);
	g_free(raw);
	return id;
}

/* What the database says. */

/* A count or an id: the first column of the first row, 0 for none. */
static int64_t
query_int(struct fixture *f, const char *sql)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, sql, "");
	if (found < 0)
		fail_msg("query failed: %s", sql);
	return n;
}

/* As query_int, with `id` for the one '?'. */
static int64_t
query_int_of(struct fixture *f, const char *sql, int64_t id)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, sql, "i", id);
	if (found < 0)
		fail_msg("query failed: %s", sql);
	return n;
}

/* The first column of the first row as text (NULL for none).  Caller frees. */
static char *
query_text(struct fixture *f, const char *sql, int64_t id)
{
	char	*v = NULL;

	if (db_query(f->db, NULL, copy_text, &v, sql, "i", id) < 0)
		fail_msg("query failed: %s", sql);
	return v;
}

/* As query_text, with the text `arg` for the one '?'. */
static char *
query_text_t(struct fixture *f, const char *sql, const char *arg)
{
	char	*v = NULL;

	if (db_query(f->db, NULL, copy_text, &v, sql, "t", arg) < 0)
		fail_msg("query failed: %s", sql);
	return v;
}

static void
assert_text(char *got, const char *want)
{
	if (want == NULL && got != NULL)
		fail_msg("\"%s\", not NULL", got);
	if (want != NULL && got == NULL)
		fail_msg("NULL, not \"%s\"", want);
	if (want != NULL)
		assert_string_equal(got, want);
	g_free(got);
}

static int64_t
outbox_count(struct fixture *f)
{
	return query_int(f, "SELECT count(*) FROM outbox");
}

static int64_t
participant_count(struct fixture *f)
{
	return query_int(f, "SELECT count(*) FROM participant");
}

/* The participant with address `email`, or 0. */
static int64_t
participant_of(struct fixture *f, const char *email)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, "SELECT id FROM participant "
	    "WHERE email = ?", "t", email);
	if (found < 0)
		fail_msg("query failed");
	return n;
}

static char *
status_of(struct fixture *f, const char *email)
{
	return query_text_t(f, "SELECT status FROM participant WHERE "
	    "email = ?", email);
}

static char *
field_of(struct fixture *f, const char *email, const char *name)
{
	char	*v = NULL;

	if (db_query(f->db, NULL, copy_text, &v, "SELECT value FROM "
	    "participant_field f JOIN participant p ON p.id = f.participant "
	    "WHERE p.email = ? AND f.name = ?", "tt", email, name) < 0)
		fail_msg("reading %s of %s failed", name, email);
	return v;
}

static char *
kind_of(struct fixture *f, int64_t message)
{
	return query_text(f, "SELECT kind FROM message WHERE id = ?", message);
}

/* A mail in the outbox, read back and decoded as its recipient would. */
struct sent {
	int64_t		 id;
	char		*kind;
	char		*to;
	char		*message_id;
	int64_t		 message;	/* the inbound message it answers */
	struct mime_msg	*mail;
};

static void
sent_free(struct sent *s)
{
	g_free(s->kind);
	g_free(s->to);
	g_free(s->message_id);
	mime_msg_free(s->mail);
}

/* The `n`th mail queued (from 0). */
static void
sent(struct fixture *f, int n, struct sent *s)
{
	struct outbox_mail	*m;
	char			*cause = NULL;

	memset(s, 0, sizeof *s);
	s->id = db_query_int(f->db, NULL, NULL, "SELECT id FROM outbox "
	    "ORDER BY id LIMIT 1 OFFSET ?", "i", (int64_t)n);
	if (s->id <= 0 || state_outbox_get(f->db, s->id, &m, &cause) != 1)
		fail_msg("no mail %d in the outbox", n);
	s->kind = g_strdup(m->kind);
	s->to = g_strdup(m->to_addr);
	s->message_id = g_strdup(m->message_id);
	s->message = query_int_of(f, "SELECT coalesce(message, 0) FROM "
	    "outbox WHERE id = ?", s->id);
	if (mime_parse(m->raw, m->len, &s->mail, &cause) != 0)
		fail_msg("our own mail cannot be read: %s", cause);
	assert_non_null(s->mail->text);
	state_outbox_free(m);
}

/* The one mail queued, which must be a `kind` to `to` answering `message`. */
static void
only_reply(struct fixture *f, const char *kind, const char *to,
    int64_t message, struct sent *s)
{
	assert_int_equal(outbox_count(f), 1);
	sent(f, 0, s);
	assert_string_equal(s->kind, kind);
	assert_string_equal(s->to, to);
	assert_int_equal(s->message, message);
}

/*
 * The lines of `text` after the first one holding `heading`, up to the
 * next blank line, joined by "\n".  Caller frees.
 */
static char *
section(const char *text, const char *heading)
{
	char	**lines;
	GString	 *s = g_string_new(NULL);
	size_t	   i;

	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && strstr(lines[i], heading) == NULL; i++)
		;
	if (lines[i] == NULL)
		fail_msg("no \"%s\" in:\n%s", heading, text);
	for (i++; lines[i] != NULL && *lines[i] == '\0'; i++)
		;
	for (; lines[i] != NULL && *lines[i] != '\0'; i++)
		g_string_append_printf(s, "%s\n", lines[i]);
	g_strfreev(lines);
	return g_string_free(s, FALSE);
}

/*
 * The example line the receipt offers to fill in for a missing field:
 * the first line holding `needle` and ending in ": ...", without its
 * indentation and the " ..." after its colon.  Caller frees.
 */
static char *
hint_for(const char *text, const char *needle)
{
	char	**lines, *hint = NULL, *line;
	size_t	  i;

	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL && hint == NULL; i++) {
		line = g_strchug(lines[i]);
		if (strstr(line, needle) != NULL &&
		    g_str_has_suffix(line, ": ..."))
			hint = g_strndup(line, strlen(line) - 4);
	}
	g_strfreev(lines);
	if (hint == NULL)
		fail_msg("no line \"...%s...: ...\" to fill in:\n%s", needle,
		    text);
	return hint;
}

/* Applications. */

static void
test_clean_application(void **state)
{
	struct fixture	*f = *state;
	const char	*dana = "dana.whitfield@ccpls.example.org";
	struct sent	 s;
	int64_t		 m, pid;
	char		*understood;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");

	assert_int_equal(participant_count(f), 1);
	pid = participant_of(f, dana);
	assert_true(pid > 0);
	assert_text(status_of(f, dana), "applied");
	assert_text(field_of(f, dana, "role"), "mentee");
	assert_text(field_of(f, dana, "library"),
	    "Campbell County Public Library System");
	assert_text(kind_of(f, m), "application");
	assert_int_equal(query_int_of(f, "SELECT participant FROM message "
	    "WHERE id = ?", m), pid);
	/* Every field is history, and came with this message. */
	assert_int_equal(query_int_of(f, "SELECT count(*) FROM "
	    "participant_change WHERE message = ?", m),
	    query_int_of(f, "SELECT count(*) FROM participant_field WHERE "
	    "participant = ?", pid));
	assert_true(query_int_of(f, "SELECT count(*) FROM participant_field "
	    "WHERE participant = ?", pid) >= 15);

	only_reply(f, "receipt", dana, m, &s);
	assert_string_equal(s.mail->in_reply_to,
	    "20260113161422.4821@ccpls.example.org");
	assert_contains(s.mail->references,
	    "20260113161422.4821@ccpls.example.org");
	assert_string_equal(s.mail->from_addr, PROGRAM_ADDR);
	assert_string_equal(s.mail->message_id, s.message_id);
	/* Marked as an automatic reply, so that robots do not answer it. */
	assert_non_null(s.mail->auto_reason);
	assert_contains(s.mail->subject, PROGRAM_NAME);
	assert_contains(s.mail->text, "Dear Dana Whitfield,");
	understood = section(s.mail->text, "understood");
	assert_contains(understood,
	    ": Campbell County Public Library System\n");
	assert_contains(understood, ": Dana Whitfield\n");
	g_free(understood);
	assert_lacks(s.mail->text, "missing");
	sent_free(&s);
}

/*
 * Outside the intake window ([calendar] intake_opens .. intake_closes) a
 * complete application waits for the next opening, and its receipt says
 * when that is; inside it, it joins the pool.  (The clock says 14 March.)
 */
static void
test_application_while_intake_is_closed(void **state)
{
	struct fixture	*f = *state;
	const char	*dana = "dana.whitfield@ccpls.example.org";
	struct sent	 s;

	start(f, "forms = wyoming\n[calendar]\nintake_opens = 09-01\n"
	    "intake_closes = 09-30\n", NULL);
	deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");
	assert_text(status_of(f, dana), "waiting");
	sent(f, 0, &s);
	assert_string_equal(s.kind, "receipt");
	assert_contains(s.mail->text, "Applications for the next cycle open "
	    "on\n1 September 2026");
	sent_free(&s);
}

static void
test_application_while_intake_is_open(void **state)
{
	struct fixture	*f = *state;
	const char	*dana = "dana.whitfield@ccpls.example.org";
	struct sent	 s;

	/* Open from November to the end of March: over the new year. */
	start(f, "forms = wyoming\n[calendar]\nintake_opens = 11-01\n"
	    "intake_closes = 03-31\n", NULL);
	deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");
	assert_text(status_of(f, dana), "applied");
	sent(f, 0, &s);
	assert_lacks(s.mail->text, "next cycle");
	sent_free(&s);
}

static void
test_incomplete_application_names_what_is_missing(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;
	char		*missing;

	start(f, "forms = wvls\n", NULL);
	m = deliver_file(f, APPLICATIONS "wv05-mentee-missing-years.eml");

	assert_int_equal(participant_count(f), 1);
	assert_text(status_of(f, ALLISON), "incomplete");
	assert_text(field_of(f, ALLISON, "years_experience"), NULL);
	assert_text(kind_of(f, m), "application");

	only_reply(f, "receipt", ALLISON, m, &s);
	assert_string_equal(s.mail->in_reply_to,
	    "87o7h3k2x1.fsf@tomahawklibrary.example.org");
	missing = section(s.mail->text, "missing");
	assert_contains(missing, "- Years of");
	assert_contains(missing, "experience\n");
	assert_lacks(missing, "Name");
	g_free(missing);
	/* And a line to send back. */
	g_free(hint_for(s.mail->text, "experience"));
	sent_free(&s);
}

static void
test_both_roles_ticked_is_unclear(void **state)
{
	struct fixture	*f = *state;
	const char	*cody = "clindqvist@example.com";
	struct sent	 s;
	int64_t		 m;
	char		*unclear;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_file(f, APPLICATIONS "wy07-ambiguous-both-roles.eml");

	assert_text(status_of(f, cody), "incomplete");
	assert_text(field_of(f, cody, "role"), NULL);
	assert_text(field_of(f, cody, "name"), "Cody Lindqvist");
	only_reply(f, "receipt", cody, m, &s);
	unclear = section(s.mail->text, "not clear");
	assert_contains(unclear, "role");
	assert_contains(unclear, "mentee");
	assert_contains(unclear, "mentor");
	g_free(unclear);
	sent_free(&s);
}

/* Corrections. */

/*
 * Allison answers her receipt with the line it offered, filled in:
 * "Years of experience: 1".  Returns the reply's id.
 */
static int64_t
answer_receipt(struct fixture *f, const char *from, int threaded)
{
	struct sent	 receipt;
	char		*hint, *mail;
	int64_t		 id;

	sent(f, 0, &receipt);
	hint = hint_for(receipt.mail->text, "experience");
	if (threaded)
		mail = g_strdup_printf("From: Allison Krueger <%s>\n"
		    "To: " PROGRAM_NAME " <" PROGRAM_ADDR ">\n"
		    "Subject: Re: %s\n"
		    "Date: Sat, 14 Mar 2026 09:12:00 -0500\n"
		    "Message-ID: <reply-years.1@tomahawklibrary.example.org>\n"
		    "In-Reply-To: <%s>\n"
		    "References: <87o7h3k2x1.fsf@tomahawklibrary.example.org> "
		    "<%s>\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: text/plain; charset=us-ascii\n"
		    "\n"
		    "%s 1\n", from, receipt.mail->subject, receipt.message_id,
		    receipt.message_id, hint);
	else
		mail = g_strdup_printf("From: Allison Krueger <%s>\n"
		    "To: " PROGRAM_NAME " <" PROGRAM_ADDR ">\n"
		    "Subject: my years\n"
		    "Date: Sat, 14 Mar 2026 09:12:00 -0500\n"
		    "Message-ID: <reply-years.1@tomahawklibrary.example.org>\n"
		    "MIME-Version: 1.0\n"
		    "Content-Type: text/plain; charset=us-ascii\n"
		    "\n"
		    "%s 1\n", from, hint);
	id = deliver(f, mail);
	g_free(mail);
	g_free(hint);
	sent_free(&receipt);
	return id;
}

/* What the correction changed and what the second receipt says. */
static void
assert_corrected(struct fixture *f, const char *applicant, int64_t reply)
{
	struct sent	 first, second;
	char		*understood, *text;

	assert_int_equal(participant_count(f), 1);
	assert_text(field_of(f, applicant, "years_experience"), "1");
	assert_text(field_of(f, applicant, "name"), "Allison Krueger");
	assert_text(field_of(f, applicant, "library"),
	    "Tomahawk Public Library");
	assert_text(status_of(f, applicant), "applied");
	assert_text(kind_of(f, reply), "application");
	assert_int_equal(query_int_of(f, "SELECT participant FROM message "
	    "WHERE id = ?", reply), participant_of(f, applicant));

	/* The change, with the message that made it: and nothing else. */
	text = query_text(f, "SELECT field || '|' || coalesce(old_value, "
	    "'NULL') || '|' || new_value FROM participant_change WHERE "
	    "message = ?", reply);
	assert_text(text, "years_experience|NULL|1");
	assert_int_equal(query_int_of(f, "SELECT count(*) FROM "
	    "participant_change WHERE message = ?", reply), 1);

	/* A second receipt, in the reply's thread, saying it is an update. */
	assert_int_equal(outbox_count(f), 2);
	sent(f, 0, &first);
	sent(f, 1, &second);
	assert_string_equal(second.kind, "receipt");
	assert_string_equal(second.to, first.to);
	assert_int_equal(second.message, reply);
	assert_string_equal(second.mail->in_reply_to,
	    "reply-years.1@tomahawklibrary.example.org");
	assert_string_not_equal(second.mail->subject, first.mail->subject);
	assert_true(strstr(second.mail->subject, "update") != NULL ||
	    strstr(second.mail->subject, "Update") != NULL);
	assert_contains(second.mail->text, "update");
	understood = section(second.mail->text, "understood");
	assert_contains(understood, "experience: 1\n");
	g_free(understood);
	assert_lacks(second.mail->text, "missing");
	sent_free(&first);
	sent_free(&second);
}

static void
test_correction_by_reply_to_receipt(void **state)
{
	struct fixture	*f = *state;
	int64_t		 reply;

	start(f, "forms = wvls\n", NULL);
	deliver_file(f, APPLICATIONS "wv05-mentee-missing-years.eml");
	assert_text(status_of(f, ALLISON), "incomplete");

	reply = answer_receipt(f, ALLISON, 1);
	assert_corrected(f, ALLISON, reply);
}

/* Out of the thread, from an applicant whose application is incomplete. */
static void
test_correction_from_incomplete_applicant(void **state)
{
	struct fixture	*f = *state;
	int64_t		 reply;

	start(f, "forms = wvls\n", NULL);
	deliver_file(f, APPLICATIONS "wv05-mentee-missing-years.eml");
	reply = answer_receipt(f, ALLISON, 0);
	assert_corrected(f, ALLISON, reply);
}

/*
 * She applied from her home address, giving her library address in the
 * form: the receipt went to her home address, and she answers it from
 * there.  The reply is to her receipt: it corrects her application.
 */
static void
test_correction_from_the_address_the_receipt_went_to(void **state)
{
	struct fixture	*f = *state;
	const char	*home = "allison.k@home.example.net";
	struct sent	 receipt;
	int64_t		 application, reply;

	start(f, "forms = wvls\n", NULL);
	application = deliver(f,
	    "From: Allison Krueger <allison.k@home.example.net>\n"
	    "To: WVLS Mentoring <" PROGRAM_ADDR ">\n"
	    "Subject: Mentoring program - Tomahawk\n"
	    "Date: Fri, 13 Mar 2026 11:19:44 -0500\n"
	    "Message-ID: <87o7h3k2x1.fsf@tomahawklibrary.example.org>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "\n"
	    "WVLS Mentoring Program Application\n"
	    "Applying as:  ( ) Mentor   (x) Mentee\n"
	    "Name: Allison Krueger\n"
	    "Library: Tomahawk Public Library\n"
	    "Position: Interim Director\n"
	    "Email: " ALLISON "\n"
	    "Mentees - Years of administrative experience:\n");
	assert_int_equal(participant_count(f), 1);
	assert_text(status_of(f, ALLISON), "incomplete");
	only_reply(f, "receipt", home, application, &receipt);
	sent_free(&receipt);

	reply = answer_receipt(f, home, 1);
	if (participant_of(f, home) != 0)
		fail_msg("the reply to %s's receipt made a new participant, "
		    "%s, instead of correcting her application", ALLISON,
		    home);
	assert_corrected(f, ALLISON, reply);
}

/* The same application again, changing nothing: an update, no change. */
static void
test_same_application_again(void **state)
{
	struct fixture	*f = *state;
	const char	*dana = "dana.whitfield@ccpls.example.org";
	struct sent	 second;
	char		*raw, *again;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");
	if (!g_file_get_contents(APPLICATIONS "wy01-mentee-clean.eml", &raw,
	    NULL, NULL))
		fail_msg("cannot read wy01");
	/* Sent again: a new message, with a Message-ID of its own. */
	again = g_strdup(raw);
	memcpy(strstr(again, "<20260113161422.4821@"), "<20260113161422.4822@",
	    strlen("<20260113161422.4822@"));
	m = deliver(f, again);
	assert_true(m > 0);

	assert_int_equal(participant_count(f), 1);
	assert_text(status_of(f, dana), "applied");
	assert_int_equal(query_int_of(f, "SELECT count(*) FROM "
	    "participant_change WHERE message = ?", m), 0);
	assert_int_equal(outbox_count(f), 2);
	sent(f, 1, &second);
	assert_string_equal(second.kind, "receipt");
	assert_string_equal(second.mail->in_reply_to,
	    "20260113161422.4822@ccpls.example.org");
	assert_contains(second.mail->text, "update");
	sent_free(&second);
	g_free(again);
	g_free(raw);
}

/* The very same message met again (a copy): recorded once, answered once. */
static void
test_copy_is_answered_once(void **state)
{
	struct fixture	*f = *state;

	start(f, "forms = wyoming\n", NULL);
	assert_true(deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml") > 0);
	assert_int_equal(deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml"),
	    0);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(participant_count(f), 1);
}

/* Eligibility. */

#define WVLS_EXPERIENCE							\
	"mentor.experience = years_experience >= 2 because "		\
	"mentors need at least two years of relevant experience\n"

static const char jordan[] =
    "From: Jordan Reyes <" JORDAN ">\n"
    "To: " PROGRAM_NAME " <" PROGRAM_ADDR ">\n"
    "Subject: Mentor application\n"
    "Date: Wed, 4 Feb 2026 10:02:00 -0600\n"
    "Message-ID: <mentor-one-year.1@rhinelanderlibrary.example.org>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "WVLS Mentoring Program Application\n"
    "Applying as:  (x) Mentor   ( ) Mentee\n"
    "Name: Jordan Reyes\n"
    "Library: Rhinelander District Library\n"
    "Position: Adult Services Librarian\n"
    "Email: " JORDAN "\n"
    "Mentors - Years of relevant experience: 1\n"
    "Mentors - What expertise would you like to share?\n"
    "Adult programming on a small budget.\n";

static void
test_ineligible_applicant_gets_the_reasons(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;
	char		*reason;

	start(f, "forms = wvls\n", WVLS_EXPERIENCE);
	m = deliver(f, jordan);

	assert_text(status_of(f, JORDAN), "ineligible");
	reason = query_text_t(f, "SELECT reason FROM participant WHERE "
	    "email = ?", JORDAN);
	assert_contains(reason,
	    "mentors need at least two years of relevant experience");
	g_free(reason);
	assert_text(kind_of(f, m), "application");

	only_reply(f, "ineligible", JORDAN, m, &s);
	assert_string_equal(s.mail->in_reply_to,
	    "mentor-one-year.1@rhinelanderlibrary.example.org");
	assert_contains(s.mail->text, "Dear Jordan Reyes,");
	assert_contains(s.mail->text,
	    "mentors need at least two years of relevant experience");
	assert_contains(s.mail->text, "(your application says 1)");
	assert_lacks(s.mail->text, "This is what we understood");
	sent_free(&s);
}

/* Told why, he answers the reply with the right figure: judged again. */
static void
test_ineligible_applicant_corrects_the_answer(void **state)
{
	struct fixture	*f = *state;
	struct sent	 refusal, receipt;
	char		*mail;
	int64_t		 reply;

	start(f, "forms = wvls\n", WVLS_EXPERIENCE);
	deliver(f, jordan);
	sent(f, 0, &refusal);
	mail = g_strdup_printf("From: Jordan Reyes <" JORDAN ">\n"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: Re: %s\n"
	    "Message-ID: <mentor-one-year.2@rhinelanderlibrary.example.org>\n"
	    "In-Reply-To: <%s>\n"
	    "\n"
	    "Sorry, my mistake:\n"
	    "Years of relevant experience: 3\n", refusal.mail->subject,
	    refusal.message_id);
	reply = deliver(f, mail);
	g_free(mail);

	assert_int_equal(participant_count(f), 1);
	assert_text(field_of(f, JORDAN, "years_experience"), "3");
	assert_text(status_of(f, JORDAN), "applied");
	assert_text(query_text_t(f, "SELECT reason FROM participant WHERE "
	    "email = ?", JORDAN), NULL);
	assert_int_equal(outbox_count(f), 2);
	sent(f, 1, &receipt);
	assert_string_equal(receipt.kind, "receipt");
	assert_string_equal(receipt.to, JORDAN);
	assert_int_equal(receipt.message, reply);
	assert_contains(receipt.mail->text, "update");
	sent_free(&receipt);
	sent_free(&refusal);
}

/* The same conditions, met: a receipt, and applied. */
static void
test_eligible_applicant_gets_a_receipt(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	char		*mail;
	int64_t		 m;

	start(f, "forms = wvls\n", WVLS_EXPERIENCE);
	mail = g_strjoin("", "From: Jordan Reyes <" JORDAN ">\n"
	    "Subject: Mentor application\n"
	    "Message-ID: <mentor-five-years.1@rhinelanderlibrary.example.org>\n"
	    "\n"
	    "WVLS Mentoring Program Application\n"
	    "Applying as:  (x) Mentor   ( ) Mentee\n"
	    "Name: Jordan Reyes\n"
	    "Library: Rhinelander District Library\n"
	    "Email: " JORDAN "\n"
	    "Mentors - Years of relevant experience: 5\n", NULL);
	m = deliver(f, mail);
	g_free(mail);
	assert_text(status_of(f, JORDAN), "applied");
	only_reply(f, "receipt", JORDAN, m, &s);
	sent_free(&s);
}

/*
 * A reply whose In-Reply-To is no mail of ours that we know (the same
 * stored mail handled again into a fresh database answers under new
 * Message-IDs) is still in the receipt's thread: its References name
 * the application the receipt answered.
 */
static void
test_thread_found_by_the_message_answered(void **state)
{
	struct fixture	*f = *state;
	char		*mail;
	int64_t		 reply;

	start(f, "forms = wvls\n", WVLS_EXPERIENCE);
	mail = g_strjoin("", "From: Jordan Reyes <" JORDAN ">\n"
	    "Subject: Mentor application\n"
	    "Message-ID: <mentor-five.1@rhinelanderlibrary.example.org>\n"
	    "\n"
	    "WVLS Mentoring Program Application\n"
	    "Applying as:  (x) Mentor   ( ) Mentee\n"
	    "Name: Jordan Reyes\n"
	    "Library: Rhinelander District Library\n"
	    "Email: " JORDAN "\n"
	    "Mentors - Years of relevant experience: 5\n", NULL);
	deliver(f, mail);
	g_free(mail);
	assert_text(status_of(f, JORDAN), "applied");
	reply = deliver(f, "From: Jordan Reyes <" JORDAN ">\n"
	    "Subject: Re: Your application\n"
	    "Message-ID: <mentor-five.2@rhinelanderlibrary.example.org>\n"
	    "In-Reply-To: <an-older-receipt@example.org>\n"
	    "References: <mentor-five.1@rhinelanderlibrary.example.org>\n"
	    "\t<an-older-receipt@example.org>\n"
	    "\n"
	    "Years of relevant experience: 7\n");
	assert_text(kind_of(f, reply), "application");
	assert_text(field_of(f, JORDAN, "years_experience"), "7");
	assert_int_equal(participant_count(f), 1);
}

/*
 * A mentor who gives no years of experience is not passed by a condition
 * on them: the application is incomplete, and the receipt asks for the
 * years; once given, the condition judges them.
 */
static void
test_condition_on_absent_field_asks_for_it(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	char		*mail, *missing;

	start(f, "forms = wvls\n", WVLS_EXPERIENCE);
	mail = g_strjoin("", "From: Jordan Reyes <" JORDAN ">\n"
	    "Subject: Mentor application\n"
	    "Message-ID: <mentor-no-years.1@rhinelanderlibrary.example.org>\n"
	    "\n"
	    "WVLS Mentoring Program Application\n"
	    "Applying as:  (x) Mentor   ( ) Mentee\n"
	    "Name: Jordan Reyes\n"
	    "Library: Rhinelander District Library\n"
	    "Email: " JORDAN "\n", NULL);
	deliver(f, mail);
	g_free(mail);

	assert_text(status_of(f, JORDAN), "incomplete");
	sent(f, 0, &s);
	assert_string_equal(s.kind, "receipt");
	missing = section(s.mail->text, "missing");
	assert_contains(missing, "Years of");
	g_free(missing);
	g_free(hint_for(s.mail->text, "experience"));
	sent_free(&s);

	mail = g_strjoin("", "From: Jordan Reyes <" JORDAN ">\n"
	    "Subject: Re: my application\n"
	    "Message-ID: <mentor-no-years.2@rhinelanderlibrary.example.org>\n"
	    "\n"
	    "Years of relevant experience: 1\n", NULL);
	deliver(f, mail);
	g_free(mail);
	assert_text(status_of(f, JORDAN), "ineligible");
}

/*
 * A condition or a shown field on a field the active forms never ask
 * would keep everyone incomplete or show nothing, and an attachment that
 * is not there would fail every introduction: the program does not
 * start, and says where the configuration names it.
 */
static void
test_config_names_only_fields_the_forms_ask(void **state)
{
	static const struct {
		const char	*program;
		const char	*rest;
		const char	*what;		/* on line 14, or 9 */
	} cases[] = {
		{ "forms = wyoming\n", "[eligibility]\n"
		    "mentor.near = region = Park\n",
		    "mentormail.conf:14: [eligibility] mentor.near: the form in "
		    "use (wyoming) does not ask for \"region\"" },
		{ "forms = wyoming; cla\n",
		    "[matching]\nshow = name; match_preference\n",
		    "mentormail.conf:14: [matching] show: the forms in use "
		    "(wyoming, cla) do not ask for \"match_preference\"" },
		{ "forms = cla\nrequired = role, name, supervisor_ok\n", "",
		    "mentormail.conf:9: [program] required: the form in use "
		    "(cla) does not ask for \"supervisor_ok\"" },
		{ "forms = cla\n", "[matching]\nattachments = agenda.txt\n",
		    "mentormail.conf:14: [matching] attachments: no file "
		    "\"agenda.txt\" can be read in " },
	};
	struct fixture	*f = *state;
	struct config	*cfg;
	struct program	*prog = NULL;
	GDateTime	*now = clock_now();
	char		*path, *text, *cause = NULL, *cwd = g_get_current_dir();
	size_t		 i;

	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		text = g_strdup_printf("[program]\n"
		    "name = " PROGRAM_NAME "\n"
		    "address = " PROGRAM_ADDR "\n"
		    "coordinators = " COORDINATOR "\n"
		    "database = state.db\n"
		    "rules = %s/rules\n"
		    "templates = %s/templates\n"
		    "%s"
		    "[imap]\n"
		    "host = imap.example.org\n"
		    "username = " PROGRAM_ADDR "\n"
		    "password_file = imap.password\n"
		    "%s", cwd, cwd, cases[i].program, cases[i].rest);
		cfg = config_from_text(path, text);
		assert_int_equal(program_open(cfg, NULL, now, &prog, &cause),
		    -1);
		assert_null(prog);
		assert_contains(cause, cases[i].what);
		g_clear_pointer(&cause, g_free);
		config_free(cfg);
		g_free(text);
	}
	g_free(path);
	g_free(cwd);
	g_date_time_unref(now);
}

/* Mail that is never answered. */

static void
assert_nothing_done(struct fixture *f, int64_t m)
{
	assert_int_equal(outbox_count(f), 0);
	assert_int_equal(participant_count(f), 0);
	assert_text(kind_of(f, m), NULL);
}

static void
test_auto_reply_is_not_answered(void **state)
{
	struct fixture	*f = *state;
	char		*outcome;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_file(f, MIME "auto-replied.eml");
	outcome = query_text(f, "SELECT outcome FROM message WHERE id = ?", m);
	assert_text(outcome, "automatic");
	assert_nothing_done(f, m);
}

static void
test_unparseable_is_not_answered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_file(f, MIME "garbage.eml");
	assert_text(query_text(f, "SELECT outcome FROM message WHERE id = ?",
	    m), "unparseable");
	assert_nothing_done(f, m);
}

static void
test_mail_without_sender_is_not_answered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	m = deliver(f,
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: When will I be matched?\n"
	    "Message-ID: <no-from.1@example.org>\n"
	    "\n"
	    "When will I be matched with a mentor?\n");
	assert_text(query_text(f, "SELECT outcome FROM message WHERE id = ?",
	    m), "decoded");
	assert_text(query_text(f, "SELECT from_addr FROM message WHERE "
	    "id = ?", m), NULL);
	assert_nothing_done(f, m);
}

/*
 * Our own mail come back (a copy, a loop): intake records it as automatic
 * and process_message, given it, does nothing, though it reads as an
 * application.
 */
static void
test_own_mail_is_not_answered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f, "forms = wvls\n", NULL);
	m = deliver(f,
	    "From: " PROGRAM_NAME " <Mentoring@Example.org>\n"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: Mentor application\n"
	    "Message-ID: <own.1@example.org>\n"
	    "\n"
	    "WVLS Mentoring Program Application\n"
	    "Applying as:  (x) Mentor   ( ) Mentee\n"
	    "Name: Jordan Reyes\n"
	    "Library: Rhinelander District Library\n"
	    "Mentors - Years of relevant experience: 5\n");
	assert_text(query_text(f, "SELECT outcome FROM message WHERE id = ?",
	    m), "automatic");
	assert_nothing_done(f, m);
}

/* The one mail queued holds `text`, as sent. */
static void
assert_raw_contains(struct fixture *f, const char *text)
{
	struct outbox_mail	*m;
	int64_t			 id;

	id = query_int(f, "SELECT min(id) FROM outbox");
	assert_int_equal(state_outbox_get(f->db, id, &m, NULL), 1);
	assert_contains(m->raw, text);
	state_outbox_free(m);
}

/* `mail` with "<NUL>" turned into a NUL byte.  Caller frees. */
static GString *
with_nul(const char *mail)
{
	GString		*raw = g_string_new(mail);
	const char	*at;

	while ((at = strstr(raw->str, "<NUL>")) != NULL) {
		gssize	pos = at - raw->str;

		g_string_erase(raw, pos, 5);
		g_string_insert_c(raw, pos, '\0');
	}
	return raw;
}

/* A complete Wyoming application from `from`, with `headers` on top. */
static char *
wyoming_from(const char *from, const char *headers, const char *email)
{
	static int	n;

	return g_strdup_printf("From: %s\n%s"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: Mentoring application\n"
	    "Date: Mon, 2 Feb 2026 10:00:00 -0700\n"
	    "Message-ID: <wy.%d@example.net>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Wyoming Library Association's Mentoring Program Application\n"
	    "\n"
	    "Name: Pat Applicant\n"
	    "%s%s%s"
	    "Library Name: Laramie County Library System\n"
	    "Your current position: Circulation Supervisor\n"
	    "Library Type: Public\n"
	    "\n"
	    "Position you are applying for:\n"
	    "[x] Protégé\n"
	    "[ ] Mentor\n", from, headers, ++n,
	    email != NULL ? "Email Address: " : "",
	    email != NULL ? email : "", email != NULL ? "\n" : "");
}

static int64_t
deliver_wyoming(struct fixture *f, const char *from, const char *headers,
    const char *email)
{
	char	*mail = wyoming_from(from, headers, email);
	int64_t	 m = deliver(f, mail);

	g_free(mail);
	return m;
}

/*
 * A web form service sends the application from its no-reply address,
 * the applicant in Reply-To: the receipt goes to the applicant, by name,
 * and the participant is the address the form gave.
 */
static void
test_form_service_answered_at_reply_to(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_wyoming(f, "Web Forms <noreply@forms.example>",
	    "Reply-To: Pat Applicant <Pat@Example.NET>\n",
	    "pat.work@library.example");
	assert_text(query_text(f, "SELECT outcome FROM message WHERE id = ?",
	    m), "decoded");
	assert_true(participant_of(f, "pat.work@library.example") > 0);
	assert_int_equal(participant_count(f), 1);
	only_reply(f, "receipt", "pat@example.net", m, &s);
	assert_contains(s.mail->text, "Dear Pat Applicant,");
	sent_free(&s);
	assert_raw_contains(f, "To: Pat Applicant <pat@example.net>\r\n");
}

/* Without an address in the form, the participant is the Reply-To. */
static void
test_reply_to_is_the_fallback_address(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	m = deliver_wyoming(f, "Web Forms <noreply@forms.example>",
	    "Reply-To: pat@example.net\n", NULL);
	assert_true(participant_of(f, "pat@example.net") > 0);
	assert_int_equal(participant_of(f, "noreply@forms.example"), 0);
	only_reply(f, "receipt", "pat@example.net", m, &s);
	sent_free(&s);
}

/* The senders RFC 3834 says not to answer, and our own address. */
static void
test_automatic_senders_are_not_answered(void **state)
{
	static const struct {
		const char	*from;
		const char	*headers;
		const char	*why;
	} cases[] = {
		{ "owner-wylib@lists.example", "", "list owner" },
		{ "wylib-request@lists.example", "", "request address" },
		{ "LISTSERV@lists.example", "", "list server" },
		{ "majordomo@lists.example", "", "list server" },
		{ "Postmaster <postmaster@library.example>", "",
		    "mail system" },
		{ "noreply@forms.example", "", "no-reply" },
		{ "no-reply@forms.example", "", "no-reply" },
		{ "donotreply@forms.example", "", "no-reply" },
		{ "bounces+1234-pat=example.net@em.forms.example", "",
		    "bounce" },
		{ "pat@example.net", "X-Loop: " PROGRAM_ADDR "\n", "X-Loop" },
		{ "pat@example.net", "X-Loop: Mentoring+Apply@Example.org\n",
		    "X-Loop" },
		{ "Program <mentoring+apply@example.org>", "",
		    "program address" },
		{ "pat@example.net", "Reply-To: mentoring+x@example.org\n",
		    "program address" },
		{ "pat@example.net", "Reply-To: wylib-request@lists.example\n",
		    "request address" },
	};
	struct fixture	*f = *state;
	char		*why;
	size_t		 i;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		m = deliver_wyoming(f, cases[i].from, cases[i].headers,
		    "pat@example.net");
		assert_text(query_text(f, "SELECT outcome FROM message "
		    "WHERE id = ?", m), "automatic");
		why = query_text(f, "SELECT auto_reason FROM message WHERE "
		    "id = ?", m);
		if (strcasestr(why, cases[i].why) == NULL)
			fail_msg("%s: reason \"%s\", not \"%s\"", cases[i].from,
			    why, cases[i].why);
		g_free(why);
		assert_nothing_done(f, m);
	}
	/* The control: the same from a person is answered. */
	m = deliver_wyoming(f, "pat@example.net", "X-Loop: other@example.org\n",
	    "pat@example.net");
	assert_int_equal(outbox_count(f), 1);
}

/*
 * A NUL or control character in an address is unclear, never cut short:
 * the part before it must not become anybody's address.
 */
static void
test_nul_in_an_address_is_unclear(void **state)
{
	static const char *const tops[] = {
		"From: Pat <pat@example.net<NUL>.evil.example>\n",
		"From: pat@evil.example<NUL>@example.net\n",
		"From: Pat <pat@example.net\001.evil.example>\n",
		"From: Web Forms <noreply@forms.example>\n"
		    "Reply-To: pat@example.net<NUL>.evil.example\n",
		"From: pat@example.net\n"
		    "Reply-To: Pat\n <pat@example.net\033.evil>\n",
	};
	struct fixture	*f = *state;
	GString		*raw;
	char		*body, *mail, *warning;
	size_t		 i;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	body = wyoming_from("x@example.net", "", "pat@example.net");
	for (i = 0; i < G_N_ELEMENTS(tops); i++) {
		mail = g_strconcat(tops[i], strchr(body, '\n') + 1, NULL);
		raw = with_nul(mail);
		m = deliver_raw(f, raw->str, raw->len);
		g_string_free(raw, TRUE);
		g_free(mail);
		warning = query_text(f, "SELECT cause FROM message WHERE "
		    "id = ?", m);
		assert_contains(warning, "holds a NUL or control character");
		g_free(warning);
		assert_nothing_done(f, m);
		assert_int_equal(participant_of(f, "pat@example.net"), 0);
		assert_int_equal(participant_of(f, "pat@evil.example"), 0);
	}
	g_free(body);
}

/* The same in the form's answer: unclear, and the address is the From. */
static void
test_nul_in_the_form_address_is_unclear(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	GString		*raw;
	char		*mail, *unclear;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	mail = wyoming_from("Pat <pat@example.net>", "",
	    "pat@evil.example<NUL>@example.net");
	raw = with_nul(mail);
	g_free(mail);
	m = deliver_raw(f, raw->str, raw->len);
	g_string_free(raw, TRUE);
	assert_int_equal(participant_of(f, "pat@evil.example"), 0);
	assert_true(participant_of(f, "pat@example.net") > 0);
	assert_text(status_of(f, "pat@example.net"), "incomplete");
	only_reply(f, "receipt", "pat@example.net", m, &s);
	unclear = section(s.mail->text, "not clear");
	assert_contains(unclear, "mail");
	g_free(unclear);
	sent_free(&s);
}

/* process_message itself: whatever a message says, automatic is silent. */
static void
test_process_ignores_automatic_outcome(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*raw, *hash, *cause = NULL;
	gsize			 len;
	int64_t			 m;

	start(f, "forms = wyoming\n", NULL);
	if (!g_file_get_contents(APPLICATIONS "wy01-mentee-clean.eml", &raw,
	    &len, NULL))
		fail_msg("cannot read wy01");
	assert_int_equal(mime_parse(raw, len, &msg, NULL), 0);
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)raw, len);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = 1, .message_id = msg->message_id, .internaldate = NOW,
	    .from_addr = msg->from_addr, .from_name = msg->from_name,
	    .subject = msg->subject, .raw = raw, .size = len, .hash = hash,
	    .text = msg->text, .auto_reason = "a test says so",
	    .outcome = "automatic", .recorded_at = NOW };
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(state_message_add(f->db, &r, &m, NULL), 0);
	assert_int_equal(process_message(f->prog, m, &r, msg, NULL, &cause),
	    0);
	assert_null(cause);
	assert_int_equal(db_commit(f->db, NULL), 0);
	assert_nothing_done(f, m);
	mime_msg_free(msg);
	g_free(hash);
	g_free(raw);
}

/* Other mail from people. */

static void
test_question_is_not_understood(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;

	start(f, "forms = cla\n", NULL);
	m = deliver_file(f, OTHER "ot11-question-when-matched.eml");

	assert_text(kind_of(f, m), "other");
	assert_int_equal(participant_count(f), 0);
	only_reply(f, "not-understood", MAI, m, &s);
	assert_string_equal(s.mail->in_reply_to,
	    "c0ffee43-0b1c-4d2e-9f3a-7b8c9d0e1f2a@fresnolibrary.example.org");
	assert_contains(s.mail->subject, "When will I be matched?");
	assert_contains(s.mail->text, "Dear Mai Lee Thao,");
	assert_contains(s.mail->text, COORDINATOR);
	sent_free(&s);
}

static void
test_coordinator_mail_is_not_answered(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f, "forms = cla\n", NULL);
	m = deliver(f,
	    "From: The Coordinator <Coord@Example.org>\n"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: this week\n"
	    "Message-ID: <coord.1@example.org>\n"
	    "\n"
	    "Note to self: look at the new applications on Tuesday.\n");
	assert_text(kind_of(f, m), "other");
	assert_int_equal(outbox_count(f), 0);
}

/* A question from Mai, the `n`th. */
static int64_t
question(struct fixture *f, const char *from, int n)
{
	char	*mail;
	int64_t	 m;

	mail = g_strdup_printf("From: Mai Lee Thao <%s>\n"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: Question %d\n"
	    "Message-ID: <question.%d@fresnolibrary.example.org>\n"
	    "\n"
	    "When will I be matched with a mentor?\n", from, n, n);
	m = deliver(f, mail);
	g_free(mail);
	return m;
}

static void
test_replies_per_day(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	int64_t		 m;
	char		*cause = NULL;

	start(f, "forms = cla\nreplies_per_day = 2\n", NULL);
	question(f, MAI, 1);
	question(f, MAI, 2);
	m = question(f, MAI, 3);
	assert_int_equal(outbox_count(f), 2);
	/* Not answered, but still read. */
	assert_text(kind_of(f, m), "other");

	/* The limit is per address: the next person is answered. */
	question(f, "someone.else@example.org", 4);
	assert_int_equal(outbox_count(f), 3);

	/* Nor does the case of the address get round it. */
	question(f, "MThao@FresnoLibrary.example.org", 5);
	assert_int_equal(outbox_count(f), 3);

	/* A day (and an hour) later, she is answered again. */
	if (clock_set("2026-03-15T16:00:00Z", NULL, &cause) != 0)
		fail_msg("%s", cause);
	m = question(f, MAI, 6);
	assert_int_equal(outbox_count(f), 4);
	sent(f, 3, &s);
	assert_string_equal(s.to, MAI);
	assert_int_equal(s.message, m);
	sent_free(&s);
}

/* Less than a day later, the limit still holds. */
static void
test_replies_per_day_is_24_hours(void **state)
{
	struct fixture	*f = *state;

	start(f, "forms = cla\nreplies_per_day = 1\n", NULL);
	question(f, MAI, 1);
	assert_int_equal(clock_set("2026-03-15T14:59:00Z", NULL, NULL), 0);
	question(f, MAI, 2);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(clock_set("2026-03-15T15:00:00Z", NULL, NULL), 0);
	question(f, MAI, 3);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(clock_set("2026-03-15T15:00:01Z", NULL, NULL), 0);
	question(f, MAI, 4);
	assert_int_equal(outbox_count(f), 2);
}

/* One message never stops the others (process.h). */

/* A Wyoming application from `email` whose goals are `goals`.  Caller frees. */
static char *
application_with_goals(const char *email, const char *goals)
{
	return g_strdup_printf(
	    "From: Pat Tester <%s>\n"
	    "To: " PROGRAM_ADDR "\n"
	    "Subject: Mentoring Program Application\n"
	    "Message-ID: <%s.%u@example.org>\n"
	    "Date: Sat, 14 Mar 2026 10:00:00 -0600\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Wyoming Library Association's Mentoring Program Application\n"
	    "Name: Pat Tester\n"
	    "Email Address: %s\n"
	    "Library Name: Sheridan County Public Library\n"
	    "Your current position: Library Assistant\n"
	    "Library Type: Public\n"
	    "Position you are applying for: [x] Protege [ ] Mentor\n"
	    "Goals: %s\n\n"
	    "Mentor applicants: %s\n", email, email, g_str_hash(goals), email,
	    goals, goals);
}

/* A line of `n` words of goals, about 6 bytes each.  Caller frees. */
static char *
goals_of(size_t n)
{
	GString	*s = g_string_new(NULL);
	size_t	 i;

	for (i = 0; i < n; i++)
		g_string_append(s, i % 2 ? "grant " : "write ");
	return g_string_free(s, FALSE);
}

static void
test_huge_answer_is_cut_and_said(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	char		*goals = goals_of(250000), *text, *kept;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	text = application_with_goals("pat@example.org", goals);
	assert_true(strlen(text) > 1400000);
	m = deliver(f, text);
	kept = field_of(f, "pat@example.org", "goals");
	assert_non_null(kept);
	assert_int_equal(g_utf8_strlen(kept, -1), EXTRACT_FREE_MAX);
	assert_true(g_str_has_prefix(goals, kept));
	only_reply(f, "receipt", "pat@example.org", m, &s);
	assert_contains(s.mail->text, "was cut at 6000 characters");
	/* The reply carries the cut answer, never the whole one. */
	assert_true(strlen(s.mail->text) < 20000);
	sent_free(&s);
	g_free(kept);
	g_free(text);
	g_free(goals);
}

static void
test_very_long_message_is_read_in_part(void **state)
{
	struct fixture	*f = *state;
	struct sent	 s;
	char		*goals = goals_of(100), *text, *pad, *big;
	int64_t		 m;

	start(f, "forms = wyoming\n", NULL);
	text = application_with_goals("lee@example.org", goals);
	pad = g_strnfill(EXTRACT_TEXT_MAX, 'x');
	big = g_strconcat(text, "\n", pad, "\nLibrary Type: Academic\n", NULL);
	m = deliver(f, big);
	/* What lies past the cap is not read. */
	assert_text(field_of(f, "lee@example.org", "library_type"), "public");
	only_reply(f, "receipt", "lee@example.org", m, &s);
	assert_contains(s.mail->text, "we read only its first 256 KB");
	sent_free(&s);
	g_free(big);
	g_free(pad);
	g_free(text);
	g_free(goals);
}

/*
 * A coordinator's receipt that shows each answer a hundred times: a
 * long (but capped) answer makes it outgrow the template engine's limit.
 */
static void
templates_that_fail_on_long_answers(struct fixture *f)
{
	GString	*line = g_string_new("{{#each fields}}\n");
	int	 i;

	for (i = 0; i < 100; i++)
		g_string_append(line, "{{value}}\n");
	g_string_append(line, "{{/each}}\n");
	f->templates = own_copy(f, "templates");
	append_to(f->templates, "receipt.txt", line->str);
	g_string_free(line, TRUE);
}

static void
test_failing_template_fails_only_that_message(void **state)
{
	struct fixture	*f = *state;
	char		*goals = goals_of(2000), *bad, *why;
	int64_t		 a, b, c;
	int		 rc = -1, failed = 0;

	templates_that_fail_on_long_answers(f);
	start(f, "forms = wyoming\n", NULL);
	a = deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");
	bad = application_with_goals("pat@example.org", goals);
	b = deliver_as_run(f, bad, strlen(bad), &rc, &failed);
	assert_int_equal(rc, 0);
	assert_int_equal(failed, 1);
	c = deliver_file(f, APPLICATIONS "wy09-mentee-tribal-cp1252-qp.eml");
	/* The bad one is kept whole and failed, with why; nothing else. */
	assert_text(query_text(f, "SELECT outcome FROM message WHERE id = ?",
	    b), "failed");
	why = query_text(f, "SELECT cause FROM message WHERE id = ?", b);
	assert_contains(why, "receipt");
	assert_contains(why, "1048576 bytes");
	g_free(why);
	assert_int_equal(query_int_of(f, "SELECT length(raw) FROM message "
	    "WHERE id = ?", b), (int64_t)strlen(bad));
	assert_int_equal(participant_of(f, "pat@example.org"), 0);
	assert_int_equal(query_int_of(f, "SELECT count(*) FROM outbox WHERE "
	    "message = ?", b), 0);
	/* The ones around it are handled and answered. */
	assert_text(kind_of(f, a), "application");
	assert_text(kind_of(f, c), "application");
	assert_int_equal(outbox_count(f), 2);
	g_free(bad);
	g_free(goals);
}

static void
test_runaway_pattern_fails_the_message(void **state)
{
	struct fixture	*f = *state;
	char		*bait, *why;
	int64_t		 m;
	int		 rc = -1, failed = 0;

	f->rules = own_copy(f, "rules");
	/* A pattern that backtracks without end on "aaaa...b". */
	replace_in(f->rules, "kinds.rules", "satisfaction survey)\\b\n",
	    "satisfaction survey)\\b|^(a|aa)+$\n");
	start(f, "forms = wyoming\n", NULL);
	bait = g_strdup_printf("From: Sam <sam@example.org>\n"
	    "To: " PROGRAM_ADDR "\nSubject: hello\n"
	    "Message-ID: <bait@example.org>\n\n%s%sb\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	m = deliver_as_run(f, bait, strlen(bait), &rc, &failed);
	assert_int_equal(rc, 0);
	assert_int_equal(failed, 1);
	why = query_text(f, "SELECT cause FROM message WHERE id = ?", m);
	assert_contains(why, "gave up: match limit exceeded");
	g_free(why);
	assert_int_equal(outbox_count(f), 0);
	/* The next message is read as ever. */
	m = deliver_file(f, APPLICATIONS "wy01-mentee-clean.eml");
	assert_text(kind_of(f, m), "application");
	g_free(bait);
}

/*
 * A database that can no longer be written (the disk went read-only, or
 * is full) stops the run: nothing of the batch is kept, and the message
 * is not marked failed, so the next run handles it.
 */
static void
test_database_failure_stops_the_run(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*raw, *hash, *cause = NULL;
	gsize			 len;
	int64_t			 m;
	int			 failed = -1;

	start(f, "forms = wyoming\n", NULL);
	if (!g_file_get_contents(APPLICATIONS "wy01-mentee-clean.eml", &raw,
	    &len, NULL))
		fail_msg("cannot read wy01");
	assert_int_equal(mime_parse(raw, len, &msg, NULL), 0);
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)raw, len);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = 1, .message_id = msg->message_id, .internaldate = NOW,
	    .from_addr = msg->from_addr, .from_name = msg->from_name,
	    .subject = msg->subject, .raw = raw, .size = len, .hash = hash,
	    .text = msg->text, .outcome = "decoded", .recorded_at = NOW };
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(state_message_add(f->db, &r, &m, NULL), 0);
	assert_true(db_exec(f->db, NULL, "PRAGMA query_only = 1", "") >= 0);
	assert_int_equal(process_message(f->prog, m, &r, msg, &failed,
	    &cause), EX_IOERR);
	assert_int_equal(failed, 0);
	assert_contains(cause, "readonly");
	db_rollback(f->db);
	assert_true(db_exec(f->db, NULL, "PRAGMA query_only = 0", "") >= 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM message"), 0);
	assert_int_equal(outbox_count(f), 0);
	g_free(cause);
	mime_msg_free(msg);
	g_free(hash);
	g_free(raw);
}

/* The caller's transaction. */

/* Rolled back, the message leaves nothing: no participant, no mail. */
static void
test_everything_in_the_callers_transaction(void **state)
{
	struct fixture		*f = *state;
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*raw, *hash;
	gsize			 len;
	int64_t			 m;

	start(f, "forms = wyoming\n", NULL);
	if (!g_file_get_contents(APPLICATIONS "wy01-mentee-clean.eml", &raw,
	    &len, NULL))
		fail_msg("cannot read wy01");
	assert_int_equal(mime_parse(raw, len, &msg, NULL), 0);
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)raw, len);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = 1, .message_id = msg->message_id, .internaldate = NOW,
	    .from_addr = msg->from_addr, .from_name = msg->from_name,
	    .subject = msg->subject, .raw = raw, .size = len, .hash = hash,
	    .text = msg->text, .outcome = "decoded", .recorded_at = NOW };
	assert_int_equal(db_begin(f->db, NULL), 0);
	assert_int_equal(state_message_add(f->db, &r, &m, NULL), 0);
	assert_int_equal(process_message(f->prog, m, &r, msg, NULL, NULL), 0);
	assert_int_equal(outbox_count(f), 1);
	assert_int_equal(participant_count(f), 1);
	db_rollback(f->db);
	assert_int_equal(outbox_count(f), 0);
	assert_int_equal(participant_count(f), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM message"), 0);
	mime_msg_free(msg);
	g_free(hash);
	g_free(raw);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clean_application),
		T(test_application_while_intake_is_closed),
		T(test_application_while_intake_is_open),
		T(test_huge_answer_is_cut_and_said),
		T(test_very_long_message_is_read_in_part),
		T(test_failing_template_fails_only_that_message),
		T(test_runaway_pattern_fails_the_message),
		T(test_database_failure_stops_the_run),
		T(test_incomplete_application_names_what_is_missing),
		T(test_both_roles_ticked_is_unclear),
		T(test_correction_by_reply_to_receipt),
		T(test_correction_from_incomplete_applicant),
		T(test_correction_from_the_address_the_receipt_went_to),
		T(test_same_application_again),
		T(test_copy_is_answered_once),
		T(test_ineligible_applicant_gets_the_reasons),
		T(test_ineligible_applicant_corrects_the_answer),
		T(test_eligible_applicant_gets_a_receipt),
		T(test_thread_found_by_the_message_answered),
		T(test_condition_on_absent_field_asks_for_it),
		T(test_config_names_only_fields_the_forms_ask),
		T(test_auto_reply_is_not_answered),
		T(test_unparseable_is_not_answered),
		T(test_mail_without_sender_is_not_answered),
		T(test_own_mail_is_not_answered),
		T(test_form_service_answered_at_reply_to),
		T(test_reply_to_is_the_fallback_address),
		T(test_automatic_senders_are_not_answered),
		T(test_nul_in_an_address_is_unclear),
		T(test_nul_in_the_form_address_is_unclear),
		T(test_process_ignores_automatic_outcome),
		T(test_question_is_not_understood),
		T(test_coordinator_mail_is_not_answered),
		T(test_replies_per_day),
		T(test_replies_per_day_is_24_hours),
		T(test_everything_in_the_callers_transaction),
	};

	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
