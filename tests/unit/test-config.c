/*
 * test-config.c -- the configuration file, as config.h promises it.
 *
 * Each test writes its mentormail.conf into a directory of its own and
 * loads it.  Configurations are written one line per string literal, so
 * that the line a problem is reported on can be counted in the source.
 */
#include <sys/stat.h>

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

#include "config.h"
#include "testlib.h"

/*
 * Every required key, nothing else: [program] is lines 1-5 and [imap]
 * lines 6-9, so a line appended after both is line 10.
 */
#define PROGRAM_LINES						\
	"[program]\n"						\
	"name = Wyoming Mentoring\n"				\
	"address = mentoring@example.org\n"			\
	"coordinators = coordinator@example.org\n"		\
	"database = state.db\n"
#define IMAP_LINES						\
	"[imap]\n"						\
	"host = imap.example.org\n"				\
	"username = mentoring@example.org\n"			\
	"password_file = imap.password\n"
#define MINIMAL	PROGRAM_LINES IMAP_LINES

struct fixture {
	char	*dir;		/* the test's own directory */
	char	*path;		/* dir/mentormail.conf */
};

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);

	f->dir = g_dir_make_tmp("test-config.XXXXXX", NULL);
	if (f->dir == NULL) {
		g_free(f);
		return -1;
	}
	f->path = g_build_filename(f->dir, "mentormail.conf", NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	remove_tree(f->dir);
	g_free(f->path);
	g_free(f->dir);
	g_free(f);
	return 0;
}

static void
make_dir(const struct fixture *f, const char *name)
{
	char	*path = g_build_filename(f->dir, name, NULL);

	if (g_mkdir_with_parents(path, 0755) != 0)
		fail_msg("cannot make %s", path);
	g_free(path);
}

/* Load `text` as mentormail.conf, which must be valid. */
static struct config *
load_ok(const struct fixture *f, const char *text)
{
	struct config	*c = NULL;
	char		*cause = NULL;

	put_file(f->path, text);
	if (config_load(f->path, &c, &cause) != 0)
		fail_msg("config refused: %s", cause);
	assert_non_null(c);
	assert_null(cause);
	return c;
}

/* Load `text`, which must be refused; caller frees the cause. */
static char *
load_error(const struct fixture *f, const char *text)
{
	struct config	*c = NULL;
	char		*cause = NULL;

	put_file(f->path, text);
	if (config_load(f->path, &c, &cause) != -1) {
		config_free(c);
		fail_msg("config accepted:\n%s", text);
	}
	assert_null(c);
	assert_non_null(cause);
	return cause;
}

/*
 * Whether `cause` is "PATH:LINE: ..." mentioning `what`, or, when line is
 * 0, "PATH: ..." with no line number.  Says why not.
 */
static int
is_error_at(const struct fixture *f, const char *cause, int line,
    const char *what)
{
	char	*prefix;
	int	 ok;

	if (line > 0)
		prefix = g_strdup_printf("%s:%d: ", f->path, line);
	else
		prefix = g_strdup_printf("%s: ", f->path);
	ok = g_str_has_prefix(cause, prefix) && strstr(cause, what) != NULL;
	if (!ok)
		print_error("\"%s\" is not \"%s...%s...\"\n", cause, prefix,
		    what);
	g_free(prefix);
	return ok;
}

/* `text` is refused on `line` (0: on no line) with a cause saying `what`. */
static void
assert_error_at(const struct fixture *f, const char *text, int line,
    const char *what)
{
	char	*cause;
	int	 ok;

	cause = load_error(f, text);
	ok = is_error_at(f, cause, line, what);
	g_free(cause);
	if (!ok)
		fail();
}

static char *
in_dir(const struct fixture *f, const char *name)
{
	return g_build_filename(f->dir, name, NULL);
}

static void
assert_path(const struct fixture *f, const char *got, const char *name)
{
	char	*want = in_dir(f, name);

	assert_string_equal(got, want);
	g_free(want);
}

/* A full configuration. */

