/*
 * lemon.cc -- bench/match.sh's LEMON driver: read the instance
 * bench/match.c reads (its format is described there), solve it as a
 * min-cost flow with LEMON's NetworkSimplex and CostScaling, and print
 *
 *	ns-seconds ns-total cs-seconds cs-total peak-rss-kib
 *
 *	usage: lemon [-r runs] instance
 *	-r	solve `runs` times with each and give the shortest time
 *
 * The network: a source with one unit per mentee; source -> mentee
 * (capacity 1); mentee -> mentor for each allowed pair (capacity 1, cost
 * -score); mentee -> sink (capacity 1, cost 0: left unmatched); mentor ->
 * sink (capacity: the mentor's places).  All n units reach the sink, and
 * the least cost is minus the greatest total score, the optimum
 * mentormail's solver finds.  Only the solve is timed (the algorithm's
 * set-up included, the graph's construction not), as on the other sides.
 */
#include <sys/resource.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

using Graph = lemon::StaticDigraph;

struct pair_row {
	int32_t	mentee, mentor, score;
};

struct instance {
	int32_t			n, m;
	std::vector<int32_t>	capacity;
	std::vector<pair_row>	pairs;
};

static void
fail(const char *what, const char *path)
{
	std::fprintf(stderr, "lemon: %s: %s\n", path, what);
	std::exit(1);
}

static void
read_items(FILE *f, void *a, size_t size, size_t n, const char *path)
{
	if (std::fread(a, size, n, f) != n)
		fail("short file", path);
}

static void
instance_read(const char *path, instance &in)
{
	FILE	*f;
	int64_t	 n_pairs;

	if ((f = std::fopen(path, "rb")) == nullptr)
		fail("cannot open", path);
	read_items(f, &in.n, sizeof in.n, 1, path);
	read_items(f, &in.m, sizeof in.m, 1, path);
	if (in.n < 0 || in.m < 0)
		fail("negative counts", path);
	in.capacity.resize(in.m);
	read_items(f, in.capacity.data(), sizeof(int32_t), in.m, path);
	read_items(f, &n_pairs, sizeof n_pairs, 1, path);
	if (n_pairs < 0)
		fail("negative pair count", path);
	in.pairs.resize(n_pairs);
	read_items(f, in.pairs.data(), sizeof(pair_row), n_pairs, path);
	std::fclose(f);
	/* StaticDigraph takes its arcs grouped by source. */
	std::stable_sort(in.pairs.begin(), in.pairs.end(),
	    [](const pair_row &a, const pair_row &b) {
		return a.mentee < b.mentee;
	});
}

struct network {
	Graph			 g;
	Graph::ArcMap<int>	*upper, *cost;
	Graph::Node		 s, t;
};

/* Nodes: 0 the source, 1..n mentees, n+1..n+m mentors, n+m+1 the sink. */
static void
network_build(const instance &in, network &net)
{
	std::vector<std::pair<int, int>>	arcs;
	std::vector<int>			upper, cost;
	int					sink = in.n + in.m + 1;
	size_t					p = 0;

	arcs.reserve(in.pairs.size() + 2 * in.n + in.m);
	for (int k = 0; k < in.n; k++) {
		arcs.emplace_back(0, 1 + k);
		upper.push_back(1);
		cost.push_back(0);
	}
	for (int k = 0; k < in.n; k++) {
		for (; p < in.pairs.size() && in.pairs[p].mentee == k; p++) {
			arcs.emplace_back(1 + k, 1 + in.n + in.pairs[p].mentor);
			upper.push_back(1);
			cost.push_back(-in.pairs[p].score);
		}
		arcs.emplace_back(1 + k, sink);
		upper.push_back(1);
		cost.push_back(0);
	}
	for (int j = 0; j < in.m; j++) {
		arcs.emplace_back(1 + in.n + j, sink);
		upper.push_back(in.capacity[j]);
		cost.push_back(0);
	}
	net.g.build(sink + 1, arcs.begin(), arcs.end());
	net.upper = new Graph::ArcMap<int>(net.g);
	net.cost = new Graph::ArcMap<int>(net.g);
	for (size_t i = 0; i < arcs.size(); i++) {
		(*net.upper)[net.g.arc(i)] = upper[i];
		(*net.cost)[net.g.arc(i)] = cost[i];
	}
	net.s = net.g.node(0);
	net.t = net.g.node(sink);
}

/* The shortest of `runs` solves with Algorithm, and the total score. */
template <typename Algorithm>
static double
solve_timed(const network &net, int n, int runs, long long &total)
{
	double	best = -1;

	for (int i = 0; i < runs; i++) {
		auto t0 = std::chrono::steady_clock::now();
		Algorithm a(net.g);
		a.upperMap(*net.upper).costMap(*net.cost).stSupply(net.s,
		    net.t, n);
		if (a.run() != Algorithm::OPTIMAL)
			fail("no optimum", "LEMON");
		total = -a.template totalCost<long long>();
		std::chrono::duration<double> d =
		    std::chrono::steady_clock::now() - t0;
		if (best < 0 || d.count() < best)
			best = d.count();
	}
	return best;
}

int
main(int argc, char **argv)
{
	instance	in;
	network		net;
	struct rusage	ru;
	long long	ns_total, cs_total;
	int		c, runs = 1;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r' || (runs = std::atoi(optarg)) < 1)
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	instance_read(argv[optind], in);
	network_build(in, net);
	/* The pair list is in the graph now: its memory is not LEMON's. */
	std::vector<pair_row>().swap(in.pairs);
	{
		double ns = solve_timed<lemon::NetworkSimplex<Graph>>(net,
		    in.n, runs, ns_total);
		double cs = solve_timed<lemon::CostScaling<Graph>>(net,
		    in.n, runs, cs_total);
		getrusage(RUSAGE_SELF, &ru);
		std::printf("%.6f %lld %.6f %lld %ld\n", ns, ns_total, cs,
		    cs_total, ru.ru_maxrss);
	}
	delete net.upper;
	delete net.cost;
	return 0;
usage:
	std::fprintf(stderr, "usage: lemon [-r runs] instance\n");
	return 2;
}
