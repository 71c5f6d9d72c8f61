/*
 * rules-int.h -- the loaded rules as data, shared by the files that
 * implement rules.h:
 *
 *   rules.c         loading rules/: files, lines, values, active forms
 *   rules-groups.c  the keys of each group, as tables
 *   lines.c         a message's text as lines: quotes, parts, sign-offs
 *   label.c         finding label and option texts, check-box marks
 *   extract-form.c  reading one form's answers
 *   field.c         one answer through its field's rule
 *   normalise.c     the normalisers
 *   extract.c       choosing the form and the kind: extract_message()
 *   rules-query.c   what the rest of mentormail may ask of loaded rules
 *
 * Nothing outside that family includes it.
 */
#ifndef MENTORMAIL_RULES_INT_H
#define MENTORMAIL_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "re.h"
#include "rules.h"

/* Canonical fields: rules_field_names() is the list, a field id its index. */
#define FIELD_MAX	64
typedef uint64_t field_mask;		/* bit n: field id n */

int	field_id(const char *name);	/* -1 when not canonical */
const char *field_name(int id);
int	field_count(void);

/*
 * normalise.c.  A normaliser returns the clean value, or NULL when the
 * answer holds none.  Caller frees.
 */
struct normaliser {
	const char	*name;
	char		*(*fn)(const char *);
};
const struct normaliser *normaliser_find(const char *name);
char	*normaliser_list(void);		/* "a, b, c"; caller frees */
char	*norm_text(const char *);	/* trimmed, white space folded */
char	*norm_multiline(const char *);	/* the same per line */
/*
 * A date as the `date` normaliser reads it, or, for a message sent on
 * `ref` ("YYYY-MM-DD..."), one without a year ("March 4", "3/4": the
 * latest not long after it) or relative ("yesterday", "last Tuesday").
 */
char	*norm_date_near(const char *, const char *ref);

/* Where a rule is written, for error messages and the trace. */
struct rule_loc {
	const char	*file;		/* base name, owned by struct rules */
	int		 line;
};

struct choice {
	char		*value;
	char		**texts;	/* as written, NULL-terminated */
};

struct mapping {
	char		*value;
	struct re	*re;
};

/* implied.VALUE: VALUE, when only these fields of all such are answered. */
struct implied {
	char		*value;
	GArray		*ids;		/* int field ids */
};

/* from.FIELD: this field is also read out of FIELD's answer. */
struct derive {
	int		 source;
	struct re	*re;
	int		 line;
};

#define SEARCH_SUBJECT	0x1
#define SEARCH_BODY	0x2

struct field_rule {
	int		 id;
	struct rule_loc	 loc;		/* the [field NAME] line */
	int		 labels_line;	/* the lines of keys, for the trace */
	int		 search_line;
	char		**labels;	/* NULL-terminated, may be empty */
	char		*title;		/* how replies name it, or NULL */
	struct re	*pattern;	/* what a value looks like */
	struct re	*search;	/* found anywhere, without a label */
	struct re	*prefer;	/* the same, looked for first */
	int		 search_in;
	struct re	*question;	/* the wording of its question */
	struct re	*continued;	/* a line under the answer going on */
	int		 question_line;
	const struct normaliser *norm;
	int		 multiline;	/* free text over several lines */
	int		 multiple;	/* several choices at once */
	int		 fallback_from;	/* the From address when absent */
	int		 fallback_sender; /* the From display name */
	GArray		*choices;	/* struct choice, in file order */
	GArray		*maps;		/* struct mapping, in file order */
	GArray		*derives;	/* struct derive */
	GArray		*phrases;	/* struct mapping: said in prose */
	GArray		*decisions;	/* struct mapping: a choice made
					   after weighing several */
	struct re	*undecided;	/* words of indecision: unclear */
	GArray		*implied;	/* struct implied */
	int		 phrases_line;
};

/* A label text and the fields it introduces (none: a question read past). */
struct label {
	char		*text;
	field_mask	 fields;
	int		 strong;	/* ends in ':', '?' or '.' itself */
	const struct re	*question;	/* a question's wording, not a text */
};
struct label_index;

struct form {
	char		*name;
	char		*title;
	struct rule_loc	 loc;
	struct re	*match;
	struct field_rule *fields[FIELD_MAX];	/* own or shared, or NULL */
	char		**ignore;		/* labels read past */
	struct re	*skip;			/* questions read past */
	GArray		*without;		/* shared fields it never asks */
	int		 skip_line;
	GArray		*required;		/* int field ids */
	GHashTable	*required_role;		/* role value -> GArray ids */
	struct label_index *index;
};

