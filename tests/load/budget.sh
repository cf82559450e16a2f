#!/bin/sh
# budget.sh - BUDGET_MESSAGES worst-case report mails at once under MemoryBudget
#
# A private Postfix (tests/e2e/lib.sh) and the milter at the default
# limits (MaxReportSize 20M, each JSON tree at most 4 times that) with
# MemoryBudget 256M.  budget.py sends BUDGET_MESSAGES (default 50) mails
# in as many concurrent SMTP sessions, each ~28 KB inflating to a 20 MiB
# worst-shape report (one 64-byte node per 2 or 3 bytes of JSON: 1.5 GB
# and 13 s of CPU each before the tree was bounded), and retries a
# session that gets a temporary failure, as an MTA would.  Then:
#   - every message ends delivered exactly once, with its error line;
#   - the budget was reached (at least one 451), and each temporary
#     failure has its "memory budget exhausted" line;
#   - the milter's peak RSS (VmHWM) stays within MemoryBudget plus
#     BUDGET_SLACK_MB (default 64) for everything the budget does not
#     count (not judged in an ASan build, whose quarantine grows by design);
#   - the milter still runs and exits 0 on SIGTERM.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
load_init
N=${BUDGET_MESSAGES:-50}
BUDGET_MB=256
SLACK_MB=${BUDGET_SLACK_MB:-64}

load_postfix "$N"
milter_conf "$E2E_DIR/milter.conf" "MemoryBudget ${BUDGET_MB}M"
start_milter "$E2E_DIR/milter.conf" || { echo "FAIL: the milter did not start"; exit 1; }
pid=$MILTER_PID

t0=$(date +%s)
if "$PYTHON" "$LOAD_LIB/budget.py" send "$PF_PORT" "$N" "$LOAD_WORK" >"$LOAD_WORK/send.out"; then
    ok "$(cat "$LOAD_WORK/send.out")"
else
    cat "$LOAD_WORK/send.out"
    fail "messages could not be sent"
fi
load_settle 300
echo "all settled $(($(date +%s) - t0)) s after the first message"

out=$("$PYTHON" "$LOAD_LIB/budget.py" check "$LOAD_WORK" "$(maildir_of tlsrpt@example.com)" \
    "$E2E_SYSLOG") && ok "$out" || fail "$out"
grep -q 'memory budget exhausted' "$E2E_SYSLOG" &&
    ok "the budget was reached: temporary failures were answered" ||
    fail "no temporary failure: $N worst-case mails never reached MemoryBudget ${BUDGET_MB}M"

hwm_kb=$(load_py hwm "$pid" | cut -d' ' -f1)
hwm_mb=$((${hwm_kb:-0} / 1024))
if e2e_gone "$pid"; then
    fail "the milter died"
elif load_asan; then
    ok "peak RSS ${hwm_mb} MB not judged in an ASan build"
elif [ "$hwm_mb" -le $((BUDGET_MB + SLACK_MB)) ]; then
    ok "peak RSS ${hwm_mb} MB within MemoryBudget ${BUDGET_MB} MB + ${SLACK_MB} MB"
else
    fail "peak RSS ${hwm_mb} MB, want at most MemoryBudget ${BUDGET_MB} MB + ${SLACK_MB} MB"
fi
[ -z "${LOAD_KEEP:-}" ] || { mkdir -p "$LOAD_KEEP" && cp -r "$LOAD_WORK"/. "$LOAD_KEEP"/; }

stop_milter
[ "$MILTER_RC" -eq 0 ] && ok "SIGTERM after the load: exit status 0" || fail "milter exit status $MILTER_RC"
finish
