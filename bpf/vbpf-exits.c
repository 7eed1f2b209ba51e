// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-exits: loader of exits.bpf.c (per-thread exit counters for vhv-top).
 * libbpf-tools lifecycle: open -> choose programs (autoload) -> load -> attach.
 */
#include "bpf/vbpf-exits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	int ncpus;
	bool has_hw;          /* sticky: a kvm_exit event was seen */
	struct exits_val *vals; /* ncpus slots, reused by every lookup */
};

void vbpf_exits_close(struct vbpf_exits *ex)
{
	if (!ex)
		return;
	exits_bpf__destroy(ex->skel);
	free(ex->vals);
	free(ex);
}

int vbpf_exits_open(const struct hv_root *root, struct vbpf_exits **out, char **reason)
{
	struct vbpf_exits *ex = NULL;
	struct btf *btf = NULL;
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
	rc = vbpf_ncpus();
	if (rc < 0)
		goto out;
	ex->ncpus = rc;
	ex->vals = calloc((size_t)ex->ncpus, sizeof(*ex->vals));
	if (!ex->vals) {
		rc = -ENOMEM;
		goto out;
	}

	/* Only programs whose tracepoints exist are loaded (raw_tp needs no tracefs). */
	btf = vbpf_kernel_btf();
	have_user = vbpf_tp_exists(root, btf, "kvm", "kvm_userspace_exit");
	have_hw = vbpf_tp_exists(root, btf, "kvm", "kvm_exit");
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
	btf__free(btf);
	vbpf_exits_close(ex);
	if (rc < 0 && reason)
		*reason = why ? why : hv_asprintf("%s", strerror(-rc));
	else
		free(why);
	return rc;
}

static void sum(const struct vbpf_exits *ex, uint32_t tid, struct vbpf_exit_count *c)
{
	memset(c, 0, sizeof(*c));
	c->tid = tid;
	for (int i = 0; i < ex->ncpus; i++) {
		if (ex->vals[i].pid)
			c->pid = ex->vals[i].pid;
		c->user_exits += ex->vals[i].user;
		c->hw_exits += ex->vals[i].hw;
	}
}

int vbpf_exits_lookup(struct vbpf_exits *ex, uint32_t tid, struct vbpf_exit_count *out)
{
	if (!ex || !out)
		return -EINVAL;
	if (bpf_map__lookup_elem(ex->skel->maps.exits, &tid, sizeof(tid), ex->vals,
				 sizeof(*ex->vals) * (size_t)ex->ncpus, 0) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	sum(ex, tid, out);
	if (out->hw_exits)
		ex->has_hw = true;
	return 0;
}

int vbpf_exits_read(struct vbpf_exits *ex, struct vbpf_exit_count **out, size_t *n)
{
	struct vbpf_exit_count *v = NULL, *nv;
	size_t len = 0, cap = 0;
	uint32_t key, next;
	void *prev = NULL;
	int rc;

	if (!ex || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	while (bpf_map__get_next_key(ex->skel->maps.exits, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > EXITS_MAX_THREADS * 2) /* the map cannot hold more; a bug otherwise */
				break;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		rc = vbpf_exits_lookup(ex, key, &v[len]);
		if (rc == -ENOENT) /* aged out between the two calls */
			continue;
		if (rc < 0) {
			free(v);
			return rc;
		}
		len++;
	}
	*out = len ? v : NULL;
	if (!len)
		free(v);
	*n = len;
	return 0;
}

bool vbpf_exits_has_hw(struct vbpf_exits *ex)
{
	return ex && ex->has_hw;
}
