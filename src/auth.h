/*
 * auth.h -- whether the program's own receiving server vouched for the
 * sender of a message, by its Authentication-Results header (RFC 8601).
 *
 * Anyone can write "From: coordinator@...", and anyone can write an
 * Authentication-Results header too.  What a sender cannot forge is the
 * header the receiving server adds on top as it takes the message in: so
 * only the topmost header whose authserv-id is the configured one counts.
 * Every other one is ignored: those below it were there before our server
 * saw the message, whatever id they claim, and those of other ids speak
 * for servers we do not know.
 *
 * That header vouches for the From domain when it says dmarc=pass with
 * header.from that domain, or dkim=pass with header.d that domain (or
 * header.i an address at it, or "@domain").  Alignment is strict (RFC 7489
 * section 3.1): a pass for a parent or a sub-domain does not count.
 *
 * Where this departs from RFC 8601: comments and white space are allowed
 * wherever the grammar allows them, except around the "." of a property
 * ("header . from" is not read); a result or property we cannot read ends
 * that result, not the header.
 *
 * The receiving server must add its header to every message it accepts
 * (and should remove any claiming its authserv-id, RFC 8601 section 5).
 * If it ever did not, the topmost header of its id would be a sender's.
 */
#ifndef MENTORMAIL_AUTH_H
#define MENTORMAIL_AUTH_H

enum auth_verdict {
	AUTH_NONE,	/* no header of the trusted server */
	AUTH_FAIL,	/* it is there, and says no pass for the domain */
	AUTH_PASS,	/* it says DMARC or DKIM pass for the domain */
};

/*
 * Read `headers` (the values of the Authentication-Results headers,
 * topmost first, NULL-terminated; may be NULL) for a pass for `domain`
 * given by the server whose authserv-id is `authserv_id`.  Never fails:
 * returns the verdict, and in *why a sentence saying which header said
 * what ("mx.example.org says dmarc=fail"), which the caller frees.
 */
enum auth_verdict auth_results_vouch(char *const *headers,
	    const char *authserv_id, const char *domain, char **why);

#endif
