/*
 * kind-command.c -- a coordinator's commands by mail: a reply to the
 * proposals mail (or the digest, a transcript, a notice), or a mail to the
 * program address, with one command a line ("approve 3 5", "status").
 *
 * Like debbugs' control server: the lines the sender wrote (kind.h:
 * without what they quote, their signature, or what follows "thanks") are
 * carried out one by one, each in a savepoint of its own, through the
 * table the command line uses (action.h); an unknown line is reported,
 * never guessed at; and one transcript answers the mail, saying for each
 * line what was done or why not.
 *
 * Nothing is done unless the mail is the coordinator's: its From must be
 * a configured coordinator, and either the program's own receiving server
 * vouches for that address (auth.h) or the mail carries back the unused,
 * unexpired token of a mail we sent that address (token.h).  A mail that
 * is not is refused whole: every line is kept in the audit log as
 * refused, and the configured coordinators (never an address the mail
 * gave) are told what was refused and why.
 */
#include <string.h>

#include <glib.h>

#include "action.h"
#include "auth.h"
#include "compose.h"
#include "config.h"
#include "db.h"
#include "kind.h"
#include "log.h"
#include "match.h"
#include "mime.h"
#include "program.h"
#include "reply.h"
#include "state-audit.h"
#include "state-message.h"
#include "template.h"
#include "token.h"

/* What one mail may hold: more lines are not read. */
#define COMMAND_MAX_LINES	50
/* A longer line is not a command anyone typed. */
#define COMMAND_MAX_CHARS	300

/* One command mail being handled. */
struct commands {
	struct inbound	*in;
	GPtrArray	*lines;		/* char *: the command lines */
	int		 more;		/* lines past COMMAND_MAX_LINES */
	struct tvars	*vars;		/* of the answer */
	int		 done;
	int		 not_done;
};

/* Whether `subject` is itself a command (a fresh mail: "approve 12"). */
static int
subject_is_command(const char *subject)
{
	char	*word;
	int	 is;

	if (subject == NULL || kind_bare_subject(subject) != subject ||
	    g_ascii_strncasecmp(subject, "fwd:", 4) == 0)
		return 0;
	word = g_strndup(subject, strcspn(subject, " \t"));
	is = action_find(word, ACTION_MAIL) != NULL;
	g_free(word);
	return is;
}

GPtrArray *
kind_command_lines(const char *subject, const char *text, int reply,
    int *more)
{
	GPtrArray	*lines;

	lines = kind_own_lines(text, COMMAND_MAX_LINES, more);
	if (!reply && subject_is_command(subject)) {
		g_ptr_array_insert(lines, 0, g_strdup(subject));
		if (lines->len > COMMAND_MAX_LINES) {
			g_ptr_array_remove_index(lines, lines->len - 1);
			*more = 1;
		}
	}
	return lines;
}

static const char *
domain_of(const char *addr)
{
	const char	*at = strrchr(addr, '@');

	return at != NULL ? at + 1 : "";
}

/* The receiving server's word, when it is configured and gives it. */
static int
vouched(struct inbound *in, char **how, char **why)
{
	const char		*id;
	enum auth_verdict	 v;

	id = in->prog->cfg->coordinator.trusted_authserv_id;
	if (id == NULL) {
		*why = g_strdup("[coordinator] trusted_authserv_id is not set");
		return 0;
	}
	v = auth_results_vouch(in->msg->auth_results, id,
	    domain_of(in->r->from_addr), why);
	if (v == AUTH_PASS)
		*how = g_steal_pointer(why);
	return v == AUTH_PASS;
}

/*
 * Whether the mail is a coordinator's: 1 with *how saying why we know, 0
 * with *why saying why not (no address in it: it goes to the log), -1 on
 * a database error.
 */
static int
authenticate(struct inbound *in, char **how, char **why, char **cause)
{
	GPtrArray	*found;
	char		*server = NULL, *token = NULL;
	int		 n;

	*how = *why = NULL;
	if (!program_is_coordinator(in->prog, in->r->from_addr)) {
		*why = g_strdup("the sender is not one of the program's "
		    "coordinators");
		return 0;
	}
	if (vouched(in, how, &server))
		return 1;
	found = token_find(in->msg->subject, in->msg->text);
	n = token_use(in->prog->db, found, in->r->from_addr, in->prog->now,
	    in->id, how, &token, cause);
	g_ptr_array_unref(found);
	if (n == 0)
		*why = g_strdup_printf("%s; and %s", token, server);
	g_free(server);
	g_free(token);
	return n;
}

