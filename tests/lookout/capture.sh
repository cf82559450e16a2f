#!/bin/sh
# capture.sh - logs written by the real milter for the digest tests: OUTDIR
#
# Sends the report mails of tests/lookout/data/mails (gen-mails.py) and the
# bundled sample reports of tests/data/real through a private Postfix to the
# real tlsrpt-milter (tests/e2e/lib.sh, syslog captured in a mount
# namespace), once with LogFormat kv and once with LogFormat json, and
# writes what a site's mail.log would hold:
#   OUTDIR/kv.log    Postfix's own lines, then the milter's, as rsyslog
#                    writes them ("Nov 30 06:00:00 mx1 tlsrpt-milter[PID]: ...")
#   OUTDIR/json.log  the same with the milter's @cee: lines
# Regenerate the kept copies with
#   sudo sh tests/lookout/capture.sh tests/lookout/data
# (needs root, Postfix; exits 77 when the end-to-end tests cannot run).
# tests/lookout/digest-golden.sh also runs it into a temporary directory and checks
# that a fresh capture gives the same digests as the kept one.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/e2e/lib.sh"
OUT=${1:?usage: capture.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
e2e_need
e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
conf=$E2E_DIR/capture.conf
MAILS="$top_srcdir/tests/lookout/data/mails"

# send_all - every mail, each waited for; the milter's lines for the queue IDs
send_all() {
    for f in "$MAILS"/*.eml "$DATA"/real/*.eml; do
        qid=$(send_mail "$SENDER" tlsrpt@example.com "$f") || { fail "$f: not accepted"; continue; }
        wait_settled "$qid" || fail "$f: $qid not settled"
        e2e_until 10 eval "grep -q ' $qid: action \\| \"queue-id\":\"$qid\",.*\"event\":\"action\"\\|\"event\":\"action\".*\"queue-id\":\"$qid\"' '$E2E_SYSLOG'" ||
            fail "$f: no action line for $qid"
    done
}

# as_syslog - the capture as rsyslog's traditional format, host mx1
as_syslog() {
    sed -n 's/^[a-z0-9-]*\.[a-z]* \(tlsrpt-milter\[[0-9]*\]: .*\)$/Nov 30 06:00:00 mx1 \1/p' "$E2E_SYSLOG"
}

for fmt in kv json; do
    milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" "LogFormat $fmt"
    : >"$E2E_SYSLOG"
    mark=$(maillog_mark)
    start_milter "$conf" || { fail "the milter did not start ($fmt)"; finish; exit 1; }
    send_all
    stop_milter
    {
        tail -n +"$((mark + 1))" "$PF_MAILLOG" | grep -v 'tlsrpt-milter'
        as_syslog
    } >"$OUT/$fmt.log"
    n=$(grep -c 'tlsrpt-milter\[' "$OUT/$fmt.log")
    [ "$n" -gt 40 ] && ok "$fmt: $n milter lines" || fail "$fmt: only $n milter lines"
done
finish