struct kind {
	char		*name;
	struct rule_loc	 loc;
	int		 coordinator;	/* from = coordinator */
	int		 newcomer;	/* from = newcomer */
	int		 min_fields;
	struct re	*subject;
	struct re	*body;
	char		**reply_to;	/* only replies to our mail of these
					   kinds, or NULL: any message */
	GArray		*extract;	/* int field ids */
};

/* Lines that are never answers: where a sign-off or a quote header is. */
struct text_rules {
	struct re	*closing;
	struct re	*signature;
	struct re	*disclaimer;
	struct re	*reply;
	struct re	*empty;		/* an answer meaning "nothing" */
	struct re	*noreply;	/* a From no one reads: see Reply-To */
	struct re	*forward;	/* a Subject forwarding a message */
};

/* [letter]: reading a message that is no form. */
struct letter_rules {
	struct rule_loc	 loc;
	int		 fields;	/* a form giving at most this many
					   answers is read as a letter */
	struct re	*apply;		/* it applies, in its own words */
	struct re	*ask;		/* it asks about the program instead */
	struct re	*prose[FIELD_MAX];	/* an answer in its sentences */
	struct re	*sign[FIELD_MAX];	/* one in the signature block */
	field_mask	 signed_first;	/* fields the signature says best */
	int		 prose_line[FIELD_MAX];
	int		 sign_line[FIELD_MAX];
};

struct rules {
	GPtrArray	*forms;		/* struct form *, the active ones */
	GPtrArray	*kinds;		/* struct kind *, in order */
	struct field_rule *kind_fields[FIELD_MAX];
	struct text_rules text;
	struct letter_rules letter;
	GPtrArray	*owned;		/* every field_rule, to free */
	GStringChunk	*strings;	/* file names */
};

/* lines.c: the message as lines. */
#define LINE_BLANK	0x01
#define LINE_QUOTED	0x02	/* had "> " markers, now removed */
#define LINE_RULE	0x04	/* a line of underscores */
#define LINE_CUT	0x08	/* signature, closing, disclaimer */
#define LINE_SEP	0x10	/* "----- attachment: ... -----" */
#define LINE_REPLY	0x20	/* "On ... wrote:" */
#define LINE_MIXED	0x40	/* in a reply with answers between quotes */
#define LINE_SOFT	0x80	/* cut by a closing only */
#define LINE_SIGNOFF	0x100	/* where a sign-off starts */

struct line {
	char		*s;		/* NUL-terminated, markers removed */
	size_t		 len;
	unsigned	 flags;
};

struct msg_text {
	char		*buf;		/* the text, cut into lines in place */
	struct line	*lines;
	size_t		 n;
	char		*forward_name;	/* a forward: its message's From */
	char		*forward_addr;
};

/*
 * Cut `text` (may be NULL) into lines.  When `subject` forwards a message
 * ([text] forward), the forwarded message under its header is the
 * sender's own text too, and its From is kept.  Free with msg_text_free.
 */
struct msg_text *msg_text_new(const struct text_rules *, const char *text,
	    const char *subject);
void	msg_text_free(struct msg_text *);
/* A line that ends any answer: a separator, sign-off, quote header, rule. */
int	line_is_stop(const struct line *);

/* label.c: matching texts the way a person reads a form. */
struct label_index *label_index_new(const struct form *);
void	label_index_free(struct label_index *);
/* Bytes of [s, end) that `pat` matches at s, 0 when it does not. */
size_t	text_match(const char *pat, const char *s, const char *end);
/* Where a line's first word is, past bullets and numbering. */
size_t	line_start(const struct line *);
/*
 * The longest label at a place (the nth longest, counting from 0), and
 * where it ends (it may wrap), or NULL.
 */
const struct label *label_at(const struct label_index *,
	    const struct msg_text *, size_t line, size_t off, size_t *eline,
	    size_t *eoff, int nth);
/* The next place after `off` where another label may start. */
size_t	next_candidate(const struct line *, size_t off);
/*
 * The field whose `question` (or the form's `skip`, giving a label of no
 * field) matches the question text [s, e) best, or NULL; *matched is how
 * many bytes its pattern matched.
 */
const struct label *question_label(const struct label_index *,
	    const char *s, const char *e, size_t *matched);
