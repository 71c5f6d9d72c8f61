#!/bin/bash
#
# Matching, from the applications to the introductions, through the real
# servers:
#  - a run that records applications proposes matches and mails the
#    coordinator the list, each proposal with why;
#  - `mentormail match` shows the same proposals, under the same numbers;
#  - `mentormail match approve ID` introduces the pair at once: one mail to
#    the mentee and one to the mentor, with the program's attachments;
#  - a match is approved once, and introduced once;
#  - `mentormail export matches` lists it;
#  - pin and exclude name participants by address, and say so when there
#    is nobody at that address; they say what the next round will do, and
#    what keeps them from acting (the mentee matched already);
#  - status counts the matches by where they stand;
#  - runs with nothing new send the coordinator nothing new, and do not
#    make the round of proposals again; a coordinator's decision does.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
COORDINATOR=coordinator@example.org

dovecot_start
smtpd_start
make_config program.forms=wyoming

# mails_of KIND: how many mails of KIND the outbox has sent.
mails_of() {
	db "SELECT count(*) FROM outbox WHERE kind = '$1' AND status = 'sent'"
}

# address LABEL: the address in "Name <address>".
address() {
	printf '%s\n' "$1" | sed 's/.*<\([^<>]*\)>$/\1/'
}

# ---------------------------------------------------------------------------
step "the Wyoming applications arrive: receipts, then one mail of proposals"
# The Wyoming applications: mentees and mentors, some incomplete.
mail_append INBOX "$APPS"/wy*.eml
assert_exit 0 mentormail run
applicants=$(db "SELECT count(*) FROM participant")
assert_eq "$(ls "$APPS"/wy*.eml | wc -l)" "$applicants" \
    "every Wyoming applicant is recorded"
assert_eq "$applicants" "$(mails_of receipt)" "each is sent a receipt"
assert_eq 1 "$(smtp_to "$COORDINATOR" | wc -l)" \
    "the coordinator is sent one mail"
proposals=$(smtp_to "$COORDINATOR" | tail -n 1)
[ -n "$proposals" ] ||
    die "no mail to the coordinator: nothing else can be checked"
assert_eq proposals "$(db "SELECT kind FROM outbox
	   WHERE to_addr = '$COORDINATOR'")" "it is the proposals mail"
assert_match 'proposed matches to review$' \
    "$(smtp_header "$proposals" subject)" "its subject says what it is"
assert_eq auto-generated "$(smtp_header "$proposals" auto-submitted)" \
    "Auto-Submitted: auto-generated"
body=$(smtp_body "$proposals")
listed=$(printf '%s\n' "$body" | sed -n 's/^Match \([0-9]*\) (new): .*/\1/p')
assert_same_lines "$(db "SELECT id FROM match WHERE status = 'proposed'
	   ORDER BY id")" "$listed" "it lists every proposal, by number"
[ -n "$listed" ] || die "no proposal listed: nothing else can be checked"
assert_eq "$(printf '%s\n' "$listed" | wc -l)" \
    "$(printf '%s\n' "$body" | grep -c '^  why: [a-z]')" \
    "each proposal has a why: line"
PROPOSAL='^Match [0-9]+ \(new\): .+ <[^>]+> with .+ <[^>]+>, score [0-9]+$'
assert_match "$PROPOSAL" "$body" \
    "a proposal names the mentee, the mentor and the score"
assert_match 'mentormail match approve' "$body" "it says how to approve"
assert_eq 0 "$(db "SELECT count(*) FROM outbox WHERE kind = 'introduction'")" \
    "nobody is introduced before the coordinator approves"

# ---------------------------------------------------------------------------
step "mentormail match shows the same proposals"
assert_exit 0 mentormail match
assert_same_lines "$listed" \
    "$(sed -n 's/^match \([0-9]*\): .*/\1/p' "$STDOUT")" \
    "the same numbers as in the mail"
assert_eq "$(printf '%s\n' "$listed" | wc -l)" \
    "$(grep -c '^  why: ' "$STDOUT")" "each with why"
assert_no_match '\(new\)' "$(cat "$STDOUT")" "none is new any more"

