#!/bin/bash
# bench/match.sh [MENTORMAIL] -- the assignment solver (src/match-solve.c)
# against two peers on the same instances: scipy's linear_sum_assignment
# and LEMON's min-cost flow (NetworkSimplex and CostScaling, the
# strongest general solvers we know in C++).  The instances: dense random
# pools of 1,000, 2,000 and 5,000 mentees and as many mentors (every pair
# allowed, scores 0..1000), and 10,000 mentees with 5,000 mentors of
# capacity 2, each mentee allowed ~20 of them.  That last one is also
# given to scipy's sparse solver (csgraph's
# min_weight_full_bipartite_matching), the fairer scipy for a sparse pool.
# Each instance is written once to a file that every side reads; only the
# solve is timed, on every side, in the same run.  Prints one table with
# the time ratios and whether all reach the same optimal total (MISMATCH
# and exit 1 if not), and the drivers' peak RSS.  BENCH_QUICK=1 runs small
# instances only (for the tests).
#
# The drivers (bench/match.c with src/match-solve.c, bench/lemon.cc with
# g++ and Debian's liblemon-dev) are built with -O2 next to MENTORMAIL (in
# its build directory) when given, else in a temporary directory.  scipy
# comes from Debian's python3-scipy: /usr/bin/python3, whatever python3 is
# on PATH.
set -u
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || BENCH_BUILD=$T/build
PY=$PYTHON

build_drivers() {
	local flags
	mapfile -t flags < <(pkg_flags glib-2.0)
	bench_build match cc -std=c11 -D_GNU_SOURCE "${BENCH_WARN[@]}" -I"$TOP/src" \
	    "$TOP/bench/match.c" "$TOP/src/match-solve.c" "$TOP/src/log.c" \
	    -- "${flags[@]}"
	mapfile -t flags < <(pkg_flags lemon)
	bench_build lemon g++ -std=c++17 -Wall -Wextra -Werror \
	    "$TOP/bench/lemon.cc" -- "${flags[@]}"
	"$PY" -c 'import numpy, scipy.optimize' 2>/dev/null ||
	    die "$PY has no scipy (apt-get install python3-scipy)"
}

cat >"$T/match.py" <<'PY'
import sys, time
import numpy as np

def write(path, n, m, cap, mentee, mentor, score):
    with open(path, "wb") as f:
        np.array([n, m], np.int32).tofile(f)
        np.asarray(cap, np.int32).tofile(f)
        np.array([len(mentee)], np.int64).tofile(f)
        np.stack([mentee, mentor, score], axis=1).astype(np.int32).tofile(f)

def gen_dense(n, seed, path):
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 1001, size=(n, n), dtype=np.int32)
    k, j = np.divmod(np.arange(n * n, dtype=np.int64), n)
    write(path, n, n, np.ones(n), k, j, score.ravel())

def gen_capacity(n, m, cap, degree, seed, path):
    rng = np.random.default_rng(seed)
    k = np.repeat(np.arange(n, dtype=np.int64), degree)
    j = rng.integers(0, m, size=n * degree)
    code = np.unique(k * m + j)         # a pair drawn twice is one pair
    k, j = np.divmod(code, m)
    score = rng.integers(0, 1001, size=len(code))
    write(path, n, m, np.full(m, cap), k, j, score)

def read(path):
    with open(path, "rb") as f:
        n, m = np.fromfile(f, np.int32, 2)
        cap = np.fromfile(f, np.int32, m)
        (p,) = np.fromfile(f, np.int64, 1)
        pairs = np.fromfile(f, np.int32, 3 * p).reshape(p, 3)
    return int(n), int(m), cap, pairs

# The same problem as a square-or-wide assignment for scipy, which must
# assign every row.  Columns: each mentor repeated once per place, then
# one "unmatched" column per mentee, every mentee allowed any of them at
# score 0.  A forbidden pair gets a finite penalty: there are as many
# unmatched columns as mentees, so one is always free, and moving a mentee
# from a penalised pair to it raises the total; no optimum uses a penalty.
# So scipy's optimum is mentormail's: each side's solution maps to one of
# the other with the same total.  When every pair is allowed and mentors
# have one place each, no unmatched column is needed (scores are >= 0,
# so some optimum matches everyone) and the matrix is just the scores.
def best_of(runs, solve):
    t = None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = solve()
        t0 = time.perf_counter() - t0
        t = t0 if t is None else min(t, t0)
    return t, out

