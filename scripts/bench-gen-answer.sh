#!/bin/bash
# bench-gen-answer.sh: gen-answer against mock-llm on this machine:
#   1. calls/s and CPU per call, no latency, --parallel 256, --no-cache
#      (the mock runs on the same cores and is included in the wall time);
#   2. throughput with 500 ms replies at --parallel 512, --no-cache (ideal:
#      512 / 0.5 s = 1,024 calls/s);
#   3. peak RSS for 100,000 questions with a fresh cache directory (the
#      default way to run), against the input's size.
# Usage: scripts/bench-gen-answer.sh [N_FAST [N_LATENCY [N_RSS]]]
# (defaults 20000, 10240, 100000; also $BENCH_GA_FAST, ...).
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=${JUDGEPIPE_BIN:-$top/bin}
SHARED=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}
n_fast=${1:-${BENCH_GA_FAST:-20000}}
n_lat=${2:-${BENCH_GA_LATENCY:-10240}}
n_rss=${3:-${BENCH_GA_RSS:-100000}}
src=$SHARED/data/ko-arena-hard-v0.1/question.jsonl
[ -f "$src" ] || src=$top/testdata/gen-answer/bench-questions.jsonl
if [ ! -x "$BIN/gen-answer" ] || [ ! -x "$BIN/mock-llm" ]; then
	echo "bench-gen-answer: build bin/gen-answer and bin/mock-llm first" >&2
	exit 69
fi
if ! command -v /usr/bin/time >/dev/null 2>&1; then
	echo "bench-gen-answer: needs GNU time (/usr/bin/time)" >&2
	exit 69
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-ga.XXXXXX")
mock=
cleanup() {
	[ -n "$mock" ] && kill "$mock" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# questions N FILE: N distinct questions cycled from the Korean set (the
# content gets a unique prefix, so every request is a new one).
questions() {
	perl -ne 'BEGIN { $n = shift } s/\r$//; push @q, $_;
	END {
		for my $i (0 .. $n - 1) {
			my $l = $q[$i % @q];
			$l =~ s/"question_id": "[^"]*"/"question_id": "bench$i"/;
			$l =~ s/"turns": \[\{"content": "/$&\[$i\] /;
			print $l;
		}
	}' "$1" <"$src" >"$2"
}

# start_mock ARGS...: mock-llm on a free port, no log; sets mock, url.
start_mock() {
	rm -f "$dir/port"
	"$BIN/mock-llm" --port 0 --port-file "$dir/port" -q "$@" \
	    2>>"$dir/mock.err" &
	mock=$!
	for _ in $(seq 1 200); do
		[ -s "$dir/port" ] && break
		sleep 0.05
	done
	cat >"$dir/api.yaml" <<YAML
bench:
    model_name: bench-model
    endpoints:
        - api_base: http://127.0.0.1:$(cat "$dir/port")/v1
    api_type: openai
    parallel: 1
YAML
}

# cpu_ticks PID: user + system clock ticks of a running process.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

stop_mock() {
	kill "$mock" 2>/dev/null
	wait "$mock" 2>/dev/null
	mock=
}

# run N PARALLEL CACHE_ARGS...: gen-answer over $dir/q.jsonl; sets wall,
# cpu (s), rss (KB), status.
run() {
	local n=$1 par=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$BIN/gen-answer" -q \
	    -m bench --api-config "$dir/api.yaml" --parallel "$par" "$@" \
	    "$dir/q.jsonl" >"$dir/out" 2>"$dir/err"
	status=$?
	read -r wall u s rss <"$dir/time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
	lines=$(wc -l <"$dir/out")
	[ "$lines" -eq "$n" ] || echo "  (only $lines of $n answers, exit $status)"
}

hz=$(getconf CLK_TCK)
echo "cores: $(nproc); mock-llm and gen-answer share them"

# 1. No latency.
questions "$n_fast" "$dir/q.jsonl"
start_mock
t0=$(cpu_ticks "$mock")
run "$n_fast" 256 --no-cache
mcpu=$(( $(cpu_ticks "$mock") - t0 ))
stop_mock
awk -v n="$n_fast" -v w="$wall" -v c="$cpu" -v m="$mcpu" -v hz="$hz" 'BEGIN {
	printf "no latency, --parallel 256, --no-cache: %d calls in %.2f s = %.0f calls/s (goal >= 2000)\n", n, w, n / w
	printf "  gen-answer CPU: %.1f us/call; mock-llm CPU: %.1f us/call\n", c / n * 1e6, m / hz / n * 1e6
}'

# 2. 500 ms replies.
questions "$n_lat" "$dir/q.jsonl"
start_mock --latency-ms 500
run "$n_lat" 512 --no-cache
stop_mock
awk -v n="$n_lat" -v w="$wall" -v c="$cpu" 'BEGIN {
	r = n / w
	printf "500 ms replies, --parallel 512, --no-cache: %d calls in %.2f s = %.0f calls/s = %.1f%% of the ideal 1024 (goal >= 95%%)\n", n, w, r, r / 1024 * 100
	printf "  gen-answer CPU: %.1f us/call\n", c / n * 1e6
}'

# 3. Peak RSS for many questions, fresh cache directory.
questions "$n_rss" "$dir/q.jsonl"
size=$(stat -c %s "$dir/q.jsonl")
start_mock
run "$n_rss" 256 --cache "$dir/cache"
stop_mock
awk -v n="$n_rss" -v w="$wall" -v rss="$rss" -v size="$size" 'BEGIN {
	printf "%d questions, --parallel 256, fresh --cache: %.1f s (%.0f calls/s)\n", n, w, n / w
	printf "  peak RSS %.1f MB = input %.1f MB + %.1f MB (goal: input + <= 64 MB)\n", rss / 1024, size / 1048576, rss / 1024 - size / 1048576
}'
