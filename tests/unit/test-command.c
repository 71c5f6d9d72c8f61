/*
 * test-command.c -- the coordinator's commands by mail, as kind-command.c
 * promises: the lines a sender wrote (kind.h), who the mail is from (the
 * receiving server's word or a token: test-auth.c tests those alone), the
 * table of actions (action.h); a participant's own withdrawal; and
 * forgetting a person (state-person.h).
 *
 * Each test has its own configuration, two coordinators, and a database
 * in memory with a pool of four applicants (two proposals: Dana with
 * Russell, Gabriel with Miles) and the proposals mail each coordinator
 * was sent.  Messages are handed to process_message as intake.c does,
 * each in a run of its own at the clock's time.
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
#include <glib/gstdio.h>

#include "action.h"
#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "kind.h"
#include "log.h"
#include "match.h"
#include "mime.h"
#include "process.h"
#include "program.h"
#include "rules.h"
#include "state-message.h"
#include "state-participant.h"
#include "state-person.h"
#include "testlib.h"
#include "token.h"

#define NOW		"2026-03-14T15:00:00Z"
#define PROGRAM_ADDR	"mentoring@example.org"
#define COORD		"coord@example.org"
#define COORD2		"second.coord@example.org"
#define AUTHSERV	"mx.example.org"
#define ATTACKER	"attacker@evil.example"

#define DANA	"dana.whitfield@ccpl.example.org"
#define GABRIEL	"gortizhale@uwyo.example.edu"
#define RUSSELL	"rtenney@parkcountylib.example.org"
#define MILES	"miles.okafor@wyolaw.example.gov"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct db	*db;
	struct program	*prog;
	uint32_t	 uid;
	int		 seq;		/* of the Message-IDs written here */
	GPtrArray	*kept;		/* strings freed after the test */
	int64_t		 dana_match;	/* the two proposals */
	int64_t		 gabriel_match;
};

static const char *
keep(struct fixture *f, char *s)
{
	g_ptr_array_add(f->kept, s);
	return s;
}

static const char *fmt(struct fixture *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct fixture *f, const char *format, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, format);
	s = g_strdup_vprintf(format, ap);
	va_end(ap);
	return keep(f, s);
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->kept = g_ptr_array_new_with_free_func(g_free);
	f->dir = g_dir_make_tmp("test-command.XXXXXX", NULL);
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
	g_ptr_array_unref(f->kept);
	g_free(f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The program, its database and its pool. */

static void
begin(struct fixture *f)
{
	char	*cause = NULL;

	if (db_begin(f->db, &cause) != 0)
		fail_msg("db_begin: %s", cause);
}

static void
commit(struct fixture *f)
{
	char	*cause = NULL;

	if (db_commit(f->db, &cause) != 0)
		fail_msg("db_commit: %s", cause);
}

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

/* The first column of the first row, as text kept by the fixture. */
static const char *
query_text(struct fixture *f, const char *sql)
{
	int	 found;
	char	*v;

	v = db_query_text(f->db, NULL, &found, sql, "");
	if (found < 0)
		fail_msg("query failed: %s", sql);
	return v != NULL ? keep(f, v) : NULL;
}

static void
field_add(struct extraction *x, const char *name, const char *value)
{
	struct extract_field	*fld = g_new0(struct extract_field, 1);

	fld->name = g_strdup(name);
	fld->value = g_strdup(value);
	g_ptr_array_add(x->fields, fld);
}

/* Record the message an application came in, as intake would; its id. */
static int64_t
message_from(struct fixture *f, const char *from)
{
	static const char	 raw[] =
	    "Subject: Application\r\n\r\nName: x\r\n";
	struct message_record	 r;
	char			*hash, *cause = NULL;
	int64_t			 id = 0;

	f->uid++;
	hash = g_strdup_printf("%064x", f->uid);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = f->uid, .internaldate = NOW, .from_addr = from,
	    .subject = "Application", .raw = raw, .size = sizeof raw - 1,
	    .hash = hash, .text = "Name: x", .outcome = "decoded",
	    .recorded_at = NOW };
	if (state_message_add(f->db, &r, &id, &cause) != 0)
		fail_msg("state_message_add: %s", cause);
	g_free(hash);
	return id;
}

/* A complete, eligible applicant: NAME, VALUE pairs ending in NULL. */
static void
applicant(struct fixture *f, const char *email, ...)
{
	struct extraction	*x = g_new0(struct extraction, 1);
	const char		*name;
	char			*cause = NULL;
	va_list			 ap;
	int64_t			 id;
	int			 created;

	x->kind = g_strdup("application");
	x->form = g_strdup("wyoming");
	x->fields = g_ptr_array_new_with_free_func(field_free);
	x->missing = g_ptr_array_new_with_free_func(g_free);
	x->unclear = g_ptr_array_new_with_free_func(g_free);
	x->trace = g_ptr_array_new_with_free_func(g_free);
	x->cut = g_ptr_array_new_with_free_func(g_free);
	field_add(x, "email", email);
	va_start(ap, email);
	while ((name = va_arg(ap, const char *)) != NULL)
		field_add(x, name, va_arg(ap, const char *));
	va_end(ap);
	if (participant_apply(f->db, email, x, message_from(f, email), NOW,
	    &id, &created,
	    &cause) != 0 || participant_set_status(f->db, id,
	    PARTICIPANT_APPLIED, NULL, NOW, &cause) != 0)
		fail_msg("applicant: %s", cause);
	extraction_free(x);
}

