// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-probe-platform: the platform checks' text parsers, which read files
 * from an untrusted root (a mounted disk, a captured fixture): mountinfo and
 * /proc/mounts, device-node stand-ins, modules.dep/builtin, /proc/misc,
 * sysfs choice files, /proc/meminfo, /proc/cgroups, /proc/interrupts. The
 * input is copied to a NUL-terminated buffer, as hv_root_read_strf gives it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_mounts m = { 0 };
	struct probe_devnode d;
	char *buf, word[32];
	uint64_t v;

	if (size > (1u << 20))
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	/* decoded fields only ever shrink */
	if (probe_mountinfo_parse(buf, &m) == 0)
		for (size_t i = 0; i < m.n; i++) {
			if (strlen(m.v[i].target) > size || strlen(m.v[i].super) > size)
				__builtin_trap();
			(void)probe_mounts_at(&m, m.v[i].target);
			(void)probe_opt_has(m.v[i].super, "cpu");
		}
	probe_mounts_clear(&m);
	if (probe_mounts_parse(buf, &m) == 0 && m.n)
		(void)probe_opt_has(m.v[0].opts, "rw");
	probe_mounts_clear(&m);

	if (probe_devnode_parse(buf, &d) == 0 && d.known && (d.mode > 07777 || d.major > 4095))
		__builtin_trap();
	(void)hv_modlist_find(buf, "vhost_net", NULL, 0);
	(void)probe_misc_has(buf, "tun");
	if (probe_sysfs_choice(buf, word, sizeof(word)) == 0 && strlen(word) >= sizeof(word))
		__builtin_trap();
	(void)probe_hugepage_dir_kb(buf, &v);
	(void)probe_meminfo_get(buf, "HugePages_Total", &v);
	(void)probe_proc_cgroups_enabled(buf, "memory");
	(void)probe_interrupts_scan(buf);
	(void)probe_parse_kbool(buf);
	probe_clean(buf, word, sizeof(word));
	free(buf);
	return 0;
}