# ---------------------------------------------------------------------------
id=$(printf '%s\n' "$listed" | head -n 1)
pair=$(printf '%s\n' "$body" |
    sed -n "s/^Match $id (new): \(.*\), score [0-9]*$/\1/p")
mentee=$(address "${pair%% with *}")
mentor=$(address "${pair#* with }")
step "approving match $id introduces $mentee and $mentor at once"
sent=$(smtp_count)
assert_exit 0 mentormail match approve "$id"
assert_eq "match $id approved: introductions queued" "$(cat "$STDOUT")" \
    "the command says what it did"
assert_eq $((sent + 2)) "$(smtp_count)" \
    "two mails reach the SMTP server before the command ends"
assert_eq 2 "$(mails_of introduction)" "both are introductions, sent"
to_mentee=$(smtp_to "$mentee" | tail -n 1)
to_mentor=$(smtp_to "$mentor" | tail -n 1)
if [ -z "$to_mentee" ] || [ -z "$to_mentor" ]; then
	die "no introduction to $mentee or to $mentor"
fi
for mail in "$to_mentee" "$to_mentor"; do
	to=$(smtp_header "$mail" x-envelope-to)
	assert_eq auto-generated "$(smtp_header "$mail" auto-submitted)" \
	    "$to: Auto-Submitted: auto-generated"
	assert_match '^attachment; filename="?discussion-topics\.txt"?$' \
	    "$(tr -d '\r' <"$mail" | sed -n 's/^Content-Disposition: //p')" \
	    "$to: discussion-topics.txt is attached"
	assert_match '^attachment; filename="?partnership-agreement\.txt"?$' \
	    "$(tr -d '\r' <"$mail" | sed -n 's/^Content-Disposition: //p')" \
	    "$to: partnership-agreement.txt is attached"
done
assert_match "<$mentee>\$" "$(smtp_header "$to_mentee" to)" \
    "one is addressed to the mentee"
assert_match "<$mentor>\$" "$(smtp_header "$to_mentor" to)" \
    "one to the mentor"
assert_match 'meet your mentor' "$(smtp_header "$to_mentee" subject)" \
    "the mentee meets a mentor"
assert_match 'meet your mentee' "$(smtp_header "$to_mentor" subject)" \
    "the mentor meets a mentee"
assert_match "$mentor" "$(smtp_body "$to_mentee")" \
    "the mentee is told how to reach the mentor"
assert_match "$mentee" "$(smtp_body "$to_mentor")" \
    "and the mentor how to reach the mentee"
ids="$(smtp_header "$to_mentee" message-id)"
ids+="|$(smtp_header "$to_mentor" message-id)"
assert_eq "$ids" "$(db "SELECT '<' || intro_mentee || '>|<' ||
	   intro_mentor || '>' FROM match WHERE id = $id")" \
    "the match keeps the Message-IDs of both introductions"

# ---------------------------------------------------------------------------
step "a match is approved, and introduced, once"
sent=$(smtp_count)
assert_exit 65 mentormail match approve "$id"
assert_stderr_mentions "match $id is approved already" \
    "the second approval says the match is approved already"
assert_exit 0 mentormail run
assert_eq "$sent" "$(smtp_count)" "the next run sends nothing"
assert_eq 2 "$(db "SELECT count(*) FROM outbox WHERE kind = 'introduction'")" \
    "still two introductions"
assert_eq approved "$(db "SELECT status FROM match WHERE id = $id")" \
    "the match stays approved"

# ---------------------------------------------------------------------------
step "export matches lists the approved match"
assert_exit 0 mentormail export matches
HEADER=id,status,score,mentee_name,mentee_email,mentor_name,mentor_email
HEADER+=,why,runner_up,created_at,decided_at,end_reason
assert_eq "$HEADER" "$(head -n 1 "$STDOUT" | tr -d '\r')" "the CSV header"
assert_match "^$id,approved,[0-9]+,[^,]+,$mentee,[^,]+,$mentor," \
    "$(tr -d '\r' <"$STDOUT")" "a row for match $id, approved"

# ---------------------------------------------------------------------------
step "pin and exclude need the address of a participant"
assert_exit 65 mentormail match pin nobody@example.org "$mentor"
assert_stderr_mentions 'no mentee has the address nobody@example.org' \
    "pin: no mentee has that address"
