#!/bin/bash
# run-tests.sh: run every cmocka unit test (build/asan/test/*), every
# end-to-end case (cmd/*/*_test.sh) and a smoke run of every libFuzzer
# target (build/fuzz/bin/*, scripts/fuzz.sh smoke) and end with
# "N passed, N failed".
#
# A unit binary reports its cases in TAP.  A shell case may print TAP-like
# lines "ok - name", "not ok - name", "skip - name"; otherwise its exit
# status counts as one case (0 pass, 77 skipped, anything else failed).
# Usage: scripts/run-tests.sh [PATTERN]  (only tests whose path matches)
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
pat=${1:-}
pass=0 fail=0 skip=0
failed=()
logdir=$top/build/test-logs${pat:+-${pat//\//_}}
rm -rf "$logdir"
mkdir -p "$logdir"

export JUDGEPIPE_TOP=$top
# Tests keep artifacts (screenshots) under the log folder of the run.
export JUDGEPIPE_LOGDIR=$logdir
export JUDGEPIPE_BIN=${JUDGEPIPE_BIN:-$top/build/asan/bin}
export JUDGEPIPE_SHARED=${JUDGEPIPE_SHARED:-$(cd "$top/.." && pwd)/shared}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP
# Tests never use a user's cache or keys.
unset OPENAI_API_KEY ANTHROPIC_API_KEY OPENAI_BASE_URL JUDGEPIPE_CACHE
export XDG_CACHE_HOME=$top/build/test-cache

count() {	# name logfile status
	local name=$1 log=$2 st=$3 o n s
	# cmocka writes a skipped case as "not ok N - name # SKIP".
	o=$(grep -E '^ok( |$)' "$log" | grep -cvE '# (SKIP|skip)')
	n=$(grep -E '^not ok( |$)' "$log" | grep -cvE '# (SKIP|skip)')
	s=$(grep -cE '^(skip( |$)|(not )?ok .*# (SKIP|skip))' "$log")
	if [ $((o + n + s)) -eq 0 ]; then
		case $st in
		0) o=1 ;;
		77) s=1 ;;
		*) n=1 ;;
		esac
	elif [ "$st" -ne 0 ] && [ "$st" -ne 77 ] && [ "$n" -eq 0 ]; then
		n=1	# crashed or exited non-zero after its last case
	fi
	pass=$((pass + o)) fail=$((fail + n)) skip=$((skip + s))
	if [ "$n" -gt 0 ]; then
		failed+=("$name")
		echo "FAIL $name ($n failed, log: ${log#$top/})"
		grep -E '^not ok' "$log" | head -20 | sed 's/^/    /'
		tail -n 15 "$log" | sed 's/^/    | /'
	else
		printf 'ok   %s (%d passed%s)\n' "$name" "$o" \
			"$([ "$s" -gt 0 ] && echo ", $s skipped")"
	fi
}

for t in build/asan/test/*_test; do
	[ -x "$t" ] || continue
	case $t in *"$pat"*) ;; *) continue ;; esac
	name=${t#build/asan/test/}
	log=$logdir/$name.log
	(cd "$top" && timeout 300 "$t") >"$log" 2>&1
	count "unit/$name" "$log" $?
done
for t in cmd/*/*_test.sh; do
	[ -f "$t" ] || continue
	case $t in *"$pat"*) ;; *) continue ;; esac
	log=$logdir/$(echo "$t" | tr / _).log
	(cd "$top" && timeout 600 bash "$t") >"$log" 2>&1
	count "$t" "$log" $?
done

# The libFuzzer targets (make fuzzers): a short smoke run of each.
for t in build/fuzz/bin/*_fuzz; do
	[ -x "$t" ] || continue
	name=${t#build/fuzz/bin/}
	name=${name%_fuzz}
	case fuzz/$name in *"$pat"*) ;; *) continue ;; esac
	log=$logdir/fuzz_$name.log
	(cd "$top" && timeout 120 scripts/fuzz.sh smoke "$name") >"$log" 2>&1
	count "fuzz/$name" "$log" $?
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "failed: ${failed[*]}"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
