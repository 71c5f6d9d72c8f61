#!/bin/bash
#
# The coordinators' daily digest and the alarm, on the real servers: one
# digest a day at [digest] time in the program's zone however often cron
# runs, across the day daylight saving time begins, one digest covering
# an outage, both parts (plain text and HTML) with a command token that a
# reply can use once, and one alarm (then one recovery mail) however many
# runs fail.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
COORDINATOR=coordinator@example.org

dovecot_start
smtpd_start
make_config program.forms=wyoming program.timezone=America/Denver \
    digest.time=07:30 digest.alarm_hours=6 program.replies_per_day=100

# digests: the files of the digests the coordinator got, oldest first.
digests() {
	local f
	for f in $(smtp_to "$COORDINATOR"); do
		grep -q '^Subject: .*digest of' "$f" && echo "$f"
	done
}

count_digests() {
	digests | wc -l
}

mails_of() {
	db "SELECT count(*) FROM outbox WHERE kind = '$1'"
}

step "before 07:30 in Denver, no digest; at 07:30, one"
mail_append INBOX "$APPS/wy01-mentee-clean.eml" \
    "$APPS/wy02-mentor-pdf-columns.eml" >/dev/null
assert_exit 0 mentormail run --now 2026-03-07T14:29:00Z
assert_eq 0 "$(count_digests)" "no digest at 07:29 MST"
assert_exit 0 mentormail run --now 2026-03-07T14:30:00Z
assert_eq 1 "$(count_digests)" "one digest at 07:30 MST"
for t in 14:40 17:00 23:50; do
	mentormail run --now "2026-03-07T${t}:00Z" >/dev/null
done
assert_eq 1 "$(count_digests)" "and no other that day, however many runs"

step "the digest: plain text and HTML, most urgent first, with a token"
first=$(digests | head -n 1)
cp "$first" "$T/digest-1.eml"
assert_match '^Content-Type: multipart/alternative' "$(cat "$first")" \
    "it is multipart/alternative"
assert_match '^Content-Type: text/plain; charset=utf-8' "$(cat "$first")" \
    "with a plain text part"
assert_match '^Content-Type: text/html; charset=utf-8' "$(cat "$first")" \
    "and an HTML part"
body=$(smtp_body "$first")
assert_match '^NEEDS YOUR DECISION: 1 proposed match' "$body" \
    "the proposal needing a decision comes first"
assert_match 'Dana Whitfield .* with Russell Tenney' "$body" \
    "naming the pair"
assert_match '^  - 2 application\(s\)' "$body" "what came in is listed"
assert_match '\[mm:[0-9a-f]{32}\]' "$body" "it carries a command token"
assert_no_match '<script|<img|https?://' "$(cat "$first")" \
    "the HTML has no scripts, images or remote content"
assert_match '<table' "$(cat "$first")" "the HTML lays out tables"

step "the day daylight saving time begins: 07:30 MDT is 13:30 UTC"
assert_exit 0 mentormail run --now 2026-03-08T13:29:00Z
assert_eq 1 "$(count_digests)" "none at 07:29 MDT"
assert_exit 0 mentormail run --now 2026-03-08T13:30:00Z
assert_eq 2 "$(count_digests)" "the second at 07:30 MDT"
assert_match 'NEEDS YOUR DECISION: 1 proposed' "$(smtp_body \
    "$(digests | tail -n 1)")" "a proposal still waiting is still news"

step "down for two days: one digest covers the gap"
mail_append INBOX "$APPS/wy03-mentee-underscores.eml" >/dev/null
assert_exit 0 mentormail run --now 2026-03-11T15:00:00Z
assert_eq 3 "$(count_digests)" "one digest after the outage"
last=$(digests | tail -n 1)
assert_match 'since 8 March 2026, 07:30' "$(smtp_body "$last")" \
    "covering everything since the last one"
assert_eq 3 "$(db "SELECT count(*) FROM digest")" "one row a day sent"

step "a reply to the digest with its token approves the proposal"
id=$(db "SELECT min(id) FROM match WHERE status = 'proposed'")
token=$(smtp_body "$last" | grep -o '\[mm:[0-9a-f]\{32\}\]' | head -n 1)
msgid=$(smtp_header "$last" message-id)
cat >"$T/approve.eml" <<EOF
From: $COORDINATOR
To: mentoring@example.org
Subject: Re: digest
Message-ID: <approve.1@example.org>
In-Reply-To: $msgid
References: $msgid
Date: Wed, 11 Mar 2026 09:00:00 -0600

approve $id

On Wed, 11 Mar 2026 08:00 Test Mentoring Program wrote:
> Keep this line in your reply: $token
EOF
mail_append INBOX "$T/approve.eml" >/dev/null
assert_exit 0 mentormail run --now 2026-03-11T16:00:00Z
assert_eq approved "$(db "SELECT status FROM match WHERE id = $id")" \
    "the match is approved"
assert_eq 2 "$(mails_of introduction)" "and both are introduced"

step "runs failing for hours: one alarm, then one recovery mail"
dovecot_stop
for t in 17:00 19:00 21:00 23:00 23:30; do
	mentormail run --now "2026-03-11T${t}:00Z" >/dev/null
done
assert_eq 1 "$(mails_of alarm)" "one alarm after six hours of failures"
mentormail run --now 2026-03-12T00:00:00Z >/dev/null
assert_eq 1 "$(mails_of alarm)" "not one per run"
dovecot_start
assert_exit 0 mentormail run --now 2026-03-12T00:30:00Z
assert_exit 0 mentormail run --now 2026-03-12T01:00:00Z
assert_eq 1 "$(mails_of recovered)" "one mail when runs work again"
assert_eq 1 "$(smtp_to "$COORDINATOR" | xargs grep -l '^Subject: .*failing' |
    wc -l)" "the alarm reached the coordinator once SMTP worked"
assert_db_ok
