#!/bin/bash
#
# The outbox when sending goes wrong.  A receipt is queued in the same
# transaction as the application it answers, then sent.  Temporary trouble
# (the SMTP server down, a 4xx) keeps it queued and tries again later,
# backing off 5 minutes, then 10, 20...; a permanent refusal (5xx) fails it
# for the coordinator to see, without holding up the rest of the batch.  A
# run killed at any point sends the receipt exactly once, except in the one
# window outbox.h documents: after the server accepted the mail and before
# that was recorded, where it may go twice.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
DANA=dana.whitfield@ccpls.example.org

dovecot_start
make_config program.forms=wyoming

# start_over: no mail, no database, no mail sent, no refusals.
start_over() {
	smtpd_stop
	fresh_server
	rm -rf "$SMTP_MAILDIR"
	smtp_fail
	make_config program.forms=wyoming
}

# outbox_row ADDRESS: "status|attempts" of the mail to ADDRESS.
outbox_row() {
	db "SELECT status, attempts FROM outbox WHERE to_addr = '$1'"
}

# sent_to ADDRESS: how many mails the SMTP server accepted for ADDRESS.
sent_to() {
	smtp_to "$1" | wc -l
}

# ---------------------------------------------------------------------------
step "(a) the SMTP server is down: exit 75, the receipt waits"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 75 mentormail run
assert_eq 1 "$(recorded)" "the application is recorded all the same"
assert_eq 1 "$(mail_count Processed)" "and filed"
assert_eq 1 "$(status_of outbox.queued)" "status shows outbox.queued: 1"
assert_eq 0 "$(status_of outbox.sent)" "status shows outbox.sent: 0"
assert_eq tempfail "$(status_of run.last_outcome)" \
    "status shows run.last_outcome: tempfail"

step "(a) the server is back: the next run sends it, once"
smtpd_start
assert_exit 0 mentormail run
assert_eq 1 "$(sent_to "$DANA")" "one receipt reaches Dana Whitfield"
assert_eq 1 "$(status_of outbox.sent)" "status shows outbox.sent: 1"
assert_eq 0 "$(status_of outbox.queued)" "status shows outbox.queued: 0"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "a run after that sends nothing more"

# ---------------------------------------------------------------------------
step "(b) 451 at the end of DATA: queued, tried again after the backoff"
start_over
smtpd_start
smtp_fail "data 451"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 0 mentormail run
assert_eq 0 "$(smtp_count)" "nothing is delivered"
assert_eq "queued|1" "$(outbox_row "$DANA")" "the receipt is queued, attempts 1"
assert_match '451' "$(db "SELECT last_error FROM outbox")" \
    "its last error is the server's 451"
assert_eq 1 "$(status_of outbox.queued)" "status shows outbox.queued: 1"

smtp_fail
assert_exit 0 mentormail run
assert_eq 0 "$(smtp_count)" \
    "a run at once does not try again: the first backoff is 5 minutes"
assert_exit 0 mentormail run --now "$(time_in '10 min')"
assert_eq 1 "$(sent_to "$DANA")" "a run 10 minutes later sends it"
assert_eq "sent|2" "$(outbox_row "$DANA")" "sent at the second attempt"
assert_exit 0 mentormail run --now "$(time_in '20 min')"
assert_eq 1 "$(smtp_count)" "and only once"

step "(b) each further 4xx doubles the wait"
start_over
smtpd_start
smtp_fail "data 452"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 0 mentormail run
assert_exit 0 mentormail run --now "$(time_in '6 min')"
assert_eq "queued|2" "$(outbox_row "$DANA")" \
    "refused twice (now and 6 minutes later): attempts 2"
smtp_fail
assert_exit 0 mentormail run --now "$(time_in '12 min')"
assert_eq 0 "$(smtp_count)" \
    "12 minutes in, it waits: 10 minutes after the second attempt"
assert_exit 0 mentormail run --now "$(time_in '17 min')"
assert_eq 1 "$(smtp_count)" "17 minutes in, it is sent"

# ---------------------------------------------------------------------------
step "(c) 550 for one recipient: that mail fails, the rest is sent"
start_over
smtpd_start
smtp_fail "rcpt 550 $DANA"
mail_append INBOX "$APPS/wy01-mentee-clean.eml" \
    "$APPS/wy15-mentee-yes-no-missing-position.eml"
assert_exit 0 mentormail run
assert_eq 0 "$(sent_to "$DANA")" "nothing reaches the refused address"
assert_eq 1 "$(sent_to tpfeiffer@example.org)" \
    "the other receipt of the batch is sent"
assert_eq 1 "$(smtp_count)" "one mail is delivered in all"
assert_eq "failed|1" "$(outbox_row "$DANA")" "the refused one is failed"
assert_match '550' "$(db "SELECT last_error FROM outbox
	   WHERE to_addr = '$DANA'")" "and keeps the server's 550"
assert_eq 1 "$(status_of outbox.failed)" "status shows outbox.failed: 1"
assert_eq 1 "$(status_of outbox.sent)" "status shows outbox.sent: 1"
assert_eq 0 "$(status_of outbox.queued)" "status shows outbox.queued: 0"
smtp_fail
assert_exit 0 mentormail run --now "$(time_in '1 day')"
assert_eq 1 "$(smtp_count)" "a failed mail is not tried again"

# ---------------------------------------------------------------------------
step "(d) killed after the commit: recorded, not sent; the next run sends"
start_over
smtpd_start
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
MENTORMAIL_CRASH=after-commit assert_exit 137 mentormail run
assert_eq 0 "$(smtp_count)" "nothing is sent"
assert_eq 1 "$(status_of outbox.queued)" "the receipt is queued"
assert_exit 0 mentormail run
assert_eq 1 "$(sent_to "$DANA")" "the next run sends exactly one receipt"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "and a run after that, nothing"
assert_eq 1 "$(mail_count Processed)" "the application is filed once"
assert_eq 0 "$(mail_count INBOX)" "INBOX is empty"

# ---------------------------------------------------------------------------
step "(e) killed before sending: the next try sends exactly one"
start_over
smtpd_start
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
MENTORMAIL_CRASH=before-send assert_exit 137 mentormail run
assert_eq 0 "$(smtp_count)" "nothing is sent"
assert_eq "queued|1" "$(outbox_row "$DANA")" \
    "the receipt is queued, its attempt counted"
assert_exit 0 mentormail run --now "$(time_in '10 min')"
assert_eq 1 "$(sent_to "$DANA")" "the next try sends exactly one receipt"
assert_exit 0 mentormail run --now "$(time_in '1 hour')"
assert_eq 1 "$(smtp_count)" "and a run after that, nothing"

# ---------------------------------------------------------------------------
step "(f) killed after sending, before recording it: at most twice"
start_over
smtpd_start
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
MENTORMAIL_CRASH=after-send assert_exit 137 mentormail run
assert_eq 1 "$(smtp_count)" "the server has the receipt"
assert_exit 0 mentormail run --now "$(time_in '10 min')"
assert_exit 0 mentormail run --now "$(time_in '1 hour')"
n=$(sent_to "$DANA")
if [ "$n" -ge 1 ] && [ "$n" -le 2 ]; then
	pass "Dana Whitfield got the receipt at least once and at most twice"
else
	fail "Dana Whitfield got the receipt at least once and at most twice" \
	    "she got it $n times"
fi
note "after a kill in the window, the receipt was delivered $n time(s)"
assert_eq "sent" "$(db "SELECT status FROM outbox WHERE to_addr = '$DANA'")" \
    "the outbox ends with it sent"
assert_db_ok
