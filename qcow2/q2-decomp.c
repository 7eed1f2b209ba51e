// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-decomp: decompress one qcow2 compressed cluster, for verify --deep.
 * spec: zlib clusters are raw deflate (no zlib header, 4 KiB..32 KiB window);
 * zstd clusters are one zstd stream. Like QEMU (block/qcow2-threads.c) the
 * output must fill the whole cluster; trailing input (sector padding) is fine.
 */
#include "qcow2/q2-check.h"

#include <errno.h>
#include <zlib.h>
#include <zstd.h>

#include "qcow2/q2-format.h"

static int inflate_raw(const void *src, size_t src_len, void *dst, size_t dst_len)
{
	z_stream s = { 0 };
	int rc;

	if (inflateInit2(&s, -12) != Z_OK)
		return -ENOMEM;
	s.next_in = (Bytef *)src;
	s.avail_in = (uInt)src_len;
	s.next_out = dst;
	s.avail_out = (uInt)dst_len;
	rc = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	/* Z_BUF_ERROR: output full before the end of the input (padding) */
	if ((rc == Z_STREAM_END || rc == Z_BUF_ERROR) && s.avail_out == 0)
		return 0;
	return -EIO;
}

static int zstd_stream(const void *src, size_t src_len, void *dst, size_t dst_len)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	ZSTD_inBuffer in = { src, src_len, 0 };
	ZSTD_outBuffer out = { dst, dst_len, 0 };
	int rc = -EIO;

	if (!dctx)
		return -ENOMEM;
	while (out.pos < out.size) {
		size_t last = in.pos, r = ZSTD_decompressStream(dctx, &out, &in);

		if (ZSTD_isError(r))
			break;
		if (!r && out.pos < out.size)
			break;  /* frame ended short of a whole cluster */
		if (in.pos == last && in.pos == in.size && out.pos < out.size)
			break;  /* input exhausted */
	}
	if (out.pos == out.size)
		rc = 0;
	ZSTD_freeDCtx(dctx);
	return rc;
}

int q2_decompress(int type, const void *src, size_t src_len, void *dst, size_t dst_len)
{
	if (type == Q2_COMP_ZSTD)
		return zstd_stream(src, src_len, dst, dst_len);
	return inflate_raw(src, src_len, dst, dst_len);
}
