#!/bin/bash
#
# Mail that is never answered: an automatic reply must not start a loop of
# robots answering robots, so mentormail stays silent to auto-replies,
# bounces, list and bulk mail, mail that asks for no automatic answers,
# mail it cannot read, and its own mail.  Each of them below is a complete
# application but for the one sign that makes it automatic, and one
# without any sign is answered, so the silence is the sign's doing.  And
# nobody gets more than five replies in a day, however often they write.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

dovecot_start
smtpd_start
make_config program.forms=wyoming
mkdir -p "$T/in"

# application FILE ADDRESS MESSAGE-ID [HEADER...]: a complete Wyoming
# application from ADDRESS, with the extra HEADER lines on top.
application() {
	local file=$1 addr=$2 id=$3
	shift 3
	{
		[ $# -eq 0 ] || printf '%s\n' "$@"
		cat <<-EOF
		From: Pat Applicant <$addr>
		To: Test Mentoring Program <mentoring@example.org>
		Subject: Mentoring application
		Date: Mon, 2 Feb 2026 10:00:00 -0700
		Message-ID: <$id>
		MIME-Version: 1.0
		Content-Type: text/plain; charset=utf-8

		EOF
		form "$addr"
	} >"$file"
}

# form ADDRESS: the filled-in form.
form() {
	cat <<-EOF
	Wyoming Library Association's Mentoring Program Application

	Name: Pat Applicant
	Email Address: $1
	Library Name: Laramie County Library System
	Your current position: Circulation Supervisor
	Library Type: Public

	Position you are applying for:
	[x] Protégé
	[ ] Mentor
	EOF
}

# ---------------------------------------------------------------------------
step "automatic mail, unreadable mail and our own mail get no answer"
application "$T/in/01-auto-replied.eml" auto@example.net auto.1@example.net \
    "Auto-Submitted: auto-replied"
application "$T/in/02-bounce-null-return-path.eml" returned@example.net \
    bounce.1@example.net "Return-Path: <>"
cat >"$T/in/03-bounce-mailer-daemon.eml" <<EOF
Return-Path: <MAILER-DAEMON@mx.example.net>
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: mentoring@example.org
Subject: Undelivered Mail Returned to Sender
Date: Mon, 2 Feb 2026 10:01:00 -0700
Message-ID: <bounce.2@mx.example.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

This is the mail system at host mx.example.net.  Your message could not
be delivered.  It is returned below.

$(form daemon@example.net)
EOF
application "$T/in/04-mailing-list.eml" list@example.net list.1@example.net \
    "List-Id: Wyoming library staff <wylib.lists.example.net>" \
    "List-Unsubscribe: <mailto:leave-wylib@lists.example.net>"
application "$T/in/05-precedence-bulk.eml" bulk@example.net bulk.1@example.net \
    "Precedence: bulk"
application "$T/in/06-suppress.eml" suppress@example.net \
    suppress.1@example.net "X-Auto-Response-Suppress: All"
cat >"$T/in/07-own-mail.eml" <<EOF
From: Test Mentoring Program <Mentoring@Example.ORG>
To: Test Mentoring Program <mentoring@example.org>
Subject: Mentoring application
Date: Mon, 2 Feb 2026 10:02:00 -0700
Message-ID: <own.1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

$(form mentoring@example.org)
EOF
# Headers that name an address, but none that makes a message: no From,
# Date, Message-ID or Subject.
cat >"$T/in/08-unparseable.eml" <<EOF
Return-Path: <unreadable@example.net>
Reply-To: Pat Applicant <unreadable@example.net>
To: mentoring@example.org

$(form unreadable@example.net)
EOF
cp "$TOP/tests/corpus/mime/garbage.eml" "$T/in/09-garbage.eml"
# The control: the same application, from a person, with no sign.
application "$T/in/10-person.eml" person@example.net person.1@example.net

mail_append INBOX "$T/in"
assert_exit 0 mentormail run
assert_eq 10 "$(status_of messages.total)" "the 10 messages are recorded"
assert_eq 10 "$(mail_count Processed)" "and filed"
assert_eq 7 "$(status_of messages.automatic)" \
    "7 are automatic: auto-reply, 2 bounces, list, bulk, suppress, our own"
assert_eq 2 "$(status_of messages.unparseable)" "2 are unparseable"
# Why each was not answered, in the order above: the reason kept with it.
why=$(db "SELECT coalesce(auto_reason, outcome) FROM message ORDER BY uid")
assert_eq "" "$(paste <(printf '%s\n' 'Auto-Submitted' 'Return-Path: <>' \
    'MAILER-DAEMON' 'List-' 'Precedence: bulk' 'X-Auto-Response-Suppress' \
    'program address|own mail' unparseable unparseable decoded) \
    <(printf '%s\n' "$why") |
    awk -F '\t' 'tolower($2) !~ tolower($1) { print NR ": " $2 }')" \
    "each is recorded with its own sign as the reason"
