// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-trace's SQLite recording (bpf/vbpf-record.c) without BPF or root:
 * write intervals, read them back identical; missing files, files that are
 * not recordings, and rows with unknown names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hvcore/hv-store.h"

#include "bpf/vbpf-reasons.h"
#include "bpf/vbpf-record.h"

static char dir[] = "/tmp/test-bpf-record.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vbpf_exit_stat row(uint32_t pid, int32_t vcpu, uint32_t kind, uint32_t reason,
				 uint64_t count)
{
	struct vbpf_exit_stat s = { .pid = pid, .vcpu = vcpu, .kind = kind, .reason = reason };

	s.count = count;
	s.lat_count = count;
	s.lat_sum_ns = count * 5000;
	s.lat_max_ns = 9000;
	s.hist[12] = count;
	return s;
}

static void test_round_trip(void **state)
{
	struct vbpf_exit_stat a[] = {
		row(100, 0, VBPF_KIND_USER, 2, 1000),
		row(100, 1, VBPF_KIND_USER, VBPF_REASON_ERRNO | EINTR, 3),
	};
	struct vbpf_exit_stat b[] = {
		row(100, 0, VBPF_KIND_VMX, 48, 70),
		row(200, -1, VBPF_KIND_SVM, 0x400, 5),
	};
	struct vbpf_rec_data d;
	struct vbpf_rec *r;
	char path[128];

	snprintf(path, sizeof(path), "%s/rec.db", dir);
	assert_int_equal(vbpf_rec_open(path, "hv01", "9.9", 1234567890123ULL, "kvm:x", &r), 0);
	assert_int_equal(vbpf_rec_set_vm(r, 100, "qemu"), 0);
	assert_int_equal(vbpf_rec_add(r, 1000000000, 1000000000, a, 2), 0);
	assert_int_equal(vbpf_rec_add(r, 2000000000, 1000000000, b, 2), 0);
	assert_int_equal(vbpf_rec_add(r, 3000000000, 1000000000, NULL, 0), 0);
	vbpf_rec_close(r);

	assert_int_equal(vbpf_rec_load(path, &d), 0);
	assert_string_equal(d.host, "hv01");
	assert_string_equal(d.version, "9.9");
	assert_string_equal(d.sources, "kvm:x");
	assert_int_equal(d.start_ns, 1234567890123ULL);
	assert_int_equal(d.nbad, 0);
	assert_int_equal(d.nrows, 4);
	assert_int_equal(d.rows[0].t_ns, 1000000000);
	assert_memory_equal(&d.rows[0].s, &a[0], sizeof(a[0]));
	assert_memory_equal(&d.rows[1].s, &a[1], sizeof(a[1]));
	assert_int_equal(d.rows[2].t_ns, 2000000000);
	assert_memory_equal(&d.rows[2].s, &b[0], sizeof(b[0]));
	assert_memory_equal(&d.rows[3].s, &b[1], sizeof(b[1]));
	assert_string_equal(vbpf_rec_vm_name(&d, 100), "qemu");
	assert_null(vbpf_rec_vm_name(&d, 200));
	vbpf_rec_data_free(&d);

	/* Appending to an existing recording keeps what was there. */
	assert_int_equal(vbpf_rec_open(path, "hv01", "9.9", 1, NULL, &r), 0);
	assert_int_equal(vbpf_rec_add(r, 4000000000, 1000000000, a, 1), 0);
	vbpf_rec_close(r);
	assert_int_equal(vbpf_rec_load(path, &d), 0);
	assert_int_equal(d.nrows, 5);
	vbpf_rec_data_free(&d);
}

static void test_errors(void **state)
{
	struct vbpf_rec_data d;
	struct hv_store *st;
	char path[128];

	snprintf(path, sizeof(path), "%s/none.db", dir);
	assert_int_equal(vbpf_rec_load(path, &d), -ENOENT);
	assert_int_not_equal(access(path, F_OK), 0);  /* a report never creates the file */

	snprintf(path, sizeof(path), "%s/other.db", dir);
	assert_int_equal(hv_store_open(path, "CREATE TABLE t(a INTEGER) STRICT;", 0, &st), 0);
	hv_store_close(st);
	assert_int_equal(vbpf_rec_load(path, &d), -EINVAL);

	/* Rows naming unknown reasons or carrying bad histograms are skipped and counted. */
	snprintf(path, sizeof(path), "%s/bad.db", dir);
	assert_int_equal(hv_store_open(path,
		"CREATE TABLE samples(t_ns INTEGER NOT NULL, interval_ns INTEGER NOT NULL,"
		" pid INTEGER NOT NULL, vcpu INTEGER NOT NULL, kind TEXT NOT NULL,"
		" reason TEXT NOT NULL, count INTEGER NOT NULL, lat_count INTEGER NOT NULL,"
		" lat_sum_ns INTEGER NOT NULL, lat_max_ns INTEGER NOT NULL, hist TEXT NOT NULL) STRICT;"
		"INSERT INTO samples VALUES (1, 1, 7, 0, 'user', 'IO', 5, 0, 0, 0, '');"
		"INSERT INTO samples VALUES (1, 1, 7, 0, 'user', 'NOPE', 5, 0, 0, 0, '');"
		"INSERT INTO samples VALUES (1, 1, 7, 0, 'arm', 'IO', 5, 0, 0, 0, '');"
		"INSERT INTO samples VALUES (1, 1, 7, 0, 'user', 'HLT', 5, 1, 9, 9, '40:1');"
		"INSERT INTO samples VALUES (1, 1, 7, 0, 'user', 'HLT', -5, 0, 0, 0, '');",
		0, &st), 0);
	hv_store_close(st);
	assert_int_equal(vbpf_rec_load(path, &d), 0);
	assert_int_equal(d.nrows, 1);
	assert_int_equal(d.nbad, 4);
	assert_int_equal(d.rows[0].s.reason, 2);
	assert_null(d.host);
	vbpf_rec_data_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
