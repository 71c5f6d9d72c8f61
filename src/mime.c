/*
 * mime.c -- one inbound message decoded with GMime: its headers, its best
 * text and whether a machine sent it.
 *
 * This is the only file that includes GMime.  Everything the rest of
 * mentormail needs is copied into plain g_malloc'd strings in a struct
 * mime_msg before the GMimeMessage is released, so no GObject outlives
 * mime_parse().
 *
 * Where this departs from the RFCs on purpose:
 *  - A body labelled iso-8859-1 is read as windows-1252, its superset, as
 *    mailers and browsers do: the label is usually wrong, and 0x80-0x9F are
 *    curly quotes and dashes far more often than C1 controls.
 *  - A body labelled us-ascii, or not labelled at all, is read as UTF-8 if
 *    it is valid UTF-8 and as windows-1252 otherwise.
 *  - A multipart whose boundary never appears keeps its raw text.
 *  - A From of the no-reply kind (noreply@, donotreply@) with a Reply-To
 *    is a person's mail sent through a service, a web form's: it is
 *    answered, at the Reply-To.  RFC 3834 section 2 asks responders not
 *    to answer such senders; the Reply-To is where this one asked to be
 *    answered.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "log.h"
#include "mime.h"

/* Past this many bytes of warning, one more would tell nobody anything. */
#define WARNING_MAX	512

/* The state of one mime_parse() call. */
struct decode {
	GMimeParserOptions *options;
	GString		*text;		/* the text so far */
	GString		*warning;	/* "; "-separated */
	int		 parts;		/* leaf parts looked at */
	int		 full;		/* a limit was hit: add nothing more */
};

static int	walk_object(struct decode *, GMimeObject *, int, int *);
static int	walk_alternative(struct decode *, GMimeObject *, int, int *);
static int	walk_multipart(struct decode *, GMimeObject *, int, int *);
static int	walk_forward(struct decode *, GMimeObject *, int, int *);
static int	walk_text(struct decode *, GMimeObject *, int, int *);

/*
 * What to do with each kind of part; anything else (images, PDFs, delivery
 * status) adds no text.  The first match wins.
 */
static const struct walker {
	const char	*type;
	const char	*subtype;
	int		(*walk)(struct decode *, GMimeObject *, int, int *);
} walkers[] = {
	{ "multipart", "alternative", walk_alternative },
	{ "multipart", "*", walk_multipart },
	{ "message", "rfc822", walk_forward },
	{ "message", "global", walk_forward },
	{ "message", "news", walk_forward },
	{ "text", "plain", walk_text },
	{ "text", "html", walk_text },
};

/* GMime's complaints that say the text may be incomplete. */
static const struct parser_warning {
	GMimeParserWarning	 code;
	const char		*what;
} parser_warnings[] = {
	{ GMIME_WARN_MALFORMED_MULTIPART, "malformed multipart" },
	{ GMIME_WARN_TRUNCATED_MESSAGE,
	    "multipart not closed (message truncated?)" },
	{ GMIME_WARN_MALFORMED_MESSAGE, "malformed message" },
	{ GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY,
	    "multipart without a boundary" },
	{ GMIME_CRIT_NESTING_OVERFLOW, "parts nested too deep for GMime" },
	{ GMIME_WARN_INVALID_CONTENT_TYPE, "invalid Content-Type" },
};

/* Report types whose presence alone makes a message automatic. */
static const char *report_subtypes[] = {
	"delivery-status", "global-delivery-status",
	"disposition-notification", "global-disposition-notification",
	"feedback-report",
};

/* Labels for Latin-1, read as windows-1252 (see above). */
static const char *latin1_names[] = {
	"iso-8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
	"iso-ir-100",
};

static const char *ascii_names[] = {
	"us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us",
};

/* For 8-bit header text in no stated charset. */
static const char *fallback_charsets[] = { "utf-8", "windows-1252", NULL };

static const char *bulk_names[] = { "bulk", "list", "junk" };
static const char *autoreply_names[] = { "X-Autoreply", "X-Autorespond" };

static const char *envelope_names[] = {
	"From", "Date", "Message-ID", "Subject",
};

static void
decode_warn(struct decode *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*what;

	if (d->warning->len > WARNING_MAX)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* The parser repeats itself for every part; say each thing once. */
	if (strstr(d->warning->str, what) == NULL) {
		if (d->warning->len > 0)
			g_string_append(d->warning, "; ");
		g_string_append(d->warning, what);
		if (d->warning->len > WARNING_MAX)
			g_string_append(d->warning, "; ...");
	}
	g_free(what);
}

static void
decode_parser_warning(gint64 offset, GMimeParserWarning code,
    const gchar *item, gpointer arg)
{
	struct decode	*d = arg;
	gsize		 i;

	for (i = 0; i < G_N_ELEMENTS(parser_warnings); i++) {
		if (parser_warnings[i].code == code)
			decode_warn(d, "%s", parser_warnings[i].what);
	}
}

static void
decode_init(struct decode *d)
{
	GMimeParserOptions	*o;

	memset(d, 0, sizeof *d);
	d->text = g_string_new(NULL);
	d->warning = g_string_new(NULL);
	d->options = o = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(o, TRUE);
	g_mime_parser_options_set_fallback_charsets(o, fallback_charsets);
	g_mime_parser_options_set_warning_callback(o, decode_parser_warning,
	    d);
}

