#!/bin/bash
#
# Fixing an application by replying to its receipt: the receipt names what
# is missing or unclear and shows a line to send back; the applicant
# answers in the receipt's thread, from the same address, with that line
# (or the form's own label).  The reply updates the participant (the change
# is kept, with the message that made it) and a second receipt says the
# application was updated.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
APPLICANT=akrueger@tomahawklibrary.example.org

dovecot_start
smtpd_start
make_config "program.forms=wyoming; wvls"

# ---------------------------------------------------------------------------
step "a mentee who left her years of experience blank"
# Allison Krueger applies as a mentee on the WVLS form, where mentees must
# give their years of administrative experience; she left it empty.
mail_append INBOX "$APPS/wv05-mentee-missing-years.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$APPLICANT" | wc -l)" "one receipt is sent to her"
first=$(smtp_to "$APPLICANT" | tail -n 1)
[ -n "$first" ] || die "no receipt was sent: nothing else can be checked"
body=$(smtp_body "$first")
missing=$(text_section 'missing' "$body")
assert_match '^ +- .*[Yy]ears of .*experience' "$missing" \
    "the receipt lists her years of experience as missing"
assert_no_match '[Mm]entors|relevant experience' "$missing" \
    "not under the question only mentors answer"
assert_match '^ +[^-].*[Yy]ears of .*experience: ' \
    "$(text_section 'for example' "$body")" "it shows a line to reply with"
assert_eq incomplete "$(db "SELECT status FROM participant
	   WHERE email = '$APPLICANT'")" "her application is incomplete"
assert_eq 1 "$(status_of participants.incomplete)" \
    "status shows participants.incomplete: 1"

# ---------------------------------------------------------------------------
step "she replies to the receipt with the line, as the form words it"
receipt_id=$(smtp_header "$first" message-id)
receipt_subject=$(smtp_header "$first" subject)
cat >"$T/reply.eml" <<EOF
From: Allison Krueger <$APPLICANT>
To: Test Mentoring Program <mentoring@example.org>
Subject: Re: $receipt_subject
Date: Sat, 14 Mar 2026 09:12:00 -0500
Message-ID: <reply-years.1@tomahawklibrary.example.org>
In-Reply-To: $receipt_id
References: <87o7h3k2x1.fsf@tomahawklibrary.example.org> $receipt_id
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Years of administrative experience: 1
EOF
mail_append INBOX "$T/reply.eml"
assert_exit 0 mentormail run
assert_eq 2 "$(smtp_to "$APPLICANT" | wc -l)" "one more mail is sent to her"
second=$(smtp_to "$APPLICANT" | tail -n 1)
assert_eq "<reply-years.1@tomahawklibrary.example.org>" \
    "$(smtp_header "$second" in-reply-to)" "in reply to her reply"
assert_same_lines "$(printf 'receipt\nreceipt')" \
    "$(db "SELECT kind FROM outbox WHERE to_addr = '$APPLICANT' ORDER BY id")" \
    "it is a second receipt (not a not-understood reply)"
assert_match '[Uu]pdate' "$(smtp_header "$second" subject)" \
    "its Subject says the application was updated"
body=$(smtp_body "$second")
assert_match '[Uu]pdate' "$body" "its text says the application was updated"
assert_match '^ +[^-].*[Yy]ears of .*experience: 1$' \
    "$(text_section 'understood' "$body")" \
    "it lists the years of experience as understood"
assert_no_match '[Yy]ears of .*experience' "$(text_section 'missing' "$body")" \
    "and no longer as missing"

step "her record is updated, and the change is kept"
reply=$(db "SELECT id FROM message
	WHERE message_id = 'reply-years.1@tomahawklibrary.example.org'")
assert_eq 1 "$(status_of participants.total)" \
    "status still shows participants.total: 1"
assert_eq 1 "$(db "SELECT value FROM participant_field f
	   JOIN participant p ON p.id = f.participant
	   WHERE p.email = '$APPLICANT' AND f.name = 'years_experience'")" \
    "her years_experience is 1"
assert_eq "Allison Krueger|Tomahawk Public Library" \
    "$(db "SELECT group_concat(value, '|') FROM (SELECT value
	   FROM participant_field f JOIN participant p ON p.id = f.participant
	   WHERE p.email = '$APPLICANT' AND f.name IN ('name', 'library')
	   ORDER BY f.name DESC)")" \
    "her name and library are as before"
assert_eq "years_experience||1" \
    "$(db "SELECT field, old_value, new_value FROM participant_change
	   WHERE message = '$reply'")" \
    "participant_change holds the change, linked to her reply"
assert_eq applied "$(db "SELECT status FROM participant
	   WHERE email = '$APPLICANT'")" "her application is now complete"
assert_eq 0 "$(status_of participants.incomplete)" \
    "status shows participants.incomplete: 0"
assert_eq 1 "$(status_of participants.applied)" \
    "status shows participants.applied: 1"
assert_eq 2 "$(status_of outbox.sent)" "status shows outbox.sent: 2"

# ---------------------------------------------------------------------------
step "a mentor who ticked both roles replies with the receipt's own line"
# Cody Lindqvist ticked both Protégé and Mentor.  His receipt shows a line
# with the choices; he sends it back with his choice.
CODY=clindqvist@example.com
mail_append INBOX "$APPS/wy07-ambiguous-both-roles.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$CODY" | wc -l)" "one receipt is sent to him"
first=$(smtp_to "$CODY" | tail -n 1)
body=$(smtp_body "$first")
assert_match '(more than one|both).*(mentee|mentor)' \
    "$(text_section 'not clear' "$body")" "it says the role is unclear"
hint=$(text_section 'for example' "$body" |
    grep -E ': (mentee or mentor|mentor or mentee)$' | sed 's/^ *//')
