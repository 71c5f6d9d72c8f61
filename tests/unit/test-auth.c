/*
 * test-auth.c -- who a command mail is from: what the receiving server's
 * Authentication-Results header says (auth.h, RFC 8601), including every
 * way a sender may try to forge it; and command tokens (token.h), which
 * work once, for one address, until they expire on the program's clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "auth.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "state-message.h"
#include "testlib.h"
#include "token.h"

#define NOW		"2026-03-14T15:00:00Z"
#define COORD		"coord@example.org"
#define COORD2		"second.coord@example.org"
#define AUTHSERV	"mx.example.org"

struct fixture {
	char		*dir;
	struct config	*cfg;
	struct db	*db;
	GDateTime	*now;
	int64_t		 message;	/* a message that uses tokens */
};

/* A message for tokens to be used by, as intake records one. */
static int64_t
message_add(struct db *db)
{
	struct message_record	 r = { .mailbox = "INBOX", .uidvalidity = 1,
				    .uid = 1, .internaldate = NOW, .raw = "x",
				    .size = 1, .hash = "00", .outcome =
				    "decoded", .recorded_at = NOW };
	int64_t			 id = 0;

	if (state_message_add(db, &r, &id, NULL) != 0)
		fail_msg("state_message_add failed");
	return id;
}

