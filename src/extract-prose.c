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
 * unquoted, before any sign-off, not a separator; a blank line between
 * paragraphs stays one.  Caller frees.
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
		    LINE_CUT | LINE_SEP | LINE_REPLY)))
			continue;
		if (l->flags & LINE_BLANK) {
			if (s->len > 0 && !g_str_has_suffix(s->str, "\n\n"))
				g_string_append_c(s, '\n');
			continue;
		}
		g_string_append_len(s, l->s, (gssize)l->len);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

/*
 * Questions blanked out of `text`, in place: "do I need my own membership
 * to sign up as a mentor?" asks, and says no role.
 */
static char *
statements(char *text)
{
	char	*p, *start = text;

	for (p = text; *p != '\0'; p++) {
		if (*p == '?')
			memset(start, ' ', (size_t)(p + 1 - start));
		if (*p == '?' || ((*p == '.' || *p == '!') &&
		    g_ascii_isspace(p[1])) || *p == '\n')
			start = p + 1;
	}
	return text;
}

static int
re_search(const struct re *re, const char *text)
{
	return text != NULL && re_match(re, text, strlen(text), 0, NULL, NULL);
}

/* The phrases of `set` (struct mapping) found in `text`, a bit each. */
static guint32
phrases_in(const GArray *set, const char *text)
{
	const struct mapping	*m;
	guint32			 found = 0;
	guint			 k;

	for (k = 0; text != NULL && k < set->len; k++) {
		m = &g_array_index(set, struct mapping, k);
		if (re_match(m->re, text, strlen(text), 0, NULL, NULL))
			found |= (guint32)1 << k;
	}
	return found;
}

