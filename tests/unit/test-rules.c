/*
 * test-rules.c -- the rules engine, as re.h and rules.h promise it.
 *
 * Rule files are written one line per string literal, so that the line a
 * problem is reported on can be counted in the source.  The extraction
 * tests use a small form of their own ("test.rules" below), so that each
 * reads as a statement about the engine, not about a program's form.
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

#include "re.h"
#include "rules.h"
#include "rules-int.h"

/* ------------------------------------------------------------------ */
/* re.c */

static void
test_re_compile_error(void **state)
{
	char	*cause = NULL;

	assert_null(re_compile("ab(c", 0, &cause));
	assert_non_null(cause);
	assert_true(g_str_has_prefix(cause, "offset 4: "));
	g_free(cause);
	assert_null(re_compile("x{2,1}", 0, NULL));
}

static void
test_re_match_whole_and_group(void **state)
{
	struct re	*re;
	size_t		 so, eo;

	re = re_compile("\\d+", 0, NULL);
	assert_string_equal(re_pattern(re), "\\d+");
	assert_true(re_match(re, "ab123c", 6, 0, &so, &eo));
	assert_int_equal(so, 2);
	assert_int_equal(eo, 5);
	assert_false(re_match(re, "abc", 3, 0, NULL, NULL));
	re_free(re);
	/* group 1 when the pattern has one */
	re = re_compile("x(\\d+)y", 0, NULL);
	assert_true(re_match(re, "ax12y", 5, 0, &so, &eo));
	assert_int_equal(so, 2);
	assert_int_equal(eo, 4);
	re_free(re);
	/* and the whole match when group 1 took no part */
	re = re_compile("a(b)?|c", 0, NULL);
	assert_true(re_match(re, "xc", 2, 0, &so, &eo));
	assert_int_equal(so, 1);
	assert_int_equal(eo, 2);
	re_free(re);
	/* later groups do not hide group 1 */
	re = re_compile("(a)(b)(c)", 0, NULL);
	assert_true(re_match(re, "abc", 3, 0, &so, &eo));
	assert_int_equal(so, 0);
	assert_int_equal(eo, 1);
	re_free(re);
}

static void
test_re_flags(void **state)
{
	struct re	*re;
	size_t		 so, eo;

	re = re_compile("protégé", 0, NULL);
	assert_false(re_match(re, "PROTÉGÉ", strlen("PROTÉGÉ"), 0, NULL,
	    NULL));
	re_free(re);
	re = re_compile("protégé", RE_CASELESS, NULL);
	assert_true(re_match(re, "PROTÉGÉ", strlen("PROTÉGÉ"), 0, NULL, NULL));
	re_free(re);
	re = re_compile("^b$", 0, NULL);
	assert_false(re_match(re, "a\nb", 3, 0, NULL, NULL));
	re_free(re);
	re = re_compile("^b$", RE_MULTILINE, NULL);
	assert_true(re_match(re, "a\nb", 3, 0, NULL, NULL));
	re_free(re);
	/* Unicode classes: \w takes é */
	re = re_compile("^\\w+$", 0, NULL);
	assert_true(re_match(re, "Renée", strlen("Renée"), 0, NULL, NULL));
	re_free(re);
	/* from a start offset; len bounds the subject */
	re = re_compile("a", 0, NULL);
	assert_true(re_match(re, "aXa", 3, 1, &so, &eo));
	assert_int_equal(so, 2);
	assert_false(re_match(re, "aXa", 2, 1, NULL, NULL));
	assert_false(re_match(re, "aXa", 3, 4, NULL, NULL));
	/* invalid UTF-8 does not match there, and does not fail */
	assert_true(re_match(re, "\xff\xfe" "a", 3, 0, &so, NULL));
	assert_int_equal(so, 2);
	re_free(re);
	re_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Rule directories. */

struct fixture {
	char	*dir;
};

static int
setup_dir(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("test-rules-XXXXXX", NULL);
	assert_non_null(f->dir);
	*state = f;
	return 0;
}

static int
teardown_dir(void **state)
{
	struct fixture	*f = *state;
	GDir		*d;
	const char	*name;
	char		*path;

	if ((d = g_dir_open(f->dir, 0, NULL)) != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			path = g_build_filename(f->dir, name, NULL);
			g_remove(path);
			g_free(path);
		}
		g_dir_close(d);
	}
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void
write_rules(const struct fixture *f, const char *name, const char *text)
{
	char	*path = g_build_filename(f->dir, name, NULL);

	assert_true(g_file_set_contents(path, text, -1, NULL));
	g_free(path);
}

static void
remove_rules(const struct fixture *f, const char *name)
{
	char	*path = g_build_filename(f->dir, name, NULL);

	g_remove(path);
	g_free(path);
}

/*
 * Load, expecting failure, and check the cause: "DIR/FILE:LINE: ..."
 * holding `what`.
 */
static void
assert_load_error(const struct fixture *f, const struct rules_options *o,
    const char *where, const char *what)
{
	struct rules	*r = NULL;
	char		*cause = NULL, *want;

	if (rules_load(f->dir, o, &r, &cause) == 0) {
		rules_free(r);
		fail_msg("loaded, want an error \"%s\"", what);
	}
	want = g_strdup_printf("%s/%s", f->dir, where);
	if (!g_str_has_prefix(cause, want) || strstr(cause, what) == NULL)
		fail_msg("cause \"%s\", want \"%s...%s\"", cause, want, what);
	g_free(want);
	g_free(cause);
}

#define FORM_HEAD	"[form]\n" "name = t\n" "\n"

static void
test_load_bad_pattern(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field email]\n"
	    "labels = Email\n"
	    "pattern = ([a-z]+@\n");
	assert_load_error(*state, NULL, "t.rules:6: ",
	    "[field email] pattern: offset 8: missing closing parenthesis");
}

