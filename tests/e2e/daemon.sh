#!/bin/sh
# daemon.sh - the daemon as Postfix meets it: unix socket, UserID, SIGTERM
#
# The milter is started as root on a unix socket in its run directory with
# "UserID nobody:postfix" and the default UMask (007: mode 0660), the set-up
# the sample configuration documents; Postfix's smtpd (user postfix, no
# chroot) must be able to use the socket; the running daemon must have
# dropped to nobody and group postfix with no supplementary groups; SIGTERM
# must stop it with status 0, its pid file removed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
sockdir=$E2E_DIR/run
MILTER_SOCKET=unix:$sockdir/tlsrpt-milter.sock
PF_MILTER_SPEC=$MILTER_SOCKET
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
conf=$E2E_DIR/milter.conf
milter_conf "$conf" "UserID nobody:postfix" "Action deliver" "PidFile $sockdir/tlsrpt-milter.pid"
start_milter "$conf" || { echo "FAIL: the milter did not start"; exit 1; }

uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$MILTER_PID/status")
gid=$(awk '/^Gid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$MILTER_PID/status")
groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$MILTER_PID/status" | tr -d ' ')
n=$(id -u nobody)
g=$(getent group postfix | cut -d: -f3)
[ "$uid" = "$n,$n,$n,$n" ] && ok "running as nobody (uid $n)" || fail "uids are $uid, want $n"
[ "$gid" = "$g,$g,$g,$g" ] && ok "gid $g (postfix)" || fail "gids are $gid, want $g"
[ "$(cat "$sockdir/tlsrpt-milter.pid" 2>/dev/null)" = "$MILTER_PID" ] && ok "pid file" ||
    fail "pid file has [$(cat "$sockdir/tlsrpt-milter.pid" 2>/dev/null)], want $MILTER_PID"
case $groups in "" | "$g") ok "no supplementary groups left" ;;
*) fail "supplementary groups: $groups" ;; esac

ls -l "$sockdir/tlsrpt-milter.sock"
mark=$(maillog_mark)
report=$DATA/cases/lf.eml
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") || fail "report not accepted"
if [ -n "$q" ]; then
    wait_settled "$q" || fail "$q: not settled"
    milter_lines "$q" | grep -q " $q: report " && ok "Postfix used the unix socket: report logged" ||
        fail "$q: no report line (maillog: $(grep -i milter "$PF_MAILLOG" | tail -3))"
    [ -n "$(maildir_file "$q" tlsrpt@example.com)" ] && ok || fail "$q: not delivered"
fi
maillog_since "$mark" | grep -q "warning: .*Milter" &&
    fail "Postfix warned about the milter: $(maillog_since "$mark" | grep 'warning: .*Milter')"

pid=$MILTER_PID
kill -USR1 "$pid"
wait_for_log "tlsrpt-milter\[$pid\]: stats .*reports=1 " 5 && ok "SIGUSR1: statistics line" ||
    fail "SIGUSR1: no statistics line with reports=1"
stop_milter
[ "$MILTER_RC" -eq 0 ] && ok "SIGTERM: exit status 0" || fail "SIGTERM: exit status $MILTER_RC"
[ ! -e "$sockdir/tlsrpt-milter.pid" ] && ok "pid file removed" || fail "pid file left behind"
grep -Eq "^mail\.info tlsrpt-milter\[$pid\]: stats .*messages=" "$E2E_SYSLOG" &&
    ok "statistics line at exit" || fail "no statistics line at exit"
finish
