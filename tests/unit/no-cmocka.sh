#!/bin/sh
# no-cmocka.sh - stands in for the unit tests when configure found no cmocka:
# one visible skip (exit 77) with the reason, instead of tests that vanish
set -u
echo "SKIP: cmocka not found by configure: the unit tests (tests/unit/*.c) were not built;" \
	"install libcmocka-dev and run configure again"
exit 77
