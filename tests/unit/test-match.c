/*
 * test-match.c -- proposing matches and acting on them, as match.h
 * promises.
 *
 * Each test builds its own pool: participants applied directly to an
 * empty database (complete and eligible, with a role), a configuration
 * whose [matching] group the test chooses, and the shipped rules and
 * templates, loaded as `mentormail match` loads them.  Every call is made
 * inside a transaction of its own, as the command line does; the clock is
 * fixed.  What a test reads back (reports, mails, texts) belongs to the
 * fixture and is freed after the test, failed or not.
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

#include "clock.h"
#include "config.h"
#include "db.h"
#include "match.h"
#include "program.h"
#include "mime.h"
#include "reply.h"
#include "rules.h"
#include "state-calendar.h"
#include "state-match.h"
#include "state-message.h"
#include "state-participant.h"
#include "testlib.h"

#define NOW		"2026-03-14T15:00:00Z"
#define COORDINATOR	"coord@example.org"
#define COORDINATOR2	"second.coord@example.org"

/* Mentees. */
#define DANA	"dana.whitfield@ccpl.example.org"
#define MARISA	"mchee@sheridanlibrary.example.org"
#define GABRIEL	"gortizhale@uwyo.example.edu"
#define KYLE	"kbrandt@johnsoncountylibrary.example.org"
#define JESSICA	"jmoreno@sublettelibrary.example.org"

/* Mentors. */
#define RUSSELL	"rtenney@parkcountylib.example.org"
#define LINDA	"lhartley@hscl.example.org"
#define MILES	"miles.okafor@wyolaw.example.gov"
#define ANN	"akowalczyk@ccpl-system.example.org"

struct fixture {
	char			*dir;
	struct config		*cfg;
	struct db		*db;
	struct program		*prog;
	struct match_ctx	 m;
	uint32_t		 uid;	/* of the last message recorded */
	GPtrArray		*kept;	/* struct kept *, freed after */
};

/* Something a test reads, with what frees it. */
struct kept {
	gpointer	 p;
	GDestroyNotify	 fn;
};

static void
kept_free(gpointer p)
{
	struct kept	*k = p;

	k->fn(k->p);
	g_free(k);
}

/* Free `p` with `fn` when the test ends; returns `p`. */
static gpointer
keep(struct fixture *f, gpointer p, GDestroyNotify fn)
{
	struct kept	*k = g_new(struct kept, 1);

	*k = (struct kept){ p, fn };
	g_ptr_array_add(f->kept, k);
	return p;
}

/* A printf-formatted string that lasts until the test ends. */
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
	return keep(f, s, g_free);
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->kept = g_ptr_array_new_with_free_func(kept_free);
	f->dir = g_dir_make_tmp("test-match.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	return clock_set(NOW, NULL, NULL);
}

static void
fixture_close(struct fixture *f)
{
	char	*path;

	program_free(f->prog);
	config_free(f->cfg);
	db_close(f->db);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	g_remove(path);
	g_free(path);
	f->prog = NULL;
	f->cfg = NULL;
	f->db = NULL;
	f->uid = 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	fixture_close(f);
	g_ptr_array_unref(f->kept);
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/*
 * Start the program with `matching` as its [matching] group ("" for the
 * defaults), the shipped rules and templates, and an empty database; load
 * what matching needs as `mentormail match` does.
 */
static void
start_with(struct fixture *f, const char *coordinators, const char *matching)
{
	GDateTime		*now;
	char			*cwd, *path, *text, *cause = NULL;

	cwd = g_get_current_dir();
	text = g_strdup_printf(
	    "[program]\n"
	    "name = Wyoming Mentoring Program\n"
	    "address = mentoring@example.org\n"
	    "coordinators = %s\n"
	    "timezone = America/Denver\n"
	    "database = state.db\n"
	    "rules = %s/rules\n"
	    "templates = %s/templates\n"
	    "forms = wyoming\n"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "username = mentoring@example.org\n"
	    "password_file = imap.password\n"
	    "[matching]\n"
	    "%s", coordinators, cwd, cwd, matching);
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path, text);
	g_free(path);
	if (db_open_copy_in(f->dir, &f->db, &cause) != 0)
		fail_msg("db_open_copy: %s", cause);
	now = clock_now();
	if (program_open(f->cfg, f->db, now, &f->prog, &cause) != 0)
		fail_msg("program_open: %s", cause);
	g_date_time_unref(now);
	f->m = (struct match_ctx){ f->cfg, f->db, f->prog->rules,
	    f->prog->replies, NOW, f->prog };
	g_free(text);
	g_free(cwd);
}

static void
start(struct fixture *f, const char *matching)
{
	start_with(f, COORDINATOR, matching);
}

/* ------------------------------------------------------------------ */
/* Participants */

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

static void
field_add(struct extraction *x, const char *name, const char *value)
{
	struct extract_field	*fld = g_new0(struct extract_field, 1);

	fld->name = g_strdup(name);
	fld->value = g_strdup(value);
	g_ptr_array_add(x->fields, fld);
}

/*
 * An application read as the Wyoming form: the NAME, VALUE pairs of `ap`,
 * after `email` as the rules give it (from the form, or else from From:)
 * when it is not NULL.
 */
static struct extraction *
application(const char *email, va_list ap)
{
	struct extraction	*x = g_new0(struct extraction, 1);
	const char		*name;

	x->kind = g_strdup("application");
	x->form = g_strdup("wyoming");
	x->fields = g_ptr_array_new_with_free_func(field_free);
	x->missing = g_ptr_array_new_with_free_func(g_free);
	x->unclear = g_ptr_array_new_with_free_func(g_free);
	x->trace = g_ptr_array_new_with_free_func(g_free);
	if (email != NULL)
		field_add(x, "email", email);
	while ((name = va_arg(ap, const char *)) != NULL)
		field_add(x, name, va_arg(ap, const char *));
	return x;
}

/*
 * Apply what `email` sent (`ap`, as for application()) and, when `status`
 * is not NULL, judge it so; a correction leaves the status as it was.
 */
static void
apply_fields(struct fixture *f, const char *email, const char *status,
    va_list ap)
{
	struct extraction	*x;
	char			*cause = NULL;
	int64_t			 id, message;
	int			 created;

	x = application(status != NULL ? email : NULL, ap);
	message = message_from(f, email);
	if (participant_apply(f->db, email, x, message, NOW, &id, &created,
	    &cause) != 0)
		fail_msg("participant_apply: %s", cause);
	if (status != NULL && participant_set_status(f->db, id, status, NULL,
	    NOW, &cause) != 0)
		fail_msg("participant_set_status: %s", cause);
	extraction_free(x);
}

/*
 * A complete, eligible application from `email`: NAME, VALUE pairs
 * ending in NULL.  The participant's id.
 */
static int64_t
applicant(struct fixture *f, const char *email, ...)
{
	va_list	ap;
	int64_t	id;
	int	found;

	va_start(ap, email);
	apply_fields(f, email, PARTICIPANT_APPLIED, ap);
	va_end(ap);
	id = db_query_int(f->db, NULL, &found, "SELECT id FROM participant "
	    "WHERE email = ?", "t", email);
	assert_int_equal(found, 1);
	return id;
}

/* A reply that corrects fields of an application; its status stays. */
static void
correction(struct fixture *f, const char *email, ...)
{
	va_list	ap;

	va_start(ap, email);
	apply_fields(f, email, NULL, ap);
	va_end(ap);
}

/*
 * The people.  Dana and Marisa want to learn grant writing and budgeting,
 * which Russell, Linda and Ann offer; Gabriel wants legal research, which
 * Miles (a law library) offers.
 */
static int64_t
add_dana(struct fixture *f)
{
	return applicant(f, DANA, "role", "mentee", "name", "Dana Whitfield",
	    "library", "Campbell County Public Library", "library_type",
	    "public", "position", "Branch Manager", "years_experience", "3",
	    "phone", "307-555-0142", "categories", "new-supervisor",
	    "goals", "Grant writing and budgeting for a small branch; "
	    "supervising staff for the first time.", NULL);
}

