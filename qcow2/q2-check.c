// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-check: the verifier. The rules and the counting follow QEMU's
 * block/qcow2-refcount.c (qcow2_check_refcounts and helpers) so that the
 * numbers equal `qemu-img check`'s; the implementation is ours and built for
 * speed: metadata is read in big sequential batches (adjacent L2 tables and
 * refcount blocks coalesced into one pread), and the computed refcounts live
 * in a 4-bit-per-cluster array (values >= 15 spill into 16-bit chunks allocated
 * where needed, and a hash beyond), i.e. a quarter of what qemu-img keeps with
 * 16-bit refcounts.
 */
#include "qcow2/q2-check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

/* One coalesced metadata read is at most this big. */
#define BATCH_BYTES (1u << 20)

enum ctype { CT_UNALLOC, CT_ZERO_PLAIN, CT_ZERO_ALLOC, CT_NORMAL, CT_COMPRESSED };

/* On-disk refcount == 1 lookups for the COPIED check (check_oflag_copied). */
enum { ST_NOT_ONE = 0, ST_ONE = 1, ST_ERR = 2 };


struct refs {
	uint8_t *nib;           /* two 4-bit counts per byte; 15 = look in the hash */
	uint64_t n;             /* clusters covered (qemu's nb_clusters) */
	uint64_t cap;           /* clusters allocated */
	/* counts >= 15: 16-bit chunks of WIDE_CHUNK clusters, allocated where needed
	 * (images with many internal snapshots: about qemu-img's 2 bytes/cluster) */
	uint16_t **wide;
	uint64_t n_wide;        /* chunk pointers allocated */
	uint64_t *ov_key;       /* counts >= 15 + 0xffff: open addressing, key+1 (0 = empty) */
	uint64_t *ov_val;
	size_t ov_cap, ov_n;
};

#define WIDE_BITS 12
#define WIDE_CHUNK (1u << WIDE_BITS)
#define WIDE_MAX 0xffffu        /* in a chunk: count - 15, or WIDE_MAX = in the hash */

/* A cluster referenced more often than its refcount says, and who references it. */
#define REFD_WHO 3
struct refd {
	uint64_t k;
	size_t msg;             /* its message in res->msgs, completed by name_referrers */
	char *who[REFD_WHO];
	unsigned nwho, more;
};

struct ck {
	struct q2_image *img;
	const struct q2_check_opts *opts;
	struct q2_check_result *res;
	struct refs r;
	uint8_t *buf;           /* BATCH_BYTES (or one cluster if bigger) */
	size_t buf_len;
	uint8_t *dbuf;          /* --deep scratch */
	uint8_t *one;           /* bit k: on-disk refcount of cluster k is 1 */
	uint64_t one_n;         /* clusters covered by @one */
	uint64_t highest;       /* highest cluster in use (compare_refcounts) */
	struct refd *refd;      /* over-referenced clusters whose referrers we name */
	size_t n_refd, cap_refd;
	uint64_t work_done, work_total;
	unsigned max_msgs;
	bool data_file;
	bool naming;            /* name_referrers' walk: references are named, not counted */
};

/* Count a problem and keep its message (up to max_msgs per kind): its index, or -1. */
static long msg(struct ck *c, enum q2_msg_kind kind, const char *fmt, ...) HV_PRINTF(3, 4);
static long msg(struct ck *c, enum q2_msg_kind kind, const char *fmt, ...)
{
	struct q2_check_result *res = c->res;
	size_t kept = 0, i;
	struct q2_msg *m;
	va_list ap;
	char *text;

	if (c->naming)
		return -1;  /* said in the first walk */
	switch (kind) {
	case Q2_MSG_CORRUPTION: res->corruptions++; break;
	case Q2_MSG_LEAK: res->leaks++; break;
	case Q2_MSG_CHECK_ERROR: res->check_errors++; break;
	case Q2_MSG_WARNING: res->warnings++; break;
	default: break;
	}
	for (i = 0; i < res->n_msgs; i++)
		kept += res->msgs[i].kind == kind;
	if (kept >= c->max_msgs) {
		res->dropped[kind]++;
		return -1;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	m = text ? realloc(res->msgs, (res->n_msgs + 1) * sizeof(*m)) : NULL;
	if (!m) {
		free(text);
		res->dropped[kind]++;
		return -1;
	}
	res->msgs = m;
	res->msgs[res->n_msgs].kind = kind;
	res->msgs[res->n_msgs].text = text;
	return (long)res->n_msgs++;
}

static void progress(struct ck *c, uint64_t units)
{
	if (c->naming)
		return;
	c->work_done += units;
	if (c->opts->progress)
		c->opts->progress(c->opts->progress_data, c->work_done, c->work_total);
}

/* ---- the computed refcount array --------------------------------------- */

static int refs_grow(struct refs *r, uint64_t want)
{
	uint64_t cap = r->cap ? r->cap : 1024;
	uint8_t *p;

	while (cap < want)
		cap += cap / 2 + 1024;
	if (cap / 2 + 1 > SIZE_MAX / 2)
		return -ENOMEM;
	p = realloc(r->nib, (size_t)(cap / 2 + 1));
	if (!p)
		return -ENOMEM;
	memset(p + (r->cap ? r->cap / 2 + 1 : 0), 0,
	       (size_t)(cap / 2 + 1 - (r->cap ? r->cap / 2 + 1 : 0)));
	r->nib = p;
	r->cap = cap;
	return 0;
}

static size_t ov_slot(const struct refs *r, uint64_t k)
{
	uint64_t h = (k + 1) * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 20) & (r->ov_cap - 1);

	while (r->ov_key[i] && r->ov_key[i] != k + 1)
		i = (i + 1) & (r->ov_cap - 1);
	return i;
}

static int ov_set(struct refs *r, uint64_t k, uint64_t v)
{
	size_t i;

	if ((r->ov_n + 1) * 4 >= r->ov_cap * 3) {
		size_t ncap = r->ov_cap ? r->ov_cap * 2 : 1024, j;
		uint64_t *ok = r->ov_key, *ovv = r->ov_val;
		size_t ocap = r->ov_cap;

		r->ov_key = calloc(ncap, sizeof(uint64_t));
		r->ov_val = calloc(ncap, sizeof(uint64_t));
		if (!r->ov_key || !r->ov_val) {
			free(r->ov_key);
			free(r->ov_val);
			r->ov_key = ok;
			r->ov_val = ovv;
			return -ENOMEM;
		}
		r->ov_cap = ncap;
		for (j = 0; j < ocap; j++) {
			if (!ok[j])
				continue;
			i = ov_slot(r, ok[j] - 1);
			r->ov_key[i] = ok[j];
			r->ov_val[i] = ovv[j];
		}
		free(ok);
		free(ovv);
	}
	i = ov_slot(r, k);
	if (!r->ov_key[i]) {
		r->ov_key[i] = k + 1;
		r->ov_n++;
	}
	r->ov_val[i] = v;
	return 0;
}

