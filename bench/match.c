/*
 * match.c -- bench/match.sh's driver: read one instance, time match_solve
 * on it, and print one line:
 *
 *	seconds total matched peak-rss-kib input-kib
 *
 *	usage: match [-c] [-r runs] instance
 *	-c	MATCH_MAXIMIZE_COUNT
 *	-r	solve `runs` times and give the shortest time: a shared
 *		machine only ever makes a run slower
 *
 * Only the solve is timed, not reading the file.  The peak RSS is the
 * whole process's (getrusage), the pair list it read included; input-kib
 * is that list's size, so the solver's own share is the difference.
 *
 * The instance file, written by bench/match.sh, in host byte order:
 *	int32 n_mentees, int32 n_mentors, int32 capacity[n_mentors],
 *	int64 n_pairs, then n_pairs times int32 mentee, mentor, score.
 */
#include <sys/resource.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "match-solve.h"

/* The file's pairs are read straight into an array of them. */
_Static_assert(sizeof(struct match_pair) == 3 * sizeof(int32_t),
    "struct match_pair is not three int32s");

static void
fail(const char *what, const char *path)
{
	fprintf(stderr, "match: %s: %s\n", path, what);
	exit(1);
}

/* Read n items of `size` bytes into a. */
static void
read_items(FILE *f, void *a, size_t size, size_t n, const char *path)
{
	if (fread(a, size, n, f) != n)
		fail("short file", path);
}

static void
instance_read(const char *path, struct match_problem *p, int **capacity,
    struct match_pair **pairs)
{
	FILE	*f;
	int32_t	 counts[2];
	int64_t	 n_pairs;

	if ((f = fopen(path, "rb")) == NULL)
		fail("cannot open", path);
	read_items(f, counts, sizeof counts[0], 2, path);
	if (counts[0] < 0 || counts[1] < 0)
		fail("negative counts", path);
	*capacity = g_new(int, counts[1]);
	read_items(f, *capacity, sizeof **capacity, counts[1], path);
	read_items(f, &n_pairs, sizeof n_pairs, 1, path);
	if (n_pairs < 0)
		fail("negative pair count", path);
	*pairs = g_new(struct match_pair, n_pairs);
	read_items(f, *pairs, sizeof **pairs, n_pairs, path);
	fclose(f);
	p->n_mentees = counts[0];
	p->n_mentors = counts[1];
	p->capacity = *capacity;
	p->pairs = *pairs;
	p->n_pairs = n_pairs;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The shortest of `runs` solves; *r holds the last result. */
static double
solve_timed(const struct match_problem *p, int runs, struct match_result *r)
{
	double	best = -1, t;
	char	*cause = NULL;
	int	 i;

	for (i = 0; i < runs; i++) {
		if (i > 0)
			match_result_free(r);
		t = now();
		if (match_solve(p, r, &cause) != 0)
			fail(cause, "match_solve");
		t = now() - t;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int
main(int argc, char **argv)
{
	struct match_problem	 p = { 0 };
	struct match_result	 r;
	struct match_pair	*pairs;
	struct rusage		 ru;
	int			*capacity, c, runs = 1;
	double			 t;

	while ((c = getopt(argc, argv, "cr:")) != -1) {
		if (c == 'c')
			p.flags = MATCH_MAXIMIZE_COUNT;
		else if (c == 'r' && (runs = atoi(optarg)) >= 1)
			continue;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	instance_read(argv[optind], &p, &capacity, &pairs);
	t = solve_timed(&p, runs, &r);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f %lld %d %ld %zu\n", t, (long long)r.total, r.matched,
	    ru.ru_maxrss, p.n_pairs * sizeof *pairs / 1024);
	match_result_free(&r);
	g_free(pairs);
	g_free(capacity);
	return 0;
usage:
	fprintf(stderr, "usage: match [-c] [-r runs] instance\n");
	return 2;
}
