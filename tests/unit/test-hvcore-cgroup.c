// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-cgroup: /proc/PID/cgroup, cgroup files, PSI; v2 and v1 fixture roots. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-cgroup.h"
#include "hvcore/hv-util.h"
#include "tests/unit/unit-roots.h"

static void test_parsers(void **state)
{
	static const char v1[] = "12:pids:/a\n9:memory:/m/emulator\n4:cpu,cpuacct:/c/emulator\n"
				 "1:name=systemd:/s\n0::/u\n";
	struct hv_cgroup_where w;
	struct hv_psi p;
	uint64_t q, per, v;
	char path[64] = "/machine.slice/x.scope/libvirt/emulator";

	(void)state;
	assert_int_equal(hv_parse_proc_cgroup(v1, &w), 0);
	assert_string_equal(w.cpu, "/c/emulator");
	assert_string_equal(w.cpu_dir, "cpu,cpuacct");
	assert_string_equal(w.memory_dir, "memory");
	assert_string_equal(w.cpuset_dir, "");
	assert_true(w.have_v2);
	assert_string_equal(w.v2, "/u");
	assert_int_equal(hv_parse_proc_cgroup("no cgroup here\n", &w), -EINVAL);
	assert_true(hv_cgroup_vm_path(path));
	assert_string_equal(path, "/machine.slice/x.scope");
	assert_false(hv_cgroup_vm_path(path));
	assert_int_equal(hv_parse_cpu_max("20000 100000\n", &q, &per), 0);
	assert_int_equal(q, 20000);
	assert_int_equal(per, 100000);
	assert_int_equal(hv_parse_cpu_max("max 100000\n", &q, &per), 0);
	assert_true(q == HV_CG_MAX);
	assert_int_equal(hv_parse_cpu_max("max 0\n", &q, &per), -EINVAL);
	assert_int_equal(hv_parse_cpu_max("20000\n", &q, &per), -EINVAL);
	assert_int_equal(hv_parse_cg_limit("9223372036854771712\n", &v), 0);
	assert_true(v == HV_CG_MAX);  /* v1's "no limit" */
	assert_int_equal(hv_parse_cg_limit("-1\n", &v), 0);
	assert_true(v == HV_CG_MAX);
	assert_int_equal(hv_parse_cg_limit("12x", &v), -EINVAL);
	assert_int_equal(hv_cg_keyed("nr_periods 5\nnr_throttled 3\n", "nr_throttled", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(hv_cg_keyed("nr_throttled_x 3\n", "nr_throttled", &v), -ENOENT);
	assert_int_equal(hv_parse_psi("some avg10=12.50 avg60=1.00 avg300=0.10 total=999\n"
				      "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", &p), 0);
	assert_true(p.some.have && p.full.have);
	assert_true(p.some.avg10 == 12.5);
	assert_int_equal(p.some.total_us, 999);
	assert_int_equal(hv_parse_psi("some avg10=x\n", &p), -EINVAL);
}

static void test_v2_libvirt(void **state)
{
	struct hv_root *r = unit_fixture("top-mem-t0");
	struct hv_cgroup cg;

	(void)state;
	assert_int_equal(hv_cgroup_read(r, 1000, 0, true, &cg), 0);
	assert_int_equal(cg.version, 2);
	assert_string_equal(cg.path, "/machine.slice/machine-qemu\\x2d1\\x2dhp.scope");
	assert_true(cg.have_cpu_max);
	assert_int_equal(cg.quota_us, 50000);
	assert_true(cg.have_mem_high && cg.mem_high == HV_CG_MAX);
	assert_int_equal(cg.mem_max, 8589934592ull);
	assert_true(cg.psi[HV_PSI_IO].some.have);
	/* without @vm: the emulator cgroup itself, which has no files here */
	assert_int_equal(hv_cgroup_read(r, 1000, 0, false, &cg), 0);
	assert_false(cg.have_cpu_max);
	assert_int_equal(hv_cgroup_read(r, 3000, 0, true, &cg), 0);
	assert_true(cg.have_cpu_stat);
	assert_int_equal(cg.nr_throttled, 160);
	assert_int_equal(cg.ev_high, 70);
	assert_int_equal(hv_cgroup_read(r, 4242, 0, true, &cg), -ENOENT);
	hv_root_free(r);
}

static void test_v1(void **state)
{
	struct hv_root *r = unit_fixture("top-cg1-t1");
	struct hv_cgroup cg;

	(void)state;
	assert_int_equal(hv_cgroup_read(r, 5000, 0, true, &cg), 0);
	assert_int_equal(cg.version, 1);
	assert_string_equal(cg.path, "/machine.slice/machine-qemu\\x2d2\\x2dold.scope");
	assert_int_equal(cg.quota_us, 150000);
	assert_int_equal(cg.weight, 79);  /* cpu.shares 2048 */
	assert_int_equal(cg.throttled_us, 2750000000ull / 1000);  /* ns to us */
	assert_int_equal(cg.mem_max, 6442450944ull);
	assert_true(cg.swap_max == HV_CG_MAX);
	assert_int_equal(cg.ev_max, 3);
	assert_string_equal(cg.cpus, "0-3");
	hv_root_free(r);
}

/* hv-util's line iterator and decimal prefix, which the cgroup and vmmem parsers share */
static void test_util(void **state)
{
	const char *cur = "a b\n\nlast", *l, *end;
	size_t n;
	uint64_t v;

	(void)state;
	l = hv_next_line(&cur, &n);
	assert_non_null(l);
	assert_int_equal(n, 3);
	l = hv_next_line(&cur, &n);
	assert_non_null(l);
	assert_int_equal(n, 0);
	l = hv_next_line(&cur, &n);
	assert_non_null(l);
	assert_int_equal(n, 4);
	assert_null(hv_next_line(&cur, &n));
	assert_int_equal(hv_dec_prefix("123abc", &v, &end), 0);
	assert_int_equal(v, 123);
	assert_string_equal(end, "abc");
	assert_int_equal(hv_dec_prefix("99999999999999999999999", &v, NULL), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(hv_dec_prefix(" 1", &v, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_v2_libvirt),
		cmocka_unit_test(test_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