static inline unsigned nib_get(const struct refs *r, uint64_t k)
{
	return (r->nib[k >> 1] >> ((k & 1) * 4)) & 0xf;
}

static inline void nib_set(struct refs *r, uint64_t k, unsigned v)
{
	uint8_t *b = &r->nib[k >> 1];
	unsigned sh = (k & 1) * 4;

	*b = (uint8_t)((*b & ~(0xf << sh)) | (v << sh));
}

static uint64_t refs_get(const struct refs *r, uint64_t k)
{
	unsigned v;
	uint16_t w;

	if (k >= r->n)
		return 0;
	v = nib_get(r, k);
	if (v < 15)
		return v;
	w = r->wide[k >> WIDE_BITS][k & (WIDE_CHUNK - 1)];
	if (w < WIDE_MAX)
		return 15 + (uint64_t)w;
	return r->ov_val[ov_slot(r, k)];
}

/* Store a count >= 15 for cluster @k. 0 or -ENOMEM. */
static int refs_set_wide(struct refs *r, uint64_t k, uint64_t v)
{
	uint64_t ci = k >> WIDE_BITS;
	uint16_t *chunk;

	if (ci >= r->n_wide) {
		uint64_t want = HV_MAX(ci + 1, r->cap >> WIDE_BITS) + 1, i;
		uint16_t **p = realloc(r->wide, want * sizeof(*p));

		if (!p)
			return -ENOMEM;
		for (i = r->n_wide; i < want; i++)
			p[i] = NULL;
		r->wide = p;
		r->n_wide = want;
	}
	chunk = r->wide[ci];
	if (!chunk) {
		chunk = calloc(WIDE_CHUNK, sizeof(*chunk));
		if (!chunk)
			return -ENOMEM;
		r->wide[ci] = chunk;
	}
	nib_set(r, k, 15);
	if (v - 15 < WIDE_MAX) {
		chunk[k & (WIDE_CHUNK - 1)] = (uint16_t)(v - 15);
		return 0;
	}
	chunk[k & (WIDE_CHUNK - 1)] = WIDE_MAX;
	return ov_set(r, k, v);
}

/*
 * qcow2_inc_refcounts_imrt(): count one reference to every cluster of
 * [offset, offset + size), growing the array for the last, partly written
 * cluster of the file. Returns 0 or -ENOMEM (fatal, a check error).
 */
static void refd_region(struct ck *c, uint64_t off, uint64_t len, const char *what);

static int inc_region(struct ck *c, uint64_t offset, uint64_t size, const char *what)
{
	struct q2_image *img = c->img;
	uint64_t start, last, k, cs = img->cluster_size;
	int rc;

	if ((int64_t)size <= 0)
		return 0;
	if (c->naming) {
		refd_region(c, offset, size, what);
		return 0;
	}
	if ((int64_t)(offset + size - img->file_size) >= (int64_t)cs) {
		msg(c, Q2_MSG_CORRUPTION,
		    "%s: 0x%llx..0x%llx is one cluster or more past the end of the file (0x%llx)",
		    what, (unsigned long long)offset, (unsigned long long)(offset + size),
		    (unsigned long long)img->file_size);
		return 0;
	}
	start = offset >> img->cluster_bits;
	last = (offset + size - 1) >> img->cluster_bits;
	for (k = start; k <= last; k++) {
		unsigned v;

		if (k >= c->r.n) {
			/* bounded: the check above keeps k within one cluster of EOF,
			 * unless the offset wrapped (hostile): refuse like qemu's ENOMEM */
			if (k > c->r.n + 2 * (size / cs + 2) + 16) {
				c->res->check_errors++;
				return -ENOMEM;
			}
			if (k >= c->r.cap) {
				rc = refs_grow(&c->r, k + 1);
				if (rc < 0) {
					c->res->check_errors++;
					return rc;
				}
			}
			c->r.n = k + 1;
		}
		v = nib_get(&c->r, k);
		if (v < 14) {
			if (v + 1 > img->refcount_max)
				goto overflow;
			nib_set(&c->r, k, v + 1);
			continue;
		} else {
			uint64_t cur = refs_get(&c->r, k);

			if (cur == img->refcount_max)
				goto overflow;
			rc = refs_set_wide(&c->r, k, cur + 1);
			if (rc < 0) {
				c->res->check_errors++;
				return rc;
			}
			continue;
		}
overflow:
		msg(c, Q2_MSG_CORRUPTION,
		    "cluster %llu (host 0x%llx): reference count overflows the %u-bit refcount width",
		    (unsigned long long)k, (unsigned long long)(k << img->cluster_bits),
		    img->refcount_bits);
	}
	return 0;
}

/* ---- L1/L2 walk --------------------------------------------------------- */

static inline enum ctype cluster_type(const struct ck *c, uint64_t e)
{
	if (e & Q2_OFLAG_COMPRESSED)
		return CT_COMPRESSED;
	if ((e & Q2_OFLAG_ZERO) && !c->img->extended_l2)
		return (e & Q2_L2E_OFFSET_MASK) ? CT_ZERO_ALLOC : CT_ZERO_PLAIN;
	if (!(e & Q2_L2E_OFFSET_MASK))
		return (c->data_file && (e & Q2_OFLAG_COPIED)) ? CT_NORMAL : CT_UNALLOC;
	return CT_NORMAL;
}

/* "guest 1 GiB..1.5 GiB" for L1 entry @l1i */
static const char *guest_range(const struct ck *c, uint64_t l1i, char *buf, size_t len)
{
	uint64_t span = c->img->l2_entries << c->img->cluster_bits;
	char a[32], b[32];

	if (l1i)
		hv_fmt_size(l1i * span, a, sizeof(a));
	else
		snprintf(a, sizeof(a), "0");
	hv_fmt_size((l1i + 1) * span, b, sizeof(b));
	snprintf(buf, len, "guest %s..%s", a, b);
	return buf;
}

struct l1ctx {
	const char *label;      /* "active" or "snapshot 'x' (id 1)" */
	bool active;            /* count fragmentation info (qemu CHECK_FRAG_INFO) */
	bool copied;            /* check the COPIED flags (qemu check_oflag_copied) */
};

