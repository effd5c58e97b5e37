# lib.sh: helpers for cmd/gen-answer/*_test.sh (source after testlib.sh).
GA=$BIN/gen-answer
GA_DATA=$TOP/testdata/gen-answer
KO_Q=$TOP/data/ko-arena-hard-v0.1/question.jsonl	# shipped: no ../shared needed

# api_config FILE URL [YAML LINES...]: one entry "mock" on URL.
api_config() {
	local f=$1 url=$2 l
	shift 2
	{
		echo "mock:"
		echo "    model_name: mock-model"
		echo "    endpoints:"
		echo "        - api_base: $url"
		echo "    api_type: openai"
		for l in "$@"; do echo "    $l"; done
	} >"$f"
}

# first_questions N OUT: the first N Korean questions (CRLF kept).
first_questions() {
	head -n "$1" "$KO_Q" >"$2"
}

# strip_tstamp: answers without their response times, for comparing runs
# that made their own requests.
strip_tstamp() {
	sed 's/, "tstamp": [0-9.e+-]*//'
}

# log_calls LOG: "hash status fault" per logged API request.
log_calls() {
	sed -n 's/.*"hash": "\([0-9a-f]*\)".*"fault": \([a-z0-9"]*\), "status": \([0-9]*\).*/\1 \3 \2/p' "$1"
}

# ok_repeats LOG: hashes answered 200 (without a fault) more than once.
ok_repeats() {
	log_calls "$1" | awk '$2 == 200 && $3 == "null" { print $1 }' |
	    sort | uniq -d
}

# ids FILE: the question ids of answer records, in order.
ids() {
	sed 's/^{"question_id": "\([^"]*\)".*/\1/' "$1"
}
