/*
 * process.c -- the router: from a recorded message to the handler of its
 * kind (kind.h), each message in a savepoint of its own.  A reply to our
 * mail of a kind some handler answers (kind_entry.answers) goes to that
 * handler, whatever the rules make of its words.
 */
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "db.h"
#include "kind.h"
#include "log.h"
#include "mime.h"
#include "process.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "state-message.h"
#include "state-outbox.h"
#include "state-participant.h"

/* The kinds of message, as kinds.rules names them; "other" catches all. */
static const struct kind_entry *const kind_table[] = {
	&kind_application_entry,
	&kind_goals_entry,
	&kind_meeting_report_entry,
	&kind_checkin_entry,
	&kind_evaluation_entry,
	&kind_confirmation_entry,
	&kind_command_entry,
	&kind_withdrawal_entry,
	&kind_form_request_entry,
	&kind_other_entry,
};

static const struct kind_entry *
kind_find(const char *name)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(kind_table); i++) {
		if (strcmp(kind_table[i]->name, name) == 0)
			return kind_table[i];
	}
	return &kind_other_entry;
}

/* The handler that takes replies to our mail of kind `kind`, or NULL. */
static const struct kind_entry *
kind_answering(const char *kind)
{
	size_t	i;

	for (i = 0; kind != NULL && i < G_N_ELEMENTS(kind_table); i++) {
		if (kind_table[i]->answers != NULL &&
		    g_strv_contains(kind_table[i]->answers, kind))
			return kind_table[i];
	}
	return NULL;
}

/*
 * The Message-IDs this message replies to, most telling first: its
 * In-Reply-To, then its References from the newest.  Caller frees.
 */
static char **
thread_ids(const struct mime_msg *msg)
{
	GPtrArray	 *ids = g_ptr_array_new();
	char		**refs;
	size_t		  n;

	if (msg->in_reply_to != NULL)
		g_ptr_array_add(ids, g_strdup(msg->in_reply_to));
	refs = g_strsplit(msg->references != NULL ? msg->references : "",
	    " ", -1);
	for (n = g_strv_length(refs); n > 0; n--) {
		if (*refs[n - 1] != '\0')
			g_ptr_array_add(ids, g_strdup(refs[n - 1]));
	}
	g_strfreev(refs);
	g_ptr_array_add(ids, NULL);
	return (char **)g_ptr_array_free(ids, FALSE);
}

static int
thread_is_application(const struct outbox_thread *t)
{
	return t->participant > 0 && t->kind != NULL &&
	    (strcmp(t->kind, "receipt") == 0 ||
	    strcmp(t->kind, "ineligible") == 0);
}

/*
 * A reply to the blank form we sent: the form filled in, often typed into
 * the lines it quotes, so it is read whole, as that form.  in->x stays
 * NULL when it answers nothing of the form but the name and address,
 * which the headers give (a "thank you"): it is then read as any reply
 * to our mail.
 */
static void
understand_form(struct inbound *in, const struct extract_input *ein)
{
	const struct extract_field	*f;
	struct extraction		*x;
	guint				 i, answers = 0;

	x = extract_application(in->prog->rules, rules_form_name(
	    in->prog->rules, 0), ein);
	for (i = 0; i < x->fields->len; i++) {
		f = g_ptr_array_index(x->fields, i);
		answers += strcmp(f->name, "email") != 0 &&
		    strcmp(f->name, "name") != 0;
	}
	if (answers > 0 && x->error == NULL)
		in->x = x;
	else
		extraction_free(x);
}

static int
thread_is_form(const struct outbox_thread *t)
{
	return t->kind != NULL && strcmp(t->kind, "form-request") == 0;
}

/*
 * What the message says.  A reply in one of our receipts' threads is the
 * applicant's corrections, read without what it quotes.  Otherwise the
 * rules decide; a message they call "other" from an applicant whose
 * application is incomplete may still be corrected lines.
 */
static int
understand(struct inbound *in, const struct extract_input *ein,
    char **cause)
{
	struct extraction	*fix = NULL;
	int64_t			 pid;

	if (thread_is_application(&in->thread) &&
	    kind_application_correction(in, ein, in->thread.participant, 1,
	    &in->x, cause) != 0)
		return -1;
	if (in->x == NULL)
		in->x = extract_message(in->prog->rules, ein);
	if (strcmp(in->x->kind, "other") != 0 ||
	    thread_is_application(&in->thread))
		return 0;
	if ((pid = participant_incomplete(in->prog->db, ein->from_addr,
	    cause)) < 0)
		return -1;
	if (pid > 0 && kind_application_correction(in, ein, pid, 0, &fix,
	    cause) != 0)
		return -1;
	if (fix != NULL) {
		extraction_free(in->x);
		in->x = fix;
	}
	return 0;
}

/* Whether the sender is in a running mentorship. */
static int
sender_paired(struct inbound *in)
{
	int64_t	pid, match;
	char	*status = NULL;

	pid = participant_by_email(in->prog->db, in->reply_addr, &status,
	    NULL);
	g_free(status);
	if (pid <= 0)
		return 0;
	match = state_calendar_match_of(in->prog->db, pid, NULL);
	return match > 0 || match == -2;
}

/*
 * Read the message: the thread of ours it replies to, and what it says
 * (in->x).  *own is the text read, when it is not the message's own
 * (caller frees).  Changes nothing: `mentormail test-rules` reads so too.
 */