def scipy_solve(path, runs):
    from scipy.optimize import linear_sum_assignment
    n, m, cap, pairs = read(path)
    k, j, s = pairs[:, 0], pairs[:, 1], pairs[:, 2].astype(np.float64)
    if len(pairs) == n * m and (cap == 1).all() and n == m:
        cost = np.empty((n, m))
        cost[k, j] = -s
        places = np.arange(m)
        free = 0
    else:
        first = np.concatenate([[0], np.cumsum(cap)])
        places = np.repeat(np.arange(m), cap)
        penalty = float(s.max(initial=0) * n + 1)
        cost = np.full((n, first[-1] + n), penalty)
        cost[:, first[-1]:] = 0.0
        for slot in range(cap.max(initial=0)):
            ok = cap[j] > slot
            cost[k[ok], first[j[ok]] + slot] = -s[ok]
        free = first[-1]
    t, (rows, cols) = best_of(runs, lambda: linear_sum_assignment(cost))
    used = cols < len(places)
    assert (cost[rows[used], cols[used]] <= 0).all(), "a forbidden pair"
    print("%.6f %d" % (t, -int(round(cost[rows, cols].sum()))))

# The same columns for the sparse solver, which must match every row:
# each mentee gets its own "unmatched" column, the only edges are the
# allowed pairs (one per place), and every weight is score + 1, because
# the solver reads a zero as no edge.  Every row is matched once, so the
# total is the sum of the weights minus the number of mentees.
def sparse_solve(path, runs):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching
    n, m, cap, pairs = read(path)
    first = np.concatenate([[0], np.cumsum(cap)])
    k, j, s = (pairs[:, c].astype(np.int64) for c in range(3))
    rows, cols, w = [np.arange(n)], [first[-1] + np.arange(n)], [np.ones(n)]
    for slot in range(cap.max(initial=0)):
        ok = cap[j] > slot
        rows.append(k[ok])
        cols.append(first[j[ok]] + slot)
        w.append(s[ok] + 1.0)
    g = csr_matrix((np.concatenate(w), (np.concatenate(rows),
        np.concatenate(cols))), shape=(n, first[-1] + n))
    t, (r, c) = best_of(runs,
        lambda: min_weight_full_bipartite_matching(g, maximize=True))
    print("%.6f %d" % (t, int(round(g[r, c].sum())) - n))

