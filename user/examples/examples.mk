# make example: install the library into a private prefix and build the
# example programs against that installation through pkg-config, as a
# user of the library would; one linked to libmapdemo.so, one to
# libmapdemo.a.  make check runs them in the guest.

EX_PREFIX := $(abspath $(B))/example-prefix
EX_PC := PKG_CONFIG_PATH=$(EX_PREFIX)/lib/pkgconfig pkg-config
EXAMPLE_BINS := $(B)/examples/mapdemo-example $(B)/examples/mapdemo-example-static

example: user
	@rm -rf $(EX_PREFIX)
	@$(MAKE) -s install PREFIX=$(EX_PREFIX) DESTDIR= > /dev/null
	@mkdir -p $(B)/examples
	@echo "example: building against the library installed in $(EX_PREFIX)"
	@$(CC) $(CFLAGS) $(WARN) -o $(B)/examples/mapdemo-example \
		user/examples/mapdemo-example.c $$($(EX_PC) --cflags --libs mapdemo) \
		-Wl,-rpath,$$($(EX_PC) --variable=libdir mapdemo)
	@# libmapdemo.a with the shared libkmod it needs (Requires.private):
	@# --static would also ask for the static archives of libkmod's own
	@# dependencies, which Debian does not ship
	@$(CC) $(CFLAGS) $(WARN) -o $(B)/examples/mapdemo-example-static \
		user/examples/mapdemo-example.c $$($(EX_PC) --cflags mapdemo) \
		$$($(EX_PC) --libs-only-L mapdemo) -l:libmapdemo.a \
		$$($(EX_PC) --print-requires-private mapdemo | xargs pkg-config --libs)
