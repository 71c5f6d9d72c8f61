/*
 * cmd-test-rules.c -- "mentormail test-rules MESSAGE.eml": what the rules
 * make of one message, and which rule said so, read as a run would read
 * it now: a reply in the thread of one of our mails (a receipt, say) is
 * read as that thread asks, from the database as it is (--db FILE, or
 * --reply-to KIND and --paired to say it without one).  --text shows the
 * text the rules read, as decoded (HTML made text, quoting kept).  Changes
 * nothing: for a coordinator editing rules/, and for the corpus tests.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "kind.h"
#include "mime.h"
#include "process.h"
#include "program.h"
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

/* Which of our mails it replies to, and what it corrects. */
static void
print_thread(const struct process_reading *r)
{
	if (r->thread.kind != NULL)
		printf("thread: %s\n", r->thread.kind);
	if (r->answered != NULL)
		printf("corrects: the application of %s\n", r->answered);
}

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

/* Decode and read as a run would; the message is already read. */
static int
test_message(struct program *prog, const struct process_pretend *pretend,
    int show_text, const char *path, const char *raw, size_t len)
{
	struct process_reading	 r;
	struct mime_msg		*m;
	char			*cause = NULL;
	int			 error = 0;

	if (mime_parse(raw, len, &m, &cause) != 0) {
		fprintf(stderr, "mentormail: %s: %s\n", path, cause);
		g_free(cause);
		return EX_DATAERR;
	}
	if (process_read(prog, m, pretend, &r, &cause) != 0) {
		fprintf(stderr, "mentormail: %s\n", cause);
		g_free(cause);
		error = EX_IOERR;
	} else {
		print_thread(&r);
		print_extraction(r.x);
		if (strcmp(r.x->kind, "goals") == 0)
			print_goals(r.text);
		if (show_text)
			print_escaped("text", r.text != NULL ? r.text : "");
		process_reading_clear(&r);
	}
	mime_msg_free(m);
	return error;
}

/*
 * The program as a run sees it, over an in-memory copy of the database
 * (`db`, or the configured one; empty when there is none yet), so that a
 * reply is read in its thread and nothing is ever changed.
 */
static int
test_program(struct config *cfg, const char *db_path,
    const struct process_pretend *pretend, int show_text, const char *path,
    const char *raw, size_t len)
{
	struct program	*prog;
	struct db	*db;
	GDateTime	*now = clock_now();
	char		*cause = NULL;
	int		 error;

	if (db_open_copy(db_path != NULL ? db_path : cfg->database, &db,
	    &cause) != 0) {
		fprintf(stderr, "mentormail: %s\n", cause);
		g_free(cause);
		g_date_time_unref(now);
		return EX_IOERR;
	}
	if (program_open(cfg, db, now, &prog, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		g_free(cause);
		error = EX_CONFIG;
	} else {
		error = test_message(prog, pretend, show_text, path, raw, len);
		program_free(prog);
	}
	db_close(db);
	g_date_time_unref(now);
	return error;
}

/*
 * [--db FILE] [--reply-to KIND] [--paired] [--text] MESSAGE.eml: the
 * database, or what to take it says without one (a reply to our mail of
 * KIND, from someone in a running mentorship); whether to show the text.
 */
static int
test_rules_args(int argc, char **argv, const char **db_path,
    struct process_pretend *pretend, int *show_text)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "reply-to", required_argument, NULL, 'r' },
		{ "paired", no_argument, NULL, 'p' },
		{ "text", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch == 'd')
			*db_path = optarg;
		else if (ch == 'r')
			pretend->replied = optarg;
		else if (ch == 'p')
			pretend->paired = 1;
		else if (ch == 't')
			*show_text = 1;
		else {
			cmd_bad_option("mentormail test-rules", ch, argv);
			return -1;
		}
	}
	return optind == argc - 1 ? optind : -1;
}

static int
test_rules_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct process_pretend	 pretend = { NULL, 0 };
	struct config		*cfg;
	GError			*error = NULL;
	const char		*db_path = NULL, *path;
	char			*raw;
	gsize			 len;
	int			 rc, i, show_text = 0;

	if ((i = test_rules_args(argc, argv, &db_path, &pretend,
	    &show_text)) < 0)
		return cmd_usage(&cmd_test_rules_entry);
	path = argv[i];
	if (!g_file_get_contents(path, &raw, &len, &error)) {
		fprintf(stderr, "mentormail: %s\n", error->message);
		g_error_free(error);
		return EX_NOINPUT;
	}
	if (db_path != NULL && !g_file_test(db_path, G_FILE_TEST_IS_REGULAR)) {
		fprintf(stderr, "mentormail: --db %s: no such database\n",
		    db_path);
		g_free(raw);
		return EX_NOINPUT;
	}
	if ((rc = cmd_load_config(ctx, &cfg)) != 0) {
		g_free(raw);
		return rc;
	}
	rc = test_program(cfg, db_path, &pretend, show_text, path, raw, len);
	config_free(cfg);
	g_free(raw);
	return rc;
}

const struct cmd_entry cmd_test_rules_entry = {
	.name = "test-rules",
	.usage = "[--db FILE] [--reply-to KIND] [--paired] [--text] "
	    "MESSAGE.eml",
	.help = "show what the rules make of a message, as a run would read "
	    "it with the database as it is",
	.exec = test_rules_exec,
};
