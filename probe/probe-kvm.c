// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-kvm: the KVM side of the host: the modules (loaded, built in, or
 * installed for the kernel, found through hvcore/hv-mod), whether their files were
 * built for the running kernel, the parameters that change what guests get,
 * the backend (VMX, SVM, PVM), /dev/kvm, and the functional probe of
 * hv_root_kvm_probe(): a guest really runs to its first HLT exit.
 */
#include "probe/probe-internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "probe/probe-checks.h"

/* uapi/linux/kvm.h; also in /sys/class/misc/kvm/dev. */
#define KVM_MISC_MAJOR 10
#define KVM_MINOR 232
#define KVM_API_VERSION_WANT 12
#define KVM_EXIT_HLT_NR 5

#define N_KMODS 4
/* The modules that make KVM on x86 (arm64: kvm only, always built in). */
static const char *const kmod_names[N_KMODS] = { "kvm", "kvm_intel", "kvm_amd", "kvm_pvm" };

enum mod_where {
	MOD_MISSING,
	MOD_LOADED,
	MOD_BUILTIN,
	MOD_ONDISK,   /* installed under /lib/modules/<release>, not loaded */
};

struct kmod_info {
	enum mod_where where;
	char path[512];      /* inside the root ("/lib/modules/.../kvm.ko"), "" when none */
	char vermagic[128];  /* the file's vermagic, "" when unread */
};

struct probe_kvm {
	bool mods_done;
	int mods_err;
	char release[128];   /* the kernel the modules are checked for */
	bool release_guessed;/* offline: the newest /lib/modules entry */
	bool moddir;         /* /lib/modules/<release> exists */
	struct kmod_info mods[N_KMODS];
	bool probe_done;
	int probe_rc;
	struct hv_kvm_probe probe;
};

void probe_kvm_free(struct probe_kvm *k)
{
	free(k);
}

/* Does this kernel load modules at all? ("nomodule", or no /lib/modules/<release>) */
bool probe_loads_modules(const struct hv_root *r)
{
	_cleanup_free_ char *cmd = NULL;
	struct utsname u;

	if (hv_root_read_linef(r, &cmd, "/proc/cmdline") == 0) {
		char *dd = strstr(cmd, " -- ");

		if (dd)
			*dd = '\0';  /* the rest goes to init */
		if (hv_word_in_list(cmd, "nomodule"))
			return false;
	}
	if (hv_root_uname(r, &u) == 0 && hv_root_existsf(r, "/lib/modules/%s", u.release) < 0 &&
	    hv_root_existsf(r, "/usr/lib/modules/%s", u.release) < 0)
		return false;
	return true;
}

static struct probe_state *state(struct hv_check_ctx *ctx)
{
	return ctx->data;
}

static struct probe_kvm *kvm_state(struct probe_state *st)
{
	if (!st->kvm)
		st->kvm = calloc(1, sizeof(*st->kvm));
	return st->kvm;
}

static int release_newest(const struct hv_root *root, char *out, size_t len)
{
	DIR *d = hv_root_opendirf(root, "/lib/modules");
	struct dirent *de;

	if (!d)
		return -errno;
	out[0] = '\0';
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= len)
			continue;
		if (!out[0] || strverscmp(de->d_name, out) > 0)
			memcpy(out, de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	return out[0] ? 0 : -ENOENT;
}

static int mods_scan(const struct hv_root *root, struct probe_kvm *k)
{
	struct hv_moddir *md = NULL;
	struct utsname u;
	int rc;

	rc = hv_root_uname(root, &u);
	if (rc == 0) {
		snprintf(k->release, sizeof(k->release), "%s", u.release);
	} else if (rc == -EOPNOTSUPP) {
		rc = release_newest(root, k->release, sizeof(k->release));
		if (rc < 0)
			return rc == -ENOENT ? -ENOENT : rc;
		k->release_guessed = true;
	} else {
		return rc;
	}
	rc = hv_moddir_new(root, k->release, &md);
	if (rc == -ENOMEM)
		return rc;
	k->moddir = rc == 0;
	for (int i = 0; i < N_KMODS; i++) {
		struct kmod_info *m = &k->mods[i];
		enum hv_mod_state live = hv_root_kind(root) == HV_ROOT_OFFLINE ?
			HV_MOD_ABSENT : hv_mod_live(root, kmod_names[i]);
		enum hv_mod_state disk = md ? hv_moddir_find(md, kmod_names[i], m->path,
							     sizeof(m->path)) : HV_MOD_UNKNOWN;
		_cleanup_free_ uint8_t *img = NULL;
		size_t len;

		if (disk == HV_MOD_BUILTIN || live == HV_MOD_BUILTIN) {
			m->where = MOD_BUILTIN;
			m->path[0] = '\0';
			continue;
		}
		if (live == HV_MOD_LOADED)
			m->where = MOD_LOADED;
		if (disk != HV_MOD_ON_DISK) {
			m->path[0] = '\0';
			continue;
		}
		/* The file, read through the root: its links and ".." stay inside it. */
		if (hv_root_existsf(root, "%s", m->path) < 0) {
			m->path[0] = '\0';
			continue;
		}
		if (hv_mod_read(root, m->path, &img, &len) == 0)
			hv_mod_vermagic(img, len, m->vermagic, sizeof(m->vermagic));
		if (m->where == MOD_MISSING)
			m->where = MOD_ONDISK;
	}
	hv_moddir_free(md);
	return 0;
}

