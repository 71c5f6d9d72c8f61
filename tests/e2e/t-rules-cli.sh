#!/bin/bash
#
# The coordinator's tools around the rules and templates:
#  - `mentormail test-rules FILE.eml` shows what the rules make of a saved
#    message (kind, form, fields) and changes nothing;
#  - `mentormail check` reads the templates too, and names the file and
#    line of a placeholder that does not exist;
#  - `mentormail export participants` gives a spreadsheet (RFC 4180 CSV)
#    with the canonical field names as its header.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

CORPUS=$TOP/tests/corpus
# The canonical application fields, in order (tests/corpus/applications/
# README.md and rules/README.md).
FIELDS=role,name,email,phone,address,city,state,zip,library,position
FIELDS+=,library_type,supervisor_ok,supervisor_name,supervisor_email
FIELDS+=,categories,years_experience,goals,strengths,region,membership
FIELDS+=,match_preference,capacity,meeting_mode

dovecot_start
smtpd_start
make_config

# ---------------------------------------------------------------------------
step "test-rules prints what the corpus says each message holds"
# Messages the rules are known to get wrong today are listed, with why, in
# KNOWN-FAILURES; they are left to the unit tests.
known=$(sed -n 's/^\([a-z0-9-]*\.eml\).*/\1/p' \
    "$CORPUS/applications/KNOWN-FAILURES" 2>/dev/null)
for name in applications/wy01-mentee-clean \
    applications/wy06-mentee-html-table \
    applications/wy07-ambiguous-both-roles \
    applications/wv05-mentee-missing-years \
    applications/wa04-mentor-html-p \
    applications/cl03-director-mentor-html-related \
    other/ot06-meeting-report-phone other/ot12-thank-you; do
	if printf '%s\n' "$known" | grep -qx "${name#*/}.eml"; then
		note "skipped ${name#*/}: listed in KNOWN-FAILURES"
		continue
	fi
	program=$(sed -n 's/^program: //p' "$CORPUS/$name.expected")
	make_config program.forms="$program"
	assert_exit 0 mentormail test-rules "$CORPUS/$name.eml"
	assert_same_lines \
	    "$(grep -E '^(kind|field\.[a-z_]+):' "$CORPUS/$name.expected")" \
	    "$(grep -E '^(kind|field\.[a-z_]+):' "$STDOUT")" \
	    "${name#*/}: kind and fields as expected"
	if grep -q '^kind: application$' "$CORPUS/$name.expected"; then
		assert_match "^form: $program\$" "$(cat "$STDOUT")" \
		    "${name#*/}: it is read as the $program form"
	fi
	assert_match '^rule: ' "$(cat "$STDOUT")" \
	    "${name#*/}: it says which rules decided"
done

step "test-rules names what is missing and what is unclear"
make_config program.forms=wyoming
assert_exit 0 mentormail test-rules \
    "$CORPUS/applications/wy07-ambiguous-both-roles.eml"
assert_match '^missing: role$' "$(cat "$STDOUT")" "missing: role"
assert_match '^unclear: role: ' "$(cat "$STDOUT")" "unclear: role: ..."

step "test-rules: a label's word inside an answer does not start a field"
# "Library Assistant" is a position, not a "Library" label: the library is
# on the next line.
cat >"$T/position-first.eml" <<'EOF'
From: Tanner Pfeiffer <tpfeiffer@example.org>
To: Test Mentoring Program <mentoring@example.org>
Subject: Mentoring application
Date: Tue, 3 Feb 2026 17:51:46 -0700
Message-ID: <position-first.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Wyoming Library Association's Mentoring Program Application

Name: Tanner Pfeiffer
Your current position: Library Assistant
Library Name: Weston County Library
Library Type: Public
Position you are applying for: Protégé
EOF
assert_exit 0 mentormail test-rules "$T/position-first.eml"
assert_same_lines "$(printf '%s\n' 'field.library: Weston County Library' \
    'field.position: Library Assistant')" \
    "$(grep -E '^field\.(library|position):' "$STDOUT")" \
    "position: Library Assistant; library: Weston County Library"

step "test-rules --text shows the text the rules read, HTML made text"
assert_exit 0 mentormail test-rules --text \
    "$CORPUS/applications/wa04-mentor-html-p.eml"
