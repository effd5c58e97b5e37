# errors_test.sh: gen-judgment's diagnostics and exit statuses.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock
mock_api "$T/api.yaml"

# Bad and unusable answers are all reported before any request; then
# nothing is sent or written (65).
(cd "$D" && "$GJ" -c "$TOP/configs/ko.yaml" --judge mock-judge \
    --api-config "$T/api.yaml" --no-cache --questions questions.jsonl \
    --questions extra-questions.jsonl --baseline-answers baseline.jsonl \
    --failed "$T/failed.jsonl" answers-bad.jsonl) >"$T/out" 2>"$T/err"
check_eq "bad answers: exit 65" 65 $?
cat >"$T/want" <<'W'
gen-judgment: answers-bad.jsonl:4: invalid JSON: '[' or '{' expected near 'not'
gen-judgment: answers-bad.jsonl:5: missing field 'model_id'
gen-judgment: answers-bad.jsonl:6: choices[0].turns[0] has no string 'content'
gen-judgment: answers-bad.jsonl:8: warning: duplicate answer of model 'm3' for question 'q2' (first at answers-bad.jsonl:7): the last one wins
gen-judgment: answers-bad.jsonl:2: no baseline answer for question q6 (model m3)
gen-judgment: answers-bad.jsonl:3: question q9 is not in --questions (model m3)
gen-judgment: skipped 2 answers without a question or baseline answer
gen-judgment: no request sent: fix the input first
W
check_files "bad answers: diagnostics" "$T/want" "$T/err"
check_eq "bad answers: no request sent" 0 "$(log_lines "$MOCK_LOG")"
check_eq "bad answers: nothing written" "" "$(cat "$T/out")"
check "bad answers: no --failed file" test ! -e "$T/failed.jsonl"

# The good answers alone are judged; the last duplicate wins.
sed -n '1p; 7,8p' "$D/answers-bad.jsonl" >"$T/answers-good.jsonl"
(cd "$D" && "$GJ" -c "$TOP/configs/ko.yaml" --judge mock-judge -q \
    --api-config "$T/api.yaml" --no-cache --questions questions.jsonl \
    --questions extra-questions.jsonl --baseline-answers baseline.jsonl \
    "$T/answers-good.jsonl") >"$T/out" 2>"$T/err"
check_eq "good answers: exit 0" 0 $?
check_eq "good answers: in order" "q1 m3|q2 m3" \
    "$(cut -d'"' -f4,8 "$T/out" | tr '"\n' ' |' | sed 's/|$//')"
check "good answers: the last duplicate wins" grep -q 'Second try, which wins' "$T/out"

# A baseline file with another model's answers.
judge --api-config "$T/api.yaml" --no-cache -q \
    --baseline-answers "$D/answers.jsonl" "$D/answers.jsonl" \
    >/dev/null 2>"$T/err"
check_eq "foreign baseline: exit 65" 65 $?
check "foreign baseline: message" grep -q "answers.jsonl:1: baseline answer of model 'm1', expected 'claude-3.7-sonnet'" "$T/err"

# Configuration errors come before any request.
n=$(log_lines "$MOCK_LOG")
line=$(grep -n '^prompt_template' "$TOP/configs/ko.yaml" | cut -d: -f1)
sed 's/{answer_2}/{model}/' "$TOP/configs/ko.yaml" >"$T/bad.yaml"
"$GJ" -c "$T/bad.yaml" --api-config "$T/api.yaml" --questions "$D/questions.jsonl" \
    --baseline-answers "$D/baseline.jsonl" "$D/answers.jsonl" 2>"$T/err"
check_eq "unknown template field: exit 78" 78 $?
check_eq "unknown template field: message" \
    "gen-judgment: $T/bad.yaml:$line: prompt template: unknown field '{model}'" \
    "$(cat "$T/err")"
sed 's/{question_1}/{question_2}/' "$TOP/configs/ko.yaml" >"$T/q2.yaml"
"$GJ" -c "$T/q2.yaml" --judge mock-judge --api-config "$T/api.yaml" \
    --no-cache --questions "$D/questions.jsonl" \
    --baseline-answers "$D/baseline.jsonl" "$D/answers.jsonl" 2>"$T/err"
check_eq "template field without value: exit 78" 78 $?
check "template field without value: message" grep -q \
    "no value for field '{question_2}' (question q1, model m1)" "$T/err"
judge --judge nope --api-config "$T/api.yaml" "$D/answers.jsonl" 2>"$T/err"
check_eq "unknown judge entry: exit 78" 78 $?
check "unknown judge entry: message" grep -q "no entry 'nope'" "$T/err"
printf 'judge_model: x\nbaseline: true\npairwise: true\ntemperature: 0\n' \
    >"$T/nobase.yaml"
