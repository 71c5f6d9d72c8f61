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

#include "calendar-date.h"
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

/*
 * [calendar]: what the program asks of a pair after the introduction, and
 * when.  Due dates count from the mentorship's start (or, for
 * evaluations, its end); a zero span means the program does not ask.
 */
struct calendar_config {
	struct cohort	 start;		/* rolling, or cohorts */
	struct span	 length;
	struct span	 goals;		/* the mentee's goals are due */
	struct span	 first_meeting;
	int		 first_meeting_in_person;
	struct span	 contact;	/* the pair are in touch this often */
	struct span	 contact_grace;	/* silent this much longer: a nudge */
	int		 contacts_expected;	/* in the whole mentorship */
	GArray		*checkins;	/* struct span, after the start */
	struct span	 evaluation;	/* due after the end */
	GArray		*reminders;	/* struct span, around a due date */
	struct span	 coordinator_after;	/* past due: tell them */
	char		**confirm;	/* who confirms a pairing, or NULL */
	struct span	 confirm_within;
	int		 send_from;	/* minutes after local midnight (-1,
					   "none": at midnight) */
	char		*alumni;	/* the thank-you's invitation, or NULL */
	char		*intake_opens;	/* "MM-DD" applications open, or NULL */
	char		*intake_closes;	/* "MM-DD" they close, or NULL */
};

/* [stipend]: what a mentor is paid per in-person meeting, if anything. */
struct stipend_config {
	double		 amount;	/* 0: no stipends */
	int		 max_meetings;	/* paid meetings at most; 0: no cap */
	double		 min_hours;	/* a meeting shorter is not paid */
	double		 min_total_hours; /* in person in all, before any is owed */
	double		 mileage_rate;	/* per mile of travel reported */
	char		*currency;	/* "$" */
};

/* [digest]: the coordinators' daily mail, and the alarm when runs fail. */
struct digest_config {
	int		 time;		/* minutes after local midnight; -1:
					   no digest */
	char		*quiet;		/* "send", or "skip": none on a day
					   with no news */
	int		 alarm_hours;	/* runs failing this long: an alert */
};

struct config {
	char		*path;		/* the file read, as given */
	char		*dir;		/* its directory, for relative paths */
	GHashTable	*lines;		/* where each key is: config_line */

	char		*name;		/* [program] */
	char		*the_name;	/* in a sentence: "the WVLS ..." */
	char		*address;
	char		**coordinators;	/* NULL-terminated, at least one */
	char		*timezone;
	GTimeZone	*tz;
	int		 replies_per_day; /* automatic replies to one sender */
	char		*database;
	char		*rules;
	char		*templates;
	char		*own_templates;	/* the program's own, tried first */
	char		*mentee_term;	/* "mentee", or the program's word */
	char		*mentor_term;
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
	} matching;

	struct calendar_config calendar;
	struct stipend_config stipend;
	struct digest_config digest;
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
 * The line of the file `key` of `group` was read from, or 0 when it was
 * not in the file (a default).
 */
int	config_line(const struct config *, const char *group,
	    const char *key);

/*
 * Set *cause to "path:line: message" (the line of `key` in `group`, or
 * none when it was not in the file) and return -1, for a problem found
 * after loading, with the rules (a field no active form asks).
 */
int	config_error(const struct config *, const char *group,
	    const char *key, char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/*
 * config_error for `name`, which the option names as an application
 * field and is none: says the nearest field name, if one is near.
 */
int	config_field_error(const struct config *, const char *group,
	    const char *key, const char *name, char **cause);

/*
 * Check what loading cannot: that the directories and files named exist and
 * are readable, and that no password file is open to other users (nor to
 * its group, when the file is ours), which is refused.  For a preset
 * (config_is_preset), the deployment's own files (the password files, the
 * database's directory) are not checked: they are made when the preset is
 * filled in.  Returns 0, or -1 with *cause set as for config_load.
 */
int	config_check_paths(const struct config *, char **cause);

/*
 * Whether the configuration is a preset still to be filled in: its
 * servers are at names RFC 2606 keeps for examples (imap.example.org,
 * anything under .example or .invalid), where no server ever is.
 */
int	config_is_preset(const struct config *);

/*
 * The password of `server`: the first line of its password_file.  Returns a
 * g_malloc'd string (caller frees, after clearing it), or NULL with *cause
 * set, also when the file is open to others (as config_check_paths says).
 * A server without a username has no password: "" is returned.
 */
char	*config_password(const struct server_config *server, char **cause);

/* Whether `host` is a loopback name or address (localhost, 127/8, ::1). */
int	config_host_is_loopback(const char *host);

#endif