static int mods_get(struct hv_check_ctx *ctx, struct probe_kvm **out)
{
	struct probe_kvm *k = kvm_state(state(ctx));

	if (!k)
		return -ENOMEM;
	if (!k->mods_done) {
		k->mods_err = mods_scan(ctx->root, k);
		k->mods_done = k->mods_err != -ENOMEM;
		if (k->mods_err == -ENOMEM)
			return -ENOMEM;
	}
	*out = k;
	return k->mods_err;
}

static const char *const where_names[] = {
	[MOD_MISSING] = "missing", [MOD_LOADED] = "loaded",
	[MOD_BUILTIN] = "builtin", [MOD_ONDISK] = "installed",
};

/* Is the vendor module @i expected, given the CPU? */
static bool vendor_expected(const struct probe_cpu *c, int i)
{
	if (!c)
		return i == 0;
	if (i == 0)
		return c->arch == PROBE_ARCH_ARM64 || probe_cpu_has(c, "vmx") ||
		       probe_cpu_has(c, "svm");
	if (i == 1)
		return probe_cpu_has(c, "vmx");
	if (i == 2)
		return probe_cpu_has(c, "svm");
	return false;
}

int probe_chk_kvm_modules(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	bool offline = hv_root_kind(ctx->root) == HV_ROOT_OFFLINE;
	const struct probe_cpu *c = NULL;
	struct probe_kvm *k;
	int nf = 0;
	bool arm;
	int rc = mods_get(ctx, &k);

	if (rc < 0)
		return rc;
	probe_cpu_get(state(ctx), &c);
	arm = c && c->arch == PROBE_ARCH_ARM64;
	for (int i = 0; i < N_KMODS; i++) {
		const struct kmod_info *m = &k->mods[i];
		const char *name = kmod_names[i];
		bool expected = vendor_expected(c, i);
		struct hv_finding *f = NULL;

		if (arm && i > 0)
			break;
		switch (m->where) {
		case MOD_LOADED:
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is loaded%s%s", name,
					  m->path[0] ? " from " : "", m->path);
			break;
		case MOD_BUILTIN:
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is built into kernel %s",
					  name, k->release);
			break;
		case MOD_ONDISK:
			if (offline)
				f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s is installed: %s",
						  name, m->path);
			else if (expected) {
				f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
						  "%s is installed but not loaded: %s", name, m->path);
				hv_finding_hint(f, "modprobe %s; if it fails, dmesg says why (e.g. "
						   "VT-x/AMD-V disabled in firmware)", name);
			} else {
				f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
						  "%s is installed but not loaded%s: %s", name,
						  i == 1 ? " (the CPU shows no vmx)" :
						  i == 2 ? " (the CPU shows no svm)" : "", m->path);
			}
			break;
		case MOD_MISSING:
			if (!expected)
				continue;
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "%s is not loaded, not built in and not installed for %s",
					  name, k->release);
			hv_finding_hint(f, "install the modules of kernel %s (Debian: the linux-image "
					   "package), or boot a kernel with CONFIG_KVM", k->release);
			break;
		}
		nf++;
		hv_finding_str(f, "module", name);
		hv_finding_str(f, "state", where_names[m->where]);
		hv_finding_str(f, "kernel", k->release);
		if (m->path[0])
			hv_finding_str(f, "path", m->path);
	}
	if (!nf) {
		struct hv_finding *f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
			"no KVM module is loaded, built in or installed for %s", k->release);

		hv_finding_str(f, "kernel", k->release);
	}
	return 0;
}

int probe_chk_kvm_vermagic(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c = NULL;
	struct probe_kvm *k;
	struct hv_finding *f;
	char ok[512] = "";
	int nfiles = 0, nbad = 0, nloaded = 0;
	int rc = mods_get(ctx, &k);

	if (rc < 0)
		return rc;
	probe_cpu_get(state(ctx), &c);
	for (int i = 0; i < N_KMODS; i++)
		nloaded += k->mods[i].where == MOD_LOADED;
	if (!k->moddir) {
		if (nloaded) {
			f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
					  "/lib/modules/%s is missing: the running kernel's modules "
					  "are not installed", k->release);
			hv_finding_hint(f, "the kernel package was removed or upgraded without a "
					   "reboot: reboot, or reinstall the modules of %s", k->release);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "no /lib/modules/%s: this kernel loads no modules, KVM is "
					  "built in", k->release);
		}
		hv_finding_str(f, "kernel", k->release);
		return 0;
	}
	for (int i = 0; i < N_KMODS; i++) {
		const struct kmod_info *m = &k->mods[i];
		char want[160];
		size_t wl;

		if (!m->path[0] || !m->vermagic[0])
			continue;
		nfiles++;
		snprintf(want, sizeof(want), "%s", m->vermagic);
		wl = strcspn(want, " ");
		want[wl] = '\0';
		if (strcmp(want, k->release) == 0) {
			size_t o = strlen(ok);

			snprintf(ok + o, sizeof(ok) - o, "%s%s", o ? ", " : "",
				 strrchr(m->path, '/') + 1);
			continue;
		}
		nbad++;
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "%s was built for kernel %s, not %s", m->path, want, k->release);
		hv_finding_hint(f, "reinstall the modules package of %s (or reboot into %s): a "
				   "mismatched module refuses to load", k->release, want);
		hv_finding_str(f, "module", kmod_names[i]);
		hv_finding_str(f, "path", m->path);
		hv_finding_str(f, "vermagic", m->vermagic);
		hv_finding_str(f, "kernel", k->release);
	}
	if (ok[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "%s built for %s%s", ok, k->release,
				  k->release_guessed ? " (the newest kernel in /lib/modules)" : "");
		hv_finding_str(f, "kernel", k->release);
	} else if (!nbad) {
		bool any_builtin = false;

		for (int i = 0; i < N_KMODS; i++)
			any_builtin |= k->mods[i].where == MOD_BUILTIN;
		f = hv_report_add(ctx->rep, id, any_builtin ? HV_SEV_INFO : HV_SEV_SKIP,
				  any_builtin ? "KVM is built into kernel %s: no module files to check"
					      : "no KVM module file found for kernel %s", k->release);
		hv_finding_str(f, "kernel", k->release);
	}
	(void)nfiles;
	return 0;
}

