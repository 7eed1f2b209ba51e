/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-vmmem: what a guest's RAM is and where it sits, read from the host.
 *
 * Backing (how the VMM allocated the RAM) comes from QEMU's command line
 * (hv_parse_qemu_cmdline fills a struct hv_mem_backing) and libvirt's
 * <memoryBacking> (hv-libvirt.h); hv_mem_backing_merge() combines them. The
 * resident split comes from /proc/PID/status (RssAnon, RssFile, RssShmem,
 * VmSwap, HugetlbPages: hv_parse_status), /proc/PID/smaps_rollup (THP),
 * /proc/PID/ksm_merging_pages and ksm_stat (KSM), and /proc/PID/numa_maps
 * (per NUMA node). Kernel versions and formulas: man/vhv-top.8.scd.
 *
 * Parsers take a NUL-terminated buffer the caller read (untrusted: fuzzed by
 * tests/fuzz/fuzz-hvcore-vmmem.c), fill a plain struct, never allocate, and
 * return 0 or -EINVAL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"

/* Where the guest RAM lives (QEMU memory backends, docs/system/invocation / qom.json). */
enum hv_mem_kind {
	HV_MEM_UNKNOWN,
	HV_MEM_ANON,       /* default RAM, memory-backend-ram, libvirt source anonymous */
	HV_MEM_MEMFD,      /* memory-backend-memfd (hugetlb=off), libvirt source memfd */
	HV_MEM_MEMFD_HUGE, /* memory-backend-memfd,hugetlb=on */
	HV_MEM_HUGETLBFS,  /* a mem-path on a hugetlbfs mount, libvirt <hugepages/> */
	HV_MEM_FILE,       /* a mem-path on any other file system (tmpfs, DAX, a file) */
	HV_MEM_MIXED,      /* several backends of different kinds (NUMA nodes) */
};

/* Tri-state option: not said, off, on. */
enum hv_tri { HV_TRI_UNSET, HV_TRI_OFF, HV_TRI_ON };

#define HV_MEM_MAX_BACKENDS 64
#define HV_MEM_PATH_MAX 256

struct hv_mem_backing {
	enum hv_mem_kind kind;
	uint64_t page_kib;       /* hugepage size; 0 = the system default / not huge */
	enum hv_tri shared;      /* share=on, libvirt <access mode='shared'/> */
	enum hv_tri prealloc;    /* prealloc=on, -mem-prealloc, libvirt <allocation mode='immediate'/> */
	char path[HV_MEM_PATH_MAX]; /* mem-path (file / hugetlbfs backends); "" none */
};

/* "anon", "memfd", "hugetlbfs", "file", "mixed", "" (unknown): static. */
const char *hv_mem_kind_name(enum hv_mem_kind k);

/*
 * One line for people: "hugetlbfs:2M,shared,prealloc", "memfd,shared",
 * "anon"; "" when nothing is known. Writes into @buf, returns it.
 */
const char *hv_mem_backing_format(const struct hv_mem_backing *b, char *buf, size_t len);

/* Fill what @dst does not know from @src (libvirt says what the command line leaves out). */
void hv_mem_backing_merge(struct hv_mem_backing *dst, const struct hv_mem_backing *src);

/*
 * Decide file-backed RAM between hugetlbfs and other file systems from the
 * mount table /proc/mounts of @r (longest mount point that is a prefix of
 * b->path); a hugetlbfs mount's pagesize= option gives the page size. Leaves
 * @b alone when it has no path or the mounts cannot be read.
 */
void hv_mem_backing_resolve(const struct hv_root *r, struct hv_mem_backing *b);
/* The same on a /proc/mounts text (for tests and the fuzzer). */
void hv_mem_backing_resolve_mounts(const char *mounts, struct hv_mem_backing *b);

