#!/bin/bash
# validate_test.sh: every input (questions, answers, baseline and reference
# answers, the judge and API configs) is read and checked before the first
# request; any error is reported, exits 65 or 78, sends nothing (the mock's
# log) and writes nothing (stdout, --failed).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock
mock_api "$T/api.yaml"
sed -e 's/^reference: False.*/reference: True/' \
    -e 's/^ref_model: null/ref_model: [m1]/' \
    -e 's/{question_1}/{question_1}\\n<|Reference|>\\n{ref_answer_1}/' \
    "$TOP/configs/ko.yaml" >"$T/ref.yaml"
# bad FILE LINE: FILE with LINE inserted after its first line.
bad() { { head -1 "$2"; echo "$3"; tail -n +2 "$2"; } >"$T/$1"; }
bad q.jsonl "$D/questions.jsonl" '{"question_id": 7}'
bad b.jsonl "$D/baseline.jsonl" 'not json'
bad r.jsonl "$D/answers.jsonl" '{"question_id": "q1", "choices": []}'
bad a.jsonl "$D/answers.jsonl" '{"question_id": "q1", "model_id": "m9"}'
# An answer to a question the baseline did not answer.
{ cat "$D/answers.jsonl"; sed -n 1p "$D/answers.jsonl" |
    sed 's/"question_id": "[^"]*"/"question_id": "q-none"/'; } >"$T/nobase.jsonl"
{ cat "$D/questions.jsonl"; sed -n 1p "$D/questions.jsonl" |
    sed 's/"question_id": "[^"]*"/"question_id": "q-none"/'; } >"$T/q-none.jsonl"
printf 'mock-judge:\n  model_name: [unclosed\n' >"$T/badapi.yaml"
sed 's/^temperature:.*/temperature: hot/' "$TOP/configs/ko.yaml" >"$T/badjudge.yaml"

# case NAME WANT-EXIT ARGS...: gen-judgment with the reference config.
case_() {
	local name=$1 want=$2 st
	shift 2
	rm -f "$T/failed.jsonl"
	"$GJ" --judge mock-judge --no-cache --failed "$T/failed.jsonl" "$@" \
	    >"$T/out" 2>"$T/err"
	st=$?
	check_eq "$name: exit $want" "$want" "$st"
	check_eq "$name: no request sent" 0 "$(log_lines "$MOCK_LOG")"
	check_eq "$name: nothing written" "" "$(cat "$T/out")"
	check "$name: no --failed file" test ! -e "$T/failed.jsonl"
	check "$name: a diagnostic" test -s "$T/err"
}
ok_args=(-c "$T/ref.yaml" --api-config "$T/api.yaml"
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl"
    --reference-answers "$D/answers.jsonl")
case_ "bad question record" 65 -c "$T/ref.yaml" --api-config "$T/api.yaml" \
    --questions "$T/q.jsonl" --baseline-answers "$D/baseline.jsonl" \
    --reference-answers "$D/answers.jsonl" "$D/answers.jsonl"
check "bad question record: file:line" grep -q "^gen-judgment: $T/q.jsonl:2: " "$T/err"
case_ "bad baseline record" 65 -c "$T/ref.yaml" --api-config "$T/api.yaml" \
    --questions "$D/questions.jsonl" --baseline-answers "$T/b.jsonl" \
    --reference-answers "$D/answers.jsonl" "$D/answers.jsonl"
check "bad baseline record: file:line" grep -q "^gen-judgment: $T/b.jsonl:2: " "$T/err"
case_ "bad reference record" 65 -c "$T/ref.yaml" --api-config "$T/api.yaml" \
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl" \
    --reference-answers "$T/r.jsonl" "$D/answers.jsonl"
check "bad reference record: file:line" grep -q "^gen-judgment: $T/r.jsonl:2: " "$T/err"
case_ "bad answer record" 65 "${ok_args[@]}" "$T/a.jsonl"
check "bad answer record: file:line" grep -q "^gen-judgment: $T/a.jsonl:2: " "$T/err"
case_ "answer without a baseline answer" 65 -c "$T/ref.yaml" \
    --api-config "$T/api.yaml" --questions "$T/q-none.jsonl" \
    --baseline-answers "$D/baseline.jsonl" \
    --reference-answers "$D/answers.jsonl" "$T/nobase.jsonl"
case_ "bad API config" 78 -c "$T/ref.yaml" --api-config "$T/badapi.yaml" \
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl" \
    --reference-answers "$D/answers.jsonl" "$D/answers.jsonl"
case_ "bad judge config" 78 -c "$T/badjudge.yaml" \
    --api-config "$T/api.yaml" --questions "$D/questions.jsonl" \
    --baseline-answers "$D/baseline.jsonl" "$D/answers.jsonl"
# The same inputs, fixed, are judged.
"$GJ" --judge mock-judge --no-cache -q "${ok_args[@]}" "$D/answers.jsonl" \
    >"$T/out"
check_eq "good inputs: exit 0" 0 $?
check "good inputs: requests sent" test "$(log_lines "$MOCK_LOG")" -gt 0
done_testing
