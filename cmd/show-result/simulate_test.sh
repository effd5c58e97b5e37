#!/bin/bash
# simulate_test.sh: coverage of the bootstrap intervals on simulated
# leaderboards with known true win rates.  The generator,
# scripts/simulate-battles.c, is compiled here: 20 models, 500 questions, a
# question effect and a (model, question) effect shared by both games,
# ties and strong verdicts in realistic shares.
. "$(dirname "$0")/../../scripts/testlib.sh"

SR=$BIN/show-result
CC=${CC:-cc}
NQ=${SIM_BOARDS:-30}		# boards for the default (question) bootstrap
NB=${SIM_BATTLE_BOARDS:-10}	# boards for --bootstrap battle

if ! "$CC" -O2 -o "$T/simulate" "$TOP/scripts/simulate-battles.c" -lm; then
	notok "simulate-battles.c compiles"
	done_testing
fi
ok "simulate-battles.c compiles"

# The judgments do not name the baseline: its answers do.
echo '{"question_id": "q1", "model_id": "base", "choices": [{"index": 0, "turns": [{"content": "x"}]}]}' >"$T/base.jsonl"

# coverage BOARDS ARGS...: "covered total" over boards with seeds 1..BOARDS.
coverage() {
	local n=$1 s c t cov=0 tot=0
	shift
	for s in $(seq 1 "$n"); do
		"$T/simulate" -s "$s" -t "$T/truth.$s" > "$T/sim.$s.jsonl" \
		    2> "$T/sim.$s.err" || return 1
		"$SR" -q --baseline base --answers "$T/base.jsonl" \
		    --format csv "$@" "$T/sim.$s.jsonl" \
		    > "$T/res.csv" || return 1
		read -r c t < <(awk 'NR == FNR { t[$1] = $2; next }
		    FNR > 1 && ($1 in t) { n++; if (t[$1] >= $3 && t[$1] <= $4)
		    c++ } END { print c + 0, n + 0 }' "$T/truth.$s" FS=, \
		    "$T/res.csv")
		cov=$((cov + c))
		tot=$((tot + t))
	done
	echo "$cov $tot"
}
pct() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.1f", 100 * c / t }'; }

read -r c t < <(coverage "$NQ")
echo "# $(cat "$T/sim.1.err")"
check_eq "simulation: 19 models rated per board" $((19 * NQ)) "$t"
p=$(pct "$c" "$t")
echo "# coverage, default (question bootstrap, 1000 rounds): $c/$t = $p%"
check "default intervals contain the true win rate >= 92% ($p%)" \
    awk -v p="$p" 'BEGIN { exit !(p >= 92) }'

read -r c t < <(coverage "$NB" --bootstrap battle)
p=$(pct "$c" "$t")
echo "# coverage, --bootstrap battle (1000 rounds): $c/$t = $p%"
check "battle-row intervals computed ($p%)" test "$t" -eq $((19 * NB))
done_testing
