// SPDX-License-Identifier: GPL-2.0-or-later
/* probe-cpuinfo: the /proc/cpuinfo parser and the VT-x/AMD-V flag decoders. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/probe-cpuinfo.h"

/* A Xeon W-2135 entry as Linux 6.x prints it (abridged flags), two CPUs. */
static const char intel[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 85\n"
	"model name\t: Intel(R) Xeon(R) W-2135 CPU @ 3.70GHz\n"
	"stepping\t: 4\n"
	"flags\t\t: fpu vme vmx smx tpr_shadow flexpriority ept vpid ept_ad fsgsbase\n"
	"vmx flags\t: vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb "
	"flexpriority apicv tsc_offset vtpr mtf vapic ept vpid unrestricted_guest vapic_reg vid "
	"ple shadow_vmcs pml ept_mode_based_exec tsc_scaling\n"
	"bugs\t\t: spectre_v1\n"
	"\n"
	"processor\t: 1\n"
	"vendor_id\t: GenuineIntel\n"
	"model name\t: something else\n"
	"flags\t\t: fpu\n"
	"\n";

static const char arm64[] =
	"processor\t: 0\n"
	"BogoMIPS\t: 50.00\n"
	"Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid\n"
	"CPU implementer\t: 0x41\n"
	"CPU architecture: 8\n"
	"CPU variant\t: 0x3\n"
	"CPU part\t: 0xd0c\n"
	"CPU revision\t: 1\n"
	"\n"
	"processor\t: 1\n"
	"CPU implementer\t: 0x41\n"
	"CPU part\t: 0xd0c\n";

static void test_intel(void **state)
{
	struct probe_cpu c;

	assert_int_equal(probe_cpuinfo_parse(intel, strlen(intel), &c), 0);
	assert_int_equal(c.arch, PROBE_ARCH_X86);
	assert_int_equal(c.vendor, PROBE_VENDOR_INTEL);
	assert_string_equal(c.vendor_id, "GenuineIntel");
	assert_string_equal(c.model_name, "Intel(R) Xeon(R) W-2135 CPU @ 3.70GHz");
	assert_int_equal(c.family, 6);
	assert_int_equal(c.model, 85);
	assert_int_equal(c.stepping, 4);
	assert_int_equal(c.ncpus, 2);
	assert_true(strstr(c.flags, "vmx") != NULL);
	assert_string_equal(c.flags + strlen(c.flags) - 8, "fsgsbase");
	assert_non_null(c.vmx_flags);
	assert_non_null(strstr(c.vmx_flags, "unrestricted_guest"));
	probe_cpuinfo_clear(&c);
}

static void test_arm64(void **state)
{
	struct probe_cpu c;

	assert_int_equal(probe_cpuinfo_parse(arm64, strlen(arm64), &c), 0);
	assert_int_equal(c.arch, PROBE_ARCH_ARM64);
	assert_int_equal(c.vendor, PROBE_VENDOR_ARM);
	assert_string_equal(c.vendor_id, "ARM");
	assert_string_equal(c.model_name, "Neoverse-N1");
	assert_int_equal(c.implementer, 0x41);
	assert_int_equal(c.model, 0xd0c);
	assert_int_equal(c.stepping, 1);
	assert_int_equal(c.ncpus, 2);
	assert_null(c.vmx_flags);
	assert_non_null(strstr(c.flags, "asimd"));
	probe_cpuinfo_clear(&c);
}

static void test_odd_input(void **state)
{
	static const char nul[] = "processor\t: 0\nvendor_id\t: Genuine\0Intel\nflags\t: a\0b c\n";
	static const char crlf[] = "processor : 0\r\nvendor_id : AuthenticAMD\r\nflags : svm npt\r\n";
	static const char bad_nums[] = "processor: 0\nmodel: 99999999999999999999\nstepping: x\n";
	static const char garbage[] = "garbage\n:\n::\n", noproc[] = "vendor_id: GenuineIntel\n";
	struct probe_cpu c;

	assert_int_equal(probe_cpuinfo_parse("", 0, &c), -ENODATA);
	assert_int_equal(probe_cpuinfo_parse(garbage, strlen(garbage), &c), -ENODATA);
	assert_int_equal(probe_cpuinfo_parse(noproc, strlen(noproc), &c), -ENODATA);

	assert_int_equal(probe_cpuinfo_parse(nul, sizeof(nul) - 1, &c), 0);
	assert_string_equal(c.vendor_id, "Genuine");   /* cut at the NUL */
	assert_string_equal(c.flags, "a");
	assert_int_equal(c.vendor, PROBE_VENDOR_OTHER);
	probe_cpuinfo_clear(&c);

	assert_int_equal(probe_cpuinfo_parse(crlf, strlen(crlf), &c), 0);
	assert_int_equal(c.vendor, PROBE_VENDOR_AMD);
	assert_string_equal(c.flags, "svm npt");
	probe_cpuinfo_clear(&c);

	assert_int_equal(probe_cpuinfo_parse(bad_nums, strlen(bad_nums), &c), 0);
	assert_int_equal(c.model, 0);
	assert_int_equal(c.stepping, 0);
	assert_string_equal(c.flags, "");  /* never NULL after a successful parse */
	probe_cpuinfo_clear(&c);
}

static void test_long_flags(void **state)
{
	size_t n = PROBE_CPU_FLAGS_MAX * 2;
	char *buf = malloc(n + 64), *p;
	struct probe_cpu c;

	assert_non_null(buf);
	p = buf + sprintf(buf, "processor\t: 0\nflags\t\t: ");
	while ((size_t)(p - buf) < n)
		p += sprintf(p, "flag%zu ", (size_t)(p - buf));
	*p++ = '\n';
	assert_int_equal(probe_cpuinfo_parse(buf, (size_t)(p - buf), &c), 0);
	assert_true(strlen(c.flags) <= PROBE_CPU_FLAGS_MAX);
	assert_true(strlen(c.flags) > PROBE_CPU_FLAGS_MAX - 16);
	assert_int_equal(strncmp(c.flags + strlen(c.flags) - 1, " ", 1) != 0, 1);  /* cut on a word */
	probe_cpuinfo_clear(&c);
	free(buf);
}

static void test_vmx_decode(void **state)
{
	struct probe_virt_feats vf;

	/* 5.9+: the "vmx flags" line. */
	probe_vmx_decode("vnmi posted_intr ept_ad flexpriority apicv ept vpid unrestricted_guest pml",
			 "vmx ept vpid", &vf);
	assert_true(vf.from_vmx_flags);
	assert_int_equal(vf.have & (PROBE_VF_EPT | PROBE_VF_VPID | PROBE_VF_UG | PROBE_VF_APICV |
				    PROBE_VF_POSTED | PROBE_VF_PML | PROBE_VF_EPT_AD),
			 PROBE_VF_EPT | PROBE_VF_VPID | PROBE_VF_UG | PROBE_VF_APICV |
			 PROBE_VF_POSTED | PROBE_VF_PML | PROBE_VF_EPT_AD);
	assert_false(vf.have & PROBE_VF_SHADOW_VMCS);
	assert_true(vf.known & PROBE_VF_SHADOW_VMCS);

	/* Before 5.9: only the synthetic flags; UG and APICv are unknown, not missing. */
	probe_vmx_decode(NULL, "fpu vmx tpr_shadow vnmi flexpriority ept vpid", &vf);
	assert_false(vf.from_vmx_flags);
	assert_int_equal(vf.have, PROBE_VF_EPT | PROBE_VF_VPID | PROBE_VF_FLEXPRIORITY);
	assert_false(vf.known & PROBE_VF_UG);
	assert_false(vf.known & PROBE_VF_APICV);
	assert_true(vf.known & PROBE_VF_EPT_AD);

	/* "ept" must be a whole word: ept_x_only alone is not EPT. */
	probe_vmx_decode("ept_x_only ept_1gb", NULL, &vf);
	assert_false(vf.have & PROBE_VF_EPT);
	assert_string_equal(probe_vf_name(PROBE_VF_EPT, false), "EPT");
	assert_string_equal(probe_vf_name(PROBE_VF_APICV, false), "APICv");
}

static void test_svm_decode(void **state)
{
	struct probe_virt_feats vf;

	probe_svm_decode("svm npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid "
			 "decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif", &vf);
	assert_true(vf.have & PROBE_VF_EPT);
	assert_true(vf.have & PROBE_VF_APICV);
	assert_true(vf.have & PROBE_VF_VGIF);
	assert_false(vf.have & PROBE_VF_X2AVIC);
	assert_true(vf.known & PROBE_VF_X2AVIC);
	assert_string_equal(probe_vf_name(PROBE_VF_EPT, true), "NPT");
	assert_string_equal(probe_vf_name(PROBE_VF_APICV, true), "AVIC");
	probe_svm_decode("", &vf);
	assert_int_equal(vf.have, 0);
}

static void test_names(void **state)
{
	assert_int_equal(probe_vendor_from_id("AuthenticAMD"), PROBE_VENDOR_AMD);
	assert_int_equal(probe_vendor_from_id("HygonGenuine"), PROBE_VENDOR_HYGON);
	assert_int_equal(probe_vendor_from_id("GenuineIotel"), PROBE_VENDOR_OTHER);
	assert_string_equal(probe_vendor_name(PROBE_VENDOR_INTEL), "Intel");
	assert_string_equal(probe_hv_name("KVMKVMKVM"), "KVM");
	assert_string_equal(probe_hv_name("Microsoft Hv"), "Hyper-V");
	assert_string_equal(probe_hv_name("VMwareVMware"), "VMware");
	assert_string_equal(probe_hv_name("XenVMMXenVMM"), "Xen");
	assert_null(probe_hv_name(""));
	assert_string_equal(probe_arm_part(0x41, 0xd0c), "Neoverse-N1");
	assert_null(probe_arm_part(0x41, 0xfff));
	assert_string_equal(probe_arm_implementer(0xc0), "Ampere");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intel),       cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_odd_input),   cmocka_unit_test(test_long_flags),
		cmocka_unit_test(test_vmx_decode),  cmocka_unit_test(test_svm_decode),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
