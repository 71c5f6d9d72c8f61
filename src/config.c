/*
 * config.c -- loading and validating the configuration file.
 *
 * The keys are a table (as tmux's options-table.c): adding a key is adding
 * a row.  GKeyFile does the parsing; keyfile.c finds the line a problem is
 * on, since GKeyFile knows none.
 */
#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"
#include "keyfile.h"
#include "log.h"
#include "rules.h"

enum option_type {
	OPTION_STRING,		/* any single-line text */
	OPTION_ADDRESS,		/* one addr-spec */
	OPTION_ADDRESSES,	/* addr-specs separated by ';' or ',' */
	OPTION_LIST,		/* words separated by ';' or ',' */
	OPTION_FIELDS,		/* application field names, as a list */
	OPTION_PATH,		/* file or directory, made absolute */
	OPTION_PORT,
	OPTION_SECURITY,
	OPTION_TIMEZONE,
	OPTION_HOST,
	OPTION_SECONDS,		/* a whole number of seconds, 1 to 3600 */
	OPTION_COUNT,		/* a whole number, 1 to 1000 */
	OPTION_WEIGHT,		/* a whole number, 0 to 100 */
	OPTION_BOOL,		/* yes or no */
	OPTION_WORD,		/* one of the option's `choices` */
	OPTION_AMOUNT,		/* a number, 0 to 1000000, decimals allowed */
	OPTION_COUNT0,		/* a whole number, 0 to 1000 */
	OPTION_SPAN,		/* "30 days", "6 months", "none" */
	OPTION_SPANS,		/* spans that may say "before" or "after" */
	OPTION_COHORT,		/* "approval", "MM-DD" or "YYYY-MM-DD" */
	OPTION_TIME,		/* "HH:MM", as minutes after midnight */
	OPTION_MONTHDAY,	/* "MM-DD" */
};

struct option {
	const char	*group;
	const char	*key;
	enum option_type type;
	int		 required;
	const char	*fallback;	/* default text, or NULL */
	size_t		 offset;	/* where the value goes in struct config */
	const char	*choices;	/* OPTION_WORD, OPTION_LIST: "a|b|c" */
};

/* Where a key's value goes; W() also names the words it may take. */
#define C(field)	offsetof(struct config, field), NULL
#define W(field, words)	offsetof(struct config, field), words

