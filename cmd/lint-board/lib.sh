# lib.sh: set-up shared by the lint-board end-to-end cases (source it after
# scripts/testlib.sh).  make_board builds a small clean board with the real
# pipeline (scripts/dry-run.sh against mock-llm: 20 Korean questions, the
# baseline and two models, two judges, their ensemble, four CSV boards) in
# $B; LINT_ARGS lint it all.  fresh copies it to $M for a case to break.
LB=$BIN/lint-board
CFG=$TOP/configs/ko.yaml
J1=gemini-2.0-flash-001
J2=gpt-4o-mini-judge

make_board() {
	head -n 20 "$TOP/data/ko-arena-hard-v0.1/question.jsonl" >"$T/q.jsonl"
	(cd "$TOP" && MODELS="m-good=150 m-weak=-150" QUESTIONS=$T/q.jsonl \
	    BIN=$BIN scripts/dry-run.sh ko "$T/runs" >"$T/dry.out" 2>&1)
	B=$T/runs/ko
	rm -f "$B"/mock?.log "$B"/mock?.port
}

# fresh: a copy of the clean board in $M, and the arguments that lint it.
fresh() {
	rm -rf "$T/m"
	cp -r "$B" "$T/m"
	M=$T/m
	args "$M"
}

# args DIR: LINT_ARGS for the board in DIR (made with show-result's
# default settings, which SETTINGS states).
SETTINGS=(--bootstrap question --num-rounds 1000 --seed 42)
args() {
	LINT_ARGS=(-c "$CFG" --api-config "$1/api-mock.yaml" --questions
	    "$T/q.jsonl" --answers "$1/answers" --published "$1"
	    "${SETTINGS[@]}" "$1/judgments/$J1" "$1/judgments/$J2"
	    "$1/ensemble")
}

# drop ARG: LINT_ARGS without ARG; swap OLD NEW: with NEW for OLD.
drop() {
	local a v=()
	for a in "${LINT_ARGS[@]}"; do [ "$a" = "$1" ] || v+=("$a"); done
	LINT_ARGS=("${v[@]}")
}
swap() {
	local a v=()
	for a in "${LINT_ARGS[@]}"; do
		if [ "$a" = "$1" ]; then v+=("$2"); else v+=("$a"); fi
	done
	LINT_ARGS=("${v[@]}")
}

# lint [ARGS...]: lint-board with LINT_ARGS and ARGS; findings in $T/out,
# the exit status in $LINT_RC.
lint() {
	"$LB" "$@" >"$T/out" 2>"$T/err"
	LINT_RC=$?
}

# count SMELL SEVERITY ENTITY [MESSAGE]: matching findings (regexes; smell
# and severity whole).
count() {
	jq -c --arg s "$1" --arg v "$2" --arg e "$3" --arg m "${4:-}" \
	    'select((.smell | test("^(" + $s + ")$")) and
	    (.severity | test("^(" + $v + ")$")) and (.entity | test($e))
	    and (.message | test($m)))' "$T/out" | wc -l | tr -d ' '
}

# found NAME SMELL SEVERITY ENTITY-REGEX [MESSAGE-REGEX]: at least one.
found() {
	local name=$1 n
	shift
	n=$(count "$@")
	if [ "$n" -gt 0 ]; then ok "$name"; else
		notok "$name"
		echo "    no $1 $2 finding on '$3' in:"
		head -c 1500 "$T/out" | sed 's/^/    | /'
		sed 's/^/    ! /' "$T/err" | head -5
	fi
}

# only NAME SMELL...: every finding has one of the smells given.
only() {
	local name=$1 left
	shift
	left=$(jq -r --arg s "$*" 'select(.smell as $x | ($s | split(" ")) |
	    index($x) | not) | "\(.smell): \(.message)"' "$T/out")
	if [ -z "$left" ]; then ok "$name"; else
		notok "$name"
		echo "$left" | head -5 | sed 's/^/    | /'
	fi
}
