# signal_test.sh: SIGINT/SIGTERM stop new requests, keep what was done.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
have_shared || { skip "no shared data"; done_testing; }
cd "$T" || exit 1
first_questions 100 q.jsonl
start_mock --latency-ms 100:300
api_config api.yaml "$MOCK_URL" "parallel: 8"

for sig in TERM INT; do
	want=143
	[ $sig = INT ] && want=130
	"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out.$sig \
	    2>err.$sig &
	ga=$!
	sleep 1
	kill -$sig $ga
	wait $ga
	check_eq "SIG$sig: exit $want" $want $?
	n=$(wc -l <out.$sig)
	check "SIG$sig: some records written, not all" \
	    test "$n" -gt 0 -a "$n" -lt 100
	check "SIG$sig: every record complete" \
	    test "$(tail -c 1 out.$sig | od -An -c | tr -d ' ')" = '\n'
	check "SIG$sig: the answers so far are in the cache" \
	    test "$(zstd -dcq c/v1/cache.zst | wc -l)" -ge "$n"
done
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >all 2>/dev/null
check_eq "re-run: exit 0" 0 $?
check_eq "re-run: 100 answers" 100 "$(wc -l <all)"
check_eq "re-run: the interrupted runs' records are among its records" "" \
    "$(cat out.TERM out.INT | grep -vxFf all)"
check_eq "re-run: the requests in flight were finished, not sent again" "" \
    "$(ok_repeats "$MOCK_LOG")"

# A second signal aborts the requests in flight at once.
"$GA" -m mock --api-config api.yaml --no-cache q.jsonl >out 2>err &
ga=$!
sleep 1
kill -TERM $ga
kill -TERM $ga
wait $ga
check_eq "second SIGTERM: exit 143" 143 $?
check "interrupt message" grep -qx "gen-answer: interrupted: finishing \
the requests in flight (interrupt again to abort them)" err
stop_mock
done_testing
