/*
 * html.c -- HTML mail bodies turned into plain text for the rules.
 *
 * This is a tokenizer, not an HTML parser.  Mail HTML is seldom well formed
 * (Outlook's least of all) and all the rules need is readable text with its
 * line structure: so tags only ever add line breaks, list bullets or a
 * tab between table cells, and everything unknown is dropped.  The input
 * is taken as UTF-8; the output is always valid UTF-8.
 *
 * A table row is one line, its cells separated by tabs, so that a form
 * laid out as a table reads as one (a label cell, then its answer cell;
 * or a row of labels over a row of answers, cell by cell).  A cell of
 * several lines (paragraphs, <br>) cannot sit beside another: it gets
 * lines of its own, after the one-line cells before it.  Outlook and Word
 * write every line as a <p class=MsoNormal> without margins: those are
 * lines, not paragraphs.
 */
#include <string.h>

#include <glib.h>

#include "mime.h"

/* List nesting shown by indenting; deeper lists are not indented more. */
#define HTML_MAX_INDENT	4
/* Rows open at once (tables in tables); deeper rows are not laid out. */
#define HTML_MAX_ROWS	16
/* Where a cell starts in the text of its row, until the row is laid out. */
#define HTML_CELL_MARK	'\x01'

/* What a tag does to the text around it. */
enum html_kind {
	HTML_INLINE,		/* nothing: <a>, <b>, <span>, unknown tags */
	HTML_LINE,		/* starts a new line: <div>, <tr> */
	HTML_PARA,		/* a blank line before and after: <p>, <h1> */
	HTML_BR,		/* a hard line break */
	HTML_LIST,		/* <ul>, <ol>: a paragraph, one level deeper */
	HTML_ITEM,		/* <li>: a new line and a bullet */
	HTML_CELL,		/* <td>, <th>: a tab from the previous cell */
	HTML_ROW,		/* <tr>: a line of cells */
	HTML_TABLE,		/* <table>: a paragraph of rows */
	HTML_PRE,		/* <pre>: white space kept as written */
	HTML_SKIP,		/* <script>, <style>: content dropped */
	HTML_HEAD,		/* <head>: dropped up to </head> or <body> */
};

static const struct html_tag {
	const char	*name;
	enum html_kind	 kind;
} html_tags[] = {
	{ "address", HTML_LINE },	{ "article", HTML_PARA },
	{ "aside", HTML_PARA },		{ "blockquote", HTML_PARA },
	{ "body", HTML_LINE },		{ "br", HTML_BR },
	{ "caption", HTML_LINE },	{ "center", HTML_LINE },
	{ "dd", HTML_LINE },		{ "div", HTML_LINE },
	{ "dl", HTML_PARA },		{ "dt", HTML_LINE },
	{ "fieldset", HTML_PARA },	{ "figcaption", HTML_LINE },
	{ "figure", HTML_PARA },	{ "footer", HTML_LINE },
	{ "form", HTML_PARA },		{ "h1", HTML_PARA },
	{ "h2", HTML_PARA },		{ "h3", HTML_PARA },
	{ "h4", HTML_PARA },		{ "h5", HTML_PARA },
	{ "h6", HTML_PARA },		{ "head", HTML_HEAD },
	{ "header", HTML_LINE },	{ "hr", HTML_PARA },
	{ "legend", HTML_LINE },	{ "li", HTML_ITEM },
	{ "main", HTML_PARA },		{ "nav", HTML_LINE },
	{ "noscript", HTML_LINE },	{ "ol", HTML_LIST },
	{ "p", HTML_PARA },		{ "pre", HTML_PRE },
	{ "script", HTML_SKIP },	{ "section", HTML_PARA },
	{ "style", HTML_SKIP },		{ "table", HTML_TABLE },
	{ "td", HTML_CELL },		{ "template", HTML_SKIP },
	{ "th", HTML_CELL },		{ "title", HTML_SKIP },
	{ "tr", HTML_ROW },		{ "ul", HTML_LIST },
	{ "xml", HTML_SKIP },
};

