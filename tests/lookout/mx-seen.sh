#!/bin/sh
# mx-seen.sh - reported failures joined to what a real Postfix logged of real TLS clients
#
# A private Postfix on loopback (tests/e2e/lib.sh) with a CA, certificates
# and keys made here by openssl, configured in turn with
#   1. an expired certificate (smtpd_tls_loglevel 0, the default): swaks
#      --tls-verify and Postfix's own smtp client (TLS policy `secure`),
#      both bound to 127.0.0.2;
#   2. a certificate for another name (smtpd_tls_loglevel 1): the smtp
#      client from 127.0.0.3;
#   3. STARTTLS off (smtpd_tls_security_level none, loglevel 1): swaks
#      --tls and the smtp client from 127.0.0.4.
# Every client fails; the Postfix lines for each are checked first (they
# are what doc/mx-evidence.md quotes).  Then a TLS report for today from
# reporter.test saying so (tests/lookout/gen-mx-report.py; sending-mta-ip
# the address each client used, plus a failure from 127.0.0.9, which
# never connected) and one for yesterday go through the real milter, and
# tlsrpt-lookout over Postfix's log and the milter's lines must say, in
# text, JSON and HTML: the three failures "seen at our MX" with the
# handshake evidence, the one from 127.0.0.9 "not seen at our MX", and
# yesterday's "no MX log for the day"; a line forged as smtpd's with a
# hostile client name under reporter.test matches the failure without
# sending-mta-ip by name, and is shown escaped.  The alert mail (etc/tlsrpt-alert.sh,
# through Postfix's sendmail) must carry the same.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/e2e/lib.sh"
: "${TLSRPT_LOOKOUT:=$top_builddir/lookout/tlsrpt-lookout}"
e2e_need
for cmd in openssl swaks sendmail postsuper; do
    command -v "$cmd" >/dev/null 2>&1 || skip "$cmd is not installed"
done
[ -x "$TLSRPT_LOOKOUT" ] || { echo "FAIL: $TLSRPT_LOOKOUT not built"; exit 1; }
# the report's day and the Postfix lines' day must be the same UTC day
[ "$(date -u +%H%M)" -lt 2350 ] || skip "too close to midnight UTC for one day's run"
today=$(date -u +%F)
yesterday=$(date -u -d yesterday +%F)

e2e_init
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
C=$E2E_DIR/certs
mkdir -p "$C/db"

# ---------------------------------------------------------------- certificates
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" -out "$C/ca.crt" -days 30 \
    -subj "/CN=mx-seen test CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 || fail "openssl: no CA"
: >"$C/db/index.txt"
echo 01 >"$C/db/serial"
cat >"$C/ca.cnf" <<EOC
[ca]
default_ca = tca
[tca]
database = $C/db/index.txt
serial = $C/db/serial
new_certs_dir = $C/db
certificate = $C/ca.crt
private_key = $C/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
EOC
# cert NAME CN NOT-BEFORE NOT-AFTER (relative dates for date -d)
cert() {
    openssl req -newkey rsa:2048 -nodes -keyout "$C/$1.key" -out "$C/$1.csr" -subj "/CN=$2" \
        -addext "subjectAltName=DNS:$2" >/dev/null 2>&1 &&
        openssl ca -batch -config "$C/ca.cnf" -in "$C/$1.csr" -out "$C/$1.crt" -notext \
            -startdate "$(date -u -d "$3" +%Y%m%d%H%M%SZ)" \
            -enddate "$(date -u -d "$4" +%Y%m%d%H%M%SZ)" >/dev/null 2>&1 ||
        fail "openssl: no $1 certificate"
}
cert expired mx.e2e.test '-10 days' '-2 days'
cert wrongname other.example '-1 day' '+20 days'
openssl x509 -in "$C/expired.crt" -noout -checkend 0 >/dev/null 2>&1 &&
    fail "the expired certificate is not expired"

# ---------------------------------------------------------------- Postfix as server and client
cat >>"$PF_CONF/master.cf" <<EOM
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
exp       unix  -       -       n       -       -       smtp -o smtp_bind_address=127.0.0.2
mis       unix  -       -       n       -       -       smtp -o smtp_bind_address=127.0.0.3
plain     unix  -       -       n       -       -       smtp -o smtp_bind_address=127.0.0.4
EOM
postconf -c "$PF_CONF" -e \
    "smtpd_tls_security_level = may" \
    "transport_maps = inline:{ exp.test=exp:[127.0.0.1]:$PF_PORT, mis.test=mis:[127.0.0.1]:$PF_PORT, plain.test=plain:[127.0.0.1]:$PF_PORT }" \
    "smtp_tls_policy_maps = inline:{ {[127.0.0.1]:$PF_PORT = secure match=mx.e2e.test} }" \
    "smtp_tls_CAfile = $C/ca.crt" "smtp_tls_loglevel = 1" \
    "minimal_backoff_time = 300s" "maximal_backoff_time = 600s" ||
    { fail "postconf"; finish; exit 1; }

