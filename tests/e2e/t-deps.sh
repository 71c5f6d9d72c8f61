#!/bin/bash
#
# `make demo` and `make bench` on a fresh Debian install what they start:
#  - the demo (tools/demo) and every benchmark (bench/run, at its smallest
#    sizes) run here under strace; each program they start and each file
#    they open names the Debian package it comes from;
#  - each of those packages is one `tools/deps build demo` (or `build
#    bench`) installs: one of the group's, a dependency of one, or part of
#    every Debian system (tests/lib/packages-used.py);
#  - and every benchmark runs to its end: one that cannot says why and
#    exits non-zero, and so does bench/run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

if ! strace -f -qq -o /dev/null true 2>/dev/null; then
	note "strace cannot trace here (no ptrace): nothing to check"
	exit 77
fi

# trace NAME COMMAND...: run COMMAND under strace; its output in
# $T/NAME.out, the trace in $T/NAME.trace.  LeakSanitizer cannot work
# under a tracer, so a sanitizer build runs without it here.
trace() {
	local name=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -z -qq -e trace=execve,open,openat -e signal=none \
	    -o "$T/$name.trace" "$@" >"$T/$name.out" 2>&1
}

# used_beyond NAME GROUP: the packages NAME's run used that the group does
# not bring, one a line, each with a file that needed it.
used_beyond() {
	# shellcheck disable=SC2046 # one package a word
	"$PYTHON" "$TOP/tests/lib/packages-used.py" "$T/$1.trace" \
	    $("$TOP/tools/deps" -l build "$2") 2>/dev/null
}

# ---------------------------------------------------------------------------
step "make demo: the demo runs, and uses only what tools/deps installs"
trace demo "$TOP/tools/demo" "$MENTORMAIL"
rc=$?
assert_eq 0 "$rc" "tools/demo ends 0"
[ "$rc" -eq 0 ] || tail -n 20 "$T/demo.out" | sed 's/^/    /'
assert_match 'mentormail status' "$(cat "$T/demo.out")" \
    "the demo got to its last step"
assert_eq "" "$(used_beyond demo demo)" \
    "every package the demo uses comes with tools/deps build demo"

# ---------------------------------------------------------------------------
step "make bench: every benchmark runs, and uses only what tools/deps installs"
BENCH_QUICK=1 trace bench "$TOP/bench/run" "$MENTORMAIL"
rc=$?
assert_eq 0 "$rc" "bench/run ends 0 at its smallest sizes"
[ "$rc" -eq 0 ] || grep -v '^ *$' "$T/bench.out" | tail -n 30 |
    sed 's/^/    /'
assert_match '^summary: intake of list mail: .*; first run at 90: .*; idle pass: .*; matching round: .*; solver: ' \
    "$(cat "$T/bench.out")" "bench/run ends with a summary of every benchmark"
assert_eq "" "$(used_beyond bench bench)" \
    "every package the benchmarks use comes with tools/deps build bench"

# ---------------------------------------------------------------------------
step "a benchmark whose run fails says why, even when the run said nothing"
# As a run from cron does on a temporary failure: exit 75, no word.
printf '#!/bin/sh\nexit 75\n' >"$T/quiet-tempfail"
chmod 755 "$T/quiet-tempfail"
"$TOP/bench/intake.sh" "$T/quiet-tempfail" 5 >"$T/failing.out" 2>&1
assert_eq 1 "$?" "bench/intake.sh exits 1"
assert_match '^bench/intake.sh: mentormail run: mentormail exited 75 \(temporary failure' \
    "$(cat "$T/failing.out")" "and says that mentormail exited 75, and what it means"

# ---------------------------------------------------------------------------
step "a group that lacks a package its target uses is caught"
# The check itself must be able to fail: without python3-aiosmtpd, which
# the demo's SMTP server needs, the demo's group is short of it.
# shellcheck disable=SC2046
short=$("$PYTHON" "$TOP/tests/lib/packages-used.py" "$T/demo.trace" \
    $("$TOP/tools/deps" -l build demo | grep -vx python3-aiosmtpd) \
    2>/dev/null)
assert_match '^python3-aiosmtpd \(for /usr/lib/python3/dist-packages/aiosmtpd/' \
    "$short" "the demo's group without python3-aiosmtpd is short of it"
