#!/bin/bash
# bench/intake.sh MENTORMAIL [N] -- time one `mentormail run` over N small
# messages (default 10,000) in a real Dovecot reached over TLS, and the same
# mailbox fetched by two peers that also move mail off an IMAP server:
# fdm (fetch and deliver to a maildir) and mbsync (sync to a maildir).
# Prints wall time, peak memory and mentormail's ratio to each peer.
# PEERS=0 measures mentormail alone (fdm slows down a lot on a large
# mailbox: it flags messages one at a time, and Dovecot rewrites its index
# for each).
set -u
MENTORMAIL=${1:?usage: bench/intake.sh MENTORMAIL [N]}
N=${2:-10000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
LIB_QUIET=1
# shellcheck source=../tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"

# measure NAME COMMAND...: run once, print "NAME seconds maxrss_kib".
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/time.$name" timeout 1800 "$@" \
	    >"$T/out.$name" 2>&1 ||
	    { cat "$T/out.$name" >&2; die "$name failed"; }
	printf '%s %s\n' "$name" "$(cat "$T/time.$name")"
}

fresh_inbox() {
	dovecot_stop
	rm -rf "$MAILROOT"
	dovecot_start
	mail_append INBOX "$MAILDIR_SRC" >/dev/null
	[ "$(mail_count INBOX)" -eq "$N" ] || die "append: $(mail_count INBOX) of $N"
}

fdm_conf() {
	cat >"$T/fdm.conf" <<-EOF
	set lock-file "$T/fdm.lock"
	account "bench" imaps server "127.0.0.1" port $IMAPS_PORT
	    user "$IMAP_USER" pass "$IMAP_SECRET" no-verify
	action "store" maildir "$T/fdm-maildir"
	match all action "store"
	EOF
	chmod 600 "$T/fdm.conf"
}

mbsync_conf() {
	mkdir -p "$T/mbsync"
	cat >"$T/mbsyncrc" <<-EOF
	IMAPAccount bench
	Host localhost
	Port $IMAPS_PORT
	User $IMAP_USER
	Pass $IMAP_SECRET
	SSLType IMAPS
	CertificateFile $CERTS/ca.pem

	IMAPStore remote
	Account bench

	MaildirStore local
	Path $T/mbsync/
	Inbox $T/mbsync/INBOX

	Channel bench
	Far :remote:
	Near :local:
	Patterns INBOX
	Sync Pull
	Create Near
	EOF
}

MAILDIR_SRC=$(gen_mail "$N" bench)
dovecot_start
results=$T/results
{
	fresh_inbox
	make_config
	measure mentormail "$MENTORMAIL" -c "$CONF" run
	[ "$(db 'SELECT count(*) FROM message')" -eq "$N" ] ||
	    die "mentormail recorded $(db 'SELECT count(*) FROM message') of $N"
	if [ "${PEERS:-1}" = 1 ]; then
		fresh_inbox
		fdm_conf
		measure fdm fdm -q -f "$T/fdm.conf" fetch
		fresh_inbox
		mbsync_conf
		measure mbsync mbsync -q -c "$T/mbsyncrc" bench
	fi
} >"$results"

awk -v n="$N" '
	{ t[$1] = $2; m[$1] = $3 }
	END {
		printf "intake of %d small messages over IMAPS (one run each)\n", n
		printf "%-12s %9s %12s %10s\n", "tool", "seconds", "peak RSS", "msgs/s"
		for (k in t)
			printf "%-12s %9.2f %9d KiB %10.0f\n", k, t[k], m[k],
			    n / (t[k] > 0 ? t[k] : 0.01)
		if ("fdm" in t)
			printf "ratio mentormail/fdm:    time %.2f, memory %.2f\n",
			    t["mentormail"] / t["fdm"], m["mentormail"] / m["fdm"]
		if ("mbsync" in t)
			printf "ratio mentormail/mbsync: time %.2f, memory %.2f\n",
			    t["mentormail"] / t["mbsync"],
			    m["mentormail"] / m["mbsync"]
		printf "mentormail per message: %.3f ms\n", 1000 * t["mentormail"] / n
	}' "$results"
