# The Makefile's half of the guest architectures (qemu/arch.sh has the
# harness's): which one the selected kernel is, and how the userspace
# that runs in its guest (library, CLI, tests, bench, examples) is built.
#
# ARCH=arm64 selects an arm64 kernel (KERNEL_FLAVOUR arm64 unless another
# arm64 flavour is given); so does an arm64 flavour (arm64, cloud-arm64,
# rt-arm64, arm64-16k) by itself.  Its userspace is cross-built into
# build/arm64 by scripts/cross-cc (gcc-12's cross compiler in a bookworm
# chroot, against the Debian 12 arm64 sysroot of scripts/sysroot).  The
# host-side tests stay the host's (make host-check, in build/).

ARCH ?=
ifneq ($(filter-out amd64 x86 x86_64 arm64,$(ARCH)),)
$(error mapdemo: ARCH=$(ARCH): unknown architecture; architectures: amd64 arm64)
endif
ifeq ($(ARCH),arm64)
ifeq ($(KERNEL_FLAVOUR),)
KERNEL_FLAVOUR := arm64
else ifeq ($(findstring arm64,$(KERNEL_FLAVOUR)),)
$(error mapdemo: ARCH=arm64 with KERNEL_FLAVOUR=$(KERNEL_FLAVOUR): flavours of arm64: arm64 cloud-arm64 rt-arm64 arm64-16k)
endif
endif
GUEST_ARCH := $(if $(findstring arm64,$(KERNEL_FLAVOUR)),arm64,amd64)

ifeq ($(GUEST_ARCH),arm64)
B := build/arm64
CC := scripts/cross-cc arm64
AR := aarch64-linux-gnu-ar
KSELFTEST_ARCH := arm64
# the cross binutils (the compiler itself lives in a chroot) and the
# emulator; fdtput for DMA_DT (qemu/lib.sh)
ARCH_DEPS := binutils-aarch64-linux-gnu qemu-system-arm device-tree-compiler
endif