static void
decode_clear(struct decode *d)
{
	g_mime_parser_options_free(d->options);
	g_string_free(d->text, TRUE);
	g_string_free(d->warning, TRUE);
}

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType	*ct;

	if ((ct = g_mime_object_get_content_type(obj)) == NULL)
		return 0;
	return g_mime_content_type_is_type(ct, type, subtype);
}

static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!g_ascii_isspace(*s))
			return 0;
	}
	return 1;
}

static int
name_in(const char *name, const char **list, gsize n)
{
	gsize	i;

	for (i = 0; i < n; i++) {
		if (g_ascii_strcasecmp(name, list[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Add to the text, but never past MIME_MAX_TEXT and never through the
 * middle of a UTF-8 character.
 */
static void
text_append(struct decode *d, const char *s, gsize n)
{
	gsize	room;

	if (d->full)
		return;
	room = MIME_MAX_TEXT - d->text->len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		d->full = 1;
		decode_warn(d, "text truncated at %d bytes", MIME_MAX_TEXT);
	}
	g_string_append_len(d->text, s, n);
}

/* One section of the text: a blank line, a separator line, the text. */
static void
text_section(struct decode *d, const char *separator, const char *text)
{
	gsize	n;

	while (*text == '\n')
		text++;
	for (n = strlen(text); n > 0 && g_ascii_isspace(text[n - 1]); n--)
		continue;
	if (d->text->len > 0)
		text_append(d, "\n", 1);
	if (separator != NULL) {
		text_append(d, separator, strlen(separator));
		text_append(d, "\n", 1);
	}
	if (n > 0) {
		text_append(d, text, n);
		text_append(d, "\n", 1);
	}
}

/* Like g_utf8_validate(), but NUL bytes pass: they are shown later. */
static int
utf8_valid(const char *s, gsize len)
{
	const char	*end;

	while (!g_utf8_validate_len(s, len, &end)) {
		if (*end != '\0')
			return 0;
		len -= end - s + 1;
		s = end + 1;
	}
	return 1;
}

/*
 * A NUL or control character as its Unicode control picture (U+2400 for
 * NUL, U+2401 ... U+241F, U+2421 for DEL): dropped, it would join or cut
 * what surrounds it ("pat@evil.example\0@example.net" would read as
 * pat@evil.example); shown, the rules see it and call the answer unclear.
 */
static void
append_control(GString *out, unsigned char c)
{
	g_string_append_c(out, '\xe2');
	g_string_append_c(out, '\x90');
	g_string_append_c(out, (char)(c == 0x7f ? 0xa1 : 0x80 + c));
}

static int
is_control(unsigned char c)
{
	return (c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

/*
 * Text as the rest of mentormail wants it: LF line endings, valid UTF-8,
 * control characters but TAB shown as control pictures.  Caller frees.
 */
static char *
text_normalize(const char *s, gsize len)
{
	GString	*out;
	char	*text;
	gsize	 i;

	out = g_string_sized_new(len);
	for (i = 0; i < len; i++) {
		if (is_control((unsigned char)s[i]))
			append_control(out, (unsigned char)s[i]);
		else if (s[i] != '\r')
			g_string_append_c(out, s[i]);
		else if (i + 1 == len || s[i + 1] != '\n')
			g_string_append_c(out, '\n');
	}
	text = g_utf8_make_valid(out->str, out->len);
	g_string_free(out, TRUE);
	return text;
}

/*
 * Convert all of buf, putting U+FFFD for each byte the charset does not
 * allow rather than giving up, as g_convert() would.
 */
static GString *
iconv_all(GIConv cd, const char *buf, gsize len, int *bad)
{
	GString	*out;
	gchar	 chunk[4096], *in = (gchar *)buf, *o;
	gsize	 inleft = len, oleft;

	out = g_string_sized_new(len + len / 2);
	for (;;) {
		o = chunk;
		oleft = sizeof chunk;
		if (g_iconv(cd, inleft > 0 ? &in : NULL, &inleft, &o,
		    &oleft) != (gsize)-1 || errno == E2BIG) {
			g_string_append_len(out, chunk, o - chunk);
			if (inleft == 0 && o == chunk)
				break;
			continue;
		}
		g_string_append_len(out, chunk, o - chunk);
		if (inleft == 0)
			break;
		g_string_append(out, "\xef\xbf\xbd");
		in++;
		inleft--;
		(*bad)++;
	}
	return out;
}

/* Caller frees; NULL if iconv does not know the charset. */
static char *
iconv_text(const char *from, const char *buf, gsize len, int *bad)
{
	GIConv	 cd;
	GString	*out;
	char	*text;

	if ((cd = g_iconv_open("UTF-8", from)) == (GIConv)-1)
		return NULL;
	out = iconv_all(cd, buf, len, bad);
	g_iconv_close(cd);
	text = text_normalize(out->str, out->len);
	g_string_free(out, TRUE);
	return text;
}

/* Text in no known charset: UTF-8 if it can be, else windows-1252. */
static char *
charset_guess(const char *buf, gsize len)
{
	char	*text;
	int	 bad = 0;

	if (utf8_valid(buf, len))
		return text_normalize(buf, len);
	if ((text = iconv_text("WINDOWS-1252", buf, len, &bad)) != NULL)
		return text;
	return text_normalize(buf, len);
}

/* `len` bytes in `charset` (may be NULL) as UTF-8.  Caller frees. */
static char *
charset_decode(struct decode *d, const char *buf, gsize len,
    const char *charset)
{
	const char	*canon;
	char		*text;
	int		 bad = 0;

	if (charset == NULL || *charset == '\0')
		return charset_guess(buf, len);
	canon = g_mime_charset_canon_name(charset);
	if (name_in(canon, ascii_names, G_N_ELEMENTS(ascii_names)))
		return charset_guess(buf, len);
	if (g_ascii_strcasecmp(canon, "utf-8") == 0) {
		if (!utf8_valid(buf, len))
			decode_warn(d, "invalid UTF-8 replaced");
		return text_normalize(buf, len);
	}
	if (name_in(canon, latin1_names, G_N_ELEMENTS(latin1_names)))
		canon = "WINDOWS-1252";
	else
		canon = g_mime_charset_iconv_name(charset);
	if ((text = iconv_text(canon, buf, len, &bad)) == NULL) {
		decode_warn(d, "unknown charset \"%s\"", charset);
		return charset_guess(buf, len);
	}
	if (bad > 0)
		decode_warn(d, "bytes not valid in %s replaced", charset);
	return text;
}

/*
 * GMime decodes whatever base64 it is given without complaint; a count of
 * base64 characters that is not a multiple of four means the part was cut.
 */
static int
base64_truncated(GMimeDataWrapper *content)
{
	GMimeStream	*stream;
	char		 buf[4096];
	gssize		 n, i;
	gsize		 count = 0;

	stream = g_mime_data_wrapper_get_stream(content);
	g_mime_stream_reset(stream);
	while ((n = g_mime_stream_read(stream, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (g_ascii_isalnum(buf[i]) || buf[i] == '+' ||
			    buf[i] == '/' || buf[i] == '=')
				count++;
		}
	}
	g_mime_stream_reset(stream);
	return count % 4 != 0;
}

/* The content of a part with its transfer encoding undone.  Caller frees. */
static GByteArray *
part_bytes(struct decode *d, GMimePart *part)
{
	GMimeDataWrapper	*content;
	GMimeStream		*mem;
	GByteArray		*bytes;

	if ((content = g_mime_part_get_content(part)) == NULL)
		return NULL;
	if (g_mime_data_wrapper_get_encoding(content) ==
	    GMIME_CONTENT_ENCODING_BASE64 && base64_truncated(content))
		decode_warn(d, "truncated base64");
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return bytes;
}

/* How many '>' a line is quoted with (RFC 3676, 4.5). */
static size_t
quote_depth(const char *line)
{
	return strspn(line, ">");
}

/*
 * Undo format=flowed (RFC 3676): a line ending in a space goes on in the
 * next line of the same quote depth.  Without this, an answer the sender's
 * mail program wrapped reaches the rules cut short.  The quote marks are
 * written once per joined line, as "> " runs; with DelSp=yes the space
 * that marked the break is removed.  Caller frees.
 */
static char *
text_unflow(const char *text, int delsp)
{
	char	**lines = g_strsplit(text, "\n", -1), *body;
	GString	 *out = g_string_new(NULL);
	size_t	  i, depth, open_depth = 0, len;
	int	  open = 0, flowed;

	for (i = 0; lines[i] != NULL; i++) {
		if (lines[i + 1] == NULL && *lines[i] == '\0')
			break;
		depth = quote_depth(lines[i]);
		body = lines[i] + depth;
		if (*body == ' ')
			body++;		/* space-stuffing */
		len = strlen(body);
		flowed = len > 0 && body[len - 1] == ' ' &&
		    strcmp(body, "-- ") != 0;
		if (open && depth != open_depth) {
			g_string_append_c(out, '\n');
			open = 0;
		}
		if (!open && depth > 0)
			g_string_append_printf(out, "%.*s ", (int)depth,
			    lines[i]);
		g_string_append_len(out, body, flowed && delsp ? len - 1 : len);
		open = flowed;
		open_depth = depth;
		if (!flowed)
			g_string_append_c(out, '\n');
	}
	if (open)
		g_string_append_c(out, '\n');
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* A text/plain part's text with format=flowed undone, when it says so. */
static char *
part_unflow(GMimeObject *obj, char *text)
{
	const char	*format, *delsp;
	char		*plain;

	format = g_mime_object_get_content_type_parameter(obj, "format");
	if (format == NULL || g_ascii_strcasecmp(format, "flowed") != 0 ||
	    !is_type(obj, "text", "plain"))
		return text;
	delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
	plain = text_unflow(text, delsp != NULL &&
	    g_ascii_strcasecmp(delsp, "yes") == 0);
	g_free(text);
	return plain;
}

/* A text part as UTF-8 plain text; NULL if it has none.  Caller frees. */
static char *
part_text(struct decode *d, GMimePart *part)
{
	GMimeObject	*obj = GMIME_OBJECT(part);
	GByteArray	*bytes;
	char		*text, *plain;

	if ((bytes = part_bytes(d, part)) == NULL)
		return NULL;
	text = charset_decode(d, (const char *)bytes->data, bytes->len,
	    g_mime_object_get_content_type_parameter(obj, "charset"));
	g_byte_array_free(bytes, TRUE);
	text = part_unflow(obj, text);
	if (is_type(obj, "text", "html")) {
		plain = html_to_text(text, strlen(text));
		g_free(text);
		text = plain;
	}
	if (is_blank(text)) {
		g_free(text);
		return NULL;
	}
	return text;
}

/*
 * A header value made safe to store and to echo: valid UTF-8, every run of
 * white space or control characters (CR, LF, TAB, NUL...) one space,
 * trimmed; NULL if nothing is left.  Caller frees.
 */
static char *
header_clean(const char *value)
{
	GString		*out;
	char		*valid;
	const char	*p;
	int		 space = 0;

	if (value == NULL)
		return NULL;
	valid = g_utf8_make_valid(value, -1);
	out = g_string_new(NULL);
	for (p = valid; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == '\x7f') {
			space = 1;
			continue;
		}
		if (space && out->len > 0)
			g_string_append_c(out, ' ');
		space = 0;
		g_string_append_c(out, *p);
	}
	g_free(valid);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* Whether this text part is an attachment rather than (more) body. */
static int
part_is_attachment(GMimeObject *obj, int have_body)
{
	const char	*disposition;

	disposition = g_mime_object_get_disposition(obj);
	if (disposition != NULL &&
	    g_ascii_strcasecmp(disposition, "attachment") == 0)
		return 1;
	/* Apple Mail sends named attachments inline. */
	return have_body && g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

static int
walk_text(struct decode *d, GMimeObject *obj, int depth, int *body)
{
	char	*text, *name, *separator = NULL;

	if (!GMIME_IS_PART(obj) || (text = part_text(d, GMIME_PART(obj))) ==
	    NULL)
		return 0;
	if (part_is_attachment(obj, *body)) {
		name = header_clean(g_mime_part_get_filename(GMIME_PART(obj)));
		separator = g_strdup_printf("----- attachment: %s -----",
		    name != NULL ? name : "untitled");
		g_free(name);
	}
	*body = 1;
	text_section(d, separator, text);
	g_free(separator);
	g_free(text);
	return 1;
}

/* A multipart whose boundary never appears: GMime leaves it all here. */
static int
walk_prologue(struct decode *d, GMimeMultipart *mp, int *body)
{
	const char	*prologue;
	char		*text;

	prologue = g_mime_multipart_get_prologue(mp);
	if (prologue == NULL || is_blank(prologue))
		return 0;
	decode_warn(d, "multipart without parts; raw text kept");
	text = charset_guess(prologue, strlen(prologue));
	text_section(d, NULL, text);
	g_free(text);
	*body = 1;
	return 1;
}

static int
walk_multipart(struct decode *d, GMimeObject *obj, int depth, int *body)
{
	GMimeMultipart	*mp;
	int		 i, n, found = 0;

	if (!GMIME_IS_MULTIPART(obj))
		return 0;
	mp = GMIME_MULTIPART(obj);
	if ((n = g_mime_multipart_get_count(mp)) == 0)
		return walk_prologue(d, mp, body);
	for (i = 0; i < n && !d->full; i++) {
		found |= walk_object(d, g_mime_multipart_get_part(mp, i),
		    depth + 1, body);
	}
	return found;
}

/*
 * The plain text as the sender wrote it, else the first other alternative
 * that gives any text (HTML, or a multipart/related around it).
 */
static int
walk_alternative(struct decode *d, GMimeObject *obj, int depth, int *body)
{
	GMimeMultipart	*mp;
	GMimeObject	*part;
	int		 i, n, plain;

	if (!GMIME_IS_MULTIPART(obj))
		return 0;
	mp = GMIME_MULTIPART(obj);
	if ((n = g_mime_multipart_get_count(mp)) == 0)
		return walk_prologue(d, mp, body);
	for (plain = 1; plain >= 0; plain--) {
		for (i = 0; i < n && !d->full; i++) {
			part = g_mime_multipart_get_part(mp, i);
			if (is_type(part, "text", "plain") != plain)
				continue;
			if (walk_object(d, part, depth + 1, body))
				return 1;
		}
	}
	return 0;
}

static void
forward_header(GString *s, const char *name, const char *value)
{
	char	*clean;

	if ((clean = header_clean(value)) == NULL)
		return;
	g_string_append_printf(s, "%s: %s\n", name, clean);
	g_free(clean);
}

/* An attached message: who sent it, when, about what, then its text. */
static int
walk_forward(struct decode *d, GMimeObject *obj, int depth, int *body)
{
	GMimeMessage	*m;
	GMimeObject	*top;
	GString		*s;
	int		 inner_body = 0;

	if (!GMIME_IS_MESSAGE_PART(obj) ||
	    (m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj))) ==
	    NULL)
		return 0;
	s = g_string_new(NULL);
	forward_header(s, "From", g_mime_object_get_header(GMIME_OBJECT(m),
	    "From"));
	forward_header(s, "Date", g_mime_object_get_header(GMIME_OBJECT(m),
	    "Date"));
	forward_header(s, "Subject", g_mime_message_get_subject(m));
	text_section(d, "----- forwarded message -----", s->str);
	g_string_free(s, TRUE);
	if ((top = g_mime_message_get_mime_part(m)) != NULL)
		walk_object(d, top, depth + 1, &inner_body);
	*body = 1;
	return 1;
}

/*
 * Add the text of obj and what it contains.  `body` says whether the
 * enclosing message has its body text yet.  Return 1 if any text was added.
 */
static int
walk_object(struct decode *d, GMimeObject *obj, int depth, int *body)
{
	gsize	i;

	if (d->full)
		return 0;
	if (depth > MIME_MAX_DEPTH) {
		decode_warn(d, "parts nested deeper than %d levels skipped",
		    MIME_MAX_DEPTH);
		return 0;
	}
	if (GMIME_IS_PART(obj) && ++d->parts > MIME_MAX_PARTS) {
		decode_warn(d, "more than %d parts; the rest skipped",
		    MIME_MAX_PARTS);
		d->full = 1;
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(walkers); i++) {
		if (is_type(obj, walkers[i].type, walkers[i].subtype))
			return walkers[i].walk(d, obj, depth, body);
	}
	return 0;
}

/*
 * A message id without its angle brackets; NULL if empty or if it has
 * white space inside, which no msg-id can.  Caller frees.
 */
static char *
id_clean(const char *value)
{
	char	*id;
	gsize	 n;

	if ((id = header_clean(value)) == NULL)
		return NULL;
	n = strlen(id);
	if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
		memmove(id, id + 1, n - 2);
		id[n - 2] = '\0';
	}
	if (*id == '\0' || strchr(id, ' ') != NULL) {
		g_free(id);
		return NULL;
	}
	return id;
}

/*
 * Up to `max` msg-ids from In-Reply-To or References, space separated.
 * Some mailers leave off the brackets, which GMime then does not see.
 */
static char *
header_ids(GMimeParserOptions *o, const char *value, int max)
{
	GMimeReferences	*refs;
	GString		*out;
	char		*id;
	int		 i, n;

	if (value == NULL || (refs = g_mime_references_parse(o, value)) ==
	    NULL)
		return NULL;
	out = g_string_new(NULL);
	n = g_mime_references_length(refs);
	for (i = 0; i < n && i < max; i++) {
		id = id_clean(g_mime_references_get_message_id(refs, i));
		if (id == NULL)
			continue;
		if (out->len > 0)
			g_string_append_c(out, ' ');
		g_string_append(out, id);
		g_free(id);
	}
	g_mime_references_free(refs);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return strchr(value, '@') != NULL ? id_clean(value) : NULL;
	}
	return g_string_free(out, FALSE);
}

static InternetAddressMailbox *
first_mailbox(InternetAddressList *list, int in_group)
{
	InternetAddress		*a;
	InternetAddressMailbox	*mb;
	int			 i, n;

	if (list == NULL)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (!INTERNET_ADDRESS_IS_GROUP(a) || in_group)
			continue;
		mb = first_mailbox(internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(a)), 1);
		if (mb != NULL)
			return mb;
	}
	return NULL;
}

/* The lowercased addr-spec of the first mailbox, and its name. */
static void
read_address(InternetAddressList *list, char **addr, char **name)
{
	InternetAddressMailbox	*mb;
	char			*clean;

	if ((mb = first_mailbox(list, 0)) == NULL)
		return;
	if ((clean = header_clean(internet_address_mailbox_get_addr(mb))) !=
	    NULL) {
		*addr = g_utf8_strdown(clean, -1);
		g_free(clean);
	}
	if (name != NULL)
		*name = header_clean(internet_address_get_name(
		    INTERNET_ADDRESS(mb)));
}

static char *
date_iso(GDateTime *date)
{
	GDateTime	*utc;
	char		*s;

	if (date == NULL || (utc = g_date_time_to_utc(date)) == NULL)
		return NULL;
	s = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(utc);
	return s;
}

/* Every X-Loop value, lowercased, space separated; NULL if none. */
static char *
read_loops(GMimeMessage *m)
{
	GMimeHeaderList	*headers;
	GMimeHeader	*h;
	GString		*out = g_string_new(NULL);
	char		*clean, *low;
	int		 i, n;

	headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
	n = g_mime_header_list_get_count(headers);
	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h),
		    "X-Loop") != 0 ||
		    (clean = header_clean(g_mime_header_get_value(h))) == NULL)
			continue;
		low = g_utf8_strdown(clean, -1);
		g_string_append_printf(out, "%s%s", out->len > 0 ? " " : "",
		    low);
		g_free(low);
		g_free(clean);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* The day the sender wrote on, in their own zone: "YYYY-MM-DD". */
static char *
date_local(GDateTime *date)
{
	return date != NULL ? g_date_time_format(date, "%Y-%m-%d") : NULL;
}

/*
 * Every Authentication-Results header, top first: which of them counts is
 * for the reader to decide (auth.h), so none is left out here.
 */
static char **
read_auth_results(GMimeMessage *m)
{
	GMimeHeaderList	*headers;
	GMimeHeader	*h;
	GPtrArray	*out = NULL;
	char		*value;
	int		 i, n;

	headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
	n = g_mime_header_list_get_count(headers);
	for (i = 0; i < n; i++) {
		h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h),
		    "Authentication-Results") != 0 ||
		    (value = header_clean(g_mime_header_get_raw_value(h))) ==
		    NULL)
			continue;
		if (out == NULL)
			out = g_ptr_array_new();
		g_ptr_array_add(out, value);
		if (out->len == MIME_MAX_AUTH_RESULTS)
			break;
	}
	if (out == NULL)
		return NULL;
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

