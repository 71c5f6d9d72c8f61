/*
 * test-eligibility.c -- the program's conditions, as a coordinator writes
 * them in [eligibility] and as eligibility.h applies them:
 *
 *	[eligibility]
 *	mentor.experience = years_experience >= 2 because mentors need ...
 *	membership = membership present because the program is open to ...
 *
 * Each value is "FIELD OP VALUE [because REASON]"; a key starting with
 * mentor. or mentee. is for that role only.  A mistake is reported as
 * "file:LINE: ..." on the line it is on.  A condition holds or fails on
 * the applicant's normalised fields: numbers compare as numbers, text
 * without regard to case, and a field the application lacks is asked for,
 * not held against the applicant (but `present` asks exactly that).
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
#include "eligibility.h"
#include "testlib.h"

/* Everything a configuration needs besides its conditions. */
#define CONFIG_HEAD						\
	"[program]\n"						\
	"name = WVLS Mentoring\n"				\
	"address = mentoring@example.org\n"			\
	"coordinators = coord@example.org\n"			\
	"database = state.db\n"					\
	"[imap]\n"						\
	"host = imap.example.org\n"				\
	"username = mentoring@example.org\n"			\
	"password_file = imap.password\n"

struct fixture {
	char	*dir;
	char	*path;		/* dir/mentormail.conf */
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	*state = f;
	f->dir = g_dir_make_tmp("test-eligibility.XXXXXX", NULL);
	if (f->dir == NULL)
		return -1;
	f->path = g_build_filename(f->dir, "mentormail.conf", NULL);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	if (f->path != NULL)
		g_remove(f->path);
	if (f->dir != NULL)
		g_rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* Load `text`, which must be accepted.  Caller frees with config_free. */
static struct config *
load_ok(const struct fixture *f, const char *text)
{
	struct config	*c;

	c = config_from_text(f->path, text);
	assert_non_null(c);
	assert_non_null(c->eligibility);
	return c;
}

/* The 1-based number of the line of `text` holding `needle`. */
static int
line_of(const char *text, const char *needle)
{
	const char	*at = strstr(text, needle), *p;
	int		 line = 1;

	if (at == NULL)
		fail_msg("\"%s\" is not in the test's own text", needle);
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/*
 * Load `text`, which must be refused on the line holding `bad`, with a
 * cause saying `what`.
 */
static void
assert_refused_at(const struct fixture *f, const char *text, const char *bad,
    const char *what)
{
	struct config	*c = NULL;
	char		*cause = NULL, *prefix;

	if (!put_file(f->path, text))
		fail_msg("cannot write %s", f->path);
	if (config_load(f->path, &c, &cause) == 0) {
		config_free(c);
		fail_msg("accepted:\n%s", text);
	}
	assert_null(c);
	assert_non_null(cause);
	prefix = g_strdup_printf("%s:%d: ", f->path, line_of(text, bad));
	if (!g_str_has_prefix(cause, prefix))
		fail_msg("\"%s\" does not start with \"%s\"", cause, prefix);
	assert_contains(cause, what);
	g_free(prefix);
	g_free(cause);
}

static const struct eligibility_rule *
rule(const struct config *c, guint i)
{
	assert_true(i < c->eligibility->len);
	return g_ptr_array_index(c->eligibility, i);
}

static void
assert_rule(const struct eligibility_rule *r, const char *name,
    const char *role, const char *field, const char *op, const char *value,
    const char *because)
{
	assert_string_equal(r->name, name);
	if (role == NULL)
		assert_null(r->role);
	else
		assert_string_equal(r->role, role);
	assert_string_equal(r->field, field);
	assert_string_equal(r->op, op);
	if (value == NULL)
		assert_null(r->value);
	else
		assert_string_equal(r->value, value);
	if (because == NULL)
		assert_null(r->because);
	else
		assert_string_equal(r->because, because);
}

/* Reading [eligibility]. */

static void
test_no_conditions(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_ok(f, CONFIG_HEAD);

	assert_int_equal(c->eligibility->len, 0);
	config_free(c);
	c = load_ok(f, CONFIG_HEAD "[eligibility]\n# none yet\n");
	assert_int_equal(c->eligibility->len, 0);
	config_free(c);
}

static void
test_conditions_are_read_in_order(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, CONFIG_HEAD
	    "[eligibility]\n"
	    "# Wisconsin Valley: mentors 2+ years, mentees 2 or less.\n"
	    "mentor.experience = years_experience >= 2 because mentors need "
	    "at least two years of relevant experience\n"
	    "mentee.experience = years_experience <= 2\n"
	    "membership = membership present because the program is open to "
	    "CLA members\n"
	    "state = state = WY\n"
	    "not-school = library_type != school\n"
	    "capacity = capacity > 0\n"
	    "young = years_experience < 40\n");
	assert_int_equal(c->eligibility->len, 7);
	assert_rule(rule(c, 0), "mentor.experience", "mentor",
	    "years_experience", ">=", "2",
	    "mentors need at least two years of relevant experience");
	assert_rule(rule(c, 1), "mentee.experience", "mentee",
	    "years_experience", "<=", "2", NULL);
	assert_rule(rule(c, 2), "membership", NULL, "membership", "present",
	    NULL, "the program is open to CLA members");
	assert_rule(rule(c, 3), "state", NULL, "state", "=", "WY", NULL);
	assert_rule(rule(c, 4), "not-school", NULL, "library_type", "!=",
	    "school", NULL);
	assert_rule(rule(c, 5), "capacity", NULL, "capacity", ">", "0", NULL);
	assert_rule(rule(c, 6), "young", NULL, "years_experience", "<", "40",
	    NULL);
	config_free(c);
}

/* Spaces and tabs between the words are the coordinator's business. */
static void
test_spacing_is_free(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, CONFIG_HEAD
	    "[eligibility]\n"
	    "experience =   years_experience\t>=   2   because  two years,"
	    " at least  \n");
	assert_rule(rule(c, 0), "experience", NULL, "years_experience", ">=",
	    "2", "two years, at least");
	config_free(c);
}

