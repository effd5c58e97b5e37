# fds_test.sh: closed standard descriptors never receive a file, and a run
# whose output goes nowhere stops before its first request (exit 74).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1

start_mock
api_config api.yaml "$MOCK_URL" "parallel: 4"
first_questions 5 q.jsonl

# Standard output closed: the cache file would get descriptor 1 and the
# records with it.  Nothing is sent, nothing is cached, and it says why.
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >&- 2>err
check_eq "stdout closed: exit 74" 74 $?
check_eq "stdout closed: message" "gen-answer: standard output is closed" \
    "$(cat err)"
check_eq "stdout closed: no request" 0 "$(wc -l <"$MOCK_LOG")"
check "stdout closed: no cache written" test ! -s c/v1/cache.zst
"$GA" --annotate q.jsonl >&- 2>/dev/null
check_eq "stdout closed, --annotate: exit 74" 74 $?

# Standard error closed: the summary line must not land in the cache.
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out 2>&-
check_eq "stderr closed: exit 0" 0 $?
check_eq "stderr closed: 5 answers" 5 "$(wc -l <out)"
check "stderr closed: the cache is valid zstd" zstd -tq c/v1/cache.zst
check_eq "stderr closed: the cache holds only values" "" \
    "$(zstd -dc c/v1/cache.zst | grep -v '^{"v": 1, "key": ')"

# Standard input closed, questions from a file: still read from the file.
"$GA" -m mock --api-config api.yaml --cache c q.jsonl >out2 2>/dev/null <&-
check_eq "stdin closed: exit 0" 0 $?
check_files "stdin closed: the same answers" out out2
# ... and from standard input itself: an empty input.
"$GA" -m mock --api-config api.yaml --cache c >out3 2>/dev/null <&-
check_eq "stdin closed, no file: exit 0, no answers" "0 0" \
    "$? $(wc -l <out3 | tr -d ' ')"
check_eq "requests: the five questions once" 5 "$(wc -l <"$MOCK_LOG")"
done_testing
