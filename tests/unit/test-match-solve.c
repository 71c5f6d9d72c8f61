/*
 * test-match-solve.c -- the assignment solver, as match-solve.h promises.
 *
 * Optimality is checked two independent ways: against every possible
 * assignment on small random pools (up to 6 mentees and 5 mentors), and,
 * on pools too large to enumerate, by the absence of an improving cycle
 * in the residual network (Bellman-Ford), which is what optimal means for
 * a flow.  Random pools come from GRand with fixed seeds, so a failure
 * names a seed that reproduces it.
 *
 * Determinism, as promised: the same problem gives the same assignment,
 * whatever the order of the pair and fixed-pair lists -- tested on pools
 * full of ties, where a solver that depended on the order would show it.
 *
 * Column generation: a problem listing only each mentee's first pairs
 * (match_keep), solved again with every pair left out that match_gain
 * says could gain, until none could, reaches the whole problem's optimum;
 * on pools of wide scores and of ties, cut hard (one pair per mentee).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "match-solve.h"

#define BRUTE_MENTEES	6
#define BRUTE_MENTORS	5

/* A problem and the arrays it points to. */
struct pool {
	struct match_problem	 p;
	int			*capacity;
	struct match_pair	*pairs;
	struct match_fixed	*fixed;
};

/* What the objective compares, most important first. */
struct value {
	int64_t	first;
	int64_t	second;
};

static void
pool_free(struct pool *pl)
{
	g_free(pl->capacity);
	g_free(pl->pairs);
	g_free(pl->fixed);
}

/* Each pair allowed with probability `density`, scores 0..max_score. */
static void
pool_random(struct pool *pl, GRand *rnd, int n, int m, double density,
    int max_cap, int max_score)
{
	int	k, j;

	memset(pl, 0, sizeof *pl);
	pl->capacity = g_new(int, m + 1);
	pl->pairs = g_new(struct match_pair, (size_t)n * m + 1);
	pl->fixed = g_new(struct match_fixed, n + 1);
	for (j = 0; j < m; j++)
		pl->capacity[j] = g_rand_int_range(rnd, 1, max_cap + 1);
	for (k = 0; k < n; k++) {
		for (j = 0; j < m; j++) {
			if (g_rand_double(rnd) >= density)
				continue;
			pl->pairs[pl->p.n_pairs++] = (struct match_pair){ k, j,
			    g_rand_int_range(rnd, 0, max_score + 1) };
		}
	}
	pl->p.n_mentees = n;
	pl->p.n_mentors = m;
	pl->p.capacity = pl->capacity;
	pl->p.pairs = pl->pairs;
	pl->p.fixed = pl->fixed;
}

/* Fix some allowed pairs, within capacity and one per mentee. */
static void
pool_fix_some(struct pool *pl, GRand *rnd, double chance)
{
	int	*left, *fixed_mentee;
	size_t	 i;

	left = g_memdup2(pl->capacity, (pl->p.n_mentors + 1) * sizeof *left);
	fixed_mentee = g_new0(int, pl->p.n_mentees + 1);
	for (i = 0; i < pl->p.n_pairs; i++) {
		const struct match_pair *q = &pl->pairs[i];

		if (fixed_mentee[q->mentee] || left[q->mentor] == 0 ||
		    g_rand_double(rnd) >= chance)
			continue;
		fixed_mentee[q->mentee] = 1;
		left[q->mentor]--;
		pl->fixed[pl->p.n_fixed++] =
		    (struct match_fixed){ q->mentee, q->mentor };
	}
	g_free(left);
	g_free(fixed_mentee);
}

/* The score of pair (k, j) in the problem, or -1 when not allowed. */
static int
pool_score(const struct match_problem *p, int k, int j)
{
	size_t	i;

	for (i = 0; i < p->n_pairs; i++) {
		if (p->pairs[i].mentee == k && p->pairs[i].mentor == j)
			return p->pairs[i].score;
	}
	return -1;
}

static struct value
value_of(int flags, int64_t total, int64_t matched)
{
	if (flags & MATCH_MAXIMIZE_COUNT)
		return (struct value){ matched, total };
	return (struct value){ total, matched };
}

static int
value_less(struct value a, struct value b)
{
	return a.first < b.first || (a.first == b.first && a.second < b.second);
}

/* ------------------------------------------------------------------ */
/* Brute force: every assignment, fixed pairs forced. */

struct brute {
	const struct match_problem	*p;
	int				 score[BRUTE_MENTEES][BRUTE_MENTORS];
	int				 fixed[BRUTE_MENTEES];
	int				 left[BRUTE_MENTORS];
	struct value			 best;
};

