// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-batch: the rows without curses (-b), as aligned text or one JSON
 * document per iteration (jansson), so scripts and golden tests see exactly
 * what the UI shows.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hvcore/hv-json.h"
#include "top/top.h"

static void count(const struct top_snap *snap, size_t *nvcpu)
{
	*nvcpu = 0;
	for (size_t i = 0; i < snap->nvms; i++)
		*nvcpu += snap->vms[i].nvcpus;
}

void top_batch_print(FILE *fp, const struct top_view *v, const struct top_snap *snap, int width)
{
	struct top_row *rows = NULL;
	size_t n = 0, nvcpu;
	char line[4096], cell[256];

	count(snap, &nvcpu);
	fprintf(fp, "vhv-top - %zu %s%s, %zu vCPU%s, interval %.2f s\n", snap->nvms,
		snap->hv == TOP_HV_XEN ? "domain" : "VM", snap->nvms == 1 ? "" : "s", nvcpu,
		nvcpu == 1 ? "" : "s", snap->interval);
	for (int pass = 0; pass < 2; pass++) {
		size_t lines = pass == 0 ? 1 : 0;

		if (pass == 1 && top_view_rows(v, snap, &rows, &n) < 0)
			return;
		for (size_t r = 0; r < (pass == 0 ? lines : n); r++) {
			size_t o = 0;

			for (size_t c = 0; c < v->ncols; c++) {
				const struct top_col_info *ci = top_col_info(v->cols[c]);
				const char *txt = pass == 0 ? ci->label :
					top_col_format(v->cols[c], &rows[r], v->tree, cell, sizeof(cell));
				int w = ci->width, len;
				bool last = c + 1 == v->ncols;

				if (ci->flags & TOP_COL_RIGHT)
					len = snprintf(line + o, sizeof(line) - o, "%*s", w, txt);
				else if (last)
					len = snprintf(line + o, sizeof(line) - o, "%s", txt);
				else
					len = snprintf(line + o, sizeof(line) - o, "%-*s", w, txt);
				if (len < 0 || (size_t)len >= sizeof(line) - o - 1)
					break;
				o += (size_t)len;
				if (!last)
					line[o++] = ' ';
				line[o] = '\0';
			}
			while (o && line[o - 1] == ' ')
				line[--o] = '\0';
			if (width > 0 && o > (size_t)width)
				line[width] = '\0';
			fprintf(fp, "%s\n", line);
		}
	}
	free(rows);
}

/*
 * A JSON string; text that is not valid UTF-8 (jansson refuses it, and the
 * key went missing) is given hv_esc'd, its bad bytes as "\\xHH".
 */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	char *e;

	if (j)
		return j;
	e = hv_esc(s, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12"
		   "\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f");
	j = e ? json_string(e) : NULL;
	free(e);
	return j;
}

static json_t *cell_json(enum top_col_id id, const struct top_row *r, bool tree)
{
	char scratch[256];
	struct top_val v;

	/* JSON names are flat: the tree decoration is layout, not data. */
	top_col_value(id, r, false, scratch, sizeof(scratch), &v);
	if (id == TOP_COL_NAME)
		return json_text(r->vm->name);
	switch (v.kind) {
	case TOP_VAL_NUM:
		if (v.integer)
			return json_integer((json_int_t)v.num);
		return json_real(round(v.num * 100.0) / 100.0);
	case TOP_VAL_STR:
		return json_text(v.str);
	default:
		return json_null();
	}
}

static json_t *row_json(const struct top_view *v, const struct top_row *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (r->is_vm && r->vm->xen) {
		json_object_set_new(o, "name", json_string(r->vm->name));
		json_object_set_new(o, "domid", json_integer(r->vm->domid));
		json_object_set_new(o, "type", r->vm->type ? json_string(r->vm->type) : json_null());
		json_object_set_new(o, "nvcpu", json_integer((json_int_t)r->vm->nvcpus));
		json_object_set_new(o, "online_vcpus", json_integer(r->vm->online_vcpus));
	} else if (r->is_vm) {
		json_object_set_new(o, "name", json_string(r->vm->name));
		json_object_set_new(o, "pid", json_integer(r->vm->pid));
		json_object_set_new(o, "accel", json_string(r->vm->accel == HV_ACCEL_TCG ? "TCG" : "KVM"));
		json_object_set_new(o, "nvcpu", json_integer((json_int_t)r->vm->nvcpus));
	} else {
		json_object_set_new(o, "vcpu", json_integer(r->task->vcpu));
		if (!r->vm->xen)
			json_object_set_new(o, "tid",
					    r->task->tid ? json_integer(r->task->tid) : json_null());
	}
	for (size_t c = 0; c < v->ncols; c++) {
		const struct top_col_info *ci = top_col_info(v->cols[c]);

		if (json_object_get(o, ci->id))
			continue;
		if (!(ci->flags & (r->vm->xen ? TOP_COL_XEN : TOP_COL_KVM)))
			continue;  /* the other hypervisor's */
		if (r->is_vm && (ci->flags & TOP_COL_VCPUONLY))
			continue;  /* the vCPU's, not the VM's */
		if (!r->is_vm && (ci->flags & TOP_COL_VMONLY || v->cols[c] == TOP_COL_NAME))
			continue;  /* the VM's, not the vCPU's */
		json_object_set_new(o, ci->id, cell_json(v->cols[c], r, v->tree));
	}
	return o;
}

int top_json_print(FILE *fp, const struct top_view *v, const struct top_snap *snap,
		   const char *const *notes)
{
	struct top_view tv = *v;
	struct top_row *rows = NULL;
	size_t n = 0;
	json_t *doc, *vms, *jn, *cur = NULL;
	int rc = 0;

	tv.tree = true;  /* JSON always nests vCPUs in their VM */
	if (top_view_rows(&tv, snap, &rows, &n) < 0)
		return -ENOMEM;
	doc = hv_json_doc("vhv-top");
	vms = json_array();
	jn = json_array();
	if (!doc || !vms || !jn) {
		rc = -ENOMEM;
		goto out;
	}
	json_object_set_new(doc, "hypervisor", json_string(snap->hv == TOP_HV_XEN ? "xen" : "kvm"));
	json_object_set_new(doc, "time", json_real(round((double)snap->real_ns / 1e6) / 1e3));
	json_object_set_new(doc, "interval", json_real(round(snap->interval * 1000.0) / 1000.0));
	for (size_t i = 0; i < n; i++) {
		json_t *o = row_json(&tv, &rows[i]);

		if (!o) {
			rc = -ENOMEM;
			goto out;
		}
		if (rows[i].is_vm) {
			cur = json_array();
			json_object_set_new(o, "vcpus", cur);
			json_array_append_new(vms, o);
		} else if (cur) {
			json_array_append_new(cur, o);
		} else {
			json_decref(o);
		}
	}
	json_object_set_new(doc, "vms", vms);
	vms = NULL;
	for (size_t i = 0; notes && notes[i]; i++)
		json_array_append_new(jn, hv_json_str(notes[i]));
	json_object_set_new(doc, "notes", jn);
	jn = NULL;
	/* one compact document per refresh: a stream of JSON lines */
	rc = hv_json_print(fp, doc, true);
out:
	json_decref(vms);
	json_decref(jn);
	json_decref(doc);
	free(rows);
	return rc;
}