static int deep_check(struct ck *c, uint64_t coffset, uint64_t csize, const char *where)
{
	struct q2_image *img = c->img;
	uint8_t *src;
	int rc;

	if (!c->dbuf) {
		c->dbuf = malloc(img->cluster_size);
		if (!c->dbuf)
			return -ENOMEM;
	}
	src = malloc(csize ? csize : 1); /* csize <= 2 cluster sizes, bounded by the layout */
	if (!src)
		return -ENOMEM;
	rc = q2_pread(img, src, csize, coffset);
	if (rc == 0)
		rc = q2_decompress(img->compression_type, src, csize, c->dbuf, img->cluster_size);
	free(src);
	if (rc < 0) {
		c->res->deep_failures++;
		msg(c, Q2_MSG_CORRUPTION,
		    "%s: compressed cluster at 0x%llx (%llu bytes) does not decompress (%s)", where,
		    (unsigned long long)coffset, (unsigned long long)csize,
		    img->compression_type == Q2_COMP_ZSTD ? "zstd" : "deflate");
	}
	return 0;
}

/* ---- on-disk refcount == 1, for the COPIED check ------------------------ */

static inline uint64_t rb_entry(const struct q2_image *img, const uint8_t *rb, uint64_t idx)
{
	switch (img->refcount_order) {
	case 0: return (rb[idx / 8] >> (idx % 8)) & 1;
	case 1: return (rb[idx / 4] >> (2 * (idx % 4))) & 3;
	case 2: return (rb[idx / 2] >> (4 * (idx % 2))) & 0xf;
	case 3: return rb[idx];
	case 4: return q2_be16(rb + idx * 2);
	case 5: return q2_be32(rb + idx * 4);
	default: return q2_be64(rb + idx * 8);
	}
}

/*
 * The on-disk refcount of one cluster (qcow2_get_refcount), for clusters
 * outside the bitmap. Returns 0 and *v, or -EIO (unaligned refblock).
 */
static int ondisk_refcount(struct ck *c, uint64_t k, uint64_t *v)
{
	struct q2_image *img = c->img;
	uint64_t ri = k >> img->rb_bits, rb, idx = k & ((1ull << img->rb_bits) - 1);
	uint64_t byte = (idx << img->refcount_order) / 8;
	uint8_t tmp[8] = { 0 };
	int rc;

	*v = 0;
	if (ri >= img->reftable_entries)
		return 0;
	rb = img->reftable[ri] & Q2_REFT_OFFSET_MASK;
	if (!rb)
		return 0;
	if (rb & (img->cluster_size - 1))
		return -EIO;
	rc = q2_pread(img, tmp, img->refcount_order >= 3 ? img->refcount_bits / 8 : 1, rb + byte);
	if (rc < 0)
		return rc;
	if (img->refcount_order >= 3)
		*v = rb_entry(img, tmp, 0);
	else
		*v = rb_entry(img, tmp, idx - byte * 8 / img->refcount_bits);
	return 0;
}

/* ST_ERR when the refcount block of cluster @k is unaligned (qemu: -EIO). */
static inline int state_of(struct ck *c, uint64_t k)
{
	const struct q2_image *img = c->img;
	uint64_t ri = k >> img->rb_bits, v;

	if (ri < img->reftable_entries &&
	    (img->reftable[ri] & Q2_REFT_OFFSET_MASK & (img->cluster_size - 1)))
		return ST_ERR;
	if (k < c->one_n)
		return (c->one[k >> 3] >> (k & 7)) & 1;
	if (ondisk_refcount(c, k, &v) < 0)
		return ST_ERR;
	return v == 1 ? ST_ONE : ST_NOT_ONE;
}

/*
 * Visit the refcount blocks covering clusters [0, n) in coalesced batches:
 * @fn gets each block (NULL when absent or past the table) and its index.
 * Unaligned blocks are passed with @err set.
 */
typedef void (*rb_fn)(struct ck *c, uint64_t ri, const uint8_t *blk, bool err, uint64_t n);

static void for_each_refblock(struct ck *c, uint64_t n, rb_fn fn)
{
	struct q2_image *img = c->img;
	const uint64_t per_rb = 1ull << img->rb_bits, cs = img->cluster_size;
	const uint64_t nrb = HV_DIV_ROUND_UP(n, per_rb);
	uint64_t ri = 0;

	while (ri < nrb) {
		uint64_t rb = 0, rj = ri + 1, r;
		bool err = false, have = false;

		if (ri < img->reftable_entries)
			rb = img->reftable[ri] & Q2_REFT_OFFSET_MASK;
		if (rb && (rb & (cs - 1))) {
			err = true;
		} else if (rb) {
			have = true;
			while (rj < nrb && rj < img->reftable_entries &&
			       (img->reftable[rj] & Q2_REFT_OFFSET_MASK) == rb + (rj - ri) * cs &&
			       (rj - ri + 1) * cs <= c->buf_len)
				rj++;
			/* past the end of the file: zeros, as QEMU reads it */
			if (q2_pread(img, c->buf, (rj - ri) * cs, rb) < 0)
				memset(c->buf, 0, (rj - ri) * cs);
		}
		for (r = ri; r < rj; r++)
			fn(c, r, have ? c->buf + (r - ri) * cs : NULL, err, n);
		progress(c, rj - ri);
		ri = rj;
	}
}

/* 16-bit refcounts of 1, big-endian: what a refcount block of a healthy image holds. */
static const uint8_t be16_ones[32] = {
	0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
	0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
};
static const uint8_t zeros32[32];

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void one_fill(struct ck *c, uint64_t ri, const uint8_t *blk, bool err, uint64_t n)
{
	const struct q2_image *img = c->img;
	uint64_t k = ri << img->rb_bits, end = HV_MIN(k + (1ull << img->rb_bits), n), i;

	if (!blk || err)
		return; /* bits stay 0; errors are recognised from the reftable */
	if (img->refcount_order == 4) {
		/* refcount blocks start at multiples of 256 clusters: k is 8-aligned */
		for (i = 0; k + 8 <= end; k += 8, i += 8) {
			if (!memcmp(blk + 2 * i, be16_ones, 16))
				c->one[k >> 3] = 0xff;
			else if (memcmp(blk + 2 * i, zeros32, 16))
				for (unsigned b = 0; b < 8; b++)
					if (blk[2 * (i + b)] == 0 && blk[2 * (i + b) + 1] == 1)
						c->one[k >> 3] |= (uint8_t)(1u << b);
		}
		for (; k < end; k++, i++)
			if (blk[2 * i] == 0 && blk[2 * i + 1] == 1)
				c->one[k >> 3] |= (uint8_t)(1u << (k & 7));
		return;
	}
	for (i = 0; k < end; k++, i++)
		if (rb_entry(img, blk, i) == 1)
			c->one[k >> 3] |= (uint8_t)(1u << (k & 7));
}

/* ---- L1/L2 walk --------------------------------------------------------- */

/*
 * A run of @r L2 entries mapping the consecutive clusters @k0.. (preallocated
 * and sequentially written images): count their references in bulk when every
 * count is still 0 and, if @check is set, every on-disk refcount agrees with
 * @copied. Returns false, changing nothing, when the run needs the per-entry
 * path (which produces the exact messages).
 */
