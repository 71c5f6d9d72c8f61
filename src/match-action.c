/*
 * match-action.c -- the coordinator's decisions on matches, the
 * introductions an approval sends, and a participant leaving the program.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "rules.h"
#include "calendar.h"
#include "calendar-date.h"
#include "state-calendar.h"
#include "state-match.h"
#include "state-outbox.h"
#include "state-participant.h"
#include "template.h"
#include "token.h"

/* A match as read back, with its state. */
struct proposal {
	int64_t	 id, mentee, mentor;
	char	*status;
};

static int
pair_row(const struct match_row *row, void *arg)
{
	struct proposal	*p = arg;

	p->id = row->id;
	p->mentee = row->mentee;
	p->mentor = row->mentor;
	p->status = g_strdup(row->status);
	return 0;
}

/* The pending proposal `id`, or -1 with a cause saying why it is not. */
static int
pending(struct match_ctx *m, int64_t id, struct proposal *p, char **cause)
{
	int	found;

	memset(p, 0, sizeof(*p));
	found = state_match_get(m->db, id, pair_row, p, cause);
	if (found < 0)
		return -1;
	if (found == 0)
		return cause_set(cause, "there is no match %lld (a proposal that "
		    "is no longer the best is withdrawn: run \"mentormail match\" "
		    "to see the current ones)", (long long)id);
	if (strcmp(p->status, "proposed") != 0) {
		cause_set(cause, "match %lld is %s already", (long long)id,
		    p->status);
		g_free(p->status);
		return -1;
	}
	return 0;
}

/* Whether approving `p` keeps the mentee single and the mentor in bounds. */
static int
room_for(struct match_ctx *m, const struct proposal *p, char **cause)
{
	GHashTable	*f;
	int64_t		 taken, mentee_has;
	int		 capacity = 1, found;

	mentee_has = db_query_int(m->db, cause, &found, "SELECT count(*) FROM "
	    "match WHERE mentee = ? AND status = 'approved'", "i", p->mentee);
	if (found < 0)
		return -1;
	if (mentee_has > 0)
		return cause_set(cause, "match %lld: the mentee already has an "
		    "approved match", (long long)p->id);
	taken = db_query_int(m->db, cause, &found, "SELECT count(*) FROM "
	    "match WHERE mentor = ? AND status = 'approved'", "i", p->mentor);
	if (found < 0 || (f = participant_fields(m->db, p->mentor,
	    cause)) == NULL)
		return -1;
	if (g_hash_table_lookup(f, "capacity") != NULL)
		capacity = MAX(1, atoi(g_hash_table_lookup(f, "capacity")));
	g_hash_table_destroy(f);
	if (taken >= capacity)
		return cause_set(cause, "match %lld: the mentor has no room "
		    "left (%d of %d taken)", (long long)p->id, (int)taken,
		    capacity);
	return 0;
}

/* What `me` is told of `other`: the fields [matching] show allows. */
static void
intro_fields(struct match_ctx *m, struct tvars *v, GHashTable *other)
{
	const char	*value;
	char		*title;
	struct tvars	*item;
	size_t		 i;

	for (i = 0; m->cfg->matching.show[i] != NULL; i++) {
		value = g_hash_table_lookup(other, m->cfg->matching.show[i]);
		if (value == NULL)
			continue;
		title = rules_field_title(m->rules, NULL,
		    m->cfg->matching.show[i]);
		item = tvars_add_item(v, "other.fields");
		tvars_set(item, "label", title);
		tvars_set(item, "value", value);
		g_free(title);
	}
}

/* What an introduction says: the calendar's names and the other's fields. */
static struct tvars *
intro_vars(struct match_ctx *m, const struct pair *p, GHashTable *other,
    int to_mentee, char **cause)
{
	struct tvars	*v = reply_vars(m->cfg);
	size_t		 i;

	if (calendar_vars(m->prog, p, to_mentee, v, cause) != 0) {
		tvars_free(v);
		return NULL;
	}
	intro_fields(m, v, other);
	for (i = 0; m->cfg->matching.attachments[i] != NULL; i++)
		tvars_set(tvars_add_item(v, "attachments"), "name",
		    m->cfg->matching.attachments[i]);
	return v;
}

