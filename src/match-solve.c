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
 * other node's does, so the sink's potential stays 0.  Consequences the
 * search relies on:
 *  - A mentor never loses a mentee without taking another, so a mentor
 *    with a free place has never been passed through: its potential is 0,
 *    its edge to the sink costs 0, and the search may stop as soon as it
 *    settles such a mentor.
 *  - A mentee's edge back to its own mentor has reduced cost 0, so a
 *    mentor's mentees are settled at its distance, together with it.
 *  - Mentor potentials are <= 0, so the reduced cost of k -> j is at
 *    least (K - w(k, j)) + pr[k]: a bound that does not depend on j's
 *    potential.  Each mentee's pairs are therefore examined from the
 *    heaviest down, lazily: a cursor per settled mentee waits in the
 *    queue at the bound of its next pair, and once that bound reaches the
 *    sink's distance the rest of its pairs are never looked at.  Most
 *    searches look at a handful of pairs, not every pair of every mentee
 *    they pass.  The order is built as it is needed (rows_order) and kept
 *    across searches, since scores do not change.
 *  - A potential falls by at most K per search, so every number is below
 *    (n + 2) * K in magnitude; weights_choose refuses K beyond that.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "log.h"
#include "match-solve.h"

#define DIST_INF	INT64_MAX	/* in dist[]: not reached */
#define DIST_SETTLED	(-1)		/* in dist[]: settled; distances are
					   otherwise >= 0 */
#define TIE_FULL	0x80000000u	/* in tie[]: no free place */
#define TIE_CURSOR	TIE_FULL	/* in a heap item: a mentee's cursor */
#define ORDER_FIRST	8		/* pairs put in order at first need */
#define SELECT_SMALL	16		/* ranges put in order by insertion */
#define SELECT_SCAN	32		/* chunks found by one scan */

/*
 * A pair, in its mentee's row.  The mentor is stored turned by the
 * mentee's index (edge_turn), so that a row's order among equal scores
 * starts at a different mentor for each mentee.
 */
struct edge {
	int	turned;
	int	score;
};

/*
 * What waits in the queue: a mentor reached at distance d, or a mentee's
 * cursor, d being the least distance its next pair could give.  Items are
 * taken by (d, rank), rank being (tie << 32 | who).  At equal d that is:
 * mentors with a free place (which end the search), then cursors, by
 * mentee index, then full mentors (tie_set).  Any order at equal d finds
 * shortest paths; this one ends searches soonest, and it is fixed, so the
 * answer is too.
 */
struct heap_item {
	int64_t		d;
	uint64_t	rank;
};

#define ITEM_TIE(it)	((uint32_t)((it)->rank >> 32))
#define ITEM_WHO(it)	((int)((it)->rank & 0xffffffffu))

/* The queue: a binary heap. */
struct heap {
	struct heap_item	*a;
	size_t			 len;
	size_t			 size;
};

/* What pricing needs of a solve: its objective and its dual prices. */
struct match_prices {
	int64_t		 mult;
	int64_t		 add;
	int64_t		 k;
	int64_t		*mentee;	/* [n]: pr, or INT64_MAX when fixed */
	int64_t		*mentor;	/* [m]: pm */
};

struct solver {
	int		 n;		/* mentees */
	int		 m;		/* mentors */
	int64_t		 mult;		/* w = score * mult + add */
	int64_t		 add;
	int64_t		 k;		/* cost = k - w; unmatched costs k */

