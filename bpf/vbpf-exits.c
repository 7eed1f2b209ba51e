// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-exits: loader of exits.bpf.c (per-thread exit counters for vhv-top).
 * libbpf-tools lifecycle: open -> choose programs (autoload) -> load -> attach.
 */
#include "bpf/vbpf-exits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

#include "bpf/exits.h"
#include "bpf/exits.skel.h"
#include "bpf/vbpf-internal.h"

struct vbpf_exits {
	struct exits_bpf *skel;
	const volatile struct exits_val *vals;  /* the map, mmap'd read-only */
	size_t map_len;
	bool has_hw;          /* sticky: a kvm_exit event was seen */
};

#define MAP_BYTES (sizeof(struct exits_val) * EXITS_SLOTS)

void vbpf_exits_close(struct vbpf_exits *ex)
{
	if (!ex)
		return;
	if (ex->vals)
		munmap((void *)ex->vals, ex->map_len);
	exits_bpf__destroy(ex->skel);
	free(ex);
}

int vbpf_exits_open(const struct hv_root *root, struct vbpf_exits **out, char **reason)
{
	struct vbpf_exits *ex = NULL;
	struct vbpf_kbtf kb = { 0 };
	char *why = NULL;
	bool have_user, have_hw;
	int rc;

	*out = NULL;
	vbpf_setup_log();
	rc = vbpf_check_env(root, &why);
	if (rc < 0)
		goto out;
	ex = calloc(1, sizeof(*ex));
	if (!ex) {
		rc = -ENOMEM;
		goto out;
	}

	/* Only programs whose tracepoints exist are loaded (raw_tp needs no tracefs). */
	vbpf_kbtf_load(root, &kb);	/* none: tracefs tells */
	have_user = vbpf_tp_exists(root, &kb, "kvm", "kvm_userspace_exit");
	have_hw = vbpf_tp_exists(root, &kb, "kvm", "kvm_exit");
	if (!have_user && !have_hw) {
		why = hv_asprintf("no kvm tracepoints in this kernel (is the kvm module loaded?)");
		rc = -EOPNOTSUPP;
		goto out;
	}
	ex->skel = exits_bpf__open();
	if (!ex->skel) {
		rc = -errno;
		why = vbpf_load_error(root, rc, "opening the BPF object");
		goto out;
	}
	bpf_program__set_autoload(ex->skel->progs.vhv_exits_user, have_user);
	bpf_program__set_autoload(ex->skel->progs.vhv_exits_hw, have_hw);
	rc = exits_bpf__load(ex->skel);
	if (rc < 0) {
		why = vbpf_load_error(root, rc, "loading the BPF programs");
		goto out;
	}
	/* Reads are plain memory loads: no syscall per thread per tick. */
	ex->map_len = MAP_BYTES;
	ex->vals = mmap(NULL, ex->map_len, PROT_READ, MAP_SHARED,
			bpf_map__fd(ex->skel->maps.exits), 0);
	if (ex->vals == MAP_FAILED) {
		ex->vals = NULL;
		rc = -errno;
		why = vbpf_load_error(root, rc, "mapping the counters");
		goto out;
	}
	/* Links go into the skeleton, so exits_bpf__destroy() detaches them. */
	if (have_user && !(ex->skel->links.vhv_exits_user =
				   bpf_program__attach(ex->skel->progs.vhv_exits_user))) {
		rc = -errno;
		why = vbpf_load_error(root, rc, "attaching to kvm:kvm_userspace_exit");
		goto out;
	}
	if (have_hw && !(ex->skel->links.vhv_exits_hw =
				 bpf_program__attach(ex->skel->progs.vhv_exits_hw))) {
		rc = -errno;
		why = vbpf_load_error(root, rc, "attaching to kvm:kvm_exit");
		goto out;
	}
	rc = 0;
	*out = ex;
	ex = NULL;
out:
	vbpf_kbtf_free(&kb);
	vbpf_exits_close(ex);
	if (rc < 0 && reason)
		*reason = why ? why : hv_asprintf("%s", strerror(-rc));
	else
		free(why);
	return rc;
}

/* A consistent copy of slot @i (re-read when the owner changed meanwhile). */
static bool read_slot(const struct vbpf_exits *ex, uint32_t i, struct vbpf_exit_count *c)
{
	for (int tries = 0; tries < 3; tries++) {
		uint64_t tag = ex->vals[i].tag;

		if (!tag)
			return false;
		c->user_exits = ex->vals[i].user;
		c->hw_exits = ex->vals[i].hw;
		if (ex->vals[i].tag == tag) {
			c->pid = (uint32_t)(tag >> 32);
			c->tid = (uint32_t)tag;
			return true;
		}
	}
	return false;
}

int vbpf_exits_lookup(struct vbpf_exits *ex, uint32_t tid, struct vbpf_exit_count *out)
{
	if (!ex || !out)
		return -EINVAL;
	if (!read_slot(ex, tid & (EXITS_SLOTS - 1), out) || out->tid != tid)
		return -ENOENT;
	if (out->hw_exits)
		ex->has_hw = true;
	return 0;
}

int vbpf_exits_read(struct vbpf_exits *ex, struct vbpf_exit_count **out, size_t *n)
{
	struct vbpf_exit_count *v = NULL, *nv, c;
	size_t len = 0, cap = 0;

	if (!ex || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	for (uint32_t i = 0; i < EXITS_SLOTS; i++) {
		if (!read_slot(ex, i, &c))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		if (c.hw_exits)
			ex->has_hw = true;
		v[len++] = c;
	}
	*out = v;
	*n = len;
	return 0;
}

bool vbpf_exits_has_hw(struct vbpf_exits *ex)
{
	return ex && ex->has_hw;
}
