/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-stats: arithmetic on exit aggregates (struct vbpf_exit_stat), shared by
 * the live view (interval deltas) and the report (grouping recorded rows).
 * No libbpf here: builds with BPF=0.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/vbpf-hist.h"

/* One (pid, vCPU, kind, reason) aggregate; see vbpf-trace.h for the meaning. */
struct vbpf_exit_stat {
	uint32_t pid;
	int32_t vcpu;              /* -1: not known (no KVM_RUN seen for the thread) */
	uint32_t kind;             /* enum vbpf_kind */
	uint32_t reason;           /* see vbpf-reasons.h */
	uint64_t count;
	uint64_t lat_count;        /* exits whose latency was measured */
	uint64_t lat_sum_ns;
	uint64_t lat_max_ns;
	uint64_t hist[VBPF_HIST_SLOTS];
};

/* Order: pid, vcpu, kind, reason (qsort comparator). */
int vbpf_stat_cmp(const void *a, const void *b);

/*
 * @cur minus @prev, both sorted by vbpf_stat_cmp (cumulative snapshots).
 * Rows whose count and lat_count did not move are left out; lat_max_ns is
 * the cumulative maximum (a bound, not the interval's). Returns the number of
 * rows in *out (malloc'd, caller frees; NULL when 0), or -ENOMEM.
 */
ssize_t vbpf_stats_delta(const struct vbpf_exit_stat *prev, size_t nprev,
			 const struct vbpf_exit_stat *cur, size_t ncur, struct vbpf_exit_stat **out);

enum vbpf_group {
	VBPF_GROUP_PID = 1 << 0,
	VBPF_GROUP_VCPU = 1 << 1,
	VBPF_GROUP_REASON = 1 << 2,  /* kind and reason */
};
/*
 * Merge rows that agree on the fields in @by (others are zeroed: pid 0,
 * vcpu -1, kind/reason 0), adding counts and histograms. Result sorted by
 * count, largest first, then by key. Returns the row count and *out (caller
 * frees), or -ENOMEM.
 */
ssize_t vbpf_stats_group(const struct vbpf_exit_stat *rows, size_t n, unsigned int by,
			 struct vbpf_exit_stat **out);

/* Add @src's counters and histogram into @dst (keys untouched). */
void vbpf_stat_add(struct vbpf_exit_stat *dst, const struct vbpf_exit_stat *src);
