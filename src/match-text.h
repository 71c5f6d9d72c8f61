/*
 * match-text.h -- what applicants write, as sets of terms that compare.
 *
 * A mentee's goals and a mentor's strengths are written in their own
 * words.  A term set turns such text into terms that are equal when a
 * reader would call them the same thing:
 *
 *  - Words are runs of Unicode letters and digits, in lower case, accents
 *    folded ("Résumé" is "resume").  A "." or an apostrophe inside a word
 *    joins ("T.B.", "library's"); numbers and one-letter words are dropped.
 *  - Stop words are dropped: common English, and the filler every
 *    application shares ("help", "learn", "would like", "mentor").
 *  - A light stemmer folds inflections, and no more: plurals (-s, -es,
 *    -ies to -y), -ing and -ed (undoubling "planning" to "plan"), and a
 *    final silent e ("schedule" meets "scheduling").  A short table joins
 *    word families the suffixes cannot ("supervisor", "supervision" and
 *    "supervising"; "manager" and "management"; "leader" and
 *    "leadership").  "budgets", "budgeting" and "budgeted" are one term;
 *    "organizing" and "organization" are two.
 *  - A fixed list of two-word phrases ("grant writing", "strategic
 *    planning", "collection development") adds the phrase as a term of
 *    its own when its words stand side by side.  The words stay terms
 *    too, so "grants" still meets "grant writing"; sharing the phrase
 *    counts more.
 *  - Each term has a weight standing in for rarity, without a corpus: 1
 *    for words any library application uses ("library", "staff",
 *    "program"), 2 for other words, 3 for long words (eight letters or
 *    more once stemmed: "accreditation", "commissioners", "insurance"),
 *    4 for phrases.
 *  - Some terms carry a flag: MATCH_TERM_IDENTITY for an explicit mention
 *    of who the writer is or serves ("first-generation", "BIPOC",
 *    "LGBTQ+", "rural", "bilingual", "Spanish-speaking"; never a guess
 *    from a name), MATCH_TERM_TECH for technology ("websites", "AI",
 *    "spreadsheets", "social media").
 *
 * A term is the 64-bit FNV-1a hash of its normal form; a set keeps its
 * terms sorted, so comparing two sets is one merge without allocation.
 * (Two different terms colliding in 64 bits is not a practical concern
 * at the few thousand distinct terms of a program.)
 */
#ifndef MENTORMAIL_MATCH_TEXT_H
#define MENTORMAIL_MATCH_TEXT_H

#include <glib.h>

#define MATCH_TERM_IDENTITY	0x1
#define MATCH_TERM_TECH		0x2
#define MATCH_TERM_PHRASE	0x4

/* What two term sets share. */
struct match_overlap {
	int	weight;		/* sum of the shared terms' weights */
	int	identity;	/* shared MATCH_TERM_IDENTITY terms */
	int	tech;		/* shared MATCH_TERM_TECH terms */
};

struct match_terms;

/* An empty set.  Free with match_terms_free. */
struct match_terms *match_terms_new(void);
void	match_terms_free(struct match_terms *);

/*
 * Add the terms of `text` (UTF-8; invalid bytes are replaced; NULL adds
 * nothing).  A term met again keeps its first spelling and position, so
 * explanations quote the earliest text added.
 */
void	match_terms_add(struct match_terms *, const char *text);

int	match_terms_weight(const struct match_terms *);	/* sum of weights */
int	match_terms_count(const struct match_terms *);

/* Whether the set has a term with any of `flags`. */
int	match_terms_any(const struct match_terms *, int flags);

/* Whether the set holds `word` once normalised ("Directors": director). */
int	match_terms_contains(const struct match_terms *, const char *word);

/*
 * Whether two sets hold the same terms with the same weights and flags,
 * so that every other set shares alike with both (spellings aside); the
 * hash is the same for such sets.
 */
int	match_terms_equal(const struct match_terms *,
	    const struct match_terms *);
guint	match_terms_hash(const struct match_terms *);

/* What `a` and `b` share.  Cheap: a merge, no allocation. */
void	match_terms_overlap(const struct match_terms *a,
	    const struct match_terms *b, struct match_overlap *);

/*
 * Append to `out` at most `max` terms shared by `a` and `b` that carry all
 * of `flags` (0: any), as `a` spells them, ", "-separated: "grant
 * writing, budgets".  Heavier terms first, then in `a`'s order; a word is
 * left out when a phrase named holds it, and common words ("library") are
 * named only when nothing heavier is shared.  Returns how many were named
 * (at least one when the sets share a term with `flags`).
 */
int	match_terms_explain(const struct match_terms *a,
	    const struct match_terms *b, int flags, int max, GString *out);

/*
 * Split `text` into chunks at punctuation (a spaced hyphen, a dash, "/",
 * ",", "(" ...) and at the words in `split`, and call `fn` for each chunk
 * that keeps a word once the words in `drop` are left out: `key` is the
 * kept words, folded, one space apart; `shown` is the chunk as written,
 * trimmed.  Words are folded but not stemmed.  `drop` and `split` are
 * NULL-terminated lists of folded words, or NULL.
 */
void	match_text_chunks(const char *text, const char *const *drop,
	    const char *const *split,
	    void (*fn)(const char *key, const char *shown, void *), void *arg);

#endif
