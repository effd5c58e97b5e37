#!/bin/bash
# errors_test.sh: show-result's diagnostics and exit statuses:
# bad records, missing metadata, files that cannot be read or written,
# usage errors; no partial output file is ever left.
. "$(dirname "$0")/../../scripts/testlib.sh"

D=$TOP/testdata/show-result
SR=$BIN/show-result
J=$D/judgments.jsonl
cd "$T" || exit 1

# Bad records are reported at file:line, skipped, and the board printed.
cp "$J" good.jsonl
{
	head -n 3 "$J"
	echo 'not json'
	echo '{"question_id": "q01", "model": "alpha", "games": [{"score": 3}]}'
	echo '{"model_a": "alpha", "model_b": "beta", "winner": "maybe"}'
	echo '[1, 2]'
	printf '{"question_id": "q01", "model": "alpha\xff", "games": []}\n'
	echo '{"question_id": "q01", "model": "alpha", "games": [], "games": []}'
	echo '{"question_id": "q01", "games": []}'
	echo '{"question_id": "q01", "model": "alpha"}'
	echo '{"question_id": "q01", "model": "alpha", "judge": "ensemble", "games": [{"score": "A<B"}, null]}'
	tail -n +4 "$J"
} > bad.jsonl
"$SR" --baseline base-model --num-rounds 20 --format csv bad.jsonl \
    > bad.out 2> bad.err
st=$( "$SR" --baseline base-model --num-rounds 20 bad.jsonl >/dev/null 2>&1;
    echo $?)
check_eq "bad records: exit status" 65 "$st"
cat > want.err <<'EOT'
show-result: bad.jsonl:4: invalid JSON: '[' or '{' expected near 'not'
show-result: bad.jsonl:5: field 'games[0].score' is not a string
show-result: bad.jsonl:6: unknown winner 'maybe'
show-result: bad.jsonl:7: record is not a JSON object
show-result: bad.jsonl:9: invalid JSON: duplicate object key near '"games"'
show-result: bad.jsonl:10: missing field 'model'
show-result: bad.jsonl:11: record is neither a judgment ('games') nor a vote ('winner')
show-result: warning: games without a valid verdict dropped: 2
EOT
grep -v -e ':8: ' -e 'average #tokens is n/a' bad.err > bad.err2
check_files "bad records: diagnostics" want.err bad.err2
check "bad records: invalid UTF-8 reported at line 8" \
    grep -q '^show-result: bad.jsonl:8: invalid JSON: ' bad.err
"$SR" -q --baseline base-model --num-rounds 20 --format csv good.jsonl \
    > good.out
check_files "bad records: the board of the good records is printed" \
    good.out bad.out
check_exit "-q: no warnings" 0 test -z "$("$SR" -q --baseline base-model \
    --num-rounds 5 bad.jsonl 2>&1 >/dev/null | grep warning)"

# A model without answers under style control: 65, nothing written.
mkdir -p some
cp "$D/answers/alpha.jsonl" "$D/answers/base-model.jsonl" some/
"$SR" --baseline base-model --num-rounds 20 --answers some --control all \
    --output-dir out "$J" > miss.out 2> miss.err
check_eq "missing metadata: exit 65" 65 $?
cat > want.err <<'EOT'
show-result: /JUDG:17: model 'beta' has no answers (style_control needs them)
show-result: /JUDG:49: model 'delta,comma' has no answers (style_control needs them)
show-result: /JUDG:33: model 'gamma' has no answers (style_control needs them)
show-result: style_control: 96 battle rows lack answer metadata (see --answers, --allow-missing-metadata)
EOT
sed "s|$J|/JUDG|" miss.err > miss.err2
check_files "missing metadata: one diagnostic per model, at its record" \
    want.err miss.err2
check_eq "missing metadata: nothing on stdout" 0 "$(wc -c < miss.out)"
check_eq "missing metadata: no output file, no temporary" "" \
    "$(ls -A out 2>/dev/null)"
head -n 20 "$D/answers/beta.jsonl.zst" > /dev/null
zstd -dc "$D/answers/beta.jsonl.zst" | grep -v '"q07"' > some/beta.jsonl
cp "$D/answers/gamma.jsonl" "$D/answers/deltacomma.jsonl" some/
"$SR" --baseline base-model --num-rounds 20 --answers some --control length \
    "$J" > /dev/null 2> q7.err
