/*
 * rules-groups.c -- what each group of a rules file means: the keys of
 * [field NAME], [form], [kind NAME] and [text], each a row of a table
 * with the function that checks and keeps its value (rules/README.md
 * documents them for coordinators).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "rules-int.h"
#include "rules-load.h"

static const char *const kind_names[] = {
	"application", "goals", "meeting_report", "evaluation", "checkin",
	"confirmation", "command", "withdrawal", "form_request", "other",
};

/* [field NAME] */

static int
fk_labels(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	g_strfreev(fr->labels);
	fr->labels_line = keyfile_line(l->kf, group, key);
	fr->labels = loader_texts(l, group, key, value, cause);
	if (fr->labels == NULL) {
		fr->labels = g_new0(char *, 1);
		return -1;
	}
	return 0;
}

static int
fk_title(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	g_free(fr->title);
	fr->title = g_strstrip(g_strdup(value));
	return 0;
}

static int
fk_pattern(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	return loader_compile(l, group, key, value, &fr->pattern, cause);
}

static int
fk_search(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	fr->search_line = keyfile_line(l->kf, group, key);
	return loader_compile(l, group, key, value, &fr->search, cause);
}

/*
 * "prefer = ... in libraries altogether": a statement that says it best,
 * looked for before `search` ("nine years as director ..., so 14 years
 * in libraries altogether" is 14).
 */
static int
fk_prefer(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	return loader_compile(l, group, key, value, &fr->prefer, cause);
}

static int
fk_question(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	fr->question_line = keyfile_line(l->kf, group, key);
	return loader_compile(l, group, key, value, &fr->question, cause);
}

static int
fk_continued(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	return loader_compile(l, group, key, value, &fr->continued, cause);
}

static int
fk_in(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	if (strcmp(value, "subject") == 0)
		fr->search_in = SEARCH_SUBJECT;
	else if (strcmp(value, "body") == 0)
		fr->search_in = SEARCH_BODY;
	else if (strcmp(value, "both") == 0)
		fr->search_in = SEARCH_SUBJECT | SEARCH_BODY;
	else
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] in must be subject, body or both, not \"%s\"", group,
		    value);
	return 0;
}

static int
fk_normalise(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	char			*names;

	if ((fr->norm = normaliser_find(value)) != NULL)
		return 0;
	names = normaliser_list();
	keyfile_error(l->kf, group, key, cause, "unknown normaliser \"%s\" "
	    "(use one of: %s)", value, names);
	g_free(names);
	return -1;
}

static int
fk_text(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	if (strcmp(value, "line") != 0 && strcmp(value, "multiline") != 0)
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] text must be line or multiline, not \"%s\"", group,
		    value);
	fr->multiline = strcmp(value, "multiline") == 0;
	return 0;
}

static int
fk_multiple(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	if ((fr->multiple = loader_yes_no(value)) < 0)
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] multiple must be yes or no, not \"%s\"", group,
		    value);
	return 0;
}

static int
fk_fallback(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	if (strcmp(value, "from") == 0)
		((struct field_rule *)target)->fallback_from = 1;
	else if (strcmp(value, "sender") == 0)
		((struct field_rule *)target)->fallback_sender = 1;
	else
		return keyfile_error(l->kf, group, key, cause, "[%s] fallback "
		    "is \"from\" (the sender's address) or \"sender\" (the "
		    "sender's name)", group);
	return 0;
}

static int
fk_choice(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct choice		 c;

	if (fr->choices->len >= CHOICE_MAX)
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] more than %d choices", group, CHOICE_MAX);
	if ((c.texts = loader_texts(l, group, key, value, cause)) == NULL)
		return -1;
	c.value = g_strdup(key + strlen("choice."));
	g_array_append_val(fr->choices, c);
	return 0;
}

static int
fk_map(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct mapping		 m = { NULL, NULL };

	if (loader_compile(l, group, key, value, &m.re, cause) != 0)
		return -1;
	m.value = g_strdup(key + strlen("map."));
	g_array_append_val(fr->maps, m);
	return 0;
}

