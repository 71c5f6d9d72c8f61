/*
 * label.c -- finding a form's label and option texts the way a person
 * reads them: case does not matter, nor curly against straight quotes,
 * nor the kind of dash, nor the spacing around punctuation; a long
 * question may wrap onto the next line.  Labels are indexed by their
 * first character, longest first, so that at each place in a line the
 * longest label wins ("Library Name" over "Library") after a few
 * comparisons.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

struct label_index {
	GHashTable	*buckets;	/* folded first char -> GPtrArray */
	GPtrArray	*labels;	/* struct label *, owned */
	GPtrArray	*questions;	/* struct label *, owned */
	GHashTable	*words;		/* every label's words, folded */
};

/* Labels longer than this may wrap: short ones would match by chance. */
#define LABEL_WRAP_MIN	40

/* Most text is ASCII: its characters and classes without GLib's tables. */
static gunichar
char_at(const char *p)
{
	return (unsigned char)*p < 0x80 ? (gunichar)*p : g_utf8_get_char(p);
}

static int
uni_space(gunichar c)
{
	return c < 0x80 ? c == ' ' || (c >= '\t' && c <= '\r') :
	    g_unichar_isspace(c);
}

static int
uni_alnum(gunichar c)
{
	return c < 0x80 ? g_ascii_isalnum((char)c) : g_unichar_isalnum(c);
}

/* One character as compared: lower case, one dash, one apostrophe. */
static gunichar
char_fold(gunichar c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	switch (c) {
	case 0x00a0:
		return ' ';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2212:
		return '-';
	case 0x2018: case 0x2019: case 0x02bc: case 0x00b4:
		return '\'';
	case 0x201c: case 0x201d:
		return '"';
	default:
		return g_unichar_tolower(c);
	}
}

static int
is_space(const char *p, const char *end)
{
	return p < end && uni_space(char_at(p));
}

static int
is_punct(gunichar c)
{
	return c != 0 && !uni_alnum(c) && !uni_space(c);
}

/* Where one text is matched against a pattern: a position in a line. */
struct cursor {
	const char	*p;
	const char	*end;
};

static const char *
skip_space(const char *p, const char *end)
{
	while (is_space(p, end))
		p = g_utf8_next_char(p);
	return p;
}

/*
 * Match one pattern character at *q: white space next to punctuation is
 * optional on either side ("Name/Position", "Name / Position").
 */
static int
match_char(const char **pp, struct cursor *q, gunichar prev)
{
	gunichar	pc = char_at(*pp);
	gunichar	next;

	if (uni_space(pc)) {
		while (**pp != '\0' && uni_space(char_at(*pp)))
			*pp = g_utf8_next_char(*pp);
		next = char_at(*pp);
		if (!is_space(q->p, q->end) && q->p < q->end &&
		    !is_punct(prev) && !is_punct(next))
			return 0;
		q->p = skip_space(q->p, q->end);
		return 1;
	}
	if (is_punct(pc) || is_punct(prev))
		q->p = skip_space(q->p, q->end);
	if (q->p >= q->end ||
	    char_fold(pc) != char_fold(char_at(q->p)))
		return 0;
	*pp = g_utf8_next_char(*pp);
	q->p = g_utf8_next_char(q->p);
	return 1;
}

/* A pattern ending in a letter or digit must end on a word boundary. */
static int
ends_word(const char *pat, const struct cursor *q)
{
	const char	*last;

	if (*pat == '\0')
		return 1;
	last = g_utf8_prev_char(pat + strlen(pat));
	if (!uni_alnum(char_at(last)))
		return 1;
	return q->p >= q->end || !uni_alnum(char_at(q->p));
}

size_t
text_match(const char *pat, const char *s, const char *end)
{
	struct cursor	 q = { s, end };
	const char	*p = pat;
	gunichar	 prev = 0;

	while (*p != '\0') {
		if (!match_char(&p, &q, prev))
			return 0;
		prev = char_at(g_utf8_prev_char(p));
	}
	return ends_word(pat, &q) ? (size_t)(q.p - s) : 0;
}

