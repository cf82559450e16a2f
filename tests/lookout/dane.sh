#!/bin/sh
# dane.sh - DANE reports about our MX hosts (MXHosts), milter and digest
#
# Report mails in the shapes real senders use (tests/lookout/gen-dane.py:
# Microsoft's sts + tlsa listing, a report whose policy-domain and
# TLS-Report-Domain are the MX host itself) go through `tlsrpt-milter -t`
# and its output through tlsrpt-lookout.  Checked:
#   - the milter: with ReportDomains of another domain, a report about an
#     MX host is "foreign" until MXHosts names the host; a name below an
#     MX host stays foreign (exact names only);
#   - the digest: the host's reports are shown under "Our MX hosts", not as
#     a policy domain, with its DANE sessions, failures, reporters and the
#     domains whose reports named it; a host without report says so; text
#     and JSON equal the kept ones (UPDATE_GOLDEN=1 rewrites them); the
#     page has the section, and the figures are what the mails hold.
set -u
. "$(dirname "$0")/lib.sh"
G=$DDATA/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-dane.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

case $TLSRPT_MILTER in /*) ;; *) TLSRPT_MILTER=$(pwd)/$TLSRPT_MILTER ;; esac
"$PYTHON" "$top_srcdir/tests/lookout/gen-dane.py" "$T" || { fail "cannot make the mails"; finish; }

# milter NAME CONF-LINES - the -t output of mail NAME under CONF-LINES, prefix removed
milter() {
    printf 'ReportAddress tlsrpt@example.net\n%s\n' "$2" >"$T/conf"
    (cd "$T" && "$TLSRPT_MILTER" -t -c conf "$1" | sed "s|^$1: ||")
}

# -- acceptance: the MX host's own reports under ReportDomains of another domain
out=$(milter ms-02.eml "ReportDomains example.org")
case $out in
'ignored reason="foreign policy-domain" report-id=133926749310113267+mx1.example.net '*) ok ;;
*) fail "without MXHosts: want the report ignored as foreign, got [$out]" ;;
esac
out=$(milter ms-02.eml "ReportDomains example.org
MXHosts mx2.example.net, MX1.example.net")
[ "$(echo "$out" | grep -c '^report .*policy-domain=mx1.example.net')" -eq 1 ] &&
    [ "$(echo "$out" | grep -c '^failure .*result-type=tlsa-invalid')" -eq 1 ] && ok ||
    fail "MXHosts mx1.example.net: want the report and its failure, got [$out]"
# a report for example.net whose tlsa policy is about the host: accepted for the host
out=$(milter ms-01.eml "ReportDomains example.org
MXHosts mx1.example.net")
[ "$(echo "$out" | grep -c '^policy ')" -eq 2 ] && ok ||
    fail "a policy about the host: want the report's two policy lines, got [$out]"
# exact names: below an MX host is not the MX host
out=$(milter sub-02.eml "ReportDomains example.org
MXHosts mx1.example.net")
case $out in
'ignored reason="foreign policy-domain" '*) ok ;;
*) fail "sub.mx1.example.net: want it ignored as foreign, got [$out]" ;;
esac
# MXHosts alone (no ReportDomains) refuses nothing
out=$(milter google-02.eml "MXHosts mx1.example.net")
case $out in report\ *) ok ;; *) fail "MXHosts alone: want the report, got [$out]" ;; esac
printf 'MXHosts mx1.example.net/x\n' >"$T/bad"
"$TLSRPT_MILTER" -t -c "$T/bad" "$T/ms-01.eml" >/dev/null 2>"$T/err"
[ $? -eq 78 ] && grep -q "bad:1: MXHosts:" "$T/err" && ok || fail "a bad MX host name is not a config error"

# -- the digest: the four mails as the milter logs them
printf 'ReportAddress tlsrpt@example.net\nReportDomains example.net\nMXHosts mx1.example.net mx2.example.net\n' >"$T/milter.conf"
for f in google-02.eml ms-01.eml ms-02.eml sub-02.eml; do
    (cd "$T" && "$TLSRPT_MILTER" -t -c milter.conf "$f")
done >"$T/all.log"
lk() {
    "$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-07 --config "$T/milter.conf" "$@" "$T/all.log"
}
lk >"$T/dane.txt"
expect_rc 1 $? "failures at the MX host"
lk --json >"$T/dane.json"
if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$T/dane.txt" "$G/dane.txt"
    cp "$T/dane.json" "$G/dane.json"
    echo "wrote $G/dane.txt $G/dane.json"
else
    same "$G/dane.txt" "$T/dane.txt" "golden dane.txt"
    same "$G/dane.json" "$T/dane.json" "golden dane.json"
fi
# the host is no policy domain: not among the domain sections, but under its own heading
grep -q '^== mx1.example.net (' "$T/dane.txt" &&
    [ "$(sed -n '/^Our MX hosts/,$p' "$T/dane.txt" | grep -c '^== mx1.example.net (FAILING): DANE (tlsa) 7 sessions, 3 failed')" -eq 1 ] &&
    [ "$(sed -n '1,/^Our MX hosts/p' "$T/dane.txt" | grep -c '^== mx1.example.net')" -eq 0 ] && ok ||
    fail "text: mx1.example.net must be under Our MX hosts only"
grep -q '^== mx2.example.net: no report about it in the period$' "$T/dane.txt" && ok ||
    fail "text: a host without report must say so"
# the glance counts the host among ours (MXHosts names it)
sed -n '1,/^ Names not given/p' "$T/dane.txt" | grep -q 'FAILING  mx1.example.net' && ok ||
    fail "glance: mx1.example.net is ours"
"$PYTHON" - "$T/dane.json" <<'PY' || fail "figures in the JSON digest (above)"
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
def want(what, got, exp):
    if got != exp:
        bad.append("%s: got %r, want %r" % (what, got, exp))
want("policy domains", sorted(x["policy-domain"] for x in d["domains"]),
     ["example.net", "sub.mx1.example.net"])
mx = {m["mx-host"]: m for m in d["mx-hosts"]}
want("mx hosts", sorted(mx), ["mx1.example.net", "mx2.example.net"])
m = mx["mx1.example.net"]
# ms-01: 2 tlsa sessions about the host; ms-02: 2 + 3 failed
want("mx1 tlsa", (m["tlsa-successful-sessions"], m["tlsa-failed-sessions"]), (4, 3))
want("mx1 reports", m["reports"], 2)
want("mx1 reporters", [(r["reporter"], r["reports"]) for r in m["reporters"]], [("microsoft.com", 2)])
want("mx1 failures", [(f["result-type"], f["failed-sessions"]) for f in m["failures"]], [("tlsa-invalid", 3)])
by = {b["policy-domain"]: b for b in m["named-by"]}
want("mx1 named by", sorted(by), ["example.net"])
b = by["example.net"]
want("example.net's mention", (b["reports-with-a-policy-about-it"], b["in-mx-host"], b["tlsa-failed-sessions-at-it"]), (1, True, 1))
m = mx["mx2.example.net"]
want("mx2", (m["reports"], [x["policy-domain"] for x in m["named-by"]]), (0, ["example.net"]))
for x in bad:
    print("FAIL:", x)
sys.exit(1 if bad else 0)
PY
ok
# the page: the section, the host's table of who named it
lk --html "$T/dane.html" >/dev/null
grep -q '<h2 class="group">Our MX hosts</h2>' "$T/dane.html" &&
    grep -q '<section class="mxhost failing">' "$T/dane.html" &&
    grep -q '<section class="mxhost silent">' "$T/dane.html" &&
    grep -q '<td data-l="named by">example.net</td>' "$T/dane.html" && ok ||
    fail "page: the MX hosts section is missing or incomplete"
grep -q '<section class="domain [a-z]*">[[:space:]]*$' "$T/dane.html" &&
    [ "$(grep -A1 '<section class="domain' "$T/dane.html" | grep -c '<h2>mx1.example.net</h2>')" -eq 0 ] && ok ||
    fail "page: mx1.example.net must not be a domain section"
# without MXHosts the host is a policy domain like any name a report brings
printf 'ReportDomains example.net\n' >"$T/plain.conf"
"$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-07 --config "$T/plain.conf" "$T/all.log" >"$T/plain.txt"
grep -q '^== mx1.example.net (FAILING): 7 sessions' "$T/plain.txt" && ! grep -q '^Our MX hosts' "$T/plain.txt" && ok ||
    fail "without MXHosts: mx1.example.net must be a policy domain"
finish