	int		*row;		/* [n + 1]: each mentee's pairs in edge */
	struct edge	*edge;
	int		*ordered;	/* [n]: end of the ordered part of a row */

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
	int		*reached;	/* mentors with a distance */
	int		 n_reached;
	int		*cursor;	/* [n]: a settled mentee's next pair */
	int64_t		*base;		/* [n]: its distance + pr + k - add */
	struct heap	 heap;
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
	if (p->n_pairs > INT_MAX)
		return cause_set(cause, "%zu pairs, more than %d", p->n_pairs,
		    INT_MAX);
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

/*
 * Mentor j as stored in mentee k's row, and back: (j - k) mod m.  Were
 * rows ordered among equal scores by plain mentor index, mentees who
 * score many mentors alike would all try mentor 0 first, then mentor 1,
 * each search walking past the places taken by the searches before it.
 */
static inline int
edge_turn(const struct solver *s, int k, int j)
{
	int	t = j - k % s->m;

	return t < 0 ? t + s->m : t;
}

static inline int
edge_mentor(const struct solver *s, int k, const struct edge *e)
{
	int	j = e->turned + k % s->m;

	return j >= s->m ? j - s->m : j;
}

/* Refuse a pair listed twice: which score holds would be a guess. */
static int
rows_duplicates(struct solver *s, char **cause)
{
	int	*seen, k, e, rc = 0;

	/* Turning is one-to-one within a row: compare turned mentors. */
	seen = ints_new(s->m, -1);
	for (k = 0; k < s->n && rc == 0; k++) {
		for (e = s->row[k]; e < s->row[k + 1] && rc == 0; e++) {
			if (seen[s->edge[e].turned] == k)
				rc = cause_set(cause, "mentee %d and mentor %d "
				    "listed twice as a pair", k,
				    edge_mentor(s, k, &s->edge[e]));
			seen[s->edge[e].turned] = k;
		}
	}
	g_free(seen);
	return rc;
}

/* Each mentee's pairs together, in the order given for now. */
static int
rows_build(struct solver *s, const struct match_problem *p, char **cause)
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
		s->edge[fill[q->mentee]++] = (struct edge){
		    edge_turn(s, q->mentee, q->mentor), q->score };
	}
	g_free(fill);
	s->ordered = g_memdup2(s->row, (size_t)s->n * sizeof *s->ordered);
	return rows_duplicates(s, cause);
}

/* ------------------------------------------------------------------ */
/*
 * A row's order: the heavier pair first, then the lower turned mentor
 * (for mentee k: mentors k mod m, k mod m + 1, ... round to k mod m - 1).
 * No two pairs of a row compare equal, so the order does not depend on
 * how the pairs were listed.
 */

static inline int
edge_before(const struct edge *a, const struct edge *b)
{
	return a->score > b->score ||
	    (a->score == b->score && a->turned < b->turned);
}

static inline void
edge_swap(struct edge *a, struct edge *b)
{
	struct edge	t = *a;

	*a = *b;
	*b = t;
}

