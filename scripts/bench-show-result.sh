#!/bin/bash
# bench-show-result.sh: time show-result --control all on the 51 Korean
# models of ../shared/data (expected/ko51), answers included, with the
# reference's work (--bootstrap battle --num-rounds 100; the reference needs
# 411 s) and with the defaults (question bootstrap, 1000 rounds).  Prints
# the wall time and peak RSS of the best of REPEAT runs (default 3) and the
# threads used.  Usage: scripts/bench-show-result.sh [REPEAT]
set -u
cd "$(dirname "$0")/.."
bin=${JUDGEPIPE_BIN:-$(pwd)/bin}/show-result
shared=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}/data
ko=$shared/ko-arena-hard-v0.1
repeat=${1:-3}

if [ ! -x "$bin" ]; then
	echo "show-result: $bin not built (make bins)"
	exit 0
fi
if [ ! -d "$ko" ]; then
	echo "show-result: skipped, $ko absent"
	exit 0
fi
mapfile -t files < <(sed "s|^|$ko/model_judgment/ensemble/|" \
    "$ko/expected/ko51/file_order.txt")
echo "show-result: 51 models, answers read, --control all;" \
    "threads ${JUDGEPIPE_THREADS:-$(nproc)}"

# best NAME ARGS...: the best wall time of $repeat runs, with its peak RSS.
best() {
	local name=$1 i out w r bw= br=
	shift
	for i in $(seq 1 "$repeat"); do
		out=$( { /usr/bin/time -f '%e %M' "$bin" -q --baseline \
		    claude-3.7-sonnet --answers "$ko/model_answer" \
		    --control all "$@" "${files[@]}" > /dev/null; } 2>&1 |
		    tail -n 1)
		read -r w r <<< "$out"
		if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" \
		    'BEGIN { exit !(a < b) }'; then
			bw=$w
			br=$r
		fi
	done
	printf '%-44s wall %5.2f s  peak RSS %6.1f MB\n' "$name" "$bw" \
	    "$(awk -v k="$br" 'BEGIN { print k / 1024 }')"
}

if [ -x /usr/bin/time ]; then
	best "--bootstrap battle --num-rounds 100 (goal 1 s)" \
	    --bootstrap battle --num-rounds 100
	best "defaults: question, 1000 rounds (goal 5 s)"
	best "--reference-compat (numpy stream)" --reference-compat
else
	echo "show-result: /usr/bin/time (GNU time) missing"
fi
