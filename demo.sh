#!/bin/sh
# demo.sh - watch tlsrpt-milter do its job inside a real Postfix, on this machine
#
# Installs what is missing (apt-get, via sudo when not root), builds into
# build/ (autoreconf, configure, make), then as root starts a private
# Postfix on a free loopback port and the milter beside it (both torn down
# again at the end; nothing of the machine's own mail set-up is touched),
# sends a handful of the bundled sample reports and one ordinary message
# over SMTP, and prints what the milter wrote to syslog and where each
# message went.  The milter's syslog is captured in a private mount
# namespace (see tests/e2e/lib.sh), so the demo needs no syslog daemon.
#
#   ./demo.sh                         Action deliver
#   DEMO_ACTION=hold ./demo.sh        or discard, redirect (to reports@example.com)
#   E2E_KEEP=1 ./demo.sh              keep the temporary directory to look around
#
# set -u: a misspelt variable stops the demo instead of passing as empty.
# Not -e: every step that can fail is checked where it runs and says what
# went wrong (a command failing inside a test or pipeline would otherwise
# end the demo without a word), and a message that is not delivered, or not
# settled in time, is part of what the demo shows, not a reason to stop;
# tests/e2e/lib.sh's exit trap tears the private Postfix and milter down.
set -u
cd "$(dirname "$0")" || exit 1
top=$(pwd)
build=${DEMO_BUILD:-$top/build}

if [ "${1:-}" != "--run" ]; then
    sh tests/install-deps.sh --demo || exit 1
    echo "== building in $build"
    mkdir -p m4 "$build"
    autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
    (cd "$build" && "$top/configure" -q && make -s -j"$(nproc 2>/dev/null || echo 2)") \
        >"$build/demo-build.log" 2>&1 || {
        tail -40 "$build/demo-build.log"
        echo "demo.sh: the build failed (log: $build/demo-build.log)" >&2
        exit 1
    }
    # Postfix: the installed one, else an unpacked copy of Debian's package
    pf_root=
    if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "ok installed"; then
        pf_root=$build/demo-postfix/root
        if [ ! -x "$pf_root/usr/sbin/postfix" ]; then
            echo "== Postfix is not installed: unpacking Debian's package into $build/demo-postfix (not installed)"
            rm -rf "$build/demo-postfix"
            mkdir -p "$build/demo-postfix" &&
                (cd "$build/demo-postfix" && apt-get download postfix >download.log 2>&1) &&
                dpkg-deb -x "$build/demo-postfix"/postfix_*.deb "$pf_root" || {
                cat "$build/demo-postfix/download.log" 2>/dev/null
                echo "demo.sh: could not download and unpack Postfix" >&2
                exit 1
            }
        fi
    fi
    if [ "$(id -u)" -ne 0 ]; then
        # Postfix's master and the syslog capture (a mount namespace) need root
        command -v sudo >/dev/null || { echo "demo.sh: the live part needs root or sudo" >&2; exit 1; }
        exec sudo env DEMO_BUILD="$build" DEMO_ACTION="${DEMO_ACTION:-deliver}" \
            E2E_KEEP="${E2E_KEEP:-}" DEMO_PF_ROOT="$pf_root" sh "$top/demo.sh" --run
    fi
fi

top_srcdir=$top
top_builddir=$build
PF_ROOT=${DEMO_PF_ROOT-${pf_root:-}}
export PF_ROOT
TLSRPT_MILTER=$build/milter/tlsrpt-milter
. "$top/tests/e2e/lib.sh"

action=${DEMO_ACTION:-deliver}
samples="real/isseis-tlsrpt-digest--tlsrpt_failure.eml
real/mox--microsoft.eml
real/parsedmarc--google.com_smtp_tls_report.eml
cases/two-reports.eml
cases/quirk-tlsa-policy-string.eml
cases/bad-corrupt-gzip.eml"

# offline - what can be shown without the daemon: the same pipeline, -t
offline() {
    echo "== $*"
    echo "== showing the offline mode instead: tlsrpt-milter -t on the same samples"
    for s in $samples; do
        [ -f "$DATA/$s" ] || continue
        echo "--- tests/data/$s"
        (cd "$DATA" && "$TLSRPT_MILTER" -t "$s")
    done
    exit 0
}

