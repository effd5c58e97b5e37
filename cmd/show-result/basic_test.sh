#!/bin/bash
# basic_test.sh: show-result on the small fixtures of testdata/show-result:
# closed-form scores, the general solver on votes, formats, order and thread
# independence, atomic output files.
. "$(dirname "$0")/../../scripts/testlib.sh"

D=$TOP/testdata/show-result
SR=$BIN/show-result
J=$D/judgments.jsonl
run() { "$SR" -q --baseline base-model "$@"; }

# Usage and version.
check_exit "--help exits 0" 0 bash -c "'$SR' --help > /dev/null"
check "--help prints the usage on stdout" \
    bash -c "'$SR' --help 2>/dev/null | grep -q '^usage: show-result \\[-hq\\]'"
check "--version" bash -c "'$SR' --version |
    grep -qxE 'show-result \\(judgepipe\\) [0-9]+\\.[0-9]+\\.[0-9]+'"
check "--help lists every option" bash -c "'$SR' --help | grep -q '^      --weight n  '"
# usage_test.sh checks the usage and the options against the manual.

# Expected scores of a star, from the judgments alone (the closed
# form): p = (wins + ties/2) / battles, weights included.
# Usage: closed W FIRST_ONLY < judgments -> "model p" lines.
closed() {
	awk -v W="$1" -v first="$2" '
	function val(l, g) {	# +k: the model won k rows, -k: lost, 0 tie
		if (l == "A=B") return 0
		k = l ~ />>/ ? W : 1
		a = l ~ /^A>/
		return (g == 1) == a ? -k : k
	}
	{
		match($0, /"model": "[^"]*"/)
		m = substr($0, RSTART + 10, RLENGTH - 11)
		if (m == "base-model") next
		n = 0
		while (match($0, /"score": "[^"]*"/)) {
			n++
			l = substr($0, RSTART + 10, RLENGTH - 11)
			$0 = substr($0, RSTART + RLENGTH)
			if (first && n > 1) break
			v = val(l, n)
			if (v > 0) w[m] += v; else if (v < 0) b[m] -= v
			else t[m]++
			seen[m] = 1
		}
	}
	END { for (m in seen) printf "%s %.12f\n", m,
	    (w[m] + t[m] / 2) / (w[m] + b[m] + t[m]) }'
}
# check_scores NAME CSV EXPECTED: score = round(100 p, 2), elo exact.
check_scores() {
	check "$1" awk -F, 'NR == FNR { split($0, a, " "); p[a[1]] = a[2]; next }
	    FNR > 1 {
		name = $1; gsub(/"/, "", name)
		if ($0 ~ /^"/) { name = $1 "," $2; gsub(/"/, "", name); $2 = $3
		    $6 = $7 }
		if (!(name in p)) next
		n++
		want = sprintf("%.2f", 100 * p[name])
		elo = 1000 + 400 * log(p[name] / (1 - p[name])) / log(10)
		if (sprintf("%.2f", $2) != want || ($6 - elo)^2 > 1e-12) {
			print name, $2, want, $6, elo; bad++
		}
	    }
	    END { exit bad || n != 4 }' "$3" "$2"
}

closed 3 0 < "$J" > "$T/p3"
run --format csv --num-rounds 50 "$J" > "$T/nc.csv"
check_scores "no-control scores and Elo: closed form, W = 3" "$T/nc.csv" \
    "$T/p3"
check_eq "baseline row" "base-model,50.0,50.0,50.0,0.0,1000.0,1000.0,1000.0" \
    "$(grep '^base-model,' "$T/nc.csv" | cut -d, -f1-8)"
check "board order: score descending" awk -F, 'NR > 2 && $(NF-11) > prev + 0 {
    exit 1 } NR > 1 { prev = $(NF-11) }' "$T/nc.csv"
check "CSV quotes a name with a comma" grep -q '^"delta,comma",' "$T/nc.csv"
closed 1 0 < "$J" > "$T/p1"
run --format csv --num-rounds 50 --weight 1 "$J" > "$T/w1.csv"
check_scores "--weight 1: closed form" "$T/w1.csv" "$T/p1"
closed 3 1 < "$J" > "$T/pf"
run --format csv --num-rounds 50 --first-game-only "$J" > "$T/first.csv"
check_scores "--first-game-only: closed form" "$T/first.csv" "$T/pf"

