/*
 * fetch-imap.c -- reading the program mailbox with libetpan's IMAP client,
 * over our own verified connection (conn.c, etpan-stream.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "conn.h"
#include "etpan-stream.h"
#include "fetch-imap.h"
#include "log.h"

struct fetch {
	mailimap	*imap;
	char		*server;	/* "host:port", for messages */
	char		*processed;
	char		*mailbox;
	uint32_t	 uidvalidity;
	int		 has_move;
	int		 has_uidplus;
	struct etpan_failure failure;	/* why the stream failed */
};

/* One round's messages, to hand out in UID order. */
struct round {
	struct fetch_msg	*msgs;
	char			**dates;
	size_t			 n;
};

static int
uid_compare(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* What the server said last, for a cause; never NULL. */
static const char *
imap_said(struct fetch *f)
{
	const char	*s = f->imap != NULL ? f->imap->imap_response : NULL;

	return s != NULL && *s != '\0' ? s : "no reason given";
}

/* Why the connection failed, when it did; NULL while it is fine. */
static const char *
imap_stream_error(struct fetch *f)
{
	return f->failure.why;
}

/* The stream failed during `what`: timed out, or the line broke. */
static int
imap_lost(struct fetch *f, const char *what, char **cause)
{
	const char	*why = f->failure.why;

	if (why != NULL && f->failure.timed_out)
		cause_set(cause, "IMAP %s: %s during %s", f->server, why, what);
	else
		cause_set(cause, "IMAP %s: connection lost during %s%s%s",
		    f->server, what, why != NULL ? ": " : "",
		    why != NULL ? why : "");
	return EX_TEMPFAIL;
}

/* Map a libetpan error to an exit code and a sentence. */
static int
imap_fail(struct fetch *f, int r, const char *what, char **cause)
{
	switch (r) {
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		/* A greeting of BYE: busy, or in maintenance. */
		cause_set(cause, "IMAP %s: the server turned us away: %s",
		    f->server, imap_said(f));
		return EX_TEMPFAIL;
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_FATAL:
		return imap_lost(f, what, cause);
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_PROTOCOL:
		/* A reply cut short by a dropped line fails to parse too. */
		if (imap_stream_error(f) != NULL)
			return imap_lost(f, what, cause);
		cause_set(cause, "IMAP %s: cannot understand the answer to %s",
		    f->server, what);
		return EX_PROTOCOL;
	case MAILIMAP_ERROR_LOGIN:
		cause_set(cause, "IMAP %s: authentication failed: %s",
		    f->server, imap_said(f));
		return EX_NOPERM;
	case MAILIMAP_ERROR_MEMORY:
		fatal("IMAP %s: out of memory during %s", f->server, what);
	default:
		cause_set(cause, "IMAP %s: %s refused: %s", f->server, what,
		    imap_said(f));
		return EX_UNAVAILABLE;
	}
}

static int
fetch_capabilities(struct fetch *f, char **cause)
{
	struct mailimap_capability_data	*caps = NULL;
	int				 r;

	r = mailimap_capability(f->imap, &caps);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "CAPABILITY", cause);
	mailimap_capability_data_free(caps);
	f->has_move = mailimap_has_extension(f->imap, "MOVE");
	f->has_uidplus = mailimap_has_uidplus(f->imap);
	return 0;
}

static int
fetch_connect(struct fetch *f, const struct config *cfg, char **cause)
{
	const struct server_config	*s = &cfg->imap;
	struct conn			*conn;
	mailstream			*stream;
	int				 temporary = 1, r;

	conn = conn_open(s->host, s->port, s->security == SECURITY_TLS,
	    s->ca_file, s->timeout, cause, &temporary);
	if (conn == NULL)
		return temporary ? EX_TEMPFAIL : EX_PROTOCOL;
	stream = etpan_stream_new(conn, &f->failure);
	if (stream == NULL)
		fatal("IMAP %s: out of memory", f->server);
	r = mailimap_connect(f->imap, stream);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED)
		return imap_fail(f, r, "greeting", cause);
	if (s->security != SECURITY_STARTTLS)
		return 0;
	r = mailimap_starttls(f->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "STARTTLS", cause);
	if (etpan_stream_starttls(f->imap->imap_stream, cause,
	    &temporary) != 0)
		return temporary ? EX_TEMPFAIL : EX_PROTOCOL;
	return 0;
}

static int
fetch_login(struct fetch *f, const struct config *cfg, const char *password,
    char **cause)
{
	int	r;

	r = mailimap_login(f->imap, cfg->imap.username, password);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "LOGIN", cause);
	/* Capabilities may change with TLS and after login: ask again. */
	return fetch_capabilities(f, cause);
}