static void
test_load_bad_map(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field library_type]\n"
	    "labels = Library type\n"
	    "map.public = public\n"
	    "map.tribal = tribal(\n");
	assert_load_error(*state, NULL, "t.rules:7: ", "map.tribal: offset 7");
}

static void
test_load_unknown_key(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "lables = Name\n");
	assert_load_error(*state, NULL, "t.rules:5: ",
	    "unknown key \"lables\" in [field name]");
}

static void
test_load_unknown_normaliser(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field phone]\n"
	    "labels = Phone\n"
	    "normalise = phon\n");
	assert_load_error(*state, NULL, "t.rules:6: ",
	    "unknown normaliser \"phon\" (use one of: text, multiline");
}

static void
test_load_unknown_form(void **state)
{
	char			*forms[] = { "t", "nope", NULL };
	struct rules_options	 o = { forms, NULL };
	struct rules		*r = NULL;
	char			*cause = NULL;

	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name\n");
	assert_int_equal(rules_load(((struct fixture *)*state)->dir, &o, &r,
	    &cause), -1);
	assert_non_null(strstr(cause, "no file defines the form \"nope\""));
	g_free(cause);
}

static void
test_load_choice_without_labels(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name\n"
	    "\n"
	    "[field role]\n"
	    "choice.mentor = Mentor\n");
	assert_load_error(*state, NULL, "t.rules:7: ",
	    "[field role] has choice.* options but no labels");
}

static void
test_load_unknown_field(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field nmae]\n"
	    "labels = Name\n");
	assert_load_error(*state, NULL, "t.rules:4: ",
	    "unknown field \"nmae\"");
}

static void
test_load_syntax(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "labels Name\n");
	assert_load_error(*state, NULL, "t.rules:5: ",
	    "expected \"[group]\" or \"key = value\"");
}

static void
test_load_repeats(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name\n"
	    "labels = Full name\n");
	assert_load_error(*state, NULL, "t.rules:6: ",
	    "a key is given twice in its group: field name labels");
	write_rules(*state, "t.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name\n"
	    "[field name]\n"
	    "pattern = x\n");
	assert_load_error(*state, NULL, "t.rules:6: ",
	    "[field name] is given twice in this file");
}

static void
test_load_unknown_group_and_kind(void **state)
{
	write_rules(*state, "t.rules", FORM_HEAD
	    "[fields name]\n"
	    "labels = Name\n");
	assert_load_error(*state, NULL, "t.rules:4: ",
	    "unknown group [fields name]");
	write_rules(*state, "t.rules",
	    "[kind application]\n"
	    "fields = 2\n"
	    "[kind chitchat]\n"
	    "subject = hello\n");
	assert_load_error(*state, NULL, "t.rules:3: ", "unknown kind");
}

static void
test_load_kind_values(void **state)
{
	write_rules(*state, "k.rules",
	    "[kind command]\n"
	    "from = coordinators\n");
	assert_load_error(*state, NULL, "k.rules:2: ",
	    "from must be coordinator, newcomer or anyone");
	write_rules(*state, "k.rules",
	    "[kind application]\n"
	    "fields = some\n");
	assert_load_error(*state, NULL, "k.rules:2: ", "fields must be a "
	    "number");
	write_rules(*state, "k.rules",
	    "[kind meeting_report]\n"
	    "subject = met\n"
	    "extract = hours\n");
	assert_load_error(*state, NULL, "k.rules:3: ",
	    "extract: no [field hours] in this file");
}

