#!/bin/bash
#
# "How do I apply?" and "please send me the form" are answered with the
# program's blank form (templates/form-NAME.txt, NAME the form in use)
# and how to send it back:
#  - each of the four programs sends its own form, which its rules read
#    back once it is filled in;
#  - a reply with the answers typed into the quoted form is an
#    application: the applicant is recorded and gets a receipt;
#  - a reply that fills in nothing ("thank you") is no application, and
#    does not bring the form again;
#  - `check` refuses a program whose blank form is missing.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

PAT=pat.doe@example.org

dovecot_start
smtpd_start

# ask PROGRAM ID SUBJECT BODY: Pat asks PROGRAM's address for the form.
ask() {
	printf '%s\n' "From: Pat Doe <$PAT>" \
	    "To: Mentoring <mentoring@example.org>" "Subject: $3" \
	    "Date: Mon, 7 Sep 2026 09:00:00 -0600" \
	    "Message-ID: <$2@example.org>" "" "$4" "" "Thanks," "Pat" \
	    >"$T/$2.eml"
	mail_append INBOX "$T/$2.eml"
}

# The title line each program's blank form starts with.
declare -A TITLE=(
	[wyoming]="Wyoming Library Association's Mentoring Program Application"
	[wvls]="WVLS Mentoring Program Application"
	[cla]="CLA Mentoring Program - Application"
	[washington]="WLA Mentorship Program Application"
)

# ---------------------------------------------------------------------------
step "each program sends its own blank form"
n=0
for program in wyoming wvls cla washington; do
	n=$((n + 1))
	make_config program.forms="$program" program.replies_per_day=50
	ask "$program" "ask.$program" "Mentoring program" \
	    "Hello, how do I apply to the mentoring program?"
	assert_exit 0 mentormail run
	assert_eq form_request "$(db "SELECT kind FROM message
		   WHERE message_id = 'ask.$program@example.org'")" \
	    "$program: the question is a request for the form"
	mail=$(smtp_to "$PAT" | tail -n 1)
	assert_eq "$n" "$(smtp_to "$PAT" | wc -l)" "$program: one answer"
	body=$(smtp_body "$mail")
	assert_match "^${TITLE[$program]}\$" "$body" \
	    "$program: the answer holds the program's form"
	assert_eq "$(cat "$TOP/templates/form-$program.txt")" \
	    "$(printf '%s\n' "$body" | sed -n "/^${TITLE[$program]}\$/,/^If you have a question/p" |
	    sed '$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')" \
	    "$program: the whole form, as the file has it"
	assert_match 'reply to this message with the form filled in' "$body" \
	    "$program: and says how to send it back"
	assert_eq "Re: Mentoring program" "$(smtp_header "$mail" subject)" \
	    "$program: in the question's thread"
done

# ---------------------------------------------------------------------------
step "the form filled in, typed into the quoted lines, is an application"
fresh_server
make_config program.forms=wyoming
ask wyoming ask.again "please send me the form" \
    "Could you please send me the application form?"
assert_exit 0 mentormail run
form_mail=$(smtp_to "$PAT" | tail -n 1)
[ -n "$form_mail" ] || die "setup: no form sent"
{
	printf '%s\n' "From: Pat Doe <$PAT>" \
	    "To: Mentoring <mentoring@example.org>" \
	    "Subject: Re: $(smtp_header "$form_mail" subject)" \
	    "Date: Tue, 8 Sep 2026 10:00:00 -0600" \
	    "Message-ID: <filled.1@example.org>" \
	    "In-Reply-To: $(smtp_header "$form_mail" message-id)" \
	    "References: $(smtp_header "$form_mail" references) $(smtp_header "$form_mail" message-id)" \
	    "" "Here it is." "" "On Mon, Mentoring wrote:"
	smtp_body "$form_mail" | sed \
	    -e 's/^Name:$/Name: Pat Doe/' \
	    -e 's/^Email Address:$/Email Address: pat.doe@example.org/' \
	    -e 's/^Library Name:$/Library Name: Park County Library/' \
	    -e 's/^Your current position:$/Your current position: Branch Manager/' \
	    -e 's/^Library Type:$/Library Type: Public/' \
	    -e 's/^\(Position you are applying for (Protégé or Mentor):\)$/\1 Mentor/' \
	    -e 's/^  \[ \] Library Director$/  [X] Library Director/' \
	    -e 's/^/> /'
} >"$T/filled.eml"
mail_append INBOX "$T/filled.eml"
assert_exit 0 mentormail run
assert_eq application "$(db "SELECT kind FROM message
	   WHERE message_id = 'filled.1@example.org'")" \
    "the reply is an application"
assert_eq "applied|mentor|Park County Library" "$(db "SELECT p.status,
	   (SELECT value FROM participant_field WHERE participant = p.id
	    AND name = 'role'), (SELECT value FROM participant_field
	    WHERE participant = p.id AND name = 'library')
	   FROM participant p WHERE email = '$PAT'")" \
    "Pat is recorded: complete, a mentor, at Park County Library"
assert_eq director "$(db "SELECT value FROM participant_field
	   WHERE name = 'categories'")" "the box ticked is read"
assert_eq receipt "$(db "SELECT kind FROM outbox ORDER BY id DESC LIMIT 1")" \
    "and gets a receipt"

step "a reply that fills in nothing is no application, and no form again"
fresh_server
make_config program.forms=wyoming
ask wyoming ask.thanks "how to apply" "How do I apply?"
assert_exit 0 mentormail run
form_mail=$(smtp_to "$PAT" | tail -n 1)
printf '%s\n' "From: Pat Doe <$PAT>" "To: Mentoring <mentoring@example.org>" \
    "Subject: Re: how to apply" "Message-ID: <thanks.1@example.org>" \
    "In-Reply-To: $(smtp_header "$form_mail" message-id)" "" \
    "Thank you, I will fill it in next week." "" "> Hello," \
    "> Could you send me the form again?" >"$T/thanks.eml"
mail_append INBOX "$T/thanks.eml"
assert_exit 0 mentormail run
assert_eq other "$(db "SELECT kind FROM message
	   WHERE message_id = 'thanks.1@example.org'")" \
    "the thank-you is other (what it quotes is ours)"
assert_eq 0 "$(db "SELECT count(*) FROM participant")" "nobody is recorded"
assert_eq 1 "$(db "SELECT count(*) FROM outbox WHERE kind = 'form-request'")" \
    "the form went once"

# ---------------------------------------------------------------------------
step "check: the blank form must be there"
cp -R "$TOP/templates" "$T/templates"
rm "$T/templates/form-cla.txt"
make_config program.forms=cla program.templates="$T/templates"
assert_exit 78 mentormail check
assert_stderr_mentions 'templates/form-cla\.txt: .*blank form' \
    "check names the missing form-cla.txt"
make_config program.forms=wyoming program.templates="$T/templates"
assert_exit 0 mentormail check
