#!/bin/sh
# deps.sh: install the Debian packages judgepipe needs, when they are missing.
# Usage: scripts/deps.sh build|test|bench|release
set -eu
need="gcc make pkg-config libcurl4-openssl-dev libzstd-dev libjansson-dev
libyaml-dev libssl-dev libpcre2-dev libmicrohttpd-dev"
case "${1:-build}" in
test) need="$need libcmocka-dev zstd parallel curl jq man-db bsdextrautils
	clang libfuzzer-14-dev stunnel4 openssl nodejs" ;;
bench) need="$need zstd time bc curl" ;;
release) need="$need jq zstd" ;;
esac
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
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
