# shellcheck shell=bash
#
# lib.sh -- sourced by the benchmarks that need servers: tests/e2e/lib.sh's
# Dovecot, SMTP server and helpers, and what every benchmark does the same
# way.  A benchmark measures; it never passes or fails on time.  But one
# that cannot run (a server that does not start, a run that fails, a count
# that is wrong) says why on stderr and exits 1: never silently.
#
#   run_timed NAME COMMAND...   run once (stopped after BENCH_TIMEOUT
#                               seconds, default 3600; with at most
#                               BENCH_MAX_VMEM_KIB of address space when
#                               set); SECS (wall, from the shell's clock)
#                               and RSS_KIB (peak, GNU time) of it; its
#                               output in $T/NAME.out and $T/NAME.err;
#                               returns its exit status
#   run_ok NAME STATUS WHAT     die, saying why, unless the mentormail
#                               command run_timed ran as NAME ended 0
#   bench_build NAME CC SRC... -- FLAGS...   compile a helper program into
#                               $BENCH_BUILD/NAME unless it is newer than
#                               SRC... (dies if it cannot)
#   imap_log_commands on|off    Dovecot logs each IMAP command, or not
#   imap_commands               the IMAP commands of the sessions ended
#                               since server_mark, one a line, as Dovecot
#                               logged them
#   imap_logout_time            when the last IMAP session since
#                               server_mark ended
#   ratio A B, duration SECS, mib KIB, thousands N   numbers for the tables
#   summary TEXT                one item of bench/run's closing line
#
# BENCH_BUILD is the directory for helper programs: next to MENTORMAIL
# (its build directory's bench/) when the benchmark is given a path, else
# in $T.  BENCH_SUMMARY (from bench/run) is the file summary appends to.

BENCH_NAME=bench/$(basename "$0")
# shellcheck disable=SC2034 # read by tests/e2e/lib.sh
LIB_QUIET=1
# Dovecot's log says when, to the microsecond.  And Dovecot is the only
# program that changes the mail once it is delivered (as with LMTP), so
# it need not scan cur/ again after each of its own changes: on a
# 100,000-message Maildir each scan takes it 30 s, and mentormail's run,
# which moves mail in batches of 100, would take hours of Dovecot's time.
DOVECOT_BASE_CONF='log_timestamp = "%s.%{usecs} "
maildir_very_dirty_syncs = yes'
DOVECOT_EXTRA_CONF=$DOVECOT_BASE_CONF
# shellcheck source=../tests/e2e/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

# Every failure ends here, lib.sh's included, so that it is never silent.
die() {
	FAILURES=$((FAILURES + 1))
	{
		printf '%s: %s\n' "$BENCH_NAME" "$1"
		shift
		[ $# -eq 0 ] || printf '%s\n' "$@" | sed '/^$/d; s/^/    /'
	} >&2
	exit 1
}

# The Makefile's warnings, for the helper programs in C.
# shellcheck disable=SC2034 # for the benchmarks
BENCH_WARN=(-Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes
    -Wmissing-prototypes -Wno-unused-parameter)
BENCH_BUILD=$T/build
case ${MENTORMAIL:-} in
/*/*) BENCH_BUILD=$(dirname "$MENTORMAIL")/bench ;;
esac

# shellcheck disable=SC2034 # SECS, START, RSS_KIB are the caller's
run_timed() {
	local name=$1 t0 rc
	shift
	t0=$EPOCHREALTIME
	(
		if [ -n "${BENCH_MAX_VMEM_KIB:-}" ]; then
			ulimit -v "$BENCH_MAX_VMEM_KIB" || exit 1
		fi
		exec /usr/bin/time -f '%M' -o "$T/$name.time" \
		    timeout -k 10 "${BENCH_TIMEOUT:-3600}" "$@" \
		    >"$T/$name.out" 2>"$T/$name.err"
	)
	rc=$?
	SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	START=$t0
	# A command killed by a signal has GNU time say so first.
	RSS_KIB=$(tail -n 1 "$T/$name.time")
	return "$rc"
}

# What an exit status of mentormail means (README, "Exit codes").
_exit_meaning() {
	case $1 in
	64) echo "bad command line" ;;
	69) echo "the IMAP server refused a command" ;;
	74) echo "the database could not be read or written" ;;
	75) echo "temporary failure: a server is down or timed out" ;;
	76) echo "TLS or protocol failure" ;;
	77) echo "the server refused the login" ;;
	78) echo "the configuration is wrong" ;;
	124) echo "stopped: it ran too long" ;;
	*) [ "$1" -gt 128 ] && echo "killed by signal $(($1 - 128))" ||
	    echo "failed" ;;
	esac
}

# run_ok NAME STATUS WHAT: NAME is run_timed's, whose output is in
# $T/NAME.err.  A run that failed from no terminal may have said nothing
# (a temporary failure is quiet from cron), so the cause the database
# recorded is shown too.
run_ok() {
	local name=$1 rc=$2 what=$3 cause
	[ "$rc" -eq 0 ] && return 0
	cause=$("$MENTORMAIL" -c "$CONF" status 2>/dev/null |
	    sed -n 's/^run.last_cause: *//p')
	die "$what: mentormail exited $rc ($(_exit_meaning "$rc"))" \
	    ${cause:+"recorded cause: $cause"} \
	    "$(tail -n 8 "$T/$name.err")"
}

