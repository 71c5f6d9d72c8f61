/*
 * match-score.c -- how well a mentor suits a mentee, and why
 * (match-score.h has the model; match-text.c reads the free text).
 *
 * match_side_new() does all the reading once per participant: numbers
 * parsed, names and places folded, goals and strengths turned into sorted
 * term sets.  Scoring a pair is then one merge of two term sets and a few
 * comparisons, and each criterion is a line in the table `criteria`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "match-score.h"
#include "match-text.h"

#define POINTS		10	/* per unit of weight: weights summing to
				   100 give scores of 0..1000 */
#define YEARS_SLACK	5	/* fewer years than this behind is allowed */
#define YEARS_FULL	5	/* this many years ahead earns full credit */
#define LEVEL_GAP	2	/* levels behind that refuse a pair */
#define CAPACITY_MAX	99
#define PLACES_MAX	4
#define EXPLAIN_TERMS	5
#define GOALS_PRIOR	20	/* weight of a two-line answer: see goals_score */
#define GOALS_GAIN	3

enum level {
	LEVEL_UNKNOWN = -1,
	LEVEL_STUDENT,
	LEVEL_STAFF,
	LEVEL_LIBRARIAN,
	LEVEL_SUPERVISOR,
	LEVEL_DIRECTOR,
};

static const char *const level_names[] = {
	"student", "staff", "librarian", "supervisor", "director"
};

enum preference {
	PREF_NONE,
	PREF_CAREER,
	PREF_IDENTITY,
};

#define MODE_IN_PERSON	0x1
#define MODE_VIRTUAL	0x2
#define MODE_EITHER	(MODE_IN_PERSON | MODE_VIRTUAL)

/*
 * The categories of the forms: the level of responsibility each implies,
 * and what it adds to a mentee's needs or a mentor's offer, so that a new
 * supervisor meets a mentor who supervises even when neither wrote it.
 */
static const struct category {
	const char	*slug;
	enum level	 level;
	const char	*needs;
	const char	*offers;
} categories[] = {
	{ "new-to-state",	LEVEL_UNKNOWN,		NULL,	NULL },
	{ "new-to-libraries",	LEVEL_STAFF,		NULL,	NULL },
	{ "newly-promoted",	LEVEL_STAFF,		NULL,	NULL },
	{ "emerging-leader",	LEVEL_STAFF,		"leadership", NULL },
	{ "new-mls",		LEVEL_LIBRARIAN,	NULL,	NULL },
	{ "new-supervisor",	LEVEL_SUPERVISOR,	"supervision", NULL },
	{ "new-director",	LEVEL_DIRECTOR,		"director", NULL },
	{ "experienced-staff",	LEVEL_LIBRARIAN,	NULL,	NULL },
	{ "mls-librarian",	LEVEL_LIBRARIAN,	NULL,	NULL },
	{ "supervisor",		LEVEL_SUPERVISOR,	NULL,	"supervision" },
	{ "director",		LEVEL_DIRECTOR,		NULL,	"director" },
};

/* Words of a position ("Head of Adult Services") and the level they say. */
static const struct title {
	const char	*word;
	enum level	 level;
} titles[] = {
	{ "director",		LEVEL_DIRECTOR },
	{ "dean",		LEVEL_DIRECTOR },
	{ "manager",		LEVEL_SUPERVISOR },
	{ "supervisor",		LEVEL_SUPERVISOR },
	{ "head",		LEVEL_SUPERVISOR },
	{ "deputy",		LEVEL_SUPERVISOR },
	{ "librarian",		LEVEL_LIBRARIAN },
	{ "archivist",		LEVEL_LIBRARIAN },
	{ "coordinator",	LEVEL_LIBRARIAN },
	{ "specialist",		LEVEL_LIBRARIAN },
	{ "aide",		LEVEL_STAFF },
	{ "assistant",		LEVEL_STAFF },
	{ "associate",		LEVEL_STAFF },
	{ "clerk",		LEVEL_STAFF },
	{ "page",		LEVEL_STAFF },
	{ "paraprofessional",	LEVEL_STAFF },
	{ "technician",		LEVEL_STAFF },
};

/* Words that name no employer in particular: "The ... Public Library
 * System" is the same employer as "... Library". */
