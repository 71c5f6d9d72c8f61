# shellcheck shell=bash
#
# year.sh -- sourced by the simulated program years (t-year-*.sh), after
# lib.sh: a preset filled in for the test servers, mail from the people
# of the program written on the spot, one run per simulated day, and the
# checks of what each person got.
#
# Program:   preset_config NAME [SECTION.KEY=VALUE...], fill_preset FILE
#            NAME [SECTION.KEY=VALUE...]
# Mail:      send FROM NAME SUBJECT BODY, reply_to ADDRESS KIND FROM BODY
#            (in the thread of the last mail of KIND the program sent to
#            ADDRESS, as a mail program's "Reply" does), mail_file and
#            body_of ADDRESS KIND (the last such mail), wla_app (an
#            application on the WLA form)
# Time:      on DAY (one run on DAY at 09:00 in the program's zone),
#            year FROM TO (runs through the year: see there),
#            every_day FROM TO, every_week FROM TO, day_after DAY N,
#            coordinator COMMAND... (a command as the coordinator runs
#            it, with the day of the last run)
# Checks:    mails_to ADDRESS (the kinds sent to ADDRESS, in order, one a
#            line), assert_mails ADDRESS KIND..., assert_all_delivered,
#            match_of MENTEE_ADDRESS, assert_report_line REGEX DESCRIPTION
#
# RUNS counts the runs of the scenario, TODAY is the day of the last one.

RUNS=0
TODAY=
MAIL_SEQ=0

