#!/bin/bash
# bench-arena.sh: arena under load on loopback (scripts/arena-load.c):
# 200 concurrent voters for 30 s on the shipped Korean sample, each looping
# battle -> vote; then a second run killed with SIGKILL half-way, counting
# acknowledged votes missing from the log (must be 0).  Goal: >= 1,000
# acknowledged votes/s with p99 <= 50 ms on 2 cores.
# Usage: scripts/bench-arena.sh [VOTERS] [SECONDS]
set -eu
cd "$(dirname "$0")/.."
voters=${1:-${BENCH_ARENA_VOTERS:-200}}
secs=${2:-${BENCH_ARENA_SECONDS:-30}}
bin=${JUDGEPIPE_BIN:-bin}
mkdir -p build/bench
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -pthread \
	-o build/bench/arena-load scripts/arena-load.c
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-arena.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
ko=data/ko-arena-hard-v0.1

start() {	# start LOG: arena on a free port
	rm -f "$dir/port"
	"$bin/arena" -q --questions $ko/question.jsonl --answers $ko/arena-sample \
		--votes "$1" --port-file "$dir/port" &
	pid=$!
	for _ in $(seq 1 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
	port=$(cat "$dir/port")
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
start "$dir/votes.jsonl"
build/bench/arena-load "$port" "$voters" "$secs" "$dir/acked" | tee "$dir/out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill "$pid"
wait "$pid" || true
pid=
lines=$(wc -l <"$dir/votes.jsonl")
echo "log_lines $lines (acknowledged $(awk '/^acknowledged_votes/ {print $2}' "$dir/out"))"

echo
echo "== kill -9 after $((secs / 2)) s of a $secs s run"
start "$dir/votes2.jsonl"
build/bench/arena-load "$port" "$voters" "$secs" "$dir/acked2" >"$dir/out2" &
load=$!
sleep $((secs / 2))
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
wait "$load"
jq -r .battle "$dir/votes2.jsonl" 2>/dev/null | sort >"$dir/logged"
sort "$dir/acked2" >"$dir/acked2.sorted"
echo "acknowledged_before_kill $(wc -l <"$dir/acked2")"
echo "acknowledged_votes_lost $(comm -23 "$dir/acked2.sorted" "$dir/logged" | wc -l)"
