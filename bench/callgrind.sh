#!/bin/sh
# callgrind.sh - instructions per report under valgrind --tool=callgrind
#
# Usage: callgrind.sh BENCH-BINARY DATA-DIR
# For each of small, medium, large, bomb and each variant (pipeline,
# floor): runs `bench -n N -v VARIANT` twice under callgrind, with N and
# 2N iterations, and prints (Ir(2N) - Ir(N)) / N, the instructions of
# one report with start-up and warm-up cancelled out.  Unlike times,
# these counts do not depend on what else the machine is doing.  Slow
# (valgrind runs about 50x slower): about 3 minutes in all.
set -eu
bin=${1:?usage: callgrind.sh BENCH-BINARY DATA-DIR}
dir=${2:?usage: callgrind.sh BENCH-BINARY DATA-DIR}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ir FILE VARIANT N - total instructions of one run (Ir of the whole program)
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$bin" -n "$3" -v "$2" "$1" >/dev/null 2>"$tmp/cg.err" ||
        { cat "$tmp/cg.err" >&2; exit 1; }
    sed -n 's/^summary: *//p' "$tmp/cg.out"
}

printf '%-8s %18s %18s %7s\n' input "pipeline Ir" "floor Ir" ratio
for name in small medium large bomb; do
    case $name in small) n=200 ;; medium) n=10 ;; *) n=1 ;; esac
    line=$name
    for v in pipeline floor; do
        a=$(ir "$dir/$name.eml" $v $n)
        b=$(ir "$dir/$name.eml" $v $((2 * n)))
        eval "$v=$(( (b - a) / n ))"
    done
    printf '%-8s %18s %18s %7s\n' "$name" "$pipeline" "$floor" \
        "$(awk -v p="$pipeline" -v f="$floor" 'BEGIN { printf "%.2f", p / f }')"
done
