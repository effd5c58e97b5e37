#!/bin/bash
# agreement_test.sh: show-result --agreement on hand-counted votes and
# judgments (the MT-Bench agreement study; common/agreement_test.c has the
# reasoning behind each number).
. "$(dirname "$0")/../../scripts/testlib.sh"
D=$TOP/testdata/show-result
"$BIN/show-result" --agreement --baseline m1 --format json \
	"$D/agreement-votes.jsonl" "$D/agreement-judgments.jsonl" >"$T/out" 2>"$T/err"
check_eq "exit 0" 0 $?
check_eq "judge J: 3/7 with ties, 2/3 without" "J 3 7 2 3" \
	"$(jq -r 'select(.judge == "J") | "\(.judge) \(.with_ties.agree) \(.with_ties.total) \(.without_ties.agree) \(.without_ties.total)"' "$T/out")"
check_eq "judge K (pairwise-all record): 1/4, 1/3" "K 1 4 1 3" \
	"$(jq -r 'select(.judge == "K") | "\(.judge) \(.with_ties.agree) \(.with_ties.total) \(.without_ties.agree) \(.without_ties.total)"' "$T/out")"
check_eq "people: 1/8, 1/3 (Chatbot Arena's judge key as voter)" "1 8 1 3 2" \
	"$(jq -r 'select(.judge == null) | "\(.with_ties.agree) \(.with_ties.total) \(.without_ties.agree) \(.without_ties.total) \(.keys)"' "$T/out")"
check_eq "rows: judges by name, then people" "J K null" "$(jq -r .judge "$T/out" | paste -sd' ')"
"$BIN/show-result" --agreement --baseline m1 "$D/agreement-votes.jsonl" \
	"$D/agreement-judgments.jsonl" >"$T/table" 2>/dev/null
check "table: the people row" grep -q "^(people vs people) .* 1/8 .*0.12 .* 1/3 .*0.33" "$T/table"
check "table: J's ratio" grep -q "^J .* 3/7 .*0.43 .* 2/3 .*0.67" "$T/table"
"$BIN/show-result" --agreement "$D/agreement-judgments.jsonl" >/dev/null 2>"$T/err"
check_eq "judgments without a baseline -> 64" 64 $?
check "... says so at file:line" grep -q "agreement-judgments.jsonl:1: no baseline" "$T/err"
check_exit "--agreement with --format csv -> 64" 64 "$BIN/show-result" --agreement \
	--format csv "$D/agreement-votes.jsonl" 2>/dev/null
printf '{"winner": "x", "model_a": "a", "model_b": "b"}\n' >"$T/bad.jsonl"
"$BIN/show-result" --agreement "$D/agreement-votes.jsonl" "$T/bad.jsonl" >/dev/null 2>"$T/err"
check_eq "a bad vote -> 65" 65 $?
check "... at file:line" grep -q "bad.jsonl:1: unknown winner 'x'" "$T/err"
done_testing
