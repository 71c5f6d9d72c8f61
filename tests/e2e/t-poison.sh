#!/bin/bash
#
# Poison mail: no single message can stop the mailbox.  Good applications
# arrive with, between them, one message of each kind that used to break a
# run: an answer of 1.5 MB on one line, a line of 5 MB, thousands of MIME
# parts, answers that make the coordinator's receipt template outgrow its
# limit, and bait for a rule pattern that backtracks without end.  One run
# records every message, answers every good one, keeps each bad one as
# failed (or answers it safely), empties the INBOX and exits 0.  Once the
# template and the rule are fixed, `mentormail reprocess` handles the
# failed ones.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications

dovecot_start
smtpd_start

# The coordinator's own copies of the rules and templates: the receipt
# shows every answer a hundred times (too big for long answers), and one
# kind's pattern backtracks without end on a line of a's ending in "b".
cp -R "$TOP/rules" "$T/rules"
cp -R "$TOP/templates" "$T/templates"
{
	echo '{{#each fields}}'
	for _ in $(seq 100); do echo '{{value}}'; done
	echo '{{/each}}'
} >>"$T/templates/receipt.txt"
sed -i 's/satisfaction survey)\\b$/&|^(a|aa)+$/' "$T/rules/kinds.rules"
grep -q '(a|aa)+' "$T/rules/kinds.rules" || die "the bait pattern is not in"
make_config "program.forms=wyoming" program.rules="$T/rules" \
    program.templates="$T/templates" program.replies_per_day=100

# poison NAME KIND: write $T/poison/NAME.eml, a message of that kind.
mkdir -p "$T/poison"
poison() {
	/usr/bin/python3 - "$T/poison/$1.eml" "$2" <<'PY'
import sys
path, kind = sys.argv[1], sys.argv[2]
head = ("From: Pat Poison <pat.%s@example.org>\r\nTo: mentoring@example.org\r\n"
        "Subject: Mentoring Program Application\r\n"
        "Message-ID: <poison.%s@example.org>\r\n"
        "Date: Mon, 2 Mar 2026 09:00:00 -0700\r\nMIME-Version: 1.0\r\n") % (kind, kind)
form = ("Wyoming Library Association's Mentoring Program Application\r\n"
        "Name: Pat Poison\r\nEmail Address: pat.%s@example.org\r\n"
        "Library Name: Sheridan County Public Library\r\n"
        "Your current position: Library Assistant\r\nLibrary Type: Public\r\n"
        "Position you are applying for: [x] Protege [ ] Mentor\r\n") % kind
plain = "Content-Type: text/plain; charset=utf-8\r\n\r\n"
if kind == "field":
    body = plain + form + "Goals: " + "write grant " * 140000 + "\r\n"
elif kind == "line":
    body = plain + "x" * (5 * 1024 * 1024) + "\r\n"
elif kind == "parts":
    body = 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    body += "".join("--b\r\n\r\npart %d\r\n" % i for i in range(5000))
    body += "--b--\r\n"
elif kind == "template":
    long = "help with budgets and boards " * 400
    body = plain + form + "Goals: " + long + "\r\n\r\nMentor applicants: " + long + "\r\n"
elif kind == "bait":
    body = plain + "a" * 80 + "b\r\n"
open(path, "w", newline="").write(head + body)
PY
}
for k in field line parts template bait; do poison "$k" "$k"; done

step "one run over good applications with poison mail between them"
mail_append INBOX "$APPS/wy01-mentee-clean.eml" "$T/poison/field.eml" \
    "$APPS/wy02-mentor-pdf-columns.eml" "$T/poison/line.eml" \
    "$APPS/wy03-mentee-underscores.eml" "$T/poison/parts.eml" \
    "$APPS/wy09-mentee-tribal-cp1252-qp.eml" "$T/poison/template.eml" \
    "$APPS/wy10-mentor-label-next-line-disclaimer.eml" \
    "$T/poison/bait.eml" "$APPS/wy12-mentee-one-line-address-base64.eml" \
    >/dev/null
assert_eq 11 "$(mail_count INBOX)" "11 messages wait in the INBOX"
assert_exit 0 mentormail -v run
cp "$STDERR" "$T/run.log"
assert_eq 0 "$(mail_count INBOX)" "the INBOX is empty"
assert_eq 11 "$(mail_count Processed)" "all 11 are filed in Processed"
assert_eq 11 "$(db "SELECT count(*) FROM message")" "all 11 are recorded"
assert_eq 6 "$(db "SELECT count(DISTINCT o.message) FROM outbox o WHERE
	   o.kind = 'receipt' AND o.status = 'sent' AND o.to_addr NOT LIKE
	   'pat.%'")" "every good application is answered with a receipt"

