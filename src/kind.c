/*
 * kind.c -- what the handlers of every kind of message share: recording
 * the kind, and answering in the message's thread.
 */
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "calendar.h"
#include "config.h"
#include "kind.h"
#include "log.h"
#include "mime.h"
#include "outbox.h"
#include "program.h"
#include "reply.h"
#include "state-calendar.h"
#include "state-message.h"
#include "state-outbox.h"
#include "state-participant.h"
#include "template.h"

int
kind_record(struct inbound *in, const char *kind, int64_t participant,
    char **cause)
{
	return state_message_set_kind(in->prog->db, in->id, kind, participant,
	    cause);
}

struct tvars *
kind_vars(struct inbound *in)
{
	struct tvars	*vars = reply_vars(in->prog->cfg);

	tvars_set(vars, "applicant.name", in->msg->reply_name);
	tvars_set(vars, "applicant.email", in->reply_addr);
	return vars;
}

/* Whether one more automatic reply to `addr` today is within the limit. */
static int
within_limit(struct inbound *in, const char *addr, int *ok, char **cause)
{
	GDateTime	*since;
	int64_t		 n;

	since = g_date_time_add_days(in->prog->now, -1);
	n = state_outbox_count_to(in->prog->db, addr, since, cause);
	g_date_time_unref(since);
	if (n < 0)
		return -1;
	*ok = n < in->prog->cfg->replies_per_day;
	if (!*ok)
		log_warn("message %lld: not answered: the address had %d "
		    "replies in a day already", (long long)in->id,
		    in->prog->cfg->replies_per_day);
	return 0;
}

/* "ref1 ref2 msgid": the thread our reply continues. */
static char *
thread_of(const struct mime_msg *msg)
{
	if (msg->message_id == NULL)
		return g_strdup(msg->references);
	if (msg->references == NULL)
		return g_strdup(msg->message_id);
	return g_strdup_printf("%s %s", msg->references, msg->message_id);
}

static int
queue(struct inbound *in, const char *name, const char *to,
    int64_t participant, const char *subject, const char *body,
    char **cause)
{
	struct outmail	 m;
	char		*refs = thread_of(in->msg);
	int		 error;

	m = (struct outmail){ .to_addr = to, .to_name = in->msg->reply_name,
	    .subject = subject, .body = body,
	    .in_reply_to = in->msg->message_id, .references = refs,
	    .kind = name, .message = in->id, .participant = participant,
	    .date = in->prog->now, .auto_submitted = COMPOSE_AUTO_REPLIED };
	error = outbox_queue(in->prog->db, in->prog->cfg, &m, NULL, cause);
	g_free(refs);
	if (error == EX_DATAERR || error == EX_NOINPUT) {
		/* Kept as failed in the outbox; the rest of the work stands. */
		log_warn("message %lld: %s not sent: %s", (long long)in->id,
		    name, *cause);
		g_clear_pointer(cause, g_free);
		error = 0;
	}
	return error == 0 ? 0 : -1;
}

int
kind_answer(struct inbound *in, const char *name, const char *to,
    int64_t participant, struct tvars *vars, char **cause)
{
	char	*subject = NULL, *body = NULL;
	int	 ok, error;

	if (within_limit(in, to, &ok, cause) != 0)
		return -1;
	if (!ok)
		return 0;
	if (reply_render(in->prog->replies, name, vars, &subject, &body,
	    cause) != 0)
		return -1;
	error = queue(in, name, to, participant, subject, body, cause);
	g_free(subject);
	g_free(body);
	return error;
}

const char *
kind_bare_subject(const char *subject)
{
	const char	*p = subject;

	while (p != NULL && (g_ascii_strncasecmp(p, "re:", 3) == 0 ||
	    g_ascii_strncasecmp(p, "aw:", 3) == 0 ||
	    g_ascii_strncasecmp(p, "sv:", 3) == 0))
		p += 3 + strspn(p + 3, " \t");
	return p;
}

int64_t
kind_match(struct inbound *in, int64_t *participant, int *several,
    char **cause)
{
	struct db	*db = in->prog->db;
	int64_t		 pid, match;

	*several = 0;
	*participant = 0;
	pid = participant_by_email(db, in->r->from_addr, cause);
	if (pid == 0 && in->reply_addr != in->r->from_addr)
		pid = participant_by_email(db, in->reply_addr, cause);
	if (pid < 0)
		return -1;
	*participant = pid;
	if (in->thread.match > 0)
		return in->thread.match;
	if (pid == 0)
		return 0;
	match = state_calendar_match_of(db, pid, cause);
	if (match == -2) {
		*several = 1;
		return 0;
	}
	return match;
}

int
kind_pair(struct inbound *in, const char *kind, struct pair **out,
    int64_t *pid, char **cause)
{
	int64_t	match;
	int	several, found;

	*out = NULL;
	if ((match = kind_match(in, pid, &several, cause)) < 0)
		return -1;
	if (several && state_notice_add(in->prog->db, 0, *pid, in->id,
	    "unclear-match", "a message from a mentor of several mentees "
	    "could not be tied to one of them: see the message", in->prog->now_iso,
	    cause) != 0)
		return -1;
	found = match > 0 ? state_calendar_pair(in->prog->db, match, out,
	    cause) : 0;
	if (found < 0)
		return -1;
	if (found == 0) {
		log_info("message %lld: read as %s, but it is about no running "
		    "mentorship", (long long)in->id, kind);
		return kind_other_entry.handle(in, cause) == 0 ? 0 : -1;
	}
	return state_message_match(in->prog->db, in->id, match, cause) == 0 &&
	    kind_record(in, kind, *pid, cause) == 0 ? 1 : -1;
}

struct tvars *
kind_pair_vars(struct inbound *in, const struct pair *p, int64_t pid,
    char **cause)
{
	struct tvars	*v = kind_vars(in);

	if (calendar_vars(in->prog, p, pid == p->mentee, v, cause) != 0) {
		tvars_free(v);
		return NULL;
	}
	return v;
}
