/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-proc: /proc parsing and VM discovery, always through a struct hv_root so
 * that every parser and the discovery run on fixture trees.
 *
 * Parsers take a buffer the caller read (NUL-terminated, untrusted: fuzzed by
 * tests/fuzz/fuzz-hvcore-procstat.c) and fill a plain struct. They return 0 or
 * -EINVAL for malformed input; they never allocate unless stated.
 *
 * Discovery (hv_vm_scan) finds KVM guests as processes holding an
 * "anon_inode:kvm-vm" fd, plus QEMU processes running TCG, and maps their vCPU
 * threads to vCPU indexes. Sources, in this order (first that answers wins per
 * thread; see man/vhv-top.8.scd):
 *   1. libvirt status XML (/run/libvirt/qemu/NAME.xml, hv-libvirt.h)
 *   2. thread names set by qemu's debug-threads=on: "CPU N/KVM", "CPU N/TCG"
 *   3. debugfs kvm/<pid>-<fd>/vcpuN/pid (read-only files: readable under lockdown)
 *   4. /proc/PID/task/TID/syscall: a thread blocked in ioctl(fd, KVM_RUN) where
 *      fd links to anon_inode:kvm-vcpu:N; user-worker threads (PF_USER_WORKER,
 *      e.g. kvm-nx-lpage-recovery, which inherits its creator's registers) are
 *      skipped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvcore/hv-root.h"
#include "hvcore/hv-vmmem.h"

/* /proc/PID/stat: the fields vhv uses (proc(5) numbering in comments). */
struct hv_stat {
	int pid;               /* 1 */
	char comm[64];         /* 2, without the parentheses (kernel: at most 15 bytes + NUL) */
	char state;            /* 3 */
	int ppid;              /* 4 */
	uint64_t flags;        /* 9  PF_* */
	uint64_t utime;        /* 14 clock ticks; includes guest time */
	uint64_t stime;        /* 15 */
	int64_t priority;      /* 18 */
	int64_t nice;          /* 19 */
	int64_t num_threads;   /* 20 */
	uint64_t starttime;    /* 22 ticks after boot */
	int64_t rss_pages;     /* 24 */
	int processor;         /* 39 last CPU; -1 when absent */
	uint64_t rt_priority;  /* 40 */
	uint64_t policy;       /* 41 */
	uint64_t guest_time;   /* 43 ticks; 0 when absent (old kernels) */
};

/* PF_USER_WORKER (include/linux/sched.h, 6.4+): vhost/KVM worker threads in a user process. */
#define HV_PF_USER_WORKER 0x00004000u
#define HV_PF_KTHREAD 0x00200000u

/* Parse /proc/PID/stat. comm may hold spaces and ')': the last ')' ends it. 0 or -EINVAL. */
int hv_parse_stat(const char *buf, struct hv_stat *out);

/* /proc/PID/status: the fields vhv uses; absent fields stay 0 / "". */
struct hv_status {
	uint64_t vm_rss_kb;      /* VmRSS */
	uint64_t rss_anon_kb;    /* RssAnon (4.5) */
	uint64_t rss_file_kb;    /* RssFile (4.5) */
	uint64_t rss_shmem_kb;   /* RssShmem (4.5): memfd, shared anonymous, tmpfs */
	uint64_t swap_kb;        /* VmSwap (2.6.34) */
	bool have_rss_split;     /* RssAnon was there */
	uint64_t hugetlb_kb;     /* HugetlbPages (4.4) */
	uint64_t vcsw;           /* voluntary_ctxt_switches */
	uint64_t ivcsw;          /* nonvoluntary_ctxt_switches */
	char cpus_allowed[128];  /* Cpus_allowed_list, truncated with "+" when longer */
	int tgid;                /* Tgid */
};
/* 0 or -EINVAL (no "Name:" or "Pid:" line: not a status file). */
int hv_parse_status(const char *buf, struct hv_status *out);

/* /proc/PID/schedstat: "run_ns wait_ns timeslices" (wait = run_delay). */
struct hv_schedstat {
	uint64_t run_ns;
	uint64_t wait_ns;
	uint64_t slices;
};
int hv_parse_schedstat(const char *buf, struct hv_schedstat *out);

/*
 * /proc/PID/task/TID/syscall: "NR ARG0 .. ARG5 SP PC". Returns 0 with *nr and
 * args[6]; -EAGAIN for "running" (the thread is on a CPU: retry later); -EINVAL
 * otherwise ("-1 ..." for a thread not in a syscall also gives 0 with nr -1).
 */
int hv_parse_syscall(const char *buf, long *nr, uint64_t args[6]);

/* The most vCPUs per VM the parsers and the discovery accept (bounds what /proc makes us hold). */
#define HV_MAX_VCPUS 4096

/* "CPU 3/KVM" -> 3, accel "KVM"; "CPU 0/TCG". Returns the index or -EINVAL. */
int hv_parse_vcpu_comm(const char *comm, char *accel, size_t accel_len);

/* "anon_inode:kvm-vcpu:7" -> 7; -EINVAL when the link is not a vCPU fd. */
int hv_parse_vcpu_fd_link(const char *link);

/* What a QEMU command line tells (NUL-separated /proc/PID/cmdline). */
struct hv_qemu_cmdline {
	char name[128];        /* -name guest=X / -name X; "" when none */
	bool is_qemu;          /* argv[0] basename starts with "qemu-system" or "qemu-kvm" */
	bool debug_threads;    /* -name ...,debug-threads=on */
	bool accel_tcg;        /* -accel tcg / -machine accel=tcg (and not kvm first) */
	bool accel_kvm;        /* -accel kvm / -enable-kvm / accel=kvm */
	/*
	 * The RAM's backing: the memory backends the machine uses (-machine
	 * memory-backend=ID, -numa node,memdev=ID; -object in key=value or JSON
	 * form), else -mem-path / -mem-prealloc, else anonymous. A mem-path is
	 * taken for hugetlbfs when "huge" is in it until hv_mem_backing_resolve()
	 * looks at the mount table.
	 */
	struct hv_mem_backing mem;
	uint64_t ram_mb;       /* -m N[MGT] / size=; 0 when not given (QEMU default 128 MiB) */
	int smp;               /* -smp N / cpus=N; 0 when not given */
};
/* Parse @len bytes of NUL-separated argv. Never fails on odd input: 0 always (-EINVAL on NULL). */
int hv_parse_qemu_cmdline(const char *buf, size_t len, struct hv_qemu_cmdline *out);

/* Read and parse one task's files; 0 or -errno (-ENOENT: it exited). */
int hv_read_stat(const struct hv_root *r, int pid, int tid, struct hv_stat *out);
int hv_read_status(const struct hv_root *r, int pid, int tid, struct hv_status *out);
int hv_read_schedstat(const struct hv_root *r, int pid, int tid, struct hv_schedstat *out);

/*
 * Files of one task kept open across refreshes: re-reading an open procfs
 * file with pread(0) skips the path walk (/proc/PID/task/TID/...), the
 * costliest part of a refresh (htop re-opens every time). A task that exits
 * makes the read fail with -ESRCH, even if its id is reused. @tid 0 means the
 * process's own files (/proc/PID/stat: totals over all its threads).
 */
enum hv_task_file {
	HV_TASK_STAT,
	HV_TASK_STATUS,
	HV_TASK_SCHEDSTAT,
	HV_TASK_NFILES,
};
struct hv_task_fds {
	int pid, tid;
	int fd[HV_TASK_NFILES];  /* -1: not open (yet) */
};
void hv_task_fds_init(struct hv_task_fds *t, int pid, int tid);
void hv_task_fds_close(struct hv_task_fds *t);
/* Open lazily and pread from 0 into @buf (NUL-terminated). Length or -errno. */
ssize_t hv_task_read(const struct hv_root *r, struct hv_task_fds *t, enum hv_task_file f, char *buf,
		     size_t len);
/* hv_read_stat() and friends through kept files. 0 or -errno. */
int hv_task_stat(const struct hv_root *r, struct hv_task_fds *t, struct hv_stat *out);
int hv_task_status(const struct hv_root *r, struct hv_task_fds *t, struct hv_status *out);
int hv_task_schedstat(const struct hv_root *r, struct hv_task_fds *t, struct hv_schedstat *out);

/* /proc/PID/task/TID/syscall read and parsed (hv_parse_syscall). 0 or -errno. */
int hv_read_syscall(const struct hv_root *r, int pid, int tid, long *nr, uint64_t args[6]);
/* A /proc directory entry name as a pid (1..INT_MAX), or -1 ("self", "1a", "0"). */
int hv_parse_pid(const char *s);

/*
 * List the thread ids of @pid (/proc/PID/task), ascending. 0 with *tids
 * (caller frees) and *n, or -errno.
 */
int hv_list_tasks(const struct hv_root *r, int pid, int **tids, size_t *n);
/*
 * Does process @pid hold a KVM VM (an "anon_inode:kvm-vm" fd)? 1 yes, 0 no,
 * -ENOENT no such process, -EACCES its fds are hidden (another user's).
 */
int hv_proc_kvm_vm(const struct hv_root *r, int pid);
/*
 * The fd numbers of @pid's vCPU fds: fd_of[N] = the fd linking to
 * "anon_inode:kvm-vcpu:N" for N < @n, -1 where none; when @stats_of is not
 * NULL, the same for the statistics fds the VMM holds itself
 * ("anon_inode:kvm-vcpu-stats:N", from its own KVM_GET_STATS_FD). Returns the
 * number of vCPU fds held, -ENOENT when the process holds no kvm-vm fd, or -errno.
 */
int hv_proc_vcpu_fds(const struct hv_root *r, int pid, int *fd_of, int *stats_of, int n);

/* How a vCPU thread was identified (the order of the header comment). */
enum hv_vcpu_src {
	HV_VCPU_SRC_NONE,
	HV_VCPU_SRC_LIBVIRT,
	HV_VCPU_SRC_COMM,
	HV_VCPU_SRC_DEBUGFS,
	HV_VCPU_SRC_SYSCALL,
};
const char *hv_vcpu_src_name(enum hv_vcpu_src s);

struct hv_vcpu {
	int index;       /* vCPU index (QEMU cpu-index, KVM vcpu id order) */
	int tid;         /* host thread; 0 when not (yet) found */
	enum hv_vcpu_src src;
};

enum hv_accel {
	HV_ACCEL_KVM,
	HV_ACCEL_TCG,
};

/* A VM: one VMM process. Strings are owned by the struct. */
struct hv_vm {
	int pid;
	uint64_t starttime;      /* with pid, the identity of the process */
	char *name;              /* libvirt name, else -name guest=, else comm; never NULL */
	const char *name_src;    /* "libvirt", "cmdline", "comm" (static) */
	char *uuid;              /* libvirt uuid or NULL */
	enum hv_accel accel;
	bool debug_threads;
	bool hugetlb;            /* configured hugepage backing (cmdline or libvirt) */
	struct hv_mem_backing mem; /* the RAM's backing: libvirt's XML, else the command line */
	int vm_fd;               /* the kvm-vm fd number (debugfs kvm/<pid>-<fd>), -1 unknown */
	uint64_t ram_mb;         /* configured RAM, 0 unknown */
	int nvcpu_fds;           /* anon_inode:kvm-vcpu:N fds held (KVM), -1 unknown */
	size_t nvcpus;
	struct hv_vcpu *vcpus;   /* sorted by index */
};

/* Free the strings and vCPU array of @vm (not @vm itself). */
void hv_vm_clear(struct hv_vm *vm);

struct hv_vm_scan;

/*
 * A discovery context. It keeps caches between scans of the live host: which
 * processes are not VMs (re-checked while young and every 30 s), and the vCPU
 * map of each VM (re-done when its thread list changes). 0 and *out (free with
 * hv_vm_scan_free) or -ENOMEM.
 */
int hv_vm_scan_new(struct hv_vm_scan **out);
void hv_vm_scan_free(struct hv_vm_scan *s);

/*
 * Scan @r for VMs. On success returns the number of VMs and *vms, borrowed
 * from @s (valid until the next scan or hv_vm_scan_free), ascending by pid.
 * Returns -errno when /proc cannot be listed.
 * @now_s is the caller's clock in seconds (cache ageing only).
 */
int hv_vm_scan_run(struct hv_vm_scan *s, const struct hv_root *r, double now_s,
		   const struct hv_vm **vms);

