# basic_test.sh: gen-judgment on a small fixture against mock-llm: exact
# judgments, a warm cache sends nothing, --offline.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --cache "$T/cache" "$D/answers.jsonl" \
    >"$T/out" 2>"$T/err"
check_eq "exit 0" 0 $?
check_files "judgments byte-exact" "$D/judgments.expected" "$T/out"
# One request per distinct game: every first reply carries a label, and
# the baseline judged against itself (the last answer) makes two games of
# one prompt, sent once; the other game waits for its answer.
check_eq "one request per distinct game" 15 "$(log_lines "$MOCK_LOG")"
check_eq "summary" "gen-judgment: 16 requests (1 cache hits, 0 failed), prompt_tokens 10300, completion_tokens 456" \
    "$(cat "$T/err")"

# The same run again: every call is a cache hit, the mock sees nothing.
judge --api-config "$T/api.yaml" --cache "$T/cache" "$D/answers.jsonl" \
    >"$T/out2" 2>"$T/err2"
check_eq "rerun: exit 0" 0 $?
check_files "rerun: identical output" "$D/judgments.expected" "$T/out2"
check_eq "rerun: no request" 15 "$(log_lines "$MOCK_LOG")"
check "rerun: all cache hits" grep -q "(16 cache hits, 0 failed)" "$T/err2"

# Answers on standard input, --offline: the cache alone suffices.
stop_mock
judge --api-config "$T/api.yaml" --cache "$T/cache" --offline -q \
    <"$D/answers.jsonl" >"$T/out3" 2>"$T/err3"
check_eq "offline: exit 0" 0 $?
check_files "offline: identical output" "$D/judgments.expected" "$T/out3"
check_eq "-q: nothing on stderr" "" "$(cat "$T/err3")"

# --offline with an empty cache: every call fails, nothing is written.
judge --api-config "$T/api.yaml" --cache "$T/empty" --offline \
    --failed "$T/failed" "$D/answers.jsonl" >"$T/out4" 2>"$T/err4"
check_eq "offline miss: exit 69" 69 $?
check_eq "offline miss: no output" 0 "$(wc -c <"$T/out4" | tr -d ' ')"
check_eq "offline miss: 16 failure records" 16 "$(wc -l <"$T/failed")"
check "offline miss: failure record" grep -qx '{"question_id": "q1", "model": "m1", "judge": "mock-judge", "game": 1, "error": "not in the cache (--offline)", "attempts": 0, "status": 0}' "$T/failed"
check "offline miss: diagnostic" grep -qx "gen-judgment: question q1 (model m1, game 1): FAILED after 0 attempts: not in the cache (--offline)" "$T/err4"

# --ensure-ascii writes Python's default json.dumps.
judge --api-config "$T/api.yaml" --cache "$T/cache" --offline -q \
    --ensure-ascii "$D/answers.jsonl" >"$T/ascii"
check "ensure-ascii: ASCII only" sh -c "! LC_ALL=C grep -q '[^ -~]' '$T/ascii'"
check "ensure-ascii: escapes" grep -q '\\ud30c\\uc774\\uc36c' "$T/ascii"

# --shard K/N: the shards partition the output, in input order.
for k in 1 2 3; do
	judge --api-config "$T/api.yaml" --cache "$T/cache" --offline -q \
	    --shard $k/3 "$D/answers.jsonl" >"$T/shard$k"
done
check_eq "shards: lines" 8 "$(cat "$T"/shard? | wc -l | tr -d ' ')"
check_eq "shards: same records" "$(sort "$D/judgments.expected")" \
    "$(cat "$T"/shard? | sort)"
done_testing
