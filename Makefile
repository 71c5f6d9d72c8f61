# mentormail -- build, tests, demo, benchmarks, install.
#
#   make            build ./build/mentormail
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the demo
#   make bench      benchmarks (bench/); BIG=1 adds 100,000 applications
#   make accuracy   how well the rules read the corpora (not a test)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/mentormail
SYSCONFDIR ?= /etc/mentormail
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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
	     -DSHAREDIR='"$(SHAREDIR)"' -DSYSCONFDIR='"$(SYSCONFDIR)"'

SRCS	:= $(sort $(wildcard src/*.c))
OBJS	:= $(SRCS:src/%.c=$(BUILD)/%.o)
LIBOBJS	:= $(filter-out $(BUILD)/mentormail.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNITS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check unit e2e demo bench install uninstall clean valgrind \
	accuracy

all: $(BUILD)/mentormail

$(BUILD)/mentormail: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/testlib.o: tests/unit/testlib.c $(wildcard src/*.h) \
    $(wildcard tests/unit/*.h) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Isrc -Itests/unit -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/tests/testlib.o $(LIBOBJS) \
    $(wildcard tests/unit/*.h) | $(BUILD)/tests
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

install: $(BUILD)/mentormail
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/rules \
	    $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SHAREDIR)/cron \
	    $(DESTDIR)$(SHAREDIR)/presets
	install -m 755 $(BUILD)/mentormail $(DESTDIR)$(BINDIR)/mentormail
	cp -R rules/. $(DESTDIR)$(SHAREDIR)/rules/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	cp -R presets/. $(DESTDIR)$(SHAREDIR)/presets/
	install -m 644 cron/* $(DESTDIR)$(SHAREDIR)/cron/
	install -m 644 mentormail.conf.example $(DESTDIR)$(SHAREDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mentormail
	rm -rf $(DESTDIR)$(SHAREDIR)

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
