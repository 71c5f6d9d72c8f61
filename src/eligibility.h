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
 * not have is not judged (a missing field is asked for instead).  Appends
 * one sentence per failed condition to `reasons` (g_malloc'd strings) and
 * returns how many failed.
 */
int	eligibility_check(const struct config *, const char *role,
	    GHashTable *fields, GPtrArray *reasons);

#endif