static const struct option options[] = {
	{ "program", "name", OPTION_STRING, 1, NULL, C(name) },
	{ "program", "the_name", OPTION_STRING, 0, NULL, C(the_name) },
	{ "program", "address", OPTION_ADDRESS, 1, NULL, C(address) },
	{ "program", "coordinators", OPTION_ADDRESSES, 1, NULL,
	    C(coordinators) },
	{ "program", "replies_per_day", OPTION_COUNT, 0, "5",
	    C(replies_per_day) },
	{ "program", "timezone", OPTION_TIMEZONE, 0, "UTC", C(timezone) },
	{ "program", "database", OPTION_PATH, 1, NULL, C(database) },
	{ "program", "rules", OPTION_PATH, 0, SHAREDIR "/rules", C(rules) },
	{ "program", "templates", OPTION_PATH, 0, SHAREDIR "/templates",
	    C(templates) },
	{ "program", "own_templates", OPTION_PATH, 0, NULL, C(own_templates) },
	{ "program", "forms", OPTION_LIST, 0, NULL, C(forms) },
	{ "program", "mentee_term", OPTION_STRING, 0, "mentee",
	    C(mentee_term) },
	{ "program", "mentor_term", OPTION_STRING, 0, "mentor",
	    C(mentor_term) },
	{ "program", "required", OPTION_FIELDS, 0, NULL, C(required) },

	{ "imap", "host", OPTION_HOST, 1, NULL, C(imap.host) },
	{ "imap", "port", OPTION_PORT, 0, NULL, C(imap.port) },
	{ "imap", "security", OPTION_SECURITY, 0, "tls", C(imap.security) },
	{ "imap", "username", OPTION_STRING, 0, NULL, C(imap.username) },
	{ "imap", "password_file", OPTION_PATH, 0, NULL,
	    C(imap.password_file) },
	{ "imap", "ca_file", OPTION_PATH, 0, NULL, C(imap.ca_file) },
	{ "imap", "timeout", OPTION_SECONDS, 0, NULL, C(imap.timeout) },
	{ "imap", "mailbox", OPTION_STRING, 0, "INBOX", C(mailbox) },
	{ "imap", "processed", OPTION_STRING, 0, "Processed", C(processed) },

	{ "matching", "mode", OPTION_WORD, 0, "approve",
	    W(matching.mode, "approve|auto") },
	{ "matching", "maximize_count", OPTION_BOOL, 0, "no",
	    C(matching.maximize_count) },
	{ "matching", "reverse", OPTION_BOOL, 0, "no", C(matching.weights.reverse) },
	{ "matching", "weight.goals", OPTION_WEIGHT, 0, "40",
	    C(matching.weights.goals) },
	{ "matching", "weight.library_type", OPTION_WEIGHT, 0, "15",
	    C(matching.weights.library_type) },
	{ "matching", "weight.region", OPTION_WEIGHT, 0, "10",
	    C(matching.weights.region) },
	{ "matching", "weight.seniority", OPTION_WEIGHT, 0, "20",
	    C(matching.weights.seniority) },
	{ "matching", "weight.preference", OPTION_WEIGHT, 0, "10",
	    C(matching.weights.preference) },
	{ "matching", "weight.meeting_mode", OPTION_WEIGHT, 0, "5",
	    C(matching.weights.meeting_mode) },
	{ "matching", "show", OPTION_FIELDS, 0, "name; email; library; position; "
	    "library_type; city; state; region; years_experience; goals; "
	    "strengths; meeting_mode", C(matching.show) },
	{ "matching", "attachments", OPTION_LIST, 0, "discussion-topics.txt; "
	    "partnership-agreement.txt", C(matching.attachments) },

	{ "calendar", "start", OPTION_COHORT, 0, "approval",
	    C(calendar.start) },
	{ "calendar", "length", OPTION_SPAN, 0, "12 months",
	    C(calendar.length) },
	{ "calendar", "goals", OPTION_SPAN, 0, "30 days", C(calendar.goals) },
	{ "calendar", "first_meeting", OPTION_SPAN, 0, "30 days",
	    C(calendar.first_meeting) },
	{ "calendar", "first_meeting_in_person", OPTION_BOOL, 0, "no",
	    C(calendar.first_meeting_in_person) },
	{ "calendar", "contact", OPTION_SPAN, 0, "1 month",
	    C(calendar.contact) },
	{ "calendar", "contact_grace", OPTION_SPAN, 0, "14 days",
	    C(calendar.contact_grace) },
	{ "calendar", "contacts_expected", OPTION_COUNT0, 0, "0",
	    C(calendar.contacts_expected) },
	{ "calendar", "checkins", OPTION_SPANS, 0, NULL, C(calendar.checkins) },
	{ "calendar", "evaluation", OPTION_SPAN, 0, "30 days",
	    C(calendar.evaluation) },
	{ "calendar", "reminders", OPTION_SPANS, 0, "7 days before; 3 days "
	    "after", C(calendar.reminders) },
	{ "calendar", "coordinator_after", OPTION_SPAN, 0, "14 days",
	    C(calendar.coordinator_after) },
	{ "calendar", "confirm", OPTION_LIST, 0, NULL,
	    W(calendar.confirm, "mentor|mentee|supervisor") },
	{ "calendar", "confirm_within", OPTION_SPAN, 0, "14 days",
	    C(calendar.confirm_within) },
	{ "calendar", "send_from", OPTION_TIME, 0, "08:00",
	    C(calendar.send_from) },
	{ "calendar", "alumni", OPTION_STRING, 0, NULL, C(calendar.alumni) },
	{ "calendar", "intake_opens", OPTION_MONTHDAY, 0, NULL,
	    C(calendar.intake_opens) },
	{ "calendar", "intake_closes", OPTION_MONTHDAY, 0, NULL,
	    C(calendar.intake_closes) },

	{ "digest", "time", OPTION_TIME, 0, "07:30", C(digest.time) },
	{ "digest", "quiet", OPTION_WORD, 0, "send",
	    W(digest.quiet, "send|skip") },
	{ "digest", "alarm_hours", OPTION_COUNT, 0, "6",
	    C(digest.alarm_hours) },

	{ "stipend", "amount", OPTION_AMOUNT, 0, "0", C(stipend.amount) },
	{ "stipend", "max_meetings", OPTION_COUNT0, 0, "0",
	    C(stipend.max_meetings) },
	{ "stipend", "min_hours", OPTION_AMOUNT, 0, "0", C(stipend.min_hours) },
	{ "stipend", "min_total_hours", OPTION_AMOUNT, 0, "0",
	    C(stipend.min_total_hours) },
	{ "stipend", "mileage_rate", OPTION_AMOUNT, 0, "0",
	    C(stipend.mileage_rate) },
	{ "stipend", "currency", OPTION_STRING, 0, "$", C(stipend.currency) },

	{ "coordinator", "trusted_authserv_id", OPTION_HOST, 0, NULL,
	    C(coordinator.trusted_authserv_id) },
	{ "coordinator", "token_days", OPTION_COUNT, 0, "14",
	    C(coordinator.token_days) },

	{ "smtp", "host", OPTION_HOST, 0, NULL, C(smtp.host) },
	{ "smtp", "port", OPTION_PORT, 0, NULL, C(smtp.port) },
	{ "smtp", "security", OPTION_SECURITY, 0, "tls", C(smtp.security) },
	{ "smtp", "username", OPTION_STRING, 0, NULL, C(smtp.username) },
	{ "smtp", "password_file", OPTION_PATH, 0, NULL,
	    C(smtp.password_file) },
	{ "smtp", "ca_file", OPTION_PATH, 0, NULL, C(smtp.ca_file) },
	{ "smtp", "timeout", OPTION_SECONDS, 0, NULL, C(smtp.timeout) },
};