static const char *const employer_generic[] = {
	"the", "of", "and", "at", "for", "library", "libraries", "system",
	"systems", "public", "branch", "branches", "district", "regional",
	"free", NULL
};

/* Words that name no place in particular. */
static const char *const place_generic[] = {
	"the", "a", "an", "of", "in", "is", "are", "both", "city", "county",
	"counties", "area", "region", "greater", "metro", "near", "around",
	"parish", "borough", "town", "township", NULL
};
static const char *const place_split[] = { "and", "or", NULL };

/*
 * Folded names are interned (g_intern_string): the same name is the same
 * pointer, so that comparing two, millions of times a round, is one
 * instruction.  Interned strings live as long as the process, one copy
 * each, and a pool has few distinct names.
 */
struct place {
	const char	*key;		/* folded, interned */
	char		*shown;		/* as written */
};

/* Every field but id and capacity is compared by match_side_alike. */
struct match_side {
	int64_t			 id;
	int			 capacity;
	int			 years;		/* -1: not given */
	enum level		 level;
	int			 student;
	enum preference		 pref;
	int			 modes;		/* 0: not given */
	const char		*library_type;	/* interned */
	const char		*employer;	/* folded, interned; NULL: not
						   given */
	struct place		 region[PLACES_MAX];
	int			 nregion;
	struct place		 city;
	const char		*state;		/* interned */
	struct match_terms	*needs;		/* goals, categories */
	struct match_terms	*offers;	/* strengths, position ... */
	int			 needs_tech;
	int			 offers_tech;
};

/* What the criteria of one pair share. */
struct pair {
	const struct match_side	*e;		/* mentee */
	const struct match_side	*r;		/* mentor */
	struct match_overlap	 ov;
	double			 goals;		/* 0..1 */
	int			 same_type;
	const char		*place;		/* shared, as the mentee wrote */
	const char		*place_kind;	/* "region" or "city" */
};

/* -------------------------------------------------------------------- */
/* Reading one participant. */

/* A field's value, NULL when absent or empty. */
static const char *
field(GHashTable *fields, const char *name)
{
	const char	*v;

	if (fields == NULL || (v = g_hash_table_lookup(fields, name)) == NULL)
		return NULL;
	while (g_ascii_isspace(*v))
		v++;
	return *v != '\0' ? v : NULL;
}

/* A whole number in lo..hi, or `dflt` when there is none. */
static int
number(const char *s, int lo, int hi, int dflt)
{
	gint64	 n;

	if (s == NULL || !g_ascii_isdigit(*s))
		return dflt;
	n = g_ascii_strtoll(s, NULL, 10);
	return (int)CLAMP(n, lo, hi);
}

static int
read_modes(const char *s)
{
	static const struct {
		const char	*value;
		int		 modes;
	} modes[] = {
		{ "in-person", MODE_IN_PERSON },
		{ "virtual", MODE_VIRTUAL },
		{ "either", MODE_EITHER },
	};
	size_t	i;

	for (i = 0; s != NULL && i < G_N_ELEMENTS(modes); i++) {
		if (g_ascii_strcasecmp(s, modes[i].value) == 0)
			return modes[i].modes;
	}
	return 0;
}

static enum preference
read_preference(const char *s)
{
	if (s != NULL && g_ascii_strcasecmp(s, "career") == 0)
		return PREF_CAREER;
	if (s != NULL && g_ascii_strcasecmp(s, "identity") == 0)
		return PREF_IDENTITY;
	return PREF_NONE;
}

/* `s` interned (NULL stays NULL); `s` is freed. */
static const char *
intern(char *s)
{
	const char	*i = s != NULL ? g_intern_string(s) : NULL;

	g_free(s);
	return i;
}

static void
first_chunk(const char *key, const char *shown, void *arg)
{
	char	**out = arg;

	if (*out == NULL)
		*out = g_strdup(key);
}

/* "Campbell County Public Library System - Wright Branch": "campbell
 * county".  What follows a dash, a comma or a parenthesis is a branch or
 * a department of the same employer. */
static const char *
employer_key(const char *library)
{
	char	*key = NULL;

	match_text_chunks(library, employer_generic, NULL, first_chunk, &key);
	return intern(key);
}

