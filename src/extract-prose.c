/*
 * extract-prose.c -- what a message says in its own words, around the
 * form or instead of it.
 *
 * A role is not only a ticked box: "I'd like to sign up as a mentor", a
 * Subject "Mentee application", or only a mentee's questions answered
 * say it too.  Each is evidence, and a role is kept only when the
 * evidence agrees: a box ticked one way and words saying the other, or
 * the other role's questions answered, is unclear and asked again; a role
 * read only from which questions were answered is kept but not sure, and
 * the applicant is asked to confirm it.  Never a wrong role: when unsure,
 * ask.  The words looked at are the applicant's own: not quoted text,
 * not a signature, not the form's own printed questions.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

static void
note(struct form_result *res, const struct field_rule *fr, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
note(struct form_result *res, const struct field_rule *fr, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(res->trace, g_strdup_printf("%s:%d [field %s] %s",
	    fr->loc.file, line > 0 ? line : fr->loc.line, field_name(fr->id),
	    what));
	g_free(what);
}

/*
 * The applicant's own lines, those the form's answers did not take:
 * unquoted, before any sign-off, not a separator.  Caller frees.
 */
static char *
own_text(const struct msg_text *t, const guint8 *used)
{
	GString			*s = g_string_new(NULL);
	const struct line	*l;
	size_t			 i;

	for (i = 0; i < t->n; i++) {
		l = &t->lines[i];
		if ((used != NULL && used[i]) || (l->flags & (LINE_QUOTED |
		    LINE_CUT | LINE_SEP | LINE_REPLY | LINE_BLANK)))
			continue;
		g_string_append_len(s, l->s, (gssize)l->len);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

/* The phrases of `fr` found in `text`, a bit each. */
static guint32
phrases_in(const struct field_rule *fr, const char *text)
{
	const struct mapping	*m;
	guint32			 found = 0;
	guint			 k;

	for (k = 0; text != NULL && k < fr->phrases->len; k++) {
		m = &g_array_index(fr->phrases, struct mapping, k);
		if (re_match(m->re, text, strlen(text), 0, NULL, NULL))
			found |= (guint32)1 << k;
	}
	return found;
}

/* The one value several bits of phrases name, or NULL (none, or two). */
static const char *
phrase_value(const struct field_rule *fr, guint32 bits)
{
	const char	*v = NULL, *w;
	guint		 k;

	for (k = 0; k < fr->phrases->len; k++) {
		if (!(bits & ((guint32)1 << k)))
			continue;
		w = g_array_index(fr->phrases, struct mapping, k).value;
		if (v != NULL && strcmp(v, w) != 0)
			return NULL;
		v = w;
	}
	return v;
}

/* Whether any field of `ids` is answered. */
static int
any_answered(const struct form_result *res, const GArray *ids)
{
	guint	k;

	for (k = 0; k < ids->len; k++) {
		if (res->values[g_array_index(ids, int, k)] != NULL)
			return 1;
	}
	return 0;
}

/*
 * The value whose `implied` questions alone are answered, or NULL (none
 * answered, or those of two values).
 */
static const char *
implied_value(const struct field_rule *fr, const struct form_result *res)
{
	const struct implied	*im;
	const char		*v = NULL;
	guint			 k;

	for (k = 0; k < fr->implied->len; k++) {
		im = &g_array_index(fr->implied, struct implied, k);
		if (!any_answered(res, im->ids))
			continue;
		if (v != NULL)
			return NULL;
		v = im->value;
	}
	return v;
}

static void
set_unclear(struct form_result *res, int id, char *why)
{
	g_free(res->values[id]);
	res->values[id] = NULL;
	g_ptr_array_add(res->unclear, why);
}

/* A value the boxes gave, against what the words and answers say. */
static void
check_ticked(const struct field_rule *fr, struct form_result *res,
    const char *said, int both, const char *implied)
{
	const char	*v = res->values[fr->id], *name = field_name(fr->id);

	if (both || (said != NULL && strcmp(said, v) != 0)) {
		note(res, fr, fr->phrases_line, "the message says %s, the form "
		    "%s: unclear", both ? "more than one" : said, v);
		set_unclear(res, fr->id, g_strdup_printf("%s: the form says %s, "
		    "but the message says otherwise", name, v));
	} else if (said == NULL && implied != NULL && strcmp(implied, v) != 0) {
		note(res, fr, 0, "%s ticked, but only the questions of %s "
		    "answered: unclear", v, implied);
		set_unclear(res, fr->id, g_strdup_printf("%s: %s is ticked, but "
		    "the questions answered are those of a %s", name, v,
		    implied));
	}
}

/* No box said anything: the words, else the answers, say the value. */
static void
read_untold(const struct field_rule *fr, struct form_result *res,
    const char *said, int both, const char *implied)
{
	const char	*name = field_name(fr->id);

	if (both) {
		note(res, fr, fr->phrases_line, "the message names more than "
		    "one: unclear");
		g_ptr_array_add(res->unclear, g_strdup_printf("%s: the message "
		    "names more than one", name));
	} else if (said != NULL) {
		res->values[fr->id] = g_strdup(said);
		note(res, fr, fr->phrases_line, "phrase -> %s", said);
	} else if (implied != NULL) {
		res->values[fr->id] = g_strdup(implied);
		res->unsure[fr->id] = g_strdup_printf("%s: read as %s from the "
		    "questions answered; please confirm", name, implied);
		note(res, fr, 0, "implied by the questions answered -> %s "
		    "(not sure)", implied);
	}
}

void
settle_choice(const struct rules *rules, const struct form *form, int id,
    const struct msg_text *t, const guint8 *used,
    const struct extract_input *in, int ticked, struct form_result *res)
{
	const struct field_rule	*fr = form->fields[id];
	const char		*said, *implied;
	char			*own;
	guint32			 bits;

	if (fr == NULL || (fr->phrases->len == 0 && fr->implied->len == 0))
		return;
	own = own_text(t, used);
	bits = phrases_in(fr, in->subject) | phrases_in(fr, own);
	g_free(own);
	said = phrase_value(fr, bits);
	implied = implied_value(fr, res);
	if (ticked > 0 && res->values[id] != NULL)
		check_ticked(fr, res, said, bits != 0 && said == NULL,
		    implied);
	else if (ticked == 0 && res->values[id] == NULL)
		read_untold(fr, res, said, bits != 0 && said == NULL, implied);
}
