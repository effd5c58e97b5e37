# shared_test.sh: two gen-judgment runs over the same answers with one
# cache pay for each judge call once (at most N + 2 x parallel requests)
# and write byte-identical judgments, equal to a cache-only re-run.
. "$(dirname "$0")/../../scripts/testlib.sh"
start_mock --judge-policy hash --latency-ms 5:40
cat >"$T/api.yaml" <<YAML
m1: {model_name: m1, endpoints: [{api_base: "$MOCK_URL"}], parallel: 8}
gpt-4-0314: {model_name: gpt-4-0314, endpoints: [{api_base: "$MOCK_URL"}], parallel: 8}
judge: {model_name: judge, endpoints: [{api_base: "$MOCK_URL"}], parallel: 8}
YAML
q=$T/q.jsonl
head -n 40 "$TOP/data/arena-hard-v0.1/question.jsonl" >"$q"
"$BIN/gen-answer" -q -m gpt-4-0314 --api-config "$T/api.yaml" \
    --cache "$T/c" "$q" >"$T/base.jsonl"
"$BIN/gen-answer" -q -m m1 --api-config "$T/api.yaml" --cache "$T/c" \
    "$q" >"$T/m1.jsonl"
before=$(wc -l <"$MOCK_LOG")

run() {
	"$BIN/gen-judgment" -q -c "$TOP/configs/en.yaml" --judge judge \
	    --api-config "$T/api.yaml" --cache "$T/c" --questions "$q" \
	    --baseline-answers "$T/base.jsonl" "$@" "$T/m1.jsonl"
}
run >"$T/a.out" 2>"$T/a.err" &
pa=$!
run >"$T/b.out" 2>"$T/b.err" &
pb=$!
wait $pa
check_eq "first run: exit 0" 0 $?
wait $pb
check_eq "second run: exit 0" 0 $?
check_eq "40 judgments each" "40 40" \
    "$(wc -l <"$T/a.out") $(wc -l <"$T/b.out")"
check_files "identical judgments" "$T/a.out" "$T/b.out"
n=$(($(wc -l <"$MOCK_LOG") - before))
echo "# two gen-judgment runs sent $n requests for 80 games"
check "at most N + 2 x parallel judge requests" test "$n" -ge 80 -a "$n" -le 96
run --offline >"$T/c.out" 2>/dev/null
check_eq "cache-only re-run: exit 0" 0 $?
check_files "cache-only re-run: identical" "$T/a.out" "$T/c.out"
done_testing
