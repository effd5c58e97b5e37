#!/bin/bash
# readme_test.sh: the README's first reproduce command, run as written (bin/
# replaced by the commands under test), prints the published board with the
# average token counts, not "average #tokens: 0".
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1

# The command: the first "bin/show-result" line of "## Reproducing a
# leaderboard" and its continuation lines.
cmd=$(awk '/^## Reproducing a leaderboard/ { f = 1 } f && /^bin\/show-result/ { c = 1 }
    c { print; if (!/\\$/) exit }' README.md)
check "README: a reproduce command" test -n "$cmd"
# As users run it: the release build of bin/ (make test builds it), which
# is also much faster than the sanitizer build.
rbin=$BIN
[ "$BIN" = "$TOP/build/asan/bin" ] && [ -x "$TOP/bin/show-result" ] &&
    rbin=$TOP/bin
cmd=${cmd//bin\/show-result/\"\$rbin\/show-result\"}
eval "$cmd" >"$T/board" 2>"$T/err"
check_eq "README command: exit 0" 0 $?
check_eq "README command: the 55 models of the published board" 55 \
    "$(grep -c '| score: ' "$T/board")"
check_eq "README command: no model shown with 0 tokens" 0 \
    "$(grep -c 'average #tokens: 0$' "$T/board")"
check_eq "README command: 51 models with their average" 51 \
    "$(grep -cE 'average #tokens: [1-9][0-9]*$' "$T/board")"
check "README command: the 4 without answers named in a warning" \
    grep -q "warning: no answers of 4 models" "$T/err"
done_testing