static bool run_bulk(struct ck *c, uint64_t k0, uint64_t r, bool check, bool copied)
{
	const struct q2_image *img = c->img;
	uint64_t k, end = k0 + r, ri;
	uint8_t want = copied ? 0xff : 0x00;

	if (end > c->r.n)
		return false;
	/* all counts 0? (nibbles; head and tail may share a byte with others) */
	for (k = k0; k < end && (k & 15); k++)
		if (nib_get(&c->r, k))
			return false;
	for (; k + 16 <= end; k += 16)
		if (load64(c->r.nib + k / 2))
			return false;
	for (; k < end; k++)
		if (nib_get(&c->r, k))
			return false;
	if (check) {
		if (end > c->one_n)
			return false;
		for (ri = k0 >> img->rb_bits; ri <= (end - 1) >> img->rb_bits; ri++)
			if (ri < img->reftable_entries &&
			    (img->reftable[ri] & Q2_REFT_OFFSET_MASK & (img->cluster_size - 1)))
				return false;
		for (k = k0; k < end && (k & 7); k++)
			if (((c->one[k >> 3] >> (k & 7)) & 1) != copied)
				return false;
		for (; k + 8 <= end; k += 8)
			if (c->one[k >> 3] != want)
				return false;
		for (; k < end; k++)
			if (((c->one[k >> 3] >> (k & 7)) & 1) != copied)
				return false;
	}
	for (k = k0; k < end && (k & 1); k++)
		nib_set(&c->r, k, 1);
	if (end - k >= 2) {
		memset(c->r.nib + k / 2, 0x11, (end - k) / 2);
		k += (end - k) & ~1ull;
	}
	for (; k < end; k++)
		nib_set(&c->r, k, 1);
	return true;
}

static void copied_mismatch(struct ck *c, const struct l1ctx *lc, uint32_t l1i, uint64_t l2_off,
			    uint64_t j, uint64_t e, int st)
{
	char gr[80];

	msg(c, Q2_MSG_CORRUPTION,
	    "%s L2 table at 0x%llx (%s), entry %llu (guest 0x%llx): COPIED flag is %s but the refcount of data cluster 0x%llx is %s1",
	    lc->label, (unsigned long long)l2_off, guest_range(c, l1i, gr, sizeof(gr)),
	    (unsigned long long)j,
	    (unsigned long long)(((uint64_t)l1i * c->img->l2_entries + j) << c->img->cluster_bits),
	    (e & Q2_OFLAG_COPIED) ? "set" : "clear", (unsigned long long)(e & Q2_L2E_OFFSET_MASK),
	    st == ST_ONE ? "" : "not ");
}

/*
 * check_refcounts_l2() and, for the active L1 table, the L2 half of
 * check_oflag_copied(): one L2 table at @l2 (already read).
 * @copied: check COPIED flags here (false when the table's own refcount
 * could not be read, as qemu skips the whole table then).
 */
static int walk_l2(struct ck *c, const struct l1ctx *lc, uint32_t l1i, uint64_t l2_off,
		   const uint8_t *l2, bool copied)
{
	struct q2_image *img = c->img;
	const uint64_t cs = img->cluster_size, n = img->l2_entries, fsize = img->file_size;
	const uint64_t rmax = img->refcount_max;
	const unsigned bits = img->cluster_bits;
	const bool ext = img->extended_l2, frag = lc->active;
	/* every reference through inc_region when naming referrers */
	const bool fast = !ext && !c->data_file && img->version >= 3 && !c->naming;
	uint64_t next_contig = 0, j;
	uint64_t run_end = 0;  /* entries before it belong to a run already measured */
	char where[200], gr[80];
	int rc;

#define WHERE()                                                                               \
	(snprintf(where, sizeof(where), "%s L2 table at 0x%llx (%s), entry %llu (guest 0x%llx)", \
		  lc->label, (unsigned long long)l2_off, guest_range(c, l1i, gr, sizeof(gr)),  \
		  (unsigned long long)j,                                                        \
		  (unsigned long long)(((uint64_t)l1i * n + j) << bits)),                       \
	 where)

	for (j = 0; j < n; j++) {
		uint64_t e = q2_be64(l2 + j * img->l2_entry_size);
		uint64_t bm, off;
		enum ctype t;

		if (!e && !ext)
			continue; /* unallocated: the common case */
		off = e & Q2_L2E_OFFSET_MASK;
		if (fast && off && !(e & ~(Q2_OFLAG_COPIED | Q2_L2E_OFFSET_MASK)) && !(off & (cs - 1)) &&
		    off + cs <= fsize) {
			/* a plain allocated cluster inside the file: the hot path */
			uint64_t k = off >> bits, r = 1;
			unsigned v;

			/*
			 * Measure a run once: when run_bulk() refuses it (a table
			 * shared with a snapshot: the counts are 1 already), its
			 * entries go one by one, without measuring what is left
			 * of the run again at each (quadratic in the run).
			 */
			if (j >= run_end) {
				while (j + r < n && q2_be64(l2 + (j + r) * 8) == e + r * cs &&
				       off + (r + 1) * cs <= fsize)
					r++;
				if (r >= 16 && run_bulk(c, k, r, copied, e & Q2_OFLAG_COPIED)) {
					if (frag) {
						c->res->allocated_clusters += r;
						if (next_contig && off != next_contig)
							c->res->fragmented_clusters++;
						next_contig = off + r * cs;
					}
					j += r - 1;
					continue;
				}
				run_end = j + r;
			}

			if (frag) {
				c->res->allocated_clusters++;
				if (next_contig && off != next_contig)
					c->res->fragmented_clusters++;
				next_contig = off + cs;
			}
			v = nib_get(&c->r, k);
			if (v < 14 && v + 1 <= rmax) {
				nib_set(&c->r, k, v + 1);
			} else {
				rc = inc_region(c, off, cs, WHERE());
				if (rc < 0)
					return rc;
			}
			if (copied) {
				int st = k < c->one_n ? (c->one[k >> 3] >> (k & 7)) & 1 : state_of(c, k);

				if (st != !!(e & Q2_OFLAG_COPIED) &&
				    (st = state_of(c, k)) != ST_ERR)
					copied_mismatch(c, lc, l1i, l2_off, j, e, st);
			}
			continue;
		}
		bm = ext ? q2_be64(l2 + j * 16 + 8) : 0;
		if (!e && !bm)
			continue;
		t = cluster_type(c, e);
		if (t != CT_COMPRESSED && (e & Q2_L2E_STD_RESERVED_MASK))
			msg(c, Q2_MSG_CORRUPTION, "%s: reserved bits set (0x%llx)", WHERE(),
			    (unsigned long long)e);

		switch (t) {
		case CT_COMPRESSED: {
			uint64_t coff, csize;

			if (e & Q2_OFLAG_COPIED) {
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: COPIED flag set on a compressed cluster", WHERE());
				e &= ~Q2_OFLAG_COPIED;
			}
			if (c->data_file) {
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: compressed cluster in an image with an external data file",
				    WHERE());
				break;
			}
			if (bm) {
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: compressed cluster with a non-zero subcluster bitmap",
				    WHERE());
				break;
			}
			coff = e & img->coffset_mask;
			csize = (((e >> img->csize_shift) & img->csize_mask) + 1) * Q2_COMPRESSED_SECTOR -
				(coff & (Q2_COMPRESSED_SECTOR - 1));
			rc = inc_region(c, coff, csize, WHERE());
			if (rc < 0)
				return rc;
			if (frag) {
				c->res->allocated_clusters++;
				c->res->compressed_clusters++;
				c->res->fragmented_clusters++;
			}
			if (c->opts->deep && !c->naming) {
				rc = deep_check(c, coff, csize, WHERE());
				if (rc < 0)
					return rc;
			}
			break;
		}
		case CT_ZERO_ALLOC:
		case CT_NORMAL:
			if ((bm >> 32) & bm)
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: subcluster bitmap marks subclusters both allocated and zero",
				    WHERE());
			if (off & (cs - 1))
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: data cluster offset 0x%llx is not cluster aligned", WHERE(),
				    (unsigned long long)off);
			if (frag) {
				c->res->allocated_clusters++;
				if (next_contig && off != next_contig)
					c->res->fragmented_clusters++;
				next_contig = off + cs;
			}
			if (img->version == 2 && (e & Q2_OFLAG_ZERO))
				msg(c, Q2_MSG_WARNING, "%s: zero flag set in a version 2 image",
				    WHERE());
			if (c->data_file && (img->autoclear & Q2_AUTOCLEAR_DATA_FILE_RAW) &&
			    t == CT_NORMAL && off != (((uint64_t)l1i * n + j) << bits))
				msg(c, Q2_MSG_WARNING,
				    "%s: raw external data file, but host offset 0x%llx differs from the guest offset",
				    WHERE(), (unsigned long long)off);
			if (!c->data_file) {
				rc = inc_region(c, off, cs, WHERE());
				if (rc < 0)
					return rc;
			}
			if (copied) {
				int st = c->data_file ? ST_ONE : state_of(c, off >> bits);

				if (st != ST_ERR && st != !!(e & Q2_OFLAG_COPIED))
					copied_mismatch(c, lc, l1i, l2_off, j, e, st);
			}
			break;
		case CT_ZERO_PLAIN:
			if (img->version == 2)
				msg(c, Q2_MSG_WARNING, "%s: zero flag set in a version 2 image",
				    WHERE());
			if (e & Q2_OFLAG_COPIED)
				msg(c, Q2_MSG_WARNING, "%s: COPIED flag set on an unallocated entry",
				    WHERE());
			break;
		case CT_UNALLOC:
			if (bm & Q2_L2_BITMAP_ALL_ALLOC)
				msg(c, Q2_MSG_CORRUPTION,
				    "%s: unallocated cluster with subclusters marked allocated",
				    WHERE());
			if (e & Q2_OFLAG_COPIED)
				msg(c, Q2_MSG_WARNING, "%s: COPIED flag set on an unallocated entry",
				    WHERE());
			break;
		}
	}