static int64_t
add_marisa(struct fixture *f)
{
	return applicant(f, MARISA, "role", "mentee", "name", "Marisa Chee",
	    "library", "Sheridan County Fulmer Public Library", "library_type",
	    "public", "position", "Library Assistant", "years_experience", "1",
	    "goals", "Grant writing, budgeting and programming for adults.",
	    NULL);
}

static int64_t
add_gabriel(struct fixture *f)
{
	return applicant(f, GABRIEL, "role", "mentee", "name",
	    "Gabriel Ortiz-Hale", "library", "University of Wyoming Libraries",
	    "library_type", "academic", "position",
	    "Research & Instruction Librarian", "years_experience", "2",
	    "goals", "Legal research instruction and reference interviews.",
	    NULL);
}

static int64_t
add_russell(struct fixture *f, const char *capacity)
{
	return applicant(f, RUSSELL, "role", "mentor", "name",
	    "Russell Tenney", "library", "Park County Library System",
	    "library_type", "public", "position", "Assistant Director",
	    "years_experience", "15", "phone", "307-555-0199", "capacity",
	    capacity, "categories", "experienced-staff, supervisor",
	    "strengths", "Grant writing, budgeting, supervising staff and "
	    "running a branch.", NULL);
}

static int64_t
add_linda(struct fixture *f)
{
	return applicant(f, LINDA, "role", "mentor", "name", "Linda Hartley",
	    "library", "Hot Springs County Library", "library_type", "public",
	    "position", "Library Director", "years_experience", "20",
	    "categories", "director", "strengths",
	    "Budgeting, grant writing and working with a library board.", NULL);
}

static int64_t
add_miles(struct fixture *f)
{
	return applicant(f, MILES, "role", "mentor", "name", "Miles Okafor",
	    "library", "Wyoming State Law Library", "library_type", "special",
	    "position", "Deputy State Law Librarian", "years_experience", "10",
	    "strengths", "Legal research, reference interviews and digital "
	    "collections.", NULL);
}

/* Ann works for the same employer as Dana, under a longer name. */
static int64_t
add_ann(struct fixture *f)
{
	return applicant(f, ANN, "role", "mentor", "name", "Ann Kowalczyk",
	    "library", "Campbell County Public Library System", "library_type",
	    "public", "position", "Technical Services Manager",
	    "years_experience", "12", "strengths", "Grant writing, budgeting "
	    "and supervising staff in a branch.", NULL);
}

/* ------------------------------------------------------------------ */
/* Acting, as the command line does: one transaction per call. */

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

static void
report_free(gpointer p)
{
	match_report_free(p);
}

/* One round of proposals: its report. */
static const struct match_report *
propose(struct fixture *f)
{
	struct match_report	*r = NULL;
	char			*cause = NULL;

	begin(f);
	if (match_propose(&f->m, &r, &cause) != 0)
		fail_msg("match_propose: %s", (char *)keep(f, cause, g_free));
	commit(f);
	assert_non_null(r);
	return keep(f, r, report_free);
}

static void
approve(struct fixture *f, int64_t id)
{
	char	*cause = NULL;

	begin(f);
	if (match_approve(&f->m, id, &cause) != 0)
		fail_msg("match_approve %lld: %s", (long long)id, cause);
	commit(f);
}

static void
reject(struct fixture *f, int64_t id)
{
	char	*cause = NULL;

	begin(f);
	if (match_reject(&f->m, id, &cause) != 0)
		fail_msg("match_reject %lld: %s", (long long)id, cause);
	commit(f);
}

/* Approving `id` is refused: the cause, after the rollback. */
static const char *
approve_refused(struct fixture *f, int64_t id)
{
	char	*cause = NULL;

	begin(f);
	if (match_approve(&f->m, id, &cause) == 0)
		fail_msg("match %lld was approved", (long long)id);
	db_rollback(f->db);
	assert_non_null(cause);
	return keep(f, cause, g_free);
}

/* Rejecting `id` is refused: the cause, after the rollback. */
static const char *
reject_refused(struct fixture *f, int64_t id)
{
	char	*cause = NULL;

	begin(f);
	if (match_reject(&f->m, id, &cause) == 0)
		fail_msg("match %lld was rejected", (long long)id);
	db_rollback(f->db);
	assert_non_null(cause);
	return keep(f, cause, g_free);
}

static void
pin(struct fixture *f, const char *mentee, const char *mentor)
{
	char	*cause = NULL;

	begin(f);
	if (match_pin(&f->m, mentee, mentor, &cause) != 0)
		fail_msg("match_pin: %s", cause);
	commit(f);
}

static void
exclude(struct fixture *f, const char *mentee, const char *mentor)
{
	char	*cause = NULL;

	begin(f);
	if (match_exclude(&f->m, mentee, mentor, &cause) != 0)
		fail_msg("match_exclude: %s", cause);
	commit(f);
}

static void
notify(struct fixture *f, const struct match_report *r)
{
	char	*cause = NULL;

	begin(f);
	if (match_notify(&f->m, r, &cause) != 0)
		fail_msg("match_notify: %s", cause);
	commit(f);
}

/* ------------------------------------------------------------------ */
/* Looking at the result */

/* Whether label "Name <address>" is that of `email`. */
static int
is_of(const char *label, const char *email)
{
	char	*want;
	int	 yes;

	if (label == NULL)
		return 0;
	want = g_strdup_printf("<%s>", email);
	yes = g_str_has_suffix(label, want);
	g_free(want);
	return yes;
}

/* The proposal for `mentee` in `r`, or NULL. */
static const struct match_line *
proposal_of(const struct match_report *r, const char *mentee)
{
	const struct match_line	*l;
	guint			 i;

	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		if (is_of(l->mentee, mentee))
			return l;
	}
	return NULL;
}

/* The proposal for `mentee`, which must be with `mentor`. */
static const struct match_line *
assert_proposed(const struct match_report *r, const char *mentee,
    const char *mentor)
{
	const struct match_line	*l = proposal_of(r, mentee);

	if (l == NULL)
		fail_msg("no proposal for %s", mentee);
	if (!is_of(l->mentor, mentor))
		fail_msg("%s is proposed %s, not <%s>", mentee, l->mentor,
		    mentor);
	assert_true(l->id > 0);
	return l;
}

static void
assert_not_proposed(const struct match_report *r, const char *mentee)
{
	const struct match_line	*l = proposal_of(r, mentee);

	if (l != NULL)
		fail_msg("%s is proposed %s", mentee, l->mentor);
}

/* Why `mentee` is unmatched in `r` (it must be). */
static const char *
unmatched_why(const struct match_report *r, const char *mentee)
{
	const struct match_line	*l;
	guint			 i;

	for (i = 0; i < r->unmatched->len; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		if (is_of(l->mentee, mentee)) {
			assert_null(l->mentor);
			return l->why;
		}
	}
	fail_msg("%s is not listed as unmatched", mentee);
	return NULL;
}

static int
is_unmatched(const struct match_report *r, const char *mentee)
{
	const struct match_line	*l;
	guint			 i;

	for (i = 0; i < r->unmatched->len; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		if (is_of(l->mentee, mentee))
			return 1;
	}
	return 0;
}

/* How many proposals in `r` name `mentor`. */
static int
proposed_to(const struct match_report *r, const char *mentor)
{
	const struct match_line	*l;
	guint			 i;
	int			 n = 0;

	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		n += is_of(l->mentor, mentor);
	}
	return n;
}

static int64_t
count(struct fixture *f, const char *sql)
{
	int64_t	n;
	int	found;

	n = db_query_int(f->db, NULL, &found, sql, "");
	if (found < 0)
		fail_msg("query failed: %s", sql);
	return n;
}

/* The status of match `id`, or NULL when there is none. */
static const char *
status_of(struct fixture *f, int64_t id)
{
	char	*s = NULL;

	if (db_query(f->db, NULL, copy_text, &s, "SELECT status FROM match "
	    "WHERE id = ?", "i", id) < 0)
		fail_msg("reading match %lld failed", (long long)id);
	return s != NULL ? keep(f, s, g_free) : NULL;
}

