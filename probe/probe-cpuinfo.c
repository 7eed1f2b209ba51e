// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-cpuinfo: /proc/cpuinfo as the x86 and arm64 kernels print it
 * (arch/x86/kernel/cpu/proc.c show_cpuinfo, arch/arm64/kernel/cpuinfo.c
 * c_show): "key<TAB>: value" lines, a blank line between CPUs. Only the first
 * CPU's fields are kept (the kernel prints the boot CPU's capabilities for
 * every CPU); "processor" lines are counted. Everything is bounded: the input
 * may come from a mounted disk or a fuzzer.
 */
#include "probe/probe-cpuinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\0';
}

/* Copy the slice [s, s+n) into dst (size dsz), NUL-terminated, stopping at an embedded NUL. */
static void copy_slice(char *dst, size_t dsz, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);

	if (nul)
		n = (size_t)(nul - s);
	if (n >= dsz)
		n = dsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A new string from the slice, cut at PROBE_CPU_FLAGS_MAX on a word boundary. */
static char *dup_flags(const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	char *out;

	if (nul)
		n = (size_t)(nul - s);
	if (n > PROBE_CPU_FLAGS_MAX) {
		n = PROBE_CPU_FLAGS_MAX;
		while (n > 0 && s[n] != ' ' && s[n] != '\t')
			n--;
	}
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\t')
			out[i] = ' ';
	return out;
}

static unsigned int parse_uint(const char *s, size_t n, int base)
{
	char tmp[32];
	uint64_t v;

	copy_slice(tmp, sizeof(tmp), s, n);
	if (hv_parse_u64(tmp, base, &v) < 0 || v > 0xffffffffull)
		return 0;
	return (unsigned int)v;
}

static bool key_is(const char *k, size_t kn, const char *want)
{
	return kn == strlen(want) && memcmp(k, want, kn) == 0;
}

int probe_cpuinfo_parse(const char *buf, size_t len, struct probe_cpu *cpu)
{
	const char *p = buf, *end = buf + len;
	bool have_model_name = false, have_vendor = false;

	memset(cpu, 0, sizeof(*cpu));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		const char *k = p, *v;
		size_t kn, vn;

		p = nl ? nl + 1 : end;
		if (!colon)
			continue;
		kn = (size_t)(colon - k);
		while (kn > 0 && is_blank(k[kn - 1]))
			kn--;
		while (kn > 0 && is_blank(*k)) {
			k++;
			kn--;
		}
		v = colon + 1;
		while (v < le && is_blank(*v) && *v != '\0')
			v++;
		vn = (size_t)(le - v);
		while (vn > 0 && is_blank(v[vn - 1]))
			vn--;

		if (key_is(k, kn, "processor")) {
			if (cpu->ncpus < PROBE_CPU_MAX_CPUS)
				cpu->ncpus++;
			continue;
		}
		/* Only the first CPU's description is kept. */
		if (cpu->ncpus > 1)
			continue;
		if (key_is(k, kn, "vendor_id") && !have_vendor) {
			copy_slice(cpu->vendor_id, sizeof(cpu->vendor_id), v, vn);
			cpu->vendor = probe_vendor_from_id(cpu->vendor_id);
			cpu->arch = PROBE_ARCH_X86;
			have_vendor = true;
		} else if (key_is(k, kn, "cpu family")) {
			cpu->family = parse_uint(v, vn, 10);
		} else if (key_is(k, kn, "model")) {
			cpu->model = parse_uint(v, vn, 10);
		} else if (key_is(k, kn, "stepping")) {
			cpu->stepping = parse_uint(v, vn, 10);
		} else if (key_is(k, kn, "model name") && !have_model_name) {
			copy_slice(cpu->model_name, sizeof(cpu->model_name), v, vn);
			have_model_name = true;
		} else if ((key_is(k, kn, "flags") || key_is(k, kn, "Features")) && !cpu->flags) {
			cpu->flags = dup_flags(v, vn);
			if (!cpu->flags)
				goto nomem;
		} else if (key_is(k, kn, "vmx flags") && !cpu->vmx_flags) {
			cpu->vmx_flags = dup_flags(v, vn);
			if (!cpu->vmx_flags)
				goto nomem;
		} else if (key_is(k, kn, "CPU implementer") && !have_vendor) {
			const char *name;

			cpu->implementer = parse_uint(v, vn, 0);
			cpu->arch = PROBE_ARCH_ARM64;
			cpu->vendor = PROBE_VENDOR_ARM;
			name = probe_arm_implementer(cpu->implementer);
			if (name)
				snprintf(cpu->vendor_id, sizeof(cpu->vendor_id), "%s", name);
			else
				snprintf(cpu->vendor_id, sizeof(cpu->vendor_id), "0x%02x",
					 cpu->implementer);
			have_vendor = true;
		} else if (key_is(k, kn, "CPU architecture")) {
			cpu->family = parse_uint(v, vn, 0);
		} else if (key_is(k, kn, "CPU part")) {
			cpu->model = parse_uint(v, vn, 0);
		} else if (key_is(k, kn, "CPU revision")) {
			cpu->stepping = parse_uint(v, vn, 0);
		}
	}
	if (cpu->ncpus == 0) {
		probe_cpuinfo_clear(cpu);
		return -ENODATA;
	}
	if (!cpu->flags) {
		cpu->flags = strdup("");
		if (!cpu->flags)
			goto nomem;
	}
	if (cpu->arch == PROBE_ARCH_ARM64 && !have_model_name) {
		const char *part = probe_arm_part(cpu->implementer, cpu->model);

		if (part)
			snprintf(cpu->model_name, sizeof(cpu->model_name), "%s", part);
	}
	return 0;
