// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-verdict: one line per hypervisor, first in the report: can this host
 * run KVM guests, and is it a Xen host and for which guests -- each verdict
 * naming what it rests on (the test guest, the kernel log, cpuinfo, sysfs)
 * and, when negative, the layer at fault and what to do on *this* host.
 * The evidence is the same probe_state the detailed checks read.
 */
#include "probe/probe-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-xen.h"
#include "probe/probe-checks.h"

#define KVM_EXIT_HLT_NR 5   /* uapi/linux/kvm.h */

/* Causes in the kernel log that stop KVM from binding, most specific first. */
static const enum hv_klog_cause blocking[] = {
	HV_KLOG_PVM_GUEST, HV_KLOG_KVM_SEV_GUEST, HV_KLOG_VT_FW_OFF, HV_KLOG_VT_NOT_FULL,
	HV_KLOG_VT_NO_CPU, HV_KLOG_KVM_NO_HW, HV_KLOG_KVM_ENABLE_FAIL, HV_KLOG_KVM_INCONSISTENT,
	HV_KLOG_ARM_EL1, HV_KLOG_ARM_HYP_OFF,
};

struct backend {
	const char *name;     /* "VMX", "SVM", "PVM", "arm64" */
	const char *module;   /* "kvm_intel", ... */
	enum hv_mod_state state;
};

/* The backend this host would use: the CPU's vendor module, else kvm_pvm. */
static void pick_backend(const struct hv_root *r, const struct probe_cpu *c, struct backend *b)
{
	b->name = NULL;
	b->module = NULL;
	b->state = HV_MOD_ABSENT;
	if (c && c->arch == PROBE_ARCH_ARM64) {
		b->name = "arm64";
		b->module = "kvm";
	} else if (c && probe_cpu_has(c, "vmx")) {
		b->name = "VMX";
		b->module = "kvm_intel";
	} else if (c && probe_cpu_has(c, "svm")) {
		b->name = "SVM";
		b->module = "kvm_amd";
	}
	if (!c) {
		/* no cpuinfo in a capture: the loaded vendor module says which it is */
		if (hv_mod_live(r, "kvm_intel") != HV_MOD_ABSENT) {
			b->name = "VMX";
			b->module = "kvm_intel";
		} else if (hv_mod_live(r, "kvm_amd") != HV_MOD_ABSENT) {
			b->name = "SVM";
			b->module = "kvm_amd";
		}
	}
	if (b->module)
		b->state = hv_mod_live(r, b->module);
	if (b->state == HV_MOD_ABSENT && hv_mod_live(r, "kvm_pvm") != HV_MOD_ABSENT) {
		b->name = "PVM";
		b->module = "kvm_pvm";
		b->state = hv_mod_live(r, "kvm_pvm");
	}
}

/* A module parameter that reads "N" or "0" (kernel/params.c bool and int forms). */
static bool kbool_off(const char *v)
{
	return v[0] == 'N' || v[0] == 'n' || (v[0] == '0' && !v[1]);
}

/* "SVM, NPT, nested=1" from the backend, the CPU and the module parameters. */
static void features(const struct hv_root *r, const struct probe_cpu *c, const struct backend *b,
		     char *buf, size_t len)
{
	_cleanup_free_ char *tdp = NULL, *nested = NULL;
	bool intel = b->name && strcmp(b->name, "VMX") == 0;
	bool amd = b->name && strcmp(b->name, "SVM") == 0;
	size_t o;

	snprintf(buf, len, "%s", b->name ? b->name : "unknown backend");
	if (!intel && !amd)
		return;
	o = strlen(buf);
	hv_root_read_linef(r, &tdp, "/sys/module/%s/parameters/%s", b->module, intel ? "ept" : "npt");
	if (probe_cpu_has(c, intel ? "ept" : "npt") && !(tdp && kbool_off(tdp)))
		o += (size_t)snprintf(buf + o, len - o, ", %s", intel ? "EPT" : "NPT");
	else
		o += (size_t)snprintf(buf + o, len - o, ", no %s", intel ? "EPT" : "NPT");
	if (o < len && hv_root_read_linef(r, &nested, "/sys/module/%s/parameters/nested",
					   b->module) == 0)
		snprintf(buf + o, len - o, ", nested=%d", !kbool_off(nested));
}

static const char *state_word(enum hv_mod_state s)
{
	return s == HV_MOD_BUILTIN ? "built in" : s == HV_MOD_LOADED ? "loaded" : "not loaded";
}

