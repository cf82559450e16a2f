#!/bin/sh
# rsyslog.sh - etc/rsyslog-tlsrpt-milter.conf with a real rsyslogd
#
# rsyslogd -n owns /dev/log in the milter's private mount namespace, with a
# small main configuration (imuxsock, a full log) that includes the shipped
# snippet, paths substituted (tests/alert/lib.sh).  Reports go through the
# private Postfix, once with LogFormat kv (matched by program name and
# event word) and once with LogFormat json (mmjsonparse): exactly the
# failure, failure-omitted and error events must reach the alert file and
# the omprog alert program (which mails them), fields intact; the clean
# report and the ordinary mail must not.  A report whose values try to
# forge fields (a bare ' before a quoted " policy-domain=... failed-session-
# count=0", a quoted " failed-session-count=999") must give, to a plain
# search for the first " KEY=" and for the last (rsyslog regex property
# replacer; kv) and to mmjsonparse (json), exactly the true fields.  Those
# rounds use the snippet's per-line mode; then, in its default mode, the
# stateful alerts of tlsrpt-lookout --alert over simulated days
# (alert_stateful_round in tests/alert/lib.sh), kv and json, reading the
# snippet's file of verified origin (imuxsock's Annotate and ParseTrusted,
# as doc/alerting.md has the main configuration set them) with --verified,
# while a local user (uid 4242) forges events and a report with logger.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
command -v rsyslogd >/dev/null 2>&1 || skip "rsyslogd is not installed (Debian package rsyslog)"
rsyslogd -N1 -f "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" >/dev/null 2>&1 ||
    skip "this rsyslogd cannot load the snippet's modules: $(rsyslogd -N1 -f "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" 2>&1 | grep -i error | head -2)"

alert_init
alert_snippet "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf" "$ALERT_DIR/tlsrpt-milter.conf" || exit 1
mkdir -p "$ALERT_DIR/rsyslog-work"
FULL=$ALERT_DIR/all.log
ALERT_FIELDS=$ALERT_DIR/fields.log
cat >"$ALERT_DIR/rsyslog.conf" <<EOF
# test main configuration: /dev/log in the private namespace, a full log,
# and the shipped snippet
global(workDirectory="$ALERT_DIR/rsyslog-work")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0"
       SysSock.Annotate="on" SysSock.ParseTrusted="on")
*.* action(type="omfile" file="$FULL")
include(file="$ALERT_DIR/tlsrpt-milter.conf")
# what plain searches (first and last " KEY=") and mmjsonparse take from
# each failure event (the snippet has run mmjsonparse on @cee lines)
template(name="tlsrpt_fields_kv" type="string"
         string="%msg:R,ERE,1,BLANK: policy-domain=([^ ]+)--end% %msg:R,ERE,1,BLANK: failed-session-count=([^ ]+)--end% %msg:R,ERE,1,BLANK:.* policy-domain=([^ ]+)--end% %msg:R,ERE,1,BLANK:.* failed-session-count=([^ ]+)--end%\n")
template(name="tlsrpt_fields_json" type="string"
         string="%\$!policy-domain% %\$!failed-session-count%\n")
if \$programname == "tlsrpt-milter" then {
    if re_match(\$msg, "^ ?[^ ]+: failure ") then {
        action(type="omfile" file="$ALERT_FIELDS" template="tlsrpt_fields_kv")
    } else if \$!event == "failure" then {
        action(type="omfile" file="$ALERT_FIELDS" template="tlsrpt_fields_json")
    }
}
EOF
rsyslogd -N1 -f "$ALERT_DIR/rsyslog.conf" >"$ALERT_DIR/check.out" 2>&1 ||
    { fail "rsyslogd -N1 rejects the snippet:"; cat "$ALERT_DIR/check.out"; finish; exit 1; }
ALERT_DAEMON_SH="exec rsyslogd -n -f '$ALERT_DIR/rsyslog.conf' -i \"\$(dirname \"\$0\")/rsyslogd.pid\""

for fmt in kv json; do
    alert_round "$fmt" "$FULL"
done
for fmt in kv json; do
    ALERT_READ=$ALERT_LOGDIR/milter.log ALERT_VERIFIED=1 \
        alert_stateful_round "$fmt" "$FULL" "$top_srcdir/etc/rsyslog-tlsrpt-milter.conf"
done
finish
