# testlib.sh: helpers for cmd/*/*_test.sh end-to-end cases (source it).
#
# Each check prints "ok - NAME" or "not ok - NAME" (TAP-like lines that
# scripts/run-tests.sh counts); "skip - NAME" when data is absent.
# Variables: TOP (repo), BIN (commands under test), SHARED (../shared/data,
# may be absent), T (a scratch directory removed at exit).
set -u
TOP=${JUDGEPIPE_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BIN=${JUDGEPIPE_BIN:-$TOP/build/asan/bin}
SHARED=${JUDGEPIPE_SHARED:-$(cd "$TOP/.." && pwd)/shared}/data
T=$(mktemp -d "${TMPDIR:-/tmp}/jp-test.XXXXXX")
export XDG_CACHE_HOME=$T/xdg-cache
_jp_pids=()
_jp_cleanup() {
	local p
	for p in "${_jp_pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap _jp_cleanup EXIT
_jp_failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; _jp_failed=1; }
skip() { echo "skip - $*"; }

# check NAME COMMAND...: ok when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		notok "$1"
		printf '    expected: %s\n    actual:   %s\n' "$2" "$3" | head -c 2000
	fi
}

# check_exit NAME WANT COMMAND...: run COMMAND, compare its exit status.
check_exit() {
	local name=$1 want=$2 st
	shift 2
	"$@"
	st=$?
	if [ "$st" -eq "$want" ]; then ok "$name"; else
		notok "$name"
		echo "    exit $st, want $want"
	fi
}

# check_files NAME EXPECTED_FILE ACTUAL_FILE: byte equality, diff on failure.
check_files() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		notok "$1"
		diff "$2" "$3" | head -20
	fi
}

have_shared() { [ -d "$SHARED" ]; }

# start_mock [ARGS...]: start mock-llm on a free port; sets MOCK_PORT,
# MOCK_URL, MOCK_LOG.
start_mock() {
	MOCK_LOG=${MOCK_LOG:-$T/mock.log}
	local pf=$T/mock.port.$$.$RANDOM
	"$BIN/mock-llm" --port 0 --port-file "$pf" --log "$MOCK_LOG" "$@" \
		2>>"$T/mock.stderr" &
	_jp_pids+=($!)
	MOCK_PID=$!
	local i
	for i in $(seq 1 200); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	MOCK_PORT=$(cat "$pf")
	MOCK_URL=http://127.0.0.1:$MOCK_PORT/v1
}

stop_mock() {
	kill "${MOCK_PID:-}" 2>/dev/null
	wait "${MOCK_PID:-}" 2>/dev/null
}

# done_testing: exit status for the runner.
done_testing() { exit $_jp_failed; }
