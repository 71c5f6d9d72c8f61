#!/bin/bash
#
# Receipts: an application that arrives by IMAP is answered by SMTP with
# exactly one receipt, from the program address, in the applicant's thread,
# marked as an automatic reply, saying what was understood and what is
# missing or unclear.  An application the [eligibility] rules turn down gets
# the `ineligible` reply with the reasons instead.  What the applicant
# wrote in their headers never becomes a header of ours.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications

dovecot_start
smtpd_start
REASON="mentors need at least two years of relevant experience"
make_config "program.forms=wyoming; wvls" \
    "eligibility.mentor.experience=years_experience >= 2 because $REASON"

# mails_to ADDRESS: how many mails ADDRESS has been sent.
mails_to() {
	smtp_to "$1" | wc -l
}

# last_to ADDRESS: the file of the last mail sent to ADDRESS.
last_to() {
	smtp_to "$1" | tail -n 1
}

# ---------------------------------------------------------------------------
step "an incomplete application gets exactly one receipt"
# Tanner Pfeiffer left his current position and his library type blank.
app=$APPS/wy15-mentee-yes-no-missing-position.eml
mail_append INBOX "$app"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "one mail is sent"
assert_eq 1 "$(mails_to tpfeiffer@example.org)" "to the applicant"
receipt=$(last_to tpfeiffer@example.org)
[ -n "$receipt" ] || die "no receipt was sent: nothing else can be checked"

assert_same_lines "<mentoring@example.org>" \
    "$(smtp_header "$receipt" x-envelope-from)" \
    "the envelope is from the program address"
assert_same_lines "<tpfeiffer@example.org>" \
    "$(smtp_header "$receipt" x-envelope-to)" \
    "the envelope goes to the applicant, and to no one else"
assert_match '<mentoring@example.org>$' "$(smtp_header "$receipt" from)" \
    "From: is the program address"
assert_same_lines "Tanner Pfeiffer <tpfeiffer@example.org>" \
    "$(smtp_header "$receipt" to)" "To: is the applicant"
assert_eq "<51f0a7e2c3d94b81@example.org>" \
    "$(smtp_header "$receipt" in-reply-to)" \
    "In-Reply-To: is the application's Message-ID"
assert_match '<51f0a7e2c3d94b81@example.org>' \
    "$(smtp_header "$receipt" references)" \
    "References: carries the application's Message-ID"
assert_eq auto-replied "$(smtp_header "$receipt" auto-submitted)" \
    "Auto-Submitted: auto-replied (RFC 3834), so that robots do not answer"
assert_match '^<[^<>@ ]+@example\.org>$' \
    "$(smtp_header "$receipt" message-id)" \
    "it has a Message-ID of its own, in the program's domain"
assert_match 'Test Mentoring Program' "$(smtp_header "$receipt" subject)" \
    "the Subject names the program"

body=$(smtp_body "$receipt")
assert_match 'Tanner Pfeiffer' "$body" "the body greets the applicant by name"
understood=$(text_section 'understood' "$body")
missing=$(text_section 'missing' "$body")
assert_match '^ +Name: Tanner Pfeiffer$' "$understood" \
    "it lists the name it understood"
assert_match '^ +Library[^:]*: Weston County Library$' "$understood" \
    "and the library"
assert_match '^ +- .*[Pp]osition' "$missing" \
    "it lists the current position as missing"
assert_match '^ +- [Ll]ibrary [Tt]ype' "$missing" \
    "and the library type"
assert_match 'reply to this message' "$body" \
    "it says how to fix it: reply to this message"
assert_match '^ +[Ll]ibrary [Tt]ype: ' "$(text_section 'for example' "$body")" \
    "with a line to copy for the library type"

assert_eq 1 "$(status_of outbox.sent)" "status shows outbox.sent: 1"
assert_eq 0 "$(status_of outbox.queued)" "status shows outbox.queued: 0"
assert_eq 1 "$(status_of participants.total)" \
    "status shows participants.total: 1"
