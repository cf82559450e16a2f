#!/bin/sh
# reports.sh - every sample report mail through a real Postfix gives -t's lines
#
# Each .eml in tests/data/{real,cases} is sent over SMTP to the report
# address (Action deliver).  For each message the milter's syslog lines must
# be exactly those of `tlsrpt-milter -t` on the same file, with Postfix's
# queue ID (taken from the SMTP reply and found in Postfix's maillog)
# instead of the file name, each at the priority the log format gives its
# event (report/policy info or warning, failure warning, error err, ignored
# notice), facility mail; plus one `action` line.  The message must reach
# the report address's Maildir unchanged.  With LogFormat json a few of
# them must give the same events as -t in JSON, as @cee: lines.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
conf=$E2E_DIR/deliver.conf
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" "AddHeader no"
start_milter "$conf" || { echo "FAIL: the milter did not start"; exit 1; }

sent=$E2E_DIR/sent
: >"$sent"
for f in "$DATA"/real/*.eml "$DATA"/cases/*.eml; do
    [ -f "$f" ] || continue
    if qid=$(send_mail "$SENDER" tlsrpt@example.com "$f"); then
        echo "$qid $f" >>"$sent"
    else
        fail "$(basename "$f"): not accepted by Postfix"
    fi
done
[ -s "$sent" ] || { fail "no sample report was sent"; finish; exit 1; }

# lines_for - the milter's lines for a queue ID, without the action line
lines_for() {
    milter_lines "$1" | grep -v "^[a-z0-9.]* $1: action "
}

while read -r qid f; do
    name=${f#"$DATA"/}
    queue_id_in_maillog "$qid" || fail "$name: queue ID $qid not in Postfix's maillog"
    expected_lines "$f" "$qid" >"$E2E_DIR/want"
    nwant=$(wc -l <"$E2E_DIR/want")
    [ "$nwant" -gt 0 ] || fail "$name: -t printed nothing"
    wait_settled "$qid" || fail "$name: $qid not delivered in time"
    e2e_until 10 eval '[ "$(lines_for "$qid" | wc -l)" -ge "$nwant" ] &&
        [ -n "$(milter_lines "$qid" | grep " $qid: action ")" ]'
    lines_for "$qid" >"$E2E_DIR/got"
    if cmp -s "$E2E_DIR/want" "$E2E_DIR/got"; then
        ok
    else
        fail "$name ($qid): syslog lines differ from -t (want, got):"
        diff -u "$E2E_DIR/want" "$E2E_DIR/got" | head -30
    fi
    actions=$(milter_lines "$qid" | grep " $qid: action ")
    case $actions in
    "mail.info $qid: action "*action=deliver*) ok ;;
    *) fail "$name ($qid): want one action=deliver line at mail.info, got [$actions]" ;;
    esac
    [ "$(echo "$actions" | wc -l)" -eq 1 ] || fail "$name ($qid): more than one action line"
    d=$(maildir_file "$qid" tlsrpt@example.com)
    if [ -z "$d" ]; then
        fail "$name ($qid): not in tlsrpt@example.com's Maildir"
    elif e2e_py unchanged "$f" "$d"; then
        ok
    else
        fail "$name ($qid): delivered copy changed"
    fi
done <"$sent"
echo "$(wc -l <"$sent") sample report mails sent through Postfix"

# -- LogFormat json: the same events as `-t` with LogFormat json, as @cee: JSON
stop_milter
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" "LogFormat json"
start_milter "$conf" || { fail "the milter did not start with LogFormat json"; finish; exit 1; }
for name in cases/two-reports.eml cases/forged-lines.eml cases/invalid-utf8.eml \
    cases/bad-truncated-json.eml cases/not-a-report.eml real/mox--microsoft.eml; do
    f=$DATA/$name
    [ -f "$f" ] || { fail "missing $name"; continue; }
    qid=$(send_mail "$SENDER" tlsrpt@example.com "$f") || { fail "$name: not accepted"; continue; }
    wait_settled "$qid" || fail "$name: $qid not delivered"
    wait_for_log "@cee:\\{\"event\":\"action\",\"queue-id\":\"$qid\"" 10 ||
        fail "$name ($qid): no JSON action event"
    (cd "$DATA" && "$TLSRPT_MILTER" -c "$conf" -t "$name") >"$E2E_DIR/want.json" 2>/dev/null
    grep -F "\"queue-id\":\"$qid\"" "$E2E_SYSLOG" | sed 's/ tlsrpt-milter\[[0-9]*\]:/ tlsrpt-milter:/' >"$E2E_DIR/got.json"
    if e2e_py json-same mail "$name" "$qid" "$E2E_DIR/want.json" "$E2E_DIR/got.json"; then
        ok "LogFormat json: $name"
    else
        fail "$name ($qid): LogFormat json lines differ from -t"
    fi
done
finish