/* Create the processed folder unless LIST shows it already exists. */
static int
fetch_ensure_folder(struct fetch *f, char **cause)
{
	clist	*list = NULL;
	int	 r, exists;

	r = mailimap_list(f->imap, "", f->processed, &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "LIST", cause);
	exists = clist_count(list) > 0;
	mailimap_list_result_free(list);
	if (exists)
		return 0;
	r = mailimap_create(f->imap, f->processed);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "CREATE of the processed folder", cause);
	log_info("IMAP %s: created folder %s", f->server, f->processed);
	return 0;
}

static int
fetch_select(struct fetch *f, const char *mailbox, char **cause)
{
	int	r;

	r = mailimap_select(f->imap, mailbox);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "SELECT", cause);
	f->uidvalidity = f->imap->imap_selection_info->sel_uidvalidity;
	if (f->uidvalidity == 0) {
		cause_set(cause, "IMAP %s: %s has no UIDVALIDITY", f->server,
		    mailbox);
		return EX_PROTOCOL;
	}
	return 0;
}

int
fetch_imap_open(const struct config *cfg, const char *password,
    struct fetch **out, char **cause)
{
	struct fetch	*f;
	int		 error;

	f = g_new0(struct fetch, 1);
	f->server = g_strdup_printf("%s:%d", cfg->imap.host, cfg->imap.port);
	f->processed = g_strdup(cfg->processed);
	f->mailbox = g_strdup(cfg->mailbox);
	f->imap = mailimap_new(0, NULL);
	if (f->imap == NULL)
		fatal("IMAP: out of memory");
	error = fetch_connect(f, cfg, cause);
	if (error == 0)
		error = fetch_login(f, cfg, password, cause);
	if (error == 0)
		error = fetch_ensure_folder(f, cause);
	if (error == 0)
		error = fetch_select(f, cfg->mailbox, cause);
	if (error != 0) {
		fetch_imap_close(f);
		return error;
	}
	*out = f;
	return 0;
}

void
fetch_imap_close(struct fetch *f)
{
	if (f == NULL)
		return;
	if (f->imap != NULL && f->imap->imap_stream != NULL) {
		if (imap_stream_error(f) == NULL)
			mailimap_logout(f->imap);
		else {
			/* mailimap_free() would try LOGOUT: one more timeout. */
			mailstream_close(f->imap->imap_stream);
			f->imap->imap_stream = NULL;
		}
	}
	if (f->imap != NULL)
		mailimap_free(f->imap);
	etpan_failure_clear(&f->failure);
	g_free(f->server);
	g_free(f->processed);
	g_free(f->mailbox);
	g_free(f);
}

uint32_t
fetch_imap_uidvalidity(struct fetch *f)
{
	return f->uidvalidity;
}

/* UID SEARCH UID first:last (last 0 is '*'), keeping those in range. */
static int
fetch_search(struct fetch *f, uint32_t first, uint32_t last, GArray **out,
    char **cause)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	clistiter			*it;
	uint32_t			 uid;
	int				 r;

	key = mailimap_search_key_new_uid(mailimap_set_new_interval(first,
	    last));
	r = mailimap_uid_search(f->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "UID SEARCH", cause);
	*out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uid = *(uint32_t *)clist_content(it);
		/* "n:*" matches the last message even when its UID is < n. */
		if (uid >= first && (last == 0 || uid <= last))
			g_array_append_val(*out, uid);
	}
	mailimap_search_result_free(result);
	g_array_sort(*out, uid_compare);
	return 0;
}

int
fetch_imap_uids_after(struct fetch *f, uint32_t after, GArray **out,
    char **cause)
{
	return fetch_search(f, after + 1, 0, out, cause);
}

int
fetch_imap_uids_upto(struct fetch *f, uint32_t upto, GArray **out,
    char **cause)
{
	if (upto == 0) {
		*out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		return 0;
	}
	return fetch_search(f, 1, upto, out, cause);
}

/* A set of UIDs, with runs of consecutive UIDs written as ranges. */
static struct mailimap_set *
uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set	*set = mailimap_set_new_empty();
	size_t			 i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j - 1]) != 0)
			fatal("IMAP: out of memory");
	}
	return set;
}

/* "YYYY-MM-DDTHH:MM:SSZ" for an IMAP date-time with its zone. */
static char *
internaldate_iso(const struct mailimap_date_time *d)
{
	GTimeZone	*tz;
	GDateTime	*local, *utc;
	char		*zone, *iso;
	int		 off = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;

	zone = g_strdup_printf("%c%02d:%02d", d->dt_zone < 0 ? '-' : '+',
	    off / 100, off % 100);
	tz = g_time_zone_new_identifier(zone);
	if (tz == NULL)
		tz = g_time_zone_new_utc();
	local = g_date_time_new(tz, d->dt_year, d->dt_month, d->dt_day,
	    d->dt_hour, d->dt_min, d->dt_sec);
	g_time_zone_unref(tz);
	g_free(zone);
	if (local == NULL)
		return g_strdup("1970-01-01T00:00:00Z");
	utc = g_date_time_to_utc(local);
	iso = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(utc);
	g_date_time_unref(local);
	return iso;
}

