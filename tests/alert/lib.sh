# tests/alert/lib.sh - the alerting recipes against real syslog daemons (sourced)
#
# Builds on tests/e2e/lib.sh: a private Postfix, and the milter in a private
# mount namespace (tests/e2e/ns-run.sh) where a real syslog daemon, not the
# tests' listener, owns /dev/log (tests/alert/with-syslog.sh).  The daemon
# runs the shipped snippet from etc/ with only its two paths substituted:
# /var/log/tlsrpt-milter/ becomes $ALERT_LOGDIR/ and
# /usr/local/sbin/tlsrpt-alert a copy of etc/tlsrpt-alert.sh.  That alert
# program mails postmaster through /usr/sbin/sendmail; the daemon runs with
# MAIL_CONFIG pointing at the private Postfix, so the alert mails land in
# the Maildir of postmaster@e2e.test.
#
# alert_round FORMAT sends a report with failures, a clean report, a broken
# report, a report whose values try to forge fields and an ordinary mail
# through Postfix and checks that exactly the failure, failure-omitted and
# error events - as `tlsrpt-milter -t` prints them for the same files, with
# Postfix's queue IDs - reach the alert file and the alert mails, fields
# intact.
#
# The test sets ALERT_DAEMON_SH, the body of daemon.sh (which must exec the
# daemon in the foreground; $ALERT_DIR/ns.N is the namespace's work
# directory, in $1), before calling alert_start.  When it also sets
# ALERT_FIELDS, its daemon must write there, for every failure event, the
# policy-domain and failed-session-count as the daemon's own readers take
# them, "DOMAIN COUNT" once or more per line (one pair per reader): every
# reader must find exactly the true fields, never the forged ones.

. "$(dirname "$0")/../e2e/lib.sh"
ALERT_LIB=$top_srcdir/tests/alert
MAILS=$ALERT_LIB/mails
ALERT_TO=postmaster@e2e.test
PF_USERS="tlsrpt@example.com user@example.com $ALERT_TO"

# alert_init - Postfix, the directories and the alert program
alert_init() {
    e2e_init
    pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
    ALERT_DIR=$E2E_DIR/alert
    ALERT_LOGDIR=$ALERT_DIR/log
    ALERT_PROG=$ALERT_DIR/tlsrpt-alert
    mkdir -p "$ALERT_DIR"
    cp "$top_srcdir/etc/tlsrpt-alert.sh" "$ALERT_PROG" && chmod 755 "$ALERT_PROG" || exit 1
    MAIL_CONFIG=$PF_CONF
    export MAIL_CONFIG
    # the milter's user (milter_conf's UserID nobody, when started as root), which the
    # recipes' verified file takes lines from, and as which the alert mode runs, as packaged
    if [ "$(id -u)" = 0 ]; then
        ALERT_MILTER_UID=$(id -u nobody) ALERT_MILTER_GID=$(id -g nobody)
        ALERT_AS_MILTER="setpriv --reuid=$ALERT_MILTER_UID --regid=$ALERT_MILTER_GID --clear-groups"
        chmod a+x "$E2E_DIR" "$ALERT_DIR"
    else
        ALERT_MILTER_UID=$(id -u) ALERT_AS_MILTER=
    fi
}

# alert_snippet - the shipped snippet with its two paths substituted: SRC DEST
#
# Fails the test when the snippet no longer holds both paths (the test
# would then not test what is shipped).  Unless ALERT_STATEFUL=1, the
# snippet's per-line immediate mode is switched on (every failure and
# failure-omitted line alerted, what alert_round checks), with the one
# change its comment names; the test fails when that switch is missing.
alert_snippet() {
    for p in /var/log/tlsrpt-milter/ /usr/local/sbin/tlsrpt-alert; do
        grep -q -F "$p" "$1" || { fail "$(basename "$1") no longer mentions $p"; return 1; }
    done
    sed -e "s|/var/log/tlsrpt-milter/|$ALERT_LOGDIR/|g" \
        -e "s|@TLSRPT_MILTER_UID@|$ALERT_MILTER_UID|g" \
        -e "s|/usr/local/sbin/tlsrpt-alert|$ALERT_PROG|g" "$1" >"$2"
    [ "${ALERT_STATEFUL:-0}" = 1 ] && return 0
    sed -i -e 's/^\( *set \$\.tlsrpt_per_line = \)"off";$/\1"on";/' \
        -e 's/^\(@define tlsrpt_alert_events "problem|recovered|silent|others|error\)"$/\1|failure|failure-omitted"/' "$2"
    grep -q -e 'tlsrpt_per_line = "on"' -e 'error|failure|failure-omitted"' "$2" ||
        { fail "$(basename "$1"): no per-line switch to turn on"; return 1; }
}

