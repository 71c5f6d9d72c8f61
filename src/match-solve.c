/*
 * match-solve.c -- the best assignment, as a min-cost flow solved by
 * successive shortest paths with potentials.
 *
 * The network, with all costs >= 0:
 *	mentee k -> mentor j	K - w(k, j), one per allowed pair
 *	mentee k -> sink	K: k stays unmatched (w = 0)
 *	mentor j -> sink	0, up to j's capacity
 * Every mentee sends one unit, so a solution costs n*K minus its total
 * weight and the cheapest flow is the best assignment.  The weight w
 * carries the whole objective, ties included (weights_choose).
 *
 * Mentees are added in index order; each takes the cheapest path from it
 * to the sink in the residual network, which keeps the assignment of the
 * mentees added so far optimal (the Hungarian method's invariant).
 * Potentials (pm for mentors, pr for mentees) keep reduced costs
 * non-negative, so each path is found by Dijkstra.  After a search every
 * settled node's potential moves by (its distance - the sink's) and no
 * other node's does, so the sink's potential stays 0.  Three consequences
 * the search relies on:
 *  - A mentor never loses a mentee without taking another, so a mentor
 *    with a free place has never been passed through: its potential is 0,
 *    its edge to the sink costs 0, and the search may stop as soon as it
 *    settles such a mentor.
 *  - A mentee's edge back to its own mentor has reduced cost 0, so a
 *    mentor's mentees are settled at its distance, together with it; only
 *    mentors wait in the queue.
 *  - A potential falls by at most K per search, so every number is below
 *    (n + 2) * K in magnitude; weights_choose refuses K beyond that.
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "match-solve.h"

#define DIST_INF	INT64_MAX	/* in dist[]: not reached */
#define DIST_SETTLED	(-1)		/* in dist[]: settled; distances are
					   otherwise >= 0 */
#define TIE_FULL	0x80000000u	/* in tie[]: no free place */

struct edge {
	int	mentor;
	int	score;
};

/* A queued mentor; `tie` orders equal distances (see tie_set). */
struct heap_item {
	int64_t		d;
	uint32_t	tie;
};

struct solver {
	int		 n;		/* mentees */
	int		 m;		/* mentors */
	int64_t		 mult;		/* w = score * mult + add */
	int64_t		 add;
	int64_t		 k;		/* cost = k - w; unmatched costs k */

	int		*cell;		/* dense: [n * m] score, or -1 */
	int		*row;		/* sparse: [n + 1] offsets in edge */
	struct edge	*edge;

	int		*cap;		/* places left beside fixed pairs */
	int		*used;
	int		*head;		/* each mentor's first mentee, or -1 */
	int		*next;		/* [n]: mentees of the same mentor */
	int		*prev;
	int		*mentor_of;	/* [n]: mentor, or -1 */
	uint32_t	*tie;		/* [m] */
	int64_t		*pm;		/* [m] potentials */
	int64_t		*pr;		/* [n] */

	/* One search. */
	int64_t		*dist;		/* [m] */
	int		*pred;		/* [m]: the mentee it was reached from */
	int		*reached;	/* sparse: mentors with a distance */
	int		 n_reached;
	GArray		*heap;		/* sparse: struct heap_item */
	int		*sm;		/* settled mentors */
	int64_t		*sm_d;		/* ... and their distances */
	int		 n_sm;
	int		*sr;		/* settled mentees */
	int64_t		*sr_d;
	int		 n_sr;
	int64_t		 dt;		/* the sink's distance so far */
	int		 end_mentor;	/* the path ends at this mentor's */
	int		 end_mentee;	/* ... or this mentee's sink edge */
};

static int
pairs_check(const struct match_problem *p, char **cause)
{
	const struct match_pair	*q;
	size_t			 i;

	for (i = 0; i < p->n_pairs; i++) {
		q = &p->pairs[i];
		if (q->mentee < 0 || q->mentee >= p->n_mentees)
			return cause_set(cause, "pair %zu: mentee %d out of "
			    "range (%d mentees)", i, q->mentee, p->n_mentees);
		if (q->mentor < 0 || q->mentor >= p->n_mentors)
			return cause_set(cause, "pair %zu: mentor %d out of "
			    "range (%d mentors)", i, q->mentor, p->n_mentors);
		if (q->score < 0 || q->score > MATCH_SCORE_MAX)
			return cause_set(cause, "pair %zu: score %d outside "
			    "0..%d", i, q->score, MATCH_SCORE_MAX);
	}
	return 0;
}

