# cache_test.sh: --offline, --no-cache and two processes sharing a cache.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
have_shared || { skip "no shared data"; done_testing; }
cd "$T" || exit 1
first_questions 100 q.jsonl
start_mock --latency-ms 1:10
api_config api.yaml "$MOCK_URL" "parallel: 8"

# A cold --offline run: every question is a permanent failure (69), and
# no connection is made.
"$GA" -m mock --api-config api.yaml --cache cold --offline \
    --failed failed.jsonl q.jsonl >out 2>err
check_eq "cold --offline: exit 69" 69 $?
check_eq "cold --offline: no output" 0 "$(wc -c <out)"
check_eq "cold --offline: no request" 0 "$(wc -l <"$MOCK_LOG")"
check "cold --offline: reported" grep -qx "gen-answer: question \
328c149ed45a41c0b9d6f14659e63599: FAILED after 0 attempts: not in the cache \
(--offline)" err
check_eq "cold --offline: failure records" 100 "$(wc -l <failed.jsonl)"
check_eq "cold --offline: failure record shape" \
    "{\"question_id\": \"328c149ed45a41c0b9d6f14659e63599\", \"model\": \
\"mock\", \"turn\": 1, \"error\": \"not in the cache (--offline)\", \
\"attempts\": 0, \"status\": null}" "$(head -1 failed.jsonl)"
check "cold --offline: no cache created" test ! -e cold

# Two processes share one cache over the same 100 questions: each call is
# paid for once (a claimed key is awaited, not asked again; at most the
# calls in flight of each process when their claims cross, N + 2 x
# parallel), and both write the same records, byte for byte (the first
# answer stored is the one both emit).
"$GA" -m mock --api-config api.yaml --cache shared q.jsonl >a.out 2>a.err &
pa=$!
"$GA" -m mock --api-config api.yaml --cache shared q.jsonl >b.out 2>b.err &
pb=$!
wait $pa
check_eq "shared cache: first process exit 0" 0 $?
wait $pb
check_eq "shared cache: second process exit 0" 0 $?
check_eq "shared cache: 100 answers each" "100 100" \
    "$(wc -l <a.out) $(wc -l <b.out)"
check_files "shared cache: identical outputs" a.out b.out
n=$(wc -l <"$MOCK_LOG")
echo "# two processes sent $n requests for 100 questions"
check "shared cache: at most N + 2 x parallel requests" \
    test "$n" -ge 100 -a "$n" -le 116
"$GA" -m mock --api-config api.yaml --cache shared --offline q.jsonl \
    >c.out 2>c.err
check_eq "shared cache: complete (--offline run exit 0)" 0 $?
check_files "shared cache: the same answers offline" a.out c.out

# A warm --offline run sends nothing and repeats the output byte for byte.
"$GA" -m mock --api-config api.yaml --cache warm q.jsonl >w1 2>/dev/null
n=$(wc -l <"$MOCK_LOG")
"$GA" -m mock --api-config api.yaml --cache warm --offline q.jsonl >w2 2>err
check_eq "warm --offline: exit 0" 0 $?
check_eq "warm --offline: mock log unchanged" "$n" "$(wc -l <"$MOCK_LOG")"
check_files "warm --offline: identical output" w1 w2
check_eq "warm --offline: summary" "gen-answer: 100 requests (100 cache \
hits, 0 failed), prompt_tokens $(sed -n 's/.*prompt_tokens \([0-9]*\),.*/\1/p' \
err), completion_tokens $(sed -n 's/.*completion_tokens \([0-9]*\)$/\1/p' err)" \
    "$(cat err)"
check "warm --offline: tokens of hits counted" \
    test "$(sed -n 's/.*prompt_tokens \([0-9]*\),.*/\1/p' err)" -gt 0
stop_mock
# With the mock gone, the warm cache still answers; so does the default
# cache directory ($XDG_CACHE_HOME/judgepipe).
check_exit "warm cache, no server: exit 0" 0 "$GA" -m mock \
    --api-config api.yaml --cache warm q.jsonl >/dev/null 2>&1
check "default cache directory is empty" test ! -e "$XDG_CACHE_HOME"

# --no-cache asks every time, and writes nothing.
MOCK_LOG=$T/nocache.log
start_mock
api_config api.yaml "$MOCK_URL" "parallel: 8"
first_questions 5 q5.jsonl
"$GA" -m mock --api-config api.yaml --no-cache q5.jsonl >/dev/null 2>&1
"$GA" -m mock --api-config api.yaml --no-cache q5.jsonl >/dev/null 2>&1
check_eq "--no-cache: asks every time" 10 "$(wc -l <"$MOCK_LOG")"
check "--no-cache: no cache written" test ! -e "$XDG_CACHE_HOME"
"$GA" -m mock --api-config api.yaml q5.jsonl >/dev/null 2>&1
check "default cache: \$XDG_CACHE_HOME/judgepipe" \
    test -s "$XDG_CACHE_HOME/judgepipe/v1/cache.zst"
JUDGEPIPE_CACHE=$T/envcache "$GA" -m mock --api-config api.yaml q5.jsonl \
    >/dev/null 2>&1
check "JUDGEPIPE_CACHE" test -s "$T/envcache/v1/cache.zst"

# A compaction killed half-way leaves cache.zst.tmp.PID; the next run that
# takes the lock removes the ones whose process is gone, though it appends
# too little to compact.
true &
dead=$!
wait "$dead"
: >"$T/envcache/v1/cache.zst.tmp.$dead"
first_questions 6 q6.jsonl
JUDGEPIPE_CACHE=$T/envcache "$GA" -m mock --api-config api.yaml q6.jsonl \
    >/dev/null 2>&1
check_eq "stale temporary file of a dead compaction: removed" "" \
    "$(ls "$T/envcache/v1" | grep tmp)"
stop_mock
done_testing
