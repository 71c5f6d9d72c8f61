/*
 * match.c -- proposing matches for the whole pool at once.
 *
 * The pool is every participant whose application is complete and
 * eligible.  Approved matches stay: their mentees are out of the pool and
 * their mentors have that much less room.  Every allowed pair is scored
 * (match-score.c), the assignment with the best total is found
 * (match-solve.c), and each proposal is stored with the criteria that made
 * it and the runner-up that lost; each mentee left out, with why.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "match-score.h"
#include "match-solve.h"
#include "state-match.h"
#include "state-participant.h"

/* One side of the pool. */
struct member {
	struct match_side	*side;
	int64_t			 id;
	char			*label;		/* "Name <address>" */
	int			 room;		/* mentors: places left */
};

/* A round of proposals. */
struct round {
	struct match_ctx	*m;
	GPtrArray		*mentees;	/* struct member * */
	GPtrArray		*mentors;
	GHashTable		*rules;		/* pair_key() -> kind */
	GArray			*pairs;		/* struct match_pair, by mentee */
	guint			*first;		/* mentee i's pairs start here */
	int			*taker;		/* per mentor: a mentee, or -1 */
	GArray			*fixed;		/* struct match_fixed */
	GHashTable		**refused;	/* per mentee: why -> count */
	int			*assign;	/* per mentee: mentor, or -1 */
	struct match_result	 result;
	struct match_report	*report;
	char			**cause;
};

static void
member_free(gpointer p)
{
	struct member	*mb = p;

	match_side_free(mb->side);
	g_free(mb->label);
	g_free(mb);
}

static void
match_line_free(gpointer p)
{
	struct match_line	*l = p;

	g_free(l->mentee);
	g_free(l->mentor);
	g_free(l->why);
	g_free(l->runner_up);
	g_free(l);
}

void
match_report_free(struct match_report *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref(r->proposals);
	g_ptr_array_unref(r->unmatched);
	g_free(r);
}

/*
 * A pair as one integer: row ids stay far below 2^32, and the lookup runs
 * for every pair of the pool, so it must not allocate.
 */
static gint64
pair_key(int64_t mentee, int64_t mentor)
{
	return (gint64)(((guint64)mentee << 32) | (guint32)mentor);
}

static char *
member_label(GHashTable *f, const char *email)
{
	const char	*name = g_hash_table_lookup(f, "name");

	return g_strdup_printf("%s <%s>", name != NULL ? name : "(no name)",
	    email);
}

/* One eligible participant into the pool, unless already matched. */
static int
pool_row(struct db_row *row, void *arg)
{
	struct round	*r = arg;
	struct member	*mb;
	GHashTable	*f;
	int		 mentee = strcmp(db_row_text(row, 1), "mentee") == 0;
	int		 approved = (int)db_row_int(row, 2);

	if (mentee && approved > 0)
		return 0;
	if ((f = participant_fields(r->m->db, db_row_int(row, 0),
	    r->cause)) == NULL)
		return -1;
	mb = g_new0(struct member, 1);
	mb->id = db_row_int(row, 0);
	mb->side = match_side_new(mb->id, f);
	mb->label = member_label(f, db_row_text(row, 3));
	mb->room = match_side_capacity(mb->side) - approved;
	g_hash_table_destroy(f);
	if (!mentee && mb->room <= 0) {
		member_free(mb);
		return 0;
	}
	g_ptr_array_add(mentee ? r->mentees : r->mentors, mb);
	return 0;
}

static int
round_pool(struct round *r)
{
	if (db_query(r->m->db, r->cause, pool_row, r, "SELECT p.id, f.value, "
	    "(SELECT count(*) FROM match m WHERE m.status = 'approved' AND "
	    "(m.mentee = p.id OR m.mentor = p.id)), p.email FROM participant "
	    "p JOIN participant_field f ON f.participant = p.id AND f.name = "
	    "'role' WHERE p.status = 'applied' AND f.value IN ('mentor', "
	    "'mentee') ORDER BY p.id", "") < 0)
		return -1;
	return 0;
}