static void
pool(struct fixture *f)
{
	applicant(f, DANA, "role", "mentee", "name", "Dana Whitfield",
	    "library", "Campbell County Public Library", "library_type",
	    "public", "position", "Branch Manager", "years_experience", "3",
	    "phone", "307-555-0142", "goals", "Grant writing and budgeting "
	    "for a small branch.", NULL);
	applicant(f, GABRIEL, "role", "mentee", "name", "Gabriel Ortiz-Hale",
	    "library", "University of Wyoming Libraries", "library_type",
	    "academic", "position", "Research & Instruction Librarian",
	    "years_experience", "2", "goals", "Legal research instruction "
	    "and reference interviews.", NULL);
	applicant(f, RUSSELL, "role", "mentor", "name", "Russell Tenney",
	    "library", "Park County Library System", "library_type", "public",
	    "position", "Assistant Director", "years_experience", "15",
	    "strengths", "Grant writing, budgeting, supervising staff.", NULL);
	applicant(f, MILES, "role", "mentor", "name", "Miles Okafor",
	    "library", "Wyoming State Law Library", "library_type", "special",
	    "position", "Deputy State Law Librarian", "years_experience", "10",
	    "strengths", "Legal research and reference interviews.", NULL);
}

/* Propose, and mail the proposals to each coordinator, as a run does. */
static void
propose(struct fixture *f)
{
	struct program		*p = f->prog;
	struct match_ctx	 m = match_ctx_of(p);
	struct match_report	*r;
	char			*cause = NULL;

	if (match_propose(&m, &r, &cause) != 0 ||
	    match_notify(&m, r, &cause) != 0)
		fail_msg("propose: %s", cause);
	match_report_free(r);
}

/*
 * Start: the shipped rules and templates, two coordinators, the trusted
 * receiving server AUTHSERV, tokens good for 14 days, the pool proposed.
 */
static void
start(struct fixture *f)
{
	GDateTime	*now;
	char		*cwd, *path, *text, *cause = NULL;

	cwd = g_get_current_dir();
	text = g_strdup_printf(
	    "[program]\n"
	    "name = Wyoming Mentoring Program\n"
	    "address = " PROGRAM_ADDR "\n"
	    "coordinators = " COORD "; " COORD2 "\n"
	    "timezone = America/Denver\n"
	    "database = state.db\n"
	    "rules = %s/rules\n"
	    "templates = %s/templates\n"
	    "forms = wyoming\n"
	    "replies_per_day = 50\n"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "username = " PROGRAM_ADDR "\n"
	    "password_file = imap.password\n"
	    "[coordinator]\n"
	    "trusted_authserv_id = " AUTHSERV "\n"
	    "token_days = 14\n", cwd, cwd);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0)
		fail_msg("db_open_copy: %s", cause);
	now = clock_now();
	if (program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("program_open: %s", cause);
	g_date_time_unref(now);
	begin(f);
	pool(f);
	propose(f);
	commit(f);
	f->dana_match = query_int(f, "SELECT m.id FROM match m JOIN "
	    "participant p ON p.id = m.mentee WHERE p.email = '" DANA "'");
	f->gabriel_match = query_int(f, "SELECT m.id FROM match m JOIN "
	    "participant p ON p.id = m.mentee WHERE p.email = '" GABRIEL "'");
	assert_true(f->dana_match > 0 && f->gabriel_match > 0);
	g_free(path);
	g_free(text);
	g_free(cwd);
}

/* ------------------------------------------------------------------ */
/* Mail in and out. */

/* Move the clock to `iso`: later runs happen then. */
static void
clock_to(struct fixture *f, const char *iso)
{
	GDateTime	*now;

	assert_int_equal(clock_set(iso, NULL, NULL), 0);
	now = clock_now();
	program_set_clock(f->prog, now);
	g_date_time_unref(now);
}

/*
 * Record `raw` as intake does, in a transaction of its own, and hand it
 * to process_message.  The message's id, or 0 when it was a copy of one
 * recorded already.
 */
static int64_t
deliver(struct fixture *f, const char *raw)
{
	struct message_record	 r;
	struct mime_msg		*msg = NULL;
	char			*hash, *cause = NULL;
	size_t			 len = strlen(raw);
	int64_t			 id = 0, original;
	int			 failed = 0;

	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)raw, len);
	if (mime_parse(raw, len, &msg, &cause) != 0)
		fail_msg("mime_parse: %s", cause);
	r = (struct message_record){ .mailbox = "INBOX", .uidvalidity = 1,
	    .uid = ++f->uid, .internaldate = f->prog->now_iso, .raw = raw,
	    .size = len, .hash = hash, .recorded_at = f->prog->now_iso,
	    .message_id = msg->message_id, .from_addr = msg->from_addr,
	    .from_name = msg->from_name, .subject = msg->subject,
	    .text = msg->text, .outcome = "decoded" };
	begin(f);
	if ((original = state_message_original(f->db, &r, &cause)) < 0)
		fail_msg("state_message_original: %s", cause);
	if (original > 0 && state_duplicate_add(f->db, &r, original,
	    &cause) != 0)
		fail_msg("state_duplicate_add: %s", cause);
	if (original == 0 && (state_message_add(f->db, &r, &id, &cause) != 0 ||
	    process_message(f->prog, id, &r, msg, &failed, &cause) != 0))
		fail_msg("process_message: %s", cause);
	commit(f);
	if (failed)
		fail_msg("message %lld failed",
		    (long long)id);
	mime_msg_free(msg);
	g_free(hash);
	return id;
}

/* One mail we queued, decoded. */
struct sent {
	const char	*to;
	const char	*subject;
	const char	*text;
	const char	*message_id;
	const char	*in_reply_to;
};

static int
sent_row(struct db_row *row, void *arg)
{
	struct mime_msg	**msg = arg;
	size_t		  len;
	const char	 *raw = db_row_blob(row, 0, &len);

	if (mime_parse(raw, len, msg, NULL) != 0)
		fail_msg("our own mail does not parse");
	return 1;
}

