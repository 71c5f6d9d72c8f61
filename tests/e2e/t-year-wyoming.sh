#!/bin/bash
#
# A year of the Wyoming Library Association Mentoring Program
# (presets/wyoming), on the real servers:
#  - seven applications on the Wyoming form, protégés and mentors; every
#    mail calls the mentee a protégé;
#  - the coordinator approves three pairings, and before any introduction
#    the mentor, the protégé and (where the form names one) the protégé's
#    supervisor confirm it by replying "yes" in the thread of the request;
#    Emma's supervisor does not answer for two weeks: the coordinator is
#    told, then she answers and the pair is introduced;
#  - Dana's goals come on time, Luis's late after two reminders;
#  - Luis and Carol go silent in the spring (nudged, then the coordinator
#    told), and take up again in June;
#  - at the four-month assessment Greg says the match with Emma is not a
#    good fit: it ends, both are asked for their evaluation, and Emma is
#    matched with Nora, who applied in April, after the three confirm
#    again;
#  - the year ends on 7 January 2027 with evaluations from Dana, Russell
#    and Luis (Carol is reminded twice, then the coordinator is told);
#  - every person got exactly the mail listed; report and status agree.
#
# Runs: every day through the first seven weeks and the ten days after
# the end, on each day something arrives or falls due, and a quiet one
# whenever a week has gone by without a run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

dovecot_start
smtpd_start
preset_config wyoming
COORD=coordinator@wyla.example.org

DANA=dana.whitfield@ccpls.example.org
LUIS=lortega@lclsonline.example.org
EMMA=ehart@uwyo.example.edu
RUSSELL=rtenney@sheridanlibraries.example.org
CAROL=cbaker@natronacountylibrary.example.org
GREG=gfox@caspercollege.example.edu
NORA=nlee@nwc.example.edu
KAREN=koyler@ccpls.example.org
RUTH=rpark@uwyo.example.edu

# wy_app ROLE NAME EMAIL LIBRARY POSITION TYPE TEXT [SUPERVISOR EMAIL]: an
# application on the Wyoming form.
wy_app() {
	local role=$1 name=$2 email=$3 library=$4 position=$5 type=$6 text=$7
	local boss=${8:-} boss_mail=${9:-} p=' ' m=' ' goals='' strengths=''
	if [ "$role" = mentor ]; then
		m=x strengths=$text
	else
		p=x goals=$text
	fi
	send "$email" "$name" "WLA Mentoring Program application" \
"Wyoming Library Association's Mentoring Program Application

Applicant Information:
Name: $name
Email Address: $email
Library Name: $library
Your current position: $position
Library Type: $type
${boss:+The applicant has secured the support of his/her direct supervisor, if needed, for participation in this program?
Yes: X
Supervisor Name/Position: $boss
Supervisor email: $boss_mail
}
Position you are applying for:
[$p] Protégé
[$m] Mentor

Protégé applicants: Please write specific goals, problems, or topics you would like addressed through this program.
$goals

Mentor applicants: Please write strengths, expertise, years of experience, positions held in the library, and/or anything else you feel supports your desire to be a mentor.
$strengths"
}

met() {
	local how="in person"
	[ "$3" = virtual ] && how="by phone"
	reply_to "$1" introduction "$1" "We met $how on $2 for $4 hours."
}

yes_to() {
	reply_to "$1" "confirm-$2" "$1" "Yes, I confirm. ${3:-}"
}

checkin_fine() {
	reply_to "$1" checkin "$1" "It is going well, thank you."
}

evaluation() {
	reply_to "$1" mentorship-end "$1" "Satisfaction (1 to 5): $2
Will you keep in touch (yes or no): $3${4:+
Would you mentor again (yes or no): $4}
Comments: $5"
}

YEAR_DAILY="2026-01-05:2026-02-24 2027-01-07:2027-01-16"
# Later due days: the nudges of the 21st (matches 1 and 2), the
# assessments, match 3's end and evaluations, match 4's goals, first
# meeting and nudges, the end of the year and the evaluations owed.
YEAR_DAYS="2026-03-07 2026-03-21 2026-04-21 2026-05-07 2026-05-21 2026-05-22 \
2026-06-15 2026-06-21 2026-06-24 2026-06-25 2026-07-06 2026-07-21 2026-08-08 \
2026-08-21 2026-09-07 2026-09-08 2026-09-21 2026-09-25 2026-10-09 2026-10-21 \
2026-11-08 2026-11-21 2026-12-09 2026-12-21 2027-01-08 2027-01-21 2027-01-25 \
2027-01-30 2027-02-08 2027-02-09 2027-02-20 2027-02-21"