/* Paths of the [matching] attachments (reply_path).  Caller frees. */
static char **
attachment_paths(struct match_ctx *m)
{
	size_t	  i, n = g_strv_length(m->cfg->matching.attachments);
	char	**paths = g_new0(char *, n + 1);

	for (i = 0; i < n; i++)
		paths[i] = reply_path(m->cfg, m->cfg->matching.attachments[i]);
	return paths;
}

/*
 * Queue one introduction to participant `to` (at their own address, the
 * key every other step uses); its Message-ID goes to *msgid (caller
 * frees).
 */
static int
intro_send(struct match_ctx *m, const struct pair *p, int to_mentee,
    GHashTable *other, char **msgid, char **cause)
{
	struct tvars	*v;
	struct outmail	 o;
	int64_t		 to = to_mentee ? p->mentee : p->mentor, id = 0;
	char		*subject = NULL, *body = NULL, **paths, *name, *addr;
	int		 error;

	if (participant_contact(m->db, to, &name, &addr, cause) < 0)
		return -1;
	paths = attachment_paths(m);
	v = intro_vars(m, p, other, to_mentee, cause);
	error = v == NULL ? -1 : reply_render(m->replies, "introduction", v,
	    &subject, &body, cause);
	o = (struct outmail){ .to_addr = addr, .to_name = name,
	    .subject = subject, .body = body, .kind = "introduction",
	    .participant = to, .match = p->id, .date = m->prog->now,
	    .auto_submitted = COMPOSE_AUTO_GENERATED,
	    .attachments = (const char *const *)paths };
	if (error == 0 && outbox_queue(m->db, m->cfg, &o, &id, cause) != 0)
		error = -1;
	if (error == 0 && (*msgid = state_outbox_message_id(m->db, id,
	    cause)) == NULL)
		error = -1;
	g_strfreev(paths);
	g_free(subject);
	g_free(body);
	g_free(name);
	g_free(addr);
	tvars_free(v);
	return error;
}

/* Introduce the pair of match `id` to each other: the mentorship starts. */
int
match_introduce(struct match_ctx *m, int64_t id, char **cause)
{
	GHashTable	*mentee = NULL, *mentor = NULL;
	struct pair	*p = NULL;
	char		*a = NULL, *b = NULL;
	int		 error = -1;

	if (calendar_start(m->prog, id, NULL, NULL, cause) != 0 ||
	    state_calendar_pair(m->db, id, &p, cause) != 1)
		return -1;
	mentee = participant_fields(m->db, p->mentee, cause);
	if (mentee != NULL)
		mentor = participant_fields(m->db, p->mentor, cause);
	if (mentor != NULL && intro_send(m, p, 1, mentor, &a, cause) == 0 &&
	    intro_send(m, p, 0, mentee, &b, cause) == 0)
		error = state_match_introduced(m->db, p->id, a, b, cause);
	if (mentee != NULL)
		g_hash_table_destroy(mentee);
	if (mentor != NULL)
		g_hash_table_destroy(mentor);
	g_free(a);
	g_free(b);
	pair_free(p);
	return error;
}

int
match_approve(struct match_ctx *m, int64_t id, char **cause)
{
	struct proposal	p;
	int		error;

	if (pending(m, id, &p, cause) != 0)
		return -1;
	error = room_for(m, &p, cause);
	if (error == 0)
		error = state_match_decide(m->db, id, "approved", NULL, m->now,
		    cause);
	if (error == 0)
		error = match_confirm_or_introduce(m, id, cause);
	if (error == 0)
		log_info("match %lld approved", (long long)id);
	g_free(p.status);
	return error;
}

