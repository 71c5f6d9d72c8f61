/*
 * outbox.c -- queueing mail with the change that caused it, and sending
 * what is due (the guarantees are in outbox.h).
 */
#include <sys/stat.h>

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
#include "outbox-journal.h"
#include "send-smtp.h"
#include "state-outbox.h"

/* One outbox_flush(): where mail goes, and what was done. */
struct flush {
	const struct config	*cfg;
	struct db		*db;
	struct send		*send;		/* the session; NULL: not sending */
	struct outbox_journal	*journal;	/* NULL: dry run */
	const char		*dir;		/* dry run: where mail goes */
	const char		*why;		/* why none could be sent */
	int			 batch;		/* in the caller's transaction */
	struct outbox_counts	*counts;
	int			 unrecorded;	/* answers only in journal */
};

/* What is done with each due mail. */
typedef int (*flush_fn)(struct flush *, const struct outbox_mail *,
	    char **);

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
		.files = m->files, .nfiles = m->nfiles,
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

/* Write the outcome of one try of mail `id` (no transaction). */
static int
outcome_apply(struct db *db, int64_t id, enum outbox_outcome outcome,
    GDateTime *at, const char *why, char **cause)
{
	if (outcome == OUTBOX_SENT)
		return state_outbox_mark_sent(db, id, at, cause);
	if (outcome == OUTBOX_FAILED)
		return state_outbox_mark_failed(db, id, why, cause);
	return state_outbox_mark_temporary(db, id, at, why, cause);
}