static int
rule_row(struct db_row *row, void *arg)
{
	struct round	*r = arg;
	gint64		 key = pair_key(db_row_int(row, 0), db_row_int(row, 1));

	g_hash_table_insert(r->rules, g_memdup2(&key, sizeof(key)),
	    g_strdup(db_row_text(row, 2)));
	return 0;
}

/*
 * The coordinator's word on pairs: rejected proposals and ended matches
 * are never proposed again; pins and exclusions (read last, so they win).
 */
static int
round_rules(struct round *r)
{
	return db_query(r->m->db, r->cause, rule_row, r, "SELECT mentee, "
	    "mentor, 'exclude' FROM match WHERE status IN ('rejected', "
	    "'ended') UNION ALL SELECT mentee, mentor, kind FROM match_rule",
	    "") < 0 ? -1 : 0;
}

static const char *
rule_of(struct round *r, const struct member *a, const struct member *b)
{
	gint64	key;

	if (g_hash_table_size(r->rules) == 0)
		return NULL;
	key = pair_key(a->id, b->id);
	return g_hash_table_lookup(r->rules, &key);
}

static void
refuse(struct round *r, guint mentee, const char *why)
{
	GHashTable	*t = r->refused[mentee];

	g_hash_table_insert(t, (gpointer)why, GINT_TO_POINTER(
	    GPOINTER_TO_INT(g_hash_table_lookup(t, why)) + 1));
}

/* Every pair the rules allow, scored; pins as fixed pairs. */
static void
round_pairs(struct round *r)
{
	const struct match_weights	*w = &r->m->cfg->matching.weights;
	struct member			*a, *b;
	struct match_pair		 p;
	struct match_fixed		 f;
	const char			*kind, *why;
	guint				 i, j;
	int				 pinned, *pins;

	r->first = g_new0(guint, r->mentees->len + 1);
	pins = g_new0(int, MAX(r->mentors->len, 1));
	for (i = 0; i < r->mentees->len; i++) {
		r->first[i] = r->pairs->len;
		pinned = 0;
		a = g_ptr_array_index(r->mentees, i);
		for (j = 0; j < r->mentors->len; j++) {
			b = g_ptr_array_index(r->mentors, j);
			kind = rule_of(r, a, b);
			if (kind != NULL && strcmp(kind, "exclude") == 0) {
				refuse(r, i, "excluded by the coordinator");
				continue;
			}
			if (kind == NULL && !match_score_allowed(w, a->side,
			    b->side, &why)) {
				refuse(r, i, why);
				continue;
			}
			p = (struct match_pair){ .mentee = (int)i,
			    .mentor = (int)j,
			    .score = match_score(w, a->side, b->side, NULL) };
			g_array_append_val(r->pairs, p);
			/*
			 * One pin per mentee, the first in id order, and no
			 * more than the mentor has room for: a pin beyond that
			 * is an ordinary pair (the why does not say pinned).
			 */
			if (kind != NULL && !pinned && pins[j] < b->room) {
				f = (struct match_fixed){ p.mentee, p.mentor };
				g_array_append_val(r->fixed, f);
				pinned = 1;
				pins[j]++;
			}
		}
	}
	r->first[r->mentees->len] = r->pairs->len;
	g_free(pins);
}

/* Whether mentee `i` is pinned to mentor `j` this round. */
static int
is_fixed(struct round *r, int i, int j)
{
	const struct match_fixed	*f;
	guint				 k;

	for (k = 0; k < r->fixed->len; k++) {
		f = &g_array_index(r->fixed, struct match_fixed, k);
		if (f->mentee == i && f->mentor == j)
			return 1;
	}
	return 0;
}

/* The best pair of mentee `i` other than with mentor `not`, or NULL. */
static const struct match_pair *
runner_of(struct round *r, int i, int not)
{
	const struct match_pair	*p, *best = NULL;
	guint			 k;

	for (k = r->first[i]; k < r->first[i + 1]; k++) {
		p = &g_array_index(r->pairs, struct match_pair, k);
		if (p->mentor == not)
			continue;
		if (best == NULL || p->score > best->score)
			best = p;
	}
	return best;
}

