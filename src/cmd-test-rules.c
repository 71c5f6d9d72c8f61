/*
 * cmd-test-rules.c -- "mentormail test-rules MESSAGE.eml": what the rules
 * make of one message, and which rule said so.  Changes nothing: for a
 * coordinator editing rules/, and for the corpus tests.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "cmd.h"
#include "config.h"
#include "kind.h"
#include "mime.h"
#include "rules.h"

/* A value on one line: a newline as \n, a backslash as \\. */
static void
print_escaped(const char *key, const char *value)
{
	const char	*p;

	printf("%s: ", key);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

/* "unsure: role, goals": the values kept but asked again. */
static void
print_unsure(const struct extraction *x)
{
	const struct extract_field	*f;
	guint				 i;
	int				 n = 0;

	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		if (f->confidence == EXTRACT_UNSURE)
			printf("%s%s", n++ == 0 ? "unsure: " : ", ", f->name);
	}
	if (n > 0)
		putchar('\n');
}

static void
print_extraction(const struct extraction *x)
{
	const struct extract_field	*f;
	char				*key;
	guint				 i;

	printf("kind: %s\n", x->kind);
	if (x->form != NULL)
		printf("form: %s\n", x->form);
	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		key = g_strconcat("field.", f->name, NULL);
		print_escaped(key, f->value);
		g_free(key);
	}
	for (i = 0; i < x->missing->len; i++)
		printf("%s%s", i == 0 ? "missing: " : ", ",
		    (char *)x->missing->pdata[i]);
	if (x->missing->len > 0)
		putchar('\n');
	print_unsure(x);
	for (i = 0; i < x->unclear->len; i++)
		print_escaped("unclear", x->unclear->pdata[i]);
	for (i = 0; i < x->trace->len; i++)
		print_escaped("rule", x->trace->pdata[i]);
}

static int
is_coordinator(const struct config *cfg, const char *addr)
{
	char	**c;

	for (c = cfg->coordinators; addr != NULL && c != NULL && *c != NULL;
	    c++) {
		if (g_ascii_strcasecmp(*c, addr) == 0)
			return 1;
	}
	return 0;
}

/* Decode and extract; the message is already read. */
/* Goals as kind-goals.c reads them, one line each. */
static void
print_goals(const char *text)
{
	GPtrArray	*items;
	guint		 i;
	int		 listed;

	items = goals_items(text, &listed);
	for (i = 0; i < items->len; i++)
		print_escaped("goal", items->pdata[i]);
	g_ptr_array_unref(items);
}

static int
test_message(const struct config *cfg, const struct rules *rules,
    const char *path, const char *raw, size_t len, const char *replied,
    int paired)
{
	struct mime_msg		*m;
	struct extraction	*x;
	struct extract_input	 in;
	char			*cause = NULL, *own = NULL;

	if (mime_parse(raw, len, &m, &cause) != 0) {
		fprintf(stderr, "mentormail: %s: %s\n", path, cause);
		g_free(cause);
		return EX_DATAERR;
	}
	memset(&in, 0, sizeof in);
	in.subject = m->subject;
	in.text = m->text;
	/* As a run reads it: the address an answer goes to (mime.h). */
	in.from_addr = m->reply_addr;
	in.from_name = m->from_name;
	in.reply_to = m->reply_to_addr;
	in.from_coordinator = is_coordinator(cfg, m->from_addr);
	in.date = m->date_local;
	in.from_paired = paired;
	/* As run reads a reply to our mail: the kind, and the own words. */
	if (replied != NULL) {
		in.replied = replied;
		in.text = own = rules_own_text(rules, m->text);
	}
	x = extract_message(rules, &in);
	print_extraction(x);
	if (strcmp(x->kind, "goals") == 0)
		print_goals(in.text);
	extraction_free(x);
	g_free(own);
	mime_msg_free(m);
	return 0;
}

static int
test_rules_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct config		*cfg;
	struct rules		*rules;
	struct rules_options	 o;
	GError			*error = NULL;
	char			*raw, *cause = NULL;
	gsize			 len;
	int			 rc, paired = 0;
	const char		*replied = NULL;

	while (argc >= 3 && (strcmp(argv[1], "--reply-to") == 0 ||
	    strcmp(argv[1], "--paired") == 0)) {
		if (strcmp(argv[1], "--paired") == 0) {
			paired = 1;
			argv++;
			argc--;
			continue;
		}
		replied = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2)
		return cmd_usage(&cmd_test_rules_entry);
	if (!g_file_get_contents(argv[1], &raw, &len, &error)) {
		fprintf(stderr, "mentormail: %s\n", error->message);
		g_error_free(error);
		return EX_NOINPUT;
	}
	if ((rc = cmd_load_config(ctx, &cfg)) != 0) {
		g_free(raw);
		return rc;
	}
	o.forms = cfg->forms;
	o.required = cfg->required;
	if (rules_load(cfg->rules, &o, &rules, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		rc = EX_CONFIG;
	} else {
		rc = test_message(cfg, rules, argv[1], raw, len, replied,
		    paired);
		rules_free(rules);
	}
	config_free(cfg);
	g_free(raw);
	return rc;
}

const struct cmd_entry cmd_test_rules_entry = {
	.name = "test-rules",
	.usage = "[--reply-to KIND] [--paired] MESSAGE.eml",
	.help = "show what the rules make of a message",
	.exec = test_rules_exec,
};
