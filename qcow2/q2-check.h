/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * q2-check: verify a qcow2 image the way `qemu-img check` does (same counts,
 * same meaning), read-only, plus warnings for problems qemu-img does not count.
 * Reads metadata in large coalesced batches and keeps the computed refcounts
 * by chunks of host clusters, one byte for a uniform chunk (q2-check.c says
 * how memory grows).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qcow2/q2-diag.h"
#include "qcow2/q2-image.h"

enum q2_msg_kind {
	Q2_MSG_CORRUPTION,
	Q2_MSG_LEAK,
	Q2_MSG_CHECK_ERROR,
	Q2_MSG_WARNING,
	Q2_MSG_KINDS,
};

struct q2_msg {
	enum q2_msg_kind kind;
	char *text;             /* owned by the result; ends with " (N times)" when N > 1 */
	uint64_t times;         /* occurrences it stands for (a shared table walked once) */
};

/* Progress callback: @done of @total units of work (metadata clusters). */
typedef void (*q2_progress_fn)(void *data, uint64_t done, uint64_t total);

struct q2_check_opts {
	bool deep;              /* also decompress every compressed cluster */
	unsigned max_msgs;      /* per kind kept in the result; 0 = 100 */
	bool plan;              /* predict the COPIED flags -r all rewrites (plan_copied_after):
				 * may walk the L2 tables a second time when refcounts are wrong */
	q2_progress_fn progress;
	void *progress_data;
};

/* Counters carry qemu-img check's meaning (BdrvCheckResult + BlockFragInfo). */
struct q2_check_result {
	int64_t check_errors;
	int64_t corruptions;
	int64_t leaks;
	int64_t warnings;       /* vhv only: never folded into the counts above */
	int64_t deep_failures;  /* compressed clusters that failed to decompress (in corruptions) */
	uint64_t image_end_offset;
	uint64_t total_clusters;
	uint64_t allocated_clusters;
	uint64_t fragmented_clusters;
	uint64_t compressed_clusters;
	/* what `qemu-img check -r` would write (qcow2-refcount.c compare_refcounts,
	 * check_refblocks, check_oflag_copied): -r leaks lowers the refcount of each
	 * leaked cluster, freeing those nothing references; -r all also raises each
	 * refcount lower than its references. A cluster in use with refcount 0, or a
	 * broken refcount block, makes qemu rebuild the whole refcount structure
	 * instead (-r all), and fail (-r leaks). COPIED flags that disagree with the
	 * refcounts are rewritten after those are repaired (-r all). */
	uint64_t plan_freed;
	uint64_t plan_raised;
	uint64_t plan_rebuild;  /* causes of a rebuild */
	uint64_t plan_copied;   /* flags that disagree with today's refcounts */
	uint64_t plan_copied_after; /* with opts.plan: flags that disagree with the repaired
				     * refcounts, i.e. that -r all rewrites */
	bool plan_copied_exact; /* false: too many wrong refcounts to follow them all */
	/* -errno when the check could not complete (qemu-img: "Check failed: ...") */
	int fatal;
	struct q2_msg *msgs;
	size_t n_msgs;
	uint64_t dropped[Q2_MSG_KINDS]; /* messages not kept (over max_msgs) */
	struct q2_facts facts;  /* what the problems are, for q2_diagnose() (bounded) */
};

/*
 * Run the check. Returns 0 when the check ran to the end (problems are in
 * @res), or -errno when it could not (also stored in res->fatal; @res holds
 * what was found so far). Release @res with q2_check_result_release().
 */
int q2_check(struct q2_image *img, const struct q2_check_opts *opts, struct q2_check_result *res);
void q2_check_result_release(struct q2_check_result *res);

/*
 * Is the image in use by another process (QEMU's OFD byte locks, as qemu-img
 * detects them)? Returns 1 (locked: a writer holds it), 0, or -errno.
 */
int q2_image_locked(int fd);

/*
 * Decompress one compressed cluster (@type Q2_COMP_ZLIB raw deflate, or
 * Q2_COMP_ZSTD) of @src_len bytes into exactly @dst_len bytes.
 * Returns 0 or -EIO when the data is not a valid stream filling the cluster.
 */
int q2_decompress(int type, const void *src, size_t src_len, void *dst, size_t dst_len);
