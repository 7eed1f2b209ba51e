// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot-loader config readers: GRUB 2 grub.cfg (quoting, variables, if/else,
 * submenus, ids, default resolution, grubenv), GRUB legacy menu.lst, grubenv.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootcheck/boot-cfg.h"
#include "bootcheck/boot-xen.h"

static struct boot_cfg *grub2(const char *s, const struct boot_env *env)
{
	struct boot_cfg *c = NULL;

	assert_int_equal(boot_grub2_parse(s, strlen(s), env, NULL, NULL, &c), 0);
	assert_non_null(c);
	return c;
}

static void test_debian_entry(void **state)
{
	const char *cfg =
		"if [ x\"${feature_menuentry_id}\" = xy ]; then\n"
		"  menuentry_id_option=\"--id\"\n"
		"else\n"
		"  menuentry_id_option=\"\"\n"
		"fi\n"
		"set default=\"0\"\n"
		"menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple' {\n"
		"\tset root='hd0,msdos1'\n"
		"\tif [ x$feature_platform_search_hint = xy ]; then\n"
		"\t  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,msdos1 UUID-1\n"
		"\telse\n"
		"\t  search --no-floppy --fs-uuid --set=root UUID-1\n"
		"\tfi\n"
		"\tlinux\t/boot/vmlinuz-6.1.0-13-amd64 root=UUID=UUID-1 ro  quiet\n"
		"\tinitrd\t/boot/initrd.img-6.1.0-13-amd64\n"
		"}\n";
	struct boot_cfg *c = grub2(cfg, NULL);
	const struct boot_entry *e;

	assert_int_equal(c->nentries, 1);
	e = &c->entries[0];
	assert_string_equal(e->title, "Debian GNU/Linux");
	assert_string_equal(e->id, "gnulinux-simple");
	assert_string_equal(e->root, "uuid:UUID-1");
	assert_null(e->unresolved);
	assert_int_equal(e->loader, BOOT_LDR_LINUX);
	assert_int_equal(e->nloads, 2);
	assert_string_equal(e->loads[0].path, "/boot/vmlinuz-6.1.0-13-amd64");
	assert_string_equal(e->loads[0].args, "root=UUID=UUID-1 ro quiet");
	assert_int_equal(e->loads[1].kind, BOOT_LOAD_INITRD);
	assert_int_equal(boot_cfg_resolve(c, NULL), 0);
	boot_cfg_free(c);
}

static const char *const xen_cfg =
	"load_env\n"
	"set default=\"${saved_entry}\"\n"
	"menuentry 'Linux' --id linux { linux /vmlinuz }\n"
	"submenu 'Advanced' --id adv {\n"
	"  submenu 'Xen 4.17' --id xen417 {\n"
	"    menuentry \"Xen \\\"quoted\\\" and Linux\" --id xl {\n"
	"      multiboot2 /xen.gz placeholder dom0_mem=4G,max:4G ${xen_rm_opts}\n"
	"      module2 /vmlinuz placeholder root=/dev/sda1\n"
	"      module2 --nounzip /initrd.img\n"
	"    }\n"
	"  }\n"
	"  menuentry 'Second' --id second { linux /vmlinuz2 }\n"
	"}\n"
	"menuentry 'Last' { linux /vmlinuz3 }\n";

static void test_submenus_and_default(void **state)
{
	struct boot_env env = { 0 };
	const char *envtxt = "# GRUB Environment Block\nsaved_entry=adv>xen417>xl\n";
	struct boot_cfg *c;
	const struct boot_entry *e;

	assert_int_equal(boot_grubenv_parse(envtxt, strlen(envtxt), &env), 1);
	assert_false(env.valid);  /* not padded to 1 KiB */
	c = grub2(xen_cfg, &env);
	assert_int_equal(c->nentries, 4);
	e = &c->entries[1];
	assert_string_equal(e->path, "Advanced>Xen 4.17>Xen \"quoted\" and Linux");
	assert_int_equal(e->depth, 2);
	assert_int_equal(e->loader, BOOT_LDR_MULTIBOOT2);
	assert_true(e->loads[2].nounzip);
	assert_string_equal(e->loads[2].path, "/initrd.img");
	/* ${xen_rm_opts} is unset: expands to nothing, as in GRUB */
	assert_string_equal(e->loads[0].args, "placeholder dom0_mem=4G,max:4G");
	assert_string_equal(c->deflt, "adv>xen417>xl");
	assert_string_equal(c->default_var, "saved_entry");
	assert_int_equal(boot_cfg_resolve(c, NULL), 1);
	/* numbers count top-level items, submenus included; '>' steps in */
	assert_int_equal(boot_cfg_resolve(c, "0"), 0);
	assert_int_equal(boot_cfg_resolve(c, "2"), 3);
	assert_int_equal(boot_cfg_resolve(c, "1>1"), 2);
	assert_int_equal(boot_cfg_resolve(c, "1>0>0"), 1);
	assert_int_equal(boot_cfg_resolve(c, "Advanced>Second"), 2);
	assert_int_equal(boot_cfg_resolve(c, "Last"), 3);
	assert_int_equal(boot_cfg_resolve(c, "3"), -ENOENT);
	assert_int_equal(boot_cfg_resolve(c, "adv"), -EINVAL);  /* a submenu */
	assert_int_equal(boot_cfg_resolve(c, "Advanced>Gone"), -ENOENT);
	boot_cfg_free(c);
	boot_env_clear(&env);
}

