#!/bin/bash
# api_test.sh: the JSON API of arena, every route with good and bad input.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl"
check "arena writes its port file" test -n "$APORT"
check "announces its address" grep -q "listening on http://127.0.0.1:$APORT/" \
	"$T/arena.stderr"

# GET /api/info
check_eq "info: 200" 200 "$(api GET /api/info)"
check "info: offline, not live, no names" bash -c \
	'jq -e ".offline == true and .live == false and .tokens == false" "$1" >/dev/null' _ "$T/body"
check "info names no model" no_names "$T/body"

# POST /api/battle
check_eq "battle: 200" 200 "$(api POST /api/battle '')"
cp "$T/body" "$T/battle1"
check "battle: a 128-bit hex id, question, a, b" bash -c \
	'jq -e "(.battle | test(\"^[0-9a-f]{32}\$\")) and (.question|type==\"string\") and (.a|type==\"string\") and (.b|type==\"string\") and (keys|length==4)" "$1" >/dev/null' _ "$T/battle1"
check "battle: no model name, answer id or file name" no_names "$T/battle1"
check "battle: a and b differ" bash -c \
	'[ "$(jq -r .a "$1")" != "$(jq -r .b "$1")" ]' _ "$T/battle1"
check_eq "battle: {} is an offline battle too" 200 "$(api POST /api/battle '{}')"
check_eq "battle: unknown member -> 400" 400 "$(api POST /api/battle '{"model": "x"}')"
check "battle: 400 is a JSON error" jq -e '.error | test("unknown member")' "$T/body"
check_eq "battle: not JSON -> 400" 400 "$(api POST /api/battle 'nope')"
check_eq "battle: an array -> 400" 400 "$(api POST /api/battle '[1]')"
check_eq "battle: own question without live mode -> 400" 400 \
	"$(api POST /api/battle '{"question": "hi"}')"
check_eq "battle: question not a string -> 400" 400 \
	"$(api POST /api/battle '{"question": 5}')"
check_eq "battle: GET -> 405" 405 "$(api GET /api/battle)"
check "405 says which method" bash -c \
	'curl -sI "$1/api/battle" | grep -qi "^Allow: POST"' _ "$URL"
check_eq "battle: duplicate keys -> 400" 400 \
	"$(api POST /api/battle '{"question": "a", "question": "b"}')"
check_eq "battle: invalid UTF-8 -> 400" 400 \
	"$(api POST /api/battle "$(printf '{"question": "\xff"}')")"

# POST /api/vote
id=$(jq -r .battle "$T/battle1")
check_eq "vote: malformed id -> 400" 400 \
	"$(api POST /api/vote '{"battle": "xyz", "winner": "a"}')"
check_eq "vote: bad winner -> 400" 400 \
	"$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"model_a\"}")"
check_eq "vote: missing winner -> 400" 400 \
	"$(api POST /api/vote "{\"battle\": \"$id\"}")"
check_eq "vote: extra member -> 400" 400 \
	"$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"a\", \"x\": 1}")"
check_eq "vote: unknown battle -> 404" 404 \
	"$(api POST /api/vote '{"battle": "00000000000000000000000000000000", "winner": "a"}')"
check "404 is a JSON error" jq -e '.error' "$T/body"
check "nothing logged by refused votes" test ! -s "$T/votes.jsonl"
check_eq "vote: 200" 200 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"a\"}")"
cp "$T/body" "$T/vote1"
check "vote: the names are revealed" bash -c \
	'jq -e "(.model_a|startswith(\"zeta-\")) and (.model_b|startswith(\"zeta-\")) and .model_a != .model_b" "$1" >/dev/null' _ "$T/vote1"
