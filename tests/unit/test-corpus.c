/*
 * test-corpus.c -- the rules against the corpus of real-looking mail.
 *
 * Every tests/corpus/applications/NAME.eml and tests/corpus/other/NAME.eml
 * is decoded, read with the rules of the program its NAME.expected names
 * (`program:`), and compared with NAME.expected: the kind, the form, every
 * field.* line and the missing: line (the README in applications/ says
 * what each means).  Each message is a test of its own, named after the
 * file, and reports every difference.  A field accuracy summary follows,
 * overall and per program.
 *
 * A message listed in applications/KNOWN-FAILURES ("NAME.eml reason") is
 * an expected failure; it fails the suite if it passes, so that the list
 * stays true.
 *
 * MENTORMAIL_RULES names the rules directory (default rules/),
 * MENTORMAIL_CORPUS the corpus (default tests/corpus); both relative to
 * the repository root, where the tests run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <glib.h>

#include "mime.h"
#include "rules.h"
#include "testlib.h"

#define RULES_DEFAULT	"rules"
#define CORPUS_DEFAULT	"tests/corpus"
#define KNOWN_FAILURES	"applications/KNOWN-FAILURES"
#define ACCURACY_MIN	95.0

/* The coordinator the command message (other/ot10) comes from. */
static const char *const coordinators[] = {
	"coordinator@wyla.example.org",
	NULL,
};

/* Field counts, overall and per program. */
struct tally {
	unsigned	expected;
	unsigned	correct;
	unsigned	wrong;
	unsigned	missing;
	unsigned	extra;
};

static GHashTable	*tallies;	/* program -> struct tally */
static GHashTable	*rule_sets;	/* program -> struct rules */
static GHashTable	*known;		/* NAME.eml -> reason */

static const char *
env_or(const char *name, const char *fallback)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : fallback;
}

static char *
corpus_path(const char *rel)
{
	return g_build_filename(env_or("MENTORMAIL_CORPUS", CORPUS_DEFAULT),
	    rel, NULL);
}

static struct tally *
tally_of(const char *program)
{
	struct tally	*t;

	if ((t = g_hash_table_lookup(tallies, program)) == NULL) {
		t = g_new0(struct tally, 1);
		g_hash_table_insert(tallies, g_strdup(program), t);
	}
	return t;
}

/* The rules with only `program`'s form active, loaded once. */
static const struct rules *
rules_for(const char *program)
{
	struct rules_options	 o = { NULL, NULL };
	struct rules		*r;
	char			*forms[2] = { (char *)program, NULL };
	char			*cause = NULL;

	if ((r = g_hash_table_lookup(rule_sets, program)) != NULL)
		return r;
	o.forms = forms;
	if (rules_load(env_or("MENTORMAIL_RULES", RULES_DEFAULT), &o, &r,
	    &cause) != 0)
		fail_msg("rules for %s: %s", program, cause);
	g_hash_table_insert(rule_sets, g_strdup(program), r);
	return r;
}

static void
load_known_failures(void)
{
	char	*path, *text, **lines, *name, *reason;
	size_t	 i;

	known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	path = corpus_path(KNOWN_FAILURES);
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		lines = g_strsplit(text, "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			name = g_strstrip(lines[i]);
			if (*name == '\0' || *name == '#')
				continue;
			reason = name + strcspn(name, " \t");
			if (*reason != '\0')
				*reason++ = '\0';
			g_hash_table_insert(known, g_strdup(name),
			    g_strdup(g_strstrip(reason)));
		}
		g_strfreev(lines);
		g_free(text);
	}
	g_free(path);
}

/* ------------------------------------------------------------------ */
/* One message. */

/* What NAME.expected says. */
struct expected {
	char		*program;
	char		*kind;
	char		*missing;	/* "a, b", or NULL */
	GPtrArray	*names;		/* field names, in order */
	GHashTable	*fields;	/* name -> value */
};

static void
expected_line(struct expected *e, char *line)
{
	char	*colon, *value;

	if (*line == '\0' || *line == '#' ||
	    (colon = strstr(line, ": ")) == NULL)
		return;
	*colon = '\0';
	value = colon + 2;
	if (strcmp(line, "program") == 0)
		e->program = g_strdup(value);
	else if (strcmp(line, "kind") == 0)
		e->kind = g_strdup(value);
	else if (strcmp(line, "missing") == 0)
		e->missing = g_strdup(value);
	else if (g_str_has_prefix(line, "field.")) {
		g_ptr_array_add(e->names, g_strdup(line + 6));
		g_hash_table_insert(e->fields, g_strdup(line + 6),
		    unescape(value));
	}
}

