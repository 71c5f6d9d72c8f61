/*
 * intake.c -- the fetch, decode, record, move loop.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "config.h"
#include "crash.h"
#include "db.h"
#include "fetch-imap.h"
#include "intake.h"
#include "log.h"
#include "mime.h"
#include "process.h"
#include "program.h"

struct intake {
	const struct config	*cfg;
	struct db		*db;
	struct fetch		*fetch;
	const struct intake_options *opts;
	struct run_counts	*counts;
	uint32_t		 uidvalidity;
	GArray			*done;		/* UIDs recorded this batch */
	char			*now;		/* ISO time of this run */
	char			**cause;
};

/*
 * Whether `addr` is the program's address, or that address with a +tag
 * (mentoring+apply@example.org): mail from either is ours.
 */
static int
is_program_address(const char *program, const char *addr)
{
	const char	*at = strrchr(program, '@'), *tag;
	size_t		 local;

	if (addr == NULL || at == NULL)
		return 0;
	if (g_ascii_strcasecmp(addr, program) == 0)
		return 1;
	local = (size_t)(at - program);
	if (strlen(addr) <= local || addr[local] != '+' ||
	    g_ascii_strncasecmp(addr, program, local) != 0)
		return 0;
	tag = strrchr(addr, '@');
	return tag != NULL && g_ascii_strcasecmp(tag, at) == 0;
}

/* Whether one of the X-Loop values names the program's address. */
static int
loop_names(const char *program, const char *x_loop)
{
	char	**words;
	size_t	  i;
	int	  found = 0;

	if (x_loop == NULL)
		return 0;
	words = g_strsplit_set(x_loop, " ,;<>()", -1);
	for (i = 0; words[i] != NULL && !found; i++)
		found = is_program_address(program, words[i]);
	g_strfreev(words);
	return found;
}

/* Why a decoded message is automatic, or NULL: mime.c's signs, or us. */
static const char *
intake_auto_reason(const char *program, const struct mime_msg *msg)
{
	if (msg->auto_reason != NULL)
		return msg->auto_reason;
	if (is_program_address(program, msg->from_addr))
		return "sent from the program address (our own mail)";
	/* An answer would go to ourselves. */
	if (is_program_address(program, msg->reply_addr))
		return "Reply-To: the program address (our own mail)";
	if (loop_names(program, msg->x_loop))
		return "X-Loop: the program address (a mail loop)";
	return NULL;
}

void
intake_describe(const struct config *cfg, struct message_record *r,
    const struct mime_msg *msg, const char *mime_cause)
{
	if (msg != NULL) {
		r->message_id = msg->message_id;
		r->from_addr = msg->from_addr;
		r->from_name = msg->from_name;
		r->subject = msg->subject;
		r->text = msg->text;
		r->auto_reason = intake_auto_reason(cfg->address, msg);
		r->cause = msg->warning;
	}
	if (msg == NULL) {
		r->outcome = "unparseable";
		r->cause = mime_cause;
	} else if (r->auto_reason != NULL)
		r->outcome = "automatic";
	else
		r->outcome = "decoded";
}

/* Record `r`, or note it as a copy of a message already recorded. */
static int
intake_store(struct intake *in, const struct message_record *r,
    const struct mime_msg *msg)
{
	int64_t	original, id;
	int	failed = 0;

	original = state_message_original(in->db, r, in->cause);
	if (original < 0)
		return EX_IOERR;
	if (original > 0) {
		log_info("UID %u: copy of message %lld (%s), not recorded again",
		    r->uid, (long long)original,
		    r->message_id != NULL ? r->message_id : "no Message-ID");
		in->counts->duplicates++;
		return state_duplicate_add(in->db, r, original, in->cause) == 0 ?
		    0 : EX_IOERR;
	}
	if (state_message_add(in->db, r, &id, in->cause) != 0)
		return EX_IOERR;
	if (in->opts->prog != NULL && process_message(in->opts->prog, id, r,
	    msg, &failed, in->cause) != 0)
		return EX_IOERR;
	in->counts->recorded++;
	if (strcmp(r->outcome, "unparseable") == 0)
		log_warn("UID %u: kept as unparseable: %s", r->uid, r->cause);
	if (in->opts->dry_run)
		printf("UID %u: %s: %s: %s\n", r->uid,
		    failed ? "failed" : r->outcome,
		    r->from_addr != NULL ? r->from_addr : "(no sender)",
		    r->subject != NULL ? r->subject : "(no subject)");
	return 0;
}

