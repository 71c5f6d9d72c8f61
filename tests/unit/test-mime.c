/*
 * test-mime.c -- decoding inbound mail: html_to_text(), mime_parse() on
 * small hand-made messages, and the corpus.
 *
 * The corpus is a directory of real-looking messages (MENTORMAIL_CORPUS,
 * default tests/corpus/mime, relative to the repository root).  Next to
 * each NAME.eml, NAME.expect says what it must decode to, one check a line:
 *
 *	subject: TEXT		a header field; "(none)" means NULL.  Also
 *				from_addr, from_name, reply_to_addr,
 *				message_id, in_reply_to, references, date
 *	auto: yes|no		whether auto_reason is set (default no)
 *	auto-contains: TEXT
 *	warning: yes|no		whether warning is set (default no)
 *	warning-contains: TEXT
 *	text-contains: TEXT	"\n" in TEXT stands for a line break
 *	text-lacks: TEXT
 *	text: none		no text at all
 *	unparseable: yes	mime_parse() fails with a cause
 *
 * Every corpus message becomes a test of its own, named after the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "mime.h"
#include "testlib.h"

#define CORPUS_DEFAULT	"tests/corpus/mime"
#define CORPUS_MIN	25

/* -------------------------------------------------------------------- */
/* Helpers. */

static void
assert_html(const char *html, const char *want)
{
	char	*text;

	text = html_to_text(html, strlen(html));
	if (strcmp(text, want) != 0)
		fail_msg("html_to_text(\"%s\")\n  got  \"%s\"\n  want \"%s\"",
		    html, text, want);
	g_free(text);
}

static struct mime_msg *
parse_ok(const char *raw, gsize len)
{
	struct mime_msg	*msg = NULL;
	char		*cause = NULL;

	if (mime_parse(raw, len, &msg, &cause) != 0)
		fail_msg("mime_parse failed: %s", cause);
	assert_non_null(msg);
	return msg;
}

static struct mime_msg *
parse_str(const char *raw)
{
	return parse_ok(raw, strlen(raw));
}

static void
assert_unparseable(const char *raw, gsize len)
{
	struct mime_msg	*msg = NULL;
	char		*cause = NULL;

	assert_int_equal(mime_parse(raw, len, &msg, &cause), -1);
	assert_null(msg);
	assert_non_null(cause);
	g_free(cause);
}

/* A header field must be valid UTF-8 with no control characters. */
static int
header_ok(const char *value)
{
	const char	*p;

	if (value == NULL)
		return 1;
	if (!g_utf8_validate(value, -1, NULL) || *value == '\0' ||
	    *value == ' ' || value[strlen(value) - 1] == ' ')
		return 0;
	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || *p == '\x7f')
			return 0;
	}
	return 1;
}

/* What mime.h promises of every decoded message; "" if all holds. */
static char *
invariants(const struct mime_msg *m)
{
	const char	*fields[] = {
		m->message_id, m->in_reply_to, m->references, m->from_addr,
		m->from_name, m->reply_to_addr, m->subject, m->date,
		m->auto_reason, m->warning,
	};
	gsize		 i;

	for (i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (!header_ok(fields[i]))
			return g_strdup_printf("bad header value \"%s\"",
			    fields[i]);
	}
	if (m->message_id != NULL && strpbrk(m->message_id, "<>") != NULL)
		return g_strdup("message_id has brackets");
	if (m->text == NULL)
		return g_strdup("");
	if (!g_utf8_validate(m->text, -1, NULL))
		return g_strdup("text is not valid UTF-8");
	if (strchr(m->text, '\r') != NULL)
		return g_strdup("text has a CR");
	if (strlen(m->text) > MIME_MAX_TEXT)
		return g_strdup("text longer than MIME_MAX_TEXT");
	return g_strdup("");
}

static void
assert_invariants(const struct mime_msg *m)
{
	char	*broken = invariants(m);

	if (*broken != '\0')
		fail_msg("%s", broken);
	g_free(broken);
}

/* -------------------------------------------------------------------- */
/* html_to_text(). */

static void
test_html_blocks(void **state)
{
	assert_html("<p>One</p><p>Two</p><div>Three</div>Four<br>Five",
	    "One\n\nTwo\n\nThree\nFour\nFive");
	assert_html("<P>Upper<BR>case</P>", "Upper\ncase");
	assert_html("<h1>Title</h1>text<hr>more", "Title\n\ntext\n\nmore");
}

static void
test_html_lists(void **state)
{
	assert_html("<p>Goals:</p><ul><li>Grants</li><li>Teens"
	    "<ul><li>STEM</li></ul></li></ul><p>Done</p>",
	    "Goals:\n\n- Grants\n- Teens\n  - STEM\n\nDone");
	assert_html("<ol><li>first<li>second</ol>", "- first\n- second");
	assert_html("<ul><li>1<ul><li>2<ul><li>3<ul><li>4<ul><li>5<ul><li>6",
	    "- 1\n  - 2\n    - 3\n      - 4\n      - 5\n      - 6");
}

static void
test_html_tables(void **state)
{
	/* a row is a line, its cells apart by tabs */
	assert_html("<table><tr><td>Name:</td><td>Jo Vang</td></tr>"
	    "<tr><th>Library</th><th>Wausau</th></tr></table>",
	    "Name:\tJo Vang\nLibrary\tWausau");
	/* a row of labels over a row of answers, empty cells kept */
	assert_html("<table><tr><td>Name</td><td>Phone</td><td>City</td></tr>"
	    "<tr><td>Jo</td><td></td><td>Wausau</td></tr></table>",
	    "Name\tPhone\tCity\nJo\t\tWausau");
	/* a cell of several lines gets lines of its own */
	assert_html("<table><tr><td>1.</td><td>Goals?</td>"
	    "<td><p>Grants.</p><p>Teens.</p></td><td>x</td></tr></table>",
	    "1.\tGoals?\nGrants.\n\nTeens.\nx");
	/* rows without </tr>, a table in a cell, a cell outside a row */
	assert_html("<table><tr><td>a<td>b<tr><td>c<td>d</table>",
	    "a\tb\nc\td");
	assert_html("<table><tr><td><table><tr><td>x</td><td>y</td></tr>"
	    "<tr><td>z</td></tr></table></td><td>w</td></tr></table>",
	    "x\ty\nz\nw");
	assert_html("<td>a</td><td>b</td>", "a b");
	/* a cell's mark in the text itself is nothing */
	assert_html("<table><tr><td>a\x01" "b</td></tr></table>", "ab");
}

