#!/bin/sh
# run-fuzz.sh [SECONDS] - build the libFuzzer harnesses and run each one
#
# Compiles every harness tests/fuzz/fuzz_*.c with the library's sources
# (common_libtlsrpt_a_SOURCES in Makefile.am) by clang with
# -fsanitize=fuzzer,address,undefined (no autotools needed) into
# $FUZZ_BUILD_DIR (default build-fuzz/ at the top of the tree), builds the
# seed corpus from tests/data, replays tests/data/fuzz-regress, then runs
# each harness for SECONDS (default 60) on one core.  Every run and replay
# has -timeout=10 and -rss_limit_mb=512: fuzz_cost reads reports at the
# default 20 MiB MaxReportSize, where a shape that costs too much CPU or
# memory per byte shows up as a timeout or an RSS overflow.
#
#   FUZZ_BUILD_DIR  build, corpus and crash directory (default TOP/build-fuzz)
#   FUZZ_TARGETS    harnesses to run, e.g. "pipeline" (default: all that build)
#   FUZZ_CC         compiler (default clang)
#   FUZZ_ARGS       extra libFuzzer options, e.g. "-seed=1 -runs=100000"
#   ASAN_OPTIONS    default quarantine_size_mb=64: ASan's 256 MiB default
#                   quarantine alone would bring a long run near the
#                   512 MiB RSS limit
#
# The working corpus (FUZZ_BUILD_DIR/corpus/NAME) is kept between runs so
# each run starts where the last one stopped.  A crash leaves its input in
# FUZZ_BUILD_DIR/crashes/ and the script exits 1; the last line of each run
# says how many inputs were executed.  Exit 77 when clang or its libFuzzer
# runtime is missing (Debian: clang, libclang-rt-14-dev).
#
# shellcheck disable=SC2059,SC2317
# (headers are printf formats on purpose; seed_* are called by name)
set -u

secs=${1:-60}
case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$top/tests/fuzz
out=${FUZZ_BUILD_DIR:-$top/build-fuzz}
cc=${FUZZ_CC:-clang}
max_len=65536

# Default header for raw regression and seed files: random chunks of
# 1..4096 bytes (mode 1), seed 0x0001, AUTO mode, default limits.  See
# fuzz_pipeline.c.
HDR_DEFAULT='\001\000\001\000'
# A second seed variant: chunks of 1..64 bytes, MESSAGE mode (as the
# daemon), two failure lines, depth 2, 16 parts.
HDR_SMALL='\374\022\264\071'
# A third: trust on (authserv-id mx.test), RequireDKIM, ReportDomains
# example.com (byte 1 bits 7-5), for the report mails signed below.
HDR_TRUST='\001\340\001\000'

command -v "$cc" >/dev/null 2>&1 || { echo "run-fuzz: $cc not found (install clang)" >&2; exit 77; }
mkdir -p "$out/bin" "$out/seed" "$out/corpus" "$out/crashes" "$out/regress" || exit 1

# every .c starts with config.h; the library needs from it only what
# configure's AC_USE_SYSTEM_EXTENSIONS defines
printf '#define _GNU_SOURCE 1\n' >"$out/config.h" || exit 1
cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -Wall -Wextra -I$out -I$top/common -I$top/lookout"
if pkg-config --exists libcjson zlib 2>/dev/null; then
	libs=$(pkg-config --cflags --libs libcjson zlib)
else
	libs="-lcjson -lz"
fi
# the DNS look-ups (common/dnsq.c) need libresolv
libs="$libs -lresolv"