check_eq "vote: replayed -> 409" 409 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"b\"}")"
check_eq "one line in the log" 1 "$(wc -l <"$T/votes.jsonl")"
check "the log line is a Chatbot Arena battle record" bash -c \
	'jq -e "(.model_a==\"$(jq -r .model_a "$2")\") and (.model_b==\"$(jq -r .model_b "$2")\") and .winner==\"model_a\" and (.question_id|startswith(\"q\")) and (.tstamp|type==\"number\") and (.voter|test(\"^[0-9a-f]{16}\$\")) and .anony==true and .battle==\"$3\"" "$1" >/dev/null' \
	_ "$T/votes.jsonl" "$T/vote1" "$id"
check "the log has both answers' style metadata" jq -e \
	'.conv_metadata | has("sum_assistant_a_tokens") and has("header_count_a") and has("list_count_a") and has("bold_count_a") and has("sum_assistant_b_tokens") and has("bold_count_b")' \
	"$T/votes.jsonl"

# Every winner maps to a Chatbot Arena winner.
for w in b tie bothbad; do
	api POST /api/battle '' >/dev/null
	b=$(jq -r .battle "$T/body")
	api POST /api/vote "{\"battle\": \"$b\", \"winner\": \"$w\"}" >/dev/null
done
check_eq "winners in the log" "model_a model_b tie tie (bothbad)" \
	"$(jq -r .winner "$T/votes.jsonl" | paste -sd' ')"

# GET /api/leaderboard = show-result --elo online on the log.
for i in $(seq 1 16); do
	api POST /api/battle '' >/dev/null
	b=$(jq -r .battle "$T/body")
	api POST /api/vote "{\"battle\": \"$b\", \"winner\": \"$(echo a b tie | cut -d' ' -f$((i % 3 + 1)))\"}" >/dev/null
done
check_eq "leaderboard: 200" 200 "$(api GET /api/leaderboard)"
check_eq "leaderboard: 20 votes" 20 "$(jq .votes "$T/body")"
jq -c '.models[]' "$T/body" >"$T/board.api"
"$BIN/show-result" --elo online --num-rounds 100 --format json \
	"$T/votes.jsonl" 2>"$T/sr.err" | jq -c 'select(.type == "model")' \
	>"$T/board.sr"
check "leaderboard has rows" test -s "$T/board.api"
check_files "leaderboard = show-result --elo online --format json" \
	"$T/board.sr" "$T/board.api"
# The matrix of observed win fractions and battles = show-result's (its
# fractions rounded to 4 digits).
"$BIN/show-result" --elo online --num-rounds 100 --format json \
	"$T/votes.jsonl" 2>/dev/null | jq -c 'select(.type == "matrix")' \
	>"$T/mx.sr"
check_eq "leaderboard: win fractions and battles = show-result's" true \
	"$(jq -n --slurpfile a "$T/body" --slurpfile b "$T/mx.sr" '
	$a[0].matrix as $x | $b[0] as $y |
	$x.models == $y.models and $x.games == $y.games and
	([range($x.models | length) as $i | range($x.models | length) as $j |
	[$x.observed[$i][$j], $y.observed[$i][$j]] |
	if .[0] == null or .[1] == null then .[0] == .[1]
	else ((.[0] - .[1]) | fabs) < 0.00006 end] | all)')"
check_eq "leaderboard: the battles of the matrix add up to the votes" 40 \
	"$(jq '[.matrix.games[][]] | add' "$T/body")"
check_eq "leaderboard: POST -> 405" 405 "$(api POST /api/leaderboard '')"
check_eq "unknown API route -> 404" 404 "$(api GET /api/nothing)"
check "unknown API route: JSON error" jq -e .error "$T/body"

# Static files: only the page's embedded files, never a file from a path.
check_eq "the page" 200 "$(api GET /)"
check "the page is HTML from the binary" grep -q '<script src="arena.js">' "$T/body"
check "the page names no model" no_names "$T/body"
check_eq "its script" 200 "$(api GET /arena.js)"
check "served as JavaScript" bash -c \
	'curl -sI "$1/arena.js" | grep -qi "^Content-Type: text/javascript"' _ "$URL"
