#!/bin/sh
# dns.sh - "tlsrpt-milter -n -D" against a real DNS server (unbound)
#
# In a private network and mount namespace (unshare -mn: only its own
# loopback, and its own /etc/resolv.conf bound over the host's), unbound
# serves a zone with, for each report domain, one shape of _smtp._tls
# record: right (sends the reports to our ReportAddress), split over two
# character-strings, percent-encoded, with an address extension, wrong
# (reports go elsewhere), missing, malformed (no rua=, a near miss of the
# version tag), and two records at once.  -n -D must give each its verdict,
# count the bad ones as problems (exit 1), and show the _mta-sts record
# and the MX set.  Then unbound is stopped: every look-up is "noanswer",
# said as such, no warning, exit 0.  Nothing outside the namespaces is
# changed, and no query leaves the machine.
set -u
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root for unshare -mn"
command -v unbound >/dev/null || skip "unbound not installed (tests/install-deps.sh)"
command -v unshare >/dev/null || skip "unshare not installed"
unshare -mn true 2>/dev/null || skip "unshare -mn not permitted here"

tmp=$(mktemp -d /tmp/tlsrpt-dns.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/unbound.conf" <<EOF
server:
    interface: 127.0.0.1
    port: 53
    do-ip6: no
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$tmp"
    pidfile: "$tmp/unbound.pid"
    use-syslog: no
    logfile: "$tmp/unbound.log"
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    local-zone: "test." static
    local-data: '_smtp._tls.right.test. TXT "v=TLSRPTv1; rua=mailto:tlsrpt@right.test"'
    local-data: '_mta-sts.right.test. TXT "v=STSv1; id=20261201T000000"'
    local-data: 'right.test. MX 10 mx1.right.test.'
    local-data: 'right.test. MX 20 mx2.right.test.'
    local-data: '_smtp._tls.split.test. TXT "v=TLSRPTv1; rua=mailto:tls" "rpt@split.test"'
    local-data: '_smtp._tls.pct.test. TXT "v=TLSRPTv1;rua=https://r.example/x , mailto:tlsrpt%40pct.test"'
    local-data: '_smtp._tls.ext.test. TXT "v=TLSRPTv1; rua=mailto:tlsrpt+mx@ext.test; foo=bar;"'
    local-data: '_smtp._tls.wrong.test. TXT "v=TLSRPTv1; rua=mailto:reports@elsewhere.example"'
    local-data: '_smtp._tls.bad.test. TXT "v=TLSRPTv1; ruaa=mailto:tlsrpt@bad.test"'
    local-data: '_smtp._tls.near.test. TXT "v=TLSRPTv1 rua=mailto:tlsrpt@near.test"'
    local-data: '_smtp._tls.multi.test. TXT "v=TLSRPTv1; rua=mailto:tlsrpt@multi.test"'
    local-data: '_smtp._tls.multi.test. TXT "v=TLSRPTv1; rua=mailto:other@multi.test"'
    local-data: '_smtp._tls.other.test. TXT "google-site-verification=abc"'
EOF
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$tmp/resolv.conf"
cat >"$tmp/milter.conf" <<EOF
ReportAddress tlsrpt@
RecipientDelimiter +
ReportDomains right.test split.test pct.test ext.test wrong.test missing.test
ReportDomains bad.test near.test multi.test other.test
EOF

# inside: the namespace's side of the test, output to files
cat >"$tmp/inside.sh" <<'EOF'
set -u
tmp=$1 milter=$2 lookout=$3
ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null || exit 3
mount --bind "$tmp/resolv.conf" /etc/resolv.conf || exit 4
unbound -d -c "$tmp/unbound.conf" >"$tmp/unbound.out" 2>&1 &
pid=$!
i=0
until "$milter" -c "$tmp/milter.conf" -n -D >/dev/null 2>"$tmp/probe.err" &&
    ! grep -q noanswer "$tmp/probe.err"; do
    i=$((i + 1))
    [ $i -lt 50 ] || break
    sleep 0.1
done
"$milter" -c "$tmp/milter.conf" -n -D >"$tmp/up.out" 2>"$tmp/up.err"
echo $? >"$tmp/up.rc"
: >"$tmp/empty.log"
"$lookout" --dns --config "$tmp/milter.conf" --today 2026-12-01 "$tmp/empty.log" >"$tmp/up.txt" 2>&1
"$lookout" --dns --json --config "$tmp/milter.conf" --today 2026-12-01 "$tmp/empty.log" >"$tmp/up.json" 2>&1
kill "$pid"
wait "$pid" 2>/dev/null
start=$(date +%s)
"$milter" -c "$tmp/milter.conf" -n -D >"$tmp/down.out" 2>"$tmp/down.err"
echo $? >"$tmp/down.rc"
echo $(($(date +%s) - start)) >"$tmp/down.secs"
"$lookout" --dns --config "$tmp/milter.conf" --today 2026-12-01 "$tmp/empty.log" >"$tmp/down.txt" 2>&1
EOF
: "${TLSRPT_LOOKOUT:=$top_builddir/lookout/tlsrpt-lookout}"
unshare -mn --propagation private sh "$tmp/inside.sh" "$tmp" "$TLSRPT_MILTER" "$TLSRPT_LOOKOUT" ||
    { cat "$tmp/unbound.out" "$tmp/unbound.log" 2>/dev/null; fail "the namespace's script failed"; }

# expect DOMAIN VERDICT [TEXT] - the _smtp._tls line of DOMAIN while unbound runs
expect() {
    line=$(grep "dns: $1: _smtp._tls.$1: " "$tmp/up.err")
    case $line in
    *"_smtp._tls.$1: $2"*) ;;
    *) fail "$1: want $2, got: ${line:-nothing}"; return ;;
    esac
    if [ "$2" = ours ]; then
        case $line in *warning:*) fail "$1: a warning for a right record: $line"; return ;; esac
    else
        case $line in *warning:*) ;; *) fail "$1: no warning for $2: $line"; return ;; esac
    fi
    if [ $# -gt 2 ]; then
        case $line in *"$3"*) ;; *) fail "$1: want \"$3\" in: $line"; return ;; esac
    fi
    ok "$1: $2"
}
expect right.test ours "reports go to mailto:tlsrpt@right.test"
expect split.test ours
expect pct.test ours
expect ext.test ours
expect wrong.test elsewhere "mailto:reports@elsewhere.example, none of them a ReportAddress"
expect missing.test none "no TXT record"
expect other.test none "1 TXT record, none a TLS-RPT record"
expect bad.test malformed "no rua="
expect near.test malformed "senders ignore it"
expect multi.test multiple "send no report"
grep -q 'dns: right.test: _mta-sts.right.test: v=STSv1; id=20261201T000000' "$tmp/up.err" &&
    ok "the _mta-sts record is shown" || fail "no _mta-sts line: $(grep _mta-sts.right "$tmp/up.err")"
