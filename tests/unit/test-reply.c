/*
 * test-reply.c -- the replies by name, as reply.h promises: every template
 * mentormail writes from is loaded and checked against the names the
 * program gives it, so that a missing file or a mistyped placeholder is
 * found by `mentormail check` ("path:line: ...") and not by an applicant;
 * and each renders, with the values of a real application, to a subject
 * of one line and a body that says what it should.
 *
 * The shipped templates are read from templates/ (the tests run from the
 * repository root); broken ones are written to a copy of it.
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

#include "config.h"
#include "reply.h"
#include "template.h"
#include "testlib.h"

#define TEMPLATES	"templates"
#define PROGRAM_NAME	"WVLS Mentoring Program"
#define PROGRAM_ADDR	"mentoring@example.org"
#define COORDINATOR	"coord@example.org"

struct fixture {
	char		*dir;		/* the test's own directory */
	char		*shipped;	/* templates/ */
	char		*templates;	/* the templates it loads */
	struct config	*cfg;
};

/* A configuration whose templates are `templates` (absolute). */
static struct config *
config_with(const char *dir, const char *templates)
{
	struct config	*c;
	char		*path, *text;

	path = g_build_filename(dir, "mentormail.conf", NULL);
	text = g_strdup_printf(
	    "[program]\n"
	    "name = " PROGRAM_NAME "\n"
	    "address = " PROGRAM_ADDR "\n"
	    "coordinators = " COORDINATOR "; second@example.org\n"
	    "database = state.db\n"
	    "templates = %s\n"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "username = " PROGRAM_ADDR "\n"
	    "password_file = imap.password\n", templates);
	c = config_from_text(path, text);
	g_free(text);
	g_free(path);
	return c;
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);
	char		*cwd;

	*state = f;
	f->dir = g_dir_make_tmp("test-reply.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	cwd = g_get_current_dir();
	f->shipped = g_build_filename(cwd, TEMPLATES, NULL);
	f->templates = g_strdup(f->shipped);
	g_free(cwd);
	f->cfg = config_with(f->dir, f->templates);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	config_free(f->cfg);
	if (f->dir != NULL)
		remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->shipped);
	g_free(f->templates);
	g_free(f);
	return 0;
}

/*
 * Copy every shipped template but `skip` (may be NULL) to the test's own
 * templates directory, and point the configuration at it.  Returns the
 * directory (the fixture owns it).
 */
static const char *
copy_templates(struct fixture *f, const char *skip)
{
	GDir		*d;
	const char	*name;
	char		*from, *to, *text, *copy;
	gsize		 len;

	copy = g_build_filename(f->dir, "templates", NULL);
	if (g_mkdir(copy, 0700) != 0)
		fail_msg("cannot make %s", copy);
	d = g_dir_open(f->shipped, 0, NULL);
	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		if (skip != NULL && strcmp(name, skip) == 0)
			continue;
		from = g_build_filename(f->shipped, name, NULL);
		to = g_build_filename(copy, name, NULL);
		if (!g_file_get_contents(from, &text, &len, NULL) ||
		    !g_file_set_contents(to, text, (gssize)len, NULL))
			fail_msg("cannot copy %s", from);
		g_free(text);
		g_free(from);
		g_free(to);
	}
	g_dir_close(d);
	config_free(f->cfg);
	f->cfg = config_with(f->dir, copy);
	g_free(f->templates);
	f->templates = copy;
	return copy;
}

/*
 * Replace the first line of template `file` in the copy that holds
 * `needle` with `text`, and store its number (from 1) in *line.  Returns
 * the file's path.  Caller frees.
 */
static char *
edit_line(struct fixture *f, const char *file, const char *needle,
    const char *text, int *line)
{
	char	*path, *old, **lines, *new;
	int	 i;

	path = g_build_filename(f->templates, file, NULL);
	if (!g_file_get_contents(path, &old, NULL, NULL))
		fail_msg("cannot read %s", path);
	lines = g_strsplit(old, "\n", -1);
	for (i = 0; lines[i] != NULL && strstr(lines[i], needle) == NULL; i++)
		;
	if (lines[i] == NULL)
		fail_msg("no line of %s holds \"%s\"", path, needle);
	g_free(lines[i]);
	lines[i] = g_strdup(text);
	*line = i + 1;
	new = g_strjoinv("\n", lines);
	if (!g_file_set_contents(path, new, -1, NULL))
		fail_msg("cannot write %s", path);
	g_strfreev(lines);
	g_free(old);
	g_free(new);
	return path;
}