static void
read_headers(struct mime_msg *msg, GMimeMessage *m, GMimeParserOptions *o)
{
	GMimeObject	*obj = GMIME_OBJECT(m);
	const char	*id;

	/* GMime gives no id for a malformed one; keep what is there. */
	if ((id = g_mime_message_get_message_id(m)) == NULL)
		id = g_mime_object_get_header(obj, "Message-ID");
	msg->message_id = id_clean(id);
	msg->in_reply_to = header_ids(o,
	    g_mime_object_get_header(obj, "In-Reply-To"), 1);
	msg->references = header_ids(o,
	    g_mime_object_get_header(obj, "References"), INT_MAX);
	read_address(g_mime_message_get_from(m), &msg->from_addr,
	    &msg->from_name);
	read_address(g_mime_message_get_reply_to(m), &msg->reply_to_addr,
	    &msg->reply_to_name);
	msg->subject = header_clean(g_mime_message_get_subject(m));
	msg->date = date_iso(g_mime_message_get_date(m));
	msg->date_local = date_local(g_mime_message_get_date(m));
	msg->auth_results = read_auth_results(m);
	msg->x_loop = read_loops(m);
}

/* The mime_msg fields each header used gives, by offset. */
#define NO_FIELD	SIZE_MAX
static const struct used_header {
	const char	*name;
	size_t		 field[2];	/* NO_FIELD: none */
} used_headers[] = {
	{ "From", { offsetof(struct mime_msg, from_addr),
	    offsetof(struct mime_msg, from_name) } },
	{ "Reply-To", { offsetof(struct mime_msg, reply_to_addr),
	    offsetof(struct mime_msg, reply_to_name) } },
	{ "Message-ID", { offsetof(struct mime_msg, message_id), NO_FIELD } },
	{ "In-Reply-To", { offsetof(struct mime_msg, in_reply_to), NO_FIELD } },
	{ "References", { offsetof(struct mime_msg, references), NO_FIELD } },
	{ "Subject", { offsetof(struct mime_msg, subject), NO_FIELD } },
	{ "Date", { offsetof(struct mime_msg, date), NO_FIELD } },
};

