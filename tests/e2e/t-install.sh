#!/bin/bash
#
# README's "Setting up a program", line by line, into a temporary prefix:
#  - `make install PREFIX=...` builds the program with that prefix's paths
#    (a build for another prefix is rebuilt; a second install rebuilds
#    nothing), and installs the rules, the templates, the manual pages,
#    the example configuration, the cron entry and the systemd units, each
#    naming the installed paths;
#  - the installed example configuration, edited for the test servers
#    (as README says: "then edit it"), passes `check` with the rules and
#    templates the binary looks for by itself; `test-rules` and the dry
#    run work as the program's own user would run them;
#  - one real run against the test servers answers an application.
#
# README's lines are read from README.md itself, and mapped: /usr/local
# to the prefix, /etc and /var/lib under it, the user `mentormail` to
# `nobody` (no user is created), `systemctl` to `systemd-analyze verify`.
# When not root, the user is ourselves and the chown lines are left out.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

P=$T/prefix
BUILD_DIR=$T/build
APPS=$TOP/tests/corpus/applications
DANA=dana.whitfield@ccpls.example.org

# A make of the repository, apart from the `make check` that runs us;
# without optimising, which takes a third of the time and changes no path.
top_make() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS nice make -C "$TOP" -j2 \
	    BUILD="$BUILD_DIR" CFLAGS="-O0 -g" "$@"
}

dovecot_start
smtpd_start

# ---------------------------------------------------------------------------
step "an object built for another prefix first"
top_make "$BUILD_DIR/config.o" PREFIX="$T/elsewhere" >"$T/make0.log" 2>&1 ||
    die "make failed: $(tail -n 5 "$T/make0.log")"

# README's setup lines, one command a line (continuations joined, the
# comments after them dropped).
readme_setup() {
	awk '/^## Setting up a program/ { on = 1; next }
	     on && /^## / { exit }
	     on && /^    / { print }' "$TOP/README.md" |
	    sed 's/^    //' |
	    awk '{ if (sub(/\\$/, "")) { line = line $0; next }
		   print line $0; line = "" }' |
	    sed -e 's/[[:space:]]*#[^'"'"']*$//' -e 's/[[:space:]]\{2,\}/ /g'
}

if [ "$AS_ROOT" = 1 ]; then
	RUN_AS=nobody
else
	RUN_AS=$(id -un)
fi

# What a README line becomes here.
mapped() {
	printf '%s\n' "$1" | sed \
	    -e "s|/usr/local|$P|g" -e "s|/etc/|$P/etc/|g" \
	    -e "s|/var/lib/|$P/var/lib/|g" -e "s|/tmp/preview|$T/preview|g" \
	    -e "s|'the IMAP password'|'$IMAP_SECRET'|" \
	    -e "s|^useradd .*|id $RUN_AS|" \
	    -e "s|^chown mentormail |chown $RUN_AS |" \
	    -e "s|^su mentormail |su $RUN_AS |" \
	    -e "s|^systemctl enable --now \\(.*\\)|MANPATH=$P/share/man systemd-analyze verify $P/lib/systemd/system/\\1 $P/lib/systemd/system/mentormail.service|" \
	    -e "s|^mentormail |$P/bin/mentormail |" \
	    -e "s|'mentormail |'$P/bin/mentormail |g" \
	    -e "s|^make install|top_make install PREFIX=$P SYSCONFDIR=$P/etc/mentormail STATEDIR=$P/var/lib/mentormail|"
}

# "Then edit it": the example, for the test servers.  The rules and
# templates lines go: the binary must find its own by itself.
edit_config() {
	local conf=$P/etc/mentormail/mentormail.conf
	"$PYTHON" - "$conf" "$IMAPS_PORT" "$CERTS/ca.pem" "$SMTP_PORT" <<-'EOF'
	import re, sys
	path, imaps, ca, smtp = sys.argv[1:]
	group, out = None, []
	for line in open(path, encoding="utf-8"):
	    m = re.match(r"\[(\w+)\]", line)
	    if m:
	        group = m.group(1)
	    key = line.split("=")[0].strip() if "=" in line else None
	    if group == "program" and key in ("rules", "templates"):
	        continue
	    if group == "imap" and key == "host": line = "host = 127.0.0.1\n"
	    if group == "imap" and key == "port": line = "port = %s\n" % imaps
	    if group == "imap" and key == "username": line = "username = mentoring\n"
	    if group == "imap" and line.startswith("#ca_file"):
	        line = "ca_file = %s\n" % ca
	    if group == "smtp" and key == "host": line = "host = 127.0.0.1\n"
	    if group == "smtp" and key == "port": line = "port = %s\n" % smtp
	    if group == "smtp" and key == "security": line = "security = none\n"
	    if group == "smtp" and key in ("username", "password_file"):
	        continue
	    out.append(line)
	open(path, "w", encoding="utf-8").write("".join(out))
	EOF
}

# ---------------------------------------------------------------------------
step "README's set-up, into $P"
readme_setup >"$T/setup.txt"
[ "$(wc -l <"$T/setup.txt")" -ge 10 ] ||
    die "README's set-up section is not where it was: $(cat "$T/setup.txt")"