/* The newest mail of `kind` to `to`: fails the test when there is none. */
static struct sent
sent_to(struct fixture *f, const char *kind, const char *to)
{
	struct mime_msg	*msg = NULL;
	struct sent	 s;

	if (db_query(f->db, NULL, sent_row, &msg, "SELECT raw FROM outbox "
	    "WHERE kind = ? AND to_addr = ? ORDER BY id DESC LIMIT 1", "tt",
	    kind, to) != 1)
		fail_msg("no %s mail to %s", kind, to);
	s.to = to;
	s.subject = keep(f, g_strdup(msg->subject));
	s.text = keep(f, g_strdup(msg->text));
	s.message_id = keep(f, g_strdup(msg->message_id));
	s.in_reply_to = msg->in_reply_to != NULL ?
	    keep(f, g_strdup(msg->in_reply_to)) : NULL;
	mime_msg_free(msg);
	return s;
}

static int64_t
count_of(struct fixture *f, const char *kind, const char *to)
{
	return db_query_int(f->db, NULL, NULL, "SELECT count(*) FROM outbox "
	    "WHERE kind = ? AND to_addr = ?", "tt", kind, to);
}

/* The token a mail carries, "[mm:...]". */
static const char *
token_of(struct fixture *f, const struct sent *s)
{
	GPtrArray	*found = token_find(s->subject, s->text);
	const char	*t;

	if (found->len != 1)
		fail_msg("%u tokens in the mail to %s", found->len, s->to);
	t = keep(f, g_strdup(g_ptr_array_index(found, 0)));
	g_ptr_array_unref(found);
	return t;
}

/*
 * A reply from `from` to our mail `to` (NULL: a new mail), quoting it
 * under "On ... wrote:", with `headers` (may be "") and `body` on top.
 */
static const char *
reply_to(struct fixture *f, const char *from, const struct sent *to,
    const char *headers, const char *body)
{
	GString	*s = g_string_new(NULL);
	char	**lines;
	size_t	  i;

	g_string_append_printf(s, "From: The Coordinator <%s>\n"
	    "To: " PROGRAM_ADDR "\nMessage-ID: <reply.%d@example.org>\n"
	    "Date: Sat, 14 Mar 2026 09:00:00 -0600\n", from, ++f->seq);
	if (to != NULL)
		g_string_append_printf(s, "Subject: Re: %s\nIn-Reply-To: "
		    "<%s>\nReferences: <%s>\n", to->subject, to->message_id,
		    to->message_id);
	g_string_append_printf(s, "%s%s\n%s\n", headers, *headers != '\0' ?
	    "\n" : "", body);
	if (to != NULL) {
		g_string_append(s, "On Sat, Mar 14, 2026, Wyoming Mentoring "
		    "Program wrote:\n");
		lines = g_strsplit(to->text, "\n", -1);
		for (i = 0; lines[i] != NULL; i++)
			g_string_append_printf(s, "> %s\n", lines[i]);
		g_strfreev(lines);
	}
	return keep(f, g_string_free(s, FALSE));
}

static const char *
status_of(struct fixture *f, int64_t match)
{
	return query_text(f, fmt(f, "SELECT status FROM match WHERE id = %lld",
	    (long long)match));
}

/* The proposals mail the first coordinator was sent. */
static struct sent
proposals(struct fixture *f)
{
	return sent_to(f, "proposals", COORD);
}

/* ------------------------------------------------------------------ */
/* The lines a sender wrote. */

static GPtrArray *
own(const char *text)
{
	return kind_own_lines(text, 50, NULL);
}

static void
assert_lines(GPtrArray *got, ...)
{
	const char	*want;
	va_list		 ap;
	guint		 i = 0;

	va_start(ap, got);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (i >= got->len)
			fail_msg("line %u missing: \"%s\"", i + 1, want);
		assert_string_equal(g_ptr_array_index(got, i), want);
		i++;
	}
	va_end(ap);
	if (i != got->len)
		fail_msg("%u lines, not %u: then \"%s\"", got->len, i,
		    (char *)g_ptr_array_index(got, i));
	g_ptr_array_unref(got);
}

static void
test_lines_quotes_are_skipped(void **state)
{
	/* Interleaved: the quote header is followed by quoted lines. */
	assert_lines(own("On Sat, 14 Mar 2026, Program wrote:\n"
	    "> Match 3 (new): Dana with Russell\n"
	    "  approve 3  \n"
	    "\n"
	    "> Match 4 (new): Gabriel with Miles\n"
	    "reject 4\n"), "approve 3", "reject 4", NULL);
	/* A Gmail header wrapped onto two lines. */
	assert_lines(own("approve 3\n\nOn Sat, Mar 14, 2026 at 8:00 AM "
	    "Program <\nmentoring@example.org> wrote:\n> Match 3\n"
	    "reject 5\n"), "approve 3", "reject 5", NULL);
}

static void
test_lines_end_at_an_unmarked_quote(void **state)
{
	/* An HTML reply: the quote has no marks, only its header. */
	assert_lines(own("approve 3\n\nOn Sat, 14 Mar 2026, Program wrote:\n"
	    "Match 3 (new): Dana with Russell\n  approve ID...\n"),
	    "approve 3", NULL);
	assert_lines(own("approve 3\n-----Original Message-----\n"
	    "reject 4\n"), "approve 3", NULL);
	assert_lines(own("approve 3\n________________________________\n"
	    "From: Program <mentoring@example.org>\n"
	    "Sent: Saturday, March 14, 2026 8:00 AM\nreject 4\n"),
	    "approve 3", NULL);
	assert_lines(own("approve 3\nFrom: Program <mentoring@example.org>\n"
	    "Sent: Saturday, March 14, 2026 8:00 AM\nreject 4\n"),
	    "approve 3", NULL);
	/* Our own mail quoted without marks or header: its token line. */
	assert_lines(own("approve 3\n[Reply with commands above this line; "
	    "keep this line: [mm:0123456789abcdef0123456789abcdef]]\n"
	    "reject 4\n"), "approve 3", NULL);
	/* mime.c's separators: an attachment, a forwarded message. */
	assert_lines(own("approve 3\n----- attachment: notes.txt -----\n"
	    "reject 4\n"), "approve 3", NULL);
}