static int
fixed_check(const struct match_problem *p, char **cause)
{
	const struct match_fixed	*f;
	size_t				 i;

	for (i = 0; i < p->n_fixed; i++) {
		f = &p->fixed[i];
		if (f->mentee < 0 || f->mentee >= p->n_mentees)
			return cause_set(cause, "fixed pair %zu: mentee %d out "
			    "of range (%d mentees)", i, f->mentee,
			    p->n_mentees);
		if (f->mentor < 0 || f->mentor >= p->n_mentors)
			return cause_set(cause, "fixed pair %zu: mentor %d out "
			    "of range (%d mentors)", i, f->mentor,
			    p->n_mentors);
	}
	return 0;
}

static int
problem_check(const struct match_problem *p, char **cause)
{
	int	j;

	if (p->n_mentees < 0 || p->n_mentors < 0)
		return cause_set(cause, "negative count (%d mentees, %d "
		    "mentors)", p->n_mentees, p->n_mentors);
	if ((p->capacity == NULL && p->n_mentors > 0) ||
	    (p->pairs == NULL && p->n_pairs > 0) ||
	    (p->fixed == NULL && p->n_fixed > 0))
		return cause_set(cause, "missing capacities, pairs or fixed "
		    "pairs");
	if ((p->flags & ~MATCH_MAXIMIZE_COUNT) != 0)
		return cause_set(cause, "unknown flags %#x", p->flags);
	for (j = 0; j < p->n_mentors; j++) {
		if (p->capacity[j] < 1)
			return cause_set(cause, "mentor %d: capacity %d, not "
			    "at least 1", j, p->capacity[j]);
	}
	if (pairs_check(p, cause) != 0)
		return -1;
	return fixed_check(p, cause);
}

/*
 * Turn the objective into one integer weight per pair, unmatched being 0,
 * so that the heaviest assignment is the one wanted.
 */
static int
weights_choose(struct solver *s, const struct match_problem *p,
    char **cause)
{
	int64_t	max_score = 0, n = s->n;
	size_t	i;

	for (i = 0; i < p->n_pairs; i++) {
		if (p->pairs[i].score > max_score)
			max_score = p->pairs[i].score;
	}
	if (p->flags & MATCH_MAXIMIZE_COUNT) {
		/* One more match outweighs any difference in total score. */
		s->mult = 1;
		s->add = max_score * n + 1;
	} else {
		/* Total score first; at equal totals, one more match wins. */
		s->mult = n + 1;
		s->add = 1;
	}
	s->k = max_score * s->mult + s->add;
	if (s->k > INT64_MAX / 4 / (n + 2))
		return cause_set(cause, "scores up to %lld are too large for "
		    "%d mentees", (long long)max_score, s->n);
	return 0;
}

/* An array of n ints, each v. */
static int *
ints_new(size_t n, int v)
{
	int	*a = g_new(int, n);
	size_t	 i;

	for (i = 0; i < n; i++)
		a[i] = v;
	return a;
}

/* Refuse a pair listed twice: which score holds would be a guess. */
static int
pair_duplicate(int mentee, int mentor, char **cause)
{
	return cause_set(cause, "mentee %d and mentor %d listed twice as a "
	    "pair", mentee, mentor);
}

static int
build_dense(struct solver *s, const struct match_problem *p, char **cause)
{
	const struct match_pair	*q;
	size_t			 i, at;

	s->cell = ints_new((size_t)s->n * s->m, -1);
	for (i = 0; i < p->n_pairs; i++) {
		q = &p->pairs[i];
		at = (size_t)q->mentee * s->m + q->mentor;
		if (s->cell[at] != -1)
			return pair_duplicate(q->mentee, q->mentor, cause);
		s->cell[at] = q->score;
	}
	return 0;
}