static void
test_html_outlook_lines(void **state)
{
	/* <p class=MsoNormal> is a line; an empty one, a blank line */
	assert_html("<p class=MsoNormal>Hello,<o:p></o:p></p>"
	    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	    "<p class=\"MsoNormal\">Name: Jo</p>"
	    "<p class='MsoListParagraph'>Phone: 1</p><p>Thanks</p>",
	    "Hello,\n\nName: Jo\nPhone: 1\n\nThanks");
}

static void
test_html_entities(void **state)
{
	assert_html("&amp;&lt;&gt;&quot;&apos;&#39;", "&<>\"''");
	assert_html("caf&#233; caf&#xE9; caf&#XE9; caf&eacute;",
	    "café café café café");
	assert_html("I&#x2019;m &ldquo;in&rdquo; &mdash; &hellip;",
	    "I’m “in” — …");
	assert_html("a&nbsp;&nbsp;b", "a  b");
	/* Numeric references in 128..159 are windows-1252. */
	assert_html("I&#146;d &#150; &#128;5", "I’d – €5");
	/* Browsers accept a numeric reference without its ';'. */
	assert_html("Prot&#233g&#233", "Protégé");
}

static void
test_html_entities_bad(void **state)
{
	assert_html("AT&T &bogus; & &#; &#xZZ; &amp", "AT&T &bogus; & &#; "
	    "&#xZZ; &amp");
	assert_html("[&#0;][&#xD800;][&#1114112;][&#99999999999999;]",
	    "[\xef\xbf\xbd][\xef\xbf\xbd][\xef\xbf\xbd][\xef\xbf\xbd]");
}

static void
test_html_dropped(void **state)
{
	assert_html("<!DOCTYPE html><html><head><title>Template</title>"
	    "<style>p { color: red }</style></head><body>"
	    "<script type=\"text/javascript\">alert('<p>x</p>')</script>"
	    "Hi<!-- a comment -->!<?xml version=\"1.0\"?></body></html>",
	    "Hi!");
	assert_html("<STYLE>b{}</STYLE>kept<SCRIPT>x</SCRIPT>", "kept");
	assert_html("<script src=\"x.js\"/>Hello", "Hello");
	assert_html("text<script>never closed", "text");
	assert_html("a<!-- never closed", "a");
	assert_html("<![CDATA[x]]>ok<![endif]>", "ok");
}

static void
test_html_head(void **state)
{
	/* A <head> without </head> ends at <body>... */
	assert_html("<head><meta charset=utf-8><body>Text", "Text");
	/* ...and without either, only the tag goes. */
	assert_html("<head><title>T</title>Body text", "Body text");
	assert_html("<header>Banner</header>Body", "Banner\nBody");
}

static void
test_html_whitespace(void **state)
{
	assert_html("  a \n\t b  <b> c </b>  ", "a b c");
	assert_html("A<br><br><br><br><br>B", "A\n\nB");
	assert_html("<p>A</p>\n\n<p></p><p> </p><div></div><p>B</p>",
	    "A\n\nB");
	assert_html("one<br>  two", "one\ntwo");
	assert_html("<pre>  x  y\r\n z</pre>after", "  x  y\n z\n\nafter");
}

static void
test_html_invisible(void **state)
{
	assert_html("a&shy;b&zwnj;c\xe2\x80\x8b" "d\xc2\xa0" "e",
	    "abcd e");
}

static void
test_html_broken(void **state)
{
	char	*text;

	assert_html("a < b, c<3 and 1<2", "a < b, c<3 and 1<2");
	assert_html("text <a href=\"never", "text");
	assert_html("<p title=\"unclosed>Hello", "Hello");
	assert_html("<p class=x don't>quote", "quote");
	assert_html("<", "<");
	assert_html("&", "&");
	assert_html("</", "</");
	text = html_to_text("caf\xe9 \xff ok", 9);
	assert_true(g_utf8_validate(text, -1, NULL));
	assert_contains(text, "ok");
	g_free(text);
	text = html_to_text("a\0b", 3);
	assert_string_equal(text, "ab");
	g_free(text);
}

/* Hostile HTML must not make the work grow with the square of its size. */
static void
test_html_linear(void **state)
{
	static const char	*units[] = {
		"<head>", "<head><title>", "<p title=\"x>", "<!-- ", "&#x",
		"<ul><li>", "</ul>",
	};
	GString			*html;
	char			*text;
	gsize			 i, j;

	for (i = 0; i < G_N_ELEMENTS(units); i++) {
		html = g_string_new(NULL);
		for (j = 0; j < 200000; j++)
			g_string_append(html, units[i]);
		text = html_to_text(html->str, html->len);
		assert_true(g_utf8_validate(text, -1, NULL));
		g_free(text);
		g_string_free(html, TRUE);
	}
}

static void
test_html_empty(void **state)
{
	char	*text;

	text = html_to_text("", 0);
	assert_string_equal(text, "");
	g_free(text);
	text = html_to_text(NULL, 0);
	assert_string_equal(text, "");
	g_free(text);
	assert_html("<html><body><p></p></body></html>", "");
}

/* -------------------------------------------------------------------- */
/* mime_parse(): what is not a message. */

static void
test_parse_not_messages(void **state)
{
	static const char	garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct mime_msg		*msg = NULL;

	assert_unparseable("", 0);
	assert_unparseable(garbage, sizeof garbage - 1);
	assert_unparseable("just a line of text\n", 20);
	assert_unparseable("X-Foo: bar\n\nbody\n", 17);
	assert_unparseable("\n\nSubject: after a blank line\n", 29);
	/* A caller that does not want the cause may pass NULL. */
	assert_int_equal(mime_parse("", 0, &msg, NULL), -1);
	assert_int_equal(mime_parse(NULL, 0, &msg, NULL), -1);
	assert_null(msg);
	mime_msg_free(NULL);
}

