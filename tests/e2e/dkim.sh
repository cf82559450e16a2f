#!/bin/sh
# dkim.sh - only DKIM-authenticated reports count: OpenDKIM in front, in a real Postfix
#
# A private Postfix runs OpenDKIM (Debian's opendkim, verify mode, public
# key from TestPublicKeys so no DNS is needed, AuthservID = Postfix's
# myhostname mx.e2e.test) and then tlsrpt-milter in smtpd_milters.  Report
# mails are made and DKIM-signed here with a throwaway key (python3-dkim):
#   signed by the submitter's domain          -> dkim=pass reporter=reporter.test reporter-kind=dkim
#   signed by a sub-domain of the submitter   -> dkim=pass (reporter=corp.reporter.test)
#   signed by another domain                  -> dkim=fail reporter-kind=claimed
#   unsigned                                  -> dkim=none
#   unsigned, with a sender-written "Authentication-Results: mx.e2e.test;
#   dkim=pass header.d=reporter.test" (our own authserv-id) -> never pass
#   a signed mail changed in transit (body)   -> dkim=fail
#   attacks on the verdict, with both KeepAuthResults settings, never pass:
#   signed by attacker.test with an i= of 300 bytes (OpenDKIM copies it
#   into header.i: its field must still be read, dkim=fail attacker.test),
#   an i= that puts "(" into OpenDKIM's own field (which then cannot be
#   read: dkim=fail) or a quoted "x(y", each with a sender-written
#   "Authentication-Results: mx.e2e.test; dkim/1=pass
#   header.d=reporter.test" below it
# Then RequireDKIM yes: only the authenticated report gives report lines,
# the others one ignored line each, none diverted (Action discard);
# ReportDomains: a report about a foreign domain is ignored and delivered;
# StateFile: a report sent twice is logged once and "ignored
# reason=duplicate" the second time, also after a milter restart, and a
# corrupted state file does not stop the milter; a stranger's report
# (signed by attacker.test) with the real sender's organization-name and
# report-id does not make the real, authenticated report a duplicate.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need
command -v opendkim >/dev/null 2>&1 || skip "opendkim is not installed (Debian package opendkim)"
/usr/bin/python3 -c 'import dkim' 2>/dev/null || skip "python3-dkim is not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl is not installed"
e2e_init

MK="/usr/bin/python3 $E2E_LIB/dkimmail.py"
K=$E2E_DIR/dkim
mkdir -p "$K"
$MK keygen "$K" || { fail "cannot make a DKIM key"; finish; exit 1; }
# every signing domain uses the same key, selector "sel"
: >"$K/keys"
for d in reporter.test corp.reporter.test other.test attacker.test; do
    printf 'sel._domainkey.%s %s\n' "$d" "$(cat "$K/dns.txt")" >>"$K/keys"
done

# OpenDKIM: verify only, inet socket on loopback, foreground
DKIM_PORT=$(e2e_py freeport) || exit 1
cat >"$K/opendkim.conf" <<EOC
Mode v
Socket inet:$DKIM_PORT@127.0.0.1
AuthservID mx.e2e.test
TestPublicKeys $K/keys
AlwaysAddARHeader yes
Background no
PidFile $K/opendkim.pid
Syslog no
UserID opendkim
EOC
chown -R opendkim "$K" 2>/dev/null || chmod -R a+rX "$K"
opendkim -f -x "$K/opendkim.conf" >"$K/opendkim.log" 2>&1 &
DKIM_PID=$!
stop_opendkim() { kill "$DKIM_PID" 2>/dev/null; wait "$DKIM_PID" 2>/dev/null; }
E2E_CLEANUP_HOOK=stop_opendkim
e2e_py waitport "$DKIM_PORT" 20 || { cat "$K/opendkim.log"; fail "opendkim did not start"; finish; exit 1; }

pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
pf_set "smtpd_milters = inet:127.0.0.1:$DKIM_PORT, inet:127.0.0.1:$MILTER_PORT"
pf_reload

conf=$E2E_DIR/milter.conf
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver"
start_milter "$conf" || { fail "the milter did not start"; finish; exit 1; }

# mail NAME ID SIGNER [EXTRA-HEADER...] - make $E2E_DIR/NAME.eml, signed by SIGNER ("-": not)
mail() {
    _n=$1 _id=$2 _signer=$3
    shift 3
    $MK report "$E2E_DIR/$_n.raw" "$_id" example.com reporter.test tlsrpt@reporter.test 3 "$@" ||
        return 1
    if [ "$_signer" = - ]; then
        mv "$E2E_DIR/$_n.raw" "$E2E_DIR/$_n.eml"
    else
        $MK sign "$E2E_DIR/$_n.raw" "$E2E_DIR/$_n.eml" "$K" sel "$_signer"
    fi
}

