#!/bin/sh
# acceptance.sh - ./demo.sh changes nothing it does not own, on Debian 12
#
# usage: tests/demo/acceptance.sh [bare] [exim4] [syslog-ng]   (default: all three)
#
# For each variant a Debian 12 minbase root (mmdebstrap, with systemd so
# that it boots; exim4: exim4-daemon-light as its MTA; syslog-ng:
# syslog-ng-core as its syslog daemon), cached as a tar in
# $TLSRPT_SYSTEM_CACHE (default /var/cache/tlsrpt-milter-tests), is booted
# with systemd-nspawn (the host's network: the demo installs packages from
# the root's own apt sources), a clean copy of the source (make distdir)
# is put in /root/src, and ./demo.sh runs there as root.  Then:
#   - dpkg -l before and after: every package there before is still there,
#     same version, installed; the rest are added (their number is shown);
#   - the units enabled, and the services running, are the same before and
#     after (systemctl list-unit-files --state=enabled, list-units);
#   - the demo's own output: each sample report has its action line, the
#     ordinary message was accepted without a look, it ends with "== done";
#   - exim4 stays the MTA (/usr/sbin/sendmail is exim's), syslog-ng stays
#     the syslog daemon.
# Prints, per variant, the packages before and added and the demo's time.
# Root only; run from a build directory (top_builddir, as make check sets
# it) or the top of a configured tree.  Not part of make check: it
# downloads a few hundred MB the first time and takes minutes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
. "$top_srcdir/tests/lib.sh"

CACHE=${TLSRPT_SYSTEM_CACHE:-/var/cache/tlsrpt-milter-tests}
SUITE=bookworm
BASE="systemd systemd-sysv dbus"
[ "$(id -u)" -eq 0 ] || skip "needs root to build a root file system and boot it"
for t in mmdebstrap systemd-nspawn nsenter; do
    command -v $t >/dev/null || skip "$t not installed (tests/install-deps.sh)"
done
variants=${*:-bare exim4 syslog-ng}
tmp=$(mktemp -d /var/tmp/tlsrpt-demo-acceptance.XXXXXX) || exit 1
nspawn_pid=
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null
        i=0
        while kill -0 "$nspawn_pid" 2>/dev/null && [ $i -lt 300 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    nspawn_pid=
}
trap 'cleanup; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
src=$tmp/tlsrpt-milter-$version
make -s -C "$top_builddir" distdir distdir="$src" >"$tmp/distdir.log" 2>&1 ||
    { cat "$tmp/distdir.log"; fail "make distdir"; finish; exit 1; }

# ct - run a command in the container
ct() {
    timeout 1800 nsenter -t "$ct_pid" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 HOME=/root "$@"
}
container_init() {
    for _p in $(ps -o pid= --ppid "$nspawn_pid"); do
        [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = systemd ] && { echo "$_p"; return 0; }
    done
    return 1
}
# snapshot NAME - packages, enabled units, running services
snapshot() {
    ct dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' | sort >"$tmp/$1.pkgs"
    ct systemctl list-unit-files --state=enabled --no-legend --no-pager |
        awk '{print $1}' | sort >"$tmp/$1.enabled"
    ct systemctl list-units --state=running --no-legend --no-pager |
        awk '{print $1}' | sort >"$tmp/$1.running"
}

