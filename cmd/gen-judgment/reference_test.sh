# reference_test.sh: a judge config with reference answers (ref_answer_N).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

sed -e 's/^reference: False.*/reference: True/' \
    -e 's/^ref_model: null/ref_model: [m1]/' \
    -e 's/{question_1}/{question_1}\\n<|Reference|>\\n{ref_answer_1}/' \
    "$TOP/configs/ko.yaml" >"$T/ref.yaml"
check_exit "without --reference-answers: exit 64" 64 "$GJ" -c "$T/ref.yaml" \
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl" \
    "$D/answers.jsonl" 2>/dev/null

start_mock
mock_api "$T/api.yaml"
"$GJ" -c "$T/ref.yaml" --judge mock-judge --api-config "$T/api.yaml" \
    --no-cache -q --questions "$D/questions.jsonl" \
    --baseline-answers "$D/baseline.jsonl" \
    --reference-answers "$D/answers.jsonl" "$D/answers.jsonl" >"$T/out"
check_eq "exit 0" 0 $?
check_eq "every answer judged" 8 "$(wc -l <"$T/out" | tr -d ' ')"
# q1 is judged for m1 and m2, two games each: four prompts.
check_eq "every game of q1 carries m1's answer as the reference" 4 \
    "$(grep -o 'Write a haiku about autumn.\\n<|Reference|>\\nCrisp air, falling leaves.\\n\\n' "$T/out" | wc -l | tr -d ' ')"
check_eq "provenance: the reference answer's digest (m1's to q1)" \
    "$(printf 'Crisp air, falling leaves.' | sha256sum | cut -c1-16)" \
    "$(head -n 1 "$T/out" | jq -r .provenance.reference_answer)"
done_testing