# alert_start - the milter with the syslog daemon in its namespace: CONF
alert_start() {
    E2E_NS_SEQ=$((E2E_NS_SEQ + 1))
    MILTER_NS_DIR=$E2E_DIR/ns.$E2E_NS_SEQ
    mkdir -p "$MILTER_NS_DIR"
    printf '%s\n' "$ALERT_DAEMON_SH" >"$MILTER_NS_DIR/daemon.sh"
    unshare -m --propagation private sh "$E2E_LIB/ns-run.sh" "$MILTER_NS_DIR" "$E2E_SYSLOG" \
        sh "$ALERT_LIB/with-syslog.sh" "$MILTER_NS_DIR" \
        "$TLSRPT_MILTER" -f -c "$1" -p "inet:$MILTER_PORT@127.0.0.1" \
        >"$MILTER_NS_DIR/stderr" 2>&1 &
    MILTER_NS_PID=$!
    if ! e2e_until 30 e2e_milter_up; then
        echo "the milter and the syslog daemon did not start:"
        cat "$MILTER_NS_DIR/stderr" "$MILTER_NS_DIR/daemon.err" 2>/dev/null
        stop_milter
        return 1
    fi
}

# expected_alerts - the alert lines for FILE under QID: CONF FILE QID
#
# kv: "QID: EVENT ..."; json: "@cee:{...}" with the queue ID.
expected_alerts() {
    (cd "$(dirname "$2")" && "$TLSRPT_MILTER" -c "$1" -t "$(basename "$2")") 2>/dev/null |
        sed -n -e "s|^$(basename "$2"): \(failure\) |$3: \1 |p" \
            -e "s|^$(basename "$2"): \(failure-omitted\) |$3: \1 |p" \
            -e "s|^$(basename "$2"): \(error\) |$3: \1 |p" \
            -e "s#^{\"event\":\"\(failure\|failure-omitted\|error\)\",\"queue-id\":\"$(basename "$2")\",#@cee:{\"event\":\"\1\",\"queue-id\":\"$3\",#p"
}

# alert_messages - the messages of a file of syslog lines (after "tlsrpt-milter[PID]: ")
alert_messages() {
    sed -n 's/^.* tlsrpt-milter\[[0-9]*\]: //p' "$1"
}

# mail_bodies - the first body line of every alert mail
mail_bodies() {
    d=$(maildir_of "$ALERT_TO")
    find "$d/new" "$d/cur" -type f 2>/dev/null | while read -r m; do
        sed -n '/^$/{n;p;q;}' "$m"
    done
}

# mail_subjects - the Subject: of every alert mail, sorted
mail_subjects() {
    d=$(maildir_of "$ALERT_TO")
    find "$d/new" "$d/cur" -type f 2>/dev/null | while read -r m; do
        sed -n 's/^Subject: //p' "$m" | head -1
    done | sort
}

# queue_empty - true when the private Postfix has nothing queued
queue_empty() {
    [ -z "$(postqueue -c "$PF_CONF" -j 2>/dev/null)" ]
}

