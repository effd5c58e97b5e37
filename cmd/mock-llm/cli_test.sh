#!/bin/bash
# cli_test.sh: mock-llm's options, usage errors and refusal of
# non-loopback addresses.
. "$(dirname "$0")/../../scripts/testlib.sh"

M=$BIN/mock-llm

"$M" --help >"$T/help" 2>"$T/help.err"
check_eq "--help exits 0" 0 $?
check "--help prints usage on stdout" grep -q '^usage: mock-llm \[-hq\] \[--bind 127.0.0.1|::1\] \[--port N\]' "$T/help"
check "--help lists options" grep -q -- '--judge-policy' "$T/help"
check "--help quiet on stderr" test ! -s "$T/help.err"
check_eq "--version" "mock-llm (judgepipe) " "$("$M" --version | sed 's/[0-9][0-9.]*$//')"
check "--version number" bash -c "'$M' --version | grep -Eq '^mock-llm \(judgepipe\) [0-9]+\.[0-9]+\.[0-9]+$'"

# Usage errors: 64, a message naming the problem, the usage on stderr.
bad() {	# bad NAME ARGS...
	local name=$1 st
	shift
	timeout 10 "$M" --port 0 "$@" >"$T/out" 2>"$T/err"
	st=$?
	if [ "$st" -eq 64 ] && grep -q '^usage: mock-llm' "$T/err" &&
	    [ ! -s "$T/out" ]; then
		ok "$name"
	else
		notok "$name"
		echo "    exit $st"
		head -3 "$T/err"
	fi
}
bad "unknown option" --bogus
bad "operand" extra
bad "port not a number" --port abc
bad "port out of range" --port 70000
bad "negative seed" --seed -1
bad "fault kind" --fault teapot=0.5
bad "fault rate" --fault 500=2
bad "fault form" --fault 500
bad "fail-first" --fail-first x
bad "fail-first kind" --fail-first 3=nope
bad "latency order" --latency-ms 9:3
bad "latency form" --latency-ms fast
bad "judge policy" --judge-policy coin
bad "strength form" --strength model
bad "strength number" --strength m=strong
bad "verbosity negative" --verbosity m=-2
bad "max-requests zero" --max-requests 0
bad "idle-exit" --idle-exit soon
bad "retry-after" --retry-after -3
bad "position-bias" --position-bias lots
timeout 10 "$M" --port abc 2>"$T/err"
check "bad value quoted" grep -q "^mock-llm: --port: invalid value 'abc' (want an integer from 0 to 65535)\$" "$T/err"

# Only loopback addresses may be bound.
for a in 0.0.0.0 192.0.2.1 :: 10.0.0.1 example.com; do
	timeout 10 "$M" --bind "$a" --port 0 >/dev/null 2>"$T/err"
	st=$?
	if [ "$st" -eq 64 ] && grep -q "^mock-llm: refusing to bind '$a'" "$T/err"; then
		ok "non-loopback $a refused"
	else
		notok "non-loopback $a refused"
		echo "    exit $st"
		cat "$T/err"
	fi
done

# A rank file that cannot be read: 66.
timeout 10 "$M" --port 0 --tokenizer "$T/none.tiktoken" 2>"$T/err"
check_eq "unreadable --tokenizer exits 66" 66 $?

# A log that cannot be created: 73; a port in use: 69.
timeout 10 "$M" --port 0 --log "$T/no/such/dir/log" 2>"$T/err"
check_eq "unwritable log exits 73" 73 $?
check "unwritable log message" grep -q "^mock-llm: cannot open log '" "$T/err"
MOCK_LOG=$T/a.log
start_mock -q
check "-q: no announcement" test ! -s "$T/mock.stderr"
timeout 10 "$M" --port "$MOCK_PORT" 2>"$T/err"
check_eq "port in use exits 69" 69 $?
check "port in use message" grep -q "^mock-llm: cannot bind 127.0.0.1 port $MOCK_PORT" "$T/err"
stop_mock
# Standard error closed: the log must not get descriptor 2 and with it
# the "listening" line; every line of it is a request.
pf=$T/closed.port
"$M" --port 0 --port-file "$pf" --log "$T/closed.log" 2>&- &
mp=$!
for i in $(seq 1 200); do [ -s "$pf" ] && break; sleep 0.05; done
curl -s -o /dev/null "http://127.0.0.1:$(cat "$pf")/v1/chat/completions" \
    -d '{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
kill "$mp"
wait "$mp"
check_eq "stderr closed: exit 0" 0 $?
check_eq "stderr closed: the log holds the request only" 1 \
    "$(grep -c . "$T/closed.log")"
check_eq "stderr closed: the log is JSON" ok \
    "$(jq -e . "$T/closed.log" >/dev/null 2>&1 && echo ok)"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer\\|runtime error' '$T/mock.stderr' 2>/dev/null"
done_testing
