# SPDX-License-Identifier: GPL-2.0-or-later
# vhv: one plain, non-recursive GNU make build. Each directory adds itself
# through <dir>/module.mk (util-linux's Makemodule.am idea); outputs go to $(O).
#
#   make [V=1] [WERROR=1] [SAN=1] [BPF=0] [O=build]
#   make run | check | check-layers | fuzz | man | install [PREFIX= DESTDIR=] | clean
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:
.SECONDEXPANSION:

VERSION    := 0.1.0
O          ?= build
V          ?= 0
WERROR     ?= 0
SAN        ?= 0
BPF        ?= 1
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR    ?=

CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
PKG_CONFIG ?= pkg-config
SCDOC      ?= scdoc

Q := $(if $(filter 1,$(V)),,@)
msg = $(if $(Q),@printf '  %-7s %s\n' $(1) $(2))

CFLAGS     ?= -O2 -g
WARNFLAGS  := -Wall -Wextra -Wno-unused-parameter -Wformat=2 -Wshadow -Wpointer-arith \
	      -Wmissing-prototypes -Wstrict-prototypes -Wvla
ifeq ($(WERROR),1)
WARNFLAGS  += -Werror
endif
CPPFLAGS   += -D_GNU_SOURCE -DVHV_VERSION='"$(VERSION)"' -I. -I$(O)
BASE_CFLAGS := -std=gnu11 -fno-strict-aliasing -fstack-protector-strong $(WARNFLAGS)
ifeq ($(SAN),1)
CFLAGS     := -O1 -g -fno-omit-frame-pointer
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
ifeq ($(BPF),0)
CPPFLAGS   += -DVHV_NO_BPF
endif

# ---- modules ---------------------------------------------------------------
# A feature directory D provides, in D/module.mk (all optional):
#   D_SRCS  sources of $(O)/libvhv-D.a   (default: D/*.c)
#   D_PKGS  pkg-config packages it uses  D_LIBS  other link flags (-lm)
#   D_DLPKGS  pkg-config packages whose headers it uses and whose library it
#           dlopen()s at run time (not linked: the binary starts without them)
#   D_DEPS  other vhv modules it may use (top: bpf); hvcore is implied
#   BINS += vhv-X, with vhv-X_MODULES := D ...  (main in cli/vhv-X.c)
MODULES := hvcore probe bootcheck qcow2 top bpf
BINS    := vhv
-include $(wildcard $(addsuffix /module.mk,$(MODULES)) cli/module.mk tests/module.mk)