/* Named character references seen in real mail; the rest stay literal. */
static const struct html_entity {
	const char	*name;
	gunichar	 c;
} html_entities[] = {
	{ "amp", '&' },		{ "lt", '<' },		{ "gt", '>' },
	{ "quot", '"' },	{ "apos", '\'' },	{ "nbsp", 0xa0 },
	{ "ensp", 0x2002 },	{ "emsp", 0x2003 },	{ "thinsp", 0x2009 },
	{ "shy", 0xad },	{ "zwnj", 0x200c },	{ "zwj", 0x200d },
	{ "lsquo", 0x2018 },	{ "rsquo", 0x2019 },	{ "sbquo", 0x201a },
	{ "ldquo", 0x201c },	{ "rdquo", 0x201d },	{ "bdquo", 0x201e },
	{ "laquo", 0xab },	{ "raquo", 0xbb },	{ "lsaquo", 0x2039 },
	{ "rsaquo", 0x203a },	{ "ndash", 0x2013 },	{ "mdash", 0x2014 },
	{ "hellip", 0x2026 },	{ "bull", 0x2022 },	{ "middot", 0xb7 },
	{ "dagger", 0x2020 },	{ "Dagger", 0x2021 },	{ "prime", 0x2032 },
	{ "copy", 0xa9 },	{ "reg", 0xae },	{ "trade", 0x2122 },
	{ "deg", 0xb0 },	{ "plusmn", 0xb1 },	{ "times", 0xd7 },
	{ "divide", 0xf7 },	{ "frac12", 0xbd },	{ "frac14", 0xbc },
	{ "frac34", 0xbe },	{ "sect", 0xa7 },	{ "para", 0xb6 },
	{ "cent", 0xa2 },	{ "pound", 0xa3 },	{ "yen", 0xa5 },
	{ "euro", 0x20ac },	{ "iexcl", 0xa1 },	{ "iquest", 0xbf },
	{ "larr", 0x2190 },	{ "rarr", 0x2192 },	{ "uarr", 0x2191 },
	{ "darr", 0x2193 },	{ "check", 0x2713 },	{ "ordf", 0xaa },
	{ "ordm", 0xba },	{ "sup2", 0xb2 },	{ "micro", 0xb5 },
	{ "Agrave", 0xc0 },	{ "Aacute", 0xc1 },	{ "Acirc", 0xc2 },
	{ "Atilde", 0xc3 },	{ "Auml", 0xc4 },	{ "Aring", 0xc5 },
	{ "AElig", 0xc6 },	{ "Ccedil", 0xc7 },	{ "Egrave", 0xc8 },
	{ "Eacute", 0xc9 },	{ "Ecirc", 0xca },	{ "Euml", 0xcb },
	{ "Igrave", 0xcc },	{ "Iacute", 0xcd },	{ "Icirc", 0xce },
	{ "Iuml", 0xcf },	{ "Ntilde", 0xd1 },	{ "Ograve", 0xd2 },
	{ "Oacute", 0xd3 },	{ "Ocirc", 0xd4 },	{ "Otilde", 0xd5 },
	{ "Ouml", 0xd6 },	{ "Oslash", 0xd8 },	{ "Ugrave", 0xd9 },
	{ "Uacute", 0xda },	{ "Ucirc", 0xdb },	{ "Uuml", 0xdc },
	{ "Yacute", 0xdd },	{ "szlig", 0xdf },	{ "agrave", 0xe0 },
	{ "aacute", 0xe1 },	{ "acirc", 0xe2 },	{ "atilde", 0xe3 },
	{ "auml", 0xe4 },	{ "aring", 0xe5 },	{ "aelig", 0xe6 },
	{ "ccedil", 0xe7 },	{ "egrave", 0xe8 },	{ "eacute", 0xe9 },
	{ "ecirc", 0xea },	{ "euml", 0xeb },	{ "igrave", 0xec },
	{ "iacute", 0xed },	{ "icirc", 0xee },	{ "iuml", 0xef },
	{ "ntilde", 0xf1 },	{ "ograve", 0xf2 },	{ "oacute", 0xf3 },
	{ "ocirc", 0xf4 },	{ "otilde", 0xf5 },	{ "ouml", 0xf6 },
	{ "oslash", 0xf8 },	{ "ugrave", 0xf9 },	{ "uacute", 0xfa },
	{ "ucirc", 0xfb },	{ "uuml", 0xfc },	{ "yacute", 0xfd },
	{ "yuml", 0xff },	{ "OElig", 0x152 },	{ "oelig", 0x153 },
	{ "Scaron", 0x160 },	{ "scaron", 0x161 },
};