static void
test_every_key_is_read(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f,
	    "# mentormail.conf with every key\n"
	    "[program]\n"
	    "name = Wyoming Library Association Mentoring Program\n"
	    "address = mentoring@example.org\n"
	    "coordinators = one@example.org; two@example.org, "
	    "three@example.org\n"
	    "timezone = America/Denver\n"
	    "database = var/mentormail.db\n"
	    "rules = my-rules\n"
	    "templates = /srv/mentormail/templates\n"
	    "\n"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "port = 1993\n"
	    "security = starttls\n"
	    "username = mentoring@example.org\n"
	    "password_file = imap.password\n"
	    "ca_file = certs/ca.pem\n"
	    "mailbox = Mentoring\n"
	    "processed = Mentoring/Done\n"
	    "\n"
	    "[smtp]\n"
	    "host = smtp.example.org\n"
	    "port = 2525\n"
	    "security = tls\n"
	    "username = sender@example.org\n"
	    "password_file = /etc/mentormail/smtp.password\n"
	    "ca_file = /etc/mentormail/ca.pem\n");

	assert_string_equal(c->path, f->path);
	assert_string_equal(c->dir, f->dir);
	assert_string_equal(c->name,
	    "Wyoming Library Association Mentoring Program");
	assert_string_equal(c->address, "mentoring@example.org");
	assert_non_null(c->coordinators);
	assert_string_equal(c->coordinators[0], "one@example.org");
	assert_string_equal(c->coordinators[1], "two@example.org");
	assert_string_equal(c->coordinators[2], "three@example.org");
	assert_null(c->coordinators[3]);
	assert_string_equal(c->timezone, "America/Denver");
	assert_non_null(c->tz);
	assert_string_equal(g_time_zone_get_identifier(c->tz),
	    "America/Denver");
	assert_path(f, c->database, "var/mentormail.db");
	assert_path(f, c->rules, "my-rules");
	assert_string_equal(c->templates, "/srv/mentormail/templates");

	assert_string_equal(c->imap.host, "imap.example.org");
	assert_int_equal(c->imap.port, 1993);
	assert_int_equal(c->imap.security, SECURITY_STARTTLS);
	assert_string_equal(c->imap.username, "mentoring@example.org");
	assert_path(f, c->imap.password_file, "imap.password");
	assert_path(f, c->imap.ca_file, "certs/ca.pem");
	assert_string_equal(c->mailbox, "Mentoring");
	assert_string_equal(c->processed, "Mentoring/Done");

	assert_string_equal(c->smtp.host, "smtp.example.org");
	assert_int_equal(c->smtp.port, 2525);
	assert_int_equal(c->smtp.security, SECURITY_TLS);
	assert_string_equal(c->smtp.username, "sender@example.org");
	assert_string_equal(c->smtp.password_file,
	    "/etc/mentormail/smtp.password");
	assert_string_equal(c->smtp.ca_file, "/etc/mentormail/ca.pem");
	config_free(c);
}

static void
test_defaults(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, MINIMAL);
	assert_string_equal(c->coordinators[0], "coordinator@example.org");
	assert_null(c->coordinators[1]);
	assert_string_equal(c->timezone, "UTC");
	assert_non_null(c->tz);
	assert_string_equal(c->rules, SHAREDIR "/rules");
	assert_string_equal(c->templates, SHAREDIR "/templates");
	assert_int_equal(c->imap.port, 993);
	assert_int_equal(c->imap.security, SECURITY_TLS);
	assert_null(c->imap.ca_file);
	assert_string_equal(c->mailbox, "INBOX");
	assert_string_equal(c->processed, "Processed");
	assert_null(c->smtp.host);
	assert_null(c->smtp.username);
	assert_null(c->smtp.password_file);
	config_free(c);
}

/* Comments, blank lines and spaces around '=' are all allowed. */
static void
test_comments_blank_lines_and_spaces(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f,
	    "# a comment\n"
	    "\n"
	    "  [program]  \n"
	    "name=Wyoming Mentoring\n"
	    "  address   =   mentoring@example.org   \n"
	    "\tcoordinators\t=\tcoordinator@example.org\n"
	    "    # an indented comment\n"
	    "database = state.db\n"
	    "[imap]\r\n"
	    "host = imap.example.org\r\n"
	    "username = mentoring@example.org\r\n"
	    "password_file = imap.password\r\n");
	assert_string_equal(c->name, "Wyoming Mentoring");
	assert_string_equal(c->address, "mentoring@example.org");
	assert_string_equal(c->coordinators[0], "coordinator@example.org");
	assert_string_equal(c->imap.host, "imap.example.org");
	assert_path(f, c->imap.password_file, "imap.password");
	config_free(c);
}

/* Relative paths follow the file, wherever the program is started from. */
static void
test_relative_paths_follow_the_config_file(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = NULL;
	char		*cwd, *sub, *want, *ca, *cause = NULL;

	make_dir(f, "etc");
	sub = put_file_in(f->dir, "etc/mentormail.conf", MINIMAL
	    "ca_file = ../ca.pem\n");
	cwd = g_get_current_dir();

	assert_int_equal(chdir("/"), 0);
	assert_int_equal(config_load(sub, &c, &cause), 0);
	assert_path(f, c->database, "etc/state.db");
	assert_path(f, c->imap.password_file, "etc/imap.password");
	ca = g_canonicalize_filename(c->imap.ca_file, NULL);
	assert_path(f, ca, "ca.pem");
	config_free(c);

	/* A config named relative to the working directory. */
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(config_load("etc/mentormail.conf", &c, &cause), 0);
	assert_string_equal(c->path, "etc/mentormail.conf");
	want = in_dir(f, "etc");
	assert_string_equal(c->dir, want);
	assert_path(f, c->database, "etc/state.db");
	config_free(c);

	assert_int_equal(chdir(cwd), 0);
	g_free(ca);
	g_free(want);
	g_free(cwd);
	g_free(sub);
}

/* Ports left out follow the protocol and its security. */
static void
test_default_ports_follow_security(void **state)
{
	static const struct {
		const char	*imap_security;
		int		 imap_port;
		const char	*smtp_security;
		int		 smtp_port;
	} cases[] = {
		{ "tls", 993, "tls", 465 },
		{ "starttls", 143, "starttls", 587 },
		{ "none", 143, "none", 25 },
	};
	struct fixture	*f = *state;
	struct config	*c;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		text = g_strdup_printf(PROGRAM_LINES
		    "[imap]\n"
		    "host = localhost\n"
		    "username = mentoring@example.org\n"
		    "password_file = imap.password\n"
		    "security = %s\n"
		    "[smtp]\n"
		    "host = localhost\n"
		    "security = %s\n",
		    cases[i].imap_security, cases[i].smtp_security);
		c = load_ok(f, text);
		assert_int_equal(c->imap.port, cases[i].imap_port);
		assert_int_equal(c->smtp.port, cases[i].smtp_port);
		config_free(c);
		g_free(text);
	}
}