static void
test_load_form_rules(void **state)
{
	write_rules(*state, "a.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name\n");
	write_rules(*state, "b.rules",
	    "# the same form again\n"
	    FORM_HEAD);
	assert_load_error(*state, NULL, "b.rules:3: ",
	    "the form \"t\" is also defined in a.rules");
	remove_rules(*state, "b.rules");
	write_rules(*state, "a.rules", FORM_HEAD
	    "required = name, libary\n");
	assert_load_error(*state, NULL, "a.rules:4: ",
	    "required: unknown field \"libary\"");
	write_rules(*state, "a.rules", FORM_HEAD
	    "[field name]\n"
	    "labels = Name | | Full name\n");
	assert_load_error(*state, NULL, "a.rules:5: ", "an empty text");
	write_rules(*state, "a.rules", FORM_HEAD
	    "[kind goals]\n"
	    "subject = goals\n");
	assert_load_error(*state, NULL, "a.rules:1: ", "cannot also define "
	    "kinds");
}

/* ------------------------------------------------------------------ */
/* Normalisers. */

/* `name` turns `in` into `want` (NULL: no value). */
static void
assert_norm(const char *name, const char *in, const char *want)
{
	const struct normaliser	*n = normaliser_find(name);
	char			*got;

	assert_non_null(n);
	got = n->fn(in);
	if (g_strcmp0(got, want) != 0)
		fail_msg("%s(\"%s\") = \"%s\", want \"%s\"", name, in,
		    got != NULL ? got : "(none)", want != NULL ? want :
		    "(none)");
	g_free(got);
}

static void
test_norm_phone(void **state)
{
	assert_norm("phone", "(307) 555-0142", "307-555-0142");
	assert_norm("phone", "307.555.0163", "307-555-0163");
	assert_norm("phone", "307 555 0156", "307-555-0156");
	assert_norm("phone", "916/555-0177", "916-555-0177");
	assert_norm("phone", "+1 307 555 0101", "307-555-0101");
	assert_norm("phone", "(307) 555-0130 ext. 4", "307-555-0130 x4");
	assert_norm("phone", "307-555-0130 x 12", "307-555-0130 x12");
	assert_norm("phone", "555-0142", NULL);
	assert_norm("phone", "ask my office", NULL);
}

static void
test_norm_numbers(void **state)
{
	/* years keep their value, to one decimal */
	assert_norm("years", "20+", "20");
	assert_norm("years", "2+", "2");
	assert_norm("years", "1.5", "1.5");
	assert_norm("years", "0.5", "0.5");
	assert_norm("years", "8 months (started in June)", "0.7");
	assert_norm("years", "six months", "0.5");
	assert_norm("years", "eleven months", "0.9");
	assert_norm("years", "18 months", "1.5");
	assert_norm("years", "1 yr 8 mo", "1.7");
	assert_norm("years", "2 years and 3 months", "2.3");
	assert_norm("years", "3 1/2", "3.5");
	assert_norm("years", "\xc2\xbd", "0.5");
	assert_norm("years", "\xc2\xbd year", "0.5");
	assert_norm("years", "about a year and a half", "1.5");
	assert_norm("years", "one and a half years", "1.5");
	assert_norm("years", "Two", "2");
	assert_norm("years", "Twenty-six years in law libraries", "26");
	assert_norm("years", "4 years", "4");
	assert_norm("years", "about six years (two as a page)", "6");
	assert_norm("years", "0", "0");
	assert_norm("years", "less than one", "0.5");
	assert_norm("years", "less than a year", "0.5");
	assert_norm("years", "under 2 years", "1.5");
	assert_norm("years", "a while", NULL);
	assert_norm("years", "since 2016", NULL);
	assert_norm("capacity", "2", "2");
	assert_norm("capacity", "two", "2");
	assert_norm("capacity", "1-2", "2");
	assert_norm("capacity", "2-3", "3");
	assert_norm("capacity", "one, maybe", "1");
	assert_norm("capacity", "it depends", NULL);
	assert_norm("integer", "about 12 or 13", "12");
	assert_norm("hours", "2 hours", "2");
	assert_norm("hours", "90 minutes", "1.5");
	assert_norm("hours", "45 min", "0.75");
}

static void
test_norm_places(void **state)
{
	assert_norm("state", "WY", "WY");
	assert_norm("state", "wy", "WY");
	assert_norm("state", "Wyoming", "WY");
	assert_norm("state", "Wis.", "WI");
	assert_norm("state", "New Mexico", "NM");
	assert_norm("state", "Ontario", NULL);
	assert_norm("state", "Wausau WI", "WI");
	assert_norm("state", "Santa Fe, New Mexico", "NM");
	assert_norm("state", "Lincoln County", NULL);
	assert_norm("zip", "82718", "82718");
	assert_norm("zip", "82718-1234", "82718-1234");
	assert_norm("zip", "827181234", "82718-1234");
	assert_norm("zip", "8271", NULL);
	assert_norm("date", "2026-03-04", "2026-03-04");
	assert_norm("date", "2/10/2026", "2026-02-10");
	assert_norm("date", "April 17, 2026", "2026-04-17");
	assert_norm("date", "17 April 2026", "2026-04-17");
	assert_norm("date", "2026-02-30", NULL);
}

