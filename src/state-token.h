/*
 * state-token.h -- the tokens that authenticate the coordinators' replies
 * (token.h says what they are for).  Times are "YYYY-MM-DDTHH:MM:SSZ",
 * which sorts as time does.
 *
 * Functions return 0 (or the value said) and -1 with *cause set on a
 * database error; none begins or ends a transaction.
 */
#ifndef MENTORMAIL_STATE_TOKEN_H
#define MENTORMAIL_STATE_TOKEN_H

#include <stdint.h>

struct db;

/* A token as read back; the strings last until the callback returns. */
struct token_row {
	const char	*token;
	const char	*to_addr;
	const char	*kind;
	const char	*issued_at;
	const char	*expires_at;
	const char	*used_at;	/* NULL while unused */
	int64_t		 outbox;	/* 0 until bound */
	int64_t		 used_by;	/* the message that used it, or 0 */
};

/* Keep a new token, not yet bound to its mail. */
int	state_token_add(struct db *, const char *token, const char *to_addr,
	    const char *kind, const char *issued_at, const char *expires_at,
	    char **cause);

/* The token goes out in outbox mail `outbox`. */
int	state_token_bind(struct db *, const char *token, int64_t outbox,
	    char **cause);

/* Token `token`: 1 found (fn called once), 0 none, -1 error. */
int	state_token_get(struct db *, const char *token,
	    void (*fn)(const struct token_row *, void *arg), void *arg,
	    char **cause);

/*
 * Mark `token` used by `message` at `now`, if it is still unused: returns
 * 1 when this call used it, 0 when it was used already.
 */
int	state_token_use(struct db *, const char *token, const char *now,
	    int64_t message, char **cause);

#endif
