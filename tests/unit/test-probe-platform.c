// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The platform checks' parsers: mount tables (mountinfo and /proc/mounts, with
 * escapes and malformed lines), fixture device-node stand-ins, module lists,
 * sysfs choice files, hugepage folder names, /proc/meminfo, /proc/cgroups,
 * /proc/interrupts, kernel booleans, and the module/device lookups on a
 * scratch fixture root.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "probe/probe-platform.h"

static void test_mountinfo(void **state)
{
	/* from a Debian 12 host, plus an escaped space and optional fields */
	const char *mi =
		"22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
		"29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 "
		"cgroup2 rw,nsdelegate,memory_recursiveprot\n"
		"40 28 0:36 / /mnt/with\\040space rw,relatime shared:20 master:1 - ext4 "
		"/dev/sdb\\0401 rw\n"
		"41 22 0:37 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
	struct probe_mounts m = { 0 };

	assert_int_equal(probe_mountinfo_parse(mi, &m), 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.bad, 0);
	assert_string_equal(m.v[1].fstype, "cgroup2");
	assert_string_equal(m.v[1].target, "/sys/fs/cgroup");
	assert_string_equal(m.v[1].super, "rw,nsdelegate,memory_recursiveprot");
	assert_string_equal(m.v[2].target, "/mnt/with space");
	assert_string_equal(m.v[2].source, "/dev/sdb 1");
	assert_string_equal(m.v[2].opts, "rw,relatime");
	assert_true(probe_opt_has(m.v[3].super, "cpuacct"));
	assert_true(probe_opt_has(m.v[3].super, "cpu"));
	assert_false(probe_opt_has(m.v[3].super, "cpuset"));
	assert_non_null(probe_mounts_at(&m, "/sys"));
	assert_null(probe_mounts_at(&m, "/proc"));
	probe_mounts_clear(&m);
	assert_int_equal(m.n, 0);
}

static void test_mountinfo_malformed(void **state)
{
	const char *mi =
		"garbage\n"
		"1 2 3 4 5 6 7 8 9 10\n"                       /* no " - " separator */
		"30 22 0:27 / /sys/fs/pstore rw - pstore\n"  /* too few after " - " */
		"\n\n"
		"31 22 0:28 / /proc/xen rw,relatime - xenfs xenfs rw\n"
		"32 22 0:29 / /trailing\\ rw - tmpfs tmpfs rw\n" /* lone backslash kept */
		"33 22 0:30 / /octal\\777 rw - tmpfs tmpfs rw";   /* \777 is no escape; no newline */
	struct probe_mounts m = { 0 };

	assert_int_equal(probe_mountinfo_parse(mi, &m), 0);
	assert_int_equal(m.bad, 3);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.v[0].fstype, "xenfs");
	assert_string_equal(m.v[1].target, "/trailing\\");
	assert_string_equal(m.v[2].target, "/octal\\777");
	probe_mounts_clear(&m);
}

static void test_proc_mounts(void **state)
{
	const char *pm = "sysfs /sys sysfs rw,nosuid 0 0\n"
			 "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
			 "odd line\n"
			 "none relative tmpfs rw 0 0\n"
			 "hugetlbfs /dev/hugepages hugetlbfs rw,pagesize=2M 0 0\n";
	struct probe_mounts m = { 0 };

	assert_int_equal(probe_mounts_parse(pm, &m), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.bad, 2);
	assert_string_equal(m.v[1].super, "rw,memory");
	assert_string_equal(m.v[2].fstype, "hugetlbfs");
	probe_mounts_clear(&m);
}

static void test_devnode_parse(void **state)
{
	struct probe_devnode d;

	assert_int_equal(probe_devnode_parse("c 10:200 0666\n", &d), 0);
	assert_true(d.is_chr && d.known);
	assert_int_equal(d.major, 10);
	assert_int_equal(d.minor, 200);
	assert_int_equal(d.mode, 0666);
	assert_int_equal(probe_devnode_parse("b 8:0 660 root:disk", &d), 0);
	assert_true(d.is_blk && !d.is_chr);
	assert_int_equal(probe_devnode_parse("", &d), 0);
	assert_true(d.is_chr && !d.known);
	assert_int_equal(probe_devnode_parse("\n  \n", &d), 0);
	assert_int_equal(probe_devnode_parse("x 10:200 0666", &d), -EINVAL);
	assert_int_equal(probe_devnode_parse("c 10 0666", &d), -EINVAL);
	assert_int_equal(probe_devnode_parse("c 10:200 0999", &d), -EINVAL);
	assert_int_equal(probe_devnode_parse("c 99999:1 0600", &d), -EINVAL);
	assert_int_equal(probe_devnode_parse("\x01\x02garbage", &d), -EINVAL);
}

