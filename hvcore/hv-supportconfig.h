/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-supportconfig: sections of a SUSE supportconfig (a directory of *.txt
 * files, each a run of sections):
 *
 *   #==[ Configuration File ]===========================#
 *   # /proc/cpuinfo
 *   processor	: 0
 *   ...
 *   #==[ Command ]======================================#
 *   # /bin/uname -a
 *   Linux node 4.4.121-92.85-default #1 SMP ...
 *
 * A section's name is the "# " line after its header ("/proc/cpuinfo",
 * "/bin/uname -a", "/var/log/boot.msg - Last 10000 Lines"); its text runs to
 * the next "#==[" header. The input is untrusted: nothing is assumed.
 */
#include <stddef.h>

#include "hvcore/hv-root.h"

/*
 * The text of the first section of @text (@len bytes, need not be
 * NUL-terminated) whose name starts with @name. Returns its length and *out
 * (caller frees, NUL-terminated), -ENOENT when there is no such section, or
 * -ENOMEM.
 */
ssize_t hv_supportconfig_section(const char *text, size_t len, const char *name, char **out);

/* The same, read from the supportconfig file @file ("hardware.txt") of root @r. */
ssize_t hv_root_supportconfig(const struct hv_root *r, const char *file, const char *name,
			      char **out);
