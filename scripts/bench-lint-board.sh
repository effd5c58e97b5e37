#!/bin/bash
# bench-lint-board.sh: time lint-board on the Korean board the project ships
# (55 ensemble judgment files, the answer metadata of 51 models, the
# question set, the judge config) against the fork's published 2025-03-28
# boards in ../shared/data: every record check and the no-control board
# recomputed with the reference's settings.  Goal: 2 s.  Also the 51 models
# with their full answers (98 MB of text: fingerprints for the twin check)
# and all four boards recomputed.  Prints the best wall time of REPEAT runs
# (default 3) and its peak RSS.  Usage: scripts/bench-lint-board.sh [REPEAT]
set -u
cd "$(dirname "$0")/.."
bin=${JUDGEPIPE_BIN:-$(pwd)/bin}/lint-board
shared=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}/data
ko=$shared/ko-arena-hard-v0.1
d=data/ko-arena-hard-v0.1
repeat=${1:-3}

if [ ! -x "$bin" ]; then
	echo "lint-board: $bin not built (make bins)"
	exit 0
fi
if [ ! -d "$ko" ]; then
	echo "lint-board: skipped, $ko absent"
	exit 0
fi
if [ ! -x /usr/bin/time ]; then
	echo "lint-board: /usr/bin/time (GNU time) missing"
	exit 0
fi

# best NAME ARGS...: the best wall time of $repeat runs, with its peak RSS.
best() {
	local name=$1 i out w r bw= br=
	shift
	for i in $(seq 1 "$repeat"); do
		out=$( { /usr/bin/time -f '%e %M' "$bin" "$@" >/dev/null; } \
		    2>&1 | tail -n 1)
		read -r w r <<< "$out"
		if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" \
		    'BEGIN { exit !(a < b) }'; then
			bw=$w
			br=$r
		fi
	done
	printf '%-52s wall %5.2f s  peak RSS %6.1f MB\n' "$name" "$bw" \
	    "$(awk -v k="$br" 'BEGIN { print k / 1024 }')"
}

best "shipped Korean data, published 20250328 (goal 2 s)" \
    -c configs/ko.yaml --questions $d/question.jsonl \
    --answers $d/answer_metadata --published "$ko/published/20250328_ensemble" \
    $d/model_judgment/ensemble
mapfile -t files < <(sed "s|^|$ko/model_judgment/ensemble/|" \
    "$ko/expected/ko51/file_order.txt")
best "51 models, full answers, four boards recomputed" \
    -c configs/ko.yaml --questions $d/question.jsonl \
    --answers "$ko/model_answer" --published "$ko/expected/ko51" "${files[@]}"
