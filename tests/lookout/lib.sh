# tests/lookout/lib.sh - shared by the tlsrpt-lookout tests (sourced)
#
# TLSRPT_LOOKOUT is the program (AM_TESTS_ENVIRONMENT, or the build tree);
# DDATA the kept inputs and expected outputs; TODAY the day the kept week
# of reports (2026-11-23 to 2026-11-29, tests/lookout/gen-mails.py) ends.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"
: "${TLSRPT_LOOKOUT:=$top_builddir/lookout/tlsrpt-lookout}"
DDATA=$top_srcdir/tests/lookout/data
: "${PYTHON:=python3}"
TODAY=2026-11-29
[ -x "$TLSRPT_LOOKOUT" ] || { echo "FAIL: $TLSRPT_LOOKOUT not built"; exit 1; }

# digest - run the program with the kept week's clock, example.com and
# example.net named as ours (the other names in the log came with reports): ARGS...
digest() {
    "$TLSRPT_LOOKOUT" --today "$TODAY" --domain example.com --domain example.net "$@"
}

# expect_rc - the status of the last command: WANT RC WHAT
expect_rc() {
    if [ "$2" -eq "$1" ]; then
        ok
    else
        fail "$3: exit status $2, want $1"
    fi
}

# same - two files must be equal: WANT GOT WHAT
same() {
    if cmp -s "$1" "$2"; then
        ok
    else
        fail "$3 differs (want, got):"
        diff -u "$1" "$2" | head -40
    fi
}
