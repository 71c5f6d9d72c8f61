#!/bin/bash
#
# The manual pages document what exists, and nothing drifts:
#  - man/*.[15] pass `mandoc -T lint` without a warning, and `man -l`
#    renders each;
#  - mentormail(1) has every command `mentormail --help` lists;
#  - mentormail.conf(5) and mentormail.conf.example have every key of
#    every group config.c reads, in its group;
#  - mentormail-templates(5) has every template reply.c loads, and every
#    name each may use;
#  - mentormail-rules(5) has every kind, every canonical field, every key
#    of every group and every normaliser the rules take;
#  - every form of rules/ has its blank form in templates/.
# The lists are read from the sources, so a new key or template without
# its documentation fails here.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

MAN=$TOP/man
SRC=$TOP/src

# section FILE HEADING: the lines of FILE from the .Sh whose title
# contains HEADING to the next .Sh.
section() {
	awk -v h="$2" '/^\.Sh / { on = index($0, h) > 0; next } on' "$1"
}

# has_cm TEXT WORD: a macro line of TEXT names WORD as a Cm argument.
has_cm() {
	printf '%s\n' "$1" | grep -E '^\.(Cm|.* Cm) ' | grep -qwF -- "$2"
}

# ---------------------------------------------------------------------------
step "the pages are clean and render"
for page in "$MAN"/*.[15]; do
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	assert_eq "" "$out" "mandoc -T lint: ${page##*/}"
	assert_match 'NAME' "$(man -l "$page" 2>/dev/null | sed 's/.\x08//g')" \
	    "man -l renders ${page##*/}"
done

step "mentormail(1): every command"
mentormail --help
commands=$(sed -n 's/^  \([a-z-]*\)\( .*\)\{0,1\}$/\1/p' "$STDOUT")
[ -n "$commands" ] || die "no command in --help"
for c in $commands; do
	assert_match "^\\.It Cm $c( |\$)" "$(section "$MAN/mentormail.1" COMMANDS)" \
	    "mentormail(1) documents $c"
done

step "mentormail.conf(5) and the example: every key, in its group"
keys=$(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", "\([a-z_.]*\)",.*/\1 \2/p' \
    "$SRC/config.c")
[ "$(printf '%s\n' "$keys" | wc -l)" -ge 50 ] ||
    die "config.c's table is not where it was"
while read -r group key; do
	text=$(section "$MAN/mentormail.conf.5" "[$group]")
	if has_cm "$text" "$key"; then
		pass "mentormail.conf(5) [$group] $key"
	else
		fail "mentormail.conf(5) [$group] $key is not documented"
	fi
	example=$(awk -v g="[$group]" '/^\[/ { on = $1 == g; next } on' \
	    "$TOP/mentormail.conf.example")
	assert_match "^#?${key//./\\.} =" "$example" \
	    "mentormail.conf.example [$group] $key"
done <<<"$keys"
assert_match '^\.Sh \[eligibility\]' "$(cat "$MAN/mentormail.conf.5")" \
    "mentormail.conf(5) [eligibility]"

step "mentormail-templates(5): every template and every name"
"$PYTHON" - "$SRC/reply.c" >"$T/schemas" <<'EOF'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
macros = {}
for m in re.finditer(r'#define\s+(\w+)\s+((?:"[^"]*"\s*\\?\s*)+)', src):
    macros[m.group(1)] = "".join(re.findall(r'"([^"]*)"', m.group(2)))
body = src[src.index("reply_defs[] = {"):]
body = body[:body.index("};")]
for m in re.finditer(r'\{\s*"([\w-]+)",(.*?)\},?\s*$', body, re.S | re.M):
    parts = re.finditer(r'"([^"]*)"|\b([A-Z_]{3,})\b', m.group(2))
    text = " ".join(p.group(1) if p.group(1) is not None else
        macros[p.group(2)] for p in parts)
    names = set()
    for word in text.replace(":", " ").replace(",", " ").split():
        names.add(word)
    print(m.group(1), " ".join(sorted(names)))
EOF
[ "$(wc -l <"$T/schemas")" -ge 20 ] || die "reply.c's table is not where it was"
page=$(cat "$MAN/mentormail-templates.5")
while read -r name names; do
	if printf '%s\n' "$page" | grep -E '^\.It Pa ' | grep -qwF "$name.txt"; then
		pass "mentormail-templates(5) has $name.txt"
	else
		fail "mentormail-templates(5) does not document $name.txt"
	fi
	for n in $names; do
		has_cm "$page" "$n" ||
		    fail "mentormail-templates(5) does not say $n ($name.txt)"
	done
done <"$T/schemas"

step "mentormail-rules(5): kinds, fields, keys, normalisers"
rules=$(cat "$MAN/mentormail-rules.5")
for kind in $(sed -n 's/^\[kind \([a-z_]*\)\]$/\1/p' "$TOP/rules/kinds.rules"); do
	assert_match "^\\.Ql $kind( |\$)" "$rules" "mentormail-rules(5): kind $kind"
done
fields=$(awk '/APPLICATION_FIELDS|field_names\[\] = \{/ { on = 1 }
    on { print } on && /NULL|};/ { on = 0 }' "$SRC/rules.c" |
    grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
[ "$(printf '%s\n' "$fields" | wc -l)" -ge 30 ] ||
    die "rules.c's fields are not where they were"
for field in $fields; do
	has_cm "$(section "$MAN/mentormail-rules.5" FIELDS)" "$field" ||
	    fail "mentormail-rules(5) does not list the field $field"
done
pass "mentormail-rules(5) lists the $(printf '%s\n' "$fields" | wc -l) fields"
for key in $(sed -n 's/^[[:space:]]*{ "\([a-z_.]*\)", \(fk\|fo\|ki\|te\|le\)_[a-z_]* },$/\1/p' \
    "$SRC/rules-groups.c"); do
	key=${key%.}
	has_cm "$rules" "$key" || fail "mentormail-rules(5) lacks the key $key"
done
pass "mentormail-rules(5) has every key of the rules"
for norm in $(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", norm_[a-z]* },$/\1/p' \
    "$SRC/normalise.c"); do
	assert_match "^\\.Ql $norm( |\$)" "$rules" \
	    "mentormail-rules(5): normaliser $norm"
done

step "every form has its blank form"
for form in $(sed -n 's/^name = \([a-z0-9_-]*\)$/\1/p' "$TOP"/rules/*.rules); do
	assert_eq yes "$([ -s "$TOP/templates/form-$form.txt" ] && echo yes)" \
	    "templates/form-$form.txt"
done
