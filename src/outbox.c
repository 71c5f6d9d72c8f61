/*
 * outbox.c -- queueing mail with the change that caused it, and sending
 * what is due (the guarantees are in outbox.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "compose.h"
#include "config.h"
#include "crash.h"
#include "db.h"
#include "log.h"
#include "outbox.h"
#include "send-smtp.h"
#include "state-outbox.h"

/* One outbox_flush(): where mail goes, and what was done. */
struct flush {
	const struct config	*cfg;
	struct db		*db;
	struct send		*send;		/* the session; NULL: not sending */
	const char		*dir;		/* dry run: where mail goes */
	const char		*why;		/* why none could be sent */
	int			 batch;		/* in the caller's transaction */
	struct outbox_counts	*counts;
};

/* What is done with each due mail. */
typedef int (*flush_fn)(struct flush *, const struct outbox_mail *,
	    char **);

/* How a try of one mail ended, as the outbox records it. */
enum outcome {
	OUTCOME_SENT,
	OUTCOME_DEFERRED,
	OUTCOME_FAILED,
};

/* Keep a mail that could not be composed, failed, with why. */
static int
queue_failed(struct db *db, struct outbox_record *r, GDateTime *now,
    int error, char **cause)
{
	char	*why = *cause;

	*cause = NULL;
	if (state_outbox_queue_failed(db, r, now, why, cause) != 0) {
		g_free(why);
		return EX_IOERR;
	}
	*cause = why;
	return error;
}

int
outbox_queue(struct db *db, const struct config *cfg, const struct outmail *m,
    int64_t *id, char **cause)
{
	struct compose		 c = {
		.from_name = cfg->name, .from_addr = cfg->address,
		.to_name = m->to_name, .to_addr = m->to_addr,
		.subject = m->subject, .body = m->body, .html = m->html,
		.in_reply_to = m->in_reply_to, .references = m->references,
		.auto_submitted = m->auto_submitted,
		.attachments = m->attachments,
	};
	struct outbox_record	 r = { .kind = m->kind, .message = m->message,
		.participant = m->participant, .match = m->match,
		.to_addr = m->to_addr };
	char			*raw, *message_id;
	int			 error;

	c.date = m->date != NULL ? g_date_time_ref(m->date) : clock_now();
	if (compose_message(&c, &raw, &r.len, &message_id, cause) != 0) {
		/* The address is all compose checks besides attachments. */
		error = queue_failed(db, &r, c.date,
		    compose_address_valid(m->to_addr) ? EX_NOINPUT :
		    EX_DATAERR, cause);
		g_date_time_unref(c.date);
		return error;
	}
	r.raw = raw;
	r.message_id = message_id;
	error = state_outbox_queue(db, &r, c.date, id, cause);
	g_free(raw);
	g_free(message_id);
	g_date_time_unref(c.date);
	return error == 0 ? 0 : EX_IOERR;
}

/* Hand a cause made elsewhere to the caller. */
static void
cause_give(char **cause, char *why)
{
	if (cause != NULL)
		*cause = why;
	else
		g_free(why);
}

/* Commit the outcome of one try of `m`, on its own, before the next. */
static int
outcome_record(struct flush *f, const struct outbox_mail *m,
    enum outcome outcome, const char *why, char **cause)
{
	GDateTime	*now = clock_now();
	int		 n = -1;

	if (f->batch || db_begin(f->db, cause) == 0) {
		if (outcome == OUTCOME_SENT)
			n = state_outbox_mark_sent(f->db, m->id, now, cause);
		else if (outcome == OUTCOME_FAILED)
			n = state_outbox_mark_failed(f->db, m->id, why, cause);
		else
			n = state_outbox_mark_temporary(f->db, m->id, now, why,
			    cause);
		if (n >= 0 && !f->batch && db_commit(f->db, cause) != 0)
			n = -1;
	}
	g_date_time_unref(now);
	if (n < 0) {
		if (!f->batch)
			db_rollback(f->db);
		return -1;
	}
	/* A deferral past OUTBOX_EXPIRY is a failure. */
	return n == 1 ? OUTCOME_FAILED : (int)outcome;
}

