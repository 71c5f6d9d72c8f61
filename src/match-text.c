/*
 * match-text.c -- free text as sets of normalised terms (match-text.h).
 *
 * Text goes through three steps: words() cuts it into folded words and
 * notes where punctuation fell between them; normalise() stems a word and
 * joins it to its family; the lexicon says whether the result is a stop
 * word, a common word, an identity or a technology mention, and which
 * adjacent pairs are phrases.  The lexicon is data (the tables below),
 * built once into hash tables keyed by normal form, so that a table entry
 * written "supervisors" and a text saying "supervising" meet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "match-text.h"

/* Lexicon bits beyond the MATCH_TERM_* flags a term carries. */
#define WORD_STOP	0x10
#define WORD_COMMON	0x20
#define TERM_FLAGS	(MATCH_TERM_IDENTITY | MATCH_TERM_TECH)

#define WEIGHT_COMMON	1
#define WEIGHT_WORD	2
#define WEIGHT_LONG	3	/* LONG_WORD letters or more, once stemmed */
#define WEIGHT_PHRASE	4
#define LONG_WORD	8

/*
 * Dropped: English function words, and what every application says
 * whatever it is about ("I would like help to learn...").  Written folded
 * (lower case, no apostrophes); inflections follow through normalise().
 */
static const char *const stop_words[] = {
	"a", "about", "above", "across", "actually", "after", "again",
	"against", "all", "almost", "along", "already", "also", "always",
	"am", "among", "an", "and", "another", "any", "anyone", "anything",
	"are", "around", "as", "at", "be", "because", "been", "before",
	"being", "below", "between", "both", "but", "by", "can", "cant",
	"could", "did", "didnt", "do", "does", "doesnt", "doing", "dont",
	"down", "during", "each", "eg", "either", "else", "enough", "etc",
	"even", "ever", "every", "everyone", "everything", "few", "for",
	"from", "further", "had", "has", "have", "having", "he", "her",
	"here", "hers", "him", "his", "how", "however", "i", "id", "ie",
	"if", "ill", "im", "in", "into", "is", "isnt", "it", "its", "ive",
	"just", "least", "less", "let", "lot", "many", "may", "me", "might",
	"more", "most", "much", "must", "my", "myself", "no", "nor", "not",
	"nothing", "now", "of", "off", "often", "on", "once", "only", "onto",
	"or", "other", "our", "ours", "out", "over", "own", "per", "quite",
	"rather", "same", "she", "should", "since", "so", "some", "someone",
	"something", "still", "such", "than", "that", "thats", "the",
	"their", "theirs", "them", "themselves", "then", "there", "these",
	"they", "theyre", "thing", "this", "those", "though", "through",
	"throughout", "to", "too", "toward", "towards", "under", "until",
	"up", "upon", "us", "use", "used", "using", "very", "via", "vs",
	"was", "way", "we", "well", "were", "weve", "what", "whats", "when",
	"where", "whether", "which", "while", "who", "whom", "whose", "why",
	"will", "with", "within", "without", "would", "yes", "yet", "you",
	"your", "youre", "yours",
	/* Numbers in words, and order. */
	"one", "two", "three", "four", "five", "six", "seven", "eight",
	"nine", "ten", "twelve", "twenty", "first", "second", "third",
	"last", "next",
	/* The filler of application forms. */
	"able", "advice", "area", "ask", "become", "begin", "best", "better",
	"come", "curious", "currently", "discuss", "enjoy", "especially",
	"feel", "find", "get", "give", "glad", "go", "goal", "going", "good",
	"got",
	"great", "happy", "help", "honest", "hope", "include", "interest",
	"keep", "kind", "know", "learn", "like", "look", "love", "make",
	"mentee", "mentor", "mentorship", "need", "new", "particularly",
	"protege", "question", "ready", "really", "recently", "said", "say",
	"see",
	"share", "specific", "start", "sure", "take", "talk", "tell",
	"think", "took", "topic", "try", "understand", "want", "wish",
	NULL
};

