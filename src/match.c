/*
 * match.c -- proposing matches for the whole pool at once.
 *
 * The pool is every participant whose application is complete and
 * eligible.  Approved matches stay: their mentees are out of the pool and
 * their mentors have that much less room.  Every allowed pair is scored
 * (match-score.c), the assignment with the best total is found
 * (match-solve.c), and each proposal is stored with the criteria that made
 * it and the runner-up that lost; each mentee left out, with why.
 *
 * Two things keep a large pool's round small.  Mentors that every mentee
 * scores alike (the same answers but for name and contact) are one
 * profile to the solver, with their places added up; the proposals then
 * hand the profile's mentees to its mentors in index order.  Pools of
 * copied forms (the benchmark's) have a few dozen profiles; pools of
 * distinct people one per mentor.
 *
 * And only each mentee's ROUND_PAIRS best pairs are listed to the solver
 * at first, not every pair of the pool: 10,000 distinct participants
 * make some 9 million pairs, 200 MB held at once, while the solver looks
 * at a few per mentee.  That costs nothing in the quality of the answer:
 * after a solve, the pairs left out are priced (match-solve.h, column
 * generation); those that could make a better assignment are listed too
 * (ROUND_PAIRS more per mentee at most) and the pool is solved again,
 * until none could.  The proposals then have the best total the whole
 * pool allows, exactly.  Most mentees need no pricing pair by pair (their
 * best pair left out cannot gain, match_gain_bound), and most mentors
 * need no scoring for the others (too dear to gain, match_gain); what is
 * priced is scored again, one mentee at a time, nothing held.
 *
 * ROUND_PAIRS is a matter of speed and memory, never of the answer:
 * fewer means more pricing and more solves, more means memory for pairs
 * never looked at.  On 3,339 mentees and 2,646 distinct mentors (the
 * benchmark's pool with its free text, places and years made different
 * for each person), 32 take three solves and price 3,000 mentees, 64 two
 * solves and 170 pairs, 128 no fewer solves for twice the memory.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "match.h"
#include "program.h"
#include "match-score.h"
#include "match-solve.h"
#include "state-match.h"
#include "state-participant.h"

/* Pairs listed per mentee at first, and added at most per solve. */
#define ROUND_PAIRS	64

/*
 * Mentors that every mentee scores alike (match_side_alike) and that the
 * coordinator named in no rule: the solver sees them as one mentor with
 * their places added up.  Pools of copied forms have few profiles.
 */
struct profile {
	int	first;		/* its first mentor, by index */
	int	last;
	int	n;		/* how many mentors */
	int	room;		/* their places left */
};

/*
 * One side of the pool.  Sides are read only while needed, so that the
 * round holds few at a time: a mentee's while its pairs are scored,
 * priced or stored, a mentor's for its profile's first mentor only.
 */
struct member {
	struct match_side	*side;		/* or NULL */
	int64_t			 id;
	char			*label;		/* "Name <address>" */
	int			 room;		/* mentors: places left */
	int			 alike;		/* mentors: an earlier one
						   alike, or -1 */
};