static void
test_parse_minimal(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: hi\n\nbody\n");
	assert_string_equal(m->subject, "hi");
	assert_string_equal(m->text, "body\n");
	assert_null(m->message_id);
	assert_null(m->from_addr);
	assert_null(m->date);
	assert_null(m->auto_reason);
	assert_null(m->warning);
	mime_msg_free(m);
	m = parse_str("From: jo@example.org\n");
	assert_string_equal(m->from_addr, "jo@example.org");
	assert_null(m->text);
	mime_msg_free(m);
}

/* -------------------------------------------------------------------- */
/* mime_parse(): headers. */

static void
test_header_folding(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: Mentor\n\tapplication \n  for  2025\t\n\n");
	assert_string_equal(m->subject, "Mentor application for 2025");
	mime_msg_free(m);
	m = parse_str("Subject: =?utf-8?q?Hello=0D=0ABcc:_evil@x?=\n\n");
	assert_string_equal(m->subject, "Hello Bcc: evil@x");
	mime_msg_free(m);
	m = parse_str("Subject: =?utf-8?q?a=09b=00c=1Bd=7F?=\n"
	    "From: =?utf-8?b?Sm8NCkJjYzogeEB5?= <jo@x.example>\n\n");
	assert_invariants(m);
	assert_contains(m->subject, "a b");
	assert_string_equal(m->from_name, "Jo Bcc: x@y");
	mime_msg_free(m);
}

/* Every Authentication-Results header, the topmost first, folded. */
static void
test_header_authentication_results(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Authentication-Results: mx.example.org;\n"
	    "\tdmarc=pass header.from=example.org\n"
	    "Received: from a by b\n"
	    "authentication-results: mx.example.org; dmarc=fail\n"
	    "Subject: x\n\n");
	assert_non_null(m->auth_results);
	assert_string_equal(m->auth_results[0],
	    "mx.example.org; dmarc=pass header.from=example.org");
	assert_string_equal(m->auth_results[1], "mx.example.org; dmarc=fail");
	assert_null(m->auth_results[2]);
	mime_msg_free(m);
	m = parse_str("Subject: x\n\n");
	assert_null(m->auth_results);
	mime_msg_free(m);
}

static void
test_header_empty(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject:   \nMessage-ID: <>\nIn-Reply-To: \n"
	    "From: \nReferences: (nothing)\nDate: \n\n");
	assert_null(m->subject);
	assert_null(m->message_id);
	assert_null(m->in_reply_to);
	assert_null(m->references);
	assert_null(m->from_addr);
	assert_null(m->from_name);
	assert_null(m->date);
	mime_msg_free(m);
}

static void
test_header_ids(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Message-ID:\n <abc.123@mail.example>\n"
	    "In-Reply-To: <first@x> <second@x>\n"
	    "References: <a@x>\n\t<b@x> <c@x>\n\n");
	assert_string_equal(m->message_id, "abc.123@mail.example");
	assert_string_equal(m->in_reply_to, "first@x");
	assert_string_equal(m->references, "a@x b@x c@x");
	mime_msg_free(m);
	/* Some mailers leave the brackets off. */
	m = parse_str("Message-ID: bare@mail.example\n"
	    "In-Reply-To: parent@mail.example\n\n");
	assert_string_equal(m->message_id, "bare@mail.example");
	assert_string_equal(m->in_reply_to, "parent@mail.example");
	mime_msg_free(m);
	m = parse_str("Subject: x\nIn-Reply-To: your message of Monday\n\n");
	assert_null(m->in_reply_to);
	mime_msg_free(m);
}

static void
test_header_addresses(void **state)
{
	struct mime_msg	*m;

	m = parse_str("From: \"Albrecht, Kate\" "
	    "<Kate.Albrecht@Sheridan.EXAMPLE>, other@x.example\n"
	    "Reply-To: <Kate@Gmail.example>\n\n");
	assert_string_equal(m->from_addr, "kate.albrecht@sheridan.example");
	assert_string_equal(m->from_name, "Albrecht, Kate");
	assert_string_equal(m->reply_to_addr, "kate@gmail.example");
	mime_msg_free(m);
	m = parse_str("From: Applicants: Jo Vang <JO@X.example>;\n\n");
	assert_string_equal(m->from_addr, "jo@x.example");
	assert_string_equal(m->from_name, "Jo Vang");
	mime_msg_free(m);
	m = parse_str("From: MAILER-DAEMON\n\n");
	assert_string_equal(m->from_addr, "mailer-daemon");
	mime_msg_free(m);
}

/* Where an answer goes: the Reply-To when it has an address, else From. */
static void
test_header_reply_address(void **state)
{
	struct mime_msg	*m;

	m = parse_str("From: Web Forms <noreply@forms.example>\n"
	    "Reply-To: Pat Applicant <Pat@Example.NET>, other@example.net\n"
	    "Subject: x\n\nbody\n");
	assert_string_equal(m->reply_to_addr, "pat@example.net");
	assert_string_equal(m->reply_addr, "pat@example.net");
	assert_string_equal(m->reply_name, "Pat Applicant");
	assert_int_equal(m->reply_unclear, 0);
	mime_msg_free(m);
	m = parse_str("From: Pat <pat@example.net>\nSubject: x\n\nbody\n");
	assert_string_equal(m->reply_addr, "pat@example.net");
	assert_string_equal(m->reply_name, "Pat");
	mime_msg_free(m);
	/* A Reply-To without an address says nothing: the From it is. */
	m = parse_str("From: pat@example.net\nReply-To: undisclosed:;\n"
	    "Subject: x\n\nbody\n");
	assert_string_equal(m->reply_addr, "pat@example.net");
	assert_null(m->reply_name);
	mime_msg_free(m);
}

/* Every X-Loop, for intake.c to look for the program's address in. */
static void
test_header_x_loop(void **state)
{
	struct mime_msg	*m;

	m = parse_str("From: pat@example.net\nX-Loop: Mentoring@Example.org\n"
	    "Subject: x\nx-loop: <list@lists.example>\n\nbody\n");
	assert_string_equal(m->x_loop,
	    "mentoring@example.org <list@lists.example>");
	mime_msg_free(m);
	m = parse_str("From: pat@example.net\nSubject: x\n\nbody\n");
	assert_null(m->x_loop);
	mime_msg_free(m);
}

/*
 * A NUL or a control character in a header GMime would cut short: the
 * value is unclear, so not given at all, and the warning says so.
 */
