#!/bin/bash
# The mapdemo CLI on the host (no module): every bad argument exits 2 with
# one line on stderr naming it, every --help exits 0, and a failed
# operation exits 1 with one line.  Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" cli
cli=${MAPDEMO_HOST_DIR:?}/mapdemo
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# expect STATUS NEEDLE ARGS...: exit STATUS, stdout empty, exactly one
# stderr line "mapdemo: ..." that contains NEEDLE
expect() {
	local want=$1 needle=$2 rc=0 why=
	shift 2
	"$cli" "$@" > "$out" 2> "$err" || rc=$?
	if [ $rc -ne "$want" ]; then why="exit $rc, not $want"
	elif [ -s "$out" ]; then why="wrote to stdout"
	elif [ "$(wc -l < "$err")" -ne 1 ]; then why="$(wc -l < "$err") lines on stderr"
	elif ! grep -q '^mapdemo: ' "$err"; then why="no 'mapdemo: ' prefix"
	elif ! grep -qF -- "$needle" "$err"; then why="does not name '$needle'"
	fi
	tap "$([ -z "$why" ]; echo $?)" "'mapdemo $*' exits $want naming '$needle'${why:+: $why: $(head -c 200 "$err")}"
}

usage() { expect 2 "$@"; }

usage "no command given"
usage "'bogus'" bogus
usage "'-x'" -x
usage "'12Q'" map --length 12Q
usage "'0'" map --length 0
usage "'-4K'" map --length -4K
usage "'99999999999999999999'" map --length 99999999999999999999
usage "'17179869184G'" map --length 17179869184G
usage "'1.5M'" map --offset 1.5M
usage "'9223372036854775808'" map --offset 9223372036854775808
usage "unknown protection 'bogus'" map --prot rw,bogus,x
usage "unknown protection 'rwq'" map --prot rwq
usage "empty protection" map --prot ""
usage "unknown flag 'shard'" map --flags shard,populate
usage "unknown flag 'MAP_SHARED'" map --flags MAP_SHARED
usage "empty flag at offset 7" map --flags shared,
usage "'--length' needs a value" map --length
usage "'--bogus'" map --bogus
usage "'-z'" map -z
usage "'extra'" map extra
usage "'exec'" map --touch exec
usage "'sometimes'" map --touch sometimes
usage "'fill=256'" map --touch fill=256
usage "'fill='" map --touch fill=
usage "'fill=0x0x51'" map --touch fill=0x0x51
usage "'fill=q'" map --touch fill=q
usage "'0x0x10'" map --length 0x0x10
usage "unknown protection '0x0x1'" map --prot 0x0x1
usage "'none'" map --probe none
usage "'zeros'" map --mode zeros
usage "'pages'" map --dma-style pages
usage "'--readonly=1'" map --readonly=1
usage "'1Z'" dump --length 1Z
usage "'-1'" dump --offset -1
usage "'--prot'" dump --prot r
usage "'x'" dump x
usage "'--mode' needs a value" dump --mode
usage "'-x'" load -x
usage "'foo'" load mapdemo foo
usage "'=x'" load mapdemo =x
usage "'a b=1'" load mapdemo "a b=1"
usage "empty module name" load ""
usage "'--jsn'" stats --jsn
usage "'extra'" stats extra
usage "'x'" info x
usage "'x'" unload x

# failures of the operation itself: exit 1, one line
expect 1 "/dev/mapdemo" stats
expect 1 "is the module loaded" map --length 4K
expect 1 "/dev/mapdemo" dump --length 16
expect 1 "/nonexistent/mapdemo.ko" load /nonexistent/mapdemo.ko
expect 1 "No such file" load /nonexistent/mapdemo.ko mode=zero
expect 1 "the module is not loaded" unload
usage "'potato'" matrix --kind potato
usage "'fork-bomb'" matrix --consumer fork-bomb
usage "'--block-device' needs a value" matrix --block-device
usage "empty path" matrix --block-device ""
usage "'extra'" matrix extra
usage "'--bogus'" matrix --bogus
expect 1 "is the module loaded?" matrix --consumer read
# the reference kinds need no module: one row, one column, and as JSON
rc=0
"$cli" matrix --kind anon --consumer mprotect-exec > "$out" 2> "$err" || rc=$?
tap "$([ $rc -eq 0 ] && grep -q '^mprotect-exec  *ok *$' "$out" && [ ! -s "$err" ]; echo $?)" \
	"'mapdemo matrix --kind anon --consumer mprotect-exec' prints one ok cell"
rc=0
"$cli" matrix --json --kind memfd --consumer read > "$out" 2> "$err" || rc=$?
tap "$([ $rc -eq 0 ] && grep -q '"kinds": \["memfd"\], "consumers": \["read"\]' "$out" &&
	grep -q '"read": {"memfd": "ok"}' "$out"; echo $?)" \
	"'mapdemo matrix --json' names its kinds, consumers and cells"

# --help: exit 0, usage on stdout, nothing on stderr
for c in load unload info stats map dump; do
	for h in --help -h; do
		rc=0
		"$cli" "$c" $h > "$out" 2> "$err" || rc=$?
		tap "$([ $rc -eq 0 ] && [ ! -s "$err" ] && head -n1 "$out" | grep -q "^usage: mapdemo $c" &&
			grep -q '^exit status: 0 done, 1 the operation failed, 2 usage error$' "$out"; echo $?)" \
			"'mapdemo $c $h' prints its usage and the exit codes"
	done
done
rc=0
"$cli" map --length 12Q --help > "$out" 2> "$err" || rc=$?
tap "$([ $rc -eq 0 ] && grep -q '^usage: mapdemo map' "$out"; echo $?)" "--help wins over a bad argument"
rc=0
"$cli" --help > "$out" 2> "$err" || rc=$?
tap "$([ $rc -eq 0 ] && [ "$(grep -c '^  [a-z]' "$out")" -eq 7 ]; echo $?)" "'mapdemo --help' lists the seven commands"

# info without the module is not an error
rc=0
"$cli" info > "$out" 2> "$err" || rc=$?
tap "$([ $rc -eq 0 ] && grep -q '^module *absent$' "$out"; echo $?)" "'mapdemo info' without the module says absent"
exit 0
