/*
 * rules-query.c -- what the rest of mentormail may ask of loaded rules:
 * a form's title and required fields, a field's label and possible values,
 * so that replies can name things the way the program's form does.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

static const struct form *
form_named(const struct rules *rules, const char *name)
{
	const struct form	*f;
	guint			 i;

	for (i = 0; name != NULL && i < rules->forms->len; i++) {
		f = g_ptr_array_index(rules->forms, i);
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

static const struct field_rule *
field_rule_of(const struct rules *rules, const char *form, const char *name)
{
	const struct form	*f = form_named(rules, form);
	int			 id = field_id(name);

	if (id < 0)
		return NULL;
	if (f != NULL && f->fields[id] != NULL)
		return f->fields[id];
	return rules->kind_fields[id];
}

const char *
rules_form_name(const struct rules *rules, size_t i)
{
	if (i >= rules->forms->len)
		return NULL;
	return ((const struct form *)g_ptr_array_index(rules->forms,
	    i))->name;
}

int
rules_has_kind(const struct rules *rules, const char *name)
{
	guint	i;

	for (i = 0; i < rules->kinds->len; i++) {
		if (strcmp(((const struct kind *)g_ptr_array_index(
		    rules->kinds, i))->name, name) == 0)
			return 1;
	}
	return 0;
}

int
rules_field_asked(const struct rules *rules, const char *name)
{
	const struct form	*f;
	int			 id = field_id(name);
	guint			 i;

	for (i = 0; id >= 0 && i < rules->forms->len; i++) {
		f = g_ptr_array_index(rules->forms, i);
		if (f->fields[id] != NULL)
			return 1;
	}
	return 0;
}

const char *
rules_form_title(const struct rules *rules, const char *form)
{
	const struct form	*f = form_named(rules, form);

	return f != NULL ? f->title : NULL;
}

/* The shortest label: the one an applicant can most easily write back. */
const char *
rules_field_label(const struct rules *rules, const char *form,
    const char *name)
{
	const struct field_rule	*r = field_rule_of(rules, form, name);
	const char		*best = NULL;
	size_t			 i;

	for (i = 0; r != NULL && r->labels != NULL && r->labels[i] != NULL;
	    i++) {
		if (best == NULL || strlen(r->labels[i]) < strlen(best))
			best = r->labels[i];
	}
	return best;
}

/*
 * How replies name the canonical fields unless a rule's `title` says
 * otherwise: the fields are a contract, and so are their plain names.
 */
static const struct {
	const char	*name;
	const char	*title;
} titles[] = {
	{ "role", "Applying as" },
	{ "email", "E-mail" },
	{ "zip", "ZIP code" },
	{ "library_type", "Library type" },
	{ "supervisor_ok", "Supervisor's support" },
	{ "supervisor_name", "Supervisor" },
	{ "supervisor_email", "Supervisor's e-mail" },
	{ "years_experience", "Years of experience" },
	{ "strengths", "Strengths and experience" },
	{ "membership", "Membership number" },
	{ "match_preference", "Matching preference" },
	{ "capacity", "Mentees you can take" },
	{ "meeting_mode", "Meeting mode" },
};

char *
rules_field_title(const struct rules *rules, const char *form,
    const char *name)
{
	const struct field_rule	*r = field_rule_of(rules, form, name);
	char			*t;
	size_t			 i;

	if (r != NULL && r->title != NULL)
		return g_strdup(r->title);
	for (i = 0; i < G_N_ELEMENTS(titles); i++) {
		if (strcmp(titles[i].name, name) == 0)
			return g_strdup(titles[i].title);
	}
	/* "meeting_date" reads as "Meeting date". */
	t = g_strdelimit(g_strdup(name), "_", ' ');
	t[0] = g_ascii_toupper(t[0]);
	return t;
}

/* "a, b or c" from the values of `values` (struct choice or mapping). */
static char *
values_sentence(GArray *values, size_t size, size_t offset)
{
	GString	*s = g_string_new(NULL);
	guint	 i;
	char	*v;

	for (i = 0; i < values->len; i++) {
		v = *(char **)((char *)values->data + i * size + offset);
		if (i > 0)
			g_string_append(s, i + 1 == values->len ? " or " : ", ");
		g_string_append(s, v);
	}
	return g_string_free(s, FALSE);
}