static void
test_header_nul_is_unclear(void **state)
{
	static const struct {
		const char	*raw;
		size_t		 len;
		const char	*header;
	} cases[] = {
#define C(s, h)	{ s, sizeof s - 1, h }
		C("From: Pat <pat@example.net\0.evil.example>\nSubject: x\n"
		    "\nbody\n", "From"),
		C("From: pat@evil.example\0@example.net\nSubject: x\n\nb\n",
		    "From"),
		C("From: pat@example.net\001.evil\nSubject: x\n\nbody\n",
		    "From"),
		C("From: Pat\n <pat@example.net\177>\nSubject: x\n\nb\n",
		    "From"),
		C("From: noreply@forms.example\nReply-To: pat@example.net\0.x\n"
		    "Subject: x\n\nbody\n", "Reply-To"),
		C("From: p@example.net\nMessage-ID: <a\0b@example.net>\n"
		    "Subject: x\n\nbody\n", "Message-ID"),
		C("From: p@example.net\nIn-Reply-To: <r.1@example.org\0>\n"
		    "Subject: x\n\nbody\n", "In-Reply-To"),
		C("From: p@example.net\nSubject: Mentor\0 application\n\nb\n",
		    "Subject"),
#undef C
	};
	struct mime_msg	*m;
	char		*want;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		m = parse_ok(cases[i].raw, cases[i].len);
		assert_invariants(m);
		want = g_strdup_printf("%s: holds a NUL or control character",
		    cases[i].header);
		assert_contains(m->warning, want);
		g_free(want);
		if (strcmp(cases[i].header, "From") == 0) {
			assert_null(m->from_addr);
			assert_null(m->from_name);
			assert_null(m->reply_addr);
		} else if (strcmp(cases[i].header, "Reply-To") == 0) {
			assert_null(m->reply_to_addr);
			assert_int_equal(m->reply_unclear, 1);
			/* Not the From either: answers were asked elsewhere. */
			assert_null(m->reply_addr);
			assert_string_equal(m->from_addr,
			    "noreply@forms.example");
		} else if (strcmp(cases[i].header, "Message-ID") == 0)
			assert_null(m->message_id);
		else if (strcmp(cases[i].header, "In-Reply-To") == 0)
			assert_null(m->in_reply_to);
		else
			assert_null(m->subject);
		mime_msg_free(m);
	}
	/*
	 * Dovecot hands a NUL on as 0x80: no address can be read then, which
	 * is said, and a Reply-To like that is unclear.
	 */
	m = parse_str("From: Robin <robin@example.net\x80.evil.example>\n"
	    "Reply-To: robin@example.net\x80.evil.example\nSubject: x\n\nb\n");
	assert_null(m->from_addr);
	assert_null(m->reply_addr);
	assert_int_equal(m->reply_unclear, 1);
	assert_contains(m->warning, "From: no address can be read in it");
	assert_contains(m->warning, "Reply-To: no address can be read in it");
	mime_msg_free(m);
	m = parse_str("From: p@example.net\nReply-To: undisclosed:;\n"
	    "Subject: x\n\nb\n");
	assert_string_equal(m->reply_addr, "p@example.net");
	assert_null(m->warning);
	mime_msg_free(m);
	/* A TAB, folding and a NUL in the body are no header's business. */
	m = parse_ok("From: Pat\n\t<pat@example.net>\nSubject: x\n\nb\0dy\n",
	    sizeof "From: Pat\n\t<pat@example.net>\nSubject: x\n\nb\0dy\n" -
	    1);
	assert_string_equal(m->from_addr, "pat@example.net");
	assert_null(m->warning);
	mime_msg_free(m);
}

/* A NUL or control character in the text shows as its control picture. */
static void
test_text_control_pictures(void **state)
{
	static const char	raw[] = "Subject: x\nContent-Type: text/plain; "
	    "charset=utf-8\n\nEmail: pat@evil.example\0@example.net\n"
	    "bell\a esc\033 del\177 tab\tend\n";
	struct mime_msg		*m;

	m = parse_ok(raw, sizeof raw - 1);
	assert_invariants(m);
	assert_contains(m->text, "Email: pat@evil.example\u2400@example.net\n");
	assert_contains(m->text, "bell\u2407 esc\u241b del\u2421 tab\tend\n");
	mime_msg_free(m);
	/* Quoted-printable =00 is a NUL too. */
	m = parse_str("Subject: x\nContent-Type: text/plain\n"
	    "Content-Transfer-Encoding: quoted-printable\n\na=00b\n");
	assert_contains(m->text, "a\u2400b");
	mime_msg_free(m);
}

static void
test_header_date(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Date: Sat, 1 Mar 2025 23:30:00 -0800\n\n");
	assert_string_equal(m->date, "2025-03-02T07:30:00Z");
	mime_msg_free(m);
	m = parse_str("Date: 14 Feb 2025 09:05 +0100 (CET)\n\n");
	assert_string_equal(m->date, "2025-02-14T08:05:00Z");
	mime_msg_free(m);
	m = parse_str("Date: sometime next week\n\n");
	assert_null(m->date);
	mime_msg_free(m);
}

static void
test_header_8bit(void **state)
{
	struct mime_msg	*m;

	/* Raw UTF-8, then raw windows-1252, as mailers send them. */
	m = parse_str("Subject: Protégé\nFrom: Jos\xe9 <j@x.example>\n\n");
	assert_string_equal(m->subject, "Protégé");
	assert_string_equal(m->from_name, "José");
	mime_msg_free(m);
	m = parse_str("Subject: =?x-unknown?q?caf=E9?= \xff\xfe\n\n");
	assert_invariants(m);
	mime_msg_free(m);
}

/* -------------------------------------------------------------------- */
/* mime_parse(): text. */

static void
test_text_crlf(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: x\r\n\r\nline one\r\nline two\rthree\r\n");
	assert_string_equal(m->text, "line one\nline two\nthree\n");
	mime_msg_free(m);
}

