/*
 * auth.c -- reading Authentication-Results headers (auth.h).
 *
 * The header is lexed into values (atoms and quoted strings) and the two
 * symbols that give it structure, ';' and '=', with comments and white
 * space dropped; then read as
 *
 *	authserv-id [version] ( ";" "none" | 1*( ";" method "=" result
 *	    *( name "=" value ) ) )
 */
#include <string.h>

#include <glib.h>

#include "auth.h"

/* Past this many tokens a header is not one a server wrote. */
#define AUTH_MAX_TOKENS	512

enum tok_kind {
	TOK_VALUE,
	TOK_SEMI,
	TOK_EQUALS,
};

struct tok {
	enum tok_kind	 kind;
	char		*text;		/* TOK_VALUE: the value, unquoted */
};

/* One result: method=result and its properties. */
struct resinfo {
	char		*method;	/* lower case, without "/version" */
	char		*result;	/* lower case */
	GHashTable	*props;		/* "header.from" -> value */
};

static void
tok_free(gpointer p)
{
	struct tok	*t = p;

	g_free(t->text);
	g_free(t);
}

static void
resinfo_free(gpointer p)
{
	struct resinfo	*r = p;

	g_free(r->method);
	g_free(r->result);
	g_hash_table_destroy(r->props);
	g_free(r);
}

/* Skip a comment (RFC 5322 3.2.2: nested, with quoted pairs). */
static const char *
skip_comment(const char *p)
{
	int	depth = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return p;
}

static const char *
lex_quoted(const char *p, GString *out)
{
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		g_string_append_c(out, *p);
	}
	return *p == '"' ? p + 1 : p;
}

static void
tok_add(GPtrArray *toks, enum tok_kind kind, char *text)
{
	struct tok	*t = g_new0(struct tok, 1);

	t->kind = kind;
	t->text = text;
	g_ptr_array_add(toks, t);
}

static GPtrArray *
lex(const char *s)
{
	GPtrArray	*toks = g_ptr_array_new_with_free_func(tok_free);
	const char	*p = s, *start;
	GString		*v;

	while (*p != '\0' && toks->len < AUTH_MAX_TOKENS) {
		if (g_ascii_isspace(*p))
			p++;
		else if (*p == '(')
			p = skip_comment(p);
		else if (*p == ';' || *p == '=') {
			tok_add(toks, *p == ';' ? TOK_SEMI : TOK_EQUALS, NULL);
			p++;
		} else if (*p == '"') {
			v = g_string_new(NULL);
			p = lex_quoted(p, v);
			tok_add(toks, TOK_VALUE, g_string_free(v, FALSE));
		} else {
			for (start = p; *p != '\0' && !g_ascii_isspace(*p) &&
			    strchr(";=()\"", *p) == NULL; p++)
				continue;
			tok_add(toks, TOK_VALUE, g_strndup(start, p - start));
		}
	}
	return toks;
}

static const struct tok *
tok_at(GPtrArray *toks, guint i)
{
	return i < toks->len ? g_ptr_array_index(toks, i) : NULL;
}

static int
is_kind(GPtrArray *toks, guint i, enum tok_kind kind)
{
	const struct tok	*t = tok_at(toks, i);

	return t != NULL && t->kind == kind;
}

/* VALUE "=" VALUE at `i`: the two values, or 0. */
static int
pair_at(GPtrArray *toks, guint i, const char **name, const char **value)
{
	if (!is_kind(toks, i, TOK_VALUE) || !is_kind(toks, i + 1,
	    TOK_EQUALS) || !is_kind(toks, i + 2, TOK_VALUE))
		return 0;
	*name = tok_at(toks, i)->text;
	*value = tok_at(toks, i + 2)->text;
	return 1;
}

/* One resinfo from `*i` (just after its ';') to the next ';'. */
static struct resinfo *
read_resinfo(GPtrArray *toks, guint *i)
{
	struct resinfo	*r = NULL;
	const char	*name, *value;

	if (pair_at(toks, *i, &name, &value)) {
		r = g_new0(struct resinfo, 1);
		r->method = g_ascii_strdown(name, strcspn(name, "/"));
		r->result = g_ascii_strdown(value, -1);
		r->props = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, g_free);
		*i += 3;
		while (pair_at(toks, *i, &name, &value)) {
			g_hash_table_replace(r->props, g_ascii_strdown(name,
			    -1), g_strdup(value));
			*i += 3;
		}
	}
	while (*i < toks->len && !is_kind(toks, *i, TOK_SEMI))
		(*i)++;
	return r;
}

