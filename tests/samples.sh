#!/bin/sh
# samples.sh - every published sample in ../shared/samples/real and every
# readable case in tests/data gives the report lines an independent Python
# reading of the same file predicts (report-id, policies, summed totals).
set -u
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "python3 not installed"
files=""
shared="${TLSRPT_SAMPLES:-$top_srcdir/../shared/samples/real}"
if [ -d "$shared" ]; then
    files=$(find "$shared" -type f \( -name '*.eml' -o -name '*.json' -o -name '*.gz' \) | sort)
else
    echo "note: $shared not found; checking tests/data only"
fi
bundled=$(ls "$DATA"/real/*.eml "$DATA"/real/*.json "$DATA"/cases/*.eml "$DATA"/cases/*.json* |
    grep -v -e '/bad-' -e 'invalid-utf8')
# shellcheck disable=SC2086
python3 "$top_srcdir/tests/oracle.py" "$TLSRPT_MILTER" $files $bundled
