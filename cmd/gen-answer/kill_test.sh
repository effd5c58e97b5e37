# kill_test.sh: kill -9 loses no paid work; a re-run repeats no finished call.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
have_shared || { skip "no shared data"; done_testing; }
cd "$T" || exit 1
first_questions 200 q.jsonl

# The reference: one uninterrupted run.  Every mock below listens on the
# same port, because the endpoint is part of the cache key.
MOCK_LOG=$T/ref.log start_mock
port=$MOCK_PORT
api_config api.yaml "$MOCK_URL" "parallel: 16"
"$GA" -m mock --api-config api.yaml --cache ref q.jsonl >ref.out 2>/dev/null
check_eq "reference run: exit 0" 0 $?
stop_mock
strip_tstamp <ref.out >ref.cmp

# Five kills at random moments.  The mock answers a random number of
# requests and exits (it finishes sending what it logged), so every call it
# logged as answered really reached gen-answer; after a random pause the
# process is killed with SIGKILL in the middle of its run, with requests in
# flight failing and waiting for their retries.
for round in 1 2 3 4 5; do
	n=$((RANDOM % 30 + 1))
	MOCK_LOG=$T/kill.log start_mock --port "$port" --max-requests "$n"
	"$GA" -m mock --api-config api.yaml --cache kc q.jsonl >out.$round \
	    2>err.$round &
	ga=$!
	wait "$MOCK_PID"
	sleep "0.$((RANDOM % 5 + 2))"
	kill -9 "$ga"
	wait "$ga" 2>/dev/null
	echo "# round $round: mock answered $n, gen-answer killed (exit $?)," \
	    "$(wc -l <out.$round) records written"
	check "round $round: written records are reference records" \
	    test -z "$(strip_tstamp <out.$round | grep -vxFf ref.cmp)"
done
# Two more kills at a random time while the mock is serving (replies take
# 50-150 ms), which may catch a write half done; calls in flight then are
# legitimately sent again, so their log is kept apart.
for round in 6 7; do
	MOCK_LOG=$T/chaos.log start_mock --port "$port" --latency-ms 50:150
	"$GA" -m mock --api-config api.yaml --cache kc q.jsonl >out.$round \
	    2>err.$round &
	ga=$!
	sleep "0.$((RANDOM % 3 + 1))"
	kill -9 "$ga"
	wait "$ga" 2>/dev/null
	st=$?
	stop_mock
	echo "# round $round: killed (exit $st), $(wc -l <out.$round) records"
done

MOCK_LOG=$T/kill.log start_mock --port "$port"
"$GA" -m mock --api-config api.yaml --cache kc q.jsonl >final.out 2>err
check_eq "re-run: exit 0" 0 $?
stop_mock
check_eq "same port throughout" "$port" "$MOCK_PORT"
check_files "re-run: the output of an uninterrupted run" ref.cmp \
    <(strip_tstamp <final.out)
check_eq "no answered call was sent twice" "" "$(ok_repeats kill.log)"
check_eq "every question answered once over all runs" 200 \
    "$(cat kill.log chaos.log 2>/dev/null | log_calls /dev/stdin |
    awk '$2 == 200 { print $1 }' | sort -u | wc -l)"
"$GA" -m mock --api-config api.yaml --cache kc --offline q.jsonl \
    >warm.out 2>/dev/null
check_files "a warm re-run is byte-identical" final.out warm.out
done_testing
