#!/bin/sh
# crowd.sh - names a stranger chooses cannot crowd our domains out of the digest or the alerts
#
# Report mails from tests/lookout/gen-crowd.py go through the real milter
# (tlsrpt-milter -t) with the recommended configuration (TrustedAuthservIDs,
# RequireDKIM yes, ReportDomains example.com); its lines, as rsyslog files
# them, are what tlsrpt-lookout reads.  Checked:
#   - digest: one mail of 3 reports x 100 policy domains (a report counts
#     at most 4 domains, its report line's included) and one of 100
#     reports x 3 (300 names), then Google's
#     two reports of 500 failed sessions each: example.com is shown with its
#     1000 failed sessions (exit 1), and the 54 names past
#     the limit of 256 other domains are said in the text, the HTML page,
#     the JSON (a field and a sentence) and the Prometheus textfile (a
#     gauge and a comment);
#     without any configuration the flood may push example.com out, but the
#     text says so, with its failed sessions, and the exit status is 1;
#   - reporters: after 40 unsigned mails claiming 40 reporters of
#     example.com (RequireDKIM no), Google's signed reports are still
#     listed (claimed names take at most 16 of 32 places), and the text and
#     the page say how many reports' reporters are not listed;
#   - the milter's configuration is read by default: with a configuration
#     in the default place (a private mount namespace over SYSCONFDIR) and
#     no --config, example.com is shown; with none there, no error;
#   - alert: Google reports example.com, then one mail of 150 reports x 8
#     policy domains, then daily runs for 10 days: a handful of events in
#     all (at most one `others` event per run sums the flood up and says
#     how much the full pool forgot), and Google's silence is announced;
#     without any configuration the same holds for a reporter heard from in
#     two runs, with at most 8 events about others per run plus the summary.
set -u
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-crowd.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
"$PYTHON" "$top_srcdir/tests/lookout/gen-crowd.py" "$T/mails" || { fail "gen-crowd.py"; finish; exit 1; }
printf '%s\n' "ReportAddress tlsrpt@example.com" "TrustedAuthservIDs mx.test" "RequireDKIM yes" \
    "ReportDomains example.com" >"$T/milter.conf"

# logged NAME... - the milter's lines for the mails, as rsyslog writes them (the mail's name as queue ID)
logged() {
    for _n in "$@"; do
        "$TLSRPT_MILTER" -t -c "$T/milter.conf" "$T/mails/$_n.eml" |
            sed "s|^$T/mails/\\([^:]*\\)\\.eml: |Nov  3 06:00:00 mx1 tlsrpt-milter[812]: \\1: |"
    done
}

# -- the digest
logged flood-digest flood-wide google-01 google-02 >"$T/digest.log"
n=$(grep -c ': policy ' "$T/digest.log")
[ "$n" -eq 602 ] && ok || fail "the milter logged $n policy lines, want 602 (600 of the floods, 2 of Google)"
look() {
    "$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-03 "$@"
}
look --config "$T/milter.conf" --html "$T/page.html" --prometheus "$T/digest.prom" \
    "$T/digest.log" >"$T/digest.txt"
expect_rc 1 $? "the digest of 1000 failed sessions of ours"
grep -q -E "^ +FAILING +example\.com +1,000 of 2,000 sessions failed" "$T/digest.txt" && ok ||
    fail "example.com is not shown with its 1000 failed sessions: $(grep -m1 '^[0-9]* reports' "$T/digest.txt")"
want='Not shown: 54 more policy domains that are not ours'
grep -q "^$want" "$T/digest.txt" && ok || fail "text: no '$want' line"
grep -q "<p class=\"warn\" id=\"left-out\">$want" "$T/page.html" && ok || fail "HTML: no '$want' paragraph"
grep -q "^# NOTE $want" "$T/digest.prom" && ok || fail "Prometheus: no '# NOTE $want' line"
grep -q '^tlsrpt_lookout_left_out_domains 54$' "$T/digest.prom" && ok ||
    fail "Prometheus: $(grep '^tlsrpt_lookout_left_out_domains' "$T/digest.prom"), want 54"
