// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-view: which rows to show and in which order. Tree: each VM row then its
 * vCPUs, VMs sorted on the sort column, vCPUs sorted on it within their VM.
 * Flat: vCPU rows only, all VMs mixed. Ties are broken by pid (Xen: domid) then vCPU index,
 * so output is stable (golden tests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "top/top.h"

void top_view_init(struct top_view *v, enum top_hv hv)
{
	unsigned def = hv == TOP_HV_XEN ? TOP_COL_XDEFAULT : TOP_COL_DEFAULT;

	memset(v, 0, sizeof(*v));
	v->hv = hv;
	v->tree = true;
	v->sort = TOP_COL_CPU;
	for (int i = 0; i < TOP_COL_COUNT; i++)
		if (top_col_info(i)->flags & def)
			v->cols[v->ncols++] = i;
}

unsigned top_view_needs(const struct top_view *v)
{
	unsigned needs = TOP_NEED_STAT;

	for (size_t i = 0; i < v->ncols; i++)
		needs |= top_col_info(v->cols[i])->needs;
	/* The sort column is read even when hidden. */
	return needs | top_col_info(v->sort)->needs;
}

bool top_view_has(const struct top_view *v, enum top_col_id id)
{
	for (size_t i = 0; i < v->ncols; i++)
		if (v->cols[i] == id)
			return true;
	return false;
}

void top_view_hide(struct top_view *v, enum top_col_id id)
{
	size_t j = 0;

	for (size_t i = 0; i < v->ncols; i++)
		if (v->cols[i] != id)
			v->cols[j++] = v->cols[i];
	v->ncols = j;
}

static const struct top_view *sort_view;

static int tie(const struct top_row *a, const struct top_row *b)
{
	if (a->vm->pid != b->vm->pid)
		return a->vm->pid < b->vm->pid ? -1 : 1;
	if (a->vm->domid != b->vm->domid)
		return a->vm->domid < b->vm->domid ? -1 : 1;
	if (a->is_vm != b->is_vm)
		return a->is_vm ? -1 : 1;
	return (a->task->vcpu > b->task->vcpu) - (a->task->vcpu < b->task->vcpu);
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;
	int c = top_col_cmp(sort_view->sort, a, b);

	if (sort_view->reverse)
		c = -c;
	return c ? c : tie(a, b);
}

static bool match(const struct top_view *v, const struct top_vm *vm)
{
	return !v->filter[0] || strcasestr(vm->name, v->filter) != NULL;
}

int top_view_rows(const struct top_view *v, const struct top_snap *snap, struct top_row **rows,
		  size_t *n)
{
	struct top_row *r, *vmrows;
	size_t total = 0, k = 0, nvm = 0;

	for (size_t i = 0; i < snap->nvms; i++)
		total += 1 + snap->vms[i].nvcpus;
	r = calloc(total ? total : 1, sizeof(*r));
	vmrows = calloc(snap->nvms ? snap->nvms : 1, sizeof(*vmrows));
	if (!r || !vmrows) {
		free(r);
		free(vmrows);
		return -ENOMEM;
	}
	sort_view = v;
	for (size_t i = 0; i < snap->nvms; i++) {
		const struct top_vm *vm = &snap->vms[i];

		if (!match(v, vm))
			continue;
		vmrows[nvm++] = (struct top_row){ .vm = vm, .task = &vm->proc, .is_vm = true };
	}
	if (!v->tree) {
		for (size_t i = 0; i < nvm; i++)
			for (size_t j = 0; j < vmrows[i].vm->nvcpus; j++)
				r[k++] = (struct top_row){ .vm = vmrows[i].vm,
							   .task = &vmrows[i].vm->vcpus[j] };
		qsort(r, k, sizeof(*r), cmp_rows);
	} else {
		qsort(vmrows, nvm, sizeof(*vmrows), cmp_rows);
		for (size_t i = 0; i < nvm; i++) {
			const struct top_vm *vm = vmrows[i].vm;
			size_t first;

			r[k++] = vmrows[i];
			first = k;
			for (size_t j = 0; j < vm->nvcpus; j++)
				r[k++] = (struct top_row){ .vm = vm, .task = &vm->vcpus[j] };
			qsort(r + first, k - first, sizeof(*r), cmp_rows);
			if (k > first)
				r[k - 1].last = true;
		}
	}
	free(vmrows);
	*rows = r;
	*n = k;
	return 0;
}
