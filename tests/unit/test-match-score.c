/*
 * test-match-score.c -- how a mentor is scored for a mentee, and why
 * (match-score.h), and the text comparison under it (match-text.h).
 *
 * The participants are the applicants of tests/corpus/applications, their
 * fields as the rules extract them; a test that needs a variation takes a
 * real profile and overrides a field or two.  Unless a test says
 * otherwise the weights are the configuration's defaults.
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

#include "match-score.h"
#include "match-text.h"
#include "testlib.h"

/* [matching] weight.* as mentormail.conf.example sets them. */
static const struct match_weights defaults = { 40, 15, 10, 20, 10, 5, 0 };

/* -------------------------------------------------------------------- */
/* The applicants (name/value pairs, NULL-terminated). */

/* Wyoming. */
static const char *const kyle[] = {			/* wy12 */
	"role", "mentee", "name", "Kyle Brandt",
	"city", "Sheridan", "state", "WY",
	"library", "Johnson County Library",
	"position", "Library Director (since Nov. 2025)",
	"library_type", "public",
	"categories", "new-supervisor, new-director",
	"goals", "I'd like a mentor who has been a director in a one-building "
	    "county library.\nMy first budget hearing with the commissioners "
	    "is in May and the library\nboard is starting a strategic plan. I "
	    "also supervise staff for the first time.",
	NULL
};
static const char *const dana[] = {			/* wy01 */
	"role", "mentee", "name", "Dana Whitfield",
	"city", "Gillette", "state", "WY",
	"library", "Campbell County Public Library System",
	"position", "Branch Manager, Wright Branch",
	"library_type", "public",
	"categories", "new-to-state, new-supervisor",
	"goals", "I moved to Wyoming from Ohio last spring and took over the "
	    "Wright branch in\nOctober. I would like help understanding how the "
	    "shared ILS consortium works\nand who to call for what.\n\nI also "
	    "supervise three part-time staff for the first time and want to "
	    "talk\nthrough scheduling, evaluations and difficult conversations.",
	NULL
};
static const char *const shawna[] = {			/* wy06 */
	"role", "mentee", "name", "Shawna Reyes",
	"city", "Cheyenne", "state", "WY",
	"library", "Laramie County Community College \xe2\x80\x93 Ludden "
	    "Library",
	"position", "Library Technician, Access Services",
	"library_type", "academic",
	"categories", "newly-promoted, emerging-leader",
	"goals", "I was promoted from part-time clerk to technician in January "
	    "and I start an online MLIS program this fall.\nI would like advice "
	    "on moving into a librarian role and on training and scheduling "
	    "student workers.",
	NULL
};
static const char *const russell[] = {			/* wy02 */
	"role", "mentor", "name", "Russell Tenney",
	"city", "Cody", "state", "WY",
	"library", "Park County Library System",
	"position", "Assistant Director",
	"library_type", "public",
	"categories", "experienced-staff, mls-librarian, supervisor",
	"strengths", "I have worked in Wyoming public libraries for 19 years: "
	    "circulation clerk in\nPowell, children's librarian in Cody, and "
	    "assistant director since 2017.\n\nStrengths: grant writing "
	    "(Wyoming Cultural Trust Fund, IMLS), budgeting with\ncounty "
	    "commissioners, and supervising staff through a building "
	    "renovation.\nI'd be glad to work with someone in a small or rural "
	    "library.",
	NULL
};
static const char *const linda[] = {			/* wy05 */
	"role", "mentor", "name", "Linda Hartley",
	"city", "Thermopolis", "state", "WY",
	"library", "Hot Springs County Library",
	"position", "Library Director",
	"library_type", "public",
	"categories", "experienced-staff, mls-librarian, director",
	"strengths", "26 years in libraries \xe2\x80\x93 Washakie County, then "
	    "director here since 2011.\nI know small-library budgets, board "
	    "relations, and the WYLD consortium\nmigration inside out. "
	    "I\xe2\x80\x99ve mentored two new directors informally and\nwould "
	    "be glad to make it official.",
	NULL
};
static const char *const miles[] = {			/* wy10 */
	"role", "mentor", "name", "Miles Okafor",
	"city", "Cheyenne", "state", "WY",
	"library", "Wyoming State Law Library",
	"position", "Deputy State Law Librarian",
	"library_type", "special",
	"categories", "experienced-staff, mls-librarian",
	"strengths", "Nine years at the State Law Library and four before that "
	    "in an academic law\nlibrary. I can help with legal reference for "
	    "public library staff,\nself-represented patrons, and government "
	    "documents.",
	NULL
};
static const char *const ann[] = {			/* wy14 */
	"role", "mentor", "name", "Ann Kowalczyk",
	"city", "Rock Springs", "state", "WY",
	"library", "Sweetwater County Library System",
	"position", "Technical Services Manager",
	"library_type", "public",
	"categories", "experienced-staff, supervisor",
	"strengths", "Eleven years in technical services, the last six as "
	    "manager. I can help with cataloging in the shared catalog, "
	    "acquisitions budgets & vendor contracts, and leading a small "
	    "team.\n\nI started as a page in Green River, so I understand how "
	    "it feels to be new.",
	NULL
};
static const char *const hannah[] = {			/* wy11 */
	"role", "mentor", "name", "Hannah Birch",
	"city", "Jackson", "state", "WY",
	"library", "Teton County Library",
	"position", "Youth Services Librarian",
	"library_type", "public",
	"categories", "new-to-state",
	NULL
};

