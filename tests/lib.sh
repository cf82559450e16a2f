# tests/lib.sh - shared helpers for the shell tests (sourced)
#
# Environment from automake's AM_TESTS_ENVIRONMENT: top_srcdir,
# top_builddir, TLSRPT_MILTER.  A test that cannot run exits 77 and says why.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${TLSRPT_MILTER:=$top_builddir/milter/tlsrpt-milter}"
DATA="$top_srcdir/tests/data"
GOLDEN="$top_srcdir/tests/golden"

failures=0
checks=0

# fail - record a failed check with a message
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# ok - record a passed check, with an optional note
ok() {
    checks=$((checks + 1))
    [ $# -eq 0 ] || echo "ok: $*"
}

# skip - exit 77 with the reason
skip() {
    echo "SKIP: $*"
    exit 77
}

# wait_for - up to 10 s for a condition
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        eval "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# finish - summary line and exit status
finish() {
    echo "$checks checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

[ -x "$TLSRPT_MILTER" ] || { echo "FAIL: $TLSRPT_MILTER not built"; exit 1; }