look --config "$T/milter.conf" --json "$T/digest.log" >"$T/digest.json"
"$PYTHON" - "$T/digest.json" "$want" <<'PY' && ok || fail "JSON: left-out (above)"
import json, sys
d = json.load(open(sys.argv[1]))
lo = d["left-out"]
dom = {x["policy-domain"]: x for x in d["domains"]}
bad = []
if lo["domains"] != 54 or lo["limit"] != 256 or not (lo["note"] or "").startswith(sys.argv[2]):
    bad.append("left-out %r" % lo)
if dom.get("example.com", {}).get("failed-sessions") != 1000 or not dom["example.com"]["expected"]:
    bad.append("example.com %r" % dom.get("example.com"))
if len(dom) != 257:
    bad.append("%d domains, want 256 others and example.com" % len(dom))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
# no configuration at all: the flood comes first and example.com is left out, which is said
look --no-config "$T/digest.log" >"$T/none.txt"
expect_rc 1 $? "without configuration: failed sessions left out still count"
grep -q "^Not shown: 55 more policy domains that are not ours .* with 2 reports and 1000 failed sessions" \
    "$T/none.txt" && ok || fail "without configuration: $(grep '^Not shown' "$T/none.txt")"

# -- reporters: 40 unsigned mails claiming 40 reporters of example.com (RequireDKIM no), then
# Google's signed reports: claimed names take at most 16 of a domain's 32 places, Google is
# listed, and the reports of the reporters not listed are said
sed 's/^RequireDKIM yes$/RequireDKIM no/' "$T/milter.conf" >"$T/claims.conf"
for i in $(seq -w 0 39); do
    "$TLSRPT_MILTER" -t -c "$T/claims.conf" "$T/mails/claimed-$i.eml"
done | sed "s|^$T/mails/\([^:]*\)\.eml: |Nov  3 06:00:00 mx1 tlsrpt-milter[812]: \1: |" >"$T/claims.log"
logged google-01 google-02 >>"$T/claims.log"
look --config "$T/claims.conf" --html "$T/claims.html" "$T/claims.log" >"$T/claims.txt"
n=$(grep -c '^   reporter claim' "$T/claims.txt")
[ "$n" -eq 16 ] && ok || fail "reporters: $n claimed ones listed, want 16"
grep -q '^   reporter google.com "Google Inc." (DKIM): 2 reports' "$T/claims.txt" && ok ||
    fail "reporters: Google is not listed after 40 claimed reporters"
grep -q '^   24 reports from reporters not listed' "$T/claims.txt" && ok ||
    fail "reporters: the text does not say that 24 reports' reporters are not listed"
grep -q '<p class="warn">24 reports from reporters not listed' "$T/claims.html" && ok ||
    fail "reporters: the page does not say that 24 reports' reporters are not listed"

# -- the milter's configuration in its default place, no --config
sysconf=$("$TLSRPT_LOOKOUT" --help 2>&1 | sed -n 's/^--config: .*(default \(.*\)\/tlsrpt-milter\.conf, if there)$/\1/p')
skipped=
if [ -z "$sysconf" ]; then
    fail "--help does not name the default configuration"
elif [ ! -d "$sysconf" ]; then
    # make distcheck configures an install prefix that does not exist yet
    echo "SKIP part: $sysconf does not exist (not installed): the default configuration is not checked"
    skipped=1
elif ! unshare -rm true 2>/dev/null; then
    echo "SKIP part: unshare -rm is not allowed here: the default configuration is not checked"
    skipped=1