/*
 * Numeric references in 128..159 name C1 controls, but every browser reads
 * them as windows-1252, and so do the mailers that wrote them.
 */
static const gunichar html_cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

struct html {
	const char	*p;		/* next input byte */
	const char	*end;
	GString		*out;
	int		 breaks;	/* line breaks owed before more text */
	int		 space;		/* white space since the last text */
	int		 pre;		/* depth of <pre> */
	int		 lists;		/* depth of <ul> and <ol> */
	int		 headless;	/* no </head> or <body> ahead */
	int		 mso;		/* the open <p> is an Outlook line */
	int		 tables;	/* depth of <table> */
	int		 nrows;		/* rows open */
	gsize		 row_at[HTML_MAX_ROWS];	/* where each one's text starts */
	int		 row_table[HTML_MAX_ROWS]; /* the depth of its table */
};

/* Pay the line breaks or the space owed, now that text follows. */
static void
html_flush(struct html *h)
{
	GString	*out = h->out;
	gsize	 have;

	if (out->len == 0) {
		h->breaks = h->space = 0;
		return;
	}
	if (h->breaks > 0) {
		for (have = 0; have < out->len && have < 2; have++) {
			if (out->str[out->len - 1 - have] != '\n')
				break;
		}
		for (; (int)have < h->breaks; have++)
			g_string_append_c(out, '\n');
	} else if (h->space) {
		if (out->str[out->len - 1] != '\n' &&
		    out->str[out->len - 1] != ' ')
			g_string_append_c(out, ' ');
	}
	h->breaks = h->space = 0;
}

static void
html_emit(struct html *h, const char *s, gsize n)
{
	html_flush(h);
	g_string_append_len(h->out, s, n);
}

static void
html_emit_char(struct html *h, gunichar c)
{
	char	buf[8];
	int	n;

	/* Invisible characters only get in the way of matching. */
	if (c == 0xad || c == 0x200b || c == 0x200c || c == 0x200d ||
	    c == 0xfeff)
		return;
	if (c == 0xa0 || c == 0x2002 || c == 0x2003 || c == 0x2009)
		c = ' ';
	n = g_unichar_to_utf8(c, buf);
	html_emit(h, buf, n);
}

static void
html_break(struct html *h, int n)
{
	if (h->breaks < n)
		h->breaks = n;
}

/* Case-insensitive search for `needle` in what is left of the input. */
static const char *
html_find(const struct html *h, const char *needle)
{
	gsize		 n = strlen(needle);
	const char	*p;

	for (p = h->p; (gsize)(h->end - p) >= n; p++) {
		if (g_ascii_strncasecmp(p, needle, n) == 0)
			return p;
	}
	return NULL;
}

/* The end of a tag: the first '>' outside a quoted attribute value. */
static const char *
html_tag_end(const char *p, const char *end)
{
	const char	*q;
	char		 quote = 0, prev = 0;

	for (q = p; q < end; q++) {
		if (quote != 0) {
			if (*q == quote)
				quote = 0;
		} else if (*q == '>')
			return q + 1;
		else if ((*q == '"' || *q == '\'') && prev == '=')
			quote = *q;
		if (!g_ascii_isspace(*q))
			prev = *q;
	}
	/* An unclosed quote: fall back to the first '>' at all. */
	q = memchr(p, '>', end - p);
	return q != NULL ? q + 1 : end;
}

static const struct html_tag *
html_lookup(const char *name)
{
	gsize	i;

	for (i = 0; i < G_N_ELEMENTS(html_tags); i++) {
		if (strcmp(html_tags[i].name, name) == 0)
			return &html_tags[i];
	}
	return NULL;
}