int
match_reject(struct match_ctx *m, int64_t id, char **cause)
{
	struct proposal	p;
	int		error;

	if (pending(m, id, &p, cause) != 0)
		return -1;
	error = state_match_decide(m->db, id, "rejected", "by the coordinator",
	    m->now, cause);
	g_free(p.status);
	return error;
}

/* The participant at `email` with role `role`, or -1 with a cause. */
static int64_t
participant_in_role(struct match_ctx *m, const char *email, const char *role,
    char **cause)
{
	int64_t	id;
	int	found;

	id = db_query_int(m->db, cause, &found, "SELECT p.id FROM participant "
	    "p JOIN participant_field f ON f.participant = p.id AND f.name = "
	    "'role' WHERE p.email = ? AND f.value = ?", "tt", email, role);
	if (found < 0)
		return -1;
	if (found == 0)
		return cause_set(cause, "no %s has the address %s", role, email);
	return id;
}

static int
match_rule(struct match_ctx *m, const char *mentee, const char *mentor,
    const char *kind, char **cause)
{
	int64_t	a, b;

	if ((a = participant_in_role(m, mentee, "mentee", cause)) < 0 ||
	    (b = participant_in_role(m, mentor, "mentor", cause)) < 0)
		return -1;
	return state_match_rule(m->db, a, b, kind, m->now, cause);
}

int
match_pin(struct match_ctx *m, const char *mentee, const char *mentor,
    char **cause)
{
	return match_rule(m, mentee, mentor, "pin", cause);
}

int
match_exclude(struct match_ctx *m, const char *mentee, const char *mentor,
    char **cause)
{
	return match_rule(m, mentee, mentor, "exclude", cause);
}

/* ------------------------------------------------------------------ */
/* What a pin or an exclusion means now, for the coordinator. */

/* "Name <address>", as the proposals name people.  Caller frees. */
static char *
person_label(struct match_ctx *m, int64_t id, char **cause)
{
	char	*name, *addr, *label;

	if (participant_contact(m->db, id, &name, &addr, cause) < 0)
		return NULL;
	label = g_strdup_printf("%s <%s>", name != NULL ? name : "(no name)",
	    addr != NULL ? addr : "?");
	g_free(name);
	g_free(addr);
	return label;
}

/* The mentees mentor `id` may take ([field capacity], 1 when not said). */
static int
capacity_of(struct match_ctx *m, int64_t id, char **cause)
{
	GHashTable	*f;
	const char	*c;
	int		 n = 1;

	if ((f = participant_fields(m->db, id, cause)) == NULL)
		return -1;
	if ((c = g_hash_table_lookup(f, "capacity")) != NULL)
		n = MAX(1, atoi(c));
	g_hash_table_destroy(f);
	return n;
}

/* The two people of a rule, where they stand, and how they are named. */
struct rule_pair {
	int64_t			 a, b;		/* mentee, mentor */
	char			*la, *lb;
	struct match_standing	 sa, sb;
	int			 capacity;	/* of the mentor */
};

static void
rule_pair_clear(struct rule_pair *p)
{
	g_free(p->la);
	g_free(p->lb);
	state_match_standing_clear(&p->sa);
	state_match_standing_clear(&p->sb);
}

static int
rule_pair_load(struct match_ctx *m, const char *mentee, const char *mentor,
    struct rule_pair *p, char **cause)
{
	memset(p, 0, sizeof *p);
	if ((p->a = participant_in_role(m, mentee, "mentee", cause)) < 0 ||
	    (p->b = participant_in_role(m, mentor, "mentor", cause)) < 0 ||
	    (p->la = person_label(m, p->a, cause)) == NULL ||
	    (p->lb = person_label(m, p->b, cause)) == NULL ||
	    state_match_standing(m->db, p->a, 1, &p->sa, cause) != 0 ||
	    state_match_standing(m->db, p->b, 0, &p->sb, cause) != 0 ||
	    (p->capacity = capacity_of(m, p->b, cause)) < 0)
		return -1;
	return 0;
}

