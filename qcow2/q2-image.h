/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * q2-image: open a qcow2 image read-only and parse everything but the
 * cluster tables: header (v2/v3), header extensions, backing file name,
 * active L1 table, refcount table, snapshot table and bitmap directory.
 * Every count and length the image controls is bounded (q2-format.h) before
 * anything is allocated. Nothing here writes to the image or prints.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qcow2/q2-format.h"

/* Outcome classes of q2_image_open(), matching what qemu-img reports. */
enum q2_open_status {
	Q2_OPEN_OK = 0,
	Q2_OPEN_NOT_QCOW2 = 1,  /* not a qcow2 file at all: "unsupported format" (63) */
	Q2_OPEN_INVALID = 2,    /* qcow2 that QEMU would refuse to open (exit 1) */
};

struct q2_ext {
	uint32_t type;
	uint32_t len;
	uint64_t offset;        /* of the data, in the file */
};

struct q2_feature_name {
	uint8_t type;           /* 0 incompatible, 1 compatible, 2 autoclear */
	uint8_t bit;
	char name[47];          /* NUL-terminated copy of the 46-byte field */
};

struct q2_snapshot {
	uint64_t l1_offset;
	uint32_t l1_size;
	uint64_t vm_state_size; /* 64-bit value from the extra data when present */
	uint32_t date_sec, date_nsec;
	uint64_t vm_clock_nsec;
	uint32_t extra_size;
	uint64_t disk_size;     /* from extra data, else the image size */
	bool has_disk_size;
	uint64_t icount;        /* spec: extra data bytes 16..23, -1 when absent */
	char *id;
	char *name;
};

struct q2_bitmap {
	uint64_t table_offset;
	uint32_t table_size;    /* entries */
	uint32_t flags;
	uint8_t type, granularity_bits;
	uint16_t name_size;
	uint32_t extra_size;
	char *name;
};

struct q2_image {
	int fd;
	char *path;
	uint64_t file_size;

	/* header */
	uint32_t version;
	uint64_t backing_offset;
	uint32_t backing_size;
	uint32_t cluster_bits;
	uint64_t cluster_size;
	uint64_t size;           /* virtual size */
	uint32_t crypt_method;
	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t reftable_offset;
	uint32_t reftable_clusters;
	uint32_t nb_snapshots;
	uint64_t snapshots_offset;
	uint64_t incompat, compat, autoclear;
	uint32_t refcount_order;
	uint32_t header_length;
	uint8_t compression_type;

	/* derived */
	bool extended_l2;
	uint32_t l2_entry_size;  /* 8 or 16 */
	uint64_t l2_entries;     /* entries per L2 table */
	uint32_t refcount_bits;
	uint64_t refcount_max;
	uint32_t rb_bits;        /* log2(refcount entries per refblock) */
	uint32_t csize_shift;    /* compressed descriptor layout */
	uint64_t csize_mask;
	uint64_t coffset_mask;

	/* extensions */
	struct q2_ext *exts;
	size_t n_exts;
	char *backing_file;
	char *backing_format;
	char *data_file;
	struct q2_feature_name *features;
	size_t n_features;
	bool has_crypto_ext;
	uint64_t crypto_offset, crypto_length;
	bool has_bitmaps_ext;    /* present in the file (even if autoclear bit clear) */
	uint32_t nb_bitmaps;     /* 0 when ignored (autoclear bit clear) */
	uint64_t bitmap_dir_offset, bitmap_dir_size;

	/* tables */
	uint64_t *l1;            /* host order */
	uint64_t *reftable;      /* host order, reftable_clusters * cluster_size / 8 entries */
	uint64_t reftable_entries;
	struct q2_snapshot *snapshots; /* loaded by q2_image_load_snapshots() */
	uint32_t n_snapshots_loaded;
	uint64_t snapshots_size; /* bytes of the table as read */
	struct q2_bitmap *bitmaps; /* loaded by q2_image_load_bitmaps() */
	uint32_t n_bitmaps_loaded;
};

/*
 * Open @path O_RDONLY and parse the header, extensions, L1 and refcount table.
 * Returns 0 and *out (free with q2_image_free), or -errno. On failure
 * *status says whether the file is not qcow2 at all or an invalid qcow2, and
 * @why (size @why_len) holds QEMU's wording of the reason.
 */
int q2_image_open(const char *path, struct q2_image **out, enum q2_open_status *status,
		  char *why, size_t why_len);
/* Same, on an fd the caller owns (fuzzing, tests). The image does not close it. */
int q2_image_open_fd(int fd, const char *name, struct q2_image **out, enum q2_open_status *status,
		     char *why, size_t why_len);
void q2_image_free(struct q2_image *img);

/*
 * Read the snapshot table as qemu-img check does. Returns 0; -EFBIG/-EINVAL
 * with @why filled when the table is unreadable (a check error). Entries with
 * problems that QEMU counts as corruptions are counted in *corruptions.
 */
int q2_image_load_snapshots(struct q2_image *img, uint64_t *corruptions, char *why,
			    size_t why_len);
/*
 * Read the bitmap directory. Returns 0, or -EINVAL with @why when the
 * directory is invalid (QEMU then refuses the image).
 */
int q2_image_load_bitmaps(struct q2_image *img, char *why, size_t why_len);
/*
 * Read bitmap @bm's table (table_size big-endian entries) into *tab (caller
 * frees). 0, -EINVAL when an entry is invalid as QEMU's check_table_entry()
 * sees it (reserved bits, or an offset that is not cluster aligned or carries
 * the all-ones flag; *tab is freed and NULL then), or -errno.
 */
int q2_bitmap_table_read(struct q2_image *img, const struct q2_bitmap *bm, uint8_t **tab);

/* Read @len bytes at @off; bytes past the end of the file read as zeros (as QEMU). 0 or -errno. */
int q2_pread(const struct q2_image *img, void *buf, size_t len, uint64_t off);

/* The LUKS1 header of an encrypted image (not encrypted itself; no key needed). */
struct q2_luks {
	char cipher_name[33], cipher_mode[33], hash_spec[33], uuid[41];
	uint16_t version;
	uint32_t payload_offset;  /* sectors */
	uint32_t key_bytes;
	uint32_t mk_iters;
	struct {
		bool active;
		uint32_t iters, key_offset, stripes;  /* key_offset in sectors */
	} slots[8];
};
/*
 * Read the LUKS header the encryption header extension points to.
 * Returns 0, or -ENOENT (no LUKS header extension), -EINVAL (bad magic), -errno.
 */
int q2_image_read_luks(const struct q2_image *img, struct q2_luks *out);

/* Name of a feature bit (@type 0/1/2), from the image's table or the spec; NULL if unknown. */
const char *q2_feature_name(const struct q2_image *img, int type, int bit);
/* Does the image use an external data file? */
static inline bool q2_has_data_file(const struct q2_image *img)
{
	return img->incompat & Q2_INCOMPAT_DATA_FILE;
}