# Crowd votes are no star: the general solver's Elos must satisfy the
# Bradley-Terry score equations (observed = expected wins per model).
"$SR" -q --baseline x --format csv --num-rounds 50 "$D/votes.jsonl" \
    > "$T/votes.csv"
check "votes: 4 models rated" test "$(wc -l < "$T/votes.csv")" -eq 5
check "votes: Elos satisfy the score equations" awk -F, '
    NR == FNR { if (FNR > 1) e[$1] = $6; next }
    {
	match($0, /"model_a": "[^"]*"/); a = substr($0, RSTART + 12, 1)
	match($0, /"model_b": "[^"]*"/); b = substr($0, RSTART + 12, 1)
	match($0, /"winner": "[^"]*"/); w = substr($0, RSTART + 11,
	    RLENGTH - 12)
	s = w == "model_a" ? 1 : w == "model_b" ? 0 : 0.5
	pa = 1 / (1 + 10 ^ ((e[b] - e[a]) / 400))
	r[a] += s - pa; r[b] -= s - pa
    }
    END { for (m in e) if (r[m]^2 > 1e-14) { print m, r[m]; bad++ }
	exit bad || e["x"] != 1000 }' "$T/votes.csv" "$D/votes.jsonl"

# Votes carrying conv_metadata feed the control boards.
awk '{ n++; sub(/}$/, sprintf(", \"conv_metadata\": {\"sum_assistant_a_tokens\": %d, \"sum_assistant_b_tokens\": %d, \"header_count_a\": {\"h1\": %d}, \"header_count_b\": 0, \"list_count_a\": %d, \"list_count_b\": %d, \"bold_count_a\": %d, \"bold_count_b\": {\"**\": 1, \"__\": %d}}}", 100 + n * 37 % 200, 150 + n * 11 % 90, n % 3, n % 4, n % 5, n % 2, n % 3)); print }' \
    "$D/votes.jsonl" > "$T/vmeta.jsonl"
"$SR" -q --baseline x --num-rounds 50 --control style "$T/vmeta.jsonl" \
    > "$T/vstyle.txt"
check_eq "votes with conv_metadata: style board" 5 "$(wc -l < "$T/vstyle.txt")"
check "votes with conv_metadata: coefficients printed" \
    grep -q "^Style Coefficients: {'sum_assistant_a_tokens': " "$T/vstyle.txt"
check_eq "votes without conv_metadata: no style board (65)" 65 \
    "$("$SR" -q --baseline x --num-rounds 5 --control style \
    "$D/votes.jsonl" > /dev/null 2>&1; echo $?)"

# Answers without any token_len: avg_tokens counts cl100k tokens.
if [ -f "$TOP/data/tokenizer/cl100k_base.tiktoken" ]; then
	printf '%s\n' '{"question_id": "q01", "model_id": "alpha", "choices": [{"index": 0, "turns": [{"content": "Hello world"}]}]}' \
	    '{"question_id": "q02", "model_id": "alpha", "choices": [{"index": 0, "turns": [{"content": "<|endoftext|>"}]}]}' \
	    > "$T/notok.jsonl"
	run --num-rounds 5 --answers "$T/notok.jsonl" --format csv "$J" \
	    > "$T/tok.csv"
	check_eq "avg_tokens of answers without token_len: int((2 + 7) / 2)" \
	    4.0 "$(grep '^alpha,' "$T/tok.csv" | cut -d, -f5)"
	JUDGEPIPE_TOKENIZER=$T/none run --num-rounds 5 --answers \
	    "$T/notok.jsonl" "$J" > /dev/null 2> "$T/tok.err"
	check_eq "missing tokenizer file when one is needed: 66" 66 $?
else
	skip "avg_tokens by the tokenizer: no rank file"
fi

