# shellcheck shell=bash
# What differs between the guest architectures, in one place: whose a
# kernel flavour is, how a module and the userspace are built for it, how
# its guest boots and talks back.  The host is Debian amd64; an arm64
# guest's module and binaries are cross-built here and it runs under TCG.
#
# Sourced by qemu/kernel-fetch, qemu/lib.sh, qemu/check-matrix and
# scripts/cross-cc, whose $top (the source tree) and $cache (the cache)
# it uses.  The Makefile's half (the userspace cross-build: build/arm64,
# the sysroot) is scripts/arch.mk.
# shellcheck disable=SC2154

# arch_of FLAVOUR: the Debian architecture of a kernel flavour
# (arm64, cloud-arm64, rt-arm64, arm64-16k: arm64; the rest amd64).
arch_of() {
	case $1 in
	*arm64*) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# arch_env ARCH: kernel.env's assignments for kbuild (its ARCH and
# CROSS_COMPILE) and the cross compiler's Debian package.
arch_env() {
	case $1 in
	amd64) echo "GUEST_ARCH=amd64 KARCH=x86 CROSS_COMPILE=" ;;
	arm64) echo "GUEST_ARCH=arm64 KARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	esac
}

# arch_triple ARCH: its GNU triple, Debian's multiarch directory name
arch_triple() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	esac
}

# arch_userdir ARCH: where the Makefile builds the userspace for ARCH
arch_userdir() {
	case $1 in
	amd64) echo "$top/build" ;;
	*) echo "$top/build/$1" ;;
	esac
}

# arch_qemu ARCH: the emulator, machine and CPU (TCG: "max"; KVM "host")
arch_qemu() {
	local accel=$2
	case $1 in
	amd64)
		echo qemu-system-x86_64 -cpu "$([ "$accel" = kvm ] && echo host || echo "${GUEST_CPU:-max}")" ;;
	arm64)
		# pauth-impdef: QEMU's own pointer-authentication hash; the
		# architected one (plain max) makes the guest about 4x slower
		echo qemu-system-aarch64 -M virt -cpu "${GUEST_CPU:-max,pauth-impdef=on}" ;;
	esac
}

# arch_icount_cpu ARCH: the guest CPU for make bench's -icount runs, where
# guest time counts instructions.  x86: no ERMS, so that the kernel
# clears and copies pages 8 bytes an iteration (rep stosq, rep movsq;
# a rep-prefixed instruction counts once per iteration, and with ERMS a
# clear would go byte by byte, weighing eight times a copy).  arm64
# clears with DC ZVA and copies with LDP/STP pairs, no rep prefix: its
# usual CPU.
arch_icount_cpu() {
	case $1 in
	amd64) echo max,-erms ;;
	arm64) echo max,pauth-impdef=on ;;
	esac
}

# arch_console ARCH: the kernel's console, on the first serial port
arch_console() {
	case $1 in
	amd64) echo ttyS0 ;;
	arm64) echo ttyAMA0 ;;
	esac
}

# arch_out_args ARCH CHARDEV: qemu arguments for the guest's second
# channel (its test output and verdict), on CHARDEV; arch_out_dev ARCH:
# that channel's device in the guest.  virt has one UART: the channel is
# a virtio console there (virtio_mmio and virtio_console are modules in
# Debian's arm64 kernels: arch_modules, loaded by the guest's init).
arch_out_args() {
	case $1 in
	amd64) echo "-serial chardev:$2" ;;
	arm64) echo "-device virtio-serial-device -device virtconsole,chardev=$2" ;;
	esac
}
arch_out_dev() {
	case $1 in
	amd64) echo /dev/ttyS1 ;;
	arm64) echo /dev/hvc0 ;;
	esac
}

# arch_modules ARCH: the kernel's modules (paths under kernel/) the guest's
# init loads before it opens its output channel
arch_modules() {
	case $1 in
	arm64) echo drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko ;;
	esac
}

# arch_sysroot ARCH: the Debian root the arm64 binaries were linked
# against (scripts/sysroot); its libraries and busybox go into the
# guest.  Empty for the host's own architecture.
arch_sysroot() {
	case $1 in
	amd64) ;;
	*) echo "$cache/sysroot-$1" ;;
	esac
}
