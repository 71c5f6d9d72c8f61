/*
 * normalise.c -- turning an answer as written into the value mentormail
 * keeps: "(307) 555-0142" into "307-555-0142", "Two" into "2", "Wis."
 * into "WI".  A normaliser returns NULL when the answer holds no such
 * value, which makes the field absent (a "phone" of "ask my office").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "rules-int.h"

/* Trimmed, every run of white space one space; NULL when empty. */
char *
norm_text(const char *s)
{
	GString		*out = g_string_new(NULL);
	const char	*p;
	int		 space = 0;

	for (p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		if (*p == ' ' || *p == '\t' || ((unsigned char)*p >= 0x80 &&
		    g_unichar_isspace(g_utf8_get_char(p)))) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = 0;
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/*
 * Free text: each line trimmed, a run of blank lines kept as one (a
 * paragraph break), none at the start or the end.
 */
char *
norm_multiline(const char *s)
{
	GString	*out = g_string_new(NULL);
	char	**lines, *line;
	size_t	  i;
	int	  blank = 0;

	lines = g_strsplit(s, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		line = norm_text(lines[i]);
		if (line == NULL) {
			blank = out->len > 0;
			continue;
		}
		if (out->len > 0)
			g_string_append(out, blank ? "\n\n" : "\n");
		g_string_append(out, line);
		blank = 0;
		g_free(line);
	}
	g_strfreev(lines);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static char *
norm_lowercase(const char *s)
{
	char	*t, *low;

	if ((t = norm_text(s)) == NULL)
		return NULL;
	low = g_utf8_strdown(t, -1);
	g_free(t);
	return low;
}

/* Numbers people write as words on a form. */
static const char *const number_words[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven",
	"eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
	"fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const tens_words[] = {
	"twenty", "thirty", "forty", "fifty", "sixty",
};

/* The word of `words` starting at p, whole; its index, or -1. */
static int
word_in(const char *p, const char *const *words, size_t n, size_t *len)
{
	size_t	i, l;

	for (i = 0; i < n; i++) {
		l = strlen(words[i]);
		if (g_ascii_strncasecmp(p, words[i], l) == 0 &&
		    !isalpha((unsigned char)p[l])) {
			*len = l;
			return (int)i;
		}
	}
	return -1;
}

/* A number written as words at p ("six", "twenty-six"), or 0. */
static size_t
number_word(const char *p, double *out)
{
	size_t	n, m;
	int	i, j;

	if ((i = word_in(p, number_words, G_N_ELEMENTS(number_words),
	    &n)) >= 0) {
		*out = i;
		return n;
	}
	if ((i = word_in(p, tens_words, G_N_ELEMENTS(tens_words), &n)) < 0)
		return 0;
	*out = (i + 2) * 10;
	if ((p[n] == '-' || p[n] == ' ') && (j = word_in(p + n + 1,
	    number_words, 10, &m)) > 0) {
		*out += j;
		n += 1 + m;
	}
	return n;
}

/*
 * The number at or after *pp, as digits ("1.5") or words ("two",
 * "twenty-six"); *pp moves past it.  Returns 0 when there is none.
 */
static int
next_number(const char **pp, double *out)
{
	const char	*p;
	char		*end;
	size_t		 n;

	for (p = *pp; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			*out = g_ascii_strtod(p, &end);
			*pp = end;
			return 1;
		}
		if (!isalpha((unsigned char)*p) || (p > *pp &&
		    isalpha((unsigned char)p[-1])))
			continue;
		if ((n = number_word(p, out)) > 0) {
			*pp = p + n;
			return 1;
		}
	}
	return 0;
}

/* Past spaces, and a "+" ("20+ years"). */
static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '+' || *p == '\t')
		p++;
	return p;
}

/* Whether the word after `p` (past spaces) starts with `unit`. */
static int
unit_follows(const char *p, const char *unit)
{
	p = skip_blanks(p);
	return g_ascii_strncasecmp(p, unit, strlen(unit)) == 0;
}

static char *
norm_integer(const char *s)
{
	double	n;

	if (!next_number(&s, &n))
		return NULL;
	return g_strdup_printf("%ld", (long)n);
}