/* The reason is the applicant's to read: kept whole, "because" and all. */
static void
test_because_text_is_kept(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, CONFIG_HEAD
	    "[eligibility]\n"
	    "mentee.experience = years_experience <= 2 because the program "
	    "is for new directors (2 years or less), because they need it "
	    "most: sorry!\n");
	assert_rule(rule(c, 0), "mentee.experience", "mentee",
	    "years_experience", "<=", "2", "the program is for new directors "
	    "(2 years or less), because they need it most: sorry!");
	config_free(c);
}

static void
test_bad_operator(void **state)
{
	struct fixture	*f = *state;
	static const char *const bad[] = {
		"experience = years_experience => 2\n",
		"experience = years_experience == 2\n",
		"experience = years_experience is 2\n",
		"experience = years_experience ~ 2 because two\n",
		"experience = years_experience>=2\n",
	};
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		text = g_strconcat(CONFIG_HEAD, "[eligibility]\n",
		    "state = state = WY\n", bad[i], NULL);
		assert_refused_at(f, text, bad[i], "FIELD OP VALUE");
		assert_refused_at(f, text, bad[i], ">= <= > < = != present");
		g_free(text);
	}
}

static void
test_missing_value(void **state)
{
	struct fixture	*f = *state;
	const char	*text = CONFIG_HEAD
	    "[eligibility]\n"
	    "state = state = WY\n"
	    "experience = years_experience >=\n"
	    "[smtp]\n"
	    "host = smtp.example.org\n";

	assert_refused_at(f, text, "experience =", "FIELD OP VALUE");
}

static void
test_missing_value_before_because(void **state)
{
	struct fixture	*f = *state;
	const char	*text = CONFIG_HEAD
	    "[eligibility]\n"
	    "experience = years_experience >= because two years\n";

	assert_refused_at(f, text, "experience =", "FIELD OP VALUE");
}

