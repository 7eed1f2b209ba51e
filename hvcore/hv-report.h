/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-report: the findings model and its renderers (human, JSON, Prometheus
 * textfile). A finding is a result, not an error:
 *   {check, severity, message, hint, subject fields ("path", "kernel", "module", ...)}
 * Features add findings; only the CLI renders them. Nothing here exits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hvcore/hv-util.h"

/* Declaration order is the JSON/summary order; see hv_sev_rank() for "worst". */
enum hv_sev {
	HV_SEV_PASS,
	HV_SEV_INFO,
	HV_SEV_WARN,
	HV_SEV_FAIL,
	HV_SEV_SKIP,
	HV_SEV_COUNT,
};

/* "pass", "info", ... (lowercase, the JSON value); "PASS" ... for humans. */
const char *hv_sev_name(enum hv_sev s);
const char *hv_sev_label(enum hv_sev s);
/* Parse "pass".."skip" (any case). Returns the severity or -EINVAL. */
int hv_sev_parse(const char *s);

struct hv_report;
struct hv_finding;

/*
 * The layer a finding blames, from the metal up: what has to change for it to
 * go away (the CPU, a firmware setting, the boot loader and kernel command
 * line, a module parameter, the running system's state, or the hypervisor this
 * host itself runs under).
 */
enum hv_layer {
	HV_LAYER_NONE,
	HV_LAYER_HARDWARE,
	HV_LAYER_FIRMWARE,
	HV_LAYER_BOOT,
	HV_LAYER_MODPARAM,
	HV_LAYER_RUNTIME,
	HV_LAYER_HOST,
	HV_LAYER_COUNT,
};
/* "hardware", "firmware", "boot", "module-parameter", "runtime", "host-hypervisor"; NULL for NONE. */
const char *hv_layer_name(enum hv_layer l);

/*
 * A new empty report for @tool ("vhv-check") at @version. 0 and *out (free with
 * hv_report_free), or -ENOMEM.
 */
int hv_report_new(const char *tool, const char *version, struct hv_report **out);
void hv_report_free(struct hv_report *rep);
/* Record the sysroot shown in the output (copied); NULL for the live host. */
int hv_report_set_sysroot(struct hv_report *rep, const char *sysroot);

/*
 * Add a finding. Returns a pointer owned by @rep (valid until hv_report_free),
 * or NULL when out of memory (remembered: hv_report_error() then says -ENOMEM).
 * Every hv_finding_* setter accepts NULL, so calls can be chained unchecked.
 */
struct hv_finding *hv_report_add(struct hv_report *rep, const char *check, enum hv_sev sev,
				 const char *fmt, ...) HV_PRINTF(4, 5);
void hv_finding_hint(struct hv_finding *f, const char *fmt, ...) HV_PRINTF(2, 3);
/*
 * What a finding rests on and the layer at fault: sets the "evidence" field
 * (e.g. "/var/log/kern.log:812: kvm: disabled by bios", "/proc/cpuinfo: no vmx
 * flag") and, unless HV_LAYER_NONE, the "layer" field. Human output shows both
 * below the message.
 */
void hv_finding_evidence(struct hv_finding *f, enum hv_layer layer, const char *fmt, ...)
	HV_PRINTF(3, 4);
/* Subject fields; a key set twice keeps the last value. Keys are JSON keys. */
void hv_finding_str(struct hv_finding *f, const char *key, const char *val);
void hv_finding_int(struct hv_finding *f, const char *key, int64_t val);
void hv_finding_bool(struct hv_finding *f, const char *key, bool val);
/*
 * A value read from the host as text (a module parameter, a pid file): a
 * decimal integer ("200000", "-1"; no leading zero, which would not survive
 * the round trip) becomes a JSON number, anything else stays a string.
 */
void hv_finding_value(struct hv_finding *f, const char *key, const char *val);

/*
 * Record that check @id ran (hv_checks_run does), findings or not: the
 * Prometheus series cover every check that ran, so the set stays the same
 * from run to run. 0 or -ENOMEM.
 */