/* Words every library application uses: they count, but little. */
static const char *const common_words[] = {
	"career", "colleague", "county", "day", "experience", "field",
	"full", "job", "large", "librarian", "librarianship", "library",
	"month", "part", "patron", "people", "person", "position",
	"profession", "professional", "program", "public", "role",
	"service", "skill", "small", "staff", "state", "system", "team",
	"time", "user", "week", "work", "worker", "year",
	"california", "washington", "wisconsin", "wyoming",
	NULL
};

/* Mentions of who the writer is or serves, as they write it. */
static const char *const identity_words[] = {
	"aapi", "asian", "bilingual", "bipoc", "bisexual", "black",
	"caregiver", "chicana", "chicano", "deaf", "disabled", "gay",
	"hispanic", "immigrant", "indigenous", "latina", "latine", "latino",
	"latinx", "lesbian", "lgbt", "lgbtq", "lgbtqia", "native",
	"neurodivergent", "nonbinary", "parent", "poc", "queer", "refugee",
	"rural", "spanish", "transgender", "veteran",
	NULL
};

/* Technology, for reverse mentoring. */
static const char *const tech_words[] = {
	"ai", "app", "automation", "chatgpt", "code", "computer", "css",
	"data", "database", "digital", "excel", "gis", "html", "internet",
	"javascript", "makerspace", "python", "software", "spreadsheet",
	"tech", "technology", "web", "website",
	NULL
};

/* Word families the suffix rules cannot join: word -> family. */
static const struct family {
	const char	*word;
	const char	*family;
} families[] = {
	{ "accreditation", "accredit" },
	{ "administration", "administer" },
	{ "administrative", "administer" },
	{ "administrator", "administer" },
	{ "advocacy", "advocate" },
	{ "budgetary", "budget" },
	{ "cataloger", "catalog" },
	{ "catalogue", "catalog" },
	{ "cataloguer", "catalog" },
	{ "children", "child" },
	{ "collaboration", "collaborate" },
	{ "collaborative", "collaborate" },
	{ "communication", "communicate" },
	{ "disability", "disabled" },
	{ "evaluation", "evaluate" },
	{ "instructional", "instruction" },
	{ "leader", "lead" },
	{ "leadership", "lead" },
	{ "management", "manage" },
	{ "manager", "manage" },
	{ "managerial", "manage" },
	{ "multilingual", "bilingual" },
	{ "negotiation", "negotiate" },
	{ "organisation", "organization" },
	{ "presentation", "present" },
	{ "programme", "program" },
	{ "recruitment", "recruit" },
	{ "supervision", "supervise" },
	{ "supervisor", "supervise" },
	{ "supervisory", "supervise" },
	{ "technological", "technology" },
	{ "teenager", "teen" },
	{ "trustee", "board" },
};

