#!/bin/sh
# actions.sh - each Action ends where it should, through a real Postfix
#
# A parsed report (tests/data/cases/lf.eml) sent to the report address:
#   discard  -> nowhere: no Maildir, not in any queue (Postfix: milter-discard)
#   hold     -> Postfix's hold queue (postqueue -j), no Maildir
#   redirect -> the RedirectTo mailbox only
#   deliver  -> the report address's Maildir (also in reports.sh)
# With an ordinary recipient beside the report address, that recipient gets
# the message unchanged byte for byte and only the report copy is diverted
# (action=remove-recipient or redirect).  An unreadable report (bad gzip)
# and a message with no report are delivered even with Action discard.
# ReportAddress "tlsrpt@" matches any domain and a +detail; AddHeader yes
# adds one header to a delivered report.
# Recipients in other spellings (Action discard and redirect): a source
# route, one or two hops, is removed in the form Postfix stored it (without
# the route) and only then logged as removed; a quoted local part (also
# with +detail) and a trailing dot of the domain are the report address
# Postfix delivers to; look-alikes (xtlsrpt@, tlsrpt@example.com.evil) are
# ordinary mail.  (This Postfix refuses "tlsrpt@example.com"@evil.example
# and tlsrpt%example.com@relay.example at RCPT, before the milter sees
# them: tests/unit/test_addr covers those.)
set -u
. "$(dirname "$0")/lib.sh"
PF_USERS="tlsrpt@example.com tlsrpt@example.net user@example.com other@example.com reports@example.com postmaster@example.com xtlsrpt@example.com tlsrpt@example.com.evil"
e2e_need
e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }

report=$DATA/cases/lf.eml
bad=$DATA/cases/bad-corrupt-gzip.eml
notreport=$DATA/cases/not-a-report.eml
for f in "$report" "$bad" "$notreport"; do
    [ -f "$f" ] || { echo "FAIL: missing test message $f"; exit 1; }
done

# with_action - restart the milter with a configuration: with_action LINE...
with_action() {
    stop_milter
    milter_conf "$E2E_DIR/milter.conf" "$@"
    start_milter "$E2E_DIR/milter.conf" || { fail "the milter did not start with: $*"; finish; exit 1; }
}

# send - send a file, wait until Postfix is done with it; prints the queue ID
send() {
    _q=$(send_mail "$SENDER" "$@") || { fail "not accepted: $*"; return 1; }
    wait_settled "$_q" || fail "$_q: not settled in time"
    # the action line is the milter's last word on a message
    wait_for_log "tlsrpt-milter\[[0-9]+\]: $_q: action " 5 || fail "$_q: no action line"
    echo "$_q"
}

# send_plain - like send, for mail the milter must not act on
send_plain() {
    _q=$(send_mail "$SENDER" "$@") || { fail "not accepted: $*"; return 1; }
    wait_settled "$_q" || fail "$_q: not settled in time"
    echo "$_q"
}

# action_is - the queue ID's single action line matches a pattern: QID PATTERN
action_is() {
    _a=$(milter_lines "$1" | grep " $1: action ")
    if [ "$(echo "$_a" | grep -c .)" -eq 1 ] && echo "$_a" | grep -Eq -- "^mail\.info $1: action .*$2"; then
        ok
    else
        fail "$1: want one mail.info action line matching /$2/, got [$_a]"
    fi
}

