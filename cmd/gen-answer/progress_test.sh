#!/bin/bash
# progress_test.sh: a progress line on stderr when it is a terminal (done/
# total, rate, ETA, tokens), and none when it is not, or with -q.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
if ! command -v script >/dev/null; then
	skip "progress on a terminal (no script(1))"
	exit 0
fi
start_mock --latency-ms 20
api_config "$T/api.yaml" "$MOCK_URL" "parallel: 4"
head -n 30 "$KO_Q" >"$T/q.jsonl"
# script(1) gives gen-answer a terminal; the answers go to a file.
script -qec "$GA -m mock --api-config $T/api.yaml --no-cache $T/q.jsonl \
	>$T/out.jsonl" "$T/tty.log" >/dev/null 2>&1
check_eq "answers written under a terminal" 30 "$(wc -l <"$T/out.jsonl")"
check "progress shows done/total" grep -q '30/30' "$T/tty.log"
check "progress shows the rate and an ETA" grep -q '/s, ETA ' "$T/tty.log"
check "progress shows tokens" grep -qi 'tokens' "$T/tty.log"
"$GA" -m mock --api-config "$T/api.yaml" --no-cache "$T/q.jsonl" \
	>/dev/null 2>"$T/err"
check "no progress line when stderr is not a terminal" \
	bash -c '! grep -q "ETA" "$1"' _ "$T/err"
script -qec "$GA -q -m mock --api-config $T/api.yaml --no-cache $T/q.jsonl \
	>/dev/null" "$T/tty2.log" >/dev/null 2>&1
check "no progress line with -q" bash -c '! grep -q "ETA" "$1"' _ "$T/tty2.log"
done_testing
