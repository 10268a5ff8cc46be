# iodirty: IOMMU dirty-tracking conformance suite.
#
#   make         build the library, the suites and the tools
#   make lab     build (or reuse) the lab kernel, boot every lab flavour in
#                QEMU, run every suite, print the summary, keep results/
#   make check   host unit tests, then make lab; non-zero on any failure
#   make unit    host unit tests only (ASan/UBSan)
#   make bench   boot the mock lab flavour, run every bench/ program, print
#                its table, keep results/<timestamp>/ (no suites run)
#   make install the installable tree (bin/iodirty, static programs and
#                tools, profiles) into $(DESTDIR)$(INSTALL_PATH)
#   make dist    the same tree as build/iodirty-<version>-x86_64.tar.gz
#
# KSRC=/path/to/linux   build headers and the lab kernel from a kernel tree
# KERNEL=/path/bzImage  boot this kernel image in the lab instead
# FLAVOURS="mock intel" run only these lab flavours
# PROGRAMS='stress/*'   run only these suite programs (SUITE/PROGRAM globs)
# IODIRTY_STRESS=long IODIRTY_STRESS_SECONDS=N
#                       a soak: the stress programs, each case N seconds
# INSTALL_PATH=DIR      where make install puts the tree (default build/install)
# DESTDIR=DIR           staging prefix in front of INSTALL_PATH
SHELL := /bin/bash
.DEFAULT_GOAL := all

BUILD := build
KHDR := $(BUILD)/khdr
PKGS_BUILD := build-essential liburing-dev libnuma-dev perl

WARN := -Wall -Wextra -Werror
BASE_CFLAGS := -std=gnu11 $(WARN) -g -D_GNU_SOURCE
INCLUDES := -Ilib -Irunners/collect -Irunners/bind -Irunners/profile -Irunners/probe \
	-isystem $(KHDR)/usr/include -isystem $(KHDR)/selftests
GUEST_CFLAGS := $(BASE_CFLAGS) -O2 $(INCLUDES)
HOST_CFLAGS := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(INCLUDES)
TOOL_CFLAGS := $(BASE_CFLAGS) -O2 $(INCLUDES)
# Files that expand TEST_F (suite programs, unit tests, the harness probe)
# are built without optimisation: the kselftest harness keeps the pid of
# its fork in a local across setjmp(), and optimised code restores it from
# a register after a failed ASSERT's longjmp(), so that case's
# FIXTURE_TEARDOWN never runs (and what it restores stays changed).
# tests/harness_teardown.t checks it with build/guest/tests/teardown_probe.
HARNESS_OPT := -O0
$(BUILD)/guest/suites/%.o $(BUILD)/guest/tests/%.o: GUEST_CFLAGS += $(HARNESS_OPT)
$(BUILD)/host/tests/%.o: HOST_CFLAGS += $(HARNESS_OPT)

