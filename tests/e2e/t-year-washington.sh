#!/bin/bash
#
# A cycle of the WLA Mentorship Program (presets/washington), on the real
# servers, from the applications of September 2026 to the evaluations of
# May 2027:
#  - an application in August waits for applications to open on
#    1 September (its receipt says so), and joins the pool that day; one
#    in October, after they close, waits for next year's cycle;
#  - three pairs approved on 5 October start with the cohort on
#    15 October and end with it on 15 April;
#  - Jordan and Tom send their goals on time, Priya late;
#  - Priya and Ben go silent over the winter (nudged, then the
#    coordinator told) and meet again in March;
#  - at the three-month check-in Maria says the match with Tom is not a
#    good fit: it ends, and Tom is matched with Sam, who joins the running
#    cohort and ends with it;
#  - the evaluations at the end of the cycle come from all but Ben and
#    Maria: keeping in touch and mentoring again are the program's
#    figures;
#  - every person got exactly the mail listed; report and status agree.
#
# Runs: every day around the opening of applications, through the seven
# weeks after the approvals, around the check-in and the cycle's end, on
# each day something arrives or falls due, and a quiet one whenever a
# week has gone by without a run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

dovecot_start
smtpd_start
preset_config washington
COORD=pdc@wla.example.org

JORDAN=jdelacruz@uw.example.edu
PRIYA=pshah@seattleu.example.edu
TOM=tnguyen@kcls.example.org
ERIN=ecastellano@piercecountylib.example.org
BEN=bito@uw.example.edu
MARIA=mlopez@spokanelibrary.example.org
SAM=sgreen@yakimavalleylibraries.example.org
ALEX=akim@everettpl.example.org

met() {
	local how="in person"
	[ "$3" = virtual ] && how="on Zoom"
	reply_to "$1" introduction "$1" "We met $how on $2 for $4 hours."
}

evaluation() {
	reply_to "$1" mentorship-end "$1" "Satisfaction (1 to 5): $2
Will you keep in touch (yes or no): $3${4:+
Would you mentor again (yes or no): $4}
Comments: $5"
}

YEAR_DAILY="2026-08-31:2026-09-02 2026-10-05:2026-11-20 2027-01-15:2027-01-20 \
2027-04-15:2027-04-22"
YEAR_DAYS="2026-11-28 2026-12-29 2027-01-29 2027-02-08 2027-02-10 2027-02-18 \
2027-02-20 2027-03-01 2027-03-03 2027-05-08 2027-05-18 2027-05-29"

before_run() {
	case $1 in
	2026-08-20)
		wla_app mentee "Jordan Dela Cruz" "$JORDAN" \
		    "University of Washington Information School" Academic \
		    "MLIS student" 1 \
		    "Teen services in a public library, and how to get a first job in one." \
		    Identity
		;;
	2026-09-03)
		wla_app mentee "Priya Shah" "$PRIYA" "Seattle University Library" \
		    Academic "Library technician" 2 \
		    "Academic librarianship: instruction, liaison work and tenure." \
		    Career
		wla_app mentee "Tom Nguyen" "$TOM" "King County Library System" \
		    Public "Library assistant" 3 \
		    "Outreach to immigrant communities, and becoming a branch manager." \
		    Career
		wla_app mentor "Erin Castellano" "$ERIN" "Pierce County Library System" \
		    Public "Supervising Librarian" 12 \
		    "Teen services, first job applications and interviews in public libraries." \
		    Identity
		wla_app mentor "Ben Ito" "$BEN" "University of Washington Libraries" \
		    Academic "Instruction Librarian" 9 \
		    "Academic librarianship: instruction, liaison work and the tenure track." \
		    Career
		wla_app mentor "Maria Lopez" "$MARIA" "Spokane Public Library" Public \
		    "Branch Manager" 15 \
		    "Outreach to immigrant communities, and becoming a branch manager." \
		    Career
		;;
	2026-09-10)
		wla_app mentor "Sam Green" "$SAM" "Yakima Valley Libraries" Public \
		    "Library Director" 20 "Rural library management and budgets." \
		    Career
		;;
	2026-10-01)
		wla_app mentee "Alex Kim" "$ALEX" "Everett Public Library" Public \
		    "Page" 1 "Children's programming." Either
		;;
	2026-10-20)
		reply_to "$JORDAN" introduction "$JORDAN" "Our goals for the partnership:
1. Two informational interviews with teen librarians.
2. A cover letter and resume ready by March."
		;;
	2026-10-22) met "$ERIN" 2026-10-22 virtual 1 ;;
	2026-10-25)
		reply_to "$TOM" introduction "$TOM" "My goals:
- shadow an outreach librarian for a day
- understand what a branch manager does all week"
		;;
	2026-10-30) met "$BEN" 2026-10-30 in-person 1.5 ;;
	2026-11-03) met "$MARIA" 2026-11-03 virtual 1 ;;
	2026-11-20)
		reply_to "$PRIYA" goals-reminder "$PRIYA" "Here are my goals, a little late:
1. Co-teach one instruction session.
2. Learn how liaison librarians work with faculty."
		;;
	2026-11-25) met "$JORDAN" 2026-11-25 virtual 1 ;;
	2026-12-08) met "$MARIA" 2026-12-08 virtual 1 ;;
	2026-12-20) met "$ERIN" 2026-12-20 in-person 2 ;;
	2027-01-16)
		reply_to "$JORDAN" checkin "$JORDAN" "Going really well."
		reply_to "$MARIA" checkin "$MARIA" "Honestly it is not working out: Tom wants rural work, I am in a city."
		;;
	2027-01-25) evaluation "$TOM" 2 no "" "It did not click." ;;
	2027-02-01)
		reply_to "$TOM" introduction "$TOM" "My goals with Sam:
1. Visit a rural branch.
2. Draft a small budget."
		;;
	2027-02-05) met "$SAM" 2027-02-05 in-person 2 ;;
	2027-02-20) met "$ERIN" 2027-02-20 virtual 1 ;;
	2027-03-05) met "$TOM" 2027-03-05 virtual 1 ;;
	2027-03-10) met "$BEN" 2027-03-10 in-person 1 ;;
	2027-03-18) met "$JORDAN" 2027-03-18 virtual 1 ;;
	2027-04-18) evaluation "$JORDAN" 5 yes "" "Erin was wonderful." ;;
	2027-04-19) evaluation "$ERIN" 5 yes yes "I learned as much as Jordan did." ;;
	2027-04-20)
		evaluation "$PRIYA" 4 yes "" "Slow in the winter, good in the end."
		evaluation "$TOM" 4 yes "" "Sam was the right mentor."
		;;
	2027-04-21) evaluation "$SAM" 3 no no "Too short a time." ;;
	esac
}

after_run() {
	case $1 in
	2026-08-20)
		assert_eq waiting "$(db "SELECT status FROM participant WHERE
		    email = '$JORDAN'")" "August: Jordan waits for September"
		assert_match 'Applications for the next cycle open on 1 September 2026' \
		    "$(body_of "$JORDAN" receipt | tr '\n' ' ')" \
		    "... and his receipt says when applications open"
		;;
	2026-09-01)
		assert_eq applied "$(db "SELECT status FROM participant WHERE
		    email = '$JORDAN'")" "1 September: Jordan joins the pool"
		;;
	2026-10-01)
		assert_eq waiting "$(db "SELECT status FROM participant WHERE
		    email = '$ALEX'")" "October: Alex waits for next year"
		assert_match 'open on 1 September 2027' \
		    "$(body_of "$ALEX" receipt | tr '\n' ' ')" \
		    "... and is told so"
		;;
	2026-10-05)
		approve "$JORDAN" "$ERIN"
		approve "$PRIYA" "$BEN"
		approve "$TOM" "$MARIA"
		assert_match 'Your mentorship runs from 15 October 2026 to 15 April 2027' \
		    "$(body_of "$JORDAN" introduction)" "the cohort's six months"
		assert_match '^attachment; filename="?partnership-agreement\.txt"?' \
		    "$(tr -d '\r' <"$(mail_file "$ERIN" introduction)" |
		    sed -n 's/^Content-Disposition: //p')" \
		    "the partnership agreement is attached"
		;;
	2026-11-20)
		assert_match 'They arrived after 14 November 2026' \
		    "$(body_of "$PRIYA" goals-receipt)" "Priya's goals are late"
		;;
	2027-01-16)
		assert_eq ended "$(pair_status "$TOM" "$MARIA")" \
		    "Maria's answer ends match 3"
		;;
	2027-01-18)
		approve "$TOM" "$SAM"
		assert_match 'Your mentorship runs from 18 January 2027 to 15 April 2027' \
		    "$(body_of "$TOM" introduction)" \
		    "Tom and Sam join the running cohort, and end with it"
		;;
	2027-03-01)
		assert_match '^silent: the pair have not been in touch since 20 November 2026, after a reminder$' \
		    "$(notices)" "Priya and Ben silent again: the coordinator is told"
		;;
	esac
}

