#!/bin/bash
# bench-unreachable.sh: how long gen-answer takes to give up on a dead
# endpoint (nothing listening) for the 500 Korean questions, and how many
# lines it prints, at --parallel 1, 16 and 64.  Goal: exit 75 within 10 s,
# one line and the summary.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=${JUDGEPIPE_BIN:-$top/bin}
if [ ! -x "$BIN/gen-answer" ] || [ ! -x "$BIN/mock-llm" ]; then
	echo "bench-unreachable: build bin/gen-answer and bin/mock-llm first" >&2
	exit 69
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-unreach.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# A free port: the mock's, once it has exited.
"$BIN/mock-llm" -q --port 0 --port-file "$dir/port" --max-requests 1 &
pid=$!
for i in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port")
curl -s -o /dev/null "http://127.0.0.1:$port/health"
wait "$pid"
printf 'dead:\n    endpoints:\n        - api_base: http://127.0.0.1:%s/v1\n' \
    "$port" >"$dir/api.yaml"
for p in 1 16 64; do
	start=$(date +%s.%N)
	"$BIN/gen-answer" -m dead --api-config "$dir/api.yaml" --no-cache \
	    --parallel "$p" data/ko-arena-hard-v0.1/question.jsonl \
	    >/dev/null 2>"$dir/err"
	st=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	printf 'dead endpoint, 500 questions, --parallel %-3d exit %d in %5.2f s, %d lines\n' \
	    "$p" "$st" "$secs" "$(wc -l <"$dir/err")"
done
sed 's/^/  /' "$dir/err"