else
    unshare -rm sh -c 'mount -t tmpfs none "$1" && cp "$2" "$1/tlsrpt-milter.conf" && shift 2 && exec "$@"' \
        sh "$sysconf" "$T/milter.conf" "$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-03 \
        "$T/digest.log" >"$T/default.txt" 2>&1
    expect_rc 1 $? "with the default configuration"
    grep -q -E "^ +FAILING +example\.com +1,000 of 2,000 sessions failed" "$T/default.txt" && ok ||
        fail "the default configuration was not read: $(head -3 "$T/default.txt")"
    unshare -rm sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' sh "$sysconf" \
        "$TLSRPT_LOOKOUT" --since 2026-11-01 --today 2026-11-03 "$T/digest.log" >"$T/nodefault.txt" 2>&1
    expect_rc 1 $? "with no default configuration (not an error)"
    grep -q '^Not shown: 55 more' "$T/nodefault.txt" && ok || fail "no default configuration: $(head -3 "$T/nodefault.txt")"
fi

# -- the alert mode
logged google-01 >"$T/g1.log"
logged google-02 >"$T/g2.log"
logged flood-alert >"$T/flood.log"
n=$(grep -c ': policy ' "$T/flood.log")
[ "$n" -eq 1200 ] && ok || fail "the milter logged $n policy lines of the flood, want 1200"
# alert RUNS-BEFORE-THE-FLOOD OPTS... - the events of: Google's report(s), runs, the flood, 10 daily runs
alert() {
    _two=$1
    shift
    rm -f "$T/state"
    : >"$T/mail.log"
    _run() {
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$T/state" --now "$1" "$@" "$T/mail.log" ||
            fail "--alert --now $1 exited with $?"
    }
    cat "$T/g1.log" >>"$T/mail.log"
    "$TLSRPT_LOOKOUT" --alert --stdout --state "$T/state" --now 2026-11-02T06:00:00 "$@" "$T/mail.log"
    if [ "$_two" = 2 ]; then
        cat "$T/g2.log" >>"$T/mail.log"
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$T/state" --now 2026-11-03T05:00:00 "$@" "$T/mail.log"
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$T/state" --now 2026-11-03T05:30:00 "$@" "$T/mail.log"
    fi
    cat "$T/flood.log" >>"$T/mail.log"
    for _d in 03 04 05 06 07 08 09 10 11 12; do
        echo "RUN 2026-11-$_d"
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$T/state" --now "2026-11-${_d}T06:00:00" "$@" "$T/mail.log"
    done
}
# per_run FILE - the most event lines in one run after the flood
per_run() {
    awk '/^RUN /{if (n > m) m = n; n = 0; next} {n++} END {if (n > m) m = n; print m + 0}' "$1"
}
alert 1 --config "$T/milter.conf" >"$T/ours.out" 2>"$T/ours.err"
sed 's/^/  /' "$T/ours.out" | cut -c1-160
n=$(grep -c '^ALERT: ' "$T/ours.out")
[ "$n" -le 8 ] && ok "ReportDomains example.com: $n events in 11 runs" || fail "ReportDomains example.com: $n events in 11 runs, want at most 8"
grep -q '^ALERT: silent policy-domain=example.com reporter=google.com ' "$T/ours.out" && ok ||
    fail "ReportDomains example.com: Google's silence was not announced"
[ "$(per_run "$T/ours.out")" -le 3 ] && ok || fail "ReportDomains example.com: $(per_run "$T/ours.out") events in one run"
grep -q '^ALERT: others .*silent=[1-9]' "$T/ours.out" && ok || fail "no others event summing up the flood's silence"
grep -q '^ALERT: others .*forgotten=[1-9]' "$T/ours.out" && ok || fail "no others event saying what the full pool forgot"
grep -q '^ALERT: silent policy-domain=a' "$T/ours.out" && fail "a name of the flood was announced one by one" || ok
alert 2 --no-config >"$T/none.out" 2>"$T/none.err"
n=$(grep -c '^ALERT: ' "$T/none.out")
grep -q '^ALERT: silent policy-domain=example.com reporter=google.com ' "$T/none.out" && ok ||
    fail "no configuration: the silence of Google, heard from in two runs, was not announced"
[ "$(per_run "$T/none.out")" -le 10 ] && ok "no configuration: $n events in 13 runs" ||
    fail "no configuration: $(per_run "$T/none.out") events in one run, want at most 10"
if [ -n "$skipped" ] && [ "$failures" -eq 0 ]; then
    finish
    exit 77
fi
finish
