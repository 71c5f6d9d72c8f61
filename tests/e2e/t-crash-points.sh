#!/bin/bash
#
# Crash points: a run killed (SIGKILL, no cleanup) at any step of an intake
# loses nothing and doubles nothing.  The next run finishes the job: every
# message is recorded exactly once and filed in Processed exactly once.
#
# MENTORMAIL_E2E_CRASH_POINTS may name other points (space separated, each
# POINT or POINT:N).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

points=${MENTORMAIL_E2E_CRASH_POINTS:-after-fetch mid-batch after-commit before-move after-move}

for point in $points; do
	step "killed at $point, then run again"
	# Some with a Processed folder already there, some without.
	case $point in
	mid-batch* | before-move*) fresh_server --processed ;;
	*) fresh_server ;;
	esac
	make_config
	mail=$(gen_mail 20 "${point//:/-}")
	mail_append INBOX "$mail"

	MENTORMAIL_CRASH=$point assert_exit 137 mentormail run
	assert_exit 0 mentormail run
	assert_eq 20 "$(db 'SELECT count(*) FROM message')" \
	    "$point: 20 messages are recorded"
	assert_recorded_once "$mail"
	assert_filed_once "$mail"
	assert_eq 0 "$(db 'SELECT count(*) FROM duplicate')" \
	    "$point: no message is taken for a duplicate of itself"
	assert_eq 20 "$(status_of mailbox.last_uid)" \
	    "$point: status shows mailbox.last_uid: 20"
	assert_db_ok
done

step "a MOVE cut short: copies already in Processed, originals still in INBOX"
# A server that dies in the middle of MOVE can leave the copy made and the
# original not yet removed.  The next run must not file a second copy.
fresh_server --processed
make_config
mail=$(gen_mail 20 cut-move)
mail_append INBOX "$mail"
MENTORMAIL_CRASH=before-move assert_exit 137 mentormail run
# What the dying server had copied: the first 7 messages.
mail_append Processed $(ls "$mail"/*.eml | head -n 7)
assert_eq 7 "$(mail_count Processed)" "7 copies are in Processed before the run"
assert_exit 0 mentormail run
assert_recorded_once "$mail"
assert_filed_once "$mail"
assert_db_ok