/*
 * Whether a `name` field of the top-level header block at `raw` holds a
 * NUL or another control character (folding aside).  GMime's values are
 * C strings: it cuts them at a NUL, and its address parser stops at a
 * control character, so what it gives for such a field is only a part.
 */
static int
raw_header_unclear(const char *raw, size_t len, const char *name)
{
	const char	*p = raw, *end = raw + len, *eol;
	size_t		 n = strlen(name);
	int		 in = 0;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (p == eol || (p + 1 == eol && *p == '\r'))
			break;			/* the end of the header */
		if (*p != ' ' && *p != '\t')
			in = (size_t)(eol - p) > n && p[n] == ':' &&
			    g_ascii_strncasecmp(p, name, n) == 0;
		for (; in && p < eol; p++) {
			if (is_control((unsigned char)*p))
				return 1;
		}
	}
	return 0;
}

/* Drop what unclear headers gave: a part of a value is no value. */
static void
drop_unclear(struct decode *d, struct mime_msg *msg, const char *raw,
    size_t len)
{
	const struct used_header	*h;
	char				**slot;
	size_t				 i, k;

	for (i = 0; i < G_N_ELEMENTS(used_headers); i++) {
		h = &used_headers[i];
		if (!raw_header_unclear(raw, len, h->name))
			continue;
		for (k = 0; k < G_N_ELEMENTS(h->field) &&
		    h->field[k] != NO_FIELD; k++) {
			slot = (char **)(void *)((char *)msg + h->field[k]);
			g_clear_pointer(slot, g_free);
		}
		decode_warn(d, "%s: holds a NUL or control character, not "
		    "used", h->name);
	}
	if (raw_header_unclear(raw, len, "Reply-To"))
		msg->reply_unclear = 1;
}

