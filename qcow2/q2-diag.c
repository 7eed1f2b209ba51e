// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-diag: from the facts the check recorded to what happened. Each rule
 * reads the facts only (and the bytes' shape the check saw); see q2-diag.h.
 */
#include "qcow2/q2-diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"
#include "qcow2/q2-check.h"
#include "qcow2/q2-image.h"

/* Diagnoses of one kind printed one by one before "and N more" (bounded output). */
#define MAX_LINES 4
/* Items (guest ranges, structures) named in one diagnosis. */
#define MAX_ITEMS 3

/* ---- recording ---------------------------------------------------------- */

static bool continues(const struct q2_fact *l, const struct q2_fact *f)
{
	if (l->kind != f->kind || l->ref != f->ref || l->ref2 != f->ref2 || l->src != f->src ||
	    l->at != f->at || f->kind == Q2_F_SHAPE)
		return false;
	if (f->guest != Q2_NO_GUEST || l->guest != Q2_NO_GUEST) {
		if (f->guest != l->guest_end)
			return false;
		if (f->kind == Q2_F_SHARED &&
		    (f->at2 != l->at2 || f->guest2 != l->guest2 + (l->guest_end - l->guest)))
			return false;
		/* data clusters: host contiguous too, or the host ranges would be wrong */
		return f->kind == Q2_F_PASTEOF || f->kind == Q2_F_BADENTRY || f->k == l->kmax + 1;
	}
	return f->k == l->kmax + 1;
}

/* Runs looked back at for one to continue (interleaved kinds: an entry both bad and past EOF). */
#define LOOKBACK 4

void q2_fact_add(struct q2_facts *fs, const struct q2_fact *f)
{
	/* the runs diagnoses are built on keep room whatever else fills the array */
	const size_t cap_max = f->kind == Q2_F_SHAPE || f->kind == Q2_F_SHARED
				       ? Q2_MAX_FACTS : Q2_MAX_FACTS - Q2_MAX_FACTS / 8;
	size_t i;

	for (i = fs->n; i > 0 && i + LOOKBACK > fs->n; i--) {
		struct q2_fact *l = &fs->v[i - 1];

		if (!continues(l, f))
			continue;
		l->n += f->n;
		l->k = HV_MIN(l->k, f->k);
		l->kmax = HV_MAX(l->kmax, f->kmax);
		if (f->guest != Q2_NO_GUEST)
			l->guest_end = f->guest_end;
		return;
	}
	if (fs->n >= cap_max) {
		fs->dropped += f->n;
		return;
	}
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 64;
		struct q2_fact *v = realloc(fs->v, cap * sizeof(*v));

		if (!v) {
			fs->dropped += f->n;
			return;
		}
		fs->v = v;
		fs->cap = cap;
	}
	fs->v[fs->n++] = *f;
}

void q2_facts_release(struct q2_facts *fs)
{
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}

/* ---- byte shapes -------------------------------------------------------- */

/*
 * L1/L2 entries: most nonzero entries well formed (no reserved bits, aligned,
 * a plausible offset: refcounts read as entries point petabytes away) and
 * mapping a cluster; a few bad ones are damage to the table, not its shape.
 */
static bool is_table(const struct q2_image *img, const uint8_t *buf, size_t len)
{
	const uint64_t limit = 2 * img->file_size + (1ull << 30);
	uint64_t mapped = 0, bad = 0;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t e = q2_be64(buf + i), off = e & Q2_L2E_OFFSET_MASK;

		if (!e)
			continue;
		if ((e & (Q2_OFLAG_COMPRESSED | Q2_OFLAG_COPIED)) == Q2_OFLAG_COMPRESSED) {
			mapped++;  /* compressed: offset bits depend on the cluster size */
			continue;
		}
		if ((e & Q2_L2E_STD_RESERVED_MASK) || (off & (img->cluster_size - 1)) || off >= limit)
			bad++;
		else if (off)
			mapped++;
	}
	return mapped && bad <= mapped;
}

static bool is_refcounts(const struct q2_image *img, const uint8_t *buf, size_t len)
{
	const unsigned bits = img->refcount_bits;
	uint64_t limit = bits > 8 ? 255 : 15, nz = 0;
	size_t i;

	if (bits < 8)
		return false;  /* any byte is a valid block of 1- to 4-bit counts: no shape */
	for (i = 0; i + bits / 8 <= len; i += bits / 8) {
		uint64_t v = bits == 8 ? buf[i] : bits == 16 ? q2_be16(buf + i)
				     : bits == 32 ? q2_be32(buf + i) : q2_be64(buf + i);

		if (v > limit)
			return false;
		nz += v != 0;
	}
	return nz > 0;
}