# alert_round - one round: FORMAT (kv or json) FULLLOG
#
# FULLLOG is the daemon's log of everything (to see that the clean report
# reached the daemon and was left out by the snippet, not lost).
alert_round() {
    fmt=$1
    full=$2
    conf=$ALERT_DIR/milter-$fmt.conf
    milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" \
        "MaxFailureLines 2" "LogFormat $fmt"
    rm -rf "$ALERT_LOGDIR" "$(maildir_of "$ALERT_TO")"
    : >"$full"
    [ -z "${ALERT_FIELDS:-}" ] || rm -f "$ALERT_FIELDS"
    alert_start "$conf" || { fail "$fmt: the milter with the syslog daemon did not start"; return 1; }
    : >"$ALERT_DIR/want"
    for m in failures clean broken forged ordinary; do
        rcpt=tlsrpt@example.com
        [ $m = ordinary ] && rcpt=user@example.com
        qid=$(send_mail "$SENDER" "$rcpt" "$MAILS/$m.eml") || { fail "$fmt: $m.eml not accepted"; continue; }
        eval "qid_$m=\$qid"
        wait_settled "$qid" || fail "$fmt: $m.eml ($qid) not delivered"
        expected_alerts "$conf" "$MAILS/$m.eml" "$qid" >>"$ALERT_DIR/want"
    done
    # the daemon has had the clean report's last line: everything before it too
    e2e_until 15 grep -q "$qid_clean: action \|\"event\":\"action\",\"queue-id\":\"$qid_clean\"" "$full" ||
        fail "$fmt: the clean report's action line ($qid_clean) never reached the daemon"
    nwant=$(wc -l <"$ALERT_DIR/want")
    e2e_until 20 eval '[ "$(maildir_count "$ALERT_TO")" -ge "$nwant" ]'
    stop_milter # and the daemon: its files are complete now
    [ "${MILTER_RC:-1}" -eq 0 ] || fail "$fmt: the milter or the syslog daemon exited with $MILTER_RC"
    e2e_until 20 queue_empty || fail "$fmt: alert mails still queued"
    sort "$ALERT_DIR/want" >"$ALERT_DIR/want.sorted"

    # 1. the alert file: exactly the failure and error events
    alerts=$ALERT_LOGDIR/alerts.log
    [ -s "$alerts" ] || fail "$fmt: no alert file $alerts"
    alert_messages "$alerts" | sort >"$ALERT_DIR/got"
    if [ "$nwant" -ge 4 ] && cmp -s "$ALERT_DIR/want.sorted" "$ALERT_DIR/got"; then
        ok "$fmt: the alert file holds exactly the $nwant failure/error events"
    else
        fail "$fmt: alert file differs from the expected events (want, got):"
        diff -u "$ALERT_DIR/want.sorted" "$ALERT_DIR/got"
    fi
    [ "$(wc -l <"$alerts")" -eq "$(alert_messages "$alerts" | wc -l)" ] ||
        fail "$fmt: the alert file has lines that are not the milter's"
    # 2. the alert program's mails: one per event, the same lines
    alert_messages "$alerts" | sort >"$ALERT_DIR/got.file"
    mail_bodies | sed 's/^.* tlsrpt-milter\[[0-9]*\]: //' | sort >"$ALERT_DIR/got.mail"
    if cmp -s "$ALERT_DIR/want.sorted" "$ALERT_DIR/got.mail"; then
        ok "$fmt: the alert program mailed $ALERT_TO exactly those $nwant events"
    else
        fail "$fmt: alert mails differ from the expected events (want, got):"
        diff -u "$ALERT_DIR/want.sorted" "$ALERT_DIR/got.mail"
    fi
    # 3. fields intact: a value with spaces and an escaped control character
    case $fmt in
    kv) field='additional-information="chain ends in\x01an expired CA"' ;;
    *) field='"additional-information":"chain ends in\u0001an expired CA"' ;;
    esac
    grep -q -F -- "$qid_failures" "$ALERT_DIR/got" && grep -q -F -- "$field" "$ALERT_DIR/got" &&
        ok "$fmt: alert file has $field" || fail "$fmt: alert file lacks $field"
    grep -q -F -- "$field" "$ALERT_DIR/got.mail" &&
        ok "$fmt: alert mail has $field" || fail "$fmt: no alert mail has $field"
    for ev in failure failure-omitted error; do
        grep -q -E -- "(: $ev |\"event\":\"$ev\")" "$ALERT_DIR/got" || fail "$fmt: no $ev event in the alert file"
    done
    for d in alert-fail alert-forged; do
        # RESULT at MX; the kv reader takes neither after a quoted value: "unknown at an unnamed MX"
        n=$(mail_subjects | grep -c "^TLS-RPT failure for $d\.example: [a-z-]* at [a-zA-Z0-9]")
        [ "$n" -eq 2 ] && ok "$fmt: 2 alert mails titled 'TLS-RPT failure for $d.example'" ||
            fail "$fmt: $n alert mails titled 'TLS-RPT failure for $d.example: RESULT at MX', want 2: $(mail_subjects)"
    done
    # 5. the forged values: every reader of the daemon finds the true fields
    if [ -n "${ALERT_FIELDS:-}" ]; then
        printf '%s\n' "alert-fail.example 2" "alert-fail.example 4" \
            "alert-forged.example 2" "alert-forged.example 3" >"$ALERT_DIR/fields.want"
        # each line: pairs that must all agree, reduced to the first
        awk '{ for (i = 3; i <= NF; i += 2) if ($i != $1 || $(i + 1) != $2) { print "DISAGREE: " $0; next }
               print $1, $2 }' "$ALERT_FIELDS" 2>/dev/null | sort >"$ALERT_DIR/fields.got"
        if cmp -s "$ALERT_DIR/fields.want" "$ALERT_DIR/fields.got"; then
            ok "$fmt: the daemon's readers take exactly the true policy-domain and failed-session-count of the 4 failure events"
        else
            fail "$fmt: the daemon's readers took other fields (want, got):"
            diff -u "$ALERT_DIR/fields.want" "$ALERT_DIR/fields.got"
            sed 's/^/  line: /' "$ALERT_FIELDS" 2>/dev/null
        fi
    fi
    # 4. the clean report and the ordinary mail: in the full log, never alerted
    grep -q -F -- "$qid_clean" "$full" || fail "$fmt: the clean report ($qid_clean) never reached the daemon"
    if grep -q -F -e "$qid_clean" -e "$qid_ordinary" -e "alert-clean.example" \
        "$alerts" "$ALERT_DIR/got.mail"; then
        fail "$fmt: the clean report or the ordinary mail was alerted"
    else
        ok "$fmt: nothing of the clean report ($qid_clean) or the ordinary mail ($qid_ordinary) alerted"
    fi
    grep -q -E -- ": (report|policy|action|ignored) |\"event\":\"(report|policy|action|ignored)\"" \
        "$alerts" && fail "$fmt: report/policy/action lines in the alert file"
    ok
}

