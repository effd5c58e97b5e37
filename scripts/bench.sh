#!/bin/bash
# bench.sh: run every scripts/bench-*.sh against the release build in bin/
# and print their figures.  Benchmarks measure; they never fail a build.
set -u
cd "$(dirname "$0")/.."
export JUDGEPIPE_TOP=$(pwd)
export JUDGEPIPE_BIN=$(pwd)/bin
export JUDGEPIPE_SHARED=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}
echo "judgepipe benchmarks on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for b in scripts/bench-*.sh; do
	[ -f "$b" ] || continue
	echo
	echo "== ${b#scripts/}"
	bash "$b" || echo "(benchmark $b exited $?)"
done
