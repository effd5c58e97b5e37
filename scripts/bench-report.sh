#!/bin/bash
# bench-report.sh: the HTML report of the published Korean board: the 55
# shipped ensemble files, the 51 upstream answer files of ../shared/data
# (texts for the question browser) and the questions, with
# show-result --format html --output-dir (goal: 3 s, index.html <= 1 MB).
# Prints the best wall time of REPEAT runs (default 3), its CPU time and
# peak RSS, and the sizes of index.html and of the browser's data files.
# Usage: scripts/bench-report.sh [REPEAT]
set -u
cd "$(dirname "$0")/.."
bin=${JUDGEPIPE_BIN:-$(pwd)/bin}/show-result
shared=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}/data
ko=$shared/ko-arena-hard-v0.1
judgments=data/ko-arena-hard-v0.1/model_judgment/ensemble
repeat=${1:-3}

if [ ! -x "$bin" ]; then
	echo "report: $bin not built (make bins)"
	exit 0
fi
if [ ! -d "$ko" ]; then
	echo "report: skipped, $ko absent"
	exit 0
fi
if [ ! -x /usr/bin/time ]; then
	echo "report: /usr/bin/time (GNU time) missing"
	exit 0
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/jp-bench-report.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "report: 55 models, 51 answer files, 500 questions, 1000 rounds;" \
    "threads ${JUDGEPIPE_THREADS:-$(nproc)}"
bw= bu= bs= br=
for i in $(seq 1 "$repeat"); do
	rm -rf "$out/r"
	r=$( { /usr/bin/time -f '%e %U %S %M' "$bin" -q \
	    --baseline claude-3.7-sonnet --format html --output-dir "$out/r" \
	    --answers "$ko/model_answer" --questions "$ko/question.jsonl" \
	    --judges gemini-2.0-flash-001,gpt-4o-mini \
	    "$judgments"/*.jsonl.zst > /dev/null; } 2>&1 | tail -n 1)
	read -r w u s m <<< "$r"
	if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'
	then
		bw=$w bu=$u bs=$s br=$m
	fi
done
kb() { du -k "$1" | awk '{ print $1 }'; }
printf '%-44s wall %5.2f s  cpu %5.2f s  peak RSS %6.1f MB\n' \
    "show-result --format html (goal 3 s)" "$bw" \
    "$(awk -v u="$bu" -v s="$bs" 'BEGIN { print u + s }')" \
    "$(awk -v k="$br" 'BEGIN { print k / 1024 }')"
printf '%-44s %6d KB (goal 1024 KB)\n' "index.html" \
    "$(( $(stat -c %s "$out/r/index.html") / 1024 ))"
printf '%-44s %6d KB in %d files (largest %d KB)\n' "browse/" \
    "$(kb "$out/r/browse")" "$(ls "$out/r/browse" | wc -l)" \
    "$(( $(ls -S "$out/r/browse"/* | head -n 1 | xargs stat -c %s) / 1024 ))"