# The system's own directory, which the cron entry is copied into.
mkdir -p "$T/work" "$T/preview" "$P/etc/cron.d"
cp "$APPS/wy01-mentee-clean.eml" "$T/work/saved-application.eml"
mail_append INBOX "$APPS/wy01-mentee-clean.eml"
chmod 777 "$T/preview"
cd "$T/work" || die "no $T/work"
while IFS= read -r line; do
	cmd=$(mapped "$line")
	if [ "$AS_ROOT" = 0 ]; then
		case $cmd in
		chown*) note "not root: left out: $line"; continue ;;
		"su $RUN_AS -s /bin/sh -c "*)
			cmd=${cmd#"su $RUN_AS -s /bin/sh -c "}
			cmd=${cmd#\'}; cmd=${cmd%\'} ;;
		esac
	fi
	eval "$cmd" >"$STDOUT" 2>"$STDERR"
	rc=$?
	if [ "$rc" = 0 ]; then
		pass "README: $line"
	else
		fail "README: $line" "as: $cmd" "exit $rc" \
		    "$(tail -n 5 "$STDERR")"
	fi
	case $line in
	"make install"*) cp "$STDOUT" "$T/make1.log" ;;
	"cp "*mentormail.conf.example*) edit_config ;;
	"mentormail check"*) cp "$STDOUT" "$T/check.out" ;;
	"mentormail test-rules"*) cp "$STDOUT" "$T/test-rules.out" ;;
	esac
done <"$T/setup.txt"
cd "$T" || die "no $T"

step "the build has the prefix's paths"
assert_match "^cc .* -o $BUILD_DIR/config\\.o " "$(cat "$T/make1.log")" \
    "what was built for another prefix is built again"
assert_match "/etc/mentormail/mentormail.conf unless -c" \
    "$("$P/bin/mentormail" --help | sed "s|$P||")" \
    "the binary looks for its configuration under the prefix"
assert_eq "$P/etc/mentormail/mentormail.conf: configuration OK" \
    "$(cat "$T/check.out")" \
    "check passes, with the rules and templates the binary finds itself"
top_make install PREFIX="$P" SYSCONFDIR="$P/etc/mentormail" \
    STATEDIR="$P/var/lib/mentormail" >"$T/make2.log" 2>&1
assert_no_match '^cc ' "$(cat "$T/make2.log")" \
    "a second install with the same paths rebuilds nothing"

step "what was installed names the installed paths"
assert_match '^kind: application$' "$(cat "$T/test-rules.out")" \
    "test-rules read the saved application"
# (The example's digest may be due too, after 07:30 in Denver.)
assert_eq 1 "$(find "$T/preview" -name '*-receipt-*.eml' | wc -l)" \
    "the dry run wrote the receipt it would send"
assert_match "[[:space:]]$P/bin/mentormail -c $P/etc/mentormail/mentormail.conf run\$" \
    "$(cat "$P/etc/cron.d/mentormail")" \
    "the cron entry runs the installed binary with its configuration"
assert_match "^ExecStart=$P/bin/mentormail -c $P/etc/mentormail/mentormail.conf run\$" \
    "$(cat "$P/lib/systemd/system/mentormail.service")" \
    "the systemd service runs the installed binary"
assert_match "^ReadWritePaths=$P/var/lib/mentormail\$" \
    "$(cat "$P/lib/systemd/system/mentormail.service")" \
    "and may write the state directory"
assert_match '^OnCalendar=' "$(cat "$P/lib/systemd/system/mentormail.timer")" \
    "the timer says when"
for page in man1/mentormail.1 man5/mentormail.conf.5 \
    man5/mentormail-rules.5 man5/mentormail-templates.5; do
	assert_exit 0 mandoc -T lint -W warning "$P/share/man/$page"
done
assert_match "$P/share/mentormail/rules" \
    "$(mandoc -T ascii "$P/share/man/man1/mentormail.1" | sed 's/.\x08//g')" \
    "mentormail(1) names the installed rules"
assert_match "^$P/share/man/man5/mentormail.conf.5\$" \
    "$(man -M "$P/share/man" -w mentormail.conf)" \
    "man finds mentormail.conf(5) under the prefix"

step "one run against the test servers"
if [ "$AS_ROOT" = 1 ]; then
	su "$RUN_AS" -s /bin/sh -c "$P/bin/mentormail run" >"$STDOUT" \
	    2>"$STDERR"
else
	"$P/bin/mentormail" run >"$STDOUT" 2>"$STDERR"
fi
assert_eq 0 "$?" "the installed mentormail runs as $RUN_AS: $(head -c 300 "$STDERR")"
assert_eq 1 "$(smtp_to "$DANA" | wc -l)" "Dana Whitfield gets her receipt"
dbfile=$P/var/lib/mentormail/mentormail.db
assert_eq "600 $RUN_AS" "$(stat -c '%a %U' "$dbfile")" \
    "the database is $RUN_AS's, mode 0600"
assert_eq 0 "$(mail_count INBOX)" "the application is filed"
