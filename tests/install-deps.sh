#!/bin/sh
# install-deps.sh - install the Debian packages the build, the tests and
# the demo need; idempotent (installs only what is missing), via sudo when
# not root.  Used by check.sh and demo.sh.
set -e

PKGS="build-essential autoconf automake pkg-config libmilter-dev libcjson-dev zlib1g-dev
      libcmocka-dev miltertest postfix python3 swaks valgrind clang libclang-rt-14-dev
      opendkim opendkim-tools python3-dkim rsyslog systemd adduser
      debhelper dpkg-dev fakeroot lintian
      libivykis0 libnet1 libwrap0 libjson-c5 rsyslog-relp
      mmdebstrap systemd-container util-linux chromium time unbound openssl prometheus-node-exporter"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo for:$missing" >&2; exit 1; }
    SUDO=sudo
fi
echo "install-deps: installing$missing"
# Postfix must not ask questions; a local-only default is fine, the tests
# run their own private instance.
echo "postfix postfix/main_mailer_type select Local only" | $SUDO debconf-set-selections
echo "postfix postfix/mailname string localhost" | $SUDO debconf-set-selections
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