/* Match `id` has status `want`; NULL: there is no such match (any more). */
static void
assert_status(struct fixture *f, int64_t id, const char *want)
{
	const char	*s = status_of(f, id);

	if (want == NULL && s != NULL)
		fail_msg("match %lld is %s, not gone", (long long)id, s);
	if (want != NULL && s == NULL)
		fail_msg("match %lld is gone, not %s", (long long)id, want);
	if (want != NULL)
		assert_string_equal(s, want);
}

/* Why `mentee` is in table unmatched, or NULL. */
static const char *
stored_unmatched(struct fixture *f, const char *mentee)
{
	char	*s = NULL;

	if (db_query(f->db, NULL, copy_text, &s, "SELECT u.why FROM unmatched "
	    "u JOIN participant p ON p.id = u.mentee WHERE p.email = ?", "t",
	    mentee) < 0)
		fail_msg("reading unmatched failed");
	return s != NULL ? keep(f, s, g_free) : NULL;
}

/* One outbox mail, as queued. */
struct mail {
	char	*to;
	char	*kind;
	char	*message_id;
	char	*raw;
};

static void
mail_free(gpointer p)
{
	struct mail	*m = p;

	g_free(m->to);
	g_free(m->kind);
	g_free(m->message_id);
	g_free(m->raw);
	g_free(m);
}

static int
mail_row(struct db_row *row, void *arg)
{
	struct mail	*m = g_new0(struct mail, 1);
	const void	*raw;
	size_t		 len;

	m->to = g_strdup(db_row_text(row, 0));
	m->kind = g_strdup(db_row_text(row, 1));
	m->message_id = g_strdup(db_row_text(row, 2));
	raw = db_row_blob(row, 3, &len);
	m->raw = g_strndup(raw, len);
	g_ptr_array_add(arg, m);
	return 0;
}

static void
mails_free(gpointer p)
{
	g_ptr_array_unref(p);
}

/* The outbox mails of `kind` (struct mail *), in the order queued. */
static GPtrArray *
mails(struct fixture *f, const char *kind)
{
	GPtrArray	*v = g_ptr_array_new_with_free_func(mail_free);

	keep(f, v, mails_free);
	if (db_query(f->db, NULL, mail_row, v, "SELECT to_addr, kind, "
	    "message_id, raw FROM outbox WHERE kind = ? ORDER BY id", "t",
	    kind) < 0)
		fail_msg("reading the outbox failed");
	return v;
}

/* The mail in `v` to `to` (there must be exactly one). */
static const struct mail *
mail_to(GPtrArray *v, const char *to)
{
	const struct mail	*m, *found = NULL;
	guint			 i;

	for (i = 0; i < v->len; i++) {
		m = g_ptr_array_index(v, i);
		if (g_ascii_strcasecmp(m->to, to) != 0)
			continue;
		if (found != NULL)
			fail_msg("more than one mail to %s", to);
		found = m;
	}
	if (found == NULL)
		fail_msg("no mail to %s", to);
	return found;
}

/*
 * The text of a queued mail as a mail reader shows it: the body, then
 * each text attachment after a line "----- attachment: NAME -----".
 */
static const char *
text_of(struct fixture *f, const struct mail *m)
{
	struct mime_msg	*msg;
	char		*cause = NULL, *text;

	if (mime_parse(m->raw, strlen(m->raw), &msg, &cause) != 0)
		fail_msg("mime_parse: %s", (char *)keep(f, cause, g_free));
	text = g_strdup(msg->text);
	mime_msg_free(msg);
	assert_non_null(text);
	return keep(f, text, g_free);
}

/* Every proposal and unmatched mentee of `r`, one a line. */
static const char *
report_text(struct fixture *f, const struct match_report *r)
{
	const struct match_line	*l;
	GString			*s = g_string_new(NULL);
	guint			 i;

	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		g_string_append_printf(s, "%lld %s | %s | %d | %s | %s | %d\n",
		    (long long)l->id, l->mentee, l->mentor, l->score, l->why,
		    l->runner_up != NULL ? l->runner_up : "-", l->created);
	}
	for (i = 0; i < r->unmatched->len; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		g_string_append_printf(s, "unmatched %s | %s\n", l->mentee,
		    l->why);
	}
	return keep(f, g_string_free(s, FALSE), g_free);
}

/* ------------------------------------------------------------------ */
/* The pool */

/* Only complete, eligible applications with a role are matched. */
static void
test_pool_is_applied_participants_with_a_role(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 marisa;

	start(f, "");
	add_dana(f);
	marisa = add_marisa(f);
	add_russell(f, "3");
	/* Hannah ticked neither role. */
	applicant(f, "hbirch@tclib.example.org", "name", "Hannah Birch",
	    "library", "Teton County Library", "library_type", "public", NULL);
	begin(f);
	assert_int_equal(participant_set_status(f->db, marisa,
	    PARTICIPANT_INCOMPLETE, NULL, NOW, NULL), 0);
	commit(f);

	r = propose(f);
	assert_proposed(r, DANA, RUSSELL);
	assert_int_equal(r->proposals->len, 1);
	assert_int_equal(r->unmatched->len, 0);
	assert_int_equal(r->created, 1);
}

static void
test_nobody_waiting(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;

	start(f, "");
	add_russell(f, "1");
	r = propose(f);
	assert_int_equal(r->proposals->len, 0);
	assert_int_equal(r->unmatched->len, 0);
	assert_int_equal(r->created, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 0);
}

/* ------------------------------------------------------------------ */
/* What is never proposed */

/*
 * Ann works at "Campbell County Public Library System", Dana at
 * "Campbell County Public Library": one employer, never a pair, however
 * well they would suit each other otherwise.
 */
static void
test_same_employer_never_proposed(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;

	start(f, "");
	add_dana(f);
	add_ann(f);
	r = propose(f);
	assert_not_proposed(r, DANA);
	assert_string_equal(unmatched_why(r, DANA),
	    "no eligible mentor among 1: 1 same employer");
	assert_string_equal(stored_unmatched(f, DANA), unmatched_why(r, DANA));

	/* A mentor elsewhere is proposed, though a weaker fit. */
	add_miles(f);
	r = propose(f);
	assert_proposed(r, DANA, MILES);
	assert_int_equal(proposed_to(r, ANN), 0);
	assert_null(proposal_of(r, DANA)->runner_up);
	assert_false(is_unmatched(r, DANA));
	assert_null(stored_unmatched(f, DANA));
}

/* A rejected pair is never proposed again, whoever else comes and goes. */
static void
test_rejected_pair_never_proposed_again(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 first, second;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	add_linda(f);
	r = propose(f);
	first = assert_proposed(r, DANA, RUSSELL)->id;

	reject(f, first);
	assert_status(f, first, "rejected");
	r = propose(f);
	second = assert_proposed(r, DANA, LINDA)->id;
	assert_true(second != first);
	assert_null(proposal_of(r, DANA)->runner_up);

	reject(f, second);
	add_marisa(f);
	r = propose(f);
	assert_not_proposed(r, DANA);
	assert_contains(unmatched_why(r, DANA), "no eligible mentor among 2");
	assert_status(f, first, "rejected");
	assert_status(f, second, "rejected");
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE mentee = "
	    "(SELECT id FROM participant WHERE email = '" DANA "')"), 2);
}

/* Excluded: the pair is kept apart, and a pending proposal withdrawn. */
static void
test_exclude_keeps_a_pair_apart(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 id;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	id = assert_proposed(r, DANA, RUSSELL)->id;

	exclude(f, DANA, RUSSELL);
	r = propose(f);
	assert_proposed(r, DANA, MILES);
	assert_null(proposal_of(r, DANA)->runner_up);
	assert_status(f, id, NULL);

	exclude(f, DANA, MILES);
	r = propose(f);
	assert_string_equal(unmatched_why(r, DANA), "no eligible mentor among "
	    "2: 2 excluded by the coordinator");
}