static struct expected *
expected_read(const char *eml)
{
	struct expected	*e;
	char		*path, *text, **lines;
	size_t		 i;

	path = g_strdup_printf("%.*s.expected", (int)strlen(eml) - 4, eml);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	e = g_new0(struct expected, 1);
	e->names = g_ptr_array_new_with_free_func(g_free);
	e->fields = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		expected_line(e, g_strchomp(lines[i]));
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	if (e->program == NULL || e->kind == NULL)
		fail_msg("%s: no program: or kind: line", eml);
	return e;
}

static void
expected_free(struct expected *e)
{
	g_free(e->program);
	g_free(e->kind);
	g_free(e->missing);
	g_ptr_array_free(e->names, TRUE);
	g_hash_table_destroy(e->fields);
	g_free(e);
}

/* The message decoded.  Caller frees. */
static struct mime_msg *
decode_file(const char *eml)
{
	struct mime_msg	*m;
	char		*raw, *cause = NULL;
	gsize		 len;

	if (!g_file_get_contents(eml, &raw, &len, NULL))
		fail_msg("cannot read %s", eml);
	if (mime_parse(raw, len, &m, &cause) != 0)
		fail_msg("%s: %s", eml, cause);
	g_free(raw);
	return m;
}

static struct extraction *
extract_decoded(const struct mime_msg *m, const struct rules *rules)
{
	struct extract_input	in;

	memset(&in, 0, sizeof in);
	in.subject = m->subject;
	in.text = m->text;
	in.from_addr = m->from_addr;
	in.from_name = m->from_name;
	in.reply_to = m->reply_to_addr;
	in.from_coordinator = m->from_addr != NULL &&
	    g_strv_contains((const char *const *)coordinators, m->from_addr);
	return extract_message(rules, &in);
}

static struct extraction *
extract_file(const char *eml, const struct rules *rules)
{
	struct mime_msg		*m = decode_file(eml);
	struct extraction	*x = extract_decoded(m, rules);

	mime_msg_free(m);
	return x;
}

static void
say(GString *errors, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(GString *errors, const char *fmt, ...)
{
	va_list	ap;

	g_string_append(errors, "\n  ");
	va_start(ap, fmt);
	g_string_append_vprintf(errors, fmt, ap);
	va_end(ap);
}

/* Every expected field, then every field that was not expected. */
static void
compare_fields(const struct expected *e, const struct extraction *x,
    struct tally *t, GString *errors)
{
	const struct extract_field	*f;
	const char			*want, *got;
	guint				 i;

	for (i = 0; i < e->names->len; i++) {
		want = g_hash_table_lookup(e->fields, e->names->pdata[i]);
		got = extraction_get(x, e->names->pdata[i]);
		t->expected++;
		if (got == NULL) {
			t->missing++;
			say(errors, "field.%s: missing, want \"%s\"",
			    (char *)e->names->pdata[i], want);
		} else if (strcmp(got, want) != 0) {
			t->wrong++;
			say(errors, "field.%s: got \"%s\", want \"%s\"",
			    (char *)e->names->pdata[i], got, want);
		} else
			t->correct++;
	}
	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		if (g_hash_table_lookup(e->fields, f->name) == NULL) {
			t->extra++;
			say(errors, "field.%s: got \"%s\", want none", f->name,
			    f->value);
		}
	}
}

static char *
missing_line(const struct extraction *x)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < x->missing->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? ", " : "",
		    (char *)x->missing->pdata[i]);
	return g_string_free(s, s->len == 0);
}

static void
compare(const struct expected *e, const struct extraction *x,
    GString *errors)
{
	const char	*want_form;
	char		*missing;

	if (strcmp(x->kind, e->kind) != 0)
		say(errors, "kind: got %s, want %s", x->kind, e->kind);
	want_form = strcmp(e->kind, "application") == 0 ? e->program : NULL;
	if (g_strcmp0(x->form, want_form) != 0)
		say(errors, "form: got %s, want %s", x->form != NULL ?
		    x->form : "(none)", want_form != NULL ? want_form :
		    "(none)");
	compare_fields(e, x, tally_of(e->program), errors);
	missing = missing_line(x);
	if (g_strcmp0(missing, e->missing) != 0)
		say(errors, "missing: got \"%s\", want \"%s\"",
		    missing != NULL ? missing : "", e->missing != NULL ?
		    e->missing : "");
	g_free(missing);
}