static int
read_message(struct inbound *in, const struct process_pretend *pretend,
    char **own, char **cause)
{
	struct extract_input	 ein;
	char			**ids = thread_ids(in->msg);
	int			 found;

	found = state_outbox_thread(in->prog->db, ids, &in->thread, cause);
	g_strfreev(ids);
	if (found < 0)
		return -1;
	if (pretend != NULL && pretend->replied != NULL) {
		g_free(in->thread.kind);
		in->thread.kind = g_strdup(pretend->replied);
		found = 1;
	}
	ein = (struct extract_input){ .subject = in->msg->subject,
	    .text = in->msg->text, .from_addr = in->reply_addr,
	    .from_name = in->msg->from_name, .reply_to = in->msg->reply_to_addr,
	    .from_coordinator = program_is_coordinator(in->prog,
	    in->r->from_addr), .replied = in->thread.kind,
	    .date = in->msg->date_local,
	    .from_paired = (pretend != NULL && pretend->paired) ||
	    sender_paired(in) };
	/*
	 * In the thread of our own mail, what it quotes is ours: only the
	 * sender's own words are read (a receipt's correction unquotes on
	 * its own, keeping the lines typed into its quoted form; a reply to
	 * the blank form is the form, read whole).
	 */
	if (found && thread_is_form(&in->thread))
		understand_form(in, &ein);
	in->own_text = ein.text;
	if (in->x != NULL)
		return 0;
	if (found && !thread_is_application(&in->thread))
		ein.text = in->own_text = *own = rules_own_text(
		    in->prog->rules, in->msg->text);
	if (understand(in, &ein, cause) != 0)
		return -1;
	/* "Re: how do I apply?" under the form has had the form. */
	if (thread_is_form(&in->thread) &&
	    strcmp(in->x->kind, "form_request") == 0) {
		g_free(in->x->kind);
		in->x->kind = g_strdup("other");
	}
	return 0;
}

/* The handler of what was read: our mail's, else its kind's. */
static const struct kind_entry *
handler_of(struct inbound *in)
{
	const struct kind_entry	*entry;

	/* Our mail whose replies one handler answers goes to it. */
	if ((entry = kind_answering(in->thread.kind)) == NULL)
		entry = kind_find(in->x->kind);
	return entry;
}

static int
handle(struct inbound *in, char **cause)
{
	char	*own = NULL;
	int	 error;

	error = read_message(in, NULL, &own, cause);
	if (error == 0 && in->x->error != NULL)
		error = cause_set(cause, "%s", in->x->error);
	if (error == 0)
		error = handler_of(in)->handle(in, cause);
	in->own_text = NULL;
	g_free(own);
	return error;
}

int
process_read(struct program *prog, const struct mime_msg *msg,
    const struct process_pretend *pretend, struct process_reading *out,
    char **cause)
{
	struct message_record	 r = { .from_addr = msg->from_addr };
	struct inbound		 in = { .prog = prog, .r = &r, .msg = msg,
				    .reply_addr = msg->reply_addr };
	const char		*kind;
	char			*own = NULL;
	int			 error;

	memset(out, 0, sizeof *out);
	error = read_message(&in, pretend, &own, cause);
	out->text = g_strdup(in.own_text);
	g_free(own);
	/* The kind is the handler's, as a run would act on it. */
	if (error == 0 && in.x->error == NULL &&
	    strcmp((kind = handler_of(&in)->name), in.x->kind) != 0) {
		g_free(in.x->kind);
		in.x->kind = g_strdup(kind);
	}
	out->x = in.x;
	out->thread = in.thread;
	out->answered = in.answered;
	if (error != 0)
		process_reading_clear(out);
	return error;
}

void
process_reading_clear(struct process_reading *r)
{
	if (r->x != NULL)
		extraction_free(r->x);
	g_free(r->thread.kind);
	g_free(r->answered);
	g_free(r->text);
	memset(r, 0, sizeof *r);
}

/* Undo what handling did, and keep the message as failed, with why. */
static int
fail(struct inbound *in, const char *why, char **cause)
{
	if (db_rollback_savepoint(in->prog->db, cause) != 0 ||
	    state_message_failed(in->prog->db, in->id, why, cause) != 0)
		return EX_IOERR;
	log_warn("UID %u (message %lld): could not be handled, kept as "
	    "failed: %s", in->r->uid, (long long)in->id, why);
	return 0;
}

int
process_message(struct program *prog, int64_t id,
    const struct message_record *r, const struct mime_msg *msg, int *failed,
    char **cause)
{
	struct inbound	 in = { .prog = prog, .id = id, .r = r, .msg = msg };
	unsigned	 gone = db_gone_count(prog->db);
	char		*why = NULL;
	int		 error;

	if (failed != NULL)
		*failed = 0;
	/* Automatic, unparseable and our own mail is never answered. */
	if (strcmp(r->outcome, "decoded") != 0 || msg == NULL ||
	    msg->reply_addr == NULL)
		return 0;
	/* Where the sender asked: the Reply-To, else the From (mime.h). */
	in.reply_addr = msg->reply_addr;
	if (db_savepoint(prog->db, cause) != 0)
		return EX_IOERR;
	if (handle(&in, &why) == 0)
		error = db_release(prog->db, cause) == 0 ? 0 : EX_IOERR;
	else if (db_gone_count(prog->db) != gone) {
		*cause = g_steal_pointer(&why);
		error = EX_IOERR;
	} else {
		error = fail(&in, why, cause);
		if (failed != NULL)
			*failed = error == 0;
	}
	extraction_free(in.x);
	g_free(in.thread.kind);
	g_free(in.answered);
	g_free(why);
	return error;
}