static int
intake_message(const struct fetch_msg *m, void *arg)
{
	struct intake		*in = arg;
	struct message_record	 r = { 0 };
	struct mime_msg		*msg = NULL;
	char			*hash, *mime_cause = NULL;
	int			 known, error;

	if (in->done->len == 0)
		crash_point("after-fetch");
	in->counts->fetched++;
	g_array_append_val(in->done, m->uid);
	known = state_message_known(in->db, in->cfg->mailbox, in->uidvalidity,
	    m->uid, in->cause);
	if (known != 0)
		return known < 0 ? EX_IOERR : 0;
	hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)m->raw, m->len);
	r = (struct message_record){ .mailbox = in->cfg->mailbox,
	    .uidvalidity = in->uidvalidity, .uid = m->uid,
	    .internaldate = m->internaldate, .raw = m->raw, .size = m->len,
	    .hash = hash, .recorded_at = in->now };
	if (mime_parse(m->raw, m->len, &msg, &mime_cause) != 0)
		msg = NULL;
	intake_describe(in->cfg, &r, msg, mime_cause);
	error = intake_store(in, &r, msg);
	mime_msg_free(msg);
	g_free(mime_cause);
	g_free(hash);
	if (error == 0)
		crash_point("mid-batch");
	return error;
}

static int
intake_move(struct intake *in, const uint32_t *uids, size_t n)
{
	int	error;

	if (in->opts->dry_run || n == 0)
		return 0;
	crash_point("before-move");
	error = fetch_imap_move(in->fetch, uids, n, in->cause);
	if (error == 0)
		in->counts->moved += (int)n;
	return error;
}

/* Move `uids` in commands of at most 500 UIDs. */
static int
intake_move_all(struct intake *in, GArray *uids)
{
	size_t	i, n;
	int	error = 0;

	for (i = 0; i < uids->len && error == 0; i += n) {
		n = MIN(uids->len - i, 500);
		error = intake_move(in, &g_array_index(uids, uint32_t, i), n);
	}
	return error;
}

/*
 * Of `n` recorded messages still in the mailbox, set aside in `gone` those
 * an interrupted MOVE already copied to the processed folder: they only
 * need deleting.  The rest go to `move`.
 */
static int
intake_split_pending(struct intake *in, const uint32_t *uids, size_t n,
    GArray *move, GArray *gone)
{
	char	**msgids = g_new0(char *, n);
	int	 *found = g_new0(int, n), known, error = 0;
	size_t	  i;

	for (i = 0; i < n && error == 0; i++) {
		msgids[i] = state_message_id_of(in->db, in->cfg->mailbox,
		    in->uidvalidity, uids[i], &known, in->cause);
		if (known < 0)
			error = EX_IOERR;
	}
	if (error == 0)
		error = fetch_imap_in_processed(in->fetch,
		    (const char *const *)msgids, n, found, in->cause);
	for (i = 0; i < n; i++) {
		if (error == 0)
			g_array_append_val(found[i] ? gone : move, uids[i]);
		g_free(msgids[i]);
	}
	g_free(msgids);
	g_free(found);
	return error;
}

/* Move what earlier runs recorded but could not move. */
static int
intake_pending(struct intake *in, uint32_t last_uid)
{
	GArray	*uids, *move, *gone;
	int	 error;

	error = fetch_imap_uids_upto(in->fetch, last_uid, &uids, in->cause);
	if (error != 0 || uids->len == 0 || in->opts->dry_run) {
		g_array_unref(uids);
		return error;
	}
	log_info("%u recorded messages left in %s", uids->len,
	    in->cfg->mailbox);
	move = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	gone = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	error = intake_split_pending(in, &g_array_index(uids, uint32_t, 0),
	    uids->len, move, gone);
	if (error == 0 && gone->len > 0) {
		log_info("%u of them are already in %s: deleting the "
		    "originals", gone->len, in->cfg->processed);
		error = fetch_imap_delete(in->fetch,
		    &g_array_index(gone, uint32_t, 0), gone->len, in->cause);
	}
	if (error == 0)
		error = intake_move_all(in, move);
	g_array_unref(move);
	g_array_unref(gone);
	g_array_unref(uids);
	return error;
}