#undef WHERE
	return 0;
}

static int cmp_l1idx(const void *a, const void *b, void *l1p)
{
	const uint64_t *l1 = l1p;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t ox = l1[x] & Q2_L1E_OFFSET_MASK, oy = l1[y] & Q2_L1E_OFFSET_MASK;

	return HV_CMP(ox, oy) ?: HV_CMP(x, y);
}

/* check_refcounts_l1(), plus the L1 half of check_oflag_copied() for the active table. */
static int walk_l1(struct ck *c, const struct l1ctx *lc, uint64_t l1_off, uint32_t l1_size,
		   const uint64_t *l1_mem)
{
	struct q2_image *img = c->img;
	const uint64_t cs = img->cluster_size;
	uint64_t *own = NULL, prev = 0;
	const uint64_t *l1 = l1_mem;
	uint32_t *idx = NULL;   /* nonzero entries, in the order their tables are read */
	size_t n = 0, i;
	bool sorted = true;
	char what[200];
	int rc;

	if (!l1_size)
		return 0;
	snprintf(what, sizeof(what), "%s L1 table", lc->label);
	rc = inc_region(c, l1_off, (uint64_t)l1_size * 8, what);
	if (rc < 0)
		return rc;
	/* entries past the end of the file read as zeros: only the rest is walked, so a
	 * hostile table (or thousands of snapshots pointing past the end) costs nothing */
	if (!l1_mem)
		l1_size = l1_off >= img->file_size ? 0
			  : (uint32_t)HV_MIN((uint64_t)l1_size,
					     HV_DIV_ROUND_UP(img->file_size - l1_off, 8));
	if (!l1_size)
		return 0;
	/* the active L1 is already in memory (the same bytes qemu reads again) */
	if (!l1) {
		own = malloc((size_t)l1_size * 8); /* callers bound l1_size to 32 MiB of entries */
		if (!own) {
			c->res->check_errors++;
			return -ENOMEM;
		}
		rc = q2_pread(img, own, (size_t)l1_size * 8, l1_off);
		if (rc < 0) {
			msg(c, Q2_MSG_CHECK_ERROR, "%s at 0x%llx: read error: %s", what,
			    (unsigned long long)l1_off, strerror(-rc));
			goto out;
		}
		for (i = 0; i < l1_size; i++)
			own[i] = q2_be64(&own[i]);
		l1 = own;
	}
	idx = malloc((size_t)l1_size * sizeof(*idx));
	if (!idx) {
		c->res->check_errors++;
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < l1_size; i++) {
		uint64_t e = l1[i], l2_off;
		char gr[80];

		if (!e)
			continue;
		guest_range(c, i, gr, sizeof(gr));
		if (e & Q2_L1E_RESERVED_MASK)
			msg(c, Q2_MSG_CORRUPTION, "%s, entry %zu (%s): reserved bits set (0x%llx)",
			    what, i, gr, (unsigned long long)e);
		l2_off = e & Q2_L1E_OFFSET_MASK;
		snprintf(what, sizeof(what), "%s L2 table (L1 entry %zu, %s)", lc->label, i, gr);
		rc = inc_region(c, l2_off, cs, what);
		if (rc < 0)
			goto out;
		if (l2_off & (cs - 1))
			msg(c, Q2_MSG_CORRUPTION,
			    "%s at 0x%llx is not cluster aligned; L1 entry corrupted", what,
			    (unsigned long long)l2_off);
		snprintf(what, sizeof(what), "%s L1 table", lc->label);
		/* check_oflag_copied(): the L2 table's own refcount must be 1 iff COPIED */
		if (lc->copied && l2_off) {
			int st = state_of(c, l2_off >> img->cluster_bits);

			if (st != ST_ERR && st != !!(e & Q2_OFLAG_COPIED))
				msg(c, Q2_MSG_CORRUPTION,
				    "active L1 table, entry %zu (%s): COPIED flag is %s but the L2 table's refcount is %s1",
				    i, gr, (e & Q2_OFLAG_COPIED) ? "set" : "clear",
				    st == ST_ONE ? "" : "not ");
		}
		if (l2_off < prev)
			sorted = false;
		prev = l2_off;
		idx[n++] = (uint32_t)i;
	}

	/* Read the L2 tables in offset order, coalescing adjacent ones into one read. */
	if (!sorted)
		qsort_r(idx, n, sizeof(*idx), cmp_l1idx, (void *)l1);
#define OFF(p) (l1[idx[p]] & Q2_L1E_OFFSET_MASK)
	i = 0;
	while (i < n) {
		uint64_t first = OFF(i);
		size_t j = i + 1, k;

		/* a table wholly past the end of the file reads as zeros: nothing to walk
		 * (and a hostile L1 full of such entries costs no I/O) */
		if (first >= img->file_size) {
			i++;
			continue;
		}
		if (!(first & (cs - 1))) {
			while (j < n && (OFF(j) == OFF(j - 1) || OFF(j) == OFF(j - 1) + cs) &&
			       !(OFF(j) & (cs - 1)) && OFF(j) + cs - first <= c->buf_len)
				j++;
		}
		rc = q2_pread(img, c->buf, OFF(j - 1) + cs - first, first);
		if (rc < 0) {
			msg(c, Q2_MSG_CHECK_ERROR, "%s L2 table at 0x%llx: read error: %s", lc->label,
			    (unsigned long long)first, strerror(-rc));
			goto out;
		}
		for (k = i; k < j; k++) {
			uint64_t off = OFF(k);
			/* qemu skips a table whose own refcount cannot be read */
			bool copied = lc->copied && off && state_of(c, off >> img->cluster_bits) != ST_ERR;

			rc = walk_l2(c, lc, idx[k], off, c->buf + (off - first), copied);
			if (rc < 0)
				goto out;
		}
		progress(c, j - i);
		i = j;
	}
#undef OFF
	rc = 0;
out:
	free(own);
	free(idx);
	return rc;
}