/*
 * `why` with every copy of `addr` (any case) put as "<recipient>": the
 * server's refusal often repeats the address, and the log at its default
 * level holds no personal data.  Caller frees.
 */
static char *
without_address(const char *why, const char *addr)
{
	GString		*out = g_string_new(NULL);
	const char	*p = why != NULL ? why : "";
	size_t		 n = strlen(addr);

	while (*p != '\0') {
		if (n > 0 && g_ascii_strncasecmp(p, addr, n) == 0) {
			g_string_append(out, "recipient");
			p += n;
		} else
			g_string_append_c(out, *p++);
	}
	return g_string_free(out, FALSE);
}

static void
outcome_log(struct flush *f, const struct outbox_mail *m, int outcome,
    const char *why)
{
	char	*said;

	if (outcome == OUTCOME_SENT) {
		f->counts->sent++;
		log_info("outbox %" PRId64 ": %s to <%s> %s", m->id, m->kind,
		    m->to_addr, f->send != NULL ? "sent" : "written");
	} else if (outcome == OUTCOME_FAILED) {
		f->counts->failed++;
		said = without_address(why, m->to_addr);
		log_warn("outbox %" PRId64 ": %s given up: %s", m->id,
		    m->kind, said);
		g_free(said);
	} else {
		f->counts->deferred++;
		log_info("outbox %" PRId64 ": %s to <%s> deferred: %s", m->id,
		    m->kind, m->to_addr, why);
	}
}

/* Record and log the outcome; EX_IOERR when it could not be recorded. */
static int
outcome_note(struct flush *f, const struct outbox_mail *m,
    enum outcome outcome, const char *why, char **cause)
{
	int	recorded;

	recorded = outcome_record(f, m, outcome, why, cause);
	if (recorded < 0)
		return EX_IOERR;
	outcome_log(f, m, recorded, why);
	return 0;
}

/* Commit that an attempt at `m` begins: see state-outbox.h. */
static int
attempt_record(struct flush *f, const struct outbox_mail *m, char **cause)
{
	GDateTime	*now = clock_now();
	int		 error;

	error = db_begin(f->db, cause);
	if (error == 0)
		error = state_outbox_attempt(f->db, m->id, now, cause);
	if (error == 0)
		error = db_commit(f->db, cause);
	g_date_time_unref(now);
	if (error != 0) {
		db_rollback(f->db);
		return EX_IOERR;
	}
	return 0;
}

/*
 * Try `m` over the session.  A mail refused or deferred lets the batch go
 * on; a session failure stops it, returned after the mail in flight has
 * been recorded as deferred.
 */
static int
send_one(struct flush *f, const struct outbox_mail *m, char **cause)
{
	char	*why = NULL;
	int	 result, error;

	if (attempt_record(f, m, cause) != 0)
		return EX_IOERR;
	crash_point("before-send");
	result = send_smtp_mail(f->send, m->to_addr, m->raw, m->len, &why);
	crash_point("after-send");
	if (result == 0)
		error = outcome_note(f, m, OUTCOME_SENT, NULL, cause);
	else if (result == SEND_SMTP_REFUSED)
		error = outcome_note(f, m, OUTCOME_FAILED, why, cause);
	else
		error = outcome_note(f, m, OUTCOME_DEFERRED, why, cause);
	if (error == 0 && result != 0 && result != SEND_SMTP_REFUSED &&
	    result != SEND_SMTP_DEFERRED) {
		cause_give(cause, why);
		return result;
	}
	g_free(why);
	return error;
}

/* DIR/NNN-KIND-TO.eml, with nothing in KIND or TO that a shell minds. */
static char *
dry_run_path(const char *dir, const struct outbox_mail *m)
{
	char	*name, *path, *p;

	name = g_strdup_printf("%03" PRId64 "-%s-%s.eml", m->id, m->kind,
	    m->to_addr);
	for (p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("@._+-", *p) == NULL)
			*p = '_';
	}
	path = g_build_filename(dir, name, NULL);
	g_free(name);
	return path;
}

