# ratelimit_test.sh: gen-answer keeps to the rate limits mock-llm's reply
# headers announce (--rpm, --tpm; OpenAI's and Anthropic's headers) with
# nothing in the API config: counted in the mock's log, no 429.  Unpaced,
# each run would send everything within half a second; the bounds below are
# what the pace allows in the busiest second, whatever the machine's load.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1
command -v jq >/dev/null || { skip "jq not installed"; exit 77; }

# most W: the most answered requests (or, with T, tokens) in any W seconds
# of the log.
most() {
	jq -r 'select(.status == 200) |
	    "\(.ts) \(.prompt_tokens + .completion_tokens)"' "$MOCK_LOG" |
	awk -v w="$1" -v tok="${2:-}" '
	{ t[NR] = $1; n[NR] = tok ? $2 : 1 }
	END {
		m = 0; j = 1; s = 0
		for (i = 1; i <= NR; i++) {
			s += n[i]
			while (t[j] <= t[i] - w) s -= n[j++]
			if (s > m) m = s
		}
		print m
	}'
}
statuses() { jq -r .status "$MOCK_LOG" | sort | uniq -c | xargs; }

# 1,200 requests a minute: 8 in flight before the first reply tells, then
# a bucket of 20 less those 7, then 19.7 a second: at most 41 in a second.
first_questions 90 q.jsonl
MOCK_LOG=$T/rpm.log
start_mock --rpm 1200
api_config api.yaml "$MOCK_URL" "parallel: 8"
"$GA" -m mock --api-config api.yaml --cache c1 q.jsonl >out 2>err
check_eq "rpm: exit 0" 0 $?
check_eq "rpm: 90 answers" 90 "$(wc -l <out)"
check_eq "rpm: no 429" "90 200" "$(statuses)"
m=$(most 1)
echo "# rpm 1200: at most $m requests in a second"
check "rpm: at most 50 requests in any second ($m)" test "$m" -le 50
stop_mock

# 60,000 tokens a minute, some 300 a call, 4 in flight before the first
# reply: at most 4 calls, a bucket of 1,000 and 983 a second in a second.
first_questions 20 q20.jsonl
MOCK_LOG=$T/tpm.log
start_mock --tpm 60000
api_config api.yaml "$MOCK_URL" "parallel: 4"
"$GA" -m mock --api-config api.yaml --cache c2 q20.jsonl >out 2>err
check_eq "tpm: exit 0" 0 $?
check_eq "tpm: no 429" "20 200" "$(statuses)"
m=$(most 1 tok)
total=$(most 1000 tok)
echo "# tpm 60000: at most $m tokens in a second, $total in all"
check "tpm: at most 4,000 tokens in any second ($m of $total)" \
    test "$m" -le 4000 -a "$total" -ge 5000
stop_mock

# Anthropic's headers (the reset an RFC 3339 time): 600 a minute, a bucket
# of 10, 9.8 a second.
first_questions 40 q40.jsonl
MOCK_LOG=$T/anthropic.log
start_mock --rpm 600
cat >claude.yaml <<YAML
claude:
    model_name: claude-mock
    api_type: anthropic
    endpoints:
        - api_base: http://127.0.0.1:$MOCK_PORT
    parallel: 8
YAML
"$GA" -m claude --api-config claude.yaml --cache c3 q40.jsonl >out 2>err
check_eq "anthropic: exit 0" 0 $?
check_eq "anthropic: no 429" "40 200" "$(statuses)"
m=$(most 1)
echo "# anthropic rpm 600: at most $m requests in a second"
check "anthropic: at most 28 requests in any second ($m)" test "$m" -le 28
done_testing
