#!/bin/bash
#
# Ten months of the CLA Mentoring Program (presets/cla), on the real
# servers:
#  - applications on the CLA form; one without a membership number is
#    asked for it (the program is for current CLA members);
#  - a library school student mentors an experienced supervisor in
#    technology (reverse mentoring);
#  - three pairs approved on 3 February 2026, for up to ten months;
#    regular communication: in touch once a month;
#  - Anjali's goals come on time, Kevin's late; Anjali and Betty meet in
#    person at the CLA annual conference;
#  - Linda and Diego go silent in the spring (nudged, then the
#    coordinator told) and take up again at the check-in;
#  - at the five-month check-in Omar says the match with Kevin is not
#    working out: it ends, and Kevin is matched with Grace;
#  - on 3 December the ten months end: the program's own mail asks for
#    its satisfaction survey, the thank-you invites to the Mentoring
#    Alumni Group; all answer but Omar;
#  - every person got exactly the mail listed; report and status agree.
#
# Runs: every day through the first seven weeks and around the end, on
# each day something arrives or falls due, and a quiet one whenever a
# week has gone by without a run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

dovecot_start
smtpd_start
preset_config cla
COORD=mig-mentoring@cla.example.org

ANJALI=arao@saclibrary.example.org
LINDA=lbrooks@fresnolibrary.example.org
KEVIN=klu@lacountylibrary.example.org
BETTY=bwaznis@chulavistalibrary.example.org
DIEGO=diego.ramirez@sjsu.example.edu
OMAR=ohaddad@lbpl.example.org
GRACE=gkim@smpl.example.org
PAT=pdoe@oaklandlibrary.example.org

# cla_app ROLE NAME EMAIL MEMBERSHIP LIBRARY POSITION STAGE TEXT: an
# application on the CLA form (MEMBERSHIP may be empty).
cla_app() {
	local role=$1 name=$2 email=$3 member=$4 library=$5 position=$6
	local stage=$7 text=$8 r=' ' e=' ' need='' give=''
	if [ "$role" = mentor ]; then
		r=X give=$text
	else
		e=X need=$text
	fi
	send "$email" "$name" "CLA Mentoring Program application" \
"CLA Mentoring Program - Application
I would like to be a:  [$r] Mentor   [$e] Mentee
Name: $name
CLA membership number: $member
Email: $email
Library / school / organization: $library
Position / title: $position
Library type: Public
Region (county): Los Angeles County
Career stage (check one): $stage
Mentees: What would you like help with?
$need
Mentors: What experience and skills would you like to share?
$give
Mentors: How many mentees could you take on? 1
How would you like to meet? (in person at conference / virtual / either): Either"
}

met() {
	local how="in person"
	[ "$3" = virtual ] && how="on Zoom"
	reply_to "$1" introduction "$1" "We met $how on $2 for $4 hours.${5:+ $5}"
}

survey() {
	reply_to "$1" mentorship-end "$1" "Satisfaction (1 to 5): $2
Will you keep in touch (yes or no): $3${4:+
Would you mentor again (yes or no): $4}
Comments: $5"
}

YEAR_DAILY="2026-02-02:2026-03-19 2026-12-03:2026-12-10"
# Later due days: the nudges of the 17th (the February pairs) and the
# 20th (Kevin and Grace), the check-ins, the end of match 3 and its
# survey, the end of the ten months and the survey owed.
YEAR_DAYS="2026-04-17 2026-05-17 2026-06-17 2026-07-03 2026-07-17 2026-07-27 \
2026-08-06 2026-08-17 2026-08-20 2026-09-17 2026-09-20 2026-10-17 2026-10-20 \
2026-11-17 2026-11-20 2026-12-06 2026-12-20 2026-12-26 2027-01-02 2027-01-05 \
2027-01-16"

before_run() {
	case $1 in
	2026-02-02)
		cla_app mentee "Anjali Rao" "$ANJALI" 36657 "Sacramento Public Library" \
		    "Librarian I" "New professional" \
		    "Preparing for the Librarian II interview panel, and career progression."
		cla_app mentee "Linda Brooks" "$LINDA" 20431 \
		    "Fresno County Public Library" "Branch Supervisor, 20 years" \
		    "Director / senior manager" \
		    "Technology: our branch website, spreadsheets and using AI tools responsibly."
		cla_app mentee "Kevin Lu" "$KEVIN" 41210 "LA County Library" \
		    "Librarian" "New professional" \
		    "Management: becoming a supervisor and running a team."
		cla_app mentor "Betty Waznis" "$BETTY" 11873 "Chula Vista Public Library" \
		    "Library Director" "Director / senior manager" \
		    "Career progression, interview panels and the Librarian II promotion."
		cla_app mentor "Diego Ramírez" "$DIEGO" 51877 \
		    "San José State University School of Information" "MLIS student" "" \
		    "Six years as a web developer: websites, spreadsheets, AI tools, accessibility: technology."
		cla_app mentor "Omar Haddad" "$OMAR" 30998 "Long Beach Public Library" \
		    "Branch Manager" "Director / senior manager" \
		    "Management: supervising, scheduling and running a team."
		cla_app mentee "Pat Doe" "$PAT" "" "Oakland Public Library" \
		    "Library Assistant" "New professional" "Children's services."
		;;
	2026-02-10)
		reply_to "$ANJALI" introduction "$ANJALI" "My goals:
1. Pass the Librarian II panel this spring.
2. Lead one program from start to finish."
		;;
	2026-02-18) met "$OMAR" 2026-02-18 virtual 1 ;;
	2026-02-20)
		reply_to "$LINDA" introduction "$LINDA" "Our goals:
- rebuild the branch web page
- learn to use spreadsheets for our statistics"
		;;
	2026-02-25) met "$BETTY" 2026-02-25 virtual 1 ;;
	2026-03-02) met "$DIEGO" 2026-03-02 virtual 1.5 ;;
	2026-03-10)
		reply_to "$KEVIN" goals-reminder "$KEVIN" "My goals:
1. Run my first team meeting.
2. Learn to write an evaluation."
		;;
	2026-03-25) met "$DIEGO" 2026-03-25 virtual 1 ;;
	2026-03-30) met "$BETTY" 2026-03-30 virtual 1 ;;
	2026-04-22) met "$OMAR" 2026-04-22 virtual 1 ;;
	2026-04-28) met "$BETTY" 2026-04-28 virtual 1 ;;
	2026-05-27) met "$BETTY" 2026-05-27 virtual 1 ;;
	2026-06-01) met "$OMAR" 2026-06-01 virtual 1 ;;
	2026-06-10)
		cla_app mentor "Grace Kim" "$GRACE" 27744 "Santa Monica Public Library" \
		    "Library Services Manager" "Director / senior manager" \
		    "Management: new supervisors, team meetings and evaluations."
		;;
	2026-06-25) met "$BETTY" 2026-06-25 virtual 1 ;;
	2026-07-04)
		reply_to "$OMAR" checkin "$OMAR" "I am sorry to say it is not working out between us."
		;;
	2026-07-05) reply_to "$ANJALI" checkin "$ANJALI" "Going well: I passed the panel!" ;;
	2026-07-06) reply_to "$LINDA" checkin "$LINDA" "Back on track after a busy spring." ;;
	2026-07-10) survey "$KEVIN" 2 no "" "We did not click." ;;
	2026-07-20)
		reply_to "$KEVIN" introduction "$KEVIN" "My goals with Grace:
1. Plan my team's summer schedule.
2. Write my first staff evaluation."
		;;
	2026-08-20) met "$BETTY" 2026-08-20 virtual 1 ;;
	2026-08-30) met "$GRACE" 2026-08-30 virtual 1 ;;
	2026-09-01) met "$DIEGO" 2026-09-01 virtual 1 ;;
	2026-09-24) met "$BETTY" 2026-09-24 virtual 1 ;;
	2026-10-01) met "$GRACE" 2026-10-01 virtual 1 ;;
	2026-10-05) met "$DIEGO" 2026-10-05 virtual 1 ;;
	2026-10-22) met "$ANJALI" 2026-10-22 in-person 2 \
		    "We met at the CLA annual conference." ;;
	2026-11-05) met "$GRACE" 2026-11-05 virtual 1 ;;
	2026-11-19) met "$BETTY" 2026-11-19 virtual 1 ;;
	2026-12-04) met "$GRACE" 2026-12-04 virtual 1 ;;
	2026-12-05) survey "$ANJALI" 5 yes "" "Betty got me through the panel." ;;
	2026-12-07)
		survey "$BETTY" 5 yes yes "Wonderful to see Anjali promoted."
		survey "$LINDA" 4 yes "" "Our website is live."
		reply_to "$KEVIN" checkin "$KEVIN" "Going well with Grace."
		;;
	2026-12-08) survey "$DIEGO" 4 yes yes "I learned a lot about branches." ;;
	esac
}