static int
fk_from(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct derive		 d = { -1, NULL, 0 };

	if ((d.source = field_id(key + strlen("from."))) < 0)
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] %s: unknown field \"%s\"", group, key,
		    key + strlen("from."));
	if (loader_compile(l, group, key, value, &d.re, cause) != 0)
		return -1;
	d.line = keyfile_line(l->kf, group, key);
	g_array_append_val(fr->derives, d);
	return 0;
}

static int
fk_phrase(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct mapping		 m = { NULL, NULL };

	if (loader_compile(l, group, key, value, &m.re, cause) != 0)
		return -1;
	m.value = g_strdup(key + strlen("phrase."));
	fr->phrases_line = keyfile_line(l->kf, group, key);
	g_array_append_val(fr->phrases, m);
	return 0;
}

/* "decision.mentee = so I'd like to apply as a mentee": weighed, chosen. */
static int
fk_decision(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct mapping		 m = { NULL, NULL };

	if (loader_compile(l, group, key, value, &m.re, cause) != 0)
		return -1;
	m.value = g_strdup(key + strlen("decision."));
	g_array_append_val(fr->decisions, m);
	return 0;
}

/*
 * "undecided = can't decide which": the applicant has not chosen, even
 * when the words name one value; asked in a question too ("Could I do
 * both?").
 */
static int
fk_undecided(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;

	return loader_compile(l, group, key, value, &fr->undecided, cause);
}

static int
fk_implied(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct field_rule	*fr = target;
	struct implied		 im;

	if ((im.ids = loader_fields(l, group, key, value, cause)) == NULL)
		return -1;
	im.value = g_strdup(key + strlen("implied."));
	g_array_append_val(fr->implied, im);
	return 0;
}

static const struct key_rule field_keys[] = {
	{ "labels", fk_labels },
	{ "title", fk_title },
	{ "pattern", fk_pattern },
	{ "search", fk_search },
	{ "prefer", fk_prefer },
	{ "question", fk_question },
	{ "continued", fk_continued },
	{ "in", fk_in },
	{ "normalise", fk_normalise },
	{ "text", fk_text },
	{ "multiple", fk_multiple },
	{ "fallback", fk_fallback },
	{ "choice.", fk_choice },
	{ "map.", fk_map },
	{ "from.", fk_from },
	{ "phrase.", fk_phrase },
	{ "decision.", fk_decision },
	{ "undecided", fk_undecided },
	{ "implied.", fk_implied },
};

/* Free a GArray of struct mapping's contents and the array. */
static void
mappings_free(GArray *a)
{
	guint	k;

	for (k = 0; k < a->len; k++) {
		g_free(g_array_index(a, struct mapping, k).value);
		re_free(g_array_index(a, struct mapping, k).re);
	}
	g_array_free(a, TRUE);
}

void
field_rule_free(gpointer p)
{
	struct field_rule	*fr = p;
	guint			 k;

	g_strfreev(fr->labels);
	g_free(fr->title);
	re_free(fr->pattern);
	re_free(fr->search);
	re_free(fr->prefer);
	re_free(fr->question);
	re_free(fr->continued);
	re_free(fr->undecided);
	for (k = 0; k < fr->choices->len; k++) {
		g_free(g_array_index(fr->choices, struct choice, k).value);
		g_strfreev(g_array_index(fr->choices, struct choice, k).texts);
	}
	for (k = 0; k < fr->maps->len; k++) {
		g_free(g_array_index(fr->maps, struct mapping, k).value);
		re_free(g_array_index(fr->maps, struct mapping, k).re);
	}
	for (k = 0; k < fr->derives->len; k++)
		re_free(g_array_index(fr->derives, struct derive, k).re);
	mappings_free(fr->phrases);
	mappings_free(fr->decisions);
	for (k = 0; k < fr->implied->len; k++) {
		g_free(g_array_index(fr->implied, struct implied, k).value);
		g_array_free(g_array_index(fr->implied, struct implied, k).ids,
		    TRUE);
	}
	g_array_free(fr->implied, TRUE);
	g_array_free(fr->choices, TRUE);
	g_array_free(fr->maps, TRUE);
	g_array_free(fr->derives, TRUE);
	g_free(fr);
}