# send NAME - send NAME.eml to the report address; prints the queue ID once settled
send() {
    _q=$(send_mail "$SENDER" tlsrpt@example.com "$E2E_DIR/$1.eml") || return 1
    wait_settled "$_q" || return 1
    e2e_until 10 eval '[ -n "$(milter_lines "$_q" | grep " $_q: action ")" ]' || return 1
    echo "$_q"
}

# line QID EVENT - the milter's line for EVENT of QID (first one)
line() {
    milter_lines "$1" | grep " $1: $2 " | head -1
}

# expect_report NAME DKIM [DOMAIN] - NAME's report line says dkim=DKIM and, for
# dkim=pass, reporter=DOMAIN reporter-kind=dkim; else the reporter is not DKIM's
expect_report() {
    q=$(send "$1") || { fail "$1: not delivered or not logged"; return; }
    l=$(line "$q" report)
    case $l in
    *" dkim=$2 "*) ;;
    *) fail "$1: want dkim=$2 on the report line, got [$l]"; return ;;
    esac
    if [ "$2" = pass ]; then
        case $l in
        *" reporter=$3 reporter-kind=dkim "*) ok ;;
        *) fail "$1: want reporter=$3 reporter-kind=dkim, got [$l]" ;;
        esac
    else
        case $l in
        *reporter-kind=dkim*) fail "$1: dkim=$2 with reporter-kind=dkim: [$l]" ;;
        *) ok ;;
        esac
    fi
}

mail signed id-signed reporter.test
mail child id-child corp.reporter.test
mail other id-other other.test
mail unsigned id-unsigned -
mail forged id-forged - "Authentication-Results: mx.e2e.test; dkim=pass header.d=reporter.test header.i=@reporter.test"
mail forged2 id-forged2 - "Authentication-Results: MX.E2E.TEST 1; dkim=pass (forged) header.d=reporter.test" \
    "Authentication-Results: mx.e2e.test; dkim=pass header.d=reporter.test"
mail tampered id-tampered reporter.test
FORGED_DKIM1="Authentication-Results: mx.e2e.test; dkim/1=pass header.d=reporter.test"
# attack NAME IDENTITY - signed by attacker.test with i=IDENTITY, a forged dkim/1 field below
attack() {
    $MK report "$E2E_DIR/$1.raw" "id-$1" example.com reporter.test tlsrpt@reporter.test 3 \
        "$FORGED_DKIM1" &&
        $MK sign "$E2E_DIR/$1.raw" "$E2E_DIR/$1.eml" "$K" sel attacker.test "$2"
}
attack attlong "$(printf '%0286d' 0 | tr 0 a)@attacker.test" || fail "cannot make attlong"
attack attparen 'x(y@attacker.test' || fail "cannot make attparen"
attack attquote '"x(y"@attacker.test' || fail "cannot make attquote"
sed 's/This is a TLS report\./This is a changed TLS report./' "$E2E_DIR/tampered.eml" >"$E2E_DIR/t.tmp" &&
    mv "$E2E_DIR/t.tmp" "$E2E_DIR/tampered.eml"

expect_report signed pass reporter.test
expect_report child pass corp.reporter.test
expect_report other fail other.test
expect_report unsigned none
expect_report tampered fail

for n in forged forged2; do
    q=$(send "$n") || { fail "$n: not delivered or not logged"; continue; }
    l=$(line "$q" report)
    case $l in
    *" dkim=pass"*) fail "$n: a sender-written Authentication-Results was believed: [$l]" ;;
    *" dkim=none"* | *" dkim=fail"*) ok ;;
    *) fail "$n: no dkim= on the report line: [$l]" ;;
    esac
    # and the copy delivered must not carry the forged field as ours either
    f=$(maildir_file "$q" tlsrpt@example.com)
    if [ -n "$f" ] && grep -qi '^Authentication-Results: *mx\.e2e\.test.*dkim=pass' "$f"; then
        fail "$n: the delivered copy still says mx.e2e.test dkim=pass"
    else
        ok
    fi
done