/* What is being loaded: the file, and the configuration it fills in. */
struct loader {
	struct keyfile	*kf;
	struct config	*config;
};

static const struct option *
option_find(const char *group, const char *key)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(options); i++) {
		if (strcmp(options[i].group, group) == 0 &&
		    (key == NULL || strcmp(options[i].key, key) == 0))
			return &options[i];
	}
	return NULL;
}

/* Groups whose keys the coordinator names: each value is parsed alone. */
static const char *const free_groups[] = { "eligibility", NULL };

static int
group_is_free(const char *group)
{
	return g_strv_contains(free_groups, group);
}

/* "group\nkey": where config_line finds a key. */
static char *
line_key(const char *group, const char *key)
{
	return g_strconcat(group, "\n", key, NULL);
}

/* Keep the line of every key, for errors found after loading. */
static void
loader_lines(const struct loader *l)
{
	GKeyFile *gkf = keyfile_gkeyfile(l->kf);
	char	**groups, **keys;
	size_t	  g, k;

	l->config->lines = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	groups = g_key_file_get_groups(gkf, NULL);
	for (g = 0; groups[g] != NULL; g++) {
		keys = g_key_file_get_keys(gkf, groups[g], NULL, NULL);
		for (k = 0; keys != NULL && keys[k] != NULL; k++)
			g_hash_table_insert(l->config->lines,
			    line_key(groups[g], keys[k]), GINT_TO_POINTER(
			    keyfile_line(l->kf, groups[g], keys[k])));
		g_strfreev(keys);
	}
	g_strfreev(groups);
}

int
config_line(const struct config *c, const char *group, const char *key)
{
	char	*k;
	int	 line;

	if (c->lines == NULL)
		return 0;
	k = line_key(group, key);
	line = GPOINTER_TO_INT(g_hash_table_lookup(c->lines, k));
	g_free(k);
	return line;
}

int
config_error(const struct config *c, const char *group, const char *key,
    char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	int	 line = config_line(c, group, key);

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		cause_set(cause, "%s:%d: %s", c->path, line, msg);
	else
		cause_set(cause, "%s: %s", c->path, msg);
	g_free(msg);
	return -1;
}

/* Unknown groups and keys are mistakes (a typo would silently do nothing). */
static int
loader_check_known(const struct loader *l, char **cause)
{
	GKeyFile *gkf = keyfile_gkeyfile(l->kf);
	char	**groups, **keys;
	size_t	  g, k;
	int	  error = 0;

	groups = g_key_file_get_groups(gkf, NULL);
	for (g = 0; groups[g] != NULL && error == 0; g++) {
		if (group_is_free(groups[g]))
			continue;
		if (option_find(groups[g], NULL) == NULL) {
			error = keyfile_error(l->kf, groups[g], NULL, cause,
			    "unknown group [%s]", groups[g]);
			break;
		}
		keys = g_key_file_get_keys(gkf, groups[g], NULL, NULL);
		for (k = 0; keys[k] != NULL && error == 0; k++) {
			if (option_find(groups[g], keys[k]) == NULL)
				error = keyfile_error(l->kf, groups[g], keys[k],
				    cause, "unknown key \"%s\" in [%s]",
				    keys[k], groups[g]);
		}
		g_strfreev(keys);
	}
	g_strfreev(groups);
	return error;
}