static void
test_field_alone(void **state)
{
	struct fixture	*f = *state;
	const char	*text = CONFIG_HEAD
	    "[eligibility]\n"
	    "membership = membership\n";

	assert_refused_at(f, text, "membership =", "FIELD OP VALUE");
}

static void
test_present_takes_no_value(void **state)
{
	struct fixture	*f = *state;
	const char	*text = CONFIG_HEAD
	    "[eligibility]\n"
	    "state = state = WY\n"
	    "membership = membership present yes because members only\n";

	assert_refused_at(f, text, "membership =", "FIELD OP VALUE");
}

static void
test_too_many_words(void **state)
{
	struct fixture	*f = *state;
	const char	*text = CONFIG_HEAD
	    "[eligibility]\n"
	    "type = library_type = public library\n";

	assert_refused_at(f, text, "type =", "FIELD OP VALUE");
}

static void
test_unknown_role_prefix(void **state)
{
	struct fixture	*f = *state;
	static const char *const bad[] = {
		"mentors.experience = years_experience >= 2\n",
		"Mentor.experience = years_experience >= 2\n",
		"coordinator.experience = years_experience >= 2\n",
	};
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		text = g_strconcat(CONFIG_HEAD, "[eligibility]\n",
		    "mentee.experience = years_experience <= 2\n", bad[i],
		    "membership = membership present\n", NULL);
		assert_refused_at(f, text, bad[i],
		    "a key may start with mentor. or mentee. only");
		g_free(text);
	}
}

/* The line is the condition's own, wherever the group is in the file. */
static void
test_error_line_with_group_first(void **state)
{
	struct fixture	*f = *state;
	const char	*text =
	    "# conditions first\n"
	    "[eligibility]\n"
	    "mentor.experience = years_experience >= 2\n"
	    "\n"
	    "mentee.experience = years_experience <=\n"
	    CONFIG_HEAD;

	assert_refused_at(f, text, "mentee.experience", "FIELD OP VALUE");
}

/* Evaluating. */

/* A name -> value table from NAME, VALUE pairs ending in NULL. */
static GHashTable *
fields(const char *name, ...)
{
	GHashTable	*t;
	va_list		 ap;

	t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *))
		g_hash_table_insert(t, g_strdup(name),
		    g_strdup(va_arg(ap, const char *)));
	va_end(ap);
	return t;
}

/*
 * Check `t` (destroyed) for `role` against the conditions `lines`; the
 * reasons given, joined by "\n".  Caller frees.
 */
static char *
check(struct fixture *f, const char *lines, const char *role, GHashTable *t,
    int *failed)
{
	struct config	*c;
	GPtrArray	*reasons = g_ptr_array_new_with_free_func(g_free);
	char		*text, *joined;

	text = g_strconcat(CONFIG_HEAD, "[eligibility]\n", lines, NULL);
	c = load_ok(f, text);
	g_free(text);
	*failed = eligibility_check(c, role, t, reasons);
	assert_int_equal(*failed, reasons->len);
	g_ptr_array_add(reasons, NULL);
	joined = g_strjoinv("\n", (char **)reasons->pdata);
	g_ptr_array_unref(reasons);
	g_hash_table_destroy(t);
	config_free(c);
	return joined;
}

/* Whether `role` with `t` (destroyed) meets the conditions `lines`. */
static int
meets(struct fixture *f, const char *lines, const char *role, GHashTable *t)
{
	char	*reasons;
	int	 failed;

	reasons = check(f, lines, role, t, &failed);
	g_free(reasons);
	return failed == 0;
}

