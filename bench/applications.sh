#!/bin/bash
# bench/applications.sh MENTORMAIL [N] -- time one `mentormail run` over N
# applications (default 10,000): the corpus's 45 forms of the four
# programs, each copy from its own sender, read by the rules, recorded as
# participants and answered with a receipt sent to a real SMTP server on
# loopback.  Prints the time per message and peak memory.
set -u
MENTORMAIL=${1:?usage: bench/applications.sh MENTORMAIL [N]}
N=${2:-10000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
LIB_QUIET=1
# shellcheck source=../tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"

# Copy the corpus round-robin, giving each copy its own Message-ID, sender
# and (where the form is not encoded) its own e-mail address.
gen_applications() {
	local out=$T/apps
	mkdir -p "$out"
	/usr/bin/python3 - "$TOP/tests/corpus/applications" "$out" "$N" <<'PY'
import os, re, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
forms = sorted(f for f in os.listdir(src) if f.endswith(".eml"))
texts = [open(os.path.join(src, f), "rb").read() for f in forms]
for i in range(n):
    t = texts[i % len(texts)]
    who = b"applicant%d@bench.example.org" % i
    t = re.sub(rb"(?im)^Message-ID:.*$", b"Message-ID: <bench.%d@bench.example.org>" % i, t, count=1)
    t = re.sub(rb"(?im)^From:.*$", b"From: Applicant %d <" % i + who + b">", t, count=1)
    t = re.sub(rb"[\w.+-]+@[\w-]+\.example\.(org|edu|com|gov)", who, t)
    open(os.path.join(out, "%06d.eml" % i), "wb").write(t)
PY
	echo "$out"
}

apps=$(gen_applications)
dovecot_start
mail_append INBOX "$apps" >/dev/null
port=$(pick_port)
make_config smtp.port="$port" program.replies_per_day=1000

# First with the SMTP server down: intake, rules, participants, receipts
# queued (the run ends 75, the mail waits); then the next run sends them.
/usr/bin/time -f "%e %M" -o "$T/time.intake" "$MENTORMAIL" -c "$CONF" run
[ $? -eq 75 ] || die "the first run should end 75 (SMTP down)"
mkdir -p "$T/smtp"
/usr/bin/python3 "$TOP/tests/lib/smtpd.py" --port "$port" --maildir "$T/smtp" \
    >"$T/smtpd.out" 2>&1 &
smtpd=$!
for _ in $(seq 100); do grep -q ready "$T/smtpd.out" && break; sleep 0.1; done
/usr/bin/time -f "%e %M" -o "$T/time.send" "$MENTORMAIL" -c "$CONF" run ||
    die "the second run failed"
kill "$smtpd"
read -r secs rss < <(tail -n 1 "$T/time.intake")
read -r ssecs srss <"$T/time.send"
recorded=$(db "SELECT count(*) FROM message")
answered=$(db "SELECT count(*) FROM outbox WHERE status = 'sent'")
people=$(db "SELECT count(*) FROM participant")
printf 'run over %d applications (rules, participants, receipts)\n' "$N"
printf '  recorded %d, participants %d, receipts sent %d\n' "$recorded" \
    "$people" "$answered"
printf '  intake, rules, participants, receipts queued: %.2f s, %.3f ms per message, peak RSS %d KiB\n' \
    "$secs" "$(echo "1000 * $secs / $N" | bc -l)" "$rss"
printf '  sending the receipts (one SMTP session, Python aiosmtpd): %.2f s, %.3f ms per mail, peak RSS %d KiB\n' \
    "$ssecs" "$(echo "1000 * $ssecs / $N" | bc -l)" "$srss"
