/*
 * match-solve.h -- the best assignment of mentees to mentors for a whole
 * pool, found exactly.
 *
 * Nothing here knows about participants or the database.  The caller
 * numbers mentees 0..n_mentees-1 and mentors 0..n_mentors-1, gives each
 * mentor a capacity and lists the ALLOWED pairs with a score.  A pair that
 * is not listed is never used: hard constraints (same employer, excluded,
 * ineligible) are expressed by leaving the pair out.  Fixed pairs (pinned
 * by the coordinator, or already approved) are kept as they are and use
 * their mentor's capacity; the rest of the pool is assigned around them.
 *
 * What "best" means:
 *  - By default, the largest total score, where a mentee left without a
 *    mentor scores 0; among assignments with that total, one that matches
 *    the most mentees (a score-0 pair is still a match worth making).
 *  - With MATCH_MAXIMIZE_COUNT, the most mentees matched; among those
 *    assignments, the largest total score.
 *
 * How: a min-cost flow (mentee -> mentor -> sink, each mentee also free
 * to stay unmatched at score 0) solved by successive shortest paths, one
 * mentee at a time, with Dijkstra on costs kept non-negative by node
 * potentials (Johnson).  Costs are integers (int64): no rounding, no float
 * ties.  Mentors are nodes with a capacity, not copies per place.  Each
 * mentee's pairs are looked at from the best down, and only as far as they
 * could still give a shorter path; that order is built as it is needed.
 *	Time: one search per mentee not fixed.  A search that looks at E
 *	pairs and passes V mentees costs O((E + V) log(E + V)); E is at
 *	most the P allowed pairs, so the worst case is
 *	O(n_mentees x (P + n_mentees) log P), plus O(P log P) in all to
 *	order the pairs.  In practice a search stops at the first free place and looks
 *	at a few pairs per mentee it passes: on a random 5,000 x 5,000 pool
 *	with every pair allowed, 3 million looks in all for 25 million
 *	pairs.
 *	Memory: 8 bytes per pair listed, O(n_mentees + n_mentors), and the
 *	queue of one search (at most two entries per pair it looks at, plus
 *	one per mentee).  Nothing is kept after match_solve returns but the
 *	result.
 *
 * Pools too large to list every pair (column generation).  A search looks
 * at a mentee's pairs from the best down and no further than they could
 * still help, so most pairs of a large pool are never looked at.  The
 * caller may therefore list only some pairs of each mentee (its best:
 * match_keep below finds them), solve, and then price the pairs left out
 * with the result's dual prices: match_gain says whether a pair could
 * have made a better assignment, match_gain_bound whether any pair of a
 * mentee up to some score could (so that most mentees need no pricing
 * pair by pair).  When none can, the result is an optimum of the whole
 * problem, exactly (linear programming duality: the prices are a
 * certificate); otherwise list those pairs too and solve again.  How many
 * pairs are listed at first is a matter of speed and memory, never of
 * the answer's total, though among equally good assignments the one
 * returned may then depend on what was listed.
 *
 * Determinism: the result depends on the problem alone -- the counts, the
 * capacities, the SET of allowed pairs with their scores, the set of fixed
 * pairs and the flags -- never on the order in which pairs are listed, on
 * memory addresses or on the machine.  When several assignments are
 * equally good, the one returned is fixed by the solver's own order, which
 * depends on indices alone: mentees are placed in index order; mentee k
 * looks at its pairs by score, and among equal scores at mentors from
 * k mod n_mentors upwards, round to the start; at equal path cost a search
 * ends (unmatched, then a mentor with a free place) before going further,
 * lower indices first.  That is "same problem, same answer", not a
 * preference among equally good assignments that a coordinator could
 * rely on.
 */
#ifndef MENTORMAIL_MATCH_SOLVE_H
#define MENTORMAIL_MATCH_SOLVE_H

#include <stddef.h>
#include <stdint.h>

/* The largest score a pair may have. */
#define MATCH_SCORE_MAX		1000000000

