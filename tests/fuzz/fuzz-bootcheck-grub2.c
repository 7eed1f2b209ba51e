// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bootcheck-grub2: the static grub.cfg reader (an offline root's
 * grub.cfg is untrusted input), then default resolution over what it read.
 * The first line of the input, when it starts with "#env:", is a grubenv.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootcheck/boot-cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int exists(void *ud, const char *path)
{
	return path[0] ? (int)(strlen(path) & 1) : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_env env = { 0 };
	struct boot_cfg *c = NULL;
	const char *p = (const char *)data;
	size_t i;

	if (size > 5 && !memcmp(p, "#env:", 5)) {
		const char *nl = memchr(p, '\n', size);
		size_t el = nl ? (size_t)(nl - p) : size;

		boot_grubenv_parse(p + 5, el - 5, &env);
		p += el;
		size -= el;
	}
	if (boot_grub2_parse(p, size, &env, exists, NULL, &c) == 0) {
		boot_cfg_resolve(c, NULL);
		for (i = 0; i < c->nentries; i++) {
			if (!c->entries[i].path || strlen(c->entries[i].path) > 1u << 22)
				__builtin_trap();
			boot_cfg_resolve(c, c->entries[i].path);
			if (c->entries[i].id)
				boot_cfg_resolve(c, c->entries[i].id);
		}
		boot_cfg_resolve(c, "1>0>2");
		boot_cfg_free(c);
	}
	boot_env_clear(&env);
	return 0;
}
