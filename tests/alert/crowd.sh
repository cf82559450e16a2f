#!/bin/sh
# crowd.sh - through Postfix and a real rsyslogd: one mail naming hundreds of domains crowds nothing out
#
# The milter (TrustedAuthservIDs mx.test, RequireDKIM yes, ReportDomains
# example.com; LogFormat kv, then json) logs through rsyslogd -n, which
# owns /dev/log in its private mount namespace (imuxsock with Annotate and
# ParseTrusted, which the snippet's uid filter needs) and runs the shipped
# snippet in its default (stateful) mode, as tests/alert/lib.sh sets it up;
# the alert mode runs as the milter's user, as the packaged unit does.  The
# mails of tests/lookout/gen-crowd.py go through the private Postfix:
# Google's report of example.com on day 1; on day 2 one mail of 3 reports
# x 100 policy domains, one of 100 x 3, one of 150 x 8, and Google's next
# report;
# then tlsrpt-lookout --alert runs daily (inside the namespace, so its
# events go through rsyslogd and its snippet to postmaster) until day 12.
# Checked, in the file rsyslogd wrote:
#   - the digest (--config) shows example.com with Google's 1000 failed
#     sessions and says in its text that 44 names were left out;
#   - the alert mode gives a handful of events in all (at most one others
#     event a run, no name of the floods one by one), postmaster one mail
#     for each, and Google's silence is among them.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
command -v rsyslogd >/dev/null 2>&1 || skip "rsyslogd is not installed (Debian package rsyslog)"
rsyslogd -N1 -f "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" >/dev/null 2>&1 ||
    skip "this rsyslogd cannot load the snippet's modules"
: "${TLSRPT_LOOKOUT:=$top_builddir/lookout/tlsrpt-lookout}"

alert_init
mkdir -p "$ALERT_DIR/rsyslog-work"
full=$ALERT_DIR/all.log
cat >"$ALERT_DIR/rsyslog.conf" <<EOF2
global(workDirectory="$ALERT_DIR/rsyslog-work")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0"
       SysSock.Annotate="on" SysSock.ParseTrusted="on")
*.* action(type="omfile" file="$full")
include(file="$ALERT_DIR/tlsrpt-milter.conf")
EOF2
ALERT_DAEMON_SH="exec rsyslogd -n -f '$ALERT_DIR/rsyslog.conf' -i \"\$(dirname \"\$0\")/rsyslogd.pid\""
mails=$ALERT_DIR/crowd-mails
python3 "$top_srcdir/tests/lookout/gen-crowd.py" "$mails" || { fail "gen-crowd.py"; finish; exit 1; }
cp "$top_srcdir/etc/tlsrpt-alert.sh" "$ALERT_DIR/tlsrpt-alert.sh" || exit 1
printf '#!/bin/sh\nexec sh %s -d %s -l %s "$@"\n' "$ALERT_DIR/tlsrpt-alert.sh" \
    "$TLSRPT_LOOKOUT" "$full" >"$ALERT_DIR/tlsrpt-alert-state"
chmod 755 "$ALERT_DIR/tlsrpt-alert-state" || exit 1
ALERT_PROG=$ALERT_DIR/tlsrpt-alert-state ALERT_STATEFUL=1 \
    alert_snippet "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" "$ALERT_DIR/tlsrpt-milter.conf" || exit 1

for fmt in kv json; do
    conf=$ALERT_DIR/milter-crowd-$fmt.conf
    # the alert mode runs as the milter's user (st_day): its state directory
    # must be writable by it, and it reads the whole log (not verified)
    mkdir -p "$ALERT_DIR/state" && chmod 1777 "$ALERT_DIR/state"
    state=$ALERT_DIR/state/alert-state.$fmt
    runs=$ALERT_DIR/alert-runs.$fmt
    read=$full
    verified=0
    milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" "LogFormat $fmt" \
        "TrustedAuthservIDs mx.test" "RequireDKIM yes" "ReportDomains example.com"
    rm -rf "$ALERT_LOGDIR" "$(maildir_of "$ALERT_TO")" "$state"
    : >"$full"
    : >"$runs"
    alert_start "$conf" || { fail "$fmt: the milter with rsyslogd did not start"; continue; }
    t0=$(date +%s)
    st_day 1 2026-11-02T06:00:00 google-01
    st_day 2 2026-11-03T06:00:00 flood-digest flood-wide flood-alert google-02
    for d in 4 5 6 7 8 9 10 11 12; do
        st_day "$d" "2026-11-$(printf %02d "$((d + 1))")T06:00:00"
    done
    sleep 2
    stop_milter
    e2e_until 20 queue_empty || fail "$fmt: alert mails still queued"
    echo "$fmt: the sequence took $(($(date +%s) - t0)) s"

    n=$(alert_messages "$full" | grep -c -E '^([^ ]+: policy |@cee:\{"event":"policy",)')
    [ "$n" -eq 1802 ] && ok "$fmt: the milter logged 1802 policy lines" ||
        fail "$fmt: $n policy lines in the log, want 1802 (1800 of the floods, 2 of Google)"
    # the digest over what rsyslogd wrote
    "$TLSRPT_LOOKOUT" --config "$conf" --since 2026-11-01 --today 2026-11-03 "$full" >"$ALERT_DIR/digest.$fmt"
    rc=$?
    [ "$rc" -eq 1 ] && ok || fail "$fmt: digest exit status $rc, want 1"
    grep -q -E "^ +FAILING +example\.com +1,000 of 2,000 sessions failed" "$ALERT_DIR/digest.$fmt" && ok ||
        fail "$fmt: the digest does not show example.com with Google's 1000 failed sessions"
    grep -q '^Not shown: [0-9]* more policy domains that are not ours' "$ALERT_DIR/digest.$fmt" && ok ||
        fail "$fmt: the digest does not say what it left out"
    # the events
    alert_messages "$full" | grep -E '^(ALERT: |@cee:\{"event":"[a-z]+","queue-id":"ALERT")' \
        >"$ALERT_DIR/events.$fmt"
    sed 's/^/  /' "$ALERT_DIR/events.$fmt" | cut -c1-170
    n=$(wc -l <"$ALERT_DIR/events.$fmt")
    [ "$n" -ge 3 ] && [ "$n" -le 8 ] && ok "$fmt: $n events in 11 runs" ||
        fail "$fmt: $n events in 11 runs, want 3 to 8"
    grep -E '(: silent |"event":"silent")' "$ALERT_DIR/events.$fmt" | grep 'example.com' |
        grep -q 'google.com' && ok "$fmt: Google's silence announced" ||
        fail "$fmt: Google's silence was not announced"
    grep -q -E '(: others |"event":"others")' "$ALERT_DIR/events.$fmt" && ok ||
        fail "$fmt: no others event"
    grep -E '(: (problem|recovered|silent) |"event":"(problem|recovered|silent)")' \
        "$ALERT_DIR/events.$fmt" | grep -q -E 'policy-domain[=":]+[adw][0-9]' &&
        fail "$fmt: a name of the floods was announced one by one" || ok
    mail_subjects >"$ALERT_DIR/subjects.$fmt"
    sed 's/^/  mail: /' "$ALERT_DIR/subjects.$fmt"
    m=$(wc -l <"$ALERT_DIR/subjects.$fmt")
    [ "$m" -eq "$n" ] && ok "$fmt: postmaster got one mail per event ($m)" ||
        fail "$fmt: $m alert mails for $n events"
    grep -q 'TLS-RPT silent: google.com for example.com' "$ALERT_DIR/subjects.$fmt" && ok ||
        fail "$fmt: no mail about Google's silence"
done
finish