static void
test_pin_and_exclude_need_known_addresses(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");

	begin(f);
	assert_int_equal(match_pin(&f->m, "nobody@example.org", RUSSELL,
	    &cause), -1);
	assert_string_equal(keep(f, cause, g_free),
	    "no mentee has the address nobody@example.org");
	cause = NULL;
	assert_int_equal(match_exclude(&f->m, DANA, "nobody@example.org",
	    &cause), -1);
	assert_string_equal(keep(f, cause, g_free),
	    "no mentor has the address nobody@example.org");
	cause = NULL;
	/* The mentor first: the roles are the wrong way round. */
	assert_int_equal(match_pin(&f->m, RUSSELL, DANA, &cause), -1);
	assert_string_equal(keep(f, cause, g_free),
	    "no mentee has the address " RUSSELL);
	db_rollback(f->db);
	assert_int_equal(count(f, "SELECT count(*) FROM match_rule"), 0);

	/* An address is the same whatever its case. */
	pin(f, "Dana.Whitfield@CCPL.example.org", RUSSELL);
	assert_int_equal(count(f, "SELECT count(*) FROM match_rule"), 1);
}

/* ------------------------------------------------------------------ */
/* Pins */

/* A pin is kept even when another mentor suits the mentee better. */
static void
test_pin_forces_a_pair(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_proposed(r, DANA, RUSSELL);

	pin(f, DANA, MILES);
	r = propose(f);
	l = assert_proposed(r, DANA, MILES);
	assert_true(g_str_has_prefix(l->why, "pinned by the coordinator"));
	assert_contains(l->runner_up, "Russell Tenney <" RUSSELL ">");
}

/* The score a runner-up sentence gives ("Name <a>, score 750, ..."). */
static int
runner_up_score(const char *runner_up)
{
	const char	*p;

	assert_non_null(runner_up);
	if ((p = strstr(runner_up, ", score ")) == NULL)
		fail_msg("no score in \"%s\"", runner_up);
	return atoi(p + strlen(", score "));
}

/* The runner-up of a pin scores higher: it lost to the pin, not on score. */
static void
test_runner_up_of_a_pin_is_not_called_lower(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	add_miles(f);
	pin(f, DANA, MILES);
	r = propose(f);
	l = assert_proposed(r, DANA, MILES);
	assert_contains(l->runner_up, "Russell Tenney <" RUSSELL ">, score ");
	assert_true(runner_up_score(l->runner_up) > l->score);
	assert_lacks(l->runner_up, "lower");
}

/*
 * Pins beyond a mentor's capacity: the coordinator is told when pinning,
 * or the round honours what fits.  Proposing never stops altogether.
 */
static void
test_pins_beyond_capacity_do_not_stop_the_round(void **state)
{
	struct fixture		*f = *state;
	struct match_report	*r = NULL;
	char			*cause = NULL;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	add_russell(f, "1");
	add_miles(f);
	pin(f, DANA, MILES);
	begin(f);
	if (match_pin(&f->m, MARISA, MILES, &cause) != 0) {
		db_rollback(f->db);
		assert_contains(keep(f, cause, g_free), "Miles");
		return;
	}
	commit(f);
	begin(f);
	if (match_propose(&f->m, &r, &cause) != 0)
		fail_msg("with two mentees pinned to a mentor with room for "
		    "one, match_propose fails: %s",
		    (char *)keep(f, cause, g_free));
	commit(f);
	keep(f, r, report_free);
	assert_true(proposed_to(r, MILES) <= 1);
}

/* What pinning (or excluding) says, as `mentormail match pin` prints it. */
static const char *
rule_said(struct fixture *f, int pin_it, const char *mentee,
    const char *mentor)
{
	char	*cause = NULL, *out = NULL;

	begin(f);
	if ((pin_it ? match_pin(&f->m, mentee, mentor, &cause) :
	    match_exclude(&f->m, mentee, mentor, &cause)) != 0 ||
	    match_rule_outlook(&f->m, mentee, mentor, &out, &cause) != 0)
		fail_msg("pin or exclude: %s", cause);
	commit(f);
	return keep(f, out, g_free);
}

/*
 * The coordinator is told what a pin does: the next round as it will
 * be (made and undone: nothing is proposed yet), or what keeps the pin
 * from acting: the mentor has no room, the mentee is matched already.
 */
static void
test_pin_says_what_the_next_round_does(void **state)
{
	struct fixture	*f = *state;
	const char	*said;
	int64_t		 id;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	add_russell(f, "1");
	add_miles(f);
	said = rule_said(f, 1, DANA, MILES);
	assert_true(g_str_has_prefix(said, "the next round proposes Dana "
	    "Whitfield <" DANA "> with Miles Okafor <" MILES "> (score "));
	assert_true(g_str_has_suffix(said, "), for you to approve\n"));
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);

	/* Russell takes Marisa; then Dana is pinned to him, who is full. */
	id = assert_proposed(propose(f), MARISA, RUSSELL)->id;
	approve(f, id);
	said = rule_said(f, 1, DANA, RUSSELL);
	assert_contains(said, fmt(f, "Russell Tenney <" RUSSELL "> has no room "
	    "left (1 of 1 mentee taken): the pin waits until they have "
	    "room\n"));
	assert_contains(said, "the next round proposes Dana Whitfield <"
	    DANA "> with Miles Okafor <" MILES ">");

	/* Marisa is matched: a pin of hers waits for that match to end. */
	said = rule_said(f, 1, MARISA, MILES);
	assert_string_equal(said, fmt(f, "Marisa Chee <" MARISA "> is matched "
	    "already (match %lld): the pin changes nothing while that match "
	    "runs\n", (long long)id));
	said = rule_said(f, 0, MARISA, RUSSELL);
	assert_string_equal(said, fmt(f, "they are matched already (match "
	    "%lld): the exclusion does not end that match\n", (long long)id));
}

/* An exclusion says who the mentee gets instead, or why nobody. */
static void
test_exclude_says_what_the_next_round_does(void **state)
{
	struct fixture	*f = *state;
	const char	*said;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	said = rule_said(f, 0, DANA, RUSSELL);
	assert_string_equal(said, "the next round proposes nobody for Dana "
	    "Whitfield <" DANA ">: no eligible mentor among 1: 1 excluded by "
	    "the coordinator\n");
}

/* A pin for someone whose application is incomplete waits for it. */
static void
test_pin_of_an_incomplete_applicant(void **state)
{
	struct fixture	*f = *state;
	const char	*said;
	char		*cause = NULL;
	int64_t		 dana;

	start(f, "");
	dana = add_dana(f);
	add_miles(f);
	begin(f);
	if (participant_set_status(f->db, dana, PARTICIPANT_INCOMPLETE, NULL,
	    NOW, &cause) != 0)
		fail_msg("participant_set_status: %s", cause);
	commit(f);
	said = rule_said(f, 1, DANA, MILES);
	assert_string_equal(said, "Dana Whitfield <" DANA "> is incomplete: "
	    "they are in no round until their application is complete and "
	    "eligible\n");
}

/* A proposal is not decided: decided_at waits for the coordinator. */
static void
test_decided_at_only_once_decided(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 a, b;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	a = assert_proposed(r, DANA, RUSSELL)->id;
	b = assert_proposed(r, GABRIEL, MILES)->id;
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE "
	    "decided_at IS NULL AND proposed_at = '" NOW "'"), 2);
	propose(f);
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE "
	    "decided_at IS NULL"), 2);
	approve(f, a);
	reject(f, b);
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE "
	    "decided_at = '" NOW "'"), 2);
}

static void
status_add(const char *key, const char *value, void *arg)
{
	if (g_str_has_prefix(key, "matches."))
		g_string_append_printf(arg, "%s: %s\n", key, value);
}

/* The matches.* lines `mentormail status` prints. */
static const char *
match_status(struct fixture *f)
{
	GString	*s = g_string_new(NULL);
	char	*cause = NULL;

	if (state_calendar_status(f->db, status_add, s, &cause) != 0)
		fail_msg("state_calendar_status: %s", cause);
	return keep(f, g_string_free(s, FALSE), g_free);
}

