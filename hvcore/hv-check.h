/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-check: a check is one table row (util-linux column tables, htop's needs
 * flags). Features keep their own static tables; the CLI runs them with
 * hv_checks_run(). The id is the --checks name, the JSON "check" value and the
 * man-page entry, so tests/doc-sync.sh can hold the three together.
 */
#include <stddef.h>

#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"

struct hv_check;

struct hv_check_ctx {
	const struct hv_root *root;
	struct hv_report *rep;
	const struct hv_check *check;  /* the row being run */
	void *data;                    /* the feature's shared state (parsed once) */
};

enum hv_check_needs {
	HV_NEED_LIVE = 1 << 0,   /* needs a running kernel: SKIP on an offline root */
	HV_NEED_ROOT = 1 << 1,   /* meaningful only as root on the live host */
};

struct hv_check {
	const char *id;     /* "cpu.virt": lowercase, dot-separated */
	const char *title;  /* one line for --list-checks and the man page */
	/*
	 * Adds zero or more findings (their check id is normally @id). Returns >= 0,
	 * or -errno when it could not check at all: the runner then adds one SKIP
	 * (-EOPNOTSUPP/-ENOENT: "not available here") or FAIL ("could not check").
	 */
	int (*run)(struct hv_check_ctx *ctx);
	unsigned needs;
};

/*
 * Run the rows of @tab whose id matches @only. A check that needs what this
 * root cannot hold (HV_NEED_LIVE on an offline disk, -EOPNOTSUPP on a
 * capture) is recorded with hv_report_unknowable(), to be said once by the
 * caller (hv_checks_add_unknowable). (NULL: all; else a NULL-terminated
 * list of ids or id prefixes ending in '.', e.g. "kvm."). Returns the number of
 * checks run, or -ENOMEM.
 */
int hv_checks_run(const struct hv_check *tab, size_t n, const struct hv_root *root,
		  struct hv_report *rep, const char *const *only, void *data);
/*
 * The one "sysroot" SKIP for everything this root could not tell (after all
 * the tables ran), worded for its kind. 0 or -ENOMEM.
 */
int hv_checks_add_unknowable(const struct hv_root *root, struct hv_report *rep);
/* Does @id match the selection @only (same rules as above)? */
int hv_check_selected(const char *id, const char *const *only);
/*
 * Print "ID  TITLE" rows (for --list-checks) in 80 columns: a long title goes
 * on to lines that start with blanks, so the ids are the first word of the
 * lines that do not.
 */
void hv_checks_list(const struct hv_check *tab, size_t n, FILE *out);
