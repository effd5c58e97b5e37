#!/bin/bash
# browser_test.sh: the HTML report in headless Chromium (browser_test.js,
# through scripts/browser.js): the Korean board's rows equal its CSV,
# sorting, search and the language switch work, the question browser shows
# both games of every judge, keys and filters work, record text full of
# script tags and handlers runs nothing, and the page requests nothing but
# its own files.  Screenshots (desktop and phone) go to
# $JUDGEPIPE_LOGDIR/report-browser/.  Skipped without chromium or the npm packages (scripts/deps.sh
# test installs them).
. "$(dirname "$0")/../../scripts/testlib.sh"

R=$TOP/testdata/show-result/report
logs=${JUDGEPIPE_LOGDIR:-$TOP/build/test-logs}/report-browser
if ! command -v node >/dev/null 2>&1 ||
    ! node -e 'require(process.argv[1]).available() || process.exit(1)' \
    "$TOP/scripts/browser.js" 2>/dev/null; then
	skip "browser tests: no chromium or no scripts/node_modules"
	done_testing
fi

"$BIN/ensemble-judgment" -q --judges alpha,gpt-judge "$R"/judgments/*.jsonl \
    > "$T/ens.jsonl"
check_exit "the fixture report is written" 0 "$BIN/show-result" -q \
    --baseline base --format html --output-dir "$T/xss" --answers "$R/answers" \
    --questions "$R/questions.jsonl" --judgments "$R/judgments" \
    --num-rounds 50 "$T/ens.jsonl"

# The published Korean board from what the project ships: with
# ../shared, the answers' texts and the questions too (a few models, to
# keep the sanitizer build quick).
ko=$TOP/data/ko-arena-hard-v0.1
kodir=-
koanswers=
if [ -d "$ko/model_judgment/ensemble" ]; then
	kodir=$T/ko
	extra=(--answers "$ko/answer_metadata" --questions "$ko/question.jsonl")
	if have_shared; then
		mkdir -p "$T/answers"
		for m in claude-3.7-sonnet gpt-4o-mini gemini-2.5-pro-exp-03-25; do
			ln -s "$SHARED/ko-arena-hard-v0.1/model_answer/$m.jsonl.zst" \
			    "$T/answers/"
		done
		extra+=(--answers "$T/answers")
		koanswers=answers
	fi
	check_exit "the Korean report is written" 0 "$BIN/show-result" -q \
	    --baseline claude-3.7-sonnet --format html --output-dir "$kodir" \
	    --num-rounds 50 --judges gemini-2.0-flash-001,gpt-4o-mini \
	    "${extra[@]}" "$ko"/model_judgment/ensemble/*.jsonl.zst
fi

rm -rf "$logs"
mkdir -p "$logs"
node "$TOP/cmd/show-result/browser_test.js" "$logs" "$T/xss" "$kodir" \
    $koanswers
st=$?
[ $st -eq 0 ] || notok "browser_test.js exited $st"
echo "# screenshots: ${logs#$TOP/}"
done_testing
