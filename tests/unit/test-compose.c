/*
 * test-compose.c -- outgoing messages as compose.h promises them: the
 * headers a reader sees, their encodings, the body and attachments, and
 * that no value copied from a message can add a header or a recipient.
 *
 * Each message is parsed back with GMime, as a mail client would read it,
 * and its bytes are checked as an SMTP server would see them.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "compose.h"
#include "mime.h"
#include "testlib.h"

#define FROM_NAME	"Wyoming Library Association Mentoring Program"
#define FROM_ADDR	"mentoring@example.org"

/* A message composed and parsed back. */
struct composed {
	char		*raw;
	size_t		 len;
	char		*id;
	GMimeMessage	*msg;
};

/* The usual message; tests change what they are about. */
static struct compose
base(GDateTime *date)
{
	struct compose	c = {
		.from_name = FROM_NAME,
		.from_addr = FROM_ADDR,
		.to_name = "Ann Mentee",
		.to_addr = "ann@example.net",
		.subject = "Your application",
		.body = "Dear Ann,\nthank you.\n",
		.auto_submitted = COMPOSE_AUTO_REPLIED,
		.date = date,
	};

	return c;
}

static GDateTime *
date_new(void)
{
	GTimeZone	*tz = g_time_zone_new_identifier("America/Denver");
	GDateTime	*d = g_date_time_new(tz, 2026, 9, 1, 8, 30, 5);

	g_time_zone_unref(tz);
	return d;
}

static GMimeMessage *
parse(const char *raw, size_t len)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	assert_non_null(msg);
	return msg;
}

/*
 * What an SMTP server and RFC 5322 want: CRLF line ends only, 7-bit, no
 * NUL, lines of at most 998 bytes.
 */
static void
assert_wire_safe(const char *raw, size_t len)
{
	size_t	i, line = 0;

	for (i = 0; i < len; i++) {
		if ((unsigned char)raw[i] >= 0x80 || raw[i] == '\0')
			fail_msg("byte %zu is 0x%02x", i,
			    (unsigned char)raw[i]);
		if (raw[i] == '\r' && (i + 1 == len || raw[i + 1] != '\n'))
			fail_msg("bare CR at byte %zu", i);
		if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
			fail_msg("bare LF at byte %zu", i);
		line = raw[i] == '\n' ? 0 : line + 1;
		if (line > 999)
			fail_msg("line longer than 998 bytes at byte %zu", i);
	}
	assert_true(len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n');
}

static void
composed_ok(const struct compose *c, struct composed *out)
{
	char	*cause = NULL;

	memset(out, 0, sizeof *out);
	if (compose_message(c, &out->raw, &out->len, &out->id, &cause) != 0)
		fail_msg("compose_message: %s", cause);
	assert_null(cause);
	assert_int_equal(strlen(out->raw), out->len);
	assert_wire_safe(out->raw, out->len);
	out->msg = parse(out->raw, out->len);
}

static void
composed_free(struct composed *c)
{
	g_free(c->raw);
	g_free(c->id);
	if (c->msg != NULL)
		g_object_unref(c->msg);
}

/* How many header lines of the top-level header block are named `name`. */
static int
raw_header_count(const char *raw, const char *name)
{
	char	**lines, *want;
	int	  i, n = 0;

	want = g_strconcat(name, ":", NULL);
	lines = g_strsplit(raw, "\r\n", -1);
	for (i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
		n += g_ascii_strncasecmp(lines[i], want, strlen(want)) == 0;
	g_strfreev(lines);
	g_free(want);
	return n;
}

/* How many headers GMime found named `name`. */
static int
header_count(GMimeObject *o, const char *name)
{
	GMimeHeaderList	*list = g_mime_object_get_header_list(o);
	int		 i, n = 0;

	for (i = 0; i < g_mime_header_list_get_count(list); i++)
		n += g_ascii_strcasecmp(g_mime_header_get_name(
		    g_mime_header_list_get_header_at(list, i)), name) == 0;
	return n;
}

static const char *
header(GMimeMessage *m, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(m), name);
}

static void
assert_no_line_break(const char *s)
{
	assert_non_null(s);
	if (strpbrk(s, "\r\n") != NULL)
		fail_msg("\"%s\" holds a line break", s);
}

/* The only mailbox in list `type`: its address and name. */
static InternetAddressMailbox *
only_mailbox(GMimeMessage *m, GMimeAddressType type)
{
	InternetAddressList	*list = g_mime_message_get_addresses(m, type);

	assert_int_equal(internet_address_list_length(list), 1);
	return INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(list,
	    0));
}

