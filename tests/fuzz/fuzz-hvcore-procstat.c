// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-procstat: the /proc parsers of hv-proc (stat, status,
 * schedstat, syscall, thread names, fd links, QEMU command lines) on any
 * bytes. The first byte picks nothing: every parser sees every input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct hv_stat st;
	struct hv_status ss;
	struct hv_schedstat sc;
	struct hv_qemu_cmdline q;
	uint64_t args[6];
	char accel[16];
	long nr;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	hv_parse_stat(s, &st);
	hv_parse_status(s, &ss);
	hv_parse_schedstat(s, &sc);
	hv_parse_syscall(s, &nr, args);
	hv_parse_vcpu_comm(s, accel, sizeof(accel));
	hv_parse_vcpu_fd_link(s);
	hv_parse_qemu_cmdline((const char *)data, size, &q);
	free(s);
	return 0;
}