static void
edges_insertion_sort(struct edge *a, size_t n)
{
	struct edge	t;
	size_t		i, j;

	for (i = 1; i < n; i++) {
		t = a[i];
		for (j = i; j > 0 && edge_before(&t, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

static int
edge_compare(const void *a, const void *b)
{
	return edge_before(a, b) ? -1 : edge_before(b, a);
}

/* Partition around the median of three; returns the pivot's position. */
static size_t
edges_partition(struct edge *a, size_t n)
{
	size_t	mid = n / 2, i, at = 0;

	if (edge_before(&a[mid], &a[0]))
		edge_swap(&a[mid], &a[0]);
	if (edge_before(&a[n - 1], &a[0]))
		edge_swap(&a[n - 1], &a[0]);
	if (edge_before(&a[mid], &a[n - 1]))
		edge_swap(&a[mid], &a[n - 1]);
	for (i = 0; i < n - 1; i++) {
		if (edge_before(&a[i], &a[n - 1]))
			edge_swap(&a[i], &a[at++]);
	}
	edge_swap(&a[at], &a[n - 1]);
	return at;
}

/*
 * Bring the best `want` pairs of a[0..n) to the front, in order, in one
 * scan that keeps them there: most pairs cost one comparison with the
 * worst of the front, which suits a small `want`.
 */
static void
edges_scan(struct edge *a, size_t n, size_t want)
{
	struct edge	t;
	size_t		i, j;

	edges_insertion_sort(a, want);
	for (i = want; i < n; i++) {
		if (!edge_before(&a[i], &a[want - 1]))
			continue;
		t = a[i];
		a[i] = a[want - 1];
		for (j = want - 1; j > 0 && edge_before(&t, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

/*
 * Put the first `want` pairs of a[0..n) in order: by a scan when few are
 * wanted, else by quickselect and a sort of those.  Should the pivots
 * keep falling badly, the range left is sorted whole, so the cost stays
 * O(n log n).
 */
static void
edges_select(struct edge *a, size_t n, size_t want)
{
	size_t	lo = 0, hi = n, p;
	int	budget = 2 * g_bit_storage(n) + 4;

	if (want <= SELECT_SCAN) {
		edges_scan(a, n, want);
		return;
	}
	while (hi - lo > SELECT_SMALL) {
		if (budget-- == 0) {
			qsort(a + lo, hi - lo, sizeof *a, edge_compare);
			break;
		}
		p = lo + edges_partition(a + lo, hi - lo);
		if (p + 1 == want)
			break;
		if (p + 1 < want)
			lo = p + 1;
		else
			hi = p;
	}
	if (hi - lo <= SELECT_SMALL)
		edges_insertion_sort(a + lo, hi - lo);
	qsort(a, want, sizeof *a, edge_compare);
}

/*
 * Make sure mentee k's pairs are in order up to edge index e (inclusive),
 * doubling the ordered part each time, so a row costs O(d log d) in all.
 */
static void
rows_order(struct solver *s, int k, int e)
{
	int	start = s->ordered[k], end = s->row[k + 1], want;

	if (e < start)
		return;
	want = MAX(ORDER_FIRST, start - s->row[k]);
	want = MIN(want, end - start);
	edges_select(s->edge + start, end - start, want);
	s->ordered[k] = start + want;
}

/* ------------------------------------------------------------------ */

/* The score of pair (k, j), or -1 when it is not allowed. */
static int
score_of(const struct solver *s, int k, int j)
{
	int	e, t = edge_turn(s, k, j);

	for (e = s->row[k]; e < s->row[k + 1]; e++) {
		if (s->edge[e].turned == t)
			return s->edge[e].score;
	}
	return -1;
}

/*
 * A mentor's place in the queue at equal distance: one with a free place
 * below every cursor, a full one above; then by index.  Never TIE_CURSOR
 * itself, since j + 1 > 0.
 */
static void
tie_set(struct solver *s, int j)
{
	s->tie[j] = ((uint32_t)j + 1) |
	    (s->used[j] < s->cap[j] ? 0 : TIE_FULL);
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
	for (j = 0; j < s->m; j++)
		s->dist[j] = DIST_INF;
	s->pred = g_new(int, s->m);
	s->reached = g_new(int, s->m);
	s->sm = g_new(int, s->m);
	s->sm_d = g_new(int64_t, s->m);
	s->next = g_new(int, s->n);
	s->prev = g_new(int, s->n);
	s->mentor_of = ints_new(s->n, -1);
	s->pr = g_new0(int64_t, s->n);
	s->cursor = g_new(int, s->n);
	s->base = g_new(int64_t, s->n);
	s->sr = g_new(int, s->n);
	s->sr_d = g_new(int64_t, s->n);
}

static void
solver_free(struct solver *s)
{
	g_free(s->row);
	g_free(s->edge);
	g_free(s->ordered);
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
	g_free(s->cursor);
	g_free(s->base);
	g_free(s->heap.a);
	g_free(s->sm);
	g_free(s->sm_d);
	g_free(s->sr);
	g_free(s->sr_d);
}

static int
solver_init(struct solver *s, const struct match_problem *p, char **cause)
{
	s->n = p->n_mentees;
	s->m = p->n_mentors;
	if (weights_choose(s, p, cause) != 0)
		return -1;
	solver_alloc(s);
	return rows_build(s, p, cause);
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
			    "more fixed mentees than their capacity of %d", i,
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

/* ------------------------------------------------------------------ */
/* The queue. */

static inline struct heap_item
item_make(int64_t d, uint32_t tie, int who)
{
	return (struct heap_item){ d, (uint64_t)tie << 32 | (uint32_t)who };
}

static inline int
item_less(const struct heap_item *a, const struct heap_item *b)
{
	return a->d < b->d || (a->d == b->d && a->rank < b->rank);
}

static void
heap_grow(struct heap *h)
{
	struct heap_item	*a;

	h->size = MAX(64, 2 * h->size);
	a = g_new(struct heap_item, h->size);
	if (h->len > 0)
		memcpy(a, h->a, h->len * sizeof *a);
	g_free(h->a);
	h->a = a;
}

static void
heap_push(struct heap *h, struct heap_item it)
{
	size_t	i, up;

	if (h->len == h->size)
		heap_grow(h);
	for (i = h->len++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!item_less(&it, &h->a[up]))
			break;
		h->a[i] = h->a[up];
	}
	h->a[i] = it;
}

static int
heap_pop(struct heap *h, struct heap_item *out)
{
	struct heap_item	*a = h->a, last;
	size_t			 i, c, n;

	if (h->len == 0)
		return 0;
	*out = a[0];
	last = a[--h->len];
	n = h->len;
	for (i = 0; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && item_less(&a[c + 1], &a[c]))
			c++;
		if (!item_less(&a[c], &last))
			break;
		a[i] = a[c];
	}
	a[i] = last;
	return 1;
}

/* ------------------------------------------------------------------ */
/* One search. */

/*
 * Mentee k's cursor at its next pair: the least distance that pair can
 * give (j's potential is <= 0, so leaving it out gives a lower bound).
 * Returns 0 when k has nothing more worth looking at.
 */
static int
cursor_item(struct solver *s, int k, struct heap_item *it)
{
	int	e = s->cursor[k];

	if (e == s->row[k + 1])
		return 0;
	rows_order(s, k, e);
	*it = item_make(s->base[k] - s->edge[e].score * s->mult, TIE_CURSOR,
	    k);
	return it->d < s->dt;
}

/* Relax mentee k's next pair. */
static void
cursor_relax(struct solver *s, int k)
{
	const struct edge	*e = &s->edge[s->cursor[k]++];
	int64_t			 c;
	int			 j = edge_mentor(s, k, e);

	/* c >= 0 > DIST_SETTLED: a settled mentor is left alone. */
	c = s->base[k] - e->score * s->mult - s->pm[j];
	if (c >= s->dist[j] || c >= s->dt)
		return;
	if (s->dist[j] == DIST_INF)
		s->reached[s->n_reached++] = j;
	s->dist[j] = c;
	s->pred[j] = k;
	heap_push(&s->heap, item_make(c, s->tie[j], j));
}

/*
 * Look at mentee k's pairs in order while the next one would be the first
 * thing out of the queue anyway; then queue the cursor, or drop it.
 */
static void
cursor_advance(struct solver *s, int k)
{
	struct heap_item	it;

	for (;;) {
		cursor_relax(s, k);
		if (!cursor_item(s, k, &it))
			return;
		if (s->heap.len > 0 && item_less(&s->heap.a[0], &it)) {
			heap_push(&s->heap, it);
			return;
		}
	}
}

/* Settle mentee k at distance d: its sink edge, then its pairs. */
static void
mentee_settle(struct solver *s, int k, int64_t d)
{
	struct heap_item	it;
	int64_t			c = d + s->k + s->pr[k];

	s->sr[s->n_sr] = k;
	s->sr_d[s->n_sr++] = d;
	if (c < s->dt) {
		s->dt = c;
		s->end_mentee = k;
	}
	s->cursor[k] = s->row[k];
	s->base[k] = d + s->pr[k] + s->k - s->add;
	if (cursor_item(s, k, &it))
		heap_push(&s->heap, it);
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

static void
search(struct solver *s, int r)
{
	struct heap_item	it;

	mentee_settle(s, r, 0);
	while (heap_pop(&s->heap, &it)) {
		if (it.d >= s->dt)
			break;		/* the sink first at equal cost */
		if (ITEM_TIE(&it) == TIE_CURSOR)
			cursor_advance(s, ITEM_WHO(&it));
		else if (it.d == s->dist[ITEM_WHO(&it)] &&
		    mentor_settle(s, ITEM_WHO(&it)))
			break;
		/* else superseded, or settled already */
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
	int	i;

	for (i = 0; i < s->n_reached; i++)
		s->dist[s->reached[i]] = DIST_INF;
	s->n_reached = 0;
	s->heap.len = 0;
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
	search(s, r);
	potentials_update(s);
	path_apply(s, r);
	search_reset(s);
}

/* The potentials are the dual prices; fixed mentees have none. */
static struct match_prices *
prices_new(const struct solver *s, const uint8_t *fixed)
{
	struct match_prices	*pc = g_new0(struct match_prices, 1);
	int			 k;

	pc->mult = s->mult;
	pc->add = s->add;
	pc->k = s->k;
	pc->mentee = g_memdup2(s->pr, (size_t)s->n * sizeof *pc->mentee);
	pc->mentor = g_memdup2(s->pm, (size_t)s->m * sizeof *pc->mentor);
	for (k = 0; k < s->n; k++) {
		if (fixed[k])
			pc->mentee[k] = INT64_MAX;
	}
	return pc;
}

static void
result_fill(const struct solver *s, const uint8_t *fixed,
    struct match_result *r)
{
	int	k, j;

	r->mentor = g_memdup2(s->mentor_of, (size_t)s->n * sizeof *r->mentor);
	r->prices = prices_new(s, fixed);
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
	struct solver	 s;
	uint8_t		*fixed;
	int		 k;

	if (problem_check(p, cause) != 0)
		return -1;
	memset(&s, 0, sizeof s);
	if (solver_init(&s, p, cause) != 0 || fixed_apply(&s, p, cause) != 0) {
		solver_free(&s);
		return -1;
	}
	/* Fixed mentees already have their mentor and are never linked. */
	fixed = g_new0(uint8_t, MAX(s.n, 1));
	for (k = 0; k < s.n; k++) {
		fixed[k] = s.mentor_of[k] != -1;
		if (!fixed[k])
			place(&s, k);
	}
	result_fill(&s, fixed, r);
	g_free(fixed);
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
	if (r->prices != NULL) {
		g_free(r->prices->mentee);
		g_free(r->prices->mentor);
		g_free(r->prices);
		r->prices = NULL;
	}
}

/*
 * A pair left out would be the arc k -> j of cost K - w, its reduced cost
 * (K - w) + pr[k] - pm[j]; the assignment is optimal with it listed too
 * exactly when that is not negative.  The gain is its opposite.  Mentor
 * potentials are <= 0, so leaving pm out bounds every mentor's.
 */
int64_t
match_gain_bound(const struct match_result *r, int mentee, int score)
{
	const struct match_prices	*pc = r->prices;

	if (pc->mentee[mentee] == INT64_MAX)
		return 0;
	return score * pc->mult + pc->add - pc->k - pc->mentee[mentee];
}

int64_t
match_gain(const struct match_result *r, int mentee, int mentor, int score)
{
	if (r->prices->mentee[mentee] == INT64_MAX)
		return 0;
	return match_gain_bound(r, mentee, score) + r->prices->mentor[mentor];
}

/* ------------------------------------------------------------------ */
/* The best pairs of one mentee. */

struct match_keep {
	int		 m;
	int		 mentee;
	int		 want;
	struct edge	*heap;		/* the best want + 1 so far, the worst
					   on top */
	size_t		 len;
	size_t		 size;
};

struct match_keep *
match_keep_new(int n_mentors)
{
	struct match_keep	*kp = g_new0(struct match_keep, 1);

	kp->m = MAX(n_mentors, 1);
	return kp;
}

void
match_keep_start(struct match_keep *kp, int mentee, int want)
{
	if (want < 1)
		fatal("match_keep_start: want %d", want);
	kp->mentee = mentee;
	kp->want = want;
	kp->len = 0;
	if (kp->size < (size_t)want + 1) {
		kp->size = (size_t)want + 1;
		g_free(kp->heap);
		kp->heap = g_new(struct edge, kp->size);
	}
}

static void
keep_down(struct match_keep *kp, size_t i)
{
	struct edge	*a = kp->heap, t = a[i];
	size_t		 c;

	for (; (c = 2 * i + 1) < kp->len; i = c) {
		if (c + 1 < kp->len && edge_before(&a[c], &a[c + 1]))
			c++;
		if (!edge_before(&t, &a[c]))
			break;
		a[i] = a[c];
	}
	a[i] = t;
}

static void
keep_up(struct match_keep *kp, size_t i)
{
	struct edge	*a = kp->heap, t = a[i];
	size_t		 up;

	for (; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!edge_before(&a[up], &t))
			break;
		a[i] = a[up];
	}
	a[i] = t;
}

void
match_keep_offer(struct match_keep *kp, int mentor, int score)
{
	struct edge	e;
	int		t = mentor - kp->mentee % kp->m;

	/* Turned as edge_turn does, without a solver. */
	e = (struct edge){ t < 0 ? t + kp->m : t, score };
	if (kp->len < (size_t)kp->want + 1) {
		kp->heap[kp->len++] = e;
		keep_up(kp, kp->len - 1);
	} else if (edge_before(&e, &kp->heap[0])) {
		kp->heap[0] = e;
		keep_down(kp, 0);
	}
}

size_t
match_keep_take(struct match_keep *kp, struct match_pair *out, int *next)
{
	size_t	i, n = MIN(kp->len, (size_t)kp->want);
	int	j;

	qsort(kp->heap, kp->len, sizeof *kp->heap, edge_compare);
	for (i = 0; i < n; i++) {
		j = kp->heap[i].turned + kp->mentee % kp->m;
		out[i] = (struct match_pair){ kp->mentee,
		    j >= kp->m ? j - kp->m : j, kp->heap[i].score };
	}
	*next = kp->len > n ? kp->heap[n].score : -1;
	kp->len = 0;
	return n;
}

void
match_keep_free(struct match_keep *kp)
{
	if (kp == NULL)
		return;
	g_free(kp->heap);
	g_free(kp);
}
