# cost_test.sh: gen-judgment under --max-cost stops under its cap (75), and
# a rerun with a higher cap writes the judgments of an uncapped run;
# --usage-log names each call as --failed does, and never the key.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

start_mock
export JP_SECRET_KEY="sk-jp-$RANDOM$RANDOM-cost"
mock_api api.yaml
# $10 and $20 per million tokens: a judgment costs some $0.007, the most a
# call may cost (the config's max_tokens, 16384, out) some $0.34.
printf '  price: {input: 10, output: 20}\n' >>api.yaml
sed -i 's/^    - api_base: .*/&\n      api_key: ${JP_SECRET_KEY}/' api.yaml
sum() { jq -s 'map(.cost_usd) | add' "$1"; }

judge --api-config api.yaml --cache c --usage-log c.log --max-cost 0.4 \
    "$D/answers.jsonl" >c1.out 2>c1.err
check_eq "--max-cost 0.4: exit 75" 75 $?
paid=$(log_lines "$MOCK_LOG")
echo "# --max-cost 0.4: $paid calls paid, $(sum c.log) dollars"
check "--max-cost 0.4: stopped early" test "$paid" -gt 0 -a "$paid" -lt 15
check "--max-cost 0.4: spent no more than the cap" \
    test "$(echo "$(sum c.log) <= 0.4" | bc -l)" -eq 1
check "--max-cost 0.4: says what was spent" grep -q \
    "^gen-judgment: cost cap reached: \$$(printf '%.4f' "$(sum c.log)") spent of \$0.4000 (--max-cost); [0-9]* calls not made$" \
    c1.err
check "a usage line" grep -q "^{\"question_id\": \"q[0-9]\", \"model\": \"m[0-9]\", \"judge\": \"mock-judge\", \"game\": [12], \"endpoint\": \"127.0.0.1:$MOCK_PORT\", \"prompt_tokens\": [0-9]*, \"cached_tokens\": null, \"completion_tokens\": [0-9]*, \"latency_ms\": [0-9]*, \"attempts\": 1, \"cost_usd\": [0-9.e-]*, \"cache_hit\": false, \"status\": \"ok\", \"http\": \"1.1\", \"time\": [0-9.]*}$" c.log
check "the key was sent" grep -q '"auth": "present"' "$MOCK_LOG"
check "the usage log has no key" sh -c "! grep -qF '$JP_SECRET_KEY' c.log"

# A higher cap goes on from the cache: the judgments of an uncapped run.
judge --api-config api.yaml --cache c --usage-log c.log --max-cost 10 \
    "$D/answers.jsonl" >c2.out 2>c2.err
check_eq "--max-cost 10: exit 0" 0 $?
check_files "--max-cost 10: the judgments of an uncapped run" \
    "$D/judgments.expected" c2.out
check_eq "--max-cost 10: the rest paid, nothing twice" 15 \
    "$(log_lines "$MOCK_LOG")"
check "--max-cost 10: the summary gives the cost" grep -q \
    "^gen-judgment: 16 requests ($((paid + 1)) cache hits, 0 failed), prompt_tokens 10300, completion_tokens 456, cost \$0\.[0-9]*$" \
    c2.err

# --max-calls 3: three requests.
judge --api-config api.yaml --cache d --max-calls 3 "$D/answers.jsonl" \
    >d.out 2>d.err
check_eq "--max-calls 3: exit 75" 75 $?
check_eq "--max-calls 3: three requests" 18 "$(log_lines "$MOCK_LOG")"
check "--max-calls 3: the message" grep -q \
    '^gen-judgment: call cap reached: 3 calls made (--max-calls 3); [0-9]* calls not made$' \
    d.err
done_testing