/* A round of proposals. */
struct round {
	struct match_ctx	*m;
	GPtrArray		*mentees;	/* struct member * */
	GPtrArray		*mentors;
	GHashTable		*rules;		/* pair_key() -> kind */
	GHashTable		*named;		/* mentor ids in rules */
	GHashTable		*alike;		/* side -> mentor index + 1 */
	GArray			*profiles;	/* struct profile */
	int			*profile_of;	/* per mentor */
	int			*next_alike;	/* per mentor: the next of its
						   profile, or -1 */
	GArray			*pairs;		/* struct match_pair, mentee
						   and profile, by mentee: the
						   best of each */
	guint			*first;		/* mentee i's pairs start here */
	int			*next;		/* per mentee: the best score
						   of a pair not listed, or -1 */
	struct match_keep	*keep;
	int			*listed;	/* per profile: the mentee whose
						   pairs are being priced */
	int			*taker;		/* per mentor: a mentee, or -1 */
	GArray			*fixed;		/* struct match_fixed: mentee
						   and profile */
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

/*
 * A mentor alike to one read before needs no side of its own: it shares
 * that one's profile (round_profiles).  One the coordinator named in a
 * rule (pin, exclusion, rejected or ended match) keeps its own, since the
 * rule is about that person.
 */
static void
mentor_alike(struct round *r, struct member *b)
{
	gpointer	found;

	b->alike = -1;
	if (g_hash_table_contains(r->named, GUINT_TO_POINTER((guint32)b->id)))
		return;
	if ((found = g_hash_table_lookup(r->alike, b->side)) != NULL) {
		b->alike = GPOINTER_TO_INT(found) - 1;
		g_clear_pointer(&b->side, match_side_free);
		return;
	}
	g_hash_table_insert(r->alike, b->side,
	    GINT_TO_POINTER(r->mentors->len + 1));
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
	mb->label = member_label(f, db_row_text(row, 3));
	if (!mentee) {
		mb->side = match_side_new(mb->id, f);
		mb->room = match_side_capacity(mb->side) - approved;
	}
	g_hash_table_destroy(f);
	if (!mentee && mb->room <= 0) {
		member_free(mb);
		return 0;
	}
	if (!mentee)
		mentor_alike(r, mb);
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

/* Read mentee `i`'s side, for as long as it is needed. */
static int
mentee_load(struct round *r, guint i)
{
	struct member	*a = g_ptr_array_index(r->mentees, i);
	GHashTable	*f;

	if (a->side != NULL)
		return 0;
	if ((f = participant_fields(r->m->db, a->id, r->cause)) == NULL)
		return -1;
	a->side = match_side_new(a->id, f);
	g_hash_table_destroy(f);
	return 0;
}

static void
mentee_unload(struct round *r, guint i)
{
	struct member	*a = g_ptr_array_index(r->mentees, i);

	match_side_free(a->side);
	a->side = NULL;
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

static void
rule_mentor(gpointer key, gpointer value, gpointer arg)
{
	guint32	mentor = (guint32)*(gint64 *)key;

	g_hash_table_add(arg, GUINT_TO_POINTER(mentor));
}

/* The mentors the coordinator's rules name. */
static void
round_named(struct round *r)
{
	g_hash_table_foreach(r->rules, rule_mentor, r->named);
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

/* The side of mentor `j`, which its profile's first mentor keeps. */
static const struct match_side *
mentor_side(struct round *r, int j)
{
	int	first = g_array_index(r->profiles, struct profile,
		    r->profile_of[j]).first;

	return ((struct member *)g_ptr_array_index(r->mentors, first))->side;
}

/* Mentors alike (mentor_alike) as profiles, the solver's mentors. */
static void
round_profiles(struct round *r)
{
	struct profile	*q, pf;
	struct member	*b;
	guint		 j;

	r->profiles = g_array_new(FALSE, FALSE, sizeof(struct profile));
	r->profile_of = g_new(int, MAX(r->mentors->len, 1));
	r->next_alike = g_new(int, MAX(r->mentors->len, 1));
	for (j = 0; j < r->mentors->len; j++) {
		b = g_ptr_array_index(r->mentors, j);
		r->next_alike[j] = -1;
		if (b->alike < 0) {
			pf = (struct profile){ (int)j, (int)j, 1, b->room };
			g_array_append_val(r->profiles, pf);
			r->profile_of[j] = (int)r->profiles->len - 1;
			continue;
		}
		r->profile_of[j] = r->profile_of[b->alike];
		q = &g_array_index(r->profiles, struct profile,
		    r->profile_of[j]);
		r->next_alike[q->last] = (int)j;
		q->last = (int)j;
		q->n++;
		q->room += b->room;
	}
}

/*
 * The score of mentee `i` with the mentors of profile `p`, or -1 with
 * *why set when the pair may not be proposed.  *kind is the coordinator's
 * word on the pair (a pin makes any pair allowed), or NULL; only a
 * profile of one mentor can have one.
 */
static int
pair_score(struct round *r, guint i, int p, const char **kind,
    const char **why)
{
	const struct match_weights	*w = &r->m->cfg->matching.weights;
	struct member			*a = g_ptr_array_index(r->mentees, i);
	struct member			*b;

	b = g_ptr_array_index(r->mentors, g_array_index(r->profiles,
	    struct profile, p).first);
	*kind = rule_of(r, a, b);
	*why = NULL;
	if (*kind != NULL && strcmp(*kind, "exclude") == 0)
		*why = "excluded by the coordinator";
	else if (*kind == NULL)
		match_score_allowed(w, a->side, b->side, why);
	return *why != NULL ? -1 : match_score(w, a->side, b->side, NULL);
}

/* List the pin of mentee `i` to profile `p` unless it is among its best. */
static void
list_pin(struct round *r, guint from, guint i, int p, int score)
{
	struct match_pair	q;
	guint			k;

	for (k = from; k < r->pairs->len; k++) {
		if (g_array_index(r->pairs, struct match_pair, k).mentor == p)
			return;
	}
	q = (struct match_pair){ .mentee = (int)i, .mentor = p, .score = score };
	g_array_append_val(r->pairs, q);
}

/*
 * Score every pair of mentee `i` and list its best ROUND_PAIRS.  A pin
 * becomes a fixed pair: one per mentee, the first in id order, and no
 * more than the mentor has room for; a pin beyond that is an ordinary
 * pair (the why does not say pinned).  A fixed mentee is never searched,
 * so its pin is all it needs listed.
 */
static int
mentee_pairs(struct round *r, guint i, int *pins)
{
	const struct profile	*pf;
	struct match_fixed	 f = { -1, -1 };
	const char		*kind, *why;
	guint			 p, from = r->pairs->len;
	int			 score, pin_score = 0;

	if (mentee_load(r, i) != 0)
		return -1;
	match_keep_start(r->keep, (int)i, ROUND_PAIRS);
	for (p = 0; p < r->profiles->len; p++) {
		pf = &g_array_index(r->profiles, struct profile, p);
		if ((score = pair_score(r, i, (int)p, &kind, &why)) < 0)
			continue;
		match_keep_offer(r->keep, (int)p, score);
		if (kind != NULL && f.mentee < 0 && pins[p] < pf->room) {
			f = (struct match_fixed){ (int)i, (int)p };
			pin_score = score;
			pins[p]++;
		}
	}
	g_array_set_size(r->pairs, from + ROUND_PAIRS);
	g_array_set_size(r->pairs, from + match_keep_take(r->keep,
	    &g_array_index(r->pairs, struct match_pair, from), &r->next[i]));
	if (f.mentee >= 0) {
		g_array_append_val(r->fixed, f);
		list_pin(r, from, i, f.mentor, pin_score);
		r->next[i] = -1;
	}
	mentee_unload(r, i);
	return 0;
}

/* Every mentee's best pairs, scored; pins as fixed pairs. */
static int
round_pairs(struct round *r)
{
	guint	i, n = MAX(r->profiles->len, 1);
	int	*pins, error = 0;

	r->first = g_new0(guint, r->mentees->len + 1);
	r->next = g_new(int, MAX(r->mentees->len, 1));
	r->keep = match_keep_new((int)r->profiles->len);
	r->listed = g_new(int, n);
	for (i = 0; i < n; i++)
		r->listed[i] = -1;
	pins = g_new0(int, n);
	for (i = 0; i < r->mentees->len && error == 0; i++) {
		r->first[i] = r->pairs->len;
		error = mentee_pairs(r, i, pins);
	}
	r->first[r->mentees->len] = r->pairs->len;
	g_free(pins);
	return error;
}

/* A pair left out that could make a better assignment. */
struct gain {
	struct match_pair	pair;
	int64_t			gain;
};

static int
gain_compare(const void *a, const void *b)
{
	const struct gain	*x = a, *y = b;

	if (x->gain != y->gain)
		return x->gain > y->gain ? -1 : 1;
	return x->pair.mentor - y->pair.mentor;
}

/*
 * Price every pair of mentee `i` not listed: gather those that could
 * gain, in `gains`, and return the best score of the others (at most
 * r->next[i], which bounds them all).  A mentor priced too high to gain
 * even at that score needs no scoring: then r->next[i] stays the bound.
 */
static int
mentee_price(struct round *r, const struct match_result *res, guint i,
    GArray *gains)
{
	struct gain	 g;
	const char	*kind, *why;
	guint		 p, k;
	int		 score, next = -1;

	for (k = r->first[i]; k < r->first[i + 1]; k++)
		r->listed[g_array_index(r->pairs, struct match_pair,
		    k).mentor] = (int)i;
	for (p = 0; p < r->profiles->len; p++) {
		if (r->listed[p] == (int)i)
			continue;
		if (match_gain(res, (int)i, (int)p, r->next[i]) <= 0) {
			next = r->next[i];
			continue;
		}
		if ((score = pair_score(r, i, (int)p, &kind, &why)) < 0)
			continue;
		g = (struct gain){ { (int)i, (int)p, score },
		    match_gain(res, (int)i, (int)p, score) };
		if (g.gain > 0)
			g_array_append_val(gains, g);
		else
			next = MAX(next, score);
	}
	return next;
}

/* Add to `pairs` the best ROUND_PAIRS of `gains`; the next best score. */
static guint
gains_list(GArray *gains, GArray *pairs, int *next)
{
	guint	k, n = MIN(gains->len, ROUND_PAIRS);

	g_array_sort(gains, gain_compare);
	for (k = 0; k < gains->len; k++) {
		if (k < n)
			g_array_append_val(pairs, g_array_index(gains,
			    struct gain, k).pair);
		else
			*next = MAX(*next, g_array_index(gains, struct gain,
			    k).pair.score);
	}
	return n;
}

/*
 * List, for each mentee, the ROUND_PAIRS pairs left out that could gain
 * the most under `res`; *added says how many were listed (0: `res` is an
 * optimum of the whole pool).
 */
static int
round_price(struct round *r, const struct match_result *res, guint *added)
{
	GArray	*pairs, *gains;
	guint	*first, i;
	int	 error = 0;

	pairs = g_array_new(FALSE, FALSE, sizeof(struct match_pair));
	gains = g_array_new(FALSE, FALSE, sizeof(struct gain));
	first = g_new0(guint, r->mentees->len + 1);
	*added = 0;
	for (i = 0; i < r->mentees->len; i++) {
		first[i] = pairs->len;
		g_array_append_vals(pairs, &g_array_index(r->pairs,
		    struct match_pair, r->first[i]), r->first[i + 1] -
		    r->first[i]);
		if (error != 0 || r->next[i] < 0 || match_gain_bound(res,
		    (int)i, r->next[i]) <= 0)
			continue;
		if ((error = mentee_load(r, i)) != 0)
			continue;
		g_array_set_size(gains, 0);
		r->next[i] = mentee_price(r, res, i, gains);
		*added += gains_list(gains, pairs, &r->next[i]);
		mentee_unload(r, i);
	}
	first[r->mentees->len] = pairs->len;
	g_array_unref(gains);
	g_array_unref(r->pairs);
	g_free(r->first);
	r->pairs = pairs;
	r->first = first;
	return error;
}

/* Whether mentee `i` is pinned to mentor `j` this round. */
static int
is_fixed(struct round *r, int i, int j)
{
	const struct match_fixed	*f;
	guint				 k;

	for (k = 0; k < r->fixed->len; k++) {
		f = &g_array_index(r->fixed, struct match_fixed, k);
		if (f->mentee == i && f->mentor == r->profile_of[j])
			return 1;
	}
	return 0;
}

/* The score of mentee `i` with mentor `j` if listed, else -1. */
static int
score_of(struct round *r, int i, int j)
{
	const struct match_pair	*p;
	guint			 k;

	for (k = r->first[i]; k < r->first[i + 1]; k++) {
		p = &g_array_index(r->pairs, struct match_pair, k);
		if (p->mentor == r->profile_of[j])
			return p->score;
	}
	return -1;
}

/*
 * The best mentor listed for mentee `i` other than `not` (-1: none), the
 * first by index among equal scores; its score in *score.
 */
static int
runner_of(struct round *r, int i, int not, int *score)
{
	const struct match_pair	*p;
	guint			 k;
	int			 j, best = -1;

	for (k = r->first[i]; k < r->first[i + 1]; k++) {
		p = &g_array_index(r->pairs, struct match_pair, k);
		j = g_array_index(r->profiles, struct profile,
		    p->mentor).first;
		if (j == not)
			j = r->next_alike[j];
		if (j < 0 || (best >= 0 && (p->score < *score ||
		    (p->score == *score && j > best))))
			continue;
		best = j;
		*score = p->score;
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

/* Why the runner-up lost to mentor `chosen`, of score `score`. */
static char *
runner_text(struct round *r, int i, int chosen, int score)
{
	struct member	*b;
	GString		*why;
	const char	*taker;
	char		*text;
	int		 j, s = 0;

	if ((j = runner_of(r, i, chosen, &s)) < 0)
		return NULL;
	b = g_ptr_array_index(r->mentors, j);
	if (s > score && is_fixed(r, i, chosen))
		return g_strdup_printf("%s, score %d: a better fit, but the "
		    "coordinator pinned this pair", b->label, s);
	if (s > score && (taker = taker_of(r, j)) != NULL)
		return g_strdup_printf("%s, score %d: a better fit, but that "
		    "mentor is proposed for %s, where the pool gains more",
		    b->label, s, taker);
	why = g_string_new(NULL);
	match_score(&r->m->cfg->matching.weights,
	    ((struct member *)g_ptr_array_index(r->mentees, i))->side,
	    mentor_side(r, j), why);
	text = g_strdup_printf("%s, score %d, %s: %s", b->label, s,
	    s == score ? "as good" : s > score ?
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

/* Why each mentor is refused to mentee `i` -> how many: a new table. */
static GHashTable *
refused_of(struct round *r, guint i)
{
	GHashTable	*t = g_hash_table_new(g_str_hash, g_str_equal);
	const char	*kind, *why;
	guint		 p;

	for (p = 0; p < r->profiles->len; p++) {
		if (pair_score(r, i, (int)p, &kind, &why) >= 0)
			continue;
		g_hash_table_insert(t, (gpointer)why, GINT_TO_POINTER(
		    GPOINTER_TO_INT(g_hash_table_lookup(t, why)) +
		    g_array_index(r->profiles, struct profile, p).n));
	}
	return t;
}

/* Why mentee `i` has no proposal: what tells a coordinator to recruit. */
static char *
unmatched_text(struct round *r, int i)
{
	GHashTable	*refused;
	char		*counts, *text;
	int		 best, score = 0;

	if (r->mentors->len == 0)
		return g_strdup("no mentor has room: recruit mentors");
	if ((best = runner_of(r, i, -1, &score)) >= 0)
		return g_strdup_printf("their candidates are proposed for mentees "
		    "they suit better (best: %s, score %d, proposed for %s)",
		    ((struct member *)g_ptr_array_index(r->mentors,
		    best))->label, score, taker_of(r, best));
	refused = refused_of(r, (guint)i);
	counts = refused_sentence(refused);
	g_hash_table_destroy(refused);
	text = g_strdup_printf("no eligible mentor among %u: %s",
	    r->mentors->len, counts);
	g_free(counts);
	return text;
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
	GString			*why = g_string_new(NULL);
	char			*runner;
	int64_t			 id;
	int			 created, score = score_of(r, i, r->assign[i]);

	if (is_fixed(r, i, r->assign[i]))
		g_string_append(why, "pinned by the coordinator; ");
	match_score(&r->m->cfg->matching.weights, a->side,
	    mentor_side(r, r->assign[i]), why);
	runner = runner_text(r, i, r->assign[i], score);
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
		if ((error = mentee_load(r, i)) != 0)
			break;
		if (r->assign[i] >= 0)
			error = round_propose_one(r, (int)i, kept);
		else
			error = round_unmatched_one(r, (int)i);
		mentee_unload(r, i);
	}
	if (error == 0)
		error = round_withdraw(r, kept);
	g_hash_table_destroy(kept);
	return error;
}

/* The best assignment of the pairs listed. */
static int
round_solve_listed(struct round *r, struct match_result *res)
{
	struct match_problem	 pb;
	int			*capacity;
	guint			 j;
	int			 error;

	capacity = g_new0(int, MAX(r->profiles->len, 1));
	for (j = 0; j < r->profiles->len; j++)
		capacity[j] = g_array_index(r->profiles, struct profile,
		    j).room;
	pb = (struct match_problem){ .n_mentees = (int)r->mentees->len,
	    .n_mentors = (int)r->profiles->len, .capacity = capacity,
	    .pairs = (struct match_pair *)(void *)r->pairs->data,
	    .n_pairs = r->pairs->len,
	    .fixed = (struct match_fixed *)(void *)r->fixed->data,
	    .n_fixed = r->fixed->len,
	    .flags = r->m->cfg->matching.maximize_count ?
	    MATCH_MAXIMIZE_COUNT : 0 };
	error = match_solve(&pb, res, r->cause);
	g_free(capacity);
	return error;
}

/*
 * From profiles to mentors: the mentees a profile was given, in index
 * order, fill its mentors' places in index order.
 */
static void
round_assign(struct round *r)
{
	int	*at, *used, *profile = r->result.mentor, j;
	guint	 i;

	r->assign = g_new(int, MAX(r->mentees->len, 1));
	r->taker = g_new(int, MAX(r->mentors->len, 1));
	at = g_new(int, MAX(r->profiles->len, 1));
	used = g_new0(int, MAX(r->mentors->len, 1));
	for (i = 0; i < r->profiles->len; i++)
		at[i] = g_array_index(r->profiles, struct profile, i).first;
	for (i = 0; i < r->mentors->len; i++)
		r->taker[i] = -1;
	for (i = 0; i < r->mentees->len; i++) {
		if (profile[i] < 0) {
			r->assign[i] = -1;
			continue;
		}
		for (j = at[profile[i]]; used[j] == ((struct member *)
		    g_ptr_array_index(r->mentors, j))->room;
		    j = r->next_alike[j])
			;
		at[profile[i]] = j;
		if (used[j]++ == 0)
			r->taker[j] = (int)i;
		r->assign[i] = j;
	}
	g_free(at);
	g_free(used);
}

/* Solve, price what was left out, and again while anything could gain. */
static int
round_solve(struct round *r)
{
	guint	added;

	for (;;) {
		if (round_solve_listed(r, &r->result) != 0)
			return -1;
		if (round_price(r, &r->result, &added) != 0)
			return -1;
		if (added == 0)
			break;
		log_debug("matching: %u pairs left out could do better: "
		    "solving again with them", added);
		match_result_free(&r->result);
	}
	round_assign(r);
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
	r->named = g_hash_table_new(g_direct_hash, g_direct_equal);
	r->alike = g_hash_table_new((GHashFunc)match_side_hash,
	    (GEqualFunc)match_side_alike);
	r->pairs = g_array_new(FALSE, FALSE, sizeof(struct match_pair));
	r->fixed = g_array_new(FALSE, FALSE, sizeof(struct match_fixed));
	r->report = g_new0(struct match_report, 1);
	r->report->proposals = g_ptr_array_new_with_free_func(match_line_free);
	r->report->unmatched = g_ptr_array_new_with_free_func(match_line_free);
}

static void
round_free(struct round *r)
{
	g_free(r->first);
	g_free(r->assign);
	if (r->profiles != NULL)
		g_array_unref(r->profiles);
	g_free(r->profile_of);
	g_free(r->next_alike);
	g_free(r->next);
	g_free(r->listed);
	match_keep_free(r->keep);
	g_free(r->taker);
	match_result_free(&r->result);
	g_ptr_array_unref(r->mentees);
	g_ptr_array_unref(r->mentors);
	g_hash_table_destroy(r->rules);
	g_hash_table_destroy(r->named);
	g_hash_table_destroy(r->alike);
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

struct match_ctx
match_ctx_of(struct program *p)
{
	return (struct match_ctx){ p->cfg, p->db, p->rules, p->replies,
	    p->now_iso, p };
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
	gint64		start = g_get_monotonic_time();
	int		error;

	round_init(&r, m, cause);
	error = round_rules(&r);
	if (error == 0) {
		round_named(&r);
		error = round_pool(&r);
	}
	if (error == 0) {
		round_profiles(&r);
		error = round_pairs(&r);
	}
	if (error == 0)
		error = round_solve(&r);
	if (error == 0)
		error = round_store(&r);
	if (error == 0)
		error = round_auto(&r);
	if (error == 0)
		error = round_done(&r);
	if (error == 0)
		log_info("matching: a round over %u mentees and %u mentors (%u "
		    "profiles) in %.2f s", r.mentees->len, r.mentors->len,
		    r.profiles != NULL ? r.profiles->len : 0,
		    (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	round_free(&r);
	if (error != 0) {
		match_report_free(r.report);
		return -1;
	}
	*out = r.report;
	return 0;
}
