#!/bin/sh
# baseline.sh - tlsrpt-lookout --alert's baseline rule, program and state file
#
# Eleven days of report mails from one reporter for example.com (made with
# tests/data/gen-cases.py's builders) go through the real `tlsrpt-milter
# -t`; its lines are appended to a log day by day and `tlsrpt-lookout
# --alert` runs each morning with thresholds no failure reaches
# (--min-failed 100).  Ten days at 0.5 % raise nothing; the eleventh at
# 3 % is one problem, the baseline it was above at the end of its line;
# the state file keeps the baseline (a B line) between runs; --baseline 0
# turns the rule off; bad option values are usage errors.
. "$(dirname "$0")/../lib.sh"

[ -x "${TLSRPT_LOOKOUT:-}" ] || skip "TLSRPT_LOOKOUT is not set to the built tlsrpt-lookout"
command -v python3 >/dev/null 2>&1 || skip "no python3"
dir=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-baseline.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
case $TLSRPT_MILTER in /*) ;; *) TLSRPT_MILTER=$(pwd)/$TLSRPT_MILTER ;; esac

python3 - "$top_srcdir/tests/data/gen-cases.py" "$dir" <<'PY' || { fail "cannot make the mails"; finish; }
import importlib.util, sys
spec = importlib.util.spec_from_file_location("gc", sys.argv[1])
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)
for day in range(1, 12):
    failed = 5 if day <= 10 else 30
    rid = "2026-11-%02dT00:00:00Z_example.com" % day
    det = [gc.detail("certificate-expired", failed)]
    r = gc.report(rid, policies=[gc.sts_policy("example.com", 1000 - failed, failed, det)],
                  **{"date-range": {"start-datetime": "2026-11-%02dT00:00:00Z" % day,
                                    "end-datetime": "2026-11-%02dT23:59:59Z" % day}})
    with open("%s/day-%02d.eml" % (sys.argv[2], day), "w") as f:
        f.write(gc.report_mail([gc.gz_part(r)], "example.com", "google.com", rid))
PY

# run OPTS... - the eleven mornings; the events of each on stdout
run() {
    rm -f "$dir/mail.log" "$dir/state"
    : >"$dir/mail.log"
    for d in $(seq 1 11); do
        dd=$(printf %02d "$d")
        # -t prints no action line; the daemon logs one after a message's
        # reports, and the alert mode judges a report once its message ended
        { (cd "$dir" && "$TLSRPT_MILTER" -t "day-$dd.eml") &&
            echo "day-$dd.eml: action action=deliver recipients=1"; } >>"$dir/mail.log"
        "$TLSRPT_LOOKOUT" --alert --no-config --domain example.com --stdout --state "$dir/state" \
            --now "2026-11-$(printf %02d $((d + 1)))T06:00:00" --min-failed 100 "$@" \
            "$dir/mail.log" | sed "s/^/day $dd: /" || fail "--alert on day $d exited with $?"
    done
}

run >"$dir/on.txt"
n=$(grep -c ': problem ' "$dir/on.txt")
[ "$n" -eq 1 ] && grep -q '^day 11: ALERT: problem policy-domain=example.com .* failed-session-count=30 total-session-count=1000 .* baseline-failed-session-count=50 baseline-total-session-count=10000$' "$dir/on.txt" &&
    ok || { fail "want one problem on day 11 above a baseline of 50 of 10,000 sessions, got:"; cat "$dir/on.txt"; }
grep -q '^B	example.com	claimed:google.com	0	' "$dir/state" && ok ||
    fail "the state file has no baseline line for (example.com, google.com, claimed)"
run --baseline 0 >"$dir/off.txt"
[ ! -s "$dir/off.txt" ] && ok || { fail "--baseline 0: want no event, got:"; cat "$dir/off.txt"; }
run --baseline 14 --baseline-factor 10 >"$dir/k10.txt"
[ ! -s "$dir/k10.txt" ] && ok || { fail "--baseline-factor 10: 3 % is under 5 %, want no event"; cat "$dir/k10.txt"; }
for bad in "--baseline 31" "--baseline 2.5" "--baseline-factor 0.5" "--baseline-margin 101" "--baseline-min-failed 0"; do
    # shellcheck disable=SC2086
    "$TLSRPT_LOOKOUT" --alert --no-config --stdout --state "$dir/state" $bad "$dir/mail.log" >/dev/null 2>&1
    [ $? -eq 2 ] && ok || fail "$bad: want exit 2"
done
finish