/* A long label may go on on the next line, if that line is like it. */
static int
can_wrap(const struct msg_text *t, size_t line)
{
	const struct line	*a = &t->lines[line], *b;

	if (line + 1 >= t->n)
		return 0;
	b = &t->lines[line + 1];
	if (b->flags & (LINE_BLANK | LINE_SEP | LINE_CUT | LINE_RULE |
	    LINE_REPLY))
		return 0;
	return (a->flags & LINE_QUOTED) == (b->flags & LINE_QUOTED);
}

static int
label_match(const char *pat, const struct msg_text *t, size_t line,
    size_t off, size_t *eline, size_t *eoff)
{
	const struct line	*l = &t->lines[line];
	struct cursor		 q = { l->s + off, l->s + l->len };
	const char		*p = pat;
	gunichar		 prev = 0;
	int			 wrap = strlen(pat) >= LABEL_WRAP_MIN;

	while (*p != '\0') {
		if (q.p >= q.end && wrap && uni_space(
		    char_at(p)) && can_wrap(t, line)) {
			l = &t->lines[++line];
			q.p = skip_space(l->s, l->s + l->len);
			q.end = l->s + l->len;
			while (uni_space(char_at(p)))
				p = g_utf8_next_char(p);
		}
		if (!match_char(&p, &q, prev))
			return 0;
		prev = char_at(g_utf8_prev_char(p));
	}
	if (!ends_word(pat, &q))
		return 0;
	*eline = line;
	*eoff = (size_t)(q.p - l->s);
	return 1;
}

const struct label *
label_at(const struct label_index *idx, const struct msg_text *t,
    size_t line, size_t off, size_t *eline, size_t *eoff, int nth)
{
	const struct line	*l = &t->lines[line];
	GPtrArray		*bucket;
	struct label		*lab;
	guint			 i;

	if (off >= l->len)
		return NULL;
	bucket = g_hash_table_lookup(idx->buckets, GUINT_TO_POINTER(
	    char_fold(char_at(l->s + off))));
	for (i = 0; bucket != NULL && i < bucket->len; i++) {
		lab = bucket->pdata[i];
		if (label_match(lab->text, t, line, off, eline, eoff) &&
		    nth-- == 0)
			return lab;
	}
	return NULL;
}

/* Bullets and numbering before a line's first word: "· ", "- ", "10. ". */
size_t
line_start(const struct line *l)
{
	const char	*p = skip_space(l->s, l->s + l->len), *q;
	gunichar	 c = char_at(p);

	if (c == 0x00b7 || c == 0x2022 || c == '*' || c == 0x25aa ||
	    (c == '-' && p[1] == ' '))
		p = g_utf8_next_char(p);
	else {
		for (q = p; *q >= '0' && *q <= '9' && q - p < 3; q++)
			;
		if (q > p && (*q == '.' || *q == ')') && q[1] == ' ')
			p = q + 1;
	}
	return (size_t)(skip_space(p, l->s + l->len) - l->s);
}

/*
 * The next place after `off` where a second label may start on the same
 * line: after two spaces, a tab, a '|' or a run of underscores.  The
 * line's length when there is none.
 */
size_t
next_candidate(const struct line *l, size_t off)
{
	const char	*p = l->s + off, *end = l->s + l->len, *q;

	for (; p < end; p++) {
		if (!(*p == '\t' || *p == '|' || (*p == ' ' && p[1] == ' ') ||
		    (*p == '_' && p[1] == '_')))
			continue;
		for (q = p; q < end && strchr(" \t|_", *q) != NULL; q++)
			;
		if (q < end)
			return (size_t)(q - l->s);
		p = q;
	}
	return l->len;
}

/* "[x]", "( )", "[  ]": a box, ticked or not; 0 when `p` holds none. */
static size_t
mark_box(const char *p, const char *end, enum mark *m)
{
	const char	*q = p + 1;
	char		 close = *p == '[' ? ']' : ')';
	gunichar	 c;

	if (*p != '[' && *p != '(')
		return 0;
	q = skip_space(q, end);
	*m = MARK_EMPTY;
	c = q < end ? char_at(q) : 0;
	if (c == 'x' || c == 'X' || c == '*' || c == 0x2713 || c == 0x2714 ||
	    c == 0x2612) {
		*m = MARK_TICKED;
		q = skip_space(g_utf8_next_char(q), end);
	}
	return q < end && *q == close ? (size_t)(q + 1 - p) : 0;
}

