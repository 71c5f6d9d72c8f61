/*
 * layout.c -- how a line of a form is laid out, where labels alone do not
 * say: where a question written as a sentence ends and its answer starts.
 *
 * Forms are retyped, revised and pasted from Word, so a question seldom
 * reads as the rules' label: "7. Years of library experience (paid or
 * volunteer)<TAB>4", "MENTORS: How do you imagine supporting a mentee?".
 * What ends a question is the way it is written: a '?' (with a hint in
 * parentheses after it), a ':' or a gap before the answer, outside
 * parentheses; a sentence that ends and another that starts is no question
 * but prose.  The rules then say which field a question's wording asks
 * for (`question` in rules/README.md).
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

/* Longer than this, a "question" is a paragraph of prose. */
#define QUESTION_MAX	320
/* A hint in parentheses after a '?' may be long: "(Please be ...)". */
#define HINT_LONG	300

/* A hint in words at q: "(Please be specific)", not a box "( )", "(X)". */
static size_t
hint_at(const struct line *l, size_t q)
{
	const char	*s = l->s, *close;
	size_t		 k, letters = 0;

	if (q >= l->len || s[q] != '(' || (close = memchr(s + q, ')',
	    MIN(l->len - q, HINT_LONG))) == NULL)
		return q;
	for (k = q; s + k < close; k++)
		letters += g_ascii_isalpha(s[k]) != 0;
	return letters >= 3 ? (size_t)(close - s) + 1 : q;
}

/* Past blanks, a hint in parentheses, '*' and ':' after a question. */
static size_t
after_question(const struct line *l, size_t q)
{
	const char	*s = l->s;

	while (q < l->len && (s[q] == ' ' || s[q] == '*'))
		q++;
	q = hint_at(l, q);
	while (q < l->len && strchr(" \t*:|", s[q]) != NULL)
		q++;
	return q;
}

/* A gap between cells at q: a tab, two spaces, " | "; its length or 0. */
static size_t
gap_at(const struct line *l, size_t q)
{
	const char	*s = l->s;
	size_t		 e = q;

	if (s[q] == '\t' || (s[q] == ' ' && (s[q + 1] == ' ' ||
	    s[q + 1] == '|')) || s[q] == '|') {
		while (e < l->len && strchr(" \t|", s[e]) != NULL)
			e++;
		return e < l->len ? e - q : 0;
	}
	return 0;
}

/* "NAME - René", "Name – René": a dash between a question and its answer. */
static size_t
dash_gap(const char *s, size_t q, size_t len)
{
	if (s[q] != ' ' || q + 3 > len)
		return 0;
	if (s[q + 1] == '-' && s[q + 2] == ' ')
		return 3;
	if (q + 5 <= len && (strncmp(s + q + 1, "\xe2\x80\x93 ", 4) == 0 ||
	    strncmp(s + q + 1, "\xe2\x80\x94 ", 4) == 0))
		return 5;
	return 0;
}

/* A sentence ends at q and another starts: ". The", "! I". */
static int
sentence_break(const char *s, size_t q, size_t len)
{
	return (s[q] == '.' || s[q] == '!') && q + 2 < len &&
	    s[q + 1] == ' ' && g_ascii_isupper(s[q + 2]) &&
	    !(q >= 2 && s[q - 2] == ' ' && g_ascii_isalpha(s[q - 1]));
}

/* The end of a question text: without blanks and a '*' before it. */
static size_t
trim_end(const char *s, size_t start, size_t q)
{
	while (q > start && (s[q - 1] == ' ' || s[q - 1] == '*'))
		q--;
	return q;
}

static int
add_end(struct asked *a, int n, size_t start, size_t end, size_t answer,
    int mark)
{
	if (end <= start || end - start > QUESTION_MAX)
		return n;
	a[n].end = end;
	a[n].answer = answer;
	a[n].mark = mark;
	return n + 1;
}

int
question_ends(const struct line *l, size_t start, struct asked *a, int max)
{
	const char	*s = l->s;
	size_t		 q, g;
	int		 n = 0, depth = 0;

	for (q = start; q < l->len && n < max && q - start <= QUESTION_MAX;
	    q++) {
		if (s[q] == '(')
			depth++;
		else if (s[q] == ')' && depth > 0)
			depth--;
		if (depth > 0)
			continue;
		if (sentence_break(s, q, l->len))
			break;
		if (s[q] == '?')
			n = add_end(a, n, start, q + 1, after_question(l, q + 1),
			    '?');
		else if (s[q] == ':' && (q + 1 == l->len ||
		    strchr(" \t*", s[q + 1]) != NULL))
			n = add_end(a, n, start, trim_end(s, start, q),
			    after_question(l, q + 1), ':');
		else if ((g = dash_gap(s, q, l->len)) > 0)
			n = add_end(a, n, start, trim_end(s, start, q), q + g,
			    '-');
		else if ((g = gap_at(l, q)) > 0) {
			n = add_end(a, n, start, trim_end(s, start, q), q + g,
			    '\t');
			q += g - 1;
		}
	}
	if (n < max && q >= l->len && depth == 0)
		n = add_end(a, n, start, trim_end(s, start, l->len), l->len, 0);
	return n;
}