assert_eq 1 "$(smtp_count)" "one mail is sent"
assert_eq 1 "$(smtp_to person@example.net | wc -l)" \
    "it goes to the person with no automatic sign"
assert_eq "person@example.net|receipt" \
    "$(db 'SELECT to_addr, kind FROM outbox')" \
    "nothing else is even queued"
assert_eq 0 "$(status_of outbox.failed)" "status shows outbox.failed: 0"

step "a second run does not answer them either"
assert_exit 0 mentormail run
assert_eq 1 "$(smtp_count)" "still one mail sent"

# ---------------------------------------------------------------------------
step "someone who writes 7 times in a day gets 5 replies"
# question N [ADDRESS]: an impatient applicant's Nth note.
question() {
	cat >"$T/in/q$1.eml" <<-EOF
	From: Sam Impatient <${2:-sam@example.net}>
	To: Test Mentoring Program <mentoring@example.org>
	Subject: Did you get my application? ($1)
	Date: Tue, 3 Feb 2026 0$1:00:00 -0700
	Message-ID: <question.$1@example.net>
	MIME-Version: 1.0
	Content-Type: text/plain; charset=utf-8

	Hello, I wrote before: have you received my application yet? ($1)
	EOF
	mail_append INBOX "$T/in/q$1.eml"
}
question 1
question 2
question 3
assert_exit 0 mentormail run
assert_eq 4 "$(smtp_count)" "3 notes, 3 replies"
# The address is the same whatever its case.
question 4 Sam@Example.NET
question 5
question 6 SAM@EXAMPLE.NET
question 7
assert_exit 0 mentormail run
assert_eq 6 "$(smtp_count)" "4 more notes, 2 more replies: 5 in all"
assert_eq 5 "$(smtp_to sam@example.net | wc -l)" \
    "5 replies went to sam@example.net"
assert_eq 5 "$(db "SELECT count(*) FROM outbox
	   WHERE lower(to_addr) = 'sam@example.net'")" \
    "the 2 unanswered are not queued either"
assert_eq 7 "$(db "SELECT count(*) FROM message
	   WHERE from_addr = 'sam@example.net'")" \
    "all 7 notes are recorded"

step "a day later, the same sender is answered again"
question 8
assert_exit 0 mentormail run --now "$(time_in '25 hours')"
assert_eq 7 "$(smtp_count)" "the 8th note, 25 hours later, is answered"
assert_db_ok

# ---------------------------------------------------------------------------
step "senders RFC 3834 says never to answer, and loops, get no answer"
rm -f "$T"/in/*
n=0
for sender in owner-wylib@lists.example.net wylib-request@lists.example.net \
    LISTSERV@lists.example.net majordomo@lists.example.net \
    postmaster@library.example.net noreply@forms.example.net \
    no-reply@forms.example.net donotreply@forms.example.net \
    bounces+77-pat=example.net@em.forms.example.net \
    mentoring+apply@example.org; do
	n=$((n + 1))
	application "$T/in/rfc3834-$n.eml" "$sender" "rfc3834.$n@example.net"
done
application "$T/in/loop.eml" looped@example.net loop.1@example.net \
    "X-Loop: mentoring@example.org"
# The control: a person, whose X-Loop is somebody else's.
application "$T/in/control.eml" control@example.net control.1@example.net \
    "X-Loop: other@example.org"
before=$(smtp_count)
mail_append INBOX "$T/in"
assert_exit 0 mentormail run
assert_eq "$((before + 1))" "$(smtp_count)" "one mail more is sent"
assert_eq 1 "$(smtp_to control@example.net | wc -l)" "to the control"
assert_eq 11 "$(db "SELECT count(*) FROM message WHERE outcome = 'automatic'
	   AND (message_id LIKE 'rfc3834.%' OR message_id = 'loop.1@example.net')")" \
    "the 11 others are recorded as automatic"
assert_eq "" "$(db "SELECT message_id, auto_reason FROM message
	   WHERE message_id LIKE 'rfc3834.%' AND auto_reason NOT LIKE '%From <%'
	   AND auto_reason NOT LIKE '%program address%'")" \
    "each for its sender"
assert_match "X-Loop" "$(db "SELECT auto_reason FROM message
	   WHERE message_id = 'loop.1@example.net'")" \
    "the loop for its X-Loop"
assert_db_ok
