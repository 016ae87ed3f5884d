# mapdemo: a reference mmap driver, its library, CLI, tests and harness.
#
#   make check     install what is missing, build, boot the guest, run
#                  the whole suite on the oldest and the newest supported
#                  kernel (6.1 and newest, amd64): a line per kernel, then
#                  one "N passed, N failed"; with a selector (below) on
#                  that one kernel only
#   make demo      boot the guest and show each mode mapped and faulted
#   make shell     an interactive guest shell with the module loaded
#   make lint      checkpatch --strict and sparse on the driver
#   make module    the module against any kernel's headers: the running
#                  kernel's (/lib/modules/$(uname -r)/build) or KDIR=;
#                  driver/mapdemo.ko; make modules_install
#                  (INSTALL_MOD_PATH=), make module-clean
#   make dkms-check  dkms add, build, install, remove for the headers of
#                  6.1, 6.12 and newest, in private DKMS trees
#   make deb       the Debian packages (debian/) in build/deb/, lintian-clean
#   make deb-check   those packages installed with apt into a fresh Debian
#                  12 root with 6.1's headers (DKMS builds the module),
#                  used, then purged without a trace
#   make check-box   a Debian box in QEMU with its own kernel and systemd
#                  (KERNEL=6.1: bookworm; 6.12: trixie; newest: trixie
#                  with trixie-backports' kernel): the packages installed
#                  with apt, DKMS builds the module there, modprobe, udev,
#                  the installed suite
#   make image     build/image/mapdemo-RELEASE-KREL.qcow2: such a box with
#                  mapdemo installed (module built by DKMS at image build),
#                  bootable with no -kernel, and build/image/image-run IMAGE
#                  DIR, which boots it, runs DIR/run, returns its status
#   make check-image   make image, then one job through image-run
#   make install   the library, headers, mapdemo.pc, CLI and man pages
#                  (PREFIX=/usr/local, DESTDIR=); make uninstall
#   make host-check  the host-side tests under ASan and UBSan
#   make bench     the benchmarks in the guest: a table, tests/bench/
#                  results.json and tests/bench/cost-per-page.png
#   make bench-matrix  make bench on 6.1, 6.12 and newest, and their
#                  comparison in tests/bench/kernels/
#   make profile   perf in the guest on the fault paths that miss their
#                  goals: tests/bench/profiles/SERIES.md (amd64)
#   make check-debug   the suite and fault injection on a KASAN, lockdep,
#                  kmemleak kernel built once from the series' linux-source
#                  (KERNEL=6.1, the default, or newest) with its own compiler
#   make check-matrix  the suite on every series (6.1, 6.12, newest) x
#                  flavour (amd64, cloud-amd64, rt-amd64, arm64) and the
#                  debug kernels of 6.1 and newest: a line per kernel
#                  (MATRIX_ARCHES=amd64|arm64 narrows it)
#
# The kernel (every target that boots or builds for one; qemu/kernel-fetch):
#   KERNEL=6.1|6.12|newest   the series (default 6.1); any series Debian's
#                  archive carries works too (7.2); newest is resolved at
#                  run time and the version it chose is printed
#   KERNEL_FLAVOUR=amd64|cloud-amd64|rt-amd64|debug   (default amd64;
#                  debug: the series' debug kernel, qemu/kernel-debug)
#   KERNEL_ABI=6.1.0-57|6.12.117+deb12|7.3.4+deb13    pin one version
#   ACCEL=auto|kvm|tcg   the guest's accelerator (default: probed)
#   ARCH=arm64     an arm64 kernel (KERNEL_FLAVOUR=arm64, or
#                  cloud-arm64, rt-arm64, arm64-16k): make check ARCH=arm64
#                  runs the suite on 6.1 and newest arm64 under TCG, the
#                  module and userspace cross-built (scripts/arch.mk)
# A bad value stops make at once with one line naming it and the values
# that work.