/* ---- refcount blocks ---------------------------------------------------- */

/* check_refblocks() */
static int check_refblocks(struct ck *c)
{
	struct q2_image *img = c->img;
	uint64_t i;
	int rc;

	for (i = 0; i < img->reftable_entries; i++) {
		uint64_t e = img->reftable[i], off = e & Q2_REFT_OFFSET_MASK;
		uint64_t k = off >> img->cluster_bits;
		char what[96];

		if (e & Q2_REFT_RESERVED_MASK) {
			msg(c, Q2_MSG_CORRUPTION, "refcount table entry %llu has reserved bits set",
			    (unsigned long long)i);
			continue;
		}
		if (off & (img->cluster_size - 1)) {
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is not cluster aligned; refcount table entry corrupted",
			    (unsigned long long)i, (unsigned long long)off);
			continue;
		}
		if (k >= c->r.n) {
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is outside the image (file ends at 0x%llx)",
			    (unsigned long long)i, (unsigned long long)off,
			    (unsigned long long)img->file_size);
			continue;
		}
		if (!off)
			continue;
		snprintf(what, sizeof(what), "refcount block %llu", (unsigned long long)i);
		rc = inc_region(c, off, img->cluster_size, what);
		if (rc < 0)
			return rc;
		if (refs_get(&c->r, k) != 1)
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is referenced %llu times (it must be exactly once)",
			    (unsigned long long)i, (unsigned long long)off,
			    (unsigned long long)refs_get(&c->r, k));
	}
	return 0;
}

static void cmp_one(struct ck *c, uint64_t k, uint64_t ondisk, uint64_t computed)
{
	const uint64_t cs = c->img->cluster_size;

	if (ondisk < computed) {
		long m = msg(c, Q2_MSG_CORRUPTION,
			     "cluster %llu (host 0x%llx): refcount %llu but referenced %llu time%s",
			     (unsigned long long)k, (unsigned long long)(k * cs),
			     (unsigned long long)ondisk, (unsigned long long)computed,
			     computed == 1 ? "" : "s");

		/* a kept message is completed with its referrers (name_referrers) */
		if (m >= 0) {
			if (c->n_refd == c->cap_refd) {
				size_t cap = c->cap_refd ? 2 * c->cap_refd : 16;
				struct refd *v = realloc(c->refd, cap * sizeof(*v));

				if (!v)
					return;  /* the message stays as it is */
				c->refd = v;
				c->cap_refd = cap;
			}
			c->refd[c->n_refd++] = (struct refd){ .k = k, .msg = (size_t)m };
		}
	} else
		msg(c, Q2_MSG_LEAK,
		    "cluster %llu (host 0x%llx): leaked, refcount %llu but referenced %llu times",
		    (unsigned long long)k, (unsigned long long)(k * cs),
		    (unsigned long long)ondisk, (unsigned long long)computed);
}

/* compare_refcounts() for one refcount block's clusters. */
static void cmp_block(struct ck *c, uint64_t ri, const uint8_t *blk, bool err, uint64_t n)
{
	const struct q2_image *img = c->img;
	uint64_t k = ri << img->rb_bits, end = HV_MIN(k + (1ull << img->rb_bits), n), i;

	if (err) {
		for (; k < end; k++)
			msg(c, Q2_MSG_CHECK_ERROR,
			    "cannot read the refcount of cluster %llu: refcount block %llu is not cluster aligned",
			    (unsigned long long)k, (unsigned long long)ri);
		return; /* qemu skips these clusters entirely (not in "highest") */
	}
	for (i = 0; k < end; k++, i++) {
		uint64_t ondisk, computed;
		unsigned nv;

		/* 16 clusters at a time when they agree (k is 16-aligned here) */
		if (!(i & 15) && end - k >= 16 && (img->refcount_order == 4 || !blk)) {
			uint64_t w = load64(c->r.nib + k / 2);

			if (w == 0 && (!blk || !memcmp(blk + 2 * i, zeros32, 32))) {
				k += 15, i += 15;
				continue;
			}
			if (w == 0x1111111111111111ull && blk && !memcmp(blk + 2 * i, be16_ones, 32)) {
				k += 15, i += 15;
				c->highest = k;
				continue;
			}
		}
		nv = nib_get(&c->r, k);

		if (!blk)
			ondisk = 0;
		else if (img->refcount_order == 4)
			ondisk = (uint64_t)blk[2 * i] << 8 | blk[2 * i + 1];
		else
			ondisk = rb_entry(img, blk, i);
		computed = nv < 15 ? nv : refs_get(&c->r, k);
		if (ondisk | computed)
			c->highest = k;
		if (ondisk != computed)
			cmp_one(c, k, ondisk, computed);
	}
}

