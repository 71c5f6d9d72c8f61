#!/bin/bash
#
# One run at a time: cron may start a run while the last one is still busy.
# The newcomer sees the lock (the database path + ".lock", flock) taken and
# leaves at once, quietly and with success, touching nothing; the run that
# holds the lock finishes the job alone.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

dovecot_start
make_config
mail=$(gen_mail 10)
mail_append INBOX "$mail"

step "while someone holds the lock, a run leaves at once and does nothing"
exec 9>>"$DB.lock"
flock -x 9 || die "setup: cannot lock $DB.lock"
E2E_TIMEOUT=20 assert_exit 0 mentormail run
assert_eq "" "$(cat "$STDOUT" "$STDERR")" \
    "it says nothing (cron would mail it)"
assert_eq 0 "$(recorded)" "nothing is recorded"
assert_eq 10 "$(mail_count INBOX)" "the 10 messages stay in INBOX"
exec 9>&-

step "once the lock is free, the next run does the work"
assert_exit 0 mentormail run
assert_eq 10 "$(recorded)" "10 messages are recorded"
assert_filed_once "$mail"

step "two overlapping runs: the second leaves, the first finishes alone"
big=$(gen_mail "$BIG" big)
mail_append INBOX "$big"
mentormail_start run
for i in $(seq 1 200); do
	[ "$(lock_holder "$DB.lock")" = "$MM_PID" ] && break
	mentormail_running || break
	sleep 0.02
done
if [ "$(lock_holder "$DB.lock")" = "$MM_PID" ]; then
	# Freeze the first run while it holds the lock.
	kill -STOP "$MM_PID"
	before=$(recorded)
	E2E_TIMEOUT=20 assert_exit 0 mentormail run
	assert_eq "" "$(cat "$STDOUT" "$STDERR")" "the second run says nothing"
	assert_eq "$before" "$(recorded)" "the second run records nothing"
	kill -CONT "$MM_PID"
	assert_exit 0 mentormail_wait
else
	mentormail_wait
	fail "the first run never held the lock ($DB.lock)" \
	    "holder: $(lock_holder "$DB.lock"), run pid: $MM_PID"
fi
assert_eq $((BIG + 10)) "$(recorded)" "$BIG more messages are recorded"
assert_recorded_once "$mail" "$big"
assert_filed_once "$mail" "$big"
assert_db_ok
