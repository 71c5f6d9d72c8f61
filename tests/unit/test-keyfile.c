/*
 * test-keyfile.c -- an INI file that knows its lines, as keyfile.h promises.
 *
 * Texts are written one line per string literal, so that the line a
 * problem is reported on can be counted in the source.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "keyfile.h"

#define BOTH	(KEYFILE_UNIQUE | KEYFILE_SAY_HEADER)

static struct keyfile *
load_ok(const char *text, int flags)
{
	struct keyfile	*kf = NULL;
	char		*cause = NULL;

	if (keyfile_load_text("t.ini", text, flags, &kf, &cause) != 0)
		fail_msg("refused: %s", cause);
	assert_null(cause);
	return kf;
}

/* The text is refused with exactly `want` as its cause. */
static void
assert_refused(const char *text, int flags, const char *want)
{
	struct keyfile	*kf = NULL;
	char		*cause = NULL;

	assert_int_equal(keyfile_load_text("t.ini", text, flags, &kf, &cause),
	    -1);
	assert_null(kf);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	g_free(cause);
}

static void
test_lines_of_groups_and_keys(void **state)
{
	struct keyfile	*kf;

	kf = load_ok(
	    "# a comment\n"		/* 1 */
	    "\n"			/* 2 */
	    "[server]\n"		/* 3 */
	    "host = example.org\n"	/* 4 */
	    "  port=993  \n"		/* 5 */
	    "[client]\n"		/* 6 */
	    "name\t= me\n"		/* 7 */
	    "hostname = x\n", 0);	/* 8 */
	assert_int_equal(keyfile_line(kf, "server", NULL), 3);
	assert_int_equal(keyfile_line(kf, "server", "host"), 4);
	assert_int_equal(keyfile_line(kf, "server", "port"), 5);
	assert_int_equal(keyfile_line(kf, "client", NULL), 6);
	assert_int_equal(keyfile_line(kf, "client", "name"), 7);
	/* "host" is not "hostname", and is not in [client] */
	assert_int_equal(keyfile_line(kf, "client", "host"), 0);
	assert_int_equal(keyfile_line(kf, "nowhere", NULL), 0);
	assert_int_equal(keyfile_line(kf, "server", "missing"), 0);
	assert_string_equal(keyfile_path(kf), "t.ini");
	keyfile_free(kf);
}

/* The GKeyFile is there to read values from, already parsed. */
static void
test_values_through_gkeyfile(void **state)
{
	struct keyfile	*kf;
	char		*v;

	kf = load_ok("[a]\nk = \\d+ v\n", BOTH);
	v = g_key_file_get_value(keyfile_gkeyfile(kf), "a", "k", NULL);
	assert_string_equal(v, "\\d+ v");
	g_free(v);
	keyfile_free(kf);
}

/* A repeated key is on its last line: that is the value GKeyFile keeps. */
static void
test_repeated_key_is_on_its_last_line(void **state)
{
	struct keyfile	*kf;
	char		*v;

	kf = load_ok(
	    "[a]\n"			/* 1 */
	    "k = 1\n"			/* 2 */
	    "[b]\n"			/* 3 */
	    "k = 2\n"			/* 4 */
	    "[a]\n"			/* 5 */
	    "k = 3\n", 0);		/* 6 */
	v = g_key_file_get_value(keyfile_gkeyfile(kf), "a", "k", NULL);
	assert_string_equal(v, "3");
	g_free(v);
	assert_int_equal(keyfile_line(kf, "a", "k"), 6);
	assert_int_equal(keyfile_line(kf, "b", "k"), 4);
	/* a group is where it is first written */
	assert_int_equal(keyfile_line(kf, "a", NULL), 1);
	keyfile_free(kf);
}

static void
test_repeats_refused_when_unique(void **state)
{
	assert_refused(
	    "[a]\n"			/* 1 */
	    "k = 1\n"			/* 2 */
	    " k=2\n",			/* 3 */
	    KEYFILE_UNIQUE, "t.ini:3: a key is given twice in its group: a k");
	assert_refused(
	    "[a]\n"			/* 1 */
	    "[b]\n"			/* 2 */
	    "[a]\n",			/* 3 */
	    KEYFILE_UNIQUE, "t.ini:3: [a] is given twice in this file");
}

static void
test_syntax_errors_on_their_lines(void **state)
{
	assert_refused(
	    "[a]\n"			/* 1 */
	    "just words\n",		/* 2 */
	    BOTH, "t.ini:2: expected \"[group]\" or \"key = value\"");
	assert_refused(
	    "[a]\n"			/* 1 */
	    "= 1\n",			/* 2 */
	    0, "t.ini:2: expected \"[group]\" or \"key = value\"");
	assert_refused(
	    "[a]\n"			/* 1 */
	    "\n"			/* 2 */
	    "name[fr]=nom\n",		/* 3 */
	    0, "t.ini:3: \"name[fr]\": localised keys are not used");
	assert_refused(
	    "# first\n"			/* 1 */
	    "k = v\n",			/* 2 */
	    0, "t.ini:2: \"key = value\" before any [group]");
}

