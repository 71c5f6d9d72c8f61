/*
 * reply.c -- templates by name, each with the schema of names it may use.
 *
 * The schemas are the contract between the code that fills the variables
 * (process.c) and the coordinator who edits the wording: templates/README.md
 * lists the same names.
 */
#include <string.h>

#include <glib.h>

#include "config.h"
#include "log.h"
#include "reply.h"
#include "template.h"

/* A schema: plain names, then lists as "list:item1,item2". */
struct reply_def {
	const char	*name;		/* templates/NAME.txt */
	const char	*names;		/* space separated */
	const char	*lists;		/* "list:a,b list2:c" */
};

#define PROGRAM	"program.name program.the_name program.address " \
	"program.coordinator term.mentee term.mentor "
/* Mail to coordinators carries a command token (token.h). */
#define TOKEN	"token token_expires "

/* The digest's names and lists (digest.c). */
#define DIGEST	"day period.from quiet proposals.count pool.mentees_waiting " \
	"pool.mentors_room pairs stipends.owed health.last_ok " \
	"health.failing health.stalled " TOKEN
#define DIGEST_LISTS	"proposals:text decisions:text overdue:text " \
	"reminders:text arrived:text failed:text wanted:text " \
	"bars:label,value,total,pct"

/* What every mail about a pair may say (calendar_vars). */
#define PAIR	"me.name other.name other.email role other.role mentee match " \
	"alumni start end ended goals_by first_meeting_by evaluation_by " \
	"first_meeting_in_person cadence contacts_expected stipend " \
	"stipend.currency stipend.amount stipend.max_meetings " \
	"stipend.min_hours stipend.min_total_hours stipend.mileage_rate "

static const struct reply_def reply_defs[] = {
	{ "receipt", PROGRAM "form.title applicant.name applicant.email role "
	    "resubmission complete text_cut opens",
	    "fields:name,label,value missing:name,label,hint unclear:text "
	    "cut:label,chars" },
	{ "ineligible", PROGRAM "applicant.name applicant.email role",
	    "reasons:text" },
	{ "not-understood", PROGRAM "applicant.name applicant.email subject",
	    "" },
	{ "form-request", PROGRAM "applicant.name applicant.email subject "
	    "form form.title", "" },
	{ "introduction", PROGRAM PAIR,
	    "other.fields:label,value attachments:name" },
	{ "confirm-request", PROGRAM "me.name who mentee.name mentor.name "
	    "supervisor mentee why", "" },
	{ "confirm-receipt", PROGRAM PAIR "answer outcome", "" },
	{ "goals-reminder", PROGRAM PAIR "due", "" },
	{ "first-meeting-reminder", PROGRAM PAIR "due", "" },
	{ "evaluation-reminder", PROGRAM PAIR "due", "" },
	{ "contact-nudge", PROGRAM PAIR, "" },
	{ "checkin", PROGRAM PAIR, "" },
	{ "mentorship-end", PROGRAM PAIR, "" },
	{ "thanks", PROGRAM PAIR, "" },
	{ "goals-receipt", PROGRAM PAIR "late revision", "goals:text" },
	{ "meeting-receipt", PROGRAM PAIR "meeting.date meeting.mode "
	    "meeting.hours meeting.place meeting.miles meeting.travel "
	    "meeting.topics same paid paid.number paid.total reimbursed "
	    "unpaid owed held released hours.total", "" },
	{ "checkin-receipt", PROGRAM PAIR "verdict ending", "" },
	{ "evaluation-receipt", PROGRAM PAIR "satisfaction keep_in_touch "
	    "mentor_again", "" },
	{ "digest", PROGRAM DIGEST, DIGEST_LISTS },
	{ "digest-html", PROGRAM DIGEST, DIGEST_LISTS },
	{ "alarm", PROGRAM "since", "" },
	{ "recovered", PROGRAM "since", "" },
	{ "proposals", PROGRAM TOKEN "count one introduced more_proposals "
	    "more_unmatched",
	    "proposals:id,mentee,mentor,score,why,runner_up,new "
	    "unmatched:name,why" },
	{ "command-transcript", PROGRAM TOKEN "subject how done_count "
	    "not_done_count more", "lines:line,result,done" },
	{ "command-refused", PROGRAM TOKEN "subject why from date message "
	    "more", "lines:line" },
	{ "withdraw-confirm", PROGRAM "applicant.name applicant.email days",
	    "" },
	{ "withdrawn", PROGRAM "applicant.name applicant.email days done kept "
	    "already unknown", "" },
	{ "withdrawal-notice", PROGRAM TOKEN "applicant.name applicant.email "
	    "done", "" },
};

