#!/bin/bash
# tests/bench/profile-table.awk, which turns make profile's perf samples
# into instructions a page: against a known set of samples, each cell
# must be samples x period / pages, the rows ordered by the size of the
# difference, equal symbols left out, user symbols marked, the totals
# and their ratio right; a workload with no result must say so and fail.
# Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" profile_table
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 200 pages each; a sample is 1000 instructions
cat > "$tmp/raw" <<'RAW'
zero:private:write workload: zero private write: 100 pages x 2, 200 faults
zero:private:write            400  [k] copy_page
zero:private:write            200  [k] clear_page_rep
zero:private:write             20  [.] touch_write
zero:private:write              2  [k] do_fault
anon:private:write workload: anon private write: 100 pages x 2, 400 faults
anon:private:write            200  [k] clear_page_rep
anon:private:write             40  [.] touch_write
sparse:private:write            999  [k] not_this_one
RAW
table() {	# table A B: the table, its status in $rc
	rc=0
	awk -v name="write" -v a="$1" -v b="$2" -v period=1000 \
		-f "$top/tests/bench/profile-table.awk" "$tmp/raw" > "$tmp/out" || rc=$?
}
table zero:private:write anon:private:write
rows=$(grep '^| [^s|-]' "$tmp/out" | grep -v '^| \*\*all' | cut -d'|' -f2 | sed 's/^ //; s/ $//' | tr '\n' ',')
tap "$([ $rc -eq 0 ] && [ "$rows" = "copy_page,(user) touch_write,do_fault," ]; echo $?)" \
	"rows by the size of the difference, equal ones left out, user symbols marked (got $rows)"
tap "$(grep -qxF '| copy_page | 2000 | 0 | +2000 |' "$tmp/out"; echo $?)" \
	"a cell is samples x period / pages"
tap "$(grep -qxF '| (user) touch_write | 100 | 200 | -100 |' "$tmp/out"; echo $?)" \
	"a cheaper symbol gets a negative difference"
tap "$(grep -qxF '| **all** | **3110** | **1200** | **+1910 (2.59x)** |' "$tmp/out"; echo $?)" \
	"the totals and their ratio"
tap "$(grep -qF '1.0 and 2.0 faults a page' "$tmp/out"; echo $?)" "faults a page of each"
table zero:private:write dma-page:shared:write
tap "$([ $rc -ne 0 ] && grep -qxF 'no result: dma-page:shared:write' "$tmp/out"; echo $?)" \
	"a workload without a result: one line naming it, and a failure (status $rc)"
exit 0
