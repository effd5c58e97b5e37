# single_test.sh: show-result over single-grading records (FastChat's
# MT-Bench table: turns, intervals, categories, unparsed ratings) and over
# v2.0 judgments (a board per category against its own baseline, v2.0's
# scoring with --scoring v2); records of two modes in one input.
. "$(dirname "$0")/../../scripts/testlib.sh"

D=$TOP/testdata/show-result/single
SR=$BIN/show-result
cd "$T" || exit 1

# alpha: turn 1 8 9 6 10, turn 2 7 -1 5 8; beta: 4 5 2 3.5 and 3 6 2 4.
"$SR" --questions "$D/questions.jsonl" "$D/gpt-4_single.jsonl" >out 2>err
check_eq "table: exit 0" 0 $?
check_eq "table: no warning" "" "$(cat err)"
check_eq "table: sections" \
    "########## First turn ##########|########## Second turn ##########|########## Average ##########|########## Categories ##########" \
    "$(grep '^#' out | tr '\n' '|' | sed 's/|$//')"
check "turn 1 means" grep -qE '^alpha +\| score: 8\.25 \| 95% CI' out
check "turn 2 leaves -1 out (20/3)" grep -qE '^alpha +\| score: 6\.67 .*\| n: 3$' out
check "average over every rated turn (53/7)" \
    grep -qE '^alpha +\| score: 7\.57 .*\| n: 7 \| unparsed: 1$' out
check "per-category means from --questions" \
    grep -qE '^alpha +\| 7\.25 \| +8\.00$' out
check "unparsed count" grep -q '^1 of 16 ratings unparsed' out
"$SR" --format csv "$D/gpt-4_single.jsonl" >csv
check_eq "csv: header" "model,turn1,turn1_q025,turn1_q975,turn2,turn2_q025,turn2_q975,score,score_q025,score_q975,n_turn1,n_turn2,n,unparsed" \
    "$(head -1 csv)"
check_eq "csv: models by average" "alpha beta" \
    "$(tail -n +2 csv | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
check_eq "csv: beta's means" "3.625 3.75 3.6875" \
    "$(grep '^beta,' csv | cut -d, -f2,5,8 | tr , ' ')"
"$SR" --format json --num-rounds 50 "$D/gpt-4_single.jsonl" >json
check_eq "json: a single line, then a line per model" "single model model" \
    "$(jq -r .type json | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: the judge of the records" "gpt-4" "$(head -1 json | jq -r .judge)"
"$SR" --format json --num-rounds 50 "$D/gpt-4_single.jsonl" >json2
check_files "json: the same seed, the same intervals" json json2
check_exit "--output-dir with single grading: 64" 64 "$SR" --output-dir od \
    "$D/gpt-4_single.jsonl"
check "--output-dir: nothing written" test ! -e od
check_exit "--questions that is not there: 66" 66 "$SR" --questions nowhere \
    "$D/gpt-4_single.jsonl"

# Mixed modes: one pairwise judgment after the grades stops the read.
{ cat "$D/gpt-4_single.jsonl"
  echo '{"question_id": 81, "model": "alpha", "judge": "j", "games": [{"score": "A>B"}, {"score": "B>A"}]}'
  cat "$D/gpt-4_single.jsonl"; } >mixed.jsonl
"$SR" mixed.jsonl >mout 2>merr
check_eq "mixed modes: exit 65" 65 $?
check_eq "mixed modes: one message at file:line" \
    "show-result: mixed.jsonl:17: a pairwise judgment among single-grading records (first at mixed.jsonl:1): mixed modes" \
    "$(cat merr)"
check_eq "mixed modes: no board" "" "$(cat mout)"
"$SR" --baseline base-model "$TOP/testdata/show-result/judgments.jsonl" \
    "$D/gpt-4_single.jsonl" >/dev/null 2>merr2
check_eq "mixed files: exit 65" 65 $?
check "mixed files: the grade's position" grep -q \
    "^show-result: .*gpt-4_single.jsonl:1: a single-grading record among pairwise judgments (first at .*judgments.jsonl:1): mixed modes$" merr2

# v2.0 judgments: hard_prompt against o3, creative_writing against gem.
# m1 wins every hard prompt and loses every creative one; m2 ties.
v2rec() {	# uid category model baseline game1 game2
	printf '{"uid": "%s", "category": "%s", "judge": "gpt-4.1", "model": "%s", "baseline": "%s", "games": [{"score": "%s"}, {"score": "%s"}]}\n' "$@"
}
for i in 1 2 3 4 5 6; do
	v2rec h$i hard_prompt m1 o3 'B>A' 'A>B'
	v2rec h$i hard_prompt m2 o3 'A=B' 'A=B'
	v2rec c$i creative_writing m1 gem 'A>B' 'B>A'
	v2rec c$i creative_writing m2 gem 'A=B' 'B=A'
done >v2.jsonl
"$SR" --scoring v2 --num-rounds 50 v2.jsonl >v2out 2>v2err
check_eq "--scoring v2: exit 0" 0 $?
check_eq "--scoring v2: a board per category, upstream's headers" \
    "##### Category: creative_writing #####|##### Category: hard_prompt #####" \
    "$(grep '^#' v2out | tr '\n' '|' | sed 's/|$//')"
check "--scoring v2: the win is 100 %" grep -qE '^m1 +\| score: 100\.0 ' v2out
check "--scoring v2: the loss is 0 %" grep -qE '^m1 +\| score: 0\.0 ' v2out
check "--scoring v2: each category's baseline at 50" sh -c \
    "grep -qE '^gem +\| score: 50\.0 ' v2out && grep -qE '^o3 +\| score: 50\.0 ' v2out"
check_eq "--scoring v2 --format csv: category, model, score" \
    "creative_writing,m2,50.0" "$("$SR" --scoring v2 --num-rounds 20 \
    --format csv v2.jsonl | grep '^creative_writing,m2,' | cut -d, -f1-3)"
"$SR" --num-rounds 50 v2.jsonl >btout 2>bterr
check_eq "v2 judgments, Bradley-Terry: exit 0" 0 $?
check_eq "v2 judgments: a board per category in order of first record" \
    "##### Category: hard_prompt #####|##### Category: creative_writing #####" \
    "$(grep '^#####' btout | tr '\n' '|' | sed 's/|$//')"
check "v2 judgments: each against its own baseline" sh -c \
    "grep -A4 hard_prompt btout | grep -q '^o3 ' &&
    grep -A4 creative_writing btout | grep -q '^gem '"
check_exit "v2 judgments of two categories in CSV: 64" 64 "$SR" \
    --format csv v2.jsonl
printf '{"model_a": "a", "model_b": "b", "winner": "tie"}\n' >vote.jsonl
"$SR" --scoring v2 v2.jsonl vote.jsonl >/dev/null 2>verr
check_eq "--scoring v2 over a vote: exit 65" 65 $?
check "--scoring v2 over a vote: message" grep -qx \
    "show-result: vote.jsonl:1: a vote: v2 scoring reads judgments only" verr
check_exit "--scoring v2 --control style: 64" 64 "$SR" --scoring v2 \
    --control style v2.jsonl
done_testing