/* Parameters worth reading per module (/sys/module/M/parameters/P). */
static const char *const params_kvm[] = { "halt_poll_ns", "ignore_msrs", "tdp_mmu",
					  "nx_huge_pages", "enable_pmu", NULL };
static const char *const params_intel[] = { "nested", "ept", "unrestricted_guest", "enable_apicv",
					    "vpid", "pml", "enable_shadow_vmcs", "enable_ipiv",
					    NULL };
static const char *const params_amd[] = { "nested", "npt", "avic", "sev", "sev_es", "sev_snp",
					  "nrips", "vgif", "vls", NULL };
static const char *const params_pvm[] = { "pvm_native", "no_x2apic", NULL };

static bool param_on(const char *v)
{
	return v && (strcmp(v, "Y") == 0 || strcmp(v, "1") == 0);
}

static bool param_off(const char *v)
{
	return v && (strcmp(v, "N") == 0 || strcmp(v, "0") == 0);
}

int probe_chk_kvm_params(struct hv_check_ctx *ctx)
{
	static const char *const *const tabs[N_KMODS] = { params_kvm, params_intel, params_amd,
							   params_pvm };
	const char *id = ctx->check->id;
	const struct probe_cpu *c = NULL;
	int nfound = 0;

	probe_cpu_get(state(ctx), &c);
	for (int i = 0; i < N_KMODS; i++) {
		const char *name = kmod_names[i];
		char *vals[16] = { NULL };
		char line[512];
		size_t o = 0;
		struct hv_finding *f;
		int n = 0;

		if (hv_mod_live(ctx->root, name) == HV_MOD_ABSENT)
			continue;
		line[0] = '\0';
		for (int j = 0; tabs[i][j] && j < 16; j++) {
			if (hv_root_read_linef(ctx->root, &vals[j], "/sys/module/%s/parameters/%s",
					       name, tabs[i][j]) < 0) {
				vals[j] = NULL;
				continue;
			}
			n++;
			o += (size_t)snprintf(line + o, o < sizeof(line) ? sizeof(line) - o : 0,
					      "%s%s=%s", o ? " " : "", tabs[i][j], vals[j]);
			if (o >= sizeof(line))
				o = sizeof(line) - 1;
		}
		if (!n)
			continue;
		nfound++;
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "%s: %s", name, line);
		hv_finding_str(f, "module", name);
		/* JSON: Y/N as booleans, numbers as numbers (what the kernel prints for bool and int) */
		for (int j = 0; tabs[i][j] && j < 16; j++) {
			if (param_on(vals[j]) && strcmp(vals[j], "Y") == 0)
				hv_finding_bool(f, tabs[i][j], true);
			else if (param_off(vals[j]) && strcmp(vals[j], "N") == 0)
				hv_finding_bool(f, tabs[i][j], false);
			else if (vals[j])
				hv_finding_value(f, tabs[i][j], vals[j]);
		}
		if (i == 1 || i == 2) {
			/* nested is params[0] in both tables; ept/npt is params[1]. */
			const char *nested = vals[0], *tdp = vals[1];
			bool cpu_tdp = c && probe_cpu_has(c, i == 1 ? "ept" : "npt");

			if (param_off(tdp) && cpu_tdp) {
				f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
						  "%s runs with %s=%s although the CPU has it: guests "
						  "use slow shadow paging", name, tabs[i][1], tdp);
				hv_finding_hint(f, "remove '%s=0' from /etc/modprobe.d and the kernel "
						   "command line, then reload %s", tabs[i][1], name);
				hv_finding_str(f, "module", name);
			}
			if (param_on(nested)) {
				f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
						  "nested virtualization is on (%s nested=%s)", name,
						  nested);
			} else if (nested) {
				f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
						  "nested virtualization is off (%s nested=%s)", name,
						  nested);
				hv_finding_hint(f, "to run VMs inside VMs: 'options %s nested=1' in "
						   "/etc/modprobe.d/kvm.conf, then reload %s", name, name);
			}
			hv_finding_str(f, "module", name);
			if (nested)
				hv_finding_bool(f, "nested", param_on(nested));
		}
		for (int j = 0; j < 16; j++)
			free(vals[j]);
	}
	if (!nfound)
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "no KVM module is present: no parameters to read");
	return 0;
}

