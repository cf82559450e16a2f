#!/bin/sh
# reload.sh - SIGUSR2 (systemctl reload) re-reads the configuration while mail flows
#
# A real Postfix and the milter; the configuration file is rewritten and
# the milter sent SIGUSR2 (what ExecReload does):
#   - a message begun before the reload (MAIL and RCPT answered, the rest
#     held back; rawmilter.py) ends under the settings it started with
#     (read as a report to tlsrpt@, delivered) although the new ones name
#     other@ and say Action hold; the next message on that connection
#     follows the new ones (tlsrpt@ is ordinary mail);
#   - after it, the new ReportAddress is read and held, the old one is
#     ordinary mail; a "reloaded" line names the new generation;
#   - a file with a typo keeps the running configuration: an error line
#     says why, and the next report is still held;
#   - a setting that needs a restart (UMask) is named in a warning;
#   - under load: 40 reports from 4 senders while the configuration flips
#     between Action deliver and Action hold every 0.2 s: every message
#     has its report and action lines (deliver or hold), none is missed,
#     and the milter's process is the same one throughout.
set -u
. "$(dirname "$0")/lib.sh"
PF_USERS="tlsrpt@example.com other@example.com"
e2e_need
e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
report=$DATA/cases/lf.eml
conf=$E2E_DIR/milter.conf
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver"
start_milter "$conf" || { fail "the milter did not start"; finish; exit 1; }
pid0=$MILTER_PID

# reload - rewrite the configuration, SIGUSR2, wait for the generation's line: reload GEN LINE...
reload() {
    _gen=$1
    shift
    milter_conf "$conf.new" "$@" && mv "$conf.new" "$conf"
    kill -USR2 "$MILTER_PID"
    wait_for_log "tlsrpt-milter\[[0-9]+\]: reloaded $conf: generation=$_gen " 10
}

# a message that starts before the reload and ends after it: the milter
# protocol spoken directly (Postfix sends MAIL and RCPT to a milter that
# asked for no reply to them only with the next command that needs one,
# so over SMTP the milter would see the message start at DATA)
$PYTHON "$top_srcdir/tests/miltertest/rawmilter.py" slow "inet:$MILTER_PORT@127.0.0.1" \
    "$report" "$E2E_DIR/go" >"$E2E_DIR/slow.out" 2>&1 &
slow=$!
e2e_until 20 test -e "$E2E_DIR/go.rcpt" || fail "the slow session did not reach RCPT"
reload 2 "ReportAddress other@example.com" "Action hold" &&
    ok "reload 2: $(grep -o 'reloaded .*generation=2.*' "$E2E_SYSLOG")" || fail "no reloaded line"
touch "$E2E_DIR/go"
wait "$slow"
grep -qx "QIDSLOW mods: \[\] eom: c" "$E2E_DIR/slow.out" &&
    wait_for_log "tlsrpt-milter\[[0-9]+\]: QIDSLOW: action action=deliver recipients=tlsrpt@example.com" 5 &&
    milter_lines QIDSLOW | grep -q " QIDSLOW: report " &&
    ok "a message begun before the reload ends under its settings: read, delivered" ||
    { fail "the message begun before the reload:"; cat "$E2E_DIR/slow.out"; milter_lines QIDSLOW; }
grep -qx "QIDSLOW2 replies: \['c', 'c', 'a'\]" "$E2E_DIR/slow.out" && [ -z "$(milter_lines QIDSLOW2)" ] &&
    ok "the next message on that connection: the new settings (tlsrpt@ is ordinary mail now)" ||
    { fail "the message after the reload:"; cat "$E2E_DIR/slow.out"; milter_lines QIDSLOW2; }

q=$(send_mail "$SENDER" other@example.com "$report") && wait_settled "$q" &&
    wait_for_log "tlsrpt-milter\[[0-9]+\]: $q: action " 5 &&
    milter_lines "$q" | grep -q " $q: action action=hold " &&
    ok "after the reload the new ReportAddress is read and held" ||
    { fail "after the reload: other@example.com's report not held"; milter_lines "${q:-x}"; }
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") && wait_settled "$q" && sleep 0.3
[ -n "$q" ] && [ -z "$(milter_lines "$q")" ] &&
    ok "after the reload the old ReportAddress is ordinary mail" ||
    { fail "the old ReportAddress is still read"; milter_lines "${q:-x}"; }

