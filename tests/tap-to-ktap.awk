#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# One test program's TAP (Criterion's --tap, or the plain "ok - NAME"
# lines of the suite's shell tests) as a nested KTAP version 1 block,
# indented by PREFIX: the version line, the plan, "ok N NAME",
# "not ok N NAME", "ok N NAME # SKIP reason" (NAME one word: the test's
# name, its spaces and punctuation made _), and every other line as a
# "# " diagnostic.  The block streams when the program states its plan
# first (Criterion does); otherwise it is held back until the end, where
# its results are counted, so that the plan still comes first.
# Writes "RESULTS FAILED SKIPPED" to the file SUMMARY.
# usage: awk -v prefix='    ' -v summary=FILE -f tap-to-ktap.awk
function emit(s) { if (planned) print s; else held[nheld++] = s }
BEGIN { n = 0; failed = 0; skipped = 0; planned = 0; nheld = 0; print prefix "KTAP version 1" }
/^TAP version / { next }
/^1\.\.[0-9]+$/ {
	if (!planned && n == 0) {
		planned = 1
		print prefix $0
		for (i = 0; i < nheld; i++)
			print held[i]
		nheld = 0
	}
	next
}
/^(not )?ok( [0-9]+)? - / {
	notok = ($0 ~ /^not ok/)
	line = $0
	sub(/^(not )?ok( [0-9]+)? - /, "", line)
	directive = ""
	if (match(line, / +# +(SKIP|skip|TODO|todo)( .*)?$/)) {
		directive = substr(line, RSTART)
		line = substr(line, 1, RSTART - 1)
		sub(/^ +# +/, "", directive)
	}
	sub(/ +\([0-9.]+s\)$/, "", line)	# Criterion's run time
	# a name is one word that any parser takes as a test's id (LAVA's
	# too): what is not a letter, digit or -_.: becomes _
	gsub(/[^-_.:a-zA-Z0-9]+/, "_", line)
	sub(/^_+/, "", line)
	sub(/_+$/, "", line)
	n++
	if (notok)
		failed++
	else if (directive ~ /^(SKIP|skip)/)
		skipped++
	emit(sprintf("%s%s %d %s%s", prefix, notok ? "not ok" : "ok", n, line, \
		directive == "" ? "" : " # " directive))
	next
}
/^#/ { emit(prefix $0); next }
/^[ \t]*$/ { next }
{ emit(prefix "# " $0) }
END {
	if (!planned) {
		print prefix "1.." n
		for (i = 0; i < nheld; i++)
			print held[i]
	}
	if (summary != "")
		print n, failed, skipped > summary
}
