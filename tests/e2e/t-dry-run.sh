#!/bin/bash
#
# A dry run shows what a run would do without doing it: it reads the new
# mail, works on an in-memory copy of the database, and writes the mail it
# would send as .eml files into a directory (default ./dry-run) instead of
# sending them.  The database, the mailbox and the SMTP server see nothing.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications

dovecot_start
smtpd_start
make_config program.forms=wyoming

# The state a dry run must leave alone.
snapshot() {
	mentormail status || echo "status failed"
	cat "$STDOUT"
	db .dump
	# \Recent only says which session saw a message first.
	mail_flags INBOX | sed 's/ *\\Recent//; s/ *$//'
	mail_uids Processed
}

step "setup: one application already answered, two new ones waiting"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "setup: the first receipt is sent"
mail_append INBOX "$APPS/wy15-mentee-yes-no-missing-position.eml" \
    "$APPS/wy07-ambiguous-both-roles.eml"
before=$(snapshot)

# ---------------------------------------------------------------------------
step "run --dry-run=DIR writes the two receipts into DIR, and sends nothing"
# With the SMTP server stopped, so that it could not send if it tried.
smtpd_stop
assert_exit 0 mentormail run --dry-run="$T/preview"
assert_same_lines \
    "$(printf '%s\n' '<clindqvist@example.com>' '<tpfeiffer@example.org>')" \
    "$(for f in "$T"/preview/*.eml; do
	   smtp_header "$f" to | sed 's/.*\(<[^>]*>\)$/\1/'
       done | LC_ALL=C sort)" \
    "DIR holds one mail for each new applicant, and nothing else"
assert_eq 2 "$(find "$T/preview" -name '*receipt*.eml' | wc -l)" \
    "both are receipts, as their file names say"
for f in "$T"/preview/*.eml; do
	assert_eq auto-replied "$(smtp_header "$f" auto-submitted)" \
	    "${f##*/}: a complete mail, headers and all"
done
assert_match 'Tanner Pfeiffer' "$(smtp_body "$T"/preview/*tpfeiffer*.eml)" \
    "the receipt for Tanner Pfeiffer greets him"
assert_eq 700 "$(stat -c %a "$T/preview")" "DIR is made mode 700"
assert_eq 600 "$(stat -c %a "$T"/preview/*.eml | sort -u)" \
    "the mails in it, with applicants' phone numbers, are mode 600"
assert_same_lines "$before" "$(snapshot)" \
    "the database, INBOX and Processed are exactly as before"
assert_eq 2 "$(mail_count INBOX)" "the two applications are still in INBOX"
assert_eq 0 "$(mail_flags INBOX | grep -c '\\Seen')" "and still unread"

step "without DIR, it writes into ./dry-run, even one open to others"
mkdir -m 755 "$T/dry-run"
(umask 022 && cd "$T" && mentormail run --dry-run)
assert_eq 0 $? "exit 0 from: mentormail run --dry-run (in $T)"
assert_eq 2 "$(find "$T/dry-run" -name '*.eml' | wc -l)" \
    "./dry-run holds the two mails"
assert_eq 600 "$(stat -c %a "$T"/dry-run/*.eml | sort -u)" \
    "they are mode 600 whatever the umask"
assert_stderr_mentions "dry-run is open to other users" \
    "a warning says others can list the directory"
assert_same_lines "$before" "$(snapshot)" "again nothing changed"

step "--now as the README writes it, and as people do"
for now in "2026-09-01 08:00" 2026-09-01 2026-09-01T08:00:00Z \
    2026-09-01T08:00+02:00 2026-09-01T08:00; do
	assert_exit 0 mentormail run --dry-run="$T/now" --now "$now"
done
assert_match 'Date: Tue, 01 Sep 2026 08:00:00 -0600' \
    "$(smtp_header "$(ls "$T"/now/*.eml | head -n 1)" date | sed 's/^/Date: /')" \
    "a time without a zone is the program's (Denver, MDT)"
assert_exit 64 mentormail run --dry-run="$T/now" --now 2026-09-01T8
assert_stderr_mentions '--now: "2026-09-01T8" is not a time: write 2026-09-01' \
    "nonsense is refused, with the forms that work"
assert_same_lines "$before" "$(snapshot)" "and still nothing changed"

# ---------------------------------------------------------------------------
step "the real run then sends what the dry run showed"
smtpd_start
assert_exit 0 mentormail run
for to in tpfeiffer@example.org clindqvist@example.com; do
	assert_eq 1 "$(smtp_to "$to" | wc -l)" "$to: one receipt is sent"
	preview=$(find "$T/preview" -name "*$to.eml")
	assert_same_lines "$(smtp_body "$preview")" \
	    "$(smtp_body "$(smtp_to "$to" | tail -n 1)")" \
	    "$to: the text sent is the text previewed"
done
assert_eq 0 "$(mail_count INBOX)" "INBOX is now empty"
assert_eq 3 "$(status_of outbox.sent)" "status shows outbox.sent: 3"
assert_db_ok