/* Not bound, and the kernel log says why: the verdict in its words. */
static void not_bound_klog(struct hv_check_ctx *ctx, const struct backend *b,
			   const struct hv_klog_hit *h)
{
	struct probe_state *st = ctx->data;
	const struct hv_klog_cause_info *ci = hv_klog_cause_info(h->cause);
	const struct hv_klog *k = probe_klog_get(st);
	struct hv_finding *f;
	char hint[512];

	if (b->module && b->state != HV_MOD_ABSENT)
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "KVM: not usable: %s is %s but did not bind: %s (kernel log)",
				  b->module, state_word(b->state), ci->meaning);
	else
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "KVM: not usable: %s (kernel log)", ci->meaning);
	hv_finding_evidence(f, ci->layer, "%s:%u: %s", k->source, h->line, h->msg);
	if (probe_klog_hint(st, (int)h->cause, hint, sizeof(hint)))
		hv_finding_hint(f, "%s", hint);
	hv_finding_str(f, "cause", ci->id);
	hv_finding_str(f, "verdict", "not-usable");
}

/* Not bound, no word from the kernel: what the CPU flags and modules say. */
static void not_bound(struct hv_check_ctx *ctx, const struct probe_cpu *c, const struct backend *b)
{
	struct probe_state *st = ctx->data;
	const struct hv_klog *k = probe_klog_get(st);
	const char *id = ctx->check->id;
	struct hv_finding *f;
	char hint[512];
	bool x86 = c && c->arch == PROBE_ARCH_X86;

	if (x86 && !b->module) {
		bool intel = c->vendor == PROBE_VENDOR_INTEL || c->vendor == PROBE_VENDOR_ZHAOXIN;
		bool amd = c->vendor == PROBE_VENDOR_AMD || c->vendor == PROBE_VENDOR_HYGON;

		if (c->hypervisor) {
			char g[64];

			snprintf(g, sizeof(g), "%s", probe_hv_name(c->hv_signature) ?
				 probe_hv_name(c->hv_signature) : k && k->hypervisor[0] ?
				 k->hypervisor : "hypervisor unknown");
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "KVM: not usable: this VM (%s) is not offered VT-x/AMD-V",
					  g);
			hv_finding_evidence(f, HV_LAYER_HOST,
					    "/proc/cpuinfo: hypervisor flag, no vmx or svm flag");
			probe_klog_hint(st, HV_KLOG_VT_NO_CPU, hint, sizeof(hint));
			hv_finding_hint(f, "%s", hint);
		} else if (intel || amd) {
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "KVM: not usable: no %s flag on bare-metal %s: %s is "
					  "probably disabled in the firmware", intel ? "vmx" : "svm",
					  probe_vendor_name(c->vendor), intel ? "VT-x" : "AMD-V");
			hv_finding_evidence(f, HV_LAYER_FIRMWARE,
					    "/proc/cpuinfo: no %s flag, no hypervisor flag",
					    intel ? "vmx" : "svm");
			probe_klog_hint(st, HV_KLOG_VT_FW_OFF, hint, sizeof(hint));
			hv_finding_hint(f, "%s", hint);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "KVM: not usable: the CPU (%s) has no hardware "
					  "virtualization", c->vendor_id[0] ? c->vendor_id : "unknown");
			hv_finding_evidence(f, HV_LAYER_HARDWARE, "/proc/cpuinfo: no vmx or svm flag");
			hv_finding_hint(f, "KVM needs Intel VT-x or AMD-V (or a PVM host kernel)");
		}
		hv_finding_str(f, "verdict", "not-usable");
		return;
	}
	if (!c && !b->module) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "KVM: not judged: no /proc/cpuinfo and no KVM module state in this root");
		return;
	}
	if (b->state == HV_MOD_ABSENT) {
		bool mods = probe_loads_modules(ctx->root);

		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "KVM: not usable: the CPU has %s but %s is not loaded", b->name,
				  b->module);
		hv_finding_evidence(f, HV_LAYER_RUNTIME, "/sys/module/%s: absent", b->module);
		if (mods)
			hv_finding_hint(f, "modprobe %s (see kvm.modules); if it fails, the kernel log "
					   "says why", b->module);
		else
			hv_finding_hint(f, "this kernel loads no modules (nomodule, or no /lib/modules "
					   "for it): boot a kernel with %s built in", b->module);
		hv_finding_str(f, "verdict", "not-usable");
		return;
	}
	/* present (built in or loaded) and yet no /dev/kvm registered, nothing logged */
	f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
			  "KVM: not usable: %s is %s but did not bind (no /sys/class/misc/kvm)%s",
			  b->module, state_word(b->state),
			  k && !k->err ? "; the kernel log does not say why" :
			  "; the kernel log, unreadable here, would say why");
	hv_finding_evidence(f, HV_LAYER_RUNTIME, "/sys/module/%s present, /sys/class/misc/kvm "
			    "absent", b->module);
	if (k && k->restricted)
		hv_finding_hint(f, "run as root to read the kernel log (kernel.dmesg_restrict=1)");
	else
		hv_finding_hint(f, "dmesg | grep -i kvm right after boot; see kvm.backend");
	hv_finding_str(f, "verdict", "not-usable");
}

