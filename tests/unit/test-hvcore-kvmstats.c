// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-kvmstats: KVM's binary statistics (Documentation/virt/kvm/api.rst,
 * KVM_GET_STATS_FD) from a hand-built stats file: header, id string,
 * descriptors in an order no kernel uses, statistics of the wrong type, unit
 * or size that must be left out, exponents other than ns, a data block read
 * short; malformed headers; and a fixture root holding a captured file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "hvcore/hv-kvmstats.h"
#include "hvcore/hv-root.h"

#define NAME_SIZE 48u
#define DESC_SIZE (16u + NAME_SIZE)

struct desc {
	const char *name;
	uint32_t flags;
	int16_t exponent;
	uint16_t size;
	uint32_t offset;
};

static const uint32_t CUM = KVM_STATS_TYPE_CUMULATIVE;
static const uint32_t NS = KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_SECONDS | KVM_STATS_BASE_POW10;

static const struct desc descs[] = {
	{ "halt_wait_ns", NS, -9, 1, 0 },
	{ "exits", CUM, 0, 1, 8 },
	{ "halt_poll_success_ns", NS, -6, 1, 16 },  /* microseconds: x 1000 */
	{ "halt_poll_fail_ns", KVM_STATS_TYPE_PEAK | KVM_STATS_UNIT_SECONDS, -9, 1, 24 },  /* not cumulative */
	{ "halt_wait_hist", KVM_STATS_TYPE_LOG_HIST | KVM_STATS_UNIT_SECONDS, -9, 32, 32 },
	{ "io_exits", CUM | KVM_STATS_UNIT_BYTES, 0, 1, 288 },  /* wrong unit */
	{ "mmio_exits", CUM, 0, 1, 296 },
	{ "halt_exits", CUM, 0, 2, 304 },                       /* not a scalar */
	{ "irq_window_exits", CUM, 0, 1, 320 },
	{ "exits", CUM, 0, 1, 328 },                            /* a second "exits": the first wins */
};
#define NDESC (sizeof(descs) / sizeof(descs[0]))
#define DATA_OFF (24u + NAME_SIZE + NDESC * DESC_SIZE)
#define DATA_LEN 336u

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* The stats file of vCPU 0 of "kvm-@pid"; returns its length. */
static size_t build(unsigned char *b, int pid)
{
	unsigned char *d;

	memset(b, 0, DATA_OFF + DATA_LEN);
	put32(b + 0, 0);
	put32(b + 4, NAME_SIZE);
	put32(b + 8, NDESC);
	put32(b + 12, 24);
	put32(b + 16, 24 + NAME_SIZE);
	put32(b + 20, DATA_OFF);
	snprintf((char *)b + 24, NAME_SIZE, "kvm-%d/vcpu-0", pid);
	for (size_t i = 0; i < NDESC; i++) {
		d = b + 24 + NAME_SIZE + i * DESC_SIZE;
		put32(d, descs[i].flags);
		memcpy(d + 4, &descs[i].exponent, 2);
		memcpy(d + 6, &descs[i].size, 2);
		put32(d + 8, descs[i].offset);
		strcpy((char *)d + 16, descs[i].name);
	}
	d = b + DATA_OFF;
	put64(d + 0, 5000000);     /* halt_wait_ns */
	put64(d + 8, 1234);        /* exits */
	put64(d + 16, 7);          /* halt_poll_success, us */
	put64(d + 24, 99);
	put64(d + 288, 5);
	put64(d + 296, 9);         /* mmio_exits */
	put64(d + 304, 11);
	put64(d + 320, 42);        /* irq_window_exits */
	put64(d + 328, 777);
	return DATA_OFF + DATA_LEN;
}

static void test_parse(void **state)
{
	unsigned char b[DATA_OFF + DATA_LEN];
	size_t len = build(b, 77);
	struct hv_kstats_layout l;
	struct hv_kstats k;
	const unsigned want = 1u << HV_KSTAT_EXITS | 1u << HV_KSTAT_WAIT_NS |
			      1u << HV_KSTAT_POLL_OK_NS | 1u << HV_KSTAT_MMIO_EXITS |
			      1u << HV_KSTAT_IRQ_WINDOW_EXITS;

	(void)state;
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_string_equal(l.id, "kvm-77/vcpu-0");
	assert_int_equal(l.have, want);
	assert_int_equal(k.have, want);
	assert_true(k.v[HV_KSTAT_EXITS] == 1234);
	assert_true(k.v[HV_KSTAT_WAIT_NS] == 5000000);
	assert_true(k.v[HV_KSTAT_POLL_OK_NS] == 7000);
	assert_true(k.v[HV_KSTAT_MMIO_EXITS] == 9);
	assert_true(k.v[HV_KSTAT_IRQ_WINDOW_EXITS] == 42);
	assert_int_equal(l.data_len, 328);  /* up to irq_window_exits: no more is read */

	/* the header alone: how much the layout needs */
	assert_int_equal(hv_kstats_parse_layout(b, 24, &l), -ENODATA);
	assert_int_equal(l.need, DATA_OFF);
	assert_int_equal(hv_kstats_parse_layout(b, 10, &l), -ENODATA);
	assert_int_equal(l.need, 24);
	/* a short data block: only what it holds */
	assert_int_equal(hv_kstats_parse(b, DATA_OFF + 16, &l, &k), 0);
	assert_int_equal(k.have, 1u << HV_KSTAT_EXITS | 1u << HV_KSTAT_WAIT_NS);
	assert_int_equal(hv_kstats_parse(b, DATA_OFF - 1, &l, &k), -ENODATA);
}

