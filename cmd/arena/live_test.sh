#!/bin/bash
# live_test.sh: own questions answered live through the LLM client
# (mock-llm): keys stay on the server, the cache is used, limits hold.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_mock --require-key sk-live-secret-123
mkdir -p "$T/cache"
live_config() {	# live_config URL: three entries, the key from the env
	cat <<YAML
zeta-live-one:
    model_name: m-one
    endpoints:
        - api_base: $1
          api_key: \${ARENA_TEST_KEY}
    api_type: openai
    max_retries: 1
zeta-live-two:
    model_name: m-two
    endpoints:
        - api_base: $1
          api_key: \${ARENA_TEST_KEY}
    api_type: openai
    max_retries: 1
zeta-live-three:
    model_name: m-three
    endpoints:
        - api_base: $1
          api_key: \${ARENA_TEST_KEY}
    api_type: anthropic
    max_retries: 1
YAML
}
live_config "$MOCK_URL" >"$T/api.yaml"
printf 'voter-one-aaaaaaaa\nvoter-two-bbbbbbbb\n' >"$T/tokens"
export ARENA_TEST_KEY=sk-live-secret-123
start_arena --api-config "$T/api.yaml" --models zeta-live-one,zeta-live-two,zeta-live-three \
	--votes "$T/votes.jsonl" --cache "$T/cache" --tokens "$T/tokens" \
	--live-per-voter 2 --max-live-calls 6
V1=(-H 'Authorization: Bearer voter-one-aaaaaaaa')
V2=(-H 'Authorization: Bearer voter-two-bbbbbbbb')

check_eq "info: live on, offline off" true "$(curl -s "${V1[@]}" "$URL/api/info" | jq '.live and (.offline | not)')"
check_eq "an offline battle is refused without answers" 400 "$(api POST /api/battle '' "${V1[@]}")"
check_eq "an empty question -> 400" 400 "$(api POST /api/battle '{"question": "  \n"}' "${V1[@]}")"
check_eq "own question: 200" 200 "$(api POST /api/battle '{"question": "What is <b>2+2</b>?"}' "${V1[@]}")"
cp "$T/body" "$T/own1"
check "own battle: the question comes back" jq -e '.question == "What is <b>2+2</b>?"' "$T/own1"
check "own battle: two live answers" bash -c \
	'jq -e "(.a|startswith(\"Mock answer from m-\")) and (.b|startswith(\"Mock answer from m-\")) and .a != .b" "$1" >/dev/null' _ "$T/own1"
check "own battle: no entry name" no_names "$T/own1"
check "own battle: no key" bash -c '! grep -q sk-live "$1"' _ "$T/own1"
check_eq "two calls reached the API, with the key" 2 "$(jq -r .auth "$MOCK_LOG" | grep -c present)"
id=$(jq -r .battle "$T/own1")
check_eq "vote on the own battle" 200 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"b\"}" "${V1[@]}")"
check "the names are entry names" jq -e '(.model_a|startswith("zeta-live-")) and (.model_b|startswith("zeta-live-"))' "$T/body"
check "the log keeps the question and both answers" jq -e \
	'.question == "What is <b>2+2</b>?" and (.conversation_a|length == 2) and .conversation_a[0].role == "user" and (.conversation_b[1].content|startswith("Mock answer")) and (.question_id|test("^[0-9a-f]{32}$")) and (.conv_metadata|has("sum_assistant_b_tokens"))' \
	"$T/votes.jsonl"
check "no key in the log" bash -c '! grep -q sk-live "$1"' _ "$T/votes.jsonl"

# The same question again is answered from the cache (no new request).
n=$(wc -l <"$MOCK_LOG")
check_eq "same question again (second of voter one)" 200 "$(api POST /api/battle '{"question": "What is <b>2+2</b>?"}' "${V1[@]}")"
# Cached only if the same two models were drawn; at most two new calls.
check "at most two new calls" test "$(( $(wc -l <"$MOCK_LOG") - n ))" -le 2
check_eq "per-voter limit -> 429" 429 "$(api POST /api/battle '{"question": "third"}' "${V1[@]}")"
check "429 is a JSON error" jq -e .error "$T/body"
check_eq "another voter may ask" 200 "$(api POST /api/battle '{"question": "from voter two"}' "${V2[@]}")"
check_eq "--max-live-calls reached -> 429" 429 "$(api POST /api/battle '{"question": "again"}' "${V2[@]}")"
check_eq "question over 16 KB -> 400" 400 "$(api POST /api/battle "{\"question\": \"$(head -c 17000 /dev/zero | tr '\0' x)\"}" "${V2[@]}")"
stop_arena

# A failing API: the voter gets 502 without the model's name or the reason.
stop_mock
MOCK_LOG=$T/mock2.log start_mock --fault 500=1.0
live_config "$MOCK_URL" >"$T/api2.yaml"
start_arena --api-config "$T/api2.yaml" --models zeta-live-one,zeta-live-two \
	--votes "$T/votes2.jsonl" --no-cache
check_eq "failing models -> 502" 502 "$(api POST /api/battle '{"question": "hello"}' --max-time 60)"
check "502: no model name" no_names "$T/body"
check "the server log says why" grep -q "own question: model 'zeta-live-" "$T/arena.stderr"
check "nothing logged" test ! -s "$T/votes2.jsonl"
stop_arena
check_exit "--api-config with one model -> 64" 64 "$BIN/arena" --api-config "$T/api.yaml" \
	--models zeta-live-one --votes "$T/v" 2>/dev/null
check_exit "an unknown entry -> 78" 78 "$BIN/arena" --api-config "$T/api.yaml" \
	--models zeta-live-one,nobody --votes "$T/v" 2>/dev/null
done_testing