static void
test_lines_end_at_signature_and_thanks(void **state)
{
	assert_lines(own("approve 3\n-- \nTeresa Lundgren\nCoordinator\n"),
	    "approve 3", NULL);
	assert_lines(own("approve 3\nThanks,\nTeresa\n"), "approve 3", NULL);
	assert_lines(own("approve 3\nBest regards\nreject 4\n"), "approve 3",
	    NULL);
	assert_lines(own("status\nquit\nhelp\n"), "status", NULL);
	/* A sentence is a line to report, not an ending. */
	assert_lines(own("approve 3\nThanks for finding these matches!\n"),
	    "approve 3", "Thanks for finding these matches!", NULL);
}

static void
test_lines_at_most_max(void **state)
{
	GPtrArray	*lines;
	int		 more;

	lines = kind_own_lines("a\nb\nc\n", 2, &more);
	assert_int_equal(lines->len, 2);
	assert_true(more);
	g_ptr_array_unref(lines);
	lines = kind_own_lines("a\nb\n", 2, &more);
	assert_false(more);
	g_ptr_array_unref(lines);
	assert_lines(own(NULL), NULL);
}

/* A new mail's subject may be the command; a reply's never is. */
static void
test_command_lines_subject(void **state)
{
	int	more;

	assert_lines(kind_command_lines("approve 12", "-- \nTeresa\n", 0,
	    &more), "approve 12", NULL);
	assert_lines(kind_command_lines("approve 12", "reject 3\n", 0, &more),
	    "approve 12", "reject 3", NULL);
	assert_lines(kind_command_lines("Re: approve 12", "reject 3\n", 0,
	    &more), "reject 3", NULL);
	assert_lines(kind_command_lines("approve 12", "reject 3\n", 1, &more),
	    "reject 3", NULL);
	assert_lines(kind_command_lines("This week", "status\n", 0, &more),
	    "status", NULL);
}

/* ------------------------------------------------------------------ */
/* Tokens in the mail. */

/* Each coordinator's proposals mail has a token of its own. */
static void
test_proposals_carry_a_token_each(void **state)
{
	struct fixture	*f = *state;
	struct sent	 a, b;

	start(f);
	a = sent_to(f, "proposals", COORD);
	b = sent_to(f, "proposals", COORD2);
	assert_string_not_equal(token_of(f, &a), token_of(f, &b));
	assert_int_equal(query_int(f, "SELECT count(*) FROM token t JOIN "
	    "outbox o ON o.id = t.outbox WHERE o.kind = 'proposals' AND "
	    "t.to_addr = o.to_addr AND t.used_at IS NULL"), 2);
	assert_contains(a.text, "keep this line: [mm:");
}

/* ------------------------------------------------------------------ */
/* Commands by mail. */

static void
test_reply_with_token_approves(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;
	int64_t		 m;

	start(f);
	p = proposals(f);
	m = deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match)));

	assert_string_equal(status_of(f, f->dana_match), "approved");
	assert_string_equal(status_of(f, f->gabriel_match), "proposed");
	assert_int_equal(count_of(f, "introduction", DANA), 1);
	assert_int_equal(count_of(f, "introduction", RUSSELL), 1);
	assert_string_equal(query_text(f, fmt(f, "SELECT kind FROM message "
	    "WHERE id = %lld", (long long)m)), "command");

	/* One transcript, to the coordinator, in the thread. */
	assert_int_equal(count_of(f, "command-transcript", COORD), 1);
	assert_int_equal(count_of(f, "command-transcript", COORD2), 0);
	t = sent_to(f, "command-transcript", COORD);
	assert_string_equal(t.in_reply_to, fmt(f, "reply.%d@example.org",
	    f->seq));
	assert_contains(t.text, fmt(f, "> approve %lld\nmatch %lld approved: "
	    "introductions queued\n", (long long)f->dana_match,
	    (long long)f->dana_match));
	assert_contains(t.text, "1 done, 0 not done");
	assert_contains(t.text, "the token of the proposals mail");
	token_of(f, &t);

	/* The audit log: who, which message and line, what came of it. */
	assert_string_equal(query_text(f, fmt(f, "SELECT actor || '|' || via "
	    "|| '|' || message || '|' || line || '|' || command || '|' || "
	    "outcome FROM audit")), fmt(f, COORD "|mail|%lld|1|approve "
	    "%lld|done", (long long)m, (long long)f->dana_match));
	assert_int_equal(query_int(f, fmt(f, "SELECT count(*) FROM token "
	    "WHERE used_by = %lld", (long long)m)), 1);
}

/* The same mail twice (a copy put back in the inbox): done once. */
static void
test_same_mail_twice_is_done_once(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p;
	const char	*raw;

	start(f);
	p = proposals(f);
	raw = reply_to(f, COORD, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match));
	assert_true(deliver(f, raw) > 0);
	assert_int_equal(deliver(f, raw), 0);
	assert_int_equal(count_of(f, "introduction", DANA), 1);
	assert_int_equal(count_of(f, "command-transcript", COORD), 1);
	assert_int_equal(query_int(f, "SELECT count(*) FROM audit"), 1);
}

