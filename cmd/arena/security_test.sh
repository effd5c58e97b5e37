#!/bin/bash
# security_test.sh: tokens, forged and cross-site requests, slow clients.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

printf '# voters\ntok-one-aaaaaaaa\n\ntok-two-bbbbbbbb\n' >"$T/tokens"
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl" --tokens "$T/tokens" --timeout 2
A1=(-H 'Authorization: Bearer tok-one-aaaaaaaa')
A2=(-H 'Authorization: Bearer tok-two-bbbbbbbb')

check_eq "no token -> 401" 401 "$(api POST /api/battle '')"
check "401 is a JSON error" jq -e .error "$T/body"
check_eq "unknown token -> 401" 401 "$(api POST /api/battle '' -H 'Authorization: Bearer tok-three-cccccccc')"
check_eq "leaderboard needs a token too" 401 "$(api GET /api/leaderboard)"
check_eq "the page itself needs none (it holds nothing)" 404 "$(api GET /nothing.js)"
check_eq "token one: battle" 200 "$(api POST /api/battle '' "${A1[@]}")"
id=$(jq -r .battle "$T/body")
check_eq "cross-token vote -> 404" 404 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"a\"}" "${A2[@]}")"
check_eq "own token: vote" 200 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"a\"}" "${A1[@]}")"
check_eq "double vote -> 409" 409 "$(api POST /api/vote "{\"battle\": \"$id\", \"winner\": \"tie\"}" "${A1[@]}")"
# The id with its last digit changed (never to the digit it had).
last=0; [ "${id:31:1}" = 0 ] && last=1
check_eq "forged id -> 404" 404 "$(api POST /api/vote "{\"battle\": \"${id:0:31}$last\", \"winner\": \"a\"}" "${A1[@]}")"
check "the log holds a salted hash, never the token" bash -c \
	'! grep -q tok- "$1" && jq -e ".voter | test(\"^[0-9a-f]{16}\$\")" "$1" >/dev/null' _ "$T/votes.jsonl"
h1=$(jq -r .voter "$T/votes.jsonl")
check "the voter hash is not the bare SHA-256 of the token" bash -c \
	'[ "$(printf %s tok-one-aaaaaaaa | sha256sum | cut -c1-16)" != "$1" ]' _ "$h1"

# Cross-site forgery: JSON content type, Origin = Host, loopback Host.
check_eq "form content type -> 415" 415 "$(curl -s -o "$T/body" -w '%{http_code}' \
	-X POST -H 'Content-Type: application/x-www-form-urlencoded' \
	"${A1[@]}" --data 'a=1' "$URL/api/battle")"
check_eq "text/plain -> 415" 415 "$(curl -s -o /dev/null -w '%{http_code}' \
	-X POST -H 'Content-Type: text/plain' "${A1[@]}" --data '{}' "$URL/api/battle")"
check_eq "foreign Origin -> 403" 403 "$(api POST /api/battle '' "${A1[@]}" -H 'Origin: http://evil.example')"
check_eq "same Origin passes" 200 "$(api POST /api/battle '' "${A1[@]}" -H "Origin: http://127.0.0.1:$APORT")"
check_eq "Origin with another port -> 403" 403 "$(api POST /api/battle '' "${A1[@]}" -H "Origin: http://127.0.0.1:1")"
check_eq "Sec-Fetch-Site cross-site -> 403" 403 "$(api POST /api/battle '' "${A1[@]}" -H 'Sec-Fetch-Site: cross-site')"
check_eq "rebinding Host -> 403" 403 "$(api POST /api/battle '' "${A1[@]}" -H "Host: evil.example:$APORT")"
check_eq "localhost Host passes" 200 "$(api POST /api/battle '' "${A1[@]}" -H "Host: localhost:$APORT")"

# Slow and half-open clients: 60 connections that never finish their
# request hold no thread; a normal request is served at once, and the
# idle ones are closed after --timeout.
pids=()
for i in $(seq 1 60); do
	( exec 3<>/dev/tcp/127.0.0.1/"$APORT" || exit 0
	  printf 'POST /api/battle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{' >&3
	  cat <&3 >/dev/null ) 2>/dev/null &
	pids+=($!)
done
sleep 0.5
start=$(date +%s%N)
st=$(api POST /api/battle '' "${A1[@]}" --max-time 5)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "served beside 60 slow clients" 200 "$st"
check "... within a second (took ${ms} ms)" test "$ms" -lt 1000
sleep 3
alive=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
check_eq "idle connections closed by the timeout" 0 "$alive"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done

# A client that sends its headers one byte at a time gets the timeout too.
( exec 3<>/dev/tcp/127.0.0.1/"$APORT"; printf 'G' >&3; sleep 4; printf 'ET / HTTP/1.1\r\n\r\n' >&3 2>/dev/null; cat <&3 ) >"$T/slow.out" 2>/dev/null
check "a stalled request line is dropped" test ! -s "$T/slow.out"
stop_arena

# Without tokens on a non-loopback address the server warns.
start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes2.jsonl" --listen 127.0.0.2:0
stop_arena
check "no warning on loopback" bash -c '! grep -q "without --tokens" "$1"' _ "$T/arena.stderr"
check_exit "a tokens file with a short token -> 65" 65 "$BIN/arena" \
	--questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes3.jsonl" --tokens <(echo short) 2>/dev/null
check_exit "an empty tokens file -> 65" 65 "$BIN/arena" \
	--questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes3.jsonl" --tokens /dev/null 2>/dev/null
done_testing