static void test_modlist(void **state)
{
	const char *dep = "kernel/drivers/vhost/vhost_net.ko.xz: kernel/drivers/vhost/vhost.ko.xz "
			  "kernel/drivers/net/tap.ko.xz\n"
			  "kernel/drivers/xen/xen-privcmd.ko.zst:\n"
			  "kernel/drivers/vfio/pci/vfio-pci.ko:\n"
			  "garbage without path\n"
			  ": leading colon\n";
	const char *builtin = "kernel/drivers/net/tun.ko\nkernel/fs/xenfs/xenfs.ko\n";

	assert_true(hv_modlist_find(dep, "vhost_net", NULL, 0));
	assert_true(hv_modlist_find(dep, "vhost-net", NULL, 0));
	assert_true(hv_modlist_find(dep, "xen_privcmd", NULL, 0));
	assert_true(hv_modlist_find(dep, "vfio_pci", NULL, 0));
	assert_false(hv_modlist_find(dep, "vhost", NULL, 0));     /* only a dependency on that line */
	assert_false(hv_modlist_find(dep, "tap", NULL, 0));
	assert_false(hv_modlist_find(dep, "vfio", NULL, 0));
	assert_true(hv_modlist_find(builtin, "tun", NULL, 0));
	assert_true(hv_modlist_find(builtin, "xenfs", NULL, 0));
	assert_false(hv_modlist_find("", "tun", NULL, 0));
}

static void test_misc(void **state)
{
	const char *misc = "200 tun\n238 vhost-net\n196 vfio\n 58 network_throughput\nbad\n";

	assert_true(probe_misc_has(misc, "tun"));
	assert_true(probe_misc_has(misc, "vhost-net"));
	assert_true(probe_misc_has(misc, "network_throughput"));
	assert_false(probe_misc_has(misc, "vhost-vsock"));
	assert_false(probe_misc_has(misc, "bad"));
	assert_false(probe_misc_has(misc, "vhost"));
}

static void test_choice(void **state)
{
	char w[16];

	assert_int_equal(probe_sysfs_choice("always [madvise] never\n", w, sizeof(w)), 0);
	assert_string_equal(w, "madvise");
	assert_int_equal(probe_sysfs_choice("[always] defer defer+madvise madvise never", w,
					    sizeof(w)), 0);
	assert_string_equal(w, "always");
	assert_int_equal(probe_sysfs_choice("always defer [defer+madvise] madvise never", w,
					    sizeof(w)), 0);
	assert_string_equal(w, "defer+madvise");
	assert_int_equal(probe_sysfs_choice("always madvise never", w, sizeof(w)), -EINVAL);
	assert_int_equal(probe_sysfs_choice("[always] [never]", w, sizeof(w)), -EINVAL);
	assert_int_equal(probe_sysfs_choice("[always", w, sizeof(w)), -EINVAL);
	assert_int_equal(probe_sysfs_choice("[]", w, sizeof(w)), -EINVAL);
	assert_int_equal(probe_sysfs_choice("[a\x01b]", w, sizeof(w)), -EINVAL);
	assert_int_equal(probe_sysfs_choice("[averyveryverylongword]", w, sizeof(w)),
			 -ENAMETOOLONG);
}

static void test_hugepage_dir(void **state)
{
	uint64_t kb;

	assert_int_equal(probe_hugepage_dir_kb("hugepages-2048kB", &kb), 0);
	assert_int_equal(kb, 2048);
	assert_int_equal(probe_hugepage_dir_kb("hugepages-1048576kB", &kb), 0);
	assert_int_equal(kb, 1048576);
	assert_int_equal(probe_hugepage_dir_kb("hugepages-kB", &kb), -EINVAL);
	assert_int_equal(probe_hugepage_dir_kb("hugepages-0kB", &kb), -EINVAL);
	assert_int_equal(probe_hugepage_dir_kb("hugepages--1kB", &kb), -EINVAL);
	assert_int_equal(probe_hugepage_dir_kb("hugepages-2048", &kb), -EINVAL);
	assert_int_equal(probe_hugepage_dir_kb("hugepages-99999999999999999999999kB", &kb),
			 -EINVAL);
	assert_int_equal(probe_hugepage_dir_kb("other", &kb), -EINVAL);
}

