// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-comp: capped decompression (see hv-comp.h). Moved from bootcheck's
 * boot-image so kernel modules (hv-mod) and boot images share one home.
 */
#include "hvcore/hv-comp.h"

#include <bzlib.h>
#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "hvcore/hv-util.h"

#define CHUNK (64u << 10)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum hv_comp hv_comp_detect(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
		return HV_COMP_GZIP;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return HV_COMP_XZ;
	if (n >= 4 && le32(p) == 0xFD2FB528)
		return HV_COMP_ZSTD;
	if (n >= 4 && (le32(p) == 0x184C2102 || le32(p) == 0x184D2204))
		return HV_COMP_LZ4;
	if (n >= 3 && !memcmp(p, "BZh", 3))
		return HV_COMP_BZIP2;
	if (n >= 3 && p[0] == 0x5d && p[1] == 0 && p[2] == 0)
		return HV_COMP_LZMA;
	if (n >= 4 && !memcmp(p, "\x89LZO", 4))
		return HV_COMP_LZO;
	return HV_COMP_NONE;
}

const char *hv_comp_name(enum hv_comp c)
{
	static const char *const names[] = { "none", "gzip", "xz", "zstd", "lz4", "bzip2", "lzma",
					     "lzo" };

	return (size_t)c < HV_ARRAY_SIZE(names) ? names[c] : "?";
}

/* Pass @n output bytes to the sink, enforcing the cap. */
static int emit(size_t *total, size_t max, int (*sink)(void *, const uint8_t *, size_t), void *ud,
		const uint8_t *p, size_t n)
{
	int r;

	if (n > max - *total)
		n = max - *total;
	*total += n;
	if (n) {
		r = sink(ud, p, n);
		if (r)
			return r;
	}
	return *total >= max ? -EFBIG : 0;
}

static int gunzip(const uint8_t *in, size_t inlen, size_t max,
		  int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	z_stream z = { 0 };
	uint8_t *buf = malloc(CHUNK);
	size_t total = 0;
	int zr, rc = 0;

	if (!buf)
		return -ENOMEM;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)HV_MIN(inlen, (size_t)UINT32_MAX);
	do {
		z.next_out = buf;
		z.avail_out = CHUNK;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
		rc = emit(&total, max, sink, ud, buf, CHUNK - z.avail_out);
		if (rc)
			break;
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			rc = -EBADMSG;  /* truncated */
			break;
		}
	} while (zr != Z_STREAM_END);
	*consumed = (size_t)(z.next_in - in);
	inflateEnd(&z);
	free(buf);
	return rc;
}

static int unxz(const uint8_t *in, size_t inlen, size_t max,
		int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t *buf = malloc(CHUNK);
	size_t total = 0;
	lzma_ret lr;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	/* 128 MiB decoder memory limit: the kernel's own xz decoder uses far less */
	if (lzma_stream_decoder(&s, 128u << 20, 0) != LZMA_OK) {
		free(buf);
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = inlen;
	do {
		s.next_out = buf;
		s.avail_out = CHUNK;
		lr = lzma_code(&s, LZMA_FINISH);
		if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
			rc = lr == LZMA_MEM_ERROR || lr == LZMA_MEMLIMIT_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
		rc = emit(&total, max, sink, ud, buf, CHUNK - s.avail_out);
		if (rc)
			break;
	} while (lr != LZMA_STREAM_END);
	*consumed = (size_t)(s.next_in - in);
	lzma_end(&s);
	free(buf);
	return rc;
}

static int unzstd(const uint8_t *in, size_t inlen, size_t max,
		  int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	uint8_t *buf = malloc(CHUNK);
	ZSTD_inBuffer ib = { in, inlen, 0 };
	size_t total = 0, r = 1;
	int rc = 0;

	if (!ds || !buf) {
		ZSTD_freeDStream(ds);
		free(buf);
		return -ENOMEM;
	}
	/* window limit 2^27 (128 MiB): refuse frames asking for more memory */
	ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 27);
	while (r != 0) {
		ZSTD_outBuffer ob = { buf, CHUNK, 0 };

		r = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(r)) {
			rc = -EBADMSG;
			break;
		}
		rc = emit(&total, max, sink, ud, buf, ob.pos);
		if (rc)
			break;
		if (r != 0 && ib.pos == ib.size && ob.pos < ob.size) {
			rc = -EBADMSG;  /* truncated */
			break;
		}
	}
	*consumed = ib.pos;
	ZSTD_freeDStream(ds);
	free(buf);
	return rc;
}

