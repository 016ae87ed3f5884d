# make install / uninstall.  Included by the Makefile.  mapdemo.pc is
# written at install time: its paths are the install's PREFIX and LIBDIR.
#
#   make install PREFIX=/usr DESTDIR=/tmp/pkg
#
# The public header includes the ioctl ABI as <mapdemo.h>, so both go to
# INCLUDEDIR.  Everything installed is listed in INSTALLED, which
# uninstall removes and nothing else.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
# The release, from the one place that says it: the public header.
VERSION := $(shell sed -n 's/^\#define MAPDEMO_VERSION_\(MAJOR\|MINOR\|PATCH\)[[:space:]]*\([0-9]*\)$$/\2/p' \
	user/include/libmapdemo.h | paste -sd.)

MAN_PAGES := $(sort $(wildcard man/*.[1-8]))

# One page describes a group of functions; every other function of the
# group gets a page that sources it, as "man mapdemo_unmap" expects.
MAN_ALIASES := \
	mapdemo_module_load:mapdemo_module_unload \
	mapdemo_module_load:mapdemo_module_state \
	mapdemo_module_load:mapdemo_module_refcount \
	mapdemo_device_open:mapdemo_device_close \
	mapdemo_device_open:mapdemo_set_mode \
	mapdemo_device_open:mapdemo_get_mode \
	mapdemo_device_open:mapdemo_info \
	mapdemo_device_open:mapdemo_stats \
	mapdemo_reset:mapdemo_resize \
	mapdemo_reset:mapdemo_sync \
	mapdemo_reset:mapdemo_set_dma_style \
	mapdemo_reset:mapdemo_set_dma_cache \
	mapdemo_map:mapdemo_unmap \
	mapdemo_parse_prot:mapdemo_parse_map_flags \
	mapdemo_parse_prot:mapdemo_word_length \
	mapdemo_parse_prot:mapdemo_format_prot \
	mapdemo_parse_prot:mapdemo_format_map_flags \
	mapdemo_parse_prot:mapdemo_parse_mode \
	mapdemo_parse_prot:mapdemo_mode_name \
	mapdemo_parse_prot:mapdemo_parse_dma_style \
	mapdemo_parse_prot:mapdemo_dma_style_name \
	mapdemo_parse_prot:mapdemo_parse_dma_cache \
	mapdemo_parse_prot:mapdemo_dma_cache_name \
	mapdemo_parse_prot:mapdemo_parse_access \
	mapdemo_parse_prot:mapdemo_access_name \
	mapdemo_parse_prot:mapdemo_parse_size \
	mapdemo_probe:mapdemo_outcome_name \
	mapdemo_probe:mapdemo_code_name \
	libmapdemo:mapdemo_version \
	mapdemo_matrix_cell:mapdemo_matrix_kinds \
	mapdemo_matrix_cell:mapdemo_matrix_kind_name \
	mapdemo_matrix_cell:mapdemo_matrix_parse_kind \
	mapdemo_matrix_cell:mapdemo_matrix_consumers \
	mapdemo_matrix_cell:mapdemo_matrix_consumer_name \
	mapdemo_matrix_cell:mapdemo_matrix_parse_consumer \
	mapdemo_matrix_cell:mapdemo_cell_format

INSTALLED = $(BINDIR)/mapdemo \
	$(LIBDIR)/libmapdemo.so.$(SOVERSION) $(LIBDIR)/libmapdemo.so \
	$(LIBDIR)/libmapdemo.a $(PKGCONFIGDIR)/mapdemo.pc \
	$(INCLUDEDIR)/libmapdemo.h $(INCLUDEDIR)/mapdemo.h \
	$(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	$(foreach a,$(MAN_ALIASES),$(MANDIR)/man3/$(lastword $(subst :, ,$(a))).3)

install: user
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)
	install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/mapdemo
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libmapdemo.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libmapdemo.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		user/lib/mapdemo.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/mapdemo.pc
	install -m 0644 user/include/libmapdemo.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 driver/uapi/mapdemo.h $(DESTDIR)$(INCLUDEDIR)/
	@set -e; for m in $(MAN_PAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${m##*.}; \
		install -d $$d && install -m 0644 $$m $$d/; \
	done
	@set -e; for a in $(MAN_ALIASES); do \
		echo ".so man3/$${a%%:*}.3" > $(DESTDIR)$(MANDIR)/man3/$${a#*:}.3; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
