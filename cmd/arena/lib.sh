# lib.sh: helpers for the arena's end-to-end tests (source after testlib.sh).
FIX=$TOP/testdata/arena
MODELS="zeta-alpha-model-7b zeta-beta-model-13b zeta-gamma-model-70b"

# start_arena ARGS...: start arena on a free loopback port with the fixture
# questions and answers unless ARGS name their own; sets APORT, APID, URL.
start_arena() {
	local pf=$T/arena.port.$RANDOM
	"$BIN/arena" --port-file "$pf" "$@" 2>>"$T/arena.stderr" &
	APID=$!
	_jp_pids+=($APID)
	local i
	for i in $(seq 1 300); do
		[ -s "$pf" ] && break
		kill -0 "$APID" 2>/dev/null || break
		sleep 0.05
	done
	APORT=$(cat "$pf" 2>/dev/null)
	URL=http://127.0.0.1:$APORT
}

stop_arena() {
	kill "$APID" 2>/dev/null
	wait "$APID" 2>/dev/null
}

# api METHOD PATH [BODY] [CURL ARGS...]: the status; the body goes to $T/body.
api() {
	local m=$1 p=$2 b=${3-}
	shift 3 2>/dev/null || shift $#
	if [ "$m" = POST ]; then
		curl -s -o "$T/body" -w '%{http_code}' -X POST \
			-H 'Content-Type: application/json' --data-binary "$b" \
			"$@" "$URL$p"
	else
		curl -s -o "$T/body" -w '%{http_code}' -X "$m" "$@" "$URL$p"
	fi
}

# no_names FILE: true when FILE names no model, answer id or answer file.
no_names() {
	! grep -q -e zeta- -e ansid- -e alpha.jsonl -e beta.jsonl \
		-e gamma.jsonl "$1"
}
