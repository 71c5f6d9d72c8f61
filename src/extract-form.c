/*
 * extract-form.c -- reading one form's answers out of a message.
 *
 * One pass over the lines.  On each line the labels are found (at its
 * start, after a gap of two spaces, a tab, a '|' or underscores, or where
 * another label's answer starts); each label's answer is the rest of its
 * line up to the next label, else the next line; free text runs on over
 * lines; a check-box question gathers its options and their marks,
 * decided once the whole message is read.  A label whose line sits under
 * a line of underscores (the Wyoming PDF pasted as text) takes its answer
 * from the line above the underscores, by column.
 *
 * A label followed by a single space ("Name Dana") is "weak": it only
 * counts when its field has no answer yet and the words after it make a
 * valid answer, so that free text starting with "Library staff ..." is
 * not taken for the Library label.  Where another label's answer starts,
 * a weak label never counts: "Your current position: Library Assistant"
 * is a position, not the label Library; only a label that is one by
 * itself ("Name:     Phone: ...", "State Zip Code") may start there, or
 * any label once the answer's blank was left empty ("City ____   State").
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

struct hit {
	const struct label *label;
	size_t		 line;		/* where the label starts */
	size_t		 start;
	size_t		 vline;		/* where its answer starts */
	size_t		 vstart;
	size_t		 vend;
	int		 sep;		/* ':', '?' ... between it and its answer */
	int		 weak;		/* only a space between them */
};

/* A check-box option seen: which, how marked, and whether quoted. */
struct pick {
	int		 choice;
	enum mark	 mark;
	int		 quoted;
	int		 line;		/* the line it was seen on */
	int		 listed;	/* options seen on that line */
};

/* The question a line starts with, if any: it does not change. */
struct line_question {
	int			 known;		/* looked for yet */
	const struct label	*label;		/* NULL: none */
	struct asked		 asked;
};

struct reader {
	const struct rules	*rules;
	const struct form	*form;
	const struct msg_text	*t;
	const struct extract_input *in;
	struct form_result	*res;
	guint8			*used;		/* lines already read */
	guint8			*open;		/* sign-off lines read anyway */
	struct line_question	*questions;	/* each line's, once found */
	guint8			*above;		/* label rows answered on the
						   line above them */
	int			 found[FIELD_MAX];
	GArray			*picks[FIELD_MAX];
	const struct label	*via[FIELD_MAX];	/* for the trace */
};

/* A "(hint)" after a label is short: longer, it is an answer. */
#define HINT_MAX	80

enum hit_mode {
	HIT_START,		/* at the start of the line */
	HIT_GAP,		/* after a gap */
	HIT_ANSWER,		/* where another label's answer starts */
	HIT_NEXT,		/* only a label that is one by itself */
};

static const struct line *
line_at(const struct reader *r, size_t i)
{
	return &r->t->lines[i];
}

/* Whether line j ends any answer (see line_is_stop), for this form. */
static int
stop_at(const struct reader *r, size_t j)
{
	const struct line	*l = line_at(r, j);
	struct line		 opened;

	if (!r->open[j])
		return line_is_stop(l);
	opened = *l;
	opened.flags &= ~LINE_CUT;
	return line_is_stop(&opened);
}

/* Whether [s, e) holds options, one ticked by "_X_" ("Yes: _X_" not). */
static int
has_line_tick(const char *s, const char *e)
{
	int	tick = 0, words = 0;

	for (; s < e; s++) {
		if (s + 2 < e && s[0] == '_' && (s[1] == 'x' || s[1] == 'X') &&
		    s[2] == '_') {
			tick = 1;
			s += 2;
		} else if (g_ascii_isalpha(*s))
			words = 1;
	}
	return tick && words;
}

/*
 * Trimmed [s, e) without spaces and underscores at either end, the
 * underscores of an empty blank; options marked "___ In person  _X_
 * Virtual" keep theirs, which say what is not ticked.
 */
static char *
trim_form(const char *s, const char *e)
{
	int	marks = has_line_tick(s, e);

	while (s < e && (*s == ' ' || *s == '\t' || (*s == '_' && !marks)))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    (e[-1] == '_' && !marks)))
		e--;
	return g_strndup(s, (gsize)(e - s));
}

