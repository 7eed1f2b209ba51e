// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-image: parse a qcow2 image's header, extensions and top-level tables.
 * The order of the validations and their wording follow what QEMU's driver
 * refuses at open time (block/qcow2.c qcow2_do_open), so vhv-qcow2 fails on
 * exactly the images qemu-img check cannot open. Read-only, never prints.
 */
#include "qcow2/q2-image.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

static void why_set(char *why, size_t len, const char *fmt, ...) HV_PRINTF(3, 4);
static void why_set(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

int q2_pread(const struct q2_image *img, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	size_t done = 0;

	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return -EINVAL;
	while (done < len) {
		ssize_t n = pread(img->fd, p + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	/* QEMU's file driver pads reads past the end of the file with zeros. */
	if (done < len)
		memset(p + done, 0, len - done);
	return 0;
}

static const char *const spec_feature_names[3][8] = {
	{ "dirty bit", "corrupt bit", "external data file", "compression type", "extended L2 entries" },
	{ "lazy refcounts" },
	{ "bitmaps", "raw external data" },
};

const char *q2_feature_name(const struct q2_image *img, int type, int bit)
{
	size_t i;

	if (img) {
		for (i = 0; i < img->n_features; i++)
			if (img->features[i].type == type && img->features[i].bit == bit)
				return img->features[i].name;
	}
	if (type >= 0 && type < 3 && bit >= 0 && bit < 8)
		return spec_feature_names[type][bit];
	return NULL;
}

void q2_image_free(struct q2_image *img)
{
	uint32_t i;

	if (!img)
		return;
	if (img->fd >= 0 && img->path)
		close(img->fd);
	free(img->path);
	free(img->exts);
	free(img->backing_file);
	free(img->backing_format);
	free(img->data_file);
	free(img->features);
	free(img->l1);
	free(img->reftable);
	for (i = 0; i < img->n_snapshots_loaded; i++) {
		free(img->snapshots[i].id);
		free(img->snapshots[i].name);
	}
	free(img->snapshots);
	for (i = 0; i < img->n_bitmaps_loaded; i++)
		free(img->bitmaps[i].name);
	free(img->bitmaps);
	free(img);
}

/* qcow2_validate_table(): count bound, overflow, alignment. */
static int validate_table(const struct q2_image *img, uint64_t offset, uint64_t entries,
			  uint64_t entry_len, uint64_t max_bytes, const char *what, char *why,
			  size_t why_len)
{
	uint64_t size;

	if (entries > max_bytes / entry_len) {
		why_set(why, why_len, "%s too large", what);
		return -EFBIG;
	}
	size = entries * entry_len;
	if ((uint64_t)INT64_MAX - size < offset || (offset & (img->cluster_size - 1))) {
		why_set(why, why_len, "%s offset invalid", what);
		return -EINVAL;
	}
	return 0;
}

static int read_extensions(struct q2_image *img, uint64_t start, uint64_t end, char *why,
			   size_t why_len)
{
	uint64_t off = start;
	uint8_t hdr[8];
	int rc;

	while (off < end) {
		uint32_t type, len;
		struct q2_ext *e;

		rc = q2_pread(img, hdr, sizeof(hdr), off);
		if (rc < 0) {
			why_set(why, why_len, "qcow2_read_extension: ERROR: pread fail from offset %llu",
				(unsigned long long)off);
			return rc;
		}
		type = q2_be32(hdr);
		len = q2_be32(hdr + 4);
		off += 8;
		if (off > end || len > end - off) {
			why_set(why, why_len, "Header extension too large");
			return -EINVAL;
		}
		if (type == Q2_EXT_END)
			return 0;
		/* bounded: at most end/8 extensions fit before end (end <= 2 MiB) */
		e = realloc(img->exts, (img->n_exts + 1) * sizeof(*e));
		if (!e)
			return -ENOMEM;
		img->exts = e;
		e = &img->exts[img->n_exts++];
		e->type = type;
		e->len = len;
		e->offset = off;

		switch (type) {
		case Q2_EXT_BACKING_FORMAT:
			if (len >= 16) {
				why_set(why, why_len, "ERROR: ext_backing_format: len=%u too large (>=16)", len);
				return -EINVAL;
			}
			free(img->backing_format);
			img->backing_format = calloc(1, len + 1);
			if (!img->backing_format)
				return -ENOMEM;
			rc = q2_pread(img, img->backing_format, len, off);
			if (rc < 0)
				return rc;
			break;
		case Q2_EXT_FEATURE_TABLE: {
			size_t n = len / 48, i;
			uint8_t ent[48];

			free(img->features);
			img->n_features = 0;
			img->features = calloc(n ? n : 1, sizeof(*img->features));
			if (!img->features)
				return -ENOMEM;
			for (i = 0; i < n; i++) {
				rc = q2_pread(img, ent, sizeof(ent), off + i * 48);
				if (rc < 0)
					return rc;
				img->features[i].type = ent[0];
				img->features[i].bit = ent[1];
				memcpy(img->features[i].name, ent + 2, 46);
				img->features[i].name[46] = '\0';
			}
			img->n_features = n;
			break;
		}
		case Q2_EXT_CRYPTO: {
			uint8_t b[16];

			if (img->crypt_method != Q2_CRYPT_LUKS) {
				why_set(why, why_len,
					"CRYPTO header extension only expected with LUKS encryption method");
				return -EINVAL;
			}
			if (len != 16) {
				why_set(why, why_len,
					"CRYPTO header extension size %u, but expected size 16", len);
				return -EINVAL;
			}
			rc = q2_pread(img, b, 16, off);
			if (rc < 0)
				return rc;
			img->has_crypto_ext = true;
			img->crypto_offset = q2_be64(b);
			img->crypto_length = q2_be64(b + 8);
			break;
		}
		case Q2_EXT_BITMAPS: {
			uint8_t b[24];
			uint32_t nb;
			uint64_t dsize, doff;

			if (len != 24) {
				why_set(why, why_len, "bitmaps_ext: Invalid extension length");
				return -EINVAL;
			}
			img->has_bitmaps_ext = true;
			/* spec: without the autoclear bit the bitmaps are stale and ignored */
			if (!(img->autoclear & Q2_AUTOCLEAR_BITMAPS))
				break;
			rc = q2_pread(img, b, 24, off);
			if (rc < 0)
				return rc;
			nb = q2_be32(b);
			dsize = q2_be64(b + 8);
			doff = q2_be64(b + 16);
			if (q2_be32(b + 4)) {
				why_set(why, why_len, "bitmaps_ext: Reserved field is not zero");
				return -EINVAL;
			}
			if (nb > Q2_MAX_BITMAPS) {
				why_set(why, why_len,
					"bitmaps_ext: Image has %u bitmaps, exceeding the QEMU supported maximum of %u",
					nb, Q2_MAX_BITMAPS);
				return -EINVAL;
			}
			if (nb == 0) {
				why_set(why, why_len, "found bitmaps extension with zero bitmaps");
				return -EINVAL;
			}
			if (doff & (img->cluster_size - 1)) {
				why_set(why, why_len, "bitmaps_ext: invalid bitmap directory offset");
				return -EINVAL;
			}
			if (dsize > Q2_MAX_BITMAP_DIR_BYTES) {
				why_set(why, why_len,
					"bitmaps_ext: bitmap directory size (%llu) exceeds the maximum supported size (%u)",
					(unsigned long long)dsize, Q2_MAX_BITMAP_DIR_BYTES);
				return -EINVAL;
			}
			img->nb_bitmaps = nb;
			img->bitmap_dir_size = dsize;
			img->bitmap_dir_offset = doff;
			break;
		}
		case Q2_EXT_DATA_FILE:
			free(img->data_file);
			img->data_file = calloc(1, (size_t)len + 1); /* len < end <= 2 MiB */
			if (!img->data_file)
				return -ENOMEM;
			rc = q2_pread(img, img->data_file, len, off);
			if (rc < 0)
				return rc;
			break;
		default:
			break;
		}
		off += ((uint64_t)len + 7) & ~7ull;
	}
	return 0;
}

static void unsupported_features(const struct q2_image *img, uint64_t bits, char *why,
				 size_t why_len)
{
	char buf[512] = "";
	size_t used = 0;
	int bit;

	for (bit = 0; bit < 64; bit++) {
		const char *name = NULL;
		char tmp[64];
		size_t i;

		if (!(bits & (1ull << bit)))
			continue;
		for (i = 0; i < img->n_features; i++)
			if (img->features[i].type == 0 && img->features[i].bit == bit)
				name = img->features[i].name;
		if (!name) {
			snprintf(tmp, sizeof(tmp), "Unknown incompatible feature: %llx",
				 1ull << bit);
			name = tmp;
		}
		used += (size_t)snprintf(buf + used, used < sizeof(buf) ? sizeof(buf) - used : 0,
					 "%s%s", used ? ", " : "", name);
		if (used >= sizeof(buf))
			break;
	}
	why_set(why, why_len, "Unsupported qcow2 feature(s): %s", buf);
}

static int parse(struct q2_image *img, enum q2_open_status *status, char *why, size_t why_len)
{
	uint8_t h[Q2_HDR_STRUCT_LEN];
	uint64_t ext_end, l1_vm_state_index, entries_per_l1e;
	int rc;

	rc = q2_pread(img, h, sizeof(h), 0);
	if (rc < 0) {
		why_set(why, why_len, "Could not read qcow2 header: %s", strerror(-rc));
		return rc;
	}
	/* Probing (qcow2_probe): magic and version >= 2, else another format. */
	if (img->file_size < 4 || q2_be32(h) != Q2_MAGIC || q2_be32(h + 4) < 2) {
		*status = Q2_OPEN_NOT_QCOW2;
		why_set(why, why_len, "Image is not in qcow2 format");
		return -EPROTONOSUPPORT;
	}
	*status = Q2_OPEN_INVALID;
	img->version = q2_be32(h + 4);
	img->backing_offset = q2_be64(h + 8);
	img->backing_size = q2_be32(h + 16);
	img->cluster_bits = q2_be32(h + 20);
	img->size = q2_be64(h + 24);
	img->crypt_method = q2_be32(h + 32);
	img->l1_size = q2_be32(h + 36);
	img->l1_offset = q2_be64(h + 40);
	img->reftable_offset = q2_be64(h + 48);
	img->reftable_clusters = q2_be32(h + 56);
	img->nb_snapshots = q2_be32(h + 60);
	img->snapshots_offset = q2_be64(h + 64);

	if (img->version > 3) {
		why_set(why, why_len, "Unsupported qcow2 version %u", img->version);
		return -ENOTSUP;
	}
	if (img->cluster_bits < Q2_MIN_CLUSTER_BITS || img->cluster_bits > Q2_MAX_CLUSTER_BITS) {
		why_set(why, why_len, "Unsupported cluster size: 2^%u", img->cluster_bits);
		return -EINVAL;
	}
	img->cluster_size = 1ull << img->cluster_bits;
	if (img->version == 2) {
		img->incompat = img->compat = img->autoclear = 0;
		img->refcount_order = 4;
		img->header_length = Q2_HDR_V2_LEN;
	} else {
		img->incompat = q2_be64(h + 72);
		img->compat = q2_be64(h + 80);
		img->autoclear = q2_be64(h + 88);
		img->refcount_order = q2_be32(h + 96);
		img->header_length = q2_be32(h + 100);
		if (img->header_length < Q2_HDR_V3_MIN) {
			why_set(why, why_len, "qcow2 header too short");
			return -EINVAL;
		}
	}
	if (img->header_length > img->cluster_size) {
		why_set(why, why_len, "qcow2 header exceeds cluster size");
		return -EINVAL;
	}
	img->compression_type = img->header_length > 104 ? h[104] : Q2_COMP_ZLIB;
	if (img->backing_offset > img->cluster_size) {
		why_set(why, why_len, "Invalid backing file offset");
		return -EINVAL;
	}
	ext_end = img->backing_offset ? img->backing_offset : img->cluster_size;

	rc = read_extensions(img, img->header_length, ext_end, why, why_len);
	if (rc < 0)
		return rc;
	if (img->incompat & ~Q2_INCOMPAT_MASK) {
		unsupported_features(img, img->incompat & ~Q2_INCOMPAT_MASK, why, why_len);
		return -ENOTSUP;
	}
	if (img->refcount_order > 6) {
		why_set(why, why_len,
			"Reference count entry width too large; may not exceed 64 bits");
		return -EINVAL;
	}
	img->refcount_bits = 1u << img->refcount_order;
	img->refcount_max = img->refcount_bits == 64 ? UINT64_MAX
						     : (1ull << img->refcount_bits) - 1;
	/* refblock: cluster_size * 8 / refcount_bits entries */
	img->rb_bits = img->cluster_bits + 3 - img->refcount_order;

	if (img->crypt_method > Q2_CRYPT_LUKS) {
		why_set(why, why_len, "Unsupported encryption method: %u", img->crypt_method);
		return -EINVAL;
	}
	if (img->compression_type > Q2_COMP_ZSTD) {
		why_set(why, why_len, "qcow2: unknown compression type: %u", img->compression_type);
		return -ENOTSUP;
	}
	if (img->compression_type != Q2_COMP_ZLIB && !(img->incompat & Q2_INCOMPAT_COMPRESSION)) {
		why_set(why, why_len,
			"qcow2: Compression type incompatible feature bit must not be unset");
		return -EINVAL;
	}
	if (img->compression_type == Q2_COMP_ZLIB && (img->incompat & Q2_INCOMPAT_COMPRESSION)) {
		why_set(why, why_len, "qcow2: Compression type incompatible feature bit must not be set");
		return -EINVAL;
	}
	img->extended_l2 = img->incompat & Q2_INCOMPAT_EXTL2;
	if (img->extended_l2 && img->cluster_bits < 14) {
		why_set(why, why_len, "The cluster size must be at least 16 KiB with extended L2");
		return -EINVAL;
	}
	img->l2_entry_size = img->extended_l2 ? 16 : 8;
	img->l2_entries = img->cluster_size / img->l2_entry_size;
	/* spec: compressed descriptor x = 62 - (cluster_bits - 8) */
	img->csize_shift = 62 - (img->cluster_bits - 8);
	img->csize_mask = (1ull << (img->cluster_bits - 8)) - 1;
	img->coffset_mask = (1ull << img->csize_shift) - 1;

	/* refcount table */
	if ((uint64_t)img->reftable_clusters > Q2_MAX_REFTABLE_BYTES / img->cluster_size) {
		why_set(why, why_len, "Reference count table too large");
		return -EINVAL;
	}
	rc = validate_table(img, img->reftable_offset, img->reftable_clusters, img->cluster_size,
			    Q2_MAX_REFTABLE_BYTES, "Reference count table", why, why_len);
	if (rc < 0)
		return rc;

	/* active L1 */
	rc = validate_table(img, img->l1_offset, img->l1_size, 8, Q2_MAX_L1_BYTES,
			    "Active L1 table", why, why_len);
	if (rc < 0)
		return rc;
	entries_per_l1e = img->l2_entries << img->cluster_bits;
	l1_vm_state_index = img->size / entries_per_l1e + !!(img->size % entries_per_l1e);
	if (l1_vm_state_index > INT_MAX) {
		why_set(why, why_len, "Image is too big");
		return -EFBIG;
	}
	if (img->l1_size < l1_vm_state_index) {
		why_set(why, why_len, "L1 table is too small");
		return -EINVAL;
	}
	if (img->l1_size) {
		uint8_t *raw;
		uint32_t i;

		img->l1 = malloc((size_t)img->l1_size * 8); /* <= 32 MiB, checked above */
		if (!img->l1)
			return -ENOMEM;
		raw = (uint8_t *)img->l1;
		rc = q2_pread(img, raw, (size_t)img->l1_size * 8, img->l1_offset);
		if (rc < 0) {
			why_set(why, why_len, "Could not read L1 table: %s", strerror(-rc));
			return rc;
		}
		for (i = 0; i < img->l1_size; i++)
			img->l1[i] = q2_be64(raw + (size_t)i * 8);
	}
	img->reftable_entries = (uint64_t)img->reftable_clusters * img->cluster_size / 8;
	if (img->reftable_entries) {
		uint8_t *raw;
		uint64_t i;

		img->reftable = malloc(img->reftable_entries * 8); /* <= 8 MiB */
		if (!img->reftable)
			return -ENOMEM;
		raw = (uint8_t *)img->reftable;
		rc = q2_pread(img, raw, img->reftable_entries * 8, img->reftable_offset);
		if (rc < 0)
			return rc;
		for (i = 0; i < img->reftable_entries; i++)
			img->reftable[i] = q2_be64(raw + i * 8);
	}

	/* qcow2_do_open(): the external data file flags must be consistent */
	if ((img->incompat & Q2_INCOMPAT_DATA_FILE) && !img->data_file) {
		why_set(why, why_len, "'data-file' is required for this image");
		return -EINVAL;
	}
	if ((img->autoclear & Q2_AUTOCLEAR_DATA_FILE_RAW) && !(img->incompat & Q2_INCOMPAT_DATA_FILE)) {
		why_set(why, why_len, "data-file-raw requires a data file");
		return -EINVAL;
	}

	/* backing file name */
	if (img->backing_offset) {
		uint64_t len = img->backing_size;

		if (len > HV_MIN((uint64_t)Q2_MAX_BACKING_NAME, img->cluster_size - img->backing_offset)) {
			why_set(why, why_len, "Backing file name too long");
			return -EINVAL;
		}
		img->backing_file = calloc(1, len + 1);
		if (!img->backing_file)
			return -ENOMEM;
		rc = q2_pread(img, img->backing_file, len, img->backing_offset);
		if (rc < 0)
			return rc;
	}
	*status = Q2_OPEN_OK;
	return 0;
}

static const char *file_type(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a file";
}

int q2_image_open_fd(int fd, const char *name, struct q2_image **out,
		     enum q2_open_status *status, char *why, size_t why_len)
{
	struct q2_image *img;
	struct stat st;
	enum q2_open_status dummy;
	int rc;

	if (!status)
		status = &dummy;
	*status = Q2_OPEN_INVALID;
	*out = NULL;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		why_set(why, why_len, "%s", strerror(-rc));
		return rc;
	}
	/* a FIFO, a terminal or a directory is no image: refuse before any read,
	 * which could block forever (issue 17) or never end (/dev/zero) */
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		why_set(why, why_len, "Could not open '%s': not a regular file or block device (%s)",
			name ? name : "image", file_type(st.st_mode));
		return -EINVAL;
	}
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->fd = fd;
	if (S_ISBLK(st.st_mode)) {
		uint64_t sz = 0;

		if (ioctl(fd, BLKGETSIZE64, &sz) < 0) {
			rc = -errno;
			free(img);
			return rc;
		}
		img->file_size = sz;
	} else {
		img->file_size = (uint64_t)st.st_size;
	}
	rc = parse(img, status, why, why_len);
	if (rc < 0) {
		q2_image_free(img);
		return rc;
	}
	*out = img;
	return 0;
}

int q2_image_open(const char *path, struct q2_image **out, enum q2_open_status *status,
		  char *why, size_t why_len)
{
	int fd, rc;

	*out = NULL;
	if (status)
		*status = Q2_OPEN_INVALID;
	/* O_RDONLY only: verification never writes (and needs no write permission).
	 * O_NONBLOCK: opening a FIFO must not wait for a writer; the type is
	 * checked (q2_image_open_fd) before anything is read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		why_set(why, why_len, "Could not open '%s': %s", path, strerror(-rc));
		return rc;
	}
	rc = fcntl(fd, F_GETFL);
	if (rc < 0 || fcntl(fd, F_SETFL, rc & ~O_NONBLOCK) < 0) {
		rc = -errno;
		why_set(why, why_len, "Could not open '%s': %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	rc = q2_image_open_fd(fd, path, out, status, why, why_len);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	(*out)->path = strdup(path);
	if (!(*out)->path) {
		q2_image_free(*out);
		*out = NULL;
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

/*
 * A read-ahead window for sequential small reads (the snapshot table: four
 * reads per entry, 65536 entries at most), so that a table costs a few dozen
 * preads, not a quarter million.
 */
struct ra {
	uint8_t buf[64 * 1024];
	uint64_t start;
	size_t len;
};

static int ra_read(const struct q2_image *img, struct ra *ra, void *dst, size_t len, uint64_t off)
{
	int rc;

	if (len > sizeof(ra->buf))
		return q2_pread(img, dst, len, off);
	if (off < ra->start || off + len > ra->start + ra->len) {
		rc = q2_pread(img, ra->buf, sizeof(ra->buf), off);
		if (rc < 0) {
			ra->len = 0;
			return rc;
		}
		ra->start = off;
		ra->len = sizeof(ra->buf);
	}
	memcpy(dst, ra->buf + (off - ra->start), len);
	return 0;
}

int q2_image_load_snapshots(struct q2_image *img, uint64_t *corruptions, char *why,
			    size_t why_len)
{
	uint64_t off, table_len = 0;
	struct ra *ra;
	uint32_t i, n = img->nb_snapshots;
	int rc;

	if (n > Q2_MAX_SNAPSHOTS) {
		why_set(why, why_len, "snapshot table too large");
		return -EFBIG;
	}
	rc = validate_table(img, img->snapshots_offset, n, Q2_SNAPSHOT_HDR_LEN,
			    (uint64_t)Q2_SNAPSHOT_HDR_LEN * Q2_MAX_SNAPSHOTS, "snapshot table", why,
			    why_len);
	if (rc < 0)
		return rc;
	if (!n)
		return 0;
	img->snapshots = calloc(n, sizeof(*img->snapshots)); /* n <= 65536 */
	ra = calloc(1, sizeof(*ra));
	if (!img->snapshots || !ra) {
		free(img->snapshots);
		img->snapshots = NULL;
		free(ra);
		return -ENOMEM;
	}
	off = img->snapshots_offset;
	for (i = 0; i < n; i++) {
		struct q2_snapshot *sn = &img->snapshots[i];
		uint8_t h[Q2_SNAPSHOT_HDR_LEN], extra[24] = { 0 };
		uint32_t id_len, name_len, known;

		table_len = (table_len + 7) & ~7ull;
		off = (off + 7) & ~7ull;
		rc = ra_read(img, ra, h, sizeof(h), off);
		if (rc < 0)
			goto fail_io;
		off += sizeof(h);
		sn->l1_offset = q2_be64(h);
		sn->l1_size = q2_be32(h + 8);
		id_len = q2_be16(h + 12);
		name_len = q2_be16(h + 14);
		sn->date_sec = q2_be32(h + 16);
		sn->date_nsec = q2_be32(h + 20);
		sn->vm_clock_nsec = q2_be64(h + 24);
		sn->vm_state_size = q2_be32(h + 32);
		sn->extra_size = q2_be32(h + 36);
		sn->icount = UINT64_MAX;
		if (sn->extra_size > Q2_MAX_SNAPSHOT_EXTRA) {
			why_set(why, why_len,
				"failed to read the snapshot table: Too much extra metadata in snapshot table entry %u",
				i);
			rc = -EFBIG;
			goto fail;
		}
		known = HV_MIN(sn->extra_size, (uint32_t)sizeof(extra));
		rc = ra_read(img, ra, extra, known, off);
		if (rc < 0)
			goto fail_io;
		if (sn->extra_size >= 8)
			sn->vm_state_size = q2_be64(extra);
		if (sn->extra_size >= 16) {
			sn->disk_size = q2_be64(extra + 8);
			sn->has_disk_size = true;
		} else {
			sn->disk_size = img->size;
		}
		if (sn->extra_size >= 24)
			sn->icount = q2_be64(extra + 16);
		off += sn->extra_size;
		sn->id = calloc(1, id_len + 1);
		sn->name = calloc(1, name_len + 1);
		img->n_snapshots_loaded = i + 1;
		if (!sn->id || !sn->name) {
			rc = -ENOMEM;
			goto fail;
		}
		rc = ra_read(img, ra, sn->id, id_len, off);
		if (rc < 0)
			goto fail_io;
		off += id_len;
		rc = ra_read(img, ra, sn->name, name_len, off);
		if (rc < 0)
			goto fail_io;
		off += name_len;
		table_len += Q2_SNAPSHOT_HDR_LEN + sn->extra_size + id_len + name_len;
		if (table_len > Q2_MAX_SNAPSHOTS_BYTES || off - img->snapshots_offset > INT_MAX) {
			why_set(why, why_len,
				"failed to read the snapshot table: Snapshot table is too big");
			rc = -EFBIG;
			goto fail;
		}
	}
	img->snapshots_size = off - img->snapshots_offset;
	/* qcow2-snapshot.c: v3 entries need the 16 bytes of known extra data */
	if (img->version >= 3 && corruptions)
		for (i = 0; i < n; i++)
			if (img->snapshots[i].extra_size < 16)
				(*corruptions)++;
	free(ra);
	return 0;

fail_io:
	why_set(why, why_len, "failed to read the snapshot table: Failed to read snapshot table: %s",
		strerror(-rc));
fail:
	free(ra);
	for (i = 0; i < img->n_snapshots_loaded; i++) {
		free(img->snapshots[i].id);
		free(img->snapshots[i].name);
	}
	free(img->snapshots);
	img->snapshots = NULL;
	img->n_snapshots_loaded = 0;
	return rc;
}

int q2_bitmap_table_read(struct q2_image *img, const struct q2_bitmap *bm, uint8_t **tab)
{
	uint8_t *t = malloc((size_t)bm->table_size * 8 + 1); /* <= 8 MiB: Q2_BME_MAX_PHYS_SIZE */
	int rc;

	*tab = NULL;
	if (!t)
		return -ENOMEM;
	rc = q2_pread(img, t, (size_t)bm->table_size * 8, bm->table_offset);
	for (uint32_t j = 0; rc == 0 && j < bm->table_size; j++) {
		uint64_t e = q2_be64(t + (size_t)j * 8), o = e & Q2_BME_TABLE_OFFSET_MASK;

		if ((e & Q2_BME_TABLE_RESERVED_MASK) ||
		    (o && ((e & Q2_BME_TABLE_ALL_ONES) || (o & (img->cluster_size - 1)))))
			rc = -EINVAL;
	}
	if (rc < 0) {
		free(t);
		return rc;
	}
	*tab = t;
	return 0;
}

int q2_image_load_bitmaps(struct q2_image *img, char *why, size_t why_len)
{
	uint8_t *dir;
	uint64_t off = 0;
	uint32_t i, n = img->nb_bitmaps;
	int rc = 0;

	if (!n)
		return 0;
	/* bounded by Q2_MAX_BITMAP_DIR_BYTES in read_extensions() */
	dir = malloc(img->bitmap_dir_size ? img->bitmap_dir_size : 1);
	img->bitmaps = calloc(n, sizeof(*img->bitmaps));
	if (!dir || !img->bitmaps) {
		free(dir);
		return -ENOMEM;
	}
	rc = q2_pread(img, dir, img->bitmap_dir_size, img->bitmap_dir_offset);
	if (rc < 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct q2_bitmap *bm = &img->bitmaps[i];
		uint64_t ent_len, phys;

		if (img->bitmap_dir_size - off < Q2_BME_DIR_ENTRY_LEN) {
			why_set(why, why_len, "Broken bitmap directory");
			rc = -EINVAL;
			goto out;
		}
		bm->table_offset = q2_be64(dir + off);
		bm->table_size = q2_be32(dir + off + 8);
		bm->flags = q2_be32(dir + off + 12);
		bm->type = dir[off + 16];
		bm->granularity_bits = dir[off + 17];
		bm->name_size = q2_be16(dir + off + 18);
		bm->extra_size = q2_be32(dir + off + 20);
		ent_len = ((uint64_t)Q2_BME_DIR_ENTRY_LEN + bm->extra_size + bm->name_size + 7) & ~7ull;
		if (ent_len > img->bitmap_dir_size - off) {
			why_set(why, why_len, "Broken bitmap directory");
			rc = -EINVAL;
			goto out;
		}
		bm->name = calloc(1, bm->name_size + 1u);
		img->n_bitmaps_loaded = i + 1;
		if (!bm->name) {
			rc = -ENOMEM;
			goto out;
		}
		memcpy(bm->name, dir + off + Q2_BME_DIR_ENTRY_LEN + bm->extra_size, bm->name_size);
		/* qcow2-bitmap.c check_dir_entry(): the table must also be able to hold
		 * a bitmap of the whole disk, unless the bitmap is marked in use */
		phys = (uint64_t)bm->table_size << img->cluster_bits;
		if (bm->table_size == 0 || bm->table_offset == 0 ||
		    bm->table_size > Q2_BME_MAX_TABLE_SIZE || phys > Q2_BME_MAX_PHYS_SIZE ||
		    bm->granularity_bits > Q2_BME_MAX_GRANULARITY_BITS ||
		    bm->granularity_bits < Q2_BME_MIN_GRANULARITY_BITS ||
		    (bm->flags & Q2_BME_RESERVED_FLAGS) || bm->name_size > Q2_MAX_BITMAP_NAME ||
		    (bm->table_offset & (img->cluster_size - 1)) || bm->type != 1 ||
		    (!(bm->flags & Q2_BME_FLAG_IN_USE) &&
		     img->size > ((phys * 8) << bm->granularity_bits))) {
			why_set(why, why_len, "Bitmap directory entry %u ('%s') is invalid", i,
				bm->name);
			rc = -EINVAL;
			goto out;
		}
		off += ent_len;
	}
	/* the entries must fill the directory exactly ("Broken bitmap directory") */
	if (off != img->bitmap_dir_size) {
		why_set(why, why_len, "Broken bitmap directory");
		rc = -EINVAL;
		goto out;
	}
	/*
	 * QEMU loads every bitmap not marked in use when it opens the image, and
	 * refuses the image when a bitmap table entry is invalid
	 * (qcow2-bitmap.c bitmap_table_load/check_table_entry).
	 */
	for (i = 0; i < n && rc == 0; i++) {
		const struct q2_bitmap *bm = &img->bitmaps[i];
		uint8_t *tab = NULL;

		if (bm->flags & Q2_BME_FLAG_IN_USE)
			continue;
		rc = q2_bitmap_table_read(img, bm, &tab);
		if (rc == -EINVAL)
			why_set(why, why_len,
				"Could not read bitmap_table table from image for bitmap '%s': Invalid argument",
				bm->name);
		free(tab);
	}
out:
	free(dir);
	return rc;
}

int q2_image_read_luks(const struct q2_image *img, struct q2_luks *out)
{
	uint8_t h[592];
	int rc, i;

	memset(out, 0, sizeof(*out));
	if (img->crypt_method != Q2_CRYPT_LUKS || !img->has_crypto_ext)
		return -ENOENT;
	rc = q2_pread(img, h, sizeof(h), img->crypto_offset);
	if (rc < 0)
		return rc;
	/* LUKS1 on-disk format: "LUKS\xba\xbe", then fixed-size fields */
	if (memcmp(h, "LUKS\xba\xbe", 6) != 0)
		return -EINVAL;
	out->version = q2_be16(h + 6);
	memcpy(out->cipher_name, h + 8, 32);
	memcpy(out->cipher_mode, h + 40, 32);
	memcpy(out->hash_spec, h + 72, 32);
	out->payload_offset = q2_be32(h + 104);
	out->key_bytes = q2_be32(h + 108);
	out->mk_iters = q2_be32(h + 164);
	memcpy(out->uuid, h + 168, 40);
	for (i = 0; i < 8; i++) {
		const uint8_t *k = h + 208 + 48 * i;

		out->slots[i].active = q2_be32(k) == 0x00ac71f3u;
		out->slots[i].iters = q2_be32(k + 4);
		out->slots[i].key_offset = q2_be32(k + 40);
		out->slots[i].stripes = q2_be32(k + 44);
	}
	return 0;
}
