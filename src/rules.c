/*
 * rules.c -- loading rules/: every *.rules file, an INI file read with
 * GLib's GKeyFile, in file-name order.
 *
 * A file with a [form] group is one program's form: its [field NAME]
 * groups belong to that form.  A file with [kind NAME] groups holds the
 * kinds of message and the fields those kinds read.  Any other file's
 * [field NAME] groups are shared by every form, unless a form defines the
 * field itself.  Each group's keys are a table, as config.c's options are
 * (rules-groups.c); keyfile.c says which line a problem is on.  Values are
 * read with g_key_file_get_value, which leaves a pattern's backslashes
 * alone.
 */
#include <string.h>

#include <glib.h>

#include "log.h"
#include "rules-int.h"
#include "rules-load.h"

/* The application's fields, then those of other kinds of message. */
#define APPLICATION_FIELDS						\
	"role", "name", "email", "phone", "address", "city", "state", "zip", \
	"library", "position", "library_type", "supervisor_ok",		\
	"supervisor_name", "supervisor_email", "categories",		\
	"years_experience", "goals", "strengths", "region", "membership", \
	"match_preference", "capacity", "meeting_mode"

static const char *const application_names[] = { APPLICATION_FIELDS, NULL };

static const char *const field_names[] = {
	APPLICATION_FIELDS,
	/* The program calendar's messages (rules/README.md). */
	"meeting_date", "hours", "location", "miles", "travel", "topics",
	"verdict", "satisfaction", "keep_in_touch", "mentor_again", "answer",
	"comments", "command",
	NULL,
};

/* Every pattern in the rules ignores case and sees lines as lines. */
#define RULE_RE_FLAGS	(RE_CASELESS | RE_MULTILINE)

const char *const *
rules_field_names(void)
{
	return field_names;
}

const char *const *
rules_application_field_names(void)
{
	return application_names;
}

int
field_count(void)
{
	return (int)G_N_ELEMENTS(field_names) - 1;
}

int
field_id(const char *name)
{
	int	i;

	for (i = 0; field_names[i] != NULL; i++) {
		if (strcmp(field_names[i], name) == 0)
			return i;
	}
	return -1;
}

const char *
field_name(int id)
{
	return id >= 0 && id < field_count() ? field_names[id] : "?";
}

/* ------------------------------------------------------------------ */
/* Values. */

static char *
get_value(const struct loader *l, const char *group, const char *key)
{
	char	*v;

	v = g_key_file_get_value(keyfile_gkeyfile(l->kf), group, key, NULL);
	return v != NULL ? g_strstrip(v) : NULL;
}

int
loader_compile(const struct loader *l, const char *group, const char *key,
    const char *value, struct re **out, char **cause)
{
	char	*why = NULL, *pattern;

	if (*value == '\0')
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] %s: empty pattern", group, key);
	if ((pattern = words_expand(l, group, key, value, cause)) == NULL)
		return -1;
	re_free(*out);
	if ((*out = re_compile(pattern, RULE_RE_FLAGS, &why)) != NULL) {
		g_free(pattern);
		return 0;
	}
	/* PCRE2's offset is in what was compiled. */
	keyfile_error(l->kf, group, key, cause, "[%s] %s: %s%s", group, key,
	    why, strcmp(pattern, value) != 0 ? " (with its words put in)" : "");
	g_free(pattern);
	g_free(why);
	return -1;
}

/* "A | B | C": texts as written, none empty.  Caller frees. */
char **
loader_texts(const struct loader *l, const char *group, const char *key,
    const char *value, char **cause)
{
	char	**texts;
	size_t	  i;

	texts = g_strsplit(value, "|", -1);
	for (i = 0; texts[i] != NULL; i++) {
		if (*g_strstrip(texts[i]) == '\0') {
			g_strfreev(texts);
			keyfile_error(l->kf, group, key, cause,
			    "[%s] %s: an empty text between '|'s", group, key);
			return NULL;
		}
	}
	return texts;
}