/* The backends of the modules present, "VMX", "SVM", "PVM" (arm64: "arm64"). */
static void backends(struct hv_check_ctx *ctx, char *buf, size_t len)
{
	static const char *const names[N_KMODS] = { NULL, "VMX", "SVM", "PVM" };
	const struct probe_cpu *c = NULL;
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 1; i < N_KMODS; i++) {
		if (hv_mod_live(ctx->root, kmod_names[i]) == HV_MOD_ABSENT)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "+" : "", names[i]);
		if (o >= len)
			return;
	}
	if (!buf[0] && probe_cpu_get(state(ctx), &c) == 0 && c->arch == PROBE_ARCH_ARM64 &&
	    hv_mod_live(ctx->root, "kvm") != HV_MOD_ABSENT)
		snprintf(buf, len, "arm64");
}

/* The first KVM failure cause in the kernel log, NULL if none. */
static const struct hv_klog_hit *kvm_refusal(struct hv_check_ctx *ctx)
{
	const struct hv_klog *k = probe_klog_get(state(ctx));
	const struct hv_klog_hit *h = NULL;

	for (int cz = 0; cz < HV_KLOG_CAUSE_COUNT && !h; cz++) {
		const struct hv_klog_cause_info *ci = hv_klog_cause_info(cz);

		if (ci->sev == HV_SEV_FAIL && strcmp(ci->subject, "KVM") == 0)
			h = hv_klog_find(k, cz);
	}
	return h;
}

/* The kernel log's reason a backend refused to load or bind, as @f's evidence and hint. */
static bool backend_refused(struct hv_check_ctx *ctx, struct hv_finding *f)
{
	const struct hv_klog *k = probe_klog_get(state(ctx));
	const struct hv_klog_hit *h = kvm_refusal(ctx);
	char hint[512];

	if (!h)
		return false;
	hv_finding_evidence(f, hv_klog_cause_info(h->cause)->layer, "%s:%u: %s", k->source,
			    h->line, h->msg);
	if (probe_klog_hint(state(ctx), (int)h->cause, hint, sizeof(hint)))
		hv_finding_hint(f, "%s", hint);
	return true;
}

int probe_chk_kvm_backend(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct probe_cpu *c = NULL;
	struct hv_finding *f;
	char be[32];

	backends(ctx, be, sizeof(be));
	if (!be[0]) {
		probe_cpu_get(state(ctx), &c);
		if (probe_cpu_under_xen(c)) {
			hv_report_add(ctx->rep, id, HV_SEV_INFO,
				      "no KVM backend: on Xen, Xen runs the VMs (see the xen checks)");
			return 0;
		}
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "no KVM backend: none of kvm_intel, kvm_amd, kvm_pvm is loaded");
		if (backend_refused(ctx, f))
			return 0;
		hv_finding_hint(f, "%s",
				c && probe_cpu_has(c, "vmx") ? "modprobe kvm_intel" :
				c && probe_cpu_has(c, "svm") ? "modprobe kvm_amd" :
				c && c->hypervisor ? "this VM is not offered nested virtualization "
						     "(see cpu.virt); only kvm_pvm runs KVM here" :
				c && (c->cpuid_vmx || c->vendor == PROBE_VENDOR_INTEL ||
				      c->vendor == PROBE_VENDOR_AMD) ?
				"turn VT-x/AMD-V on in the firmware (see cpu.virt, cpu.firmware), "
				"then load kvm_intel or kvm_amd" :
				"without vmx/svm only a PVM-enabled host kernel (kvm_pvm) runs KVM");
		return 0;
	}
	if (strcmp(be, "arm64") == 0) {
		bool vhe = hv_klog_find(probe_klog_get(state(ctx)), HV_KLOG_ARM_VHE) != NULL;

		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "KVM backend: arm64 %s (kvm built in)",
				  vhe ? "VHE" : "EL2");
		hv_finding_str(f, "backend", vhe ? "arm64-vhe" : "arm64");
		return 0;
	}
	if (hv_root_existsf(ctx->root, "/sys/class/misc/kvm") < 0 &&
	    hv_root_existsf(ctx->root, "/sys/class/misc") == 0) {
		/* present, yet KVM registered no device: the backend refused to bind */
		const struct hv_klog_hit *h = kvm_refusal(ctx);

		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "KVM backend: %s is present but did not bind (no /sys/class/misc/kvm)%s%s",
				  be, h ? ": " : "", h ? hv_klog_cause_info(h->cause)->meaning : "");
		if (!backend_refused(ctx, f)) {
			hv_finding_evidence(f, HV_LAYER_RUNTIME, "/sys/class/misc/kvm absent");
			hv_finding_hint(f, "the kernel log says why (see kernel.log, verdict.kvm)");
		}
		hv_finding_str(f, "backend", be);
		return 0;
	}
	if (strstr(be, "PVM")) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "KVM backend: %s (kvm_pvm: no hardware virtualization needed)", be);
		hv_finding_hint(f, "PVM guests need PVM-enabled kernels (CONFIG_PVM_GUEST)");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "KVM backend: %s (%s)", be,
				  strcmp(be, "VMX") == 0 ? "kvm_intel, Intel VT-x" :
				  strcmp(be, "SVM") == 0 ? "kvm_amd, AMD-V" : "several modules");
	}
	hv_finding_str(f, "backend", be);
	return 0;
}

