// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-bootcheck-xen: the Xen command line lint (first line of the input), the
 * comparison of that line with the running one (the second line), and the
 * xen.cfg reader (the whole input).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck/boot-xen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_xen_issue is[BOOT_XEN_MAX_ISSUES];
	struct boot_xencfg xc;
	const char *nl = memchr(data, '\n', size);
	size_t l = nl ? (size_t)(nl - (const char *)data) : size;
	char *line = strndup((const char *)data, l);
	int n, i;

	if (line) {
		n = boot_xen_cmdline_lint(line, size & 1, (int)(size % 3) - 1, is);
		if (n < 0 || n > BOOT_XEN_MAX_ISSUES)
			__builtin_trap();
		for (i = 0; i < n; i++)
			if (strlen(is[i].msg) >= sizeof(is[i].msg))
				__builtin_trap();
		if (nl) {
			char miss[64];
			const char *r2 = nl + 1, *end = memchr(r2, '\n', size - l - 1);
			char *run = strndup(r2, end ? (size_t)(end - r2) : size - l - 1);

			if (run) {
				n = boot_xen_cmdline_missing(line, run, miss, sizeof(miss));
				if (n < 0 || strlen(miss) >= sizeof(miss) ||
				    boot_xen_cmdline_missing(line, line, miss, sizeof(miss)) != 0)
					__builtin_trap();  /* a line is always in effect in itself */
				free(run);
			}
		}
		free(line);
	}
	if (boot_xencfg_parse((const char *)data, size, &xc) == 0)
		boot_xencfg_clear(&xc);
	return 0;
}
