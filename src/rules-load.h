/*
 * rules-load.h -- the loader shared by rules.c (files, lines, values),
 * rules-groups.c (what the keys of each group mean) and rules-words.c (a
 * file's named pieces of pattern).  Only those three include it.
 */
#ifndef MENTORMAIL_RULES_LOAD_H
#define MENTORMAIL_RULES_LOAD_H

#include <glib.h>

#include "keyfile.h"
#include "rules-int.h"

/* What is being loaded: one file at a time, into one rules set. */
struct loader {
	const char	*path;
	const char	*name;		/* base name, in rules->strings */
	struct keyfile	*kf;		/* the file, with its lines */
	struct rules	*rules;
	GPtrArray	*forms;		/* every form defined, struct form * */
	struct field_rule *shared[FIELD_MAX];
	struct form	*form;		/* the file's form, or NULL */
	int		 kinds;		/* the file defines kinds */
	GHashTable	*words;		/* the file's [words]: name -> piece */
};

/* One key of a group: `key` ends in '.' for a family such as "choice.". */
struct key_rule {
	const char	*key;
	int		(*set)(struct loader *, const char *group,
			    const char *key, const char *value, void *target,
			    char **cause);
};

/* Compile `value` into *out (replacing it), or fail with file:line. */
int	loader_compile(const struct loader *, const char *group,
	    const char *key, const char *value, struct re **out, char **cause);

/* "A | B | C": texts as written, none empty, or NULL.  Caller frees. */
char	**loader_texts(const struct loader *, const char *group,
	    const char *key, const char *value, char **cause);

/* "a, b; c": canonical field names as ids, or NULL.  Caller frees. */
GArray	*loader_fields(const struct loader *, const char *group,
	    const char *key, const char *value, char **cause);

/* 1 for yes/true, 0 for no/false, -1 otherwise. */
int	loader_yes_no(const char *);

/* Apply every key of `group` through `table`; unknown keys are errors. */
int	loader_keys(struct loader *, const char *group,
	    const struct key_rule *table, size_t n, void *target, char **cause);

/* rules-groups.c: one group each; 0, or -1 with *cause set. */
int	group_field(struct loader *, const char *group, char **cause);
int	group_form(struct loader *, const char *group, char **cause);
int	group_kind(struct loader *, const char *group, char **cause);
int	group_text(struct loader *, const char *group, char **cause);
int	group_letter(struct loader *, const char *group, char **cause);
/* rules-words.c: the file's [words], read before its other groups. */
int	group_words(struct loader *, const char *group, char **cause);
/* `value` with each {word} put in, or NULL with *cause.  Caller frees. */
char	*words_expand(const struct loader *, const char *group,
	    const char *key, const char *value, char **cause);
/* The fields this file's kinds extract are defined next to them. */
int	group_check_extract(const struct loader *, char **cause);
void	field_rule_free(gpointer);
void	form_rule_free(gpointer);
void	kind_rule_free(gpointer);

#endif
