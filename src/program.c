/*
 * program.c -- the run context (program.h).
 */
#include <glib.h>

#include "clock.h"
#include "config.h"
#include "program.h"
#include "reply.h"
#include "rules.h"

int
program_open(const struct config *cfg, struct db *db, GDateTime *now,
    struct program **out, char **cause)
{
	struct rules_options	 opts = { .forms = cfg->forms,
				    .required = cfg->required };
	struct program		*p = g_new0(struct program, 1);

	p->cfg = cfg;
	p->db = db;
	p->now = g_date_time_ref(now);
	p->now_iso = clock_iso(p->now);
	if (rules_load(cfg->rules, &opts, &p->rules, cause) != 0 ||
	    replies_load(cfg, &p->replies, cause) != 0) {
		program_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void
program_free(struct program *p)
{
	if (p == NULL)
		return;
	if (p->rules != NULL)
		rules_free(p->rules);
	replies_free(p->replies);
	g_date_time_unref(p->now);
	g_free(p->now_iso);
	g_free(p);
}

void
program_set_clock(struct program *p, GDateTime *now)
{
	g_date_time_unref(p->now);
	g_free(p->now_iso);
	p->now = g_date_time_ref(now);
	p->now_iso = clock_iso(now);
}

int
program_is_coordinator(const struct program *p, const char *addr)
{
	char	**c;

	for (c = p->cfg->coordinators; addr != NULL && c != NULL && *c != NULL;
	    c++) {
		if (g_ascii_strcasecmp(*c, addr) == 0)
			return 1;
	}
	return 0;
}