/* An application not complete and eligible keeps its owner out. */
static void
facts_status(GString *s, const char *label, const char *status)
{
	if (status != NULL && strcmp(status, "applied") != 0)
		g_string_append_printf(s, "%s is %s: they are in no round "
		    "until their application is complete and eligible\n",
		    label, status);
}

/* What keeps the rule from acting, a line each. */
static void
rule_facts(const struct rule_pair *p, int pin, GString *s)
{
	if (p->sa.match != 0 && p->sa.partner == p->b)
		g_string_append_printf(s, "they are matched already (match "
		    "%lld)%s\n", (long long)p->sa.match, pin ? "" : ": the "
		    "exclusion does not end that match");
	else if (p->sa.match != 0)
		g_string_append_printf(s, "%s is matched already (match "
		    "%lld): %s changes nothing while that match runs\n", p->la,
		    (long long)p->sa.match, pin ? "the pin" : "the exclusion");
	facts_status(s, p->la, p->sa.status);
	facts_status(s, p->lb, p->sb.status);
	if (pin && p->sa.partner != p->b && p->sb.taken >= p->capacity)
		g_string_append_printf(s, "%s has no room left (%d of %d "
		    "mentee%s taken): the pin waits until they have room\n",
		    p->lb, p->sb.taken, p->capacity, p->capacity == 1 ? "" :
		    "s");
}

/* The proposal of `l`'s match, when it is for mentee `a`: its mentor. */
static int64_t
proposal_for(struct match_ctx *m, const struct match_line *l, int64_t a,
    char **cause)
{
	struct proposal	p;
	int		found;

	found = state_match_get(m->db, l->id, pair_row, &p, cause);
	if (found <= 0)
		return found;
	g_free(p.status);
	return p.mentee == a ? p.mentor : 0;
}

/* What the round in `r` does with the rule's mentee, in a sentence. */
static int
round_says(struct match_ctx *m, const struct rule_pair *p,
    const struct match_report *r, GString *s, char **cause)
{
	const struct match_line	*l;
	int64_t			 mentor;
	guint			 i;

	for (i = 0; i < r->proposals->len; i++) {
		l = g_ptr_array_index(r->proposals, i);
		if ((mentor = proposal_for(m, l, p->a, cause)) < 0)
			return -1;
		if (mentor == 0)
			continue;
		g_string_append_printf(s, "the next round proposes %s with "
		    "%s (score %d)%s\n", p->la, l->mentor, l->score, strcmp(
		    m->cfg->matching.mode, "auto") == 0 ? ", and introduces "
		    "them" : ", for you to approve");
		return 0;
	}
	for (i = 0; i < r->unmatched->len; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		if (strcmp(l->mentee, p->la) == 0) {
			g_string_append_printf(s, "the next round proposes "
			    "nobody for %s: %s\n", p->la, l->why);
			return 0;
		}
	}
	return 0;
}

/* Make the next round, read what it does, and undo it. */
static int
rule_round(struct match_ctx *m, const struct rule_pair *p, GString *s,
    char **cause)
{
	struct match_report	*r = NULL;
	int			 error;

	if (db_savepoint(m->db, cause) != 0)
		return -1;
	error = match_propose(m, &r, cause);
	if (error == 0)
		error = round_says(m, p, r, s, cause);
	match_report_free(r);
	if (db_rollback_savepoint(m->db, error == 0 ? cause : NULL) != 0)
		error = -1;
	return error;
}

int
match_rule_outlook(struct match_ctx *m, const char *mentee,
    const char *mentor, char **out, char **cause)
{
	struct rule_pair	 p;
	GString			*s = g_string_new(NULL);
	char			*kind;
	int			 error;

	*out = NULL;
	error = rule_pair_load(m, mentee, mentor, &p, cause);
	kind = error != 0 ? NULL : state_match_rule_kind(m->db, p.a, p.b,
	    cause);
	if (error == 0 && kind == NULL)
		error = -1;
	if (error == 0)
		rule_facts(&p, strcmp(kind, "pin") == 0, s);
	if (error == 0)
		error = rule_round(m, &p, s, cause);
	rule_pair_clear(&p);
	g_free(kind);
	if (error != 0) {
		g_string_free(s, TRUE);
		return -1;
	}
	*out = g_string_free(s, FALSE);
	return 0;
}

