/*
 * kind-goals.c -- a mentee's goals for the mentorship (WVLS: "Mentees
 * will share their goals ... within 30 days of the match"): read as a
 * list whatever its shape (numbers, bullets, "Goal 1:", short and long
 * term headings, prose), kept per match with every revision, on time or
 * late against the due date, and acknowledged with what was understood.
 */
#include <string.h>

#include <glib.h>

#include "calendar-date.h"
#include "config.h"
#include "kind.h"
#include "log.h"
#include "mime.h"
#include "program.h"
#include "rules.h"
#include "state-calendar.h"
#include "template.h"

/* The bullets a list item may start with. */
static const char *const bullets[] = {
	"\xe2\x80\xa2", "\xc2\xb7", "\xe2\x80\x93", "-", "*", "+", NULL
};

/* Past "Goal 3" / "Goals #2", or `s` itself. */
static const char *
past_goal_word(const char *s)
{
	const char	*p = s;

	if (g_ascii_strncasecmp(p, "goal", 4) != 0)
		return s;
	p += 4 + (p[4] == 's');
	p += strspn(p, " #");
	return g_ascii_isdigit(*p) ? p : s;
}

/*
 * Past a list marker: a bullet, or a number or letter with ".", ")" or
 * ":" ("1.", "2)", "(a)", "b.", "Goal 3:").  NULL when there is none.
 */
static const char *
past_marker(const char *s)
{
	const char	*p;
	size_t		 i;

	for (i = 0; bullets[i] != NULL; i++) {
		if (g_str_has_prefix(s, bullets[i]))
			return s + strlen(bullets[i]);
	}
	p = past_goal_word(s);
	if (*p == '(')
		p++;
	/* A list is numbered in one or two digits: (307) is a phone. */
	if (g_ascii_isdigit(*p) && strspn(p, "0123456789") <= 2)
		p += strspn(p, "0123456789");
	else if (g_ascii_isalpha(*p) && (p[1] == ')' || p[1] == '.'))
		p++;
	else
		return NULL;
	/* "Goal 4 (long term):": the remark is the label's. */
	if (p != s && past_goal_word(s) != s && p[strspn(p, " ")] == '(' &&
	    strchr(p, ')') != NULL)
		p = strchr(p, ')') + 1;
	if ((*p == '.' || *p == ')' || *p == ':') &&
	    (p[1] == ' ' || p[1] == '\t' || p[1] == '\0'))
		return p + 1;
	/* "Goal 1 - Strengthen ...", "Goal 2 – ...". */
	if (past_goal_word(s) != s && (g_str_has_prefix(p, " - ") ||
	    g_str_has_prefix(p, " \xe2\x80\x93 ")))
		return p + (p[1] == '-' ? 3 : 5);
	return NULL;
}

/* "Short term goals:", "Here are my goals:": a heading, not a goal. */
static int
is_heading(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n < 60 && s[n - 1] == ':';
}

/* "Hi Jo,", "Hello," "Dear ...,": a greeting. */
static int
is_greeting(const char *s)
{
	static const char *const words[] = { "hi", "hello", "dear", "hey",
	    "good morning", "good afternoon", NULL };
	size_t	i, n = strlen(s);

	for (i = 0; words[i] != NULL; i++) {
		if (g_ascii_strncasecmp(s, words[i], strlen(words[i])) == 0 &&
		    n < 40)
			return 1;
	}
	return 0;
}

/* One line of prose, cut into its sentences. */
static void
add_sentences(GPtrArray *items, const char *line)
{
	const char	*p = line, *q;
	char		*s;

	while (*p != '\0') {
		for (q = p; *q != '\0' && !((*q == '.' || *q == '!' ||
		    *q == '?') && (q[1] == ' ' || q[1] == '\0')); q++)
			;
		if (*q != '\0')
			q++;
		s = g_strstrip(g_strndup(p, (gsize)(q - p)));
		if (*s != '\0')
			g_ptr_array_add(items, s);
		else
			g_free(s);
		p = q + strspn(q, " ");
	}
}

/* The items of a list: marked lines, each with the lines wrapped under it. */
static void
list_items(GPtrArray *items, char **lines)
{
	const char	*rest;
	char		*joined;
	size_t		 i;
	int		 open = 0;

	for (i = 0; lines[i] != NULL; i++) {
		if ((rest = past_marker(lines[i])) != NULL) {
			g_ptr_array_add(items, g_strstrip(g_strdup(rest)));
			open = 1;
		} else if (open && *lines[i] != '\0' && !is_heading(lines[i])) {
			joined = g_strconcat(items->pdata[items->len - 1], " ",
			    lines[i], NULL);
			g_free(items->pdata[items->len - 1]);
			items->pdata[items->len - 1] = joined;
		} else
			open = 0;
	}
}

