#!/bin/sh
# valgrind.sh - the real-Postfix flow with the milter under valgrind memcheck
#
# The milter (Action hold) runs under `valgrind --leak-check=full
# --errors-for-leak-kinds=definite,indirect --error-exitcode=99` in a
# private Postfix (tests/e2e/lib.sh, TLSRPT_MILTER_WRAPPER) and gets a
# handful of messages: reports (a case and a real sample), a report with
# an ordinary recipient beside the report address, an unreadable report, a
# gzip bomb, a message without a report, ordinary mail, and a client that
# leaves in the middle of DATA.  Each is checked to settle and each report
# to be logged; then SIGTERM (libmilter takes ~5 s to stop, more under
# valgrind) and valgrind must report no error and no definitely or
# indirectly lost block, and exit 0.
#
# Only for a normal build: ASan and valgrind do not mix, so a milter that
# links libasan is skipped (77) with the reason.
set -u
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
load_asan && skip "the milter is built with AddressSanitizer (build-san); valgrind cannot run it"
e2e_need
e2e_init
vlog=$E2E_DIR/valgrind.log
TLSRPT_MILTER_WRAPPER="valgrind --vgdb=no --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no
    --log-file=$vlog"
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
milter_conf "$E2E_DIR/milter.conf" "Action hold"
start_milter "$E2E_DIR/milter.conf" || { echo "FAIL: the milter did not start under valgrind"; exit 1; }
TLSRPT_MILTER_WRAPPER=

# one - send a message, wait until settled, check the event count: WANT EVENT RCPT... FILE
one() {
    _want=$1
    _ev=$2
    shift 2
    eval "_f=\${$#}"
    _q=$(send_mail "$SENDER" "$@") || { fail "refused: $*"; return; }
    wait_settled "$_q" 120 || { fail "$_q ($(basename "$_f")) not settled"; return; }
    [ "$_ev" = none ] || wait_for_log "tlsrpt-milter\[[0-9]+\]: $_q: (action|ignored) " 30 || true
    if [ "$_ev" = none ]; then
        _n=$(milter_lines "$_q" | wc -l)
    else
        _n=$(milter_lines "$_q" | grep -c " $_q: $_ev ")
    fi
    [ "$_n" -eq "$_want" ] && ok "$(basename "$_f"): $_n $_ev line(s), $(where_is "$_q")" ||
        fail "$_q ($(basename "$_f")): $_n $_ev lines, want $_want"
}

one 1 report tlsrpt@example.com "$DATA/cases/lf.eml"
one 1 report tlsrpt@example.com "$DATA/real/mox--example.eml"
one 1 report tlsrpt@example.com user@example.com "$DATA/cases/crlf.eml"
one 1 error tlsrpt@example.com "$DATA/cases/bad-corrupt-gzip.eml"
one 1 error tlsrpt@example.com "$DATA/cases/bad-gzip-bomb.eml"
one 1 ignored tlsrpt@example.com "$DATA/cases/not-a-report.eml"
one 0 none user@example.com "$DATA/cases/lf.eml"
load_py halfdata "$PF_PORT" tlsrpt@example.com "$DATA/cases/many-failures.eml" ||
    fail "halfdata: SMTP dialogue failed"
one 1 report tlsrpt@example.com "$DATA/cases/many-failures.eml"

pid=$MILTER_PID
kill -TERM "$pid"
e2e_until 120 e2e_gone "$MILTER_NS_PID" || fail "the milter under valgrind did not stop within 120 s"
stop_milter
echo "---- valgrind log"
cat "$vlog"
echo "----"
[ "$MILTER_RC" -eq 0 ] && ok "valgrind: exit status 0 (99 means errors or leaks)" ||
    fail "the milter under valgrind exited $MILTER_RC"
grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$vlog" && ok "valgrind: ERROR SUMMARY: 0 errors" ||
    fail "valgrind reported errors (or did not run its final summary)"
if grep -q 'All heap blocks were freed' "$vlog" || { grep -q 'definitely lost: 0 bytes in 0 blocks' "$vlog" &&
    grep -q 'indirectly lost: 0 bytes in 0 blocks' "$vlog"; }; then
    ok "valgrind: definitely lost 0, indirectly lost 0"
else
    fail "valgrind found definitely or indirectly lost blocks (or printed no leak summary)"
fi
finish
