#!/bin/sh
# bench.sh - tlsrpt-lookout against grep -F -c on one large mail.log: DIGEST MB REPORTS [SHAPE]
#
# Makes (once, under $BENCH_DIR) a mail.log of MB megabytes, mostly Postfix
# lines, with REPORTS tlsrpt-milter reports (gen-log.py; SHAPE plain or mx,
# see there), reads it once to have it in the page cache, then runs
# `grep -F -c tlsrpt-milter`, `tlsrpt-lookout --json` (which also reads
# smtpd's lines for the MX join) and `tlsrpt-lookout --json --no-mx` over
# it in turns, three times each, and prints the best wall-clock and CPU
# time of each, the throughput, the ratios and the digest's peak RSS (GNU
# time).  The goal (doc/performance.md): the digest at least half as fast
# as grep, and under 64 MiB.
set -u
BIN=${1:?usage: bench.sh DIGEST MB REPORTS}
MB=${2:-1024}
REPORTS=${3:-100000}
SHAPE=${4:-plain}
DIR=${BENCH_DIR:-/tmp/tlsrpt-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR"
LOG=$DIR/mail-${MB}m-${REPORTS}.log
[ "$SHAPE" = plain ] || LOG=$DIR/mail-${MB}m-${REPORTS}-$SHAPE.log
if [ ! -s "$LOG" ]; then
    python3 "$HERE/gen-log.py" "$LOG" "$MB" "$REPORTS" "$SHAPE" || exit 1
fi
[ -x /usr/bin/time ] || { echo "bench-digest needs GNU time (/usr/bin/time)"; exit 1; }
cat "$LOG" >/dev/null
size=$(wc -c <"$LOG")
best_grep=
best_digest=
best_nomx=
cpu_grep=
cpu_digest=
cpu_nomx=
rss=0
min() { echo "${1:-$2} $2" | awk '{print ($1 < $2) ? $1 : $2}'; }
for round in 1 2 3; do
    # GNU time: wall, user + sys CPU, peak RSS
    t=$( { /usr/bin/time -f '%e %U %S %M' grep -F -c tlsrpt-milter "$LOG" >"$DIR/grep.out"; } 2>&1 | tail -n 1)
    set -- $t
    g=$1 gc=$(echo "$2 $3" | awk '{print $1 + $2}')
    t=$( { /usr/bin/time -f '%e %U %S %M' "$BIN" --today 2026-11-29 --days 366 --json "$LOG" >"$DIR/digest.json"; } 2>&1 | tail -n 1)
    set -- $t
    d=$1 dc=$(echo "$2 $3" | awk '{print $1 + $2}') m=$4
    t=$( { /usr/bin/time -f '%e %U %S %M' "$BIN" --today 2026-11-29 --days 366 --json --no-mx "$LOG" >"$DIR/digest-nomx.json"; } 2>&1 | tail -n 1)
    set -- $t
    n=$1 nc=$(echo "$2 $3" | awk '{print $1 + $2}')
    echo "round $round: grep ${g} s (CPU $gc), tlsrpt-lookout ${d} s (CPU $dc, peak RSS ${m} KB), --no-mx ${n} s (CPU $nc)"
    best_grep=$(min "$best_grep" "$g")
    best_digest=$(min "$best_digest" "$d")
    best_nomx=$(min "$best_nomx" "$n")
    cpu_grep=$(min "$cpu_grep" "$gc")
    cpu_digest=$(min "$cpu_digest" "$dc")
    cpu_nomx=$(min "$cpu_nomx" "$nc")
    [ "$m" -gt "$rss" ] && rss=$m
done
lines=$(cat "$DIR/grep.out")
reports=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reports"])' "$DIR/digest.json")
echo "file: $LOG ($SHAPE), $((size / 1048576)) MB, $lines lines with tlsrpt-milter, $(grep -c 'postfix/smtpd\[' "$LOG") with postfix/smtpd[, $reports reports counted"
awk -v s="$size" -v g="$best_grep" -v d="$best_digest" -v n="$best_nomx" -v r="$rss" \
    -v gc="$cpu_grep" -v dc="$cpu_digest" -v nc="$cpu_nomx" 'BEGIN {
    printf "grep -F -c:              %6.2f s  %7.0f MB/s  CPU %.2f s\n", g, s / 1048576 / (g > 0 ? g : 0.001), gc
    printf "tlsrpt-lookout:          %6.2f s  %7.0f MB/s  CPU %.2f s  peak RSS %.1f MiB\n", d, s / 1048576 / (d > 0 ? d : 0.001), dc, r / 1024
    printf "tlsrpt-lookout --no-mx:  %6.2f s  %7.0f MB/s  CPU %.2f s\n", n, s / 1048576 / (n > 0 ? n : 0.001), nc
    printf "digest speed / grep speed: %.2f wall, %.2f CPU; --no-mx %.2f wall, %.2f CPU (goal: at least 0.5); memory goal: under 64 MiB\n", (d > 0 ? g / d : 0), (dc > 0 ? gc / dc : 0), (n > 0 ? g / n : 0), (nc > 0 ? gc / nc : 0)
}'
