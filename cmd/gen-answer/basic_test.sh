# basic_test.sh: gen-answer options, exit statuses, diagnostics, record shape.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1

"$GA" --help >help
check_eq "--help: exit 0" 0 $?
check "--help: usage on stdout" grep -q '^usage: gen-answer -m entry ' help
check_eq "--version" "gen-answer (judgepipe) 0.1.0" "$("$GA" --version)"
check "--help: every option" grep -q '^      --tokenizer file  ' help
# usage_test.sh checks the usage and the options against the manual.
check_exit "bad option: 64" 64 "$GA" --bogus 2>/dev/null
check_exit "no -m: 64" 64 "$GA" q.jsonl 2>/dev/null
check_exit "--num-choices 2: 64" 64 "$GA" -m x --num-choices 2 2>/dev/null
check_exit "--shard 3/2: 64" 64 "$GA" -m x --shard 3/2 2>/dev/null
check_exit "--parallel 0: 64" 64 "$GA" -m x --parallel 0 2>/dev/null
check_exit "--offline --no-cache: 64" 64 "$GA" -m x --offline --no-cache \
    2>/dev/null
check_eq "--temperature message" \
    "gen-answer: --temperature: invalid value 'hot' (want a number >= 0)" \
    "$("$GA" -m x --temperature hot 2>&1 | head -1)"

start_mock
api_config api.yaml "$MOCK_URL" "parallel: 4"
printf '%s\n' '{"question_id": "a", "turns": [{"content": "hello"}]}' >q1.jsonl

# Configuration errors are 78, before any request.
"$GA" -m nope --api-config api.yaml q1.jsonl 2>err
check_eq "missing entry: 78" 78 $?
check_eq "missing entry: message" "gen-answer: api.yaml: no entry 'nope'" \
    "$(cat err)"
cat >bad.yaml <<'YAML'
g:
    model_name: gemini-1.5-pro
    api_type: gemini
YAML
check_eq "unsupported api_type: message" \
    "gen-answer: bad.yaml:3: entry 'g': unsupported api_type 'gemini' (use openai for OpenAI-compatible endpoints)" \
    "$("$GA" -m g --api-config bad.yaml q1.jsonl 2>&1)"
check_exit "unsupported api_type: 78" 78 "$GA" -m g --api-config bad.yaml \
    q1.jsonl 2>/dev/null
api_config unset.yaml "$MOCK_URL" "api_key: \${JP_SURELY_UNSET}" >/dev/null
sed -i 's/^    api_key/          api_key/' unset.yaml
check_exit "unset \${VAR}: 78" 78 "$GA" -m mock --api-config unset.yaml \
    q1.jsonl 2>/dev/null
printf 'temperature: warm\n' >bench.yaml
check_exit "bad --bench-config: 78" 78 "$GA" -m mock --api-config api.yaml \
    --bench-config bench.yaml q1.jsonl 2>/dev/null
check_exit "missing input: 66" 66 "$GA" -m mock --api-config api.yaml \
    --cache c nonexistent.jsonl 2>/dev/null
check_exit "missing tokenizer: 66" 66 "$GA" -m mock --api-config api.yaml \
    --cache c --tokenizer nonexistent.tiktoken q1.jsonl 2>/dev/null
check_eq "no request so far" 0 "$(wc -l <"$MOCK_LOG")"

# Bad records are all reported with file:line before any request; then
# nothing is sent or written (65).
cat >mixed.jsonl <<'JSONL'
{"question_id": "q1", "category": "c", "turns": [{"content": "first"}]}
{"question_id": "q2", "turns": [{"content": "one"}, {"content": "two"}]}
not json
{"question_id": "q1", "turns": [{"content": "again"}]}
{"question_id": 3.5, "turns": [{"content": "x"}]}
{"question_id": "q4", "turns": [{"text": "x"}]}
{"uid": "v2id", "category": "hard_prompt", "prompt": "a v2 prompt"}
{"id": "x"}
JSONL
"$GA" -m mock --api-config api.yaml --cache c --failed failed.jsonl \
    mixed.jsonl >out 2>err
check_eq "bad records: exit 65" 65 $?
cat >err.want <<'ERR'
gen-answer: mixed.jsonl:3: invalid JSON: '[' or '{' expected near 'not'
gen-answer: mixed.jsonl:5: 'question_id' is not a string or an integer
gen-answer: mixed.jsonl:6: turns[0].content is not a string
gen-answer: mixed.jsonl:8: not a question record (needs question_id and turns, or uid and prompt)
gen-answer: mixed.jsonl:4: duplicate question_id 'q1'
gen-answer: no request sent: fix the input first
ERR
check_files "bad records: diagnostics" err.want err
check_eq "bad records: no request sent" 0 "$(wc -l <"$MOCK_LOG")"
check_eq "bad records: nothing written" "" "$(cat out)"
check "bad records: no --failed file" test ! -e failed.jsonl

# v2 questions and multi-turn questions are answered.
grep -n '' mixed.jsonl | grep '^[127]:' | cut -d: -f2- >good.jsonl
"$GA" -m mock --api-config api.yaml --cache c good.jsonl >out 2>err
check_eq "good records: exit 0" 0 $?
check_eq "good records: the summary only" \
    "gen-answer: 4 requests (0 cache hits, 0 failed), prompt_tokens 319, completion_tokens 926" \
    "$(cat err)"
