#!/bin/bash
#
# What `test-rules` says is what `run` does, and the stored mail says the
# same thing again:
#  - a reply to a receipt ("Library Type: Academic", and nothing else) is
#    an update of the application in `run`; `test-rules` with the
#    database reads it so too (in the receipt's thread), and says which
#    application it corrects; without a database to say whose thread it
#    is, it is "other", as it would be for a run with no such receipt;
#  - the mail the database kept, handled again into a fresh database (a
#    new mailbox of the same messages, as after moving the program to a
#    new server), ends as the original runs did: every message the same
#    kind, every participant the same fields and status, though our
#    answers carry new Message-IDs.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

APPS=$TOP/tests/corpus/applications
DANA=dana.whitfield@ccpls.example.org

dovecot_start
smtpd_start
make_config program.forms=wyoming

# The outcome of every message and participant, to compare two databases.
summary() {
	db "SELECT message_id, outcome, coalesce(kind, '-') FROM message
	    ORDER BY message_id"
	db "SELECT p.email, p.status, f.name, f.value FROM participant p
	    JOIN participant_field f ON f.participant = p.id
	    ORDER BY p.email, f.name"
}

# reply_to FILE ID SUBJECT BODY...: a reply by Dana to our mail FILE
# (its Message-ID and References), as a mail client writes one.
reply_to() {
	local file=$1 id=$2 subject=$3 msgid refs
	shift 3
	msgid=$(smtp_header "$file" message-id)
	refs=$(smtp_header "$file" references)
	{
		printf '%s\n' "From: Dana Whitfield <$DANA>" \
		    "To: Test Mentoring Program <mentoring@example.org>" \
		    "Subject: Re: $subject" \
		    "Date: Wed, 14 Jan 2026 10:02:11 -0700" \
		    "Message-ID: <$id@ccpls.example.org>" \
		    "In-Reply-To: $msgid" "References: $refs $msgid" \
		    "MIME-Version: 1.0" \
		    "Content-Type: text/plain; charset=utf-8" ""
		printf '%s\n' "$@"
		printf '%s\n' "" "On Tue, Dana wrote:" \
		    "> Thank you for applying to the program."
	} >"$T/$id.eml"
	echo "$T/$id.eml"
}

# ---------------------------------------------------------------------------
step "Dana's complete application, and its receipt"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
assert_exit 0 mentormail run
receipt=$(smtp_to "$DANA" | tail -n 1)
[ -n "$receipt" ] || die "setup: no receipt to Dana"
assert_eq applied "$(db "SELECT status FROM participant")" \
    "setup: Dana's application is complete"
reply=$(reply_to "$receipt" dana.role "$(smtp_header "$receipt" subject)" \
    "Library Type: Academic")

step "test-rules reads the reply as run will: an update of the application"
assert_exit 0 mentormail test-rules "$reply"
out=$(cat "$STDOUT")
assert_match '^thread: receipt$' "$out" "it is in the receipt's thread"
assert_match "^corrects: the application of $DANA\$" "$out" \
    "it corrects Dana's application"
assert_match '^kind: application$' "$out" "kind: application"
assert_match '^field\.library_type: academic$' "$out" \
    "field.library_type: academic"
cp "$DB" "$T/copy.db"
assert_exit 0 mentormail test-rules --db "$T/copy.db" "$reply"
assert_eq "$out" "$(cat "$STDOUT")" "--db FILE says the same"
assert_exit 66 mentormail test-rules --db "$T/none.db" "$reply"
assert_stderr_mentions 'no such database' "--db with no database: 66"
rm -f "$DB" "$DB"-*
assert_exit 0 mentormail test-rules "$reply"
assert_match '^kind: other$' "$(cat "$STDOUT")" \
    "with no database (no receipt was sent), it is other"
assert_no_match '^thread:' "$(cat "$STDOUT")" "and in no thread"
cp "$T/copy.db" "$DB"

step "run does what test-rules said"
mail_append INBOX "$reply"
assert_exit 0 mentormail run
assert_eq application "$(db "SELECT kind FROM message
	   WHERE message_id = 'dana.role@ccpls.example.org'")" \
    "the reply is recorded as an application"
assert_eq academic "$(db "SELECT value FROM participant_field
	   WHERE name = 'library_type'")" "Dana's library type is now academic"
assert_eq 1 "$(db "SELECT count(*) FROM participant")" \
    "and she is one participant still"

step "a question, not understood; and an answer to that"
question=$T/question.eml
printf '%s\n' "From: Dana Whitfield <$DANA>" \
    "To: Test Mentoring Program <mentoring@example.org>" \
    "Subject: parking" "Message-ID: <dana.parking@ccpls.example.org>" \
    "" "Is there parking at the library for the first meeting?" \
    >"$question"
mail_append INBOX "$question"
assert_exit 0 mentormail run
assert_eq other "$(db "SELECT kind FROM message
	   WHERE message_id = 'dana.parking@ccpls.example.org'")" \
    "setup: the question is other"

# ---------------------------------------------------------------------------
step "the stored mail, handled again into a fresh database: the same"
before=$(summary)
mkdir -p "$T/stored"
for id in $(db "SELECT id FROM message ORDER BY id"); do
	db "SELECT writefile('$T/stored/' || printf('%03d', id) || '.eml', raw)
	    FROM message WHERE id = $id" >/dev/null
done
assert_eq 3 "$(find "$T/stored" -name '*.eml' | wc -l)" \
    "setup: the three messages the database kept"
fresh_server
mail_append INBOX "$T/stored"
assert_exit 0 mentormail run
assert_same_lines "$before" "$(summary)" \
    "every message the same kind, every participant the same fields"
assert_db_ok
