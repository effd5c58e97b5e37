#!/bin/bash
# ko_test.sh: show-result against the Korean boards of ../shared/data:
# the published no-control board, expected/ko51 with the
# reference's resampling, and --reference-compat to the digit.
. "$(dirname "$0")/../../scripts/testlib.sh"

KO=$SHARED/ko-arena-hard-v0.1
CMP=$TOP/testdata/show-result/compare.awk
BASE=claude-3.7-sonnet
BOARDS="no_control style_control length_control markdown_control"

# Figure NAME of a compare.awk line.
fig() { echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k)
	print $(i + 1) }'; }
# le A B: A <= B (+1e-9), ge A B: A >= B.
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b + 1e-9) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b - 1e-9) }'; }

# Shipped copies: the README command prints the published scores.
shipped=$TOP/data/ko-arena-hard-v0.1/model_judgment/ensemble
if [ -d "$shipped" ] && have_shared; then
	"$BIN/show-result" -q --baseline $BASE --format csv --num-rounds 20 \
	    "$shipped"/*.jsonl.zst > "$T/shipped.csv"
	check_exit "shipped ensemble files read (55 files)" 0 \
	    test "$(ls "$shipped"/*.jsonl.zst | wc -l)" -eq 55
	r=$(awk -v base=$BASE -f "$CMP" \
	    "$KO/published/20250328_ensemble/no_control.csv" "$T/shipped.csv")
	check "shipped files: published no-control scores ($r)" \
	    le "$(fig score "$r")" 0.01
	"$BIN/show-result" -q --baseline $BASE --num-rounds 20 \
	    "$shipped"/*.jsonl.zst > "$T/shipped.txt"
	check "shipped files: table has 55 rows" \
	    test "$(wc -l < "$T/shipped.txt")" -eq 55
elif [ -d "$shipped" ]; then
	# Without ../shared, two rows of the published board.
	"$BIN/show-result" -q --baseline $BASE --format csv --num-rounds 20 \
	    "$shipped"/*.jsonl.zst > "$T/shipped.csv"
	check_eq "shipped files: top of the published board" \
	    "gemini-2.5-pro-exp-03-25,82.94|gemini-2.0-pro-exp-02-05,76.12" \
	    "$(sed -n 2,3p "$T/shipped.csv" | cut -d, -f1-2 | tr '\n' '|' |
	    sed 's/|$//')"
else
	notok "shipped files: $shipped missing"
fi

if ! have_shared; then
	skip "published and ko51 boards: ../shared/data absent"
	done_testing
fi

# The published no-control board from all 55 judgment files.
"$BIN/show-result" -q --baseline $BASE --format csv --num-rounds 20 \
    "$KO"/model_judgment/ensemble/*.jsonl > "$T/pub.csv"
r=$(awk -v base=$BASE -f "$CMP" \
    "$KO/published/20250328_ensemble/no_control.csv" "$T/pub.csv")
echo "# published no_control: $r"
check_eq "published: 55 models, none missing" "55 0" \
    "$(fig models "$r") $(fig missing "$r")"
check "published: every score within 0.01" le "$(fig score "$r")" 0.01
check "published: every elo_score within 0.01" le "$(fig elo "$r")" 0.01
check_eq "published: baseline row" \
    "claude-3.7-sonnet,50.0,50.0,50.0,0.0,1000.0,1000.0,1000.0" \
    "$(grep "^$BASE," "$T/pub.csv" | cut -d, -f1-8)"

# The 51 models with answers, in the reference's file order.
mapfile -t files < <(sed "s|^|$KO/model_judgment/ensemble/|" \
    "$KO/expected/ko51/file_order.txt")
check_exit "ko51: 51 judgment files listed" 0 test ${#files[@]} -eq 51

"$BIN/show-result" -q --baseline $BASE --bootstrap battle --num-rounds 100 \
    --seed 42 --date 2025-03-28 --answers "$KO/model_answer" --control all \
    --output-dir "$T/battle" "${files[@]}" > "$T/battle.txt"
check_exit "ko51 battle: four boards written" 0 test "$(ls "$T/battle" |
    grep -c '\.csv$')" -eq 4
for b in $BOARDS; do
	r=$(awk -v base=$BASE -f "$CMP" "$KO/expected/ko51/$b.csv" \
	    "$T/battle/$b.csv")
	echo "# battle $b: $r"
	check_eq "ko51 battle $b: 51 models, none missing" "51 0" \
	    "$(fig models "$r") $(fig missing "$r")"
	check_eq "ko51 battle $b: avg_tokens equal" 0 "$(fig tokens "$r")"
	if [ $b = no_control ]; then
		check "ko51 battle $b: scores within 0.01" \
		    le "$(fig score "$r")" 0.01
		check "ko51 battle $b: elo within 0.2" le "$(fig elo "$r")" 0.2
		check "ko51 battle $b: >= 60% of bounds within 0.6" \
		    ge "$(fig within06 "$r")" 60
		check "ko51 battle $b: mean bound difference <= 0.6" \
		    le "$(fig mean "$r")" 0.6
	else
		check "ko51 battle $b: scores within 0.05" \
		    le "$(fig score "$r")" 0.05
		check "ko51 battle $b: elo within 0.5" le "$(fig elo "$r")" 0.5
		check "ko51 battle $b: >= 80% of bounds within 0.6" \
		    ge "$(fig within06 "$r")" 80
		check "ko51 battle $b: mean bound difference <= 0.40" \
		    le "$(fig mean "$r")" 0.40
	fi
	check "ko51 battle $b: every bound within 2.0" le "$(fig max "$r")" 2.0
done
check "ko51 battle: style coefficients (1.548, 0.141, -0.139, 0.099)" \
    grep -qF "Style Coefficients: {'sum_assistant_a_tokens': 1.548, \
'header_count_a': 0.141, 'list_count_a': -0.139, 'bold_count_a': 0.099}" \
    "$T/battle.txt"
check "ko51 battle: markdown coefficients (0.287, 0.148, 0.174)" \
    grep -qF "Style Coefficients: {'header_count_a': 0.287, \
'list_count_a': 0.148, 'bold_count_a': 0.174}" "$T/battle.txt"
for b in style_control length_control markdown_control; do
	check "ko51 battle $b: baseline row" grep -qxF "$BASE,50.0,50.0,50.0,\
1094.0,1114.0,1114.0,1114.0,\"(-0.00, +0.00)\",\"(-0.00, +0.00)\",2025-03-28" \
	    "$T/battle/$b.csv"
done

# --reference-compat: numpy's stream, input order, unanchored no-control.
"$BIN/show-result" -q --baseline $BASE --reference-compat \
    --answers "$KO/model_answer" --control all --output-dir "$T/compat" \
    "${files[@]}" > /dev/null
for b in $BOARDS; do
	r=$(awk -v base=$BASE -f "$CMP" "$KO/expected/ko51/$b.csv" \
	    "$T/compat/$b.csv")
	echo "# reference-compat $b: $r"
	check_eq "compat $b: avg_tokens equal" 0 "$(fig tokens "$r")"
	check "compat $b: every CI bound within 0.05" le "$(fig max "$r")" 0.05
	check "compat $b: scores within 0.05" le "$(fig score "$r")" 0.05
done
check "compat no_control: unanchored baseline Elo bounds within 0.1" \
    awk -F, -v b=$BASE 'FNR == 1 { f++ } $1 == b { lo[f] = $7; hi[f] = $8 }
    END { d1 = lo[1] - lo[2]; d2 = hi[1] - hi[2]
    exit !(d1 < 0.1 && d1 > -0.1 && d2 < 0.1 && d2 > -0.1 && lo[1] < 999) }' \
    "$KO/expected/ko51/no_control.csv" "$T/compat/no_control.csv"
done_testing