/* RFC 5322 atext: what a local part may hold besides dots. */
static int
is_atext(unsigned char c)
{
	return g_ascii_isalnum(c) || c >= 0x80 ||
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Dot-separated non-empty runs of `ok` characters, from s to end. */
static int
dot_atoms(const char *s, const char *end, int (*ok)(unsigned char))
{
	const char	*p;

	if (s == end || *s == '.' || end[-1] == '.')
		return 0;
	for (p = s; p < end; p++) {
		if (*p == '.' ? p[1] == '.' : !ok((unsigned char)*p))
			return 0;
	}
	return 1;
}

static int
is_label_char(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '-' || c >= 0x80;
}

/*
 * An addr-spec good enough to put in a header, written as people write
 * one: local@domain, the local part a dot-atom, the domain host name
 * labels with a dot between two of them at least (or "localhost").  No
 * display name, no quoting, no spaces: a coordinator who writes two
 * addresses without a separator gets an error, not one odd address.
 */
static int
valid_address(const char *s)
{
	const char	*at = strrchr(s, '@'), *end;

	if (at == NULL || !dot_atoms(s, at, is_atext))
		return 0;
	end = at + 1 + strlen(at + 1);
	if (!dot_atoms(at + 1, end, is_label_char))
		return 0;
	return strchr(at + 1, '.') != NULL ||
	    g_ascii_strcasecmp(at + 1, "localhost") == 0;
}

/* Why `s` is no address, for the error: a hint where one helps. */
static const char *
address_hint(const char *s)
{
	if (strpbrk(s, " \t") != NULL && strchr(s, '@') != strrchr(s, '@'))
		return " (separate addresses with ';' or ',')";
	if (strpbrk(s, "<>\"") != NULL)
		return " (write the address alone, without a name)";
	return "";
}

static char *
resolve_path(const struct loader *l, const char *value)
{
	if (g_path_is_absolute(value))
		return g_strdup(value);
	return g_build_filename(l->config->dir, value, NULL);
}

static int
set_addresses(const struct loader *l, const struct option *o,
    const char *value, char ***slot, char **cause)
{
	char	**list;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	size_t	  i;

	list = g_strsplit_set(value, ";,", -1);
	for (i = 0; list[i] != NULL; i++) {
		g_strstrip(list[i]);
		if (*list[i] == '\0')
			continue;
		if (!valid_address(list[i])) {
			keyfile_error(l->kf, o->group, o->key, cause,
			    "\"%s\" is not an e-mail address%s", list[i],
			    address_hint(list[i]));
			g_strfreev(list);
			g_ptr_array_free(out, TRUE);
			return -1;
		}
		g_ptr_array_add(out, g_strdup(list[i]));
	}
	g_strfreev(list);
	if (out->len == 0) {
		g_ptr_array_free(out, TRUE);
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s needs at least one address", o->key);
	}
	g_ptr_array_add(out, NULL);
	*slot = (char **)g_ptr_array_free(out, FALSE);
	return 0;
}

/* The edit distance of two short words, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t	 n = strlen(b), i, j, diag, up, *row;

	row = g_new(size_t, n + 1);
	for (j = 0; j <= n; j++)
		row[j] = j;
	for (i = 1; a[i - 1] != '\0'; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= n; j++) {
			up = row[j];
			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag +
			    (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	j = row[n];
	g_free(row);
	return j;
}

/* " (did you mean \"x\"?)" for the nearest of `words`, or "". */
static char *
did_you_mean(const char *word, const char *const *words)
{
	const char	*best = NULL;
	size_t		 i, d, best_d = 3;

	for (i = 0; words[i] != NULL; i++) {
		if ((d = distance(word, words[i])) < best_d) {
			best_d = d;
			best = words[i];
		}
	}
	return best != NULL ? g_strdup_printf(" (did you mean \"%s\"?)",
	    best) : g_strdup("");
}

int
config_field_error(const struct config *c, const char *group,
    const char *key, const char *name, char **cause)
{
	char	*hint;

	hint = did_you_mean(name, rules_application_field_names());
	config_error(c, group, key, cause, "[%s] %s: no application field is "
	    "called \"%s\"%s", group, key, name, hint);
	g_free(hint);
	return -1;
}

/* A list's words must be the option's choices, or field names. */
static int
check_word(const struct loader *l, const struct option *o, const char *word,
    char **cause)
{
	const char *const	*fields = rules_application_field_names();
	char			**choices;
	int			  ok;

	if (o->type == OPTION_FIELDS && !g_strv_contains(fields, word))
		return config_field_error(l->config, o->group, o->key, word,
		    cause);
	if (o->choices == NULL)
		return 0;
	choices = g_strsplit(o->choices, "|", -1);
	ok = g_strv_contains((const char *const *)choices, word);
	g_strfreev(choices);
	if (!ok)
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s: \"%s\" is none of %s", o->key, word, o->choices);
	return 0;
}

static int
set_list(const struct loader *l, const struct option *o, const char *value,
    char ***slot, char **cause)
{
	char	**list;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	size_t	  i;
	int	  error = 0;

	list = g_strsplit_set(value, ";,", -1);
	for (i = 0; list[i] != NULL && error == 0; i++) {
		if (*g_strstrip(list[i]) == '\0')
			continue;
		error = check_word(l, o, list[i], cause);
		g_ptr_array_add(out, g_strdup(list[i]));
	}
	g_strfreev(list);
	if (error == 0 && out->len == 0)
		error = keyfile_error(l->kf, o->group, o->key, cause,
		    "%s needs at least one name", o->key);
	if (error != 0) {
		g_ptr_array_free(out, TRUE);
		return -1;
	}
	g_ptr_array_add(out, NULL);
	*slot = (char **)g_ptr_array_free(out, FALSE);
	return 0;
}

/* A port, a timeout, a count or a weight: a whole number in range. */
static int
set_number(const struct loader *l, const struct option *o, const char *value,
    int *slot, char **cause)
{
	long	 min = o->type == OPTION_WEIGHT || o->type == OPTION_COUNT0 ?
	    0 : 1;
	long	 max = o->type == OPTION_PORT ? 65535 :
	    o->type == OPTION_SECONDS ? 3600 :
	    o->type == OPTION_WEIGHT ? 100 : 1000;
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s must be a number from %ld to %ld, not \"%s\"", o->key,
		    min, max, value);
	*slot = (int)n;
	return 0;
}

static int
set_bool(const struct loader *l, const struct option *o, const char *value,
    int *slot, char **cause)
{
	if (g_ascii_strcasecmp(value, "yes") == 0 ||
	    g_ascii_strcasecmp(value, "true") == 0)
		*slot = 1;
	else if (g_ascii_strcasecmp(value, "no") == 0 ||
	    g_ascii_strcasecmp(value, "false") == 0)
		*slot = 0;
	else
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s must be yes or no, not \"%s\"", o->key, value);
	return 0;
}

