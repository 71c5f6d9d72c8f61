#!/bin/bash
#
# Decoding: the mail a program mailbox really gets.  HTML-only mail and
# Latin-1 quoted-printable come out as readable UTF-8 text; bounces and
# auto-replies are recorded as 'automatic'; an empty or garbage message is
# kept as 'unparseable'.  Nothing is lost: all of it is recorded and filed.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

tricky=$T/tricky
mkdir -p "$tricky"

# 1. A person writing from a webmail that sends HTML only.
cat >"$tricky/1-html-only.eml" <<'EOF'
Date: Mon, 17 Nov 2025 09:12:00 -0700
From: Grace Hopper <grace@example.net>
To: Test Mentoring Program <mentoring@example.org>
Subject: Agenda for our meeting
Message-ID: <html-only.1@example.net>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit

<html><head><style>p { color: navy; }</style></head>
<body><p>Hello <b>mentor</b>,</p>
<p>Here is the <i>agenda</i> for Thursday.</p></body></html>
EOF

# 2. Latin-1, quoted-printable, with encoded words in the header.
cat >"$tricky/2-latin1-qp.eml" <<'EOF'
Date: Tue, 18 Nov 2025 14:03:00 +0100
From: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <Renee.Dupre@Example.FR>
To: mentoring@example.org
Subject: =?ISO-8859-1?Q?R=E9union_de_f=E9vrier?=
Message-ID: <latin1-qp.2@example.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, la r=E9union au caf=E9 est confirm=E9e.
Une ligne tr=
=E8s longue, coup=E9e en deux.
EOF

# 3. A bounce: null Return-Path, MAILER-DAEMON, a delivery status report.
cat >"$tricky/3-bounce.eml" <<'EOF'
Return-Path: <>
Date: Wed, 19 Nov 2025 03:00:01 +0000
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: mentoring@example.org
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce.3@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="B0UNDARY"

--B0UNDARY
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<former.mentee@example.com>: host mx.example.com said: 550 5.1.1 User unknown

--B0UNDARY
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; former.mentee@example.com
Action: failed
Status: 5.1.1

--B0UNDARY
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Test Mentoring Program <mentoring@example.org>
To: former.mentee@example.com
Subject: Your monthly check-in is due

--B0UNDARY--
EOF

# 4. An out-of-office reply.
cat >"$tricky/4-auto-reply.eml" <<'EOF'
Date: Thu, 20 Nov 2025 08:00:00 -0500
From: Alan Turing <alan@example.net>
To: mentoring@example.org
Subject: Out of office: Your monthly check-in is due
Message-ID: <ooo.4@example.net>
In-Reply-To: <reminder.1@example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

I am out of the office until Monday, December 1.
EOF

# 5. An empty message (it happens: a broken client, a truncated delivery).
: >"$tricky/5-empty.eml"

# 6. Garbage: binary bytes, no header at all.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\001\000garbage\377\376\n' \
    >"$tricky/6-garbage.eml"

# 7. And an ordinary message, for contrast.
cat >"$tricky/7-plain.eml" <<'EOF'
Date: Fri, 21 Nov 2025 10:30:00 -0700
From: "Ada Lovelace" <Ada@Example.ORG>
To: mentoring@example.org
Subject: Check-in for November
Message-ID: <plain.7@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

We met twice this month. Next: the Jackson County visit.
EOF

dovecot_start
make_config
mail_append INBOX "$tricky"

assert_exit 0 mentormail run
assert_eq 7 "$(recorded)" "all 7 messages are recorded"
assert_eq 0 "$(mail_count INBOX)" "INBOX is empty"
assert_eq 7 "$(mail_count Processed)" "all 7 are filed in Processed"

# Each row by the message's position in INBOX: UID 1 is message 1, etc.
field() {
	db "SELECT $2 FROM message WHERE uid = $1"
}

step "HTML-only mail becomes plain text"
assert_eq decoded "$(field 1 outcome)" "the HTML-only message is decoded"
assert_eq 1 "$(field 1 "text LIKE '%Hello%mentor%agenda for Thursday%'")" \
    "its text reads 'Hello mentor ... agenda for Thursday'"
assert_eq 0 "$(field 1 "text LIKE '%<%' OR text LIKE '%color: navy%'")" \
    "with no tags and no style sheet left"

step "Latin-1 quoted-printable becomes UTF-8"
assert_eq decoded "$(field 2 outcome)" "the Latin-1 message is decoded"
assert_eq "Réunion de février" "$(field 2 subject)" \
    "its encoded subject is decoded"
assert_eq "Renée Dupré|renee.dupre@example.fr" \
    "$(field 2 "from_name || '|' || from_addr")" \
    "its sender's name is decoded and the address lower-cased"
assert_eq 1 "$(field 2 "text LIKE '%la réunion au café est confirmée.%'")" \
    "its text is UTF-8"
assert_eq 1 "$(field 2 "text LIKE '%Une ligne très longue, coupée en deux.%'")" \
    "and its soft line break is joined"

step "bounces and auto-replies are automatic"
assert_eq automatic "$(field 3 outcome)" "the bounce is automatic"
assert_eq 1 "$(field 3 "auto_reason IS NOT NULL AND auto_reason <> ''")" \
    "with a reason"
assert_eq automatic "$(field 4 outcome)" "the out-of-office reply is automatic"
assert_eq 1 "$(field 4 "auto_reason LIKE '%auto-replied%'")" \
    "because it is Auto-Submitted: auto-replied"

step "empty and garbage messages are kept as unparseable"
assert_eq unparseable "$(field 5 outcome)" "the empty message is unparseable"
assert_eq unparseable "$(field 6 outcome)" "the garbage is unparseable"
assert_eq 1 "$(field 6 "raw IS NOT NULL AND length(raw) > 0")" \
    "and its bytes are kept"
assert_eq 1 "$(field 6 "cause IS NOT NULL AND cause <> ''")" \
    "with the cause"

step "ordinary mail is decoded"
assert_eq "decoded|ada@example.org|Ada Lovelace|Check-in for November" \
    "$(field 7 "outcome || '|' || from_addr || '|' || from_name || '|' || subject")" \
    "the ordinary message is decoded"

step "status counts them"
assert_eq 7 "$(status_of messages.total)" "status shows messages.total: 7"
assert_eq 2 "$(status_of messages.automatic)" \
    "status shows messages.automatic: 2"
assert_eq 2 "$(status_of messages.unparseable)" \
    "status shows messages.unparseable: 2"
assert_db_ok
