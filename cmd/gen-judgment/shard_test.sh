#!/bin/bash
# shard_test.sh: 4 shards run by GNU parallel over one shared cache give,
# merged, exactly the records of the unsharded run, for gen-answer and
# gen-judgment; the unsharded re-run after the shards is all cache hits.
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v parallel >/dev/null; then
	skip "GNU parallel not installed"
	exit 0
fi
start_mock --judge-policy hash
cat >"$T/api.yaml" <<YAML
m1: {model_name: m1, endpoints: [{api_base: "$MOCK_URL"}], parallel: 16}
gpt-4-0314: {model_name: gpt-4-0314, endpoints: [{api_base: "$MOCK_URL"}], parallel: 16}
judge: {model_name: judge, endpoints: [{api_base: "$MOCK_URL"}], parallel: 16}
YAML
q=$T/q.jsonl
head -n 60 "$TOP/data/arena-hard-v0.1/question.jsonl" >"$q"
cache=$T/shared-cache
export BIN T q cache

# The baseline's answers (unsharded), then the model's answers in 4 shards.
"$BIN/gen-answer" -q -m gpt-4-0314 --api-config "$T/api.yaml" --cache "$cache" \
	"$q" >"$T/base.jsonl"
parallel -j4 "$BIN/gen-answer -q -m m1 --api-config $T/api.yaml \
	--cache $cache --shard {}/4 $q > $T/ans-{}.jsonl" ::: 1 2 3 4
check_exit "gen-answer: 4 shards under GNU parallel exit 0" 0 test $? -eq 0
n=0
for k in 1 2 3 4; do [ -s "$T/ans-$k.jsonl" ] && n=$((n + 1)); done
check_eq "gen-answer: every shard has work" 4 "$n"
check_eq "gen-answer: shards partition the 60 questions" 60 \
	"$(cat "$T"/ans-?.jsonl | grep -o '"question_id": "[^"]*"' | sort -u | wc -l)"
lines=$(wc -l <"$MOCK_LOG")
"$BIN/gen-answer" -q -m m1 --api-config "$T/api.yaml" --cache "$cache" \
	"$q" >"$T/ans-all.jsonl"
check_eq "gen-answer: unsharded re-run over the shared cache sends nothing" \
	"$lines" "$(wc -l <"$MOCK_LOG")"
check_eq "gen-answer: merged shards = unsharded output (as sets)" \
	"$(sort "$T/ans-all.jsonl" | sha256sum)" "$(cat "$T"/ans-?.jsonl | sort | sha256sum)"
"$BIN/gen-answer" -q -m m1 --api-config "$T/api.yaml" --no-cache \
	"$q" >"$T/ans-fresh.jsonl"
check "gen-answer: and = a run without cache (but tstamp)" \
	cmp -s <(sed 's/"tstamp": [0-9.]*//' "$T/ans-all.jsonl") \
	<(sed 's/"tstamp": [0-9.]*//' "$T/ans-fresh.jsonl")

parallel -j4 "$BIN/gen-judgment -q -c $TOP/configs/en.yaml --judge judge \
	--api-config $T/api.yaml --cache $cache --questions $q \
	--baseline-answers $T/base.jsonl --shard {}/4 $T/ans-all.jsonl \
	> $T/jud-{}.jsonl" ::: 1 2 3 4
check_exit "gen-judgment: 4 shards under GNU parallel exit 0" 0 test $? -eq 0
lines=$(wc -l <"$MOCK_LOG")
"$BIN/gen-judgment" -q -c "$TOP/configs/en.yaml" --judge judge \
	--api-config "$T/api.yaml" --cache "$cache" --questions "$q" \
	--baseline-answers "$T/base.jsonl" "$T/ans-all.jsonl" >"$T/jud-all.jsonl"
check_eq "gen-judgment: unsharded re-run sends nothing" "$lines" \
	"$(wc -l <"$MOCK_LOG")"
check_eq "gen-judgment: 60 judgments" 60 "$(wc -l <"$T/jud-all.jsonl")"
check_eq "gen-judgment: merged shards = unsharded output (as sets)" \
	"$(sort "$T/jud-all.jsonl" | sha256sum)" "$(cat "$T"/jud-?.jsonl | sort | sha256sum)"
for k in 1 2 3 4; do
	cmp -s <(grep -o '"question_id": "[^"]*"' "$T/ans-$k.jsonl") \
		<(grep -o '"question_id": "[^"]*"' "$T/jud-$k.jsonl") || n=x
done
check_eq "the shards of both stages line up (same questions per shard)" 4 "$n"
done_testing