static void
test_numbers_compare_as_numbers(void **state)
{
	struct fixture	*f = *state;
	const char	*two = "e = years_experience >= 2\n";

	assert_true(meets(f, two, "mentor", fields("years_experience", "2",
	    NULL)));
	assert_true(meets(f, two, "mentor", fields("years_experience", "3",
	    NULL)));
	assert_false(meets(f, two, "mentor", fields("years_experience", "1",
	    NULL)));
	assert_true(meets(f, two, "mentor", fields("years_experience", "2.5",
	    NULL)));
	assert_false(meets(f, two, "mentor", fields("years_experience", "0",
	    NULL)));
	/* years keep their decimals: half a year is not two, nor 1.9 */
	assert_false(meets(f, two, "mentor", fields("years_experience", "0.5",
	    NULL)));
	assert_false(meets(f, two, "mentor", fields("years_experience", "1.9",
	    NULL)));
	assert_true(meets(f, "e = years_experience <= 2\n", "mentee",
	    fields("years_experience", "0.7", NULL)));
	assert_false(meets(f, "e = years_experience <= 2\n", "mentee",
	    fields("years_experience", "2.3", NULL)));

	/* As text, "10" would sort before "9". */
	assert_true(meets(f, "c = capacity > 9\n", "mentor",
	    fields("capacity", "10", NULL)));
	assert_false(meets(f, "c = capacity < 9\n", "mentor",
	    fields("capacity", "10", NULL)));
	assert_false(meets(f, "e = years_experience <= 9\n", "mentee",
	    fields("years_experience", "10", NULL)));
	assert_true(meets(f, "e = years_experience = 2\n", "mentee",
	    fields("years_experience", "2.0", NULL)));
	assert_false(meets(f, "e = years_experience != 2\n", "mentee",
	    fields("years_experience", "2", NULL)));
}

static void
test_every_operator(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		const char	*op;
		/* Whether 1, 2 and 3 meet "capacity OP 2". */
		int		 below, equal, above;
	} ops[] = {
		{ ">=", 0, 1, 1 },
		{ "<=", 1, 1, 0 },
		{ ">", 0, 0, 1 },
		{ "<", 1, 0, 0 },
		{ "=", 0, 1, 0 },
		{ "!=", 1, 0, 1 },
	};
	static const char *const values[] = { "1", "2", "3" };
	char		*line;
	size_t		 i, v;
	int		 want;

	for (i = 0; i < G_N_ELEMENTS(ops); i++) {
		line = g_strdup_printf("c = capacity %s 2\n", ops[i].op);
		for (v = 0; v < G_N_ELEMENTS(values); v++) {
			want = v == 0 ? ops[i].below : v == 1 ? ops[i].equal :
			    ops[i].above;
			if (meets(f, line, "mentor", fields("capacity",
			    values[v], NULL)) != want)
				fail_msg("%s with capacity %s: expected %s",
				    line, values[v], want ? "met" : "failed");
		}
		g_free(line);
	}
}

static void
test_text_compares_without_case(void **state)
{
	struct fixture	*f = *state;

	assert_true(meets(f, "t = library_type = public\n", "mentee",
	    fields("library_type", "Public", NULL)));
	assert_true(meets(f, "t = library_type = Public\n", "mentee",
	    fields("library_type", "PUBLIC", NULL)));
	assert_false(meets(f, "t = library_type = public\n", "mentee",
	    fields("library_type", "school", NULL)));
	assert_false(meets(f, "t = library_type != school\n", "mentee",
	    fields("library_type", "School", NULL)));
	assert_true(meets(f, "t = library_type != school\n", "mentee",
	    fields("library_type", "academic", NULL)));
	assert_true(meets(f, "s = state = wy\n", "mentee",
	    fields("state", "WY", NULL)));
}

static void
test_role_conditions_apply_to_that_role_only(void **state)
{
	struct fixture	*f = *state;
	const char	*lines =
	    "mentor.experience = years_experience >= 2\n"
	    "mentee.experience = years_experience <= 2\n";

	assert_false(meets(f, lines, "mentor", fields("years_experience", "1",
	    NULL)));
	assert_true(meets(f, lines, "mentee", fields("years_experience", "1",
	    NULL)));
	assert_true(meets(f, lines, "mentor", fields("years_experience", "5",
	    NULL)));
	assert_false(meets(f, lines, "mentee", fields("years_experience", "5",
	    NULL)));
	/* A role not known yet: neither role's conditions are judged. */
	assert_true(meets(f, lines, NULL, fields("years_experience", "5",
	    NULL)));
}

