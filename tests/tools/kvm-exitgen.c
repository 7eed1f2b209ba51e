// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-exitgen: a KVM exit generator for vhv-trace's tests and benchmarks.
 *
 *   kvm-exitgen [-c VCPUS] [-k VCPU] [-n PIO] [-m MMIO] [--mode real|long] [-b BLOCK] [-q]
 *
 * Creates a VM with VCPUS vCPUs, each run by its own thread (named "CPU N/KVM"
 * as QEMU names them). vCPU k executes
 * exactly PIO `out %al, $0x10` instructions, then exactly MMIO byte stores to an
 * address no memory slot backs, then HLT; the other vCPUs only HLT. With no
 * in-kernel irqchip every one of these leaves KVM_RUN: vCPU k makes PIO
 * KVM_EXIT_IO, MMIO KVM_EXIT_MMIO and one KVM_EXIT_HLT exits, the others one
 * KVM_EXIT_HLT each. The exits each thread saw are printed, plus the process
 * CPU time, so a tracer's counts can be compared with the truth and its cost
 * measured (bench/trace-overhead.sh):
 *
 *   pid=1234 mode=long vcpus=2
 *   vcpu=0 tid=1235 io=0 mmio=0 hlt=1 other=0
 *   vcpu=1 tid=1236 io=1000 mmio=10 hlt=1 other=0
 *   exits=1013 cpu_ns=... wall_ns=... ns_per_exit=...
 *
 * With -b BLOCK, vCPU k also prints a line after every BLOCK port-I/O exits,
 * as they happen, for benchmarks that watch one long run while tracers come
 * and go (bench/trace-overhead.sh):
 *
 *   block t_ns=<CLOCK_REALTIME at its end> cpu_ns=<the thread's CPU time for it>
 *
 * Exit status: 0 when every vCPU exited as designed, 1 on an error, 2 when an
 * unexpected exit reason came back (printed), 77 when /dev/kvm cannot be used.
 *
 * Backends: checked on KVM's PVM backend (kvm_pvm, Linux 6.18, no VMX/SVM):
 * both real mode and long mode run, and every `out` and unbacked store is an
 * exit to user space (about 9 us each there). On VMX/SVM hosts they would also
 * show as hardware exits (IO_INSTRUCTION, EPT_VIOLATION/EPT_MISCONFIG; io, npf):
 * not tested here, as this host has no VMX/SVM.
 *
 * Guest layout (one 64 KiB memory slot at GPA 0):
 *   0x0500 u32 PIO count, 0x0504 u32 MMIO count (read by vCPU k's code)
 *   0x1000 code (below), 0x2000 GDT, 0x3000 PML4, 0x4000 PDPT, 0x5000 PD
 *   MMIO target: 0x10000 (real mode, ES=0x1000) or 0x400000 (long mode).
 * Long mode: identity map of the first 1 GiB with 2 MiB pages, CS 64-bit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

#define MEM_SIZE 0x10000
#define PARAM_ADDR 0x500
#define CODE_ADDR 0x1000
#define GDT_ADDR 0x2000
#define PML4_ADDR 0x3000
#define PDPT_ADDR 0x4000
#define PD_ADDR 0x5000
#define MAX_VCPUS 64
#define PIO_PORT 0x10

/*
 * Guest code, assembled with GNU as (the source is in the comments). Offsets
 * into this blob select the entry points below.
 */
static const uint8_t guest_code[] = {
	/* .code16  rm_work (0x00) */
	0x66, 0x8b, 0x0e, 0x00, 0x05, /* mov 0x500, %ecx */
	0x66, 0x85, 0xc9,             /* 1: test %ecx, %ecx */
	0x74, 0x06,                   /* je 2f */
	0xe6, 0x10,                   /* out %al, $0x10 */
	0x66, 0x49,                   /* dec %ecx */
	0xeb, 0xf5,                   /* jmp 1b */
	0x66, 0x8b, 0x0e, 0x04, 0x05, /* 2: mov 0x504, %ecx */
	0xb8, 0x00, 0x10,             /* mov $0x1000, %ax */
	0x8e, 0xc0,                   /* mov %ax, %es */
	0x66, 0x85, 0xc9,             /* 3: test %ecx, %ecx */
	0x74, 0x08,                   /* je 4f */
	0x26, 0xa2, 0x00, 0x00,       /* mov %al, %es:0 */
	0x66, 0x49,                   /* dec %ecx */
	0xeb, 0xf3,                   /* jmp 3b */
	0xf4,                         /* 4: hlt */
	0xeb, 0xfd,                   /* jmp 4b */
	/* rm_idle (0x2a) */
	0xf4, 0xeb, 0xfd,             /* hlt; jmp rm_idle */
	/* .code64  lm_work (0x2d) */
	0x8b, 0x0c, 0x25, 0x00, 0x05, 0x00, 0x00, /* mov 0x500, %ecx */
	0x85, 0xc9,                   /* 1: test %ecx, %ecx */
	0x74, 0x06,                   /* je 2f */
	0xe6, 0x10,                   /* out %al, $0x10 */
	0xff, 0xc9,                   /* dec %ecx */
	0xeb, 0xf6,                   /* jmp 1b */
	0x8b, 0x0c, 0x25, 0x04, 0x05, 0x00, 0x00, /* 2: mov 0x504, %ecx */
	0x48, 0xc7, 0xc7, 0x00, 0x00, 0x40, 0x00, /* mov $0x400000, %rdi */
	0x85, 0xc9,                   /* 3: test %ecx, %ecx */
	0x74, 0x06,                   /* je 4f */
	0x88, 0x07,                   /* mov %al, (%rdi) */
	0xff, 0xc9,                   /* dec %ecx */
	0xeb, 0xf6,                   /* jmp 3b */
	0xf4,                         /* 4: hlt */
	0xeb, 0xfd,                   /* jmp 4b */
	/* lm_idle (0x59) */
	0xf4, 0xeb, 0xfd,             /* hlt; jmp lm_idle */
};
enum { RM_WORK = 0x00, RM_IDLE = 0x2a, LM_WORK = 0x2d, LM_IDLE = 0x59 };

struct vcpu {
	int idx;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	pid_t tid;
	uint64_t io, mmio, hlt, other;
	uint32_t other_reason;
	int err;
};

static int kvm_fd = -1, vm_fd = -1;
static bool long_mode = true;
static int work_vcpu;
static uint64_t block_exits;  /* -b: report every this many port-I/O exits */

static int setup_long_mode(int fd, uint8_t *mem, struct kvm_sregs *s)
{
	uint64_t *gdt = (uint64_t *)(mem + GDT_ADDR);
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(mem + PD_ADDR);
	struct kvm_segment cs = {
		.base = 0, .limit = 0xffffffff, .selector = 8, .type = 11, .present = 1,
		.dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment ds = cs;

	/* Intel SDM vol. 3, 3.4.5: flat 64-bit code (0x00af9b...) and data descriptors. */
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL;
	gdt[2] = 0x00cf93000000ffffULL;
	pml4[0] = PDPT_ADDR | 0x3;
	pdpt[0] = PD_ADDR | 0x3;
	for (int i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* present, writable, 2 MiB page */

	ds.selector = 16;
	ds.type = 3;
	ds.l = 0;
	ds.db = 1;
	s->cs = cs;
	s->ds = s->es = s->fs = s->gs = s->ss = ds;
	s->gdt.base = GDT_ADDR;
	s->gdt.limit = 3 * 8 - 1;
	s->cr3 = PML4_ADDR;
	s->cr4 = 1u << 5;                              /* PAE */
	s->cr0 = (1u << 0) | (1u << 4) | (1u << 31);   /* PE, ET, PG */
	s->efer = (1u << 8) | (1u << 10);              /* LME, LMA */
	return ioctl(fd, KVM_SET_SREGS, s) < 0 ? -errno : 0;
}

static int setup_vcpu(struct vcpu *v, uint8_t *mem)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int rc;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	if (long_mode) {
		rc = setup_long_mode(v->fd, mem, &sregs);
		if (rc < 0)
			return rc;
		regs.rip = CODE_ADDR + (v->idx == work_vcpu ? LM_WORK : LM_IDLE);
		regs.rsp = 0x8000;
	} else {
		sregs.cs.base = 0;
		sregs.cs.selector = 0;
		sregs.ds.base = sregs.es.base = sregs.ss.base = 0;
		sregs.ds.selector = sregs.es.selector = sregs.ss.selector = 0;
		if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
			return -errno;
		regs.rip = CODE_ADDR + (v->idx == work_vcpu ? RM_WORK : RM_IDLE);
		regs.rsp = 0x8000;
	}
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

static uint64_t ts_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	bool report = block_exits && v->idx == work_vcpu;
	uint64_t cpu0 = report ? ts_ns(CLOCK_THREAD_CPUTIME_ID) : 0;

	v->tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			v->err = -errno;
			return NULL;
		}
		switch (v->run->exit_reason) {
		case KVM_EXIT_IO:
			if (v->run->io.port != PIO_PORT) {
				v->other++;
				v->other_reason = KVM_EXIT_IO;
				return NULL;
			}
			v->io++;
			if (report && v->io % block_exits == 0) {
				uint64_t cpu = ts_ns(CLOCK_THREAD_CPUTIME_ID);

				printf("block t_ns=%llu cpu_ns=%llu\n",
				       (unsigned long long)ts_ns(CLOCK_REALTIME),
				       (unsigned long long)(cpu - cpu0));
				fflush(stdout);
				cpu0 = ts_ns(CLOCK_THREAD_CPUTIME_ID);
			}
			break;
		case KVM_EXIT_MMIO:
			v->mmio++;
			break;
		case KVM_EXIT_HLT:
			v->hlt++;
			return NULL;
		default:
			v->other++;
			v->other_reason = v->run->exit_reason;
			return NULL;
		}
	}
}

