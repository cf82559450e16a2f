#!/bin/sh
# protocol.sh - what miltertest cannot express, with a raw milter client
#
# rawmilter.py plays the MTA against the real milter, whose syslog
# (libmilter's own lines included) is captured as in the end-to-end tests:
#   reuse   a second SMTP session after SMFIC_QUIT_NC on the same
#           connection gets the same replies and the same action lines as
#           the first, and libmilter logs no "claimed not to reply" line
#   qid     a queue ID sent with MAIL for one message is not the next
#           message's (that one has none: NOQUEUE); one sent only at
#           end-of-message is used
#   order   ordinary mail in unusual command orders (BODY right after RCPT,
#           header events without DATA, EOM right after RCPT, an abort) is
#           accepted and never logged
#   routed  removal requests carry the address without its source route
#   delfail with failwrite.c preloaded, libmilter cannot send the removal of
#           one address: that is an error line, the recipient is named as
#           delivered, and nothing removed means action=deliver
#   drain   SIGTERM with a report message half sent: what tlsrpt-milter(8)
#           says happens (with a libmilter that keeps serving sessions the
#           message ends normally; with Debian's worker pool it gets no
#           further reply and the connection is closed): exit 0, within
#           10 s, the stats/stopping lines, and no action line for it
set -u
. "$(dirname "$0")/../e2e/lib.sh"
e2e_need
e2e_init
RAW="$PYTHON $top_srcdir/tests/miltertest/rawmilter.py"
report=$DATA/cases/lf.eml
MILTER_PORT=$(e2e_py freeport) || exit 1
spec=inet:$MILTER_PORT@127.0.0.1

# run - start the milter with a configuration, run one scenario: NAME CONF-LINES...
run() {
    _name=$1
    shift
    milter_conf "$E2E_DIR/$_name.conf" "$@"
    : >"$E2E_SYSLOG"
    start_milter "$E2E_DIR/$_name.conf" || { fail "$_name: the milter did not start"; return 1; }
    $RAW "$_name" "$spec" "$report" >"$E2E_DIR/$_name.out" 2>&1
    _rc=$?
    stop_milter
    [ "$MILTER_RC" -eq 0 ] || fail "$_name: exit status $MILTER_RC after SIGTERM"
    return $_rc
}

# no_libmilter_complaint - libmilter logged no protocol error: NAME
no_libmilter_complaint() {
    if grep -Eq 'claimed not to reply|private data not NULL|st_[a-z]*\[' "$E2E_SYSLOG"; then
        fail "$1: libmilter complained: $(grep -E 'claimed|private data|st_' "$E2E_SYSLOG" | head -3)"
    else
        ok
    fi
}

# action_of - the action line (without the syslog prefix) of a queue ID
action_of() {
    milter_lines "$1" | grep " $1: action " | sed "s/^[^ ]* $1: //"
}

# -- reuse after QUIT_NC
if run reuse "Action discard" "MaxMessageSize 100K"; then
    ok "reuse: the session after QUIT_NC got the same replies"
else
    fail "reuse: $(cat "$E2E_DIR/reuse.out")"
fi
no_libmilter_complaint reuse
for m in A C; do
    a0=$(action_of "QIDREUSE0$m") a1=$(action_of "QIDREUSE1$m")
    if [ -n "$a0" ] && [ "$a0" = "$a1" ]; then
        ok "reuse: message $m: same action line in both sessions ($a0)"
    else
        fail "reuse: message $m: action [$a0] in the first session, [$a1] after QUIT_NC"
    fi
    e0=$(milter_lines "QIDREUSE0$m" | sed 's/QIDREUSE0/QID/' | sed 's/^[^ ]* //')
    e1=$(milter_lines "QIDREUSE1$m" | sed 's/QIDREUSE1/QID/' | sed 's/^[^ ]* //')
    [ "$e0" = "$e1" ] && ok || fail "reuse: message $m: the lines differ: [$e0] and [$e1]"
done
# the MTA offered no recipient removal: the milter knows it in both sessions
grep -q 'QIDREUSE1A: action action=deliver' "$E2E_SYSLOG" &&
    ok "reuse: no removal claimed where the MTA granted none" ||
    fail "reuse: $(action_of QIDREUSE1A)"