# a typo: the running configuration stays
milter_conf "$conf" "ReportAddress other@example.com" "Action hold" "Acton deliver"
kill -USR2 "$MILTER_PID"
wait_for_log "tlsrpt-milter\[[0-9]+\]: reload: $conf:[0-9]+: .*Acton.*; the running configuration stays" 10 &&
    ok "a typo: $(grep -o 'reload: .*running configuration stays' "$E2E_SYSLOG" | head -1)" ||
    fail "no error line for a reload with a typo"
q=$(send_mail "$SENDER" other@example.com "$report") && wait_settled "$q" &&
    wait_for_log "tlsrpt-milter\[[0-9]+\]: $q: action " 5 &&
    milter_lines "$q" | grep -q " $q: action action=hold " &&
    ok "after the failed reload the running settings still apply" ||
    fail "after the failed reload: not held"

# a setting that needs a restart
reload 3 "ReportAddress other@example.com" "Action hold" "UMask 077" &&
    wait_for_log "tlsrpt-milter\[[0-9]+\]: reload: UMask 077 \(running: 007\) takes effect at the next restart" 5 &&
    ok "UMask named as needing a restart" || fail "no warning for a changed UMask"

# under load: reloads every 0.2 s while 4 senders send 10 reports each
reload 4 "ReportAddress tlsrpt@example.com" "Action deliver" || fail "reload 4"
: >"$E2E_DIR/load.qids"
senders=
for s in 1 2 3 4; do
    (for i in 1 2 3 4 5 6 7 8 9 10; do
        send_mail "$SENDER" tlsrpt@example.com "$report" >>"$E2E_DIR/load.$s" 2>>"$E2E_DIR/load.err"
    done) &
    senders="$senders $!"
done
# running - true while a sender is left
running() {
    for _p in $senders; do kill -0 "$_p" 2>/dev/null && return 0; done
    return 1
}
gen=4
while running && [ $gen -lt 600 ]; do
    gen=$((gen + 1))
    if [ $((gen % 2)) -eq 1 ]; then a=hold; else a=deliver; fi
    milter_conf "$conf.new" "ReportAddress tlsrpt@example.com" "Action $a" && mv "$conf.new" "$conf"
    kill -USR2 "$MILTER_PID"
    sleep 0.2
done
for p in $senders; do wait "$p"; done
cat "$E2E_DIR"/load.[1-4] >"$E2E_DIR/load.qids"
n=$(grep -c . "$E2E_DIR/load.qids")
[ "$n" -eq 40 ] || fail "$n of 40 reports accepted: $(cat "$E2E_DIR/load.err")"
missed=0
while read -r q; do
    wait_settled "$q" 30 || true
    if ! wait_for_log "tlsrpt-milter\[[0-9]+\]: $q: action action=(deliver|hold) " 10 ||
        [ -z "$(milter_lines "$q" | grep " $q: report ")" ]; then
        missed=$((missed + 1))
        echo "missed: $q"
    fi
done <"$E2E_DIR/load.qids"
reloads=$(grep -c "tlsrpt-milter\[[0-9]*\]: reloaded " "$E2E_SYSLOG")
held=$(grep -c "tlsrpt-milter\[[0-9]*\]: [0-9A-Z]*: action action=hold " "$E2E_SYSLOG")
[ "$missed" -eq 0 ] && [ "$n" -eq 40 ] &&
    ok "under load: $n reports, $reloads reloads in all, none missed ($held held in all)" ||
    fail "under load: $missed of $n reports without their lines"
[ "$MILTER_PID" = "$pid0" ] && kill -0 "$MILTER_PID" 2>/dev/null &&
    ok "the same process throughout" || fail "the milter's process changed or died"
stop_milter
[ "${MILTER_RC:-1}" -eq 0 ] || fail "the milter exited with $MILTER_RC"
finish
