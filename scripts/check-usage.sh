#!/bin/bash
# check-usage.sh: a command's --help usage must be its manual's SYNOPSIS,
# word for word (STYLE: usage = manual; git's t0450).  Whitespace and line
# breaks are folded before comparing.
# Usage: scripts/check-usage.sh BINDIR CMD...   (exit 0 when all match)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bindir=$1
shift
rc=0
fold() { tr -s ' \n\t' '   ' | sed 's/^ //; s/ $//'; }
for c in "$@"; do
	man=$top/man/$c.1
	syn=$(MANWIDTH=200 man -l "$man" 2>/dev/null | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | fold)
	use=$("$bindir/$c" --help | sed '/^$/q' | sed 's/^usage: //; s/^       //' | fold)
	if [ -z "$syn" ] || [ "$syn" != "$use" ]; then
		echo "check-usage: $c: --help and SYNOPSIS of man/$c.1 differ" >&2
		printf '  help: %s\n  man:  %s\n' "$use" "$syn" >&2
		rc=1
	fi
done
exit $rc
