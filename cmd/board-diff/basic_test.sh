#!/bin/bash
# basic_test.sh: board-diff on release folders and files, both formats,
# the pairing rules and every exit status.
. "$(dirname "$0")/../../scripts/testlib.sh"

D=testdata/board-diff
cd "$TOP" || exit 1

"$BIN/board-diff" $D/old $D/new > "$T/dirs.json"
check_files "folders: JSON lines" $D/dirs.expected "$T/dirs.json"
"$BIN/board-diff" --format markdown $D/old $D/new > "$T/dirs.md"
check_files "folders: markdown" $D/dirs.md.expected "$T/dirs.md"
check_eq "folders: boards in board order, one side only marked" \
    "no_control compared|style_control removed|length_control added" \
    "$(jq -r 'select(.type == "board") | "\(.board) \(.change)"' \
    "$T/dirs.json" | tr '\n' '|' | sed 's/|$//')"
check_eq "o3-mini-high left its old interval, the others did not" \
    "o3-mini-high" "$(jq -r 'select(.beyond_old_interval == true) |
    .model' "$T/dirs.json")"

# Two files: one board, whatever the names.
cp $D/new/no_control.csv "$T/other-name.csv"
"$BIN/board-diff" $D/old/no_control.csv "$T/other-name.csv" > "$T/f.json"
check_eq "two files: the no_control lines of the folder diff" \
    "$(grep '"no_control"' "$T/dirs.json" | grep -v '"board", "board"')" \
    "$(grep -v '"type": "board"' "$T/f.json" |
    sed 's/"board": "other-name"/"board": "no_control"/')"
# A file against a folder: the folder's board of that name.
"$BIN/board-diff" $D/old $D/new/no_control.csv > "$T/fd.json"
check_eq "folder and file: one board compared" "1 no_control" \
    "$(jq -r 'select(.type == "board") | .board' "$T/fd.json" | wc -l |
    tr -d ' ') $(jq -r 'select(.type == "board") | .board' "$T/fd.json")"
check_exit "file and folder without that board: 66" 66 \
    "$BIN/board-diff" $D/new/length_control.csv $D/old 2> "$T/err"
check_eq "  message" "board-diff: no board 'length_control.csv' in \
'$D/old'" "$(cat "$T/err")"
"$BIN/board-diff" $D/new $D/new > "$T/same.json"
check_eq "a board against itself: exit 0" 0 $?
check_eq "  only board lines, all unchanged" "2 0" \
    "$(wc -l < "$T/same.json" | tr -d ' ') $(jq -s \
    'map(.added + .removed + .changed) | add' "$T/same.json")"

# Bad input.
check_exit "usage: one operand is 64" 64 "$BIN/board-diff" $D/old 2>/dev/null
check_exit "usage: bad --format is 64" 64 "$BIN/board-diff" --format csv \
    $D/old $D/new 2>/dev/null
check_exit "missing operand is 66" 66 "$BIN/board-diff" $D/old \
    "$T/absent" 2> "$T/err"
check "  names the file" grep -q "cannot open '$T/absent'" "$T/err"
mkdir "$T/empty"
check_exit "a folder without boards is 66" 66 "$BIN/board-diff" \
    "$T/empty" $D/new 2>/dev/null
sed '3s/,52.31,/,,/' $D/new/no_control.csv > "$T/bad.csv"
check_exit "an empty score is 65" 65 "$BIN/board-diff" $D/old/no_control.csv \
    "$T/bad.csv" 2> "$T/err"
check_eq "  file:line: message" "board-diff: $T/bad.csv:3: 'score' of \
model 'o3-mini-high' is not a number: ''" "$(cat "$T/err")"
printf 'model,score\n"a,1\n' > "$T/quote.csv"
check_exit "an unterminated quote is 65" 65 "$BIN/board-diff" "$T/quote.csv" \
    $D/old/no_control.csv 2>/dev/null
check_exit "--help is 0" 0 "$BIN/board-diff" --help > /dev/null
check_eq "--version" "board-diff (judgepipe) $(sed -n \
's/^VERSION *= *//p' Makefile)" "$("$BIN/board-diff" --version)"

# The published Korean boards against themselves and against the fork's
# files with one row changed.
if have_shared; then
	P=$SHARED/ko-arena-hard-v0.1/published/20250328_ensemble
	"$BIN/board-diff" "$P" "$P" > "$T/pub.json"
	check_eq "published boards against themselves: 4 x 55 unchanged" \
	    "55 55 55 55" "$(jq -r '.unchanged' "$T/pub.json" | tr '\n' ' ' |
	    sed 's/ $//')"
	mkdir "$T/pub2"
	cp "$P"/*.csv "$T/pub2/"
	sed -i '/^gpt-4o-mini,/d' "$T/pub2/style_control.csv"
	"$BIN/board-diff" "$P" "$T/pub2" > "$T/pub2.json"
	check_eq "one row dropped from style_control: only it is removed" \
	    "style_control gpt-4o-mini" \
	    "$(jq -r 'select(.change == "removed") |
	    "\(.board) \(.model)"' "$T/pub2.json")"
else
	skip "published boards: ../shared/data absent"
fi
# Standard output closed: the differences would go nowhere (74).
"$BIN/board-diff" "$D/old" "$D/new" >&- 2>"$T/closed.err"
check_eq "stdout closed: exit 74" 74 $?
check_eq "stdout closed: message" "board-diff: standard output is closed" \
    "$(cat "$T/closed.err")"
done_testing