static int
set_word(const struct loader *l, const struct option *o, const char *value,
    char **slot, char **cause)
{
	char	**words = g_strsplit(o->choices, "|", -1);
	int	  ok = g_strv_contains((const char *const *)words, value);

	g_strfreev(words);
	if (!ok)
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s must be one of %s, not \"%s\"", o->key, o->choices,
		    value);
	*slot = g_strdup(value);
	return 0;
}

static int
set_security(const struct loader *l, const struct option *o,
    const char *value, enum security *slot, char **cause)
{
	if (strcmp(value, "tls") == 0)
		*slot = SECURITY_TLS;
	else if (strcmp(value, "starttls") == 0)
		*slot = SECURITY_STARTTLS;
	else if (strcmp(value, "none") == 0)
		*slot = SECURITY_NONE;
	else
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "security must be tls, starttls or none, not \"%s\"", value);
	return 0;
}

static int
set_timezone(const struct loader *l, const struct option *o,
    const char *value, char **slot, char **cause)
{
	GTimeZone	*tz;

	tz = g_time_zone_new_identifier(value);
	if (tz == NULL)
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "unknown time zone \"%s\" (use a name such as "
		    "America/Denver)", value);
	l->config->tz = tz;
	*slot = g_strdup(value);
	return 0;
}

static int
set_string(const struct loader *l, const struct option *o, const char *value,
    char **slot, char **cause)
{
	if (o->type == OPTION_ADDRESS && !valid_address(value))
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "\"%s\" is not an e-mail address%s", value,
		    address_hint(value));
	if (o->type == OPTION_HOST && strpbrk(value, " \t/@") != NULL)
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "\"%s\" is not a host name", value);
	*slot = o->type == OPTION_PATH ? resolve_path(l, value) :
	    g_strdup(value);
	return 0;
}

static int
set_amount(const struct loader *l, const struct option *o, const char *value,
    double *slot, char **cause)
{
	char	*end;
	double	 n;

	n = g_ascii_strtod(value, &end);
	if (*end != '\0' || end == value || !(n >= 0 && n <= 1000000))
		return keyfile_error(l->kf, o->group, o->key, cause,
		    "%s must be a number from 0 to 1000000, not \"%s\"",
		    o->key, value);
	*slot = n;
	return 0;
}

static int
set_span(const struct loader *l, const struct option *o, const char *value,
    struct span *slot, char **cause)
{
	char	*why = NULL;

	if (span_parse(value, 0, slot, &why) == 0)
		return 0;
	keyfile_error(l->kf, o->group, o->key, cause, "%s: %s", o->key, why);
	g_free(why);
	return -1;
}

static int
set_spans(const struct loader *l, const struct option *o, const char *value,
    GArray **slot, char **cause)
{
	char		**list = g_strsplit_set(value, ";,", -1), *why = NULL;
	struct span	  s;
	size_t		  i;

	*slot = g_array_new(FALSE, FALSE, sizeof(struct span));
	for (i = 0; list[i] != NULL && why == NULL; i++) {
		if (*g_strstrip(list[i]) == '\0')
			continue;
		if (span_parse(list[i], 1, &s, &why) == 0)
			g_array_append_val(*slot, s);
	}
	g_strfreev(list);
	if (why == NULL)
		return 0;
	keyfile_error(l->kf, o->group, o->key, cause, "%s: %s", o->key, why);
	g_free(why);
	return -1;
}

static int
set_cohort(const struct loader *l, const struct option *o, const char *value,
    struct cohort *slot, char **cause)
{
	char	*why = NULL;

	if (cohort_parse(value, slot, &why) == 0)
		return 0;
	keyfile_error(l->kf, o->group, o->key, cause, "%s: %s", o->key, why);
	g_free(why);
	return -1;
}

/* "HH:MM" as minutes, or "MM-DD" checked and kept as text. */
static int
set_clockish(const struct loader *l, const struct option *o,
    const char *value, void *slot, char **cause)
{
	int	a, b;
	char	end;

	if (o->type == OPTION_TIME && strcmp(value, "none") == 0) {
		*(int *)slot = -1;
		return 0;
	}
	if (o->type == OPTION_TIME && strlen(value) == 5 &&
	    sscanf(value, "%2d:%2d%c", &a, &b, &end) == 2 && a >= 0 &&
	    a < 24 && b >= 0 && b < 60) {
		*(int *)slot = a * 60 + b;
		return 0;
	}
	if (o->type == OPTION_MONTHDAY && strlen(value) == 5 &&
	    sscanf(value, "%2d-%2d%c", &a, &b, &end) == 2 &&
	    g_date_valid_dmy((GDateDay)b, (GDateMonth)a, 2024)) {
		*(char **)slot = g_strdup(value);
		return 0;
	}
	return keyfile_error(l->kf, o->group, o->key, cause,
	    "%s must be %s, not \"%s\"", o->key, o->type == OPTION_TIME ?
	    "a time of day as HH:MM (08:00), or none" : "a day as MM-DD (09-01)",
	    value);
}