static void test_unresolved(void **state)
{
	const char *cfg =
		"if [ \"$grub_platform\" = efi ]; then set default=1; fi\n"
		"menuentry 'A' {\n"
		"  if [ \"$grub_platform\" = efi ]; then\n"
		"    multiboot2 /xen-efi.gz\n"
		"  else\n"
		"    multiboot2 /xen.gz\n"
		"  fi\n"
		"  module2 /vmlinuz\n"
		"}\n"
		"menuentry 'B' {\n"
		"  if [ x$grub_platform = xxen ]; then insmod xzio; fi\n"
		"  linux /vmlinuz-$grub_cpu\n"
		"}\n"
		"menuentry 'C' { insmod part_gpt; linux /ok }\n";
	struct boot_cfg *c = grub2(cfg, NULL);

	assert_true(c->default_unresolved);
	assert_int_equal(c->nentries, 3);
	assert_non_null(c->entries[0].unresolved);
	assert_non_null(c->entries[1].unresolved);  /* a path from a run-time variable */
	assert_null(c->entries[2].unresolved);       /* an insmod under a condition is fine */
	assert_int_equal(c->nunresolved, 2);
	boot_cfg_free(c);
}

static void test_functions_and_braces(void **state)
{
	const char *cfg =
		"function load_video {\n"
		"  if [ x$feature_all_video_module = xy ]; then\n"
		"    insmod all_video\n"
		"  fi\n"
		"  menuentry 'inside a function' { linux /no }\n"
		"}\n"
		"menuentry 'one' --id=dup { linux /a; initrd /i1 /i2 }\n"
		"menuentry 'two' --id=dup { chainloader (hd0,gpt1)/EFI/xen/xen.efi }\n"
		"# a comment with { braces }\n"
		"menuentry 'unterminated' {\n";
	struct boot_cfg *c = grub2(cfg, NULL);

	assert_int_equal(c->nentries, 3);
	assert_string_equal(c->entries[0].title, "one");
	assert_int_equal(c->entries[0].nloads, 3);  /* one initrd load per file */
	assert_int_equal(c->entries[1].loader, BOOT_LDR_CHAIN);
	assert_string_equal(c->entries[1].loads[0].dev, "(hd0,gpt1)");
	assert_string_equal(c->entries[1].loads[0].path, "/EFI/xen/xen.efi");
	assert_string_equal(c->dup_id, "dup");
	boot_cfg_free(c);
}

static void test_next_entry(void **state)
{
	struct boot_env env = { 0 };
	char blk[1024];
	const char *h = "# GRUB Environment Block\nnext_entry=1\nsaved_entry=0\n";
	struct boot_cfg *c;

	memset(blk, '#', sizeof(blk));
	memcpy(blk, h, strlen(h));
	assert_int_equal(boot_grubenv_parse(blk, sizeof(blk), &env), 2);
	assert_true(env.valid);
	assert_string_equal(boot_env_get(&env, "next_entry"), "1");
	c = grub2("if [ -s $prefix/grubenv ]; then load_env; fi\n"
		  "load_env\n"
		  "if [ \"${next_entry}\" ] ; then\n"
		  "   set default=\"${next_entry}\"\n"
		  "else\n"
		  "   set default=\"0\"\n"
		  "fi\n"
		  "menuentry a { linux /a }\nmenuentry b { linux /b }\n", &env);
	assert_string_equal(c->deflt, "1");
	assert_string_equal(c->default_var, "next_entry");
	assert_int_equal(boot_cfg_resolve(c, NULL), 1);
	assert_true(c->load_env);
	boot_cfg_free(c);
	boot_env_clear(&env);
}

static void test_nesting_limit(void **state)
{
	char buf[8192];
	size_t n = 0;
	int i;
	struct boot_cfg *c;

	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "submenu s%d {\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "menuentry deep { linux /x }\n");
	c = grub2(buf, NULL);
	assert_true(c->truncated);
	boot_cfg_free(c);
}