/* /proc/PID/smaps_rollup (Linux 4.14): the fields vhv uses, in KiB; absent fields 0. */
struct hv_smaps_rollup {
	uint64_t rss, pss, anonymous;
	uint64_t anon_huge;       /* AnonHugePages: anonymous THP */
	uint64_t shmem_pmd;       /* ShmemPmdMapped: shmem / memfd THP */
	uint64_t file_pmd;        /* FilePmdMapped */
	uint64_t shared_hugetlb, private_hugetlb;
	uint64_t swap, swap_pss;
	uint64_t locked;
	uint64_t ksm;             /* KSM: (Linux 6.6+; 0 before) */
	bool have_ksm;
	bool have_rss;             /* an Rss line was seen */
};
int hv_parse_smaps_rollup(const char *buf, struct hv_smaps_rollup *out);
int hv_read_smaps_rollup(const struct hv_root *r, int pid, struct hv_smaps_rollup *out);

/* /proc/PID/ksm_stat (Linux 6.1; fields added up to 6.7): absent fields stay -1. */
struct hv_ksm_stat {
	int64_t rmap_items;       /* ksm_rmap_items */
	int64_t merging_pages;    /* ksm_merging_pages (6.x; also its own file) */
	int64_t zero_pages;       /* ksm_zero_pages (6.6) */
	int64_t profit;           /* ksm_process_profit, bytes (6.6) */
};
int hv_parse_ksm_stat(const char *buf, struct hv_ksm_stat *out);
/*
 * KSM pages of @pid: ksm_merging_pages (the file, else ksm_stat's line) in
 * *merging and ksm_zero_pages in *zero (0 when not reported). 0, or -ENOENT
 * when the kernel has neither file (before 6.1), or -errno.
 */
int hv_read_ksm(const struct hv_root *r, int pid, uint64_t *merging, uint64_t *zero);

/* Resident memory per NUMA node (KiB), summed over /proc/PID/numa_maps's N<node>=<pages>. */
#define HV_NUMA_MAX_NODES 64
struct hv_numa_mem {
	int nnodes;                       /* highest node seen + 1; 0 none */
	uint64_t kib[HV_NUMA_MAX_NODES];
	uint64_t huge_kib[HV_NUMA_MAX_NODES]; /* the hugetlb part (lines with "huge") */
};
/* Nodes beyond HV_NUMA_MAX_NODES are ignored; lines that are not mappings are skipped. */
int hv_parse_numa_maps(const char *buf, struct hv_numa_mem *out);
/* Reads up to 64 MiB of numa_maps (costly: walks the page tables). 0 or -errno. */
int hv_read_numa_maps(const struct hv_root *r, int pid, struct hv_numa_mem *out);
/* The node holding the most of @m, or -1 when empty. */
int hv_numa_main_node(const struct hv_numa_mem *m);

/*
 * The host's NUMA nodes: node of each CPU from
 * /sys/devices/system/node/nodeN/cpulist. @node_of has @ncpus entries, -1 for
 * CPUs of no listed node. Returns the number of nodes (0 when the directory is
 * missing: no NUMA information) or -errno.
 */
#define HV_NUMA_MAX_CPUS 8192
int hv_read_cpu_nodes(const struct hv_root *r, int *node_of, unsigned int ncpus);

/*
 * One QEMU memory backend object (-object memory-backend-{ram,memfd,file},
 * qapi/qom.json MemoryBackendProperties), as "qom-type,key=value,..." or as
 * libvirt's JSON form {"qom-type":...}.
 */
struct hv_mem_object {
	char id[64];
	struct hv_mem_backing b;
	uint64_t size;            /* bytes; 0 unknown */
};
/*
 * Parse the argument of -object. 1 and *out for a memory backend, 0 for any
 * other object, -EINVAL for a malformed JSON form. Never allocates past the
 * call (JSON is parsed with jansson and freed).
 */
int hv_mem_parse_object(const char *arg, struct hv_mem_object *out);
/* QEMU's size syntax (qemu_strtosz): bytes, or with a K/M/G/T/P/E suffix. 0 when malformed. */
uint64_t hv_mem_parse_size(const char *s);