/* Every refusal: nothing done, logged, told to the coordinators only. */
static void
assert_refused(struct fixture *f, int64_t m, const char *why)
{
	struct sent	 n;
	const char	*lower;

	assert_string_equal(status_of(f, f->dana_match), "proposed");
	assert_string_equal(status_of(f, f->gabriel_match), "proposed");
	assert_int_equal(query_int(f, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'introduction'"), 0);
	assert_int_equal(query_int(f, fmt(f, "SELECT count(*) FROM audit "
	    "WHERE message = %lld AND outcome <> 'refused'", (long long)m)),
	    0);
	assert_true(query_int(f, fmt(f, "SELECT count(*) FROM audit WHERE "
	    "message = %lld AND outcome = 'refused'", (long long)m)) > 0);
	/* To each configured coordinator, never to an address the mail gave. */
	assert_int_equal(query_int(f, fmt(f, "SELECT count(*) FROM outbox "
	    "WHERE message = %lld", (long long)m)), 0);
	assert_int_equal(count_of(f, "command-refused", COORD), 1);
	assert_int_equal(count_of(f, "command-refused", COORD2), 1);
	assert_int_equal(query_int(f, "SELECT count(*) FROM outbox WHERE "
	    "to_addr NOT IN ('" COORD "', '" COORD2 "', '" DANA "', '"
	    GABRIEL "', '" RUSSELL "', '" MILES "')"), 0);
	n = sent_to(f, "command-refused", COORD2);
	assert_contains(n.text, why);
	assert_contains(n.text, fmt(f, "(message %lld;", (long long)m));
	lower = query_text(f, fmt(f, "SELECT group_concat(detail) FROM audit "
	    "WHERE message = %lld", (long long)m));
	assert_contains(lower, why);
}

static void
test_forged_from_without_token_is_refused(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f);
	/* A new mail, in the coordinator's name, from someone else. */
	m = deliver(f, reply_to(f, COORD, NULL, fmt(f, "Subject: approve "
	    "%lld\nReply-To: " ATTACKER, (long long)f->dana_match),
	    fmt(f, "reject %lld", (long long)f->gabriel_match)));
	assert_string_equal(query_text(f, fmt(f, "SELECT kind FROM message "
	    "WHERE id = %lld", (long long)m)), "command");
	assert_refused(f, m, "it carries no token of a mail mentormail sent; "
	    "and no Authentication-Results header of " AUTHSERV);
	assert_int_equal(query_int(f, fmt(f, "SELECT count(*) FROM audit "
	    "WHERE message = %lld AND outcome = 'refused'", (long long)m)),
	    2);
}

static void
test_replayed_token_is_refused(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p;
	int64_t		 first, m;

	start(f);
	p = proposals(f);
	first = deliver(f, reply_to(f, COORD, &p, "", "status"));
	assert_int_equal(count_of(f, "command-transcript", COORD), 1);
	/* The same reply again, with a Message-ID of its own. */
	m = deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match)));
	assert_refused(f, m, fmt(f, "its token was used already, by message "
	    "%lld at " NOW, (long long)first));
}

static void
test_expired_token_is_refused(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p;
	int64_t		 m;

	start(f);
	p = proposals(f);
	clock_to(f, "2026-03-28T15:00:01Z");
	m = deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match)));
	assert_refused(f, m, "its token expired at 2026-03-28T15:00:00Z");
}

/* A reply from someone else in the proposals thread. */
static void
test_stranger_in_the_thread_is_refused(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p;
	int64_t		 m;

	start(f);
	p = proposals(f);
	m = deliver(f, reply_to(f, DANA, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match)));
	assert_refused(f, m, "the sender is not one of the program's "
	    "coordinators");
	assert_int_equal(count_of(f, "not-understood", DANA), 0);
}

/* The receiving server's word stands for a token. */
static void
test_trusted_server_vouches(void **state)
{
	struct fixture	*f = *state;
	struct sent	 t;

	start(f);
	deliver(f, reply_to(f, COORD2, NULL, "Subject: a few decisions\n"
	    "Authentication-Results: " AUTHSERV "; spf=pass "
	    "smtp.mailfrom=example.org; dkim=pass header.d=example.org; "
	    "dmarc=pass header.from=example.org", fmt(f, "approve %lld\n"
	    "approve %lld\n", (long long)f->dana_match,
	    (long long)f->gabriel_match)));
	assert_string_equal(status_of(f, f->dana_match), "approved");
	assert_string_equal(status_of(f, f->gabriel_match), "approved");
	t = sent_to(f, "command-transcript", COORD2);
	assert_contains(t.text, AUTHSERV " says dkim=pass for example.org");
	assert_int_equal(count_of(f, "command-transcript", COORD), 0);
}

static void
test_forged_results_below_the_trusted_are_refused(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f);
	m = deliver(f, reply_to(f, COORD, NULL, "Subject: decisions\n"
	    "Authentication-Results: " AUTHSERV "; dkim=none; "
	    "dmarc=fail header.from=example.org\n"
	    "Authentication-Results: " AUTHSERV "; dkim=pass "
	    "header.d=example.org; dmarc=pass header.from=example.org",
	    fmt(f, "approve %lld", (long long)f->dana_match)));
	assert_refused(f, m, AUTHSERV " says dkim=none, dmarc=fail for "
	    "example.org");
}

static void
test_wrong_authserv_id_is_refused(void **state)
{
	struct fixture	*f = *state;
	int64_t		 m;

	start(f);
	m = deliver(f, reply_to(f, COORD, NULL, "Subject: decisions\n"
	    "Authentication-Results: mx.evil.example; dkim=pass "
	    "header.d=example.org; dmarc=pass header.from=example.org",
	    fmt(f, "approve %lld", (long long)f->dana_match)));
	assert_refused(f, m, "no Authentication-Results header of "
	    AUTHSERV);
}

