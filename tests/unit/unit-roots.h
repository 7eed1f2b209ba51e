/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VHV_TESTS_UNIT_ROOTS_H
#define VHV_TESTS_UNIT_ROOTS_H
/*
 * The fixture root tests/roots/@name, as a sysroot: the runner's copy
 * ($TS_ROOTS), or the source tree's when a unit test runs by hand from it.
 * Include after <cmocka.h>.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hvcore/hv-root.h"

static inline struct hv_root *unit_fixture(const char *name)
{
	const char *base = getenv("TS_ROOTS");
	struct hv_root *r = NULL;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", base && *base ? base : "tests/roots", name);
	assert_int_equal(hv_root_new(path, &r), 0);
	return r;
}

#endif
