#!/bin/sh
# digest-golden.sh - tlsrpt-lookout over logs the real milter wrote: golden text, JSON, Prometheus
#
# Inputs: tests/lookout/data/kv.log and json.log, one simulated week of report
# mails and the bundled samples logged by tlsrpt-milter through Postfix
# (capture.sh; also rerun here when the end-to-end tests can run, and the
# fresh capture must give the same digest).  Checked:
#   - the digest as text, JSON and Prometheus textfile equals the kept one
#     (data/golden/; UPDATE_GOLDEN=1 rewrites them);
#   - the same digest from the LogFormat json log, from two hosts' logs
#     merged line by line into one central log (each report counts once),
#     from a log rotated into a .gz file plus the current file, and from the
#     journal's -o cat and -o short-iso outputs on standard input;
#   - per-domain totals count a report's tlsa and sts policies for the same
#     sessions once, per-policy figures as reported; a report logged twice
#     counts once; a reporter not heard from for 7 days is silent;
#   - policy lines with sts-mode= (the MTA-STS mode): testing/none shown;
#   - exit status 0 without failures, 1 with, 2 for usage and input errors.
set -u
. "$(dirname "$0")/lib.sh"
G=$DDATA/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-lookout.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# golden - compare (or with UPDATE_GOLDEN=1 write) one expected output: NAME FILE
golden() {
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        mkdir -p "$G"
        cp "$2" "$G/$1"
        echo "wrote $G/$1"
    else
        same "$G/$1" "$2" "golden $1"
    fi
}

# same_but_where - two digests equal but for where the duplicates were logged
# (the explanation under each "report-id ..." line names hosts and queue IDs,
# which differ between captures and log formats): WANT GOT WHAT
same_but_where() {
    sed '/^Duplicates/,/^$/{/^     /d}' "$1" >"$1.nowhere"
    sed '/^Duplicates/,/^$/{/^     /d}' "$2" >"$2.nowhere"
    same "$1.nowhere" "$2.nowhere" "$3"
}

# -- the kept kv log: text, JSON, Prometheus
digest "$DDATA/kv.log" >"$T/week.txt"
expect_rc 1 $? "a week with failures"
golden week.txt "$T/week.txt"
digest --json "$DDATA/kv.log" >"$T/week.json"
golden week.json "$T/week.json"
digest --prometheus "$T/week.prom" "$DDATA/kv.log" >/dev/null
golden week.prom "$T/week.prom"
ls "$T"/week.prom.*.tmp >/dev/null 2>&1 && fail "the textfile's temporary file was left"
# the bundled samples of May 2026 (Google twice, Microsoft once)
"$TLSRPT_LOOKOUT" --since 2026-05-01 --today 2026-05-31 "$DDATA/kv.log" >"$T/may.txt"
expect_rc 0 $? "May 2026: no failures"
golden may.txt "$T/may.txt"

# -- what the figures must be, whatever the golden files say
"$PYTHON" - "$T/week.json" <<'PY' || fail "figures in the JSON digest (above)"
import json, sys
d = json.load(open(sys.argv[1]))
dom = {x["policy-domain"]: x for x in d["domains"]}
c = dom["example.com"]
bad = []
def want(what, got, exp):
    if got != exp:
        bad.append("%s: got %r, want %r" % (what, got, exp))
# Google 1230..1299 a day (25th twice: once), Microsoft 200 a day under tlsa and sts (once)
want("example.com sessions", c["successful-sessions"] + c["failed-sessions"], 8841 + 1400)
want("example.com failed", c["failed-sessions"], 21 + 10)
pol = {p["policy-type"]: p for p in c["policies"]}
want("tlsa policy as reported", (pol["tlsa"]["successful-sessions"], pol["tlsa"]["failed-sessions"]), (1390, 10))
want("sts policy as reported", pol["sts"]["failed-sessions"], 31)
want("duplicates", d["input"]["duplicates"], 1)
want("reports", d["reports"], 16)
rep = {r["reporter"]: r for r in c["reporters"]}
want("google reports", rep["google.com"]["reports"], 7)
want("yahoo silent", rep["yahoo.com"]["silent"], True)
want("google silent", rep["google.com"]["silent"], False)
want("day 2026-11-28 failed", [x["failed-sessions"] for x in c["days"] if x["date"] == "2026-11-28"], [17])
want("example.net expected", dom["example.net"]["expected"], True)
want("example.net reports", dom["example.net"]["reports"], 0)
f = c["failures"][0]
want("top failure", (f["result-type"], f["failed-sessions"], f["failure-reason-code"]), ("certificate-expired", 21, "X509_V_ERR_CERT_HAS_EXPIRED"))
want("meaning given", f["meaning"] is not None and "notAfter" in f["meaning"], True)
org = dom["example.org"]["reporters"][0]["organization-name"]
want("hostile organization-name kept as text", org, "<script>alert('org')</script>\"><svg onload=alert(1)>")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
ok