/*
 * Drop everything up to the element's end tag.  A <head> without one ends
 * where <body> starts; with neither, only the tag itself is dropped, since
 * throwing the whole message away would be worse than showing a title.
 */
static void
html_skip(struct html *h, const char *name)
{
	char		*close;
	const char	*q;
	int		 head = strcmp(name, "head") == 0;

	/* Searching again for each of a thousand <head>s would take long. */
	if (head && h->headless)
		return;
	close = g_strconcat("</", name, NULL);
	q = html_find(h, close);
	g_free(close);
	if (q == NULL && head)
		q = html_find(h, "<body");
	if (q != NULL)
		h->p = q;
	else if (head)
		h->headless = 1;
	else
		h->p = h->end;
}

static void
html_list_item(struct html *h)
{
	int	i;

	html_break(h, 1);
	html_flush(h);
	/* Deeper lists stop moving right, or nesting would grow the text. */
	for (i = 1; i < h->lists && i < HTML_MAX_INDENT; i++)
		g_string_append(h->out, "  ");
	g_string_append(h->out, "- ");
}

/* A cell's text without the blanks and line breaks around it. */
static char *
cell_text(const char *s, const char *e)
{
	while (s < e && g_ascii_isspace(*s))
		s++;
	while (e > s && g_ascii_isspace(e[-1]))
		e--;
	return g_strndup(s, e - s);
}

/*
 * The cells of a row (its text, split at HTML_CELL_MARK) as lines: the
 * one-line cells in a run joined by tabs, a cell of several lines on
 * lines of its own.  Caller frees.
 */
static char *
row_layout(const char *text)
{
	GString	*out = g_string_new(NULL);
	char	**cells, *c;
	size_t	  i;
	int	  run = 0;

	cells = g_strsplit(text, (char[]){ HTML_CELL_MARK, '\0' }, -1);
	for (i = 0; cells[i] != NULL; i++) {
		c = cell_text(cells[i], cells[i] + strlen(cells[i]));
		if (i == 0 && *c == '\0') {
			g_free(c);
			continue;
		}
		if (strchr(c, '\n') == NULL) {
			g_string_append_printf(out, "%s%s", run > 0 ? "\t" : "",
			    c);
			run++;
		} else {
			g_string_append_printf(out, "%s%s\n", run > 0 ? "\n" :
			    "", c);
			run = 0;
		}
		g_free(c);
	}
	g_strfreev(cells);
	return g_string_free(out, FALSE);
}

/* Lay out the innermost open row, which ends here. */
static void
row_finish(struct html *h)
{
	gsize	 start = h->row_at[--h->nrows];
	char	*row;

	row = row_layout(h->out->str + start);
	g_string_truncate(h->out, start);
	html_break(h, 1);
	if (*row != '\0')
		html_emit(h, row, strlen(row));
	html_break(h, 1);
	g_free(row);
}

/* Whether the innermost open row belongs to the innermost table. */
static int
in_row(const struct html *h)
{
	return h->nrows > 0 && h->row_table[h->nrows - 1] == h->tables;
}

static void
row_open(struct html *h)
{
	if (in_row(h))
		row_finish(h);
	html_break(h, 1);
	if (h->nrows == HTML_MAX_ROWS)
		return;
	h->row_at[h->nrows] = h->out->len;
	h->row_table[h->nrows++] = h->tables;
}

static void
cell_open(struct html *h)
{
	if (!in_row(h)) {
		h->space = 1;
		return;
	}
	g_string_append_c(h->out, HTML_CELL_MARK);
	h->breaks = h->space = 0;
}

static void
table_close(struct html *h)
{
	while (in_row(h))
		row_finish(h);
	if (h->tables > 0)
		h->tables--;
	html_break(h, 2);
}

