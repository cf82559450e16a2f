#!/bin/sh
# system.sh - the operator's story on Debian 12 booted with systemd
#
# Builds the Debian package from a clean copy of the distribution files
# (make distdir, dpkg-buildpackage, lintian), boots a minimal Debian 12
# (mmdebstrap bookworm, cached as a tar) with systemd in systemd-nspawn
# (private network: only loopback), and does inside it, with the
# distribution's own Postfix (smtpd chrooted, as Debian installs it) and
# rsyslog, what README.md and doc/install.md tell an operator:
#
#   apt-get install ./tlsrpt-milter_VERSION_ARCH.deb
#   echo 'ReportAddress tlsrpt@example.com' >> /etc/tlsrpt-milter.conf
#   systemctl enable --now tlsrpt-milter
#   postconf -e '<the smtpd_milters line of README.md>'; postfix reload
#
# (postinst says so; no unit started or enabled by the package), and the
# alert recipe as doc/alerting.md installs it (its commands are
# taken from that file).  Then, over SMTP on port 25 (swaks): a failure
# report gives its lines in /var/log/mail.log (rsyslog) and in
# journalctl -t tlsrpt-milter at the documented priorities, and the alert
# program mails root's mailbox once for the problem event that
# tlsrpt-lookout-alert.service (its timer enabled as doc/alerting.md says, run
# once) derives from it; "systemctl kill -s USR1" logs the
# stats line; "tlsrpt-milter -n" says ok (exit 0), and exit 1 naming the
# missing smtpd_milters line before it is added; the alert timer fires its
# service by itself; the digest unit on a fresh install (no mail.log.1)
# fails with the reason in systemctl status without /etc/default file,
# with an empty one and with a bad MAILTO, and mails root with MAILTO=root
# (/var/mail/root), the lookout units' live exposure 2.0 or lower; a typo
# in the configuration makes "systemctl restart" fail and leaves the unit
# failed (no restart loop), with the message in mail.log; "systemctl
# reload" under report load misses no report, a reload with a typo keeps
# the running configuration; Action hold and a
# StateFile after a restart: the message is in the hold queue
# (postqueue -j); smtpd not chrooted works with the same line; the live
# "systemd-analyze security" exposure is 2.0 or lower; an upgrade to a
# rebuilt package (dpkg-buildpackage again, as VERSION+systest1) keeps the
# edited conffile and the StateFile and restarts the service; purge
# removes the program, conffile, unit, state, socket directory, user and
# group, and Postfix still delivers (default_action=accept).  Local
# forgery (origin_* below): before the failure report, an unprivileged
# user (nobody) logs with logger under the milter's tag an "all well"
# report with the real one's id and problem events for it and for another
# domain; the alert service (reading the journal, as packaged) still
# announces the real problem, once, the recipe's file of verified origin and
# the alert mails hold nothing of nobody's, and the digest of the journal
# (tlsrpt-lookout --journal, as the packaged digest unit reads it) shows the
# real report's failures.
#
# Root only; one at a time (flock); exits 77 under distcheck (the package
# is built and tested once per ./check.sh) and when a tool is missing
# (tests/install-deps.sh installs them all).  The Debian 12 root comes
# from the package registry the first time (mmdebstrap, 1-2 minutes) and
# is kept as a tar in $TLSRPT_SYSTEM_CACHE (default
# /var/cache/tlsrpt-milter-tests); later runs unpack it in a second.
set -u
. "$(dirname "$0")/../lib.sh"

PKG=tlsrpt-milter
LOCK=/run/lock/tlsrpt-milter-system-test.lock
CACHE=${TLSRPT_SYSTEM_CACHE:-/var/cache/tlsrpt-milter-tests}
SUITE=bookworm
# what the image needs beyond the package's own dependencies
IMAGE_PKGS="systemd systemd-sysv dbus postfix rsyslog swaks"

# automake's distcheck builds in $(distdir)/_build/sub with srcdir ../..
if [ "${top_builddir%/_build/sub}" != "$top_builddir" ] &&
    [ "$(cd "$top_srcdir" && pwd -P)" = "$(cd "$top_builddir/../.." && pwd -P)" ]; then
    skip "under make distcheck: the package is built and tested once, by the main build"
fi
[ "$(id -u)" -eq 0 ] || skip "needs root to build a root file system and boot it"
for t in dpkg-buildpackage dh lintian mmdebstrap systemd-nspawn nsenter flock; do
    command -v $t >/dev/null || skip "$t not installed (tests/install-deps.sh)"
done

exec 9>"$LOCK" || skip "cannot open $LOCK"
flock -w 900 9 || skip "another system test held $LOCK for 15 minutes"

tmp=$(mktemp -d /var/tmp/tlsrpt-system.XXXXXX) || exit 1
nspawn_pid=
test_start=$(date +%s)

# cleanup - power the container off (SIGTERM: nspawn halts its systemd),
# then remove everything
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
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# abort - a step the rest depends on failed: say so and stop
abort() {
    fail "$*"
    finish
    exit 1
}

version=$("$TLSRPT_MILTER" -V | sed 's/^tlsrpt-milter //')

# 1. the package, from a clean copy of the distribution files
src="$tmp/src/$PKG-$version"
mkdir -p "$tmp/src"
make -s -C "$top_builddir" distdir distdir="$src" >"$tmp/distdir.log" 2>&1 ||
    { cat "$tmp/distdir.log"; abort "make distdir"; }
changelog_version=$(cd "$src" && dpkg-parsechangelog -S Version)
[ "$changelog_version" = "$version" ] && ok "debian/changelog version $version" ||
    fail "debian/changelog has $changelog_version, configure.ac $version"