static void
test_norm_text(void **state)
{
	assert_norm("text", "  Dana \t  Whitfield ", "Dana Whitfield");
	assert_norm("text", " \t ", NULL);
	assert_norm("lowercase", " Dana.W@Example.ORG ", "dana.w@example.org");
	assert_norm("multiline", "\n  one  \ntwo\n\n\n three \n\n",
	    "one\ntwo\n\nthree");
	assert_null(normaliser_find("phon"));
}

/* ------------------------------------------------------------------ */
/* Reading a form. */

static const char test_rules[] =
    "[form]\n"
    "name = test\n"
    "required = role, name, email, library\n"
    "ignore = Pronouns\n"
    "\n"
    "[text]\n"
    "signature = ^--\\s*$|^sent from my\n"
    "closing = ^\\s*(thanks|regards),?\\s*$\n"
    "empty = ^(n/?a|none)(\\W|$)\n"
    "\n"
    "[field role]\n"
    "labels = Applying as\n"
    "choice.mentee = Mentee | Protégé | Protege\n"
    "choice.mentor = Mentor\n"
    "\n"
    "[field name]\n"
    "labels = Name\n"
    "\n"
    "[field email]\n"
    "labels = Email\n"
    "pattern = ([a-z0-9.]+@[a-z0-9.]+)\n"
    "normalise = lowercase\n"
    "fallback = from\n"
    "\n"
    "[field phone]\n"
    "labels = Phone\n"
    "normalise = phone\n"
    "\n"
    "[field library]\n"
    "labels = Library | Library Name\n"
    "\n"
    "[field position]\n"
    "labels = Position | Your current position\n"
    "\n"
    "[field library_type]\n"
    "labels = Library type\n"
    "map.academic = college|university\n"
    "map.public = public\n"
    "\n"
    "[field categories]\n"
    "labels = Check all that apply\n"
    "multiple = yes\n"
    "choice.new-to-state = New to Wyoming\n"
    "choice.new-director = New Library Director\n"
    "choice.director = Library Director\n"
    "\n"
    "[field goals]\n"
    "labels = Goals\n"
    "text = multiline\n";

static const char test_kinds[] =
    "[kind application]\n"
    "fields = 1\n";

static int
setup_form(void **state)
{
	setup_dir(state);
	write_rules(*state, "test.rules", test_rules);
	write_rules(*state, "kinds.rules", test_kinds);
	return 0;
}

/* The test form's reading of `text`, sent from dana@example.org. */
static struct extraction *
extract(void **state, const char *text)
{
	struct fixture		*f = *state;
	struct rules		*r;
	struct extraction	*x;
	struct extract_input	 in = { .subject = "Application", .text = text,
				    .from_addr = "dana@example.org" };
	char			*cause = NULL;

	if (rules_load(f->dir, NULL, &r, &cause) != 0)
		fail_msg("%s", cause);
	x = extract_message(r, &in);
	rules_free(r);
	return x;
}

/* `field` of `x` is `want` (NULL: absent). */
static void
assert_field(const struct extraction *x, const char *field,
    const char *want)
{
	const char	*got = extraction_get(x, field);

	if (g_strcmp0(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", field,
		    got != NULL ? got : "(none)", want != NULL ? want :
		    "(none)");
}

static char *
joined(const GPtrArray *a)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? ", " : "",
		    (char *)a->pdata[i]);
	return g_string_free(s, FALSE);
}

static void
assert_missing(const struct extraction *x, const char *want)
{
	char	*got = joined(x->missing);

	if (strcmp(got, want) != 0)
		fail_msg("missing: got \"%s\", want \"%s\"", got, want);
	g_free(got);
}

/*
 * A file's [words] are put into its patterns as groups: "{mode}" is one
 * alternative of three, not "in person|zoom" spliced into the map; a word
 * may use the words above it; PCRE2's own braces are not words; a word
 * not defined, or one that is no pattern, is an error on its line.
 */
