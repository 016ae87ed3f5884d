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
# the running kernel's page size in bytes (4096; 16384 on arm64-16k), as
# the kernel reports it for this shell's own mappings: every length and
# count below is in these pages
pg=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
case $pg in
''|*[!0-9]*) echo "# no page size in /proc/self/smaps"; pg=4096 ;;
esac

# byte_at MODE OFFSET: the byte there, as two hex digits
byte_at() { mapdemo dump --mode "$1" --offset "$2" --length 1 | od -An -tx1 | tr -d ' \n'; }

# The default map command of a mode with a device-wide buffer changes no
# byte of it (the default touch is a write that keeps the bytes).
unchanged_by_default() {	# unchanged_by_default MODE
	before=$(byte_at "$1" 0)
	run 0 map --mode "$1" --length 4K && has '^touched 1 pages (write)' $out || return 1
	after=$(byte_at "$1" 0)
	[ "$before" = "$after" ] || { echo "# $1 byte 0 was $before, $after after 'mapdemo map --mode $1 --length 4K'"; return 1; }
	run 0 map --mode "$1" --length 4K --touch fill=0x51 && [ "$(byte_at "$1" 0)" = 51 ] ||
		{ echo "# --touch fill=0x51 did not store 0x51 at $1 byte 0"; return 1; }
	run 0 map --mode "$1" --length 4K --flags shared,populate || return 1
	run 0 map --mode "$1" --length 4K --probe write || return 1
	after=$(byte_at "$1" 0)
	[ "$after" = 51 ] || { echo "# $1 byte 0 was 51, $after after the default map commands"; return 1; }
}

run 0 info && has '^module *live$' $out && has '^default mode *zero$' $out &&
	has "^page size *$pg\$" $out
tap $? "info shows the live module and its settings"

run 0 stats --json && has '^{"mmaps": [0-9]*, "faults": [0-9]*,.*"vmas_live": 0}$' $out
tap $? "stats --json prints one JSON object"
run 0 stats && [ "$(wc -l < $out)" -eq 12 ] && has '^pages_live *0$' $out
tap $? "stats prints the twelve counters"

run 0 map --mode zero --length $((16 * pg)) --flags private --touch write &&
	has "^mapped 16 pages ($((16 * pg)) bytes) of zero mode at 0x[0-9a-f]*, rw-, private\$" $out &&
	has '^touched 16 pages (write): 16 driver faults, 16 cow, ' $out &&
	has '^unmapped: pages live 0, vmas live 0$' $out
tap $? "map: private writes are 16 faults and 16 copies"

run 0 map --length $((256 * pg)) --flags shared,populate --touch none &&
	has 'shared|populate$' $out &&
	has '^mmap itself: 256 driver faults (populate), pages live 256$' $out
tap $? "map: MAP_POPULATE faults every page in at mmap"

run 0 map --length $((4 * pg)) --prot r --touch read --probe write &&
	has '^probed 4 pages (write): 0 driver faults' $out &&
	has '^  pages 0-3: SIGSEGV (SEGV_ACCERR 2, first at 0x' $out
tap $? "map --probe write on a read-only mapping: SIGSEGV SEGV_ACCERR"

run 1 map --length $((4 * pg)) --prot r --touch write &&
	has '^mapdemo: map: --touch write: page 0 raised SIGSEGV (SEGV_ACCERR) at 0x' $err &&
	[ "$(wc -l < $err)" -eq 1 ] && has '^unmapped: pages live 0, vmas live 0$' $out
tap $? "map --touch write on a read-only mapping: reported, exit 1, unmapped"

# an unnamed PROT bit is printed as a 0x word, not as nothing
mapdemo map --length 4K --prot rw,0x1000000 --touch none > $out 2> $err
grep -q 'rw-|0x1000000' $out $err || { echo "# no 'rw-|0x1000000' in:"; sed 's/^/# /' $out $err; false; }
tap $? "map --prot rw,0x1000000: the unnamed bit is printed"

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

# sparse mode: the device-wide buffer, SIGBUS past its end
size=$(mapdemo info | sed -n 's/^sparse size *//p')
mib=1048576
run 0 map --mode sparse --offset 1M --length $((2 * pg)) --touch fill=0x5a &&
	has '^touched 2 pages (fill 0x5a)' $out
