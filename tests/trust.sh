#!/bin/sh
# trust.sh - TrustedAuthservIDs, RequireDKIM and ReportDomains with -t
#
# Report mails with hand-written Authentication-Results fields go through
# `tlsrpt-milter -t -c CONF`: only fields from a trusted authserv-id count
# (the configured ones, else the host name), and only the topmost field
# that speaks of DKIM or cannot be read (the verifier's); dkim=pass needs a
# signing domain equal to, above or below the TLS-Report-Submitter domain
# (or the From domain, when From has one address), and RequireDKIM /
# ReportDomains turn a report into one "ignored" line.
# (The real thing, with OpenDKIM in a private Postfix: tests/e2e/dkim.sh.)
set -u
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-trust.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
MK="python3 $top_srcdir/tests/e2e/dkimmail.py"

# mk NAME [AR-FIELD-VALUE...] - a report from submitter reporter.test about example.com
mk() {
    _n=$1
    shift
    for _v in "$@"; do
        set -- "$@" "Authentication-Results: $_v"
        shift
    done
    $MK report "$T/$_n.eml" "id-$_n" example.com reporter.test tlsrpt@reporter.test 2 "$@" ||
        fail "cannot make $_n"
}

# run CONF-LINES FILE - the -t output (file name prefix removed)
run() {
    printf '%s\n' "$1" >"$T/conf"
    "$TLSRPT_MILTER" -t -c "$T/conf" "$2" | sed "s|^$2: ||"
}

# want_report CONF FILE DKIM KIND [REPORTER] - the report line's identity fields:
# dkim=DKIM [reporter=REPORTER] reporter-kind=KIND, the last of its counted fields
want_report() {
    _l=$(run "$1" "$T/$2.eml" | grep '^report ')
    _want="dkim=$3${5:+ reporter=$5} reporter-kind=$4"
    case $_l in
    *" total-failure-session-count=2 $_want "*) ok ;;
    *) fail "$2 [$1]: want a report line with [... $_want] then text, got [$_l]" ;;
    esac
}

mk pass "mx.test; dkim=pass header.d=reporter.test header.i=@reporter.test"
mk child "mx.test; dkim=pass (2048-bit key) header.d=corp.reporter.test"
mk other "mx.test; dkim=pass header.d=other.test"
mk untrusted "elsewhere.test; dkim=pass header.d=reporter.test"
mk mixed "elsewhere.test; dkim=pass header.d=reporter.test" "mx.test; dkim=fail header.d=reporter.test"
mk none "mx.test; dkim=none"
# the topmost trusted field with a DKIM result is the verifier's: one below it is the sender's
mk shadow "mx.test; dkim=none" "mx.test; dkim=pass header.d=reporter.test"
mk dmarcfirst "mx.test; dmarc=pass header.from=reporter.test" "mx.test; dkim=pass header.d=reporter.test"
mk bare
# what a sender writes to talk the verdict round (the verifier's field is the top one):
# a header.i longer than any buffer (as OpenDKIM copies a 300-byte i= tag), with a
# forged field of our own id below; a top field that does not parse; quotes in comments
longi=$(printf '%0256d' 0 | tr 0 i)
mk longi "mx.test; dkim=pass (2048-bit key) header.d=attacker.test header.i=$longi header.s=sel" \
    "mx.test; dkim/1=pass header.d=reporter.test"
mk unparse "mx.test; spf=pass (helo \"x(y) smtp.helo=x; dkim=none" \
    "mx.test; dkim/1=pass header.d=reporter.test"
mk qcomment "mx.test; spf=pass (helo \"x(y\") smtp.helo=x; dkim=pass header.d=reporter.test"