/* How an unclosed header is named is the caller's choice. */
static void
test_unclosed_header(void **state)
{
	assert_refused("[a]\n[b\n", 0,
	    "t.ini:2: expected \"[group]\" or \"key = value\"");
	assert_refused("[a]\n[b\n", KEYFILE_SAY_HEADER,
	    "t.ini:2: a group header must end with ']'");
}

/* What passes the line checks but not GKeyFile is refused, without a line. */
static void
test_gkeyfile_refusal_has_no_line(void **state)
{
	struct keyfile	*kf = NULL;
	char		*cause = NULL;

	assert_int_equal(keyfile_load_text("t.ini", "[]\nk = v\n", 0, &kf,
	    &cause), -1);
	assert_non_null(cause);
	assert_true(g_str_has_prefix(cause, "t.ini: "));
	g_free(cause);
}

static void
test_crlf(void **state)
{
	struct keyfile	*kf;
	char		*v;

	kf = load_ok(
	    "[a]\r\n"			/* 1 */
	    "# c\r\n"			/* 2 */
	    "k = v\r\n"			/* 3 */
	    "\r\n"			/* 4 */
	    "[b]\r\n", BOTH);		/* 5 */
	v = g_key_file_get_value(keyfile_gkeyfile(kf), "a", "k", NULL);
	assert_string_equal(v, "v");
	g_free(v);
	assert_int_equal(keyfile_line(kf, "a", "k"), 3);
	assert_int_equal(keyfile_line(kf, "b", NULL), 5);
	keyfile_free(kf);
	assert_refused("[a]\r\nk = 1\r\nk = 2\r\n", BOTH,
	    "t.ini:3: a key is given twice in its group: a k");
}

static void
test_error_says_the_line(void **state)
{
	struct keyfile	*kf;
	char		*cause = NULL;

	kf = load_ok("[a]\nk = 1\n", 0);
	assert_int_equal(keyfile_error(kf, "a", "k", &cause, "bad %d", 1),
	    -1);
	assert_string_equal(cause, "t.ini:2: bad 1");
	g_free(cause);
	assert_int_equal(keyfile_error(kf, "a", NULL, &cause, "group"), -1);
	assert_string_equal(cause, "t.ini:1: group");
	g_free(cause);
	/* nothing to point at: the file alone */
	assert_int_equal(keyfile_error(kf, NULL, NULL, &cause, "all"), -1);
	assert_string_equal(cause, "t.ini: all");
	g_free(cause);
	assert_int_equal(keyfile_error(kf, "a", "gone", &cause, "gone"), -1);
	assert_string_equal(cause, "t.ini: gone");
	g_free(cause);
	/* a caller that does not want the sentence */
	assert_int_equal(keyfile_error(kf, "a", "k", NULL, "x"), -1);
	keyfile_free(kf);
}

static void
test_file_and_missing_file(void **state)
{
	struct keyfile	*kf = NULL;
	char		*dir, *path, *cause = NULL;

	dir = g_dir_make_tmp("test-keyfile.XXXXXX", NULL);
	assert_non_null(dir);
	path = g_build_filename(dir, "t.ini", NULL);
	assert_int_equal(keyfile_load(path, 0, &kf, &cause), -1);
	assert_null(kf);
	assert_true(g_str_has_prefix(cause, path));
	assert_non_null(strstr(cause, ": "));
	g_free(cause);
	cause = NULL;
	assert_true(g_file_set_contents(path, "[a]\n\nk = 1\n", -1, NULL));
	assert_int_equal(keyfile_load(path, BOTH, &kf, &cause), 0);
	assert_string_equal(keyfile_path(kf), path);
	assert_int_equal(keyfile_line(kf, "a", "k"), 3);
	keyfile_free(kf);
	keyfile_free(NULL);
	g_remove(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_of_groups_and_keys),
		cmocka_unit_test(test_values_through_gkeyfile),
		cmocka_unit_test(test_repeated_key_is_on_its_last_line),
		cmocka_unit_test(test_repeats_refused_when_unique),
		cmocka_unit_test(test_syntax_errors_on_their_lines),
		cmocka_unit_test(test_unclosed_header),
		cmocka_unit_test(test_gkeyfile_refusal_has_no_line),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_error_says_the_line),
		cmocka_unit_test(test_file_and_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
