# ko_test.sh: ensemble-judgment over the Korean fork's 55 ensemble files, read
# as the one judge "ensemble", reproduces every input line byte for byte.
. "$(dirname "$0")/../../scripts/testlib.sh"
E=$SHARED/ko-arena-hard-v0.1/model_judgment/ensemble
if ! [ -d "$E" ]; then
	skip "ko ensemble files reproduced (no $E)"
	done_testing
fi
"$BIN/ensemble-judgment" --judges ensemble --ensure-ascii "$E"/*.jsonl \
    >"$T/out" 2>"$T/err"
check_eq "ko: exit 0" 0 $?
check_eq "ko: no warnings" "" "$(cat "$T/err")"
LC_ALL=C sort "$T/out" >"$T/out.sorted"
cat "$E"/*.jsonl | LC_ALL=C sort >"$T/in.sorted"
check_eq "ko: 27500 lines" 27500 "$(wc -l <"$T/out")"
check_files "ko: input lines reproduced as a set" "$T/in.sorted" "$T/out.sorted"
# Sorted by model, then question_id.
check "ko: output sorted" sh -c "cut -d'\"' -f4,8 '$T/out' | awk -F'\"' '{print \$2 \"\\t\" \$1}' | LC_ALL=C sort -c"
done_testing
