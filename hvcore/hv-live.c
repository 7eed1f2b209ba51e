// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-live: the live host's row of root ops (hv-root-ops.h): uname, CPUID, MSRs
 * (/dev/cpu/N/msr), the kernel log, the clock and the functional /dev/kvm
 * probe, all by syscalls on the host's own paths. The probe does what a VMM
 * does at start-up -- KVM_GET_API_VERSION, KVM_CREATE_VM, a memory slot,
 * KVM_CREATE_VCPU -- and runs a one-instruction 16-bit guest (HLT) to its first
 * exit, so "KVM works" means a guest instruction really ran, whatever the
 * backend (VMX, SVM, PVM).
 */
#include "hvcore/hv-root-ops.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

static int live_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	(void)r;
#if defined(__x86_64__) || defined(__i386__)
	__cpuid_count(leaf, subleaf, out[0], out[1], out[2], out[3]);
	return 0;
#else
	(void)leaf;
	(void)subleaf;
	(void)out;
	return -EOPNOTSUPP;
#endif
}

static int live_dmesg(const struct hv_root *r, char **out)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;
	int n;

	(void)r;

	if (size < 0)
		return -errno;
	if (size < 4096)
		size = 4096;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return -ENOMEM;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		int e = errno;

		free(buf);
		return -e;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/* Capabilities worth reporting, by KVM_CAP_* number (uapi/linux/kvm.h). */
static const struct {
	const char *name;
	int cap;
} kvm_caps[] = {
	{ "NR_VCPUS", KVM_CAP_NR_VCPUS },
	{ "MAX_VCPUS", KVM_CAP_MAX_VCPUS },
	{ "MAX_VCPU_ID", KVM_CAP_MAX_VCPU_ID },
	{ "NR_MEMSLOTS", KVM_CAP_NR_MEMSLOTS },
	{ "USER_MEMORY", KVM_CAP_USER_MEMORY },
	{ "IRQCHIP", KVM_CAP_IRQCHIP },
	{ "SPLIT_IRQCHIP", KVM_CAP_SPLIT_IRQCHIP },
	{ "IOEVENTFD", KVM_CAP_IOEVENTFD },
	{ "IRQFD", KVM_CAP_IRQFD },
	{ "IRQ_ROUTING", KVM_CAP_IRQ_ROUTING },
	{ "MSI", KVM_CAP_SIGNAL_MSI },
	{ "PIT2", KVM_CAP_PIT2 },
	{ "NESTED_STATE", KVM_CAP_NESTED_STATE },
	{ "X86_SMM", KVM_CAP_X86_SMM },
	{ "XSAVE", KVM_CAP_XSAVE },
	{ "TSC_CONTROL", KVM_CAP_TSC_CONTROL },
	{ "KVMCLOCK_CTRL", KVM_CAP_KVMCLOCK_CTRL },
	{ "IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT },
	{ "X86_DISABLE_EXITS", KVM_CAP_X86_DISABLE_EXITS },
	{ "HYPERV", KVM_CAP_HYPERV },
	{ "HALT_POLL", KVM_CAP_HALT_POLL },
	{ "MANUAL_DIRTY_LOG_PROTECT2", KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 },
	{ "DIRTY_LOG_RING", KVM_CAP_DIRTY_LOG_RING },
	{ "SYNC_REGS", KVM_CAP_SYNC_REGS },
	{ "X86_USER_SPACE_MSR", KVM_CAP_X86_USER_SPACE_MSR },
	{ "STEAL_TIME", KVM_CAP_STEAL_TIME },
	{ "BINARY_STATS_FD", KVM_CAP_BINARY_STATS_FD },
	{ "VM_COPY_ENC_CONTEXT_FROM", KVM_CAP_VM_COPY_ENC_CONTEXT_FROM },
};

static void probe_caps(int kvm, struct hv_kvm_probe *p)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(kvm_caps) && p->ncaps < HV_KVM_MAX_CAPS; i++) {
		int v = ioctl(kvm, KVM_CHECK_EXTENSION, kvm_caps[i].cap);

		snprintf(p->caps[p->ncaps].name, sizeof(p->caps[0].name), "%s", kvm_caps[i].name);
		p->caps[p->ncaps++].value = v < 0 ? -errno : v;
	}
}

#define GUEST_MEM 0x10000
#define GUEST_CODE 0x1000

static int run_guest(int kvm, struct hv_kvm_probe *p)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run = MAP_FAILED;
	int vm = -1, vcpu = -1, rc = 0;
	long mmap_size;
	uint8_t *mem = MAP_FAILED;
	uint64_t t0 = hv_now_ns();

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	p->create_vm = vm < 0 ? -errno : 0;
	if (vm < 0)
		goto out;
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	mem[GUEST_CODE] = 0xf4;  /* hlt */
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = GUEST_MEM;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		p->create_vcpu = -errno;
		hv_dbg("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		goto out;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	p->create_vcpu = vcpu < 0 ? -errno : 0;
	if (vcpu < 0)
		goto out;
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*run)) {
		p->run = mmap_size < 0 ? -errno : -EINVAL;
		goto out;
	}
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED) {
		p->run = -errno;
		goto out;
	}
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
		p->run = -errno;
		goto out;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) {
		p->run = -errno;
		goto out;
	}
	regs.rip = GUEST_CODE;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
		p->run = -errno;
		goto out;
	}
	/* A few tries: some backends exit to user space first (e.g. KVM_EXIT_INTR). */
	for (int i = 0; i < 8; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			p->run = -errno;
			goto out;
		}
		p->run = 0;
		p->exit_reason = (int)run->exit_reason;
		if (run->exit_reason != KVM_EXIT_INTR)
			break;
	}
	p->run_ns = hv_now_ns() - t0;
out:
	if (run != MAP_FAILED)
		munmap(run, (size_t)mmap_size);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (mem != MAP_FAILED)
		munmap(mem, GUEST_MEM);
	return rc;
}

static int live_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *p)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int rc;

	(void)r;
	if (kvm < 0)
		kvm = -errno;

	p->open = kvm < 0 ? kvm : 0;
	if (kvm < 0)
		return 0;
	rc = ioctl(kvm, KVM_GET_API_VERSION, 0);
	p->api_version = rc < 0 ? -errno : rc;
	probe_caps(kvm, p);
	if (p->api_version == KVM_API_VERSION)
		rc = run_guest(kvm, p);
	else
		rc = 0;
	close(kvm);
	return rc;
}

static int live_uname(const struct hv_root *r, struct utsname *u)
{
	(void)r;
	return uname(u) < 0 ? -errno : 0;
}

static int live_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val)
{
	char path[64];
	int fd, rc;

	(void)r;
	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = hv_pread_full(fd, val, sizeof(*val), msr);
	close(fd);
	return rc == -ENODATA ? -EIO : rc;
}

int hv_live_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns)
{
	struct timespec ts;

	(void)r;
	if (clock_gettime(clk, &ts) < 0)
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return 0;
}

const struct hv_root_ops hv_root_live_ops = {
	.kind = HV_ROOT_LIVE,
	.what = "the running host (files, uname, CPUID, /dev/kvm ioctls, the kernel log)",
	.kvm_what = "ioctls on /dev/kvm",
	.host_paths = true,
	.uname = live_uname,
	.cpuid = live_cpuid,
	.rdmsr = live_rdmsr,
	.kvm_probe = live_kvm_probe,
	.dmesg = live_dmesg,
	.clock = hv_live_clock,
};