static void
brute_walk(struct brute *b, int k, int64_t total, int64_t matched)
{
	struct value	v;
	int		j;

	if (k == b->p->n_mentees) {
		v = value_of(b->p->flags, total, matched);
		if (value_less(b->best, v))
			b->best = v;
		return;
	}
	if (b->fixed[k] != -1) {
		brute_walk(b, k + 1, total + b->score[k][b->fixed[k]],
		    matched + 1);
		return;
	}
	brute_walk(b, k + 1, total, matched);
	for (j = 0; j < b->p->n_mentors; j++) {
		if (b->score[k][j] < 0 || b->left[j] == 0)
			continue;
		b->left[j]--;
		brute_walk(b, k + 1, total + b->score[k][j], matched + 1);
		b->left[j]++;
	}
}

static struct value
brute_best(const struct match_problem *p)
{
	struct brute	b;
	size_t		i;
	int		j;

	memset(&b, 0, sizeof b);
	memset(b.score, 0xff, sizeof b.score);
	memset(b.fixed, 0xff, sizeof b.fixed);
	b.p = p;
	for (i = 0; i < p->n_pairs; i++)
		b.score[p->pairs[i].mentee][p->pairs[i].mentor] =
		    p->pairs[i].score;
	for (j = 0; j < p->n_mentors; j++)
		b.left[j] = p->capacity[j];
	for (i = 0; i < p->n_fixed; i++) {
		b.fixed[p->fixed[i].mentee] = p->fixed[i].mentor;
		b.left[p->fixed[i].mentor]--;
	}
	b.best = (struct value){ -1, -1 };
	brute_walk(&b, 0, 0, 0);
	return b.best;
}

/* ------------------------------------------------------------------ */
/* What every result must be, optimal or not. */

static void
check_feasible(const struct match_problem *p, const struct match_result *r)
{
	int	*used, k, j, matched = 0;
	int64_t	 total = 0;
	size_t	 i;

	used = g_new0(int, p->n_mentors + 1);
	for (k = 0; k < p->n_mentees; k++) {
		if ((j = r->mentor[k]) == -1)
			continue;
		assert_in_range(j, 0, p->n_mentors - 1);
		assert_true(pool_score(p, k, j) >= 0);	/* never forbidden */
		total += pool_score(p, k, j);
		matched++;
		used[j]++;
	}
	for (j = 0; j < p->n_mentors; j++)
		assert_true(used[j] <= p->capacity[j]);
	for (i = 0; i < p->n_fixed; i++)
		assert_int_equal(r->mentor[p->fixed[i].mentee],
		    p->fixed[i].mentor);
	assert_int_equal(r->total, total);
	assert_int_equal(r->matched, matched);
	g_free(used);
}

static void
solve_ok(const struct match_problem *p, struct match_result *r)
{
	char	*cause = NULL;

	if (match_solve(p, r, &cause) != 0)
		fail_msg("match_solve: %s", cause);
	assert_null(cause);
	check_feasible(p, r);
}

/* ------------------------------------------------------------------ */
/* Optimality against brute force. */

static void
brute_force_round(int flags, guint32 seed)
{
	struct pool		pl;
	struct match_result	r;
	struct value		want, got;
	GRand			*rnd = g_rand_new_with_seed(seed);

	pool_random(&pl, rnd, g_rand_int_range(rnd, 0, BRUTE_MENTEES + 1),
	    g_rand_int_range(rnd, 0, BRUTE_MENTORS + 1),
	    g_rand_double_range(rnd, 0.1, 1.0), 3,
	    g_rand_boolean(rnd) ? 3 : 100);
	if (g_rand_int_range(rnd, 0, 3) == 0)
		pool_fix_some(&pl, rnd, 0.3);
	pl.p.flags = flags;
	want = brute_best(&pl.p);
	solve_ok(&pl.p, &r);
	got = value_of(flags, r.total, r.matched);
	if (got.first != want.first || got.second != want.second)
		fail_msg("seed %u: got (%lld, %lld), best is (%lld, %lld)",
		    seed, (long long)got.first, (long long)got.second,
		    (long long)want.first, (long long)want.second);
	match_result_free(&r);
	pool_free(&pl);
	g_rand_free(rnd);
}

static void
test_best_total_score(void **state)
{
	guint32	seed;

	for (seed = 1; seed <= 500; seed++)
		brute_force_round(0, seed);
}

