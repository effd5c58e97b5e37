#!/bin/bash
# usage_test.sh: board-diff --help prints its manual's SYNOPSIS.
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v man >/dev/null || ! command -v col >/dev/null; then
	skip "usage = SYNOPSIS (man not installed)"
	exit 0
fi
check "usage = SYNOPSIS of man/board-diff.1" \
    "$TOP/scripts/check-usage.sh" "$BIN" board-diff
done_testing
