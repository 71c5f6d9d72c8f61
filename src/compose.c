/*
 * compose.c -- one outgoing message, built as a GMimeMessage and written
 * to bytes.  The header-safety rules are in compose.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "compose.h"
#include "log.h"

/* Longest address RFC 5321 lets through a MAIL FROM or RCPT TO path. */
#define ADDRESS_MAX	254

/* Decoding rounds before a text that keeps decoding is given up on. */
#define DECODE_ROUNDS	8

/* Longest message-id we repeat in In-Reply-To or References. */
#define ID_MAX		250

/* Attachment types by file name extension; anything else is octet-stream. */
static const struct attachment_type {
	const char	*extension;
	const char	*type;
	const char	*subtype;
} attachment_types[] = {
	{ ".txt", "text", "plain" },
	{ ".csv", "text", "csv" },
	{ ".pdf", "application", "pdf" },
};

int
compose_address_valid(const char *addr)
{
	const char	*at, *p;

	if (addr == NULL || strlen(addr) > ADDRESS_MAX)
		return 0;
	at = strchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (p = addr; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			return 0;
	}
	return 1;
}

/* Characters that may not survive into a header: they become spaces. */
static int
char_folds(gunichar c)
{
	return g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029;
}

/* Valid UTF-8 with every control character as a space. */
static char *
text_fold(const char *in)
{
	GString		*out = g_string_new(NULL);
	char		*valid = g_utf8_make_valid(in, -1);
	const char	*p;
	gunichar	 c;

	for (p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		if (char_folds(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* Cut to at most `max` bytes without splitting a character. */
static void
text_cut(char *s, size_t max)
{
	const char	*end;

	if (strlen(s) <= max)
		return;
	end = g_utf8_find_prev_char(s, s + max + 1);
	s[end != NULL ? end - s : 0] = '\0';
}

/* Whether `s` holds something like an encoded-word: "=?" then "?=". */
static int
text_looks_encoded(const char *s)
{
	const char	*start = strstr(s, "=?");

	return start != NULL && strstr(start + 2, "?=") != NULL;
}

/*
 * A header text that neither as written nor once decoded can hold a
 * control character.  A value may itself be encoded, even several times
 * over, so decoding goes on until nothing changes.  Whatever still looks
 * like an encoded-word after that (one that keeps decoding, one GMime
 * will not decode but a laxer reader might, one cut in two by the length
 * limit) has each "=?" broken, so that no reader decodes it.
 */
static char *
text_clean(const char *in)
{
	char	*s, *next;
	int	 round;

	s = text_fold(in != NULL ? in : "");
	for (round = 0; round < DECODE_ROUNDS; round++) {
		next = g_mime_utils_header_decode_text(NULL, s);
		if (strcmp(next, s) == 0) {
			g_free(next);
			break;
		}
		g_free(s);
		s = text_fold(next);
		g_free(next);
	}
	text_cut(g_strstrip(s), COMPOSE_MAX_TEXT);
	if (text_looks_encoded(s)) {
		for (next = s; (next = strstr(next, "=?")) != NULL; next++)
			next[1] = ' ';
	}
	return s;
}

static void
set_header(GMimeMessage *m, const char *name, const char *value)
{
	if (value != NULL)
		g_mime_object_set_header(GMIME_OBJECT(m), name, value, NULL);
}

/* A msg-id we repeat: printable ASCII, no brackets, an '@' inside. */
static int
id_valid(const char *id)
{
	const char	*p;

	if (strchr(id, '@') == NULL || strlen(id) > ID_MAX)
		return 0;
	for (p = id; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>')
			return 0;
	}
	return 1;
}

/*
 * The valid msg-ids in `list` (separated by white space, with or without
 * angle brackets), in order, in a new array that owns them.
 */
static GPtrArray *
ids_parse(const char *list)
{
	GPtrArray	*ids = g_ptr_array_new_with_free_func(g_free);
	char		**words, *id;
	size_t		 i, len;

	words = g_strsplit_set(list != NULL ? list : "", " \t\r\n", -1);
	for (i = 0; words[i] != NULL; i++) {
		id = words[i] + (words[i][0] == '<');
		len = strlen(id);
		if (len > 0 && id[len - 1] == '>')
			id[len - 1] = '\0';
		if (id_valid(id))
			g_ptr_array_add(ids, g_strdup(id));
	}
	g_strfreev(words);
	return ids;
}

/* "<id> <id>" of ids[first..], or NULL when there are none. */
static char *
ids_header(GPtrArray *ids, guint first, guint last)
{
	GString	*out = g_string_new(NULL);
	guint	 i;

	for (i = first; i < ids->len && i <= last; i++)
		g_string_append_printf(out, "%s<%s>", out->len ? " " : "",
		    (char *)g_ptr_array_index(ids, i));
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* In-Reply-To names one message; References the last of a thread. */
static void
set_thread(GMimeMessage *m, const struct compose *c)
{
	GPtrArray	*ids;
	char		*value;

	ids = ids_parse(c->in_reply_to);
	value = ids_header(ids, 0, 0);
	set_header(m, "In-Reply-To", value);
	g_free(value);
	g_ptr_array_unref(ids);
	ids = ids_parse(c->references);
	value = ids_header(ids, ids->len > COMPOSE_MAX_REFERENCES ?
	    ids->len - COMPOSE_MAX_REFERENCES : 0, G_MAXUINT);
	set_header(m, "References", value);
	g_free(value);
	g_ptr_array_unref(ids);
}

static void
add_mailbox(GMimeMessage *m, GMimeAddressType type, const char *name,
    const char *addr)
{
	InternetAddress	*ia;
	char		*clean = text_clean(name);

	ia = internet_address_mailbox_new(*clean != '\0' ? clean : NULL, addr);
	/* GMime would otherwise pick ISO-8859-1 when a name fits it. */
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(m, type), ia);
	g_object_unref(ia);
	g_free(clean);
}

/* The random part makes it unique; the time only helps a reader. */
static char *
message_id_new(const char *from_addr, GDateTime *date)
{
	GDateTime	*utc = g_date_time_to_utc(date);
	char		*stamp, *id;

	stamp = g_date_time_format(utc, "%Y%m%d%H%M%S");
	id = g_strdup_printf("%s.%08x%08x%08x%08x@%s", stamp, g_random_int(),
	    g_random_int(), g_random_int(), g_random_int(),
	    strchr(from_addr, '@') + 1);
	g_free(stamp);
	g_date_time_unref(utc);
	return id;
}

static void
set_envelope(GMimeMessage *m, const struct compose *c, const char *id)
{
	char	*subject;

	g_mime_message_set_date(m, c->date);
	add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, c->from_name, c->from_addr);
	add_mailbox(m, GMIME_ADDRESS_TYPE_TO, c->to_name, c->to_addr);
	subject = text_clean(c->subject);
	g_mime_message_set_subject(m, subject, "utf-8");
	g_free(subject);
	g_mime_message_set_message_id(m, id);
	set_thread(m, c);
	set_header(m, "Auto-Submitted",
	    c->auto_submitted == COMPOSE_AUTO_GENERATED ? "auto-generated" :
	    "auto-replied");
	/* Exchange and Outlook ignore RFC 3834; this stops their replies. */
	set_header(m, "X-Auto-Response-Suppress", "All");
}

/* Valid UTF-8 with LF line ends, ending in one, so CRLF comes out right. */
static char *
body_text(const char *body)
{
	GString		*out = g_string_new(NULL);
	char		*valid;
	const char	*p;

	valid = g_utf8_make_valid(body != NULL ? body : "", -1);
	for (p = valid; *p != '\0'; p++) {
		if (*p != '\r')
			g_string_append_c(out, *p);
		else if (p[1] != '\n')
			g_string_append_c(out, '\n');
	}
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* A part holding `len` bytes, which it copies. */
static GMimePart *
part_new(const char *type, const char *subtype, const void *data, size_t len)
{
	GMimePart		*part;
	GMimeStream		*stream;
	GMimeDataWrapper	*wrapper;

	part = g_mime_part_new_with_type(type, subtype);
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	wrapper = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, wrapper);
	g_object_unref(wrapper);
	g_object_unref(stream);
	return part;
}

/*
 * A text part in UTF-8: 7bit when it is plain short ASCII lines, else
 * quoted-printable, so that it stays readable in any mail client's source
 * view and needs no 8BITMIME.
 */
static GMimePart *
text_part_of(const char *subtype, const char *text, size_t len)
{
	GMimePart		*part = part_new("text", subtype, text, len);
	GMimeContentEncoding	 best;

	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
	    "charset", "utf-8");
	best = g_mime_part_get_best_content_encoding(part,
	    GMIME_ENCODING_CONSTRAINT_7BIT);
	/* DEFAULT is GMime's "nothing to encode". */
	g_mime_part_set_content_encoding(part,
	    best == GMIME_CONTENT_ENCODING_DEFAULT ||
	    best == GMIME_CONTENT_ENCODING_7BIT ? GMIME_CONTENT_ENCODING_7BIT :
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return part;
}

static GMimePart *
text_part(const char *text, size_t len)
{
	return text_part_of("plain", text, len);
}

/* The text, or multipart/alternative of the text and its HTML. */
static GMimeObject *
body_part(const struct compose *c)
{
	GMimeMultipart	*alt;
	GMimePart	*part;
	char		*text = body_text(c->body);

	part = text_part(text, strlen(text));
	g_free(text);
	if (c->html == NULL)
		return GMIME_OBJECT(part);
	alt = g_mime_multipart_new_with_subtype("alternative");
	g_mime_multipart_add(alt, GMIME_OBJECT(part));
	g_object_unref(part);
	text = body_text(c->html);
	part = text_part_of("html", text, strlen(text));
	g_free(text);
	g_mime_multipart_add(alt, GMIME_OBJECT(part));
	g_object_unref(part);
	return GMIME_OBJECT(alt);
}

static const struct attachment_type *
attachment_type_of(const char *path)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(attachment_types); i++) {
		if (g_str_has_suffix(path, attachment_types[i].extension))
			return &attachment_types[i];
	}
	return NULL;
}

/* The file's bytes, or NULL with *cause set. */
static char *
attachment_read(const char *path, size_t *len, char **cause)
{
	GError		*error = NULL;
	GStatBuf	 st;
	char		*data;

	if (g_stat(path, &st) != 0) {
		cause_set(cause, "attachment %s: %s", path, g_strerror(errno));
		return NULL;
	}
	if (st.st_size > COMPOSE_MAX_ATTACHMENT) {
		cause_set(cause, "attachment %s is larger than %d bytes", path,
		    COMPOSE_MAX_ATTACHMENT);
		return NULL;
	}
	if (!g_file_get_contents(path, &data, len, &error)) {
		cause_set(cause, "attachment %s: %s", path, error->message);
		g_error_free(error);
		return NULL;
	}
	return data;
}

/*
 * The part for an attachment of type `t` (NULL: unknown).  A .txt file
 * that is not UTF-8 goes as octet-stream rather than with a false charset.
 */
static GMimePart *
attachment_content(const struct attachment_type *t, const char *data,
    size_t len)
{
	GMimePart	*part;

	if (t != NULL && strcmp(t->type, "text") == 0) {
		if (g_utf8_validate_len(data, len, NULL))
			return text_part_of(t->subtype, data, len);
		t = NULL;
	}
	part = part_new(t != NULL ? t->type : "application",
	    t != NULL ? t->subtype : "octet-stream", data, len);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return part;
}

/* A part for `data` named `base`, its type from the name's extension. */
static GMimePart *
named_part(const char *base, const char *data, size_t len)
{
	GMimePart	*part;
	char		*name;

	name = g_ascii_strdown(base, -1);
	part = attachment_content(attachment_type_of(name), data, len);
	g_free(name);
	name = text_clean(base);
	g_mime_part_set_filename(part, name);
	g_free(name);
	return part;
}

/* A part for the file at `path`. */
static GMimePart *
attachment_part(const char *path, char **cause)
{
	GMimePart	*part;
	char		*data, *base;
	size_t		 len;

	if ((data = attachment_read(path, &len, cause)) == NULL)
		return NULL;
	base = g_path_get_basename(path);
	part = named_part(base, data, len);
	g_free(base);
	g_free(data);
	return part;
}

/* The body alone, or multipart/mixed of the body and the attachments. */
static GMimeObject *
content_new(const struct compose *c, char **cause)
{
	GMimeMultipart	*mixed;
	GMimeObject	*body = body_part(c);
	GMimePart	*part;
	size_t		 i;

	if ((c->attachments == NULL || c->attachments[0] == NULL) &&
	    c->nfiles == 0)
		return body;
	mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mixed, body);
	g_object_unref(body);
	for (i = 0; i < c->nfiles; i++) {
		part = named_part(c->files[i].name, c->files[i].data,
		    c->files[i].len);
		g_mime_multipart_add(mixed, GMIME_OBJECT(part));
		g_object_unref(part);
	}
	for (i = 0; c->attachments != NULL && c->attachments[i] != NULL;
	    i++) {
		part = attachment_part(c->attachments[i], cause);
		if (part == NULL) {
			g_object_unref(mixed);
			return NULL;
		}
		g_mime_multipart_add(mixed, GMIME_OBJECT(part));
		g_object_unref(part);
	}
	return GMIME_OBJECT(mixed);
}

