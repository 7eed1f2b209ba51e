// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-reasons: exit-reason name tables (see vbpf-reasons.h for the sources).
 * Each table is indexed by reason number; holes are NULL.
 */
#include "bpf/vbpf-reasons.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hvcore/hv-util.h"

/* include/uapi/linux/kvm.h KVM_EXIT_* */
static const char *const user_names[] = {
	[0] = "UNKNOWN",	[1] = "EXCEPTION",	[2] = "IO",
	[3] = "HYPERCALL",	[4] = "DEBUG",		[5] = "HLT",
	[6] = "MMIO",		[7] = "IRQ_WINDOW_OPEN", [8] = "SHUTDOWN",
	[9] = "FAIL_ENTRY",	[10] = "INTR",		[11] = "SET_TPR",
	[12] = "TPR_ACCESS",	[13] = "S390_SIEIC",	[14] = "S390_RESET",
	[15] = "DCR",		[16] = "NMI",		[17] = "INTERNAL_ERROR",
	[18] = "OSI",		[19] = "PAPR_HCALL",	[20] = "S390_UCONTROL",
	[21] = "WATCHDOG",	[22] = "S390_TSCH",	[23] = "EPR",
	[24] = "SYSTEM_EVENT",	[25] = "S390_STSI",	[26] = "IOAPIC_EOI",
	[27] = "HYPERV",	[28] = "ARM_NISV",	[29] = "X86_RDMSR",
	[30] = "X86_WRMSR",	[31] = "DIRTY_RING_FULL", [32] = "AP_RESET_HOLD",
	[33] = "X86_BUS_LOCK",	[34] = "XEN",		[35] = "RISCV_SBI",
	[36] = "RISCV_CSR",	[37] = "NOTIFY",	[38] = "LOONGARCH_IOCSR",
	[39] = "MEMORY_FAULT",	[40] = "TDX",
};

/* Intel SDM vol. 3C, table C-1 (names as Linux's EXIT_REASON_*). */
static const char *const vmx_names[] = {
	[0] = "EXCEPTION_NMI",		[1] = "EXTERNAL_INTERRUPT",
	[2] = "TRIPLE_FAULT",		[3] = "INIT_SIGNAL",
	[4] = "SIPI_SIGNAL",		[5] = "IO_SMI",
	[6] = "OTHER_SMI",		[7] = "INTERRUPT_WINDOW",
	[8] = "NMI_WINDOW",		[9] = "TASK_SWITCH",
	[10] = "CPUID",			[11] = "GETSEC",
	[12] = "HLT",			[13] = "INVD",
	[14] = "INVLPG",		[15] = "RDPMC",
	[16] = "RDTSC",			[17] = "RSM",
	[18] = "VMCALL",		[19] = "VMCLEAR",
	[20] = "VMLAUNCH",		[21] = "VMPTRLD",
	[22] = "VMPTRST",		[23] = "VMREAD",
	[24] = "VMRESUME",		[25] = "VMWRITE",
	[26] = "VMOFF",			[27] = "VMON",
	[28] = "CR_ACCESS",		[29] = "DR_ACCESS",
	[30] = "IO_INSTRUCTION",	[31] = "MSR_READ",
	[32] = "MSR_WRITE",		[33] = "INVALID_STATE",
	[34] = "MSR_LOAD_FAIL",		[36] = "MWAIT_INSTRUCTION",
	[37] = "MONITOR_TRAP_FLAG",	[39] = "MONITOR_INSTRUCTION",
	[40] = "PAUSE_INSTRUCTION",	[41] = "MCE_DURING_VMENTRY",
	[43] = "TPR_BELOW_THRESHOLD",	[44] = "APIC_ACCESS",
	[45] = "EOI_INDUCED",		[46] = "GDTR_IDTR",
	[47] = "LDTR_TR",		[48] = "EPT_VIOLATION",
	[49] = "EPT_MISCONFIG",		[50] = "INVEPT",
	[51] = "RDTSCP",		[52] = "PREEMPTION_TIMER",
	[53] = "INVVPID",		[54] = "WBINVD",
	[55] = "XSETBV",		[56] = "APIC_WRITE",
	[57] = "RDRAND",		[58] = "INVPCID",
	[59] = "VMFUNC",		[60] = "ENCLS",
	[61] = "RDSEED",		[62] = "PML_FULL",
	[63] = "XSAVES",		[64] = "XRSTORS",
	[67] = "UMWAIT",		[68] = "TPAUSE",
	[74] = "BUS_LOCK",		[75] = "NOTIFY",
	[76] = "SEAMCALL",		[77] = "TDCALL",
};