/* Who mentor `j` went to this round (a mentee's label), or NULL. */
static const char *
taker_of(struct round *r, int j)
{
	if (r->taker[j] < 0)
		return NULL;
	return ((struct member *)g_ptr_array_index(r->mentees,
	    r->taker[j]))->label;
}

/* Why the runner-up lost to the mentor chosen. */
static char *
runner_text(struct round *r, int i, const struct match_pair *chosen)
{
	const struct match_pair	*p = runner_of(r, i, chosen->mentor);
	struct member		*b;
	GString			*why;
	const char		*taker;
	char			*text;

	if (p == NULL)
		return NULL;
	b = g_ptr_array_index(r->mentors, p->mentor);
	if (p->score > chosen->score && is_fixed(r, i, chosen->mentor))
		return g_strdup_printf("%s, score %d: a better fit, but the "
		    "coordinator pinned this pair", b->label, p->score);
	if (p->score > chosen->score && (taker = taker_of(r, p->mentor)) != NULL)
		return g_strdup_printf("%s, score %d: a better fit, but that "
		    "mentor is proposed for %s, where the pool gains more",
		    b->label, p->score, taker);
	why = g_string_new(NULL);
	match_score(&r->m->cfg->matching.weights,
	    ((struct member *)g_ptr_array_index(r->mentees, i))->side, b->side,
	    why);
	text = g_strdup_printf("%s, score %d, %s: %s", b->label, p->score,
	    p->score == chosen->score ? "as good" : p->score > chosen->score ?
	    "higher, but the whole pool scores more this way" : "lower",
	    why->str);
	g_string_free(why, TRUE);
	return text;
}

/* "3 same employer, 1 excluded by the coordinator", in a stable order. */
static char *
refused_sentence(GHashTable *refused)
{
	GList	*keys, *k;
	GString	*s = g_string_new(NULL);

	keys = g_list_sort(g_hash_table_get_keys(refused),
	    (GCompareFunc)strcmp);
	for (k = keys; k != NULL; k = k->next)
		g_string_append_printf(s, "%s%d %s", s->len > 0 ? ", " : "",
		    GPOINTER_TO_INT(g_hash_table_lookup(refused, k->data)),
		    (const char *)k->data);
	g_list_free(keys);
	return g_string_free(s, FALSE);
}

/* Why mentee `i` has no proposal: what tells a coordinator to recruit. */
static char *
unmatched_text(struct round *r, int i)
{
	const struct match_pair	*best = runner_of(r, i, -1);
	char			*counts, *text;

	if (r->mentors->len == 0)
		return g_strdup("no mentor has room: recruit mentors");
	if (best != NULL)
		return g_strdup_printf("its candidates are proposed for mentees "
		    "they suit better (best: %s, score %d, proposed for %s)",
		    ((struct member *)g_ptr_array_index(r->mentors,
		    best->mentor))->label, best->score,
		    taker_of(r, best->mentor));
	counts = refused_sentence(r->refused[i]);
	text = g_strdup_printf("no eligible mentor among %u: %s",
	    r->mentors->len, counts);
	g_free(counts);
	return text;
}

static const struct match_pair *
pair_of(struct round *r, int i, int j)
{
	const struct match_pair	*p;
	guint			 k;

	for (k = r->first[i]; k < r->first[i + 1]; k++) {
		p = &g_array_index(r->pairs, struct match_pair, k);
		if (p->mentor == j)
			return p;
	}
	return NULL;
}

static struct match_line *
line_new(int64_t id, const char *mentee, const char *mentor, int score,
    char *why, char *runner_up, int created)
{
	struct match_line	*l = g_new0(struct match_line, 1);

	*l = (struct match_line){ id, g_strdup(mentee), g_strdup(mentor),
	    score, why, runner_up, created };
	return l;
}

