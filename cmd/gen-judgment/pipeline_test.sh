#!/bin/bash
# pipeline_test.sh: the whole pipeline (make eval via scripts/dry-run.sh) on
# 20 questions of each bench, two mock judges of opposite position bias with
# known model strengths: judgments, ensemble and boards come out, the board
# ranks the models in their true order, the HTML report's browser holds both
# judges' texts for every question and its judge diagnostics, and re-runs
# send no request, even after every output is deleted (the cache answers).
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1
export BIN JOBS=2
export MODELS="m-strong=400 m-good=150 m-weak=-150 m-poor=-400"
declare -A qfile=([ko]=data/ko-arena-hard-v0.1/question.jsonl
	[zh]=data/m-arena-hard-zh/question.jsonl
	[en]=data/arena-hard-v0.1/question.jsonl)
declare -A base=([ko]=claude-3.7-sonnet [zh]=Qwen__Qwen2.5-72B-Instruct
	[en]=gpt-4-0314)
sent() { sed -n 's/^dry-run: \([0-9]*\) requests sent.*/\1/p' "$1"; }

for b in ko zh en; do
	head -n 20 "${qfile[$b]}" >"$T/q-$b.jsonl"
	out=$T/runs
	QUESTIONS=$T/q-$b.jsonl scripts/dry-run.sh "$b" "$out" \
		>"$T/board-$b.txt" 2>"$T/err-$b.txt"
	check_exit "$b: pipeline exits 0" 0 test $? -eq 0
	d=$out/$b
	n=0
	for j in gemini-2.0-flash-001 gpt-4o-mini-judge; do
		for m in ${base[$b]} m-strong m-good m-weak m-poor; do
			[ "$(wc -l <"$d/judgments/$j/$m.jsonl")" -eq 20 ] && n=$((n + 1))
		done
	done
	check_eq "$b: 2 judges x 5 models x 20 judgments" 10 "$n"
	check_eq "$b: ensemble of m-good has 20 records" 20 \
		"$(wc -l <"$d/ensemble/m-good.jsonl")"
	scores() { grep -o '"score": [^}]*' "$1" | tr '\n' ' '; }
	check "$b: the two judges' verdicts differ (different biases)" \
		test "$(scores "$d/judgments/gemini-2.0-flash-001/m-good.jsonl")" != \
		"$(scores "$d/judgments/gpt-4o-mini-judge/m-good.jsonl")"
	check "$b: four CSV boards written" test -s "$d/no_control.csv" -a \
		-s "$d/style_control.csv" -a -s "$d/length_control.csv" -a \
		-s "$d/markdown_control.csv"
	order=$(sed -n '/^# no_control/,/^# style/p' "$T/board-$b.txt" |
		awk '/\|/ { printf "%s ", $1 }')
	check_eq "$b: no-control board in true strength order" \
		"m-strong m-good ${base[$b]} m-weak m-poor " "$order"
	# The report: a browser file per model with both judges' labels and
	# texts for every question, and the judges' numbers in the page.
	r=$d/report
	check "$b: report/index.html written" test -s "$r/index.html"
	n=0
	for m in ${base[$b]} m-strong m-good m-weak m-poor; do
		f=$r/browse/$m.js
		[ -s "$f" ] && sed -n 's/^JP_browse([0-9]*, "\(.*\)");$/\1/p' "$f" |
		    base64 -d | gunzip | jq -e '.judges == ["gemini-2.0-flash-001",
		    "gpt-4o-mini-judge"] and ([.t[][] | select(. != null and
		    .[0] != null and .[1] != null)] | length) == 40 and
		    ([.l[][] | select(. != null)] | length) == 40' >/dev/null &&
		    n=$((n + 1))
	done
	check_eq "$b: browser: both judges' two texts for all 20 questions" 5 "$n"
	sed -n 's/.*<script type="application\/json" id="jp-data">\(.*\)<\/script>.*/\1/p' \
	    "$r/index.html" >"$T/data-$b.json"
	check_eq "$b: report: two judges, one pair, from --judgments" \
	    "judge judge judge_pair false" "$(jq -r '[.judge_stats[].type,
	    .judge_stats_from_board] | join(" ")' "$T/data-$b.json")"
	first=$(sent "$T/err-$b.txt")
	# 5 models x 20 questions x 2 judges x 2 games, but the baseline
	# judged against itself has one prompt for both games: sent once.
	check_eq "$b: first run sends 100 answer + 360 judge requests" 460 \
		"$first"

	QUESTIONS=$T/q-$b.jsonl scripts/dry-run.sh "$b" "$out" \
		>"$T/board2-$b.txt" 2>"$T/err2-$b.txt"
	check_eq "$b: a re-run sends no request" 0 "$(sent "$T/err2-$b.txt")"
	check_files "$b: a re-run prints the same board" "$T/board-$b.txt" \
		"$T/board2-$b.txt"
	cp -r "$d/ensemble" "$T/ensemble-$b"
	rm -rf "$d/answers" "$d/judgments" "$d/ensemble" "$d/leaderboard.txt"
	QUESTIONS=$T/q-$b.jsonl scripts/dry-run.sh "$b" "$out" \
		>"$T/board3-$b.txt" 2>"$T/err3-$b.txt"
	check_eq "$b: outputs deleted: rebuilt from the cache, no request" 0 \
		"$(sent "$T/err3-$b.txt")"
	check "$b: rebuilt ensemble identical" diff -r "$T/ensemble-$b" "$d/ensemble"
done
done_testing