start=$(date +%s)
(cd "$src" && DEB_BUILD_OPTIONS=nocheck nice dpkg-buildpackage -us -uc -b) \
    >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; abort "dpkg-buildpackage"; }
deb=$(ls "$tmp"/src/${PKG}_"$version"_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || abort "no .deb in $tmp/src"
ok "dpkg-buildpackage: $(basename "$deb"), $(stat -c %s "$deb") bytes, $(($(date +%s) - start)) s"
[ -d "$top_srcdir/debian/$PKG" ] && fail "the build wrote into the source tree"

start=$(date +%s)
lintian --tag-display-limit 0 "$tmp"/src/${PKG}_"$version"_*.changes >"$tmp/lintian.log" 2>&1
if grep -q '^[EW]:' "$tmp/lintian.log"; then
    fail "lintian errors or warnings (doc/install.md says there are none):"
    grep '^[EW]:' "$tmp/lintian.log"
else
    ok "lintian: no error ($(grep -c '^W:' "$tmp/lintian.log") warnings), $(($(date +%s) - start)) s"
fi
sed 's/^/  lintian: /' "$tmp/lintian.log"

# the upgrade: the package rebuilt (dpkg-buildpackage -nc: the compiled
# tree is reused) with a changelog entry of a higher version
up_version="$version+systest1"
{
    printf '%s (%s) %s; urgency=medium\n\n' $PKG "$up_version" \
        "$(cd "$src" && dpkg-parsechangelog -S Distribution)"
    printf '  * Rebuilt by tests/system/system.sh to test the upgrade.\n\n'
    printf ' -- %s  %s\n\n' "$(cd "$src" && dpkg-parsechangelog -S Maintainer)" "$(date -R)"
    cat "$src/debian/changelog"
} >"$tmp/changelog" && mv "$tmp/changelog" "$src/debian/changelog"
start=$(date +%s)
(cd "$src" && DEB_BUILD_OPTIONS=nocheck nice dpkg-buildpackage -us -uc -b -nc) \
    >"$tmp/rebuild.log" 2>&1 || { tail -40 "$tmp/rebuild.log"; abort "dpkg-buildpackage -nc"; }
up_deb=$(ls "$tmp"/src/${PKG}_"$up_version"_*.deb 2>/dev/null | head -1)
[ -f "$up_deb" ] || abort "no ${PKG}_${up_version} .deb"
ok "rebuilt as $up_version, $(($(date +%s) - start)) s"

# 2. the Debian 12 root: from the cache, or built once and cached
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep .)
include=$(printf '%s\n' $IMAGE_PKGS $deps | sort -u | paste -sd, -)
key=$(printf '%s %s' "$SUITE" "$include" | md5sum | cut -c1-12)
image="$CACHE/debian-$SUITE-$key.tar"
if [ ! -s "$image" ]; then
    start=$(date +%s)
    mkdir -p "$CACHE" || abort "cannot create $CACHE"
    if ! nice mmdebstrap --variant=minbase --include="$include" --format=tar \
        "$SUITE" "$image.new" >"$tmp/mmdebstrap.log" 2>&1; then
        tail -20 "$tmp/mmdebstrap.log"
        rm -f "$image.new"
        abort "mmdebstrap $SUITE"
    fi
    mv "$image.new" "$image"
    ok "mmdebstrap $SUITE ($include): $(($(date +%s) - start)) s, cached as $image"
fi
root="$tmp/root"
mkdir "$root" && tar -C "$root" -xf "$image" || abort "unpacking $image"
echo mx >"$root/etc/hostname"
mkdir "$root/root/systest"
cp "$deb" "$up_deb" "$root/root/systest/"
sample=isseis-tlsrpt-digest--tlsrpt_failure.eml
cp "$DATA/real/$sample" "$root/root/systest/failure.eml"
cp "$DATA/real/$sample" "$root/root/systest/$sample"
cp "$DATA/real/isseis-tlsrpt-digest--tlsrpt_success_google_1.eml" "$root/root/systest/ok1.eml"
cp "$DATA/real/isseis-tlsrpt-digest--tlsrpt_success_google_2.eml" "$root/root/systest/ok2.eml"
cp "$DATA/real/isseis-tlsrpt-digest--tlsrpt_success_microsoft.eml" "$root/root/systest/ok3.eml"

# 3. boot it
start=$(date +%s)
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=0 systemd-nspawn -q -D "$root" -M tlsrpt-systest \
    --register=no --keep-unit --private-network -b --console=passive \
    >"$tmp/nspawn.log" 2>&1 &
nspawn_pid=$!
# the container's PID 1 is the nspawn child that runs systemd: nspawn's
# first child sets up the namespaces and exits, and entering that one
# would reach the host's PID namespace (systemctl then says "offline")
container_init() {
    for _p in $(ps -o pid= --ppid "$nspawn_pid"); do
        [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = systemd ] && { echo "$_p"; return 0; }
    done
    return 1
}
wait_for "container_init >/dev/null" ||
    { cat "$tmp/nspawn.log"; abort "systemd-nspawn started no container running systemd"; }
ct_pid=$(container_init)

# ct - run a command in the container (all its namespaces), clean environment
ct() {
    timeout 120 nsenter -t "$ct_pid" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# until systemd answers on its bus, then until start-up has finished
i=0
while :; do
    state=$(ct timeout 60 systemctl is-system-running --wait 2>&1)
    case $state in *"connect to bus"*) ;; *) break ;; esac
    [ $i -lt 120 ] || break
    sleep 0.5
    i=$((i + 1))
done
if [ "$state" = running ]; then
    ok "Debian 12 booted with systemd: running, $(($(date +%s) - start)) s"
else
    ct systemctl --failed --no-pager
    abort "systemctl is-system-running: $state"
fi

