#!/bin/bash
#
# The coordinator's hand on the outbox, as a coordinator would use it
# after the SMTP server refused mail:
#  - `mentormail outbox` lists each mail waiting or failed: its number,
#    kind, recipient and the server's last answer;
#  - `outbox retry ID...` (or `retry all`) puts failed mail back in the
#    queue, and the next run sends it; `outbox drop ID...` makes sure a
#    mail is never sent, and it is no longer counted as failed;
#  - a run whose every mail was refused is not `ok`: it exits 69 and
#    `status` says why.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
DANA=dana.whitfield@ccpls.example.org
TANNER=tpfeiffer@example.org

dovecot_start
smtpd_start
make_config program.forms=wyoming

# outbox_id ADDRESS: the number of the mail to ADDRESS.
outbox_id() {
	db "SELECT id FROM outbox WHERE to_addr = '$1'"
}

# ---------------------------------------------------------------------------
step "every mail refused: the run is not ok"
smtp_fail "rcpt 550"
mail_append INBOX "$APPS/wy01-mentee-clean.eml" \
    "$APPS/wy15-mentee-yes-no-missing-position.eml"
assert_exit 69 mentormail run
assert_stderr_mentions 'refused every mail due \(2\).*mentormail outbox' \
    "stderr says every mail was refused, and where to look"
assert_eq error "$(status_of run.last_outcome)" \
    "status: run.last_outcome is error"
assert_match 'refused every mail due' "$(status_of run.last_cause)" \
    "status: run.last_cause says why"
assert_eq 2 "$(status_of outbox.failed)" "status: outbox.failed 2"
assert_eq 1 "$(status_of runs.failed)" "status: the run is counted as failed"

step "outbox lists the failed mail, with the server's answer"
assert_exit 0 mentormail outbox
list=$(cat "$STDOUT")
dana=$(outbox_id "$DANA")
tanner=$(outbox_id "$TANNER")
assert_match "^$dana failed receipt to $DANA, queued .*, 1 attempt: .*550" \
    "$list" "Dana's receipt: failed, with the 550"
assert_match "^$tanner failed receipt to $TANNER, " "$list" \
    "Tanner's receipt: failed"
assert_eq 2 "$(printf '%s\n' "$list" | wc -l)" "one line each"

step "retry one: queued again, and the next run sends it"
smtp_fail
assert_exit 0 mentormail outbox retry "$dana"
assert_match "^mail $dana is queued again: the next run sends it\$" \
    "$(cat "$STDOUT")" "retry says what happens next"
assert_eq 1 "$(status_of outbox.queued)" "status: outbox.queued 1"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$DANA" | wc -l)" "Dana's receipt is delivered"
assert_eq 0 "$(smtp_to "$TANNER" | wc -l)" "Tanner's, not retried, is not"
assert_eq ok "$(status_of run.last_outcome)" "that run is ok"
assert_exit 65 mentormail outbox retry "$dana"
assert_stderr_mentions "mail $dana is sent already: nothing to retry" \
    "a sent mail is not sent again"

step "drop: never sent, no longer failed"
assert_exit 0 mentormail outbox drop "$tanner"
assert_match "^mail $tanner is dropped: it will not be sent\$" \
    "$(cat "$STDOUT")" "drop says so"
assert_eq 0 "$(status_of outbox.failed)" "status: outbox.failed 0"
assert_eq 1 "$(status_of outbox.dropped)" "status: outbox.dropped 1"
assert_exit 0 mentormail outbox
assert_eq "nothing is waiting to be sent, and nothing failed" \
    "$(cat "$STDOUT")" "the list is empty"
assert_exit 0 mentormail outbox retry all
assert_eq "no failed mail to retry" "$(cat "$STDOUT")" \
    "retry all leaves a dropped mail alone"
assert_exit 0 mentormail run --now "$(time_in '1 day')"
assert_eq 0 "$(smtp_to "$TANNER" | wc -l)" "a dropped mail is never sent"
assert_exit 65 mentormail outbox drop "$tanner"
assert_stderr_mentions "is dropped already" "dropping twice says so"

step "retry all: every failed mail, in one go; and it may bring one back"
smtp_fail "rcpt 550"
mail_append INBOX "$APPS/wy06-mentee-html-table.eml"
assert_exit 69 mentormail run
assert_exit 0 mentormail outbox retry "$tanner"
assert_exit 0 mentormail outbox retry all
assert_match "^mail [0-9]+ is queued again" "$(cat "$STDOUT")" \
    "retry all requeues the failed one"
assert_eq 2 "$(status_of outbox.queued)" \
    "status: both queued (the dropped one brought back by name)"
smtp_fail
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$TANNER" | wc -l)" "Tanner's receipt is delivered"
assert_eq 0 "$(status_of outbox.queued)" "nothing is left queued"

step "mistakes: a number that is no mail, words that are no numbers"
assert_exit 65 mentormail outbox retry 999
assert_stderr_mentions 'there is no mail 999' "no mail 999"
assert_exit 64 mentormail outbox retry soon
assert_stderr_mentions '"soon" is not a mail number' "soon is no number"
assert_exit 64 mentormail outbox drop
assert_stderr_mentions '^usage: mentormail .*outbox' "drop alone: the usage"
assert_exit 64 mentormail outbox frobnicate
assert_db_ok