static void
test_load_words(void **state)
{
	struct fixture		*f = *state;
	struct rules		*r = NULL;
	struct extraction	*x;
	struct extract_input	 in = { .subject = "Application",
				    .from_addr = "dana@example.org" };
	char			*cause = NULL;

	write_rules(f, "kinds.rules", "[kind application]\n" "fields = 1\n");
	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "away = zoom|phone\n"
	    "near = in[- ]person\n"
	    "any = {near}|{away}\n"
	    "\n"
	    "[field meeting_mode]\n"
	    "labels = Meet\n"
	    "map.either = ^{any} or {any}$\n"
	    "map.virtual = ^\\b{away}\\p{L}{0,2}$\n"
	    "map.in-person = ^{near}\\{x}$\n");
	if (rules_load(f->dir, NULL, &r, &cause) != 0)
		fail_msg("%s", cause);
	in.text = "Meet: zoom or in person\n";
	x = extract_message(r, &in);
	assert_field(x, "meeting_mode", "either");
	extraction_free(x);
	/* (?:zoom|phone)\p{L}{0,2}: the group holds both, \p{L} stays */
	in.text = "Meet: phoneé\n";
	x = extract_message(r, &in);
	assert_field(x, "meeting_mode", "virtual");
	extraction_free(x);
	in.text = "Meet: in person{x}\n";
	x = extract_message(r, &in);
	assert_field(x, "meeting_mode", "in-person");
	extraction_free(x);
	rules_free(r);

	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "near = in person\n"
	    "[field meeting_mode]\n"
	    "labels = Meet\n"
	    "map.virtual = {away}\n"
	    "map.either = ({near}\n");
	assert_load_error(f, NULL, "t.rules:8: ",
	    "map.virtual: no word {away} in this file's [words]");
	/* an offset is said to be in the pattern with its words put in */
	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "near = in person\n"
	    "[field meeting_mode]\n"
	    "labels = Meet\n"
	    "map.either = ({near}\n");
	assert_load_error(f, NULL, "t.rules:8: ", "map.either: offset 14: "
	    "missing closing parenthesis (with its words put in)");
	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "near = in (person\n");
	assert_load_error(f, NULL, "t.rules:5: ",
	    "[words] near: offset 10: missing closing parenthesis");
	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "9lives = cat\n");
	assert_load_error(f, NULL, "t.rules:5: ", "a word's name is letters");
	/* a file's words are its own */
	write_rules(f, "t.rules", FORM_HEAD
	    "[words]\n"
	    "near = in person\n");
	write_rules(f, "u.rules",
	    "[field meeting_mode]\n"
	    "labels = Meet\n"
	    "map.in-person = {near}\n");
	assert_load_error(f, NULL, "u.rules:3: ", "no word {near}");
}

static void
test_longest_label(void **state)
{
	struct extraction	*x;

	/* "Library Name" is not "Name", "Library type" is not "Library" */
	x = extract(state,
	    "Library Name: Teton County Library\n"
	    "Name: Hannah Birch\n"
	    "Library type: Public\n");
	assert_string_equal(x->kind, "application");
	assert_string_equal(x->form, "test");
	assert_field(x, "library", "Teton County Library");
	assert_field(x, "name", "Hannah Birch");
	assert_field(x, "library_type", "public");
	extraction_free(x);
	/* two labels on a line, a label on its own line */
	x = extract(state,
	    "Name ___Marisa Chee___   Phone # ___307.555.0163___\n"
	    "Library\n"
	    "Sheridan County Fulmer Public Library\n");
	assert_field(x, "name", "Marisa Chee");
	assert_field(x, "phone", "307-555-0163");
	assert_field(x, "library", "Sheridan County Fulmer Public Library");
	extraction_free(x);
}

static void
test_weak_labels(void **state)
{
	struct extraction	*x;

	/* no colon: a label, if what follows is an answer */
	x = extract(state,
	    "Name Gretchen Paulsen\n"
	    "Library Rhinelander District Library\n"
	    "Goals Adult programming.\n"
	    "Library staff matter too.\n"
	    "Phone 715-555-0172\n");
	assert_field(x, "name", "Gretchen Paulsen");
	assert_field(x, "library", "Rhinelander District Library");
	/* the Library label has its answer: free text goes on */
	assert_field(x, "goals", "Adult programming.\n"
	    "Library staff matter too.");
	assert_field(x, "phone", "715-555-0172");
	extraction_free(x);
}

/* `text`, read alone, gives field `a` = `va` and field `b` = `vb`. */
static void
assert_two(void **state, const char *text, const char *a, const char *va,
    const char *b, const char *vb)
{
	struct extraction	*x;

	x = extract(state, text);
	assert_field(x, a, va);
	assert_field(x, b, vb);
	extraction_free(x);
}

static void
test_label_words_in_answers(void **state)
{
	/* the words after a label's colon are its answer */
	assert_two(state,
	    "Name: Tanner Pfeiffer\n"
	    "Your current position: Library Assistant\n"
	    "Library Name: Weston County Library\n",
	    "position", "Library Assistant",
	    "library", "Weston County Library");
	/* and a correction of one line does not become the library */
	assert_two(state, "Your current position: Library Assistant\n",
	    "position", "Library Assistant", "library", NULL);
	/* whatever label its first word is */
	assert_two(state,
	    "Position: Name Authority Cataloger\n"
	    "Name: Ruth Okafor\n",
	    "position", "Name Authority Cataloger", "name", "Ruth Okafor");
	/* nor after a label without one (a table pasted as text) */
	assert_two(state, "Position Library Assistant\n",
	    "position", "Library Assistant", "library", NULL);
	/* nor when answers are lined up with spaces, a tab or in a blank */
	assert_two(state,
	    "Name:       Tanner Pfeiffer\n"
	    "Position:   Library Assistant\n",
	    "position", "Library Assistant", "library", NULL);
	assert_two(state, "Position:\tLibrary Assistant\n",
	    "position", "Library Assistant", "library", NULL);
	assert_two(state,
	    "Position ___Library Assistant II___   Library type ___Public___\n"
	    "Library Name ___Weston County Library___\n",
	    "position", "Library Assistant II",
	    "library", "Weston County Library");
}

