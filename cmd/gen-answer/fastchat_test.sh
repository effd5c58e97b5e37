# fastchat_test.sh: gen-answer on FastChat's MT-Bench questions (integer
# ids, turns as strings): every turn answered with the earlier turns and the
# model's own earlier answers sent, answers in FastChat's shape.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1

start_mock
api_config api.yaml "$MOCK_URL" "parallel: 4"
head -n 3 "$TOP/data/mt-bench/question.jsonl" >q.jsonl
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out 2>err
check_eq "exit 0" 0 $?
check_eq "one request per turn" 6 "$(wc -l <"$MOCK_LOG")"
check_eq "integer ids, in order" "81 82 83" \
    "$(jq -r .question_id out | tr '\n' ' ' | sed 's/ $//')"
check "FastChat's shape: turns are strings, no conv_metadata" \
    grep -q '^{"question_id": 81, "answer_id": "[2-9A-HJ-NP-Za-km-z]\{22\}", "model_id": "mock", "choices": \[{"index": 0, "turns": \["Mock answer from mock-model ([0-9a-f]\{8\})\.[^"]*", "Mock[^"]*"\]}\], "tstamp": [0-9]*\.[0-9]*, "provenance": {"request": "[0-9a-f]\{16\}", "version": "[0-9.]*"}}$' out
# The mock counts ceil(bytes / 4) tokens per message: turn 2's prompt is
# turn 1, the model's answer to it, and turn 2.
want=$(jq -rs '[.[] | [(.turns[0] | utf8bytelength), (.turns[1] |
    utf8bytelength)]] | map(map((. + 3) / 4 | floor))' q.jsonl >qt &&
    jq -rs '[.[] | .choices[0].turns[0] | utf8bytelength |
    (. + 3) / 4 | floor]' out >at &&
    jq -rn --slurpfile q qt --slurpfile a at '[range(0; 3) as $i |
    $q[0][$i][0] + $q[0][$i][0] + $a[0][$i] + $q[0][$i][1]] | add')
check "turn 2 sends turn 1 and the model's answer (prompt_tokens $want)" \
    grep -q "prompt_tokens $want," err
# FastChat's judge reads these answers: judged in single mode below.
check_eq "turn 2 answers differ from turn 1" 3 \
    "$(jq -r 'select(.choices[0].turns[0] != .choices[0].turns[1]) |
    .question_id' out | wc -l | tr -d ' ')"
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out2 2>/dev/null
check_files "re-run from the cache: identical" out out2
check_eq "re-run: no request" 6 "$(wc -l <"$MOCK_LOG")"

# FastChat's temperature per category: writing 0.7, math 0.0.
grep -E '"question_id": (81|111),' "$TOP/data/mt-bench/question.jsonl" >wm.jsonl
"$GA" -q -m mock --api-config api.yaml --cache c --bench-config \
    "$TOP/configs/mt-bench-answer.yaml" wm.jsonl >cat.out
# (The config's max_tokens is 1024.)
"$GA" -q -m mock --api-config api.yaml --cache c --temperature 0.7 \
    --max-tokens 1024 wm.jsonl >t07.out
"$GA" -q -m mock --api-config api.yaml --cache c --temperature 0 \
    --max-tokens 1024 wm.jsonl >t0.out
check_eq "temperature_config: writing at 0.7" "$(sed -n 1p t07.out |
    jq -r .answer_id)" "$(sed -n 1p cat.out | jq -r .answer_id)"
check_eq "temperature_config: math at 0.0" "$(sed -n 2p t0.out |
    jq -r .answer_id)" "$(sed -n 2p cat.out | jq -r .answer_id)"
# --temperature overrides it, as FastChat's --force-temperature.
"$GA" -q -m mock --api-config api.yaml --cache c --bench-config \
    "$TOP/configs/mt-bench-answer.yaml" --temperature 0 wm.jsonl >force.out
check_files "--temperature overrides temperature_config" t0.out force.out
printf 'temperature_config: {math: hot}\n' >badcat.yaml
check_exit "temperature_config: a bad value is 78" 78 "$GA" -m mock \
    --api-config api.yaml --bench-config badcat.yaml wm.jsonl 2>/dev/null
done_testing