# the library's sources as Makefile.am lists them (modules still being
# written, not yet in the list, stay out of the build)
srcs=$(awk -v top="$top" '/^(common_libtlsrpt|lookout_liblookout)_a_SOURCES *\+?=/ { on = 1 }
	on { for (i = 1; i <= NF; i++) if ($i ~ /^(common|lookout)\/.*\.c$/) print top "/" $i }
	on && !/\\$/ { on = 0 }' "$top/Makefile.am")
[ -n "$srcs" ] || { echo "run-fuzz: no common_libtlsrpt_a_SOURCES in Makefile.am" >&2; exit 1; }

# probe: does this clang have the libFuzzer runtime?
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
	>"$out/probe.c"
# shellcheck disable=SC2086
if ! $cc -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" >"$out/probe.log" 2>&1; then
	cat "$out/probe.log" >&2
	echo "run-fuzz: $cc cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)" >&2
	exit 77
fi

# which harnesses: fuzz_config needs the config parser
targets=${FUZZ_TARGETS:-}
if [ -z "$targets" ]; then
	for f in "$fuzz"/fuzz_*.c; do
		n=$(basename "$f" .c)
		n=${n#fuzz_}
		if [ "$n" = config ] && ! echo "$srcs" | grep -q '/common/conf\.c$'; then
			echo "run-fuzz: skipping config (common/conf.c is not in the library yet)"
			continue
		fi
		targets="$targets $n"
	done
fi

# corpus_add DIR FILE HEADER - FILE with HEADER in front, cut to max_len
corpus_add() {
	{ printf "$3"; cat "$2"; } | head -c "$max_len" >"$1/$(basename "$2")${4:-}"
}

# seed_pipeline DIR - the pipeline harness's seeds from tests/data
seed_pipeline() {
	for f in "$top"/tests/data/real/* "$top"/tests/data/cases/* "$top"/tests/data/fuzz-regress/*; do
		[ -f "$f" ] || continue
		case $f in
		*.md | *.py | */authres-*) continue ;;
		*.fuzz) head -c "$max_len" "$f" >"$1/$(basename "$f")"; continue ;;
		esac
		corpus_add "$1" "$f" "$HDR_DEFAULT"
		corpus_add "$1" "$f" "$HDR_SMALL" .small
	done
	# Authentication-Results in front of a report mail, for the trust rules
	for ar in "mx.test; dkim=pass header.d=sender.example" \
		"mx.test; dkim=none" "mx.test (c); dkim=fail header.i=@sender.example"; do
		n=$((${n:-0} + 1))
		{ printf "$HDR_TRUST"; printf 'Authentication-Results: %s\r\n' "$ar"
			cat "$top/tests/data/cases/crlf.eml"; } | head -c "$max_len" >"$1/gen-trust-$n.eml"
	done
	# pathological reports below the limits: 60,000 policies (more records
	# than TLSRPT_RECORDS_MAX: the pipeline must fail cleanly), 8,000 tiny
	# failure details, JSON nested 5,000 deep
	{ printf "$HDR_DEFAULT"; awk 'BEGIN { printf "{\"policies\":[{}"
		for (i = 1; i < 60000; i++) printf ",{}"; print "]}" }' | gzip -9; } \
		>"$1/gen-many-policies.json.gz"
	{ printf "$HDR_DEFAULT"; awk 'BEGIN { printf "{\"policies\":[{\"failure-details\":[{}"
		for (i = 1; i < 8000; i++) printf ",{}"; print "]}]}" }'; } >"$1/gen-many-failures.json"
	{ printf "$HDR_DEFAULT"; awk 'BEGIN { printf "{\"policies\":"
		for (i = 0; i < 5000; i++) printf "["; print "" }'; } >"$1/gen-deep.json"
	# a compact bomb: 32 MiB of zeros as a bare .json.gz (about 32 KiB);
	# the harness's 1 MiB MaxReportSize must stop it early
	{ printf "$HDR_DEFAULT"; head -c 33554432 /dev/zero | gzip -9; } | head -c "$max_len" \
		>"$1/gen-zero-bomb.gz"
}

