// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-mem: memory features guests use: hugetlb pages of each size
 * (/sys/kernel/mm/hugepages/hugepages-<N>kB/, Documentation/admin-guide/mm/
 * hugetlbpage.rst; /proc/meminfo for the default size), transparent hugepages
 * (/sys/kernel/mm/transparent_hugepage/{enabled,defrag}, transhuge.rst) and KSM
 * (/sys/kernel/mm/ksm/, ksm.rst).
 */
#include "probe/probe-platform.h"
#include "probe/probe-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-report.h"
#include "probe/probe-checks.h"

/* Xen guests' memory comes from the hypervisor, not from dom0's allocator. */
#define XEN_MEM_SKIP "Xen dom0: guest memory belongs to the Xen hypervisor, not to this kernel"

/* Bound on hugepage sizes we list (x86 has 2, arm64 up to 4, a few more elsewhere). */
#define MAX_HP_SIZES 16

struct hp_size {
	uint64_t kb;
	char dir[40];
};

static const char *kb_text(uint64_t kb, char *buf, size_t len)
{
	return hv_fmt_size(kb * 1024, buf, len);
}

/* A page size as mount options write it: "2M", "1G", "64K". */
static const char *kb_suffix(uint64_t kb, char *buf, size_t len)
{
	if (kb % (1u << 20) == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(kb >> 20));
	else if (kb % 1024 == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(kb >> 10));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)kb);
	return buf;
}

/*
 * A hugetlbfs "pagesize=" option in kB: the kernel's memparse (a number with
 * an optional K, M or G suffix; bytes without one). 0 or -EINVAL.
 */
static int pagesize_kb(const char *opts, uint64_t *kb)
{
	const char *p = opts;

	while (p && *p) {
		const char *c = strchr(p, ','), *v = hv_startswith(p, "pagesize=");

		if (v) {
			char num[24], *end;
			size_t n = c ? (size_t)(c - v) : strlen(v);
			unsigned long long x;

			if (n == 0 || n >= sizeof(num))
				return -EINVAL;
			memcpy(num, v, n);
			num[n] = '\0';
			x = strtoull(num, &end, 10);
			if (end == num || x > (1ull << 40))
				return -EINVAL;
			switch (*end) {
			case 'G': case 'g': x <<= 20; end++; break;
			case 'M': case 'm': x <<= 10; end++; break;
			case 'K': case 'k': end++; break;
			case '\0': x >>= 10; break;
			default: return -EINVAL;
			}
			if (*end)
				return -EINVAL;
			*kb = x;
			return 0;
		}
		p = c ? c + 1 : NULL;
	}
	return -ENOENT;
}

/* Is a hugetlbfs mounted for pages of @kb (no pagesize= means the default size)? */
static bool hugetlbfs_for(const struct probe_mounts *m, uint64_t kb, uint64_t defkb)
{
	for (size_t i = 0; i < m->n; i++) {
		uint64_t mkb;
		int rc;

		if (strcmp(m->v[i].fstype, "hugetlbfs") != 0)
			continue;
		rc = pagesize_kb(m->v[i].super, &mkb);
		if (rc == -ENOENT)
			rc = pagesize_kb(m->v[i].opts, &mkb);
		if (rc == -ENOENT && defkb)
			mkb = defkb, rc = 0;
		if (rc == 0 && mkb == kb)
			return true;
	}
	return false;
}