/* What a field's keys must agree on. */
static int
field_check(const struct loader *l, const char *group,
    const struct field_rule *fr, char **cause)
{
	int	found_by = fr->labels[0] != NULL || fr->search != NULL ||
	    fr->question != NULL;

	if (fr->choices->len > 0 && fr->maps->len > 0)
		return keyfile_error(l->kf, group, NULL, cause, "[%s] has both "
		    "choice.* and map.* keys: use one or the other", group);
	if (fr->multiple && fr->choices->len == 0)
		return keyfile_error(l->kf, group, "multiple", cause, "[%s] "
		    "multiple = yes needs choice.* keys", group);
	if (fr->prefer != NULL && fr->search == NULL)
		return keyfile_error(l->kf, group, "prefer", cause, "[%s] "
		    "prefer needs a search to be preferred to", group);
	if (fr->choices->len > 0 && !found_by)
		return keyfile_error(l->kf, group, NULL, cause,
		    "[%s] has choice.* options but no labels (or search) to "
		    "find them by", group);
	if (!found_by && fr->derives->len == 0)
		return keyfile_error(l->kf, group, NULL, cause,
		    "[%s] needs labels, search or from.FIELD", group);
	return 0;
}

/* Where a field defined in this file goes: its form, the kinds, all. */
static struct field_rule **
field_slot(struct loader *l, int id)
{
	if (l->form != NULL)
		return &l->form->fields[id];
	if (l->kinds)
		return &l->rules->kind_fields[id];
	return &l->shared[id];
}

int
group_field(struct loader *l, const char *group, char **cause)
{
	struct field_rule	*fr, **slot;
	const char		*name = group + strlen("field ");
	int			 id;

	if ((id = field_id(name)) < 0)
		return keyfile_error(l->kf, group, NULL, cause, "[%s]: unknown "
		    "field \"%s\" (rules/README.md lists the fields)", group,
		    name);
	if (*(slot = field_slot(l, id)) != NULL)
		return keyfile_error(l->kf, group, NULL, cause,
		    "[%s] is defined twice, also in %s", group,
		    (*slot)->loc.file);
	fr = g_new0(struct field_rule, 1);
	fr->id = id;
	fr->loc.file = l->name;
	fr->loc.line = keyfile_line(l->kf, group, NULL);
	fr->labels = g_new0(char *, 1);
	fr->search_in = SEARCH_SUBJECT | SEARCH_BODY;
	fr->choices = g_array_new(FALSE, FALSE, sizeof(struct choice));
	fr->maps = g_array_new(FALSE, FALSE, sizeof(struct mapping));
	fr->derives = g_array_new(FALSE, FALSE, sizeof(struct derive));
	fr->phrases = g_array_new(FALSE, FALSE, sizeof(struct mapping));
	fr->decisions = g_array_new(FALSE, FALSE, sizeof(struct mapping));
	fr->implied = g_array_new(FALSE, FALSE, sizeof(struct implied));
	g_ptr_array_add(l->rules->owned, fr);
	if (loader_keys(l, group, field_keys, G_N_ELEMENTS(field_keys), fr,
	    cause) != 0 || field_check(l, group, fr, cause) != 0)
		return -1;
	if (fr->norm == NULL)
		fr->norm = normaliser_find(fr->multiline ? "multiline" :
		    "text");
	*slot = fr;
	return 0;
}

/* ------------------------------------------------------------------ */
/* [form] */

