// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-check: the verifier. The rules and the counting follow QEMU's
 * block/qcow2-refcount.c (qcow2_check_refcounts and helpers) so that the
 * numbers equal `qemu-img check`'s; the implementation is ours and built for
 * speed: metadata is read in big sequential batches (adjacent L2 tables and
 * refcount blocks coalesced into one pread), and the computed refcounts are
 * kept by chunks of 4096 host clusters, one byte for a chunk whose counts are
 * all equal (struct refs), where qemu-img keeps a refcount-wide array.
 *
 * Memory, for a file of N host clusters (qemu-img: N * refcount_bits / 8):
 *  - always: 22 bytes per 4096 clusters (the two chunk directories);
 *  - a chunk whose computed counts differ while the walk passes it, or for
 *    good (clusters referenced from places far apart in the metadata, as in a
 *    fragmented image): 2 KiB (half a byte per cluster);
 *  - a chunk whose on-disk refcounts are neither all 1 nor all other: 512
 *    bytes (a bit per cluster, for the COPIED checks);
 *  - a cluster referenced 15 times or more: 2 bytes per cluster for the 4096
 *    around it; 65,550 times or more: 16 bytes more in a hash;
 *  - as qemu-img: the active L1 table (8 bytes per entry) and the refcount
 *    table (8 bytes per entry); 4 bytes per active L2 table (12 with
 *    snapshots) and 24 per table only snapshots reference; 4 per refcount
 *    block; a 256 KiB read buffer; the kept messages.
 * A preallocated or sequentially written image keeps a few chunks open; with
 * internal snapshots (data and tables referenced 3 times, refcount blocks
 * once) those holding a refcount block stay open: 2 KiB per refcount block.
 * A worst case (every chunk mixed) is a quarter of qemu-img's 16-bit array
 * plus the bits, as before. Measured: bench/qcow2-check.sh.
 */
#include "qcow2/q2-check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

/* One coalesced metadata read is at most this big (more gains no speed: 4 L2
 * tables of 64 KiB per read; the buffer counts in the peak memory). */
#define BATCH_BYTES (1u << 18)

enum ctype { CT_UNALLOC, CT_ZERO_PLAIN, CT_ZERO_ALLOC, CT_NORMAL, CT_COMPRESSED };

/* On-disk refcount == 1 lookups for the COPIED check (check_oflag_copied). */
enum { ST_NOT_ONE = 0, ST_ONE = 1, ST_ERR = 2 };


/*
 * The computed refcounts, by chunks of RC_CHUNK host clusters. A chunk whose
 * counts are all equal and below 15 is one byte: its count. Only a chunk whose
 * counts differ (being filled, or mixed for good) holds two 4-bit counts per
 * byte, 15 = look further: 16-bit chunks of WIDE_CHUNK clusters, allocated
 * where needed (images with many internal snapshots), and a hash beyond.
 * The walk counts each L2 table's own cluster right before its entries, in
 * table offset order, so an image whose data follows its tables (preallocated,
 * sequentially written) has one or two chunks open at a time; a chunk is
 * folded back to one byte when found uniform again (looked at each time
 * RC_CHUNK of its counts changed: amortised O(1) per change).
 */
#define RC_BITS 12
#define RC_CHUNK (1u << RC_BITS)
#define RC_MASK ((uint64_t)RC_CHUNK - 1)

struct refs {
	uint8_t **nib;          /* per chunk: RC_CHUNK 4-bit counts, or NULL: all uni[ci] */
	uint8_t *uni;           /* per chunk without nib: the count of each of its clusters */
	uint32_t *mods;         /* per chunk with nib: counts changed since last looked at */
	uint64_t n;             /* clusters covered (qemu's nb_clusters) */
	uint64_t cap;           /* clusters in the chunk directory (a multiple of RC_CHUNK) */
	uint64_t open, open_max;  /* chunks with nib: now, and at most (logged with -v) */
	uint16_t **wide;        /* counts >= 15: count - 15, per WIDE_CHUNK clusters */
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
	unsigned nwho;
	uint64_t more;
	struct q2_fact ws[2];   /* the first two referrers, for the diagnosis */
	unsigned nws;
	/* the repair plan: its refcount, its references, and the COPIED flags of its
	 * active referrers (set, clear), references from the refcount table */
	uint64_t ondisk, computed, fl_set, fl_clear, rb_refs;
};
/* over-referenced clusters named for the diagnosis only (no message kept) */
#define REFD_NO_MSG SIZE_MAX

struct ck {
	struct q2_image *img;
	const struct q2_check_opts *opts;
	struct q2_check_result *res;
	struct refs r;
	uint8_t *buf;           /* BATCH_BYTES (or one cluster if bigger) */
	size_t buf_len;
	uint8_t *dbuf;          /* --deep scratch */
	/* on-disk refcount == 1, bit k for cluster k, by chunks of RC_CHUNK clusters:
	 * NULL when all bits are one_all[ci] (0 or 0xff) */
	uint8_t **one;
	uint8_t *one_all;
	uint64_t one_n;         /* clusters covered by @one */
	uint64_t one_ci;        /* the chunk one_fill() is filling in @one_cur */
	int one_err;            /* -ENOMEM while storing them */
	uint8_t one_cur[RC_CHUNK / 8];
	uint64_t highest;       /* highest cluster in use (compare_refcounts) */
	struct refd *refd;      /* over-referenced clusters whose referrers we name */
	size_t n_refd, cap_refd;
	uint64_t work_done, work_total;
	unsigned max_msgs;
	size_t kept[Q2_MSG_KINDS];  /* messages kept per kind (res->msgs) */
	size_t cap_msgs;            /* res->msgs allocated */
	struct tabs *tabs;          /* the L2 tables to walk and their referrers */
	/* work done, logged with -v: entries and tables read, and the references they stand for */
	uint64_t n_l1e, n_l1e_refs, n_l2t, n_l2t_refs;
	long over_msg;              /* the last overflow message kept (-1: none), for cluster: */
	uint64_t over_k;
	bool data_file;
	bool rb_early;          /* refcount blocks counted during walk_tables (rb_count) */
	uint32_t *rb_idx;       /* their refcount table indexes, by offset */
	size_t rb_n, rb_next;   /* how many; the next one to count */
	bool naming;            /* name_referrers' walk: references are named, not counted */
	struct q2_fact cur;     /* who the next reference is from (set_ref), for facts */
	int cur_copied;         /* its COPIED flag (an active L1/L2 entry), else -1 */
	uint64_t cur_wa;        /* the active referrers it stands for */
	int64_t copied_corr;    /* plan_copied_after - plan_copied (name_referrers) */
	size_t n_named;         /* entries of refd with a kept message */
	uint64_t bad_here;      /* bad entries in the table being walked (its shape is looked at) */
	uint64_t bad_guest;     /* the guest offset of the last one */
};

/* The referrer the next inc_region*() and fact() stand for. */
static inline void set_ref(struct ck *c, enum q2_ref_kind ref, uint32_t src, uint64_t at,
			   uint64_t guest, uint64_t gsize)
{
	c->cur = (struct q2_fact){ .ref = (uint8_t)ref, .src = src, .at = at, .guest = guest,
				   .guest_end = guest == Q2_NO_GUEST ? Q2_NO_GUEST : guest + gsize };
	c->cur_copied = -1;
}

/* Record a fact of @kind about host clusters @k..@kmax (or entry @k), from c->cur. */
static void fact(struct ck *c, enum q2_fact_kind kind, uint64_t k, uint64_t kmax)
{
	struct q2_fact f = c->cur;

	if (c->naming)
		return;
	f.kind = (uint8_t)kind;
	f.k = k;
	f.kmax = kmax;
	f.n = 1;
	q2_fact_add(&c->res->facts, &f);
	/* problems per entry (one entry can be bad and point past the end) */
	if (c->cur.guest == Q2_NO_GUEST || c->cur.guest != c->bad_guest)
		c->bad_here++;
	c->bad_guest = c->cur.guest;
}

/*
 * Count @w occurrences of a problem (qemu counts each) and keep one message for
 * them, up to max_msgs per kind: its index in res->msgs, or -1. A message that
 * stands for several occurrences (a table shared by many referrers, walked
 * once) says how many. O(1): the kept messages are counted per kind.
 */
static long msgv(struct ck *c, enum q2_msg_kind kind, uint64_t w, const char *fmt, va_list ap)
	HV_PRINTF(4, 0);
static long msgv(struct ck *c, enum q2_msg_kind kind, uint64_t w, const char *fmt, va_list ap)
{
	struct q2_check_result *res = c->res;
	char *text;

	if (c->naming || !w)
		return -1;  /* said in the first walk */
	switch (kind) {
	case Q2_MSG_CORRUPTION: res->corruptions += (int64_t)w; break;
	case Q2_MSG_LEAK: res->leaks += (int64_t)w; break;
	case Q2_MSG_CHECK_ERROR: res->check_errors += (int64_t)w; break;
	case Q2_MSG_WARNING: res->warnings += (int64_t)w; break;
	default: break;
	}
	if (c->kept[kind] >= c->max_msgs) {
		res->dropped[kind] += w;
		return -1;
	}
	if (res->n_msgs == c->cap_msgs) {
		size_t cap = c->cap_msgs ? 2 * c->cap_msgs : 64;
		struct q2_msg *m = realloc(res->msgs, cap * sizeof(*m));

		if (!m) {
			res->dropped[kind] += w;
			return -1;
		}
		res->msgs = m;
		c->cap_msgs = cap;
	}
	if (vasprintf(&text, fmt, ap) < 0) {
		res->dropped[kind] += w;
		return -1;
	}
	res->msgs[res->n_msgs].kind = kind;
	res->msgs[res->n_msgs].text = text;
	res->msgs[res->n_msgs].times = w;
	c->kept[kind]++;
	return (long)res->n_msgs++;
}

