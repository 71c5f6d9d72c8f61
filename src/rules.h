/*
 * rules.h -- the rules in rules/: which message is which kind, and how each
 * field of each program's application form is found and normalised.
 *
 * Rules are data a coordinator can read and edit (rules/README.md documents
 * the format); a mistake in them is reported as "file:line: message" by
 * rules_load, and so by `mentormail check`.  Patterns are compiled once per
 * run.
 */
#ifndef MENTORMAIL_RULES_H
#define MENTORMAIL_RULES_H

#include <glib.h>

struct rules;

/* What the configuration says about the forms. */
struct rules_options {
	/* Active forms, NULL-terminated; NULL means every form defined. */
	char *const	*forms;
	/*
	 * Fields an application must have, NULL-terminated, overriding each
	 * form's own `required` list; NULL keeps the forms' lists.
	 */
	char *const	*required;
};

/*
 * Load every *.rules file in `dir`.  Naming an active form that no file
 * defines is an error.  Returns 0 and a new rules set in *out (free with
 * rules_free), or -1 with *cause set ("file:line: message").
 */
int	rules_load(const char *dir, const struct rules_options *,
	    struct rules **out, char **cause);
void	rules_free(struct rules *);

/* What extraction looks at. */
struct extract_input {
	const char	*subject;	/* may be NULL */
	const char	*text;		/* decoded best text; may be NULL */
	const char	*from_addr;	/* may be NULL */
	int		 from_coordinator;
	const char	*from_name;	/* the From display name; may be NULL */
	const char	*reply_to;	/* the Reply-To address; may be NULL */
	/* The sender is in a running mentorship (kinds' from = newcomer). */
	int		 from_paired;
	/* The kind of our mail it replies to ("checkin"), or NULL. */
	const char	*replied;
	/* When it was sent ("YYYY-MM-DD..."), for dates it gives without a
	 * year or relative to it; may be NULL. */
	const char	*date;
};

/*
 * Caps on what one message gives, applied as it is read (rules/README.md
 * documents them): an answer over its cap is cut there and listed in
 * extraction.cut, so that no reply and no header ever carries a value of
 * unbounded size, and the applicant is told.
 */
#define EXTRACT_TEXT_MAX	(256 * 1024)	/* bytes of text read */
#define EXTRACT_LINE_MAX	300	/* characters of a one-line answer */
#define EXTRACT_FREE_MAX	6000	/* characters of free text */
#define EXTRACT_TOTAL_MAX	24000	/* characters of all answers */

/* An answer cut at its cap. */
struct extract_cut {
	char	*name;		/* the field */
	size_t	 chars;		/* where it was cut */
};

/*
 * How sure a value is.  A value read from a label's answer or a ticked
 * box is sure; one read from the questions answered, or from a letter's
 * sentences, is not: it is kept, and also listed in extraction.unclear,
 * so that the receipt asks the applicant to confirm it.
 */
enum extract_confidence {
	EXTRACT_SURE,
	EXTRACT_UNSURE,
};

/* One field found. */
struct extract_field {
	char	*name;		/* canonical name, e.g. "library_type" */
	char	*value;		/* normalised; may hold newlines */
	enum extract_confidence confidence;
};

/*
 * What a message is and what it says.  Fields are in canonical order (the
 * order of rules/README.md's field list); for a kind other than
 * application, in the order of that kind's `extract` list.
 */
struct extraction {
	char		*kind;		/* application, goals, meeting_report,
					   evaluation, checkin, confirmation,
					   command, other */
	char		*form;		/* the form it was read as, or NULL */
	GPtrArray	*fields;	/* struct extract_field * */
	GPtrArray	*missing;	/* char *: required fields not found */
	GPtrArray	*unclear;	/* char *: "role: both ... ticked", and
					   why each unsure value is */
	GPtrArray	*trace;		/* char *: which rule matched what */
	GPtrArray	*cut;		/* struct extract_cut *: answers cut */
	size_t		 text_cut;	/* bytes read when the text was cut
					   at EXTRACT_TEXT_MAX, else 0 */
	/*
	 * Set when the message could not be read at all (a rule's pattern
	 * gave up): the message is not to be acted on.
	 */
	char		*error;
};

/* Classify and extract; never fails.  Free with extraction_free. */
struct extraction *extract_message(const struct rules *,
	    const struct extract_input *);
void	extraction_free(struct extraction *);

/*
 * Read the message as an answer to `form`, whatever it looks like: a reply
 * to a receipt carrying only the corrected lines is still an application.
 * An unknown form reads as extract_message does.
 */
struct extraction *extract_application(const struct rules *,
	    const char *form, const struct extract_input *);

/*
 * Read the message as kind `kind` whatever the kinds' conditions say,
 * with that kind's `extract` fields: the router's choice for a reply in
 * the thread of one of our mails.  An unknown kind reads as "other".
 */
struct extraction *extract_kind(const struct rules *, const char *kind,
	    const struct extract_input *);

/*
 * The message's own words: `text` without quoted lines, the quote header,
 * the signature, the sign-off and disclaimers, as the rules' [text] group
 * defines them.  Caller frees.
 */
char	*rules_own_text(const struct rules *, const char *text);

/* The value of field `name`, or NULL. */
const char *extraction_get(const struct extraction *, const char *name);

/*
 * Questions about the loaded rules (rules-query.c), for the replies.  A
 * form name no active form has gives NULL (or an empty array).
 */
const char *rules_form_title(const struct rules *, const char *form);
/* The name of the ith active form (in [program] forms order), or NULL. */
const char *rules_form_name(const struct rules *, size_t i);
/* Whether kinds.rules defines the kind `name`. */
int	rules_has_kind(const struct rules *, const char *name);
/*
 * Whether an active form asks for field `name` (has a rule for it, its
 * own or the shared one): the vocabulary a configuration may use.
 */
int	rules_field_asked(const struct rules *, const char *name);
/*
 * How replies name the field: its `title`, else its name made readable.
 * Caller frees.
 */
char	*rules_field_title(const struct rules *, const char *form,
	    const char *name);
/* The field's shortest label in `form` (or its shared definition), the
 * one a reply asks the applicant to write back; NULL when it has none. */
const char *rules_field_label(const struct rules *, const char *form,
	    const char *name);
/* Its possible values as "a, b or c", or NULL for free text.  Caller frees. */
char	*rules_field_values(const struct rules *, const char *form,
	    const char *name);
/* The fields `form` requires of an applicant in `role` (may be NULL), as
 * names in a new array (caller unrefs). */
GPtrArray *rules_required(const struct rules *, const char *form,
	    const char *role);

/* The names of all canonical fields, in order, NULL-terminated. */
const char *const *rules_field_names(void);

/* The application's canonical fields only (role ... meeting_mode). */
const char *const *rules_application_field_names(void);

#endif