/* Two words that side by side name one thing. */
static const struct phrase {
	const char	*first;
	const char	*second;
	const char	*name;		/* the same thing, however written */
	int		 flags;
} phrases[] = {
	{ "access", "services", "access services", 0 },
	{ "adult", "services", "adult services", 0 },
	{ "annual", "report", "annual report", 0 },
	{ "board", "relations", "board relations", 0 },
	{ "capital", "campaign", "capital campaign", 0 },
	{ "change", "management", "change management", 0 },
	{ "children", "services", "children's services", 0 },
	{ "collection", "development", "collection development", 0 },
	{ "community", "partnerships", "community partnerships", 0 },
	{ "cover", "letters", "cover letters", 0 },
	{ "customer", "service", "customer service", 0 },
	{ "data", "cleanup", "data cleanup", MATCH_TERM_TECH },
	{ "difficult", "conversations", "difficult conversations", 0 },
	{ "digital", "literacy", "digital literacy", MATCH_TERM_TECH },
	{ "early", "literacy", "early literacy", 0 },
	{ "emerging", "technologies", "emerging technologies",
	    MATCH_TERM_TECH },
	{ "expert", "searching", "expert searching", 0 },
	{ "faculty", "status", "faculty status", 0 },
	{ "first", "gen", "first generation", MATCH_TERM_IDENTITY },
	{ "first", "generation", "first generation", MATCH_TERM_IDENTITY },
	{ "friends", "group", "friends group", 0 },
	{ "generative", "ai", "generative ai", MATCH_TERM_TECH },
	{ "government", "documents", "government documents", 0 },
	{ "grant", "writing", "grant writing", 0 },
	{ "information", "literacy", "information literacy", 0 },
	{ "interlibrary", "loan", "interlibrary loan", 0 },
	{ "job", "applications", "job applications", 0 },
	{ "labor", "relations", "labor relations", 0 },
	{ "legal", "reference", "legal reference", 0 },
	{ "library", "school", "library school", 0 },
	{ "mock", "interviews", "mock interviews", 0 },
	{ "one", "shot", "one-shot instruction", 0 },
	{ "performance", "evaluations", "performance evaluations", 0 },
	{ "performance", "reviews", "performance evaluations", 0 },
	{ "policy", "manual", "policy manual", 0 },
	{ "program", "proposal", "program proposal", 0 },
	{ "project", "management", "project management", 0 },
	{ "public", "services", "public services", 0 },
	{ "public", "speaking", "public speaking", 0 },
	{ "readers", "advisory", "readers' advisory", 0 },
	{ "research", "agenda", "research agenda", 0 },
	{ "salary", "negotiation", "salary negotiation", 0 },
	{ "social", "media", "social media", MATCH_TERM_TECH },
	{ "spanish", "speaking", "spanish-speaking", MATCH_TERM_IDENTITY },
	{ "staff", "meetings", "staff meetings", 0 },
	{ "story", "time", "storytime", 0 },
	{ "strategic", "planning", "strategic planning", 0 },
	{ "summer", "reading", "summer reading", 0 },
	{ "systematic", "reviews", "systematic reviews", 0 },
	{ "technical", "services", "technical services", 0 },
	{ "teen", "services", "teen services", 0 },
	{ "time", "management", "time management", 0 },
	{ "union", "contracts", "union contracts", 0 },
	{ "web", "developer", "web development", MATCH_TERM_TECH },
	{ "web", "development", "web development", MATCH_TERM_TECH },
	{ "writing", "grants", "grant writing", 0 },
	{ "youth", "services", "youth services", 0 },
};

/*
 * The tables above keyed by normal form.  Built once, on first use, and
 * only read after that; it lives as long as the process.
 */
static struct lexicon {
	GHashTable	*family;	/* stem -> the family's normal form */
	GHashTable	*info;		/* normal form -> WORD_* | MATCH_TERM_* */
	GHashTable	*phrase;	/* "normal normal" -> struct phrase */
} lexicon;

/* One word of a text, as words() hands it on. */
struct word {
	const char	*fold;		/* lower case, accents folded */
	const char	*shown;		/* lower case, as written */
	const char	*start;		/* where it is in the text */
	const char	*end;
	int		 brk;		/* punctuation since the word before */
};

typedef void word_fn(const struct word *, void *);

struct walker {
	GString		*fold;
	GString		*shown;
	const char	*start;
	const char	*end;
	int		 brk;
	int		 dots_join;	/* "." never breaks (names, places) */
	word_fn		*fn;
	void		*arg;
};

struct term {
	uint64_t	 key;
	uint64_t	 part[2];	/* a phrase's words; 0 for a word */
	char		*shown;
	uint32_t	 pos;
	uint8_t		 weight;
	uint8_t		 flags;
};

/*
 * The keys again, packed, with their weights and flags: all that a merge
 * reads, so that thousands of sets compared in turn stay in the cache.
 */
