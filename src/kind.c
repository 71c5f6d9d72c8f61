/*
 * kind.c -- what the handlers of every kind of message share: recording
 * the kind, answering in the message's thread, and reading what the
 * sender wrote apart from what they quote.
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
#include "token.h"

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

char *
kind_thread(const struct mime_msg *msg)
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
	char		*refs = kind_thread(in->msg);
	int		 error;

	m = (struct outmail){ .to_addr = to, .to_name = in->msg->reply_name,
	    .subject = subject, .body = body,
	    .in_reply_to = in->msg->message_id, .references = refs,
	    .kind = name, .message = in->id, .participant = participant,
	    .date = in->prog->now, .auto_submitted = COMPOSE_AUTO_REPLIED };
	error = outbox_queue(in->prog->db, in->prog->cfg, &m, NULL, cause);
	g_free(refs);
	if (error == EX_DATAERR || error == EX_NOINPUT) {
		/*
		 * Kept as failed in the outbox, with why; the rest of the work
		 * stands.  An address refused is an answer of the applicant's:
		 * the log does not repeat it.
		 */
		log_warn("message %lld: %s not sent: %s", (long long)in->id,
		    name, error == EX_DATAERR ? "the address cannot be sent to "
		    "(see the outbox)" : *cause);
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
	char		*status = NULL;

	*several = 0;
	*participant = 0;
	pid = participant_by_email(db, in->r->from_addr, &status, cause);
	g_free(status);
	if (pid == 0 && in->reply_addr != in->r->from_addr) {
		pid = participant_by_email(db, in->reply_addr, &status, cause);
		g_free(status);
	}
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

/* ------------------------------------------------------------------ */
/* What the sender wrote. */

/* The words that end a mail's commands, like debbugs' "thanks". */
static const char *const closings[] = {
	"thanks", "thank", "thx", "cheers", "regards", "best", "sincerely",
	"quit", "stop", NULL
};

/* How quote headers end, in the languages mail programs speak. */
static const char *const wrote[] = {
	"wrote:", "writes:", "schrieb:", "a \xc3\xa9" "crit :",
	"a \xc3\xa9" "crit:", "escribi\xc3\xb3" ":", "scrisse:", "skrev:",
	NULL
};

static int
is_quoted(const char *line)
{
	return *line == '>';
}

static int
ends_wrote(const char *line)
{
	size_t	i;

	for (i = 0; wrote[i] != NULL; i++) {
		if (g_str_has_suffix(line, wrote[i]))
			return 1;
	}
	return 0;
}

/* A closing word, and at most two words more: "Thanks, Ann", "Best regards". */
static int
is_closing(const char *line)
{
	char	**words, *first;
	guint	  n;
	int	  closing;

	words = g_strsplit_set(line, " \t", 4);
	n = g_strv_length(words);
	first = g_ascii_strdown(words[0], strcspn(words[0], ",.!;:"));
	closing = n <= 3 && g_strv_contains(closings, first);
	g_free(first);
	g_strfreev(words);
	return closing;
}

/* Lines that end what the sender wrote, whatever follows them. */
static int
is_end(const char *line)
{
	if (strcmp(line, "--") == 0 || g_str_has_prefix(line, "____") ||
	    g_str_has_prefix(line, "----- attachment: ") ||
	    strcmp(line, "----- forwarded message -----") == 0 ||
	    g_ascii_strcasecmp(line, "Begin forwarded message:") == 0 ||
	    strstr(line, TOKEN_MARK) != NULL)
		return 1;
	if (line[0] == '-' && strstr(line, "Original Message") != NULL)
		return 1;
	return is_closing(line);
}

/* "From: ..." with "Sent:" or "Date:" among the next lines: Outlook's. */
static int
is_outlook_header(char **lines, size_t i)
{
	size_t	j;

	if (!g_str_has_prefix(g_strstrip(lines[i]), "From:"))
		return 0;
	for (j = i + 1; j <= i + 3 && lines[j] != NULL; j++) {
		g_strstrip(lines[j]);
		if (g_str_has_prefix(lines[j], "Sent:") ||
		    g_str_has_prefix(lines[j], "Date:"))
			return 1;
	}
	return 0;
}

/*
 * How many lines, from lines[i], make a quote header ("On ... wrote:",
 * which a mail program may have wrapped onto a second or third line), or
 * 0 when there is none.
 */
static size_t
intro_at(char **lines, size_t i)
{
	size_t	j;

	if (ends_wrote(g_strstrip(lines[i])))
		return 1;
	if (!g_str_has_prefix(lines[i], "On ") &&
	    !g_str_has_prefix(lines[i], "Le ") &&
	    !g_str_has_prefix(lines[i], "Am "))
		return 0;
	for (j = i + 1; j <= i + 2 && lines[j] != NULL; j++) {
		if (ends_wrote(g_strstrip(lines[j])))
			return j - i + 1;
	}
	return 0;
}

/* Whether the first non-blank line from lines[i] is quoted. */
static int
quote_follows(char **lines, size_t i)
{
	for (; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (*lines[i] != '\0')
			return is_quoted(lines[i]);
	}
	return 0;
}

GPtrArray *
kind_own_lines(const char *text, guint max, int *more)
{
	GPtrArray	 *out = g_ptr_array_new_with_free_func(g_free);
	char		**lines;
	size_t		  i, n;

	if (more != NULL)
		*more = 0;
	lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		/* The signature mark keeps its space until it is read. */
		if (strcmp(lines[i], "-- ") == 0 || strcmp(lines[i],
		    "-- \r") == 0)
			break;
		g_strstrip(lines[i]);
		if (*lines[i] == '\0' || is_quoted(lines[i]))
			continue;
		if ((n = intro_at(lines, i)) > 0) {
			if (!quote_follows(lines, i + n))
				break;
			i += n - 1;
			continue;
		}
		if (is_end(lines[i]) || is_outlook_header(lines, i))
			break;
		if (out->len == max) {
			if (more != NULL)
				*more = 1;
			break;
		}
		g_ptr_array_add(out, g_strdup(lines[i]));
	}
	g_strfreev(lines);
	return out;
}
