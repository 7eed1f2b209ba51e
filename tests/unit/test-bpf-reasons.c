// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Exit-reason name tables (bpf/vbpf-reasons.c): known numbers from the
 * kernel's uapi headers map to the names kvm_exit / kvm_userspace_exit print,
 * names parse back, and unknown numbers get stable made-up names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/vbpf-reasons.h"

static const char *name(unsigned int kind, uint32_t r)
{
	static char buf[64];

	return vbpf_reason_name(kind, r, buf, sizeof(buf));
}

static void test_user_names(void **state)
{
	/* include/uapi/linux/kvm.h */
	assert_string_equal(name(VBPF_KIND_USER, 0), "UNKNOWN");
	assert_string_equal(name(VBPF_KIND_USER, 2), "IO");
	assert_string_equal(name(VBPF_KIND_USER, 5), "HLT");
	assert_string_equal(name(VBPF_KIND_USER, 6), "MMIO");
	assert_string_equal(name(VBPF_KIND_USER, 8), "SHUTDOWN");
	assert_string_equal(name(VBPF_KIND_USER, 10), "INTR");
	assert_string_equal(name(VBPF_KIND_USER, 17), "INTERNAL_ERROR");
	assert_string_equal(name(VBPF_KIND_USER, 24), "SYSTEM_EVENT");
	assert_string_equal(name(VBPF_KIND_USER, 29), "X86_RDMSR");
	assert_string_equal(name(VBPF_KIND_USER, 37), "NOTIFY");
	assert_string_equal(name(VBPF_KIND_USER, 39), "MEMORY_FAULT");
	assert_string_equal(name(VBPF_KIND_USER, 1000), "UNKNOWN_0x3e8");
	/* KVM_RUN failing: the kernel prints "restart" for -EINTR */
	assert_string_equal(name(VBPF_KIND_USER, VBPF_REASON_ERRNO | EINTR), "RESTART");
	assert_string_equal(name(VBPF_KIND_USER, VBPF_REASON_ERRNO | EFAULT), "ERRNO_14");
}

static void test_vmx_names(void **state)
{
	/* arch/x86/include/uapi/asm/vmx.h */
	assert_string_equal(name(VBPF_KIND_VMX, 0), "EXCEPTION_NMI");
	assert_string_equal(name(VBPF_KIND_VMX, 1), "EXTERNAL_INTERRUPT");
	assert_string_equal(name(VBPF_KIND_VMX, 10), "CPUID");
	assert_string_equal(name(VBPF_KIND_VMX, 12), "HLT");
	assert_string_equal(name(VBPF_KIND_VMX, 30), "IO_INSTRUCTION");
	assert_string_equal(name(VBPF_KIND_VMX, 31), "MSR_READ");
	assert_string_equal(name(VBPF_KIND_VMX, 32), "MSR_WRITE");
	assert_string_equal(name(VBPF_KIND_VMX, 48), "EPT_VIOLATION");
	assert_string_equal(name(VBPF_KIND_VMX, 49), "EPT_MISCONFIG");
	assert_string_equal(name(VBPF_KIND_VMX, 52), "PREEMPTION_TIMER");
	assert_string_equal(name(VBPF_KIND_VMX, 75), "NOTIFY");
	assert_string_equal(name(VBPF_KIND_VMX, 35), "UNKNOWN_0x23");  /* a hole */
	assert_string_equal(name(VBPF_KIND_VMX, VBPF_VMX_FAILED_ENTRY | 33),
			    "FAILED_ENTRY_INVALID_STATE");
}