# the site: mail for example.com is local; reports go to a user's mailbox,
# postmaster (the alert recipient) is root
ct sh -c 'useradd -m reports &&
    postconf -e "mydestination = \$myhostname, localhost, example.com" &&
    echo "tlsrpt: reports" >>/etc/aliases && newaliases' ||
    abort "setting up the test site"

# send - a message over SMTP on port 25, its queue ID: send FILE [TO]
send() {
    ct swaks --server 127.0.0.1 --port 25 --from noreply-smtp-tls-reporting@google.com \
        --to "${2:-tlsrpt@example.com}" --data "/root/systest/$1" >"$tmp/swaks.out" 2>&1
    sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Z]*\).*/\1/p' "$tmp/swaks.out"
}
# logged - wait until mail.log has an action line for QUEUEID
logged() {
    wait_for "ct grep -q 'tlsrpt-milter\[[0-9]*\]: $1: action ' /var/log/mail.log" ||
        wait_for "ct grep -q 'tlsrpt-milter\[[0-9]*\]: $1: action ' /var/log/mail.log"
}

# ---- local forgery: lines of verified origin (origin_fresh, origin_forge, origin_check) ----
# origin_fresh - failure.eml with its report's days moved to yesterday and
# today: a report older than the alert window raises no problem
origin_fresh() {
    python3 - "$DATA/real/$sample" "$root/root/systest/failure.eml" <<'PY' || abort "origin_fresh"
import base64, datetime, gzip, re, sys
src = open(sys.argv[1], "rb").read().decode()
today = datetime.datetime.now(datetime.timezone.utc).date()
y, t = str(today - datetime.timedelta(days=1)), str(today)
m = re.search(r"(Content-Transfer-Encoding: base64\n\n)([A-Za-z0-9+/=\n]+?)(\n\n--)", src)
js = gzip.decompress(base64.b64decode(m.group(2))).decode()
js = js.replace("2026-02-08", y).replace("2026-02-09", t)
b = base64.encodebytes(gzip.compress(js.encode())).decode().rstrip("\n")
open(sys.argv[2], "w").write(src[:m.start(2)] + b + src[m.end(2):])
PY
    origin_rid="$(date -u -d yesterday +%F)T00:00:00Z_example.com"
}
# origin_forge - what an unprivileged local user can log, before the real report
origin_forge() {
    d=$(date -u -d yesterday +%F)
    for l in \
        "FORGED0001: report report-id=$origin_rid organization-name=\"Google Inc.\" start-datetime=${d}T00:00:00Z end-datetime=${d}T23:59:59Z policy-domain=example.com submitter=google.com policies=1 total-successful-session-count=4525 total-failure-session-count=0 dkim=pass dkim-domain=google.com" \
        "FORGED0001: policy report-id=$origin_rid policy-type=sts policy-domain=example.com total-successful-session-count=4525 total-failure-session-count=0 sts-mode=enforce" \
        "FORGED0001: action action=deliver recipients=tlsrpt@example.com" \
        "ALERT: problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mail.example.com reporters=google.com failed-session-count=2" \
        "problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mail.example.com" \
        "ALERT: problem policy-domain=forged-by-nobody.example policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx.forged-by-nobody.example reporters=google.com failed-session-count=9"; do
        ct runuser -u nobody -- logger -p mail.warning -t tlsrpt-milter -- "$l" || fail "logger as nobody: $l"
    done
    wait_for "ct journalctl -t tlsrpt-milter -o cat | grep -q forged-by-nobody" &&
        ok "a local user (nobody) logged a forged report and problem events under the milter's tag" ||
        fail "the forged lines are not in the journal (the forgery test lost its point)"
}
# origin_check - after the alert service ran: nothing of nobody's was believed
origin_check() {
    ct grep -q "FORGED0001\|forged-by-nobody" /var/log/mail.log ||
        fail "the forged lines are not in mail.log (the forgery test lost its point)"
    if ct test -s /var/log/tlsrpt-milter/milter.log; then
        ct grep -q "FORGED0001\|forged-by-nobody\|ALERT: problem policy-domain=example.com policy-type=sts result-type=certificate-expired receiving-mx-hostname=mail.example.com reporters=google.com failed-session-count=2\$" \
            /var/log/tlsrpt-milter/milter.log &&
            fail "a line of nobody's is in the recipe's file of verified origin" ||
            ok "the recipe's file of verified origin has the milter's lines and none of nobody's"
    else
        fail "the recipe wrote no /var/log/tlsrpt-milter/milter.log"
    fi
    ct grep -q "forged-by-nobody" /var/mail/root && fail "a problem event forged by nobody was mailed"
    ct sh -c 'journalctl -q -o json SYSLOG_IDENTIFIER=tlsrpt-milter | tlsrpt-lookout --journal --json --today "$(date -u +%F)" -' \
        >"$tmp/origin.json" 2>"$tmp/origin.err"
    if grep -q '"failed-sessions":2,' "$tmp/origin.json" && ! grep -q forged-by-nobody "$tmp/origin.json" &&
        grep -q 'entries tagged tlsrpt-milter left out' "$tmp/origin.err"; then
        ok "tlsrpt-lookout --journal: the real report's 2 failures, nobody's $(grep -o '[0-9]* entries tagged' "$tmp/origin.err") left out"
    else
        fail "tlsrpt-lookout --journal believed a forged line:"
        head -c 600 "$tmp/origin.json"
        cat "$tmp/origin.err"
    fi
}
# ---- end of local forgery ----

# 4. install; the package's own checks
install_at=$(date +%s) # the operator's clock: install, configure, first report, first digest
ct apt-get install -y -q "/root/systest/$(basename "$deb")" >"$tmp/install.log" 2>&1 &&
    ok "apt-get install ./$(basename "$deb")" ||
    { cat "$tmp/install.log"; abort "apt-get install"; }
