#!/bin/sh
#
# certs.sh DIR [NAME ...] -- throw-away certificates for TLS tests.
#
# Writes into DIR (created if missing), each with a matching *-key.pem:
#   ca.pem          a test CA, trusted only by tests that pass it as ca_file
#   server.pem      signed by ca.pem for 127.0.0.1, ::1, localhost and NAMEs
#   wronghost.pem   signed by ca.pem, but only for wrong.example
#   expired.pem     signed by ca.pem for the server's names, expired in 2001
#   selfsigned.pem  for the server's names, signed by nobody
#   clientonly.pem  signed by ca.pem for the server's names, but its
#                   extended key usage is TLS client authentication only
#   clientca.pem    an intermediate CA, signed by ca.pem, that may sign
#                   for TLS clients only
#   viaclientca.pem a server certificate signed by clientca.pem, sent
#                   with it (the chain file a server presents)
#
# Keys are P-256 so that generating and using them stays fast, even under
# valgrind.  The keys are not secret: never use them outside tests.
# Existing files in DIR are replaced.  Needs only openssl(1); never prompts.

set -eu

usage() {
	echo "usage: $0 DIR [NAME ...]" >&2
	exit 2
}

# subjectAltName for the given names: IP literals as IP, the rest as DNS.
san() {
	list=
	for name in "$@"; do
		case $name in
		*:*) entry="IP:$name" ;;
		*[!0-9.]*) entry="DNS:$name" ;;
		*) entry="IP:$name" ;;
		esac
		list="${list:+$list,}$entry"
	done
	echo "$list"
}

# Run openssl, showing its chatter only when it fails.
ossl() {
	if ! openssl "$@" 2>"$work/stderr"; then
		cat "$work/stderr" >&2
		echo "$0: openssl $1 failed" >&2
		exit 1
	fi
}

newkey() {
	ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
}

# The CA database that "openssl ca" insists on, kept in a scratch directory.
ca_config() {
	mkdir -p "$work/newcerts"
	: >"$work/index.txt"
	cat >"$work/ca.cnf" <<-CNF
	[ca]
	default_ca = test_ca
	[test_ca]
	database = $work/index.txt
	new_certs_dir = $work/newcerts
	serial = $work/serial
	certificate = ca.pem
	private_key = ca-key.pem
	default_md = sha256
	policy = policy_any
	unique_subject = no
	email_in_dn = no
	[policy_any]
	commonName = supplied
	CNF
}

make_ca() {
	newkey ca-key.pem
	ossl req -x509 -new -key ca-key.pem -out ca.pem -days 3650 \
	    -subj "/CN=mentormail test CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# leaf_extensions SAN [PURPOSE]: PURPOSE is serverAuth unless given.
leaf_extensions() {
	cat <<-EXT
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature,keyEncipherment
	extendedKeyUsage = ${2:-serverAuth}
	subjectAltName = $1
	EXT
}

# signed NAME SAN DATES [PURPOSE]: a leaf signed by the CA; DATES are
# "openssl ca" validity options.
signed() {
	newkey "$1-key.pem"
	ossl req -new -key "$1-key.pem" -out "$work/$1.csr" \
	    -subj "/CN=$1"
	leaf_extensions "$2" "${4:-}" >"$work/$1.ext"
	# shellcheck disable=SC2086
	ossl ca -batch -config "$work/ca.cnf" -rand_serial -notext \
	    -in "$work/$1.csr" -out "$1.pem" -extfile "$work/$1.ext" \
	    $3
}

# An intermediate CA for TLS clients only, and a server certificate it
# signed, in a chain file with the intermediate after it.
client_ca() {
	newkey clientca-key.pem
	ossl req -new -key clientca-key.pem -out "$work/clientca.csr" \
	    -subj "/CN=mentormail test client CA"
	cat >"$work/clientca.ext" <<-EXT
	basicConstraints = critical,CA:TRUE
	keyUsage = critical,keyCertSign,cRLSign
	extendedKeyUsage = clientAuth
	EXT
	ossl ca -batch -config "$work/ca.cnf" -rand_serial -notext \
	    -in "$work/clientca.csr" -out clientca.pem \
	    -extfile "$work/clientca.ext" -days 825
	newkey viaclientca-key.pem
	ossl req -new -key viaclientca-key.pem -out "$work/via.csr" \
	    -subj "/CN=viaclientca"
	leaf_extensions "$1" >"$work/via.ext"
	ossl x509 -req -in "$work/via.csr" -CA clientca.pem \
	    -CAkey clientca-key.pem -set_serial 7 -days 825 \
	    -extfile "$work/via.ext" -out "$work/via.pem"
	cat "$work/via.pem" clientca.pem >viaclientca.pem
}

selfsigned() {
	newkey selfsigned-key.pem
	ossl req -x509 -new -key selfsigned-key.pem -out selfsigned.pem \
	    -days 825 -subj "/CN=selfsigned" \
	    -addext "subjectAltName=$1"
}

[ $# -ge 1 ] || usage
dir=$1
shift
mkdir -p "$dir"
cd "$dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

names=$(san 127.0.0.1 ::1 localhost "$@")
make_ca
ca_config
signed server "$names" "-days 825"
signed wronghost "DNS:wrong.example" "-days 825"
signed expired "$names" "-startdate 20000101000000Z -enddate 20010101000000Z"
selfsigned "$names"
signed clientonly "$names" "-days 825" clientAuth
client_ca "$names"
