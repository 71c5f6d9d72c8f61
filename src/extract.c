/*
 * extract.c -- what a message is and what it says.
 *
 * Every active form reads the message; the form that finds the most
 * fields (one whose `match` pattern is in the message first) is the
 * message's form.  Then the kinds are tried in the rules' order, each a
 * short check that passes or not, and the first that passes names the
 * kind; "other" when none does.  An application keeps its form's fields;
 * another kind keeps the fields its rule extracts.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

static void
trace_add(struct extraction *x, const struct rule_loc *loc, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
trace_add(struct extraction *x, const struct rule_loc *loc, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(x->trace, g_strdup_printf("%s:%d %s", loc->file,
	    loc->line, what));
	g_free(what);
}

static int
re_in(const struct re *re, const char *s)
{
	return re != NULL && s != NULL &&
	    re_match(re, s, strlen(s), 0, NULL, NULL);
}

/* A form's claim to the message: its `match` first, then fields found. */
static int
form_score(const struct form_result *res, const struct extract_input *in)
{
	const struct re	*m = res->form->match;

	return res->nfound + (re_in(m, in->subject) || re_in(m, in->text) ?
	    FIELD_MAX + 1 : 0);
}

static int
form_claims(const struct form *form, const struct extract_input *in)
{
	return re_in(form->match, in->subject) || re_in(form->match, in->text);
}

/*
 * The form with the best claim.  A form whose `match` holds outscores
 * every form whose does not, whatever fields they find (FIELD_MAX at
 * most), so when one holds the others are not read at all.
 */
static struct form_result *
best_form(const struct rules *rules, const struct msg_text *t,
    const struct extract_input *in)
{
	struct form_result	*best = NULL, *res;
	guint			 i;
	int			 claimed = 0;

	for (i = 0; i < rules->forms->len && !claimed; i++)
		claimed = form_claims(rules->forms->pdata[i], in);
	for (i = 0; i < rules->forms->len; i++) {
		if (claimed && !form_claims(rules->forms->pdata[i], in))
			continue;
		res = form_read(rules, rules->forms->pdata[i], t, in);
		if (best == NULL ||
		    form_score(res, in) > form_score(best, in)) {
			form_result_free(best);
			best = res;
		} else
			form_result_free(res);
	}
	return best;
}

/* Whether the message replies to our mail of one of the kind's kinds. */
static int
kind_replied(const struct kind *k, const struct extract_input *in)
{
	return k->reply_to != NULL && in->replied != NULL &&
	    g_strv_contains((const char *const *)k->reply_to, in->replied);
}

/* Whether the kind's words are in the message: none to look for is 1. */
static int
kind_words(const struct kind *k, const struct extract_input *in)
{
	if (k->subject == NULL && k->body == NULL)
		return 1;
	return re_in(k->subject, in->subject) || re_in(k->body, in->text);
}

/*
 * A kind passes when `from` and `fields` hold and the message replies to
 * our mail of its `reply_to` kinds, or its subject or body match.
 */
static int
kind_passes(const struct kind *k, const struct extract_input *in,
    int nfound)
{
	if (k->coordinator && !in->from_coordinator)
		return 0;
	if (k->newcomer && in->from_paired)
		return 0;
	if (nfound < k->min_fields)
		return 0;
	/* A reply to our mail of its kinds is this kind. */
	if (kind_replied(k, in))
		return 1;
	/* A kind without words takes replies only, when it names any. */
	if (k->subject == NULL && k->body == NULL)
		return k->reply_to == NULL;
	return kind_words(k, in);
}