# alert_stateful_round - the stateful alerts over simulated days: FORMAT FULLLOG SNIPPET
#
# The shipped SNIPPET in its default mode (problem, recovered, silent and
# error), the alert program given the digest and FULLLOG for its mails
# (-d, -l), and tlsrpt-lookout --alert run inside the namespace (so its
# events go through the syslog daemon to FULLLOG, where its next run reads
# them back) with --now the day after the reports' day:
#   days 1-4  an expired certificate reported by a, b and c: one problem;
#             the milter and the daemon restarted after day 2, the state
#             file damaged before day 4 (one error line, rebuilt from
#             FULLLOG): nothing repeated
#   day 5     a and b report it fixed: one recovered; a 50-line failure
#             report: one problem; a failure below --min-failed 5 and
#             --min-rate 1: none
#   day 11    c, quiet since day 4: one silent (run twice: still one)
# Then FULLLOG holds exactly those events and postmaster exactly one mail
# for each, the problem mail with the meaning, the fix and the digest's
# section of the domain; no per-line failure mail.
#
# The alert mode reads ALERT_READ (default FULLLOG).  With ALERT_VERIFIED=1
# (a file the daemon fills with the milter's user's lines only, read with
# --verified) it also takes its own earlier events from it, so the state
# rebuilt on day 4 repeats nothing; and a local user (uid 4242, with logger)
# logs a forged problem event for the real problem before day 1 and a
# forged report and problem for another domain: none of it reaches
# ALERT_READ or a mail, and the real problem is announced all the same.
# Otherwise (a file anyone can log to) the rebuilt state announces the open
# problem once more, as doc/alerting.md says.
alert_stateful_round() {
    fmt=$1
    full=$2
    conf=$ALERT_DIR/milter-state-$fmt.conf
    mkdir -p "$ALERT_DIR/state" && chmod 1777 "$ALERT_DIR/state"
    state=$ALERT_DIR/state/alert-state.$fmt
    mails=$ALERT_DIR/state-mails
    runs=$ALERT_DIR/alert-runs.$fmt
    milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" \
        "MaxFailureLines 60" "LogFormat $fmt"
    [ -d "$mails" ] || python3 "$ALERT_LIB/gen-stateful.py" "$mails" ||
        { fail "gen-stateful.py failed"; return 1; }
    cp "$top_srcdir/etc/tlsrpt-alert.sh" "$ALERT_DIR/tlsrpt-alert.sh" || return 1
    printf '#!/bin/sh\nexec sh %s -d %s -l %s "$@"\n' "$ALERT_DIR/tlsrpt-alert.sh" \
        "$TLSRPT_LOOKOUT" "${ALERT_READ:-$full}" >"$ALERT_DIR/tlsrpt-alert-state"
    chmod 755 "$ALERT_DIR/tlsrpt-alert-state" || return 1
    ALERT_PROG=$ALERT_DIR/tlsrpt-alert-state ALERT_STATEFUL=1 \
        alert_snippet "$3" "$ALERT_DIR/tlsrpt-milter.conf" || return 1
    rm -rf "$ALERT_LOGDIR" "$(maildir_of "$ALERT_TO")" "$state"
    : >"$full"
    : >"$runs"
    read=${ALERT_READ:-$full}
    verified=${ALERT_VERIFIED:-0}
    repeats=$((1 - verified)) # the problem announced again after the rebuild from an unverified file
    alert_start "$conf" || { fail "$fmt: the milter with the syslog daemon did not start"; return 1; }
    t0=$(date +%s)
    if [ "$verified" = 1 ]; then
        if [ -n "$ALERT_AS_MILTER" ]; then
            st_forge "ALERT: problem policy-domain=alert-state.example policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.alert-state.example reporters=a.example failed-session-count=10 note=forged-by-nobody"
            st_forge "ALERT: problem policy-domain=forged-by-nobody.example policy-type=sts result-type=certificate-expired receiving-mx-hostname=mx1.forged-by-nobody.example reporters=google.com failed-session-count=10"
            st_forge "FORGED0001: report report-id=forged-by-nobody organization-name=Google start-datetime=2026-11-01T00:00:00Z end-datetime=2026-11-01T23:59:59Z policy-domain=forged-by-nobody.example submitter=google.com policies=1 total-successful-session-count=0 total-failure-session-count=9 dkim=pass dkim-domain=google.com"
            st_forge "FORGED0001: failure report-id=forged-by-nobody policy-type=sts policy-domain=forged-by-nobody.example result-type=certificate-expired failed-session-count=9 receiving-mx-hostname=mx1.forged-by-nobody.example"
            st_forge "FORGED0001: action action=deliver recipients=tlsrpt@example.com"
            e2e_until 10 grep -q "FORGED0001: action" "$full" ||
                fail "$fmt: the forged lines never reached the daemon (the test lost its point)"
        else
            echo "note: not root or no setpriv: the forgery by another user is not tried"
        fi
    fi
    st_day 1 2026-11-02T06:00:00 exp-a-1 exp-b-1 exp-c-1
    st_day 2 2026-11-03T06:00:00 exp-a-2 exp-b-2 exp-c-2
    stop_milter
    [ "${MILTER_RC:-1}" -eq 0 ] || fail "$fmt: the milter or the syslog daemon exited with $MILTER_RC"
    alert_start "$conf" || { fail "$fmt: the restart failed"; return 1; }
    st_day 3 2026-11-04T06:00:00 exp-a-3 exp-b-3 exp-c-3
    printf 'tlsrpt-alert-state 1\nP\tgarbage\n' >"$state"
    st_day 4 2026-11-05T06:00:00 exp-a-4 exp-b-4 exp-c-4
    st_day 5 2026-11-06T06:00:00 fixed-a-5 fixed-b-5 fifty-5 low-5
    st_day 11 2026-11-12T07:00:00
    st_day 11 2026-11-12T07:05:00
    e2e_until 20 eval '[ "$(maildir_count "$ALERT_TO")" -ge 5 ]'
    sleep 2 # a sixth mail would be wrong: give it time to come
    stop_milter
    [ "${MILTER_RC:-1}" -eq 0 ] || fail "$fmt: the milter or the syslog daemon exited with $MILTER_RC"
    e2e_until 20 queue_empty || fail "$fmt: alert mails still queued"
    echo "$fmt: the stateful sequence took $(($(date +%s) - t0)) s"

    # the events in the log: exactly one of each
    alert_messages "$full" | grep -E '^(ALERT: |@cee:\{"event":"[a-z]+","queue-id":"ALERT")' \
        >"$ALERT_DIR/events.$fmt"
    sed 's/^/  /' "$ALERT_DIR/events.$fmt"
    [ "$verified" = 1 ] && alert_messages "$full" | grep -v "FORGED\|forged-by-nobody" |
        grep -E '^(ALERT: |@cee:\{"event":"[a-z]+","queue-id":"ALERT")' >"$ALERT_DIR/events.$fmt"
    for want in "problem alert-state.example certificate-expired $((1 + repeats))" \
        "recovered alert-state.example certificate-expired 1" \
        "problem alert-fifty.example starttls-not-supported 1" \
        "silent alert-state.example claimed:c.example 1"; do
        # shellcheck disable=SC2086
        set -- $want
        n=$(grep -E "(: $1 |\"event\":\"$1\")" "$ALERT_DIR/events.$fmt" | grep -F "$2" | grep -c -F "$3")
        [ "$n" -eq "$4" ] && ok "$fmt: $4 $1 event(s) for $2 ($3)" ||
            fail "$fmt: $n $1 events for $2 ($3), want $4"
    done
    n=$(grep -c -E '(: (problem|recovered|silent) |"event":"(problem|recovered|silent)")' \
        "$ALERT_DIR/events.$fmt")
    [ "$n" -eq $((4 + repeats)) ] && ok "$fmt: $((4 + repeats)) events in all, none for alert-low.example (below the thresholds)" ||
        fail "$fmt: $n problem/recovered/silent events, want $((4 + repeats))"
    if [ "$verified" = 1 ]; then
        grep -q -e FORGED -e forged-by-nobody "$read" &&
            fail "$fmt: a local user's line is in the verified file: $(grep -e FORGED -e forged-by-nobody "$read" | head -1)" ||
            ok "$fmt: no line of the local user's in the verified file"
        grep -r -l -q forged-by-nobody "$(maildir_of "$ALERT_TO")" &&
            fail "$fmt: a local user's forged event was mailed" || ok "$fmt: no forged event mailed"
    fi
    n=$(grep -E '(: error |"event":"error")' "$ALERT_DIR/events.$fmt" | grep -c 'rebuilt from the logs')
    [ "$n" -eq 1 ] && ok "$fmt: the damaged state file gave one error line" ||
        fail "$fmt: $n error lines for the damaged state file, want 1"
    grep -q 'state file .*rebuilt' "$runs" ||
        fail "$fmt: tlsrpt-lookout did not warn on stderr about the damaged state"

    # the mails: one per event, the problem mail with the meaning, fix and summary
    mail_subjects >"$ALERT_DIR/subjects.$fmt"
    sed 's/^/  mail: /' "$ALERT_DIR/subjects.$fmt"
    # the subject names the failing MX, not the host that logged the line
    for want in "TLS-RPT problem for alert-state.example: certificate-expired at mx1.alert-state.example $((1 + repeats))" \
        "TLS-RPT recovered for alert-state.example: certificate-expired at mx1.alert-state.example" \
        "TLS-RPT problem for alert-fifty.example: starttls-not-supported at mx1.alert-fifty.example" \
        "TLS-RPT silent: claimed:c.example for alert-state.example" \
        "TLS-RPT error on"; do
        k=1
        case $want in *" $((1 + repeats))") k=$((1 + repeats)) want=${want% *} ;; esac
        n=$(grep -c -F "$want" "$ALERT_DIR/subjects.$fmt")
        [ "$n" -eq $k ] && ok "$fmt: $k mail(s) '$want ...'" || fail "$fmt: $n mails '$want ...', want $k"
    done
    n=$(wc -l <"$ALERT_DIR/subjects.$fmt")
    [ "$n" -eq $((5 + repeats)) ] && ok "$fmt: $((5 + repeats)) alert mails for 16 reports with 64 failure lines over 5 days" ||
        fail "$fmt: $n alert mails, want $((5 + repeats))"
    m=$(grep -l -r '^Subject: TLS-RPT problem for alert-state.example' "$(maildir_of "$ALERT_TO")" | head -1)
    if [ -n "$m" ] && grep -q '^Fix: Renew the certificate' "$m" &&
        grep -Eq '^== alert-state.example( \([A-Z]+\))?: ' "$m" && grep -q 'reporter c.example' "$m"; then
        ok "$fmt: the problem mail has the meaning, the fix and the digest's section of the domain"
    else
        fail "$fmt: the problem mail lacks the fix or the digest's summary:"
        [ -n "$m" ] && sed 's/^/  /' "$m"
    fi
}