static int
sparse_duplicates(struct solver *s, char **cause)
{
	int	*seen, k, e, rc = 0;

	seen = ints_new(s->m, -1);
	for (k = 0; k < s->n && rc == 0; k++) {
		for (e = s->row[k]; e < s->row[k + 1] && rc == 0; e++) {
			if (seen[s->edge[e].mentor] == k)
				rc = pair_duplicate(k, s->edge[e].mentor, cause);
			seen[s->edge[e].mentor] = k;
		}
	}
	g_free(seen);
	return rc;
}

/*
 * Lists by mentee, each in the order given: the search does not depend on
 * the order within a list, since a mentor appears once in it and every
 * choice compares distances and mentor indices, never positions.
 */
static int
build_sparse(struct solver *s, const struct match_problem *p, char **cause)
{
	const struct match_pair	*q;
	int			*fill;
	size_t			 i;

	s->row = g_new0(int, (size_t)s->n + 1);
	s->edge = g_new(struct edge, p->n_pairs);
	for (i = 0; i < p->n_pairs; i++)
		s->row[p->pairs[i].mentee + 1]++;
	for (i = 0; i < (size_t)s->n; i++)
		s->row[i + 1] += s->row[i];
	fill = g_memdup2(s->row, ((size_t)s->n + 1) * sizeof *fill);
	for (i = 0; i < p->n_pairs; i++) {
		q = &p->pairs[i];
		s->edge[fill[q->mentee]++] = (struct edge){ q->mentor,
		    q->score };
	}
	g_free(fill);
	return sparse_duplicates(s, cause);
}

/* The score of pair (k, j), or -1 when it is not allowed. */
static int
score_of(const struct solver *s, int k, int j)
{
	int	e;

	if (s->cell != NULL)
		return s->cell[(size_t)k * s->m + j];
	for (e = s->row[k]; e < s->row[k + 1]; e++) {
		if (s->edge[e].mentor == j)
			return s->edge[e].score;
	}
	return -1;
}

/*
 * At equal distance the search settles a mentor with a free place first
 * (it ends the search sooner), then the lower index.
 */
static void
tie_set(struct solver *s, int j)
{
	s->tie[j] = (uint32_t)j | (s->used[j] < s->cap[j] ? 0 : TIE_FULL);
}

static void
solver_alloc(struct solver *s)
{
	int	j;

	s->cap = g_new(int, s->m);
	s->used = g_new0(int, s->m);
	s->head = ints_new(s->m, -1);
	s->tie = g_new(uint32_t, s->m);
	s->pm = g_new0(int64_t, s->m);
	s->dist = g_new(int64_t, s->m);
	s->pred = g_new(int, s->m);
	s->sm = g_new(int, s->m);
	s->sm_d = g_new(int64_t, s->m);
	for (j = 0; j < s->m; j++)
		s->dist[j] = DIST_INF;
	s->next = g_new(int, s->n);
	s->prev = g_new(int, s->n);
	s->mentor_of = ints_new(s->n, -1);
	s->pr = g_new0(int64_t, s->n);
	s->sr = g_new(int, s->n);
	s->sr_d = g_new(int64_t, s->n);
}

static void
solver_free(struct solver *s)
{
	g_free(s->cell);
	g_free(s->row);
	g_free(s->edge);
	g_free(s->cap);
	g_free(s->used);
	g_free(s->head);
	g_free(s->next);
	g_free(s->prev);
	g_free(s->mentor_of);
	g_free(s->tie);
	g_free(s->pm);
	g_free(s->pr);
	g_free(s->dist);
	g_free(s->pred);
	g_free(s->reached);
	if (s->heap != NULL)
		g_array_unref(s->heap);
	g_free(s->sm);
	g_free(s->sm_d);
	g_free(s->sr);
	g_free(s->sr_d);
}

/*
 * A matrix when at least half of all pairs are allowed (it is then no
 * larger than lists, and scanning it beats a heap); lists otherwise.
 */