/* The configured spelling of the coordinator's address: ours, not theirs. */
static const char *
coordinator_of(struct inbound *in)
{
	char	**c;

	for (c = in->prog->cfg->coordinators; *c != NULL; c++) {
		if (g_ascii_strcasecmp(*c, in->r->from_addr) == 0)
			return *c;
	}
	fatal("kind-command: %s is no coordinator", in->r->from_addr);
}

static void
vars_count(struct tvars *v, const char *name, int n)
{
	char	*s = g_strdup_printf("%d", n);

	tvars_set(v, name, s);
	g_free(s);
}

/* Split a line into words, as a shell would without its quoting. */
static char **
words_of(const char *line, int *argc)
{
	char	**w = g_strsplit_set(line, " \t", -1);
	int	  i, n = 0;

	for (i = 0; w[i] != NULL; i++) {
		if (*w[i] != '\0')
			w[n++] = w[i];
		else
			g_free(w[i]);
	}
	w[n] = NULL;
	*argc = n;
	return w;
}

/*
 * Carry out one line in a savepoint of its own: *done and *result say
 * what came of it (caller frees).  Returns -1 only when the database
 * failed, and then the line's own failure is the cause.
 */
static int
run_line(struct commands *c, struct action *a, const char *line, int *done,
    char **result, char **cause)
{
	struct db	*db = c->in->prog->db;
	unsigned	 gone = db_gone_count(db);
	char		*why = NULL, **argv;
	int		 argc, r;

	*done = 0;
	if (g_utf8_strlen(line, -1) > COMMAND_MAX_CHARS) {
		*result = g_strdup_printf("the line is longer than %d "
		    "characters", COMMAND_MAX_CHARS);
		return 0;
	}
	if (db_savepoint(db, cause) != 0)
		return -1;
	argv = words_of(line, &argc);
	r = action_run(a, ACTION_MAIL, argc, argv, &why);
	g_strfreev(argv);
	if (r == ACTION_DONE) {
		g_free(why);
		*done = 1;
		*result = g_strdup(a->said->str);
		return db_release(db, cause);
	}
	if (db_rollback_savepoint(db, cause) != 0) {
		g_free(why);
		return -1;
	}
	if (db_gone_count(db) != gone) {
		*cause = why;
		return -1;
	}
	*result = g_strdup_printf("%s%s", why, r == ACTION_UNKNOWN ?
	    " (send \"help\" for the list)" : "");
	g_free(why);
	return 0;
}

/* Carry out line `i`, log it, and say it in the transcript. */
static int
carry_out(struct commands *c, struct action *a, guint i, char **cause)
{
	const char	*line = g_ptr_array_index(c->lines, i);
	struct tvars	*item;
	char		*result = NULL, *shown;
	int		 done, error;

	a->line = (int)i + 1;
	a->said = g_string_new(NULL);
	error = run_line(c, a, line, &done, &result, cause);
	g_string_free(a->said, TRUE);
	if (error != 0)
		return -1;
	g_strchomp(result);
	error = action_log(a, line, done ? AUDIT_DONE : AUDIT_NOT_DONE,
	    done && a->log_as != NULL ? a->log_as : result, cause);
	a->log_as = NULL;
	shown = done ? g_strdup(result) : g_strdup_printf("not done: %s",
	    result);
	item = tvars_add_item(c->vars, "lines");
	tvars_set(item, "line", line);
	tvars_set(item, "result", shown);
	tvars_set(item, "done", done ? "yes" : NULL);
	if (done)
		c->done++;
	else
		c->not_done++;
	g_free(shown);
	g_free(result);
	return error;
}