/* "_X_" ticked, "___" not. */
static size_t
mark_line(const char *p, const char *end, enum mark *m)
{
	const char	*q = p;
	int		 under = 0, x = 0;

	while (q < end && (*q == '_' || ((*q == 'x' || *q == 'X') && !x))) {
		if (*q == '_')
			under++;
		else
			x = 1;
		q++;
	}
	if (under == 0 || (!x && under < 2))
		return 0;
	*m = x ? MARK_TICKED : MARK_EMPTY;
	return (size_t)(q - p);
}

static const struct mark_word {
	const char	*word;
	enum mark	 mark;
} mark_words[] = {
	{ "x", MARK_TICKED },
	{ "yes", MARK_TICKED },
	{ "no", MARK_EMPTY },
};

/* A mark written as a character or a word. */
static size_t
mark_other(const char *p, const char *end, const char *start, enum mark *m)
{
	gunichar	c = char_at(p);
	size_t		i, n;

	if (c == 0x2612 || c == 0x2611 || c == 0x2714 || c == 0x2713 ||
	    c == 0x2717 || c == 0x2718 || c == 0x22a0) {
		*m = MARK_TICKED;
		return (size_t)(g_utf8_next_char(p) - p);
	}
	if (c == 0x2610 || c == 0x25a1) {
		*m = MARK_EMPTY;
		return (size_t)(g_utf8_next_char(p) - p);
	}
	/* "Mentee <-- this one", "<--", "←" */
	if (c == 0x2190 || c == 0x27f5 || (c == '<' && p + 1 < end &&
	    p[1] == '-')) {
		*m = MARK_TICKED;
		for (n = (size_t)(g_utf8_next_char(p) - p); p + n < end &&
		    p[n] == '-'; n++)
			;
		return n;
	}
	if (p > start && uni_alnum(char_at(
	    g_utf8_prev_char(p))))
		return 0;
	for (i = 0; i < G_N_ELEMENTS(mark_words); i++) {
		n = strlen(mark_words[i].word);
		if ((size_t)(end - p) >= n &&
		    g_ascii_strncasecmp(p, mark_words[i].word, n) == 0 &&
		    (p + n == end ||
		    !uni_alnum(char_at(p + n)))) {
			*m = mark_words[i].mark;
			return n;
		}
	}
	return 0;
}

/*
 * The check-box mark in [s, end): the first one, or the last when `last`
 * (the mark before an option is the one nearest to it).
 */
enum mark
mark_scan(const char *s, const char *end, int last)
{
	const char	*p = s;
	enum mark	 m, found = MARK_NONE;
	size_t		 n;

	while (p < end) {
		if ((n = mark_box(p, end, &m)) == 0 &&
		    (n = mark_line(p, end, &m)) == 0 &&
		    (n = mark_other(p, end, s, &m)) == 0) {
			p = g_utf8_next_char(p);
			continue;
		}
		found = m;
		if (!last)
			break;
		p += n;
	}
	return found;
}

/* A mark drawn as a box or a sign (not a word such as "No"), or 0. */
static size_t
mark_symbol(const char *p, const char *end, enum mark *m)
{
	size_t	n;

	if ((n = mark_box(p, end, m)) > 0 || (n = mark_line(p, end, m)) > 0)
		return n;
	if (!uni_alnum(char_at(p)) && (n = mark_other(p, end, p, m)) > 0)
		return n;
	return 0;
}

/* "Virtual: Yes", "Protégé – No": a word answering an option, or 0. */
static size_t
mark_answer(const char *s, const char *p, const char *end, enum mark *m)
{
	const char	*q = p;

	while (q > s && uni_space(char_at(g_utf8_prev_char(q))))
		q = g_utf8_prev_char(q);
	if (q == s || q == p)
		return 0;
	q = g_utf8_prev_char(q);
	if (*q != ':' && *q != '-' && char_at(q) != 0x2013 &&
	    char_at(q) != 0x2014)
		return 0;
	return mark_other(p, end, s, m);
}

