# single_test.sh: single-answer grading (FastChat's MT-Bench judge) against
# mock-llm: FastChat's record shape and prompts, ratings that follow the
# mock's strengths, retries of unparsed ratings, bad input before any call.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

MT=$TOP/data/mt-bench
start_mock --judge-policy strength --strength strong=300 --strength weak=-300
{
	for m in strong weak mock-judge; do
		printf '%s:\n  endpoints:\n    - api_base: %s\n' "$m" "$MOCK_URL"
		printf '  parallel: 4\n'
	done
} >api.yaml
# Writing, writing, reasoning, math, coding: the last three need references.
grep -E '"question_id": (81|82|101|111|121),' "$MT/question.jsonl" >q.jsonl
for m in strong weak; do
	"$BIN/gen-answer" -q -m $m --api-config api.yaml --cache c q.jsonl \
	    >$m.jsonl
done
n0=$(log_lines "$MOCK_LOG")
grade() {
	"$GJ" -c "$TOP/configs/mt-bench.yaml" --judge mock-judge \
	    --api-config api.yaml --cache c --questions q.jsonl \
	    --reference-answers "$MT/reference_answer/gpt-4.jsonl" "$@"
}
grade strong.jsonl weak.jsonl >out 2>err
check_eq "exit 0" 0 $?
check_eq "a record per answer and turn" 20 "$(wc -l <out | tr -d ' ')"
check_eq "one request per record" 20 $(( $(log_lines "$MOCK_LOG") - n0 ))
check_eq "key order" \
    "question_id model judge user_prompt judgment score turn tstamp provenance" \
    "$(head -1 out | jq -r 'keys_unsorted | join(" ")')"
check_eq "input order, turn 1 then 2" "81 1|81 2|82 1|82 2|101 1" \
    "$(jq -r '"\(.question_id) \(.turn)"' out | head -5 | tr '\n' '|' |
    sed 's/|$//')"
check_eq "prompts by category and turn" \
    "single-v1 single-v1-multi-turn single-math-v1 single-math-v1-multi-turn" \
    "$(jq -r 'select(.model == "strong" and (.question_id == 81 or
    .question_id == 111)) | .judge[1]' out | tr '\n' ' ' | sed 's/ $//')"
check_eq "judge: [entry, prompt name]" '["mock-judge","single-v1"]' \
    "$(head -1 out | jq -c .judge)"
check "the math prompt shows the reference answer" \
    test "$(jq -r 'select(.question_id == 111 and .turn == 1 and
    .model == "weak") | .user_prompt' out | grep -c 'Reference Answer')" \
    -ge 2
check "turn 2 shows the whole conversation" test "$(jq -r 'select(
    .question_id == 81 and .turn == 2 and .model == "weak") |
    .user_prompt' out | grep -c '^### Assistant A:')" -eq 2
check "scores are FastChat's integers" test "$(jq -r '.score | type' out |
    sort -u)" = number
mean() { jq -s "map(select(.model == \"$1\") | .score) | add / length" out; }
check "ratings follow the strengths ($(mean strong) > $(mean weak))" \
    awk "BEGIN { exit !($(mean strong) > $(mean weak) + 2) }"
check_eq "tstamp: the reply's time" "number" "$(head -1 out | jq -r '.tstamp | type')"

# A re-run is answered from the cache: the same bytes, no request.
n=$(log_lines "$MOCK_LOG")
grade -q strong.jsonl weak.jsonl >out2
check_files "re-run: identical" out out2
check_eq "re-run: no request" "$n" "$(log_lines "$MOCK_LOG")"

# A judgment without a rating: asked once more with the continue message
# (number_of_judgment_attempts 2); with 1, FastChat's -1 is recorded.
stop_mock
MOCK_LOG=$T/nv.log start_mock --judge-policy strength --fault noverdict=1
sed "s|http://127.0.0.1:[0-9]*/v1|$MOCK_URL|" api.yaml >api2.yaml
"$GJ" -c "$TOP/configs/mt-bench.yaml" --judge mock-judge --api-config \
    api2.yaml --no-cache --questions q.jsonl --reference-answers \
    "$MT/reference_answer/gpt-4.jsonl" weak.jsonl >nv 2>/dev/null