static int
option_set(const struct loader *l, const struct option *o, const char *value,
    char **cause)
{
	void	*slot = (char *)l->config + o->offset;

	switch (o->type) {
	case OPTION_AMOUNT:
		return set_amount(l, o, value, slot, cause);
	case OPTION_SPAN:
		return set_span(l, o, value, slot, cause);
	case OPTION_SPANS:
		return set_spans(l, o, value, slot, cause);
	case OPTION_COHORT:
		return set_cohort(l, o, value, slot, cause);
	case OPTION_TIME:
	case OPTION_MONTHDAY:
		return set_clockish(l, o, value, slot, cause);
	case OPTION_ADDRESSES:
		return set_addresses(l, o, value, slot, cause);
	case OPTION_LIST:
	case OPTION_FIELDS:
		return set_list(l, o, value, slot, cause);
	case OPTION_PORT:
	case OPTION_SECONDS:
	case OPTION_COUNT:
	case OPTION_COUNT0:
	case OPTION_WEIGHT:
		return set_number(l, o, value, slot, cause);
	case OPTION_BOOL:
		return set_bool(l, o, value, slot, cause);
	case OPTION_WORD:
		return set_word(l, o, value, slot, cause);
	case OPTION_SECURITY:
		return set_security(l, o, value, slot, cause);
	case OPTION_TIMEZONE:
		return set_timezone(l, o, value, slot, cause);
	default:
		return set_string(l, o, value, slot, cause);
	}
}

static int
loader_apply(const struct loader *l, const struct option *o, char **cause)
{
	char	*value;
	int	 error;

	value = g_key_file_get_string(keyfile_gkeyfile(l->kf), o->group,
	    o->key, NULL);
	if (value != NULL)
		g_strstrip(value);
	if (value != NULL && *value == '\0') {
		g_free(value);
		value = NULL;
	}
	if (value == NULL && o->required)
		return keyfile_error(l->kf, NULL, NULL, cause,
		    "[%s] %s is required", o->group, o->key);
	if (value == NULL && o->fallback == NULL)
		return 0;
	error = option_set(l, o, value != NULL ? value : o->fallback, cause);
	g_free(value);
	return error;
}

static int
check_server(const struct loader *l, const char *group,
    struct server_config *s, char **cause)
{
	if (s->host == NULL)
		return 0;
	if (s->security == SECURITY_NONE && !config_host_is_loopback(s->host))
		return keyfile_error(l->kf, group, "security", cause,
		    "security = none sends the password in clear text: "
		    "refused for %s, which is not a loopback host", s->host);
	if (s->username != NULL && s->password_file == NULL)
		return keyfile_error(l->kf, group, "username", cause,
		    "[%s] username needs a password_file", group);
	return 0;
}

static void
eligibility_rule_free(gpointer p)
{
	struct eligibility_rule	*r = p;

	g_free(r->name);
	g_free(r->role);
	g_free(r->field);
	g_free(r->op);
	g_free(r->value);
	g_free(r->because);
	g_free(r);
}

static const char *const eligibility_ops[] = {
	">=", "<=", "!=", ">", "<", "=", "present", NULL
};

/* Split "FIELD OP VALUE [because TEXT]" into `r`; 0 or -1. */
static int
eligibility_parse(struct eligibility_rule *r, const char *text)
{
	char	**w, *because;
	int	  i, n, ok;

	because = strstr(text, " because ");
	r->because = because != NULL ? g_strstrip(g_strdup(because + 9)) :
	    NULL;
	w = g_strsplit_set(text, " \t", -1);
	n = 0;
	for (i = 0; w[i] != NULL; i++) {
		if (because != NULL && strcmp(w[i], "because") == 0)
			break;
		if (*w[i] != '\0')
			w[n++] = w[i];
		else
			g_free(w[i]);
	}
	/* "because" and the reason's words, already copied whole. */
	for (; w[i] != NULL; i++)
		g_free(w[i]);
	ok = n >= 2 && g_strv_contains(eligibility_ops, w[1]) &&
	    (strcmp(w[1], "present") == 0 ? n == 2 : n == 3);
	if (ok) {
		r->field = g_strdup(w[0]);
		r->op = g_strdup(w[1]);
		r->value = n == 3 ? g_strdup(w[2]) : NULL;
	}
	for (i = 0; i < n; i++)
		g_free(w[i]);
	g_free(w);
	return ok ? 0 : -1;
}

static int
loader_eligibility_one(const struct loader *l, const char *key, char **cause)
{
	struct eligibility_rule	*r = g_new0(struct eligibility_rule, 1);
	char			*value;
	const char		*dot = strchr(key, '.');

	r->name = g_strdup(key);
	if (dot != NULL)
		r->role = g_strndup(key, dot - key);
	g_ptr_array_add(l->config->eligibility, r);
	if (r->role != NULL && strcmp(r->role, "mentor") != 0 &&
	    strcmp(r->role, "mentee") != 0)
		return keyfile_error(l->kf, "eligibility", key, cause,
		    "\"%s\": a key may start with mentor. or mentee. only",
		    key);
	value = g_key_file_get_value(keyfile_gkeyfile(l->kf), "eligibility",
	    key, NULL);
	if (value == NULL || eligibility_parse(r, value) != 0) {
		g_free(value);
		return keyfile_error(l->kf, "eligibility", key, cause,
		    "expected \"FIELD OP VALUE [because REASON]\" with OP one "
		    "of >= <= > < = != present");
	}
	g_free(value);
	if (!g_strv_contains(rules_application_field_names(), r->field))
		return config_field_error(l->config, "eligibility", key,
		    r->field, cause);
	return 0;
}