static void test_units(void **state)
{
	unsigned char b[DATA_OFF + DATA_LEN];
	size_t len = build(b, 77);
	unsigned char *d0 = b + 24 + NAME_SIZE;
	struct hv_kstats_layout l;
	struct hv_kstats k;
	int16_t e;

	(void)state;
	/* halt_wait in seconds (exponent 0): x 1e9; in ps (-12): / 1000 */
	e = 0;
	memcpy(d0 + 4, &e, 2);
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_true(k.v[HV_KSTAT_WAIT_NS] == 5000000ull * 1000000000ull);
	e = -12;
	memcpy(d0 + 4, &e, 2);
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_true(k.v[HV_KSTAT_WAIT_NS] == 5000);
	/* a positive exponent for a time, cycles instead of seconds: left out */
	e = 3;
	memcpy(d0 + 4, &e, 2);
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_false(k.have & (1u << HV_KSTAT_WAIT_NS));
	e = -9;
	memcpy(d0 + 4, &e, 2);
	put32(d0, KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_CYCLES);
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_false(k.have & (1u << HV_KSTAT_WAIT_NS));
	/* saturation instead of wrapping */
	put32(d0, NS);
	e = 0;
	memcpy(d0 + 4, &e, 2);
	put64(b + DATA_OFF, UINT64_MAX / 10);
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), 0);
	assert_true(k.v[HV_KSTAT_WAIT_NS] == UINT64_MAX);
	assert_string_equal(hv_kstat_name(HV_KSTAT_POLL_FAIL_NS), "halt_poll_fail_ns");
	assert_null(hv_kstat_name(HV_KSTAT_COUNT));
}

static void test_malformed(void **state)
{
	unsigned char b[DATA_OFF + DATA_LEN];
	size_t len;
	struct hv_kstats_layout l;
	struct hv_kstats k;

	(void)state;
	len = build(b, 77);
	put32(b + 4, 0);                       /* name_size 0 */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EINVAL);
	len = build(b, 77);
	put32(b + 4, 1u << 20);                /* name_size beyond any kernel's */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EFBIG);
	len = build(b, 77);
	put32(b + 8, 0xffffffffu);             /* num_desc */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EFBIG);
	len = build(b, 77);
	put32(b + 16, 0xfffffff0u);            /* desc_offset far away: wraps in u32 */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EFBIG);
	len = build(b, 77);
	put32(b + 16, 8);                      /* descriptors inside the header */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EINVAL);
	len = build(b, 77);
	memset(b + 24 + NAME_SIZE + 16, 'x', NAME_SIZE);  /* a name without its NUL */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EINVAL);
	len = build(b, 77);
	memset(b + 24, 'x', NAME_SIZE);        /* the id without its NUL */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EINVAL);
	len = build(b, 77);
	put32(b + 24 + NAME_SIZE + 8, 0xfffffff8u);  /* a value far past any data block */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -EFBIG);
	len = build(b, 77);
	put32(b + 20, 0xffffff00u);            /* data block past the end */
	assert_int_equal(hv_kstats_parse(b, len, &l, &k), -ENODATA);
}

static void mkfile(const char *dir, const char *rel, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* A fixture root: /proc/77/fd/11 -> kvm-vcpu:0 and .vhv/kvm-stats/77-11 */
static void test_fixture(void **state)
{
	char dir[] = "/tmp/vhv-kst.XXXXXX", path[4096], cmd[4200];
	unsigned char b[DATA_OFF + DATA_LEN];
	size_t len = build(b, 77);
	struct hv_root *r = NULL;
	struct hv_kstats_vm *v = NULL;
	struct hv_kstats k;
	const char *why = NULL;
	static const char *const dirs[] = { "proc", "proc/77", "proc/77/fd", ".vhv",
					     ".vhv/kvm-stats" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/proc/77/fd/10", dir);
	assert_int_equal(symlink("anon_inode:kvm-vm", path), 0);
	snprintf(path, sizeof(path), "%s/proc/77/fd/11", dir);
	assert_int_equal(symlink("anon_inode:kvm-vcpu:0", path), 0);
	snprintf(path, sizeof(path), "%s/proc/77/fd/12", dir);
	assert_int_equal(symlink("anon_inode:kvm-vcpu:1", path), 0);
	mkfile(dir, ".vhv/kvm-stats/77-11", b, len);
	mkfile(dir, ".vhv/kvm-stats/77-12", b, len);  /* vCPU 0's file under vCPU 1's fd */
	assert_int_equal(hv_root_new(dir, &r), 0);

	assert_int_equal(hv_kstats_vm_open(r, 77, &v, &why), 2);
	assert_int_equal(hv_kstats_vm_read(r, v, 0, &k), 0);
	assert_true(k.v[HV_KSTAT_EXITS] == 1234);
	assert_int_equal(hv_kstats_vm_read(r, v, 1, &k), -EINVAL);  /* its id says vcpu-0 */
	assert_int_equal(hv_kstats_vm_read(r, v, 2, &k), -ENOENT);
	hv_kstats_vm_free(v);
	/* a VMM without captured statistics: the reason */
	assert_int_equal(hv_kstats_vm_open(r, 78, &v, &why), -ENOENT);
	assert_non_null(why);
	hv_root_free(r);
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