static int
solver_init(struct solver *s, const struct match_problem *p, char **cause)
{
	uint64_t	cells;

	s->n = p->n_mentees;
	s->m = p->n_mentors;
	if (weights_choose(s, p, cause) != 0)
		return -1;
	solver_alloc(s);
	cells = (uint64_t)s->n * (uint64_t)s->m;
	if (p->n_pairs > 0 && (uint64_t)p->n_pairs >= cells / 2) {
		return build_dense(s, p, cause);
	}
	s->reached = g_new(int, s->m);
	s->heap = g_array_new(FALSE, FALSE, sizeof(struct heap_item));
	return build_sparse(s, p, cause);
}

/* Fixed pairs take their places first and are never moved. */
static int
fixed_apply(struct solver *s, const struct match_problem *p, char **cause)
{
	const struct match_fixed	*f;
	size_t				 i;
	int				 j;

	for (j = 0; j < s->m; j++)
		s->cap[j] = p->capacity[j];
	for (i = 0; i < p->n_fixed; i++) {
		f = &p->fixed[i];
		if (s->mentor_of[f->mentee] != -1)
			return cause_set(cause, "fixed pair %zu: mentee %d is "
			    "fixed twice", i, f->mentee);
		if (score_of(s, f->mentee, f->mentor) == -1)
			return cause_set(cause, "fixed pair %zu: mentee %d and "
			    "mentor %d are not an allowed pair", i, f->mentee,
			    f->mentor);
		if (--s->cap[f->mentor] < 0)
			return cause_set(cause, "fixed pair %zu: mentor %d has "
			    "more fixed mentees than its capacity of %d", i,
			    f->mentor, p->capacity[f->mentor]);
		s->mentor_of[f->mentee] = f->mentor;
	}
	for (j = 0; j < s->m; j++)
		tie_set(s, j);
	return 0;
}

static void
mentee_link(struct solver *s, int k, int j)
{
	s->mentor_of[k] = j;
	s->prev[k] = -1;
	s->next[k] = s->head[j];
	if (s->head[j] != -1)
		s->prev[s->head[j]] = k;
	s->head[j] = k;
	s->used[j]++;
	tie_set(s, j);
}

static void
mentee_unlink(struct solver *s, int k)
{
	int	j = s->mentor_of[k];

	if (s->prev[k] != -1)
		s->next[s->prev[k]] = s->next[k];
	else
		s->head[j] = s->next[k];
	if (s->next[k] != -1)
		s->prev[s->next[k]] = s->prev[k];
	s->mentor_of[k] = -1;
	s->used[j]--;
	tie_set(s, j);
}

/* Settle mentee k at distance d; its own sink edge may end the path. */
static void
mentee_settle(struct solver *s, int k, int64_t d)
{
	int64_t	c = d + s->k + s->pr[k];

	s->sr[s->n_sr] = k;
	s->sr_d[s->n_sr++] = d;
	if (c < s->dt) {
		s->dt = c;
		s->end_mentee = k;
	}
}

/*
 * Settle mentor j.  Returns 1 when it has a free place, which ends the
 * path; otherwise settles its mentees at its distance and returns 0.
 */
static int
mentor_settle(struct solver *s, int j)
{
	int64_t	d = s->dist[j];
	int	k;

	s->sm[s->n_sm] = j;
	s->sm_d[s->n_sm++] = d;
	s->dist[j] = DIST_SETTLED;
	if (s->used[j] < s->cap[j]) {
		s->dt = d;
		s->end_mentor = j;
		return 1;
	}
	for (k = s->head[j]; k != -1; k = s->next[k])
		mentee_settle(s, k, d);
	return 0;
}

static int
item_less(const struct heap_item *a, const struct heap_item *b)
{
	return a->d < b->d || (a->d == b->d && a->tie < b->tie);
}

static void
heap_push(GArray *h, int64_t d, uint32_t tie)
{
	struct heap_item	 it = { d, tie }, *a;
	guint			 i, up;

	g_array_set_size(h, h->len + 1);
	a = (struct heap_item *)(void *)h->data;
	for (i = h->len - 1; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!item_less(&it, &a[up]))
			break;
		a[i] = a[up];
	}
	a[i] = it;
}

