#!/bin/sh
# The mapdemo CLI against the real device, in the guest with the module
# loaded (zero mode): what it prints, its exit codes, and that a faulting
# touch is reported rather than fatal.  Prints TAP lines.
out=/tmp/cli.out err=/tmp/cli.err

tap() {	# tap STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then echo "ok - cli::$2"; else echo "not ok - cli::$2"; fi
}

# run WANT-STATUS ARGS...: run the CLI; true if its status is WANT-STATUS
run() {
	want=$1
	shift
	mapdemo "$@" > $out 2> $err
	rc=$?
	[ $rc -eq "$want" ] || { echo "# mapdemo $*: status $rc"; sed 's/^/# /' $out $err; return 1; }
}
has() { grep -q -- "$1" "$2" || { echo "# no '$1' in:"; sed 's/^/# /' "$2"; return 1; }; }

run 0 info && has '^module *live$' $out && has '^default mode *zero$' $out &&
	has '^page size *4096$' $out
tap $? "info shows the live module and its settings"

run 0 stats --json && has '^{"mmaps": [0-9]*, "faults": [0-9]*,.*"vmas_live": 0}$' $out
tap $? "stats --json prints one JSON object"
run 0 stats && [ "$(wc -l < $out)" -eq 12 ] && has '^pages_live *0$' $out
tap $? "stats prints the twelve counters"

run 0 map --mode zero --length 64K --flags private --touch write &&
	has '^mapped 16 pages (65536 bytes) of zero mode at 0x[0-9a-f]*, rw-, private$' $out &&
	has '^touched 16 pages (write): 16 driver faults, 16 cow, ' $out &&
	has '^unmapped: pages live 0, vmas live 0$' $out
tap $? "map: private writes are 16 faults and 16 copies"

run 0 map --length 1M --flags shared,populate --touch none &&
	has 'shared|populate$' $out &&
	has '^mmap itself: 256 driver faults (populate), pages live 256$' $out
tap $? "map: MAP_POPULATE faults every page in at mmap"

run 0 map --length 16K --prot r --touch read --probe write &&
	has '^probed 4 pages (write): 0 driver faults' $out &&
	has '^  pages 0-3: SIGSEGV (SEGV_ACCERR 2, first at 0x' $out
tap $? "map --probe write on a read-only mapping: SIGSEGV SEGV_ACCERR"

run 1 map --length 16K --prot r --touch write &&
	has '^mapdemo: map: --touch write: page 0 raised SIGSEGV (SEGV_ACCERR) at 0x' $err &&
	[ "$(wc -l < $err)" -eq 1 ] && has '^unmapped: pages live 0, vmas live 0$' $out
tap $? "map --touch write on a read-only mapping: reported, exit 1, unmapped"

run 1 map --prot rwx && has "^mapdemo: map: mmap(length 65536, rwx, shared, offset 0): Operation not permitted$" $err
tap $? "map --prot rwx: PROT_EXEC refused, exit 1"

run 1 map --length 4K --offset 1 && has 'Invalid argument' $err
tap $? "map --offset not page aligned: EINVAL, exit 1"

mapdemo dump --mode zero --offset 4090 --length 100 > $out 2> $err
rc=$?
[ $rc -eq 0 ] && [ "$(wc -c < $out)" -eq 100 ] && [ -z "$(tr -d '\0' < $out)" ] && [ ! -s $err ]
tap $? "dump --offset 4090 --length 100 in zero mode: 100 zero bytes"

run 2 dump --mode zero && has 'length is required in zero mode' $err
tap $? "dump in zero mode needs --length"

run 1 load mapdemo && has '^mapdemo: load mapdemo: the module is already loaded$' $err
tap $? "load when loaded: exit 1"

sleep 3600 < /dev/mapdemo &
holder=$!
sleep 1
run 1 unload && has 'in use' $err
tap $? "unload while the device is open: exit 1, in use"
kill $holder
wait $holder 2> /dev/null
exit 0