/* Commit the outcome of one try of `m`, on its own, before the next. */
static int
outcome_record(struct flush *f, const struct outbox_mail *m,
    enum outbox_outcome outcome, GDateTime *at, const char *why,
    char **cause)
{
	int	n = -1;

	/* In a batch of deferrals the caller holds the transaction. */
	if (f->batch || db_begin(f->db, cause) == 0) {
		n = outcome_apply(f->db, m->id, outcome, at, why, cause);
		if (n >= 0 && !f->batch && db_commit(f->db, cause) != 0)
			n = -1;
	}
	if (n < 0) {
		if (!f->batch)
			db_rollback(f->db);
		return -1;
	}
	/* A deferral past OUTBOX_EXPIRY is a failure. */
	return n == 1 ? OUTBOX_FAILED : (int)outcome;
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

	if (outcome == OUTBOX_SENT) {
		f->counts->sent++;
		log_info("outbox %" PRId64 ": %s to <%s> %s", m->id, m->kind,
		    m->to_addr, f->send != NULL ? "sent" : "written");
	} else if (outcome == OUTBOX_FAILED) {
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

/*
 * Write the server's answer for `m` to the journal, before anything else
 * happens: returns whether it is kept there.
 */
static int
answer_keep(struct flush *f, const struct outbox_mail *m,
    enum outbox_outcome outcome, GDateTime *at, const char *why)
{
	char	*iso, *cause = NULL;
	int	 error;

	if (f->journal == NULL)
		return 0;
	iso = clock_iso(at);
	error = outbox_journal_write(f->journal, m->id, outcome, iso, why,
	    &cause);
	g_free(iso);
	if (error == 0)
		return 1;
	log_warn("outbox %" PRId64 ": the server's answer is not in the "
	    "journal: %s", m->id, cause);
	g_free(cause);
	return 0;
}

/*
 * The database would not take the outcome of `m`.  When the journal has
 * it (`kept`), it is made to survive a power cut too, and the next flush
 * records it: the mail is not sent again.  Returns EX_IOERR.
 */
static int
answer_unrecorded(struct flush *f, const struct outbox_mail *m, int kept,
    char *dberr, char **cause)
{
	char	*serr = NULL;

	if (kept && outbox_journal_sync(f->journal, &serr) != 0) {
		log_warn("%s", serr);
		g_free(serr);
		kept = 0;
	}
	if (!kept) {
		cause_set(cause, "%s", dberr);
		g_free(dberr);
		return EX_IOERR;
	}
	f->unrecorded = 1;
	cause_set(cause, "%s; the server's answer for outbox %" PRId64 " is "
	    "kept in %s and recorded by the next flush", dberr, m->id,
	    outbox_journal_path(f->journal));
	g_free(dberr);
	return EX_IOERR;
}

/*
 * Record and log the outcome; EX_IOERR when the database would not record
 * it.  `kept`: the journal has it already.
 */
static int
outcome_note(struct flush *f, const struct outbox_mail *m,
    enum outbox_outcome outcome, GDateTime *at, const char *why, int kept,
    char **cause)
{
	char	*dberr = NULL;
	int	 recorded;

	recorded = outcome_record(f, m, outcome, at, why, &dberr);
	if (recorded < 0) {
		/* It happened all the same: say so. */
		outcome_log(f, m, outcome, why);
		return answer_unrecorded(f, m, kept, dberr, cause);
	}
	outcome_log(f, m, recorded, why);
	return 0;
}

/* outcome_note() at the clock's time, for mail no server answered for. */
static int
outcome_note_now(struct flush *f, const struct outbox_mail *m,
    enum outbox_outcome outcome, const char *why, char **cause)
{
	GDateTime	*now = clock_now();
	int		 error;

	error = outcome_note(f, m, outcome, now, why, 0, cause);
	g_date_time_unref(now);
	return error;
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

static enum outbox_outcome
outcome_of(int result)
{
	if (result == 0)
		return OUTBOX_SENT;
	return result == SEND_SMTP_REFUSED ? OUTBOX_FAILED : OUTBOX_DEFERRED;
}

/*
 * Try `m` over the session.  A mail refused or deferred lets the batch go
 * on; a session failure stops it, returned after the mail in flight has
 * been recorded as deferred.  The server's answer goes to the journal the
 * moment it comes, then to the database.
 */
static int
send_one(struct flush *f, const struct outbox_mail *m, char **cause)
{
	enum outbox_outcome	 outcome;
	GDateTime		*now;
	char			*why = NULL;
	int			 result, error, kept;

	if (attempt_record(f, m, cause) != 0)
		return EX_IOERR;
	crash_point("before-send");
	result = send_smtp_mail(f->send, m->to_addr, m->raw, m->len, &why);
	outcome = outcome_of(result);
	now = clock_now();
	kept = answer_keep(f, m, outcome, now, why);
	crash_point("after-send");
	error = outcome_note(f, m, outcome, now, why, kept, cause);
	g_date_time_unref(now);
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

	/* Applicants' addresses and phone numbers: for our eyes only. */
	if (!g_file_set_contents_full(path, m->raw, (gssize)m->len,
	    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
		cause_set(cause, "dry run: %s", error->message);
		g_error_free(error);
		g_free(path);
		return EX_CANTCREAT;
	}
	g_free(path);
	return outcome_note_now(f, m, OUTBOX_SENT, NULL, cause);
}

static int
defer_one(struct flush *f, const struct outbox_mail *m, char **cause)
{
	return outcome_note_now(f, m, OUTBOX_DEFERRED, f->why, cause);
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

/*
 * The dry run's directory, made 0700 when it is new.  One that others can
 * read is left as it is (it may be /tmp), but they could see who is
 * written to in the file names: say so.
 */
static int
dry_run_dir(const char *dir, char **cause)
{
	struct stat	st;

	if (g_mkdir_with_parents(dir, 0700) != 0 || stat(dir, &st) != 0)
		return cause_set(cause, "dry run: %s: %s", dir,
		    g_strerror(errno));
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		log_warn("dry run: %s is open to other users (mode %03o): "
		    "they can see who is written to; the mails themselves "
		    "are mode 600", dir, (unsigned int)(st.st_mode & 0777));
	return 0;
}

static int
flush_dry_run(struct flush *f, GArray *ids, char **cause)
{
	if (dry_run_dir(f->dir, cause) != 0)
		return EX_CANTCREAT;
	return flush_all(f, ids, write_one, cause);
}

/* Record answers an earlier flush could only write to the journal. */
static int
answers_record(struct flush *f, GPtrArray *answers, char **cause)
{
	struct outbox_answer	*a;
	GDateTime		*at;
	guint			 i;
	int			 n = 0;

	if (db_begin(f->db, cause) != 0)
		return EX_IOERR;
	for (i = 0; i < answers->len && n >= 0; i++) {
		a = g_ptr_array_index(answers, i);
		if ((at = g_date_time_new_from_iso8601(a->at, NULL)) == NULL)
			continue;
		n = outcome_apply(f->db, a->id, a->outcome, at, a->why, cause);
		g_date_time_unref(at);
	}
	if (n < 0 || db_commit(f->db, cause) != 0) {
		db_rollback(f->db);
		return EX_IOERR;
	}
	return 0;
}

/* Bring the database up to date with the journal, then empty it. */
static int
journal_apply(struct flush *f, char **cause)
{
	const char	*path = outbox_journal_path(f->journal);
	GPtrArray	*answers;
	int		 skipped, error = 0;

	if (outbox_journal_read(f->journal, &answers, &skipped, cause) != 0)
		return EX_IOERR;
	if (skipped > 0)
		log_warn("%s: %d lines cut short, skipped", path, skipped);
	if (answers->len > 0)
		error = answers_record(f, answers, cause);
	if (error == 0 && outbox_journal_clear(f->journal, cause) != 0)
		error = EX_IOERR;
	if (error == 0 && answers->len > 0)
		log_info("outbox: %u answers from an earlier flush recorded "
		    "from %s", answers->len, path);
	g_ptr_array_unref(answers);
	return error;
}

/*
 * Lock and apply the journal.  Returns 0, 1 when another process is
 * flushing (nothing to do here), or EX_IOERR.
 */
static int
journal_begin(struct flush *f, char **cause)
{
	char	*path;
	int	 r;

	path = g_strconcat(f->cfg->database, "-outbox", NULL);
	r = outbox_journal_open(path, &f->journal, cause);
	g_free(path);
	if (r != 0)
		return r == 1 ? 1 : EX_IOERR;
	if (journal_apply(f, cause) != 0) {
		outbox_journal_close(f->journal);
		f->journal = NULL;
		return EX_IOERR;
	}
	return 0;
}

/*
 * The flush is over.  Answers the database refused get one more try (it
 * may work again); failing that, the journal keeps them.
 */
static void
journal_end(struct flush *f)
{
	char	*cause = NULL;

	if (f->unrecorded ? journal_apply(f, &cause) :
	    outbox_journal_clear(f->journal, &cause)) {
		log_debug("%s", cause);
		g_free(cause);
	}
	outbox_journal_close(f->journal);
	f->journal = NULL;
}

static int
flush_due(struct flush *f, char **cause)
{
	GDateTime	*now = clock_now();
	GArray		*ids;
	int		 error;

	error = state_outbox_due(f->db, now, &ids, cause);
	g_date_time_unref(now);
	if (error != 0)
		return EX_IOERR;
	f->counts->due = (int)ids->len;
	if (ids->len == 0)
		error = 0;
	else if (f->dir != NULL)
		error = flush_dry_run(f, ids, cause);
	else if (outbox_journal_reserve(f->journal, ids->len, cause) != 0)
		error = EX_IOERR;
	else
		error = flush_smtp(f, ids, cause);
	g_array_unref(ids);
	return error;
}

int
outbox_flush(const struct config *cfg, struct db *db, const char *dry_run_dir,
    struct outbox_counts *counts, char **cause)
{
	struct flush	 f = { .cfg = cfg, .db = db, .dir = dry_run_dir,
		.counts = counts };
	int		 error;

	memset(counts, 0, sizeof *counts);
	if (dry_run_dir == NULL && (error = journal_begin(&f, cause)) != 0) {
		if (error != 1)
			return error;
		log_info("outbox: another process is sending; leaving it");
		return 0;
	}
	error = flush_due(&f, cause);
	if (f.journal != NULL)
		journal_end(&f);
	return error;
}
