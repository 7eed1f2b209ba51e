// SPDX-License-Identifier: GPL-2.0-or-later
/* vbpf-stats: deltas and grouping of exit aggregates (see vbpf-stats.h). */
#include "bpf/vbpf-stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "hvcore/hv-util.h"

int vbpf_stat_cmp(const void *a, const void *b)
{
	const struct vbpf_exit_stat *x = a, *y = b;

	return HV_CMP(x->pid, y->pid) ?: HV_CMP(x->vcpu, y->vcpu) ?: HV_CMP(x->kind, y->kind) ?:
	       HV_CMP(x->reason, y->reason);
}

void vbpf_stat_add(struct vbpf_exit_stat *dst, const struct vbpf_exit_stat *src)
{
	dst->count += src->count;
	dst->lat_count += src->lat_count;
	dst->lat_sum_ns += src->lat_sum_ns;
	if (src->lat_max_ns > dst->lat_max_ns)
		dst->lat_max_ns = src->lat_max_ns;
	for (int i = 0; i < VBPF_HIST_SLOTS; i++)
		dst->hist[i] += src->hist[i];
}

ssize_t vbpf_stats_delta(const struct vbpf_exit_stat *prev, size_t nprev,
			 const struct vbpf_exit_stat *cur, size_t ncur, struct vbpf_exit_stat **out)
{
	struct vbpf_exit_stat *d;
	size_t i = 0, n = 0;

	*out = NULL;
	if (!ncur)
		return 0;
	d = calloc(ncur, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t j = 0; j < ncur; j++) {
		const struct vbpf_exit_stat *c = &cur[j], *p = NULL;
		struct vbpf_exit_stat *r;

		while (i < nprev && vbpf_stat_cmp(&prev[i], c) < 0)
			i++;
		if (i < nprev && vbpf_stat_cmp(&prev[i], c) == 0)
			p = &prev[i];
		if (p && p->count == c->count && p->lat_count == c->lat_count)
			continue;
		r = &d[n++];
		*r = *c;
		if (!p)
			continue;
		/* Cumulative counters only grow; guard anyway (a map entry re-created). */
		r->count = c->count >= p->count ? c->count - p->count : c->count;
		r->lat_count = c->lat_count >= p->lat_count ? c->lat_count - p->lat_count : c->lat_count;
		r->lat_sum_ns = c->lat_sum_ns >= p->lat_sum_ns ? c->lat_sum_ns - p->lat_sum_ns : c->lat_sum_ns;
		for (int k = 0; k < VBPF_HIST_SLOTS; k++)
			r->hist[k] = c->hist[k] >= p->hist[k] ? c->hist[k] - p->hist[k] : c->hist[k];
	}
	if (!n) {
		free(d);
		return 0;
	}
	*out = d;
	return (ssize_t)n;
}

static int cmp_count(const void *a, const void *b)
{
	const struct vbpf_exit_stat *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return vbpf_stat_cmp(a, b);
}

ssize_t vbpf_stats_group(const struct vbpf_exit_stat *rows, size_t n, unsigned int by,
			 struct vbpf_exit_stat **out)
{
	struct vbpf_exit_stat *g, key;
	size_t ng = 0;

	*out = NULL;
	if (!n)
		return 0;
	g = calloc(n, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		memset(&key, 0, sizeof(key));
		key.pid = by & VBPF_GROUP_PID ? rows[i].pid : 0;
		key.vcpu = by & VBPF_GROUP_VCPU ? rows[i].vcpu : -1;
		if (by & VBPF_GROUP_REASON) {
			key.kind = rows[i].kind;
			key.reason = rows[i].reason;
		}
		/* Linear search: reports group a few hundred keys at most. */
		for (j = 0; j < ng; j++)
			if (vbpf_stat_cmp(&g[j], &key) == 0)
				break;
		if (j == ng)
			g[ng++] = key;
		vbpf_stat_add(&g[j], &rows[i]);
	}
	qsort(g, ng, sizeof(*g), cmp_count);
	*out = g;
	return (ssize_t)ng;
}
