// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-bootcheck-grubenv: the grubenv block reader (grub-editenv's format). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootcheck/boot-cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_env env;
	size_t i;

	if (boot_grubenv_parse((const char *)data, size, &env) < 0)
		return 0;
	if (env.n > BOOT_ENV_MAX)
		__builtin_trap();
	for (i = 0; i < env.n; i++)
		if (strlen(env.key[i]) > size || strlen(env.val[i]) > size)
			__builtin_trap();
	boot_env_get(&env, "saved_entry");
	boot_env_clear(&env);
	return 0;
}