/* ---- bitmaps ------------------------------------------------------------ */

/* qcow2_check_bitmaps_refcounts() */
static int check_bitmaps(struct ck *c)
{
	struct q2_image *img = c->img;
	uint32_t b;
	int rc;

	if (!img->nb_bitmaps)
		return 0;
	rc = inc_region(c, img->bitmap_dir_offset, img->bitmap_dir_size, "bitmap directory");
	if (rc < 0)
		return rc;
	for (b = 0; b < img->n_bitmaps_loaded; b++) {
		const struct q2_bitmap *bm = &img->bitmaps[b];
		uint8_t *tab;
		uint32_t i;
		char what[160];

		snprintf(what, sizeof(what), "bitmap '%s' table", bm->name);
		rc = inc_region(c, bm->table_offset, (uint64_t)bm->table_size * 8, what);
		if (rc < 0)
			return rc;
		rc = q2_bitmap_table_read(img, bm, &tab);
		if (rc == -ENOMEM) {
			c->res->check_errors++;
			return rc;
		}
		if (rc < 0) {
			/* qemu: a corruption, and the check stops (bitmap_table_load fails) */
			msg(c, Q2_MSG_CORRUPTION, "%s at 0x%llx has an invalid entry", what,
			    (unsigned long long)bm->table_offset);
			return -EINVAL;
		}
		for (i = 0; i < bm->table_size; i++) {
			uint64_t off = q2_be64(tab + (size_t)i * 8) & Q2_BME_TABLE_OFFSET_MASK;

			if (!off)
				continue;
			snprintf(what, sizeof(what), "bitmap '%s' data cluster %u", bm->name, i);
			rc = inc_region(c, off, img->cluster_size, what);
			if (rc < 0) {
				free(tab);
				return rc;
			}
		}
		free(tab);
	}
	return 0;
}

/* ---- beyond qemu-img ---------------------------------------------------- */

static int cmp_snap_id(const void *a, const void *b)
{
	const struct q2_snapshot *x = *(const struct q2_snapshot *const *)a;
	const struct q2_snapshot *y = *(const struct q2_snapshot *const *)b;
	return strcmp(x->id, y->id) ?: HV_CMP(x, y);
}

static void header_warnings(struct ck *c)
{
	struct q2_image *img = c->img;
	uint32_t i, j;

	if ((img->incompat & Q2_INCOMPAT_DIRTY) && !(img->compat & Q2_COMPAT_LAZY_REFCOUNTS))
		msg(c, Q2_MSG_WARNING,
		    "header: dirty bit set but lazy refcounts are not enabled (refcounts may be stale)");
	if (img->incompat & Q2_INCOMPAT_CORRUPT)
		msg(c, Q2_MSG_WARNING,
		    "header: corrupt bit set (QEMU found corruption and will refuse to write)");
	for (i = 0; i < img->n_bitmaps_loaded; i++)
		if (img->bitmaps[i].flags & Q2_BME_FLAG_IN_USE)
			msg(c, Q2_MSG_WARNING,
			    "bitmap '%s': left in use (not saved cleanly; its content is inconsistent)",
			    img->bitmaps[i].name);
	/* duplicate snapshot ids: sort, then one warning per shared id (n log n) */
	if (img->n_snapshots_loaded > 1) {
		const struct q2_snapshot **v = malloc(img->n_snapshots_loaded * sizeof(*v));

		if (!v)
			return;
		for (i = 0; i < img->n_snapshots_loaded; i++)
			v[i] = &img->snapshots[i];
		qsort(v, img->n_snapshots_loaded, sizeof(*v), cmp_snap_id);
		for (i = 0; i < img->n_snapshots_loaded; i = j) {
			for (j = i + 1; j < img->n_snapshots_loaded && !strcmp(v[i]->id, v[j]->id); j++)
				;
			if (j - i > 1)
				msg(c, Q2_MSG_WARNING,
				    "snapshot table: %u snapshots share the id '%s' (entries %u and %u, ...)",
				    j - i, v[i]->id, (unsigned)(v[i] - img->snapshots),
				    (unsigned)(v[i + 1] - img->snapshots));
		}
		free(v);
	}
}

/* ---- naming who references an over-referenced cluster ------------------ */