static int
fo_name(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;
	guint		 i;

	if (*value == '\0' || strspn(value, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") != strlen(value))
		return keyfile_error(l->kf, group, key, cause,
		    "[form] name must be lower-case letters, digits, '-' and "
		    "'_', not \"%s\"", value);
	for (i = 0; i < l->forms->len; i++) {
		if (strcmp(((struct form *)l->forms->pdata[i])->name,
		    value) == 0)
			return keyfile_error(l->kf, group, key, cause,
			    "the form \"%s\" is also defined in %s", value,
			    ((struct form *)l->forms->pdata[i])->loc.file);
	}
	f->name = g_strdup(value);
	return 0;
}

static int
fo_title(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	g_free(((struct form *)target)->title);
	((struct form *)target)->title = g_strdup(value);
	return 0;
}

static int
fo_match(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;

	return loader_compile(l, group, key, value, &f->match, cause);
}

static int
fo_required(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;
	GArray		*ids;

	if ((ids = loader_fields(l, group, key, value, cause)) == NULL)
		return -1;
	if (strcmp(key, "required") == 0) {
		g_array_free(f->required, TRUE);
		f->required = ids;
	} else
		g_hash_table_replace(f->required_role,
		    g_strdup(key + strlen("required.")), ids);
	return 0;
}

static int
fo_ignore(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;

	g_strfreev(f->ignore);
	f->ignore = loader_texts(l, group, key, value, cause);
	return f->ignore != NULL ? 0 : -1;
}

static int
fo_skip(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;

	f->skip_line = keyfile_line(l->kf, group, key);
	return loader_compile(l, group, key, value, &f->skip, cause);
}

static int
fo_without(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct form	*f = target;

	if (f->without != NULL)
		g_array_free(f->without, TRUE);
	f->without = loader_fields(l, group, key, value, cause);
	return f->without != NULL ? 0 : -1;
}

static const struct key_rule form_keys[] = {
	{ "name", fo_name },
	{ "title", fo_title },
	{ "match", fo_match },
	{ "required", fo_required },
	{ "required.", fo_required },
	{ "ignore", fo_ignore },
	{ "skip", fo_skip },
	{ "without", fo_without },
};

void
form_rule_free(gpointer p)
{
	struct form	*f = p;

	g_free(f->name);
	g_free(f->title);
	re_free(f->match);
	re_free(f->skip);
	if (f->without != NULL)
		g_array_free(f->without, TRUE);
	g_strfreev(f->ignore);
	g_array_free(f->required, TRUE);
	g_hash_table_destroy(f->required_role);
	label_index_free(f->index);
	g_free(f);
}

static void
ids_free(gpointer p)
{
	g_array_free(p, TRUE);
}

int
group_form(struct loader *l, const char *group, char **cause)
{
	struct form	*f;

	f = g_new0(struct form, 1);
	f->loc.file = l->name;
	f->loc.line = keyfile_line(l->kf, group, NULL);
	f->required = g_array_new(FALSE, FALSE, sizeof(int));
	f->required_role = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, ids_free);
	if (loader_keys(l, group, form_keys, G_N_ELEMENTS(form_keys), f,
	    cause) != 0) {
		form_rule_free(f);
		return -1;
	}
	if (f->name == NULL) {
		form_rule_free(f);
		return keyfile_error(l->kf, group, NULL, cause,
		    "[form] needs a name");
	}
	g_ptr_array_add(l->forms, f);
	l->form = f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* [kind NAME] */

static int
ki_from(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct kind	*k = target;

	if (strcmp(value, "coordinator") == 0)
		k->coordinator = 1;
	else if (strcmp(value, "newcomer") == 0)
		k->newcomer = 1;
	else if (strcmp(value, "anyone") == 0)
		k->coordinator = 0;
	else
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] from must be coordinator, newcomer or anyone, not \"%s\"",
		    group, value);
	return 0;
}

static int
ki_subject(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct kind	*k = target;

	return loader_compile(l, group, key, value, &k->subject, cause);
}

static int
ki_body(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct kind	*k = target;

	return loader_compile(l, group, key, value, &k->body, cause);
}

static int
ki_reply_to(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct kind	*k = target;
	char		**w;
	size_t		  i, n = 0;

	w = g_strsplit_set(value, ",;", -1);
	for (i = 0; w[i] != NULL; i++) {
		g_strstrip(w[i]);
		if (*w[i] != '\0')
			w[n++] = w[i];
		else
			g_free(w[i]);
	}
	w[n] = NULL;
	if (n == 0) {
		g_strfreev(w);
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] reply_to needs the kinds of our mail, e.g. checkin",
		    group);
	}
	g_strfreev(k->reply_to);
	k->reply_to = w;
	return 0;
}