static const struct kind *
decide_kind(const struct rules *rules, const struct extract_input *in,
    int nfound, struct extraction *x)
{
	const struct kind	*k;
	guint			 i;

	/*
	 * A reply to our mail of a kind's reply_to is that kind, first,
	 * when the kind takes replies only or its words are there too.  A
	 * reply to the introduction that says "we met for an hour" is the
	 * meeting report it reads as, not goals by thread alone: such a
	 * reply is the thread's kind only when no kind before it reads it.
	 */
	for (i = 0; in->replied != NULL && i < rules->kinds->len; i++) {
		k = rules->kinds->pdata[i];
		if (kind_replied(k, in) && kind_passes(k, in, nfound) &&
		    kind_words(k, in)) {
			trace_add(x, &k->loc, "[kind %s] matched: a reply to our "
			    "%s", k->name, in->replied);
			return k;
		}
	}
	for (i = 0; i < rules->kinds->len; i++) {
		k = rules->kinds->pdata[i];
		if (kind_passes(k, in, nfound)) {
			trace_add(x, &k->loc, "[kind %s] matched (%d fields "
			    "found)", k->name, nfound);
			return k;
		}
	}
	g_ptr_array_add(x->trace, g_strdup_printf("no kind matched (%d fields "
	    "found): other", nfound));
	return NULL;
}

/* Characters of all the answers kept so far. */
static size_t
chars_kept(const struct extraction *x)
{
	const struct extract_field	*f;
	size_t				 n = 0;
	guint				 i;

	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		n += g_utf8_strlen(f->value, -1);
	}
	return n;
}

/* Cut `value` at its cap (see rules.h), noting it in x->cut. */
static char *
cap_value(struct extraction *x, int id, char *value, int multiline)
{
	struct extract_cut	*c;
	size_t			 cap, kept = chars_kept(x), n;
	char			*cut;

	cap = multiline ? EXTRACT_FREE_MAX : EXTRACT_LINE_MAX;
	cap = MIN(cap, kept < EXTRACT_TOTAL_MAX ? EXTRACT_TOTAL_MAX - kept : 0);
	if ((n = g_utf8_strlen(value, -1)) <= cap)
		return value;
	cut = g_strndup(value, (gsize)(g_utf8_offset_to_pointer(value,
	    (glong)cap) - value));
	g_free(value);
	c = g_new0(struct extract_cut, 1);
	c->name = g_strdup(field_name(id));
	c->chars = cap;
	g_ptr_array_add(x->cut, c);
	g_ptr_array_add(x->trace, g_strdup_printf("[field %s] answer of %zu "
	    "characters cut at %zu", field_name(id), n, cap));
	return cut;
}

static struct extract_field *
add_field(struct extraction *x, int id, char *value, int multiline)
{
	struct extract_field	*f;

	value = cap_value(x, id, value, multiline);
	if (*value == '\0') {
		g_free(value);
		return NULL;
	}
	f = g_new0(struct extract_field, 1);
	f->name = g_strdup(field_name(id));
	f->value = value;
	f->confidence = EXTRACT_SURE;
	g_ptr_array_add(x->fields, f);
	return f;
}

/* A value kept but not sure: it is asked again, saying why. */
static void
add_unsure(struct extraction *x, struct extract_field *f, char **why)
{
	if (f == NULL || *why == NULL)
		return;
	f->confidence = EXTRACT_UNSURE;
	g_ptr_array_add(x->unclear, *why);
	*why = NULL;
}

static int
ids_contain(const GArray *ids, int id)
{
	guint	i;

	for (i = 0; ids != NULL && i < ids->len; i++) {
		if (g_array_index(ids, int, i) == id)
			return 1;
	}
	return 0;
}

/* The form's fields in canonical order; what it requires and lacks. */
static void
take_application(struct extraction *x, struct form_result *res)
{
	const struct form	*f = res->form;
	const GArray		*by_role = NULL;
	int			 id, role = field_id("role");

	x->form = g_strdup(f->name);
	if (res->values[role] != NULL)
		by_role = g_hash_table_lookup(f->required_role,
		    res->values[role]);
	for (id = 0; id < FIELD_MAX; id++) {
		if (res->values[id] != NULL) {
			add_unsure(x, add_field(x, id, res->values[id],
			    f->fields[id] != NULL && f->fields[id]->multiline),
			    &res->unsure[id]);
			res->values[id] = NULL;
		} else if (ids_contain(f->required, id) ||
		    ids_contain(by_role, id))
			g_ptr_array_add(x->missing, g_strdup(field_name(id)));
	}
	g_ptr_array_extend_and_steal(x->unclear, res->unclear);
	res->unclear = g_ptr_array_new_with_free_func(g_free);
}