before_run() {
	case $1 in
	2026-01-05)
		wy_app mentee "Dana Whitfield" "$DANA" \
		    "Campbell County Public Library System" "Branch Manager" Public \
		    "The shared ILS consortium, and supervising part-time staff for the first time." \
		    "Karen Oyler, Library Director" "$KAREN"
		wy_app mentee "Luis Ortega" "$LUIS" "Laramie County Library System" \
		    "Outreach Librarian" Public \
		    "Outreach programs and community partnerships."
		wy_app mentee "Emma Hart" "$EMMA" "University of Wyoming Libraries" \
		    "Instruction Librarian" Academic \
		    "Information literacy instruction and academic library committees." \
		    "Ruth Park, Head of Instruction" "$RUTH"
		wy_app mentor "Russell Tenney" "$RUSSELL" \
		    "Sheridan County Fulmer Public Library" "Library Director" Public \
		    "Twenty years in Wyoming libraries: the shared ILS consortium, supervising staff."
		wy_app mentor "Carol Baker" "$CAROL" "Natrona County Library" \
		    "Outreach Manager" Public \
		    "Outreach programs, community partnerships and bookmobiles."
		wy_app mentor "Greg Fox" "$GREG" "Casper College Goodstein Library" \
		    "Library Director" Academic \
		    "Academic library instruction, information literacy and committees."
		;;
	2026-01-07)
		yes_to "$RUSSELL" mentor
		yes_to "$DANA" mentee
		yes_to "$KAREN" supervisor "Dana has my support."
		yes_to "$LUIS" mentee
		yes_to "$CAROL" mentor
		yes_to "$EMMA" mentee
		;;
	2026-01-08) yes_to "$GREG" mentor ;;
	2026-01-12)
		reply_to "$DANA" introduction "$DANA" "Here are my goals:
1. Learn the consortium's circulation rules and who to call.
2. Hold my first staff evaluations with confidence."
		;;
	2026-01-20) met "$RUSSELL" 2026-01-20 in-person 2 ;;
	2026-01-22) yes_to "$RUTH" supervisor "Sorry for the delay." ;;
	2026-02-01)
		reply_to "$EMMA" introduction "$EMMA" "My goals:
- teach a credit-bearing information literacy course
- join a university committee"
		;;
	2026-02-03) met "$CAROL" 2026-02-03 virtual 1 ;;
	2026-02-10) met "$GREG" 2026-02-10 in-person 1.5 ;;
	2026-02-11)
		reply_to "$LUIS" goals-reminder "$LUIS" "My goals:
1. Start a partnership with the county extension office.
2. Plan a summer outreach series."
		;;
	2026-02-17) met "$DANA" 2026-02-17 virtual 1 ;;
	2026-03-12) met "$EMMA" 2026-03-12 virtual 1 ;;
	2026-03-24) met "$RUSSELL" 2026-03-24 in-person 2 ;;
	2026-04-15)
		wy_app mentor "Nora Lee" "$NORA" "Northwest College Hinckley Library" \
		    "Instruction Coordinator" Academic \
		    "Information literacy instruction, teaching credit courses, committees."
		;;
	2026-04-20) met "$EMMA" 2026-04-20 virtual 1 ;;
	2026-05-08) checkin_fine "$DANA" ;;
	2026-05-23)
		reply_to "$GREG" checkin "$GREG" "I'm afraid this is not a good fit: Emma needs someone who teaches credit courses."
		;;
	2026-05-24)
		yes_to "$NORA" mentor
		yes_to "$EMMA" mentee
		;;
	2026-05-25) yes_to "$RUTH" supervisor ;;
	2026-06-01) evaluation "$EMMA" 3 no "" "Not the right match." ;;
	2026-06-02) met "$CAROL" 2026-06-02 in-person 2 ;;
	2026-06-05) met "$NORA" 2026-06-05 in-person 2 ;;
	2026-06-10)
		reply_to "$EMMA" introduction "$EMMA" "My goals with Nora:
