// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hvcore kernel log: every row of hv-klog.c's table against the line the
 * kernel prints (as captured in dmesg, kern.log and sosreports), the glob
 * matcher, the syslog/timestamp prefixes, and "the last boot only".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-klog.h"
#include "hvcore/hv-supportconfig.h"
#include "hvcore/hv-util.h"

/*
 * One kernel line per table row (message text as the kernel source prints it,
 * with the prefixes real logs carry), and the cause it must map to.
 */
static const struct {
	const char *line;
	enum hv_klog_cause cause;
} lines[] = {
	/* x86.c before 6.1; 6.1-6.3; feat_ctl.c; vmx.c 6.4+; older vmx.c; svm.c */
	{ "[    6.012345] kvm: disabled by bios", HV_KLOG_VT_FW_OFF },
	{ "[    6.893301] kvm: support for 'kvm_intel' disabled by bios", HV_KLOG_VT_FW_OFF },
	{ "[    0.105118] x86/cpu: VMX (outside TXT) disabled by BIOS", HV_KLOG_VT_FW_OFF },
	{ "[    0.105118] x86/cpu: VMX (inside TXT) disabled by BIOS", HV_KLOG_VT_FW_OFF },
	{ "[    5.1] kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 0",
	  HV_KLOG_VT_FW_OFF },
	{ "[    5.1] kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL", HV_KLOG_VT_FW_OFF },
	{ "[    5.1] kvm_intel: VMX is disabled on CPU 3", HV_KLOG_VT_FW_OFF },
	{ "[    4.2] kvm_amd: SVM disabled (by BIOS) in MSR_VM_CR on CPU 1", HV_KLOG_VT_FW_OFF },
	{ "[    4.2] kvm_amd: SVM disabled in MSR_VM_CR on CPU 1", HV_KLOG_VT_FW_OFF },
	{ "[    5.1] kvm_intel: VMX not fully enabled on CPU 0.  Check kernel logs and/or BIOS",
	  HV_KLOG_VT_NOT_FULL },
	{ "[    5.1] kvm_intel: VMX not supported by CPU 0", HV_KLOG_VT_NO_CPU },
	{ "[    5.1] kvm_intel: CPU doesn't support VMX", HV_KLOG_VT_NO_CPU },
	{ "[    4.2] kvm_amd: SVM not supported by CPU 0, not amd or hygon", HV_KLOG_VT_NO_CPU },
	{ "[    4.2] kvm_amd: SVM not supported by CPU 2, svm not available", HV_KLOG_VT_NO_CPU },
	{ "[    4.2] kvm_amd: SVM not supported, svm not available", HV_KLOG_VT_NO_CPU },
	{ "[   12.3] has_svm: svm not available", HV_KLOG_VT_NO_CPU },
	{ "[   12.3] has_svm: not amd", HV_KLOG_VT_NO_CPU },
	{ "[    4.2] kvm_amd: CPU 0 isn't AMD or Hygon", HV_KLOG_VT_NO_CPU },
	{ "[   12.3] kvm: no hardware support", HV_KLOG_KVM_NO_HW },
	{ "[   12.3] kvm: no hardware support for 'kvm_amd'", HV_KLOG_KVM_NO_HW },
	{ "[   12.3] kvm: already loaded the other module", HV_KLOG_KVM_OTHER_VENDOR },
	{ "[   12.3] kvm: already loaded vendor module 'kvm_intel'", HV_KLOG_KVM_OTHER_VENDOR },
	{ "[   88.1] kvm: enabling virtualization on CPU2 failed", HV_KLOG_KVM_ENABLE_FAIL },
	{ "[    5.1] kvm_intel: CPU 3 feature inconsistency!", HV_KLOG_KVM_INCONSISTENT },
	{ "[    4.2] kvm_amd: KVM is unsupported when running as an SEV guest",
	  HV_KLOG_KVM_SEV_GUEST },
	{ "[    0.289991] kvm-pvm: this kernel is itself a kvm-pvm guest; not binding",
	  HV_KLOG_PVM_GUEST },
	{ "[    4.2] kvm_amd: Nested Virtualization enabled", HV_KLOG_KVM_NESTED },
	{ "[    4.2] kvm_amd: Nested Paging disabled", HV_KLOG_KVM_NPT_OFF },
	{ "[    5.1] kvm_intel: L1TF CPU bug present and SMT on, data leak possible. See "
	  "CVE-2018-3646 and https://www.kernel.org/doc/html/latest/admin-guide/hw-vuln/l1tf.html "
	  "for details.", HV_KLOG_KVM_L1TF },
	{ "[    0.000000] Hypervisor detected: KVM", HV_KLOG_HV_DETECTED },
	{ "[    0.350215] CPU: All CPU(s) started at EL2", HV_KLOG_ARM_EL2 },
	{ "[    0.350215] CPU: All CPU(s) started at EL1", HV_KLOG_ARM_EL1 },
	{ "[    1.3] kvm [1]: HYP mode not available", HV_KLOG_ARM_HYP_OFF },
	{ "[    1.343310] kvm [1]: VHE mode initialized successfully", HV_KLOG_ARM_VHE },
	/* a real ThinkPad log (i5-3210M): the firmware bug line, then the IR lines */
	{ "[    0.025213] [Firmware Bug]: ioapic 2 has no mapping iommu, interrupt remapping "
	  "will be disabled", HV_KLOG_IR_OFF },
	{ "[    0.1] DMAR: [Firmware Bug]: No firmware reserved region can cover this RMRR "
	  "[0x00000000bf000000-0x00000000bf7fffff], contact BIOS vendor for fixes",
	  HV_KLOG_IOMMU_FW_BUG },
	{ "[    0.1] AMD-Vi: [Firmware Bug]: : IOAPIC[9] not in IVRS table", HV_KLOG_IOMMU_FW_BUG },
	{ "[    0.1] [Firmware Bug]: AMD-Vi: IOAPIC[32] not in IVRS table", HV_KLOG_IOMMU_FW_BUG },
	{ "[    0.1] DMAR: [Firmware Bug]: Your BIOS is broken; DMAR reported at address 0!",
	  HV_KLOG_IOMMU_FW_BUG },
	{ "[    0.0] DMAR: IOMMU enabled", HV_KLOG_IOMMU_ON },
	{ "[    0.0] Intel-IOMMU: enabled", HV_KLOG_IOMMU_ON },
	{ "[    0.9] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40", HV_KLOG_IOMMU_ON },
	{ "[    0.0] DMAR: IOMMU disabled", HV_KLOG_IOMMU_OFF },
	{ "[    0.2] DMAR-IR: Enabled IRQ remapping in x2apic mode", HV_KLOG_IR_ON },
	{ "[    0.2] DMAR-IR: Enabled IRQ remapping in xapic mode", HV_KLOG_IR_ON },
	{ "[    0.9] AMD-Vi: Interrupt remapping enabled", HV_KLOG_IR_ON },
	{ "[    0.025215] Failed to enable irq remapping.  You are vulnerable to irq-injection "
	  "attacks.", HV_KLOG_IR_OFF },
	{ "[    0.025214] Not enable interrupt remapping", HV_KLOG_IR_OFF },
	{ "[    0.081129] Not enabling interrupt remapping due to skipped IO-APIC setup",
	  HV_KLOG_IR_OFF },
	{ "[    0.2] x2apic: IRQ remapping doesn't support X2APIC mode", HV_KLOG_IR_OFF },
	{ "[    0.0] Booting paravirtualized kernel on Xen HVM", HV_KLOG_XEN_HVM_GUEST },
	{ "[    0.0] Booting paravirtualized kernel on Xen PVH", HV_KLOG_XEN_HVM_GUEST },
	{ "[    0.0] Booting paravirtualized kernel on Xen", HV_KLOG_XEN_DOM0 },
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < HV_ARRAY_SIZE(lines); i++) {
		struct hv_klog k = { 0 };

		assert_int_equal(hv_klog_scan(lines[i].line, strlen(lines[i].line), &k), 1);
		if (k.hits[0].cause != lines[i].cause)
			fail_msg("'%s': cause %d, want %d", lines[i].line, k.hits[0].cause,
				 lines[i].cause);
		assert_int_equal(k.hits[0].line, 1);
		assert_non_null(hv_klog_cause_info(k.hits[0].cause)->meaning);
	}
	/* every cause has a description, an id and a subject */
	for (int c = 0; c < HV_KLOG_CAUSE_COUNT; c++) {
		assert_non_null(hv_klog_cause_info(c)->id);
		assert_non_null(hv_klog_cause_info(c)->subject);
	}
	assert_null(hv_klog_cause_info(HV_KLOG_CAUSE_COUNT));
}

