#!/bin/bash
# make module against headers the driver cannot be built for: each stops
# with exactly one line naming the kernel and what it lacks, a non-zero
# exit, and nothing built.  The headers are fakes, made here, that have
# just what scripts/kernel-check reads (Makefile, .config, utsrelease.h,
# version.h).  Prints TAP lines.
set -u
. "$(dirname "$0")/tap.bash" kernel-check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset KDIR MAKEFLAGS MAKELEVEL MFLAGS

# fake NAME RELEASE VERSION-CODE CC-TEXT CONFIG...: headers in $tmp/NAME
fake() {
	local d=$tmp/$1 rel=$2 code=$3 cc=$4 c
	shift 4
	mkdir -p "$d/include/generated/uapi/linux"
	echo 'all:' > "$d/Makefile"
	echo "#define UTS_RELEASE \"$rel\"" > "$d/include/generated/utsrelease.h"
	echo "#define LINUX_VERSION_CODE $code" > "$d/include/generated/uapi/linux/version.h"
	{
		echo "CONFIG_CC_VERSION_TEXT=\"$cc\""
		for c in "$@"; do echo "$c=y"; done
	} > "$d/.config"
}
all=(CONFIG_MMU CONFIG_MODULES CONFIG_MIGRATION CONFIG_CONTIG_ALLOC)
host_cc="gcc (Debian) $(gcc -dumpfullversion)"
fake old 5.10.0-30-amd64 $((5 << 16 | 10 << 8 | 218)) "$host_cc" "${all[@]}"
fake nocontig 6.1.0-99-tiny $((6 << 16 | 1 << 8 | 100)) "$host_cc" CONFIG_MMU CONFIG_MODULES CONFIG_MIGRATION
fake nommu 6.12.1-nommu $((6 << 16 | 12 << 8 | 1)) "$host_cc" CONFIG_MODULES
fake nocc 7.3.4-future $((7 << 16 | 3 << 8 | 4)) "gcc-99 (Debian 99.1.0-1) 99.1.0" "${all[@]}"
fake clang 6.12.9-clang $((6 << 16 | 12 << 8 | 9)) "Debian clang version 19.1.7" "${all[@]}"
fake good 6.1.0-98-fake $((6 << 16 | 1 << 8 | 100)) "$host_cc" "${all[@]}"
mkdir -p "$tmp/empty"

# one KDIR NEEDLE...: make module KDIR=... fails with one line, on
# stderr, holding every NEEDLE, and leaves no driver/mapdemo.ko behind
one() {
	local kdir=$1 why= rc=0 n
	shift
	rm -f "$tmp/out" "$tmp/err"
	make -C "$top" --no-print-directory module KDIR="$kdir" > "$tmp/out" 2> "$tmp/err" || rc=$?
	if [ $rc -eq 0 ]; then why="exit 0"
	elif [ -s "$tmp/out" ]; then why="wrote to stdout: $(head -c 200 "$tmp/out")"
	elif [ "$(wc -l < "$tmp/err")" -ne 1 ]; then why="$(wc -l < "$tmp/err") lines on stderr"
	else
		for n in "$@"; do
			grep -qF -- "$n" "$tmp/err" || { why="does not say '$n'"; break; }
		done
	fi
	tap "$([ -z "$why" ]; echo $?)" "make module KDIR=${kdir#"$tmp"/} stops: $*${why:+: $why: $(head -c 300 "$tmp/err")}"
}

one "$tmp/old" "kernel 5.10.0-30-amd64" "older than 6.1"
one "$tmp/nocontig" "kernel 6.1.0-99-tiny" "lacks CONFIG_CONTIG_ALLOC"
one "$tmp/nommu" "kernel 6.12.1-nommu" "CONFIG_MMU" "CONFIG_MIGRATION" "CONFIG_CONTIG_ALLOC"
one "$tmp/nocc" "kernel 7.3.4-future" "gcc-99"
one "$tmp/clang" "kernel 6.12.9-clang" "only gcc-built"
one "$tmp/empty" "KDIR=$tmp/empty" "no kernel headers"
one "$tmp/missing" "KDIR=$tmp/missing" "no kernel headers"
# the default KDIR is the running kernel's, named when it is missing
if [ ! -e "/lib/modules/$(uname -r)/build" ]; then
	one "" "running kernel $(uname -r)" "linux-headers-$(uname -r)"
fi

# modules_install of a module built for another kernel is refused
rc=0
make -C "$top" --no-print-directory modules_install KDIR="$tmp/old" INSTALL_MOD_PATH="$tmp/root" \
	> "$tmp/out" 2> "$tmp/err" || rc=$?
tap "$([ $rc -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q 'older than 6.1' "$tmp/err" &&
	[ ! -e "$tmp/root" ]; echo $?)" "make modules_install KDIR=old stops with one line, installs nothing"

# kernel-check itself: silent and 0 for headers that have all it needs
rc=0
"$top/scripts/kernel-check" "$tmp/good" > "$tmp/out" 2>&1 || rc=$?
tap "$([ $rc -eq 0 ] && [ ! -s "$tmp/out" ]; echo $?)" "headers with every need pass silently (status $rc)"
rc=0
"$top/scripts/kernel-check" "$tmp/nocc" 2> /dev/null || rc=$?
tap "$([ $rc -eq 2 ]; echo $?)" "a missing compiler alone is status 2 (got $rc)"
exit 0
