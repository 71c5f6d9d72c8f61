#!/bin/bash
# bench/calendar.sh MENTORMAIL [PAIRS] [DAYS] -- a simulated program year
# of PAIRS pairs (default 1,000) on the WVLS preset (every family of the
# calendar: goals, a first meeting in person, monthly contact, two
# check-ins, the end, evaluations, stipends), with one `mentormail run`
# a day for DAYS days (default 365), against a real Dovecot and a real
# SMTP server on loopback.  Prints the total and the slowest run, and
# the peak RSS, against the goal: the year under 60 s, under 64 MB.
#
# The pairs are made the way a program makes them: 2 x PAIRS applications
# arrive by mail and are read, and the coordinator approves the proposals
# in batches through the first two months (`match approve ID...` once a
# day), so that the database holds what a real program's does (every
# participant's fields, receipts and introductions in the outbox) and the
# mentorships start on sixty different days.  Only the daily runs are the
# year's time; the applications' run and the approvals are shown apart.
#
# Through the year a trickle of mail arrives as a program's would: each
# mentee's goals (most within 30 days), a meeting report from each pair
# every five to seven weeks (more than half in person, with miles),
# answers to four in ten check-ins (one in a hundred "not a good fit"),
# and evaluations from seven in ten after the end.  Some pairs, whose
# reports are slow, are nudged; some goals come late.
set -u
MENTORMAIL=${1:?usage: bench/calendar.sh MENTORMAIL [PAIRS] [DAYS]}
PAIRS=${2:-1000}
DAYS=${3:-365}
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib.sh
. "$TOP/bench/lib.sh"
# shellcheck source=../tests/e2e/year.sh
. "$TOP/tests/e2e/year.sh"
PY=/usr/bin/python3
START=2026-01-05

dovecot_start
smtpd_start
preset_config wvls program.replies_per_day=1000
export MM_DB=$DB MM_PAIRS=$PAIRS

# The day's mail, written by bench/calendar-mail.py from what the
# database says (who was introduced when, which check-ins went out).
day_mail() {
	local dir=$T/mail/$1
	mkdir -p "$dir"
	"$PY" "$TOP/bench/calendar-mail.py" "$1" "$START" "$dir" ||
	    die "calendar-mail.py failed on $1"
	[ -z "$(ls "$dir")" ] || mail_append INBOX "$dir"
}

# timed FILE COMMAND...: run, appending "seconds max-RSS-KiB" to FILE.
timed() {
	local out=$1
	shift
	/usr/bin/time -a -f "%e %M" -o "$out" "$@" >/dev/null 2>"$T/stderr" ||
	    die "$* failed: $(head -c 400 "$T/stderr")"
}

# The applications, and the run that reads them and proposes the pairs.
day_mail apply
timed "$T/time.apply" "$MENTORMAIL" -c "$CONF" run --now "${START}T08:00:00"
proposed=$(db "SELECT count(*) FROM match WHERE status = 'proposed'")
[ "$proposed" -eq "$PAIRS" ] ||
    die "$proposed proposals for $PAIRS pairs: the applications are off"

# The year.  The first sixty days, the coordinator approves a sixtieth of
# the proposals after the morning's run.
batch=$(( (PAIRS + 59) / 60 ))
for ((i = 0; i < DAYS; i++)); do
	day=$(date -u -d "$START + $i days" +%Y-%m-%d)
	day_mail "$day"
	timed "$T/time.runs" "$MENTORMAIL" -c "$CONF" run --now "${day}T09:00:00"
	if [ "$i" -lt 60 ]; then
		ids=$(db "SELECT id FROM match WHERE status = 'proposed' ORDER BY
		    id LIMIT $batch" | tr '\n' ' ')
		# shellcheck disable=SC2086
		[ -z "$ids" ] || timed "$T/time.approve" "$MENTORMAIL" -c "$CONF" \
		    --now "${day}T10:00:00" match approve $ids
	fi
done

read -r asecs arss <"$T/time.apply"
read -r total peak slowest < <(awk '{ t += $1; if ($2 > m) m = $2;
    if ($1 > s) s = $1 } END { printf "%.2f %d %.2f\n", t, m, s }' \
    "$T/time.runs")
read -r atotal apeak < <(awk '{ t += $1; if ($2 > m) m = $2 }
    END { printf "%.2f %d\n", t, m }' "$T/time.approve")
in=$(db "SELECT count(*) FROM message WHERE kind IS NOT NULL AND
    kind != 'application'")
out=$(db "SELECT count(*) FROM outbox WHERE kind NOT IN ('receipt',
    'ineligible', 'proposals', 'introduction')")
printf 'a program year: %d pairs, %d daily runs (WVLS preset)\n' "$PAIRS" "$DAYS"
printf '  the year: %.2f s in all, %.3f s a run on average, %.2f s the slowest (goal: under 60 s)\n' \
    "$total" "$(awk -v t="$total" -v d="$DAYS" 'BEGIN { print t / d }')" \
    "$slowest"
printf '  peak RSS of a run: %d KiB (goal: under 64 MB)\n' "$peak"
printf '  mail in through the year: %d; out: %d (reminders, receipts, check-ins, the digest)\n' \
    "$in" "$out"
printf '  %s\n' "$(db "SELECT count(*) || ' pairs ended, ' || (SELECT count(*)
    FROM evaluation) || ' evaluations, ' || (SELECT count(*) FROM event
    WHERE outcome = 'sent') || ' time-driven mails, ' || (SELECT count(*)
    FROM notice) || ' notices' FROM match WHERE status = 'ended'")"
printf '  apart: the %d applications %.2f s (peak RSS %d KiB); the approvals %.2f s in 60 commands (peak RSS %d KiB)\n' \
    "$((2 * PAIRS))" "$asecs" "$arss" "$atotal" "$apeak"
summary "program year of $(thousands "$PAIRS") pairs: $(duration "$total") in \
$DAYS daily runs, peak $(mib "$peak") (goal 60 s, 64 MiB)"
