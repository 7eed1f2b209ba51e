/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * top: vhv-top's model. The sampler turns hvcore's VM discovery and per-thread
 * /proc counters into snapshots with rates; the column table (top-cols.c)
 * says what each column shows and which reads it needs; the view orders rows
 * (tree or flat, sort, filter); batch output, the SQLite recorder and the
 * curses UI (tui.c, the only curses user) render them. No printing to stdout
 * outside top-batch.c and tui.c, and only when the CLI asks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hvcore/hv-cgroup.h"
#include "hvcore/hv-kvmstats.h"
#include "hvcore/hv-proc.h"
#include "hvcore/hv-root.h"

/* ---- columns (top-cols.c) ------------------------------------------------ */

/* In the order of the default views (a view shows its columns in this order). */

enum top_col_id {
	TOP_COL_DOMID,     /* Xen */
	TOP_COL_PID,
	TOP_COL_TID,
	TOP_COL_VCPU,
	TOP_COL_NVCPU,
	TOP_COL_ACCEL,
	TOP_COL_CPU,
	TOP_COL_USR,
	TOP_COL_SYS,
	TOP_COL_GST,
	TOP_COL_GTIME,
	TOP_COL_WAIT,
	TOP_COL_STATE,
	TOP_COL_XSTATE,    /* Xen */
	TOP_COL_LCPU,
	TOP_COL_AFFINITY,
	TOP_COL_SOFT,      /* Xen */
	TOP_COL_NICE,
	TOP_COL_PRIO,
	TOP_COL_VCSW,
	TOP_COL_IVCSW,
	TOP_COL_EXITS,
	TOP_COL_RSS,
	TOP_COL_RAM,
	TOP_COL_HUGE,
	TOP_COL_BACKING,
	TOP_COL_MEMPATH,
	TOP_COL_ANON,
	TOP_COL_THP,
	TOP_COL_HUGETLB,
	TOP_COL_SHMEM,
	TOP_COL_FILE,
	TOP_COL_SWAP,
	TOP_COL_KSM,
	TOP_COL_NUMA,
	TOP_COL_NODE,
	TOP_COL_NUMAMISS,
	TOP_COL_CGROUP,
	TOP_COL_CPUMAX,
	TOP_COL_WEIGHT,
	TOP_COL_CPUSET,
	TOP_COL_MEMS,
	TOP_COL_MEMMAX,
	TOP_COL_MEMHIGH,
	TOP_COL_SWAPMAX,
	TOP_COL_THROTTLED,
	TOP_COL_THRPERIODS,
	TOP_COL_MEMEVENTS,
	TOP_COL_PSICPU,
	TOP_COL_PSIMEM,
	TOP_COL_PSIIO,
	TOP_COL_LIMITED,
	TOP_COL_KEXITS,
	TOP_COL_HALTEXITS,
	TOP_COL_IOEXITS,
	TOP_COL_MMIOEXITS,
	TOP_COL_IRQWEXITS,
	TOP_COL_POLL,
	TOP_COL_POLLOK,
	TOP_COL_POLLFAIL,
	TOP_COL_HALT,
	TOP_COL_POLLCPU,
	TOP_COL_MEM,       /* Xen */
	TOP_COL_MAXMEM,    /* Xen */
	TOP_COL_VCPUS,     /* Xen */
	TOP_COL_TYPE,      /* Xen */
	TOP_COL_NETRX,     /* Xen */
	TOP_COL_NETTX,     /* Xen */
	TOP_COL_VBDRD,     /* Xen */
	TOP_COL_VBDWR,     /* Xen */
	TOP_COL_SOURCE,
	TOP_COL_NAME,
	TOP_COL_COUNT,
};

/* Which reads a column needs (htop's idea): ORed over the visible columns. */
enum top_need {
	TOP_NEED_STAT = 1 << 0,       /* /proc/PID/task/TID/stat: always read */
	TOP_NEED_STATUS = 1 << 1,     /* .../status: context switches, affinity, RSS */
	TOP_NEED_SCHEDSTAT = 1 << 2,  /* .../schedstat: run_delay */
	TOP_NEED_BPF = 1 << 3,        /* vbpf-exits: load BPF at all */
	TOP_NEED_THP = 1 << 4,        /* /proc/PID/smaps_rollup: costly page-table walk */
	TOP_NEED_KSM = 1 << 5,        /* /proc/PID/ksm_merging_pages, ksm_stat */
	TOP_NEED_NUMA = 1 << 6,       /* /proc/PID/numa_maps (costly) + the node of each CPU */
	TOP_NEED_NODES = 1 << 7,      /* the node of each CPU (sysfs) */
	TOP_NEED_CGROUP = 1 << 8,     /* /proc/PID/cgroup and the cgroup's files */
	TOP_NEED_KSTAT = 1 << 9,      /* KVM statistics: vCPU stats fds, else debugfs kvm/PID-FD/ */
};

