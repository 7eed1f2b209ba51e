/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * q2-chain: a qcow2 image and its backing files, each opened read-only, with
 * what only a chain can get wrong (issue 16): a backing file that cannot be
 * found, a recorded format that is not the file's, a loop, a backing file
 * larger than its overlay, a layer a running QEMU holds for writing. The
 * layers' own metadata is verified by q2_check(), one layer at a time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qcow2/q2-image.h"

/* QEMU has no limit; 256 layers is far beyond any real chain, and bounds fds. */
#define Q2_MAX_CHAIN 256u

enum q2_chain_sev {
	Q2_CHAIN_INFO,
	Q2_CHAIN_WARN,
	Q2_CHAIN_FAIL,
};

struct q2_chain_finding {
	enum q2_chain_sev sev;
	const char *id;         /* "backing.missing", ...: static, see q2_chain_checks[] */
	size_t layer;           /* the layer whose backing link it is about */
	char *text;             /* owned */
};

struct q2_layer {
	char *path;             /* as opened: the top as given, backing files resolved */
	char *recorded;         /* the backing file name as the overlay records it (NULL: top) */
	const char *format;     /* "qcow2" or "raw" (as found in the file) */
	struct q2_image *img;   /* qcow2 layers */
	int fd;                 /* the layer's fd (owned by img for qcow2 layers) */
	uint64_t size;          /* virtual size (raw: file size) */
	bool locked;            /* a running QEMU holds it for writing (q2_image_locked) */
};

struct q2_chain {
	struct q2_layer *layers;  /* [0] is the top */
	size_t n;
	struct q2_chain_finding *findings;
	size_t n_findings;
};

/* The finding ids, their severity and what they mean (man page CHECKS). */
struct q2_chain_check {
	const char *id;
	enum q2_chain_sev sev;
	const char *help;
};
extern const struct q2_chain_check q2_chain_checks[];

/*
 * Follow the backing files of @top (opened from @path), which the chain takes
 * over. Returns 0 and *out (free with q2_chain_free), whatever the chain
 * holds: its problems are findings. -ENOMEM (@top is freed then).
 */
int q2_chain_new(struct q2_image *top, const char *path, struct q2_chain **out);
void q2_chain_free(struct q2_chain *ch);

/*
 * The backing file @backing of the image @image as QEMU resolves it
 * (relative names are relative to the image's directory). Caller frees;
 * NULL on ENOMEM.
 */
char *q2_full_backing(const char *image, const char *backing);
