# tests/e2e/lib.sh - a private Postfix and the milter, with its syslog captured
#
# Sourced by tests/e2e/*.sh and by demo.sh.  Needs root (Postfix's master
# runs as root; the milter's syslog capture needs a mount namespace).
#
# Postfix: pf_start writes its own main.cf/master.cf under $E2E_DIR/postfix
# (absolute paths, chroot column n, maillog_file with a postlog service,
# smtpd on a free loopback port, no outbound mail) and runs
# `postfix -c DIR start`.  Mail for the addresses in $PF_USERS is delivered
# by virtual(8) into Maildirs under $PF_MAIL/DOMAIN/LOCALPART/.  smtpd talks
# to the milter at inet:127.0.0.1:$MILTER_PORT, milter_default_action=accept.
#
# Milter: start_milter CONF runs $TLSRPT_MILTER -f -c CONF in a private mount
# namespace (ns-run.sh) whose /dev/log is a datagram socket read by
# syslogd.py; every message it logs lands in $E2E_SYSLOG as
# "FACILITY.SEVERITY tlsrpt-milter[PID]: TEXT".  Nothing reaches the host.
#
# Everything started here is stopped, and $E2E_DIR removed, on exit
# (E2E_KEEP=1 keeps the directory for a post-mortem).  A failing run
# prints the tail of the Postfix log, the syslog capture and the milter's
# stderr first.
#
# Environment: top_srcdir, top_builddir, TLSRPT_MILTER (from
# AM_TESTS_ENVIRONMENT; derived from the script's location otherwise).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${TLSRPT_MILTER:=$top_builddir/milter/tlsrpt-milter}"
E2E_LIB=$top_srcdir/tests/e2e
# fail, ok, skip, finish, wait_for, DATA: the helpers every shell test shares
. "$top_srcdir/tests/lib.sh"
PYTHON=${PYTHON:-python3}
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
export PYTHON

# Addresses with a Maildir in the private Postfix (set before pf_start).
: "${PF_USERS:=tlsrpt@example.com tlsrpt@example.net user@example.com other@example.com reports@example.com postmaster@example.com}"
# The envelope sender used by the tests.
SENDER=noreply-smtp-tls-reporting@sender.test

# e2e_py - run the Python helper
e2e_py() {
    "$PYTHON" "$E2E_LIB/e2e.py" "$@"
}

# e2e_need - exit 77 with the reason when the end-to-end tests cannot run
e2e_need() {
    [ "$(id -u)" -eq 0 ] ||
        skip "the end-to-end tests need root (Postfix's master, a mount namespace for /dev/log)"
    for cmd in postfix postconf postqueue unshare mount "$PYTHON"; do
        command -v "$cmd" >/dev/null 2>&1 || skip "$cmd is not installed"
    done
    unshare -m --propagation private true 2>/dev/null ||
        skip "cannot create a mount namespace here (unshare -m failed)"
    [ -x "$TLSRPT_MILTER" ] || { echo "FAIL: $TLSRPT_MILTER not built"; exit 1; }
    # the whole capture path once: a private /dev with a /dev/log listener
    _probe=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-e2e-probe.XXXXXX") || exit 1
    if ! unshare -m --propagation private sh "$E2E_LIB/ns-run.sh" "$_probe" "$_probe/cap" \
        test -S /dev/log >"$_probe/out" 2>&1; then
        _why=$(cat "$_probe/out")
        rm -rf "$_probe"
        skip "cannot give the milter a private /dev/log here: $_why"
    fi
    rm -rf "$_probe"
}