# delivered_to - QID is in ADDR's Maildir (unchanged when a 3rd argument, the original, is given)
delivered_to() {
    _f=$(maildir_file "$1" "$2")
    if [ -z "$_f" ]; then
        fail "$1: not delivered to $2"
    elif [ $# -ge 3 ] && ! e2e_py unchanged "$3" "$_f"; then
        fail "$1: copy delivered to $2 is not the original"
    else
        ok
    fi
}

# not_delivered_to - QID is not in ADDR's Maildir
not_delivered_to() {
    [ -z "$(maildir_file "$1" "$2")" ] && ok || fail "$1: delivered to $2"
}

# not_queued - QID is in no Postfix queue
not_queued() {
    queue_list | grep -q " $1 " && fail "$1: still queued: $(queue_list | grep " $1 ")" || ok
}

# -- discard
with_action "Action discard"
q=$(send tlsrpt@example.com "$report")
if [ -n "$q" ]; then
    grep -q "$q: milter-discard:" "$PF_MAILLOG" && ok "discard: Postfix discarded $q" ||
        fail "$q: Postfix did not log milter-discard"
    not_delivered_to "$q" tlsrpt@example.com
    not_queued "$q"
    action_is "$q" "action=discard"
fi
q=$(send tlsrpt@example.com user@example.com "$report")
if [ -n "$q" ]; then
    delivered_to "$q" user@example.com "$report"
    not_delivered_to "$q" tlsrpt@example.com
    not_queued "$q"
    action_is "$q" "action=remove-recipient.*tlsrpt@example.com"
    ok "discard with an ordinary recipient: only the report copy dropped"
fi
q=$(send tlsrpt@example.com "$bad")
if [ -n "$q" ]; then
    delivered_to "$q" tlsrpt@example.com "$bad"
    milter_lines "$q" | grep -q "^mail\.err $q: error " && ok "unreadable report delivered with an error line" ||
        fail "$q: no error line at mail.err for the bad gzip"
    action_is "$q" "action=deliver"
fi
q=$(send tlsrpt@example.com "$notreport")
if [ -n "$q" ]; then
    delivered_to "$q" tlsrpt@example.com "$notreport"
    milter_lines "$q" | grep -q "^mail\.notice $q: ignored " && ok "no report: delivered, ignored line" ||
        fail "$q: no ignored line at mail.notice"
fi

# spellings - routed, quoted and trailing-dot report recipients beside user@: ACTION-PATTERN
spellings() {
    for r in '<@relay.example:tlsrpt@example.com>' '<@a.example,@b.example:tlsrpt@example.com>' \
        '<"tlsrpt+x"@example.com>' '<tlsrpt@example.com.>'; do
        q=$(send "$r" user@example.com "$report")
        [ -n "$q" ] || continue
        delivered_to "$q" user@example.com "$report"
        not_delivered_to "$q" tlsrpt@example.com
        action_is "$q" "$1"
        ok "$r: removed in Postfix's form, the action line says $1"
    done
}

spellings "action=remove-recipient recipients=[^ ]*tlsrpt[^ ]*@example\.com\.?(\"| |$)"
q=$(send '<"tlsrpt"@example.com>' "$report")
if [ -n "$q" ]; then
    grep -q "$q: milter-discard:" "$PF_MAILLOG" && ok "\"tlsrpt\"@example.com is the report address" ||
        fail "$q: \"tlsrpt\"@example.com: Postfix did not log milter-discard"
    not_delivered_to "$q" tlsrpt@example.com
fi
for r in xtlsrpt@example.com tlsrpt@example.com.evil; do
    q=$(send_plain "$r" "$report")
    if [ -n "$q" ]; then
        delivered_to "$q" "$r" "$report"
        [ -z "$(milter_lines "$q")" ] && ok "$r: a look-alike, not logged" ||
            fail "$q: $r was taken for a report address: $(milter_lines "$q")"
    fi
done

# -- hold
with_action "Action hold"
q=$(send tlsrpt@example.com "$report")
if [ -n "$q" ]; then
    grep -q "$q: milter-hold:" "$PF_MAILLOG" || fail "$q: Postfix did not log milter-hold"
    held=$(queue_list | grep "^hold $q ")
    case $held in
    "hold $q tlsrpt@example.com") ok "hold: $q is in the hold queue" ;;
    *) fail "$q: want it in the hold queue for tlsrpt@example.com, postqueue -j has [$(queue_list)]" ;;
    esac
    not_delivered_to "$q" tlsrpt@example.com
    action_is "$q" "action=hold"
fi
q=$(send tlsrpt@example.com user@example.com "$report")
if [ -n "$q" ]; then
    delivered_to "$q" user@example.com "$report"
    not_delivered_to "$q" tlsrpt@example.com
    not_queued "$q"
    action_is "$q" "action=remove-recipient.*tlsrpt@example.com"
fi

# -- redirect
with_action "Action redirect" "RedirectTo reports@example.com"
q=$(send tlsrpt@example.com "$report")
if [ -n "$q" ]; then
    delivered_to "$q" reports@example.com
    not_delivered_to "$q" tlsrpt@example.com
    action_is "$q" "action=redirect.*reports@example.com"
    ok "redirect: report went to reports@example.com"
fi
q=$(send user@example.com tlsrpt@example.com "$report")
if [ -n "$q" ]; then
    delivered_to "$q" user@example.com "$report"
    delivered_to "$q" reports@example.com
    not_delivered_to "$q" tlsrpt@example.com
    action_is "$q" "action=redirect.*reports@example.com"
fi
q=$(send tlsrpt@example.com "$bad")
if [ -n "$q" ]; then
    delivered_to "$q" tlsrpt@example.com "$bad"
    not_delivered_to "$q" reports@example.com
fi
for r in '<@relay.example:tlsrpt@example.com>' '<@a.example,@b.example:tlsrpt@example.com>'; do
    q=$(send "$r" user@example.com "$report")
    [ -n "$q" ] || continue
    delivered_to "$q" user@example.com "$report"
    delivered_to "$q" reports@example.com
    not_delivered_to "$q" tlsrpt@example.com
    action_is "$q" "action=redirect recipients=tlsrpt@example.com to=reports@example.com"
    ok "redirect $r: one copy to reports@, none to the report address"
done

# -- ReportAddress "tlsrpt@" (any domain, +detail), deliver with AddHeader
with_action "ReportAddress tlsrpt@" "Action deliver" "AddHeader yes"
q=$(send tlsrpt+smtp@example.net "$report")
if [ -n "$q" ]; then
    milter_lines "$q" | grep -q " $q: report " && ok "tlsrpt@ matches tlsrpt+smtp@example.net" ||
        fail "$q: no report line for tlsrpt+smtp@example.net"
    f=$(maildir_file "$q" tlsrpt@example.net)
    if [ -z "$f" ]; then
        fail "$q: not delivered to tlsrpt@example.net"
    else
        hdr=$(e2e_py added "$report" "$f") || fail "$q: AddHeader changed more than the header"
        if [ "$(echo "$hdr" | grep -c .)" -eq 1 ]; then
            ok "AddHeader yes added: $hdr"
        else
            fail "$q: AddHeader yes: want one added header field, got [$hdr]"
        fi
    fi
fi
q=$(send_plain user@example.com "$report")
if [ -n "$q" ]; then
    delivered_to "$q" user@example.com "$report"
    [ -z "$(milter_lines "$q")" ] && ok "ordinary recipient only: nothing logged" ||
        fail "$q: the milter logged for mail with no report address: $(milter_lines "$q")"
fi
finish