/* Store mentee `i`'s proposal, with why and the runner-up, and report it. */
static int
round_propose_one(struct round *r, int i, GHashTable *kept)
{
	struct member		*a = g_ptr_array_index(r->mentees, i);
	struct member		*b = g_ptr_array_index(r->mentors,
				    r->assign[i]);
	const struct match_pair	*chosen = pair_of(r, i, r->assign[i]);
	GString			*why = g_string_new(NULL);
	char			*runner;
	int64_t			 id;
	int			 created, score = chosen->score;

	if (is_fixed(r, i, r->assign[i]))
		g_string_append(why, "pinned by the coordinator; ");
	match_score(&r->m->cfg->matching.weights, a->side, b->side, why);
	runner = runner_text(r, i, chosen);
	if (state_match_propose(r->m->db, a->id, b->id, score, why->str,
	    runner, r->m->now, &id, &created, r->cause) != 0) {
		g_string_free(why, TRUE);
		g_free(runner);
		return -1;
	}
	g_hash_table_add(kept, g_memdup2(&id, sizeof(id)));
	g_ptr_array_add(r->report->proposals, line_new(id, a->label, b->label,
	    score, g_string_free(why, FALSE), runner, created));
	r->report->created += created;
	return 0;
}

static int
round_unmatched_one(struct round *r, int i)
{
	struct member	*a = g_ptr_array_index(r->mentees, i);
	char		*why = unmatched_text(r, i);

	if (state_unmatched_add(r->m->db, a->id, why, r->m->now,
	    r->cause) != 0) {
		g_free(why);
		return -1;
	}
	g_ptr_array_add(r->report->unmatched, line_new(0, a->label, NULL, 0,
	    why, NULL, 0));
	return 0;
}

static int
id_row(struct db_row *row, void *arg)
{
	int64_t	id = db_row_int(row, 0);

	g_array_append_val((GArray *)arg, id);
	return 0;
}

/* Pending proposals this round did not make again are withdrawn. */
static int
round_withdraw(struct round *r, GHashTable *kept)
{
	GArray	*ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
	guint	 k;
	int	 error = 0;

	if (db_query(r->m->db, r->cause, id_row, ids, "SELECT id FROM match "
	    "WHERE status = 'proposed'", "") < 0)
		error = -1;
	for (k = 0; k < ids->len && error == 0; k++) {
		if (!g_hash_table_contains(kept, &g_array_index(ids, int64_t,
		    k)) && db_exec(r->m->db, r->cause, "DELETE FROM match WHERE "
		    "id = ?", "i", g_array_index(ids, int64_t, k)) < 0)
			error = -1;
	}
	g_array_unref(ids);
	return error;
}

static int
round_store(struct round *r)
{
	GHashTable	*kept;
	guint		 i;
	int		 error;

	kept = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	error = state_unmatched_clear(r->m->db, r->cause);
	for (i = 0; i < r->mentees->len && error == 0; i++) {
		if (r->assign[i] >= 0)
			error = round_propose_one(r, (int)i, kept);
		else
			error = round_unmatched_one(r, (int)i);
	}
	if (error == 0)
		error = round_withdraw(r, kept);
	g_hash_table_destroy(kept);
	return error;
}

static int
round_solve(struct round *r)
{
	struct match_problem	 pb;
	int			*capacity;
	guint			 j;
	int			 error;

	capacity = g_new0(int, MAX(r->mentors->len, 1));
	for (j = 0; j < r->mentors->len; j++)
		capacity[j] = ((struct member *)g_ptr_array_index(r->mentors,
		    j))->room;
	pb = (struct match_problem){ .n_mentees = (int)r->mentees->len,
	    .n_mentors = (int)r->mentors->len, .capacity = capacity,
	    .pairs = (struct match_pair *)(void *)r->pairs->data,
	    .n_pairs = r->pairs->len,
	    .fixed = (struct match_fixed *)(void *)r->fixed->data,
	    .n_fixed = r->fixed->len,
	    .flags = r->m->cfg->matching.maximize_count ?
	    MATCH_MAXIMIZE_COUNT : 0 };
	error = match_solve(&pb, &r->result, r->cause);
	g_free(capacity);
	if (error != 0)
		return -1;
	r->assign = r->result.mentor;
	r->taker = g_new(int, MAX(r->mentors->len, 1));
	for (j = 0; j < r->mentors->len; j++)
		r->taker[j] = -1;
	for (j = 0; j < r->mentees->len; j++) {
		if (r->assign[j] >= 0 && r->taker[r->assign[j]] < 0)
			r->taker[r->assign[j]] = (int)j;
	}
	return 0;
}

