#!/bin/bash
# basic_test.sh: mock-llm end to end with curl: health, both API shapes,
# 404, stream, keys, the log, the port file and the ways it exits.
. "$(dirname "$0")/../../scripts/testlib.sh"

command -v curl >/dev/null || { skip "curl not installed"; exit 77; }
have_jq() { command -v jq >/dev/null; }
jqe() { jq -e "$@" >/dev/null; }

start_mock --seed 7
U=http://127.0.0.1:$MOCK_PORT
check "port file holds a port" test "$MOCK_PORT" -gt 0
check "listening announced" grep -q "^mock-llm: listening on 127.0.0.1:$MOCK_PORT\$" "$T/mock.stderr"

check_eq "health" "ok" "$(curl -s "$U/health")"
check_eq "health status" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$U/health")"

OA='{"model": "gpt-x", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello there"}], "temperature": 0, "max_tokens": 4096}'
curl -s -D "$T/h1" -o "$T/o1" "$U/v1/chat/completions" \
	-H 'Content-Type: application/json' -d "$OA"
check "openai 200" grep -q '^HTTP/1.1 200' "$T/h1"
check "openai content-type" grep -qi '^content-type: application/json' "$T/h1"
if have_jq; then
	check_eq "openai keys" '["id","object","created","model","choices","usage"]' \
		"$(jq -c keys_unsorted "$T/o1")"
	check_eq "openai choice" '["index","message","finish_reason"]' \
		"$(jq -c '.choices[0] | keys_unsorted' "$T/o1")"
	check_eq "openai message role" assistant "$(jq -r '.choices[0].message.role' "$T/o1")"
	check_eq "openai usage keys" '["prompt_tokens","completion_tokens","total_tokens"]' \
		"$(jq -c '.usage | keys_unsorted' "$T/o1")"
	check "openai id" jqe '.id | test("^mock-[0-9a-f]{16}$")' "$T/o1"
	check "openai object" jqe '.object == "chat.completion" and .model == "gpt-x"' "$T/o1"
	check "openai finish stop" jqe '.choices[0].finish_reason == "stop"' "$T/o1"
	check "openai answer text" jqe '.choices[0].message.content | startswith("Mock answer from gpt-x (")' "$T/o1"
	# "Be brief." 9 bytes -> 3 tokens, "Hello there" 11 -> 3.
	check "openai prompt tokens" jqe '.usage.prompt_tokens == 6' "$T/o1"
	check "openai completion tokens" jqe \
		'.usage.completion_tokens == ((.choices[0].message.content | utf8bytelength) + 3) / 4 - (((.choices[0].message.content | utf8bytelength) + 3) % 4) / 4 and .usage.total_tokens == .usage.prompt_tokens + .usage.completion_tokens' "$T/o1"
else
	check "openai shape (grep)" grep -q '"object": "chat.completion"' "$T/o1"
fi
# Same request again: same reply; another path: /chat/completions.
curl -s -o "$T/o2" "$U/chat/completions" -d "$OA"
if have_jq; then
	check_eq "deterministic reply" "$(jq -c 'del(.created)' "$T/o1")" "$(jq -c 'del(.created)' "$T/o2")"
else
	check "deterministic reply" grep -q "$(grep -o 'mock-[0-9a-f]*' "$T/o1")" "$T/o2"
fi

AN='{"model": "claude-x", "max_tokens": 1024, "system": "Be brief.", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello "}, {"type": "text", "text": "there"}]}]}'
curl -s -D "$T/h3" -o "$T/o3" "$U/v1/messages" -H 'anthropic-version: 2023-06-01' -d "$AN"
check "anthropic 200" grep -q '^HTTP/1.1 200' "$T/h3"
if have_jq; then
	check_eq "anthropic keys" '["id","type","role","model","content","stop_reason","usage"]' \
		"$(jq -c keys_unsorted "$T/o3")"
	check "anthropic id" jqe '.id | test("^msg_mock[0-9a-f]{16}$")' "$T/o3"
	check "anthropic fields" jqe '.type == "message" and .role == "assistant" and .model == "claude-x" and .stop_reason == "end_turn"' "$T/o3"
	check "anthropic content" jqe '.content[0].type == "text" and (.content[0].text | startswith("Mock answer from claude-x ("))' "$T/o3"
	check_eq "anthropic usage keys" '["input_tokens","output_tokens"]' "$(jq -c '.usage | keys_unsorted' "$T/o3")"
	check "anthropic input tokens" jqe '.usage.input_tokens == 6' "$T/o3"
