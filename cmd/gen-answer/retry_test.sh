# retry_test.sh: retries, Retry-After, permanent and temporary failures.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
have_shared || { skip "no shared data"; done_testing; }
cd "$T" || exit 1
first_questions 20 q.jsonl

# --fail-first 2: every request fails twice with 500, then succeeds.
MOCK_LOG=$T/ff.log
start_mock --fail-first 2
api_config api.yaml "$MOCK_URL" "parallel: 20"
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out 2>err
check_eq "--fail-first 2: exit 0" 0 $?
check_eq "--fail-first 2: 20 answers" 20 "$(wc -l <out)"
check_eq "--fail-first 2: three arrivals per request in the log" \
    "20 x 500 500 200" \
    "$(log_calls "$MOCK_LOG" | awk '{ s[$1] = s[$1] " " $2 }
    END { for (h in s) print substr(s[h], 2) }' | sort | uniq -c |
    sed 's/^ *//;s/ / x /')"

stop_mock

# Retries exhausted: temporary failures, 75, listed and recorded.
start_mock --fail-first 2
api_config api1.yaml "$MOCK_URL" "parallel: 20" "max_retries: 1"
"$GA" -m mock --api-config api1.yaml --no-cache --failed failed.jsonl \
    q.jsonl >out 2>err
check_eq "retries exhausted: exit 75" 75 $?
check_eq "retries exhausted: no output" 0 "$(wc -c <out)"
# One line for the first failure of the kind, the other 19 counted.
check "retries exhausted: reported" grep -qx "gen-answer: question \
[0-9a-f]*: FAILED after 2 attempts: HTTP 500: .*" err
check "retries exhausted: the others counted" grep -qx "gen-answer: and 19 \
more calls FAILED after 2 attempts: HTTP 500: .*" err
check_eq "retries exhausted: 20 failure records" 20 "$(wc -l <failed.jsonl)"
check "retries exhausted: failure record" grep -q "^{\"question_id\": \
\"328c149ed45a41c0b9d6f14659e63599\", \"model\": \"mock\", \"turn\": 1, \
\"error\": \"HTTP 500: [^\"]*\", \"attempts\": 2, \"status\": 500}$" \
    failed.jsonl
# ... and the re-run completes them (the mock now lets them through).
"$GA" -m mock --api-config api1.yaml --cache c3 --failed failed.jsonl \
    q.jsonl >out 2>err
check_eq "re-run after failures: exit 0" 0 $?
check_eq "re-run after failures: no failure left" 0 "$(wc -c <failed.jsonl)"
stop_mock

# Retry-After: 429 with "Retry-After: 2" delays the retry by 2 s.
MOCK_LOG=$T/ra.log
start_mock --fail-first 1=429 --retry-after 2
api_config api.yaml "$MOCK_URL" "parallel: 20"
head -3 q.jsonl >q3.jsonl
"$GA" -m mock --api-config api.yaml --no-cache q3.jsonl >out 2>err
check_eq "Retry-After: exit 0" 0 $?
check_eq "Retry-After: 429 then 200" "3 x 429 200" \
    "$(log_calls "$MOCK_LOG" | awk '{ s[$1] = s[$1] " " $2 }
    END { for (h in s) print substr(s[h], 2) }' | sort | uniq -c |
    sed 's/^ *//;s/ / x /')"
gap=$(sed -n 's/.*"ts": \([0-9.]*\),.*"hash": "\([0-9a-f]*\)".*"status": \([0-9]*\).*/\2 \3 \1/p' \
    "$MOCK_LOG" | awk '$2 == 429 { t[$1] = $3 } $2 == 200 { d = $3 - t[$1];
    if (min == "" || d < min) min = d } END { print (min >= 1.95) ? "ok" : min }')
check_eq "Retry-After: honoured (2 s at least)" ok "$gap"
stop_mock
# A server asking for more than 300 s fails the item at once (75).
MOCK_LOG=$T/long.log
start_mock --fail-first 1=429 --retry-after 301
api_config api.yaml "$MOCK_URL" "parallel: 20"
"$GA" -m mock --api-config api.yaml --no-cache q3.jsonl >out 2>err
check_eq "Retry-After 301: exit 75" 75 $?
check "Retry-After 301: reason" grep -q \
    "FAILED after 1 attempts: HTTP 429: .*(server asks to wait 301 s)$" err
stop_mock

# Permanent failures: 4xx other than 408/409/429 is not retried (69).
MOCK_LOG=$T/perm.log
start_mock
api_config bad.yaml "${MOCK_URL%/v1}/nope" "parallel: 4"
"$GA" -m mock --api-config bad.yaml --no-cache q3.jsonl >out 2>err
check_eq "404: exit 69" 69 $?
check_eq "404: one attempt each" 3 "$(wc -l <"$MOCK_LOG")"
check "404: reported" grep -q "FAILED after 1 attempts: HTTP 404: " err
stop_mock

# Transport errors: a closed port and a timeout are retried, then 75.
api_config closed.yaml "http://127.0.0.1:1/v1" "max_retries: 1"
"$GA" -m mock --api-config closed.yaml --no-cache q3.jsonl >out 2>err
check_eq "connection refused: exit 75" 75 $?
check "connection refused: reported" grep -q \
    "FAILED after 2 attempts: .*[Cc]onnect" err
MOCK_LOG=$T/slow.log
start_mock --latency-ms 3000
api_config slow.yaml "$MOCK_URL" "timeout_s: 0.3" "max_retries: 1"
head -1 q.jsonl >q1.jsonl
"$GA" -m mock --api-config slow.yaml --no-cache q1.jsonl >out 2>err
check_eq "timeout: exit 75" 75 $?
check "timeout: reported" grep -q "FAILED after 2 attempts: .*timed out" err
check_eq "timeout: two attempts sent" 2 "$(wc -l <"$MOCK_LOG")"
stop_mock

# Mixed permanent and temporary failures: 69 wins over 75.
MOCK_LOG=$T/mixed.log
start_mock
cat >mixed.yaml <<YAML
mock:
    endpoints:
        - api_base: http://127.0.0.1:1/v1
        - api_base: ${MOCK_URL%/v1}/nope
    max_retries: 0
YAML
"$GA" -m mock --api-config mixed.yaml --no-cache q.jsonl >out 2>err
st=$?
check "mixed failures: exit 69 (when both occur)" test $st -eq 69
stop_mock
done_testing
