#!/bin/bash
# usage_test.sh: lint-board --help agrees with its manual: the usage is the
# SYNOPSIS and the option list names the options of the manual's list
# (scripts/check-usage.sh).
. "$(dirname "$0")/../../scripts/testlib.sh"
if ! command -v man >/dev/null || ! command -v col >/dev/null; then
	skip "usage = SYNOPSIS (man not installed)"
	exit 0
fi
check "--help agrees with man/lint-board.1" "$TOP/scripts/check-usage.sh" "$BIN" lint-board
check "--help: one line per option, under 80 columns but long choices" \
    bash -c '! "$1/lint-board" --help | grep -E "^ +-" | awk "length > 79 && !/\\|/" | grep -q .' _ "$BIN"

# The check can fail: a manual that lacks an option in its SYNOPSIS, in
# its options list, or names an argument differently, differs.
mkdir -p "$T/man" "$T/scripts"
cp "$TOP/scripts/check-usage.sh" "$T/scripts/"
caught() {	# caught NAME SED-SCRIPT
	sed "$2" "$TOP/man/lint-board.1" >"$T/man/lint-board.1"
	check "$1 is caught" \
	    bash -c '! "$1/scripts/check-usage.sh" "$2" lint-board 2>/dev/null' _ "$T" "$BIN"
}
caught "a SYNOPSIS without --version" \
    '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/{/Fl -version/d}'
caught "an options list without --version" '/^\.It Fl -version/d'
caught "an options list with an extra option" \
    's/^\.It Fl -version$/.It Fl -version\n.It Fl -bogus Ar x/'
caught "an argument named otherwise" \
    '0,/^\.It Fl.* Ar [^ ]*$/s/^\(\.It Fl.* Ar \)[^ ]*$/\1other/'
done_testing