printf 'max_tokens: 9\nsystem_prompt: s\nprompt_template: "{answer_1}"\n' \
    >>"$T/nobase.yaml"
"$GJ" -c "$T/nobase.yaml" --questions "$D/questions.jsonl" \
    "$D/answers.jsonl" 2>"$T/err"
check_eq "no baseline_model: exit 78" 78 $?
check_eq "no baseline_model: message" \
    "gen-judgment: $T/nobase.yaml: missing key 'baseline_model'" \
    "$(cat "$T/err")"
printf 'baseline_model: b\n' >>"$T/nobase.yaml"
"$GJ" -c "$T/nobase.yaml" --questions "$D/questions.jsonl" \
    "$D/answers.jsonl" 2>"$T/err"
check_eq "no --baseline-answers: exit 64" 64 $?
check "no --baseline-answers: message" grep -qx \
    "gen-judgment: missing --baseline-answers (the mode is pairwise-baseline)" \
    "$T/err"
check_eq "no request made" "$n" "$(log_lines "$MOCK_LOG")"

judge --api-config "$T/api.yaml" --no-cache --questions "$T/none.jsonl" \
    "$D/answers.jsonl" >"$T/out" 2>"$T/err"
check_eq "missing questions file: exit 66" 66 $?
check_eq "missing questions file: message" \
    "gen-judgment: cannot open '$T/none.jsonl': No such file or directory" \
    "$(cat "$T/err")"
check_eq "missing questions file: nothing judged" "" "$(cat "$T/out")"
check_exit "missing -c: exit 64" 64 "$GJ" --questions "$D/questions.jsonl" \
    --baseline-answers "$D/baseline.jsonl" 2>/dev/null
check_exit "bad --shard: exit 64" 64 judge --shard 3/2 2>/dev/null
check_exit "bad --parallel: exit 64" 64 judge --parallel 0 2>/dev/null
check_exit "--offline --no-cache: exit 64" 64 judge --offline --no-cache \
    2>/dev/null
check_exit "bad option: exit 64" 64 judge --bogus 2>/dev/null
"$GJ" --help >"$T/help"
check_eq "--help: exit 0" 0 $?
check "--help: usage" grep -q '^usage: gen-judgment -c judge-config' "$T/help"
check "--help: every option" grep -q '^      --model-list  ' "$T/help"
check_eq "--version" "gen-judgment (judgepipe) 0.1.0" "$("$GJ" --version)"
# usage_test.sh checks the usage and the options against the manual.
# YAML aliases that expand without bound, in a key nobody reads: 78 at
# once (a build without the bound is stopped before it takes the machine).
n=$(log_lines "$MOCK_LOG")
cp "$TOP/configs/ko.yaml" "$T/bomb.yaml"
lines=$(wc -l <"$T/bomb.yaml")
{
	echo 'unused:'
	echo '    a0: &a0 ["lol"]'
	for i in 1 2 3 4 5 6 7; do
		printf '    a%d: &a%d [' $i $i
		for k in 1 2 3 4 5 6 7 8; do printf '*a%d, ' $((i - 1)); done
		printf '*a%d]\n' $((i - 1))
	done
} >>"$T/bomb.yaml"
ASAN_OPTIONS=${ASAN_OPTIONS:-}:hard_rss_limit_mb=400 timeout 30 \
    "$GJ" -c "$T/bomb.yaml" --judge mock-judge --api-config "$T/api.yaml" \
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl" \
    "$D/answers.jsonl" >/dev/null 2>"$T/err"
check_eq "judge config alias bomb: exit 78" 78 $?
check_eq "judge config alias bomb: message" \
    "gen-judgment: $T/bomb.yaml:$((lines + 7)): YAML aliases expand to more than 50000 nodes" \
    "$(head -c 300 "$T/err")"
check_eq "judge config alias bomb: no request" "$n" "$(log_lines "$MOCK_LOG")"
# A dead endpoint: one line and exit 75 at once, every game not judged.
host=${MOCK_URL#http://}
host=${host%/v1}
stop_mock
judge --api-config "$T/api.yaml" --no-cache "$D/answers.jsonl" \
    >"$T/out" 2>"$T/err"
check_eq "dead endpoint: exit 75" 75 $?
check "dead endpoint: one line" \
    grep -q "^gen-judgment: endpoint unreachable: $host: Failed" "$T/err"
check "dead endpoint: the games not judged" \
    grep -q "; 16 calls not made\$" "$T/err"
check_eq "dead endpoint: that line and the summary" 2 "$(wc -l <"$T/err")"
check_eq "dead endpoint: no judgment" 0 "$(wc -l <"$T/out")"
done_testing
