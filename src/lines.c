/*
 * lines.c -- a message's best text as lines, marked with what a reader
 * would see in them: quoted text (the "> " markers removed, because
 * applicants type answers into quoted replies), the sections mime.c
 * separates attachments with, lines of underscores, and the sign-off.
 *
 * The sign-off -- a "-- " signature, "Sent from my iPhone", a closing such
 * as "Thanks," and a legal disclaimer -- is cut up to the end of its
 * section or up to where quoting changes, so that a top-posted signature
 * does not hide the quoted form below it, and a closing in the body does
 * not hide the form attached after it.
 */
#include <string.h>

#include <glib.h>

#include "rules-int.h"

#define SEP_ATTACHMENT	"----- attachment: "
#define SEP_FORWARD	"----- forwarded message -----"

static int
matches(const struct re *re, const struct line *l)
{
	return re != NULL && re_match(re, l->s, l->len, 0, NULL, NULL);
}

/* Only underscores and blanks, save a few letters such as a printed WY. */
static int
is_rule(const char *s)
{
	size_t	under = 0, other = 0;

	for (; *s != '\0' && other <= 3; s = g_utf8_next_char(s)) {
		if (*s == '_')
			under++;
		else if (*s != ' ' && *s != '\t')
			other++;
	}
	return under >= 5 && other <= 3;
}