/* An HTML reply, the proposals quoted beneath without "> " marks. */
static void
test_html_reply_with_the_mail_quoted_beneath(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;
	GString		*html = g_string_new(NULL);
	char		**lines;
	size_t		  i;

	start(f);
	p = proposals(f);
	g_string_append_printf(html, "From: The Coordinator <" COORD ">\n"
	    "To: " PROGRAM_ADDR "\nSubject: Re: %s\nMessage-ID: "
	    "<html.1@example.org>\nIn-Reply-To: <%s>\nMIME-Version: 1.0\n"
	    "Content-Type: text/html; charset=utf-8\n\n"
	    "<html><body><div dir=\"ltr\">approve %lld</div><br>"
	    "<div class=\"gmail_quote\"><div dir=\"ltr\" "
	    "class=\"gmail_attr\">On Sat, Mar 14, 2026 at 9:00 AM Wyoming "
	    "Mentoring Program &lt;" PROGRAM_ADDR "&gt; wrote:<br></div>"
	    "<blockquote class=\"gmail_quote\">", p.subject, p.message_id,
	    (long long)f->dana_match);
	lines = g_strsplit(p.text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		g_string_append_printf(html, "%s<br>", lines[i]);
	g_strfreev(lines);
	g_string_append_printf(html, "reject %lld<br></blockquote></div>"
	    "</body></html>\n", (long long)f->gabriel_match);
	deliver(f, keep(f, g_string_free(html, FALSE)));

	assert_string_equal(status_of(f, f->dana_match), "approved");
	assert_string_equal(status_of(f, f->gabriel_match), "proposed");
	t = sent_to(f, "command-transcript", COORD);
	assert_contains(t.text, "1 done, 0 not done");
	assert_lacks(t.text, "reject");
	assert_int_equal(query_int(f, "SELECT count(*) FROM audit"), 1);
}

/* Each line is done, or not, on its own; the transcript says which. */
static void
test_mixed_mail(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;
	const char	*body;

	start(f);
	p = proposals(f);
	body = fmt(f, "approve %lld\n"
	    "frobnicate the matches\n"
	    "reject 999\n"
	    "approve %lld 999\n"
	    "pin " GABRIEL "\n"
	    "status\n"
	    "thanks\n"
	    "reject %lld\n", (long long)f->dana_match,
	    (long long)f->gabriel_match, (long long)f->gabriel_match);
	deliver(f, reply_to(f, COORD, &p, "", body));

	assert_string_equal(status_of(f, f->dana_match), "approved");
	/* The line naming 999 is done whole or not at all: not at all. */
	assert_string_equal(status_of(f, f->gabriel_match), "proposed");
	t = sent_to(f, "command-transcript", COORD);
	assert_contains(t.text, "> frobnicate the matches\nnot done: unknown "
	    "command \"frobnicate\" (send \"help\" for the list)\n");
	assert_contains(t.text, "> reject 999\nnot done: there is no match "
	    "999");
	assert_contains(t.text, fmt(f, "> approve %lld 999\nnot done: there "
	    "is no match 999", (long long)f->gabriel_match));
	assert_contains(t.text, "> pin " GABRIEL "\nnot done: usage: pin "
	    "MENTEE MENTOR\n");
	assert_contains(t.text, "> status\nprogram.name: Wyoming Mentoring "
	    "Program\ndatabase.schema: ");
	assert_contains(t.text, "participants.mentees: 2\n");
	assert_contains(t.text, "2 done, 4 not done");
	assert_lacks(t.text, fmt(f, "> reject %lld\n",
	    (long long)f->gabriel_match));
	assert_int_equal(query_int(f, "SELECT count(*) FROM audit WHERE "
	    "outcome = 'done'"), 2);
	assert_int_equal(query_int(f, "SELECT count(*) FROM audit WHERE "
	    "outcome = 'not done'"), 4);
	assert_int_equal(query_int(f, "SELECT max(line) FROM audit"), 6);
}

static void
test_help_lists_the_mail_commands(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;

	start(f);
	p = proposals(f);
	deliver(f, reply_to(f, COORD, &p, "", "help"));
	t = sent_to(f, "command-transcript", COORD);
	assert_contains(t.text, "approve ID...\n  introduce the pairs");
	assert_contains(t.text, "withdraw EMAIL [REASON]\n");
	assert_contains(t.text, "end MATCH REASON\n");
	assert_contains(t.text, "status\n  the state of the program");
}

/* A reply to a transcript is commands too, with the transcript's token. */
static void
test_reply_to_the_transcript(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;

	start(f);
	p = proposals(f);
	deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld",
	    (long long)f->dana_match)));
	t = sent_to(f, "command-transcript", COORD);
	deliver(f, reply_to(f, COORD, &t, "", fmt(f, "reject %lld",
	    (long long)f->gabriel_match)));
	assert_string_equal(status_of(f, f->gabriel_match), "rejected");
	assert_int_equal(count_of(f, "command-transcript", COORD), 2);
	/*
	 * A reply to a transcript that holds no command is not answered, or
	 * an out-of-office reply without its signs would loop.
	 */
	t = sent_to(f, "command-transcript", COORD);
	deliver(f, reply_to(f, COORD, &t, "", "Thanks!"));
	deliver(f, reply_to(f, COORD, &t, "", "I am out of the office until "
	    "Monday, March 16.\nFor urgent matters call the front desk."));
	assert_int_equal(count_of(f, "command-transcript", COORD), 2);
	assert_int_equal(query_int(f, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'command-refused'"), 0);
	/* One with a command still is, its unknown lines reported. */
	deliver(f, reply_to(f, COORD, &t, "", "statsu\nstatus"));
	assert_int_equal(count_of(f, "command-transcript", COORD), 3);
	/* A reply to the proposals is answered even if nothing is known. */
	deliver(f, reply_to(f, COORD, &p, "Authentication-Results: " AUTHSERV
	    "; dmarc=pass header.from=example.org", "aprove 3"));
	assert_contains(sent_to(f, "command-transcript", COORD).text,
	    "not done: unknown command \"aprove\"");
}

/* withdraw and end, from the same table as the command line. */
static void
test_withdraw_and_end_by_mail(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p, t;

	start(f);
	p = proposals(f);
	deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld\n"
	    "withdraw " GABRIEL " moved out of state\n"
	    "end %lld Dana changed jobs\n"
	    "withdraw " GABRIEL "\n", (long long)f->dana_match,
	    (long long)f->dana_match)));
	assert_string_equal(query_text(f, "SELECT status || '|' || reason "
	    "FROM participant WHERE email = '" GABRIEL "'"),
	    "withdrawn|moved out of state");
	assert_null(status_of(f, f->gabriel_match));
	assert_string_equal(query_text(f, fmt(f, "SELECT status || '|' || "
	    "end_reason FROM match WHERE id = %lld",
	    (long long)f->dana_match)), "ended|Dana changed jobs");
	t = sent_to(f, "command-transcript", COORD);
	assert_contains(t.text, fmt(f, GABRIEL " withdrawn: moved out of "
	    "state\nproposal %lld withdrawn\n", (long long)f->gabriel_match));
	assert_contains(t.text, fmt(f, "match %lld ended today: Dana changed "
	    "jobs (the pair are sent the end-of-mentorship mail)",
	    (long long)f->dana_match));
	assert_contains(t.text, "> withdraw " GABRIEL "\nnot done: " GABRIEL
	    " has withdrawn already");
}

