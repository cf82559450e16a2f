#!/bin/sh
# pipeline-golden.sh - `tlsrpt-milter -t` output for every file in tests/data/{real,cases}
#
# Each file's output, followed by a line "# exit N", must equal
# tests/golden/<dir>/<file>.out.  With --update the golden files are
# rewritten from the current binary (review the diff before committing).
set -u
. "$(dirname "$0")/lib.sh"

update=0
[ "${1:-}" = "--update" ] && update=1
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT

for dir in real cases; do
    mkdir -p "$GOLDEN/$dir"
    for f in "$DATA/$dir"/*; do
        name=$(basename "$f")
        case "$name" in *.md|*.py) continue ;; esac
        (cd "$DATA/$dir" && "$TLSRPT_MILTER" -t "$name"; echo "# exit $?") >"$tmp" 2>&1
        want="$GOLDEN/$dir/$name.out"
        if [ $update -eq 1 ]; then
            cp "$tmp" "$want"
            continue
        fi
        if [ ! -f "$want" ]; then
            fail "$dir/$name: no golden file $want"
        elif ! cmp -s "$tmp" "$want"; then
            fail "$dir/$name: output differs from golden:"
            diff -u "$want" "$tmp" | head -40
        else
            ok
        fi
    done
done
finish