check_eq "missing answer to one question: 65" 65 $?
check "missing answer: names the model, question and record" grep -qxF \
    "show-result: $J:23: no answer metadata of model 'beta' for question 'q07' (length_control needs it)" \
    q7.err
"$SR" --baseline base-model --num-rounds 20 --answers some --control style \
    --allow-missing-metadata --format csv "$J" > allow.csv 2> allow.err
check_eq "--allow-missing-metadata: exit 0" 0 $?
check "--allow-missing-metadata: warns" grep -qxF "show-result: warning: \
style_control: 2 battle rows without metadata dropped" allow.err
check_eq "--allow-missing-metadata: all models kept" 5 \
    "$(tail -n +2 allow.csv | wc -l)"

# Bad answer lines: 65 at file:line; the board is still printed.
{ cat "$D/answers/alpha.jsonl"; echo '{"question_id": "q99", "model_id": 5}'; } \
    > badans.jsonl
"$SR" --baseline base-model --num-rounds 20 --answers badans.jsonl "$J" \
    > badans.out 2> badans.err
check_eq "bad answer record: 65" 65 $?
check_eq "bad answer record: diagnostic" \
    "show-result: badans.jsonl:17: field 'model_id' is not a string" \
    "$(grep -v 'average #tokens is n/a' badans.err)"
check_eq "bad answer record: board printed" 5 "$(wc -l < badans.out)"

# Files that cannot be read or written.
"$SR" --baseline base-model nosuch.jsonl > /dev/null 2> e.err
check_eq "missing input: 66" 66 $?
check_eq "missing input: message" \
    "show-result: cannot open 'nosuch.jsonl': No such file or directory" \
    "$(cat e.err)"
"$SR" --baseline base-model --answers nosuch "$J" > /dev/null 2> e.err
check_eq "missing answers path: 66" 66 $?
printf '\x28\xb5\x2f\xfd\x00\x00garbage' > corrupt.zst
"$SR" --baseline base-model corrupt.zst > /dev/null 2> e.err
check_eq "corrupt zstd: 65" 65 $?
touch afile
"$SR" --baseline base-model --num-rounds 5 --output-dir afile/sub "$J" \
    > /dev/null 2> e.err
check_eq "output directory not creatable: 73" 73 $?
check_eq "judgments of no baseline: 64" 64 "$("$SR" "$J" >/dev/null 2>&1;
    echo $?)"
"$SR" --baseline nobody "$D/votes.jsonl" > /dev/null 2> e.err
check_eq "baseline without battles: 65" 65 $?
check_eq "baseline without battles: message" \
    "show-result: baseline 'nobody' has no battles" "$(cat e.err)"
sed '1s/"ensemble"/"other"/' "$J" > twojudges.jsonl
"$SR" --baseline base-model twojudges.jsonl > /dev/null 2> e.err
check_eq "two judges without --judge: 65" 65 $?
check_eq "two judges: message" "show-result: twojudges.jsonl:2: judge \
'ensemble' differs from judge 'other' of earlier records (select one with \
--judge)" "$(cat e.err)"
check_eq "--judge selects one judge" 0 "$("$SR" -q --baseline base-model \
    --num-rounds 5 --judge ensemble twojudges.jsonl >/dev/null 2>&1; echo $?)"

# Usage errors: 64 with the usage on stderr, nothing on stdout.
for args in "--bogus" "-x" "--num-rounds 0" "--num-rounds x" "--weight 0" \
    "--bootstrap rows" "--control some" "--format xml" "--date 2025-1-2" \
    "--format csv --control all" "--seed -1" "--seed" \
    "--reference-compat --seed 4294967296" "--answers - -"; do
	# shellcheck disable=SC2086
	"$SR" --baseline base-model $args "$J" > u.out 2> u.err < /dev/null
	st=$?
	if [ $st -eq 64 ] && [ ! -s u.out ] && grep -q '^usage: ' u.err &&
	    grep -q '^show-result: ' u.err; then
		ok "usage error: $args"
	else
		notok "usage error: $args (exit $st)"
		cat u.err
	fi
done
# Standard output closed: the board would go nowhere, so no success (74).
"$SR" --baseline base-model --num-rounds 20 "$J" >&- 2>closed.err
check_eq "stdout closed: exit 74" 74 $?
check_eq "stdout closed: message" "show-result: standard output is closed" \
    "$(cat closed.err)"
done_testing