static void
round_init(struct round *r, struct match_ctx *m, char **cause)
{
	memset(r, 0, sizeof(*r));
	r->m = m;
	r->cause = cause;
	r->mentees = g_ptr_array_new_with_free_func(member_free);
	r->mentors = g_ptr_array_new_with_free_func(member_free);
	r->rules = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    g_free);
	r->pairs = g_array_new(FALSE, FALSE, sizeof(struct match_pair));
	r->fixed = g_array_new(FALSE, FALSE, sizeof(struct match_fixed));
	r->report = g_new0(struct match_report, 1);
	r->report->proposals = g_ptr_array_new_with_free_func(match_line_free);
	r->report->unmatched = g_ptr_array_new_with_free_func(match_line_free);
}

static void
round_free(struct round *r)
{
	guint	i;

	for (i = 0; r->refused != NULL && i < r->mentees->len; i++)
		g_hash_table_destroy(r->refused[i]);
	g_free(r->refused);
	g_free(r->first);
	g_free(r->taker);
	match_result_free(&r->result);
	g_ptr_array_unref(r->mentees);
	g_ptr_array_unref(r->mentors);
	g_hash_table_destroy(r->rules);
	g_array_unref(r->pairs);
	g_array_unref(r->fixed);
}

/* With [matching] mode = auto, what is proposed is approved at once. */
static int
round_auto(struct round *r)
{
	const struct match_line	*l;
	guint			 i;

	if (strcmp(r->m->cfg->matching.mode, "auto") != 0)
		return 0;
	for (i = 0; i < r->report->proposals->len; i++) {
		l = g_ptr_array_index(r->report->proposals, i);
		if (match_approve(r->m, l->id, r->cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * The [matching] settings a round's proposals depend on, as one string: a
 * round made under other weights is not the round these would make.
 */
static char *
round_settings(const struct config *cfg)
{
	const struct match_weights	*w = &cfg->matching.weights;

	return g_strdup_printf("mode=%s maximize_count=%d goals=%d "
	    "library_type=%d region=%d seniority=%d preference=%d "
	    "meeting_mode=%d reverse=%d", cfg->matching.mode,
	    cfg->matching.maximize_count, w->goals, w->library_type, w->region,
	    w->seniority, w->preference, w->meeting_mode, w->reverse);
}

int
match_pool_changed(struct match_ctx *m, char **cause)
{
	char	*settings = round_settings(m->cfg);
	int	 changed;

	changed = state_match_pool_changed(m->db, settings, cause);
	g_free(settings);
	if (changed == 0)
		log_info("matching: the pool has not changed since the last "
		    "round (generation %lld): its proposals stand",
		    (long long)state_match_generation(m->db, NULL));
	return changed;
}

/* What the round saw, its own decisions included (mode = auto). */
static int
round_done(struct round *r)
{
	char	*settings = round_settings(r->m->cfg);
	int	 error;

	error = state_match_round_done(r->m->db, settings, r->m->now,
	    r->cause);
	g_free(settings);
	return error;
}

int
match_propose(struct match_ctx *m, struct match_report **out, char **cause)
{
	struct round	r;
	guint		i;
	int		error;

	round_init(&r, m, cause);
	error = round_pool(&r);
	if (error == 0)
		error = round_rules(&r);
	if (error == 0) {
		r.refused = g_new0(GHashTable *, MAX(r.mentees->len, 1));
		for (i = 0; i < r.mentees->len; i++)
			r.refused[i] = g_hash_table_new(g_str_hash, g_str_equal);
		round_pairs(&r);
		error = round_solve(&r);
	}
	if (error == 0)
		error = round_store(&r);
	if (error == 0)
		error = round_auto(&r);
	if (error == 0)
		error = round_done(&r);
	round_free(&r);
	if (error != 0) {
		match_report_free(r.report);
		return -1;
	}
	*out = r.report;
	return 0;
}