struct match_terms {
	GArray		*v;		/* struct term, by key, unique */
	uint64_t	*key;		/* v's keys */
	uint8_t		*weight;	/* v's weights */
	uint8_t		*flags;		/* v's flags */
	int		 total;		/* sum of the weights */
	uint32_t	 next;		/* the position of the next term */
};

/* Adding one text to a set. */
struct builder {
	struct match_terms	*set;
	GString			*pair;	/* "normal normal", for phrases */
	char			*prev;	/* the word before, normalised */
	const char		*prev_start;	/* in the text */
	uint64_t		 prev_key;
};

/* -------------------------------------------------------------------- */
/* Words. */

static int
is_word_char(gunichar c)
{
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* Inside a word these join rather than cut: "T.B.", "library's". */
static int
is_joiner(gunichar c)
{
	return c == '.' || c == '\'' || c == 0x2019;
}

/*
 * Whether separator `c` after `before` keeps two words apart for phrases
 * and chunks.  Spaces, apostrophes and a hyphen inside a compound
 * ("first-generation") do not; a spaced hyphen or a dash does, as does
 * any other punctuation.
 */
static int
breaks(const struct walker *w, gunichar c, gunichar before)
{
	if (g_unichar_isspace(c) || c == '\'' || c == 0x2018 || c == 0x2019)
		return 0;
	if (c == '-' || c == 0x2010 || c == 0x2011)
		return g_unichar_isspace(before);
	if (c == '.' && w->dots_join)
		return 0;
	return 1;
}

/* Lower case without accents, compatibility forms spelt out ("ﬁ"). */
static void
fold_char(GString *fold, gunichar c)
{
	gunichar	d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize		n, i;

	n = g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d));
	for (i = 0; i < n; i++) {
		if (!g_unichar_ismark(d[i]))
			g_string_append_unichar(fold, g_unichar_tolower(d[i]));
	}
}

static void
word_end(struct walker *w)
{
	struct word	word;

	if (w->fold->len == 0)
		return;
	word = (struct word){ w->fold->str, w->shown->str, w->start, w->end,
	    w->brk };
	w->fn(&word, w->arg);
	g_string_truncate(w->fold, 0);
	g_string_truncate(w->shown, 0);
	w->brk = 0;
}

/* A joiner belongs to the word when a word character follows it. */
static int
takes(const struct walker *w, gunichar c, const char *next)
{
	if (is_word_char(c))
		return 1;
	return is_joiner(c) && w->fold->len > 0 &&
	    is_word_char(g_utf8_get_char(next));
}

static void
walk(struct walker *w, const char *text)
{
	const char	*p, *next;
	gunichar	 c, before = ' ';

	for (p = text; *p != '\0'; p = next, before = c) {
		c = g_utf8_get_char(p);
		next = g_utf8_next_char(p);
		if (takes(w, c, next)) {
			if (w->fold->len == 0)
				w->start = p;
			if (!is_joiner(c))
				fold_char(w->fold, c);
			g_string_append_unichar(w->shown, g_unichar_tolower(c));
			w->end = next;
			continue;
		}
		word_end(w);
		if (breaks(w, c, before))
			w->brk = 1;
	}
	word_end(w);
}

/* Call `fn` for each word of `text`, then with NULL at its end. */
static void
words(const char *text, int dots_join, word_fn *fn, void *arg)
{
	struct walker	w;
	char		*valid = NULL;

	if (text == NULL)
		return;
	if (!g_utf8_validate(text, -1, NULL))
		text = valid = g_utf8_make_valid(text, -1);
	w = (struct walker){ g_string_new(NULL), g_string_new(NULL), NULL,
	    NULL, 1, dots_join, fn, arg };
	walk(&w, text);
	fn(NULL, arg);
	g_string_free(w.fold, TRUE);
	g_string_free(w.shown, TRUE);
	g_free(valid);
}

/* -------------------------------------------------------------------- */
/* The stemmer: deliberately light, so that it never joins what differs. */

static int
ends(const char *s, size_t n, const char *suffix)
{
	size_t	k = strlen(suffix);

	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

static int
has_vowel(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strchr("aeiouy", s[i]) != NULL)
			return 1;
	}
	return 0;
}