/* Wisconsin Valley Library Service. */
static const char *const kayla[] = {			/* wv01 */
	"role", "mentee", "name", "Kayla Jurgens",
	"city", "Colby", "state", "WI",
	"library", "Colby Public Library",
	"position", "Library Director",
	"years_experience", "1",
	"goals", "Budget preparation for the city council and county, and "
	    "understanding\nthe annual report. I also need help writing a "
	    "strategic plan.",
	"region", "Clark County",
	"meeting_mode", "in-person",
	NULL
};
static const char *const doris[] = {			/* wv02 */
	"role", "mentor", "name", "Doris Hakala",
	"city", "Merrill", "state", "WI",
	"library", "T.B. Scott Free Library",
	"position", "Library Director",
	"years_experience", "22",
	"strengths", "Twenty-two years as a director in two Wisconsin "
	    "libraries. I've been through a building referendum, a county "
	    "funding dispute and three union contracts, and I know the "
	    "Wisconsin public library standards very well.\n\nI can also help "
	    "with board orientation and annual report (PLSR) questions.",
	"region", "Lincoln County",
	"capacity", "2",
	"meeting_mode", "either",
	NULL
};
static const char *const brian[] = {			/* wv09 */
	"role", "mentor", "name", "Brian Yoder",
	"library", "Marathon County Public Library",
	"position", "Branch Manager, Mosinee and Rothschild branches",
	"years_experience", "6",
	"strengths", "programming on a shoestring, working with a Friends "
	    "group, branch scheduling",
	"region", "Marathon County (Wausau area)",
	"capacity", "1",
	"meeting_mode", "either",
	NULL
};
static const char *const pa_nhia[] = {			/* wv03 */
	"role", "mentee", "name", "Pa Nhia Xiong",
	"library", "Abbotsford Public Library",
	"position", "Library Director",
	"years_experience", "0",
	"goals", "Everything about the director job that isn't in the job "
	    "description:\npayroll, insurance, the building, and the board.",
	"region", "Clark / Marathon (the city is in both)",
	"meeting_mode", "virtual",
	NULL
};

/* Washington. */
static const char *const maria[] = {			/* wa05 */
	"role", "mentee", "name", "Mar\xc3\xad" "a Esquivel",
	"library", "Yakima Valley Libraries (Sunnyside branch)",
	"position", "Library Associate, bilingual programs",
	"library_type", "public",
	"years_experience", "5",
	"goals", "How to plan and evaluate bilingual programs so I can show "
	    "their impact.\nI would also like to learn how to apply for library "
	    "school scholarships.",
	"match_preference", "career",
	"meeting_mode", "virtual",
	NULL
};
static const char *const erin[] = {			/* wa01 */
	"role", "mentor", "name", "Erin Castellano",
	"library", "Pierce County Library System",
	"position", "Supervising Librarian, Gig Harbor branch",
	"library_type", "public",
	"years_experience", "12",
	"strengths", "Mostly as a sounding board. I'd like to help someone "
	    "think through job applications and interviews, and share what "
	    "I've learned about supervising part-time staff in a small "
	    "branch.\n\nI'm also happy to connect a mentee with people in other "
	    "library types.",
	"match_preference", "career",
	"capacity", "2",
	"meeting_mode", "virtual",
	NULL
};
static const char *const jose[] = {			/* wa08 */
	"role", "mentor", "name", "Jos\xc3\xa9 Ibarra",
	"library", "Timberland Regional Library",
	"position", "Branch Manager, Tumwater",
	"library_type", "public",
	"years_experience", "14",
	"strengths", "Someone to talk to about the \xe2\x80\x9cunwritten "
	    "rules\xe2\x80\x9d of working in a library\nsystem \xe2\x80\x93 "
	    "budgets, union contracts, and how to speak up in meetings.\n"
	    "I\xe2\x80\x99ve been the only Spanish-speaking manager in my "
	    "district for years.",
	"match_preference", "identity",
	"capacity", "2",
	"meeting_mode", "either",
	NULL
};
static const char *const jordan[] = {			/* wa02 */
	"role", "mentee", "name", "Jordan Dela Cruz",
	"library", "University of Washington Information School (MLIS, "
	    "residential)",
	"position", "MLIS student; student assistant at Odegaard Library",
	"library_type", "academic",
	"years_experience", "1",
	"goals", "What day-to-day work looks like in a public library vs. an "
	    "academic library,\nand how people got their first professional "
	    "job after school.\n\nI'd also like honest advice about salary "
	    "negotiation.",
	"match_preference", "identity",
	"meeting_mode", "either",
	NULL
};
static const char *const lauren[] = {			/* wa04 */
	"role", "mentor", "name", "Lauren Whitcomb",
	"library", "Western Washington University Libraries",
	"position", "Head of Teaching & Learning",
	"library_type", "academic",
	"years_experience", "16",
	"strengths", "I\xe2\x80\x99" "d like to help someone early in an "
	    "academic career think about instruction, committee work, and "
	    "saying no.\nI can also read cover letters and do mock interviews.",
	"match_preference", "either",
	"capacity", "1",
	"meeting_mode", "either",
	NULL
};

