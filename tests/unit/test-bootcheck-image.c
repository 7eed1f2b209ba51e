// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The boot image readers on synthetic images: multiboot 1/2 headers and their
 * checksums and search windows, the bzImage setup header, PE detection, newc
 * cpio initrds (plain, gzip, zstd, early-microcode prefix, truncated), the
 * decompression cap against bombs, and module vermagic.
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
#include <zlib.h>
#include <zstd.h>

#include "bootcheck/boot-image.h"
#include "hvcore/hv-mod.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static void test_multiboot(void **state)
{
	static uint8_t img[40000];
	struct boot_mb mb;

	memset(img, 0, sizeof(img));
	boot_multiboot_scan(img, sizeof(img), &mb);
	assert_int_equal(mb.mb1_off, -1);
	assert_int_equal(mb.mb2_off, -1);
	/* MB1 at 4096 with a good checksum */
	put32(img + 4096, 0x1BADB002);
	put32(img + 4100, 0x00010003);
	put32(img + 4104, (uint32_t)-(0x1BADB002u + 0x00010003u));
	/* MB2 at 24576 with a bad checksum */
	put32(img + 24576, 0xE85250D6);
	put32(img + 24580, 0);
	put32(img + 24584, 24);
	put32(img + 24588, 12345);
	boot_multiboot_scan(img, sizeof(img), &mb);
	assert_int_equal(mb.mb1_off, 4096);
	assert_true(mb.mb1_ok);
	assert_int_equal(mb.mb2_off, 24576);
	assert_false(mb.mb2_ok);
	put32(img + 24588, (uint32_t)-(0xE85250D6u + 24u));
	boot_multiboot_scan(img, sizeof(img), &mb);
	assert_true(mb.mb2_ok);
	/* beyond the spec's windows: not found */
	memset(img, 0, sizeof(img));
	put32(img + 8192, 0x1BADB002);
	put32(img + 32768, 0xE85250D6);
	boot_multiboot_scan(img, sizeof(img), &mb);
	assert_int_equal(mb.mb1_off, -1);
	assert_int_equal(mb.mb2_off, -1);
	/* a short buffer never reads past its end */
	boot_multiboot_scan(img, 3, &mb);
	assert_int_equal(mb.mb1_off, -1);
}

static void test_bzimage(void **state)
{
	static uint8_t img[0x4000];
	struct boot_bzimage bz;
	const char *ver = "6.1.0-13-amd64 (debian-kernel@lists.debian.org) #1 SMP";

	memset(img, 0, sizeof(img));
	assert_int_equal(boot_bzimage_parse(img, sizeof(img), &bz), -EINVAL);
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x20e] = 0x00;  /* kernel_version = 0x3000 - 0x200 */
	img[0x20f] = 0x2e;
	memcpy(img + 0x3000, ver, strlen(ver));
	assert_int_equal(boot_bzimage_parse(img, sizeof(img), &bz), 0);
	assert_int_equal(bz.protocol, 0x020f);
	assert_string_equal(bz.release, "6.1.0-13-amd64");
	/* a version pointer beyond the buffer leaves the version empty */
	img[0x20f] = 0x7f;
	assert_int_equal(boot_bzimage_parse(img, sizeof(img), &bz), 0);
	assert_string_equal(bz.release, "");
	/* an MZ header whose PE offset points outside is not PE */
	memset(img, 0, 0x100);
	img[0] = 'M';
	img[1] = 'Z';
	put32(img + 0x3c, 0xfffffff0u);
	assert_false(boot_is_pe(img, sizeof(img)));
	put32(img + 0x3c, 0x80);
	memcpy(img + 0x80, "PE\0\0", 4);
	assert_true(boot_is_pe(img, sizeof(img)));
}

/* newc cpio writer for the tests */
static size_t cpio_add(uint8_t *out, const char *name, const char *data)
{
	size_t n = 0, nl = strlen(name) + 1, dl = data ? strlen(data) : 0;

	n += (size_t)sprintf((char *)out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			     0, data ? 0100644 : 040755, 0, 0, 1, 0, dl, 0, 0, 0, 0, nl, 0);
	memcpy(out + n, name, nl);
	n += nl;
	while (n & 3)
		out[n++] = 0;
	if (dl)
		memcpy(out + n, data, dl);
	n += dl;
	while (n & 3)
		out[n++] = 0;
	return n;
}

