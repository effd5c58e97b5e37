#!/bin/sh
# deps.sh: install the Debian packages judgepipe needs, when they are missing;
# for the tests also the npm packages of scripts/package-lock.json (the
# browser tests' puppeteer-core) into scripts/node_modules.
# Usage: scripts/deps.sh build|test|bench|release
set -eu
need="gcc make pkg-config libcurl4-openssl-dev libzstd-dev libjansson-dev
libyaml-dev libssl-dev libpcre2-dev libmicrohttpd-dev zlib1g-dev"
case "${1:-build}" in
test) need="$need libcmocka-dev zstd parallel curl jq man-db bsdextrautils
	clang libfuzzer-14-dev stunnel4 openssl chromium"
	# Node may come from elsewhere (NodeSource's nodejs holds npm).
	command -v node >/dev/null 2>&1 || need="$need nodejs"
	command -v npm >/dev/null 2>&1 || need="$need npm" ;;
bench) need="$need zstd time bc curl jq" ;;
release) need="$need jq zstd" ;;
esac
# Wanted, not needed: fonts-wqy-microhei (1.6 MB) has the Hangul and Han
# glyphs that the browser tests' screenshots of the ko and zh pages show.
# It comes with the next install; alone it is only named.
want=
[ "${1:-build}" = test ] && want="fonts-wqy-microhei"

# npm ci when scripts/node_modules does not match the lock file.  Without
# the network this only warns: the browser tests then say "skip".
npm_deps() {
	dir=$(cd "$(dirname "$0")" && pwd)
	stamp=$dir/node_modules/.judgepipe-lock
	cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && return 0
	if (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts \
	    --loglevel=error >/dev/null 2>&1); then
		cp "$dir/package-lock.json" "$stamp"
	else
		echo "deps: npm ci failed in scripts/: browser tests will" \
		    "be skipped" >&2
	fi
}
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
wanted=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		wanted="$wanted $p"
done
if [ -z "$missing" ]; then
	[ -n "$wanted" ] && echo "deps: not installed:$wanted (CJK text in" \
	    "the browser screenshots shows as boxes)" >&2
	[ "${1:-build}" = test ] && npm_deps
	exit 0
fi
missing="$missing$wanted"
echo "deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: missing packages:$missing (run as root to install)" >&2
		exit 69
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ "${1:-build}" = test ] && npm_deps
exit 0