int probe_chk_kvm_dev(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	_cleanup_free_ char *misc = NULL;
	const struct probe_cpu *c = NULL;
	struct hv_finding *f;
	struct stat stt;
	int rc;

	/* What the kernel registered (the misc device), then the node udev made. */
	hv_root_read_linef(ctx->root, &misc, "/sys/class/misc/kvm/dev");
	probe_cpu_get(state(ctx), &c);
	rc = hv_root_statf(ctx->root, &stt, "/dev/kvm");
	if (rc < 0 && hv_root_kind(ctx->root) == HV_ROOT_CAPTURED &&
	    hv_root_existsf(ctx->root, "/dev") < 0)
		return hv_report_unknowable(ctx->rep, id, "/dev");  /* said once for the run */
	if (rc < 0 && probe_cpu_under_xen(c)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "no /dev/kvm: on Xen, VMs run on Xen, not KVM");
		hv_finding_str(f, "path", "/dev/kvm");
		return 0;
	}
	if (rc < 0) {
		bool no_hw = c && c->arch == PROBE_ARCH_X86 && !probe_cpu_has(c, "vmx") &&
			     !probe_cpu_has(c, "svm") &&
			     hv_mod_live(ctx->root, "kvm_pvm") == HV_MOD_ABSENT;

		char be[32];

		backends(ctx, be, sizeof(be));
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "/dev/kvm is missing (%s)%s",
				  strerror(-rc), misc ? ", though the kernel registered it" : "");
		hv_finding_hint(f, "%s", misc ? "create it: mknod /dev/kvm c 10 232 (udev normally "
						 "does, mode 0660 group kvm)" :
				no_hw ? "no KVM module can create it until the CPU offers VT-x/AMD-V "
					"(see cpu.virt)" :
				be[0] ? "the KVM backend is present but did not register it: see "
					"verdict.kvm and kernel.log for why" :
				probe_loads_modules(ctx->root) ? "load the KVM modules (see kvm.modules)" :
				"this kernel loads no modules: boot one with KVM built in");
		if (!misc && !no_hw && be[0] && kvm_refusal(ctx)) {
			/* the backend refused to bind: the kernel's reason is the evidence */
			const struct hv_klog_hit *h = kvm_refusal(ctx);

			hv_finding_evidence(f, hv_klog_cause_info(h->cause)->layer, "%s:%u: %s",
					    probe_klog_get(state(ctx))->source, h->line, h->msg);
		} else {
			hv_finding_evidence(f, !no_hw ? HV_LAYER_RUNTIME : c->hypervisor ?
					    HV_LAYER_HOST : c->vendor == PROBE_VENDOR_OTHER ?
					    HV_LAYER_HARDWARE : HV_LAYER_FIRMWARE,
					    "/sys/class/misc/kvm %s%s", misc ? "present" : "absent",
					    no_hw ? "; /proc/cpuinfo: no vmx or svm flag" : "");
		}
		hv_finding_str(f, "path", "/dev/kvm");
		return 0;
	}
	if (hv_root_is_live(ctx->root) || S_ISCHR(stt.st_mode)) {
		if (!S_ISCHR(stt.st_mode) || major(stt.st_rdev) != KVM_MISC_MAJOR ||
		    minor(stt.st_rdev) != KVM_MINOR) {
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "/dev/kvm is not the KVM device (%s %u:%u, want char 10:232)",
					  S_ISCHR(stt.st_mode) ? "char" : "not a char device",
					  major(stt.st_rdev), minor(stt.st_rdev));
			hv_finding_hint(f, "rm /dev/kvm && mknod /dev/kvm c 10 232 (or let udev "
					   "recreate it)");
			hv_finding_str(f, "path", "/dev/kvm");
			return 0;
		}
	}
	/* access(2) answers for the caller only on the live host. */
	if (hv_root_is_live(ctx->root) && hv_root_accessf(ctx->root, R_OK | W_OK,
							  "/dev/kvm") < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "/dev/kvm (10:232, mode %04o) is not read-write for uid %u",
				  stt.st_mode & 07777, (unsigned)getuid());
		if ((stt.st_mode & 0060) == 0060)
			hv_finding_hint(f, "add the user to the device's group (usually kvm) and log "
					   "in again, or run as root");
		else
			hv_finding_hint(f, "only its owner may use it: a udev rule KERNEL==\"kvm\", "
					   "GROUP=\"kvm\", MODE=\"0660\" and membership of group kvm "
					   "open it to users");
	} else if (hv_root_is_live(ctx->root)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "/dev/kvm is the KVM device (10:232, mode %04o), read-write for "
				  "uid %u", stt.st_mode & 07777, (unsigned)getuid());
	} else {
		/* A fixture cannot hold device nodes: the kernel's record stands in. */
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS, "/dev/kvm exists%s%s%s",
				  misc ? " (kernel: misc device " : "", misc ? misc : "",
				  misc ? ")" : "");
	}
	hv_finding_str(f, "path", "/dev/kvm");
	return 0;
}

int probe_kvm_probe_get(struct probe_state *st, const struct hv_kvm_probe **out)
{
	struct probe_kvm *k = kvm_state(st);

	if (!k)
		return -ENOMEM;
	if (!k->probe_done) {
		k->probe_rc = hv_root_kvm_probe(st->root, &k->probe);
		k->probe_done = true;
	}
	*out = &k->probe;
	return k->probe_rc;
}

