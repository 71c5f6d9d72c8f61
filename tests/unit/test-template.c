/*
 * test-template.c -- the template engine (template.h) and the templates
 * shipped in templates/.
 *
 * Most tests write a small template inline, render it with a few values and
 * compare the exact text; the error tests compare the exact message, line
 * number included, because that is what a coordinator sees from
 * `mentormail check`.  The last group loads each shipped template and
 * checks it against the names the program provides for it, defined here
 * as the program defines them: as a tvars schema.
 *
 * The templates directory is MENTORMAIL_TEMPLATES, by default templates/
 * relative to the repository root.
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

#include "reply.h"
#include "template.h"

#define TEMPLATES_DEFAULT	"templates"

/* -------------------------------------------------------------------- */
/* Helpers. */

static struct template *
parse_ok(const char *text)
{
	struct template	*t = NULL;
	char		*cause = NULL;

	if (template_parse(text, "t.txt", &t, &cause) != 0)
		fail_msg("parse failed: %s", cause);
	assert_null(cause);
	return t;
}

/* The message template_parse fails with.  Caller frees. */
static char *
parse_error(const char *text)
{
	struct template	*t = NULL;
	char		*cause = NULL;

	if (template_parse(text, "t.txt", &t, &cause) == 0)
		fail_msg("parse succeeded: %s", text);
	assert_null(t);
	assert_non_null(cause);
	return cause;
}

static void
assert_parse_error(const char *text, const char *want)
{
	char	*cause;

	cause = parse_error(text);
	assert_string_equal(cause, want);
	g_free(cause);
}

/* Render `text`; store the subject in *subject when not NULL. */
static char *
render_text(const char *text, const struct tvars *vars, char **subject)
{
	struct template	*t;
	char		*s = NULL, *b = NULL, *cause = NULL;

	t = parse_ok(text);
	if (template_render(t, vars, &s, &b, &cause) != 0)
		fail_msg("render failed: %s", cause);
	template_free(t);
	if (subject != NULL)
		*subject = s;
	else
		g_free(s);
	return b;
}

/* The rendered body of a template whose body is `body`. */
static char *
render_body(const char *body, const struct tvars *vars)
{
	char	*text, *out;

	text = g_strconcat("Subject: s\n\n", body, NULL);
	out = render_text(text, vars, NULL);
	g_free(text);
	return out;
}

static void
assert_body(const char *body, const struct tvars *vars, const char *want)
{
	char	*out;

	out = render_body(body, vars);
	assert_string_equal(out, want);
	g_free(out);
}

/* The rendered subject of "Subject: <subject>". */
static char *
render_subject(const char *subject, const struct tvars *vars)
{
	char	*text, *s, *b;

	text = g_strconcat("Subject: ", subject, "\n\nbody\n", NULL);
	b = render_text(text, vars, &s);
	g_free(b);
	g_free(text);
	return s;
}

/* Set each name of the NULL-terminated `names` to `value`. */
static void
set_all(struct tvars *v, const char *const *names, const char *value)
{
	for (; *names != NULL; names++)
		tvars_set(v, *names, value);
}

/* The result of template_check; the message, if any, in *cause. */
static int
check_text(const char *text, const struct tvars *schema, char **cause)
{
	struct template	*t;
	int		 rc;

	t = parse_ok(text);
	*cause = NULL;
	rc = template_check(t, schema, cause);
	template_free(t);
	return rc;
}

/* A schema like the program's: names, a list with a nested list. */
static struct tvars *
small_schema(void)
{
	static const char *const names[] = {
		"program.name", "applicant.name", "role", "complete", NULL
	};
	static const char *const field[] = { "name", "label", "value", NULL };
	struct tvars	*s, *item;

	s = tvars_new();
	set_all(s, names, "");
	set_all(tvars_add_item(s, "fields"), field, "");
	item = tvars_add_item(s, "pairs");
	tvars_set(item, "mentor", "");
	tvars_set(tvars_add_item(item, "meetings"), "date", "");
	return s;
}

static void
assert_check_error(const char *text, const char *want)
{
	struct tvars	*schema;
	char		*cause;

	schema = small_schema();
	assert_int_equal(check_text(text, schema, &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	g_free(cause);
	tvars_free(schema);
}

static void
assert_check_ok(const char *text)
{
	struct tvars	*schema;
	char		*cause;

	schema = small_schema();
	if (check_text(text, schema, &cause) != 0)
		fail_msg("check failed: %s", cause);
	tvars_free(schema);
}

/* -------------------------------------------------------------------- */
/* Values. */

static void
test_tvars_set_copies_and_replaces(void **state)
{
	struct tvars	*v;
	char		*value;

	v = tvars_new();
	value = g_strdup("Ann");
	tvars_set(v, "applicant.name", value);
	value[0] = 'X';
	g_free(value);
	assert_string_equal(tvars_get(v, "applicant.name"), "Ann");
	tvars_set(v, "applicant.name", "Bea");
	assert_string_equal(tvars_get(v, "applicant.name"), "Bea");
	assert_null(tvars_get(v, "other"));
	tvars_free(v);
}

static void
test_tvars_set_null_unsets(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "role", "mentor");
	tvars_set(v, "role", NULL);
	assert_null(tvars_get(v, "role"));
	tvars_set(v, "never-set", NULL);
	assert_null(tvars_get(v, "never-set"));
	tvars_free(v);
}

static void
test_tvars_items_are_owned_and_ordered(void **state)
{
	struct tvars	*v, *a, *b;
	char		*out;

	v = tvars_new();
	a = tvars_add_item(v, "fields");
	b = tvars_add_item(v, "fields");
	tvars_set(a, "label", "first");
	tvars_set(b, "label", "second");
	assert_int_equal(tvars_count(v, "fields"), 2);
	assert_int_equal(tvars_count(v, "other"), 0);
	/* Unsetting the value of a name keeps its list. */
	tvars_set(v, "fields", NULL);
	assert_int_equal(tvars_count(v, "fields"), 2);
	out = render_body("{{#each fields}}{{label}};{{/each}}", v);
	assert_string_equal(out, "first;second;");
	g_free(out);
	tvars_free(v);	/* frees a and b: valgrind would say otherwise */
	tvars_free(NULL);
}

/* -------------------------------------------------------------------- */
/* Placeholders. */

static void
test_placeholder_and_dotted_name(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "program.name", "WLA Mentoring Program");
	tvars_set(v, "name", "plain");
	tvars_set(v, "a-b_c.d1", "odd");
	assert_body("In {{program.name}}, {{name}} and {{a-b_c.d1}}.\n", v,
	    "In WLA Mentoring Program, plain and odd.\n");
	assert_body("[{{ name }}] [{{\tname\t}}]\n", v, "[plain] [plain]\n");
	tvars_free(v);
}