for f in /usr/sbin/tlsrpt-milter /etc/tlsrpt-milter.conf /lib/systemd/system/$PKG.service \
    /usr/share/man/man8/tlsrpt-milter.8.gz /usr/share/man/man5/tlsrpt-milter.conf.5.gz \
    /usr/share/doc/$PKG/install.md.gz /usr/share/doc/$PKG/examples/postfix-main.cf.snippet \
    /usr/share/doc/$PKG/examples/rsyslog-tlsrpt-milter.conf \
    /usr/share/doc/$PKG/examples/tlsrpt-alert.sh /lib/systemd/system/tlsrpt-lookout-alert.service \
    /lib/systemd/system/tlsrpt-lookout-alert.timer /lib/systemd/system/tlsrpt-lookout.service \
    /lib/systemd/system/tlsrpt-lookout.timer /usr/bin/tlsrpt-lookout \
    /usr/share/man/man1/tlsrpt-lookout.1.gz; do
    ct test -e "$f" || fail "$f not installed"
done
for u in tlsrpt-lookout-alert.timer tlsrpt-lookout.timer; do
    ct systemctl is-enabled $u >/dev/null 2>&1 && fail "$u is enabled before it is configured"
done
grep -q 'disabled or a static unit' "$tmp/install.log" &&
    fail "apt-get install: 'disabled or a static unit' lines: $(grep -c 'disabled or a static unit' "$tmp/install.log")"
grep -q 'nothing runs until it is configured' "$tmp/install.log" &&
    grep -q 'systemctl enable --now tlsrpt-milter' "$tmp/install.log" &&
    ok "postinst says what to do next" || { fail "postinst does not say what to do next"; cat "$tmp/install.log"; }
ct sh -c 'tlsrpt-milter -C | cmp -s - /etc/tlsrpt-milter.conf' &&
    ok "/etc/tlsrpt-milter.conf equals tlsrpt-milter -C" ||
    fail "/etc/tlsrpt-milter.conf differs from tlsrpt-milter -C"
ct sh -c "cd /root/systest && tlsrpt-milter -t $sample; echo \"# exit \$?\"" >"$tmp/t.out" 2>&1
cmp -s "$tmp/t.out" "$GOLDEN/real/$sample.out" && ok "-t $sample: as golden" ||
    { fail "-t $sample differs from golden:"; diff "$GOLDEN/real/$sample.out" "$tmp/t.out" | head; }
ct dpkg-query -W -f='${Conffiles}\n' $PKG | grep -q '^ /etc/tlsrpt-milter.conf ' ||
    fail "/etc/tlsrpt-milter.conf is not a conffile"
ct tlsrpt-milter -n >"$tmp/n.out" 2>&1
rc=$?
[ $rc -eq 78 ] && grep -qi reportaddress "$tmp/n.out" &&
    ok "-n refuses the shipped configuration: $(head -1 "$tmp/n.out")" ||
    { fail "-n on the shipped configuration: exit $rc, want 78 naming ReportAddress"; cat "$tmp/n.out"; }
ct systemctl is-enabled $PKG >/dev/null 2>&1 && fail "the unit is enabled before ReportAddress is set"
ct systemctl is-active -q $PKG && fail "the service runs before ReportAddress is set"
got=$(ct stat -c %U:%G:%a /var/spool/postfix/tlsrpt-milter)
[ "$got" = tlsrpt-milter:postfix:2750 ] && ok "socket directory $got" ||
    fail "/var/spool/postfix/tlsrpt-milter is $got, want tlsrpt-milter:postfix:2750"

# 5. the operator's steps
ct sh -c "echo 'ReportAddress tlsrpt@example.com' >>/etc/tlsrpt-milter.conf"
ct tlsrpt-milter -n >"$tmp/n.out" 2>&1
rc=$?
# the configuration is good; the MTA's side is not yet (no socket, no
# smtpd_milters): exit 1 with the problems named
[ $rc -eq 1 ] && grep -q '^ReportAddress tlsrpt@example.com' "$tmp/n.out" &&
    grep -q '^tlsrpt-milter: [0-9]* problems* found' "$tmp/n.out" &&
    ok "-n with ReportAddress set, Postfix not yet: exit 1, $(grep 'problems* found' "$tmp/n.out")" ||
    { fail "-n with ReportAddress set: exit $rc, want 1 with the problems counted"; cat "$tmp/n.out"; }
ct systemctl enable --now $PKG >"$tmp/enable.log" 2>&1 ||
    { cat "$tmp/enable.log"; fail "systemctl enable --now $PKG"; }
if wait_for "ct test -S /var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock"; then
    got=$(ct stat -c %U:%G:%a /var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock)
    [ "$got" = tlsrpt-milter:postfix:660 ] && ok "enable --now: running, socket $got" ||
        fail "socket is $got, want tlsrpt-milter:postfix:660"
else
    ct systemctl status --no-pager $PKG
    abort "no socket after systemctl enable --now"
fi
# the MTA side before main.cf names the milter
ct tlsrpt-milter -n >"$tmp/n.out" 2>&1
grep -q 'smtpd_milters' "$tmp/n.out" && ok "-n before main.cf: $(grep smtpd_milters "$tmp/n.out" | head -1)" ||
    { fail "-n does not say that smtpd_milters lacks the milter"; cat "$tmp/n.out"; }

line=$(sed -n 's/^    \(smtpd_milters = { unix:tlsrpt-milter.*\)$/\1/p' "$top_srcdir/README.md" | head -1)
[ -n "$line" ] || abort "README.md shows no smtpd_milters line with unix:tlsrpt-milter/..."
ct postconf -e "$line" && ct postfix reload >/dev/null 2>&1 && ok "main.cf: $line; postfix reload" ||
    fail "postconf -e '$line'; postfix reload"