static void
test_most_matches_then_best_score(void **state)
{
	guint32	seed;

	for (seed = 1001; seed <= 1500; seed++)
		brute_force_round(MATCH_MAXIMIZE_COUNT, seed);
}

/* ------------------------------------------------------------------ */
/*
 * Optimality on larger pools: a flow is cheapest exactly when its
 * residual network has no negative cycle.  Nodes: mentees 0..n-1, mentors
 * n..n+m-1 and the sink.  Fixed mentees are left out, their mentors'
 * capacity reduced.  Costs are minus the weights the objective compares.
 */

struct arc {
	int	from;
	int	to;
	int64_t	cost;
};

static int64_t
weight_of(const struct match_problem *p, int64_t max_score, int score)
{
	if (p->flags & MATCH_MAXIMIZE_COUNT)
		return score + max_score * p->n_mentees + 1;
	return (int64_t)score * (p->n_mentees + 1) + 1;
}

static void
arc_add(GArray *arcs, int from, int to, int64_t cost)
{
	struct arc	a = { from, to, cost };

	g_array_append_val(arcs, a);
}

static GArray *
residual_arcs(const struct match_problem *p, const struct match_result *r)
{
	GArray	*arcs = g_array_new(FALSE, FALSE, sizeof(struct arc));
	int	*left, *fixed, sink = p->n_mentees + p->n_mentors, j, max = 0;
	size_t	 i;

	left = g_memdup2(p->capacity, (p->n_mentors + 1) * sizeof *left);
	fixed = g_new0(int, p->n_mentees + 1);
	for (i = 0; i < p->n_fixed; i++) {
		fixed[p->fixed[i].mentee] = 1;
		left[p->fixed[i].mentor]--;
	}
	for (i = 0; i < p->n_pairs; i++)
		max = MAX(max, p->pairs[i].score);
	for (i = 0; i < p->n_pairs; i++) {
		const struct match_pair *q = &p->pairs[i];
		int64_t w = weight_of(p, max, q->score);

		if (fixed[q->mentee])
			continue;
		if (r->mentor[q->mentee] == q->mentor) {
			arc_add(arcs, p->n_mentees + q->mentor, q->mentee, w);
			arc_add(arcs, q->mentee, sink, 0);
			arc_add(arcs, sink, p->n_mentees + q->mentor, 0);
			left[q->mentor]--;
		} else
			arc_add(arcs, q->mentee, p->n_mentees + q->mentor, -w);
	}
	for (i = 0; i < (size_t)p->n_mentees; i++) {
		if (!fixed[i] && r->mentor[i] == -1)
			arc_add(arcs, sink, (int)i, 0);
	}
	for (j = 0; j < p->n_mentors; j++) {
		if (left[j] > 0)
			arc_add(arcs, p->n_mentees + j, sink, 0);
	}
	g_free(left);
	g_free(fixed);
	return arcs;
}

/* Bellman-Ford from a virtual source joined to every node at cost 0. */
static int
has_negative_cycle(GArray *arcs, int nodes)
{
	int64_t		*d = g_new0(int64_t, nodes);
	struct arc	*a = (struct arc *)(void *)arcs->data;
	int		 round, changed = 1;
	guint		 i;

	for (round = 0; round < nodes + 1 && changed; round++) {
		changed = 0;
		for (i = 0; i < arcs->len; i++) {
			if (d[a[i].from] + a[i].cost < d[a[i].to]) {
				d[a[i].to] = d[a[i].from] + a[i].cost;
				changed = 1;
			}
		}
	}
	g_free(d);
	return changed;
}

static void
certificate_round(int flags, guint32 seed, int n, int m, double density)
{
	struct pool		pl;
	struct match_result	r;
	GArray			*arcs;
	GRand			*rnd = g_rand_new_with_seed(seed);

	pool_random(&pl, rnd, n, m, density, 3, 1000);
	pool_fix_some(&pl, rnd, 0.05);
	pl.p.flags = flags;
	solve_ok(&pl.p, &r);
	arcs = residual_arcs(&pl.p, &r);
	if (has_negative_cycle(arcs, n + m + 1))
		fail_msg("seed %u: an improving cycle remains", seed);
	g_array_unref(arcs);
	match_result_free(&r);
	pool_free(&pl);
	g_rand_free(rnd);
}