/* California. */
static const char *const diego[] = {			/* cl02 */
	"role", "mentor", "name", "Diego Ram\xc3\xadrez",
	"library", "San Jos\xc3\xa9 State University School of Information",
	"position", "MLIS student (also a page at Santa Clara County Library "
	    "District)",
	"strengths", "Before library school I was a web developer for six "
	    "years. I can help\nexperienced staff with: building simple "
	    "websites, spreadsheets and data\ncleanup, using generative AI "
	    "tools responsibly, and accessibility checks.",
	"region", "Santa Clara County",
	"capacity", "1",
	"meeting_mode", "virtual",
	NULL
};
static const char *const kevin[] = {			/* cl07 */
	"role", "mentee", "name", "Kevin Brooks",
	"library", "San Diego Public Library",
	"position", "Branch Manager, Logan Heights",
	"library_type", "public",
	"categories", "experienced-staff",
	"goals", "Preparing for a deputy director role.",
	"region", "San Diego County",
	"meeting_mode", "either",
	NULL
};
static const char *const rosa[] = {			/* cl03 */
	"role", "mentor", "name", "Rosa Delgado-Whitman",
	"library", "Chula Vista Public Library",
	"position", "Deputy Library Director",
	"library_type", "public",
	"categories", "director",
	"strengths", "Twenty years in public libraries, from branch librarian "
	    "to deputy director.\nBudget cycles, labor relations, and building "
	    "a diverse leadership pipeline.\n\nI especially enjoy working with "
	    "new and aspiring managers.",
	"region", "San Diego County",
	"capacity", "3",
	"meeting_mode", "in-person",
	NULL
};
static const char *const anjali[] = {			/* cl01 */
	"role", "mentee", "name", "Anjali Rao",
	"library", "Sacramento Public Library",
	"position", "Librarian I, Central Library",
	"library_type", "public",
	"categories", "new-mls",
	"goals", "I'm two years out of library school and want to move toward "
	    "management.\nI'd like help understanding the Librarian II / "
	    "supervisor path and\npreparing for panel interviews.\n\nI'm also "
	    "curious how people balance CLA committee work with a full-time "
	    "job.",
	"region", "Sacramento County",
	"meeting_mode", "either",
	NULL
};

static const char *const *const mentees[] = {
	kyle, dana, shawna, kayla, pa_nhia, maria, jordan, kevin, anjali,
};
static const char *const *const mentors[] = {
	russell, linda, miles, ann, hannah, doris, brian, erin, jose, lauren,
	diego, rosa,
};

/* -------------------------------------------------------------------- */
/* Helpers. */

static void
put_pairs(GHashTable *f, const char *const *kv)
{
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		g_hash_table_replace(f, g_strdup(kv[0]), g_strdup(kv[1]));
}

/*
 * A participant: `base`, then name/value overrides up to NULL (a NULL
 * value removes the field).
 */
static struct match_side *
person(int64_t id, const char *const *base, ...)
{
	struct match_side	*s;
	GHashTable		*f;
	const char		*k, *v;
	va_list			 ap;

	f = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	put_pairs(f, base);
	va_start(ap, base);
	while ((k = va_arg(ap, const char *)) != NULL) {
		if ((v = va_arg(ap, const char *)) == NULL)
			g_hash_table_remove(f, k);
		else
			g_hash_table_replace(f, g_strdup(k), g_strdup(v));
	}
	va_end(ap);
	s = match_side_new(id, f);
	g_hash_table_destroy(f);
	return s;
}

/* The score of mentee `e` and mentor `r` under `w`, and why (caller
 * frees *why when why is not NULL). */
static int
score(const struct match_weights *w, struct match_side *e,
    struct match_side *r, char **why)
{
	GString	*s = why != NULL ? g_string_new(NULL) : NULL;
	int	 n = match_score(w, e, r, s);

	if (why != NULL)
		*why = g_string_free(s, FALSE);
	return n;
}

/* Weights with only `field` on, at 100. */
static struct match_weights
only(size_t field)
{
	struct match_weights	w = { 0, 0, 0, 0, 0, 0, 0 };

	*(int *)(void *)((char *)&w + field) = 100;
	return w;
}
#define ONLY(f)	only(offsetof(struct match_weights, f))

/* What two texts share, as match_terms_explain names it. */
static char *
shared(const char *a, const char *b)
{
	struct match_terms	*x = match_terms_new(), *y = match_terms_new();
	GString			*out = g_string_new(NULL);

	match_terms_add(x, a);
	match_terms_add(y, b);
	match_terms_explain(x, y, 0, 5, out);
	match_terms_free(x);
	match_terms_free(y);
	return g_string_free(out, FALSE);
}

static void
assert_shared(const char *a, const char *b, const char *want)
{
	char	*got = shared(a, b);

	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" and \"%s\" share \"%s\", not \"%s\"", a, b,
		    got, want);
	g_free(got);
}

static int
terms_in(const char *text)
{
	struct match_terms	*t = match_terms_new();
	int			 n;

	match_terms_add(t, text);
	n = match_terms_count(t);
	match_terms_free(t);
	return n;
}

/* -------------------------------------------------------------------- */
/* Words: what counts as the same term. */

static void
test_stemming_joins_inflections(void **state)
{
	assert_shared("budgets", "budgeting", "budgets");
	assert_shared("budgeting", "budgeted", "budgeting");
	assert_shared("libraries", "library", "libraries");
	assert_shared("planning", "plans", "planning");
	assert_shared("scheduling", "schedule", "scheduling");
	assert_shared("policies", "policy", "policies");
	assert_shared("staffing", "staff", "staffing");
	assert_shared("programming", "programs", "programming");
	assert_shared("searches", "search", "searches");
	assert_shared("trustees", "trustee", "trustees");
}

static void
test_stemming_is_conservative(void **state)
{
	/* -us, -is and -ss are not plurals; -ation is not stripped. */
	assert_shared("status", "stats", "");
	assert_shared("analysis", "analyst", "");
	assert_shared("organizing", "organization", "");
	assert_shared("accessibility", "access", "");
}

static void
test_word_families_join_what_suffixes_cannot(void **state)
{
	assert_shared("supervisor", "supervising", "supervisor");
	assert_shared("supervision", "supervise", "supervision");
	assert_shared("management", "managers", "management");
	assert_shared("leadership", "leaders", "leadership");
	assert_shared("cataloguing", "cataloging", "cataloguing");
	assert_shared("evaluations", "evaluate", "evaluations");
}

