#!/bin/sh
# package.sh - build, lint, install, exercise and purge the Debian package
#
# 1. a clean copy of the distribution files (make distdir into a temporary
#    directory: never the source tree) is built with
#    `dpkg-buildpackage -us -uc -b` (DEB_BUILD_OPTIONS=nocheck: the package
#    build would only rerun golden.sh and samples.sh, which this make check
#    runs anyway);
# 2. lintian: no E: line;
# 3. `apt-get install ./tlsrpt-milter_*.deb`, then: the files are where they
#    belong, the conffile equals `tlsrpt-milter -C`, `-n` refuses the shipped
#    configuration (no ReportAddress) and accepts it once set, `-t` on a
#    bundled sample gives the golden output, the man pages are found, the
#    user and group exist and the user is in group postfix, the unit passes
#    systemd-analyze verify and is not enabled, and the socket permissions
#    the unit sets up (a set-group-ID runtime directory given the group
#    postfix by the milter's user) let a process with only the group postfix
#    (as Postfix's smtpd runs) connect, and another user not;
# 4. `apt-get purge`: binary, conffile, unit, user, group and
#    /var/lib/tlsrpt-milter are gone.  The purge also runs from the exit
#    trap, so the machine is left as it was.
#
# Runs as root only, never when a tlsrpt-milter package is already
# installed (it would be purged), and one at a time (flock).  Exits 77
# under distcheck: one package build per ./check.sh is enough.
. "$(dirname "$0")/../lib.sh"

PKG=tlsrpt-milter
LOCK=/run/lock/tlsrpt-milter-pkg-test.lock

# automake's distcheck builds in $(distdir)/_build/sub with srcdir ../..
if [ "${top_builddir%/_build/sub}" != "$top_builddir" ] &&
    [ "$(cd "$top_srcdir" && pwd -P)" = "$(cd "$top_builddir/../.." && pwd -P)" ]; then
    skip "under make distcheck: the package is built and tested once, by the main build"
fi
[ "$(id -u)" -eq 0 ] || skip "needs root to install and purge a package"
for t in dpkg-buildpackage dh lintian apt-get flock setpriv; do
    command -v $t >/dev/null || skip "$t not installed (tests/install-deps.sh)"
done
# the system's Python: other users (postfix, nobody) must be able to run it
PY=/usr/bin/python3
[ -x $PY ] || skip "$PY not installed"
getent group postfix >/dev/null || skip "no group postfix (install postfix: tests/install-deps.sh)"

exec 9>"$LOCK" || skip "cannot open $LOCK"
flock -w 900 9 || skip "another package test held $LOCK for 15 minutes"

if dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q 'installed'; then
    skip "a $PKG package is installed on this machine; not replacing or purging it"
fi
getent passwd $PKG >/dev/null && skip "a user $PKG exists without the package; not touching it"

tmp=$(mktemp -d /var/tmp/tlsrpt-pkg.XXXXXX) || exit 1
milter_pid=

# cleanup - stop the test milter, purge the package, remove the files
cleanup() {
    [ -n "$milter_pid" ] && kill "$milter_pid" 2>/dev/null
    if dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q 'installed\|config-files'; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $PKG >/dev/null 2>&1 ||
            dpkg -P $PKG >/dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

version=$("$TLSRPT_MILTER" -V | sed 's/^tlsrpt-milter //')

# 1. build from a clean copy of the distribution files
src="$tmp/src/$PKG-$version"
mkdir -p "$tmp/src"
if ! make -s -C "$top_builddir" distdir distdir="$src" >"$tmp/distdir.log" 2>&1; then
    cat "$tmp/distdir.log"
    fail "make distdir"
    finish
    exit 1
fi
changelog_version=$(cd "$src" && dpkg-parsechangelog -S Version)
[ "$changelog_version" = "$version" ] && ok "debian/changelog version $version" ||
    fail "debian/changelog has $changelog_version, configure.ac $version"
start=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS=nocheck nice dpkg-buildpackage -us -uc -b) \
    >"$tmp/build.log" 2>&1; then
    tail -40 "$tmp/build.log"
    fail "dpkg-buildpackage"
    finish
    exit 1
