#!/bin/bash
#
# Intake: new mail in the program mailbox is recorded once, then filed in
# Processed; a later run picks up only what arrived since.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail
# Replies go to a real SMTP server on loopback, up throughout.
smtpd_start

dovecot_start
make_config
mail=$(gen_mail 5)
mail_append INBOX "$mail"
uidvalidity=$(mailbox_uidvalidity INBOX)
inbox_uids=$(mail_uids INBOX)

step "the configuration is accepted"
assert_exit 0 mentormail check

step "a run that dies after fetching has changed nothing on the server"
MENTORMAIL_CRASH=after-fetch assert_exit 137 mentormail run
assert_eq 5 "$(mail_count INBOX)" "the 5 messages are still in INBOX"
assert_eq 0 "$(mail_flags INBOX | grep -c '\\Seen')" \
    "none of them is marked \\Seen (fetched with BODY.PEEK)"
assert_eq 0 "$(recorded)" "nothing is recorded before the commit"

step "the first run records the 5 messages and files them"
assert_exit 0 mentormail run
assert_eq 5 "$(db 'SELECT count(*) FROM message')" "5 messages are recorded"
assert_recorded_once "$mail"
assert_filed_once "$mail"
assert_eq 0 "$(mail_flags Processed | grep -vc '\\Seen')" \
    "the filed messages are marked \\Seen"
assert_same_lines "$inbox_uids" \
    "$(db 'SELECT uid FROM message ORDER BY uid')" \
    "each is recorded under its INBOX UID"
assert_eq "$uidvalidity" \
    "$(db 'SELECT DISTINCT uidvalidity FROM message')" \
    "and under INBOX's UIDVALIDITY"
assert_eq INBOX "$(db 'SELECT DISTINCT mailbox FROM message')" \
    "and under the mailbox name INBOX"
# Message N is UID N, from "Mentee N" <Mentee.N@Example.NET>.
expected=$(for i in 1 2 3 4 5; do
	echo "$i|$(gen_ids "$mail" | sed -n "${i}p")|Monthly check-in $i (m)|mentee.$i@example.net|Mentee $i|decoded"
done)
assert_same_lines "$expected" \
    "$(db 'SELECT uid, message_id, subject, from_addr, from_name, outcome
	   FROM message ORDER BY uid')" \
    "each has its UID, Message-ID, subject, lower-cased address and name"
assert_eq 0 "$(db "SELECT count(*) FROM message
	   WHERE text NOT LIKE '%cataloguing workflows and the café budget%'")" \
    "each message's text is kept, in UTF-8"
assert_eq 0 "$(db "SELECT count(*) FROM message
	   WHERE raw IS NULL OR size <= 0 OR hash IS NULL OR hash = ''")" \
    "each message's raw bytes, size and hash are kept"
assert_eq 5 "$(status_of messages.total)" "status shows messages.total: 5"
assert_eq "$uidvalidity" "$(status_of mailbox.uidvalidity)" \
    "status shows INBOX's UIDVALIDITY"
assert_eq 5 "$(status_of mailbox.last_uid)" "status shows mailbox.last_uid: 5"

step "a second run finds nothing new"
before=$(db 'SELECT id, uid, recorded_at FROM message ORDER BY id')
server_mark
assert_exit 0 mentormail run
assert_eq 0 "$(bodies_fetched)" "it downloads no message again"
assert_same_lines "$before" \
    "$(db 'SELECT id, uid, recorded_at FROM message ORDER BY id')" \
    "the records are untouched"
assert_eq 5 "$(mail_count Processed)" "Processed still holds 5"
assert_eq 5 "$(status_of messages.total)" "status still shows 5"

step "mail that arrives later is fetched, and only it"
later=$(gen_mail 2 later)
mail_append INBOX "$later"
server_mark
assert_exit 0 mentormail run
assert_eq 2 "$(bodies_fetched)" "it downloads the 2 new messages only"
assert_eq 7 "$(db 'SELECT count(*) FROM message')" "7 messages are recorded"
assert_recorded_once "$mail" "$later"
assert_filed_once "$mail" "$later"
assert_same_lines "$before" \
    "$(db 'SELECT id, uid, recorded_at FROM message WHERE uid <= 5 ORDER BY id')" \
    "the first 5 records are untouched"
assert_same_lines "$(printf '6\n7')" \
    "$(db "SELECT uid FROM message WHERE subject LIKE '%(later)' ORDER BY uid")" \
    "the 2 new ones are recorded under UIDs 6 and 7"
assert_eq 7 "$(status_of mailbox.last_uid)" "status shows mailbox.last_uid: 7"
assert_db_ok