/* Whether the text before `p` ends in "less than" or "under". */
static int
is_below(const char *start, const char *p)
{
	size_t	n = (size_t)(p - start);

	return (n >= 10 && g_ascii_strncasecmp(p - 10, "less than ", 10) ==
	    0) || (n >= 6 && g_ascii_strncasecmp(p - 6, "under ", 6) == 0);
}

/* A half after a number ("3 1/2", "3½", "one and a half"), or 0. */
static size_t
half_after(const char *p)
{
	const char	*q = skip_blanks(p);

	if (g_str_has_prefix(q, "1/2"))
		return (size_t)(q + 3 - p);
	if (g_str_has_prefix(q, "\xc2\xbd"))
		return (size_t)(q + 2 - p);
	if (g_ascii_strncasecmp(q, "and a half", 10) == 0)
		return (size_t)(q + 10 - p);
	return 0;
}

/*
 * The unit at p, past blanks: 12 for months ("months", "mo", "mos."), 1
 * for years or none; *end is past it, or p when there is none.
 */
static int
unit_at(const char *p, const char **end)
{
	static const char *const units[] = { "months", "month", "mos",
	    "mo", "years", "year", "yrs", "yr" };
	const char	*q = skip_blanks(p);
	size_t		 n;
	int		 i;

	*end = p;
	if ((i = word_in(q, units, G_N_ELEMENTS(units), &n)) < 0)
		return 1;
	for (*end = q + n; **end == '.'; (*end)++)
		;
	return i < 4 ? 12 : 1;
}

/* "a " or "an " before a unit ("a year"): its length less the space. */
static size_t
article_at(const char *p)
{
	const char	*end;
	size_t		 n;

	if (g_ascii_strncasecmp(p, "a ", 2) == 0)
		n = 1;
	else if (g_ascii_strncasecmp(p, "an ", 3) == 0)
		n = 2;
	else
		return 0;
	unit_at(p + n, &end);
	return end != p + n ? n : 0;
}

/*
 * An amount of time at p, in years: a number or "a" before a unit, with
 * a half before or after the unit ("3 1/2 years", "a year and a half").
 * *months is 12 when the unit was months.  Returns where it ends, or NULL.
 */
static const char *
amount_at(const char *p, double *years, int *months)
{
	const char	*q, *u;
	char		*end;
	size_t		 n;

	if (isdigit((unsigned char)*p)) {
		*years = g_ascii_strtod(p, &end);
		q = end;
	} else if ((n = number_word(p, years)) > 0)
		q = p + n;
	else if ((n = article_at(p)) > 0) {
		*years = 1;
		q = p + n;
	} else if (g_str_has_prefix(p, "\xc2\xbd")) {
		*years = 0.5;		/* "½" alone */
		q = p + 2;
	} else
		return NULL;
	if ((n = half_after(q)) > 0) {
		*years += 0.5;
		q += n;
	}
	*months = unit_at(q, &u);
	if (u != q && (n = half_after(u)) > 0) {
		*years += 0.5;
		u += n;
	}
	*years /= *months;
	return u;
}

/* "1 yr 8 mo", "2 years and 3 months": the months after the years. */
static const char *
months_more(const char *p, double *years)
{
	const char	*q = skip_blanks(p), *end;
	double		 more;
	int		 months;

	if (*q == ',')
		q = skip_blanks(q + 1);
	if (g_ascii_strncasecmp(q, "and ", 4) == 0)
		q += 4;
	if ((end = amount_at(q, &more, &months)) == NULL || months != 12)
		return p;
	*years += more;
	return end;
}

/*
 * Years as a number: "20+" 20, "1.5", "3 1/2" 3.5, "8 months" 0.7,
 * "a year and a half" 1.5, "1 yr 8 mo" 1.7, "less than a year" 0.5;
 * to one decimal.  A year such as "since 2016" is no number of years.
 */
static char *
norm_years(const char *s)
{
	const char	*p, *end = NULL;
	double		 n = 0;
	int		 months = 1;
	char		*out;

	for (p = s; *p != '\0'; p++) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    (end = amount_at(p, &n, &months)) != NULL)
			break;
	}
	if (end == NULL || n >= 100)
		return NULL;
	if (months == 1)
		end = months_more(end, &n);
	if (is_below(s, p) && n > 0)
		n -= 0.5 / months;
	out = g_strdup_printf("%.1f", n + 1e-9);
	if (g_str_has_suffix(out, ".0"))
		out[strlen(out) - 2] = '\0';
	return out;
}