int probe_chk_verdict_kvm(struct hv_check_ctx *ctx)
{
	struct probe_state *st = ctx->data;
	const char *id = ctx->check->id;
	const struct probe_cpu *c = NULL;
	const struct hv_kvm_probe *p = NULL;
	const struct hv_klog *k = probe_klog_get(st);
	struct backend b;
	struct hv_finding *f;
	char feat[96];
	bool bound, offline = hv_root_kind(ctx->root) == HV_ROOT_OFFLINE;
	int prc;

	if (!k)
		return -ENOMEM;
	if (probe_cpu_get(st, &c) < 0)
		c = NULL;
	if (c && probe_cpu_under_xen(c)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "KVM: not usable here: this kernel runs on Xen, which owns "
				  "VT-x/AMD-V and runs the VMs (see verdict.xen)");
		hv_finding_str(f, "verdict", "xen");
		return 0;
	}
	pick_backend(ctx->root, c, &b);
	features(ctx->root, c, &b, feat, sizeof(feat));
	prc = offline ? -EOPNOTSUPP : probe_kvm_probe_get(st, &p);
	if (prc == -ENOMEM)
		return prc;
	if (prc == 0 && p->open == 0 && p->run == 0 && p->exit_reason == KVM_EXIT_HLT_NR) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "KVM: usable (%s): a test guest ran on /dev/kvm", feat);
		hv_finding_str(f, "verdict", "usable");
		hv_finding_str(f, "backend", b.name);
		return 0;
	}
	if (prc == 0 && p->open == 0 && p->create_vm == 0 && p->create_vcpu == 0 &&
	    p->run == -ECANCELED) {
		/* hv-live has no test guest for this architecture: VM and vCPU creation is the proof */
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "KVM: usable (%s%s): a VM and a vCPU were created on /dev/kvm", feat,
				  hv_klog_find(k, HV_KLOG_ARM_VHE) ? ", VHE" : "");
		hv_finding_str(f, "verdict", "usable");
		hv_finding_str(f, "backend", b.name);
		return 0;
	}
	bound = hv_root_existsf(ctx->root, "/sys/class/misc/kvm") == 0 || (prc == 0 && p->open == 0);
	if (offline) {
		for (size_t i = 0; i < HV_ARRAY_SIZE(blocking); i++) {
			const struct hv_klog_hit *h = hv_klog_find(k, blocking[i]);

			if (h) {
				not_bound_klog(ctx, &b, h);
				return 0;
			}
		}
		f = hv_report_add(ctx->rep, id, HV_SEV_SKIP,
				  "KVM: not judged: an offline root has no running kernel%s (see "
				  "kvm.modules for what is installed)",
				  k->err ? "" : ", and its kernel log shows no cause");
		return 0;
	}
	if (!bound) {
		for (size_t i = 0; i < HV_ARRAY_SIZE(blocking); i++) {
			const struct hv_klog_hit *h = hv_klog_find(k, blocking[i]);

			if (h) {
				not_bound_klog(ctx, &b, h);
				return 0;
			}
		}
		not_bound(ctx, c, &b);
		return 0;
	}
	if (prc == -EOPNOTSUPP) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "KVM: usable as captured (%s): %s %s, /dev/kvm registered; the "
				  "test guest needs the live host", feat, b.module ? b.module : "kvm",
				  state_word(b.state));
		hv_finding_evidence(f, HV_LAYER_NONE, "/sys/class/misc/kvm, /sys/module/%s",
				    b.module ? b.module : "kvm");
		hv_finding_str(f, "verdict", "usable");
		return 0;
	}
	if (prc < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_SKIP,
				  "KVM: registered (%s) but the test guest could not be tried: %s",
				  feat, strerror(-prc));
		return 0;
	}
	if (p->open == -ENOENT) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "KVM: not usable: the kernel registered kvm but /dev/kvm is missing");
		hv_finding_evidence(f, HV_LAYER_RUNTIME, "/sys/class/misc/kvm present, /dev/kvm "
				    "absent");
		hv_finding_hint(f, "udevadm trigger --sysname-match=kvm, or mknod /dev/kvm c 10 232 "
				   "(mode 0660, group kvm)");
	} else if (p->open == -EACCES || p->open == -EPERM) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "KVM: usable (%s) by root and group kvm, not by uid %u", feat,
				  (unsigned)getuid());
		hv_finding_evidence(f, HV_LAYER_RUNTIME, "/dev/kvm: open: %s",
				    strerror(-p->open));
		hv_finding_hint(f, "add the user to group kvm (and log in again), or run as root");
	} else {
		const struct hv_klog_hit *h = hv_klog_find(k, HV_KLOG_KVM_ENABLE_FAIL);
		const char *stage = p->open < 0 ? "opening /dev/kvm" :
				    p->create_vm < 0 ? "KVM_CREATE_VM" :
				    p->create_vcpu < 0 ? "KVM_CREATE_VCPU" : "KVM_RUN";
		int err = p->open < 0 ? p->open : p->create_vm < 0 ? p->create_vm :
			  p->create_vcpu < 0 ? p->create_vcpu : p->run;

		if (p->open == 0 && p->create_vm == 0 && p->create_vcpu == 0 && p->run == 0)
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "KVM: not usable: the test guest stopped with exit %d, "
					  "not HLT (see kvm.probe)", p->exit_reason);
		else
			f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
					  "KVM: not usable: %s failed: %s (%s)", stage,
					  strerror(err < 0 ? -err : EIO), feat);
		if (h) {
			hv_finding_evidence(f, HV_LAYER_RUNTIME, "%s:%u: %s", k->source, h->line,
					    h->msg);
			hv_finding_hint(f, "another hypervisor (VirtualBox, VMware) holds "
					   "VT-x/AMD-V: stop it");
		} else {
			hv_finding_evidence(f, HV_LAYER_RUNTIME, "the /dev/kvm test guest");
			hv_finding_hint(f, "see kvm.probe and kernel.log");
		}
	}
	hv_finding_str(f, "verdict", "not-usable");
	return 0;
}

