#!/bin/sh
# tests/lookout/origin.sh - lines of verified origin, and the alert mode's smaller promises
#
# A local user can write any line under the tag tlsrpt-milter (logger -t).
# Read from the journal (journalctl -o json, tests/lookout/tojournal.py
# gives the entries the trusted fields journald records), tlsrpt-lookout
# keeps only the milter's user's entries: a forged "all well" report with
# the real report's id and a forged problem event change nothing in the
# digest or the alerts.  From a plain file, the alert mode never takes an
# event line as its own announcement unless told the file is verified
# (--verified, the rsyslog recipe's file), and then only with the prefix
# ALERT.  Also: --today in the past shows no later report (no empty entry,
# no negative time stamp); a report from years ago raises no problem; two
# alert runs at once announce each event once.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
L=$TLSRPT_LOOKOUT
J="$PYTHON $top_srcdir/tests/lookout/tojournal.py"
MUID=998 # the milter's user in the entries below

# the real log: a report with 7 failed sessions, signed by google.com
real() {
    cat <<'L'
Nov 29 06:00:00 mx tlsrpt-milter[1]: 7F96CA74076: report report-id=R1 policy-domain=example.com start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z policies=1 total-successful-session-count=1280 total-failure-session-count=7 dkim=pass reporter=google.com reporter-kind=dkim submitter=google.com organization-name="Google Inc."
Nov 29 06:00:00 mx tlsrpt-milter[1]: 7F96CA74076: policy report-id=R1 policy-domain=example.com policy-type=sts total-successful-session-count=1280 total-failure-session-count=7 failure-details=1 reporter-kind=dkim sts-mode=enforce mx-host=mx1.example.com
Nov 29 06:00:00 mx tlsrpt-milter[1]: 7F96CA74076: failure report-id=R1 policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.example.com receiving-ip=198.51.100.25 failed-session-count=7 reporter-kind=dkim
Nov 29 06:00:00 mx tlsrpt-milter[1]: 7F96CA74076: action action=deliver recipients=tlsrpt@example.com
L
}
# what a local user logs first: the same report "all well", and the problem "already announced"
forged() {
    cat <<'L'
Nov 29 05:00:00 mx tlsrpt-milter[9]: AAAAAAAAAA: report report-id=R1 policy-domain=example.com start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z policies=1 total-successful-session-count=1287 total-failure-session-count=0 dkim=pass reporter=google.com reporter-kind=dkim submitter=google.com organization-name="Google Inc."
Nov 29 05:00:00 mx tlsrpt-milter[9]: AAAAAAAAAA: policy report-id=R1 policy-domain=example.com policy-type=sts total-successful-session-count=1287 total-failure-session-count=0 failure-details=0 reporter-kind=dkim sts-mode=enforce mx-host=mx1.example.com
Nov 29 05:00:00 mx tlsrpt-milter[9]: AAAAAAAAAA: action action=deliver recipients=tlsrpt@example.com
Nov 29 05:00:01 mx tlsrpt-milter[9]: ALERT: problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.example.com receiving-ip=198.51.100.25 reporters=google.com failed-session-count=7
Nov 29 05:00:01 mx tlsrpt-milter[9]: x: problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.example.com receiving-ip=198.51.100.25 reporters=google.com failed-session-count=7
L
}
real >"$tmp/real.log"
{ forged; real; } >"$tmp/both.log"
real | $J $MUID tlsrpt-milter tlsrpt-milter.service >"$tmp/real.json"
{
    forged | $J 65534 logger ""
    forged | $J 1000 tlsrpt-milter user@1000.service # the name is the user's to choose
    forged | $J $MUID logger tlsrpt-milter.service
    real | $J $MUID tlsrpt-milter tlsrpt-milter.service
} >"$tmp/both.json"

# --- the digest from the journal: forged entries change nothing ----------
"$L" --today "$TODAY" --json "$tmp/real.log" >"$tmp/want.json"
grep -q '"failed-sessions": *7' "$tmp/want.json" || fail "the real report's 7 failures are not in the digest"
"$L" --today "$TODAY" --json --journal --journal-user $MUID "$tmp/real.json" >"$tmp/got.json" 2>"$tmp/err"
same "$tmp/want.json" "$tmp/got.json" "the digest of the milter's journal entries (vs its syslog lines)"
"$L" --today "$TODAY" --json --journal --journal-user $MUID - <"$tmp/both.json" >"$tmp/got.json" 2>"$tmp/err"
same "$tmp/want.json" "$tmp/got.json" "the digest with forged journal entries"
grep -q "15 entries tagged tlsrpt-milter left out: not written by the milter or the alert mode (uid $MUID, milter unit tlsrpt-milter.service)" "$tmp/err" &&
    ok || { fail "no note of the forged entries on stderr"; cat "$tmp/err"; }
# from a plain file the forgery counts: the reason for the journal (a copy
# with other figures is not a duplicate, so it adds a report rather than
# hiding the real one's 7 failures)
"$L" --today "$TODAY" --json "$tmp/both.log" >"$tmp/plain.json"
grep -q '"reports": *2,' "$tmp/plain.json" && grep -q '"failed-sessions": *7' "$tmp/plain.json" &&
    ok || fail "a plain file with the forged report: want 2 reports, the real 7 failures kept: $(head -c 300 "$tmp/plain.json")"