static void
test_case_accents_and_apostrophes_fold(void **state)
{
	assert_shared("R\xc3\xa9sum\xc3\xa9 review", "resume", "r\xc3\xa9sum\xc3\xa9");
	assert_shared("BUDGETS", "budget", "budgets");
	assert_shared("the library\xe2\x80\x99s board", "board", "board");
	assert_shared("children's librarian", "childrens", "children's");
}

static void
test_phrases_are_one_term(void **state)
{
	assert_shared("Strategic planning", "the board is starting a strategic "
	    "plan", "strategic planning");
	assert_shared("collection development on a very small budget",
	    "Collection development", "collection development");
	assert_shared("grant writing (Wyoming Cultural Trust Fund)",
	    "writing grants", "grant writing");
	/* Its words still count alone, the phrase only when side by side. */
	assert_shared("grants", "grant writing", "grants");
	assert_shared("strategic thinking and planning", "strategic plan",
	    "strategic, planning");
	/* Punctuation between the words parts them. */
	assert_shared("grant, writing", "grant writing", "grant, writing");
	/* A hyphenated compound is kept as written. */
	assert_shared("a first-generation student", "first generation",
	    "first-generation");
}

static void
test_stop_words_and_numbers_are_dropped(void **state)
{
	assert_int_equal(terms_in("I would like help to learn about this, "
	    "and I'm also curious."), 0);
	assert_int_equal(terms_in("2,600 students"), 1);
	assert_int_equal(terms_in(""), 0);
	assert_int_equal(terms_in(NULL), 0);
	/* Invalid UTF-8 is read, not refused. */
	assert_int_equal(terms_in("budget\xff planning"), 2);
}

static void
test_explanation_is_ordered_and_short(void **state)
{
	/* Phrases, then long words (8 letters once stemmed: "insurance",
	 * "volunteers", not "evaluations"), then words, each in the order
	 * of the first text; five at most; common words only when nothing
	 * else is shared. */
	assert_shared("payroll, insurance, budgets, strategic planning, "
	    "evaluations, volunteers, weeding, library",
	    "library weeding volunteers evaluations strategic planning "
	    "budgets insurance payroll",
	    "strategic planning, insurance, volunteers, payroll, budgets");
	assert_shared("library staff", "staff of the library", "library, staff");
}

static void
test_identity_and_technology_terms(void **state)
{
	struct match_terms	*a = match_terms_new(), *b = match_terms_new();
	struct match_overlap	 o;
	GString			*s = g_string_new(NULL);

	match_terms_add(a, "I'm a first-generation college graduate from a "
	    "rural town, and I want to learn to build websites.");
	match_terms_add(b, "As a first generation librarian who grew up "
	    "rural, I can help with websites and spreadsheets.");
	match_terms_overlap(a, b, &o);
	assert_int_equal(o.identity, 2);
	assert_int_equal(o.tech, 1);
	match_terms_explain(a, b, MATCH_TERM_IDENTITY, 5, s);
	assert_string_equal(s->str, "first-generation, rural");
	assert_true(match_terms_any(b, MATCH_TERM_TECH));
	g_string_free(s, TRUE);
	match_terms_free(a);
	match_terms_free(b);
}

static void
collect_chunk(const char *key, const char *shown, void *arg)
{
	GString	*s = arg;

	g_string_append_printf(s, "%s[%s|%s]", s->len > 0 ? " " : "", key,
	    shown);
}

static void
test_chunks_fold_names_and_places(void **state)
{
	static const char *const drop[] = { "county", "the", "city", NULL };
	static const char *const split[] = { "and", NULL };
	GString	*s = g_string_new(NULL);

	match_text_chunks("Clark County / Marathon and Wood (the city)", drop,
	    split, collect_chunk, s);
	assert_string_equal(s->str, "[clark|Clark County] [marathon|Marathon] "
	    "[wood|Wood]");
	g_string_truncate(s, 0);
	match_text_chunks("San Jos\xc3\xa9 State - T.B. Scott", NULL, NULL,
	    collect_chunk, s);
	assert_string_equal(s->str, "[san jose state|San Jos\xc3\xa9 State] "
	    "[tb scott|T.B. Scott]");
	g_string_free(s, TRUE);
}

/* -------------------------------------------------------------------- */
/* Goals and strengths. */

static void
test_shared_goals_score_higher_and_are_named(void **state)
{
	struct match_weights	 w = ONLY(goals);
	struct match_side	*e = person(1, kyle, NULL);
	struct match_side	*near = person(2, russell, NULL);
	struct match_side	*far = person(3, miles, NULL);
	char			*why_near, *why_far;

	assert_true(score(&w, e, near, &why_near) >
	    score(&w, e, far, &why_far) + 100);
	assert_string_equal(why_near, "goals <-> strengths: director, "
	    "commissioners, supervise, building, budget");
	assert_string_equal(why_far, "goals <-> strengths: library, staff");
	g_free(why_near);
	g_free(why_far);
	match_side_free(e);
	match_side_free(near);
	match_side_free(far);
}

static void
test_goals_name_phrases_as_written(void **state)
{
	struct match_weights	 w = ONLY(goals);
	struct match_side	*e = person(1, kyle, "goals", "I need help with "
				    "grant writing and budgets.", NULL);
	struct match_side	*r = person(2, russell, NULL);
	char			*why;

	assert_true(score(&w, e, r, &why) > 0);
	/* "supervision" and "director": what a new supervisor and a new
	 * director need, from the categories. */
	assert_string_equal(why, "goals <-> strengths: grant writing, "
	    "supervision, director, budgets");
	g_free(why);
	match_side_free(e);
	match_side_free(r);
}

