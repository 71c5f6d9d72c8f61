/*
 * kind-confirmation.c -- an answer to a request to confirm a proposed
 * pairing (match-confirm.c), known by its thread: who was asked is in
 * the kind of our mail ("confirm-mentor").  Yes or no, with the reason
 * kept; an answer that is neither is not guessed: the sender is told
 * the message was not understood.
 */
#include <string.h>

#include <glib.h>

#include "config.h"
#include "kind.h"
#include "log.h"
#include "match.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "template.h"

/* What to tell whoever answered. */
static const char *
outcome_text(const char *outcome)
{
	if (strcmp(outcome, "introduced") == 0)
		return "Everyone has now confirmed: the introductions are on "
		    "their way.";
	if (strcmp(outcome, "declined") == 0)
		return "We will not go ahead with this pairing, and will look "
		    "for another.";
	return "We are waiting for the others' answers, and will write "
	    "when we have them.";
}

static int
confirm_keep(struct inbound *in, const char *who, int yes, char **cause)
{
	struct program	*p = in->prog;
	struct match_ctx m = match_ctx_of(p);
	struct tvars	*v;
	const char	*outcome;
	int		 error;

	if (match_confirm_answer(&m, in->thread.match, who, yes,
	    extraction_get(in->x, "comments"), in->id, &outcome, cause) != 0)
		return -1;
	v = kind_vars(in);
	tvars_set(v, "answer", yes ? "yes" : "no");
	tvars_set(v, "outcome", outcome_text(outcome));
	error = kind_answer(in, "confirm-receipt", in->reply_addr, 0, v,
	    cause);
	tvars_free(v);
	return error;
}

static int
confirmation_handle(struct inbound *in, char **cause)
{
	const char	*answer = extraction_get(in->x, "answer");
	const char	*kind = in->thread.kind;

	if (answer == NULL || (strcmp(answer, "yes") != 0 &&
	    strcmp(answer, "no") != 0) || in->thread.match <= 0 || kind == NULL ||
	    !g_str_has_prefix(kind, "confirm-"))
		return kind_other_entry.handle(in, cause);
	if (state_message_match(in->prog->db, in->id, in->thread.match,
	    cause) != 0 || kind_record(in, "confirmation", 0, cause) != 0)
		return -1;
	return confirm_keep(in, kind + strlen("confirm-"),
	    strcmp(answer, "yes") == 0, cause);
}

const struct kind_entry kind_confirmation_entry = {
	.name = "confirmation",
	.handle = confirmation_handle,
};