/* Every digit, in order: "602 7731" 6027731, "5521-907" 5521907. */
static char *
norm_digits(const char *s)
{
	GString	*d = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			g_string_append_c(d, *s);
	}
	return g_string_free(d, d->len == 0);
}

/* The largest number stated: "1-2" is 2, "two or three" 3. */
static char *
norm_capacity(const char *s)
{
	double	n, max = -1;

	while (next_number(&s, &n)) {
		if (n > max)
			max = n;
	}
	if (max < 0)
		return NULL;
	return g_strdup_printf("%ld", (long)max);
}

/* After a number: " ext. 4", " x4", " extension 4"; 0 when none. */
static long
phone_extension(const char *p)
{
	while (*p == ' ' || *p == ',')
		p++;
	if (g_ascii_strncasecmp(p, "extension", 9) == 0)
		p += 9;
	else if (g_ascii_strncasecmp(p, "ext", 3) == 0)
		p += 3;
	else if (*p == 'x' || *p == 'X')
		p++;
	else
		return 0;
	while (*p == '.' || *p == ' ' || *p == ':' || *p == '#')
		p++;
	return isdigit((unsigned char)*p) ? strtol(p, NULL, 10) : 0;
}

/* US numbers as NNN-NNN-NNNN, an extension as " xN". */
static char *
norm_phone(const char *s)
{
	char		 d[12];
	const char	*p;
	size_t		 n = 0, want = 10;
	long		 ext;

	for (p = s; *p != '\0' && n < want; p++) {
		if (isdigit((unsigned char)*p)) {
			/* a leading 1 is the country code, never an area's */
			if (n == 0 && *p == '1')
				want = 11;
			d[n++] = *p;
		} else if (n > 0 && strchr(" ()-./", *p) == NULL)
			break;
	}
	if (n != want)
		return NULL;
	d[n] = '\0';
	s = d + n - 10;
	if ((ext = phone_extension(p)) > 0)
		return g_strdup_printf("%.3s-%.3s-%.4s x%ld", s, s + 3, s + 6,
		    ext);
	return g_strdup_printf("%.3s-%.3s-%.4s", s, s + 3, s + 6);
}

/* NNNNN or NNNNN-NNNN. */
static char *
norm_zip(const char *s)
{
	GString	*d = g_string_new(NULL);
	char	*out = NULL;

	for (; *s != '\0' && d->len < 9; s++) {
		if (isdigit((unsigned char)*s))
			g_string_append_c(d, *s);
		else if (d->len > 0 && *s != '-' && *s != ' ')
			break;
	}
	if (d->len == 5)
		out = g_strdup(d->str);
	else if (d->len == 9)
		out = g_strdup_printf("%.5s-%.4s", d->str, d->str + 5);
	g_string_free(d, TRUE);
	return out;
}

static const struct state {
	const char	*code;
	const char	*names;		/* '|'-separated, lower case */
} states[] = {
	{ "AL", "alabama|ala" }, { "AK", "alaska" }, { "AZ", "arizona|ariz" },
	{ "AR", "arkansas|ark" }, { "CA", "california|calif|cal" },
	{ "CO", "colorado|colo" }, { "CT", "connecticut|conn" },
	{ "DE", "delaware|del" }, { "DC", "district of columbia" },
	{ "FL", "florida|fla" }, { "GA", "georgia" }, { "HI", "hawaii" },
	{ "ID", "idaho" }, { "IL", "illinois|ill" }, { "IN", "indiana|ind" },
	{ "IA", "iowa" }, { "KS", "kansas|kans" }, { "KY", "kentucky" },
	{ "LA", "louisiana" }, { "ME", "maine" }, { "MD", "maryland" },
	{ "MA", "massachusetts|mass" }, { "MI", "michigan|mich" },
	{ "MN", "minnesota|minn" }, { "MS", "mississippi|miss" },
	{ "MO", "missouri" }, { "MT", "montana|mont" },
	{ "NE", "nebraska|neb|nebr" }, { "NV", "nevada|nev" },
	{ "NH", "new hampshire" }, { "NJ", "new jersey" },
	{ "NM", "new mexico" }, { "NY", "new york" },
	{ "NC", "north carolina" }, { "ND", "north dakota" },
	{ "OH", "ohio" }, { "OK", "oklahoma|okla" }, { "OR", "oregon|ore" },
	{ "PA", "pennsylvania|penn|penna" }, { "RI", "rhode island" },
	{ "SC", "south carolina" }, { "SD", "south dakota" },
	{ "TN", "tennessee|tenn" }, { "TX", "texas|tex" }, { "UT", "utah" },
	{ "VT", "vermont" }, { "VA", "virginia" },
	{ "WA", "washington|wash" }, { "WV", "west virginia" },
	{ "WI", "wisconsin|wis|wisc" }, { "WY", "wyoming|wyo" },
	{ "PR", "puerto rico" }, { "GU", "guam" },
};