/* AMD APM vol. 2, appendix C (lower case, as Linux's SVM_EXIT_REASONS print). */
static const char *const svm_names[] = {
	[0x000] = "read_cr0",	[0x003] = "read_cr3",	[0x004] = "read_cr4",
	[0x008] = "read_cr8",	[0x010] = "write_cr0",	[0x013] = "write_cr3",
	[0x014] = "write_cr4",	[0x018] = "write_cr8",	[0x020] = "read_dr0",
	[0x021] = "read_dr1",	[0x022] = "read_dr2",	[0x023] = "read_dr3",
	[0x024] = "read_dr4",	[0x025] = "read_dr5",	[0x026] = "read_dr6",
	[0x027] = "read_dr7",	[0x030] = "write_dr0",	[0x031] = "write_dr1",
	[0x032] = "write_dr2",	[0x033] = "write_dr3",	[0x034] = "write_dr4",
	[0x035] = "write_dr5",	[0x036] = "write_dr6",	[0x037] = "write_dr7",
	/* 0x40 + vector: exceptions, named by their mnemonic */
	[0x040] = "DE_excp",	[0x041] = "DB_excp",	[0x042] = "NMI_excp",
	[0x043] = "BP_excp",	[0x044] = "OF_excp",	[0x045] = "BR_excp",
	[0x046] = "UD_excp",	[0x047] = "NM_excp",	[0x048] = "DF_excp",
	[0x04a] = "TS_excp",	[0x04b] = "NP_excp",	[0x04c] = "SS_excp",
	[0x04d] = "GP_excp",	[0x04e] = "PF_excp",	[0x050] = "MF_excp",
	[0x051] = "AC_excp",	[0x052] = "MC_excp",	[0x053] = "XM_excp",
	[0x054] = "VE_excp",	[0x05e] = "SX_excp",
	[0x060] = "interrupt",	[0x061] = "nmi",	[0x062] = "smi",
	[0x063] = "init",	[0x064] = "vintr",	[0x065] = "cr0_sel_write",
	[0x066] = "read_idtr",	[0x067] = "read_gdtr",	[0x068] = "read_ldtr",
	[0x069] = "read_tr",	[0x06a] = "write_idtr",	[0x06b] = "write_gdtr",
	[0x06c] = "write_ldtr",	[0x06d] = "write_tr",	[0x06e] = "rdtsc",
	[0x06f] = "rdpmc",	[0x070] = "pushf",	[0x071] = "popf",
	[0x072] = "cpuid",	[0x073] = "rsm",	[0x074] = "iret",
	[0x075] = "swint",	[0x076] = "invd",	[0x077] = "pause",
	[0x078] = "hlt",	[0x079] = "invlpg",	[0x07a] = "invlpga",
	[0x07b] = "io",		[0x07c] = "msr",	[0x07d] = "task_switch",
	[0x07e] = "ferr_freeze", [0x07f] = "shutdown",	[0x080] = "vmrun",
	[0x081] = "hypercall",	[0x082] = "vmload",	[0x083] = "vmsave",
	[0x084] = "stgi",	[0x085] = "clgi",	[0x086] = "skinit",
	[0x087] = "rdtscp",	[0x088] = "icebp",	[0x089] = "wbinvd",
	[0x08a] = "monitor",	[0x08b] = "mwait",	[0x08c] = "mwait_cond",
	[0x08d] = "xsetbv",	[0x08e] = "rdpru",	[0x08f] = "write_efer_trap",
	[0x090] = "write_cr0_trap", [0x093] = "write_cr3_trap",
	[0x094] = "write_cr4_trap", [0x098] = "write_cr8_trap",
	[0x0a0] = "invlpgb",	[0x0a1] = "invlpgb_sync", [0x0a2] = "invpcid",
	[0x0a5] = "buslock",	[0x0a6] = "idle_hlt",
	[0x400] = "npf",	[0x401] = "avic_incomplete_ipi",
	[0x402] = "avic_unaccelerated_access", [0x403] = "vmgexit",
};
/* SVM_EXIT_ERR (-1, as a u32): VMRUN refused the guest state. */
#define SVM_EXIT_ERR 0xffffffffu

