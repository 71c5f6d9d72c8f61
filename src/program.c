/*
 * program.c -- the run context (program.h).
 */
#include <errno.h>
#include <unistd.h>

#include <glib.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "program.h"
#include "reply.h"
#include "rules.h"

static int
field_unasked(const struct config *cfg, const char *group, const char *key,
    const char *name, char **cause)
{
	char	*list;

	if (cfg->forms == NULL)
		return config_error(cfg, group, key, cause, "[%s] %s: no form "
		    "in the rules asks for \"%s\"", group, key, name);
	list = g_strjoinv(", ", cfg->forms);
	config_error(cfg, group, key, cause, "[%s] %s: the form%s in use (%s) "
	    "%s not ask for \"%s\"", group, key, cfg->forms[1] != NULL ?
	    "s" : "", list, cfg->forms[1] != NULL ? "do" : "does", name);
	g_free(list);
	return -1;
}

/* Each of `names` is a field some active form asks for. */
static int
fields_asked(const struct config *cfg, const struct rules *rules,
    const char *group, const char *key, char *const *names, char **cause)
{
	size_t	i;

	/* A default names what any form might ask: only what is written. */
	if (names == NULL || config_line(cfg, group, key) == 0)
		return 0;
	for (i = 0; names[i] != NULL; i++) {
		if (!rules_field_asked(rules, names[i]))
			return field_unasked(cfg, group, key, names[i], cause);
	}
	return 0;
}

/*
 * Every field the configuration names is one the active forms ask for:
 * a condition on a field no form asks would keep everyone incomplete, a
 * [matching] show of one would show nothing, and either is a typo or a
 * form that was changed.
 */
static int
check_fields(const struct config *cfg, const struct rules *rules,
    char **cause)
{
	const struct eligibility_rule	*r;
	guint				 i;

	for (i = 0; cfg->eligibility != NULL && i < cfg->eligibility->len;
	    i++) {
		r = g_ptr_array_index(cfg->eligibility, i);
		if (!rules_field_asked(rules, r->field))
			return field_unasked(cfg, "eligibility", r->name,
			    r->field, cause);
	}
	if (fields_asked(cfg, rules, "matching", "show", cfg->matching.show,
	    cause) != 0)
		return -1;
	return fields_asked(cfg, rules, "program", "required", cfg->required,
	    cause);
}

/*
 * The files [matching] attachments names are in the program's own
 * templates or the shipped ones (reply_path): else every introduction
 * would fail when it is composed.
 */
static int
check_attachments(const struct config *cfg, char **cause)
{
	char	*path;
	size_t	 i;
	int	 ok;

	for (i = 0; cfg->matching.attachments != NULL &&
	    cfg->matching.attachments[i] != NULL; i++) {
		path = reply_path(cfg, cfg->matching.attachments[i]);
		ok = g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
		    access(path, R_OK) == 0;
		g_free(path);
		if (!ok)
			return config_error(cfg, "matching", "attachments",
			    cause, "[matching] attachments: no file \"%s\" "
			    "can be read in %s%s%s", cfg->matching.attachments[i],
			    cfg->own_templates != NULL ? cfg->own_templates : "",
			    cfg->own_templates != NULL ? " or " : "",
			    cfg->templates);
	}
	return 0;
}

char *
program_form_path(const struct program *prog)
{
	const char	*form = rules_form_name(prog->rules, 0);
	char		*file, *path;

	if (form == NULL)
		return NULL;
	file = g_strdup_printf("form-%s.txt", form);
	path = reply_path(prog->cfg, file);
	g_free(file);
	return path;
}

/*
 * A program that answers requests for the form has the blank form of its
 * first form in the templates directory.
 */
static int
check_blank_form(const struct program *p, char **cause)
{
	char	*path;
	int	 ok;

	if (!rules_has_kind(p->rules, "form_request") ||
	    (path = program_form_path(p)) == NULL)
		return 0;
	ok = access(path, R_OK) == 0;
	if (!ok)
		cause_set(cause, "%s: %s: the blank form sent to whoever asks "
		    "for it ([kind form_request] in the rules)", path,
		    g_strerror(errno));
	g_free(path);
	return ok ? 0 : -1;
}

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
	    check_fields(cfg, p->rules, cause) != 0 ||
	    check_attachments(cfg, cause) != 0 ||
	    check_blank_form(p, cause) != 0 ||
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
