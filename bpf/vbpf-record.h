/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-record: vhv-trace's SQLite recording (--record DB) and its reader
 * (vhv-trace report DB), through hvcore's hv-store. No libbpf: reports work
 * in BPF=0 builds. The schema (STRICT tables) is documented in vhv-trace(8):
 *   meta(key, value)                  version, host, started (Unix ns), sources,
 *                                     duration (ns, updated every interval)
 *   vms(pid, name)                    the VMM's name while it lived
 *   samples(t_ns, interval_ns, pid, vcpu, kind, reason, count,
 *           lat_count, lat_sum_ns, lat_max_ns, hist)
 * One samples row per (interval, pid, vcpu, kind, reason) that moved; counts
 * are the interval's; kind and reason are names ("user", "IO"); hist is the
 * vbpf-hist text form. t_ns is the end of the interval since the start.
 */
#include <stddef.h>
#include <stdint.h>

#include "bpf/vbpf-stats.h"

struct vbpf_rec;

/*
 * Create (or append to) the recording at @path and set its meta rows
 * (@host, @version, @start_ns; @sources may be NULL). Returns 0 and *out
 * (close with vbpf_rec_close), or -errno (message logged).
 */
int vbpf_rec_open(const char *path, const char *host, const char *version, uint64_t start_ns,
		  const char *sources, struct vbpf_rec **out);
void vbpf_rec_close(struct vbpf_rec *r);
/* Remember the name of process @pid (a VMM). 0 or -errno. */
int vbpf_rec_set_vm(struct vbpf_rec *r, uint32_t pid, const char *name);
/* Append one interval of delta rows, in one transaction. 0 or -errno. */
int vbpf_rec_add(struct vbpf_rec *r, uint64_t t_ns, uint64_t interval_ns,
		 const struct vbpf_exit_stat *rows, size_t n);

struct vbpf_rec_row {
	uint64_t t_ns;
	uint64_t interval_ns;
	struct vbpf_exit_stat s;
};

struct vbpf_rec_vm {
	uint32_t pid;
	char *name;
};

struct vbpf_rec_data {
	char *host;         /* meta values; NULL when absent */
	char *version;
	char *sources;
	uint64_t start_ns;
	uint64_t duration_ns;       /* the end of its last interval */
	struct vbpf_rec_row *rows;  /* ordered by t_ns, pid, vcpu, kind, reason */
	size_t nrows;
	struct vbpf_rec_vm *vms;
	size_t nvms;
	size_t nbad;        /* rows skipped: unknown kind/reason name or bad histogram */
};

/*
 * Read a recording (read-only). Returns 0 and fills *d (free with
 * vbpf_rec_data_free), or -errno: -ENOENT no such file, -EINVAL not a
 * vhv-trace recording (no samples table), -EFBIG more rows than
 * VBPF_REC_MAX_ROWS.
 */
#define VBPF_REC_MAX_ROWS 10000000
int vbpf_rec_load(const char *path, struct vbpf_rec_data *d);
void vbpf_rec_data_free(struct vbpf_rec_data *d);
/* The recorded name of @pid (borrowed), or NULL. */
const char *vbpf_rec_vm_name(const struct vbpf_rec_data *d, uint32_t pid);