int probe_chk_mem_hugepages(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id;
	_cleanup_free_ char *meminfo = NULL;
	struct hp_size sizes[MAX_HP_SIZES];
	size_t nsizes = 0, configured = 0, nconf = 0;
	uint64_t conf_kb[MAX_HP_SIZES];
	uint64_t defkb = 0;
	struct hv_finding *f;
	struct dirent *de;
	char list[128] = "", sz[32];
	bool any_bad = false;
	DIR *d;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (probe_platform_skip_dom0(ctx, XEN_MEM_SKIP))
		return 0;
	if (hv_root_read_maxf(ctx->root, 1u << 20, &meminfo, "/proc/meminfo") >= 0)
		(void)probe_meminfo_get(meminfo, "Hugepagesize", &defkb);
	d = hv_root_opendirf(ctx->root, "/sys/kernel/mm/hugepages");
	if (!d) {
		uint64_t total;

		if (meminfo && probe_meminfo_get(meminfo, "HugePages_Total", &total) == 0) {
			if (total)
				f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
						  "%s hugepages: %llu total (per /proc/meminfo)",
						  kb_text(defkb, sz, sizeof(sz)),
						  (unsigned long long)total);
			else
				f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
						  "no hugepages reserved (per /proc/meminfo)");
			hv_finding_int(f, "total", (int64_t)total);
			return 0;
		}
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "%s: the kernel has no hugetlbfs (no /sys/kernel/mm/hugepages)",
			      ctx->check->title);
		return 0;
	}
	while ((de = readdir(d)) && nsizes < MAX_HP_SIZES) {
		uint64_t kb;

		if (probe_hugepage_dir_kb(de->d_name, &kb) < 0 ||
		    strlen(de->d_name) >= sizeof(sizes[0].dir))
			continue;
		sizes[nsizes].kb = kb;
		memcpy(sizes[nsizes].dir, de->d_name, strlen(de->d_name) + 1);
		nsizes++;
	}
	closedir(d);
	for (size_t i = 1; i < nsizes; i++)
		for (size_t j = i; j > 0 && sizes[j - 1].kb > sizes[j].kb; j--) {
			struct hp_size t = sizes[j];

			sizes[j] = sizes[j - 1];
			sizes[j - 1] = t;
		}
	for (size_t i = 0; i < nsizes; i++) {
		static const char *const names[] = { "nr_hugepages", "free_hugepages",
						     "resv_hugepages", "surplus_hugepages" };
		uint64_t v[4] = { 0 };
		const char *base = "/sys/kernel/mm/hugepages";
		int rc = 0;
		size_t k;

		kb_text(sizes[i].kb, sz, sizeof(sz));
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s%s",
			 list[0] ? ", " : "", sz, sizes[i].kb == defkb ? " (default)" : "");
		for (k = 0; k < HV_ARRAY_SIZE(names); k++) {
			rc = hv_root_read_u64f(ctx->root, &v[k], "%s/%s/%s", base, sizes[i].dir,
					       names[k]);
			if (rc < 0 && k < 2)
				break;
			if (rc < 0)
				v[k] = 0, rc = 0;   /* resv/surplus: older kernels */
		}
		if (rc < 0) {
			f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
					  "%s hugepages: cannot read %s/%s/%s: %s", sz, base,
					  sizes[i].dir, names[k],
					  rc == -EINVAL ? "not a number" : hv_strerror(-rc));
			hv_finding_hint(f, "the value should be a decimal count; is this root "
					   "captured intact?");
			any_bad = true;
			continue;
		}
		if (v[0] == 0)
			continue;
		conf_kb[nconf++] = sizes[i].kb;
		configured++;
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "%s hugepages: %llu total, %llu free, %llu reserved%s", sz,
				  (unsigned long long)v[0], (unsigned long long)v[1],
				  (unsigned long long)v[2],
				  v[1] < v[2] ? " (more reserved than free?)" : "");
		hv_finding_int(f, "size_kb", (int64_t)sizes[i].kb);
		hv_finding_int(f, "total", (int64_t)v[0]);
		hv_finding_int(f, "free", (int64_t)v[1]);
		hv_finding_int(f, "reserved", (int64_t)v[2]);
		hv_finding_int(f, "surplus", (int64_t)v[3]);
	}
	if (configured) {
		const struct probe_mounts *m;
		char unit[32];

		if (probe_mounts_get(ctx->data, &m) < 0)
			return 0;
		for (size_t i = 0; i < nconf; i++) {
			if (hugetlbfs_for(m, conf_kb[i], defkb))
				continue;
			kb_text(conf_kb[i], sz, sizeof(sz));
			f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
					  "%s hugepages are reserved but no hugetlbfs is mounted for "
					  "that size: QEMU and libvirt cannot use them",
					  sz);
			if (conf_kb[i] == defkb)
				hv_finding_hint(f, "mount -t hugetlbfs hugetlbfs /dev/hugepages "
						   "(systemd's dev-hugepages.mount)");
			else
				hv_finding_hint(f, "mount -t hugetlbfs -o pagesize=%s none "
						   "/dev/hugepages%s (libvirt looks mounts up by page "
						   "size)",
						kb_suffix(conf_kb[i], unit, sizeof(unit)), unit);
			hv_finding_int(f, "size_kb", (int64_t)conf_kb[i]);
		}
		return 0;
	}
	if (any_bad)
		return 0;
	if (!nsizes) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "%s: no hugepage sizes in /sys/kernel/mm/hugepages", ctx->check->title);
		return 0;
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
			  "no hugepages reserved (sizes: %s); guests use normal pages and THP", list);
	hv_finding_hint(f, "to back guests with hugepages: sysctl vm.nr_hugepages=N, or "
			   "hugepagesz=1G hugepages=N at boot, then <hugepages/> in the domain XML");
	hv_finding_str(f, "sizes", list);
	return 0;
}