static int probe_get(struct hv_check_ctx *ctx, const struct hv_kvm_probe **out)
{
	return probe_kvm_probe_get(state(ctx), out);
}

static const char *exit_name(int r)
{
	/* uapi/linux/kvm.h KVM_EXIT_* */
	static const char *const names[] = {
		"UNKNOWN", "EXCEPTION", "IO", "HYPERCALL", "DEBUG", "HLT", "MMIO",
		"IRQ_WINDOW_OPEN", "SHUTDOWN", "FAIL_ENTRY", "INTR", "SET_TPR", "TPR_ACCESS",
		"S390_SIEIC", "S390_RESET", "DCR", "NMI", "INTERNAL_ERROR",
	};

	return r >= 0 && (size_t)r < HV_ARRAY_SIZE(names) ? names[r] : "?";
}

int probe_chk_kvm_probe(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	const struct hv_kvm_probe *p;
	struct hv_finding *f;
	char be[32];
	int rc = probe_get(ctx, &p);

	if (rc < 0)
		return rc;
	backends(ctx, be, sizeof(be));
	if (p->open == -ENOENT) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "no /dev/kvm: no guest to run (see kvm.dev)");
		return 0;
	}
	if (p->open == -EACCES || p->open == -EPERM) {
		f = hv_report_add(ctx->rep, id, HV_SEV_SKIP,
				  "/dev/kvm is not read-write for uid %u: no guest run",
				  (unsigned)getuid());
		hv_finding_hint(f, "run as root or as a member of group kvm for the functional probe");
		return 0;
	}
	if (p->open < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "cannot open /dev/kvm: %s",
				  strerror(-p->open));
		hv_finding_hint(f, "see dmesg for KVM's own messages");
	} else if (p->api_version != KVM_API_VERSION_WANT) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "KVM_GET_API_VERSION returned %d, expected 12", p->api_version);
		hv_finding_hint(f, "every KVM since Linux 2.6.22 answers 12: /dev/kvm is not KVM");
	} else if (p->create_vm < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "KVM_CREATE_VM failed: %s",
				  strerror(-p->create_vm));
		hv_finding_hint(f, "another hypervisor (VirtualBox, VMware) may hold VT-x/AMD-V, or "
				   "the vendor module failed: see dmesg");
	} else if (p->create_vcpu < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "KVM_CREATE_VM worked but creating a vCPU failed: %s",
				  strerror(-p->create_vcpu));
		hv_finding_hint(f, "see dmesg for the backend's message");
	} else if (p->run == -ECANCELED) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "KVM_CREATE_VM and KVM_CREATE_VCPU work (API 12, %s backend); no "
				  "test guest for this architecture", be[0] ? be : "unknown");
	} else if (p->run < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "KVM_RUN of the test guest failed: %s",
				  strerror(-p->run));
		hv_finding_hint(f, "see dmesg for the backend's message");
	} else if (p->exit_reason != KVM_EXIT_HLT_NR) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "the test guest stopped with KVM_EXIT_%s (%d), not HLT",
				  exit_name(p->exit_reason), p->exit_reason);
		hv_finding_hint(f, "KVM can create VMs but not run this guest: see dmesg");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "KVM works: a test guest ran to its HLT exit in %.1f ms (API 12, "
				  "%s backend)", (double)p->run_ns / 1e6, be[0] ? be : "unknown");
	}
	hv_finding_bool(f, "ran", p->run == 0);
	if (p->api_version >= 0)
		hv_finding_int(f, "api_version", p->api_version);
	if (p->run == 0) {
		hv_finding_int(f, "exit_reason", p->exit_reason);
		hv_finding_str(f, "exit", exit_name(p->exit_reason));
		hv_finding_int(f, "run_ns", (int64_t)p->run_ns);
	}
	if (be[0])
		hv_finding_str(f, "backend", be);
	return 0;
}

