# mapdemo: a reference mmap driver, its library, CLI, tests and harness.
#
#   make check     install what is missing, build, boot the guest, run
#                  the whole suite; ends with "N passed, N failed"
#   make demo      boot the guest and show each mode mapped and faulted
#   make shell     an interactive guest shell with the module loaded
#   make lint      checkpatch --strict and sparse on the driver
#   make install   the library, headers, mapdemo.pc, CLI and man pages
#                  (PREFIX=/usr/local, DESTDIR=); make uninstall
#   make host-check  the host-side tests under ASan and UBSan
#   make bench     the benchmarks in the guest: a table, tests/bench/
#                  results.json and tests/bench/cost-per-page.png
#   make check-debug   the suite and fault injection on a KASAN, lockdep,
#                  kmemleak kernel built once from linux-source-6.1
#   make check-matrix  make check on amd64, cloud-amd64, rt-amd64 and debug
#
# KERNEL_FLAVOUR=amd64|cloud-amd64|rt-amd64 picks the Debian 6.1 kernel;
# KERNEL_ABI=6.1.0-NN pins its version (default: Debian's newest).

KERNEL_FLAVOUR ?= amd64
KERNEL_ABI ?=
export KERNEL_FLAVOUR KERNEL_ABI

B := build
CC := gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
USER_CPPFLAGS := -Iuser/include -Idriver/uapi -D_GNU_SOURCE
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

.PHONY: all build deps kernel module user tests lint check demo shell clean \
	install uninstall host-check example bench bench-deps \
	debug-tests check-debug check-matrix
.DELETE_ON_ERROR:

all: build

deps:
	@scripts/deps

# The kernel is fetched into the cache; $(B)/kernel.env says where.
kernel: deps
	@mkdir -p $(B)
	@qemu/kernel-fetch > $(B)/kernel.env.tmp && mv $(B)/kernel.env.tmp $(B)/kernel.env

# W=1 and not one warning: the build log is searched, not trusted.
module: kernel
	@scripts/build-module

build: module user tests

user: $(LIB_SO) $(LIB_A) $(CLI)

$(B)/obj/lib/%.o: user/lib/%.c user/include/libmapdemo.h user/lib/internal.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) user/lib/libmapdemo.map
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(LIB_OBJS) -Wl,-soname,libmapdemo.so.$(SOVERSION) \
		-Wl,--version-script=user/lib/libmapdemo.map -Wl,-z,defs -lkmod
	ln -sf libmapdemo.so.$(SOVERSION) $(B)/lib/libmapdemo.so

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/obj/cli/%.o: user/cli/%.c user/cli/cli.h user/include/libmapdemo.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(USER_CFLAGS) -c -o $@ $<

$(CLI): $(CLI_OBJS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $(CLI_OBJS) -L$(B)/lib -lmapdemo -Wl,-rpath,'$$ORIGIN/../lib'

tests: $(TEST_BINS) $(BENCH)

$(B)/tests/%: tests/%.c $(TEST_HELPERS) tests/helpers.h $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) -Itests $(CFLAGS) $(WARN) -o $@ $< $(TEST_HELPERS) \
		-L$(B)/lib -lmapdemo -lcriterion -Wl,-rpath,'$$ORIGIN/../lib'

$(BENCH): $(BENCH_SRCS) tests/bench/bench.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $(BENCH_SRCS) -lm
debug-tests: $(DEBUG_TEST_BINS)

$(B)/tests/debug/%: tests/debug/%.c $(TEST_HELPERS) tests/helpers.h $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) -Itests $(CFLAGS) $(WARN) -o $@ $< $(TEST_HELPERS) \
		-L$(B)/lib -lmapdemo -lcriterion -Wl,-rpath,'$$ORIGIN/../../lib'

lint: kernel
	@scripts/lint

check: deps lint build host-check example
	@qemu/check

check-debug: KERNEL_FLAVOUR = debug
check-debug: deps lint build example debug-tests
	@qemu/check-debug

check-matrix: deps
	@qemu/check-matrix

demo: deps build
	@qemu/demo

bench-deps:
	@scripts/deps gnuplot-nox

bench: bench-deps build
	@qemu/bench

shell: deps build
	@qemu/shell

include user/install.mk
include tests/host/host.mk
include user/examples/examples.mk

clean:
	rm -rf $(B)
	rm -f driver/*.o driver/*.ko driver/*.mod driver/*.mod.c driver/.*.cmd \
		driver/modules.order driver/.krel .*.cmd Module.symvers modules.order
