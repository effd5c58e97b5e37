#!/bin/bash
# provenance_test.sh: the digests gen-answer, gen-judgment and
# ensemble-judgment write, and what lint-board makes of them.  A release is
# made from a clean board; changing one answer afterwards flags exactly the
# judgments of that answer as mismatched; a changed baseline answer or
# question flags every judgment that saw it; other judge settings are
# deprecated.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
make_board

# What the pipeline wrote.
check_eq "answers carry the digest of their request" 1 \
    "$(head -n 1 "$B/answers/m-good.jsonl" | jq '.provenance.request |
    test("^[0-9a-f]{16}$")' | grep -c true)"
rec=$(head -n 1 "$B/judgments/$J1/m-good.jsonl")
qid=$(echo "$rec" | jq -r .question_id)
qtext=$(jq -r --arg q "$qid" 'select(.question_id == $q) |
    .turns[0].content' "$T/q.jsonl")
check_eq "judgments: the question's digest is its text's SHA-256" \
    "$(printf '%s' "$qtext" | sha256sum | cut -c1-16)" \
    "$(echo "$rec" | jq -r .provenance.question)"
check_eq "  the judged answer's" "$(jq -j --arg q "$qid" \
    'select(.question_id == $q) | .choices[0].turns[0].content' \
    "$B/answers/m-good.jsonl" | sha256sum | cut -c1-16)" \
    "$(echo "$rec" | jq -r .provenance.answer)"
check_eq "  the baseline's answer's" "$(jq -j --arg q "$qid" \
    'select(.question_id == $q) | .choices[0].turns[0].content' \
    "$B/answers/claude-3.7-sonnet.jsonl" | sha256sum | cut -c1-16)" \
    "$(echo "$rec" | jq -r .provenance.baseline_answer)"
check_eq "  the judge settings and the version" "16 $("$LB" --version |
    awk '{ print $NF }')" "$(echo "$rec" | jq -r '"\(.provenance.judge_settings |
    length) \(.provenance.version)"')"
check_eq "  the two judges' settings differ (the judge model)" 2 \
    "$(head -q -n 1 "$B/judgments/$J1/m-good.jsonl" \
    "$B/judgments/$J2/m-good.jsonl" | jq -r .provenance.judge_settings |
    sort -u | wc -l | tr -d ' ')"
check_eq "ensemble records keep each judge's provenance" "$J1 $J2" \
    "$(head -n 1 "$B/ensemble/m-good.jsonl" | jq -r '.provenance | keys |
    join(" ")')"

# A release of the clean board, then one answer changes.
export RELEASES=$T/leaderboard BIN JUDGMENTS=$B/ensemble \
    ANSWERS=$B/answers JUDGE_DIRS="$B/judgments/$J1 $B/judgments/$J2" \
    QUESTIONS=$T/q.jsonl SHOW_FLAGS="--num-rounds 100"
(cd "$TOP" && BENCH=ko DATE=20250404 scripts/release) 2>"$T/rel.err"
check_eq "a release of the clean board" 0 $?
rel=$T/leaderboard/ko_20250404
check_eq "  provenance.json counts the judges' settings" "2 120" \
    "$(jq -r '"\(.judge_settings | map(.judge) | unique | length) \(
    .judge_settings | map(.records) | add)"' "$rel/provenance.json")"
fresh
rargs=(-c "$CFG" --questions "$T/q.jsonl" --answers "$M/answers"
    --published "$rel" "$M/judgments/$J1" "$M/judgments/$J2" "$M/ensemble")
lint "${rargs[@]}"
check_eq "the release lints clean" "0 " "$LINT_RC $(cat "$T/out")"
jq -c --arg q "$qid" 'if .question_id == $q then
    .choices[0].turns[0].content += " (edited)" else . end' \
    "$B/answers/m-good.jsonl" >"$M/answers/m-good.jsonl"
lint "${rargs[@]}"
check_eq "one answer edited: exit 1" 1 "$LINT_RC"
check_eq "  exactly its judgments are mismatched: by each judge and the \
ensemble" "judgment:ensemble/m-good/$qid judgment:$J1/m-good/$qid \
judgment:$J2/m-good/$qid" "$(jq -r '"\(.smell) \(.entity)"' "$T/out" |
    sort | awk '{ printf "%s%s", sep, $2; sep = " " }')"
check "  naming the judged answer and both digests" grep -q "was judged on \
other texts than the current files: the judged answer ($(echo "$rec" |
    jq -r .provenance.answer) in the record, [0-9a-f]\{16\} now)" "$T/out"

# A whole answer file replaced: every judgment of that model (capped).
fresh
jq -c '.choices[0].turns[0].content |= ascii_upcase' \
    "$B/answers/m-weak.jsonl" >"$M/answers/m-weak.jsonl"
lint "${rargs[@]}"
check_eq "a model's answers all changed: 3 shown and 17 counted per judge" \
    "9 3" "$(count mismatched error '^judgment:.*/m-weak/') $(count \
    mismatched error '^model:m-weak$' '^17 more judgments of changed texts')"

# The baseline's answer to one question: every judgment of that question.
fresh
jq -c --arg q "$qid" 'if .question_id == $q then
    .choices[0].turns[0].content += " (edited)" else . end' \
    "$B/answers/claude-3.7-sonnet.jsonl" >"$M/answers/claude-3.7-sonnet.jsonl"
lint "${rargs[@]}"
check_eq "the baseline's answer edited: 3 models x (2 judges + ensemble)" 9 \
    "$(count mismatched error "/$qid\$" 'the baseline answer')"

# The question's text.
jq -c --arg q "$qid" 'if .question_id == $q then
    .turns[0].content += " (edited)" else . end' "$T/q.jsonl" >"$T/q2.jsonl"
fresh
rargs=("${rargs[@]/#$T\/q.jsonl/$T/q2.jsonl}")
lint "${rargs[@]}"
check_eq "the question edited: every judgment of it" 9 \
    "$(count mismatched error "/$qid\$" '^.*the question \(')"

# Other judge settings: deprecated, one finding per judge.
sed 's/^temperature: 0.0/temperature: 0.7/' "$CFG" >"$T/ko.yaml"
args "$B"
swap "$CFG" "$T/ko.yaml"
lint "${LINT_ARGS[@]}"
check_eq "another temperature in the config: one deprecated error per judge" \
    "judge:$J1 judge:$J2" "$(jq -r 'select(.smell == "deprecated") |
    .entity' "$T/out" | sort | tr '\n' ' ' | sed 's/ $//')"
check "  counting the judgments" grep -q "60 of the 60 judgments by '$J1' \
were made with other judge settings" "$T/out"
done_testing
