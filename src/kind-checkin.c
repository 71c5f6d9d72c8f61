/*
 * kind-checkin.c -- an answer to the coordinator's check-in ("how is your
 * mentorship going?"), which kinds.rules knows by its thread.  It is kept
 * for the coordinator; "not a good fit" ends the mentorship with that
 * reason and puts both back in the pool (never proposed to each other
 * again), and a request to withdraw ends it and takes the sender out of
 * the program; either way the coordinator is told, so that the other
 * person can be offered a new match.
 */
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "config.h"
#include "kind.h"
#include "log.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "state-match.h"
#include "state-participant.h"
#include "template.h"

/* End pair `p` for `verdict` from `pid`; tell the coordinator. */
static int
end_for(struct inbound *in, const struct pair *p, int64_t pid,
    const char *verdict, char **cause)
{
	const char	*side = pid == p->mentee ? "mentee" : "mentor";
	struct db	*db = in->prog->db;
	GDate		 today;
	char		*day, *reason, *text;
	int		 withdraw = strcmp(verdict, "withdraw") == 0, error;

	date_of(in->prog->now, in->prog->cfg->tz, &today);
	day = date_iso(&today);
	reason = withdraw ? g_strdup_printf("withdrawn by the %s", side) :
	    g_strdup_printf("not a good fit (the %s said so)", side);
	error = state_match_end(db, p->id, day, reason, in->prog->now_iso,
	    cause);
	if (error == 0)
		error = state_match_rule(db, p->mentee, p->mentor, "exclude",
		    in->prog->now_iso, cause);
	if (error == 0 && withdraw)
		error = participant_set_status(db, pid, "withdrawn", reason,
		    in->prog->now_iso, cause);
	text = g_strdup_printf("match %lld ended: %s; the %s is back in the "
	    "pool for a new match", (long long)p->id, reason,
	    withdraw ? (pid == p->mentee ? "mentor" : "mentee") : "pair");
	if (error == 0)
		error = state_notice_add(db, p->id, pid, in->id, verdict, text,
		    in->prog->now_iso, cause);
	log_info("%s", text);
	g_free(text);
	g_free(reason);
	g_free(day);
	return error;
}

static int
checkin_keep(struct inbound *in, const struct pair *p, int64_t pid,
    char **cause)
{
	const char	*verdict = extraction_get(in->x, "verdict");
	struct tvars	*v;
	int		 ending, error;

	if (verdict == NULL)
		verdict = "fine";
	ending = strcmp(verdict, "fine") != 0 && strcmp(p->status,
	    "approved") == 0;
	error = state_checkin_add(in->prog->db, p->id, pid, in->id, verdict,
	    extraction_get(in->x, "comments"), in->prog->now_iso, cause);
	if (error == 0 && ending)
		error = end_for(in, p, pid, verdict, cause);
	if (error != 0 || (v = kind_pair_vars(in, p, pid, cause)) == NULL)
		return -1;
	tvars_set(v, "verdict", verdict);
	tvars_set(v, "ending", ending ? "yes" : NULL);
	error = kind_answer(in, "checkin-receipt", in->reply_addr, pid, v,
	    cause);
	tvars_free(v);
	return error;
}

static int
checkin_handle(struct inbound *in, char **cause)
{
	struct pair	*p = NULL;
	int64_t		 pid;
	int		 found, error = 0;

	found = kind_pair(in, "checkin", &p, &pid, cause);
	if (found == 1)
		error = checkin_keep(in, p, pid, cause);
	pair_free(p);
	return found < 0 ? -1 : error;
}

const struct kind_entry kind_checkin_entry = {
	.name = "checkin",
	.handle = checkin_handle,
};
