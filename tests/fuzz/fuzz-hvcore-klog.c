// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-klog: the kernel-log scanner (hv-klog.h) on any text, as read
 * from a captured root's dmesg, kern.log or a supportconfig. Every hit must be
 * a known cause, inside the scanned lines, and its message bounded and printable.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hvcore/hv-klog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_klog k;
	int n;

	memset(&k, 0, sizeof(k));
	n = hv_klog_scan((const char *)data, size, &k);
	if (n < 0)
		return 0;
	if ((size_t)n != k.nhits || k.nhits > HV_KLOG_CAUSE_COUNT ||
	    strlen(k.hypervisor) >= sizeof(k.hypervisor))
		__builtin_trap();
	for (size_t i = 0; i < k.nhits; i++) {
		const struct hv_klog_hit *h = &k.hits[i];

		if (!hv_klog_cause_info(h->cause) || h->line < k.first_line || !h->count ||
		    h->line >= k.first_line + k.nlines || strlen(h->msg) >= sizeof(h->msg))
			__builtin_trap();
		for (const char *p = h->msg; *p; p++)
			if ((unsigned char)*p < 0x20)
				__builtin_trap();
		if (hv_klog_find(&k, h->cause) != h)
			__builtin_trap();  /* one hit per cause */
	}
	return 0;
}