/* The log at its default level names nobody and quotes nothing. */
static void
test_refusal_log_names_nobody(void **state)
{
	struct fixture	*f = *state;
	enum log_level	 old = log_get_level();
	char		*text;

	start(f);
	log_set_level(LOG_LEVEL_WARN);
	stderr_begin(f->dir);
	deliver(f, reply_to(f, COORD, NULL, "Subject: status", "withdraw "
	    DANA " phone 307-555-0142"));
	deliver(f, reply_to(f, DANA, NULL, "Subject: status", "status"));
	text = stderr_end();
	log_set_level(old);
	assert_contains(text, "command lines refused");
	assert_lacks(text, "@");
	assert_lacks(text, "555");
	g_free(text);
}

/* ------------------------------------------------------------------ */
/* A participant withdraws. */

static const char *
from_dana(struct fixture *f, const struct sent *to, const char *from,
    const char *body)
{
	GString	*s = g_string_new(NULL);

	g_string_append_printf(s, "From: Dana Whitfield <%s>\nTo: "
	    PROGRAM_ADDR "\nMessage-ID: <dana.%d@ccpl.example.org>\n", from,
	    ++f->seq);
	if (to != NULL)
		g_string_append_printf(s, "Subject: Re: %s\nIn-Reply-To: "
		    "<%s>\n", to->subject, to->message_id);
	else
		g_string_append(s, "Subject: the program\n");
	g_string_append_printf(s, "\n%s\n", body);
	if (to != NULL)
		g_string_append_printf(s, "\nOn Sat, Program wrote:\n> %s\n",
		    to->subject);
	return keep(f, g_string_free(s, FALSE));
}

static void
test_participant_withdraws_after_confirming(void **state)
{
	struct fixture	*f = *state;
	struct sent	 ask, notice;
	int64_t		 m;

	start(f);
	m = deliver(f, from_dana(f, NULL, DANA, "Hello,\n\nI have taken a "
	    "new job. Please take me off the list.\n\nDana"));
	assert_string_equal(query_text(f, fmt(f, "SELECT kind FROM message "
	    "WHERE id = %lld", (long long)m)), "withdrawal");
	/* Nothing yet: a From line is not proof. */
	assert_string_equal(query_text(f, "SELECT status FROM participant "
	    "WHERE email = '" DANA "'"), "applied");
	ask = sent_to(f, "withdraw-confirm", DANA);
	assert_contains(ask.text, "reply to this mail with the word YES");

	/* A reply from another address confirms nothing. */
	deliver(f, from_dana(f, &ask, "dana@home.example", "Yes"));
	assert_string_equal(query_text(f, "SELECT status FROM participant "
	    "WHERE email = '" DANA "'"), "applied");
	/* Nor one that does not say yes. */
	deliver(f, from_dana(f, &ask, DANA, "Actually, no: I will stay."));
	assert_string_equal(query_text(f, "SELECT status FROM participant "
	    "WHERE email = '" DANA "'"), "applied");
	assert_contains(sent_to(f, "withdrawn", DANA).text, "not been "
	    "withdrawn");

	m = deliver(f, from_dana(f, &ask, DANA, "Yes, please."));
	assert_string_equal(query_text(f, "SELECT status FROM participant "
	    "WHERE email = '" DANA "'"), "withdrawn");
	assert_null(status_of(f, f->dana_match));
	assert_contains(sent_to(f, "withdrawn", DANA).text, "You have "
	    "withdrawn");
	notice = sent_to(f, "withdrawal-notice", COORD);
	assert_contains(notice.text, "Dana Whitfield <" DANA ">\nasked to "
	    "withdraw");
	assert_contains(notice.text, fmt(f, "proposal %lld withdrawn",
	    (long long)f->dana_match));
	token_of(f, &notice);
	assert_int_equal(count_of(f, "withdrawal-notice", COORD2), 1);
	assert_string_equal(query_text(f, fmt(f, "SELECT actor || '|' || "
	    "command || '|' || outcome FROM audit WHERE message = %lld",
	    (long long)m)), DANA "|withdraw (confirmed by reply)|done");

	/* Too late now, and the next round leaves her out. */
	deliver(f, from_dana(f, &ask, DANA, "yes"));
	assert_contains(sent_to(f, "withdrawn", DANA).text, "already");
	begin(f);
	propose(f);
	commit(f);
	assert_int_equal(query_int(f, "SELECT count(*) FROM match m JOIN "
	    "participant p ON p.id = m.mentee WHERE p.email = '" DANA "'"), 0);
}

static void
test_confirmation_expires(void **state)
{
	struct fixture	*f = *state;
	struct sent	 ask;

	start(f);
	deliver(f, from_dana(f, NULL, DANA, "I want to withdraw."));
	ask = sent_to(f, "withdraw-confirm", DANA);
	clock_to(f, "2026-03-28T15:00:01Z");
	deliver(f, from_dana(f, &ask, DANA, "yes"));
	assert_string_equal(query_text(f, "SELECT status FROM participant "
	    "WHERE email = '" DANA "'"), "applied");
	/* A fresh request instead. */
	assert_int_equal(count_of(f, "withdraw-confirm", DANA), 2);
}

