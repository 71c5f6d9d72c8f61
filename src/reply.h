/*
 * reply.h -- the mail mentormail writes, by name, from templates/: each
 * template has a schema (the names it may use), checked when loaded.
 */
#ifndef MENTORMAIL_REPLY_H
#define MENTORMAIL_REPLY_H

#include <stddef.h>

struct config;
struct tvars;
struct replies;

/*
 * Where file `file` of the templates is: in [program] own_templates when
 * it is there (a program's own wording of a few mails, or its own
 * attachments), else in [program] templates.  Caller frees.
 */
char	*reply_path(const struct config *, const char *file);

/*
 * Load and check every template mentormail uses, each from where
 * reply_path finds it.  Returns 0 and the set in *out (free with
 * replies_free), or -1 with *cause set ("path:line: what is wrong").
 */
int	replies_load(const struct config *, struct replies **out, char **cause);
void	replies_free(struct replies *);

/*
 * Variables for template `name`, with the program's own (program.name,
 * program.address, program.coordinator) already set.  Caller frees with
 * tvars_free.
 */
struct tvars *reply_vars(const struct config *);

/*
 * Render template `name` ("receipt", "ineligible", "not-understood",
 * "introduction", "proposals", "command-transcript", "command-refused",
 * "withdraw-confirm", "withdrawn", "withdrawal-notice") with
 * `vars`.  Returns 0 with new strings in *subject and *body (caller frees),
 * or -1 with *cause set.
 */
int	reply_render(const struct replies *, const char *name,
	    const struct tvars *vars, char **subject, char **body,
	    char **cause);

/* The name of the ith template mentormail writes, NULL past the last. */
const char *reply_name(size_t i);

/*
 * Every name template `name` may use, each set to `value` (lists with one
 * item): its schema when `value` is "".  NULL for no such template.
 * Caller frees with tvars_free.
 */
struct tvars *reply_schema(const char *name, const char *value);

#endif