/* "FILE:LINE [field NAME] what": the rule's key that gave the answer. */
static void
trace(struct reader *r, const struct field_rule *fr, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
trace(struct reader *r, const struct field_rule *fr, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(r->res->trace, g_strdup_printf("%s:%d [field %s] %s",
	    fr->loc.file, line > 0 ? line : fr->loc.line, field_name(fr->id),
	    what));
	g_free(what);
}

/* After a label, a "(hint)" that ends it: "Geographic location (county):". */
static size_t
skip_hint(const struct line *l, size_t off)
{
	const char	*s = l->s, *close;
	size_t		 q = off;

	while (q < l->len && s[q] == ' ')
		q++;
	if (q >= l->len || s[q] != '(' || (close = memchr(s + q, ')',
	    MIN(l->len - q, HINT_MAX))) == NULL)
		return off;
	for (q = (size_t)(close - s) + 1; q < l->len && s[q] == ' '; q++)
		;
	if (q == l->len || s[q] == ':' || s[q] == '?' || s[q] == '\t' ||
	    q >= (size_t)(close - s) + 3)
		return q;
	return off;
}

/* A dash between a label and its answer: "name - Jessica". */
static size_t
dash_at(const char *p)
{
	if (g_str_has_prefix(p, "- "))
		return 1;
	if (g_str_has_prefix(p, "\xe2\x80\x93 ") ||
	    g_str_has_prefix(p, "\xe2\x80\x94 "))
		return 3;
	return 0;
}

/*
 * Past a label and what separates it from its answer (':', '?', '#',
 * '=', a dash, a gap).  Returns where the answer starts and whether the
 * label is strong; (size_t)-1 when the text only begins like a label
 * ("Names").
 */
static size_t
after_label(const struct line *l, size_t off, int *strong, int *sep)
{
	const char	*s = l->s;
	size_t		 q = skip_hint(l, off), n;
	int		 punct = q > off;

	for (;;) {
		while (q < l->len && s[q] == ' ')
			q++;
		if (q < l->len && strchr(":?#=*", s[q]) != NULL)
			q++;
		else if (q < l->len && (n = dash_at(s + q)) > 0)
			q += n;
		else
			break;
		punct = 1;
	}
	*sep = punct;
	*strong = 1;
	if (q == l->len || punct || q - off >= 2 || s[q] == '_' ||
	    s[q] == '\t')
		return q;
	if (q - off == 1) {
		*strong = 0;
		return q;
	}
	return (size_t)-1;
}

/*
 * A label run on with more words of labels up to a ':' or '?'
 * ("Goals/problems/topics:"): where its answer starts, or (size_t)-1.
 */
static size_t
label_tail(const struct reader *r, const struct line *l, size_t off)
{
	const char	*p = l->s + off, *end;

	end = memchr(p, ':', MIN(l->len - off, HINT_MAX));
	if (end == NULL)
		end = memchr(p, '?', MIN(l->len - off, HINT_MAX));
	if (end == NULL || !label_words_only(r->form->index, p, end, 1))
		return (size_t)-1;
	return (size_t)(end + 1 - l->s);
}

/* Whether `raw` makes an answer for some field of `fields` not yet found. */
static int
weak_fits(const struct reader *r, field_mask fields, const char *raw)
{
	char	*v;
	int	 id;

	for (id = 0; id < FIELD_MAX; id++) {
		if (!(fields & ((field_mask)1 << id)) || r->found[id])
			continue;
		v = field_value(r->rules, r->form->fields[id], raw, NULL);
		g_free(v);
		if (v != NULL)
			return 1;
	}
	return 0;
}

/*
 * Whether a weak label counts here.  Where an answer starts, its words
 * are that answer, whatever label they begin like.
 */
static int
weak_ok(const struct reader *r, const struct label *lab, size_t line,
    size_t vstart, enum hit_mode mode)
{
	const struct line	*l = line_at(r, line);
	char			*raw;
	int			 ok;

	if (mode == HIT_NEXT || mode == HIT_ANSWER)
		return 0;
	if (lab->fields == 0)
		return mode == HIT_START;
	raw = g_strndup(l->s + vstart, next_candidate(l, vstart) - vstart);
	ok = weak_fits(r, lab->fields, raw);
	g_free(raw);
	return ok;
}

/*
 * The label at `off`, if it is one there: "Library Director", an option
 * of a check-box question, is not the label Library.
 */
static int
hit_at(const struct reader *r, size_t line, size_t off, enum hit_mode mode,
    struct hit *h)
{
	const struct label	*lab;
	struct hit		 next;
	size_t			 eline, eoff, v = 0;
	int			 strong = 0, sep = 0, nth;

	/* the longest label there, or a shorter one the longest only begins */
	for (nth = 0; (lab = label_at(r->form->index, r->t, line, off, &eline,
	    &eoff, nth)) != NULL; nth++) {
		if (eline == line && option_length(r->form, line_at(r,
		    line)->s + off, line_at(r, line)->s + line_at(r,
		    line)->len) > eoff - off)
			return 0;
		if ((v = after_label(line_at(r, eline), eoff, &strong,
		    &sep)) != (size_t)-1)
			break;
		if ((v = label_tail(r, line_at(r, eline), eoff)) !=
		    (size_t)-1) {
			strong = sep = 1;
			break;
		}
	}
	if (lab == NULL)
		return 0;
	/* "State Zip Code": a label right before another has no answer */
	if (!strong && !lab->strong && mode != HIT_NEXT &&
	    hit_at(r, eline, v, HIT_NEXT, &next))
		strong = 1;
	if (!strong && !lab->strong && !weak_ok(r, lab, eline, v, mode))
		return 0;
	h->label = lab;
	h->line = line;
	h->start = off;
	h->vline = eline;
	h->vstart = v;
	h->vend = line_at(r, eline)->len;
	h->sep = sep;
	h->weak = !strong && !lab->strong;
	return 1;
}

/* Candidate ends of a question looked at on one line. */
#define QUESTION_ENDS	8

/* What a question no rule knows gives: nothing, but it ends an answer. */
static const struct label unknown_question = { "(a question)", 0, 1, NULL };

/* Words of a question, not of an answer: no digits, no address. */
static int
question_words(const char *s, const char *e)
{
	for (; s < e; s++) {
		if (g_ascii_isdigit(*s) || *s == '@')
			return 0;
	}
	return 1;
}

static int
word_count(const char *s, const char *e)
{
	int	n = 0, in = 0;

	for (; s < e; s++) {
		if (g_ascii_isalpha(*s) || (unsigned char)*s >= 0x80) {
			n += !in;
			in = 1;
		} else if (*s != '\'' && *s != '-')
			in = 0;
	}
	return n;
}

static const struct label *question_at(const struct reader *,
    const struct line *, size_t, const struct asked *);

/*
 * A label without ':' or '?' after it that only begins a longer question
 * ("Library, school or organization where you work<TAB>Mead ...", or
 * "Library / Employer" with the answer below): the question is all of
 * it, and the answer after it.
 */
static void
extend_hit(const struct reader *r, struct hit *h, const struct asked *a,
    int n)
{
	const struct line	*l = line_at(r, h->line);
	const struct label	*lab;
	size_t			 e = next_candidate(l, h->vstart);
	int			 k;

	if (!h->weak || h->vline != h->line)
		return;
	/* its wording may say it asks another field: "Supervisor support?" */
	for (k = 0; k < n; k++) {
		if (a[k].mark != 0 && a[k].end > h->vstart &&
		    (lab = question_at(r, l, h->start, &a[k])) != NULL &&
		    lab != h->label) {
			h->label = lab;
			h->vstart = a[k].answer;
			h->sep = 1;
			h->weak = 0;
			return;
		}
	}
	if (label_words_only(r->form->index, l->s + h->vstart, l->s + e, 1)) {
		h->vstart = e;
		return;
	}
	for (k = 0; k < n; k++) {
		if (a[k].mark != 0 && a[k].end > h->vstart &&
		    question_words(l->s + h->vstart, l->s + a[k].end)) {
			h->vstart = a[k].answer;
			h->sep = 1;
			h->weak = 0;
			return;
		}
		if (a[k].end > h->vstart)
			return;
	}
}

static void
question_hit(const struct reader *r, size_t i, size_t pos,
    const struct label *lab, const struct asked *a, struct hit *h)
{
	h->label = lab;
	h->line = h->vline = i;
	h->start = pos;
	h->vstart = a->answer;
	h->vend = line_at(r, i)->len;
	h->sep = 1;
	h->weak = 0;
}

static int
first_person(const char *s, const char *e)
{
	static const char *const words[] = { "I ", "I'", "I\xe2\x80\x99",
	    "My ", "We ", "Our " };
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(words); i++) {
		if ((size_t)(e - s) > strlen(words[i]) &&
		    strncmp(s, words[i], strlen(words[i])) == 0)
			return 1;
	}
	return 0;
}

/* Whether a label asks for one of a check-box question's options. */
static int
asks_choice(const struct reader *r, const struct label *lab)
{
	int	id;

	for (id = 0; id < FIELD_MAX; id++) {
		if ((lab->fields & ((field_mask)1 << id)) &&
		    r->form->fields[id]->choices->len > 0)
			return 1;
	}
	return 0;
}

/* Bytes of [s, e) outside parentheses: what a question says itself. */
static size_t
unhinted(const char *s, const char *e)
{
	size_t	n = 0;
	int	depth = 0;

	for (; s < e; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			n++;
	}
	return n;
}

/*
 * Which question a candidate end makes, if any.  Ended by a '?', a
 * question is one whatever its length; ended by a ':', a gap or the
 * line's end, its wording must be much of it, for prose says "Eleven
 * years in a large county system: youth services ...", and a row of
 * answers "Janet Marchetti / Library Director    jmarchetti@...".
 */
static const struct label *
question_at(const struct reader *r, const struct line *l, size_t pos,
    const struct asked *a)
{
	const struct label	*lab;
	size_t			 matched;

	lab = question_label(r->form->index, l->s + pos, l->s + a->end,
	    &matched);
	/*
	 * "I can help with: ...", "My goals:" are answers, in the first
	 * person; "I would like to be a: Mentee" asks for a choice.
	 */
	if (lab != NULL && first_person(l->s + pos, l->s + a->end) &&
	    !asks_choice(r, lab))
		return NULL;
	if (lab == NULL || a->mark == '?')
		return lab;
	/* a dash is in answers too: "Library Assistant II - Reference" */
	if (a->mark == '-')
		return matched * 2 >= unhinted(l->s + pos, l->s + a->end) ?
		    lab : NULL;
	return matched * 3 >= unhinted(l->s + pos, l->s + a->end) ? lab : NULL;
}

/*
 * A question without a '?' or ':' is a line of its own, as a form's table
 * turned into text gives them: it starts a paragraph, is short, and is
 * no sentence and no check-box option.
 */
static int
title_line(const struct reader *r, size_t i, size_t pos)
{
	const struct line	*l = line_at(r, i);

	if (i > 0 && !(line_at(r, i - 1)->flags & (LINE_BLANK | LINE_RULE)))
		return 0;
	if (l->s[l->len - 1] == '.' || strchr("[(_", l->s[pos]) != NULL ||
	    word_count(l->s + pos, l->s + l->len) > 12)
		return 0;
	return mark_scan(l->s + pos, l->s + l->len, 0) == MARK_NONE;
}

/*
 * The label or question at the start of line i.  A question of no label
 * is known by its wording (a field's `question`), or read past (the
 * form's `skip`); one of a few words ending in '?', on a line or in a
 * cell of its own, is a question still: nothing keeps its answer, but it
 * ends the answer before it.
 */
/* The question of no label at the start of line i, or NULL. */
static const struct label *
find_question(const struct reader *r, size_t i, size_t pos,
    const struct asked *a, int n, int *which)
{
	const struct line	*l = line_at(r, i);
	const struct label	*lab;
	int			 k;

	for (k = 0; k < n; k++) {
		/* "Mentor: Yes" is an option answered, not a question */
		if (option_length(r->form, l->s + pos, l->s + l->len) >=
		    a[k].end - pos)
			continue;
		if (a[k].mark == 0 && !title_line(r, i, pos))
			continue;
		if ((lab = question_at(r, l, pos, &a[k])) != NULL) {
			*which = k;
			return lab;
		}
	}
	for (k = 0; k < n; k++) {
		if (a[k].mark == '?' && (a[k].answer == l->len ||
		    a[k].answer > a[k].end + 1) &&
		    word_count(l->s + pos, l->s + a[k].end) >= 3) {
			*which = k;
			return &unknown_question;
		}
	}
	return NULL;
}

