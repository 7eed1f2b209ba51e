// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-common: environment checks and helpers shared by bpf/'s loaders.
 * libbpf itself reads /sys/kernel/btf and tracefs; our own host reads go
 * through struct hv_root.
 */
#include "bpf/vbpf-internal.h"
#include "bpf/vbpf.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

bool vbpf_built(void)
{
	return true;
}

/* One hv_log line per line: a verifier log arrives as one message of many lines. */
HV_PRINTF(2, 0) static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char *buf, *line, *save = NULL;
	int prio = level == LIBBPF_WARN ? HV_LOG_INFO : HV_LOG_DEBUG;

	if (prio > hv_log_get_priority())
		return 0;
	if (vasprintf(&buf, fmt, args) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		hv_log(prio, "libbpf: %s", line);
	free(buf);
	return 0;
}

void vbpf_setup_log(void)
{
	libbpf_set_print(libbpf_log);
}

static char *xen_type(const struct hv_root *root)
{
	char *s = NULL;

	if (hv_root_read_linef(root, &s, "/sys/hypervisor/type") < 0)
		return NULL;
	return s;
}

/* /sys/kernel/security/lockdown reads "none [integrity] confidentiality". */
static bool lockdown_confidential(const struct hv_root *root)
{
	_cleanup_free_ char *s = NULL;

	if (hv_root_read_linef(root, &s, "/sys/kernel/security/lockdown") < 0)
		return false;
	return strstr(s, "[confidentiality]") != NULL;
}

int vbpf_check_env(const struct hv_root *root, char **reason)
{
	char *xen;

	/* First, as it holds for a captured root of a Xen host too. */
	xen = xen_type(root);
	if (xen && !strcmp(xen, "xen") && hv_root_existsf(root, "/proc/xen") == 0) {
		free(xen);
		*reason = hv_asprintf("Xen host: VM exits happen inside the hypervisor and are not "
				      "visible to dom0 eBPF; use xentrace and xenalyze");
		return -EOPNOTSUPP;
	}
	free(xen);
	if (!hv_root_is_live(root)) {
		*reason = hv_asprintf("BPF tracing needs the live host, not a --sysroot");
		return -EOPNOTSUPP;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() == 0 &&
	    !capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN) &&
	    !(capng_have_capability(CAPNG_EFFECTIVE, CAP_BPF) &&
	      capng_have_capability(CAPNG_EFFECTIVE, CAP_PERFMON))) {
		*reason = hv_asprintf("needs root (CAP_BPF and CAP_PERFMON)");
		return -EPERM;
	}
	if (lockdown_confidential(root)) {
		*reason = hv_asprintf("kernel lockdown (confidentiality) forbids BPF tracing");
		return -EPERM;
	}
	return 0;
}

/* A module whose BTF may hold kvm tracepoints: kvm, kvm_amd, kvm_intel, kvm_pvm. */
static bool kvm_module_name(const char *name)
{
	return !strcmp(name, "kvm") || !strncmp(name, "kvm_", 4);
}

int vbpf_kbtf_load(const struct hv_root *root, struct vbpf_kbtf *kb)
{
	struct dirent *de;
	DIR *d;

	memset(kb, 0, sizeof(*kb));
	kb->vmlinux = btf__load_vmlinux_btf();
	if (!kb->vmlinux || libbpf_get_error(kb->vmlinux)) {
		hv_dbg("no kernel BTF: %s", strerror(errno));
		kb->vmlinux = NULL;
		return -ENOENT;
	}
	d = hv_root_opendirf(root, "/sys/kernel/btf");
	if (!d)
		return 0;
	while ((de = readdir(d)) && kb->nmods < VBPF_KBTF_MAX_MODS) {
		struct btf *m;

		if (!kvm_module_name(de->d_name))
			continue;
		m = btf__load_module_btf(de->d_name, kb->vmlinux);
		if (!m || libbpf_get_error(m)) {
			hv_dbg("BTF of module %s: %s", de->d_name, strerror(errno));
			continue;
		}
		kb->mods[kb->nmods++] = m;
	}
	closedir(d);
	return 0;
}

void vbpf_kbtf_free(struct vbpf_kbtf *kb)
{
	if (!kb)
		return;
	for (int i = 0; i < kb->nmods; i++)
		btf__free(kb->mods[i]);
	btf__free(kb->vmlinux);
	memset(kb, 0, sizeof(*kb));
}