check_eq "the markdown renderer" 200 "$(api GET /markdown.js)"
check_eq "HEAD of the page" 200 "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/")"
check_eq "an embedded file of no page of the arena" 404 "$(api GET /page.html)"
check_eq "a directory path" 404 "$(api GET /web/)"
check_eq "no file from a path" 404 "$(api GET /etc/passwd)"
check_eq "no file from a dotted path" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/../../../../etc/passwd")"
check_eq "no file from an encoded path" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/%2e%2e/%2e%2e/etc/passwd")"
check_eq "no answer file" 404 "$(api GET /testdata/arena/answers/alpha.jsonl)"
check_eq "DELETE on a page -> 405" 405 "$(api DELETE /)"

# Security headers on every answer.
check "CSP and nosniff" bash -c \
	'h=$(curl -s -D - -o /dev/null "$1/api/info"); echo "$h" | grep -qi "^Content-Security-Policy: default-src .none." && echo "$h" | grep -qi "^X-Content-Type-Options: nosniff"' _ "$URL"

# Body limit: 64 KB; larger bodies get 413 whether declared or streamed.
head -c 70000 /dev/zero | tr '\0' a >"$T/big"
check_eq "70 KB body -> 413" 413 "$(curl -s -o "$T/body" -w '%{http_code}' \
	-X POST -H 'Content-Type: application/json' --data-binary @"$T/big" \
	"$URL/api/battle")"
check "413 is a JSON error" jq -e .error "$T/body"
check_eq "70 KB chunked body -> 413" 413 "$(curl -s -o /dev/null -w '%{http_code}' \
	-X POST -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T/big" "$URL/api/battle")"
check_eq "the server still answers" 200 "$(api GET /api/info)"
stop_arena
check_eq "20 lines after the stop" 20 "$(wc -l <"$T/votes.jsonl")"
check "a salt file beside the log, not world-readable" bash -c \
	'[ "$(stat -c %a "$1")" = 600 ] && grep -qE "^[0-9a-f]{64}$" "$1"' _ "$T/votes.jsonl.salt"

# Bad command lines and bad input files.
check_exit "no --votes -> 64" 64 "$BIN/arena" --questions "$FIX/questions.jsonl" \
	--answers "$FIX/answers" 2>/dev/null
check_exit "nothing to show -> 64" 64 "$BIN/arena" --votes "$T/v2" 2>/dev/null
check_exit "bad --listen -> 64" 64 "$BIN/arena" --votes "$T/v2" \
	--questions "$FIX/questions.jsonl" --answers "$FIX/answers" --listen 127.0.0.1 2>/dev/null
check_exit "bad --sampling -> 64" 64 "$BIN/arena" --votes "$T/v2" \
	--questions "$FIX/questions.jsonl" --answers "$FIX/answers" --sampling x 2>/dev/null
check_exit "missing answers -> 66" 66 "$BIN/arena" --votes "$T/v2" \
	--questions "$FIX/questions.jsonl" --answers "$T/none" 2>/dev/null
printf '{"question_id": "q1", "turns": [{"content": "x"}]}\nnot json\n' >"$T/badq.jsonl"
"$BIN/arena" --votes "$T/v2" --questions "$T/badq.jsonl" --answers "$FIX/answers" \
	2>"$T/err"
check_eq "bad question line -> 65" 65 $?
check "bad question line: file:line" grep -q "^arena: $T/badq.jsonl:2: invalid JSON" "$T/err"
echo '{"model_a": "x"}' >"$T/badlog.jsonl"
"$BIN/arena" --votes "$T/badlog.jsonl" --questions "$FIX/questions.jsonl" \
	--answers "$FIX/answers" 2>"$T/err"
check_eq "a log line that is no vote -> 65" 65 $?
check "bad log line: file:line" grep -q "badlog.jsonl:1: not a vote record" "$T/err"
check_exit "one model only -> 65" 65 "$BIN/arena" --votes "$T/v3" \
	--questions "$FIX/questions.jsonl" --answers "$FIX/answers/alpha.jsonl" 2>/dev/null
done_testing
