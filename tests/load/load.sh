#!/bin/sh
# load.sh - LOAD_MESSAGES messages over LOAD_SESSIONS concurrent SMTP sessions
#
# A private Postfix (tests/e2e/lib.sh) with the milter attached
# (milter_default_action=accept, Action hold) receives a mix of ordinary
# mail (to user@example.com), valid reports (tests/data/real/*.json, each
# with a unique report-id), a large report, malformed reports
# (tests/data/cases/bad-*.eml), gzip bombs and mail without a report (to
# tlsrpt@example.com), sent by load.py with a unique Message-ID and
# X-Load-Id each.  Then every message is accounted for: ordinary and
# unreadable mail delivered exactly once to its Maildir, every valid
# report in the hold queue exactly once, every report logged exactly once,
# every other message logged as `tlsrpt-milter -t` logs it; nothing lost,
# nothing duplicated, nothing left in a queue.  The milter's VmRSS,
# sampled every 0.1 s, must be flat: its floor must not rise (load.py
# rss; not judged in an ASan build, whose quarantine grows by design).
# The milter must still run and exit 0 on SIGTERM.
#
# Defaults (make check): 400 messages over 10 sessions.  Full size, by hand:
#     LOAD_MESSAGES=20000 LOAD_SESSIONS=50 nice sh tests/load/load.sh
# (LOAD_KEEP=DIR copies the samples, sent.tsv and rss.tsv there.)
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
load_init
N=${LOAD_MESSAGES:-400}
C=${LOAD_SESSIONS:-10}

load_postfix "$C"
milter_conf "$E2E_DIR/milter.conf" "Action hold"
start_milter "$E2E_DIR/milter.conf" || { echo "FAIL: the milter did not start"; exit 1; }
pid=$MILTER_PID

load_py sample "$pid" "$LOAD_WORK" &
sampler=$!
t0=$(date +%s)
if load_py send "$PF_PORT" "$DATA" "$LOAD_WORK" "$N" "$C" >"$LOAD_WORK/send.out"; then
    ok "$(cat "$LOAD_WORK/send.out")"
else
    cat "$LOAD_WORK/send.out"
    fail "messages were refused"
fi
load_settle 600
t1=$(date +%s)
touch "$LOAD_WORK/rss.stop"
wait "$sampler"
echo "all settled $((t1 - t0)) s after the first message"

e2e_gone "$pid" && fail "the milter died under load" || ok "the milter ran through the load (pid $pid)"
grep -c 'milter.*\(not responding\|can.t read\|unexpected\|timeout\)' "$PF_MAILLOG" |
    { read -r n; [ "$n" -eq 0 ] && ok "no milter errors in the Postfix log" ||
        fail "$n milter errors in the Postfix log"; }
load_check strict

if load_asan; then
    load_py rss "$LOAD_WORK" || true
    ok "RSS not judged in an ASan build (its quarantine grows by design)"
else
    out=$(load_py rss "$LOAD_WORK")
    [ $? -eq 0 ] && ok "$out" || fail "$out"
fi
[ -z "${LOAD_KEEP:-}" ] || { mkdir -p "$LOAD_KEEP" && cp -r "$LOAD_WORK"/. "$LOAD_KEEP"/; }

stop_milter
[ "$MILTER_RC" -eq 0 ] && ok "SIGTERM after the load: exit status 0" || fail "milter exit status $MILTER_RC"
finish