assert_eq 1 "$(status_of participants.incomplete)" \
    "status shows participants.incomplete: 1"
assert_eq 1 "$(status_of participants.mentees)" \
    "status shows participants.mentees: 1"
assert_eq 1 "$(mail_count Processed)" "the application is filed in Processed"

step "a second run sends nothing more"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "still one mail sent"
assert_eq 1 "$(status_of outbox.sent)" "status still shows outbox.sent: 1"
assert_eq 1 "$(status_of participants.total)" \
    "status still shows participants.total: 1"

# ---------------------------------------------------------------------------
step "a complete application: the receipt says nothing is missing"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(mails_to dana.whitfield@ccpls.example.org)" \
    "one receipt is sent to Dana Whitfield"
receipt=$(last_to dana.whitfield@ccpls.example.org)
body=$(smtp_body "$receipt")
assert_match '^ +Library[^:]*: Campbell County Public Library System$' \
    "$(text_section 'understood' "$body")" "it lists her library"
assert_no_match 'missing' "$body" "it lists nothing as missing"
assert_match 'complete' "$body" "it says the application is complete"
assert_eq 1 "$(status_of participants.applied)" \
    "status shows participants.applied: 1"

# ---------------------------------------------------------------------------
step "both roles ticked: the receipt says the role is unclear"
# Cody Lindqvist ticked both Protégé and Mentor.
mail_append INBOX "$APPS/wy07-ambiguous-both-roles.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(mails_to clindqvist@example.com)" \
    "one receipt is sent to Cody Lindqvist"
receipt=$(last_to clindqvist@example.com)
body=$(smtp_body "$receipt")
assert_match '^ +Name: Cody Lindqvist$' "$(text_section 'understood' "$body")" \
    "the receipt lists what it understood"
assert_no_match ': (mentee|mentor)$' \
    "$(text_section 'understood' "$body")" "no role is listed as understood"
assert_match '^ +- .*(more than one|both).*(mentee|mentor)' \
    "$(text_section 'not clear' "$body")" "the role is listed as unclear"
assert_match '^ +- .*([Rr]ole|[Aa]pplying)' \
    "$(text_section 'missing' "$body")" "and as missing"
assert_match '^ +[A-Z][^:]*: (mentee or mentor|mentor or mentee)$' \
    "$(text_section 'for example' "$body")" \
    "with a line to copy that names the two choices"
assert_eq "" "$(db "SELECT value FROM participant_field f
	   JOIN participant p ON p.id = f.participant
	   WHERE p.email = 'clindqvist@example.com' AND f.name = 'role'")" \
    "no role is recorded for him"

# ---------------------------------------------------------------------------
step "ineligible: a WVLS mentor with one year of experience gets the reasons"
# The configuration says: mentors need at least two years of experience.
cat >"$T/ineligible.eml" <<'EOF'
From: Jordan Reyes <jreyes@rhinelanderlibrary.example.org>
To: Test Mentoring Program <mentoring@example.org>
Subject: Mentor application
Date: Wed, 4 Feb 2026 10:02:00 -0600
Message-ID: <mentor-one-year.1@rhinelanderlibrary.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

WVLS Mentoring Program Application
Applying as:  (x) Mentor   ( ) Mentee
Name: Jordan Reyes
Library: Rhinelander District Library
Position: Adult Services Librarian
Email: jreyes@rhinelanderlibrary.example.org
Mentors - Years of relevant experience: 1
Mentors - What expertise would you like to share?
Adult programming on a small budget.
EOF
mail_append INBOX "$T/ineligible.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(mails_to jreyes@rhinelanderlibrary.example.org)" \
    "one mail is sent to Jordan Reyes"
reply=$(last_to jreyes@rhinelanderlibrary.example.org)
assert_eq "<mentor-one-year.1@rhinelanderlibrary.example.org>" \
    "$(smtp_header "$reply" in-reply-to)" "in reply to his application"