/* The hypervisor whose guests vhv-top shows: KVM processes, or Xen domains (dom0). */
enum top_hv {
	TOP_HV_KVM,
	TOP_HV_XEN,
};

enum top_col_flags {
	TOP_COL_RIGHT = 1 << 0,  /* right-aligned (numbers) */
	TOP_COL_DEFAULT = 1 << 1, /* shown by default on KVM */
	TOP_COL_STRETCH = 1 << 2, /* takes the rest of the line (NAME) */
	TOP_COL_KVM = 1 << 3,     /* has values on KVM */
	TOP_COL_XEN = 1 << 4,     /* has values on Xen */
	TOP_COL_XDEFAULT = 1 << 5, /* shown by default on Xen */
	TOP_COL_VMONLY = 1 << 6,  /* a VM's value, not a vCPU's (JSON: on the VM object) */
	TOP_COL_ASC = 1 << 7,     /* numbers sort ascending (ids, indexes); else largest first */
	TOP_COL_VCPUONLY = 1 << 8, /* a vCPU's value, not a VM's (JSON: on the vCPU objects) */
};

/* How a number is written (strings are written as they are). */
enum top_col_fmt {
	TOP_FMT_INT,     /* "%.0f": counts, ids, rates per second */
	TOP_FMT_PCT,     /* "%.1f": percentages */
	TOP_FMT_BYTES,   /* binary units: 2.0G, 977K */
	TOP_FMT_MSS,     /* seconds as minutes:seconds.centiseconds */
};

struct top_col_info {
	const char *id;      /* --output / --sort name, JSON key, man page entry */
	const char *label;   /* header */
	int width;
	unsigned flags;
	unsigned needs;
	const char *help;
	enum top_col_fmt fmt;
};

/* The row of the column table for @id (never NULL for a valid id). */
const struct top_col_info *top_col_info(enum top_col_id id);
/* Parse a column by id or header label (case-insensitive). The id or -EINVAL. */
int top_col_parse(const char *name);
/* Print the table (--list-columns): "id  LABEL  help", the columns of @hv. */
void top_cols_list(FILE *fp, enum top_hv hv);

/* ---- model and sampler (top-sample.c) ------------------------------------ */

/* One host thread (a vCPU), or a VM's process totals. Rates are per second. */
struct top_task {
	int tid;             /* 0: vCPU whose thread is unknown */
	int vcpu;            /* vCPU index; -1 for the VM's own totals */
	enum hv_vcpu_src src;
	bool valid;          /* counters were read this tick */
	bool rated;          /* rates were computed (a previous sample existed) */
	bool have_status, have_sched, have_exits;
	char state;
	int lcpu;
	int node;            /* NUMA node of lcpu, -1 unknown */
	int nice, prio;
	char affinity[128];
	/* cumulative counters */
	uint64_t utime, stime, gtime;  /* clock ticks */
	uint64_t wait_ns;
	uint64_t vcsw, ivcsw;
	uint64_t exits;
	double gtime_s;                /* guest time in seconds */
	/* Xen vCPU (or domain): cumulative CPU time, state word, soft affinity */
	uint64_t cpu_ns;
	const char *xstate;
	char soft[128];
	/* a vCPU thread's own cgroup (libvirt's .../libvirt/vcpuN), when not its VM's */
	bool have_cg, cg_rated, cg_have_max, cg_have_stat, cg_limited;
	char cg_path[192];             /* "..." + its tail when longer */
	uint64_t cg_quota_us, cg_period_us, cg_nr_periods, cg_nr_throttled, cg_throttled_us;
	double thr_pct, thr_periods_pct;
	/*
	 * KVM's statistics (hv-kvmstats.h): a vCPU's from its stats fd; the VM
	 * row's are the sum of its vCPUs', else debugfs kvm/PID-FD/ (VM-wide).
	 * kst_rate: counts per second; times as percent of one CPU (of the VM's
	 * vCPUs for the VM row, at most 100 per vCPU). poll_cpu: percent of the
	 * thread's CPU time that was halt polling (vCPUs only).
	 */
	bool have_kst, kst_rated, have_poll_cpu;
	struct hv_kstats kst;
	double kst_rate[HV_KSTAT_COUNT];
	double poll_cpu;
	/* rates */
	double cpu, usr, sys, gst, wait;  /* percent of one CPU */
	double vcsw_s, ivcsw_s, exits_s;
};