conf=$E2E_DIR/mx-seen.conf
milter_conf "$conf" "ReportAddress tlsrpt@example.com" "Action deliver"
start_milter "$conf" || { fail "the milter did not start"; finish; exit 1; }

# server CERT LOGLEVEL SECURITY - reconfigure smtpd and let new processes take it
server() {
    pf_set "smtpd_tls_chain_files = $C/$1.key $C/$1.crt" "smtpd_tls_loglevel = $2" \
        "smtpd_tls_security_level = $3" || fail "postconf for $1"
    sleep 2
}

# smtp_client DOMAIN REASON - Postfix's smtp client sends to DOMAIN; wait for its deferral
smtp_client() {
    printf 'Subject: mx-seen\n\nmx-seen\n' |
        sendmail -C "$PF_CONF" -f postmaster@example.com "user@$1" ||
        { fail "sendmail to user@$1"; return; }
    if wait_for_maillog "to=<user@$1>.*status=deferred \\($2" 30; then
        ok "the smtp client to $1 was deferred: $2"
    else
        fail "the smtp client to $1 was not deferred with \"$2\""
    fi
    postsuper -c "$PF_CONF" -d ALL >/dev/null 2>&1
}

# swaks_client ADDRESS ARGS... - swaks from ADDRESS must fail
swaks_client() {
    _a=$1
    shift
    if swaks --server "127.0.0.1:$PF_PORT" --local-interface "$_a" --ehlo client.test \
        --from postmaster@example.com --to user@example.com --quit-after RCPT "$@" \
        >"$E2E_DIR/swaks.$_a" 2>&1; then
        fail "swaks from $_a succeeded:"
        cat "$E2E_DIR/swaks.$_a"
    else
        ok "swaks from $_a failed: $(grep '^\*\*\*' "$E2E_DIR/swaks.$_a" | head -1)"
    fi
}

# 1. expired certificate, default log level
server expired 0 may
swaks_client 127.0.0.2 --tls --tls-verify --tls-ca-path "$C/ca.crt"
smtp_client exp.test "Server certificate not verified"
# 2. a name mismatch, smtpd_tls_loglevel = 1
server wrongname 1 may
smtp_client mis.test "Server certificate not verified"
# 3. STARTTLS off
server wrongname 1 none
swaks_client 127.0.0.4 --tls
smtp_client plain.test "TLS is required, but was not offered"

# what the real Postfix wrote (doc/mx-evidence.md quotes these)
want_log() {
    if grep -Eq -- "$1" "$PF_MAILLOG"; then ok; else fail "Postfix did not log /$1/"; fi
}
want_log 'postfix/smtpd\[[0-9]+\]: SSL_accept error from [^ ]*\[127\.0\.0\.2\]: '
want_log 'postfix/smtpd\[[0-9]+\]: warning: TLS library problem: .*alert certificate expired'
want_log 'postfix/smtpd\[[0-9]+\]: lost connection after STARTTLS from [^ ]*\[127\.0\.0\.2\]'
want_log 'postfix/smtpd\[[0-9]+\]: disconnect from [^ ]*\[127\.0\.0\.2\] ehlo=1 starttls=0/1 commands=1/2'
want_log 'postfix/smtpd\[[0-9]+\]: disconnect from [^ ]*\[127\.0\.0\.2\] ehlo=1 starttls=1 quit=1 commands=3'
want_log 'postfix/smtpd\[[0-9]+\]: [A-Za-z]+ TLS connection established from [^ ]*\[127\.0\.0\.3\]: TLSv'
want_log 'postfix/smtpd\[[0-9]+\]: disconnect from [^ ]*\[127\.0\.0\.3\] ehlo=1 starttls=1 quit=1 commands=3'
want_log 'postfix/smtpd\[[0-9]+\]: disconnect from [^ ]*\[127\.0\.0\.4\] ehlo=1 quit=1 commands=2'
if grep -Eq 'TLS connection established from [^ ]*\[127\.0\.0\.2\]' "$PF_MAILLOG"; then
    fail "smtpd_tls_loglevel 0 logged an established TLS connection"
else
    ok "smtpd_tls_loglevel 0: no 'TLS connection established' line"
