// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-cgroup: which cgroup hierarchies are mounted (v1 "legacy", v2
 * "unified", or systemd's "hybrid": v1 controllers plus an empty v2 tree at
 * /sys/fs/cgroup/unified) and whether the controllers libvirt and QEMU use are
 * usable: cpu, cpuset, memory, io (v1: blkio), pids, devices (v2: an eBPF
 * program, always there with CONFIG_CGROUP_BPF). Sources: the mount table,
 * <v2 root>/cgroup.controllers and cgroup.subtree_control
 * (Documentation/admin-guide/cgroup-v2.rst), /proc/cgroups (v1 enabled column).
 */
#include "probe/probe-platform.h"
#include "probe/probe-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvcore/hv-report.h"
#include "probe/probe-checks.h"

/* The controllers libvirt's QEMU driver places VMs with (src/util/vircgroup.h). */
static const struct {
	const char *v2;
	const char *v1;
} ctrls[] = {
	{ "cpu", "cpu" }, { "cpuset", "cpuset" }, { "memory", "memory" },
	{ "io", "blkio" }, { "pids", "pids" }, { "devices", "devices" },
};

struct cg_mounts {
	const struct probe_mount *v2;  /* the cgroup2 mount, if any */
	size_t nv1;                    /* v1 hierarchies mounted */
};

static void find_cgroups(const struct probe_mounts *m, struct cg_mounts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].fstype, "cgroup2") == 0) {
			/* prefer /sys/fs/cgroup itself over a nested mount */
			if (!c->v2 || strcmp(m->v[i].target, "/sys/fs/cgroup") == 0)
				c->v2 = &m->v[i];
		} else if (strcmp(m->v[i].fstype, "cgroup") == 0) {
			c->nv1++;
		}
	}
}

/*
 * The mount table and the cgroup mounts in it, for both checks. 0, 1 when
 * /proc is missing (the check was skipped with a finding), or -errno.
 */
static int read_cgroups(struct hv_check_ctx *ctx, const struct probe_mounts **m,
			struct cg_mounts *c)
{
	int rc;

	if (probe_platform_need_dir(ctx, "/proc"))
		return 1;
	rc = probe_mounts_get(ctx->data, m);
	if (rc < 0)
		return rc;
	find_cgroups(*m, c);
	return 0;
}

/* Bad-line warning shared by both checks (once, from cgroup.version). */
static void warn_bad_lines(struct hv_check_ctx *ctx, const struct probe_mounts *m)
{
	struct hv_finding *f;

	if (!m->bad)
		return;
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
			  "%zu malformed line%s in %s ignored", m->bad, m->bad == 1 ? "" : "s",
			  m->path);
	hv_finding_hint(f, "the mount table should come from the kernel; was this root "
			   "captured intact?");
	hv_finding_str(f, "path", m->path);
}

int probe_chk_cgroup_version(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_mounts *m;
	struct cg_mounts c;
	struct hv_finding *f;
	int rc;

	rc = read_cgroups(ctx, &m, &c);
	if (rc)
		return rc < 0 ? rc : 0;
	if (c.v2 && !c.nv1) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "cgroup v2 (unified) at %s",
				  c.v2->target);
		hv_finding_str(f, "mode", "v2");
	} else if (c.v2) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "cgroup hybrid: %zu v1 hierarch%s, v2 at %s", c.nv1,
				  c.nv1 == 1 ? "y" : "ies", c.v2->target);
		hv_finding_hint(f, "v1 is deprecated (systemd 256 drops it): boot with "
				   "systemd.unified_cgroup_hierarchy=1 for pure v2");
		hv_finding_str(f, "mode", "hybrid");
	} else if (c.nv1) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "cgroup v1 (legacy): %zu hierarch%s",
				  c.nv1, c.nv1 == 1 ? "y" : "ies");
		hv_finding_hint(f, "v1 is deprecated (systemd 256 drops it): boot with "
				   "systemd.unified_cgroup_hierarchy=1");
		hv_finding_str(f, "mode", "v1");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "no cgroup filesystem is mounted (per %s): libvirt cannot place "
				  "VMs in cgroups",
				  m->path);
		hv_finding_hint(f, "mount -t cgroup2 none /sys/fs/cgroup (systemd does it at boot)");
		hv_finding_str(f, "mode", "none");
	}
	hv_finding_str(f, "source", m->path);
	warn_bad_lines(ctx, m);
	return 0;
}