static void
test_categories_count_as_needs_and_offers(void **state)
{
	struct match_weights	 w = ONLY(goals);
	struct match_side	*e, *r;
	char			*why;

	/* A new supervisor who wrote no goals meets a supervisor. */
	e = person(1, dana, "goals", NULL, NULL);
	r = person(2, ann, "strengths", NULL, NULL);
	assert_true(score(&w, e, r, &why) > 0);
	assert_string_equal(why, "goals <-> strengths: supervision");
	g_free(why);
	match_side_free(e);
	match_side_free(r);
}

/* -------------------------------------------------------------------- */
/* Library type, region, seniority, preference, meeting. */

static void
test_same_library_type_adds_its_weight(void **state)
{
	struct match_side	*e = person(1, kyle, NULL);
	struct match_side	*same = person(2, linda, NULL);
	struct match_side	*other = person(3, linda, "library_type",
				    "academic", NULL);
	char			*why;

	assert_int_equal(score(&defaults, e, same, &why) -
	    score(&defaults, e, other, NULL), 10 * defaults.library_type);
	assert_contains(why, "same library type: public");
	g_free(why);
	score(&defaults, e, other, &why);
	assert_lacks(why, "library type");
	g_free(why);
	match_side_free(e);
	match_side_free(same);
	match_side_free(other);
}

static void
test_same_region_adds_its_weight(void **state)
{
	struct match_weights	 w = ONLY(region);
	struct match_side	*e = person(1, pa_nhia, NULL);
	struct match_side	*near = person(2, brian, NULL);
	struct match_side	*far = person(3, doris, NULL);
	char			*why;

	/* "Clark / Marathon (the city is in both)" and "Marathon County
	 * (Wausau area)" share Marathon; "Lincoln County" is elsewhere. */
	assert_int_equal(score(&w, e, near, &why), 1000);
	assert_string_equal(why, "same region: Marathon");
	g_free(why);
	assert_int_equal(score(&w, e, far, &why), 0);
	assert_string_equal(why, "");
	g_free(why);
	match_side_free(e);
	match_side_free(near);
	match_side_free(far);
}

static void
test_without_regions_the_city_counts(void **state)
{
	struct match_weights	 w = ONLY(region);
	struct match_side	*e = person(1, shawna, NULL);
	struct match_side	*r = person(2, miles, NULL);
	struct match_side	*other_state = person(3, miles, "state", "MT",
				    NULL);
	char			*why;

	assert_int_equal(score(&w, e, r, &why), 1000);
	assert_string_equal(why, "same city: Cheyenne");
	g_free(why);
	assert_int_equal(score(&w, e, other_state, NULL), 0);
	match_side_free(e);
	match_side_free(r);
	match_side_free(other_state);
}

static void
test_fewer_years_score_lower(void **state)
{
	struct match_weights	 w = ONLY(seniority);
	struct match_side	*e = person(1, maria, NULL);
	struct match_side	*senior = person(2, erin, NULL);
	struct match_side	*junior = person(3, erin, "years_experience",
				    "1", NULL);
	char			*why;
	const char		*no;

	assert_true(score(&w, e, senior, &why) >
	    score(&w, e, junior, NULL));
	assert_string_equal(why, "mentor 12 yrs vs mentee 5, mentor "
	    "supervisor vs mentee staff");
	g_free(why);
	score(&w, e, junior, &why);
	assert_string_equal(why, "mentor 1 yrs vs mentee 5, mentor "
	    "supervisor vs mentee staff");
	g_free(why);
	/* Four years behind but a level above: a low score, not a refusal. */
	assert_true(match_score_allowed(&w, e, junior, &no));
	assert_null(no);
	match_side_free(e);
	match_side_free(senior);
	match_side_free(junior);
}

static void
test_seniority_levels_without_years(void **state)
{
	struct match_weights	 w = ONLY(seniority);
	struct match_side	*e = person(1, kyle, NULL);
	struct match_side	*peer = person(2, linda, NULL);
	struct match_side	*below = person(3, ann, NULL);
	char			*why;

	assert_int_equal(score(&w, e, peer, &why), 750);
	assert_string_equal(why, "same level: director");
	g_free(why);
	assert_int_equal(score(&w, e, below, &why), 250);
	assert_string_equal(why, "mentor supervisor vs mentee director");
	g_free(why);
	match_side_free(e);
	match_side_free(peer);
	match_side_free(below);
}

static void
test_much_less_senior_is_refused(void **state)
{
	struct match_side	*e, *r;
	const char		*why;

	/* More than five years behind at the same level. */
	e = person(1, maria, "years_experience", "10", NULL);
	r = person(2, maria, "role", "mentor", "years_experience", "4",
	    "library", "Spokane Public Library", NULL);
	assert_false(match_score_allowed(&defaults, e, r, &why));
	assert_string_equal(why, "mentor is less experienced and reverse "
	    "mentoring is off");
	match_side_free(r);
	/* Five behind is allowed; so is more with a higher level. */
	r = person(2, maria, "role", "mentor", "years_experience", "5",
	    "library", "Spokane Public Library", NULL);
	assert_true(match_score_allowed(&defaults, e, r, &why));
	match_side_free(r);
	r = person(2, erin, "years_experience", "2", NULL);
	assert_true(match_score_allowed(&defaults, e, r, &why));
	match_side_free(r);
	match_side_free(e);

	/* Two levels below, years unknown: a librarian for a new director;
	 * a deputy (one level below) is allowed. */
	e = person(1, kyle, NULL);
	r = person(2, hannah, NULL);
	assert_false(match_score_allowed(&defaults, e, r, &why));
	assert_string_equal(why, "mentor is less experienced and reverse "
	    "mentoring is off");
	match_side_free(r);
	r = person(2, miles, NULL);
	assert_true(match_score_allowed(&defaults, e, r, &why));
	match_side_free(r);
	match_side_free(e);
}