# -- LogFormat json: the same digest
digest "$DDATA/json.log" >"$T/json.txt"
same_but_where "$T/week.txt" "$T/json.txt" "digest of the LogFormat json log"

# -- two MX hosts in one central log: mx2 logged every report again (other
# queue IDs, RFC 3339 time stamps), lines interleaved one by one
sed -n 's/^Nov 30 06:00:00 mx1 tlsrpt-milter\[\([0-9]*\)\]: \([0-9A-F]*\): /2026-11-30T06:00:00.123456+00:00 mx2 tlsrpt-milter[\1]: Q\2: /p' \
    "$DDATA/kv.log" >"$T/mx2.log"
[ "$(wc -l <"$T/mx2.log")" -gt 90 ] || fail "mx2 log not made"
paste -d '\n' "$DDATA/kv.log" "$T/mx2.log" | grep -v '^$' >"$T/central.log"
digest "$T/central.log" >"$T/central.txt"
# without the duplicates (their count, their section) both digests are the same
# (and the reports outside the period, logged twice too)
nodups='/ duplicate report lines* not counted again/d; / reports* outside the period/d; /^Duplicates/,/^$/d'
sed "$nodups" "$T/week.txt" >"$T/week-no-dups.txt"
sed "$nodups" "$T/central.txt" >"$T/central-no-dups.txt"
same "$T/week-no-dups.txt" "$T/central-no-dups.txt" "digest of the two-host central log"
grep -q '^16 reports counted: 10,349 sessions, 39 failed' "$T/central.txt" &&
    grep -q '^18 duplicate report lines not counted again' "$T/central.txt" ||
    fail "central log: want 16 reports and 18 duplicate report lines (mx2's 17 + the retry)"
# each duplicate says which report and why: mx2's copies are another host's,
# the retry on mx1 a second message; the first 16 are listed, the rest counted
n=$(grep -c "^   report-id .* from [a-z.]* for [a-z.]*, 2026-11-2[0-9]:\$" "$T/central.txt")
[ "$n" -eq 16 ] || fail "central log: $n duplicates listed, want the first 16"
grep -q '^   and 2 more (only the first are listed)$' "$T/central.txt" ||
    fail "central log: the duplicates past the list are not counted"
tr '\n' ' ' <"$T/central.txt" | tr -s ' ' | grep -q 'logged again as Q*[0-9A-F]* on mx[12] after the copy counted as Q*[0-9A-F]* on mx[12] (another MX host.s copy, in one central log)' ||
    fail "central log: mx2's copy not explained as another host's"
tr '\n' ' ' <"$T/week.txt" | tr -s ' ' | grep -q 'report-id 2026-11-25T00:00:00Z_example.com from google.com for example.com, 2026-11-25: logged again as [0-9A-F]* on mx1 after the copy counted as [0-9A-F]* on mx1 (the reporter sent it again, or it was delivered twice)' ||
    fail "week: the retried Google report not explained"

# -- rotation: the older half gzip'ed, both given oldest first
n=$(wc -l <"$DDATA/kv.log")
head -n $((n / 2)) "$DDATA/kv.log" | gzip -c >"$T/mail.log.1.gz"
tail -n +$((n / 2 + 1)) "$DDATA/kv.log" >"$T/mail.log"
digest "$T/mail.log.1.gz" "$T/mail.log" >"$T/rotated.txt"
same "$T/week.txt" "$T/rotated.txt" "digest of mail.log.1.gz + mail.log"
gzip -c "$DDATA/kv.log" | digest >"$T/stdin-gz.txt"
same "$T/week.txt" "$T/stdin-gz.txt" "digest of gzip'ed standard input"

