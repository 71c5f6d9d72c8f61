#!/bin/bash
#
# What README.md says a command does, it does:
#  - every example command in its code blocks (a `mentormail ...` line
#    with no metavariable: no FILE, no [option], no a | b) runs, against
#    the test servers and a program with applications, and exits 0;
#  - every `--now` time it shows is a time --now takes;
#  - its usage lists every command `mentormail --help` does;
#  - its table of exit codes lists every code the program can return (the
#    <sysexits.h> codes src/ uses), as mentormail(1) does.
# The set-up section has a scenario of its own, t-install.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

README=$TOP/README.md
APPS=$TOP/tests/corpus/applications

dovecot_start
smtpd_start
make_config program.forms=wyoming program.replies_per_day=100

# The lines of README's code blocks (indented four spaces), outside the
# set-up section; continuations joined.
code_lines() {
	awk '/^## Setting up a program/ { skip = 1; next }
	     /^## / { skip = 0 }
	     !skip && /^    / { print }' "$README" | sed 's/^    //' |
	    awk '{ if (sub(/\\$/, "")) { line = line $0; next }
		   print line $0; line = "" }'
}

# The example commands: mentormail lines without a metavariable.
examples() {
	code_lines | grep '^mentormail ' | grep -v '[][|]' |
	    grep -vE '\b[A-Z]{2,}\b|\.\.\.'
}

# ---------------------------------------------------------------------------
step "every example command works"
mail_append INBOX "$APPS"/wy*.eml
mkdir -p "$T/work" "$T/preview"
cp "$APPS/wy01-mentee-clean.eml" "$T/work/saved-application.eml"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	args=${line#mentormail }
	args=${args//\/tmp\/preview/$T/preview}
	# shellcheck disable=SC2086 # the words are the arguments
	(cd "$T/work" && mentormail $args)
	rc=$?
	if [ "$rc" = 0 ]; then
		pass "README: $line"
	else
		fail "README: $line" "exit $rc" "$(head -n 5 "$STDERR")"
	fi
done < <(examples)
[ "$n" -ge 8 ] || fail "README has $n example commands: examples() lost them"
note "$n example commands"
assert_eq 1 "$(db "SELECT count(*) FROM match WHERE id = 1 AND
	   status = 'approved'")" "match approve 1 approved match 1"
assert_match '^mentormail [0-9]' "$(mentormail --version; cat "$STDOUT")" \
    "--version, as README says"

step "every --now time README shows is one --now takes"
times=$(grep -o -- '--now [0-9][^` ]*' "$README" | sed 's/^--now //' |
    sort -u)
[ -n "$times" ] || fail "README shows no --now time"
for t in $times; do
	assert_exit 0 mentormail --now "$t" check
	assert_exit 0 mentormail run --now "$t" --dry-run="$T/preview"
done

step "README's usage lists every command"
usage=$(code_lines | grep '^mentormail ')
mentormail --help
for c in $(sed -n 's/^  \([a-z-]*\)\( .*\)\{0,1\}$/\1/p' "$STDOUT"); do
	assert_match "^mentormail $c( |\$)" "$usage" "README's usage has $c"
done

step "the exit codes: README and mentormail(1) list every one src/ uses"
codes=$(grep -ho 'EX_[A-Z][A-Z]*' "$TOP"/src/*.c | sort -u)
[ -n "$codes" ] || die "no EX_ code found in src/"
for name in $codes; do
	num=$(sed -n "s/^#define[[:space:]]*$name[[:space:]]*\([0-9]*\).*/\1/p" \
	    /usr/include/sysexits.h)
	[ -n "$num" ] || { fail "$name: not in <sysexits.h>"; continue; }
	assert_match "^\\| $num \`$name\` \\|" "$(cat "$README")" \
	    "README's table has $num $name"
	assert_match "^\\.It $num Dv $name\$" "$(cat "$TOP/man/mentormail.1")" \
	    "mentormail(1) has $num $name"
done