static void
add_region(const char *key, const char *shown, void *arg)
{
	struct match_side	*s = arg;

	if (s->nregion == PLACES_MAX)
		return;
	s->region[s->nregion++] = (struct place){ g_intern_string(key),
	    g_strdup(shown) };
}

static void
read_places(struct match_side *s, GHashTable *fields)
{
	const char	*city = field(fields, "city");
	const char	*state = field(fields, "state");

	match_text_chunks(field(fields, "region"), place_generic, place_split,
	    add_region, s);
	char		*key = NULL;

	if (city != NULL) {
		match_text_chunks(city, NULL, NULL, first_chunk, &key);
		s->city.key = intern(key);
		s->city.shown = g_strdup(city);
	}
	if (state != NULL)
		s->state = intern(g_ascii_strup(state, -1));
}

static const struct category *
category(const char *slug)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(categories); i++) {
		if (strcmp(categories[i].slug, slug) == 0)
			return &categories[i];
	}
	return NULL;
}

/* The categories' levels and what they add to needs and offers. */
static void
read_categories(struct match_side *s, const char *list)
{
	const struct category	*c;
	char			**v;
	size_t			 i;

	if (list == NULL)
		return;
	v = g_strsplit(list, ",", -1);
	for (i = 0; v[i] != NULL; i++) {
		if ((c = category(g_strstrip(v[i]))) == NULL)
			continue;
		s->level = MAX(s->level, c->level);
		match_terms_add(s->needs, c->needs);
		match_terms_add(s->offers, c->offers);
	}
	g_strfreev(v);
}

/*
 * The level a position names: the highest title in it.  A position that
 * says "student" and no professional title ("MLIS student; student
 * assistant") is a student's, whatever else it says.
 */
static void
read_position(struct match_side *s, const char *position)
{
	struct match_terms	*t = match_terms_new();
	enum level		 level = LEVEL_UNKNOWN;
	size_t			 i;

	match_terms_add(t, position);
	for (i = 0; i < G_N_ELEMENTS(titles); i++) {
		if (match_terms_contains(t, titles[i].word))
			level = MAX(level, titles[i].level);
	}
	s->student = match_terms_contains(t, "student") &&
	    level < LEVEL_LIBRARIAN;
	if (s->student)
		level = LEVEL_STUDENT;
	s->level = MAX(s->level, level);
	match_terms_free(t);
}

static void
read_text(struct match_side *s, GHashTable *fields)
{
	const char	*position = field(fields, "position");

	s->needs = match_terms_new();
	s->offers = match_terms_new();
	match_terms_add(s->needs, field(fields, "goals"));
	match_terms_add(s->offers, field(fields, "strengths"));
	match_terms_add(s->offers, position);
	s->level = LEVEL_UNKNOWN;
	read_categories(s, field(fields, "categories"));
	read_position(s, position);
	s->needs_tech = match_terms_any(s->needs, MATCH_TERM_TECH);
	s->offers_tech = match_terms_any(s->offers, MATCH_TERM_TECH);
}

struct match_side *
match_side_new(int64_t id, GHashTable *fields)
{
	struct match_side	*s = g_new0(struct match_side, 1);
	const char		*type = field(fields, "library_type");

	s->id = id;
	s->capacity = number(field(fields, "capacity"), 1, CAPACITY_MAX, 1);
	s->years = number(field(fields, "years_experience"), 0, 99, -1);
	s->pref = read_preference(field(fields, "match_preference"));
	s->modes = read_modes(field(fields, "meeting_mode"));
	s->library_type = intern(type != NULL ? g_ascii_strdown(type, -1) :
	    NULL);
	s->employer = employer_key(field(fields, "library"));
	read_places(s, fields);
	read_text(s, fields);
	return s;
}

void
match_side_free(struct match_side *s)
{
	int	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nregion; i++)
		g_free(s->region[i].shown);
	g_free(s->city.shown);
	match_terms_free(s->needs);
	match_terms_free(s->offers);
	g_free(s);
}

int64_t
match_side_id(const struct match_side *s)
{
	return s->id;
}

int
match_side_capacity(const struct match_side *s)
{
	return s->capacity;
}

