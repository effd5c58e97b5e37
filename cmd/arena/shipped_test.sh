#!/bin/bash
# shipped_test.sh: the README's blind test on the shipped Korean sample.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

KO=$TOP/data/ko-arena-hard-v0.1
start_arena --questions "$KO/question.jsonl" --answers "$KO/arena-sample" \
	--votes "$T/votes.jsonl" --lang ko
check_eq "a battle on the sample" 200 "$(api POST /api/battle '')"
check "a Korean question" jq -e '.question | test("[가-힣]")' "$T/body"
b=$(jq -r .battle "$T/body")
check_eq "a vote" 200 "$(api POST /api/vote "{\"battle\": \"$b\", \"winner\": \"tie\"}")"
check "four models, the baseline among them" bash -c \
	'grep -q "claude-3.7-sonnet\|gpt-4o-mini\|gemma-3-27b-it\|qwen-2.5-7b-instruct" "$1"' _ "$T/body"
check "the vote carries the answers' own conv_metadata" jq -e \
	'.conv_metadata.sum_assistant_a_tokens > 0' "$T/votes.jsonl"
check_eq "info: ko" ko "$(curl -s "$URL/api/info" | jq -r .lang)"
stop_arena
for f in "$KO"/arena-sample/*.jsonl.zst; do
	m=$(basename "$f" .jsonl.zst)
	check_eq "$m: 100 answers" 100 "$(zstd -dc "$f" | wc -l)"
done
if have_shared; then
	for f in "$KO"/arena-sample/*.jsonl.zst; do
		m=$(basename "$f" .jsonl.zst)
		check_eq "$m: the lines are upstream's, unchanged" 100 \
			"$(zstd -dc "$SHARED/ko-arena-hard-v0.1/model_answer/$m.jsonl.zst" |
			grep -cFxf <(zstd -dc "$f"))"
	done
else
	skip "sample lines = upstream lines (../shared/data absent)"
fi
done_testing
