# tests/load/lib.sh - helpers shared by the load, fault and valgrind tests (sourced)
#
# On top of tests/e2e/lib.sh (a private Postfix, the milter with its syslog
# captured): Postfix tuned for many concurrent sessions, the load sender
# and the accounting in load.py, and waiting until Postfix is done.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/e2e/lib.sh"
LOAD_LIB=$top_srcdir/tests/load

# load_py - run the load helper (see load.py's usage)
load_py() {
    "$PYTHON" "$LOAD_LIB/load.py" "$@"
}

# load_asan - true when the milter is built with AddressSanitizer
load_asan() {
    ldd "$TLSRPT_MILTER" 2>/dev/null | grep -q 'libasan'
}

# load_postfix - start the private Postfix, tuned for SESSIONS concurrent clients
load_postfix() {
    pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
    # every client is 127.0.0.1 (exempt from anvil's limits through
    # $mynetworks, set to 0 anyway); no artificial delay when the queue
    # manager lags; enough smtpd processes for the sessions plus spare
    _procs=$((${1:-10} * 2 + 20))
    pf_set "default_process_limit = $_procs" \
        "smtpd_client_connection_count_limit = 0" \
        "smtpd_client_connection_rate_limit = 0" \
        "smtpd_client_message_rate_limit = 0" \
        "in_flow_delay = 0" \
        "smtpd_timeout = 300s" \
        "virtual_destination_concurrency_limit = 20" \
        "qmgr_message_active_limit = 100000" \
        "queue_minfree = 0" ||
        { echo "FAIL: cannot tune Postfix"; exit 1; }
    sleep 1
}

# load_queue_busy - true (0) while a message is in a queue other than hold
load_queue_busy() {
    _n=$(postqueue -c "$PF_CONF" -j 2>/dev/null | grep -vc '"queue_name": *"hold"')
    [ "$_n" -gt 0 ]
}

# load_settle - wait (up to SECONDS, default 300) until Postfix is done and the syslog is quiet
load_settle() {
    _deadline=$(($(date +%s) + ${1:-300}))
    while load_queue_busy; do
        [ "$(date +%s)" -lt "$_deadline" ] || { fail "Postfix still busy after ${1:-300} s"; return 1; }
        sleep 1
    done
    _last=-1
    while [ "$(wc -c <"$E2E_SYSLOG")" != "$_last" ]; do
        _last=$(wc -c <"$E2E_SYSLOG")
        sleep 1
    done
}

# load_check - account for every message sent: MODE (strict|faults)
load_check() {
    postqueue -c "$PF_CONF" -j >"$LOAD_WORK/queue.json" 2>/dev/null
    if load_py check "$1" "$LOAD_WORK" "$PF_MAIL" "$E2E_SYSLOG" "$PF_MAILLOG" \
        "$LOAD_WORK/queue.json" "$TLSRPT_MILTER" "$E2E_DIR/milter.conf" >"$LOAD_WORK/check.out"; then
        ok "$(cat "$LOAD_WORK/check.out")"
    else
        cat "$LOAD_WORK/check.out"
        fail "accounting found lost, duplicated or misplaced messages"
    fi
}

# load_init - the working directory for load.py
load_init() {
    LOAD_WORK=$E2E_DIR/work
    mkdir -p "$LOAD_WORK"
}
