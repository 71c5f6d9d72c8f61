#!/bin/bash
# bench/intake.sh MENTORMAIL [N] -- one `mentormail run` over N small
# messages (default 2,000) in a real Dovecot reached over TLS, and the
# same mailbox fetched by two peers that also move mail off an IMAP
# server: fdm (fetch and deliver to a maildir) and mbsync (sync to a
# maildir).  Prints wall time, peak memory and mentormail's ratio to each.
#
# The messages are list mail, which mentormail records (fetched, decoded,
# stored, moved to Processed) and never answers, so that all three only
# move mail; answering is bench/applications.sh's.  A run that sends
# anything, or any tool that does not end 0 with all N messages, stops the
# benchmark with the reason.  (fdm slows down a lot on a large mailbox: it
# flags messages one at a time, and Dovecot rewrites its index for each.)
set -u
MENTORMAIL=${1:?usage: bench/intake.sh MENTORMAIL [N]}
N=${2:-2000}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

fresh_inbox() {
	dovecot_stop
	rm -rf "$MAILROOT"
	dovecot_start
	mail_append INBOX "$MAILDIR_SRC" >/dev/null
	[ "$(mail_count INBOX)" -eq "$N" ] ||
	    die "append: $(mail_count INBOX) of $N"
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
	# Its state beside the mail, not in ~/.mbsync, which outlives $T.
	SyncState *
	EOF
}

# delivered DIR: the messages a peer left below DIR.
delivered() {
	find "$1" \( -path '*/new/*' -o -path '*/cur/*' \) -type f 2>/dev/null |
	    wc -l
}

# peer NAME MAILDIR COMMAND...: NAME_SECS and NAME_RSS, or die.
peer() {
	local name=$1 dir=$2 got
	shift 2
	run_timed "$name" "$@" ||
	    die "$name exited $?" "$(tail -n 8 "$T/$name.err")"
	got=$(delivered "$dir")
	[ "$got" -eq "$N" ] || die "$name delivered $got of $N messages"
	printf -v "${name}_SECS" %s "$SECS"
	printf -v "${name}_RSS" %s "$RSS_KIB"
}

mentormail_run() {
	local got sent
	make_config
	run_timed mentormail "$MENTORMAIL" -c "$CONF" run
	run_ok mentormail $? "mentormail run"
	got=$(db "SELECT count(*) FROM message WHERE outcome = 'automatic'")
	[ "$got" -eq "$N" ] ||
	    die "mentormail recorded $got of $N as list mail"
	sent=$(db "SELECT count(*) FROM outbox")
	[ "$sent" -eq 0 ] || die "mentormail queued $sent mails for list mail"
	[ "$(mail_count Processed)" -eq "$N" ] ||
	    die "mentormail moved $(mail_count Processed) of $N"
	mentormail_SECS=$SECS mentormail_RSS=$RSS_KIB
}

# row TOOL: its figures and mentormail's ratio to it.
row() {
	local s=${1}_SECS r=${1}_RSS tr=- rr=-
	if [ "$1" != mentormail ]; then
		tr=$(ratio "$mentormail_SECS" "${!s}")
		rr=$(ratio "$mentormail_RSS" "${!r}")
	fi
	printf '%-12s %9.2f s %9s %10.0f %12s %12s\n' "$1" "${!s}" \
	    "$(mib "${!r}")" "$(awk -v n="$N" -v t="${!s}" \
	    'BEGIN { print n / (t > 0 ? t : 0.01) }')" "$tr" "$rr"
}

MAILDIR_SRC=$(gen_mail "$N" bench)
find "$MAILDIR_SRC" -name '*.eml' -exec perl -pi -e \
    'print "List-Id: Library news <news.bench.example.net>\n" if $. == 1;
     close ARGV if eof' {} + || die "cannot make the messages list mail"
dovecot_start
fresh_inbox
mentormail_run
fresh_inbox
fdm_conf
peer fdm "$T/fdm-maildir" fdm -q -f "$T/fdm.conf" fetch
fresh_inbox
mbsync_conf
peer mbsync "$T/mbsync" mbsync -q -c "$T/mbsyncrc" bench

echo "intake of $(thousands "$N") small messages over IMAPS (one run each;" \
    "ratio = mentormail / peer, below 1 is better)"
printf '%-12s %11s %9s %10s %12s %12s\n' tool time "peak RSS" msgs/s \
    "time ratio" "RSS ratio"
row mentormail
row fdm
row mbsync
# shellcheck disable=SC2154 # set by peer
summary "intake of list mail: $(ratio "$mentormail_SECS" "$fdm_SECS")x fdm," \
    "$(ratio "$mentormail_SECS" "$mbsync_SECS")x mbsync"
