#!/bin/sh
# mta-bench.sh - Postfix with and without tlsrpt-milter: messages/s and CPU per message
#
# Usage (root; by hand or `make bench-mta`, never in `make check`):
#   sh bench/mta-bench.sh
# Environment: MTA_MESSAGES (per run, default 1000), MTA_ROUNDS (default 3),
# MTA_SESSIONS (default 20), MTA_RSS_REPORTS (default 10000; 0 skips the
# memory phase), MTA_UNIX=1 (milter on a unix socket, not TCP),
# MTA_REFERENCE=1 (also the runs d, e, f below; REF_MILTER is
# bench/ref-milter), BENCH_DIR (where gen-report.py's small.eml is, made
# if missing), top_srcdir, top_builddir, TLSRPT_MILTER as for the e2e
# tests.
#
# A private Postfix (tests/e2e/lib.sh's pf_start) relays everything to
# smtp-sink on loopback; it has two smtpd listeners, one without milter
# and one with tlsrpt-milter attached (milter_default_action=accept,
# Action deliver, ReportAddress tlsrpt@sink.test).  bench/mta-send.py
# sends MTA_MESSAGES messages over MTA_SESSIONS concurrent sessions, one
# message per connection, for each of
#   (a) ordinary mail, no milter;
#   (b) ordinary mail (to user@sink.test), milter attached;
#   (c) every message a small report (to tlsrpt@sink.test, each with a
#       report-id of its own), milter attached;
# and with MTA_REFERENCE=1, ordinary mail through three filters that do
# nothing (bench/ref-milter.c), each on an smtpd listener of its own:
#   (d) accepts at CONNECT;  (e) accepts at DATA, replying to every event
#   before;  (f) accepts at DATA, negotiated as tlsrpt-milter is;
# in alternating rounds a, b, c, [d, e, f,] a, b, c, ...  A run lasts from the first
# connection until Postfix's queue is empty (everything relayed to the
# sink).  CPU is every process of Postfix (master and all its children),
# the milter and smtp-sink, counted by a cgroup v2 of their own
# (cpu.stat usage_usec), and of that the milter's own (/proc/PID/stat
# utime + stime, all threads); not counted: the sender, and the syslog listener
# of the milter's capture namespace (tests/e2e/syslogd.py, moved out:
# it stands for the host's syslog daemon).  Medians over the rounds, and
# ratios to (a).  Then, unless MTA_RSS_REPORTS=0, that many reports go
# through the milter while its VmRSS is sampled every second (target 5).
#
# Other load on the machine changes rates and, less, CPU per message:
# compare ratios from one run, and rerun when the rounds disagree.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/e2e/lib.sh"

N=${MTA_MESSAGES:-1000}
ROUNDS=${MTA_ROUNDS:-3}
SESSIONS=${MTA_SESSIONS:-20}
RSS_REPORTS=${MTA_RSS_REPORTS:-10000}
BENCH_DIR=${BENCH_DIR:-$top_builddir/bench-data}
CG_ROOT=/sys/fs/cgroup/unified
[ -f /sys/fs/cgroup/cgroup.controllers ] && CG_ROOT=/sys/fs/cgroup

e2e_need
command -v smtp-sink >/dev/null 2>&1 || skip "smtp-sink is not installed (postfix package)"
[ -f "$CG_ROOT/cgroup.procs" ] || skip "no cgroup v2 hierarchy at $CG_ROOT"
CG=$CG_ROOT/tlsrpt-mta-bench.$$
mkdir "$CG" 2>/dev/null || skip "cannot create a cgroup under $CG_ROOT"
[ -f "$CG/cpu.stat" ] || { rmdir "$CG"; skip "no cpu.stat in $CG"; }

e2e_init
SINK_PID= REF_PIDS=
# bench_cleanup - stop smtp-sink and the reference milters, then what lib.sh started, then remove the cgroup
bench_cleanup() {
    _rc=$?
    trap - EXIT
    [ -z "$SINK_PID" ] || { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; }
    # shellcheck disable=SC2086
    [ -z "$REF_PIDS" ] || { kill $REF_PIDS 2>/dev/null; wait $REF_PIDS 2>/dev/null; }
    (exit "$_rc")
    (e2e_cleanup)
    _rc=$?
    _i=0
    while [ -d "$CG" ] && ! rmdir "$CG" 2>/dev/null && [ $_i -lt 50 ]; do
        sleep 0.2
        _i=$((_i + 1))
    done
    exit "$_rc"
}
trap bench_cleanup EXIT