/* status counts matches by where they stand. */
static void
test_status_counts_matches(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 a, b;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	add_miles(f);
	assert_string_equal(match_status(f), "matches.proposed: 0\n"
	    "matches.approved: 0\nmatches.rejected: 0\n"
	    "matches.confirming: 0\nmatches.active: 0\nmatches.ended: 0\n");
	r = propose(f);
	a = assert_proposed(r, DANA, RUSSELL)->id;
	b = assert_proposed(r, GABRIEL, MILES)->id;
	assert_string_equal(match_status(f), "matches.proposed: 2\n"
	    "matches.approved: 0\nmatches.rejected: 0\n"
	    "matches.confirming: 0\nmatches.active: 0\nmatches.ended: 0\n");
	approve(f, a);
	reject(f, b);
	assert_string_equal(match_status(f), "matches.proposed: 0\n"
	    "matches.approved: 1\nmatches.rejected: 1\n"
	    "matches.confirming: 0\nmatches.active: 1\nmatches.ended: 0\n");
}

/* ------------------------------------------------------------------ */
/* Capacity and approved matches */

/*
 * Russell takes two mentees.  He is proposed to two of three; once one is
 * approved he has room for one more; once two are, none.
 */
static void
test_mentor_capacity_respected(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;
	int64_t				 first, second;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	applicant(f, JESSICA, "role", "mentee", "name", "Jessica Moreno",
	    "library", "Sublette County Library", "library_type", "public",
	    "position", "Library Clerk", "years_experience", "1", "goals",
	    "Grant writing and budgeting.", NULL);
	add_russell(f, "2");

	r = propose(f);
	assert_int_equal(r->proposals->len, 2);
	assert_int_equal(proposed_to(r, RUSSELL), 2);
	assert_int_equal(r->unmatched->len, 1);
	l = g_ptr_array_index(r->unmatched, 0);
	assert_contains(l->why, "their candidates are proposed for mentees they "
	    "suit better (best: Russell Tenney <" RUSSELL ">, score ");
	first = assert_proposed(r, DANA, RUSSELL)->id;

	/* One approved: Dana is out of the pool, Russell has one place. */
	approve(f, first);
	r = propose(f);
	assert_not_proposed(r, DANA);
	assert_false(is_unmatched(r, DANA));
	assert_int_equal(r->proposals->len, 1);
	assert_int_equal(proposed_to(r, RUSSELL), 1);
	assert_int_equal(r->unmatched->len, 1);
	second = ((struct match_line *)g_ptr_array_index(r->proposals, 0))->id;

	/* Two approved: Russell is full, the last mentee has nobody. */
	approve(f, second);
	r = propose(f);
	assert_int_equal(r->proposals->len, 0);
	assert_int_equal(r->unmatched->len, 1);
	l = g_ptr_array_index(r->unmatched, 0);
	assert_string_equal(l->why, "no mentor has room: recruit mentors");
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE status = "
	    "'approved'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM unmatched WHERE why = "
	    "'no mentor has room: recruit mentors'"), 1);
}

/* An approved match stays as it is, round after round. */
static void
test_approved_match_stays(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 id;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	add_linda(f);
	r = propose(f);
	id = assert_proposed(r, DANA, RUSSELL)->id;
	approve(f, id);

	/* Marisa would suit Russell as well: he is taken all the same. */
	add_marisa(f);
	r = propose(f);
	assert_not_proposed(r, DANA);
	assert_false(is_unmatched(r, DANA));
	assert_proposed(r, MARISA, LINDA);
	assert_int_equal(proposed_to(r, RUSSELL), 0);
	assert_status(f, id, "approved");
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 2);
}

/* ------------------------------------------------------------------ */
/* Mentors alike */

#define TWIN	"rtwin@parkcountylib.example.org"

/* Russell's application again, from another person at `email`. */
static int64_t
add_twin(struct fixture *f, const char *email, const char *capacity)
{
	return applicant(f, email, "role", "mentor", "name", "Ray Tenney",
	    "library", "Park County Library System", "library_type",
	    "public", "position", "Assistant Director", "years_experience",
	    "15", "capacity", capacity, "categories",
	    "experienced-staff, supervisor", "strengths", "Grant writing, "
	    "budgeting, supervising staff and running a branch.", NULL);
}

/*
 * Mentors whose applications read alike stand for each other: each keeps
 * its own places, and the mentees go to them in order.
 */
static void
test_alike_mentors_keep_their_places(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	applicant(f, JESSICA, "role", "mentee", "name", "Jessica Moreno",
	    "library", "Sublette County Library", "library_type", "public",
	    "position", "Library Clerk", "years_experience", "1", "goals",
	    "Grant writing and budgeting.", NULL);
	add_russell(f, "1");
	add_twin(f, TWIN, "2");
	r = propose(f);
	assert_int_equal(r->proposals->len, 3);
	assert_int_equal(proposed_to(r, RUSSELL), 1);
	assert_int_equal(proposed_to(r, TWIN), 2);
	l = assert_proposed(r, DANA, RUSSELL);
	assert_non_null(l->runner_up);
	assert_contains(l->runner_up, "Ray Tenney <" TWIN ">");
	assert_contains(l->runner_up, "as good");
	l = assert_proposed(r, MARISA, TWIN);
	assert_contains(l->runner_up, "Russell Tenney <" RUSSELL ">");
	assert_proposed(r, JESSICA, TWIN);
}

/* A rule names one person: the mentor alike is not bound by it. */
static void
test_rules_tell_alike_mentors_apart(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	add_russell(f, "1");
	add_twin(f, TWIN, "1");
	exclude(f, DANA, RUSSELL);
	pin(f, MARISA, RUSSELL);
	r = propose(f);
	assert_proposed(r, DANA, TWIN);
	assert_proposed(r, MARISA, RUSSELL);
	assert_contains(proposal_of(r, MARISA)->why,
	    "pinned by the coordinator");
}

/* ------------------------------------------------------------------ */
/* Rounds */

/*
 * A proposal made again keeps its id (the coordinator may have read it);
 * one no longer made is withdrawn.
 */
static void
test_ids_kept_and_stale_proposals_withdrawn(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 dana, gabriel, miles;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	miles = add_miles(f);
	r = propose(f);
	dana = assert_proposed(r, DANA, RUSSELL)->id;
	gabriel = assert_proposed(r, GABRIEL, MILES)->id;
	assert_int_equal(r->created, 2);
	assert_true(proposal_of(r, DANA)->created);

	r = propose(f);
	assert_int_equal(assert_proposed(r, DANA, RUSSELL)->id, dana);
	assert_int_equal(assert_proposed(r, GABRIEL, MILES)->id, gabriel);
	assert_int_equal(r->created, 0);
	assert_false(proposal_of(r, DANA)->created);
	assert_false(proposal_of(r, GABRIEL)->created);
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 2);

	/* Miles leaves the pool: Gabriel's proposal is withdrawn. */
	begin(f);
	assert_int_equal(participant_set_status(f->db, miles,
	    PARTICIPANT_INELIGIBLE, "withdrew", NOW, NULL), 0);
	commit(f);
	r = propose(f);
	assert_int_equal(assert_proposed(r, DANA, RUSSELL)->id, dana);
	assert_true(is_unmatched(r, GABRIEL));
	assert_status(f, dana, "proposed");
	assert_status(f, gabriel, NULL);
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 1);
}

/* Priya works with Miles: Russell is her only possible mentor. */
static void
add_priya(struct fixture *f)
{
	applicant(f, "pnair@wyolaw.example.gov", "role", "mentee", "name",
	    "Priya Nair", "library", "Wyoming State Law Library",
	    "library_type", "special", "position", "Library Technician",
	    "years_experience", "2", "goals", "Cataloguing serials.", NULL);
}

/*
 * Dana suits Russell far better than Miles.  By default the pool's best
 * total wins: Dana with Russell, Priya unmatched.  With maximize_count
 * both are matched: Dana with Miles, Priya with Russell.
 */