int probe_chk_kvm_caps(struct hv_check_ctx *ctx)
{
	/* Without these QEMU/Firecracker cannot run a normal guest. */
	static const char *const needed_x86[] = { "USER_MEMORY", "IRQCHIP", "IOEVENTFD", "IRQFD",
						  NULL };
	/* arm64 has no KVM_CAP_IRQCHIP: its vGIC is a KVM_CREATE_DEVICE device. */
	static const char *const needed_arm[] = { "USER_MEMORY", "IOEVENTFD", "IRQFD", NULL };
	const char *const *needed = needed_x86;
	const struct probe_cpu *c = NULL;
	static const char *const flags_x86[] = { "IRQCHIP", "IOEVENTFD", "IRQFD", "NESTED_STATE",
						 "X86_SMM", "HYPERV", "DIRTY_LOG_RING", NULL };
	static const char *const flags_arm[] = { "IOEVENTFD", "IRQFD", "IRQ_ROUTING", "MSI",
						 "DIRTY_LOG_RING", NULL };
	const char *const *flags = flags_x86;
	const char *id = ctx->check->id;
	const struct hv_kvm_probe *p;
	struct hv_finding *f;
	char has[256] = "", lacks[256] = "", lackn[128] = "";
	long nr = -1, max = -1, slots = -1, v;
	size_t o = 0, ol = 0;
	int rc = probe_get(ctx, &p);

	if (rc < 0)
		return rc;
	if (p->ncaps == 0) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "/dev/kvm could not be opened: no capabilities to read");
		return 0;
	}
	if (probe_cpu_get(state(ctx), &c) == 0 && c->arch == PROBE_ARCH_ARM64) {
		needed = needed_arm;
		flags = flags_arm;
	}
	hv_kvm_probe_cap(p, "NR_VCPUS", &nr);
	hv_kvm_probe_cap(p, "MAX_VCPUS", &max);
	hv_kvm_probe_cap(p, "NR_MEMSLOTS", &slots);
	for (int i = 0; flags[i]; i++) {
		bool on = hv_kvm_probe_cap(p, flags[i], &v) == 0 && v > 0;
		char *b = on ? has : lacks;
		size_t *pos = on ? &o : &ol;
		int n = snprintf(b + *pos, 256 - *pos, "%s%s", *pos ? " " : "", flags[i]);

		if (n > 0 && (size_t)n < 256 - *pos)
			*pos += (size_t)n;
	}
	o = 0;
	for (int i = 0; needed[i]; i++) {
		if (hv_kvm_probe_cap(p, needed[i], &v) == 0 && v > 0)
			continue;
		o += (size_t)snprintf(lackn + o, sizeof(lackn) - o, "%s%s", o ? " " : "",
				      needed[i]);
		if (o >= sizeof(lackn))
			break;
	}
	if (lackn[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN, "KVM lacks %s: usual VMMs need them",
				  lackn);
		hv_finding_hint(f, "a restricted or very old KVM: QEMU will refuse -accel kvm");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "vCPUs: %ld recommended, %ld max; %ld memslots; has %s%s%s", nr, max,
				  slots, has[0] ? has : "none", lacks[0] ? "; lacks " : "", lacks);
	}
	for (unsigned int i = 0; i < p->ncaps; i++) {
		char key[40];
		size_t j;

		snprintf(key, sizeof(key), "cap_%s", p->caps[i].name);
		for (j = 0; key[j]; j++)
			key[j] = (char)tolower((unsigned char)key[j]);
		hv_finding_int(f, key, p->caps[i].value);
	}
	return 0;
}

/*
 * kvm.options: what /etc/modprobe.d (and friends) and the kernel command line
 * ask of the KVM modules, and whether the loaded modules run with it. A common
 * trap: "options kvm_intel nested=1" written, module never reloaded.
 */
#define MAX_OPTS 32

struct modopt {
	int mod;              /* index in kmod_names */
	char key[40];
	char val[40];
	char src[96];         /* "/etc/modprobe.d/kvm.conf" or "kernel command line" */
};

static int mod_index(const char *name, size_t n)
{
	for (int i = 0; i < N_KMODS; i++)
		if (hv_mod_name_eq(name, n, kmod_names[i]))
			return i;
	return -1;
}

/* Record KEY=VAL for module @mod; a later setting of the same key replaces the earlier one. */
static void opt_set(struct modopt *o, int *n, int mod, const char *kv, size_t kvn, const char *src)
{
	const char *eq = memchr(kv, '=', kvn);
	size_t kl = eq ? (size_t)(eq - kv) : kvn;
	int i;

	if (!kl || kl >= sizeof(o->key))
		return;
	for (i = 0; i < *n; i++)
		if (o[i].mod == mod && strlen(o[i].key) == kl && !memcmp(o[i].key, kv, kl))
			break;
	if (i == *n) {
		if (*n >= MAX_OPTS)
			return;
		(*n)++;
	}
	o[i].mod = mod;
	snprintf(o[i].key, sizeof(o[i].key), "%.*s", (int)kl, kv);
	/* A bare boolean option means "on" (kernel/params.c). */
	snprintf(o[i].val, sizeof(o[i].val), "%.*s", eq ? (int)(kvn - kl - 1) : 1, eq ? eq + 1 : "1");
	snprintf(o[i].src, sizeof(o[i].src), "%s", src);
}

/* "options MODULE k=v k2=v2" lines of one modprobe.d file (modprobe.d(5)). */
static void parse_modprobe_conf(const char *text, const char *src, struct modopt *o, int *n)
{
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[512], *save = NULL, *tok, *mod;
		int m;

		snprintf(line, sizeof(line), "%.*s", (int)HV_MIN(len, sizeof(line) - 1), l);
		l = nl ? nl + 1 : NULL;
		tok = strtok_r(line, " \t\r", &save);
		if (!tok || strcmp(tok, "options") != 0)
			continue;
		mod = strtok_r(NULL, " \t\r", &save);
		if (!mod || (m = mod_index(mod, strlen(mod))) < 0)
			continue;
		while ((tok = strtok_r(NULL, " \t\r", &save)) && tok[0] != '#')
			opt_set(o, n, m, tok, strlen(tok), src);
	}
}

/*
 * modprobe.d(5): *.conf files of these directories, in file-name order, a file
 * in an earlier directory hiding a same-named one in a later directory.
 */