static void test_meminfo(void **state)
{
	const char *mi = "MemTotal:       65756180 kB\n"
			 "HugePages_Total:    1024\n"
			 "HugePages_Free:      x12\n"
			 "Hugepagesize:       2048 kB\n";
	uint64_t v;

	assert_int_equal(probe_meminfo_get(mi, "HugePages_Total", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(probe_meminfo_get(mi, "Hugepagesize", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(probe_meminfo_get(mi, "MemTotal", &v), 0);
	assert_int_equal(probe_meminfo_get(mi, "HugePages_Free", &v), -EINVAL);
	assert_int_equal(probe_meminfo_get(mi, "HugePages", &v), -ENOENT);
	assert_int_equal(probe_meminfo_get(mi, "Nope", &v), -ENOENT);
}

static void test_proc_cgroups(void **state)
{
	const char *pc = "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
			 "cpuset\t3\t1\t1\n"
			 "memory\t0\t95\t0\n"
			 "blkio\t7\t1\n"
			 "pids\t8\t1\tyes\n";

	assert_int_equal(probe_proc_cgroups_enabled(pc, "cpuset"), 1);
	assert_int_equal(probe_proc_cgroups_enabled(pc, "memory"), 0);
	assert_int_equal(probe_proc_cgroups_enabled(pc, "blkio"), -EINVAL);
	assert_int_equal(probe_proc_cgroups_enabled(pc, "pids"), -EINVAL);
	assert_int_equal(probe_proc_cgroups_enabled(pc, "cpu"), -ENOENT);
}

static void test_interrupts(void **state)
{
	const char *intel =
		"           CPU0       CPU1\n"
		"  0:         26          0   IO-APIC   2-edge      timer\n"
		"  8:          0          0   IR-IO-APIC    8-edge      rtc0\n"
		" 25:          0          0  IR-PCI-MSI-0000:00:1c.0    0-edge      PCIe PME\n";
	const char *plain = " 24: 1 0 IO-APIC 5-edge ACPI:Ged\n"
			    " 28: 0 0 PCI-MSIX-0000:00:01.0 0-edge virtio0-config\n";
	const char *arm = " 12: 0 0 GICv3 27 Level arch_timer\n"
			  " 50: 0 0 ITS-MSI 524288 Edge nvme0q0\n";

	assert_int_equal(probe_interrupts_scan(intel), PROBE_IRQ_REMAPPED | PROBE_IRQ_MSI);
	assert_int_equal(probe_interrupts_scan(plain), PROBE_IRQ_MSI);
	assert_int_equal(probe_interrupts_scan(arm), PROBE_IRQ_ITS | PROBE_IRQ_MSI);
	assert_int_equal(probe_interrupts_scan(""), 0);
	assert_int_equal(probe_interrupts_scan("IR-at-line-start is the irq number\n"), 0);
}

static void test_kbool_clean(void **state)
{
	char buf[8];

	assert_int_equal(probe_parse_kbool("Y"), 1);
	assert_int_equal(probe_parse_kbool("N\n"), 0);
	assert_int_equal(probe_parse_kbool("1"), 1);
	assert_int_equal(probe_parse_kbool("0"), 0);
	assert_int_equal(probe_parse_kbool("maybe"), -EINVAL);
	assert_int_equal(probe_parse_kbool(""), -EINVAL);
	assert_int_equal(probe_parse_kbool(NULL), -EINVAL);
	assert_string_equal(probe_clean("a\x01\x1b[31mb", buf, sizeof(buf)), "a??[31m");
	assert_string_equal(probe_clean("", buf, sizeof(buf)), "");
}

/* ---- lookups on a scratch fixture root ---- */

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (text) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(text, fp);
		fclose(fp);
	} else {
		mkdir(path, 0755);
	}
}

static void test_lookups(void **state)
{
	char dir[] = "/tmp/vhv-test-platform.XXXXXX", cmd[600];
	struct hv_root *r = NULL;
	struct probe_devnode d;

	assert_non_null(mkdtemp(dir));
	put(dir, ".vhv/uname", "sysname=Linux\nrelease=6.1.0-28-amd64\nmachine=x86_64\n");
	put(dir, "dev/net/tun", "c 10:200 0666\n");
	put(dir, "dev/vhost-net", "");
	put(dir, "dev/vfio/vfio", "c 10:bad\n");
	put(dir, "dev/xen", NULL);
	put(dir, "sys/module/tun/uevent", "");
	put(dir, "sys/module/vhost_net/initstate", "live\n");
	put(dir, "lib/modules/6.1.0-28-amd64/modules.dep",
	    "kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko\n"
	    "kernel/drivers/vfio/vfio.ko:\n");
	put(dir, "lib/modules/6.1.0-28-amd64/modules.builtin", "kernel/fs/xenfs/xenfs.ko\n");
	assert_int_equal(hv_root_new(dir, &r), 0);

	assert_int_equal(probe_devnode_get(r, "/dev/net/tun", &d), 0);
	assert_true(d.is_chr && d.known && d.minor == 200 && d.mode == 0666);
	assert_int_equal(probe_devnode_get(r, "/dev/vhost-net", &d), 0);
	assert_true(d.is_chr && !d.known);
	assert_int_equal(probe_devnode_get(r, "/dev/vfio/vfio", &d), -EINVAL);
	assert_int_equal(probe_devnode_get(r, "/dev/xen", &d), 0);
	assert_false(d.is_chr);
	assert_int_equal(probe_devnode_get(r, "/dev/vhost-vsock", &d), -ENOENT);

	assert_int_equal(hv_mod_state(r, "tun"), HV_MOD_BUILTIN);
	assert_int_equal(hv_mod_state(r, "vhost-net"), HV_MOD_LOADED);
	assert_int_equal(hv_mod_state(r, "vfio_pci"), HV_MOD_ON_DISK);
	assert_int_equal(hv_mod_state(r, "xenfs"), HV_MOD_BUILTIN);
	assert_int_equal(hv_mod_state(r, "xen_privcmd"), HV_MOD_ABSENT);
	hv_root_free(r);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_mountinfo_malformed),
		cmocka_unit_test(test_proc_mounts),
		cmocka_unit_test(test_devnode_parse),
		cmocka_unit_test(test_modlist),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_hugepage_dir),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_proc_cgroups),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_kbool_clean),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