char *
rules_field_values(const struct rules *rules, const char *form,
    const char *name)
{
	const struct field_rule	*r = field_rule_of(rules, form, name);

	if (r == NULL)
		return NULL;
	if (r->choices != NULL && r->choices->len > 0)
		return values_sentence(r->choices, sizeof(struct choice),
		    offsetof(struct choice, value));
	if (r->maps != NULL && r->maps->len > 0)
		return values_sentence(r->maps, sizeof(struct mapping),
		    offsetof(struct mapping, value));
	return NULL;
}

static void
add_ids(GPtrArray *out, const GArray *ids)
{
	const char	*name;
	guint		 i;

	for (i = 0; ids != NULL && i < ids->len; i++) {
		name = field_name(g_array_index(ids, int, i));
		if (!g_ptr_array_find_with_equal_func(out, name, g_str_equal,
		    NULL))
			g_ptr_array_add(out, g_strdup(name));
	}
}

GPtrArray *
rules_required(const struct rules *rules, const char *form, const char *role)
{
	const struct form	*f = form_named(rules, form);
	GPtrArray		*out = g_ptr_array_new_with_free_func(g_free);

	if (f == NULL)
		return out;
	add_ids(out, f->required);
	if (role != NULL && f->required_role != NULL)
		add_ids(out, g_hash_table_lookup(f->required_role, role));
	return out;
}

/*
 * Where a forwarded or replied-to mail starts without quote marks:
 * Outlook's "From: ... / Sent: ..." block (after a rule of underscores or
 * not), or "-----Original Message-----".
 */
static int
quote_block_at(const struct msg_text *t, size_t i)
{
	const struct line	*l = &t->lines[i];
	size_t			 j;

	if (l->flags & LINE_REPLY && g_ascii_strncasecmp(l->s, "on ", 3) != 0)
		return 1;
	if (g_ascii_strncasecmp(l->s, "from:", 5) != 0)
		return 0;
	for (j = i + 1; j < t->n && j <= i + 3; j++) {
		if (g_ascii_strncasecmp(t->lines[j].s, "sent:", 5) == 0 ||
		    g_ascii_strncasecmp(t->lines[j].s, "date:", 5) == 0)
			return 1;
	}
	return 0;
}

/* The index of the next line that is not blank, or t->n. */
static size_t
next_filled(const struct msg_text *t, size_t i)
{
	while (i < t->n && (t->lines[i].flags & LINE_BLANK))
		i++;
	return i;
}

/*
 * A quoted line that an answer follows (a reply typed between our
 * questions) is that answer's question: it is kept, on the answer's line.
 */
static int
is_question(const struct msg_text *t, size_t i)
{
	size_t	j;

	if (!(t->lines[i].flags & LINE_QUOTED) || (t->lines[i].flags &
	    LINE_BLANK))
		return 0;
	j = next_filled(t, i + 1);
	return j < t->n && !(t->lines[j].flags & (LINE_QUOTED | LINE_CUT |
	    LINE_REPLY | LINE_SEP));
}

char *
rules_own_text(const struct rules *rules, const char *text)
{
	struct msg_text		*t = msg_text_new(&rules->text, text, NULL);
	GString			*out = g_string_new(NULL);
	const struct line	*l;
	size_t			 i;
	int			 asked = 0;

	for (i = 0; i < t->n; i++) {
		l = &t->lines[i];
		if (quote_block_at(t, i) || (l->flags & LINE_RULE &&
		    i + 1 < t->n && quote_block_at(t, next_filled(t, i + 1))))
			break;
		if (is_question(t, i)) {
			g_string_append_len(out, l->s, (gssize)l->len);
			g_string_append_c(out, ' ');
			asked = 1;
			continue;
		}
		if (l->flags & (LINE_QUOTED | LINE_REPLY | LINE_CUT | LINE_SEP) ||
		    (asked && (l->flags & LINE_BLANK)))
			continue;
		asked = 0;
		g_string_append_len(out, l->s, (gssize)l->len);
		g_string_append_c(out, '\n');
	}
	msg_text_free(t);
	return g_string_free(out, FALSE);
}
