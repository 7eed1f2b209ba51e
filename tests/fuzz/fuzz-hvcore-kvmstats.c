// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-hvcore-kvmstats: hv-kvmstats' parser of KVM binary statistics files
 * (header, id, descriptors, data block) on any bytes: the whole file, the
 * layout from a prefix (as the live reader does), and the data block alone
 * against the layout found.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-kvmstats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_kstats_layout l;
	struct hv_kstats k;
	/* a copy of exactly @size bytes, so that ASan sees any read past the end */
	uint8_t *b = malloc(size ? size : 1);

	if (!b)
		return 0;
	memcpy(b, data, size);
	hv_kstats_parse(b, size, &l, &k);
	if (hv_kstats_parse_layout(b, size > 24 ? 24 : size, &l) == -ENODATA && l.need <= size)
		hv_kstats_parse_layout(b, l.need, &l);
	if (hv_kstats_parse_layout(b, size, &l) == 0)
		hv_kstats_parse_data(&l, b, size, &k);
	free(b);
	return 0;
}