struct top_vm {
	int pid;
	uint64_t starttime;
	char *name;
	const char *name_src;
	enum hv_accel accel;
	bool debug_threads;
	int nvcpu_fds;
	uint64_t rss_kb, ram_mb;
	int huge;                /* 0 no, 1 THP in use, 2 hugetlbfs-backed, -1 unknown */
	/* guest memory (KiB): backing, resident split, NUMA */
	struct hv_mem_backing mem;
	bool have_split;         /* RssAnon, RssFile, RssShmem, VmSwap, HugetlbPages */
	uint64_t anon_kb, file_kb, shmem_kb, swap_kb, hugetlb_kb;
	bool have_thp;
	uint64_t thp_kb;         /* AnonHugePages + ShmemPmdMapped */
	bool have_ksm;
	uint64_t ksm_kb;         /* (ksm_merging_pages + ksm_zero_pages) x page size */
	bool have_numa;
	struct hv_numa_mem numa;
	int mem_node;            /* node holding most of its memory, -1 unknown */
	int numa_miss;           /* vCPUs mostly on another node: 1, 0 no, -1 unknown */
	/* its cgroup, and the rates of its throttling counters */
	bool have_cg;
	struct hv_cgroup cg;
	bool cg_rated;
	double thr_pct, thr_periods_pct;
	unsigned limited;        /* TOP_LIM_*: what its cgroup did to it in the interval */
	const char *kst_src;     /* where proc.kst came from: "stats-fd", "debugfs", or NULL */
	/* Xen domains (pid is 0) */
	bool xen;                /* a Xen domain, not a KVM process */
	unsigned int domid;
	unsigned int xstate;     /* HV_XEN_* */
	const char *type;        /* "pv", "hvm", or NULL unknown */
	unsigned int online_vcpus;
	uint64_t mem_kb, maxmem_kb;
	/* Xen backends: cumulative (guest's view) and per-second rates */
	unsigned int nnets, nvbds;
	uint64_t net_rx, net_tx, vbd_rd, vbd_wr;  /* bytes; requests */
	bool io_rated;
	double net_rx_s, net_tx_s, vbd_rd_s, vbd_wr_s;
	struct top_task proc;    /* the whole process (all threads); a domain's totals */
	size_t nvcpus;
	struct top_task *vcpus;  /* by vCPU index */
};

/* What a VM's cgroup did to it during the interval (the LIMIT column). */
enum top_limited {
	TOP_LIM_CPU = 1 << 0,    /* nr_throttled rose */
	TOP_LIM_MEM = 1 << 1,    /* memory.events high or max rose (v1: failcnt) */
	TOP_LIM_OOM = 1 << 2,    /* oom_kill rose */
};

struct top_snap {
	enum top_hv hv;
	uint64_t mono_ns, real_ns;
	double interval;         /* seconds since the previous sample; 0 for the first */
	size_t nvms;
	struct top_vm *vms;      /* ascending pid */
};

struct top_sampler;

/* 0 and *out (free with top_sampler_free) or -ENOMEM. */
int top_sampler_new(struct top_sampler **out);
void top_sampler_free(struct top_sampler *s);
/* The reads to make: TOP_NEED_* ORed over the visible columns (STAT always). */
void top_sampler_set_needs(struct top_sampler *s, unsigned needs);
/*
 * Load the exits/s counters (vbpf-exits) for @root. 0, or -errno with a
 * malloc'd reason in *why (caller frees): the column is then hidden.
 */
int top_sampler_enable_bpf(struct top_sampler *s, const struct hv_root *root, char **why);
/* Does EXITS/s have a source: BPF, or KVM's statistics (top_sampler_exits_from_kstat)? */
bool top_sampler_has_exits(const struct top_sampler *s);
/* Sample Xen domains (hv-xen.h) instead of KVM processes. */
void top_sampler_set_hv(struct top_sampler *s, enum top_hv hv);
/*
 * Take one sample of @root (one root per tick: --sysroot t0,t1 gives fixed
 * rates). Rates compare with the previous tick. VMs and threads that vanish
 * during the tick are dropped, not reported as errors. 0 or -errno.
 */
int top_sampler_tick(struct top_sampler *s, const struct hv_root *root);
/* The last snapshot (borrowed until the next tick). */
const struct top_snap *top_sampler_snap(const struct top_sampler *s);
/*
 * Why shown columns have no values in the last tick (KVM statistics or KSM
 * files missing): a NULL-terminated list of static strings, for notes shown
 * once. Borrowed until the next tick.
 */
const char *const *top_sampler_notes(const struct top_sampler *s);
/*
 * EXITS/s without BPF: fill the exits of each vCPU from KVM's statistics
 * ("exits", all reasons together) instead of vbpf-exits.
 */
void top_sampler_exits_from_kstat(struct top_sampler *s);
/*
 * Why KVM's statistics are missing: set when the last tick had KVM guests and
 * none of them had statistics (no stats fd, no debugfs), NULL otherwise. The
 * caller hides the columns that need them. Borrowed while @s lives.
 */
const char *top_sampler_kstat_missing(const struct top_sampler *s);

/* ---- view (top-view.c) ---------------------------------------------------- */