# Formats.
run --num-rounds 50 "$J" > "$T/table.txt"
check "table: upstream line format" grep -qE \
    '^base-model {21}\| score: 50\.0  \| 95% CI:  \(0\.0, 0\.0\)  \| average #tokens: n/a$' \
    "$T/table.txt"
check_eq "table: one line per model" 5 "$(wc -l < "$T/table.txt")"
run --num-rounds 50 --show-elo "$J" > "$T/elo.txt"
check "table --show-elo: integer Elo and interval" grep -qE \
    '^alpha +\| score: +[0-9]{3,4} +\| 95% CI: +\(-[0-9]+, [0-9]+\) +\|' \
    "$T/elo.txt"
run --num-rounds 50 --answers "$D/answers" --control all --format json \
    --date 2025-01-02 "$J" > "$T/all.json"
check_eq "json: 4 boards of 1 + 5 records" 24 \
    "$(grep -cE '^\{"type": "(board|model)"' "$T/all.json")"
check_eq "json: then a matrix per board and a judge record" \
    "matrix matrix matrix matrix judge" \
    "$(grep -vE '^\{"type": "(board|model)"' "$T/all.json" |
    sed 's/^{"type": "\([a-z_]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: board records in order" \
    "no_control style_control length_control markdown_control" \
    "$(grep '"type": "board"' "$T/all.json" |
    sed 's/.*"board": "\([a-z_]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check "json: style board record" grep -qE '^\{"type": "board", "board": "style_control", "baseline": "base-model", "anchor": 1114\.0, "num_rounds": 50, "seed": 42, "rng": "xoshiro256\*\*", "bootstrap": "question", "weight": 3, "first_game_only": false, "n_battles": [0-9]+, "dropped_games": 0, "style_coefficients": \{"sum_assistant_a_tokens": -?[0-9.e-]+, "header_count_a": -?[0-9.e-]+, "list_count_a": -?[0-9.e-]+, "bold_count_a": -?[0-9.e-]+\}, "date": "2025-01-02", "version": "[0-9.]+"\}$' \
    "$T/all.json"
check "json: model records carry avg_tokens from --answers" grep -qE \
    '"model": "alpha", "score": [0-9.]+, .*"avg_tokens": [1-9][0-9]*, ' \
    "$T/all.json"
run --num-rounds 50 --answers "$D/answers" --control all "$J" > "$T/all.txt"
check_eq "table: several boards get headings" \
    "# no_control|# style_control|# length_control|# markdown_control" \
    "$(grep '^#' "$T/all.txt" | tr '\n' '|' | sed 's/|$//')"