/* The coordinator's mail: each line, then one transcript. */
static int
obey(struct commands *c, const char *how, char **cause)
{
	struct inbound		*in = c->in;
	struct match_ctx	 m = match_ctx_of(in->prog);
	struct action		 a = { .m = &m, .actor = coordinator_of(in),
				    .via = "mail", .message = in->id };
	struct token_mail	 t = { .kind = "command-transcript",
				    .to = coordinator_of(in),
				    .in_reply_to = in->msg->message_id,
				    .message = in->id };
	char			*refs;
	guint			 i;
	int			 error = 0;

	a.files = g_array_new(FALSE, FALSE, sizeof(struct compose_file));
	for (i = 0; i < c->lines->len && error == 0; i++)
		error = carry_out(c, &a, i, cause);
	if (error != 0) {
		action_files_free(a.files);
		return -1;
	}
	log_info("message %lld: commands: %d done, %d not", (long long)in->id,
	    c->done, c->not_done);
	tvars_set(c->vars, "how", how);
	vars_count(c->vars, "done_count", c->done);
	vars_count(c->vars, "not_done_count", c->not_done);
	t.vars = c->vars;
	t.references = refs = kind_thread(in->msg);
	t.files = (const struct compose_file *)(void *)a.files->data;
	t.nfiles = a.files->len;
	error = token_mail_queue(in->prog->db, in->prog->cfg,
	    in->prog->replies, in->prog->now, &t, cause);
	g_free(refs);
	action_files_free(a.files);
	return error;
}

/* Not the coordinator's: log every line refused, and tell them. */
static int
refuse(struct commands *c, const char *why, char **cause)
{
	struct inbound		*in = c->in;
	struct match_ctx	 m = match_ctx_of(in->prog);
	struct action		 a = { .m = &m, .actor = in->r->from_addr,
				    .via = "mail", .message = in->id };
	struct token_mail	 t = { .kind = "command-refused" };
	guint			 i;

	log_warn("message %lld: %u command lines refused: %s",
	    (long long)in->id, c->lines->len, why);
	for (i = 0; i < c->lines->len; i++) {
		a.line = (int)i + 1;
		if (action_log(&a, g_ptr_array_index(c->lines, i),
		    AUDIT_REFUSED, why, cause) != 0)
			return -1;
		tvars_set(tvars_add_item(c->vars, "lines"), "line",
		    g_ptr_array_index(c->lines, i));
	}
	tvars_set(c->vars, "why", why);
	tvars_set(c->vars, "from", in->r->from_addr);
	tvars_set(c->vars, "date", in->msg->date != NULL ? in->msg->date :
	    in->r->internaldate);
	vars_count(c->vars, "message", (int)in->id);
	t.vars = c->vars;
	return token_mail_queue(in->prog->db, in->prog->cfg,
	    in->prog->replies, in->prog->now, &t, cause);
}

/*
 * Our mail whose replies are answered only when they hold a command: a
 * "thank you", or an out-of-office reply that does not say it is one,
 * would otherwise be answered, and the answer answered again.
 */
static const char *const quiet_threads[] = {
	"command-transcript", "command-refused", "withdrawal-notice", NULL
};

/* Whether the mail should be answered at all. */
static int
worth_answering(struct inbound *in, GPtrArray *lines)
{
	const char	*line;
	char		*word;
	guint		 i;
	int		 known = 0;

	if (lines->len == 0)
		return 0;
	if (in->thread.kind == NULL ||
	    !g_strv_contains(quiet_threads, in->thread.kind))
		return 1;
	for (i = 0; i < lines->len && !known; i++) {
		line = g_ptr_array_index(lines, i);
		word = g_strndup(line, strcspn(line, " \t"));
		known = action_find(word, ACTION_MAIL) != NULL;
		g_free(word);
	}
	return known;
}

static int
command_handle(struct inbound *in, char **cause)
{
	struct commands	 c = { .in = in };
	char		*how = NULL, *why = NULL;
	int		 n = 0;

	if (kind_record(in, "command", 0, cause) != 0)
		return -1;
	c.lines = kind_command_lines(in->msg->subject, in->msg->text,
	    in->thread.outbox != 0, &c.more);
	if (!worth_answering(in, c.lines)) {
		g_ptr_array_unref(c.lines);
		return 0;
	}
	n = authenticate(in, &how, &why, cause);
	if (n >= 0) {
		c.vars = reply_vars(in->prog->cfg);
		tvars_set(c.vars, "subject", kind_bare_subject(
		    in->msg->subject));
		if (c.more)
			vars_count(c.vars, "more", COMMAND_MAX_LINES);
		n = n == 1 ? obey(&c, how, cause) : refuse(&c, why, cause);
	}
	tvars_free(c.vars);
	g_ptr_array_unref(c.lines);
	g_free(how);
	g_free(why);
	return n < 0 ? -1 : 0;
}

/* Our mail to coordinators: a reply to any of it is commands. */
static const char *const command_answers[] = {
	"proposals", "command-transcript", "command-refused",
	"withdrawal-notice", NULL
};

const struct kind_entry kind_command_entry = {
	.name = "command",
	.handle = command_handle,
	.answers = command_answers,
};
