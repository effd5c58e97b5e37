# alias_test.sh: YAML aliases that expand without bound are refused (78)
# at the line where they cross the limit, at once and in little memory.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
cd "$T" || exit 1

# bomb LEVELS: level i is a list of nine aliases of level i - 1.
bomb() {
	local i k s
	echo 'a0: &a0 ["lol"]'
	for i in $(seq 1 "$1"); do
		s=
		for k in 1 2 3 4 5 6 7 8 9; do s="$s${s:+, }*a$((i - 1))"; done
		echo "a$i: &a$i [$s]"
	done
}
# On a build without the bound, stop the test before it takes the machine.
guard() {
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:hard_rss_limit_mb=400 timeout 30 "$@"
}

start_mock
{ bomb 9; printf 'mock:\n    model_name: m\n    extra_body: {x: *a9}\n'
    printf '    endpoints:\n        - api_base: %s\n' "$MOCK_URL"; } >bomb.yaml
check "the bomb is under 700 bytes" test "$(wc -c <bomb.yaml)" -lt 700
first_questions 2 q.jsonl
guard "$GA" -m mock --api-config bomb.yaml --cache c q.jsonl >out 2>err
check_eq "api config bomb: exit 78" 78 $?
check_eq "api config bomb: message" \
    "gen-answer: bomb.yaml:6: YAML aliases expand to more than 50000 nodes" \
    "$(cat err)"
check_eq "api config bomb: no request" 0 "$(wc -l <"$MOCK_LOG")"

# Seven levels in an entry that is not even used.
api_config unused.yaml "$MOCK_URL"
{ echo 'unused:'; bomb 7 | sed 's/^/    /'; } >>unused.yaml
guard "$GA" -m mock --api-config unused.yaml --cache c q.jsonl >out 2>err
check_eq "bomb in an unused entry: exit 78" 78 $?
check "bomb in an unused entry: file:line" \
    grep -q '^gen-answer: unused.yaml:12: YAML aliases expand' err

# Aliases within reason still work (configs/api-mock.yaml merges one).
api_config fine.yaml "$MOCK_URL"
{ echo 'lists:'; bomb 3 | sed 's/^/    /'; } >>fine.yaml
"$GA" -m mock --api-config fine.yaml --cache c q.jsonl >out 2>/dev/null
check_eq "a few hundred alias copies: exit 0" 0 $?
check_eq "a few hundred alias copies: answered" 2 "$(wc -l <out)"
done_testing