int hv_report_ran(struct hv_report *rep, const char *id);

/*
 * Check @id could not be judged from this root because it needs @what
 * ("the running kernel", "/sys", "/dev": a static string). Said once, for
 * all checks, by hv_report_add_unknowable(). 0 or -ENOMEM.
 */
int hv_report_unknowable(struct hv_report *rep, const char *id, const char *what);
/*
 * Add the one SKIP finding (check "sysroot") that lists the unknowable checks
 * grouped by what they need, @where naming the root ("a captured host"),
 * with @hint. Nothing when there are none. 0 or -ENOMEM.
 */
int hv_report_add_unknowable(struct hv_report *rep, const char *where, const char *hint);

/* Accessors (tests, Prometheus, callers that post-process). Borrowed pointers. */
size_t hv_report_count(const struct hv_report *rep);
const struct hv_finding *hv_report_get(const struct hv_report *rep, size_t i);
const char *hv_finding_check(const struct hv_finding *f);
enum hv_sev hv_finding_sev(const struct hv_finding *f);
const char *hv_finding_message(const struct hv_finding *f);
const char *hv_finding_hint_text(const struct hv_finding *f);
/* A string field's value, NULL when unset or not a string. */
const char *hv_finding_get_str(const struct hv_finding *f, const char *key);

/* Findings of severity @s; the worst severity present (PASS when empty). */
size_t hv_report_n_sev(const struct hv_report *rep, enum hv_sev s);
/* 0 if ENOMEM never happened while adding, else -ENOMEM. */
int hv_report_error(const struct hv_report *rep);
/* Exit status shared by every command: 2 any FAIL, 3 only WARNs, else 0. */
int hv_report_exit_code(const struct hv_report *rep);

enum hv_report_flags {
	HV_REPORT_QUIET = 1 << 0,  /* only WARN and FAIL rows */
	HV_REPORT_COLOR = 1 << 1,  /* ANSI colour on the severity */
	HV_REPORT_NO_SUMMARY = 1 << 2,
};
/*
 * Human rendering: one aligned row per finding, wrapped to @width columns
 * (80 when 0), hint on an indented line below; a summary line last.
 * Returns 0 or -errno (write error).
 */
int hv_report_print_human(const struct hv_report *rep, FILE *out, unsigned flags, int width);
/*
 * @text escaped for the terminal and word-wrapped at @width columns, the
 * cursor being at column @col, continuation lines indented to @col; a newline
 * last. The rendering of the findings' messages, for other human reports.
 */
void hv_report_print_wrapped(FILE *out, const char *text, int col, int width);
/*
 * JSON: {"tool","version","sysroot","findings":[{"check","severity","message",
 * "hint",...fields}],"summary":{"pass":N,...}} plus @extra's keys merged at top
 * level when @extra (a json_t object, borrowed) is not NULL. Returns 0 or -errno.
 */
int hv_report_print_json(const struct hv_report *rep, FILE *out, void *extra);
/*
 * Prometheus node_exporter textfile written atomically (temp file in the same
 * directory + rename). Metric names are prefixed with @prefix ("vhv_check").
 * Returns 0 or -errno.
 */
int hv_report_write_prometheus(const struct hv_report *rep, const char *path, const char *prefix);

/* Should human output use colour on @fp? isatty, TERM != dumb, and no NO_COLOR. */
bool hv_want_color(FILE *fp);
/* Write @s as a Prometheus label value / JSON-free helper: escapes \ " and newline. */
void hv_prom_escape(FILE *out, const char *s);
/* Atomic replace of @path with @len bytes (temp + fsync + rename). 0 or -errno. */
int hv_write_file_atomic(const char *path, const void *buf, size_t len);
/*
 * Close @m, an open_memstream(@buf, @len) the caller wrote a file's text to,
 * then replace @path with that text atomically and free *@buf. 0 or -errno.
 */
int hv_write_memstream_atomic(const char *path, FILE *m, char **buf, size_t *len);