/* "planning" -> "plann" -> "plan"; "staffing" keeps its "ff". */
static size_t
undouble(const char *s, size_t n)
{
	if (n >= 2 && s[n - 1] == s[n - 2] && strchr("bdgmnprt", s[n - 1]))
		return n - 1;
	return n;
}

/* -ies to -y; -sses, -ches, -shes, -xes, -zes lose -es; -s (not -ss,
 * -us, -is: "class", "status", "analysis") goes. */
static size_t
stem_plural(char *s, size_t n)
{
	if (n >= 5 && ends(s, n, "ies")) {
		s[n - 3] = 'y';
		return n - 2;
	}
	if (ends(s, n, "sses") || ends(s, n, "ches") || ends(s, n, "shes") ||
	    ends(s, n, "xes") || ends(s, n, "zes"))
		return n - 2;
	if (n >= 4 && s[n - 1] == 's' && !ends(s, n, "ss") &&
	    !ends(s, n, "us") && !ends(s, n, "is"))
		return n - 1;
	return n;
}

/* -ied to -y; -ing and -ed go when a stem with a vowel is left. */
static size_t
stem_verb(char *s, size_t n)
{
	if (n >= 5 && ends(s, n, "ied")) {
		s[n - 3] = 'y';
		return n - 2;
	}
	if (ends(s, n, "eed"))
		return n;
	if (n >= 6 && ends(s, n, "ing") && has_vowel(s, n - 3))
		return undouble(s, n - 3);
	if (n >= 5 && ends(s, n, "ed") && has_vowel(s, n - 2))
		return undouble(s, n - 2);
	return n;
}

/* A final silent e goes, so "schedule" and "scheduling" meet. */
static size_t
stem_e(const char *s, size_t n)
{
	if (n >= 4 && s[n - 1] == 'e' && s[n - 2] != 'e')
		return n - 1;
	return n;
}

static char *
stem(const char *fold)
{
	char	*s = g_strdup(fold);
	size_t	 n = strlen(s);

	n = stem_plural(s, n);
	n = stem_verb(s, n);
	n = stem_e(s, n);
	s[n] = '\0';
	return s;
}

/* The normal form of a folded word: its stem, joined to its family. */
static char *
normalise(const char *fold)
{
	char		*s = stem(fold);
	const char	*family;

	if (lexicon.family != NULL &&
	    (family = g_hash_table_lookup(lexicon.family, s)) != NULL) {
		g_free(s);
		return g_strdup(family);
	}
	return s;
}

/* -------------------------------------------------------------------- */
/* The lexicon. */

static void
lexicon_mark(const char *const *list, unsigned bits)
{
	char		*n;
	unsigned	 old;

	for (; *list != NULL; list++) {
		n = normalise(*list);
		old = GPOINTER_TO_UINT(g_hash_table_lookup(lexicon.info, n));
		g_hash_table_replace(lexicon.info, n,
		    GUINT_TO_POINTER(old | bits));
	}
}

static void
lexicon_families(void)
{
	GHashTable	*t;
	size_t		 i;

	t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (i = 0; i < G_N_ELEMENTS(families); i++)
		g_hash_table_replace(t, stem(families[i].word),
		    stem(families[i].family));
	lexicon.family = t;
}

static void
lexicon_phrases(void)
{
	const struct phrase	*p;
	char			*a, *b;

	lexicon.phrase = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	for (p = phrases; p < phrases + G_N_ELEMENTS(phrases); p++) {
		a = normalise(p->first);
		b = normalise(p->second);
		g_hash_table_replace(lexicon.phrase,
		    g_strconcat(a, " ", b, NULL), (gpointer)p);
		g_free(a);
		g_free(b);
	}
}

