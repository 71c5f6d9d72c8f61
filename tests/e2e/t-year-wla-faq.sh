#!/bin/bash
#
# A year of the WLA Mentoring Program as its FAQ describes it
# (presets/wla-faq), on the real servers:
#  - applications come at any time, on the WLA form: two pairs are
#    approved in March, a third in April, each for a year from its
#    approval;
#  - contact 5-6 times in the year, every two months: there is no first
#    meeting to report, and a pair silent for two months and two weeks
#    is nudged;
#  - Kim's goals come on time, Ana's late after two reminders;
#  - Ana and Beth go silent over the summer (nudged, then the coordinator
#    told) and take up again in October;
#  - at the six-month check-in Carl says the match with Raj is not a
#    good fit: it ends, both send their evaluation, and Raj is matched
#    with Dee, who applied in June;
#  - the year of the March pairs ends on 3 March 2027, with evaluations
#    from all but Beth;
#  - every person got exactly the mail listed; the report shows the
#    contacts each pair reported against the five expected.
#
# Runs: every day through the first six weeks of the March pairs, around the
# end, on each day something arrives or falls due, and a quiet one
# whenever a week has gone by without a run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

dovecot_start
smtpd_start
preset_config wla-faq
COORD=office@wla.example.org

KIM=kpark@tacomapubliclibrary.example.org
ANA=areyes@edmonds.example.k12.wa.us
RAJ=rpatel@wwu.example.edu
LEE=lchan@sno-isle.example.org
BETH=bwalsh@everett.example.k12.wa.us
CARL=cmoss@evergreen.example.edu
DEE=dfranco@gonzaga.example.edu

met() {
	local how="in person"
	[ "$3" = virtual ] && how="by phone"
	reply_to "$1" introduction "$1" "We met $how on $2 for $4 hours."
}

evaluation() {
	reply_to "$1" mentorship-end "$1" "Satisfaction (1 to 5): $2
Will you keep in touch (yes or no): $3${4:+
Would you mentor again (yes or no): $4}
Comments: $5"
}

YEAR_DAILY="2026-03-02:2026-04-16 2027-03-03:2027-03-08"
# Later due days: the nudges every two months (the 17th for the March
# pairs, the 21st for the April one, the 23rd for Raj and Dee), the
# check-ins (Raj and Dee's on 9 April 2027), the end of the year and the
# evaluations owed.
YEAR_DAYS="2026-06-21 2026-07-17 2026-08-21 2026-09-03 2026-09-17 \
2026-10-07 2026-10-21 2026-11-01 2026-11-08 2026-11-17 2026-12-23 \
2027-01-17 2027-02-23 2027-03-26 2027-04-02 2027-04-05 2027-04-09 \
2027-04-16 2027-04-17"

before_run() {
	case $1 in
	2026-03-02)
		wla_app mentee "Kim Park" "$KIM" "Tacoma Public Library" Public \
		    "Library associate" 2 \
		    "Moving from associate to librarian in a public library: the MLIS and the job search."
		wla_app mentee "Ana Reyes" "$ANA" "Edmonds School District" School \
		    "Teacher librarian" 1 \
		    "Running a school library alone: collection budgets and teaching."
		wla_app mentor "Lee Chan" "$LEE" "Sno-Isle Libraries" Public \
		    "Branch Manager" 14 \
		    "Public library careers: from associate to librarian, the MLIS and the job search."
		wla_app mentor "Beth Walsh" "$BETH" "Everett Public Schools" School \
		    "Teacher librarian" 18 \
		    "School libraries: collection budgets, teaching and working alone."
		;;
	2026-03-10)
		reply_to "$KIM" introduction "$KIM" "Our goals:
1. Choose an MLIS program by June.
2. Practise interviews for librarian jobs."
		;;
	2026-04-06)
		wla_app mentee "Raj Patel" "$RAJ" "Western Washington University Libraries" \
		    Academic "Library specialist" 3 \
		    "Academic library careers: research help and instruction."
		wla_app mentor "Carl Moss" "$CARL" "The Evergreen State College Library" \
		    Academic "Reference Librarian" 11 \
		    "Academic library careers: research help and instruction."
		;;
	2026-04-08)
		reply_to "$ANA" goals-reminder "$ANA" "My goals, sorry for the wait:
1. Plan the collection budget for next year.
2. Co-teach a research unit with a teacher."
		;;
	2026-04-15) met "$LEE" 2026-04-15 virtual 1 ;;
	2026-04-20)
		reply_to "$RAJ" introduction "$RAJ" "My goals:
- learn how a reference interview works
- teach one library session"
		;;
	2026-05-15) met "$CARL" 2026-05-15 virtual 1 ;;
	2026-06-01)
		wla_app mentor "Dee Franco" "$DEE" "Gonzaga University Foley Library" \
		    Academic "Instruction Librarian" 16 \
		    "Research help and library instruction in academic libraries."
		;;
	2026-06-20) met "$LEE" 2026-06-20 virtual 1 ;;
	2026-07-20) met "$RAJ" 2026-07-20 virtual 1 ;;
	2026-08-25) met "$LEE" 2026-08-25 in-person 2 ;;
	2026-09-04) reply_to "$KIM" checkin "$KIM" "Going well: I start my MLIS in the fall." ;;
	2026-09-10) met "$CARL" 2026-09-10 virtual 1 ;;
	2026-10-08)
		reply_to "$CARL" checkin "$CARL" "It is not a good fit, I am afraid: Raj wants to teach, and I do reference."
		;;
	2026-10-10) met "$BETH" 2026-10-10 virtual 1 ;;
	2026-10-20) evaluation "$RAJ" 3 yes "" "Carl was kind, but not the right match." ;;
	2026-10-25) evaluation "$CARL" 2 no yes "Raj deserves an instruction librarian." ;;
	2026-10-30)
		met "$LEE" 2026-10-30 virtual 1
		reply_to "$RAJ" introduction "$RAJ" "My goals with Dee:
1. Teach two library sessions.
2. Write a teaching statement."
		;;
	2026-11-20) met "$DEE" 2026-11-20 virtual 1 ;;
	2026-12-05) met "$BETH" 2026-12-05 virtual 1 ;;
	2026-12-15) met "$KIM" 2026-12-15 virtual 1 ;;
	2027-01-25) met "$DEE" 2027-01-25 virtual 1 ;;
	2027-02-10) met "$LEE" 2027-02-10 virtual 1 ;;
	2027-03-05) evaluation "$KIM" 5 yes "" "Lee was exactly who I needed." ;;
	2027-03-06)
		evaluation "$LEE" 4 yes yes "Kim will be a fine librarian."
		evaluation "$ANA" 4 no "" "Good when we met."
		;;
	esac
}

after_run() {
	case $1 in
	2026-03-03)
		approve "$KIM" "$LEE"
		approve "$ANA" "$BETH"
		body=$(body_of "$KIM" introduction)
		assert_match 'meet or talk every 2 months' "$body" \
		    "the introduction asks contact every two months"
		assert_match '\(5 times at least in the whole mentorship\)' \
		    "$body" "... five times in the year"
		assert_match 'Your mentorship runs from 3 March 2026 to 3 March 2027' \
		    "$body" "... for one year from the match"
		assert_no_match 'hold your first meeting' "$body" \
		    "... and asks no first meeting by a date"
		;;
	2026-04-07)
		approve "$RAJ" "$CARL"
		;;
	2026-09-17)
		assert_match '^silent: the pair have not been in touch since 8 April 2026, after a reminder$' \
		    "$(notices)" "Ana and Beth silent again: the coordinator is told"
		;;
	2026-10-08)
		assert_eq ended "$(pair_status "$RAJ" "$CARL")" \
		    "Carl's answer ends match 3"
		;;
	2026-10-09)
		approve "$RAJ" "$DEE"
		;;
	esac
}

# ---------------------------------------------------------------------------
step "a year of the WLA Mentoring Program, 2026-2027"
year 2026-03-02 2027-04-17
note "$RUNS runs"

# ---------------------------------------------------------------------------
step "every person got exactly this mail"
assert_mails "$KIM" receipt introduction goals-receipt checkin \
    checkin-receipt meeting-receipt mentorship-end evaluation-receipt thanks
assert_mails "$LEE" receipt introduction meeting-receipt meeting-receipt \
    meeting-receipt checkin meeting-receipt meeting-receipt mentorship-end \
    evaluation-receipt thanks
assert_mails "$ANA" receipt introduction goals-reminder goals-reminder \
    goals-receipt contact-nudge checkin mentorship-end evaluation-receipt \
    thanks
assert_mails "$BETH" receipt introduction contact-nudge checkin \
    meeting-receipt meeting-receipt mentorship-end evaluation-reminder \
    evaluation-reminder thanks
assert_mails "$RAJ" receipt introduction goals-receipt meeting-receipt \
    checkin mentorship-end introduction evaluation-receipt thanks \
    goals-receipt checkin
assert_mails "$CARL" receipt introduction meeting-receipt meeting-receipt \
    checkin checkin-receipt mentorship-end evaluation-receipt thanks
assert_mails "$DEE" receipt introduction meeting-receipt meeting-receipt \
    checkin
assert_same_lines "proposals
proposals
proposals" "$(mails_to "$COORD" | grep -v '^digest$')" \
    "the coordinator got three rounds of proposals, and digests"
assert_eq 0 "$(db "SELECT count(*) FROM notice WHERE reported_at IS NULL")" \
    "every notice was in a digest"
assert_all_delivered

# ---------------------------------------------------------------------------
step "the coordinator's report at the end"
assert_exit 0 coordinator report
assert_report_line "^match [0-9]+: Kim Park <$KIM> with Lee Chan <$LEE>\$" \
    "Kim and Lee"
assert_report_line '^  meetings: 6 \(1 in person\), last on 10 February 2027; 5 expected$' \
    "six contacts reported of the five expected"
assert_report_line '^  goals: in on 8 April 2026 \(late\)$' "Ana's goals were late"
assert_report_line '^  ended 8 October 2026 \(not a good fit \(the mentor said so\)\), began 7 April 2026$' \
    "Raj and Carl ended as not a good fit"
assert_report_line '^  active, 9 October 2026 to 9 October 2027$' \
    "Raj and Dee run on"
assert_same_lines "evaluations: 5 in of 6 expected from pairs that ended
  mean satisfaction: 3.6 of 5 (5 answers)
  will keep in touch: 60% (3 of 5)
  mentors who would mentor again: 100% (2 of 2)" \
    "$(sed -n '/^evaluations: /,$p' "$STDOUT")" "report: the evaluation figures"
assert_eq "participants.applied: 3
participants.completed: 4
matches.active: 1
matches.ended: 3" \
    "$(mentormail status; grep -E '^(matches\.(active|ended)|participants\.(completed|applied)):' "$STDOUT")" \
    "status: the matches and the pool"
assert_db_ok
