// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Histogram percentiles and text form (bpf/vbpf-hist.c); interval deltas and
 * grouping of exit aggregates (bpf/vbpf-stats.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/vbpf-hist.h"
#include "bpf/vbpf-stats.h"

static void test_percentile(void **state)
{
	uint64_t h[VBPF_HIST_SLOTS] = { 0 };

	assert_int_equal(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 50, 0), 0);
	/* 100 values in [4096, 8192): the median is interpolated to the middle. */
	h[12] = 100;
	assert_int_equal(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 50, 0), 6144);
	/* ... but never above the largest value seen */
	assert_int_equal(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 99, 5000), 5000);
	/* 90 fast, 10 slow: p50 in the fast slot, p99 in the slow one */
	memset(h, 0, sizeof(h));
	h[10] = 90;
	h[20] = 10;
	assert_in_range(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 50, 0), 1024, 2047);
	assert_in_range(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 99, 0), 1u << 20, (1u << 21) - 1);
	assert_int_equal(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 100, 0), 1u << 21);
	/* slot 0 holds 0 and 1 ns */
	memset(h, 0, sizeof(h));
	h[0] = 4;
	assert_in_range(vbpf_hist_percentile(h, VBPF_HIST_SLOTS, 50, 0), 0, 2);
}

static void test_text_form(void **state)
{
	uint64_t h[VBPF_HIST_SLOTS] = { 0 }, back[VBPF_HIST_SLOTS] = { 0 };
	char buf[256], tiny[8];

	assert_string_equal(vbpf_hist_format(h, VBPF_HIST_SLOTS, buf, sizeof(buf)), "");
	h[3] = 5;
	h[12] = 1000;
	h[31] = 2;
	assert_string_equal(vbpf_hist_format(h, VBPF_HIST_SLOTS, buf, sizeof(buf)),
			    "3:5,12:1000,31:2");
	assert_int_equal(vbpf_hist_parse_add(buf, back, VBPF_HIST_SLOTS), 0);
	assert_memory_equal(h, back, sizeof(h));
	/* parse ADDS */
	assert_int_equal(vbpf_hist_parse_add("3:1", back, VBPF_HIST_SLOTS), 0);
	assert_int_equal(back[3], 6);
	assert_int_equal(vbpf_hist_parse_add("", back, VBPF_HIST_SLOTS), 0);
	assert_int_equal(vbpf_hist_parse_add("32:1", back, VBPF_HIST_SLOTS), -EINVAL);
	assert_int_equal(vbpf_hist_parse_add("3:", back, VBPF_HIST_SLOTS), -EINVAL);
	assert_int_equal(vbpf_hist_parse_add("x:1", back, VBPF_HIST_SLOTS), -EINVAL);
	assert_int_equal(vbpf_hist_parse_add("3:1;4:2", back, VBPF_HIST_SLOTS), -EINVAL);
	/* a short buffer keeps whole pairs only */
	vbpf_hist_format(h, VBPF_HIST_SLOTS, tiny, sizeof(tiny));
	assert_string_equal(tiny, "3:5");
}

static struct vbpf_exit_stat st(uint32_t pid, int32_t vcpu, uint32_t reason, uint64_t count)
{
	struct vbpf_exit_stat s = { .pid = pid, .vcpu = vcpu, .kind = 0, .reason = reason };

	s.count = count;
	s.lat_count = count;
	s.lat_sum_ns = count * 1000;
	s.hist[9] = count;
	return s;
}

static void test_delta(void **state)
{
	struct vbpf_exit_stat prev[] = { st(10, 0, 2, 100), st(10, 1, 2, 5) };
	struct vbpf_exit_stat cur[] = { st(10, 0, 2, 150), st(10, 1, 2, 5), st(10, 1, 6, 7) };
	struct vbpf_exit_stat *d;
	ssize_t n;

	n = vbpf_stats_delta(prev, 2, cur, 3, &d);
	assert_int_equal(n, 2);  /* the unchanged row is left out */
	assert_int_equal(d[0].vcpu, 0);
	assert_int_equal(d[0].count, 50);
	assert_int_equal(d[0].lat_sum_ns, 50000);
	assert_int_equal(d[0].hist[9], 50);
	assert_int_equal(d[1].reason, 6);
	assert_int_equal(d[1].count, 7);  /* new key: all of it */
	free(d);
	n = vbpf_stats_delta(NULL, 0, NULL, 0, &d);
	assert_int_equal(n, 0);
	assert_null(d);
	n = vbpf_stats_delta(cur, 3, cur, 3, &d);
	assert_int_equal(n, 0);
	assert_null(d);
}

static void test_group(void **state)
{
	struct vbpf_exit_stat rows[] = {
		st(10, 0, 2, 100), st(10, 1, 2, 300), st(10, 1, 6, 7), st(20, 0, 2, 1),
	};
	struct vbpf_exit_stat *g;
	ssize_t n;

	n = vbpf_stats_group(rows, 4, VBPF_GROUP_REASON, &g);
	assert_int_equal(n, 2);
	assert_int_equal(g[0].reason, 2);  /* largest first */
	assert_int_equal(g[0].count, 401);
	assert_int_equal(g[0].hist[9], 401);
	assert_int_equal(g[0].pid, 0);
	assert_int_equal(g[0].vcpu, -1);
	assert_int_equal(g[1].count, 7);
	free(g);
	n = vbpf_stats_group(rows, 4, VBPF_GROUP_PID | VBPF_GROUP_VCPU, &g);
	assert_int_equal(n, 3);
	assert_int_equal(g[0].count, 307);
	assert_int_equal(g[0].vcpu, 1);
	free(g);
	n = vbpf_stats_group(rows, 0, VBPF_GROUP_PID, &g);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_text_form),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
