#!/bin/bash
# kill_test.sh: kill -9 of arena under load loses no acknowledged vote:
# every vote answered 200 has its line in the log (scripts/arena-load.c).
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -pthread \
	-o "$T/arena-load" "$TOP/scripts/arena-load.c" || {
	notok "build the load client"
	done_testing
}
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl"
"$T/arena-load" "$APORT" 32 4 "$T/acked" >"$T/load.out" &
load=$!
sleep 2
kill -9 "$APID"
wait "$load"
check_eq "the load client finished" 0 $?
acked=$(wc -l <"$T/acked")
check "votes were acknowledged before the kill ($acked)" test "$acked" -gt 20
check "the client saw the server die" bash -c \
	'[ "$(awk "/^connection_errors/ {print \$2}" "$1")" -gt 0 ]' _ "$T/load.out"
jq -r .battle "$T/votes.jsonl" 2>/dev/null | sort >"$T/logged"
sort "$T/acked" >"$T/acked.sorted"
lost=$(comm -23 "$T/acked.sorted" "$T/logged" | wc -l)
check_eq "acknowledged votes missing from the log" 0 "$lost"
check "no battle twice in the log" bash -c '[ -z "$(uniq -d "$1")" ]' _ "$T/logged"
# The log is readable as it is (a torn tail at most) and restarts.
"$BIN/show-result" --elo online --num-rounds 10 "$T/votes.jsonl" >/dev/null 2>&1
check_eq "show-result reads the log after the kill" 0 $?
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl"
check_eq "the arena restarts on it" 200 "$(api GET /api/info)"
stop_arena
done_testing
