#!/bin/bash
# configs_test.sh: unknown keys of the judge and API configs are confusing
# (an error when a known key is within two edits, a warning otherwise), a
# baseline other than the config's is mismatched; the shipped configs are
# clean.
. "$(dirname "$0")/../../scripts/testlib.sh"
LB=$BIN/lint-board
lint() { "$LB" "$@" >"$T/out" 2>"$T/err"; LINT_RC=$?; }
msg() { jq -r --arg s "$1" 'select(.smell == $s) |
    "\(.severity) \(.where) \(.message)"' "$T/out"; }

for c in "$TOP"/configs/*.yaml; do
	case $c in
	*-answer.yaml) continue ;;	# gen-answer's --bench-config
	*/api*.yaml) lint --api-config "$c" ;;
	*) lint -c "$c" ;;
	esac
	check_eq "shipped ${c#$TOP/}: no finding, exit 0" "0 " \
	    "$LINT_RC $(cat "$T/out")"
done

cp "$TOP/configs/ko.yaml" "$T/ko.yaml"
printf 'temprature: 0.7\nnotes: for the record\n' >>"$T/ko.yaml"
n=$(wc -l <"$T/ko.yaml")
lint -c "$T/ko.yaml"
check_eq "judge config typo: exit 1" 1 "$LINT_RC"
check_eq "  an error naming the key it resembles, at its line" \
    "error $T/ko.yaml:$((n - 1)) unknown key 'temprature' (did you mean \
'temperature'?): judgepipe ignores it" "$(msg confusing | head -n 1)"
check_eq "  an unknown key like no other: a warning" \
    "warning $T/ko.yaml:$n unknown key 'notes': judgepipe ignores it" \
    "$(msg confusing | sed -n 2p)"

cat >"$T/api.yaml" <<'YAML'
m1:
    model_name: m1
    paralel: 8
    tokenizer: cl100k
    endpoints:
        - api_base: http://127.0.0.1:9/v1
          api_kye: secret
m2:
    model_name: m2
    rpm: 100
YAML
lint --api-config "$T/api.yaml"
check_eq "API config typos: entry and endpoint keys, upstream's tokenizer \
allowed" "error $T/api.yaml:3 unknown key 'paralel' in entry 'm1' (did you \
mean 'parallel'?): judgepipe ignores it
error $T/api.yaml:7 unknown key 'api_kye' in endpoint 1 of entry 'm1' (did \
you mean 'api_key'?): judgepipe ignores it" "$(msg confusing)"
check "  the value of a misspelt key is not printed" \
    bash -c '! grep -q secret "$1"' _ "$T/out"

lint -c "$TOP/configs/ko.yaml" --baseline gpt-4o-mini
check_eq "a --baseline other than the config's: mismatched error" \
    "error $TOP/configs/ko.yaml the judge config's baseline_model is \
'claude-3.7-sonnet', the board's baseline 'gpt-4o-mini'" "$(msg mismatched)"

printf 'judge_model: [unclosed\n' >"$T/bad.yaml"
lint -c "$T/bad.yaml"
check_eq "a config that is not YAML: exit 78" 78 "$LINT_RC"
lint -c "$T/absent.yaml"
check_eq "a config that does not exist: exit 66" 66 "$LINT_RC"
done_testing
