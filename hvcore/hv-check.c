// SPDX-License-Identifier: GPL-2.0-or-later
#include "hvcore/hv-check.h"

#include <errno.h>
#include <string.h>

int hv_check_selected(const char *id, const char *const *only)
{
	if (!only)
		return 1;
	for (; *only; only++) {
		size_t n = strlen(*only);

		if (strcmp(id, *only) == 0)
			return 1;
		/* "kvm." or "kvm" selects kvm.module, kvm.dev, ... */
		if (n && strncmp(id, *only, n) == 0 && ((*only)[n - 1] == '.' || id[n] == '.'))
			return 1;
	}
	return 0;
}

int hv_checks_run(const struct hv_check *tab, size_t n, const struct hv_root *root,
		  struct hv_report *rep, const char *const *only, void *data)
{
	int ran = 0;

	for (size_t i = 0; i < n; i++) {
		const struct hv_check *c = &tab[i];
		struct hv_check_ctx ctx = { .root = root, .rep = rep, .check = c, .data = data };
		struct hv_finding *f;
		int rc;

		if (!hv_check_selected(c->id, only))
			continue;
		ran++;
		if (hv_report_ran(rep, c->id) < 0)
			return -ENOMEM;
		if ((c->needs & HV_NEED_LIVE) && hv_root_kind(root) == HV_ROOT_OFFLINE) {
			if (hv_report_unknowable(rep, c->id, "the running kernel") < 0)
				return -ENOMEM;
			continue;
		}
		rc = c->run(&ctx);
		if (rc >= 0)
			continue;
		if (rc == -ENOMEM || hv_report_error(rep))
			return -ENOMEM;
		if (rc == -EOPNOTSUPP && !hv_root_is_live(root) &&
		    hv_root_kind(root) != HV_ROOT_FIXTURE) {
			if (hv_report_unknowable(rep, c->id, "the running kernel") < 0)
				return -ENOMEM;
		} else if (rc == -EOPNOTSUPP || rc == -ENOENT || rc == -ENODEV) {
			hv_report_add(rep, c->id, HV_SEV_SKIP, "%s: not available here (%s)", c->title,
				      hv_strerror(-rc));
		} else {
			f = hv_report_add(rep, c->id, HV_SEV_SKIP, "%s: could not check: %s",
					  c->title, hv_strerror(-rc));
			if (rc == -EACCES || rc == -EPERM)
				hv_finding_hint(f, "run as root for this check");
		}
	}
	/* a hostile root: name each FIFO, socket or device that stood where a file was read */
	for (const char *what; (what = hv_root_refused_next(root));) {
		struct hv_finding *f = hv_report_add(rep, "sysroot.files", HV_SEV_WARN,
						     "%s, not a regular file: not read", what);

		hv_finding_hint(f, "the checks that needed it say why they could not run");
	}
	return hv_report_error(rep) ? -ENOMEM : ran;
}

int hv_checks_add_unknowable(const struct hv_root *root, struct hv_report *rep)
{
	bool cap = hv_root_kind(root) == HV_ROOT_CAPTURED;

	return hv_report_add_unknowable(rep, cap ? "a captured host" :
					"an offline root (a disk, no running kernel)",
					cap ? "CPUID, MSRs, the test guest and what the capture left "
					"out need the running host: run vhv-check there, or capture "
					"more (sos report, tests/tools/mkroot.sh)" :
					"run on the live host (or capture /proc and /sys there)");
}

void hv_checks_list(const struct hv_check *tab, size_t n, FILE *out)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w = HV_MAX(w, (int)strlen(tab[i].id));
	for (size_t i = 0; i < n; i++) {
		const char *t = tab[i].title;

		fprintf(out, "%-*s", w, tab[i].id);
		/* the title in 80 columns: continued on lines that start with blanks */
		while (t) {
			int room = 80 - w - 2, len = (int)strlen(t), cut = len;

			if (len > room)
				for (cut = room; cut > 0 && t[cut] != ' '; cut--)
					;
			if (cut <= 0)
				cut = len;
			fprintf(out, "  %.*s\n", cut, t);
			t = t[cut] ? t + cut + 1 : NULL;
			if (t)
				fprintf(out, "%*s", w, "");
		}
	}
}
