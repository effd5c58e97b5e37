#!/bin/bash
# bench-config.sh: time and peak RSS of refusing YAML alias bombs (each
# level nine aliases of the previous one): nine levels in a 470-byte API
# config (some 4 x 10^8 nodes once expanded), seven in an unused key of a
# judge config.  Goal: exit 78 in under 0.1 s and 50 MB.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
BIN=${JUDGEPIPE_BIN:-$top/bin}
if [ ! -x "$BIN/gen-answer" ] || [ ! -x "$BIN/gen-judgment" ]; then
	echo "bench-config: build bin/gen-answer and bin/gen-judgment first" >&2
	exit 69
fi
if ! command -v /usr/bin/time >/dev/null 2>&1; then
	echo "bench-config: needs GNU time (/usr/bin/time)" >&2
	exit 69
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-config.XXXXXX")
trap 'rm -rf "$dir"' EXIT

bomb() {
	local i k s
	echo "${2:-}a0: &a0 [\"lol\"]"
	for i in $(seq 1 "$1"); do
		s=
		for k in 1 2 3 4 5 6 7 8 9; do s="$s${s:+, }*a$((i - 1))"; done
		echo "${2:-}a$i: &a$i [$s]"
	done
}
{ bomb 9; printf 'm:\n    model_name: x\n    extra_body: {x: *a9}\n'; } \
    >"$dir/api.yaml"
{ cat configs/ko.yaml; echo 'unused:'; bomb 7 '    '; } >"$dir/judge.yaml"
: >"$dir/q.jsonl"

# measure NAME FILE COMMAND...: exit status, wall seconds, peak RSS.
measure() {
	local name=$1 file=$2 st secs kb
	shift 2
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" >/dev/null 2>"$dir/err"
	st=$?
	read -r secs kb < <(tail -n 1 "$dir/time")
	printf '%-30s %5d bytes: exit %d in %.2f s, peak RSS %.1f MB\n' \
	    "$name" "$(wc -c <"$file")" "$st" "$secs" \
	    "$(echo "$kb / 1024" | bc -l)"
	sed 's/^/  /' "$dir/err"
}
measure "API config, 9 levels" "$dir/api.yaml" "$BIN/gen-answer" -m m \
    --api-config "$dir/api.yaml" "$dir/q.jsonl"
measure "judge config, 7 levels unused" "$dir/judge.yaml" \
    "$BIN/gen-judgment" -c \
    "$dir/judge.yaml" --questions "$dir/q.jsonl" --baseline-answers \
    "$dir/q.jsonl" "$dir/q.jsonl"