# expect_not_pass LABEL NAME... - each report line has dkim=fail or dkim=none, never pass
expect_not_pass() {
    _label=$1
    shift
    for _n in "$@"; do
        q=$(send "$_n") || { fail "$_n ($_label): not delivered or not logged"; continue; }
        l=$(line "$q" report)
        echo "$_n ($_label): dkim=${l##* dkim=}"
        case $l in
        *" dkim=pass"*) fail "$_n ($_label): the verdict was talked round: [$l]" ;;
        *" dkim=fail"* | *" dkim=none"*) ok ;;
        *) fail "$_n ($_label): no dkim= on the report line: [$l]" ;;
        esac
        # attlong: OpenDKIM's field on top, read in spite of its 286-byte header.i;
        # attparen: its header.i "x(y@..." opens a comment that never closes, so
        # the top field cannot be read: fail, and the forged field below is not read
        case $_n:$l in
        attlong:*" dkim=fail reporter="*" reporter-kind=claimed "*) ok ;;
        attlong:*) fail "attlong ($_label): want dkim=fail, a claimed reporter: [$l]" ;;
        attparen:*" dkim=fail reporter="*" reporter-kind=claimed "*) ok ;;
        attparen:*) fail "attparen ($_label): want dkim=fail (an unreadable top field): [$l]" ;;
        esac
    done
}
expect_not_pass "KeepAuthResults no" attlong attparen attquote
# what OpenDKIM wrote for the long i=: a header.i longer than 255 bytes, on top
q=$(send attlong) && f=$(maildir_file "$q" tlsrpt@example.com) && [ -n "$f" ] &&
    /usr/bin/python3 - "$f" <<'EOP' && ok || fail "attlong: OpenDKIM's field is not on top with a long header.i"
import email, re, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
ar = [" ".join(v.split()) for v in msg.get_all("Authentication-Results", [])]
m = re.search(r"header\.i=(\S+)", ar[0]) if ar else None
sys.exit(0 if ar[0].startswith("mx.e2e.test") and "header.d=attacker.test" in ar[0]
         and m and len(m.group(1)) > 255 else 1)
EOP

# -- our own check, without OpenDKIM's clean-up: with KeepAuthResults yes
# OpenDKIM leaves a sender-written field with our authserv-id in place, but
# it sits below OpenDKIM's own field, where tlsrpt-milter believes nothing
stop_opendkim
echo "KeepAuthResults yes" >>"$K/opendkim.conf"
opendkim -f -x "$K/opendkim.conf" >"$K/opendkim.log" 2>&1 &
DKIM_PID=$!
e2e_py waitport "$DKIM_PORT" 20 || { cat "$K/opendkim.log"; fail "opendkim did not restart"; }
for n in forged forged2; do
    q=$(send "$n") || { fail "$n (KeepAuthResults yes): not logged"; continue; }
    f=$(maildir_file "$q" tlsrpt@example.com)
    [ -n "$f" ] && grep -qi '^Authentication-Results: *mx\.e2e\.test; dkim=pass' "$f" ||
        fail "$n (KeepAuthResults yes): the forged field should now reach the mailbox"
    case $(line "$q" report) in
    *" dkim=pass"*) fail "$n (KeepAuthResults yes): the forged field was believed" ;;
    *" dkim=none"*) ok ;;
    *) fail "$n (KeepAuthResults yes): want dkim=none, got [$(line "$q" report)]" ;;
    esac
done
expect_not_pass "KeepAuthResults yes" attlong attparen attquote
expect_report signed pass reporter.test

# -- RequireDKIM yes, Action discard: only the authenticated report is logged and diverted
stop_milter
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action discard" "RequireDKIM yes"
start_milter "$conf" || { fail "the milter did not start with RequireDKIM yes"; finish; exit 1; }
q=$(send signed) || fail "signed: not logged with RequireDKIM yes"
if [ -n "$q" ]; then
    case $(line "$q" report) in
    *" dkim=pass"*) ok ;;
    *) fail "signed, RequireDKIM yes: want a report line with dkim=pass" ;;
    esac
    case $(line "$q" action) in
    *action=discard*) ok ;;
    *) fail "signed, RequireDKIM yes: want action=discard, got [$(line "$q" action)]" ;;
    esac
fi
for n in other unsigned forged forged2 tampered attlong attparen attquote; do
    q=$(send "$n") || { fail "$n: not logged with RequireDKIM yes"; continue; }
    got=$(milter_lines "$q" | grep -v " $q: action " | sed "s/^[a-z.]* $q: //")
    case $got in
    'ignored reason="not DKIM-authenticated" report-id=id-'"$n"' '*submitter=reporter.test*) ok ;;
    *) fail "$n, RequireDKIM yes: want only one ignored line, got [$got]" ;;
    esac
    [ "$(milter_lines "$q" | grep -c " $q: ")" -eq 2 ] || fail "$n: more lines than ignored + action"
    case $(line "$q" action) in
    *action=deliver*) ok ;;
    *) fail "$n: an unauthenticated report was diverted: [$(line "$q" action)]" ;;
    esac
    [ -n "$(maildir_file "$q" tlsrpt@example.com)" ] || fail "$n: not delivered"
done