ct tlsrpt-milter -n >"$tmp/n.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q '^tlsrpt-milter: warning' "$tmp/n.out" &&
    grep -q '^tlsrpt-milter: ok: ' "$tmp/n.out" && ! grep -q '^Background yes' "$tmp/n.out"; then
    ok "-n: configuration and MTA side in order: $(grep '^tlsrpt-milter: ok' "$tmp/n.out")"
else
    fail "-n after the README's steps: exit $rc"
    cat "$tmp/n.out"
fi

# the alert recipe, with doc/alerting.md's own commands
{
    sed -n 's/^    \(install -m 755 .*tlsrpt-alert\)$/\1/p; s/^    \(sed .*rsyslog-tlsrpt-milter.conf .*\)$/\1/p' \
        "$top_srcdir/doc/alerting.md"
    sed -n 's/^    \(sed -i .*imuxsock.*\)$/\1/p' "$top_srcdir/doc/alerting.md" | head -1
} >"$tmp/alert-steps"
[ "$(wc -l <"$tmp/alert-steps")" -eq 3 ] || abort "doc/alerting.md: no install, recipe and imuxsock lines found"
cp "$tmp/alert-steps" "$root/root/systest/alert-steps"
ct sh -e /root/systest/alert-steps && ct rsyslogd -N1 >"$tmp/rsyslog-n.log" 2>&1 &&
    ct systemctl restart rsyslog && ok "alert recipe installed as doc/alerting.md says" ||
    { cat "$tmp/rsyslog-n.log"; fail "installing the alert recipe"; }

# 6. a failure report over SMTP, smtpd chrooted (dated yesterday), after a local user's forgeries
origin_fresh
origin_forge
ct postconf -Fh smtp/inet/chroot | grep -qx y || fail "smtpd is not chrooted as Debian installs it"
qid=$(send failure.eml)
[ -n "$qid" ] || { cat "$tmp/swaks.out"; abort "the failure report was not accepted"; }
if logged "$qid"; then
    ok "the first report line in mail.log $(($(date +%s) - install_at)) s after apt-get install began (the test's own checks in between)"
    ct grep "tlsrpt-milter\[[0-9]*\]: $qid: " /var/log/mail.log >"$tmp/mail.log"
    for ev in report policy failure action; do
        grep -q ": $qid: $ev " "$tmp/mail.log" || fail "mail.log has no $ev line for $qid"
    done
    ok "chrooted smtpd: $(wc -l <"$tmp/mail.log") lines for $qid in /var/log/mail.log"
else
    ct tail -20 /var/log/mail.log
    abort "no action line for $qid in /var/log/mail.log"
fi
# priorities (doc/log-format.md): report, policy and failure with failures
# are WARNING, action is INFO, nothing is ERR
ct journalctl -t tlsrpt-milter -p warning..warning -o cat >"$tmp/j.warning"
ct journalctl -t tlsrpt-milter -p info..info -o cat >"$tmp/j.info"
ct journalctl -t tlsrpt-milter -p emerg..err -o cat >"$tmp/j.err"
for ev in report policy failure; do
    grep -q "^$qid: $ev " "$tmp/j.warning" || fail "journal: no $ev line at WARNING for $qid"
done
grep -q "^$qid: action action=deliver " "$tmp/j.info" || fail "journal: no action line at INFO"
[ -s "$tmp/j.err" ] && fail "journal: lines at ERR or above: $(cat "$tmp/j.err")"
grep -q "^starting tlsrpt-milter $version socket=unix:/var/spool/postfix/" "$tmp/j.info" ||
    fail "journal: no starting line at INFO"
ok "journalctl -t tlsrpt-milter: report, policy, failure at WARNING, action at INFO"
wait_for "ct grep -q 'status=sent' /var/log/mail.log" &&
    ct grep -q "$qid: to=<reports@.*status=sent" /var/log/mail.log &&
    ok "the report was delivered (Action deliver)" || fail "the report was not delivered"

# the stateful alert, switched on as doc/alerting.md says: the timer
# fires the service by itself (OnBootSec=2min after boot, then every 5
# minutes), which logs one problem event; the recipe mails root once for
# it, with the meaning and fix.  No /etc/default file is needed.
if ct systemctl enable --now tlsrpt-lookout-alert.timer >/dev/null 2>&1 &&
    ct systemctl is-active -q tlsrpt-lookout-alert.timer; then
    ok "tlsrpt-lookout-alert.timer enabled and active"
else
    fail "tlsrpt-lookout-alert.timer could not be enabled"
fi
i=0
while [ $i -lt 200 ] && [ "$(ct systemctl show -P ExecMainExitTimestampMonotonic tlsrpt-lookout-alert.service)" = 0 ]; do
    sleep 1
    i=$((i + 1))
done
res=$(ct systemctl show -P Result tlsrpt-lookout-alert.service)
st=$(ct systemctl show -P ExecMainStatus tlsrpt-lookout-alert.service)
[ "$(ct systemctl show -P ExecMainExitTimestampMonotonic tlsrpt-lookout-alert.service)" != 0 ] &&
    [ "$res" = success ] && [ "$st" = 0 ] &&
    ok "the timer fired tlsrpt-lookout-alert.service ($i s after enabling): ran cleanly" ||
    { fail "tlsrpt-lookout-alert.service after $i s: result $res, status $st"; ct journalctl -u tlsrpt-lookout-alert.service -o cat | tail -5; }
