/*
 * eligibility.c -- evaluating [eligibility] conditions.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "eligibility.h"

/* A number in `s` ("2", "0.5"), as the rules normalise them. */
static int
as_number(const char *s, double *out)
{
	char	*end;

	*out = g_ascii_strtod(s, &end);
	return end != s && *end == '\0';
}

/* -1, 0 or 1 as numbers when both are numbers, else as text. */
static int
compare(const char *a, const char *b)
{
	double	x, y;

	if (as_number(a, &x) && as_number(b, &y))
		return x < y ? -1 : x > y;
	return g_ascii_strcasecmp(a, b) < 0 ? -1 : g_ascii_strcasecmp(a, b) > 0;
}

static int
holds(const struct eligibility_rule *r, const char *value)
{
	int	c;

	if (strcmp(r->op, "present") == 0)
		return value != NULL && *value != '\0';
	c = compare(value, r->value);
	if (strcmp(r->op, ">=") == 0)
		return c >= 0;
	if (strcmp(r->op, "<=") == 0)
		return c <= 0;
	if (strcmp(r->op, ">") == 0)
		return c > 0;
	if (strcmp(r->op, "<") == 0)
		return c < 0;
	if (strcmp(r->op, "=") == 0)
		return c == 0;
	return c != 0;
}

static char *
reason(const struct eligibility_rule *r, const char *value)
{
	if (r->because != NULL && value != NULL)
		return g_strdup_printf("%s (your application says %s)",
		    r->because, value);
	if (r->because != NULL)
		return g_strdup(r->because);
	if (value == NULL)
		return g_strdup_printf("the program requires %s", r->field);
	return g_strdup_printf("the program requires %s %s %s (your "
	    "application says %s)", r->field, r->op, r->value, value);
}

int
eligibility_check(const struct config *cfg, const char *role,
    GHashTable *fields, GPtrArray *reasons)
{
	const struct eligibility_rule	*r;
	const char			*value;
	guint				 i;
	int				 failed = 0;

	for (i = 0; cfg->eligibility != NULL && i < cfg->eligibility->len;
	    i++) {
		r = g_ptr_array_index(cfg->eligibility, i);
		if (r->role != NULL && g_strcmp0(r->role, role) != 0)
			continue;
		value = g_hash_table_lookup(fields, r->field);
		/* Unknown is not ineligible: a missing field is asked for. */
		if (value == NULL && strcmp(r->op, "present") != 0)
			continue;
		if (holds(r, value))
			continue;
		g_ptr_array_add(reasons, reason(r, value));
		failed++;
	}
	return failed;
}

static int
listed(GPtrArray *names, const char *name)
{
	guint	i;

	for (i = 0; i < names->len; i++) {
		if (strcmp(g_ptr_array_index(names, i), name) == 0)
			return 1;
	}
	return 0;
}

int
eligibility_wanted(const struct config *cfg, const char *role,
    GHashTable *fields, GPtrArray *missing)
{
	const struct eligibility_rule	*r;
	const char			*value;
	guint				 i;
	int				 added = 0;

	for (i = 0; cfg->eligibility != NULL && i < cfg->eligibility->len;
	    i++) {
		r = g_ptr_array_index(cfg->eligibility, i);
		if (r->role != NULL && g_strcmp0(r->role, role) != 0)
			continue;
		value = g_hash_table_lookup(fields, r->field);
		if ((value != NULL && *value != '\0') ||
		    listed(missing, r->field))
			continue;
		g_ptr_array_add(missing, g_strdup(r->field));
		added++;
	}
	return added;
}