/* Name @what as a referrer of the over-referenced clusters in first..last (c->refd is sorted). */
static void refd_add(struct ck *c, uint64_t first, uint64_t last, const char *what)
{
	size_t lo = 0, hi = c->n_refd;

	while (lo < hi) {  /* the first at or after @first */
		size_t mid = (lo + hi) / 2;

		if (c->refd[mid].k < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n_refd && c->refd[lo].k <= last; lo++) {
		struct refd *r = &c->refd[lo];

		if (r->nwho >= REFD_WHO)
			r->more++;
		else if ((r->who[r->nwho] = strdup(what)))
			r->nwho++;
	}
}

static void refd_region(struct ck *c, uint64_t off, uint64_t len, const char *what)
{
	if (!len || off + len < off)
		return;
	refd_add(c, off >> c->img->cluster_bits, (off + len - 1) >> c->img->cluster_bits, what);
}

static int cmp_refd(const void *a, const void *b)
{
	const struct refd *x = a, *y = b;

	return HV_CMP(x->k, y->k);
}

static int calculate_refcounts(struct ck *c);

/*
 * Complete the message of each over-referenced cluster with the structures
 * that reference it: the same walk again (calculate_refcounts), which only
 * names references this time (inc_region -> refd_region) and says nothing.
 * Only when there are such clusters; the counts were final already.
 */
static void name_referrers(struct ck *c)
{
	struct q2_check_result saved = *c->res;

	qsort(c->refd, c->n_refd, sizeof(*c->refd), cmp_refd);
	c->naming = true;
	(void)calculate_refcounts(c);  /* what it could not walk was said the first time */
	c->naming = false;
	*c->res = saved;  /* the walk's own tallies (allocated clusters, ...) again */

	for (size_t n = 0; n < c->n_refd; n++) {
		struct refd *r = &c->refd[n];
		char **text = &c->res->msgs[r->msg].text, *named, who[800] = "";
		size_t used = 0;

		for (unsigned w = 0; w < r->nwho; w++)
			used += (size_t)snprintf(who + used, used < sizeof(who) ? sizeof(who) - used : 0,
						 "%s%s", w ? "; " : "", r->who[w]);
		if (r->more && used < sizeof(who))
			snprintf(who + used, sizeof(who) - used, "; and %u more", r->more);
		if (r->nwho && asprintf(&named, "%s, by %s", *text, who) >= 0) {
			free(*text);
			*text = named;
		}
	}
}

/* ---- driver ------------------------------------------------------------- */

static int calculate_refcounts(struct ck *c)
{
	struct q2_image *img = c->img;
	struct l1ctx active = { .label = "active", .active = true, .copied = true };
	uint32_t i;
	int rc;

	rc = inc_region(c, 0, img->cluster_size, "header");
	if (rc < 0)
		return rc;
	rc = walk_l1(c, &active, img->l1_offset, img->l1_size, img->l1);
	if (rc < 0)
		return rc;
	if (c->data_file && img->n_snapshots_loaded)
		msg(c, Q2_MSG_CORRUPTION, "%u snapshots in an image with an external data file",
		    img->n_snapshots_loaded);
	for (i = 0; i < img->n_snapshots_loaded; i++) {
		const struct q2_snapshot *sn = &img->snapshots[i];
		struct l1ctx lc = { .active = false };
		char label[160];

		snprintf(label, sizeof(label), "snapshot %s (%s)", sn->id, sn->name);
		lc.label = label;
		if (sn->l1_offset & (img->cluster_size - 1)) {
			msg(c, Q2_MSG_CORRUPTION,
			    "%s: L1 table offset 0x%llx is not cluster aligned; snapshot table entry corrupted",
			    label, (unsigned long long)sn->l1_offset);
			continue;
		}
		if ((uint64_t)sn->l1_size > Q2_MAX_L1_BYTES / 8) {
			msg(c, Q2_MSG_CORRUPTION,
			    "%s: L1 table size 0x%x is too large; snapshot table entry corrupted",
			    label, sn->l1_size);
			continue;
		}
		rc = walk_l1(c, &lc, sn->l1_offset, sn->l1_size, NULL);
		if (rc < 0)
			return rc;
	}
	rc = inc_region(c, img->snapshots_offset, img->snapshots_size, "snapshot table");
	if (rc < 0)
		return rc;
	rc = inc_region(c, img->reftable_offset, img->reftable_entries * 8, "refcount table");
	if (rc < 0)
		return rc;
	if (img->has_crypto_ext && img->crypto_length) {
		rc = inc_region(c, img->crypto_offset, img->crypto_length, "encryption header");
		if (rc < 0)
			return rc;
	}
	rc = check_bitmaps(c);
	if (rc < 0)
		return rc;
	return check_refblocks(c);
}

int q2_check(struct q2_image *img, const struct q2_check_opts *opts, struct q2_check_result *res)
{
	static const struct q2_check_opts no_opts;
	struct ck c = { .img = img, .opts = opts ? opts : &no_opts, .res = res };
	uint64_t nb_clusters, l2s = 0;
	char why[256] = "";
	uint32_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	c.max_msgs = c.opts->max_msgs ? c.opts->max_msgs : 100;
	c.data_file = q2_has_data_file(img);

	/* qcow2_check_read_snapshot_table() */
	rc = q2_image_load_snapshots(img, NULL, why, sizeof(why));
	if (rc < 0) {
		msg(&c, Q2_MSG_CHECK_ERROR, "snapshot table: %s", why);
		goto fatal;
	}
	if (img->version >= 3)
		for (i = 0; i < img->n_snapshots_loaded; i++)
			if (img->snapshots[i].extra_size < 16)
				msg(&c, Q2_MSG_CORRUPTION,
				    "snapshot table entry %u is incomplete (%u bytes of extra data, version 3 needs 16)",
				    i, img->snapshots[i].extra_size);
	/* qemu refuses to open an image whose bitmap directory is broken */
	rc = q2_image_load_bitmaps(img, why, sizeof(why));
	if (rc < 0) {
		msg(&c, Q2_MSG_CHECK_ERROR, "bitmap directory: %s", why);
		goto fatal;
	}

	nb_clusters = HV_DIV_ROUND_UP(img->file_size, img->cluster_size);
	if (nb_clusters > (uint64_t)Q2_MAX_HOST_CLUSTERS) {
		res->check_errors++;
		rc = -EFBIG;
		goto fatal;
	}
	res->total_clusters = HV_DIV_ROUND_UP(img->size / 512 * 512, /* total_sectors truncates */
					      img->cluster_size);
	/* memory: nb_clusters/2 (counts) + nb_clusters/8 (refcount==1 bits), bounded above */
	rc = refs_grow(&c.r, nb_clusters + 2);
	c.one_n = nb_clusters;
	c.one = calloc(nb_clusters / 8 + 1, 1);
	c.buf_len = HV_MAX((uint64_t)BATCH_BYTES, img->cluster_size);
	c.buf = malloc(c.buf_len);
	if (rc < 0 || !c.one || !c.buf) {
		res->check_errors++;
		rc = -ENOMEM;
		goto fatal;
	}
	c.r.n = nb_clusters;
	for (i = 0; i < img->l1_size; i++)
		l2s += (img->l1[i] & Q2_L1E_OFFSET_MASK) != 0;
	c.work_total = l2s + 2 * HV_DIV_ROUND_UP(nb_clusters, 1ull << img->rb_bits);
	for (i = 0; i < img->n_snapshots_loaded; i++)
		c.work_total += img->snapshots[i].l1_size; /* upper bound of their L2 tables */

	header_warnings(&c);
	/* on-disk refcount == 1, needed by the COPIED checks during the walk */
	for_each_refblock(&c, nb_clusters, one_fill);
	rc = calculate_refcounts(&c);
	if (rc < 0)
		goto fatal;
	for_each_refblock(&c, c.r.n, cmp_block);
	if (c.n_refd)
		name_referrers(&c);
	res->image_end_offset = (c.highest + 1) * img->cluster_size;
	rc = 0;
	goto out;
fatal:
	res->fatal = rc;
out:
	for (size_t n = 0; n < c.n_refd; n++)
		for (unsigned w = 0; w < c.refd[n].nwho; w++)
			free(c.refd[n].who[w]);
	free(c.refd);
	for (uint64_t w = 0; w < c.r.n_wide; w++)
		free(c.r.wide[w]);
	free(c.r.wide);
	free(c.r.nib);
	free(c.r.ov_key);
	free(c.r.ov_val);
	free(c.one);
	free(c.buf);
	free(c.dbuf);
	return rc;
}

void q2_check_result_release(struct q2_check_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->n_msgs; i++)
		free(res->msgs[i].text);
	free(res->msgs);
	res->msgs = NULL;
	res->n_msgs = 0;
}