int probe_chk_cgroup_controllers(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	_cleanup_free_ char *v2list = NULL, *subtree = NULL, *proc_cg = NULL;
	char have[128] = "", missing[128] = "", off[128] = "", undelegated[128] = "";
	const char *mode;
	const struct probe_mounts *m;
	struct cg_mounts c;
	struct hv_finding *f;
	int rc;

	rc = read_cgroups(ctx, &m, &c);
	if (rc)
		return rc < 0 ? rc : 0;
	if (!c.v2 && !c.nv1) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "%s: no cgroup filesystem is mounted",
			      ctx->check->title);
		return 0;
	}
	mode = c.v2 && !c.nv1 ? "v2" : c.v2 ? "hybrid" : "v1";
	if (c.v2) {
		rc = hv_root_read_linef(ctx->root, &v2list, "%s/cgroup.controllers", c.v2->target);
		if (rc < 0 && !c.nv1) {
			f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
					  "cannot read %s/cgroup.controllers: %s", c.v2->target,
					  hv_strerror(-rc));
			hv_finding_hint(f, "is the cgroup2 filesystem mounted there?");
				return 0;
		}
		(void)hv_root_read_linef(ctx->root, &subtree, "%s/cgroup.subtree_control",
					 c.v2->target);
	}
	(void)hv_root_read_maxf(ctx->root, 1u << 20, &proc_cg, "/proc/cgroups");
	for (size_t i = 0; i < HV_ARRAY_SIZE(ctrls); i++) {
		bool ok, v1 = false, v2 = false;
		char *dst;

		/* v1: a hierarchy whose superblock options name the controller */
		for (size_t k = 0; k < m->n && c.nv1; k++)
			if (strcmp(m->v[k].fstype, "cgroup") == 0 &&
			    probe_opt_has(m->v[k].super, ctrls[i].v1))
				v1 = true;
		if (v2list && hv_word_in_list(v2list, ctrls[i].v2))
			v2 = true;
		/* cgroup v2 has no devices controller file: it is an eBPF program */
		if (c.v2 && !c.nv1 && strcmp(ctrls[i].v2, "devices") == 0)
			v2 = true;
		ok = v1 || v2;
		/* /proc/cgroups "enabled" 0: cgroup_disable= on the kernel command line */
		if (!v2 && proc_cg && probe_proc_cgroups_enabled(proc_cg, ctrls[i].v1) == 0)
			dst = off;
		else
			dst = ok ? have : missing;
		snprintf(dst + strlen(dst), sizeof(have) - strlen(dst), "%s%s", dst[0] ? " " : "",
			 ctrls[i].v2);
		if (v2 && !v1 && subtree && strcmp(ctrls[i].v2, "devices") != 0 &&
		    !hv_word_in_list(subtree, ctrls[i].v2))
			snprintf(undelegated + strlen(undelegated),
				 sizeof(undelegated) - strlen(undelegated), "%s%s",
				 undelegated[0] ? " " : "", ctrls[i].v2);
	}
	if (missing[0] || off[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "cgroup controllers libvirt uses are %s (%s): %s%s%s",
				  missing[0] ? "missing" : "disabled", mode, missing,
				  missing[0] && off[0] ? "; disabled: " : "", off);
		hv_finding_hint(f, "%s", off[0] ? "remove cgroup_disable= from the kernel "
						 "command line"
					       : "use a kernel with these controllers "
						 "(CONFIG_CGROUP_*, CONFIG_MEMCG, CONFIG_BLK_CGROUP)");
		hv_finding_str(f, "missing", missing);
		if (off[0])
			hv_finding_str(f, "disabled", off);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "cgroup controllers usable (%s): %s",
				  mode, have);
	}
	hv_finding_str(f, "mode", mode);
	hv_finding_str(f, "controllers", have);
	if (undelegated[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "not enabled for child cgroups at %s: %s", c.v2->target,
				  undelegated);
		hv_finding_hint(f, "systemd enables controllers when a unit asks for them; "
				   "libvirt's machine.slice does");
		hv_finding_str(f, "path", "cgroup.subtree_control");
	}
	return 0;
}
