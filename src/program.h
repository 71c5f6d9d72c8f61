/*
 * program.h -- the run context: everything one pass (or one command) of
 * mentormail works with, loaded once and passed down.
 *
 * It holds the one clock of the run: `now` is read from clock.c once, by
 * the command, and every decision below (what is due, what
 * a reply is dated, how many replies went out today) is made at it.  No
 * module below the commands reads the clock itself, so a simulated year
 * (`run --now`) sees exactly the time it was given.
 */
#ifndef MENTORMAIL_PROGRAM_H
#define MENTORMAIL_PROGRAM_H

#include <glib.h>

struct config;
struct db;
struct rules;
struct replies;

struct program {
	const struct config	*cfg;
	struct db		*db;
	struct rules		*rules;
	struct replies		*replies;
	GDateTime		*now;		/* the run's clock */
	char			*now_iso;	/* the same, as stored */
	int			 dry_run;	/* db is a throwaway copy */
};

/*
 * Load the rules and templates named by `cfg`, for a run at `now` (the
 * command reads the clock once and passes it; the program keeps its own
 * reference).  `db` stays the caller's (NULL for commands that need
 * none).
 * Returns 0 and a new program in *out (free with program_free), or -1
 * with *cause set ("file:line: what is wrong").
 */
int	program_open(const struct config *cfg, struct db *db, GDateTime *now,
	    struct program **out, char **cause);
void	program_free(struct program *);

/* Move the program's clock to `now`: the same rules, a later run. */
void	program_set_clock(struct program *, GDateTime *now);

/*
 * The blank form sent to whoever asks for it: the file form-NAME.txt of
 * the program's own templates or the shipped ones (reply_path), NAME the
 * first active form; NULL when no form is active.  Caller frees.
 */
char	*program_form_path(const struct program *);

/* Whether `addr` is one of the configured coordinators. */
int	program_is_coordinator(const struct program *, const char *addr);

#endif
