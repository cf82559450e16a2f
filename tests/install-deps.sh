#!/bin/sh
# install-deps.sh - install the Debian packages the build and the tests
# need (./check.sh), or only what the demo needs (--demo, ./demo.sh);
# idempotent (installs only what is missing), via sudo when not root.
#
#   tests/install-deps.sh          the whole test tool chain, for a test
#                                  machine or CI: Postfix (which takes the
#                                  place of another MTA such as exim4),
#                                  rsyslog (likewise for syslog-ng), the
#                                  compilers, sanitizers, valgrind, Chromium,
#                                  lintian, mmdebstrap, ...
#   tests/install-deps.sh --demo   the build's packages, python3 and, when
#                                  Postfix is not installed, the libraries
#                                  its programs need (demo.sh runs an
#                                  unpacked copy, never an installed one).
#                                  Only packages that remove or replace
#                                  nothing: apt-get's plan is read first,
#                                  and if it would remove a package nothing
#                                  is installed.  No service is started.
set -e

BUILD="build-essential autoconf automake pkg-config libmilter-dev libcjson-dev zlib1g-dev"
TESTS="libcmocka-dev miltertest postfix python3 swaks valgrind clang libclang-rt-14-dev
      opendkim opendkim-tools python3-dkim rsyslog systemd adduser
      debhelper dpkg-dev fakeroot lintian
      libivykis0 libnet1 libwrap0 libjson-c5 rsyslog-relp
      mmdebstrap systemd-container util-linux chromium time unbound openssl prometheus-node-exporter"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
fi
if [ "${1:-}" = --demo ]; then
    PKGS="$BUILD python3 mount"
    if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "ok installed"; then
        # the libraries of Postfix's programs (Depends: lib...), not Postfix;
        # a fresh system may have no package lists yet (apt-cache show
        # answers for a package another one names even then: ask for a candidate)
        if ! apt-cache policy postfix 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            [ -z "$SUDO" ] || command -v sudo >/dev/null ||
                { echo "install-deps: need root or sudo for apt-get update" >&2; exit 1; }
            $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        fi
        PKGS="$PKGS $(apt-cache depends postfix 2>/dev/null |
            sed -n 's/^ *Depends: \(lib[^ <>]*\)$/\1/p' | sort -u | tr '\n' ' ')"
    fi
else
    PKGS="$BUILD $TESTS"
fi

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    echo "install-deps: need root or sudo for:$missing" >&2
    exit 1
fi
echo "install-deps: installing$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
if [ "${1:-}" = --demo ]; then
    # shellcheck disable=SC2086
    plan=$($SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -s --no-install-recommends $missing) || {
        echo "$plan" | tail -5 >&2
        echo "install-deps: apt-get cannot install:$missing" >&2
        exit 1
    }
    if echo "$plan" | grep -q '^Remv '; then
        echo "install-deps: installing$missing would remove:" >&2
        echo "$plan" | sed -n 's/^Remv \([^ ]*\).*/  \1/p' >&2
        echo "install-deps: nothing installed; the demo changes nothing it does not own" >&2
        exit 1
    fi
    echo "install-deps: $(echo "$plan" | grep -c '^Inst ') packages to add, none removed"
else
    # Postfix must not ask questions; a local-only default is fine, the tests
    # run their own private instance.
    echo "postfix postfix/main_mailer_type select Local only" | $SUDO debconf-set-selections
    echo "postfix postfix/mailname string localhost" | $SUDO debconf-set-selections
fi
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
