// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <curses.h>
#include "top/top.h"
int top_tui_run(struct top_sampler *s, const struct hv_root *root, struct top_view *v,
		const struct top_tui_opts *o)
{
	return -ENOSYS;
}