after_run() {
	case $1 in
	2026-02-02)
		assert_mails "$PAT" receipt
		assert_match 'Membership number' \
		    "$(body_of "$PAT" receipt | tr '\n' ' ')" \
		    "Pat is asked for the membership number"
		;;
	2026-02-03)
		approve "$ANJALI" "$BETTY"
		approve "$LINDA" "$DIEGO"
		approve "$KEVIN" "$OMAR"
		body=$(body_of "$LINDA" introduction)
		assert_match 'Your mentorship runs from 3 February 2026 to 3 December 2026' \
		    "$body" "ten months"
		assert_match '^attachment; filename="?cla-program\.txt"?' \
		    "$(tr -d '\r' <"$(mail_file "$LINDA" introduction)" |
		    sed -n 's/^Content-Disposition: //p')" \
		    "what CLA asks (the conference) is attached"
		;;
	2026-06-17)
		assert_match '^silent: the pair have not been in touch since 25 March 2026, after a reminder$' \
		    "$(notices)" "Linda and Diego silent again: the coordinator is told"
		;;
	2026-07-04)
		assert_eq ended "$(pair_status "$KEVIN" "$OMAR")" \
		    "Omar's answer ends match 3"
		;;
	2026-07-06)
		approve "$KEVIN" "$GRACE"
		;;
	2026-12-03)
		assert_match 'a short satisfaction survey' \
		    "$(body_of "$ANJALI" mentorship-end | tr '\n' ' ')" \
		    "the end asks for CLA's satisfaction survey, in its own words"
		;;
	2026-12-07)
		assert_match 'Mentoring Alumni Group' \
		    "$(body_of "$ANJALI" thanks | tr '\n' ' ')" \
		    "the thank-you invites to the Mentoring Alumni Group"
		;;
	esac
}

# ---------------------------------------------------------------------------
step "ten months of the CLA Mentoring Program, 2026"
year 2026-02-02 2027-01-18
note "$RUNS runs"

# ---------------------------------------------------------------------------
step "every person got exactly this mail"
assert_mails "$ANJALI" receipt introduction goals-receipt checkin \
    checkin-receipt meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$BETTY" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt meeting-receipt meeting-receipt checkin meeting-receipt \
    meeting-receipt meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$LINDA" receipt introduction goals-receipt contact-nudge \
    checkin checkin-receipt mentorship-end evaluation-receipt thanks
assert_mails "$DIEGO" receipt introduction meeting-receipt meeting-receipt \
    contact-nudge checkin meeting-receipt meeting-receipt mentorship-end \
    evaluation-receipt thanks
assert_mails "$KEVIN" receipt introduction goals-reminder goals-reminder \
    goals-receipt checkin mentorship-end introduction evaluation-receipt \
    goals-receipt thanks checkin checkin-receipt
assert_mails "$OMAR" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt checkin checkin-receipt mentorship-end \
    evaluation-reminder evaluation-reminder thanks
assert_mails "$GRACE" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt meeting-receipt checkin
assert_mails "$PAT" receipt
assert_same_lines "proposals
proposals" "$(mails_to "$COORD" | grep -v '^digest$')" \
    "the coordinator got two rounds of proposals, and digests"
assert_eq 0 "$(db "SELECT count(*) FROM notice WHERE reported_at IS NULL")" \
    "every notice was in a digest"
assert_all_delivered

# ---------------------------------------------------------------------------
step "the coordinator's report at the end"
assert_exit 0 coordinator report
assert_report_line "^match [0-9]+: Linda Brooks <$LINDA> with Diego Ramírez <$DIEGO>\$" \
    "a student mentors a branch supervisor in technology"
assert_report_line '^  ended 3 December 2026 \(completed\), began 3 February 2026$' \
    "ten months"
assert_report_line '^  goals: in on 10 March 2026 \(late\)$' "Kevin's goals were late"
assert_report_line '^  meetings: 9 \(1 in person\), last on 19 November 2026$' \
    "Anjali and Betty met nine times, once in person at the conference"
assert_report_line '^  ended 4 July 2026 \(not a good fit \(the mentor said so\)\), began 3 February 2026$' \
    "Kevin and Omar ended as not a good fit"
assert_report_line '^  active, 6 July 2026 to 6 May 2027$' "Kevin and Grace run on"
assert_same_lines "evaluations: 5 in of 6 expected from pairs that ended
  mean satisfaction: 4.0 of 5 (5 answers)
  will keep in touch: 80% (4 of 5)
  mentors who would mentor again: 100% (2 of 2)" \
    "$(sed -n '/^evaluations: /,$p' "$STDOUT")" "report: the survey's figures"
assert_eq "participants.incomplete: 1
participants.ineligible: 0
participants.applied: 3
participants.completed: 4
matches.active: 1
matches.ended: 3" \
    "$(mentormail status; grep -E '^(matches\.(active|ended)|participants\.(incomplete|completed|applied|ineligible)):' "$STDOUT")" \
    "status: the matches and the pool"
assert_db_ok