struct replies {
	struct template	*t[G_N_ELEMENTS(reply_defs)];
};

static void
schema_lists(struct tvars *schema, const char *lists, const char *value)
{
	char		**l, **names, *colon;
	struct tvars	 *item;
	size_t		  i, j;

	l = g_strsplit(lists, " ", -1);
	for (i = 0; l[i] != NULL; i++) {
		if ((colon = strchr(l[i], ':')) == NULL)
			continue;
		*colon = '\0';
		item = tvars_add_item(schema, l[i]);
		names = g_strsplit(colon + 1, ",", -1);
		for (j = 0; names[j] != NULL; j++)
			tvars_set(item, names[j], value);
		g_strfreev(names);
	}
	g_strfreev(l);
}

static struct tvars *
schema_new(const struct reply_def *d, const char *value)
{
	struct tvars	 *schema = tvars_new();
	char		**names;
	size_t		  i;

	names = g_strsplit(d->names, " ", -1);
	for (i = 0; names[i] != NULL; i++) {
		if (*names[i] != '\0')
			tvars_set(schema, names[i], value);
	}
	g_strfreev(names);
	schema_lists(schema, d->lists, value);
	return schema;
}

char *
reply_path(const struct config *cfg, const char *file)
{
	char	*own;

	if (cfg->own_templates != NULL) {
		own = g_build_filename(cfg->own_templates, file, NULL);
		if (g_file_test(own, G_FILE_TEST_EXISTS))
			return own;
		g_free(own);
	}
	return g_build_filename(cfg->templates, file, NULL);
}

static int
reply_load_one(const struct config *cfg, const struct reply_def *d,
    struct template **out, char **cause)
{
	struct tvars	*schema;
	char		*path, *file;
	int		 error;

	file = g_strconcat(d->name, ".txt", NULL);
	path = reply_path(cfg, file);
	g_free(file);
	error = template_load(path, out, cause);
	g_free(path);
	if (error != 0)
		return -1;
	/* A template whose name ends in -html writes an HTML body. */
	if (g_str_has_suffix(d->name, "-html"))
		template_set_html(*out);
	schema = schema_new(d, "");
	error = template_check(*out, schema, cause);
	tvars_free(schema);
	return error;
}

int
replies_load(const struct config *cfg, struct replies **out, char **cause)
{
	struct replies	*r = g_new0(struct replies, 1);
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(reply_defs); i++) {
		if (reply_load_one(cfg, &reply_defs[i], &r->t[i], cause) != 0) {
			replies_free(r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

void
replies_free(struct replies *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(reply_defs); i++)
		template_free(r->t[i]);
	g_free(r);
}

struct tvars *
reply_vars(const struct config *cfg)
{
	struct tvars	*v = tvars_new();

	tvars_set(v, "program.name", cfg->name);
	tvars_set(v, "program.the_name", cfg->the_name);
	tvars_set(v, "program.address", cfg->address);
	tvars_set(v, "program.coordinator", cfg->coordinators[0]);
	tvars_set(v, "term.mentee", cfg->mentee_term);
	tvars_set(v, "term.mentor", cfg->mentor_term);
	return v;
}

int
reply_render(const struct replies *r, const char *name,
    const struct tvars *vars, char **subject, char **body, char **cause)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(reply_defs); i++) {
		if (strcmp(reply_defs[i].name, name) == 0)
			return template_render(r->t[i], vars, subject, body,
			    cause);
	}
	fatal("reply_render: no template \"%s\"", name);
}

const char *
reply_name(size_t i)
{
	return i < G_N_ELEMENTS(reply_defs) ? reply_defs[i].name : NULL;
}

struct tvars *
reply_schema(const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(reply_defs); i++) {
		if (strcmp(reply_defs[i].name, name) == 0)
			return schema_new(&reply_defs[i], value);
	}
	return NULL;
}
