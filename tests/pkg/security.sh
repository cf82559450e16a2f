#!/bin/sh
# security.sh - the shipped systemd unit is hardened and valid
#
# systemd-analyze security --offline=true (systemd >= 252, no running
# systemd needed) must rate etc/tlsrpt-milter.service and both
# tlsrpt-lookout services at an exposure of 2.0 or lower (the oneshot
# ones with a start timeout, none skipped silently by a condition; the
# milter not restarted on exit 78), and systemd-analyze verify must accept it, with ExecStart
# pointing at the built binary and the man pages from doc/ (the unit names
# /usr/sbin, which a build tree does not have).
set -u
. "$(dirname "$0")/../lib.sh"

MAX=2.0
unit="$top_srcdir/etc/tlsrpt-milter.service"
command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed (Debian: systemd)"
systemd-analyze security --help 2>/dev/null | grep -q -- --offline ||
    skip "systemd-analyze has no --offline (systemd < 252)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# security: the last line is "→ Overall exposure level for NAME: 1.1 OK ..."
# for the milter and for both units of tlsrpt-lookout, which parses the
# logged values (a stranger's) in a sandbox of its own
for u in tlsrpt-milter tlsrpt-lookout tlsrpt-lookout-alert; do
    SYSTEMD_COLORS=0 systemd-analyze security --no-pager --offline=true \
        "$top_srcdir/etc/$u.service" >"$tmp/security" 2>&1
    score=$(sed -n "s/.*Overall exposure level for $u.service: \([0-9.]*\).*/\1/p" \
        "$tmp/security")
    if [ -z "$score" ]; then
        fail "$u: no exposure score in the output of systemd-analyze security:"
        cat "$tmp/security"
    elif awk -v s="$score" -v m="$MAX" 'BEGIN { exit !(s <= m) }'; then
        ok "$u.service: exposure $score <= $MAX"
    else
        fail "$u.service: exposure $score > $MAX; the exposed settings:"
        grep '✗' "$tmp/security"
    fi
done
for u in tlsrpt-lookout tlsrpt-lookout-alert; do
    grep -q '^TimeoutStartSec=' "$top_srcdir/etc/$u.service" ||
        fail "$u.service has no TimeoutStartSec (a oneshot unit waits forever by default)"
    grep -q '^ConditionPathExists=' "$top_srcdir/etc/$u.service" &&
        fail "$u.service skips silently on ConditionPathExists"
done
grep -q '^RestartPreventExitStatus=78$' "$unit" ||
    fail "tlsrpt-milter.service restarts on a configuration error (exit 78)"

# the unit's options are known to this systemd and ExecStart is absolute
grep -q '^ExecStart=/usr/sbin/tlsrpt-milter -f -c /etc/tlsrpt-milter.conf$' "$unit" ||
    fail "ExecStart is not /usr/sbin/tlsrpt-milter -f -c /etc/tlsrpt-milter.conf"
grep -q '^User=tlsrpt-milter$' "$unit" && grep -q '^Group=tlsrpt-milter$' "$unit" ||
    fail "User= and Group= are not tlsrpt-milter"
grep -q '^SupplementaryGroups=' "$unit" &&
    fail "SupplementaryGroups= fails the unit on hosts without that group"
ok "ExecStart, User, Group"

# verify (an unknown key is only a warning, so any output fails): a copy
# named like the original, with the built binary
mkdir -p "$tmp/unit" "$tmp/man/man5" "$tmp/man/man8"
cp "$top_srcdir/doc/tlsrpt-milter.8" "$tmp/man/man8/"
cp "$top_srcdir/doc/tlsrpt-milter.conf.5" "$tmp/man/man5/"
sed "s|/usr/sbin/tlsrpt-milter|$TLSRPT_MILTER|" "$unit" >"$tmp/unit/tlsrpt-milter.service"
if MANPATH="$tmp/man" SYSTEMD_COLORS=0 systemd-analyze verify \
    "$tmp/unit/tlsrpt-milter.service" >"$tmp/verify" 2>&1 && [ ! -s "$tmp/verify" ]; then
    ok "systemd-analyze verify: no warning"
else
    fail "systemd-analyze verify:"
    cat "$tmp/verify"
fi
finish
