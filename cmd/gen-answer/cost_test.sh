# cost_test.sh: --max-cost and --max-calls stop a run under its cap (75),
# a rerun with a higher cap goes on from the cache and ends as an uncapped
# run does; --usage-log has a line per call; the summary gives the cost.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1
first_questions 60 q.jsonl

start_mock
# 1 and 2 dollars per million prompt and completion tokens: a reply costs
# some $0.0006, the most a call may cost (4096 tokens out) some $0.0086.
api_config api.yaml "$MOCK_URL" "parallel: 4" \
    "price: {input: 1.0, output: 2.0}"
export JP_SECRET_KEY="sk-jp-$RANDOM$RANDOM-cost"
sed -i 's|^\(        - api_base: .*\)$|\1\n          api_key: ${JP_SECRET_KEY}|' \
    api.yaml
sum() { jq -s 'map(.cost_usd) | add' "$1"; }

# The reference: uncapped, in a cache of its own.
"$GA" -m mock --api-config api.yaml --cache ref --usage-log ref.log q.jsonl \
    >ref.out 2>ref.err
check_eq "uncapped: exit 0" 0 $?
check_eq "uncapped: a usage line per call" 60 "$(wc -l <ref.log)"
check "uncapped: the summary gives the cost" grep -q \
    "^gen-answer: 60 requests (0 cache hits, 0 failed), prompt_tokens [0-9]*, completion_tokens [0-9]*, cost \$0\.0[0-9]*$" ref.err
check_eq "uncapped: the cost is the usage log's" \
    "$(sed -n 's/.*cost \$//p' ref.err)" "$(printf '%.4f' "$(sum ref.log)")"
check "a usage line" grep -q "^{\"question_id\": \"[0-9a-f]*\", \"model\": \"mock\", \"turn\": 1, \"endpoint\": \"127.0.0.1:$MOCK_PORT\", \"prompt_tokens\": [0-9]*, \"cached_tokens\": null, \"completion_tokens\": [0-9]*, \"latency_ms\": [0-9]*, \"attempts\": 1, \"cost_usd\": [0-9.e-]*, \"cache_hit\": false, \"status\": \"ok\", \"http\": \"1.1\", \"time\": [0-9.]*}$" ref.log
check "the usage log has no key" sh -c "! grep -qF '$JP_SECRET_KEY' ref.log"
n0=$(wc -l <"$MOCK_LOG")

# Capped at 2 cents: it stops under the cap, says so, exits 75.
"$GA" -m mock --api-config api.yaml --cache c --usage-log c.log \
    --max-cost 0.02 q.jsonl >c1.out 2>c1.err
check_eq "--max-cost 0.02: exit 75" 75 $?
paid=$(($(wc -l <"$MOCK_LOG") - n0))
echo "# --max-cost 0.02: $paid calls paid, $(sum c.log) dollars"
check "--max-cost 0.02: stopped early" test "$paid" -gt 0 -a "$paid" -lt 60
check "--max-cost 0.02: spent no more than the cap" \
    test "$(echo "$(sum c.log) <= 0.02" | bc -l)" -eq 1
check_eq "--max-cost 0.02: one usage line per paid call" "$paid" \
    "$(wc -l <c.log)"
check "--max-cost 0.02: says what was spent and what was not done" \
    grep -q "^gen-answer: cost cap reached: \$$(printf '%.4f' "$(sum c.log)") spent of \$0.0200 (--max-cost); $((60 - paid)) calls not made$" c1.err
check_eq "--max-cost 0.02: the answers paid for are written" "$paid" \
    "$(wc -l <c1.out)"

# A higher cap goes on from the cache: the records of an uncapped run.
"$GA" -m mock --api-config api.yaml --cache c --usage-log c.log \
    --max-cost 5 q.jsonl >c2.out 2>c2.err
check_eq "--max-cost 5: exit 0" 0 $?
check_eq "--max-cost 5: the rest paid, nothing twice" 60 \
    "$(($(wc -l <"$MOCK_LOG") - n0))"
check_files "--max-cost 5: the records of the uncapped run" \
    <(strip_tstamp <ref.out) <(strip_tstamp <c2.out)
check_eq "--max-cost 5: the hits in the usage log, free" "$paid 0" \
    "$(tail -n 60 c.log | jq -s 'map(select(.cache_hit)) |
    "\(length) \(map(.cost_usd) | add)"' -r)"
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >c3.out 2>c3.err
check_files "an uncapped rerun: byte for byte the same" c2.out c3.out
check "an uncapped rerun: all hits, nothing spent" grep -q \
    "(60 cache hits, 0 failed).*, cost \$0.0000$" c3.err

# --max-calls: at most N requests.
n1=$(wc -l <"$MOCK_LOG")
"$GA" -m mock --api-config api.yaml --cache d --max-calls 5 q.jsonl \
    >d.out 2>d.err
check_eq "--max-calls 5: exit 75" 75 $?
check_eq "--max-calls 5: five requests" 5 "$(($(wc -l <"$MOCK_LOG") - n1))"
check "--max-calls 5: the message" grep -q \
    '^gen-answer: call cap reached: 5 calls made (--max-calls 5); 55 calls not made$' d.err
"$GA" -m mock --api-config api.yaml --cache d --max-calls 0 q.jsonl \
    >/dev/null 2>&1
check_eq "--max-calls 0: exit 75, no request" "75 5" \
    "$? $(($(wc -l <"$MOCK_LOG") - n1))"

# --max-cost needs a price: 78 before anything.
api_config free.yaml "$MOCK_URL"
"$GA" -m mock --api-config free.yaml --cache e --max-cost 1 q.jsonl \
    >/dev/null 2>err
check_eq "--max-cost without a price: exit 78" 78 $?
check_eq "--max-cost without a price: message" \
    "gen-answer: entry 'mock' has no price: --max-cost needs one (price: {input, output} in the API config)" \
    "$(cat err)"
check_exit "--max-cost -1: usage error" 64 "$GA" -m mock --max-cost -1 \
    q.jsonl 2>/dev/null
check_eq "no request without a price" "$(wc -l <"$MOCK_LOG")" \
    "$((n1 + 5))"
done_testing
