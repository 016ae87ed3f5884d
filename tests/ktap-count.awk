#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# Count the results of a KTAP (or TAP) stream as make check does: every
# leaf test once, passed (skips included, as before) or failed; a parent
# (a result line after results nested deeper) only when it failed while
# none of its subtests did (its program crashed or exited non-zero).
# Prints "PASSED FAILED".
# usage: awk -f ktap-count.awk FILE...
function depth(s) { match(s, /^ */); return int(RLENGTH / 4) }
/^ *(not )?ok / {
	d = depth($0)
	bad = ($0 ~ /^ *not ok/)
	parent = deeper[d]
	kidfail = deeperfail[d]
	deeper[d] = 0
	deeperfail[d] = 0
	if (parent) {
		if (bad && !kidfail)
			failed++
		bad = bad || kidfail
	} else if (bad) {
		failed++
	} else {
		passed++
	}
	for (k = 0; k < d; k++) {
		deeper[k] = 1
		if (bad)
			deeperfail[k] = 1
	}
}
END { print passed + 0, failed + 0 }