/* "My goals are: a, b, and c": the list after the colon. */
static int
inline_list(GPtrArray *items, const char *line)
{
	const char	*colon = strchr(line, ':');
	char		**parts, *p;
	size_t		 i;

	if (colon == NULL || strstr(line, "goal") == NULL ||
	    strstr(colon, ", ") == NULL)
		return 0;
	parts = g_strsplit_set(colon + 1, ",;", -1);
	for (i = 0; parts[i] != NULL; i++) {
		p = g_strstrip(parts[i]);
		if (g_str_has_prefix(p, "and "))
			p += 4;
		p = g_strdup(p);
		if (*p != '\0' && (p[strlen(p) - 1] == '.'))
			p[strlen(p) - 1] = '\0';
		if (*p != '\0')
			g_ptr_array_add(items, p);
		else
			g_free(p);
	}
	g_strfreev(parts);
	return 1;
}

GPtrArray *
goals_items(const char *text, int *listed)
{
	GPtrArray	 *items = g_ptr_array_new_with_free_func(g_free);
	char		**lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	size_t		  i;

	*listed = 0;
	for (i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (past_marker(lines[i]) != NULL)
			(*listed)++;
	}
	/* A list is the goals; the prose around it is not. */
	if (*listed >= 2) {
		list_items(items, lines);
		g_strfreev(lines);
		return items;
	}
	for (i = 0; lines[i] != NULL; i++) {
		if (*lines[i] == '\0' || is_greeting(lines[i]) ||
		    is_heading(lines[i]) || inline_list(items, lines[i]))
			continue;
		add_sentences(items, lines[i]);
	}
	g_strfreev(lines);
	return items;
}

/* Goals the rules did not see by their words, in a reply to us, must
 * at least look like a list. */
static int
looks_like_goals(struct inbound *in, GPtrArray *items, int listed)
{
	if (items->len == 0)
		return 0;
	if (in->msg->subject != NULL && strstr(in->msg->subject, "oal") !=
	    NULL)
		return 1;
	if (in->own_text != NULL && (strstr(in->own_text, "goal") != NULL ||
	    strstr(in->own_text, "Goal") != NULL))
		return 1;
	return listed >= 2;
}

static char *
joined(GPtrArray *items)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < items->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "\n" : "",
		    (char *)items->pdata[i]);
	return g_string_free(s, FALSE);
}

/* Whether `today` is on or before the goals' due day. */
static int
on_time(struct inbound *in, const struct pair *p, const GDate *today)
{
	GDate	due;

	if (date_parse(p->starts_on, &due) != 0)
		return 1;
	date_add(&due, &in->prog->cfg->calendar.goals);
	return g_date_compare(today, &due) <= 0;
}

static int
goals_keep(struct inbound *in, const struct pair *p, int64_t pid,
    GPtrArray *items, char **cause)
{
	struct tvars	*v;
	GDate		 today;
	char		*day, *all = joined(items);
	int		 revision = 0, late, error;
	guint		 i;

	date_of(in->prog->now, in->prog->cfg->tz, &today);
	day = date_iso(&today);
	late = !on_time(in, p, &today);
	error = state_goals_add(in->prog->db, p->id, in->id, all, day, !late,
	    &revision, cause);
	g_free(day);
	g_free(all);
	if (error != 0 || (v = kind_pair_vars(in, p, pid, cause)) == NULL)
		return -1;
	for (i = 0; i < items->len; i++)
		tvars_set(tvars_add_item(v, "goals"), "text", items->pdata[i]);
	tvars_set(v, "late", late ? "yes" : NULL);
	tvars_set(v, "revision", revision > 1 ? "yes" : NULL);
	error = kind_answer(in, "goals-receipt", in->reply_addr, pid, v,
	    cause);
	tvars_free(v);
	return error;
}

static int
goals_handle(struct inbound *in, char **cause)
{
	struct pair	*p = NULL;
	GPtrArray	*items;
	int64_t		 pid;
	int		 listed, found, error = 0;

	items = goals_items(in->own_text, &listed);
	if (!looks_like_goals(in, items, listed)) {
		g_ptr_array_unref(items);
		return kind_other_entry.handle(in, cause);
	}
	found = kind_pair(in, "goals", &p, &pid, cause);
	if (found == 1)
		error = goals_keep(in, p, pid, items, cause);
	pair_free(p);
	g_ptr_array_unref(items);
	return found < 0 ? -1 : error;
}

const struct kind_entry kind_goals_entry = {
	.name = "goals",
	.handle = goals_handle,
};
