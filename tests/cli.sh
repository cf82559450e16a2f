#!/bin/sh
# cli.sh - the daemon's command line, configuration checks, shipped files and
# process hygiene
#
#   - `-C` is byte-identical to etc/tlsrpt-milter.conf, and every key it
#     lists is in tlsrpt-milter.conf(5); every option is in tlsrpt-milter(8)
#   - `-n` reports a bad configuration as "file:line: ..." (exit 78) and
#     prints a good one in a form that loads again to the same output
#   - usage errors exit 2; -t works without a configuration file, and with -c
#   - pid file written with the daemon's PID and removed at exit, in the
#     foreground and in the background; SIGTERM stops it with status 0
#   - a live socket is refused, a stale one replaced; the socket mode follows
#     UMask
#   - as root: UserID drops to that user (all four IDs), the socket belongs
#     to it
set -u
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-cli.XXXXXX") || exit 1
chmod 755 "$tmp"
pids=
cleanup() {
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# expect_status - run a command, compare its exit status
expect_status() {
    want=$1
    shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$*: got exit status $got, want $want"
        sed 's/^/    /' "$tmp/err"
        return 1
    fi
    ok
    return 0
}

# expect_err - standard error of the last expect_status holds a string
expect_err() {
    if grep -qF -- "$1" "$tmp/err"; then ok; else
        fail "stderr: got '$(cat "$tmp/err")', want it to contain '$1'"
    fi
}

M=$TLSRPT_MILTER

# expect_check ARGS... - -n: exit 0 with its "ok" line and no warning, or
# exit 1 with one warning line per problem and their count (what this
# machine's syslog and Postfix look like decides which); never 78
expect_check() {
    "$M" "$@" -n >"$tmp/out" 2>"$tmp/err"
    got=$?
    nw=$(grep -c '^tlsrpt-milter: warning: ' "$tmp/err")
    if [ "$got" -eq 0 ] && [ "$nw" -eq 0 ] && grep -qx 'tlsrpt-milter: ok: .*' "$tmp/err"; then
        ok
    elif [ "$got" -eq 1 ] && [ "$nw" -gt 0 ] &&
        grep -qx "tlsrpt-milter: $nw problems\{0,1\} found" "$tmp/err"; then
        ok
    else
        fail "-n $*: exit $got with $nw warnings:"
        sed 's/^/    /' "$tmp/err"
        return 1
    fi
    return 0
}

# --- shipped files -------------------------------------------------------
"$M" -C >"$tmp/sample.conf"
if cmp -s "$tmp/sample.conf" "$top_srcdir/etc/tlsrpt-milter.conf"; then ok; else
    fail "etc/tlsrpt-milter.conf differs from tlsrpt-milter -C (make regen rewrites it):"
    diff -u "$top_srcdir/etc/tlsrpt-milter.conf" "$tmp/sample.conf" | head -20
fi
for key in $(sed -n 's/^#\([A-Z][A-Za-z]*\) .*/\1/p' "$tmp/sample.conf"); do
    if grep -q "^\\\\fB$key\\\\fR" "$top_srcdir/doc/tlsrpt-milter.conf.5"; then ok; else
        fail "key $key is not in doc/tlsrpt-milter.conf.5"
    fi
done
for opt in c C d f h n p t V; do
    if grep -q "^\\.B \\\\-$opt\\b\\|^\\.BI \\\\-$opt\\b" "$top_srcdir/doc/tlsrpt-milter.8"; then ok
    else fail "option -$opt is not in doc/tlsrpt-milter.8"; fi
done

# --- -n and configuration errors -----------------------------------------
conf=$tmp/good.conf
cat >"$conf" <<EOF
# a comment
Socket unix:$tmp/good.sock   # trailing comment
reportaddress TLSRPT@Example.COM, tls-reports@
ReportAddress rua@example.net
ACTION Redirect
RedirectTo archive@example.org
AddHeader true
MaxMessageSize 10M
MaxFailureLines 0
UMask 027
EOF
if expect_check -c "$conf"; then
    for want in "ReportAddress tlsrpt@example.com" "ReportAddress tls-reports@" \
        "ReportAddress rua@example.net" "Action redirect" "AddHeader yes" \
        "MaxMessageSize 10M" "MaxFailureLines 0" "UMask 027" "LogFormat kv"; do
        if grep -qxF "$want" "$tmp/out"; then ok; else fail "-n: no line '$want'"; fi
    done
    cp "$tmp/out" "$tmp/effective.conf"
    "$M" -c "$tmp/effective.conf" -n | sed 1d >"$tmp/again"
    sed 1d "$tmp/effective.conf" >"$tmp/first"
    if cmp -s "$tmp/first" "$tmp/again"; then ok; else
        fail "-n output does not load back to the same settings"
        diff "$tmp/first" "$tmp/again"
    fi
fi
expect_check -c "$conf" -p inet:8899@127.0.0.1 &&
    if grep -qx "Socket inet:8899@127.0.0.1" "$tmp/out"; then ok; else fail "-p did not override Socket"; fi

bad() {
    msg=$1
    shift
    printf '%s\n' "$@" >"$tmp/bad.conf"
    expect_status 78 "$M" -c "$tmp/bad.conf" -n && expect_err "$tmp/bad.conf$msg"
}
bad ":2: unknown key \"Bogus\"" "ReportAddress tlsrpt@" "Bogus 1"
bad ":1: AddHeader: \"maybe\" is not yes, no, true, false, 1 or 0" "AddHeader maybe"
bad ":3: MaxParts: 0 is out of range (1 to 100000)" "ReportAddress tlsrpt@" "" "MaxParts 0"
bad ":1: MaxMessageSize: \"12X\" is not a size" "MaxMessageSize 12X"
bad ":1: MaxReportSize: 2G is out of range (1K to 1G)" "MaxReportSize 2G"
bad ":1: Action: \"bounce\" is not deliver, discard, hold or redirect" "Action bounce"
bad ":2: Action redirect needs RedirectTo" "ReportAddress tlsrpt@" "Action redirect"
bad ":2: Action: already set on line 1" "Action hold" "Action discard"
bad ":1: ReportAddress: \"tlsrpt\" is not an address" "ReportAddress tlsrpt"
bad ":1: Socket: \"tcp:25\" is not a socket" "Socket tcp:25"
bad ": ReportAddress is not set" "Action hold"
expect_status 78 "$M" -c "$tmp/missing.conf" -n && expect_err "$tmp/missing.conf: cannot open"
printf 'ReportAddress tlsrpt@\nUserID no-such-user-here\n' >"$tmp/nouser-n.conf"
expect_status 78 "$M" -c "$tmp/nouser-n.conf" -n && expect_err "no such user"

# --- usage and -t --------------------------------------------------------
expect_status 2 "$M" -t
expect_status 2 "$M" -x
expect_status 2 "$M" -d -c "$conf"
expect_err "-d needs -f"
expect_status 2 "$M" -n extra-argument
expect_status 0 "$M" -V && if grep -q "^tlsrpt-milter [0-9]" "$tmp/out"; then ok; else fail "-V"; fi
expect_status 0 "$M" -h && if grep -q "^usage:" "$tmp/out"; then ok; else fail "-h"; fi
expect_status 0 "$M" -t "$DATA/cases/lf.eml" &&
    if grep -q ": report report-id=" "$tmp/out"; then ok; else fail "-t: no report line"; fi
# a bare report saved with a UTF-8 byte order mark first (RFC 8259 lets a reader skip it),
# and the same JSON as a MIME part: the report, not "no TLS report found"
{ printf '\357\273\277'; cat "$DATA/real/cry-inc-dmarc-report-viewer--google.json"; } >"$tmp/bom.json"
expect_status 0 "$M" -t "$tmp/bom.json" &&
    if grep -q ": report report-id=2025-05-22T00:00:00Z_foo-bar.io " "$tmp/out" &&
        ! grep -q "no TLS report found" "$tmp/out"; then ok; else
        fail "-t: a .json report with a byte order mark is not read"
        cat "$tmp/out"
    fi
{
    printf 'From: r@example.net\nTo: tlsrpt@example.com\nSubject: Report\nMIME-Version: 1.0\n'
    printf 'Content-Type: application/tlsrpt+json\n\n'
    cat "$tmp/bom.json"
} >"$tmp/bom.eml"
expect_status 0 "$M" -t "$tmp/bom.eml" &&
    if grep -q ": report report-id=2025-05-22T00:00:00Z_foo-bar.io " "$tmp/out"; then ok; else
        fail "-t: a report part with a byte order mark is not read"
        cat "$tmp/out"
    fi
printf 'LogFormat json\nMaxFailureLines 1\n' >"$tmp/json.conf"
expect_status 0 "$M" -c "$tmp/json.conf" -t "$DATA/cases/lf.eml" &&
    if grep -q '^{"event":"failure-omitted"' "$tmp/out" &&
        [ "$(grep -c '"event":"failure"' "$tmp/out")" -eq 1 ]; then ok; else
        fail "-c with -t: LogFormat json / MaxFailureLines 1 not applied"
        cat "$tmp/out"
    fi

# --- the daemon: pid file, SIGTERM, sockets ------------------------------
sock=$tmp/d.sock
pidf=$tmp/d.pid
cat >"$tmp/d.conf" <<EOF
Socket unix:$sock
ReportAddress tlsrpt@
PidFile $pidf
UMask 000
EOF
"$M" -f -d -c "$tmp/d.conf" 2>"$tmp/d.log" &
p=$!
pids="$p"
if wait_for "[ -S '$sock' ] && [ -s '$pidf' ]"; then
    if [ "$(cat "$pidf")" = "$p" ]; then ok; else fail "pid file holds $(cat "$pidf"), want $p"; fi
    if [ "$(stat -c %a "$sock")" = 666 ]; then ok; else
        fail "UMask 000: socket mode $(stat -c %a "$sock"), want 666"
    fi
    # a second instance must not steal a live socket (nor the locked pid file)
    expect_status 69 "$M" -f -c "$tmp/d.conf" -p "unix:$sock" && expect_err "another milter"
    kill -TERM "$p"
    wait "$p"
    st=$?
    if [ "$st" -eq 0 ]; then ok; else fail "foreground: exit status $st after SIGTERM, want 0"; fi
    if [ ! -e "$pidf" ] && [ ! -e "$sock" ]; then ok; else fail "pid file or socket left behind"; fi
else
    fail "foreground daemon did not start"
    cat "$tmp/d.log"
    kill -TERM "$p" 2>/dev/null
fi
pids=

# a stale socket (the milter was killed) is replaced
"$M" -f -c "$tmp/d.conf" 2>"$tmp/d.log" &
p=$!
if wait_for "[ -S '$sock' ]"; then
    kill -KILL "$p"
    wait "$p" 2>/dev/null
    rm -f "$pidf"
    "$M" -f -c "$tmp/d.conf" 2>"$tmp/d.log" &
    p=$!
    pids="$p"
    sleep 0.5
    if kill -0 "$p" 2>/dev/null && wait_for "[ -s '$pidf' ]"; then ok; else
        fail "did not start over a stale socket"
        cat "$tmp/d.log"
    fi
    kill -TERM "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    pids=
else
    fail "daemon did not start (stale socket test)"
fi

# background: the parent exits 0, the pid file names the daemon
rm -f "$pidf" "$sock"
expect_status 0 "$M" -c "$tmp/d.conf"
if wait_for "[ -s '$pidf' ] && [ -S '$sock' ]"; then
    bp=$(cat "$pidf")
    pids="$bp"
    if kill -0 "$bp" 2>/dev/null; then ok; else fail "background: pid $bp not running"; fi
    kill -TERM "$bp"
    if wait_for "! kill -0 $bp 2>/dev/null && [ ! -e '$pidf' ]"; then ok; else
        fail "background: not stopped cleanly by SIGTERM (pid file left?)"
    fi
    pids=
else
    fail "background daemon did not start"
fi

# --- privilege drop (root only) ------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "NOTE: not root: UserID privilege drop not tested here"
elif ! id nobody >/dev/null 2>&1; then
    echo "NOTE: no user nobody: UserID privilege drop not tested here"
else
    mkdir "$tmp/run"
    chown nobody "$tmp/run"
    cat >"$tmp/u.conf" <<EOF
Socket unix:$tmp/run/u.sock
ReportAddress tlsrpt@
PidFile $tmp/run/u.pid
UserID nobody
EOF
    "$M" -f -d -c "$tmp/u.conf" 2>"$tmp/u.log" &
    p=$!
    pids="$p"
    if wait_for "[ -S '$tmp/run/u.sock' ] && [ -s '$tmp/run/u.pid' ]"; then
        uid=$(id -u nobody)
        ids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$p/status")
        if [ "$ids" = "$uid $uid $uid $uid" ]; then ok; else
            fail "UserID nobody: process UIDs '$ids', want all $uid"
        fi
        gids=$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$p/status")
        gid=$(id -g nobody)
        if [ "$gids" = "$gid $gid $gid $gid" ]; then ok; else
            fail "UserID nobody: process GIDs '$gids', want all $gid"
        fi
        if [ "$(stat -c '%U %a' "$tmp/run/u.sock")" = "nobody 660" ]; then ok; else
            fail "socket: got '$(stat -c '%U %a' "$tmp/run/u.sock")', want 'nobody 660'"
        fi
        kill -TERM "$p"
        wait "$p"
        st=$?
        if [ "$st" -eq 0 ] && [ ! -e "$tmp/run/u.pid" ]; then ok; else
            fail "UserID nobody: exit status $st or pid file left after SIGTERM"
            cat "$tmp/u.log"
        fi
    else
        fail "daemon with UserID nobody did not start"
        cat "$tmp/u.log"
        kill -TERM "$p" 2>/dev/null
    fi
    pids=
    printf 'ReportAddress tlsrpt@\nUserID no-such-user-here\n' >"$tmp/nouser.conf"
    expect_status 78 "$M" -f -c "$tmp/nouser.conf" -p "unix:$tmp/nouser.sock" &&
        expect_err "no such user"
fi
finish