else
	check "anthropic shape (grep)" grep -q '"type": "message"' "$T/o3"
fi

# max_tokens cuts the reply.
curl -s -o "$T/o4" "$U/v1/chat/completions" \
	-d '{"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 3}'
if have_jq; then
	check "finish length" jqe '.choices[0].finish_reason == "length" and (.choices[0].message.content | utf8bytelength) <= 12 and .usage.completion_tokens == 3' "$T/o4"
else
	check "finish length" grep -q '"finish_reason": "length"' "$T/o4"
fi

# Judge-style request.
JP='<|User Prompt|>\nQ\n\n<|The Start of Assistant A'"'"'s Answer|>\nshort\n<|The End of Assistant A'"'"'s Answer|>\n\n<|The Start of Assistant B'"'"'s Answer|>\na much longer answer\n<|The End of Assistant B'"'"'s Answer|>'
curl -s -o "$T/o5" "$U/v1/chat/completions" \
	-d "{\"model\": \"judge\", \"messages\": [{\"role\": \"user\", \"content\": \"$JP\"}]}"
check "judge reply" grep -q 'Assistant A: 5 characters; Assistant B: 20 characters.\\n\\nMy final verdict is: \[\[B>>A\]\]' "$T/o5"

# Errors in each API's shape.
check_eq "404" 404 "$(curl -s -o "$T/e1" -w '%{http_code}' "$U/v2/nothing")"
check "404 body" grep -q '"error": {"message": ' "$T/e1"
check_eq "stream openai 400" 400 "$(curl -s -o "$T/e2" -w '%{http_code}' "$U/v1/chat/completions" \
	-d '{"model": "m", "stream": true, "messages": [{"role": "user", "content": "x"}]}')"
check "stream openai body" grep -q '"type": "invalid_request_error"' "$T/e2"
check_eq "stream anthropic 400" 400 "$(curl -s -o "$T/e3" -w '%{http_code}' "$U/v1/messages" \
	-d '{"model": "m", "max_tokens": 5, "stream": true, "messages": [{"role": "user", "content": "x"}]}')"
check "anthropic error shape" grep -q '^{"type": "error", "error": {"type": "invalid_request_error", "message": ' "$T/e3"
check_eq "bad json 400" 400 "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/chat/completions" -d '{nope')"
check_eq "wrong method 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/chat/completions")"
check_eq "chunked 411" 411 "$(printf '%s' "$OA" | curl -s -o /dev/null -w '%{http_code}' \
	-H 'Transfer-Encoding: chunked' --data-binary @- "$U/v1/chat/completions")"

# Keep-alive: several requests on one connection; pipelining by hand.
check_eq "keep-alive reuse" "200 200 200" "$(curl -s -o /dev/null -o /dev/null -o /dev/null \
	-w '%{http_code} ' "$U/health" "$U/health" "$U/health" | sed 's/ $//')"
exec 3<>"/dev/tcp/127.0.0.1/$MOCK_PORT"
printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%sGET /health HTTP/1.1\r\nConnection: close\r\n\r\n' \
	"${#OA}" "$OA" >&3
timeout 10 cat <&3 >"$T/pipe"
exec 3<&-
check_eq "pipelined in order" "200 200 200" "$(grep -ao 'HTTP/1.1 [0-9]*' "$T/pipe" | cut -d' ' -f2 | xargs)"
check "pipelined body" grep -aq '"Mock answer from gpt-x (' "$T/pipe"

# The log: one line per request, every field, never a header value.
sleep 0.2
if have_jq; then
	check_eq "log keys" '["seq","ts","method","path","api","model","kind","hash","arrival","fault","status","verdict","latency_ms","prompt_tokens","completion_tokens","auth"]' \
		"$(head -1 "$MOCK_LOG" | jq -c keys_unsorted)"
	check_eq "log health line" '"GET /health null 200 absent"' \
		"$(head -1 "$MOCK_LOG" | jq -c '"\(.method) \(.path) \(.api) \(.status) \(.auth)"')"
	check_eq "log arrivals of a repeated request" "0 1" \
		"$(jq -r 'select(.model == "gpt-x" and .status == 200) | .arrival' "$MOCK_LOG" | head -2 | xargs)"
	check "log hash" jqe -s '[.[] | select(.api == "openai" and .status == 200)] | all(.hash | test("^[0-9a-f]{64}$"))' "$MOCK_LOG"
	check "log kinds" jqe -s '[.[] | select(.model == "judge")][0] | .kind == "judge" and .verdict == "B>>A"' "$MOCK_LOG"
	check "log anthropic" jqe -s '[.[] | select(.api == "anthropic" and .status == 200)][0] | .model == "claude-x" and .kind == "answer" and .fault == null'  "$MOCK_LOG"
	check "log seq" jqe -s '[.[].seq] == [range(0; length)]' "$MOCK_LOG"