static void
test_text_charsets(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: x\nContent-Type: text/plain; charset=latin1\n"
	    "\nI\x92m a prot\xe9g\xe9\n");
	assert_string_equal(m->text, "I’m a protégé\n");
	mime_msg_free(m);
	m = parse_str("Subject: x\nContent-Type: text/plain; charset=us-ascii\n"
	    "\nMislabelled UTF-8: protégé\n");
	assert_string_equal(m->text, "Mislabelled UTF-8: protégé\n");
	mime_msg_free(m);
	/*
	 * A stateful charset.  (Not ISO-2022-JP: its gconv module's $ORIGIN
	 * runpath trips a false report in valgrind on Debian 12.)
	 */
	m = parse_str("Subject: x\nContent-Type: text/plain; charset=utf-7\n"
	    "\nCaf+AOk- +ICY-\n");
	assert_string_equal(m->text, "Café …\n");
	mime_msg_free(m);
	m = parse_str("Subject: x\nContent-Type: text/plain; charset=koi8-r\n"
	    "\n\xf0\xd2\xc9\xd7\xc5\xd4\n");
	assert_string_equal(m->text, "Привет\n");
	mime_msg_free(m);
}

static void
test_text_utf16(void **state)
{
	struct mime_msg	*m;

	/* "Hi é\r\n" in UTF-16LE: the NUL bytes are part of the charset. */
	m = parse_str("Subject: x\nContent-Type: text/plain; charset=utf-16le\n"
	    "Content-Transfer-Encoding: base64\n\nSABpACAA6QANAAoA\n");
	assert_string_equal(m->text, "Hi é\n");
	mime_msg_free(m);
}

static void
test_text_invalid_bytes(void **state)
{
	static const char	raw[] = "Subject: x\n"
	    "Content-Type: text/plain; charset=utf-8\n\nbad \xff\xfe byte\0s\n";
	struct mime_msg		*m;

	m = parse_ok(raw, sizeof raw - 1);
	assert_invariants(m);
	assert_contains(m->text, "bad ");
	/* The NUL is shown, not dropped: "bytes" it would have made. */
	assert_contains(m->text, " byte\u2400s\n");
	assert_contains(m->warning, "invalid UTF-8");
	mime_msg_free(m);
	m = parse_str("Subject: x\nContent-Type: text/plain; charset=shift_jis"
	    "\n\nok \x81\n");
	assert_invariants(m);
	assert_contains(m->text, "ok ");
	assert_contains(m->warning, "shift_jis");
	mime_msg_free(m);
}

static void
test_warning_cap(void **state)
{
	struct mime_msg	*m;
	GString		*raw;
	int		 i;

	raw = g_string_new("Subject: x\nContent-Type: multipart/mixed; "
	    "boundary=z\n\n");
	for (i = 0; i < 150; i++)
		g_string_append_printf(raw, "--z\nContent-Type: text/plain; "
		    "charset=x-unknown-%03d\n\npart\n", i);
	g_string_append(raw, "--z--\n");
	m = parse_ok(raw->str, raw->len);
	assert_contains(m->warning, "x-unknown-000");
	assert_null(strstr(m->warning, "x-unknown-149"));
	assert_true(strlen(m->warning) < 1024);
	mime_msg_free(m);
	g_string_free(raw, TRUE);
}

static void
test_text_cap(void **state)
{
	struct mime_msg	*m;
	GString		*raw;
	gsize		 i;

	raw = g_string_new("Subject: long\nContent-Type: text/plain; "
	    "charset=utf-8\n\n");
	/* Two-byte characters, so the cut could land inside one. */
	for (i = 0; i < MIME_MAX_TEXT / 2 + 50000; i++)
		g_string_append(raw, i % 40 == 39 ? "\n" : "é");
	m = parse_ok(raw->str, raw->len);
	assert_invariants(m);
	assert_true(strlen(m->text) <= MIME_MAX_TEXT);
	assert_true(strlen(m->text) > MIME_MAX_TEXT - 4);
	assert_contains(m->warning, "truncated");
	mime_msg_free(m);
	g_string_free(raw, TRUE);
}

/* A text part inside `levels` multiparts, so at depth `levels`. */
static char *
nested_message(int levels)
{
	GString	*s;
	int	 i;

	s = g_string_new("Subject: nested\n");
	for (i = 0; i < levels; i++) {
		g_string_append_printf(s, "Content-Type: multipart/mixed; "
		    "boundary=b%d\n\n--b%d\n", i, i);
	}
	g_string_append(s, "Content-Type: text/plain\n\ninnermost text\n");
	for (i = levels - 1; i >= 0; i--)
		g_string_append_printf(s, "--b%d--\n", i);
	return g_string_free(s, FALSE);
}

static void
test_limit_depth(void **state)
{
	struct mime_msg	*m;
	char		*raw;

	raw = nested_message(MIME_MAX_DEPTH);
	m = parse_str(raw);
	assert_string_equal(m->text, "innermost text\n");
	assert_null(m->warning);
	mime_msg_free(m);
	g_free(raw);
	raw = nested_message(MIME_MAX_DEPTH + 1);
	m = parse_str(raw);
	assert_null(m->text);
	assert_contains(m->warning, "nested deeper");
	mime_msg_free(m);
	g_free(raw);
}

static void
test_limit_forward_depth(void **state)
{
	struct mime_msg	*m;
	GString		*raw;
	int		 i;

	/* Far deeper than GMime itself will go. */
	raw = g_string_new("Subject: loop\n");
	for (i = 0; i < 2000; i++)
		g_string_append(raw, "Content-Type: message/rfc822\n\n"
		    "Subject: again\n");
	g_string_append(raw, "\nbottom\n");
	m = parse_ok(raw->str, raw->len);
	assert_invariants(m);
	assert_contains(m->text, "----- forwarded message -----");
	assert_contains(m->warning, "nested deeper");
	mime_msg_free(m);
	g_string_free(raw, TRUE);
}

static char *
parts_message(int parts)
{
	GString	*s;
	int	 i;

	s = g_string_new("Subject: parts\nContent-Type: multipart/mixed; "
	    "boundary=p\n\n");
	for (i = 1; i <= parts; i++)
		g_string_append_printf(s, "--p\n\npart %d\n", i);
	g_string_append(s, "--p--\n");
	return g_string_free(s, FALSE);
}