static void
lexicon_init(void)
{
	static gsize	done;

	if (!g_once_init_enter(&done))
		return;
	lexicon_families();
	lexicon.info = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	lexicon_mark(stop_words, WORD_STOP);
	lexicon_mark(common_words, WORD_COMMON);
	lexicon_mark(identity_words, MATCH_TERM_IDENTITY);
	lexicon_mark(tech_words, MATCH_TERM_TECH);
	lexicon_phrases();
	g_once_init_leave(&done, 1);
}

static unsigned
lexicon_info(const char *normal)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(lexicon.info, normal));
}

/* -------------------------------------------------------------------- */
/* Building a set. */

/* FNV-1a, 64 bits: stable across runs and machines. */
static uint64_t
hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Numbers and single letters say nothing about a goal. */
static int
worth(const char *fold)
{
	const char	*p;

	if (g_utf8_strlen(fold, -1) < 2)
		return 0;
	for (p = fold; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p))
			return 1;
	}
	return 0;
}

/* By the normal form, so that every spelling of a term weighs the same. */
static int
word_weight(unsigned info, const char *normal)
{
	if (info & WORD_COMMON)
		return WEIGHT_COMMON;
	if (g_utf8_strlen(normal, -1) >= LONG_WORD)
		return WEIGHT_LONG;
	return WEIGHT_WORD;
}

static void
push(struct builder *b, const struct term *t)
{
	struct term	copy = *t;

	copy.shown = g_strdup(t->shown);
	copy.pos = b->set->next++;
	g_array_append_val(b->set->v, copy);
}

static void
forget_prev(struct builder *b)
{
	g_free(b->prev);
	b->prev = NULL;
	b->prev_start = NULL;
}

/* A phrase as written, in lower case, a line break or spaces one space. */
static char *
span_shown(const char *start, const char *end)
{
	GString		*s = g_string_new(NULL);
	const char	*p;
	gunichar	 c;

	for (p = start; p < end; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (!g_unichar_isspace(c))
			g_string_append_unichar(s, g_unichar_tolower(c));
		else if (s->len > 0 && s->str[s->len - 1] != ' ')
			g_string_append_c(s, ' ');
	}
	return g_string_free(s, FALSE);
}

/* The word before and this one, when they are a phrase. */
static void
add_phrase(struct builder *b, const struct word *w, const char *normal,
    uint64_t key)
{
	const struct phrase	*p;
	struct term		 t;
	char			*both;

	g_string_printf(b->pair, "%s %s", b->prev, normal);
	if ((p = g_hash_table_lookup(lexicon.phrase, b->pair->str)) == NULL)
		return;
	both = span_shown(b->prev_start, w->end);
	t = (struct term){ hash(p->name), { b->prev_key, key }, both, 0,
	    WEIGHT_PHRASE, p->flags | MATCH_TERM_PHRASE };
	push(b, &t);
	g_free(both);
}

static void
add_word(const struct word *w, void *arg)
{
	struct builder	*b = arg;
	struct term	 t;
	char		*normal;
	unsigned	 info;

	if (w == NULL || !worth(w->fold)) {
		forget_prev(b);
		return;
	}
	normal = normalise(w->fold);
	info = lexicon_info(normal);
	t = (struct term){ hash(normal), { 0, 0 }, (char *)w->shown, 0,
	    word_weight(info, normal), info & TERM_FLAGS };
	if (!w->brk && b->prev != NULL)
		add_phrase(b, w, normal, t.key);
	if (!(info & WORD_STOP))
		push(b, &t);
	forget_prev(b);
	b->prev = normal;
	b->prev_start = w->start;
	b->prev_key = t.key;
}