/* "a, b; c": field names.  Returns a GArray of ids, or NULL. */
GArray *
loader_fields(const struct loader *l, const char *group, const char *key,
    const char *value, char **cause)
{
	GArray	*ids = g_array_new(FALSE, FALSE, sizeof(int));
	char	**names;
	size_t	  i;
	int	  id;

	names = g_strsplit_set(value, ",;", -1);
	for (i = 0; names[i] != NULL; i++) {
		if (*g_strstrip(names[i]) == '\0')
			continue;
		if ((id = field_id(names[i])) < 0) {
			keyfile_error(l->kf, group, key, cause,
			    "[%s] %s: unknown field \"%s\"", group, key,
			    names[i]);
			g_array_free(ids, TRUE);
			ids = NULL;
			break;
		}
		g_array_append_val(ids, id);
	}
	g_strfreev(names);
	return ids;
}

int
loader_yes_no(const char *v)
{
	if (g_ascii_strcasecmp(v, "yes") == 0 ||
	    g_ascii_strcasecmp(v, "true") == 0)
		return 1;
	if (g_ascii_strcasecmp(v, "no") == 0 ||
	    g_ascii_strcasecmp(v, "false") == 0)
		return 0;
	return -1;
}

static const struct key_rule *
key_find(const struct key_rule *table, size_t n, const char *key)
{
	size_t	i, len;

	for (i = 0; i < n; i++) {
		len = strlen(table[i].key);
		if (table[i].key[len - 1] == '.' ?
		    strncmp(key, table[i].key, len) == 0 && key[len] != '\0' :
		    strcmp(key, table[i].key) == 0)
			return &table[i];
	}
	return NULL;
}

/* Apply every key of `group` through `table`; unknown keys are errors. */
int
loader_keys(struct loader *l, const char *group, const struct key_rule *table,
    size_t n, void *target, char **cause)
{
	const struct key_rule	*k;
	char			**keys, *value;
	size_t			  i;
	int			  error = 0;

	keys = g_key_file_get_keys(keyfile_gkeyfile(l->kf), group, NULL,
	    NULL);
	for (i = 0; keys[i] != NULL && error == 0; i++) {
		if ((k = key_find(table, n, keys[i])) == NULL) {
			error = keyfile_error(l->kf, group, keys[i], cause,
			    "unknown key \"%s\" in [%s]", keys[i], group);
			break;
		}
		value = get_value(l, group, keys[i]);
		error = k->set(l, group, keys[i], value, target, cause);
		g_free(value);
	}
	g_strfreev(keys);
	return error;
}

/* ------------------------------------------------------------------ */
/* Files. */

static int
load_group(struct loader *l, const char *group, char **cause)
{
	if (strcmp(group, "form") == 0 || strcmp(group, "words") == 0)
		return 0;	/* read first, by load_groups */
	if (strcmp(group, "text") == 0)
		return group_text(l, group, cause);
	if (strcmp(group, "letter") == 0)
		return group_letter(l, group, cause);
	if (g_str_has_prefix(group, "field "))
		return group_field(l, group, cause);
	if (g_str_has_prefix(group, "kind "))
		return group_kind(l, group, cause);
	return keyfile_error(l->kf, group, NULL, cause, "unknown group [%s] "
	    "(groups are [form], [words], [field NAME], [kind NAME], [text] "
	    "and [letter])",
	    group);
}

/*
 * The [words] group first, so that every pattern may use them, then the
 * [form] group, so that the fields know they are the form's; a file is a
 * form or holds kinds, not both.
 */
