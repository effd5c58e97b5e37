#!/bin/bash
# usage_test.sh: arena --help prints its manual's SYNOPSIS (scripts/check-usage.sh).
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v man >/dev/null || ! command -v col >/dev/null; then
	skip "usage = SYNOPSIS (man not installed)"
	exit 0
fi
check "usage = SYNOPSIS of man/arena.1" "$TOP/scripts/check-usage.sh" "$BIN" arena
check_exit "--version" 0 "$BIN/arena" --version
check_eq "--version says judgepipe" "arena (judgepipe)" "$("$BIN/arena" --version | cut -d' ' -f1-2)"
check_exit "a bad option -> 64" 64 "$BIN/arena" --nope 2>/dev/null
done_testing