/* Where a piece of text between marks starts and ends, trimmed. */
static void
piece_add(GString *out, const char *s, const char *e)
{
	while (s < e && (is_space(s, e) || strchr("/,|:-", *s) != NULL))
		s = g_utf8_next_char(s);
	while (e > s && (uni_space(char_at(g_utf8_prev_char(e))) ||
	    strchr("/,|:-", e[-1]) != NULL || char_at(g_utf8_prev_char(e)) ==
	    0x2013))
		e = g_utf8_prev_char(e);
	if (e > s)
		g_string_append_printf(out, "%s%.*s", out->len > 0 ? " / " :
		    "", (int)(e - s), s);
}

char *
ticked_text(const char *s, const char *e)
{
	GString		*out;
	const char	*p, *from = s;
	enum mark	 m, prev = MARK_NONE;
	size_t		 n, marks = 0, ticks = 0;
	int		 before = -1;

	out = g_string_new(NULL);
	for (p = s; p < e; ) {
		if ((n = mark_symbol(p, e, &m)) == 0 &&
		    (n = mark_answer(s, p, e, &m)) == 0) {
			if (before < 0 && uni_alnum(char_at(p)))
				before = 0;
			/* options one a line: a line ends the text of a mark after it */
			if (*p == '\n' && before == 0)
				from = p + 1;
			p = g_utf8_next_char(p);
			continue;
		}
		if (before < 0)
			before = 1;
		/* marks before their options own the text after them */
		if ((before ? prev : m) == MARK_TICKED)
			piece_add(out, from, p);
		prev = m;
		marks++;
		ticks += m == MARK_TICKED;
		p += n;
		from = p;
	}
	if (before && prev == MARK_TICKED)
		piece_add(out, from, e);
	/* no marks, or a mark alone ("Yes: ☒"): the answer as it is */
	if (marks == 0 || (ticks > 0 && out->len == 0)) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* Longest first: the order labels are tried in. */
static int
label_longer(gconstpointer a, gconstpointer b)
{
	const struct label	*x = *(struct label *const *)a;
	const struct label	*y = *(struct label *const *)b;

	return (int)strlen(y->text) - (int)strlen(x->text);
}

static int
ends_strong(const char *text)
{
	size_t	n = strlen(text);

	return n > 0 && strchr(":?.", text[n - 1]) != NULL;
}

/* Add a label text for `fields` (0: read past), merging repeats. */
static void
index_add(struct label_index *idx, GHashTable *seen, const char *text,
    field_mask fields)
{
	struct label	*lab;
	GPtrArray	*bucket;
	char		*key;
	gunichar	 first;

	key = g_utf8_casefold(text, -1);
	if ((lab = g_hash_table_lookup(seen, key)) != NULL) {
		lab->fields |= fields;
		g_free(key);
		return;
	}
	lab = g_new0(struct label, 1);
	lab->text = g_strdup(text);
	lab->fields = fields;
	lab->strong = ends_strong(text);
	g_hash_table_insert(seen, key, lab);
	g_ptr_array_add(idx->labels, lab);
	first = char_fold(char_at(text));
	bucket = g_hash_table_lookup(idx->buckets, GUINT_TO_POINTER(first));
	if (bucket == NULL) {
		bucket = g_ptr_array_new();
		g_hash_table_insert(idx->buckets, GUINT_TO_POINTER(first),
		    bucket);
	}
	g_ptr_array_add(bucket, lab);
}

static void
sort_bucket(gpointer key, gpointer value, gpointer data)
{
	g_ptr_array_sort(value, label_longer);
}

static void
label_free(gpointer p)
{
	struct label	*lab = p;

	g_free(lab->text);
	g_free(lab);
}

/* The next word of [*pp, e) folded, or NULL; *pp moves past it. */
static char *
next_word(const char **pp, const char *e)
{
	const char	*p = *pp, *w;

	int		 letters;

	do {
		while (p < e && !uni_alnum(char_at(p)))
			p = g_utf8_next_char(p);
		letters = 0;
		for (w = p; p < e && uni_alnum(char_at(p));
		    p = g_utf8_next_char(p))
			letters |= !g_ascii_isdigit(*p);
	} while (p > w && !letters);	/* "(1) goals": numbers are no words */
	*pp = p;
	return p > w ? g_utf8_casefold(w, p - w) : NULL;
}

int
label_words_share(const struct label_index *idx, const char *s,
    const char *e)
{
	char	*w;
	int	 n = 0, in = 0;

	while ((w = next_word(&s, e)) != NULL) {
		in += g_hash_table_contains(idx->words, w);
		n++;
		g_free(w);
	}
	return n > 0 ? 100 * in / n : 0;
}

static void
words_add(struct label_index *idx, const char *text)
{
	const char	*p = text, *e = text + strlen(text);
	char		*w;

	while ((w = next_word(&p, e)) != NULL)
		g_hash_table_add(idx->words, w);
}

int
label_words_only(const struct label_index *idx, const char *s,
    const char *e, int min)
{
	char	*w;
	int	 n = 0, all = 1;

	while (all && (w = next_word(&s, e)) != NULL) {
		all = g_hash_table_contains(idx->words, w);
		n++;
		g_free(w);
	}
	return all && n >= min;
}

static void
question_add(struct label_index *idx, const struct re *re, field_mask fields)
{
	struct label	*lab;

	lab = g_new0(struct label, 1);
	lab->text = g_strdup(re_pattern(re));
	lab->fields = fields;
	lab->strong = 1;
	lab->question = re;
	g_ptr_array_add(idx->questions, lab);
}

/* The longest match of a question pattern wins; a skip is a question too. */
const struct label *
question_label(const struct label_index *idx, const char *s, const char *e,
    size_t *matched)
{
	const struct label	*lab, *best = NULL;
	size_t			 so, eo, longest = 0;
	guint			 i;

	for (i = 0; i < idx->questions->len; i++) {
		lab = idx->questions->pdata[i];
		if (re_match(lab->question, s, (size_t)(e - s), 0, &so, &eo) &&
		    eo - so >= longest && (best == NULL || eo - so > longest)) {
			best = lab;
			longest = eo - so;
		}
	}
	*matched = longest;
	return best;
}

struct label_index *
label_index_new(const struct form *form)
{
	struct label_index	*idx;
	GHashTable		*seen;
	char			**l;
	int			  id;

	idx = g_new0(struct label_index, 1);
	idx->buckets = g_hash_table_new_full(NULL, NULL, NULL,
	    (GDestroyNotify)g_ptr_array_unref);
	idx->labels = g_ptr_array_new_with_free_func(label_free);
	idx->questions = g_ptr_array_new_with_free_func(label_free);
	idx->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (id = 0; id < FIELD_MAX; id++) {
		if (form->fields[id] == NULL)
			continue;
		for (l = form->fields[id]->labels; *l != NULL; l++) {
			index_add(idx, seen, *l, (field_mask)1 << id);
			words_add(idx, *l);
		}
		if (form->fields[id]->question != NULL)
			question_add(idx, form->fields[id]->question,
			    (field_mask)1 << id);
	}
	if (form->skip != NULL)
		question_add(idx, form->skip, 0);
	for (l = form->ignore; l != NULL && *l != NULL; l++) {
		index_add(idx, seen, *l, 0);
		words_add(idx, *l);
	}
	g_hash_table_destroy(seen);
	g_hash_table_foreach(idx->buckets, sort_bucket, NULL);
	return idx;
}

void
label_index_free(struct label_index *idx)
{
	if (idx == NULL)
		return;
	g_hash_table_destroy(idx->buckets);
	g_ptr_array_free(idx->labels, TRUE);
	g_ptr_array_free(idx->questions, TRUE);
	g_hash_table_destroy(idx->words);
	g_free(idx);
}