static int
start_hit(const struct reader *r, size_t i, struct hit *h)
{
	const struct line	*l = line_at(r, i);
	struct line_question	*q = &r->questions[i];
	struct asked		 a[QUESTION_ENDS];
	size_t			 pos = line_start(l);
	int			 n, k = 0;

	n = question_ends(l, pos, a, QUESTION_ENDS);
	if (hit_at(r, i, pos, HIT_START, h)) {
		extend_hit(r, h, a, n);
		return 1;
	}
	if (!q->known) {
		q->known = 1;
		if ((q->label = find_question(r, i, pos, a, n, &k)) != NULL)
			q->asked = a[k];
	}
	if (q->label == NULL)
		return 0;
	question_hit(r, i, pos, q->label, &q->asked, h);
	return 1;
}

/*
 * Whether the blank between a label and the words after it was left
 * empty: underscores with a gap after them ("City ______   State WY").
 * Spaces alone leave the words the label's answer, however many there
 * are ("Position:   Library Assistant").
 */
static int
blank_empty(const struct line *l, size_t from, size_t to)
{
	const char	*s = l->s;
	size_t		 q;
	int		 under = 0;

	for (q = from; q < to; q++) {
		if (s[q] == '_')
			under = 1;
		else if (under && (s[q] == '\t' || s[q] == '|' ||
		    (s[q] == ' ' && s[q + 1] == ' ')))
			return 1;
	}
	return 0;
}

/*
 * Where to look for the next label after the answer starting at `off`:
 * at its first word, which only a label that is one by itself may take;
 * past a blank left empty, as after any gap.
 */
static size_t
answer_words(const struct line *l, size_t off, enum hit_mode *mode)
{
	size_t	q = off;

	while (q < l->len && strchr(" \t|_", l->s[q]) != NULL)
		q++;
	*mode = blank_empty(l, off, q) ? HIT_GAP : HIT_ANSWER;
	return q;
}

/* The labels on line i, in order, each answer ending at the next one. */
static GArray *
find_hits(const struct reader *r, size_t i)
{
	GArray			*hits;
	const struct line	*l = line_at(r, i);
	struct hit		 h, *prev;
	size_t			 pos = line_start(l);
	enum hit_mode		 mode = HIT_START;

	hits = g_array_new(FALSE, FALSE, sizeof(struct hit));
	while (pos < l->len) {
		if (mode == HIT_START ? !start_hit(r, i, &h) :
		    !hit_at(r, i, pos, mode, &h)) {
			pos = next_candidate(l, pos);
			mode = HIT_GAP;
			continue;
		}
		/* "Library / Employer" in a cell: all of it the label */
		if (mode != HIT_START && h.weak && h.vline == i &&
		    label_words_only(r->form->index, l->s + h.vstart, l->s +
		    next_candidate(l, h.vstart), 1))
			h.vstart = next_candidate(l, h.vstart);
		if (hits->len > 0) {
			prev = &g_array_index(hits, struct hit, hits->len - 1);
			prev->vend = h.start;
		}
		g_array_append_val(hits, h);
		if (h.vline != i)
			break;
		pos = answer_words(l, h.vstart, &mode);
		/* a bare label in a cell: the next cell may be a label too */
		if (!h.sep && memchr(l->s + h.vstart, '\t', pos - h.vstart))
			mode = HIT_GAP;
	}
	return hits;
}

/* Whether line i starts with a label: where an answer stops. */
static int
label_line(const struct reader *r, size_t i)
{
	struct hit	h;

	return start_hit(r, i, &h);
}

static int
is_empty_answer(const struct reader *r, const struct hit *h)
{
	const struct line	*l = line_at(r, h->vline);
	char			*v;
	int			 empty;

	v = trim_form(l->s + h->vstart, l->s + h->vend);
	empty = *v == '\0';
	g_free(v);
	return empty;
}

static void
derive(struct reader *r, int source, const char *raw)
{
	const struct field_rule	*fr;
	int			 id, line;

	for (id = 0; id < FIELD_MAX; id++) {
		if ((fr = r->form->fields[id]) == NULL || r->found[id] ||
		    (r->res->values[id] = field_derive(r->rules, fr, source, raw,
		    &line)) == NULL)
			continue;
		r->found[id] = 1;
		trace(r, fr, line, "from %s -> %s", field_name(source),
		    r->res->values[id]);
	}
}

/*
 * Why answer `s` cannot be taken as it is, or NULL: it holds a control
 * picture (U+2400 to U+2421), which mime.c puts for a NUL or another
 * control character, or U+FFFD, put for a byte that is not text in the
 * message's charset (an IMAP server may hand a NUL on as 0x80).  What is
 * left around such a character may be another value altogether.
 */
static const char *
unreadable(const char *s)
{
	const char	*p;

	for (p = s; (p = strstr(p, "\xe2\x90")) != NULL; p += 2) {
		if ((unsigned char)p[2] >= 0x80 && (unsigned char)p[2] <= 0xa1)
			return "holds a character that is not text";
	}
	if (strstr(s, "\xef\xbf\xbd") != NULL)
		return "holds a character that could not be read";
	return NULL;
}

/* Such an answer makes the field unclear. */
static void
refuse_unreadable(struct reader *r, int id, const struct label *lab,
    const char *why)
{
	const struct field_rule	*fr = r->form->fields[id];

	g_ptr_array_add(r->res->unclear, g_strdup_printf("%s: the answer %s",
	    field_name(id), why));
	trace(r, fr, fr->labels_line, "label \"%s\": the answer %s: unclear",
	    lab->text, why);
	r->found[id] = -1;	/* unclear: nothing else may answer it */
}

/* Offer `raw` as the answer to field `id`: the first good one stays. */
static void
offer(struct reader *r, int id, const struct label *lab, const char *raw)
{
	const struct field_rule	*fr = r->form->fields[id];
	const char		*why = NULL, *bad;
	char			*v;

	if (r->found[id] || raw == NULL)
		return;
	if ((bad = unreadable(raw)) != NULL) {
		refuse_unreadable(r, id, lab, bad);
		return;
	}
	derive(r, id, raw);
	if ((v = field_value(r->rules, fr, raw, &why)) == NULL) {
		if (*raw != '\0')
			trace(r, fr, fr->labels_line, "label \"%s\": \"%s\" %s",
			    lab->text, raw,
			    why != NULL ? why : "is not a value");
		return;
	}
	r->res->values[id] = v;
	r->found[id] = 1;
	trace(r, fr, fr->labels_line, "label \"%s\" -> %s", lab->text, v);
}

/* The first non-blank line after `i` when it is an answer, or SIZE_MAX. */
static size_t
next_answer_line(const struct reader *r, size_t i)
{
	const struct line	*l;

	for (i++; i < r->t->n; i++) {
		l = line_at(r, i);
		if (!(l->flags & LINE_BLANK))
			break;
	}
	if (i >= r->t->n || r->used[i] || stop_at(r, i) ||
	    (l->flags & (LINE_MIXED | LINE_QUOTED)) ==
	    (LINE_MIXED | LINE_QUOTED) || label_line(r, i))
		return SIZE_MAX;
	return i;
}

/* Whether some field of the label maps its answer to values. */
static int
has_maps(const struct reader *r, const struct label *lab)
{
	int	id;

	for (id = 0; id < FIELD_MAX; id++) {
		if ((lab->fields & ((field_mask)1 << id)) &&
		    r->form->fields[id]->maps->len > 0)
			return 1;
	}
	return 0;
}

/*
 * The options listed one a line under a question, one of them ticked
 * ("In person ✔", "Virtual", "Either"): the lines after line j up to a
 * blank, a stop or a label, when the list holds a check-box mark.
 * Returns the list, or `raw` as it was.  Caller frees.
 */
static char *
option_lines(struct reader *r, size_t j, char *raw)
{
	GString	*s = g_string_new(raw);
	char	*t;
	size_t	 k;

	for (k = j + 1; k < r->t->n && !(line_at(r, k)->flags & LINE_BLANK) &&
	    !r->used[k] && !stop_at(r, k) && !label_line(r, k); k++) {
		t = trim_form(line_at(r, k)->s, line_at(r, k)->s +
		    line_at(r, k)->len);
		g_string_append_printf(s, "\n%s", t);
		g_free(t);
	}
	if (k == j + 1 || (t = ticked_text(s->str, s->str + s->len)) == NULL) {
		g_string_free(s, TRUE);
		return raw;
	}
	g_free(t);
	memset(r->used + j + 1, 1, k - j - 1);
	g_free(raw);
	return g_string_free(s, FALSE);
}