static void
test_unset_placeholder_renders_empty(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	assert_body("Dear {{applicant.name}},\n", v, "Dear ,\n");
	tvars_free(v);
}

static void
test_single_braces_are_text(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "x", "1");
	assert_body("{a} {x} }} {{x}}}\n", v, "{a} {x} }} 1}\n");
	tvars_free(v);
}

static void
test_value_is_never_expanded(void **state)
{
	struct tvars	*v;
	char		*s;

	v = tvars_new();
	tvars_set(v, "applicant.name", "{{program.name}} {{#if x}}");
	tvars_set(v, "program.name", "SECRET");
	tvars_set(v, "x", "1");
	assert_body("Dear {{applicant.name}}\n", v,
	    "Dear {{program.name}} {{#if x}}\n");
	s = render_subject("Hi {{applicant.name}}", v);
	assert_string_equal(s, "Hi {{program.name}} {{#if x}}");
	g_free(s);
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* Conditions. */

static void
test_if_else(void **state)
{
	struct tvars	*v;
	const char	*t = "{{#if x}}yes{{else}}no{{/if}}\n";

	v = tvars_new();
	assert_body(t, v, "no\n");
	tvars_set(v, "x", "");
	assert_body(t, v, "no\n");
	tvars_set(v, "x", " ");
	assert_body(t, v, "yes\n");
	tvars_set(v, "x", "0");
	assert_body(t, v, "yes\n");
	assert_body("{{#if x}}only{{/if}}|{{#if y}}only{{/if}}\n", v,
	    "only|\n");
	tvars_free(v);
}

static void
test_if_on_lists(void **state)
{
	struct tvars	*v;
	const char	*t = "{{#if missing}}some{{else}}none{{/if}}\n";

	v = tvars_new();
	assert_body(t, v, "none\n");
	tvars_add_item(v, "missing");
	assert_body(t, v, "some\n");
	tvars_free(v);
}

static void
test_unless(void **state)
{
	struct tvars	*v;
	const char	*t =
	    "{{#unless complete}}todo{{else}}done{{/unless}}\n";

	v = tvars_new();
	assert_body(t, v, "todo\n");
	tvars_set(v, "complete", "yes");
	assert_body(t, v, "done\n");
	assert_body("{{#unless complete}}todo{{/unless}}.\n", v, ".\n");
	tvars_free(v);
}

static void
test_closing_tag_may_repeat_the_name(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "x", "1");
	tvars_set(tvars_add_item(v, "l"), "a", "A");
	assert_body("{{#if x}}X{{/if x}}{{#each l}}{{a}}{{/each l}}"
	    "{{#unless x}}U{{/unless  x }}\n", v, "XA\n");
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* Lists. */

static void
test_each_items_in_order(void **state)
{
	struct tvars	*v, *item;

	v = tvars_new();
	item = tvars_add_item(v, "missing");
	tvars_set(item, "label", "Library Type");
	tvars_set(item, "hint", "Library Type: Public");
	item = tvars_add_item(v, "missing");
	tvars_set(item, "label", "Email");
	tvars_set(item, "hint", "Email: you@example.org");
	assert_body("{{#each missing}}- {{label}}: {{hint}}\n{{/each}}", v,
	    "- Library Type: Library Type: Public\n"
	    "- Email: Email: you@example.org\n");
	tvars_free(v);
}

static void
test_each_looks_in_item_then_outward(void **state)
{
	struct tvars	*v, *item;

	v = tvars_new();
	tvars_set(v, "label", "outer");
	tvars_set(v, "program.name", "CLA");
	item = tvars_add_item(v, "l");
	tvars_set(item, "label", "inner");
	tvars_add_item(v, "l");		/* no label: the outer one shows */
	assert_body("{{#each l}}{{label}}/{{program.name}} {{/each}}"
	    "{{label}}\n", v, "inner/CLA outer/CLA outer\n");
	tvars_free(v);
}

static void
test_each_nested_lists(void **state)
{
	struct tvars	*v, *pair;

	v = tvars_new();
	tvars_set(v, "sep", ",");
	pair = tvars_add_item(v, "pairs");
	tvars_set(pair, "mentor", "Ann");
	tvars_set(tvars_add_item(pair, "meetings"), "date", "May 1");
	tvars_set(tvars_add_item(pair, "meetings"), "date", "June 2");
	pair = tvars_add_item(v, "pairs");
	tvars_set(pair, "mentor", "Bob");
	assert_body("{{#each pairs}}{{mentor}}:"
	    "{{#each meetings}} {{date}} with {{mentor}}{{sep}}"
	    "{{else}} no meetings{{/each}}\n{{/each}}", v,
	    "Ann: May 1 with Ann, June 2 with Ann,\nBob: no meetings\n");
	tvars_free(v);
}

static void
test_each_inner_names_resolve_through_enclosing_items(void **state)
{
	struct tvars	*v, *outer;

	/* "other" is found at the top, but "who" lives in the outer item. */
	v = tvars_new();
	outer = tvars_add_item(v, "outer");
	tvars_set(outer, "who", "W");
	tvars_set(tvars_add_item(v, "other"), "n", "1");
	tvars_set(tvars_add_item(v, "other"), "n", "2");
	assert_body("{{#each outer}}{{#each other}}{{who}}{{n}} "
	    "{{/each}}{{/each}}\n", v, "W1 W2 \n");
	tvars_free(v);
}

static void
test_each_else_without_items(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	assert_body("{{#each l}}x{{else}}empty{{/each}}\n", v, "empty\n");
	tvars_set(v, "l", "a value, not a list");
	assert_body("{{#each l}}x{{else}}empty{{/each}}\n", v, "empty\n");
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* Comments and standalone lines. */

static void
test_comments_show_nothing(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "x", "1");
	assert_body("a{{! a note }}b{{! {{x}} is not shown }}c\n", v,
	    "abc\n");
	/* Tags inside pair up, so a line can be set aside whole. */
	assert_body("a{{! Dear {{x}}, {{#if x}} }}b}}\n", v, "ab}}\n");
	assert_body("a{{! one\ntwo\nthree }}b\n", v, "ab\n");
	tvars_free(v);
}

static void
test_standalone_block_tags_leave_no_line(void **state)
{
	struct tvars	*v;
	const char	*t =
	    "Hello\n"
	    "{{#if x}}\n"
	    "  X is set\n"
	    "{{else}}\n"
	    "  X is not set\n"
	    "{{/if}}\n"
	    "Bye\n";

	v = tvars_new();
	assert_body(t, v, "Hello\n  X is not set\nBye\n");
	tvars_set(v, "x", "1");
	assert_body(t, v, "Hello\n  X is set\nBye\n");
	tvars_free(v);
}

static void
test_standalone_with_blanks_and_several_tags(void **state)
{
	struct tvars	*v, *item;

	v = tvars_new();
	item = tvars_add_item(v, "l");
	tvars_set(item, "a", "A");
	tvars_set(item, "ok", "1");
	assert_body("  {{#each l}}\t\n"
	    "\t{{#if ok}} {{! note }}\n"
	    "- {{a}}\n"
	    "  {{/if}}{{/each}}  \n"
	    "end\n", v, "- A\nend\n");
	tvars_free(v);
}

static void
test_standalone_comment_over_lines(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	assert_body("a\n  {{! a note\n  over two lines }}\nb\n", v, "a\nb\n");
	tvars_free(v);
}

static void
test_standalone_on_last_line_without_newline(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "x", "1");
	assert_body("{{#if x}}\nyes\n  {{/if}}", v, "yes\n");
	tvars_free(v);
}

