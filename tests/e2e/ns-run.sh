#!/bin/sh
# ns-run.sh - run a command with a private /dev/log captured to a file
#
# usage: unshare -m --propagation private sh ns-run.sh WORKDIR CAPTURE CMD [ARG...]
#
# Meant to run as the first process of a new mount namespace (unshare -m):
# it puts a writable copy of /dev over /dev (an overlay with the real /dev
# as lower layer, or failing that a tmpfs with the usual device nodes bound
# in), binds syslogd.py at /dev/log writing to CAPTURE, then runs CMD in
# the background and writes its process ID to WORKDIR/child.pid.  SIGTERM,
# SIGINT and SIGHUP are passed on to CMD.  When CMD ends the listener is
# stopped and ns-run.sh exits with CMD's status; the namespace, and with it
# every mount made here, disappears with its last process.  Nothing is
# mounted or created in the host's /dev.
#
# NS_ETC_HOSTS and NS_RESOLV_CONF, when set, name files bound over
# /etc/hosts and /etc/resolv.conf inside the namespace (Sendmail wants a
# fully qualified host name, and no test may send DNS queries away).
set -u

work=$1
capture=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
[ -x /usr/bin/python3 ] && python=${PYTHON:-/usr/bin/python3}

die() {
    echo "ns-run.sh: $*" >&2
    exit 1
}

mkdir -p "$work/dev-upper" "$work/dev-work" "$work/dev-stage" || die "cannot create $work"

# Make sure nothing propagates back to the host, whatever unshare's default.
mount --make-rprivate / 2>/dev/null

# (E2E_NO_OVERLAY=1 forces the fallback, to test it.)
if [ -n "${E2E_NO_OVERLAY:-}" ] || ! mount -t overlay tlsrpt-e2e-dev \
    -o "lowerdir=/dev,upperdir=$work/dev-upper,workdir=$work/dev-work" /dev \
    2>"$work/overlay.err"; then
    # Fallback: a tmpfs holding bind mounts of the device nodes programs use.
    mount -t tmpfs -o mode=0755,size=1m tlsrpt-e2e-dev "$work/dev-stage" ||
        die "cannot mount a tmpfs for /dev"
    for n in null zero full random urandom tty; do
        [ -e "/dev/$n" ] || continue
        : >"$work/dev-stage/$n"
        mount --bind "/dev/$n" "$work/dev-stage/$n" || die "cannot bind /dev/$n"
    done
    ln -s /proc/self/fd "$work/dev-stage/fd"
    ln -s /proc/self/fd/0 "$work/dev-stage/stdin"
    ln -s /proc/self/fd/1 "$work/dev-stage/stdout"
    ln -s /proc/self/fd/2 "$work/dev-stage/stderr"
    mkdir "$work/dev-stage/shm" && chmod 1777 "$work/dev-stage/shm"
    mount --rbind "$work/dev-stage" /dev || die "cannot bind the new /dev"
fi

if [ -n "${NS_ETC_HOSTS:-}" ]; then
    mount --bind "$NS_ETC_HOSTS" /etc/hosts || die "cannot bind $NS_ETC_HOSTS"
fi
if [ -n "${NS_RESOLV_CONF:-}" ]; then
    mount --bind "$NS_RESOLV_CONF" /etc/resolv.conf || die "cannot bind $NS_RESOLV_CONF"
fi

rm -f "$work/syslogd.ready"
"$python" "$here/syslogd.py" /dev/log "$capture" "$work/syslogd.ready" \
    >"$work/syslogd.err" 2>&1 &
listener=$!
i=0
while [ ! -e "$work/syslogd.ready" ]; do
    kill -0 "$listener" 2>/dev/null || die "syslog listener failed: $(cat "$work/syslogd.err")"
    i=$((i + 1))
    [ $i -lt 200 ] || die "syslog listener did not start"
    sleep 0.05
done

. "$here/child.sh"
run_child "$work/child.pid" "$@"
kill -TERM "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
exit "$CHILD_RC"