static void
test_empty_answer_then_label(void **state)
{
	/* a label that is one by itself ends an empty answer */
	assert_two(state, "Name:     Phone: 307-555-0101\n",
	    "name", NULL, "phone", "307-555-0101");
	/* as does a blank left empty: what follows is the next column */
	assert_two(state, "Library ________   Position Library Assistant\n",
	    "library", NULL, "position", "Library Assistant");
}

static void
test_pdf_columns(void **state)
{
	struct extraction	*x;

	/* answers above the underscores, labels below, in columns */
	x = extract(state,
	    "Russell Tenney                    307-555-0187\n"
	    "________________________________  ____________\n"
	    "Name                              Phone\n"
	    "\n"
	    "                                  Park County  Library System\n"
	    "________________________________  ____________\n"
	    "Email                             Library Name\n"
	    "\n"
	    "Goals: Grants.\n");
	assert_field(x, "name", "Russell Tenney");
	assert_field(x, "phone", "307-555-0187");
	assert_field(x, "library", "Park County Library System");
	/* an empty column is not the next row's answer */
	assert_field(x, "email", "dana@example.org");
	assert_field(x, "goals", "Grants.");
	extraction_free(x);
}

static void
test_email_fallback(void **state)
{
	struct extraction	*x;

	x = extract(state, "Email: <Dana.W@CCPLS.example.org>\n");
	assert_field(x, "email", "dana.w@ccpls.example.org");
	extraction_free(x);
	x = extract(state, "Name: Dana\nEmail: same as this one\n");
	assert_field(x, "email", "dana@example.org");
	extraction_free(x);
}

/*
 * A NUL or control character (mime.c shows it as a control picture) makes
 * the answer unclear: neither what comes before it nor the From instead.
 */
static void
test_control_character_is_unclear(void **state)
{
	struct extraction	*x;
	char			*unclear;

	x = extract(state, "Name: Dana\n"
	    "Email: dana@evil.example\xe2\x90\x80@example.org\n"
	    "Library: Campbell County\xe2\x90\x9b Library\n");
	assert_field(x, "email", NULL);
	assert_field(x, "library", NULL);
	assert_field(x, "name", "Dana");
	unclear = joined(x->unclear);
	assert_non_null(strstr(unclear, "email: the answer holds a character "
	    "that is not text"));
	assert_non_null(strstr(unclear, "library: the answer holds"));
	g_free(unclear);
	extraction_free(x);
	/* A byte the charset did not allow is unclear too. */
	x = extract(state, "Name: Dana\n"
	    "Email: dana@evil.example\xef\xbf\xbd@example.org\n");
	assert_field(x, "email", NULL);
	unclear = joined(x->unclear);
	assert_non_null(strstr(unclear, "email: the answer holds a character "
	    "that could not be read"));
	g_free(unclear);
	extraction_free(x);
	/* Other symbols near them are text. */
	x = extract(state, "Name: Dana\nLibrary: Campbell \xe2\x90\xa3 "
	    "County\n");
	assert_field(x, "library", "Campbell \xe2\x90\xa3 County");
	extraction_free(x);
}

/* One role line with a mark: `line` must give `want`. */
static void
assert_role(void **state, const char *line, const char *want)
{
	struct extraction	*x;
	char			*text;

	text = g_strdup_printf("Name: Dana\n%s\nLibrary: X\n", line);
	x = extract(state, text);
	if (g_strcmp0(extraction_get(x, "role"), want) != 0)
		fail_msg("\"%s\": role %s, want %s", line,
		    extraction_get(x, "role"), want);
	extraction_free(x);
	g_free(text);
}

static void
test_mark_styles(void **state)
{
	struct extraction	*x;
	static const char *const ticks[] = {
		"[x]", "[X]", "(x)", "(X)", "X", "x", "_X_", "_x_",
		"\xe2\x98\x92", "\xe2\x9c\x94", "\xe2\x9c\x93", "[ x ]",
	};
	char	*line;
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(ticks); i++) {
		line = g_strdup_printf("Applying as: [ ] Mentee   %s Mentor",
		    ticks[i]);
		assert_role(state, line, "mentor");
		g_free(line);
		line = g_strdup_printf("Applying as: %s Protégé  \xe2\x98\x90 "
		    "Mentor", ticks[i]);
		assert_role(state, line, "mentee");
		g_free(line);
	}
	/* marks after the options */
	assert_role(state, "Applying as:   Protégé ___   Mentor _X_", "mentor");
	assert_role(state,
	    "Applying as:\n\xc2\xb7 Protege\n\xc2\xb7 Mentor   X", "mentor");
	assert_role(state, "Applying as:\nProtégé: Yes\nMentor: No", "mentee");
	/* no marks at all: the option written is the answer */
	assert_role(state, "Applying as: mentee", "mentee");
	assert_role(state, "Applying as:\nMentor", "mentor");
	assert_role(state, "Applying as: [  ] Mentee [\xc2\xa0] Mentor", NULL);
	/* a blank's underscores are trimmed, but "___" here says not this */
	x = extract(state, "Name: Cody\nLibrary type:  ___ Public   "
	    "_X_ College   ___ School\n");
	assert_field(x, "library_type", "academic");
	extraction_free(x);
	x = extract(state, "Name: Cody\nLibrary type:  _X_ Public   "
	    "___ College\n");
	assert_field(x, "library_type", "public");
	extraction_free(x);
}