/* Pass, fail with every difference, or an expected failure. */
static void
verdict(const char *eml, GString *errors)
{
	const char	*base = strrchr(eml, '/') + 1;
	const char	*reason = g_hash_table_lookup(known, base);

	if (reason != NULL && errors->len > 0)
		print_message("expected failure: %s (%s):%s\n", base, reason,
		    errors->str);
	else if (reason != NULL)
		fail_msg("%s passes but is listed in %s: remove it", base,
		    KNOWN_FAILURES);
	else if (errors->len > 0)
		fail_msg("%s:%s", eml, errors->str);
}

static void
test_message(void **state)
{
	const char		*eml = *state;
	struct expected		*e;
	struct extraction	*x;
	GString			*errors = g_string_new(NULL);

	e = expected_read(eml);
	x = extract_file(eml, rules_for(e->program));
	compare(e, x, errors);
	extraction_free(x);
	expected_free(e);
	verdict(eml, errors);
	g_string_free(errors, TRUE);
}

/* ------------------------------------------------------------------ */
/* The whole corpus. */

/* Every NAME.eml of applications/ and other/, sorted.  Caller frees. */
static GPtrArray *
corpus_list(void)
{
	static const char *const dirs[] = { "applications", "other" };
	GPtrArray	*list = g_ptr_array_new_with_free_func(g_free);
	GDir		*d;
	const char	*name;
	char		*dir;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
		dir = corpus_path(dirs[i]);
		if ((d = g_dir_open(dir, 0, NULL)) != NULL) {
			while ((name = g_dir_read_name(d)) != NULL) {
				if (g_str_has_suffix(name, ".eml"))
					g_ptr_array_add(list, g_build_filename(
					    dir, name, NULL));
			}
			g_dir_close(d);
		}
		g_free(dir);
	}
	g_ptr_array_sort(list, ptr_strcmp);
	return list;
}

/* Every listed known failure is a message of the corpus. */
static void
test_known_failures_exist(void **state)
{
	GHashTableIter	 it;
	gpointer	 name;
	char		*a, *o;
	int		 found;

	g_hash_table_iter_init(&it, known);
	while (g_hash_table_iter_next(&it, &name, NULL)) {
		a = g_build_filename(env_or("MENTORMAIL_CORPUS",
		    CORPUS_DEFAULT), "applications", (char *)name, NULL);
		o = g_build_filename(env_or("MENTORMAIL_CORPUS",
		    CORPUS_DEFAULT), "other", (char *)name, NULL);
		found = g_file_test(a, G_FILE_TEST_EXISTS) ||
		    g_file_test(o, G_FILE_TEST_EXISTS);
		g_free(a);
		g_free(o);
		if (!found)
			fail_msg("%s lists %s, which is not in the corpus",
			    KNOWN_FAILURES, (char *)name);
	}
}

static void
print_tally(const char *what, const struct tally *t)
{
	print_message("%-12s field accuracy: %u/%u (%.1f%%): %u wrong, "
	    "%u missing, %u extra\n", what, t->correct, t->expected,
	    t->expected > 0 ? 100.0 * t->correct / t->expected : 100.0,
	    t->wrong, t->missing, t->extra);
}

/* The summary, after every message: fails below ACCURACY_MIN. */
static void
test_accuracy(void **state)
{
	GHashTableIter	 it;
	gpointer	 program, value;
	struct tally	 all = { 0, 0, 0, 0, 0 }, *t;
	GPtrArray	*names = g_ptr_array_new();
	guint		 i;

	g_hash_table_iter_init(&it, tallies);
	while (g_hash_table_iter_next(&it, &program, &value))
		g_ptr_array_add(names, program);
	g_ptr_array_sort(names, ptr_strcmp);
	for (i = 0; i < names->len; i++) {
		t = g_hash_table_lookup(tallies, names->pdata[i]);
		print_tally(names->pdata[i], t);
		all.expected += t->expected;
		all.correct += t->correct;
		all.wrong += t->wrong;
		all.missing += t->missing;
		all.extra += t->extra;
	}
	g_ptr_array_free(names, TRUE);
	print_tally("all", &all);
	assert_true(all.expected > 0);
	assert_true(100.0 * all.correct / all.expected >= ACCURACY_MIN);
}

/*
 * With every form active (the default), each application must still be
 * read as its own program's form.
 */
