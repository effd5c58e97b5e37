#!/bin/bash
# docs_test.sh: the project documents itself: no file cites the team's
# SPEC (users do not have it); judgepipe(7) and judgepipe-formats(5) render
# cleanly, every manual and the READMEs point to them, and the README shows
# the dry run and the mock config.
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1

cites=$(grep -rIlw -e SPEC -e 'SPEC\.md' --exclude-dir=build --exclude-dir=bin \
    --exclude-dir=.git --exclude-dir=node_modules --exclude-dir='runs*' . |
    grep -v '^./cmd/gen-answer/docs_test.sh$')
check_eq "no file cites SPEC" "" "$cites"
check_eq "no section sign citation" "" \
    "$(grep -rIl '§[0-9]' --exclude-dir=build --exclude-dir=bin \
    --exclude-dir=.git --exclude-dir=node_modules . | grep -v '^./testdata/tokenizer/')"

if command -v man >/dev/null; then
	for p in man/judgepipe.7 man/judgepipe-formats.5; do
		MANWIDTH=80 man -l "$p" >"$T/out" 2>"$T/err"
		check "$p renders" test -s "$T/out"
		check_eq "$p renders without warnings" "" "$(cat "$T/err")"
	done
else
	skip "manual pages render (man not installed)"
fi
for p in man/*.1; do
	check "$p points to judgepipe(7) and judgepipe-formats(5)" \
	    bash -c "sed -n '/^\.Sh SEE ALSO/,/^\.Sh/p' '$p' |
	    grep -q '^\.Xr judgepipe 7' && sed -n '/^\.Sh SEE ALSO/,/^\.Sh/p' '$p' |
	    grep -q '^\.Xr judgepipe-formats 5'"
done
for w in man/judgepipe.7 man/judgepipe-formats.5 scripts/dry-run.sh \
    configs/api-mock.yaml; do
	check "README mentions $w" grep -qF "$w" README.md
done
check "data/README.md points to judgepipe-formats(5)" \
    grep -qF judgepipe-formats data/README.md
# The formats page covers every record and config.
for s in Question Answer Judgment 'Ensemble judgment' 'Crowd vote' \
    'Pairwise-all judgment' 'Single-grading judgment' 'Arena vote log' \
    'Provenance keys' 'Failure records' Leaderboards 'API config' \
    'Judge config' 'The cache'; do
	check "judgepipe-formats(5) has a section '$s'" \
	    grep -qx "\.Ss $s" man/judgepipe-formats.5
done
done_testing