enum q2_shape q2_shape_of(const struct q2_image *img, const uint8_t *buf, size_t len)
{
	size_t i, text = 0;
	bool same = true, zero = true;

	for (i = 0; i < len; i++) {
		same &= buf[i] == buf[0];
		zero &= !buf[i];
		text += (buf[i] >= 0x20 && buf[i] < 0x7f) || buf[i] == '\n' || buf[i] == '\t';
	}
	if (zero)
		return Q2_SHAPE_ZERO;
	if (len >= 4 && q2_be32(buf) == Q2_MAGIC)
		return Q2_SHAPE_HEADER;
	if (is_table(img, buf, len))
		return Q2_SHAPE_TABLE;
	if (is_refcounts(img, buf, len))
		return Q2_SHAPE_REFCOUNT;
	if (same)
		return Q2_SHAPE_PATTERN;
	if (text * 10 >= len * 9)
		return Q2_SHAPE_TEXT;
	return Q2_SHAPE_OTHER;
}

void q2_fact_shape(struct q2_facts *fs, const struct q2_image *img, enum q2_ref_kind ref,
		   uint32_t src, uint64_t at, uint64_t idx, uint64_t guest, uint64_t guest_end,
		   uint64_t bad, const uint8_t *buf, size_t len)
{
	enum q2_shape sh = q2_shape_of(img, buf, len);
	struct q2_fact f = { .kind = Q2_F_SHAPE, .ref = (uint8_t)ref, .ref2 = (uint8_t)sh,
			     .byte = len ? buf[0] : 0, .src = src, .k = idx, .kmax = idx, .n = 1,
			     .at = at, .guest = guest, .guest_end = guest_end, .at2 = bad };

	/* its own shape (damage to a few entries), or zeros: nothing to recognise */
	if ((sh == Q2_SHAPE_ZERO && ref != Q2_R_REFBLOCK) ||
	    (sh == Q2_SHAPE_TABLE && ref != Q2_R_REFBLOCK) ||
	    (sh == Q2_SHAPE_REFCOUNT && ref == Q2_R_REFBLOCK))
		return;
	q2_fact_add(fs, &f);
}

/* ---- diagnosing --------------------------------------------------------- */

struct dg {
	const struct q2_image *img;
	const struct q2_check_result *res;
	const struct q2_facts *fs;
	struct q2_diag *v;
	size_t n;
	size_t len;             /* of the line being written (line_open) */
	int err;
};

/* A memory stream for one diagnosis line (ended by closed()), or NULL with d->err set. */
static FILE *line_open(struct dg *d, char **buf)
{
	FILE *f = open_memstream(buf, &d->len);

	if (!f)
		d->err = -ENOMEM;
	return f;
}

static void add(struct dg *d, const char *id, char *text)
{
	struct q2_diag *v;

	if (!text) {
		d->err = -ENOMEM;
		return;
	}
	v = realloc(d->v, (d->n + 1) * sizeof(*v));
	if (!v) {
		free(text);
		d->err = -ENOMEM;
		return;
	}
	d->v = v;
	d->v[d->n++] = (struct q2_diag){ .id = id, .text = text };
}

static const char *sz(uint64_t bytes, char *buf, size_t len)
{
	return hv_fmt_size(bytes, buf, len);
}

/* "guest 8 MiB..8.5 MiB" */
static void put_guest(FILE *f, uint64_t a, uint64_t b)
{
	char x[32], y[32];

	fprintf(f, "guest %s..%s", a ? sz(a, x, sizeof(x)) : "0", sz(b, y, sizeof(y)));
}

static void put_src(FILE *f, const struct q2_image *img, uint32_t src)
{
	if (src == Q2_SRC_ACTIVE || src >= img->n_snapshots_loaded)
		fputs("active", f);
	else
		fprintf(f, "snapshot %s", img->snapshots[src].id);
}

/* "host 0x50000..0x70000 (2 clusters)" for clusters k..kmax */
static void put_host(FILE *f, const struct q2_image *img, uint64_t k, uint64_t kmax)
{
	fprintf(f, "host 0x%llx..0x%llx (%llu cluster%s)",
		(unsigned long long)(k << img->cluster_bits),
		(unsigned long long)((kmax + 1) << img->cluster_bits),
		(unsigned long long)(kmax - k + 1), kmax == k ? "" : "s");
}