/*
 * An answer going on on the line under it, as its field's `continued`
 * says ("110 W. Polk St." and then "Crandon, WI 54520"): joined with ", ".
 * Caller frees.
 */
static char *
continued(struct reader *r, const struct label *lab, size_t j, char *raw)
{
	const struct field_rule	*fr;
	const struct line	*l;
	char			*more, *joined;
	int			 id;

	if (j + 1 >= r->t->n || *raw == '\0')
		return raw;
	l = line_at(r, j + 1);
	if ((l->flags & LINE_BLANK) || r->used[j + 1] || stop_at(r, j + 1))
		return raw;
	for (id = 0; id < FIELD_MAX; id++) {
		if (!(lab->fields & ((field_mask)1 << id)) ||
		    (fr = r->form->fields[id])->continued == NULL ||
		    !re_match(fr->continued, l->s, l->len, 0, NULL, NULL))
			continue;
		more = trim_form(l->s, l->s + l->len);
		joined = g_strconcat(raw, ", ", more, NULL);
		g_free(more);
		g_free(raw);
		r->used[j + 1] = 1;
		return joined;
	}
	return raw;
}

/* The rest of the label's line, else the next line.  Caller frees. */
static char *
single_answer(struct reader *r, const struct hit *h, int last)
{
	const struct line	*l = line_at(r, h->vline);
	char			*raw;
	size_t			 j = h->vline;

	raw = trim_form(l->s + h->vstart, l->s + h->vend);
	if (*raw == '\0' && last &&
	    (j = next_answer_line(r, h->vline)) != SIZE_MAX) {
		g_free(raw);
		l = line_at(r, j);
		raw = trim_form(l->s, l->s + l->len);
		r->used[j] = 1;
		if (has_maps(r, h->label))
			raw = option_lines(r, j, raw);
	}
	return last && j != SIZE_MAX ? continued(r, h->label, j, raw) : raw;
}

/* Free text and check-box lists: where the lines under a label end. */
struct span {
	size_t		 first;		/* first line after the label's */
	size_t		 end;		/* one past the last */
	unsigned	 quoted;	/* the quoting the answer is in */
	field_mask	 fields;	/* the fields it answers */
};

/*
 * Whether a label without ':' at the start of line j can only be prose:
 * its fields take any words ("county commissioners, and ..." in the
 * middle of an answer is not the County label).
 */
static int
free_words(const struct reader *r, const struct hit *h)
{
	const struct field_rule	*fr;
	int			 id;

	if (!h->weak)
		return 0;
	for (id = 0; id < FIELD_MAX; id++) {
		if (!(h->label->fields & ((field_mask)1 << id)))
			continue;
		fr = r->form->fields[id];
		if (fr->pattern != NULL || fr->choices->len > 0 ||
		    fr->maps->len > 0 || (fr->norm != NULL &&
		    strcmp(fr->norm->name, "text") != 0))
			return 0;
	}
	return 1;
}

/*
 * Whether line j starts a new answer, ending the free text above it.  A
 * label or question of the text's own field is part of it: "I'd like
 * help with:" in the answer to "What would you like help with?",
 * "Strengths: ..." in the answer about strengths.
 */
static int
text_stop(const struct reader *r, size_t j, field_mask fields)
{
	struct hit	h;

	if (!start_hit(r, j, &h) || free_words(r, &h))
		return 0;
	return h.label->fields == 0 || (h.label->fields & ~fields) != 0;
}

static int
ends_span(const struct reader *r, size_t j, const struct span *sp)
{
	const struct line	*l = line_at(r, j);

	return r->used[j] || stop_at(r, j) || text_stop(r, j, sp->fields) ||
	    (!(l->flags & LINE_BLANK) && (l->flags & LINE_QUOTED) !=
	    sp->quoted);
}

/*
 * Free text runs on until a stop; a blank line is a paragraph break
 * unless what follows it stops the text anyway.
 */
static void
text_span(const struct reader *r, const struct hit *h, int same_line,
    struct span *sp)
{
	size_t	j = h->vline + 1, k;

	while (!same_line && j < r->t->n && (line_at(r, j)->flags & LINE_BLANK))
		j++;
	sp->first = j;
	sp->fields = h->label->fields;
	sp->quoted = same_line || j >= r->t->n ?
	    line_at(r, h->vline)->flags & LINE_QUOTED :
	    line_at(r, j)->flags & LINE_QUOTED;
	/* j: the first line not yet taken; k: the next non-blank from it */
	while (j < r->t->n) {
		for (k = j; k < r->t->n && (line_at(r, k)->flags & LINE_BLANK);
		    k++)
			;
		if (k >= r->t->n || ends_span(r, k, sp))
			break;
		j = k + 1;
	}
	sp->end = j;
}

/* Words a sign-off line may hold: the applicant's name, the address. */
static int
signer_word(const struct reader *r, const char *word)
{
	const char	*name = r->res->values[field_id("name")];
	const char	*from = r->in->from_addr;
	char		*hay, *needle;
	int		 found;

	if (strlen(word) < 2)
		return 0;
	hay = g_strdup_printf(" %s %s ", name != NULL ? name : "",
	    from != NULL ? from : "");
	g_strdelimit(hay, ".,_-@", ' ');
	needle = g_strdup_printf(" %s ", word);
	found = strcasestr(hay, needle) != NULL;
	g_free(needle);
	g_free(hay);
	return found;
}

/* A last paragraph that is only the applicant's name is a sign-off. */
static int
is_signoff(const struct reader *r, const char *line)
{
	char	**words;
	size_t	  i, n = 0;
	int	  all = 1;

	/* "-Derek", "~ Dana": a dash or tilde before the name */
	words = g_strsplit_set(line, " ,.-~", -1);
	for (i = 0; words[i] != NULL && all; i++) {
		if (*words[i] == '\0')
			continue;
		n++;
		all = signer_word(r, words[i]);
	}
	g_strfreev(words);
	return all && n > 0 && n <= 4;
}

/* A line a signature starts with: "Janelle Ostrowski | Branch Manager". */
static int
starts_signoff(const struct reader *r, const char *line)
{
	size_t	 n = strcspn(line, "|,\t");
	char	*name;
	int	 yes;

	if (strstr(line, " - ") != NULL && (size_t)(strstr(line, " - ") -
	    line) < n)
		n = (size_t)(strstr(line, " - ") - line);
	name = g_strndup(line, n);
	yes = is_signoff(r, name);
	g_free(name);
	return yes;
}

/* Lines of a signature block, at most, under the applicant's name. */
#define SIGNATURE_LINES	5

/*
 * A last paragraph that starts with the applicant's name is their
 * signature ("Dana Whitfield | Branch Manager", the library, the
 * address), not the answer.
 */
static void
drop_signoff(const struct reader *r, GPtrArray *lines)
{
	guint	n = lines->len, i;

	if (n == 1 && is_signoff(r, lines->pdata[0])) {
		g_ptr_array_set_size(lines, 0);
		return;
	}
	for (i = n > 0 ? n - 1 : 0; i >= 2 && n - i <= SIGNATURE_LINES; i--) {
		if (*(char *)lines->pdata[i - 1] == '\0' &&
		    starts_signoff(r, lines->pdata[i])) {
			g_ptr_array_set_size(lines, i - 1);
			return;
		}
	}
}

/* Join lines; a line ending in a space was wrapped (format=flowed). */
static char *
join_text(GPtrArray *lines)
{
	GString		*s = g_string_new(NULL);
	const char	*line;
	guint		 i;

	for (i = 0; i < lines->len; i++) {
		line = lines->pdata[i];
		if (i > 0)
			g_string_append_c(s, s->len > 0 &&
			    s->str[s->len - 1] == ' ' ? ' ' : '\n');
		g_string_append(s, line);
	}
	return g_string_free(s, FALSE);
}

/* A text line: trimmed of underscores, a flowed line's space kept. */
static char *
text_line(const struct line *l)
{
	char	*t = trim_form(l->s, l->s + l->len);
	size_t	 n = l->len;

	if (*t != '\0' && n > 0 && l->s[n - 1] == ' ' &&
	    (n < 2 || l->s[n - 2] != ' ')) {
		char *flowed = g_strconcat(t, " ", NULL);

		g_free(t);
		return flowed;
	}
	return t;
}