/* The kernel's lz4 is the legacy format: magic, then [le32 size][block] up to 8 MiB each. */
#define LZ4_LEGACY_BLOCK (8u << 20)
static int unlz4_legacy(const uint8_t *in, size_t inlen, size_t max,
			int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	uint8_t *buf = malloc(LZ4_LEGACY_BLOCK);
	size_t pos = 4, total = 0;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	while (pos + 4 <= inlen) {
		uint32_t bs = le32(in + pos);
		int got;

		if (bs == 0x184C2102) {  /* a new legacy stream concatenated */
			pos += 4;
			continue;
		}
		if (bs == 0 || bs > LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK) || bs > inlen - pos - 4)
			break;  /* not a block: end of this stream (e.g. cpio padding follows) */
		got = LZ4_decompress_safe((const char *)in + pos + 4, (char *)buf, (int)bs,
					  LZ4_LEGACY_BLOCK);
		if (got < 0) {
			rc = -EBADMSG;
			break;
		}
		pos += 4 + bs;
		rc = emit(&total, max, sink, ud, buf, (size_t)got);
		if (rc)
			break;
	}
	*consumed = pos;
	free(buf);
	return rc;
}

static int unlz4_frame(const uint8_t *in, size_t inlen, size_t max,
		       int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	LZ4F_dctx *dc = NULL;
	uint8_t *buf = malloc(CHUNK);
	size_t pos = 0, total = 0, r = 1;
	int rc = 0;

	if (!buf || LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION))) {
		free(buf);
		return -ENOMEM;
	}
	while (r != 0 && pos < inlen) {
		size_t olen = CHUNK, ilen = inlen - pos;

		r = LZ4F_decompress(dc, buf, &olen, in + pos, &ilen, NULL);
		if (LZ4F_isError(r)) {
			rc = -EBADMSG;
			break;
		}
		pos += ilen;
		rc = emit(&total, max, sink, ud, buf, olen);
		if (rc)
			break;
		if (ilen == 0 && olen == 0)
			break;
	}
	*consumed = pos;
	LZ4F_freeDecompressionContext(dc);
	free(buf);
	return rc;
}

static int unbz2(const uint8_t *in, size_t inlen, size_t max,
		 int (*sink)(void *, const uint8_t *, size_t), void *ud, size_t *consumed)
{
	bz_stream s = { 0 };
	uint8_t *buf = malloc(CHUNK);
	size_t total = 0;
	int br, rc = 0;

	if (!buf)
		return -ENOMEM;
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) {
		free(buf);
		return -ENOMEM;
	}
	s.next_in = (char *)in;
	s.avail_in = (unsigned)HV_MIN(inlen, (size_t)UINT32_MAX);
	do {
		s.next_out = (char *)buf;
		s.avail_out = CHUNK;
		br = BZ2_bzDecompress(&s);
		if (br != BZ_OK && br != BZ_STREAM_END) {
			rc = br == BZ_MEM_ERROR ? -ENOMEM : -EBADMSG;
			break;
		}
		rc = emit(&total, max, sink, ud, buf, CHUNK - s.avail_out);
		if (rc)
			break;
		if (br == BZ_OK && s.avail_in == 0 && s.avail_out != 0) {
			rc = -EBADMSG;
			break;
		}
	} while (br != BZ_STREAM_END);
	*consumed = (size_t)((const uint8_t *)s.next_in - in);
	BZ2_bzDecompressEnd(&s);
	free(buf);
	return rc;
}

int hv_decompress(enum hv_comp c, const uint8_t *in, size_t inlen, size_t max,
		    int (*sink)(void *ud, const uint8_t *p, size_t n), void *ud, size_t *consumed)
{
	*consumed = 0;
	switch (c) {
	case HV_COMP_GZIP:
		return gunzip(in, inlen, max, sink, ud, consumed);
	case HV_COMP_XZ:
		return unxz(in, inlen, max, sink, ud, consumed);
	case HV_COMP_ZSTD:
		return unzstd(in, inlen, max, sink, ud, consumed);
	case HV_COMP_LZ4:
		if (inlen >= 4 && le32(in) == 0x184C2102)
			return unlz4_legacy(in, inlen, max, sink, ud, consumed);
		return unlz4_frame(in, inlen, max, sink, ud, consumed);
	case HV_COMP_BZIP2:
		return unbz2(in, inlen, max, sink, ud, consumed);
	default:
		return -EOPNOTSUPP;
	}
}

struct membuf {
	uint8_t *p;
	size_t len, cap;
};

static int mem_sink(void *ud, const uint8_t *p, size_t n)
{
	struct membuf *m = ud;

	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : CHUNK;
		uint8_t *b;

		while (cap < m->len + n)
			cap *= 2;
		b = realloc(m->p, cap);
		if (!b)
			return -ENOMEM;
		m->p = b;
		m->cap = cap;
	}
	memcpy(m->p + m->len, p, n);
	m->len += n;
	return 0;
}

ssize_t hv_decompress_all(enum hv_comp c, const uint8_t *in, size_t inlen, size_t max,
			    uint8_t **out)
{
	struct membuf m = { 0 };
	size_t used;
	int rc = hv_decompress(c, in, inlen, max, mem_sink, &m, &used);

	*out = NULL;
	/* -EFBIG: keep the first @max bytes (headers live at the start) */
	if (rc < 0 && !(rc == -EFBIG && m.len > 0)) {
		free(m.p);
		return rc;
	}
	*out = m.p;
	return (ssize_t)m.len;
}

