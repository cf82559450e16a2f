#!/bin/sh
# month.sh - a month of generated traffic: alert mails per-line and stateful
#
# tests/alert/gen-month.py writes November 2026 for 3 domains and 5
# reporters day by day (an expired certificate for four days seen by all,
# STARTTLS missing for two days, one 60-detail report, one-session noise,
# a reporter that stops on day 20).  The log grows day by day and is
# rotated every 7 days (mail.log -> mail.log.1, a new mail.log);
# tlsrpt-lookout --alert runs every morning on both files.  Per-line mode
# mails every failure and failure-omitted line; the stateful mode must
# give exactly 3 problems, 3 recoveries and 3 silences (yahoo.com for each
# domain) with --min-failed 2, and the same events as a run over one
# unrotated file.  Prints both counts (doc/alerting.md quotes them).
. "$(dirname "$0")/../lib.sh"

[ -x "${TLSRPT_LOOKOUT:-}" ] || skip "TLSRPT_LOOKOUT is not set to the built tlsrpt-lookout"
command -v python3 >/dev/null 2>&1 || skip "no python3"
dir=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-month.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
python3 "$top_srcdir/tests/alert/gen-month.py" "$dir/days" || { fail "gen-month.py"; finish; exit 1; }

# month OPTS... - run the month with rotation; events on stdout
month() {
    rm -rf "$dir/log" && mkdir "$dir/log"
    : >"$dir/log/mail.log"
    for d in $(seq 1 30); do
        dd=$(printf %02d "$d")
        if [ $((d % 7)) -eq 0 ]; then
            mv "$dir/log/mail.log" "$dir/log/mail.log.1"
            : >"$dir/log/mail.log"
        fi
        cat "$dir/days/day-$dd.log" >>"$dir/log/mail.log"
        next=$(date -u -d "2026-11-$dd + 1 day" +%F)
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$dir/log/state" --now "${next}T06:00:00" "$@" \
            "$dir/log/mail.log.1" "$dir/log/mail.log" || fail "--alert on day $d exited with $?"
    done
}

# the same without rotation: one file
month_flat() {
    rm -rf "$dir/flat" && mkdir "$dir/flat"
    : >"$dir/flat/mail.log"
    for d in $(seq 1 30); do
        dd=$(printf %02d "$d")
        cat "$dir/days/day-$dd.log" >>"$dir/flat/mail.log"
        next=$(date -u -d "2026-11-$dd + 1 day" +%F)
        "$TLSRPT_LOOKOUT" --alert --stdout --state "$dir/flat/state" --now "${next}T06:00:00" "$@" \
            "$dir/flat/mail.log"
    done
}

perline=$(cat "$dir"/days/day-*.log | grep -c -E ': (failure|failure-omitted) ')
month --min-failed 2 >"$dir/events"
month_flat --min-failed 2 >"$dir/events.flat"
month >"$dir/events.default"
sed 's/^/  /' "$dir/events"
for ev in problem recovered silent; do
    n=$(grep -c "^ALERT: $ev " "$dir/events")
    [ "$n" -eq 3 ] && ok "--min-failed 2: $n $ev events" || fail "--min-failed 2: $n $ev events, want 3"
done
for want in "problem policy-domain=example.com policy-type=sts result-type=certificate-expired" \
    "problem policy-domain=example.org policy-type=sts result-type=starttls-not-supported" \
    "problem policy-domain=example.org policy-type=sts result-type=sts-webpki-invalid" \
    "silent policy-domain=example.net reporter=yahoo.com"; do
    grep -q "^ALERT: $want " "$dir/events" || fail "no '$want'"
done
cmp -s "$dir/events" "$dir/events.flat" && ok "rotated every 7 days: the same events as one file" ||
    { fail "rotation changed the events:"; diff "$dir/events.flat" "$dir/events"; }
after=$(wc -l <"$dir/events")
default=$(wc -l <"$dir/events.default")
grep -q 'validation-failure' "$dir/events.default" ||
    fail "with the default thresholds the one-session noise raised nothing"
[ "$perline" -gt "$((after * 10))" ] || fail "per-line $perline mails, stateful $after: want a tenth at most"
ok "one month, 5 reporters, 3 domains: $perline alert mails per line, $after stateful (--min-failed 2), $default stateful with the default thresholds"
finish
