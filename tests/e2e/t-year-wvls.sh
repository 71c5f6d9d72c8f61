#!/bin/bash
#
# A year of the WVLS Mentoring Program (presets/wvls), on the real servers,
# from the applications to the evaluations:
#  - seven applications on the WVLS form; a mentor with one year of
#    experience is told the program asks two;
#  - three pairs approved on 6 January 2026: the first meeting, in
#    person, and the goals are due on 5 February;
#  - Kayla sends her goals on time, Allison late after two reminders;
#    Allison and Dan meet only on Zoom in the first month, so both are
#    reminded twice and the coordinator is told;
#  - Rita's visits are held until they come to six hours, then paid
#    ($125 each, three at most), with 70 cents a mile;
#  - Allison and Dan go silent in the spring: both are nudged, then the
#    coordinator is told; they meet again in June, and that visit
#    releases Dan's stipends;
#  - at the four-month check-in Sue says the match with Jordan is not a
#    good fit: it ends, both are asked for their evaluation, and Jordan is
#    matched with Mark, who applied in April;
#  - the year ends on 6 January 2027: evaluations from Kayla, Rita and
#    Allison, not Dan, who is reminded twice; the coordinator is told;
#    the thank-you goes out;
#  - every person got exactly the mail listed, and `report` and `status`
#    say where everything stands.
#
# Runs: every day through the first six weeks of the year and the first
# two after its end, on every day something arrives or falls due, and a
# quiet one whenever a week has gone by without a run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

dovecot_start
smtpd_start
preset_config wvls
COORD=communications@wvls.example.org

KAYLA=director@colbylibrary.example.org
ALLISON=akrueger@tomahawklibrary.example.org
JORDAN=jreyes@rhinelanderlibrary.example.org
RITA=rolson@mcpl.example.org
DAN=dmeyer@tbscott.example.org
SUE=slang@antigolibrary.example.org
MARK=mvogel@minocqualibrary.example.org
NEWBIE=tpeters@abbotsfordlibrary.example.org

# wvls_app ROLE NAME EMAIL LIBRARY POSITION COUNTY YEARS TEXT: a WVLS
# application, as the form has it.
wvls_app() {
	local role=$1 name=$2 email=$3 library=$4 position=$5 county=$6
	local years=$7 text=$8 mentor=' ' mentee=' ' ry='' ay='' need='' give=''
	if [ "$role" = mentor ]; then
		mentor=X ry=$years give=$text
	else
		mentee=X ay=$years need=$text
	fi
	send "$email" "$name" "WVLS Mentoring Program application" \
"WVLS Mentoring Program Application
Applying as:  [$mentor] Mentor (2+ years relevant experience)   [$mentee] Mentee (2 or less years of administrative experience)
Name: $name
Library: $library
Position: $position
Email: $email
Geographic location (county): $county
Mentors - Years of relevant experience: $ry
Mentees - Years of administrative experience: $ay
Mentees - What do you most need help with?
$need
Mentors - What expertise would you like to share?
$give
Mentors - How many mentees could you take on? 1
Preferred way to meet (in person / virtual / either): In person"
}

# met WHO DAY MODE HOURS [MORE]: a meeting report, in reply to the
# introduction.
met() {
	local how="in person"
	[ "$3" = virtual ] && how="on Zoom"
	reply_to "$1" introduction "$1" \
	    "We met $how on $2 for $4 hours.${5:+ $5}"
}

evaluation() {
	reply_to "$1" mentorship-end "$1" "Satisfaction (1 to 5): $2
Will you keep in touch (yes or no): $3${4:+
Would you mentor again (yes or no): $4}
Comments: $5"
}

YEAR_DAILY="2026-01-05:2026-02-19 2027-01-05:2027-01-16"
# What falls due after the first weeks: the contact nudges of the 6th and
# the 8th of each month, the check-ins, the end of match 3 and its
# evaluations, the goals and first meeting of match 4, the end of the
# year and the evaluations owed.
YEAR_DAYS="2026-03-20 2026-04-20 2026-05-06 2026-05-20 2026-05-30 \
2026-05-31 2026-06-09 2026-06-10 2026-06-20 2026-06-21 2026-06-22 2026-07-20 \
2026-07-22 2026-08-20 2026-08-22 2026-09-06 2026-09-08 2026-09-20 2026-09-22 \
2026-10-20 2026-10-22 2026-11-20 2026-11-22 2026-12-20 2026-12-22 \
2027-01-20 2027-01-22 2027-01-29 2027-02-08 2027-02-19 2027-02-20"