# mkfrom NAME FROM AR-FIELD-VALUE - no TLS-Report-Submitter: the From domain is the submitter
mkfrom() {
    $MK report "$T/$1.eml" "id-$1" example.com -reporter.test "$2" 2 "Authentication-Results: $3" ||
        fail "cannot make $1"
}
mkfrom fromone 'Reports <a@other.test>' "mx.test; dkim=pass header.d=other.test"
mkfrom fromquoted '"x@reporter.test, y" <a@other.test>' "mx.test; dkim=pass header.d=other.test"
# two addresses: no single From domain, whichever comes last
mkfrom fromlist 'a@reporter.test, b@other.test' "mx.test; dkim=pass header.d=other.test"
mkfrom fromgroup 'team: a@reporter.test;' "mx.test; dkim=pass header.d=reporter.test"

ids="TrustedAuthservIDs mx.test"
want_report "$ids" pass pass dkim reporter.test
want_report "$ids" child pass dkim corp.reporter.test
want_report "$ids" other fail claimed reporter.test
want_report "$ids" untrusted none claimed reporter.test
want_report "$ids" mixed fail claimed reporter.test
want_report "$ids" none none claimed reporter.test
want_report "$ids" shadow none claimed reporter.test
want_report "$ids" dmarcfirst pass dkim reporter.test
want_report "$ids" bare none claimed reporter.test
want_report "$ids" longi fail claimed reporter.test
want_report "$ids" unparse fail claimed reporter.test
want_report "$ids" qcomment pass dkim reporter.test
want_report "$ids" fromone pass dkim other.test
want_report "$ids" fromquoted pass dkim other.test
# no submitter and no single From domain: no identity at all
want_report "$ids" fromlist fail none
want_report "$ids" fromgroup fail none
want_report "TrustedAuthservIDs other.test, MX.TEST" pass pass dkim reporter.test
# not configured: the host name is trusted, and mx.test is not this host
[ "$(hostname)" = mx.test ] || want_report "" pass none claimed reporter.test

# RequireDKIM yes: one ignored line, exit 1 (no report read)
for n in other untrusted none bare longi unparse fromlist fromgroup; do
    out=$(run "$ids
RequireDKIM yes" "$T/$n.eml")
    case $out in
    "ignored reason=\"not DKIM-authenticated\" report-id=id-$n "*) ok ;;
    *) fail "$n, RequireDKIM yes: want one ignored line, got [$out]" ;;
    esac
    [ "$(echo "$out" | wc -l)" -eq 1 ] || fail "$n, RequireDKIM yes: more than one line"
done
out=$(run "$ids
RequireDKIM yes" "$T/pass.eml")
[ "$(echo "$out" | grep -c '^report .* dkim=pass reporter=reporter.test reporter-kind=dkim ')" -eq 1 ] &&
    [ "$(echo "$out" | grep -c '^failure ')" -eq 1 ] && ok ||
    fail "pass, RequireDKIM yes: want report and failure lines, got [$out]"

# ReportDomains: our domain or a parent of it accepted; others ignored
for d in example.com com.example,example.com EXAMPLE.COM; do
    out=$(run "ReportDomains $d" "$T/pass.eml")
    case $out in report\ *) ok ;; *) fail "ReportDomains $d: want the report, got [$out]" ;; esac
done
for d in example.org ample.com sub.example.com; do
    out=$(run "ReportDomains $d" "$T/pass.eml")
    case $out in
    'ignored reason="foreign policy-domain" report-id=id-pass '*) ok ;;
    *) fail "ReportDomains $d: want one ignored line, got [$out]" ;;
    esac
done

# bad values are configuration errors (exit 78) naming file and line
printf 'TrustedAuthservIDs mx;test\n' >"$T/bad"
"$TLSRPT_MILTER" -t -c "$T/bad" "$T/pass.eml" >/dev/null 2>"$T/err"
[ $? -eq 78 ] && grep -q "$T/bad:1:" "$T/err" && ok || fail "a bad authserv-id is not a config error"
printf 'DuplicateWindow 3x\n' >"$T/bad"
"$TLSRPT_MILTER" -t -c "$T/bad" "$T/pass.eml" >/dev/null 2>"$T/err"
[ $? -eq 78 ] && ok || fail "DuplicateWindow 3x is not a config error"

finish