static void
test_form_chosen(void **state)
{
	GPtrArray		*list = corpus_list();
	struct rules		*all;
	struct expected		*e;
	struct extraction	*x;
	GString			*errors = g_string_new(NULL);
	char			*cause = NULL;
	guint			 i;

	if (rules_load(env_or("MENTORMAIL_RULES", RULES_DEFAULT), NULL, &all,
	    &cause) != 0)
		fail_msg("rules: %s", cause);
	for (i = 0; i < list->len; i++) {
		e = expected_read(list->pdata[i]);
		x = extract_file(list->pdata[i], all);
		if (strcmp(e->kind, "application") == 0 &&
		    g_strcmp0(x->form, e->program) != 0)
			say(errors, "%s: form %s, want %s",
			    (char *)list->pdata[i], x->form, e->program);
		extraction_free(x);
		expected_free(e);
	}
	rules_free(all);
	g_ptr_array_free(list, TRUE);
	if (errors->len > 0)
		fail_msg("all forms active:%s", errors->str);
	g_string_free(errors, TRUE);
}

/*
 * How long extraction takes: every message, MENTORMAIL_BENCH times
 * (default 3), decoding excluded.  Printed, not judged: sanitizers and
 * valgrind make it meaningless as a limit.
 */
/*
 * A line of a blank form and what an applicant makes of it: `answer`
 * replaces the line; with `after`, the line stays and the answer goes on
 * the next one (a question answered below it).
 */
struct fill {
	const char	*form;
	const char	*line;
	const char	*answer;
	int		 after;
};

static const struct fill fills[] = {
	{ "wyoming", "Name:", "Name: Ann Lee", 0 },
	{ "wyoming", "Email Address:", "Email Address: ann@example.org", 0 },
	{ "wyoming", "Library Name:", "Library Name: Park County Library", 0 },
	{ "wyoming", "Your current position:", "Your current position: "
	    "Branch Manager", 0 },
	{ "wyoming", "Library Type:", "Library Type: Public", 0 },
	{ "wyoming", "Position you are applying for (Protégé or Mentor):",
	    "Position you are applying for (Protégé or Mentor): Protégé", 0 },
	{ "wyoming", "  [ ] New to Wyoming", "  [X] New to Wyoming", 0 },
	{ "wyoming", "Protégé applicants: Please write specific goals, "
	    "problems, or topics you would like addressed through this "
	    "program.", "Budgets and grant writing.", 1 },
	{ "wvls", "Applying as:  [ ] Mentor (2+ years relevant experience)   "
	    "[ ] Mentee (2 or less years of administrative experience)",
	    "Applying as:  [ ] Mentor (2+ years relevant experience)   "
	    "[X] Mentee (2 or less years of administrative experience)", 0 },
	{ "wvls", "Name:", "Name: Ann Lee", 0 },
	{ "wvls", "Library:", "Library: Colby Public Library", 0 },
	{ "wvls", "Email:", "Email: ann@example.org", 0 },
	{ "wvls", "Mentees - Years of administrative experience:",
	    "Mentees - Years of administrative experience: 1", 0 },
	{ "wvls", "Mentees - What do you most need help with?",
	    "Budgets and grant writing.", 1 },
	{ "cla", "I would like to be a:  [ ] Mentor   [ ] Mentee",
	    "I would like to be a:  [ ] Mentor   [X] Mentee", 0 },
	{ "cla", "Name:", "Name: Ann Lee", 0 },
	{ "cla", "CLA membership number:", "CLA membership number: 40213", 0 },
	{ "cla", "Email:", "Email: ann@example.org", 0 },
	{ "cla", "Library / school / organization:", "Library / school / "
	    "organization: Sacramento Public Library", 0 },
	{ "cla", "Mentees: What would you like help with?",
	    "Budgets and grant writing.", 1 },
	{ "washington", "Applying as (mentor or mentee):",
	    "Applying as (mentor or mentee): mentee", 0 },
	{ "washington", "Name:", "Name: Ann Lee", 0 },
	{ "washington", "Email:", "Email: ann@example.org", 0 },
	{ "washington", "Library, school or organization:", "Library, school "
	    "or organization: UW iSchool", 0 },
	{ "washington", "What do you hope to learn? (mentees)",
	    "Budgets and grant writing.", 1 },
};

/* templates/form-`form`.txt, filled in as `fills` says.  Caller frees. */
static char *
filled_form(const char *form)
{
	char	*path, *text, **lines;
	GString	*out = g_string_new("Subject: my application\n\n");
	size_t	 i, j, used = 0;
	int	 kept;

	path = g_strdup_printf("templates/form-%s.txt", form);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		kept = 1;
		for (j = 0; j < G_N_ELEMENTS(fills); j++) {
			if (strcmp(fills[j].form, form) != 0 ||
			    strcmp(fills[j].line, lines[i]) != 0)
				continue;
			if (fills[j].after)
				g_string_append_printf(out, "%s\n", lines[i]);
			g_string_append_printf(out, "%s\n", fills[j].answer);
			kept = 0;
			used++;
			break;
		}
		if (kept)
			g_string_append_printf(out, "%s\n", lines[i]);
	}
	for (j = 0; j < G_N_ELEMENTS(fills); j++)
		used -= strcmp(fills[j].form, form) == 0;
	if (used != 0)
		fail_msg("%s: a line to fill in is not in the form", path);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return g_string_free(out, FALSE);
}