static int
heap_pop(GArray *h, struct heap_item *out)
{
	struct heap_item	*a = (struct heap_item *)(void *)h->data, last;
	guint			 i, c, n;

	if (h->len == 0)
		return 0;
	*out = a[0];
	last = a[h->len - 1];
	n = h->len - 1;
	for (i = 0; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && item_less(&a[c + 1], &a[c]))
			c++;
		if (!item_less(&a[c], &last))
			break;
		a[i] = a[c];
	}
	a[i] = last;
	g_array_set_size(h, n);
	return 1;
}

/*
 * Relax mentee k's edges, k settled at distance d.  A settled mentor is
 * left alone without a test: c >= 0 > DIST_SETTLED.  A candidate no
 * nearer than the sink is dropped: the sink's distance only falls.
 */
static void
sparse_relax(struct solver *s, int k, int64_t d)
{
	const struct edge	*e, *end;
	int64_t			 h = d + s->k - s->add + s->pr[k], c;
	int			 j;

	end = s->edge + s->row[k + 1];
	for (e = s->edge + s->row[k]; e < end; e++) {
		j = e->mentor;
		c = h - e->score * s->mult - s->pm[j];
		if (c >= s->dist[j] || c >= s->dt)
			continue;
		if (s->dist[j] == DIST_INF)
			s->reached[s->n_reached++] = j;
		s->dist[j] = c;
		s->pred[j] = k;
		heap_push(s->heap, c, s->tie[j]);
	}
}

static void
sparse_search(struct solver *s, int r)
{
	struct heap_item	it;
	int			i, j, first;

	mentee_settle(s, r, 0);
	sparse_relax(s, r, 0);
	while (heap_pop(s->heap, &it)) {
		j = (int)(it.tie & ~TIE_FULL);
		if (it.d != s->dist[j])
			continue;	/* superseded, or settled */
		if (it.d >= s->dt)
			break;		/* the sink first at equal cost */
		first = s->n_sr;
		if (mentor_settle(s, j))
			break;
		for (i = first; i < s->n_sr; i++)
			sparse_relax(s, s->sr[i], it.d);
	}
}

/*
 * The matrix search passes over all mentors in index order, reading a
 * mentee's row, dist and pm front to back; settled mentors are skipped by
 * their DIST_SETTLED, without a test of their own.  A pass relaxes one
 * settled mentee's row and, in the same loop, finds the nearest mentor:
 * it is the inner loop of the whole solver.
 */

/* Relax mentee k's row, k settled at distance d. */
static void
dense_relax(struct solver *s, int k, int64_t d)
{
	const int	*cell = s->cell + (size_t)k * s->m;
	int64_t		 h = d + s->k - s->add + s->pr[k], c;
	int		 j;

	for (j = 0; j < s->m; j++) {
		if (cell[j] < 0)
			continue;
		c = h - cell[j] * s->mult - s->pm[j];
		if (c < s->dist[j]) {
			s->dist[j] = c;
			s->pred[j] = k;
		}
	}
}

/*
 * Whether dist[j] is nearer than `best` (tie bt) in the search order.
 * Unsigned, so DIST_SETTLED is farther than anything.
 */
static inline int
dense_nearer(const struct solver *s, int j, int64_t best, uint32_t bt)
{
	return (uint64_t)s->dist[j] < (uint64_t)best ||
	    (s->dist[j] == best && s->tie[j] < bt);
}

/* The nearest mentor not settled, or -1 when none is nearer than the sink. */
static int
dense_nearest(const struct solver *s)
{
	int64_t		best = s->dt;
	uint32_t	bt = UINT32_MAX;
	int		j, at = -1;

	for (j = 0; j < s->m; j++) {
		if (dense_nearer(s, j, best, bt)) {
			best = s->dist[j];
			bt = s->tie[j];
			at = j;
		}
	}
	return at;
}

