# shellcheck shell=bash
#
# lib.sh -- sourced by every end-to-end scenario (tests/e2e/t-*.sh).
#
# A scenario runs the real mentormail binary ($MENTORMAIL) against a real
# Dovecot IMAP server on 127.0.0.1, started from a throw-away configuration
# in a throw-away directory $T that is removed when the scenario ends (kept
# with KEEP=1).  Servers are stopped on every exit, failed or not.
#
# Servers:    dovecot_start [--cert NAME] [--processed], dovecot_stop,
#             dovecot_kill (kill -9, a crash), dovecot_restart [...],
#             fresh_server [...] (no mail, no database), wait_for_client PORT
# Mailboxes:  gen_mail N [PREFIX], gen_ids DIR..., mail_append FOLDER
#             FILE|DIR..., mail_count, mail_uids, mail_flags, mail_ids,
#             mail_header FOLDER HEADER, mailbox_uidvalidity FOLDER
# Silence:    mute_start (a server that takes connections and says nothing),
#             mute_stop
# SMTP:       smtpd_start [smtpd.py options], smtpd_stop, smtp_fail [LINE...],
#             smtp_count, smtp_messages, smtp_to ADDRESS, smtp_header FILE
#             NAME, smtp_body FILE, text_section HEADING TEXT
# Program:    make_config [KEY=VALUE...], mentormail ARGS..., offline CMD...,
#             mentormail_start ARGS... / mentormail_running / mentormail_wait,
#             status_of KEY, db SQL, recorded, lock_holder FILE,
#             time_in OFFSET
# Disks:      small_disk DIR SIZE (a tmpfs that can fill up), disk_fill DIR
# Checks:     assert_eq, assert_exit, assert_stderr_mentions, assert_match,
#             assert_no_match, assert_same_lines, assert_recorded_once,
#             assert_filed_once, assert_db_ok; die stops the scenario when
#             its setup fails.
#
# Variables a scenario may read: T (the directory), CONF (mentormail.conf),
# DB (the database), IMAP_PORT (plain and STARTTLS), IMAPS_PORT, CERTS (the
# certificate directory), SMTP_PORT, STDOUT and STDERR (of the last
# mentormail run).
#
# Knobs from the environment: MENTORMAIL (the binary), KEEP=1, LIB_QUIET=1
# (no closing "# N checks passed", for scripts that are not tests),
# MENTORMAIL_E2E_TIMEOUT (seconds one mentormail run may take, default 120),
# MENTORMAIL_E2E_BIG (size of the big mailbox, default 2000),
# MENTORMAIL_E2E_SEED (seed of the random scenarios), DOVECOT_EXTRA_CONF
# (lines added to every Dovecot configuration, as the benchmarks add
# logging).

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$E2E_DIR/../.." && pwd)
SCENARIO=$(basename "$0" .sh)
MENTORMAIL=${MENTORMAIL:-$TOP/build/mentormail}
DOVECOT=${DOVECOT:-/usr/sbin/dovecot}
DOVEADM=${DOVEADM:-/usr/bin/doveadm}
# Debian's python3-aiosmtpd is installed for the system's Python.
PYTHON=${PYTHON:-/usr/bin/python3}
E2E_TIMEOUT=${MENTORMAIL_E2E_TIMEOUT:-120}
# shellcheck disable=SC2034 # used by the scenarios
BIG=${MENTORMAIL_E2E_BIG:-2000}
IMAP_USER=mentoring
IMAP_SECRET=secret

FAILURES=0
CHECKS=0
E2E_START=$EPOCHREALTIME

# ---------------------------------------------------------------------------
# Reporting

# Print a heading for the part of the scenario that follows.
step() {
	printf '# %s  [%ss]\n' "$*" "$(_elapsed)"
}

# Print a remark in the transcript.
note() {
	printf '# %s\n' "$*"
}