static void
test_roles_unclear(void **state)
{
	struct extraction	*x;
	char			*unclear;

	x = extract(state,
	    "Name: Cody\n"
	    "Applying as:\n"
	    "\xe2\x98\x92 Protégé\n"
	    "\xe2\x98\x92 Mentor\n"
	    "Library: Hinckley Library\n");
	assert_field(x, "role", NULL);
	unclear = joined(x->unclear);
	assert_string_equal(unclear,
	    "role: more than one is ticked (mentee, mentor)");
	g_free(unclear);
	assert_missing(x, "role");
	extraction_free(x);
	x = extract(state,
	    "Name: Hannah\n"
	    "Applying as:  [ ] Protégé  [ ] Mentor\n"
	    "Library: Teton County Library\n");
	assert_field(x, "role", NULL);
	assert_int_equal(x->unclear->len, 1);
	assert_string_equal(x->unclear->pdata[0], "role: no box is ticked");
	assert_missing(x, "role");
	extraction_free(x);
}

static void
test_checkboxes_multiple(void **state)
{
	struct extraction	*x;

	/* "New Library Director" is not also "Library Director" */
	x = extract(state,
	    "Name: Kyle\n"
	    "Check all that apply:\n"
	    "[x] New Library Director\n"
	    "[ ] Library Director\n"
	    "[x] New to Wyoming\n");
	assert_field(x, "categories", "new-to-state, new-director");
	extraction_free(x);
	x = extract(state,
	    "Check all that apply: New to Wyoming, Library Director\n");
	assert_field(x, "categories", "new-to-state, director");
	extraction_free(x);
}

static void
test_free_text(void **state)
{
	struct extraction	*x;

	x = extract(state,
	    "Goals:\n"
	    "First line\n"
	    "and its second.\n"
	    "\n"
	    "A new paragraph.\n"
	    "Name: Dana\n");
	assert_field(x, "goals", "First line\nand its second.\n\n"
	    "A new paragraph.");
	assert_field(x, "name", "Dana");
	extraction_free(x);
	/* a closing ends it, and the signature is never an answer */
	x = extract(state,
	    "Goals: Budgets.\n"
	    "\n"
	    "Thanks,\n"
	    "Dana\n"
	    "Phone: 307-555-0101\n");
	assert_field(x, "goals", "Budgets.");
	assert_field(x, "phone", NULL);
	extraction_free(x);
	/* a label the form reads past ends it too */
	x = extract(state,
	    "Goals: Budgets.\n"
	    "Pronouns: she/her\n");
	assert_field(x, "goals", "Budgets.");
	extraction_free(x);
}