static void
test_explicit_port_wins(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, MINIMAL
	    "port = 65535\n"
	    "[smtp]\n"
	    "host = smtp.example.org\n"
	    "port = 1\n"
	    "security = starttls\n");
	assert_int_equal(c->imap.port, 65535);
	assert_int_equal(c->smtp.port, 1);
	config_free(c);
}

static void
test_coordinators_separated_by_semicolon_or_comma(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = a@example.org;b@example.org , c@example.org;\n"
	    "database = state.db\n"
	    IMAP_LINES);
	assert_string_equal(c->coordinators[0], "a@example.org");
	assert_string_equal(c->coordinators[1], "b@example.org");
	assert_string_equal(c->coordinators[2], "c@example.org");
	assert_null(c->coordinators[3]);
	config_free(c);
}

/* The forms in use and the required fields: lists, as coordinators are. */
static void
test_forms_and_required_lists(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, MINIMAL);
	assert_null(c->forms);
	assert_null(c->required);
	config_free(c);
	c = load_ok(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = state.db\n"
	    "forms = wyoming; cla ,\n"
	    "required = role,name, email\n"
	    IMAP_LINES);
	assert_string_equal(c->forms[0], "wyoming");
	assert_string_equal(c->forms[1], "cla");
	assert_null(c->forms[2]);
	assert_string_equal(c->required[0], "role");
	assert_string_equal(c->required[1], "name");
	assert_string_equal(c->required[2], "email");
	assert_null(c->required[3]);
	config_free(c);
	assert_error_at(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = state.db\n"
	    "forms = ; ,\n"
	    IMAP_LINES, 6, "forms needs at least one name");
}

/* Plain text is fine to the machine itself, and only there. */
static void
test_security_none_allowed_on_loopback(void **state)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost", "::1" };
	struct fixture	*f = *state;
	struct config	*c;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(hosts); i++) {
		text = g_strdup_printf(PROGRAM_LINES
		    "[imap]\n"
		    "host = %s\n"
		    "security = none\n"
		    "username = mentoring@example.org\n"
		    "password_file = imap.password\n"
		    "[smtp]\n"
		    "host = %s\n"
		    "security = none\n",
		    hosts[i], hosts[i]);
		c = load_ok(f, text);
		assert_string_equal(c->imap.host, hosts[i]);
		assert_int_equal(c->imap.security, SECURITY_NONE);
		assert_int_equal(c->smtp.security, SECURITY_NONE);
		config_free(c);
		g_free(text);
	}
}

/* Errors, each on the line it is on. */

static void
test_missing_file(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = NULL;
	char		*cause = NULL;

	assert_int_equal(config_load(f->path, &c, &cause), -1);
	assert_null(c);
	assert_non_null(cause);
	assert_true(g_str_has_prefix(cause, f->path));
	g_free(cause);

	/* The caller may not want to know why. */
	assert_int_equal(config_load(f->path, &c, NULL), -1);
}

static void
test_unknown_key(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f,
	    "# line 1\n"
	    "\n"
	    PROGRAM_LINES		/* 3-7 */
	    "colour = blue\n"		/* 8 */
	    IMAP_LINES, 8, "unknown key \"colour\" in [program]");
	assert_error_at(f, MINIMAL
	    "port = 993\n"		/* 10 */
	    "inbox = INBOX\n",		/* 11 */
	    11, "unknown key \"inbox\" in [imap]");
	/* A key known in another group is still unknown here. */
	assert_error_at(f, MINIMAL
	    "[smtp]\n"			/* 10 */
	    "host = smtp.example.org\n"	/* 11 */
	    "mailbox = INBOX\n",	/* 12 */
	    12, "unknown key \"mailbox\" in [smtp]");
}

static void
test_unknown_group(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, PROGRAM_LINES
	    "\n"			/* 6 */
	    "[pop3]\n"			/* 7 */
	    "host = pop.example.org\n"
	    IMAP_LINES, 7, "unknown group [pop3]");
}

static void
test_line_neither_group_nor_key(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, PROGRAM_LINES
	    "just some words\n"		/* 6 */
	    IMAP_LINES, 6, "expected \"[group]\" or \"key = value\"");
	assert_error_at(f, PROGRAM_LINES
	    "[imap\n"			/* 6 */
	    "host = imap.example.org\n", 6, "expected");
}

/* "= value" has no key: it is not a "key = value" line either. */
static void
test_line_without_key(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, MINIMAL
	    "= 993\n",			/* 10 */
	    10, "");
}

/*
 * Only '#' starts a comment in GKeyFile.  Whether a ';' line is taken as a
 * comment too or refused, it must never be refused without its line.
 */
