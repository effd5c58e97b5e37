#!/bin/bash
# browser_test.sh: the page in headless Chromium (cmd/arena/browser_test.js
# through scripts/browser.js): 20 votes by clicking with no name leaked
# before a vote, the log show-result reads, XSS fixtures, an own question
# answered live; screenshots at desktop and phone width are kept in
# $JUDGEPIPE_LOGDIR/arena-browser/.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

if [ ! -f "$TOP/scripts/browser.js" ] || ! command -v node >/dev/null; then
	skip "browser tests (no scripts/browser.js or node)"
	done_testing
fi
ART=${JUDGEPIPE_LOGDIR:-$TOP/build/test-logs}/arena-browser
rm -rf "$ART"
mkdir -p "$ART"
js=$TOP/cmd/arena/browser_test.js
# browse MODE MODELS: one session of browser_test.js, bounded in time.
browse() {
	if [ -z "$APORT" ]; then
		notok "arena started for the $1 session"
		return
	fi
	timeout 300 node "$js" "$1" "$URL/" "$ART" "$2"
}

start_arena --questions "$FIX/questions.jsonl" --answers "$FIX/answers" \
	--votes "$T/votes.jsonl"
browse vote "${MODELS// /,}" | tee "$T/vote.out"
if grep -q "^skip - " "$T/vote.out"; then
	stop_arena
	done_testing
fi
stop_arena
# 20 votes clicked at desktop width, one more at phone width.
check_eq "the log has the 21 votes" 21 "$(wc -l <"$T/votes.jsonl")"
"$BIN/show-result" --elo online --format json "$T/votes.jsonl" >"$T/board" 2>"$T/err"
check_eq "show-result reads them" 0 $?
check_eq "... 21 battles of 3 models" "21 3" \
	"$(jq -s '[(.[] | select(.type == "board") | .n_battles), ([.[] | select(.type == "model")] | length)] | join(" ")' -r "$T/board")"

start_arena --questions "$FIX/xss-questions.jsonl" --answers "$FIX/xss" \
	--votes "$T/xss-votes.jsonl"
browse xss xss-model-one,xss-model-two
stop_arena

start_mock
cat >"$T/api.yaml" <<YAML
zeta-live-one:
    model_name: m-one
    endpoints:
        - api_base: $MOCK_URL
    api_type: openai
zeta-live-two:
    model_name: m-two
    endpoints:
        - api_base: $MOCK_URL
    api_type: openai
YAML
start_arena --api-config "$T/api.yaml" --models zeta-live-one,zeta-live-two \
	--votes "$T/live-votes.jsonl" --no-cache
browse live zeta-live-one,zeta-live-two
stop_arena
check_eq "the own question's vote is logged" 1 "$(wc -l <"$T/live-votes.jsonl")"
check "screenshots kept" test -s "$ART/arena-desktop-before-vote.png" -a \
	-s "$ART/arena-phone-before-vote.png"
done_testing
