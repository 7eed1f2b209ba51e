/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * q2-diag: what happened to a damaged image, from the shape of the damage.
 * The checker (q2-check.c) records compact facts where it reports a problem
 * (which cluster, who references it, for which guest range); this module
 * merges them into runs, bounded in memory however large the damage, and
 * turns them into diagnoses: a table overwritten by another structure or by
 * guest data (recognised from the bytes the check read anyway), a truncated
 * file and where its tail went, clusters allocated twice and which two
 * structures share them, leaks at the end of the file (an interrupted write).
 * Nothing here reads the image.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct q2_image;
struct q2_check_result;

/* What a fact says about a cluster or an entry. */
enum q2_fact_kind {
	Q2_F_OVERREF,   /* referenced more often than its refcount (> 0) says */
	Q2_F_REFZERO,   /* referenced, refcount 0 */
	Q2_F_LEAK,      /* refcount > 0, referenced by nothing */
	Q2_F_LEAKPART,  /* refcount higher than its references (> 0) */
	Q2_F_PASTEOF,   /* a reference one cluster or more past the end of the file */
	Q2_F_BADENTRY,  /* an L1/L2/refcount table entry that cannot be valid */
	Q2_F_SHARED,    /* an over-referenced cluster and two of its referrers */
	Q2_F_SHAPE,     /* a damaged structure whose bytes look like something else */
	Q2_F_KINDS,
};

/* Who references a cluster (the structure holding the pointer, or the structure itself). */
enum q2_ref_kind {
	Q2_R_NONE,
	Q2_R_HEADER,
	Q2_R_L1,        /* an L1 table (the structure), or an L1 entry */
	Q2_R_L2,        /* an L2 table, referenced from an L1 entry */
	Q2_R_DATA,      /* a guest data cluster, referenced from an L2 entry */
	Q2_R_REFT,      /* the refcount table */
	Q2_R_REFBLOCK,  /* a refcount block */
	Q2_R_SNAPTAB,   /* the snapshot table */
	Q2_R_BITMAP,    /* bitmap directory, tables and data */
	Q2_R_CRYPTO,    /* the encryption header */
	Q2_R_KINDS,
};

/* What the bytes of a structure look like (q2_shape_of). */
enum q2_shape {
	Q2_SHAPE_OTHER,     /* guest data, no known structure */
	Q2_SHAPE_ZERO,
	Q2_SHAPE_PATTERN,   /* one byte value repeated */
	Q2_SHAPE_TEXT,      /* printable text */
	Q2_SHAPE_HEADER,    /* a qcow2 header (magic) */
	Q2_SHAPE_REFCOUNT,  /* small refcounts of the image's width */
	Q2_SHAPE_TABLE,     /* L1/L2 entries mapping clusters inside the file */
	Q2_SHAPE_KINDS,
};

#define Q2_NO_GUEST UINT64_MAX
#define Q2_SRC_ACTIVE UINT32_MAX

/*
 * One fact, or a run of them: @n clusters/entries with the same kind, the
 * same referrer and contiguous guest ranges (or contiguous host clusters,
 * without a guest range). At most Q2_MAX_FACTS runs are kept (about 350 KiB).
 */
struct q2_fact {
	uint8_t kind;           /* enum q2_fact_kind */
	uint8_t ref;            /* enum q2_ref_kind: who references (SHAPE: the damaged structure) */
	uint8_t ref2;           /* SHARED: the second referrer's kind; SHAPE: enum q2_shape */
	uint8_t byte;           /* SHAPE: the first byte of the damaged structure */
	uint32_t src;           /* Q2_SRC_ACTIVE or the snapshot index of the referrer */
	uint64_t k, kmax;       /* lowest and highest host cluster of the run (SHAPE: index) */
	uint64_t n;             /* clusters or entries in the run */
	uint64_t at;            /* the table holding the reference (its file offset), or 0 */
	uint64_t guest;         /* guest range [guest, guest_end) of the run, or Q2_NO_GUEST */
	uint64_t guest_end;
	uint64_t guest2;        /* SHARED: the second referrer's guest start (same length) */
	uint64_t at2;           /* SHARED: the second referrer's table; SHAPE: problems found in it */
};

#define Q2_MAX_FACTS 4096u

struct q2_facts {
	struct q2_fact *v;
	size_t n, cap;
	uint64_t dropped;       /* facts not kept (over Q2_MAX_FACTS runs or no memory) */
	uint64_t last_ref;      /* highest host cluster something references, + 1 (0: none) */
	uint64_t file_clusters; /* clusters the file holds (the last one maybe partly) */
};

/*
 * Record @f (f->n occurrences), extending the last run when it continues it.
 * Bounded: past Q2_MAX_FACTS runs only f->n is added to dropped. Never fails.
 */
void q2_fact_add(struct q2_facts *fs, const struct q2_fact *f);
void q2_facts_release(struct q2_facts *fs);

/* What @len bytes of a cluster of @img look like. */
enum q2_shape q2_shape_of(const struct q2_image *img, const uint8_t *buf, size_t len);

/*
 * Record that the structure @ref at @at (index @idx, guest range from
 * @guest), in which the check found @bad problems, holds @len bytes @buf:
 * a SHAPE fact, unless the bytes have the structure's own shape.
 */
void q2_fact_shape(struct q2_facts *fs, const struct q2_image *img, enum q2_ref_kind ref,
		   uint32_t src, uint64_t at, uint64_t idx, uint64_t guest, uint64_t guest_end,
		   uint64_t bad, const uint8_t *buf, size_t len);

/* One diagnosis: a stable id ("l2.overwritten", ...) and one line of text with its evidence. */
struct q2_diag {
	const char *id;         /* static */
	char *text;             /* owned by the array (q2_diags_free) */
};

/*
 * Diagnose @res (a finished check of @img) from its facts. Returns how many
 * diagnoses are in *@out (0 for a clean image, *@out NULL), or -ENOMEM.
 * Free with q2_diags_free().
 */
int q2_diagnose(const struct q2_image *img, const struct q2_check_result *res,
		struct q2_diag **out);
void q2_diags_free(struct q2_diag *d, size_t n);
