/*
 * re.c -- regular expressions: the only file that sees PCRE2.
 *
 * Every pattern is compiled for UTF-8 with Unicode properties (so \w, \b
 * and caseless matching know é from e), JIT-compiled when it is first
 * used if the library can, and keeps one match block
 * of its own: mentormail is single
 * threaded, and allocating a block per match would dominate the cost of
 * the many short matches the rules make.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stddef.h>

#include <glib.h>
#include <pcre2.h>

#include "log.h"
#include "re.h"

/*
 * Valgrind cannot follow JIT-compiled code and reports its reads as
 * uninitialised; under valgrind the interpreter, which gives the same
 * answers, is used instead.  The header only defines a no-op outside it.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND()	RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND()	0
#endif

/*
 * How much work one match may do before it gives up: far more than any
 * rule needs on a real message, far less than a pattern that backtracks
 * without end would take.  A match that gives up counts as no match and
 * as a failure the caller can see (re_failures), so that the message is
 * marked failed rather than read wrongly or held for minutes.
 */
#define RE_MATCH_LIMIT	2000000
#define RE_DEPTH_LIMIT	100000

/* Failures since the start, and the last one's words (for the caller). */
static unsigned		 re_failed;
static char		*re_failed_why;
static pcre2_match_context *re_mctx;

struct re {
	char			*pattern;
	pcre2_code		*code;
	pcre2_match_data	*md;
	int			 group;		/* 1 when group 1 exists */
	int			*jitted;	/* JIT-compiled (re_use); apart, so
					   that a const re can say so */
};

/* PCRE2's own words for an error code.  Caller frees. */
static char *
re_error_text(int code)
{
	PCRE2_UCHAR	buf[256];

	if (pcre2_get_error_message(code, buf, sizeof buf) < 0)
		return g_strdup_printf("error %d", code);
	return g_strdup((const char *)buf);
}

struct re *
re_compile(const char *pattern, int flags, char **cause)
{
	struct re	*re;
	pcre2_code	*code;
	PCRE2_SIZE	 offset;
	uint32_t	 options, groups = 0;
	int		 error;
	char		*why;

	/*
	 * MATCH_INVALID_UTF: a subject that is not valid UTF-8 simply does
	 * not match there, instead of failing the whole match.
	 */
	options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	if (flags & RE_CASELESS)
		options |= PCRE2_CASELESS;
	if (flags & RE_MULTILINE)
		options |= PCRE2_MULTILINE;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    options, &error, &offset, NULL);
	if (code == NULL) {
		why = re_error_text(error);
		cause_set(cause, "offset %zu: %s", (size_t)offset, why);
		g_free(why);
		return NULL;
	}
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
	re = g_new0(struct re, 1);
	re->pattern = g_strdup(pattern);
	re->code = code;
	re->md = pcre2_match_data_create(2, NULL);
	if (re->md == NULL)
		fatal("pcre2_match_data_create: out of memory");
	re->group = groups > 0;
	re->jitted = g_new0(int, 1);
	return re;
}

void
re_free(struct re *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	g_free(re->jitted);
	g_free(re->pattern);
	g_free(re);
}

const char *
re_pattern(const struct re *re)
{
	return re->pattern;
}

static pcre2_match_context *
re_context(void)
{
	if (re_mctx != NULL)
		return re_mctx;
	if ((re_mctx = pcre2_match_context_create(NULL)) == NULL)
		fatal("pcre2_match_context_create: out of memory");
	pcre2_set_match_limit(re_mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(re_mctx, RE_DEPTH_LIMIT);
	return re_mctx;
}

static void
re_note_failure(const struct re *re, int rc)
{
	char	*why = re_error_text(rc);

	re_failed++;
	g_free(re_failed_why);
	re_failed_why = g_strdup_printf("pattern \"%.80s\" gave up: %s",
	    re->pattern, why);
	g_free(why);
}

unsigned
re_failures(void)
{
	return re_failed;
}

const char *
re_last_failure(void)
{
	return re_failed_why != NULL ? re_failed_why : "no failure";
}

/*
 * JIT-compile `re` before its first match.  Compiling all the rules'
 * patterns takes some 8 ms, most of what loading them costs, and a pass
 * with no new mail matches none of them: a run pays only for the
 * patterns its mail uses.  Reading mail with the JIT is some 2.5 times
 * as fast as without; without JIT support the interpreter does the
 * same, more slowly.
 */
static void
re_use(const struct re *re)
{
	if (*re->jitted)
		return;
	*re->jitted = 1;
	if (!UNDER_VALGRIND())
		(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
}

int
re_match(const struct re *re, const char *text, size_t len, size_t start,
    size_t *so, size_t *eo)
{
	PCRE2_SIZE	*ov;
	int		 rc, pair = 0;

	if (start > len)
		return 0;
	re_use(re);
	rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, start, 0, re->md,
	    re_context());
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		re_note_failure(re, rc);
	if (rc < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(re->md);
	/*
	 * Group 1 when it took part in the match, else the whole match.  The
	 * block holds two pairs: rc is 0 when later groups matched too.
	 */
	if (re->group && (rc == 0 || rc > 1) && ov[2] != PCRE2_UNSET)
		pair = 1;
	if (so != NULL)
		*so = ov[2 * pair];
	if (eo != NULL)
		*eo = ov[2 * pair + 1];
	return 1;
}