bench_build() {
	local name=$1 cc=$2 srcs=() flags
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		srcs+=("$1")
		shift
	done
	shift
	flags=("$@")
	mkdir -p "$BENCH_BUILD" || die "cannot make $BENCH_BUILD"
	# Built already from these sources (LEMON's templates take a while)?
	if [ -x "$BENCH_BUILD/$name" ]; then
		local f newer=
		for f in "${srcs[@]}" "$TOP"/src/*.h "$TOP/bench/lib.sh"; do
			[ -f "$f" ] && [ "$f" -nt "$BENCH_BUILD/$name" ] && newer=1
		done
		[ -n "$newer" ] || return 0
	fi
	"$cc" -O2 -o "$BENCH_BUILD/$name" "${srcs[@]}" "${flags[@]}" \
	    2>"$T/build-$name.err" ||
	    die "cannot build $name with $cc" "$(head -n 20 "$T/build-$name.err")"
}

# The flags for a program using PKG-CONFIG-PACKAGES..., without the dpkg
# specs file libetpan's .pc adds (as the Makefile does).
pkg_flags() {
	local f
	f=$(pkg-config --cflags --libs "$@") || die "pkg-config $* failed"
	printf '%s\n' "$f" | tr ' ' '\n' | grep -v '^-specs=' | grep -v '^$'
}

# imap_log_commands on|off: restart Dovecot (same mail, same ports) logging
# each IMAP command it finishes, or not.  Only while counting them: that
# logging costs Dovecot dearly when it moves mail out of a large mailbox
# (20 s of CPU for each UID MOVE of 100 out of 100,000).
imap_log_commands() {
	DOVECOT_EXTRA_CONF=$DOVECOT_BASE_CONF
	[ "$1" = off ] || DOVECOT_EXTRA_CONF+=$'\nlog_debug = event=imap_command_finished'
	dovecot_restart
}

imap_commands() {
	local i
	for i in $(seq 1 100); do
		tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
		    grep -q 'Disconnected' && break
		sleep 0.02
	done
	tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
	    sed -n 's/.*Debug: Command finished: \(.*\)$/\1/p' | sed 's/ *$//'
}

# The time (seconds since the epoch) Dovecot logged the end of the last
# IMAP session since server_mark: when mentormail's intake left the
# mailbox.
imap_logout_time() {
	local i
	for i in $(seq 1 100); do
		tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
		    grep -q 'imap(.*Disconnected: Logged out' && break
		sleep 0.02
	done
	tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
	    awk '/imap\(.*Disconnected: Logged out/ { t = $1 } END { print t }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b > 0) printf "%.2f", a / b; else printf "-" }'
}

# Seconds as milliseconds below 1 s.
duration() {
	awk -v s="$1" 'BEGIN {
		if (s < 1) printf "%.1f ms", 1000 * s; else printf "%.2f s", s }'
}

mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}

# 10000 -> 10,000
thousands() {
	printf '%s\n' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}

summary() {
	[ -z "${BENCH_SUMMARY:-}" ] || printf '%s\n' "$*" >>"$BENCH_SUMMARY"
}
