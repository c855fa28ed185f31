# cohort_analyzer -- PGXS build
#
#   make && sudo make install       build and install into the server of PG_CONFIG
#   make test                       the whole test suite (scripts/test.sh)
#   make demo                       the demo on a throwaway cluster (scripts/demo.sh)
#
# The test targets install into a private copy of the server under build/stage
# and start throwaway instances from it, so they never touch a running server.

EXTENSION   = cohort_analyzer
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

PG_CONFIG  ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS       := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

CORE_SRCS   = $(sort $(wildcard src/core/*.c))
GLUE_SRCS   = $(sort $(wildcard src/*.c))
MODULE_big  = $(EXTENSION)
OBJS        = $(CORE_SRCS:.c=.o) $(GLUE_SRCS:.c=.o)

DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
# Released versions are frozen under sql/ (cohort_analyzer--1.0.sql) with
# hand-written upgrade scripts between them; the current version's full
# script is assembled from sql/install/.
DATA        = $(wildcard sql/$(EXTENSION)--*.sql)

ICU_CFLAGS := $(shell pkg-config --cflags icu-i18n icu-uc 2>/dev/null)
ICU_LIBS   := $(shell pkg-config --libs icu-i18n icu-uc 2>/dev/null || echo -licui18n -licuuc)

# The server headers are included as system headers: some of their inline
# functions leave parameters unused, which -Wextra would report in every file.
PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/core $(ICU_CFLAGS) \
			  -isystem $(shell $(PG_CONFIG) --includedir-server 2>/dev/null)
PG_CFLAGS   = -Wall -Wextra -fvisibility=hidden

# The library exports only what the server looks up: Pg_magic_func,
# _PG_init, the functions the install scripts name (with their pg_finfo_
# records) and the background workers' entry points, all declared
# PGDLLEXPORT (test/t/021_exports.pl checks the list).  PostgreSQL 16 and
# later define PGDLLEXPORT as visibility("default"); 15 and older leave it
# empty unless it is defined before c.h (expanded inside pgxs.mk, once
# VERSION_NUM is known), and src/ca_export.h exports the functions that
# PG_FUNCTION_INFO_V1 declares there.
PG_CPPFLAGS += $(if $(shell test 0$(VERSION_NUM) -lt 160000 && echo old),\
			   '-DPGDLLEXPORT=__attribute__((visibility("default")))')
SHLIB_LINK  = $(ICU_LIBS) -lm

EXTRA_CLEAN = $(DATA_built) build results regression.diffs regression.out output_iso

# `make installcheck` (after `make install`) runs the same tests against the
# installed server, each suite on a throwaway instance.
REGRESS         = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS    = --inputdir=test --temp-instance=./tmp_check --temp-config=test/regress.conf
ISOLATION       = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS  = --inputdir=test --temp-instance=./tmp_check_iso --temp-config=test/regress.conf

# Track header dependencies (objects go stale otherwise); src/ and src/core/
# must not share a file name, since the dependency files share one folder.
override autodepend = yes

ifneq ($(PGXS),)
include $(PGXS)
endif

$(GLUE_SRCS:.c=.o): override CPPFLAGS += -include $(srcdir)/src/ca_export.h

# The install script is assembled from one fragment per concern.
$(DATA_built): $(sort $(wildcard sql/install/*.sql)) $(EXTENSION).control
	cat $(sort $(wildcard sql/install/*.sql)) > $@

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

PG_BINDIR   := $(shell $(PG_CONFIG) --bindir 2>/dev/null)
PG_PKGLIB   := $(shell $(PG_CONFIG) --pkglibdir 2>/dev/null)
PG_SHAREDIR := $(shell $(PG_CONFIG) --sharedir 2>/dev/null)
STAGE       := $(CURDIR)/build/stage
STAGE_BIN   := $(STAGE)$(PG_BINDIR)
PGXS_DIR     = $(dir $(PGXS))../..
PG_REGRESS_BIN   = $(PGXS_DIR)/src/test/regress/pg_regress
PG_ISOLATION_BIN = $(PGXS_DIR)/src/test/isolation/pg_isolation_regress

# initdb refuses to run as root: tests then run as TEST_USER.
TEST_USER  ?= postgres
AS_TESTER   = $(if $(filter 0,$(shell id -u)),runuser -u $(TEST_USER) --,)
TESTER_DIR  = mkdir -p $(1) && $(if $(filter 0,$(shell id -u)),chown -R $(TEST_USER) $(1),true)

UNIT_TESTS      = $(sort $(basename $(notdir $(wildcard test/unit/test_*.c))))
UNIT_CFLAGS     = -std=gnu11 -O1 -g -Wall -Wextra -Isrc/core $(ICU_CFLAGS) \
				  -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: stage stage-1.0 regress isolation unit tap citus test demo bench fuzz fuzz-seeds

# A private copy of the server with this build installed into it.  The
# server finds its share and lib directories relative to its own binary.
# The suites depend on it, so they never test a stale build; it is redone
# only when the library or a script changed.
STAGE_STAMP = $(STAGE)/.staged

stage: $(STAGE_STAMP)

$(STAGE_STAMP): $(shlib) $(DATA_built) $(DATA) $(EXTENSION).control
	rm -rf $(STAGE)
	mkdir -p $(STAGE_BIN) $(STAGE)$(PG_PKGLIB) $(STAGE)$(PG_SHAREDIR)
	cp -a $(PG_BINDIR)/. $(STAGE_BIN)/
	cp -a $(PG_PKGLIB)/. $(STAGE)$(PG_PKGLIB)/
	cp -a $(PG_SHAREDIR)/. $(STAGE)$(PG_SHAREDIR)/
	$(MAKE) install DESTDIR=$(STAGE) >/dev/null
	touch $@

# Version 1.0 as released (its commit), built and staged apart for the
# in-place upgrade test (test/t/004_upgrade_live.pl), which installs this
# build's files into it while a rollout runs.  Writable by the test user.
RELEASE_1_0 = 7b267b4
STAGE_1_0  := $(CURDIR)/build/stage-1.0

stage-1.0:
	rm -rf build/src-1.0 $(STAGE_1_0)
	mkdir -p build/src-1.0 $(STAGE_1_0)$(PG_BINDIR) $(STAGE_1_0)$(PG_PKGLIB) $(STAGE_1_0)$(PG_SHAREDIR)
	git archive $(RELEASE_1_0) | tar -x -C build/src-1.0
	$(MAKE) -C build/src-1.0 -s -j2 >/dev/null
	cp -a $(PG_BINDIR)/. $(STAGE_1_0)$(PG_BINDIR)/
	cp -a $(PG_PKGLIB)/. $(STAGE_1_0)$(PG_PKGLIB)/
	cp -a $(PG_SHAREDIR)/. $(STAGE_1_0)$(PG_SHAREDIR)/
	$(MAKE) -C build/src-1.0 install DESTDIR=$(STAGE_1_0) >/dev/null
	$(call TESTER_DIR,$(STAGE_1_0))

regress: stage
	$(call TESTER_DIR,build/regress)
	$(AS_TESTER) $(PG_REGRESS_BIN) --bindir=$(STAGE_BIN) --inputdir=test \
		--outputdir=build/regress --temp-instance=build/regress/instance \
		--temp-config=test/regress.conf $(REGRESS)

isolation: stage
	$(if $(ISOLATION),$(call TESTER_DIR,build/isolation))
	$(if $(ISOLATION),$(AS_TESTER) $(PG_ISOLATION_BIN) --bindir=$(STAGE_BIN) \
		--inputdir=test --outputdir=build/isolation \
		--temp-instance=build/isolation/instance \
		--temp-config=test/regress.conf $(ISOLATION),@echo "no isolation tests")

unit: $(addprefix build/unit/,$(UNIT_TESTS))
	@set -e; for t in $^; do echo "== $$t"; $$t; done

build/unit/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h test/*.h test/unit/*.h)
	@mkdir -p build/unit
	@echo "compiling $@ (ASan, UBSan)"
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) $(ICU_LIBS) -lm

# libFuzzer harnesses of the decoders and parsers of src/core, built from
# the same sources with clang.  `make fuzz FUZZ_SECONDS=N` runs each for N
# seconds from its committed seeds (test/fuzz/corpus/NAME); new inputs go
# to build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*.
FUZZ_TARGETS    = $(sort $(basename $(notdir $(wildcard test/fuzz/fuzz_*.c))))
FUZZ_SECONDS   ?= 60
FUZZ_CC        ?= clang
FUZZ_CFLAGS     = -g -O1 -Isrc/core $(ICU_CFLAGS) -fno-omit-frame-pointer \
				  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

build/fuzz/%: test/fuzz/%.c $(CORE_SRCS) $(wildcard src/core/*.h test/*.h test/fuzz/*.h)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(ICU_LIBS) -lm

# Rewrites the generated seeds from the encoders (after a format change);
# inputs kept from findings (finding-*) stay.
fuzz-seeds: build/fuzz/make_seeds
	rm -f test/fuzz/corpus/*/seed-*
	mkdir -p test/fuzz/corpus
	build/fuzz/make_seeds test/fuzz/corpus

build/fuzz/make_seeds: test/fuzz/make_seeds.c $(CORE_SRCS) $(wildcard src/core/*.h test/*.h)
	@mkdir -p build/fuzz
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) $(ICU_LIBS) -lm

# PROVE_FLAGS=-v lists every check as it runs (scripts/test.sh does);
# TAP_TESTS="test/t/001_rollout_worker.pl ..." runs only those.
PROVE_FLAGS ?=
TAP_TESTS   ?= $(wildcard test/t/*.pl)

tap: stage
	rm -rf build/tap
	$(if $(TAP_TESTS),$(call TESTER_DIR,build/tap))
	$(if $(TAP_TESTS),cd build/tap && $(AS_TESTER) env PATH="$(STAGE_BIN):$$PATH" \
		PG_REGRESS=$(PG_REGRESS_BIN) TESTDIR=$(CURDIR)/build/tap top_srcdir=$(CURDIR) \
		STAGE=$(STAGE) STAGE_1_0=$(STAGE_1_0) PG_PKGLIB=$(PG_PKGLIB) PG_SHAREDIR=$(PG_SHAREDIR) \
		prove $(PROVE_FLAGS) -I $(PGXS_DIR)/src/test/perl -I $(CURDIR)/test/t $(addprefix $(CURDIR)/,$(TAP_TESTS)),@echo "no TAP tests")

# The scale-out tests on a Citus cluster (coordinator and two workers on
# loopback), when Citus is installed in the staged server.
CITUS_TESTS ?= $(wildcard test/citus/*.pl)

citus: stage
	@if [ -f $(STAGE)$(PG_PKGLIB)/citus.so ]; then \
		$(MAKE) -s tap TAP_TESTS="$(CITUS_TESTS)" PROVE_FLAGS="$(PROVE_FLAGS)"; \
	else echo "citus: skipped (Citus not installed)"; fi

test:
	./scripts/test.sh

demo:
	./scripts/demo.sh

bench:
	./bench/run.sh
