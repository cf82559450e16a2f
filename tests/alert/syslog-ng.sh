#!/bin/sh
# syslog-ng.sh - etc/syslog-ng-tlsrpt-milter.conf with a real syslog-ng
#
# Debian's syslog-ng-core conflicts with rsyslog (both provide
# system-log-daemon), so unless a syslog-ng is installed this test takes
# syslog-ng-core with `apt-get download` (cached in $TLSRPT_E2E_CACHE,
# default /var/cache/tlsrpt-milter-e2e, as tests/e2e/sendmail.sh does for
# Sendmail), unpacks it with dpkg-deb -x and runs that binary; its library
# dependencies are ordinary packages (tests/install-deps.sh).  syslog-ng -F
# owns /dev/log in the milter's private mount namespace, with a small main
# configuration (source s_src on /dev/log, a full log) that includes the
# shipped snippet, paths substituted (tests/alert/lib.sh).  Reports go
# through the private Postfix, with LogFormat kv (filter on program and
# message, kv-parser) and LogFormat json (json-parser): exactly the
# failure, failure-omitted and error events must reach the alert file and
# the program() alert program (which mails them), fields intact; the clean
# report and the ordinary mail must not.  A report whose values try to
# forge fields (a bare ' - a quote to kv-parser - before a quoted
# " policy-domain=... failed-session-count=0", a quoted
# " failed-session-count=999") must give, through the snippet's kv-parser
# and json-parser, exactly the true fields.  Those rounds use the
# snippet's per-line mode; then, in its default mode, the stateful alerts
# of tlsrpt-lookout --alert over simulated days (alert_stateful_round in
# tests/alert/lib.sh), kv.
set -u
. "$(dirname "$0")/lib.sh"
e2e_need

SNG_ROOT=
SNG_BIN=
SNG_MODULES=
# sng_find_installed - an installed syslog-ng
sng_find_installed() {
    [ -x /usr/sbin/syslog-ng ] || return 1
    SNG_BIN=/usr/sbin/syslog-ng
    SNG_MODULES=$(ls -d /usr/lib/syslog-ng/[0-9]* 2>/dev/null | tail -1)
    [ -n "$SNG_MODULES" ]
}

