/*
 * match.c -- bench/match.sh's driver: read one instance, time match_solve
 * on it, and print one line:
 *
 *	seconds total matched peak-rss-kib input-kib
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

#include <glib.h>

#include "log.h"
#include "match-solve.h"

/* Read n ints into a; exit on a short file (this is a benchmark). */
static void
read_ints(FILE *f, void *a, size_t size, size_t n, const char *what)
{
	if (fread(a, size, n, f) != n)
		fatal("instance: short file reading %s", what);
}

static void
instance_read(const char *path, struct match_problem *p, int **capacity,
    struct match_pair **pairs)
{
	FILE	*f;
	int32_t	 counts[2];
	int64_t	 n_pairs;

	if ((f = fopen(path, "rb")) == NULL)
		fatal("%s: cannot open", path);
	read_ints(f, counts, sizeof counts[0], 2, "counts");
	*capacity = g_new(int, counts[1]);
	read_ints(f, *capacity, sizeof **capacity, counts[1], "capacities");
	read_ints(f, &n_pairs, sizeof n_pairs, 1, "the pair count");
	*pairs = g_new(struct match_pair, n_pairs);
	read_ints(f, *pairs, sizeof **pairs, n_pairs, "pairs");
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

int
main(int argc, char **argv)
{
	struct match_problem	 p = { 0 };
	struct match_result	 r;
	struct match_pair	*pairs;
	struct rusage		 ru;
	int			*capacity;
	char			*cause = NULL;
	double			 t;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: match INSTANCE [maximize-count]\n");
		return 2;
	}
	instance_read(argv[1], &p, &capacity, &pairs);
	if (argc == 3)
		p.flags = MATCH_MAXIMIZE_COUNT;
	t = now();
	if (match_solve(&p, &r, &cause) != 0)
		fatal("%s: %s", argv[1], cause);
	t = now() - t;
	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f %lld %d %ld %zu\n", t, (long long)r.total, r.matched,
	    ru.ru_maxrss, p.n_pairs * sizeof *pairs / 1024);
	match_result_free(&r);
	g_free(pairs);
	g_free(capacity);
	return 0;
}