# alert_lines - how many of the alert mode's lines FULLLOG ($full) holds
alert_lines() {
    grep -c -e 'tlsrpt-milter\[[0-9]*\]: ALERT: ' -e 'tlsrpt-milter\[[0-9]*\]: @cee:{"event":"[a-z]*","queue-id":"ALERT"' "$full"
}

# st_day - one simulated day: DAY NOW MAIL... (send, wait for the logs, run the alert mode)
# st_forge - a local user (uid 4242) logs a line under the milter's tag: st_forge MESSAGE
st_forge() {
    nsenter -m -t "$MILTER_NS_PID" setpriv --reuid=4242 --regid=4242 --clear-groups \
        logger -t tlsrpt-milter -- "$1" || fail "$fmt: logger as nobody failed"
}

st_day() {
    sd_day=$1
    sd_now=$2
    shift 2
    sd_last=
    for m in "$@"; do
        qid=$(send_mail "$SENDER" tlsrpt@example.com "$mails/$m.eml") ||
            { fail "$fmt: day $sd_day: $m.eml not accepted"; continue; }
        wait_settled "$qid" || fail "$fmt: day $sd_day: $m.eml ($qid) not delivered"
        sd_last=$qid
    done
    [ -z "$sd_last" ] ||
        e2e_until 15 grep -q -e "$sd_last: action " -e "\"event\":\"action\",\"queue-id\":\"$sd_last\"" "$full" ||
        fail "$fmt: day $sd_day: the action line of $sd_last never reached the log"
    sd_before=$(alert_lines)
    echo "== day $sd_day, --now $sd_now" >>"$runs"
    # shellcheck disable=SC2046
    # the verified file is the adm group's to read (Debian); here anyone's
    [ -d "$ALERT_LOGDIR" ] && chmod -R a+rX "$ALERT_LOGDIR"
    chmod a+r "$read"
    nsenter -m -t "$MILTER_NS_PID" $ALERT_AS_MILTER "$TLSRPT_LOOKOUT" --alert --state "$state" --now "$sd_now" \
        --config "$conf" --min-failed 5 --min-rate 1 $([ "$verified" = 1 ] && echo --verified) \
        "$read" >>"$runs" 2>&1 ||
        fail "$fmt: day $sd_day: tlsrpt-lookout --alert exited with $?"
    # its lines go through the daemon: wait until they are in the log (a few s for none)
    e2e_until 3 eval '[ "$(alert_lines)" -gt "$sd_before" ]' || true
    sleep 1
}
