#!/bin/sh
# mtacheck.sh - "tlsrpt-milter -n" on the MTA's side: one line per problem
#
# A private Postfix configuration (MAIL_CONFIG: main.cf and master.cf in a
# temporary directory, queue_directory beside them) and the real milter
# on a socket in that queue directory.  For the working set-up (the
# README's relative smtpd_milters line, smtpd chrooted or not, a -o
# override in master.cf) -n says nothing about Postfix; for each
# misconfiguration it prints exactly one line that names it and its fix:
#   smtpd_milters does not name the socket; an absolute path a chrooted
#   smtpd cannot reach; a socket directory the user postfix cannot enter
#   (permission denied, tried as postfix with its group only); the milter
#   not running; no /dev/log; nothing listening on /dev/log; the milter
#   named without default_action (Postfix's tempfail: ordinary mail gets
#   451 while the milter is down), a tempfail chosen in main.cf only noted.
# -n exits 1 when it printed a warning, else 0 with an "ok" line.
# And root without UserID: the warning at start-up and from -n, absent
# when the socket's set-group-ID directory gives it the group postfix.
#
# Root only (chroot, setuid, mount namespace for /dev/log); needs
# Postfix's postconf and user (tests/install-deps.sh installs postfix).
set -u
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root: the connection test changes user and chroots"
command -v postconf >/dev/null || skip "no postconf (install postfix: tests/install-deps.sh)"
getent passwd postfix >/dev/null || skip "no user postfix"
command -v unshare >/dev/null || skip "no unshare (util-linux)"
command -v python3 >/dev/null || skip "no python3"

