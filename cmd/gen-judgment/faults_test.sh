# faults_test.sh: HTTP 429/500, resets and truncated bodies are retried, and
# the judgments come out identical to a fault-free run; a permanent failure
# is reported and recorded, never emitted.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock --fault 429=0.2 --fault 500=0.1 --fault reset=0.05 \
    --fault truncate=0.05 --retry-after 0
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --cache "$T/cache" -q "$D/answers.jsonl" \
    >"$T/out" 2>"$T/err"
check_eq "fault matrix: exit 0" 0 $?
check_files "fault matrix: same judgments as without faults" \
    "$D/judgments.expected" "$T/out"
n=$(log_lines "$MOCK_LOG")
check "fault matrix: retries happened ($n requests)" test "$n" -gt 16
for f in 429 500; do
	check "fault matrix: $f injected" grep -q "\"fault\": \"$f\"" "$MOCK_LOG"
done
stop_mock

# Every request fails once first.
MOCK_LOG=$T/mock2.log
start_mock --fail-first 1=reset
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --no-cache -q "$D/answers.jsonl" >"$T/out2"
check_eq "fail-first: exit 0" 0 $?
check_files "fail-first: same judgments" "$D/judgments.expected" "$T/out2"
# 15 distinct requests twice each; the baseline's self-judgment sends one
# request for both games (arrivals 0, failed, 1 and 2).
check_eq "fail-first: two arrivals per request" 31 "$(log_lines "$MOCK_LOG")"
stop_mock

# A permanent failure (401): reported, recorded, nothing emitted for it.
MOCK_LOG=$T/mock3.log
start_mock --require-key sesame
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --no-cache --failed "$T/failed" \
    "$D/answers.jsonl" >"$T/out3" 2>"$T/err3"
check_eq "401: exit 69" 69 $?
check_eq "401: no output" "" "$(cat "$T/out3")"
check_eq "401: 16 failure records" 16 "$(wc -l <"$T/failed" | tr -d ' ')"
check "401: one request each, no retry" test "$(log_lines "$MOCK_LOG")" -eq 16
check "401: failure record" grep -q '^{"question_id": "q2", "model": "m2", "judge": "mock-judge", "game": 2, "error": "HTTP 401: [^"]*", "attempts": 1, "status": 401}$' "$T/failed"
check "401: diagnostic" grep -q "^gen-judgment: question q[0-9] (model m[0-9a-z.-]*, game [12]): FAILED after 1 attempts: HTTP 401" "$T/err3"
check "401: the others counted" grep -q "^gen-judgment: and 15 more calls FAILED after 1 attempts: HTTP 401" "$T/err3"
done_testing