static void
test_conditions_without_role_apply_to_both(void **state)
{
	struct fixture	*f = *state;
	const char	*lines = "state = state = WY\n";

	assert_false(meets(f, lines, "mentor", fields("state", "MT", NULL)));
	assert_false(meets(f, lines, "mentee", fields("state", "MT", NULL)));
	assert_false(meets(f, lines, NULL, fields("state", "MT", NULL)));
	assert_true(meets(f, lines, "mentee", fields("state", "WY", NULL)));
}

/*
 * A missing answer is asked for (eligibility_wanted, below); it does not
 * make anyone ineligible.
 */
static void
test_absent_field_is_not_judged(void **state)
{
	struct fixture	*f = *state;
	const char	*lines =
	    "experience = years_experience >= 2\n"
	    "state = state = WY\n"
	    "type = library_type != school\n";

	assert_true(meets(f, lines, "mentor", fields("name", "Jordan Reyes",
	    NULL)));
	assert_true(meets(f, lines, "mentor", fields(NULL)));
}

/*
 * What the conditions for `role` need that `t` (destroyed) lacks, joined
 * by ", ", after `already` (a name missing already, or NULL).  Caller
 * frees.
 */
static char *
wanted(struct fixture *f, const char *lines, const char *role, GHashTable *t,
    const char *already)
{
	struct config	*c;
	GPtrArray	*missing = g_ptr_array_new_with_free_func(g_free);
	char		*text, *joined;
	int		 added;

	if (already != NULL)
		g_ptr_array_add(missing, g_strdup(already));
	text = g_strconcat(CONFIG_HEAD, "[eligibility]\n", lines, NULL);
	c = load_ok(f, text);
	g_free(text);
	added = eligibility_wanted(c, role, t, missing);
	assert_int_equal(added, missing->len - (already != NULL));
	g_ptr_array_add(missing, NULL);
	joined = g_strjoinv(", ", (char **)missing->pdata);
	g_ptr_array_unref(missing);
	g_hash_table_destroy(t);
	config_free(c);
	return joined;
}

/*
 * Every field a condition for the role needs and the application does
 * not give is wanted, once, `present` ones too: the application is
 * incomplete until it gives them, and never passes for want of them.
 */
static void
test_absent_fields_are_wanted(void **state)
{
	struct fixture	*f = *state;
	const char	*lines =
	    "mentor.experience = years_experience >= 2\n"
	    "mentee.experience = years_experience <= 2\n"
	    "membership = membership present\n"
	    "state = state = WY\n"
	    "type = library_type != school\n";
	char		*w;

	w = wanted(f, lines, "mentor", fields("state", "WY", NULL), NULL);
	assert_string_equal(w, "years_experience, membership, library_type");
	g_free(w);
	w = wanted(f, lines, "mentee", fields("years_experience", "1",
	    "membership", "40988", "library_type", "public", NULL), "state");
	assert_string_equal(w, "state");
	g_free(w);
	/* An empty answer is no answer. */
	w = wanted(f, lines, NULL, fields("membership", "", "state", "WY",
	    "library_type", "public", NULL), NULL);
	assert_string_equal(w, "membership");
	g_free(w);
}

static void
test_present_fails_on_absent_field(void **state)
{
	struct fixture	*f = *state;
	const char	*lines = "membership = membership present\n";

	assert_false(meets(f, lines, "mentee", fields("name", "Mai Lee Thao",
	    NULL)));
	assert_true(meets(f, lines, "mentee", fields("membership", "40988",
	    NULL)));
	assert_false(meets(f, lines, "mentee", fields("membership", "",
	    NULL)));
}

