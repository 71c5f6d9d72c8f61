#!/bin/bash
#
# The command line behaves as an administrator expects of a Unix tool:
#  - `mentormail --help` (and -h, and `help`) lists every command on
#    stdout and exits 0; `--version` says the version;
#  - `mentormail help COMMAND` and `mentormail COMMAND --help` say how to
#    use that command, without reading any configuration;
#  - a mistake (an unknown option, an option without its value, an unknown
#    command) is said in our own words, with the usage, and exits 64.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
require_mentormail

# No configuration exists: none of this may need one.
CONF=$T/no-such.conf
commands="run check status export match outbox test-rules reprocess report"
commands+=" help"

step "--help lists every command, on stdout"
for flag in --help -h help; do
	assert_exit 0 mentormail $flag
	assert_eq "" "$(cat "$STDERR")" "$flag: nothing on stderr"
	for c in $commands; do
		assert_match "^  $c( |\$)" "$(cat "$STDOUT")" "$flag lists $c"
	done
done

step "--version"
assert_exit 0 mentormail --version
assert_match '^mentormail [0-9]+\.[0-9]+' "$(cat "$STDOUT")" \
    "--version: mentormail and a version number"

step "help COMMAND and COMMAND --help: the command's usage"
for c in $commands; do
	assert_exit 0 mentormail help "$c"
	assert_match "^usage: mentormail .*\\b$c\\b" "$(cat "$STDOUT")" \
	    "help $c: its usage"
	help=$(cat "$STDOUT")
	assert_exit 0 mentormail "$c" --help
	assert_eq "$help" "$(cat "$STDOUT")" "$c --help says the same"
done
assert_exit 0 mentormail match pin a@example.org --help
assert_match '^usage: mentormail .* match ' "$(cat "$STDOUT")" \
    "--help anywhere after the command"
assert_exit 64 mentormail help no-such-command
assert_stderr_mentions 'help: no command "no-such-command"' \
    "help names a command that does not exist"

step "mistakes: our own words, the usage, exit 64"
assert_exit 64 mentormail --bogus status
assert_stderr_mentions '^mentormail: unknown option --bogus$' "--bogus"
assert_exit 64 mentormail -x status
assert_stderr_mentions '^mentormail: unknown option -x$' "-x"
assert_exit 64 mentormail -c
assert_stderr_mentions '^mentormail: -c needs a value$' "-c alone"
assert_exit 64 mentormail --now
assert_stderr_mentions '^mentormail: --now needs a value$' "--now alone"
assert_exit 64 mentormail run --bogus
assert_stderr_mentions '^mentormail run: unknown option --bogus$' \
    "run --bogus"
assert_exit 64 mentormail frobnicate
assert_stderr_mentions '^mentormail: unknown command "frobnicate"$' \
    "an unknown command"
for args in "--bogus status" "-x status" "-c" "run --bogus" "--now" \
    "run --now"; do
	# shellcheck disable=SC2086 # the words are the arguments
	mentormail $args
	assert_no_match "invalid option|unrecognized option" \
	    "$(cat "$STDERR")" "$args: no getopt message"
	assert_match '^usage: mentormail' "$(cat "$STDERR")" \
	    "$args: the usage follows"
done
