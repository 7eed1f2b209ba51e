// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-proc: /proc parsers and VM discovery on the tests/roots/top-t0 fixture. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-proc.h"
#include "hvcore/hv-xen.h"
#include "tests/unit/unit-roots.h"

static void test_stat_comm_with_parens(void **state)
{
	/* comm may hold spaces and ')': the last ')' ends it */
	const char *s = "1234 (CPU 0/KVM) x) R 1 1 1 0 -1 4194368 10 0 0 0 150 25 0 0 20 0 6 0 "
			"9000 1000 200 18446744073709551615 1 1 0 0 0 0 0 4096 16963 0 0 0 17 3 0 0 0 "
			"120 0\n";
	struct hv_stat st;

	assert_int_equal(hv_parse_stat(s, &st), 0);
	assert_int_equal(st.pid, 1234);
	assert_string_equal(st.comm, "CPU 0/KVM) x");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.utime, 150);
	assert_int_equal(st.stime, 25);
	assert_int_equal(st.priority, 20);
	assert_int_equal(st.starttime, 9000);
	assert_int_equal(st.processor, 3);
	assert_int_equal(st.guest_time, 120);
	assert_int_equal(st.flags, 4194368);
}

static void test_stat_bad(void **state)
{
	struct hv_stat st;

	assert_int_equal(hv_parse_stat("", &st), -EINVAL);
	assert_int_equal(hv_parse_stat("12 (x", &st), -EINVAL);
	assert_int_equal(hv_parse_stat("12 (x) R 1 2", &st), -EINVAL);  /* too few fields */
	assert_int_equal(hv_parse_stat("-3 (x) R 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5", &st),
			 -EINVAL);
	assert_int_equal(hv_parse_stat("3 (x) RR 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5", &st),
			 -EINVAL);
	assert_int_equal(hv_parse_stat("3 (x) R 1 1 1 0 -1 0 0 0 0 0 99999999999999999999999 1 0 "
				       "0 20 0 1 0 5", &st), -EINVAL);
	/* old kernels: no guest_time, no processor */
	assert_int_equal(hv_parse_stat("3 (x) R 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5", &st), 0);
	assert_int_equal(st.processor, -1);
	assert_int_equal(st.guest_time, 0);
}

static void test_status_schedstat_syscall(void **state)
{
	struct hv_status ss;
	struct hv_schedstat sc;
	uint64_t args[6];
	long nr;

	assert_int_equal(hv_parse_status("Name:\tCPU 0/KVM\nTgid:\t10\nPid:\t12\nVmRSS:\t  100 kB\n"
					 "Cpus_allowed_list:\t0-3,8\nvoluntary_ctxt_switches:\t7\n"
					 "nonvoluntary_ctxt_switches:\t9\n", &ss), 0);
	assert_int_equal(ss.tgid, 10);
	assert_int_equal(ss.vm_rss_kb, 100);
	assert_string_equal(ss.cpus_allowed, "0-3,8");
	assert_int_equal(ss.vcsw, 7);
	assert_int_equal(ss.ivcsw, 9);
	assert_int_equal(hv_parse_status("garbage\n", &ss), -EINVAL);

	assert_int_equal(hv_parse_schedstat("123 456 7\n", &sc), 0);
	assert_int_equal(sc.wait_ns, 456);
	assert_int_equal(hv_parse_schedstat("123 x 7\n", &sc), -EINVAL);
	assert_int_equal(hv_parse_schedstat("123\n", &sc), -EINVAL);

	assert_int_equal(hv_parse_syscall("16 0xd 0xae80 0x0 0x0 0x5 0x0 0x7ff 0x7f\n", &nr, args), 0);
	assert_int_equal(nr, 16);
	assert_int_equal(args[0], 13);
	assert_int_equal(args[1], 0xae80);
	assert_int_equal(hv_parse_syscall("running\n", &nr, args), -EAGAIN);
	assert_int_equal(hv_parse_syscall("-1 0x7ff 0x7f\n", &nr, args), 0);
	assert_int_equal(nr, -1);
	assert_int_equal(hv_parse_syscall("16 0xd\n", &nr, args), -EINVAL);
	assert_int_equal(hv_parse_syscall("16 13 1 2 3 4 5 6 7\n", &nr, args), -EINVAL);
}

