# benches_test.sh: make eval BENCH=mt-bench and BENCH=v2 end to end against
# mock-llm on a few questions (answers, grading or per-category judging,
# the board); a re-run sends no request.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

start_mock --judge-policy strength --strength strong=300 --strength weak=-300 \
    --strength o3-mini-2025-01-31=0 --strength gemini-2.0-flash-001=0
sed "s|http://127.0.0.1:8089/v1|$MOCK_URL|" "$TOP/configs/api-mock.yaml" \
    >api.yaml
printf 'strong:\n    <<: *mock\n    model_name: strong\n' >>api.yaml
printf 'weak:\n    <<: *mock\n    model_name: weak\n' >>api.yaml
# Writing, reasoning, math: the last two graded against a reference.
grep -E '"question_id": (81|101|111),' "$TOP/data/mt-bench/question.jsonl" \
    >mt.jsonl
Q2=$TOP/data/arena-hard-v2.0/question.jsonl
{ jq -c 'select(.category == "hard_prompt")' "$Q2" | head -2
  jq -c 'select(.category == "creative_writing")' "$Q2" | head -2; } >v2.jsonl
ev() {	# BENCH QUESTIONS
	make -s -C "$TOP" --no-print-directory -f "scripts/eval-$1.mk" \
	    MODELS="strong weak" BIN="$BIN" OUT="$T/runs" API_CONFIG="$T/api.yaml" \
	    CACHE="$T/cache" QUESTIONS="$T/$2" -j2
}

n0=$(log_lines "$MOCK_LOG")
ev mt-bench mt.jsonl >mt.out 2>mt.err
check_eq "mt-bench: exit 0" 0 $?
# 2 models x 3 questions x 2 turns: 12 answers, 12 grades.
check_eq "mt-bench: 12 answer turns and 12 grades" 24 \
    $(( $(log_lines "$MOCK_LOG") - n0 ))
check_eq "mt-bench: FastChat's layout" "strong.jsonl weak.jsonl" \
    "$(cd runs/mt-bench/model_answer && echo *)"
check_eq "mt-bench: both turns answered" "2 2" \
    "$(jq -r '.choices[0].turns | length' runs/mt-bench/model_answer/*.jsonl |
    sort -u | tr '\n' ' '; echo 2)"
check_eq "mt-bench: the table's sections" \
    "First turn|Second turn|Average|Categories" \
    "$(sed -n 's/^########## \(.*\) ##########$/\1/p' mt.out | tr '\n' '|' |
    sed 's/|$//')"
check "mt-bench: the strong model first" sh -c \
    "grep -A1 'Average' mt.out | tail -1 | grep -q '^strong '"
check "mt-bench: categories of the questions" \
    grep -qE '^model +\| math \| reasoning \| writing$' mt.out
check_eq "mt-bench: the CSV beside the table" "strong weak" \
    "$(tail -n +2 runs/mt-bench/leaderboard.csv | cut -d, -f1 | tr '\n' ' ' |
    sed 's/ $//')"
check_eq "mt-bench: the judge config's judge" '["gpt-4","single-v1"]' \
    "$(head -1 runs/mt-bench/model_judgment/gpt-4/strong.jsonl | jq -c .judge)"

n1=$(log_lines "$MOCK_LOG")
ev v2 v2.jsonl >v2.out 2>v2.err
check_eq "v2: exit 0" 0 $?
# 4 answer sets of 4 questions; 2 models x 4 questions x 2 games.
check_eq "v2: 16 answers and 16 games" 32 $(( $(log_lines "$MOCK_LOG") - n1 ))
check_eq "v2: each category against its baseline" \
    "creative_writing gemini-2.0-flash-001|hard_prompt o3-mini-2025-01-31" \
    "$(jq -r '"\(.category) \(.baseline)"' runs/v2/judgments/gpt-4.1/*.jsonl |
    sort -u | tr '\n' '|' | sed 's/|$//')"
check_eq "v2: the v2.0 scores per category" \
    "##### Category: creative_writing #####|##### Category: hard_prompt #####" \
    "$(grep '^#####' v2.out | tr '\n' '|' | sed 's/|$//')"
# (The mock's judge draws each verdict from the strengths: two questions
# a category order the models, not always the baseline.)
check_eq "v2: the strong model above the weak one in each category" \
    "strong weak|strong weak" "$(awk '/^#####/ { if (s != "") print s; s = "" }
    /^(strong|weak) / { s = s (s == "" ? "" : " ") $1 }
    END { print s }' v2.out | tr '\n' '|' | sed 's/|$//')"
check "v2: a Bradley-Terry board per category too" \
    grep -q '^##### Category: hard_prompt #####' runs/v2/leaderboard-bt.txt

n2=$(log_lines "$MOCK_LOG")
rm runs/mt-bench/leaderboard.txt runs/v2/leaderboard.txt
ev mt-bench mt.jsonl >mt2.out 2>/dev/null
ev v2 v2.jsonl >v22.out 2>/dev/null
check_files "re-run: the same MT-Bench table" mt.out mt2.out
check_files "re-run: the same v2 board" v2.out v22.out
check_eq "re-run: no request" "$n2" "$(log_lines "$MOCK_LOG")"
check "make eval BENCH=nope: the benches named" sh -c "make -s -C '$TOP' \
    -f scripts/eval.mk BENCH=nope 2>&1 | grep -q 'ko, zh, en, mt-bench or v2'"
done_testing
