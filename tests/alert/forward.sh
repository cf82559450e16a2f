#!/bin/sh
# forward.sh - etc/rsyslog-forward.conf: an MX forwards to a central log host
#
# Two real rsyslogds in one private mount and network namespace: the MX's
# (owns /dev/log, includes the shipped forward snippet with the milter's
# user filled in, and annotates lines with their writer's user; the
# namespace's /etc/hosts points loghost.example.net at 127.0.0.1) and the
# log host's (imrelp on port 2514 as the snippet's comment says, and the
# shipped alerting snippet, paths substituted).  The lines of
# `tlsrpt-milter -t` for a report with failures are logged with logger
# while the log host is still down, then those of a clean and a broken
# report once it is up.  Checks: every line reaches the log host intact and
# in order (the disk-assisted RELP queue kept the first ones), with the
# MX's host name; the log host's alert file and alert mails hold exactly the
# failure, failure-omitted and error lines.
. "$(dirname "$0")/lib.sh"
e2e_need
command -v rsyslogd >/dev/null 2>&1 || skip "rsyslogd is not installed (Debian package rsyslog)"
command -v logger >/dev/null 2>&1 || skip "logger is not installed (bsdutils)"
command -v ip >/dev/null 2>&1 || skip "ip is not installed (iproute2), needed to bring up lo in a network namespace"
unshare -m -n --propagation private ip link set lo up 2>/dev/null ||
    skip "cannot create a network namespace here (unshare -n failed)"
rsyslogd -N1 -f "$top_srcdir/etc/rsyslog-forward.conf" >/dev/null 2>&1 ||
    skip "rsyslogd cannot load omrelp (Debian package rsyslog-relp): $(rsyslogd -N1 -f "$top_srcdir/etc/rsyslog-forward.conf" 2>&1 | grep -i error | head -2)"
[ -n "$(find /usr/lib -name imrelp.so 2>/dev/null | head -1)" ] ||
    skip "imrelp.so not found (Debian package rsyslog-relp)"

alert_init
alert_snippet "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" "$ALERT_DIR/tlsrpt-milter.conf" || exit 1
grep -q 'target="loghost.example.net" port="2514"' "$top_srcdir/etc/rsyslog-forward.conf" ||
    fail "rsyslog-forward.conf no longer sends to loghost.example.net port 2514"
W=$ALERT_DIR
mkdir -p "$W/mx-work" "$W/loghost-work" "$W/ns"
MX_ALL=$W/mx-all.log
LH_ALL=$W/loghost-all.log
cat >"$W/mx.conf" <<EOF
# the MX: /dev/log with trusted properties, a full log, the shipped forward snippet
global(workDirectory="$W/mx-work")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0"
       SysSock.Annotate="on" SysSock.ParseTrusted="on")
*.* action(type="omfile" file="$MX_ALL")
include(file="$W/forward.conf")
EOF
cat >"$W/loghost.conf" <<EOF
# the log host: RELP in as rsyslog-forward.conf says, a full log, alerting
global(workDirectory="$W/loghost-work")
module(load="imrelp")
input(type="imrelp" port="2514" name="tlsrpt_relay")
*.* action(type="omfile" file="$LH_ALL")
include(file="$W/tlsrpt-milter.conf")
EOF
# the milter's user is the one running logger here
sed "s/@TLSRPT_MILTER_UID@/$(id -u)/" "$top_srcdir/etc/rsyslog-forward.conf" >"$W/forward.conf"
printf '127.0.0.1 loghost.example.net localhost\n' >"$W/hosts"
cp /etc/resolv.conf "$W/resolv.conf" 2>/dev/null || : >"$W/resolv.conf"

# the lines: -t's output for three reports, each under a made-up queue ID
conf=$W/milter.conf
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "MaxFailureLines 2"
: >"$W/want"
for m in failures:4ZFWD1AAAA clean:4ZFWD2BBBB broken:4ZFWD3CCCC; do
    (cd "$MAILS" && "$TLSRPT_MILTER" -c "$conf" -t "${m%%:*}.eml") 2>/dev/null |
        sed "s/^${m%%:*}\.eml: /${m#*:}: /" >"$W/lines.${m%%:*}"
    [ -s "$W/lines.${m%%:*}" ] || fail "-t printed nothing for ${m%%:*}.eml"
    grep -E '^[^ ]+: (failure|failure-omitted|error) ' "$W/lines.${m%%:*}" >>"$W/want"
done
cat "$W/lines.failures" "$W/lines.clean" "$W/lines.broken" >"$W/lines.all"
nall=$(wc -l <"$W/lines.all")
tail -n 1 "$W/lines.all" >"$W/last.line"
nwant=$(wc -l <"$W/want")