static int
places_alike(const struct place *a, const struct place *b)
{
	return a->key == b->key && g_strcmp0(a->shown, b->shown) == 0;
}

static int
regions_alike(const struct match_side *a, const struct match_side *b)
{
	int	i;

	if (a->nregion != b->nregion)
		return 0;
	for (i = 0; i < a->nregion; i++) {
		if (!places_alike(&a->region[i], &b->region[i]))
			return 0;
	}
	return 1;
}

int
match_side_alike(const struct match_side *a, const struct match_side *b)
{
	return a->years == b->years && a->level == b->level &&
	    a->student == b->student && a->pref == b->pref &&
	    a->modes == b->modes && a->needs_tech == b->needs_tech &&
	    a->offers_tech == b->offers_tech &&
	    a->library_type == b->library_type && a->employer == b->employer &&
	    regions_alike(a, b) && places_alike(&a->city, &b->city) &&
	    a->state == b->state &&
	    match_terms_equal(a->needs, b->needs) &&
	    match_terms_equal(a->offers, b->offers);
}

guint
match_side_hash(const struct match_side *s)
{
	guint	h;

	h = (guint)s->years * 31 + (guint)s->level * 7 + (guint)s->modes;
	h = h * 31 + g_direct_hash(s->employer);
	h = h * 31 + match_terms_hash(s->needs);
	return h * 31 + match_terms_hash(s->offers);
}

/* -------------------------------------------------------------------- */
/* Hard constraints. */

/*
 * Less senior, beyond what a score should weigh: more than YEARS_SLACK
 * years behind without a higher level, or LEVEL_GAP levels below without
 * more years.
 */
static int
less_senior(const struct match_side *e, const struct match_side *r)
{
	int	years = e->years >= 0 && r->years >= 0;
	int	levels = e->level != LEVEL_UNKNOWN && r->level != LEVEL_UNKNOWN;

	if (years && e->years - r->years > YEARS_SLACK &&
	    !(levels && r->level > e->level))
		return 1;
	if (levels && e->level - r->level >= LEVEL_GAP &&
	    !(years && r->years > e->years))
		return 1;
	return 0;
}

static const char *
refuse_same_person(const struct match_weights *w, const struct match_side *e,
    const struct match_side *r)
{
	return e->id == r->id ? "same person" : NULL;
}

static const char *
refuse_employer(const struct match_weights *w, const struct match_side *e,
    const struct match_side *r)
{
	if (e->employer == NULL || e->employer != r->employer)
		return NULL;
	return "same employer";
}

/* Reverse mentoring: a student teaching technology to who asks for it. */
static const char *
refuse_seniority(const struct match_weights *w, const struct match_side *e,
    const struct match_side *r)
{
	if (!less_senior(e, r))
		return NULL;
	if (!w->reverse)
		return "mentor is less experienced and reverse mentoring is off";
	if (!r->student)
		return "mentor is less experienced and not a student";
	if (!r->offers_tech || !e->needs_tech)
		return "student mentor, but the goals are not about technology";
	return NULL;
}

static const char *(*const refusals[])(const struct match_weights *,
    const struct match_side *, const struct match_side *) = {
	refuse_same_person,
	refuse_employer,
	refuse_seniority,
};

int
match_score_allowed(const struct match_weights *w,
    const struct match_side *mentee, const struct match_side *mentor,
    const char **why)
{
	const char	*no;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(refusals); i++) {
		if ((no = refusals[i](w, mentee, mentor)) != NULL) {
			if (why != NULL)
				*why = no;
			return 0;
		}
	}
	if (why != NULL)
		*why = NULL;
	return 1;
}

/* -------------------------------------------------------------------- */
/* The criteria.  Each returns 0..1 and, when `text` is not NULL, writes
 * there why, naming only what is above 0. */

/*
 * Dice's coefficient of the weighted term sets, 2 shared / (needs +
 * offers), with GOALS_PRIOR added below the line so that two short answers
 * sharing one word do not look alike, and times GOALS_GAIN, capped at 1:
 * free text never shares much, and the best pairs of real applications
 * share about a third.
 */
