/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-log: libraries never print and never exit (kmod). They log through one
 * process-wide callback that the CLI installs; with none installed, messages
 * at HV_LOG_ERR and above go to stderr so nothing is lost in tests.
 *
 * How a failure carries its reason (the one way, for every module):
 *  - The return value is the error: -errno, and never anything else.
 *  - When the caller needs more than strerror(-rc) to tell the user (a path,
 *    a number, which of several causes), the function takes a last parameter
 *    `char **why`: on failure *why is set to a malloc'd sentence (hv_asprintf)
 *    that the caller frees, or left NULL when the errno says it all. @why may
 *    be NULL. On success *why is not touched. Examples: vbpf_exits_open(),
 *    vbpf_check_env(), top_sampler_enable_bpf().
 *  - Whoever receives the reason reports it, once: as a finding, a JSON
 *    {"error": ...} or a message on stderr (QEMU's rule). hv_log is for
 *    diagnostics the caller does not act on (what was skipped, what a
 *    fallback did), never the only place a failure's reason is said.
 *  - A fixed errno with a fixed meaning may get a static text from a
 *    strerror-like function of its module (hv_xen_strerror()); that is not a
 *    reason channel, only a better strerror.
 * Not this: a caller's char buffer and length (it truncates, and every
 * caller must size it), a static "how" string (it cannot hold details).
 * Left to convert: qcow2's q2_image_open(), q2_image_open_fd(),
 * q2_image_load_snapshots() and q2_image_load_bitmaps() (char *why, size_t
 * why_len; qcow2 is being reworked separately). probe_xen_role()'s static
 * *how is the evidence of a result, not a failure's reason, and stays.
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