check_eq "answers in input order" "q1 q2 v2id" "$(ids out | tr '\n' ' ' | sed 's/ $//')"
check "record shape" grep -q '^{"question_id": "q1", "answer_id": "[2-9A-HJ-NP-Za-km-z]\{22\}", "model_id": "mock", "choices": \[{"index": 0, "turns": \[{"content": "Mock answer from mock-model ([0-9a-f]\{8\})\.[^"]*"}\]}\], "tstamp": [0-9]*\.[0-9]*, "conv_metadata": {"token_len": [0-9]*, "header_count": {"h1": 0, "h2": [01], "h3": 0, "h4": 0, "h5": 0, "h6": 0}, "list_count": {"ordered": 0, "unordered": [03]}, "bold_count": {"\*\*": [01], "__": 0}}, "provenance": {"request": "[0-9a-f]\{16\}", "version": "[0-9.]*"}}$' out
check "multi-turn: two turns, no conv_metadata" \
    grep -q '^{"question_id": "q2", .*"turns": \[{"content": "Mock[^"]*"}, {"content": "Mock[^"]*"}\]}\], "tstamp": [0-9.]*, "provenance": {"request": "[0-9a-f]\{16\}", "version": "[0-9.]*"}}$' out
check_eq "multi-turn: one request per turn" 4 "$(wc -l <"$MOCK_LOG")"
# The request digest is the start of the request's cache key (its SHA-256).
check_eq "provenance: the request's cache key" \
    "$(zstd -dc c/v1/cache.zst | jq -r --arg t "$(head -n 1 out |
    jq -r '.choices[0].turns[0].content')" 'select(.text == $t) | .key' |
    cut -c1-16)" "$(head -n 1 out | jq -r .provenance.request)"

# A re-run is answered from the cache, byte for byte, with no request.
"$GA" -m mock --api-config api.yaml --cache c good.jsonl >out2 2>/dev/null
check_files "re-run from the cache: identical" out out2
check_eq "re-run from the cache: no request" 4 "$(wc -l <"$MOCK_LOG")"
"$GA" -q -m mock --api-config api.yaml --cache c mixed.jsonl >/dev/null 2>err
check_eq "-q: only errors" 6 "$(wc -l <err)"
"$GA" -m mock --api-config api.yaml --cache c --offline --ensure-ascii \
    good.jsonl >out3 2>/dev/null
check_eq "--ensure-ascii: ASCII only" "" "$(LC_ALL=C grep -n '[^ -~]' out3)"

# Changing a sampling parameter changes the request, hence the answer id.
"$GA" -m mock --api-config api.yaml --cache c q1.jsonl >t0 2>/dev/null
"$GA" -m mock --api-config api.yaml --cache c --temperature 0.5 q1.jsonl \
    >t1 2>/dev/null
check_eq "--temperature: a new request" 6 "$(wc -l <"$MOCK_LOG")"
check "--temperature: another answer_id" \
    test "$(cut -c1-80 t1)" != "$(cut -c1-80 t0)"
printf 'temperature: 0.5\nmax_tokens: 4096\nnum_choices: 1\n' >bench.yaml
"$GA" -m mock --api-config api.yaml --cache c --bench-config bench.yaml \
    q1.jsonl >t2 2>/dev/null
check_files "--bench-config temperature" t1 t2
"$GA" -m mock --api-config api.yaml --cache c --bench-config bench.yaml \
    --temperature 0 q1.jsonl >t3 2>/dev/null
check_files "command line beats --bench-config" t0 t3

# --max-tokens: short replies are cut, still answers, with a warning.
"$GA" -m mock --api-config api.yaml --cache c --max-tokens 3 q1.jsonl \
    >t4 2>err
check_eq "--max-tokens: exit 0" 0 $?
check "--max-tokens: warning" grep -q \
    "^gen-answer: warning: 1 answer reached max_tokens" err

# --shard K/N partitions the questions; the shards add up to the whole.
first_questions 40 q40.jsonl
"$GA" -m mock --api-config api.yaml --cache c q40.jsonl >all 2>/dev/null
for k in 1 2 3; do
	"$GA" -m mock --api-config api.yaml --cache c --shard $k/3 q40.jsonl \
	    >s$k 2>/dev/null
done
check_eq "--shard: the shards partition the questions" \
    "$(ids all | sort)" "$(cat s1 s2 s3 | ids /dev/stdin | sort)"
check "--shard: no shard is empty or everything" \
    test "$(wc -l <s1)" -gt 0 -a "$(wc -l <s1)" -lt 40
check_eq "--shard: SHA-256 of the id, big-endian, mod N" \
    "$(for id in $(ids all); do
	h=$(printf %s "$id" | sha256sum)
	# Unsigned 64-bit mod 3 from two 32-bit halves (2^32 = 1 mod 3).
	[ $(( (0x${h:0:8} + 0x${h:8:8}) % 3 )) -eq 0 ] && echo "$id"
       done | head -3)" "$(ids s1 | head -3)"

# Standard input, and "-".
check_files "stdin" all <("$GA" -m mock --api-config api.yaml --cache c \
    <q40.jsonl 2>/dev/null)
check_files "-" all <("$GA" -m mock --api-config api.yaml --cache c - \
    <q40.jsonl 2>/dev/null)
# A reader that goes away is no error: gen-answer dies of SIGPIPE, as cat
# does, silently.
# (The reader, true, is gone long before the answers are ready.)
"$GA" -m mock --api-config api.yaml --cache c q40.jsonl 2>err | true
check_eq "closed stdout: SIGPIPE" 141 "${PIPESTATUS[0]}"
check_eq "closed stdout: no message" "" "$(cat err)"
stop_mock
done_testing
