/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-render: vhv-trace's views of VM exits -- the interval tables and the
 * summary of a live trace, its JSON document and Prometheus textfile, and the
 * views of a recording (by reason, by vCPU, over time). Renderers write to
 * the stream they are given or return a JSON document (hv-json's layout);
 * they never exit. Human tables fit 80 columns.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/vbpf-record.h"
#include "bpf/vbpf-stats.h"
#include "bpf/vbpf-trace.h"

#define VBPF_NAME_MAX 16  /* a task's comm, without its NUL */

/* The names of the VMs seen (the VMM's comm, captured in the kernel at its first exit). */
struct vbpf_name {
	uint32_t pid;
	char name[VBPF_NAME_MAX + 1];
};
struct vbpf_names {
	struct vbpf_name *v;
	size_t n, cap;
};

/* The name of @pid, or "?". */
const char *vbpf_names_get(const struct vbpf_names *nm, uint32_t pid);
/* Learn @pid's name from the tracer: 1 when it was new, 0 known, -ENOMEM. */
int vbpf_names_learn(struct vbpf_names *nm, struct vbpf_trace *tr, uint32_t pid);
void vbpf_names_free(struct vbpf_names *nm);

/* "sampled", "all" or "off". */
const char *vbpf_latency_name(enum vbpf_latency l);

/* One interval's table: its time, length and lost events, then a row per exit key. */
void vbpf_render_interval(FILE *out, const struct vbpf_names *nm, const struct vbpf_exit_stat *d,
			  size_t n, double secs, uint64_t lost);

/* The end of a live trace: totals over @ns with the tracer's sources and latency mode. */
struct vbpf_summary {
	const struct vbpf_trace *tr;
	const struct vbpf_names *names;
	const struct vbpf_trace_snapshot *snap;
	uint64_t ns;
	enum vbpf_latency latency;
	bool ports;  /* the port and MMIO address table too */
};
void vbpf_render_summary(FILE *out, const struct vbpf_summary *sum);
/* {"tool","version","duration_ns","lost","latency","sources","exits","ports"}; NULL: ENOMEM. */
json_t *vbpf_summary_json(const struct vbpf_summary *sum);

/* The counters of @snap as a node_exporter textfile at @path (atomic rename). 0 or -errno. */
int vbpf_render_prometheus(const char *path, const struct vbpf_names *nm,
			   const struct vbpf_trace_snapshot *snap);

/* The views of a recording. */
enum { VBPF_VIEW_REASON = 1, VBPF_VIEW_VCPU = 2, VBPF_VIEW_TIME = 4 };
/* Its head (host, start, exits over its duration) and @views. 0 or -ENOMEM. */
int vbpf_render_report(FILE *out, const struct vbpf_rec_data *d, unsigned int views);
/* {"tool","version","recording","exits"[,"by_reason"][,"by_vcpu"][,"over_time"]}; NULL: ENOMEM. */
json_t *vbpf_report_json(const struct vbpf_rec_data *d, unsigned int views);
