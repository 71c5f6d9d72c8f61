/*
 * kind-other.c -- a message the program cannot act on: a person gets a
 * polite "not understood" saying what the program accepts by mail; a
 * coordinator's is only recorded.
 *
 * Commands, goals, reports, check-ins, evaluations and confirmations have
 * their own handlers (kind-*.c).
 */
#include <glib.h>

#include "kind.h"
#include "mime.h"
#include "program.h"
#include "state-message.h"
#include "template.h"

static int
other_handle(struct inbound *in, char **cause)
{
	struct tvars	*vars;
	int		 error;

	if (kind_record(in, "other", 0, cause) != 0)
		return -1;
	if (program_is_coordinator(in->prog, in->r->from_addr))
		return 0;
	vars = kind_vars(in);
	tvars_set(vars, "subject", kind_bare_subject(in->msg->subject));
	error = kind_answer(in, "not-understood", in->reply_addr, 0, vars,
	    cause);
	tvars_free(vars);
	return error;
}

const struct kind_entry kind_other_entry = {
	.name = "other",
	.handle = other_handle,
};
