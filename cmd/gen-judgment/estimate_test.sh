#!/bin/bash
# estimate_test.sh: --estimate of gen-answer and gen-judgment, and
# make eval ESTIMATE=1 for a whole run (one model, the baseline, two
# judges, the first 100 Korean questions) against mock-llm counting cl100k
# tokens: the estimate sends nothing, its call counts are what the real run
# then sends, and its cost is within 20 % of the real run's (from the
# usage the mock returned for each request, in its log).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
if ! command -v zstd >/dev/null || ! command -v jq >/dev/null; then
	skip "estimate (zstd or jq missing)"
	exit 0
fi
RANKS=$TOP/data/tokenizer/cl100k_base.tiktoken
export JUDGEPIPE_TOKENIZER=$RANKS
start_mock --judge-policy strength --tokenizer "$RANKS" \
    --strength mock-model=50
{
	for e in mock-model claude-3.7-sonnet j1 j2; do
		printf '%s:\n  model_name: %s\n  endpoints:\n' "$e" "$e"
		printf '    - api_base: %s\n  parallel: 16\n' "$MOCK_URL"
		printf '  price: {input: 0.15, cached_input: 0.075, output: 0.60}\n'
	done
} >"$T/api.yaml"
head -20 "$TOP/data/ko-arena-hard-v0.1/question.jsonl" >"$T/q20.jsonl"
head -100 "$TOP/data/ko-arena-hard-v0.1/question.jsonl" >"$T/q100.jsonl"
ev() {	# ev QUESTIONS OUT [make args...]
	local q=$1 out=$2
	shift 2
	(cd "$TOP" && make --no-print-directory -s -f scripts/eval.mk \
	    BENCH=ko MODELS=mock-model JUDGES="j1 j2" \
	    API_CONFIG="$T/api.yaml" CACHE="$T/cache" OUT="$out" BIN="$BIN" \
	    QUESTIONS="$q" GEN_FLAGS=-q "$@")
}
# cost FROM: the cost of the mock's replies from log line FROM on.
cost() { tail -n +"$1" "$MOCK_LOG" | jq -s 'map(select(.prompt_tokens != null) |
    .prompt_tokens * 0.15 + .completion_tokens * 0.60) | add / 1e6'; }

# Replies of every model and judge in the cache: the expected lengths.
ev "$T/q20.jsonl" "$T/warm" >/dev/null 2>&1
check "warm-up run" test -s "$T/warm/ko/leaderboard.txt"

# The estimate of the 100-question run sends nothing.
n0=$(log_lines "$MOCK_LOG")
ev "$T/q100.jsonl" "$T/run" ESTIMATE=1 >"$T/est" 2>"$T/est.err"
check_eq "make eval ESTIMATE=1: exit 0" 0 $?
check_eq "make eval ESTIMATE=1: no request" "$n0" "$(log_lines "$MOCK_LOG")"
check "make eval ESTIMATE=1: a table on stderr" grep -q '^total ' "$T/est.err"
check_eq "per model and stage, then the total" \
    "answers claude-3.7-sonnet|answers mock-model|judgments j1|judgments j2|total" \
    "$(jq -r 'if .total then "total" else "\(.stage) \(.model)" end' "$T/est" | paste -sd'|')"
check "no output file made" test ! -e "$T/run/ko/answers/mock-model.jsonl"

# The real run sends what the estimate counted.
ev "$T/q100.jsonl" "$T/run" >/dev/null 2>"$T/run.err"
check_eq "real run: exit 0" 0 $?
sent=$(( $(log_lines "$MOCK_LOG") - n0 ))
want=$(jq -r 'select(.total) | .calls - .cached' "$T/est")
check_eq "calls sent = calls - cached of the estimate" "$want" "$sent"
real=$(cost $((n0 + 1)))
est=$(jq -r 'select(.total) | .cost_usd' "$T/est")
echo "# estimate \$$est, real \$$real (the mock's usage, from its log)"
check "expected cost within 20 % of the real cost" \
    awk -v e="$est" -v r="$real" 'BEGIN { exit !(r > 0 && e > 0.8 * r && e < 1.2 * r) }'
check "real cost under the bound" awk -v b="$(jq -r 'select(.total) |
    .cost_usd_bound' "$T/est")" -v r="$real" 'BEGIN { exit !(r <= b) }'
echo "# prompt tokens: estimate $(jq -r 'select(.total) | .prompt_tokens' "$T/est"), real $(tail -n +$((n0 + 1)) "$MOCK_LOG" | jq -s 'map(.prompt_tokens // 0) | add')"

# gen-answer --estimate alone, on a finished run: everything cached.
"$BIN/gen-answer" -q --estimate -m mock-model --api-config "$T/api.yaml" \
    --cache "$T/cache" "$T/q100.jsonl" >"$T/ga"
check_eq "gen-answer --estimate: all cached" "100 100" \
    "$(jq -r 'select(.model) | "\(.calls) \(.cached)"' "$T/ga")"
check_eq "gen-answer --estimate: nothing to pay" "true" \
    "$(jq -r 'select(.total) | .cost_usd == 0' "$T/ga")"
# Without a price the cost is null, not 0.
sed 's/^  price:.*//' "$T/api.yaml" >"$T/noprice.yaml"
"$BIN/gen-answer" -q --estimate -m mock-model --api-config "$T/noprice.yaml" \
    --no-cache "$T/q20.jsonl" >"$T/np"
check_eq "no price: cost null" "null null" \
    "$(jq -r 'select(.total) | "\(.cost_usd) \(.cost_usd_bound)"' "$T/np")"
# A judge that gives no verdict is asked again: more calls than the
# estimate's, never more than its bound.
MOCK_LOG=$T/mock2.log
start_mock --judge-policy strength --tokenizer "$RANKS" --fault noverdict=0.3
sed "s|api_base: .*|api_base: $MOCK_URL|" "$T/api.yaml" >"$T/api2.yaml"
head -20 "$T/run/ko/answers/claude-3.7-sonnet.jsonl" >"$T/b20.jsonl"
head -20 "$T/run/ko/answers/mock-model.jsonl" >"$T/a20.jsonl"
"$BIN/gen-judgment" -q --estimate -c "$TOP/configs/ko.yaml" --judge j1 \
    --api-config "$T/api2.yaml" --cache "$T/cache2" --questions "$T/q20.jsonl" \
    --baseline-answers "$T/b20.jsonl" "$T/a20.jsonl" >"$T/nv"
"$BIN/gen-judgment" -q -c "$TOP/configs/ko.yaml" --judge j1 \
    --api-config "$T/api2.yaml" --cache "$T/cache2" --questions "$T/q20.jsonl" \
    --baseline-answers "$T/b20.jsonl" "$T/a20.jsonl" >/dev/null
sent=$(log_lines "$MOCK_LOG")
read -r calls bound < <(jq -r 'select(.total) | "\(.calls) \(.calls_bound)"' "$T/nv")
echo "# no verdict 30 %: estimate $calls calls (bound $bound), sent $sent"
check "re-attempts: calls <= sent <= calls_bound" \
    test "$calls" -le "$sent" -a "$sent" -le "$bound" -a "$sent" -gt "$calls"
check_eq "--estimate-answers needs --estimate: 64" 64 \
    "$("$BIN/gen-answer" -m x --estimate-answers f q 2>/dev/null; echo $?)"
done_testing