static void test_legacy(void **state)
{
	const char *m =
		"default=saved\n"
		"fallback 1\n"
		"title CentOS (2.6.18-xxx.el5xen)\n"
		"\troot (hd0,0)\n"
		"\tkernel /xen.gz-2.6.18-xxx dom0_mem=1024M\n"
		"\tmodule /vmlinuz-2.6.18-xxx.xen ro root=/dev/VolGroup00/LogVol00 rhgb quiet\n"
		"\tmodule /initrd-2.6.18-xxx.img\n"
		"title CentOS (2.6.18-xxx.el5)\n"
		"\tkernel (hd0,0)/vmlinuz-2.6.18-xxx ro root=LABEL=/\n"
		"\tinitrd /initrd-2.6.18-xxx.img\n";
	struct boot_cfg *c = NULL;
	const struct boot_entry *e;

	assert_int_equal(boot_legacy_parse(m, strlen(m), &c), 0);
	assert_int_equal(c->nentries, 2);
	e = &c->entries[0];
	assert_int_equal(e->loader, BOOT_LDR_LEGACY);
	assert_int_equal(e->loads[0].kind, BOOT_LOAD_HYPERVISOR);
	assert_string_equal(e->loads[0].path, "/xen.gz-2.6.18-xxx");
	assert_string_equal(e->loads[0].args, "dom0_mem=1024M");
	assert_int_equal(e->loads[1].kind, BOOT_LOAD_MODULE);
	assert_string_equal(e->root, "(hd0,0)");
	e = &c->entries[1];
	assert_int_equal(e->loader, BOOT_LDR_LINUX);
	assert_string_equal(e->loads[0].dev, "(hd0,0)");
	assert_string_equal(c->deflt, "saved");
	assert_string_equal(c->fallback, "1");
	assert_int_equal(boot_cfg_resolve(c, "1"), 1);
	assert_int_equal(boot_cfg_resolve(c, "CentOS (2.6.18-xxx.el5)"), 1);
	boot_cfg_free(c);
}

static void test_oversized(void **state)
{
	struct boot_cfg *c = NULL;

	assert_int_equal(boot_grub2_parse("", BOOT_MAX_CFG_SIZE + 1, NULL, NULL, NULL, &c), -EFBIG);
	assert_null(c);
}

static void test_xen(void **state)
{
	struct boot_xen_issue is[BOOT_XEN_MAX_ISSUES];
	struct boot_xencfg xc;
	const char *cfg = "[debian]\nkernel=vmlinuz root=/dev/sda1 ro\noptions = dom0_mem=2G\n"
			  "ramdisk=initrd.img\n# comment\n[global]\ndefault=debian\n";
	char v[32];

	assert_int_equal(boot_xen_cmdline_lint("dom0_mem=4G,max:4G dom0_max_vcpus=1-4", false, -1, is), 0);
	assert_int_equal(boot_xen_cmdline_lint("dom0_mem=1024M", false, -1, is), 1);
	assert_int_equal(is[0].sev, HV_SEV_INFO);
	assert_int_equal(boot_xen_cmdline_lint("dom0_mem=4G,max:2G", false, -1, is), 1);
	assert_int_equal(is[0].sev, HV_SEV_FAIL);
	assert_int_equal(boot_xen_cmdline_lint("dom0_mem=lots dom0_max_vcpus=0", false, -1, is), 2);
	assert_int_equal(boot_xen_cmdline_lint("iommu=off flask=enforcing", false, -1, is), 2);
	assert_int_equal(boot_xen_cmdline_lint("flask=enforcing", true, -1, is), 0);
	assert_int_equal(boot_xen_cmdline_lint("flask=enforcing", false, 0, is), 1);
	assert_int_equal(is[0].sev, HV_SEV_WARN);  /* ignored: no XSM in this Xen */
	assert_int_equal(boot_xen_cmdline_lint("dom0_mem=128M,max:128M", false, -1, is), 1);
	assert_int_equal(is[0].sev, HV_SEV_WARN);
	assert_true(boot_cmdline_get("a=1 root=/dev/x b root=/dev/y", "root", v, sizeof(v)));
	assert_string_equal(v, "/dev/y");
	assert_false(boot_cmdline_get("rootwait", "root", v, sizeof(v)));
	/* configured vs running: the last value of a key counts; $vars and placeholder skip */
	{
		char miss[64];

		assert_int_equal(boot_xen_cmdline_missing("dom0_mem=4G dom0_max_vcpus=4 ${xen_rm_opts}",
							  "placeholder dom0_max_vcpus=4 dom0_mem=4G "
							  "no-real-mode", miss, sizeof(miss)), 0);
		assert_int_equal(boot_xen_cmdline_missing("placeholder dom0_mem=1G dom0_mem=4G noreboot",
							  "dom0_mem=2G dom0_mem=4G", miss,
							  sizeof(miss)), 1);
		assert_string_equal(miss, "noreboot");
		assert_int_equal(boot_xen_cmdline_missing("dom0_mem=4G console=vga",
							  "dom0_mem=4G dom0_mem=2G", miss,
							  sizeof(miss)), 2);
		assert_string_equal(miss, "dom0_mem=4G console=vga");
		assert_int_equal(boot_xen_cmdline_missing("", "a b", miss, sizeof(miss)), 0);
	}
	assert_int_equal(boot_xencfg_parse(cfg, strlen(cfg), &xc), 0);
	assert_string_equal(xc.section, "debian");
	assert_string_equal(xc.kernel, "vmlinuz root=/dev/sda1 ro");
	assert_string_equal(xc.options, "dom0_mem=2G");
	assert_string_equal(xc.ramdisk, "initrd.img");
	assert_null(xc.xsm);
	boot_xencfg_clear(&xc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_entry),
		cmocka_unit_test(test_submenus_and_default),
		cmocka_unit_test(test_unresolved),
		cmocka_unit_test(test_functions_and_braces),
		cmocka_unit_test(test_next_entry),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_xen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