/* Pools where most pairs are allowed, and pools where few are. */
static void
test_no_improving_cycle(void **state)
{
	guint32	seed;

	for (seed = 1; seed <= 40; seed++) {
		certificate_round(0, seed, 40, 25, 0.8);
		certificate_round(0, seed, 40, 25, 0.15);
		certificate_round(MATCH_MAXIMIZE_COUNT, seed, 40, 25, 0.8);
		certificate_round(MATCH_MAXIMIZE_COUNT, seed, 40, 25, 0.15);
	}
	certificate_round(0, 7, 300, 120, 0.6);
	certificate_round(MATCH_MAXIMIZE_COUNT, 7, 300, 120, 0.05);
}

/* ------------------------------------------------------------------ */
/* The rules, one small pool each. */

/* Room for one mentee each, for pools of up to 20 mentors. */
static const int caps1[20] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static void
test_forbidden_pair_never_used(void **state)
{
	/* Mentor 1 would be everyone's best; mentee 0 may not have it. */
	const struct match_pair	pairs[] = {
		{ 0, 0, 1 }, { 1, 1, 5 },
	};
	struct match_problem	p = { 2, 2, caps1, pairs, 2, NULL, 0, 0 };
	struct match_result	r;

	solve_ok(&p, &r);
	assert_int_equal(r.mentor[0], 0);
	assert_int_equal(r.mentor[1], 1);
	assert_int_equal(r.total, 6);
	match_result_free(&r);
}

static void
test_capacity_respected(void **state)
{
	/* Everyone wants mentor 0, who takes two; mentor 1 takes the rest. */
	const int		caps[] = { 2, 5 };
	const struct match_pair	pairs[] = {
		{ 0, 0, 9 }, { 1, 0, 8 }, { 2, 0, 7 }, { 3, 0, 6 },
		{ 0, 1, 0 }, { 1, 1, 0 }, { 2, 1, 0 }, { 3, 1, 0 },
	};
	struct match_problem	p = { 4, 2, caps, pairs, 8, NULL, 0, 0 };
	struct match_result	r;

	solve_ok(&p, &r);
	assert_int_equal(r.mentor[0], 0);
	assert_int_equal(r.mentor[1], 0);
	assert_int_equal(r.mentor[2], 1);
	assert_int_equal(r.mentor[3], 1);
	assert_int_equal(r.total, 17);
	assert_int_equal(r.matched, 4);
	match_result_free(&r);
}

static void
test_fixed_pair_kept_against_the_optimum(void **state)
{
	/*
	 * Without the fixed pair the best is 0-0 and 1-1 (20).  With 0-1
	 * fixed, mentor 1 is full and mentee 1 takes mentor 0 (1 + 1).
	 */
	const struct match_pair		pairs[] = {
		{ 0, 0, 10 }, { 0, 1, 1 }, { 1, 1, 10 }, { 1, 0, 1 },
	};
	const struct match_fixed	fixed[] = { { 0, 1 } };
	struct match_problem		p = { 2, 2, caps1, pairs, 4, fixed, 1,
					    0 };
	struct match_result		r;

	solve_ok(&p, &r);
	assert_int_equal(r.mentor[0], 1);
	assert_int_equal(r.mentor[1], 0);
	assert_int_equal(r.total, 2);
	match_result_free(&r);
}

/*
 * Mentee 100 is worth 10 to each of mentors 0..99, and each is taken by
 * a mentee who has nobody else; its next best are mentors 100..199 at 5.
 * Its search has to go a hundred pairs down its list, further than the
 * part of the list put in order at first.
 */
static void
test_far_down_the_list(void **state)
{
	struct match_pair	*pairs = g_new(struct match_pair, 300);
	int			*caps = g_new(int, 200);
	struct match_problem	 p = { 101, 200, caps, pairs, 0, NULL, 0, 0 };
	struct match_result	 r;
	int			 j;

	for (j = 0; j < 200; j++) {
		caps[j] = 1;
		/* From the bottom of the list up: the order must not matter. */
		pairs[p.n_pairs++] = (struct match_pair){ 100, 199 - j,
		    199 - j < 100 ? 10 : 5 };
		if (j < 100)
			pairs[p.n_pairs++] = (struct match_pair){ j, j, 10 };
	}
	solve_ok(&p, &r);
	for (j = 0; j < 100; j++)
		assert_int_equal(r.mentor[j], j);
	assert_in_range(r.mentor[100], 100, 199);
	assert_int_equal(r.total, 1005);
	match_result_free(&r);
	g_free(pairs);
	g_free(caps);
}