static int
ki_fields(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || *value == '\0' || *end != '\0' || n < 0 ||
	    n > FIELD_MAX)
		return keyfile_error(l->kf, group, key, cause,
		    "[%s] fields must be a number from 0 to %d, not \"%s\"",
		    group, FIELD_MAX, value);
	((struct kind *)target)->min_fields = (int)n;
	return 0;
}

static int
ki_extract(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct kind	*k = target;
	GArray		*ids;

	if ((ids = loader_fields(l, group, key, value, cause)) == NULL)
		return -1;
	g_array_free(k->extract, TRUE);
	k->extract = ids;
	return 0;
}

/* A kind's field is found without labels: it needs a `search`. */
static int
check_kind_field(const struct loader *l, const struct kind *k, int id,
    char **cause)
{
	const struct field_rule	*fr = l->rules->kind_fields[id];
	char			*group;
	int			 error;

	if (fr != NULL && fr->search != NULL)
		return 0;
	group = g_strdup_printf("kind %s", k->name);
	if (fr == NULL)
		error = keyfile_error(l->kf, group, "extract", cause,
		    "[%s] extract: no [field %s] in this file", group,
		    field_name(id));
	else
		error = keyfile_error(l->kf, group, "extract", cause,
		    "[%s] extract: [field %s] needs a search pattern", group,
		    field_name(id));
	g_free(group);
	return error;
}

/* The fields this file's kinds extract must be defined in it. */
int
group_check_extract(const struct loader *l, char **cause)
{
	const struct kind	*k;
	guint			 i, j;
	int			 id, error = 0;

	for (i = 0; i < l->rules->kinds->len && error == 0; i++) {
		k = l->rules->kinds->pdata[i];
		if (k->loc.file != l->name)
			continue;
		for (j = 0; j < k->extract->len && error == 0; j++) {
			id = g_array_index(k->extract, int, j);
			error = check_kind_field(l, k, id, cause);
		}
	}
	return error;
}

static const struct key_rule kind_keys[] = {
	{ "from", ki_from },
	{ "subject", ki_subject },
	{ "body", ki_body },
	{ "fields", ki_fields },
	{ "reply_to", ki_reply_to },
	{ "extract", ki_extract },
};

void
kind_rule_free(gpointer p)
{
	struct kind	*k = p;

	g_free(k->name);
	re_free(k->subject);
	re_free(k->body);
	g_strfreev(k->reply_to);
	g_array_free(k->extract, TRUE);
	g_free(k);
}

static int
kind_known(const char *name)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(kind_names); i++) {
		if (strcmp(kind_names[i], name) == 0)
			return 1;
	}
	return 0;
}

int
group_kind(struct loader *l, const char *group, char **cause)
{
	struct kind	*k;
	const char	*name = group + strlen("kind ");
	guint		 i;

	if (!kind_known(name))
		return keyfile_error(l->kf, group, NULL, cause,
		    "[%s]: unknown kind (kinds are application, goals, "
		    "meeting_report, evaluation, checkin, confirmation, command, "
		    "withdrawal, form_request and other)", group);
	for (i = 0; i < l->rules->kinds->len; i++) {
		k = l->rules->kinds->pdata[i];
		if (strcmp(k->name, name) == 0)
			return keyfile_error(l->kf, group, NULL, cause,
			    "[%s] is defined twice, also in %s", group,
			    k->loc.file);
	}
	k = g_new0(struct kind, 1);
	k->name = g_strdup(name);
	k->loc.file = l->name;
	k->loc.line = keyfile_line(l->kf, group, NULL);
	k->extract = g_array_new(FALSE, FALSE, sizeof(int));
	g_ptr_array_add(l->rules->kinds, k);
	return loader_keys(l, group, kind_keys, G_N_ELEMENTS(kind_keys), k,
	    cause);
}

/* ------------------------------------------------------------------ */
/* [text] */

