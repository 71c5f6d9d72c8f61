/*
 * config.h -- the configuration file: an INI file read with GLib's GKeyFile.
 *
 * Every key is described once, as data, in config.c's option table (type,
 * default, whether required, help); loading validates each value and
 * reports problems as "file:line: what is wrong".  Unknown groups and keys
 * are errors, never silently ignored.  Relative paths are resolved against
 * the directory holding the configuration file.
 */
#ifndef MENTORMAIL_CONFIG_H
#define MENTORMAIL_CONFIG_H

#include <glib.h>

#include "match-score.h"

#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/mentormail.conf"

enum security {
	SECURITY_TLS,		/* TLS from the first byte (IMAPS, SMTPS) */
	SECURITY_STARTTLS,	/* plain, then STARTTLS before anything else */
	SECURITY_NONE,		/* plain text: only to a loopback host */
};

struct server_config {
	char		*host;
	int		 port;
	enum security	 security;
	char		*username;	/* NULL: no authentication */
	char		*password_file;	/* absolute path, or NULL */
	char		*ca_file;	/* absolute path, or NULL: system store */
	int		 timeout;	/* seconds a wait may take; 0: default */
};

/*
 * One [eligibility] condition: "FIELD OP VALUE [because TEXT]", where OP is
 * >=, <=, >, <, =, != or "present"; a key "mentor.NAME" or "mentee.NAME"
 * applies to that role only.
 */
struct eligibility_rule {
	char	*name;		/* the key, for the log */
	char	*role;		/* "mentor", "mentee", or NULL: both */
	char	*field;
	char	*op;
	char	*value;		/* NULL for "present" */
	char	*because;	/* the reason given to the applicant, or NULL */
};

struct config {
	char		*path;		/* the file read, as given */
	char		*dir;		/* its directory, for relative paths */

	char		*name;		/* [program] */
	char		*address;
	char		**coordinators;	/* NULL-terminated, at least one */
	char		*timezone;
	GTimeZone	*tz;
	int		 replies_per_day; /* automatic replies to one sender */
	char		*database;
	char		*rules;
	char		*templates;
	char		**forms;	/* active forms, NULL-terminated; NULL: all */
	char		**required;	/* required fields; NULL: the forms' own */
	GPtrArray	*eligibility;	/* struct eligibility_rule * */

	struct server_config imap;	/* [imap] */
	char		*mailbox;
	char		*processed;

	struct server_config smtp;	/* [smtp] */

	struct {			/* [matching] */
		char		*mode;		/* "approve" or "auto" */
		int		 maximize_count;
		struct match_weights weights;
		char		**show;		/* fields the pair see */
		char		**attachments;	/* files in templates/ */
		char		*cadence;	/* "once a month" */
		int		 first_meeting_days;
		int		 goals_days;
	} matching;

	struct {			/* [coordinator] */
		/*
		 * The authserv-id of the program's own receiving server,
		 * whose Authentication-Results vouch for a sender; NULL:
		 * only tokens authenticate commands by mail.
		 */
		char		*trusted_authserv_id;
		int		 token_days;	/* how long a token works */
	} coordinator;
};

/*
 * Read and validate the file at `path`.  On success store a new config in
 * *out (caller frees with config_free) and return 0.  On failure return -1
 * with *cause set to "path:line: what is wrong" (line omitted when the
 * problem is not on one line, e.g. a missing key).
 */
int	config_load(const char *path, struct config **out, char **cause);
void	config_free(struct config *);

/*
 * Check what loading cannot: that the directories and files named exist and
 * are readable.  Returns 0, or -1 with *cause set as for config_load.
 */
int	config_check_paths(const struct config *, char **cause);

/*
 * The password of `server`: the first line of its password_file.  Returns a
 * g_malloc'd string (caller frees, after clearing it), or NULL with *cause
 * set.  A server without a username has no password: "" is returned.
 */
char	*config_password(const struct server_config *server, char **cause);

/* Whether `host` is a loopback name or address (localhost, 127/8, ::1). */
int	config_host_is_loopback(const char *host);

#endif
