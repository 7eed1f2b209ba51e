// SPDX-License-Identifier: GPL-2.0-or-later
/* hvcore Xen: xl's outputs in captured roots, CPU lists, state words, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-util.h"
#include "hvcore/hv-xen.h"
#include "unit-roots.h"

static void test_cpulist(void **state)
{
	uint8_t map[4];
	char buf[64];

	(void)state;
	assert_int_equal(hv_cpulist_parse("0-3,6", map, sizeof(map), 0), 0);
	assert_int_equal(map[0], 0x4f);
	assert_string_equal(hv_cpulist_format(map, sizeof(map), 8, buf, sizeof(buf)), "0-3,6");
	assert_int_equal(hv_cpulist_parse("all", map, sizeof(map), 8), 0);
	assert_string_equal(hv_cpulist_format(map, sizeof(map), 8, buf, sizeof(buf)), "all");
	/* "all" is CPUs 0..n-1 exactly: one more or one less is a list */
	assert_string_equal(hv_cpulist_format(map, sizeof(map), 9, buf, sizeof(buf)), "0-7");
	assert_int_equal(hv_cpulist_parse("31", map, sizeof(map), 0), 0);
	assert_string_equal(hv_cpulist_format(map, sizeof(map), 8, buf, sizeof(buf)), "31");
	assert_int_equal(hv_cpulist_parse(" 2 ", map, sizeof(map), 0), 0);
	assert_int_equal(map[0], 0x04);
	memset(map, 0, sizeof(map));
	assert_string_equal(hv_cpulist_format(map, sizeof(map), 8, buf, sizeof(buf)), "");
	/* malformed, reversed, beyond the map, "all" with no CPU count */
	assert_int_equal(hv_cpulist_parse("", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("3-1", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("1,", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("1-", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("32", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("1 2", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("all", map, sizeof(map), 0), -EINVAL);
	assert_int_equal(hv_cpulist_parse("99999999999999999999", map, sizeof(map), 0), -EINVAL);
}

static void test_info(void **state)
{
	struct hv_xen_host h;
	char line[128];

	(void)state;
	assert_int_equal(hv_xen_parse_info("xen_major : 4\nxen_minor : 17\nxen_extra : .5-pre\n"
					   "virt_caps : pv\nnr_cpus : 2\nfree_memory : 10\n"
					   "total_memory : 100\nxen_commandline : a=b:c d\n", &h),
			 0);
	assert_string_equal(h.version, "4.17.5-pre");  /* from the parts when no xen_version */
	assert_string_equal(h.virt_caps, "pv");
	assert_string_equal(h.cmdline, "a=b:c d");       /* the first colon splits */
	assert_int_equal(h.free_kb, 10 * 1024);
	assert_string_equal(hv_xen_host_line(&h, line, sizeof(line)),
			    "Xen 4.17.5-pre, 2 pCPUs, 10 MiB free of 100 MiB");
	assert_int_equal(hv_xen_parse_info("", &h), -EINVAL);
	assert_int_equal(hv_xen_parse_info("garbage without colons\n", &h), -EINVAL);
}

static void test_lists(void **state)
{
	static const char list[] =
		"Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
		"Domain-0                                     0  1536     2     r-----      12.3\n"
		"my guest                                     5   256     1     -b----       1.0\n";
	static const char vcpus[] =
		"Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n"
		"Domain-0                             0     0    1   r--       6.7  all / all\n"
		"Domain-0                             0     1    0   -b-       5.6  all / all\n"
		"my guest                             5     1    -   --p       0.0  0-1 / 1\n"
		"gone                                 9     0    0   -b-       0.0  all / all\n";
	struct hv_xen_dom *d;
	size_t n;

	(void)state;
	assert_int_equal(hv_xen_parse_lists(list, vcpus, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].name, "Domain-0");
	assert_int_equal(d[0].nvcpus, 2);
	assert_int_equal(d[0].vcpus[0].cpu, 1);
	assert_true(d[0].vcpus[0].running);
	assert_int_equal(d[0].vcpus[0].cpu_ns, 6700000000ull);
	assert_string_equal(hv_xen_state_word(d[0].state), "running");
	assert_string_equal(d[1].name, "my guest");      /* names with spaces */
	assert_int_equal(d[1].domid, 5);
	assert_int_equal(d[1].mem_kb, 256 * 1024);
	/* vCPU 1 listed, vCPU 0 not: 0 is there, unknown and offline */
	assert_int_equal(d[1].nvcpus, 2);
	assert_false(d[1].vcpus[0].online);
	assert_string_equal(hv_xen_vcpu_state(&d[1].vcpus[1]), "offline");
	assert_int_equal(d[1].vcpus[1].cpu, -1);
	assert_string_equal(d[1].vcpus[1].hard, "0-1");
	assert_string_equal(d[1].vcpus[1].soft, "1");
	assert_string_equal(hv_xen_state_word(d[1].state), "blocked");
	hv_xen_doms_free(d, n);

	/* no vcpu-list: domains without vCPUs; broken lines are refused */
	assert_int_equal(hv_xen_parse_lists(list, NULL, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].nvcpus, 0);
	hv_xen_doms_free(d, n);
	assert_int_equal(hv_xen_parse_lists("Domain-0 0 1536 2 r----- x\n", NULL, &d, &n), -EINVAL);
	assert_int_equal(hv_xen_parse_lists("a 0 1 1 r----- 1.0\nb 0 1 1 r----- 1.0\n", NULL, &d, &n),
			 -EINVAL);  /* a domain id twice */
	assert_int_equal(hv_xen_parse_lists("a 0 1 1 r----- 1.0\n", "a 0 99999 0 r-- 1.0 all / all\n",
					    &d, &n), -EINVAL);
}

static void test_states(void **state)
{
	char f[7];

	(void)state;
	assert_string_equal(hv_xen_state_flags(HV_XEN_PAUSED | HV_XEN_BLOCKED, f), "-bp---");
	assert_string_equal(hv_xen_state_word(HV_XEN_SHUTDOWN | HV_XEN_CRASHED), "crashed");
	assert_string_equal(hv_xen_state_word(HV_XEN_DYING | HV_XEN_SHUTDOWN), "dying");
	assert_string_equal(hv_xen_state_word(0), "runnable");
}

static void test_roots(void **state)
{
	struct hv_root *r = unit_fixture("top-xen-t1");
	struct hv_xen_host h;
	struct hv_xen_dom *d;
	size_t n;

	(void)state;
	assert_true(hv_xen_is_dom0(r));
	assert_int_equal(hv_root_xen_host(r, &h), 0);
	assert_string_equal(h.scheduler, "credit2");
	assert_int_equal(h.nr_cpus, 8);
	assert_int_equal(hv_root_xen_domains(r, &d, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(d[n - 1].domid, 12);
	assert_int_equal(d[n - 1].nvcpus, 64);
	/* web (domid 3): two vifs summed, guest's view (rx = the vif's tx), one vbd */
	assert_int_equal(d[1].domid, 3);
	assert_int_equal(d[1].nnets, 2);
	assert_int_equal(d[1].net_rx_bytes, 17600000 + 4400000);
	assert_int_equal(d[1].net_tx_bytes, 4400000 + 1100000);
	assert_int_equal(d[1].nvbds, 1);
	assert_int_equal(d[1].vbd_rd_req, 1080);
	assert_int_equal(d[0].nnets, 0);  /* eth0 is dom0's own, not a vif */
	hv_xen_doms_free(d, n);
	/* a captured root cannot be changed */
	assert_int_equal(hv_root_xen_pause(r, 3, true), -EROFS);
	assert_int_equal(hv_root_xen_vcpu_pin(r, 3, 0, "1"), -EROFS);
	hv_root_free(r);

	/* a dom0 captured without xl's outputs, and a KVM host's capture */
	r = unit_fixture("top-xen");
	assert_int_equal(hv_root_xen_host(r, &h), -ENODATA);
	assert_int_equal(hv_root_xen_domains(r, &d, &n), -ENODATA);
	assert_non_null(strstr(hv_xen_strerror(-ENODATA), "xl-info"));
	hv_root_free(r);
	r = unit_fixture("top-t0");
	assert_false(hv_xen_is_dom0(r));
	hv_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_roots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
