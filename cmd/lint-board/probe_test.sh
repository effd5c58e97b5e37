#!/bin/bash
# probe_test.sh: --probe asks every endpoint of the API config for one token:
# refused, 401 and 404 are inaccessible, 5xx and a timeout unresponsive; an
# entry whose key variable is unset cannot be used; keys are never printed.
. "$(dirname "$0")/../../scripts/testlib.sh"
LB=$BIN/lint-board

MOCK_LOG=$T/ok.log start_mock
ok_port=$MOCK_PORT
MOCK_LOG=$T/key.log start_mock --require-key the-right-key-4711
key_port=$MOCK_PORT
MOCK_LOG=$T/fail.log start_mock --fault 500=1
fail_port=$MOCK_PORT
MOCK_LOG=$T/slow.log start_mock --fault slow=1 --slow-ms 4000
slow_port=$MOCK_PORT

entry() {	# name api_base [key]
	printf '%s:\n  model_name: mock-%s\n  endpoints:\n' "$1" "$1"
	printf '    - api_base: %s\n' "$2"
	[ -n "${3:-}" ] && printf '      api_key: %s\n' "$3"
	printf '  api_type: openai\n'
}
{
	entry up "http://127.0.0.1:$ok_port/v1"
	entry keyed "http://127.0.0.1:$key_port/v1" the-right-key-4711
} >"$T/good.yaml"
{
	cat "$T/good.yaml"
	entry nokey "http://127.0.0.1:$key_port/v1"
	entry wrongkey "http://127.0.0.1:$key_port/v1" wrong-secret-8812
	entry notfound "http://127.0.0.1:$ok_port/nothing-here"
	entry refused "http://127.0.0.1:1/v1"
	entry failing "http://127.0.0.1:$fail_port/v1"
	entry slow "http://127.0.0.1:$slow_port/v1"
	entry unset "http://127.0.0.1:$ok_port/v1" '${JP_TEST_UNSET_KEY}'
} >"$T/api.yaml"
unset JP_TEST_UNSET_KEY

"$LB" --probe --api-config "$T/good.yaml" >"$T/out" 2>"$T/err"
check_eq "endpoints that answer: exit 0" 0 $?
check_eq "  no finding" "" "$(cat "$T/out" "$T/err")"
check_eq "  one request each" "1 1" "$(wc -l <"$T/ok.log" | tr -d ' ') \
$(wc -l <"$T/key.log" | tr -d ' ')"

start=$(date +%s)
"$LB" --probe --probe-timeout 1 --api-config "$T/api.yaml" >"$T/out" \
    2>"$T/err"
rc=$?
secs=$(( $(date +%s) - start ))
check_eq "broken endpoints: exit 1" 1 "$rc"
smell() { jq -r --arg e "endpoint:$1" 'select(.entity == $e) |
    "\(.smell) \(.severity)"' "$T/out"; }
check_eq "a 401 without a key is inaccessible" "inaccessible error" \
    "$(smell 'nokey#1')"
check_eq "a 401 with a wrong key is inaccessible" "inaccessible error" \
    "$(smell 'wrongkey#1')"
check_eq "a 404 is inaccessible" "inaccessible error" "$(smell 'notfound#1')"
check_eq "a refused connection is inaccessible" "inaccessible error" \
    "$(smell 'refused#1')"
check_eq "a 500 is unresponsive" "unresponsive error" "$(smell 'failing#1')"
check_eq "a timeout is unresponsive" "unresponsive error" "$(smell 'slow#1')"
check_eq "an unset key variable: the entry cannot be used" \
    "inaccessible error" "$(smell 'unset')"
check_eq "the endpoints that answer stay silent" "" "$(smell 'up#1')$(smell \
'keyed#1')"
check "the messages name the endpoint and the status" grep -qE \
    '"endpoint 1 of entry .nokey. \(http://127.0.0.1:[0-9]+/v1, model .mock-nokey.\) cannot be reached after [0-9.]+ s: HTTP 401' \
    "$T/out"
check "no key in any output" bash -c '! grep -q -e the-right-key-4711 \
    -e wrong-secret-8812 "$1" "$2"' _ "$T/out" "$T/err"
check "the timeout is honoured: done within 8 s" test "$secs" -le 8
# Standard output closed: the findings would go nowhere; nothing is sent.
before=$(cat "$T"/*.log | wc -l)
"$LB" --probe --api-config "$T/api.yaml" >&- 2>"$T/closed.err"
check_eq "stdout closed: exit 74" 74 $?
check_eq "  the message" "lint-board: standard output is closed" \
    "$(cat "$T/closed.err")"
check_eq "  no request sent" "$before" "$(cat "$T"/*.log | wc -l)"
"$LB" --probe --format text --api-config "$T/api.yaml" \
    --probe-timeout 1 >"$T/text" 2>&1
check "text: one line per finding and the count" grep -qx \
    "7 errors, 0 warnings" "$T/text"
done_testing