if sys.argv[1] == "gen" and sys.argv[2] == "dense":
    gen_dense(int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
elif sys.argv[1] == "gen":
    gen_capacity(*map(int, sys.argv[3:8]), sys.argv[8])
elif sys.argv[1] == "lsa":
    scipy_solve(sys.argv[2], int(sys.argv[3]))
else:
    sparse_solve(sys.argv[2], int(sys.argv[3]))
PY

MISMATCHES=()
# row NAME RUNS lsa|sparse lemon|- GEN-ARGS...: each side's shortest of
# RUNS solves, since a busy machine only ever makes a solve slower.  With
# "-" instead of "lemon", the instance is the one above, LEMON's figures
# given there.
row() {
	local name=$1 runs=$2 how=$3 peers=$4 file=$T/instance
	local mt mtotal rss input st stotal nt ntotal ct ctotal lrss same
	shift 4
	"$PY" "$T/match.py" gen "$@" "$file" || die "$name: cannot generate"
	read -r mt mtotal _ rss input < <("$BENCH_BUILD/match" -r "$runs" \
	    "$file") && [ -n "${input:-}" ] || die "$name: the driver failed"
	read -r st stotal < <("$PY" "$T/match.py" "$how" "$file" "$runs") &&
	    [ -n "${stotal:-}" ] || die "$name: scipy failed"
	nt=- ntotal=$mtotal ct=- ctotal=$mtotal lrss=
	if [ "$peers" = lemon ]; then
		read -r nt ntotal ct ctotal lrss < <("$BENCH_BUILD/lemon" \
		    -r "$runs" "$file") && [ -n "${lrss:-}" ] ||
		    die "$name: LEMON failed"
	fi
	same=same
	if [ "$mtotal" != "$stotal" ] || [ "$mtotal" != "$ntotal" ] ||
	    [ "$mtotal" != "$ctotal" ]; then
		same=MISMATCH
		MISMATCHES+=("$name: mentormail $mtotal, scipy $stotal," \
		    "NetworkSimplex $ntotal, CostScaling $ctotal")
	fi
	printf '%-34s %9.3f s %9.3f s %5s %9s %5s %9s %5s  %-8s %5.0f %5.0f %5s\n' \
	    "$name" "$mt" "$st" "$(ratio "$mt" "$st")" \
	    "$(secs "$nt")" "$(ratio "$mt" "$nt")" "$(secs "$ct")" \
	    "$(ratio "$mt" "$ct")" "$same" "$(awk -v k="$rss" \
	    'BEGIN { print k / 1024 }')" "$(awk -v k="$input" \
	    'BEGIN { print k / 1024 }')" "$(if [ -n "$lrss" ]; then
		awk -v k="$lrss" 'BEGIN { printf "%.0f", k / 1024 }'; fi)"
	rm -f "$file"
	RATIOS+=("$(ratio "$mt" "$st") $(ratio "$mt" "$nt") $(ratio "$mt" "$ct")")
}

secs() {
	if [ "$1" = - ]; then
		echo -
	else
		printf '%.3f s' "$1"
	fi
}

RATIOS=()
build_drivers
echo "assignment: mentormail (match-solve.c) against scipy $("$PY" -c \
    'import scipy; print(scipy.__version__)') linear_sum_assignment and" \
    "LEMON $(pkg-config --modversion lemon) NetworkSimplex (NS) and" \
    "CostScaling (CS)"
echo "(solve time only; each side's best of 5 runs, or of 1 run for the" \
    "two slowest rows; ratio = mentormail / peer, below 1 is faster;"
echo " peak RSS in MiB of mentormail's driver, of it the pair list it was" \
    "given, and of LEMON's driver)"
printf '%-34s %11s %11s %5s %9s %5s %9s %5s  %-8s %5s %5s %5s\n' instance \
    mentormail scipy ratio "LEMON NS" ratio "LEMON CS" ratio optimum \
    "RSS" pairs LEMON
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	row "dense 100 x 100" 3 lsa lemon dense 100 1
	row "1,000 x 500 cap 2, ~20 allowed" 3 lsa lemon capacity 1000 500 2 \
	    20 10
	row "  the same, scipy's sparse solver" 3 sparse - capacity 1000 500 2 \
	    20 10
else
	row "dense 1,000 x 1,000" 5 lsa lemon dense 1000 1
	row "dense 2,000 x 2,000" 5 lsa lemon dense 2000 2
	row "dense 5,000 x 5,000" 1 lsa lemon dense 5000 5
	row "10,000 x 5,000 cap 2, ~20 allowed" 1 lsa lemon capacity 10000 \
	    5000 2 20 10
	row "  the same, scipy's sparse solver" 5 sparse - capacity 10000 5000 \
	    2 20 10
fi
if [ ${#MISMATCHES[@]} -gt 0 ]; then
	die "the optimal totals differ" "${MISMATCHES[@]}"
fi
# The summary: the geometric mean of each peer's ratios over the rows.
summary "$(printf '%s\n' "${RATIOS[@]}" | awk '
	function add(i, v) { if (v != "-") { s[i] += log(v); n[i]++ } }
	function mean(i) { return n[i] ? sprintf("%.2f", exp(s[i] / n[i])) : "-" }
	{ add(1, $1); add(2, $2); add(3, $3) }
	END { printf "solver: %sx scipy, %sx LEMON NS, %sx LEMON CS " \
	    "(geometric means)", mean(1), mean(2), mean(3) }')"