static const struct text_key {
	const char	*key;
	size_t		 offset;
} text_keys[] = {
	{ "closing", offsetof(struct text_rules, closing) },
	{ "signature", offsetof(struct text_rules, signature) },
	{ "disclaimer", offsetof(struct text_rules, disclaimer) },
	{ "reply", offsetof(struct text_rules, reply) },
	{ "empty", offsetof(struct text_rules, empty) },
	{ "noreply", offsetof(struct text_rules, noreply) },
	{ "forward", offsetof(struct text_rules, forward) },
};

static int
te_pattern(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct re	**slot = NULL;
	size_t		  i;

	for (i = 0; i < G_N_ELEMENTS(text_keys); i++) {
		if (strcmp(text_keys[i].key, key) == 0)
			slot = (struct re **)((char *)target +
			    text_keys[i].offset);
	}
	if (*slot != NULL)
		return keyfile_error(l->kf, group, key, cause,
		    "[text] %s is set in another file too", key);
	return loader_compile(l, group, key, value, slot, cause);
}

static const struct key_rule text_rule_keys[] = {
	{ "closing", te_pattern },
	{ "signature", te_pattern },
	{ "disclaimer", te_pattern },
	{ "reply", te_pattern },
	{ "empty", te_pattern },
	{ "noreply", te_pattern },
	{ "forward", te_pattern },
};

int
group_text(struct loader *l, const char *group, char **cause)
{
	return loader_keys(l, group, text_rule_keys,
	    G_N_ELEMENTS(text_rule_keys), &l->rules->text, cause);
}


/* ------------------------------------------------------------------ */
/* [letter] */

static int
le_once(struct loader *l, const char *group, const char *key,
    struct re **slot, const char *value, char **cause)
{
	if (*slot != NULL)
		return keyfile_error(l->kf, group, key, cause,
		    "[letter] %s is set in another file too", key);
	return loader_compile(l, group, key, value, slot, cause);
}

static int
le_fields(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct letter_rules	*lr = target;
	char			*end;
	long			 n = strtol(value, &end, 10);

	if (*value == '\0' || *end != '\0' || n < 0 || n > FIELD_MAX)
		return keyfile_error(l->kf, group, key, cause,
		    "[letter] fields must be a number from 0 to %d, not \"%s\"",
		    FIELD_MAX, value);
	lr->fields = (int)n;
	return 0;
}

static int
le_pattern(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct letter_rules	*lr = target;

	return le_once(l, group, key, strcmp(key, "apply") == 0 ?
	    &lr->apply : &lr->ask, value, cause);
}

/* prose.FIELD and sign.FIELD: a pattern for a canonical field. */
static int
le_field(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct letter_rules	*lr = target;
	int			 prose = g_str_has_prefix(key, "prose."), id;

	if ((id = field_id(strchr(key, '.') + 1)) < 0)
		return keyfile_error(l->kf, group, key, cause,
		    "[letter] %s: unknown field \"%s\"", key,
		    strchr(key, '.') + 1);
	if (prose)
		lr->prose_line[id] = keyfile_line(l->kf, group, key);
	else
		lr->sign_line[id] = keyfile_line(l->kf, group, key);
	return le_once(l, group, key, prose ? &lr->prose[id] : &lr->sign[id],
	    value, cause);
}

static int
le_signed(struct loader *l, const char *group, const char *key,
    const char *value, void *target, char **cause)
{
	struct letter_rules	*lr = target;
	GArray			*ids;
	guint			 i;

	if ((ids = loader_fields(l, group, key, value, cause)) == NULL)
		return -1;
	for (i = 0; i < ids->len; i++)
		lr->signed_first |= (field_mask)1 << g_array_index(ids, int, i);
	g_array_free(ids, TRUE);
	return 0;
}

static const struct key_rule letter_keys[] = {
	{ "fields", le_fields },
	{ "signed", le_signed },
	{ "apply", le_pattern },
	{ "ask", le_pattern },
	{ "prose.", le_field },
	{ "sign.", le_field },
};

int
group_letter(struct loader *l, const char *group, char **cause)
{
	l->rules->letter.loc.file = l->name;
	l->rules->letter.loc.line = keyfile_line(l->kf, group, NULL);
	return loader_keys(l, group, letter_keys, G_N_ELEMENTS(letter_keys),
	    &l->rules->letter, cause);
}