static void test_svm_names(void **state)
{
	/* arch/x86/include/uapi/asm/svm.h */
	assert_string_equal(name(VBPF_KIND_SVM, 0x000), "read_cr0");
	assert_string_equal(name(VBPF_KIND_SVM, 0x04e), "PF_excp");
	assert_string_equal(name(VBPF_KIND_SVM, 0x060), "interrupt");
	assert_string_equal(name(VBPF_KIND_SVM, 0x072), "cpuid");
	assert_string_equal(name(VBPF_KIND_SVM, 0x078), "hlt");
	assert_string_equal(name(VBPF_KIND_SVM, 0x07b), "io");
	assert_string_equal(name(VBPF_KIND_SVM, 0x07c), "msr");
	assert_string_equal(name(VBPF_KIND_SVM, 0x081), "hypercall");
	assert_string_equal(name(VBPF_KIND_SVM, 0x400), "npf");
	assert_string_equal(name(VBPF_KIND_SVM, 0x403), "vmgexit");
	assert_string_equal(name(VBPF_KIND_SVM, 0xffffffffu), "invalid_guest_state");
	assert_string_equal(name(VBPF_KIND_SVM, 0x500), "unknown_0x500");
}

static void test_kinds(void **state)
{
	assert_string_equal(vbpf_kind_name(VBPF_KIND_USER), "user");
	assert_string_equal(vbpf_kind_name(VBPF_KIND_VMX), "vmx");
	assert_string_equal(vbpf_kind_name(VBPF_KIND_SVM), "svm");
	assert_string_equal(vbpf_kind_name(7), "?");
	assert_int_equal(vbpf_kind_parse("svm"), VBPF_KIND_SVM);
	assert_int_equal(vbpf_kind_parse("SVM"), -EINVAL);
	assert_int_equal(vbpf_kind_parse(NULL), -EINVAL);
}

/* Every name in every table parses back to its number (the report depends on it). */
static void test_round_trip(void **state)
{
	static const uint32_t extra[VBPF_KIND_COUNT][3] = {
		[VBPF_KIND_USER] = { VBPF_REASON_ERRNO | EINTR, VBPF_REASON_ERRNO | 14, 1000 },
		[VBPF_KIND_VMX] = { VBPF_VMX_FAILED_ENTRY | 33, VBPF_VMX_FAILED_ENTRY | 0x63, 1000 },
		[VBPF_KIND_SVM] = { 0xffffffffu, 0x500, 0x7fffffff },
	};
	char buf[64];
	uint32_t r, back;

	for (unsigned int k = 0; k < VBPF_KIND_COUNT; k++) {
		for (r = 0; r < 0x500; r++) {
			const char *n = vbpf_reason_name(k, r, buf, sizeof(buf));

			assert_int_equal(vbpf_reason_parse(k, n, &back), 0);
			assert_int_equal(back, r);
		}
		for (size_t i = 0; i < 3; i++) {
			const char *n = vbpf_reason_name(k, extra[k][i], buf, sizeof(buf));

			assert_int_equal(vbpf_reason_parse(k, n, &back), 0);
			assert_int_equal(back, extra[k][i]);
		}
	}
}

static void test_parse_prefixes(void **state)
{
	uint32_t r;

	assert_int_equal(vbpf_reason_parse(VBPF_KIND_USER, "KVM_EXIT_MMIO", &r), 0);
	assert_int_equal(r, 6);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_USER, "hlt", &r), 0);
	assert_int_equal(r, 5);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_VMX, "EXIT_REASON_EPT_VIOLATION", &r), 0);
	assert_int_equal(r, 48);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_SVM, "SVM_EXIT_NPF", &r), 0);
	assert_int_equal(r, 0x400);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_USER, "NO_SUCH_REASON", &r), -ENOENT);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_USER, "", &r), -ENOENT);
	assert_int_equal(vbpf_reason_parse(VBPF_KIND_USER, NULL, &r), -ENOENT);
	assert_int_equal(vbpf_reason_parse(9, "IO", &r), -ENOENT);
}

static void test_small_buffer(void **state)
{
	char buf[8];

	/* Truncated, never overflowing, always terminated. */
	vbpf_reason_name(VBPF_KIND_VMX, VBPF_VMX_FAILED_ENTRY | 33, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_names),
		cmocka_unit_test(test_vmx_names),
		cmocka_unit_test(test_svm_names),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_prefixes),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