# inputs: the small report of the in-process benchmark, and an ordinary message
if [ ! -s "$BENCH_DIR/small.eml" ]; then
    mkdir -p "$BENCH_DIR"
    "$PYTHON" "$top_srcdir/bench/gen-report.py" -o "$BENCH_DIR" small >/dev/null || exit 1
fi
REPORT=$BENCH_DIR/small.eml
ORDINARY=$E2E_DIR/ordinary.eml
{
    printf 'From: Alice Example <alice@sender.test>\nTo: User <user@sink.test>\n'
    printf 'Subject: Minutes of the weekly meeting\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n'
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
    printf 'Content-Transfer-Encoding: 8bit\n\n'
    i=0
    while [ $i -lt 40 ]; do
        printf 'Line %02d of an ordinary message body, some seventy characters long.\n' $i
        i=$((i + 1))
    done
} >"$ORDINARY"

# MTA_UNIX=1: Postfix talks to the milter over a unix socket instead of TCP
if [ -n "${MTA_UNIX:-}" ]; then
    MILTER_SOCKET=unix:$E2E_DIR/run/milter.sock
    PF_MILTER_SPEC=$MILTER_SOCKET
fi

# everything started from here on runs in the cgroup
echo $$ >"$CG/cgroup.procs" || { echo "cannot join $CG"; exit 1; }
pf_start || { echo "FAIL: Postfix did not start"; exit 1; }
SINK_PORT=$(e2e_py freeport) || exit 1
PLAIN_PORT=$(e2e_py freeport) || exit 1
smtp-sink -u nobody "127.0.0.1:$SINK_PORT" 256 >"$E2E_DIR/sink.log" 2>&1 &
SINK_PID=$!
postconf -c "$PF_CONF" -M "smtp/unix=smtp unix - - n - - smtp" \
    "127.0.0.1:$PLAIN_PORT/inet=127.0.0.1:$PLAIN_PORT inet n - n - - smtpd -o smtpd_milters=" ||
    exit 1
pf_set "default_transport = smtp" "relayhost = [127.0.0.1]:$SINK_PORT" \
    "default_process_limit = $((SESSIONS * 2 + 20))" \
    "smtpd_client_connection_count_limit = 0" "smtpd_client_connection_rate_limit = 0" \
    "smtpd_client_message_rate_limit = 0" "in_flow_delay = 0" \
    "default_destination_concurrency_limit = $SESSIONS" "queue_minfree = 0" ||
    { echo "FAIL: cannot configure Postfix"; exit 1; }
VARIANTS="a b c"
if [ -n "${MTA_REFERENCE:-}" ]; then
    : "${REF_MILTER:=$top_builddir/bench/ref-milter}"
    [ -x "$REF_MILTER" ] || { echo "FAIL: $REF_MILTER not built (make bench/ref-milter)"; exit 1; }
    for v in d e f; do
        case $v in d) m=connect ;; e) m=data ;; f) m=lean ;; esac
        rp=$(e2e_py freeport) || exit 1
        lp=$(e2e_py freeport) || exit 1
        "$REF_MILTER" $m "inet:$rp@127.0.0.1" &
        REF_PIDS="$REF_PIDS $!"
        eval "REF_PID_$v=$! REF_PORT_$v=$lp"
        e2e_py waitport "$rp" 20 || { echo "FAIL: ref-milter $m did not start"; exit 1; }
        postconf -c "$PF_CONF" -M "127.0.0.1:$lp/inet=127.0.0.1:$lp inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$rp" ||
            exit 1
    done
    pf_reload
    VARIANTS="a b c d e f"
fi
milter_conf "$E2E_DIR/milter.conf" "ReportAddress tlsrpt@sink.test" "Action deliver"
start_milter "$E2E_DIR/milter.conf" || { echo "FAIL: the milter did not start"; exit 1; }
# smtpd (user postfix) must be able to connect to the socket of the milter (user nobody)
[ -z "${MTA_UNIX:-}" ] || chmod 0666 "${MILTER_SOCKET#unix:}" || exit 1
e2e_py waitport "$SINK_PORT" 20 || { echo "FAIL: smtp-sink did not start"; exit 1; }
e2e_py waitport "$PLAIN_PORT" 20 || { echo "FAIL: the plain smtpd did not start"; exit 1; }
for v in d e f; do
    eval "lp=\${REF_PORT_$v:-}"
    [ -z "$lp" ] || e2e_py waitport "$lp" 20 || { echo "FAIL: smtpd for run $v did not start"; exit 1; }
