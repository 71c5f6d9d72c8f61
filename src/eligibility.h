/*
 * eligibility.h -- whether an application meets the program's conditions
 * ([eligibility] in the configuration: data, not code).
 */
#ifndef MENTORMAIL_ELIGIBILITY_H
#define MENTORMAIL_ELIGIBILITY_H

#include <glib.h>

struct config;

/*
 * Check the applicant's `fields` (name -> value) for `role` against every
 * condition that applies.  A condition on a field the application does
 * not have is not judged here, but for `present` (which fails): the
 * caller asks for the field first (eligibility_wanted).  Appends one
 * sentence per failed condition to `reasons` (g_malloc'd strings) and
 * returns how many failed.
 */
int	eligibility_check(const struct config *, const char *role,
	    GHashTable *fields, GPtrArray *reasons);

/*
 * The fields the conditions for `role` need that `fields` does not give:
 * an application is incomplete, and asked for them, until it gives them,
 * so that no condition is ever passed for want of its field.  Appends
 * each name not in `missing` yet (g_malloc'd; `missing` frees with
 * g_free) and returns how many it added.
 */
int	eligibility_wanted(const struct config *, const char *role,
	    GHashTable *fields, GPtrArray *missing);

#endif