/* Fill `m` from one FETCH response; a returned date is the caller's. */
static char *
msg_att_read(struct mailimap_msg_att *att, struct fetch_msg *m)
{
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_static	*s;
	clistiter			*it;
	char				*date = NULL;

	memset(m, 0, sizeof(*m));
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		s = item->att_data.att_static;
		if (s->att_type == MAILIMAP_MSG_ATT_UID)
			m->uid = s->att_data.att_uid;
		else if (s->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			m->size = s->att_data.att_rfc822_size;
		else if (s->att_type == MAILIMAP_MSG_ATT_INTERNALDATE &&
		    s->att_data.att_internal_date != NULL && date == NULL)
			date = internaldate_iso(s->att_data.att_internal_date);
		else if (s->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		    s->att_data.att_body_section != NULL) {
			m->raw = s->att_data.att_body_section->sec_body_part;
			m->len = s->att_data.att_body_section->sec_length;
		}
	}
	m->internaldate = date;
	return date;
}

static struct mailimap_fetch_type *
fetch_type_new(int bodies)
{
	struct mailimap_fetch_type	*ft;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	if (bodies) {
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_internaldate());
		mailimap_fetch_type_new_fetch_att_list_add(ft,
		    mailimap_fetch_att_new_body_peek_section(
		    mailimap_section_new(NULL)));
	}
	return ft;
}

/* UID FETCH of `n` UIDs; the result list is the caller's. */
static int
fetch_uid_fetch(struct fetch *f, const uint32_t *uids, size_t n, int bodies,
    clist **result, char **cause)
{
	struct mailimap_set		*set = uid_set(uids, n);
	struct mailimap_fetch_type	*ft = fetch_type_new(bodies);
	int				 r;

	*result = NULL;
	r = mailimap_uid_fetch(f->imap, set, ft, result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "UID FETCH", cause);
	return 0;
}

static int
fetch_msg_compare(const void *a, const void *b)
{
	return uid_compare(&((const struct fetch_msg *)a)->uid,
	    &((const struct fetch_msg *)b)->uid);
}

/* Fetch one round of bodies and hand them out in UID order. */
static int
fetch_round(struct fetch *f, const uint32_t *uids, size_t n, fetch_msg_fn fn,
    void *arg, char **cause)
{
	struct round	 rd;
	clist		*result;
	clistiter	*it;
	size_t		 i;
	int		 error;

	if ((error = fetch_uid_fetch(f, uids, n, 1, &result, cause)) != 0)
		return error;
	rd.msgs = g_new0(struct fetch_msg, clist_count(result));
	rd.dates = g_new0(char *, clist_count(result));
	rd.n = 0;
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		rd.dates[rd.n] = msg_att_read(clist_content(it), &rd.msgs[rd.n]);
		/* Unsolicited FETCH responses (flag changes) carry no body. */
		if (rd.msgs[rd.n].uid != 0 && rd.msgs[rd.n].raw != NULL &&
		    rd.dates[rd.n] != NULL)
			rd.n++;
		else
			g_free(rd.dates[rd.n]);
	}
	qsort(rd.msgs, rd.n, sizeof(*rd.msgs), fetch_msg_compare);
	for (i = 0; i < rd.n && error == 0; i++)
		error = fn(&rd.msgs[i], arg);
	for (i = 0; i < rd.n; i++)
		g_free(rd.dates[i]);
	g_free(rd.dates);
	g_free(rd.msgs);
	mailimap_fetch_list_free(result);
	return error;
}

/* Whether a FETCH response carries `type`: unsolicited ones may not. */
static int
msg_att_has(struct mailimap_msg_att *att, int type)
{
	struct mailimap_msg_att_item	*item;
	clistiter			*it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type == type)
			return 1;
	}
	return 0;
}

/* The sizes of `n` messages, as a UID -> size table. */
static int
fetch_sizes(struct fetch *f, const uint32_t *uids, size_t n,
    GHashTable **out, char **cause)
{
	struct fetch_msg	 m;
	clist			*result;
	clistiter		*it;
	int			 error;

	if ((error = fetch_uid_fetch(f, uids, n, 0, &result, cause)) != 0)
		return error;
	*out = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		msg_att_read(clist_content(it), &m);
		if (m.uid != 0 && msg_att_has(clist_content(it),
		    MAILIMAP_MSG_ATT_RFC822_SIZE))
			g_hash_table_insert(*out, GUINT_TO_POINTER(m.uid),
			    GUINT_TO_POINTER(m.size + 1));
	}
	mailimap_fetch_list_free(result);
	return 0;
}