# -- the journal: journalctl -t tlsrpt-milter -o cat, and -o short-iso, on standard input
sed -n 's/^Nov 30 06:00:00 mx1 tlsrpt-milter\[[0-9]*\]: //p' "$DDATA/kv.log" | digest >"$T/cat.txt"
same_but_where "$T/week.txt" "$T/cat.txt" "digest of journalctl -o cat output"
sed -n 's/^Nov 30 06:00:00 mx1 tlsrpt-milter/2026-11-30T06:00:00+0000 mx1 tlsrpt-milter/p' \
    "$DDATA/json.log" | digest - >"$T/iso.txt"
same_but_where "$T/week.txt" "$T/iso.txt" "digest of journalctl -o short-iso output (json lines)"

# -- a forged line: another program's message that holds our tag is not ours
printf '%s\n' "Nov 29 10:00:00 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x: 550; from=<\"x tlsrpt-milter[1]: AB: report report-id=forged start-datetime=2026-11-29T00:00:00Z policy-domain=example.com submitter=evil\"@x>" \
    "Nov 29 10:00:00 mx1 evil[7]: tlsrpt-milter[1]: CD: report report-id=forged2 start-datetime=2026-11-29T00:00:00Z policy-domain=example.com submitter=evil" \
    >"$T/forged.log"
digest "$T/forged.log" "$DDATA/kv.log" >"$T/forged.txt"
same "$T/week.txt" "$T/forged.txt" "digest with forged lines from other programs"

# -- the MTA-STS mode on policy lines (sts-mode=, written by milters that know it)
digest "$DDATA/sts-mode.log" >"$T/sts.txt"
expect_rc 0 $? "sts-mode log: no failures"
golden sts-mode.txt "$T/sts.txt"
grep -q "note: MTA-STS policy in testing mode" "$T/sts.txt" || fail "testing mode not shown"
grep -q "note: MTA-STS policy in none mode" "$T/sts.txt" || fail "none mode not shown"
grep -A3 "== enforce.example" "$T/sts.txt" | grep -q "note:" && fail "enforce mode shown as a problem"
digest --prometheus "$T/sts.prom" "$DDATA/sts-mode.log" >/dev/null
grep -qx 'tlsrpt_lookout_sts_mode{policy_domain="testing.example",mode="testing"} 1' "$T/sts.prom" ||
    fail "Prometheus sts mode line missing"

# -- hostile reporter names and result types: every Prometheus line still
# follows the exposition format (label values escape \"; a newline, a
# control character or an invalid byte becomes the text \\xHH, and a
# backslash of the value's own the text \\\\, so the two never meet)
printf '%s\n' 'Q1: report report-id=h1 policy-domain=example.com start-datetime=2026-11-28T00:00:00Z dkim=none reporter="a\x22b\x5cc\x0ad\x1be\xff\x7b}" reporter-kind=claimed' \
    'Q1: policy report-id=h1 policy-type="x\x0a\x22" total-successful-session-count=1 total-failure-session-count=1 reporter-kind=claimed' \
    'Q1: failure report-id=h1 policy-type="x\x0a\x22" result-type="r\x5c\x0a\x00" failed-session-count=1 reporter-kind=claimed' \
    >"$T/hostile.log"
digest --prometheus "$T/hostile.prom" "$T/hostile.log" >/dev/null
"$PYTHON" - "$T/hostile.prom" <<'PY' || fail "Prometheus textfile of hostile values (above)"
import re, sys
line = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^\\"\n])*"'
                  r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^\\"\n])*")*\})? -?[0-9]+(\.[0-9]+)?$')
data = open(sys.argv[1], "rb").read()
bad = [l for l in data.decode("utf-8").split("\n") if l and not l.startswith("#") and not line.match(l)]
for b in bad:
    print("FAIL: not an exposition line: %r" % b)
# a reporter that is no host name is no identity: "unknown", never the text
if b'reporter="unknown"' not in data or b'a\\"b' in data:
    print("FAIL: the hostile reporter is not 'unknown'")
    bad.append(1)
if b'policy_type="x\\\\x0a\\""' not in data:
    print("FAIL: the policy_type label is not escaped as expected")
    bad.append(1)
sys.exit(1 if bad else 0)
PY
ok

# -- the milter's ReportDomains name the domains that should report
printf 'ReportAddress tlsrpt@example.com\nReportDomains example.com, quiet.example\n' >"$T/milter.conf"
"$TLSRPT_LOOKOUT" --today "$TODAY" --config "$T/milter.conf" "$DDATA/kv.log" >"$T/conf.txt"
grep -q '^Domains with no report in the period: .*quiet\.example' "$T/conf.txt" ||
    fail "--config: ReportDomains quiet.example not listed as without report"
