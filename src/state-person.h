/*
 * state-person.h -- everything the database holds about one person, and
 * forgetting it (`mentormail person EMAIL`, `mentormail forget EMAIL`).
 *
 * Where personal data lives is one table, in state-person.c: each row a
 * place (a table, some of its columns, or some of its rows) with the query
 * that shows what it holds of a person and the statement that erases it.
 * A table added later that holds personal data needs one row there, and
 * both commands cover it.
 *
 * Forgetting keeps only what is anonymous: the participant's row with
 * their role and status "forgotten" (so counts stay true), their matches'
 * numbers, states and scores, the messages' sizes, dates and hashes (so a
 * copy met again is known as one, not read again).  It erases their
 * answers and history, the raw bytes and text of their messages and of
 * any message naming their address, our mail to them or naming them, and
 * their address wherever it was kept.
 *
 * Functions return 0 (or the value said) and -1 with *cause set on a
 * database error; none begins or ends a transaction.
 */
#ifndef MENTORMAIL_STATE_PERSON_H
#define MENTORMAIL_STATE_PERSON_H

struct db;

/*
 * Call `fn` with each thing held about the person at `email` (any case):
 * the place ("answers", "messages", ...) and one line of what it holds.
 * Returns how many lines there were.
 */
int	state_person_each(struct db *, const char *email,
	    void (*fn)(const char *place, const char *text, void *arg),
	    void *arg, char **cause);

/*
 * Erase what is held about the person at `email`, place by place, calling
 * `fn` with each place and the number of its rows erased (when not 0).
 * Returns the number of rows erased in all.
 */
int	state_person_forget(struct db *, const char *email,
	    void (*fn)(const char *place, const char *what, int n, void *arg),
	    void *arg, char **cause);

/*
 * The Message-IDs of the messages of theirs forget erases, which the
 * mail server still holds (mentormail never deletes mail there): `fn`
 * is called with each.  Call it before state_person_forget.
 */
int	state_person_message_ids(struct db *, const char *email,
	    void (*fn)(const char *message_id, void *arg), void *arg,
	    char **cause);

#endif