[ -x "$TLSRPT_MILTER" ] || { echo "demo.sh: $TLSRPT_MILTER was not built" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (or let demo.sh use sudo)" >&2; exit 1; }
unshare -m --propagation private true 2>/dev/null ||
    offline "cannot create a mount namespace here, so the milter's syslog cannot be captured"

e2e_init
conf=$E2E_DIR/tlsrpt-milter.conf
case $action in
redirect) milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action redirect" "RedirectTo reports@example.com" ;;
deliver | discard | hold) milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action $action" ;;
*) echo "demo.sh: DEMO_ACTION must be deliver, discard, hold or redirect" >&2; exit 2 ;;
esac
# exit 78: the configuration is refused; 1 only names the machine's own
# MTA and syslog, which the demo does not use
"$TLSRPT_MILTER" -n -c "$conf" >"$E2E_DIR/n.out" 2>&1
[ $? -le 1 ] ||
    offline "this build's tlsrpt-milter cannot run as a daemon yet ($(head -1 "$E2E_DIR/n.out"))"

echo "== starting a private Postfix (postfix -c $E2E_DIR/postfix/etc start${PF_ROOT:+, unpacked in $PF_ROOT})"
pf_start || { echo "demo.sh: Postfix did not start" >&2; exit 1; }
echo "   smtpd on 127.0.0.1:$PF_PORT, smtpd_milters = inet:127.0.0.1:$MILTER_PORT"
echo "== starting tlsrpt-milter -f -c $conf -p inet:$MILTER_PORT@127.0.0.1"
sed 's/^/   /' "$conf"
start_milter "$conf" || { echo "demo.sh: the milter did not start" >&2; exit 1; }

echo "== sending over SMTP"
sent=$E2E_DIR/sent
: >"$sent"
for s in $samples; do
    [ -f "$DATA/$s" ] || continue
    if q=$(send_mail "$SENDER" tlsrpt@example.com "$DATA/$s"); then
        echo "$q tlsrpt@example.com tests/data/$s" >>"$sent"
        printf '   %-50s -> tlsrpt@example.com  queued as %s\n' "tests/data/$s" "$q"
    fi
done
ordinary=$E2E_DIR/ordinary.eml
printf 'From: Alice <alice@sender.test>\nTo: user@example.com\nSubject: lunch?\nMessage-ID: <lunch@sender.test>\n\nNoon at the usual place?\n' >"$ordinary"
if q=$(send_mail alice@sender.test user@example.com "$ordinary"); then
    echo "$q user@example.com (an ordinary message)" >>"$sent"
    printf '   %-50s -> user@example.com    queued as %s\n' "(an ordinary message)" "$q"
fi
while read -r q rest; do
    wait_settled "$q" 30 || true
done <"$sent"
sleep 0.3
stop_milter

echo
echo "== what the milter wrote to syslog, and where each message went"
while read -r q rcpt what; do
    echo "--- $what, to $rcpt, queue ID $q"
    lines=$(milter_lines "$q")
    if [ -n "$lines" ]; then
        echo "$lines" | sed 's/^/   /'
    else
        echo "   (nothing: the milter accepted it at DATA without looking)"
    fi
    echo "   => $(where_is "$q")"
done <"$sent"
cut -d' ' -f1 "$sent" | sed 's/$/: /' >"$E2E_DIR/qids"
others=$(grep ' tlsrpt-milter\[' "$E2E_SYSLOG" | grep -v -F -f "$E2E_DIR/qids")
if [ -n "$others" ]; then
    echo "--- the milter's other lines"
    echo "$others" | sed 's/^/   /'
fi
echo
echo "== what tlsrpt-lookout makes of these lines: the week up to 2026-11-01, the"
echo "   day of the bundled case reports (the real samples are older: they show"
echo "   as reporters gone silent)"
"$build/lookout/tlsrpt-lookout" --today 2026-11-01 --days 7 "$E2E_SYSLOG" | sed 's/^/   /'
echo
echo "== done; the private Postfix and the milter are stopped and their files removed"
echo "   the programs stay in $build: $build/milter/tlsrpt-milter -t FILE,"
echo "   $build/lookout/tlsrpt-lookout (README.md, \"Without a mail server\")"