static int
by_key_pos(const void *a, const void *b)
{
	const struct term	*x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
pack(struct match_terms *set)
{
	const struct term	*t;
	guint			 i, n = set->v->len;

	g_free(set->key);
	g_free(set->weight);
	g_free(set->flags);
	set->key = g_new(uint64_t, n);
	set->weight = g_new(uint8_t, n);
	set->flags = g_new(uint8_t, n);
	set->total = 0;
	for (i = 0; i < n; i++) {
		t = &g_array_index(set->v, struct term, i);
		set->key[i] = t->key;
		set->weight[i] = t->weight;
		set->flags[i] = t->flags;
		set->total += t->weight;
	}
}

/* Sort, and keep each term's first appearance. */
static void
settle(struct match_terms *set)
{
	struct term	*v = (struct term *)(void *)set->v->data;
	guint		 i, n = 0;

	if (set->v->len > 1)
		qsort(v, set->v->len, sizeof(*v), by_key_pos);
	for (i = 0; i < set->v->len; i++) {
		if (n > 0 && v[n - 1].key == v[i].key) {
			g_free(v[i].shown);
			continue;
		}
		v[n++] = v[i];
	}
	g_array_set_size(set->v, n);
	pack(set);
}

struct match_terms *
match_terms_new(void)
{
	struct match_terms	*set = g_new0(struct match_terms, 1);

	lexicon_init();
	set->v = g_array_new(FALSE, FALSE, sizeof(struct term));
	return set;
}

void
match_terms_free(struct match_terms *set)
{
	guint	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->v->len; i++)
		g_free(g_array_index(set->v, struct term, i).shown);
	g_array_free(set->v, TRUE);
	g_free(set->key);
	g_free(set->weight);
	g_free(set->flags);
	g_free(set);
}

void
match_terms_add(struct match_terms *set, const char *text)
{
	struct builder	b = { set, g_string_new(NULL), NULL, NULL, 0 };

	words(text, 0, add_word, &b);
	g_string_free(b.pair, TRUE);
	settle(set);
}

int
match_terms_equal(const struct match_terms *a, const struct match_terms *b)
{
	size_t	n = a->v->len;

	return n == b->v->len && (n == 0 ||
	    (memcmp(a->key, b->key, n * sizeof *a->key) == 0 &&
	    memcmp(a->weight, b->weight, n) == 0 &&
	    memcmp(a->flags, b->flags, n) == 0));
}

guint
match_terms_hash(const struct match_terms *set)
{
	guint64	h = set->v->len;
	guint	i;

	for (i = 0; i < set->v->len; i++)
		h = h * 1099511628211u ^ set->key[i] ^ set->weight[i];
	return (guint)(h ^ h >> 32);
}

int
match_terms_weight(const struct match_terms *set)
{
	return set->total;
}

int
match_terms_count(const struct match_terms *set)
{
	return (int)set->v->len;
}

int
match_terms_any(const struct match_terms *set, int flags)
{
	guint	i;

	for (i = 0; i < set->v->len; i++) {
		if (g_array_index(set->v, struct term, i).flags & flags)
			return 1;
	}
	return 0;
}

int
match_terms_contains(const struct match_terms *set, const char *word)
{
	struct match_terms	*one = match_terms_new();
	struct match_overlap	 o;

	match_terms_add(one, word);
	match_terms_overlap(set, one, &o);
	match_terms_free(one);
	return o.weight > 0;
}

/* -------------------------------------------------------------------- */
/* Comparing sets. */

void
match_terms_overlap(const struct match_terms *a, const struct match_terms *b,
    struct match_overlap *o)
{
	guint	i = 0, j = 0, m = a->v->len, n = b->v->len;

	*o = (struct match_overlap){ 0, 0, 0 };
	while (i < m && j < n) {
		if (a->key[i] < b->key[j])
			i++;
		else if (a->key[i] > b->key[j])
			j++;
		else {
			o->weight += a->weight[i];
			o->identity += (a->flags[i] & MATCH_TERM_IDENTITY) != 0;
			o->tech += (a->flags[i] & MATCH_TERM_TECH) != 0;
			i++;
			j++;
		}
	}
}