static void
test_limit_parts(void **state)
{
	struct mime_msg	*m;
	char		*raw, *last;

	raw = parts_message(MIME_MAX_PARTS);
	m = parse_str(raw);
	last = g_strdup_printf("part %d\n", MIME_MAX_PARTS);
	assert_contains(m->text, last);
	assert_null(m->warning);
	mime_msg_free(m);
	g_free(raw);
	raw = parts_message(MIME_MAX_PARTS + 1);
	m = parse_str(raw);
	assert_contains(m->text, last);
	assert_null(strstr(m->text, "part 201"));
	assert_contains(m->warning, "parts");
	mime_msg_free(m);
	g_free(raw);
	g_free(last);
}

static void
test_text_sections(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: x\nContent-Type: multipart/mixed; boundary=z\n"
	    "\n--z\n\n\n\nbody\n\n\n--z\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment\n\nunnamed\n"
	    "--z\nContent-Type: text/html; name=\"form.html\"\n"
	    "Content-Disposition: attachment; filename=\"form.html\"\n\n"
	    "<p>Name: <b>Jo</b></p>\n"
	    "--z\nContent-Type: application/pdf; name=cv.pdf\n\n%PDF-1.4\n"
	    "--z--\n");
	assert_string_equal(m->text, "body\n\n"
	    "----- attachment: untitled -----\nunnamed\n\n"
	    "----- attachment: form.html -----\nName: Jo\n");
	mime_msg_free(m);
}

static void
test_text_filename_injection(void **state)
{
	struct mime_msg	*m;

	m = parse_str("Subject: x\nContent-Type: multipart/mixed; boundary=z\n"
	    "\n--z\n\nbody\n--z\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment; filename*=utf-8''a%0D%0AFrom%3A"
	    "%20x.txt\n\nform\n--z--\n");
	assert_contains(m->text, "----- attachment: a From: x.txt -----\n");
	mime_msg_free(m);
}

/* -------------------------------------------------------------------- */
/* mime_parse(): automatic mail, one header at a time. */

static const struct auto_case {
	const char	*from;
	const char	*headers;
	const char	*reason;	/* NULL: from a person */
} auto_cases[] = {
	{ "jo@x.example", "Auto-Submitted: auto-generated\n",
	    "Auto-Submitted: auto-generated" },
	{ "jo@x.example", "Auto-Submitted: AUTO-REPLIED (vacation)\n",
	    "Auto-Submitted: auto-replied" },
	{ "jo@x.example", "Auto-Submitted: auto-notified; owner=x\n",
	    "Auto-Submitted: auto-notified" },
	{ "jo@x.example", "Auto-Submitted: no\n", NULL },
	{ "jo@x.example", "Auto-Submitted: No ; why=not\n", NULL },
	{ "jo@x.example", "Precedence: bulk\n", "Precedence: bulk" },
	{ "jo@x.example", "Precedence: JUNK\n", "Precedence: junk" },
	{ "jo@x.example", "Precedence: list\n", "Precedence: list" },
	{ "jo@x.example", "Precedence: first-class\n", NULL },
	{ "jo@x.example", "List-Id: <leaders.lists.example>\n", "List-Id" },
	{ "jo@x.example", "list-post: <mailto:l@x.example>\n", "list-post" },
	{ "jo@x.example", "List-Unsubscribe: <https://x.example/u>\n",
	    "List-Unsubscribe" },
	{ "jo@x.example", "Listed-In: directory\n", NULL },
	{ "jo@x.example", "Return-Path: <>\n", "Return-Path: <>" },
	{ "jo@x.example", "Return-Path: < >\n", "Return-Path: <>" },
	{ "jo@x.example", "Return-Path: <jo@x.example>\n", NULL },
	{ "jo@x.example", "X-Auto-Response-Suppress: OOF, DR\n",
	    "X-Auto-Response-Suppress" },
	{ "jo@x.example", "X-Autoreply: yes\n", "X-Autoreply" },
	{ "jo@x.example", "X-Autorespond: vacation\n", "X-Autorespond" },
	{ "jo@x.example", "Feedback-ID: 1:campaign:sender\n", NULL },
	{ "jo@x.example", "X-Mailer: Microsoft Outlook 16.0\n", NULL },
	{ "MAILER-DAEMON@mx.example", "", "MAILER-DAEMON" },
	{ "Mail Delivery <Mailer-Daemon@mx.example>", "", "MAILER-DAEMON" },
	{ "MAILER-DAEMON (Mail Delivery System)", "", "MAILER-DAEMON" },
	{ "mailer-daemon-fan@x.example", "", NULL },
	/* The senders RFC 3834, section 2, says never to answer. */
	{ "postmaster@library.example", "", "postmaster" },
	{ "PostMaster+x@library.example", "", "postmaster" },
	{ "owner-wylib@lists.example", "", "owner-wylib" },
	{ "wylib-owner@lists.example", "", "list owner" },
	{ "wylib-request@lists.example", "", "request address" },
	{ "LISTSERV@lists.example", "", "list server" },
	{ "majordomo@lists.example", "", "list server" },
	{ "bounces+1234-pat=example.org@em.forms.example", "", "bounce" },
	{ "bounce-77-pat@em.example", "", "bounce" },
	{ "wylib-bounces@lists.example", "", "bounce" },
	{ "noreply@forms.example", "", "no-reply" },
	{ "No-Reply <no-reply@forms.example>", "", "no-reply" },
	{ "donotreply@forms.example", "", "no-reply" },
	{ "do-not-reply@forms.example", "", "no-reply" },
	/* A form service's no-reply From, answered at the Reply-To. */
	{ "noreply@forms.example", "Reply-To: pat@example.net\n", NULL },
	{ "jo@x.example", "Reply-To: wylib-request@lists.example\n",
	    "Reply-To <wylib-request@lists.example>" },
	{ "jo@x.example", "Reply-To: noreply@x.example\n", "no-reply" },
	/* Look-alikes from people. */
	{ "owner@x.example", "", NULL },
	{ "request-desk@x.example", "", NULL },
	{ "bouncer@x.example", "", NULL },
	{ "noreplyer@x.example", "", NULL },
	{ "norene.reply@x.example", "", NULL },
	{ "jo@x.example", "Content-Type: multipart/report; "
	    "report-type=delivery-status; boundary=b\n",
	    "multipart/report (delivery-status)" },
	{ "jo@x.example", "Content-Type: multipart/report; boundary=b\n",
	    "multipart/report" },
	{ "jo@x.example", "Content-Type: message/delivery-status\n",
	    "message/delivery-status part" },
	{ "jo@x.example", "Content-Type: message/disposition-notification\n",
	    "message/disposition-notification part" },
	{ "jo@x.example", "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: message/delivery-status\n",
	    "message/delivery-status part" },
};