/* Exactly one To, to `addr`, and nothing else that sends mail anywhere. */
static void
assert_one_recipient(struct composed *c, const char *addr)
{
	InternetAddressMailbox	*to;
	const char		*name;

	assert_int_equal(raw_header_count(c->raw, "To"), 1);
	assert_int_equal(header_count(GMIME_OBJECT(c->msg), "To"), 1);
	assert_int_equal(raw_header_count(c->raw, "Cc"), 0);
	assert_int_equal(raw_header_count(c->raw, "Bcc"), 0);
	assert_int_equal(header_count(GMIME_OBJECT(c->msg), "Bcc"), 0);
	to = only_mailbox(c->msg, GMIME_ADDRESS_TYPE_TO);
	assert_string_equal(internet_address_mailbox_get_addr(to), addr);
	name = internet_address_get_name(INTERNET_ADDRESS(to));
	if (name != NULL)
		assert_no_line_break(name);
	assert_int_equal(internet_address_list_length(
	    g_mime_message_get_addresses(c->msg, GMIME_ADDRESS_TYPE_BCC)), 0);
	assert_int_equal(internet_address_list_length(
	    g_mime_message_get_addresses(c->msg, GMIME_ADDRESS_TYPE_CC)), 0);
}

/* The decoded content of a leaf part, NUL-terminated after *len bytes. */
static char *
part_bytes(GMimeObject *part, size_t *len)
{
	GMimeDataWrapper	*w = g_mime_part_get_content(GMIME_PART(part));
	GMimeStream		*out = g_mime_stream_mem_new();
	GByteArray		*bytes;
	char			*data;

	g_mime_data_wrapper_write_to_stream(w, out);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	*len = bytes->len;
	data = g_malloc(bytes->len + 1);
	memcpy(data, bytes->data, bytes->len);
	data[bytes->len] = '\0';
	g_object_unref(out);
	return data;
}

static char *
part_text(GMimeObject *part)
{
	size_t	len;

	return part_bytes(part, &len);
}

/* The envelope headers. */

static void
test_headers(void **state)
{
	GDateTime		*date = date_new(), *got;
	struct compose		 c = base(date);
	struct composed		 out;
	InternetAddressMailbox	*from;
	char			*want;

	composed_ok(&c, &out);
	from = only_mailbox(out.msg, GMIME_ADDRESS_TYPE_FROM);
	assert_string_equal(internet_address_mailbox_get_addr(from), FROM_ADDR);
	assert_string_equal(internet_address_get_name(INTERNET_ADDRESS(from)),
	    FROM_NAME);
	assert_one_recipient(&out, "ann@example.net");
	assert_string_equal(internet_address_get_name(INTERNET_ADDRESS(
	    only_mailbox(out.msg, GMIME_ADDRESS_TYPE_TO))), "Ann Mentee");
	assert_string_equal(g_mime_message_get_subject(out.msg),
	    "Your application");
	got = g_mime_message_get_date(out.msg);
	assert_non_null(got);
	assert_int_equal(g_date_time_to_unix(got), g_date_time_to_unix(date));
	assert_contains(out.raw, "Date: Tue, 01 Sep 2026 08:30:05 -0600\r\n");
	assert_string_equal(header(out.msg, "Auto-Submitted"), "auto-replied");
	assert_string_equal(header(out.msg, "MIME-Version"), "1.0");
	assert_null(header(out.msg, "In-Reply-To"));
	assert_null(header(out.msg, "References"));
	want = g_strdup_printf("<%s>", out.id);
	assert_string_equal(header(out.msg, "Message-ID"), want);
	g_free(want);
	composed_free(&out);
	g_date_time_unref(date);
}

