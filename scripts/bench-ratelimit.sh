#!/bin/bash
# bench-ratelimit.sh: how much of a rate limit gen-answer uses, and how
# many 429s it gets, against mock-llm --rpm 600 (a minute and more of
# synthetic questions) and --tpm 100000 (Korean questions), with nothing
# in the API config: the limits come from the replies' headers.  Replies
# take 20 to 200 ms.  Goal: >= 95 % of the allowed rate in the first
# minute, <= 1 % of the requests answered 429.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=${JUDGEPIPE_BIN:-$top/bin}
if [ ! -x "$BIN/gen-answer" ] || [ ! -x "$BIN/mock-llm" ]; then
	echo "bench-ratelimit: build bin/gen-answer and bin/mock-llm first" >&2
	exit 69
fi
command -v jq >/dev/null || { echo "bench-ratelimit: needs jq" >&2; exit 69; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-ratelimit.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# run NAME QUESTIONS MOCK-ARGS...: gen-answer on QUESTIONS against a fresh
# mock, then the figures of its log.
run() {
	local name=$1 q=$2 i start secs
	shift 2
	rm -f "$dir/port" "$dir/log"
	"$BIN/mock-llm" -q --port 0 --port-file "$dir/port" --log "$dir/log" \
	    --latency-ms 20:200 "$@" &
	pid=$!
	for i in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
	printf 'mock:\n    endpoints:\n        - api_base: http://127.0.0.1:%s/v1\n    parallel: 16\n' \
	    "$(cat "$dir/port")" >"$dir/api.yaml"
	start=$(date +%s.%N)
	"$BIN/gen-answer" -m mock --api-config "$dir/api.yaml" --no-cache \
	    "$q" >/dev/null 2>"$dir/err"
	st=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	kill "$pid"
	wait "$pid" 2>/dev/null
	pid=
	# In the first minute from the first request: answered requests and
	# their tokens; over the run: all requests and the 429s.
	jq -rs --arg name "$name" --argjson secs "$secs" --argjson st "$st" '
	    (map(.ts) | min) as $t0 | (map(.ts) | max) as $t1 |
	    map(select(.ts < $t0 + 60 and .status == 200)) as $m |
	    map(select(.status == 200)) as $ok |
	    { n: length, r429: map(select(.status == 429)) | length,
	      req: ($m | length),
	      tok: ($m | map(.prompt_tokens + .completion_tokens) | add),
	      rpm: (($ok | length) / ($t1 - $t0) * 60 | round),
	      tpm: (($ok | map(.prompt_tokens + .completion_tokens) | add) /
	          ($t1 - $t0) * 60 | round) } |
	    "\($name): exit \($st) in \($secs | floor) s; first minute: \(.req) requests, \(.tok) tokens; over the run \(.rpm) requests and \(.tpm) tokens a minute; \(.r429) of \(.n) requests answered 429 (\(100 * .r429 / .n * 100 | round / 100) %)"' \
	    "$dir/log"
}

# 660 short synthetic questions: more than a minute at 600 a minute.
for i in $(seq 1 660); do
	printf '{"question_id": "b%d", "turns": [{"content": "Question %d: name a prime number."}]}\n' "$i" "$i"
done >"$dir/q660.jsonl"
run "--rpm 600" "$dir/q660.jsonl" --rpm 600 | tee "$dir/rpm"
req=$(sed -n 's/.*first minute: \([0-9]*\) requests.*/\1/p' "$dir/rpm")
echo "  rate: $req of 600 allowed in the first minute = $(echo "scale=1; 100 * $req / 600" | bc) %"

# Korean questions, some 300 tokens a call: more than a minute at 100,000.
head -n 400 data/ko-arena-hard-v0.1/question.jsonl >"$dir/ko.jsonl"
run "--tpm 100000" "$dir/ko.jsonl" --tpm 100000 | tee "$dir/tpm"
tok=$(sed -n 's/.*requests, \([0-9]*\) tokens.*/\1/p' "$dir/tpm")
echo "  rate: $tok of 100000 tokens allowed in the first minute = $(echo "scale=1; 100 * $tok / 100000" | bc) %"