/* Heavier first, then in the order written. */
static int
by_weight_pos(gconstpointer a, gconstpointer b)
{
	const struct term	*x = *(const struct term *const *)a;
	const struct term	*y = *(const struct term *const *)b;

	if (x->weight != y->weight)
		return y->weight - x->weight;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* `a`'s terms that `b` shares and that carry all of `flags`. */
static GPtrArray *
shared_terms(const struct match_terms *a, const struct match_terms *b,
    int flags)
{
	GPtrArray	*out = g_ptr_array_new();
	guint		 i = 0, j = 0;
	const struct term *x, *y;

	while (i < a->v->len && j < b->v->len) {
		x = &g_array_index(a->v, struct term, i);
		y = &g_array_index(b->v, struct term, j);
		if (x->key < y->key)
			i++;
		else if (x->key > y->key)
			j++;
		else {
			if ((x->flags & flags) == flags)
				g_ptr_array_add(out, (gpointer)x);
			i++;
			j++;
		}
	}
	g_ptr_array_sort(out, by_weight_pos);
	return out;
}

/* Whether word `t` is part of a phrase already named. */
static int
in_named_phrase(GPtrArray *named, const struct term *t)
{
	const struct term	*p;
	guint			 i;

	for (i = 0; i < named->len; i++) {
		p = g_ptr_array_index(named, i);
		if (p->part[0] == t->key || p->part[1] == t->key)
			return 1;
	}
	return 0;
}

int
match_terms_explain(const struct match_terms *a, const struct match_terms *b,
    int flags, int max, GString *out)
{
	GPtrArray		*shared = shared_terms(a, b, flags);
	GPtrArray		*named = g_ptr_array_new();
	const struct term	*t;
	guint			 i;
	int			 n, heaviest = 0;

	if (shared->len > 0)
		heaviest = ((const struct term *)shared->pdata[0])->weight;

	for (i = 0; i < shared->len && (int)named->len < max; i++) {
		t = g_ptr_array_index(shared, i);
		/* "library" says nothing next to "grant writing". */
		if (t->weight == WEIGHT_COMMON && heaviest > WEIGHT_COMMON)
			break;
		if (in_named_phrase(named, t))
			continue;
		g_string_append_printf(out, "%s%s", named->len > 0 ? ", " : "",
		    t->shown);
		g_ptr_array_add(named, (gpointer)t);
	}
	n = (int)named->len;
	g_ptr_array_free(named, TRUE);
	g_ptr_array_free(shared, TRUE);
	return n;
}

/* -------------------------------------------------------------------- */
/* Chunks: names and places. */

struct chunker {
	const char *const *drop;
	const char *const *split;
	GString		*key;
	const char	*start;
	const char	*end;
	void		(*fn)(const char *, const char *, void *);
	void		*arg;
};

static int
listed(const char *const *list, const char *fold)
{
	for (; list != NULL && *list != NULL; list++) {
		if (strcmp(*list, fold) == 0)
			return 1;
	}
	return 0;
}

static void
chunk_end(struct chunker *c)
{
	char	*shown;

	if (c->key->len > 0) {
		shown = g_strndup(c->start, (gsize)(c->end - c->start));
		c->fn(c->key->str, shown, c->arg);
		g_free(shown);
	}
	g_string_truncate(c->key, 0);
	c->start = c->end = NULL;
}

static void
chunk_word(const struct word *w, void *arg)
{
	struct chunker	*c = arg;
	int		 split;

	if (w == NULL) {
		chunk_end(c);
		return;
	}
	split = listed(c->split, w->fold);
	if (w->brk || split)
		chunk_end(c);
	if (split)
		return;
	if (c->start == NULL)
		c->start = w->start;
	c->end = w->end;
	if (listed(c->drop, w->fold))
		return;
	if (c->key->len > 0)
		g_string_append_c(c->key, ' ');
	g_string_append(c->key, w->fold);
}

void
match_text_chunks(const char *text, const char *const *drop,
    const char *const *split,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	struct chunker	c = { drop, split, g_string_new(NULL), NULL, NULL,
			    fn, arg };

	words(text, 1, chunk_word, &c);
	g_string_free(c.key, TRUE);
}