/*
 * An address header with something in it, but no address GMime can read
 * (an IMAP server may hand a NUL on as the byte 0x80), says so; a Reply-To
 * like that is unclear as one with a NUL is.  A group ("undisclosed:;")
 * is an address.
 */
static void
note_unreadable(struct decode *d, struct mime_msg *msg, GMimeMessage *m)
{
	static const char *const names[] = { "From", "Reply-To" };
	InternetAddressList	*list;
	const char		*value;
	size_t			 i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		value = g_mime_object_get_header(GMIME_OBJECT(m), names[i]);
		list = i == 0 ? g_mime_message_get_from(m) :
		    g_mime_message_get_reply_to(m);
		if (value == NULL || is_blank(value) || (list != NULL &&
		    internet_address_list_length(list) > 0))
			continue;
		decode_warn(d, "%s: no address can be read in it", names[i]);
		if (i == 1)
			msg->reply_unclear = 1;
	}
}

/*
 * Where an answer to a person goes (RFC 5322, 3.6.2): the Reply-To, else
 * the From.  A Reply-To that cannot be read clearly leaves no address: the
 * sender asked for answers elsewhere, not to the From.
 */
static void
reply_address(struct mime_msg *msg)
{
	if (msg->reply_to_addr != NULL) {
		msg->reply_addr = g_strdup(msg->reply_to_addr);
		msg->reply_name = g_strdup(msg->reply_to_name);
	} else if (!msg->reply_unclear && msg->from_addr != NULL) {
		msg->reply_addr = g_strdup(msg->from_addr);
		msg->reply_name = g_strdup(msg->from_name);
	}
}

