#!/bin/bash
# published_test.sh: published board CSVs: rows out of score order, CI
# strings that disagree with their bounds, empty and NaN cells, missing
# columns and repeated rows; models judged but not on the board and the
# reverse.  The boards the pipeline writes and the published Korean and
# upstream boards are clean.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"
make_board
P=$B/no_control.csv

lint --published "$B"
check_eq "the pipeline's four boards: clean" "0 " "$LINT_RC $(cat "$T/out")"
if have_shared; then
	for p in ko-arena-hard-v0.1/published/20250328_ensemble \
	    arena-hard-v0.1/published m-arena-hard-zh/published; do
		lint --published "$SHARED/$p"
		check_eq "published ${p%%/*}: clean" "0 " \
		    "$LINT_RC $(cat "$T/out")"
	done
else
	skip "published boards: ../shared/data absent"
fi

# bad CSV: a copy of the no-control board with one defect.
bad() {	# NAME AWK-PROGRAM: $T/b/no_control.csv = the board through awk
	mkdir -p "$T/b"
	awk -F, -v OFS=, "$2" "$P" >"$T/b/no_control.csv"
	lint --published "$T/b/no_control.csv"
}
bad order 'NR == 2 { keep = $0; next } NR == 3 { print; print keep; next } 1'
found "two rows swapped: misdisplayed error" misdisplayed error \
    '^board:no_control$' "not in score order"
check_eq "  exit 1" 1 "$LINT_RC"
bad ci 'NR == 2 { sub(/"\(-[0-9.]*, /, "\"(-9.99, ") } 1'
found "a CI string off its bounds" misdisplayed error '^score:no_control/' \
    "'(elo_)?CI' of model .* says \\(-9.99"
bad empty 'NR == 3 { $2 = "" } 1'
found "an empty score" misdisplayed error '^score:no_control/' \
    "'score' of model .* is empty"
bad nan 'NR == 3 { $3 = "nan" } 1'
found "a NaN bound" misdisplayed error '^score:no_control/' \
    "'rating_q025' of model .* is not a number: 'nan'"
bad column '{ NF = NF - 1 } 1'
found "the date column cut off" misdisplayed error '^board:no_control$' \
    "no 'date' column"
bad cells 'NR == 4 { NF = 5 } 1'
found "a short row" misdisplayed error '^board:no_control$' "has 5 cells"
bad twice 'NR == 3 { print } 1'
found "a row listed twice: redundant" redundant error '^model:' \
    "listed twice on board 'no_control'"
check_eq "  only that" 1 "$(jq -s length "$T/out")"

# Who is on the board.
fresh
sed -i '/^m-weak,/d' "$M/no_control.csv"
printf 'm-ghost,10.0,9.0,11.0,100.0,800.0,790.0,810.0,"(-10.00, +10.00)",'`
    `'"(-1.00, +1.00)",2026-01-01\n' >>"$M/style_control.csv"
lint "${LINT_ARGS[@]}"
found "a judged model missing from a board" missing error '^model:m-weak$' \
    "has judgments by 'ensemble' but is not on board 'no_control'"
found "a model on a board without judgments" missing error \
    '^model:m-ghost$' "on board 'style_control' but has no judgments"
found "  which leaves style_control not recomputed" missing warning \
    '^board:style_control$' "1 of its models has no answers"
check_eq "  nothing else" 3 "$(jq -s length "$T/out")"
done_testing