static double
goals_score(const struct match_side *e, const struct match_side *r,
    const struct match_overlap *ov)
{
	double	dice;

	if (ov->weight == 0)
		return 0;
	dice = 2.0 * ov->weight / (match_terms_weight(e->needs) +
	    match_terms_weight(r->offers) + GOALS_PRIOR);
	return MIN(GOALS_GAIN * dice, 1.0);
}

static double
crit_goals(const struct pair *p, GString *text)
{
	if (text != NULL && p->goals > 0) {
		g_string_append(text, "goals <-> strengths: ");
		match_terms_explain(p->e->needs, p->r->offers, 0,
		    EXPLAIN_TERMS, text);
	}
	return p->goals;
}

static double
crit_library_type(const struct pair *p, GString *text)
{
	if (text != NULL && p->same_type)
		g_string_append_printf(text, "same library type: %s",
		    p->e->library_type);
	return p->same_type;
}

static double
crit_region(const struct pair *p, GString *text)
{
	if (text != NULL && p->place != NULL)
		g_string_append_printf(text, "same %s: %s", p->place_kind,
		    p->place);
	return p->place != NULL;
}

/* At or above the mentee's years: 0.5, rising to 1 at YEARS_FULL more;
 * below: in proportion, under 0.5. */
static double
years_part(const struct match_side *e, const struct match_side *r)
{
	int	d = r->years - e->years;

	if (e->years < 0 || r->years < 0)
		return -1;
	if (d >= 0)
		return 0.5 + 0.5 * MIN(d, YEARS_FULL) / YEARS_FULL;
	return 0.5 * r->years / e->years;
}

/* Above: 1; the same level: 0.75; one below: 0.25; further: 0. */
static double
level_part(const struct match_side *e, const struct match_side *r)
{
	static const double	by_gap[] = { 0.75, 0.25, 0 };
	int			d = r->level - e->level;

	if (e->level == LEVEL_UNKNOWN || r->level == LEVEL_UNKNOWN)
		return -1;
	if (d > 0)
		return 1;
	return by_gap[MIN(-d, 2)];
}

static void
explain_seniority(const struct pair *p, double years, double level,
    GString *text)
{
	const struct match_side	*e = p->e, *r = p->r;

	if (years > 0)
		g_string_append_printf(text, "mentor %d yrs vs mentee %d",
		    r->years, e->years);
	if (level <= 0)
		return;
	if (years > 0)
		g_string_append(text, ", ");
	if (r->level == e->level)
		g_string_append_printf(text, "same level: %s",
		    level_names[r->level]);
	else
		g_string_append_printf(text, "mentor %s vs mentee %s",
		    level_names[r->level], level_names[e->level]);
}

static double
crit_seniority(const struct pair *p, GString *text)
{
	double	years = years_part(p->e, p->r);
	double	level = level_part(p->e, p->r);
	double	sum = 0;
	int	n = 0;

	if (years >= 0) {
		sum += years;
		n++;
	}
	if (level >= 0) {
		sum += level;
		n++;
	}
	if (n == 0 || sum == 0)
		return 0;
	if (text != NULL)
		explain_seniority(p, years, level, text);
	return sum / n;
}

/* Career: half for shared goals, half for the same library type. */
static double
career_score(const struct pair *p, GString *text)
{
	double	score = (p->goals + p->same_type) / 2;

	if (text == NULL || score == 0)
		return score;
	g_string_append(text, "a career match: ");
	if (p->goals > 0)
		g_string_append(text, "shared goals");
	if (p->goals > 0 && p->same_type)
		g_string_append(text, " and ");
	if (p->same_type)
		g_string_append(text, "the same library type");
	return score;
}

/* Identity: what both wrote of themselves, never a guess. */
static double
identity_score(const struct pair *p, GString *text)
{
	if (p->ov.identity == 0)
		return 0;
	if (text != NULL) {
		g_string_append(text, "an identity match: both mention ");
		match_terms_explain(p->e->needs, p->r->offers,
		    MATCH_TERM_IDENTITY, EXPLAIN_TERMS, text);
	}
	return 1;
}