fi
deb=$(ls "$tmp"/src/${PKG}_"$version"_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || { fail "no .deb in $tmp/src"; finish; exit 1; }
ok "dpkg-buildpackage: $(basename "$deb"), $(stat -c %s "$deb") bytes, $(($(date +%s) - start)) s"
[ -d "$top_srcdir/debian/$PKG" ] && fail "the build wrote into the source tree"

# 2. lintian
changes=$(ls "$tmp"/src/${PKG}_"$version"_*.changes | head -1)
start=$(date +%s)
lintian --tag-display-limit 0 "$changes" >"$tmp/lintian.log" 2>&1
if grep -q '^E:' "$tmp/lintian.log"; then
    fail "lintian errors:"
    grep '^E:' "$tmp/lintian.log"
else
    ok "lintian: no error ($(grep -c '^W:' "$tmp/lintian.log") warnings), $(($(date +%s) - start)) s"
fi
sed 's/^/  lintian: /' "$tmp/lintian.log"

# 3. install and check
start=$(date +%s)
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" \
    >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    fail "apt-get install $deb"
    finish
    exit 1
fi
ok "installed, $(($(date +%s) - start)) s"
for f in /usr/sbin/tlsrpt-milter /etc/tlsrpt-milter.conf /lib/systemd/system/$PKG.service \
    /usr/share/man/man8/tlsrpt-milter.8.gz /usr/share/man/man5/tlsrpt-milter.conf.5.gz \
    /usr/share/doc/$PKG/copyright /usr/share/doc/$PKG/log-format.md.gz \
    /usr/share/doc/$PKG/install.md.gz /usr/share/doc/$PKG/examples/postfix-main.cf.snippet; do
    [ -e "$f" ] && ok || fail "$f not installed"
done
dpkg-query -W -f='${Conffiles}\n' $PKG | grep -q '^ /etc/tlsrpt-milter.conf ' &&
    ok "/etc/tlsrpt-milter.conf is a conffile" || fail "/etc/tlsrpt-milter.conf is not a conffile"
/usr/sbin/tlsrpt-milter -C | cmp -s - /etc/tlsrpt-milter.conf &&
    ok "/etc/tlsrpt-milter.conf equals tlsrpt-milter -C" ||
    fail "/etc/tlsrpt-milter.conf differs from tlsrpt-milter -C"
if command -v man >/dev/null; then
    for page in tlsrpt-milter tlsrpt-milter.conf; do
        man -w $page >/dev/null 2>&1 && ok "man -w $page" || fail "man -w $page finds nothing"
    done
else
    echo "note: no man(1) (man-db), only the files in /usr/share/man were checked"
fi

# -n: the shipped configuration has no ReportAddress, so the milter
# refuses it (exit 78, EX_CONFIG) and says why; with one it is accepted
/usr/sbin/tlsrpt-milter -n -c /etc/tlsrpt-milter.conf >"$tmp/n.out" 2>&1
rc=$?
[ $rc -eq 78 ] && grep -qi reportaddress "$tmp/n.out" &&
    ok "-n refuses the shipped configuration: $(head -1 "$tmp/n.out")" ||
    { fail "-n on the shipped configuration: exit $rc, want 78 naming ReportAddress"; cat "$tmp/n.out"; }
echo "ReportAddress tlsrpt@example.com" >>/etc/tlsrpt-milter.conf
/usr/sbin/tlsrpt-milter -n -c /etc/tlsrpt-milter.conf >"$tmp/n.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^ReportAddress tlsrpt@example.com' "$tmp/n.out" &&
    grep -q '^Socket unix:/run/tlsrpt-milter/tlsrpt-milter.sock' "$tmp/n.out" &&
    ok "-n accepts it with ReportAddress set; Socket is in the RuntimeDirectory" ||
    { fail "-n with ReportAddress set: exit $rc"; cat "$tmp/n.out"; }

# -t on a bundled sample, against its golden output
sample=stalwart-mail-auth--rpt01.eml
(cd "$DATA/real" && /usr/sbin/tlsrpt-milter -t $sample; echo "# exit $?") >"$tmp/t.out" 2>&1
if cmp -s "$tmp/t.out" "$GOLDEN/real/$sample.out"; then
    ok "-t $sample: $(grep -c ' failure ' "$tmp/t.out") failure lines, as golden"
else
    fail "-t $sample differs from golden:"
    diff -u "$GOLDEN/real/$sample.out" "$tmp/t.out" | head -20
fi

# user and group
if getent passwd $PKG >/dev/null; then
    ok "user $PKG: $(getent passwd $PKG)"
    id -nG $PKG | tr ' ' '\n' | grep -qx postfix && ok "$PKG is in group postfix" ||
        fail "$PKG is not in group postfix: $(id -nG $PKG)"
    [ "$(id -gn $PKG)" = $PKG ] || fail "primary group of $PKG is $(id -gn $PKG)"
else
    fail "no user $PKG"
fi

# the unit: valid for this systemd, installed but not enabled
if SYSTEMD_COLORS=0 systemd-analyze verify /lib/systemd/system/$PKG.service >"$tmp/verify" 2>&1 &&
    [ ! -s "$tmp/verify" ]; then
    ok "systemd-analyze verify /lib/systemd/system/$PKG.service"
else
    fail "systemd-analyze verify:"
    cat "$tmp/verify"
fi
ls /etc/systemd/system/*/$PKG.service >/dev/null 2>&1 &&
    fail "the unit is enabled before ReportAddress is set"

# the socket set-up of the unit, without systemd: the RuntimeDirectory as
# systemd creates it (User:Group, RuntimeDirectoryMode), ExecStartPre's
# chgrp run as the milter's user with its groups, the milter with UMask 007
run="$tmp/run/$PKG"
mkdir -p "$run" && chmod 755 "$tmp" "$tmp/run"
chown $PKG:$PKG "$run" && chmod 2750 "$run"
as_milter="setpriv --reuid=$PKG --regid=$PKG --init-groups"
$as_milter chgrp postfix "$run" || fail "the user $PKG cannot chgrp postfix its directory"
[ "$(stat -c %G:%a "$run")" = postfix:2750 ] && ok "runtime directory postfix:2750" ||
    fail "runtime directory is $(stat -c %G:%a "$run"), want postfix:2750"
$as_milter /usr/sbin/tlsrpt-milter -f -c /etc/tlsrpt-milter.conf -p "unix:$run/s.sock" \
    >"$tmp/milter.log" 2>&1 &
milter_pid=$!
if wait_for "[ -S '$run/s.sock' ]"; then
    [ "$(stat -c %U:%G:%a "$run/s.sock")" = "$PKG:postfix:660" ] &&
        ok "socket $PKG:postfix:660" || fail "socket is $(stat -c %U:%G:%a "$run/s.sock")"
    connect="import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])"
    # Postfix's set_ugid() leaves smtpd with its primary group only
    setpriv --reuid=postfix --regid=postfix --clear-groups $PY -c "$connect" "$run/s.sock" \
        2>"$tmp/connect.err" && ok "postfix (group postfix only) connects" ||
        fail "postfix cannot connect: $(tail -1 "$tmp/connect.err")"
    if setpriv --reuid=nobody --regid=nogroup --clear-groups $PY -c "$connect" "$run/s.sock" \
        2>"$tmp/connect.err"; then
        fail "nobody can connect to the socket"
    elif grep -q PermissionError "$tmp/connect.err"; then
        ok "nobody cannot connect: permission denied"
    else
        fail "nobody's connect failed for another reason: $(tail -1 "$tmp/connect.err")"
    fi
else
    fail "the milter made no socket:"
    cat "$tmp/milter.log"
fi
kill "$milter_pid" 2>/dev/null
wait "$milter_pid" 2>/dev/null
milter_pid=

# 4. purge: state the service would have written, then nothing left
mkdir -p /var/lib/$PKG && touch /var/lib/$PKG/state && chown -R $PKG:$PKG /var/lib/$PKG
start=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $PKG >"$tmp/purge.log" 2>&1; then
    ok "purged, $(($(date +%s) - start)) s"
else
    cat "$tmp/purge.log"
    fail "apt-get purge $PKG"
fi
for f in /usr/sbin/tlsrpt-milter /etc/tlsrpt-milter.conf /lib/systemd/system/$PKG.service \
    /var/lib/$PKG /usr/share/doc/$PKG; do
    [ -e "$f" ] && fail "$f left after purge" || ok
done
getent passwd $PKG >/dev/null && fail "user $PKG left after purge"
getent group $PKG >/dev/null && fail "group $PKG left after purge"
grep -q "$PKG" /etc/group && fail "$PKG left in /etc/group: $(grep "$PKG" /etc/group)"
dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q 'installed\|config-files' &&
    fail "dpkg still knows $PKG: $(dpkg-query -W -f='${Status}' $PKG)"
ok "nothing left after purge"
finish