static const char *const ref_name[Q2_R_KINDS] = {
	[Q2_R_NONE] = "an unknown structure", [Q2_R_HEADER] = "the header",
	[Q2_R_L1] = "an L1 table", [Q2_R_L2] = "an L2 table", [Q2_R_DATA] = "data",
	[Q2_R_REFT] = "the refcount table", [Q2_R_REFBLOCK] = "a refcount block",
	[Q2_R_SNAPTAB] = "the snapshot table", [Q2_R_BITMAP] = "a bitmap structure",
	[Q2_R_CRYPTO] = "the encryption header",
};

/* One referrer: "data of guest 0..64 KiB", "an L2 table of guest 0..512 MiB", "the header". */
static void put_ref(FILE *f, uint8_t ref, uint64_t g, uint64_t gend)
{
	if (ref == Q2_R_DATA && g != Q2_NO_GUEST) {
		fputs("data of ", f);
		put_guest(f, g, gend);
		return;
	}
	fputs(ref < Q2_R_KINDS ? ref_name[ref] : ref_name[Q2_R_NONE], f);
	if (g != Q2_NO_GUEST) {
		fputs(" of ", f);
		put_guest(f, g, gend);
	}
}

static char *closed(FILE *f, char **buf)
{
	if (fclose(f) != 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

/* What bytes of @shape say about a structure, and what wrote them. */
static void put_shape(FILE *f, const struct q2_fact *x)
{
	switch (x->ref2) {
	case Q2_SHAPE_REFCOUNT: fputs("refcount data", f); break;
	case Q2_SHAPE_ZERO: fputs("only zeros", f); break;
	case Q2_SHAPE_TABLE: fputs("L1/L2 table entries", f); break;
	case Q2_SHAPE_HEADER: fputs("a qcow2 header", f); break;
	case Q2_SHAPE_PATTERN: fprintf(f, "guest data (the byte 0x%02x repeated)", x->byte); break;
	case Q2_SHAPE_TEXT: fputs("guest data (text)", f); break;
	default: fputs("guest data (no metadata shape)", f); break;
	}
}

static bool guest_shape(uint8_t sh)
{
	return sh == Q2_SHAPE_PATTERN || sh == Q2_SHAPE_TEXT || sh == Q2_SHAPE_OTHER;
}

/* Tables whose bytes are another structure's, or guest data. */
static void diag_shapes(struct dg *d)
{
	const struct q2_image *img = d->img;
	size_t i, said = 0, more = 0;

	for (i = 0; i < d->fs->n; i++) {
		const struct q2_fact *x = &d->fs->v[i];
		const char *id;
		char *buf = NULL;
		FILE *f;

		if (x->kind != Q2_F_SHAPE)
			continue;
		if (said++ >= MAX_LINES) {
			more++;
			continue;
		}
		f = line_open(d, &buf);
		if (!f)
			return;
		switch (x->ref) {
		case Q2_R_L2:
			id = "l2.overwritten";
			put_src(f, img, x->src);
			fprintf(f, " L2 table at 0x%llx (", (unsigned long long)x->at);
			put_guest(f, x->guest, x->guest_end);
			fputs(") holds ", f);
			put_shape(f, x);
			fprintf(f, ", not L2 entries (%llu bad entr%s): ", (unsigned long long)x->at2,
				x->at2 == 1 ? "y" : "ies");
			if (x->ref2 == Q2_SHAPE_REFCOUNT)
				fputs("a refcount block was written over it", f);
			else if (guest_shape(x->ref2))
				fputs("guest data was written over it (a data cluster allocated on it)", f);
			else
				fputs("another structure was written over it", f);
			break;
		case Q2_R_L1:
			id = "l1.overwritten";
			put_src(f, img, x->src);
			fprintf(f, " L1 table at 0x%llx holds ", (unsigned long long)x->at);
			put_shape(f, x);
			fprintf(f, ", not L1 entries (%llu bad entr%s): ", (unsigned long long)x->at2,
				x->at2 == 1 ? "y" : "ies");
			fputs(guest_shape(x->ref2) ? "guest data was written over it"
						   : "another structure was written over it", f);
			break;
		default:
			id = "refblock.overwritten";
			fprintf(f, "refcount block %llu at 0x%llx holds ", (unsigned long long)x->k,
				(unsigned long long)x->at);
			put_shape(f, x);
			fprintf(f, ", not refcounts (%llu refcount%s wrong): ",
				(unsigned long long)x->at2, x->at2 == 1 ? "" : "s");
			if (x->ref2 == Q2_SHAPE_TABLE)
				fputs("an L2 table was written over it", f);
			else if (x->ref2 == Q2_SHAPE_ZERO)
				fputs("it was zeroed (or never written)", f);
			else if (guest_shape(x->ref2))
				fputs("guest data was written over it", f);
			else
				fputs("another structure was written over it", f);
			break;
		}
		add(d, id, closed(f, &buf));
	}
	if (more)
		add(d, "overwritten.more",
		    hv_asprintf("%zu more structures hold what is not theirs", more));
}

/* Is a PASTEOF fact explained by a table already said to be overwritten? */
static bool explained(const struct q2_facts *fs, const struct q2_fact *x)
{
	size_t i;

	if (!x->at)
		return false;
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].kind == Q2_F_SHAPE && fs->v[i].at == x->at)
			return true;
	return false;
}

