#!/bin/bash
# usage_test.sh: mock-llm --help prints its manual's SYNOPSIS (scripts/check-usage.sh).
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v man >/dev/null || ! command -v col >/dev/null; then
	skip "usage = SYNOPSIS (man not installed)"
	exit 0
fi
check "usage = SYNOPSIS of man/mock-llm.1" "$TOP/scripts/check-usage.sh" "$BIN" mock-llm
# The check can fail: a manual whose SYNOPSIS lacks an option differs.
mkdir -p "$T/man" "$T/scripts"
cp "$TOP/scripts/check-usage.sh" "$T/scripts/"
sed '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/{/--\?version\|Fl -version/d}' \
	"$TOP/man/mock-llm.1" >"$T/man/mock-llm.1"
check "a SYNOPSIS without --version is caught" \
	bash -c '! "$1/scripts/check-usage.sh" "$2" mock-llm 2>/dev/null' _ "$T" "$BIN"
done_testing
