#!/bin/bash
# firstuse_test.sh: mistakes a newcomer makes with show-result: a typo in
# --baseline, no --answers ("average #tokens"), --output-dir with a bad
# record.
. "$(dirname "$0")/../../scripts/testlib.sh"

D=$TOP/testdata/show-result
SR=$BIN/show-result
J=$D/judgments.jsonl
cd "$T" || exit 1

# A --baseline that names no model is an error, with the closest names.
"$SR" --baseline base-modle --num-rounds 5 "$J" >typo.out 2>typo.err
check_eq "--baseline typo: exit 65" 65 $?
check_eq "--baseline typo: did you mean" \
    "show-result: --baseline: no record or answer names model 'base-modle'; did you mean 'base-model'?" \
    "$(cat typo.err)"
check "--baseline typo: no board" test ! -s typo.out
"$SR" --baseline nothing-like-it --num-rounds 5 "$J" >/dev/null 2>far.err
check_eq "--baseline far from every name: exit 65" 65 $?
check "--baseline far from every name: says how to name it" \
    grep -q "no record or answer names model 'nothing-like-it' (give its answers with --answers)" far.err
mkdir typo-dir
"$SR" --baseline base-modle --num-rounds 5 --output-dir typo-dir "$J" \
    >/dev/null 2>&1
check_eq "--baseline typo: nothing in --output-dir" "" "$(ls -A typo-dir)"
# A baseline that only its answers name is fine (judgments need not hold
# the baseline's judgments of itself).
grep -v '"model": "base-model"' "$J" >noself.jsonl
"$SR" -q --baseline base-model --num-rounds 5 --answers "$D/answers" \
    noself.jsonl >noself.out
check_eq "baseline named by its answers only: exit 0" 0 $?
check "baseline named by its answers only: anchored at 50" \
    grep -q '^base-model .*| score: 50\.0 ' noself.out
"$SR" --baseline base-model --num-rounds 5 noself.jsonl >/dev/null 2>&1
check_eq "baseline named by nothing: exit 65" 65 $?
# Votes name both of their models.
"$SR" -q --baseline "$(jq -r .model_a "$D/votes.jsonl" | head -1)" \
    --num-rounds 5 "$D/votes.jsonl" >/dev/null
check_eq "votes name the baseline" 0 $?

# Without answers "average #tokens" is unknown: n/a and a hint, not 0.
"$SR" --baseline base-model --num-rounds 5 "$J" >tok.out 2>tok.err
check_eq "no --answers: exit 0" 0 $?
check_eq "no --answers: every row n/a" 5 \
    "$(grep -c '| average #tokens: n/a$' tok.out)"
check "no --answers: a hint names --answers" \
    grep -q '^show-result: warning: average #tokens is n/a without the answers: .* --answers$' tok.err
"$SR" -q --baseline base-model --num-rounds 5 --format csv "$J" >tok.csv
check "no --answers: CSV keeps upstream's numeric column (0.0)" \
    bash -c 'sed "1d; s/^\"[^\"]*\"/x/" tok.csv | awk -F, "\$5 != \"0.0\" { exit 1 }"'
"$SR" -q --baseline base-model --num-rounds 5 --format json "$J" >tok.json
check_eq "no --answers: JSON avg_tokens null" 5 \
    "$(jq -s '[.[] | select(.type == "model" and .avg_tokens == null)] | length' tok.json)"
# Answers of some models only: those rows n/a, the warning names them.
mkdir some
cp "$D/answers/alpha.jsonl" "$D/answers/base-model.jsonl" some/
"$SR" --baseline base-model --num-rounds 5 --answers some "$J" \
    >some.out 2>some.err
check_eq "some answers: 3 rows n/a" 3 "$(grep -c 'average #tokens: n/a$' some.out)"
check "some answers: alpha has a count" \
    grep -qE '^alpha .*average #tokens: [0-9]+$' some.out
check "some answers: the warning names the models" \
    grep -q "no answers of 3 models ('delta,comma', 'beta', 'gamma'): average #tokens is n/a" some.err

# --output-dir leaves nothing when a record is bad (exit 65), and says so.
{ head -3 "$J"; echo 'not json'; tail -n +4 "$J"; } >bad.jsonl
mkdir out
"$SR" --baseline base-model --num-rounds 5 --output-dir out bad.jsonl \
    >bad.out 2>bad.err
check_eq "bad record with --output-dir: exit 65" 65 $?
check_eq "bad record with --output-dir: no file left" "" "$(ls -A out)"
check "bad record with --output-dir: says nothing was written" \
    grep -qx "show-result: nothing written to 'out' (errors above)" bad.err
check_eq "bad record: the board still on stdout" 5 "$(wc -l <bad.out)"
done_testing
