// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-qcow2-image: the header parser's limits and the verifier's counting on
 * images built byte by byte in memory (512-byte clusters), and the
 * decompressors used by verify --deep.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "hvcore/hv-util.h"
#include "qcow2/q2-check.h"
#include "qcow2/q2-image.h"

#define CS 512u
#define NCL 8u

static uint8_t img[NCL * CS];

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static void be64(uint8_t *p, uint64_t v)
{
	be32(p, v >> 32);
	be32(p + 4, (uint32_t)v);
}

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8, p[1] = (uint8_t)v;
}

/*
 * A clean v3 image, 512-byte clusters, 16-bit refcounts, 32 KiB virtual:
 * 0 header, 1 reftable, 2 refblock, 3 L1, 4 L2, 5 data.
 */
static void build(void)
{
	memset(img, 0, sizeof(img));
	be32(img, Q2_MAGIC);
	be32(img + 4, 3);
	be32(img + 20, 9);
	be64(img + 24, 32768);
	be32(img + 36, 1);
	be64(img + 40, 3 * CS);
	be64(img + 48, 1 * CS);
	be32(img + 56, 1);
	be32(img + 96, 4);
	be32(img + 100, 112);
	be64(img + 1 * CS, 2 * CS);
	for (unsigned i = 0; i < 6; i++)
		be16(img + 2 * CS + 2 * i, 1);
	be64(img + 3 * CS, Q2_OFLAG_COPIED | 4 * CS);
	be64(img + 4 * CS, Q2_OFLAG_COPIED | 5 * CS);
}

static int open_mem(size_t len, struct q2_image **out, enum q2_open_status *st, char *why)
{
	int fd = memfd_create("q2", MFD_CLOEXEC), rc;

	assert_true(fd >= 0);
	assert_int_equal(hv_write_full(fd, img, len), 0);
	rc = q2_image_open_fd(fd, "mem", out, st, why, 256);
	if (rc < 0)
		close(fd);
	return rc;
}

static void close_mem(struct q2_image *i)
{
	int fd = i->fd;

	q2_image_free(i);
	close(fd);
}

static void check_counts(int64_t corr, int64_t leaks, int64_t errs, uint64_t end)
{
	struct q2_check_result res;
	struct q2_image *i;
	enum q2_open_status st;
	char why[256];

	assert_int_equal(open_mem(sizeof(img), &i, &st, why), 0);
	assert_int_equal(q2_check(i, NULL, &res), 0);
	assert_int_equal(res.corruptions, corr);
	assert_int_equal(res.leaks, leaks);
	assert_int_equal(res.check_errors, errs);
	assert_int_equal(res.image_end_offset, end);
	assert_int_equal(res.total_clusters, 64);
	q2_check_result_release(&res);
	close_mem(i);
}

static void test_clean(void **state)
{
	build();
	check_counts(0, 0, 0, 6 * CS);
}

static void test_leak_and_corruption(void **state)
{
	build();
	be16(img + 2 * CS + 2 * 7, 1); /* cluster 7: refcount 1, unused */
	check_counts(0, 1, 0, 8 * CS);
	build();
	be16(img + 2 * CS + 2 * 5, 0); /* data cluster: refcount 0 (+ COPIED wrong) */
	check_counts(2, 0, 0, 6 * CS);
	build();
	be64(img + 4 * CS + 8, Q2_OFLAG_COPIED | 5 * CS); /* data mapped twice */
	check_counts(1, 0, 0, 6 * CS);
}

static void test_reftable_reserved(void **state)
{
	build();
	be64(img + 1 * CS, 2 * CS + 8);
	/* with 512-byte clusters an in-cluster offset sets reserved bits: the entry
	 * is a corruption, its refcount block then counts as leaked */
	check_counts(1, 1, 0, 6 * CS);
}