/* A kind's fields, in the order of its `extract` list. */
static void
take_kind_fields(struct extraction *x, const struct rules *rules,
    const struct kind *k, const struct extract_input *in)
{
	const struct field_rule	*fr;
	struct rule_loc		 loc;
	char			*v;
	guint			 i;
	int			 id;

	for (i = 0; i < k->extract->len; i++) {
		id = g_array_index(k->extract, int, i);
		fr = rules->kind_fields[id];
		if ((v = field_search(rules, fr, in)) == NULL)
			continue;
		loc.file = fr->loc.file;
		loc.line = fr->search_line;
		trace_add(x, &loc, "[field %s] search -> %s", field_name(id),
		    v);
		add_field(x, id, v, fr->multiline);
	}
}

static void
cut_free(gpointer p)
{
	struct extract_cut	*c = p;

	g_free(c->name);
	g_free(c);
}

static void
field_free(gpointer p)
{
	struct extract_field	*f = p;

	g_free(f->name);
	g_free(f->value);
	g_free(f);
}

static struct extraction *
extraction_new(void)
{
	struct extraction	*x;

	x = g_new0(struct extraction, 1);
	x->fields = g_ptr_array_new_with_free_func(field_free);
	x->missing = g_ptr_array_new_with_free_func(g_free);
	x->unclear = g_ptr_array_new_with_free_func(g_free);
	x->trace = g_ptr_array_new_with_free_func(g_free);
	x->cut = g_ptr_array_new_with_free_func(cut_free);
	return x;
}