/* Lines that look close but are not causes. */
static void test_no_match(void **state)
{
	static const char *const quiet[] = {
		"[    0.1] x86/cpu: SGX disabled by BIOS.",
		"[    6.1] kvm: Nested Virtualization disabled",
		"[    0.0] DMAR: Host address width 46",
		"[  100.0] kvm [1234]: vcpu0, guest rIP: 0xffffffff81060f28 unhandled rdmsr: 0x140",
		"",
	};

	(void)state;
	for (size_t i = 0; i < HV_ARRAY_SIZE(quiet); i++) {
		struct hv_klog k = { 0 };

		if (hv_klog_scan(quiet[i], strlen(quiet[i]), &k) != 0)
			fail_msg("'%s' matched cause %d", quiet[i], k.hits[0].cause);
	}
}

static void test_match(void **state)
{
	(void)state;
	assert_true(hv_klog_match("support for '*' disabled by bios",
				  "kvm: Support for 'kvm_amd' disabled by BIOS"));
	assert_false(hv_klog_match("support for '*' disabled by bios", "support for 'x'"));
	assert_true(hv_klog_match("a*b*c", "xxaYYbZZc"));
	assert_false(hv_klog_match("a*b*c", "cba"));
	assert_true(hv_klog_match("", "anything"));
	assert_true(hv_klog_match("*", ""));
}