"$TLSRPT_LOOKOUT" --config "$T/no-such.conf" "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "--config with a missing file"

# -- exit status
digest --days 1 --today 2026-11-23 "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 0 $? "a day without failures"
digest --days 0 "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "--days 0"
digest --days 3 --since 2026-11-01 "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "--days with --since"
digest --since 2026-13-01 "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "--since 2026-13-01"
# days that do not exist are refused, never moved to the next month, and
# no date before 1970 stands for "not given" (the period of the default)
for a in "--since 2027-02-29" "--since 2028-02-30" "--since 1969-12-31"; do
    "$TLSRPT_LOOKOUT" --today 2028-03-01 --domain example.com $a "$DDATA/kv.log" >/dev/null 2>&1
    expect_rc 2 $? "$a"
done
for a in "--today 2027-02-29" "--today 2026-04-31" "--today 1969-12-31"; do
    "$TLSRPT_LOOKOUT" --domain example.com $a "$DDATA/kv.log" >/dev/null 2>&1
    expect_rc 2 $? "$a"
done
"$TLSRPT_LOOKOUT" --today 2028-02-29 --since 2028-02-28 --json --domain example.com "$DDATA/kv.log" >"$T/leap.json"
grep -q '"from":"2028-02-28","to":"2028-02-29","days":2,' "$T/leap.json" && ok ||
    fail "--since 2028-02-28 --today 2028-02-29: $(head -c 120 "$T/leap.json")"
digest "$T/no-such-file" >/dev/null 2>&1
expect_rc 2 $? "a file that cannot be read"
digest --mail '-oQ/tmp x@y' "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "--mail with an option-like address"

# -- memory: 30 MB of mail.log with 30,000 distinct reports stays far under 64 MiB
if [ -x /usr/bin/time ]; then
    "$PYTHON" "$top_srcdir/tests/lookout/gen-log.py" "$T/big.log" 30 30000 >/dev/null
    # in the sanitizer build, ASan's quarantine keeps freed memory on purpose
    # (up to 256 MB): without it the figure is again what the program holds
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
        /usr/bin/time -f '%M' -o "$T/rss" "$TLSRPT_LOOKOUT" --today 2026-11-29 --days 366 --json \
        "$T/big.log" >"$T/big.json"
    rss=$(tail -n 1 "$T/rss")
    grep -q '"reports":30000,' "$T/big.json" || fail "30,000 reports not all counted"
    if [ "$rss" -lt 65536 ]; then
        ok "peak RSS ${rss} KB over 30,000 reports"
    else
        fail "peak RSS ${rss} KB, want under 64 MiB"
    fi
    rm -f "$T/big.log"
else
    echo "note: no GNU time (/usr/bin/time): memory not measured"
fi

# -- a fresh capture through the real milter gives the same digest
if [ "$(id -u)" -eq 0 ] && [ -z "${DIGEST_NO_CAPTURE:-}" ]; then
    sh "$top_srcdir/tests/lookout/capture.sh" "$T/cap" >"$T/capture.out" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        # the milter's figures only: Postfix's own lines carry the capture's
        # date, which may fall in the kept week (late November of any year)
        # and would add the MX join to one side
        digest --no-mx "$DDATA/kv.log" >"$T/week-nomx.txt"
        digest --no-mx "$T/cap/kv.log" >"$T/fresh.txt"
        same_but_where "$T/week-nomx.txt" "$T/fresh.txt" "digest of a fresh capture through the real milter"
        cmp -s "$T/week-nomx.txt.nowhere" "$T/fresh.txt.nowhere" ||
            echo "note: when the milter's lines changed on purpose, regenerate the kept logs and goldens:" \
                "sudo sh tests/lookout/capture.sh tests/lookout/data && UPDATE_GOLDEN=1 sh tests/lookout/digest-golden.sh"
        digest --no-mx "$T/cap/json.log" >"$T/fresh-json.txt"
        same_but_where "$T/week-nomx.txt" "$T/fresh-json.txt" "digest of a fresh LogFormat json capture"
    elif [ $rc -eq 77 ]; then
        echo "note: no fresh capture: $(tail -n 1 "$T/capture.out")"
    else
        fail "capture.sh failed:"
        tail -n 20 "$T/capture.out"
    fi
fi
finish