static void
html_open(struct html *h, const struct html_tag *t)
{
	switch (t->kind) {
	case HTML_INLINE:
		break;
	case HTML_LINE:
		html_break(h, 1);
		break;
	case HTML_LIST:
		h->lists++;
		html_break(h, h->lists > 1 ? 1 : 2);
		break;
	case HTML_PRE:
		h->pre++;
		/* FALLTHROUGH */
	case HTML_PARA:
		html_break(h, 2);
		break;
	case HTML_BR:
		html_flush(h);
		g_string_append_c(h->out, '\n');
		break;
	case HTML_ITEM:
		html_list_item(h);
		break;
	case HTML_CELL:
		cell_open(h);
		break;
	case HTML_ROW:
		row_open(h);
		break;
	case HTML_TABLE:
		h->tables++;
		html_break(h, 2);
		break;
	case HTML_SKIP:
	case HTML_HEAD:
		html_skip(h, t->name);
		break;
	}
}

static void
html_close(struct html *h, const struct html_tag *t)
{
	switch (t->kind) {
	case HTML_LIST:
		if (h->lists > 0)
			h->lists--;
		html_break(h, h->lists > 0 ? 1 : 2);
		break;
	case HTML_PRE:
		if (h->pre > 0)
			h->pre--;
		/* FALLTHROUGH */
	case HTML_PARA:
		html_break(h, h->mso && strcmp(t->name, "p") == 0 ? 1 : 2);
		break;
	case HTML_LINE:
	case HTML_ITEM:
		html_break(h, 1);
		break;
	case HTML_ROW:
		if (in_row(h))
			row_finish(h);
		break;
	case HTML_TABLE:
		table_close(h);
		break;
	default:
		break;
	}
}

/* Whether the attributes in [p, end) hold class="Mso...". */
static int
is_mso(const char *p, const char *end)
{
	const char	*q;

	for (q = p; end - q > 6; q++) {
		if (g_ascii_strncasecmp(q, "class=", 6) != 0)
			continue;
		q += 6;
		if (*q == '"' || *q == '\'')
			q++;
		return end - q > 3 && g_ascii_strncasecmp(q, "mso", 3) == 0;
	}
	return 0;
}

/* A start or end tag at h->p ("<" already checked); consumes it. */
static void
html_tag(struct html *h)
{
	const struct html_tag	*t;
	const char		*p = h->p + 1;
	char			 name[16];
	gsize			 n = 0;
	int			 closing = 0;

	if (*p == '/') {
		closing = 1;
		p++;
	}
	while (p < h->end && g_ascii_isalnum(*p)) {
		if (n < sizeof name - 1)
			name[n++] = g_ascii_tolower(*p);
		p++;
	}
	name[n] = '\0';
	h->p = html_tag_end(p, h->end);
	if ((t = html_lookup(name)) == NULL)
		return;
	/* <script src=x/> has no content to skip. */
	if ((t->kind == HTML_SKIP || t->kind == HTML_HEAD) &&
	    h->p - p >= 2 && h->p[-2] == '/')
		return;
	if (closing) {
		html_close(h, t);
		return;
	}
	if (strcmp(t->name, "p") == 0)
		h->mso = is_mso(p, h->p);
	if (h->mso && strcmp(t->name, "p") == 0)
		html_break(h, 1);
	else
		html_open(h, t);
}

/*
 * Markup at h->p: a tag, a comment, a doctype or a processing instruction.
 * Return 0 if the '<' is just a character, as in "a < b".
 */
static int
html_markup(struct html *h)
{
	const char	*p = h->p + 1, *q;

	if (p >= h->end)
		return 0;
	if (g_ascii_isalpha(*p) ||
	    (*p == '/' && p + 1 < h->end && g_ascii_isalpha(p[1]))) {
		html_tag(h);
		return 1;
	}
	if (h->end - p >= 3 && strncmp(p, "!--", 3) == 0) {
		h->p = p + 3;
		q = html_find(h, "-->");
		h->p = q != NULL ? q + 3 : h->end;
		return 1;
	}
	if (*p == '!' || *p == '?') {
		q = memchr(p, '>', h->end - p);
		h->p = q != NULL ? q + 1 : h->end;
		return 1;
	}
	return 0;
}