/* replies_load must fail; its cause.  Caller frees. */
static char *
load_error(struct fixture *f)
{
	struct replies	*r = NULL;
	char		*cause = NULL;

	if (replies_load(f->cfg, &r, &cause) == 0) {
		replies_free(r);
		fail_msg("templates in %s accepted", f->templates);
	}
	assert_null(r);
	assert_non_null(cause);
	return cause;
}

static struct replies *
load_ok(struct fixture *f)
{
	struct replies	*r = NULL;
	char		*cause = NULL;

	if (replies_load(f->cfg, &r, &cause) != 0)
		fail_msg("replies_load: %s", cause);
	assert_non_null(r);
	assert_null(cause);
	return r;
}

/* Loading. */

static void
test_shipped_templates_load(void **state)
{
	struct fixture	*f = *state;

	replies_free(load_ok(f));
	/* And a copy of them, which the next tests break. */
	copy_templates(f, NULL);
	replies_free(load_ok(f));
}

static void
test_missing_template_is_named(void **state)
{
	struct fixture		*f = *state;
	static const char *const files[] = {
		"receipt.txt", "ineligible.txt", "not-understood.txt"
	};
	char			*cause, *path;
	size_t			 i;

	for (i = 0; i < G_N_ELEMENTS(files); i++) {
		copy_templates(f, files[i]);
		path = g_build_filename(f->templates, files[i], NULL);
		cause = load_error(f);
		assert_contains(cause, path);
		g_free(cause);
		g_free(path);
		remove_tree(f->templates);
	}
}

static void
test_unknown_placeholder(void **state)
{
	struct fixture	*f = *state;
	char		*path, *cause, *want;
	int		 line;

	copy_templates(f, NULL);
	path = edit_line(f, "receipt.txt", "Dear {{applicant.name}}",
	    "Dear {{aplicant.name}},", &line);
	cause = load_error(f);
	want = g_strdup_printf("%s:%d: unknown placeholder {{aplicant.name}}",
	    path, line);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	g_free(path);
}

/* Each template has its own names: the receipt's are not the others'. */
static void
test_placeholder_of_another_template(void **state)
{
	struct fixture	*f = *state;
	char		*path, *cause, *want;
	int		 line;

	copy_templates(f, NULL);
	path = edit_line(f, "not-understood.txt", "It has arrived safely",
	    "We read it as the {{form.title}}.", &line);
	cause = load_error(f);
	want = g_strdup_printf("%s:%d: unknown placeholder {{form.title}}",
	    path, line);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	g_free(path);
}

/* A list item's name means nothing outside its {{#each}}. */
static void
test_item_name_outside_its_list(void **state)
{
	struct fixture	*f = *state;
	char		*path, *cause, *want;
	int		 line;

	copy_templates(f, NULL);
	path = edit_line(f, "receipt.txt", "This is what we understood",
	    "This is what we understood ({{hint}}):", &line);
	cause = load_error(f);
	want = g_strdup_printf("%s:%d: unknown placeholder {{hint}}", path,
	    line);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	g_free(path);
}

static void
test_syntax_error_has_file_and_line(void **state)
{
	struct fixture	*f = *state;
	char		*path, *cause, *prefix;
	int		 line;

	copy_templates(f, NULL);
	path = edit_line(f, "ineligible.txt", "{{#if applicant.name}}",
	    "{{#if applicant.name", &line);
	cause = load_error(f);
	prefix = g_strdup_printf("%s:%d: ", path, line);
	if (!g_str_has_prefix(cause, prefix))
		fail_msg("\"%s\" does not start with \"%s\"", cause, prefix);
	g_free(prefix);
	g_free(cause);
	g_free(path);
}

