#!/bin/bash
# stats_test.sh: mismatched published numbers.  lint-board recomputes each
# published board with show-result's statistics: the pipeline's own boards
# and the Korean fork's published and reference boards agree; an edited
# score, bound, Elo value or avg_tokens is found, at its row, with the
# settings named and said to be assumed or not.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
make_board

args "$B"
lint "${LINT_ARGS[@]}"
check_eq "the pipeline's boards, settings given: clean" "0 " \
    "$LINT_RC $(cat "$T/out")"

# edit BOARD MODEL COLUMN VALUE: set a cell of $M/BOARD.csv.
edit() {
	awk -F, -v OFS=, -v m="$2" -v c="$3" -v v="$4" 'NR == 1 {
	    for (i = 1; i <= NF; i++) if ($i == c) k = i }
	    NR > 1 && $1 == m { $k = v } 1' "$B/$1.csv" >"$M/$1.csv"
}
fresh
edit no_control m-good score 99.5
lint "${LINT_ARGS[@]}"
found "an edited score: error" mismatched error '^score:no_control/m-good$' \
    "^score of model 'm-good' on no_control: published 99.50, recomputed"
check "  at its row" test "$(jq -r 'select(.smell == "mismatched") | .where' \
    "$T/out")" = "$M/no_control.csv:$(grep -n '^m-good,' "$M/no_control.csv" |
    cut -d: -f1)"
check "  naming the settings, given" grep -q "tolerance 0.01; bootstrap \
question, 1000 rounds, seed 42, weight 3; as given" "$T/out"
check_eq "  the only mismatched finding" 1 "$(count mismatched '.*' '.*')"

fresh
edit style_control m-weak score 1.0
edit length_control m-weak avg_tokens 1.0
edit markdown_control m-weak elo_score 1.0
lint "${LINT_ARGS[@]}"
found "style_control score" mismatched error '^score:style_control/m-weak$' \
    "tolerance 0.05"
found "length_control avg_tokens" mismatched error \
    '^score:length_control/m-weak$' "^avg_tokens"
found "markdown_control elo_score" mismatched error \
    '^score:markdown_control/m-weak$' "^elo_score"

# Bounds: exact with the settings given; with assumed ones, what chance
# explains (another stream or unit) is one warning, an interval more than
# 4 times wider or narrower an error.
fresh
low=$(awk -F, '$1 == "m-good" { print $3 }' "$B/no_control.csv")
edit no_control m-good rating_q025 "$(awk -v x="$low" \
    'BEGIN { printf "%.2f", x - 0.3 }')"
lint "${LINT_ARGS[@]}"
found "a bound 0.3 off, settings given: error" mismatched error \
    '^score:no_control/m-good$' "^rating_q025"
drop --bootstrap; drop question; drop --num-rounds; drop 1000
drop --seed; drop 42
lint "${LINT_ARGS[@]}"
found "  settings assumed: the intervals differ, one warning per board" \
    mismatched warning '^board:no_control$' \
    "the intervals of [0-9]+ models differ .*assumed: the reference's"
check_eq "  and no mismatched error" 0 "$(count mismatched error '.*')"
fresh
score=$(awk -F, '$1 == "m-good" { print $2 }' "$B/no_control.csv")
edit no_control m-good rating_q025 "$score"
args "$M"
drop --bootstrap; drop question; drop --num-rounds; drop 1000
drop --seed; drop 42
lint "${LINT_ARGS[@]}"
found "  a bound at the score (no interval) is an error even so" \
    mismatched error \
    '^score:no_control/m-good$' "^rating_q025 .*assumed"

# A release's provenance.json records the settings: rounding tolerance.
fresh
printf '{"boards": {"no_control": {"bootstrap": "question", "num_rounds": '`
    `'1000, "seed": 42, "rng": "xoshiro256**", "weight": 3, '`
    `'"first_game_only": false}}}\n' >"$M/provenance.json"
score=$(awk -F, '$1 == "m-good" { print $2 }' "$B/no_control.csv")
edit no_control m-good score "$(awk -v x="$score" \
    'BEGIN { printf "%.2f", x + 0.01 }')"
args "$M"
drop --bootstrap; drop question; drop --num-rounds; drop 1000
drop --seed; drop 42
lint "${LINT_ARGS[@]}"
found "settings from provenance.json: 0.01 off is an error" mismatched \
    error '^score:no_control/m-good$' "tolerance 0.005.*recorded in \
provenance.json"
printf '{"boards": 3}\n' >"$M/provenance.json"
lint "${LINT_ARGS[@]}"
check_eq "a provenance.json of another shape: exit 65" 65 "$LINT_RC"

# Control boards made without a model that has no answers (show-result
# --allow-missing-metadata) are recomputed the same way.
fresh
rm "$M/answers/m-weak.jsonl"
"$BIN/show-result" -q --baseline claude-3.7-sonnet --control all \
    --allow-missing-metadata --answers "$M/answers" --output-dir "$M" \
    "$M"/ensemble/*.jsonl >/dev/null
lint "${LINT_ARGS[@]}"
check_eq "boards without the model that has no answers: recomputed, clean" \
    "0 missing:model:m-weak" "$(count mismatched '.*' '.*') $(jq -r \
    '"\(.smell):\(.entity)"' "$T/out" | sort -u | tr '\n' ' ' |
    sed 's/ $//')"

# The Korean fork's boards, from the data the project ships.
if have_shared; then
	K=$SHARED/ko-arena-hard-v0.1
	D=$TOP/data/ko-arena-hard-v0.1
	lint -c "$CFG" --questions "$D/question.jsonl" \
	    --answers "$D/answer_metadata" --published \
	    "$K/published/20250328_ensemble" "$D/model_judgment/ensemble"
	check_eq "published 20250328 from the shipped data: exit 0" 0 \
	    "$LINT_RC"
	check_eq "  no_control recomputed, nothing mismatched" 0 \
	    "$(count mismatched '.*' '.*')"
	check_eq "  the control boards are not (4 models lack answers)" 3 \
	    "$(count missing warning '^board:' 'not recomputed')"
	mkdir -p "$T/pub"
	cp "$K"/published/20250328_ensemble/*.csv "$T/pub/"
	sed -i 's/^gpt-4o-mini,16.07,/gpt-4o-mini,16.57,/' \
	    "$T/pub/no_control.csv"
	lint -c "$CFG" --published "$T/pub" "$D/model_judgment/ensemble"
	check_eq "  one row edited: exactly that row mismatched" \
	    "score:no_control/gpt-4o-mini" \
	    "$(jq -r 'select(.smell == "mismatched") | .entity' "$T/out")"
	mapfile -t files < <(sed "s|^|$D/model_judgment/ensemble/|; \
s|\$|.zst|" "$K/expected/ko51/file_order.txt")
	lint -c "$CFG" --answers "$D/answer_metadata" --published \
	    "$K/expected/ko51" "${files[@]}"
	check_eq "reference boards of the 51 models, four boards: clean" \
	    "0 " "$LINT_RC $(cat "$T/out")"
else
	skip "published Korean boards: ../shared/data absent"
fi
done_testing