/* References past the end of the file: a truncation (near the end) or wild entries. */
static void diag_eof(struct dg *d)
{
	const struct q2_image *img = d->img;
	const uint64_t cs = img->cluster_size, fend = HV_DIV_ROUND_UP(img->file_size, cs) * cs;
	uint64_t nrefs = 0, lo = UINT64_MAX, hi = 0, near = 0;
	size_t i, items = 0;
	char *buf = NULL, a[32], b[32];
	FILE *f;

	for (i = 0; i < d->fs->n; i++) {
		const struct q2_fact *x = &d->fs->v[i];

		if (x->kind != Q2_F_PASTEOF || explained(d->fs, x))
			continue;
		nrefs += x->n;
		lo = HV_MIN(lo, x->k << img->cluster_bits);
		hi = HV_MAX(hi, (x->kmax + 1) << img->cluster_bits);
	}
	if (!nrefs)
		return;
	/* a truncation lost the tail: what points past the end starts right at it */
	near = lo <= fend + cs;
	f = line_open(d, &buf);
	if (!f)
		return;
	if (near) {
		fprintf(f, "file truncated at 0x%llx (%s%s): %llu reference%s up to 0x%llx "
			   "(%s lost at least): ",
			(unsigned long long)img->file_size, sz(img->file_size, a, sizeof(a)),
			img->file_size % cs ? ", inside a cluster" : "", (unsigned long long)nrefs,
			nrefs == 1 ? "" : "s", (unsigned long long)hi,
			sz(hi - img->file_size, b, sizeof(b)));
	} else {
		fprintf(f, "%llu reference%s far past the end of the file (0x%llx; nearest 0x%llx): "
			   "corrupted entries, not a truncation: ",
			(unsigned long long)nrefs, nrefs == 1 ? "" : "s",
			(unsigned long long)img->file_size, (unsigned long long)lo);
	}
	for (i = 0; i < d->fs->n; i++) {
		const struct q2_fact *x = &d->fs->v[i];

		if (x->kind != Q2_F_PASTEOF || explained(d->fs, x))
			continue;
		if (items++ == MAX_ITEMS) {
			fputs("; ...", f);
			break;
		}
		if (items > 1)
			fputs("; ", f);
		put_ref(f, x->ref, x->guest, x->guest_end);
		if (x->ref == Q2_R_DATA || x->n > 1)
			fprintf(f, " (%llu %s%s)", (unsigned long long)x->n,
				x->ref == Q2_R_DATA ? "cluster" : "table", x->n == 1 ? "" : "s");
	}
	add(d, near ? "file.truncated" : "entry.wild", closed(f, &buf));
}

