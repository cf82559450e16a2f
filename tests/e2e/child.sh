# tests/e2e/child.sh - run a command in the background, signals passed on (sourced)
#
# run_child PIDFILE CMD [ARG...]: starts CMD, writes its process ID to
# PIDFILE, passes SIGTERM, SIGINT and SIGHUP on to it and waits until it
# has really ended (a trapped signal interrupts wait); CMD's exit status
# is left in CHILD_RC.  Used by ns-run.sh and tests/alert/with-syslog.sh.
run_child() {
    _child_pidfile=$1
    shift
    "$@" &
    _child=$!
    echo "$_child" >"$_child_pidfile"
    trap 'kill -TERM "$_child" 2>/dev/null' TERM INT HUP
    while :; do
        wait "$_child"
        CHILD_RC=$?
        kill -0 "$_child" 2>/dev/null || break
    done
    trap - TERM INT HUP
}
