// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-vmmem: guest RAM backing (QEMU memory backends, libvirt <memoryBacking>,
 * the mount table), smaps_rollup, ksm_stat, numa_maps, and the CPU-to-node
 * map on tests/roots/top-mem-t0.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-libvirt.h"
#include "hvcore/hv-proc.h"
#include "hvcore/hv-vmmem.h"
#include "tests/unit/unit-roots.h"

static void test_objects(void **state)
{
	struct hv_mem_object o;
	char buf[64];

	(void)state;
	/* libvirt 9's JSON form */
	assert_int_equal(hv_mem_parse_object("{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\","
					     "\"mem-path\":\"/dev/hugepages/libvirt/qemu/1-hp\","
					     "\"share\":true,\"prealloc\":true,\"size\":4294967296}",
					     &o), 1);
	assert_string_equal(o.id, "pc.ram");
	assert_int_equal(o.b.kind, HV_MEM_HUGETLBFS);  /* "huge" in the path, until the mounts say */
	assert_int_equal(o.b.shared, HV_TRI_ON);
	assert_int_equal(o.b.prealloc, HV_TRI_ON);
	assert_true(o.size == 4294967296ull);
	/* memfd: shared unless share=off; hugetlb=on with a page size */
	assert_int_equal(hv_mem_parse_object("memory-backend-memfd,id=m,size=2G", &o), 1);
	assert_int_equal(o.b.kind, HV_MEM_MEMFD);
	assert_int_equal(o.b.shared, HV_TRI_ON);
	assert_true(o.size == 2ull << 30);
	assert_int_equal(hv_mem_parse_object("memory-backend-memfd,id=m,hugetlb=on,hugetlbsize=1G,"
					     "share=off", &o), 1);
	assert_int_equal(o.b.kind, HV_MEM_MEMFD_HUGE);
	assert_int_equal(o.b.page_kib, 1024 * 1024);
	assert_string_equal(hv_mem_backing_format(&o.b, buf, sizeof(buf)), "memfd-huge:1G");
	assert_int_equal(hv_mem_parse_object("memory-backend-ram,id=r,size=512M,prealloc=yes", &o), 1);
	assert_string_equal(hv_mem_backing_format(&o.b, buf, sizeof(buf)), "anon,prealloc");
	/* other objects, and broken JSON */
	assert_int_equal(hv_mem_parse_object("iothread,id=io1", &o), 0);
	assert_int_equal(hv_mem_parse_object("{\"qom-type\":\"secret\",\"id\":\"s\"}", &o), 0);
	assert_int_equal(hv_mem_parse_object("{\"qom-type\":", &o), -EINVAL);
	assert_int_equal(hv_mem_parse_size("4G"), 4ull << 30);
	assert_int_equal(hv_mem_parse_size("100"), 100);
	assert_int_equal(hv_mem_parse_size("2Q"), 0);
	assert_int_equal(hv_mem_parse_size("99999999999E"), 0);
}

static void test_cmdline_backing(void **state)
{
	/* two NUMA nodes on different backends: mixed; prealloc from -mem-prealloc */
	static const char a[] = "qemu-system-x86_64\0-m\0" "4G\0"
				"-object\0memory-backend-ram,id=m0,size=2G\0"
				"-object\0memory-backend-file,id=m1,size=2G,mem-path=/srv/x\0"
				"-numa\0node,memdev=m0\0-numa\0node,memdev=m1\0-mem-prealloc\0";
	/* a backend not used as RAM (a DIMM's) next to -machine memory-backend= */
	static const char b[] = "qemu-system-x86_64\0-machine\0q35,memory-backend=ram\0"
				"-object\0memory-backend-memfd,id=ram,size=1G\0"
				"-object\0memory-backend-file,id=dimm1,mem-path=/dev/hugepages/x\0";
	static const char c[] = "qemu-system-x86_64\0-mem-path\0/mnt/ram\0";
	static const char d[] = "qemu-system-x86_64\0-m\0" "1G\0";
	struct hv_qemu_cmdline q;

	(void)state;
	assert_int_equal(hv_parse_qemu_cmdline(a, sizeof(a) - 1, &q), 0);
	assert_int_equal(q.mem.kind, HV_MEM_MIXED);
	assert_int_equal(q.mem.prealloc, HV_TRI_ON);
	assert_int_equal(hv_parse_qemu_cmdline(b, sizeof(b) - 1, &q), 0);
	assert_int_equal(q.mem.kind, HV_MEM_MEMFD);
	assert_int_equal(q.mem.shared, HV_TRI_ON);
	assert_int_equal(hv_parse_qemu_cmdline(c, sizeof(c) - 1, &q), 0);
	assert_int_equal(q.mem.kind, HV_MEM_FILE);
	assert_string_equal(q.mem.path, "/mnt/ram");
	assert_int_equal(hv_parse_qemu_cmdline(d, sizeof(d) - 1, &q), 0);
	assert_int_equal(q.mem.kind, HV_MEM_ANON);
}