/* A program's own templates: each one there wins, the rest are shipped. */
static void
test_own_templates_come_first(void **state)
{
	struct fixture	*f = *state;
	struct replies	*r;
	struct tvars	*v;
	char		*own, *path, *conf, *text, *cause = NULL;
	char		*subject = NULL, *body = NULL;

	own = g_build_filename(f->dir, "own", NULL);
	assert_int_equal(g_mkdir(own, 0700), 0);
	g_free(put_file_in(own, "thanks.txt", "Subject: {{program.name}}: "
	    "welcome to the alumni\n\nDear {{me.name}},\n"));
	g_free(put_file_in(own, "guide.txt", "A program's own attachment.\n"));
	conf = g_build_filename(f->dir, "mentormail.conf", NULL);
	text = g_strdup_printf("[program]\nname = P\naddress = p@example.org\n"
	    "coordinators = c@example.org\ndatabase = state.db\n"
	    "templates = %s\nown_templates = own\n[imap]\n"
	    "host = imap.example.org\nusername = p\npassword_file = pw\n",
	    f->shipped);
	config_free(f->cfg);
	f->cfg = config_from_text(conf, text);
	r = load_ok(f);
	v = reply_vars(f->cfg);
	tvars_set(v, "me.name", "Jo");
	assert_int_equal(reply_render(r, "thanks", v, &subject, &body, &cause),
	    0);
	assert_string_equal(subject, "P: welcome to the alumni");
	g_free(subject);
	g_free(body);
	assert_int_equal(reply_render(r, "not-understood", v, &subject, &body,
	    &cause), 0);
	assert_string_equal(subject, "Your message to the P");
	/* Attachments are found the same way. */
	path = reply_path(f->cfg, "guide.txt");
	assert_true(g_str_has_prefix(path, own));
	g_free(path);
	path = reply_path(f->cfg, "discussion-topics.txt");
	assert_true(g_str_has_prefix(path, f->shipped));
	g_free(path);
	/* A mistake in one of them is named with its own path. */
	path = put_file_in(own, "thanks.txt", "Subject: x\n\n{{nobody}}\n");
	cause = load_error(f);
	assert_contains(cause, path);
	assert_contains(cause, "{{nobody}}");
	g_free(cause);
	g_free(path);
	g_free(subject);
	g_free(body);
	tvars_free(v);
	replies_free(r);
	g_free(text);
	g_free(conf);
	g_free(own);
}

/* Variables. */

static void
test_reply_vars_are_the_programs(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = reply_vars(f->cfg);

	assert_string_equal(tvars_get(v, "program.name"), PROGRAM_NAME);
	assert_string_equal(tvars_get(v, "program.address"), PROGRAM_ADDR);
	/* The first coordinator is the one applicants are told about. */
	assert_string_equal(tvars_get(v, "program.coordinator"), COORDINATOR);
	assert_null(tvars_get(v, "applicant.name"));
	tvars_free(v);
}

/* Rendering. */

struct mail {
	char	*subject;
	char	*body;
};

static void
render(struct fixture *f, const char *name, struct tvars *v,
    struct mail *m)
{
	struct replies	*r = load_ok(f);
	char		*cause = NULL;

	if (reply_render(r, name, v, &m->subject, &m->body, &cause) != 0)
		fail_msg("reply_render %s: %s", name, cause);
	assert_null(cause);
	assert_null(strpbrk(m->subject, "\r\n\t"));
	assert_true(*m->subject != '\0');
	assert_null(strstr(m->body, "{{"));
	assert_null(strchr(m->body, '\r'));
	replies_free(r);
	tvars_free(v);
}

static void
mail_free(struct mail *m)
{
	g_free(m->subject);
	g_free(m->body);
}

static void
field(struct tvars *v, const char *name, const char *label, const char *value)
{
	struct tvars	*item = tvars_add_item(v, "fields");

	tvars_set(item, "name", name);
	tvars_set(item, "label", label);
	tvars_set(item, "value", value);
}

static void
missing(struct tvars *v, const char *name, const char *label,
    const char *hint)
{
	struct tvars	*item = tvars_add_item(v, "missing");

	tvars_set(item, "name", name);
	tvars_set(item, "label", label);
	tvars_set(item, "hint", hint);
}

/* Allison Krueger's WVLS application, without her years of experience. */
static struct tvars *
receipt_vars(struct fixture *f)
{
	struct tvars	*v = reply_vars(f->cfg);

	tvars_set(v, "form.title", "WVLS Mentoring Program Application");
	tvars_set(v, "applicant.name", "Allison Krueger");
	tvars_set(v, "applicant.email", "akrueger@tomahawklibrary.example.org");
	tvars_set(v, "role", "mentee");
	field(v, "name", "Name", "Allison Krueger");
	field(v, "library", "Library", "Tomahawk Public Library");
	field(v, "goals", "Goals", "Budgets.\nBoard meetings.");
	missing(v, "years_experience", "Years of experience",
	    "Years of experience: ...");
	return v;
}

