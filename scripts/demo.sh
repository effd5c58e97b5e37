#!/bin/sh
# demo.sh: the main job on a fresh machine, without API keys.  Installs what
# is missing, builds, runs the whole Korean pipeline against mock-llm as a
# dry run, then prints the published Korean leaderboard (20250328, two-judge
# ensemble) recomputed from the ensemble judgments shipped in data/.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
make -s bins
echo "== dry run: the Korean pipeline against mock-llm (runs-dry/ko)"
scripts/dry-run.sh ko runs-dry
echo
echo "== the published Korean board (no control), from shipped judgments"
bin/show-result --baseline claude-3.7-sonnet \
	--answers data/ko-arena-hard-v0.1/answer_metadata \
	data/ko-arena-hard-v0.1/model_judgment/ensemble/*.jsonl.zst