grep -q 'dns: right.test: MX: 10 mx1.right.test, 20 mx2.right.test' "$tmp/up.err" &&
    ok "the MX set is shown" || fail "no MX line: $(grep 'right.test: MX' "$tmp/up.err")"
[ "$(cat "$tmp/up.rc")" = 1 ] && ok "exit 1 when a record does not bring the reports" ||
    fail "exit $(cat "$tmp/up.rc") with bad records, want 1"
n=$(grep -c 'warning: dns:' "$tmp/up.err")
[ "$n" = 6 ] && ok "6 problems" || fail "$n dns warnings, want 6"

# with the server stopped: nothing is known, and it is said so
n=$(grep -c '_smtp._tls.*: noanswer: DNS gave' "$tmp/down.err")
[ "$n" = 10 ] && ok "server stopped: 10 domains said as noanswer" ||
    { fail "server stopped: $n noanswer lines, want 10"; cat "$tmp/down.err"; }
grep -q 'warning: dns' "$tmp/down.err" && fail "a warning while DNS gave no answer" ||
    ok "no answer is not a failure"
# -n's exit status also counts this machine's own MTA side (no /dev/log,
# Postfix's smtpd_milters): 1 only for those warnings, none from DNS
nw=$(grep -c '^tlsrpt-milter: warning: ' "$tmp/down.err")
[ "$(cat "$tmp/down.rc")" = $((nw > 0)) ] &&
    ok "exit $(cat "$tmp/down.rc") when DNS gives no answer ($nw warnings, none from DNS)" ||
    fail "exit $(cat "$tmp/down.rc") when DNS gives no answer, want $((nw > 0)) ($nw warnings on the MTA's side)"
[ "$(cat "$tmp/down.secs")" -lt 120 ] && ok "bounded: $(cat "$tmp/down.secs") s for 30 look-ups" ||
    fail "$(cat "$tmp/down.secs") s with the server stopped"

# tlsrpt-lookout --dns: the same verdicts next to each domain without reports
grep -A2 '^== right.test' "$tmp/up.txt" | grep -q 'DNS: _smtp._tls record ours: reports go to mailto:tlsrpt@right.test' &&
    ok "lookout --dns: right.test ours" || { fail "lookout --dns: right.test"; cat "$tmp/up.txt"; }
grep -A2 '^== multi.test' "$tmp/up.txt" | grep -q 'DNS: _smtp._tls record multiple: ' &&
    ok "lookout --dns: multi.test multiple" || fail "lookout --dns: multi.test"
python3 - "$tmp/up.json" <<'PY' && ok "lookout --dns --json: a dns object per silent domain" || fail "lookout --dns --json"
import json, sys
doc = json.load(open(sys.argv[1]))
got = {d["policy-domain"]: d["dns"]["verdict"] for d in doc["domains"] if "dns" in d}
want = {"right.test": "ours", "wrong.test": "elsewhere", "missing.test": "none",
        "bad.test": "malformed", "multi.test": "multiple"}
for k, v in want.items():
    if got.get(k) != v:
        sys.exit("%s: got %s, want %s" % (k, got.get(k), v))
PY
n=$(grep -c 'DNS: _smtp._tls record noanswer: DNS gave' "$tmp/down.txt")
[ "$n" = 10 ] && ok "lookout --dns, server stopped: 10 noanswer" ||
    { fail "lookout --dns, server stopped: $n noanswer lines"; cat "$tmp/down.txt"; }
finish