/* The mentee's preference; when the mentee has none, the mentor's. */
static double
crit_preference(const struct pair *p, GString *text)
{
	const char	*who = p->e->pref != PREF_NONE ? "mentee" : "mentor";
	enum preference	 pref = p->e->pref != PREF_NONE ? p->e->pref :
			    p->r->pref;
	GString		*s = text != NULL ? g_string_new(NULL) : NULL;
	double		 score = 0;

	if (pref == PREF_CAREER)
		score = career_score(p, s);
	else if (pref == PREF_IDENTITY)
		score = identity_score(p, s);
	if (text != NULL && score > 0)
		g_string_append_printf(text, "%s asked for %s", who, s->str);
	if (s != NULL)
		g_string_free(s, TRUE);
	return score;
}

/* In person needs both to accept it and the same region or city; not
 * said is either; neither said is no information, no points. */
static double
crit_meeting_mode(const struct pair *p, GString *text)
{
	static const char *const how[] = { NULL, "meets in person",
	    "meets virtually", "meets in person or virtually" };
	int	common;

	if (p->e->modes == 0 && p->r->modes == 0)
		return 0;
	common = (p->e->modes != 0 ? p->e->modes : MODE_EITHER) &
	    (p->r->modes != 0 ? p->r->modes : MODE_EITHER);
	if (p->place == NULL)
		common &= ~MODE_IN_PERSON;
	if (text != NULL && common != 0)
		g_string_append(text, how[common]);
	return common != 0;
}

static const struct criterion {
	size_t	  weight;	/* offset in struct match_weights */
	double	(*score)(const struct pair *, GString *);
} criteria[] = {
	{ offsetof(struct match_weights, goals), crit_goals },
	{ offsetof(struct match_weights, library_type), crit_library_type },
	{ offsetof(struct match_weights, region), crit_region },
	{ offsetof(struct match_weights, seniority), crit_seniority },
	{ offsetof(struct match_weights, preference), crit_preference },
	{ offsetof(struct match_weights, meeting_mode), crit_meeting_mode },
};

/* -------------------------------------------------------------------- */
/* A pair. */

/* The mentee's name for the region or city both are in, or NULL. */
static const char *
shared_place(const struct match_side *e, const struct match_side *r,
    const char **kind)
{
	int	i, j;

	if (e->nregion > 0 && r->nregion > 0) {
		*kind = "region";
		for (i = 0; i < e->nregion; i++) {
			for (j = 0; j < r->nregion; j++) {
				if (e->region[i].key == r->region[j].key)
					return e->region[i].shown;
			}
		}
		return NULL;
	}
	*kind = "city";
	if (e->city.key == NULL || e->city.key != r->city.key)
		return NULL;
	if (e->state != NULL && r->state != NULL && e->state != r->state)
		return NULL;
	return e->city.shown;
}

static void
pair_init(struct pair *p, const struct match_side *e,
    const struct match_side *r)
{
	p->e = e;
	p->r = r;
	match_terms_overlap(e->needs, r->offers, &p->ov);
	p->goals = goals_score(e, r, &p->ov);
	p->same_type = e->library_type != NULL &&
	    e->library_type == r->library_type;
	p->place = shared_place(e, r, &p->place_kind);
}

static int
weight_of(const struct match_weights *w, const struct criterion *c)
{
	int	weight = *(const int *)(const void *)((const char *)w +
		    c->weight);

	return MAX(weight, 0);
}

int
match_score(const struct match_weights *w, const struct match_side *mentee,
    const struct match_side *mentor, GString *why)
{
	const struct criterion	*c;
	struct pair		 p;
	GString			*text = why != NULL ? g_string_new(NULL) : NULL;
	int			 total = 0, points, said = 0, weight;

	pair_init(&p, mentee, mentor);
	for (c = criteria; c < criteria + G_N_ELEMENTS(criteria); c++) {
		if ((weight = weight_of(w, c)) == 0)
			continue;
		if (text != NULL)
			g_string_truncate(text, 0);
		/* Each criterion is rounded on its own, so that one named
		 * in `why` always added at least a point. */
		points = (int)(POINTS * weight * c->score(&p, text) + 0.5);
		if (points <= 0)
			continue;
		total += points;
		if (why != NULL)
			g_string_append_printf(why, "%s%s", said++ ? "; " : "",
			    text->str);
	}
	if (text != NULL)
		g_string_free(text, TRUE);
	return total;
}