static const char *
state_code(const char *name)
{
	char	**names;
	size_t	  i;
	int	  found;

	for (i = 0; i < G_N_ELEMENTS(states); i++) {
		if (g_ascii_strcasecmp(name, states[i].code) == 0)
			return states[i].code;
		names = g_strsplit(states[i].names, "|", -1);
		found = g_strv_contains((const char *const *)names, name);
		g_strfreev(names);
		if (found)
			return states[i].code;
	}
	return NULL;
}

/*
 * The two-letter postal code: "Wyoming" WY, "Wis." WI.  When the whole
 * answer is not a state, its last words may be ("Wausau WI").
 */
static char *
norm_state(const char *s)
{
	char		*t, *low, *p;
	const char	*code = NULL;
	size_t		 n;

	if ((t = norm_text(s)) == NULL)
		return NULL;
	low = g_ascii_strdown(t, -1);
	g_free(t);
	n = strlen(low);
	while (n > 0 && (low[n - 1] == '.' || low[n - 1] == ','))
		low[--n] = '\0';
	for (p = low; p != NULL && code == NULL; p = strchr(p, ' ')) {
		while (*p == ' ')
			p++;
		code = state_code(p);
	}
	g_free(low);
	return code != NULL ? g_strdup(code) : NULL;
}

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec",
};

static int
month_of(const char *word)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(months); i++) {
		if (g_ascii_strncasecmp(word, months[i], 3) == 0)
			return (int)i + 1;
	}
	return 0;
}

/* The date `s` spells in one of the ways people write one with a year. */
static int
date_parts(const char *s, int *y, int *m, int *d)
{
	char	word[16];

	*y = *m = *d = 0;
	if (sscanf(s, "%4d-%2d-%2d", y, m, d) == 3)
		return 0;
	if (sscanf(s, "%2d/%2d/%4d", m, d, y) == 3)
		return 0;
	if (sscanf(s, "%15[A-Za-z] %2d, %4d", word, d, y) == 3 ||
	    sscanf(s, "%15[A-Za-z] %2d %4d", word, d, y) == 3 ||
	    sscanf(s, "%2d %15[A-Za-z] %4d", d, word, y) == 3) {
		*m = month_of(word);
		return 0;
	}
	return -1;
}

/* 2026-03-04, 3/4/2026 (US order), March 4, 2026, 4 March 2026. */
static char *
norm_date(const char *s)
{
	int	y, m, d;

	if (date_parts(s, &y, &m, &d) != 0)
		return NULL;
	if (y < 100)
		y += 2000;
	if (!g_date_valid_dmy(d, m, y))
		return NULL;
	return g_strdup_printf("%04d-%02d-%02d", y, m, d);
}

static const char *const weekdays[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

/* The weekday named in `low` (1 Monday .. 7 Sunday), or 0. */
static int
weekday_in(const char *low)
{
	const char	*p;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(weekdays); i++) {
		p = strstr(low, weekdays[i]);
		if (p != NULL && (p == low || !isalpha((unsigned char)p[-1])))
			return (int)i + 1;
	}
	return 0;
}