static void
test_semicolon_line_is_comment_or_error_on_its_line(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = NULL;
	char		*cause = NULL;
	int		 ok;

	put_file(f->path, PROGRAM_LINES
	    "; a comment, as in other INI files\n"	/* 6 */
	    IMAP_LINES);
	if (config_load(f->path, &c, &cause) == 0) {
		config_free(c);
		return;
	}
	ok = is_error_at(f, cause, 6, "");
	g_free(cause);
	if (!ok)
		fail();
}

/* A localised key ("name[fr]") is not one of ours: never ignored. */
static void
test_localised_key_is_unknown(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, MINIMAL
	    "port[fr] = 0\n",		/* 10 */
	    10, "port[fr]");
}

/* A key = value line before any [group] belongs nowhere. */
static void
test_key_before_any_group(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f,
	    "# settings\n"		/* 1 */
	    "name = Wyoming Mentoring\n"	/* 2 */
	    PROGRAM_LINES IMAP_LINES, 2, "");
}

static void
test_bad_port(void **state)
{
	static const char *const ports[] = { "0", "70000", "abc", "993x",
	    "-1" };
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(ports); i++) {
		text = g_strdup_printf(MINIMAL
		    "port = %s\n"		/* 10 */
		    "mailbox = INBOX\n", ports[i]);
		assert_error_at(f, text, 10, "port must be a number from 1 "
		    "to 65535");
		g_free(text);
	}
	assert_error_at(f, MINIMAL
	    "[smtp]\n"			/* 10 */
	    "host = smtp.example.org\n"	/* 11 */
	    "port = 70000\n",		/* 12 */
	    12, "\"70000\"");
}

/* [coordinator]: who vouches for a coordinator, how long a token works. */
static void
test_coordinator_group(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f, MINIMAL);
	assert_null(c->coordinator.trusted_authserv_id);
	assert_int_equal(c->coordinator.token_days, 14);
	config_free(c);
	c = load_ok(f, MINIMAL
	    "[coordinator]\n"
	    "trusted_authserv_id = mx.example.org\n"
	    "token_days = 3\n");
	assert_string_equal(c->coordinator.trusted_authserv_id,
	    "mx.example.org");
	assert_int_equal(c->coordinator.token_days, 3);
	config_free(c);
	assert_error_at(f, MINIMAL
	    "[coordinator]\n"			/* 10 */
	    "token_days = 0\n", 11, "token_days must be a number from 1");
	assert_error_at(f, MINIMAL
	    "[coordinator]\n"			/* 10 */
	    "trusted_authserv_id = mx.example.org; dmarc=pass\n", 11,
	    "is not a host name");
}

static void
test_bad_security(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, MINIMAL
	    "security = ssl\n",		/* 10 */
	    10, "security must be tls, starttls or none, not \"ssl\"");
	assert_error_at(f, MINIMAL
	    "[smtp]\n"			/* 10 */
	    "security = TLS\n"		/* 11 */
	    "host = smtp.example.org\n", 11, "\"TLS\"");
}

static void
test_unknown_timezone(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "timezone = Mars/Olympus_Mons\n"	/* 3 */
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = state.db\n"
	    IMAP_LINES, 3, "unknown time zone \"Mars/Olympus_Mons\"");
}

static void
test_bad_address(void **state)
{
	static const char *const bad[] = { "mentoring.example.org",
	    "@example.org", "mentoring@", "a@b@example.org",
	    "mentor ing@example.org", "<mentoring@example.org>",
	    "mentoring@example" };
	struct fixture	*f = *state;
	char		*text, *what;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		text = g_strdup_printf(
		    "[program]\n"
		    "name = Wyoming Mentoring\n"
		    "coordinators = coordinator@example.org\n"
		    "address = %s\n"		/* 4 */
		    "database = state.db\n"
		    IMAP_LINES, bad[i]);
		what = g_strdup_printf("\"%s\" is not an e-mail address",
		    bad[i]);
		assert_error_at(f, text, 4, what);
		g_free(what);
		g_free(text);
	}
}

static void
test_bad_address_in_coordinators(void **state)
{
	static const char *const lists[] = {
		"one@example.org; nobody",
		"nobody, one@example.org",
		"one@example.org,two@example.org;nobody",
	};
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(lists); i++) {
		text = g_strdup_printf(
		    "[program]\n"
		    "name = Wyoming Mentoring\n"
		    "address = mentoring@example.org\n"
		    "database = state.db\n"
		    "coordinators = %s\n"	/* 5 */
		    IMAP_LINES, lists[i]);
		assert_error_at(f, text, 5,
		    "\"nobody\" is not an e-mail address");
		g_free(text);
	}
	assert_error_at(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = ; ,\n"		/* 4 */
	    "database = state.db\n"
	    IMAP_LINES, 4, "at least one address");
}

/*
 * The ways an address is mistyped, each refused rather than kept as one
 * odd address: two without a separator, a name with it, a dot out of
 * place, an empty label.
 */
