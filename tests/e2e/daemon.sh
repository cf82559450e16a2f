#!/bin/sh
# daemon.sh - the daemon as Postfix meets it: unix socket, UserID, SIGTERM
#
# The milter is started as root on a unix socket in a directory of its own
# with UserID nobody; Postfix's smtpd (user postfix, no chroot) must be
# able to use the socket; the running daemon must have dropped to nobody;
# SIGTERM must stop it with status 0 and remove nothing Postfix needs.
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init
sockdir=$E2E_DIR/run
mkdir -p "$sockdir"
chmod 755 "$sockdir"
MILTER_SOCKET=unix:$sockdir/tlsrpt-milter.sock
PF_MILTER_SPEC=$MILTER_SOCKET
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
conf=$E2E_DIR/milter.conf
milter_conf "$conf" "UserID nobody" "Action deliver"
start_milter "$conf" || { echo "FAIL: the milter did not start"; exit 1; }

uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$MILTER_PID/status")
gid=$(awk '/^Gid:/ { print $2 "," $3 "," $4 "," $5 }' "/proc/$MILTER_PID/status")
groups=$(awk '/^Groups:/ { $1 = ""; print }' "/proc/$MILTER_PID/status" | tr -d ' ')
n=$(id -u nobody)
g=$(id -g nobody)
[ "$uid" = "$n,$n,$n,$n" ] && ok "running as nobody (uid $n)" || fail "uids are $uid, want $n"
[ "$gid" = "$g,$g,$g,$g" ] && ok "gid $g" || fail "gids are $gid, want $g"
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

stop_milter
[ "$MILTER_RC" -eq 0 ] && ok "SIGTERM: exit status 0" || fail "SIGTERM: exit status $MILTER_RC"
finish
