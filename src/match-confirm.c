/*
 * match-confirm.c -- the step before an introduction that some programs
 * take (Wyoming: "both the prospective mentor and the protégé will be
 * interviewed/consulted", and the mentee's supervisor consulted "if
 * needed"): each one named by [calendar] confirm is asked by mail to
 * confirm the pairing; all yes introduces the pair, one no sends it back
 * to matching with the reason kept.
 */
#include <string.h>

#include <glib.h>

#include "compose.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "state-calendar.h"
#include "state-match.h"
#include "state-participant.h"
#include "template.h"

/* Who is asked, and at which address; NULL when there is nobody. */
static char *
confirmer_address(struct match_ctx *m, const struct match_row *row,
    const char *who, char **name, char **cause)
{
	GHashTable	*f;
	char		*addr = NULL;

	*name = NULL;
	if (strcmp(who, "supervisor") != 0) {
		participant_contact(m->db, strcmp(who, "mentee") == 0 ?
		    row->mentee : row->mentor, name, &addr, cause);
		return addr;
	}
	if ((f = participant_fields(m->db, row->mentee, cause)) == NULL)
		return NULL;
	addr = g_strdup(g_hash_table_lookup(f, "supervisor_email"));
	*name = g_strdup(g_hash_table_lookup(f, "supervisor_name"));
	g_hash_table_destroy(f);
	return addr;
}

/* What a request names: the two people, and whom it asks. */
static struct tvars *
confirm_vars(struct match_ctx *m, const struct match_row *row,
    const char *who, const char *name)
{
	struct tvars	*v = reply_vars(m->cfg);
	char		*a, *ea, *b, *eb;

	participant_contact(m->db, row->mentee, &a, &ea, NULL);
	participant_contact(m->db, row->mentor, &b, &eb, NULL);
	tvars_set(v, "me.name", name);
	tvars_set(v, "who", who);
	tvars_set(v, "mentee.name", a);
	tvars_set(v, "mentor.name", b);
	tvars_set(v, "supervisor", strcmp(who, "supervisor") == 0 ? "yes" :
	    NULL);
	tvars_set(v, "mentee", strcmp(who, "mentee") == 0 ? "yes" : NULL);
	tvars_set(v, "why", row->why);
	g_free(a);
	g_free(ea);
	g_free(b);
	g_free(eb);
	return v;
}

static int
ask_one(struct match_ctx *m, const struct match_row *row, const char *who,
    char **cause)
{
	struct tvars	*v;
	struct outmail	 o;
	char		*name, *addr, *subject = NULL, *body = NULL, *kind;
	int		 error;

	if ((addr = confirmer_address(m, row, who, &name, cause)) == NULL) {
		g_free(name);
		/* No supervisor address on the form: nobody to ask. */
		return cause != NULL && *cause != NULL ? -1 : 0;
	}
	v = confirm_vars(m, row, who, name);
	kind = g_strconcat("confirm-", who, NULL);
	error = reply_render(m->replies, "confirm-request", v, &subject, &body,
	    cause);
	o = (struct outmail){ .to_addr = addr, .to_name = name,
	    .subject = subject, .body = body, .kind = kind,
	    .participant = strcmp(who, "mentor") == 0 ? row->mentor :
	    row->mentee, .match = row->id, .date = m->prog->now,
	    .auto_submitted = COMPOSE_AUTO_GENERATED };
	if (error == 0)
		error = state_confirm_ask(m->db, row->id, who, addr, m->now,
		    cause);
	if (error == 0 && outbox_queue(m->db, m->cfg, &o, NULL, cause) != 0)
		error = -1;
	g_free(kind);
	g_free(subject);
	g_free(body);
	g_free(name);
	g_free(addr);
	tvars_free(v);
	return error;
}

static int
row_copy(const struct match_row *row, void *arg)
{
	struct match_row	*copy = arg;

	*copy = *row;
	copy->status = g_strdup(row->status);
	copy->why = g_strdup(row->why);
	copy->runner_up = NULL;
	copy->created_at = NULL;
	return 0;
}

static void
row_clear(struct match_row *row)
{
	g_free((char *)row->status);
	g_free((char *)row->why);
}

int
match_confirm_or_introduce(struct match_ctx *m, int64_t id, char **cause)
{
	struct match_row	 row = { 0 };
	char *const		*who = m->cfg->calendar.confirm;
	int			 error;

	if (who == NULL)
		return match_introduce(m, id, cause);
	if (state_match_get(m->db, id, row_copy, &row, cause) != 1)
		return -1;
	error = state_match_confirm(m->db, id, "waiting", cause);
	for (; error == 0 && *who != NULL; who++)
		error = ask_one(m, &row, *who, cause);
	if (error == 0)
		log_info("match %lld: confirmations asked", (long long)id);
	row_clear(&row);
	return error;
}

/* Whether every one asked has said yes. */
static int
all_yes(struct match_ctx *m, int64_t id, char **cause)
{
	int64_t	waiting;

	waiting = db_query_int(m->db, cause, NULL, "SELECT count(*) FROM "
	    "confirmation WHERE match = ? AND answer IS NOT 'yes'", "i", id);
	return waiting < 0 ? -1 : waiting == 0;
}

static int
declined(struct match_ctx *m, const struct match_row *row, const char *who,
    const char *reason, char **cause)
{
	char	*why, *text;
	int	 error;

	why = g_strdup_printf("declined by the %s%s%s", who,
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	error = state_match_decide(m->db, row->id, "ended", why, m->now,
	    cause);
	if (error == 0)
		error = state_match_rule(m->db, row->mentee, row->mentor,
		    "exclude", m->now, cause);
	text = g_strdup_printf("match %lld was %s; both are back in the pool",
	    (long long)row->id, why);
	if (error == 0)
		error = state_notice_add(m->db, row->id, 0, 0, "declined", text,
		    m->now, cause);
	g_free(text);
	g_free(why);
	return error;
}

int
match_confirm_answer(struct match_ctx *m, int64_t id, const char *who,
    int yes, const char *reason, int64_t message, const char **outcome,
    char **cause)
{
	struct match_row	 row = { 0 };
	int			 error, all;

	*outcome = "waiting";
	if (state_match_get(m->db, id, row_copy, &row, cause) != 1)
		return -1;
	error = state_confirm_answer(m->db, id, who, yes ? "yes" : "no",
	    reason, message, m->now, cause);
	if (error == 0 && !yes) {
		*outcome = "declined";
		error = declined(m, &row, who, reason, cause);
	} else if (error == 0 && (all = all_yes(m, id, cause)) < 0)
		error = -1;
	else if (error == 0 && all) {
		*outcome = "introduced";
		error = state_match_confirm(m->db, id, "confirmed", cause);
		if (error == 0)
			error = match_introduce(m, id, cause);
	}
	row_clear(&row);
	return error;
}