static int
write_one(struct flush *f, const struct outbox_mail *m, char **cause)
{
	GError	*error = NULL;
	char	*path = dry_run_path(f->dir, m);

	if (!g_file_set_contents(path, m->raw, (gssize)m->len, &error)) {
		cause_set(cause, "dry run: %s", error->message);
		g_error_free(error);
		g_free(path);
		return EX_CANTCREAT;
	}
	g_free(path);
	return outcome_note(f, m, OUTCOME_SENT, NULL, cause);
}

static int
defer_one(struct flush *f, const struct outbox_mail *m, char **cause)
{
	return outcome_note(f, m, OUTCOME_DEFERRED, f->why, cause);
}

/* Call `fn` for each mail in `ids`, stopping at the first failure. */
static int
flush_all(struct flush *f, GArray *ids, flush_fn fn, char **cause)
{
	struct outbox_mail	*m;
	guint			 i;
	int			 error = 0, found;

	for (i = 0; i < ids->len && error == 0; i++) {
		found = state_outbox_get(f->db, g_array_index(ids, int64_t, i),
		    &m, cause);
		if (found < 0)
			return EX_IOERR;
		if (found == 1)
			error = fn(f, m, cause);
		state_outbox_free(m);
	}
	return error;
}

/*
 * No session, for `why`: no mail was tried, so none is backed off, but
 * each keeps `why` as its last error, and fails once queued too long.
 * Since nothing went out, there is no window to keep short: all of it is
 * one transaction, not one commit (and one fsync) per mail.  Returns
 * `error` with *cause = why, or EX_IOERR.
 */
static int
flush_unsent(struct flush *f, GArray *ids, int error, char *why,
    char **cause)
{
	f->why = why;
	f->batch = 1;
	if (db_begin(f->db, cause) != 0 ||
	    flush_all(f, ids, defer_one, cause) != 0 ||
	    db_commit(f->db, cause) != 0) {
		db_rollback(f->db);
		f->batch = 0;
		g_free(why);
		return EX_IOERR;
	}
	f->batch = 0;
	cause_give(cause, why);
	return error;
}

static int
flush_smtp(struct flush *f, GArray *ids, char **cause)
{
	char	*password, *why = NULL;
	int	 error;

	if ((password = config_password(&f->cfg->smtp, &why)) == NULL)
		return flush_unsent(f, ids, EX_CONFIG, why, cause);
	error = send_smtp_open(f->cfg, password, &f->send, &why);
	explicit_bzero(password, strlen(password));
	g_free(password);
	if (error != 0)
		return flush_unsent(f, ids, error, why, cause);
	error = flush_all(f, ids, send_one, cause);
	send_smtp_close(f->send);
	f->send = NULL;
	return error;
}

static int
flush_dry_run(struct flush *f, GArray *ids, char **cause)
{
	if (g_mkdir_with_parents(f->dir, 0700) != 0) {
		cause_set(cause, "dry run: %s: %s", f->dir, g_strerror(errno));
		return EX_CANTCREAT;
	}
	return flush_all(f, ids, write_one, cause);
}

int
outbox_flush(const struct config *cfg, struct db *db, const char *dry_run_dir,
    struct outbox_counts *counts, char **cause)
{
	struct flush	 f = { .cfg = cfg, .db = db, .dir = dry_run_dir,
		.counts = counts };
	GDateTime	*now = clock_now();
	GArray		*ids;
	int		 error;

	memset(counts, 0, sizeof *counts);
	error = state_outbox_due(db, now, &ids, cause);
	g_date_time_unref(now);
	if (error != 0)
		return EX_IOERR;
	counts->due = (int)ids->len;
	if (ids->len == 0)
		error = 0;
	else if (dry_run_dir != NULL)
		error = flush_dry_run(&f, ids, cause);
	else
		error = flush_smtp(&f, ids, cause);
	g_array_unref(ids);
	return error;
}