_elapsed() {
	awk -v a="$E2E_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

pass() {
	CHECKS=$((CHECKS + 1))
	printf 'ok   - %s\n' "$1"
}

# fail DESCRIPTION [DETAIL...]: count a failed check and say why.
fail() {
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	printf 'FAIL - %s: %s\n' "$SCENARIO" "$1"
	shift
	local detail
	for detail in "$@"; do
		printf '%s\n' "$detail" | sed 's/^/       /'
	done
}

# Stop the scenario at once: its setup went wrong, so nothing after it means
# anything.
die() {
	fail "$@"
	exit 1
}

# ---------------------------------------------------------------------------
# The throw-away directory and cleanup

_tmpdir() {
	local base=${TMPDIR:-/tmp}
	# Dovecot's UNIX sockets live below $T: keep the path short.
	[ ${#base} -le 40 ] || base=/tmp
	mktemp -d "$base/mm-e2e.XXXXXX"
}

T=$(_tmpdir) || { echo "$SCENARIO: cannot make a temporary directory" >&2; exit 1; }
CONF=$T/mentormail.conf
DB=$T/mentormail.db
CERTS=$T/certs
STDOUT=$T/stdout
STDERR=$T/stderr
MAILROOT=$T/mail
MAILDIR=$MAILROOT/$IMAP_USER
DOVECOT_CONF=$T/dovecot/dovecot.conf
DOVECOT_LOG=$T/dovecot.log
DOVECOT_PID=
LOG_MARK=0
MM_PID=
MM_WRAPPER=
SMTP_MAILDIR=$T/smtp
SMTP_FAIL=$T/smtp.fail
SMTPD_LOG=$T/smtpd.log
SMTPD_PID=
SMTPD_STARTS=0
APPEND_SEQ=0
MOUNTS=()
MUTE_PID=
: >"$STDOUT"
: >"$STDERR"

if [ "$(id -u)" = 0 ]; then
	# Dovecot's own processes drop to its users; the mail belongs to nobody.
	AS_ROOT=1
	MAIL_UID=$(id -u nobody)
	MAIL_GID=$(id -g nobody)
	INTERNAL_USER=dovecot
	INTERNAL_GROUP=dovecot
	LOGIN_USER=dovenull
	chmod 755 "$T"
else
	AS_ROOT=0
	MAIL_UID=$(id -u)
	MAIL_GID=$(id -g)
	INTERNAL_USER=$(id -un)
	INTERNAL_GROUP=$(id -gn)
	LOGIN_USER=$INTERNAL_USER
fi

_cleanup() {
	local rc=$?
	trap - EXIT
	if [ -n "$MM_PID" ]; then
		kill -9 "$MM_PID" 2>/dev/null
		wait "$MM_WRAPPER" 2>/dev/null
	fi
	if [ "$FAILURES" -gt 0 ] && [ -s "$DOVECOT_LOG" ]; then
		echo "--- last lines of the Dovecot log ($DOVECOT_LOG)"
		tail -n 15 "$DOVECOT_LOG" | sed 's/^/    /'
	fi
	if [ "$FAILURES" -gt 0 ] && [ -s "$SMTPD_LOG" ]; then
		echo "--- last lines of the SMTP server's log ($SMTPD_LOG)"
		tail -n 15 "$SMTPD_LOG" | sed 's/^/    /'
	fi
	_dovecot_kill_quietly
	_smtpd_kill_quietly
	mute_stop
	local m
	for m in ${MOUNTS[@]+"${MOUNTS[@]}"}; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
	[ "$FAILURES" -eq 0 ] || rc=1
	[ "$rc" -ne 0 ] || [ "${LIB_QUIET:-0}" = 1 ] ||
	    echo "# $CHECKS checks passed"
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------------------
# Ports

# Whether something listens on TCP port $1 (any address, IPv4 or IPv6).
port_listening() {
	local hex
	printf -v hex '%04X' "$1"
	grep -q "^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F]*:0000 0A " \
	    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Print a TCP port nothing listens on, below the kernel's range of
# ephemeral ports so that no outgoing connection holds it.
pick_port() {
	local i port
	for i in $(seq 1 50); do
		port=$((20000 + RANDOM % 12000))
		if ! port_listening "$port"; then
			echo "$port"
			return 0
		fi
	done
	echo "pick_port: no free port found" >&2
	return 1
}

# ---------------------------------------------------------------------------
# Certificates

_make_certs() {
	[ -s "$CERTS/server.pem" ] && return 0
	"$TOP/tests/lib/certs.sh" "$CERTS" >/dev/null ||
	    die "tests/lib/certs.sh failed"
	# Dovecot's config process reads the keys as root; when we are not
	# root, they are ours already.
	chmod 755 "$CERTS"
}

# ---------------------------------------------------------------------------
# Dovecot

_dovecot_conf() {
	local cert=$1 processed=$2
	mkdir -p "$T/dovecot" "$T/dovecot/run" "$T/dovecot/state"
	printf '%s:{PLAIN}%s\nother:{PLAIN}other-secret\n' \
	    "$IMAP_USER" "$IMAP_SECRET" >"$T/dovecot/passwd"
	chmod 644 "$T/dovecot/passwd"
	cat >"$DOVECOT_CONF" <<-EOF
	# Throw-away Dovecot for mentormail's end-to-end tests: loopback only.
	instance_name = mm-e2e-${T##*.}
	base_dir = $T/dovecot/run
	state_dir = $T/dovecot/state
	log_path = $DOVECOT_LOG
	protocols = imap
	listen = 127.0.0.1
	shutdown_clients = yes

	default_internal_user = $INTERNAL_USER
	default_internal_group = $INTERNAL_GROUP
	default_login_user = $LOGIN_USER
	first_valid_uid = $MAIL_UID
	last_valid_uid = $MAIL_UID
	first_valid_gid = $MAIL_GID
	last_valid_gid = $MAIL_GID

	ssl = yes
	ssl_cert = <$CERTS/$cert.pem
	ssl_key = <$CERTS/$cert-key.pem
	# security = none must work on loopback.
	disable_plaintext_auth = no
	auth_mechanisms = plain login
	auth_failure_delay = 0
	auth_verbose = yes
	# What each IMAP session did, logged when it ends (bodies_fetched).
	imap_logout_format = in=%i out=%o body_count=%{fetch_body_count} \\
	  hdr_count=%{fetch_hdr_count} expunged=%{expunged}

	passdb {
	  driver = passwd-file
	  args = scheme=PLAIN $T/dovecot/passwd
	}
	userdb {
	  driver = static
	  args = uid=$MAIL_UID gid=$MAIL_GID home=$MAILROOT/%u
	}
	mail_location = maildir:$MAILROOT/%u
	# Speed over durability: the mail is thrown away afterwards.
	mail_fsync = never
	namespace inbox {
	  inbox = yes
	EOF
	if [ "$processed" = 1 ]; then
		cat >>"$DOVECOT_CONF" <<-EOF
		  mailbox Processed {
		    auto = subscribe
		  }
		EOF
	fi
	cat >>"$DOVECOT_CONF" <<-EOF
	}
	protocol imap {
	  mail_max_userip_connections = 100
	}
	service imap-login {
	  inet_listener imap {
	    address = 127.0.0.1
	    port = $IMAP_PORT
	  }
	  inet_listener imaps {
	    address = 127.0.0.1
	    port = $IMAPS_PORT
	    ssl = yes
	  }
	}
	EOF
	if [ "$AS_ROOT" = 0 ]; then
		# Only root can chroot.
		cat >>"$DOVECOT_CONF" <<-EOF
		service anvil {
		  chroot =
		}
		service imap-login {
		  chroot =
		}
		EOF
	fi
	if [ -n "${DOVECOT_EXTRA_CONF:-}" ]; then
		printf '%s\n' "$DOVECOT_EXTRA_CONF" >>"$DOVECOT_CONF"
	fi
}

_dovecot_up() {
	local i
	for i in $(seq 1 100); do
		if port_listening "$IMAP_PORT" && port_listening "$IMAPS_PORT"; then
			return 0
		fi
		kill -0 "$DOVECOT_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# dovecot_start [--cert NAME] [--processed]
#
# Start a Dovecot serving user "mentoring" (password "secret") on
# 127.0.0.1:$IMAP_PORT (plain and STARTTLS) and 127.0.0.1:$IMAPS_PORT
# (implicit TLS), with certificate $CERTS/NAME.pem (default "server", signed
# by $CERTS/ca.pem for 127.0.0.1).  With --processed the "Processed" folder
# exists from the first login; without, mentormail must create it.  The
# mail and the ports outlive a restart.
dovecot_start() {
	local cert=server processed=0 try
	while [ $# -gt 0 ]; do
		case $1 in
		--cert) cert=$2; shift ;;
		--processed) processed=1 ;;
		*) die "dovecot_start: unknown option $1" ;;
		esac
		shift
	done
	[ -x "$DOVECOT" ] || die "no Dovecot at $DOVECOT (apt-get install dovecot-imapd)"
	_make_certs
	mkdir -p "$MAILROOT"
	[ "$AS_ROOT" = 0 ] || chown "$MAIL_UID:$MAIL_GID" "$MAILROOT"
	for try in 1 2 3; do
		if [ -z "${IMAP_PORT:-}" ] || [ "$try" -gt 1 ]; then
			IMAP_PORT=$(pick_port) || die "no free port"
			IMAPS_PORT=$(pick_port) || die "no free port"
			[ "$IMAP_PORT" != "$IMAPS_PORT" ] || continue
		fi
		_dovecot_conf "$cert" "$processed"
		# A session of its own, so that dovecot_kill can take the
		# whole server down at once, as a crash would.  (Without job
		# control the job leads no process group, so setsid execs
		# rather than forks: $! is Dovecot's master.)
		setsid "$DOVECOT" -F -c "$DOVECOT_CONF" >>"$DOVECOT_LOG" 2>&1 &
		DOVECOT_PID=$!
		# Bash still reaps it, but says nothing when it is killed.
		disown "$DOVECOT_PID"
		_dovecot_up && return 0
		_dovecot_kill_quietly
	done
	tail -n 20 "$DOVECOT_LOG" >&2
	die "Dovecot did not start (log: $DOVECOT_LOG)"
}

_dovecot_gone() {
	local i
	for i in $(seq 1 100); do
		if ! port_listening "$IMAP_PORT" && ! port_listening "$IMAPS_PORT" &&
		    ! kill -0 "$DOVECOT_PID" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

_dovecot_kill_quietly() {
	[ -n "$DOVECOT_PID" ] || return 0
	kill -9 -- "-$DOVECOT_PID" 2>/dev/null
	kill -9 "$DOVECOT_PID" 2>/dev/null
	DOVECOT_PID=
}

# Stop the server cleanly (it disconnects its clients).
dovecot_stop() {
	[ -n "$DOVECOT_PID" ] || return 0
	kill -TERM "$DOVECOT_PID" 2>/dev/null
	_dovecot_gone || fail "Dovecot did not stop within 5 seconds"
	_dovecot_kill_quietly
}

# Kill the whole server with SIGKILL, as a crash or a power cut would: no
# BYE, no clean close, connections just drop.
#
# A process killed while it creates a Maildir dot-lock can leave it empty,
# with no pid in it to show it stale; Dovecot then waits two minutes before
# it overrides the lock.  Since what is under test is mentormail, not
# Dovecot's patience, such locks are removed here.
dovecot_kill() {
	[ -n "$DOVECOT_PID" ] || return 0
	kill -9 -- "-$DOVECOT_PID" 2>/dev/null || kill -9 "$DOVECOT_PID"
	_dovecot_gone || fail "Dovecot did not die within 5 seconds"
	_dovecot_kill_quietly
	[ -d "$MAILROOT" ] &&
	    find "$MAILROOT" -name dovecot-uidlist.lock -type f -delete
}

# dovecot_restart [dovecot_start options]: same ports, same mail.
dovecot_restart() {
	dovecot_stop
	dovecot_start "$@"
}

# fresh_server [dovecot_start options]: a new start: no mail, no database.
fresh_server() {
	dovecot_stop
	rm -rf "$MAILROOT" "$T/gen"
	rm -f "$DB" "$DB"-* "$DB.lock"
	dovecot_start "$@"
}

# wait_for_client PORT: wait (at most 10 s) until a client is connected to
# 127.0.0.1:PORT.
wait_for_client() {
	local hex i
	printf -v hex '%04X' "$1"
	for i in $(seq 1 200); do
		grep -q "^ *[0-9]*: [0-9A-F]*:[0-9A-F]* 0100007F:$hex 01 " \
		    /proc/net/tcp && return 0
		sleep 0.05
	done
	return 1
}

# server_mark: remember how far the Dovecot log goes now.
server_mark() {
	LOG_MARK=$(wc -l <"$DOVECOT_LOG")
}

# bodies_fetched: how many message bodies the IMAP sessions that ended
# since server_mark fetched, by the server's own account (waits up to 2 s
# for the sessions to be logged).
bodies_fetched() {
	local i
	for i in $(seq 1 40); do
		tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
		    grep -q 'Disconnected.* body_count=' && break
		sleep 0.05
	done
	tail -n "+$((LOG_MARK + 1))" "$DOVECOT_LOG" |
	    sed -n 's/.*Disconnected.* body_count=\([0-9]*\).*/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }'
}

# ---------------------------------------------------------------------------
# A silent server

# mute_start: listen on 127.0.0.1:$MUTE_PORT (a free port), take every
# connection and never send a byte, as a hung IMAP or SMTP server does.
mute_start() {
	: >"$T/mute.ready"
	"$PYTHON" -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept())
' >"$T/mute.ready" &
	MUTE_PID=$!
	disown "$MUTE_PID"
	local i
	for i in $(seq 1 100); do
		MUTE_PORT=$(head -n 1 "$T/mute.ready")
		[ -n "$MUTE_PORT" ] && return 0
		sleep 0.05
	done
	die "the silent server did not start"
}

mute_stop() {
	[ -n "$MUTE_PID" ] || return 0
	kill -9 "$MUTE_PID" 2>/dev/null
	MUTE_PID=
}

# ---------------------------------------------------------------------------
# SMTP: tests/lib/smtpd.py, where the program's replies go

# smtpd_start [smtpd.py options]
#
# Start the SMTP server on 127.0.0.1:$SMTP_PORT (a free port, chosen now
# unless make_config or an earlier start chose it, so that a restart keeps
# the configuration right).  It saves each message it accepts below
# $SMTP_MAILDIR, after X-Envelope-From: and X-Envelope-To: lines, and
# refuses what $SMTP_FAIL says (see smtp_fail).  The messages outlive a
# restart: each start saves into a directory of its own (the server counts
# its files from 1 again).
smtpd_start() {
	local i line dir
	[ -x "$PYTHON" ] || die "no Python at $PYTHON (apt-get install python3)"
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
	    die "no aiosmtpd for $PYTHON (apt-get install python3-aiosmtpd)"
	SMTPD_STARTS=$((SMTPD_STARTS + 1))
	printf -v dir '%s/start%03d' "$SMTP_MAILDIR" "$SMTPD_STARTS"
	mkdir -p "$dir"
	: >"$T/smtpd.ready"
	"$PYTHON" "$TOP/tests/lib/smtpd.py" --port "${SMTP_PORT:-0}" \
	    --maildir "$dir" --fail-file "$SMTP_FAIL" "$@" \
	    >"$T/smtpd.ready" 2>>"$SMTPD_LOG" &
	SMTPD_PID=$!
	disown "$SMTPD_PID"
	for i in $(seq 1 100); do
		line=$(head -n 1 "$T/smtpd.ready")
		case $line in
		"ready "*)
			SMTP_PORT=${line#ready }
			return 0
			;;
		esac
		kill -0 "$SMTPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$SMTPD_LOG" >&2
	_smtpd_kill_quietly
	die "the SMTP server did not start (log: $SMTPD_LOG)"
}

_smtpd_kill_quietly() {
	[ -n "$SMTPD_PID" ] || return 0
	kill -9 "$SMTPD_PID" 2>/dev/null
	SMTPD_PID=
}

# Stop the SMTP server (SIGTERM; it stops listening at once).
smtpd_stop() {
	local i
	[ -n "$SMTPD_PID" ] || return 0
	kill -TERM "$SMTPD_PID" 2>/dev/null
	for i in $(seq 1 100); do
		if ! kill -0 "$SMTPD_PID" 2>/dev/null &&
		    ! port_listening "$SMTP_PORT"; then
			SMTPD_PID=
			return 0
		fi
		sleep 0.05
	done
	fail "the SMTP server did not stop within 5 seconds"
	_smtpd_kill_quietly
}

# smtp_fail [LINE...]: from the next SMTP command on, refuse as the lines
# say ("STAGE CODE [ADDRESS]": "rcpt 550 a@example.org", "data 451", see
# tests/lib/smtpd.py); with no line, accept everything again.
smtp_fail() {
	if [ $# -eq 0 ]; then
		: >"$SMTP_FAIL"
	else
		printf '%s\n' "$@" >"$SMTP_FAIL"
	fi
}

# The messages the SMTP server has accepted, one file name a line, in the
# order it accepted them.
smtp_messages() {
	[ -d "$SMTP_MAILDIR" ] || return 0
	find "$SMTP_MAILDIR" -mindepth 2 -maxdepth 2 -name '*.eml' |
	    LC_ALL=C sort
}

# How many messages the SMTP server has accepted.
smtp_count() {
	smtp_messages | wc -l
}

# smtp_to ADDRESS: the messages accepted for ADDRESS (an envelope
# recipient, any case), one file name a line, in the order accepted.
smtp_to() {
	local f
	smtp_messages | while read -r f; do
		if smtp_header "$f" x-envelope-to | grep -qixF "<$1>"; then
			echo "$f"
		fi
	done
}

# smtp_header FILE NAME: each NAME header of the message in FILE (the
# header as sent, unfolded, encoded words left as they are), one a line.
# The envelope is in X-Envelope-From and X-Envelope-To.
smtp_header() {
	tr -d '\r' <"$1" | awk -v want="$2" '
		function flush() {
			if (name != "" && tolower(name) == tolower(want))
				print value
			name = ""
		}
		/^$/ { flush(); exit }
		/^[ \t]/ { value = value $0; next }
		{
			flush()
			name = $0; sub(/:.*/, "", name)
			value = $0; sub(/^[^:]*:[ \t]*/, "", value)
		}
		END { flush() }'
}

# smtp_body FILE: the text of the message in FILE, decoded (as a mail
# reader shows it), with LF line ends.
smtp_body() {
	"$PYTHON" - "$1" <<-'EOF' | tr -d '\r'
	import sys
	from email import message_from_binary_file, policy
	with open(sys.argv[1], "rb") as f:
	    msg = message_from_binary_file(f, policy=policy.default)
	part = msg.get_body(preferencelist=("plain",))
	sys.stdout.write(part.get_content() if part is not None else "")
	EOF
}

# smtp_attachment FILE NAME: the attachment called NAME of the message in
# FILE, decoded, with its type on the first line ("text/csv").
smtp_attachment() {
	"$PYTHON" - "$1" "$2" <<-'EOF' | tr -d '\r'
	import sys
	from email import message_from_binary_file, policy
	with open(sys.argv[1], "rb") as f:
	    msg = message_from_binary_file(f, policy=policy.default)
	for part in msg.iter_attachments():
	    if part.get_filename() == sys.argv[2]:
	        sys.stdout.write(part.get_content_type() + "\n")
	        sys.stdout.write(part.get_content())
	EOF
}

# text_section HEADING TEXT: the indented lines (and the blank lines among
# them) under the first line of TEXT that matches HEADING (extended regex),
# as a mail lists what it understood or what is missing.
text_section() {
	printf '%s\n' "$2" | awk -v head="$1" '
		!on && $0 ~ head { on = 1; next }
		on && /^[^ \t]/ { exit }
		on'
}

# ---------------------------------------------------------------------------
# Mail

# gen_mail N [PREFIX]: write N small messages, as a mentee would send them,
# into a new directory and print its name.  Each has a unique Message-ID
# <PREFIX.SEQ.TOKEN@example.net> and a header X-Seq: SEQ (1..N).
gen_mail() {
	local n=$1 prefix=${2:-m} dir i token date file
	mkdir -p "$T/gen"
	dir=$(mktemp -d "$T/gen/$prefix.XXXXXX") || die "gen_mail: mktemp failed"
	token=${dir##*.}
	# The dates are UTC whatever the machine's zone.
	local TZ=UTC
	export TZ
	for ((i = 1; i <= n; i++)); do
		printf -v date '%(%a, %d %b %Y %H:%M:%S +0000)T' \
		    $((1763800000 + i * 60))
		printf -v file '%s/%06d.eml' "$dir" "$i"
		printf '%s\n' \
		    "Return-Path: <mentee.$i@example.net>" \
		    "Date: $date" \
		    "From: \"Mentee $i\" <Mentee.$i@Example.NET>" \
		    "To: Test Mentoring Program <mentoring@example.org>" \
		    "Subject: Monthly check-in $i ($prefix)" \
		    "Message-ID: <$prefix.$i.$token@example.net>" \
		    "X-Seq: $i" \
		    "MIME-Version: 1.0" \
		    "Content-Type: text/plain; charset=utf-8" \
		    "Content-Transfer-Encoding: 8bit" \
		    "" \
		    "Hi," \
		    "" \
		    "This is check-in number $i. We met on Tuesday and talked" \
		    "about cataloguing workflows and the café budget." \
		    "" \
		    "Best," \
		    "Mentee $i" >"$file"
	done
	echo "$dir"
}

# The Message-IDs (without angle brackets) of generated messages, sorted.
gen_ids() {
	local dir
	for dir; do
		cat "$dir"/*.eml
	done | sed -n 's/^Message-ID: <\(.*\)>$/\1/p' | LC_ALL=C sort
}

_folder_dir() {
	case $1 in
	INBOX) echo "$MAILDIR" ;;
	*) echo "$MAILDIR/.$1" ;;
	esac
}

# mail_append FOLDER FILE|DIR...: deliver messages into FOLDER as an MTA
# does into a Maildir (write in tmp/, rename into new/), in the order given
# (a directory's files in name order); Dovecot gives them UIDs in that order
# when it next looks.  Fast enough for tens of thousands of messages; the
# server may be running or not.
mail_append() {
	local folder=$1 dir seq
	shift
	dir=$(_folder_dir "$folder")
	# The names carry a counter that runs across calls, because Dovecot
	# numbers the new files it finds in the order of their names.
	seq=$(perl -e '
		use strict; use warnings;
		my ($root, $dir, $isroot, $uid, $gid, $seq, @args) = @ARGV;
		my $inbox = $root eq $dir;
		my @chown = $isroot ? ($uid, $gid) : ();
		for my $d ($root, $dir, map { "$dir/$_" } qw(cur new tmp)) {
			next if -d $d;
			mkdir $d or die "mkdir $d: $!\n";
			chown @chown, $d if @chown;
		}
		if (!$inbox && ! -e "$dir/maildirfolder") {
			open my $fh, ">", "$dir/maildirfolder" or die;
			close $fh;
			chown @chown, "$dir/maildirfolder" if @chown;
		}
		my @files = map { -d $_ ? sort(glob("$_/*")) : $_ } @args;
		my $now = time;
		local $/;
		for my $f (@files) {
			open my $in, "<", $f or die "$f: $!\n";
			binmode $in;
			my $data = <$in> // "";
			close $in;
			$seq++;
			# The counter once, as the microseconds are in real
			# names: written twice, it made the names of a large
			# mailbox collide in the hash Dovecot keeps of them,
			# and each sync of 100,000 cost it seconds of CPU.
			my $name = sprintf "%d.M%08dP%d.mm-e2e,S=%d",
			    $now, $seq, $$, length $data;
			open my $out, ">", "$dir/tmp/$name" or die "$name: $!\n";
			binmode $out;
			print $out $data;
			close $out or die "$name: $!\n";
			chown @chown, "$dir/tmp/$name" if @chown;
			rename "$dir/tmp/$name", "$dir/new/$name" or die "$!\n";
		}
		print "$seq\n";
	' "$MAILDIR" "$dir" "$AS_ROOT" "$MAIL_UID" "$MAIL_GID" "$APPEND_SEQ" \
	    "$@") || die "mail_append $folder failed"
	APPEND_SEQ=$seq
}

_doveadm() {
	"$DOVEADM" -c "$DOVECOT_CONF" "$@"
}

# _fetch FOLDER FIELDS: doveadm fetch, tab separated, without the heading;
# nothing for a folder that does not exist.
_fetch() {
	local out
	if ! out=$(_doveadm -f tab fetch -u "$IMAP_USER" "$2" mailbox "$1" all \
	    2>&1); then
		case $out in
		*"doesn't exist"*) return 0 ;;
		esac
		echo "doveadm fetch $1 failed: $out" >&2
		echo "?"
		return 1
	fi
	printf '%s\n' "$out" | sed 1d | sed '/^$/d'
}

# The number of messages in FOLDER (0 when it does not exist).
mail_count() {
	local out
	if ! out=$(_doveadm -f tab mailbox status -u "$IMAP_USER" messages "$1" \
	    2>&1); then
		case $out in
		*"doesn't exist"*) echo 0; return 0 ;;
		esac
		echo "doveadm mailbox status $1 failed: $out" >&2
		echo "?"
		return 1
	fi
	printf '%s\n' "$out" | awk -F '\t' 'END { print $NF }'
}

# FOLDER's UIDVALIDITY.
mailbox_uidvalidity() {
	_doveadm -f tab mailbox status -u "$IMAP_USER" uidvalidity "$1" |
	    awk -F '\t' 'END { print $NF }'
}

# The UIDs in FOLDER, one a line.
mail_uids() {
	_fetch "$1" uid
}

# "UID FLAGS" for each message in FOLDER, one a line.
mail_flags() {
	_fetch "$1" 'uid flags' | tr '\t' ' '
}

# mail_header FOLDER HEADER: that header of each message in FOLDER, one a
# line, in UID order.
mail_header() {
	_fetch "$1" "hdr.$2"
}

# The Message-IDs in FOLDER without angle brackets, sorted.
mail_ids() {
	mail_header "$1" message-id | sed 's/^<\(.*\)>$/\1/' | LC_ALL=C sort
}

# ---------------------------------------------------------------------------
# The program under test

# make_config [KEY=VALUE...]: write $CONF for the servers started last, and
# the password file next to it.  KEY is "section.key" or, for [imap], just
# "key"; an empty VALUE leaves the key out.  Sections: program, imap, smtp,
# coordinator, digest, calendar, stipend, eligibility
# ("eligibility.mentor.experience=years_experience >= 2").  The daily
# digest is off (digest.time=none) unless a scenario sets a time: mail
# counts stay those of what the scenario does.
# Defaults: IMAP over implicit TLS on the IMAPS port, trusting
# $CERTS/ca.pem; SMTP in clear to 127.0.0.1:$SMTP_PORT.
make_config() {
	local -A value=()
	local -a order=(
		program.name program.address program.coordinators
		program.timezone program.database program.rules
		program.templates
		imap.host imap.port imap.security imap.username
		imap.password_file imap.mailbox imap.processed imap.ca_file
		smtp.host smtp.port smtp.security digest.time
	)
	value=(
		[program.name]="Test Mentoring Program"
		[program.address]=mentoring@example.org
		[program.coordinators]=coordinator@example.org
		[program.timezone]=America/Denver
		[program.database]=mentormail.db
		[program.rules]=$TOP/rules
		[program.templates]=$TOP/templates
		[imap.host]=127.0.0.1
		[imap.port]=${IMAPS_PORT:-993}
		[imap.security]=tls
		[imap.username]=$IMAP_USER
		[imap.password_file]=imap.password
		[imap.mailbox]=INBOX
		[imap.processed]=Processed
		[imap.ca_file]=certs/ca.pem
		[smtp.host]=127.0.0.1
		[smtp.port]=${SMTP_PORT:=$(pick_port)}
		[smtp.security]=none
		[digest.time]=none
	)
	local arg key section k
	for arg; do
		key=${arg%%=*}
		case $key in *.*) ;; *) key=imap.$key ;; esac
		[ -n "${value[$key]+set}" ] || order+=("$key")
		value[$key]=${arg#*=}
	done
	local lines
	{
		for section in program imap smtp coordinator digest calendar \
		    stipend eligibility; do
			lines=$(for k in "${order[@]}"; do
				[ "${k%%.*}" = "$section" ] || continue
				[ -n "${value[$k]}" ] || continue
				printf '%s = %s\n' "${k#*.}" "${value[$k]}"
			done)
			[ -n "$lines" ] || continue
			printf '[%s]\n%s\n' "$section" "$lines"
		done
	} >"$CONF"
	printf '%s\n' "$IMAP_SECRET" >"$T/imap.password"
	chmod 600 "$T/imap.password"
}

# mentormail ARGS...: run the program with -c $CONF; its output goes to
# $STDOUT and $STDERR.  Returns its exit status: 128+N when signal N killed
# it, 124 when it ran longer than MENTORMAIL_E2E_TIMEOUT seconds.
mentormail() {
	# The subshell keeps bash's "Killed" notices out of the transcript.
	# (A second command, so that bash forks rather than execs.)
	(timeout -k 5 "$E2E_TIMEOUT" ${MM_PREFIX[@]+"${MM_PREFIX[@]}"} \
	    "$MENTORMAIL" -c "$CONF" "$@" >"$STDOUT" 2>"$STDERR"; exit $?) \
	    2>/dev/null
}

# offline COMMAND...: run COMMAND (a mentormail call) in a network namespace
# of its own, where nothing but an unconfigured loopback exists, so that a
# configuration naming an outside host cannot reach it even by mistake.
# Without the means to make one (not root, no user namespaces), just run it.
offline() {
	local -a MM_PREFIX=()
	if unshare -n true 2>/dev/null; then
		MM_PREFIX=(unshare -n)
	elif unshare -rn true 2>/dev/null; then
		MM_PREFIX=(unshare -rn)
	fi
	"$@"
}

# mentormail_start ARGS...: the same in the background; MM_PID is the
# program's pid, for kill.  Its output reaches $STDOUT and $STDERR when
# mentormail_wait has waited for it, so that runs in the foreground meanwhile
# have theirs.
mentormail_start() {
	rm -f "$T/mm.pid" "$T/mm.rc"
	(
		"$MENTORMAIL" -c "$CONF" "$@" >"$T/bg.stdout" 2>"$T/bg.stderr" &
		echo $! >"$T/mm.pid"
		wait $!
		echo $? >"$T/mm.rc"
	) 2>/dev/null &
	MM_WRAPPER=$!
	local i
	for i in $(seq 1 100); do
		[ -s "$T/mm.pid" ] && break
		sleep 0.01
	done
	MM_PID=$(cat "$T/mm.pid")
}

# lock_holder FILE: the pid holding a flock() on FILE, if any (read from
# /proc/locks, so that looking does not take the lock).
lock_holder() {
	local inode
	inode=$(stat -c %i "$1" 2>/dev/null) || return 0
	awk -v inode="$inode" '$2 == "FLOCK" {
		n = split($6, dev, ":")
		if (dev[n] == inode) print $5
	}' /proc/locks
}

# Whether the background run is still running.
mentormail_running() {
	[ -n "$MM_PID" ] && kill -0 "$MM_PID" 2>/dev/null
}

# Wait for the background run (at most MENTORMAIL_E2E_TIMEOUT seconds) and
# return its exit status.
mentormail_wait() {
	local i
	for ((i = 0; i < E2E_TIMEOUT * 10; i++)); do
		mentormail_running || break
		sleep 0.1
	done
	mentormail_running && kill -9 "$MM_PID"
	wait "$MM_WRAPPER"
	MM_PID=
	cp "$T/bg.stdout" "$STDOUT"
	cp "$T/bg.stderr" "$STDERR"
	return "$(cat "$T/mm.rc" 2>/dev/null || echo 255)"
}

# time_in OFFSET: the time OFFSET from now ("10 min", "25 hours"), in UTC,
# for `run --now`: a later run, without waiting for it.
time_in() {
	date -u -d "+$1" +%Y-%m-%dT%H:%M:%SZ
}

# status_of KEY: the value `mentormail status` shows for KEY.
status_of() {
	mentormail status || {
		echo "mentormail status failed: $(head -c 300 "$STDERR")" >&2
		return 1
	}
	sed -n "s/^$1: *//p" "$STDOUT"
}

# db SQL...: run SQL on the test database, one row a line, '|' between
# columns.
db() {
	[ -f "$DB" ] || { echo "db: no database $DB" >&2; echo "?"; return 1; }
	sqlite3 -batch -noheader -cmd '.timeout 5000' "$DB" "$@"
}

# The number of messages recorded (0 before there is a database).
recorded() {
	if [ -f "$DB" ]; then
		db 'SELECT count(*) FROM message'
	else
		echo 0
	fi
}

# ---------------------------------------------------------------------------
# Disks

# small_disk DIR SIZE: mount a tmpfs of SIZE ("4m") on DIR (created), so that
# a scenario can fill it up; it is unmounted when the scenario ends.  Fails
# (returns 1) where mounting is not allowed, e.g. when not root.
small_disk() {
	mkdir -p "$1" || return 1
	mount -t tmpfs -o "size=$2,mode=0755" tmpfs "$1" 2>/dev/null || return 1
	MOUNTS+=("$1")
}

# disk_fill DIR: fill the file system DIR is on to the last block, with a
# file DIR/filler (remove it to make room again).
disk_fill() {
	dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null
	dd if=/dev/zero of="$1/filler" bs=512 oflag=append conv=notrunc \
	    2>/dev/null
	return 0
}

# ---------------------------------------------------------------------------
# Checks.  Each prints one line, "ok" or "FAIL" with what was expected.

# assert_eq EXPECTED ACTUAL DESCRIPTION
assert_eq() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		local want got
		want=$(printf '%s' "$1" | head -c 400)
		got=$(printf '%s' "$2" | head -c 400)
		fail "$3" "expected: $want" "got:      $got"
	fi
}

# assert_exit STATUS COMMAND...: run COMMAND, expect exit STATUS.  For a
# mentormail run, its stderr is shown when the status is wrong.
assert_exit() {
	local want=$1 rc
	shift
	"$@"
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass "exit $want from: $*"
	else
		local -a detail=("expected exit $want, got $rc")
		if [[ "$*" == *mentormail* ]] && [ -s "$STDERR" ]; then
			local line
			while IFS= read -r line; do
				detail+=("stderr: $line")
			done < <(head -n 12 "$STDERR")
		fi
		fail "$*" "${detail[@]}"
	fi
}

# assert_stderr_mentions REGEX DESCRIPTION: the last run's stderr matches
# REGEX (extended, any case).
assert_stderr_mentions() {
	if grep -Eqi -- "$1" "$STDERR"; then
		pass "$2"
	else
		fail "$2" "stderr does not match /$1/:" \
		    "$(head -c 600 "$STDERR")"
	fi
}

# assert_match REGEX TEXT DESCRIPTION: a line of TEXT matches REGEX
# (extended).
assert_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then
		pass "$3"
	else
		fail "$3" "no line matches /$1/ in:" \
		    "$(printf '%s' "$2" | head -c 800)"
	fi
}

# assert_no_match REGEX TEXT DESCRIPTION: no line of TEXT matches REGEX.
assert_no_match() {
	local hits
	if hits=$(printf '%s\n' "$2" | grep -E -- "$1"); then
		fail "$3" "these lines match /$1/:" \
		    "$(printf '%s' "$hits" | head -c 800)"
	else
		pass "$3"
	fi
}

# assert_same_lines EXPECTED ACTUAL DESCRIPTION: two lists, line by line.
assert_same_lines() {
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		local d
		d=$(diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") |
		    grep '^[<>]' | head -n 10)
		fail "$3" "expected ($(printf '%s\n' "$1" | wc -l) lines) < vs got ($(printf '%s\n' "$2" | wc -l) lines) >:" \
		    "$d"
	fi
}

# assert_recorded_once DIR...: every message generated into DIR... is in
# the database exactly once, and nothing else is.
assert_recorded_once() {
	assert_same_lines "$(gen_ids "$@")" \
	    "$(db 'SELECT message_id FROM message' | LC_ALL=C sort)" \
	    "every message is recorded exactly once"
}

# assert_filed_once DIR...: INBOX is empty and Processed holds every
# generated message exactly once.
assert_filed_once() {
	assert_eq 0 "$(mail_count INBOX)" "INBOX is empty"
	assert_same_lines "$(gen_ids "$@")" "$(mail_ids Processed)" \
	    "Processed holds every message exactly once"
}

# The database passes SQLite's integrity check.
assert_db_ok() {
	assert_eq ok "$(db 'PRAGMA integrity_check')" "the database is intact"
}

# Refuse to run without the program.
require_mentormail() {
	[ -x "$MENTORMAIL" ] ||
	    die "no mentormail binary at $MENTORMAIL (run make, or set MENTORMAIL)"
}
