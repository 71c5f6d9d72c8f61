#!/bin/bash
#
# Faults: what mentormail does when the server or its configuration lets
# it down.  Temporary trouble (a server that dies or is down) exits 75 so
# that cron simply tries again; trouble a person must fix (a wrong password,
# a certificate we must not trust, an unsafe configuration) has an exit code
# of its own and a message that says what is wrong.  In every case nothing
# is half-recorded and no mail is lost.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

# ---------------------------------------------------------------------------
step "(a) the server dies in the middle of a run: exit 75, then recovery"
dovecot_start
make_config
mail=$(gen_mail "$BIG" big)
mail_append INBOX "$mail"

mentormail_start run -v
wait_for_client "$IMAPS_PORT" || fail "the run never connected"
# Let a first batch be recorded, so that the server dies with some of the
# work done and most of it left.
for i in $(seq 1 100); do
	[ "$(recorded)" -gt 0 ] 2>/dev/null && break
	mentormail_running || break
	sleep 0.05
done
if mentormail_running; then
	# Freeze the run, so that the server surely dies under it.
	kill -STOP "$MM_PID"
	dovecot_kill
	kill -CONT "$MM_PID"
	assert_exit 75 mentormail_wait
	assert_stderr_mentions "127\.0\.0\.1:$IMAPS_PORT.*(lost|closed)" \
	    "with -v it says the connection to the server was lost"
else
	mentormail_wait
	fail "the run ended before the server could be killed" \
	    "(a bigger MENTORMAIL_E2E_BIG may help)"
fi
assert_db_ok
note "$(recorded) of $BIG recorded when the server died"

dovecot_start
assert_exit 0 mentormail run
assert_eq "$BIG" "$(db 'SELECT count(*) FROM message')" \
    "$BIG messages are recorded"
assert_recorded_once "$mail"
# Dovecot moves Maildir mail by copying, then expunging: killed between
# the two, it leaves messages in both folders.  The next run finds those
# copies in Processed and only deletes the originals.
assert_filed_once "$mail"
assert_db_ok

# ---------------------------------------------------------------------------
step "(b) the server renumbers INBOX under a new UIDVALIDITY"
fresh_server
make_config
first=$(gen_mail 5 first)
mail_append INBOX "$first"
assert_exit 0 mentormail run
old_uidvalidity=$(mailbox_uidvalidity INBOX)

# Three messages already handled come back into INBOX and two new ones
# arrive, and the server forgets its UIDs (a restore from backup, a
# migration): it starts again from UID 1 under a new UIDVALIDITY.
dovecot_stop
mail_append INBOX "$first/000001.eml" "$first/000002.eml" "$first/000003.eml"
new=$(gen_mail 2 new)
mail_append INBOX "$new"
rm -f "$MAILDIR/dovecot-uidlist" "$MAILDIR"/dovecot.index*
dovecot_start
new_uidvalidity=$(mailbox_uidvalidity INBOX)
[ "$new_uidvalidity" != "$old_uidvalidity" ] ||
    die "setup: Dovecot kept UIDVALIDITY $old_uidvalidity"
assert_same_lines "$(seq 1 5)" "$(mail_uids INBOX)" \
    "setup: INBOX now holds UIDs 1 to 5 again"

assert_exit 0 mentormail run
assert_stderr_mentions UIDVALIDITY "a warning names UIDVALIDITY"
assert_eq 7 "$(db 'SELECT count(*) FROM message')" \
    "7 messages are recorded: the 5 first ones and the 2 new ones"
assert_recorded_once "$first" "$new"
assert_same_lines "$(gen_ids "$first" | head -n 3)" \
    "$(db 'SELECT m.message_id FROM duplicate d
	   JOIN message m ON m.id = d.message ORDER BY m.message_id')" \
    "the 3 that came back are noted as duplicates of their first record"
assert_eq "$new_uidvalidity" \
    "$(db 'SELECT DISTINCT uidvalidity FROM duplicate')" \
    "under the new UIDVALIDITY"
assert_same_lines "$new_uidvalidity" \
    "$(db "SELECT DISTINCT uidvalidity FROM message WHERE subject LIKE '%(new)'")" \
    "the new ones are recorded under the new UIDVALIDITY"
assert_eq 0 "$(mail_count INBOX)" "INBOX is empty"
assert_same_lines "$(gen_ids "$first" "$new")" \
    "$(mail_ids Processed | uniq)" "Processed holds every message"
assert_eq 3 "$(status_of messages.duplicates)" \
    "status shows messages.duplicates: 3"
assert_eq "$new_uidvalidity" "$(status_of mailbox.uidvalidity)" \
    "status shows the new UIDVALIDITY"
assert_db_ok