/* dense_relax and dense_nearest in one pass. */
static int
dense_pass(struct solver *s, int k, int64_t d)
{
	const int	*cell = s->cell + (size_t)k * s->m;
	int64_t		 h = d + s->k - s->add + s->pr[k], c, best = s->dt;
	uint32_t	 bt = UINT32_MAX;
	int		 j, at = -1;

	for (j = 0; j < s->m; j++) {
		if (cell[j] >= 0) {
			c = h - cell[j] * s->mult - s->pm[j];
			if (c < s->dist[j]) {
				s->dist[j] = c;
				s->pred[j] = k;
			}
		}
		if (dense_nearer(s, j, best, bt)) {
			best = s->dist[j];
			bt = s->tie[j];
			at = j;
		}
	}
	return at;
}

static void
dense_search(struct solver *s, int r)
{
	int	i, j, first;

	mentee_settle(s, r, 0);
	j = dense_pass(s, r, 0);
	while (j != -1) {
		first = s->n_sr;
		if (mentor_settle(s, j))
			break;
		/* j's mentees, the last one with the search for the next. */
		for (i = first; i < s->n_sr - 1; i++)
			dense_relax(s, s->sr[i], s->sr_d[i]);
		if (s->n_sr > first)
			j = dense_pass(s, s->sr[i], s->sr_d[i]);
		else
			j = dense_nearest(s);
	}
}

static void
potentials_update(struct solver *s)
{
	int	i;

	for (i = 0; i < s->n_sm; i++)
		s->pm[s->sm[i]] += s->sm_d[i] - s->dt;
	for (i = 0; i < s->n_sr; i++)
		s->pr[s->sr[i]] += s->sr_d[i] - s->dt;
}

/*
 * Move every mentee on the path one step along it: each takes the mentor
 * it reached, and the last one either fills a free place or goes
 * unmatched.
 */
static void
path_apply(struct solver *s, int r)
{
	int	j, k, old;

	if (s->end_mentor != -1)
		j = s->end_mentor;
	else if (s->end_mentee == r)
		return;
	else {
		j = s->mentor_of[s->end_mentee];
		mentee_unlink(s, s->end_mentee);
	}
	do {
		k = s->pred[j];
		old = s->mentor_of[k];
		if (old != -1)
			mentee_unlink(s, k);
		mentee_link(s, k, j);
		j = old;
	} while (k != r);
}

/* Forget one search: only what it touched. */
static void
search_reset(struct solver *s)
{
	int	i, j;

	if (s->cell != NULL) {
		for (j = 0; j < s->m; j++)
			s->dist[j] = DIST_INF;
	} else {
		for (i = 0; i < s->n_reached; i++)
			s->dist[s->reached[i]] = DIST_INF;
		s->n_reached = 0;
		g_array_set_size(s->heap, 0);
	}
	s->n_sm = 0;
	s->n_sr = 0;
}

/* Add mentee r to the assignment along its cheapest path to the sink. */
static void
place(struct solver *s, int r)
{
	s->dt = DIST_INF;
	s->end_mentor = -1;
	s->end_mentee = -1;
	if (s->cell != NULL)
		dense_search(s, r);
	else
		sparse_search(s, r);
	potentials_update(s);
	path_apply(s, r);
	search_reset(s);
}

static void
result_fill(const struct solver *s, struct match_result *r)
{
	int	k, j;

	r->mentor = g_memdup2(s->mentor_of, (size_t)s->n * sizeof *r->mentor);
	r->total = 0;
	r->matched = 0;
	for (k = 0; k < s->n; k++) {
		if ((j = s->mentor_of[k]) == -1)
			continue;
		r->total += score_of(s, k, j);
		r->matched++;
	}
}

int
match_solve(const struct match_problem *p, struct match_result *r,
    char **cause)
{
	struct solver	s;
	int		k;

	if (problem_check(p, cause) != 0)
		return -1;
	memset(&s, 0, sizeof s);
	if (solver_init(&s, p, cause) != 0 || fixed_apply(&s, p, cause) != 0) {
		solver_free(&s);
		return -1;
	}
	/* Fixed mentees already have their mentor and are never linked. */
	for (k = 0; k < s.n; k++) {
		if (s.mentor_of[k] == -1)
			place(&s, k);
	}
	result_fill(&s, r);
	solver_free(&s);
	return 0;
}

void
match_result_free(struct match_result *r)
{
	if (r == NULL)
		return;
	g_free(r->mentor);
	r->mentor = NULL;
}