done
echo $$ >"$CG_ROOT/cgroup.procs" || exit 1
# the capture listener stands for the host's syslog daemon: not counted
for d in /proc/[0-9]*; do
    if [ "$(awk '{ print $4 }' "$d/stat" 2>/dev/null)" = "$MILTER_NS_PID" ] &&
        grep -q syslogd.py "$d/cmdline" 2>/dev/null; then
        echo "${d#/proc/}" >"$CG_ROOT/cgroup.procs"
    fi
done
sleep 2

# milter_usec [PID] - CPU microseconds used so far by the milter (all its threads)
milter_usec() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e6 / hz }' \
        "/proc/${1:-$MILTER_PID}/stat"
}

# cg_usec - CPU microseconds used so far by the cgroup
cg_usec() {
    awk '$1 == "usage_usec" { print $2 }' "$CG/cpu.stat"
}

# queue_empty - true when Postfix holds no message
queue_empty() {
    [ -z "$(find "$PF_DIR/queue/maildrop" "$PF_DIR/queue/incoming" "$PF_DIR/queue/active" \
        "$PF_DIR/queue/deferred" -type f 2>/dev/null | head -n 1)" ]
}

# run VARIANT - one run; appends "VARIANT rate cpu_us_per_msg" to $E2E_DIR/runs
run() {
    # mpid: the filter whose own CPU is reported (for (a), tlsrpt-milter's: about 0)
    case $1 in
    a) port=$PLAIN_PORT mpid=$MILTER_PID rcpt=user@sink.test file=$ORDINARY uniq= ;;
    b) port=$PF_PORT mpid=$MILTER_PID rcpt=user@sink.test file=$ORDINARY uniq= ;;
    c) port=$PF_PORT mpid=$MILTER_PID rcpt=tlsrpt@sink.test file=$REPORT uniq=--unique-report ;;
    d | e | f) eval "port=\$REF_PORT_$1 mpid=\$REF_PID_$1" rcpt=user@sink.test file=$ORDINARY \
        uniq= ;;
    esac
    deferred0=$(grep -c 'status=deferred' "$PF_MAILLOG")
    reports0=$(grep -c ' report ' "$E2E_SYSLOG")
    u0=$(cg_usec)
    m0=$(milter_usec "$mpid")
    # shellcheck disable=SC2086
    out=$("$PYTHON" "$top_srcdir/bench/mta-send.py" $uniq 127.0.0.1 "$port" \
        sender@sender.test "$rcpt" "$file" "$N" "$SESSIONS") || {
        echo "FAIL: run $1: $out"
        exit 1
    }
    e2e_until 600 queue_empty || { echo "FAIL: run $1: the queue did not drain"; exit 1; }
    t1=$(date +%s.%N)
    u1=$(cg_usec)
    m1=$(milter_usec "$mpid")
    deferred1=$(grep -c 'status=deferred' "$PF_MAILLOG")
    [ "$deferred1" -eq "$deferred0" ] || { echo "FAIL: run $1: mail was deferred"; exit 1; }
    # the milter must really have seen the reports (milter_default_action is accept)
    reports1=$(grep -c ' report ' "$E2E_SYSLOG")
    if [ "$1" = c ] && ! e2e_until 30 eval '[ "$(grep -c " report " "$E2E_SYSLOG")" -ge $((reports0 + N)) ]'; then
        echo "FAIL: run c: the milter logged $((reports1 - reports0)) of $N reports"
        grep -i milter "$PF_MAILLOG" | tail -n 3
        exit 1
    fi
    start=${out##* start }
    awk -v v="$1" -v n="$N" -v s="$start" -v t="$t1" -v u0="$u0" -v u1="$u1" \
        -v m0="$m0" -v m1="$m1" 'BEGIN {
        printf "%s %.1f %.0f %.0f\n", v, n / (t - s), (u1 - u0) / n, (m1 - m0) / n }' \
        >>"$E2E_DIR/runs"
    tail -n 1 "$E2E_DIR/runs" | awk '{ printf "  run %s: %7.1f messages/s, %6.0f us CPU per message, of which the milter %4.0f us\n", $1, $2, $3, $4 }'
}

