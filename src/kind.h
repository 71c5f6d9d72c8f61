/*
 * kind.h -- what a message means, as a table (tmux's cmd_entry, fdm's
 * match families): one entry per kind of message, each in its kind-*.c
 * file, chosen by process.c's router from what the rules and the thread
 * say.
 *
 * A handler works inside the router's savepoint: it returns 0, or -1 with
 * *cause set when the message cannot be handled (a template that fails, a
 * reply that cannot be composed, a database statement refused for the
 * message's values).  The router then undoes what the handler did, marks
 * the message failed with that cause, and goes on with the next one; only
 * a failure of the database itself stops the run (db_gone_count).
 */
#ifndef MENTORMAIL_KIND_H
#define MENTORMAIL_KIND_H

#include <stdint.h>

#include "state-outbox.h"

struct extraction;
struct message_record;
struct mime_msg;
struct program;

/* One message being acted on. */
struct inbound {
	struct program			*prog;
	int64_t				 id;	/* its message row */
	const struct message_record	*r;
	const struct mime_msg		*msg;
	struct extraction		*x;	/* what the rules read in it */
	const char			*reply_addr; /* where answers go */
	struct outbox_thread		 thread; /* our mail it answers */
	const char			*own_text; /* the text read */
	/*
	 * Set when the message corrects an application: the address of
	 * that application (a correction's own "email" is only its From).
	 */
	char				*answered;
};

struct kind_entry {
	const char	*name;		/* as kinds.rules names it */
	int		(*handle)(struct inbound *, char **cause);
	/*
	 * The kinds of our own mail whose replies this handler takes,
	 * whatever the rules make of them (NULL-terminated; may be NULL):
	 * a reply to the proposals mail is commands, one to a request to
	 * confirm a withdrawal is the answer to it.
	 */
	const char *const *answers;
};

extern const struct kind_entry kind_application_entry;
extern const struct kind_entry kind_other_entry;
extern const struct kind_entry kind_goals_entry;
extern const struct kind_entry kind_meeting_report_entry;
extern const struct kind_entry kind_evaluation_entry;
extern const struct kind_entry kind_checkin_entry;
extern const struct kind_entry kind_confirmation_entry;
extern const struct kind_entry kind_command_entry;
extern const struct kind_entry kind_form_request_entry;
extern const struct kind_entry kind_withdrawal_entry;

/*
 * What the handlers share (kind.c).  Each returns 0, or -1 with *cause
 * set, as a handler does.
 */

/* Record the kind the message was read as, and its participant (or 0). */
int	kind_record(struct inbound *, const char *kind, int64_t participant,
	    char **cause);

struct tvars;

/*
 * Variables for a reply to this message: the program's, and
 * applicant.name / applicant.email of its sender.  Caller frees.
 */
struct tvars *kind_vars(struct inbound *);

/*
 * Render template `name` with `vars` and queue it to `to` as the answer
 * to this message, in its thread, for `participant` (or 0).  Nothing is
 * queued past [program] replies_per_day to one address, or to an address
 * that cannot be written (both logged); a mail that cannot be composed is
 * kept in the outbox as failed, with why.
 */
int	kind_answer(struct inbound *, const char *name, const char *to,
	    int64_t participant, struct tvars *vars, char **cause);

struct extract_input;

/*
 * Read `ein` as corrected lines of participant `pid`'s application (the
 * text without what it quotes, when `quoted`).  *out is the extraction,
 * or NULL when the message holds no answer; in->answered is then the
 * application's address.  Returns 0, or -1 with *cause set.
 */
int	kind_application_correction(struct inbound *,
	    const struct extract_input *ein, int64_t pid, int quoted,
	    struct extraction **out, char **cause);

/*
 * The match this message is about, for a pair's mail: the thread's, or
 * the sender's running (or lately ended) match.  Returns the match id,
 * 0 when there is none, or -1 with *cause set.  When the sender has
 * several (a mentor of two mentees) and the thread does not say, 0 and
 * *several set: the handler asks the sender.
 */
int64_t	kind_match(struct inbound *, int64_t *participant, int *several,
	    char **cause);

struct pair;

/*
 * For a pair's mail (goals, a report, an evaluation): the pair it is
 * about, in *out (free with pair_free), with the message tied to it and
 * recorded as `kind`; *pid is the sender.  Returns 1; 0 when it is about
 * no running mentorship (then it has been handled as "other", and the
 * coordinator told when the sender has several); -1 with *cause set.
 */
int	kind_pair(struct inbound *, const char *kind, struct pair **out,
	    int64_t *pid, char **cause);

/* kind_vars with calendar_vars for the sender `pid` of pair `p`. */
struct tvars *kind_pair_vars(struct inbound *, const struct pair *,
	    int64_t pid, char **cause);

/*
 * The goals in `text`, one a string (kind-goals.c): list items without
 * their bullets or numbers, else the sentences of the prose; greetings
 * and headings ("Short term goals:") left out.  *listed counts the items
 * that had a list marker.  Caller unrefs.
 */
GPtrArray *goals_items(const char *text, int *listed);

/* The subject without its "Re:" prefixes, so ours adds exactly one. */
const char *kind_bare_subject(const char *subject);

/* "refs... msgid": the thread a reply to this message continues.  Caller
 * frees; NULL when the message has neither. */
char	*kind_thread(const struct mime_msg *);

/*
 * The lines the sender wrote in `text` (may be NULL), trimmed, blank ones
 * left out, as a new array of strings (caller unrefs).  Not what it
 * quotes: "> " lines, nor anything after a quote header ("On ... wrote:",
 * "-----Original Message-----", Outlook's "From: ... Sent: ...") that no
 * "> " line follows, since an HTML reply quotes without marks.  Not a
 * signature ("-- " and what follows), nor what follows a closing word
 * ("Thanks", "Regards", "quit"), a line naming one of our tokens (our own
 * mail, quoted), or mime.c's attachment and forward separators.  At most
 * `max` lines; *more (may be NULL) is set when more would have followed.
 */
GPtrArray *kind_own_lines(const char *text, guint max, int *more);

/*
 * The command lines of a coordinator's mail (kind-command.c): its own
 * lines, after its subject when that is a command itself and the mail is
 * no `reply` to ours ("Subject: approve 12").  A new array of strings
 * (caller unrefs); *more is set when lines past the limit were left.
 */
GPtrArray *kind_command_lines(const char *subject, const char *text,
	    int reply, int *more);

#endif
