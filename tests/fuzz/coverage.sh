#!/bin/sh
# coverage.sh [NAME] - line coverage of common/ reached by a harness's corpus
#
# Builds tests/fuzz/fuzz_NAME.c (default: pipeline) with clang source-based
# coverage (-fprofile-instr-generate -fcoverage-mapping, no sanitizers),
# runs it once over the corpus run-fuzz.sh kept (FUZZ_BUILD_DIR/corpus/NAME)
# and the seeds, and prints llvm-cov's per-file summary for the files the
# harness is about.
# Needs clang, llvm-profdata and llvm-cov (Debian clang, llvm).
set -u

name=${1:-pipeline}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD_DIR:-$top/build-fuzz}
cc=${FUZZ_CC:-clang}
cov=$out/coverage/$name

for t in "$cc" llvm-profdata llvm-cov; do
	command -v "$t" >/dev/null 2>&1 || { echo "coverage: $t not found" >&2; exit 77; }
done
[ -d "$out/corpus/$name" ] || { echo "coverage: no corpus; run tests/fuzz/run-fuzz.sh first" >&2; exit 1; }
srcs=$(awk -v top="$top" '/^(common_libtlsrpt|lookout_liblookout)_a_SOURCES *=/ { on = 1 }
	on { for (i = 1; i <= NF; i++) if ($i ~ /^(common|lookout)\/.*\.c$/) print top "/" $i }
	on && !/\\$/ { on = 0 }' "$top/Makefile.am")
if pkg-config --exists libcjson zlib 2>/dev/null; then
	libs=$(pkg-config --cflags --libs libcjson zlib)
else
	libs="-lcjson -lz"
fi
# the DNS look-ups (common/dnsq.c) need libresolv
libs="$libs -lresolv"

rm -rf "$cov" && mkdir -p "$cov" || exit 1
# shellcheck disable=SC2086
$cc -g -O1 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping -I"$top/common" -I"$top/lookout" \
	"$top/tests/fuzz/fuzz_$name.c" $srcs $libs -o "$cov/fuzz_$name" || exit 1
LLVM_PROFILE_FILE="$cov/run.profraw" "$cov/fuzz_$name" -runs=0 -rss_limit_mb=2048 \
	"$out/corpus/$name" "$out/seed/$name" >"$cov/run.log" 2>&1 || { tail "$cov/run.log"; exit 1; }
llvm-profdata merge -sparse "$cov/run.profraw" -o "$cov/run.profdata" || exit 1
# the files the harness is about: the config loader's for config, the rest
# of the library for pipeline
case $name in
config) files=$(echo "$srcs" | grep -E '/(conf|addr)\.c$') ;;
*) files=$(echo "$srcs" | grep -v -E '/(conf|addr)\.c$') ;;
esac
# shellcheck disable=SC2086
llvm-cov report "$cov/fuzz_$name" -instr-profile="$cov/run.profdata" $files
echo "coverage: line by line: llvm-cov show $cov/fuzz_$name -instr-profile=$cov/run.profdata FILE"
