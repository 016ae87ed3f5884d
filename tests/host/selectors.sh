#!/bin/bash
# The kernel selectors (KERNEL, KERNEL_FLAVOUR, KERNEL_ABI, ACCEL, ARCH) with a
# bad value: each stops with exactly one line that names the value and
# the values that would work, and a non-zero exit; nothing is fetched or
# built first.  Through qemu/kernel-fetch, the guest scripts and make.
# Needs the private apt lists (qemu/apt, refreshed once a day).  Prints
# TAP lines.
set -u
. "$(dirname "$0")/tap.bash" selectors
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
unset KERNEL KERNEL_FLAVOUR KERNEL_ABI ACCEL ARCH MAKEFLAGS MAKELEVEL MFLAGS

# bad WHAT NEEDLE... -- CMD...: CMD with the bad value WHAT (NAME=VALUE,
# in its environment) exits non-zero with one line on stderr, nothing on
# stdout, the line naming WHAT and containing every NEEDLE
bad() { expect_line "$1" env "$@"; }
# bad_arg WHAT NEEDLE... -- CMD...: the same for a bad argument WHAT
bad_arg() { expect_line "$1" "$@"; }
expect_line() {
	local what=$1 run=$2 needles=() rc=0 why= n
	shift 2
	[ "$run" = env ] && shift
	while [ "$1" != -- ]; do needles+=("$1"); shift; done
	shift
	if [ "$run" = env ]; then
		(cd "$top" && env "$what" "$@") > "$out" 2> "$err" || rc=$?
	else
		(cd "$top" && "$@") > "$out" 2> "$err" || rc=$?
	fi
	if [ $rc -eq 0 ]; then why="exit 0"
	elif [ -s "$out" ]; then why="wrote to stdout: $(head -c 200 "$out")"
	elif [ "$(wc -l < "$err")" -ne 1 ]; then why="$(wc -l < "$err") lines on stderr"
	elif ! grep -qF -- "$what" "$err"; then why="does not name '$what'"
	else
		for n in "${needles[@]}"; do
			grep -qF -- "$n" "$err" || { why="does not offer '$n'"; break; }
		done
	fi
	tap "$([ -z "$why" ]; echo $?)" "'$what $*' stops naming it${why:+: $why: $(head -c 300 "$err")}"
}

if ! (cd "$top" && qemu/kernel-fetch --list > "$out" 2> "$err") || ! grep -q '^amd64 6\.1:' "$out"; then
	tap 0 "kernel-fetch --list # SKIP no private apt lists ($(tail -n1 "$err"))"
	exit 0
fi
tap 0 "kernel-fetch --list names the 6.1 series"
rc=0; (cd "$top" && KERNEL=newest qemu/kernel-fetch --check) > "$out" 2>&1 || rc=$?
tap "$([ $rc -eq 0 ] && [ ! -s "$out" ]; echo $?)" "KERNEL=newest resolves silently with --check"

fetch=(qemu/kernel-fetch)
bad KERNEL_FLAVOUR=foo "amd64" "cloud-amd64" "rt-amd64" "debug" -- "${fetch[@]}"
bad KERNEL_FLAVOUR=arm64-64k "amd64" "rt-amd64" "arm64" "arm64-16k" -- "${fetch[@]}"
bad KERNEL=5.10 "6.1" "6.12" "newest" -- "${fetch[@]}"
bad KERNEL=latest "6.1" "newest" -- "${fetch[@]}"
bad KERNEL_ABI=6.1.0-1 "6.1.0-" -- "${fetch[@]}"
bad KERNEL_ABI=9.9.9+deb13 "6.1.0-" "+deb13" -- "${fetch[@]}"
bad KERNEL_ABI=7.3.4 "7.3.4+deb13" -- "${fetch[@]}"
bad KERNEL_ABI=6.1.0-57 "KERNEL: 6.1" -- env KERNEL=6.12 "${fetch[@]}"
bad KERNEL=5.10 "KERNEL_FLAVOUR=debug" "6.1" "newest" -- env KERNEL_FLAVOUR=debug "${fetch[@]}"
bad KERNEL_ABI=6.1.0-57 "KERNEL_FLAVOUR=debug" "KERNEL: 6.1 newest" -- env KERNEL_FLAVOUR=debug "${fetch[@]}"
bad ACCEL=xen "auto" "kvm" "tcg" -- "${fetch[@]}"
# the guest scripts check ACCEL before they build or boot anything
bad ACCEL=kvm2 "auto" "kvm" "tcg" -- qemu/run -- true
bad ACCEL=hvf "auto" "kvm" "tcg" -- qemu/demo
# make stops while it reads the Makefile: one line, before any recipe,
# for a bad value on the command line or in the environment
bad_arg KERNEL_FLAVOUR=foo "amd64" "cloud-amd64" "rt-amd64" -- make --no-print-directory check KERNEL_FLAVOUR=foo
bad_arg KERNEL=5.10 "6.12" "newest" -- make --no-print-directory kernel KERNEL=5.10
bad_arg KERNEL_ABI=6.1.0-1 "6.1.0-" -- make --no-print-directory guest-module KERNEL_ABI=6.1.0-1
bad_arg ACCEL=foo "kvm" "tcg" -- make --no-print-directory demo ACCEL=foo
bad KERNEL_FLAVOUR=foo "amd64" "rt-amd64" -- make --no-print-directory check
bad ACCEL=foo "kvm" "tcg" -- make --no-print-directory check
bad_arg KERNEL=5.10 "KERNEL_FLAVOUR=debug" "newest" -- make --no-print-directory check-debug KERNEL=5.10
bad_arg ARCH=sparc "amd64" "arm64" -- make --no-print-directory check ARCH=sparc
bad_arg ARCH=arm64 "KERNEL_FLAVOUR=amd64" "arm64-16k" -- make --no-print-directory check ARCH=arm64 KERNEL_FLAVOUR=amd64
# a chroot that cannot be made
bad_arg potato "trixie" "sid" -- qemu/kernel-chroot potato 14
