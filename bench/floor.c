/*
 * floor.c -- bench/applications.sh's floor: the least any program must do
 * to read a mailbox the way mentormail does, and nothing more.  It logs
 * in over IMAPS with libetpan (GnuTLS, as mentormail), takes the UIDs
 * with UID SEARCH, fetches every body with UID FETCH BODY.PEEK[] in
 * rounds, and has GMime parse each message and decode each of its parts
 * (the transfer encoding undone, into a null stream).  No database, no
 * rules, no replies, nothing moved.  It prints one line:
 *
 *	messages parts bytes
 *
 *	usage: floor [-r round] host port user password-file [mailbox]
 *	-r	UIDs per UID FETCH (default 1000, about 4 MB of these
 *		applications: mentormail's rounds are up to 8 MiB)
 *
 * The certificate is not checked: one handshake costs the same either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gmime/gmime.h>
#include <libetpan/libetpan.h>

struct tally {
	GMimeStream	*null;
	long		 messages;
	long		 parts;
	long long	 bytes;
};

static void
fail(const char *what, int r)
{
	fprintf(stderr, "floor: %s failed (libetpan error %d)\n", what, r);
	exit(1);
}

/* The first line of `path`, without its line end. */
static char *
password_read(const char *path)
{
	char	*text, *nl;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		fprintf(stderr, "floor: %s: %s\n", path, g_strerror(errno));
		exit(1);
	}
	if ((nl = strpbrk(text, "\r\n")) != NULL)
		*nl = '\0';
	return text;
}

static void
part_decode(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	struct tally		*t = arg;
	GMimeDataWrapper	*content;

	if (!GMIME_IS_PART(part))
		return;
	t->parts++;
	if ((content = g_mime_part_get_content(GMIME_PART(part))) != NULL)
		g_mime_data_wrapper_write_to_stream(content, t->null);
}

static void
message_parse(const char *raw, size_t len, struct tally *t)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*m;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	if ((m = g_mime_parser_construct_message(parser, NULL)) != NULL) {
		g_mime_message_foreach(m, part_decode, t);
		g_object_unref(m);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	t->messages++;
	t->bytes += len;
}

/* The body of one FETCH response, or NULL (an unsolicited FETCH). */
static struct mailimap_msg_att_body_section *
msg_body(struct mailimap_msg_att *att)
{
	struct mailimap_msg_att_item	*item;
	clistiter			*it;

	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type ==
		    MAILIMAP_MSG_ATT_BODY_SECTION)
			return (item->att_data.att_static->
			    att_data.att_body_section);
	}
	return NULL;
}

/* UID FETCH first:last BODY.PEEK[], each body parsed as it comes. */
static void
fetch_round(mailimap *imap, uint32_t first, uint32_t last, struct tally *t)
{
	struct mailimap_msg_att_body_section	*body;
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	clist				*result = NULL;
	clistiter			*it;
	int				 r;

	set = mailimap_set_new_interval(first, last);
	ft = mailimap_fetch_type_new_fetch_att(
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	if ((r = mailimap_uid_fetch(imap, set, ft, &result)) !=
	    MAILIMAP_NO_ERROR)
		fail("UID FETCH", r);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		if ((body = msg_body(clist_content(it))) != NULL &&
		    body->sec_body_part != NULL)
			message_parse(body->sec_body_part, body->sec_length, t);
	}
	mailimap_fetch_list_free(result);
}

static int
uid_compare(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every UID in the selected mailbox, ascending. */
static GArray *
uids_all(mailimap *imap)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	clistiter			*it;
	GArray				*uids;
	int				 r;

	key = mailimap_search_key_new_all();
	if ((r = mailimap_uid_search(imap, NULL, key, &result)) !=
	    MAILIMAP_NO_ERROR)
		fail("UID SEARCH", r);
	mailimap_search_key_free(key);
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (it = clist_begin(result); it != NULL; it = clist_next(it))
		g_array_append_val(uids, *(uint32_t *)clist_content(it));
	mailimap_search_result_free(result);
	g_array_sort(uids, uid_compare);
	return uids;
}

static void
fetch_all(mailimap *imap, guint round, struct tally *t)
{
	GArray	*uids = uids_all(imap);
	guint	 i, j;

	for (i = 0; i < uids->len; i = j) {
		j = MIN(i + round, uids->len);
		fetch_round(imap, g_array_index(uids, uint32_t, i),
		    g_array_index(uids, uint32_t, j - 1), t);
	}
	g_array_unref(uids);
}

int
main(int argc, char **argv)
{
	struct tally	 t = { 0 };
	mailimap	*imap;
	char		*password;
	int		 c, r, round = 1000;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r' || (round = atoi(optarg)) < 1)
			goto usage;
	}
	argc -= optind;
	argv += optind;
	if (argc != 4 && argc != 5)
		goto usage;
	g_mime_init();
	t.null = g_mime_stream_null_new();
	password = password_read(argv[3]);
	imap = mailimap_new(0, NULL);
	if ((r = mailimap_ssl_connect(imap, argv[0], atoi(argv[1]))) !=
	    MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		fail("connect", r);
	if ((r = mailimap_login(imap, argv[2], password)) != MAILIMAP_NO_ERROR)
		fail("LOGIN", r);
	if ((r = mailimap_select(imap, argc == 5 ? argv[4] : "INBOX")) !=
	    MAILIMAP_NO_ERROR)
		fail("SELECT", r);
	fetch_all(imap, round, &t);
	mailimap_logout(imap);
	mailimap_free(imap);
	printf("%ld %ld %lld\n", t.messages, t.parts, t.bytes);
	g_object_unref(t.null);
	g_free(password);
	g_mime_shutdown();
	return 0;
usage:
	fprintf(stderr, "usage: floor [-r round] host port user password-file "
	    "[mailbox]\n");
	return 2;
}