static void
test_closing_above_form(void **state)
{
	struct extraction	*x;

	/* a closing, then the form pasted below it: the form is read */
	x = extract(state,
	    "Hi, my application is below.\n"
	    "Thanks,\n"
	    "Dana\n"
	    "\n"
	    "Name: Dana Whitfield\n"
	    "Phone: 307-555-0142\n"
	    "Library: Campbell County Public Library\n"
	    "Applying as: Mentee\n"
	    "Goals: Budgets.\n"
	    "\n"
	    "Regards,\n"
	    "Dana\n"
	    "Library: Elsewhere\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "library", "Campbell County Public Library");
	assert_field(x, "goals", "Budgets.");
	extraction_free(x);
	/* a signature with a few labelled lines is not a form */
	x = extract(state,
	    "Name: Dana Whitfield\n"
	    "\n"
	    "Thanks,\n"
	    "Dana\n"
	    "Phone: 307-555-0142\n"
	    "Email: dana@ccpls.example.org\n");
	assert_field(x, "phone", NULL);
	assert_field(x, "email", "dana@example.org");
	extraction_free(x);
}

static void
test_quoted_reply(void **state)
{
	struct extraction	*x;

	x = extract(state,
	    "Answers below.\n"
	    "\n"
	    "> Name:\n"
	    "Dana Whitfield\n"
	    "> Phone: 307-555-0142\n"
	    "> Applying as:  [ ] Mentor  [ ] Mentee\n"
	    "Mentee\n"
	    "> Library:\n"
	    "> Goals:\n"
	    "Learn the consortium.\n"
	    ">\n"
	    "> Regards,\n"
	    "> The coordinator\n");
	assert_field(x, "name", "Dana Whitfield");
	assert_field(x, "phone", "307-555-0142");
	assert_field(x, "role", "mentee");
	assert_field(x, "library", NULL);
	assert_field(x, "goals", "Learn the consortium.");
	assert_missing(x, "library");
	extraction_free(x);
}

static void
test_empty_answers(void **state)
{
	struct extraction	*x;

	x = extract(state,
	    "Name: Brandon\n"
	    "Library: N/A (not working in a library yet)\n"
	    "Library type: bookmobile\n");
	assert_field(x, "library", NULL);
	assert_field(x, "library_type", NULL);
	assert_missing(x, "role, library");
	extraction_free(x);
	/* free text is never "nothing", whatever it starts with */
	x = extract(state,
	    "Name: Brandon\n"
	    "Goals:\n"
	    "None of this is easy:\n"
	    "- budgets\n");
	assert_field(x, "goals", "None of this is easy:\n- budgets");
	extraction_free(x);
}

static void
test_other_kind(void **state)
{
	struct extraction	*x;

	x = extract(state, "Thank you for everything!\n");
	assert_string_equal(x->kind, "other");
	assert_null(x->form);
	assert_int_equal(x->fields->len, 0);
	assert_int_equal(x->missing->len, 0);
	extraction_free(x);
}

/* Nothing to read, broken UTF-8, and inputs built to be slow. */
static void
test_hostile(void **state)
{
	static const char *const small[] = {
		"", "\n\n\n", ">", "> > >\n>>", "Name", "Name:", "Goals:",
		"Applying as:", "Applying as: [", "Applying as: (x", "___",
		"Name: \xc3", "\xff\xfe Name: \xe2\x98 Mentor \xe2",
		"Goals: a\n\n\n-- \n", "----- attachment: x -----\nName: a",
	};
	struct extract_input	 in = { .subject = NULL };
	struct fixture		*f = *state;
	struct extraction	*x;
	struct rules		*r;
	GString			*big = g_string_new(NULL);
	size_t			 i;

	assert_int_equal(rules_load(f->dir, NULL, &r, NULL), 0);
	extraction_free(extract_message(r, &in));
	for (i = 0; i < G_N_ELEMENTS(small); i++) {
		in.text = small[i];
		in.subject = small[i];
		extraction_free(extract_message(r, &in));
	}
	for (i = 0; i < 20000; i++)
		g_string_append(big, i % 3 ? "\n" : "> Goals:\n");
	g_string_append(big, "Applying as:");
	for (i = 0; i < 4000; i++)
		g_string_append(big, " [x] Mentor  Name ");
	g_string_append(big, "\nCheck all that apply:\n");
	for (i = 0; i < 4000; i++)
		g_string_append(big, "[x] New to Wyoming\n");
	assert_true(big->len < EXTRACT_TEXT_MAX);
	in.text = big->str;
	x = extract_message(r, &in);
	assert_field(x, "categories", "new-to-state");
	assert_int_equal(x->text_cut, 0);
	extraction_free(x);
	g_string_free(big, TRUE);
	rules_free(r);
}

static void
test_field_names(void **state)
{
	const char *const	*names = rules_field_names();

	assert_string_equal(names[0], "role");
	assert_string_equal(names[22], "meeting_mode");
	assert_null(names[field_count()]);
	assert_int_equal(field_id("library_type"), 10);
	assert_int_equal(field_id("nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_re_compile_error),
		cmocka_unit_test(test_re_match_whole_and_group),
		cmocka_unit_test(test_re_flags),
		cmocka_unit_test_setup_teardown(test_load_bad_pattern,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_bad_map,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_unknown_key,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_unknown_normaliser,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_unknown_form,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_choice_without_labels,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_unknown_field,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_syntax,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_repeats,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_load_unknown_group_and_kind, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_kind_values,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_form_rules,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_words, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_norm_phone),
		cmocka_unit_test(test_norm_numbers),
		cmocka_unit_test(test_norm_places),
		cmocka_unit_test(test_norm_text),
		cmocka_unit_test_setup_teardown(test_longest_label,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_weak_labels,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_label_words_in_answers,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_empty_answer_then_label,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_pdf_columns,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_email_fallback,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(
		    test_control_character_is_unclear, setup_form,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_mark_styles,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_roles_unclear,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_checkboxes_multiple,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_free_text,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_closing_above_form,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_quoted_reply,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_empty_answers,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_other_kind,
		    setup_form, teardown_dir),
		cmocka_unit_test_setup_teardown(test_hostile,
		    setup_form, teardown_dir),
		cmocka_unit_test(test_field_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