static void
test_withdrawal_from_a_stranger(void **state)
{
	struct fixture	*f = *state;

	start(f);
	deliver(f, from_dana(f, NULL, "nobody@example.net", "Please remove me "
	    "from the list."));
	assert_contains(sent_to(f, "withdrawn", "nobody@example.net").text,
	    "no application");
	assert_int_equal(query_int(f, "SELECT count(*) FROM outbox WHERE "
	    "kind = 'withdrawal-notice'"), 0);
}

/* ------------------------------------------------------------------ */
/* The table, and forgetting. */

/* The command line's usage names every command it offers. */
static void
test_cli_usage_names_every_action(void **state)
{
	static const char *const names[] = { "approve", "reject", "pin",
	    "exclude", "withdraw", "end", "status", "help" };
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if (action_find(names[i], ACTION_CLI) != NULL)
			assert_contains(cmd_match_entry.usage, fmt(*state,
			    "%s ", names[i]));
		assert_non_null(action_find(names[i], ACTION_MAIL));
	}
	assert_null(action_find("status", ACTION_CLI));
}

static void
count_line(const char *place, const char *text, void *arg)
{
	(*(int *)arg)++;
}

static void
count_place(const char *place, const char *what, int n, void *arg)
{
	g_string_append_printf(arg, "%s=%d ", place, n);
}

static void
test_forget_keeps_only_counts(void **state)
{
	struct fixture	*f = *state;
	struct sent	 p;
	GString		*said = g_string_new(NULL);
	char		*cause = NULL;
	int		 lines = 0, n;

	start(f);
	p = proposals(f);
	deliver(f, reply_to(f, COORD, &p, "", fmt(f, "approve %lld\n"
	    "pin " DANA " " MILES, (long long)f->dana_match)));
	deliver(f, from_dana(f, NULL, DANA, "Please take me off the list."));
	assert_true(state_person_each(f->db, DANA, count_line, &lines,
	    &cause) > 5);

	begin(f);
	n = state_person_forget(f->db, "Dana.Whitfield@CCPL.example.org",
	    count_place, said, &cause);
	commit(f);
	assert_true(n > 0);
	assert_contains(said->str, "answers=");
	assert_contains(said->str, "messages=");
	assert_contains(said->str, "mail=");
	assert_contains(said->str, "participant=1 ");

	/* Nothing of hers can be found, or read, any more. */
	lines = 0;
	assert_int_equal(state_person_each(f->db, DANA, count_line, &lines,
	    &cause), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM participant_field "
	    "f JOIN participant p ON p.id = f.participant WHERE p.status = "
	    "'forgotten' AND f.name <> 'role'"), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM participant_change "
	    "c JOIN participant p ON p.id = c.participant WHERE p.status = "
	    "'forgotten'"), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM message WHERE "
	    "instr(lower(CAST(raw AS TEXT)), 'dana') > 0 OR "
	    "instr(lower(text), 'dana') > 0"), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM outbox WHERE "
	    "instr(lower(replace(CAST(raw AS TEXT), char(61, 13, 10), '')), "
	    "'" DANA "') > 0 OR to_addr = '" DANA "'"), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM audit WHERE "
	    "instr(command || coalesce(detail, ''), 'dana') > 0"), 0);
	assert_int_equal(query_int(f, "SELECT count(*) FROM match_rule"), 0);
	/* What is left is anonymous, and counts stay true. */
	assert_int_equal(query_int(f, "SELECT count(*) FROM participant WHERE "
	    "status = 'forgotten'"), 1);
	assert_int_equal(query_int(f, "SELECT count(*) FROM participant_field "
	    "WHERE name = 'role' AND value = 'mentee'"), 2);
	assert_string_equal(status_of(f, f->dana_match), "approved");
	g_string_free(said, TRUE);
}

/* Savepoints nest: a line undone inside its message's savepoint. */
static void
test_savepoints_nest(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	start(f);
	begin(f);
	assert_int_equal(db_savepoint(f->db, &cause), 0);
	db_exec(f->db, NULL, "UPDATE participant SET reason = 'outer'", "");
	assert_int_equal(db_savepoint(f->db, &cause), 0);
	db_exec(f->db, NULL, "UPDATE participant SET reason = 'inner'", "");
	assert_int_equal(db_rollback_savepoint(f->db, &cause), 0);
	assert_int_equal(db_release(f->db, &cause), 0);
	commit(f);
	assert_int_equal(query_int(f, "SELECT count(*) FROM participant WHERE "
	    "reason = 'outer'"), 4);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lines_quotes_are_skipped),
		T(test_lines_end_at_an_unmarked_quote),
		T(test_lines_end_at_signature_and_thanks),
		T(test_lines_at_most_max),
		T(test_command_lines_subject),
		T(test_proposals_carry_a_token_each),
		T(test_reply_with_token_approves),
		T(test_same_mail_twice_is_done_once),
		T(test_forged_from_without_token_is_refused),
		T(test_replayed_token_is_refused),
		T(test_expired_token_is_refused),
		T(test_stranger_in_the_thread_is_refused),
		T(test_trusted_server_vouches),
		T(test_forged_results_below_the_trusted_are_refused),
		T(test_wrong_authserv_id_is_refused),
		T(test_html_reply_with_the_mail_quoted_beneath),
		T(test_mixed_mail),
		T(test_help_lists_the_mail_commands),
		T(test_reply_to_the_transcript),
		T(test_withdraw_and_end_by_mail),
		T(test_refusal_log_names_nobody),
		T(test_participant_withdraws_after_confirming),
		T(test_confirmation_expires),
		T(test_withdrawal_from_a_stranger),
		T(test_cli_usage_names_every_action),
		T(test_forget_keeps_only_counts),
		T(test_savepoints_nest),
	};

	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
