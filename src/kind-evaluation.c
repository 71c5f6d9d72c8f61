/*
 * kind-evaluation.c -- an evaluation of the mentorship, from either side:
 * satisfaction (1 to 5), keeping in touch, mentoring again (mentors),
 * comments.  The program's figures come from exactly these (Washington:
 * "75% of mentoring pairs plan on keeping in touch", "85% of mentors
 * indicated an interest in being a mentor again").  A later evaluation
 * from the same person replaces the earlier one's answers it gives.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kind.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "template.h"

/* "yes" 1, "no" 0, not said -1. */
static int
yes_no(const struct extraction *x, const char *name)
{
	const char	*v = extraction_get(x, name);

	if (v == NULL)
		return -1;
	return strcmp(v, "yes") == 0 ? 1 : strcmp(v, "no") == 0 ? 0 : -1;
}

static int
evaluation_keep(struct inbound *in, const struct pair *p, int64_t pid,
    char **cause)
{
	const char		*sat = extraction_get(in->x, "satisfaction");
	struct evaluation_row	 e;
	struct tvars		*v;
	int			 error;

	e = (struct evaluation_row){ .match = p->id, .participant = pid,
	    .message = in->id, .role = pid == p->mentee ? "mentee" : "mentor",
	    .satisfaction = sat != NULL ? atoi(sat) : 0,
	    .keep_in_touch = yes_no(in->x, "keep_in_touch"),
	    .mentor_again = pid == p->mentor ? yes_no(in->x, "mentor_again") :
	    -1, .comments = extraction_get(in->x, "comments"),
	    .received_at = in->prog->now_iso };
	if (e.satisfaction < 1 || e.satisfaction > 5)
		e.satisfaction = 0;
	if (state_evaluation_add(in->prog->db, &e, cause) != 0 ||
	    (v = kind_pair_vars(in, p, pid, cause)) == NULL)
		return -1;
	tvars_set(v, "satisfaction", e.satisfaction > 0 ? sat : NULL);
	tvars_set(v, "keep_in_touch", extraction_get(in->x, "keep_in_touch"));
	if (e.mentor_again >= 0)
		tvars_set(v, "mentor_again", extraction_get(in->x,
		    "mentor_again"));
	error = kind_answer(in, "evaluation-receipt", in->reply_addr, pid, v,
	    cause);
	tvars_free(v);
	return error;
}

static int
evaluation_handle(struct inbound *in, char **cause)
{
	struct pair	*p = NULL;
	int64_t		 pid;
	int		 found, error = 0;

	found = kind_pair(in, "evaluation", &p, &pid, cause);
	if (found == 1)
		error = evaluation_keep(in, p, pid, cause);
	pair_free(p);
	return found < 0 ? -1 : error;
}

const struct kind_entry kind_evaluation_entry = {
	.name = "evaluation",
	.handle = evaluation_handle,
};