static void
test_bad_address_shapes(void **state)
{
	static const struct {
		const char	*list;
		const char	*what;
	} cases[] = {
		{ "a@example.org b@example.org", "\"a@example.org "
		    "b@example.org\" is not an e-mail address (separate "
		    "addresses with ';' or ',')" },
		{ "Ann Lee <a@example.org>", "(write the address alone" },
		{ "\"Lee\" a@example.org", "is not an e-mail address" },
		{ ".a@example.org", "\".a@example.org\" is not" },
		{ "a.@example.org", "\"a.@example.org\" is not" },
		{ "a..b@example.org", "\"a..b@example.org\" is not" },
		{ "a@example..org", "\"a@example..org\" is not" },
		{ "a@.example.org", "\"a@.example.org\" is not" },
		{ "a@example.org.", "\"a@example.org.\" is not" },
		{ "a@exa_mple.org", "\"a@exa_mple.org\" is not" },
		{ "a(b)@example.org", "\"a(b)@example.org\" is not" },
	};
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		text = g_strdup_printf(
		    "[program]\n"
		    "name = Wyoming Mentoring\n"
		    "address = mentoring@example.org\n"
		    "database = state.db\n"
		    "coordinators = %s\n"	/* 5 */
		    IMAP_LINES, cases[i].list);
		assert_error_at(f, text, 5, cases[i].what);
		g_free(text);
		text = g_strdup_printf(
		    "[program]\n"
		    "name = Wyoming Mentoring\n"
		    "coordinators = coordinator@example.org\n"
		    "address = %s\n"		/* 4 */
		    "database = state.db\n"
		    IMAP_LINES, cases[i].list);
		assert_error_at(f, text, 4, cases[i].what);
		g_free(text);
	}
}

/* "a@x, b@y": both, whichever separator; and what addresses may hold. */
static void
test_good_address_shapes(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	c = load_ok(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring+wy@lists.example.org\n"
	    "coordinators = ann.lee@example.org, o'brien@example.org ; "
	    "x-1@mail.example-library.org,admin@localhost\n"
	    "database = state.db\n"
	    IMAP_LINES);
	assert_string_equal(c->address, "mentoring+wy@lists.example.org");
	assert_string_equal(c->coordinators[0], "ann.lee@example.org");
	assert_string_equal(c->coordinators[1], "o'brien@example.org");
	assert_string_equal(c->coordinators[2],
	    "x-1@mail.example-library.org");
	assert_string_equal(c->coordinators[3], "admin@localhost");
	assert_null(c->coordinators[4]);
	config_free(c);
}

/*
 * A field name is one of the application's fields, on the line it is
 * written, with the nearest name when one is near: a misspelt name would
 * otherwise turn a condition or a shown field off without a word.
 */
static void
test_field_names_are_checked(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	assert_error_at(f, MINIMAL
	    "[matching]\n"
	    "show = name; emial; library\n",		/* 11 */
	    11, "[matching] show: no application field is called \"emial\" "
	    "(did you mean \"email\"?)");
	assert_error_at(f, MINIMAL
	    "[eligibility]\n"
	    "mentor.experience = years_experiance >= 2 because two years\n",
	    11, "[eligibility] mentor.experience: no application field is "
	    "called \"years_experiance\" (did you mean "
	    "\"years_experience\"?)");
	assert_error_at(f, MINIMAL
	    "[eligibility]\n"
	    "quirk = zodiac = leo\n",
	    11, "no application field is called \"zodiac\"");
	assert_error_at(f, MINIMAL
	    "[program]\n"
	    "required = role, name, emal\n",
	    11, "[program] required: no application field is called "
	    "\"emal\" (did you mean \"email\"?)");
	/* The calendar's fields are not the application's. */
	assert_error_at(f, MINIMAL
	    "[matching]\n"
	    "show = name; hours\n",
	    11, "no application field is called \"hours\"");
	c = load_ok(f, MINIMAL
	    "[matching]\n"
	    "show = name; email; years_experience; meeting_mode\n");
	assert_string_equal(c->matching.show[2], "years_experience");
	assert_int_equal(config_line(c, "matching", "show"), 11);
	assert_int_equal(config_line(c, "program", "name"), 2);
	assert_int_equal(config_line(c, "calendar", "start"), 0);
	config_free(c);
}

/* The words a list takes are its own: who confirms a pairing. */
static void
test_confirm_names_who_may_confirm(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;

	assert_error_at(f, MINIMAL
	    "[calendar]\n"
	    "confirm = mentor; supervisr\n",
	    11, "confirm: \"supervisr\" is none of mentor|mentee|supervisor");
	c = load_ok(f, MINIMAL
	    "[calendar]\n"
	    "confirm = mentor, mentee; supervisor\n");
	assert_string_equal(c->calendar.confirm[2], "supervisor");
	config_free(c);
}

/* A problem found after loading is reported on the line of its key. */
static void
test_config_error_names_the_line(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*cause = NULL, *want;

	c = load_ok(f, MINIMAL
	    "[matching]\n"
	    "show = name\n");
	assert_int_equal(config_error(c, "matching", "show", &cause,
	    "no form asks for %s", "name"), -1);
	want = g_strdup_printf("%s:11: no form asks for name", f->path);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	cause = NULL;
	config_error(c, "matching", "mode", &cause, "a default");
	want = g_strdup_printf("%s: a default", f->path);
	assert_string_equal(cause, want);
	g_free(want);
	g_free(cause);
	config_free(c);
}

