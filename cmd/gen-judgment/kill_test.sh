# kill_test.sh: gen-judgment killed with SIGKILL mid-run, then run again,
# gives the same judgments, and pays only for the calls it had not cached.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock --latency-ms 100:300
PARALLEL=2 mock_api "$T/api.yaml"
"$GJ" "${JARGS[@]}" --api-config "$T/api.yaml" --cache "$T/cache" -q \
    "$D/answers.jsonl" >"$T/partial" 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
	[ "$(log_lines "$MOCK_LOG")" -ge 6 ] && break
	sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
first=$(log_lines "$MOCK_LOG")
check "killed mid-run ($first of 16 requests)" test "$first" -lt 16

judge --api-config "$T/api.yaml" --cache "$T/cache" -q "$D/answers.jsonl" \
    >"$T/out"
check_eq "rerun: exit 0" 0 $?
check_files "rerun: same judgments as an uninterrupted run" \
    "$D/judgments.expected" "$T/out"
# Replies lost with the process (at most the 2 in flight) are asked again.
total=$(log_lines "$MOCK_LOG")
check "rerun: only uncached calls sent ($total requests in all)" \
    test "$total" -le 18

# SIGTERM: stop, keep what is done, exit 143.
MOCK_LOG=$T/mock2.log
stop_mock
start_mock --latency-ms 200:400
PARALLEL=1 mock_api "$T/api.yaml"
"$GJ" "${JARGS[@]}" --api-config "$T/api.yaml" --cache "$T/cache2" -q \
    "$D/answers.jsonl" >"$T/term" 2>"$T/term.err" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(log_lines "$MOCK_LOG")" -ge 3 ] && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
check_eq "SIGTERM: exit 143" 143 $?
check "SIGTERM: output is a prefix of the full run" \
    sh -c "head -n \$(wc -l <'$T/term') '$D/judgments.expected' | cmp -s - '$T/term'"
check "SIGTERM: says it drains" grep -q \
    '^gen-judgment: interrupted: finishing the requests in flight' "$T/term.err"

# A second signal aborts the calls in flight.
"$GJ" "${JARGS[@]}" --api-config "$T/api.yaml" --cache "$T/cache3" -q \
    "$D/answers.jsonl" >"$T/term2" 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
	[ "$(log_lines "$MOCK_LOG")" -ge 1 ] && break
	sleep 0.05
done
kill -TERM "$pid"
sleep 0.05
kill -TERM "$pid"
wait "$pid"
check_eq "two SIGTERMs: exit 143" 143 $?
check "two SIGTERMs: output is a prefix of the full run" \
    sh -c "head -n \$(wc -l <'$T/term2') '$D/judgments.expected' | cmp -s - '$T/term2'"
done_testing