for v in $variants; do
    case $v in
    bare) extra= ;;
    exim4) extra=exim4-daemon-light ;;
    syslog-ng) extra=syslog-ng-core ;;
    *) fail "unknown variant $v (bare, exim4, syslog-ng)"; continue ;;
    esac
    image=$CACHE/demo-$SUITE-$v.tar
    if [ ! -s "$image" ]; then
        mkdir -p "$CACHE"
        start=$(date +%s)
        inc=$(echo $BASE $extra | tr ' ' ',')
        nice mmdebstrap --variant=minbase --include="$inc" --format=tar "$SUITE" "$image.new" \
            >"$tmp/mmdebstrap.log" 2>&1 ||
            { tail -20 "$tmp/mmdebstrap.log"; rm -f "$image.new"; fail "$v: mmdebstrap"; continue; }
        mv "$image.new" "$image"
        echo "note: $v: mmdebstrap $(($(date +%s) - start)) s, cached as $image"
    fi
    root=$tmp/root-$v
    mkdir "$root" && tar -C "$root" -xf "$image" || { fail "$v: unpacking $image"; continue; }
    echo demo >"$root/etc/hostname"
    cp -a "$src" "$root/root/src"
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=0 systemd-nspawn -q -D "$root" -M "tlsrpt-demo-$v" \
        --register=no --keep-unit -b --console=passive --resolv-conf=copy-host \
        >"$tmp/nspawn-$v.log" 2>&1 &
    nspawn_pid=$!
    wait_for "container_init >/dev/null" || { cat "$tmp/nspawn-$v.log"; fail "$v: no container"; cleanup; continue; }
    ct_pid=$(container_init)
    # until systemd answers on its bus, then until start-up has finished
    i=0
    while :; do
        state=$(ct timeout 60 systemctl is-system-running --wait 2>&1)
        case $state in *"connect to bus"*) ;; *) break ;; esac
        [ $i -lt 120 ] || break
        sleep 0.5
        i=$((i + 1))
    done
    snapshot before
    start=$(date +%s)
    ct sh -c 'cd /root/src && ./demo.sh' >"$tmp/demo-$v.out" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    snapshot after
    # every package of before is in after, as it was
    gone=$(comm -23 "$tmp/before.pkgs" "$tmp/after.pkgs")
    added=$(($(wc -l <"$tmp/after.pkgs") - $(wc -l <"$tmp/before.pkgs")))
    [ -z "$gone" ] && ok "$v: dpkg -l: $(wc -l <"$tmp/before.pkgs") packages kept as they were, $added added" ||
        { fail "$v: packages removed or changed:"; echo "$gone"; }
    cmp -s "$tmp/before.enabled" "$tmp/after.enabled" && ok "$v: enabled units unchanged" ||
        { fail "$v: enabled units changed:"; diff "$tmp/before.enabled" "$tmp/after.enabled"; }
    cmp -s "$tmp/before.running" "$tmp/after.running" && ok "$v: running units unchanged" ||
        { fail "$v: running units changed:"; diff "$tmp/before.running" "$tmp/after.running"; }
    n=$(grep -c ': action action=deliver ' "$tmp/demo-$v.out")
    if [ $rc -eq 0 ] && [ "$n" -ge 5 ] && grep -q '^== done' "$tmp/demo-$v.out" &&
        grep -q 'the milter accepted it at DATA without looking' "$tmp/demo-$v.out"; then
        ok "$v: ./demo.sh in $secs s: $n reports delivered and logged, the ordinary message untouched"
    else
        fail "$v: ./demo.sh exit $rc, $n action lines:"
        tail -30 "$tmp/demo-$v.out"
    fi
    case $v in
    exim4) ct sh -c 'readlink -f /usr/sbin/sendmail' | grep -q exim && ok "exim4: still the MTA" ||
        fail "exim4: /usr/sbin/sendmail is $(ct readlink -f /usr/sbin/sendmail)" ;;
    syslog-ng) ct dpkg-query -W -f='${Status}' syslog-ng-core | grep -q 'ok installed' &&
        ! ct dpkg-query -W -f='${Status}' rsyslog 2>/dev/null | grep -q 'ok installed' &&
        ok "syslog-ng: still the syslog daemon, no rsyslog" || fail "syslog-ng: replaced" ;;
    esac
    echo "note: $v: $(wc -l <"$tmp/before.pkgs") packages before, $added added, demo $secs s"
    cleanup
    rm -rf "$root"
done
finish