/*
 * The rest of a long question on the label's line is not the answer:
 * "...: goals, problems, or topics", or up to its own ':' ("goals,
 * problems, or topics: Learn how ..."), or a whole question ending in
 * ':' ("strengths, ..., and/or anything else (attach a page):").
 * Returns what is left of `first`, which it frees.
 */
static char *
question_rest(const struct reader *r, char *first)
{
	const struct label_index	*idx = r->form->index;
	char				*colon, *rest;
	size_t				 n = strlen(first);

	if (label_words_only(idx, first, first + n, 2) || (n > 0 &&
	    first[n - 1] == ':' && label_words_share(idx, first, first + n) >=
	    50)) {
		*first = '\0';
		return first;
	}
	if ((colon = strchr(first, ':')) != NULL &&
	    label_words_only(idx, first, colon, 2)) {
		rest = g_strdup(g_strchug(colon + 1));
		g_free(first);
		return rest;
	}
	return first;
}

static void
read_text(struct reader *r, const struct hit *h, int id, int last)
{
	const struct line	*l = line_at(r, h->vline);
	GPtrArray		*lines = g_ptr_array_new_with_free_func(g_free);
	struct span		 sp;
	char			*first, *raw;
	size_t			 j, from, kept;

	first = trim_form(l->s + h->vstart, l->s + h->vend);
	kept = strlen(first);
	first = question_rest(r, first);
	/* what is left starts that much further into the answer */
	from = h->vstart + strspn(l->s + h->vstart, " \t_") + kept -
	    strlen(first);
	text_span(r, h, *first != '\0', &sp);
	if (!last)
		sp.end = sp.first;	/* another label follows on its line */
	if (*first != '\0')
		g_ptr_array_add(lines, text_line(&(struct line){
		    l->s + from, h->vend - from, 0 }));
	g_free(first);
	for (j = sp.first; j < sp.end; j++) {
		g_ptr_array_add(lines, text_line(line_at(r, j)));
		r->used[j] = 1;
	}
	while (lines->len > 0 && *(char *)lines->pdata[lines->len - 1] == '\0')
		g_ptr_array_set_size(lines, lines->len - 1);
	drop_signoff(r, lines);
	raw = join_text(lines);
	offer(r, id, h->label, raw);
	g_free(raw);
	g_ptr_array_free(lines, TRUE);
}

/*
 * An option in bold, as a mail program writes it in plain text: "*Mentor*",
 * "*Experienced library staff, regardless of position*".
 */
static int
starred(const char *s, const struct seen_option *o, const char *next)
{
	return o->start > s && o->start[-1] == '*' &&
	    memchr(o->end, '*', (size_t)(next - o->end)) != NULL;
}

/*
 * The bold options mark the line, unless every option is bold; `s` is
 * where the line starts, so that the '*' before an option is seen.
 */
static void
starred_marks(GArray *picks, guint from, const GArray *seen, const char *s,
    const char *e)
{
	const struct seen_option	*o;
	guint				 k, n = 0;

	for (k = 0; k < seen->len; k++) {
		o = &g_array_index(seen, struct seen_option, k);
		n += starred(s, o, k + 1 < seen->len ? o[1].start : e);
	}
	if (n == 0 || n == seen->len)
		return;
	for (k = 0; k < seen->len; k++) {
		o = &g_array_index(seen, struct seen_option, k);
		if (g_array_index(picks, struct pick, from + k).mark == MARK_NONE)
			g_array_index(picks, struct pick, from + k).mark =
			    starred(s, o, k + 1 < seen->len ? o[1].start : e) ?
			    MARK_TICKED : MARK_EMPTY;
	}
}

/*
 * The marks of the options in one line: a mark before the first option
 * means each option's mark is before it ("[x] Mentor"), else after it
 * ("Mentor _X_", "Protégé: Yes").
 */
static void
picks_in(struct reader *r, int id, const char *s, const char *e, int quoted,
    size_t line)
{
	const char		*ls = line_at(r, line)->s;
	GArray			*seen = options_in(r->form->fields[id], s, e);
	struct seen_option	*o;
	struct pick		 p;
	guint			 k, from = r->picks[id]->len;
	int			 before;

	if (seen->len == 0) {
		g_array_free(seen, TRUE);
		return;
	}
	o = &g_array_index(seen, struct seen_option, 0);
	before = mark_scan(s, o[0].start, 1) != MARK_NONE;
	for (k = 0; k < seen->len; k++) {
		p.choice = o[k].choice;
		p.quoted = quoted;
		p.line = (int)line;
		p.listed = (int)seen->len;
		if (before)
			p.mark = mark_scan(k == 0 ? s : o[k - 1].end,
			    o[k].start, 1);
		else
			p.mark = mark_scan(o[k].end, k + 1 < seen->len ?
			    o[k + 1].start : e, 0);
		g_array_append_val(r->picks[id], p);
	}
	starred_marks(r->picks[id], from, seen, ls, e);
	r->found[id] = 1;
	g_array_free(seen, TRUE);
}

/*
 * Options on a quoted line: the blank form under a reply, or questions
 * answered inline.  Either way what the sender typed unquoted comes
 * first (resolve_choice).
 */
static int
quoted_in_reply(const struct line *l)
{
	return (l->flags & LINE_QUOTED) != 0;
}

/*
 * A check-box list: the rest of the label's line, and the lines under it
 * when the label is the line's last.
 */
/*
 * Whether line j begins with one of the field's options, after a mark at
 * most ("Mentee (2 or less years of experience)  <- this one"): an option
 * under its question, whatever label words it carries.
 */
static int
option_line(struct reader *r, int id, size_t j)
{
	const struct line	*l = line_at(r, j);
	GArray			*seen;
	const char		*p, *start;
	int			 alnum = 0;

	seen = options_in(r->form->fields[id], l->s, l->s + l->len);
	start = seen->len > 0 ? g_array_index(seen, struct seen_option,
	    0).start : NULL;
	g_array_free(seen, TRUE);
	if (start == NULL)
		return 0;
	for (p = l->s; p < start; p++)
		alnum += g_ascii_isalnum(*p) && *p != 'x' && *p != 'X';
	return alnum == 0 && start - l->s <= 8;
}

static void
read_choice(struct reader *r, const struct hit *h, int id, int last)
{
	const struct line	*l = line_at(r, h->vline);
	size_t			 j = last ? h->vline + 1 : r->t->n;
	int			 content = 0;

	if (r->picks[id] == NULL)
		r->picks[id] = g_array_new(FALSE, FALSE, sizeof(struct pick));
	r->via[id] = h->label;
	picks_in(r, id, l->s + h->vstart, l->s + h->vend, quoted_in_reply(l),
	    h->vline);
	content = h->vend > h->vstart && !is_empty_answer(r, h);
	for (; j < r->t->n; j++) {
		l = line_at(r, j);
		if (l->flags & LINE_BLANK) {
			if (content)
				break;
			continue;
		}
		if (r->used[j] || stop_at(r, j) ||
		    (label_line(r, j) && !option_line(r, id, j)))
			break;
		picks_in(r, id, l->s, l->s + l->len, quoted_in_reply(l), j);
		r->used[j] = 1;
		content = 1;
	}
}

/*
 * Each field of a label reads its answer; one-line answers are shared,
 * and read elsewhere for a row of columns (`singles` 0).
 */
static void
read_fields(struct reader *r, const struct hit *h, int last, int singles)
{
	const struct field_rule	*fr;
	char			*raw = NULL;
	int			 id;

	for (id = 0; id < FIELD_MAX; id++) {
		if (!(h->label->fields & ((field_mask)1 << id)))
			continue;
		fr = r->form->fields[id];
		if (fr->choices->len > 0)
			read_choice(r, h, id, last);
		else if (fr->multiline)
			read_text(r, h, id, last);
		else if (singles) {
			if (raw == NULL)
				raw = single_answer(r, h, last);
			offer(r, id, h->label, raw);
		}
	}
	g_free(raw);
}

static int
is_single(const struct field_rule *fr)
{
	return fr->choices->len == 0 && !fr->multiline;
}

/* The column of byte `off` of a line, in characters. */
static long
column(const struct line *l, size_t off)
{
	return g_utf8_pointer_to_offset(l->s, l->s + off);
}

/* Whether a label introduces a one-line answer (columns hold only those). */
static int
has_single(const struct reader *r, const struct label *lab)
{
	int	id;

	for (id = 0; id < FIELD_MAX; id++) {
		if ((lab->fields & ((field_mask)1 << id)) &&
		    is_single(r->form->fields[id]))
			return 1;
	}
	return 0;
}