static void
test_message_id(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 a, b;

	composed_ok(&c, &a);
	composed_ok(&c, &b);
	assert_true(g_str_has_suffix(a.id, "@example.org"));
	assert_true(g_str_has_prefix(a.id, "20260901143005."));
	assert_null(strchr(a.id, '<'));
	assert_string_not_equal(a.id, b.id);
	assert_string_equal(g_mime_message_get_message_id(a.msg), a.id);
	composed_free(&a);
	composed_free(&b);
	g_date_time_unref(date);
}

static void
test_reply_headers(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.in_reply_to = "q1@mail.example.net";
	c.references = "<q0@mail.example.net> q1@mail.example.net";
	composed_ok(&c, &out);
	assert_string_equal(header(out.msg, "In-Reply-To"),
	    "<q1@mail.example.net>");
	assert_string_equal(header(out.msg, "References"),
	    "<q0@mail.example.net> <q1@mail.example.net>");
	composed_free(&out);
	g_date_time_unref(date);
}

/* A long thread keeps its last COMPOSE_MAX_REFERENCES ids. */
static void
test_references_limit(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	GString		*refs = g_string_new(NULL);
	const char	*got;
	int		 i;

	for (i = 1; i <= 30; i++)
		g_string_append_printf(refs, "<m%d@example.net> ", i);
	c.references = refs->str;
	composed_ok(&c, &out);
	got = header(out.msg, "References");
	assert_non_null(got);
	assert_null(strstr(got, "<m10@example.net>"));
	assert_contains(got, "<m11@example.net>");
	assert_contains(got, "<m30@example.net>");
	composed_free(&out);
	g_string_free(refs, TRUE);
	g_date_time_unref(date);
}

static void
test_auto_generated(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.auto_submitted = COMPOSE_AUTO_GENERATED;
	composed_ok(&c, &out);
	assert_string_equal(header(out.msg, "Auto-Submitted"),
	    "auto-generated");
	composed_free(&out);
	g_date_time_unref(date);
}

/* Non-ASCII goes as RFC 2047 in UTF-8, and comes back the same. */
static void
test_utf8_headers(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.subject = "Réponse à votre candidature – merci";
	c.to_name = "Zoë Ångström";
	composed_ok(&c, &out);
	assert_contains(out.raw, "Subject: =?UTF-8?");
	assert_string_equal(g_mime_message_get_subject(out.msg), c.subject);
	assert_string_equal(internet_address_get_name(INTERNET_ADDRESS(
	    only_mailbox(out.msg, GMIME_ADDRESS_TYPE_TO))), "Zoë Ångström");
	assert_contains(out.raw, "To: =?UTF-8?");
	composed_free(&out);
	g_date_time_unref(date);
}

/* Names with specials are quoted, not taken for more addresses. */
static void
test_name_specials(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.to_name = "Doe, Jane \"JD\" <boss@evil.example>";
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	assert_string_equal(internet_address_get_name(INTERNET_ADDRESS(
	    only_mailbox(out.msg, GMIME_ADDRESS_TYPE_TO))), c.to_name);
	composed_free(&out);
	g_date_time_unref(date);
}

/* The body. */

static void
test_body_ascii(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	GMimeObject	*part;
	char		*text;

	c.body = "Dear Ann,\r\n.a line with a dot\nmixed\rend";
	composed_ok(&c, &out);
	part = g_mime_message_get_mime_part(out.msg);
	assert_true(GMIME_IS_TEXT_PART(part));
	assert_string_equal(g_mime_object_get_content_type_parameter(part,
	    "charset"), "utf-8");
	assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(part)),
	    GMIME_CONTENT_ENCODING_7BIT);
	text = part_text(part);
	assert_string_equal(text, "Dear Ann,\r\n.a line with a dot\r\n"
	    "mixed\r\nend\r\n");
	g_free(text);
	composed_free(&out);
	g_date_time_unref(date);
}