static void
test_reason_uses_because_and_the_value(void **state)
{
	struct fixture	*f = *state;
	char		*reasons;
	int		 failed;

	reasons = check(f, "mentor.experience = years_experience >= 2 because "
	    "mentors need at least two years of relevant experience\n",
	    "mentor", fields("years_experience", "1", NULL), &failed);
	assert_int_equal(failed, 1);
	assert_true(g_str_has_prefix(reasons,
	    "mentors need at least two years of relevant experience"));
	assert_contains(reasons, "(your application says 1)");
	assert_null(strchr(reasons, '\n'));
	g_free(reasons);
}

static void
test_reason_without_because_says_the_condition(void **state)
{
	struct fixture	*f = *state;
	char		*reasons;
	int		 failed;

	reasons = check(f, "mentee.experience = years_experience <= 2\n",
	    "mentee", fields("years_experience", "7", NULL), &failed);
	assert_int_equal(failed, 1);
	assert_contains(reasons, "years_experience <= 2");
	assert_contains(reasons, "7");
	g_free(reasons);
}

static void
test_reason_for_absent_present_field(void **state)
{
	struct fixture	*f = *state;
	char		*reasons;
	int		 failed;

	reasons = check(f, "membership = membership present because the "
	    "program is open to CLA members\n", "mentee", fields(NULL),
	    &failed);
	assert_int_equal(failed, 1);
	assert_string_equal(reasons, "the program is open to CLA members");
	g_free(reasons);

	reasons = check(f, "membership = membership present\n", "mentee",
	    fields(NULL), &failed);
	assert_int_equal(failed, 1);
	assert_contains(reasons, "membership");
	g_free(reasons);
}

/* One sentence per failed condition, in the order they are written. */
static void
test_every_failure_is_a_reason(void **state)
{
	struct fixture	*f = *state;
	GPtrArray	*reasons = g_ptr_array_new_with_free_func(g_free);
	GHashTable	*t;
	struct config	*c;

	c = load_ok(f, CONFIG_HEAD
	    "[eligibility]\n"
	    "state = state = WY because the program is for Wyoming\n"
	    "mentor.experience = years_experience >= 2 because mentors need "
	    "two years\n"
	    "type = library_type != school because school libraries have "
	    "their own program\n"
	    "membership = membership present because members only\n");
	t = fields("state", "MT", "years_experience", "1", "library_type",
	    "public", NULL);
	/* What is in `reasons` already stays. */
	g_ptr_array_add(reasons, g_strdup("earlier"));
	assert_int_equal(eligibility_check(c, "mentor", t, reasons), 3);
	assert_int_equal(reasons->len, 4);
	assert_string_equal(g_ptr_array_index(reasons, 0), "earlier");
	assert_true(g_str_has_prefix(g_ptr_array_index(reasons, 1),
	    "the program is for Wyoming"));
	assert_contains(g_ptr_array_index(reasons, 1), "MT");
	assert_true(g_str_has_prefix(g_ptr_array_index(reasons, 2),
	    "mentors need two years"));
	assert_contains(g_ptr_array_index(reasons, 2), "1");
	assert_string_equal(g_ptr_array_index(reasons, 3), "members only");
	g_ptr_array_unref(reasons);
	g_hash_table_destroy(t);
	config_free(c);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_conditions),
		T(test_conditions_are_read_in_order),
		T(test_spacing_is_free),
		T(test_because_text_is_kept),
		T(test_bad_operator),
		T(test_missing_value),
		T(test_missing_value_before_because),
		T(test_field_alone),
		T(test_present_takes_no_value),
		T(test_too_many_words),
		T(test_unknown_role_prefix),
		T(test_error_line_with_group_first),
		T(test_numbers_compare_as_numbers),
		T(test_every_operator),
		T(test_text_compares_without_case),
		T(test_role_conditions_apply_to_that_role_only),
		T(test_conditions_without_role_apply_to_both),
		T(test_absent_field_is_not_judged),
		T(test_absent_fields_are_wanted),
		T(test_present_fails_on_absent_field),
		T(test_reason_uses_because_and_the_value),
		T(test_reason_without_because_says_the_condition),
		T(test_reason_for_absent_present_field),
		T(test_every_failure_is_a_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