static void
test_receipt_incomplete(void **state)
{
	struct fixture	*f = *state;
	struct mail	 m;

	render(f, "receipt", receipt_vars(f), &m);
	assert_contains(m.subject, PROGRAM_NAME);
	assert_contains(m.body, "Dear Allison Krueger,");
	assert_contains(m.body, "WVLS Mentoring Program Application");
	assert_contains(m.body, "mentee");
	assert_contains(m.body, "  Name: Allison Krueger\n");
	assert_contains(m.body, "  Library: Tomahawk Public Library\n");
	/* A value of several lines stays under its first line. */
	assert_contains(m.body,
	    "  Goals: Budgets.\n         Board meetings.\n");
	assert_contains(m.body, "- Years of experience\n");
	assert_contains(m.body, "  Years of experience: ...\n");
	assert_contains(m.body, COORDINATOR);
	mail_free(&m);
}

static void
test_receipt_unclear(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = receipt_vars(f);
	struct mail	 m;

	tvars_set(v, "role", NULL);
	tvars_set(tvars_add_item(v, "unclear"), "text",
	    "role: more than one is ticked (mentee, mentor)");
	render(f, "receipt", v, &m);
	assert_contains(m.body,
	    "- role: more than one is ticked (mentee, mentor)\n");
	mail_free(&m);
}

/* An update says so, in the subject too: it is not a second application. */
static void
test_receipt_resubmission_differs(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = receipt_vars(f);
	struct mail	 first, update;

	render(f, "receipt", receipt_vars(f), &first);
	tvars_set(v, "resubmission", "yes");
	render(f, "receipt", v, &update);
	assert_string_not_equal(first.subject, update.subject);
	assert_contains(update.subject, PROGRAM_NAME);
	assert_string_not_equal(first.body, update.body);
	mail_free(&first);
	mail_free(&update);
}

/* Complete: nothing asked for, no example lines. */
static void
test_receipt_complete(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = reply_vars(f->cfg);
	struct mail	 m, incomplete;

	tvars_set(v, "applicant.name", "Dana Whitfield");
	tvars_set(v, "role", "mentee");
	tvars_set(v, "complete", "yes");
	field(v, "name", "Name", "Dana Whitfield");
	field(v, "library", "Library", "Campbell County Public Library System");
	render(f, "receipt", v, &m);
	render(f, "receipt", receipt_vars(f), &incomplete);
	assert_string_not_equal(m.subject, incomplete.subject);
	assert_contains(m.body, "Dear Dana Whitfield,");
	assert_contains(m.body,
	    "  Library: Campbell County Public Library System\n");
	assert_null(strstr(m.body, "missing"));
	assert_null(strstr(m.body, "reply to this message"));
	mail_free(&m);
	mail_free(&incomplete);
}

static void
test_ineligible(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = reply_vars(f->cfg);
	struct mail	 m;

	tvars_set(v, "applicant.name", "Jordan Reyes");
	tvars_set(v, "applicant.email", "jreyes@example.org");
	tvars_set(v, "role", "mentor");
	tvars_set(tvars_add_item(v, "reasons"), "text",
	    "mentors need at least two years of relevant experience "
	    "(your application says years_experience: 1)");
	tvars_set(tvars_add_item(v, "reasons"), "text",
	    "the program is for Wisconsin Valley libraries");
	render(f, "ineligible", v, &m);
	assert_contains(m.subject, PROGRAM_NAME);
	assert_contains(m.body, "Dear Jordan Reyes,");
	assert_contains(m.body, "as a mentor");
	assert_contains(m.body, "- mentors need at least two years of relevant "
	    "experience (your application says years_experience: 1)\n");
	assert_contains(m.body,
	    "- the program is for Wisconsin Valley libraries\n");
	assert_contains(m.body, COORDINATOR);
	mail_free(&m);
}

static void
test_not_understood(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = reply_vars(f->cfg);
	struct mail	 m;

	tvars_set(v, "applicant.name", "Mai Lee Thao");
	tvars_set(v, "applicant.email", "mthao@example.org");
	tvars_set(v, "subject", "When will I be matched?");
	render(f, "not-understood", v, &m);
	assert_contains(m.subject, "When will I be matched?");
	assert_contains(m.body, "Dear Mai Lee Thao,");
	assert_contains(m.body, PROGRAM_NAME);
	assert_contains(m.body, COORDINATOR);
	mail_free(&m);
}

/* No name, no subject: still a greeting and a subject. */
static void
test_not_understood_from_nobody_known(void **state)
{
	struct fixture	*f = *state;
	struct mail	 m;

	render(f, "not-understood", reply_vars(f->cfg), &m);
	assert_contains(m.subject, PROGRAM_NAME);
	assert_contains(m.body, "Hello,");
	mail_free(&m);
}

