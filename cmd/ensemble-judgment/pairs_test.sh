# pairs_test.sh: ensemble-judgment over pairwise-all records (model_a and
# model_b), integer question ids and v2's category and baseline.
. "$(dirname "$0")/../../scripts/testlib.sh"
EJ=$BIN/ensemble-judgment
cd "$T" || exit 1

cat >j1.jsonl <<'J'
{"question_id": "q1", "model": "b", "model_a": "a", "model_b": "b", "judge": "j1", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": "q1", "model": "c", "model_a": "a", "model_b": "c", "judge": "j1", "games": [{"score": "A>>B"}, {"score": "B>>A"}]}
{"question_id": "q1", "model": "c", "model_a": "b", "model_b": "c", "judge": "j1", "games": [{"score": "A=B"}, {"score": "A=B"}]}
{"question_id": 81, "model": "b", "judge": "j1", "games": [{"score": "A>B"}, {"score": "B>A"}]}
J
cat >j2.jsonl <<'J'
{"question_id": "q1", "model": "c", "model_a": "a", "model_b": "c", "judge": "j2", "games": [{"score": "A=B"}, {"score": "A=B"}]}
{"question_id": "q1", "model_a": "a", "model_b": "b", "judge": "j2", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": 81, "model": "b", "judge": "j2", "games": [{"score": "B>A"}, {"score": "A>B"}]}
{"uid": "u1", "category": "creative_writing", "judge": "j2", "model": "b", "baseline": "g", "games": [{"score": "A>B"}, {"score": "B>A"}]}
J
"$EJ" j1.jsonl j2.jsonl >out 2>err
check_eq "exit 0" 0 $?
cat >want <<'W'
{"question_id": 81, "model": "b", "judge": "ensemble", "games": [{"score": "A=B"}, {"score": "A=B"}]}
{"question_id": "u1", "model": "b", "category": "creative_writing", "baseline": "g", "judge": "ensemble", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": "q1", "model": "b", "model_a": "a", "model_b": "b", "judge": "ensemble", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": "q1", "model": "c", "model_a": "a", "model_b": "c", "judge": "ensemble", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": "q1", "model": "c", "model_a": "b", "model_b": "c", "judge": "ensemble", "games": [{"score": "A=B"}, {"score": "A=B"}]}
W
check_files "one record per pair, pairs apart, ids kept" want out
check "a judge missing for a pair is counted" grep -q \
    "judge 'j2' has no record for 1 of 5 answers" err
printf '%s\n' '{"question_id": "q", "model": "x", "model_a": "a", "model_b": "b", "judge": "j", "games": []}' |
    "$EJ" >/dev/null 2>err2
check_eq "model differs from model_b: 65" 65 $?
check "model differs from model_b: message" grep -q \
    "<stdin>:1: field 'model' differs from 'model_b'" err2
done_testing