static int
loader_eligibility(const struct loader *l, char **cause)
{
	char	**keys;
	size_t	  i;
	int	  error = 0;

	l->config->eligibility = g_ptr_array_new_with_free_func(
	    eligibility_rule_free);
	keys = g_key_file_get_keys(keyfile_gkeyfile(l->kf), "eligibility",
	    NULL, NULL);
	for (i = 0; keys != NULL && keys[i] != NULL && error == 0; i++)
		error = loader_eligibility_one(l, keys[i], cause);
	g_strfreev(keys);
	return error;
}

/*
 * How a sentence names the program, unless the_name says: "applying to
 * the WVLS Mentoring Program", and a name that starts with "The" keeps
 * its own article ("applying to the Mentoring Collective").
 */
static void
default_the_name(struct config *c)
{
	if (c->the_name != NULL)
		return;
	if (g_ascii_strncasecmp(c->name, "the ", 4) == 0)
		c->the_name = g_strconcat("the ", c->name + 4, NULL);
	else
		c->the_name = g_strconcat("the ", c->name, NULL);
}

/* Ports the config left out follow the protocol and its security. */
static void
default_ports(struct config *c)
{
	if (c->imap.port == 0)
		c->imap.port = c->imap.security == SECURITY_TLS ? 993 : 143;
	if (c->smtp.port == 0) {
		if (c->smtp.security == SECURITY_TLS)
			c->smtp.port = 465;
		else if (c->smtp.security == SECURITY_STARTTLS)
			c->smtp.port = 587;
		else
			c->smtp.port = 25;
	}
}

static int
loader_run(struct loader *l, const char *path, char **cause)
{
	size_t	i;

	/* No KEYFILE_UNIQUE: a key given twice takes its last value. */
	if (keyfile_load(path, 0, &l->kf, cause) != 0)
		return -1;
	if (loader_check_known(l, cause) != 0)
		return -1;
	loader_lines(l);
	for (i = 0; i < G_N_ELEMENTS(options); i++) {
		if (loader_apply(l, &options[i], cause) != 0)
			return -1;
	}
	if (loader_eligibility(l, cause) != 0)
		return -1;
	if ((l->config->calendar.intake_opens == NULL) !=
	    (l->config->calendar.intake_closes == NULL))
		return keyfile_error(l->kf, "calendar",
		    l->config->calendar.intake_opens != NULL ? "intake_opens" :
		    "intake_closes", cause, "intake_opens and intake_closes go "
		    "together: the days applications open and close");
	default_ports(l->config);
	default_the_name(l->config);
	if (l->config->imap.username == NULL)
		return keyfile_error(l->kf, NULL, NULL, cause,
		    "[imap] username is required");
	if (check_server(l, "imap", &l->config->imap, cause) != 0 ||
	    check_server(l, "smtp", &l->config->smtp, cause) != 0)
		return -1;
	return 0;
}

int
config_load(const char *path, struct config **out, char **cause)
{
	struct loader	 l = { NULL, NULL };
	char		*abs;
	int		 error;

	l.config = g_new0(struct config, 1);
	l.config->path = g_strdup(path);
	abs = g_canonicalize_filename(path, NULL);
	l.config->dir = g_path_get_dirname(abs);
	g_free(abs);
	error = loader_run(&l, path, cause);
	keyfile_free(l.kf);
	if (error != 0) {
		config_free(l.config);
		return -1;
	}
	*out = l.config;
	return 0;
}

static void
server_free(struct server_config *s)
{
	g_free(s->host);
	g_free(s->username);
	g_free(s->password_file);
	g_free(s->ca_file);
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	g_free(c->path);
	g_free(c->dir);
	if (c->lines != NULL)
		g_hash_table_unref(c->lines);
	g_free(c->name);
	g_free(c->the_name);
	g_free(c->address);
	g_strfreev(c->coordinators);
	if (c->eligibility != NULL)
		g_ptr_array_unref(c->eligibility);
	g_free(c->timezone);
	if (c->tz != NULL)
		g_time_zone_unref(c->tz);
	g_free(c->database);
	g_free(c->rules);
	g_free(c->templates);
	g_free(c->own_templates);
	g_strfreev(c->forms);
	g_strfreev(c->required);
	server_free(&c->imap);
	g_free(c->mailbox);
	g_free(c->processed);
	g_free(c->matching.mode);
	g_strfreev(c->matching.show);
	g_strfreev(c->matching.attachments);
	g_free(c->mentee_term);
	g_free(c->mentor_term);
	if (c->calendar.checkins != NULL)
		g_array_unref(c->calendar.checkins);
	if (c->calendar.reminders != NULL)
		g_array_unref(c->calendar.reminders);
	g_strfreev(c->calendar.confirm);
	g_free(c->calendar.alumni);
	g_free(c->calendar.intake_opens);
	g_free(c->calendar.intake_closes);
	g_free(c->stipend.currency);
	g_free(c->digest.quiet);
	g_free(c->coordinator.trusted_authserv_id);
	server_free(&c->smtp);
	g_free(c);
}