int probe_chk_verdict_xen(struct hv_check_ctx *ctx)
{
	struct probe_state *st = ctx->data;
	const char *id = ctx->check->id, *how;
	const struct hv_xen_host *h;
	enum probe_xen_role role;
	struct hv_finding *f;
	bool hvm, hap;

	if (probe_xen_role(ctx->root, &role, &how) < 0)
		role = PROBE_XEN_NONE;
	if (role == PROBE_XEN_NONE) {
		const struct hv_klog *k = probe_klog_get(st);
		const struct hv_klog_hit *kh = hv_klog_find(k, HV_KLOG_XEN_DOM0);

		if (kh && hv_root_existsf(ctx->root, "/sys") < 0) {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
					  "Xen: the last boot in the kernel log ran on Xen ('%s')",
					  kh->msg);
			hv_finding_evidence(f, HV_LAYER_NONE, "%s:%u", k->source, kh->line);
		} else {
			f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "Xen: not running (%s)", how);
		}
		hv_finding_str(f, "verdict", "not-running");
		return 0;
	}
	if (role == PROBE_XEN_DOMU) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "Xen: this host is a Xen guest (domU): VMs run on its dom0");
		hv_finding_evidence(f, HV_LAYER_NONE, "%s", how);
		hv_finding_str(f, "verdict", "guest");
		return 0;
	}
	h = probe_xen_host_get(st);
	if (!h) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "Xen: dom0, but the hypervisor could not be asked what it runs: %s",
				  hv_xen_strerror(st->xen_err));
		hv_finding_evidence(f, HV_LAYER_NONE, "%s", how);
		hv_finding_str(f, "verdict", "dom0");
		return 0;
	}
	hvm = hv_word_in_list(h->virt_caps, "hvm");
	hap = hv_word_in_list(h->virt_caps, "hap");
	if (hvm && hap) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "Xen: usable: dom0 of Xen %s, runs PV, PVH and HVM guests",
				  h->version);
	} else if (hvm && hv_word_in_list(h->virt_caps, "shadow")) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "Xen: usable: dom0 of Xen %s; HVM and PVH guests use slow shadow "
				  "paging (no hap)", h->version);
		hv_finding_evidence(f, HV_LAYER_HARDWARE, "xl info virt_caps: %s", h->virt_caps);
		hv_finding_hint(f, "a CPU with EPT/NPT, or do not boot Xen with hap=0");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "Xen: usable for PV guests only: dom0 of Xen %s; HVM and PVH guests "
				  "cannot start", h->version);
		hv_finding_evidence(f, hvm ? HV_LAYER_HARDWARE : HV_LAYER_FIRMWARE,
				    "xl info virt_caps: %s", h->virt_caps[0] ? h->virt_caps : "(empty)");
		hv_finding_hint(f, "%s", hvm ? "HVM needs EPT/NPT (hap) or a Xen built with shadow "
				"paging" : "enable VT-x/AMD-V in the firmware setup; when Xen runs in "
				"a VM, the outer hypervisor must offer nested virtualization");
	}
	hv_finding_str(f, "verdict", "dom0");
	hv_finding_str(f, "xen_version", h->version);
	hv_finding_str(f, "virt_caps", h->virt_caps);
	return 0;
}
