// SPDX-License-Identifier: GPL-2.0-or-later
/* hvcore sysroot: resolution inside the root, fixture ops, offline roots. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "hvcore/hv-root.h"

static char *root_dir(void)
{
	const char *base = getenv("TS_ROOTS");
	char *p;

	/* Unit tests run from the runner (copied roots) or by hand from the source tree. */
	if (base && asprintf(&p, "%s/escape", base) > 0)
		return p;
	return strdup("tests/roots/escape");
}

static struct hv_root *open_fixture(void)
{
	struct hv_root *r = NULL;
	char *dir = root_dir();

	assert_int_equal(hv_root_new(dir, &r), 0);
	free(dir);
	return r;
}

static void test_kind(void **state)
{
	struct hv_root *r = open_fixture(), *live = NULL, *off = NULL;

	assert_int_equal(hv_root_kind(r), HV_ROOT_FIXTURE);
	assert_int_equal(hv_root_new("/", &live), 0);
	assert_int_equal(hv_root_kind(live), HV_ROOT_LIVE);
	assert_int_equal(hv_root_new(NULL, &off), 0);  /* NULL is the live host too */
	assert_int_equal(hv_root_kind(off), HV_ROOT_LIVE);
	hv_root_free(off);
	assert_int_equal(hv_root_new("/nonexistent-vhv", &off), -ENOENT);
	hv_root_free(live);
	hv_root_free(r);
}

static void test_symlinks_stay_inside(void **state)
{
	struct hv_root *r = open_fixture();
	char *s = NULL;

	/* "../../.." beyond the root clamps at the root. */
	assert_int_equal(hv_root_read_linef(r, &s, "/boot/up"), 0);
	assert_string_equal(s, "root-inside");
	free(s);
	/* an absolute target is taken inside the root */
	assert_int_equal(hv_root_read_linef(r, &s, "/boot/abs"), 0);
	assert_string_equal(s, "root-inside");
	free(s);
	assert_int_equal(hv_root_resolve(r, "/boot/abs", true, &s), 0);
	assert_string_equal(s, "/etc/hostname");
	free(s);
	assert_int_equal(hv_root_resolve(r, "/boot/etcdir/hostname", true, &s), 0);
	assert_string_equal(s, "/etc/hostname");
	free(s);
	assert_int_equal(hv_root_resolve(r, "/../../boot/./grub/../up", true, &s), 0);
	assert_string_equal(s, "/etc/hostname");
	free(s);
	assert_int_equal(hv_root_resolve(r, "/boot/missing", false, &s), 0);
	assert_string_equal(s, "/boot/missing");
	free(s);
	assert_int_equal(hv_root_resolve(r, "/boot/missing", true, &s), -ENOENT);
	assert_int_equal(hv_root_resolve(r, "/boot/loop1", true, &s), -ELOOP);
	assert_int_equal(hv_root_existsf(r, "/boot/loop1"), -ELOOP);
	assert_int_equal(hv_root_readlinkf(r, &s, "/boot/abs"), 0);
	assert_string_equal(s, "/etc/hostname");
	free(s);
	hv_root_free(r);
}

static void test_reads(void **state)
{
	struct hv_root *r = open_fixture();
	uint64_t v;
	char *s;
	struct stat st;

	assert_int_equal(hv_root_read_strf(r, &s, "/etc/%s", "hostname"), 12);
	assert_string_equal(s, "root-inside\n");
	free(s);
	assert_int_equal(hv_root_read_u64f(r, &v, "/etc/hostname"), -EINVAL);
	assert_int_equal(hv_root_read_strf(r, &s, "/etc/nope"), -ENOENT);
	assert_int_equal(hv_root_read_maxf(r, 4, &s, "/etc/hostname"), -EFBIG);
	assert_int_equal(hv_root_openf(r, O_WRONLY | O_CREAT, "/etc/new"), -EINVAL);
	assert_int_equal(hv_root_lstatf(r, &st, "/boot/abs"), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(hv_root_statf(r, &st, "/boot/abs"), 0);
	assert_true(S_ISREG(st.st_mode));
	hv_root_free(r);
}

static void test_fixture_ops(void **state)
{
	struct hv_root *r = open_fixture();
	struct utsname u;
	uint32_t regs[4];
	uint64_t msr, ns;
	struct hv_kvm_probe p;
	long cap;
	char *s;

	assert_int_equal(hv_root_uname(r, &u), 0);
	assert_string_equal(u.release, "6.1.0-13-amd64");
	assert_string_equal(u.machine, "x86_64");
	assert_int_equal(hv_root_cpuid(r, 0, 0, regs), 0);
	assert_int_equal(regs[1], 0x756e6547);  /* "Genu" */
	assert_int_equal(hv_root_cpuid(r, 0x80000001, 0, regs), 0);
	assert_int_equal(regs[0] | regs[1] | regs[2] | regs[3], 0);
	assert_int_equal(hv_root_rdmsr(r, 1, 0x3a, &msr), 0);
	assert_int_equal(msr, 1);
	assert_int_equal(hv_root_rdmsr(r, 0, 0xc0010114, &msr), -EIO);
	assert_int_equal(hv_root_kvm_probe(r, &p), 0);
	assert_int_equal(p.api_version, 12);
	assert_int_equal(p.exit_reason, 5);
	assert_int_equal(hv_kvm_probe_cap(&p, "MAX_VCPUS", &cap), 0);
	assert_int_equal(cap, 710);
	assert_int_equal(hv_kvm_probe_cap(&p, "IRQFD", &cap), -ENOENT);
	assert_int_equal(hv_root_clock(r, CLOCK_MONOTONIC, &ns), 0);
	assert_int_equal(ns, 5000000000ull);
	assert_int_equal(hv_root_dmesg(r, &s), -ENOENT);
	hv_root_free(r);
}

static void test_offline(void **state)
{
	struct hv_root *r = NULL;
	char tmpl[] = "/tmp/vhv-offline.XXXXXX";
	struct utsname u;
	uint32_t regs[4];
	struct hv_kvm_probe p;

	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(hv_root_new(tmpl, &r), 0);
	assert_int_equal(hv_root_kind(r), HV_ROOT_OFFLINE);
	assert_int_equal(hv_root_uname(r, &u), -EOPNOTSUPP);
	assert_int_equal(hv_root_cpuid(r, 0, 0, regs), -EOPNOTSUPP);
	assert_int_equal(hv_root_kvm_probe(r, &p), -EOPNOTSUPP);
	hv_root_free(r);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_fixture_ops),
		cmocka_unit_test(test_offline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