check_eq "noverdict: exit 0" 0 $?
check_eq "noverdict: two requests a record" 20 "$(log_lines "$T/nv.log")"
check_eq "noverdict: -1 after the last attempt" "-1" \
    "$(jq -r .score nv | sort -u)"
check "noverdict: both replies kept" test "$(head -1 nv | jq -r .judgment |
    grep -c 'Mock grading')" -eq 2
sed 's/^number_of_judgment_attempts: 2/number_of_judgment_attempts: 1/' \
    "$TOP/configs/mt-bench.yaml" >one.yaml
sed -i "s|^judge_prompts: ..|judge_prompts: $TOP|" one.yaml
"$GJ" -c one.yaml --judge mock-judge --api-config api2.yaml --no-cache \
    --questions q.jsonl --reference-answers \
    "$MT/reference_answer/gpt-4.jsonl" weak.jsonl >nv1 2>/dev/null
check_eq "one attempt: one request a record" 30 "$(log_lines "$T/nv.log")"
check_eq "one attempt: the reply as FastChat stores it" \
    "$(head -1 nv1 | jq -r .judgment | head -1)" "$(head -1 nv | jq -r .judgment |
    head -1)"

# Bad input is reported before any request, and then none is sent.
"$GJ" -c "$TOP/configs/mt-bench.yaml" --judge mock-judge --api-config \
    api2.yaml --no-cache --questions q.jsonl strong.jsonl >out4 2>err4
check_eq "no references: exit 65" 65 $?
check "no references: message" grep -q "strong.jsonl:3: no reference answer of 'gpt-4' for question 101 (model strong): category 'reasoning' needs one" err4
n=$(log_lines "$T/nv.log")
check_eq "no references: nothing graded" 0 "$(wc -l <out4 | tr -d ' ')"
jq -c '.choices[0].turns |= .[0:1]' weak.jsonl | head -1 >short.jsonl
"$GJ" -c "$TOP/configs/mt-bench.yaml" --judge mock-judge --api-config \
    api2.yaml --no-cache --questions q.jsonl --reference-answers \
    "$MT/reference_answer/gpt-4.jsonl" short.jsonl >/dev/null 2>err5
check_eq "one turn of two: exit 65" 65 $?
check "one turn of two: message" grep -q "short.jsonl:1: the answer of model weak to question 81 has 1 turn, grading needs 2" err5
# A question without the turns single grading needs.
jq -c 'if .question_id == 81 then .turns = [] else . end' q.jsonl >noturns.jsonl
"$GJ" -c "$TOP/configs/mt-bench.yaml" --judge mock-judge --api-config \
    api2.yaml --no-cache --questions noturns.jsonl --reference-answers \
    "$MT/reference_answer/gpt-4.jsonl" weak.jsonl >out6 2>err6
check_eq "a question without turns: exit 65" 65 $?
check "a question without turns: message" grep -qx \
    "gen-judgment: noturns.jsonl:1: question 81 has no turns" err6
check_eq "a question without turns: nothing graded" 0 \
    "$(wc -l <out6 | tr -d ' ')"
printf 'judge_model: x\nbaseline: false\npairwise: false\ntemperature: 0\nmax_tokens: 9\n' >noprompts.yaml
check_exit "single without judge_prompts: 78" 78 "$GJ" -c noprompts.yaml \
    --api-config api2.yaml --questions q.jsonl weak.jsonl 2>/dev/null
printf 'judge_prompts: nowhere.jsonl\n' >>noprompts.yaml
printf 'x:\n  endpoints:\n    - api_base: %s\n' "$MOCK_URL" >>api2.yaml
check_exit "judge_prompts file missing: 66" 66 "$GJ" -c noprompts.yaml \
    --api-config api2.yaml --questions q.jsonl weak.jsonl 2>/dev/null
check_eq "bad input: no request" "$n" "$(log_lines "$T/nv.log")"
done_testing