ct test -s /var/lib/tlsrpt-milter/alert-state || fail "no /var/lib/tlsrpt-milter/alert-state"
if wait_for "ct grep -q '^Subject: TLS-RPT problem' /var/mail/root 2>/dev/null" ||
    wait_for "ct grep -q '^Subject: TLS-RPT problem' /var/mail/root 2>/dev/null"; then
    sleep 2
    n=$(ct grep -c '^Subject: TLS-RPT' /var/mail/root)
    [ "$n" = 1 ] && ok "alert: one mail in /var/mail/root: $(ct grep '^Subject: TLS-RPT' /var/mail/root)" ||
        fail "alert: $n mails, want 1: $(ct grep '^Subject: TLS-RPT' /var/mail/root)"
    ct grep -q "tlsrpt-milter\[[0-9]*\]: ALERT: problem policy-domain=" /var/mail/root ||
        fail "the alert mail lacks the problem line"
    ct grep -q "^Fix: " /var/mail/root || fail "the alert mail lacks the fix"
    n=$(ct cat /var/log/tlsrpt-milter/alerts.log | grep -c .)
    [ "$n" = 1 ] || fail "alerts.log has $n lines, want 1"
    origin_check
else
    ct tail -20 /var/log/mail.log
    fail "no alert mail in /var/mail/root"
fi

# the daily digest, as its unit's comment says, on a fresh install (no
# mail.log.1 yet): first without /etc/default/tlsrpt-lookout, then with an
# empty one and a bad MAILTO (each a failed run that says why in the
# journal and in systemctl status), then MAILTO=root: the mail arrives in
# /var/mail/root (DIGEST_OPTS takes the year up to today, so the report
# above, of 2026-02-08, is in it)
ct test -e /var/log/mail.log.1 && fail "mail.log.1 exists: not a fresh install"
# digest_run WANT-RESULT TEXT NAME - start the service; its result and a text of systemctl status
digest_run() {
    ct systemctl start tlsrpt-lookout.service >/dev/null 2>&1
    _res=$(ct systemctl show -P Result tlsrpt-lookout.service)
    ct systemctl status --no-pager -n 20 tlsrpt-lookout.service >"$tmp/dstatus" 2>&1
    if [ "$_res" = "$1" ] && grep -qF -- "$2" "$tmp/dstatus"; then
        ok "tlsrpt-lookout.service, $3: $_res, status shows '$2'"
    else
        fail "tlsrpt-lookout.service, $3: result $_res (want $1), status:"
        cat "$tmp/dstatus"
    fi
    ct systemctl reset-failed tlsrpt-lookout.service 2>/dev/null
}
digest_run exit-code "/etc/default/tlsrpt-lookout does not exist" "no /etc/default file"
ct sh -c ': >/etc/default/tlsrpt-lookout'
digest_run exit-code "MAILTO is not set in /etc/default/tlsrpt-lookout" "empty /etc/default file"
ct sh -c 'echo "MAILTO=\"-oQ/tmp root\"" >/etc/default/tlsrpt-lookout'
digest_run exit-code "not a plain address" "bad MAILTO"
# first from the files (DIGEST_LOGS, mail.log.1 not there yet), then from
# the journal (the default)
ct sh -c 'printf "MAILTO=root\nDIGEST_LOGS=\"/var/log/mail.log.1 /var/log/mail.log\"\nDIGEST_OPTS=\"--today %s --days 366\"\n" "$(date -u +%F)" >/etc/default/tlsrpt-lookout'
ct systemctl enable --now tlsrpt-lookout.timer >/dev/null 2>&1 &&
    ct systemctl is-active -q tlsrpt-lookout.timer || fail "tlsrpt-lookout.timer could not be enabled"
for n in 1 2; do
    start=$(date +%s)
    if [ $n = 1 ]; then
        digest_run success "mail.log.1 does not exist (yet): left out" "MAILTO=root, DIGEST_LOGS"
    else
        ct sed -i '/^DIGEST_LOGS=/d' /etc/default/tlsrpt-lookout
        digest_run success "tlsrpt-lookout" "MAILTO=root, from the journal"
    fi
    if wait_for "[ \"\$(ct grep -c '^Subject: TLS-RPT digest' /var/mail/root 2>/dev/null)\" = $n ]" ||
        wait_for "[ \"\$(ct grep -c '^Subject: TLS-RPT digest' /var/mail/root 2>/dev/null)\" = $n ]"; then
        subj=$(ct grep '^Subject: TLS-RPT digest' /var/mail/root | tail -1)
        ok "digest mail $n in /var/mail/root ($(($(date +%s) - start)) s; $(($(date +%s) - install_at)) s after apt-get install began): $subj"
        case $subj in *": "[1-9]*" failed sessions") ;; *) fail "digest $n does not count the failure report logged above" ;; esac
    else
        ct journalctl -u tlsrpt-lookout.service -o cat | tail -5
        ct tail -5 /var/log/mail.log
        fail "no digest mail $n in /var/mail/root"
    fi
done
ct test -e /run/tlsrpt-lookout/digest.eml && fail "the digest mail file was left in /run"
# the live exposure of the units that parse the logged values
for u in tlsrpt-lookout tlsrpt-lookout-alert; do
    ct systemd-analyze security --no-pager $u.service >"$tmp/security.out" 2>&1
    score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' "$tmp/security.out")
    [ -n "$score" ] && awk "BEGIN { exit !($score <= 2.0) }" &&
        ok "systemd-analyze security $u (live): $score" ||
        { fail "$u: live exposure ${score:-unknown}, want <= 2.0"; tail -5 "$tmp/security.out"; }
done

