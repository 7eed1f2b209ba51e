/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-cgroup: the control group that limits a process or thread, its CPU and
 * memory limits, and what they cost it (throttling, memory events, pressure).
 *
 * /proc/PID/cgroup (or /proc/PID/task/TID/cgroup) names the cgroup: "0::/path"
 * for cgroup v2, "N:cpu,cpuacct:/path" per v1 hierarchy. The files are read
 * under /sys/fs/cgroup/PATH (v2), /sys/fs/cgroup/unified/PATH (hybrid v2
 * without controllers), or /sys/fs/cgroup/<hierarchy>/PATH for v1, where the
 * hierarchy directory is named by its controller list as systemd and libvirt
 * mount it ("cpu,cpuacct", "cpuset", "memory").
 *
 * Files (Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/): v2 cpu.max,
 * cpu.weight, cpu.stat (nr_periods nr_throttled throttled_usec: 4.15+ with the
 * cpu controller), cpuset.cpus.effective, cpuset.mems.effective, memory.max,
 * memory.high, memory.swap.max, memory.events, {cpu,memory,io}.pressure (PSI,
 * 4.20+); v1 cpu.cfs_quota_us, cpu.cfs_period_us, cpu.shares, cpu.stat
 * (throttled_time in ns), cpuset.effective_cpus, cpuset.effective_mems,
 * memory.limit_in_bytes, memory.memsw.limit_in_bytes, memory.failcnt,
 * memory.oom_control (oom_kill: 4.13+).
 *
 * Parsers take a NUL-terminated buffer (untrusted: fuzzed by
 * tests/fuzz/fuzz-hvcore-cgroup.c), never allocate, return 0 or -errno.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"

#define HV_CGROUP_PATH_MAX 512
#define HV_CG_MAX UINT64_MAX     /* "max": no limit */

/* Where a task's cgroup is: /proc/PID/cgroup. Empty strings when absent. */
struct hv_cgroup_where {
	char v2[HV_CGROUP_PATH_MAX];      /* the "0::" line */
	bool have_v2;
	char cpu[HV_CGROUP_PATH_MAX];     /* v1 hierarchy holding "cpu" */
	char cpu_dir[64];                 /* its directory name: "cpu,cpuacct" */
	char cpuset[HV_CGROUP_PATH_MAX];  /* v1 "cpuset" */
	char cpuset_dir[64];
	char memory[HV_CGROUP_PATH_MAX];  /* v1 "memory" */
	char memory_dir[64];
};
/* 0, or -EINVAL when no line has the "ID:CONTROLLERS:PATH" form. */
int hv_parse_proc_cgroup(const char *buf, struct hv_cgroup_where *out);

/*
 * The cgroup that stands for the whole VM: libvirt puts the QEMU process in
 * .../machine-qemu...scope/libvirt/emulator (v2) or .../scope/emulator (v1)
 * and its vCPU threads in .../vcpuN; the VM's limits sit on the scope. Strips
 * "/libvirt/emulator" or "/emulator" from @path in place; true when it did.
 */
bool hv_cgroup_vm_path(char *path);

/* One PSI line: "some avg10=0.12 avg60=... avg300=... total=USEC". */
struct hv_psi_line {
	bool have;
	double avg10, avg60, avg300;   /* percent of wall time */
	uint64_t total_us;
};
struct hv_psi {
	struct hv_psi_line some, full;
};
/* 0, or -EINVAL when neither a "some" nor a "full" line parses. */
int hv_parse_psi(const char *buf, struct hv_psi *out);

/* A flat-keyed file ("key value" lines: cpu.stat, memory.events): the value of @key. 0 or -ENOENT. */
int hv_cg_keyed(const char *buf, const char *key, uint64_t *out);

/*
 * cpu.max "QUOTA PERIOD" ("max 100000" unlimited). 0 with *quota_us
 * (HV_CG_MAX for max) and *period_us, or -EINVAL.
 */
int hv_parse_cpu_max(const char *buf, uint64_t *quota_us, uint64_t *period_us);
/* A single value: a number, or "max" (v1: values >= 2^62 are "no limit" too). 0 or -EINVAL. */
int hv_parse_cg_limit(const char *buf, uint64_t *out);

enum hv_psi_res { HV_PSI_CPU, HV_PSI_MEMORY, HV_PSI_IO, HV_PSI_N };

/* The limits and counters of one cgroup; have_* say which files answered. */
struct hv_cgroup {
	int version;                   /* 2 or 1; 0: no cgroup found */
	char path[HV_CGROUP_PATH_MAX]; /* v2 path, or v1 cpu hierarchy's */
	bool have_cpu_max;
	uint64_t quota_us, period_us;  /* quota HV_CG_MAX: no limit */
	bool have_weight;
	uint64_t weight;               /* v2 cpu.weight 1..10000; v1 cpu.shares mapped (man page) */
	char cpus[128], mems[64];      /* cpuset, effective; "" unknown */
	bool have_mem_max, have_mem_high, have_swap_max;
	uint64_t mem_max, mem_high, swap_max;  /* bytes, HV_CG_MAX: none */
	bool have_cpu_stat;
	uint64_t nr_periods, nr_throttled, throttled_us;
	bool have_mem_events;
	uint64_t ev_high, ev_max, ev_oom, ev_oom_kill;   /* v1: max = failcnt, high none */
	struct hv_psi psi[HV_PSI_N];
};

/*
 * Read the cgroup of @pid (@tid 0: the process; else that thread) and its
 * files. With @vm, the libvirt scope above emulator/ (hv_cgroup_vm_path).
 * Fills what is readable. 0, -ENOENT when the task is gone or has no cgroup
 * file, or -errno.
 */
int hv_cgroup_read(const struct hv_root *r, int pid, int tid, bool vm, struct hv_cgroup *out);
/* The two halves of hv_cgroup_read: where the task is (0 or -errno)... */
int hv_cgroup_where_read(const struct hv_root *r, int pid, int tid, struct hv_cgroup_where *out);
/* ...the path the files are read from (v1: the cpu hierarchy's; "" when none)... */
const char *hv_cgroup_where_path(const struct hv_cgroup_where *w);
/* ...and that cgroup's files (@w is modified when @vm strips libvirt's emulator/). 0 or -ENOENT. */
int hv_cgroup_read_where(const struct hv_root *r, struct hv_cgroup_where *w, bool vm,
			 struct hv_cgroup *out);
