/*
 * csv.h -- RFC 4180 cells for the exports.
 */
#ifndef MENTORMAIL_CSV_H
#define MENTORMAIL_CSV_H

#include <glib.h>

/*
 * Append `value` to `line` as one cell: as it is, or in double quotes
 * (with quotes doubled) when it holds a comma, a quote or a line break.
 * NULL appends an empty cell.
 */
void	csv_cell(GString *line, const char *value);

#endif
