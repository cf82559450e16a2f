#!/bin/sh
# inventory.sh - the policies reporters saw, from mails through the real milter
#
# Nine days of report mails in real senders' shapes (tests/lookout/
# gen-inventory.py: Microsoft's sts + tlsa pair with the TLSA set as a
# JSON array, Google's sts with mx-host) go through `tlsrpt-milter -t`,
# and its lines through tlsrpt-lookout.  Checked, in text and JSON (kept
# digests in data/golden/, UPDATE_GOLDEN=1 rewrites them) and in the page:
#   - example.com: each MTA-STS policy with its max_age and mx patterns,
#     the TLSA sets by hash (never the records); the policy that changed
#     on the 4th for Google and on the 6th for Microsoft (the reporters
#     disagree on the 4th and 5th: Microsoft's is the stale one), the TLSA
#     set that changed on the 7th, failures in enforce mode;
#   - example.net: testing for 9 days without failure: ready for enforce;
#     example.org: 5 days: not yet (and ready with --ready-after 5).
set -u
. "$(dirname "$0")/lib.sh"
G=$DDATA/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-inventory.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
case $TLSRPT_MILTER in /*) ;; *) TLSRPT_MILTER=$(pwd)/$TLSRPT_MILTER ;; esac

"$PYTHON" "$top_srcdir/tests/lookout/gen-inventory.py" "$T" || { fail "cannot make the mails"; finish; }
printf 'ReportAddress tlsrpt@example.com\nReportDomains example.com example.net example.org\n' >"$T/milter.conf"
for f in $(cd "$T" && ls ./*.eml | sort); do
    (cd "$T" && "$TLSRPT_MILTER" -t -c milter.conf "$f")
done >"$T/all.log"
[ "$(grep -c ': report ' "$T/all.log")" -eq 32 ] || fail "want 32 report lines from the milter"
# no TLSA record is ever logged, only its set's hash
grep -qi '6007EEE553E85D8D' "$T/all.log" && fail "a TLSA record was logged"

lk() {
    "$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-09 --config "$T/milter.conf" "$@" "$T/all.log"
}
lk >"$T/inventory.txt"
expect_rc 1 $? "failures in enforce mode"
lk --json >"$T/inventory.json"
if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$T/inventory.txt" "$G/inventory.txt"
    cp "$T/inventory.json" "$G/inventory.json"
    echo "wrote $G/inventory.txt $G/inventory.json"
else
    same "$G/inventory.txt" "$T/inventory.txt" "golden inventory.txt"
    same "$G/inventory.json" "$T/inventory.json" "golden inventory.json"
fi
"$PYTHON" - "$T/inventory.json" <<'PY' || fail "the inventory in the JSON digest (above)"
import json, sys
d = json.load(open(sys.argv[1]))
inv = {x["policy-domain"]: x for x in d["policy-inventory"]}
bad = []
def want(what, got, exp):
    if got != exp:
        bad.append("%s: got %r, want %r" % (what, got, exp))
def kinds(dom):
    return sorted(f["finding"] for f in inv[dom]["findings"])
want("domains", sorted(inv), ["example.com", "example.net", "example.org"])
want("example.net", kinds("example.net"), ["ready"])
want("example.org", kinds("example.org"), [])
c = inv["example.com"]
sts = [p for p in c["policies"] if p["policy-type"] == "sts"]
want("sts failed", sum(p["failed-sessions"] for p in sts), 3)
want("sts reporters", sorted(set(r for p in sts for r in p["reporters"])), ["google.com", "microsoft.com"])
# what the milter logs of each policy-string: max_age, mx patterns, a 16-hex-digit hash
want("sts policies", [(p["max-age"], p["mx"], p["first-day"], p["last-day"]) for p in sts],
     [(604800, "*.example.com", "2026-11-01", "2026-11-05"),
      (2592000, "*.example.com,mx.example.net", "2026-11-04", "2026-11-09")])
want("hashes", all(len(p["policy-hash"]) == 16 for p in c["policies"]), True)
tlsa = [p for p in c["policies"] if p["policy-type"] == "tlsa"]
want("tlsa sets", [(p["first-day"], p["last-day"]) for p in tlsa], [("2026-11-01", "2026-11-06"), ("2026-11-07", "2026-11-09")])
want("tlsa sets differ", tlsa[0]["policy-hash"] != tlsa[1]["policy-hash"], True)
f = {x["finding"]: x for x in c["findings"]}
want("example.com findings", sorted(f), ["changed", "disagree", "enforce-failing"])
want("stale", f["disagree"]["text"].startswith("reporters disagreed (2026-11-04 to 11-05): microsoft.com still applied sts mode enforce, max_age 604800"), True)
want("stale newer", " while google.com applied sts mode enforce, max_age 2592000" in f["disagree"]["text"], True)
want("tlsa changed", (f["changed"]["day"], f["changed"]["text"].startswith("the tlsa policy changed on 2026-11-07")), ("2026-11-07", True))
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
ok
lk --ready-after 5 --json | "$PYTHON" -c '
import json, sys
inv = {x["policy-domain"]: x for x in json.load(sys.stdin)["policy-inventory"]}
sys.exit(0 if [f["finding"] for f in inv["example.org"]["findings"]] == ["ready"] else 1)' &&
    ok || fail "--ready-after 5: example.org must be ready"
# the glance says it too
grep -q '^   TESTING  example.net  MTA-STS policy in testing mode, senders do not enforce it; 450 sessions, none failed; ready for enforce (9 days without a failure)$' "$T/inventory.txt" &&
    ! grep -q 'example.org .*ready for enforce' "$T/inventory.txt" && ok ||
    fail "glance: example.net ready for enforce, example.org not"
# text and page say it in words
grep -q '^   finding: ready for enforce: MTA-STS in testing mode for 9 days (2026-11-01 to 11-09) without a failed session' "$T/inventory.txt" &&
    grep -q '^   finding: MTA-STS failures while in enforce mode: 3 failed sessions' "$T/inventory.txt" && ok ||
    fail "text: the findings in words"
lk --html "$T/inventory.html" >/dev/null
grep -q '<h2 class="group">Policies reporters saw</h2>' "$T/inventory.html" &&
    grep -q '<li class="ready">ready for enforce' "$T/inventory.html" &&
    grep -q '<li class="enforce-failing">MTA-STS failures while in enforce mode' "$T/inventory.html" && ok ||
    fail "page: the inventory section or its findings"
finish
