#!/bin/bash
# fuzz.sh: run the libFuzzer targets (build/fuzz/bin/<target>_fuzz, built by
# "make fuzzers" from common/<target>_fuzz.c).
#
# Usage: scripts/fuzz.sh run [target ...]
#            fuzz each target (all by default) for FUZZ_SECONDS (60) and
#            report CPU time, runs, coverage and crashes; the corpus grows
#            in build/fuzz/corpus/<target>, crashing inputs are written to
#            build/fuzz/crash/
#        scripts/fuzz.sh smoke target
#            replay testdata/fuzz/<target>/* (hand-made seeds and the inputs
#            of fixed crashes), then fuzz for FUZZ_SMOKE_SECONDS (2) from
#            the seeds; prints ok/not ok lines for scripts/run-tests.sh
#        scripts/fuzz.sh seeds target dir
#            write the seeds generated from data/ and testdata/ into dir
#
# A target's seeds are its hand-made inputs in testdata/fuzz/<target>/ and
# a few records cut from the project's data files at run time;
# testdata/fuzz/*.dict are the dictionaries.
set -u
cd "$(dirname "$0")/.." || exit 70
top=$(pwd)
bindir=build/fuzz/bin
shared=${JUDGEPIPE_SHARED:-$(cd "$top/.." && pwd)/shared}/data
ko=data/ko-arena-hard-v0.1

usage() {
	echo "usage: scripts/fuzz.sh run [target ...] | smoke target |" \
	    "seeds target dir" >&2
	exit 64
}

dict_of() {	# target
	case $1 in
	battles | ensemble | answerscan) echo json ;;
	apiconfig | judgeconfig) echo yaml ;;
	mockserver) echo http ;;
	*) echo "$1" ;;
	esac
}

# Options of every run, in flags[]: inputs up to a few records or one
# config, 10 s per input and 2 GB of memory at most.
set_flags() {	# target
	local d len=8192

	d=testdata/fuzz/$(dict_of "$1").dict
	case $1 in
	verdict | prompt) len=4096 ;;
	esac
	flags=("-max_len=$len" -timeout=10 -rss_limit_mb=2048
	    -print_final_stats=1)
	[ -f "$d" ] && flags+=(-dict="$d")
}

# One seed per line of the input, with strings cut to 200 characters so
# that the seeds stay small (the readers see the same shapes); a line that
# is not JSON is kept as it is.
cut_lines() {	# prefix dir < jsonl
	local n=0 line

	jq -rR '(fromjson? | walk(if type == "string" and length > 200
	    then .[0:200] else . end) | tojson) // .' |
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" >"$2/$1-$n.jsonl"
	done
}

# "folder-file" of a path, without the file's extensions.
stem() {	# path
	local b=${1##*/} d=${1%/*}

	echo "${d##*/}-${b%%.*}"
}

zhead() {	# file lines
	case $1 in
	*.zst) zstd -dcq "$1" 2>/dev/null | head -n "$2" ;;
	*) head -n "$2" "$1" ;;
	esac
}

# The first records of files, one seed per record.
cut_files() {	# lines dir file...
	local n=$1 dir=$2 f

	shift 2
	for f; do
		[ -f "$f" ] && zhead "$f" "$n" | cut_lines "$(stem "$f")" "$dir"
	done
}