# sng_fetch - syslog-ng-core unpacked into the cache
sng_fetch() {
    cache=${TLSRPT_E2E_CACHE:-/var/cache/tlsrpt-milter-e2e}
    SNG_ROOT=$cache/syslog-ng
    SNG_BIN=$SNG_ROOT/usr/sbin/syslog-ng
    if [ ! -x "$SNG_BIN" ]; then
        command -v apt-get >/dev/null 2>&1 || { echo "no apt-get"; return 1; }
        command -v dpkg-deb >/dev/null 2>&1 || { echo "no dpkg-deb"; return 1; }
        dl=$(mktemp -d "${TMPDIR:-/tmp}/tlsrpt-sng-dl.XXXXXX") || return 1
        chmod 777 "$dl" # apt's _apt user downloads into it
        echo "fetching syslog-ng-core with apt-get download (it conflicts with rsyslog)"
        if ! (cd "$dl" && apt-get download syslog-ng-core >"$dl/log" 2>&1); then
            # package lists may be missing on a fresh machine
            apt-get update -qq >/dev/null 2>&1
            (cd "$dl" && apt-get download syslog-ng-core >"$dl/log" 2>&1) || {
                sed 's/^/  /' "$dl/log"
                rm -rf "$dl"
                return 1
            }
        fi
        # unpacked beside the cache entry and renamed into place, so that
        # two test runs at once (build/ and build-san/) never see half of it
        mkdir -p "$cache" && new=$(mktemp -d "$cache/syslog-ng.new.XXXXXX") || { rm -rf "$dl"; return 1; }
        dpkg-deb -x "$dl"/syslog-ng-core_*.deb "$new" || { rm -rf "$dl" "$new"; return 1; }
        rm -rf "$dl"
        chmod 755 "$new"
        mv -T "$new" "$SNG_ROOT" 2>/dev/null || rm -rf "$new"
        [ -x "$SNG_BIN" ] || { echo "cannot unpack syslog-ng-core into $SNG_ROOT"; return 1; }
    fi
    SNG_MODULES=$(ls -d "$SNG_ROOT"/usr/lib/syslog-ng/[0-9]* 2>/dev/null | tail -1)
    [ -n "$SNG_MODULES" ] || { echo "no module directory in $SNG_ROOT"; return 1; }
    # its RUNPATH is /usr/lib/syslog-ng, where nothing is installed
    LD_LIBRARY_PATH=$SNG_ROOT/usr/lib/syslog-ng${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
}

if sng_find_installed; then
    echo "using the installed $SNG_BIN"
else
    fetchlog=$(mktemp "${TMPDIR:-/tmp}/tlsrpt-sng-fetch.XXXXXX") || exit 1
    if sng_fetch >"$fetchlog" 2>&1; then
        cat "$fetchlog"
        rm -f "$fetchlog"
        echo "using syslog-ng unpacked from Debian's syslog-ng-core in $SNG_ROOT"
    else
        why=$(cat "$fetchlog")
        rm -f "$fetchlog"
        skip "no syslog-ng: it is not installed (syslog-ng-core conflicts with rsyslog) and apt-get download syslog-ng-core failed: $why"
    fi
fi
SNG="$SNG_BIN --module-path=$SNG_MODULES"
# shellcheck disable=SC2086
ver=$($SNG -V 2>&1) ||
    skip "$SNG_BIN does not run (a library from tests/install-deps.sh missing?): $(echo "$ver" | head -2)"
echo "$ver" | head -1
SNG_VERSION=$(echo "$ver" | sed -n 's/^Config version: *//p')

alert_init
alert_snippet "$top_srcdir/etc/syslog-ng-tlsrpt-milter.conf" "$ALERT_DIR/tlsrpt-milter.conf" || exit 1
FULL=$ALERT_DIR/all.log
ALERT_FIELDS=$ALERT_DIR/fields.log
cat >"$ALERT_DIR/syslog-ng.conf" <<EOF
@version: ${SNG_VERSION:-3.35}
# test main configuration: /dev/log in the private namespace as s_src (as
# Debian's syslog-ng.conf names its system() source), a full log, and the
# shipped snippet
options { keep-hostname(yes); stats-freq(0); };
source s_src { unix-dgram("/dev/log"); internal(); };
destination d_all { file("$FULL"); };
log { source(s_src); destination(d_all); };
@include "$ALERT_DIR/tlsrpt-milter.conf"
# what the snippet's parsers take from each failure event
filter f_test_failure_kv { message("^[^ ]+: failure " type(pcre)); };
filter f_test_failure_json { match("^failure\$" value("tlsrpt.event") type(pcre)); };
destination d_test_fields {
    file("$ALERT_FIELDS" template("\${tlsrpt.policy-domain} \${tlsrpt.failed-session-count}\n"));
};
log { source(s_src); filter(f_tlsrpt_milter); filter(f_test_failure_kv); parser(p_tlsrpt_kv);
      destination(d_test_fields); };
log { source(s_src); filter(f_tlsrpt_milter); filter(f_tlsrpt_json); parser(p_tlsrpt_json);
      filter(f_test_failure_json); destination(d_test_fields); };
EOF
# shellcheck disable=SC2086
$SNG -s -f "$ALERT_DIR/syslog-ng.conf" >"$ALERT_DIR/check.out" 2>&1 ||
    { fail "syslog-ng -s rejects the snippet:"; cat "$ALERT_DIR/check.out"; finish; exit 1; }
ALERT_DAEMON_SH="d=\$(dirname \"\$0\")
exec $SNG -F -f '$ALERT_DIR/syslog-ng.conf' --no-caps -R \"\$d/syslog-ng.persist\" -p \"\$d/syslog-ng.pid\" -c \"\$d/syslog-ng.ctl\""

for fmt in kv json; do
    alert_round "$fmt" "$FULL"
done
alert_stateful_round kv "$FULL" "$top_srcdir/etc/syslog-ng-tlsrpt-milter.conf"
finish
