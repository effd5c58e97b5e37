#!/bin/bash
# ratelimit_test.sh: mock-llm's --rpm and --tpm: 429 with Retry-After past
# a limit over the sliding minute, the limits' headers on every API reply.
. "$(dirname "$0")/../../scripts/testlib.sh"

command -v curl >/dev/null || { skip "curl not installed"; exit 77; }

OA='{"model": "m", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 100}'
post() {	# post PATH BODY -> prints the status; headers in $T/hdr
	curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' \
	    "http://127.0.0.1:$MOCK_PORT$1" -d "$2"
}
hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip"; }

MOCK_LOG=$T/rpm.log
start_mock --rpm 3
check_eq "--rpm 3: three answered" "200 200 200" "$(post /v1/chat/completions "$OA") $(post /v1/chat/completions "$OA") $(post /v1/chat/completions "$OA")"
check_eq "the headers of the third" "3 0" \
    "$(hdr x-ratelimit-limit-requests) $(hdr x-ratelimit-remaining-requests)"
check "reset: a duration" sh -c "tr -d '\r' <'$T/hdr' | grep -Eqi '^x-ratelimit-reset-requests: (59\.[0-9]+s|1m0s)$'"
check "no tokens headers without --tpm" sh -c "! grep -qi '^x-ratelimit-limit-tokens' '$T/hdr'"
check_eq "the fourth: 429" 429 "$(post /v1/chat/completions "$OA")"
check "429: Retry-After in whole seconds" sh -c "tr -d '\r' <'$T/hdr' | grep -Eqi '^retry-after: (59|60)$'"
check "429: retry-after-ms" sh -c "tr -d '\r' <'$T/hdr' | grep -Eqi '^retry-after-ms: 5[0-9]{4}$'"
check "429: OpenAI's error" grep -q '"message": "rate limit reached: 3 requests per minute".*"code": "rate_limit_exceeded"' "$T/body"
check_eq "429 on the Anthropic route" 429 "$(post /v1/messages "$OA")"
check "Anthropic's headers" sh -c "tr -d '\r' <'$T/hdr' | grep -Eqi '^anthropic-ratelimit-requests-reset: 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'"
check_eq "Anthropic's limit and remaining" "3 0" \
    "$(hdr anthropic-ratelimit-requests-limit) $(hdr anthropic-ratelimit-requests-remaining)"
check "Anthropic's error" grep -q '"type": "rate_limit_error"' "$T/body"
check_eq "health checks are not limited" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MOCK_PORT/health")"
stop_mock
check_eq "logged: 429s with no fault" "200 200 200 429 429 200" \
    "$(jq -r .status "$MOCK_LOG" | xargs)"
check_eq "logged: no usage for a 429" "null null" \
    "$(jq -r 'select(.status == 429) | .prompt_tokens' "$MOCK_LOG" | xargs)"

# --tpm: a reply larger than the limit gets in alone, the next waits.
MOCK_LOG=$T/tpm.log
start_mock --tpm 10
check_eq "--tpm 10: the first, alone" 200 "$(post /v1/chat/completions "$OA")"
check_eq "the remaining tokens: none" "10 0" \
    "$(hdr x-ratelimit-limit-tokens) $(hdr x-ratelimit-remaining-tokens)"
check_eq "--tpm 10: the second, 429" 429 "$(post /v1/chat/completions "$OA")"
check "429: names the tokens" grep -q "rate limit reached: 10 tokens per minute" "$T/body"
stop_mock
check_bad() { check_exit "$1" 64 "$BIN/mock-llm" "${@:2}"; }
check_bad "--rpm 0: usage error" --rpm 0
check_bad "--tpm x: usage error" --tpm x
done_testing