before_run() {
	case $1 in
	2026-01-05)
		wvls_app mentee "Kayla Jurgens" "$KAYLA" "Colby Public Library" \
		    "Library Director" "Clark County" 1 \
		    "Budget preparation for the city council and county, and a strategic plan."
		wvls_app mentee "Allison Krueger" "$ALLISON" "Tomahawk Public Library" \
		    "Library Director" "Lincoln County" 2 \
		    "Working with my library board, and writing board policies."
		wvls_app mentee "Jordan Reyes" "$JORDAN" "Rhinelander District Library" \
		    "Branch Manager" "Oneida County" 1 \
		    "Grant writing and outreach to rural families."
		wvls_app mentor "Rita Olson" "$RITA" "Marathon County Public Library" \
		    "Library Director" "Marathon County" 12 \
		    "Budget preparation, strategic plans, and presenting to a city council."
		wvls_app mentor "Dan Meyer" "$DAN" "T.B. Scott Free Library" \
		    "Library Director" "Lincoln County" 9 \
		    "Board relations, board policies and library law."
		wvls_app mentor "Sue Lang" "$SUE" "Antigo Public Library" \
		    "Library Director" "Langlade County" 6 \
		    "Grant writing, and outreach programs for rural families."
		wvls_app mentor "Tom Peters" "$NEWBIE" "Abbotsford Public Library" \
		    "Library Director" "Clark County" 1 \
		    "Library technology."
		;;
	2026-01-09)
		reply_to "$KAYLA" introduction "$KAYLA" "Here are my goals:
1. A budget the city council approves without cuts.
2. A three-year strategic plan, with the board."
		;;
	2026-01-14) met "$RITA" 2026-01-13 in-person 2.5 \
		    "We met at the Colby Public Library. I drove 42 miles." ;;
	2026-01-20)
		reply_to "$JORDAN" introduction "$JORDAN" "My goals:
- a first grant application, to the Wisconsin Humanities Council
- an outreach visit to each school in the district"
		;;
	2026-01-22) met "$SUE" 2026-01-21 in-person 3 "I drove 35 miles." ;;
	2026-02-03) met "$DAN" 2026-02-02 virtual 1 ;;
	2026-02-10)
		reply_to "$ALLISON" goals-reminder "$ALLISON" "Sorry for the delay. My goals:
1. Run my first board meeting with a real agenda.
2. Rewrite the collection and meeting room policies."
		;;
	2026-02-24) met "$ALLISON" 2026-02-23 in-person 2 ;;
	2026-02-25) met "$SUE" 2026-02-25 virtual 1 ;;
	2026-03-03) met "$RITA" 2026-03-03 in-person 2 "I drove 42 miles." ;;
	2026-03-30) met "$JORDAN" 2026-03-30 virtual 0.75 ;;
	2026-04-01)
		wvls_app mentor "Mark Vogel" "$MARK" "Minocqua Public Library" \
		    "Library Director" "Oneida County" 15 \
		    "Grant writing for small libraries, and outreach to rural families."
		;;
	2026-04-14) met "$RITA" 2026-04-14 virtual 1 ;;
	2026-05-07)
		reply_to "$KAYLA" checkin "$KAYLA" "It is going very well: we are halfway through the strategic plan."
		reply_to "$SUE" checkin "$SUE" "To be honest the match is not a good fit: Jordan needs someone closer to Oneida County."
		;;
	2026-05-12) met "$RITA" 2026-05-12 in-person 2 "I drove 42 miles." ;;
	2026-05-15) evaluation "$JORDAN" 2 no "" "We met only twice." ;;
	2026-05-28) met "$MARK" 2026-05-28 in-person 6 "A whole day at Rhinelander. I drove 60 miles." ;;
	2026-06-01)
		reply_to "$JORDAN" introduction "$JORDAN" "My goals with Mark:
1. Submit the Humanities Council grant in September.
2. Start a rural outreach route this summer."
		;;
	2026-06-11) met "$DAN" 2026-06-10 in-person 4 "Back on track. I drove 28 miles." ;;
	2026-07-01) met "$MARK" 2026-07-01 virtual 1 ;;
	2026-07-08) met "$RITA" 2026-07-08 in-person 3 "I drove 42 miles." ;;
	2026-08-03) met "$MARK" 2026-08-03 virtual 1 ;;
	2026-08-12) met "$DAN" 2026-08-12 virtual 1 ;;
	2026-09-07)
		reply_to "$RITA" checkin "$RITA" "Going well, thank you."
		reply_to "$ALLISON" checkin "$ALLISON" "Much better since June."
		;;
	2026-09-09) met "$MARK" 2026-09-09 in-person 3 "I drove 60 miles." ;;
	2026-10-05) met "$MARK" 2026-10-05 virtual 1 ;;
	2026-10-28) met "$DAN" 2026-10-28 in-person 1.5 ;;
	2026-11-03) met "$RITA" 2026-11-03 virtual 1 ;;
	2026-11-04) met "$MARK" 2026-11-04 virtual 1 ;;
	2026-12-01) met "$KAYLA" 2026-12-01 in-person 2 ;;
	2026-12-02)
		met "$DAN" 2026-12-02 virtual 1
		met "$MARK" 2026-12-02 virtual 1
		;;
	2027-01-09)
		reply_to "$MARK" checkin "$MARK" "All fine."
		;;
	2027-01-10) evaluation "$KAYLA" 5 yes "" "Rita was a great mentor." ;;
	2027-01-12) evaluation "$RITA" 4 yes yes "A good year." ;;
	2027-01-15) evaluation "$ALLISON" 3 no "" "Good after a slow start." ;;
	esac
}

