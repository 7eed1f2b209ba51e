// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: the platform checks table (owned by the platform probe work). */
#include "probe/probe-internal.h"

const struct hv_check probe_platform_checks[] = {
	{ NULL, NULL, NULL, 0 },
};
const size_t probe_n_platform_checks = 0;