struct table {
	const char *const *names;
	size_t n;
	const char *prefix;  /* optional prefix accepted by vbpf_reason_parse */
};

static const struct table tables[VBPF_KIND_COUNT] = {
	[VBPF_KIND_USER] = { user_names, HV_ARRAY_SIZE(user_names), "KVM_EXIT_" },
	[VBPF_KIND_VMX] = { vmx_names, HV_ARRAY_SIZE(vmx_names), "EXIT_REASON_" },
	[VBPF_KIND_SVM] = { svm_names, HV_ARRAY_SIZE(svm_names), "SVM_EXIT_" },
};

static const char *const kind_names[VBPF_KIND_COUNT] = { "user", "vmx", "svm" };

const char *vbpf_kind_name(unsigned int kind)
{
	return kind < VBPF_KIND_COUNT ? kind_names[kind] : "?";
}

int vbpf_kind_parse(const char *s)
{
	for (unsigned int k = 0; k < VBPF_KIND_COUNT; k++)
		if (s && !strcmp(s, kind_names[k]))
			return (int)k;
	return -EINVAL;
}

static const char *lookup(unsigned int kind, uint32_t reason)
{
	if (kind >= VBPF_KIND_COUNT || reason >= tables[kind].n)
		return NULL;
	return tables[kind].names[reason];
}

const char *vbpf_reason_name(unsigned int kind, uint32_t reason, char *buf, size_t len)
{
	const char *s;

	if (kind == VBPF_KIND_USER && (reason & VBPF_REASON_ERRNO)) {
		uint32_t e = reason & ~VBPF_REASON_ERRNO;

		if (e == EINTR)
			return "RESTART";
		snprintf(buf, len, "ERRNO_%u", e);
		return buf;
	}
	if (kind == VBPF_KIND_SVM && reason == SVM_EXIT_ERR)
		return "invalid_guest_state";
	if (kind == VBPF_KIND_VMX && (reason & VBPF_VMX_FAILED_ENTRY)) {
		s = lookup(kind, reason & 0xffff);
		if (s)
			snprintf(buf, len, "FAILED_ENTRY_%s", s);
		else
			snprintf(buf, len, "FAILED_ENTRY_0x%x", reason & 0xffff);
		return buf;
	}
	s = lookup(kind, reason);
	if (s)
		return s;
	snprintf(buf, len, kind == VBPF_KIND_SVM ? "unknown_0x%x" : "UNKNOWN_0x%x", reason);
	return buf;
}

static int parse_hex_suffix(const char *s, const char *prefix, uint32_t *out)
{
	const char *rest = NULL;
	uint64_t v;

	if (!strncasecmp(s, prefix, strlen(prefix)))
		rest = s + strlen(prefix);
	if (!rest || hv_parse_u64(rest, 0, &v) < 0 || v > UINT32_MAX)
		return -ENOENT;
	*out = (uint32_t)v;
	return 0;
}

int vbpf_reason_parse(unsigned int kind, const char *name, uint32_t *out)
{
	const struct table *t;
	uint32_t v;

	if (kind >= VBPF_KIND_COUNT || !name)
		return -ENOENT;
	t = &tables[kind];
	if (!strncasecmp(name, t->prefix, strlen(t->prefix)))
		name += strlen(t->prefix);
	if (kind == VBPF_KIND_USER) {
		if (!strcasecmp(name, "RESTART")) {
			*out = VBPF_REASON_ERRNO | EINTR;
			return 0;
		}
		if (parse_hex_suffix(name, "ERRNO_", &v) == 0) {
			*out = VBPF_REASON_ERRNO | v;
			return 0;
		}
	}
	if (kind == VBPF_KIND_SVM && !strcasecmp(name, "invalid_guest_state")) {
		*out = SVM_EXIT_ERR;
		return 0;
	}
	if (kind == VBPF_KIND_VMX && !strncasecmp(name, "FAILED_ENTRY_", 13)) {
		uint64_t v64;

		if (vbpf_reason_parse(kind, name + 13, &v) < 0) {
			if (hv_parse_u64(name + 13, 0, &v64) < 0 || v64 > 0xffff)
				return -ENOENT;
			v = (uint32_t)v64;
		}
		*out = VBPF_VMX_FAILED_ENTRY | v;
		return 0;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->names[i] && !strcasecmp(t->names[i], name)) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	return parse_hex_suffix(name, "UNKNOWN_", out);
}
