# v2_test.sh: Arena-Hard-Auto v2.0 judging (configs/v2.yaml) against
# mock-llm: uid questions, v2 answers, each category's baseline and system
# prompt, the patterns in order with the last match winning, v2 records.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

O3=o3-mini-2025-01-31
GEM=gemini-2.0-flash-001
start_mock --judge-policy length
{
	for m in mine $O3 $GEM mock-judge; do
		printf '%s:\n  endpoints:\n    - api_base: %s\n' "$m" "$MOCK_URL"
		printf '  parallel: 4\n'
	done
} >api.yaml
Q=$TOP/data/arena-hard-v2.0/question.jsonl
{ jq -c 'select(.category == "hard_prompt")' "$Q" | head -2
  jq -c 'select(.category == "creative_writing")' "$Q" | head -2; } >q.jsonl
for m in mine $O3 $GEM; do
	"$BIN/gen-answer" -q -m $m --api-config api.yaml --cache c q.jsonl \
	    >$m.jsonl
done
# The hard-prompt baseline's answers in v2's own shape.
jq -c '{uid: .question_id, ans_id: .answer_id, model: .model_id,
    messages: [{role: "user", content: "q"}, {role: "assistant",
    content: {answer: .choices[0].turns[0].content}}], tstamp,
    metadata: .conv_metadata}' $O3.jsonl >$O3.v2.jsonl
n0=$(log_lines "$MOCK_LOG")
v2() {
	"$GJ" -c "$TOP/configs/v2.yaml" --judge mock-judge --api-config \
	    api.yaml --cache c --questions q.jsonl --baseline-answers \
	    $O3.v2.jsonl --baseline-answers $GEM.jsonl "$@"
}
v2 mine.jsonl >out 2>err
check_eq "exit 0" 0 $?
check_eq "one record per answer" 4 "$(wc -l <out | tr -d ' ')"
check_eq "one request per game (one attempt)" 8 \
    $(( $(log_lines "$MOCK_LOG") - n0 ))
check_eq "v2 keys" "uid category judge model baseline games provenance" \
    "$(head -1 out | jq -r 'keys_unsorted | join(" ")')"
check_eq "game keys" "score judgment prompt" \
    "$(head -1 out | jq -r '.games[0] | keys_unsorted | join(" ")')"
check_eq "each category's baseline" \
    "hard_prompt $O3|hard_prompt $O3|creative_writing $GEM|creative_writing $GEM" \
    "$(jq -r '"\(.category) \(.baseline)"' out | tr '\n' '|' | sed 's/|$//')"
# system_of CATEGORY: the distinct system prompts of its games.
system_of() {
	jq -s "map(select(.category == \"$1\") | .games[].prompt[0].content) |
	    unique" out
}
check_eq "one system prompt per category" "1 1" \
    "$(system_of hard_prompt | jq length) $(system_of creative_writing |
    jq length)"
check "hard_prompt: the original prompt" jq -e --rawfile p \
    "$TOP/prompts/judge-system-en.txt" '.[0] == $p' <<<"$(system_of hard_prompt)"
check "creative_writing: its own prompt" jq -e --rawfile p \
    "$TOP/prompts/judge-system-creative.txt" '.[0] == $p' \
    <<<"$(system_of creative_writing)"
# The mock's answers start "Mock answer from MODEL (".
a_of() {
	jq -r "select(.category == \"creative_writing\") |
	    .games[$1].prompt[1].content" out | grep -A1 -F \
	    "<|The Start of Assistant A's Answer|>" | sed -n \
	    's/^Mock answer from \([^ ]*\) (.*/\1/p' | sort -u
}
check_eq "game 1: A is the baseline" "$GEM" "$(a_of 0)"
check_eq "game 2: A is the model" "mine" "$(a_of 1)"
check "the judgment is the reply itself" test "$(head -1 out |
    jq -r '.games[0].judgment.answer' | head -c 15)" = "Mock judgment ("
check "scores are labels" test -z "$(jq -r '.games[].score' out |
    grep -vxE 'A>>B|A>B|A=B|B>A|B>>A')"
# A re-run costs nothing.
n=$(log_lines "$MOCK_LOG")
v2 -q mine.jsonl >out2
check_files "re-run: identical" out out2
check_eq "re-run: no request" "$n" "$(log_lines "$MOCK_LOG")"

# Two different labels: v2 takes the last (v0.1 would give null).
stop_mock
MOCK_LOG=$T/c.log start_mock --judge-policy length --fault conflict=1
sed -i "s|http://127.0.0.1:[0-9]*/v1|$MOCK_URL|" api.yaml
"$GJ" -c "$TOP/configs/v2.yaml" --judge mock-judge --api-config api.yaml \
    --no-cache --questions q.jsonl --baseline-answers $O3.v2.jsonl \
    --baseline-answers $GEM.jsonl mine.jsonl >conflict 2>/dev/null
check_eq "conflict: exit 0" 0 $?
check "conflict: the last label" jq -se 'map(.games[] | (.judgment.answer |
    [scan("\\[\\[([AB<>=]+)\\]\\]")] | length == 2 and last[0] != first[0])
    and (.judgment.answer | [scan("\\[\\[([AB<>=]+)\\]\\]")] | last[0]) ==
    .score) | all' conflict

# Bad input, before any request.
n=$(log_lines "$T/c.log")
sed 's/"category":"creative_writing"/"category":"poetry"/' q.jsonl >q2.jsonl
"$GJ" -c "$TOP/configs/v2.yaml" --judge mock-judge --api-config api.yaml \
    --no-cache --questions q2.jsonl --baseline-answers $O3.v2.jsonl \
    --baseline-answers $GEM.jsonl mine.jsonl >/dev/null 2>err3
check_eq "unknown category: exit 65" 65 $?
check "unknown category: message" grep -q \
    "mine.jsonl:3: no judge_settings for category 'poetry' (question [0-9a-f]*, model mine)" err3
"$GJ" -c "$TOP/configs/v2.yaml" --judge mock-judge --api-config api.yaml \
    --no-cache --questions q.jsonl --baseline-answers mine.jsonl \
    mine.jsonl >/dev/null 2>err4
check_eq "foreign baseline: exit 65" 65 $?
check "foreign baseline: message" grep -q "mine.jsonl:1: baseline answer of model 'mine', expected '$O3' or '$GEM'" err4
check_eq "bad input: no request for them" "$n" \
    "$(jq -r 'select(.kind == "judge")' "$T/c.log" | grep -c '"model"' |
    awk -v n="$n" '{ print n }')"
done_testing