[ -z "$(milter_lines QIDREUSE0B)$(milter_lines QIDREUSE1B)" ] && ok ||
    fail "reuse: ordinary mail logged: $(milter_lines QIDREUSE1B)"

# -- queue IDs
run qid "Action discard" || fail "qid: $(cat "$E2E_DIR/qid.out")"
n1=$(grep -c 'QIDMAIL1: action ' "$E2E_SYSLOG")
[ "$n1" -eq 1 ] && ok "qid: the MAIL queue ID named one message" ||
    fail "qid: $n1 action lines under QIDMAIL1 (a stale MAIL macro reused?)"
grep -q 'NOQUEUE: action action=discard' "$E2E_SYSLOG" &&
    ok "qid: the message without a queue ID is NOQUEUE" || fail "qid: no NOQUEUE action line"
grep -q 'QIDEOM3: action action=discard' "$E2E_SYSLOG" &&
    ok "qid: a queue ID given at end-of-message is used" || fail "qid: no QIDEOM3 action line"

# -- command orders
run order || fail "order: $(cat "$E2E_DIR/order.out")"
want="body-first: a
hdr-first: - a
eom-first: ([], 'a')
abort+whole: ['-', '-', 'a']"
got=$(head -4 "$E2E_DIR/order.out")
[ "$got" = "$want" ] && ok "order: ordinary mail accepted in every order" ||
    fail "order: replies [$got], want [$want]"
if grep -Ev 'QIDORDER: | (starting|stopping) tlsrpt-milter| stats when=' "$E2E_SYSLOG" |
    grep -q 'tlsrpt-milter\['; then
    fail "order: ordinary mail was logged: $(grep -Ev 'QIDORDER: |starting|stopping|stats when=' "$E2E_SYSLOG" | head -3)"
else
    ok "order: nothing logged for ordinary mail"
fi
grep -q 'QIDORDER: action ' "$E2E_SYSLOG" && ok "order: the report with BODY first has its action line" ||
    fail "order: no action line for the report sent BODY first"
no_libmilter_complaint order

# -- removal requests without source route
run routed "Action discard" || fail "routed: $(cat "$E2E_DIR/routed.out")"
for r in '<@relay.example:tlsrpt@example.com>' '<@a.example,@b.example:tlsrpt@example.com>'; do
    grep -qF "$r: ([('-', '<tlsrpt@example.com>')], 'c')" "$E2E_DIR/routed.out" &&
        ok "routed: $r removed as <tlsrpt@example.com>" ||
        fail "routed: $r: $(grep -F "$r" "$E2E_DIR/routed.out")"
done
grep -qF "<\"tlsrpt\"@example.com>: ([('-', '<\"tlsrpt\"@example.com>')], 'c')" "$E2E_DIR/routed.out" &&
    ok "routed: a quoted local part is a report address" ||
    fail "routed: quoted: $(grep -F '"tlsrpt"' "$E2E_DIR/routed.out")"