tap $? "map --mode sparse --touch fill=0x5a"
[ "$(mapdemo dump --mode sparse --offset $((mib + pg - 1)) --length 2 | od -An -tx1 | tr -d ' \n' | cut -c3-)" = 5a ]
tap $? "dump at an unaligned offset shows the byte the fill wrote"
run 0 map --mode sparse --offset 1M --length $((2 * pg)) --touch write &&
	has '^touched 2 pages (write)' $out &&
	[ "$(byte_at sparse $((mib + pg)))" = 5a ]
tap $? "map --mode sparse --touch write: a write fault that keeps the byte"
[ "$(mapdemo dump --mode sparse --offset $((size - 10)) | wc -c)" -eq 10 ]
tap $? "dump without --length stops at the sparse buffer's end"
run 1 dump --mode sparse --offset "$size" && has "is past the end of the $size-byte sparse buffer" $err
tap $? "dump past the sparse buffer's end: exit 1, no SIGBUS"
run 1 dump --mode sparse --offset $((size - 1)) --length 2 && has 'runs past the end' $err
tap $? "dump running past the sparse buffer's end: exit 1"
run 1 map --mode sparse --offset $(((size + pg - 1) / pg * pg)) --length $((2 * pg)) --touch read &&
	has '^mapdemo: map: --touch read: page 0 raised SIGBUS (BUS_ADRERR) at 0x' $err
tap $? "map --touch past the sparse buffer's end: SIGBUS reported, exit 1"
# the buffer's last page (whole or partial), then two past its end
run 0 map --mode sparse --offset $(((size - 1) / pg * pg)) --length $((3 * pg)) --touch none --probe read &&
	has '^  pages 0-0: ok$' $out && has '^  pages 1-2: SIGBUS (BUS_ADRERR 2, first at 0x' $out
tap $? "map --probe read across the sparse buffer's end: ok, then SIGBUS"

# dma mode: MAP_SHARED only, either style
unchanged_by_default sparse
tap $? "map --mode sparse, the defaults: the shared buffer's bytes are unchanged"
unchanged_by_default dma
tap $? "map --mode dma, the defaults: the shared buffer's bytes are unchanged"
run 0 map --mode dma --length $((2 * pg)) --touch fill=0x5a && has '^touched 2 pages (fill 0x5a)' $out
tap $? "map --mode dma --touch fill=0x5a"
[ "$(byte_at dma $pg)" = 5a ]
tap $? "dump --mode dma shows the byte the fill wrote"
run 0 map --mode dma --length $((2 * pg)) --touch write && has '^touched 2 pages (write)' $out &&
	[ "$(byte_at dma $pg)" = 5a ]
tap $? "map --mode dma --touch write: a write fault that keeps the byte"
run 0 map --mode dma --dma-style page --length 8K --touch read
tap $? "map --mode dma --dma-style page"
run 0 map --mode dma --dma-style mixed --length $((2 * pg)) --touch read && [ "$(byte_at dma $pg)" = 5a ]
tap $? "map --mode dma --dma-style mixed: the same buffer"
run 2 map --mode dma --dma-style mixd && has "not pfn, page or mixed" $err
tap $? "map --dma-style mixd: a usage error naming the styles"
run 1 map --mode dma --flags private && has 'Invalid argument' $err
tap $? "map --mode dma --flags private: EINVAL, exit 1"

# the cache attribute: wc and uncached only where the device is not
# coherent (info says which; x86: never)
run 0 info && has '^dma cache *cached$' $out && has '^dma coherent *\(yes\|no\)$' $out
tap $? "info shows the dma cache attribute and the device's coherence"
if has '^dma coherent *yes$' $out > /dev/null; then
	run 1 map --mode dma --dma-cache wc --length 4K && has '^mapdemo: map: --dma-cache wc: Operation not supported$' $err
	tap $? "map --dma-cache wc on a coherent device: EOPNOTSUPP, exit 1"
else
	run 0 map --mode dma --dma-cache uncached --length $((2 * pg)) --touch read && [ "$(byte_at dma $pg)" = 5a ]
	tap $? "map --dma-cache uncached on a non-coherent device: the same buffer"
fi
run 2 map --mode dma --dma-cache wb && has "not cached, wc or uncached" $err
tap $? "map --dma-cache wb: a usage error naming the attributes"

sleep 3600 3< /dev/mapdemo &
holder=$!
sleep 1
run 1 unload && has 'in use' $err
tap $? "unload while the device is open: exit 1, in use"
kill $holder
wait $holder 2> /dev/null
exit 0