static void
test_maximize_count(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;

	start(f, "");
	add_dana(f);
	add_priya(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_int_equal(r->proposals->len, 1);
	assert_proposed(r, DANA, RUSSELL);
	assert_contains(unmatched_why(r, "pnair@wyolaw.example.gov"),
	    "proposed for Dana Whitfield <" DANA ">");
	fixture_close(f);

	start(f, "maximize_count = yes\n");
	add_dana(f);
	add_priya(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_int_equal(r->proposals->len, 2);
	assert_int_equal(r->unmatched->len, 0);
	assert_proposed(r, DANA, MILES);
	assert_proposed(r, "pnair@wyolaw.example.gov", RUSSELL);
}

/* The whole cast, with ties (Dana and Marisa suit Russell and Linda alike). */
static void
add_everyone(struct fixture *f)
{
	add_dana(f);
	add_marisa(f);
	add_gabriel(f);
	add_priya(f);
	add_russell(f, "1");
	add_linda(f);
	add_miles(f);
	add_ann(f);
}

/* The same participants in a fresh database: the same report, word for word. */
static void
test_deterministic(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const char			*first;

	start(f, "");
	add_everyone(f);
	r = propose(f);
	assert_true(r->proposals->len >= 3);
	first = report_text(f, r);
	fixture_close(f);

	start(f, "");
	add_everyone(f);
	assert_string_equal(report_text(f, propose(f)), first);
}

/* ------------------------------------------------------------------ */
/* What the coordinator reads */

static int
stored_row(const struct match_row *row, void *arg)
{
	const struct match_line	*l = arg;

	assert_int_equal(row->score, l->score);
	assert_string_equal(row->why, l->why);
	if (l->runner_up == NULL)
		assert_null(row->runner_up);
	else
		assert_string_equal(row->runner_up, l->runner_up);
	assert_string_equal(row->status, "proposed");
	return 0;
}

/*
 * Each proposal has a score, says why with criteria true of the pair, and
 * names the runner-up when there was one; the database holds the same.
 */
static void
test_every_proposal_explains_itself(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;
	guint				 i;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_int_equal(r->proposals->len, 2);
	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		assert_true(l->score > 0);
		assert_true(strlen(l->why) > 0);
		assert_non_null(l->runner_up);
		assert_int_equal(state_match_get(f->db, l->id, stored_row,
		    (void *)l, NULL), 1);
	}

	/* Both public libraries; both want and offer grant writing. */
	l = assert_proposed(r, DANA, RUSSELL);
	assert_contains(l->why, "same library type: public");
	assert_contains(l->why, "grant writing");
	assert_contains(l->runner_up, "Miles Okafor <" MILES ">");

	/* An academic and a law library: no library type in common. */
	l = assert_proposed(r, GABRIEL, MILES);
	assert_lacks(l->why, "same library type");
	assert_contains(l->why, "legal");
	assert_contains(l->runner_up, "Russell Tenney <" RUSSELL ">");
}

/*
 * Russell and Robin offer exactly the same: whichever is chosen, the
 * other scores the same and is not "lower".
 */
static void
test_runner_up_with_equal_score_is_not_called_lower(void **state)
{
	struct fixture			*f = *state;
	const struct match_line		*l;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	applicant(f, "rlane@bighornlibrary.example.org", "role", "mentor",
	    "name", "Robin Lane", "library", "Big Horn County Library",
	    "library_type", "public", "position", "Assistant Director",
	    "years_experience", "15", "capacity", "1", "categories",
	    "experienced-staff, supervisor", "strengths", "Grant writing, "
	    "budgeting, supervising staff and running a branch.", NULL);
	l = proposal_of(propose(f), DANA);
	assert_non_null(l);
	assert_int_equal(runner_up_score(l->runner_up), l->score);
	assert_lacks(l->runner_up, "lower");
}

/* Why a mentee has no proposal says what a coordinator can do about it. */
static void
test_unmatched_reasons(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;

	start(f, "");
	/* A director of fifteen years ... */
	applicant(f, KYLE, "role", "mentee", "name", "Kyle Brandt", "library",
	    "Johnson County Library", "library_type", "public", "position",
	    "Library Director", "years_experience", "15", "goals",
	    "Working with a library board.", NULL);
	/* ... is not mentored by a clerk of one year, nor by a colleague. */
	applicant(f, "tpfeiffer@example.org", "role", "mentor", "name",
	    "Tanner Pfeiffer", "library", "Weston County Library",
	    "library_type", "public", "position", "Library Clerk",
	    "years_experience", "1", "strengths", "Library board minutes.",
	    NULL);
	applicant(f, "jcole@johnsoncountylibrary.example.org", "role",
	    "mentor", "name", "June Cole", "library",
	    "Johnson County Library - Kaycee Branch", "library_type", "public",
	    "position", "Branch Librarian", "years_experience", "20",
	    "strengths", "Working with a library board.", NULL);
	r = propose(f);
	assert_string_equal(unmatched_why(r, KYLE), "no eligible mentor among "
	    "2: 1 mentor is less experienced and reverse mentoring is off, "
	    "1 same employer");
	assert_string_equal(stored_unmatched(f, KYLE), unmatched_why(r, KYLE));

	/* Linda can mentor him; then he is no longer unmatched. */
	add_linda(f);
	r = propose(f);
	assert_proposed(r, KYLE, LINDA);
	assert_int_equal(r->unmatched->len, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM unmatched"), 0);
}

/* ------------------------------------------------------------------ */
/* The coordinator's decisions */

static void
test_approve_refuses_what_is_not_pending(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 approved, rejected;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	approved = assert_proposed(r, DANA, RUSSELL)->id;
	rejected = assert_proposed(r, GABRIEL, MILES)->id;
	approve(f, approved);
	reject(f, rejected);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);

	assert_string_equal(approve_refused(f, approved),
	    fmt(f, "match %lld is approved already", (long long)approved));
	assert_string_equal(approve_refused(f, rejected),
	    fmt(f, "match %lld is rejected already", (long long)rejected));
	assert_string_equal(approve_refused(f, 999), "there is no match 999 "
	    "(a proposal that is no longer the best is withdrawn: run "
	    "\"mentormail match\" to see the current ones)");
	assert_string_equal(reject_refused(f, approved),
	    fmt(f, "match %lld is approved already", (long long)approved));

	/* Nothing more was sent; the decisions stand. */
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);
	assert_status(f, approved, "approved");
	assert_status(f, rejected, "rejected");
}

/*
 * A second pending proposal for a mentee who has been matched meanwhile
 * (as an older round, or another front end, may leave one).
 */
static void
test_approve_refuses_a_mentee_already_matched(void **state)
{
	struct fixture	*f = *state;
	int64_t		 id, other, dana, linda;
	int		 created;

	start(f, "");
	dana = add_dana(f);
	add_russell(f, "1");
	linda = add_linda(f);
	id = assert_proposed(propose(f), DANA, RUSSELL)->id;
	begin(f);
	assert_int_equal(state_match_propose(f->db, dana, linda, 700,
	    "same library type: public", NULL, NOW, &other, &created, NULL), 0);
	commit(f);
	assert_true(created);

	approve(f, id);
	assert_string_equal(approve_refused(f, other), fmt(f, "match %lld: "
	    "the mentee already has an approved match", (long long)other));
	assert_status(f, other, "proposed");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);
}

/* Russell offered two places, then wrote that he has time for one. */
static void
test_approve_refuses_a_mentor_without_room(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	int64_t				 dana, marisa;

	start(f, "");
	add_dana(f);
	add_marisa(f);
	add_russell(f, "2");
	r = propose(f);
	dana = assert_proposed(r, DANA, RUSSELL)->id;
	marisa = assert_proposed(r, MARISA, RUSSELL)->id;
	approve(f, dana);
	correction(f, RUSSELL, "capacity", "1", NULL);

	assert_string_equal(approve_refused(f, marisa), fmt(f, "match %lld: "
	    "the mentor has no room left (1 of 1 taken)", (long long)marisa));
	assert_status(f, marisa, "proposed");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);
}

/* ------------------------------------------------------------------ */
/* Introductions */