step "each bad message is kept, failed with why, or answered safely"
outcome_of() {
	db "SELECT outcome FROM message WHERE message_id = 'poison.$1@example.org'"
}
cause_of() {
	db "SELECT cause FROM message WHERE message_id = 'poison.$1@example.org'"
}
assert_eq failed "$(outcome_of template)" \
    "the application whose receipt outgrew the template is failed"
assert_match 'receipt.txt: the mail would be larger than' \
    "$(cause_of template)" "with the template's cause"
assert_eq failed "$(outcome_of bait)" "the rule bait is failed"
assert_match 'gave up: match limit exceeded' "$(cause_of bait)" \
    "with the pattern's cause"
assert_eq "$(db "SELECT size FROM message WHERE message_id =
	   'poison.bait@example.org'")" "$(db "SELECT length(raw) FROM message
	   WHERE message_id = 'poison.bait@example.org'")" \
    "its raw bytes are kept whole"
assert_eq 2 "$(status_of messages.failed)" "status shows messages.failed: 2"
assert_match 'UID 8 .*kept as failed' "$(cat "$T/run.log")" \
    "the log names the UID of the failed template message"
assert_match 'UID 10 .*kept as failed' "$(cat "$T/run.log")" \
    "and of the bait"
assert_eq decoded "$(outcome_of field)" "the 1.5 MB answer is read"
field_receipt=$(smtp_to pat.field@example.org | tail -n 1)
[ -n "$field_receipt" ] || fail "the 1.5 MB answer gets a receipt"
assert_match 'was cut at 6000 characters' "$(smtp_body "$field_receipt")" \
    "which says the answer was cut"
assert_eq 1 "$(awk 'length($0) > m { m = length($0) }
	   END { print (NR > 0 && m < 7000) }' "$field_receipt")" \
    "and never carries the whole answer"
assert_eq 6000 "$(db "SELECT length(value) FROM participant_field f JOIN
	   participant p ON p.id = f.participant WHERE p.email =
	   'pat.field@example.org' AND f.name = 'goals'")" \
    "the goals kept are the first 6000 characters"
assert_eq decoded "$(outcome_of line)" "the 5 MB line is read (in part)"
assert_eq other "$(db "SELECT kind FROM message WHERE message_id =
	   'poison.line@example.org'")" "and is not understood"
assert_eq decoded "$(outcome_of parts)" "5000 parts are read (200 of them)"
assert_match 'more than 200 parts' "$(cause_of parts)" "with a warning"

step "a second run has nothing to do"
assert_exit 0 mentormail run
assert_eq 11 "$(db "SELECT count(*) FROM message")" "nothing is recorded twice"

step "the coordinator fixes the template and reprocesses what failed"
cp "$TOP/templates/receipt.txt" "$T/templates/receipt.txt"
before=$(smtp_count)
assert_exit 0 mentormail reprocess all
assert_match '^UID 8: decoded$' "$(cat "$STDOUT")" \
    "the template message is handled"
assert_match '^UID 10: failed again' "$(cat "$STDOUT")" \
    "the bait fails again: its rule is not fixed yet"
assert_eq application "$(db "SELECT kind FROM message WHERE message_id =
	   'poison.template@example.org'")" "it is an application now"
assert_eq 1 "$(( $(smtp_count) - before ))" "and its receipt is sent"
assert_eq 1 "$(status_of messages.failed)" "one message is still failed"

step "then the rule, and reprocesses the last one by its UID"
cp "$TOP/rules/kinds.rules" "$T/rules/kinds.rules"
assert_exit 0 mentormail reprocess 10
assert_match '^UID 10: decoded$' "$(cat "$STDOUT")" "the bait is handled"
assert_eq 0 "$(status_of messages.failed)" "nothing is failed any more"
assert_exit 0 mentormail reprocess 1
assert_match '^UID 1: decoded already, not handled again$' \
    "$(cat "$STDOUT")" "a message handled before is not handled twice"
assert_exit 65 mentormail reprocess 99
assert_stderr_mentions "no message was recorded with UID 99" \
    "an unknown UID is refused, saying so"
assert_db_ok