static void usage(FILE *out)
{
	fputs("Usage: kvm-exitgen [-c VCPUS] [-k VCPU] [-n PIO] [-m MMIO] [--mode real|long]\n"
	      "                   [-b BLOCK] [-q]\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "vcpu", required_argument, NULL, 'k' },
		{ "pio", required_argument, NULL, 'n' },
		{ "mmio", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "block", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vcpu vcpus[MAX_VCPUS];
	struct kvm_userspace_memory_region region;
	struct hv_root *root = NULL;
	uint64_t npio = 1000, nmmio = 1000, v64, t0, w0, exits = 0;
	int nvcpus = 1, created = 0, c, rc, ret = 1, bad = 0;
	bool quiet = false;
	uint8_t *mem = MAP_FAILED;
	long run_size;

	memset(vcpus, 0, sizeof(vcpus));
	while ((c = getopt_long(argc, argv, "c:k:n:m:b:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'k':
			if (hv_parse_u64(optarg, 10, &v64) < 0 || v64 >= MAX_VCPUS) {
				fprintf(stderr, "kvm-exitgen: bad vCPU number '%s'\n", optarg);
				return 1;
			}
			if (c == 'c')
				nvcpus = (int)v64;
			else
				work_vcpu = (int)v64;
			break;
		case 'n':
		case 'm':
			if (hv_parse_u64(optarg, 0, &v64) < 0 || v64 > UINT32_MAX) {
				fprintf(stderr, "kvm-exitgen: bad count '%s'\n", optarg);
				return 1;
			}
			*(c == 'n' ? &npio : &nmmio) = v64;
			break;
		case 'M':
			if (!strcmp(optarg, "real"))
				long_mode = false;
			else if (!strcmp(optarg, "long"))
				long_mode = true;
			else {
				fprintf(stderr, "kvm-exitgen: --mode is real or long\n");
				return 1;
			}
			break;
		case 'b':
			if (hv_parse_u64(optarg, 10, &block_exits) < 0 || !block_exits) {
				fprintf(stderr, "kvm-exitgen: bad block size '%s'\n", optarg);
				return 1;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (nvcpus < 1 || work_vcpu >= nvcpus) {
		fprintf(stderr, "kvm-exitgen: vCPU %d does not exist (%d vCPUs)\n", work_vcpu, nvcpus);
		return 1;
	}

	rc = hv_root_new("/", &root);
	if (rc < 0) {
		fprintf(stderr, "kvm-exitgen: %s\n", strerror(-rc));
		return 1;
	}
	kvm_fd = hv_root_openf(root, O_RDWR, "/dev/kvm");
	if (kvm_fd < 0) {
		fprintf(stderr, "kvm-exitgen: /dev/kvm: %s\n", strerror(-kvm_fd));
		ret = 77;
		goto out;
	}
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0) {
		fprintf(stderr, "kvm-exitgen: KVM_CREATE_VM: %s\n", strerror(errno));
		ret = 77;
		goto out;
	}
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0) {
		fprintf(stderr, "kvm-exitgen: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		goto out;
	}
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("kvm-exitgen: mmap");
		goto out;
	}
	memcpy(mem + CODE_ADDR, guest_code, sizeof(guest_code));
	memcpy(mem + PARAM_ADDR, &(uint32_t){ (uint32_t)npio }, 4);
	memcpy(mem + PARAM_ADDR + 4, &(uint32_t){ (uint32_t)nmmio }, 4);
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "kvm-exitgen: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		goto out;
	}

	for (int i = 0; i < nvcpus; i++) {
		struct vcpu *v = &vcpus[i];

		v->idx = i;
		v->run = MAP_FAILED;
		v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0) {
			fprintf(stderr, "kvm-exitgen: KVM_CREATE_VCPU %d: %s\n", i, strerror(errno));
			goto out;
		}
		created = i + 1;
		v->run_size = (size_t)run_size;
		v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			perror("kvm-exitgen: mmap kvm_run");
			goto out;
		}
		rc = setup_vcpu(v, mem);
		if (rc < 0) {
			fprintf(stderr, "kvm-exitgen: vCPU %d setup (%s mode): %s\n", i,
				long_mode ? "long" : "real", strerror(-rc));
			ret = 77;
			goto out;
		}
	}

	t0 = ts_ns(CLOCK_PROCESS_CPUTIME_ID);
	w0 = ts_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < nvcpus; i++) {
		char tname[16];

		pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
		/* QEMU's vCPU thread names (debug-threads=on), which vhv-top understands. */
		snprintf(tname, sizeof(tname), "CPU %u/KVM", (unsigned short)i);  /* fits 16 bytes */
		pthread_setname_np(vcpus[i].thread, tname);
	}
	for (int i = 0; i < nvcpus; i++)
		pthread_join(vcpus[i].thread, NULL);
	t0 = ts_ns(CLOCK_PROCESS_CPUTIME_ID) - t0;
	w0 = ts_ns(CLOCK_MONOTONIC) - w0;

	if (!quiet)
		printf("pid=%d mode=%s vcpus=%d\n", (int)getpid(), long_mode ? "long" : "real",
		       nvcpus);
	for (int i = 0; i < nvcpus; i++) {
		struct vcpu *v = &vcpus[i];
		bool work = i == work_vcpu;

		exits += v->io + v->mmio + v->hlt + v->other;
		if (!quiet)
			printf("vcpu=%d tid=%d io=%llu mmio=%llu hlt=%llu other=%llu\n", i, (int)v->tid,
			       (unsigned long long)v->io, (unsigned long long)v->mmio,
			       (unsigned long long)v->hlt, (unsigned long long)v->other);
		if (v->err) {
			fprintf(stderr, "kvm-exitgen: vCPU %d: KVM_RUN: %s\n", i, strerror(-v->err));
			bad = 1;
		} else if (v->other) {
			fprintf(stderr, "kvm-exitgen: vCPU %d: unexpected exit reason %u\n", i,
				v->other_reason);
			bad = 2;
		} else if (v->hlt != 1 || v->io != (work ? npio : 0) || v->mmio != (work ? nmmio : 0)) {
			fprintf(stderr, "kvm-exitgen: vCPU %d: exits differ from the plan\n", i);
			bad = 2;
		}
	}
	printf("exits=%llu cpu_ns=%llu wall_ns=%llu ns_per_exit=%.1f\n", (unsigned long long)exits,
	       (unsigned long long)t0, (unsigned long long)w0, exits ? (double)t0 / exits : 0.0);
	ret = bad;
out:
	for (int i = 0; i < created; i++) {
		if (vcpus[i].run != MAP_FAILED)
			munmap(vcpus[i].run, vcpus[i].run_size);
		close(vcpus[i].fd);
	}
	if (mem != MAP_FAILED)
		munmap(mem, MEM_SIZE);
	if (vm_fd >= 0)
		close(vm_fd);
	if (kvm_fd >= 0)
		close(kvm_fd);
	hv_root_free(root);
	return ret;
}