/* `text` without the lines that start with `prefix`; caller frees. */
static char *
without_lines(const char *text, const char *prefix)
{
	char	**lines;
	GString	 *s = g_string_new(NULL);
	size_t	  n;

	lines = g_strsplit(text, "\n", -1);
	for (n = 0; lines[n] != NULL; n++) {
		if (*lines[n] != '\0' && !g_str_has_prefix(lines[n], prefix))
			g_string_append_printf(s, "%s\n", lines[n]);
	}
	g_strfreev(lines);
	return g_string_free(s, FALSE);
}

/* A required key left out is on no line: the file is named alone. */
static void
test_missing_required_key(void **state)
{
	static const struct {
		const char	*left_out;
		const char	*what;
	} cases[] = {
		{ "name = ", "[program] name is required" },
		{ "address = ", "[program] address is required" },
		{ "coordinators = ", "[program] coordinators is required" },
		{ "database = ", "[program] database is required" },
		{ "host = ", "[imap] host is required" },
		{ "username = ", "[imap] username is required" },
	};
	struct fixture	*f = *state;
	char		*text;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		text = without_lines(MINIMAL, cases[i].left_out);
		assert_error_at(f, text, 0, cases[i].what);
		g_free(text);
	}
}

/* An empty value is no value. */
static void
test_empty_required_value(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f,
	    "[program]\n"
	    "name =\n"
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = state.db\n"
	    IMAP_LINES, 0, "[program] name is required");
}

/* Without an [imap] group there is no host to read mail from. */
static void
test_missing_imap_group(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, PROGRAM_LINES, 0, "[imap] host is required");
}

static void
test_username_needs_password_file(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, PROGRAM_LINES
	    "[imap]\n"			/* 6 */
	    "host = imap.example.org\n"	/* 7 */
	    "username = mentoring@example.org\n", /* 8 */
	    8, "[imap] username needs a password_file");
	assert_error_at(f, MINIMAL
	    "[smtp]\n"			/* 10 */
	    "host = smtp.example.org\n"	/* 11 */
	    "port = 587\n"		/* 12 */
	    "username = sender@example.org\n", /* 13 */
	    13, "[smtp] username needs a password_file");
}

static void
test_security_none_refused_for_remote_host(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, PROGRAM_LINES
	    "[imap]\n"			/* 6 */
	    "host = imap.example.org\n"	/* 7 */
	    "username = mentoring@example.org\n"
	    "security = none\n"		/* 9 */
	    "password_file = imap.password\n",
	    9, "refused for imap.example.org, which is not a loopback host");
	assert_error_at(f, MINIMAL
	    "[smtp]\n"			/* 10 */
	    "security = none\n"		/* 11 */
	    "host = 192.168.1.25\n",	/* 12 */
	    11, "refused for 192.168.1.25");
}

/*
 * GKeyFile keeps the last of two values for one key; the error must point
 * at that line, the one in force, not at the first.
 */
static void
test_repeated_key_reported_where_it_takes_effect(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, MINIMAL
	    "port = 993\n"		/* 10 */
	    "port = 0\n",		/* 11 */
	    11, "port must be a number");
}

/* The password. */

static void
test_password_is_first_line(void **state)
{
	static const struct {
		const char	*file;
		const char	*password;
	} cases[] = {
		{ "s3cret\n", "s3cret" },
		{ "s3cret", "s3cret" },
		{ "s3cret\r\n", "s3cret" },
		{ "s3cret\r\nsecond line\n", "s3cret" },
		{ "s3cret\nsecond line\n", "s3cret" },
		{ "with spaces inside \n", "with spaces inside " },
		{ "", "" },
	};
	struct fixture	*f = *state;
	struct config	*c;
	char		*pw, *cause = NULL, *path;
	size_t		 i;

	c = load_ok(f, MINIMAL);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		path = put_secret_in(f->dir, "imap.password", cases[i].file);
		pw = config_password(&c->imap, &cause);
		assert_non_null(pw);
		assert_string_equal(pw, cases[i].password);
		assert_null(cause);
		g_free(pw);
		g_free(path);
	}
	config_free(c);
}

/* A password file others can read is refused, with what to do about it. */
static void
test_password_file_open_to_others(void **state)
{
	static const struct {
		mode_t		 mode;
		const char	*why;
	} cases[] = {
		{ 0644, "open to every user of this machine (mode 644)" },
		{ 0604, "open to every user of this machine (mode 604)" },
		{ 0602, "open to every user of this machine (mode 602)" },
		{ 0640, "open to its group (mode 640)" },
		{ 0660, "open to its group (mode 660)" },
	};
	struct fixture	*f = *state;
	struct config	*c;
	char		*cause, *path, *want;
	size_t		 i;

	c = load_ok(f, MINIMAL);
	path = put_secret_in(f->dir, "imap.password", "s3cret\n");
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		assert_int_equal(chmod(path, cases[i].mode), 0);
		cause = NULL;
		assert_null(config_password(&c->imap, &cause));
		assert_contains(cause, path);
		assert_contains(cause, cases[i].why);
		want = g_strdup_printf("chmod 600 %s", path);
		assert_contains(cause, want);
		g_free(want);
		g_free(cause);
	}
	assert_int_equal(chmod(path, 0400), 0);
	want = config_password(&c->imap, NULL);
	assert_string_equal(want, "s3cret");
	g_free(want);
	g_free(path);
	config_free(c);
}

