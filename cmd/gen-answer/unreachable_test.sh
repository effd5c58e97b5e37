# unreachable_test.sh: a dead endpoint fails the run at once, in one line
# (exit 75), and failures of one kind are printed once, then counted.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1
cp "$KO_Q" q.jsonl
n=$(wc -l <q.jsonl)

# A port nobody listens on: the mock's, once it is gone.
start_mock
live=$MOCK_URL
MOCK_LOG=$T/dead.log start_mock
dead=$MOCK_URL
stop_mock

api_config api.yaml "$dead" "parallel: 16"
start=$(date +%s.%N)
timeout 120 "$GA" -m mock --api-config api.yaml --cache c --failed f.jsonl \
    q.jsonl >out 2>err
st=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
echo "# $n questions on a dead endpoint: exit $st after $secs s"
check_eq "dead endpoint: exit 75" 75 "$st"
host=${dead#http://}
host=${host%/v1}
check_eq "dead endpoint: one line, then the summary" \
    "gen-answer: endpoint unreachable: $host: Failed to connect" \
    "$(head -1 err | sed 's| to 127.0.0.1 port .*||')"
check "dead endpoint: every call not made" \
    grep -q "; $n calls not made\$" err
check_eq "dead endpoint: two lines" 2 "$(wc -l <err)"
check_eq "dead endpoint: no answer, no failure record" "0 0" \
    "$(wc -l <out | tr -d ' ') $(wc -l <f.jsonl | tr -d ' ')"

# A dead endpoint beside a live one: the calls move to the live one.
{
	echo "mock:"
	echo "    model_name: mock-model"
	echo "    endpoints:"
	echo "        - api_base: $dead"
	echo "        - api_base: $live"
	echo "    parallel: 16"
} >two.yaml
head -40 q.jsonl >q40.jsonl
"$GA" -m mock --api-config two.yaml --cache c q40.jsonl >out 2>err
check_eq "one dead endpoint of two: exit 0" 0 $?
check_eq "one dead endpoint of two: 40 answers" 40 "$(wc -l <out)"
check_eq "one dead endpoint of two: only the summary" 1 "$(wc -l <err)"

# Failures of one kind: the first is printed, the rest counted; each is
# in the --failed file.
MOCK_LOG=$T/key.log start_mock --require-key sk-right
api_config key.yaml "$MOCK_URL" "parallel: 8"
"$GA" -m mock --api-config key.yaml --no-cache --failed f.jsonl q40.jsonl \
    >out 2>err
check_eq "40 x HTTP 401: exit 69" 69 $?
check_eq "40 x HTTP 401: three lines" 3 "$(wc -l <err)"
check "40 x HTTP 401: the first in full" grep -q \
    '^gen-answer: question [0-9a-f]*: FAILED after 1 attempts: HTTP 401' err
check "40 x HTTP 401: the others counted" grep -q \
    '^gen-answer: and 39 more calls FAILED after 1 attempts: HTTP 401' err
check_eq "40 x HTTP 401: 40 failure records" 40 "$(wc -l <f.jsonl)"
done_testing