/* Whether [s, e) holds at least `min` words, each a word of some label. */
int	label_words_only(const struct label_index *, const char *s,
	    const char *e, int min);
/* The share of the words of [s, e) that are words of labels, in percent. */
int	label_words_share(const struct label_index *, const char *s,
	    const char *e);

/*
 * layout.c: where a question at the start of a line may end.  Each
 * candidate end, left to right: a '?', a ':', a dash between spaces
 * ("NAME - René", mark '-'), a gap before more text, and the line's end
 * (mark 0); the answer starts at `answer` (the line's
 * length: on the lines below).  Prose (a sentence ending before another
 * starts) ends the search.  Returns how many were found, at most `max`.
 */
struct asked {
	size_t		 end;		/* one past the question's text */
	size_t		 answer;	/* where its answer starts */
	int		 mark;		/* '?', ':', '-', '\t' or 0 */
};
int	question_ends(const struct line *, size_t start, struct asked *,
	    int max);

enum mark {
	MARK_NONE,
	MARK_EMPTY,	/* [ ], ( ), ___, ☐, No */
	MARK_TICKED,	/* [x], (x), _X_, X, ☒, ✔, ✓, Yes */
};
enum mark mark_scan(const char *s, const char *end, int last);
/*
 * The options of [s, e) marked as ticked, as "a / b", when it holds
 * check-box marks drawn as boxes or signs ("☐ Public ☒ Academic",
 * "In person ✔"): "" when none is ticked, NULL when there are no marks
 * or a ticked mark stands alone ("Yes: ☒").  Caller frees.
 */
char	*ticked_text(const char *s, const char *e);

/* extract-form.c: one form's answers. */
#define CHOICE_MAX	32		/* choices of one field: a bit each */
struct form_result {
	const struct form *form;
	char		*values[FIELD_MAX];
	/* Why a value is not sure (it is asked again), or NULL. */
	char		*unsure[FIELD_MAX];
	int		 nfound;	/* fields found through labels */
	GPtrArray	*unclear;
	GPtrArray	*trace;
};

/* Read `form` in the text.  Free with form_result_free. */
struct form_result *form_read(const struct rules *, const struct form *,
	    const struct msg_text *, const struct extract_input *);
void	form_result_free(struct form_result *);

/*
 * extract-prose.c: a choice settled by what the message says around the
 * form ("I'd like to sign up as a mentor", a Subject "Mentee application")
 * and by which questions are answered.  `ticked` is 1 when the form's
 * boxes gave res->values[id], -1 when they were unclear, 0 when they
 * said nothing; `used` marks the lines the form's answers took.
 */
void	settle_choice(const struct rules *, const struct form *, int id,
	    const struct msg_text *, const guint8 *used,
	    const struct extract_input *, int ticked, struct form_result *);
/*
 * A message whose form gave few answers ([letter] fields) is read as a
 * letter when it applies in its own words, or states a role, and does
 * not only ask about the program: the fields still absent from its
 * sentences (prose.FIELD) and its signature block (sign.FIELD).  Returns
 * how many fields it gives (0 when it is no letter of application).
 */
int	letter_read(const struct rules *, const struct form *,
	    const struct msg_text *, const guint8 *used,
	    const struct extract_input *, struct form_result *);

/*
 * field.c: `raw` through the field's rule, or NULL (*why, when not NULL,
 * says why not).  Caller frees.
 */
char	*field_value(const struct rules *, const struct field_rule *,
	    const char *raw, const char **why);
/*
 * What field `fr` takes from field `source`'s answer `raw` through its
 * from.SOURCE patterns, or NULL; *line is the pattern's line.  Caller
 * frees.
 */
char	*field_derive(const struct rules *, const struct field_rule *fr,
	    int source, const char *raw, int *line);
/* The field's `search` in the subject and body, or NULL.  Caller frees. */
char	*field_search(const struct rules *, const struct field_rule *,
	    const struct extract_input *);

/* An option of a check-box question named in a text. */
struct seen_option {
	const char	*start;
	const char	*end;
	int		 choice;
};
/* The options named in [s, e), longest first, left to right.  Caller frees. */
GArray	*options_in(const struct field_rule *, const char *s, const char *e);
/* "a, b": the values of the choices whose bits are set.  Caller frees. */
char	*choice_values(const struct field_rule *, guint32 selected);
/* The longest option text of any of the form's fields at p, or 0. */
size_t	option_length(const struct form *, const char *p, const char *e);

#endif
