#!/bin/bash
# config_test.sh: where the API config is found without --api-config:
# $JUDGEPIPE_API_CONFIG, then config/api_config.yaml (arena-hard-auto's
# layout), then configs/api.yaml (this repository's); the error lists what
# was tried.
. "$(dirname "$0")/../../scripts/testlib.sh"
. "$TOP/testdata/gen-answer/lib.sh"
unset JUDGEPIPE_API_CONFIG
start_mock
mkdir -p "$T/w" && cd "$T/w" || exit 1
printf '%s\n' '{"question_id": "a", "turns": [{"content": "hello"}]}' >q.jsonl

"$GA" -m mock --no-cache q.jsonl >out 2>err
check_eq "none found: exit 66" 66 $?
check_eq "none found: the error lists what was tried" \
    "gen-answer: no API config: tried 'config/api_config.yaml', 'configs/api.yaml' (give --api-config file or set JUDGEPIPE_API_CONFIG)" \
    "$(cat err)"
JUDGEPIPE_API_CONFIG=$T/none.yaml "$GA" -m mock --no-cache q.jsonl 2>err
check "none found: \$JUDGEPIPE_API_CONFIG listed first" grep -q \
    "tried '$T/none.yaml' (\$JUDGEPIPE_API_CONFIG), 'config/api_config.yaml', 'configs/api.yaml'" err
check_eq "none found: no request" 0 "$(cat "$MOCK_LOG" 2>/dev/null | wc -l)"

# configs/api.yaml, the repository's layout, is found.
mkdir configs
api_config configs/api.yaml "$MOCK_URL" "parallel: 1"
"$GA" -q -m mock --no-cache q.jsonl >out
check_eq "configs/api.yaml: used" "0 1" "$? $(wc -l <out)"
# config/api_config.yaml, upstream's, comes first.
mkdir config
printf 'other:\n  model_name: x\n  endpoints:\n    - api_base: %s\n  api_type: openai\n  parallel: 1\n' \
    "$MOCK_URL" >config/api_config.yaml
"$GA" -m mock --no-cache q.jsonl >/dev/null 2>err
check_eq "config/api_config.yaml first: its entries" \
    "gen-answer: config/api_config.yaml: no entry 'mock'" "$(cat err)"
# $JUDGEPIPE_API_CONFIG before both; a missing one is warned about.
JUDGEPIPE_API_CONFIG=configs/api.yaml "$GA" -q -m mock --no-cache q.jsonl \
    >out
check_eq "\$JUDGEPIPE_API_CONFIG first" "0 1" "$? $(wc -l <out)"
rm config/api_config.yaml
JUDGEPIPE_API_CONFIG=missing.yaml "$GA" -m mock --no-cache q.jsonl \
    >out 2>err
check_eq "missing \$JUDGEPIPE_API_CONFIG: the next one read" "0 1" \
    "$? $(wc -l <out)"
check "missing \$JUDGEPIPE_API_CONFIG: a warning" grep -q \
    "^gen-answer: warning: no file 'missing.yaml' (\$JUDGEPIPE_API_CONFIG): using 'configs/api.yaml'$" err
done_testing
