// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-xl: the readers of xl's outputs in captured roots (hv-xen.h):
 * the whole input as `xl info`, and split at the first form feed into `xl list`
 * and `xl vcpu-list`. Every domain read must be internally consistent.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-xen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size), *ff;
	struct hv_xen_host h;
	struct hv_xen_dom *d;
	size_t n;

	if (!text)
		return 0;
	if (hv_xen_parse_info(text, &h) == 0 &&
	    (strlen(h.version) >= sizeof(h.version) || strlen(h.cmdline) >= sizeof(h.cmdline)))
		__builtin_trap();
	ff = strchr(text, '\f');
	if (ff)
		*ff++ = '\0';
	if (hv_xen_parse_lists(text, ff, &d, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (i && d[i - 1].domid >= d[i].domid)
				__builtin_trap();  /* ascending, no duplicates */
			for (size_t v = 0; v < d[i].nvcpus; v++)
				if (d[i].vcpus[v].id != v || strlen(d[i].vcpus[v].hard) >= 128)
					__builtin_trap();
		}
		hv_xen_doms_free(d, n);
	}
	free(text);
	return 0;
}
