#!/bin/bash
#
# Random crashes: a big mailbox, and run after run killed with kill -9 at a
# random moment, as an impatient operator or the OOM killer would.  Then one
# last run to completion.  Every message is recorded exactly once and filed
# in Processed exactly once.
#
# The mailbox holds twice MENTORMAIL_E2E_BIG messages (default 4000), so that
# a run lasts long enough to be killed many times.  MENTORMAIL_E2E_SEED sets
# the random seed (printed, to replay a failure).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

n=$((BIG * 2))
seed=${MENTORMAIL_E2E_SEED:-$((EPOCHSECONDS % 100000))}
RANDOM=$seed
step "$n messages, seed $seed"

dovecot_start
make_config
mail=$(gen_mail "$n" big)
mail_append INBOX "$mail"

kills=0
for round in $(seq 1 30); do
	# 0.05 to 0.50 seconds.
	delay=$(printf '0.%02d' $((5 + RANDOM % 46)))
	mentormail_start run
	sleep "$delay"
	if mentormail_running; then
		kill -9 "$MM_PID"
		kills=$((kills + 1))
	fi
	mentormail_wait
	rc=$?
	note "round $round: exit $rc after ${delay}s, $(recorded) recorded"
	case $rc in
	0 | 137) ;;
	*) fail "round $round: a run exited $rc" "$(head -c 600 "$STDERR")" ;;
	esac
	# Finished on its own: nothing left to interrupt.
	[ "$rc" = 0 ] && [ "$(mail_count INBOX)" = 0 ] && break
done
note "$kills runs killed in $round rounds; $(recorded) recorded so far"

assert_exit 0 mentormail run
assert_eq "$n" "$(db 'SELECT count(*) FROM message')" \
    "$n messages are recorded"
assert_recorded_once "$mail"
assert_eq "$n" "$(mail_count Processed)" "Processed holds $n messages"
assert_filed_once "$mail"
assert_eq 0 "$(db 'SELECT count(*) FROM duplicate')" \
    "no message is taken for a duplicate of itself"
assert_eq "$n" "$(status_of mailbox.last_uid)" \
    "status shows mailbox.last_uid: $n"
assert_db_ok
