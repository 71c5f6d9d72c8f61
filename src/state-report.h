/*
 * state-report.h -- what the coordinator reads of the program calendar:
 * CSV exports of goals, meetings, stipends and evaluations, and the
 * figures of `mentormail report`.  Functions return 0 (or the value
 * said) and -1 with *cause set on a database error.
 */
#ifndef MENTORMAIL_STATE_REPORT_H
#define MENTORMAIL_STATE_REPORT_H

#include <stdint.h>
#include <stdio.h>

struct db;

/*
 * Write export `what` ("goals", "meetings", "stipends", "evaluations")
 * as CSV (RFC 4180) with a header line.  Returns 0, 1 when there is no
 * such export, or -1.
 */
int	state_export_csv(struct db *, const char *what, FILE *out,
	    char **cause);

/* The names of the exports, NULL-terminated. */
const char *const *state_export_names(void);

/* One pair, as the report lists it.  Strings last until the callback
 * returns. */
struct report_pair {
	int64_t		 id;
	const char	*mentee;	/* "Name <address>" */
	const char	*mentor;
	const char	*status;	/* approved | ended */
	const char	*starts_on;
	const char	*ends_on;
	const char	*ended_on;
	const char	*end_reason;
	const char	*confirm;
	int		 goals;		/* goals mails */
	const char	*goals_on;	/* the first's day, or NULL */
	int		 goals_on_time;
	int		 meetings;
	int		 in_person;
	const char	*last_contact;	/* or NULL */
	int		 evaluations;
};
int	state_report_pairs(struct db *,
	    int (*fn)(const struct report_pair *, void *), void *arg,
	    char **cause);

/* Stipends per mentor: what was paid and reimbursed, in all. */
struct report_stipend {
	const char	*mentor;
	int		 meetings;	/* paid ones */
	double		 paid;
	double		 reimbursed;
};
int	state_report_stipends(struct db *,
	    int (*fn)(const struct report_stipend *, void *), void *arg,
	    char **cause);

/* The evaluation figures. */
struct report_evaluations {
	int	 answers;		/* evaluations in */
	int	 expected;		/* two per ended pair */
	double	 satisfaction;		/* mean of those given, 0: none */
	int	 satisfaction_n;
	int	 keep_yes, keep_n;	/* keep in touch: yes of answered */
	int	 again_yes, again_n;	/* mentors: mentor again */
};
int	state_report_evaluations(struct db *, struct report_evaluations *,
	    char **cause);

#endif
