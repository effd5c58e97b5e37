# keys_test.sh: API keys reach the server and nothing else.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1
export JP_SECRET_KEY="sk-jp-$RANDOM$RANDOM-very-secret"
export JP_WRONG_KEY="sk-jp-$RANDOM$RANDOM-wrong-one"
keys_absent() {		# FILES...: none contains either key
	! cat "$@" | grep -aqF -e "$JP_SECRET_KEY" -e "$JP_WRONG_KEY"
}
printf '%s\n' '{"question_id": "a", "turns": [{"content": "hello"}]}' \
    '{"question_id": "b", "turns": [{"content": "world"}]}' >q.jsonl

MOCK_LOG=$T/mock.log
start_mock --require-key "$JP_SECRET_KEY"
api_config api.yaml "$MOCK_URL" >/dev/null
sed -i 's|^\(        - api_base: .*\)$|\1\n          api_key: ${JP_SECRET_KEY}|' \
    api.yaml
"$GA" -m mock --api-config api.yaml --cache c --failed f.jsonl q.jsonl \
    >out 2>err
check_eq "key from \${VAR}: exit 0" 0 $?
check_eq "key from \${VAR}: answers" 2 "$(wc -l <out)"
check "key from \${VAR}: sent" grep -q '"auth": "present", *"status"\|"status": 200.*"auth": "present"' "$MOCK_LOG"

# A wrong key: 401 is permanent (69), reported without the key.
sed 's/JP_SECRET_KEY/JP_WRONG_KEY/' api.yaml >wrong.yaml
"$GA" -m mock --api-config wrong.yaml --cache c2 --failed f2.jsonl q.jsonl \
    >out2 2>err2
check_eq "wrong key: exit 69" 69 $?
check "wrong key: reported" grep -q \
    "^gen-answer: question a: FAILED after 1 attempts: HTTP 401: " err2
check_eq "wrong key: failure records" 2 "$(wc -l <f2.jsonl)"

# The Anthropic API (x-api-key), api_key_env and OPENAI_API_KEY.
cat >more.yaml <<YAML
claude:
    model_name: claude-mock
    api_type: anthropic
    endpoints:
        - api_base: $MOCK_URL
          api_key: \${JP_SECRET_KEY}
byenv:
    endpoints:
        - api_base: $MOCK_URL
    api_key_env: JP_SECRET_KEY
byopenai:
    endpoints:
        - api_base: $MOCK_URL
YAML
"$GA" -m claude --api-config more.yaml --cache c q.jsonl >out3 2>err3
check_eq "anthropic: exit 0" 0 $?
check "anthropic: answered" grep -q '"content": "Mock answer from claude-mock' \
    out3
check "anthropic: Messages API" grep -q '"path": "/v1/messages"' "$MOCK_LOG"
"$GA" -m byenv --api-config more.yaml --cache c q.jsonl >out4 2>err4
check_eq "api_key_env: exit 0" 0 $?
OPENAI_API_KEY=$JP_SECRET_KEY "$GA" -m byopenai --api-config more.yaml \
    --cache c q.jsonl >out5 2>err5
check_eq "OPENAI_API_KEY: exit 0" 0 $?
# (Keys are not part of the cache key: without --no-cache this would be
# answered from the cache.)
JUDGEPIPE_API_CONFIG=more.yaml "$GA" -m byopenai --no-cache q.jsonl >out6 \
    2>err6
check_eq "no key: 401, exit 69" 69 $?
check_files "JUDGEPIPE_API_CONFIG names the file; no key" out6 /dev/null
stop_mock

check "the key is in no output, stderr or failure record" \
    keys_absent out* err* f.jsonl f2.jsonl
check "the key is in no cache file" keys_absent c/v1/cache.zst
check "the key is in no decompressed cache entry" \
    keys_absent <(zstd -dcq c/v1/cache.zst)
check "the key is in no mock log" keys_absent "$MOCK_LOG"
check "the cache has entries" test "$(zstd -dcq c/v1/cache.zst | wc -l)" -ge 6
done_testing
