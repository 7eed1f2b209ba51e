// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-bootcheck-legacy: the GRUB legacy menu.lst / grub.conf reader. */
#include <stddef.h>
#include <stdint.h>

#include "bootcheck/boot-cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_cfg *c = NULL;
	size_t i;

	if (boot_legacy_parse((const char *)data, size, &c) < 0)
		return 0;
	boot_cfg_resolve(c, NULL);
	if (c->fallback)
		boot_cfg_resolve(c, c->fallback);
	for (i = 0; i < c->nentries; i++)
		if (c->entries[i].nloads > BOOT_MAX_LOADS)
			__builtin_trap();
	boot_cfg_free(c);
	return 0;
}
