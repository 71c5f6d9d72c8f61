/*
 * kind-application.c -- an application, or a correction of one: the
 * participant's record is updated, judged complete and eligible or not,
 * and the applicant gets a receipt (or the reasons they are not
 * eligible).
 */
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "config.h"
#include "eligibility.h"
#include "kind.h"
#include "log.h"
#include "mime.h"
#include "program.h"
#include "rules.h"
#include "state-message.h"
#include "state-participant.h"
#include "template.h"

/* What was understood, in canonical order, named as the form names it. */
static void
vars_fields(struct inbound *in, struct tvars *v, const char *form,
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
		title = rules_field_title(in->prog->rules, form, names[i]);
		item = tvars_add_item(v, "fields");
		tvars_set(item, "name", names[i]);
		tvars_set(item, "label", title);
		tvars_set(item, "value", value);
		g_free(title);
	}
}

/* Each missing field with a line the applicant can copy and fill in. */
static void
vars_missing(struct inbound *in, struct tvars *v, const char *form,
    GPtrArray *missing)
{
	const struct rules	*rules = in->prog->rules;
	const char		*name, *label;
	char			*title, *values, *hint;
	struct tvars		*item;
	guint			 i;

	for (i = 0; i < missing->len; i++) {
		name = g_ptr_array_index(missing, i);
		title = rules_field_title(rules, form, name);
		label = rules_field_label(rules, form, name);
		values = rules_field_values(rules, form, name);
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

/* The answers cut at their cap, each with its label and the cap. */
static void
vars_cut(struct inbound *in, struct tvars *v, const char *form)
{
	const struct extract_cut	*c;
	struct tvars			*item;
	char				*title, *n;
	guint				 i;

	if (in->x->text_cut > 0) {
		n = g_strdup_printf("%zu", in->x->text_cut / 1024);
		tvars_set(v, "text_cut", n);
		g_free(n);
	}
	for (i = 0; i < in->x->cut->len; i++) {
		c = g_ptr_array_index(in->x->cut, i);
		title = rules_field_title(in->prog->rules, form, c->name);
		n = g_strdup_printf("%zu", c->chars);
		item = tvars_add_item(v, "cut");
		tvars_set(item, "label", title);
		tvars_set(item, "chars", n);
		g_free(n);
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
missing_of(struct inbound *in, const char *form, GHashTable *fields)
{
	GPtrArray	*required, *missing;
	guint		 i;

	required = rules_required(in->prog->rules, form,
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

/* `name` set to day `d`, for people. */
static void
vars_day(struct tvars *v, const char *name, const GDate *d)
{
	char	*t = date_text(d);

	tvars_set(v, name, t);
	g_free(t);
}

/* The state an application leaves its participant in, and why. */
struct verdict {
	GPtrArray	*missing;
	GPtrArray	*reasons;	/* of ineligibility */
	const char	*status;
	int		 complete;
	GDate		 opens;		/* when waiting: applications open */
	int		 waiting;
};

/*
 * Complete is what the form requires and what the conditions need: a
 * condition on a field not given asks for it, and never passes.
 */
static void
judge(struct inbound *in, const char *form, GHashTable *fields,
    struct verdict *v)
{
	v->missing = missing_of(in, form, fields);
	eligibility_wanted(in->prog->cfg, g_hash_table_lookup(fields, "role"),
	    fields, v->missing);
	v->reasons = g_ptr_array_new_with_free_func(g_free);
	v->complete = v->missing->len == 0 && in->x->unclear->len == 0;
	if (v->complete)
		eligibility_check(in->prog->cfg, g_hash_table_lookup(fields,
		    "role"), fields, v->reasons);
	if (v->reasons->len > 0)
		v->status = PARTICIPANT_INELIGIBLE;
	else
		v->status = v->complete ? PARTICIPANT_APPLIED :
		    PARTICIPANT_INCOMPLETE;
}

static int
reply_application(struct inbound *in, int64_t pid, GHashTable *fields,
    const struct verdict *v, int created, char **cause)
{
	const char	*form = in->x->form;
	struct tvars	*vars = kind_vars(in);
	int		 error;

	tvars_set(vars, "applicant.name", g_hash_table_lookup(fields, "name"));
	tvars_set(vars, "applicant.email", g_hash_table_lookup(fields,
	    "email"));
	tvars_set(vars, "role", g_hash_table_lookup(fields, "role"));
	tvars_set(vars, "form.title", rules_form_title(in->prog->rules, form));
	if (v->reasons->len > 0) {
		vars_list(vars, "reasons", v->reasons);
		error = kind_answer(in, "ineligible", in->reply_addr, pid, vars,
		    cause);
	} else {
		vars_fields(in, vars, form, fields);
		vars_missing(in, vars, form, v->missing);
		vars_list(vars, "unclear", in->x->unclear);
		vars_cut(in, vars, form);
		tvars_set(vars, "resubmission", created ? NULL : "yes");
		tvars_set(vars, "complete", v->complete ? "yes" : NULL);
		if (v->waiting)
			vars_day(vars, "opens", &v->opens);
		error = kind_answer(in, "receipt", in->reply_addr, pid, vars,
		    cause);
	}
	tvars_free(vars);
	return error;
}

/*
 * Outside [calendar] intake_opens .. intake_closes, a new applicant who
 * is complete and eligible waits for the next opening; one who was in
 * the pool already (a correction) stays.
 */
static int
intake_wait(struct inbound *in, int64_t pid, struct verdict *v,
    char **cause)
{
	const struct calendar_config	*c = &in->prog->cfg->calendar;
	GDate				 today;
	char				*was;

	if (strcmp(v->status, PARTICIPANT_APPLIED) != 0)
		return 0;
	date_of(in->prog->now, in->prog->cfg->tz, &today);
	if (intake_open(c->intake_opens, c->intake_closes, &today, &v->opens))
		return 0;
	*cause = NULL;
	was = participant_status(in->prog->db, pid, cause);
	if (was == NULL && *cause != NULL)
		return -1;
	if (g_strcmp0(was, PARTICIPANT_APPLIED) != 0) {
		v->status = PARTICIPANT_WAITING;
		v->waiting = 1;
	}
	g_free(was);
	return 0;
}

/* "a; b": the reasons, or NULL when there are none.  Caller frees. */
static char *
reasons_text(GPtrArray *reasons)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < reasons->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "; " : "",
		    (char *)g_ptr_array_index(reasons, i));
	return g_string_free(s, s->len == 0);
}

/* Judge participant `pid`'s whole record, keep the verdict, answer. */
static int
settle(struct inbound *in, int64_t pid, int created, char **cause)
{
	struct verdict	 v = { 0 };
	GHashTable	*fields;
	char		*reasons;
	int		 error;

	if ((fields = participant_fields(in->prog->db, pid, cause)) == NULL)
		return -1;
	judge(in, in->x->form, fields, &v);
	reasons = reasons_text(v.reasons);
	error = intake_wait(in, pid, &v, cause);
	if (error == 0)
		error = participant_set_status(in->prog->db, pid, v.status,
		    reasons, in->r->recorded_at, cause);
	if (error == 0)
		error = reply_application(in, pid, fields, &v, created, cause);
	log_info("message %lld: application: %s", (long long)in->id,
	    v.status);
	g_free(reasons);
	g_ptr_array_unref(v.missing);
	g_ptr_array_unref(v.reasons);
	g_hash_table_destroy(fields);
	return error;
}

static int
application_handle(struct inbound *in, char **cause)
{
	const char	*email = in->answered;
	int64_t		 pid;
	int		 created;

	if (email == NULL)
		email = extraction_get(in->x, "email");
	if (email == NULL)
		email = in->reply_addr;
	if (participant_apply(in->prog->db, email, in->x, in->id,
	    in->r->recorded_at, &pid, &created, cause) != 0 ||
	    kind_record(in, "application", pid, cause) != 0)
		return -1;
	return settle(in, pid, created, cause);
}

const struct kind_entry kind_application_entry = {
	.name = "application",
	.handle = application_handle,
};

/* ------------------------------------------------------------------ */
/* Corrections: a reply with the changed lines of an application. */

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

int
kind_application_correction(struct inbound *in,
    const struct extract_input *ein, int64_t pid, int quoted,
    struct extraction **out, char **cause)
{
	struct extract_input	 e = *ein;
	char			*form, *email, *text = NULL;

	*out = NULL;
	if (participant_form_email(in->prog->db, pid, &form, &email,
	    cause) < 0)
		return -1;
	if (email != NULL && quoted)
		e.text = text = unquoted(ein->text);
	if (email != NULL)
		*out = extract_application(in->prog->rules, form, &e);
	if (*out != NULL && !has_answers(*out))
		g_clear_pointer(out, extraction_free);
	if (*out != NULL) {
		drop_from_address(*out, ein->from_addr);
		in->answered = g_strdup(email);
	}
	g_free(text);
	g_free(form);
	g_free(email);
	return 0;
}
