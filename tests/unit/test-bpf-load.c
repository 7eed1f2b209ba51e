// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF programs pass this kernel's verifier and count what they should:
 * load and attach exits.bpf.c (vhv-top's API) and trace.bpf.c (every source,
 * --ports included), run a two-exit real-mode guest in this very thread, and
 * read the counts back. Skipped (visibly) without root, BPF or /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "hvcore/hv-root.h"

#include "bpf/vbpf-exits.h"
#include "bpf/vbpf-trace.h"
#include "bpf/vbpf.h"
#include "tests/unit/unit-roots.h"

struct ctx {
	struct hv_root *root;
};

static int setup(void **state)
{
	static struct ctx c;

	if (hv_root_new("/", &c.root) < 0)
		return -1;
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	hv_root_free(c->root);
	return 0;
}

static void need_bpf(void)
{
	if (!vbpf_built()) {
		print_message("SKIP: built with BPF=0\n");
		skip();
	}
	if (geteuid() != 0) {
		print_message("SKIP: needs root\n");
		skip();
	}
}

/*
 * A real-mode guest: out %al,$0x10 twice, then hlt: three exits to user space
 * (IO, IO, HLT) on vCPU 3, from this thread. Returns 0, 77 without KVM, or -errno.
 */
static int run_tiny_guest(const struct hv_root *root)
{
	static const uint8_t code[] = { 0xe6, 0x10, 0xe6, 0x10, 0xf4 };
	struct kvm_userspace_memory_region reg;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run = MAP_FAILED;
	int kvm, vm = -1, vcpu = -1, rc = -EIO, exits = 0;
	long sz;
	uint8_t *mem;

	kvm = hv_root_openf(root, O_RDWR, "/dev/kvm");
	if (kvm < 0)
		return 77;
	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto out;
	memcpy(mem + 0x1000, code, sizeof(code));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	reg = (struct kvm_userspace_memory_region){ .memory_size = 0x10000,
						    .userspace_addr = (uintptr_t)mem };
	if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0)
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 3);
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || sz <= 0)
		goto out;
	run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		goto out;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0x1000;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		goto out;
	while (exits < 10) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			goto out;
		exits++;
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
	}
	rc = exits == 3 ? 0 : -EPROTO;
out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)sz);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, 0x10000);
	close(kvm);
	return rc;
}

static void test_exits_api(void **state)
{
	struct ctx *c = *state;
	struct vbpf_exits *ex = NULL;
	struct vbpf_exit_count one, *all = NULL;
	size_t n = 0;
	char *why = NULL;
	int rc;
	bool found = false;

	need_bpf();
	rc = vbpf_exits_open(c->root, &ex, &why);
	if (rc < 0)
		fail_msg("vbpf_exits_open: %d %s", rc, why);
	rc = run_tiny_guest(c->root);
	if (rc == 77) {
		vbpf_exits_close(ex);
		print_message("SKIP: no /dev/kvm\n");
		skip();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(vbpf_exits_lookup(ex, (uint32_t)gettid(), &one), 0);
	assert_int_equal(one.pid, getpid());
	assert_int_equal(one.tid, gettid());
	assert_int_equal(one.user_exits, 3);
	assert_int_equal(vbpf_exits_read(ex, &all, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (all[i].tid == (uint32_t)gettid())
			found = all[i].user_exits == 3;
	assert_true(found);
	free(all);
	assert_int_equal(vbpf_exits_lookup(ex, 0x7ffffff0, &one), -ENOENT);
	vbpf_exits_close(ex);
}

static void test_exits_sysroot(void **state)
{
	struct vbpf_exits *ex = NULL;
	struct hv_root *r;
	char *why = NULL;

	/* A fixture root never loads BPF: -EOPNOTSUPP with a reason. */
	assert_int_equal(hv_root_new("/tmp", &r), 0);
	if (hv_root_is_live(r)) {
		hv_root_free(r);
		skip();
	}
	assert_int_equal(vbpf_exits_open(r, &ex, &why), -EOPNOTSUPP);
	assert_non_null(why);
	assert_null(ex);
	free(why);
	hv_root_free(r);
}

/* A Xen dom0 (the fixture root of one): point to xentrace, not BPF. */
static void test_xen_host(void **state)
{
	struct vbpf_trace_opts o = { .vcpu = -1 };
	struct hv_root *r = unit_fixture("host-xen-dom0");
	struct vbpf_trace *t = NULL;
	char *why = NULL;

	if (!vbpf_built()) {
		hv_root_free(r);
		skip();
	}
	assert_int_equal(vbpf_trace_open(r, &o, &t, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "xentrace"));
	free(why);
	hv_root_free(r);
}

static void test_trace_all_sources(void **state)
{
	struct ctx *c = *state;
	struct vbpf_trace_opts o = { .pid = (uint32_t)getpid(), .vcpu = -1, .ports = true };
	struct vbpf_trace_snapshot snap;
	struct vbpf_trace *t = NULL;
	char *why = NULL, comm[32];
	uint64_t io = 0, hlt = 0, other = 0;
	int rc;

	need_bpf();
	rc = vbpf_trace_open(c->root, &o, &t, &why);
	if (rc < 0)
		fail_msg("vbpf_trace_open: %d %s", rc, why);
	/* Raw tracepoints need no tracefs: these always attach where KVM exists. */
	assert_true(vbpf_trace_sources(t) & (1u << VBPF_SRC_USERSPACE_EXIT));
	assert_true(vbpf_trace_sources(t) & (1u << VBPF_SRC_KVM_RUN));
	assert_true(vbpf_trace_sources(t) & (1u << VBPF_SRC_PIO));
	assert_true(vbpf_trace_sources(t) & (1u << VBPF_SRC_MMIO));
	rc = run_tiny_guest(c->root);
	if (rc == 77) {
		vbpf_trace_close(t);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(vbpf_trace_snapshot(t, &snap), 0);
	for (size_t i = 0; i < snap.nexits; i++) {
		const struct vbpf_exit_stat *e = &snap.exits[i];

		assert_int_equal(e->pid, getpid());  /* the rodata pid filter */
		assert_int_equal(e->vcpu, 3);         /* read from the KVM_RUN fd */
		if (e->kind == VBPF_KIND_USER && e->reason == KVM_EXIT_IO)
			io += e->count;
		else if (e->kind == VBPF_KIND_USER && e->reason == KVM_EXIT_HLT)
			hlt += e->count;
		else
			other += e->count;
	}
	assert_int_equal(io, 2);
	assert_int_equal(hlt, 1);
	assert_int_equal(other, 0);
	assert_int_equal(snap.drops, 0);
	assert_int_equal(snap.events[VBPF_SRC_PIO], 2);
	assert_int_equal(snap.nports, 1);
	assert_int_equal(snap.ports[0].addr, 0x10);
	assert_int_equal(snap.ports[0].count, 2);
	assert_int_equal(vbpf_trace_comm(t, (uint32_t)getpid(), comm, sizeof(comm)), 0);
	assert_string_equal(comm, "test-bpf-load");
	vbpf_trace_snapshot_free(&snap);
	vbpf_trace_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exits_api),
		cmocka_unit_test(test_exits_sysroot),
		cmocka_unit_test(test_xen_host),
		cmocka_unit_test(test_trace_all_sources),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