define module_rules
$(1)_SRCS ?= $$(wildcard $(1)/*.c)
$(1)_OBJS := $$(patsubst %.c,$(O)/%.o,$$($(1)_SRCS))
ALL_LIBS  += $(O)/libvhv-$(1).a
$(O)/libvhv-$(1).a: $$($(1)_OBJS)
	$$(call msg,AR,$$@)
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ && $$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))

# Modules a module pulls in (itself, its deps, hvcore), in link order.
mod_closure = $(strip $(foreach m,$(1),$(m) $($(m)_DEPS)) hvcore)
mod_libs    = $(foreach m,$(call mod_closure,$(1)),$(O)/libvhv-$(m).a)
mod_pkgs    = $(sort $(foreach m,$(call mod_closure,$(1)),$($(m)_PKGS)))
pkg_cflags  = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1)))
pkg_libs    = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1)))
mod_ldlibs  = $(call pkg_libs,$(call mod_pkgs,$(1))) $(foreach m,$(call mod_closure,$(1)),$($(m)_LIBS))

ALL_PKGS    := $(sort $(foreach m,$(MODULES),$($(m)_PKGS) $($(m)_DLPKGS)))
# make run / make check install what is missing first, then build in a sub-make.
ifeq ($(filter deps run check clean,$(MAKECMDGOALS)),)
MISSING_PKGS := $(strip $(foreach p,$(ALL_PKGS) $(if $(filter check tests,$(MAKECMDGOALS)),cmocka),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))
ifneq ($(MISSING_PKGS),)
$(error pkg-config cannot find: $(MISSING_PKGS); run scripts/install-deps.sh as root, or use make run / make check)
endif
PKG_CFLAGS  := $(call pkg_cflags,$(ALL_PKGS))
else
# run/check/deps only start sub-makes: don't ask a pkg-config that deps has yet to install
# (asked on first use, once).
PKG_CFLAGS   = $(eval PKG_CFLAGS := $(call pkg_cflags,$(ALL_PKGS)))$(PKG_CFLAGS)
endif
ALL_CFLAGS   = $(BASE_CFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS) $(EXTRA_LDFLAGS)

$(O)/%.o: %.c
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# ---- programs --------------------------------------------------------------
# $(O)/vhv-X links cli/vhv-X.c, cli/cli-common.c and the libs of vhv-X_MODULES.
CLI_COMMON := $(O)/cli/cli-common.o
vhv_MODULES :=
$(O)/vhv: $(O)/cli/vhv.o $(CLI_COMMON) $(O)/libvhv-hvcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call mod_ldlibs,)

$(O)/vhv-%: $(O)/cli/vhv-%.o $(CLI_COMMON) $$(call mod_libs,$$(vhv-$$*_MODULES))
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(filter %.a,$^) \
		-Wl,--end-group $(call mod_ldlibs,$(vhv-$*_MODULES))

PROGS := $(addprefix $(O)/,$(BINS))
all: $(PROGS)

# ---- tests -----------------------------------------------------------------
# tests/unit/test-<module>-<name>.c and tests/fuzz/fuzz-<module>-<name>.c link
# against libvhv-<module>.a (and its deps); tests/tools/<name>.c against hvcore.
tmod = $(firstword $(subst -, ,$(1)))
UNIT_BINS  := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(wildcard tests/unit/test-*.c))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(O)/tests/fuzz/%,$(wildcard tests/fuzz/fuzz-*.c))
TOOL_BINS  := $(patsubst tests/tools/%.c,$(O)/tests/tools/%,$(wildcard tests/tools/*.c))

$(O)/tests/unit/test-%: $(O)/tests/unit/test-%.o $$(call mod_libs,$$(call tmod,$$*))
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(filter %.a,$^) \
		-Wl,--end-group $(call mod_ldlibs,$(call tmod,$*)) $(call pkg_libs,cmocka)

$(O)/tests/fuzz/fuzz-%: $(O)/tests/fuzz/fuzz-%.o $(O)/tests/fuzz/replay.o $$(call mod_libs,$$(call tmod,$$*))
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(filter %.a,$^) \
		-Wl,--end-group $(call mod_ldlibs,$(call tmod,$*))

$(O)/tests/tools/%: $(O)/tests/tools/%.o $(O)/libvhv-hvcore.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call mod_ldlibs,)

tests: all $(UNIT_BINS) $(FUZZ_BINS) $(TOOL_BINS)

# libFuzzer builds (clang), one binary per target: make fuzz; run build/fuzz/fuzz-X corpus/X
FUZZ_CC := $(CLANG) -fsanitize=fuzzer,address,undefined -g -O1
fuzz:
	$(MAKE) O=$(O)/fuzz-objs CC=clang EXTRA_CFLAGS='-fsanitize=fuzzer-no-link,address,undefined' \
		SANFLAGS= $(addprefix $(O)/fuzz-objs/libvhv-,$(addsuffix .a,$(MODULES)))
	@mkdir -p $(O)/fuzz
	$(Q)for f in tests/fuzz/fuzz-*.c; do n=$$(basename $$f .c); m=$${n#fuzz-}; m=$${m%%-*}; \
		echo "  FUZZ    $$n"; \
		$(FUZZ_CC) $(CPPFLAGS) -I$(O)/fuzz-objs $(PKG_CFLAGS) -o $(O)/fuzz/$$n $$f \
		$$(for d in $$m $$($(MAKE) -s print-deps-$$m) hvcore; do echo $(O)/fuzz-objs/libvhv-$$d.a; done) \
		$$($(MAKE) -s print-ldlibs-$$m) || exit 1; done
print-deps-%:
	@echo $($*_DEPS)
print-ldlibs-%:
	@echo $(call mod_ldlibs,$*)

# DEPS_WHAT comes from run/check/bench (target-specific, inherited); a plain
# `make deps` installs the build group. (A `deps: DEPS_WHAT ?= build` would
# override the inherited value: make resolves ?= when it reads the line.)
deps:
	@if [ "$$(id -u)" = 0 ]; then scripts/install-deps.sh $(or $(DEPS_WHAT),build); fi

# make run: set up, build, and check this host.
run: DEPS_WHAT = build
run: deps
	$(MAKE) all
	@# 2 (a check failed) and 3 (warnings only) are verdicts on the host, not a failed run.
	@$(O)/vhv-check $(RUN_ARGS); rc=$$?; \
	case $$rc in 0) ;; 2|3) echo "vhv-check: exit $$rc ($$([ $$rc = 2 ] && echo 'a check failed' || echo 'warnings only'))";; \
	*) exit $$rc;; esac

# make check: set up, build (plain and ASan+UBSan), run the whole suite.
CHECK_SAN ?= 1
check: DEPS_WHAT = check
check: deps
	$(MAKE) tests man
	$(if $(filter 1,$(CHECK_SAN)),$(MAKE) O=$(O)/san SAN=1 tests)
	tests/run.sh --build $(O) $(if $(filter 1,$(CHECK_SAN)),--san $(O)/san) $(TESTFLAGS)

# make bench: the side-by-side benchmarks (bench/*.sh), each printing ratios.
bench: DEPS_WHAT = bench
bench: deps
	$(MAKE) tests
	@for b in bench/*.sh; do echo "== $$b"; bash $$b || exit 1; done

check-layers: all
	tests/check-layers.sh $(O)

# ---- man pages -------------------------------------------------------------
MAN_SRCS := $(wildcard man/*.scd)
MAN_OUT  := $(patsubst man/%.scd,$(O)/man/%,$(MAN_SRCS))
# "@include FILE" lines pull in man/FILE (a page written by several modules).
$(O)/man/%: man/%.scd $(wildcard man/*.part)
	$(call msg,SCDOC,$@)
	@mkdir -p $(@D)
	$(Q)awk '/^@include /{f="man/" $$2; while ((getline l < f) > 0) print l; close(f); next} {print}' \
		$< | $(SCDOC) > $@
man: $(MAN_OUT)

# ---- install ---------------------------------------------------------------
install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	for m in $(MAN_OUT); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 dist/bash-completion/vhv $(DESTDIR)$(BASHCOMPDIR)/vhv
	for c in $(filter-out vhv,$(BINS)); do ln -sf vhv $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	for u in dist/systemd/*.service dist/systemd/*.timer; do \
		sed 's|@BINDIR@|$(BINDIR)|g' $$u > $(DESTDIR)$(SYSTEMDDIR)/$$(basename $$u); \
		chmod 644 $(DESTDIR)$(SYSTEMDDIR)/$$(basename $$u); done

clean:
	rm -rf $(O)

.PHONY: all tests check check-layers fuzz man install clean run deps bench

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
