#!/bin/bash
# refresh_test.sh: scripts/refresh, the cron entry point: runs make eval
# under a lock, logs, and exits with a status a scheduler can act on.
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1
start_mock --judge-policy hash
entry() {	# name [extra yaml]
	printf '%s: {model_name: %s, endpoints: [{api_base: "%s"}], parallel: 16%s}\n' \
		"$1" "$1" "$MOCK_URL" "${2:-}"
}
{ entry claude-3.7-sonnet; entry m1; entry j1; entry j2; } >"$T/api.yaml"
head -n 5 data/ko-arena-hard-v0.1/question.jsonl >"$T/q.jsonl"
vars=(API_CONFIG="$T/api.yaml" JUDGES="j1 j2" CACHE="$T/cache" OUT="$T/runs"
	BIN="$BIN" QUESTIONS="$T/q.jsonl" GEN_FLAGS=-q)

scripts/refresh -l "$T/log" -L "$T/lock" ko MODELS=m1 "${vars[@]}"
check_eq "a complete refresh exits 0" 0 $?
check "the board is written" test -s "$T/runs/ko/no_control.csv"
check "the log records the run and its status" grep -q "refresh ko: exit 0" "$T/log"

flock "$T/lock" sleep 3 &
holder=$!
_jp_pids+=($holder)
sleep 0.3
scripts/refresh -l "$T/log" -L "$T/lock" ko MODELS=m1 "${vars[@]}"
check_eq "a second refresh while one runs exits 75 at once" 75 $?
check "and says so in the log" grep -q "another run holds" "$T/log"
wait "$holder"

# A model whose calls keep failing: 75, and its outputs are absent, not
# half-written; the next run (the server healthy again) completes it.
stop_mock
start_mock --judge-policy hash --fault 500=1
{ entry claude-3.7-sonnet; entry m1; entry j1; entry j2
  entry m2 ", max_retries: 1"; } >"$T/api.yaml"
scripts/refresh -l "$T/log" -L "$T/lock" ko MODELS="m1 m2" "${vars[@]}"
check_eq "calls still failing after retries: exit 75" 75 $?
check "no partial answer file for the failing model" \
	test ! -e "$T/runs/ko/answers/m2.jsonl" -a ! -e "$T/runs/ko/answers/m2.jsonl.tmp"

{ entry claude-3.7-sonnet; entry m1; entry j1; entry j2; } >"$T/api.yaml"
scripts/refresh -l "$T/log" -L "$T/lock" ko MODELS="m1 m3" "${vars[@]}"
check_eq "a model missing from the API config: exit 78" 78 $?

scripts/refresh -l "$T/log" -L "$T/lock" xx
check_eq "an unknown bench: exit 64" 64 $?
scripts/refresh
check_eq "no bench: exit 64" 64 $?
done_testing