static gunichar
html_numeric(const char *p, const char *end, const char **next)
{
	guint64	v = 0;
	int	base = 10, digits = 0, d;

	if (p < end && (*p == 'x' || *p == 'X')) {
		base = 16;
		p++;
	}
	for (; p < end && (d = g_ascii_xdigit_value(*p)) >= 0; p++) {
		if (base == 10 && !g_ascii_isdigit(*p))
			break;
		if (v <= 0x10ffff)
			v = v * base + d;
		digits++;
	}
	*next = p;
	if (digits == 0)
		return 0;
	if (v >= 0x80 && v <= 0x9f)
		return html_cp1252[v - 0x80];
	if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0xfffd;
	return (gunichar)v;
}

static gunichar
html_named(const char *p, const char *end, const char **next)
{
	char	name[12];
	gsize	n = 0, i;

	while (p < end && g_ascii_isalnum(*p) && n < sizeof name - 1)
		name[n++] = *p++;
	name[n] = '\0';
	*next = p;
	for (i = 0; i < G_N_ELEMENTS(html_entities); i++) {
		if (strcmp(html_entities[i].name, name) == 0)
			return html_entities[i].c;
	}
	return 0;
}

/*
 * A character reference at h->p.  Numeric ones may lack the ';', as
 * browsers allow; a named one needs it, so "AT&T" stays as written.
 */
static void
html_entity(struct html *h)
{
	const char	*p = h->p + 1, *next;
	gunichar	 c;

	if (p < h->end && *p == '#')
		c = html_numeric(p + 1, h->end, &next);
	else {
		c = html_named(p, h->end, &next);
		if (next >= h->end || *next != ';')
			c = 0;
	}
	if (c == 0) {
		html_emit(h, "&", 1);
		h->p++;
		return;
	}
	if (next < h->end && *next == ';')
		next++;
	h->p = next;
	html_emit_char(h, c);
}

/*
 * A character of text.  Non-ASCII goes through html_emit_char() too, so a
 * raw U+00A0 or U+200B is treated like its character reference.
 */
static void
html_text(struct html *h)
{
	char		c = *h->p;
	gunichar	u;

	if ((unsigned char)c >= 0x80) {
		u = g_utf8_get_char_validated(h->p, h->end - h->p);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			/* Not UTF-8: kept, and made valid at the end. */
			html_emit(h, &c, 1);
			h->p++;
		} else {
			h->p = g_utf8_next_char(h->p);
			html_emit_char(h, u);
		}
		return;
	}
	h->p++;
	if (c == '\0' || c == HTML_CELL_MARK || (c == '\r' && h->pre > 0))
		return;
	if (!g_ascii_isspace(c))
		html_emit(h, &c, 1);
	else if (h->pre == 0)
		h->space = 1;
	else if (c == '\n')
		html_emit(h, "\n", 1);
	else
		html_emit(h, &c, 1);
}

/*
 * Trailing blanks off every line, at most one blank line in a row, none at
 * either end.  Caller frees.
 */
static char *
html_fold(const GString *in)
{
	GString		*out;
	const char	*p = in->str, *end = in->str + in->len, *nl, *e;
	int		 blank = 0;

	out = g_string_sized_new(in->len);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		for (e = nl; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
			continue;
		if (e == p) {
			blank = out->len > 0;
			continue;
		}
		if (out->len > 0)
			g_string_append(out, blank ? "\n\n" : "\n");
		g_string_append_len(out, p, e - p);
		blank = 0;
	}
	return g_string_free(out, FALSE);
}

char *
html_to_text(const char *html, size_t len)
{
	struct html	 h;
	char		*folded, *text;

	memset(&h, 0, sizeof h);
	h.p = html != NULL ? html : "";
	h.end = h.p + (html != NULL ? len : 0);
	h.out = g_string_sized_new(len / 2 + 1);
	while (h.p < h.end) {
		if (*h.p == '<' && html_markup(&h))
			continue;
		if (*h.p == '&')
			html_entity(&h);
		else
			html_text(&h);
	}
	while (h.nrows > 0)
		row_finish(&h);
	g_strdelimit(h.out->str, (char[]){ HTML_CELL_MARK, '\0' }, ' ');
	folded = html_fold(h.out);
	g_string_free(h.out, TRUE);
	text = g_utf8_make_valid(folded, -1);
	g_free(folded);
	return text;
}