/* What a sender wrote cannot add a header line to our reply. */
/*
 * A sentence names the program with its article: "Thank you for applying
 * to the WVLS Mentoring Program", not "applying to WVLS Mentoring
 * Program".  [program] the_name says it otherwise.
 */
static void
test_the_program_in_a_sentence(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v;
	struct mail	 m;
	struct config	*c;
	char		*path;

	v = receipt_vars(f);
	tvars_set(v, "complete", "yes");
	render(f, "receipt", v, &m);
	assert_string_equal(m.subject, "Your application to the "
	    PROGRAM_NAME);
	assert_contains(m.body, "Thank you for applying to the "
	    PROGRAM_NAME ".");
	mail_free(&m);

	v = reply_vars(f->cfg);
	assert_string_equal(tvars_get(v, "program.the_name"), "the "
	    PROGRAM_NAME);
	tvars_free(v);
	path = g_build_filename(f->dir, "other.conf", NULL);
	c = config_from_text(path, "[program]\n"
	    "name = The Mentoring Collective\n"
	    "address = " PROGRAM_ADDR "\n"
	    "coordinators = " COORDINATOR "\n"
	    "database = state.db\n"
	    "[imap]\nhost = imap.example.org\nusername = u\n"
	    "password_file = imap.password\n");
	assert_string_equal(c->the_name, "the Mentoring Collective");
	config_free(c);
	c = config_from_text(path, "[program]\n"
	    "name = Mentor Wyoming\n"
	    "the_name = Mentor Wyoming\n"
	    "address = " PROGRAM_ADDR "\n"
	    "coordinators = " COORDINATOR "\n"
	    "database = state.db\n"
	    "[imap]\nhost = imap.example.org\nusername = u\n"
	    "password_file = imap.password\n");
	assert_string_equal(c->the_name, "Mentor Wyoming");
	config_free(c);
	g_free(path);
}

/*
 * In every template, {{program.name}} is a heading or a signature (at the
 * start of a line, ending it or followed by ":") and never inside a
 * sentence, where {{program.the_name}} goes.
 */
static void
test_templates_name_the_program_as_a_sentence_does(void **state)
{
	struct fixture	*f = *state;
	const char	*name, *p, *after, *line_start;
	char		*path, *text, **lines;
	size_t		 i, n;
	int		 ok;

	for (i = 0; (name = reply_name(i)) != NULL; i++) {
		path = g_strdup_printf("%s/%s.txt", f->shipped, name);
		if (!g_file_get_contents(path, &text, NULL, NULL))
			fail_msg("cannot read %s", path);
		lines = g_strsplit(text, "\n", -1);
		for (n = 0; lines[n] != NULL; n++) {
			line_start = lines[n];
			if (g_str_has_prefix(line_start, "Subject: "))
				line_start += strlen("Subject: ");
			for (p = lines[n]; (p = strstr(p,
			    "{{program.name}}")) != NULL; p = after) {
				after = p + strlen("{{program.name}}");
				ok = (p == line_start || p[-1] == '>') &&
				    (*after == '\0' || *after == ':' ||
				    *after == '<');
				if (!ok)
					fail_msg("%s:%zu: {{program.name}} in a "
					    "sentence: use {{program.the_name}}",
					    path, n + 1);
			}
		}
		g_strfreev(lines);
		g_free(text);
		g_free(path);
	}
}

static void
test_subject_stays_one_line(void **state)
{
	struct fixture	*f = *state;
	struct tvars	*v = reply_vars(f->cfg);
	struct mail	 m;

	tvars_set(v, "applicant.name", "Mallory");
	tvars_set(v, "subject", "When?\r\nBcc: x@example.org\r\n\r\nbody");
	render(f, "not-understood", v, &m);
	assert_contains(m.subject, "When? Bcc: x@example.org body");
	mail_free(&m);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_shipped_templates_load),
		T(test_missing_template_is_named),
		T(test_unknown_placeholder),
		T(test_placeholder_of_another_template),
		T(test_item_name_outside_its_list),
		T(test_syntax_error_has_file_and_line),
		T(test_own_templates_come_first),
		T(test_reply_vars_are_the_programs),
		T(test_receipt_incomplete),
		T(test_receipt_unclear),
		T(test_receipt_resubmission_differs),
		T(test_receipt_complete),
		T(test_ineligible),
		T(test_not_understood),
		T(test_not_understood_from_nobody_known),
		T(test_subject_stays_one_line),
		T(test_the_program_in_a_sentence),
		T(test_templates_name_the_program_as_a_sentence_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
