/*
 * keyfile.c -- a GKeyFile that knows its lines.
 *
 * The lines are checked before GKeyFile parses the text, as strictly as it
 * parses them, because its own errors carry no line number.  They are kept
 * (stripped) to find where a group or key was written.
 */
#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "keyfile.h"
#include "log.h"

struct keyfile {
	char		 *path;
	char		**lines;	/* stripped, NULL-terminated */
	GKeyFile	 *gkf;
};

#define EXPECTED	"expected \"[group]\" or \"key = value\""

/* What the lines read so far have shown. */
struct shape {
	int		 flags;
	char		*group;		/* NULL before the first */
	GHashTable	*seen;		/* "[group]" and "group\nkey" */
};

/*
 * NULL when `what` is new; else why not, from `fmt`.  Takes `what`.
 * Repeats are refused under KEYFILE_UNIQUE because a coordinator who
 * copied a group or key would wonder why one of them is ignored.
 */
static char *
shape_repeat(struct shape *sh, char *what, const char *fmt)
{
	char	*why;

	if (!(sh->flags & KEYFILE_UNIQUE)) {
		g_free(what);
		return NULL;
	}
	if (!g_hash_table_contains(sh->seen, what)) {
		g_hash_table_add(sh->seen, what);
		return NULL;
	}
	why = g_strdup_printf(fmt, what);
	g_free(what);
	return why;
}

static char *
shape_header(struct shape *sh, const char *p)
{
	size_t	len = strlen(p);

	if (p[len - 1] != ']')
		return g_strdup(sh->flags & KEYFILE_SAY_HEADER ?
		    "a group header must end with ']'" : EXPECTED);
	g_free(sh->group);
	sh->group = g_strndup(p + 1, len - 2);
	return shape_repeat(sh, g_strdup(p), "%s is given twice in this file");
}

static char *
shape_key(struct shape *sh, const char *p)
{
	size_t	 klen = strcspn(p, "=");
	char	*key, *why;

	if (p[klen] != '=' || klen == 0)
		return g_strdup(EXPECTED);
	if (memchr(p, '[', klen) != NULL)
		return g_strdup_printf("\"%.*s\": localised keys are not "
		    "used", (int)klen, p);
	if (sh->group == NULL)
		return g_strdup("\"key = value\" before any [group]");
	key = g_strndup(p, klen);
	why = shape_repeat(sh, g_strdup_printf("%s\n%s", sh->group,
	    g_strstrip(key)), "a key is given twice in its group: %s");
	g_free(key);
	if (why != NULL)
		g_strdelimit(why, "\n", ' ');
	return why;
}

/* What is wrong with one stripped line, or NULL; caller frees. */
static char *
shape_line(struct shape *sh, const char *p)
{
	if (*p == '\0' || *p == '#')
		return NULL;
	if (*p == '[')
		return shape_header(sh, p);
	return shape_key(sh, p);
}

static int
keyfile_check(const struct keyfile *kf, int flags, char **cause)
{
	struct shape	 sh = { flags, NULL, NULL };
	char		*why = NULL;
	size_t		 n;

	sh.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (n = 0; kf->lines[n] != NULL && why == NULL; n++)
		why = shape_line(&sh, kf->lines[n]);
	g_hash_table_destroy(sh.seen);
	g_free(sh.group);
	if (why == NULL)
		return 0;
	/* n is one past the bad line's index: its 1-based number */
	cause_set(cause, "%s:%zu: %s", kf->path, n, why);
	g_free(why);
	return -1;
}

static int
keyfile_parse(struct keyfile *kf, const char *text, char **cause)
{
	GError	*error = NULL;

	kf->gkf = g_key_file_new();
	if (g_key_file_load_from_data(kf->gkf, text, -1, G_KEY_FILE_NONE,
	    &error))
		return 0;
	cause_set(cause, "%s: %s", kf->path, error->message);
	g_error_free(error);
	return -1;
}

int
keyfile_load_text(const char *path, const char *text, int flags,
    struct keyfile **out, char **cause)
{
	struct keyfile	*kf = g_new0(struct keyfile, 1);
	size_t		 n;

	kf->path = g_strdup(path);
	kf->lines = g_strsplit(text, "\n", -1);
	for (n = 0; kf->lines[n] != NULL; n++)
		g_strstrip(kf->lines[n]);
	if (keyfile_check(kf, flags, cause) != 0 ||
	    keyfile_parse(kf, text, cause) != 0) {
		keyfile_free(kf);
		return -1;
	}
	*out = kf;
	return 0;
}

int
keyfile_load(const char *path, int flags, struct keyfile **out,
    char **cause)
{
	GError	*error = NULL;
	char	*text;
	int	 rc;

	if (!g_file_get_contents(path, &text, NULL, &error)) {
		cause_set(cause, "%s: %s", path, error->message);
		g_error_free(error);
		return -1;
	}
	rc = keyfile_load_text(path, text, flags, out, cause);
	g_free(text);
	return rc;
}

void
keyfile_free(struct keyfile *kf)
{
	if (kf == NULL)
		return;
	if (kf->gkf != NULL)
		g_key_file_free(kf->gkf);
	g_strfreev(kf->lines);
	g_free(kf->path);
	g_free(kf);
}

GKeyFile *
keyfile_gkeyfile(const struct keyfile *kf)
{
	return kf->gkf;
}

const char *
keyfile_path(const struct keyfile *kf)
{
	return kf->path;
}

/* Whether stripped line `p` sets `key` (the line was checked: no [locale]). */
static int
line_sets(const char *p, const char *key)
{
	size_t	klen = strlen(key);

	return strncmp(p, key, klen) == 0 &&
	    (p[klen] == '=' || p[klen] == ' ' || p[klen] == '\t');
}

int
keyfile_line(const struct keyfile *kf, const char *group, const char *key)
{
	char	*want = g_strdup_printf("[%s]", group);
	size_t	 n;
	int	 found = 0, in_group = 0;

	for (n = 0; kf->lines[n] != NULL; n++) {
		if (*kf->lines[n] == '[') {
			in_group = strcmp(kf->lines[n], want) == 0;
			if (in_group && key == NULL) {
				found = (int)n + 1;
				break;
			}
		} else if (in_group && key != NULL &&
		    line_sets(kf->lines[n], key))
			found = (int)n + 1;
	}
	g_free(want);
	return found;
}

int
keyfile_error(const struct keyfile *kf, const char *group, const char *key,
    char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	int	 line;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	line = group != NULL ? keyfile_line(kf, group, key) : 0;
	if (line > 0)
		cause_set(cause, "%s:%d: %s", kf->path, line, msg);
	else
		cause_set(cause, "%s: %s", kf->path, msg);
	g_free(msg);
	return -1;
}
