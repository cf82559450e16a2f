#!/bin/sh
# stop.sh - SIGTERM, SIGINT and SIGHUP under concurrent load, many times
#
# Each round starts the milter (the build under test: under `make check`
# in a --enable-sanitizers tree, the ASan+UBSan binary), puts
# rawmilter.py's load on it (8 sessions sending report messages with 40
# report recipients each, and ordinary mail), signals it in the middle
# (TERM, INT and HUP in turn) and wants: exit status 0, the
# "stats when=exit" and "stopping" lines, and nothing from a sanitizer on
# its standard error.  Every other round the exit path is slowed down
# (a preloaded library sleeping 0.3 s in its destructor, after main() has
# returned and the settings are freed), which widens the window in which
# a callback still running would touch freed state.
#
# STOP_ROUNDS (default 9) sets the number of rounds; each takes about 5 s
# (libmilter notices the signal at its next poll, up to about 5 s later).
set -u
. "$(dirname "$0")/../e2e/lib.sh"
e2e_need
e2e_init
RAW="$PYTHON $top_srcdir/tests/miltertest/rawmilter.py"
report=$DATA/cases/lf.eml
MILTER_PORT=$(e2e_py freeport) || exit 1
spec=inet:$MILTER_PORT@127.0.0.1
rounds=${STOP_ROUNDS:-9}

if ldd "$TLSRPT_MILTER" 2>/dev/null | grep -q libasan; then
    echo "the milter is the sanitizer build"
else
    echo "the milter is not a sanitizer build: exit status and lines only"
fi

# a library that slows the exit path down, when a C compiler is at hand
slow=
if command -v "${CC:-cc}" >/dev/null 2>&1; then
    cat >"$E2E_DIR/slowexit.c" <<'EOF'
#include <unistd.h>
/* runs in exit(), after main() has returned and freed the settings */
__attribute__((destructor)) static void slow_exit(void)
{
	usleep(300000);
}
EOF
    if "${CC:-cc}" -shared -fPIC -o "$E2E_DIR/slowexit.so" "$E2E_DIR/slowexit.c" 2>"$E2E_DIR/cc.err"; then
        slow=$E2E_DIR/slowexit.so
    else
        echo "cannot build the slow-exit library: $(cat "$E2E_DIR/cc.err")"
    fi
else
    echo "no C compiler: the exit path is not slowed down"
fi

milter_conf "$E2E_DIR/stop.conf" "Action discard"
i=0
while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    case $((i % 3)) in
    1) sig=TERM ;;
    2) sig=INT ;;
    0) sig=HUP ;;
    esac
    how="SIG$sig"
    TLSRPT_MILTER_WRAPPER=
    if [ -n "$slow" ] && [ $((i % 2)) -eq 0 ]; then
        # ASan wants to come first among the libraries; the preload is ours
        TLSRPT_MILTER_WRAPPER="env LD_PRELOAD=$slow ASAN_OPTIONS=verify_asan_link_order=0"
        how="$how, exit slowed"
    fi
    : >"$E2E_SYSLOG"
    if ! start_milter "$E2E_DIR/stop.conf"; then
        fail "round $i: the milter did not start"
        continue
    fi
    $RAW load "$spec" "$report" 8 8 >"$E2E_DIR/load.$i" 2>&1 &
    load_pid=$!
    # signal once messages are flowing: 0.1 to 0.9 s after the first action line
    wait_for_log ' action action=' 20 || fail "round $i: no message went through in 20 s"
    sleep "$(awk -v i="$i" 'BEGIN { printf "%.1f", 0.1 + (i * 37 % 9) / 10 }')"
    kill -"$sig" "$MILTER_PID"
    if ! e2e_until 20 e2e_gone "$MILTER_NS_PID"; then
        fail "round $i ($how): still running 20 s after the signal"
    fi
    wait "$load_pid"
    failures_before=$failures
    stop_milter
    [ "$failures" -eq "$failures_before" ] || echo "round $i ($how): sanitizer report above"
    sent=$(sed -n 's/^messages: //p' "$E2E_DIR/load.$i")
    if [ "$MILTER_RC" -ne 0 ]; then
        fail "round $i ($how): exit status $MILTER_RC"
    elif ! grep -q 'stats when=exit' "$E2E_SYSLOG" || ! grep -q 'stopping tlsrpt-milter' "$E2E_SYSLOG"; then
        fail "round $i ($how): no stats when=exit / stopping line"
    elif [ "${sent:-0}" -eq 0 ]; then
        fail "round $i ($how): the load got no message through before the signal: $(cat "$E2E_DIR/load.$i")"
    else
        ok "round $i ($how): exit 0 after $sent messages, stats and stopping lines"
    fi
done
finish