nomem:
	probe_cpuinfo_clear(cpu);
	return -ENOMEM;
}

void probe_cpuinfo_clear(struct probe_cpu *cpu)
{
	free(cpu->flags);
	free(cpu->vmx_flags);
	cpu->flags = NULL;
	cpu->vmx_flags = NULL;
}

/* CPUID leaf 0 vendor strings (the kernel's cpu_dev tables). */
static const struct {
	const char *id;
	enum probe_vendor v;
	const char *name;
} vendors[] = {
	{ "GenuineIntel", PROBE_VENDOR_INTEL, "Intel" },
	{ "AuthenticAMD", PROBE_VENDOR_AMD, "AMD" },
	{ "HygonGenuine", PROBE_VENDOR_HYGON, "Hygon" },
	{ "CentaurHauls", PROBE_VENDOR_ZHAOXIN, "Zhaoxin" },
	{ "Shanghai", PROBE_VENDOR_ZHAOXIN, "Zhaoxin" },
};

enum probe_vendor probe_vendor_from_id(const char *vendor_id)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(vendors); i++)
		if (strcmp(vendor_id, vendors[i].id) == 0)
			return vendors[i].v;
	return PROBE_VENDOR_OTHER;
}

const char *probe_vendor_name(enum probe_vendor v)
{
	if (v == PROBE_VENDOR_ARM)
		return "ARM";
	for (size_t i = 0; i < HV_ARRAY_SIZE(vendors); i++)
		if (vendors[i].v == v)
			return vendors[i].name;
	return "unknown";
}

/* arm64 MIDR implementer codes (util-linux lscpu-arm.c, abridged). */
static const struct {
	unsigned int id;
	const char *name;
} arm_implementers[] = {
	{ 0x41, "ARM" },      { 0x42, "Broadcom" }, { 0x43, "Cavium" },  { 0x46, "Fujitsu" },
	{ 0x48, "HiSilicon" }, { 0x4e, "NVIDIA" },  { 0x50, "APM" },     { 0x51, "Qualcomm" },
	{ 0x53, "Samsung" },  { 0x61, "Apple" },    { 0x6d, "Microsoft" }, { 0xc0, "Ampere" },
};

static const struct {
	unsigned int impl, part;
	const char *name;
} arm_parts[] = {
	{ 0x41, 0xd03, "Cortex-A53" },  { 0x41, 0xd05, "Cortex-A55" },
	{ 0x41, 0xd07, "Cortex-A57" },  { 0x41, 0xd08, "Cortex-A72" },
	{ 0x41, 0xd0b, "Cortex-A76" },  { 0x41, 0xd0c, "Neoverse-N1" },
	{ 0x41, 0xd40, "Neoverse-V1" }, { 0x41, 0xd49, "Neoverse-N2" },
	{ 0x41, 0xd4f, "Neoverse-V2" }, { 0x43, 0x0af, "ThunderX2 99xx" },
	{ 0x48, 0xd01, "Kunpeng-920" }, { 0xc0, 0xac3, "Ampere-1" },
	{ 0xc0, 0xac4, "Ampere-1a" },
};

const char *probe_arm_implementer(unsigned int implementer)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(arm_implementers); i++)
		if (arm_implementers[i].id == implementer)
			return arm_implementers[i].name;
	return NULL;
}

const char *probe_arm_part(unsigned int implementer, unsigned int part)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(arm_parts); i++)
		if (arm_parts[i].impl == implementer && arm_parts[i].part == part)
			return arm_parts[i].name;
	return NULL;
}

/*
 * CPUID 0x40000000 EBX:ECX:EDX signatures (Linux arch/x86/include/asm/
 * hypervisor.h users, QEMU target/i386/kvm, systemd's detect-virt table).
 */
static const struct {
	const char *sig;
	const char *name;
} hv_sigs[] = {
	{ "KVMKVMKVM", "KVM" },
	{ "Linux KVM Hv", "KVM (Hyper-V enlightenments)" },
	{ "Microsoft Hv", "Hyper-V" },
	{ "VMwareVMware", "VMware" },
	{ "XenVMMXenVMM", "Xen" },
	{ "TCGTCGTCGTCG", "QEMU TCG" },
	{ "VBoxVBoxVBox", "VirtualBox" },
	{ " lrpepyh  vr", "Parallels" },
	{ "bhyve bhyve ", "bhyve" },
	{ "ACRNACRNACRN", "ACRN" },
	{ " QNXQVMBSQG ", "QNX" },
	{ "UnisysSpar64", "Unisys s-Par" },
	{ "SRESRESRESRE", "SRE" },
	{ "Jailhouse", "Jailhouse" },
};

