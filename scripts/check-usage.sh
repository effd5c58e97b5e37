#!/bin/bash
# check-usage.sh: a command's --help must agree with its manual (STYLE:
# usage = manual; git's t0450):
#  - the usage lines are the SYNOPSIS, word for word (whitespace and line
#    breaks folded);
#  - the option list of --help names the same options, with the same
#    letters and argument names, as the options list of the manual (the
#    .Bl list after "The options are as follows:" or under .Sh OPTIONS).
# Usage: scripts/check-usage.sh BINDIR CMD...   (exit 0 when all match)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bindir=$1
shift
rc=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-usage.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fold() { tr -s ' \n\t' '   ' | sed 's/^ //; s/ $//'; }

# The .It lines of the options list of mdoc page $1, rendered by man(1)
# one per line: each becomes a paragraph of a scratch page.
man_options() {
	{
		printf '.Dd $Mdocdate$\n.Dt X 1\n.Os\n.Sh NAME\n.Nm x\n'
		printf '.Nd x\n.Sh DESCRIPTION\n'
		awk '
		/options are as follows/ || /^\.Sh OPTIONS/ { want = 1; next }
		want && depth == 0 && /^\.Bl/ { depth = 1; next }
		depth > 0 && /^\.Bl/ { depth++; next }
		depth > 0 && /^\.El/ { if (--depth == 0) exit; next }
		depth == 1 && /^\.It / { sub(/^\.It /, "."); print ".Pp"; print }
		' "$1"
	} >"$tmp/opts.1"
	MANWIDTH=500 man -l "$tmp/opts.1" 2>/dev/null | col -b |
		sed -n '/^DESCRIPTION/,$p' | sed '1d' | grep -E '^ +-' |
		sed 's/^ *//; s/ *$//'
}

# Normalise "-m entry, --model entry" (manual) and "-m, --model entry"
# (--help) alike to "-m --model entry".
norm() {
	sed -E 's/^-(.)( [^,]*)?, (--)/-\1 \3/' | sort
}

for c in "$@"; do
	man=$top/man/$c.1
	syn=$(MANWIDTH=200 man -l "$man" 2>/dev/null | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | fold)
	"$bindir/$c" --help >"$tmp/help"
	use=$(sed '/^$/q' "$tmp/help" | sed 's/^usage: //; s/^       //' | fold)
	if [ -z "$syn" ] || [ "$syn" != "$use" ]; then
		echo "check-usage: $c: --help and SYNOPSIS of man/$c.1 differ" >&2
		printf '  help: %s\n  man:  %s\n' "$use" "$syn" >&2
		rc=1
	fi
	# An option line of --help: two spaces, the option, two spaces, help.
	grep -E '^ +(-., )?--' "$tmp/help" | sed -E 's/^ +//; s/  .*//' |
		norm >"$tmp/help.opts"
	man_options "$man" | norm >"$tmp/man.opts"
	if [ ! -s "$tmp/help.opts" ] ||
	    ! cmp -s "$tmp/help.opts" "$tmp/man.opts"; then
		echo "check-usage: $c: options of --help and of man/$c.1 differ" \
			"(< help, > man)" >&2
		diff "$tmp/help.opts" "$tmp/man.opts" | grep '^[<>]' >&2
		rc=1
	fi
done
exit $rc
