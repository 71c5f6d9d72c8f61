#!/bin/bash
#
# Commands by mail, through the real servers:
#  - the coordinator replies to the proposals mail with "approve ID": the
#    pair is introduced, and one transcript answers, saying what was done;
#  - the same mail met twice is done once;
#  - nothing is done on a mail that is not the coordinator's: a forged
#    From with no token, a replayed token, an expired one, an
#    Authentication-Results header forged below the trusted server's, or
#    one of another server.  Each refusal is told to the configured
#    coordinators only, never to an address the mail gives, and kept in
#    `mentormail log`;
#  - a mail of good and bad lines: each line done or not on its own;
#  - an HTML reply, with the mail it answers quoted beneath, runs only what
#    was written above the quote;
#  - a participant withdraws after confirming by reply, and the
#    coordinators are told;
#  - `mentormail person` shows what is held about someone, `mentormail
#    forget` erases it and says what it removed.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
COORDINATOR=coordinator@example.org
SECOND=second@example.org
ATTACKER=attacker@evil.example
MX=mx.example.org
OUT=$T/out
mkdir -p "$OUT"
# What the receiving server adds on top, and what a sender may forge.
AR="Authentication-Results:"
AR_PASS="$AR $MX; spf=pass smtp.mailfrom=example.org;
 dkim=pass header.d=example.org; dmarc=pass header.from=example.org"
AR_FAIL="$AR $MX; dkim=none; dmarc=fail header.from=example.org"
AR_OTHER="$AR mx.evil.example; dmarc=pass header.from=example.org"

dovecot_start
smtpd_start
make_config program.forms=wyoming \
    "program.coordinators=$COORDINATOR; $SECOND" \
    coordinator.trusted_authserv_id=$MX coordinator.token_days=14

# kind_of FILE: the outbox kind of the mail the SMTP server saved as FILE.
kind_of() {
	local id
	id=$(smtp_header "$1" message-id | tr -d '<>')
	db "SELECT kind FROM outbox WHERE message_id = '$id'"
}

# newest KIND ADDRESS: the file of the last mail of KIND sent to ADDRESS.
newest() {
	local f last=
	for f in $(smtp_to "$2"); do
		[ "$(kind_of "$f")" = "$1" ] && last=$f
	done
	printf '%s\n' "$last"
}

