# One figure's table of make profile (qemu/profile): the guest's lines
# "WORKLOAD workload: ... N pages x R, F faults" and
# "WORKLOAD SAMPLES [k] SYMBOL" turned into each symbol's cost a page
# (samples x period / pages) in workload a and in its reference b, the
# symbols that differ most first, then the totals.
# usage: awk -v name=FIGURE -v a=WORKLOAD -v b=WORKLOAD -v period=N -f profile-table.awk RAW
function cost(w, n) { return pages[w] ? n * period / pages[w] : 0 }
function abs(x) { return x < 0 ? -x : x }
$1 != a && $1 != b { next }
$2 == "workload:" {
	for (i = 3; i <= NF; i++) {
		if ($i == "pages")
			pages[$1] = $(i - 1) * $(i + 2)
		if ($i == "faults")
			faults[$1] = $(i - 1)
	}
	next
}
$2 ~ /^[0-9]+$/ {
	sym = $3
	for (i = 4; i <= NF; i++)
		sym = sym " " $i
	n[$1, sym] += $2
	total[$1] += $2
	syms[sym] = 1
}
END {
	printf "### %s\n\n", name
	if (!pages[a] || !pages[b]) {
		printf "no result: %s\n", !pages[a] ? a : b
		exit 1
	}
	printf "`%s` against `%s`: %.1f and %.1f faults a page.\n\n", a, b,
		faults[a] / pages[a], faults[b] / pages[b]
	printf "| symbol | %s | %s | difference |\n|---|---|---|---|\n", a, b
	m = 0
	for (s in syms) {
		d[s] = cost(a, n[a, s]) - cost(b, n[b, s])
		order[++m] = s
	}
	# the 15 largest differences, largest first (a selection: m is small)
	for (k = 1; k <= 15 && k <= m; k++) {
		best = k
		for (j = k + 1; j <= m; j++)
			if (abs(d[order[j]]) > abs(d[order[best]]))
				best = j
		t = order[k]; order[k] = order[best]; order[best] = t
		s = order[k]
		if (abs(d[s]) < 1)
			break
		sub(/^\[k\] /, "", s)
		printf "| %s%s | %.0f | %.0f | %+.0f |\n",
			order[k] ~ /^\[\.\]/ ? "(user) " : "",
			s ~ /^\[\.\] / ? substr(s, 5) : s,
			cost(a, n[a, order[k]]), cost(b, n[b, order[k]]), d[order[k]]
	}
	printf "| **all** | **%.0f** | **%.0f** | **%+.0f (%.2fx)** |\n",
		cost(a, total[a]), cost(b, total[b]),
		cost(a, total[a]) - cost(b, total[b]),
		total[b] ? cost(a, total[a]) / cost(b, total[b]) : 0
}
