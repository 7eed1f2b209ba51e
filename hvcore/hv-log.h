/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-log: libraries never print and never exit (kmod). They log through one
 * process-wide callback that the CLI installs; with none installed, messages
 * at HV_LOG_ERR and above go to stderr so nothing is lost in tests.
 */
#include <stdarg.h>

#include "hvcore/hv-util.h"

enum hv_log_prio {
	HV_LOG_ERR = 3,  /* syslog numbering */
	HV_LOG_WARN = 4,
	HV_LOG_INFO = 6,
	HV_LOG_DEBUG = 7,
};

typedef void (*hv_log_fn)(void *data, int prio, const char *file, int line, const char *fn,
			  const char *fmt, va_list args);

/* Install @fn (NULL restores the default); @data is passed back. */
void hv_log_set_fn(hv_log_fn fn, void *data);
/* Messages above @prio are dropped before formatting. Default HV_LOG_WARN. */
void hv_log_set_priority(int prio);
int hv_log_get_priority(void);

void hv_log_impl(int prio, const char *file, int line, const char *fn, const char *fmt, ...)
	HV_PRINTF(5, 6);

#define hv_log(prio, ...)                                                                  \
	do {                                                                               \
		if ((prio) <= hv_log_get_priority())                                       \
			hv_log_impl(prio, __FILE__, __LINE__, __func__, __VA_ARGS__);       \
	} while (0)
#define hv_err(...) hv_log(HV_LOG_ERR, __VA_ARGS__)
#define hv_warn(...) hv_log(HV_LOG_WARN, __VA_ARGS__)
#define hv_info(...) hv_log(HV_LOG_INFO, __VA_ARGS__)
#define hv_dbg(...) hv_log(HV_LOG_DEBUG, __VA_ARGS__)
