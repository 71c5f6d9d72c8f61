/*
 * run.h -- one pass of `mentormail run`, as a table of phases over one
 * run context: intake (fetch, record, handle each message), match
 * (propose matches), calendar (what each pair is due today: calendar.h),
 * digest (the coordinators' daily mail: digest.h), health (the alarm when
 * runs keep failing), then flush (send what is due).
 *
 * A phase that fails stops the phases after it, but for those marked to
 * run always (the flush: mail queued by earlier runs goes out even when
 * the mailbox cannot be read now).  The first failure is what the pass
 * returns.
 */
#ifndef MENTORMAIL_RUN_H
#define MENTORMAIL_RUN_H

#include "state-message.h"

struct program;

/* What one pass works with. */
struct run {
	struct program		*prog;
	const char		*dry_run_dir;	/* NULL: send for real */
	struct run_counts	*counts;
	int			 failed;	/* a phase before failed */
};

/*
 * Run every phase in order.  Returns 0, or the EX_* code of the first
 * phase that failed, with *cause set (caller frees); a later failure is
 * only logged.
 */
int	run_pass(struct run *, char **cause);

#endif
