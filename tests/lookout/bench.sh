#!/bin/sh
# bench.sh - tlsrpt-lookout against grep -F -c on one large mail.log: DIGEST MB REPORTS
#
# Makes (once, under $BENCH_DIR) a mail.log of MB megabytes, mostly Postfix
# lines, with REPORTS tlsrpt-milter reports (gen-log.py), reads it once to
# have it in the page cache, then runs `grep -F -c tlsrpt-milter` and
# `tlsrpt-lookout --json` over it in turns, three times each, and prints the
# best wall-clock time of each, the throughput, the ratio and the digest's
# peak RSS (GNU time).  The goal (doc/performance.md): the digest at least
# half as fast as grep, and under 64 MiB.
set -u
BIN=${1:?usage: bench.sh DIGEST MB REPORTS}
MB=${2:-1024}
REPORTS=${3:-100000}
DIR=${BENCH_DIR:-/tmp/tlsrpt-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR"
LOG=$DIR/mail-${MB}m-${REPORTS}.log
if [ ! -s "$LOG" ]; then
    python3 "$HERE/gen-log.py" "$LOG" "$MB" "$REPORTS" || exit 1
fi
[ -x /usr/bin/time ] || { echo "bench-digest needs GNU time (/usr/bin/time)"; exit 1; }
cat "$LOG" >/dev/null
size=$(wc -c <"$LOG")
best_grep=
best_digest=
rss=0
for round in 1 2 3; do
    t=$( { /usr/bin/time -f '%e %M' grep -F -c tlsrpt-milter "$LOG" >"$DIR/grep.out"; } 2>&1 | tail -n 1)
    g=${t% *}
    t=$( { /usr/bin/time -f '%e %M' "$BIN" --today 2026-11-29 --days 366 --json "$LOG" >"$DIR/digest.json"; } 2>&1 | tail -n 1)
    d=${t% *}
    m=${t#* }
    echo "round $round: grep ${g} s, tlsrpt-lookout ${d} s (peak RSS ${m} KB)"
    best_grep=$(echo "${best_grep:-$g} $g" | awk '{print ($1 < $2) ? $1 : $2}')
    best_digest=$(echo "${best_digest:-$d} $d" | awk '{print ($1 < $2) ? $1 : $2}')
    [ "$m" -gt "$rss" ] && rss=$m
done
lines=$(cat "$DIR/grep.out")
reports=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reports"])' "$DIR/digest.json")
echo "file: $LOG, $((size / 1048576)) MB, $lines lines with tlsrpt-milter, $reports reports counted"
awk -v s="$size" -v g="$best_grep" -v d="$best_digest" -v r="$rss" 'BEGIN {
    printf "grep -F -c:     %6.2f s  %7.0f MB/s\n", g, s / 1048576 / (g > 0 ? g : 0.001)
    printf "tlsrpt-lookout:  %6.2f s  %7.0f MB/s  peak RSS %.1f MiB\n", d, s / 1048576 / (d > 0 ? d : 0.001), r / 1024
    printf "digest speed / grep speed: %.2f (goal: at least 0.5); memory goal: under 64 MiB\n", (d > 0 ? g / d : 0)
}'