static void test_vcpu_names(void **state)
{
	char accel[16];

	assert_int_equal(hv_parse_vcpu_comm("CPU 0/KVM", accel, sizeof(accel)), 0);
	assert_string_equal(accel, "KVM");
	assert_int_equal(hv_parse_vcpu_comm("CPU 17/TCG", accel, sizeof(accel)), 17);
	assert_string_equal(accel, "TCG");
	assert_int_equal(hv_parse_vcpu_comm("CPU 1", accel, sizeof(accel)), -EINVAL);
	assert_int_equal(hv_parse_vcpu_comm("CPU /KVM", accel, sizeof(accel)), -EINVAL);
	assert_int_equal(hv_parse_vcpu_comm("CPU 1/", accel, sizeof(accel)), -EINVAL);
	assert_int_equal(hv_parse_vcpu_comm("kvm-nx-lpage-re", accel, sizeof(accel)), -EINVAL);
	assert_int_equal(hv_parse_vcpu_comm("CPU 123456/KVM", accel, sizeof(accel)), -EINVAL);
	assert_int_equal(hv_parse_vcpu_fd_link("anon_inode:kvm-vcpu:3"), 3);
	assert_int_equal(hv_parse_vcpu_fd_link("anon_inode:kvm-vm"), -EINVAL);
	assert_int_equal(hv_parse_vcpu_fd_link("anon_inode:kvm-vcpu:"), -EINVAL);
	assert_int_equal(hv_parse_vcpu_fd_link("anon_inode:kvm-vcpu:-1"), -EINVAL);
	assert_int_equal(hv_parse_vcpu_fd_link("anon_inode:kvm-vcpu:99999"), -EINVAL);
}

static void test_cmdline(void **state)
{
	static const char a[] = "/usr/bin/qemu-system-x86_64\0-name\0guest=t1,debug-threads=on\0"
				"-accel\0kvm\0-m\0" "2G\0-smp\0" "4\0";
	static const char b[] = "qemu-system-x86_64\0-machine\0pc,accel=tcg\0-name\0plain\0"
				"-object\0memory-backend-file,id=m,size=1G,mem-path=/dev/hugepages\0";
	static const char c[] = "/bin/bash\0-name\0guest=x";  /* unterminated last arg */
	struct hv_qemu_cmdline q;

	assert_int_equal(hv_parse_qemu_cmdline(a, sizeof(a) - 1, &q), 0);
	assert_true(q.is_qemu);
	assert_string_equal(q.name, "t1");
	assert_true(q.debug_threads);
	assert_true(q.accel_kvm);
	assert_false(q.accel_tcg);
	assert_int_equal(q.ram_mb, 2048);
	assert_int_equal(q.smp, 4);
	assert_int_equal(hv_parse_qemu_cmdline(b, sizeof(b) - 1, &q), 0);
	assert_string_equal(q.name, "plain");
	assert_false(q.debug_threads);
	assert_true(q.accel_tcg);
	assert_int_equal(q.mem.kind, HV_MEM_HUGETLBFS);
	assert_int_equal(hv_parse_qemu_cmdline(c, sizeof(c) - 1, &q), 0);
	assert_false(q.is_qemu);
	assert_string_equal(q.name, "");
	assert_int_equal(hv_parse_qemu_cmdline("", 0, &q), 0);
}

