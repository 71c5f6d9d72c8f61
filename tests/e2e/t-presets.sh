#!/bin/bash
#
# The presets (presets/*/mentormail.conf), as a coordinator meets them:
#  - `mentormail check` accepts each one as shipped, from a clone, and
#    says it is a preset whose servers are still to be set;
#  - filled in (servers, database, paths written out), check accepts it
#    as a deployment, and then wants its password files;
#  - each reads its program's applications with its own form;
#  - a program's own templates are found before the shipped ones, and an
#    attachment the introduction needs but cannot find is named by check.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=year.sh
. "$E2E_DIR/year.sh"
require_mentormail

PRESETS="wyoming washington wla-faq wvls cla"
APPS=$TOP/tests/corpus/applications

# ---------------------------------------------------------------------------
step "check accepts each preset as shipped"
for p in $PRESETS; do
	out=$("$MENTORMAIL" -c "$TOP/presets/$p/mentormail.conf" check 2>&1)
	assert_eq 0 "$?" "$p: check exits 0"
	assert_eq "$TOP/presets/$p/mentormail.conf: configuration OK (a preset: set the [imap] and [smtp] servers, then check again)" \
	    "$out" "$p: configuration OK, and it says it is a preset"
done
# The same from another directory: the paths are the preset's own.
(cd / && "$MENTORMAIL" -c "$TOP/presets/wvls/mentormail.conf" check \
    >/dev/null 2>&1)
assert_eq 0 "$?" "a preset checks from any directory"

# ---------------------------------------------------------------------------
step "filled in, each is a deployment: check wants its password files"
IMAP_PORT=1143
for p in $PRESETS; do
	CONF=$T/$p.conf
	fill_preset "$CONF" "$p"
	assert_exit 0 mentormail check
	assert_eq "$CONF: configuration OK" "$(cat "$STDOUT")" \
	    "$p: configuration OK, not a preset any more"
done
rm -f "$T/imap.password"
assert_exit 78 mentormail check
assert_stderr_mentions "\\[imap\\] password_file $T/imap.password" \
    "a missing password file is named"

# ---------------------------------------------------------------------------
step "each preset reads its program's applications with its form"
form_of() {
	"$MENTORMAIL" -c "$TOP/presets/$1/mentormail.conf" test-rules "$2" |
	    sed -n 's/^form: //p'
}
assert_eq wyoming "$(form_of wyoming "$APPS/wy01-mentee-clean.eml")" \
    "Wyoming: the Wyoming form"
assert_eq washington "$(form_of washington "$APPS/wa01-mentor-flowed.eml")" \
    "Washington: the WLA form"
assert_eq washington "$(form_of wla-faq "$APPS/wa02-mentee-student-identity.eml")" \
    "WLA FAQ: the WLA form too"
assert_eq wvls "$(form_of wvls "$APPS/wv01-mentee-clean.eml")" \
    "WVLS: the WVLS form"
assert_eq cla "$(form_of cla "$APPS/cl01-mentee-clean.eml")" \
    "CLA: the CLA form"

# ---------------------------------------------------------------------------
step "a program's own templates come first; a missing attachment is named"
mkdir -p "$T/own"
cp "$TOP/presets/wyoming/templates/"* "$T/own/"
CONF=$T/own.conf
fill_preset "$CONF" wyoming "program.own_templates=$T/own"
assert_exit 0 mentormail check
printf 'Subject: {{program.name}}: thank you\n\n{{no_such_name}}\n' \
    >"$T/own/thanks.txt"
assert_exit 78 mentormail check
assert_stderr_mentions "^$T/own/thanks.txt:3: unknown placeholder" \
    "a mistake in the program's own template is named with its path"
rm "$T/own/thanks.txt" "$T/own/wyoming-guidelines.txt"
assert_exit 78 mentormail check
assert_stderr_mentions 'attachments: .*wyoming-guidelines.txt' \
    "an attachment that is nowhere is named"