assert_eq 1 "$(grep -c '^text: ' "$STDOUT")" "one text: line"
assert_no_match '<p\b|<br\b' "$(grep '^text: ' "$STDOUT")" "no tags in it"
assert_match '\\n' "$(grep '^text: ' "$STDOUT")" "its lines as \\n"
assert_exit 0 mentormail test-rules "$CORPUS/applications/wa04-mentor-html-p.eml"
assert_eq 0 "$(grep -c '^text: ' "$STDOUT")" "no text: line without --text"

step "test-rules changes nothing"
mail_append INBOX "$CORPUS/applications/wy01-mentee-clean.eml"
assert_exit 0 mentormail test-rules "$CORPUS/applications/wy01-mentee-clean.eml"
assert_eq no "$([ -e "$DB" ] && echo yes || echo no)" "no database is created"
assert_eq 1 "$(mail_count INBOX)" "the mailbox is not touched"
assert_eq 0 "$(smtp_count)" "nothing is sent"
assert_exit 0 mentormail run
before=$(db .dump)
assert_exit 0 mentormail test-rules \
    "$CORPUS/applications/wy15-mentee-yes-no-missing-position.eml"
assert_same_lines "$before" "$(db .dump)" \
    "an existing database is left as it was"
assert_exit 66 mentormail test-rules "$T/no-such-file.eml"

# ---------------------------------------------------------------------------
step "check: a template with an unknown placeholder is refused, file:line"
cp -R "$TOP/templates" "$T/templates"
make_config program.forms=wyoming program.templates="$T/templates"
assert_exit 0 mentormail check
line=$(grep -n 'Dear {{applicant.name}},' "$T/templates/receipt.txt" |
    head -n 1 | cut -d: -f1)
[ -n "$line" ] ||
    die "setup: receipt.txt has no line 'Dear {{applicant.name}},'"
sed -i "${line}s/{{applicant.name}}/{{aplicant.name}}/" \
    "$T/templates/receipt.txt"
assert_exit 78 mentormail check
assert_stderr_mentions \
    "templates/receipt\.txt:$line: unknown placeholder.*aplicant\.name" \
    "it says templates/receipt.txt:$line: unknown placeholder {{aplicant.name}}"

# ---------------------------------------------------------------------------
step "export participants: the canonical fields as header, a row each"
make_config program.forms=wyoming
mail_append INBOX "$CORPUS/applications/wy15-mentee-yes-no-missing-position.eml"
assert_exit 0 mentormail run
assert_eq 2 "$(status_of participants.total)" "setup: two participants"
assert_exit 0 mentormail export participants
csv=$T/participants.csv
cp "$STDOUT" "$csv"
header=$(head -n 1 "$csv" | tr -d '\r')
assert_eq "$FIELDS" "$(printf '%s' "$header" | cut -d, -f1-23)" \
    "the header starts with the canonical field names, in order"
note "columns after the fields: $(printf '%s' "$header" | cut -d, -f24-)"
# meeting_date, hours, location and command belong to meeting reports and
# commands: an application never has them, so neither does a participant.
assert_no_match '^(meeting_date|hours|location|command)$' \
    "$(printf '%s' "$header" | cut -d, -f24- | tr ',' '\n')" \
    "no column for the fields of other kinds of message"
assert_eq 0 "$(head -n 1 "$csv" | grep -vc $'\r$')" \
    "lines end in CRLF (RFC 4180)"
# Parsed as a spreadsheet would: one record per participant, each as wide
# as the header, the values intact.
records=$("$PYTHON" - "$csv" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
head = rows[0]
for r in rows[1:]:
    if len(r) != len(head):
        print("width %d, not %d" % (len(r), len(head)))
    d = dict(zip(head, r))
    print("%s|%s|%s" % (d["email"], d["position"], d["supervisor_name"]))
EOF
)
dana='dana.whitfield@ccpls.example.org|Branch Manager, Wright Branch'
dana+='|Karen Oyler'
assert_same_lines "$(printf '%s\n' "$dana" 'tpfeiffer@example.org||')" \
    "$records" \
    "one row per participant, with the values as read"
assert_match ',"Branch Manager, Wright Branch",' "$(cat "$csv")" \
    "a value with a comma is quoted"