1. Design the syllabus of a one-credit course.
2. Observe two of Nora's classes."
		;;
	2026-07-01) met "$RUSSELL" 2026-07-01 virtual 1 ;;
	2026-07-06) met "$CAROL" 2026-07-06 virtual 1 ;;
	2026-07-10) met "$NORA" 2026-07-10 virtual 1 ;;
	2026-08-04) met "$CAROL" 2026-08-04 virtual 1 ;;
	2026-08-05) met "$RUSSELL" 2026-08-05 virtual 1 ;;
	2026-08-12) met "$NORA" 2026-08-12 virtual 1 ;;
	2026-09-08)
		checkin_fine "$RUSSELL"
		checkin_fine "$LUIS"
		;;
	2026-09-26) checkin_fine "$NORA" ;;
	2026-11-02) met "$RUSSELL" 2026-11-02 virtual 1 ;;
	2026-11-03) met "$CAROL" 2026-11-03 virtual 1 ;;
	2026-11-20) met "$NORA" 2026-11-20 virtual 1 ;;
	2026-12-01) met "$CAROL" 2026-12-01 virtual 1 ;;
	2026-12-03) met "$DANA" 2026-12-03 in-person 2 ;;
	2026-12-15) met "$NORA" 2026-12-15 virtual 1 ;;
	2027-01-10) evaluation "$DANA" 5 yes "" "Russell made the consortium make sense." ;;
	2027-01-12) evaluation "$RUSSELL" 4 yes yes "Dana will be a fine director." ;;
	2027-01-14) evaluation "$LUIS" 4 yes "" "Good once we got going." ;;
	2027-01-26) checkin_fine "$EMMA" ;;
	esac
}

after_run() {
	case $1 in
	2026-01-06)
		approve "$DANA" "$RUSSELL"
		approve "$LUIS" "$CAROL"
		approve "$EMMA" "$GREG"
		assert_eq 0 "$(db "SELECT count(*) FROM outbox WHERE kind =
		    'introduction'")" "nobody is introduced before confirming"
		assert_match 'Dana Whitfield, who works with you, has applied to the Wyoming Library Association Mentoring Program as a' \
		    "$(body_of "$KAREN" confirm-supervisor | tr '\n' ' ')" \
		    "Dana's supervisor is asked"
		assert_match 'as a protégé, and we propose Russell Tenney as their mentor' \
		    "$(body_of "$KAREN" confirm-supervisor | tr '\n' ' ')" \
		    "... in the program's words"
		;;
	2026-01-07)
		assert_eq "2 2" "$(db "SELECT count(*) FROM outbox WHERE kind =
		    'introduction' AND match = $(match_of "$DANA")") $(db "SELECT
		    count(*) FROM outbox WHERE kind = 'introduction' AND match =
		    $(match_of "$LUIS")")" \
		    "all yes: Dana and Russell, Luis and Carol are introduced"
		assert_match 'We are delighted to introduce you to your protégé' \
		    "$(body_of "$RUSSELL" introduction)" "Russell meets his protégé"
		assert_match '^attachment; filename="?wyoming-guidelines\.txt"?' \
		    "$(tr -d '\r' <"$(mail_file "$DANA" introduction)" |
		    sed -n 's/^Content-Disposition: //p')" \
		    "the program's guidelines are attached"
		;;
	2026-01-20)
		assert_eq "confirm: the supervisor has not confirmed the pairing (asked 6 January 2026)" \
		    "$(notices)" "two weeks without the supervisor's answer: the coordinator is told"
		;;
	2026-01-22)
		assert_eq approved "$(pair_status "$EMMA" "$GREG")" \
		    "Ruth's yes introduces Emma and Greg"
		assert_match 'Your mentorship runs from 22 January 2026 to 22 January 2027' \
		    "$(body_of "$EMMA" introduction)" "... for twelve months from today"
		;;
	2026-05-21)
		assert_match '^silent: the pair have not been in touch since 11 February 2026, after a reminder$' \
		    "$(notices)" "Luis and Carol silent again: the coordinator is told"
		;;
	2026-05-23)
		assert_eq ended "$(pair_status "$EMMA" "$GREG")" \
		    "Greg's answer ends match 3"
		assert_match "Emma Hart <$EMMA> with Nora Lee <$NORA>" \
		    "$(body_of "$COORD" proposals)" "the next round proposes Nora"
		approve "$EMMA" "$NORA"
		;;
	2026-05-25)
		assert_eq approved "$(pair_status "$EMMA" "$NORA")" \
		    "all three confirm again: Emma and Nora are introduced"
		;;
	2027-01-07)
		assert_eq "2 2" "$(db "SELECT count(*) FROM outbox WHERE kind =
		    'mentorship-end' AND match = $(match_of "$DANA")") $(db "SELECT
		    count(*) FROM outbox WHERE kind = 'mentorship-end' AND match =
		    $(match_of "$LUIS")")" "12 calendar months: matches 1 and 2 end"
		;;
	esac
}

