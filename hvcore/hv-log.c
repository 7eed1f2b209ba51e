// SPDX-License-Identifier: GPL-2.0-or-later
#include "hvcore/hv-log.h"

#include <stdio.h>

static hv_log_fn log_fn;
static void *log_data;
static int log_prio = HV_LOG_WARN;

void hv_log_set_fn(hv_log_fn fn, void *data)
{
	log_fn = fn;
	log_data = data;
}

void hv_log_set_priority(int prio)
{
	log_prio = prio;
}

int hv_log_get_priority(void)
{
	return log_prio;
}

void hv_log_impl(int prio, const char *file, int line, const char *fn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_fn) {
		log_fn(log_data, prio, file, line, fn, fmt, ap);
	} else if (prio <= HV_LOG_ERR) {
		/* No handler installed (a unit test, a fuzz replayer): keep errors visible. */
		fputs("vhv: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