check_eq "table: control boards print their coefficients" 3 \
    "$(grep -c "^Style Coefficients: {'" "$T/all.txt")"

# Inputs: stdin, zstd, answers from files or a directory.
run --num-rounds 50 --format csv < "$J" > "$T/stdin.csv"
check_files "standard input = file" "$T/nc.csv" "$T/stdin.csv"
grep '"model": "gamma"' "$J" > "$T/gamma.jsonl"
run --num-rounds 50 --format csv "$T/gamma.jsonl" > "$T/gamma1.csv"
run --num-rounds 50 --format csv "$D/gamma.jsonl.zst" > "$T/gamma2.csv"
check_files "zstd input = plain input" "$T/gamma1.csv" "$T/gamma2.csv"
run --num-rounds 50 --control style --format csv \
    --answers "$D/answers/gamma.jsonl" --answers "$D/answers/alpha.jsonl" \
    --answers "$D/answers/beta.jsonl.zst" --answers "$D/answers/deltacomma.jsonl" \
    --answers "$D/answers/base-model.jsonl" "$J" > "$T/files.csv"
run --num-rounds 50 --control style --format csv --answers "$D/answers" "$J" \
    > "$T/dir.csv"
check_files "answers: files (any order) = directory" "$T/files.csv" \
    "$T/dir.csv"

# D4: the result does not depend on the order of files and lines.
shuf --random-source=<(yes) "$J" > "$T/shuffled.jsonl"
head -n 30 "$T/shuffled.jsonl" > "$T/part1.jsonl"
tail -n +31 "$T/shuffled.jsonl" > "$T/part2.jsonl"
for unit in question battle; do
	run --num-rounds 50 --bootstrap $unit --answers "$D/answers" \
	    --control all --format json "$J" > "$T/o1.json"
	run --num-rounds 50 --bootstrap $unit --answers "$D/answers" \
	    --control all --format json "$T/part2.jsonl" "$T/part1.jsonl" \
	    > "$T/o2.json"
	check_files "D4 ($unit): permuted lines and files, same output" \
	    "$T/o1.json" "$T/o2.json"
	JUDGEPIPE_THREADS=1 run --num-rounds 50 --bootstrap $unit \
	    --answers "$D/answers" --control all --format json "$J" \
	    > "$T/t1.json"
	JUDGEPIPE_THREADS=5 run --num-rounds 50 --bootstrap $unit \
	    --answers "$D/answers" --control all --format json "$J" \
	    > "$T/t5.json"
	check_files "$unit: 1 thread = 5 threads" "$T/t1.json" "$T/t5.json"
done
run --num-rounds 50 --seed 7 --format csv "$J" > "$T/seed7.csv"
check "another seed changes the bounds, not the scores" awk -F, '
    NR == FNR { s[$1] = $2; lo[$1] = $3; next }
    { if (s[$1] != $2) bad++; if (lo[$1] != $3) diff++ }
    END { exit bad || !diff }' "$T/nc.csv" "$T/seed7.csv"
run --num-rounds 50 --reference-compat --format csv "$J" > "$T/c1.csv"
run --num-rounds 50 --reference-compat --format csv "$T/shuffled.jsonl" \
    > "$T/c2.csv"
check "--reference-compat keeps input order (bounds differ when shuffled)" \
    bash -c "! cmp -s '$T/c1.csv' '$T/c2.csv'"

# --output-dir: the CSV of each board, written atomically.
run --num-rounds 50 --answers "$D/answers" --control all --date 2025-01-02 \
    --output-dir "$T/out" "$J" > /dev/null
check_eq "output-dir: exactly the four CSV files, and stats/" \
    "length_control.csv markdown_control.csv no_control.csv stats \
style_control.csv" \
    "$(ls -A "$T/out" | tr '\n' ' ' | sed 's/ $//')"
check_eq "output-dir: stats/: the matrices of each board, observed, judges" \
    "judges.csv length_control_predicted.csv markdown_control_predicted.csv \
no_control_predicted.csv observed.csv style_control_predicted.csv" \
    "$(ls -A "$T/out/stats" | tr '\n' ' ' | sed 's/ $//')"
for b in no_control style length markdown; do
	f=$b
	[ $b = no_control ] && c=none || { c=$b; f=${b}_control; }
	run --num-rounds 50 --answers "$D/answers" --control $c \
	    --date 2025-01-02 --format csv "$J" > "$T/$f.csv"
	check_files "output-dir $f.csv = --format csv --control $c" \
	    "$T/$f.csv" "$T/out/$f.csv"
done
# Votes (no baseline with --elo online): the full square of observed win
# fractions and battle counts, and no question browser (no judgment).
"$SR" -q --elo online --format json --num-rounds 50 "$D/votes.jsonl" \
    > "$T/vjson" 2> "$T/verr"
check_eq "votes, --elo online: json exits 0, says nothing" "0 0" \
    "$? $(wc -c < "$T/verr")"
check_eq "votes: the observed square (4 x 4, 6 games a pair off the diagonal)" \
    "4 12 6" "$(jq -r 'select(.type == "matrix") | [(.models | length),
    ([.games[][] | select(. > 0)] | length), .games[0][1]] | join(" ")' \
    "$T/vjson")"
"$SR" -q --elo online --format html --num-rounds 50 --output-dir "$T/vdir" \
    "$D/votes.jsonl" 2> "$T/verr"
check_eq "votes: the report without browse/" \
    "index.html no_control.csv stats" \
    "$(ls -A "$T/vdir" | tr '\n' ' ' | sed 's/ $//')"
check_eq "votes: observed.csv has every ordered pair" 13 \
    "$(wc -l < "$T/vdir/stats/observed.csv")"
done_testing