# count_of KIND ADDRESS: how many mails of KIND went to ADDRESS.
count_of() {
	local f n=0
	for f in $(smtp_to "$2"); do
		[ "$(kind_of "$f")" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}

# token_in FILE: the command token a mail carries.
token_in() {
	smtp_body "$1" | grep -o '\[mm:[0-9a-f]\{32\}\]' | head -n 1
}

SEQ=0
# write_mail FROM SUBJECT [HEADER...] -- BODY: a mail as a person sends
# it, into $OUT; prints its file name.
write_mail() {
	local from=$1 subject=$2 file
	shift 2
	SEQ=$((SEQ + 1))
	file=$OUT/$SEQ.eml
	{
		printf '%s\n' "From: $from" "To: mentoring@example.org" \
		    "Subject: $subject" "Date: $(date -R)" \
		    "Message-ID: <e2e.$SEQ.$RANDOM@example.org>"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			printf '%s\n' "$1"
			shift
		done
		shift
		printf '\n%s\n' "$*"
	} >"$file"
	echo "$file"
}

# reply FROM ORIGINAL [HEADER...] -- BODY: a plain-text reply to the mail
# the SMTP server saved as ORIGINAL, quoting it under "On ... wrote:".
reply() {
	local from=$1 orig=$2 id subject file
	shift 2
	id=$(smtp_header "$orig" message-id)
	subject=$(smtp_body_subject "$orig")
	file=$(write_mail "$from" "Re: $subject" "In-Reply-To: $id" \
	    "References: $id" "$@")
	{
		echo
		echo "On $(date -R), Test Mentoring Program wrote:"
		smtp_body "$orig" | sed 's/^/> /'
	} >>"$file"
	echo "$file"
}

smtp_body_subject() {
	"$PYTHON" - "$1" <<-'EOF'
	import sys
	from email import message_from_binary_file, policy
	with open(sys.argv[1], "rb") as f:
	    print(message_from_binary_file(f, policy=policy.default)["subject"])
	EOF
}

status_of_match() {
	db "SELECT status FROM match WHERE id = $1"
}

# assert_refused WHY DESCRIPTION: a run does nothing on the mail in the
# inbox but tell both coordinators WHY, and nobody else is written to.
assert_refused() {
	local notices=$T/notices.$SEQ before_first before_second
	before_first=$(count_of command-refused "$COORDINATOR")
	before_second=$(count_of command-refused "$SECOND")
	sent_before=$(smtp_count)
	assert_exit 0 mentormail run
	assert_eq $((before_first + 1)) "$(count_of command-refused \
	    "$COORDINATOR")" "$2: the coordinator is told"
	assert_eq $((before_second + 1)) "$(count_of command-refused \
	    "$SECOND")" "$2: the second coordinator is told"
	assert_eq $((sent_before + 2)) "$(smtp_count)" \
	    "$2: nothing else is sent"
	assert_eq "" "$(smtp_to "$ATTACKER")" \
	    "$2: nothing to the address the mail asked answers at"
	smtp_body "$(newest command-refused "$SECOND")" >"$notices"
	assert_match "$1" "$(cat "$notices")" "$2: the notice says why"
	assert_exit 0 mentormail log
	assert_match "refused: .*$1" "$(tail -n 1 "$STDOUT")" \
	    "$2: the log keeps the refusal"
}

# ---------------------------------------------------------------------------
step "the applications arrive: each coordinator is sent the proposals"
mail_append INBOX "$APPS"/wy*.eml
assert_exit 0 mentormail run
proposals=$(newest proposals "$COORDINATOR")
[ -n "$proposals" ] || die "no proposals mail: nothing else can be checked"
assert_eq 1 "$(count_of proposals "$SECOND")" "the second coordinator too"
token=$(token_in "$proposals")
assert_match '^\[mm:[0-9a-f]{32}\]$' "$token" "the proposals mail has a token"
assert_match '^\[Reply with commands above this line' \
    "$(smtp_body "$proposals" | head -n 1)" "on its first line"
if [ "$token" != "$(token_in "$(newest proposals "$SECOND")")" ]; then
	pass "each coordinator's copy has a token of its own"
else
	fail "each coordinator's copy has a token of its own"
fi
ids=$(db "SELECT id FROM match WHERE status = 'proposed' ORDER BY id")
first=$(printf '%s\n' "$ids" | sed -n 1p)
second=$(printf '%s\n' "$ids" | sed -n 2p)
third=$(printf '%s\n' "$ids" | sed -n 3p)
[ -n "$third" ] || die "fewer than three proposals: $ids"
note "proposals $first, $second and $third"

# ---------------------------------------------------------------------------
step "a reply with \"approve $first\" introduces the pair, and is answered"
approve=$(reply "The Coordinator <$COORDINATOR>" "$proposals" -- \
    "approve $first")
mail_append INBOX "$approve"
assert_exit 0 mentormail run
assert_eq approved "$(status_of_match "$first")" "match $first is approved"
assert_eq 2 "$(db "SELECT count(*) FROM outbox WHERE kind = 'introduction'
	   AND status = 'sent'")" "the pair are introduced"
assert_eq 1 "$(count_of command-transcript "$COORDINATOR")" \
    "one transcript, to the coordinator"
assert_eq 0 "$(count_of command-transcript "$SECOND")" "not to the other"
transcript=$(newest command-transcript "$COORDINATOR")
body=$(smtp_body "$transcript")
assert_match "^> approve $first\$" "$body" "it quotes the line"
assert_match "^match $first approved: introductions queued\$" "$body" \
    "and says what was done"
assert_eq "$(smtp_header "$approve" message-id)" \
    "$(smtp_header "$transcript" in-reply-to)" "in the thread of the command"
assert_eq auto-replied "$(smtp_header "$transcript" auto-submitted)" \
    "Auto-Submitted: auto-replied"

step "the same mail again is done once"
sent=$(smtp_count)
mail_append INBOX "$approve"
assert_exit 0 mentormail run
assert_eq 1 "$(db "SELECT count(*) FROM duplicate")" "it is a duplicate"
assert_eq "$sent" "$(smtp_count)" "nothing is sent"
assert_eq 1 "$(db "SELECT count(*) FROM audit WHERE outcome = 'done'")" \
    "one decision in the audit log"

# ---------------------------------------------------------------------------
step "refused: a forged From without a token"
mail_append INBOX "$(write_mail "The Coordinator <$COORDINATOR>" \
    "approve $second" "Reply-To: $ATTACKER" -- "reject $third")"
assert_refused "carries no token of a mail mentormail sent; and no \
Authentication-Results header of $MX" "forged From"

step "refused: the token of the proposals mail, used again"
mail_append INBOX "$(reply "The Coordinator <$COORDINATOR>" "$proposals" \
    "Reply-To: $ATTACKER" -- "approve $second")"
assert_refused "its token was used already, by message" "replayed token"

step "refused: an Authentication-Results forged below the trusted one"
mail_append INBOX "$(write_mail "The Coordinator <$COORDINATOR>" \
    "decisions" "$AR_FAIL" "$AR_PASS" -- "approve $second")"
assert_refused "$MX says dkim=none, dmarc=fail for example.org" \
    "forged header below"

step "refused: Authentication-Results of another server"
mail_append INBOX "$(write_mail "The Coordinator <$COORDINATOR>" \
    "decisions" "$AR_OTHER" -- "approve $second")"
assert_refused "no Authentication-Results header of $MX" \
    "wrong authserv-id"
assert_eq proposed "$(status_of_match "$second")" \
    "after all that, match $second still waits"

# ---------------------------------------------------------------------------
step "a mixed mail, vouched for by the receiving server: line by line"
lines=$(printf '%s\n' "approve $second" "frobnicate" "reject 9999" \
    "approve $third 9999" "status" "" "Thanks," "The second coordinator")
mail_append INBOX "$(write_mail "The Coordinator <$SECOND>" "decisions" \
    "$AR_PASS" -- "$lines")"
assert_exit 0 mentormail run
assert_eq approved "$(status_of_match "$second")" "the good line is done"
assert_eq proposed "$(status_of_match "$third")" \
    "a line with a bad number is not done at all"
body=$(smtp_body "$(newest command-transcript "$SECOND")")
assert_match '^not done: unknown command "frobnicate"' "$body" \
    "an unknown line is reported"
assert_match '^not done: there is no match 9999' "$body" \
    "a bad number is reported"
assert_match "^participants\\.total: $(ls "$APPS"/wy*.eml | wc -l)\$" "$body" \
    "status gives the keys of mentormail status"
assert_match '^2 done, 3 not done' "$body" "and the count"
assert_no_match 'The second coordinator' "$body" \
    "the signature is not read"
assert_match "$MX says dkim=pass for example.org" "$body" \
    "it says how the mail was known as the coordinator's"

# ---------------------------------------------------------------------------
step "an HTML reply to the transcript, the transcript quoted beneath"
transcript=$(newest command-transcript "$COORDINATOR")
html=$OUT/html.eml
id=$(smtp_header "$transcript" message-id)
{
	printf '%s\n' "From: The Coordinator <$COORDINATOR>" \
	    "To: mentoring@example.org" "Subject: Re: commands" \
	    "Date: $(date -R)" "Message-ID: <html.$RANDOM@example.org>" \
	    "In-Reply-To: $id" "MIME-Version: 1.0" \
	    "Content-Type: text/html; charset=utf-8" ""
	printf '<html><body><div>reject %s</div><br>' "$third"
	printf '<div class="gmail_quote">On %s Test Mentoring Program ' \
	    "$(date -R)"
	printf '&lt;mentoring@example.org&gt; wrote:<br><blockquote>'
	smtp_body "$transcript" | sed 's/$/<br>/'
	printf 'approve %s<br></blockquote></div></body></html>\n' "$third"
} >"$html"
mail_append INBOX "$html"
assert_exit 0 mentormail run
assert_eq rejected "$(status_of_match "$third")" \
    "the line above the quote is done"
body=$(smtp_body "$(newest command-transcript "$COORDINATOR")")
assert_match '^1 done, 0 not done' "$body" "and nothing from the quote"

step "a transcript's token expires with its days"
transcript=$(newest command-transcript "$COORDINATOR")
mail_append INBOX "$(reply "The Coordinator <$COORDINATOR>" "$transcript" \
    -- "status")"
sent_before=$(smtp_count)
assert_exit 0 mentormail run --now "$(time_in '15 days')"
assert_eq $((sent_before + 2)) "$(smtp_count)" "two notices, nothing else"
assert_match 'its token expired at' \
    "$(smtp_body "$(newest command-refused "$COORDINATOR")")" \
    "refused: the token expired"

# ---------------------------------------------------------------------------
mentee=$(db "SELECT p.email FROM match m JOIN participant p ON
	     p.id = m.mentee WHERE m.id = $first")
mentor=$(db "SELECT p.email FROM match m JOIN participant p ON
	     p.id = m.mentor WHERE m.id = $first")
step "a participant ($mentor) withdraws, after confirming"
mail_append INBOX "$(write_mail "$mentor" "the program" -- \
    "Hello, I have retired. Please take me off the list.")"
assert_exit 0 mentormail run
ask=$(newest withdraw-confirm "$mentor")
[ -n "$ask" ] || die "no request to confirm"
assert_eq applied "$(db "SELECT status FROM participant
	   WHERE email = '$mentor'")" "not before confirming"
mail_append INBOX "$(reply "$mentor" "$ask" -- "Yes")"
assert_exit 0 mentormail run
assert_eq withdrawn "$(db "SELECT status FROM participant
	   WHERE email = '$mentor'")" "withdrawn on a YES in reply"
assert_eq ended "$(status_of_match "$first")" "their match has ended"
assert_match 'You have withdrawn' \
    "$(smtp_body "$(newest withdrawn "$mentor")")" "they are told"
assert_eq 1 "$(count_of withdrawal-notice "$COORDINATOR")" \
    "the coordinator is told"
assert_eq 1 "$(count_of withdrawal-notice "$SECOND")" "both are"
assert_exit 0 mentormail log
assert_match "^[0-9TZ:-]+ $mentor \\(mail, message [0-9]+\\): withdraw \
\\(confirmed by reply\\): done" "$(cat "$STDOUT")" "the log keeps it"

# ---------------------------------------------------------------------------
step "the calendar's commands by mail: remind, extend, report, export"
pair_mentee=$(db "SELECT p.email FROM match m JOIN participant p
		  ON p.id = m.mentee WHERE m.id = $second")
pair_mentor=$(db "SELECT p.email FROM match m JOIN participant p
		  ON p.id = m.mentor WHERE m.id = $second")
ends=$(db "SELECT ends_on FROM match WHERE id = $second")
lines=$(printf '%s\n' "remind $second" "extend $second 3 months" \
    "extend $second soon" "report" "export meetings" "export payroll")
mail_append INBOX "$(write_mail "The Coordinator <$SECOND>" "calendar" \
    "$AR_PASS" -- "$lines")"
assert_exit 0 mentormail run
transcript=$(newest command-transcript "$SECOND")
body=$(smtp_body "$transcript")
assert_match "^match $second reminded of the goals\$" "$body" \
    "remind says what was owed"
assert_eq 1 "$(count_of goals-reminder "$pair_mentee")" \
    "the mentee is sent the goals reminder"
assert_eq 0 "$(count_of goals-reminder "$pair_mentor")" "not the mentor"
assert_eq "$(date -d "$ends + 3 months" +%F)" \
    "$(db "SELECT ends_on FROM match WHERE id = $second")" \
    "extend moves the end three months later"
assert_match "^match $second extended: it now ends on " "$body" \
    "and says so"
assert_match '^not done: "soon" is not' "$body" "a span it cannot read"
assert_match "^match $second: " "$body" "report lists the pair"
assert_match '^  goals: not in$' "$body" "with where it stands"
assert_match '^meetings\.csv attached \(0 lines after its header\)$' "$body" \
    "export says what it attached"
csv=$(smtp_attachment "$transcript" meetings.csv)
assert_eq text/csv "$(printf '%s\n' "$csv" | head -n 1)" "a text/csv part"
assert_match '^match,mentee_name,' "$csv" "the export, with its header"
assert_no_match '^match,mentee_name,' "$body" "not in the text"
assert_exit 0 mentormail log
assert_match "\\(mail, message [0-9]+, line 4\\): report: done: the report, \
in the answer\$" "$(cat "$STDOUT")" "the log keeps that the report was sent"
assert_match '^not done: there is no export "payroll"' "$body" \
    "an export it has not"

# ---------------------------------------------------------------------------
step "the command line runs the same table, and the log keeps it too"
assert_exit 0 mentormail match end "$second" the mentee moved away
assert_eq "match $second ended today: the mentee moved away (the pair are \
sent the end-of-mentorship mail)" "$(cat "$STDOUT")" \
    "end says what it did, as by mail"
assert_exit 0 mentormail run
assert_eq 1 "$(count_of mentorship-end "$pair_mentee")" \
    "the mentee is sent the end-of-mentorship mail"
assert_eq 1 "$(count_of mentorship-end "$pair_mentor")" "and the mentor"
assert_eq "ended|the mentee moved away" "$(db "SELECT status || '|' ||
	   end_reason FROM match WHERE id = $second")" "the match has ended"
assert_exit 65 mentormail match end "$second" again
assert_stderr_mentions "match $second is ended, not approved" \
    "a match ends once"
assert_exit 0 mentormail log
assert_match "^[0-9TZ:-]+ user [^ ]+ \\(command line\\): end $second the \
mentee moved away: done: " "$(cat "$STDOUT")" "the log names the user"
assert_match "\\(command line\\): end $second again: not done: match \
$second is ended" "$(tail -n 1 "$STDOUT")" "and what was refused"

# ---------------------------------------------------------------------------
step "mentormail person and forget ($mentee)"
assert_exit 0 mentormail person "$mentee"
assert_match '^answers: name: ' "$(cat "$STDOUT")" "person shows the answers"
assert_match '^messages: message [0-9]+' "$(cat "$STDOUT")" \
    "and the messages"
assert_match '^mail: mail [0-9]+, .* introduction to ' "$(cat "$STDOUT")" \
    "and the mail sent"
assert_exit 0 mentormail forget "$mentee"
assert_match '^  answers: [0-9]+ answers erased' "$(cat "$STDOUT")" \
    "forget says what it removed"
assert_match '^  Message-ID: <' "$(cat "$STDOUT")" \
    "and which messages the mail server still holds"
assert_exit 65 mentormail person "$mentee"
assert_stderr_mentions "nothing is held about $mentee" \
    "afterwards nothing is held"
assert_eq 0 "$(db "SELECT count(*) FROM message
	   WHERE instr(lower(CAST(raw AS TEXT)), '$mentee') > 0")" \
    "no raw mail names them"
assert_eq 1 "$(status_of participants.forgotten)" "the counts stay"
assert_exit 0 mentormail log
assert_match "forget: done: a person forgotten" "$(tail -n 1 "$STDOUT")" \
    "the log keeps that someone was forgotten"
assert_no_match "$mentee" "$(cat "$STDOUT")" "but not whom"
assert_db_ok
