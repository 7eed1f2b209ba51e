// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bootcheck-image: every reader of what a boot entry loads, on the same
 * bytes: compression detection and capped decompression, multiboot 1/2
 * headers, the bzImage setup header, PE/ELF (libelf), initrd cpio archives and
 * module vermagic. The cap is small here so bombs stay cheap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck/boot-image.h"
#include "hvcore/hv-mod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_mb mb;
	struct boot_bzimage bz;
	struct boot_elf elf;
	struct boot_initrd ird;
	char buf[128];
	uint8_t *out = NULL;
	ssize_t n;
	enum hv_comp c = hv_comp_detect(data, size);

	boot_multiboot_scan(data, size, &mb);
	if (boot_bzimage_parse(data, size, &bz) == 0 && strlen(bz.version) >= sizeof(bz.version))
		__builtin_trap();
	boot_is_pe(data, size);
	boot_elf_info(data, size, &elf);
	boot_find_xen_version(data, size, buf, sizeof(buf));
	hv_mod_vermagic(data, size, buf, sizeof(buf));
	boot_initrd_scan(data, size, &ird);
	if (ird.nreleases > BOOT_MAX_RELEASES)
		__builtin_trap();
	if (c != HV_COMP_NONE) {
		n = hv_decompress_all(c, data, size, 1u << 20, &out);
		if (n > (ssize_t)(1u << 20))
			__builtin_trap();
		if (n > 0) {
			boot_multiboot_scan(out, (size_t)n, &mb);
			boot_elf_info(out, (size_t)n, &elf);
		}
		free(out);
	}
	return 0;
}
