/*
 * field.c -- one answer through its field's rule: cleaned, checked
 * against the field's pattern, then turned into a choice, a mapped value
 * or a normalised one.  A NULL result means the answer holds no value
 * ("N/A", a phone number without enough digits, a library type no map
 * knows), and the field stays absent.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

static int
option_at(const struct field_rule *fr, const char *p, const char *e,
    size_t *len)
{
	const struct choice	*c;
	size_t			 n, best = 0;
	guint			 k;
	char			**t;
	int			 which = -1;

	for (k = 0; k < fr->choices->len; k++) {
		c = &g_array_index(fr->choices, struct choice, k);
		for (t = c->texts; *t != NULL; t++) {
			if ((n = text_match(*t, p, e)) > best) {
				best = n;
				which = (int)k;
			}
		}
	}
	*len = best;
	return which;
}

size_t
option_length(const struct form *form, const char *p, const char *e)
{
	size_t	n, best = 0;
	int	id;

	for (id = 0; id < FIELD_MAX; id++) {
		if (form->fields[id] != NULL &&
		    form->fields[id]->choices->len > 0 &&
		    option_at(form->fields[id], p, e, &n) >= 0 && n > best)
			best = n;
	}
	return best;
}

GArray *
options_in(const struct field_rule *fr, const char *s, const char *e)
{
	GArray			*seen;
	struct seen_option	 o;
	const char		*p = s;
	size_t			 n;

	seen = g_array_new(FALSE, FALSE, sizeof(struct seen_option));
	while (p < e) {
		if ((p == s || !g_unichar_isalnum(g_utf8_get_char(
		    g_utf8_prev_char(p)))) &&
		    (o.choice = option_at(fr, p, e, &n)) >= 0) {
			o.start = p;
			o.end = p + n;
			g_array_append_val(seen, o);
			p += n;
		} else
			p = g_utf8_next_char(p);
	}
	return seen;
}

char *
choice_values(const struct field_rule *fr, guint32 sel)
{
	GString	*s = g_string_new(NULL);
	guint	 k;

	for (k = 0; k < fr->choices->len; k++) {
		if (sel & ((guint32)1 << k))
			g_string_append_printf(s, "%s%s",
			    s->len > 0 ? ", " : "",
			    g_array_index(fr->choices, struct choice, k).value);
	}
	return g_string_free(s, FALSE);
}

/* The options a typed answer names ("New to Wyoming, Emerging ..."). */
static char *
choice_of_text(const struct field_rule *fr, const char *text)
{
	GArray	*seen = options_in(fr, text, text + strlen(text));
	guint32	 sel = 0;
	guint	 k;

	for (k = 0; k < seen->len; k++)
		sel |= (guint32)1 << g_array_index(seen, struct seen_option,
		    k).choice;
	g_array_free(seen, TRUE);
	if (sel == 0 || (!fr->multiple && (sel & (sel - 1)) != 0))
		return NULL;
	return choice_values(fr, sel);
}

static char *
map_value(const struct field_rule *fr, const char *v)
{
	const struct mapping	*m;
	guint			 k;

	for (k = 0; k < fr->maps->len; k++) {
		m = &g_array_index(fr->maps, struct mapping, k);
		/* map.none: an answer that says nothing ("maybe"). */
		if (re_match(m->re, v, strlen(v), 0, NULL, NULL))
			return strcmp(m->value, "none") == 0 ? NULL :
			    g_strdup(m->value);
	}
	return NULL;
}

/* Only what the field's pattern matched (its group 1 if it has one). */
static char *
apply_pattern(const struct field_rule *fr, char *v)
{
	size_t	so, eo;
	char	*part;

	if (fr->pattern == NULL)
		return v;
	if (!re_match(fr->pattern, v, strlen(v), 0, &so, &eo)) {
		g_free(v);
		return NULL;
	}
	part = g_strndup(v + so, eo - so);
	g_free(v);
	return part;
}

static char *
shape(const struct field_rule *fr, const char *v, const char **why)
{
	char	*n, *out, *ticked;

	if (fr->choices->len > 0) {
		*why = "names no option";
		return choice_of_text(fr, v);
	}
	*why = fr->norm != NULL ? "is not a value for the normaliser" : NULL;
	n = fr->norm != NULL ? fr->norm->fn(v) : g_strdup(v);
	if (n == NULL || fr->maps->len == 0)
		return n;
	/* the listed options with one ticked: "☐ Public ☒ Academic" */
	if ((ticked = ticked_text(n, n + strlen(n))) != NULL) {
		g_free(n);
		n = ticked;
		*why = "has no option ticked";
		if (*n == '\0') {
			g_free(n);
			return NULL;
		}
	}
	*why = "matches no map";
	out = map_value(fr, n);
	g_free(n);
	return out;
}

/*
 * Whether an answer means "nothing" ("N/A", "none").  Only a one-line
 * answer can: free text may well start "None of ..." or "- ".
 */
static int
means_nothing(const struct rules *rules, const char *v)
{
	return rules->text.empty != NULL && strchr(v, '\n') == NULL &&
	    re_match(rules->text.empty, v, strlen(v), 0, NULL, NULL);
}

char *
field_value(const struct rules *rules, const struct field_rule *fr,
    const char *raw, const char **why)
{
	const char	*because = NULL;
	char		*v, *out;

	v = fr->multiline ? norm_multiline(raw) : norm_text(raw);
	if (v != NULL && means_nothing(rules, v)) {
		because = "means none";
		g_free(v);
		v = NULL;
	} else if (v != NULL && (v = apply_pattern(fr, v)) == NULL)
		because = "does not match the pattern";
	out = v != NULL ? shape(fr, v, &because) : NULL;
	g_free(v);
	if (why != NULL)
		*why = because;
	return out;
}

static char *
search_in(const struct rules *rules, const struct field_rule *fr,
    const char *s, const char *date)
{
	size_t	 so, eo;
	char	*raw, *v;

	if (s == NULL || ((fr->prefer == NULL ||
	    !re_match(fr->prefer, s, strlen(s), 0, &so, &eo)) &&
	    !re_match(fr->search, s, strlen(s), 0, &so, &eo)))
		return NULL;
	raw = g_strndup(s + so, eo - so);
	/* A date found in a message is read against the day it was sent. */
	if (date != NULL && fr->norm == normaliser_find("date"))
		v = norm_date_near(raw, date);
	else
		v = field_value(rules, fr, raw, NULL);
	g_free(raw);
	return v;
}

char *
field_search(const struct rules *rules, const struct field_rule *fr,
    const struct extract_input *in)
{
	char	*v = NULL;

	if (fr->search_in & SEARCH_SUBJECT)
		v = search_in(rules, fr, in->subject, in->date);
	if (v == NULL && (fr->search_in & SEARCH_BODY))
		v = search_in(rules, fr, in->text, in->date);
	return v;
}

char *
field_derive(const struct rules *rules, const struct field_rule *fr,
    int source, const char *raw, int *line)
{
	const struct derive	*d;
	size_t			 so, eo;
	char			*part, *v;
	guint			 k;

	for (k = 0; k < fr->derives->len; k++) {
		d = &g_array_index(fr->derives, struct derive, k);
		if (d->source != source ||
		    !re_match(d->re, raw, strlen(raw), 0, &so, &eo))
			continue;
		part = g_strndup(raw + so, eo - so);
		v = field_value(rules, fr, part, NULL);
		g_free(part);
		if (v != NULL) {
			*line = d->line;
			return v;
		}
	}
	return NULL;
}