/* A day and month without a year: the latest such day not long after `ref`. */
static int
day_month_near(const char *low, const GDate *ref, GDate *d)
{
	char	word[16];
	int	m = 0, day = 0, y = g_date_get_year(ref);

	if (sscanf(low, "%15[a-z] %2d", word, &day) == 2)
		m = month_of(word);
	else if (sscanf(low, "%2d %15[a-z]", &day, word) == 2)
		m = month_of(word);
	else if (sscanf(low, "%2d/%2d", &m, &day) != 2)
		return -1;
	if (!g_date_valid_dmy((GDateDay)day, (GDateMonth)m, (GDateYear)y))
		return -1;
	g_date_set_dmy(d, (GDateDay)day, (GDateMonth)m, (GDateYear)y);
	/* A report tells of the past: "Dec 30" written in January. */
	if (g_date_days_between(ref, d) > 7 && g_date_valid_dmy((GDateDay)day,
	    (GDateMonth)m, (GDateYear)(y - 1)))
		g_date_set_dmy(d, (GDateDay)day, (GDateMonth)m,
		    (GDateYear)(y - 1));
	return 0;
}

/* "yesterday", "last Tuesday", "this past Friday", "on Thursday". */
static int
relative_day(const char *low, const GDate *ref, GDate *d)
{
	int	w, back;

	*d = *ref;
	if (strstr(low, "today") != NULL || strstr(low, "this morning") !=
	    NULL || strstr(low, "tonight") != NULL)
		return 0;
	if (strstr(low, "yesterday") != NULL) {
		g_date_subtract_days(d, 1);
		return 0;
	}
	if ((w = weekday_in(low)) == 0)
		return -1;
	back = ((int)g_date_get_weekday(ref) - w + 7) % 7;
	g_date_subtract_days(d, (guint)(back == 0 ? 7 : back));
	return 0;
}

char *
norm_date_near(const char *s, const char *ref_iso)
{
	GDate	 ref, d;
	char	*out, *low, *t;
	int	 y, m, day, error;

	if ((out = norm_date(s)) != NULL)
		return out;
	if (ref_iso == NULL || sscanf(ref_iso, "%4d-%2d-%2d", &y, &m,
	    &day) != 3 || !g_date_valid_dmy((GDateDay)day, (GDateMonth)m,
	    (GDateYear)y))
		return NULL;
	g_date_clear(&ref, 1);
	g_date_set_dmy(&ref, (GDateDay)day, (GDateMonth)m, (GDateYear)y);
	g_date_clear(&d, 1);
	low = g_ascii_strdown(s, -1);
	/* "Wednesday, March 4": the date, past its weekday. */
	t = strchr(low, ',');
	error = day_month_near(t != NULL && weekday_in(low) != 0 ? t + 1 +
	    strspn(t + 1, " ") : low, &ref, &d);
	if (error != 0)
		error = relative_day(low, &ref, &d);
	g_free(low);
	if (error != 0)
		return NULL;
	return g_strdup_printf("%04d-%02d-%02d", g_date_get_year(&d),
	    g_date_get_month(&d), g_date_get_day(&d));
}

/* Decimal hours: "2 hours" 2, "about 90 minutes" 1.5, "45 min" 0.75. */
/* `h` with at most two decimals and none that are zero: "1.5", "2". */
static char *
hours_text(double h)
{
	char	*out;
	size_t	 n;

	out = g_strdup_printf("%.2f", h);
	n = strlen(out);
	while (out[n - 1] == '0')
		out[--n] = '\0';
	if (out[n - 1] == '.')
		out[n - 1] = '\0';
	return out;
}

static char *
norm_hours(const char *s)
{
	double	h;

	if (!next_number(&s, &h))
		return NULL;
	if (unit_follows(s, "min"))
		h /= 60;
	return hours_text(h);
}

