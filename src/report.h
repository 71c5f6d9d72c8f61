/*
 * report.h -- the coordinator's report, as text: `mentormail report`
 * prints it, and the `report` command by mail answers with it.
 */
#ifndef MENTORMAIL_REPORT_H
#define MENTORMAIL_REPORT_H

#include <stdio.h>

struct program;

/*
 * Write the report of the program at its now to `out`: every pair
 * introduced, the stipends payable (when the program pays any) and the
 * evaluation figures.  Returns 0, or -1 with *cause set.
 */
int	report_write(struct program *, FILE *out, char **cause);

#endif
