#!/bin/sh
# readable.sh - the digest reads at a glance (text, HTML page, JSON)
#
# Logs made here, in the milter's kv format, for each point:
#   - verdicts and order: our domains (--domain) failing, silent, testing
#     and fine, and names only reports brought, among them a stranger's
#     "><svg onload=...>.evil.example with the most failures of all and
#     aaa.example (first by name): the text's "At a glance" and the page's
#     table and sections put ours first, most urgent first (failing, silent,
#     testing, fine), the strangers' names after them, escaped in the page;
#     JSON says each domain's status;
#   - plurals: one report of one session on one day, one duplicate, one
#     report outside the period, one error line, one report logged without
#     its lines: "1 report", "(1 day)", never "1 reports", "1 days",
#     "1 sessions" (text, page, the mail's subject), and the plural where
#     there are more;
#   - bucketing: --days 366 draws months (at most 31 cells, here 13: the
#     sparklines are 13 characters, the charts 13 bars per panel), --days
#     120 ISO weeks (18), --days 31 days (31), --days 32 weeks again (5,
#     the first from a Thursday); the cells add up to the
#     domain's sessions; the charts have y values and dated x labels;
#   - duplicates explained: a report sent twice (two queue IDs on one
#     host), the same report logged by a second MX host, and a log file
#     given twice: each listed with its report-id and reporter, where the
#     copy and the counted one were logged and why it counts once, in the
#     text, the page and the JSON.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-lookout-readable.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# the logs: kv lines as tlsrpt-milter writes them (values with odd bytes as \xHH in quotes)
"$PYTHON" - "$T" <<'PY'
import datetime, sys
out = sys.argv[1]
EVIL = '"\\x22><svg onload=alert(1)>.evil.example"'

def report(f, host, q, rid, day, dom, sub, ok, failed, mode="enforce", rt=None, mx="mx1.example"):
    p = "Nov 29 10:00:00 %s tlsrpt-milter[1]: %s: " % (host, q)
    f.write(p + "report report-id=%s policy-domain=%s start-datetime=%sT00:00:00Z "
            "end-datetime=%sT23:59:59Z policies=1 dkim=none reporter=%s reporter-kind=claimed "
            "submitter=%s organization-name=Org\n" % (rid, dom, day, day, sub, sub))
    f.write(p + "policy report-id=%s policy-domain=%s policy-type=sts total-successful-session-count=%d "
            "total-failure-session-count=%d reporter-kind=claimed sts-mode=%s\n" % (rid, dom, ok, failed, mode))
    if failed:
        f.write(p + "failure report-id=%s policy-domain=%s policy-type=sts result-type=%s "
                "receiving-mx-hostname=%s failed-session-count=%d reporter-kind=claimed\n"
                % (rid, dom, rt or "certificate-expired", mx, failed))

with open(out + "/order.log", "w") as f:
    report(f, "mx1", "A1", "r1", "2026-11-28", "ours-fine.example", "google.com", 500, 0)
    report(f, "mx1", "A2", "r2", "2026-11-28", "ours-failing.example", "google.com", 90, 3)
    # two of its three failed sessions without details: still 3 failed, not 5
    f.write("Nov 29 10:00:00 mx1 tlsrpt-milter[1]: A2: failure-omitted reports=1 failed-session-count=2 reporter-kind=claimed\n")
    report(f, "mx1", "A3", "r3", "2026-11-28", "ours-testing.example", "google.com", 40, 0, "testing")
    report(f, "mx1", "A4", "r4", "2026-11-01", "ours-silent.example", "google.com", 40, 0)
    report(f, "mx1", "A5", "r5", "2026-11-28", EVIL, "evil.example", 10, 900, mx=EVIL)
    report(f, "mx1", "A6", "r6", "2026-11-28", "aaa.example", "evil.example", 10, 0)

with open(out + "/one.log", "w") as f:
    report(f, "mx1", "B1", "one", "2026-11-29", "one.example", "google.com", 0, 1)
    f.write("Nov 29 10:00:00 mx1 tlsrpt-milter[1]: B1: report-omitted reports=1 "
            "total-successful-session-count=1 total-failure-session-count=0 reporter-kind=claimed\n")
    report(f, "mx1", "B2", "one", "2026-11-29", "one.example", "google.com", 0, 1)  # again
    report(f, "mx1", "B3", "old", "2026-10-01", "one.example", "google.com", 5, 0)  # outside
    f.write("Nov 29 10:00:00 mx1 tlsrpt-milter[1]: B4: error part=2 reason=\"gzip data error\"\n")