/* Fetch and record one batch in one transaction, then move it. */
static int
intake_batch(struct intake *in, const uint32_t *uids, size_t n)
{
	int	error;

	g_array_set_size(in->done, 0);
	if (db_begin(in->db, in->cause) != 0)
		return EX_IOERR;
	error = fetch_imap_messages(in->fetch, uids, n, intake_message, in,
	    in->cause);
	if (error == 0 && state_mailbox_set(in->db, in->cfg->mailbox,
	    in->uidvalidity, uids[n - 1], in->cause) != 0)
		error = EX_IOERR;
	if (error != 0) {
		db_rollback(in->db);
		return error;
	}
	if (db_commit(in->db, in->cause) != 0) {
		db_rollback(in->db);
		return EX_IOERR;
	}
	crash_point("after-commit");
	error = intake_move(in, (uint32_t *)(void *)in->done->data,
	    in->done->len);
	if (error == 0)
		crash_point("after-move");
	return error;
}

static int
intake_new(struct intake *in, uint32_t last_uid)
{
	GArray	*uids;
	size_t	 i, n;
	int	 error;

	error = fetch_imap_uids_after(in->fetch, last_uid, &uids, in->cause);
	if (error != 0)
		return error;
	if (uids->len > 0)
		log_info("%u new messages in %s", uids->len, in->cfg->mailbox);
	for (i = 0; i < uids->len && error == 0; i += n) {
		n = MIN(uids->len - i, INTAKE_BATCH);
		error = intake_batch(in, &g_array_index(uids, uint32_t, i), n);
	}
	g_array_unref(uids);
	return error;
}

/*
 * Where to start reading.  A new UIDVALIDITY means every UID changed
 * meaning: start again from the beginning; the content hash keeps mail
 * already recorded from being recorded twice.
 */
static int
intake_position(struct intake *in, uint32_t *last_uid)
{
	uint32_t	stored;
	int		known;

	known = state_mailbox_get(in->db, in->cfg->mailbox, &stored, last_uid,
	    in->cause);
	if (known < 0)
		return EX_IOERR;
	if (known && stored == in->uidvalidity)
		return 0;
	if (known)
		log_warn("UIDVALIDITY of %s changed from %u to %u: reading the "
		    "whole mailbox again; messages already recorded are "
		    "recognised by Message-ID and content", in->cfg->mailbox,
		    stored, in->uidvalidity);
	*last_uid = 0;
	return state_mailbox_set(in->db, in->cfg->mailbox, in->uidvalidity, 0,
	    in->cause) == 0 ? 0 : EX_IOERR;
}

static int
intake_connect(struct intake *in)
{
	char	*password;
	int	 error;

	password = config_password(&in->cfg->imap, in->cause);
	if (password == NULL)
		return EX_CONFIG;
	error = fetch_imap_open(in->cfg, password, &in->fetch, in->cause);
	memset(password, 0, strlen(password));
	g_free(password);
	if (error == 0)
		in->uidvalidity = fetch_imap_uidvalidity(in->fetch);
	return error;
}

int
intake_run(const struct config *cfg, struct db *db,
    const struct intake_options *opts, struct run_counts *counts,
    char **cause)
{
	struct intake	in = { .cfg = cfg, .db = db, .opts = opts,
			    .counts = counts, .cause = cause };
	uint32_t	last_uid = 0;
	int		error;

	in.done = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	in.now = opts->prog != NULL ? g_strdup(opts->prog->now_iso) :
	    clock_now_iso();
	error = intake_connect(&in);
	if (error == 0)
		error = intake_position(&in, &last_uid);
	if (error == 0)
		error = intake_pending(&in, last_uid);
	if (error == 0)
		error = intake_new(&in, last_uid);
	fetch_imap_close(in.fetch);
	g_array_unref(in.done);
	g_free(in.now);
	return error;
}
