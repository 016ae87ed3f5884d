# make host-check: what needs no kernel, tested on the host under ASan and
# UBSan: the library (names, sizes, the probe, bad input to every
# function, the ABI under every _FILE_OFFSET_BITS), the CLI's argument
# errors and make install.  The TAP lines
# go to $(B)/tap/host.tap, which qemu/check counts with the guest's.

H := $(B)/host
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS = -O1 -g $(WARN) $(SAN)
HOST_LIB_OBJS := $(LIB_SRCS:user/lib/%.c=$(H)/obj/lib/%.o)
HOST_CLI_OBJS := $(CLI_SRCS:user/cli/%.c=$(H)/obj/cli/%.o)
HOST_TEST_SRCS := $(sort $(wildcard tests/host/*_test.c))
HOST_TESTS := $(HOST_TEST_SRCS:tests/host/%.c=$(H)/%)

$(H)/obj/lib/%.o: user/lib/%.c user/include/libmapdemo.h user/lib/internal.h user/lib/matrix.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(HOST_CFLAGS) -c -o $@ $<

$(H)/obj/cli/%.o: user/cli/%.c user/cli/cli.h user/include/libmapdemo.h driver/uapi/mapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(HOST_CFLAGS) -c -o $@ $<

$(H)/mapdemo: $(HOST_CLI_OBJS) $(HOST_LIB_OBJS)
	$(CC) $(SAN) -o $@ $^ -lkmod

$(H)/%_test: tests/host/%_test.c $(HOST_LIB_OBJS) user/include/libmapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(HOST_CFLAGS) -o $@ $< $(HOST_LIB_OBJS) \
		-lcriterion -lkmod -lpthread

# The probe's tests once more against the library as it ships (-O2, no
# sanitizer): gcc -O2 once dropped the probe handler's stores, which the
# -O1 sanitized build kept.
PROBE_TESTS := $(filter $(H)/probe%_test,$(HOST_TESTS))
PROBE_TESTS_O2 := $(PROBE_TESTS:%_test=%_O2_test)

$(H)/%_O2_test: tests/host/%_test.c $(LIB_OBJS) user/include/libmapdemo.h
	@mkdir -p $(@D)
	$(CC) $(USER_CPPFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(LIB_OBJS) \
		-lcriterion -lkmod -lpthread

host-check: host-deps $(HOST_TESTS) $(PROBE_TESTS_O2) $(H)/mapdemo user
	@tests/host/run $(H) $(B)/tap/host.tap

# tests/host/abi.sh builds users of the header as 32-bit programs too,
# where off_t changes size with _FILE_OFFSET_BITS
.PHONY: host-deps
host-deps:
	@if [ "$$(uname -m)" = x86_64 ]; then scripts/deps gcc-multilib; fi