with open(out + "/year.log", "w") as f:
    start = datetime.date(2025, 10, 1)
    for i in range(0, 430, 3):
        day = (start + datetime.timedelta(days=i)).isoformat()
        report(f, "mx1", "C%d" % i, "y%d" % i, day, "year.example", "google.com", 100 + i, i % 7)

with open(out + "/dups.log", "w") as f:
    report(f, "mx1", "D1", "sent-twice", "2026-11-27", "example.com", "google.com", 10, 0)
    report(f, "mx1", "D2", "sent-twice", "2026-11-27", "example.com", "google.com", 10, 0)
    report(f, "mx1", "D3", "two-hosts", "2026-11-28", "example.com", "microsoft.com", 20, 1)
    report(f, "mx2", "E3", "two-hosts", "2026-11-28", "example.com", "microsoft.com", 20, 1)
    report(f, "mx1", "D4", "given-twice", "2026-11-29", "example.com", "yahoo.com", 30, 0)
PY
grep -q 'given-twice' "$T/dups.log" || { fail "logs not made"; finish; exit 1; }
# the last report again, as when a log file is given twice
tail -n 2 "$T/dups.log" >"$T/again.log"

# ---- verdicts and order
L="$TLSRPT_LOOKOUT --today 2026-11-29"
$L --domain ours-fine.example --domain ours-failing.example --domain ours-testing.example \
    --domain ours-silent.example --html "$T/order.html" "$T/order.log" >"$T/order.txt"
$L --domain ours-fine.example --domain ours-failing.example --domain ours-testing.example \
    --domain ours-silent.example --json "$T/order.log" >"$T/order.json"
sed -n '/^At a glance$/,/^$/p' "$T/order.txt" >"$T/glance.txt"
cat >"$T/glance.want" <<'EOF'
At a glance
   FAILING  ours-failing.example  3 of 93 sessions failed (3.23%); 3 certificate-expired at mx1.example
   SILENT   ours-silent.example   no report since 2026-11-01 (28 days)
   TESTING  ours-testing.example  MTA-STS policy in testing mode, senders do not enforce it; 40 sessions, none failed
   FINE     ours-fine.example     500 sessions, none failed, 1 report
 Names not given with --domain or --config (anyone can send a report for any name):
   FAILING  "><svg onload=alert(1)>.evil.example  900 of 910 sessions failed (98.90%); 900 certificate-expired at "><svg onload=alert(1)>.evil.example
   FINE     aaa.example           10 sessions, none failed, 1 report

EOF
same "$T/glance.want" "$T/glance.txt" "the text's At a glance"
grep -q '^   2 failed sessions without details in the log$' "$T/order.txt" ||
    fail "ours-failing.example: the failed sessions without details not shown"
grep '^== ' "$T/order.txt" | cut -d' ' -f2 >"$T/sections.txt"
printf '%s\n' ours-failing.example ours-silent.example ours-testing.example ours-fine.example \
    '"><svg' aaa.example >"$T/sections.want"
same "$T/sections.want" "$T/sections.txt" "the text's sections in the order of the glance"
"$PYTHON" - "$T/order.html" "$T/order.json" <<'PY' || fail "the page's order (above)"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
bad = []
h2 = [x for x in re.findall(r"<h2>(.*?)</h2>", page)]
want = ["ours-failing.example", "ours-silent.example", "ours-testing.example", "ours-fine.example",
        "&#34;&#62;&#60;svg onload=alert(1)&#62;.evil.example", "aaa.example"]
if h2 != want:
    bad.append("sections: got %r, want %r" % (h2, want))
rows = re.findall(r'<tr class="(ours|theirs)"><td><span class="badge (\w+)">\w+</span></td><td class="name">(.*?)</td>', page)
got = [(o, b, n) for o, b, n in rows]
want = [("ours", "failing", "ours-failing.example"), ("ours", "silent", "ours-silent.example"),
        ("ours", "testing", "ours-testing.example"), ("ours", "fine", "ours-fine.example"),
        ("theirs", "failing", "&#34;&#62;&#60;svg onload=alert(1)&#62;.evil.example"),
        ("theirs", "fine", "aaa.example")]
