#!/bin/sh
# sendmail.sh - the end-to-end check against Sendmail instead of Postfix
#
# sendmail-bin conflicts with the postfix package, so the two are never
# installed together: unless a Sendmail binary is installed, this test takes
# Debian's sendmail-bin and sendmail-cf packages with `apt-get download`
# (cached in $TLSRPT_E2E_CACHE, default /var/cache/tlsrpt-milter-e2e),
# unpacks them with dpkg-deb -x and runs the unpacked sendmail with a
# private sendmail.cf built from an .mc with the unpacked sendmail-cf m4
# files.  Sendmail (-bD, foreground daemon on a loopback port) runs in its
# own mount namespace with its own /etc/hosts and /etc/resolv.conf and its
# syslog captured like the milter's; it talks to the milter with
# INPUT_MAIL_FILTER (inet, no F= flag: accept when the milter is down) and
# relays everything to a private Postfix (no milter there), which delivers
# into the Maildirs.  See doc/testing-sendmail.md.
#
# Checks: every sample report gives -t's lines with Sendmail's queue ID
# (from the SMTP reply, found in Sendmail's own log); Action discard drops a
# report; Action hold quarantines it in Sendmail's queue; a mixed-recipient
# message still reaches the ordinary user unchanged; ordinary mail is not
# logged; with the milter stopped, mail still flows.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
command -v m4 >/dev/null 2>&1 || skip "m4 is not installed (needed to build sendmail.cf)"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not available to unpack sendmail-bin"

# -- find or fetch a Sendmail binary and its cf files
SM_ROOT=
sm_find_installed() {
    for b in /usr/libexec/sendmail/sendmail /usr/lib/sm.bin/sendmail; do
        if [ -x "$b" ] && [ -f /usr/share/sendmail/cf/m4/cf.m4 ]; then
            SM_BIN=$b
            SM_CF=/usr/share/sendmail/cf
            return 0
        fi
    done
    return 1
}

