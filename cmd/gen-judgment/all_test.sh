# all_test.sh: pairwise-all judging against mock-llm: every pair of models
# per question, two games with the positions swapped, model_a/model_b
# records; missing answers and a single model are reported.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

start_mock --judge-policy strength --strength m1=200 --strength m2=100 \
    --strength m3=0 --strength m4=-100
{
	for m in m1 m2 m3 m4 mock-judge; do
		printf '%s:\n  endpoints:\n    - api_base: %s\n' "$m" "$MOCK_URL"
		printf '  parallel: 4\n'
	done
} >api.yaml
head -n 5 "$TOP/data/arena-hard-v0.1/question.jsonl" >q.jsonl
for m in m4 m2 m3 m1; do
	"$BIN/gen-answer" -q -m $m --api-config api.yaml --cache c q.jsonl \
	    >>answers.jsonl
done
# baseline: False with pairwise: True is pairwise-all.
sed 's/^baseline: True/baseline: False/' "$TOP/configs/en.yaml" >all.yaml
n0=$(log_lines "$MOCK_LOG")
all() {
	"$GJ" -c all.yaml --judge mock-judge --api-config api.yaml --cache c \
	    --questions q.jsonl "$@"
}
all answers.jsonl >out 2>err
check_eq "exit 0" 0 $?
check_eq "6 pairs x 5 questions" 30 "$(wc -l <out | tr -d ' ')"
check_eq "two games each" 60 $(( $(log_lines "$MOCK_LOG") - n0 ))
check_eq "keys" "question_id model model_a model_b judge games provenance" \
    "$(head -1 out | jq -r 'keys_unsorted | join(" ")')"
check_eq "pairs in bytewise order, per question in input order" \
    "m1 m2|m1 m3|m1 m4|m2 m3|m2 m4|m3 m4" \
    "$(head -6 out | jq -r '"\(.model_a) \(.model_b)"' | tr '\n' '|' |
    sed 's/|$//')"
check "model repeats model_b" jq -se 'map(.model == .model_b) | all' out
check_eq "questions in input order" "$(jq -r .question_id q.jsonl |
    tr '\n' ' ')" "$(jq -r .question_id out | uniq | tr '\n' ' ')"
# Game 1 shows model_a as Assistant A, game 2 swaps (the mock's answers
# name their model).
side() {
	jq -r ".games[$1].user_prompt" out | grep -A1 -F \
	    "<|The Start of Assistant A's Answer|>" | sed -n \
	    's/^Mock answer from \([^ ]*\) (.*/\1/p' | tr '\n' ' '
}
check_eq "game 1: A = model_a" "$(jq -r .model_a out | tr '\n' ' ')" \
    "$(side 0)"
check_eq "game 2: A = model_b" "$(jq -r .model_b out | tr '\n' ' ')" \
    "$(side 1)"
n=$(log_lines "$MOCK_LOG")
all -q answers.jsonl >out2
check_files "re-run: identical" out out2
check_eq "re-run: no request" "$n" "$(log_lines "$MOCK_LOG")"

# --mode pairwise-all with the unchanged config; --pairs-per-question.
all_mode() {
	"$GJ" -c "$TOP/configs/en.yaml" --mode pairwise-all --judge mock-judge \
	    --api-config api.yaml --cache c --questions q.jsonl "$@"
}
all_mode -q answers.jsonl >out5
check_files "--mode pairwise-all: the same records" out out5
all_mode -q --offline --pairs-per-question 2 answers.jsonl >out6
check_eq "--pairs-per-question 2: 2 pairs a question" "2 2 2 2 2" \
    "$(jq -r .question_id out6 | uniq -c | awk '{ print $1 }' | tr '\n' ' ' |
    sed 's/ $//')"
check_eq "--pairs-per-question 2: 10 of the 6 pairs, none more than twice" \
    "2" "$(jq -r '"\(.model_a) \(.model_b)"' out6 | sort | uniq -c |
    awk '{ print $1 }' | sort -n | tail -1)"
check "--pairs-per-question: records of the full run" sh -c \
    "grep -vxFf out out6 | wc -l | grep -qx 0"
all_mode -q --offline --pairs-per-question 2 --seed 7 answers.jsonl >out7
check "--seed: another sample" sh -c "! cmp -s out6 out7"
"$GJ" -c "$TOP/configs/en.yaml" --pairs-per-question 2 --questions q.jsonl \
    --baseline-answers answers.jsonl answers.jsonl 2>err8
check_eq "--pairs-per-question without pairwise-all: 64" 64 $?
check "--pairs-per-question without pairwise-all: message" grep -q \
    "pairs-per-question is for pairwise-all (the mode is pairwise-baseline)" \
    err8

# A missing answer is reported and nothing is judged (every input is
# checked before the first request); one model alone is not enough.
grep -v "$(head -1 q.jsonl | jq -r .question_id).*\"model_id\": \"m3\"" \
    answers.jsonl >holes.jsonl
all --offline holes.jsonl >out3 2>err3
check_eq "missing answer: exit 65" 65 $?
check "missing answer: message" grep -qx "gen-judgment: no answer of model m3 for question $(head -1 q.jsonl | jq -r .question_id)" err3
check_eq "missing answer: nothing judged" 0 "$(wc -l <out3 | tr -d ' ')"
grep '"model_id": "m1"' answers.jsonl >one.jsonl
all --offline one.jsonl >out4 2>err4
check_eq "one model: exit 65" 65 $?
check "one model: message" grep -q "pairwise-all needs the answers of two models at least (1 given)" err4
check_eq "bad input: no request" "$n" "$(log_lines "$MOCK_LOG")"
# 4 models x 20 questions: show-result's board has no baseline, its order
# is the mock's strengths, anchored at the mean or at --anchor.
head -n 20 "$TOP/data/arena-hard-v0.1/question.jsonl" >q20.jsonl
for m in m4 m2 m3 m1; do
	"$BIN/gen-answer" -q -m $m --api-config api.yaml --cache c q20.jsonl \
	    >>answers20.jsonl
done
"$GJ" -q -c all.yaml --judge mock-judge --api-config api.yaml --cache c \
    --questions q20.jsonl answers20.jsonl >all20.jsonl
check_eq "20 questions: 6 pairs each" 120 "$(wc -l <all20.jsonl | tr -d ' ')"
SR=$BIN/show-result
"$SR" --format csv --num-rounds 50 all20.jsonl >board.csv 2>board.err
check_eq "board: exit 0" 0 $?
check_eq "board: the strengths' order" "m1 m2 m3 m4" \
    "$(tail -n +2 board.csv | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
"$SR" --format json --num-rounds 50 all20.jsonl >board.json
check_eq "board: no baseline, anchored at the mean" "null" \
    "$(head -1 board.json | jq -c .baseline)"
"$SR" --anchor m3 --num-rounds 50 all20.jsonl >anchored
check "--anchor m3: m3 at 50" grep -qE '^m3 +\| score: 50\.0 ' anchored
check_eq "--anchor m3: the same order" "m1 m2 m3 m4" \
    "$(awk '/^m[0-9] / { printf "%s%s", s, $1; s = " " }' anchored)"
done_testing