if got != want:
    bad.append("glance rows: got %r, want %r" % (got, want))
if page.index("ours-fine.example") > page.index("evil.example"):
    bad.append("a stranger's name before ours")
if "<svg onload" in page:
    bad.append("the hostile name reached the page unescaped")
st = {d["policy-domain"]: d["status"] for d in json.load(open(sys.argv[2]))["domains"]}
want = {"ours-failing.example": "failing", "ours-silent.example": "silent", "ours-testing.example": "testing",
        "ours-fine.example": "fine", "aaa.example": "fine", '"><svg onload=alert(1)>.evil.example': "failing"}
if st != want:
    bad.append("JSON status: got %r, want %r" % (st, want))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
ok

# ---- plurals
$L --days 1 --domain one.example --html "$T/one.html" "$T/one.log" >"$T/one.txt"
for w in '(1 day)' '^1 report counted: 1 session, 1 failed (100.00%)$' \
    '^1 more report (1 session, 0 failed) was logged without its lines (report-omitted)' \
    '^1 duplicate report line not counted again' '^1 report outside the period left out$' \
    '^1 error line: ' ': 1 report, 1 session, 1 failed, last 2026-11-29$' \
    '1 failed session on 2026-11-29, reported by google.com'; do
    grep -q -- "$w" "$T/one.txt" || fail "plurals: no line with '$w' in the text:"
done
# the mail's subject too
printf '#!/bin/sh\ncat >"%s/mail.out"\n' "$T" >"$T/sendmail"
chmod +x "$T/sendmail"
$L --days 1 --domain one.example --mail postmaster@example.com --sendmail "$T/sendmail" "$T/one.log"
grep -q '^Subject: TLS-RPT digest 2026-11-29 to 2026-11-29: 1 failed session$' "$T/mail.out" ||
    fail "plurals: the mail's subject: $(grep '^Subject' "$T/mail.out")"
sed 's/<[^>]*>//g' "$T/one.html" >"$T/one-page.txt"
for f in one.txt one-page.txt; do
    if grep -En '(^|[^0-9.,])1 (days|reports|sessions|failed sessions|lines|error lines|duplicate report lines|reporters|kinds)\b' "$T/$f"; then
        fail "plurals: a plural after 1 in $f (above)"
    else
        ok
    fi
done
grep -q '^5 reports counted: 1,553 sessions, 903 failed (58.15%)$' "$T/order.txt" ||
    fail "plurals and separators: want '5 reports counted: 1,553 sessions, 903 failed (58.15%)'"

# ---- bucketing: months at --days 366, weeks at 120, days at 31
for days in 366 120 31 32; do
    $L --days $days --html "$T/y$days.html" "$T/year.log" >"$T/y$days.txt"
    $L --days $days --json "$T/year.log" >"$T/y$days.json"
done
"$PYTHON" - "$T" <<'PY' || fail "bucketed sparklines and charts (above)"
import json, re, sys
t = sys.argv[1]
bad = []
for days, unit, cells in ((366, "month", 13), (120, "week", 18), (31, "day", 31), (32, "week", 5)):
    text = open("%s/y%d.txt" % (t, days), encoding="utf-8").read()
    page = open("%s/y%d.html" % (t, days), encoding="utf-8").read()
    dom = json.load(open("%s/y%d.json" % (t, days)))["domains"][0]
    total = dom["successful-sessions"] + dom["failed-sessions"]
    for what in ("sessions", "failed"):
        m = re.search(r"^   %s per %s +(\S+)  most" % (what, unit), text, re.M)
        if not m:
            bad.append("--days %d: no '%s per %s' sparkline" % (days, what, unit))
        elif len(m.group(1)) != cells or len(m.group(1)) > 31:
            bad.append("--days %d: %s sparkline of %d cells, want %d" % (days, what, len(m.group(1)), cells))
    svg = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    if not svg:
        bad.append("--days %d: no chart" % days); continue
    svg = svg.group(0)
    ok_bars = re.findall(r'<g><title>([^<]*)</title><rect class="ok"', svg)
    if not 1 <= len(ok_bars) <= cells:
        bad.append("--days %d: %d session bars, want at most %d" % (days, len(ok_bars), cells))
    summed = sum(int(re.search(r": ([0-9,]+) sessions?,", x).group(1).replace(",", "")) for x in ok_bars)
    if summed != total:
        bad.append("--days %d: the cells add up to %d sessions, want %d" % (days, summed, total))
    if "per %s</text>" % unit not in svg:
        bad.append("--days %d: the chart does not say 'per %s'" % (days, unit))
    yt = re.findall(r'text-anchor="end">([0-9.]+[kM]?)</text>', svg)
    if len(yt) < 4 or yt[0] != "0":
        bad.append("--days %d: y values %r" % (days, yt))
    xt = re.findall(r'<text(?: class="mn")? x="[0-9.]+" y="[0-9]+" text-anchor="(?:start|middle)">([A-Z][a-z]{2}(?: [0-9]+)?)</text>', svg)
    if len(xt) < 3:
        bad.append("--days %d: dated x labels %r" % (days, xt))
    years = re.findall(r'<text class="yr" [^>]*>([0-9]{4})</text>', svg)
    if days == 366 and (xt[:3] != ["Nov", "Dec", "Jan"] or len(xt) != 13 or years != ["2025", "2026"]):
        bad.append("--days 366: month labels %r, years %r: want every month, the year under the first and January" % (xt, years))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