int probe_chk_mem_thp(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id, *base = "/sys/kernel/mm/transparent_hugepage";
	_cleanup_free_ char *en = NULL, *df = NULL;
	char enabled[32], defrag[32] = "", clean[64];
	struct hv_finding *f;
	int rc;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (probe_platform_skip_dom0(ctx, XEN_MEM_SKIP))
		return 0;
	rc = hv_root_read_linef(ctx->root, &en, "%s/enabled", base);
	if (rc == -ENOENT) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "%s: the kernel has no transparent hugepages (%s)",
			      ctx->check->title, base);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (probe_sysfs_choice(en, enabled, sizeof(enabled)) < 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "cannot tell the THP mode: %s/enabled says \"%s\"", base,
				  probe_clean(en, clean, sizeof(clean)));
		hv_finding_hint(f, "expected one bracketed choice such as "
				   "\"always [madvise] never\"");
		return 0;
	}
	if (hv_root_read_linef(ctx->root, &df, "%s/defrag", base) == 0 &&
	    probe_sysfs_choice(df, defrag, sizeof(defrag)) < 0)
		snprintf(defrag, sizeof(defrag), "unreadable");
	if (strcmp(enabled, "never") == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "transparent hugepages are disabled (enabled=never): guest RAM "
				  "uses 4 KiB pages, with more TLB misses");
		hv_finding_hint(f, "echo madvise > %s/enabled, or boot with "
				   "transparent_hugepage=madvise (QEMU madvises guest RAM)",
				base);
	} else if (strcmp(enabled, "always") == 0 || strcmp(enabled, "madvise") == 0) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "transparent hugepages: enabled=%s%s%s (QEMU asks for them on "
				  "guest RAM)",
				  enabled, defrag[0] ? ", defrag=" : "", defrag);
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "transparent hugepages: enabled=%s (an unknown mode)", enabled);
	}
	hv_finding_str(f, "enabled", enabled);
	if (defrag[0])
		hv_finding_str(f, "defrag", defrag);
	return 0;
}

int probe_chk_mem_ksm(struct hv_check_ctx *ctx)
{
	const char *id = ctx->check->id, *base = "/sys/kernel/mm/ksm";
	uint64_t run, sharing = 0, shared = 0;
	struct hv_finding *f;
	int rc;

	if (probe_platform_need_dir(ctx, "/sys"))
		return 0;
	if (probe_platform_skip_dom0(ctx, XEN_MEM_SKIP))
		return 0;
	rc = hv_root_read_u64f(ctx->root, &run, "%s/run", base);
	if (rc == -ENOENT) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "%s: the kernel has no KSM (%s)",
			      ctx->check->title, base);
		return 0;
	}
	if (rc == -EINVAL || rc == -ERANGE || (rc == 0 && run > 2)) {
		f = hv_report_add(ctx->rep, id, HV_SEV_WARN,
				  "cannot tell the KSM state: %s/run is not 0, 1 or 2", base);
		hv_finding_hint(f, "the kernel writes 0 (off), 1 (merging) or 2 (unmerging) there");
		return 0;
	}
	if (rc < 0)
		return rc;
	if (hv_root_read_u64f(ctx->root, &sharing, "%s/pages_sharing", base) < 0 ||
	    hv_root_read_u64f(ctx->root, &shared, "%s/pages_shared", base) < 0)
		sharing = shared = 0;
	if (run == 1) {
		char saved[32];

		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "KSM is merging: %llu pages shared by %llu mappings (about %s "
				  "saved)",
				  (unsigned long long)shared, (unsigned long long)sharing,
				  hv_fmt_size(sharing * 4096, saved, sizeof(saved)));
	} else if (run == 2) {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO, "KSM is unmerging pages (run=2)");
	} else {
		f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
				  "KSM is off (run=0): identical guest pages are not merged");
		hv_finding_hint(f, "to overcommit memory with many similar guests: echo 1 > "
				   "%s/run (or ksmtuned)",
				base);
	}
	hv_finding_int(f, "run", (int64_t)run);
	hv_finding_int(f, "pages_sharing", (int64_t)sharing);
	hv_finding_int(f, "pages_shared", (int64_t)shared);
	return 0;
}