# ---------------------------------------------------------------------------
step "a year of the Wyoming Library Association Mentoring Program, 2026"
year 2026-01-05 2027-02-21
note "$RUNS runs"

# ---------------------------------------------------------------------------
step "every person got exactly this mail"
assert_mails "$DANA" receipt confirm-mentee confirm-receipt introduction \
    goals-receipt meeting-receipt checkin checkin-receipt checkin \
    meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$RUSSELL" receipt confirm-mentor confirm-receipt introduction \
    meeting-receipt meeting-receipt checkin meeting-receipt meeting-receipt \
    checkin checkin-receipt meeting-receipt mentorship-end evaluation-receipt \
    thanks
assert_mails "$KAREN" confirm-supervisor confirm-receipt
# A week before the first meeting is due, none is reported for match 2:
# both are reminded (Carol's call comes four days later).
assert_mails "$LUIS" receipt confirm-mentee confirm-receipt introduction \
    goals-reminder first-meeting-reminder goals-reminder goals-receipt \
    contact-nudge checkin checkin checkin-receipt mentorship-end \
    evaluation-receipt thanks
# Carol's yes is the last: the introduction is sent before her receipt.
assert_mails "$CAROL" receipt confirm-mentor introduction confirm-receipt \
    first-meeting-reminder meeting-receipt contact-nudge checkin meeting-receipt meeting-receipt \
    meeting-receipt checkin meeting-receipt meeting-receipt mentorship-end \
    evaluation-reminder evaluation-reminder thanks
assert_mails "$EMMA" receipt confirm-mentee confirm-receipt introduction \
    goals-receipt meeting-receipt meeting-receipt checkin mentorship-end \
    confirm-mentee confirm-receipt introduction evaluation-receipt \
    goals-receipt thanks checkin checkin checkin-receipt
assert_mails "$GREG" receipt confirm-mentor confirm-receipt introduction \
    meeting-receipt checkin checkin-receipt mentorship-end \
    evaluation-reminder evaluation-reminder thanks
assert_mails "$RUTH" confirm-supervisor confirm-receipt confirm-supervisor \
    confirm-receipt
assert_mails "$NORA" receipt confirm-mentor confirm-receipt introduction \
    meeting-receipt meeting-receipt meeting-receipt checkin checkin-receipt \
    meeting-receipt meeting-receipt checkin
assert_same_lines "proposals
proposals" "$(mails_to "$COORD" | grep -v '^digest$')" \
    "the coordinator got two rounds of proposals, and digests"
assert_eq 0 "$(db "SELECT count(*) FROM notice WHERE reported_at IS NULL")" \
    "every notice was in a digest"
assert_all_delivered

# ---------------------------------------------------------------------------
step "the coordinator's report at the end"
assert_exit 0 coordinator report
assert_report_line "^match 1: Dana Whitfield <$DANA> with Russell Tenney <$RUSSELL>\$" \
    "match 1 is Dana and Russell"
assert_report_line '^  ended 7 January 2027 \(completed\), began 7 January 2026$' \
    "twelve calendar months"
assert_report_line '^  goals: in on 11 February 2026 \(late\)$' \
    "Luis's goals were late"
assert_report_line '^  ended 23 May 2026 \(not a good fit \(the mentor said so\)\), began 22 January 2026$' \
    "match 3 ended as not a good fit"
assert_report_line '^  active, 25 May 2026 to 25 May 2027$' "match 4 runs on"
assert_no_match '^stipends' "$(cat "$STDOUT")" "no stipends in this program"
assert_same_lines "evaluations: 4 in of 6 expected from pairs that ended
  mean satisfaction: 4.0 of 5 (4 answers)
  will keep in touch: 75% (3 of 4)
  mentors who would mentor again: 100% (1 of 1)" \
    "$(sed -n '/^evaluations: /,$p' "$STDOUT")" "report: the evaluation figures"
assert_eq "participants.applied: 3
participants.completed: 4
matches.active: 1
matches.ended: 3
calendar.goals: 4
calendar.evaluations: 4" \
    "$(mentormail status; grep -E '^(matches\.(active|ended)|calendar\.(goals|evaluations)|participants\.(completed|applied)):' "$STDOUT")" \
    "status: the matches and the calendar"
assert_db_ok