# e2e_init - create the private directory and arrange for clean-up on exit
e2e_init() {
    E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-e2e.XXXXXX") || exit 1
    # Postfix's daemons (user postfix) and virtual (nobody) must traverse it.
    chmod 755 "$E2E_DIR"
    # the milter's run directory (pid file, unix socket), like systemd's
    # RuntimeDirectory: owned by the user it drops to
    mkdir -p "$E2E_DIR/run"
    chown nobody "$E2E_DIR/run"
    E2E_SYSLOG=$E2E_DIR/syslog.log
    : >"$E2E_SYSLOG"
    E2E_NS_SEQ=0
    MILTER_NS_PID=
    PF_STARTED=
    trap e2e_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

# e2e_dump - show what the private Postfix and the milter said
e2e_dump() {
    echo "---- Postfix maillog (last 40 lines)"
    [ -n "${PF_MAILLOG:-}" ] && tail -n 40 "$PF_MAILLOG" 2>/dev/null
    echo "---- syslog capture (last 60 lines)"
    [ -n "${E2E_SYSLOG:-}" ] && tail -n 60 "$E2E_SYSLOG" 2>/dev/null
    for f in "$E2E_DIR"/ns.*/stderr; do
        [ -s "$f" ] || continue
        echo "---- milter stderr ($f, last 20 lines)"
        tail -n 20 "$f"
    done
    echo "----"
}

# e2e_cleanup - stop the milter and Postfix, remove the directory (EXIT trap)
e2e_cleanup() {
    rc=$?
    trap - EXIT INT TERM HUP
    [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || [ -z "${E2E_DIR:-}" ] || e2e_dump
    # a test's own clean-up first (for what it started itself)
    [ -z "${E2E_CLEANUP_HOOK:-}" ] || $E2E_CLEANUP_HOOK
    _failures=$failures
    stop_milter
    pf_stop
    # a failure found while stopping (sanitizer reports) fails the test
    if [ "$rc" -eq 0 ] && [ "$failures" -gt "$_failures" ]; then
        echo "$checks checks passed, $failures failed"
        rc=1
    fi
    if [ -n "${E2E_DIR:-}" ]; then
        if [ -n "${E2E_KEEP:-}" ]; then
            echo "kept $E2E_DIR"
        else
            rm -rf "$E2E_DIR"
        fi
    fi
    exit "$rc"
}

# e2e_until - wait until a command succeeds: e2e_until SECONDS CMD...
#
# Gives up at once when CMD returns 3.
e2e_until() {
    _deadline=$(($(date +%s) + $1))
    shift
    while :; do
        "$@"
        case $? in
        0) return 0 ;;
        3) return 1 ;;
        esac
        [ "$(date +%s)" -lt "$_deadline" ] || return 1
        sleep 0.1
    done
}