# 7. statistics on SIGUSR1
ct systemctl kill -s USR1 $PKG
wait_for "ct journalctl -t tlsrpt-milter -o cat | grep -q '^stats when=signal messages=1 report-messages=1 reports=1 failures=2 '" &&
    ok "systemctl kill -s USR1: $(ct journalctl -t tlsrpt-milter -o cat | grep '^stats when=signal' | tail -1)" ||
    fail "no stats line after SIGUSR1: $(ct journalctl -t tlsrpt-milter -o cat | tail -3)"

# a typo in the configuration: restart fails, the unit ends in "failed"
# (no restart loop on exit 78), and the message is in mail.log
ct cp /etc/tlsrpt-milter.conf /root/systest/good.conf
ct sh -c 'echo "Acton hold" >>/etc/tlsrpt-milter.conf'
if ct systemctl restart $PKG >/dev/null 2>&1; then
    fail "systemctl restart with a typo returned 0"
else
    ok "systemctl restart with a typo: non-zero"
fi
sleep 7 # longer than RestartSec: a restart loop would show by now
st=$(ct systemctl is-active $PKG)
nr=$(ct systemctl show -P NRestarts $PKG)
[ "$st" = failed ] && [ "$nr" = 0 ] && ct systemctl --failed --no-legend | grep -q "$PKG" &&
    ok "the typo leaves the unit failed (no restart), in systemctl --failed" ||
    fail "after the typo: $st, NRestarts=$nr"
ct grep -q "tlsrpt-milter\[[0-9]*\]: cannot start: /etc/tlsrpt-milter.conf:[0-9]*: .*Acton" /var/log/mail.log &&
    ok "mail.log: $(ct grep 'cannot start: /etc/tlsrpt-milter.conf' /var/log/mail.log | tail -1 | sed 's/.*tlsrpt-milter\[[0-9]*\]: //')" ||
    { fail "the typo is not in mail.log"; ct tail -5 /var/log/mail.log; }
ct systemctl status --no-pager $PKG 2>&1 | grep -q "Acton" ||
    fail "systemctl status does not show the typo"
ct tlsrpt-milter -n >/dev/null 2>&1
rc=$?
[ $rc -eq 78 ] && ok "-n with the typo: exit 78" || fail "-n with the typo: exit $rc, want 78"
ct cp /root/systest/good.conf /etc/tlsrpt-milter.conf
ct systemctl reset-failed $PKG
ct systemctl start $PKG && wait_for "ct test -S /var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock" &&
    ok "fixed: the milter runs again" || abort "the milter does not start after the fix"

# systemctl reload under report load: 20 reports over SMTP while the
# configuration flips AddHeader every 0.3 s and the unit is reloaded; each
# report has its action line, the process is the same throughout; then a
# reload with a typo keeps the running configuration and says why
pid1=$(ct systemctl show -P MainPID $PKG)
r0=$(ct grep -c 'tlsrpt-milter\[[0-9]*\]: reloaded ' /var/log/mail.log)
load() {
    for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        ct swaks --server 127.0.0.1 --port 25 --from noreply-smtp-tls-reporting@google.com \
            --to tlsrpt@example.com --data /root/systest/ok1.eml 2>&1 |
            sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Z]*\).*/\1/p'
    done >"$tmp/load.qids"
}
load &
lp=$!
n=0
while kill -0 $lp 2>/dev/null; do
    n=$((n + 1))
    if [ $((n % 2)) -eq 1 ]; then
        ct sh -c 'echo "AddHeader yes" >>/etc/tlsrpt-milter.conf'
    else
        ct sed -i '/^AddHeader yes$/d' /etc/tlsrpt-milter.conf
    fi
    ct systemctl reload $PKG || fail "systemctl reload $PKG"
    sleep 0.3
done
wait $lp
ct sed -i '/^AddHeader yes$/d' /etc/tlsrpt-milter.conf
missed=0
while read -r q; do
    logged "$q" || { missed=$((missed + 1)); echo "no action line for $q"; }
done <"$tmp/load.qids"
got=$(grep -c . "$tmp/load.qids")
sleep 1
r1=$(ct grep -c 'tlsrpt-milter\[[0-9]*\]: reloaded ' /var/log/mail.log)
[ "$got" -eq 20 ] && [ "$missed" -eq 0 ] && [ "$(ct systemctl show -P MainPID $PKG)" = "$pid1" ] &&
    ok "systemctl reload under load: $got reports, $((r1 - r0)) reloads ($n asked), none missed, pid $pid1 throughout" ||
    fail "reload under load: $got of 20 accepted, $missed missed, pid $pid1 -> $(ct systemctl show -P MainPID $PKG)"
ct sh -c 'echo "Acton hold" >>/etc/tlsrpt-milter.conf'
ct systemctl reload $PKG
wait_for "ct grep -q 'tlsrpt-milter\[[0-9]*\]: reload: /etc/tlsrpt-milter.conf:[0-9]*: unknown key \"Acton\"; the running configuration stays' /var/log/mail.log" &&
    ct systemctl is-active -q $PKG &&
    ok "reload with a typo: still running, mail.log: $(ct grep 'reload: /etc/tlsrpt-milter.conf' /var/log/mail.log | tail -1 | sed 's/.*tlsrpt-milter\[[0-9]*\]: //')" ||
    fail "reload with a typo: $(ct systemctl is-active $PKG), $(ct tail -2 /var/log/mail.log)"
ct cp /root/systest/good.conf /etc/tlsrpt-milter.conf

# 8. edit the conffile: Action hold and a StateFile; restart
pid1=$(ct systemctl show -P MainPID $PKG)
ct sh -c 'printf "Action hold\nStateFile /var/lib/tlsrpt-milter/state\n" >>/etc/tlsrpt-milter.conf'
ct systemctl restart $PKG
pid2=$(ct systemctl show -P MainPID $PKG)
wait_for "ct test -S /var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock" &&
    ct systemctl is-active -q $PKG && [ "$pid2" != "$pid1" ] && [ "$pid2" != 0 ] &&
    ok "systemctl restart: pid $pid1 -> $pid2" || fail "restart: pid $pid1 -> $pid2"