fi

# ---------------------------------------------------------------- the reports
python3 "$top_srcdir/tests/lookout/gen-mx-report.py" "$E2E_DIR/mails" "$today" "$yesterday" ||
    { fail "gen-mx-report.py"; finish; exit 1; }
for f in today yesterday; do
    qid=$(send_mail "$SENDER" tlsrpt@example.com "$E2E_DIR/mails/$f.eml") ||
        { fail "$f.eml not accepted"; continue; }
    wait_settled "$qid" || fail "$f.eml: $qid not settled"
    wait_for_log " $qid: action " 10 || fail "$f.eml: no action line for $qid"
done
stop_milter
grep -q 'failure .*sending-mta-ip=127.0.0.2' "$E2E_SYSLOG" && ok || fail "the milter logged no failure from 127.0.0.2"
# the milter's lines as a syslog file would have them, beside Postfix's own log
stamp=$(date '+%b %d %H:%M:%S')
sed -n "s/^[a-z0-9-]*\\.[a-z]* \\(tlsrpt-milter\\[[0-9]*\\]: .*\\)\$/$stamp mx \\1/p" "$E2E_SYSLOG" \
    >"$E2E_DIR/milter.log"
# a local user's forgery (logger -t postfix/smtpd): a client named under
# reporter.test, with markup and a control character in the name
printf '%s mx postfix/smtpd[4242]: disconnect from <img/src=x/onerror=alert(1)>\a.reporter.test[192.0.2.66] ehlo=1 quit=1 commands=2\n' \
    "$stamp" >"$E2E_DIR/forged.log"
LOGS="$PF_MAILLOG $E2E_DIR/milter.log $E2E_DIR/forged.log"

# ---------------------------------------------------------------- the digest
T=$E2E_DIR/digest
mkdir -p "$T"
# shellcheck disable=SC2086
"$TLSRPT_LOOKOUT" --today "$today" --days 2 $LOGS >"$T/text"
# shellcheck disable=SC2086
"$TLSRPT_LOOKOUT" --today "$today" --days 2 --json $LOGS >"$T/json"
# shellcheck disable=SC2086
"$TLSRPT_LOOKOUT" --today "$today" --days 2 --html "$T/html" $LOGS >/dev/null
# shellcheck disable=SC2086
"$TLSRPT_LOOKOUT" --today "$today" --days 2 --no-mx $LOGS >"$T/nomx"

# text: the failure's line, then "our MX logged: ..." on the next
after() { # PATTERN-OF-FAILURE-LINE - the evidence line after it
    awk -v p="$1" 'f { print; exit } index($0, p) { f = 1 }' "$T/text"
}
want_text() { # FAILURE-LINE-PART EVIDENCE-REGEX
    if grep -qF -- "$1" "$T/text" && after "$1" | grep -Eq -- "$2"; then
        ok "text: $1"
    else
        fail "text: want \"$1\" then /$2/; the digest:"
        sed -n '/at our MX/,$p' "$T/text" | head -40
    fi
}
want_text "$today certificate-expired from reporter.test sending-mta-ip 127.0.0.2 mx mx.e2e.test ip 127.0.0.1, 2 failed: seen at our MX" \
    'our MX logged: [0-9]+ sessions of 1 client \([^)]*\[127\.0\.0\.2\].*STARTTLS 2 tried, 1 succeeded; 1 failed handshakes, 1 lost after STARTTLS, 1 TLS then no mail.*reasons: sslv3 alert certificate expired \(1\)'
want_text "$today certificate-host-mismatch from reporter.test sending-mta-ip 127.0.0.3 mx mx.e2e.test ip 127.0.0.1, 2 failed: seen at our MX" \
    '\[127\.0\.0\.3\].*STARTTLS 1 tried, 1 succeeded; 0 failed handshakes, 0 lost after STARTTLS, 1 TLS then no mail.*1 TLS connections established \(TLSv1\.[23]\)'
want_text "$today starttls-not-supported from reporter.test sending-mta-ip 127.0.0.4 mx mx.e2e.test ip 127.0.0.1, 2 failed: seen at our MX" \
    '\[127\.0\.0\.4\].*STARTTLS 0 tried, 0 succeeded; .* 2 without STARTTLS'
want_text "$today sts-policy-fetch-error from reporter.test sending-mta-ip 127.0.0.9 mx mx.e2e.test ip 127.0.0.1, 1 failed: not seen at our MX" \
    'our MX logged: no session of sending-mta-ip 127\.0\.0\.9 that day'
