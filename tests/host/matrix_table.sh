#!/bin/bash
# The behaviour matrix's published tables (README.md, man/mapdemo.4) are
# what scripts/matrix-table makes of tests/matrix.expected, not typed;
# and the script refuses what it cannot read.  Prints TAP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.bash" matrix_table
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for f in README.md man/mapdemo.4; do
	cp "$top/$f" "$work/${f##*/}"
	"$top/scripts/matrix-table" --update "$work/${f##*/}" 2> "$work/err"
	rc=$?
	diff -u "$top/$f" "$work/${f##*/}" > "$work/diff"
	tap "$([ $rc -eq 0 ] && [ ! -s "$work/diff" ]; echo $?)" \
		"$f's matrix is scripts/matrix-table's (run scripts/matrix-table --update $f)"
	sed 's/^/# /' "$work/err" "$work/diff" | head -n 20
done

# every kind and consumer of the data file is in the Markdown table
rows=$("$top/scripts/matrix-table" markdown 6.1 | grep '^| [a-z]' | grep -vc '^| consumer |')
want=$(grep -cv '^\(#\|kinds\|since\|without\|$\)' "$top/tests/matrix.expected")
tap "$([ "$rows" -eq "$want" ] && [ "$want" -gt 50 ]; echo $?)" \
	"a row per consumer of tests/matrix.expected ($rows of $want)"

out=$("$top/scripts/matrix-table" potato 2>&1)
rc=$?
tap "$([ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "'potato'"; echo $?)" \
	"a bad argument: one line naming it, status 2"
printf 'no markers\n' > "$work/x.md"
out=$("$top/scripts/matrix-table" --update "$work/x.md" 2>&1)
rc=$?
tap "$([ $rc -eq 2 ] && echo "$out" | grep -q "no 'matrix-table begin' line"; echo $?)" \
	"a file without the markers is refused, unchanged"
tap "$(grep -qx 'no markers' "$work/x.md"; echo $?)" "  (and left as it was)"