int
fetch_imap_messages(struct fetch *f, const uint32_t *uids, size_t n,
    fetch_msg_fn fn, void *arg, char **cause)
{
	GHashTable	*sizes;
	size_t		 i, j, bytes, size;
	int		 error;

	if (n == 0)
		return 0;
	if ((error = fetch_sizes(f, uids, n, &sizes, cause)) != 0)
		return error;
	for (i = 0; i < n && error == 0; i = j) {
		bytes = 0;
		for (j = i; j < n; j++) {
			/* Stored as size + 1: 0 means the message is gone. */
			size = GPOINTER_TO_UINT(g_hash_table_lookup(sizes,
			    GUINT_TO_POINTER(uids[j])));
			if (j > i && bytes + size > FETCH_ROUND_BYTES)
				break;
			bytes += size;
		}
		error = fetch_round(f, uids + i, j - i, fn, arg, cause);
	}
	g_hash_table_destroy(sizes);
	return error;
}

static int
fetch_store_flag(struct fetch *f, struct mailimap_set *set,
    struct mailimap_flag *flag, char **cause)
{
	struct mailimap_flag_list	*fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags	*sa;
	int				 r;

	mailimap_flag_list_add(fl, flag);
	sa = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(f->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "UID STORE", cause);
	return 0;
}

/* Flag \Deleted and expunge (by UID when the server can). */
static int
fetch_expunge(struct fetch *f, struct mailimap_set *set, char **cause)
{
	int	r, error;

	error = fetch_store_flag(f, set, mailimap_flag_new_deleted(), cause);
	if (error != 0)
		return error;
	if (f->has_uidplus)
		r = mailimap_uid_expunge(f->imap, set);
	else
		r = mailimap_expunge(f->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "EXPUNGE", cause);
	return 0;
}

/* Without MOVE: copy, then flag \Deleted and expunge. */
static int
fetch_copy_delete(struct fetch *f, struct mailimap_set *set, char **cause)
{
	int	r;

	r = mailimap_uid_copy(f->imap, set, f->processed);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "UID COPY", cause);
	return fetch_expunge(f, set, cause);
}

int
fetch_imap_delete(struct fetch *f, const uint32_t *uids, size_t n,
    char **cause)
{
	struct mailimap_set	*set;
	int			 error;

	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	error = fetch_expunge(f, set, cause);
	mailimap_set_free(set);
	return error;
}

/* Whether the selected folder holds a message with this Message-ID. */
static int
fetch_has_message_id(struct fetch *f, const char *msgid, int *found,
    char **cause)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	char				*value;
	int				 r;

	/* libetpan frees the key's strings with free(). */
	value = g_strdup_printf("<%s>", msgid);
	key = mailimap_search_key_new_header(strdup("Message-ID"),
	    strdup(value));
	g_free(value);
	r = mailimap_uid_search(f->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "UID SEARCH HEADER", cause);
	*found = clist_count(result) > 0;
	mailimap_search_result_free(result);
	return 0;
}

int
fetch_imap_in_processed(struct fetch *f, const char *const *msgids,
    size_t n, int *found, char **cause)
{
	uint32_t	uidvalidity = f->uidvalidity;
	size_t		i;
	int		r, error = 0;

	memset(found, 0, n * sizeof(*found));
	r = mailimap_examine(f->imap, f->processed);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(f, r, "EXAMINE of the processed folder", cause);
	for (i = 0; i < n && error == 0; i++) {
		if (msgids[i] != NULL)
			error = fetch_has_message_id(f, msgids[i], &found[i],
			    cause);
	}
	if (error == 0)
		error = fetch_select(f, f->mailbox, cause);
	if (error == 0 && f->uidvalidity != uidvalidity) {
		cause_set(cause, "IMAP %s: UIDVALIDITY of %s changed during "
		    "the run", f->server, f->mailbox);
		error = EX_TEMPFAIL;
	}
	return error;
}

int
fetch_imap_move(struct fetch *f, const uint32_t *uids, size_t n,
    char **cause)
{
	struct mailimap_set	*set;
	int			 r, error;

	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	error = fetch_store_flag(f, set, mailimap_flag_new_seen(), cause);
	if (error == 0 && f->has_move) {
		r = mailimap_uid_move(f->imap, set, f->processed);
		if (r != MAILIMAP_NO_ERROR)
			error = imap_fail(f, r, "UID MOVE", cause);
	} else if (error == 0)
		error = fetch_copy_delete(f, set, cause);
	mailimap_set_free(set);
	return error;
}