static int
intro_row(struct db_row *row, void *arg)
{
	*(char **)arg = g_strdup_printf("%s|%s", db_row_text(row, 0),
	    db_row_text(row, 1));
	return 1;
}

/* The Message-IDs kept for match `id`: "mentee's|mentor's". */
static const char *
intros_of(struct fixture *f, int64_t id)
{
	char	*s = NULL;

	if (db_query(f->db, NULL, intro_row, &s, "SELECT intro_mentee, "
	    "intro_mentor FROM match WHERE id = ?", "i", id) < 0 || s == NULL)
		fail_msg("reading match %lld failed", (long long)id);
	return keep(f, s, g_free);
}

static void
assert_attachments(const struct mail *m, const char *text)
{
	assert_contains(m->raw, "filename=discussion-topics.txt");
	assert_contains(m->raw, "filename=partnership-agreement.txt");
	assert_contains(text, "----- attachment: discussion-topics.txt -----");
	assert_contains(text,
	    "----- attachment: partnership-agreement.txt -----");
}

/*
 * Approving introduces the pair: one mail to each, with what the other
 * said of themselves ([matching] show: not the phone), what the program
 * asks, and the two attachments.
 */
static void
test_approval_introduces_the_pair(void **state)
{
	struct fixture		*f = *state;
	GPtrArray		*v;
	const struct mail	*to_dana, *to_russell;
	const char		*dana, *russell;
	int64_t			 id;

	start(f, "");
	add_dana(f);
	add_russell(f, "1");
	id = assert_proposed(propose(f), DANA, RUSSELL)->id;
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);

	approve(f, id);
	assert_status(f, id, "approved");
	v = mails(f, "introduction");
	assert_int_equal(v->len, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);
	to_dana = mail_to(v, DANA);
	to_russell = mail_to(v, RUSSELL);
	dana = text_of(f, to_dana);
	russell = text_of(f, to_russell);

	assert_contains(to_dana->raw, "Auto-Submitted: auto-generated");
	assert_contains(dana, "Dear Dana Whitfield");
	assert_contains(dana, "your mentor");
	assert_contains(dana, "Russell Tenney");
	assert_contains(dana, "Park County Library System");
	assert_contains(dana, RUSSELL);
	assert_lacks(dana, "307-555-0199");
	assert_attachments(to_dana, dana);

	assert_contains(to_russell->raw, "Auto-Submitted: auto-generated");
	assert_contains(russell, "Dear Russell Tenney");
	assert_contains(russell, "your mentee");
	assert_lacks(russell, "your mentor");
	assert_contains(russell, "Campbell County Public Library");
	assert_contains(russell, "Grant writing and budgeting");
	assert_lacks(russell, "307-555-0142");
	assert_attachments(to_russell, russell);

	/* [matching] first_meeting_days = 30, in the program's zone. */
	assert_contains(dana, "first meeting by 13 April 2026");

	/* The threads are kept: each introduction's Message-ID. */
	assert_string_equal(intros_of(f, id), fmt(f, "%s|%s",
	    to_dana->message_id, to_russell->message_id));
}

/* What each is told of the other is the configuration's choice. */
static void
test_show_decides_what_the_pair_see(void **state)
{
	struct fixture	*f = *state;
	const char	*dana;

	start(f, "show = name; phone\n"
	    "attachments = partnership-agreement.txt\n");
	add_dana(f);
	add_russell(f, "1");
	approve(f, assert_proposed(propose(f), DANA, RUSSELL)->id);
	dana = text_of(f, mail_to(mails(f, "introduction"), DANA));
	assert_contains(dana, "307-555-0199");
	assert_lacks(dana, "Park County Library System");
	assert_contains(dana, "----- attachment: partnership-agreement.txt");
	assert_lacks(dana, "discussion-topics.txt");
}

/* mode = auto: what is proposed is approved and introduced at once. */
static void
test_auto_mode_approves_at_once(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	GPtrArray			*v;

	start(f, "mode = auto\n");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_status(f, assert_proposed(r, DANA, RUSSELL)->id, "approved");
	assert_status(f, assert_proposed(r, GABRIEL, MILES)->id, "approved");
	v = mails(f, "introduction");
	assert_int_equal(v->len, 4);
	mail_to(v, DANA);
	mail_to(v, RUSSELL);
	mail_to(v, GABRIEL);
	mail_to(v, MILES);

	/* Nothing is proposed or sent again. */
	r = propose(f);
	assert_int_equal(r->proposals->len, 0);
	assert_int_equal(r->created, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 4);
}

/*
 * With mode = auto nothing waits for the coordinators: whatever they are
 * sent must not ask them to approve pairs already introduced.
 */
static void
test_auto_mode_does_not_ask_for_approval(void **state)
{
	struct fixture	*f = *state;
	GPtrArray	*v;
	const char	*text;
	guint		 i;

	start(f, "mode = auto\n");
	add_dana(f);
	add_russell(f, "1");
	notify(f, propose(f));
	v = mails(f, "proposals");
	for (i = 0; i < v->len; i++) {
		text = text_of(f, g_ptr_array_index(v, i));
		assert_lacks(text, "waits for your approval");
		assert_lacks(text, "mentormail match approve");
	}
}

/* ------------------------------------------------------------------ */
/* When a round is needed */

static int
pool_changed(struct fixture *f)
{
	char	*cause = NULL;
	int	 changed;

	changed = match_pool_changed(&f->m, &cause);
	if (changed < 0)
		fail_msg("match_pool_changed: %s", (char *)keep(f, cause,
		    g_free));
	return changed;
}

/* The pending proposal for `mentee`, after a round that makes one. */
static int64_t
proposal_id(struct fixture *f, const char *mentee)
{
	const struct match_line	*l = proposal_of(propose(f), mentee);

	if (l == NULL)
		fail_msg("no proposal for %s", mentee);
	return l->id;
}

static void
change_new_applicant(struct fixture *f)
{
	add_marisa(f);
}

static void
change_corrected_field(struct fixture *f)
{
	correction(f, DANA, "goals", "Legal research instruction.", NULL);
}

static void
change_capacity(struct fixture *f)
{
	correction(f, RUSSELL, "capacity", "2", NULL);
}

static void
change_withdrawn(struct fixture *f)
{
	int64_t	id = count(f, "SELECT id FROM participant WHERE email = '"
		    LINDA "'");

	begin(f);
	assert_int_equal(participant_set_status(f->db, id,
	    PARTICIPANT_INELIGIBLE, "withdrew", NOW, NULL), 0);
	commit(f);
}

static void
change_approved(struct fixture *f)
{
	approve(f, proposal_id(f, DANA));
}

static void
change_rejected(struct fixture *f)
{
	reject(f, proposal_id(f, DANA));
}

static void
change_pinned(struct fixture *f)
{
	pin(f, DANA, LINDA);
}

static void
change_excluded(struct fixture *f)
{
	exclude(f, DANA, RUSSELL);
}

static void
change_match_ended(struct fixture *f)
{
	int64_t	id = proposal_id(f, DANA);

	approve(f, id);
	propose(f);
	assert_false(pool_changed(f));
	begin(f);
	assert_int_equal(state_match_decide(f->db, id, "ended", "moved away",
	    NOW, NULL), 0);
	commit(f);
}

static void
change_weights(struct fixture *f)
{
	f->cfg->matching.weights.region += 1;
}

static void
change_mode(struct fixture *f)
{
	f->cfg->matching.maximize_count = !f->cfg->matching.maximize_count;
}

static const struct {
	const char	*what;
	void		(*make)(struct fixture *);
} pool_changes[] = {
	{ "a new applicant", change_new_applicant },
	{ "a corrected field", change_corrected_field },
	{ "a mentor's capacity", change_capacity },
	{ "a participant withdrawn", change_withdrawn },
	{ "a proposal approved", change_approved },
	{ "a proposal rejected", change_rejected },
	{ "a pair pinned", change_pinned },
	{ "a pair excluded", change_excluded },
	{ "a match ended", change_match_ended },
	{ "a weight", change_weights },
	{ "maximize_count", change_mode },
};

