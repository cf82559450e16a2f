#!/bin/sh
# with-syslog.sh - a real syslog daemon owns /dev/log, then a command runs
#
# usage: with-syslog.sh WORKDIR CMD [ARG...]
#
# Runs as the command of tests/e2e/ns-run.sh, i.e. inside its private
# mount namespace with a private /dev.  Starts WORKDIR/daemon.sh, written
# by the test, which must exec the syslog daemon in the foreground
# (rsyslogd -n, syslog-ng -F), waits until the daemon has bound its own
# socket at /dev/log in place of ns-run.sh's listener (the inode changes),
# then runs CMD (the milter, logger).  SIGTERM, SIGINT and SIGHUP go to
# CMD; once CMD has ended the daemon gets SIGTERM (it writes out what it
# holds and stops its alert program) and is waited for.  Exits with CMD's
# status, or 1 when the daemon did not come up within 20 s (its output is
# in WORKDIR/daemon.err).
set -u
work=$1
shift

inode() {
    stat -L -c %i /dev/log 2>/dev/null
}

old=$(inode)
sh "$work/daemon.sh" >"$work/daemon.err" 2>&1 &
daemon=$!
echo "$daemon" >"$work/daemon.pid"
i=0
while :; do
    if ! kill -0 "$daemon" 2>/dev/null; then
        echo "with-syslog.sh: the syslog daemon exited:" >&2
        cat "$work/daemon.err" >&2
        exit 1
    fi
    now=$(inode)
    [ -S /dev/log ] && [ -n "$now" ] && [ "$now" != "$old" ] && break
    i=$((i + 1))
    if [ $i -ge 400 ]; then
        echo "with-syslog.sh: the syslog daemon did not bind /dev/log in 20 s:" >&2
        cat "$work/daemon.err" >&2
        kill -TERM "$daemon" 2>/dev/null
        exit 1
    fi
    sleep 0.05
done

. "$(cd "$(dirname "$0")/../e2e" && pwd)/child.sh"
run_child "$work/cmd.pid" "$@"
kill -TERM "$daemon" 2>/dev/null
i=0
while kill -0 "$daemon" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -KILL "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
exit "$CHILD_RC"