KERNEL ?=
KERNEL_FLAVOUR ?=
KERNEL_ABI ?=
export KERNEL KERNEL_FLAVOUR KERNEL_ABI
# any selector given: one kernel; none: make check runs two
SELECTED := $(strip $(KERNEL)$(KERNEL_FLAVOUR)$(KERNEL_ABI))

B := build
CC := gcc
AR := ar
# ARCH=arm64 or an arm64 flavour: GUEST_ARCH, and B, CC for its userspace
include scripts/arch.mk

# A bad selector stops make before anything is built or fetched, with the
# one line qemu/kernel-fetch --check prints (the defaults are good).
KERNEL_GOALS := all build kernel guest-module lint check check-kernel demo shell bench profile \
	check-debug
ifneq ($(filter $(KERNEL_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(SELECTED)$(ACCEL),)
# (make 4.3 hands $(shell) neither command-line nor exported variables;
# check-debug's flavour is its own)
SELECTOR_ERROR := $(shell KERNEL='$(KERNEL)' \
	KERNEL_FLAVOUR='$(if $(filter check-debug,$(MAKECMDGOALS)),debug,$(KERNEL_FLAVOUR))' \
	KERNEL_ABI='$(KERNEL_ABI)' ACCEL='$(ACCEL)' qemu/kernel-fetch --check)
$(if $(SELECTOR_ERROR),$(error $(SELECTOR_ERROR)))
endif
endif

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
USER_CPPFLAGS = -Iuser/include -Idriver/uapi -D_GNU_SOURCE $(CPPFLAGS)
# CPPFLAGS and LDFLAGS: a packager's (dpkg-buildflags), empty by default
CPPFLAGS ?=
LDFLAGS ?=
# Where the binaries find libmapdemo.so.1: beside them in build/ (the
# guest's initramfs keeps that layout).  RPATH= for a system install, as
# debian/rules builds.
RPATH ?= -Wl,-rpath,'$$ORIGIN/../lib'
USER_CFLAGS = $(CFLAGS) $(WARN) -fPIC -fvisibility=default

LIB_SRCS := $(sort $(wildcard user/lib/*.c))
LIB_OBJS := $(LIB_SRCS:user/lib/%.c=$(B)/obj/lib/%.o)
CLI_SRCS := $(sort $(wildcard user/cli/*.c))
CLI_OBJS := $(CLI_SRCS:user/cli/%.c=$(B)/obj/cli/%.o)
TEST_SRCS := $(sort $(wildcard tests/*_test.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
TEST_HELPERS := $(filter-out $(TEST_SRCS),$(sort $(wildcard tests/*.c)))
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH := $(B)/bench/mapdemo-bench
# Tests that need the debug kernel's fault injection: make check-debug only.
DEBUG_TEST_SRCS := $(sort $(wildcard tests/debug/*_test.c))
DEBUG_TEST_BINS := $(DEBUG_TEST_SRCS:tests/debug/%.c=$(B)/tests/debug/%)

SOVERSION := 1
LIB_SO := $(B)/lib/libmapdemo.so.$(SOVERSION)
LIB_A := $(B)/lib/libmapdemo.a
CLI := $(B)/bin/mapdemo

.PHONY: all build deps kernel guest-module module modules_install module-clean dkms-check deb deb-deps deb-check check-box image check-image user tests lint check check-kernel demo \
	shell clean install uninstall host-check example bench bench-deps \
	debug-tests check-debug check-matrix bench-matrix profile
.DELETE_ON_ERROR:

all: build

# The debug kernel is built from linux-source: it needs more (flex, ...).
deps:
	@scripts/deps $(if $(filter debug,$(KERNEL_FLAVOUR)),--kernel-build) $(ARCH_DEPS)

# The kernel is fetched into the cache; build/kernel.env says where, and
# how its module is built (KCHROOT: the chroot with its compiler; for
# every architecture: scripts/build-module and lint read it there).
kernel: deps
	@mkdir -p build
	@qemu/kernel-fetch > build/kernel.env.tmp && mv build/kernel.env.tmp build/kernel.env

# The harness's module, for the selected kernel of the cache: W=1 and not
# one warning (the build log is searched, not trusted), with the kernel's
# own compiler.  The module: build/module/KREL/driver/mapdemo.ko.
guest-module: kernel
	@scripts/build-module

build: guest-module user tests

# The standard out-of-tree build, for a user on their own box: against
# the running kernel's headers or KDIR's, in the source tree
# (driver/mapdemo.ko); an unsupported kernel stops with one line.
KDIR ?=
# updates/ (as DKMS's updates/dkms): depmod prefers it to the kernel's own
INSTALL_MOD_DIR ?= updates
ifneq ($(filter module modules_install,$(MAKECMDGOALS)),)
MODULE_ERROR := $(shell KDIR='$(KDIR)' scripts/module check)
$(if $(MODULE_ERROR),$(error $(MODULE_ERROR)))
endif
module:
	@KDIR='$(KDIR)' scripts/module modules

modules_install:
	@KDIR='$(KDIR)' scripts/module modules_install \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH='$(INSTALL_MOD_PATH)') \
		INSTALL_MOD_DIR='$(INSTALL_MOD_DIR)'

module-clean:
	@KDIR='$(KDIR)' scripts/module clean

# What dpkg-buildpackage, dh-dkms and lintian need, and debian/control's
# Build-Depends.
DEB_DEPS := build-essential debhelper dh-dkms dkms dpkg-dev fakeroot lintian \
	libcriterion-dev libkmod-dev pkg-config
deb-deps:
	@scripts/deps $(DEB_DEPS)

deb: deb-deps
	@scripts/deb

deb-check: deb
	@scripts/deb-check

# A real Debian test box in QEMU (qemu/check-box): not part of make check
check-box: deb
	@scripts/deps e2fsprogs
	@qemu/check-box

# A disk image of such a box for other projects' CI (qemu/image), and a
# job run through it (qemu/check-image)
IMAGE_DEPS := e2fsprogs syslinux syslinux-common mtools dosfstools fdisk qemu-utils
image: deb
	@scripts/deps $(IMAGE_DEPS)
	@qemu/image

check-image: image
	@qemu/check-image

# DKMS_SERIES="6.1 newest" narrows it
dkms-check: deps
	@scripts/deps dkms
	@scripts/dkms-check $(DKMS_SERIES)

user: $(LIB_SO) $(LIB_A) $(CLI)

$(B)/obj/lib/%.o: user/lib/%.c user/include/libmapdemo.h user/lib/internal.h user/lib/matrix.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) user/lib/libmapdemo.map
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $(LIB_OBJS) -Wl,-soname,libmapdemo.so.$(SOVERSION) \
		-Wl,--version-script=user/lib/libmapdemo.map -Wl,-z,defs -lkmod
	ln -sf libmapdemo.so.$(SOVERSION) $(B)/lib/libmapdemo.so

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/obj/cli/%.o: user/cli/%.c user/cli/cli.h user/include/libmapdemo.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c -o $@ $<

$(CLI): $(CLI_OBJS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) -L$(B)/lib -lmapdemo $(RPATH)

tests: $(TEST_BINS) $(BENCH) $(B)/tests/kselftest_pfnmap_test

# the expected matrix is built into its test (.incbin)
$(B)/tests/matrix_test: tests/matrix.expected

$(B)/tests/%: tests/%.c $(TEST_HELPERS) tests/helpers.h $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) -Itests $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(TEST_HELPERS) \
		-L$(B)/lib -lmapdemo -lcriterion $(RPATH)

# The kernel's own selftest of PFN maps (tools/testing/selftests/mm/
# pfnmap.c, which maps any file since 6.18) from the newest series'
# linux-source, fetched once into the cache (scripts/linux-source-selftests,
# whose answer $(B)/kselftest-src keeps); tests/kselftest/pfnmap.c runs it
# in the guest against dma mode's pfn style.  The kernel's files are built
# as its selftests are, with its own uapi headers and its warnings.
KSELFTEST_ARCH ?= $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
KSELFTEST_CFLAGS = -O2 -g -D__EXPORTED_HEADERS__ \
	-I$$src/tools/testing/selftests -isystem $$src/include/uapi \
	-isystem $$src/arch/$(KSELFTEST_ARCH)/include/uapi

$(B)/kselftest-src: scripts/linux-source-selftests
	@mkdir -p $(@D)
	scripts/linux-source-selftests > $@.tmp && mv $@.tmp $@

$(B)/tests/kselftest_pfnmap_test: tests/kselftest/pfnmap.c $(B)/kselftest-src $(LIB_SO)
	@mkdir -p $(@D) $(B)/obj/kselftest
	src=$$(cat $(B)/kselftest-src) && \
	$(CC) $(KSELFTEST_CFLAGS) -Dmain=kselftest_pfnmap_main -c \
		-o $(B)/obj/kselftest/pfnmap.o $$src/tools/testing/selftests/mm/pfnmap.c && \
	$(CC) $(KSELFTEST_CFLAGS) -c -o $(B)/obj/kselftest/vm_util.o \
		$$src/tools/testing/selftests/mm/vm_util.c
	$(CC) $(USER_CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(B)/obj/kselftest/pfnmap.o \
		$(B)/obj/kselftest/vm_util.o -L$(B)/lib -lmapdemo -Wl,-rpath,'$$ORIGIN/../lib'

$(BENCH): $(BENCH_SRCS) tests/bench/bench.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $(BENCH_SRCS) -lm
debug-tests: $(DEBUG_TEST_BINS)

$(B)/tests/debug/%: tests/debug/%.c $(TEST_HELPERS) tests/helpers.h $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) -Itests $(CFLAGS) $(WARN) -o $@ $< $(TEST_HELPERS) \
		-L$(B)/lib -lmapdemo -lcriterion -Wl,-rpath,'$$ORIGIN/../../lib'

lint: kernel
	@scripts/lint

# One kernel: its lint, module and guest run (qemu/check-kernels runs
# this once a kernel, the host-side tests once before them).
check-kernel: deps lint build example
	@qemu/check

# the host-side tests are the host's whatever the guest's architecture
ifeq ($(GUEST_ARCH),amd64)
HOST_CHECK := host-check
else
HOST_CHECK := host-check-native
endif
.PHONY: host-check-native
host-check-native:
	@$(MAKE) --no-print-directory host-check ARCH= KERNEL= KERNEL_FLAVOUR= KERNEL_ABI=

ifeq ($(SELECTED),)
check: deps $(HOST_CHECK) example
	@qemu/check-kernels 6.1:$(GUEST_ARCH) newest:$(GUEST_ARCH)
else
check: deps lint build $(HOST_CHECK) example
	@qemu/check
endif

check-debug: KERNEL_FLAVOUR = debug
check-debug: deps lint build example debug-tests
	@qemu/check-debug

check-matrix: deps host-check example
	@scripts/deps --kernel-build
	@qemu/check-matrix

demo: deps build
	@qemu/demo

bench-deps:
	@scripts/deps gnuplot-nox jq

bench: bench-deps build
	@qemu/bench

# make bench on each series (BENCH_SERIES="6.1 6.12 newest") and the
# comparison of them in tests/bench/kernels/
bench-matrix: bench-deps
	@qemu/bench-matrix

# perf record in the guest on the figures that miss their goals
profile: build
	@scripts/deps linux-perf
	@qemu/profile

shell: deps build
	@qemu/shell

include user/install.mk
include tests/host/host.mk
include user/examples/examples.mk

clean:
	rm -rf $(B)
	@# what an in-tree build (make -C KDIR M=$$PWD) leaves
	rm -f driver/*.o driver/*.ko driver/*.mod driver/*.mod.c driver/.*.cmd \
		driver/modules.order driver/.krel .*.cmd Module.symvers modules.order