/* A mail a coordinator reads lists this many of each; the rest are counted. */
#define NOTIFY_MAX	100

static void
notify_proposal(struct tvars *v, const struct match_line *l)
{
	struct tvars	*item = tvars_add_item(v, "proposals");
	char		*n;

	n = g_strdup_printf("%lld", (long long)l->id);
	tvars_set(item, "id", n);
	g_free(n);
	n = g_strdup_printf("%d", l->score);
	tvars_set(item, "score", n);
	g_free(n);
	tvars_set(item, "mentee", l->mentee);
	tvars_set(item, "mentor", l->mentor);
	tvars_set(item, "why", l->why);
	tvars_set(item, "runner_up", l->runner_up);
	tvars_set(item, "new", l->created ? "yes" : NULL);
}

static void
set_more(struct tvars *v, const char *name, guint more)
{
	char	*n;

	if (more == 0)
		return;
	n = g_strdup_printf("%u", more);
	tvars_set(v, name, n);
	g_free(n);
}

/* New proposals first, then the others, NOTIFY_MAX in all. */
static void
notify_vars(struct tvars *v, const struct match_report *r)
{
	const struct match_line	*l;
	guint			 i, listed = 0, pass;
	struct tvars		*item;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < r->proposals->len; i++) {
			l = g_ptr_array_index(r->proposals, i);
			if (l->created != (pass == 0) || listed == NOTIFY_MAX)
				continue;
			notify_proposal(v, l);
			listed++;
		}
	}
	set_more(v, "more_proposals", r->proposals->len - listed);
	for (i = 0; i < r->unmatched->len && i < NOTIFY_MAX; i++) {
		l = g_ptr_array_index(r->unmatched, i);
		item = tvars_add_item(v, "unmatched");
		tvars_set(item, "name", l->mentee);
		tvars_set(item, "why", l->why);
	}
	set_more(v, "more_unmatched", r->unmatched->len - i);
}

/* Each coordinator's copy carries a token of its own, for replies. */
int
match_notify(struct match_ctx *m, const struct match_report *r,
    char **cause)
{
	struct token_mail	 t = { .kind = "proposals" };
	char			*count;
	int			 error;

	if (r->created == 0)
		return 0;
	t.vars = reply_vars(m->cfg);
	count = g_strdup_printf("%u", r->proposals->len);
	tvars_set(t.vars, "count", count);
	tvars_set(t.vars, "one", r->proposals->len == 1 ? "yes" : NULL);
	tvars_set(t.vars, "introduced", strcmp(m->cfg->matching.mode,
	    "auto") == 0 ? "yes" : NULL);
	notify_vars(t.vars, r);
	error = token_mail_queue(m->db, m->cfg, m->replies, m->prog->now, &t,
	    cause);
	g_free(count);
	tvars_free(t.vars);
	return error;
}

/* ------------------------------------------------------------------ */
/* Leaving the program. */

/* What withdrawing one participant touches. */
struct leaving {
	int64_t	 pid;
	GArray	*proposals;	/* int64_t: pending proposals of theirs */
	GArray	*matches;	/* int64_t: approved matches of theirs */
};

static int
leaving_row(const struct match_row *row, void *arg)
{
	struct leaving	*l = arg;

	if (row->mentee != l->pid && row->mentor != l->pid)
		return 0;
	g_array_append_val(strcmp(row->status, "proposed") == 0 ?
	    l->proposals : l->matches, row->id);
	return 0;
}

