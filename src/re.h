/*
 * re.h -- regular expressions (re.c is the only user of PCRE2).
 *
 * Patterns are PCRE2, UTF-8, compiled once (JIT when available) and
 * matched against UTF-8 text.  As fdm's `struct re`: a tiny API so that no
 * other file sees PCRE2.
 */
#ifndef MENTORMAIL_RE_H
#define MENTORMAIL_RE_H

#include <stddef.h>

struct re;

#define RE_CASELESS	0x1
#define RE_MULTILINE	0x2	/* ^ and $ at line ends */

/*
 * Compile `pattern`.  Returns NULL with *cause set ("offset N: what is
 * wrong") when it is not a valid pattern.  Free with re_free.
 */
struct re *re_compile(const char *pattern, int flags, char **cause);
void	re_free(struct re *);

/* The pattern as written. */
const char *re_pattern(const struct re *);

/*
 * Match against `len` bytes of `text` from byte `start`.  Returns 1 and sets
 * *so / *eo (byte offsets of the whole match, or of group 1 when the pattern
 * has a capture group) when it matches, 0 when not.  so/eo may be NULL.
 */
int	re_match(const struct re *, const char *text, size_t len, size_t start,
	    size_t *so, size_t *eo);

/*
 * Matches that gave up (too much backtracking, a JIT stack too small)
 * since the program started; each such match returned 0.  A caller
 * compares the count before and after a piece of work, and
 * re_last_failure() says what the last was ("pattern ... gave up: match
 * limit exceeded").
 */
unsigned re_failures(void);
const char *re_last_failure(void);

#endif