assert_match '^[A-Z][^:]*: ' "$hint" "it shows a line to choose the role with"
[ -n "$hint" ] || die "no line to reply with: nothing else can be checked"
answer="${hint%%:*}: mentor"
note "he replies: $answer"
receipt_id=$(smtp_header "$first" message-id)
{
	cat <<-EOF
	From: Cody Lindqvist <$CODY>
	To: Test Mentoring Program <mentoring@example.org>
	Subject: Re: $(smtp_header "$first" subject)
	Date: Thu, 5 Feb 2026 18:40:00 -0700
	Message-ID: <reply-role.1@example.com>
	In-Reply-To: $receipt_id
	References: $(smtp_header "$first" references) $receipt_id
	MIME-Version: 1.0
	Content-Type: text/plain; charset=utf-8

	$answer
	EOF
} >"$T/reply-role.eml"
mail_append INBOX "$T/reply-role.eml"
assert_exit 0 mentormail run
assert_eq 2 "$(smtp_to "$CODY" | wc -l)" "one more mail is sent to him"
second=$(smtp_to "$CODY" | tail -n 1)
assert_eq "<reply-role.1@example.com>" "$(smtp_header "$second" in-reply-to)" \
    "in reply to his reply"
assert_eq receipt "$(db "SELECT kind FROM outbox WHERE to_addr = '$CODY'
	   ORDER BY id DESC LIMIT 1")" \
    "it is a receipt"
body=$(smtp_body "$second")
assert_match '[Uu]pdate' "$body" "it says the application was updated"
assert_match '^ +[^-][^:]*: mentor$' "$(text_section 'understood' "$body")" \
    "it lists him as a mentor"
assert_eq "" "$(text_section 'not clear' "$body")" "nothing is unclear any more"
assert_eq mentor "$(db "SELECT value FROM participant_field f
	   JOIN participant p ON p.id = f.participant
	   WHERE p.email = '$CODY' AND f.name = 'role'")" "his role is mentor"
reply=$(db "SELECT id FROM message
	WHERE message_id = 'reply-role.1@example.com'")
assert_eq "role||mentor" "$(db "SELECT field, old_value, new_value
	   FROM participant_change WHERE message = '$reply'")" \
    "participant_change holds the role, linked to his reply, and nothing else"
assert_eq 2 "$(status_of participants.total)" \
    "status shows participants.total: 2"
assert_eq 1 "$(status_of participants.mentors)" \
    "status shows participants.mentors: 1"

# ---------------------------------------------------------------------------
step "a reply that quotes the receipt is read for its new lines only"
# Tanner Pfeiffer left his position and library type blank.  He answers at
# the top and, as most mail programs do, quotes the receipt below: the
# quoted summary ("Goals: ...", the example lines) is ours, not his.
TANNER=tpfeiffer@example.org
mail_append INBOX "$APPS/wy15-mentee-yes-no-missing-position.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_to "$TANNER" | wc -l)" "one receipt is sent to him"
first=$(smtp_to "$TANNER" | tail -n 1)
body=$(smtp_body "$first")
goals_before=$(db "SELECT value FROM participant_field f
	JOIN participant p ON p.id = f.participant
	WHERE p.email = '$TANNER' AND f.name = 'goals'")
receipt_id=$(smtp_header "$first" message-id)
{
	cat <<-EOF
	From: Tanner Pfeiffer <$TANNER>
	To: Test Mentoring Program <mentoring@example.org>
	Subject: Re: $(smtp_header "$first" subject)
	Date: Wed, 4 Feb 2026 08:15:00 -0700
	Message-ID: <reply-position.1@example.org>
	In-Reply-To: $receipt_id
	References: $(smtp_header "$first" references) $receipt_id
	MIME-Version: 1.0
	Content-Type: text/plain; charset=utf-8

	Sorry about that!

	Your current position: Circulation Assistant
	Library Type: Public

	Tanner

	On Tue, Feb 3, 2026, Test Mentoring Program <mentoring@example.org> wrote:
	EOF
	printf '%s\n' "$body" | sed 's/^/> /; s/ $//'
} >"$T/reply-position.eml"
mail_append INBOX "$T/reply-position.eml"
assert_exit 0 mentormail run
assert_eq 2 "$(smtp_to "$TANNER" | wc -l)" "one more mail is sent to him"
second=$(smtp_to "$TANNER" | tail -n 1)
assert_eq "<reply-position.1@example.org>" \
    "$(smtp_header "$second" in-reply-to)" "in reply to his reply"
body=$(smtp_body "$second")
assert_match '[Uu]pdate' "$body" "it says the application was updated"
assert_eq "" "$(text_section 'missing' "$body")" "nothing is missing any more"
reply=$(db "SELECT id FROM message
	WHERE message_id = 'reply-position.1@example.org'")
assert_same_lines "$(printf '%s\n' 'library_type||public' \
    'position||Circulation Assistant')" \
    "$(db "SELECT field, old_value, new_value FROM participant_change
	   WHERE message = '$reply' ORDER BY field")" \
    "participant_change holds his two answers, and nothing from the quote"
assert_eq "$goals_before" "$(db "SELECT value FROM participant_field f
	   JOIN participant p ON p.id = f.participant
	   WHERE p.email = '$TANNER' AND f.name = 'goals'")" \
    "his goals are as he wrote them"
assert_eq mentee "$(db "SELECT value FROM participant_field f
	   JOIN participant p ON p.id = f.participant
	   WHERE p.email = '$TANNER' AND f.name = 'role'")" \
    "he is still a mentee"
assert_eq applied "$(db "SELECT status FROM participant
	   WHERE email = '$TANNER'")" "his application is now complete"
assert_db_ok