# seed_cost DIR - the cost harness's seeds: small real reports, and the worst
# shapes of bench/gen-report.py, 20 MiB of JSON each, gzipped to about 20 KB
seed_cost() {
	for f in "$top"/tests/data/real/*.json; do
		[ -f "$f" ] && head -c "$max_len" "$f" >"$1/$(basename "$f")"
	done
	n=$((20 * 1024 * 1024 / 2 - 16))
	awk -v n="$n" 'BEGIN { printf "{\"policies\":["; for (i = 0; i < n; i++) printf "0,"
		print "0]}" }' | gzip -9 | head -c "$max_len" >"$1/gen-zeros.json.gz"
	awk -v n="$n" 'BEGIN { printf "{\"policies\":["; for (i = 0; i < n; i++) printf "0,"
		print "0,x" }' | gzip -9 | head -c "$max_len" >"$1/gen-zeros-bad.json.gz"
	n=$((20 * 1024 * 1024 / 3 - 16))
	awk -v n="$n" 'BEGIN { printf "{\"policies\":["; for (i = 0; i < n; i++) printf "{},"
		print "{}]}" }' | gzip -9 | head -c "$max_len" >"$1/gen-objects.json.gz"
}

# seed_config DIR - the config harness's seeds: sample configs in the tree,
# saved reproducers, and two written here
seed_config() {
	for f in "$top"/etc/*.conf "$top"/tests/data/config/* "$top"/tests/data/fuzz-regress/config-*; do
		[ -f "$f" ] && head -c "$max_len" "$f" >"$1/$(basename "$f")"
	done
	printf '# minimal\nReportAddress tlsrpt@\n' >"$1/gen-minimal"
	cat >"$1/gen-full" <<-'EOF'
	# every key, values off the defaults
	Socket inet:8890@127.0.0.1
	ReportAddress tlsrpt@example.com, tlsrpt@
	ReportAddress <TLSRPT+x@Example.COM> other@example.org
	RecipientDelimiter +-
	Action redirect
	RedirectTo archive@example.com   # trailing comment
	AddHeader yes
	LogFacility local3
	LogFormat json
	MaxMessageSize 10M
	MaxReportSize 512K
	MaxFailureLines 0
	MaxMimeDepth 4
	MaxParts 100000
	UserID nobody:nogroup
	PidFile /run/tlsrpt-milter/x.pid
	UMask 027
	Background false
	EOF
}

# seed_authres DIR - Authentication-Results field values, one field a line
# (see fuzz_authres.c), and saved reproducers
seed_authres() {
	for f in "$top"/tests/data/fuzz-regress/authres-*; do
		[ -f "$f" ] && head -c "$max_len" "$f" >"$1/$(basename "$f")"
	done
	printf '%s' 'mx.example.net; dkim=pass (2048-bit key; unprotected) header.d=mail.ru header.i=@mail.ru header.a=rsa-sha256 header.s=mail4 header.b=AbCd1234' >"$1/gen-opendkim"
	printf '%s\n%s\n%s' 'evil.example; dkim=pass header.d=mail.ru' \
		'mx.example.net 1; spf=pass smtp.mailfrom=mail.ru; dkim=fail header.d=x.example; dkim=pass header.d="corp.mail.ru"' \
		'backup.example.net; none' >"$1/gen-several"
	printf '%s' '(a (b; c=d) \) e) MX.Example.NET (x); dkim/1 (v) = pass reason="ok \"x\"" header . i = "r;p"@Tlsrpt.Mail.Ru' >"$1/gen-comments"
	printf '%s' 'spf.protection.outlook.com; dmarc=pass action=none header.from=mail.ru; dkim=pass (signature was verified) header.d=mail.ru;' >"$1/gen-outlook"
}

# seed_logline DIR - log files for the digest's reader (fuzz_logline.c):
# what the real milter logged (kv, json), journal -o cat, sts-mode lines
seed_logline() {
	for f in "$top"/tests/lookout/data/*.log "$top"/tests/data/fuzz-regress/logline-*; do
		[ -f "$f" ] && head -c "$max_len" "$f" >"$1/$(basename "$f")"
	done
	sed -n 's/^[A-Z][a-z]* [ 0-9]* [0-9:]* [^ ]* tlsrpt-milter\[[0-9]*\]: //p' \
		"$top/tests/lookout/data/kv.log" | head -c "$max_len" >"$1/gen-cat.log"
	# smtpd's lines for the MX join, several in one second (the stamp the parser reuses)
	p='Nov 29 07:21:36 mx postfix/smtpd[7]:'
	printf '%s\n' "$p connect from unknown[192.0.2.1]" \
		"$p SSL_accept error from unknown[192.0.2.1]: -1" \
		"$p warning: TLS library problem: error:0A000412:SSL routines::sslv3 alert bad certificate:../ssl/record/rec_layer_s3.c:1584:SSL alert number 42:" \
		"$p lost connection after STARTTLS from unknown[192.0.2.1]" \
		"$p disconnect from unknown[192.0.2.1] ehlo=1 starttls=0/1 commands=1/2" \
		"Nov 29 07:21:37 mx postfix/smtpd[8]: connect from mail-wm1-f41.google.com[209.85.128.41]" \
		"Nov 29 07:21:37 mx postfix/smtpd[8]: Anonymous TLS connection established from mail-wm1-f41.google.com[209.85.128.41]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" \
		"Nov 29 07:21:37 mx postfix/smtpd[8]: 4F1A2B3C4D: client=mail-wm1-f41.google.com[209.85.128.41]" \
		"Nov 29 07:21:37 mx tlsrpt-milter[9]: 4F1A2B3C4D: failure report-id=r1 policy-type=sts policy-domain=example.com result-type=certificate-expired failed-session-count=3 sending-mta-ip=192.0.2.1" \
		"Nov 29 07:21:38 mx postfix/smtpd[8]: disconnect from mail-wm1-f41.google.com[209.85.128.41] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7" \
		"2026-11-29T07:21:38.5+01:00 mx postfix/submission/smtpd[10]: connect from unknown[IPv6:2001:db8::1]" \
		>"$1/gen-smtpd.log"
}

ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}
export ASAN_OPTIONS

status=0
for t in $targets; do
	src=$fuzz/fuzz_$t.c
	bin=$out/bin/fuzz_$t
	echo "== fuzz_$t: build"
	# shellcheck disable=SC2086
	if ! $cc $cflags "$src" $srcs $libs -o "$bin"; then
		echo "run-fuzz: fuzz_$t does not build" >&2
		status=1
		continue
	fi

	rm -rf "$out/seed/$t" "$out/regress/$t"
	mkdir -p "$out/seed/$t" "$out/corpus/$t" "$out/regress/$t"
	"seed_$t" "$out/seed/$t"

	# replay the saved reproducers first: fast, and a regression is reported as such
	for f in "$top"/tests/data/fuzz-regress/*; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		case $t:$b in
		config:config-*) cp "$f" "$out/regress/$t/" ;;
		authres:authres-*) cp "$f" "$out/regress/$t/" ;;
		logline:logline-*) cp "$f" "$out/regress/$t/" ;;
		pipeline:config-* | pipeline:authres-* | pipeline:logline-*) ;;
		cost:*) ;;
		pipeline:*.fuzz) cp "$f" "$out/regress/$t/" ;;
		pipeline:*) corpus_add "$out/regress/$t" "$f" "$HDR_DEFAULT" ;;
		esac
	done
	if [ -n "$(ls "$out/regress/$t")" ]; then
		echo "== fuzz_$t: replay tests/data/fuzz-regress"
		if ! "$bin" -rss_limit_mb=512 -timeout=10 "$out/regress/$t"/* \
			>"$out/regress-$t.log" 2>&1; then
			tail -40 "$out/regress-$t.log"
			echo "run-fuzz: fuzz_$t: a saved reproducer fails again" >&2
			status=1
			continue
		fi
	fi

	echo "== fuzz_$t: run ${secs}s"
	dict=""
	[ "$t" = pipeline ] && dict="-dict=$fuzz/tlsrpt.dict"
	[ "$t" = cost ] && dict="-dict=$fuzz/tlsrpt.dict"
	[ "$t" = config ] && dict="-dict=$fuzz/conf.dict"
	[ "$t" = authres ] && dict="-dict=$fuzz/authres.dict"
	log=$out/fuzz-$t.log
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=512 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t-" $dict ${FUZZ_ARGS:-} \
		"$out/corpus/$t" "$out/seed/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*(DONE|INITED|pulse|NEW|REDUCE)' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -ne 0 ]; then
		grep -E '^fuzz_|ERROR|SUMMARY|Test unit written|^    #[0-9]' "$log" | head -40
		echo "run-fuzz: fuzz_$t: CRASH (exit $rc), log $log"
		status=1
	fi
	echo "run-fuzz: fuzz_$t: ${execs:-?} executions in ${secs}s, coverage ${cov:-?} edges," \
		"corpus ${corp:-?} inputs, exit $rc"
done
exit $status