static long msgw(struct ck *c, enum q2_msg_kind kind, uint64_t w, const char *fmt, ...)
	HV_PRINTF(4, 5);
static long msgw(struct ck *c, enum q2_msg_kind kind, uint64_t w, const char *fmt, ...)
{
	va_list ap;
	long rc;

	va_start(ap, fmt);
	rc = msgv(c, kind, w, fmt, ap);
	va_end(ap);
	return rc;
}

/* One occurrence of a problem: msgw() with a count of 1. */
static long msg(struct ck *c, enum q2_msg_kind kind, const char *fmt, ...) HV_PRINTF(3, 4);
static long msg(struct ck *c, enum q2_msg_kind kind, const char *fmt, ...)
{
	va_list ap;
	long rc;

	va_start(ap, fmt);
	rc = msgv(c, kind, 1, fmt, ap);
	va_end(ap);
	return rc;
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
	uint64_t have = r->cap >> RC_BITS, need = HV_DIV_ROUND_UP(want, RC_CHUNK);
	uint64_t cap = have ? have : need, i;
	uint8_t **p;
	uint8_t *u;
	uint32_t *m;

	while (cap < need)
		cap += cap / 2 + 1;
	if (cap > SIZE_MAX / sizeof(*p))
		return -ENOMEM;
	/* a failure leaves r->cap as it was: the arrays stay valid up to it */
	p = realloc(r->nib, (size_t)cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->nib = p;
	u = realloc(r->uni, (size_t)cap);
	if (!u)
		return -ENOMEM;
	r->uni = u;
	m = realloc(r->mods, (size_t)cap * sizeof(*m));
	if (!m)
		return -ENOMEM;
	r->mods = m;
	for (i = have; i < cap; i++) {
		r->nib[i] = NULL;
		r->uni[i] = 0;
		r->mods[i] = 0;
	}
	r->cap = cap << RC_BITS;
	return 0;
}

static inline unsigned dn_get(const uint8_t *d, uint64_t k)
{
	return (d[k >> 1] >> ((k & 1) * 4)) & 0xf;
}

static inline void dn_set(uint8_t *d, uint64_t k, unsigned v)
{
	uint8_t *b = &d[k >> 1];
	unsigned sh = (k & 1) * 4;

	*b = (uint8_t)((*b & ~(0xf << sh)) | (v << sh));
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The 4-bit counts of chunk @ci, made from its one byte if needed. NULL: ENOMEM. */
static uint8_t *chunk_open(struct refs *r, uint64_t ci)
{
	uint8_t *d = r->nib[ci];

	if (d)
		return d;
	d = malloc(RC_CHUNK / 2);
	if (!d)
		return NULL;
	memset(d, r->uni[ci] * 0x11, RC_CHUNK / 2);
	r->nib[ci] = d;
	r->mods[ci] = 0;
	if (++r->open > r->open_max)
		r->open_max = r->open;
	return d;
}

static void chunk_close(struct refs *r, uint64_t ci, unsigned v)
{
	free(r->nib[ci]);
	r->nib[ci] = NULL;
	r->uni[ci] = (uint8_t)v;
	r->open--;
}

/* @m counts of open chunk @ci changed: back to one byte if they are all equal. */
static void chunk_changed(struct refs *r, uint64_t ci, uint64_t m)
{
	const uint8_t *d = r->nib[ci];
	uint64_t pat;
	size_t i;

	if (r->mods[ci] + m < RC_CHUNK) {
		r->mods[ci] += (uint32_t)m;
		return;
	}
	r->mods[ci] = 0;
	if ((d[0] & 0xf) != d[0] >> 4 || (d[0] & 0xf) == 15)
		return;
	pat = d[0] * 0x0101010101010101ull;
	for (i = 0; i < RC_CHUNK / 2; i += 8)
		if (load64(d + i) != pat)
			return;
	chunk_close(r, ci, d[0] & 0xf);
}

static inline unsigned nib_get(const struct refs *r, uint64_t k)
{
	const uint8_t *d = r->nib[k >> RC_BITS];

	return d ? dn_get(d, k & RC_MASK) : r->uni[k >> RC_BITS];
}

/* The 16 counts of clusters k..k+15 (k 16-aligned) as 4-bit fields. */
static inline uint64_t nib16(const struct refs *r, uint64_t k)
{
	const uint8_t *d = r->nib[k >> RC_BITS];

	return d ? load64(d + (k & RC_MASK) / 2) : r->uni[k >> RC_BITS] * 0x1111111111111111ull;
}

/* 0, or -ENOMEM (a check error: the caller stops). */
static int nib_set(struct refs *r, uint64_t k, unsigned v)
{
	uint64_t ci = k >> RC_BITS;
	uint8_t *d = r->nib[ci];

	if (!d) {
		if (v == r->uni[ci])
			return 0;
		d = chunk_open(r, ci);
		if (!d)
			return -ENOMEM;
	}
	dn_set(d, k & RC_MASK, v);
	chunk_changed(r, ci, 1);
	return 0;
}

/* Are the counts of clusters [a, b) all 0? */
static bool refs_zero(const struct refs *r, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t ci = a >> RC_BITS, e = HV_MIN(b, (ci + 1) << RC_BITS);
		uint64_t k = a & RC_MASK, end = k + (e - a);
		const uint8_t *d = r->nib[ci];

		if (!d) {
			if (r->uni[ci])
				return false;
			a = e;
			continue;
		}
		/* head and tail may share a byte with others */
		for (; k < end && (k & 15); k++)
			if (dn_get(d, k))
				return false;
		for (; k + 16 <= end; k += 16)
			if (load64(d + k / 2))
				return false;
		for (; k < end; k++)
			if (dn_get(d, k))
				return false;
		a = e;
	}
	return true;
}

/* Set the counts of clusters [a, b), all 0, to @v (< 15). 0 or -ENOMEM. */
static int refs_fill(struct refs *r, uint64_t a, uint64_t b, unsigned v)
{
	while (a < b) {
		uint64_t ci = a >> RC_BITS, e = HV_MIN(b, (ci + 1) << RC_BITS);
		uint64_t k = a & RC_MASK, end = k + (e - a);
		uint8_t *d;

		if (e - a == RC_CHUNK) {  /* the whole chunk: one byte */
			if (r->nib[ci])
				chunk_close(r, ci, v);
			r->uni[ci] = (uint8_t)v;
			a = e;
			continue;
		}
		d = chunk_open(r, ci);
		if (!d)
			return -ENOMEM;
		for (; k < end && (k & 1); k++)
			dn_set(d, k, v);
		if (end - k >= 2) {
			memset(d + k / 2, (int)(v | v << 4), (end - k) / 2);
			k += (end - k) & ~1ull;
		}
		for (; k < end; k++)
			dn_set(d, k, v);
		chunk_changed(r, ci, e - a);
		a = e;
	}
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
	if (nib_set(r, k, 15) < 0)
		return -ENOMEM;
	if (v - 15 < WIDE_MAX) {
		chunk[k & (WIDE_CHUNK - 1)] = (uint16_t)(v - 15);
		return 0;
	}
	chunk[k & (WIDE_CHUNK - 1)] = WIDE_MAX;
	return ov_set(r, k, v);
}

/*
 * Add @w references to cluster @k (k < r.cap), saturating at the refcount
 * maximum. Returns how many did not fit (qemu counts each such reference as an
 * overflow corruption), or -ENOMEM.
 */
static int64_t refs_add(struct ck *c, uint64_t k, uint64_t w)
{
	const uint64_t rmax = c->img->refcount_max;
	unsigned v = nib_get(&c->r, k);
	uint64_t cur, room;

	if (v < 15 && w < 15 - v && v + w <= rmax)
		return nib_set(&c->r, k, v + (unsigned)w);
	cur = v < 15 ? v : refs_get(&c->r, k);
	room = cur < rmax ? rmax - cur : 0;
	if (!room)
		return (int64_t)w;
	if (cur + HV_MIN(w, room) < 15) {
		if (nib_set(&c->r, k, (unsigned)(cur + HV_MIN(w, room))) < 0)
			return -ENOMEM;
	} else if (refs_set_wide(&c->r, k, cur + HV_MIN(w, room)) < 0) {
		return -ENOMEM;
	}
	return (int64_t)(w - HV_MIN(w, room));
}

/*
 * qcow2_inc_refcounts_imrt(), @w times: count @w references to every cluster of
 * [offset, offset + size), growing the array for the last, partly written
 * cluster of the file. Returns 0 or -ENOMEM (fatal, a check error).
 */
static void refd_add(struct ck *c, uint64_t first, uint64_t last, uint64_t w, const char *what);

/* @w references to each of the clusters @first..@last (at most one past the file's end). */
static int inc_clusters(struct ck *c, uint64_t first, uint64_t last, uint64_t w, const char *what)
{
	struct q2_image *img = c->img;
	uint64_t k;
	int rc;

	if (c->naming) {
		refd_add(c, first, last, w, what);
		return 0;
	}
	for (k = first; k <= last; k++) {
		int64_t over;

		if (k >= c->r.n) {
			/* bounded: callers keep k within one cluster of EOF, unless
			 * the offset wrapped (hostile): refuse like qemu's ENOMEM */
			if (k > c->r.n + 2 * (last - first + 2) + 16) {
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
		over = refs_add(c, k, w);
		if (over < 0) {
			c->res->check_errors++;
			return (int)over;
		}
		if (over && c->over_msg >= 0 && c->over_k == k) {
			/* the same cluster again: one message says how often */
			c->res->msgs[c->over_msg].times += (uint64_t)over;
			c->res->corruptions += over;
		} else if (over) {
			c->over_msg = msgw(c, Q2_MSG_CORRUPTION, (uint64_t)over,
					   "cluster %llu (host 0x%llx): reference count overflows the %u-bit refcount width",
					   (unsigned long long)k,
					   (unsigned long long)(k << img->cluster_bits),
					   img->refcount_bits);
			c->over_k = k;
		}
	}
	return 0;
}

/*
 * qcow2_inc_refcounts_imrt(), @w times: count @w references to every cluster of
 * [offset, offset + size), growing the array for the last, partly written
 * cluster of the file. Returns 0 or -ENOMEM (fatal, a check error).
 */
static int inc_region_w(struct ck *c, uint64_t offset, uint64_t size, uint64_t w, const char *what)
{
	struct q2_image *img = c->img;

	if ((int64_t)size <= 0 || !w || offset + size < offset)
		return 0;
	if (!c->naming && (int64_t)(offset + size - img->file_size) >= (int64_t)img->cluster_size) {
		fact(c, Q2_F_PASTEOF, offset >> img->cluster_bits,
		     (offset + size - 1) >> img->cluster_bits);
		msgw(c, Q2_MSG_CORRUPTION, w,
		     "%s: 0x%llx..0x%llx is one cluster or more past the end of the file (0x%llx)",
		     what, (unsigned long long)offset, (unsigned long long)(offset + size),
		     (unsigned long long)img->file_size);
		return 0;
	}
	return inc_clusters(c, offset >> img->cluster_bits, (offset + size - 1) >> img->cluster_bits,
			    w, what);
}

static int inc_region(struct ck *c, uint64_t offset, uint64_t size, const char *what)
{
	return inc_region_w(c, offset, size, 1, what);
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

/*
 * An L2 table to walk, and who references it. A table that several L1 entries
 * point at (an internal snapshot shares all of them; a hostile image can point
 * every entry of every snapshot's L1 at one table) is walked once, and what one
 * walk finds counts once per referrer (issue 17): qemu walks it once per
 * referrer and counts the same things each time.
 */
#define SRC_ACTIVE UINT32_MAX
struct tref {
	uint64_t off;
	uint64_t w;             /* L1 entries, active and snapshots', that point at it */
	uint64_t wa;            /* of which in the active L1: fragmentation info (qemu
				 * CHECK_FRAG_INFO) and COPIED flags (check_oflag_copied) */
	uint32_t src;           /* the first referrer: SRC_ACTIVE or a snapshot index */
	uint32_t l1i;           /* and its L1 index */
};

/* "active", or "snapshot 1 (name)" */
static const char *src_label(const struct ck *c, uint32_t src, char *buf, size_t len)
{
	const struct q2_snapshot *sn;

	if (src == SRC_ACTIVE)
		return "active";
	sn = &c->img->snapshots[src];
	snprintf(buf, len, "snapshot %s (%s)", sn->id, sn->name);
	return buf;
}

static int deep_check(struct ck *c, uint64_t coffset, uint64_t csize, uint64_t w,
		      const char *where)
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
		c->res->deep_failures += (int64_t)w;
		msgw(c, Q2_MSG_CORRUPTION, w,
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

/* Is the on-disk refcount of cluster @k (< one_n) 1? */
static inline unsigned one_get(const struct ck *c, uint64_t k)
{
	const uint8_t *p = c->one[k >> RC_BITS];

	if (!p)
		return c->one_all[k >> RC_BITS] & 1;
	k &= RC_MASK;
	return (p[k >> 3] >> (k & 7)) & 1;
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
		return (int)one_get(c, k);
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

/* Keep the chunk one_fill() filled in one_cur: one byte if its bits are all equal. */
static void one_store(struct ck *c)
{
	const uint64_t ci = c->one_ci;
	const uint8_t b = c->one_cur[0];
	size_t i;

	if (ci == UINT64_MAX)
		return;
	c->one_ci = UINT64_MAX;
	for (i = 1; i < sizeof(c->one_cur) && c->one_cur[i] == b; i++)
		;
	if (i == sizeof(c->one_cur) && (b == 0 || b == 0xff)) {
		c->one_all[ci] = b;
		return;
	}
	c->one[ci] = malloc(sizeof(c->one_cur));
	if (!c->one[ci]) {
		c->one_err = -ENOMEM;
		return;
	}
	memcpy(c->one[ci], c->one_cur, sizeof(c->one_cur));
}

/* Bits kl..kl+cnt of one_cur from entries @i.. of refcount block @blk. */
static void one_bits(struct ck *c, const uint8_t *blk, uint64_t i, uint64_t kl, uint64_t cnt)
{
	const struct q2_image *img = c->img;
	const uint64_t end = kl + cnt;
	uint8_t *p = c->one_cur;

	if (img->refcount_order == 4) {
		/* refcount blocks start at multiples of 256 clusters, chunks at
		 * multiples of RC_CHUNK: kl is 8-aligned */
		for (; kl + 8 <= end; kl += 8, i += 8) {
			if (!memcmp(blk + 2 * i, be16_ones, 16))
				p[kl >> 3] = 0xff;
			else if (memcmp(blk + 2 * i, zeros32, 16))
				for (unsigned b = 0; b < 8; b++)
					if (blk[2 * (i + b)] == 0 && blk[2 * (i + b) + 1] == 1)
						p[kl >> 3] |= (uint8_t)(1u << b);
		}
		for (; kl < end; kl++, i++)
			if (blk[2 * i] == 0 && blk[2 * i + 1] == 1)
				p[kl >> 3] |= (uint8_t)(1u << (kl & 7));
		return;
	}
	for (; kl < end; kl++, i++)
		if (rb_entry(img, blk, i) == 1)
			p[kl >> 3] |= (uint8_t)(1u << (kl & 7));
}

static void one_fill(struct ck *c, uint64_t ri, const uint8_t *blk, bool err, uint64_t n)
{
	const struct q2_image *img = c->img;
	uint64_t k = ri << img->rb_bits, end = HV_MIN(k + (1ull << img->rb_bits), n), i = 0;

	if (!blk || err)
		return; /* bits stay 0; errors are recognised from the reftable */
	while (k < end) {
		uint64_t ci = k >> RC_BITS, e = HV_MIN(end, (ci + 1) << RC_BITS);

		if (ci != c->one_ci) {  /* blocks come in order: the last one is complete */
			one_store(c);
			memset(c->one_cur, 0, sizeof(c->one_cur));
			c->one_ci = ci;
		}
		one_bits(c, blk, i, k & RC_MASK, e - k);
		i += e - k;
		k = e;
	}
}

/* Is the on-disk refcount of each of the clusters [a, b) (b <= one_n) 1 iff @copied? */
static bool ones_equal(const struct ck *c, uint64_t a, uint64_t b, bool copied)
{
	const uint8_t want = copied ? 0xff : 0x00;

	while (a < b) {
		uint64_t ci = a >> RC_BITS, e = HV_MIN(b, (ci + 1) << RC_BITS);
		uint64_t k = a & RC_MASK, end = k + (e - a);
		const uint8_t *p = c->one[ci];

		if (!p) {
			if (c->one_all[ci] != want)
				return false;
			a = e;
			continue;
		}
		for (; k < end && (k & 7); k++)
			if (((p[k >> 3] >> (k & 7)) & 1) != copied)
				return false;
		for (; k + 8 <= end; k += 8)
			if (p[k >> 3] != want)
				return false;
		for (; k < end; k++)
			if (((p[k >> 3] >> (k & 7)) & 1) != copied)
				return false;
		a = e;
	}
	return true;
}

/* ---- L1/L2 walk --------------------------------------------------------- */

/*
 * A run of @r L2 entries mapping the consecutive clusters @k0.. (preallocated
 * and sequentially written images): set their counts to @v (the table's
 * referrers) in bulk when every count is still 0 and, if @check is set, every
 * on-disk refcount agrees with @copied. Returns 1, or 0 changing nothing when
 * the run needs the per-entry path (which produces the exact messages), or
 * -ENOMEM.
 */
static int run_bulk(struct ck *c, uint64_t k0, uint64_t r, bool check, bool copied, unsigned v)
{
	const struct q2_image *img = c->img;
	uint64_t end = k0 + r, ri;

	if (end > c->r.n || !refs_zero(&c->r, k0, end))
		return 0;
	if (check) {
		if (end > c->one_n)
			return 0;
		for (ri = k0 >> img->rb_bits; ri <= (end - 1) >> img->rb_bits; ri++)
			if (ri < img->reftable_entries &&
			    (img->reftable[ri] & Q2_REFT_OFFSET_MASK & (img->cluster_size - 1)))
				return 0;
		if (!ones_equal(c, k0, end, copied))
			return 0;
	}
	return refs_fill(&c->r, k0, end, v) < 0 ? -ENOMEM : 1;
}

/* check_oflag_copied(), once per active referrer of the table. */
static void copied_mismatch(struct ck *c, const struct tref *t, const char *where, uint64_t e,
			    int st)
{
	if (!c->naming)
		c->res->plan_copied += t->wa;
	msgw(c, Q2_MSG_CORRUPTION, t->wa,
	     "%s: COPIED flag is %s but the refcount of data cluster 0x%llx is %s1", where,
	     (e & Q2_OFLAG_COPIED) ? "set" : "clear", (unsigned long long)(e & Q2_L2E_OFFSET_MASK),
	     st == ST_ONE ? "" : "not ");
}

/*
 * check_refcounts_l2() and, for active referrers, the L2 half of
 * check_oflag_copied(): one L2 table at @l2 (already read), walked once for
 * its t->w referrers.
 * @copied: check COPIED flags here (false when the table's own refcount
 * could not be read, as qemu skips the whole table then, or no active referrer).
 */
static int walk_l2(struct ck *c, const struct tref *t, const uint8_t *l2, bool copied)
{
	struct q2_image *img = c->img;
	const uint64_t cs = img->cluster_size, n = img->l2_entries, fsize = img->file_size;
	const uint64_t rmax = img->refcount_max, w = t->w, wa = t->wa, l2_off = t->off;
	const unsigned bits = img->cluster_bits;
	const bool ext = img->extended_l2, frag = wa > 0;
	/* every reference through inc_region when naming referrers */
	const bool fast = !ext && !c->data_file && img->version >= 3 && !c->naming;
	const bool bulk = w <= 14 && w <= rmax;
	uint64_t next_contig = 0, j;
	uint64_t run_end = 0;  /* entries before it belong to a run already measured */
	char where[360], gr[80], lab[160], shared[48] = "";
	const char *label = src_label(c, t->src, lab, sizeof(lab));
	int rc;

	if (w > 1)
		snprintf(shared, sizeof(shared), ", shared by %llu L1 entries", (unsigned long long)w);
	c->bad_here = 0;
	c->bad_guest = Q2_NO_GUEST;
	/* the referrer of entry j, for facts (and naming) */
#define REF()                                                                                   \
	(set_ref(c, Q2_R_DATA, t->src, l2_off, ((uint64_t)t->l1i * n + j) << bits, cs),          \
	 c->cur_copied = wa && !(e & Q2_OFLAG_COMPRESSED) ? !!(e & Q2_OFLAG_COPIED) : -1,           \
	 c->cur_wa = wa)
#define BAD() fact(c, Q2_F_BADENTRY, j, j)
#define WHERE()                                                                              \
	(snprintf(where, sizeof(where), "%s L2 table at 0x%llx (%s%s), entry %llu (guest 0x%llx)", \
		  label, (unsigned long long)l2_off, guest_range(c, t->l1i, gr, sizeof(gr)),  \
		  shared, (unsigned long long)j,                                               \
		  (unsigned long long)(((uint64_t)t->l1i * n + j) << bits)),                   \
	 where)
/* inc_region_w() only says or names where a reference is from when it is past
 * the end of the file or referrers are being named: WHERE() costs a snprintf */
#define WHERE_IF(o, sz)                                                                      \
	(c->naming || (int64_t)((o) + (sz) - fsize) >= (int64_t)cs ? WHERE() : "")

	for (j = 0; j < n; j++) {
		uint64_t e = q2_be64(l2 + j * img->l2_entry_size);
		uint64_t bm, off;
		enum ctype ty;

		if (!e && !ext)
			continue; /* unallocated: the common case */
		off = e & Q2_L2E_OFFSET_MASK;
		if (fast && off && !(e & ~(Q2_OFLAG_COPIED | Q2_L2E_OFFSET_MASK)) && !(off & (cs - 1)) &&
		    off + cs <= fsize) {
			/* a plain allocated cluster inside the file: the hot path */
			uint64_t k = off >> bits, r = 1;
			unsigned v;

			/*
			 * Measure a run once: when run_bulk() refuses it (counts
			 * already set by another table), its entries go one by
			 * one, without measuring what is left of the run again
			 * at each (quadratic in the run).
			 */
			if (j >= run_end) {
				while (j + r < n && q2_be64(l2 + (j + r) * 8) == e + r * cs &&
				       off + (r + 1) * cs <= fsize)
					r++;
				int bulk_rc = r >= 16 && bulk ?
					run_bulk(c, k, r, copied, e & Q2_OFLAG_COPIED, (unsigned)w) : 0;

				if (bulk_rc < 0) {
					c->res->check_errors++;
					return bulk_rc;
				}
				if (bulk_rc) {
					if (frag) {
						c->res->allocated_clusters += r * wa;
						if (next_contig && off != next_contig)
							c->res->fragmented_clusters += wa;
						next_contig = off + r * cs;
					}
					j += r - 1;
					continue;
				}
				run_end = j + r;
			}

			if (frag) {
				c->res->allocated_clusters += wa;
				if (next_contig && off != next_contig)
					c->res->fragmented_clusters += wa;
				next_contig = off + cs;
			}
			v = nib_get(&c->r, k);
			if (v + w < 15 && v + w <= rmax) {
				if (nib_set(&c->r, k, v + (unsigned)w) < 0) {
					c->res->check_errors++;
					return -ENOMEM;
				}
			} else {
				REF();
				rc = inc_region_w(c, off, cs, w, WHERE_IF(off, cs));
				if (rc < 0)
					return rc;
			}
			if (copied) {
				int st = k < c->one_n ? (int)one_get(c, k) : state_of(c, k);

				if (st != !!(e & Q2_OFLAG_COPIED) &&
				    (st = state_of(c, k)) != ST_ERR)
					copied_mismatch(c, t, WHERE(), e, st);
			}
			continue;
		}
		bm = ext ? q2_be64(l2 + j * 16 + 8) : 0;
		if (!e && !bm)
			continue;
		ty = cluster_type(c, e);
		REF();
		if (ty != CT_COMPRESSED && (e & Q2_L2E_STD_RESERVED_MASK)) {
			BAD();
			msgw(c, Q2_MSG_CORRUPTION, w, "%s: reserved bits set (0x%llx)", WHERE(),
			     (unsigned long long)e);
		}

		switch (ty) {
		case CT_COMPRESSED: {
			uint64_t coff, csize;

			if (e & Q2_OFLAG_COPIED) {
				BAD();
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: COPIED flag set on a compressed cluster", WHERE());
				e &= ~Q2_OFLAG_COPIED;
			}
			if (c->data_file) {
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: compressed cluster in an image with an external data file",
				     WHERE());
				break;
			}
			if (bm) {
				BAD();
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: compressed cluster with a non-zero subcluster bitmap",
				     WHERE());
				break;
			}
			coff = e & img->coffset_mask;
			csize = (((e >> img->csize_shift) & img->csize_mask) + 1) * Q2_COMPRESSED_SECTOR -
				(coff & (Q2_COMPRESSED_SECTOR - 1));
			rc = inc_region_w(c, coff, csize, w, WHERE_IF(coff, csize));
			if (rc < 0)
				return rc;
			if (frag) {
				c->res->allocated_clusters += wa;
				c->res->compressed_clusters += wa;
				c->res->fragmented_clusters += wa;
			}
			if (c->opts->deep && !c->naming) {
				rc = deep_check(c, coff, csize, w, WHERE());
				if (rc < 0)
					return rc;
			}
			break;
		}
		case CT_ZERO_ALLOC:
		case CT_NORMAL:
			if ((bm >> 32) & bm) {
				BAD();
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: subcluster bitmap marks subclusters both allocated and zero",
				     WHERE());
			}
			if (off & (cs - 1)) {
				BAD();
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: data cluster offset 0x%llx is not cluster aligned", WHERE(),
				     (unsigned long long)off);
			}
			if (frag) {
				c->res->allocated_clusters += wa;
				if (next_contig && off != next_contig)
					c->res->fragmented_clusters += wa;
				next_contig = off + cs;
			}
			if (img->version == 2 && (e & Q2_OFLAG_ZERO))
				msgw(c, Q2_MSG_WARNING, w, "%s: zero flag set in a version 2 image",
				     WHERE());
			/* judged for the first referrer's guest offset (a shared table cannot
			 * be raw for all of them anyway) */
			if (c->data_file && (img->autoclear & Q2_AUTOCLEAR_DATA_FILE_RAW) &&
			    ty == CT_NORMAL && off != (((uint64_t)t->l1i * n + j) << bits))
				msgw(c, Q2_MSG_WARNING, w,
				     "%s: raw external data file, but host offset 0x%llx differs from the guest offset",
				     WHERE(), (unsigned long long)off);
			if (!c->data_file) {
				rc = inc_region_w(c, off, cs, w, WHERE_IF(off, cs));
				if (rc < 0)
					return rc;
			}
			if (copied) {
				int st = c->data_file ? ST_ONE : state_of(c, off >> bits);

				if (st != ST_ERR && st != !!(e & Q2_OFLAG_COPIED))
					copied_mismatch(c, t, WHERE(), e, st);
			}
			break;
		case CT_ZERO_PLAIN:
			if (img->version == 2)
				msgw(c, Q2_MSG_WARNING, w, "%s: zero flag set in a version 2 image",
				     WHERE());
			if (e & Q2_OFLAG_COPIED)
				msgw(c, Q2_MSG_WARNING, w, "%s: COPIED flag set on an unallocated entry",
				     WHERE());
			break;
		case CT_UNALLOC:
			if (bm & Q2_L2_BITMAP_ALL_ALLOC) {
				BAD();
				msgw(c, Q2_MSG_CORRUPTION, w,
				     "%s: unallocated cluster with subclusters marked allocated",
				     WHERE());
			}
			if (e & Q2_OFLAG_COPIED)
				msgw(c, Q2_MSG_WARNING, w, "%s: COPIED flag set on an unallocated entry",
				     WHERE());
			break;
		}
	}
#undef WHERE
#undef WHERE_IF
#undef BAD
#undef REF
	if (c->bad_here && !c->naming) {
		uint64_t span = n << bits;

		q2_fact_shape(&c->res->facts, img, Q2_R_L2, t->src, l2_off, t->l1i,
			      (uint64_t)t->l1i * span, span, c->bad_here, l2, cs);
	}
	return 0;
}

/*
 * The L2 tables to walk: those of the active L1 (its nonzero entries sorted
 * by table offset: equal offsets are one table), with the references that
 * snapshots add to them, and the tables only snapshots reference (a hash by
 * offset, sorted before the walk). Memory: 4 bytes per active entry, 8 more
 * when there are snapshots, and one struct tref per snapshot-only table.
 */
struct tabs {
	const uint64_t *l1;     /* the active L1 (img->l1) */
	uint32_t *idx;          /* its nonzero entries, sorted by table offset */
	size_t n;
	uint64_t *sw;           /* snapshot references to the table of idx[i] (first of its run) */
	struct tref *h;         /* snapshot-only tables; empty slots have w == 0 */
	size_t h_cap, h_n;
};

#define ACT_OFF(tb, p) ((tb)->l1[(tb)->idx[p]] & Q2_L1E_OFFSET_MASK)

static int cmp_l1idx(const void *a, const void *b, void *l1p)
{
	const uint64_t *l1 = l1p;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t ox = l1[x] & Q2_L1E_OFFSET_MASK, oy = l1[y] & Q2_L1E_OFFSET_MASK;

	return HV_CMP(ox, oy) ?: HV_CMP(x, y);
}

static int cmp_tref(const void *a, const void *b)
{
	const struct tref *x = a, *y = b;

	return HV_CMP(x->off, y->off);
}

static size_t tab_slot(const struct tabs *tb, uint64_t off)
{
	size_t i = (size_t)(((off >> 9) + 1) * 0x9e3779b97f4a7c15ull >> 20) & (tb->h_cap - 1);

	while (tb->h[i].w && tb->h[i].off != off)
		i = (i + 1) & (tb->h_cap - 1);
	return i;
}

/*
 * @w references from snapshot @src's L1 entry @l1i to the L2 table at @off
 * (inside the file). 0 or -ENOMEM. Bounded: the snapshot-only tables are
 * distinct 512-byte aligned offsets inside the file.
 */
static int tab_ref(struct ck *c, uint64_t off, uint64_t w, uint32_t src, uint32_t l1i)
{
	struct tabs *tb = c->tabs;
	size_t lo = 0, hi = tb->n, i;

	while (lo < hi) {  /* the first active entry at or after @off */
		size_t mid = lo + (hi - lo) / 2;

		if (ACT_OFF(tb, mid) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tb->n && ACT_OFF(tb, lo) == off) {
		if (!tb->sw && !(tb->sw = calloc(tb->n, sizeof(*tb->sw))))
			return -ENOMEM;
		tb->sw[lo] += w;
		return 0;
	}
	if ((tb->h_n + 1) * 2 > tb->h_cap) {
		struct tref *old = tb->h;
		size_t ocap = tb->h_cap;

		tb->h_cap = ocap ? 2 * ocap : 256;
		tb->h = calloc(tb->h_cap, sizeof(*tb->h));
		if (!tb->h) {
			tb->h = old;
			tb->h_cap = ocap;
			return -ENOMEM;
		}
		for (i = 0; i < ocap; i++)
			if (old[i].w)
				tb->h[tab_slot(tb, old[i].off)] = old[i];
		free(old);
	}
	i = tab_slot(tb, off);
	if (!tb->h[i].w) {
		tb->h[i] = (struct tref){ .off = off, .src = src, .l1i = l1i };
		tb->h_n++;
	}
	tb->h[i].w += w;
	return 0;
}

/*
 * check_refcounts_l1() for one nonzero entry @e, index @i, of the L1 table of
 * @src, which @w snapshots share (1 for the active table), plus the L1 half of
 * check_oflag_copied() for the active table.
 */
static int l1_entry(struct ck *c, uint32_t src, uint64_t i, uint64_t e, uint64_t w)
{
	struct q2_image *img = c->img;
	const uint64_t cs = img->cluster_size, l2_off = e & Q2_L1E_OFFSET_MASK;
	char gr[80], lab[160], what[320], shared[48] = "";
	const char *label = src_label(c, src, lab, sizeof(lab));
	int rc;

	if (w > 1)
		snprintf(shared, sizeof(shared), " (shared by %llu snapshots)", (unsigned long long)w);
	if (!c->naming) {
		c->n_l1e++;
		c->n_l1e_refs += w;
	}
	guest_range(c, i, gr, sizeof(gr));
	set_ref(c, Q2_R_L2, src,
		src == SRC_ACTIVE ? img->l1_offset : img->snapshots[src].l1_offset,
		(i * img->l2_entries) << img->cluster_bits, img->l2_entries << img->cluster_bits);
	c->cur_copied = src == SRC_ACTIVE ? !!(e & Q2_OFLAG_COPIED) : -1;
	c->cur_wa = 1;
	if (e & Q2_L1E_RESERVED_MASK) {
		fact(c, Q2_F_BADENTRY, i, i);
		msgw(c, Q2_MSG_CORRUPTION, w, "%s L1 table%s, entry %llu (%s): reserved bits set (0x%llx)",
		     label, shared, (unsigned long long)i, gr, (unsigned long long)e);
	}
	snprintf(what, sizeof(what), "%s L2 table (L1 entry %llu, %s)", label, (unsigned long long)i,
		 gr);
	/* a table inside the file is counted where it is walked (walk_tables),
	 * next to the clusters it maps: the counts stay uniform by chunks */
	if (c->naming || l2_off >= img->file_size) {
		rc = inc_region_w(c, l2_off, cs, w, what);
		if (rc < 0)
			return rc;
	}
	if (l2_off & (cs - 1))
		fact(c, Q2_F_BADENTRY, i, i);
	if (l2_off & (cs - 1))
		msgw(c, Q2_MSG_CORRUPTION, w,
		     "%s at 0x%llx is not cluster aligned; L1 entry corrupted", what,
		     (unsigned long long)l2_off);
	/* check_oflag_copied(): the L2 table's own refcount must be 1 iff COPIED */
	if (src == SRC_ACTIVE && l2_off) {
		int st = state_of(c, l2_off >> img->cluster_bits);

		if (st != ST_ERR && st != !!(e & Q2_OFLAG_COPIED) && !c->naming)
			c->res->plan_copied++;
		if (st != ST_ERR && st != !!(e & Q2_OFLAG_COPIED))
			msg(c, Q2_MSG_CORRUPTION,
			    "active L1 table, entry %llu (%s): COPIED flag is %s but the L2 table's refcount is %s1",
			    (unsigned long long)i, gr, (e & Q2_OFLAG_COPIED) ? "set" : "clear",
			    st == ST_ONE ? "" : "not ");
	}
	return 0;
}

/* The active L1 table had bad entries: what do its first cluster's bytes look like? */
static void l1_shape(struct ck *c)
{
	struct q2_image *img = c->img;
	size_t n = (size_t)HV_MIN((uint64_t)img->l1_size, img->cluster_size / 8), i;
	uint8_t *b = malloc(n * 8);

	if (!b)
		return;  /* no diagnosis of its shape; the counts are whole */
	for (i = 0; i < n; i++)
		for (unsigned x = 0; x < 8; x++)
			b[i * 8 + x] = (uint8_t)(img->l1[i] >> (56 - 8 * x));
	q2_fact_shape(&c->res->facts, img, Q2_R_L1, SRC_ACTIVE, img->l1_offset, 0, Q2_NO_GUEST,
		      Q2_NO_GUEST, c->bad_here, b, n * 8);
	free(b);
}

/* The active L1 table: its entries, and its L2 tables sorted by offset in c->tabs. */
static int walk_active_l1(struct ck *c)
{
	struct q2_image *img = c->img;
	struct tabs *tb = c->tabs;
	const uint64_t *l1 = img->l1;
	uint64_t prev = 0;
	bool sorted = true;
	uint32_t i;
	int rc;

	if (!img->l1_size)
		return 0;
	set_ref(c, Q2_R_L1, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
	rc = inc_region(c, img->l1_offset, (uint64_t)img->l1_size * 8, "active L1 table");
	if (rc < 0)
		return rc;
	c->bad_here = 0;
	c->bad_guest = Q2_NO_GUEST;
	tb->l1 = l1;
	tb->idx = malloc((size_t)img->l1_size * sizeof(*tb->idx));
	if (!tb->idx) {
		c->res->check_errors++;
		return -ENOMEM;
	}
	for (i = 0; i < img->l1_size; i++) {
		uint64_t l2_off = l1[i] & Q2_L1E_OFFSET_MASK;

		if (!l1[i])
			continue;
		rc = l1_entry(c, SRC_ACTIVE, i, l1[i], 1);
		if (rc < 0)
			return rc;
		if (l2_off < prev)
			sorted = false;
		prev = l2_off;
		tb->idx[tb->n++] = i;
	}
	if (!sorted)
		qsort_r(tb->idx, tb->n, sizeof(*tb->idx), cmp_l1idx, (void *)l1);
	if (c->bad_here && !c->naming)
		l1_shape(c);
	return 0;
}

/* ---- snapshot L1 tables: their union, once ------------------------------ */

/* [a, b) in some unit, of snapshot @id */
struct ival {
	uint64_t a, b;
	uint32_t id;
};

struct sev {
	uint64_t pos;
	uint32_t id;
	bool open;
};

static int cmp_sev(const void *a, const void *b)
{
	const struct sev *x = a, *y = b;

	return HV_CMP(x->pos, y->pos);
}

typedef int (*seg_fn)(struct ck *c, uint64_t a, uint64_t b, uint64_t w, uint32_t id);

static void heap_push(uint32_t *h, size_t *n, uint32_t v)
{
	size_t i = (*n)++;

	while (i && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void heap_pop(uint32_t *h, size_t *n)
{
	uint32_t v = h[--*n];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;

		if (k >= *n)
			break;
		if (k + 1 < *n && h[k + 1] < h[k])
			k++;
		if (h[k] >= v)
			break;
		h[i] = h[k];
		i = k;
	}
	if (*n)
		h[i] = v;
}

/*
 * Sweep the intervals @iv (one per snapshot): call @fn once for each maximal
 * segment covered by the same intervals, with how many cover it and the
 * smallest snapshot index among them (the one messages name). O(n log n) plus
 * the callbacks, which see the union of the intervals once: N snapshots that
 * share or overlap their L1 tables cost what the file holds, not N times it.
 */
static int sweep(struct ck *c, const struct ival *iv, size_t n, seg_fn fn)
{
	struct sev *ev = malloc(2 * n * sizeof(*ev) + 1);
	uint32_t *heap = malloc(n * sizeof(*heap) + 1);
	bool *open = calloc(c->img->n_snapshots_loaded + 1, sizeof(*open));
	size_t ne = 0, nh = 0, e, i;
	uint64_t cnt = 0;
	int rc = 0;

	if (!ev || !heap || !open) {
		c->res->check_errors++;
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (iv[i].a >= iv[i].b)
			continue;
		ev[ne++] = (struct sev){ iv[i].a, iv[i].id, true };
		ev[ne++] = (struct sev){ iv[i].b, iv[i].id, false };
	}
	if (ne)
		qsort(ev, ne, sizeof(*ev), cmp_sev);
	for (e = 0; e < ne;) {
		uint64_t pos = ev[e].pos;

		for (; e < ne && ev[e].pos == pos; e++) {
			open[ev[e].id] = ev[e].open;
			if (ev[e].open) {
				cnt++;
				heap_push(heap, &nh, ev[e].id);
			} else {
				cnt--;
			}
		}
		while (nh && !open[heap[0]])
			heap_pop(heap, &nh);
		if (cnt && e < ne) {
			rc = fn(c, pos, ev[e].pos, cnt, heap[0]);
			if (rc < 0)
				break;
		}
	}
out:
	free(ev);
	free(heap);
	free(open);
	return rc;
}

/* Clusters [a, b) of snapshot L1 tables, @w tables covering each. */
static int seg_l1_region(struct ck *c, uint64_t a, uint64_t b, uint64_t w, uint32_t id)
{
	char lab[160], what[200];

	snprintf(what, sizeof(what), "%s L1 table", src_label(c, id, lab, sizeof(lab)));
	set_ref(c, Q2_R_L1, id, 0, Q2_NO_GUEST, 0);
	return inc_clusters(c, a, b - 1, w, what);
}

/* Entries [a, b) (file offset / 8) of snapshot L1 tables, @w tables covering each. */
static int seg_l1_entries(struct ck *c, uint64_t a, uint64_t b, uint64_t w, uint32_t id)
{
	struct q2_image *img = c->img;
	const struct q2_snapshot *sn = &img->snapshots[id];
	const uint64_t start = sn->l1_offset / 8;
	uint64_t pos, i;
	int rc;

	for (pos = a; pos < b; pos += i) {
		uint64_t chunk = HV_MIN(b - pos, (uint64_t)c->buf_len / 8);

		rc = q2_pread(img, c->buf, chunk * 8, pos * 8);
		if (rc < 0) {
			char lab[160];

			msg(c, Q2_MSG_CHECK_ERROR, "%s L1 table at 0x%llx: read error: %s",
			    src_label(c, id, lab, sizeof(lab)), (unsigned long long)sn->l1_offset,
			    strerror(-rc));
			return rc;
		}
		for (i = 0; i < chunk; i++) {
			uint64_t e = q2_be64(c->buf + i * 8), l2_off = e & Q2_L1E_OFFSET_MASK;
			uint32_t l1i = (uint32_t)(pos + i - start);

			if (!e)
				continue;
			rc = l1_entry(c, id, l1i, e, w);
			if (rc == 0 && l2_off < img->file_size)
				rc = tab_ref(c, l2_off, w, id, l1i);
			if (rc < 0) {
				if (rc == -ENOMEM)
					c->res->check_errors++;
				return rc;
			}
		}
	}
	return 0;
}

/*
 * check_refcounts_l1() for every snapshot: the checks of each snapshot table
 * entry, then the union of their L1 tables, each cluster and each entry once,
 * weighted by how many snapshots' tables cover it.
 */
static int walk_snapshots(struct ck *c)
{
	struct q2_image *img = c->img;
	const uint64_t cs = img->cluster_size, fsize = img->file_size;
	const unsigned bits = img->cluster_bits;
	uint32_t i, n = img->n_snapshots_loaded;
	struct ival *reg = NULL, *ent = NULL;
	size_t nr = 0, ne = 0;
	int rc = 0;

	if (!n)
		return 0;
	reg = malloc(n * sizeof(*reg));
	ent = malloc(n * sizeof(*ent));
	if (!reg || !ent) {
		c->res->check_errors++;
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct q2_snapshot *sn = &img->snapshots[i];
		uint64_t size = (uint64_t)sn->l1_size * 8;
		char lab[160], what[200];

		src_label(c, i, lab, sizeof(lab));
		if (sn->l1_offset & (cs - 1)) {
			msg(c, Q2_MSG_CORRUPTION,
			    "%s: L1 table offset 0x%llx is not cluster aligned; snapshot table entry corrupted",
			    lab, (unsigned long long)sn->l1_offset);
			continue;
		}
		if ((uint64_t)sn->l1_size > Q2_MAX_L1_BYTES / 8) {
			msg(c, Q2_MSG_CORRUPTION,
			    "%s: L1 table size 0x%x is too large; snapshot table entry corrupted",
			    lab, sn->l1_size);
			continue;
		}
		if (!size)
			continue;
		if ((int64_t)(sn->l1_offset + size - fsize) >= (int64_t)cs) {
			snprintf(what, sizeof(what), "%s L1 table", lab);
			set_ref(c, Q2_R_L1, i, 0, Q2_NO_GUEST, 0);
			rc = inc_region(c, sn->l1_offset, size, what);  /* says where it ends */
			if (rc < 0)
				goto out;
		} else {
			reg[nr++] = (struct ival){ sn->l1_offset >> bits,
						   ((sn->l1_offset + size - 1) >> bits) + 1, i };
		}
		/* entries past the end of the file read as zeros: only the rest is walked */
		if (sn->l1_offset < fsize)
			ent[ne++] = (struct ival){
				sn->l1_offset / 8,
				sn->l1_offset / 8 + HV_MIN((uint64_t)sn->l1_size,
							   HV_DIV_ROUND_UP(fsize - sn->l1_offset, 8)),
				i };
	}
	rc = sweep(c, reg, nr, seg_l1_region);
	if (rc == 0)
		rc = sweep(c, ent, ne, seg_l1_entries);
out:
	free(reg);
	free(ent);
	return rc;
}

/* ---- walking each L2 table once ----------------------------------------- */

struct titer {
	size_t i;               /* next active entry (c->tabs->idx) */
	size_t h;               /* next snapshot-only table (c->tabs->h, sorted) */
};

/* The next table in offset order: false at the end. */
static bool next_tref(const struct tabs *tb, struct titer *it, struct tref *t)
{
	bool act = it->i < tb->n, snap = it->h < tb->h_n;

	if (!act && !snap)
		return false;
	if (act && (!snap || ACT_OFF(tb, it->i) < tb->h[it->h].off)) {
		size_t j = it->i + 1;

		while (j < tb->n && ACT_OFF(tb, j) == ACT_OFF(tb, it->i))
			j++;
		*t = (struct tref){ .off = ACT_OFF(tb, it->i), .wa = j - it->i, .src = SRC_ACTIVE,
				    .l1i = tb->idx[it->i] };
		t->w = t->wa + (tb->sw ? tb->sw[it->i] : 0);
		it->i = j;
	} else {
		*t = tb->h[it->h++];
	}
	return true;
}

/*
 * The refcount blocks are counted as the walk passes their offsets (by a
 * sorted index: 4 bytes per block): a block among an L2 table's data then
 * leaves its chunk uniform instead of holding it open to the end.
 * check_refblocks() still checks them last, as qemu does, and counts those
 * not counted here: only aligned blocks inside the file are.
 */
static bool rb_early_ok(const struct ck *c, uint64_t e)
{
	uint64_t off = e & Q2_REFT_OFFSET_MASK;

	return !(e & Q2_REFT_RESERVED_MASK) && off && !(off & (c->img->cluster_size - 1)) &&
	       off < c->img->file_size;
}

static int cmp_rb_idx(const void *a, const void *b, void *rtp)
{
	const uint64_t *rt = rtp;
	uint64_t x = rt[*(const uint32_t *)a] & Q2_REFT_OFFSET_MASK;
	uint64_t y = rt[*(const uint32_t *)b] & Q2_REFT_OFFSET_MASK;

	return HV_CMP(x, y);
}

/* Without memory for the index, check_refblocks() counts them all. */
static void rb_early_init(struct ck *c)
{
	const struct q2_image *img = c->img;
	bool sorted = true;
	uint64_t prev = 0;
	uint32_t i;

	free(c->rb_idx);
	c->rb_idx = NULL;
	c->rb_n = c->rb_next = 0;
	c->rb_early = false;
	if (c->naming || !img->reftable_entries)
		return;
	c->rb_idx = malloc(img->reftable_entries * sizeof(*c->rb_idx));
	if (!c->rb_idx)
		return;
	for (i = 0; i < img->reftable_entries; i++) {
		if (!rb_early_ok(c, img->reftable[i]))
			continue;
		sorted = sorted && (img->reftable[i] & Q2_REFT_OFFSET_MASK) >= prev;
		prev = img->reftable[i] & Q2_REFT_OFFSET_MASK;
		c->rb_idx[c->rb_n++] = i;
	}
	if (!sorted)
		qsort_r(c->rb_idx, c->rb_n, sizeof(*c->rb_idx), cmp_rb_idx, (void *)img->reftable);
	/* a block listed twice is judged by the count each entry finds (qemu:
	 * the first sees 1, the second 2): then all are counted there */
	for (i = 1; i < c->rb_n; i++)
		if (!cmp_rb_idx(&c->rb_idx[i - 1], &c->rb_idx[i], (void *)img->reftable))
			return;
	c->rb_early = true;
}

/* Count the refcount blocks before @lim not counted yet. */
static int rb_count(struct ck *c, uint64_t lim)
{
	const struct q2_image *img = c->img;

	for (; c->rb_early && c->rb_next < c->rb_n; c->rb_next++) {
		uint64_t off = img->reftable[c->rb_idx[c->rb_next]] & Q2_REFT_OFFSET_MASK;
		int rc;

		if (off >= lim)
			break;
		rc = inc_region(c, off, img->cluster_size, "refcount block");
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Walk every L2 table once, in offset order, adjacent tables read together. */
static int walk_tables(struct ck *c)
{
	struct q2_image *img = c->img;
	struct tabs *tb = c->tabs;
	const uint64_t cs = img->cluster_size;
	const size_t max_batch = HV_MAX(c->buf_len / cs, (size_t)1);
	struct titer it = { 0 };
	struct tref *batch, t;
	size_t i, nb;
	bool have;
	int rc = 0;

	/* the snapshot-only tables, compacted and sorted */
	for (i = 0, nb = 0; i < tb->h_cap; i++)
		if (tb->h[i].w)
			tb->h[nb++] = tb->h[i];
	if (tb->h_n)
		qsort(tb->h, tb->h_n, sizeof(*tb->h), cmp_tref);
	if (!c->naming)
		c->work_total += tb->h_n;
	batch = malloc(max_batch * sizeof(*batch));
	if (!batch) {
		c->res->check_errors++;
		return -ENOMEM;
	}
	have = next_tref(tb, &it, &t);
	while (have) {
		uint64_t first = t.off;

		/* a table wholly past the end of the file reads as zeros: nothing to walk
		 * (and a hostile L1 full of such entries costs no I/O) */
		if (first >= img->file_size) {
			have = next_tref(tb, &it, &t);
			continue;
		}
		nb = 0;
		batch[nb++] = t;
		have = next_tref(tb, &it, &t);
		if (!(first & (cs - 1)))
			while (have && nb < max_batch && t.off == batch[nb - 1].off + cs) {
				batch[nb++] = t;
				have = next_tref(tb, &it, &t);
			}
		rc = q2_pread(img, c->buf, batch[nb - 1].off + cs - first, first);
		if (rc < 0) {
			char lab[160];

			msg(c, Q2_MSG_CHECK_ERROR, "%s L2 table at 0x%llx: read error: %s",
			    src_label(c, batch[0].src, lab, sizeof(lab)), (unsigned long long)first,
			    strerror(-rc));
			break;
		}
		for (i = 0; i < nb; i++) {
			uint64_t off = batch[i].off;
			/* qemu skips a table whose own refcount cannot be read */
			bool copied = batch[i].wa && off &&
				      state_of(c, off >> img->cluster_bits) != ST_ERR;

			if (!c->naming) {
				c->n_l2t++;
				c->n_l2t_refs += batch[i].w;
				/* its L1 entries' references (l1_entry) */
				if (off < img->file_size) {
					rc = rb_count(c, off);
					if (rc == 0)
						rc = inc_region_w(c, off, cs, batch[i].w, "L2 table");
					if (rc < 0)
						break;
				}
			}

			rc = walk_l2(c, &batch[i], c->buf + (off - first), copied);
			if (rc < 0)
				break;
		}
		if (rc < 0)
			break;
		progress(c, nb);
	}
	free(batch);
	return rc < 0 ? rc : rb_count(c, UINT64_MAX);
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

		set_ref(c, Q2_R_REFBLOCK, SRC_ACTIVE, img->reftable_offset, Q2_NO_GUEST, 0);
		if ((e & Q2_REFT_RESERVED_MASK) || (off & (img->cluster_size - 1)))
			fact(c, Q2_F_BADENTRY, i, i);
		else if (k >= c->r.n)
			fact(c, Q2_F_PASTEOF, k, k);
		if (e & Q2_REFT_RESERVED_MASK) {
			c->res->plan_rebuild++;
			msg(c, Q2_MSG_CORRUPTION, "refcount table entry %llu has reserved bits set",
			    (unsigned long long)i);
			continue;
		}
		if (off & (img->cluster_size - 1)) {
			c->res->plan_rebuild++;
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is not cluster aligned; refcount table entry corrupted",
			    (unsigned long long)i, (unsigned long long)off);
			continue;
		}
		if (k >= c->r.n) {
			c->res->plan_rebuild++;
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is outside the image (file ends at 0x%llx)",
			    (unsigned long long)i, (unsigned long long)off,
			    (unsigned long long)img->file_size);
			continue;
		}
		if (!off)
			continue;
		snprintf(what, sizeof(what), "refcount block %llu", (unsigned long long)i);
		rc = c->rb_early && off < img->file_size ? 0 :  /* counted by rb_count() */
			inc_region(c, off, img->cluster_size, what);
		if (rc < 0)
			return rc;
		if (refs_get(&c->r, k) != 1)
			c->res->plan_rebuild++;
		if (refs_get(&c->r, k) != 1)
			msg(c, Q2_MSG_CORRUPTION,
			    "refcount block %llu at 0x%llx is referenced %llu times (it must be exactly once)",
			    (unsigned long long)i, (unsigned long long)off,
			    (unsigned long long)refs_get(&c->r, k));
	}
	return 0;
}

/* Room for one more entry in c->refd: false when out of memory. */
static bool refd_room(struct ck *c)
{
	if (c->n_refd == c->cap_refd) {
		size_t cap = c->cap_refd ? 2 * c->cap_refd : 16;
		struct refd *v = realloc(c->refd, cap * sizeof(*v));

		if (!v)
			return false;
		c->refd = v;
		c->cap_refd = cap;
	}
	return true;
}

static void cmp_one(struct ck *c, uint64_t k, uint64_t ondisk, uint64_t computed)
{
	const uint64_t cs = c->img->cluster_size;

	set_ref(c, Q2_R_NONE, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
	fact(c, ondisk >= computed ? (computed ? Q2_F_LEAKPART : Q2_F_LEAK)
				   : (ondisk ? Q2_F_OVERREF : Q2_F_REFZERO), k, k);
	if (ondisk < computed) {
		long m;

		if (ondisk)
			c->res->plan_raised++;
		else
			c->res->plan_rebuild++;  /* qemu: "need to rebuild refcount structures" */
		m = msg(c, Q2_MSG_CORRUPTION,
			     "cluster %llu (host 0x%llx): refcount %llu but referenced %llu time%s",
			     (unsigned long long)k, (unsigned long long)(k * cs),
			     (unsigned long long)ondisk, (unsigned long long)computed,
			     computed == 1 ? "" : "s");

		/* a kept message is completed with its referrers (name_referrers);
		 * up to 1024 more (4096 for the plan) are named for the diagnosis only */
		if ((m >= 0 || c->n_refd < (c->opts->plan ? Q2_MAX_FACTS : Q2_MAX_FACTS / 4)) &&
		    refd_room(c)) {
			c->n_named += m >= 0;
			c->refd[c->n_refd++] = (struct refd){ .k = k,
							      .msg = m >= 0 ? (size_t)m : REFD_NO_MSG,
							      .ondisk = ondisk, .computed = computed };
		} else {
			c->res->plan_copied_exact = false;
		}
	} else {
		c->res->plan_freed += !computed;
		/* the plan follows the COPIED flags of what stays referenced */
		if (computed && c->opts->plan) {
			if (c->n_refd < Q2_MAX_FACTS && refd_room(c))
				c->refd[c->n_refd++] = (struct refd){ .k = k, .msg = REFD_NO_MSG,
								      .ondisk = ondisk,
								      .computed = computed };
			else
				c->res->plan_copied_exact = false;
		}
		msg(c, Q2_MSG_LEAK,
		    "cluster %llu (host 0x%llx): leaked, refcount %llu but referenced %llu times",
		    (unsigned long long)k, (unsigned long long)(k * cs),
		    (unsigned long long)ondisk, (unsigned long long)computed);
	}
}

/* Are the 16 big-endian 16-bit refcounts at @p all @u? */
static bool be16_all(const uint8_t *p, unsigned u)
{
	if (u <= 1)
		return !memcmp(p, u ? be16_ones : zeros32, 32);
	for (unsigned j = 0; j < 16; j++)
		if (p[2 * j] || p[2 * j + 1] != u)
			return false;
	return true;
}

/* compare_refcounts() for one refcount block's clusters. */
static void cmp_block(struct ck *c, uint64_t ri, const uint8_t *blk, bool err, uint64_t n)
{
	const struct q2_image *img = c->img;
	uint64_t k = ri << img->rb_bits, end = HV_MIN(k + (1ull << img->rb_bits), n), i;

	c->bad_here = 0;
	c->bad_guest = Q2_NO_GUEST;
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
			uint64_t w = nib16(&c->r, k);
			unsigned u = w & 0xf;

			if (w == u * 0x1111111111111111ull && u < 15 &&
			    (blk ? be16_all(blk + 2 * i, u) : !u)) {
				k += 15, i += 15;
				if (u)
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
	if (c->bad_here && blk)
		q2_fact_shape(&c->res->facts, img, Q2_R_REFBLOCK, SRC_ACTIVE,
			      img->reftable[ri] & Q2_REFT_OFFSET_MASK, ri, Q2_NO_GUEST, Q2_NO_GUEST,
			      c->bad_here, blk, img->cluster_size);
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
	set_ref(c, Q2_R_BITMAP, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
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

/*
 * Name @what as a referrer of the over-referenced clusters in first..last
 * (c->refd is sorted), @w times: named once, the rest counted as "more".
 */
static void refd_add(struct ck *c, uint64_t first, uint64_t last, uint64_t w, const char *what)
{
	size_t lo = 0, hi = c->n_refd;

	if (!w || first > last)
		return;
	while (lo < hi) {  /* the first at or after @first */
		size_t mid = (lo + hi) / 2;

		if (c->refd[mid].k < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n_refd && c->refd[lo].k <= last; lo++) {
		struct refd *r = &c->refd[lo];

		if (r->nws < 2 && r->computed > r->ondisk)
			r->ws[r->nws++] = c->cur;
		if (c->cur_copied == 1)
			r->fl_set += c->cur_wa;
		else if (c->cur_copied == 0)
			r->fl_clear += c->cur_wa;
		if (c->cur.ref == Q2_R_REFBLOCK)
			r->rb_refs += w;
		if (r->msg == REFD_NO_MSG)
			continue;
		if (r->nwho < REFD_WHO && (r->who[r->nwho] = strdup(what))) {
			r->nwho++;
			r->more += w - 1;
		} else {
			r->more += w;
		}
	}
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

	if (c->n_refd > 1)
		qsort(c->refd, c->n_refd, sizeof(*c->refd), cmp_refd);
	c->naming = true;
	(void)calculate_refcounts(c);  /* what it could not walk was said the first time */
	c->naming = false;
	*c->res = saved;  /* the walk's own tallies (allocated clusters, ...) again */

	for (size_t n = 0; n < c->n_refd; n++) {
		struct refd *r = &c->refd[n];
		char **text, *named, who[800] = "";
		size_t used = 0;

		/* -r all: the refcount becomes its references (a rebuild drops the old
		 * refcount blocks'); the COPIED flags of its referrers follow */
		uint64_t fin = r->computed -
			       (c->res->plan_rebuild ? HV_MIN(r->rb_refs, r->computed) : 0);
		int now1 = r->ondisk == 1, fin1 = fin == 1;

		c->copied_corr += (int64_t)r->fl_set * ((!fin1) - (!now1)) +
				  (int64_t)r->fl_clear * (fin1 - now1);
		if (r->nws == 2) {  /* two structures share it: the diagnosis says which */
			struct q2_fact f = r->ws[0];

			f.kind = Q2_F_SHARED;
			f.k = f.kmax = r->k;
			f.n = 1;
			f.ref2 = r->ws[1].ref;
			f.guest2 = r->ws[1].guest;
			f.at2 = r->ws[1].at;
			q2_fact_add(&c->res->facts, &f);
		}
		if (r->msg == REFD_NO_MSG)
			continue;
		text = &c->res->msgs[r->msg].text;

		for (unsigned w = 0; w < r->nwho; w++)
			used += (size_t)snprintf(who + used, used < sizeof(who) ? sizeof(who) - used : 0,
						 "%s%s", w ? "; " : "", r->who[w]);
		if (r->more && used < sizeof(who))
			snprintf(who + used, sizeof(who) - used, "; and %llu more",
				 (unsigned long long)r->more);
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
	struct tabs tabs = { 0 };
	int rc;

	c->tabs = &tabs;
	set_ref(c, Q2_R_HEADER, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
	rb_early_init(c);
	rc = inc_region(c, 0, img->cluster_size, "header");
	if (rc < 0)
		goto out;
	rc = walk_active_l1(c);
	if (rc < 0)
		goto out;
	if (c->data_file && img->n_snapshots_loaded)
		msg(c, Q2_MSG_CORRUPTION, "%u snapshots in an image with an external data file",
		    img->n_snapshots_loaded);
	rc = walk_snapshots(c);
	if (rc < 0)
		goto out;
	rc = walk_tables(c);
	if (rc < 0)
		goto out;
	set_ref(c, Q2_R_SNAPTAB, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
	rc = inc_region(c, img->snapshots_offset, img->snapshots_size, "snapshot table");
	if (rc < 0)
		goto out;
	set_ref(c, Q2_R_REFT, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
	rc = inc_region(c, img->reftable_offset, img->reftable_entries * 8, "refcount table");
	if (rc < 0)
		goto out;
	if (img->has_crypto_ext && img->crypto_length) {
		set_ref(c, Q2_R_CRYPTO, SRC_ACTIVE, 0, Q2_NO_GUEST, 0);
		rc = inc_region(c, img->crypto_offset, img->crypto_length, "encryption header");
		if (rc < 0)
			goto out;
	}
	rc = check_bitmaps(c);
	if (rc < 0)
		goto out;
	rc = check_refblocks(c);
out:
	free(tabs.idx);
	free(tabs.sw);
	free(tabs.h);
	free(c->rb_idx);
	c->rb_idx = NULL;
	c->tabs = NULL;
	return rc;
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
	res->plan_copied_exact = true;
	c.over_msg = -1;
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
	/* memory: the chunk directories (17 bytes per RC_CHUNK clusters), then
	 * what the chunks that are not uniform hold (struct refs) */
	rc = refs_grow(&c.r, nb_clusters + 2);
	c.one_n = nb_clusters;
	c.one_ci = UINT64_MAX;
	c.one = calloc(HV_DIV_ROUND_UP(nb_clusters, RC_CHUNK) + 1, sizeof(*c.one));
	c.one_all = calloc(HV_DIV_ROUND_UP(nb_clusters, RC_CHUNK) + 1, 1);
	c.buf_len = HV_MAX((uint64_t)BATCH_BYTES, img->cluster_size);
	c.buf = malloc(c.buf_len);
	if (rc < 0 || !c.one || !c.one_all || !c.buf) {
		res->check_errors++;
		rc = -ENOMEM;
		goto fatal;
	}
	c.r.n = nb_clusters;
	for (i = 0; i < img->l1_size; i++)
		l2s += (img->l1[i] & Q2_L1E_OFFSET_MASK) != 0;
	/* the snapshot-only L2 tables are added when known (walk_tables) */
	c.work_total = l2s + 2 * HV_DIV_ROUND_UP(nb_clusters, 1ull << img->rb_bits);

	header_warnings(&c);
	/* on-disk refcount == 1, needed by the COPIED checks during the walk */
	for_each_refblock(&c, nb_clusters, one_fill);
	one_store(&c);
	if (c.one_err) {
		res->check_errors++;
		rc = c.one_err;
		goto fatal;
	}
	rc = calculate_refcounts(&c);
	if (rc < 0)
		goto fatal;
	for_each_refblock(&c, c.r.n, cmp_block);
	hv_info("%s: read %llu L1 entries standing for %llu, and %llu L2 tables standing for %llu",
		img->path ? img->path : "image", (unsigned long long)c.n_l1e,
		(unsigned long long)c.n_l1e_refs, (unsigned long long)c.n_l2t,
		(unsigned long long)c.n_l2t_refs);
	hv_info("%s: computed refcounts: %llu chunks of %u clusters, at most %llu of them 4-bit (%llu KiB)",
		img->path ? img->path : "image", (unsigned long long)(c.r.cap >> RC_BITS), RC_CHUNK,
		(unsigned long long)c.r.open_max,
		(unsigned long long)(c.r.open_max * (RC_CHUNK / 2) / 1024));
	/* a second walk only when a kept message is to be completed (as before the
	 * diagnosis) or the repair plan asked for it: the diagnosis alone adds none */
	if (c.n_refd && (c.n_named || c.opts->plan))
		name_referrers(&c);
	res->plan_copied_after = (uint64_t)HV_MAX((int64_t)res->plan_copied + c.copied_corr, 0);
	/* for the diagnosis of leaks at the end: the last cluster something references */
	res->facts.file_clusters = nb_clusters;
	res->facts.last_ref = c.r.n;
	while (res->facts.last_ref && !refs_get(&c.r, res->facts.last_ref - 1))
		res->facts.last_ref--;
	res->image_end_offset = (c.highest + 1) * img->cluster_size;
	rc = 0;
	goto out;
fatal:
	res->fatal = rc;
out:
	for (size_t n = 0; n < res->n_msgs; n++) {
		char *t;

		if (res->msgs[n].times > 1 &&
		    asprintf(&t, "%s (%llu times)", res->msgs[n].text,
			     (unsigned long long)res->msgs[n].times) >= 0) {
			free(res->msgs[n].text);
			res->msgs[n].text = t;
		}
	}
	for (size_t n = 0; n < c.n_refd; n++)
		for (unsigned w = 0; w < c.refd[n].nwho; w++)
			free(c.refd[n].who[w]);
	free(c.refd);
	for (uint64_t w = 0; w < c.r.n_wide; w++)
		free(c.r.wide[w]);
	free(c.r.wide);
	for (uint64_t ci = 0; ci < c.r.cap >> RC_BITS; ci++)
		free(c.r.nib[ci]);
	free(c.r.nib);
	free(c.r.uni);
	free(c.r.mods);
	free(c.r.ov_key);
	free(c.r.ov_val);
	for (uint64_t ci = 0; c.one && ci < HV_DIV_ROUND_UP(c.one_n, RC_CHUNK); ci++)
		free(c.one[ci]);
	free(c.one);
	free(c.one_all);
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
	q2_facts_release(&res->facts);
}