/* Clusters two structures both use (the named referrers of over-referenced clusters). */
static void diag_shared(struct dg *d)
{
	const struct q2_image *img = d->img;
	uint64_t over = 0, named = 0;
	size_t i, said = 0, more = 0;

	for (i = 0; i < d->fs->n; i++) {
		const struct q2_fact *x = &d->fs->v[i];

		if (x->kind == Q2_F_OVERREF)  /* refcount >= 1, so referenced twice or more */
			over += x->n;
	}
	for (i = 0; i < d->fs->n; i++) {
		const struct q2_fact *x = &d->fs->v[i];
		char *buf = NULL;
		FILE *f;

		if (x->kind != Q2_F_SHARED)
			continue;
		named += x->n;
		if (said++ >= MAX_LINES) {
			more++;
			continue;
		}
		f = line_open(d, &buf);
		if (!f)
			return;
		fputs("allocated twice: ", f);
		put_host(f, img, x->k, x->kmax);
		fputs(" is ", f);
		put_ref(f, x->ref, x->guest, x->guest_end);
		fputs(" and ", f);
		put_ref(f, x->ref2, x->guest2,
			x->guest2 == Q2_NO_GUEST ? 0 : x->guest2 + (x->guest_end - x->guest));
		if (x->ref == Q2_R_DATA && x->ref2 == Q2_R_DATA)
			fputs(": a write to either changes the other", f);
		else if (x->ref == Q2_R_DATA || x->ref2 == Q2_R_DATA)
			fputs(": guest writes there overwrite metadata", f);
		else
			fputs(": two metadata structures in one place", f);
		add(d, "cluster.shared", closed(f, &buf));
	}
	if (more || (named && over > named))
		add(d, "cluster.shared-more",
		    hv_asprintf("%llu clusters allocated twice or more, %llu of them with named "
				"referrers (%zu more runs of them not shown)",
				(unsigned long long)HV_MAX(over, named), (unsigned long long)named,
				more));
}

/* Leaked clusters: one run at the file's end, after everything referenced, is an interrupted write. */
static void diag_leaks(struct dg *d)
{
	const struct q2_image *img = d->img;
	const struct q2_facts *fs = d->fs;
	uint64_t total = 0, best_n = 0;
	const struct q2_fact *best = NULL;
	char a[32], *buf = NULL;
	size_t i, runs = 0;
	FILE *f;

	for (i = 0; i < fs->n; i++) {
		const struct q2_fact *x = &fs->v[i];

		if (x->kind != Q2_F_LEAK)
			continue;
		total += x->n;
		runs++;
		if (x->n > best_n) {
			best_n = x->n;
			best = x;
		}
	}
	/* a run of at least 2, holding most of the leaks (facts dropped: unknown) */
	if (!best || best_n < 2 || best_n * 2 < total || fs->dropped)
		return;
	f = line_open(d, &buf);
	if (!f)
		return;
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].kind == Q2_F_SHAPE && fs->v[i].ref != Q2_R_REFBLOCK)
			break;
	if (i < fs->n) {
		/* a table written over: what it mapped is referenced by nothing now */
		fprintf(f, "%llu leaked clusters, ", (unsigned long long)total);
		put_host(f, img, best->k, best->kmax);
		fprintf(f, "%s: what the overwritten table mapped, now referenced by nothing",
			total > best_n ? " and more" : "");
		add(d, "leak.orphaned", closed(f, &buf));
	} else if (best->kmax + 1 >= fs->file_clusters && best->k >= fs->last_ref) {
		fprintf(f, "interrupted write: %llu leaked clusters (%s) contiguous at the end of "
			   "the file from host 0x%llx, after the last referenced cluster (host "
			   "0x%llx): allocated, never linked into a table",
			(unsigned long long)best_n, sz(best_n * img->cluster_size, a, sizeof(a)),
			(unsigned long long)(best->k << img->cluster_bits),
			(unsigned long long)(fs->last_ref ? (fs->last_ref - 1) << img->cluster_bits : 0));
		if (total > best_n)
			fprintf(f, " (%llu more leaks elsewhere)", (unsigned long long)(total - best_n));
		add(d, "leak.tail", closed(f, &buf));
	} else {
		fprintf(f, "%llu of %llu leaked clusters in one run, ", (unsigned long long)best_n,
			(unsigned long long)total);
		put_host(f, img, best->k, best->kmax);
		fprintf(f, " (%zu run%s in all): one allocation or one table's clusters let go",
			runs, runs == 1 ? "" : "s");
		add(d, "leak.run", closed(f, &buf));
	}
}

int q2_diagnose(const struct q2_image *img, const struct q2_check_result *res,
		struct q2_diag **out)
{
	struct dg d = { .img = img, .res = res, .fs = &res->facts };

	*out = NULL;
	diag_shapes(&d);
	diag_eof(&d);
	diag_shared(&d);
	diag_leaks(&d);
	if (d.err < 0) {
		q2_diags_free(d.v, d.n);
		return d.err;
	}
	*out = d.v;
	return (int)d.n;
}

void q2_diags_free(struct q2_diag *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(d[i].text);
	free(d);
}