struct top_row {
	const struct top_vm *vm;
	const struct top_task *task;  /* the vCPU, or &vm->proc for the VM row */
	bool is_vm;
	bool last;                    /* tree: last vCPU of its VM */
};

struct top_view {
	enum top_hv hv;
	bool tree;                    /* VM rows with their vCPUs below (default) */
	enum top_col_id sort;
	bool reverse;                 /* ascending instead of the column's natural order */
	char filter[128];             /* substring of the VM name (case-insensitive); "" all */
	size_t ncols;
	enum top_col_id cols[TOP_COL_COUNT];
};

/* The default view: tree, sorted by %CPU, the default columns of @hv. */
void top_view_init(struct top_view *v, enum top_hv hv);
/* Needs of the visible columns. */
unsigned top_view_needs(const struct top_view *v);
/* Remove column @id from the view (e.g. EXITS/s without BPF). */
void top_view_hide(struct top_view *v, enum top_col_id id);
bool top_view_has(const struct top_view *v, enum top_col_id id);
/*
 * The rows to show, in order. 0 with *rows (caller frees; pointers borrowed
 * from @snap) and *n, or -ENOMEM.
 */
int top_view_rows(const struct top_view *v, const struct top_snap *snap, struct top_row **rows,
		  size_t *n);

/* A cell's value: a number, a string, or none ("-"). */
struct top_val {
	enum { TOP_VAL_NONE, TOP_VAL_NUM, TOP_VAL_STR } kind;
	double num;
	const char *str;   /* borrowed from the row, or static */
	bool integer;      /* JSON: write as an integer */
};
void top_col_value(enum top_col_id id, const struct top_row *r, bool tree, char *scratch,
		   size_t scratch_len, struct top_val *out);
/* The cell text (no padding). */
const char *top_col_format(enum top_col_id id, const struct top_row *r, bool tree, char *buf,
			   size_t len);
/* Binary units: "2.0G", "977K", "512B". Writes into @buf. */
const char *top_fmt_bytes(double bytes, char *buf, size_t len);
/* Compare two rows on @id in its natural order (numbers: largest first). */
int top_col_cmp(enum top_col_id id, const struct top_row *a, const struct top_row *b);

/* ---- batch output (top-batch.c) ------------------------------------------- */

/* One plain-text iteration: header line, column header, rows; @width 0 = no limit. */
void top_batch_print(FILE *fp, const struct top_view *v, const struct top_snap *snap, int width);
/* One JSON document (one line) for the iteration; @notes NULL-terminated or NULL. */
int top_json_print(FILE *fp, const struct top_view *v, const struct top_snap *snap,
		   const char *const *notes);

/* ---- recording (top-record.c, through hvcore/hv-store.h) ------------------ */

struct top_record;
/* Open/create the database @path. 0 and *out, or -errno (logged). */
int top_record_open(const char *path, struct top_record **out);
/* Append every VM and vCPU row of @snap (one transaction). 0 or -errno. */
int top_record_add(struct top_record *rec, const struct top_snap *snap);
void top_record_close(struct top_record *rec);

/* ---- actions (top-actions.c): syscalls, never a shell --------------------- */

/* setpriority() on the vCPU thread, or on every thread of the VM. 0 or -errno. */
int top_act_renice(const struct hv_root *root, const struct top_row *r, int nice);
/* sched_setaffinity() with a CPU list "0-3,6". 0 or -errno (-EINVAL bad list). */
int top_act_pin(const struct hv_root *root, const struct top_row *r, const char *cpulist);
/* kill() the VM process, or tgkill() the vCPU thread. 0 or -errno. */
int top_act_signal(const struct hv_root *root, const struct top_row *r, int sig);
/* "TERM", "SIGKILL", "9" -> number, or -EINVAL. */
int top_signal_parse(const char *s);
/* Xen: the hard affinity of the vCPU, or of every vCPU of the domain (xl vcpu-pin). */
int top_act_xen_pin(const struct hv_root *root, const struct top_row *r, const char *cpulist);
/* Xen: pause (true) or unpause the domain of the row (xl pause / unpause). */
int top_act_xen_pause(const struct hv_root *root, const struct top_row *r, bool pause);

/* ---- the curses UI (tui.c) ------------------------------------------------ */

struct top_tui_opts {
	double delay;           /* seconds between refreshes */
	int iterations;         /* 0: until quit */
	const char *bpf_note;   /* why EXITS/s is hidden, or NULL */
	const char *host_note;  /* the hypervisor line on Xen, or NULL */
};
/*
 * Run the interactive UI on the live root (or a fixture: actions are then
 * refused). Restores the terminal on return and on fatal signals. 0 or -errno.
 */
int top_tui_run(struct top_sampler *s, const struct hv_root *root, struct top_view *v,
		const struct top_tui_opts *o);