/* Answers typed into the blanks: "Dana Whitfield______  307-555-0100___". */
static int
filled_blanks(const struct line *l)
{
	const char	*p;

	if (l->flags & (LINE_BLANK | LINE_RULE))
		return 0;
	if ((p = g_strstr_len(l->s, (gssize)l->len, "___")) == NULL)
		return 0;
	return p > l->s && p[-1] != ' ' && p[-1] != '_';
}

/*
 * Where the answers of a row of labels at line i are, in a PDF pasted as
 * text: above a line of underscores over the labels, or typed into the
 * blanks of the line right above them.  SIZE_MAX when neither.
 */
static size_t
column_source(const struct reader *r, size_t i)
{
	if (i >= 2 && (line_at(r, i - 1)->flags & LINE_RULE))
		return i - 2;
	if (i >= 1 && (filled_blanks(line_at(r, i - 1)) ||
	    (r->above != NULL && r->above[i])))
		return i - 1;
	return SIZE_MAX;
}

/*
 * A line holding only labels of one-line answers, under their answers
 * (column_source): the answers are in the labels' columns.
 */
static int
is_column_row(const struct reader *r, size_t i, GArray *hits)
{
	const struct hit	*h;
	guint			 k;

	if (column_source(r, i) == SIZE_MAX)
		return 0;
	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		if (!has_single(r, h->label) || !is_empty_answer(r, h))
			return 0;
	}
	return 1;
}

/* The hit whose column a piece of the answer line starting at `col` is in. */
static guint
column_owner(const struct reader *r, GArray *hits, long col)
{
	const struct hit	*h;
	guint			 k, owner = 0;

	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		if (column(line_at(r, h->line), h->start) <= col + 2)
			owner = k;
	}
	return owner;
}

/*
 * The line holding the answers of column row i, or NULL.  An answer may
 * start with a label's word ("Library Director" over "Position"): only a
 * label that is one by itself, not a weak one nor a question's wording,
 * makes it a row of labels.
 */
static const struct line *
column_answers(const struct reader *r, size_t i)
{
	size_t			 j = column_source(r, i);
	const struct line	*v;
	struct hit		 h;

	if (j == SIZE_MAX)
		return NULL;
	v = line_at(r, j);
	if ((v->flags & (LINE_BLANK | LINE_RULE)) || stop_at(r, j) ||
	    (hit_at(r, j, line_start(v), HIT_START, &h) && !h.weak))
		return NULL;
	return v;
}

/*
 * The next piece of a PDF's answer line over a rule line: after a gap of
 * three spaces or more, a tab, a '|' or underscores, since its columns
 * stand far apart and an answer may hold two spaces ("Park County
 * Library System").
 */
static size_t
next_wide(const struct line *v, size_t pos)
{
	size_t	next = pos;

	for (;;) {
		next = next_candidate(v, next);
		if (next >= v->len || strchr("\t|_", v->s[next - 1]) != NULL ||
		    (next >= 3 && strncmp(v->s + next - 3, "   ", 3) == 0))
			break;
	}
	return next;
}

/* The piece after the one at pos: under a rule line, after a wide gap. */
static size_t
next_piece(const struct line *v, size_t pos, int rule)
{
	return rule ? next_wide(v, pos) : next_candidate(v, pos);
}

/*
 * The pieces of answer line v in the columns of the labels' hits.  As
 * many pieces as labels are theirs in order: a PDF pasted as text keeps
 * its rows, not its columns ("Karen Liebl" at column 0 and the phone at
 * 63, over "Name" at 0 and "Phone" at 76, or stacked one a line).  Else
 * each piece is the label's it starts under.  Over a rule line (`rule`)
 * pieces stand apart by wide gaps only.
 */
static GPtrArray *
column_pieces(const struct reader *r, GArray *hits, const struct line *v,
    int rule)
{
	GPtrArray	*answers;
	char		*piece, *joined;
	size_t		 pos, end;
	guint		 k, n;

	answers = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_set_size(answers, hits->len);
	n = 0;
	for (pos = line_start(v); pos < v->len; pos = next_piece(v, pos, rule))
		n++;
	k = 0;
	for (pos = line_start(v); pos < v->len; pos = end, k++) {
		end = next_piece(v, pos, rule);
		if (n != hits->len)
			k = column_owner(r, hits, column(v, pos));
		piece = trim_form(v->s + pos, v->s + end);
		joined = g_strjoin(" ", answers->pdata[k] != NULL ?
		    (char *)answers->pdata[k] : "", piece, NULL);
		g_free(answers->pdata[k]);
		g_free(piece);
		answers->pdata[k] = g_strstrip(joined);
	}
	return answers;
}

/* How many cells (tabs) stand before byte `off` of a line. */
static guint
cell_index(const struct line *l, size_t off)
{
	guint	n = 0;
	size_t	q;

	for (q = 0; q < off && q < l->len; q++) {
		if (l->s[q] == '\t' && (q == 0 || l->s[q - 1] != '\t'))
			n++;
	}
	return n;
}

/*
 * The cells of answer line v under the labels' cells, by their place in
 * the row: a table's row of answers under its row of labels.
 */
static GPtrArray *
cell_pieces(const struct reader *r, GArray *hits, const struct line *v)
{
	GPtrArray		*answers;
	const struct hit	*h;
	char			**cells;
	guint			 k, c, n;

	answers = g_ptr_array_new_with_free_func(g_free);
	cells = g_strsplit(v->s, "\t", -1);
	n = g_strv_length(cells);
	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		c = cell_index(line_at(r, h->line), h->start);
		g_ptr_array_add(answers, c < n ? trim_form(cells[c], cells[c] +
		    strlen(cells[c])) : NULL);
	}
	g_strfreev(cells);
	return answers;
}

/* Offer each column's answer to its label's one-line fields. */
static void
offer_columns(struct reader *r, GArray *hits, GPtrArray *answers)
{
	const struct hit	*h;
	guint			 k;
	int			 id;

	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		for (id = 0; id < FIELD_MAX; id++) {
			if ((h->label->fields & ((field_mask)1 << id)) &&
			    is_single(r->form->fields[id]))
				offer(r, id, h->label, answers->pdata[k]);
		}
	}
	g_ptr_array_free(answers, TRUE);
}

static int	lone_label(const struct reader *, size_t, struct hit *);

/* Blank lines a PDF pasted as text may put between its stacked labels. */
#define STACK_GAP	6

/*
 * A PDF's row of answers over a line of underscores may have its labels
 * stacked, one a line: "Kathleen Moreno    307-555-0163 / ____ ____ /
 * Name / Phone #".  Line i holds the first label (or first few); the
 * lines after it hold only labels until there are as many as pieces.
 */
static void
stacked_labels(struct reader *r, size_t i, GArray *hits, const struct line *v)
{
	struct hit	h;
	size_t		j, n = 0, pos, gap = 0;

	for (pos = line_start(v); pos < v->len; pos = next_wide(v, pos))
		n++;
	for (j = i + 1; j < r->t->n && hits->len < n && gap <= STACK_GAP;
	    j++) {
		if (line_at(r, j)->flags & LINE_BLANK) {
			gap++;
			continue;
		}
		if (!lone_label(r, j, &h))
			break;
		g_array_append_val(hits, h);
		gap = 0;
	}
}

static void
read_columns(struct reader *r, size_t i, GArray *hits)
{
	const struct line	*v;
	int			 rule;

	if ((v = column_answers(r, i)) == NULL)
		return;
	rule = (line_at(r, i - 1)->flags & LINE_RULE) != 0;
	if (rule)
		stacked_labels(r, i, hits, v);
	offer_columns(r, hits, column_pieces(r, hits, v, rule));
}

/*
 * A row of labels over the row of their answers, as a table or a PDF
 * pasted as text gives them: labels of one-line answers only, none
 * answered on its line, and under them a line of more than one cell
 * that starts with no label.  Returns the answers' line, or SIZE_MAX.
 */