static void
test_not_standalone_when_line_has_text_or_value(void **state)
{
	struct tvars	*v;

	v = tvars_new();
	tvars_set(v, "x", "1");
	tvars_set(v, "y", "Y");
	/* Text beside the tag: the line and its newline stay. */
	assert_body("- {{#if x}}\nA\n{{/if}} -\n", v, "- \nA\n -\n");
	/* A placeholder is content, never removed with its line. */
	assert_body("{{#if x}}{{y}}\n{{/if}}\n", v, "Y\n");
	assert_body("{{y}}\n\n{{y}}\n", v, "Y\n\nY\n");
	/* Blank lines around standalone tags are kept. */
	assert_body("a\n\n{{#if x}}\n\nb\n{{/if}}\n\nc\n", v,
	    "a\n\n\nb\n\nc\n");
	tvars_free(v);
}

static void
test_subject_is_never_standalone(void **state)
{
	struct tvars	*v;
	char		*s;

	v = tvars_new();
	tvars_set(v, "x", "1");
	s = render_subject("{{#if x}}Hi{{/if}}", v);
	assert_string_equal(s, "Hi");
	g_free(s);
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* The subject and line endings. */

static void
test_subject_folds_injected_header(void **state)
{
	struct tvars	*v;
	char		*s;

	v = tvars_new();
	tvars_set(v, "applicant.name", "Hello\r\nBcc: x@y");
	s = render_subject("{{applicant.name}}", v);
	assert_string_equal(s, "Hello Bcc: x@y");
	g_free(s);

	tvars_set(v, "applicant.name", "\n\t Ann \r\r\n\tLee\x01\x7f!\n");
	s = render_subject("  Welcome, {{applicant.name}}  ", v);
	assert_string_equal(s, "Welcome, Ann Lee !");
	assert_null(strpbrk(s, "\r\n\t"));
	g_free(s);

	tvars_set(v, "applicant.name", "\r\n");
	s = render_subject("{{applicant.name}}", v);
	assert_string_equal(s, "");
	g_free(s);
	tvars_free(v);
}

static void
test_subject_header_is_case_insensitive(void **state)
{
	struct tvars	*v;
	char		*s, *b;

	v = tvars_new();
	b = render_text("subject:Hi\n\nb\n", v, &s);
	assert_string_equal(s, "Hi");
	assert_string_equal(b, "b\n");
	g_free(s);
	g_free(b);
	tvars_free(v);
}

static void
test_body_line_endings_are_lf(void **state)
{
	struct tvars	*v;
	char		*s, *b;

	v = tvars_new();
	tvars_set(v, "x", "one\r\ntwo\rthree\n");
	b = render_text("Subject: a\r\n\r\n{{#if x}}\r\n{{x}}end\r\n"
	    "{{/if}}\r\nlast\r", v, &s);
	assert_string_equal(s, "a");
	assert_string_equal(b, "one\ntwo\nthree\nend\nlast\n");
	g_free(s);
	g_free(b);
	tvars_free(v);
}

static void
test_multiline_value_is_indented(void **state)
{
	struct tvars	*v, *item;

	v = tvars_new();
	item = tvars_add_item(v, "fields");
	tvars_set(item, "label", "Goals");
	tvars_set(item, "value", "Learn budgeting\nand grant writing\n\n"
	    "Meet monthly");
	item = tvars_add_item(v, "fields");
	tvars_set(item, "label", "Biblioth\xc3\xa8que");
	tvars_set(item, "value", "a\r\nb\n");
	assert_body("{{#each fields}}\n  {{label}}: {{value}}\n{{/each}}\n",
	    v,
	    "  Goals: Learn budgeting\n"
	    "         and grant writing\n"
	    "\n"
	    "         Meet monthly\n"
	    "  Biblioth\xc3\xa8que: a\n"
	    "                b\n"
	    "\n");
	tvars_free(v);
}

static void
test_invalid_utf8_in_value_is_replaced(void **state)
{
	struct tvars	*v;
	char		*s, *b;

	v = tvars_new();
	tvars_set(v, "x", "caf\xe9");
	b = render_text("Subject: {{x}}\n\n{{x}}\n", v, &s);
	assert_true(g_utf8_validate(s, -1, NULL));
	assert_true(g_utf8_validate(b, -1, NULL));
	assert_string_equal(b, "caf\xef\xbf\xbd\n");
	g_free(s);
	g_free(b);
	tvars_free(v);
}

static void
test_byte_order_mark_is_skipped(void **state)
{
	struct tvars	*v;
	char		*s, *b;

	v = tvars_new();
	b = render_text("\xef\xbb\xbfSubject: Hi\n\nbody\n", v, &s);
	assert_string_equal(s, "Hi");
	assert_string_equal(b, "body\n");
	g_free(s);
	g_free(b);
	tvars_free(v);
}

static void
test_header_only_is_an_empty_body(void **state)
{
	struct tvars	*v;
	char		*s, *b;

	v = tvars_new();
	b = render_text("Subject: Hi", v, &s);
	assert_string_equal(s, "Hi");
	assert_string_equal(b, "");
	g_free(s);
	g_free(b);
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* Syntax errors, with their lines. */

static void
test_error_missing_subject(void **state)
{
	assert_parse_error("", "t.txt:1: missing Subject: line (a template "
	    "starts with Subject: then a blank line)");
	assert_parse_error("\nDear {{applicant.name}}\n", "t.txt:1: missing "
	    "Subject: line (a template starts with Subject: then a blank "
	    "line)");
}

static void
test_error_unknown_header(void **state)
{
	assert_parse_error("Subject: a\nFrom: b\n\nbody\n", "t.txt:2: "
	    "unknown header \"From:\": only Subject: is allowed, then a "
	    "blank line");
	assert_parse_error("Subject: a\nDear {{applicant.name}},\n",
	    "t.txt:2: \"Dear {{applicant.name}},\" is not a header: a "
	    "template starts with Subject: then a blank line");
	assert_parse_error("Subj: a\n\n", "t.txt:1: unknown header \"Subj:\": "
	    "only Subject: is allowed, then a blank line");
}

static void
test_error_subject_twice_or_empty(void **state)
{
	assert_parse_error("Subject: a\nSubject: b\n\n",
	    "t.txt:2: Subject: given twice");
	assert_parse_error("Subject:   \n\nbody\n",
	    "t.txt:1: the Subject: is empty");
}

static void
test_error_unclosed_block(void **state)
{
	assert_parse_error("Subject: s\n\nline 3\n{{#if x}}\nline 5\n",
	    "t.txt:4: {{#if x}} is never closed: add {{/if}}");
	assert_parse_error("Subject: s\n\n{{#each l}}\n{{#unless y}}\n"
	    "{{/each}}\n", "t.txt:5: {{/each}} does not close "
	    "{{#unless y}} (line 4)");
	assert_parse_error("Subject: s\n\n{{#each l}}\n{{#unless y}}\n"
	    "{{/unless}}\n", "t.txt:3: {{#each l}} is never closed: "
	    "add {{/each}}");
}

static void
test_error_stray_close(void **state)
{
	assert_parse_error("Subject: s\n\nfine\n{{/if}}\n",
	    "t.txt:4: stray {{/if}}: no {{#if}} is open");
	assert_parse_error("Subject: s\n\n{{#if a}}{{/if}}{{/each}}\n",
	    "t.txt:3: stray {{/each}}: no {{#each}} is open");
}

static void
test_error_mismatched_tags(void **state)
{
	assert_parse_error("Subject: s\n\n{{#if a}}\n\n{{/each}}\n",
	    "t.txt:5: {{/each}} does not close {{#if a}} (line 3)");
	assert_parse_error("Subject: s\n\n{{#each fields}}\n"
	    "{{/each missing}}\n",
	    "t.txt:4: {{/each missing}} does not close {{#each fields}} "
	    "(line 3)");
}

static void
test_error_else_out_of_place(void **state)
{
	assert_parse_error("Subject: s\n\n{{else}}\n",
	    "t.txt:3: stray {{else}}: it belongs inside {{#if}}, "
	    "{{#unless}} or {{#each}}");
	assert_parse_error("Subject: s\n\n{{#if a}}\n{{else}}\n{{else}}\n"
	    "{{/if}}\n", "t.txt:5: a second {{else}} in {{#if a}} (line 3)");
	assert_parse_error("Subject: s\n\n{{#if a}}{{else if b}}{{/if}}\n",
	    "t.txt:3: {{else if b}}: {{else}} takes no name");
}

static void
test_error_unknown_tag(void **state)
{
	assert_parse_error("Subject: s\n\n\n{{#with program}}\n",
	    "t.txt:4: unknown tag {{#with program}} (the tags are #if, "
	    "#unless, #each, else, /if, /unless and /each)");
	assert_parse_error("Subject: s\n\n{{/fi}}\n",
	    "t.txt:3: unknown tag {{/fi}} (the tags are #if, #unless, "
	    "#each, else, /if, /unless and /each)");
	assert_parse_error("Subject: s\n\n{{#if}}\n",
	    "t.txt:3: {{#if}} needs a name");
	assert_parse_error("Subject: s\n\n{{#each a b}}\n",
	    "t.txt:3: bad name in {{#each a b}}: a name has only letters, "
	    "digits, '_', '-' and '.'");
}

static void
test_error_bad_placeholder(void **state)
{
	assert_parse_error("Subject: s\n\n{{applicant name}}\n",
	    "t.txt:3: bad placeholder {{applicant name}}: a name has only "
	    "letters, digits, '_', '-' and '.'");
	assert_parse_error("Subject: s\n\n{{.}}\n",
	    "t.txt:3: bad placeholder {{.}}: a name has only letters, "
	    "digits, '_', '-' and '.'");
	assert_parse_error("Subject: s\n\n{{a..b}}\n",
	    "t.txt:3: bad placeholder {{a..b}}: a name has only letters, "
	    "digits, '_', '-' and '.'");
	assert_parse_error("Subject: s\n\n{{{a}}}\n",
	    "t.txt:3: bad placeholder {{{a}}: a name has only letters, "
	    "digits, '_', '-' and '.'");
}

static void
test_error_empty_placeholder(void **state)
{
	assert_parse_error("Subject: s\n\nDear {{}},\n",
	    "t.txt:3: empty placeholder {{}}");
	assert_parse_error("Subject: s\n\nok\nDear {{  }},\n",
	    "t.txt:4: empty placeholder {{  }}");
}

static void
test_error_tag_not_closed(void **state)
{
	assert_parse_error("Subject: s\n\nDear {{applicant.name},\nnext }}\n",
	    "t.txt:3: {{applicant.name}, is not closed: a tag ends with }} "
	    "on the line it starts on");
	assert_parse_error("Subject: s\n\nend {{",
	    "t.txt:3: {{ is not closed: a tag ends with }} on the line it "
	    "starts on");
	assert_parse_error("Subject: s\n\n\n{{! note\nstill a note\n",
	    "t.txt:4: comment {{! is never closed with }}");
	assert_parse_error("Subject: s\n\n{{! {{x }}\n",
	    "t.txt:3: comment {{! is never closed with }}");
}

static void
test_error_line_after_multiline_comment(void **state)
{
	assert_parse_error("Subject: s\n\n{{! one\ntwo\n}}\n{{/if}}\n",
	    "t.txt:6: stray {{/if}}: no {{#if}} is open");
}

static void
test_error_in_subject_has_its_line(void **state)
{
	assert_parse_error("Subject: Hi {{applicant.name\n\nbody\n",
	    "t.txt:1: {{applicant.name is not closed: a tag ends with }} on "
	    "the line it starts on");
	assert_parse_error("Subject: {{#if x}}Hi\n\nbody{{/if}}\n",
	    "t.txt:1: {{#if x}} is never closed: add {{/if}}");
}

static void
test_error_quotes_are_short_and_printable(void **state)
{
	GString	*t;
	char	*cause;
	int	 i;

	t = g_string_new("Subject: s\n\n{{bad\x01name ");
	for (i = 0; i < 100; i++)
		g_string_append(t, "\xc3\xa9");
	g_string_append(t, "}}\n");
	cause = parse_error(t->str);
	assert_null(strchr(cause, '\x01'));
	assert_true(g_utf8_validate(cause, -1, NULL));
	assert_true(strlen(cause) < 200);
	assert_non_null(strstr(cause, "{{bad?name "));
	assert_non_null(strstr(cause, "..."));
	g_free(cause);
	g_string_free(t, TRUE);
}

static void
test_error_invalid_utf8(void **state)
{
	assert_parse_error("Subject: s\n\nok\nbiblioth\xe8que\n",
	    "t.txt:4: not valid UTF-8 (save the file as UTF-8 text)");
}

/* `levels` nested {{#if}} blocks. */
static char *
nested(int levels)
{
	GString	*t;
	int	 i;

	t = g_string_new("Subject: s\n\n");
	for (i = 0; i < levels; i++)
		g_string_append(t, "{{#if x}}\n");
	g_string_append(t, "deep\n");
	for (i = 0; i < levels; i++)
		g_string_append(t, "{{/if}}\n");
	return g_string_free(t, FALSE);
}

static void
test_deep_nesting_is_refused(void **state)
{
	struct tvars	*v;
	char		*text, *out;

	v = tvars_new();
	tvars_set(v, "x", "1");
	text = nested(TEMPLATE_MAX_DEPTH);
	out = render_text(text, v, NULL);
	assert_string_equal(out, "deep\n");
	g_free(out);
	g_free(text);

	text = nested(TEMPLATE_MAX_DEPTH + 1);
	assert_parse_error(text, "t.txt:19: blocks nested more than 16 deep");
	g_free(text);
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* Loading files. */

static char *
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char	*path;

	path = g_build_filename(dir, name, NULL);
	assert_true(g_file_set_contents(path, text, len, NULL));
	return path;
}

static void
test_load_reports_the_path(void **state)
{
	struct template	*t;
	char		*dir, *path, *cause = NULL, *want;
	const char	*bad = "Subject: s\n\n{{/if}}\n";
	const char	*nul = "Subject: s\n\nx\0y\n";

	dir = g_dir_make_tmp("test-template.XXXXXX", NULL);
	assert_non_null(dir);
	path = write_file(dir, "bad.txt", bad, strlen(bad));
	assert_int_equal(template_load(path, &t, &cause), -1);
	assert_null(t);
	want = g_strdup_printf("%s:3: stray {{/if}}: no {{#if}} is open",
	    path);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	g_remove(path);
	g_free(path);

	path = write_file(dir, "nul.txt", nul, 17);
	assert_int_equal(template_load(path, &t, &cause), -1);
	want = g_strdup_printf("%s:3: a NUL byte: this is not a text file",
	    path);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	g_remove(path);
	g_free(path);

	path = g_build_filename(dir, "none.txt", NULL);
	assert_int_equal(template_load(path, &t, &cause), -1);
	assert_true(g_str_has_prefix(cause, path));
	g_free(cause);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
}

static void
test_load_good_file_and_size_limit(void **state)
{
	struct template	*t;
	char		*dir, *path, *cause = NULL, *big;

	dir = g_dir_make_tmp("test-template.XXXXXX", NULL);
	path = write_file(dir, "ok.txt", "Subject: s\r\n\r\nhi\r\n", 18);
	assert_int_equal(template_load(path, &t, &cause), 0);
	assert_string_equal(template_name(t), path);
	template_free(t);
	g_remove(path);
	g_free(path);

	big = g_strnfill(TEMPLATE_MAX_SIZE + 1, 'x');
	memcpy(big, "Subject: s\n\n", 12);
	path = write_file(dir, "big.txt", big, TEMPLATE_MAX_SIZE + 1);
	assert_int_equal(template_load(path, &t, &cause), -1);
	assert_non_null(strstr(cause, "larger than 65536 bytes"));
	g_free(cause);
	g_free(big);
	g_remove(path);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
}

/* -------------------------------------------------------------------- */
/* Checking names against a schema. */

static void
test_check_accepts_known_names(void **state)
{
	assert_check_ok("Subject: {{program.name}}\n\n"
	    "{{#if applicant.name}}{{applicant.name}}{{/if}}\n"
	    "{{#unless complete}}{{role}}{{/unless}}\n"
	    "{{#if fields}}{{#each fields}}{{label}} {{value}} {{role}}"
	    "{{/each}}{{/if}}\n"
	    "{{#each pairs}}{{#each meetings}}{{date}} {{mentor}} "
	    "{{program.name}}{{/each}}{{/each}}\n");
}

static void
test_check_unknown_placeholder_in_subject(void **state)
{
	assert_check_error("Subject: Hi {{first_name}}\n\nbody\n",
	    "t.txt:1: unknown placeholder {{first_name}}");
}

static void
test_check_unknown_placeholder_in_body(void **state)
{
	assert_check_error("Subject: s\n\nDear {{applicant.name}},\n"
	    "{{program.title}}\n", "t.txt:4: unknown placeholder "
	    "{{program.title}}");
	/* Even where it would never be shown with these values. */
	assert_check_error("Subject: s\n\n{{#if role}}\n{{#unless role}}\n"
	    "{{typo}}\n{{/unless}}\n{{/if}}\n",
	    "t.txt:5: unknown placeholder {{typo}}");
}

static void
test_check_unknown_condition(void **state)
{
	assert_check_error("Subject: s\n\n{{#if resubmission}}x{{/if}}\n",
	    "t.txt:3: unknown name in {{#if resubmission}}");
	assert_check_error("Subject: s\n\n\n{{#unless done}}x{{/unless}}\n",
	    "t.txt:4: unknown name in {{#unless done}}");
	assert_check_error("Subject: {{#if x}}a{{else}}b{{/if}}\n\n",
	    "t.txt:1: unknown name in {{#if x}}");
}

static void
test_check_unknown_list(void **state)
{
	assert_check_error("Subject: s\n\n{{#each missing}}\n{{/each}}\n",
	    "t.txt:3: unknown list {{#each missing}}");
	assert_check_error("Subject: s\n\n{{#each role}}\n{{/each}}\n",
	    "t.txt:3: {{#each role}}: role is not a list");
	assert_check_error("Subject: s\n\n{{fields}}\n",
	    "t.txt:3: {{fields}} is a list: show its items with "
	    "{{#each fields}}");
}

static void
test_check_item_names_only_inside_their_list(void **state)
{
	assert_check_error("Subject: s\n\n{{#each fields}}{{label}}"
	    "{{/each}}\n{{label}}\n", "t.txt:4: unknown placeholder {{label}}");
	assert_check_error("Subject: s\n\n{{#each fields}}{{x}}{{else}}"
	    "{{value}}{{/each}}\n", "t.txt:3: unknown placeholder {{x}}");
	assert_check_error("Subject: s\n\n{{#each fields}}{{else}}"
	    "{{value}}{{/each}}\n", "t.txt:3: unknown placeholder {{value}}");
}

static void
test_check_nested_lists(void **state)
{
	assert_check_error("Subject: s\n\n{{#each pairs}}\n"
	    "{{#each meetings}}\n{{place}}\n{{/each}}\n{{/each}}\n",
	    "t.txt:5: unknown placeholder {{place}}");
	assert_check_error("Subject: s\n\n{{#each pairs}}\n"
	    "{{#each visits}}\n{{/each}}\n{{/each}}\n",
	    "t.txt:4: unknown list {{#each visits}}");
	/* meetings belongs to a pair, not to the top. */
	assert_check_error("Subject: s\n\n{{#each meetings}}{{/each}}\n",
	    "t.txt:3: unknown list {{#each meetings}}");
	assert_check_error("Subject: s\n\n{{#each pairs}}{{#each meetings}}"
	    "{{#if date}}{{#unless venue}}{{/unless}}{{/if}}{{/each}}"
	    "{{/each}}\n", "t.txt:3: unknown name in {{#unless venue}}");
}

static void
test_check_list_with_an_empty_sample_item(void **state)
{
	struct tvars	*schema, *item;
	char		*cause;

	/* Items of "inner" have no names: only outer names are known. */
	schema = tvars_new();
	tvars_set(schema, "top", "");
	item = tvars_add_item(schema, "l");
	tvars_add_item(item, "inner");
	assert_int_equal(check_text("Subject: s\n\n{{#each l}}{{#each inner}}"
	    "{{top}}{{/each}}{{/each}}\n", schema, &cause), 0);
	assert_int_equal(check_text("Subject: s\n\n{{#each l}}{{#each inner}}"
	    "{{x}}{{/each}}{{/each}}\n", schema, &cause), -1);
	assert_string_equal(cause, "t.txt:3: unknown placeholder {{x}}");
	g_free(cause);
	tvars_free(schema);
}

/* -------------------------------------------------------------------- */
/* Limits. */

static void
test_render_output_is_limited(void **state)
{
	struct template	*t;
	struct tvars	*v;
	char		*big, *s, *b, *cause = NULL;
	int		 i;

	v = tvars_new();
	big = g_strnfill(TEMPLATE_MAX_OUTPUT / 4 + 1, 'x');
	tvars_set(v, "big", big);
	g_free(big);
	t = parse_ok("Subject: s\n\n{{big}}{{big}}{{big}}{{big}}\n");
	assert_int_equal(template_render(t, v, &s, &b, &cause), -1);
	assert_null(s);
	assert_null(b);
	assert_string_equal(cause, "t.txt: the mail would be larger than "
	    "1048576 bytes");
	g_free(cause);
	template_free(t);

	/* A multi-line value far to the right: the indent counts too. */
	big = g_strnfill(TEMPLATE_MAX_OUTPUT / 2, '\n');
	for (i = 1; i < TEMPLATE_MAX_OUTPUT / 2; i += 2)
		big[i] = 'y';
	tvars_set(v, "big", big);
	g_free(big);
	t = parse_ok("Subject: s\n\n                                {{big}}\n");
	assert_int_equal(template_render(t, v, &s, &b, &cause), -1);
	g_free(cause);
	template_free(t);
	tvars_free(v);
}

static void
test_render_work_is_limited(void **state)
{
	struct template	*t;
	struct tvars	*v;
	char		*s, *b, *cause = NULL;
	int		 i;

	/* A list inside itself, 16 deep: 10^16 items if nothing stopped it. */
	v = tvars_new();
	for (i = 0; i < 10; i++)
		tvars_add_item(v, "l");
	t = parse_ok("Subject: s\n\n{{#each l}}{{#each l}}{{#each l}}"
	    "{{#each l}}{{#each l}}{{#each l}}{{#each l}}{{#each l}}"
	    "{{#each l}}{{#each l}}{{#each l}}{{#each l}}{{#each l}}"
	    "{{#each l}}{{#each l}}{{#each l}}{{/each}}{{/each}}{{/each}}"
	    "{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}"
	    "{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}\n");
	assert_int_equal(template_render(t, v, &s, &b, &cause), -1);
	assert_string_equal(cause, "t.txt: rendering took more than 1000000 "
	    "steps (a list inside itself?)");
	g_free(cause);
	template_free(t);
	tvars_free(v);
}

static void
test_render_large_list_is_fast_and_exact(void **state)
{
	struct tvars	*v;
	char		*out;
	int		 i;

	v = tvars_new();
	for (i = 0; i < 20000; i++)
		tvars_set(tvars_add_item(v, "l"), "n", "ab");
	out = render_body("{{#each l}}\n{{n}}\n{{/each}}\n", v);
	assert_int_equal(strlen(out), 20000 * 3);
	g_free(out);
	tvars_free(v);
}

/* -------------------------------------------------------------------- */
/* The shipped templates, checked against what the program provides. */

static const char *
templates_dir(void)
{
	const char	*dir = getenv("MENTORMAIL_TEMPLATES");

	return dir != NULL && *dir != '\0' ? dir : TEMPLATES_DEFAULT;
}

static struct template *
load_shipped(const char *name)
{
	struct template	*t;
	char		*file, *path, *cause = NULL;

	file = g_strconcat(name, ".txt", NULL);
	path = g_build_filename(templates_dir(), file, NULL);
	g_free(file);
	if (template_load(path, &t, &cause) != 0)
		fail_msg("%s", cause);
	g_free(path);
	return t;
}

static void
test_shipped_templates_load_and_check(void **state)
{
	struct template	*t;
	struct tvars	*schema;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; reply_name(i) != NULL; i++) {
		t = load_shipped(reply_name(i));
		schema = reply_schema(reply_name(i), "");
		if (template_check(t, schema, &cause) != 0)
			fail_msg("%s", cause);
		tvars_free(schema);
		template_free(t);
	}
}

static void
test_shipped_templates_render_their_schema(void **state)
{
	struct template	*t;
	struct tvars	*schema;
	char		*s, *b, *cause = NULL;
	size_t		 i;

	/* Every name present: nothing is left unexpanded or doubled. */
	for (i = 0; reply_name(i) != NULL; i++) {
		t = load_shipped(reply_name(i));
		schema = reply_schema(reply_name(i), "x");
		assert_int_equal(template_render(t, schema, &s, &b, &cause),
		    0);
		assert_true(*s != '\0');
		assert_null(strstr(b, "{{"));
		assert_null(strstr(b, "\n\n\n"));
		assert_null(strstr(b, " \n"));
		g_free(s);
		g_free(b);
		tvars_free(schema);
		template_free(t);
	}
}

static void
add_field(struct tvars *v, const char *name, const char *label,
    const char *value)
{
	struct tvars	*item;

	item = tvars_add_item(v, "fields");
	tvars_set(item, "name", name);
	tvars_set(item, "label", label);
	tvars_set(item, "value", value);
}

static struct tvars *
receipt_vars(void)
{
	struct tvars	*v, *item;

	v = tvars_new();
	tvars_set(v, "program.name", "Wyoming Library Association "
	    "Mentoring Program");
	tvars_set(v, "program.the_name", "the Wyoming Library Association "
	    "Mentoring Program");
	tvars_set(v, "program.address", "mentoring@example.org");
	tvars_set(v, "program.coordinator", "coordinator@example.org");
	tvars_set(v, "form.title", "WLA Mentoring Program Application");
	tvars_set(v, "applicant.name", "Dana Reyes");
	tvars_set(v, "applicant.email", "dana@example.org");
	tvars_set(v, "role", "mentee");
	add_field(v, "name", "Name", "Dana Reyes");
	add_field(v, "goals", "Goals", "Learn budgeting\nMeet other "
	    "directors");
	item = tvars_add_item(v, "missing");
	tvars_set(item, "name", "library_type");
	tvars_set(item, "label", "Library Type");
	tvars_set(item, "hint", "Library Type: Public");
	return v;
}

static void
test_receipt_for_an_incomplete_application(void **state)
{
	struct template	*t;
	struct tvars	*v;
	char		*s, *b, *cause = NULL;

	t = load_shipped("receipt");
	v = receipt_vars();
	assert_int_equal(template_render(t, v, &s, &b, &cause), 0);
	assert_string_equal(s, "Your application to the Wyoming Library "
	    "Association Mentoring Program: a few details needed");
	assert_true(g_str_has_prefix(b, "Dear Dana Reyes,\n\n"));
	assert_non_null(strstr(b, "WLA Mentoring Program Application"));
	assert_non_null(strstr(b, "  Goals: Learn budgeting\n"
	    "         Meet other directors\n"));
	assert_non_null(strstr(b, "  - Library Type\n"));
	assert_non_null(strstr(b, "\n  Library Type: Public\n"));
	assert_non_null(strstr(b, "reply to this message"));
	assert_non_null(strstr(b, "confidential"));
	assert_null(strstr(b, "complete, and"));
	g_free(s);
	g_free(b);
	tvars_free(v);
	template_free(t);
}

static void
test_receipt_for_a_complete_resubmission(void **state)
{
	struct template	*t;
	struct tvars	*v;
	char		*s, *b, *cause = NULL;

	/* Complete: nothing missing, no list of missing fields at all. */
	t = load_shipped("receipt");
	v = tvars_new();
	tvars_set(v, "program.name", "CLA Mentoring Program");
	tvars_set(v, "program.the_name", "the CLA Mentoring Program");
	tvars_set(v, "program.coordinator", "coordinator@example.org");
	tvars_set(v, "resubmission", "yes");
	tvars_set(v, "complete", "yes");
	add_field(v, "name", "Name", "Sam");
	assert_int_equal(template_render(t, v, &s, &b, &cause), 0);
	assert_string_equal(s, "Your updated application to the CLA "
	    "Mentoring Program");
	assert_true(g_str_has_prefix(b, "Hello,\n\n"));
	assert_non_null(strstr(b, "complete, and"));
	assert_null(strstr(b, "reply to this message with"));
	g_free(s);
	g_free(b);
	tvars_free(v);
	template_free(t);
}

#define T(name)	cmocka_unit_test(name)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tvars_set_copies_and_replaces),
		T(test_tvars_set_null_unsets),
		T(test_tvars_items_are_owned_and_ordered),
		T(test_placeholder_and_dotted_name),
		T(test_unset_placeholder_renders_empty),
		T(test_single_braces_are_text),
		T(test_value_is_never_expanded),
		T(test_if_else),
		T(test_if_on_lists),
		T(test_unless),
		T(test_closing_tag_may_repeat_the_name),
		T(test_each_items_in_order),
		T(test_each_looks_in_item_then_outward),
		T(test_each_nested_lists),
		T(test_each_inner_names_resolve_through_enclosing_items),
		T(test_each_else_without_items),
		T(test_comments_show_nothing),
		T(test_standalone_block_tags_leave_no_line),
		T(test_standalone_with_blanks_and_several_tags),
		T(test_standalone_comment_over_lines),
		T(test_standalone_on_last_line_without_newline),
		T(test_not_standalone_when_line_has_text_or_value),
		T(test_subject_is_never_standalone),
		T(test_subject_folds_injected_header),
		T(test_subject_header_is_case_insensitive),
		T(test_body_line_endings_are_lf),
		T(test_multiline_value_is_indented),
		T(test_invalid_utf8_in_value_is_replaced),
		T(test_byte_order_mark_is_skipped),
		T(test_header_only_is_an_empty_body),
		T(test_error_missing_subject),
		T(test_error_unknown_header),
		T(test_error_subject_twice_or_empty),
		T(test_error_unclosed_block),
		T(test_error_stray_close),
		T(test_error_mismatched_tags),
		T(test_error_else_out_of_place),
		T(test_error_unknown_tag),
		T(test_error_bad_placeholder),
		T(test_error_empty_placeholder),
		T(test_error_tag_not_closed),
		T(test_error_line_after_multiline_comment),
		T(test_error_in_subject_has_its_line),
		T(test_error_quotes_are_short_and_printable),
		T(test_error_invalid_utf8),
		T(test_deep_nesting_is_refused),
		T(test_load_reports_the_path),
		T(test_load_good_file_and_size_limit),
		T(test_check_accepts_known_names),
		T(test_check_unknown_placeholder_in_subject),
		T(test_check_unknown_placeholder_in_body),
		T(test_check_unknown_condition),
		T(test_check_unknown_list),
		T(test_check_item_names_only_inside_their_list),
		T(test_check_nested_lists),
		T(test_check_list_with_an_empty_sample_item),
		T(test_render_output_is_limited),
		T(test_render_work_is_limited),
		T(test_render_large_list_is_fast_and_exact),
		T(test_shipped_templates_load_and_check),
		T(test_shipped_templates_render_their_schema),
		T(test_receipt_for_an_incomplete_application),
		T(test_receipt_for_a_complete_resubmission),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