static void
test_career_preference(void **state)
{
	struct match_weights	 w = ONLY(preference);
	struct match_side	*e = person(1, maria, NULL);
	struct match_side	*r = person(2, erin, NULL);
	struct match_side	*none = person(3, maria, "match_preference",
				    "either", NULL);
	char			*why;

	assert_true(score(&w, e, r, &why) > 500);
	assert_string_equal(why, "mentee asked for a career match: shared "
	    "goals and the same library type");
	g_free(why);
	/* No preference from the mentee: the mentor's (career) counts. */
	assert_true(score(&w, none, r, &why) > 500);
	assert_contains(why, "mentor asked for a career match");
	g_free(why);
	match_side_free(e);
	match_side_free(r);
	match_side_free(none);
}

static void
test_identity_preference_needs_a_shared_mention(void **state)
{
	struct match_weights	 w = ONLY(preference);
	struct match_side	*e = person(1, jordan, NULL);
	struct match_side	*r = person(2, jose, NULL);
	struct match_side	*e2 = person(3, jordan, "goals", "I'm a "
				    "Spanish-speaking, first-generation "
				    "student and want to hear how people got "
				    "their first job.", NULL);
	char			*why;

	/* Jordan asks for identity and wrote nothing of it: no points,
	 * whatever the names suggest. */
	assert_int_equal(score(&w, e, r, &why), 0);
	assert_string_equal(why, "");
	g_free(why);
	assert_int_equal(score(&w, e2, r, &why), 1000);
	assert_string_equal(why, "mentee asked for an identity match: both "
	    "mention spanish-speaking");
	g_free(why);
	match_side_free(e);
	match_side_free(e2);
	match_side_free(r);
}

static void
test_meeting_mode(void **state)
{
	struct match_weights	 w = ONLY(meeting_mode);
	struct match_side	*kay = person(1, kayla, NULL);	/* in-person */
	struct match_side	*doris_far = person(2, doris, NULL);
	struct match_side	*doris_near = person(3, doris, "region",
				    "Clark County", NULL);
	struct match_side	*virt = person(4, doris, "region",
				    "Clark County", "meeting_mode", "virtual",
				    NULL);
	struct match_side	*wy1 = person(5, kyle, NULL);
	struct match_side	*wy2 = person(6, linda, NULL);
	char			*why;

	/* In person needs the same region. */
	assert_int_equal(score(&w, kay, doris_far, NULL), 0);
	assert_int_equal(score(&w, kay, doris_near, &why), 1000);
	assert_string_equal(why, "meets in person");
	g_free(why);
	assert_int_equal(score(&w, kay, virt, NULL), 0);
	/* Neither said: nothing to say. */
	assert_int_equal(score(&w, wy1, wy2, NULL), 0);
	match_side_free(kay);
	match_side_free(doris_far);
	match_side_free(doris_near);
	match_side_free(virt);
	match_side_free(wy1);
	match_side_free(wy2);
}

static void
test_meeting_virtually(void **state)
{
	struct match_weights	 w = ONLY(meeting_mode);
	struct match_side	*e = person(1, pa_nhia, NULL);	/* virtual */
	struct match_side	*r = person(2, doris, NULL);	/* either */
	char			*why;

	assert_int_equal(score(&w, e, r, &why), 1000);
	assert_string_equal(why, "meets virtually");
	g_free(why);
	match_side_free(e);
	match_side_free(r);
}

/* -------------------------------------------------------------------- */
/* Hard constraints. */

static void
assert_same_employer(const char *a, const char *b, int same)
{
	struct match_side	*e = person(1, dana, "library", a, NULL);
	struct match_side	*r = person(2, russell, "library", b, NULL);
	const char		*why = "unset";

	if (match_score_allowed(&defaults, e, r, &why) == same)
		fail_msg("\"%s\" and \"%s\": %s", a, b, same ?
		    "allowed" : why);
	if (same)
		assert_string_equal(why, "same employer");
	else
		assert_null(why);
	match_side_free(e);
	match_side_free(r);
}

static void
test_same_employer_is_refused(void **state)
{
	assert_same_employer("Campbell County Public Library",
	    "Campbell County Public Library System", 1);
	assert_same_employer("Campbell County Public Library System",
	    "campbell county library", 1);
	assert_same_employer("King County Library System - Bellevue",
	    "King County Library System", 1);
	assert_same_employer("Yakima Valley Libraries (Sunnyside branch)",
	    "Yakima Valley Libraries", 1);
	assert_same_employer("The Evergreen State College, Daniel J. Evans "
	    "Library", "Evergreen State College", 1);
	assert_same_employer("T.B. Scott Free Library", "TB Scott Library", 1);
	assert_same_employer("Laramie County Library System",
	    "Natrona County Library", 0);
	assert_same_employer("Laramie County Library System",
	    "Laramie County Community College \xe2\x80\x93 Ludden Library", 0);
	assert_same_employer("Sheridan County Fulmer Public Library",
	    "Sheridan College", 0);
	/* Nothing known is no reason to refuse. */
	assert_same_employer("The Library", "Library", 0);
}