static size_t
row_below(const struct reader *r, size_t i, GArray *hits)
{
	const struct line	*v;
	const struct hit	*h;
	guint			 k;

	if (hits->len < 2 || i + 1 >= r->t->n)
		return SIZE_MAX;
	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		if (!has_single(r, h->label) || !is_empty_answer(r, h) ||
		    h->vline != i)
			return SIZE_MAX;
	}
	v = line_at(r, i + 1);
	if ((v->flags & (LINE_BLANK | LINE_RULE)) || r->used[i + 1] ||
	    stop_at(r, i + 1) || label_line(r, i + 1) ||
	    next_candidate(v, line_start(v)) == v->len)
		return SIZE_MAX;
	return i + 1;
}

static void
read_row_below(struct reader *r, size_t i, GArray *hits, size_t j)
{
	const struct line	*v = line_at(r, j);

	if (strchr(line_at(r, i)->s, '\t') != NULL && strchr(v->s, '\t'))
		offer_columns(r, hits, cell_pieces(r, hits, v));
	else
		offer_columns(r, hits, column_pieces(r, hits, v, 0));
	r->used[j] = 1;
}

static void
read_line(struct reader *r, size_t i)
{
	GArray		*hits = find_hits(r, i);
	struct hit	*h;
	size_t		 below;
	guint		 k;
	int		 columns;

	columns = hits->len > 0 && is_column_row(r, i, hits);
	if (columns)
		read_columns(r, i, hits);
	else if ((below = row_below(r, i, hits)) != SIZE_MAX) {
		read_row_below(r, i, hits, below);
		columns = 1;
	}
	for (k = 0; k < hits->len; k++)
		read_fields(r, &g_array_index(hits, struct hit, k),
		    k + 1 == hits->len, !columns);
	for (k = 0; k < hits->len; k++) {
		h = &g_array_index(hits, struct hit, k);
		memset(r->used + h->line, 1, h->vline - h->line + 1);
	}
	g_array_free(hits, TRUE);
}

/* Labels in a run before their answers: at most this many are paired. */
#define RUN_MAX		12

/* Line i holds only a label of one-line answers, unanswered. */
static int
lone_label(const struct reader *r, size_t i, struct hit *h)
{
	const struct line	*l = line_at(r, i);
	int			 id;

	if (i >= r->t->n || (l->flags & LINE_BLANK) || r->used[i] ||
	    stop_at(r, i) ||
	    !start_hit(r, i, h) || h->vline != i || !is_empty_answer(r, h) ||
	    h->label->fields == 0)
		return 0;
	for (id = 0; id < FIELD_MAX; id++) {
		if ((h->label->fields & ((field_mask)1 << id)) &&
		    !is_single(r->form->fields[id]))
			return 0;
	}
	return 1;
}

/*
 * Lines j.. hold `n` answers: no blank, no stop, and no label but one
 * that only begins the answer's words ("Library Technical Assistant").
 */
static int
answers_follow(const struct reader *r, size_t j, size_t n)
{
	struct hit	h;
	size_t		k;

	for (k = j; k < j + n; k++) {
		if (k >= r->t->n || (line_at(r, k)->flags & LINE_BLANK) ||
		    r->used[k] || stop_at(r, k) ||
		    (start_hit(r, k, &h) && !h.weak))
			return 0;
	}
	return 1;
}

/*
 * Three or more labels on lines of their own, one under another, then as
 * many lines of answers: a PDF's column pasted in reading order, each
 * answer belonging to the label in the same place.
 */
static void
read_label_runs(struct reader *r)
{
	struct hit	hits[RUN_MAX];
	size_t		i, j, n, k;
	char		*raw;
	int		id;

	for (i = 0; i < r->t->n; i = j + 1) {
		for (j = i, n = 0; n < RUN_MAX && lone_label(r, j, &hits[n]);
		    j++)
			n++;
		if (n < 3 || !answers_follow(r, j, n))
			continue;
		for (k = 0; k < n; k++) {
			raw = trim_form(line_at(r, j + k)->s,
			    line_at(r, j + k)->s + line_at(r, j + k)->len);
			for (id = 0; id < FIELD_MAX; id++) {
				if (hits[k].label->fields & ((field_mask)1 << id))
					offer(r, id, hits[k].label, raw);
			}
			g_free(raw);
		}
		memset(r->used + i, 1, 2 * n);
		j += n - 1;
	}
}

/*
 * The answer lines of column rows are read by their rows, and not as
 * lines of their own: "Park County  Library System" has no label Library.
 */
/* What a line is to a run of labels and answers (values_above). */
enum row_kind {
	ROW_OTHER,	/* blank, a label answered on its line, a stop */
	ROW_LABELS,	/* only labels of one-line answers, bare (no ':'),
			   unanswered */
	ROW_VALUES,	/* words, no label of its own */
};

static enum row_kind
row_kind(struct reader *r, size_t i)
{
	const struct line	*l = line_at(r, i);
	GArray			*hits;
	struct hit		 h;
	enum row_kind		 kind = ROW_OTHER;
	guint			 k;

	/* a table's cells (tabs) have their own reading: row_below */
	if ((l->flags & (LINE_BLANK | LINE_RULE)) || stop_at(r, i) ||
	    memchr(l->s, '\t', l->len) != NULL)
		return ROW_OTHER;
	/* words, not a question: "Teton County Library" is an answer */
	if (!hit_at(r, i, line_start(l), HIT_START, &h) || h.weak)
		return l->len > 0 && strchr("?:", l->s[l->len - 1]) == NULL ?
		    ROW_VALUES : ROW_OTHER;
	hits = find_hits(r, i);
	kind = hits->len > 0 ? ROW_LABELS : ROW_OTHER;
	for (k = 0; k < hits->len; k++) {
		h = g_array_index(hits, struct hit, k);
		/* "Name:" asks for what follows it; a PDF's "Name" may not */
		if (!has_single(r, h.label) || !is_empty_answer(r, &h) ||
		    h.sep)
			kind = ROW_OTHER;
	}
	g_array_free(hits, TRUE);
	return kind;
}

/* Line i-1 is a label whose answer is on the next line, line i. */
static int
answers_above(struct reader *r, size_t i)
{
	struct hit	h;

	return i > 0 && !(line_at(r, i - 1)->flags & LINE_BLANK) &&
	    start_hit(r, i - 1, &h) && is_empty_answer(r, &h);
}

/*
 * A form pasted from a PDF may give each answer above its label:
 * "Lily Thornquist / Name / lily@... 360-555-0109 / Email  Phone".  A run
 * of lines alternating answers and bare labels that starts with an
 * answer and ends with labels (then something else), two rows of labels
 * at least, is read that way; one that starts with labels has its
 * answers under them, as usual.
 */
static void
values_above(struct reader *r)
{
	enum row_kind	*kinds = g_new(enum row_kind, r->t->n + 1);
	size_t		 i, j, start, rows;

	for (i = 0; i < r->t->n; i++)
		kinds[i] = row_kind(r, i);
	for (i = 0; i < r->t->n; i = j) {
		if (kinds[i] != ROW_VALUES) {
			j = i + 1;
			continue;
		}
		start = i;
		for (j = i + 1; j < r->t->n && kinds[j] != ROW_OTHER &&
		    kinds[j] != kinds[j - 1]; j++)
			;
		rows = (j - start) / 2;
		if (kinds[j - 1] != ROW_LABELS || rows < 2 ||
		    (j < r->t->n && kinds[j] != ROW_OTHER) ||
		    answers_above(r, start))
			continue;
		for (i = start + 1; i < j; i += 2)
			r->above[i] = 1;
	}
	g_free(kinds);
}

static void
mark_column_answers(struct reader *r)
{
	GArray	*hits;
	size_t	 i;

	for (i = 1; i < r->t->n; i++) {
		if (column_source(r, i) == SIZE_MAX ||
		    (line_at(r, i)->flags & LINE_BLANK))
			continue;
		hits = find_hits(r, i);
		if (hits->len > 0 && is_column_row(r, i, hits) &&
		    column_answers(r, i) != NULL)
			r->used[column_source(r, i)] = 1;
		g_array_free(hits, TRUE);
	}
}

/*
 * A closing above the form ("Thanks, / Dana", then the form pasted below)
 * must not hide it: after a closing, lines holding FORM_LINES strong
 * labels are a form and are read, up to the next sign-off.  A signature
 * with a phone and an e-mail line is not a form.
 */
#define FORM_LINES	4

