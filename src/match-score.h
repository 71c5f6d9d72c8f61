/*
 * match-score.h -- how well a mentor suits a mentee, and why.
 *
 * A score is a weighted sum of criteria whose weights come from the
 * configuration ([matching] weight.*); each criterion that contributes
 * leaves a short, true sentence for the coordinator ("goals <-> strengths:
 * grant writing, budgeting").  Hard constraints (the same employer,
 * eligibility, exclusions) are not scores: match_score_allowed() says
 * whether a pair may be proposed at all, and why not.
 *
 * The criteria.  Each gives a sub-score s in [0, 1]; the criterion adds
 * round(10 * weight * s) points, rounded on its own, and is named in the
 * explanation exactly when it added at least one point.  Weights summing to
 * 100 give scores of 0..1000.  Fields that are absent count for nothing.
 *
 *  goals         The mentee's goals (and what their categories imply: a
 *                new supervisor needs "supervision", a new director a
 *                "director", an emerging leader "leadership") against the
 *                mentor's strengths, position and categories, as term sets
 *                (match-text.h: folded, stemmed, phrases, weighted).
 *                s = min(1, 3 * 2 shared / (goals + strengths + 20)), the
 *                weighted Dice coefficient made wary of short answers.
 *                "goals <-> strengths: grant writing, budgets" (at most
 *                five terms, heaviest first, as the mentee wrote them).
 *  library_type  s = 1 for the same type.  "same library type: public"
 *  region        s = 1 when a place named in one region is named in the
 *                other ("Clark / Marathon" and "Marathon County (Wausau
 *                area)"); when either has no region, the same city (and
 *                state, when both give one).  "same region: Marathon",
 *                "same city: Cheyenne"
 *  seniority     The mean of what is known of:
 *                years: mentor at or above the mentee, 0.5 rising to 1 at
 *                five years more; below, 0.5 * mentor / mentee;
 *                level (director > supervisor > librarian > staff >
 *                student, the highest of the categories and the position's
 *                titles: "Director", "Manager", "Supervisor", "Head of",
 *                "Deputy"; "MLIS student" without a professional title is a
 *                student): above 1, the same 0.75, one below 0.25, else 0.
 *                "mentor 12 yrs vs mentee 1, same level: director",
 *                "mentor 1 yrs vs mentee 5, mentor director vs mentee
 *                librarian"; a part that gives 0 is not named.
 *  preference    The mentee's match_preference, or the mentor's when the
 *                mentee has none ("either" is none).  career: the mean of
 *                the goals sub-score and the same library type.  identity:
 *                1 when both wrote the same identity term (match-text.h:
 *                "first-generation", "BIPOC", "LGBTQ+", "rural",
 *                "Spanish-speaking" ...; nothing is ever guessed from a
 *                name).  "mentee asked for a career match: shared goals
 *                and the same library type", "mentee asked for an identity
 *                match: both mention first-generation"
 *  meeting_mode  s = 1 when some way of meeting suits both: virtual when
 *                neither says in-person only, in person when neither says
 *                virtual only and they share a region or city.  Not given
 *                is "either"; neither given is no information, s = 0.
 *                "meets virtually", "meets in person", "meets in person
 *                or virtually"
 *
 * Hard constraints (match_score_allowed), in this order:
 *  - "same person": the same participant id.
 *  - "same employer": the library names agree once folded (case, accents,
 *    punctuation), cut at a dash, comma or parenthesis (a branch or
 *    department follows: "King County Library System - Bellevue"), and
 *    stripped of "the", "of", "library", "libraries", "system", "public",
 *    "branch", "district", "regional", "free": "Campbell County Public
 *    Library" and "Campbell County Public Library System" are one
 *    employer; "Laramie County Library System" and "Laramie County
 *    Community College - Ludden Library" are two.  No library named on
 *    either side: never refused on this ground.
 *  - Less senior.  "At the same level of responsibility or above" is a
 *    strong score, not a rule, except in two clear cases: the mentor has
 *    more than 5 years fewer than the mentee and is not at a higher level,
 *    or the mentor is 2 or more levels below and does not have more years.
 *    Such a pair is allowed only as reverse mentoring: weights.reverse set,
 *    the mentor a student, the mentor's offer and the mentee's goals both
 *    about technology.  Otherwise "mentor is less experienced and reverse
 *    mentoring is off", "mentor is less experienced and not a student", or
 *    "student mentor, but the goals are not about technology".
 *
 * Determinism: no randomness, no dependence on the order of a field
 * table or on addresses; ties in explanations are broken by position in
 * the text.  Sub-scores are doubles computed by the same operations in the
 * same order on every run; points are rounded once per criterion.
 */
#ifndef MENTORMAIL_MATCH_SCORE_H
#define MENTORMAIL_MATCH_SCORE_H

#include <stdint.h>

#include <glib.h>

/* The weights of the criteria, each 0 to 100 (0 turns a criterion off). */
struct match_weights {
	int	goals;		/* mentee goals/needs vs mentor strengths */
	int	library_type;	/* same type of library */
	int	region;		/* same region (or city) */
	int	seniority;	/* mentor's experience and level at or above */
	int	preference;	/* the mentee's match_preference honoured */
	int	meeting_mode;	/* compatible in-person / virtual */
	int	reverse;	/* not a weight: non-zero allows reverse
				   mentoring (a student mentor) */
};

/*
 * One side of a pair: the participant's fields (canonical name -> value,
 * as participant_fields() returns them), prepared once per run so that
 * scoring a pair does no allocation beyond its explanation.
 */
struct match_side;

/*
 * Prepare a participant's fields (NULL is an empty profile).  Never
 * fails; keeps no reference to `fields`.  Free with match_side_free.
 */
struct match_side *match_side_new(int64_t id, GHashTable *fields);
void	match_side_free(struct match_side *);
int64_t	match_side_id(const struct match_side *);

/* The capacity field: a whole number, 1 when absent or less, at most 99. */
int	match_side_capacity(const struct match_side *);

/*
 * Whether two sides read alike to everything here, their ids and
 * capacities aside: any third side is allowed with both or neither, for
 * the same reason, and scores the same with both (the explanations may
 * spell things as each wrote them).  Two mentors that are alike may stand
 * for each other in an assignment.  match_side_hash is the same for sides
 * that are alike.
 */
int	match_side_alike(const struct match_side *, const struct match_side *);
guint	match_side_hash(const struct match_side *);

/*
 * Whether `mentor` may be proposed to `mentee` at all.  Returns 1 (and
 * *why = NULL), or 0 with *why set to a static phrase ("same employer",
 * "mentor is less experienced and reverse mentoring is off", ...).  `why`
 * may be NULL.
 */
int	match_score_allowed(const struct match_weights *,
	    const struct match_side *mentee, const struct match_side *mentor,
	    const char **why);

/*
 * The score of a pair (>= 0, integer, higher is better).  When `why` is
 * not NULL, append to it one sentence per criterion that counted,
 * "; "-separated, e.g. "goals <-> strengths: grant writing, budgeting;
 * same library type: public; mentor 12 yrs vs mentee 1".  Without `why`
 * it allocates nothing.
 */
int	match_score(const struct match_weights *,
	    const struct match_side *mentee, const struct match_side *mentor,
	    GString *why);

#endif