/* Match as many mentees as possible first, then maximise the score. */
#define MATCH_MAXIMIZE_COUNT	0x1

/* An allowed pair and how good it is (0..MATCH_SCORE_MAX). */
struct match_pair {
	int	mentee;
	int	mentor;
	int	score;
};

/* A pair that must be in the result; it must also be an allowed pair. */
struct match_fixed {
	int	mentee;
	int	mentor;
};

/*
 * The problem.  Nothing is kept or changed: the arrays are read during
 * match_solve only.  Each (mentee, mentor) may appear once in `pairs` and
 * each mentee once in `fixed`.
 */
struct match_problem {
	int				 n_mentees;
	int				 n_mentors;
	const int			*capacity;	/* [n_mentors], each >= 1 */
	const struct match_pair		*pairs;		/* any order */
	size_t				 n_pairs;
	const struct match_fixed	*fixed;		/* may be NULL if none */
	size_t				 n_fixed;
	int				 flags;		/* MATCH_* */
};

struct match_prices;

/* The assignment. */
struct match_result {
	int			*mentor;	/* [n_mentees]: mentor index,
						   or -1 */
	int64_t			 total;		/* sum of the scores of the
						   pairs used */
	int			 matched;	/* mentees with a mentor */
	struct match_prices	*prices;	/* for match_gain */
};

/*
 * Solve `p` and fill *r; release it with match_result_free.  Returns 0, or
 * -1 with *cause set (caller frees) and *r untouched when the problem is
 * malformed: a negative count, a missing array, unknown flags, a capacity
 * below 1, more than INT_MAX pairs, a pair or fixed pair naming a mentee
 * or mentor out of range, a score outside 0..MATCH_SCORE_MAX, a pair
 * listed twice, a fixed pair that is not an allowed pair, a mentee fixed
 * twice, fixed pairs beyond a mentor's capacity, or scores too large for
 * int64 arithmetic over this many mentees (the largest score times
 * n_mentees squared near 2^61; scores of 0..1000 are far from it, up to
 * a million mentees).  Never aborts on bad input; out of memory aborts, as
 * everywhere (log.h).
 */
int	match_solve(const struct match_problem *p, struct match_result *r,
	    char **cause);

/* Free what match_solve put in *r.  r may be NULL. */
void	match_result_free(struct match_result *r);

/*
 * Pricing, after a solve of `r`'s problem.  match_gain: how much the pair
 * (mentee, mentor) with `score`, had it been listed, could lower the cost
 * of the assignment (in the solver's own units); > 0 means listing it may
 * give a better assignment, <= 0 that it cannot.  match_gain_bound: the
 * most that any pair of `mentee` scoring at most `score` could gain,
 * whatever the mentor; <= 0 means none of them can.  A fixed mentee's
 * pairs never gain.  The score must be within the problem's range: at
 * most its largest listed score (which pricing a larger problem needs
 * anyway, so that both have the same objective: list each mentee's best
 * pair).
 */
int64_t	match_gain(const struct match_result *r, int mentee, int mentor,
	    int score);
int64_t	match_gain_bound(const struct match_result *r, int mentee,
	    int score);

/*
 * The best pairs of one mentee at a time, in the order the solver looks
 * at them: by score, and among equal scores by mentor from the mentee's
 * index mod n_mentors upwards, round to the start.  match_keep_start
 * begins a mentee, to keep its best `want` (>= 1) pairs; offer each of its
 * allowed pairs (each mentor once, any order); match_keep_take writes the
 * best `want` to `out` (room for `want`), best first, returns how many,
 * and stores in *next the score of the best pair left out, or -1 when
 * none was.  Offering costs one comparison for most pairs and memory for
 * `want` + 1 of them, whatever their number.
 */
struct match_keep;

struct match_keep *match_keep_new(int n_mentors);
void	match_keep_start(struct match_keep *, int mentee, int want);
void	match_keep_offer(struct match_keep *, int mentor, int score);
size_t	match_keep_take(struct match_keep *, struct match_pair *out,
	    int *next);
void	match_keep_free(struct match_keep *);

#endif