/* A line starting "From " (which mbox files mangle) comes back as is. */
static void
test_body_from_line(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	char		*text;

	c.body = "Hello\nFrom here on\n";
	composed_ok(&c, &out);
	text = part_text(g_mime_message_get_mime_part(out.msg));
	assert_string_equal(text, "Hello\r\nFrom here on\r\n");
	g_free(text);
	composed_free(&out);
	g_date_time_unref(date);
}

/* Non-ASCII and overlong lines need quoted-printable; both come back. */
static void
test_body_quoted_printable(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	GMimeObject	*part;
	GString		*body = g_string_new("Chère Zoë, ça va ?\n");
	char		*text, *want, **lines;
	int		 i;

	for (i = 0; i < 300; i++)
		g_string_append(body, "long ");
	g_string_append_c(body, '\n');
	c.body = body->str;
	composed_ok(&c, &out);
	part = g_mime_message_get_mime_part(out.msg);
	assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(part)),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	assert_contains(out.raw, "Content-Type: text/plain; charset=utf-8");
	text = part_text(part);
	lines = g_strsplit(body->str, "\n", -1);
	want = g_strjoinv("\r\n", lines);
	assert_string_equal(text, want);
	g_strfreev(lines);
	g_free(want);
	g_free(text);
	g_string_free(body, TRUE);
	composed_free(&out);
	g_date_time_unref(date);
}

static void
test_body_invalid_utf8(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	char		*text;

	c.body = "caf\xe9 \xff\n";
	composed_ok(&c, &out);
	text = part_text(g_mime_message_get_mime_part(out.msg));
	assert_true(g_utf8_validate(text, -1, NULL));
	assert_true(g_str_has_prefix(text, "caf"));
	g_free(text);
	composed_free(&out);
	g_date_time_unref(date);
}

/* Injection: no value may add a header or a recipient. */

static void
test_injection_subject(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.subject = "Hi\r\nBcc: evil@x";
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	assert_no_line_break(g_mime_message_get_subject(out.msg));
	assert_string_equal(g_mime_message_get_subject(out.msg),
	    "Hi  Bcc: evil@x");
	assert_int_equal(raw_header_count(out.raw, "Subject"), 1);
	composed_free(&out);
	g_date_time_unref(date);
}

static void
test_injection_encoded_name(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.to_name = "=?utf-8?q?A=0D=0ABcc=3A_x=40y?=";
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	assert_null(strstr(out.raw, "=0D"));
	assert_null(strstr(out.raw, "=0A"));
	composed_free(&out);
	g_date_time_unref(date);
}

/* Encoded twice over, in the subject, with a NUL and a TAB too. */
static void
test_injection_nested_encoding(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	const char	*subject;

	c.subject = "=?utf-8?q?=3D=3Futf-8=3Fq=3FA=3D0D=3D0ABcc=3D3A_x=3D40y"
	    "=3F=3D?= =?utf-8?q?B=00C=09D?=";
	c.from_name = "Program\nReply-To: evil@x";
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	subject = g_mime_message_get_subject(out.msg);
	assert_no_line_break(subject);
	assert_null(strchr(subject, '\t'));
	assert_int_equal(raw_header_count(out.raw, "Reply-To"), 0);
	assert_int_equal(raw_header_count(out.raw, "From"), 1);
	assert_null(strstr(out.raw, "=0D"));
	assert_null(strstr(out.raw, "=00"));
	composed_free(&out);
	g_date_time_unref(date);
}

/* An encoded-word that keeps decoding is broken, not left to a reader. */
static void
test_injection_endless_encoding(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	char		*s = g_strdup("A\r\nBcc: x@y"), *b64;
	int		 i;

	for (i = 0; i < 12; i++) {
		b64 = g_base64_encode((const guchar *)s, strlen(s));
		g_free(s);
		s = g_strdup_printf("=?utf-8?b?%s?=", b64);
		g_free(b64);
	}
	c.subject = s;
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	assert_no_line_break(g_mime_message_get_subject(out.msg));
	composed_free(&out);
	g_free(s);
	g_date_time_unref(date);
}