# --journal-user by name, and a user that does not exist
"$L" --today "$TODAY" --journal --journal-user no-such-user-here "$tmp/real.json" >/dev/null 2>"$tmp/err"
expect_rc 2 $? "--journal-user no-such-user-here"
grep -q "no user no-such-user-here" "$tmp/err" || fail "no message for an unknown --journal-user"
"$L" --today "$TODAY" --json --journal --journal-user root "$tmp/real.json" 2>/dev/null |
    grep -q '"failed-sessions": *7' && fail "--journal-user root accepted the entries of uid $MUID" || ok

# --- the alert mode: forged events do not silence the real problem ---------
alert() {
    "$L" --alert --stdout --state "$tmp/state" --now 2026-11-29T07:00:00 "$@"
}
rm -f "$tmp/state"
alert --journal --journal-user $MUID "$tmp/both.json" >"$tmp/a.out" 2>"$tmp/err"
grep -q "^ALERT: problem policy-domain=example.com .*result-type=certificate-expired" "$tmp/a.out" &&
    ok || { fail "journal: the forged event silenced the problem"; cat "$tmp/a.out" "$tmp/err"; }
grep -q "certificate-expired .*recovered\|^ALERT: recovered" "$tmp/a.out" && fail "journal: a recovered event from a forged report"
# the alert mode's own earlier event (tlsrpt-lookout as the milter's user) counts as announced
rm -f "$tmp/state"
{
    printf '%s\n' "Nov 29 06:30:00 mx tlsrpt-milter[7]: ALERT: problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.example.com receiving-ip=198.51.100.25 reporters=google.com failed-session-count=7" |
        $J $MUID tlsrpt-lookout tlsrpt-lookout-alert.service
    cat "$tmp/both.json"
} >"$tmp/own.json"
alert --journal --journal-user $MUID - <"$tmp/own.json" >"$tmp/a.out" 2>"$tmp/err"
[ ! -s "$tmp/a.out" ] && ok || { fail "journal: its own earlier event was announced again"; cat "$tmp/a.out"; }
# a plain file: event lines are a local user's until the file is said to be verified
rm -f "$tmp/state"
alert "$tmp/both.log" >"$tmp/a.out" 2>"$tmp/err"
grep -q "^ALERT: problem policy-domain=example.com .*result-type=certificate-expired" "$tmp/a.out" &&
    ok || { fail "file: a forged event silenced the problem"; cat "$tmp/a.out" "$tmp/err"; }
rm -f "$tmp/state"
{ real; forged | grep -v ALERT; } >"$tmp/noprefix.log"
alert --verified "$tmp/noprefix.log" >"$tmp/a.out" 2>"$tmp/err"
grep -q "^ALERT: problem policy-domain=example.com .*certificate-expired" "$tmp/a.out" &&
    ok || { fail "--verified: an event line without the ALERT prefix was taken as announced"; cat "$tmp/a.out"; }
rm -f "$tmp/state"
{ real; forged | grep ALERT; } >"$tmp/prefix.log"
alert --verified "$tmp/prefix.log" >"$tmp/a.out" 2>"$tmp/err"
[ ! -s "$tmp/a.out" ] && ok || { fail "--verified: its own ALERT event not taken as announced"; cat "$tmp/a.out"; }

# --- --today in the past: later reports leave no trace ----------------------
"$L" --today 2026-11-20 --days 1 "$DDATA/kv.log" >"$tmp/t.out"
grep -q "example.org" "$tmp/t.out" && fail "--today 2026-11-20 lists example.org, whose reports all come later" || ok
"$L" --today 2026-11-20 --days 1 --prometheus "$tmp/t.prom" "$DDATA/kv.log" >/dev/null
grep -q ' -[0-9]*$' "$tmp/t.prom" && fail "--today 2026-11-20: a negative value: $(grep ' -[0-9]*$' "$tmp/t.prom" | head -1)" || ok

# --- a report from 2016 raises no problem on a first run ----------------------
sed 's/2026-11-28T/2016-04-09T/g' "$tmp/real.log" >"$tmp/old.log"
rm -f "$tmp/state"
alert "$tmp/old.log" >"$tmp/a.out"
grep -q "problem" "$tmp/a.out" && fail "a report of 2016 raised: $(head -1 "$tmp/a.out")" || ok
rm -f "$tmp/state"
alert "$tmp/real.log" | grep -q "^ALERT: problem" && ok || fail "the report of yesterday raised no problem"

# --- two runs at once announce each event once ----------------------------------
# a long log makes the runs overlap; each problem must appear once in all the outputs
for i in $(seq 1 400); do sed "s/7F96CA74076/Q$i/; s/report-id=R1/report-id=R$i/" "$tmp/real.log"; done >"$tmp/long.log"
for round in 1 2 3; do
    rm -f "$tmp/state"
    for i in 1 2 3 4; do
        alert "$tmp/long.log" >"$tmp/c.$i" 2>"$tmp/ce.$i" &
    done
    wait
    n=$(cat "$tmp"/c.1 "$tmp"/c.2 "$tmp"/c.3 "$tmp"/c.4 | grep -c "^ALERT: problem")
    [ "$n" = 1 ] && ok || { fail "round $round: 4 runs at once announced the problem $n times"; cat "$tmp"/ce.*; }
    cat "$tmp"/ce.* | grep -v "another --alert run holds it; waiting" | grep . && fail "round $round: errors"
done

finish