static const struct hv_vm *find(const struct hv_vm *v, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

static void test_discovery(void **state)
{
	struct hv_root *r = unit_fixture("top-t0");
	struct hv_vm_scan *s;
	const struct hv_vm *vms, *vm;
	int n;

	assert_int_equal(hv_vm_scan_new(&s), 0);
	n = hv_vm_scan_run(s, r, 1000.0, &vms);
	assert_int_equal(n, 7);  /* web1 db nodbg emu busy dbgfs gone; not bash */
	assert_null(find(vms, n, 5000));

	vm = find(vms, n, 1000);
	assert_non_null(vm);
	assert_string_equal(vm->name, "web1");
	assert_string_equal(vm->name_src, "libvirt");
	assert_string_equal(vm->uuid, "3e3fce45-4f53-4fa7-bb32-11f34168b82b");
	assert_true(vm->hugetlb);
	assert_int_equal(vm->ram_mb, 2048);
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->vcpus[0].tid, 1003);
	assert_int_equal(vm->vcpus[0].src, HV_VCPU_SRC_LIBVIRT);
	assert_int_equal(vm->vcpus[1].tid, 1004);

	vm = find(vms, n, 2000);
	assert_string_equal(vm->name, "db");
	assert_int_equal(vm->nvcpus, 4);
	assert_int_equal(vm->nvcpu_fds, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vm->vcpus[i].index, i);
		assert_int_equal(vm->vcpus[i].tid, 2010 + i);
		assert_int_equal(vm->vcpus[i].src, HV_VCPU_SRC_COMM);
	}
	assert_int_equal(vm->ram_mb, 4096);

	/* no debug-threads: the KVM_RUN syscall; the nx-lpage worker is not vCPU 0 */
	vm = find(vms, n, 3000);
	assert_string_equal(vm->name, "nodbg");
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->vcpus[0].tid, 3002);
	assert_int_equal(vm->vcpus[0].src, HV_VCPU_SRC_SYSCALL);
	assert_int_equal(vm->vcpus[1].tid, 3003);

	/* a vCPU in guest mode ("running") is matched by elimination, not the worker */
	vm = find(vms, n, 8000);
	assert_non_null(vm);
	assert_int_equal(vm->nvcpus, 1);
	assert_int_equal(vm->vcpus[0].tid, 8001);
	assert_int_equal(vm->vcpus[0].src, HV_VCPU_SRC_SYSCALL);

	/* debugfs kvm/9000-11/vcpuN/pid, in index order whatever the tids */
	vm = find(vms, n, 9000);
	assert_non_null(vm);
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->vcpus[0].tid, 9006);
	assert_int_equal(vm->vcpus[0].src, HV_VCPU_SRC_DEBUGFS);
	assert_int_equal(vm->vcpus[1].tid, 9005);

	vm = find(vms, n, 4000);
	assert_int_equal(vm->accel, HV_ACCEL_TCG);
	assert_int_equal(vm->nvcpus, 2);
	assert_int_equal(vm->vcpus[1].tid, 4003);

	/* the same scan object on the next snapshot: gone is gone, late appears */
	hv_root_free(r);
	r = unit_fixture("top-t1");
	n = hv_vm_scan_run(s, r, 1002.0, &vms);
	assert_int_equal(n, 7);
	assert_null(find(vms, n, 6000));
	assert_non_null(find(vms, n, 7000));
	assert_false(hv_xen_is_dom0(r));
	hv_vm_scan_free(s);
	hv_root_free(r);
}

static void test_xen_note(void **state)
{
	struct hv_root *r = unit_fixture("top-xen");
	struct hv_vm_scan *s;
	const struct hv_vm *vms;

	assert_true(hv_xen_is_dom0(r));
	assert_int_equal(hv_vm_scan_new(&s), 0);
	assert_int_equal(hv_vm_scan_run(s, r, 0, &vms), 0);
	hv_vm_scan_free(s);
	hv_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_comm_with_parens),
		cmocka_unit_test(test_stat_bad),
		cmocka_unit_test(test_status_schedstat_syscall),
		cmocka_unit_test(test_vcpu_names),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_xen_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