static void
test_injection_references(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;

	c.in_reply_to = "<q1@example.net>\r\nBcc: z@example.net";
	c.references = "<q0@example.net>\r\nBcc: z@example.net <bad id@x>";
	composed_ok(&c, &out);
	assert_one_recipient(&out, "ann@example.net");
	assert_string_equal(header(out.msg, "In-Reply-To"),
	    "<q1@example.net>");
	assert_string_equal(header(out.msg, "References"),
	    "<q0@example.net> <z@example.net> <id@x>");
	composed_free(&out);
	g_date_time_unref(date);
}

/* Addresses are refused, not mended: a mended one is someone else's. */
static void
test_injection_address(void **state)
{
	static const char *const bad[] = {
		"a@b\r\nBcc: c@d", "a@b\nc@d", "a@b>", "<a@b>", "a@b, c@d",
		"a@b;c@d", "a b@c.org", "\"a\"@b.org", "a@b@c.org", "@b.org",
		"a@", "", "zoë@example.org", "a@b.org\t", "a(x)@b.org",
		"a\\b@c.org", "a@[1.2.3.4]", "a:b@c.org",
	};
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	char		*raw = NULL, *id = NULL, *cause, *local, *long_addr;
	size_t		 i, len;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		c.to_addr = bad[i];
		cause = NULL;
		assert_int_equal(compose_message(&c, &raw, &len, &id, &cause),
		    -1);
		assert_null(raw);
		assert_non_null(cause);
		assert_no_line_break(cause);
		assert_int_equal(compose_address_valid(bad[i]), 0);
		g_free(cause);
	}
	local = g_strnfill(250, 'a');
	long_addr = g_strdup_printf("%s@example.org", local);
	g_free(local);
	assert_int_equal(compose_address_valid(long_addr), 0);
	assert_int_equal(compose_address_valid(NULL), 0);
	assert_int_equal(compose_address_valid("o'brien+x@mail.example.org"),
	    1);
	g_free(long_addr);
	g_date_time_unref(date);
}

/* Attachments. */

struct files {
	char	*dir;
	char	*paths[6];
};

static char *
file_make(struct files *f, const char *name, const char *data, size_t len)
{
	char	*path = g_build_filename(f->dir, name, NULL);

	assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
	return path;
}

static void
files_free(struct files *f)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(f->paths); i++) {
		if (f->paths[i] != NULL)
			g_remove(f->paths[i]);
		g_free(f->paths[i]);
	}
	g_rmdir(f->dir);
	g_free(f->dir);
}

static void
assert_type(GMimeObject *o, const char *want)
{
	char	*type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(o));

	assert_string_equal(type, want);
	g_free(type);
}

static GMimeObject *
part_at(GMimeMessage *m, int i)
{
	GMimeObject	*top = g_mime_message_get_mime_part(m);

	assert_true(GMIME_IS_MULTIPART(top));
	assert_type(top, "multipart/mixed");
	return g_mime_multipart_get_part(GMIME_MULTIPART(top), i);
}

static void
assert_part(GMimeObject *part, const char *type, const char *filename)
{
	assert_type(part, type);
	if (filename != NULL)
		assert_string_equal(g_mime_part_get_filename(GMIME_PART(part)),
		    filename);
}

static void
test_attachments(void **state)
{
	static const char pdf[] = "%PDF-1.4\n\x80\x81\x00\x01 binary";
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct composed	 out;
	struct files	 f = { .dir = g_dir_make_tmp("test-compose.XXXXXX",
	    NULL) };
	char		*text;
	size_t		 len;

	f.paths[0] = file_make(&f, "Guide été.txt", "Bienvenue à tous\n", 18);
	f.paths[1] = file_make(&f, "Form.PDF", pdf, sizeof pdf - 1);
	f.paths[2] = file_make(&f, "data.bin", "\x01\x02", 2);
	f.paths[3] = file_make(&f, "latin1.txt", "caf\xe9\n", 5);
	c.attachments = (const char *const *)f.paths;
	composed_ok(&c, &out);
	assert_part(part_at(out.msg, 0), "text/plain", NULL);
	assert_part(part_at(out.msg, 1), "text/plain", "Guide été.txt");
	assert_string_equal(g_mime_object_get_content_type_parameter(
	    part_at(out.msg, 1), "charset"), "utf-8");
	text = part_text(part_at(out.msg, 1));
	assert_string_equal(text, "Bienvenue à tous\r\n");
	g_free(text);
	assert_part(part_at(out.msg, 2), "application/pdf", "Form.PDF");
	assert_int_equal(g_mime_part_get_content_encoding(GMIME_PART(
	    part_at(out.msg, 2))), GMIME_CONTENT_ENCODING_BASE64);
	text = part_bytes(part_at(out.msg, 2), &len);
	assert_int_equal(len, sizeof pdf - 1);
	assert_memory_equal(text, pdf, len);
	g_free(text);
	assert_part(part_at(out.msg, 3), "application/octet-stream",
	    "data.bin");
	assert_part(part_at(out.msg, 4), "application/octet-stream",
	    "latin1.txt");
	assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(
	    g_mime_message_get_mime_part(out.msg))), 5);
	assert_one_recipient(&out, "ann@example.net");
	composed_free(&out);
	files_free(&f);
	g_date_time_unref(date);
}