/*
 * The results of a header of `authserv_id`, or NULL when the header is
 * another server's (or not a header at all).
 */
static GPtrArray *
parse(const char *header, const char *authserv_id)
{
	GPtrArray	*toks = lex(header), *results = NULL;
	struct resinfo	*r;
	guint		 i = 1;

	if (!is_kind(toks, 0, TOK_VALUE) ||
	    g_ascii_strcasecmp(tok_at(toks, 0)->text, authserv_id) != 0) {
		g_ptr_array_unref(toks);
		return NULL;
	}
	results = g_ptr_array_new_with_free_func(resinfo_free);
	if (is_kind(toks, i, TOK_VALUE))	/* the version */
		i++;
	while (is_kind(toks, i, TOK_SEMI)) {
		i++;
		if ((r = read_resinfo(toks, &i)) != NULL)
			g_ptr_array_add(results, r);
	}
	g_ptr_array_unref(toks);
	return results;
}

/* The domain of "user@domain", "@domain" or "domain". */
static const char *
domain_of(const char *s)
{
	const char	*at = s != NULL ? strrchr(s, '@') : NULL;

	return at != NULL ? at + 1 : s;
}

static int
same_domain(const char *a, const char *b)
{
	return a != NULL && b != NULL && g_ascii_strcasecmp(a, b) == 0;
}

/* Whether `r` is a pass for `domain`. */
static int
passes(const struct resinfo *r, const char *domain)
{
	if (strcmp(r->result, "pass") != 0 || *domain == '\0')
		return 0;
	if (strcmp(r->method, "dmarc") == 0)
		return same_domain(g_hash_table_lookup(r->props, "header.from"),
		    domain);
	if (strcmp(r->method, "dkim") == 0)
		return same_domain(g_hash_table_lookup(r->props, "header.d"),
		    domain) || same_domain(domain_of(g_hash_table_lookup(
		    r->props, "header.i")), domain);
	return 0;
}

/* "dmarc=fail (header.from=x.org), dkim=pass (header.d=y.org)". */
static char *
summary(GPtrArray *results)
{
	const struct resinfo	*r;
	const char		*d;
	GString			*s = g_string_new(NULL);
	guint			 i;

	for (i = 0; i < results->len; i++) {
		r = g_ptr_array_index(results, i);
		if (strcmp(r->method, "dmarc") != 0 &&
		    strcmp(r->method, "dkim") != 0)
			continue;
		d = g_hash_table_lookup(r->props, strcmp(r->method, "dmarc") ==
		    0 ? "header.from" : "header.d");
		g_string_append_printf(s, "%s%s=%s", s->len > 0 ? ", " : "",
		    r->method, r->result);
		if (d != NULL)
			g_string_append_printf(s, " for %s", d);
	}
	if (s->len == 0)
		g_string_append(s, "nothing of DMARC or DKIM");
	return g_string_free(s, FALSE);
}

static enum auth_verdict
verdict(GPtrArray *results, const char *authserv_id, const char *domain,
    char **why)
{
	const struct resinfo	*r;
	char			*said;
	guint			 i;

	for (i = 0; i < results->len; i++) {
		r = g_ptr_array_index(results, i);
		if (passes(r, domain)) {
			*why = g_strdup_printf("%s says %s=pass for %s",
			    authserv_id, r->method, domain);
			return AUTH_PASS;
		}
	}
	said = summary(results);
	*why = g_strdup_printf("%s says %s, not a DMARC or DKIM pass for %s",
	    authserv_id, said, domain);
	g_free(said);
	return AUTH_FAIL;
}

enum auth_verdict
auth_results_vouch(char *const *headers, const char *authserv_id,
    const char *domain, char **why)
{
	GPtrArray		*results = NULL;
	enum auth_verdict	 v;
	size_t			 i;

	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((results = parse(headers[i], authserv_id)) != NULL)
			break;
	}
	if (results == NULL) {
		*why = g_strdup_printf("no Authentication-Results header of "
		    "%s", authserv_id);
		return AUTH_NONE;
	}
	v = verdict(results, authserv_id, domain != NULL ? domain : "",
	    why);
	g_ptr_array_unref(results);
	return v;
}
