// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-supportconfig: the section reader of supportconfig files
 * (hv-supportconfig.h) on any text: a found section lies inside the input and
 * holds no section header.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-supportconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "/proc/cpuinfo", "/bin/uname -a", "/bin/dmesg", "" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *s = NULL;
		ssize_t n = hv_supportconfig_section((const char *)data, size, names[i], &s);

		if (n >= 0 && ((size_t)n > size || !s || memmem(s, (size_t)n, "\n#==[", 5) ||
			       (n >= 4 && memcmp(s, "#==[", 4) == 0)))
			__builtin_trap();
		free(s);
	}
	return 0;
}
