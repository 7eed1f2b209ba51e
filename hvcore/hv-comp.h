/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-comp: compression detection and capped decompression of memory buffers
 * (gzip, xz, zstd, lz4, bzip2), as initrds, hypervisor images and kernel
 * modules (.ko.xz, .ko.zst, .ko.gz) use them. Every output is bounded by the
 * caller's @max, so a bomb stops there.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum hv_comp {
	HV_COMP_NONE,
	HV_COMP_GZIP,
	HV_COMP_XZ,
	HV_COMP_ZSTD,
	HV_COMP_LZ4,    /* legacy lz4 frame used by the kernel (and lz4 frame) */
	HV_COMP_BZIP2,
	HV_COMP_LZMA,   /* recognised, not decompressed */
	HV_COMP_LZO,    /* recognised, not decompressed */
};

/* Compression from magic bytes; HV_COMP_NONE when none is recognised. */
enum hv_comp hv_comp_detect(const uint8_t *p, size_t n);
/* "gzip", "xz", ...: a static string. */
const char *hv_comp_name(enum hv_comp c);

/*
 * Decompress the stream at @in, calling @sink for each chunk of output. Stops
 * after @max output bytes (-EFBIG) or when @sink returns non-zero (its value is
 * returned, e.g. 1 for "enough"). *consumed gets the compressed bytes used.
 * Returns 0 at the stream end, >0 from sink, -EFBIG, -EBADMSG (corrupt),
 * -EOPNOTSUPP (LZMA/LZO) or -ENOMEM.
 */
int hv_decompress(enum hv_comp c, const uint8_t *in, size_t inlen, size_t max,
		  int (*sink)(void *ud, const uint8_t *p, size_t n), void *ud, size_t *consumed);
/*
 * Output in a new buffer (caller frees *out); returns the length or -errno.
 * Output beyond @max is dropped: the first @max bytes are returned (headers
 * are at the start), so only a corrupt or empty stream is an error.
 */
ssize_t hv_decompress_all(enum hv_comp c, const uint8_t *in, size_t inlen, size_t max,
			  uint8_t **out);
