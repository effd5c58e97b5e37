# errors_test.sh: ensemble-judgment diagnostics and exit statuses.
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP/testdata/ensemble-judgment" || exit 1
EJ=$BIN/ensemble-judgment

"$EJ" bad.jsonl >"$T/out" 2>"$T/err"
check_eq "bad records: exit 65" 65 $?
check_files "bad records: diagnostics" bad.stderr "$T/err"
check_files "bad records: good ones still written" bad.expected "$T/out"

"$EJ" --judges j1,j2,jx judge1.jsonl judge2.jsonl >/dev/null 2>"$T/err"
check_eq "listed judge without records: exit 65" 65 $?
check "listed judge without records: message" \
    grep -qx "ensemble-judgment: judge 'jx' has no records" "$T/err"

check_exit "missing file: exit 66" 66 "$EJ" nonexistent.jsonl 2>/dev/null
check_exit "bad option: exit 64" 64 "$EJ" --bogus 2>/dev/null
check_exit "bad --mode: exit 64" 64 "$EJ" --mode median 2>/dev/null
check_exit "bad --min-judges: exit 64" 64 "$EJ" --min-judges 0 2>/dev/null
check_exit "empty --judges name: exit 64" 64 "$EJ" --judges a,,b 2>/dev/null
check_exit "repeated --judges name: exit 64" 64 "$EJ" --judges a,a 2>/dev/null
check_eq "--min-judges message" \
    "ensemble-judgment: --min-judges: invalid value 'x' (want an integer >= 1)" \
    "$("$EJ" --min-judges x 2>&1 | head -1)"

"$EJ" --help >"$T/help"
check_eq "--help: exit 0" 0 $?
check "--help: usage on stdout" grep -q '^usage: ensemble-judgment ' "$T/help"
check "--help: every option" grep -q '^      --mode mean|pool  ' "$T/help"
check_eq "--version" "ensemble-judgment (judgepipe) 0.1.0" "$("$EJ" --version)"

# An empty input is no error.
check_eq "empty input" "" "$("$EJ" </dev/null)"
# usage_test.sh checks the usage and the options against the manual.
# Standard output closed: the records would go nowhere (74).
"$EJ" judge1.jsonl judge2.jsonl >&- 2>"$T/err"
check_eq "stdout closed: exit 74" 74 $?
check_eq "stdout closed: message" \
    "ensemble-judgment: standard output is closed" "$(cat "$T/err")"
done_testing
