/*
 * template.c -- the template engine: values, lexing, parsing, checking and
 * rendering (the syntax is described in template.h).
 *
 * A template is read in three linear passes.  The lexer cuts the text into
 * tokens, ending a text token after every newline so that a line is a run
 * of tokens; the standalone pass blanks the text of lines that hold only
 * block tags and comments; the parser builds a tree of nodes with a stack of
 * open blocks, which is where the nesting limit is kept.  Rendering walks
 * the tree and appends to one GString: values are copied, never parsed, so
 * nothing in them is expanded and the work follows the size of the output.
 * Checking walks the same tree against a schema, looking names up exactly as
 * rendering does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "template.h"

/* How much of a tag or a line a message quotes. */
#define QUOTE_MAX	40

#define SUBJECT		"Subject:"

/* -------------------------------------------------------------------- */
/* Values. */

struct tvar {
	char		*value;		/* NULL: no value */
	GPtrArray	*items;		/* struct tvars * (one or more), NULL */
};

struct tvars {
	GHashTable	*names;		/* char * -> struct tvar * */
};

/* Whether [s, s + len) is a name: parts of [A-Za-z0-9_-] joined by dots. */
static int
name_valid(const char *s, size_t len)
{
	size_t	i, part = 0;

	for (i = 0; i < len; i++) {
		if (g_ascii_isalnum(s[i]) || s[i] == '_' || s[i] == '-')
			part++;
		else if (s[i] == '.' && part > 0)
			part = 0;
		else
			return 0;
	}
	return part > 0;
}

static void
tvar_free(gpointer p)
{
	struct tvar	*e = p;

	g_free(e->value);
	if (e->items != NULL)
		g_ptr_array_unref(e->items);
	g_free(e);
}

struct tvars *
tvars_new(void)
{
	struct tvars	*v;

	v = g_new0(struct tvars, 1);
	v->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    tvar_free);
	return v;
}

void
tvars_free(struct tvars *v)
{
	if (v == NULL)
		return;
	g_hash_table_unref(v->names);
	g_free(v);
}

static void
tvars_free_item(gpointer p)
{
	tvars_free(p);
}

/* The entry for `name`, made when missing. */
static struct tvar *
tvars_entry(struct tvars *v, const char *name)
{
	struct tvar	*e;

	/* A name no template can spell is a bug in the caller. */
	if (name == NULL || !name_valid(name, strlen(name)))
		fatal("template value with a bad name \"%s\"",
		    name != NULL ? name : "(null)");
	if ((e = g_hash_table_lookup(v->names, name)) == NULL) {
		e = g_new0(struct tvar, 1);
		g_hash_table_insert(v->names, g_strdup(name), e);
	}
	return e;
}

void
tvars_set(struct tvars *v, const char *name, const char *value)
{
	struct tvar	*e;

	e = tvars_entry(v, name);
	g_free(e->value);
	e->value = g_strdup(value);
	if (e->value == NULL && e->items == NULL)
		g_hash_table_remove(v->names, name);
}

struct tvars *
tvars_add_item(struct tvars *v, const char *list)
{
	struct tvar	*e;
	struct tvars	*item;

	e = tvars_entry(v, list);
	if (e->items == NULL)
		e->items = g_ptr_array_new_with_free_func(tvars_free_item);
	item = tvars_new();
	g_ptr_array_add(e->items, item);
	return item;
}

const char *
tvars_get(const struct tvars *v, const char *name)
{
	const struct tvar	*e;

	e = g_hash_table_lookup(v->names, name);
	return e != NULL ? e->value : NULL;
}

unsigned int
tvars_count(const struct tvars *v, const char *name)
{
	const struct tvar	*e;

	e = g_hash_table_lookup(v->names, name);
	return e != NULL && e->items != NULL ? e->items->len : 0;
}

/* `name` in the innermost of scope[0..depth] that has it, or NULL. */
static const struct tvar *
lookup(const struct tvars *const *scope, int depth, const char *name)
{
	const struct tvar	*e;
	int			 i;

	for (i = depth; i >= 0; i--) {
		if ((e = g_hash_table_lookup(scope[i]->names, name)) != NULL)
			return e;
	}
	return NULL;
}

static int
truthy(const struct tvar *e)
{
	if (e == NULL)
		return 0;
	return (e->value != NULL && *e->value != '\0') || e->items != NULL;
}

/* -------------------------------------------------------------------- */
/* Messages. */