/* kern.log: syslog prefixes, several boots: only the last counts; repeated lines count. */
static void test_kern_log(void **state)
{
	static const char log[] =
		"Dec  1 10:00:00 host kernel: [    0.000000] Linux version 6.1.0-9-amd64\n"
		"Dec  1 10:00:06 host kernel: [    6.8] kvm: support for 'kvm_intel' disabled by bios\n"
		"Dec  2 09:00:00 host kernel: [    0.000000] Linux version 6.1.0-10-amd64\n"
		"Dec  2 09:00:00 host kernel: [    0.000000] Hypervisor detected: Microsoft Hyper-V\n"
		"Dec  2 09:00:05 host kernel: [    5.1] kvm_intel: VMX not supported by CPU 0\n"
		"Dec  2 09:00:05 host kernel: [    5.1] kvm_intel: VMX not supported by CPU 1\n"
		"<3>[    5.2] kvm: enabling virtualization on CPU1 failed";
	struct hv_klog k = { 0 };
	const struct hv_klog_hit *h;

	(void)state;
	assert_int_equal(hv_klog_scan(log, strlen(log), &k), 3);
	assert_int_equal(k.first_line, 3);
	assert_int_equal(k.nlines, 5);
	assert_null(hv_klog_find(&k, HV_KLOG_VT_FW_OFF));   /* an earlier boot */
	assert_string_equal(k.hypervisor, "Microsoft Hyper-V");
	h = hv_klog_find(&k, HV_KLOG_VT_NO_CPU);
	assert_non_null(h);
	assert_int_equal(h->line, 5);
	assert_int_equal(h->count, 2);
	assert_string_equal(h->msg, "kvm_intel: VMX not supported by CPU 0");
	h = hv_klog_find(&k, HV_KLOG_KVM_ENABLE_FAIL);
	assert_non_null(h);
	assert_string_equal(h->msg, "kvm: enabling virtualization on CPU1 failed");
	/* not NUL-terminated input, control characters kept printable */
	memset(&k, 0, sizeof(k));
	assert_int_equal(hv_klog_scan("kvm: disabled by bios\x01\x02zzzz", 23, &k), 1);
	assert_string_equal(k.hits[0].msg, "kvm: disabled by bios??");
}

/* supportconfig sections: the one named, up to the next header; prefixes of names match. */
static void test_supportconfig(void **state)
{
	static const char sc[] =
		"#==[ Command ]======================================#\n"
		"# /bin/uname -a\n"
		"Linux node 4.4.121-92.85-default #1 SMP x86_64 GNU/Linux\n"
		"\n"
		"#==[ Command ]======================================#\n"
		"# /bin/dmesg -T\n"
		"[x] kvm: disabled by bios\n"
		"#==[ Log File ]=====================================#\n"
		"# /var/log/boot.msg\n";
	char *s = NULL;

	(void)state;
	assert_int_equal(hv_supportconfig_section(sc, strlen(sc), "/bin/dmesg", &s), 26);
	assert_string_equal(s, "[x] kvm: disabled by bios\n");
	free(s);
	assert_true(hv_supportconfig_section(sc, strlen(sc), "/bin/uname -a", &s) > 0);
	assert_non_null(strstr(s, "4.4.121-92.85-default"));
	free(s);
	/* the last section is empty; an absent one, or a header cut short, is -ENOENT */
	assert_int_equal(hv_supportconfig_section(sc, strlen(sc), "/var/log/boot.msg", &s), 0);
	free(s);
	assert_int_equal(hv_supportconfig_section(sc, strlen(sc), "/proc/cpuinfo", &s), -ENOENT);
	assert_null(s);
	assert_int_equal(hv_supportconfig_section("#==[", 4, "/bin", &s), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_kern_log),
		cmocka_unit_test(test_supportconfig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