# e2e_gone - true when process PID has ended (a zombie counts as ended)
e2e_gone() {
    [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# ---------------------------------------------------------------------------
# The private Postfix

# maildir_of - the Maildir directory of an address
maildir_of() {
    echo "$PF_MAIL/${1#*@}/${1%%@*}"
}

# pf_start - write the configuration and start a private Postfix
#
# Sets PF_DIR, PF_CONF, PF_PORT, PF_MAILLOG, PF_MAIL and MILTER_PORT.
# PF_ROOT, when set, is a Postfix package unpacked but not installed
# (dpkg-deb -x: demo.sh on a machine whose MTA is not Postfix): its
# programs, daemons and files are named in main.cf, its libraries found
# through LD_LIBRARY_PATH (imported by the master), and the users default
# to ones every Debian has (PF_OWNER nobody, PF_SGID_GROUP mail,
# default_privs daemon) instead of postfix and postdrop.
# PF_MILTER=no leaves smtpd_milters out; PF_MILTER_SPEC replaces the
# default inet:127.0.0.1:$MILTER_PORT.
pf_start() {
    PF_DIR=$E2E_DIR/postfix
    PF_CONF=$PF_DIR/etc
    PF_MAILLOG=$PF_DIR/maillog
    PF_MAIL=$E2E_DIR/mail
    PF_PORT=$(e2e_py freeport) || return 1
    MILTER_PORT=$(e2e_py freeport) || return 1
    while [ "$MILTER_PORT" = "$PF_PORT" ]; do MILTER_PORT=$(e2e_py freeport); done
    # data_directory is left to Postfix: it must be owned by postfix
    mkdir -p "$PF_CONF" "$PF_DIR/queue" "$PF_MAIL" || return 1
    pf_private=
    if [ -n "${PF_ROOT:-}" ]; then
        PATH=$PF_ROOT/usr/sbin:$PATH
        LD_LIBRARY_PATH=$PF_ROOT/usr/lib/postfix
        export PATH LD_LIBRARY_PATH
        pf_private="command_directory = $PF_ROOT/usr/sbin
daemon_directory = $PF_ROOT/usr/lib/postfix/sbin
shlib_directory = $PF_ROOT/usr/lib/postfix
meta_directory = $PF_ROOT/etc/postfix
sendmail_path = $PF_ROOT/usr/sbin/sendmail
newaliases_path = $PF_ROOT/usr/bin/newaliases
mailq_path = $PF_ROOT/usr/bin/mailq
manpage_directory = $PF_ROOT/usr/share/man
html_directory = no
readme_directory = no
default_privs = ${PF_DEFAULT_PRIVS:-daemon}
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH"
    fi
    chown nobody:nogroup "$PF_MAIL" 2>/dev/null || chown nobody "$PF_MAIL"
    vuid=$(id -u nobody)
    vgid=$(id -g nobody)

    : >"$PF_CONF/vmailbox"
    for a in $PF_USERS; do
        echo "$a ${a#*@}/${a%%@*}/" >>"$PF_CONF/vmailbox"
    done
    domains=$(for a in $PF_USERS; do echo "${a#*@}"; done | sort -u | tr '\n' ' ')

    milters=
    [ "${PF_MILTER:-yes}" = no ] || milters=${PF_MILTER_SPEC:-inet:127.0.0.1:$MILTER_PORT}

    cat >"$PF_CONF/main.cf" <<EOF
# private Postfix for the tlsrpt-milter end-to-end tests
compatibility_level = 3.6
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
mail_owner = ${PF_OWNER:-$([ -n "${PF_ROOT:-}" ] && echo nobody || echo postfix)}
setgid_group = ${PF_SGID_GROUP:-$([ -n "${PF_ROOT:-}" ] && echo mail || echo postdrop)}
myhostname = mx.e2e.test
mydomain = e2e.test
myorigin = e2e.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
local_header_rewrite_clients =
maillog_file = $PF_MAILLOG
maillog_file_prefixes = $PF_DIR
# nothing ever leaves this machine: bounces and relays fail at once
default_transport = error:outbound mail is disabled in the tests
relay_transport = error:outbound mail is disabled in the tests
recipient_delimiter = +
virtual_mailbox_domains = $domains
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_mailbox_base = $PF_MAIL
virtual_uid_maps = static:$vuid
virtual_gid_maps = static:$vgid
smtpd_milters = $milters
non_smtpd_milters =
milter_default_action = accept
milter_protocol = 6
milter_connect_timeout = 5s
milter_command_timeout = 30s
milter_content_timeout = 60s
$pf_private
EOF

    cat >"$PF_CONF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

    if ! postfix -c "$PF_CONF" start >"$PF_DIR/start.log" 2>&1; then
        echo "postfix -c $PF_CONF start failed:"
        cat "$PF_DIR/start.log" "$PF_MAILLOG" 2>/dev/null
        return 1
    fi
    PF_STARTED=yes
    e2e_py waitport "$PF_PORT" 20 || { cat "$PF_MAILLOG"; return 1; }
}

# pf_master_pid - the private master's process ID (empty when not running)
pf_master_pid() {
    [ -f "$PF_DIR/queue/pid/master.pid" ] || return 0
    tr -d ' \n' <"$PF_DIR/queue/pid/master.pid"
}

# pf_stop - stop the private Postfix and wait for its master to go
pf_stop() {
    [ -n "${PF_STARTED:-}" ] || return 0
    PF_STARTED=
    pid=$(pf_master_pid)
    postfix -c "$PF_CONF" stop >/dev/null 2>&1
    [ -n "$pid" ] || return 0
    if ! e2e_until 10 e2e_gone "$pid"; then
        kill -KILL "$pid" 2>/dev/null
    fi
    return 0
}

# pf_reload - make the private Postfix reread main.cf
pf_reload() {
    postfix -c "$PF_CONF" reload >/dev/null 2>&1
}

# pf_set - change main.cf parameters: pf_set "name = value"...
pf_set() {
    postconf -c "$PF_CONF" -e "$@" && pf_reload
}

# send_mail - send FILE over SMTP: send_mail FROM RCPT... FILE
#
# Prints the queue ID from Postfix's "250 2.0.0 Ok: queued as ID" reply
# (or Sendmail's "250 2.0.0 ID Message accepted for delivery"); fails, with
# the reason on stderr, when the message is not accepted.  Sends to
# $SEND_PORT when set, else to the private Postfix.
send_mail() {
    _from=$1
    shift
    eval "_file=\${$#}"
    _rcpts=
    while [ $# -gt 1 ]; do
        _rcpts="$_rcpts $1"
        shift
    done
    # shellcheck disable=SC2086
    e2e_py send "${SEND_PORT:-$PF_PORT}" "$_from" "$_file" $_rcpts
}

# wait_for_maillog - wait until the Postfix log matches: PATTERN [SECONDS]
wait_for_maillog() {
    e2e_until "${2:-20}" grep -Eq -- "$1" "$PF_MAILLOG"
}

# wait_settled - wait until Postfix is done with a queue ID: QID [SECONDS]
#
# Done means delivered and removed, held or discarded by a milter, or
# deferred.
wait_settled() {
    wait_for_maillog "[: ]$1: (removed|milter-hold|milter-discard|.*status=deferred)" "${2:-30}"
}

# maillog_mark - the current length of the Postfix log (for maillog_since)
maillog_mark() {
    wc -l <"$PF_MAILLOG"
}

# maillog_since - the Postfix log after a mark
maillog_since() {
    tail -n +"$(($1 + 1))" "$PF_MAILLOG"
}

# queue_id_in_maillog - true when smtpd logged QID for the test's client
queue_id_in_maillog() {
    grep -Eq -- "postfix/smtpd\[[0-9]+\]: $1: client=localhost\[127\.0\.0\.1\]" "$PF_MAILLOG"
}

# maildir_count - messages in an address's Maildir
maildir_count() {
    _d=$(maildir_of "$1")
    find "$_d/new" "$_d/cur" -type f 2>/dev/null | wc -l
}

# maildir_file - the file delivered to ADDR for queue ID QID (empty if none)
#
# Postfix's smtpd writes "with ESMTP id QID" into its Received: header.
maildir_file() {
    _d=$(maildir_of "$2")
    [ -d "$_d" ] || return 0
    find "$_d/new" "$_d/cur" -type f 2>/dev/null | while read -r _f; do
        if grep -Eq -- " id $1([; ]|\$)" "$_f"; then
            echo "$_f"
            break
        fi
    done
}

# queue_list - every queued message as "QUEUE QID RCPT,RCPT" (postqueue -j)
queue_list() {
    postqueue -c "$PF_CONF" -j | e2e_py holdq
}

# ---------------------------------------------------------------------------
# The milter

# milter_conf - write a configuration file: milter_conf FILE [LINE...]
#
# Each LINE is a "Key value" line; defaults are written for the keys the
# lines do not set.
milter_conf() {
    _conf=$1
    shift
    {
        echo "# tlsrpt-milter configuration for the end-to-end tests"
        for _line in "$@"; do
            echo "$_line"
        done
        for _def in "ReportAddress tlsrpt@example.com" "Action deliver" \
            "Background no" "PidFile $E2E_DIR/run/tlsrpt-milter.pid" "UserID nobody" \
            "LogFacility mail"; do
            _key=${_def%% *}
            _set=
            for _line in "$@"; do
                case "$(echo "${_line%% *}" | tr 'A-Z' 'a-z')" in
                "$(echo "$_key" | tr 'A-Z' 'a-z')") _set=yes ;;
                esac
            done
            [ -n "$_set" ] || echo "$_def"
        done
    } >"$_conf"
}

# start_milter - start the milter with its syslog captured: CONF [ARG...]
#
# Listens on $MILTER_SOCKET, by default inet:$MILTER_PORT@127.0.0.1 (a
# unix:/path works too).  Sets MILTER_PID (the daemon) and MILTER_NS_PID
# (ns-run.sh, the first process of the namespace).  TLSRPT_MILTER_WRAPPER,
# when set, is put before the command (e.g. "valgrind --leak-check=full").
start_milter() {
    _conf=$1
    shift
    E2E_NS_SEQ=$((E2E_NS_SEQ + 1))
    MILTER_NS_DIR=$E2E_DIR/ns.$E2E_NS_SEQ
    mkdir -p "$MILTER_NS_DIR"
    unshare -m --propagation private sh "$E2E_LIB/ns-run.sh" "$MILTER_NS_DIR" "$E2E_SYSLOG" \
        ${TLSRPT_MILTER_WRAPPER:-} "$TLSRPT_MILTER" -f -c "$_conf" -p "${MILTER_SOCKET:-inet:$MILTER_PORT@127.0.0.1}" "$@" \
        >"$MILTER_NS_DIR/stderr" 2>&1 &
    MILTER_NS_PID=$!
    if ! e2e_until 20 e2e_milter_up; then
        echo "the milter did not start:"
        cat "$MILTER_NS_DIR/stderr"
        stop_milter
        return 1
    fi
    MILTER_PID=$(cat "$MILTER_NS_DIR/child.pid")
}

# e2e_milter_up - true once the milter listens (false at once if it died)
e2e_milter_up() {
    e2e_gone "$MILTER_NS_PID" && return 3
    [ -s "$MILTER_NS_DIR/child.pid" ] || return 1
    case ${MILTER_SOCKET:-inet:} in
    unix:* | local:*) [ -S "${MILTER_SOCKET#*:}" ] ;;
    /*) [ -S "$MILTER_SOCKET" ] ;;
    *) e2e_py waitport "$MILTER_PORT" 0 2>/dev/null ;;
    esac
}

# stop_milter - SIGTERM the milter and wait for it; MILTER_RC is its status
stop_milter() {
    [ -n "${MILTER_NS_PID:-}" ] || return 0
    if [ -s "$MILTER_NS_DIR/child.pid" ]; then
        kill -TERM "$(cat "$MILTER_NS_DIR/child.pid")" 2>/dev/null
    else
        kill -TERM "$MILTER_NS_PID" 2>/dev/null
    fi
    if ! e2e_until 10 e2e_gone "$MILTER_NS_PID"; then
        echo "the milter did not stop on SIGTERM within 10s; killing it"
        [ -s "$MILTER_NS_DIR/child.pid" ] && kill -KILL "$(cat "$MILTER_NS_DIR/child.pid")" 2>/dev/null
        kill -KILL "$MILTER_NS_PID" 2>/dev/null
    fi
    wait "$MILTER_NS_PID"
    MILTER_RC=$?
    MILTER_NS_PID=
    MILTER_PID=
    # a sanitizer build reports on stderr (UBSan may even go on running)
    if grep -Eq 'Sanitizer|runtime error:' "$MILTER_NS_DIR/stderr"; then
        fail "the milter's stderr has sanitizer reports:"
        grep -E -A12 'Sanitizer|runtime error:' "$MILTER_NS_DIR/stderr" | head -40
    fi
    return 0
}

# wait_for_log - wait until the syslog capture matches: PATTERN [SECONDS]
wait_for_log() {
    e2e_until "${2:-10}" grep -Eq -- "$1" "$E2E_SYSLOG"
}

# milter_lines - the milter's captured lines for a queue ID, in order
#
# Printed as "FACILITY.SEVERITY QID: EVENT ...".
milter_lines() {
    sed -n "s/^\([a-z0-9-]*\.[a-z]*\) tlsrpt-milter\[[0-9]*\]: \($1: .*\)\$/\1 \2/p" "$E2E_SYSLOG"
}

# expected_lines - what the milter must log for FILE under QID: FILE QID
#
# The lines of `tlsrpt-milter -t FILE`, prefixed by QID instead of the file
# name, each with the syslog priority the log format gives its event.
expected_lines() {
    _dir=$(dirname "$1")
    _name=$(basename "$1")
    (cd "$_dir" && "$TLSRPT_MILTER" -t "$_name") 2>/dev/null |
        e2e_py expect mail "$_name" "$2"
}

# ns_exec - run a command to its end with /dev/log captured into $E2E_SYSLOG
ns_exec() {
    E2E_NS_SEQ=$((E2E_NS_SEQ + 1))
    mkdir -p "$E2E_DIR/ns.$E2E_NS_SEQ"
    unshare -m --propagation private sh "$E2E_LIB/ns-run.sh" "$E2E_DIR/ns.$E2E_NS_SEQ" \
        "$E2E_SYSLOG" "$@"
}

# where_is - where Postfix put a queue ID: "Maildir of ADDR", "hold queue", ...
where_is() {
    _where=
    for _d in "$PF_MAIL"/*/*; do
        [ -d "$_d" ] || continue
        _addr="$(basename "$_d")@$(basename "$(dirname "$_d")")"
        [ -n "$(maildir_file "$1" "$_addr")" ] && _where="$_where${_where:+, }Maildir of $_addr"
    done
    _q=$(queue_list | awk -v q="$1" '$2 == q { print $1 " queue (for " $3 ")" }')
    [ -z "$_q" ] || _where="$_where${_where:+, }$_q"
    if [ -z "$_where" ]; then
        if grep -q "$1: milter-discard" "$PF_MAILLOG"; then
            _where="discarded"
        else
            _where="nowhere yet"
        fi
    fi
    echo "$_where"
}
