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
VERSION := 1.0.0

MAN_PAGES := $(sort $(wildcard man/*.[1-8]))

INSTALLED = $(BINDIR)/mapdemo \
	$(LIBDIR)/libmapdemo.so.$(SOVERSION) $(LIBDIR)/libmapdemo.so \
	$(LIBDIR)/libmapdemo.a $(PKGCONFIGDIR)/mapdemo.pc \
	$(INCLUDEDIR)/libmapdemo.h $(INCLUDEDIR)/mapdemo.h \
	$(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))

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

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