static const struct form *
form_by_name(const struct rules *rules, const char *name)
{
	const struct form	*f;
	guint			 i;

	for (i = 0; name != NULL && i < rules->forms->len; i++) {
		f = rules->forms->pdata[i];
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

/* Read the text as `form` and nothing else: an application, always. */
static struct extraction *
extract_as(const struct rules *rules, const struct form *form,
    const struct extract_input *in)
{
	struct extraction	*x = extraction_new();
	struct msg_text		*t;
	struct form_result	*res;

	t = msg_text_new(&rules->text, in->text, in->subject);
	res = form_read(rules, form, t, in);
	x->kind = g_strdup("application");
	take_application(x, res);
	g_ptr_array_extend_and_steal(x->trace, res->trace);
	res->trace = g_ptr_array_new();
	form_result_free(res);
	msg_text_free(t);
	return x;
}

static const struct kind *
kind_by_name(const struct rules *rules, const char *name)
{
	const struct kind	*k;
	guint			 i;

	for (i = 0; name != NULL && i < rules->kinds->len; i++) {
		k = rules->kinds->pdata[i];
		if (strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

/* Read the text as kind `k` and nothing else. */
static struct extraction *
extract_as_kind(const struct rules *rules, const struct kind *k,
    const struct extract_input *in)
{
	struct extraction	*x = extraction_new();

	x->kind = g_strdup(k->name);
	trace_add(x, &k->loc, "[kind %s] taken: a reply to our mail",
	    k->name);
	take_kind_fields(x, rules, k, in);
	return x;
}

/* What a message is to be read as: the rules' choice, or one given. */
struct read_as {
	const char	*form;
	const char	*kind;
};

static struct extraction *
extract_valid(const struct rules *rules, const struct extract_input *in,
    const struct read_as *as)
{
	struct extraction	*x;
	struct msg_text		*t;
	struct form_result	*res;
	const struct kind	*k = kind_by_name(rules, as->kind);
	const struct form	*form = form_by_name(rules, as->form);

	if (form != NULL)
		return extract_as(rules, form, in);
	if (k != NULL && strcmp(k->name, "application") != 0)
		return extract_as_kind(rules, k, in);
	x = extraction_new();
	t = msg_text_new(&rules->text, in->text, in->subject);
	res = best_form(rules, t, in);
	k = decide_kind(rules, in, res != NULL ? res->nfound : 0, x);
	x->kind = g_strdup(k != NULL ? k->name : "other");
	if (k != NULL && strcmp(k->name, "application") == 0 && res != NULL) {
		take_application(x, res);
		g_ptr_array_extend_and_steal(x->trace, res->trace);
		res->trace = g_ptr_array_new();
	} else if (k != NULL)
		take_kind_fields(x, rules, k, in);
	form_result_free(res);
	msg_text_free(t);
	return x;
}

/*
 * mime.c hands over valid UTF-8, but the matching code walks characters
 * and must not be led past a string's end by a broken one.  Only the
 * first EXTRACT_TEXT_MAX bytes are read (*cut says where, else 0).
 * Returns a new string, or NULL when `s` can be read as it is.
 */
static char *
readable(const char *s, size_t *cut)
{
	const char	*end;
	size_t		 len = s != NULL ? strlen(s) : 0;

	*cut = 0;
	if (len > EXTRACT_TEXT_MAX) {
		end = g_utf8_find_prev_char(s, s + EXTRACT_TEXT_MAX + 1);
		*cut = end != NULL ? (size_t)(end - s) : EXTRACT_TEXT_MAX;
		return g_utf8_make_valid(s, (gssize)*cut);
	}
	if (s == NULL || g_utf8_validate(s, -1, NULL))
		return NULL;
	return g_utf8_make_valid(s, -1);
}

static struct extraction *
extract_with(const struct rules *rules, const struct extract_input *in,
    const struct read_as *as)
{
	struct extract_input	 valid = *in;
	char			*text, *subject;
	struct extraction	*x;
	size_t			 text_cut, subject_cut;
	unsigned		 failures = re_failures();

	text = readable(in->text, &text_cut);
	subject = readable(in->subject, &subject_cut);
	if (text != NULL)
		valid.text = text;
	if (subject != NULL)
		valid.subject = subject;
	x = extract_valid(rules, &valid, as);
	x->text_cut = text_cut;
	if (re_failures() != failures)
		x->error = g_strdup_printf("the rules could not read it: %s",
		    re_last_failure());
	g_free(text);
	g_free(subject);
	return x;
}

struct extraction *
extract_message(const struct rules *rules, const struct extract_input *in)
{
	struct read_as	as = { NULL, NULL };

	return extract_with(rules, in, &as);
}

struct extraction *
extract_application(const struct rules *rules, const char *form,
    const struct extract_input *in)
{
	struct read_as	as = { form, NULL };

	return extract_with(rules, in, &as);
}

struct extraction *
extract_kind(const struct rules *rules, const char *kind,
    const struct extract_input *in)
{
	struct read_as	as = { NULL, kind };

	return extract_with(rules, in, &as);
}

void
extraction_free(struct extraction *x)
{
	if (x == NULL)
		return;
	g_free(x->kind);
	g_free(x->form);
	g_ptr_array_free(x->fields, TRUE);
	g_ptr_array_free(x->missing, TRUE);
	g_ptr_array_free(x->unclear, TRUE);
	g_ptr_array_free(x->trace, TRUE);
	g_ptr_array_free(x->cut, TRUE);
	g_free(x->error);
	g_free(x);
}

const char *
extraction_get(const struct extraction *x, const char *name)
{
	const struct extract_field	*f;
	guint				 i;

	for (i = 0; i < x->fields->len; i++) {
		f = x->fields->pdata[i];
		if (strcmp(f->name, name) == 0)
			return f->value;
	}
	return NULL;
}