# ---------------------------------------------------------------------------
step "(c) a wrong password: exit 77, nothing touched"
fresh_server
make_config
printf 'not-the-password\n' >"$T/imap.password"
mail=$(gen_mail 3)
mail_append INBOX "$mail"
assert_exit 77 mentormail run
assert_stderr_mentions 'authenticat' "stderr says authentication failed"
assert_eq 0 "$(recorded)" "nothing is recorded"
assert_eq 3 "$(mail_count INBOX)" "the 3 messages stay in INBOX"
assert_eq 0 "$(mail_count Processed)" "nothing is moved"

# ---------------------------------------------------------------------------
step "(d) certificates we must not trust: exit 76, nothing touched"
# clientonly: from the right CA, but for TLS clients only; viaclientca:
# from an intermediate CA that may sign for clients only.
for cert in selfsigned wronghost expired clientonly viaclientca; do
	dovecot_restart --cert "$cert"
	for security in tls starttls; do
		case $security in
		tls) port=$IMAPS_PORT ;;
		starttls) port=$IMAP_PORT ;;
		esac
		make_config security=$security port="$port"
		assert_exit 76 mentormail run
		assert_stderr_mentions certificate \
		    "$cert, $security: stderr talks of the certificate"
	done
done
dovecot_restart
make_config ca_file=
assert_exit 76 mentormail run
assert_stderr_mentions certificate \
    "without ca_file the system's store does not trust the test CA"
assert_eq 0 "$(recorded)" "nothing is recorded"
assert_eq 3 "$(mail_count INBOX)" "the 3 messages stay in INBOX"

step "(d) the right CA: implicit TLS and STARTTLS both work"
make_config security=tls port="$IMAPS_PORT"
assert_exit 0 mentormail run
assert_eq 3 "$(recorded)" "security = tls: 3 messages recorded"
more=$(gen_mail 2 more)
mail_append INBOX "$more"
make_config security=starttls port="$IMAP_PORT"
assert_exit 0 mentormail run
assert_eq 5 "$(recorded)" "security = starttls: 2 more recorded"
assert_recorded_once "$mail" "$more"
assert_filed_once "$mail" "$more"

# ---------------------------------------------------------------------------
step "(e) the server is down: exit 75, every time"
# From cron a short outage stays quiet (cron would mail every word); -v
# says why at once, and an outage that lasts is reported without it.
make_config
dovecot_stop
assert_exit 75 mentormail run -v
assert_stderr_mentions "127\.0\.0\.1:$IMAPS_PORT.*(refused|connect)" \
    "with -v it names the server and says it cannot connect"
assert_exit 75 mentormail run
assert_exit 75 mentormail run
assert_stderr_mentions "127\.0\.0\.1:$IMAPS_PORT.*(refused|connect)" \
    "the third failure in a row is reported without -v"
assert_eq 5 "$(recorded)" "nothing new is recorded"
assert_db_ok

# ---------------------------------------------------------------------------
step "(f) security = none is for loopback only"
fresh_server
make_config security=none port="$IMAP_PORT"
assert_exit 0 mentormail check
mail=$(gen_mail 1 plain)
mail_append INBOX "$mail"
assert_exit 0 mentormail run
assert_eq 1 "$(recorded)" "security = none on 127.0.0.1 works"

make_config host=imap.example.org security=none port=143
assert_exit 78 offline mentormail check
assert_stderr_mentions 'security|loopback|plain|clear' \
    "stderr explains why the setting is refused"
assert_exit 78 offline mentormail run

# ---------------------------------------------------------------------------
step "(g) a password file other users can read is refused, as ssh does"
fresh_server
make_config
chmod 644 "$T/imap.password"
assert_exit 78 mentormail check
assert_stderr_mentions "imap\.password is open to every user .*chmod 600" \
    "check names the file and says what to do"
mail=$(gen_mail 1 open)
mail_append INBOX "$mail"
assert_exit 78 mentormail run
assert_stderr_mentions "imap\.password is open to every user" \
    "run refuses it too"
assert_eq 0 "$(recorded)" "nothing is read with it"
chmod 600 "$T/imap.password"
assert_exit 0 mentormail check
assert_exit 0 mentormail run
assert_eq 1 "$(recorded)" "once it is mode 600, the run goes on"

# ---------------------------------------------------------------------------
step "(h) an IMAP server that never greets: [imap] timeout, then exit 75"
fresh_server
mute_start
make_config port="$MUTE_PORT" security=none timeout=2
start=$EPOCHSECONDS
assert_exit 75 mentormail run -v
took=$((EPOCHSECONDS - start))
if [ "$took" -lt 30 ]; then
	pass "the run gives up after the 2 s timeout ($took s)"
else
	fail "the run gives up after the 2 s timeout" "it took $took s"
fi
assert_stderr_mentions "IMAP 127\.0\.0\.1:$MUTE_PORT: timed out .*\(2 s\) during greeting" \
    "stderr says it timed out waiting for the greeting"
assert_no_match "connection lost" "$(cat "$STDERR")" \
    "and not that the connection was lost"
mute_stop