int vbpf_kbtf_find(const struct vbpf_kbtf *kb, const char *name, int kind,
		   const struct btf **where)
{
	int id;

	if (!kb || !kb->vmlinux)
		return -ENOENT;
	/* A module's split BTF holds vmlinux's types too: vmlinux is searched first. */
	id = btf__find_by_name_kind(kb->vmlinux, name, kind);
	if (id > 0) {
		if (where)
			*where = kb->vmlinux;
		return id;
	}
	for (int i = 0; i < kb->nmods; i++) {
		id = btf__find_by_name_kind(kb->mods[i], name, kind);
		if (id > 0) {
			if (where)
				*where = kb->mods[i];
			return id;
		}
	}
	return -ENOENT;
}

int vbpf_tracefs_ready(const struct hv_root *root)
{
	if (hv_root_existsf(root, "/sys/kernel/tracing/events") == 0 ||
	    hv_root_existsf(root, "/sys/kernel/debug/tracing/events") == 0)
		return 0;
	if (!hv_root_is_live(root) || hv_root_existsf(root, "/sys/kernel/tracing") < 0)
		return -ENOENT;
	/* A fresh machine may not mount tracefs; classic tracepoints need its event ids. */
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0) {
		hv_dbg("mount tracefs on /sys/kernel/tracing: %s", strerror(errno));
		return -ENOENT;
	}
	hv_info("mounted tracefs on /sys/kernel/tracing");
	return hv_root_existsf(root, "/sys/kernel/tracing/events") == 0 ? 0 : -ENOENT;
}

bool vbpf_tp_exists(const struct hv_root *root, const struct vbpf_kbtf *kb, const char *sys,
		    const char *name)
{
	char tname[128];

	if (kb && kb->vmlinux) {
		snprintf(tname, sizeof(tname), "btf_trace_%s", name);
		return vbpf_kbtf_find(kb, tname, BTF_KIND_TYPEDEF, NULL) > 0;
	}
	if (vbpf_tracefs_ready(root) < 0)
		return false;
	return hv_root_existsf(root, "/sys/kernel/tracing/events/%s/%s", sys, name) == 0 ||
	       hv_root_existsf(root, "/sys/kernel/debug/tracing/events/%s/%s", sys, name) == 0;
}

bool vbpf_raw_tp_proto_ok(const struct vbpf_kbtf *kb, const char *name, int nargs,
			  const int *sizes)
{
	const struct btf_type *t;
	const struct btf_param *p;
	const struct btf *btf;
	char tname[128];
	int id;

	if (!kb || !kb->vmlinux)
		return true;
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = vbpf_kbtf_find(kb, tname, BTF_KIND_TYPEDEF, &btf);
	if (id < 0)
		return false;
	/* typedef void (*btf_trace_NAME)(void *__data, ARGS...) */
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || (nargs >= 0 && btf_vlen(t) != nargs + 1))
		return false;
	p = btf_params(t);
	for (int i = 0; i < nargs; i++) {
		if (sizes[i] && btf__resolve_size(btf, p[i + 1].type) != sizes[i]) {
			hv_dbg("%s: argument %d is not %d bytes wide", tname, i, sizes[i]);
			return false;
		}
	}
	return true;
}

char *vbpf_load_error(const struct hv_root *root, int err, const char *what)
{
	if (err < 0)
		err = -err;
	if ((err == EPERM || err == EACCES) && lockdown_confidential(root))
		return hv_asprintf("%s: kernel lockdown (confidentiality) forbids BPF tracing", what);
	if (err == EPERM || err == EACCES)
		return hv_asprintf("%s: permission denied (needs root: CAP_BPF and CAP_PERFMON)",
				   what);
	return hv_asprintf("%s: %s (run with --verbose for libbpf's log)", what, strerror(err));
}

int vbpf_ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n < 1 ? -EINVAL : n;
}

/*
 * Before Linux 6.5 every bpf(2) command checked bpf_capable() when unprivileged
 * BPF is disabled (Debian's default), so map reads need CAP_BPF kept.
 */
static bool map_reads_need_cap_bpf(void)
{
	struct utsname u;
	unsigned int maj = 0, min = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return true;
	return maj < 6 || (maj == 6 && min < 5);
}

int vbpf_drop_privileges(char **reason)
{
	int rc;

	capng_clear(CAPNG_SELECT_BOTH);
	if (map_reads_need_cap_bpf())
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_BPF);
	rc = capng_apply(CAPNG_SELECT_BOTH);
	if (rc < 0) {
		if (reason)
			*reason = hv_asprintf("could not drop capabilities (libcap-ng error %d)", rc);
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		if (reason)
			*reason = hv_asprintf("PR_SET_NO_NEW_PRIVS: %s", strerror(-rc));
		return rc;
	}
	return 0;
}
