# mentormail -- build, tests, demo, benchmarks, install.
#
#   make            build ./build/mentormail
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the demo
#   make bench      benchmarks (bench/); BIG=1 adds 100,000 applications
#   make accuracy   how well the rules read the corpora (not a test)
#   make install    PREFIX=/usr/local DESTDIR= (SYSCONFDIR, STATEDIR, ...)

VERSION	= 0.9

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/mentormail
SYSCONFDIR ?= /etc/mentormail
STATEDIR ?= /var/lib/mentormail
MANDIR	?= $(PREFIX)/share/man
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
BUILD	?= build

CC	?= cc
PKGS	= libetpan gmime-3.0 sqlite3 libpcre2-8 gnutls glib-2.0
# libetpan's .pc links with a dpkg "no-pie" specs file; we build PIE like
# the rest of Debian, so that flag is dropped.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(filter-out -specs=%,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN	= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-unused-parameter
CFLAGS	?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif
# The paths and the version compiled in.  $(BUILD)/paths holds them and
# is rewritten only when they change, so that `make install PREFIX=...`
# rebuilds what was built for another prefix, and nothing otherwise.
PATH_FLAGS = -DSHAREDIR='"$(SHAREDIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
	     -DMENTORMAIL_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
	     $(PATH_FLAGS)

SRCS	:= $(sort $(wildcard src/*.c))
OBJS	:= $(SRCS:src/%.c=$(BUILD)/%.o)
LIBOBJS	:= $(filter-out $(BUILD)/mentormail.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNITS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check unit e2e demo bench install uninstall clean valgrind \
	accuracy FORCE

all: $(BUILD)/mentormail

$(BUILD)/mentormail: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/paths: FORCE | $(BUILD)
	@echo "$(PATH_FLAGS)" | cmp -s - $@ || echo "$(PATH_FLAGS)" >$@

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) $(BUILD)/paths | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/testlib.o: tests/unit/testlib.c $(wildcard src/*.h) \
    $(wildcard tests/unit/*.h) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Isrc -Itests/unit -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/tests/testlib.o $(LIBOBJS) \
    $(wildcard tests/unit/*.h) $(BUILD)/paths | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Isrc -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(BUILD)/tests/testlib.o $(LIBOBJS) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

deps:
	@tools/deps build test demo bench

# The test suite runs against a sanitizer build of its own.  It runs the
# demo and the benchmarks too (tests/e2e/t-deps.sh), so it needs theirs.
check:
	@tools/deps build test demo bench
	mandoc -T lint -W warning $(MANPAGES)
	$(MAKE) BUILD=build/check SANITIZE=1 unit e2e
	$(MAKE) BUILD=build valgrind

unit: $(UNITS)
	@tests/unit/run $(UNITS)

e2e: $(BUILD)/mentormail
	@MENTORMAIL=$(abspath $(BUILD)/mentormail) tests/e2e/run

valgrind: $(UNITS)
	@VALGRIND=1 tests/unit/run $(UNITS)

demo:
	@tools/deps build demo
	$(MAKE) all
	@tools/demo $(abspath $(BUILD)/mentormail)

bench:
	@tools/deps build bench
	$(MAKE) all
	@BIG=$(BIG) bench/run $(abspath $(BUILD)/mentormail)

# Field accuracy per program and per field (tools/accuracy), for each
# first-sight batch and the tuning corpus; CORPUS=DIR for one corpus only,
# V=1 to list every miss.
accuracy: $(BUILD)/mentormail
ifdef CORPUS
	@tools/accuracy $(if $(V),-v) -m $(BUILD)/mentormail $(CORPUS)
else
	@for d in tests/corpus/first-sight/batch*/; do \
	    tools/accuracy $(if $(V),-v) -m $(BUILD)/mentormail $${d%/} || exit; \
	done
	@tools/accuracy $(if $(V),-v) -m $(BUILD)/mentormail -t "tuning corpus" \
	    tests/corpus/applications tests/corpus/other
endif

# The files that name the paths are written with the installed ones: the
# sources name the defaults (/usr/local, /etc/mentormail, /var/lib).
MANPAGES = man/mentormail.1 man/mentormail.conf.5 man/mentormail-rules.5 \
	   man/mentormail-templates.5
INSTALL_PATHS = sed -e 's|/usr/local/share/mentormail|$(SHAREDIR)|g' \
	-e 's|/usr/local/bin|$(BINDIR)|g' \
	-e 's|/usr/local/lib/systemd/system|$(SYSTEMDDIR)|g' \
	-e 's|/etc/mentormail|$(SYSCONFDIR)|g' -e 's|/var/lib/mentormail|$(STATEDIR)|g'

install: $(BUILD)/mentormail
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/rules \
	    $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SHAREDIR)/cron \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SHAREDIR)/presets
	install -m 755 $(BUILD)/mentormail $(DESTDIR)$(BINDIR)/mentormail
	cp -R rules/. $(DESTDIR)$(SHAREDIR)/rules/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	cp -R presets/. $(DESTDIR)$(SHAREDIR)/presets/
	for f in cron/mentormail.cron mentormail.conf.example systemd/* \
	    $(MANPAGES); do \
		case $$f in \
		cron/*) to=$(DESTDIR)$(SHAREDIR)/cron ;; \
		systemd/*) to=$(DESTDIR)$(SYSTEMDDIR) ;; \
		*.1) to=$(DESTDIR)$(MANDIR)/man1 ;; \
		*.5) to=$(DESTDIR)$(MANDIR)/man5 ;; \
		*) to=$(DESTDIR)$(SHAREDIR) ;; \
		esac; \
		$(INSTALL_PATHS) $$f >$$to/$${f##*/}.tmp && \
		chmod 644 $$to/$${f##*/}.tmp && \
		mv $$to/$${f##*/}.tmp $$to/$${f##*/} || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mentormail
	rm -rf $(DESTDIR)$(SHAREDIR)
	rm -f $(DESTDIR)$(SYSTEMDDIR)/mentormail.service \
	    $(DESTDIR)$(SYSTEMDDIR)/mentormail.timer
	rm -f $(DESTDIR)$(MANDIR)/man1/mentormail.1 \
	    $(DESTDIR)$(MANDIR)/man5/mentormail.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/mentormail-rules.5 \
	    $(DESTDIR)$(MANDIR)/man5/mentormail-templates.5

clean:
	rm -rf build

# The template engine's libFuzzer target; not part of `make check`.  See
# tests/fuzz/README.md.  FUZZ_TIME is in seconds.
FUZZ_CC	?= clang
FUZZ_TIME ?= 60
FUZZ_SRCS = tests/fuzz/template-fuzzer.c src/template.c src/log.c
.PHONY: fuzz
fuzz: $(BUILD)/template-fuzzer
	mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/template-fuzzer -max_total_time=$(FUZZ_TIME) \
	    -dict=tests/fuzz/template.dict -artifact_prefix=$(BUILD)/ \
	    $(BUILD)/fuzz-corpus templates

$(BUILD)/template-fuzzer: $(FUZZ_SRCS) src/template.h src/log.h | $(BUILD)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -Isrc \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    $(shell pkg-config --cflags glib-2.0) -o $@ $(FUZZ_SRCS) \
	    $(shell pkg-config --libs glib-2.0)