static int
load_groups(struct loader *l, char **cause)
{
	GKeyFile *gkf = keyfile_gkeyfile(l->kf);
	char	**groups;
	size_t	  i;
	int	  error = 0;

	groups = g_key_file_get_groups(gkf, NULL);
	for (i = 0; groups[i] != NULL; i++)
		l->kinds |= g_str_has_prefix(groups[i], "kind ");
	if (g_key_file_has_group(gkf, "words"))
		error = group_words(l, "words", cause);
	if (error == 0 && g_key_file_has_group(gkf, "form")) {
		if (l->kinds)
			error = keyfile_error(l->kf, "form", NULL, cause,
			    "a file with a [form] cannot also define kinds");
		else
			error = group_form(l, "form", cause);
	}
	for (i = 0; groups[i] != NULL && error == 0; i++)
		error = load_group(l, groups[i], cause);
	g_strfreev(groups);
	return error;
}

static int
load_file(struct loader *l, char **cause)
{
	int	rc;

	/* A copied group or key would leave one wondering which counts. */
	if (keyfile_load(l->path, KEYFILE_UNIQUE | KEYFILE_SAY_HEADER, &l->kf,
	    cause) != 0)
		return -1;
	rc = load_groups(l, cause);
	if (rc == 0 && l->kinds)
		rc = group_check_extract(l, cause);
	return rc;
}

static void
loader_next_file(struct loader *l)
{
	keyfile_free(l->kf);
	g_free((char *)l->path);
	l->kf = NULL;
	l->path = NULL;
	l->form = NULL;
	l->kinds = 0;
	if (l->words != NULL)
		g_hash_table_destroy(l->words);
	l->words = NULL;
}

static int
ptr_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.rules files of `dir`, sorted.  Caller frees. */
static GPtrArray *
rules_files(const char *dir, char **cause)
{
	GPtrArray	*names;
	GDir		*d;
	GError		*error = NULL;
	const char	*name;

	if ((d = g_dir_open(dir, 0, &error)) == NULL) {
		cause_set(cause, "rules directory %s: %s", dir, error->message);
		g_error_free(error);
		return NULL;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, ".rules") && *name != '.')
			g_ptr_array_add(names, g_strdup(name));
	}
	g_dir_close(d);
	g_ptr_array_sort(names, ptr_strcmp);
	return names;
}

static int
load_dir(struct loader *l, const char *dir, char **cause)
{
	GPtrArray	*names;
	guint		 i;
	int		 error = 0;

	if ((names = rules_files(dir, cause)) == NULL)
		return -1;
	if (names->len == 0)
		error = cause_set(cause, "rules directory %s: no *.rules files",
		    dir);
	for (i = 0; i < names->len && error == 0; i++) {
		l->path = g_build_filename(dir, names->pdata[i], NULL);
		l->name = g_string_chunk_insert(l->rules->strings,
		    names->pdata[i]);
		error = load_file(l, cause);
		loader_next_file(l);
	}
	g_ptr_array_free(names, TRUE);
	return error;
}

/* ------------------------------------------------------------------ */
/* The active forms. */

static struct form *
form_take(GPtrArray *forms, const char *name)
{
	struct form	*f;
	guint		 i;

	for (i = 0; i < forms->len; i++) {
		f = forms->pdata[i];
		if (strcmp(f->name, name) == 0)
			return g_ptr_array_steal_index(forms, i);
	}
	return NULL;
}

static int
form_active(const struct rules *r, const char *name)
{
	guint	i;

	for (i = 0; i < r->forms->len; i++) {
		if (strcmp(((struct form *)r->forms->pdata[i])->name,
		    name) == 0)
			return 1;
	}
	return 0;
}

static int
form_without(const struct form *f, int id)
{
	guint	i;

	for (i = 0; f->without != NULL && i < f->without->len; i++) {
		if (g_array_index(f->without, int, i) == id)
			return 1;
	}
	return 0;
}

