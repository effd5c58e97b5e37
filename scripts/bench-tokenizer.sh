#!/bin/bash
# bench-tokenizer.sh: tokenizer MB/s over the Korean answers (release build,
# goal >= 10 MB/s) and the full conv_metadata check over
# ../shared/data (51 Korean, 2 Chinese, 3 English answer files).
#
# Builds build/rel/libjudgepipe.a and build/rel/bench/bench-tokenizer from
# scripts/bench-tokenizer.c.  Exits 1 when a stored value other than the one
# documented row is not reproduced; prints "skipped" without the data.
# Usage: scripts/bench-tokenizer.sh [-v]   (-v lists every mismatch)
set -eu
cd "$(dirname "$0")/.."
data=${JUDGEPIPE_SHARED:-$(cd .. && pwd)/shared}/data
if [ ! -d "$data" ]; then
	echo "bench-tokenizer: skipped ($data absent)"
	exit 0
fi
make --no-print-directory -s build/rel/libjudgepipe.a
pkgs="libcurl libzstd jansson yaml-0.1 libpcre2-8 libcrypto"
mkdir -p build/rel/bench
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-Wno-unused-parameter -Icommon $(pkg-config --cflags $pkgs) \
	-o build/rel/bench/bench-tokenizer scripts/bench-tokenizer.c \
	build/rel/libjudgepipe.a $(pkg-config --libs $pkgs) -lm
q=-q
[ "${1:-}" = -v ] && q=
exec build/rel/bench/bench-tokenizer $q "$data"
