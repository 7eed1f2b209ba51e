/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-json: the one layout of vhv's JSON documents (jansson). A document is an
 * object opening with "tool" and "version"; keys keep their insertion order;
 * a single document (vhv-check, vhv-trace) is printed with 2-space indents, a
 * stream of them (vhv-top -J) one compact document per line. Strings are
 * escaped by jansson (control characters as \uXXXX); numbers are numbers.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* {"tool": @tool, "version": VHV_VERSION}, or NULL (out of memory). */
json_t *hv_json_doc(const char *tool);
/*
 * A string from the host or an input (a VM name, a path): as is when it is
 * UTF-8, else with each byte that is not replaced by U+FFFD (jansson takes
 * UTF-8 only, and would drop the key). NULL becomes "".
 */
json_t *hv_json_str(const char *s);
/* An unsigned counter (jansson's integers are signed: clamped at INT64_MAX). */
json_t *hv_json_u64(uint64_t v);
/*
 * Print @doc and a newline to @out, indented (@stream false) or on one line
 * (@stream true), and flush. Does not take @doc. 0, or -EIO.
 */
int hv_json_print(FILE *out, const json_t *doc, bool stream);
