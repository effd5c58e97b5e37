# verdict_test.sh: the judge's attempts and verdicts against mock-llm's
# noverdict and conflict faults.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$(dirname "$0")/lib.sh"

# Seed 1 gives every case: a label at once, none then one, none twice,
# two labels at once, none then two labels.
start_mock --seed 1 --fault noverdict=0.5 --fault conflict=0.3
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --no-cache -q "$D/answers.jsonl" >"$T/out"
check_eq "exit 0" 0 $?
check_files "judgments byte-exact" "$D/judgments-verdict.expected" "$T/out"
games "$T/out" >"$T/games"
# Games whose first reply had a verdict label or two: one reply only.
grep -v 'yet\.' "$T/games" >"$T/once"
check_eq "a label at once: one reply" 3 \
    "$(grep -v 'On second thought' "$T/once" | grep -c '"score": "')"
check_eq "no label, then a label on the second attempt" 5 \
    "$(grep -c "yet\.\\\\nMock judgment [^\"]*verdict is: \[\[[AB<>=]*\]\]\", \"score\": \"[AB<>=]*\"}" "$T/games")"
check_eq "no label twice: null" 4 \
    "$(grep -c 'yet\.\\nMock[^"]*yet\.", "score": null}' "$T/games")"
check_eq "two labels at once: null, no retry" 2 \
    "$(grep -c 'On second thought[^"]*", "score": null}' "$T/once")"
check_eq "no label, then two labels: null" 2 \
    "$(grep -c 'yet\.\\nMock[^"]*On second thought[^"]*", "score": null}' "$T/games")"
# A second attempt is sent exactly when the first reply had no label.
check_eq "requests: one per reply" \
    "$(grep -o 'Mock judgment (' "$T/out" | wc -l | tr -d ' ')" \
    "$(log_lines "$MOCK_LOG")"
check "continue message sent" grep -q '"verdict"' "$MOCK_LOG"
stop_mock

# Every reply without a label: two attempts per game, all null.
MOCK_LOG=$T/mock2.log
start_mock --fault noverdict=1
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --no-cache -q "$D/answers.jsonl" >"$T/out2"
check_eq "noverdict=1: exit 0" 0 $?
check_eq "noverdict=1: all null" 16 "$(grep -o '"score": null' "$T/out2" | wc -l | tr -d ' ')"
check_eq "noverdict=1: two attempts per game" 32 "$(log_lines "$MOCK_LOG")"
stop_mock

# Every reply with two labels: no retry, all null.
MOCK_LOG=$T/mock3.log
start_mock --fault conflict=1
mock_api "$T/api.yaml"
judge --api-config "$T/api.yaml" --no-cache -q "$D/answers.jsonl" >"$T/out3"
check_eq "conflict=1: all null" 16 "$(grep -o '"score": null' "$T/out3" | wc -l | tr -d ' ')"
check_eq "conflict=1: one attempt per game" 16 "$(log_lines "$MOCK_LOG")"
done_testing
