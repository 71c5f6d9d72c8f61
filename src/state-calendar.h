/*
 * state-calendar.h -- the program calendar's state: each pair's dates,
 * what they sent (goals, meeting reports, check-in answers, evaluations),
 * confirmations, the time-driven events done, and the notices the
 * coordinator must read.
 *
 * Days are "YYYY-MM-DD" in the program's zone; instants are the clock's
 * "YYYY-MM-DDTHH:MM:SSZ".  Functions return 0 (or the value said) and -1
 * with *cause set on a database error; none begins a transaction.
 */
#ifndef MENTORMAIL_STATE_CALENDAR_H
#define MENTORMAIL_STATE_CALENDAR_H

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

struct db;

/* A pair as the calendar sees it.  Strings are owned (pair_free). */
struct pair {
	int64_t		 id;		/* the match */
	int64_t		 mentee;
	int64_t		 mentor;
	char		*status;	/* approved | ended */
	char		*starts_on;	/* NULL: not introduced yet */
	char		*ends_on;
	char		*ended_on;	/* NULL while it runs */
	char		*end_reason;
	char		*confirm;	/* NULL, waiting, confirmed */
	char		*decided_at;	/* when approved */
	/* What came in, filled by state_calendar_load(). */
	int		 goals;		/* goals mails */
	int		 meetings;	/* meetings reported */
	int		 in_person;	/* of them, in person */
	GArray		*contacts;	/* days (GDate) the pair were in touch */
	int		 evaluated_mentee;
	int		 evaluated_mentor;
	GHashTable	*done;		/* event name -> outcome */
	GHashTable	*answers;	/* confirmer -> "yes", "no" or "" */
};

void	pair_free(struct pair *);

/*
 * Every pair the calendar still has work for: running (approved), or
 * ended but not yet thanked.  *out is a new array of struct pair *
 * (caller unrefs), with what came in for each.
 */
int	state_calendar_load(struct db *, GPtrArray **out, char **cause);

/* One pair by match id: 1 and a new *out, 0 when it is not running. */
int	state_calendar_pair(struct db *, int64_t match, struct pair **out,
	    char **cause);

/* The running match of participant `pid`: its id, 0 for none, -2 for
 * more than one (a mentor with several mentees). */
int64_t	state_calendar_match_of(struct db *, int64_t pid, char **cause);

/* Event `name` of `match`, due on `due_on`, was done at `now`. */
int	state_event_done(struct db *, int64_t match, const char *name,
	    const char *due_on, const char *outcome, const char *now,
	    char **cause);

/* Set the days of a mentorship (at its introduction, or an extension). */
int	state_match_dates(struct db *, int64_t match, const char *starts_on,
	    const char *ends_on, char **cause);

/* The match ended on `day`, because `reason`. */
int	state_match_end(struct db *, int64_t match, const char *day,
	    const char *reason, const char *now, char **cause);

/* Which match message `id` belongs to. */
int	state_message_match(struct db *, int64_t id, int64_t match,
	    char **cause);

/* Goals, as received: the next revision for `match`. */
int	state_goals_add(struct db *, int64_t match, int64_t message,
	    const char *items, const char *received_on, int on_time,
	    int *revision, char **cause);

/* A meeting report.  Stipend and reimbursement as worked out. */
struct meeting_row {
	int64_t		 match;
	int64_t		 message;
	int64_t		 reported_by;
	const char	*held_on;
	const char	*mode;		/* may be NULL */
	double		 hours;		/* < 0: not said */
	const char	*place;
	double		 miles;		/* < 0: not said */
	double		 travel;	/* < 0: not said */
	const char	*topics;
	double		 paid;
	double		 reimbursed;
	const char	*received_at;
};

/*
 * Record `m`; a report of a meeting of the same match on the same day
 * (the other side reporting it too) is the same meeting: updated, with
 * *same set, and it keeps what it was paid.
 */
int	state_meeting_add(struct db *, const struct meeting_row *m,
	    int64_t *id, int *same, char **cause);

/* What is known of meeting `id` (after both sides' reports). */
struct meeting_facts {
	char	*mode;		/* NULL: not said */
	double	 hours;		/* < 0: not said */
	double	 miles;
	double	 travel;
	double	 paid;
};
int	state_meeting_facts(struct db *, int64_t id, struct meeting_facts *,
	    char **cause);

/* Meetings of `match` other than `id` that were paid. */
int64_t	state_meeting_paid_others(struct db *, int64_t match, int64_t id,
	    char **cause);

/*
 * In-person meetings of `match` reported before meeting `id` that last at
 * least `min_hours` (any length when 0): those that earn a stipend first.
 */
int64_t	state_meeting_earners_before(struct db *, int64_t match, int64_t id,
	    double min_hours, char **cause);

/* The hours of the in-person meetings of `match`, in all (*hours). */
int	state_meeting_hours(struct db *, int64_t match, double *hours,
	    char **cause);

/*
 * Pay `amount` for the in-person meetings of `match` that earn it (the
 * first `max_meetings` lasting `min_hours`, in the order reported; no
 * cap when 0) and are not paid yet.  Returns how many, or -1.
 */
int	state_meeting_release(struct db *, int64_t match, double amount,
	    int max_meetings, double min_hours, char **cause);

/* What meeting `id` pays: the stipend and the travel reimbursed. */
int	state_meeting_pay(struct db *, int64_t id, double paid,
	    double reimbursed, char **cause);

/* The mentor's paid meetings of `match` and the total paid and owed. */
struct stipend_sum {
	int	 paid_meetings;
	double	 paid;
	double	 reimbursed;
};
int	state_stipend_sum(struct db *, int64_t match, struct stipend_sum *,
	    char **cause);

int	state_checkin_add(struct db *, int64_t match, int64_t participant,
	    int64_t message, const char *verdict, const char *comments,
	    const char *now, char **cause);

/* An evaluation; a later one from the same person replaces it. */
struct evaluation_row {
	int64_t		 match;
	int64_t		 participant;
	int64_t		 message;
	const char	*role;
	int		 satisfaction;	/* 1-5, 0: not said */
	int		 keep_in_touch;	/* 1, 0, or -1: not said */
	int		 mentor_again;	/* the same */
	const char	*comments;
	const char	*received_at;
};
int	state_evaluation_add(struct db *, const struct evaluation_row *,
	    char **cause);

/* Confirmations of a pairing before its introduction. */
int	state_confirm_ask(struct db *, int64_t match, const char *who,
	    const char *address, const char *now, char **cause);
int	state_confirm_answer(struct db *, int64_t match, const char *who,
	    const char *answer, const char *reason, int64_t message,
	    const char *now, char **cause);
int	state_match_confirm(struct db *, int64_t match, const char *state,
	    char **cause);

/* Something the coordinator must be told. */
int	state_notice_add(struct db *, int64_t match, int64_t participant,
	    int64_t message, const char *what, const char *text,
	    const char *now, char **cause);

/* Status keys: calendar.* (README.md lists them). */
int	state_calendar_status(struct db *,
	    void (*fn)(const char *key, const char *value, void *arg),
	    void *arg, char **cause);

#endif
