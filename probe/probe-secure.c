// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-secure: confidential guests. AMD SEV, SEV-ES and SEV-SNP come from
 * CPUID Fn8000_001F (AMD APM vol. 3, "Encrypted Memory Capabilities": EAX bit 1
 * SEV, bit 3 SEV-ES, bit 4 SEV-SNP; ECX the number of encrypted guests; EDX the
 * first ASID usable by SEV guests, so SEV-ES/SNP guests get ASIDs 1..EDX-1)
 * and what kvm_amd made of them (/sys/module/kvm_amd/parameters/sev, sev_es,
 * sev_snp: "Y" only when firmware and the PSP let KVM use them). Intel TDX
 * shows as the "tdx_host_platform" cpuinfo flag (set when firmware enabled
 * TDX) and /sys/module/kvm_intel/parameters/tdx (Linux 6.16+).
 */
#include "probe/probe-platform.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvcore/hv-report.h"
#include "probe/probe-internal.h"
#include "probe/probe-checks.h"

#define CPUID_SEV_LEAF 0x8000001fu
#define SEV_BIT_SEV (1u << 1)
#define SEV_BIT_ES (1u << 3)
#define SEV_BIT_SNP (1u << 4)

/* Is @flag in /proc/cpuinfo's flags (via the shared parsed CPU)? 1, 0, or -errno. */
static int cpu_flag(struct hv_check_ctx *ctx, const char *flag)
{
	const struct probe_cpu *c;
	int rc = probe_cpu_get(ctx->data, &c);

	if (rc < 0)
		return rc;
	return probe_cpu_has(c, flag);
}

/* A kvm_* module boolean parameter: 1, 0, -ENOENT (no such file), -EINVAL (garbage). */
static int kvm_param(const struct hv_root *r, const char *mod, const char *param)
{
	_cleanup_free_ char *s = NULL;
	int rc = hv_root_read_linef(r, &s, "/sys/module/%s/parameters/%s", mod, param);

	return rc < 0 ? rc : probe_parse_kbool(s);
}

/* Does the CPU vendor allow this check? Adds a SKIP and returns false otherwise. */
static bool want_vendor(struct hv_check_ctx *ctx, bool amd)
{
	const struct probe_cpu *c;
	bool ok;

	if (probe_cpu_get(ctx->data, &c) < 0) {
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP,
			      "%s: the CPU is not visible (no /proc/cpuinfo)", ctx->check->title);
		return false;
	}
	ok = amd ? c->vendor == PROBE_VENDOR_AMD || c->vendor == PROBE_VENDOR_HYGON
		 : c->vendor == PROBE_VENDOR_INTEL;
	if (!ok)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP, "%s: not an %s CPU (%s)",
			      ctx->check->title, amd ? "AMD" : "Intel",
			      c->arch == PROBE_ARCH_ARM64 ? "arm64"
			      : c->vendor_id[0]            ? c->vendor_id
							   : probe_vendor_name(c->vendor));
	return ok;
}

struct sev_kind {
	const char *name;    /* "SEV-ES" */
	uint32_t bit;        /* CPUID 8000_001F EAX */
	const char *flag;    /* cpuinfo flag */
	const char *param;   /* kvm_amd parameter */
	const char *since;   /* kernel that added the parameter */
};

static const struct sev_kind sev = { "SEV", SEV_BIT_SEV, "sev", "sev", "4.16" };
static const struct sev_kind sev_es = { "SEV-ES", SEV_BIT_ES, "sev_es", "sev_es", "5.11" };
static const struct sev_kind sev_snp = { "SEV-SNP", SEV_BIT_SNP, "sev_snp", "sev_snp", "6.11" };

