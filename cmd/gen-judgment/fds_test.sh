# fds_test.sh: closed standard descriptors never receive a file, and a run
# whose output goes nowhere stops before its first request (exit 74).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock
mock_api "$T/api.yaml"

judge --api-config "$T/api.yaml" --cache "$T/c" "$D/answers.jsonl" \
    >&- 2>"$T/err"
check_eq "stdout closed: exit 74" 74 $?
check_eq "stdout closed: message" \
    "gen-judgment: standard output is closed" "$(cat "$T/err")"
check_eq "stdout closed: no request" 0 "$(log_lines "$MOCK_LOG")"
check "stdout closed: no cache written" test ! -s "$T/c/v1/cache.zst"

judge --api-config "$T/api.yaml" --cache "$T/c" "$D/answers.jsonl" \
    >"$T/out" 2>&-
check_eq "stderr closed: exit 0" 0 $?
check "stderr closed: judgments written" test -s "$T/out"
check "stderr closed: the cache is valid zstd" zstd -tq "$T/c/v1/cache.zst"
check_eq "stderr closed: the cache holds only values" "" \
    "$(zstd -dc "$T/c/v1/cache.zst" | grep -v '^{"v": 1, "key": ')"
n=$(log_lines "$MOCK_LOG")
judge --api-config "$T/api.yaml" --cache "$T/c" "$D/answers.jsonl" \
    >"$T/out2" 2>/dev/null <&-
check_eq "stdin closed: exit 0" 0 $?
check_files "stdin closed: the same judgments" "$T/out" "$T/out2"
check_eq "stdin closed: all from the cache" "$n" "$(log_lines "$MOCK_LOG")"
done_testing
