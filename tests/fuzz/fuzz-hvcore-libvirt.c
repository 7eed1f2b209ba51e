// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-hvcore-libvirt: libvirt status XML (hv_libvirt_parse) on any bytes. */
#include <stdint.h>

#include "hvcore/hv-libvirt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_libvirt_dom d;

	if (hv_libvirt_parse((const char *)data, size, &d) == 0)
		hv_libvirt_dom_clear(&d);
	return 0;
}