/*
 * The first word of a structured header, lowercased, without parameters
 * or comments: "auto-replied" from "Auto-Replied; owner=x (vacation)".
 */
static char *
header_token(GMimeMessage *m, const char *name)
{
	const char	*value, *p;
	char		*token, *clean;

	if ((value = g_mime_object_get_header(GMIME_OBJECT(m), name)) == NULL)
		return NULL;
	while (g_ascii_isspace(*value))
		value++;
	for (p = value; *p != '\0' && *p != ';' && *p != '(' &&
	    !g_ascii_isspace(*p); p++)
		continue;
	token = g_ascii_strdown(value, p - value);
	clean = header_clean(token);
	g_free(token);
	return clean;
}

static char *
auto_submitted(GMimeMessage *m)
{
	char	*token, *reason = NULL;

	if ((token = header_token(m, "Auto-Submitted")) == NULL)
		return NULL;
	if (strcmp(token, "no") != 0)
		reason = g_strdup_printf("Auto-Submitted: %s", token);
	g_free(token);
	return reason;
}

static int
is_report(GMimeObject *obj)
{
	gsize	i;

	for (i = 0; i < G_N_ELEMENTS(report_subtypes); i++) {
		if (is_type(obj, "message", report_subtypes[i]))
			return 1;
	}
	return 0;
}

