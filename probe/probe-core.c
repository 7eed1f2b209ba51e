// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: the CPU and KVM checks table (owned by the CPU/KVM probe work). */
#include "probe/probe-internal.h"

#include <stdlib.h>

const struct hv_check probe_core_checks[] = {
	{ NULL, NULL, NULL, 0 },
};
const size_t probe_n_core_checks = 0;

void probe_state_init(struct probe_state *st, const struct hv_root *root)
{
	st->root = root;
	st->cpu = NULL;
	st->cpu_err = 0;
}

void probe_state_clear(struct probe_state *st)
{
	free(st->cpu);
	st->cpu = NULL;
}