/* The message's bytes with CRLF line ends, NUL-terminated. */
static char *
message_bytes(GMimeMessage *m, size_t *len)
{
	GMimeFormatOptions	*options = g_mime_format_options_new();
	GMimeStream		*stream = g_mime_stream_mem_new();
	GByteArray		*bytes;
	char			*raw;

	g_mime_format_options_set_newline_format(options,
	    GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream(GMIME_OBJECT(m), options, stream);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	*len = bytes->len;
	raw = g_malloc(bytes->len + 1);
	memcpy(raw, bytes->data, bytes->len);
	raw[bytes->len] = '\0';
	g_object_unref(stream);
	g_mime_format_options_free(options);
	return raw;
}

static int
address_refused(const char *addr, char **cause)
{
	char	*shown;

	/* Escaped: the address may be trying to break our log too. */
	shown = g_strescape(addr != NULL ? addr : "(none)", NULL);
	cause_set(cause, "\"%s\" is not an address mail can be sent to",
	    shown);
	g_free(shown);
	return -1;
}

static int
compose_check(const struct compose *c, char **cause)
{
	if (c->date == NULL)
		fatal("compose_message: no date");
	if (!compose_address_valid(c->from_addr))
		return address_refused(c->from_addr, cause);
	if (!compose_address_valid(c->to_addr))
		return address_refused(c->to_addr, cause);
	return 0;
}

int
compose_message(const struct compose *c, char **raw, size_t *len,
    char **message_id, char **cause)
{
	GMimeMessage	*m;
	GMimeObject	*content;
	char		*id;

	if (compose_check(c, cause) != 0)
		return -1;
	if ((content = content_new(c, cause)) == NULL)
		return -1;
	m = g_mime_message_new(TRUE);
	id = message_id_new(c->from_addr, c->date);
	set_envelope(m, c, id);
	g_mime_message_set_mime_part(m, content);
	g_object_unref(content);
	*raw = message_bytes(m, len);
	*message_id = id;
	g_object_unref(m);
	return 0;
}
