#!/bin/bash
# shipped_test.sh: the published Korean board from what the project ships
# (ensemble judgments, answer metadata, the published CSVs in testdata/),
# with no need for ../shared.
. "$(dirname "$0")/../../scripts/testlib.sh"
ko=$TOP/data/ko-arena-hard-v0.1
pub=$TOP/testdata/show-result/published-20250328
cmp_awk=$TOP/testdata/show-result/compare.awk

"$BIN/show-result" --baseline claude-3.7-sonnet --format csv \
	--answers "$ko/answer_metadata" "$ko"/model_judgment/ensemble/*.jsonl.zst \
	>"$T/nc.csv"
check_exit "no-control board from shipped data exits 0" 0 test -s "$T/nc.csv"
r=$(awk -f "$cmp_awk" -v base=claude-3.7-sonnet "$pub/no_control.csv" "$T/nc.csv")
echo "    $r"
check "all 55 models, every score within 0.01 of the published board" \
	awk -v r="$r" 'BEGIN { split(r, f, " "); exit !(f[2] == 55 && f[4] == 0 && f[6] <= 0.01) }'
# avg_tokens equals the published column for the 51 models whose answers
# exist upstream; the other 4 have none shipped (avg_tokens 0).
check "avg_tokens equal for the 51 models with answers (4 without)" \
	awk -v r="$r" 'BEGIN { split(r, f, " "); exit !(f[10] == 4) }'
for m in gemini-2.0-flash-lite-001 llama-3.1-405b-instruct; do
	check_eq "$m: avg_tokens 0 (no answers shipped)" "0.0" \
		"$(awk -F, -v m="$m" '$1 == m { print $5 }' "$T/nc.csv")"
done

# The four boards from shipped data: control boards need metadata for every
# battle, so the four models without answers are dropped from them.
"$BIN/show-result" --baseline claude-3.7-sonnet --control all -q \
	--num-rounds 50 --allow-missing-metadata --output-dir "$T/boards" \
	--answers "$ko/answer_metadata" "$ko"/model_judgment/ensemble/*.jsonl.zst \
	>/dev/null
check_exit "four boards written" 0 test -s "$T/boards/style_control.csv" -a \
	-s "$T/boards/length_control.csv" -a -s "$T/boards/markdown_control.csv"
check_eq "style board: 51 models" 52 "$(wc -l <"$T/boards/style_control.csv")"
check_eq "style board: baseline anchored at 1114" "1114.0" \
	"$(awk -F, '$1 == "claude-3.7-sonnet" { print $6 }' "$T/boards/style_control.csv")"
done_testing