after_run() {
	case $1 in
	2026-01-05)
		assert_mails "$NEWBIE" ineligible
		assert_match 'at least two years of relevant experience' \
		    "$(body_of "$NEWBIE" ineligible)" \
		    "Tom is told the program asks two years"
		assert_eq 3 "$(db "SELECT count(*) FROM match
		    WHERE status = 'proposed'")" "three pairs are proposed"
		;;
	2026-01-06)
		approve "$KAYLA" "$RITA"
		approve "$ALLISON" "$DAN"
		approve "$JORDAN" "$SUE"
		body=$(body_of "$RITA" introduction)
		assert_match 'You will receive a stipend of \$125 for each in-person meeting' \
		    "$body" "Rita's introduction: the stipend"
		assert_match 'owed once your in-person meetings come to 6 hours in all' \
		    "$(printf '%s' "$body" | tr '\n' ' ')" "... once six hours in all"
		assert_match 'hold your first meeting in person by 5 February 2026' \
		    "$body" "... and the first meeting in person by 5 February"
		assert_match '^attachment; filename="?wvls-program\.txt"?' \
		    "$(tr -d '\r' <"$(mail_file "$RITA" introduction)" |
		    sed -n 's/^Content-Disposition: //p')" \
		    "the program's outline is attached"
		;;
	2026-01-14)
		assert_match 'earns the \$125 stipend, owed once your in-person meetings come to 6 hours \(2\.5 so far\)' \
		    "$(body_of "$RITA" meeting-receipt | tr '\n' ' ')" \
		    "Rita's first visit: the stipend is held"
		;;
	2026-01-29)
		assert_eq "goals-reminder first-meeting-reminder first-meeting-reminder" \
		    "$(db "SELECT group_concat(kind, ' ') FROM outbox WHERE
		    created_at LIKE '2026-01-29%' AND kind != 'digest'")" \
		    "a week before: Allison's goals, and the first meeting of match 2"
		;;
	2026-02-10)
		assert_match 'They arrived after 5 February 2026' \
		    "$(body_of "$ALLISON" goals-receipt)" "Allison's goals are late"
		;;
	2026-02-19)
		assert_eq "first_meeting: no first meeting has been reported (due 5 February 2026)" \
		    "$(notices)" "the coordinator is told of match 2's first meeting"
		assert_match 'no first meeting has been reported' \
		    "$(body_of "$COORD" digest)" "... in that day's digest"
		;;
	2026-04-20)
		assert_eq 2 "$(db "SELECT count(*) FROM outbox WHERE kind =
		    'contact-nudge'")" "Allison and Dan are nudged, once each"
		;;
	2026-05-07)
		assert_eq ended "$(pair_status "$JORDAN" "$SUE")" \
		    "Sue's answer ends match 3"
		assert_match "^Match [0-9]+ \(new\): Jordan Reyes <$JORDAN> with Mark Vogel <$MARK>" \
		    "$(body_of "$COORD" proposals)" \
		    "the next round proposes Mark for Jordan"
		;;
	2026-05-08)
		approve "$JORDAN" "$MARK"
		;;
	2026-05-12)
		body=$(body_of "$RITA" meeting-receipt | tr '\n' ' ')
		assert_match 'This is paid meeting 3 of 3: \$125; your running total is \$375\.' \
		    "$body" "Rita's visits come to 6.5 hours: all three are paid"
		assert_match 'now come to 6\.5 hours: the stipends held until then are owed too' \
		    "$body" "... and her receipt says so"
		;;
	2026-05-20)
		assert_match '^silent: the pair have not been in touch since 23 February 2026, after a reminder$' \
		    "$(notices)" "silent again: the coordinator is told of match 2"
		;;
	2026-06-11)
		assert_match 'now come to 6 hours' \
		    "$(body_of "$DAN" meeting-receipt)" \
		    "Dan's June visit releases his stipends"
		;;
	2026-07-08)
		assert_match 'no stipend: the paid meetings are all used' \
		    "$(body_of "$RITA" meeting-receipt)" "Rita's fourth visit is not paid"
		;;
	2027-01-06)
		assert_eq "completed completed completed completed" \
		    "$(db "SELECT group_concat(status, ' ') FROM participant WHERE
		    email IN ('$KAYLA', '$RITA', '$ALLISON', '$DAN')")" \
		    "the year's end takes matches 1 and 2 out of the pool"
		;;
	esac
}