static void
test_maximize_count_matches_more(void **state)
{
	/*
	 * Mentee 0 is worth 10 with mentor 0, 8 with mentor 1; mentee 1
	 * only fits mentor 0, for 1.  Best score: 0-0 alone (10).  Most
	 * matches: 0-1 and 1-0 (9).
	 */
	const struct match_pair	pairs[] = {
		{ 0, 0, 10 }, { 0, 1, 8 }, { 1, 0, 1 },
	};
	struct match_problem	p = { 2, 2, caps1, pairs, 3, NULL, 0, 0 };
	struct match_result	r;

	solve_ok(&p, &r);
	assert_int_equal(r.total, 10);
	assert_int_equal(r.matched, 1);
	assert_int_equal(r.mentor[1], -1);
	match_result_free(&r);
	p.flags = MATCH_MAXIMIZE_COUNT;
	solve_ok(&p, &r);
	assert_int_equal(r.total, 9);
	assert_int_equal(r.matched, 2);
	assert_int_equal(r.mentor[0], 1);
	assert_int_equal(r.mentor[1], 0);
	match_result_free(&r);
}

static void
test_equal_totals_prefer_more_matches(void **state)
{
	/* 0-0 alone scores 5, and so do 0-1 + 1-0: the second matches two. */
	const struct match_pair	pairs[] = {
		{ 0, 0, 5 }, { 0, 1, 5 }, { 1, 0, 0 },
	};
	struct match_problem	p = { 2, 2, caps1, pairs, 3, NULL, 0, 0 };
	struct match_result	r;

	solve_ok(&p, &r);
	assert_int_equal(r.total, 5);
	assert_int_equal(r.matched, 2);
	match_result_free(&r);
}

static void
test_all_scores_zero(void **state)
{
	const struct match_pair	pairs[] = {
		{ 0, 0, 0 }, { 1, 0, 0 }, { 2, 1, 0 }, { 2, 2, 0 },
	};
	struct match_problem	p = { 3, 3, caps1, pairs, 4, NULL, 0, 0 };
	struct match_result	r;

	solve_ok(&p, &r);
	assert_int_equal(r.total, 0);
	assert_int_equal(r.matched, 2);
	match_result_free(&r);
}

static void
test_empty_pools(void **state)
{
	const struct match_pair	pairs[] = { { 1, 0, 4 } };
	struct match_problem	none = { 0, 0, NULL, NULL, 0, NULL, 0, 0 };
	struct match_problem	no_mentors = { 3, 0, NULL, NULL, 0, NULL, 0,
				    0 };
	struct match_problem	no_pairs = { 2, 3, caps1, NULL, 0, NULL, 0,
				    0 };
	struct match_problem	one_lonely = { 3, 1, caps1, pairs, 1, NULL, 0,
				    MATCH_MAXIMIZE_COUNT };
	struct match_result	r;

	solve_ok(&none, &r);
	assert_int_equal(r.matched, 0);
	match_result_free(&r);
	solve_ok(&no_mentors, &r);
	assert_int_equal(r.mentor[2], -1);
	match_result_free(&r);
	solve_ok(&no_pairs, &r);
	assert_int_equal(r.mentor[0], -1);
	assert_int_equal(r.total, 0);
	match_result_free(&r);
	/* Mentees 0 and 2 have no allowed mentor. */
	solve_ok(&one_lonely, &r);
	assert_int_equal(r.mentor[0], -1);
	assert_int_equal(r.mentor[1], 0);
	assert_int_equal(r.mentor[2], -1);
	assert_int_equal(r.total, 4);
	match_result_free(&r);
}

/* ------------------------------------------------------------------ */
/* Determinism. */