static void
test_reverse_mentoring_needs_a_student_and_technology(void **state)
{
	struct match_weights	 w = defaults;
	struct match_side	*e = person(1, kevin, "goals", "I want to "
				    "build a simple website for our branch and "
				    "use generative AI responsibly.", NULL);
	struct match_side	*student = person(2, diego, NULL);
	struct match_side	*clerk = person(3, diego, "position",
				    "Library Clerk", NULL);
	struct match_side	*plain = person(4, kevin, NULL);
	const char		*why;
	char			*text;

	assert_false(match_score_allowed(&w, e, student, &why));
	assert_string_equal(why, "mentor is less experienced and reverse "
	    "mentoring is off");
	w.reverse = 1;
	assert_true(match_score_allowed(&w, e, student, &why));
	assert_null(why);
	assert_true(score(&w, e, student, &text) > 0);
	assert_contains(text, "goals <-> strengths: generative ai, ");
	assert_contains(text, "website");
	g_free(text);
	assert_false(match_score_allowed(&w, e, clerk, &why));
	assert_string_equal(why, "mentor is less experienced and not a "
	    "student");
	assert_false(match_score_allowed(&w, plain, student, &why));
	assert_string_equal(why, "student mentor, but the goals are not about "
	    "technology");
	match_side_free(e);
	match_side_free(student);
	match_side_free(clerk);
	match_side_free(plain);
}

static void
test_same_person_is_refused(void **state)
{
	struct match_side	*a = person(7, kevin, NULL);
	const char		*why;

	assert_false(match_score_allowed(&defaults, a, a, &why));
	assert_string_equal(why, "same person");
	match_side_free(a);
}

/* -------------------------------------------------------------------- */
/* Capacity, empty profiles, truth of explanations, determinism. */

static void
assert_capacity(const char *value, int want)
{
	struct match_side	*s = person(1, doris, "capacity", value, NULL);

	assert_int_equal(match_side_capacity(s), want);
	match_side_free(s);
}

static void
test_capacity(void **state)
{
	assert_capacity("2", 2);
	assert_capacity("3", 3);
	assert_capacity(NULL, 1);
	assert_capacity("", 1);
	assert_capacity("0", 1);
	assert_capacity("-2", 1);
	assert_capacity("two", 1);
	assert_capacity("250", 99);
}

static void
test_empty_profile_scores_zero(void **state)
{
	struct match_weights	 w = defaults;
	struct match_side	*none = match_side_new(1, NULL);
	GHashTable		*f = g_hash_table_new(g_str_hash, g_str_equal);
	struct match_side	*empty = match_side_new(2, f);
	struct match_side	*r = person(3, russell, NULL);
	const char		*why;
	char			*text;

	w.reverse = 1;
	assert_int_equal(match_side_id(empty), 2);
	assert_int_equal(match_side_capacity(none), 1);
	assert_int_equal(score(&w, none, empty, &text), 0);
	assert_string_equal(text, "");
	g_free(text);
	assert_true(match_score_allowed(&w, none, empty, &why));
	assert_true(match_score_allowed(&w, none, r, &why));
	assert_true(match_score_allowed(&w, r, none, &why));
	assert_int_equal(score(&w, r, none, NULL), 0);
	assert_int_equal(score(&w, none, r, NULL), 0);
	match_side_free(none);
	match_side_free(empty);
	match_side_free(r);
	match_side_free(NULL);
	g_hash_table_destroy(f);
}

/* What each criterion's sentence starts with. */
static const struct {
	size_t		 field;
	const char	*starts[3];
} sentences[] = {
	{ offsetof(struct match_weights, goals), { "goals <-> strengths: " } },
	{ offsetof(struct match_weights, library_type),
	    { "same library type: " } },
	{ offsetof(struct match_weights, region),
	    { "same region: ", "same city: " } },
	{ offsetof(struct match_weights, seniority),
	    { "mentor ", "same level: " } },
	{ offsetof(struct match_weights, preference),
	    { "mentee asked for ", "mentor asked for " } },
	{ offsetof(struct match_weights, meeting_mode), { "meets " } },
};

static int
names_criterion(char **said, int k)
{
	int	i, j;

	for (i = 0; said[i] != NULL; i++) {
		for (j = 0; j < 3 && sentences[k].starts[j] != NULL; j++) {
			if (g_str_has_prefix(said[i], sentences[k].starts[j]))
				return 1;
		}
	}
	return 0;
}

/* Each criterion named added points; each not named added none. */
static void
assert_explanation_true(struct match_side *e, struct match_side *r)
{
	struct match_weights	 w;
	char			*why, **said;
	int			 total, without, sum = 0, named = 0;
	size_t			 k;

	total = score(&defaults, e, r, &why);
	said = why[0] != '\0' ? g_strsplit(why, "; ", -1) : g_new0(char *, 1);
	for (k = 0; k < G_N_ELEMENTS(sentences); k++) {
		w = defaults;
		*(int *)(void *)((char *)&w + sentences[k].field) = 0;
		without = score(&w, e, r, NULL);
		sum += total - without;
		if ((without < total) != names_criterion(said, (int)k))
			fail_msg("criterion %zu: %d -> %d, yet \"%s\"", k,
			    total, without, why);
		named += without < total;
	}
	assert_int_equal(sum, total);
	assert_int_equal(named, (int)g_strv_length(said));
	g_strfreev(said);
	g_free(why);
}

static void
test_explanations_are_true(void **state)
{
	struct match_side	*e, *r;
	size_t			 i, j;

	for (i = 0; i < G_N_ELEMENTS(mentees); i++) {
		e = person((int64_t)i + 1, mentees[i], NULL);
		for (j = 0; j < G_N_ELEMENTS(mentors); j++) {
			r = person((int64_t)j + 100, mentors[j], NULL);
			assert_explanation_true(e, r);
			match_side_free(r);
		}
		match_side_free(e);
	}
}

