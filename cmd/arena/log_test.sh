#!/bin/bash
# log_test.sh: the vote log across restarts, torn tails, show-result on it,
# and balanced sampling.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

vote_n() {	# vote_n N WINNER: N battles voted WINNER
	local i b
	for i in $(seq 1 "$1"); do
		api POST /api/battle '' >/dev/null
		b=$(jq -r .battle "$T/body")
		api POST /api/vote "{\"battle\": \"$b\", \"winner\": \"$2\"}" >/dev/null
	done
}

start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl" --sampling balanced
vote_n 9 a
stop_arena
check_eq "9 votes" 9 "$(wc -l <"$T/votes.jsonl")"
# Balanced: the three pairs met three times each.
check_eq "balanced sampling: 3 battles per pair" "3 3 3" "$(jq -r \
	'[.model_a, .model_b] | sort | join("|")' "$T/votes.jsonl" | sort |
	uniq -c | awk '{print $1}' | paste -sd' ')"

# A crash mid-write leaves a torn line: readers skip it, a restart cuts it.
printf '{"question_id": "q1", "model_a": "zeta-al' >>"$T/votes.jsonl"
"$BIN/show-result" --elo online "$T/votes.jsonl" >"$T/out" 2>"$T/err"
check_eq "show-result reads a log with a torn tail" 0 $?
check "... and says it ignored it" grep -q "votes.jsonl:10: warning: torn last line ignored" "$T/err"
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl" --sampling balanced
check "the restart cuts the torn line" grep -q "cut a torn last line of 41 bytes" "$T/arena.stderr"
check "the restart counts the 9 votes" grep -q ": 9 votes in" "$T/arena.stderr"
check_eq "leaderboard after restart: 9 votes" 200 "$(api GET /api/leaderboard)"
check_eq "... the board counts them" 9 "$(jq .votes "$T/body")"
vote_n 3 b
stop_arena
check_eq "12 whole lines, nothing torn" 12 "$(jq -c . "$T/votes.jsonl" | wc -l)"
check "every line ends in a newline" test "$(tail -c 1 "$T/votes.jsonl" | od -An -c | tr -d ' ')" = '\n'
# Balanced counts survive the restart: every pair has 4 now.
check_eq "balanced across restarts: 4 per pair" "4 4 4" "$(jq -r \
	'[.model_a, .model_b] | sort | join("|")' "$T/votes.jsonl" | sort |
	uniq -c | awk '{print $1}' | paste -sd' ')"

# show-result reads the log as it is: alone, or with judgments.
"$BIN/show-result" --baseline zeta-alpha-model-7b "$T/votes.jsonl" >"$T/bt" 2>"$T/err"
check_eq "show-result (Bradley-Terry) on the log" 0 $?
check_eq "... three models" 3 "$(wc -l <"$T/bt")"
"$BIN/show-result" --baseline zeta-alpha-model-7b --control style \
	"$T/votes.jsonl" >/dev/null 2>"$T/err"
check_eq "style control works on votes (conv_metadata)" 0 $?
cat >"$T/judgments.jsonl" <<'EOF'
{"question_id": "q1", "model": "zeta-beta-model-13b", "judge": "j", "games": [{"score": "A>B"}, {"score": "B>A"}]}
{"question_id": "q2", "model": "zeta-gamma-model-70b", "judge": "j", "games": [{"score": "B>A"}, {"score": "A>B"}]}
EOF
"$BIN/show-result" --baseline zeta-alpha-model-7b --format json "$T/votes.jsonl" \
	"$T/judgments.jsonl" >"$T/both" 2>"$T/err"
check_eq "show-result on votes and judgments together" 0 $?
check_eq "... counts the battles of both" "$((12 + 4))" "$(jq 'select(.type == "board") | .n_battles' "$T/both")"
# Sequential Elo needs no baseline, and is in tstamp order.
"$BIN/show-result" --elo online --format csv "$T/votes.jsonl" >"$T/online.csv" 2>"$T/err"
check_eq "show-result --elo online without a baseline" 0 $?
check_eq "... a row per model" 4 "$(wc -l <"$T/online.csv")"
tac "$T/votes.jsonl" >"$T/reversed.jsonl"
"$BIN/show-result" --elo online --format csv "$T/reversed.jsonl" >"$T/online2.csv" 2>/dev/null
check_files "... the file order does not matter (tstamp does)" "$T/online.csv" "$T/online2.csv"
check_exit "--elo online with --control style -> 64" 64 "$BIN/show-result" \
	--elo online --control style "$T/votes.jsonl" 2>/dev/null
check_exit "--elo online with --reference-compat -> 64" 64 "$BIN/show-result" \
	--elo online --reference-compat "$T/votes.jsonl" 2>/dev/null
check_exit "--elo other -> 64" 64 "$BIN/show-result" --elo glicko "$T/votes.jsonl" 2>/dev/null
check_exit "judgments without a baseline -> 64 even online" 64 "$BIN/show-result" \
	--elo online "$T/judgments.jsonl" 2>/dev/null

# Two servers cannot share a log.
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl"
"$BIN/arena" --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl" 2>"$T/err"
check_eq "a second server on the same log -> 75" 75 $?
check "... says the log is in use" grep -q "in use by another process" "$T/err"
stop_arena
done_testing
