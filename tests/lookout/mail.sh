#!/bin/sh
# mail.sh - tlsrpt-lookout --mail: multipart/alternative (text and HTML) through sendmail
#
# First through a stand-in sendmail that keeps its arguments and input
# (always runs): the arguments are "-oi [-f FROM] -- ADDRESS"; the message
# has To, Subject with the failed-session count, Auto-Submitted, MIME
# multipart/alternative with a text/plain and a text/html part whose
# contents are the digest's text and page (with a report whose values are
# long runs of characters the page escapes); both parts quoted-printable:
# no line passes 78 bytes, no byte outside ASCII; exit 1 (failures).  A sendmail that fails gives exit 2.  Then, as
# root with Postfix, through the real Postfix sendmail of a private instance
# (tests/e2e/lib.sh): the mail reaches postmaster@example.com's Maildir and
# parses the same way.  --mail-file writes the same message to a file
# (sendmail not run); bare local names (root) are addresses; an empty,
# option-like or header-breaking address is refused (exit 2).
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-lookout-mail.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

cat >"$T/sendmail" <<EOF2
#!/bin/sh
printf '%s\n' "\$@" >"$T/args"
cat >"$T/msg"
EOF2
chmod +x "$T/sendmail"

# check_mail - the message is our multipart/alternative digest: FILE ADDRESS
check_mail() {
    "$PYTHON" - "$1" "$2" "$T/want.txt" "$T/want.html" <<'PY'
import email, sys
from email import policy
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=policy.default)
bad = []
def want(what, got, exp):
    if got != exp:
        bad.append("%s: got %r, want %r" % (what, got, exp))
want("To", m["To"], sys.argv[2])
want("Subject", m["Subject"], "TLS-RPT digest 2026-11-23 to 2026-11-29: 40 failed sessions")
want("Auto-Submitted", m["Auto-Submitted"], "auto-generated")
want("type", m.get_content_type(), "multipart/alternative")
parts = list(m.iter_parts()) if m.is_multipart() else []
want("part types", [p.get_content_type() for p in parts], ["text/plain", "text/html"])
if len(parts) == 2:
    want("text part", parts[0].get_content().rstrip("\n"), open(sys.argv[3], encoding="utf-8").read().rstrip("\n"))
    want("html part", parts[1].get_content().rstrip("\n"), open(sys.argv[4], encoding="utf-8").read().rstrip("\n"))
long = [len(l) for l in raw.split(b"\n") if len(l.rstrip(b"\r")) > 78]
if long:
    bad.append("lines longer than 78 bytes: %s" % long[:3])
if any(b > 127 for b in raw):
    bad.append("a byte outside ASCII in the mail (want quoted-printable parts)")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
}

# plus a report whose values are long runs of characters the page escapes
"$PYTHON" - >"$T/long.log" <<'PY'
v = "\\x22" + "<" * 120 + "\u00e9" * 60 + "\\x3d" * 20
h = "Nov 28 09:00:00 mx1 tlsrpt-milter[1]: "
print(h + 'L1: report report-id=long policy-domain=example.com start-datetime=2026-11-28T00:00:00Z '
      'policies=1 dkim=none reporter=long.example reporter-kind=claimed submitter=long.example '
      'organization-name="%s"' % v)
print(h + 'L1: policy report-id=long policy-type=sts total-successful-session-count=1 '
      'total-failure-session-count=1 failure-details=1 reporter-kind=claimed')
print(h + 'L1: failure report-id=long policy-type=sts result-type="%s" receiving-mx-hostname="%s" '
      'failed-session-count=1 reporter-kind=claimed failure-reason-code="%s"' % (v, v, v))
PY
cat "$DDATA/kv.log" "$T/long.log" >"$T/in.log"
digest "$T/in.log" >"$T/want.txt"
digest --html "$T/want.html" "$T/in.log" >/dev/null
digest --mail postmaster@example.com --from digest@example.com --sendmail "$T/sendmail" \
    "$T/in.log" >"$T/out"
expect_rc 1 $? "--mail over a week with failures"
[ -s "$T/out" ] && fail "--mail also printed the text digest"
printf '%s\n' -oi -f digest@example.com -- postmaster@example.com >"$T/want-args"
same "$T/want-args" "$T/args" "sendmail arguments"
check_mail "$T/msg" postmaster@example.com && ok "the stand-in sendmail got the digest" ||
    fail "the mail given to the stand-in sendmail (above)"
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' >"$T/sendmail-fails"
chmod +x "$T/sendmail-fails"
digest --mail postmaster@example.com --sendmail "$T/sendmail-fails" "$DDATA/kv.log" >/dev/null 2>&1
expect_rc 2 $? "a sendmail that fails"

# --mail-file: the same message into a file (the unit's sandboxed step),
# no sendmail run; a bare local name is an address, as sendmail takes it
rm -f "$T/args"
digest --mail root --mail-file "$T/saved.eml" --sendmail "$T/sendmail" "$T/in.log" >"$T/out"
expect_rc 1 $? "--mail root --mail-file"
[ -e "$T/args" ] && fail "--mail-file ran sendmail"
[ -e "$T/saved.eml.tmp" ] && fail "--mail-file left its .tmp file"
check_mail "$T/saved.eml" root && ok "--mail-file wrote the digest mail to root" ||
    fail "the mail written by --mail-file (above)"
digest --mail-file "$T/x.eml" "$T/in.log" >/dev/null 2>&1
expect_rc 2 $? "--mail-file without --mail"
for a in "" "-oQ/tmp" "@example.com" "a b@example.com" "a,b@example.com" "<a@example.com>"; do
    digest --mail "$a" "$T/in.log" >/dev/null 2>&1
    expect_rc 2 $? "--mail '$a' refused"
done

# -- through a real Postfix (private instance), when the end-to-end tests can run
if [ "$(id -u)" -eq 0 ] && command -v postfix >/dev/null 2>&1 && [ -x /usr/sbin/sendmail ]; then
    _f=$failures _c=$checks
    . "$top_srcdir/tests/e2e/lib.sh" # (resets the counters and takes the EXIT trap)
    failures=$_f checks=$_c
    e2e_init
    if PF_MILTER=no pf_start; then
        printf '#!/bin/sh\nMAIL_CONFIG=%s exec /usr/sbin/sendmail "$@"\n' "$PF_CONF" >"$T/pf-sendmail"
        chmod +x "$T/pf-sendmail"
        digest --mail postmaster@example.com --sendmail "$T/pf-sendmail" "$T/in.log" >/dev/null
        expect_rc 1 $? "--mail through Postfix's sendmail"
        e2e_until 30 eval '[ "$(maildir_count postmaster@example.com)" -ge 1 ]' ||
            fail "no mail in postmaster@example.com's Maildir"
        f=$(find "$(maildir_of postmaster@example.com)/new" "$(maildir_of postmaster@example.com)/cur" -type f 2>/dev/null | head -1)
        if [ -n "$f" ] && check_mail "$f" postmaster@example.com; then
            ok "delivered by the real Postfix"
        else
            fail "the mail delivered by Postfix (above)"
            tail -20 "$PF_MAILLOG"
        fi
    else
        fail "Postfix did not start"
    fi
else
    echo "note: not root or no Postfix: the real-Postfix part is left out"
fi
rm -rf "$T"
finish