/* Return -1 with *cause set to "name:line: " and the formatted text. */
static int
fail_at(const char *name, int line, char **cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail_at(const char *name, int line, char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cause_set(cause, "%s:%d: %s", name, line, what);
	g_free(what);
	return -1;
}

/*
 * [s, s + len) fit to quote in a one-line message: cut to QUOTE_MAX bytes
 * on a character boundary, control characters shown as '?'.  Caller frees.
 */
static char *
quote(const char *s, size_t len)
{
	GString		*q;
	size_t		 i, cut = len;
	unsigned char	 c;

	if (len > QUOTE_MAX) {
		cut = QUOTE_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	q = g_string_sized_new(cut + 3);
	for (i = 0; i < cut; i++) {
		c = s[i];
		g_string_append_c(q, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (cut < len)
		g_string_append(q, "...");
	return g_string_free(q, FALSE);
}

/* The line (1-based) of `at` in `text`. */
static int
line_of(const char *text, const char *at)
{
	int	line = 1;

	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

/* -------------------------------------------------------------------- */
/* Tokens. */

enum node_type {
	NODE_TEXT,
	NODE_VALUE,
	NODE_IF,
	NODE_UNLESS,
	NODE_EACH,
};

/* The word of each block, for messages. */
static const char *const block_words[] = {
	[NODE_IF] = "if",
	[NODE_UNLESS] = "unless",
	[NODE_EACH] = "each",
};

enum token_type {
	TOKEN_TEXT,
	TOKEN_VALUE,
	TOKEN_OPEN,
	TOKEN_ELSE,
	TOKEN_CLOSE,
	TOKEN_COMMENT,
};

struct token {
	enum token_type	 type;
	enum node_type	 block;		/* TOKEN_OPEN, TOKEN_CLOSE */
	int		 line;
	const char	*start;		/* the text, or the name (NULL: none) */
	size_t		 len;
	const char	*tag;		/* the tag as written, for messages */
	size_t		 taglen;
};

enum tag_name {
	TAG_NO_NAME,
	TAG_NAME,
	TAG_OPTIONAL_NAME,
};

/* The tags that are words; anything else inside {{ }} is a placeholder. */
static const struct tag_word {
	const char	*word;
	enum token_type	 type;
	enum node_type	 block;
	enum tag_name	 name;
} tag_words[] = {
	{ "#if", TOKEN_OPEN, NODE_IF, TAG_NAME },
	{ "#unless", TOKEN_OPEN, NODE_UNLESS, TAG_NAME },
	{ "#each", TOKEN_OPEN, NODE_EACH, TAG_NAME },
	{ "else", TOKEN_ELSE, NODE_TEXT, TAG_NO_NAME },
	{ "/if", TOKEN_CLOSE, NODE_IF, TAG_OPTIONAL_NAME },
	{ "/unless", TOKEN_CLOSE, NODE_UNLESS, TAG_OPTIONAL_NAME },
	{ "/each", TOKEN_CLOSE, NODE_EACH, TAG_OPTIONAL_NAME },
};

struct lexer {
	const char	*name;		/* for messages */
	const char	*p;		/* next byte */
	int		 line;
	GArray		*tokens;	/* struct token */
};

static void
lex_push(struct lexer *lx, const struct token *tk)
{
	g_array_append_val(lx->tokens, *tk);
}

/* Text up to the next tag, or to and with the next newline. */
static void
lex_text(struct lexer *lx)
{
	struct token	 tk = { .type = TOKEN_TEXT, .line = lx->line };
	const char	*e = lx->p;

	while (*e != '\0' && *e != '\n' && !(e[0] == '{' && e[1] == '{'))
		e++;
	if (*e == '\n') {
		e++;
		lx->line++;
	}
	tk.start = lx->p;
	tk.len = e - lx->p;
	lex_push(lx, &tk);
	lx->p = e;
}

/*
 * A comment, over any number of lines.  Braces pair up inside it, so a
 * line with tags can be set aside by wrapping it in {{! }}.
 */
static int
lex_comment(struct lexer *lx, char **cause)
{
	struct token	 tk = { .type = TOKEN_COMMENT, .line = lx->line };
	const char	*e = lx->p + 3;
	int		 depth = 1;

	while (*e != '\0' && depth > 0) {
		if (e[0] == '{' && e[1] == '{') {
			depth++;
			e += 2;
		} else if (e[0] == '}' && e[1] == '}') {
			depth--;
			e += 2;
		} else
			e++;
	}
	if (depth > 0)
		return fail_at(lx->name, lx->line, cause,
		    "comment {{! is never closed with }}");
	tk.tag = lx->p;
	tk.taglen = e - lx->p;
	lex_push(lx, &tk);
	lx->line += line_of(lx->p, e) - 1;
	lx->p = e;
	return 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The tag word [s, s + len), or NULL. */
static const struct tag_word *
tag_word_find(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(tag_words); i++) {
		if (strlen(tag_words[i].word) == len &&
		    memcmp(tag_words[i].word, s, len) == 0)
			return &tag_words[i];
	}
	return NULL;
}

/* Fail with `fmt`, which holds one %s: the tag as written. */
static int
tag_error(struct lexer *lx, const struct token *tk, char **cause,
    const char *fmt) __attribute__((format(printf, 4, 0)));

static int
tag_error(struct lexer *lx, const struct token *tk, char **cause,
    const char *fmt)
{
	char	*q;

	q = quote(tk->tag, tk->taglen);
	fail_at(lx->name, tk->line, cause, fmt, q);
	g_free(q);
	return -1;
}

/* A word tag; the name, if any, is [s, e) with blanks trimmed. */
static int
lex_word(struct lexer *lx, struct token *tk, const struct tag_word *w,
    const char *s, const char *e, char **cause)
{
	while (s < e && is_blank(*s))
		s++;
	tk->type = w->type;
	tk->block = w->block;
	if (s < e && w->name == TAG_NO_NAME)
		return tag_error(lx, tk, cause, "%s: {{else}} takes no name");
	if (s == e && w->name == TAG_NAME)
		return tag_error(lx, tk, cause, "%s needs a name");
	if (s < e && !name_valid(s, e - s))
		return tag_error(lx, tk, cause, "bad name in %s: a name has "
		    "only letters, digits, '_', '-' and '.'");
	tk->start = s < e ? s : NULL;
	tk->len = e - s;
	return 0;
}

/* What the tag [s, e) (without braces, blanks trimmed) is. */
static int
lex_content(struct lexer *lx, struct token *tk, const char *s,
    const char *e, char **cause)
{
	const struct tag_word	*w;
	const char		*w_end = s;

	if (s == e)
		return tag_error(lx, tk, cause, "empty placeholder %s");
	while (w_end < e && !is_blank(*w_end))
		w_end++;
	if ((w = tag_word_find(s, w_end - s)) != NULL)
		return lex_word(lx, tk, w, w_end, e, cause);
	if (*s == '#' || *s == '/')
		return tag_error(lx, tk, cause, "unknown tag %s (the tags are "
		    "#if, #unless, #each, else, /if, /unless and /each)");
	if (!name_valid(s, e - s))
		return tag_error(lx, tk, cause, "bad placeholder %s: a name "
		    "has only letters, digits, '_', '-' and '.'");
	tk->type = TOKEN_VALUE;
	tk->start = s;
	tk->len = e - s;
	return 0;
}

/* A tag other than a comment: it ends on the line it starts on. */
static int
lex_tag(struct lexer *lx, char **cause)
{
	struct token	 tk = { .line = lx->line };
	const char	*s = lx->p + 2, *e;

	if (*s == '!')
		return lex_comment(lx, cause);
	for (e = s; *e != '\0' && *e != '\n'; e++) {
		if (e[0] == '}' && e[1] == '}')
			break;
	}
	tk.tag = lx->p;
	tk.taglen = (*e == '}' ? e + 2 : e) - lx->p;
	if (*e != '}')
		return tag_error(lx, &tk, cause, "%s is not closed: a tag "
		    "ends with }} on the line it starts on");
	lx->p = e + 2;
	while (s < e && is_blank(*s))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	if (lex_content(lx, &tk, s, e, cause) != 0)
		return -1;
	lex_push(lx, &tk);
	return 0;
}

/* Cut `text`, which starts on `line`, into tokens.  Caller frees. */
static GArray *
lex(const char *name, const char *text, int line, char **cause)
{
	struct lexer	lx = { .name = name, .p = text, .line = line };

	lx.tokens = g_array_new(FALSE, TRUE, sizeof(struct token));
	while (*lx.p != '\0') {
		if (lx.p[0] != '{' || lx.p[1] != '{')
			lex_text(&lx);
		else if (lex_tag(&lx, cause) != 0) {
			g_array_unref(lx.tokens);
			return NULL;
		}
	}
	return lx.tokens;
}

/* -------------------------------------------------------------------- */
/* Standalone lines. */

static int
token_is_blank_text(const struct token *tk)
{
	size_t	i;

	for (i = 0; i < tk->len; i++) {
		if (!is_blank(tk->start[i]) && tk->start[i] != '\n')
			return 0;
	}
	return 1;
}

/*
 * Tokens first..last are one line.  When it holds at least one block tag or
 * comment and otherwise only blanks, blank its text, newline included.
 */
static void
strip_line(GArray *tokens, guint first, guint last)
{
	struct token	*tk;
	guint		 i;
	int		 tags = 0;

	for (i = first; i <= last; i++) {
		tk = &g_array_index(tokens, struct token, i);
		if (tk->type == TOKEN_VALUE)
			return;
		if (tk->type != TOKEN_TEXT)
			tags++;
		else if (!token_is_blank_text(tk))
			return;
	}
	for (i = first; i <= last && tags > 0; i++) {
		tk = &g_array_index(tokens, struct token, i);
		if (tk->type == TOKEN_TEXT)
			tk->len = 0;
	}
}

static void
strip_standalone(GArray *tokens)
{
	const struct token	*tk;
	guint			 i, first = 0;

	for (i = 0; i < tokens->len; i++) {
		tk = &g_array_index(tokens, struct token, i);
		if (tk->type == TOKEN_TEXT && tk->len > 0 &&
		    tk->start[tk->len - 1] == '\n') {
			strip_line(tokens, first, i);
			first = i + 1;
		}
	}
	if (first < tokens->len)
		strip_line(tokens, first, tokens->len - 1);
}

/* -------------------------------------------------------------------- */
/* The tree. */

struct node {
	enum node_type	 type;
	int		 line;
	GString		*text;		/* NODE_TEXT */
	char		*name;		/* NODE_VALUE and blocks */
	GPtrArray	*body;		/* blocks: struct node * */
	GPtrArray	*alt;		/* blocks: after {{else}}, or NULL */
};

struct template {
	char		*name;
	GPtrArray	*subject;	/* struct node * */
	GPtrArray	*body;
	int		 html;		/* values are escaped in the body */
};

static void
node_free(gpointer p)
{
	struct node	*n = p;

	if (n->text != NULL)
		g_string_free(n->text, TRUE);
	g_free(n->name);
	if (n->body != NULL)
		g_ptr_array_unref(n->body);
	if (n->alt != NULL)
		g_ptr_array_unref(n->alt);
	g_free(n);
}

static GPtrArray *
node_list_new(void)
{
	return g_ptr_array_new_with_free_func(node_free);
}

static struct node *
node_new(enum node_type type, int line)
{
	struct node	*n;

	n = g_new0(struct node, 1);
	n->type = type;
	n->line = line;
	return n;
}

/* "{{#if name}}" for block `n`.  Caller frees. */
static char *
block_tag(const struct node *n)
{
	return g_strdup_printf("{{#%s %s}}", block_words[n->type], n->name);
}

/* -------------------------------------------------------------------- */
/* Parsing. */

struct frame {
	struct node	*node;
	int		 in_else;
};

struct parser {
	const char	*name;		/* for messages */
	GPtrArray	*top;
	struct frame	 open[TEMPLATE_MAX_DEPTH];
	int		 depth;
};

/* Where the next node goes. */
static GPtrArray *
parser_nodes(struct parser *ps)
{
	struct frame	*f;

	if (ps->depth == 0)
		return ps->top;
	f = &ps->open[ps->depth - 1];
	return f->in_else ? f->node->alt : f->node->body;
}

static int
parse_text(struct parser *ps, const struct token *tk, char **cause)
{
	GPtrArray	*nodes = parser_nodes(ps);
	struct node	*last = NULL;

	if (tk->len == 0)
		return 0;
	/* One node for a run of text: lines are tokens only to the lexer. */
	if (nodes->len > 0)
		last = nodes->pdata[nodes->len - 1];
	if (last == NULL || last->type != NODE_TEXT) {
		last = node_new(NODE_TEXT, tk->line);
		last->text = g_string_new(NULL);
		g_ptr_array_add(nodes, last);
	}
	g_string_append_len(last->text, tk->start, tk->len);
	return 0;
}

static int
parse_value(struct parser *ps, const struct token *tk, char **cause)
{
	struct node	*n;

	n = node_new(NODE_VALUE, tk->line);
	n->name = g_strndup(tk->start, tk->len);
	g_ptr_array_add(parser_nodes(ps), n);
	return 0;
}

static int
parse_open(struct parser *ps, const struct token *tk, char **cause)
{
	struct node	*n;

	if (ps->depth == TEMPLATE_MAX_DEPTH)
		return fail_at(ps->name, tk->line, cause,
		    "blocks nested more than %d deep", TEMPLATE_MAX_DEPTH);
	n = node_new(tk->block, tk->line);
	n->name = g_strndup(tk->start, tk->len);
	n->body = node_list_new();
	g_ptr_array_add(parser_nodes(ps), n);
	ps->open[ps->depth].node = n;
	ps->open[ps->depth].in_else = 0;
	ps->depth++;
	return 0;
}

static int
parse_else(struct parser *ps, const struct token *tk, char **cause)
{
	struct frame	*f;
	char		*want;

	if (ps->depth == 0)
		return fail_at(ps->name, tk->line, cause, "stray {{else}}: it "
		    "belongs inside {{#if}}, {{#unless}} or {{#each}}");
	f = &ps->open[ps->depth - 1];
	if (f->in_else) {
		want = block_tag(f->node);
		fail_at(ps->name, tk->line, cause,
		    "a second {{else}} in %s (line %d)", want, f->node->line);
		g_free(want);
		return -1;
	}
	f->in_else = 1;
	f->node->alt = node_list_new();
	return 0;
}

static int
parse_close(struct parser *ps, const struct token *tk, char **cause)
{
	const struct node	*open;
	char			*want, *got;

	if (ps->depth == 0)
		return fail_at(ps->name, tk->line, cause,
		    "stray {{/%s}}: no {{#%s}} is open",
		    block_words[tk->block], block_words[tk->block]);
	open = ps->open[ps->depth - 1].node;
	if (open->type == tk->block && (tk->start == NULL ||
	    (strlen(open->name) == tk->len &&
	    memcmp(open->name, tk->start, tk->len) == 0))) {
		ps->depth--;
		return 0;
	}
	want = block_tag(open);
	got = quote(tk->tag, tk->taglen);
	fail_at(ps->name, tk->line, cause, "%s does not close %s (line %d)",
	    got, want, open->line);
	g_free(got);
	g_free(want);
	return -1;
}

static int
parse_comment(struct parser *ps, const struct token *tk, char **cause)
{
	return 0;
}

static int (*const parsers[])(struct parser *, const struct token *,
    char **) = {
	[TOKEN_TEXT] = parse_text,
	[TOKEN_VALUE] = parse_value,
	[TOKEN_OPEN] = parse_open,
	[TOKEN_ELSE] = parse_else,
	[TOKEN_CLOSE] = parse_close,
	[TOKEN_COMMENT] = parse_comment,
};

/* The innermost open block, at the end of the text, is never closed. */
static int
parse_unclosed(struct parser *ps, char **cause)
{
	const struct node	*open = ps->open[ps->depth - 1].node;
	char			*want;

	want = block_tag(open);
	fail_at(ps->name, open->line, cause, "%s is never closed: add {{/%s}}",
	    want, block_words[open->type]);
	g_free(want);
	return -1;
}

/*
 * Parse `text`, starting on `line`, into a new node list in *out.  Only the
 * body has standalone lines: the subject is one line and must stay one.
 */
static int
parse_part(const char *name, const char *text, int line, int standalone,
    GPtrArray **out, char **cause)
{
	struct parser		 ps = { .name = name };
	const struct token	*tk;
	GArray			*tokens;
	guint			 i;
	int		 rc = 0;

	if ((tokens = lex(name, text, line, cause)) == NULL)
		return -1;
	if (standalone)
		strip_standalone(tokens);
	ps.top = node_list_new();
	for (i = 0; i < tokens->len && rc == 0; i++) {
		tk = &g_array_index(tokens, struct token, i);
		rc = parsers[tk->type](&ps, tk, cause);
	}
	if (rc == 0 && ps.depth > 0)
		rc = parse_unclosed(&ps, cause);
	g_array_unref(tokens);
	if (rc != 0) {
		g_ptr_array_unref(ps.top);
		return -1;
	}
	*out = ps.top;
	return 0;
}

/* -------------------------------------------------------------------- */
/* The header. */

static int
header_unknown(const char *name, const char *s, size_t len, int line,
    char **cause)
{
	const char	*colon = memchr(s, ':', len);
	char		*q;

	if (colon != NULL && colon > s &&
	    memchr(s, ' ', colon - s) == NULL &&
	    memchr(s, '\t', colon - s) == NULL) {
		q = quote(s, colon + 1 - s);
		fail_at(name, line, cause, "unknown header \"%s\": only "
		    "Subject: is allowed, then a blank line", q);
	} else {
		q = quote(s, len);
		fail_at(name, line, cause, "\"%s\" is not a header: a "
		    "template starts with Subject: then a blank line", q);
	}
	g_free(q);
	return -1;
}

/* One header line, [s, s + len), on `line`. */
static int
header_line(struct template *t, const char *s, size_t len, int line,
    char **cause)
{
	size_t	 n = strlen(SUBJECT);
	char	*value;
	int	 rc;

	if (len < n || g_ascii_strncasecmp(s, SUBJECT, n) != 0)
		return header_unknown(t->name, s, len, line, cause);
	if (t->subject != NULL)
		return fail_at(t->name, line, cause, "Subject: given twice");
	value = g_strstrip(g_strndup(s + n, len - n));
	if (*value == '\0')
		rc = fail_at(t->name, line, cause, "the Subject: is empty");
	else
		rc = parse_part(t->name, value, line, 0, &t->subject, cause);
	g_free(value);
	return rc;
}

/*
 * The header lines of `text`, up to the blank line.  Sets *body to the
 * first byte of the body and *body_line to its line.
 */
static int
parse_header(struct template *t, const char *text, const char **body,
    int *body_line, char **cause)
{
	const char	*p = text, *eol;
	int		 line = 1;

	for (; *p != '\0' && *p != '\n'; line++) {
		eol = strchrnul(p, '\n');
		if (header_line(t, p, eol - p, line, cause) != 0)
			return -1;
		p = *eol == '\n' ? eol + 1 : eol;
	}
	if (t->subject == NULL)
		return fail_at(t->name, 1, cause, "missing Subject: line (a "
		    "template starts with Subject: then a blank line)");
	*body = *p == '\n' ? p + 1 : p;
	*body_line = *p == '\n' ? line + 1 : line;
	return 0;
}

/* -------------------------------------------------------------------- */
/* Loading. */

/* `text` with CRLF and lone CR read as LF.  Caller frees. */
static char *
newlines_to_lf(const char *text)
{
	GString	*s;

	s = g_string_sized_new(strlen(text));
	for (; *text != '\0'; text++) {
		if (*text != '\r')
			g_string_append_c(s, *text);
		else {
			g_string_append_c(s, '\n');
			if (text[1] == '\n')
				text++;
		}
	}
	return g_string_free(s, FALSE);
}

static int
check_utf8(const char *text, const char *name, char **cause)
{
	const char	*end;

	if (g_utf8_validate(text, -1, &end))
		return 0;
	return fail_at(name, line_of(text, end), cause,
	    "not valid UTF-8 (save the file as UTF-8 text)");
}

int
template_parse(const char *text, const char *name, struct template **out,
    char **cause)
{
	struct template	*t;
	char		*lf;
	const char	*body = NULL, *start;
	int		 body_line = 0, rc;

	*out = NULL;
	lf = newlines_to_lf(text);
	/* Some editors start UTF-8 files with a byte order mark. */
	start = g_str_has_prefix(lf, "\xef\xbb\xbf") ? lf + 3 : lf;
	t = g_new0(struct template, 1);
	t->name = g_strdup(name);
	rc = check_utf8(start, name, cause);
	if (rc == 0)
		rc = parse_header(t, start, &body, &body_line, cause);
	if (rc == 0)
		rc = parse_part(name, body, body_line, 1, &t->body, cause);
	g_free(lf);
	if (rc != 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int
template_load(const char *path, struct template **out, char **cause)
{
	GError		*error = NULL;
	char		*text;
	const char	*nul;
	gsize		 len;
	int		 rc;

	*out = NULL;
	if (!g_file_get_contents(path, &text, &len, &error)) {
		cause_set(cause, "%s: %s", path, error->message);
		g_error_free(error);
		return -1;
	}
	if (len > TEMPLATE_MAX_SIZE)
		rc = cause_set(cause, "%s: larger than %d bytes", path,
		    TEMPLATE_MAX_SIZE);
	else if ((nul = memchr(text, '\0', len)) != NULL)
		rc = fail_at(path, line_of(text, nul), cause,
		    "a NUL byte: this is not a text file");
	else
		rc = template_parse(text, path, out, cause);
	g_free(text);
	return rc;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	if (t->subject != NULL)
		g_ptr_array_unref(t->subject);
	if (t->body != NULL)
		g_ptr_array_unref(t->body);
	g_free(t->name);
	g_free(t);
}

const char *
template_name(const struct template *t)
{
	return t->name;
}

/* -------------------------------------------------------------------- */
/* Checking. */

struct checker {
	const char		*name;		/* for messages */
	const struct tvars	*scope[TEMPLATE_MAX_DEPTH + 1];
	int			 depth;
};

static int check_nodes(struct checker *, const GPtrArray *, char **);

static int
check_text(struct checker *c, const struct node *n, char **cause)
{
	return 0;
}

static int
check_value(struct checker *c, const struct node *n, char **cause)
{
	const struct tvar	*e;

	e = lookup(c->scope, c->depth, n->name);
	if (e == NULL)
		return fail_at(c->name, n->line, cause,
		    "unknown placeholder {{%s}}", n->name);
	if (e->value == NULL)
		return fail_at(c->name, n->line, cause, "{{%s}} is a list: "
		    "show its items with {{#each %s}}", n->name, n->name);
	return 0;
}

static int
check_condition(struct checker *c, const struct node *n, char **cause)
{
	if (lookup(c->scope, c->depth, n->name) == NULL)
		return fail_at(c->name, n->line, cause,
		    "unknown name in {{#%s %s}}", block_words[n->type],
		    n->name);
	if (check_nodes(c, n->body, cause) != 0)
		return -1;
	return check_nodes(c, n->alt, cause);
}

static int
check_each(struct checker *c, const struct node *n, char **cause)
{
	const struct tvar	*e;
	int			 rc;

	e = lookup(c->scope, c->depth, n->name);
	if (e == NULL)
		return fail_at(c->name, n->line, cause,
		    "unknown list {{#each %s}}", n->name);
	if (e->items == NULL)
		return fail_at(c->name, n->line, cause,
		    "{{#each %s}}: %s is not a list", n->name, n->name);
	/* Inside, names are those of the sample item, then outward. */
	c->scope[++c->depth] = e->items->pdata[0];
	rc = check_nodes(c, n->body, cause);
	c->depth--;
	if (rc != 0)
		return -1;
	return check_nodes(c, n->alt, cause);
}

static int (*const checkers[])(struct checker *, const struct node *,
    char **) = {
	[NODE_TEXT] = check_text,
	[NODE_VALUE] = check_value,
	[NODE_IF] = check_condition,
	[NODE_UNLESS] = check_condition,
	[NODE_EACH] = check_each,
};

static int
check_nodes(struct checker *c, const GPtrArray *nodes, char **cause)
{
	const struct node	*n;
	guint			 i;

	for (i = 0; nodes != NULL && i < nodes->len; i++) {
		n = nodes->pdata[i];
		if (checkers[n->type](c, n, cause) != 0)
			return -1;
	}
	return 0;
}

int
template_check(const struct template *t, const struct tvars *schema,
    char **cause)
{
	struct checker	c = { .name = t->name };

	c.scope[0] = schema;
	if (check_nodes(&c, t->subject, cause) != 0)
		return -1;
	return check_nodes(&c, t->body, cause);
}

/* -------------------------------------------------------------------- */
/* Rendering. */

struct render {
	GString			*out;
	const struct tvars	*scope[TEMPLATE_MAX_DEPTH + 1];
	int			 depth;
	int			 body;		/* indent values */
	int			 html;		/* escape values */
	size_t			 column;	/* characters on this line */
	unsigned long		 steps;
	int			 full;		/* at TEMPLATE_MAX_OUTPUT */
};

static int render_nodes(struct render *, const GPtrArray *);

/* Append [s, s + len), keeping the column. */
static void
emit(struct render *r, const char *s, size_t len)
{
	const char	*nl;
	size_t		 i;

	if (r->full || len > TEMPLATE_MAX_OUTPUT - r->out->len) {
		r->full = 1;
		return;
	}
	g_string_append_len(r->out, s, len);
	if ((nl = memrchr(s, '\n', len)) != NULL) {
		r->column = 0;
		len -= nl + 1 - s;
		s = nl + 1;
	}
	/* Characters, not bytes: count all but UTF-8 continuation bytes. */
	for (i = 0; i < len; i++)
		r->column += ((unsigned char)s[i] & 0xc0) != 0x80;
}

static void
emit_spaces(struct render *r, size_t n)
{
	size_t	i;

	if (r->full || n > TEMPLATE_MAX_OUTPUT - r->out->len) {
		r->full = 1;
		return;
	}
	for (i = 0; i < n; i++)
		g_string_append_c(r->out, ' ');
	r->column += n;
}

/*
 * A value as written, with its line endings made LF; in the body, lines
 * after the first are indented to the column the value began at (empty
 * lines are left empty, so no line ends in spaces).
 */
static void
emit_value(struct render *r, const char *v)
{
	size_t	indent = r->column, n;

	while (*v != '\0' && !r->full) {
		n = strcspn(v, "\r\n");
		emit(r, v, n);
		v += n;
		if (*v == '\0')
			break;
		v += v[0] == '\r' && v[1] == '\n' ? 2 : 1;
		emit(r, "\n", 1);
		if (r->body && *v != '\0' && *v != '\r' && *v != '\n')
			emit_spaces(r, indent);
	}
}

static int
render_text(struct render *r, const struct node *n)
{
	emit(r, n->text->str, n->text->len);
	return 0;
}

/* A value in an HTML body: escaped, its line breaks as <br>. */
static void
emit_html(struct render *r, const char *v)
{
	const char	*p, *e;

	for (p = v; *p != '\0' && !r->full; p++) {
		switch (*p) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		case '\r': e = ""; break;
		case '\n': e = "<br>\n"; break;
		default: e = NULL; break;
		}
		if (e != NULL)
			emit(r, e, strlen(e));
		else
			emit(r, p, 1);
	}
}

static int
render_value(struct render *r, const struct node *n)
{
	const struct tvar	*e;

	e = lookup(r->scope, r->depth, n->name);
	if (e != NULL && e->value != NULL && r->html)
		emit_html(r, e->value);
	else if (e != NULL && e->value != NULL)
		emit_value(r, e->value);
	return 0;
}

static int
render_if(struct render *r, const struct node *n)
{
	if (truthy(lookup(r->scope, r->depth, n->name)))
		return render_nodes(r, n->body);
	return render_nodes(r, n->alt);
}

static int
render_unless(struct render *r, const struct node *n)
{
	if (truthy(lookup(r->scope, r->depth, n->name)))
		return render_nodes(r, n->alt);
	return render_nodes(r, n->body);
}

static int
render_each(struct render *r, const struct node *n)
{
	const struct tvar	*e;
	guint			 i;
	int			 rc = 0;

	e = lookup(r->scope, r->depth, n->name);
	if (e == NULL || e->items == NULL)
		return render_nodes(r, n->alt);
	r->depth++;
	for (i = 0; i < e->items->len && rc == 0; i++) {
		/* An item counts, so that empty bodies still cost. */
		if (++r->steps > TEMPLATE_MAX_STEPS)
			rc = -1;
		r->scope[r->depth] = e->items->pdata[i];
		if (rc == 0)
			rc = render_nodes(r, n->body);
	}
	r->depth--;
	return rc;
}

static int (*const renderers[])(struct render *, const struct node *) = {
	[NODE_TEXT] = render_text,
	[NODE_VALUE] = render_value,
	[NODE_IF] = render_if,
	[NODE_UNLESS] = render_unless,
	[NODE_EACH] = render_each,
};

static int
render_nodes(struct render *r, const GPtrArray *nodes)
{
	const struct node	*n;
	guint			 i;

	for (i = 0; nodes != NULL && i < nodes->len; i++) {
		n = nodes->pdata[i];
		if (r->full || ++r->steps > TEMPLATE_MAX_STEPS)
			return -1;
		if (renderers[n->type](r, n) != 0)
			return -1;
	}
	return 0;
}

/* `s` as valid UTF-8: bad bytes become U+FFFD.  Takes `s`; caller frees. */
static char *
utf8_valid(char *s)
{
	char	*valid;

	if (g_utf8_validate(s, -1, NULL))
		return s;
	valid = g_utf8_make_valid(s, -1);
	g_free(s);
	return valid;
}

/*
 * A header value: every run of control characters and spaces becomes one
 * space, and the ends are trimmed.  Caller frees.
 */
static char *
fold_header(const char *s)
{
	GString		*h;
	unsigned char	 c;
	int		 space = 0;

	h = g_string_sized_new(strlen(s));
	for (; *s != '\0'; s++) {
		c = *s;
		if (c <= ' ' || c == 0x7f) {
			space = 1;
			continue;
		}
		if (space && h->len > 0)
			g_string_append_c(h, ' ');
		space = 0;
		g_string_append_c(h, (char)c);
	}
	return g_string_free(h, FALSE);
}

static int
render_part(const struct template *t, const GPtrArray *nodes,
    const struct tvars *vars, int body, char **out, char **cause)
{
	struct render	r = { .body = body, .html = body && t->html };

	r.out = g_string_new(NULL);
	r.scope[0] = vars;
	if (render_nodes(&r, nodes) != 0 || r.full) {
		g_string_free(r.out, TRUE);
		if (r.full)
			return cause_set(cause, "%s: the mail would be larger "
			    "than %d bytes", t->name, TEMPLATE_MAX_OUTPUT);
		return cause_set(cause, "%s: rendering took more than %d "
		    "steps (a list inside itself?)", t->name,
		    TEMPLATE_MAX_STEPS);
	}
	*out = utf8_valid(g_string_free(r.out, FALSE));
	return 0;
}

void
template_set_html(struct template *t)
{
	t->html = 1;
}

int
template_render(const struct template *t, const struct tvars *vars,
    char **subject, char **body, char **cause)
{
	char	*raw, *b;

	*subject = NULL;
	*body = NULL;
	if (render_part(t, t->subject, vars, 0, &raw, cause) != 0)
		return -1;
	if (render_part(t, t->body, vars, 1, &b, cause) != 0) {
		g_free(raw);
		return -1;
	}
	*subject = fold_header(raw);
	g_free(raw);
	*body = b;
	return 0;
}
