#!/bin/sh
# tests/lookout/prom.sh - the Prometheus textfile scraped by the real node_exporter
#
# Policy domains whose values differ only in how a control byte or a
# backslash is written (a line feed, and the text "\x0a"; a quote, and the
# text '\"') must be as many series as values (a reporter is a host name,
# reporter-kind, so hostile bytes reach the labels through domains and
# result types only): node_exporter's
# textfile collector (Debian's prometheus-node-exporter, started here on a
# loopback port) takes the file with no error (nor with google.com both
# DKIM-authenticated and claimed in one domain: label reporter_kind), no "collected before" (a
# duplicate series it would drop at every scrape), and serves every series.
. "$(dirname "$0")/lib.sh"
NE=$(command -v prometheus-node-exporter || command -v node_exporter) ||
    skip "prometheus-node-exporter is not installed (tests/install-deps.sh)"
tmp=$(mktemp -d)
ne_pid=
trap '[ -n "$ne_pid" ] && kill "$ne_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# one report per hostile policy domain value (kv-escaped as the milter writes it)
n=0
for v in 'x\x0a' 'x\x5cx0a' 'q\x22' 'q\x5c\x22' 'x\x5c\x5cx0a' 'u\xe2\x80\xa8' 'u\x5cu2028' \
    'r d\x0a' 'r d\x5cx0a' 'r d\xff' 'r d\x5cxff'; do
    n=$((n + 1))
    dom="$v.example"
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: Q%s: report report-id=R%s policy-domain="%s" start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z policies=1 total-successful-session-count=%s total-failure-session-count=0 dkim=none reporter=sender.example reporter-kind=claimed submitter=sender.example\n' \
        "$n" "$n" "$dom" "$n"
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: Q%s: policy report-id=R%s policy-domain="%s" policy-type=sts total-successful-session-count=%s total-failure-session-count=0 failure-details=0 reporter-kind=claimed sts-mode=enforce\n' \
        "$n" "$n" "$dom" "$n"
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: Q%s: action action=deliver recipients=tlsrpt@example.com\n' "$n"
done >"$tmp/hostile.log"
# google.com DKIM-authenticated and a stranger's claimed google.com in one
# domain: two reporters (reporter_kind), never one series written twice
for k in dkim claimed; do
    n=$((n + 1))
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: K%s: report report-id=K%s policy-domain=ours.example start-datetime=2026-11-28T00:00:00Z end-datetime=2026-11-28T23:59:59Z policies=1 total-successful-session-count=5 total-failure-session-count=0 dkim=none reporter=google.com reporter-kind=%s\n' \
        "$n" "$n" "$k"
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: K%s: policy report-id=K%s policy-domain=ours.example policy-type=sts total-successful-session-count=5 total-failure-session-count=0 failure-details=0 reporter-kind=%s\n' \
        "$n" "$n" "$k"
    printf 'Nov 29 06:00:00 mx tlsrpt-milter[1]: K%s: action action=deliver recipients=tlsrpt@example.com\n' "$n"
done >>"$tmp/hostile.log"
mkdir "$tmp/textfile"
"$TLSRPT_LOOKOUT" --today "$TODAY" --prometheus "$tmp/textfile/tlsrpt.prom" "$tmp/hostile.log" >/dev/null
[ -s "$tmp/textfile/tlsrpt.prom" ] || { fail "no Prometheus file written"; finish; exit 1; }
want=$(grep -c '^tlsrpt_lookout_reporter_reports{' "$tmp/textfile/tlsrpt.prom")
[ "$want" -eq "$n" ] && ok || fail "$want reporter series in the file, want $n (one per report)"
dups=$(grep -v '^#' "$tmp/textfile/tlsrpt.prom" | sed 's/ [^ ]*$//' | sort | uniq -d)
[ -z "$dups" ] && ok || fail "series written twice: $dups"

port=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$tmp/textfile" >"$tmp/ne.log" 2>&1 &
ne_pid=$!
scrape() {
    $PYTHON - "$port" >"$tmp/scrape" 2>"$tmp/scrape.err" <<'PY'
import sys, urllib.request
r = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5)
print("HTTP", r.status)
sys.stdout.write(r.read().decode("utf-8", "replace"))
PY
}
wait_for scrape || { fail "node_exporter did not answer: $(cat "$tmp/ne.log" "$tmp/scrape.err")"; finish; exit 1; }
scrape
head -1 "$tmp/scrape" | grep -q '^HTTP 200$' && ok || fail "scrape: $(head -1 "$tmp/scrape")"
grep -q '^node_textfile_scrape_error 0$' "$tmp/scrape" && ok ||
    fail "the textfile collector reports an error: $(grep textfile_scrape_error "$tmp/scrape"); $(tail -3 "$tmp/ne.log")"
{ grep -i -q "collected before" "$tmp/scrape" || grep -i -q "collected before\|duplicate" "$tmp/ne.log"; } &&
    fail "node_exporter: duplicate series: $(grep -i -h "collected before" "$tmp/scrape" "$tmp/ne.log" | head -2)" || ok
got=$(grep -c '^tlsrpt_lookout_reporter_reports{' "$tmp/scrape")
[ "$got" -eq "$n" ] && ok "node_exporter serves all $n reporter series of $n distinct hostile domain values" ||
    { fail "node_exporter serves $got reporter series, want $n:"; grep '^tlsrpt_lookout_reporter_reports{' "$tmp/scrape"; }
got=$(grep '^tlsrpt_lookout_sessions{' "$tmp/scrape" | grep -c 'result="successful"')
[ "$got" -eq "$((n - 1))" ] && ok || fail "$got domains' session series, want $((n - 1))"
finish