static void read_modprobe_d(const struct hv_root *root, struct modopt *o, int *n)
{
	static const char *const dirs[] = { "/etc/modprobe.d", "/run/modprobe.d",
					    "/usr/local/lib/modprobe.d", "/lib/modprobe.d",
					    "/usr/lib/modprobe.d" };
	char *names[256];
	int nn = 0;

	for (size_t d = 0; d < HV_ARRAY_SIZE(dirs); d++) {
		DIR *dir = hv_root_opendirf(root, "%s", dirs[d]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir)) && nn < (int)HV_ARRAY_SIZE(names)) {
			size_t l = strlen(de->d_name);
			bool dup = false;

			if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0)
				continue;
			for (int i = 0; i < nn; i++)
				dup |= strcmp(strrchr(names[i], '/') + 1, de->d_name) == 0;
			if (dup)
				continue;
			names[nn] = hv_asprintf("%s/%s", dirs[d], de->d_name);
			if (names[nn])
				nn++;
		}
		closedir(dir);
	}
	/* sort by file name (the part after the last '/') */
	for (int i = 1; i < nn; i++)
		for (int j = i; j > 0 && strcmp(strrchr(names[j - 1], '/'), strrchr(names[j], '/')) > 0;
		     j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (int i = 0; i < nn; i++) {
		_cleanup_free_ char *text = NULL;

		if (hv_root_read_maxf(root, 1u << 20, &text, "%s", names[i]) >= 0)
			parse_modprobe_conf(text, names[i], o, n);
		free(names[i]);
	}
}

/* "kvm_intel.nested=1" / "kvm-amd.avic=1" words of the kernel command line (live). */
static void read_cmdline(const struct hv_root *root, struct modopt *o, int *n)
{
	_cleanup_free_ char *cmd = NULL;
	char *save = NULL, *tok;

	if (hv_root_read_strf(root, &cmd, "/proc/cmdline") < 0)
		return;
	for (tok = strtok_r(cmd, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *dot = strchr(tok, '.'), *eq = strchr(tok, '=');
		int m;

		if (!strcmp(tok, "--"))
			break;   /* the rest goes to init */
		if (!dot || (eq && eq < dot) || (m = mod_index(tok, (size_t)(dot - tok))) < 0)
			continue;
		opt_set(o, n, m, dot + 1, strlen(dot + 1), "the kernel command line");
	}
}

/* 1 on, 0 off, -1 not a boolean ("Y"/"y"/"1"/"on", "N"/"n"/"0"/"off"). */
static int boolval(const char *v)
{
	if (!strcasecmp(v, "y") || !strcmp(v, "1") || !strcasecmp(v, "on") || !strcasecmp(v, "yes"))
		return 1;
	if (!strcasecmp(v, "n") || !strcmp(v, "0") || !strcasecmp(v, "off") || !strcasecmp(v, "no"))
		return 0;
	return -1;
}

int probe_chk_kvm_options(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	bool offline = hv_root_kind(ctx->root) == HV_ROOT_OFFLINE;
	struct modopt opts[MAX_OPTS];
	struct hv_finding *f;
	int n = 0, nwarn = 0;
	char list[512] = "";
	size_t o = 0;

	read_modprobe_d(ctx->root, opts, &n);
	if (!offline)
		read_cmdline(ctx->root, opts, &n);
	if (!n) {
		hv_report_add(ctx->rep, id, HV_SEV_INFO,
			      "no options for kvm, kvm_intel, kvm_amd or kvm_pvm in modprobe.d%s: "
			      "module defaults apply", offline ? "" : " or on the kernel command line");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		const char *mod = kmod_names[opts[i].mod];
		_cleanup_free_ char *cur = NULL;
		int want, have;

		o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s.%s=%s",
				      o ? " " : "", mod, opts[i].key, opts[i].val);
		if (o >= sizeof(list))
			o = sizeof(list) - 1;
		if (offline || hv_root_read_linef(ctx->root, &cur, "/sys/module/%s/parameters/%s", mod,
						  opts[i].key) < 0)
			continue;
		want = boolval(opts[i].val);
		have = boolval(cur);
		if (want >= 0 && have >= 0 ? want == have : strcmp(cur, opts[i].val) == 0)
			continue;
		nwarn++;
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "%s %s=%s is configured (%s) but the %s module has %s=%s", mod,
				  opts[i].key, opts[i].val, opts[i].src,
				  hv_mod_live(ctx->root, mod) == HV_MOD_BUILTIN ? "built-in" :
				  "loaded", opts[i].key, cur);
		if (hv_mod_live(ctx->root, mod) == HV_MOD_BUILTIN && strcmp(opts[i].src,
		    "the kernel command line") != 0)
			/* modprobe never loads a built-in module: its options come from the cmdline */
			hv_finding_hint(f, "%s is built in: modprobe.d does not apply to it; put %s.%s=%s "
					"in %s, then reboot", mod, mod, opts[i].key, opts[i].val,
					probe_cmdline_where(ctx->root, false));
		else
			hv_finding_hint(f, "reload it with no VM running: modprobe -r %s && modprobe %s "
					"(or reboot)", mod, mod);
		hv_finding_evidence(f, HV_LAYER_MODPARAM, "%s; /sys/module/%s/parameters/%s = %s",
				    opts[i].src, mod, opts[i].key, cur);
		hv_finding_str(f, "module", mod);
		hv_finding_str(f, "path", opts[i].src);
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "configured: %s%s", list,
			  offline ? "" : nwarn ? "" : " (all in effect where loaded)");
	return 0;
}