static void expect_open_error(const char *what)
{
	struct q2_image *i = NULL;
	enum q2_open_status st;
	char why[256] = "";

	assert_true(open_mem(sizeof(img), &i, &st, why) < 0);
	assert_int_equal(st, Q2_OPEN_INVALID);
	assert_non_null(strstr(why, what));
}

static void test_hostile_header(void **state)
{
	struct q2_image *i = NULL;
	enum q2_open_status st;
	char why[256];

	build();
	be32(img + 36, 0x7fffffff); /* l1_size */
	expect_open_error("Active L1 table too large");
	build();
	be32(img + 56, 0x7fffffff); /* refcount_table_clusters */
	expect_open_error("Reference count table too large");
	build();
	be32(img + 20, 40);
	expect_open_error("Unsupported cluster size");
	build();
	be32(img + 96, 9);
	expect_open_error("Reference count entry width too large");
	build();
	be64(img + 72, 1ull << 33);
	expect_open_error("Unsupported qcow2 feature");
	build();
	be32(img + 112, Q2_EXT_FEATURE_TABLE);
	be32(img + 116, 0xffffff00u);
	expect_open_error("Header extension too large");
	build();
	be32(img, 0);
	assert_true(open_mem(sizeof(img), &i, &st, why) < 0);
	assert_int_equal(st, Q2_OPEN_NOT_QCOW2);
	build();
	assert_true(open_mem(60, &i, &st, why) < 0); /* truncated: fields read as zero */
	assert_int_equal(st, Q2_OPEN_INVALID);
}

static void test_snapshot_limits(void **state)
{
	struct q2_check_result res;
	struct q2_image *i;
	enum q2_open_status st;
	char why[256];

	build();
	be32(img + 60, 0xffffffffu); /* nb_snapshots */
	be64(img + 64, 6 * CS);
	assert_int_equal(open_mem(sizeof(img), &i, &st, why), 0);
	assert_int_equal(q2_check(i, NULL, &res), -EFBIG);
	assert_int_equal(res.check_errors, 1);
	q2_check_result_release(&res);
	close_mem(i);
}

static void test_decompress(void **state)
{
	uint8_t src[4096], comp[8192], out[4096];
	z_stream z = { 0 };
	size_t n;

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 / 13);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = src, z.avail_in = sizeof(src), z.next_out = comp, z.avail_out = sizeof(comp);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = sizeof(comp) - z.avail_out;
	deflateEnd(&z);
	assert_int_equal(q2_decompress(Q2_COMP_ZLIB, comp, n + 100, out, sizeof(out)), 0);
	assert_memory_equal(out, src, sizeof(src));
	assert_int_equal(q2_decompress(Q2_COMP_ZLIB, comp, n / 2, out, sizeof(out)), -EIO);
	memset(comp, 0xa5, 64);
	assert_int_equal(q2_decompress(Q2_COMP_ZLIB, comp, n, out, sizeof(out)), -EIO);

	n = ZSTD_compress(comp, sizeof(comp), src, sizeof(src), 3);
	assert_false(ZSTD_isError(n));
	assert_int_equal(q2_decompress(Q2_COMP_ZSTD, comp, n, out, sizeof(out)), 0);
	assert_memory_equal(out, src, sizeof(src));
	assert_int_equal(q2_decompress(Q2_COMP_ZSTD, comp, n - 8, out, sizeof(out)), -EIO);
	/* a stream shorter than the cluster is not a whole cluster */
	assert_int_equal(q2_decompress(Q2_COMP_ZSTD, comp, n, out, sizeof(out) / 2), 0);
	n = ZSTD_compress(comp, sizeof(comp), src, 100, 3);
	assert_int_equal(q2_decompress(Q2_COMP_ZSTD, comp, n, out, sizeof(out)), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_leak_and_corruption),
		cmocka_unit_test(test_reftable_reserved),
		cmocka_unit_test(test_hostile_header),
		cmocka_unit_test(test_snapshot_limits),
		cmocka_unit_test(test_decompress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
