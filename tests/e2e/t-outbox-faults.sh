#!/bin/bash
#
# The outbox when sending goes wrong.  A receipt is queued in the same
# transaction as the application it answers, then sent.  Temporary trouble
# (the SMTP server down, a 4xx) keeps it queued and tries again later,
# backing off 5 minutes, then 10, 20...; a permanent refusal (5xx) fails it
# for the coordinator to see, without holding up the rest of the batch.  A
# run killed at any point sends the receipt exactly once, except in the one
# window outbox.h documents: after the end of the mail reached the server
# and before its answer came back, where it may go twice.  The answer is
# written down the moment it comes, so neither a kill nor a full disk
# after it sends the mail again.

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
step "(f) killed after the server's answer, before the database has it: once"
start_over
smtpd_start
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
MENTORMAIL_CRASH=after-send assert_exit 137 mentormail run
assert_eq 1 "$(smtp_count)" "the server has the receipt"
assert_eq "queued|1" "$(outbox_row "$DANA")" \
    "the database does not know yet"
assert_match "^sent [0-9]+ " "$(cat "$DB-outbox")" \
    "the journal beside it has the server's answer"
assert_exit 0 mentormail run --now "$(time_in '10 min')"
assert_eq "sent|1" "$(outbox_row "$DANA")" \
    "the next run records it as sent, from the journal"
assert_exit 0 mentormail run --now "$(time_in '1 hour')"
assert_eq 1 "$(sent_to "$DANA")" "Dana Whitfield gets the receipt once"
assert_db_ok

# ---------------------------------------------------------------------------
step "(g) the disk fills up while the server is taking the mail"
start_over
if small_disk "$T/small" 8m; then
	DB=$T/small/mentormail.db
	make_config program.forms=wyoming program.database="$DB"
	smtpd_start
	# The server keeps the receipt, then takes 3 s to answer.
	smtp_fail "hold 3 $DANA"
	mail_append INBOX "$APPS/wy01-mentee-clean.eml"
	mentormail_start run
	for i in $(seq 1 100); do
		[ "$(smtp_count)" = 1 ] && break
		sleep 0.05
	done
	assert_eq 1 "$(smtp_count)" "the server has the receipt"
	disk_fill "$T/small"
	assert_exit 74 mentormail_wait
	assert_stderr_mentions "full|space" "stderr says the disk is full"
	assert_stderr_mentions "kept in .*mentormail\.db-outbox" \
	    "and that the server's answer is kept in the journal"
	rm -f "$T/small/filler"
	smtp_fail
	assert_exit 0 mentormail run --now "$(time_in '10 min')"
	assert_eq "sent|1" "$(outbox_row "$DANA")" \
	    "with room again, the next run records the receipt as sent"
	assert_exit 0 mentormail run --now "$(time_in '1 hour')"
	assert_eq 1 "$(sent_to "$DANA")" \
	    "and it is not sent again: Dana Whitfield gets it once"
	assert_db_ok
	DB=$T/mentormail.db
else
	note "(g) skipped: cannot mount a small tmpfs here (not root?)"
fi

# ---------------------------------------------------------------------------
step "(h) an SMTP server that never greets: [smtp] timeout, then exit 75"
start_over
mute_start
make_config program.forms=wyoming smtp.port="$MUTE_PORT" smtp.timeout=2
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
start=$EPOCHSECONDS
assert_exit 75 mentormail run -v
took=$((EPOCHSECONDS - start))
if [ "$took" -lt 30 ]; then
	pass "the run gives up after the 2 s timeout, not 300 s ($took s)"
else
	fail "the run gives up after the 2 s timeout, not 300 s" "it took $took s"
fi
assert_stderr_mentions "SMTP 127\.0\.0\.1:$MUTE_PORT: timed out .*\(2 s\) during greeting" \
    "stderr says it timed out waiting for the greeting"
assert_no_match "connection lost" "$(cat "$STDERR")" \
    "and not that the connection was lost"
assert_eq "queued|0" "$(outbox_row "$DANA")" "the receipt waits for the next run"
mute_stop

# ---------------------------------------------------------------------------
step "(i) an SMTP certificate for TLS clients only is refused: exit 76"
for security in tls starttls; do
	start_over
	_make_certs
	opts=(--tls-cert "$CERTS/clientonly.pem" --tls-key "$CERTS/clientonly-key.pem")
	[ "$security" = tls ] || opts+=(--starttls)
	smtpd_start "${opts[@]}"
	make_config program.forms=wyoming smtp.security=$security \
	    smtp.ca_file=certs/ca.pem
	mail_append INBOX "$APPS/wy01-mentee-clean.eml"
	assert_exit 76 mentormail run
	assert_stderr_mentions "certificate .* refused: it is not meant for a TLS server" \
	    "$security: stderr says the certificate is not a server's"
	assert_eq 0 "$(smtp_count)" "$security: nothing is sent"
	smtpd_stop
done