tmp=$(mktemp -d /tmp/tlsrpt-mtacheck.XXXXXX) || exit 1
chmod 755 "$tmp"
milter_pid=
cleanup() {
    [ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null && wait "$milter_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

MAIL_CONFIG=$tmp/postfix
export MAIL_CONFIG
q=$tmp/queue
sock=$q/tlsrpt-milter/tlsrpt-milter.sock
mkdir -p "$MAIL_CONFIG" "$q/tlsrpt-milter"
chown root:postfix "$q/tlsrpt-milter" && chmod 2750 "$q/tlsrpt-milter"
conf=$tmp/milter.conf
printf 'ReportAddress tlsrpt@example.com\nSocket unix:%s\nBackground no\n' "$sock" >"$conf"
line='{ unix:tlsrpt-milter/tlsrpt-milter.sock, default_action=accept }'

# postfix_conf CHROOT SMTPD_MILTERS [OVERRIDE] - write main.cf and master.cf
postfix_conf() {
    printf 'queue_directory = %s\nsmtpd_milters = %s\n' "$q" "$2" >"$MAIL_CONFIG/main.cf"
    printf 'smtp      inet  n       -       %s       -       -       smtpd\n' "$1" >"$MAIL_CONFIG/master.cf"
    [ -z "${3:-}" ] || printf '  -o smtpd_milters=%s\n' "$3" >>"$MAIL_CONFIG/master.cf"
    printf 'pickup    unix  n       -       y       60      1       pickup\n' >>"$MAIL_CONFIG/master.cf"
}

# check NAME WANT - run -n; WANT is "" (no Postfix line) or a text that the
# only Postfix line must contain
check() {
    "$TLSRPT_MILTER" -n -c "$conf" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    grep 'tlsrpt-milter: warning: Postfix: ' "$tmp/err" >"$tmp/pf"
    n=$(grep -c . "$tmp/pf")
    nw=$(grep -c '^tlsrpt-milter: warning: ' "$tmp/err")
    if [ $rc -ne $((nw > 0)) ]; then
        fail "$1: -n exit $rc with $nw warnings (want 1 when there is one, else 0)"
        cat "$tmp/err"
    elif [ $nw -eq 0 ] && ! grep -q '^tlsrpt-milter: ok: ' "$tmp/err"; then
        fail "$1: -n found nothing wrong but did not say ok"
        cat "$tmp/err"
    elif [ -z "$2" ] && [ "$n" -eq 0 ]; then
        ok "$1: no Postfix problem"
    elif [ -n "$2" ] && [ "$n" -eq 1 ] && grep -qF -- "$2" "$tmp/pf"; then
        ok "$1: $(cut -c1-150 "$tmp/pf")..."
    else
        fail "$1: want ${2:-no line}, got $n lines:"
        cat "$tmp/err"
    fi
}

start_milter() {
    "$TLSRPT_MILTER" -f -d -c "$conf" >"$tmp/milter.log" 2>&1 &
    milter_pid=$!
    wait_for "[ -S '$sock' ]" || { cat "$tmp/milter.log"; fail "the milter made no socket"; }
}
stop_milter() {
    kill "$milter_pid" 2>/dev/null
    wait "$milter_pid" 2>/dev/null
    milter_pid=
}

# --- the milter not running, then running --------------------------------
postfix_conf y "$line"
check "milter not running" "cannot test the connection: $sock is not there; fix: start the milter"
start_milter
grep -q 'running as root without UserID' "$tmp/milter.log" &&
    fail "start-up warns about root although the directory gives the socket the group postfix"
[ "$(stat -c %G:%a "$sock")" = postfix:660 ] || fail "socket is $(stat -c %G:%a "$sock")"
check "README line, smtpd chrooted" ""
postfix_conf n "$line"
check "README line, smtpd not chrooted" ""
postfix_conf - "$line"
check "README line, chroot column -" ""
postfix_conf y "" "$line"
check "master.cf -o smtpd_milters override" ""

# --- misconfigurations ---------------------------------------------------
postfix_conf y ""
check "empty smtpd_milters" \
    "smtpd_milters does not name this milter's socket $sock; fix: postconf -e 'smtpd_milters = { unix:tlsrpt-milter/tlsrpt-milter.sock, default_action=accept }'"
postfix_conf y "{ unix:/run/tlsrpt-milter/tlsrpt-milter.sock, default_action=accept }"
check "another socket" "smtpd_milters does not name this milter's socket"
postfix_conf y "{ unix:$sock, default_action=accept }"
check "absolute path, smtpd chrooted" "service smtp/inet runs chrooted in $q and cannot reach $sock"
postfix_conf n "{ unix:$sock, default_action=accept }"
check "absolute path, smtpd not chrooted" ""
postfix_conf y "$line" "inet:127.0.0.1:8893"
check "override names another milter" "smtpd_milters does not name this milter's socket"
postfix_conf y "unix:tlsrpt-milter/tlsrpt-milter.sock"
check "no default_action: Postfix's tempfail" \
    "names this milter without default_action, so Postfix's default milter_default_action = tempfail applies: while the milter is down or restarting, every message (not only reports) is answered 451"
postfix_conf y "unix:tlsrpt-milter/tlsrpt-milter.sock"
echo 'milter_default_action = tempfail' >>"$MAIL_CONFIG/main.cf"
check "milter_default_action chosen in main.cf: a note" ""
grep -q '^tlsrpt-milter: note: Postfix: service smtp/inet: default_action=tempfail, chosen in main.cf' "$tmp/err" &&
    ok "the note names the chosen tempfail" || { fail "no note for a chosen tempfail"; cat "$tmp/err"; }

postfix_conf y "$line"
chgrp root "$q/tlsrpt-milter"
check "socket directory not group postfix" "cannot connect to $sock: permission denied; fix:"
chgrp postfix "$q/tlsrpt-milter" && chmod 2750 "$q/tlsrpt-milter"
chmod 600 "$sock"
check "socket mode 0600" "permission denied"
stop_milter

# --- root without UserID: the socket root's, not group postfix ------------
chmod g-s "$q/tlsrpt-milter" # no set-group-ID bit: the socket gets root's group
"$TLSRPT_MILTER" -n -c "$conf" >/dev/null 2>"$tmp/err"
grep -q "warning: running as root without UserID: the socket $sock is owned by root, group root, mode 0660, so Postfix's smtpd (user postfix, group postfix only) cannot connect; fix: set UserID tlsrpt-milter:postfix" "$tmp/err" &&
    ok "-n: root without UserID" || { fail "-n: no root warning"; cat "$tmp/err"; }
start_milter
grep -q "running as root without UserID: .*cannot connect; fix: set UserID" "$tmp/milter.log" &&
    ok "start-up: $(grep -o 'running as root without UserID.*' "$tmp/milter.log" | cut -c1-80)..." ||
    { fail "no start-up warning"; cat "$tmp/milter.log"; }
check "root-owned socket" "permission denied"
stop_milter
printf 'UserID nobody:postfix\n' >>"$conf"
"$TLSRPT_MILTER" -n -c "$conf" >/dev/null 2>"$tmp/err"
grep -q "running as root" "$tmp/err" && fail "-n warns about root although UserID is set" ||
    ok "-n: no root warning with UserID"

# --- syslog's socket, in a private mount namespace ----------------------
cat >"$tmp/syslog.sh" <<EOF
set -e
mount -t tmpfs tmpfs /dev
"$TLSRPT_MILTER" -n -c "$conf" 2>"$tmp/err.none" >"$tmp/out.none" || [ \$? -eq 1 ]
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])' /dev/log
"$TLSRPT_MILTER" -n -c "$conf" 2>"$tmp/err.stale" >"$tmp/out.stale" || [ \$? -eq 1 ]
EOF
# a tmpfs on /dev in a mount namespace of its own: no /dev/log, then a
# socket nobody listens on; the system's /dev is not touched
if unshare -m --propagation private sh "$tmp/syslog.sh"; then
    grep -q "warning: syslog: no socket /dev/log, so the milter's lines are lost; fix: install and start a syslog daemon" "$tmp/err.none" &&
        ok "no /dev/log" || { fail "no /dev/log: not said"; cat "$tmp/err.none"; }
    grep -q "warning: syslog: nothing listens on /dev/log, so the milter's lines are lost; fix: start the syslog daemon" "$tmp/err.stale" &&
        ok "nobody on /dev/log" || { fail "stale /dev/log: not said"; cat "$tmp/err.stale"; }
else
    fail "could not set up /dev/log in a mount namespace"
fi
finish
