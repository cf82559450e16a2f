#!/bin/sh
# amplification.sh - the lines of one message are bounded, whatever it holds
#
# Mails built here from the report builders of tests/data/gen-cases.py and
# read with `tlsrpt-milter -t` (the pipeline the daemon uses):
#
#   many-failures  150 reports of 60 failure details each (152 KB): at most
#                  MaxFailureLines (50) failure lines for the whole message,
#                  one failure-omitted line summing the other 8,950 details
#                  from 150 reports, every report line still there
#   many-lines     82 reports of 100 policies each (75 KB), more lines than
#                  one message may make: the reports that fit are logged
#                  whole, the rest are counted in one report-omitted line,
#                  no error line, and the report and report-omitted lines
#                  together account for every report, policy and session
#   per-message    the same 150 reports with MaxFailureLines 7: 7 lines
#
# Each mail is read in well under a second.
set -u
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "python3 not installed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-amp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

python3 - "$DATA/gen-cases.py" "$tmp" <<'EOF' || { fail "cannot build the mails"; finish; exit 1; }
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("gen_cases", sys.argv[1])
gc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gc)


def mail(path, nrep, npol, nfail):
    parts = []
    for k in range(nrep):
        pols = [gc.sts_policy("example.com", 1, nfail,
                              [gc.detail("certificate-expired", 1,
                                         receiving_ip="198.51.100.%d" % (j % 250))
                               for j in range(nfail)]) for _ in range(npol)]
        parts.append(gc.gz_part(gc.report("r%d" % k, policies=pols)))
    with open(path, "w") as f:
        f.write(gc.report_mail(parts))


mail(sys.argv[2] + "/many-failures.eml", 150, 1, 60)
mail(sys.argv[2] + "/many-lines.eml", 82, 100, 0)
EOF

# count EVENT FILE - lines of that event in -t output FILE
count() {
    grep -c "^[^ ]*: $1 " "$2"
}

# sum KEY EVENT FILE - the sum of KEY over the EVENT lines of FILE
sum() {
    sed -n -E "s/^[^ ]*: $2( .*)? $1=([0-9]+)( .*)?\$/\2/p" "$3" |
        awk '{ s += $1 } END { print s + 0 }'
}

out=$tmp/out
(cd "$tmp" && "$TLSRPT_MILTER" -t many-failures.eml) >"$out" 2>&1
n=$(count failure "$out")
[ "$n" -eq 50 ] && ok "many-failures: 50 failure lines for 150 reports" ||
    fail "many-failures: $n failure lines, want 50 (MaxFailureLines, per message)"
[ "$(count report "$out")" -eq 150 ] && ok || fail "many-failures: report lines: want 150"
[ "$(count failure-omitted "$out")" -eq 1 ] && ok || fail "many-failures: want one failure-omitted line"
line=$(grep ": failure-omitted " "$out")
case $line in
*" failure-details=8950 failed-session-count=8950 reports=150 reporter-kind="*) ok "many-failures: $line" ;;
*) fail "many-failures: failure-omitted line [$line], want 8950 details from 150 reports" ;;
esac
[ "$(tail -1 "$out")" = "$line" ] && ok || fail "many-failures: failure-omitted is not the last line"
[ "$(count error "$out")" -eq 0 ] && ok || fail "many-failures: an error line"

printf 'MaxFailureLines 7\n' >"$tmp/seven.conf"
(cd "$tmp" && "$TLSRPT_MILTER" -c seven.conf -t many-failures.eml) >"$out" 2>&1
n=$(count failure "$out")
[ "$n" -eq 7 ] && ok "per-message: MaxFailureLines 7 gives 7 failure lines" ||
    fail "per-message: $n failure lines, want 7"

(cd "$tmp" && "$TLSRPT_MILTER" -t many-lines.eml) >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || fail "many-lines: exit $rc, want 0"
[ "$(count error "$out")" -eq 0 ] && ok "many-lines: no error line" ||
    fail "many-lines: $(grep ': error ' "$out")"
[ "$(count report-omitted "$out")" -eq 1 ] && ok || fail "many-lines: want one report-omitted line"
logged=$(count report "$out")
omitted=$(sum reports report-omitted "$out")
[ $((logged + omitted)) -eq 82 ] && [ "$logged" -gt 0 ] && [ "$omitted" -gt 0 ] &&
    ok "many-lines: $logged reports logged, $omitted in report-omitted" ||
    fail "many-lines: $logged logged + $omitted omitted reports, want 82 with both above 0"
pol=$(($(sum policies report "$out") + $(sum policies report-omitted "$out")))
good=$(($(sum total-successful-session-count report "$out") +
    $(sum total-successful-session-count report-omitted "$out")))
[ "$pol" -eq 8200 ] && [ "$good" -eq 8200 ] && ok "many-lines: 8200 policies and sessions accounted for" ||
    fail "many-lines: policies $pol, sessions $good, want 8200 each"
# the reports' lines stop at 7,168; report-omitted (and failure-omitted) follow
n=$(wc -l <"$out")
[ "$n" -le 7170 ] && ok "many-lines: $n lines" || fail "many-lines: $n lines, want at most 7170"
finish