/*
 * A file of another user's that its group may read is how a service is
 * let in (root:mentormail, 0640): only other users are refused then.
 */
static void
test_password_file_of_another_owner(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*path, *pw, *cause = NULL;

	if (geteuid() != 0)
		skip();
	c = load_ok(f, MINIMAL);
	path = put_secret_in(f->dir, "imap.password", "s3cret\n");
	assert_int_equal(chown(path, 65534, (gid_t)-1), 0);
	assert_int_equal(chmod(path, 0640), 0);
	pw = config_password(&c->imap, &cause);
	assert_null(cause);
	assert_string_equal(pw, "s3cret");
	g_free(pw);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(config_password(&c->imap, &cause));
	assert_contains(cause, "every user");
	g_free(cause);
	g_free(path);
	config_free(c);
}

static void
test_password_file_missing(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*cause = NULL;

	c = load_ok(f, MINIMAL);
	assert_null(config_password(&c->imap, &cause));
	assert_non_null(cause);
	assert_contains(cause, c->imap.password_file);
	g_free(cause);
	assert_null(config_password(&c->imap, NULL));
	config_free(c);
}

static void
test_no_username_no_password(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*pw;

	c = load_ok(f, MINIMAL
	    "[smtp]\n"
	    "host = smtp.example.org\n");
	pw = config_password(&c->smtp, NULL);
	assert_non_null(pw);
	assert_string_equal(pw, "");
	g_free(pw);
	config_free(c);
}

/* An intake window needs both its days. */
static void
test_intake_window_needs_both_days(void **state)
{
	struct fixture	*f = *state;

	assert_error_at(f, MINIMAL "[calendar]\nintake_opens = 09-01\n",
	    11, "intake_opens and intake_closes go together");
	assert_error_at(f, MINIMAL "[calendar]\nintake_closes = 09-30\n",
	    11, "go together");
}

/* What loading cannot check. */

/* A deployment's server: .test names may well resolve (RFC 2606). */
#define DEPLOYED_IMAP_LINES					\
	"[imap]\n"						\
	"host = imap.mentoring.test\n"				\
	"username = mentoring@example.org\n"			\
	"password_file = imap.password\n"

#define PATHS_CONFIG	PROGRAM_LINES			\
	"rules = rules\n"				\
	"templates = templates\n"			\
	DEPLOYED_IMAP_LINES

static struct config *
load_with_paths(const struct fixture *f)
{
	char	*pw;

	make_dir(f, "rules");
	make_dir(f, "templates");
	pw = put_secret_in(f->dir, "imap.password", "s3cret\n");
	g_free(pw);
	return load_ok(f, PATHS_CONFIG);
}

static void
test_check_paths_all_present(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_with_paths(f);
	char		*cause = NULL;

	assert_int_equal(config_check_paths(c, &cause), 0);
	assert_null(cause);
	config_free(c);
}

static void
test_check_paths_missing_rules_dir(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_with_paths(f);
	char		*cause = NULL;

	assert_int_equal(g_rmdir(c->rules), 0);
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_non_null(cause);
	assert_contains(cause, "rules directory");
	assert_contains(cause, c->rules);
	g_free(cause);
	config_free(c);
}

static void
test_check_paths_rules_not_a_directory(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_with_paths(f);
	char		*cause = NULL;

	assert_int_equal(g_rmdir(c->rules), 0);
	assert_true(put_file(c->rules, ""));
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_contains(cause, "not a directory");
	g_free(cause);
	config_free(c);
}

static void
test_check_paths_missing_password_file(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_with_paths(f);
	char		*cause = NULL;

	assert_int_equal(g_remove(c->imap.password_file), 0);
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_contains(cause, "[imap] password_file");
	assert_contains(cause, c->imap.password_file);
	g_free(cause);
	config_free(c);
}

static void
test_check_paths_password_file_open(void **state)
{
	struct fixture	*f = *state;
	struct config	*c = load_with_paths(f);
	char		*cause = NULL;

	assert_int_equal(chmod(c->imap.password_file, 0644), 0);
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_contains(cause, "[imap] password_file");
	assert_contains(cause, "open to every user");
	g_free(cause);
	config_free(c);
}

static void
test_check_paths_missing_database_dir(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*cause = NULL, *pw;

	make_dir(f, "rules");
	make_dir(f, "templates");
	pw = put_secret_in(f->dir, "imap.password", "s3cret\n");
	c = load_ok(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = no-such-dir/state.db\n"
	    "rules = rules\n"
	    "templates = templates\n"
	    DEPLOYED_IMAP_LINES);
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_contains(cause, "database directory");
	assert_contains(cause, "no-such-dir");
	g_free(cause);
	config_free(c);
	g_free(pw);
}

/*
 * A preset names servers where none can be (RFC 2606): what belongs to
 * the deployment (password files, the database's directory) is not
 * looked for, what makes the program (rules, templates) still is.
 */
