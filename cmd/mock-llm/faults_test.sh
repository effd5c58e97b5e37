#!/bin/bash
# faults_test.sh: mock-llm's injected faults, delays and concurrency, seen
# by curl and counted in the log.
. "$(dirname "$0")/../../scripts/testlib.sh"

command -v curl >/dev/null || { skip "curl not installed"; exit 77; }

OA='{"model": "m", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 100}'
JP='<|User Prompt|>\nQ\n\n<|The Start of Assistant A'"'"'s Answer|>\nabc\n<|The End of Assistant A'"'"'s Answer|>\n\n<|The Start of Assistant B'"'"'s Answer|>\nabc\n<|The End of Assistant B'"'"'s Answer|>'
JUDGE="{\"model\": \"j\", \"messages\": [{\"role\": \"user\", \"content\": \"$JP\"}]}"
post() {	# post PATH BODY [curl args...] -> prints the status
	local p=$1 b=$2
	shift 2
	curl -s -o "$T/body" -w '%{http_code}' "$@" "http://127.0.0.1:$MOCK_PORT$p" -d "$b"
}
# field NAME: that field of every log line, space-separated.
field() { sed "s/.*\"$1\": \\(\"[^\"]*\"\\|[^,}]*\\).*/\\1/" "$MOCK_LOG" | tr -d '"' | xargs; }

# --fail-first N: the first N arrivals of each distinct request fail.
MOCK_LOG=$T/ff.log
start_mock --fail-first 2
check_eq "fail-first 1" 500 "$(post /v1/chat/completions "$OA")"
check "fail-first 500 body" grep -q '"type": "server_error"' "$T/body"
check_eq "fail-first 2" 500 "$(post /v1/chat/completions "$OA")"
check_eq "fail-first then success" 200 "$(post /v1/chat/completions "$OA")"
check_eq "other request fails first too" 500 "$(post /v1/messages "$OA")"
check "anthropic 500 shape" grep -q '"type": "api_error"' "$T/body"
stop_mock
check_eq "log arrivals" "0 1 2 0" "$(field arrival)"
check_eq "log faults" "500 500 null 500" "$(field fault)"
check_eq "log statuses" "500 500 200 500" "$(field status)"

# 429 with Retry-After (and without, for --retry-after 0).
MOCK_LOG=$T/429.log
start_mock --fail-first 1=429 --retry-after 3
post /v1/chat/completions "$OA" -D "$T/hdr" >/dev/null
check "429 status" grep -q '^HTTP/1.1 429' "$T/hdr"
check "429 Retry-After" grep -qi '^retry-after: 3' "$T/hdr"
check "429 body" grep -q '"code": "rate_limit_exceeded"' "$T/body"
check_eq "429 then 200" 200 "$(post /v1/chat/completions "$OA")"
stop_mock
MOCK_LOG=$T/429b.log
start_mock --fault 429=1 --retry-after 0
post /v1/messages "$OA" -D "$T/hdr" >/dev/null
check "429 anthropic" grep -q '^HTTP/1.1 429' "$T/hdr"
check "no Retry-After with 0" bash -c "! grep -qi '^retry-after' '$T/hdr'"
check "anthropic 429 shape" grep -q '"type": "rate_limit_error"' "$T/body"
stop_mock

# reset and truncate are transport errors for curl.
MOCK_LOG=$T/reset.log
start_mock --fault reset=1
curl -s -o /dev/null "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" -d "$OA"
st=$?
check "reset is a curl error (exit $st)" test "$st" -eq 52 -o "$st" -eq 56
check_eq "health unaffected by faults" ok "$(curl -s "http://127.0.0.1:$MOCK_PORT/health")"
stop_mock
check_eq "reset logged" "reset null" "$(head -1 "$MOCK_LOG" | sed 's/.*"fault": "\([a-z]*\)", "status": \([a-z0-9]*\),.*/\1 \2/')"
MOCK_LOG=$T/trunc.log
start_mock --fault truncate=1
curl -s -o "$T/tb" "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" -d "$OA"
check_eq "truncate is curl error 18" 18 $?
check "truncated body received in part" test -s "$T/tb"
stop_mock
check_eq "truncate logged" "truncate 200" "$(field fault) $(field status)"