# ---------------------------------------------------------------------------
step "a cycle of the WLA Mentorship Program, 2026-2027"
year 2026-08-20 2027-05-30
note "$RUNS runs"

# ---------------------------------------------------------------------------
step "every person got exactly this mail"
assert_mails "$JORDAN" receipt introduction goals-receipt meeting-receipt \
    checkin checkin-receipt meeting-receipt mentorship-end \
    evaluation-receipt thanks
assert_mails "$ERIN" receipt introduction meeting-receipt meeting-receipt \
    checkin meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$PRIYA" receipt introduction goals-reminder goals-reminder \
    goals-receipt checkin contact-nudge mentorship-end evaluation-receipt \
    thanks
assert_mails "$BEN" receipt introduction meeting-receipt checkin \
    contact-nudge meeting-receipt mentorship-end evaluation-reminder \
    evaluation-reminder thanks
assert_mails "$TOM" receipt introduction goals-receipt checkin \
    mentorship-end introduction evaluation-receipt goals-receipt thanks \
    meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$MARIA" receipt introduction meeting-receipt meeting-receipt \
    checkin checkin-receipt mentorship-end evaluation-reminder \
    evaluation-reminder thanks
assert_mails "$SAM" receipt introduction meeting-receipt mentorship-end \
    evaluation-receipt thanks
assert_mails "$ALEX" receipt
# Sam's application in September changes no proposal: no mail for it.
assert_same_lines "proposals
proposals" "$(mails_to "$COORD" | grep -v '^digest$')" \
    "the coordinator got two rounds of proposals, and digests"
assert_eq 0 "$(db "SELECT count(*) FROM notice WHERE reported_at IS NULL")" \
    "every notice was in a digest"
assert_all_delivered

# ---------------------------------------------------------------------------
step "the coordinator's report at the end"
assert_exit 0 coordinator report
assert_report_line "^match [0-9]+: Jordan Dela Cruz <$JORDAN> with Erin Castellano <$ERIN>\$" \
    "Jordan and Erin"
assert_report_line '^  ended 15 April 2027 \(completed\), began 15 October 2026$' \
    "the cohort ran its six months"
assert_report_line '^  goals: in on 20 November 2026 \(late\)$' \
    "Priya's goals were late"
assert_report_line '^  ended 16 January 2027 \(not a good fit \(the mentor said so\)\), began 15 October 2026$' \
    "Tom and Maria ended as not a good fit"
assert_report_line '^  ended 15 April 2027 \(completed\), began 18 January 2027$' \
    "Tom and Sam ended with the cohort"
assert_same_lines "evaluations: 6 in of 8 expected from pairs that ended
  mean satisfaction: 3.8 of 5 (6 answers)
  will keep in touch: 67% (4 of 6)
  mentors who would mentor again: 50% (1 of 2)" \
    "$(sed -n '/^evaluations: /,$p' "$STDOUT")" "report: the evaluation figures"
assert_eq "participants.applied: 1
participants.waiting: 1
participants.completed: 6
matches.active: 0
matches.ended: 4" \
    "$(mentormail status; grep -E '^(matches\.(active|ended)|participants\.(completed|applied|waiting)):' "$STDOUT")" \
    "status: the matches and the pool"
assert_db_ok