/* The one value several bits of phrases name, or NULL (none, or two). */
static const char *
phrase_value(const GArray *set, guint32 bits)
{
	const char	*v = NULL, *w;
	guint		 k;

	for (k = 0; k < set->len; k++) {
		if (!(bits & ((guint32)1 << k)))
			continue;
		w = g_array_index(set, struct mapping, k).value;
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
	int			 undecided;

	if (fr == NULL || (fr->phrases->len == 0 && fr->implied->len == 0))
		return;
	/*
	 * Indecision counts in any line of the applicant's, a question the
	 * form's reading took for one of its own ("Could I do both?") too.
	 */
	own = own_text(t, NULL);
	undecided = fr->undecided != NULL && (re_search(fr->undecided, own) ||
	    re_search(fr->undecided, in->subject));
	g_free(own);
	own = statements(own_text(t, used));
	bits = phrases_in(fr->phrases, in->subject) |
	    phrases_in(fr->phrases, own);
	said = phrase_value(fr->phrases, bits);
	if (undecided) {
		note(res, fr, fr->phrases_line, "words of indecision");
		bits = ~(guint32)0;
		said = NULL;
	}
	/* Both named, one chosen: "... so I'd like to apply as a mentee". */
	if (bits != 0 && said == NULL &&
	    (said = phrase_value(fr->decisions, phrases_in(fr->decisions,
	    own))) != NULL)
		bits = 0;
	g_free(own);
	implied = implied_value(fr, res);
	if (ticked > 0 && res->values[id] != NULL)
		check_ticked(fr, res, said, bits != 0 && said == NULL,
		    implied);
	else if (ticked == 0 && res->values[id] == NULL)
		read_untold(fr, res, said, bits != 0 && said == NULL, implied);
}

/* ------------------------------------------------------------------ */
/* Letters. */

/* A sentence of a paragraph: [start, end). */
struct sentence {
	const char	*start;
	const char	*end;
};

/* Where the sentence starting at p ends: ". The", "! I", or the end. */
static const char *
sentence_end(const char *p, const char *e)
{
	const char	*q;

	for (q = p; q < e; q++) {
		if (strchr(".!?", *q) == NULL || q + 1 >= e ||
		    !g_ascii_isspace(q[1]))
			continue;
		while (q + 1 < e && g_ascii_isspace(q[1]))
			q++;
		if (q + 1 >= e || !g_ascii_islower(q[1]))
			return q + 1;
	}
	return e;
}

static int
re_in_span(const struct re *re, const char *s, const char *e)
{
	return re != NULL && re_match(re, s, (size_t)(e - s), 0, NULL, NULL);
}

/* Sentences of [s, e) the cue matches; where the first such starts. */
static int
cue_score(const struct re *cue, const struct re *not, const char *s,
    const char *e, const char **from)
{
	const char	*p, *end;
	int		 n = 0;

	*from = NULL;
	for (p = s; p < e; p = end) {
		while (p < e && g_ascii_isspace(*p))
			p++;
		if (p >= e)
			break;
		end = sentence_end(p, e);
		if (!re_in_span(cue, p, end))
			continue;
		n++;
		if (*from == NULL && !re_in_span(not, p, end))
			*from = p;
	}
	return *from != NULL ? n : 0;
}

/* The end of the paragraph starting at p: a blank line, or the end. */
static const char *
para_end(const char *p)
{
	const char	*q = strstr(p, "\n\n");

	return q != NULL ? q : p + strlen(p);
}

static char *
trimmed(const char *s, const char *e)
{
	while (s < e && g_ascii_isspace(*s))
		s++;
	while (e > s && g_ascii_isspace(e[-1]))
		e--;
	return g_strndup(s, (gsize)(e - s));
}

/* Whether [s, e) holds a line ending in ':' with more lines under it. */
static int
lead_in(const char *s, const char *e)
{
	const char	*q;

	for (q = s; q != NULL && q < e; q = strchr(q + 1, ':')) {
		if (*q == ':' && q + 1 < e && q[1] == '\n')
			return 1;
	}
	return 0;
}

/*
 * Where a passage [from, e) should end, its cue's matter done: before the
 * first sentence after its first that says another field's answer
 * (`others`, the one-line fields' prose patterns, or NULL) and not its own ("I'd
 * like help with boards. I'm in Clark county. In person would be great."
 * ends before "I'm").
 */
static const char *
matter_end(const struct re *cue, struct re *const *others, const char *from,
    const char *e)
{
	const char	*p, *end;
	int		 id;

	if (others == NULL)
		return e;
	for (p = sentence_end(from, e); p < e; p = end) {
		while (p < e && g_ascii_isspace(*p))
			p++;
		end = sentence_end(p, e);
		if (p >= e || re_in_span(cue, p, end))
			continue;
		for (id = 0; id < FIELD_MAX; id++) {
			if (re_in_span(others[id], p, end))
				return p;
		}
	}
	return e;
}

/*
 * The passage of a letter a free-text field's cue points to: the
 * paragraph with the most sentences the cue matches (the later of two
 * alike: a letter says who they are first, what they want after), from
 * the first such
 * sentence that is not the letter applying ("I would like to apply as a
 * protégé.") to the paragraph's end; a lead-in ending in ':' takes the
 * paragraphs after it the cue matches too.  NULL when no paragraph
 * matches.  Caller frees.
 */
static char *
passage(const struct re *cue, const struct re *not, struct re *const *others,
    const char *text)
{
	const char	*p, *e, *from, *best = NULL, *best_end = NULL;
	int		 score, most = 0;

	for (p = text; *p != '\0'; p = *e != '\0' ? e + 2 : e) {
		e = para_end(p);
		score = cue_score(cue, not, p, e, &from);
		/* a lead-in to a list ("I could help with:") counts its list */
		if (score > 0 && (lead_in(from, e) || (e > p && e[-1] == ':')))
			score += 2;
		if (score > 0 && score >= most) {
			most = score;
			best = from;
			best_end = e;
		}
	}
	if (best == NULL)
		return NULL;
	while (best_end[-1] == ':' || (best_end - 1 > best &&
	    best_end[-1] == '\n' && best_end[-2] == ':')) {
		p = *best_end != '\0' ? best_end + 2 : best_end;
		if (*p == '\0' || cue_score(cue, NULL, p, para_end(p), &from) == 0)
			break;
		best_end = para_end(p);
	}
	return trimmed(best, matter_end(cue, others, best, best_end));
}

/* The first match of `re` in `text`: its group 1, trimmed.  Caller frees. */
static char *
prose_match(const struct re *re, const char *text)
{
	size_t	so, eo;

	if (re == NULL || text == NULL ||
	    !re_match(re, text, strlen(text), 0, &so, &eo))
		return NULL;
	return trimmed(text + so, text + eo);
}

/* Whether a field takes any words: its value is a guess from prose. */
static int
free_field(const struct field_rule *fr)
{
	return fr->multiline || (fr->pattern == NULL && fr->maps->len == 0 &&
	    fr->choices->len == 0 && (fr->norm == NULL ||
	    strcmp(fr->norm->name, "text") == 0));
}

/* The fields read out of another's answer: a city out of the address. */
static void
letter_derive(const struct rules *rules, const struct form *form,
    int source, const char *raw, struct form_result *res)
{
	int	id, line;

	for (id = 0; id < FIELD_MAX; id++) {
		if (form->fields[id] != NULL && res->values[id] == NULL)
			res->values[id] = field_derive(rules, form->fields[id],
			    source, raw, &line);
	}
}

/* Keep `raw` as field id's answer from the letter, if it is one. */
static int
letter_offer(const struct rules *rules, const struct form *form, int id,
    const char *raw, int line, const char *where, struct form_result *res)
{
	const struct field_rule	*fr = form->fields[id];
	char			*v;

	if (raw == NULL || res->values[id] != NULL ||
	    (v = field_value(rules, fr, raw, NULL)) == NULL)
		return 0;
	res->values[id] = v;
	letter_derive(rules, form, id, raw, res);
	if (free_field(fr))
		res->unsure[id] = g_strdup_printf("%s: read from your %s; "
		    "please check it", field_name(id), where);
	g_ptr_array_add(res->trace, g_strdup_printf("%s:%d [letter] %s.%s -> "
	    "%s", rules->letter.loc.file, line, strcmp(where, "letter") == 0 ?
	    "prose" : "sign", field_name(id), v));
	return 1;
}

/* The questions of the role given (implied.ROLE), or all when none is. */
static int
role_field(const struct form *form, const struct form_result *res, int id)
{
	const struct field_rule	*rr = form->fields[field_id("role")];
	const char		*role = res->values[field_id("role")];
	const struct implied	*im;
	guint			 k, j;
	int			 listed = 0;

	for (k = 0; rr != NULL && k < rr->implied->len; k++) {
		im = &g_array_index(rr->implied, struct implied, k);
		for (j = 0; j < im->ids->len; j++) {
			if (g_array_index(im->ids, int, j) != id)
				continue;
			listed = 1;
			if (role != NULL && strcmp(role, im->value) == 0)
				return 1;
		}
	}
	return !listed || role == NULL;
}

static int
letter_prose(const struct rules *rules, const struct form *form,
    const char *own, struct form_result *res)
{
	const struct letter_rules	*lr = &rules->letter;
	struct re			*others[FIELD_MAX] = { NULL };
	char				*raw;
	int				 id, n = 0;

	for (id = 0; id < FIELD_MAX; id++) {
		if (form->fields[id] != NULL && !form->fields[id]->multiline)
			others[id] = lr->prose[id];
	}
	for (id = 0; id < FIELD_MAX; id++) {
		if (lr->prose[id] == NULL || form->fields[id] == NULL ||
		    res->values[id] != NULL || !role_field(form, res, id))
			continue;
		raw = form->fields[id]->multiline ? passage(lr->prose[id],
		    lr->apply, others, own) : prose_match(lr->prose[id], own);
		n += letter_offer(rules, form, id, raw, lr->prose_line[id],
		    "letter", res);
		g_free(raw);
	}
	return n;
}

/* Most lines a signature block has: more is a letter's last paragraph. */
#define SIGN_LINES	6

/*
 * The signature block under the letter: of the paragraphs after its
 * sign-off ("Thanks, / Rosa", then "-- " and the block), the one of the
 * most lines; with no sign-off, the letter's last paragraph when it is
 * short (*signed is 0 then).  Caller frees.
 */
/* "To: ...", "Subject: ...": a word and a colon. */
static int
header_line(const struct line *l)
{
	size_t	n = strcspn(l->s, ": ");

	return n > 0 && n < l->len && l->s[n] == ':';
}

/*
 * Where the applicant's letter starts: in a forward, under the forwarded
 * message's header (the one forwarding signs above it); else the top.
 */
static size_t
forwarded_start(const struct msg_text *t)
{
	size_t	i = 0;

	if (t->forward_addr == NULL)
		return 0;
	while (i < t->n && !(t->lines[i].flags & LINE_REPLY))
		i++;
	/* From:, Sent:, To:, Cc:, Subject: */
	while (i < t->n && ((t->lines[i].flags & LINE_REPLY) ||
	    header_line(&t->lines[i])))
		i++;
	return i;
}

static GPtrArray *
sign_block(const struct msg_text *t, int *signed_off)
{
	GPtrArray		*best = g_ptr_array_new_with_free_func(g_free);
	GPtrArray		*para = g_ptr_array_new_with_free_func(g_free);
	const struct line	*l;
	size_t			 i;

	*signed_off = 0;
	for (i = forwarded_start(t); i <= t->n; i++) {
		l = i < t->n ? &t->lines[i] : NULL;
		if (l != NULL && (l->flags & LINE_SIGNOFF) && !*signed_off) {
			/* what came before was the letter */
			g_ptr_array_set_size(para, 0);
			g_ptr_array_set_size(best, 0);
			*signed_off = 1;
			continue;
		}
		if (l != NULL && !(l->flags & (LINE_BLANK | LINE_QUOTED |
		    LINE_SEP | LINE_REPLY | LINE_SIGNOFF))) {
			g_ptr_array_add(para, g_strstrip(g_strdup(l->s)));
			continue;
		}
		if (para->len > 0 && para->len <= SIGN_LINES &&
		    (para->len > best->len || !*signed_off)) {
			g_ptr_array_free(best, TRUE);
			best = para;
			para = g_ptr_array_new_with_free_func(g_free);
		}
		g_ptr_array_set_size(para, 0);
		if (l == NULL || (l->flags & (LINE_QUOTED | LINE_SEP |
		    LINE_REPLY)))
			break;
	}
	g_ptr_array_free(para, TRUE);
	return best;
}

/* A signature line cut at '|', ',' and dashes between spaces.  Caller frees. */
static char **
sign_pieces(const char *line)
{
	GString		*s = g_string_new(NULL);
	const char	*p;
	char		**pieces;
	size_t		  i;

	for (p = line; *p != '\0'; p++) {
		if (*p == '|' || *p == ',' || (*p == ' ' && p[1] == '-' &&
		    p[2] == ' '))
			g_string_append_c(s, '\n');
		else if (*p == ' ' && (g_str_has_prefix(p + 1, "\xe2\x80\x93 ") ||
		    g_str_has_prefix(p + 1, "\xe2\x80\x94 "))) {
			g_string_append_c(s, '\n');
			p += 3;
		} else
			g_string_append_c(s, *p);
	}
	pieces = g_strsplit(s->str, "\n", -1);
	g_string_free(s, TRUE);
	for (i = 0; pieces[i] != NULL; i++)
		g_strstrip(pieces[i]);
	return pieces;
}

/*
 * One piece of a signature line ("Director, Humboldt County Library"):
 * the field whose `sign` pattern matches it furthest to its end.
 */
static int
sign_field(const struct rules *rules, const struct form *form,
    const struct form_result *res, const char *piece)
{
	size_t	so, eo, best_eo = 0;
	int	id, best = -1;

	for (id = 0; id < FIELD_MAX; id++) {
		if (rules->letter.sign[id] == NULL || form->fields[id] == NULL ||
		    res->values[id] != NULL || id == field_id("name"))
			continue;
		if (re_match(rules->letter.sign[id], piece, strlen(piece), 0,
		    &so, &eo) && (best < 0 || eo > best_eo)) {
			best = id;
			best_eo = eo;
		}
	}
	return best;
}

/* The signature's pieces, for the fields of `only`. */
static int
letter_sign(const struct rules *rules, const struct form *form,
    const struct msg_text *t, field_mask only, struct form_result *res)
{
	const struct letter_rules	*lr = &rules->letter;
	GPtrArray			*block;
	char				**pieces, *who;
	guint				 i, k;
	int				 n = 0, id, name = field_id("name"), sig;

	block = sign_block(t, &sig);
	/* a last paragraph is a signature only when it starts with a name */
	if (!sig && (block->len == 0 || lr->sign[name] == NULL ||
	    !re_match(lr->sign[name], block->pdata[0],
	    strlen(block->pdata[0]), 0, NULL, NULL)))
		g_ptr_array_set_size(block, 0);
	for (i = 0; i < block->len; i++) {
		if (i == 0 && (who = prose_match(lr->sign[name],
		    block->pdata[0])) != NULL) {
			if (only & ((field_mask)1 << name))
				n += letter_offer(rules, form, name, who,
				    lr->sign_line[name], "signature", res);
			g_free(who);
			continue;
		}
		pieces = sign_pieces(block->pdata[i]);
		for (k = 0; pieces[k] != NULL; k++) {
			if ((id = sign_field(rules, form, res, pieces[k])) >= 0 &&
			    (only & ((field_mask)1 << id)))
				n += letter_offer(rules, form, id, pieces[k],
				    lr->sign_line[id], "signature", res);
		}
		g_strfreev(pieces);
	}
	g_ptr_array_free(block, TRUE);
	return n;
}

/* Whether the role was weighed already and found unclear ("role: ..."). */
static int
role_unclear(const struct form_result *res)
{
	guint	i;

	for (i = 0; i < res->unclear->len; i++) {
		if (g_str_has_prefix(g_ptr_array_index(res->unclear, i),
		    "role: "))
			return 1;
	}
	return 0;
}

/*
 * A letter that never names a role, but offers only what a mentor offers
 * or asks only what a mentee asks: the role its passages imply, not sure.
 * A letter that named both roles ("could I do both?") stays unclear: its
 * passages weigh nothing against what it said.  Returns 1 when it
 * implies one.
 */
static int
letter_implied(const struct rules *rules, const struct form *form,
    const char *own, struct form_result *res)
{
	const struct field_rule	*rr = form->fields[field_id("role")];
	const struct implied	*im;
	const char		*value = NULL;
	char			*p;
	guint			 k, j;
	int			 id;

	if (role_unclear(res))
		return 0;
	for (k = 0; rr != NULL && k < rr->implied->len; k++) {
		im = &g_array_index(rr->implied, struct implied, k);
		for (j = 0; j < im->ids->len; j++) {
			id = g_array_index(im->ids, int, j);
			if (rules->letter.prose[id] == NULL ||
			    !form->fields[id]->multiline ||
			    (p = passage(rules->letter.prose[id],
			    rules->letter.apply, NULL, own)) == NULL)
				continue;
			g_free(p);
			if (value != NULL && strcmp(value, im->value) != 0)
				return 0;
			value = im->value;
		}
	}
	if (value == NULL)
		return 0;
	res->values[rr->id] = g_strdup(value);
	res->unsure[rr->id] = g_strdup_printf("role: your letter reads as a "
	    "%s's; please confirm", value);
	return 1;
}

/* Whether the letter applies: in its words, its Subject, or a role. */
static int
letter_applies(const struct letter_rules *lr, const char *own,
    const struct extract_input *in, const struct form_result *res)
{
	return re_in_span(lr->apply, own, own + strlen(own)) ||
	    (in->subject != NULL && re_in_span(lr->apply, in->subject,
	    in->subject + strlen(in->subject))) ||
	    res->values[field_id("role")] != NULL;
}

int
letter_read(const struct rules *rules, const struct form *form,
    const struct msg_text *t, const guint8 *used,
    const struct extract_input *in, struct form_result *res)
{
	const struct letter_rules	*lr = &rules->letter;
	char				*own, *said, *all;
	int				 n = 0, id, asks;

	if (lr->apply == NULL)
		return 0;
	all = own_text(t, NULL);
	asks = re_in_span(lr->ask, all, all + strlen(all));
	g_free(all);
	own = own_text(t, used);
	said = statements(g_strdup(own));
	if (asks ||
	    (!letter_applies(lr, said, in, res) &&
	    !letter_implied(rules, form, own, res) && !role_unclear(res))) {
		g_free(own);
		g_free(said);
		return 0;
	}
	g_free(said);
	g_ptr_array_add(res->trace, g_strdup_printf("%s:%d [letter] read as "
	    "a letter", lr->loc.file, lr->loc.line));
	letter_sign(rules, form, t, lr->signed_first, res);
	letter_prose(rules, form, own, res);
	letter_sign(rules, form, t, ~(field_mask)0, res);
	g_free(own);
	/* what it gives, the sender's name and address included */
	for (id = 0; id < FIELD_MAX; id++)
		n += res->values[id] != NULL;
	return MAX(n - res->nfound, 0);
}
