#!/bin/bash
# bench-gen-judgment.sh: gen-judgment at leaderboard scale against mock-llm:
# 55 models x 500 questions x 2 judges (110,000 judge calls when every
# verdict comes at the first attempt), first against the mock (cold cache),
# then fully cached (warm; the goal is <= 10 s), and the cache's size
# against the bytes of the values it stores.
# Usage: scripts/bench-gen-judgment.sh [MODELS [QUESTIONS]] (55, 500)
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=${JUDGEPIPE_BIN:-$top/bin}
nm=${1:-55}
nq=${2:-500}
q=$top/data/ko-arena-hard-v0.1/question.jsonl
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-gj.XXXXXX")
mock=
cleanup() { [ -n "$mock" ] && kill "$mock" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

"$BIN/mock-llm" --port 0 --port-file "$dir/port" --log "$dir/mock.log" -q \
	--judge-policy hash &
mock=$!
for _ in $(seq 1 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
url=http://127.0.0.1:$(cat "$dir/port")/v1
for e in gemini-2.0-flash-001 gpt-4o-mini; do
	echo "$e: {model_name: $e, endpoints: [{api_base: \"$url\"}], parallel: 256}"
done >"$dir/api.yaml"

# Answers are synthesised (the bench measures judging, not answering):
# model m, question i gets a text of a length that depends on both.
head -n "$nq" "$q" | tr -d '\r' | grep -o '"question_id": "[^"]*"' |
	cut -d'"' -f4 >"$dir/ids"
awk -v nm="$nm" '
function ans(model, id, i, k, out,    s, j, n) {
	n = 20 + (i * 7 + k * 13) % 90
	s = "Mock answer from " model "."
	for (j = 0; j < n; j++) s = s " word" ((i + j * k) % 97)
	printf "{\"question_id\": \"%s\", \"answer_id\": \"a%d_%d\", \"model_id\": \"%s\", \"choices\": [{\"index\": 0, \"turns\": [{\"content\": \"%s\"}]}], \"tstamp\": 1.0}\n", id, k, i, model, s > out
}
{ id[NR] = $0 }
END {
	for (i = 1; i <= NR; i++) ans("claude-3.7-sonnet", id[i], i, 0, base)
	for (k = 1; k <= nm; k++)
		for (i = 1; i <= NR; i++)
			ans(sprintf("model-%02d", k), id[i], i, k, "/dev/stdout")
}' base="$dir/base.jsonl" "$dir/ids" >"$dir/answers.jsonl"
echo "answers: $(wc -l <"$dir/answers.jsonl") ($nm models x $nq questions), 2 judges"

run() {	# label
	local s e pids=()
	s=$(date +%s.%N)
	for j in gemini-2.0-flash-001 gpt-4o-mini; do
		/usr/bin/time -f "%M" -o "$dir/rss.$j" "$BIN/gen-judgment" -q \
			-c configs/ko.yaml --judge "$j" --api-config "$dir/api.yaml" \
			--cache "$dir/cache" --questions "$q" \
			--baseline-answers "$dir/base.jsonl" "$dir/answers.jsonl" \
			>"$dir/judgments.$j.jsonl" &
		pids+=($!)
	done
	wait "${pids[@]}"
	e=$(date +%s.%N)
	printf '%-34s %7.2f s   peak RSS %s / %s MB\n' "$1" "$(echo "$e - $s" | bc)" \
		$(( $(cat "$dir/rss.gemini-2.0-flash-001") / 1024 )) \
		$(( $(cat "$dir/rss.gpt-4o-mini") / 1024 ))
}
run "cold (every call to mock-llm):"
calls=$(wc -l <"$dir/mock.log")
echo "judge calls sent: $calls; judgments: $(cat "$dir"/judgments.*.jsonl | wc -l)"
run "warm (fully cached rerun):"
echo "calls sent by the rerun: $(( $(wc -l <"$dir/mock.log") - calls ))"
cache=$dir/cache/v1/cache.zst
size=$(stat -c %s "$cache")
raw=$(zstd -dcq "$cache" | wc -c)
text=$(zstd -dcq "$cache" | grep -o '"text": "[^"]*"' | wc -c)
printf 'cache: %d bytes for %d bytes of stored values (%.1f%%); reply texts %d bytes\n' \
	"$size" "$raw" "$(echo "100 * $size / $raw" | bc -l)" "$text"
