#!/bin/bash
# usage_test.sh: lint-board --help agrees with its manual: the usage is the
# SYNOPSIS and the option list names the options of the manual's list
# (scripts/check-usage.sh).
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v man >/dev/null || ! command -v col >/dev/null; then
	skip "usage = SYNOPSIS (man not installed)"
	exit 0
fi
check "--help agrees with man/lint-board.1" "$TOP/scripts/check-usage.sh" "$BIN" lint-board
check "--help: one line per option, under 80 columns but long choices" \
    bash -c '! "$1/lint-board" --help | grep -E "^ +-" | awk "length > 79 && !/\\|/" | grep -q .' _ "$BIN"

# (That the check can fail is tested once, in cmd/gen-answer/usage_test.sh.)
done_testing
