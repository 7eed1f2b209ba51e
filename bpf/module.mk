# bpf: eBPF programs (<name>.bpf.c), their shared types (<name>.h), loaders
# (vbpf-*.c) and the hand-written CO-RE header (vbpf-core.h). Skeletons are
# generated into $(O)/bpf/<name>.skel.h by `bpftool gen skeleton`, from objects
# built by `clang -target bpf`; no vmlinux.h and no BTF are needed to build.
# BPF=0 builds vbpf-stub.c instead: every entry point returns -EOPNOTSUPP.
BINS += vhv-trace
vhv-trace_MODULES := bpf

BPF_NAMES  := exits trace
bpf_NOLIBBPF := bpf/vbpf-reasons.c bpf/vbpf-hist.c bpf/vbpf-stats.c bpf/vbpf-record.c bpf/vbpf-render.c
ifeq ($(BPF),0)
bpf_SRCS   := bpf/vbpf-stub.c $(bpf_NOLIBBPF)
else
bpf_SRCS   := $(filter-out %.bpf.c bpf/vbpf-stub.c,$(wildcard bpf/*.c))
bpf_PKGS   := libbpf libcap-ng

LLVM_STRIP ?= llvm-strip
BPF_ARCH   := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Wno-unused-function \
	      -I. -I$(O) -idirafter /usr/include/$(shell $(CC) -print-multiarch)

$(O)/bpf/%.bpf.o: bpf/%.bpf.c bpf/%.h bpf/vbpf-core.h
	$(call msg,BPF,$@)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(call msg,GENSKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# The loaders include their skeleton (found through -I$(O)).
$(O)/bpf/vbpf-exits.o: $(O)/bpf/exits.skel.h
$(O)/bpf/vbpf-trace.o: $(O)/bpf/trace.skel.h
endif