# -- a removal libmilter cannot send is not logged as done
if command -v "${CC:-cc}" >/dev/null 2>&1 &&
    "${CC:-cc}" -shared -fPIC -I"$top_builddir" -o "$E2E_DIR/failwrite.so" \
        "$top_srcdir/tests/miltertest/failwrite.c" -ldl 2>"$E2E_DIR/cc.err"; then
    # ASan wants to come first among the libraries; the preload is ours
    TLSRPT_MILTER_WRAPPER="env LD_PRELOAD=$E2E_DIR/failwrite.so ASAN_OPTIONS=verify_asan_link_order=0"
    run delfail "Action discard" || fail "delfail: $(cat "$E2E_DIR/delfail.out")"
    TLSRPT_MILTER_WRAPPER=
    grep -q 'QIDFAIL1: error reason="smfi_delrcpt failed for <tlsrpt+fail@example.com>"' "$E2E_SYSLOG" &&
        ok "delfail: the failed removal has an error line" ||
        fail "delfail: no smfi_delrcpt error line for QIDFAIL1"
    a=$(action_of QIDFAIL1)
    case $a in
    "action action=deliver recipients=tlsrpt+fail@example.com reason="*) ok "delfail: nothing removed: $a" ;;
    *) fail "delfail: QIDFAIL1: action line [$a], want action=deliver" ;;
    esac
    a=$(action_of QIDFAIL2)
    case $a in
    'action action=remove-recipient recipients=tlsrpt@example.com reason="not removed, delivered to: tlsrpt+fail@example.com"')
        ok "delfail: one of two removed: $a" ;;
    *) fail "delfail: QIDFAIL2: action line [$a]" ;;
    esac
    grep -q "QIDFAIL2.*('-', '<tlsrpt@example.com>')" "$E2E_DIR/delfail.out" && ok ||
        fail "delfail: QIDFAIL2: the removal that could be sent is missing: $(cat "$E2E_DIR/delfail.out")"
    # the same with Action redirect: the RedirectTo copy is added first
    TLSRPT_MILTER_WRAPPER="env LD_PRELOAD=$E2E_DIR/failwrite.so ASAN_OPTIONS=verify_asan_link_order=0"
    run delfail "Action redirect" "RedirectTo reports@example.com" ||
        fail "delfail redirect: $(cat "$E2E_DIR/delfail.out")"
    TLSRPT_MILTER_WRAPPER=
    a=$(action_of QIDFAIL1)
    case $a in
    "action action=deliver recipients=tlsrpt+fail@example.com to=reports@example.com reason="*)
        ok "delfail redirect: nothing removed: $a" ;;
    *) fail "delfail redirect: QIDFAIL1: action line [$a], want action=deliver" ;;
    esac
    a=$(action_of QIDFAIL2)
    case $a in
    'action action=redirect recipients=tlsrpt@example.com to=reports@example.com reason="not removed, delivered to: tlsrpt+fail@example.com"')
        ok "delfail redirect: one of two removed: $a" ;;
    *) fail "delfail redirect: QIDFAIL2: action line [$a]" ;;
    esac
else
    echo "no C compiler, or failwrite.so did not build: delfail not run"
    cat "$E2E_DIR/cc.err" 2>/dev/null
fi

# -- SIGTERM with a report message half sent
milter_conf "$E2E_DIR/drain.conf" "Action discard"
: >"$E2E_SYSLOG"
if start_milter "$E2E_DIR/drain.conf"; then
    t0=$(date +%s)
    $RAW drain "$spec" "$report" "$MILTER_PID" >"$E2E_DIR/drain.out" 2>&1
    e2e_until 10 e2e_gone "$MILTER_NS_PID" || fail "drain: the milter still runs 10 s after SIGTERM"
    took=$(($(date +%s) - t0))
    stop_milter
    [ "$MILTER_RC" -eq 0 ] && ok "drain: exit status 0 after ${took}s" || fail "drain: exit status $MILTER_RC"
    grep -q 'stats when=exit' "$E2E_SYSLOG" && grep -q 'stopping tlsrpt-milter' "$E2E_SYSLOG" &&
        ok || fail "drain: no stats when=exit / stopping line"
    case $(head -1 "$E2E_DIR/drain.out") in
    "eom: c "* | "eom: d "*)
        grep -q 'QIDDRAIN: action ' "$E2E_SYSLOG" &&
            ok "drain: the message in progress was finished and logged" ||
            fail "drain: end-of-message answered but no action line"
        ;;
    "eom: none "*)
        # Debian's libmilter: no command is read once the stop began
        grep -q 'QIDDRAIN: action ' "$E2E_SYSLOG" &&
            fail "drain: an action line for a message that got no reply" ||
            ok "drain: the message in progress got no reply and was not logged (left to the MTA)"
        grep -q 'stopping with 1 report message(s) in progress' "$E2E_SYSLOG" && ok ||
            fail "drain: no 'stopping with 1 report message(s) in progress' line"
        ;;
    *) fail "drain: $(cat "$E2E_DIR/drain.out")" ;;
    esac
    cat "$E2E_DIR/drain.out"
else
    fail "drain: the milter did not start"
fi
finish
