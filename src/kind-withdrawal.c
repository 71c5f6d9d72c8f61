/*
 * kind-withdrawal.c -- a participant asking to leave the program
 * ("withdraw", "please take me off the list").
 *
 * Anyone can write a From line, so nobody is withdrawn on one mail: the
 * participant's own address is sent a request to confirm, and only a
 * reply to it, from that address, saying yes, within [coordinator]
 * token_days, takes them out of the pool (match_withdraw: their pending
 * proposals withdrawn, their matches ended).  Then they are told, the
 * coordinators are told, and the audit log keeps it.
 */
#include <string.h>

#include <glib.h>

#include "action.h"
#include "clock.h"
#include "config.h"
#include "kind.h"
#include "log.h"
#include "match.h"
#include "mime.h"
#include "program.h"
#include "reply.h"
#include "state-audit.h"
#include "state-outbox.h"
#include "state-participant.h"
#include "template.h"
#include "token.h"

/* Words that say yes, first on the reply's first line. */
static const char *const yes_words[] = {
	"yes", "y", "confirm", "confirmed", "withdraw", "ok", NULL
};

/* The participant's name, when their record has one.  Caller frees. */
static char *
name_of(struct inbound *in, int64_t pid, char **cause)
{
	GHashTable	*f;
	char		*name;

	if ((f = participant_fields(in->prog->db, pid, cause)) == NULL)
		return NULL;
	name = g_strdup(g_hash_table_lookup(f, "name"));
	g_hash_table_destroy(f);
	if (name == NULL)
		name = g_strdup(in->msg->from_name != NULL ?
		    in->msg->from_name : "");
	return name;
}

/* Answer with template `name`, `flag` set ("done", "kept", ...). */
static int
answer(struct inbound *in, const char *name, const char *flag, int64_t pid,
    char **cause)
{
	struct tvars	*vars = kind_vars(in);
	char		*who = NULL, *days;
	int		 error;

	if (pid > 0 && (who = name_of(in, pid, cause)) == NULL) {
		tvars_free(vars);
		return -1;
	}
	if (who != NULL && *who != '\0')
		tvars_set(vars, "applicant.name", who);
	if (flag != NULL)
		tvars_set(vars, flag, "yes");
	days = g_strdup_printf("%d", in->prog->cfg->coordinator.token_days);
	tvars_set(vars, "days", days);
	error = kind_answer(in, name, in->reply_addr, pid, vars, cause);
	g_free(days);
	g_free(who);
	tvars_free(vars);
	return error;
}

/* A request: the participant is asked to confirm, at their own address. */
static int
request(struct inbound *in, char **cause)
{
	char	*status = NULL;
	int64_t	 pid;
	int	 error;

	pid = participant_by_email(in->prog->db, in->reply_addr, &status,
	    cause);
	if (pid < 0 || kind_record(in, "withdrawal", pid, cause) != 0)
		return -1;
	if (pid == 0 || strcmp(status, PARTICIPANT_FORGOTTEN) == 0)
		error = answer(in, "withdrawn", "unknown", 0, cause);
	else if (strcmp(status, PARTICIPANT_WITHDRAWN) == 0)
		error = answer(in, "withdrawn", "already", pid, cause);
	else
		error = answer(in, "withdraw-confirm", NULL, pid, cause);
	g_free(status);
	return error;
}

/* Whether the reply's first line says yes. */
static int
says_yes(struct inbound *in)
{
	GPtrArray	*lines = kind_own_lines(in->msg->text, 1, NULL);
	char		*word = NULL;
	const char	*line;
	int		 yes = 0;

	if (lines->len > 0) {
		line = g_ptr_array_index(lines, 0);
		word = g_ascii_strdown(line, strcspn(line, " \t,.!;:"));
		yes = g_strv_contains(yes_words, word);
	}
	g_free(word);
	g_ptr_array_unref(lines);
	return yes;
}

/* Whether our request in->thread is still good: not older than allowed. */
static int
request_fresh(struct inbound *in, int *fresh, char **cause)
{
	GDateTime	*until;
	char		*at, *limit;
	int		 found;

	at = state_outbox_created(in->prog->db, in->thread.outbox, &found,
	    cause);
	if (found < 0)
		return -1;
	until = g_date_time_add_days(in->prog->now,
	    -in->prog->cfg->coordinator.token_days);
	limit = clock_iso(until);
	*fresh = at != NULL && strcmp(at, limit) > 0;
	g_date_time_unref(until);
	g_free(limit);
	g_free(at);
	return 0;
}

/* The coordinators hear of it, with what was done. */
static int
notify(struct inbound *in, int64_t pid, const char *email, const char *said,
    char **cause)
{
	struct token_mail	 t = { .kind = "withdrawal-notice" };
	char			*name;
	int			 error;

	if ((name = name_of(in, pid, cause)) == NULL)
		return -1;
	t.vars = reply_vars(in->prog->cfg);
	tvars_set(t.vars, "applicant.name", name);
	g_free(name);
	tvars_set(t.vars, "applicant.email", email);
	tvars_set(t.vars, "done", said);
	error = token_mail_queue(in->prog->db, in->prog->cfg,
	    in->prog->replies, in->prog->now, &t, cause);
	tvars_free(t.vars);
	return error;
}

/* Confirmed: out of the pool, logged, and both sides told. */
static int
withdraw(struct inbound *in, int64_t pid, const char *email, char **cause)
{
	struct match_ctx	 m = match_ctx_of(in->prog);
	struct action		 a = { .m = &m, .actor = email, .via = "mail",
				    .message = in->id };
	GString			*said = g_string_new(NULL);
	int			 error;

	error = match_withdraw(&m, email, "at their own request", said,
	    cause);
	g_strchomp(said->str);
	if (error == 0)
		error = action_log(&a, "withdraw (confirmed by reply)",
		    AUDIT_DONE, said->str, cause);
	if (error == 0)
		error = answer(in, "withdrawn", "done", pid, cause);
	if (error == 0)
		error = notify(in, pid, email, said->str, cause);
	if (error == 0)
		log_info("message %lld: a participant withdrew",
		    (long long)in->id);
	g_string_free(said, TRUE);
	return error;
}

/* A reply to our request to confirm. */
static int
confirm(struct inbound *in, char **cause)
{
	char	*status = NULL;
	int64_t	 pid;
	int	 fresh, error;

	pid = participant_by_email(in->prog->db, in->reply_addr, &status,
	    cause);
	if (pid < 0 || request_fresh(in, &fresh, cause) != 0)
		return -1;
	/* Another address, or too late: a new request, to the writer. */
	if (pid != in->thread.participant || !fresh) {
		g_free(status);
		return request(in, cause);
	}
	if (kind_record(in, "withdrawal", pid, cause) != 0)
		error = -1;
	else if (strcmp(status, PARTICIPANT_WITHDRAWN) == 0)
		error = answer(in, "withdrawn", "already", pid, cause);
	else if (!says_yes(in))
		error = answer(in, "withdrawn", "kept", pid, cause);
	else
		error = withdraw(in, pid, in->reply_addr, cause);
	g_free(status);
	return error;
}

static int
withdrawal_handle(struct inbound *in, char **cause)
{
	if (in->thread.kind != NULL &&
	    strcmp(in->thread.kind, "withdraw-confirm") == 0)
		return confirm(in, cause);
	return request(in, cause);
}

static const char *const withdrawal_answers[] = { "withdraw-confirm", NULL };

const struct kind_entry kind_withdrawal_entry = {
	.name = "withdrawal",
	.handle = withdrawal_handle,
	.answers = withdrawal_answers,
};