assert_exit 65 mentormail match exclude "$mentee" nobody@example.org
assert_stderr_mentions 'no mentor has the address nobody@example.org' \
    "exclude: no mentor has that address"
assert_exit 64 mentormail match pin "$mentee"
assert_stderr_mentions '^usage: ' "pin with one address: the usage"
assert_eq 0 "$(db "SELECT count(*) FROM match_rule")" "no rule is recorded"

step "pin says what it changes"
assert_exit 0 mentormail match pin "$mentee" "$mentor"
assert_match "^they are matched already \\(match $id\\)\$" "$(cat "$STDOUT")" \
    "pinning a matched pair says they are matched already"
other=$(db "SELECT p.email FROM participant p JOIN participant_field f
	    ON f.participant = p.id AND f.name = 'role' AND f.value = 'mentee'
	    WHERE p.status = 'applied' AND p.id NOT IN (SELECT mentee FROM match
	    WHERE status = 'approved') ORDER BY p.id LIMIT 1")
[ -n "$other" ] || die "setup: no mentee left unmatched"
before=$(db "SELECT count(*) FROM match")
assert_exit 0 mentormail match pin "$other" "$mentor"
assert_match "has no room left .*: the pin waits until they have room\$" \
    "$(cat "$STDOUT")" "pinning to a full mentor says so"
assert_match "^the next round proposes " "$(cat "$STDOUT")" \
    "and what the next round does for the mentee"
assert_eq "$before" "$(db "SELECT count(*) FROM match")" \
    "saying so proposes nothing yet"
assert_eq 1 "$(status_of matches.approved)" "status: matches.approved 1"
assert_eq 1 "$(status_of matches.active)" "status: matches.active 1"
assert_eq 0 "$(status_of matches.rejected)" "status: matches.rejected 0"
assert_eq 0 "$(db "SELECT count(*) FROM match WHERE status = 'proposed'
	   AND decided_at IS NOT NULL")" "no proposal has a decided_at"

# ---------------------------------------------------------------------------
step "a run with no new applicants sends the coordinator nothing new"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$COORDINATOR" | wc -l)" \
    "still one mail to the coordinator"
assert_eq 1 "$(mails_of proposals)" "one proposals mail in all"

# ---------------------------------------------------------------------------
step "a run with nothing new does not make the round of proposals again"
# The rounds' own record, and the proposals as the last round left them.
round() {
	db "SELECT round_generation || ' ' || round_at FROM match_pool"
}
proposed() {
	db "SELECT id || ' ' || proposed_at FROM match WHERE status = 'proposed'
	    ORDER BY id"
}
last_round=$(round)
last_proposals=$(proposed)
[ -n "$last_proposals" ] || die "no pending proposal left to look at"
assert_exit 0 mentormail run -v --now "$(time_in '1 hour')"
assert_stderr_mentions 'the pool has not changed since the last round' \
    "the log says the round's proposals stand"
assert_eq "$last_round" "$(round)" "no round is recorded"
assert_same_lines "$last_proposals" "$(proposed)" \
    "no proposal is made again"

step "an exclusion makes the next run propose again"
first=$(db "SELECT a.email || ' ' || b.email FROM match m
	   JOIN participant a ON a.id = m.mentee
	   JOIN participant b ON b.id = m.mentor
	   WHERE m.status = 'proposed' ORDER BY m.id LIMIT 1")
assert_exit 0 mentormail match exclude ${first% *} ${first#* }
assert_exit 0 mentormail run -v --now "$(time_in '2 hours')"
assert_no_match 'the pool has not changed' "$(cat "$STDERR")" \
    "the round is made"
assert_match "^[0-9]+ $(time_in '2 hours' | cut -c1-13)" "$(round)" \
    "and recorded at the time of that run"
assert_eq 0 "$(db "SELECT count(*) FROM match m
	   JOIN participant a ON a.id = m.mentee
	   JOIN participant b ON b.id = m.mentor
	   WHERE m.status = 'proposed' AND a.email || ' ' || b.email =
	   '$first'")" "the excluded pair is no longer proposed"
assert_db_ok
