# truth_test.sh: ensemble-judgment's mean and pool modes against the
# truth table (every pair of the five labels, null, "A<B", missing records,
# missing games, a v2 record, a duplicate, three judges).
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP/testdata/ensemble-judgment" || exit 1
EJ=$BIN/ensemble-judgment

"$EJ" judge3.jsonl judge1.jsonl judge2.jsonl >"$T/mean" 2>"$T/mean.err"
check_eq "mean: exit 0" 0 $?
check_files "mean: truth table" mean.expected "$T/mean"
check_files "mean: warnings" mean.stderr "$T/mean.err"

# Output order does not depend on file order or input order (D4).
cat judge2.jsonl judge1.jsonl judge3.jsonl | "$EJ" -q >"$T/stdin" 2>"$T/q.err"
check_files "mean: stdin, other order" mean.expected "$T/stdin"
check_eq "mean: -q silences warnings" "" "$(cat "$T/q.err")"

"$EJ" --min-judges 2 judge1.jsonl judge2.jsonl judge3.jsonl >"$T/min2" \
    2>/dev/null
check_files "mean: --min-judges 2" mean-min2.expected "$T/min2"

"$EJ" --mode pool --judges j2,j1 judge1.jsonl judge2.jsonl judge3.jsonl \
    >"$T/pool" 2>"$T/pool.err"
check_eq "pool: exit 0" 0 $?
check_files "pool: judge order j2,j1" pool-j2j1.expected "$T/pool"
check "pool: unlisted judge warned" \
    grep -q "warning: ignored 6 records of judge 'j3' (not in --judges)" \
    "$T/pool.err"

# --name renames the output judge; one judge passes its labels through.
"$EJ" --judges j1 --name solo judge1.jsonl 2>/dev/null >"$T/solo"
check_eq "one judge: labels pass through" \
    "$(grep -c '"q21", "model": "m1", "judge": "solo", "games": \[{"score": "A=B"}, {"score": "A>B"}\]' "$T/solo")" 1
done_testing