assert_eq ineligible "$(db "SELECT kind FROM outbox
	   WHERE to_addr = 'jreyes@rhinelanderlibrary.example.org'")" \
    "it is the ineligible reply"
body=$(smtp_body "$reply")
assert_match 'cannot accept' "$body" \
    "it says the application cannot be accepted"
assert_match "$REASON" "$body" "it gives the configured reason"
assert_no_match 'This is what we understood' "$body" "it is not a receipt"
assert_eq 1 "$(status_of participants.ineligible)" \
    "status shows participants.ineligible: 1"
assert_eq 4 "$(status_of participants.total)" \
    "status shows participants.total: 4"

# ---------------------------------------------------------------------------
step "CR/LF in the applicant's encoded name and subject forge no header"
# Encoded words may hide CR LF; decoded naively they would start new header
# lines (a Bcc: to a stranger).  The application makes a receipt (To: from
# the name), the question a not-understood reply (Subject: from theirs).
cat >"$T/evil-application.eml" <<'EOF'
From: =?utf-8?q?Evil=0D=0ABcc=3A_x=40example=2Eorg?= <evil@example.org>
To: Test Mentoring Program <mentoring@example.org>
Subject: =?utf-8?q?Application=0D=0ABcc=3A_y=40example=2Eorg?=
Date: Thu, 5 Feb 2026 08:00:00 -0700
Message-ID: <evil-application.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Wyoming Library Association's Mentoring Program Application

Name: Eve Ilson
Email Address: evil@example.org
Library Name: Fremont County Library System
Your current position: Clerk
Library Type: Public

Position you are applying for:
[x] Protégé
[ ] Mentor
EOF
cat >"$T/evil-question.eml" <<'EOF'
From: =?utf-8?q?Mallory=0D=0ABcc=3A_x=40example=2Eorg?= <mallory@example.net>
To: Test Mentoring Program <mentoring@example.org>
Subject: =?utf-8?q?When=3F=0D=0ABcc=3A_y=40example=2Eorg=0D=0A=0D=0Abody?=
Date: Thu, 5 Feb 2026 08:05:00 -0700
Message-ID: <evil-question.1@example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

When will the program start?
EOF
mail_append INBOX "$T/evil-application.eml" "$T/evil-question.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(mails_to evil@example.org)" "one receipt to evil@example.org"
assert_eq 1 "$(mails_to mallory@example.net)" "one reply to mallory@example.net"
for reply in "$(last_to evil@example.org)" "$(last_to mallory@example.net)"; do
	[ -n "$reply" ] || continue
	to=$(smtp_header "$reply" x-envelope-to)
	assert_eq 1 "$(smtp_header "$reply" to | wc -l)" \
	    "$to: exactly one To: header"
	assert_match '<(evil@example\.org|mallory@example\.net)>$' \
	    "$(smtp_header "$reply" to)" "$to: To: is the sender's address"
	assert_eq "" "$(smtp_header "$reply" bcc)" "$to: no Bcc: header"
	assert_eq "" "$(smtp_header "$reply" cc)" "$to: no Cc: header"
	assert_eq 1 "$(smtp_header "$reply" subject | wc -l)" \
	    "$to: exactly one Subject: header"
	assert_eq 1 "$(smtp_header "$reply" x-envelope-to | wc -l)" \
	    "$to: one envelope recipient"
	assert_no_match '^(Bcc|body)' "$(tr -d '\r' <"$reply")" \
	    "$to: no line of the message starts with Bcc or body"
done
assert_eq "" "$(smtp_to x@example.org; smtp_to y@example.org)" \
    "nothing is sent to x@ or y@example.org"
assert_db_ok