want_text "$yesterday certificate-expired from reporter.test sending-mta-ip 127.0.0.2 mx mx.e2e.test ip 127.0.0.1, 1 failed: no MX log for the day" \
    'our MX logged: no session'
grep -q 'the fix is on our MX' "$T/text" && ok || fail "text: no 'what it means' for a handshake failure"
# the forged line: matched by name (no sending-mta-ip), shown, escaped
want_text "$today validation-failure from reporter.test mx mx.e2e.test ip 127.0.0.1, 1 failed: seen at our MX" \
    'our MX logged: 1 sessions of 1 client \(<img/src=x/onerror=alert\(1\)>\\x07\.reporter\.test\[192\.0\.2\.66\] at mx, matched by name\)'
if grep -q '<img' "$T/html"; then
    fail "html: a forged client name came through as markup"
else
    grep -q '&#60;img/src=x/onerror=alert(1)&#62;\\x07.reporter.test' "$T/html" && ok "html: the forged name escaped" ||
        fail "html: the forged name is missing"
fi
if grep -q 'at our MX' "$T/nomx"; then fail "--no-mx still joins"; else ok "--no-mx: no join"; fi

# JSON
python3 - "$T/json" "$today" "$yesterday" <<'PY' && ok "json: verdicts and evidence" || fail "json (above)"
import json, sys
d = json.load(open(sys.argv[1]))
today, yesterday = sys.argv[2], sys.argv[3]
dom = [x for x in d["domains"] if x["policy-domain"] == "example.com"][0]
ev = {(e["date"], e["result-type"]): e for e in dom["mx-evidence"]}
want = {(today, "certificate-expired"): "seen", (today, "certificate-host-mismatch"): "seen",
        (today, "starttls-not-supported"): "seen", (today, "sts-policy-fetch-error"): "not-seen",
        (yesterday, "certificate-expired"): "no-mx-log",
        (today, "validation-failure"): "seen"}
bad = [(k, ev.get(k, {}).get("verdict"), v) for k, v in want.items() if ev.get(k, {}).get("verdict") != v]
e = ev[(today, "certificate-expired")]
if e["matched-by"] != "sending-mta-ip" or e["client"]["ip"] != "127.0.0.2" or \
        e["handshake-errors"] < 1 or not any("certificate expired" in r["reason"] for r in e["reasons"]):
    bad.append(("expired evidence", e))
if ev[(today, "starttls-not-supported")]["without-starttls"] < 1:
    bad.append(("starttls evidence", ev[(today, "starttls-not-supported")]))
if d["mx-log"]["days-with-lines"] != 1 or d["mx-log"]["lines"] < 10:
    bad.append(("mx-log", d["mx-log"]))
for b in bad:
    print("json: got, want:", b)
sys.exit(1 if bad else 0)
PY

# HTML: one row per failure, classed by verdict, the reason escaped as text
n=$(grep -c '<tr class="seen">' "$T/html")
[ "$n" -eq 4 ] && ok || fail "html: $n rows seen at our MX, want 4"
grep -q '<tr class="not-seen">' "$T/html" && grep -q '<tr class="no-mx-log">' "$T/html" &&
    grep -q 'sslv3 alert certificate expired' "$T/html" && ok || fail "html: rows or reason missing"

# the alert mail carries the domain's section, evidence included
cat >"$E2E_DIR/pf-sendmail" <<EOS
#!/bin/sh
exec sendmail -C "$PF_CONF" "\$@"
EOS
chmod 755 "$E2E_DIR/pf-sendmail"
printf '%s mx tlsrpt-lookout[1]: ALERT: problem policy-domain=example.com result-type=certificate-expired failed-session-count=2 last-day=%s\n' \
    "$stamp" "$today" |
    sh "$top_srcdir/etc/tlsrpt-alert.sh" -s "$E2E_DIR/pf-sendmail" -d "$TLSRPT_LOOKOUT" -l "$LOGS" \
        postmaster@example.com
if e2e_until 20 eval '[ "$(maildir_count postmaster@example.com)" -ge 1 ]'; then
    m=$(find "$(maildir_of postmaster@example.com)/new" -type f | head -1)
    grep -q "certificate-expired from reporter.test sending-mta-ip 127.0.0.2 .*: seen at our MX" "$m" &&
        grep -q 'sslv3 alert certificate expired' "$m" && ok "alert mail: seen at our MX, with the reason" ||
        { fail "alert mail without the MX evidence:"; cat "$m"; }
else
    fail "no alert mail for postmaster@example.com"
fi
[ -n "${MX_SEEN_SHOW:-}" ] && { cat "$T/text"; cat "$PF_MAILLOG"; }
finish