static int
withdraw_matches(struct match_ctx *m, struct leaving *l, const char *reason,
    GString *said, char **cause)
{
	char	*why;
	int64_t	 id;
	guint	 i;
	int	 error = 0;

	for (i = 0; i < l->proposals->len && error == 0; i++) {
		id = g_array_index(l->proposals, int64_t, i);
		error = state_match_delete_proposal(m->db, id, cause);
		g_string_append_printf(said, "proposal %lld withdrawn\n",
		    (long long)id);
	}
	why = g_strdup_printf("withdrawn%s%s", reason != NULL ? ": " : "",
	    reason != NULL ? reason : "");
	for (i = 0; i < l->matches->len && error == 0; i++) {
		id = g_array_index(l->matches, int64_t, i);
		error = state_match_decide(m->db, id, "ended", why, m->now,
		    cause);
		g_string_append_printf(said, "match %lld ended (the partner is "
		    "not told)\n", (long long)id);
	}
	g_free(why);
	return error;
}

int
match_withdraw(struct match_ctx *m, const char *email, const char *reason,
    GString *said, char **cause)
{
	struct leaving	 l = { 0 };
	char		*status = NULL;
	int		 error;

	if ((l.pid = participant_by_email(m->db, email, &status, cause)) < 0)
		return -1;
	if (l.pid == 0)
		return cause_set(cause, "nobody has the address %s", email);
	if (strcmp(status, PARTICIPANT_WITHDRAWN) == 0) {
		g_free(status);
		return cause_set(cause, "%s has withdrawn already", email);
	}
	g_free(status);
	l.proposals = g_array_new(FALSE, FALSE, sizeof(int64_t));
	l.matches = g_array_new(FALSE, FALSE, sizeof(int64_t));
	error = state_match_each(m->db, "proposed", leaving_row, &l, cause);
	if (error == 0)
		error = state_match_each(m->db, "approved", leaving_row, &l,
		    cause);
	if (error == 0)
		error = participant_set_status(m->db, l.pid,
		    PARTICIPANT_WITHDRAWN, reason, m->now, cause);
	if (error == 0)
		error = state_unmatched_remove(m->db, l.pid, cause);
	if (error == 0) {
		g_string_append_printf(said, "%s withdrawn%s%s\n", email,
		    reason != NULL ? ": " : "", reason != NULL ? reason : "");
		error = withdraw_matches(m, &l, reason, said, cause);
	}
	g_array_unref(l.proposals);
	g_array_unref(l.matches);
	return error;
}

int
match_end(struct match_ctx *m, int64_t id, const char *reason, char **cause)
{
	struct proposal	p;
	GDate		today;
	char		*day;
	int		found, error;

	memset(&p, 0, sizeof(p));
	if ((found = state_match_get(m->db, id, pair_row, &p, cause)) < 0)
		return -1;
	if (found == 0)
		return cause_set(cause, "there is no match %lld",
		    (long long)id);
	if (strcmp(p.status, "approved") != 0) {
		cause_set(cause, "match %lld is %s, not approved: only an "
		    "approved match can end", (long long)id, p.status);
		g_free(p.status);
		return -1;
	}
	g_free(p.status);
	/* Ended today: the calendar sends the end-of-mentorship mail. */
	date_of(m->prog->now, m->cfg->tz, &today);
	day = date_iso(&today);
	error = state_match_end(m->db, id, day, reason, m->now, cause);
	g_free(day);
	return error;
}

int
match_extend(struct match_ctx *m, int64_t id, const struct span *by,
    char **ends, char **cause)
{
	struct pair	*p = NULL;
	GDate		 start, end, ended;
	int		 found, has_ended, error;

	*ends = NULL;
	if ((found = state_calendar_pair(m->db, id, &p, cause)) < 0)
		return -1;
	if (found == 0 || strcmp(p->status, "approved") != 0 ||
	    pair_days(p, &start, &end, &ended, &has_ended) != 0) {
		pair_free(p);
		return cause_set(cause, "match %lld is not a running "
		    "mentorship", (long long)id);
	}
	date_add(&end, by);
	*ends = date_iso(&end);
	error = state_match_dates(m->db, id, p->starts_on, *ends, cause);
	pair_free(p);
	return error;
}
