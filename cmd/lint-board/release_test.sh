#!/bin/bash
# release_test.sh: make release writes dated release folders from the
# shipped Korean ensemble judgments: the four boards, provenance.json,
# lint.jsonl and CHANGES.md against the latest earlier release; it refuses
# a board with lint errors unless FORCE=1 and never overwrites a release.
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1
D=data/ko-arena-hard-v0.1
R=$T/leaderboard

# Ten models of the shipped data, 100 rounds: a small, real board.
mkdir -p "$T/in/ensemble" "$T/in/answers"
for m in claude-3.7-sonnet gpt-4o-mini deepseek-r1 o1-high gemma-3-27b-it \
    command-a nova-pro-v1 lfm-7b qwen-2.5-7b-instruct gemini-2.0-flash-001; do
	zstd -dcq "$D/model_judgment/ensemble/$m.jsonl.zst" \
	    >"$T/in/ensemble/$m.jsonl"
	cp "$D/answer_metadata/$m.jsonl.zst" "$T/in/answers/"
done
export RELEASES=$R BIN JUDGMENTS=$T/in/ensemble ANSWERS=$T/in/answers \
    JUDGE_DIRS= SHOW_FLAGS="--num-rounds 100"

make -s --no-print-directory release BENCH=ko DATE=20250328 \
    BIN="$BIN" >"$T/out1" 2>"$T/err1"
check_eq "make release BENCH=ko DATE=20250328: exit 0" 0 $?
r1=$R/ko_20250328
check_eq "  the four boards, provenance, lint, changes, report and stats" \
    "CHANGES.md length_control.csv lint.jsonl markdown_control.csv \
no_control.csv provenance.json report stats style_control.csv" \
    "$(ls "$r1" | tr '\n' ' ' | sed 's/ $//')"
check "  the HTML report" test -s "$r1/report/index.html"
check_eq "  upstream's CSV columns and the date" \
    "model,score,rating_q025,rating_q975,avg_tokens,elo_score,elo_rating_q025,\
elo_rating_q975,elo_CI,CI,date 2025-03-28" "$(head -n 1 "$r1/no_control.csv") \
$(sed -n 2p "$r1/no_control.csv" | awk -F, '{ print $NF }')"
check_eq "  provenance: bench, date, settings, inputs" \
    "ko 2025-03-28 question 100 42 10 10" "$(jq -r '[.bench, .date,
    .boards.no_control.bootstrap, .boards.no_control.num_rounds,
    .boards.no_control.seed, (.inputs.judgments | length),
    .boards.no_control.models] | join(" ")' "$r1/provenance.json")"
check_eq "  input digests are the files' SHA-256" \
    "$(sha256sum "$T/in/ensemble/lfm-7b.jsonl" | cut -c1-64)" \
    "$(jq -r '.inputs.judgments[] | select(.file | endswith("lfm-7b.jsonl")) |
    .sha256' "$r1/provenance.json")"
check_eq "  linted clean, the boards recomputed exactly" "0 0 false" \
    "$(jq -r '[.lint.errors, .lint.warnings, .lint.forced] | join(" ")' \
    "$r1/provenance.json")"
check "  the first release says so" grep -q "first release of ko" \
    "$r1/CHANGES.md"
check "  the release is announced" grep -q \
    "^release: wrote $R/ko_20250328 (10 models on no_control" "$T/err1"

# A week later: one model gone, one new, one re-judged for the better.
rm "$T/in/ensemble/lfm-7b.jsonl" "$T/in/answers/lfm-7b.jsonl.zst"
zstd -dcq "$D/model_judgment/ensemble/o3-mini-high.jsonl.zst" \
    >"$T/in/ensemble/o3-mini-high.jsonl"
cp "$D/answer_metadata/o3-mini-high.jsonl.zst" "$T/in/answers/"
sed -i 's/"score": "A>>B"}, {"score": "B>>A"}/"score": "B>>A"}, {"score": "A>>B"}/' \
    "$T/in/ensemble/gpt-4o-mini.jsonl"
BENCH=ko DATE=20250404 scripts/release >"$T/out2" 2>"$T/err2"
check_eq "a second release a week later: exit 0" 0 $?
r2=$R/ko_20250404
check_eq "  two release folders" "ko_20250328 ko_20250404" \
    "$(ls "$R" | tr '\n' ' ' | sed 's/ $//')"
check "  CHANGES.md against ko_20250328" grep -q \
    "^From ko\\\\_20250328 to ko\\\\_20250404\\.$" "$r2/CHANGES.md"
check "  lists the model added" grep -q "^| o3-mini-high | " "$r2/CHANGES.md"
check "  lists the model removed" grep -q "^| lfm-7b | " "$r2/CHANGES.md"
check "  lists the model re-judged, beyond its old interval" grep -qE \
    "^\\| gpt-4o-mini \\| .* \\| \\+[0-9.]+ \\| .* \\| \\*\\*yes\\*\\* \\|$" \
    "$r2/CHANGES.md"
board-diff() { "$BIN/board-diff" "$@"; }
check_eq "  board-diff agrees: one added, one removed per board" \
    "1 1 1 1 1 1 1 1" "$(board-diff "$r1" "$r2" | jq -r 'select(.type ==
    "board") | "\(.added) \(.removed)"' | tr '\n' ' ' | sed 's/ $//')"

# Never overwritten; refused on lint errors unless forced.
touch -d '2000-01-01' "$r2/no_control.csv"
BENCH=ko DATE=20250404 scripts/release >/dev/null 2>"$T/err3"
check_eq "the same date again: exit 73" 73 $?
check "  the release is left as it was" test "$(stat -c %Y \
    "$r2/no_control.csv")" = "$(date -d 2000-01-01 +%s)"
check "  message" grep -q "ko_20250404' exists: a release is never \
overwritten" "$T/err3"
head -n 1 "$T/in/ensemble/gpt-4o-mini.jsonl" >>"$T/in/ensemble/gpt-4o-mini.jsonl"
BENCH=ko DATE=20250411 scripts/release >/dev/null 2>"$T/err4"
check_eq "a judgment twice (a lint error): refused, exit 65" 65 $?
check "  nothing released, nothing left over" test "$(ls -A "$R" |
    tr '\n' ' ')" = ".lock ko_20250328 ko_20250404 "
check "  the error is shown" grep -q "error: redundant: model 'gpt-4o-mini'" \
    "$T/err4"
FORCE=1 BENCH=ko DATE=20250411 scripts/release >/dev/null 2>"$T/err5"
check_eq "FORCE=1 releases anyway" 0 $?
check_eq "  and says so in provenance.json" "true" \
    "$(jq -r '.lint.forced' "$R/ko_20250411/provenance.json")"
check "  CHANGES.md against the latest earlier release" grep -q \
    "^From ko\\\\_20250404 to ko\\\\_20250411\\.$" "$R/ko_20250411/CHANGES.md"
DATE=20250230 scripts/release >/dev/null 2>&1
check_eq "a date that does not exist: 64" 64 $?
(exec 9>>"$R/.lock"; flock 9; BENCH=ko DATE=20250418 scripts/release \
    >/dev/null 2>&1; echo $? >"$T/locked")
check_eq "another release holding the lock: 75" 75 "$(cat "$T/locked")"
done_testing