static size_t mk_archive(uint8_t *out, const char *rel)
{
	char name[128];
	size_t n = 0;

	n += cpio_add(out + n, ".", NULL);
	n += cpio_add(out + n, "init", "#!/bin/sh\n");
	snprintf(name, sizeof(name), "usr/lib/modules/%s/modules.dep", rel);
	n += cpio_add(out + n, name, "kernel/x.ko:\n");
	n += cpio_add(out + n, "TRAILER!!!", NULL);
	return n;
}

static void test_initrd(void **state)
{
	static uint8_t plain[4096], img[16384];
	struct boot_initrd ird;
	size_t n, u;
	uLongf zl;
	z_stream z;

	n = mk_archive(plain, "6.1.0-13-amd64");
	assert_int_equal(boot_initrd_scan(plain, n, &ird), 0);
	assert_int_equal(ird.nreleases, 1);
	assert_string_equal(ird.releases[0], "6.1.0-13-amd64");
	assert_true(ird.has_init);
	assert_false(ird.early_ucode);
	assert_int_equal(ird.comp, HV_COMP_NONE);

	/* early microcode (plain) + zstd main archive */
	u = cpio_add(img, "kernel", NULL);
	u += cpio_add(img + u, "kernel/x86/microcode/GenuineIntel.bin", "ucode");
	u += cpio_add(img + u, "TRAILER!!!", NULL);
	zl = ZSTD_compress(img + u, sizeof(img) - u, plain, n, 3);
	assert_false(ZSTD_isError(zl));
	assert_int_equal(boot_initrd_scan(img, u + zl, &ird), 0);
	assert_true(ird.early_ucode);
	assert_int_equal(ird.comp, HV_COMP_ZSTD);
	assert_int_equal(ird.nreleases, 1);
	assert_string_equal(ird.error, "");

	/* gzip, truncated: the release is still seen, the error is reported */
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = plain;
	z.avail_in = (uInt)n;
	z.next_out = img;
	z.avail_out = sizeof(img);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	zl = z.total_out;
	deflateEnd(&z);
	assert_int_equal(boot_initrd_scan(img, zl, &ird), 0);
	assert_int_equal(ird.comp, HV_COMP_GZIP);
	assert_int_equal(ird.nreleases, 1);
	assert_int_equal(boot_initrd_scan(img, zl / 2, &ird), 0);
	assert_string_not_equal(ird.error, "");

	/* neither cpio nor compressed */
	assert_int_equal(boot_initrd_scan((const uint8_t *)"hello world", 11, &ird), -EINVAL);
	/* a cpio header with an absurd name size */
	memcpy(plain, "070701", 6);
	memcpy(plain + 94, "FFFFFFFF", 8);
	assert_int_equal(boot_initrd_scan(plain, n, &ird), 0);
	assert_string_not_equal(ird.error, "");
}

static int count_sink(void *ud, const uint8_t *p, size_t n)
{
	*(size_t *)ud += n;
	return 0;
}

static void test_bomb(void **state)
{
	/* 16 MiB of zeros compress to ~16 KiB; a 1 MiB cap stops inflating early */
	size_t big = 16u << 20, got = 0, used;
	uint8_t *zeros = calloc(1, big), *out = malloc(big / 100);
	size_t zl;
	int rc;

	assert_non_null(zeros);
	assert_non_null(out);
	zl = ZSTD_compress(out, big / 100, zeros, big, 19);
	assert_false(ZSTD_isError(zl));
	rc = hv_decompress(HV_COMP_ZSTD, out, zl, 1u << 20, count_sink, &got, &used);
	assert_int_equal(rc, -EFBIG);
	assert_int_equal(got, 1u << 20);
	free(zeros);
	free(out);
}

static void test_vermagic(void **state)
{
	assert_int_equal(hv_mod_vermagic((const uint8_t *)"not elf", 7, (char[8]){ 0 }, 8),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiboot),
		cmocka_unit_test(test_bzimage),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_vermagic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