else
	check "log fields (grep)" grep -q '"auth": "absent"}$' "$MOCK_LOG"
fi
n=$(wc -l <"$MOCK_LOG")
check_eq "log line count" 19 "$n"
stop_mock
check "no stray lines after stop" test "$(wc -l <"$MOCK_LOG")" -eq "$n"

# --require-key: 401 in both shapes, the key itself never logged.
MOCK_LOG=$T/key.log
start_mock --require-key s3cret-key
U=http://127.0.0.1:$MOCK_PORT
check_eq "openai no key 401" 401 "$(curl -s -o "$T/k1" -w '%{http_code}' "$U/v1/chat/completions" -d "$OA")"
check "openai 401 shape" grep -q '^{"error": {"message": .*"code": "invalid_api_key"}}$' "$T/k1"
check_eq "openai wrong key 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$U/v1/chat/completions" -d "$OA")"
check_eq "openai key 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-key' "$U/v1/chat/completions" -d "$OA")"
check_eq "anthropic no key 401" 401 "$(curl -s -o "$T/k2" -w '%{http_code}' "$U/v1/messages" -d "$AN")"
check "anthropic 401 shape" grep -q '"type": "authentication_error"' "$T/k2"
check_eq "anthropic bearer is not x-api-key" 401 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret-key' "$U/v1/messages" -d "$AN")"
check_eq "anthropic key 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-api-key: s3cret-key' "$U/v1/messages" -d "$AN")"
check_eq "health needs no key" ok "$(curl -s "$U/health")"
sleep 0.2
check "key never logged" bash -c "! grep -q s3cret '$MOCK_LOG'"
check_eq "auth present/absent" "absent present present absent absent present absent" \
	"$(sed 's/.*"auth": "\([a-z]*\)".*/\1/' "$MOCK_LOG" | xargs)"

# SIGTERM: exit 0.
kill -TERM "$MOCK_PID"
wait "$MOCK_PID"
check_eq "SIGTERM exits 0" 0 $?
MOCK_LOG=$T/int.log
start_mock
kill -INT "$MOCK_PID"
wait "$MOCK_PID"
check_eq "SIGINT exits 0" 0 $?

# --max-requests: exits 0 after answering N requests.
MOCK_LOG=$T/max.log
start_mock --max-requests 3
U=http://127.0.0.1:$MOCK_PORT
curl -s -o /dev/null "$U/health"
curl -s -o /dev/null "$U/v1/chat/completions" -d "$OA"
check_eq "third request answered" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$U/v1/messages" -d "$AN")"
for i in $(seq 1 50); do kill -0 "$MOCK_PID" 2>/dev/null || break; sleep 0.1; done
wait "$MOCK_PID"
check_eq "max-requests exits 0" 0 $?
check_eq "max-requests log lines" 3 "$(wc -l <"$MOCK_LOG")"
check "port file written atomically" bash -c "! ls '$T' | grep -q '\\.tmp\\.'"

# --idle-exit.
MOCK_LOG=$T/idle.log
start_mock --idle-exit 0.5
sleep 0.2
curl -s -o /dev/null "http://127.0.0.1:$MOCK_PORT/health"
for i in $(seq 1 50); do kill -0 "$MOCK_PID" 2>/dev/null || break; sleep 0.1; done
wait "$MOCK_PID"
check_eq "idle-exit exits 0" 0 $?

# ::1 when the host has IPv6 loopback.
if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
	MOCK_LOG=$T/v6.log
	start_mock --bind ::1
	check_eq "ipv6 health" ok "$(curl -s "http://[::1]:$MOCK_PORT/health")"
	stop_mock
else
	skip "no IPv6 loopback"
fi
check "no sanitizer report" bash -c "! grep -q 'Sanitizer\\|runtime error' '$T/mock.stderr' 2>/dev/null"
done_testing
