# lib.sh: shared set-up of the gen-judgment end-to-end cases (source it after
# scripts/testlib.sh).  D is the fixture folder, GJ the command under test.
D=$TOP/testdata/gen-judgment
GJ=$BIN/gen-judgment

# mock_api FILE: an API config whose entry "mock-judge" is the running mock.
mock_api() {
	printf 'mock-judge:\n  model_name: mock-judge\n  endpoints:\n' >"$1"
	printf '    - api_base: %s\n  parallel: %s\n' "$MOCK_URL" \
	    "${PARALLEL:-4}" >>"$1"
	printf '  timeout_s: 20\n' >>"$1"
}

# judge ARGS...: gen-judgment on the fixture with the Korean judge config.
# (Background runs use "$GJ" "${JARGS[@]}" so that $! is gen-judgment.)
JARGS=(-c "$TOP/configs/ko.yaml" --judge mock-judge
    --questions "$D/questions.jsonl" --baseline-answers "$D/baseline.jsonl")
judge() { "$GJ" "${JARGS[@]}" "$@"; }

# log_lines FILE: requests the mock served (0 for a missing log).
log_lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# games FILE: one game per line, for grep.
games() { sed 's/}, {"user_prompt"/}\n{"user_prompt"/g' "$1"; }
