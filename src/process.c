/*
 * process.c -- from a recorded message to the program's state and replies.
 */
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "eligibility.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "process.h"
#include "reply.h"
#include "rules.h"
#include "state-message.h"
#include "state-outbox.h"
#include "state-participant.h"
#include "template.h"

struct process {
	const struct config	*cfg;
	struct rules		*rules;
	struct replies		*replies;
};

/* One message being acted on. */
struct work {
	struct process			*p;
	struct db			*db;
	int64_t				 id;
	const struct message_record	*r;
	const struct mime_msg		*msg;
	char				**cause;
	char				*answered;	/* the address of the
							   participant it answers */
};

int
process_open(const struct config *cfg, struct process **out, char **cause)
{
	struct rules_options	 opts = { .forms = cfg->forms,
				    .required = cfg->required };
	struct process		*p = g_new0(struct process, 1);

	p->cfg = cfg;
	if (rules_load(cfg->rules, &opts, &p->rules, cause) != 0 ||
	    replies_load(cfg, &p->replies, cause) != 0) {
		process_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void
process_free(struct process *p)
{
	if (p == NULL)
		return;
	if (p->rules != NULL)
		rules_free(p->rules);
	replies_free(p->replies);
	g_free(p);
}

struct rules *
process_rules(struct process *p)
{
	return p->rules;
}

struct replies *
process_replies(struct process *p)
{
	return p->replies;
}

static int
is_coordinator(const struct config *cfg, const char *addr)
{
	size_t	i;

	for (i = 0; addr != NULL && cfg->coordinators[i] != NULL; i++) {
		if (g_ascii_strcasecmp(cfg->coordinators[i], addr) == 0)
			return 1;
	}
	return 0;
}

/* Whether one more automatic reply to `addr` today is within the limit. */
static int
within_limit(struct work *w, const char *addr, int *ok)
{
	GDateTime	*now = clock_now(), *since;
	int64_t		 n;

	since = g_date_time_add_days(now, -1);
	n = state_outbox_count_to(w->db, addr, since, w->cause);
	g_date_time_unref(since);
	g_date_time_unref(now);
	if (n < 0)
		return -1;
	*ok = n < w->p->cfg->replies_per_day;
	if (!*ok)
		log_warn("message %lld: not answered: %s already had %d "
		    "replies in a day", (long long)w->id, addr,
		    w->p->cfg->replies_per_day);
	return 0;
}

/* "ref1 ref2 msgid": the thread our reply continues. */
static char *
thread_of(const struct mime_msg *msg)
{
	if (msg->message_id == NULL)
		return g_strdup(msg->references);
	if (msg->references == NULL)
		return g_strdup(msg->message_id);
	return g_strdup_printf("%s %s", msg->references, msg->message_id);
}

/* Render template `name` and queue it as the answer to this message. */
static int
answer(struct work *w, const char *name, const char *to,
    struct tvars *vars)
{
	struct outmail	 m = { 0 };
	char		*subject = NULL, *body = NULL, *refs;
	int		 ok, error;

	if (within_limit(w, to, &ok) != 0)
		return -1;
	if (!ok)
		return 0;
	if (reply_render(w->p->replies, name, vars, &subject, &body,
	    w->cause) != 0)
		return -1;
	refs = thread_of(w->msg);
	m = (struct outmail){ .to_addr = to, .to_name = w->msg->from_name,
	    .subject = subject, .body = body, .in_reply_to = w->msg->message_id,
	    .references = refs, .kind = name, .message = w->id,
	    .auto_submitted = COMPOSE_AUTO_REPLIED };
	error = outbox_queue(w->db, w->p->cfg, &m, NULL, w->cause);
	if (error == EX_DATAERR || error == EX_NOINPUT) {
		/* A bad address: nothing to send, the rest still stands. */
		log_warn("message %lld: no %s sent: %s", (long long)w->id, name,
		    *w->cause);
		g_clear_pointer(w->cause, g_free);
		error = 0;
	}
	g_free(refs);
	g_free(subject);
	g_free(body);
	return error == 0 ? 0 : -1;
}

static int
set_kind(struct work *w, const char *kind, int64_t participant)
{
	return db_exec(w->db, w->cause, "UPDATE message SET kind = ?, "
	    "participant = nullif(?, 0) WHERE id = ?", "tii", kind,
	    participant, w->id) < 0 ? -1 : 0;
}

/* What was understood, in canonical order, named as the form names it. */
static void
vars_fields(struct work *w, struct tvars *v, const char *form,
    GHashTable *fields)
{
	const char *const	*names = rules_field_names();
	const char		*value;
	char			*title;
	struct tvars		*item;
	size_t			 i;

	for (i = 0; names[i] != NULL; i++) {
		if ((value = g_hash_table_lookup(fields, names[i])) == NULL)
			continue;
		title = rules_field_title(w->p->rules, form, names[i]);
		item = tvars_add_item(v, "fields");
		tvars_set(item, "name", names[i]);
		tvars_set(item, "label", title);
		tvars_set(item, "value", value);
		g_free(title);
	}
}

/* Each missing field with a line the applicant can copy and fill in. */
static void
vars_missing(struct work *w, struct tvars *v, const char *form,
    GPtrArray *missing)
{
	const char	*name, *label;
	char		*title, *values, *hint;
	struct tvars	*item;
	guint		 i;

	for (i = 0; i < missing->len; i++) {
		name = g_ptr_array_index(missing, i);
		title = rules_field_title(w->p->rules, form, name);
		label = rules_field_label(w->p->rules, form, name);
		values = rules_field_values(w->p->rules, form, name);
		hint = g_strdup_printf("%s: %s", label != NULL ? label : title,
		    values != NULL ? values : "...");
		item = tvars_add_item(v, "missing");
		tvars_set(item, "name", name);
		tvars_set(item, "label", title);
		tvars_set(item, "hint", hint);
		g_free(hint);
		g_free(values);
		g_free(title);
	}
}

static void
vars_list(struct tvars *v, const char *list, GPtrArray *texts)
{
	guint	i;

	for (i = 0; i < texts->len; i++)
		tvars_set(tvars_add_item(v, list), "text",
		    g_ptr_array_index(texts, i));
}

/* Required fields the participant's whole record still lacks. */
static GPtrArray *
missing_of(struct work *w, const char *form, GHashTable *fields)
{
	GPtrArray	*required, *missing;
	guint		 i;

	required = rules_required(w->p->rules, form,
	    g_hash_table_lookup(fields, "role"));
	missing = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < required->len; i++) {
		if (!g_hash_table_contains(fields,
		    g_ptr_array_index(required, i)))
			g_ptr_array_add(missing,
			    g_strdup(g_ptr_array_index(required, i)));
	}
	g_ptr_array_unref(required);
	return missing;
}

/* The state an application leaves its participant in, and why. */
struct verdict {
	GPtrArray	*missing;
	GPtrArray	*reasons;	/* of ineligibility */
	const char	*status;
	int		 complete;
};

static void
judge(struct work *w, const struct extraction *x, const char *form,
    GHashTable *fields, struct verdict *v)
{
	v->missing = missing_of(w, form, fields);
	v->reasons = g_ptr_array_new_with_free_func(g_free);
	v->complete = v->missing->len == 0 && x->unclear->len == 0;
	if (v->complete)
		eligibility_check(w->p->cfg, g_hash_table_lookup(fields, "role"),
		    fields, v->reasons);
	if (v->reasons->len > 0)
		v->status = PARTICIPANT_INELIGIBLE;
	else
		v->status = v->complete ? PARTICIPANT_APPLIED :
		    PARTICIPANT_INCOMPLETE;
}

static int
reply_application(struct work *w, const struct extraction *x,
    const char *form, GHashTable *fields, const struct verdict *v,
    int created)
{
	struct tvars	*vars = reply_vars(w->p->cfg);
	int		 error;

	tvars_set(vars, "applicant.name", g_hash_table_lookup(fields, "name"));
	tvars_set(vars, "applicant.email", g_hash_table_lookup(fields,
	    "email"));
	tvars_set(vars, "role", g_hash_table_lookup(fields, "role"));
	tvars_set(vars, "form.title", rules_form_title(w->p->rules, form));
	if (v->reasons->len > 0) {
		vars_list(vars, "reasons", v->reasons);
		error = answer(w, "ineligible", w->r->from_addr, vars);
	} else {
		vars_fields(w, vars, form, fields);
		vars_missing(w, vars, form, v->missing);
		vars_list(vars, "unclear", x->unclear);
		tvars_set(vars, "resubmission", created ? NULL : "yes");
		tvars_set(vars, "complete", v->complete ? "yes" : NULL);
		error = answer(w, "receipt", w->r->from_addr, vars);
	}
	tvars_free(vars);
	return error;
}

static int
process_application(struct work *w, const struct extraction *x)
{
	struct verdict	 v = { 0 };
	GHashTable	*fields;
	const char	*email = w->answered;
	char		*reasons;
	int64_t		 pid;
	int		 created, error;

	if (email == NULL)
		email = extraction_get(x, "email");
	if (email == NULL)
		email = w->r->from_addr;
	if (participant_apply(w->db, email, x, w->id, w->r->recorded_at, &pid,
	    &created, w->cause) != 0 || set_kind(w, "application", pid) != 0)
		return -1;
	if ((fields = participant_fields(w->db, pid, w->cause)) == NULL)
		return -1;
	judge(w, x, x->form, fields, &v);
	g_ptr_array_add(v.reasons, NULL);
	reasons = g_strjoinv("; ", (char **)v.reasons->pdata);
	g_ptr_array_remove_index(v.reasons, v.reasons->len - 1);
	error = participant_set_status(w->db, pid, v.status,
	    *reasons != '\0' ? reasons : NULL, w->r->recorded_at, w->cause);
	if (error == 0)
		error = reply_application(w, x, x->form, fields, &v, created);
	log_info("message %lld: application from %s: %s", (long long)w->id,
	    email, v.status);
	g_free(reasons);
	g_ptr_array_unref(v.missing);
	g_ptr_array_unref(v.reasons);
	g_hash_table_destroy(fields);
	return error;
}

/* The subject without its "Re:" prefixes, so ours adds exactly one. */
static const char *
bare_subject(const char *subject)
{
	const char	*p = subject;

	while (p != NULL && (g_ascii_strncasecmp(p, "re:", 3) == 0 ||
	    g_ascii_strncasecmp(p, "aw:", 3) == 0 ||
	    g_ascii_strncasecmp(p, "sv:", 3) == 0))
		p += 3 + strspn(p + 3, " \t");
	return p;
}

/* A person wrote something we cannot act on: say the coordinator will. */
static int
process_other(struct work *w)
{
	struct tvars	*vars = reply_vars(w->p->cfg);
	int		 error;

	tvars_set(vars, "applicant.name", w->msg->from_name);
	tvars_set(vars, "applicant.email", w->r->from_addr);
	tvars_set(vars, "subject", bare_subject(w->msg->subject));
	error = set_kind(w, "other", 0);
	if (error == 0)
		error = answer(w, "not-understood", w->r->from_addr, vars);
	tvars_free(vars);
	return error;
}

/* The application a message answers: its form and its address. */
struct answered {
	char	*form;
	char	*email;
};

static int
answered_row(struct db_row *row, void *arg)
{
	struct answered	*a = arg;

	a->form = g_strdup(db_row_text(row, 0));
	a->email = g_strdup(db_row_text(row, 1));
	return 1;
}

/* The application of one of our receipts this message is a reply to. */
static int
thread_application(struct work *w, struct answered *a)
{
	char	**ids, *all;
	size_t	  i;

	all = g_strjoin(" ", w->msg->in_reply_to != NULL ?
	    w->msg->in_reply_to : "", w->msg->references != NULL ?
	    w->msg->references : "", NULL);
	ids = g_strsplit(all, " ", -1);
	for (i = 0; ids[i] != NULL && a->form == NULL; i++) {
		if (*ids[i] != '\0')
			db_query(w->db, NULL, answered_row, a, "SELECT p.form, "
			    "p.email FROM outbox o JOIN message m ON m.id = "
			    "o.message JOIN participant p ON p.id = "
			    "m.participant WHERE o.message_id = ? AND o.kind IN "
			    "('receipt', 'ineligible')", "t", ids[i]);
	}
	g_strfreev(ids);
	g_free(all);
	return a->form != NULL ? 0 : -1;
}

/* The sender's own application, while it is incomplete. */
static int
incomplete_application(struct work *w, struct answered *a)
{
	db_query(w->db, NULL, answered_row, a, "SELECT form, email FROM "
	    "participant WHERE email = ? AND status = 'incomplete'", "t",
	    w->r->from_addr);
	return a->form != NULL ? 0 : -1;
}

/*
 * The text without what it quotes: a reply to a receipt quotes our own
 * summary ("Name: ...", "These details are missing:"), which must not be
 * read back as the applicant's answers.  "On ... wrote:" goes too.
 */
static char *
unquoted(const char *text)
{
	char	**lines, *p;
	GString	 *out = g_string_new(NULL);
	size_t	  i;

	lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		p = lines[i] + strspn(lines[i], " \t");
		if (*p == '>')
			continue;
		if (g_str_has_suffix(g_strchomp(lines[i]), "wrote:") &&
		    lines[i + 1] != NULL && *(lines[i + 1] +
		    strspn(lines[i + 1], " \t")) == '>')
			continue;
		g_string_append_printf(out, "%s\n", lines[i]);
	}
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* Whether `x` says anything beyond the address it came from. */
static int
has_answers(const struct extraction *x)
{
	const struct extract_field	*f;
	guint				 i;

	for (i = 0; i < x->fields->len; i++) {
		f = g_ptr_array_index(x->fields, i);
		if (strcmp(f->name, "email") != 0)
			return 1;
	}
	return 0;
}

/*
 * A correction's "email" is the From address the rules fall back on, not
 * an answer: the application keeps the address its form gave.
 */
static void
drop_from_address(struct extraction *x, const char *from)
{
	const struct extract_field	*f;
	guint				 i;

	for (i = 0; i < x->fields->len; i++) {
		f = g_ptr_array_index(x->fields, i);
		if (strcmp(f->name, "email") == 0 &&
		    g_ascii_strcasecmp(f->value, from) == 0) {
			g_ptr_array_remove_index(x->fields, i);
			return;
		}
	}
}

/*
 * Read `in` as the applicant's corrected lines for application `a`; NULL
 * when it holds no answer.  On success the application's address is kept
 * in w->answered (the correction's "email" is only the From address).
 */
static struct extraction *
correction(struct work *w, const struct extract_input *in,
    struct answered *a)
{
	struct extraction	*x;

	x = extract_application(w->p->rules, a->form, in);
	if (!has_answers(x)) {
		extraction_free(x);
		return NULL;
	}
	drop_from_address(x, in->from_addr);
	w->answered = g_strdup(a->email);
	return x;
}

/*
 * What the message says.  A reply in one of our receipts' threads is the
 * applicant's corrections, read without what it quotes.  Otherwise the
 * rules decide; a message they call "other" from an applicant whose
 * application is incomplete may still be corrected lines.
 */
static struct extraction *
understand(struct work *w, struct extract_input *in)
{
	struct answered		 a = { NULL, NULL };
	struct extraction	*x = NULL, *fix;
	const char		*original = in->text;
	char			*text = NULL;

	if (thread_application(w, &a) == 0) {
		text = unquoted(in->text);
		in->text = text;
		x = correction(w, in, &a);
	}
	if (x == NULL)
		x = extract_message(w->p->rules, in);
	if (strcmp(x->kind, "other") == 0 && a.form == NULL &&
	    incomplete_application(w, &a) == 0 &&
	    (fix = correction(w, in, &a)) != NULL) {
		extraction_free(x);
		x = fix;
	}
	g_free(a.form);
	g_free(a.email);
	in->text = original;
	g_free(text);
	return x;
}

int
process_message(struct process *p, struct db *db, int64_t id,
    const struct message_record *r, const struct mime_msg *msg,
    char **cause)
{
	struct work		 w = { p, db, id, r, msg, cause, NULL };
	struct extract_input	 in;
	struct extraction	*x;
	int			 error;

	/* Automatic, unparseable and our own mail is never answered. */
	if (strcmp(r->outcome, "decoded") != 0 || msg == NULL ||
	    r->from_addr == NULL)
		return 0;
	in = (struct extract_input){ .subject = msg->subject,
	    .text = msg->text, .from_addr = r->from_addr,
	    .from_coordinator = is_coordinator(p->cfg, r->from_addr) };
	x = understand(&w, &in);
	if (strcmp(x->kind, "application") == 0)
		error = process_application(&w, x);
	else if (strcmp(x->kind, "other") == 0 && !in.from_coordinator)
		error = process_other(&w);
	else
		error = set_kind(&w, x->kind, 0);
	extraction_free(x);
	g_free(w.answered);
	return error;
}