static void test_mounts_and_libvirt(void **state)
{
	static const char mounts[] =
		"/dev/vda1 / ext4 rw 0 0\n"
		"hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n"
		"none /mnt/huge1g hugetlbfs rw,pagesize=1024M 0 0\n"
		"tmpfs /mnt/huge\\040files tmpfs rw 0 0\n";
	static const char xml[] =
		"<domstatus pid='9'><domain type='kvm'><name>v</name><memoryBacking>"
		"<hugepages><page size='1' unit='G'/></hugepages><source type='memfd'/>"
		"<access mode='private'/><allocation mode='ondemand'/></memoryBacking>"
		"</domain></domstatus>";
	struct hv_mem_backing b = { .kind = HV_MEM_HUGETLBFS, .path = "/mnt/huge files/vm" };
	struct hv_libvirt_dom d;

	(void)state;
	hv_mem_backing_resolve_mounts(mounts, &b);
	assert_int_equal(b.kind, HV_MEM_FILE);  /* "huge" in the name, but a tmpfs */
	b = (struct hv_mem_backing){ .kind = HV_MEM_FILE, .path = "/mnt/huge1g/libvirt/vm" };
	hv_mem_backing_resolve_mounts(mounts, &b);
	assert_int_equal(b.kind, HV_MEM_HUGETLBFS);
	assert_int_equal(b.page_kib, 1024 * 1024);
	assert_int_equal(hv_libvirt_parse(xml, sizeof(xml) - 1, &d), 0);
	assert_int_equal(d.mem.kind, HV_MEM_MEMFD_HUGE);
	assert_int_equal(d.mem.page_kib, 1024 * 1024);
	assert_int_equal(d.mem.shared, HV_TRI_OFF);
	assert_int_equal(d.mem.prealloc, HV_TRI_OFF);
	hv_libvirt_dom_clear(&d);
}

static void test_smaps_ksm_numa(void **state)
{
	static const char smaps[] =
		"55d0c0000000-7ffd00000000 ---p 00000000 00:00 0    [rollup]\n"
		"Rss:              200000 kB\nAnonymous:        150000 kB\n"
		"AnonHugePages:     81920 kB\nShmemPmdMapped:     2048 kB\n"
		"Private_Hugetlb:   4096 kB\nSwap:  99999999999999999999999 kB\nKSM:  12 kB\n";
	static const char numa[] =
		"7f0000000000 bind:1 file=/dev/hugepages/x huge dirty=2 N0=1 N1=3 kernelpagesize_kB=2048\n"
		"55d0c1000000 default heap anon=30 dirty=30 N0=10 N1=20 kernelpagesize_kB=4\n"
		"55d0c2000000 default N99=5 N1 Nx=3 N2=7 kernelpagesize_kB=4\n"
		"garbage\n";
	struct hv_smaps_rollup sr;
	struct hv_ksm_stat ks;
	struct hv_numa_mem m;

	(void)state;
	assert_int_equal(hv_parse_smaps_rollup(smaps, &sr), 0);
	assert_int_equal(sr.rss, 200000);
	assert_int_equal(sr.anon_huge, 81920);
	assert_int_equal(sr.shmem_pmd, 2048);
	assert_int_equal(sr.private_hugetlb, 4096);
	assert_true(sr.swap == UINT64_MAX);  /* saturated, not wrapped */
	assert_true(sr.have_ksm);
	assert_int_equal(hv_parse_smaps_rollup("Anonymous: 1 kB\n", &sr), -EINVAL);
	assert_int_equal(hv_parse_ksm_stat("ksm_rmap_items 5\nksm_zero_pages 2\n"
					   "ksm_merging_pages 40\nksm_process_profit -4096\n"
					   "ksm_merge_any: no\n", &ks), 0);
	assert_int_equal(ks.merging_pages, 40);
	assert_int_equal(ks.zero_pages, 2);
	assert_int_equal(ks.profit, -4096);
	assert_int_equal(hv_parse_ksm_stat("ksm_rmap_items 7\n", &ks), 0);
	assert_int_equal(ks.merging_pages, -1);  /* 6.1 wrote only the rmap items */
	assert_int_equal(hv_parse_ksm_stat("nothing\n", &ks), -EINVAL);
	assert_int_equal(hv_parse_numa_maps(numa, &m), 0);
	assert_int_equal(m.nnodes, 3);
	assert_int_equal(m.kib[0], 2048 + 40);
	assert_int_equal(m.kib[1], 3 * 2048 + 80);
	assert_int_equal(m.kib[2], 28);
	assert_int_equal(m.huge_kib[1], 3 * 2048);
	assert_int_equal(hv_numa_main_node(&m), 1);
}

static void test_fixture(void **state)
{
	struct hv_root *r = unit_fixture("top-mem-t0");
	struct hv_numa_mem m;
	uint64_t merging, zero;
	int node_of[16];

	(void)state;
	assert_int_equal(hv_read_cpu_nodes(r, node_of, 16), 2);
	assert_int_equal(node_of[3], 0);
	assert_int_equal(node_of[4], 1);
	assert_int_equal(node_of[8], -1);
	assert_int_equal(hv_read_numa_maps(r, 1000, &m), 0);
	assert_int_equal(hv_numa_main_node(&m), 1);
	assert_int_equal(hv_read_ksm(r, 2000, &merging, &zero), 0);
	assert_int_equal(merging, 25000);
	assert_int_equal(zero, 600);
	assert_int_equal(hv_read_ksm(r, 3000, &merging, &zero), -ENOENT);
	hv_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_cmdline_backing),
		cmocka_unit_test(test_mounts_and_libvirt),
		cmocka_unit_test(test_smaps_ksm_numa),
		cmocka_unit_test(test_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