/* "23.40", "$46": the first number, as written in decimals. */
static char *
norm_number(const char *s)
{
	const char	*p = s;
	double		 n;

	while (*p != '\0' && !isdigit((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	n = g_ascii_strtod(p, NULL);
	return hours_text(n);
}

/* A clock time "2", "2:30", "2pm", "14:30" at p: minutes, or -1. */
static int
clock_at(const char **pp, int *has_meridiem, int *pm)
{
	const char	*p = *pp;
	char		*end;
	long		 h, m = 0;

	h = strtol(p, &end, 10);
	if (end == p || h < 0 || h > 23)
		return -1;
	p = end;
	if (*p == ':' && isdigit((unsigned char)p[1])) {
		m = strtol(p + 1, &end, 10);
		p = end;
	}
	while (*p == ' ')
		p++;
	*has_meridiem = (g_ascii_strncasecmp(p, "am", 2) == 0 ||
	    g_ascii_strncasecmp(p, "pm", 2) == 0 ||
	    g_ascii_strncasecmp(p, "a.m", 3) == 0 ||
	    g_ascii_strncasecmp(p, "p.m", 3) == 0);
	*pm = *has_meridiem && g_ascii_tolower(*p) == 'p';
	if (*has_meridiem)
		p += 2;
	*pp = p;
	return (int)(h * 60 + m);
}

/* "2-3pm", "2:00 to 3:30", "10am-noon": the hours between, or -1. */
static double
time_range(const char *s)
{
	const char	*p = s;
	int		 a, b, am1, pm1, am2, pm2;

	while (*p != '\0' && !isdigit((unsigned char)*p))
		p++;
	if (*p == '\0' || (a = clock_at(&p, &am1, &pm1)) < 0)
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '-' || g_str_has_prefix(p, "\xe2\x80\x93"))
		p += *p == '-' ? 1 : 3;
	else if (g_ascii_strncasecmp(p, "to ", 3) == 0 ||
	    g_ascii_strncasecmp(p, "until ", 6) == 0)
		p += p[0] == 't' || p[0] == 'T' ? 3 : 6;
	else
		return -1;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p) || (b = clock_at(&p, &am2, &pm2)) < 0)
		return -1;
	if (pm2 && b < 12 * 60)
		b += 12 * 60;
	if (pm1 && a < 12 * 60)
		a += 12 * 60;
	else if (!am1 && pm2 && a + 12 * 60 < b)
		a += 12 * 60;
	if (b <= a)
		b += 12 * 60;
	return b - a > 0 && b - a <= 12 * 60 ? (b - a) / 60.0 : -1;
}

/*
 * How long a meeting took, in hours: "45 min", "1.5 hours", "1 hour 30
 * minutes", "an hour and a half", "half an hour", "2-3pm".
 */
static char *
norm_duration(const char *s)
{
	double	 range = time_range(s), h = 0, n;
	char	*low;
	int	 found = 0;

	if (range > 0)
		return hours_text(range);
	low = g_ascii_strdown(s, -1);
	if (strstr(low, "half an hour") != NULL || strstr(low,
	    "half hour") != NULL)
		h = 0.5, found = 1;
	else if (strstr(low, "an hour") != NULL || strstr(low, "one hour"))
		h = 1, found = 1;
	if (found && strstr(low, "and a half") != NULL)
		h += 0.5;
	g_free(low);
	if (found)
		return hours_text(h);
	if (!next_number(&s, &n))
		return NULL;
	if (unit_follows(s, "min"))
		return hours_text(n / 60);
	while (*s == ' ')
		s++;
	s += strcspn(s, " ");
	h = n;
	if (next_number(&s, &n) && unit_follows(s, "min"))
		h += n / 60;
	return hours_text(h);
}

static const struct normaliser normalisers[] = {
	{ "text", norm_text },
	{ "multiline", norm_multiline },
	{ "lowercase", norm_lowercase },
	{ "phone", norm_phone },
	{ "integer", norm_integer },
	{ "digits", norm_digits },
	{ "years", norm_years },
	{ "capacity", norm_capacity },
	{ "state", norm_state },
	{ "zip", norm_zip },
	{ "date", norm_date },
	{ "hours", norm_hours },
	{ "duration", norm_duration },
	{ "number", norm_number },
};

const struct normaliser *
normaliser_find(const char *name)
{
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(normalisers); i++) {
		if (strcmp(normalisers[i].name, name) == 0)
			return &normalisers[i];
	}
	return NULL;
}

char *
normaliser_list(void)
{
	GString	*s = g_string_new(NULL);
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(normalisers); i++)
		g_string_append_printf(s, "%s%s", i > 0 ? ", " : "",
		    normalisers[i].name);
	return g_string_free(s, FALSE);
}
