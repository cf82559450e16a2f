#!/bin/sh
# harness.sh - the end-to-end harness itself: private Postfix, syslog capture
#
# Checks what every other end-to-end test relies on: the private Postfix
# accepts mail on its loopback port, reports the queue ID, logs to its own
# maillog and delivers into the recipient's Maildir byte for byte; a program
# run through ns-run.sh logs into the capture file with the right
# facility.severity and nothing appears in the host's /dev; and with
# smtpd_milters pointing at a milter that is not running
# (milter_default_action=accept) mail still flows.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
e2e_init

# -- syslog capture
host_dev_before=$(ls -A /dev | sort | tr '\n' ' ')
ns_exec sh -c 'logger -t tlsrpt-milter -i -p mail.warning "Q1: failure a=1" &&
    logger -t tlsrpt-milter -i -p mail.err "Q1: error reason=\"x y\"" &&
    logger -t tlsrpt-milter -i -p local5.notice "Q1: ignored reason=z" &&
    [ -S /dev/log ] && echo zero >/dev/null && head -c 8 /dev/urandom | wc -c | grep -q 8' ||
    fail "logger inside the namespace failed"
got=$(milter_lines Q1)
want="mail.warning Q1: failure a=1
mail.err Q1: error reason=\"x y\"
local5.notice Q1: ignored reason=z"
if [ "$got" = "$want" ]; then ok "syslog capture decodes facility.severity"; else
    fail "syslog capture: got [$got], want [$want]"; fi
[ ! -e /dev/log ] && ok "no /dev/log on the host" || fail "/dev/log exists on the host"
host_dev_after=$(ls -A /dev | sort | tr '\n' ' ')
[ "$host_dev_before" = "$host_dev_after" ] && ok "host /dev unchanged" ||
    fail "host /dev changed: [$host_dev_before] -> [$host_dev_after]"
grep -q tlsrpt-e2e /proc/self/mountinfo && fail "a test mount leaked to the host" ||
    ok "no mount leaked"

# -- private Postfix, milter configured but not running
pf_start || { fail "Postfix did not start"; finish; exit 1; }
ok "Postfix listens on 127.0.0.1:$PF_PORT (milter expected on $MILTER_PORT)"
msg=$E2E_DIR/plain.eml
printf 'From: a@sender.test\r\nTo: user@example.com\r\nSubject: plain\r\nMessage-ID: <plain@sender.test>\r\n\r\nhello\r\n.leading dot\r\n\r\n' >"$msg"
qid=$(send_mail "$SENDER" user@example.com "$msg") || fail "plain mail not accepted"
if [ -n "$qid" ]; then
    queue_id_in_maillog "$qid" && ok "queue ID $qid is in the maillog" ||
        fail "queue ID $qid not in the maillog"
    wait_settled "$qid" || fail "$qid: not settled"
    f=$(maildir_file "$qid" user@example.com)
    if [ -n "$f" ]; then
        e2e_py unchanged "$msg" "$f" && ok "delivered byte for byte with the milter down" ||
            fail "delivered copy differs"
    else
        fail "$qid: not in user@example.com's Maildir"
    fi
    grep -q "$qid:.*status=sent" "$PF_MAILLOG" && ok || fail "$qid: no status=sent"
    grep -Eq "warning: connect to Milter service inet:127.0.0.1:$MILTER_PORT" "$PF_MAILLOG" &&
        ok "Postfix noticed the milter is down" || fail "no milter connect warning in the maillog"
fi
[ -z "$(queue_list)" ] && ok "queue empty" || fail "queue not empty: $(queue_list)"
[ ! -s "$E2E_SYSLOG" ] || [ -z "$(milter_lines "$qid")" ] && ok || fail "milter lines for $qid"
finish