# -- ReportDomains: a report about somebody else's domain is ignored and delivered
stop_milter
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action discard" "ReportDomains example.org"
start_milter "$conf" || { fail "the milter did not start with ReportDomains"; finish; exit 1; }
q=$(send signed) || fail "signed: not logged with ReportDomains"
if [ -n "$q" ]; then
    got=$(milter_lines "$q" | grep -v " $q: action " | sed "s/^[a-z.]* $q: //")
    case $got in
    'ignored reason="foreign policy-domain" report-id=id-signed '*policy-domain=example.com*) ok ;;
    *) fail "foreign report: want one ignored line, got [$got]" ;;
    esac
    case $(line "$q" action) in
    *action=deliver*) ok ;;
    *) fail "foreign report: diverted: [$(line "$q" action)]" ;;
    esac
fi

# -- StateFile: a report delivered twice is logged once, also across a restart
state=$E2E_DIR/run/state
stop_milter
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver" "StateFile $state" \
    "ReportDomains example.com, example.org"
start_milter "$conf" || { fail "the milter did not start with StateFile"; finish; exit 1; }
mail dup1 id-dup-1 reporter.test
mail dup2 id-dup-2 reporter.test
q1=$(send dup1) && q2=$(send dup1) || fail "dup1: not logged twice"
case $(line "$q1" report) in *report-id=id-dup-1*) ok ;; *) fail "dup1: first copy not logged in full" ;; esac
got=$(milter_lines "$q2" | grep -v " $q2: action " | sed "s/^[a-z.]* $q2: //")
case $got in
'ignored reason=duplicate report-id=id-dup-1 '*) ok ;;
*) fail "dup1: second copy: want one ignored reason=duplicate line, got [$got]" ;;
esac
[ -n "$(maildir_file "$q2" tlsrpt@example.com)" ] || fail "dup1: second copy not delivered (Action deliver)"
stop_milter
start_milter "$conf" || { fail "the milter did not restart"; finish; exit 1; }
q3=$(send dup1) || fail "dup1: not logged after the restart"
case $(line "$q3" ignored) in
*'reason=duplicate report-id=id-dup-1 '*) ok ;;
*) fail "dup1 after a restart: want ignored reason=duplicate, got [$(milter_lines "$q3")]" ;;
esac
q4=$(send dup2) || fail "dup2: not logged"
case $(line "$q4" report) in *report-id=id-dup-2*) ok ;; *) fail "dup2: a new report not logged in full" ;; esac

# a corrupted state file: the milter starts, warns, and carries on
stop_milter
head -c 300 /dev/urandom >>"$state"
printf 'garbage line\n\001\002\n' >>"$state"
start_milter "$conf" || { fail "the milter did not start with a corrupted state file"; finish; exit 1; }
q5=$(send dup2) || fail "dup2: not logged after the corruption"
case $(line "$q5" ignored) in
*'reason=duplicate report-id=id-dup-2 '*) ok ;;
*) fail "dup2 after the corruption: want ignored reason=duplicate, got [$(milter_lines "$q5")]" ;;
esac
mail dup3 id-dup-3 reporter.test
q6=$(send dup3) || fail "dup3: not logged"
case $(line "$q6" report) in *report-id=id-dup-3*) ok ;; *) fail "dup3: not logged in full" ;; esac
grep -q 'tlsrpt-milter\[[0-9]*\]: state file' "$E2E_SYSLOG" || grep -qi 'warning.*state' "$E2E_SYSLOG" ||
    fail "no warning about the damaged state file"

# a stranger (DKIM-authenticated for attacker.test) claims the real sender's
# organization-name and report-id first: the real report is still logged in full
DKIMMAIL_ORG="Reporter Org reporter.test" $MK report "$E2E_DIR/stranger.raw" id-dup-4 example.com \
    attacker.test tlsrpt@attacker.test 3 &&
    $MK sign "$E2E_DIR/stranger.raw" "$E2E_DIR/stranger.eml" "$K" sel attacker.test ||
    fail "cannot make the stranger's mail"
mail dup4 id-dup-4 reporter.test
q7=$(send stranger) || fail "stranger: not logged"
case $(line "$q7" report) in
*report-id=id-dup-4*'dkim=pass reporter=attacker.test reporter-kind=dkim'*) ok ;;
*) fail "stranger: want its own report line, got [$(milter_lines "$q7")]" ;;
esac
q8=$(send dup4) || fail "dup4: not logged"
case $(line "$q8" report) in
*report-id=id-dup-4*'dkim=pass reporter=reporter.test reporter-kind=dkim'*) ok ;;
*) fail "dup4 after the stranger's copy: want the report logged, got [$(milter_lines "$q8")]" ;;
esac
[ -n "$(line "$q8" failure)" ] || fail "dup4: its failure line was not logged"
q9=$(send dup4) || fail "dup4 again: not logged"
case $(line "$q9" ignored) in
*'reason=duplicate report-id=id-dup-4 '*) ok ;;
*) fail "dup4 again: want ignored reason=duplicate, got [$(milter_lines "$q9")]" ;;
esac

finish