static int
setup(void **state)
{
	struct fixture	*f = g_new0(struct fixture, 1);
	char		*path;

	*state = f;
	if ((f->dir = g_dir_make_tmp("test-auth.XXXXXX", NULL)) == NULL ||
	    clock_set(NOW, NULL, NULL) != 0)
		return -1;
	path = g_build_filename(f->dir, "mentormail.conf", NULL);
	f->cfg = config_from_text(path,
	    "[program]\n"
	    "name = Test\n"
	    "address = mentoring@example.org\n"
	    "coordinators = " COORD "; " COORD2 "\n"
	    "database = state.db\n"
	    "[imap]\n"
	    "host = imap.example.org\n"
	    "username = mentoring@example.org\n"
	    "password_file = imap.password\n"
	    "[coordinator]\n"
	    "token_days = 14\n");
	g_free(path);
	if (db_open_copy_in(f->dir, &f->db, NULL) != 0)
		return -1;
	f->now = clock_now();
	f->message = message_add(f->db);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	g_date_time_unref(f->now);
	config_free(f->cfg);
	db_close(f->db);
	remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* The program's clock moves to `iso`. */
static void
clock_to(struct fixture *f, const char *iso)
{
	assert_int_equal(clock_set(iso, NULL, NULL), 0);
	g_date_time_unref(f->now);
	f->now = clock_now();
}

/* Authentication-Results (RFC 8601). */

static enum auth_verdict
vouch(const char *domain, ...)
{
	GPtrArray		*h = g_ptr_array_new();
	const char		*s;
	char			*why = NULL;
	enum auth_verdict	 v;
	va_list			 ap;

	va_start(ap, domain);
	while ((s = va_arg(ap, const char *)) != NULL)
		g_ptr_array_add(h, (char *)s);
	va_end(ap);
	g_ptr_array_add(h, NULL);
	v = auth_results_vouch((char *const *)h->pdata, AUTHSERV, domain,
	    &why);
	assert_non_null(why);
	g_free(why);
	g_ptr_array_unref(h);
	return v;
}

static void
test_auth_results_pass(void **state)
{
	assert_int_equal(vouch("example.org", AUTHSERV "; dmarc=pass "
	    "header.from=example.org", NULL), AUTH_PASS);
	assert_int_equal(vouch("example.org", AUTHSERV "; dkim=pass "
	    "header.d=example.org header.s=sel", NULL), AUTH_PASS);
	assert_int_equal(vouch("example.org", AUTHSERV "; dkim=pass "
	    "header.i=@example.org", NULL), AUTH_PASS);
	/* Comments, versions, case, quoting, folding, other results. */
	assert_int_equal(vouch("example.org", "MX.Example.ORG 1 (our mx); "
	    "spf=pass (sender SPF authorized) smtp.mailfrom=example.org;\n "
	    "dkim=fail reason=\"bad sig\" header.d=example.org; "
	    "DMARC = Pass (p=none) header.from = \"Example.Org\"", NULL),
	    AUTH_PASS);
}

static void
test_auth_results_fail(void **state)
{
	assert_int_equal(vouch("example.org", AUTHSERV "; dmarc=fail "
	    "header.from=example.org", NULL), AUTH_FAIL);
	assert_int_equal(vouch("example.org", AUTHSERV "; none", NULL),
	    AUTH_FAIL);
	/* A pass for another domain, a parent or a sub-domain. */
	assert_int_equal(vouch("example.org", AUTHSERV "; dkim=pass "
	    "header.d=evil.example", NULL), AUTH_FAIL);
	assert_int_equal(vouch("lib.example.org", AUTHSERV "; dmarc=pass "
	    "header.from=example.org", NULL), AUTH_FAIL);
	assert_int_equal(vouch("example.org", AUTHSERV "; dkim=pass "
	    "header.d=mail.example.org", NULL), AUTH_FAIL);
	/* SPF alone says nothing of the From domain. */
	assert_int_equal(vouch("example.org", AUTHSERV "; spf=pass "
	    "smtp.mailfrom=example.org", NULL), AUTH_FAIL);
	/* A pass with no domain, or a domain in a comment, is none. */
	assert_int_equal(vouch("example.org", AUTHSERV "; dmarc=pass "
	    "(header.from=example.org)", NULL), AUTH_FAIL);
	assert_int_equal(vouch("", AUTHSERV "; dmarc=pass header.from=\"\"",
	    NULL), AUTH_FAIL);
}

/* Only the topmost header of the trusted server counts. */
static void
test_auth_results_topmost_trusted_only(void **state)
{
	/* The sender's forgery below the trusted header is ignored. */
	assert_int_equal(vouch("example.org",
	    AUTHSERV "; dmarc=fail header.from=example.org",
	    AUTHSERV "; dmarc=pass header.from=example.org", NULL),
	    AUTH_FAIL);
	assert_int_equal(vouch("example.org",
	    AUTHSERV "; dmarc=pass header.from=example.org",
	    AUTHSERV "; dmarc=fail header.from=example.org", NULL),
	    AUTH_PASS);
	/* Another server's word is not ours, above or below. */
	assert_int_equal(vouch("example.org",
	    "evil.example; dmarc=pass header.from=example.org", NULL),
	    AUTH_NONE);
	assert_int_equal(vouch("example.org",
	    "relay.example.net; dmarc=pass header.from=example.org",
	    AUTHSERV "; dmarc=fail header.from=example.org", NULL),
	    AUTH_FAIL);
	/* An id that only starts like ours is another. */
	assert_int_equal(vouch("example.org", AUTHSERV ".evil.example; "
	    "dmarc=pass header.from=example.org", NULL), AUTH_NONE);
	assert_int_equal(vouch("example.org", NULL), AUTH_NONE);
	assert_int_equal(vouch("example.org", "", "(", ";;;=", NULL),
	    AUTH_NONE);
}

/* ------------------------------------------------------------------ */
/* Tokens. */

static int
use(struct fixture *f, const char *token, const char *from, char **why)
{
	GPtrArray	*found = g_ptr_array_new_with_free_func(g_free);
	char		*how = NULL, *cause = NULL;
	int		 n;

	g_ptr_array_add(found, g_strdup(token));
	n = token_use(f->db, found, from, f->now, f->message, &how, why,
	    &cause);
	if (n < 0)
		fail_msg("token_use: %s", cause);
	assert_true(n == 1 ? how != NULL : *why != NULL);
	g_free(how);
	g_ptr_array_unref(found);
	return n;
}

static void
test_token_works_once_until_it_expires(void **state)
{
	struct fixture	*f = *state;
	char		*t, *u, *u2, *why = NULL, *cause = NULL;

	t = token_issue(f->db, f->cfg, "digest", COORD, f->now, &cause);
	u = token_issue(f->db, f->cfg, "digest", COORD, f->now, &cause);
	assert_non_null(t);
	assert_non_null(u);
	assert_string_not_equal(t, u);
	assert_int_equal(strlen(t), strlen(TOKEN_MARK) + TOKEN_HEX + 1);

	/* Not for another address, even another coordinator's. */
	assert_int_equal(use(f, t, COORD2, &why), 0);
	assert_contains(why, "another address");
	g_clear_pointer(&why, g_free);
	assert_int_equal(use(f, t, "Coord@Example.ORG", &why), 1);
	/* Once. */
	assert_int_equal(use(f, t, COORD, &why), 0);
	assert_contains(why, "used already");
	g_clear_pointer(&why, g_free);

	/* Until 14 days after it was issued, not a second longer. */
	clock_to(f, "2026-03-28T14:59:59Z");
	assert_int_equal(use(f, u, COORD, &why), 1);
	u2 = token_issue(f->db, f->cfg, "digest", COORD, f->now, &cause);
	clock_to(f, "2026-04-11T14:59:59Z");
	assert_int_equal(use(f, u2, COORD, &why), 0);
	assert_contains(why, "expired at 2026-04-11T14:59:59Z");
	g_clear_pointer(&why, g_free);
	assert_int_equal(use(f, "[mm:00000000000000000000000000000000]",
	    COORD, &why), 0);
	assert_contains(why, "not one mentormail gave out");
	g_free(why);
	g_free(t);
	g_free(u);
	g_free(u2);
}

static void
test_token_find(void **state)
{
	GPtrArray	*found;

	found = token_find("Re: x [mm:0123456789ABCDEF0123456789abcdef]",
	    "> keep this line: [mm:0123456789abcdef0123456789abcdef]]\n"
	    "[mm:short] [mm:0123456789abcdef0123456789abcdeg] "
	    "[mm:ffffffffffffffffffffffffffffffff]");
	assert_int_equal(found->len, 2);
	assert_string_equal(g_ptr_array_index(found, 0),
	    "[mm:0123456789abcdef0123456789abcdef]");
	assert_string_equal(g_ptr_array_index(found, 1),
	    "[mm:ffffffffffffffffffffffffffffffff]");
	g_ptr_array_unref(found);
	found = token_find(NULL, NULL);
	assert_int_equal(found->len, 0);
	g_ptr_array_unref(found);
}


#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_auth_results_pass),
		T(test_auth_results_fail),
		T(test_auth_results_topmost_trusted_only),
		T(test_token_works_once_until_it_expires),
		T(test_token_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