static void
test_auto(void **state)
{
	const struct auto_case	*c;
	struct mime_msg		*m;
	char			*raw;
	gsize			 i;

	for (i = 0; i < G_N_ELEMENTS(auto_cases); i++) {
		c = &auto_cases[i];
		raw = g_strdup_printf("From: %s\nSubject: t\n%s\nbody\n",
		    c->from, c->headers);
		m = parse_str(raw);
		if (c->reason == NULL && m->auto_reason != NULL)
			fail_msg("case %zu: not automatic, but \"%s\"", i,
			    m->auto_reason);
		if (c->reason != NULL && (m->auto_reason == NULL ||
		    strcasestr(m->auto_reason, c->reason) == NULL))
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
			    c->reason, m->auto_reason);
		mime_msg_free(m);
		g_free(raw);
	}
}

/* -------------------------------------------------------------------- */
/* The corpus. */

static const char *
corpus_dir(void)
{
	const char	*dir = getenv("MENTORMAIL_CORPUS");

	return dir != NULL && *dir != '\0' ? dir : CORPUS_DEFAULT;
}

/* The corpus messages, sorted, as full paths.  Caller frees. */
static GPtrArray *
corpus_list(const char *dir)
{
	GPtrArray	*list;
	GDir		*d;
	const char	*name;

	list = g_ptr_array_new_with_free_func(g_free);
	if ((d = g_dir_open(dir, 0, NULL)) == NULL)
		return list;
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, ".eml"))
			g_ptr_array_add(list, g_build_filename(dir, name,
			    NULL));
	}
	g_dir_close(d);
	g_ptr_array_sort(list, ptr_strcmp);
	return list;
}

/* NAME.expect for NAME.eml.  Caller frees. */
static char *
expect_path(const char *eml)
{
	return g_strdup_printf("%.*s.expect", (int)strlen(eml) - 4, eml);
}

static void
test_corpus_complete(void **state)
{
	GPtrArray	*list;
	char		*expect;
	guint		 i;

	list = corpus_list(corpus_dir());
	if (list->len < CORPUS_MIN)
		fail_msg("%s: %u messages, want at least %d", corpus_dir(),
		    list->len, CORPUS_MIN);
	for (i = 0; i < list->len; i++) {
		expect = expect_path(list->pdata[i]);
		if (!g_file_test(expect, G_FILE_TEST_EXISTS))
			fail_msg("%s has no .expect file",
			    (char *)list->pdata[i]);
		g_free(expect);
	}
	g_ptr_array_free(list, TRUE);
}

static const struct expect_field {
	const char	*name;
	size_t		 offset;
} expect_fields[] = {
	{ "message_id", offsetof(struct mime_msg, message_id) },
	{ "in_reply_to", offsetof(struct mime_msg, in_reply_to) },
	{ "references", offsetof(struct mime_msg, references) },
	{ "from_addr", offsetof(struct mime_msg, from_addr) },
	{ "from_name", offsetof(struct mime_msg, from_name) },
	{ "reply_to_addr", offsetof(struct mime_msg, reply_to_addr) },
	{ "subject", offsetof(struct mime_msg, subject) },
	{ "date", offsetof(struct mime_msg, date) },
};

/* One corpus check; a failure is added to `errors`. */
struct check {
	const struct mime_msg	*msg;
	GString			*errors;
	int			 said_auto;
	int			 said_warning;
};

static void
check_error(struct check *c, const char *fmt, ...)
{
	va_list	ap;

	g_string_append(c->errors, "\n  ");
	va_start(ap, fmt);
	g_string_append_vprintf(c->errors, fmt, ap);
	va_end(ap);
}

static int
check_field(struct check *c, const char *key, const char *want)
{
	const char	*got;
	gsize		 i;

	for (i = 0; i < G_N_ELEMENTS(expect_fields); i++) {
		if (strcmp(expect_fields[i].name, key) != 0)
			continue;
		got = *(char *const *)((const char *)c->msg +
		    expect_fields[i].offset);
		if (strcmp(want, "(none)") == 0)
			want = NULL;
		if (g_strcmp0(got, want) != 0)
			check_error(c, "%s: got \"%s\", want \"%s\"", key,
			    got != NULL ? got : "(none)",
			    want != NULL ? want : "(none)");
		return 1;
	}
	return 0;
}

static void
check_flag(struct check *c, const char *key, const char *value,
    const char *got)
{
	int	want = strcmp(value, "yes") == 0;

	if (want != (got != NULL))
		check_error(c, "%s: want %s, got \"%s\"", key, value,
		    got != NULL ? got : "(none)");
}

static void
check_contains(struct check *c, const char *key, const char *hay,
    const char *needle, int want)
{
	if ((hay != NULL && strstr(hay, needle) != NULL) != want)
		check_error(c, "%s \"%s\" in \"%s\"", key, needle,
		    hay != NULL ? hay : "(none)");
}

static void
check_line(struct check *c, const char *key, const char *value)
{
	const struct mime_msg	*m = c->msg;

	if (check_field(c, key, value))
		return;
	if (strcmp(key, "auto") == 0) {
		c->said_auto = 1;
		check_flag(c, key, value, m->auto_reason);
	} else if (strcmp(key, "auto-contains") == 0)
		check_contains(c, key, m->auto_reason, value, 1);
	else if (strcmp(key, "warning") == 0) {
		c->said_warning = 1;
		check_flag(c, key, value, m->warning);
	} else if (strcmp(key, "warning-contains") == 0)
		check_contains(c, key, m->warning, value, 1);
	else if (strcmp(key, "text-contains") == 0)
		check_contains(c, key, m->text, value, 1);
	else if (strcmp(key, "text-lacks") == 0)
		check_contains(c, key, m->text, value, 0);
	else if (strcmp(key, "text") == 0 && strcmp(value, "none") == 0) {
		if (m->text != NULL)
			check_error(c, "text: want none, got \"%s\"", m->text);
	} else if (strcmp(key, "unparseable") != 0)
		check_error(c, "unknown check \"%s\"", key);
}

