// SPDX-License-Identifier: GPL-2.0-or-later
/* top: the column table and its needs flags, the sampler's formulas on the
 * top-t0/top-t1 fixture, views, and actions refused off the live host. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "top/top.h"
#include "tests/unit/unit-roots.h"

static void test_table(void **state)
{
	for (int i = 0; i < TOP_COL_COUNT; i++) {
		const struct top_col_info *ci = top_col_info(i);

		assert_non_null(ci->id);
		assert_non_null(ci->help);
		assert_true(ci->needs & TOP_NEED_STAT);
		assert_int_equal(top_col_parse(ci->id), i);
		assert_int_equal(top_col_parse(ci->label), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ci->id, top_col_info(j)->id);
	}
	assert_int_equal(top_col_parse("%cpu"), TOP_COL_CPU);
	assert_int_equal(top_col_parse("nope"), -EINVAL);
}

static void test_needs(void **state)
{
	struct top_view v;

	top_view_init(&v, TOP_HV_KVM);
	assert_true(top_view_needs(&v) & TOP_NEED_SCHEDSTAT);  /* %WAIT is a default */
	assert_true(top_view_needs(&v) & TOP_NEED_BPF);        /* EXITS/s too */
	assert_false(top_view_needs(&v) & TOP_NEED_THP);
	assert_false(top_view_needs(&v) & TOP_NEED_STATUS);
	top_view_hide(&v, TOP_COL_WAIT);
	top_view_hide(&v, TOP_COL_EXITS);
	assert_false(top_view_needs(&v) & (TOP_NEED_SCHEDSTAT | TOP_NEED_BPF));
	v.sort = TOP_COL_WAIT;  /* a hidden sort column is still read */
	assert_true(top_view_needs(&v) & TOP_NEED_SCHEDSTAT);
	v.cols[v.ncols++] = TOP_COL_HUGE;
	assert_true(top_view_needs(&v) & TOP_NEED_THP);
}

static const struct top_vm *vm_by_pid(const struct top_snap *s, int pid)
{
	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].pid == pid)
			return &s->vms[i];
	return NULL;
}

static void test_formulas(void **state)
{
	struct hv_root *t0 = unit_fixture("top-t0"), *t1 = unit_fixture("top-t1");
	struct top_sampler *s;
	const struct top_snap *snap;
	const struct top_vm *db, *late;
	const struct top_task *c0;

	assert_int_equal(top_sampler_new(&s), 0);
	top_sampler_set_needs(s, TOP_NEED_STAT | TOP_NEED_SCHEDSTAT | TOP_NEED_STATUS);
	assert_int_equal(top_sampler_tick(s, t0), 0);
	assert_int_equal(top_sampler_tick(s, t1), 0);
	snap = top_sampler_snap(s);
	assert_true(snap->interval > 1.999 && snap->interval < 2.001);
	db = vm_by_pid(snap, 2000);
	assert_non_null(db);
	c0 = &db->vcpus[0];
	assert_true(c0->rated);
	/* d(utime)=190, d(stime)=5, d(guest)=185 ticks, d(run_delay)=0.4 s over 2 s */
	assert_float_equal(c0->cpu, 97.5, 1e-9);
	assert_float_equal(c0->gst, 92.5, 1e-9);
	assert_float_equal(c0->usr, 2.5, 1e-9);
	assert_float_equal(c0->sys, 2.5, 1e-9);
	assert_float_equal(c0->wait, 20.0, 1e-9);
	assert_float_equal(c0->vcsw_s, 25.0, 1e-9);
	assert_float_equal(c0->ivcsw_s, 100.0, 1e-9);
	/* the VM row: process totals for CPU, sums of its vCPUs for wait */
	assert_float_equal(db->proc.cpu, 209.5, 1e-9);
	assert_float_equal(db->proc.wait, 20.0 + 15.0 + 0.25 + 0.0, 1e-9);
	late = vm_by_pid(snap, 7000);
	assert_non_null(late);
	assert_false(late->proc.rated);  /* no previous sample of a new VM */
	assert_null(vm_by_pid(snap, 6000));
	top_sampler_free(s);

	/* needs: without SCHEDSTAT nothing reads schedstat, and %WAIT has no value */
	assert_int_equal(top_sampler_new(&s), 0);
	top_sampler_set_needs(s, TOP_NEED_STAT);
	assert_int_equal(top_sampler_tick(s, t0), 0);
	assert_int_equal(top_sampler_tick(s, t1), 0);
	db = vm_by_pid(top_sampler_snap(s), 2000);
	assert_false(db->vcpus[0].have_sched);
	assert_false(db->vcpus[0].have_status);
	{
		struct top_row r = { .vm = db, .task = &db->vcpus[0] };
		char buf[64];

		assert_string_equal(top_col_format(TOP_COL_WAIT, &r, true, buf, sizeof(buf)), "-");
		assert_string_equal(top_col_format(TOP_COL_CPU, &r, true, buf, sizeof(buf)), "97.5");
		assert_string_equal(top_col_format(TOP_COL_NAME, &r, false, buf, sizeof(buf)),
				    "db/vcpu 0");
		/* actions are refused on a fixture */
		assert_int_equal(top_act_renice(t1, &r, 5), -EROFS);
		assert_int_equal(top_act_pin(t1, &r, "0"), -EROFS);
		assert_int_equal(top_act_pin(t1, &r, "0-x"), -EINVAL);
		assert_int_equal(top_act_signal(t1, &r, SIGTERM), -EROFS);
	}
	top_sampler_free(s);
	hv_root_free(t0);
	hv_root_free(t1);
}

static void test_views(void **state)
{
	struct hv_root *t0 = unit_fixture("top-t0"), *t1 = unit_fixture("top-t1");
	struct top_sampler *s;
	struct top_view v;
	struct top_row *rows;
	size_t n;

	assert_int_equal(top_sampler_new(&s), 0);
	assert_int_equal(top_sampler_tick(s, t0), 0);
	assert_int_equal(top_sampler_tick(s, t1), 0);
	top_view_init(&v, TOP_HV_KVM);
	assert_int_equal(top_view_rows(&v, top_sampler_snap(s), &rows, &n), 0);
	assert_int_equal(n, 7 + 14);
	assert_true(rows[0].is_vm);
	assert_int_equal(rows[0].vm->pid, 2000);  /* busiest first */
	assert_true(rows[4].last);
	assert_int_equal(rows[5].vm->pid, 4000);  /* emu, 95.5 % */
	assert_int_equal(rows[8].vm->pid, 8000);  /* then kvm-busy, 95 % */
	free(rows);
	v.tree = false;
	snprintf(v.filter, sizeof(v.filter), "WEB");
	assert_int_equal(top_view_rows(&v, top_sampler_snap(s), &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_false(rows[0].is_vm);
	assert_int_equal(rows[0].task->tid, 1003);
	free(rows);
	top_sampler_free(s);
	hv_root_free(t0);
	hv_root_free(t1);
}

static void test_signals(void **state)
{
	assert_int_equal(top_signal_parse("TERM"), SIGTERM);
	assert_int_equal(top_signal_parse("sigkill"), SIGKILL);
	assert_int_equal(top_signal_parse("19"), 19);
	assert_int_equal(top_signal_parse("999"), -EINVAL);
	assert_int_equal(top_signal_parse("FOO"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