/* NBSP (C2 A0) becomes a space, in place: the line only gets shorter. */
static void
fold_nbsp(char *s)
{
	char	*w = s;

	for (; *s != '\0'; s++) {
		if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0) {
			*w++ = ' ';
			s++;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static void
line_prepare(const struct text_rules *tr, struct line *l, char *raw)
{
	size_t	n = strlen(raw);

	if (n > 0 && raw[n - 1] == '\r')
		raw[--n] = '\0';
	while (*raw == '>') {
		l->flags |= LINE_QUOTED;
		raw++;
		if (*raw == ' ')
			raw++;
	}
	fold_nbsp(raw);
	l->s = raw;
	l->len = strlen(raw);
	if (strspn(raw, " \t") == l->len)
		l->flags |= LINE_BLANK;
	else if (is_rule(raw))
		l->flags |= LINE_RULE;
	else if (g_str_has_prefix(raw, SEP_ATTACHMENT) ||
	    strcmp(raw, SEP_FORWARD) == 0)
		l->flags |= LINE_SEP;
	else if (matches(tr->reply, l))
		l->flags |= LINE_REPLY;
}

/* A sign-off starting here: LINE_CUT, or LINE_CUT | LINE_SOFT for a closing. */
static unsigned
signoff(const struct text_rules *tr, const struct line *l)
{
	if (matches(tr->signature, l) || matches(tr->disclaimer, l))
		return LINE_CUT;
	if (matches(tr->closing, l))
		return LINE_CUT | LINE_SOFT;
	return 0;
}

/*
 * Mark the sign-offs: from one, to the section's end or a quote change.
 * A closing's cut is soft (a form may follow it, see extract-form.c)
 * until a signature or disclaimer makes it hard.
 */
static void
mark_cuts(const struct text_rules *tr, struct msg_text *t, int forward)
{
	size_t		i;
	unsigned	quoted = 0, cut = 0, start;

	for (i = 0; i < t->n; i++) {
		struct line	*l = &t->lines[i];

		/* the forwarded message's header: a sign-off ends there */
		if ((l->flags & LINE_SEP) || (forward && (l->flags &
		    LINE_REPLY)))
			cut = 0;
		else if (cut != 0 && !(l->flags & LINE_BLANK) &&
		    (l->flags & LINE_QUOTED) != quoted)
			cut = 0;
		if (!(l->flags & (LINE_BLANK | LINE_SEP)) &&
		    (cut == 0 || (cut & LINE_SOFT)) &&
		    (start = signoff(tr, l)) != 0) {
			if (cut == 0 || !(start & LINE_SOFT))
				cut = start;
			quoted = l->flags & LINE_QUOTED;
			l->flags |= LINE_SIGNOFF;
		}
		l->flags |= cut;
	}
}

/*
 * A section where quoted and unquoted lines alternate (quoted, then not,
 * then quoted again) is a reply with answers typed under quoted
 * questions: there the quoted lines are the blank form, not answers.
 */
static void
mark_mixed(struct msg_text *t, size_t from, size_t to)
{
	size_t	i;
	int	stage = 0;	/* 1 quoted seen, 2 then not, 3 then quoted */

	for (i = from; i < to && stage < 3; i++) {
		int q = (t->lines[i].flags & LINE_QUOTED) != 0;

		if (t->lines[i].flags & LINE_BLANK)
			continue;
		if (q == (stage != 1))
			stage++;
	}
	for (i = from; stage == 3 && i < to; i++)
		t->lines[i].flags |= LINE_MIXED;
}

static void
mark_sections(struct msg_text *t)
{
	size_t	i, from = 0;

	for (i = 0; i <= t->n; i++) {
		if (i == t->n || (t->lines[i].flags & LINE_SEP)) {
			mark_mixed(t, from, i);
			from = i + 1;
		}
	}
}

/*
 * "From: Ibáñez, Marisol <mibanez@example.org>", "From: Dana Whitfield
 * [mailto:dana@example.org]": the name and the address, when it has one.
 */
static void
header_from(const char *s, char **name, char **addr)
{
	const char	*p = strchr(s, ':'), *open, *close;

	if (p == NULL || (open = strpbrk(p, "<[")) == NULL ||
	    (close = strchr(open, *open == '<' ? '>' : ']')) == NULL)
		return;
	open++;
	if (g_str_has_prefix(open, "mailto:"))
		open += strlen("mailto:");
	if (memchr(open, '@', (size_t)(close - open)) == NULL)
		return;
	*addr = g_ascii_strdown(open, close - open);
	*name = g_strndup(p + 1, (gsize)(strpbrk(p, "<[") - p - 1));
	g_strstrip(g_strdelimit(*name, "\"*", ' '));
	if (**name == '\0') {
		g_free(*name);
		*name = NULL;
	}
}

/* The From of the forwarded message: the first header line giving one. */
static void
mark_forward(struct msg_text *t)
{
	size_t	i;

	for (i = 0; i < t->n && t->forward_addr == NULL; i++) {
		if ((t->lines[i].flags & LINE_REPLY) &&
		    g_ascii_strncasecmp(t->lines[i].s + strspn(t->lines[i].s,
		    " *"), "from:", 5) == 0)
			header_from(t->lines[i].s, &t->forward_name,
			    &t->forward_addr);
	}
}

struct msg_text *
msg_text_new(const struct text_rules *tr, const char *text,
    const char *subject)
{
	struct msg_text	*t;
	char		*p, *nl;
	size_t		 i, len;
	int		 forward;

	t = g_new0(struct msg_text, 1);
	t->buf = g_strdup(text != NULL ? text : "");
	len = strlen(t->buf);
	for (p = t->buf, t->n = 1; (p = memchr(p, '\n', len - (size_t)(p -
	    t->buf))) != NULL; p++)
		t->n++;
	t->lines = g_new0(struct line, t->n + 1);
	for (p = t->buf, i = 0; i < t->n; i++, p = nl + 1) {
		if ((nl = memchr(p, '\n', len - (size_t)(p - t->buf))) == NULL)
			nl = t->buf + len;
		*nl = '\0';
		line_prepare(tr, &t->lines[i], p);
	}
	forward = subject != NULL && tr->forward != NULL &&
	    re_match(tr->forward, subject, strlen(subject), 0, NULL, NULL);
	mark_cuts(tr, t, forward);
	mark_sections(t);
	if (forward)
		mark_forward(t);
	return t;
}

void
msg_text_free(struct msg_text *t)
{
	if (t == NULL)
		return;
	g_free(t->buf);
	g_free(t->lines);
	g_free(t->forward_name);
	g_free(t->forward_addr);
	g_free(t);
}

int
line_is_stop(const struct line *l)
{
	return (l->flags & (LINE_SEP | LINE_CUT | LINE_REPLY | LINE_RULE)) != 0;
}