static void
check_all(struct check *c, char **lines)
{
	char	*colon, *value;

	for (; *lines != NULL; lines++) {
		if (**lines == '\0' || **lines == '#')
			continue;
		if ((colon = strchr(*lines, ':')) == NULL) {
			check_error(c, "bad line \"%s\"", *lines);
			continue;
		}
		*colon = '\0';
		value = unescape(colon + (colon[1] == ' ' ? 2 : 1));
		check_line(c, *lines, value);
		g_free(value);
	}
	if (!c->said_auto && c->msg->auto_reason != NULL)
		check_error(c, "auto: want no, got \"%s\"",
		    c->msg->auto_reason);
	if (!c->said_warning && c->msg->warning != NULL)
		check_error(c, "warning: want no, got \"%s\"", c->msg->warning);
}

static char **
expect_lines(const char *eml)
{
	char	*path, *body, **lines;

	path = expect_path(eml);
	if (!g_file_get_contents(path, &body, NULL, NULL))
		fail_msg("cannot read %s", path);
	lines = g_strsplit(body, "\n", -1);
	g_free(body);
	g_free(path);
	return lines;
}

static void
test_corpus_message(void **state)
{
	const char	*eml = *state;
	struct mime_msg	*m = NULL;
	struct check	 c;
	char		*raw, *cause = NULL, **lines, *broken;
	gsize		 len;
	int		 rc;

	if (!g_file_get_contents(eml, &raw, &len, NULL))
		fail_msg("cannot read %s", eml);
	lines = expect_lines(eml);
	rc = mime_parse(raw, len, &m, &cause);
	g_free(raw);
	if (g_strv_contains((const char *const *)lines, "unparseable: yes")) {
		g_strfreev(lines);
		if (rc != -1 || cause == NULL)
			fail_msg("%s: want unparseable", eml);
		g_free(cause);
		return;
	}
	if (rc != 0)
		fail_msg("%s: %s", eml, cause);
	memset(&c, 0, sizeof c);
	c.msg = m;
	c.errors = g_string_new(NULL);
	check_all(&c, lines);
	broken = invariants(m);
	if (*broken != '\0')
		check_error(&c, "%s", broken);
	g_free(broken);
	g_strfreev(lines);
	mime_msg_free(m);
	if (c.errors->len > 0)
		fail_msg("%s:%s", eml, c.errors->str);
	g_string_free(c.errors, TRUE);
}

/*
 * Hostile input: every corpus message cut short at many points, and with
 * bytes overwritten, must parse or fail cleanly, never crash or leak.
 */
static void
test_corpus_mangled(void **state)
{
	GPtrArray	*list;
	struct mime_msg	*m;
	char		*raw, *cause;
	gsize		 len, cut, step;
	guint		 i;

	list = corpus_list(corpus_dir());
	for (i = 0; i < list->len; i++) {
		if (!g_file_get_contents(list->pdata[i], &raw, &len, NULL))
			fail_msg("cannot read %s", (char *)list->pdata[i]);
		step = len / 12 + 1;
		for (cut = 0; cut < len; cut += step) {
			m = NULL;
			cause = NULL;
			raw[(cut * 7) % len] ^= 0x80;
			if (mime_parse(raw, len - cut / 2, &m, &cause) == 0) {
				assert_invariants(m);
				mime_msg_free(m);
			}
			g_free(cause);
		}
		g_free(raw);
	}
	g_ptr_array_free(list, TRUE);
}

static int
run_corpus(void)
{
	GPtrArray		*list;
	struct CMUnitTest	*tests;
	guint			 i;
	int			 failed;

	list = corpus_list(corpus_dir());
	if (list->len == 0) {
		g_ptr_array_free(list, TRUE);
		return 0;
	}
	tests = g_new0(struct CMUnitTest, list->len);
	for (i = 0; i < list->len; i++) {
		tests[i].name = strrchr(list->pdata[i], '/') != NULL ?
		    strrchr(list->pdata[i], '/') + 1 : list->pdata[i];
		tests[i].test_func = test_corpus_message;
		tests[i].initial_state = list->pdata[i];
	}
	/* The public macro wants an array of a size known when compiling. */
	failed = _cmocka_run_group_tests("corpus", tests, list->len, NULL,
	    NULL);
	g_free(tests);
	g_ptr_array_free(list, TRUE);
	return failed;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_blocks),
		cmocka_unit_test(test_html_lists),
		cmocka_unit_test(test_html_tables),
		cmocka_unit_test(test_html_outlook_lines),
		cmocka_unit_test(test_html_entities),
		cmocka_unit_test(test_html_entities_bad),
		cmocka_unit_test(test_html_dropped),
		cmocka_unit_test(test_html_head),
		cmocka_unit_test(test_html_whitespace),
		cmocka_unit_test(test_html_invisible),
		cmocka_unit_test(test_html_broken),
		cmocka_unit_test(test_html_linear),
		cmocka_unit_test(test_html_empty),
		cmocka_unit_test(test_parse_not_messages),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_header_folding),
		cmocka_unit_test(test_header_authentication_results),
		cmocka_unit_test(test_header_empty),
		cmocka_unit_test(test_header_ids),
		cmocka_unit_test(test_header_addresses),
		cmocka_unit_test(test_header_reply_address),
		cmocka_unit_test(test_header_x_loop),
		cmocka_unit_test(test_header_nul_is_unclear),
		cmocka_unit_test(test_text_control_pictures),
		cmocka_unit_test(test_header_date),
		cmocka_unit_test(test_header_8bit),
		cmocka_unit_test(test_text_crlf),
		cmocka_unit_test(test_text_charsets),
		cmocka_unit_test(test_text_utf16),
		cmocka_unit_test(test_text_invalid_bytes),
		cmocka_unit_test(test_text_cap),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_text_sections),
		cmocka_unit_test(test_text_filename_injection),
		cmocka_unit_test(test_limit_depth),
		cmocka_unit_test(test_limit_forward_depth),
		cmocka_unit_test(test_limit_parts),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_corpus_complete),
		cmocka_unit_test(test_corpus_mangled),
	};
	int	failed;

	mime_init();
	failed = cmocka_run_group_tests_name("mime", tests, NULL, NULL);
	failed += run_corpus();
	mime_shutdown();
	return failed != 0;
}
