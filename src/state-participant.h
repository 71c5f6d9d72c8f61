/*
 * state-participant.h -- the people in the program, keyed by e-mail address,
 * with the history of every change (which message changed what).
 *
 * Functions return 0 (or the value said) and -1 with *cause set on a
 * database error.  None begins or ends a transaction.
 */
#ifndef MENTORMAIL_STATE_PARTICIPANT_H
#define MENTORMAIL_STATE_PARTICIPANT_H

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

struct db;
struct extraction;

/* Where an application leaves the applicant. */
#define PARTICIPANT_INCOMPLETE	"incomplete"	/* something missing/unclear */
#define PARTICIPANT_INELIGIBLE	"ineligible"
#define PARTICIPANT_APPLIED	"applied"	/* complete and eligible */
#define PARTICIPANT_WITHDRAWN	"withdrawn"	/* out of the pool */
#define PARTICIPANT_FORGOTTEN	"forgotten"	/* personal data erased */
/* Complete and eligible, while applications are closed: not matched
 * until they open (state_participants_open). */
#define PARTICIPANT_WAITING	"waiting"
/* The mentorship ended as planned, and no other runs: not in the pool
 * until they apply again. */
#define PARTICIPANT_COMPLETED	"completed"

/*
 * Create or update the participant whose address is `email` from the
 * fields of `x`: each field that differs is written and noted in the
 * history with the message that carried it.  A field absent from `x` is
 * left as it was (a reply with one corrected line updates one field).
 * Stores the participant's id in *id and sets *created to 1 when new.
 */
int	participant_apply(struct db *, const char *email,
	    const struct extraction *x, int64_t message, const char *now,
	    int64_t *id, int *created, char **cause);

/* Set the participant's status and the reason (may be NULL). */
int	participant_set_status(struct db *, int64_t id, const char *status,
	    const char *reason, const char *now, char **cause);

/* The participant's status, as a new string; NULL when unknown. */
char	*participant_status(struct db *, int64_t id, char **cause);

/*
 * Applications are open: those who waited for it join the pool.  Returns
 * how many, or -1.
 */
int	state_participants_open(struct db *, const char *now, char **cause);

/*
 * The mentorship `match` ended as planned: each of its two people who has
 * no other running match is completed (out of the pool).
 */
int	state_participants_complete(struct db *, int64_t match,
	    const char *now, char **cause);

/*
 * The participant's current fields as name -> value (a new table: caller
 * destroys), or NULL with *cause set.  Unknown id: an empty table.
 */
GHashTable *participant_fields(struct db *, int64_t id, char **cause);

/*
 * The form and address of participant `id`, as new strings in *form and
 * *email (caller frees; *form may be NULL).  Returns 1, or 0 when there is
 * no such participant (both NULL).
 */
int	participant_form_email(struct db *, int64_t id, char **form,
	    char **email, char **cause);

/*
 * Participant `id`'s name (the form's, or NULL) and address (the key
 * every mail goes to), as new strings.  Returns 1, or 0 when there is no
 * such participant (both NULL).
 */
int	participant_contact(struct db *, int64_t id, char **name,
	    char **email, char **cause);

/*
 * The participant at `email` (any case), or 0; its status goes to *status
 * when found (caller frees).
 */
int64_t	participant_by_email(struct db *, const char *email, char **status,
	    char **cause);

/* The participant at `email` whose application is incomplete, or 0. */
int64_t	participant_incomplete(struct db *, const char *email, char **cause);

/*
 * Status keys: participants.total, .mentors, .mentees, .incomplete,
 * .ineligible, .applied, .withdrawn, .forgotten, .waiting, .completed.
 * `fn` is called as for
 * state_status.
 */
int	state_participant_status(struct db *,
	    void (*fn)(const char *key, const char *value, void *arg),
	    void *arg, char **cause);

/* Write every participant as CSV (RFC 4180) with the canonical header. */
int	participant_export_csv(struct db *, FILE *out, char **cause);

#endif
