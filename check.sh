#!/bin/sh
# check.sh - install what is missing, build, and run every test suite
#
# 1. the normal build (build/) and `make check`: unit tests, golden and
#    sample tests, miltertest and real-Postfix end-to-end suites;
# 2. the AddressSanitizer + UndefinedBehaviorSanitizer build (build-san/)
#    and its `make check`;
# 3. `make distcheck` (the release tarball builds and passes its checks);
# 4. a short libFuzzer run of each harness under ASan+UBSan
#    (tests/fuzz/run-fuzz.sh; FUZZ_SECONDS, default 60 per harness).
# The last line counts the test results from the harness logs of both
# builds, plus distcheck and the fuzz run as one result each:
#    N passed, N failed
# set -u: a misspelt variable stops the script instead of passing as empty.
# Not -e: a failing suite must not stop the others from running; each
# step's status is collected in $status and decides the exit code.
set -u
cd "$(dirname "$0")" || exit 1
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

sh tests/install-deps.sh || exit 1
mkdir -p m4
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }

status=0

# run_suite DIR CONFIGURE-ARGS... - configure, build and check in DIR
run_suite() {
    dir=$1; shift
    mkdir -p "$dir"
    (cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs" && make -s -j"$jobs" check) \
        || status=1
}

echo "== build and test (build/)"
run_suite build
echo "== sanitizer build and test (build-san/)"
run_suite build-san --enable-sanitizers
echo "== make distcheck"
dist_pass=0 dist_fail=0
if (cd build && make -s distcheck >distcheck.log 2>&1); then
    dist_pass=1
    echo "PASS: distcheck (log: build/distcheck.log)"
else
    dist_fail=1
    status=1
    tail -40 build/distcheck.log
    grep -E '^(FAIL|ERROR):' build/distcheck.log
    echo "FAIL: distcheck (log: build/distcheck.log)"
fi

echo "== short fuzz run (tests/fuzz/run-fuzz.sh ${FUZZ_SECONDS:-60})"
fuzz_pass=0 fuzz_fail=0 fuzz_skip=0
sh tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-60}" >build/fuzz.log 2>&1
case $? in
    0) fuzz_pass=1 ;;
    77) fuzz_skip=1 ;;
    *) fuzz_fail=1; status=1 ;;
esac
grep '^run-fuzz:' build/fuzz.log || tail -20 build/fuzz.log
echo "$(if [ $fuzz_pass = 1 ]; then echo PASS; elif [ $fuzz_skip = 1 ]; then echo SKIP; else echo FAIL; fi): fuzz (log: build/fuzz.log)"

# count results from the automake harness logs of both builds
pass=$(cat build/tests/*.trs build/tests/*/*.trs build-san/tests/*.trs build-san/tests/*/*.trs \
    2>/dev/null | grep -c '^:test-result: PASS')
failn=$(cat build/tests/*.trs build/tests/*/*.trs build-san/tests/*.trs build-san/tests/*/*.trs \
    2>/dev/null | grep -c -E '^:test-result: (FAIL|XPASS|ERROR)')
skipn=$(cat build/tests/*.trs build/tests/*/*.trs build-san/tests/*.trs build-san/tests/*/*.trs \
    2>/dev/null | grep -c '^:test-result: SKIP')
grep -l -E '^:test-result: (SKIP|FAIL|ERROR)' build/tests/*.trs build/tests/*/*.trs \
    build-san/tests/*.trs build-san/tests/*/*.trs 2>/dev/null | while read -r t; do
    echo "  $(grep '^:test-result:' "$t" | head -1 | cut -d' ' -f2): ${t%.trs}"
done
pass=$((pass + fuzz_pass + dist_pass)); failn=$((failn + fuzz_fail + dist_fail))
skipn=$((skipn + fuzz_skip))
[ "$failn" -gt 0 ] && status=1
[ "$pass" -eq 0 ] && status=1
[ "$skipn" -gt 0 ] && echo "($skipn skipped: see the logs above)"
echo "$pass passed, $failn failed"
exit $status