/*
 * The blank form each program sends to whoever asks for it, filled in,
 * is read back by that program's rules: the form is what the rules read.
 */
static void
test_blank_forms_read_back(void **state)
{
	static const char *const forms[] = { "wyoming", "wvls", "cla",
	    "washington" };
	struct extract_input	 in;
	struct extraction	*x;
	struct mime_msg		*m;
	char			*raw, *cause = NULL;
	size_t			 i;

	for (i = 0; i < G_N_ELEMENTS(forms); i++) {
		raw = filled_form(forms[i]);
		if (mime_parse(raw, strlen(raw), &m, &cause) != 0)
			fail_msg("%s: %s", forms[i], cause);
		memset(&in, 0, sizeof in);
		in.subject = m->subject;
		in.text = m->text;
		x = extract_message(rules_for(forms[i]), &in);
		assert_string_equal(x->kind, "application");
		assert_string_equal(x->form, forms[i]);
		assert_string_equal(extraction_get(x, "role"), "mentee");
		assert_string_equal(extraction_get(x, "name"), "Ann Lee");
		assert_string_equal(extraction_get(x, "email"),
		    "ann@example.org");
		assert_non_null(extraction_get(x, "library"));
		assert_string_equal(extraction_get(x, "goals"),
		    "Budgets and grant writing.");
		extraction_free(x);
		mime_msg_free(m);
		g_free(raw);
	}
}

static void
test_speed(void **state)
{
	GPtrArray		*list = corpus_list();
	struct expected		*e;
	struct mime_msg		*m;
	const struct rules	*r;
	struct timespec		 t0, t1;
	double			 total = 0;
	long			 n, rounds;
	guint			 i;

	rounds = strtol(env_or("MENTORMAIL_BENCH", "3"), NULL, 10);
	for (i = 0; i < list->len; i++) {
		e = expected_read(list->pdata[i]);
		r = rules_for(e->program);
		m = decode_file(list->pdata[i]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (n = 0; n < rounds; n++)
			extraction_free(extract_decoded(m, r));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		total += (t1.tv_sec - t0.tv_sec) * 1e6 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e3;
		mime_msg_free(m);
		expected_free(e);
	}
	if (rounds > 0 && list->len > 0)
		print_message("extraction: %.1f us per message (%u messages "
		    "x %ld)\n", total / rounds / list->len, list->len, rounds);
	g_ptr_array_free(list, TRUE);
}

static int
run_messages(GPtrArray *list)
{
	struct CMUnitTest	*tests;
	guint			 i;
	int			 failed;

	tests = g_new0(struct CMUnitTest, list->len);
	for (i = 0; i < list->len; i++) {
		tests[i].name = strrchr(list->pdata[i], '/') + 1;
		tests[i].test_func = test_message;
		tests[i].initial_state = list->pdata[i];
	}
	/* The public macro wants an array of a size known when compiling. */
	failed = _cmocka_run_group_tests("corpus", tests, list->len, NULL,
	    NULL);
	g_free(tests);
	return failed;
}

int
main(void)
{
	const struct CMUnitTest after[] = {
		cmocka_unit_test(test_known_failures_exist),
		cmocka_unit_test(test_accuracy),
		cmocka_unit_test(test_form_chosen),
		cmocka_unit_test(test_blank_forms_read_back),
		cmocka_unit_test(test_speed),
	};
	GPtrArray	*list;
	int		 failed;

	mime_init();
	tallies = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	rule_sets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)rules_free);
	load_known_failures();
	list = corpus_list();
	if (list->len == 0) {
		fprintf(stderr, "test-corpus: no messages in %s\n",
		    env_or("MENTORMAIL_CORPUS", CORPUS_DEFAULT));
		return 1;
	}
	failed = run_messages(list);
	failed += cmocka_run_group_tests_name("corpus summary", after, NULL,
	    NULL);
	g_ptr_array_free(list, TRUE);
	g_hash_table_destroy(known);
	g_hash_table_destroy(rule_sets);
	g_hash_table_destroy(tallies);
	mime_shutdown();
	return failed != 0;
}