# ---------------------------------------------------------------------------
step "an application through a web form: the receipt goes to the Reply-To"
# wyoming_app FILE FROM-LINE EMAIL [HEADER...]: a complete Wyoming
# application whose form gives EMAIL (empty: no e-mail line).
wyoming_app() {
	local file=$1 from=$2 email=$3
	shift 3
	{
		printf '%s\n' "$from" "$@"
		cat <<-EOF
		To: Test Mentoring Program <mentoring@example.org>
		Subject: New submission: Mentoring application
		Date: Fri, 6 Feb 2026 09:00:00 -0700
		Message-ID: <form.$RANDOM.$RANDOM@forms.example>
		MIME-Version: 1.0
		Content-Type: text/plain; charset=utf-8

		Wyoming Library Association's Mentoring Program Application

		Name: Robin Ames
		EOF
		[ -z "$email" ] || printf 'Email Address: %s\n' "$email"
		cat <<-EOF
		Library Name: Ten Sleep Branch Library
		Your current position: Branch Manager
		Library Type: Public

		Position you are applying for:
		[x] Protégé
		[ ] Mentor
		EOF
	} >"$file"
}
wyoming_app "$T/form.eml" "From: Web Forms <noreply@forms.example>" \
    robin.work@tensleep.example "Reply-To: Robin Ames <robin@example.net>"
mail_append INBOX "$T/form.eml"
assert_exit 0 mentormail run
assert_eq 1 "$(mails_to robin@example.net)" "one receipt to the Reply-To"
assert_eq 0 "$(mails_to noreply@forms.example)" "none to the no-reply From"
assert_same_lines "Robin Ames <robin@example.net>" \
    "$(smtp_header "$(last_to robin@example.net)" to)" \
    "To: is the applicant, by name"
assert_eq "robin.work@tensleep.example" \
    "$(db "SELECT email FROM participant WHERE email LIKE 'robin%'")" \
    "the participant's address is the one the form gave"

# ---------------------------------------------------------------------------
step "a NUL in an address makes it unclear, never shorter"
printf 'From: Robin <robin2@example.net\0.evil.example>\n' >"$T/nul-from.hdr"
printf 'From: Web Forms <noreply@forms.example>\nReply-To: robin3@example.net\0.evil.example\n' \
    >"$T/nul-reply.hdr"
for which in from reply; do
	wyoming_app "$T/nul-$which.body" "X-Case: $which" ""
	cat "$T/nul-$which.hdr" "$T/nul-$which.body" >"$T/nul-$which.eml"
	rm "$T/nul-$which.body"
done
wyoming_app "$T/nul-form.eml" "From: Robin <robin4@example.net>" \
    "robin4@evil.example<NUL>@example.net"
perl -pi -e 's/<NUL>/\0/' "$T/nul-form.eml"
before=$(smtp_count)
mail_append INBOX "$T/nul-from.eml" "$T/nul-reply.eml" "$T/nul-form.eml"
assert_exit 0 mentormail run
assert_eq "" "$(db "SELECT email FROM participant
	   WHERE email IN ('robin2@example.net', 'robin3@example.net',
	   'robin4@evil.example')")" \
    "no participant gets the part before the NUL as an address"
assert_eq "robin4@example.net" "$(db "SELECT email FROM participant
	   WHERE email LIKE 'robin4@%'")" \
    "the one whose form held it is known by the From, as without an answer"
assert_eq "" "$(db "SELECT value FROM participant_field
	   WHERE name = 'email' AND value LIKE 'robin4@evil%'")" \
    "and no field holds what was before the NUL"
assert_eq "$((before + 1))" "$(smtp_count)" "one mail is sent in all"
assert_eq 1 "$(mails_to robin4@example.net)" \
    "it is the receipt to the From of the one whose form held the NUL"
assert_match "email: the answer holds a character that (is not text|could not be read)" \
    "$(smtp_body "$(last_to robin4@example.net)")" \
    "it says the e-mail answer is unclear"
# Dovecot hands a NUL on as the byte 0x80: in an address no address can be
# read then, and in the form's text it is a byte UTF-8 does not allow.
assert_eq 2 "$(db "SELECT count(*) FROM message
	   WHERE cause LIKE '%holds a NUL or control character%'
	   OR cause LIKE '%no address can be read%'")" \
    "the two whose headers held one are kept, with why"
assert_db_ok
