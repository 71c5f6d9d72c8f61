/*
 * csv.c -- RFC 4180 quoting.
 */
#include <string.h>

#include <glib.h>

#include "csv.h"

void
csv_cell(GString *line, const char *value)
{
	const char	*p;

	if (value == NULL)
		return;
	if (strpbrk(value, ",\"\r\n") == NULL) {
		g_string_append(line, value);
		return;
	}
	g_string_append_c(line, '"');
	for (p = value; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(line, '"');
		g_string_append_c(line, *p);
	}
	g_string_append_c(line, '"');
}