/* The same fields, inserted in the reverse order. */
static struct match_side *
person_reversed(int64_t id, const char *const *kv)
{
	GHashTable		*f;
	struct match_side	*s;
	int			 n;

	f = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (n = 0; kv[n] != NULL; n += 2)
		;
	for (n -= 2; n >= 0; n -= 2)
		g_hash_table_replace(f, g_strdup(kv[n]), g_strdup(kv[n + 1]));
	s = match_side_new(id, f);
	g_hash_table_destroy(f);
	return s;
}

/*
 * Mentors alike: the same answers but for name, contact and capacity.
 * Every field scoring reads tells two apart; so does a different
 * spelling of a place (explanations quote it).
 */
static void
test_alike_mentors(void **state)
{
	static const char *const differs[][2] = {
		{ "library", "Big Horn County Library" },
		{ "library_type", "academic" },
		{ "position", "Library Assistant" },
		{ "years_experience", "3" },
		{ "categories", "new-director" },
		{ "city", "Powell" },
		{ "state", "MT" },
		{ "region", "Big Horn Basin" },
		{ "strengths", "Cataloguing serials." },
		{ "goals", "Grant writing." },
		{ "match_preference", "career" },
		{ "meeting_mode", "virtual" },
	};
	struct match_side	*a, *b;
	size_t			 i;

	a = person(1, russell, NULL);
	b = person(2, russell, "name", "Russ Tenney", "email",
	    "other@example.org", "phone", "307-555-0100", "capacity", "3",
	    NULL);
	assert_true(match_side_alike(a, b));
	assert_int_equal(match_side_hash(a), match_side_hash(b));
	match_side_free(b);
	for (i = 0; i < G_N_ELEMENTS(differs); i++) {
		b = person(2, russell, differs[i][0], differs[i][1], NULL);
		if (match_side_alike(a, b))
			fail_msg("a different %s is alike", differs[i][0]);
		match_side_free(b);
	}
	match_side_free(a);
}

static void
test_scores_are_deterministic(void **state)
{
	struct match_side	*a, *b, *c, *d;
	char			*w1, *w2;
	size_t			 i, j;

	for (i = 0; i < G_N_ELEMENTS(mentees); i++) {
		for (j = 0; j < G_N_ELEMENTS(mentors); j++) {
			a = person(1, mentees[i], NULL);
			b = person(2, mentors[j], NULL);
			c = person_reversed(1, mentees[i]);
			d = person_reversed(2, mentors[j]);
			assert_int_equal(score(&defaults, a, b, &w1),
			    score(&defaults, c, d, &w2));
			assert_string_equal(w1, w2);
			assert_int_equal(score(&defaults, a, b, NULL),
			    score(&defaults, a, b, NULL));
			g_free(w1);
			g_free(w2);
			match_side_free(a);
			match_side_free(b);
			match_side_free(c);
			match_side_free(d);
		}
	}
}

static void
test_scores_stay_in_range(void **state)
{
	struct match_weights	 w = { 100, 100, 100, 100, 100, 100, 1 };
	struct match_side	*e, *r;
	size_t			 i, j;
	int			 n;

	for (i = 0; i < G_N_ELEMENTS(mentees); i++) {
		e = person(1, mentees[i], NULL);
		for (j = 0; j < G_N_ELEMENTS(mentors); j++) {
			r = person(2, mentors[j], NULL);
			n = score(&w, e, r, NULL);
			assert_in_range(n, 0, 6000);
			assert_in_range(score(&defaults, e, r, NULL), 0, 1000);
			match_side_free(r);
		}
		match_side_free(e);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_stemming_joins_inflections),
		cmocka_unit_test(test_stemming_is_conservative),
		cmocka_unit_test(test_word_families_join_what_suffixes_cannot),
		cmocka_unit_test(test_case_accents_and_apostrophes_fold),
		cmocka_unit_test(test_phrases_are_one_term),
		cmocka_unit_test(test_stop_words_and_numbers_are_dropped),
		cmocka_unit_test(test_explanation_is_ordered_and_short),
		cmocka_unit_test(test_identity_and_technology_terms),
		cmocka_unit_test(test_chunks_fold_names_and_places),
		cmocka_unit_test(test_shared_goals_score_higher_and_are_named),
		cmocka_unit_test(test_goals_name_phrases_as_written),
		cmocka_unit_test(test_categories_count_as_needs_and_offers),
		cmocka_unit_test(test_same_library_type_adds_its_weight),
		cmocka_unit_test(test_same_region_adds_its_weight),
		cmocka_unit_test(test_without_regions_the_city_counts),
		cmocka_unit_test(test_fewer_years_score_lower),
		cmocka_unit_test(test_seniority_levels_without_years),
		cmocka_unit_test(test_much_less_senior_is_refused),
		cmocka_unit_test(test_career_preference),
		cmocka_unit_test(test_identity_preference_needs_a_shared_mention),
		cmocka_unit_test(test_meeting_mode),
		cmocka_unit_test(test_meeting_virtually),
		cmocka_unit_test(test_same_employer_is_refused),
		cmocka_unit_test(test_reverse_mentoring_needs_a_student_and_technology),
		cmocka_unit_test(test_same_person_is_refused),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_empty_profile_scores_zero),
		cmocka_unit_test(test_explanations_are_true),
		cmocka_unit_test(test_scores_are_deterministic),
		cmocka_unit_test(test_alike_mentors),
		cmocka_unit_test(test_scores_stay_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
