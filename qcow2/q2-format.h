/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * q2-format: qcow2 on-disk constants and the hard limits vhv applies to every
 * size the image controls. Source: QEMU docs/interop/qcow2.txt (the spec) and
 * the limits QEMU's own driver enforces (block/qcow2.h), so that an image QEMU
 * refuses is refused here too and nothing the image says can make us allocate
 * without bound.
 */
#include <stdint.h>

#define Q2_MAGIC 0x514649fbu /* "QFI\xfb" */

/* Header field offsets (all big-endian). v2 headers end at 72. */
#define Q2_HDR_V2_LEN 72u
#define Q2_HDR_V3_MIN 104u /* spec: header_length >= 104 for version 3 */
#define Q2_HDR_STRUCT_LEN 112u

/* spec: cluster_bits 9..21 (512 B .. 2 MiB) */
#define Q2_MIN_CLUSTER_BITS 9
#define Q2_MAX_CLUSTER_BITS 21

/* QEMU limits (block/qcow2.h): bytes of the active/snapshot L1, refcount table. */
#define Q2_MAX_L1_BYTES (32u << 20)
#define Q2_MAX_REFTABLE_BYTES (8u << 20)
#define Q2_MAX_SNAPSHOTS 65536u
#define Q2_SNAPSHOT_HDR_LEN 40u
#define Q2_MAX_SNAPSHOT_EXTRA 1024u
#define Q2_MAX_SNAPSHOTS_BYTES (1024u * Q2_MAX_SNAPSHOTS)
#define Q2_MAX_BITMAPS 65535u
#define Q2_MAX_BITMAP_DIR_BYTES (1024u * Q2_MAX_BITMAPS)
#define Q2_MAX_BITMAP_NAME 1023u
/* QEMU (qcow2-bitmap.c): at most 0x8000000 table entries and 512 MiB of bitmap
 * data, so a table holds at most 512 MiB / cluster size entries (<= 8 MiB). */
#define Q2_BME_MAX_TABLE_SIZE 0x8000000u
#define Q2_BME_MAX_PHYS_SIZE 0x20000000ull
#define Q2_MAX_BACKING_NAME 1023u
/* QEMU refuses images whose host file has more clusters than INT_MAX. */
#define Q2_MAX_HOST_CLUSTERS 0x7fffffffLL

/* Incompatible feature bits (spec "incompatible_features"). */
#define Q2_INCOMPAT_DIRTY (1ull << 0)
#define Q2_INCOMPAT_CORRUPT (1ull << 1)
#define Q2_INCOMPAT_DATA_FILE (1ull << 2)
#define Q2_INCOMPAT_COMPRESSION (1ull << 3)
#define Q2_INCOMPAT_EXTL2 (1ull << 4)
#define Q2_INCOMPAT_MASK 0x1full
/* Compatible and autoclear bits. */
#define Q2_COMPAT_LAZY_REFCOUNTS (1ull << 0)
#define Q2_COMPAT_MASK 0x1ull
#define Q2_AUTOCLEAR_BITMAPS (1ull << 0)
#define Q2_AUTOCLEAR_DATA_FILE_RAW (1ull << 1)
#define Q2_AUTOCLEAR_MASK 0x3ull

#define Q2_CRYPT_NONE 0
#define Q2_CRYPT_AES 1
#define Q2_CRYPT_LUKS 2

#define Q2_COMP_ZLIB 0
#define Q2_COMP_ZSTD 1

/* Header extension types. */
#define Q2_EXT_END 0x00000000u
#define Q2_EXT_BACKING_FORMAT 0xe2792acau
#define Q2_EXT_FEATURE_TABLE 0x6803f857u
#define Q2_EXT_BITMAPS 0x23852875u
#define Q2_EXT_CRYPTO 0x0537be77u
#define Q2_EXT_DATA_FILE 0x44415441u

/* Table entry layouts (spec "Cluster mapping", "Host cluster management"). */
#define Q2_OFLAG_COPIED (1ull << 63)
#define Q2_OFLAG_COMPRESSED (1ull << 62)
#define Q2_OFLAG_ZERO (1ull << 0)
#define Q2_L1E_OFFSET_MASK 0x00fffffffffffe00ull
#define Q2_L1E_RESERVED_MASK 0x7f000000000001ffull
#define Q2_L2E_OFFSET_MASK 0x00fffffffffffe00ull
#define Q2_L2E_STD_RESERVED_MASK 0x3f000000000001feull
#define Q2_REFT_OFFSET_MASK 0xfffffffffffffe00ull
#define Q2_REFT_RESERVED_MASK 0x1ffull
#define Q2_L2_BITMAP_ALL_ALLOC 0x00000000ffffffffull
#define Q2_COMPRESSED_SECTOR 512u

/* Bitmap directory entries and bitmap tables (spec "Bitmaps"). */
#define Q2_BME_FLAG_IN_USE (1u << 0)
#define Q2_BME_FLAG_AUTO (1u << 1)
#define Q2_BME_FLAG_EXTRA_DATA_COMPATIBLE (1u << 2)
#define Q2_BME_RESERVED_FLAGS 0xfffffff8u
#define Q2_BME_TABLE_OFFSET_MASK 0x00fffffffffffe00ull
#define Q2_BME_TABLE_RESERVED_MASK 0xff000000000001feull
#define Q2_BME_TABLE_ALL_ONES 1ull
#define Q2_BME_DIR_ENTRY_LEN 24u
#define Q2_BME_MAX_GRANULARITY_BITS 31
#define Q2_BME_MIN_GRANULARITY_BITS 9

static inline uint16_t q2_be16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t q2_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline uint64_t q2_be64(const void *p)
{
	return (uint64_t)q2_be32(p) << 32 | q2_be32((const uint8_t *)p + 4);
}