# ---------------------------------------------------------------------------
step "a year of the WVLS Mentoring Program, 2026"
year 2026-01-05 2027-02-20
note "$RUNS runs"

# ---------------------------------------------------------------------------
step "every person got exactly this mail"
assert_mails "$KAYLA" receipt introduction goals-receipt checkin \
    checkin-receipt checkin meeting-receipt mentorship-end evaluation-receipt \
    thanks
assert_mails "$RITA" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt checkin meeting-receipt meeting-receipt checkin \
    checkin-receipt meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$ALLISON" receipt introduction goals-reminder \
    first-meeting-reminder goals-reminder first-meeting-reminder \
    goals-receipt meeting-receipt contact-nudge checkin checkin \
    checkin-receipt mentorship-end evaluation-receipt thanks
assert_mails "$DAN" receipt introduction first-meeting-reminder \
    meeting-receipt first-meeting-reminder contact-nudge checkin \
    meeting-receipt meeting-receipt checkin meeting-receipt meeting-receipt \
    mentorship-end evaluation-reminder evaluation-reminder thanks
assert_mails "$JORDAN" receipt introduction goals-receipt meeting-receipt \
    checkin mentorship-end introduction evaluation-receipt goals-reminder \
    goals-receipt thanks checkin checkin
assert_mails "$SUE" receipt introduction meeting-receipt meeting-receipt \
    checkin checkin-receipt mentorship-end evaluation-reminder \
    evaluation-reminder thanks
assert_mails "$MARK" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt checkin meeting-receipt meeting-receipt meeting-receipt \
    meeting-receipt checkin checkin-receipt
assert_mails "$NEWBIE" ineligible
assert_same_lines "proposals
proposals" "$(mails_to "$COORD" | grep -v '^digest$')" \
    "the coordinator got two rounds of proposals, and digests"
assert_eq 0 "$(db "SELECT count(*) FROM notice WHERE reported_at IS NULL")" \
    "every notice was in a digest"
assert_eq 0 "$(db "SELECT count(*) FROM (SELECT count(*) n FROM outbox
    WHERE kind = 'digest' GROUP BY substr(created_at, 1, 10)) WHERE n > 1")" \
    "never two digests a day"
assert_all_delivered

# ---------------------------------------------------------------------------
step "the coordinator's report at the end"
assert_exit 0 coordinator report
assert_report_line "^match 1: Kayla Jurgens <$KAYLA> with Rita Olson <$RITA>\$" \
    "match 1 is Kayla and Rita"
assert_report_line '^  ended 6 January 2027 \(completed\), began 6 January 2026$' \
    "it ran the year"
assert_report_line '^  goals: in on 10 February 2026 \(late\)$' \
    "Allison's goals were late"
assert_report_line '^  ended 7 May 2026 \(not a good fit \(the mentor said so\)\), began 6 January 2026$' \
    "match 3 ended as not a good fit"
assert_report_line '^  active, 8 May 2026 to 8 May 2027$' "match 4 runs on"
assert_report_line '^  next: the end, by 8 May 2027$' "... to May"
assert_same_lines "  Dan Meyer <$DAN>: 3 paid meetings, \$375.00, travel \$19.60, owed \$394.60
  Mark Vogel <$MARK>: 2 paid meetings, \$250.00, travel \$84.00, owed \$334.00
  Rita Olson <$RITA>: 3 paid meetings, \$375.00, travel \$117.60, owed \$492.60
  Sue Lang <$SUE>: 0 paid meetings, \$0.00, travel \$24.50, owed \$24.50" \
    "$(sed -n '/^stipends and travel payable:$/,/^$/p' "$STDOUT" | sed '1d;$d')" \
    "report: the stipends and travel owed to each mentor"
assert_same_lines "evaluations: 4 in of 6 expected from pairs that ended
  mean satisfaction: 3.5 of 5 (4 answers)
  will keep in touch: 50% (2 of 4)
  mentors who would mentor again: 100% (1 of 1)" \
    "$(sed -n '/^evaluations: /,$p' "$STDOUT")" "report: the evaluation figures"

assert_eq "participants.applied: 3
participants.completed: 4
matches.active: 1
matches.ended: 3
calendar.goals: 4
calendar.meetings: 23
calendar.evaluations: 4
stipends.paid: 1245.7" \
    "$(mentormail status; grep -E '^(matches\.(active|ended)|calendar\.(goals|meetings|evaluations)|stipends\.paid|participants\.(completed|applied)):' "$STDOUT")" \
    "status: the matches, the calendar and the stipends"
assert_db_ok