# what runs inside the namespace once the MX's rsyslogd owns /dev/log
cat >"$W/scenario.sh" <<EOF
set -u
# a local user (uid 4343) on the MX: its lines must stay on the MX
if [ "\$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    setpriv --reuid=4343 --regid=4343 --clear-groups logger -t tlsrpt-milter \
        "4ZFWD0FAKE: failure report-id=x policy-type=sts policy-domain=forged-on-mx.example result-type=certificate-expired failed-session-count=9" || exit 1
fi
# the log host is down: these wait in the MX's queue
logger -t tlsrpt-milter --id=4242 -f "$W/lines.failures" || exit 1
sleep 1
rsyslogd -n -f "$W/loghost.conf" -i "$W/loghost.pid" >"$W/loghost.err" 2>&1 &
lh=\$!
logger -t tlsrpt-milter --id=4242 -f "$W/lines.clean" || exit 1
logger -t tlsrpt-milter --id=4242 -f "$W/lines.broken" || exit 1
# until the log host has every line (the MX retries every 5 s; lines
# arrive in order, so the last one last)
i=0
while { ! grep -q -F -f "$W/last.line" "$LH_ALL" 2>/dev/null ||
    [ "\$(grep -c ' tlsrpt-milter\\[4242\\]: ' "$LH_ALL")" -lt $nall ]; } &&
    [ \$i -lt 400 ]; do
    sleep 0.1
    i=\$((i + 1))
done
# and until the alert program has mailed each alert
i=0
while [ "\$(find "$(maildir_of "$ALERT_TO")" -type f 2>/dev/null | wc -l)" -lt $nwant ] &&
    [ \$i -lt 200 ]; do
    sleep 0.1
    i=\$((i + 1))
done
kill -TERM \$lh
wait \$lh
EOF
printf '%s\n' 'ip link set lo up || exit 1' \
    "exec rsyslogd -n -f '$W/mx.conf' -i '$W/mx.pid'" >"$W/ns/daemon.sh"

# forward_cleanup - stop what the scenario may have left running
forward_cleanup() {
    for p in "$W/loghost.pid" "$W/mx.pid"; do
        [ -s "$p" ] && kill -TERM "$(cat "$p")" 2>/dev/null
    done
    return 0
}
E2E_CLEANUP_HOOK=forward_cleanup

start=$(date +%s)
NS_ETC_HOSTS=$W/hosts NS_RESOLV_CONF=$W/resolv.conf timeout 100 \
    unshare -m -n --propagation private sh "$E2E_LIB/ns-run.sh" "$W/ns" "$E2E_SYSLOG" \
    sh "$ALERT_LIB/with-syslog.sh" "$W/ns" sh "$W/scenario.sh" >"$W/ns/stderr" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { fail "the namespace run ended with $rc:"; cat "$W/ns/stderr" "$W/ns/daemon.err" "$W/loghost.err" 2>/dev/null; }
echo "forwarding run: $(($(date +%s) - start)) s"
e2e_until 20 queue_empty || fail "alert mails still queued"

# 1. the MX logged and the log host received every line, in order, intact
alert_messages "$MX_ALL" >"$W/got.mx"
cmp -s "$W/lines.all" "$W/got.mx" && ok "the MX's rsyslogd got all $nall lines" ||
    { fail "the MX's own log differs from what was logged:"; diff -u "$W/lines.all" "$W/got.mx" | head -20; }
# (RELP delivers at least once: a line in flight when the first connection
# attempt failed may come twice; the first copies must be complete and in
# order)
alert_messages "$LH_ALL" >"$W/got.lh.raw"
awk '!seen[$0]++' "$W/got.lh.raw" >"$W/got.lh"
dups=$(($(wc -l <"$W/got.lh.raw") - $(wc -l <"$W/got.lh")))
if cmp -s "$W/lines.all" "$W/got.lh"; then
    ok "the log host received all $nall lines in order, a report's worth sent while it was down ($dups repeated)"
else
    fail "the log host's lines differ from those logged on the MX:"
    diff -u "$W/lines.all" "$W/got.lh" | head -20
fi
h=$(uname -n)
[ "$(grep -c " $h tlsrpt-milter\[4242\]: " "$LH_ALL")" -eq "$(wc -l <"$W/got.lh.raw")" ] &&
    ok "every forwarded line carries the MX's host name $h" ||
    fail "forwarded lines without the MX's host name $h"
# a local user's line on the MX reached the MX's log, never the log host
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    grep -q forged-on-mx.example "$MX_ALL" || fail "the local user's line never reached the MX's rsyslogd"
    grep -q forged-on-mx.example "$LH_ALL" "$ALERT_LOGDIR"/*.log &&
        fail "a local user's line on the MX was forwarded to the log host" ||
        ok "a local user's logger line on the MX was not forwarded"
fi
# 2. the log host alerted exactly the failure and error lines
sort "$W/want" >"$W/want.sorted"
alert_messages "$ALERT_LOGDIR/alerts.log" | sort -u >"$W/got.alerts"
cmp -s "$W/want.sorted" "$W/got.alerts" && ok "the log host's alert file holds exactly the $nwant failure/error lines" ||
    { fail "the log host's alert file differs (want, got):"; diff -u "$W/want.sorted" "$W/got.alerts"; }
mail_bodies | sed 's/^.* tlsrpt-milter\[[0-9]*\]: //' | sort -u >"$W/got.mail"
cmp -s "$W/want.sorted" "$W/got.mail" && ok "the log host's alert program mailed exactly those $nwant lines" ||
    { fail "the log host's alert mails differ (want, got):"; diff -u "$W/want.sorted" "$W/got.mail"; }
grep -q -F 'additional-information="chain ends in\x01an expired CA"' "$W/got.alerts" &&
    ok "forwarded alert keeps additional-information with its space and \\x01" ||
    fail "forwarded alert lost additional-information"
finish
