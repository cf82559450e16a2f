#!/bin/sh
# ordinary.sh - mail that is not for a report address, and a milter that is down
#
# With the milter running: ordinary mail (including a report-shaped message
# sent to an ordinary user) is delivered byte for byte unchanged and the
# milter logs nothing about it.  After SIGTERM the milter exits cleanly,
# and with milter_default_action=accept mail, reports included, still
# flows, untouched and unlogged.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
conf=$E2E_DIR/milter.conf
milter_conf "$conf" "ReportAddress tlsrpt@" "Action discard"
start_milter "$conf" || { echo "FAIL: the milter did not start"; exit 1; }

plain=$E2E_DIR/plain.eml
printf 'From: Alice <alice@sender.test>\nTo: user@example.com\nSubject: lunch?\nMessage-ID: <lunch@sender.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCaf\303\251 at noon?\n.\n..\nFrom the start of a line\n' >"$plain"
report=$DATA/cases/lf.eml

# check_ordinary - send FILE to RCPT...; all get it unchanged; nothing logged
check_ordinary() {
    _file=$1
    shift
    _q=$(send_mail "$SENDER" "$@" "$_file") || { fail "not accepted: $*"; return; }
    wait_settled "$_q" || fail "$_q: not settled"
    for _r in "$@"; do
        _f=$(maildir_file "$_q" "$_r")
        if [ -z "$_f" ]; then
            fail "$_q: not delivered to $_r"
        elif e2e_py unchanged "$_file" "$_f"; then
            ok
        else
            fail "$_q: the copy for $_r was changed"
        fi
    done
    [ -z "$(grep -F "$_q" "$E2E_SYSLOG")" ] && ok ||
        fail "$_q: the milter logged about ordinary mail: $(grep -F "$_q" "$E2E_SYSLOG")"
}

mark=$(maillog_mark)
check_ordinary "$plain" user@example.com
check_ordinary "$plain" user@example.com other@example.com
check_ordinary "$report" user@example.com
ok "ordinary mail delivered untouched, nothing logged"
# the milter saw the connections: make sure it was really in the path
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") || fail "report not accepted"
wait_settled "$q" && grep -q "$q: milter-discard" "$PF_MAILLOG" && ok "the milter is in the path" ||
    fail "$q: the report was not discarded: is the milter attached?"

maillog_since "$mark" | grep -q "warning: .*Milter" &&
    fail "Postfix warned about the running milter: $(maillog_since "$mark" | grep 'warning: .*Milter')"

stop_milter
[ "$MILTER_RC" -eq 0 ] && ok "SIGTERM: milter exited 0" || fail "SIGTERM: milter exited $MILTER_RC"

before=$(wc -l <"$E2E_SYSLOG")
mark=$(maillog_mark)
check_ordinary "$plain" user@example.com
check_ordinary "$report" tlsrpt@example.com
[ "$(wc -l <"$E2E_SYSLOG")" -eq "$before" ] || fail "lines were captured with the milter down"
maillog_since "$mark" | grep -q "warning: connect to Milter service inet:127.0.0.1:$MILTER_PORT" &&
    ok "milter down: Postfix warned and accepted the mail" ||
    fail "no 'connect to Milter service' warning in the maillog"
finish