# 503.
MOCK_LOG=$T/503.log
start_mock --fault 503=1
check_eq "503" 503 "$(post /v1/chat/completions "$OA")"
stop_mock

# noverdict and conflict change judge replies only.
MOCK_LOG=$T/nv.log
start_mock --fault noverdict=1
post /v1/chat/completions "$JUDGE" >/dev/null
check "noverdict: no label" bash -c "! grep -q '\[\[' '$T/body'"
check "noverdict: judge reply" grep -q 'Mock judgment' "$T/body"
post /v1/chat/completions "$OA" >/dev/null
check "noverdict spares answers" grep -q 'Mock answer from m' "$T/body"
stop_mock
check_eq "noverdict logged" "noverdict null" "$(field fault)"
MOCK_LOG=$T/cf.log
start_mock --fault conflict=1
post /v1/chat/completions "$JUDGE" >/dev/null
check_eq "conflict: two labels" 2 "$(grep -o '\[\[[AB<>=]*\]\]' "$T/body" | sort -u | wc -l)"
stop_mock
MOCK_LOG=$T/ok.log
start_mock
post /v1/chat/completions "$JUDGE" >/dev/null
check "equal lengths tie" grep -q 'My final verdict is: \[\[A=B\]\]' "$T/body"
stop_mock
check_eq "verdict logged" "judge A=B" "$(field kind) $(field verdict)"

# Random faults are reproducible: same seed, same sequence.
for run in 1 2; do
	MOCK_LOG=$T/rand$run.log
	start_mock --seed 11 --fault 500=0.5
	: >"$T/seq$run"
	for i in $(seq 1 16); do
		post /v1/chat/completions "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"q$((i % 4))\"}]}" >>"$T/seq$run"
		echo >>"$T/seq$run"
	done
	stop_mock
done
check_files "fault draws reproducible" "$T/seq1" "$T/seq2"
check "fault draws mixed" bash -c "grep -q 500 '$T/seq1' && grep -q 200 '$T/seq1'"

# Delays are timers: slow, latency, and many connections waiting at once.
MOCK_LOG=$T/slow.log
start_mock --fault slow=1 --slow-ms 400
t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" -d "$OA")
check "slow delays ($t s)" awk "BEGIN { exit !($t >= 0.39) }"
stop_mock
check_eq "slow logged" "slow 200 400" "$(field fault) $(field status) $(field latency_ms)"
MOCK_LOG=$T/lat.log
start_mock --latency-ms 500
: >"$T/urls"
for i in $(seq 1 300); do
	echo "url = \"http://127.0.0.1:$MOCK_PORT/v1/chat/completions\"" >>"$T/urls"
	echo "output = \"/dev/null\"" >>"$T/urls"
done
start=$(date +%s%N)
curl -s --parallel --parallel-max 300 --parallel-immediate -w '%{http_code}\n' -d "$OA" -K "$T/urls" >"$T/par1" 2>/dev/null &
p1=$!
curl -s --parallel --parallel-max 300 --parallel-immediate -w '%{http_code}\n' -d "$OA" -K "$T/urls" >"$T/par2" 2>/dev/null &
p2=$!
wait $p1 $p2
el=$((($(date +%s%N) - start) / 1000000))
check_eq "600 concurrent requests answered" 600 "$(cat "$T/par1" "$T/par2" | grep -c '^200$')"
check "600 requests at 500 ms latency in parallel (${el} ms)" test "$el" -lt 6000
stop_mock
check_eq "latency logged" 500 "$(head -1 "$MOCK_LOG" | sed 's/.*"latency_ms": \([0-9]*\).*/\1/')"
check_eq "arrivals counted per distinct request" "0 599 600" \
	"$(field arrival | tr ' ' '\n' | sort -n | sed -n '1p;$p' | xargs) $(field arrival | tr ' ' '\n' | sort -u | wc -l)"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer\\|runtime error' '$T/mock.stderr' 2>/dev/null"
done_testing