/*
 * A round is needed after each kind of change its proposals depend on,
 * and after it, not again until the next change.
 */
static void
test_round_needed_after_each_change(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(pool_changes); i++) {
		start(f, "");
		add_dana(f);
		add_russell(f, "1");
		add_linda(f);
		assert_true(pool_changed(f));
		propose(f);
		assert_false(pool_changed(f));
		pool_changes[i].make(f);
		if (!pool_changed(f))
			fail_msg("no round after %s", pool_changes[i].what);
		propose(f);
		if (pool_changed(f))
			fail_msg("a round after %s is needed again",
			    pool_changes[i].what);
		fixture_close(f);
	}
}

/*
 * What a round writes (proposals made, kept, withdrawn; the unmatched)
 * and what does not touch the pool (a message recorded, mail queued)
 * leave it as it was.
 */
static void
test_round_not_needed_when_nothing_changed(void **state)
{
	struct fixture	*f = *state;

	start(f, "");
	add_dana(f);
	add_gabriel(f);
	add_russell(f, "1");
	propose(f);
	assert_int_equal(count(f, "SELECT count(*) FROM match"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM unmatched"), 1);
	assert_false(pool_changed(f));
	propose(f);
	assert_false(pool_changed(f));
	message_from(f, "someone@example.org");
	assert_false(pool_changed(f));
	notify(f, propose(f));
	assert_false(pool_changed(f));
}

/* Under mode = auto a round's own approvals are part of what it saw. */
static void
test_auto_round_not_needed_again(void **state)
{
	struct fixture	*f = *state;

	start(f, "mode = auto\n");
	add_dana(f);
	add_russell(f, "1");
	propose(f);
	assert_int_equal(count(f, "SELECT count(*) FROM match WHERE status = "
	    "'approved'"), 1);
	assert_false(pool_changed(f));
}

/* ------------------------------------------------------------------ */
/* The coordinators' mail */

static void
line_free(gpointer p)
{
	struct match_line	*l = p;

	g_free(l->mentee);
	g_free(l->mentor);
	g_free(l->why);
	g_free(l->runner_up);
	g_free(l);
}

static struct match_line *
line_new(int64_t id, int created, int unmatched)
{
	struct match_line	*l = g_new0(struct match_line, 1);

	l->id = unmatched ? 0 : id;
	l->mentee = g_strdup_printf("Mentee %lld <mentee%lld@example.org>",
	    (long long)id, (long long)id);
	l->mentor = unmatched ? NULL : g_strdup("Mentor <mentor@example.org>");
	l->score = 500;
	l->why = g_strdup(unmatched ? "no mentor has room: recruit mentors" :
	    "same library type: public");
	l->created = created;
	return l;
}

static void
big_report_free(gpointer p)
{
	match_report_free(p);
}

/*
 * A mail a person can read: with thousands of applicants the list stops
 * at 100 proposals, the new ones first, and 100 unmatched mentees, and
 * says how many more there are.
 */
static void
test_notify_lists_at_most_a_hundred(void **state)
{
	struct fixture		*f = *state;
	struct match_report	*r = g_new0(struct match_report, 1);
	const char		*text;
	int64_t			 i;
	int			 n = 0;
	const char		*p;

	start(f, "");
	keep(f, r, big_report_free);
	r->proposals = g_ptr_array_new_with_free_func(line_free);
	r->unmatched = g_ptr_array_new_with_free_func(line_free);
	/* 100 old proposals, then 50 new ones: the new ones come first. */
	for (i = 1; i <= 150; i++)
		g_ptr_array_add(r->proposals, line_new(i, i > 100, 0));
	for (i = 1; i <= 130; i++)
		g_ptr_array_add(r->unmatched, line_new(1000 + i, 0, 1));
	r->created = 50;
	notify(f, r);

	text = text_of(f, g_ptr_array_index(mails(f, "proposals"), 0));
	for (p = text; (p = strstr(p, "\nMatch ")) != NULL; p++)
		n++;
	assert_int_equal(n, 100);
	assert_contains(text, "Match 101 (new): ");
	assert_contains(text, "Match 150 (new): ");
	assert_contains(text, "Match 50: ");
	assert_lacks(text, "Match 51: ");
	assert_contains(text, "... and 50 more: run \"mentormail match\" to "
	    "see them all.");
	assert_contains(text, "Mentee 1100 <mentee1100@example.org>");
	assert_lacks(text, "Mentee 1101 <");
	assert_contains(text, "... and 30 more.");
}

/*
 * One mail to each coordinator listing the round's proposals, why, and
 * who is left; only when the round made new ones.
 */
static void
test_notify_when_a_round_creates_proposals(void **state)
{
	struct fixture			*f = *state;
	const struct match_report	*r;
	const struct match_line		*l;
	const struct mail		*m;
	GPtrArray			*v;
	const char			*text;
	guint				 i, k;

	start_with(f, COORDINATOR "; " COORDINATOR2, "");
	add_dana(f);
	add_gabriel(f);
	add_priya(f);
	add_russell(f, "1");
	add_miles(f);
	r = propose(f);
	assert_int_equal(r->created, 2);
	notify(f, r);

	v = mails(f, "proposals");
	assert_int_equal(v->len, 2);
	mail_to(v, COORDINATOR);
	mail_to(v, COORDINATOR2);
	for (k = 0; k < v->len; k++) {
		m = g_ptr_array_index(v, k);
		text = text_of(f, m);
		assert_contains(m->raw, "Subject: Wyoming Mentoring Program: "
		    "2 proposed matches to review");
		for (i = 0; i < r->proposals->len; i++) {
			l = g_ptr_array_index(r->proposals, i);
			assert_contains(text, fmt(f, "Match %lld (new): %s "
			    "with %s, score %d\n  why: %s\n", (long long)l->id,
			    l->mentee, l->mentor, l->score, l->why));
		}
		assert_contains(text,
		    "Priya Nair <pnair@wyolaw.example.gov>: ");
	}

	/* The same proposals again: nothing new, no mail. */
	r = propose(f);
	assert_int_equal(r->created, 0);
	notify(f, r);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);

	/* A new mentee with a proposal of her own: a new mail each. */
	add_linda(f);
	add_marisa(f);
	r = propose(f);
	assert_int_equal(r->created, 1);
	notify(f, r);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = "
	    "'proposals'"), 4);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pool_is_applied_participants_with_a_role),
		T(test_nobody_waiting),
		T(test_same_employer_never_proposed),
		T(test_rejected_pair_never_proposed_again),
		T(test_exclude_keeps_a_pair_apart),
		T(test_pin_and_exclude_need_known_addresses),
		T(test_pin_forces_a_pair),
		T(test_runner_up_of_a_pin_is_not_called_lower),
		T(test_pins_beyond_capacity_do_not_stop_the_round),
		T(test_pin_says_what_the_next_round_does),
		T(test_exclude_says_what_the_next_round_does),
		T(test_pin_of_an_incomplete_applicant),
		T(test_decided_at_only_once_decided),
		T(test_status_counts_matches),
		T(test_mentor_capacity_respected),
		T(test_approved_match_stays),
		T(test_alike_mentors_keep_their_places),
		T(test_rules_tell_alike_mentors_apart),
		T(test_ids_kept_and_stale_proposals_withdrawn),
		T(test_maximize_count),
		T(test_deterministic),
		T(test_every_proposal_explains_itself),
		T(test_runner_up_with_equal_score_is_not_called_lower),
		T(test_unmatched_reasons),
		T(test_approve_refuses_what_is_not_pending),
		T(test_approve_refuses_a_mentee_already_matched),
		T(test_approve_refuses_a_mentor_without_room),
		T(test_approval_introduces_the_pair),
		T(test_show_decides_what_the_pair_see),
		T(test_auto_mode_approves_at_once),
		T(test_auto_mode_does_not_ask_for_approval),
		T(test_round_needed_after_each_change),
		T(test_round_not_needed_when_nothing_changed),
		T(test_auto_round_not_needed_again),
		T(test_notify_when_a_round_creates_proposals),
		T(test_notify_lists_at_most_a_hundred),
	};

	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