got=$(ct stat -c %U:%G:%a /var/spool/postfix/tlsrpt-milter /var/spool/postfix/tlsrpt-milter/tlsrpt-milter.sock | paste -sd' ')
[ "$got" = "tlsrpt-milter:postfix:2750 tlsrpt-milter:postfix:660" ] &&
    ok "after the restart: $got" || fail "after the restart: $got"
qid=$(send ok1.eml)
if [ -n "$qid" ] && logged "$qid"; then
    ct grep -q "$qid: action action=hold " /var/log/mail.log || fail "no action=hold line for $qid"
    wait_for "ct postqueue -j | grep -q '\"queue_id\": *\"$qid\"'"
    ct postqueue -j >"$tmp/queue.json"
    grep "\"queue_id\": *\"$qid\"" "$tmp/queue.json" | grep -q '"queue_name": *"hold"' &&
        ok "Action hold: $qid is in the hold queue (postqueue -j)" ||
        { fail "$qid not in the hold queue"; cat "$tmp/queue.json"; }
else
    fail "the second report was not logged"
fi
ct test -s /var/lib/tlsrpt-milter/state && ok "StateFile written" || fail "no StateFile"

# 9. the same main.cf line with smtpd not chrooted
ct postconf -F -e smtp/inet/chroot=n && ct postfix reload >/dev/null 2>&1
qid=$(send ok2.eml)
[ -n "$qid" ] && logged "$qid" && ct grep -q "$qid: report " /var/log/mail.log &&
    ok "smtpd not chrooted: $qid logged with the same smtpd_milters line" ||
    { ct tail -5 /var/log/mail.log; fail "smtpd not chrooted: no lines"; }
ct tlsrpt-milter -n >"$tmp/n.out" 2>&1 && grep -q '^tlsrpt-milter: ok' "$tmp/n.out" ||
    { fail "-n with smtpd not chrooted"; cat "$tmp/n.out"; }
ct postconf -F -e smtp/inet/chroot=y && ct postfix reload >/dev/null 2>&1

# 10. the live exposure
ct systemd-analyze security --no-pager $PKG >"$tmp/security.out" 2>&1
score=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' "$tmp/security.out")
[ -n "$score" ] && awk "BEGIN { exit !($score <= 2.0) }" &&
    ok "systemd-analyze security $PKG (live): $score" ||
    { fail "live exposure ${score:-unknown}, want <= 2.0"; tail -5 "$tmp/security.out"; }

# 11. upgrade to the rebuilt package
conf_before=$(ct md5sum /etc/tlsrpt-milter.conf)
state_before=$(ct md5sum /var/lib/tlsrpt-milter/state)
pid1=$(ct systemctl show -P MainPID $PKG)
ct apt-get install -y -q "/root/systest/$(basename "$up_deb")" >"$tmp/upgrade.log" 2>&1 ||
    { cat "$tmp/upgrade.log"; fail "apt-get install ./$(basename "$up_deb")"; }
[ "$(ct dpkg-query -W -f='${Version}' $PKG)" = "$up_version" ] || fail "not upgraded"
[ "$(ct md5sum /etc/tlsrpt-milter.conf)" = "$conf_before" ] &&
    ct grep -q '^Action hold' /etc/tlsrpt-milter.conf &&
    ok "upgrade to $up_version kept the edited conffile" || fail "the upgrade changed the conffile"
[ "$(ct md5sum /var/lib/tlsrpt-milter/state)" = "$state_before" ] &&
    ok "upgrade kept the StateFile" || fail "the upgrade changed or removed the StateFile"
wait_for "ct systemctl is-active -q $PKG" && pid2=$(ct systemctl show -P MainPID $PKG) &&
    [ "$pid2" != "$pid1" ] && ok "the service was restarted by the upgrade: pid $pid1 -> $pid2" ||
    fail "after the upgrade: $(ct systemctl is-active $PKG), pid $pid1 -> $(ct systemctl show -P MainPID $PKG)"
qid=$(send ok3.eml)
[ -n "$qid" ] && logged "$qid" && ok "after the upgrade: $qid logged" ||
    fail "after the upgrade: report not logged"

# 12. purge
ct apt-get purge -y -q $PKG >"$tmp/purge.log" 2>&1 && ok "apt-get purge $PKG" ||
    { cat "$tmp/purge.log"; fail "apt-get purge $PKG"; }
for f in /usr/sbin/tlsrpt-milter /etc/tlsrpt-milter.conf /lib/systemd/system/$PKG.service \
    /var/lib/$PKG /var/spool/postfix/tlsrpt-milter /usr/share/doc/$PKG \
    /etc/systemd/system/multi-user.target.wants/$PKG.service; do
    ct test -e "$f" && fail "$f left after purge"
done
ct getent passwd $PKG >/dev/null && fail "user $PKG left after purge"
ct getent group $PKG >/dev/null && fail "group $PKG left after purge"
ct grep -q "$PKG" /etc/group && fail "$PKG left in /etc/group"
ct dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q 'installed\|config-files' &&
    fail "dpkg still knows $PKG"
ok "purge: program, conffile, unit, state, socket directory, user and group gone"
# with the milter gone, Postfix goes on delivering (default_action=accept)
qid=$(send ok1.eml)
[ -n "$qid" ] && wait_for "ct grep -q '$qid: to=<reports@.*status=sent' /var/log/mail.log" &&
    ok "without the milter Postfix still delivers ($qid)" ||
    fail "mail does not flow once the milter is purged"

echo "system test: $(($(date +%s) - test_start)) s"
finish