const char *probe_hv_name(const char *signature)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(hv_sigs); i++)
		if (strcmp(signature, hv_sigs[i].sig) == 0)
			return hv_sigs[i].name;
	return NULL;
}

/* Names of the "vmx flags" line (arch/x86/include/asm/vmxfeatures.h). */
static const struct {
	const char *flag;
	unsigned int bit;
} vmx_names[] = {
	{ "ept", PROBE_VF_EPT },
	{ "vpid", PROBE_VF_VPID },
	{ "unrestricted_guest", PROBE_VF_UG },
	{ "apicv", PROBE_VF_APICV },
	{ "posted_intr", PROBE_VF_POSTED },
	{ "pml", PROBE_VF_PML },
	{ "ept_ad", PROBE_VF_EPT_AD },
	{ "shadow_vmcs", PROBE_VF_SHADOW_VMCS },
	{ "tsc_scaling", PROBE_VF_TSC_SCALING },
	{ "flexpriority", PROBE_VF_FLEXPRIORITY },
	{ "ple", PROBE_VF_PAUSE },
};

/* Before 5.9 the kernel showed only these synthetic VT-x flags (cpufeatures.h word 8). */
static const struct {
	const char *flag;
	unsigned int bit;
} vmx_old_names[] = {
	{ "ept", PROBE_VF_EPT },
	{ "vpid", PROBE_VF_VPID },
	{ "flexpriority", PROBE_VF_FLEXPRIORITY },
	{ "ept_ad", PROBE_VF_EPT_AD },
};

/* AMD-V flags of the "flags" line (cpufeatures.h word 15 and friends). */
static const struct {
	const char *flag;
	unsigned int bit;
} svm_names[] = {
	{ "npt", PROBE_VF_EPT },
	{ "flushbyasid", PROBE_VF_VPID },
	{ "avic", PROBE_VF_APICV },
	{ "x2avic", PROBE_VF_X2AVIC },
	{ "nrip_save", PROBE_VF_NRIPS },
	{ "vgif", PROBE_VF_VGIF },
	{ "v_vmsave_vmload", PROBE_VF_SHADOW_VMCS },
	{ "tsc_scale", PROBE_VF_TSC_SCALING },
	{ "decodeassists", PROBE_VF_DECODE },
	{ "pausefilter", PROBE_VF_PAUSE },
};

void probe_vmx_decode(const char *vmx_flags, const char *flags, struct probe_virt_feats *out)
{
	memset(out, 0, sizeof(*out));
	if (vmx_flags) {
		out->from_vmx_flags = true;
		for (size_t i = 0; i < HV_ARRAY_SIZE(vmx_names); i++) {
			out->known |= vmx_names[i].bit;
			if (hv_word_in_list(vmx_flags, vmx_names[i].flag))
				out->have |= vmx_names[i].bit;
		}
		return;
	}
	for (size_t i = 0; i < HV_ARRAY_SIZE(vmx_old_names); i++) {
		out->known |= vmx_old_names[i].bit;
		if (flags && hv_word_in_list(flags, vmx_old_names[i].flag))
			out->have |= vmx_old_names[i].bit;
	}
}

void probe_svm_decode(const char *flags, struct probe_virt_feats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < HV_ARRAY_SIZE(svm_names); i++) {
		out->known |= svm_names[i].bit;
		if (flags && hv_word_in_list(flags, svm_names[i].flag))
			out->have |= svm_names[i].bit;
	}
}

const char *probe_vf_name(unsigned int bit, bool svm)
{
	switch (bit) {
	case PROBE_VF_EPT: return svm ? "NPT" : "EPT";
	case PROBE_VF_VPID: return svm ? "flush-by-ASID" : "VPID";
	case PROBE_VF_UG: return "unrestricted guest";
	case PROBE_VF_APICV: return svm ? "AVIC" : "APICv";
	case PROBE_VF_POSTED: return "posted interrupts";
	case PROBE_VF_PML: return "PML";
	case PROBE_VF_EPT_AD: return "EPT A/D";
	case PROBE_VF_SHADOW_VMCS: return svm ? "virtual VMSAVE/VMLOAD" : "VMCS shadowing";
	case PROBE_VF_TSC_SCALING: return "TSC scaling";
	case PROBE_VF_FLEXPRIORITY: return "FlexPriority";
	case PROBE_VF_NRIPS: return "NRIP save";
	case PROBE_VF_VGIF: return "vGIF";
	case PROBE_VF_X2AVIC: return "x2AVIC";
	case PROBE_VF_DECODE: return "decode assists";
	case PROBE_VF_PAUSE: return svm ? "pause filter" : "PAUSE-loop exiting";
	}
	return "?";
}