echo "== $ROUNDS rounds of $VARIANTS; $N messages per run, $SESSIONS sessions, one message per connection"
: >"$E2E_DIR/runs"
r=1
while [ $r -le "$ROUNDS" ]; do
    for v in $VARIANTS; do
        run $v
    done
    r=$((r + 1))
done
# sink check: everything sent in the runs reached smtp-sink
sent=$(grep -c 'status=sent' "$PF_MAILLOG")
nv=$(echo $VARIANTS | wc -w)
[ "$sent" -ge $((N * ROUNDS * nv)) ] || echo "WARNING: only $sent of $((N * ROUNDS * nv)) messages relayed"
reports=$(grep -c ' report ' "$E2E_SYSLOG")
echo "   relayed $sent messages; the milter logged $reports report lines"

echo
"$PYTHON" - "$E2E_DIR/runs" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    v, rate, cpu, milter = line.split()
    runs.setdefault(v, []).append((float(rate), float(cpu), float(milter)))
med = {v: tuple(statistics.median(s[k] for s in x) for k in range(3)) for v, x in runs.items()}
names = {"a": "(a) ordinary mail, no milter", "b": "(b) ordinary mail, milter attached",
         "c": "(c) small reports, milter attached",
         "d": "(d) ordinary mail, ref-milter accepting at CONNECT",
         "e": "(e) ordinary mail, ref-milter accepting at DATA (plain)",
         "f": "(f) ordinary mail, ref-milter accepting at DATA (lean)"}
print("| run | messages/s (median) | CPU per message (median) | of which the milter | rate / (a) | CPU / (a) | rounds: messages/s; CPU µs |")
print("|---|---|---|---|---|---|---|")
for v in sorted(runs):
    r, c, m = med[v]
    print("| %s | %.1f | %.0f µs | %.0f µs | %.2f | %.2f | %s; %s |" % (
        names[v], r, c, m, r / med["a"][0], c / med["a"][1],
        ", ".join("%.0f" % s[0] for s in runs[v]), ", ".join("%.0f" % s[1] for s in runs[v])))
print()
print("target 3: CPU per message (b) / (a) = %.3f (<= 1.05: %s)" % (
    med["b"][1] / med["a"][1], "met" if med["b"][1] / med["a"][1] <= 1.05 else "NOT met"))
print("target 4: rate (c) / (b) = %.3f (>= 0.8: %s)" % (
    med["c"][0] / med["b"][0], "met" if med["c"][0] / med["b"][0] >= 0.8 else "NOT met"))
EOF

[ "$RSS_REPORTS" -gt 0 ] || exit 0
echo
echo "== milter memory over $RSS_REPORTS reports ($SESSIONS sessions)"
rss() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$MILTER_PID/status" 2>/dev/null
}
echo "$(grep -c ' report ' "$E2E_SYSLOG") $(rss)" >"$E2E_DIR/rss"
(
    while :; do
        echo "$(grep -c ' report ' "$E2E_SYSLOG") $(rss)" >>"$E2E_DIR/rss"
        sleep 1
    done
) &
SAMPLER=$!
E2E_CLEANUP_HOOK="kill $SAMPLER"
out=$("$PYTHON" "$top_srcdir/bench/mta-send.py" --unique-report 127.0.0.1 "$PF_PORT" \
    sender@sender.test tlsrpt@sink.test "$REPORT" "$RSS_REPORTS" "$SESSIONS") ||
    echo "WARNING: $out"
e2e_until 600 queue_empty
sleep 2
kill "$SAMPLER"
wait "$SAMPLER" 2>/dev/null
E2E_CLEANUP_HOOK=
echo "$(grep -c ' report ' "$E2E_SYSLOG") $(rss)" >>"$E2E_DIR/rss"
awk -v total="$RSS_REPORTS" '
    { n[NR] = $1; r[NR] = $2; if ($2 > max) max = $2 }
    END {
        # the first sample after 10 % of the reports is the reference
        for (i = 1; i <= NR; i++) if (n[i] - n[1] >= total / 10) { ref = i; break }
        printf "VmRSS: before %d KiB; after %d reports %d KiB; after all %d: %d KiB; max %d KiB\n",
            r[1], n[ref] - n[1], r[ref], n[NR] - n[1], r[NR], max
        printf "growth from %d reports to the end: %d KiB (%s)\n", n[ref] - n[1], r[NR] - r[ref],
            r[NR] - r[ref] <= 512 ? "flat: target 5 met" : "GROWS: target 5 NOT met"
    }' "$E2E_DIR/rss"
