/*
 * template.h -- the mail templates in templates/ and the values they show.
 *
 * Every mail mentormail writes (receipts, introductions, reminders,
 * digests) comes from a template a volunteer coordinator can edit, so the
 * syntax is small and every mistake in it is reported as "file:line: what
 * is wrong" by template_load and, for names the program does not provide,
 * by template_check -- that is, by `mentormail check`, before a mail goes
 * out with a blank in it.  templates/README.md is the coordinator's guide.
 *
 * A template is a header and a body:
 *
 *	Subject: Your application to {{program.name}}
 *
 *	Dear {{#if applicant.name}}{{applicant.name}}{{else}}applicant{{/if}},
 *	{{#each missing}}
 *	- {{label}}: {{hint}}
 *	{{/each}}
 *
 * The only header is Subject: (required, one line, itself a template), then
 * a blank line, then the body.  In both:
 *
 *	{{name}}		the value of name; names are letters, digits,
 *				'_' and '-', in parts joined by '.' (the dots
 *				are part of the name: "program.name")
 *	{{#if name}}...{{else}}...{{/if}}
 *				true when name has a non-empty value or is a
 *				non-empty list; {{else}} is optional
 *	{{#unless name}}...{{else}}...{{/unless}}
 *	{{#each name}}...{{else}}...{{/each}}
 *				once per item of the list name; inside, names
 *				are looked up in the item first, then outward;
 *				{{else}} is shown when the list is empty
 *	{{! comment }}		shows nothing; may span lines, and tags in it
 *				pair up, so a line can be commented out whole
 *
 * A closing tag may repeat the name ({{/each missing}}); it must then match.
 * Spaces inside the braces are allowed; a tag other than a comment must end
 * on the line it starts on.  A line holding nothing but block tags,
 * comments and spaces ("standalone") disappears with its newline, so blocks
 * can be laid out one tag per line.  Blocks nest at most
 * TEMPLATE_MAX_DEPTH deep.
 *
 * Rendering never re-reads a value as a template: "{{" in an applicant's
 * answer is shown as written.  In the body, a value of several lines has
 * its later lines indented to the column where the value began (so they
 * line up under the first), and every line ends in LF.  The subject is
 * folded to one line (below), because it becomes a header.
 */
#ifndef MENTORMAIL_TEMPLATE_H
#define MENTORMAIL_TEMPLATE_H

/* Limits, so that a template (or a bad edit of one) cannot run away. */
#define TEMPLATE_MAX_DEPTH	16		/* nested blocks */
#define TEMPLATE_MAX_SIZE	(64 * 1024)	/* bytes of a template file */
#define TEMPLATE_MAX_OUTPUT	(1024 * 1024)	/* bytes of a rendered mail */
#define TEMPLATE_MAX_STEPS	1000000		/* nodes visited per render */

/*
 * The values a template is rendered with: a set of named string values and
 * named lists, each item of which is a struct tvars of its own.  A name may
 * have a value, a list, or both; a list has at least one item (an empty
 * list is no list).  Names must follow the placeholder syntax above: a bad
 * name is a programming error, and fatal().
 *
 * The same structure is the schema template_check compares against: a
 * tvars with every name the program may provide set (to any value, e.g.
 * ""), and each list given one sample item with every name an item may
 * have.
 */
struct tvars;

/* An empty set.  Free with tvars_free. */
struct tvars *tvars_new(void);

/* Free `v` and every item of its lists.  NULL is allowed. */
void	tvars_free(struct tvars *v);

/*
 * Set `name` to a copy of `value`, replacing any earlier value.  A NULL
 * value unsets it (its list, if any, stays).
 */
void	tvars_set(struct tvars *v, const char *name, const char *value);

/*
 * Append a new, empty item to the list `list` (creating the list) and
 * return it for the caller to fill.  The item is owned by `v`: it is freed
 * with it and must not be freed alone.
 */
struct tvars *tvars_add_item(struct tvars *v, const char *list);

/* The value of `name` in `v` itself (no outward lookup), or NULL. */
const char *tvars_get(const struct tvars *v, const char *name);

/* The number of items in list `name` of `v`; 0 when there is no list. */
unsigned int tvars_count(const struct tvars *v, const char *name);

/* A parsed template. */
struct template;

/*
 * Read and parse the template file at `path` (at most TEMPLATE_MAX_SIZE
 * bytes of UTF-8).  Returns 0 and a new template in *out (free with
 * template_free), or -1 with *cause set to "path:line: what is wrong"
 * (caller frees): a missing or unknown header, a block never closed, a
 * closing tag without or not matching its opening, an {{else}} out of
 * place, an unknown tag, an empty placeholder, blocks nested too deeply.
 */
int	template_load(const char *path, struct template **out, char **cause);

/*
 * As template_load, from NUL-terminated `text`; `name` stands for the path
 * in messages.  CRLF and lone CR line endings are read as LF.
 */
int	template_parse(const char *text, const char *name,
	    struct template **out, char **cause);

/* NULL is allowed. */
void	template_free(struct template *t);

/* The path or name the template was read from. */
const char *template_name(const struct template *t);

/*
 * Check that every placeholder, condition and list in `t` (subject and
 * body) is known in `schema`, looking names up as rendering would.
 * Returns 0, or -1 with *cause set (caller frees) to the first problem,
 * e.g. "path:line: unknown placeholder {{foo}}".
 */
int	template_check(const struct template *t, const struct tvars *schema,
	    char **cause);

/*
 * Render `t` with `vars`.  On success returns 0 and sets *subject and *body
 * to new strings (caller frees both).  A name without a value renders as
 * nothing (template_check is what catches unknown names).
 *
 * The subject is made a safe header value: every run of control characters
 * and spaces (CR, LF, TAB, ...) becomes one space, and it is trimmed, so no
 * value can add a header line.  The body has LF line endings.  Both are
 * valid UTF-8: invalid bytes in a value become U+FFFD.
 *
 * Returns -1 with *cause set, and nothing in *subject and *body, only when
 * a limit is hit: more than TEMPLATE_MAX_OUTPUT bytes, or more than
 * TEMPLATE_MAX_STEPS nodes visited (lists nested inside themselves).
 */
int	template_render(const struct template *t, const struct tvars *vars,
	    char **subject, char **body, char **cause);

/*
 * The body of `t` is HTML: every value it shows is escaped (& < > " ')
 * and its line breaks become <br>, so that nothing taken from a message
 * can become markup.  The subject stays text.
 */
void	template_set_html(struct template *t);

#endif