sm_fetch() {
    cache=${TLSRPT_E2E_CACHE:-/var/cache/tlsrpt-milter-e2e}
    SM_ROOT=$cache/sendmail
    SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
    SM_CF=$SM_ROOT/usr/share/sendmail/cf
    [ -x "$SM_BIN" ] && [ -f "$SM_CF/m4/cf.m4" ] && return 0
    command -v apt-get >/dev/null 2>&1 || return 1
    dl=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-sm-dl.XXXXXX") || return 1
    chmod 777 "$dl" # apt's _apt user downloads into it
    pkgs="sendmail-bin sendmail-cf libwrap0 liblockfile1"
    echo "fetching $pkgs with apt-get download (sendmail-bin conflicts with postfix)"
    # shellcheck disable=SC2086
    if ! (cd "$dl" && apt-get download $pkgs >"$dl/log" 2>&1); then
        # package lists may be missing on a fresh machine
        apt-get update -qq >/dev/null 2>&1
        # shellcheck disable=SC2086
        (cd "$dl" && apt-get download $pkgs >"$dl/log" 2>&1) || {
            sed 's/^/  /' "$dl/log"
            rm -rf "$dl"
            return 1
        }
    fi
    rm -rf "$SM_ROOT.new"
    mkdir -p "$SM_ROOT.new" || { rm -rf "$dl"; return 1; }
    for d in "$dl"/*.deb; do
        dpkg-deb -x "$d" "$SM_ROOT.new" || { rm -rf "$dl" "$SM_ROOT.new"; return 1; }
    done
    rm -rf "$dl"
    # setgid would make the loader ignore LD_LIBRARY_PATH; it is not needed
    chmod g-s "$SM_ROOT.new/usr/libexec/sendmail/sendmail"
    rm -rf "$SM_ROOT"
    mv "$SM_ROOT.new" "$SM_ROOT"
}

if sm_find_installed; then
    echo "using the installed $SM_BIN"
elif sm_fetch; then
    echo "using sendmail unpacked from Debian's sendmail-bin in $SM_ROOT"
    LD_LIBRARY_PATH=$SM_ROOT/usr/lib/x86_64-linux-gnu:$SM_ROOT/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
else
    skip "no Sendmail: sendmail-bin is not installed (it conflicts with postfix) and apt-get download sendmail-bin failed"
fi

e2e_init

# -- the downstream Postfix (no milter) that delivers into the Maildirs
PF_MILTER=no
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }

# -- the private Sendmail
SM_DIR=$E2E_DIR/sendmail
SM_LOG=$E2E_DIR/sendmail-syslog.log
SM_PORT=$(e2e_py freeport)
mkdir -p "$SM_DIR/mqueue"
chmod 700 "$SM_DIR/mqueue"
: >"$SM_DIR/aliases"
: >"$SM_LOG"
printf 'hosts files\naliases files\n' >"$SM_DIR/service.switch"
printf '127.0.0.1 mta.e2e.test mta localhost\n' >"$SM_DIR/hosts.cf"
# the namespace's /etc/hosts: the machine's name must be fully qualified
printf '127.0.0.1 %s.e2e.test %s localhost.localdomain localhost\n' "$(hostname)" "$(hostname)" >"$SM_DIR/etc-hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$SM_DIR/resolv.conf"

# sm_version - sendmail -d0.1 in a namespace with the private /etc/hosts
# (outside it, an unqualified host name makes Sendmail sleep for a minute)
sm_version() {
    unshare -m --propagation private sh -c 'mount --bind "$1" /etc/hosts &&
        mount --bind "$2" /etc/resolv.conf && exec "$3" -d0.1 -bt -C /dev/null </dev/null' \
        sm_version "$SM_DIR/etc-hosts" "$SM_DIR/resolv.conf" "$SM_BIN" 2>&1
}
sm_version | grep -q ' MILTER' ||
    skip "$SM_BIN does not run or was built without MILTER: $(sm_version | head -3)"

sm_mc() {
    cat <<EOF
divert(-1)
# private Sendmail for the tlsrpt-milter end-to-end test
divert(0)dnl
VERSIONID(\`tlsrpt-milter e2e')dnl
OSTYPE(\`linux')dnl
define(\`QUEUE_DIR', \`$SM_DIR/mqueue')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`ALIAS_FILE', \`$SM_DIR/aliases')dnl
define(\`HELP_FILE', \`$SM_DIR/helpfile')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM_DIR/hosts.cf')dnl
define(\`confDOMAIN_NAME', \`mta.e2e.test')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confTO_IDENT', \`0')dnl
define(\`confDONT_BLAME_SENDMAIL', \`GroupWritableDirPathSafe')dnl
define(\`confMILTER_LOG_LEVEL', \`2')dnl
define(\`confREFUSE_LA', \`10000')dnl
define(\`confQUEUE_LA', \`10000')dnl
define(\`confDELAY_LA', \`0')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $PF_PORT')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $PF_PORT')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Port=$SM_PORT, Addr=127.0.0.1, Name=MTA')dnl
INPUT_MAIL_FILTER(\`tlsrpt', \`S=inet:$MILTER_PORT@127.0.0.1, T=C:5s;S:30s;R:60s;E:5m')dnl
MAILER(\`smtp')dnl
EOF
}
sm_mc >"$SM_DIR/e2e.mc"
m4 -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$SM_DIR/e2e.mc" >"$SM_DIR/sendmail.cf" 2>"$SM_DIR/m4.err" ||
    { echo "FAIL: m4 could not build sendmail.cf:"; cat "$SM_DIR/m4.err"; exit 1; }

SM_NS_PID=
sm_start() {
    mkdir -p "$SM_DIR/ns"
    NS_ETC_HOSTS=$SM_DIR/etc-hosts NS_RESOLV_CONF=$SM_DIR/resolv.conf \
        unshare -m --propagation private sh "$E2E_LIB/ns-run.sh" "$SM_DIR/ns" "$SM_LOG" \
        "$SM_BIN" -C "$SM_DIR/sendmail.cf" -bD -L sm-mta >"$SM_DIR/stderr" 2>&1 &
    SM_NS_PID=$!
    e2e_py waitport "$SM_PORT" 20 || { echo "Sendmail did not start:"; cat "$SM_DIR/stderr" "$SM_LOG"; return 1; }
}
sm_stop() {
    [ -n "$SM_NS_PID" ] || return 0
    [ -s "$SM_DIR/ns/child.pid" ] && kill -TERM "$(cat "$SM_DIR/ns/child.pid")" 2>/dev/null
    e2e_until 10 e2e_gone "$SM_NS_PID" || kill -KILL "$SM_NS_PID" 2>/dev/null
    wait "$SM_NS_PID"
    SM_NS_PID=
    # delivery children of the daemon may still be finishing
    sleep 0.2
}
sm_cleanup() {
    if [ -n "$SM_NS_PID" ] && [ "$failures" -gt 0 ]; then
        echo "---- Sendmail syslog (last 30 lines)"
        tail -n 30 "$SM_LOG"
    fi
    sm_stop
}
E2E_CLEANUP_HOOK=sm_cleanup
sm_start || { echo "FAIL: Sendmail did not start"; exit 1; }
ok "Sendmail listens on 127.0.0.1:$SM_PORT, relays to Postfix on $PF_PORT"
SEND_PORT=$SM_PORT

# sm_settled - wait until Sendmail has relayed a queue ID
sm_settled() {
    e2e_until "${2:-30}" grep -Eq "sm-mta\[[0-9]+\]: $1: to=.*stat=Sent" "$SM_LOG"
}

# with_action - (re)start the milter with a configuration
with_action() {
    stop_milter
    milter_conf "$E2E_DIR/milter.conf" "$@"
    start_milter "$E2E_DIR/milter.conf" || { fail "the milter did not start: $*"; finish; exit 1; }
}

# -- every sample report, Action deliver
with_action "ReportAddress tlsrpt@example.com" "Action deliver"
n=0
for f in "$DATA"/real/*.eml "$DATA"/cases/*.eml; do
    [ -f "$f" ] || continue
    name=${f#"$DATA"/}
    q=$(send_mail "$SENDER" tlsrpt@example.com "$f") || { fail "$name: not accepted by Sendmail"; continue; }
    n=$((n + 1))
    grep -Eq "sm-mta\[[0-9]+\]: $q: from=<$SENDER>" "$SM_LOG" || fail "$name: queue ID $q not in Sendmail's log"
    expected_lines "$f" "$q" >"$E2E_DIR/want"
    e2e_until 10 eval '[ "$(milter_lines "$q" | grep -vc " $q: action ")" -ge "$(wc -l <"$E2E_DIR/want")" ]'
    milter_lines "$q" | grep -v " $q: action " >"$E2E_DIR/got"
    if cmp -s "$E2E_DIR/want" "$E2E_DIR/got"; then ok; else
        fail "$name ($q): Sendmail: syslog lines differ from -t (want, got):"
        diff -u "$E2E_DIR/want" "$E2E_DIR/got" | head -20
    fi
    sm_settled "$q" || fail "$name ($q): Sendmail did not relay it"
done
ok "$n sample report mails sent through Sendmail"
# spot-check delivery of the last one through Sendmail and Postfix
e2e_until 20 eval '[ -n "$(maildir_file "$q" tlsrpt@example.com)" ]' &&
    ok "delivered through Sendmail to tlsrpt@example.com" || fail "$q: not delivered through Sendmail"

report=$DATA/cases/lf.eml

# -- discard, and a mixed message
with_action "Action discard"
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") || fail "discard: not accepted"
if [ -n "$q" ]; then
    wait_for_log " $q: action .*action=discard" 10 && ok "discard logged" || fail "$q: no action=discard line"
    sleep 1
    [ -z "$(maildir_file "$q" tlsrpt@example.com)" ] && ok "discarded by Sendmail" || fail "$q: delivered despite discard"
    [ ! -e "$SM_DIR/mqueue/qf$q" ] || fail "$q: still in Sendmail's queue"
fi
q=$(send_mail "$SENDER" tlsrpt@example.com user@example.com "$report") || fail "mixed: not accepted"
if [ -n "$q" ]; then
    sm_settled "$q"
    if e2e_until 20 eval '[ -n "$(maildir_file "$q" user@example.com)" ]'; then
        # Sendmail drops Return-Path when relaying; everything else must stay
        hdr=$(E2E_IGNORE_HEADERS=Return-Path e2e_py added "$report" "$(maildir_file "$q" user@example.com)") &&
            [ -z "$(echo "$hdr" | grep -v '^Received:')" ] && ok "mixed: user got it unchanged" ||
            fail "$q: the ordinary recipient's copy was changed: $hdr"
    else
        fail "$q: mixed: not delivered to user@example.com"
    fi
    [ -z "$(maildir_file "$q" tlsrpt@example.com)" ] && ok || fail "$q: mixed: report copy delivered despite discard"
    wait_for_log " $q: action .*action=remove-recipient" 5 && ok || fail "$q: no action=remove-recipient line"
fi

# -- hold: Sendmail's quarantine
with_action "Action hold"
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") || fail "hold: not accepted"
if [ -n "$q" ]; then
    wait_for_log " $q: action .*action=hold" 10 && ok "hold logged" || fail "$q: no action=hold line"
    # a quarantined queue file is renamed hf* and carries a "q" line
    if e2e_until 10 eval 'grep -q "^q" "$SM_DIR/mqueue/hf$q" 2>/dev/null'; then
        ok "quarantined in Sendmail's queue: $(grep '^q' "$SM_DIR/mqueue/hf$q")"
    else
        fail "$q: not quarantined (queue: $(ls "$SM_DIR/mqueue"))"
    fi
fi

# -- ordinary mail, then the milter down
plain=$E2E_DIR/plain.eml
printf 'From: a@sender.test\nTo: user@example.com\nSubject: hi\n\nhello\n' >"$plain"
q=$(send_mail "$SENDER" user@example.com "$plain") || fail "ordinary: not accepted"
if [ -n "$q" ]; then
    e2e_until 20 eval '[ -n "$(maildir_file "$q" user@example.com)" ]' || fail "$q: ordinary mail not delivered"
    [ -z "$(milter_lines "$q")" ] && ok "ordinary mail: nothing logged" || fail "$q: logged: $(milter_lines "$q")"
fi
stop_milter
q=$(send_mail "$SENDER" tlsrpt@example.com "$report") || fail "milter down: not accepted"
if [ -n "$q" ]; then
    e2e_until 20 eval '[ -n "$(maildir_file "$q" tlsrpt@example.com)" ]' &&
        ok "milter down: Sendmail still delivers" || fail "$q: milter down: not delivered"
fi
finish