ok

# ---- duplicates explained
$L --html "$T/dups.html" "$T/dups.log" "$T/again.log" >"$T/dups.txt"
$L --json "$T/dups.log" "$T/again.log" >"$T/dups.json"
tr '\n' ' ' <"$T/dups.txt" | tr -s ' ' >"$T/dups.flat"
for w in \
    'report-id sent-twice from google.com for example.com, 2026-11-27: logged again as D2 on mx1 after the copy counted as D1 on mx1 (the reporter sent it again, or it was delivered twice). The same reporter, report-id and period are one report: this copy and its 1 line of policies and failures were left out.' \
    'report-id two-hosts from microsoft.com for example.com, 2026-11-28: logged again as E3 on mx2 after the copy counted as D3 on mx1 (another MX host'"'"'s copy, in one central log). The same reporter, report-id and period are one report: this copy and its 2 lines of policies and failures were left out.' \
    'report-id given-twice from yahoo.com for example.com, 2026-11-29: logged again as D4 on mx1 after the copy counted as D4 on mx1 (the same line read twice: a log given twice?)' \
    '3 reports counted: 61 sessions, 1 failed (1.64%) 3 duplicate report lines not counted again (see Duplicates below)'; do
    grep -qF -- "$w" "$T/dups.flat" || fail "duplicates: the text does not say: $w"
done
"$PYTHON" - "$T/dups.json" "$T/dups.html" <<'PY' || fail "duplicates in JSON and the page (above)"
import json, sys
d = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()
got = [(x["report-id"], x["reporter"], x["host"], x["queue-id"], x["counted-host"], x["counted-queue-id"], x["lines-left-out"])
       for x in d["duplicates"]]
want = [("sent-twice", "google.com", "mx1", "D2", "mx1", "D1", 1), ("two-hosts", "microsoft.com", "mx2", "E3", "mx1", "D3", 2),
        ("given-twice", "yahoo.com", "mx1", "D4", "mx1", "D4", 1)]
bad = []
if got != want:
    bad.append("JSON duplicates: got %r, want %r" % (got, want))
if d["input"]["duplicates"] != 3:
    bad.append("JSON input.duplicates %r, want 3" % d["input"]["duplicates"])
for w in ('<table class="dup stack">', "<td data-l=\"report-id\">two-hosts</td>", "another MX host's copy"):
    if w not in page:
        bad.append("page: no %r" % w)
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
ok
# a report whose line a relay cut is said in the text and on the page alike
{ grep ': report ' "$DDATA/kv.log" | head -1 | cut -c1-200; cat "$DDATA/kv.log"; } >"$T/cut.log"
for fmt in text html; do
    if [ $fmt = text ]; then digest "$T/cut.log" >"$T/cut.$fmt" 2>/dev/null; else digest --html - "$T/cut.log" >"$T/cut.$fmt" 2>/dev/null; fi
    grep -q '1 report with a log line cut on its way' "$T/cut.$fmt" &&
        ok "$fmt: the report lost to a cut line is said" || fail "$fmt: no sentence for the report lost to a cut line"
done
finish