static char *
report_part(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);

	return g_strdup_printf("message/%s part",
	    g_mime_content_type_get_media_subtype(ct));
}

/* A delivery or disposition report, at the top or just below it. */
static char *
auto_report(GMimeMessage *m)
{
	GMimeObject	*top;
	const char	*type;
	int		 i, n;

	if ((top = g_mime_message_get_mime_part(m)) == NULL)
		return NULL;
	if (is_type(top, "multipart", "report")) {
		type = g_mime_object_get_content_type_parameter(top,
		    "report-type");
		return g_strdup_printf("multipart/report (%s)",
		    type != NULL ? type : "no report-type");
	}
	if (is_report(top))
		return report_part(top);
	if (!GMIME_IS_MULTIPART(top))
		return NULL;
	n = g_mime_multipart_get_count(GMIME_MULTIPART(top));
	for (i = 0; i < n; i++) {
		if (is_report(g_mime_multipart_get_part(GMIME_MULTIPART(top),
		    i)))
			return report_part(g_mime_multipart_get_part(
			    GMIME_MULTIPART(top), i));
	}
	return NULL;
}

static char *
auto_precedence(GMimeMessage *m)
{
	char	*token, *reason = NULL;

	if ((token = header_token(m, "Precedence")) == NULL)
		return NULL;
	if (name_in(token, bulk_names, G_N_ELEMENTS(bulk_names)))
		reason = g_strdup_printf("Precedence: %s", token);
	g_free(token);
	return reason;
}

/* Any RFC 2369/2919 header: List-Id, List-Unsubscribe, List-Post... */
static char *
auto_list(GMimeMessage *m)
{
	GMimeHeaderList	*headers;
	const char	*name;
	int		 i, n;

	headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
	n = g_mime_header_list_get_count(headers);
	for (i = 0; i < n; i++) {
		name = g_mime_header_get_name(
		    g_mime_header_list_get_header_at(headers, i));
		if (name != NULL && g_ascii_strncasecmp(name, "List-", 5) == 0)
			return g_strdup_printf("%s header", name);
	}
	return NULL;
}

/* The null reverse path that bounces and other reports are sent with. */
static char *
auto_return_path(GMimeMessage *m)
{
	const char	*value, *p;
	GString		*s;
	int		 null;

	value = g_mime_object_get_header(GMIME_OBJECT(m), "Return-Path");
	if (value == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (p = value; *p != '\0'; p++) {
		if (!g_ascii_isspace(*p))
			g_string_append_c(s, *p);
	}
	null = strcmp(s->str, "<>") == 0;
	g_string_free(s, TRUE);
	return null ? g_strdup("Return-Path: <>") : NULL;
}

static char *
auto_suppress(GMimeMessage *m)
{
	if (g_mime_object_get_header(GMIME_OBJECT(m),
	    "X-Auto-Response-Suppress") == NULL)
		return NULL;
	return g_strdup("X-Auto-Response-Suppress header");
}

static char *
auto_autoreply(GMimeMessage *m)
{
	const char	*name;
	char		*token;
	gsize		 i;
	int		 no;

	for (i = 0; i < G_N_ELEMENTS(autoreply_names); i++) {
		name = autoreply_names[i];
		if (g_mime_object_get_header(GMIME_OBJECT(m), name) == NULL)
			continue;
		token = header_token(m, name);
		no = token != NULL && strcmp(token, "no") == 0;
		g_free(token);
		if (!no)
			return g_strdup_printf("%s header", name);
	}
	return NULL;
}

static char *
auto_daemon(GMimeMessage *m)
{
	InternetAddressMailbox	*mb;
	const char		*addr;
	gsize			 n;

	if ((mb = first_mailbox(g_mime_message_get_from(m), 0)) == NULL ||
	    (addr = internet_address_mailbox_get_addr(mb)) == NULL)
		return NULL;
	n = strcspn(addr, "@");
	if (n != strlen("mailer-daemon") ||
	    g_ascii_strncasecmp(addr, "mailer-daemon", n) != 0)
		return NULL;
	return g_strdup("From: MAILER-DAEMON");
}

/*
 * Local parts (before any +tag) of the senders RFC 3834 section 2 says
 * never to answer, and what each is.  A name ending in '-' is a prefix,
 * one starting with '-' a suffix.
 */
static const struct {
	const char	*name;
	const char	*what;
} auto_senders[] = {
	{ "mailer-daemon", "a mail system" },
	{ "postmaster", "a mail system" },
	{ "listserv", "a list server" },
	{ "majordomo", "a list server" },
	{ "owner-", "a list owner" },
	{ "-owner", "a list owner" },
	{ "-request", "a list's request address" },
	{ "bounce", "a bounce address" },
	{ "bounces", "a bounce address" },
	{ "bounce-", "a bounce address" },
	{ "-bounces", "a bounce address" },
};

/* Those that only ask not to be answered there: a Reply-To may say where. */
static const char *noreply_names[] = {
	"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
	"do_not_reply", "noreplies",
};

static int
name_matches(const char *local, const char *name)
{
	size_t	n = strlen(name), l = strlen(local);

	if (name[n - 1] == '-')
		return l > n && g_ascii_strncasecmp(local, name, n) == 0;
	if (name[0] == '-')
		return l > n && g_ascii_strcasecmp(local + l - n, name) == 0;
	return g_ascii_strcasecmp(local, name) == 0;
}

/*
 * What automatic sender `addr` is, or NULL; the no-reply kind only when
 * `noreply` is set.
 */
static const char *
sender_kind(const char *addr, int noreply)
{
	char		*local;
	const char	*what = NULL;
	size_t		 i;

	local = g_strndup(addr, strcspn(addr, "@"));
	/* bounces+1234-pat=example.org@...: VERP's tag goes. */
	local[strcspn(local, "+")] = '\0';
	for (i = 0; i < G_N_ELEMENTS(auto_senders) && what == NULL; i++) {
		if (name_matches(local, auto_senders[i].name))
			what = auto_senders[i].what;
	}
	if (what == NULL && noreply && name_in(local, noreply_names,
	    G_N_ELEMENTS(noreply_names)))
		what = "a no-reply address";
	g_free(local);
	return what;
}

/* The addr-spec of the first mailbox of `list`, or NULL. */
static const char *
first_addr(InternetAddressList *list)
{
	InternetAddressMailbox	*mb = first_mailbox(list, 0);

	return mb != NULL ? internet_address_mailbox_get_addr(mb) : NULL;
}

/*
 * A sender RFC 3834 says not to answer, in From or Reply-To.  A web form
 * service sends from noreply@ with the applicant in Reply-To: the answer
 * goes to the Reply-To, so a no-reply From counts only without one.
 */
static char *
auto_sender(GMimeMessage *m)
{
	const char	*from = first_addr(g_mime_message_get_from(m));
	const char	*reply = first_addr(g_mime_message_get_reply_to(m));
	const char	*what;

	if (from != NULL && (what = sender_kind(from, reply == NULL)) != NULL)
		return g_strdup_printf("From <%s>: %s", from, what);
	if (reply != NULL && (what = sender_kind(reply, 1)) != NULL)
		return g_strdup_printf("Reply-To <%s>: %s", reply, what);
	return NULL;
}

/* Each returns why the message is automatic, or NULL. */
static char	*(*const auto_checks[])(GMimeMessage *) = {
	auto_submitted,
	auto_report,
	auto_precedence,
	auto_list,
	auto_return_path,
	auto_suppress,
	auto_autoreply,
	auto_daemon,
	auto_sender,
};

static char *
auto_reason(GMimeMessage *m)
{
	char	*reason, *clean;
	gsize	 i;

	for (i = 0; i < G_N_ELEMENTS(auto_checks); i++) {
		if ((reason = auto_checks[i](m)) != NULL) {
			clean = header_clean(reason);
			g_free(reason);
			return clean;
		}
	}
	return NULL;
}

static GMimeMessage *
parse_message(const char *raw, size_t len, GMimeParserOptions *options)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*m;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(parser, options);
	g_object_unref(parser);
	g_object_unref(stream);
	return m;
}

