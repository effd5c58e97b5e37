# faults_test.sh: injected faults change nothing in the answers.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
have_shared || { skip "no shared data"; done_testing; }
cd "$T" || exit 1
first_questions 200 q.jsonl

# The reference: no faults.  Both mocks listen on the same port: the
# endpoint is part of the cache key and so of the answer_id.
MOCK_LOG=$T/clean.log start_mock
port=$MOCK_PORT
api_config api.yaml "$MOCK_URL" "parallel: 200"
"$GA" -m mock --api-config api.yaml --cache clean q.jsonl >clean.out \
    2>/dev/null
check_eq "fault-free run: exit 0" 0 $?
stop_mock

# The same questions through 429s (with Retry-After: 1), 500s, connection
# resets and truncated bodies.  Ten retries make a lost question unlikely;
# the mock's draws are seeded, so the run is reproducible anyway.
MOCK_LOG=$T/faults.log start_mock --port "$port" --fault 429=0.2 \
    --fault 500=0.1 --fault reset=0.05 --fault truncate=0.05
api_config api.yaml "$MOCK_URL" "parallel: 200" "max_retries: 10"
start=$(date +%s)
"$GA" -m mock --api-config api.yaml --cache faults --failed failed.jsonl \
    q.jsonl >faults.out 2>err
check_eq "faults: exit 0" 0 $?
stop_mock
check_eq "faults: 200 answers" 200 "$(wc -l <faults.out)"
check_eq "faults: none lost or duplicated, in input order" \
    "$(sed 's/.*"question_id": "\([^"]*\)".*/\1/' q.jsonl)" "$(ids faults.out)"
check_eq "faults: same port" "$port" "$MOCK_PORT"
check_files "faults: the answers of a fault-free run" \
    <(strip_tstamp <clean.out) <(strip_tstamp <faults.out)
check_eq "faults: no failure record" 0 "$(wc -c <failed.jsonl)"
for k in 429 500 reset truncate; do
	check "faults: $k injected" grep -q "\"fault\": \"$k\"" faults.log
done
check_eq "faults: every request answered once" "" "$(ok_repeats faults.log)"
check_eq "faults: summary" \
    "gen-answer: 200 requests (0 cache hits, 0 failed), prompt_tokens $(
    sed -n 's/.*prompt_tokens \([0-9]*\),.*/\1/p' err), completion_tokens $(
    sed -n 's/.*completion_tokens \([0-9]*\)$/\1/p' err)" "$(tail -1 err)"
echo "# faults run: $(( $(date +%s) - start )) s, $(wc -l <faults.log) requests"
done_testing
