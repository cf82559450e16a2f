#!/bin/sh
# miltertest.sh - protocol tests: every tests/miltertest/t-*.lua against the
# real milter, with miltertest(8) playing the MTA
#
# For each scenario a fresh milter is started in the foreground with its log
# mirrored to standard error (-f -d), on a Unix socket in a temporary
# directory, with a configuration made of the script's "-- config: Key value"
# lines.  miltertest runs the script (globals socket, datadir, libdir,
# logfile); the script reads the log file to check lines.  Then the driver:
#   - checks, for each "-- same-as-t: FILE QID" line, that every line
#     `tlsrpt-milter -t FILE` prints was logged with the queue ID QID as its
#     prefix (the milter and -t share the pipeline);
#   - sends SIGUSR1 and expects a "stats when=signal" line;
#   - sends SIGTERM and expects exit status 0, "stats when=exit" and
#     "stopping" lines, and the socket removed.
set -u
. "$(dirname "$0")/lib.sh"

command -v miltertest >/dev/null 2>&1 ||
    skip "miltertest not installed (Debian package miltertest)"

MT_DIR="$top_srcdir/tests/miltertest"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-mt.XXXXXX") || exit 1
pid=
stopping=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
    for entry in $stopping; do kill -TERM "${entry#*:}" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# strip_log - the log lines without the "tlsrpt-milter[PID]: level: " mirror prefix
strip_log() {
    sed -e 's/^tlsrpt-milter\[[0-9]*\]: [a-z]*: //' "$1"
}

# same_as_t - every -t line of FILE, prefixed with QID, is in the log
same_as_t() {
    file=$1 qid=$2 log=$3 name=$4
    base=$(basename "$file")
    (cd "$DATA/$(dirname "$file")" && "$TLSRPT_MILTER" -t "$base") >"$tmp/t.out"
    strip_log "$log" >"$tmp/log.stripped"
    n=0
    while IFS= read -r line; do
        want="$qid:${line#"$base":}"
        if grep -qxF -- "$want" "$tmp/log.stripped"; then
            n=$((n + 1))
        else
            fail "$name: -t line not logged with queue ID $qid: $want"
            return
        fi
    done <"$tmp/t.out"
    [ "$n" -gt 0 ] || { fail "$name: -t printed nothing for $file"; return; }
    ok
}

scripts=$(ls "$MT_DIR"/t-*.lua 2>/dev/null)
[ -n "$scripts" ] || { echo "FAIL: no scenarios in $MT_DIR"; exit 1; }

for script in $scripts; do
    name=$(basename "$script" .lua)
    sock="$tmp/$name.sock"
    conf="$tmp/$name.conf"
    log="$tmp/$name.log"
    {
        echo "Socket unix:$sock"
        sed -n 's/^-- config: //p' "$script"
    } >"$conf"

    "$TLSRPT_MILTER" -f -d -c "$conf" 2>"$log" &
    pid=$!
    if ! wait_for "[ -S '$sock' ]"; then
        fail "$name: the milter did not open $sock"
        cat "$log"
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=
        continue
    fi

    if miltertest -D socket="unix:$sock" -D datadir="$DATA" -D libdir="$MT_DIR" \
        -D logfile="$log" -s "$script" >"$tmp/mt.out" 2>&1; then
        ok
    else
        fail "$name: miltertest failed:"
        sed 's/^/    /' "$tmp/mt.out"
        echo "    --- milter log:"
        sed 's/^/    /' "$log"
    fi

    sed -n 's/^-- same-as-t: //p' "$script" >"$tmp/same"
    while read -r file qid; do
        same_as_t "$file" "$qid" "$log" "$name"
    done <"$tmp/same"

    kill -USR1 "$pid"
    if wait_for "grep -Eq 'stats when=signal|\"stats\",\"when\":\"signal' '$log'"; then ok; else
        fail "$name: no statistics line after SIGUSR1"
    fi
    # libmilter takes a few seconds to stop: reap them all at the end
    kill -TERM "$pid"
    stopping="$stopping $name:$pid"
    pid=
    echo "$name: done"
done

for entry in $stopping; do
    name=${entry%%:*}
    p=${entry#*:}
    sock="$tmp/$name.sock"
    log="$tmp/$name.log"
    wait "$p"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name: milter exit status $status after SIGTERM, want 0"
    elif ! grep -Eq 'stats when=exit|"stats","when":"exit' "$log" ||
        ! grep -q 'stopping tlsrpt-milter' "$log"; then
        fail "$name: no statistics or stopping line at exit"
        cat "$log"
    elif [ -e "$sock" ]; then
        fail "$name: socket $sock left behind"
    else
        ok
    fi
done
finish