static int check_sev(struct hv_check_ctx *ctx, const struct sev_kind *k)
{
	const char *id = ctx->check->id;
	uint32_t max[4], leaf[4] = { 0 };
	bool cpu_has, from_cpuid = false;
	struct hv_finding *f;
	int64_t asids = -1;
	int param;

	if (!want_vendor(ctx, true))
		return 0;
	if (hv_root_cpuid(ctx->root, 0x80000000u, 0, max) == 0 && max[0] >= CPUID_SEV_LEAF &&
	    hv_root_cpuid(ctx->root, CPUID_SEV_LEAF, 0, leaf) == 0) {
		from_cpuid = true;
		cpu_has = leaf[0] & k->bit;
		/* ECX: encrypted guests in total; EDX: first ASID for plain SEV */
		if (k->bit == SEV_BIT_SEV && leaf[2])
			asids = leaf[2] >= leaf[3] ? (int64_t)leaf[2] - leaf[3] + 1 : leaf[2];
		else if (leaf[3] > 1)
			asids = (int64_t)leaf[3] - 1;
	} else {
		cpu_has = cpu_flag(ctx, k->flag) == 1;
	}
	if (!cpu_has) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "this CPU does not offer %s%s", k->name,
				  from_cpuid ? " (CPUID 0x8000001f)" : " (no cpuinfo flag)");
		hv_finding_bool(f, "cpu", false);
		return 0;
	}
	param = kvm_param(ctx->root, "kvm_amd", k->param);
	if (param == 1) {
		if (asids > 0)
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "%s is available to guests (kvm_amd %s=Y, %lld ASIDs)",
					  k->name, k->param, (long long)asids);
		else
			f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
					  "%s is available to guests (kvm_amd %s=Y)", k->name,
					  k->param);
	} else if (param == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "the CPU offers %s but kvm_amd has it off (%s=N)", k->name,
				  k->param);
		/*
		 * KVM needs SME and SEV enabled in the firmware (SYSCFG
		 * MemEncryptionModeEn), not SME in the host kernel: no
		 * mem_encrypt=on. Since Linux 5.13 kvm_amd turns them on by
		 * itself when supported. SEV-ES and SNP guests use ASIDs
		 * 1..EDX-1: with EDX <= 1 the firmware left them none.
		 */
		if (k->bit != SEV_BIT_SEV && from_cpuid && leaf[3] <= 1)
			hv_finding_hint(f, "the firmware gives %s guests no ASIDs (CPUID 0x8000001f "
					   "EDX = %u): enable SME and SEV%s in the firmware setup "
					   "and raise its SEV-ES ASID space limit, then check "
					   "`dmesg | grep -i sev`",
					k->name, leaf[3],
					k->bit == SEV_BIT_SNP ? "-SNP with SNP memory coverage" : "");
		else
			hv_finding_hint(f, "enable SME and SEV%s in the firmware setup (kernels "
					   "before 5.13 also need kvm_amd.%s=1), then check `dmesg | "
					   "grep -i sev`",
					k->bit == SEV_BIT_SNP ? "-SNP with SNP memory coverage" : "",
					k->param);
	} else if (param == -EINVAL) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "the CPU offers %s but /sys/module/kvm_amd/parameters/%s is not "
				  "Y or N",
				  k->name, k->param);
	} else if (hv_root_existsf(ctx->root, "/sys/module/kvm_amd") < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "the CPU offers %s; kvm_amd is not loaded", k->name);
		hv_finding_hint(f, "modprobe kvm_amd %s=1", k->param);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "the CPU offers %s but this kvm_amd has no %s parameter (Linux < "
				  "%s)",
				  k->name, k->param, k->since);
		hv_finding_hint(f, "a newer kernel is needed for %s guests", k->name);
	}
	hv_finding_bool(f, "cpu", true);
	if (param >= 0)
		hv_finding_bool(f, "kvm", param == 1);
	if (asids > 0)
		hv_finding_int(f, "asids", asids);
	return 0;
}

int probe_chk_secure_sev(struct hv_check_ctx *ctx)
{
	return check_sev(ctx, &sev);
}

int probe_chk_secure_sev_es(struct hv_check_ctx *ctx)
{
	return check_sev(ctx, &sev_es);
}

int probe_chk_secure_sev_snp(struct hv_check_ctx *ctx)
{
	return check_sev(ctx, &sev_snp);
}

int probe_chk_secure_tdx(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	struct hv_finding *f;
	int host, param;

	if (!want_vendor(ctx, false))
		return 0;
	if (cpu_flag(ctx, "tdx_guest") == 1) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "this system is itself a TDX guest; it cannot host TDX guests");
		return 0;
	}
	host = cpu_flag(ctx, "tdx_host_platform");
	if (host < 0)
		return host;
	if (!host) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "TDX is not enabled (no tdx_host_platform cpuinfo flag)");
		hv_finding_hint(f, "TDX needs a 4th gen Xeon or later, TDX enabled in the firmware "
				   "and a kernel with CONFIG_INTEL_TDX_HOST");
		hv_finding_bool(f, "cpu", false);
		return 0;
	}
	param = kvm_param(ctx->root, "kvm_intel", "tdx");
	if (param == 1) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "TDX is available to guests (kvm_intel tdx=Y)");
	} else if (param == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "firmware enabled TDX but kvm_intel has it off (tdx=N)");
		hv_finding_hint(f, "boot with kvm_intel.tdx=1");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "firmware enabled TDX, but this kvm_intel has no tdx parameter "
				  "(Linux < 6.16)");
		hv_finding_hint(f, "a kernel with KVM TDX support (6.16+) is needed for TDX guests");
	}
	hv_finding_bool(f, "cpu", true);
	if (param >= 0)
		hv_finding_bool(f, "kvm", param == 1);
	return 0;
}
