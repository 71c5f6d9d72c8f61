/*
 * rules-words.c -- a file's [words]: named pieces of pattern, written once
 * and used by name as {name} in the file's patterns.
 *
 * A list of words said in many patterns ("in person, face to face, drive
 * to meet") would otherwise be copied into each, and a word added to one
 * copy only.  A piece is put in as a group, (?:piece), so that its
 * alternatives stay its own; a piece may use the pieces above it.  A {name}
 * no piece has is an error rather than literal text: it is a misspelling
 * far more often than a pattern meaning braces, which \{ still says.
 * PCRE2's own braces are left alone: {2}, {1,3} hold no letter first, and
 * \p{L}, \x{e9}, \g{name} follow the escapes that take braces (\b{near}
 * is a word boundary before a word).
 */
#include <string.h>

#include <glib.h>

#include "rules-load.h"

/* The length of a name at s ("in_person", "not-fond"), or 0. */
static size_t
word_name_len(const char *s)
{
	size_t	n = 0;

	if (!g_ascii_isalpha(*s))
		return 0;
	while (g_ascii_isalnum(s[n]) || s[n] == '_' || s[n] == '-')
		n++;
	return n;
}

/* Whether the '{' at s[i] is PCRE2's own, after "\p", "\x", "\g", ... */
static int
brace_escaped(const char *s, size_t i)
{
	if (i >= 1 && s[i - 1] == '\\')
		return 1;
	return i >= 2 && s[i - 2] == '\\' &&
	    strchr("pPxogkN", s[i - 1]) != NULL;
}

/*
 * `value` with each {name} replaced by its piece, or NULL with *cause set
 * on the key's line.  Caller frees.
 */
char *
words_expand(const struct loader *l, const char *group, const char *key,
    const char *value, char **cause)
{
	GString		*out = g_string_sized_new(strlen(value));
	const char	*piece;
	char		*name;
	size_t		 i, n;

	for (i = 0; value[i] != '\0'; i++) {
		n = value[i] == '{' && !brace_escaped(value, i) ?
		    word_name_len(value + i + 1) : 0;
		if (n == 0 || value[i + 1 + n] != '}') {
			g_string_append_c(out, value[i]);
			continue;
		}
		name = g_strndup(value + i + 1, n);
		piece = l->words != NULL ? g_hash_table_lookup(l->words, name) :
		    NULL;
		if (piece == NULL) {
			keyfile_error(l->kf, group, key, cause, "[%s] %s: no "
			    "word {%s} in this file's [words]", group, key,
			    name);
			g_free(name);
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_printf(out, "(?:%s)", piece);
		g_free(name);
		i += n + 1;
	}
	return g_string_free(out, FALSE);
}

/* One piece: a name, and a pattern that may use the pieces above it. */
static int
word_add(struct loader *l, const char *key, const char *value, char **cause)
{
	struct re	*re = NULL;
	char		*piece;

	if (word_name_len(key) != strlen(key))
		return keyfile_error(l->kf, "words", key, cause, "[words] %s: "
		    "a word's name is letters, digits, '_' and '-', a letter "
		    "first", key);
	if (*value == '\0')
		return keyfile_error(l->kf, "words", key, cause,
		    "[words] %s: empty pattern", key);
	if ((piece = words_expand(l, "words", key, value, cause)) == NULL)
		return -1;
	/* A piece that is no pattern alone is said on its own line. */
	if (loader_compile(l, "words", key, piece, &re, cause) != 0) {
		g_free(piece);
		return -1;
	}
	re_free(re);
	g_hash_table_insert(l->words, g_strdup(key), piece);
	return 0;
}

int
group_words(struct loader *l, const char *group, char **cause)
{
	GKeyFile	*gkf = keyfile_gkeyfile(l->kf);
	char		**keys, *value;
	size_t		  i;
	int		  error = 0;

	l->words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	keys = g_key_file_get_keys(gkf, group, NULL, NULL);
	for (i = 0; keys[i] != NULL && error == 0; i++) {
		value = g_key_file_get_value(gkf, group, keys[i], NULL);
		error = word_add(l, keys[i], g_strstrip(value), cause);
		g_free(value);
	}
	g_strfreev(keys);
	return error;
}
