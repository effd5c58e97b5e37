#!/bin/bash
# install_test.sh: "make install PREFIX=..." installs commands, manual
# pages and data, and the installed gen-answer finds its tokenizer there.
. "$(dirname "$0")/../../scripts/testlib.sh"
cd "$TOP" || exit 1
make --no-print-directory -s install PREFIX="$T/inst" >"$T/out" 2>&1
check_exit "make install exits 0" 0 test $? -eq 0
for c in gen-answer gen-judgment ensemble-judgment show-result mock-llm; do
	check "$c installed and runs" "$T/inst/bin/$c" --version
	check "$c(1) installed" test -s "$T/inst/share/man/man1/$c.1"
done
check "judgepipe-formats(5) installed" \
    test -s "$T/inst/share/man/man5/judgepipe-formats.5"
check "judgepipe(7) installed" test -s "$T/inst/share/man/man7/judgepipe.7"
check "tokenizer data installed" test -s "$T/inst/share/judgepipe/cl100k_base.tiktoken"
printf '%s\n' '{"question_id": "q", "model_id": "m", "choices": [{"index": 0, "turns": [{"content": "# Hi\n\nhello world"}]}]}' |
	env -u JUDGEPIPE_TOKENIZER "$T/inst/bin/gen-answer" --annotate >"$T/a.jsonl"
check "the installed gen-answer counts tokens with the installed rank file" \
	grep -q '"token_len": 5, "header_count": {"h1": 1,' "$T/a.jsonl"
done_testing
