#!/bin/bash
# records_test.sh: the checks over judgments, answers and the question set.
# A clean board made by the real pipeline lints clean; each case breaks a
# copy of it in one way and finds the one smell that provokes.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
make_board

args "$B"
lint "${LINT_ARGS[@]}"
check_eq "clean board: exit 0" 0 "$LINT_RC"
check_eq "clean board: no finding at all" "" "$(cat "$T/out")"
lint --format text "${LINT_ARGS[@]}"
check_eq "clean board, text: the summary line only" "0 errors, 0 warnings" \
    "$(cat "$T/out")"

# missing: a judge without the judgments of one model.
fresh
rm "$M/judgments/$J2/m-weak.jsonl"
lint "${LINT_ARGS[@]}"
check_eq "no judgments of m-weak by $J2: exit 1" 1 "$LINT_RC"
found "  missing error on model:m-weak" missing error '^model:m-weak$' \
    "no judgments by '$J2'"
check_eq "  nothing else" 1 "$(jq -s length "$T/out")"

# missing: a model with answers and no judgment by anyone.
fresh
rm "$M"/judgments/*/m-weak.jsonl "$M/ensemble/m-weak.jsonl"
sed -i '/^m-weak,/d' "$M"/*.csv
lint "${LINT_ARGS[@]}"
check_eq "answers of m-weak, no judgment: 3 errors (one per judge)" 3 \
    "$(count missing error '^model:m-weak$' 'has answers but no judgments')"

# missing: fewer judged questions than the question set.
fresh
sed -i '1,3d' "$M/judgments/$J1/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "three judgments dropped: judged on 17 of 20" missing error \
    '^model:m-good$' "on 17 of the 20 questions"

# missing: a record with one game of two.
fresh
{ head -n 1 "$B/judgments/$J1/m-good.jsonl" | jq -c '.games |= .[:1]'
    tail -n +2 "$B/judgments/$J1/m-good.jsonl"; } >"$M/judgments/$J1/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "a game dropped: 1 game of 2, at its file:line" missing error \
    "^judgment:$J1/m-good/" "has 1 game of 2"
check_eq "  where is file:1" "$M/judgments/$J1/m-good.jsonl:1" \
    "$(jq -r 'select(.message | test("1 game of 2")) | .where' "$T/out")"

# missing: a game without a valid verdict.
fresh
sed -i '2s/"score": "[^"]*"}\]/"score": null}]/' "$M/ensemble/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "a null verdict: warning" missing warning '^judgment:ensemble/m-good/' \
    "no valid verdict"
found "  and the published score of m-good no longer holds" mismatched \
    error '^score:no_control/m-good$' "^score of model 'm-good'"
drop --published
drop "$M"
lint "${LINT_ARGS[@]}"
check_eq "  without the published boards, a warning only: exit 0" 0 \
    "$LINT_RC"

# missing: an ensemble judge absent (--judges names the members).
fresh
drop "$M/judgments/$J2"
lint "${LINT_ARGS[@]}" --judges "$J1,$J2"
found "--judges names a judge without records" missing error "^judge:$J2$" \
    "has no judgment at all"

# missing: answers without conv_metadata.
fresh
jq -c 'del(.conv_metadata)' "$B/answers/m-good.jsonl" \
    >"$M/answers/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "no conv_metadata: warning" missing warning '^model:m-good$' \
    "20 of 20 answers .*lack the conv_metadata"

# missing: judged answers absent from --answers, a model without answers.
fresh
sed -i '1,2d' "$M/answers/m-good.jsonl"
rm "$M/answers/m-weak.jsonl"
lint "${LINT_ARGS[@]}"
found "two answers gone: warning" missing warning '^model:m-good$' \
    "2 judged answers"
found "no answers at all: warning" missing warning '^model:m-weak$' \
    "judgments but no answers"

# redundant: a judgment repeated.
fresh
sed -n 5p "$B/judgments/$J1/m-good.jsonl" >>"$M/judgments/$J1/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "a repeated judgment: error at the second copy" redundant error \
    "^judgment:$J1/m-good/" "judged again .*first at .*:5\\)"
check_eq "  where is line 21" "$M/judgments/$J1/m-good.jsonl:21" \
    "$(jq -r 'select(.smell == "redundant") | .where' "$T/out")"

# redundant: the same file given twice counts each record twice (capped).
fresh
lint "${LINT_ARGS[@]}" "$M/ensemble/m-good.jsonl"
check_eq "a file given twice: 3 shown, the other 17 counted" "3 1" \
    "$(count redundant error '^judgment:ensemble/m-good/') \
$(count redundant error '^model:m-good$' '^17 more repeated judgments')"

# redundant: one model in two files.
fresh
head -n 10 "$B/ensemble/m-good.jsonl" >"$M/ensemble/m-good.jsonl"
mkdir "$M/more"
tail -n 10 "$B/ensemble/m-good.jsonl" >"$M/more/part2.jsonl"
lint "${LINT_ARGS[@]}" "$M/more/part2.jsonl"
found "a model split over two files: warning" redundant warning \
    '^model:m-good$' "spread over 2 files"
check_eq "  and nothing else" 1 "$(jq -s length "$T/out")"

# redundant: two names for identical and nearly identical answers.
fresh
jq -c '.model_id = "m-copy"' "$B/answers/m-good.jsonl" \
    >"$M/answers/m-copy.jsonl"
jq -c '.model_id = "m-near" | .choices[0].turns[0].content |=
    (. + " Thanks.")' "$B/answers/m-good.jsonl" >"$M/answers/m-near.jsonl"
lint "${LINT_ARGS[@]}"
found "identical answers under another name: error" redundant error \
    '^model:m-copy$' "identical answers .* all 20 common questions"
found "answers with one word added: warning" redundant warning \
    '^model:m-near$' "nearly identical"
check_eq "  m-weak is like neither" 0 \
    "$(count redundant '.*' 'm-weak' 'identical')"
ok_twins=$(count redundant '.*' '.*' 'identical')
check_eq "  three pairs: copy, near, and copy-near" 3 "$ok_twins"

# mismatched: a file named after one model holding another's records.
fresh
mv "$M/judgments/$J1/m-weak.jsonl" "$M/judgments/$J1/tmp"
cp "$M/judgments/$J1/m-good.jsonl" "$M/judgments/$J1/m-weak.jsonl"
mv "$M/judgments/$J1/tmp" "$M/judgments/$J1/m-good.jsonl"
lint "${LINT_ARGS[@]}"
check_eq "two judgment files swapped: 2 errors" 2 \
    "$(count mismatched error '^model:m-(good|weak)$' 'file named after')"
check_eq "  at the file's first record" "$M/judgments/$J1/m-good.jsonl:1" \
    "$(jq -r 'select(.entity == "model:m-weak") | .where' "$T/out")"

# mismatched: a record against another baseline.
fresh
jq -c '.baseline = "gpt-4o-mini"' "$B/ensemble/m-good.jsonl" \
    >"$M/ensemble/m-good.jsonl"
lint "${LINT_ARGS[@]}"
found "records with another baseline: error" mismatched error \
    '^judgment:ensemble/m-good/' "against baseline 'gpt-4o-mini'"

# deprecated: judged questions no longer in the question set.
fresh
sed 1d "$T/q.jsonl" >"$T/q19.jsonl"
swap "$T/q.jsonl" "$T/q19.jsonl"
lint "${LINT_ARGS[@]}"
qid=$(head -n 1 "$T/q.jsonl" | sed 's/.*"question_id": "\([^"]*\)".*/\1/')
found "a question dropped from the set: error" deprecated error \
    "^question:$qid$" "no longer in the question set, yet 9 judgments"
