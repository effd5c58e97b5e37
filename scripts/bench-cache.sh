#!/bin/bash
# bench-cache.sh: fill a cache with 110,000 judge-reply-sized values, then
# time the scan at open and 110,000 gets (scripts/bench-cache.c).  Runs
# twice: long replies (1.5-3 KB texts) and short ones (values of some 420
# bytes, where per-entry frames barely compress), and prints the file's
# bytes against the values' bytes before and after the compaction that
# cache_close runs.
# Usage: scripts/bench-cache.sh [N]   (default 110000, or $BENCH_CACHE_N)
set -eu
cd "$(dirname "$0")/.."
n=${1:-${BENCH_CACHE_N:-110000}}
pkgs="libcurl libzstd jansson yaml-0.1 libpcre2-8 libcrypto"

make --no-print-directory build/rel/libjudgepipe.a >/dev/null
mkdir -p build/bench
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Icommon \
	$(pkg-config --cflags $pkgs) -o build/bench/bench-cache \
	scripts/bench-cache.c build/rel/libjudgepipe.a \
	$(pkg-config --libs $pkgs) -lm

dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-cache.XXXXXX")
trap 'rm -rf "$dir"' EXIT

for kind in long short; do
	echo "== $kind replies, $n values"
	rm -rf "$dir/c"
	fill=$(build/bench/bench-cache fill "$dir/c" "$n" \
		$([ "$kind" = short ] && echo short))
	raw=$(echo "$fill" | awk '$1 == "raw_bytes" { print $2 }')
	single=$(echo "$fill" | awk '$1 == "single_bytes" { print $2 }')
	file=$(stat -c %s "$dir/c/v1/cache.zst")
	echo "$fill" | grep -v '^raw_bytes\|^single_bytes'
	build/bench/bench-cache read "$dir/c" "$n"
	build/bench/bench-cache read "$dir/c" "$n" sequential |
		grep '^get'
	echo "raw_value_bytes $raw"
	awk -v r="$raw" -v s="$single" -v f="$file" 'BEGIN {
		printf "file_bytes before compaction %d (%.1f%% of values)\n",
		    s, 100 * s / r
		printf "file_bytes after compaction  %d (%.1f%% of values)\n",
		    f, 100 * f / r }'
	if command -v zstd >/dev/null 2>&1; then
		# The file is plain zstd: the CLI must print the same bytes.
		dc=$(zstd -dcq "$dir/c/v1/cache.zst" | wc -c)
		echo "zstd_dc_bytes $dc$([ "$dc" = "$raw" ] &&
			echo " (matches)" || echo " (MISMATCH)")"
	fi
done
