/*
 * kind-other.c -- a message the program cannot act on: a person gets a
 * polite "not understood" saying what the program accepts by mail; a
 * coordinator's is only recorded.
 *
 * Goals, meeting reports and evaluations are recognised by kinds.rules
 * and, until their own handlers exist, recorded as such.
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

static int
recorded_goals(struct inbound *in, char **cause)
{
	return kind_record(in, "goals", 0, cause);
}

static int
recorded_meeting_report(struct inbound *in, char **cause)
{
	return kind_record(in, "meeting_report", 0, cause);
}

static int
recorded_evaluation(struct inbound *in, char **cause)
{
	return kind_record(in, "evaluation", 0, cause);
}

const struct kind_entry kind_goals_entry = {
	.name = "goals",
	.handle = recorded_goals,
};

const struct kind_entry kind_meeting_report_entry = {
	.name = "meeting_report",
	.handle = recorded_meeting_report,
};

const struct kind_entry kind_evaluation_entry = {
	.name = "evaluation",
	.handle = recorded_evaluation,
};