static void
shuffle_pairs(GRand *rnd, struct match_pair *a, size_t n)
{
	struct match_pair	t;
	size_t			i, j;

	for (i = n; i > 1; i--) {
		j = (size_t)g_rand_int_range(rnd, 0, (gint32)i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void
shuffle_fixed(GRand *rnd, struct match_fixed *a, size_t n)
{
	struct match_fixed	t;
	size_t			i, j;

	for (i = n; i > 1; i--) {
		j = (size_t)g_rand_int_range(rnd, 0, (gint32)i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void
same_result(const struct match_problem *p, const struct match_result *a,
    const struct match_result *b)
{
	assert_int_equal(a->total, b->total);
	assert_int_equal(a->matched, b->matched);
	assert_memory_equal(a->mentor, b->mentor,
	    (size_t)p->n_mentees * sizeof *a->mentor);
}

/*
 * Scores 0..2 make many assignments equally good: a solver whose choice
 * among them followed the listing order would differ here.
 */
static void
determinism_round(guint32 seed, int n, int m, double density)
{
	struct pool		pl;
	struct match_result	a, b, c;
	GRand			*rnd = g_rand_new_with_seed(seed);

	pool_random(&pl, rnd, n, m, density, 2, 2);
	pool_fix_some(&pl, rnd, 0.05);
	pl.p.flags = seed % 2 ? MATCH_MAXIMIZE_COUNT : 0;
	solve_ok(&pl.p, &a);
	solve_ok(&pl.p, &b);
	same_result(&pl.p, &a, &b);
	shuffle_pairs(rnd, pl.pairs, pl.p.n_pairs);
	shuffle_fixed(rnd, pl.fixed, pl.p.n_fixed);
	solve_ok(&pl.p, &c);
	same_result(&pl.p, &a, &c);
	match_result_free(&a);
	match_result_free(&b);
	match_result_free(&c);
	pool_free(&pl);
	g_rand_free(rnd);
}

static void
test_same_problem_same_assignment(void **state)
{
	guint32	seed;

	for (seed = 1; seed <= 100; seed++) {
		determinism_round(seed, 30, 20, 0.7);
		determinism_round(seed, 30, 20, 0.2);
	}
}

/* ------------------------------------------------------------------ */
/* Listing only each mentee's best pairs, and pricing the others. */

/* Mentor j's place among mentee k's equal scores, as the header says. */
static int
turned(int m, int k, int j)
{
	return ((j - k % m) % m + m) % m;
}

static int	order_m, order_k;

static int
order_compare(const void *a, const void *b)
{
	const struct match_pair	*x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return turned(order_m, order_k, x->mentor) -
	    turned(order_m, order_k, y->mentor);
}

/* match_keep gives a mentee's first pairs in the solver's order. */
static void
test_keep_gives_the_solvers_order(void **state)
{
	struct match_pair	 all[40], got[40];
	struct match_keep	*kp;
	GRand			*rnd = g_rand_new_with_seed(11);
	size_t			 n, want;
	int			 round, m, k, j, next;

	for (round = 0; round < 200; round++) {
		m = g_rand_int_range(rnd, 1, 40);
		k = g_rand_int_range(rnd, 0, 100);
		for (j = 0; j < m; j++)
			all[j] = (struct match_pair){ k, j,
			    g_rand_int_range(rnd, 0, round % 2 ? 3 : 1000) };
		shuffle_pairs(rnd, all, (size_t)m);
		want = (size_t)g_rand_int_range(rnd, 1, m + 3);
		kp = match_keep_new(m);
		match_keep_start(kp, k, (int)want);
		for (j = 0; j < m; j++)
			match_keep_offer(kp, all[j].mentor, all[j].score);
		n = match_keep_take(kp, got, &next);
		match_keep_free(kp);
		order_m = m;
		order_k = k;
		qsort(all, (size_t)m, sizeof *all, order_compare);
		assert_int_equal(n, MIN(want, (size_t)m));
		assert_memory_equal(got, all, n * sizeof *got);
		assert_int_equal(next, n < (size_t)m ? all[n].score : -1);
	}
	g_rand_free(rnd);
}

/* Whether `p` lists pair (k, j). */
static int
listed(const struct match_problem *p, int k, int j)
{
	return pool_score(p, k, j) >= 0;
}

/*
 * `out`: the problem `full` with only the first `first` pairs of each
 * mentee (fixed mentees keep all theirs); next[k]: the best score of
 * mentee k left out, or -1.
 */
static void
pool_best(const struct match_problem *full, int first, struct pool *out,
    int *next)
{
	struct match_keep	*kp = match_keep_new(full->n_mentors);
	int			*fixed = g_new0(int, full->n_mentees + 1);
	size_t			 i;
	int			 k;

	memset(out, 0, sizeof *out);
	out->p = *full;
	out->p.n_pairs = 0;
	out->pairs = g_new(struct match_pair, full->n_pairs + 1);
	for (i = 0; i < full->n_fixed; i++)
		fixed[full->fixed[i].mentee] = 1;
	for (k = 0; k < full->n_mentees; k++) {
		match_keep_start(kp, k, fixed[k] ? full->n_mentors + 1 :
		    first);
		for (i = 0; i < full->n_pairs; i++) {
			if (full->pairs[i].mentee == k)
				match_keep_offer(kp, full->pairs[i].mentor,
				    full->pairs[i].score);
		}
		out->p.n_pairs += match_keep_take(kp,
		    out->pairs + out->p.n_pairs, &next[k]);
	}
	out->p.pairs = out->pairs;
	match_keep_free(kp);
	g_free(fixed);
}

/*
 * Price every pair of `full` left out of `part` under `r`; list those
 * that could gain in `part`.  Returns how many.  The bound must hold.
 */
static int
price_all(const struct match_problem *full, struct pool *part,
    const struct match_result *r, const int *next)
{
	const struct match_pair	*q;
	size_t			 i, n = part->p.n_pairs;
	int64_t			 gain;

	for (i = 0; i < full->n_pairs; i++) {
		q = &full->pairs[i];
		if (listed(&part->p, q->mentee, q->mentor))
			continue;
		gain = match_gain(r, q->mentee, q->mentor, q->score);
		assert_true(q->score <= next[q->mentee]);
		assert_true(gain <= match_gain_bound(r, q->mentee,
		    next[q->mentee]));
		if (gain > 0)
			part->pairs[part->p.n_pairs++] = *q;
	}
	return (int)(part->p.n_pairs - n);
}

/*
 * Solve `full` listing `first` pairs per mentee, then again with every
 * pair left out that could gain, until none could: the total is then the
 * whole problem's, and so is the number matched.  Returns how many pairs
 * had to be added.
 */
static int
pricing_round(guint32 seed, int n, int m, double density, int max_score,
    int first)
{
	struct pool		pl, part;
	struct match_result	whole, r;
	GRand			*rnd = g_rand_new_with_seed(seed);
	int			*next, added, all = 0;

	pool_random(&pl, rnd, n, m, density, 3, max_score);
	pool_fix_some(&pl, rnd, 0.05);
	pl.p.flags = seed % 2 ? MATCH_MAXIMIZE_COUNT : 0;
	solve_ok(&pl.p, &whole);
	next = g_new(int, n + 1);
	pool_best(&pl.p, first, &part, next);
	for (;;) {
		solve_ok(&part.p, &r);
		added = price_all(&pl.p, &part, &r, next);
		if (added == 0)
			break;
		all += added;
		match_result_free(&r);
	}
	check_feasible(&pl.p, &r);
	if (r.total != whole.total || r.matched != whole.matched)
		fail_msg("seed %u: (%lld, %d), the whole problem's is (%lld, "
		    "%d)", seed, (long long)r.total, r.matched,
		    (long long)whole.total, whole.matched);
	match_result_free(&r);
	match_result_free(&whole);
	pool_free(&part);
	pool_free(&pl);
	g_free(next);
	g_rand_free(rnd);
	return all;
}

static void
test_pricing_finds_the_whole_optimum(void **state)
{
	guint32	seed;
	int	added = 0;

	for (seed = 1; seed <= 60; seed++) {
		added += pricing_round(seed, 40, 25, 0.8, 1000, 1);
		added += pricing_round(seed, 40, 25, 0.8, 2, 1);
		added += pricing_round(seed, 40, 25, 0.3, 1000, 2);
		added += pricing_round(seed, 60, 20, 0.9, 3, 3);
	}
	added += pricing_round(5, 300, 120, 0.7, 1000, 4);
	added += pricing_round(6, 300, 120, 0.7, 4, 4);
	/* Lists that short must have needed more, or nothing was tested. */
	assert_true(added > 0);
}

/* A fixed mentee's pairs never gain: it is not the solver's to move. */
static void
test_fixed_mentee_never_gains(void **state)
{
	const struct match_pair		pairs[] = { { 0, 0, 1 }, { 1, 1, 1 } };
	const struct match_fixed	fixed[] = { { 0, 0 } };
	struct match_problem		p = { 2, 2, caps1, pairs, 2, fixed, 1,
					    0 };
	struct match_result		r;

	solve_ok(&p, &r);
	assert_true(match_gain(&r, 0, 1, 1) <= 0);
	assert_true(match_gain_bound(&r, 0, 1) <= 0);
	/* Mentee 1 would gain nothing from mentor 0 at score 0. */
	assert_true(match_gain(&r, 1, 0, 0) <= 0);
	match_result_free(&r);
}

/* ------------------------------------------------------------------ */
/* Bad input: -1 and a cause, never an abort. */

static void
refused(const struct match_problem *p, const char *needle)
{
	struct match_result	r = { NULL, 77, 77, NULL };
	char			*cause = NULL;

	assert_int_equal(match_solve(p, &r, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("cause \"%s\" does not say \"%s\"", cause, needle);
	g_free(cause);
	assert_null(r.mentor);
	assert_int_equal(r.total, 77);
	assert_int_equal(match_solve(p, &r, NULL), -1);
}

/* Each refused problem differs from this one in one way. */
static const struct match_pair	good_pairs[] = { { 0, 0, 3 }, { 1, 1, 4 } };

#define PROBLEM(...)	(&(const struct match_problem){ __VA_ARGS__ })

static void
test_bad_problem_refused(void **state)
{
	const int	zero[] = { 1, 0 };

	refused(PROBLEM(2, 2, zero, good_pairs, 2, NULL, 0, 0),
	    "mentor 1: capacity 0");
	refused(PROBLEM(-1, 2, caps1, good_pairs, 2, NULL, 0, 0),
	    "negative count");
	refused(PROBLEM(2, 2, NULL, good_pairs, 2, NULL, 0, 0), "missing");
	refused(PROBLEM(2, 2, caps1, NULL, 2, NULL, 0, 0), "missing");
	refused(PROBLEM(2, 2, caps1, good_pairs, 2, NULL, 1, 0), "missing");
	refused(PROBLEM(2, 2, caps1, good_pairs, 2, NULL, 0, 0x10),
	    "unknown flags");
}

static void
test_bad_pairs_refused(void **state)
{
	const struct match_pair	out[] = { { 0, 2, 3 } };
	const struct match_pair	neg[] = { { -1, 0, 3 } };
	const struct match_pair	low[] = { { 0, 0, -1 } };
	const struct match_pair	high[] = { { 0, 0, MATCH_SCORE_MAX + 1 } };
	const struct match_pair	twice[] = {
		{ 0, 0, 3 }, { 1, 1, 4 }, { 0, 0, 4 },
	};
	const struct match_pair	big[] = { { 0, 0, MATCH_SCORE_MAX } };

	refused(PROBLEM(2, 2, caps1, out, 1, NULL, 0, 0),
	    "pair 0: mentor 2 out of range");
	refused(PROBLEM(2, 2, caps1, neg, 1, NULL, 0, 0),
	    "pair 0: mentee -1 out of range");
	refused(PROBLEM(2, 2, caps1, low, 1, NULL, 0, 0), "score -1 outside");
	refused(PROBLEM(2, 2, caps1, high, 1, NULL, 0, 0),
	    "outside 0..1000000000");
	refused(PROBLEM(2, 2, caps1, twice, 3, NULL, 0, 0),
	    "mentee 0 and mentor 0 listed twice");
	/* The largest score over 100,000 mentees would overflow. */
	refused(PROBLEM(100000, 1, caps1, big, 1, NULL, 0, 0),
	    "too large for 100000 mentees");
}

static void
test_bad_fixed_pairs_refused(void **state)
{
	const struct match_fixed	not_allowed[] = { { 0, 1 } };
	const struct match_fixed	fixed_twice[] = { { 0, 0 }, { 0, 0 } };
	const struct match_fixed	out[] = { { 5, 0 } };
	const struct match_fixed	over[] = { { 0, 0 }, { 1, 0 } };
	const struct match_pair		both[] = { { 0, 0, 1 }, { 1, 0, 1 } };

	refused(PROBLEM(2, 2, caps1, good_pairs, 2, not_allowed, 1, 0),
	    "not an allowed pair");
	refused(PROBLEM(2, 2, caps1, good_pairs, 2, fixed_twice, 2, 0),
	    "mentee 0 is fixed twice");
	refused(PROBLEM(2, 2, caps1, good_pairs, 2, out, 1, 0),
	    "fixed pair 0: mentee 5 out of range");
	refused(PROBLEM(2, 1, caps1, both, 2, over, 2, 0),
	    "more fixed mentees than their capacity of 1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best_total_score),
		cmocka_unit_test(test_most_matches_then_best_score),
		cmocka_unit_test(test_no_improving_cycle),
		cmocka_unit_test(test_forbidden_pair_never_used),
		cmocka_unit_test(test_capacity_respected),
		cmocka_unit_test(test_fixed_pair_kept_against_the_optimum),
		cmocka_unit_test(test_far_down_the_list),
		cmocka_unit_test(test_maximize_count_matches_more),
		cmocka_unit_test(test_equal_totals_prefer_more_matches),
		cmocka_unit_test(test_all_scores_zero),
		cmocka_unit_test(test_empty_pools),
		cmocka_unit_test(test_same_problem_same_assignment),
		cmocka_unit_test(test_keep_gives_the_solvers_order),
		cmocka_unit_test(test_pricing_finds_the_whole_optimum),
		cmocka_unit_test(test_fixed_mentee_never_gains),
		cmocka_unit_test(test_bad_problem_refused),
		cmocka_unit_test(test_bad_pairs_refused),
		cmocka_unit_test(test_bad_fixed_pairs_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
