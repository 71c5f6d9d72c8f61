#!/bin/bash
# bench/match.sh [MENTORMAIL] -- the assignment solver (src/match-solve.c)
# against scipy.optimize.linear_sum_assignment on the same instances:
# dense random pools of 1,000, 2,000 and 5,000 mentees and as many mentors
# (every pair allowed, scores 0..1000), and 10,000 mentees with 5,000
# mentors of capacity 2, each mentee allowed ~20 of them.  Each instance is
# written once to a file that both read; only the solve is timed, on both
# sides, in the same run.  Prints one table with the time ratio and
# whether both reach the same optimal total (MISMATCH and exit 1 if not),
# and the driver's peak RSS.
#
# The driver is built with -O2 next to MENTORMAIL (in its build
# directory) when given, else in a temporary directory.  scipy comes from
# Debian's python3-scipy: /usr/bin/python3, whatever python3 is on PATH.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/mentormail-match.XXXXXX")
trap 'rm -rf "$T"' EXIT
if [ $# -ge 1 ]; then
	OUT=$(dirname "$1")/bench
else
	OUT=$T
fi
mkdir -p "$OUT"

die() {
	echo "bench/match.sh: $*" >&2
	exit 1
}

# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$TOP/src" \
    $(pkg-config --cflags glib-2.0) -o "$OUT/match" "$TOP/bench/match.c" \
    "$TOP/src/match-solve.c" "$TOP/src/log.c" \
    $(pkg-config --libs glib-2.0) || die "cannot build the driver"
"$PY" -c 'import numpy, scipy.optimize' 2>/dev/null ||
    die "$PY has no scipy (apt-get install python3-scipy)"

# The instance generator and the scipy side, in one script:
#   gen dense N SEED FILE | gen capacity N M CAP DEGREE SEED FILE
#   scipy FILE  ->  "seconds total"
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
def scipy_solve(path):
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
    t = time.perf_counter()
    rows, cols = linear_sum_assignment(cost)
    t = time.perf_counter() - t
    used = cols < len(places)
    assert (cost[rows[used], cols[used]] <= 0).all(), "a forbidden pair"
    print("%.6f %d" % (t, -int(round(cost[rows, cols].sum()))))

if sys.argv[1] == "gen" and sys.argv[2] == "dense":
    gen_dense(int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
elif sys.argv[1] == "gen":
    gen_capacity(*map(int, sys.argv[3:8]), sys.argv[8])
else:
    scipy_solve(sys.argv[2])
PY

status=0
row() {
	local name=$1 file=$T/instance mm sp mt mtotal mmatched rss input
	local st stotal
	shift
	"$PY" "$T/match.py" gen "$@" "$file" || die "$name: cannot generate"
	mm=$("$OUT/match" "$file") || die "$name: the driver failed"
	read -r mt mtotal mmatched rss input <<<"$mm"
	sp=$("$PY" "$T/match.py" scipy "$file") || die "$name: scipy failed"
	read -r st stotal <<<"$sp"
	same=same
	if [ "$mtotal" != "$stotal" ]; then
		same=MISMATCH
		status=1
	fi
	printf '%-34s %9.3f s %9.3f s %7.2f %12s %12s %-8s %8.0f MiB\n' \
	    "$name" "$mt" "$st" "$(echo "$mt / $st" | bc -l)" "$mtotal" \
	    "$stotal" "$same" "$(echo "$rss / 1024" | bc -l)"
	rm -f "$file"
}

echo "assignment: mentormail (match-solve.c) against scipy $("$PY" -c \
    'import scipy; print(scipy.__version__)') linear_sum_assignment"
echo "(solve time only; ratio = mentormail / scipy, below 1 is faster;" \
    "RSS = driver's peak, pair list included)"
printf '%-34s %11s %11s %7s %12s %12s %-8s %12s\n' instance mentormail \
    scipy ratio "total (mm)" "total (sp)" optimum "peak RSS"
row "dense 1,000 x 1,000" dense 1000 1
row "dense 2,000 x 2,000" dense 2000 2
row "dense 5,000 x 5,000" dense 5000 5
row "10,000 x 5,000 cap 2, ~20 allowed" capacity 10000 5000 2 20 10
exit $status
