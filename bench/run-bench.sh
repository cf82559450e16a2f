#!/bin/sh
# run-bench.sh - generate the benchmark emails and run bench/bench on them
#
# Usage: run-bench.sh BENCH-BINARY [SECONDS]
#   BENCH_DIR  where the generated emails go (default ./bench-data); they
#              are made once and reused while gen-report.py is unchanged
# Runs the benchmark twice: with glibc malloc as configured out of the box
# (as the milter runs) and with the heap kept between reports (-k, the
# "bare C floor" of issue 6).  Outside `make check`; see doc/performance.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run-bench.sh BENCH-BINARY [SECONDS]}
secs=${2:-1.5}
dir=${BENCH_DIR:-./bench-data}
gen=$here/gen-report.py

mkdir -p "$dir"
stamp=$dir/.generator
if ! cmp -s "$gen" "$stamp" || [ ! -s "$dir/bomb.eml" ]; then
    echo "== generating inputs in $dir"
    python3 "$gen" -o "$dir" small medium large bomb
    cp "$gen" "$stamp"
fi
inputs="$dir/small.eml $dir/medium.eml $dir/large.eml $dir/bomb.eml"
echo "== glibc malloc defaults"
"$bin" -t "$secs" $inputs
echo
echo "== heap kept between reports (-k)"
"$bin" -k -t "$secs" $inputs
