/*
 * token.c -- command tokens, and the coordinators' mail that carries them
 * (token.h).
 */
#include <sys/random.h>

#include <errno.h>
#include <string.h>
#include <sysexits.h>

#include <glib.h>

#include "clock.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "outbox.h"
#include "reply.h"
#include "state-token.h"
#include "template.h"
#include "token.h"

/*
 * TOKEN_HEX / 2 bytes from the kernel's generator: GLib's g_random is a
 * Mersenne Twister, whose output can be predicted from enough of it.
 */
static int
token_random(char *hex, char **cause)
{
	unsigned char	buf[TOKEN_HEX / 2];
	size_t		i;

	if (getrandom(buf, sizeof buf, 0) != (ssize_t)sizeof buf)
		return cause_set(cause, "no random bytes for a token: %s",
		    g_strerror(errno));
	for (i = 0; i < sizeof buf; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	return 0;
}

/* The hex digits of "[mm:HEX]", as the table keeps them. */
static void
token_key(const char *token, char key[TOKEN_HEX + 1])
{
	g_strlcpy(key, token + strlen(TOKEN_MARK), TOKEN_HEX + 1);
}

char *
token_issue(struct db *db, const struct config *cfg, const char *kind,
    const char *to, GDateTime *now, char **cause)
{
	GDateTime	*expires;
	char		 hex[TOKEN_HEX + 1], *issued, *until;
	int		 error;

	if (token_random(hex, cause) != 0)
		return NULL;
	expires = g_date_time_add_days(now, cfg->coordinator.token_days);
	issued = clock_iso(now);
	until = clock_iso(expires);
	error = state_token_add(db, hex, to, kind, issued, until, cause);
	g_free(issued);
	g_free(until);
	g_date_time_unref(expires);
	if (error != 0)
		return NULL;
	return g_strdup_printf(TOKEN_MARK "%s]", hex);
}

int
token_bind(struct db *db, const char *token, int64_t outbox, char **cause)
{
	char	key[TOKEN_HEX + 1];

	token_key(token, key);
	return state_token_bind(db, key, outbox, cause);
}

/* "[mm:" HEX "]" at `p`: the token, lower case, or NULL. */
static char *
token_at(const char *p)
{
	const char	*hex = p + strlen(TOKEN_MARK);
	size_t		 i;

	for (i = 0; i < TOKEN_HEX; i++) {
		if (!g_ascii_isxdigit(hex[i]))
			return NULL;
	}
	if (hex[TOKEN_HEX] != ']')
		return NULL;
	return g_ascii_strdown(p, strlen(TOKEN_MARK) + TOKEN_HEX + 1);
}

static void
find_in(GPtrArray *found, const char *s)
{
	const char	*p;
	char		*t;

	for (p = s; p != NULL && found->len < TOKEN_MAX_FOUND &&
	    (p = strstr(p, TOKEN_MARK)) != NULL; p++) {
		if ((t = token_at(p)) == NULL)
			continue;
		if (g_ptr_array_find_with_equal_func(found, t, g_str_equal,
		    NULL))
			g_free(t);
		else
			g_ptr_array_add(found, t);
	}
}

GPtrArray *
token_find(const char *subject, const char *text)
{
	GPtrArray	*found = g_ptr_array_new_with_free_func(g_free);

	find_in(found, subject);
	find_in(found, text);
	return found;
}

/* What token_use learns of one token. */
struct check {
	const char	*from;
	const char	*now;
	int		 good;
	char		*why;		/* why it is not good */
	char		*how;		/* what it is, when good */
};

static void
check_row(const struct token_row *t, void *arg)
{
	struct check	*c = arg;

	if (g_ascii_strcasecmp(t->to_addr, c->from) != 0)
		c->why = g_strdup("its token was sent to another address");
	else if (t->used_at != NULL)
		c->why = g_strdup_printf("its token was used already, by "
		    "message %lld at %s", (long long)t->used_by, t->used_at);
	else if (strcmp(t->expires_at, c->now) <= 0)
		c->why = g_strdup_printf("its token expired at %s",
		    t->expires_at);
	else {
		c->good = 1;
		c->how = g_strdup_printf("the token of the %s mail of %s",
		    t->kind, t->issued_at);
	}
}

/* Check and use one token: 1 used, 0 not good (c->why), -1 error. */
static int
use_one(struct db *db, const char *token, struct check *c, int64_t message,
    char **cause)
{
	char	key[TOKEN_HEX + 1];
	int	found;

	token_key(token, key);
	found = state_token_get(db, key, check_row, c, cause);
	if (found < 0)
		return -1;
	if (found == 0)
		c->why = g_strdup("its token is not one mentormail gave out");
	if (!c->good)
		return 0;
	/* Two copies of one reply in one batch: the second finds it used. */
	found = state_token_use(db, key, c->now, message, cause);
	if (found < 0)
		return -1;
	if (found == 0) {
		c->good = 0;
		g_clear_pointer(&c->how, g_free);
		c->why = g_strdup("its token was used already");
	}
	return c->good;
}

int
token_use(struct db *db, GPtrArray *found, const char *from, GDateTime *now,
    int64_t message, char **how, char **why, char **cause)
{
	struct check	 c = { .from = from };
	char		*first = NULL, *iso = clock_iso(now);
	guint		 i;
	int		 used = 0;

	c.now = iso;
	*how = *why = NULL;
	for (i = 0; i < found->len && used == 0; i++) {
		c.good = 0;
		used = use_one(db, g_ptr_array_index(found, i), &c, message,
		    cause);
		if (first == NULL)
			first = g_steal_pointer(&c.why);
		g_clear_pointer(&c.why, g_free);
	}
	if (used == 1)
		*how = g_steal_pointer(&c.how);
	else if (used == 0)
		*why = first != NULL ? g_steal_pointer(&first) :
		    g_strdup("it carries no token of a mail mentormail sent");
	g_free(first);
	g_free(c.how);
	g_free(iso);
	return used;
}

/* "28 March 2026": the day a token issued now expires, as people say it. */
static char *
expiry_day(const struct config *cfg, GDateTime *now)
{
	GDateTime	*then, *local;
	char		*s;

	then = g_date_time_add_days(now, cfg->coordinator.token_days);
	local = g_date_time_to_timezone(then, cfg->tz);
	s = g_date_time_format(local, "%-d %B %Y");
	g_date_time_unref(local);
	g_date_time_unref(then);
	return s;
}

/* One copy of `m` to `to`, with its own token. */
static int
queue_one(struct db *db, const struct config *cfg, const struct replies *r,
    GDateTime *now, const struct token_mail *m, const char *to,
    char **cause)
{
	struct outmail	 o;
	char		*token, *subject = NULL, *body = NULL, *day;
	char		*hs = NULL, *html = NULL;
	int64_t		 id = 0;
	int		 error;

	if ((token = token_issue(db, cfg, m->kind, to, now, cause)) == NULL)
		return -1;
	day = expiry_day(cfg, now);
	tvars_set(m->vars, "token", token);
	tvars_set(m->vars, "token_expires", day);
	error = reply_render(r, m->kind, m->vars, &subject, &body, cause);
	if (error == 0 && m->html_kind != NULL)
		error = reply_render(r, m->html_kind, m->vars, &hs, &html,
		    cause);
	o = (struct outmail){ .to_addr = to, .subject = subject, .body = body,
	    .html = html,
	    .in_reply_to = m->in_reply_to, .references = m->references,
	    .kind = m->kind, .message = m->message, .date = now,
	    .auto_submitted = m->message != 0 ? COMPOSE_AUTO_REPLIED :
	    COMPOSE_AUTO_GENERATED, .files = m->files, .nfiles = m->nfiles };
	if (error == 0 && outbox_queue(db, cfg, &o, &id, cause) != 0)
		error = -1;
	if (error == 0)
		error = token_bind(db, token, id, cause);
	if (error == 0 && m->first != NULL && *m->first == 0)
		*m->first = id;
	g_free(subject);
	g_free(body);
	g_free(hs);
	g_free(html);
	g_free(day);
	g_free(token);
	return error;
}

int
token_mail_queue(struct db *db, const struct config *cfg,
    const struct replies *r, GDateTime *now, const struct token_mail *m,
    char **cause)
{
	size_t	i;

	if (m->to != NULL)
		return queue_one(db, cfg, r, now, m, m->to, cause);
	for (i = 0; cfg->coordinators[i] != NULL; i++) {
		if (queue_one(db, cfg, r, now, m, cfg->coordinators[i],
		    cause) != 0)
			return -1;
	}
	return 0;
}