static int
check_readable(const char *what, const char *path, int dir, char **cause)
{
	if (path == NULL)
		return 0;
	if (access(path, R_OK) != 0)
		return cause_set(cause, "%s %s: %s", what, path,
		    g_strerror(errno));
	if (dir && !g_file_test(path, G_FILE_TEST_IS_DIR))
		return cause_set(cause, "%s %s: not a directory", what, path);
	return 0;
}

/*
 * A password file other users can read has leaked already: it is refused,
 * as ssh refuses such a key, rather than used with a warning that a cron
 * run would mail to nobody in particular.  So is one its group can read,
 * when the file is ours: a file owned by someone else (root:mentormail,
 * 0640) is how a group is meant to be let in.
 */
static int
check_private(const char *what, const char *path, char **cause)
{
	struct stat	st;
	mode_t		open;

	if (path == NULL)
		return 0;
	if (stat(path, &st) != 0)
		return cause_set(cause, "%s %s: %s", what, path,
		    g_strerror(errno));
	open = st.st_mode & (st.st_uid == geteuid() ? (S_IRWXG | S_IRWXO) :
	    S_IRWXO);
	if (open == 0)
		return 0;
	return cause_set(cause, "%s %s is open to %s (mode %03o): refused, "
	    "since they could read the password; chmod 600 %s", what, path,
	    (open & S_IRWXO) ? "every user of this machine" : "its group",
	    (unsigned int)(st.st_mode & 0777), path);
}

/* A name RFC 2606 keeps for examples: no real server is ever at one. */
static int
placeholder_host(const char *host)
{
	static const char *const names[] = { "example", "example.com",
	    "example.net", "example.org", "invalid", NULL };
	const char	*dot;
	size_t		 i;

	if (host == NULL)
		return 0;
	for (i = 0; names[i] != NULL; i++) {
		if (g_ascii_strcasecmp(host, names[i]) == 0)
			return 1;
		dot = host + strlen(host) - strlen(names[i]) - 1;
		if (dot > host && *dot == '.' &&
		    g_ascii_strcasecmp(dot + 1, names[i]) == 0)
			return 1;
	}
	return 0;
}

int
config_is_preset(const struct config *c)
{
	return placeholder_host(c->imap.host) &&
	    (c->smtp.host == NULL || placeholder_host(c->smtp.host));
}

/* The files of a deployment: a preset's are not there yet. */
static int
check_deployment(const struct config *c, char **cause)
{
	char	*dbdir;
	int	 error;

	if (check_readable("[imap] password_file", c->imap.password_file, 0,
	    cause) != 0 ||
	    check_readable("[smtp] password_file", c->smtp.password_file, 0,
	    cause) != 0 ||
	    check_private("[imap] password_file", c->imap.password_file,
	    cause) != 0 ||
	    check_private("[smtp] password_file", c->smtp.password_file,
	    cause) != 0)
		return -1;
	dbdir = g_path_get_dirname(c->database);
	error = check_readable("database directory", dbdir, 1, cause);
	g_free(dbdir);
	return error;
}

int
config_check_paths(const struct config *c, char **cause)
{
	if (check_readable("rules directory", c->rules, 1, cause) != 0 ||
	    check_readable("templates directory", c->templates, 1, cause) != 0 ||
	    check_readable("own_templates directory", c->own_templates, 1,
	    cause) != 0 ||
	    check_readable("[imap] ca_file", c->imap.ca_file, 0, cause) != 0 ||
	    check_readable("[smtp] ca_file", c->smtp.ca_file, 0, cause) != 0)
		return -1;
	return config_is_preset(c) ? 0 : check_deployment(c, cause);
}

char *
config_password(const struct server_config *s, char **cause)
{
	GError	*error = NULL;
	char	*text, *nl;

	if (s->username == NULL)
		return g_strdup("");
	if (check_private("password file", s->password_file, cause) != 0)
		return NULL;
	if (!g_file_get_contents(s->password_file, &text, NULL, &error)) {
		cause_set(cause, "password file: %s", error->message);
		g_error_free(error);
		return NULL;
	}
	nl = strpbrk(text, "\r\n");
	if (nl != NULL)
		*nl = '\0';
	return text;
}

int
config_host_is_loopback(const char *host)
{
	struct in_addr	a;

	if (g_ascii_strcasecmp(host, "localhost") == 0 ||
	    strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	/* 127.0.0.0/8 as a dotted quad: anything else would go to DNS */
	return inet_pton(AF_INET, host, &a) == 1 &&
	    (ntohl(a.s_addr) >> 24) == 127;
}
