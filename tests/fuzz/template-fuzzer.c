/*
 * template-fuzzer.c -- a libFuzzer target for the template engine.
 *
 * Each input is a template: it is parsed, checked against a small schema
 * and, when it parses, rendered with values that hold what applicants'
 * mail may hold (tags, CR and LF, invalid UTF-8, long lines), so that the
 * lexer, the standalone pass, the parser, the checker, the indentation of
 * multi-line values and the subject folding all see it.  The rendered
 * subject must be one clean header line and the body valid UTF-8; anything
 * else aborts.  tests/fuzz/README.md says how to run it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "template.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Names the schema and the values share; the rest are unknown. */
static struct tvars *
sample(int schema)
{
	struct tvars	*v, *item, *inner;
	int		 i;

	v = tvars_new();
	tvars_set(v, "program.name", schema ? "" : "WLA {{program.name}}");
	tvars_set(v, "applicant.name", schema ? "" : "Ann\r\nBcc: x@y\t\x01");
	tvars_set(v, "role", schema ? "" : "mentor");
	tvars_set(v, "complete", schema ? "" : "yes");
	for (i = 0; i < (schema ? 1 : 3); i++) {
		item = tvars_add_item(v, "fields");
		tvars_set(item, "label", schema ? "" : "Goals \xc3\xa9");
		tvars_set(item, "value", schema ? "" :
		    "line one\nline two\r\n\n{{#if x}}\xff\xfe end\n");
		inner = tvars_add_item(item, "notes");
		tvars_set(inner, "text", schema ? "" : "a\rb");
	}
	if (schema)
		tvars_set(tvars_add_item(v, "missing"), "hint", "");
	return v;
}

static void
assert_clean(const char *subject, const char *body)
{
	size_t	n = strlen(subject);

	if (strpbrk(subject, "\r\n\t") != NULL)
		abort();
	if (n > 0 && (subject[0] == ' ' || subject[n - 1] == ' '))
		abort();
	if (!g_utf8_validate(subject, -1, NULL) ||
	    !g_utf8_validate(body, -1, NULL))
		abort();
	if (strchr(body, '\r') != NULL)
		abort();
}

static void
render(const struct template *t, const struct tvars *vars)
{
	char	*subject, *body, *cause = NULL;

	if (template_render(t, vars, &subject, &body, &cause) != 0) {
		g_free(cause);
		return;
	}
	assert_clean(subject, body);
	g_free(subject);
	g_free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template	*t;
	struct tvars	*schema, *vars;
	char		*text, *cause = NULL;

	if (size > TEMPLATE_MAX_SIZE)
		return 0;
	text = g_strndup((const char *)data, size);
	if (template_parse(text, "fuzz", &t, &cause) != 0) {
		g_free(text);
		g_free(cause);
		return 0;
	}
	schema = sample(1);
	vars = sample(0);
	if (template_check(t, schema, &cause) != 0)
		g_free(cause);
	render(t, vars);
	tvars_free(vars);
	/* And with nothing set, for the other side of every condition. */
	vars = tvars_new();
	render(t, vars);
	tvars_free(vars);
	tvars_free(schema);
	template_free(t);
	g_free(text);
	return 0;
}
