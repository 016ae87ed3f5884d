#!/bin/sh
# The suite, run inside the guest by `make check`.  Prints TAP lines the
# host counts; the module is loaded and unloaded through libmapdemo.
tap() {	# tap STATUS DESCRIPTION
	if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi
}

# A kmemleak kernel (make check-debug): forget what boot left behind, so
# the scan after the final unload shows only what the suite leaked.
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear > $kmemleak

echo "@@mapdemo-stage load-module"
mapdemo load mapdemo
rc=$?
tap $rc "guest::load the module through libmapdemo"
[ $rc -eq 0 ] || { dmesg | grep mapdemo | tail -n 3; exit 1; }

for t in /mapdemo/bin/*_test; do
	echo "@@mapdemo-stage test ${t##*/}"
	# one job: the tests read device-wide counters
	# MAPDEMO_TEST_TIMEOUT: make check-debug's longer runs on a slower kernel
	"$t" --tap=- -j1 --timeout "${MAPDEMO_TEST_TIMEOUT:-120}"
	# what tests noted (seeds, counts run): Criterion hides their output
	[ -f /tmp/mapdemo-notes ] && cat /tmp/mapdemo-notes && rm -f /tmp/mapdemo-notes
done

echo "@@mapdemo-stage cli-guest.sh"
sh /mapdemo/bin/cli-guest.sh

# the examples, built against the installed library (make example)
for e in /mapdemo/bin/mapdemo-example*; do
	echo "@@mapdemo-stage example ${e##*/}"
	"$e"
	tap $? "example::${e##*/} runs against the installed library"
done

echo "@@mapdemo-stage unload-module"
mapdemo unload
tap $? "guest::unload the module through libmapdemo"
mapdemo info | grep -q '^module *absent$'
tap $? "guest::module absent after unload"
if [ -w $kmemleak ]; then
	echo "@@mapdemo-stage kmemleak-scan"
	# kmemleak reports only objects older than 5 s, unreferenced in a scan
	sleep 6
	echo scan > $kmemleak && echo scan > $kmemleak
	leaks=$(cat $kmemleak)
	[ -z "$leaks" ]
	tap $? "guest::kmemleak finds no leak after the final unload"
	[ -z "$leaks" ] || echo "$leaks" | head -n 60
fi
exit 0