check_eq "  nothing else" 1 "$(jq -s length "$T/out")"

# redundant: a question listed twice in the set.
head -n 1 "$T/q.jsonl" >"$T/q21.jsonl"
cat "$T/q.jsonl" >>"$T/q21.jsonl"
args "$B"
swap "$T/q.jsonl" "$T/q21.jsonl"
lint "${LINT_ARGS[@]}"
found "a question twice in the set: error" redundant error "^question:$qid$" \
    "twice"

# confusing: model names that differ in case or spacing only.
fresh
jq -c '.model = "M-Good"' "$B/ensemble/m-good.jsonl" >"$T/x.jsonl"
lint "${LINT_ARGS[@]}" "$T/x.jsonl"
found "m-good and M-Good: warning" confusing warning '^model:M-Good$' \
    "'m-good' and 'M-Good' differ only in case or spacing"

# Bad input is the lint's own failure, not a finding.
fresh
printf '{"question_id": "q", "games": []}\nnot json\n' >"$M/ensemble/bad.jsonl"
lint "${LINT_ARGS[@]}"
check_eq "malformed records: exit 65" 65 "$LINT_RC"
check "  file:line: message" grep -q \
    "^lint-board: $M/ensemble/bad.jsonl:1: missing field 'model'$" "$T/err"
lint "${LINT_ARGS[@]}" "$T/absent.jsonl"
check_eq "a missing judgment file: exit 66" 66 "$LINT_RC"
lint
check_eq "nothing to lint: exit 64" 64 "$LINT_RC"
done_testing