/* A file made for the mail (an export) goes before the configured ones. */
static void
test_files_made_for_the_mail(void **state)
{
	static const char csv[] = "match,mentor_name\r\n4,Dana\r\n";
	GDateTime		*date = date_new();
	struct compose		 c = base(date);
	struct compose_file	 file = { "stipends.csv", csv, sizeof csv - 1 };
	struct composed		 out;
	char			*text;

	c.files = &file;
	c.nfiles = 1;
	composed_ok(&c, &out);
	assert_part(part_at(out.msg, 0), "text/plain", NULL);
	assert_part(part_at(out.msg, 1), "text/csv", "stipends.csv");
	text = part_text(part_at(out.msg, 1));
	assert_string_equal(text, csv);
	g_free(text);
	assert_int_equal(g_mime_multipart_get_count(GMIME_MULTIPART(
	    g_mime_message_get_mime_part(out.msg))), 2);
	composed_free(&out);
	g_date_time_unref(date);
}

static void
test_attachment_refused(void **state)
{
	GDateTime	*date = date_new();
	struct compose	 c = base(date);
	struct files	 f = { .dir = g_dir_make_tmp("test-compose.XXXXXX",
	    NULL) };
	char		*raw = NULL, *id = NULL, *cause = NULL;
	size_t		 len;
	FILE		*big;

	f.paths[0] = g_build_filename(f.dir, "missing.pdf", NULL);
	c.attachments = (const char *const *)f.paths;
	assert_int_equal(compose_message(&c, &raw, &len, &id, &cause), -1);
	assert_contains(cause, "missing.pdf");
	assert_null(raw);
	g_free(cause);
	g_free(f.paths[0]);
	f.paths[0] = g_build_filename(f.dir, "big.pdf", NULL);
	big = fopen(f.paths[0], "w");
	assert_non_null(big);
	assert_int_equal(ftruncate(fileno(big), COMPOSE_MAX_ATTACHMENT + 1), 0);
	fclose(big);
	cause = NULL;
	assert_int_equal(compose_message(&c, &raw, &len, &id, &cause), -1);
	assert_contains(cause, "larger than");
	g_free(cause);
	files_free(&f);
	g_date_time_unref(date);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_reply_headers),
		cmocka_unit_test(test_references_limit),
		cmocka_unit_test(test_auto_generated),
		cmocka_unit_test(test_utf8_headers),
		cmocka_unit_test(test_name_specials),
		cmocka_unit_test(test_body_ascii),
		cmocka_unit_test(test_body_from_line),
		cmocka_unit_test(test_body_quoted_printable),
		cmocka_unit_test(test_body_invalid_utf8),
		cmocka_unit_test(test_injection_subject),
		cmocka_unit_test(test_injection_encoded_name),
		cmocka_unit_test(test_injection_nested_encoding),
		cmocka_unit_test(test_injection_endless_encoding),
		cmocka_unit_test(test_injection_references),
		cmocka_unit_test(test_injection_address),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_attachment_refused),
		cmocka_unit_test(test_files_made_for_the_mail),
	};

	return cmocka_run_group_tests(tests, mime_group_setup,
	    mime_group_teardown);
}