static void
reopen_forms(struct reader *r)
{
	struct hit	h;
	size_t		i, j, end, labels;

	for (i = 0; i < r->t->n; i = j) {
		j = i + 1;
		if (!(line_at(r, i)->flags & LINE_SOFT))
			continue;
		labels = 0;
		for (end = j; end < r->t->n && (line_at(r, end)->flags &
		    (LINE_SOFT | LINE_SIGNOFF)) == LINE_SOFT; end++)
			labels += hit_at(r, end, line_start(line_at(r, end)),
			    HIT_NEXT, &h);
		if (labels >= FORM_LINES)
			memset(r->open + j, 1, end - j);
		j = end;
	}
}

/*
 * With no mark anywhere, a line listing three or more options is the
 * printed list, and a line naming fewer is the answer written under it
 * ("Career Stage (circle one): Student / New Professional / ..." and
 * then "New Professional"): the line of the most options is dropped.
 */
static int
printed_list(const GArray *picks, int quoted)
{
	const struct pick	*p;
	guint			 k;
	int			 most = 0, fewer = 0, line = -1;

	for (k = 0; k < picks->len; k++) {
		p = &g_array_index(picks, struct pick, k);
		if (p->quoted == quoted && p->listed > most) {
			most = p->listed;
			line = p->line;
		}
	}
	for (k = 0; k < picks->len; k++) {
		p = &g_array_index(picks, struct pick, k);
		fewer |= p->quoted == quoted && p->line != line;
	}
	return most >= 3 && fewer ? line : -1;
}

/* The choices a set of picks selects: the ticked ones if any is marked. */
static guint32
picks_select(const GArray *picks, int quoted, int *marked)
{
	const struct pick	*p;
	guint32			 sel = 0;
	guint			 k;
	int			 any = 0, printed;

	for (k = 0; k < picks->len; k++) {
		p = &g_array_index(picks, struct pick, k);
		if (p->quoted == quoted && p->mark != MARK_NONE)
			any = 1;
	}
	printed = any ? -1 : printed_list(picks, quoted);
	for (k = 0; k < picks->len; k++) {
		p = &g_array_index(picks, struct pick, k);
		if (p->quoted == quoted && p->line != printed &&
		    (!any || p->mark == MARK_TICKED))
			sel |= (guint32)1 << p->choice;
	}
	*marked |= any;
	return sel;
}

/*
 * Decide a check-box question.  Answers typed on unquoted lines of a
 * reply come first; the quoted blank form counts only when they say
 * nothing.  One answer expected and several ticked is unclear: no value.
 */
static void
resolve_choice(struct reader *r, int id)
{
	const struct field_rule	*fr = r->form->fields[id];
	char			*v;
	guint32			 sel;
	int			 marked = 0;

	if (r->picks[id] == NULL)
		return;
	/* the question left blank, no option even written: it says nothing */
	if (r->picks[id]->len == 0) {
		r->found[id] = 0;
		return;
	}
	if ((sel = picks_select(r->picks[id], 0, &marked)) == 0)
		sel = picks_select(r->picks[id], 1, &marked);
	v = choice_values(fr, sel);
	if (sel == 0 && marked && !fr->multiple)
		g_ptr_array_add(r->res->unclear, g_strdup_printf(
		    "%s: no box is ticked", field_name(id)));
	else if (!fr->multiple && (sel & (sel - 1)) != 0)
		g_ptr_array_add(r->res->unclear, g_strdup_printf(
		    "%s: more than one is ticked (%s)", field_name(id), v));
	else if (sel != 0) {
		r->res->values[id] = v;
		trace(r, fr, fr->labels_line, "label \"%s\" ticked -> %s",
		    r->via[id]->text, v);
		return;
	}
	g_free(v);
	r->found[id] = -1;	/* unclear: nothing else may answer it */
}

/* Whether `s` is a sender no one reads: "noreply@...", "Google Forms". */
static int
no_reader(const struct reader *r, const char *s)
{
	const struct re	*re = r->rules->text.noreply;

	return re != NULL && s != NULL && re_match(re, s, strlen(s), 0, NULL,
	    NULL);
}

/*
 * Who sent it: the forwarded message's From in a forward, the Reply-To of
 * a sender no one reads, else the From.
 */
static const char *
sender_addr(const struct reader *r)
{
	if (r->t->forward_addr != NULL)
		return r->t->forward_addr;
	if (r->in->reply_to != NULL && no_reader(r, r->in->from_addr))
		return r->in->reply_to;
	return r->in->from_addr;
}

/*
 * The sender's name (a forward's: its message's) as people write it:
 * "Brandvold, Kurt" is Kurt
 * Brandvold; a sender no one reads, or one word, is no one's name.
 * Caller frees.
 */
static char *
sender_name(const struct reader *r)
{
	const char	*n = r->in->from_name, *comma;
	char		*name, *first;

	if (r->t->forward_addr != NULL)
		n = r->t->forward_name;
	if (n == NULL || no_reader(r, n) || no_reader(r, r->in->from_addr) ||
	    strpbrk(n, "@0123456789") != NULL)
		return NULL;
	if ((comma = strchr(n, ',')) != NULL && strchr(comma + 1, ',') ==
	    NULL) {
		first = g_strstrip(g_strdup(comma + 1));
		name = g_strdup_printf("%s %.*s", first, (int)(comma - n), n);
		g_free(first);
	} else
		name = g_strdup(n);
	g_strstrip(name);
	if (strchr(name, ' ') == NULL) {
		g_free(name);
		return NULL;
	}
	return name;
}

/* Fields no label answered: a pattern anywhere, or the From address. */
static void
fill_absent(struct reader *r, int id)
{
	const struct field_rule	*fr = r->form->fields[id];
	const char		*addr;
	char			*v;

	if (fr == NULL || r->res->values[id] != NULL || r->found[id] < 0)
		return;
	if (fr->search != NULL &&
	    (v = field_search(r->rules, fr, r->in)) != NULL) {
		r->res->values[id] = v;
		trace(r, fr, fr->search_line, "search -> %s", v);
	} else if (fr->fallback_from && (addr = sender_addr(r)) != NULL) {
		r->res->values[id] = g_ascii_strdown(addr, -1);
		trace(r, fr, 0, "fallback from -> %s", r->res->values[id]);
	} else if (fr->fallback_sender && (v = sender_name(r)) != NULL) {
		r->res->values[id] = field_value(r->rules, fr, v, NULL);
		g_free(v);
		if (r->res->values[id] != NULL)
			trace(r, fr, 0, "fallback sender -> %s",
			    r->res->values[id]);
	}
}

struct form_result *
form_read(const struct rules *rules, const struct form *form,
    const struct msg_text *t, const struct extract_input *in)
{
	struct reader	 r = { .rules = rules, .form = form, .t = t, .in = in };
	size_t		 i;
	int		 id;

	r.res = g_new0(struct form_result, 1);
	r.res->form = form;
	r.res->unclear = g_ptr_array_new_with_free_func(g_free);
	r.res->trace = g_ptr_array_new_with_free_func(g_free);
	r.used = g_new0(guint8, t->n + 1);
	r.open = g_new0(guint8, t->n + 1);
	r.questions = g_new0(struct line_question, t->n + 1);
	reopen_forms(&r);
	r.above = g_new0(guint8, t->n + 1);
	values_above(&r);
	mark_column_answers(&r);
	read_label_runs(&r);
	for (i = 0; i < t->n; i++) {
		if (!r.used[i] && !(t->lines[i].flags & LINE_BLANK) &&
		    !stop_at(&r, i))
			read_line(&r, i);
	}
	for (id = 0; id < FIELD_MAX; id++) {
		resolve_choice(&r, id);
		if (r.picks[id] != NULL)
			g_array_free(r.picks[id], TRUE);
		r.res->nfound += r.res->values[id] != NULL;
	}
	for (id = 0; id < FIELD_MAX; id++)
		fill_absent(&r, id);
	for (id = 0; id < FIELD_MAX; id++)
		settle_choice(rules, form, id, t, r.used, in, r.found[id] < 0 ?
		    -1 : r.res->values[id] != NULL, r.res);
	if (r.res->nfound <= rules->letter.fields)
		r.res->nfound += letter_read(rules, form, t, r.used, in, r.res);
	g_free(r.used);
	g_free(r.open);
	g_free(r.above);
	g_free(r.questions);
	return r.res;
}

void
form_result_free(struct form_result *res)
{
	int	id;

	if (res == NULL)
		return;
	for (id = 0; id < FIELD_MAX; id++) {
		g_free(res->values[id]);
		g_free(res->unsure[id]);
	}
	g_ptr_array_free(res->unclear, TRUE);
	g_ptr_array_free(res->trace, TRUE);
	g_free(res);
}