static void
test_check_paths_of_a_preset(void **state)
{
	struct fixture	*f = *state;
	struct config	*c;
	char		*cause = NULL;

	make_dir(f, "rules");
	make_dir(f, "templates");
	c = load_ok(f,
	    "[program]\n"
	    "name = Wyoming Mentoring\n"
	    "address = mentoring@example.org\n"
	    "coordinators = coordinator@example.org\n"
	    "database = /var/lib/no-such-dir/state.db\n"
	    "rules = rules\n"
	    "templates = templates\n"
	    IMAP_LINES
	    "[smtp]\n"
	    "host = smtp.example.org\n"
	    "username = mentoring@example.org\n"
	    "password_file = /etc/no-such-dir/smtp.password\n");
	assert_true(config_is_preset(c));
	assert_int_equal(config_check_paths(c, &cause), 0);
	assert_int_equal(g_rmdir(c->rules), 0);
	assert_int_equal(config_check_paths(c, &cause), -1);
	assert_contains(cause, "rules directory");
	g_free(cause);
	config_free(c);
}

static void
test_which_configurations_are_presets(void **state)
{
	static const struct {
		const char	*imap, *smtp;
		int		 preset;
	} cases[] = {
		{ "imap.example.org", "smtp.example.org", 1 },
		{ "example.com", NULL, 1 },
		{ "mail.wvls.EXAMPLE", "mail.wvls.example", 1 },
		{ "imap.invalid", "127.0.0.1", 0 },
		{ "imap.example.org", "smtp.wvls.org", 0 },
		{ "imap.wvls.org", "smtp.example.org", 0 },
		{ "imap.mentoring.test", NULL, 0 },
		{ "notexample.org", NULL, 0 },
		{ "127.0.0.1", NULL, 0 },
	};
	struct config	c = { 0 };
	size_t		i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		c.imap.host = (char *)cases[i].imap;
		c.smtp.host = (char *)cases[i].smtp;
		if (config_is_preset(&c) != cases[i].preset)
			fail_msg("%s / %s: preset %d", cases[i].imap,
			    cases[i].smtp, !cases[i].preset);
	}
}

/* Loopback, for security = none. */

static void
test_host_is_loopback(void **state)
{
	static const struct {
		const char	*host;
		int		 loopback;
	} cases[] = {
		{ "localhost", 1 },
		{ "LOCALHOST", 1 },
		{ "127.0.0.1", 1 },
		{ "127.1.2.3", 1 },
		{ "127.255.255.254", 1 },
		{ "::1", 1 },
		{ "[::1]", 1 },
		{ "example.org", 0 },
		{ "imap.example.org", 0 },
		{ "localhost.example.org", 0 },
		{ "mylocalhost", 0 },
		{ "127.example.org", 0 },
		{ "127.0.0.1.example.org", 0 },
		{ "1127.0.0.1", 0 },
		{ "128.0.0.1", 0 },
		{ "10.0.0.1", 0 },
		{ "192.168.1.1", 0 },
		{ "0.0.0.0", 0 },
		{ "::", 0 },
		{ "::2", 0 },
		{ "fe80::1", 0 },
		{ "", 0 },
		/*
		 * Not addresses at all: the resolver would ask DNS for these
		 * names, and DNS may answer with any host.
		 */
		{ "127.0.0.1.1", 0 },
		{ "127.0.0.300", 0 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		if (config_host_is_loopback(cases[i].host) !=
		    cases[i].loopback)
			fail_msg("config_host_is_loopback(\"%s\") is not %d",
			    cases[i].host, cases[i].loopback);
	}
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_key_is_read),
		T(test_defaults),
		T(test_comments_blank_lines_and_spaces),
		T(test_relative_paths_follow_the_config_file),
		T(test_default_ports_follow_security),
		T(test_explicit_port_wins),
		T(test_coordinators_separated_by_semicolon_or_comma),
		T(test_forms_and_required_lists),
		T(test_security_none_allowed_on_loopback),
		T(test_missing_file),
		T(test_unknown_key),
		T(test_unknown_group),
		T(test_line_neither_group_nor_key),
		T(test_line_without_key),
		T(test_semicolon_line_is_comment_or_error_on_its_line),
		T(test_localised_key_is_unknown),
		T(test_key_before_any_group),
		T(test_bad_port),
		T(test_coordinator_group),
		T(test_bad_security),
		T(test_unknown_timezone),
		T(test_bad_address),
		T(test_bad_address_in_coordinators),
		T(test_bad_address_shapes),
		T(test_good_address_shapes),
		T(test_field_names_are_checked),
		T(test_confirm_names_who_may_confirm),
		T(test_config_error_names_the_line),
		T(test_missing_required_key),
		T(test_empty_required_value),
		T(test_missing_imap_group),
		T(test_username_needs_password_file),
		T(test_security_none_refused_for_remote_host),
		T(test_repeated_key_reported_where_it_takes_effect),
		T(test_password_is_first_line),
		T(test_password_file_open_to_others),
		T(test_password_file_of_another_owner),
		T(test_password_file_missing),
		T(test_no_username_no_password),
		T(test_check_paths_all_present),
		T(test_check_paths_missing_rules_dir),
		T(test_check_paths_rules_not_a_directory),
		T(test_check_paths_missing_password_file),
		T(test_check_paths_password_file_open),
		T(test_check_paths_missing_database_dir),
		T(test_check_paths_of_a_preset),
		T(test_intake_window_needs_both_days),
		T(test_which_configurations_are_presets),
		T(test_host_is_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