/*
 * GMime makes a message of almost anything; one without any of these
 * headers is not mail, whatever GMime says.
 */
static int
has_envelope(GMimeMessage *m)
{
	GMimeHeaderList	*headers;
	gsize		 i;

	headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
	for (i = 0; i < G_N_ELEMENTS(envelope_names); i++) {
		if (g_mime_header_list_contains(headers, envelope_names[i]))
			return 1;
	}
	return 0;
}

static struct mime_msg *
msg_build(struct decode *d, GMimeMessage *m, const char *raw, size_t len)
{
	struct mime_msg	*msg;
	GMimeObject	*top;
	int		 body = 0;

	msg = g_new0(struct mime_msg, 1);
	read_headers(msg, m, d->options);
	drop_unclear(d, msg, raw, len);
	note_unreadable(d, msg, m);
	reply_address(msg);
	msg->auto_reason = auto_reason(m);
	if ((top = g_mime_message_get_mime_part(m)) != NULL)
		walk_object(d, top, 0, &body);
	if (d->text->len > 0)
		msg->text = g_strndup(d->text->str, d->text->len);
	if (d->warning->len > 0)
		msg->warning = header_clean(d->warning->str);
	return msg;
}

int
mime_parse(const char *raw, size_t len, struct mime_msg **out, char **cause)
{
	struct decode	 d;
	GMimeMessage	*m;
	int		 envelope;

	*out = NULL;
	if (raw == NULL || len == 0)
		return cause_set(cause, "empty message");
	decode_init(&d);
	if ((m = parse_message(raw, len, d.options)) == NULL) {
		decode_clear(&d);
		return cause_set(cause, "not a message: no header block");
	}
	if ((envelope = has_envelope(m)))
		*out = msg_build(&d, m, raw, len);
	g_object_unref(m);
	decode_clear(&d);
	if (!envelope)
		return cause_set(cause, "not a message: no From, Date, "
		    "Message-ID or Subject header");
	return 0;
}

void
mime_msg_free(struct mime_msg *msg)
{
	if (msg == NULL)
		return;
	g_free(msg->message_id);
	g_free(msg->in_reply_to);
	g_free(msg->references);
	g_free(msg->from_addr);
	g_free(msg->from_name);
	g_free(msg->reply_to_addr);
	g_free(msg->reply_to_name);
	g_free(msg->reply_addr);
	g_free(msg->reply_name);
	g_free(msg->x_loop);
	g_free(msg->subject);
	g_free(msg->date);
	g_free(msg->date_local);
	g_strfreev(msg->auth_results);
	g_free(msg->text);
	g_free(msg->auto_reason);
	g_free(msg->warning);
	g_free(msg);
}

void
mime_init(void)
{
	g_mime_init();
}

void
mime_shutdown(void)
{
	g_mime_shutdown();
}