# fill_preset FILE NAME [SECTION.KEY=VALUE...]: presets/NAME/mentormail.conf
# with its "set:" lines set for the test servers started last, as a
# coordinator fills it in: the database, the paths written out in full,
# [imap] and [smtp] on loopback; then each SECTION.KEY=VALUE (an empty
# VALUE removes the key).
fill_preset() {
	local file=$1 name=$2 preset=$TOP/presets/$2
	shift 2
	[ -f "$preset/mentormail.conf" ] || die "no preset $name"
	local -a set=(
		"program.database=$DB"
		"program.rules=$TOP/rules"
		"program.templates=$TOP/templates"
		"imap.host=127.0.0.1" "imap.port=$IMAP_PORT" "imap.security=none"
		"imap.username=$IMAP_USER" "imap.password_file=$T/imap.password"
		"smtp.host=127.0.0.1" "smtp.port=${SMTP_PORT:=$(pick_port)}"
		"smtp.security=none" "smtp.username=" "smtp.password_file="
	)
	[ -d "$preset/templates" ] &&
	    set+=("program.own_templates=$preset/templates")
	awk -v sets="$(printf '%s\n' "${set[@]}" "$@")" '
		BEGIN {
			n = split(sets, lines, "\n")
			for (i = 1; i <= n; i++) {
				if (lines[i] == "") continue
				eq = index(lines[i], "=")
				k = substr(lines[i], 1, eq - 1)
				want[k] = substr(lines[i], eq + 1)
				order[++m] = k
			}
		}
		function flush(   i, k) {
			for (i = 1; i <= m; i++) {
				k = order[i]
				if (index(k, section ".") == 1 && !(k in done) &&
				    want[k] != "")
					print substr(k, length(section) + 2) " = " want[k]
				if (index(k, section ".") == 1) done[k] = 1
			}
		}
		/^\[/ {
			if (section != "") flush()
			section = substr($0, 2, index($0, "]") - 2)
			print; next
		}
		/^[a-z_.]+[ \t]*=/ {
			k = $0; sub(/[ \t]*=.*/, "", k); k = section "." k
			if (k in want) {
				done[k] = 1
				if (want[k] != "")
					print substr(k, length(section) + 2) " = " want[k]
				next
			}
		}
		{ print }
		END { flush() }
	' "$preset/mentormail.conf" >"$file" || die "fill_preset $name failed"
	printf '%s\n' "$IMAP_SECRET" >"$T/imap.password"
	chmod 600 "$T/imap.password"
}

# preset_config NAME [SECTION.KEY=VALUE...]: $CONF, from the preset.
preset_config() {
	fill_preset "$CONF" "$@"
}

# send FROM NAME SUBJECT BODY [HEADER...]: deliver a message from FROM
# ("Name" NAME) to the program's INBOX.
send() {
	local from=$1 name=$2 subject=$3 body=$4 file
	shift 4
	MAIL_SEQ=$((MAIL_SEQ + 1))
	mkdir -p "$T/in"
	printf -v file '%s/in/%05d.eml' "$T" "$MAIL_SEQ"
	{
		printf 'From: "%s" <%s>\n' "$name" "$from"
		printf 'To: <%s>\n' "$(sed -n 's/^address = //p' "$CONF")"
		printf 'Subject: %s\n' "$subject"
		printf 'Date: %s\n' "$(date -u -R -d "${TODAY:-2026-01-01} 12:00")"
		printf 'Message-ID: <year.%d.%s@example.net>\n' "$MAIL_SEQ" \
		    "${T##*.}"
		local h
		for h; do
			printf '%s\n' "$h"
		done
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		printf '%s\n' "$body"
	} >"$file"
	mail_append INBOX "$file"
}

# reply_to ADDRESS KIND FROM BODY: FROM answers, in its thread, the last
# mail of KIND the program sent to ADDRESS (FROM is ADDRESS unless a
# supervisor answers for the address they were asked at).
reply_to() {
	local to=$1 kind=$2 from=$3 body=$4 id file subject name
	file=$(mail_file "$to" "$kind")
	[ -n "$file" ] || die "reply_to: the SMTP server has no $kind to $to"
	id=$(smtp_header "$file" message-id)
	subject=$(smtp_header "$file" subject)
	name=$(db "SELECT value FROM participant_field f JOIN participant p
	    ON p.id = f.participant WHERE p.email = '$from' AND
	    f.name = 'name'")
	send "$from" "${name:-$from}" "Re: $subject" "$body" \
	    "In-Reply-To: $id" "References: $id"
}

# mail_file ADDRESS KIND: the SMTP server's file of the last mail of KIND
# sent to ADDRESS.
mail_file() {
	local id
	id=$(db "SELECT message_id FROM outbox WHERE to_addr = '$1' AND
	    kind = '$2' AND status = 'sent' ORDER BY id DESC LIMIT 1")
	[ -n "$id" ] || return 0
	smtp_messages | xargs grep -il -- "^Message-Id: <$id>" | head -n 1
}

# body_of ADDRESS KIND: its text, as the recipient reads it.
body_of() {
	local file
	file=$(mail_file "$1" "$2")
	[ -n "$file" ] && smtp_body "$file"
}

# wla_app ROLE NAME EMAIL LIBRARY TYPE ROLE_NOW YEARS TEXT [PREFERENCE]: an
# application on the WLA (Washington) form, the mentor's or the mentee's.
wla_app() {
	local role=$1 name=$2 email=$3 library=$4 type=$5 now=$6 years=$7
	local text=$8 pref=${9:-Either} title=Mentee question="What do you hope to learn?"
	if [ "$role" = mentor ]; then
		title=Mentor question="How do you imagine supporting a mentee?"
	fi
	send "$email" "$name" "WLA $role application - $name" \
"WLA Mentorship Program - $title Application

Name: $name
Email: $email
Library or organization: $library
Library type: $type
Current role: $now
Years of library experience: $years

$question
$text

How many mentees can you take on this cycle? 1
Preferred way to meet (in person / virtual / either): Either
When matching, do you prefer career alignment or identity? $pref"
}

# on DAY: one run on DAY (YYYY-MM-DD) at 09:00, the program's morning.
on() {
	TODAY=$1
	RUNS=$((RUNS + 1))
	mentormail run --now "${1}T09:00:00" ||
	    fail "the run of $1 failed" "$(head -c 600 "$STDERR")"
}

# day_after DAY N: the day N days after DAY.
day_after() {
	date -u -d "$1 + $2 days" +%Y-%m-%d
}

# every_day FROM TO: a run on each day from FROM to TO.
every_day() {
	local d=$1
	while [[ ! $d > $2 ]]; do
		on "$d"
		d=$(day_after "$d" 1)
	done
}

# every_week FROM TO: a run on FROM and every seventh day after, to TO.
every_week() {
	local d=$1
	while [[ ! $d > $2 ]]; do
		on "$d"
		d=$(day_after "$d" 7)
	done
}

# year FROM TO: the simulated year, day by day.  A run happens on each
# day of the windows in YEAR_DAILY ("FROM:TO ..."), on each day listed in
# YEAR_DAYS (the days something falls due), on each day the scenario's
# before_run or after_run names (a "YYYY-MM-DD)" case: something arrives
# or is done), and a week after the last run when none came in between.
# For each: before_run DAY (the mail
# that arrives that day), the run, then after_run DAY (the coordinator's
# commands, the checks).
year() {
	local d=$1
	YEAR_ACTIONS=$(declare -f before_run after_run |
	    grep -o '20[0-9][0-9]-[0-9][0-9]-[0-9][0-9])' | tr -d ')' |
	    tr '\n' ' ')
	while [[ ! $d > $2 ]]; do
		if runs_on "$d"; then
			# The day's mail is dated that day, as it would be.
			TODAY=$d
			before_run "$d"
			on "$d"
			after_run "$d"
		fi
		d=$(day_after "$d" 1)
	done
}

runs_on() {
	local w
	for w in $YEAR_DAILY; do
		[[ $1 < ${w%%:*} || $1 > ${w##*:} ]] || return 0
	done
	[[ " $YEAR_DAYS $YEAR_ACTIONS " == *" $1 "* ]] && return 0
	# And a quiet run when a week has gone by without one.
	[ -z "$TODAY" ] || [[ ! $(day_after "$TODAY" 7) > $1 ]]
}

# coordinator COMMAND...: mentormail COMMAND as the coordinator runs it
# on the day of the last run (at 10:00, after it).
coordinator() {
	mentormail --now "${TODAY}T10:00:00" "$@"
}

# mails_to ADDRESS: the kinds of the mail sent to ADDRESS, in order.
mails_to() {
	db "SELECT kind FROM outbox WHERE to_addr = '$1' AND status = 'sent'
	    ORDER BY id"
}

# assert_mails ADDRESS KIND...: ADDRESS got exactly these, in this order.
assert_mails() {
	local to=$1
	shift
	assert_same_lines "$(printf '%s\n' "$@")" "$(mails_to "$to")" \
	    "$to got: $*"
}

# Every mail queued was sent, and the SMTP server has each one.
assert_all_delivered() {
	assert_eq 0 "$(db "SELECT count(*) FROM outbox WHERE status != 'sent'")" \
	    "every mail queued was sent"
	assert_eq "$(db "SELECT count(*) FROM outbox")" "$(smtp_count)" \
	    "the SMTP server has every one of them"
}

# match_of MENTEE_ADDRESS: the id of the mentee's latest match.
match_of() {
	db "SELECT m.id FROM match m JOIN participant p ON p.id = m.mentee
	    WHERE p.email = '$1' ORDER BY m.id DESC LIMIT 1"
}

# pair_status MENTEE MENTOR: the status of the latest match of the two.
pair_status() {
	db "SELECT m.status FROM match m JOIN participant a ON a.id = m.mentee
	    JOIN participant b ON b.id = m.mentor WHERE a.email = '$1' AND
	    b.email = '$2' ORDER BY m.id DESC LIMIT 1"
}

# proposal MENTEE MENTOR: the id of the proposal pairing the two.
proposal() {
	db "SELECT m.id FROM match m JOIN participant a ON a.id = m.mentee
	    JOIN participant b ON b.id = m.mentor WHERE a.email = '$1' AND
	    b.email = '$2' AND m.status = 'proposed'"
}

# approve MENTEE MENTOR: the coordinator approves the proposal of the two.
approve() {
	local id
	id=$(proposal "$1" "$2")
	[ -n "$id" ] || die "no proposal of $1 with $2" \
	    "$(db "SELECT m.id, a.email, b.email FROM match m JOIN participant
	    a ON a.id = m.mentee JOIN participant b ON b.id = m.mentor WHERE
	    m.status = 'proposed'")"
	assert_exit 0 coordinator match approve "$id"
}

# assert_report_line REGEX DESCRIPTION: the last `report` has such a line.
assert_report_line() {
	assert_match "$1" "$(cat "$STDOUT")" "report: $2"
}

# The notices of the coordinator, one text a line, in order.
notices() {
	db "SELECT what || ': ' || text FROM notice ORDER BY id"
}