seeds() {	# target dir
	local t=$1 dir=$2 f

	mkdir -p "$dir"
	case $t in
	battles | ensemble)
		cut_files 3 "$dir" \
		    "$ko/model_judgment/ensemble/command-a.jsonl.zst" \
		    testdata/show-result/judgments.jsonl \
		    testdata/ensemble-judgment/judge1.jsonl \
		    testdata/ensemble-judgment/judge2.jsonl \
		    testdata/ensemble-judgment/bad.jsonl \
		    testdata/gen-judgment/judgments.expected
		# Several records in one input, and a zstd input as it is.
		head -n 8 testdata/ensemble-judgment/judge3.jsonl \
		    >"$dir/judge3.jsonl"
		cp testdata/show-result/gamma.jsonl.zst "$dir/"
		f=testdata/show-result/votes.jsonl
		[ "$t" = ensemble ] || head -n 6 "$f" >"$dir/votes.jsonl"
		;;
	answerscan)
		f=$shared/arena-hard-v0.1/model_answer/gpt-4-0314.jsonl.zst
		cut_files 2 "$dir" "$ko/answer_metadata/command-a.jsonl.zst" \
		    "$ko/answer_metadata/o1-high.jsonl.zst" \
		    testdata/gen-judgment/answers.jsonl \
		    testdata/gen-judgment/baseline.jsonl \
		    testdata/show-result/answers/*.jsonl "$f" \
		    data/mt-bench/reference_answer/gpt-4.jsonl \
		    "$shared"/arena-hard-v2.0/model_answer/*.jsonl.zst
		;;
	apiconfig)
		cp configs/api.yaml configs/api-mock.yaml \
		    testdata/gen-answer/api_config_upstream.yaml "$dir/"
		;;
	judgeconfig)
		cp configs/en.yaml configs/ko.yaml configs/zh.yaml \
		    configs/v2.yaml configs/mt-bench.yaml "$dir/"
		f=$shared/arena-hard-v2.0/arena-hard-v2.0.yaml
		[ -f "$f" ] && cp "$f" "$dir/"
		;;
	prompt)
		cp prompts/judge-template.txt prompts/judge-system-en.txt \
		    "$dir/"
		for f in en ko; do
			sed -n 's/^prompt_template: //p' "configs/$f.yaml" |
			    jq -j '.[0]' >"$dir/$f-template.txt"
		done
		;;
	verdict)
		# Judge replies as gen-judgment stored them.
		jq -j '.games[0].judgment // empty' \
		    testdata/gen-judgment/judgments.expected | head -c 2000 \
		    >"$dir/mock-judgments.txt"
		cp prompts/judge-system-en.txt "$dir/"
		;;
	esac
	return 0
}

# Figures from a libFuzzer log: runs, coverage, features, corpus.
figures() {	# log
	local runs cov

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -1)
	cov=$(grep -E '^#[0-9]+' "$1" | tail -1 | sed -n 's/.*cov: \([0-9]*\)'`
	    `' ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/p')
	echo "runs ${runs:-?}, ${cov:-cov ?}"
}

# What went wrong, from a libFuzzer log (nothing when nothing did).
finding() {	# log
	local what unit

	what=$(grep -E '^(SUMMARY: |==[0-9]+== ?ERROR: libFuzzer)' "$1" |
	    head -1)
	unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | head -1)
	[ -n "$what$unit" ] && echo "${what:-failed}${unit:+ (input: $unit)}"
}

check_bin() {	# target
	if [ ! -x "$bindir/$1_fuzz" ]; then
		echo "fuzz: no $bindir/$1_fuzz (run make fuzzers)" >&2
		exit 66
	fi
}

run() {	# target...
	local s=${FUZZ_SECONDS:-60} failed=0 total=0 t log cpu res
	local -a rows=()

	if [ $# -eq 0 ]; then
		for t in common/*_fuzz.c; do
			t=${t#common/}
			set -- "$@" "${t%_fuzz.c}"
		done
	fi
	mkdir -p build/fuzz/crash build/fuzz/logs
	for t; do
		check_bin "$t"
		rm -rf "build/fuzz/seeds/$t"
		seeds "$t" "build/fuzz/seeds/$t"
		mkdir -p "build/fuzz/corpus/$t"
		log=build/fuzz/logs/$t.log
		echo "fuzz: $t for ${s}s" >&2
		# The time keyword measures the fuzzer alone: user + system CPU.
		set_flags "$t"
		cpu=$( { TIMEFORMAT='%U %S'; time "$bindir/${t}_fuzz" \
		    "${flags[@]}" -max_total_time="$s" \
		    -artifact_prefix="build/fuzz/crash/$t-" \
		    "build/fuzz/corpus/$t" "build/fuzz/seeds/$t" \
		    "testdata/fuzz/$t" >"$log" 2>&1; } 2>&1 |
		    awk '{ printf "%.0f", $1 + $2 }')
		total=$((total + cpu))
		res=$(finding "$log")
		if [ -n "$res" ]; then
			failed=1
			res="FAILED: $res (log: $log)"
		else
			res="no crash, leak or timeout"
		fi
		rows+=("$(printf '%-12s %6ss CPU, %s: %s' "$t" "$cpu" \
		    "$(figures "$log")" "$res")")
		echo "${rows[-1]}"
	done
	echo "fuzz: summary (FUZZ_SECONDS=$s, ${total}s CPU in all)"
	printf '  %s\n' "${rows[@]}"
	return $failed
}

smoke() {	# target
	local t=$1 n=${FUZZ_SMOKE_SECONDS:-2} rc=0

	check_bin "$t"
	set_flags "$t"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/corpus" build/fuzz/crash
	# Each committed input once: the regression seeds of fixed crashes.
	set -- testdata/fuzz/"$t"/*
	if [ -e "$1" ]; then
		if "$bindir/${t}_fuzz" "${flags[@]}" "$@" \
		    >"$tmp/replay.log" 2>&1; then
			echo "ok - $t: replayed $# inputs of testdata/fuzz/$t"
		else
			echo "not ok - $t: replaying testdata/fuzz/$t:" \
			    "$(finding "$tmp/replay.log")"
			tail -n 30 "$tmp/replay.log"
			rc=1
		fi
	fi
	seeds "$t" "$tmp/seeds"
	if "$bindir/${t}_fuzz" "${flags[@]}" -seed=1 -max_total_time="$n" \
	    -artifact_prefix="build/fuzz/crash/$t-" "$tmp/corpus" \
	    "$tmp/seeds" "testdata/fuzz/$t" >"$tmp/fuzz.log" 2>&1 &&
	    [ -z "$(finding "$tmp/fuzz.log")" ]; then
		echo "ok - $t: fuzzed ${n}s, $(figures "$tmp/fuzz.log")"
	else
		echo "not ok - $t: fuzzing: $(finding "$tmp/fuzz.log")"
		tail -n 30 "$tmp/fuzz.log"
		rc=1
	fi
	return $rc
}

case ${1:-} in
run)
	shift
	run "$@"
	;;
smoke)
	[ $# -eq 2 ] || usage
	smoke "$2"
	;;
seeds)
	[ $# -eq 3 ] || usage
	seeds "$2" "$3"
	;;
*)
	usage
	;;
esac