# Every .c under lib/ (by layer, see lib/README.md) is the suite library;
# every directory under suites/ is a suite, every .c in it one program.
LIB_SRCS := $(sort $(shell find lib -name '*.c'))
SUITES := $(sort $(patsubst suites/%/,%,$(dir $(wildcard suites/*/*.c))))
SUITE_SRCS := $(foreach s,$(SUITES),$(wildcard suites/$(s)/*.c))
# The binder's host-safety code (PCI driver binding, storage guard): linked
# into iodirty-bind, the lab's guest programs and the benchmarks, never
# into a suite program.
BIND_LIB_SRCS := $(filter-out %/main.c,$(wildcard runners/bind/*.c))
TOOLS := $(patsubst runners/%/main.c,%,$(wildcard runners/*/main.c))
TOOL_SRCS = $(wildcard runners/$(1)/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_SRCS := $(wildcard bench/*.c)
LAB_SRCS := $(wildcard runners/lab/guest/*.c)

# Objects: guest (static, for the lab initramfs), host (sanitized, unit
# tests), tool (plain host tools).
GUEST_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/guest/%.o)
GUEST_BIND_OBJS := $(BIND_LIB_SRCS:%.c=$(BUILD)/guest/%.o)
HOST_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/host/%.o)
TOOL_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/tool/%.o)
HOST_TOOL_OBJS := $(foreach t,$(TOOLS),$(patsubst %.c,$(BUILD)/host/%.o,$(filter-out %/main.c,$(call TOOL_SRCS,$(t)))))

SUITE_BINS := $(SUITE_SRCS:suites/%.c=$(BUILD)/guest/suites/%)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/guest/bench/%)
LAB_BINS := $(LAB_SRCS:runners/lab/guest/%.c=$(BUILD)/guest/lab/%)
# Every tool also builds static, for the lab guest and the installed tree.
GUEST_TOOL_BINS := $(TOOLS:%=$(BUILD)/guest/bin/iodirty-%)
HOST_TOOL_BINS := $(TOOLS:%=$(BUILD)/bin/iodirty-%)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/host/tests/%)
TEARDOWN_PROBE := $(BUILD)/guest/tests/teardown_probe

.PHONY: all headers deps unit lab bench check clean install dist FORCE
all: $(SUITE_BINS) $(BENCH_BINS) $(LAB_BINS) $(GUEST_TOOL_BINS) $(HOST_TOOL_BINS) \
	$(BUILD)/guest/suites.list $(BUILD)/guest/bench.list

# What the lab initramfs packs: exactly the programs this build made, so a
# binary left from a deleted source never ships. Rewritten only on change.
define list_rule
$(BUILD)/guest/$(1).list: FORCE
	@mkdir -p $$(@D)
	@printf '%s\n' $$(patsubst $(BUILD)/guest/%,%,$(2)) | sed '/^$$$$/d' > $$@.tmp
	@if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv $$@.tmp $$@; fi
endef
$(eval $(call list_rule,suites,$(SUITE_BINS)))
$(eval $(call list_rule,bench,$(BENCH_BINS)))

# Build dependencies; installed when root, named in one error otherwise.
deps:
	@. runners/common.sh && need_pkgs $(PKGS_BUILD)

# The kernel's uAPI and kselftest headers, from linux-source-6.12 or $(KSRC).
headers: deps
	@d=$$(runners/lab/kernel headers) || exit 1; \
	mkdir -p $(BUILD); \
	[ "$$(readlink $(KHDR) 2>/dev/null)" = "$$d" ] || ln -sfn "$$d" $(KHDR)

$(BUILD)/guest/%.o: %.c | headers
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/%.o: %.c | headers
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tool/%.o: %.c | headers
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/libiodirty.a: $(GUEST_LIB_OBJS)
	rm -f $@; $(AR) rcs $@ $^

$(BUILD)/host/libiodirty.a: $(HOST_LIB_OBJS) $(HOST_TOOL_OBJS)
	rm -f $@; $(AR) rcs $@ $^

$(BUILD)/tool/libiodirty.a: $(TOOL_LIB_OBJS)
	rm -f $@; $(AR) rcs $@ $^

$(BUILD)/tool/libbind.a: $(BIND_LIB_SRCS:%.c=$(BUILD)/tool/%.o)
	rm -f $@; $(AR) rcs $@ $^

$(BUILD)/guest/libbind.a: $(GUEST_BIND_OBJS)
	rm -f $@; $(AR) rcs $@ $^

$(BUILD)/guest/suites/%: $(BUILD)/guest/suites/%.o $(BUILD)/guest/libiodirty.a
	$(CC) -static -o $@ $^ -luring -lnuma -lpthread

$(TEARDOWN_PROBE): $(BUILD)/guest/tests/harness/teardown_probe.o
	$(CC) -static -o $@ $^

$(BUILD)/guest/bench/%: $(BUILD)/guest/bench/%.o $(BUILD)/guest/libbind.a $(BUILD)/guest/libiodirty.a
	$(CC) -static -o $@ $^ -luring -lnuma -lpthread

# Guest programs of the lab itself (lab/safety and what it drives).
$(BUILD)/guest/lab/%: $(BUILD)/guest/runners/lab/guest/%.o $(BUILD)/guest/libbind.a $(BUILD)/guest/libiodirty.a
	@mkdir -p $(@D)
	$(CC) -static -o $@ $^ -luring -lnuma -lpthread

# One tool per runners/<tool>/ directory: all its .c files, the binder's
# host-safety code (sysfs PCI reads, the storage guard) and the lib, as a
# host tool (build/bin) and static (build/guest/bin, for the guest and the
# installed tree).
define tool_rule
$(BUILD)/bin/iodirty-$(1): $(patsubst %.c,$(BUILD)/tool/%.o,$(call TOOL_SRCS,$(1))) $(BUILD)/tool/libbind.a $(BUILD)/tool/libiodirty.a
	@mkdir -p $$(@D)
	$$(CC) -o $$@ $$^

$(BUILD)/guest/bin/iodirty-$(1): $(patsubst %.c,$(BUILD)/guest/%.o,$(call TOOL_SRCS,$(1))) $(BUILD)/guest/libbind.a $(BUILD)/guest/libiodirty.a
	@mkdir -p $$(@D)
	$$(CC) -static -o $$@ $$^
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

# The installable tree (kselftest style): relocatable, static, no build
# tree or compiler needed where it runs. See runners/install.
# Read once per make run: a tree edited while `make lab` runs must not
# name a tarball other than the one this run made.
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
INSTALL_PATH ?= $(abspath $(BUILD))/install
DIST_NAME = iodirty-$(VERSION)-x86_64
DIST_TARBALL = $(abspath $(BUILD))/$(DIST_NAME).tar.gz

install: $(SUITE_BINS) $(GUEST_TOOL_BINS) $(BUILD)/guest/suites.list
	IODIRTY_BUILD=$(abspath $(BUILD)) runners/install "$(DESTDIR)$(INSTALL_PATH)" "$(VERSION)"

# Rebuilt every time: the version and the programs may have changed.
dist: $(SUITE_BINS) $(GUEST_TOOL_BINS) $(BUILD)/guest/suites.list
	IODIRTY_BUILD=$(abspath $(BUILD)) runners/install --tarball "$(DIST_TARBALL)" "$(VERSION)"

$(BUILD)/host/tests/%: $(BUILD)/host/tests/unit/%.o $(BUILD)/host/libiodirty.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -o $@ $^ -luring

# Host unit tests under ASan/UBSan, aggregated by prove.
# tests/profile_check.t checks every profile against the suite programs.
# tests/install.t and tests/iodirty.t install the tree from $(BUILD).
unit: $(UNIT_BINS) $(HOST_TOOL_BINS) $(GUEST_TOOL_BINS) $(SUITE_BINS) $(BUILD)/guest/suites.list \
	$(TEARDOWN_PROBE)
	IODIRTY_TOP=$(CURDIR) IODIRTY_BUILD=$(abspath $(BUILD)) IODIRTY_COLLECT_BIN=$(abspath $(BUILD))/bin/iodirty-collect \
	IODIRTY_BIND_BIN=$(abspath $(BUILD))/bin/iodirty-bind \
	IODIRTY_PROFILE_BIN=$(abspath $(BUILD))/bin/iodirty-profile \
	IODIRTY_PROBE_BIN=$(abspath $(BUILD))/bin/iodirty-probe \
	IODIRTY_SUITE_PROGRAMS=$(abspath $(BUILD))/guest/suites \
		prove $(UNIT_BINS) $(wildcard tests/*.t)

# The virtual lab: every lab flavour in QEMU, every suite, one summary.
# The hostpath flavour boots the tarball of make dist.
lab: all dist
	IODIRTY_BUILD=$(abspath $(BUILD)) IODIRTY_DIST=$(DIST_TARBALL) runners/lab/lab

# The benchmarks: every bench/ program in the mock lab flavour, no suites.
bench: all
	IODIRTY_BUILD=$(abspath $(BUILD)) runners/lab/lab bench

check: unit lab

clean:
	rm -rf $(BUILD)

.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