static void
form_finish(struct loader *l, struct form *f, GArray *required)
{
	int	id;

	for (id = 0; id < FIELD_MAX; id++) {
		if (f->fields[id] == NULL && !form_without(f, id))
			f->fields[id] = l->shared[id];
	}
	if (required != NULL) {
		g_array_set_size(f->required, 0);
		g_array_append_vals(f->required, required->data, required->len);
	}
	f->index = label_index_new(f);
	g_ptr_array_add(l->rules->forms, f);
}

static GArray *
options_required(const struct rules_options *o, char **cause)
{
	GArray	*ids;
	size_t	 i;
	int	 id;

	if (o == NULL || o->required == NULL)
		return NULL;
	ids = g_array_new(FALSE, FALSE, sizeof(int));
	for (i = 0; o->required[i] != NULL; i++) {
		if ((id = field_id(o->required[i])) < 0) {
			cause_set(cause, "required: unknown field \"%s\"",
			    o->required[i]);
			g_array_free(ids, TRUE);
			return NULL;
		}
		g_array_append_val(ids, id);
	}
	return ids;
}

static int
activate_named(struct loader *l, const char *dir, const char *name,
    GArray *required, char **cause)
{
	struct form	*f;

	if (form_active(l->rules, name))
		return cause_set(cause, "forms: the form \"%s\" is named "
		    "twice", name);
	if ((f = form_take(l->forms, name)) == NULL)
		return cause_set(cause, "rules directory %s: no file defines "
		    "the form \"%s\"", dir, name);
	form_finish(l, f, required);
	return 0;
}

/* The forms named in the options, in their order; else every form. */
static int
activate_forms(struct loader *l, const char *dir,
    const struct rules_options *o, char **cause)
{
	GArray	*required;
	size_t	 i;
	int	 error = 0;

	if ((required = options_required(o, cause)) == NULL &&
	    o != NULL && o->required != NULL)
		return -1;
	for (i = 0; o != NULL && o->forms != NULL && o->forms[i] != NULL &&
	    error == 0; i++)
		error = activate_named(l, dir, o->forms[i], required, cause);
	while ((o == NULL || o->forms == NULL) && l->forms->len > 0)
		form_finish(l, g_ptr_array_steal_index(l->forms, 0), required);
	if (required != NULL)
		g_array_free(required, TRUE);
	return error;
}

int
rules_load(const char *dir, const struct rules_options *o,
    struct rules **out, char **cause)
{
	struct loader	 l;
	int		 error;

	memset(&l, 0, sizeof l);
	l.rules = g_new0(struct rules, 1);
	l.rules->forms = g_ptr_array_new_with_free_func(form_rule_free);
	l.rules->kinds = g_ptr_array_new_with_free_func(kind_rule_free);
	l.rules->owned = g_ptr_array_new_with_free_func(field_rule_free);
	l.rules->strings = g_string_chunk_new(256);
	l.forms = g_ptr_array_new_with_free_func(form_rule_free);
	error = load_dir(&l, dir, cause);
	if (error == 0)
		error = activate_forms(&l, dir, o, cause);
	g_ptr_array_free(l.forms, TRUE);
	if (error != 0) {
		rules_free(l.rules);
		return -1;
	}
	*out = l.rules;
	return 0;
}

void
rules_free(struct rules *r)
{
	int	i;

	if (r == NULL)
		return;
	g_ptr_array_free(r->forms, TRUE);
	g_ptr_array_free(r->kinds, TRUE);
	g_ptr_array_free(r->owned, TRUE);
	re_free(r->text.closing);
	re_free(r->text.signature);
	re_free(r->text.disclaimer);
	re_free(r->text.reply);
	re_free(r->text.empty);
	re_free(r->text.noreply);
	re_free(r->text.forward);
	re_free(r->letter.apply);
	re_free(r->letter.ask);
	for (i = 0; i < FIELD_MAX; i++) {
		re_free(r->letter.prose[i]);
		re_free(r->letter.sign[i]);
	}
	g_string_chunk_free(r->strings);
	g_free(r);
}
