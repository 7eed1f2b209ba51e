// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-cgroup: a task's cgroup, its limits and its throttling counters (see
 * hv-cgroup.h). Every read goes through struct hv_root.
 */
#include "hvcore/hv-cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

#define CG_FILE_MAX (64u << 10)
#define CG_ROOT "/sys/fs/cgroup"

/* "a,b,c" holds @want as a whole item? */
static bool list_has(const char *list, size_t n, const char *want)
{
	size_t wl = strlen(want);
	const char *p = list, *end = list + n;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t il = c ? (size_t)(c - p) : (size_t)(end - p);

		if (il == wl && memcmp(p, want, wl) == 0)
			return true;
		p = c ? c + 1 : end;
	}
	return false;
}

static void set_str(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int hv_parse_proc_cgroup(const char *buf, struct hv_cgroup_where *out)
{
	const char *cur = buf, *line;
	size_t ll;
	bool any = false;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	while ((line = hv_next_line(&cur, &ll))) {
		const char *end = line + ll;
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2 && c1 > line && c2[1] == '/') {
			const char *ctl = c1 + 1, *path = c2 + 1;
			size_t cl = (size_t)(c2 - ctl), pl = (size_t)(end - path);

			any = true;
			if (cl == 0 && c1 - line == 1 && line[0] == '0') {
				set_str(out->v2, sizeof(out->v2), path, pl);
				out->have_v2 = true;
			} else if (cl && cl < sizeof(out->cpu_dir)) {
				if (list_has(ctl, cl, "cpu")) {
					set_str(out->cpu, sizeof(out->cpu), path, pl);
					set_str(out->cpu_dir, sizeof(out->cpu_dir), ctl, cl);
				}
				if (list_has(ctl, cl, "cpuset")) {
					set_str(out->cpuset, sizeof(out->cpuset), path, pl);
					set_str(out->cpuset_dir, sizeof(out->cpuset_dir), ctl, cl);
				}
				if (list_has(ctl, cl, "memory")) {
					set_str(out->memory, sizeof(out->memory), path, pl);
					set_str(out->memory_dir, sizeof(out->memory_dir), ctl, cl);
				}
			}
		}
	}
	return any ? 0 : -EINVAL;
}

static bool strip_suffix(char *path, const char *suffix)
{
	size_t n = strlen(path), sl = strlen(suffix);

	if (n <= sl || strcmp(path + n - sl, suffix) != 0)
		return false;
	path[n - sl] = '\0';
	return true;
}

bool hv_cgroup_vm_path(char *path)
{
	/* libvirt src/util/vircgroup.c: v2 "libvirt/emulator", v1 "emulator" */
	return strip_suffix(path, "/libvirt/emulator") || strip_suffix(path, "/emulator");
}

/* "12.34" as a double, at most 2^53; 0 or -EINVAL. */
static int decimal(const char *p, double *out)
{
	uint64_t ip, fp = 0;
	double scale = 1;
	const char *e;

	if (hv_dec_prefix(p, &ip, &e) < 0 || ip > (1ull << 53))
		return -EINVAL;
	if (*e == '.') {
		e++;
		while (isdigit((unsigned char)*e) && scale < 1e15) {
			fp = fp * 10 + (uint64_t)(*e++ - '0');
			scale *= 10;
		}
	}
	*out = (double)ip + (double)fp / scale;
	return 0;
}

int hv_parse_psi(const char *buf, struct hv_psi *out)
{
	const char *cur = buf, *line;
	size_t ll;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	while ((line = hv_next_line(&cur, &ll))) {
		const char *end = line + ll;
		struct hv_psi_line *l = hv_startswith(line, "some ") ? &out->some :
					hv_startswith(line, "full ") ? &out->full : NULL;
		char tmp[256];
		size_t n = (size_t)(end - line);
		int got = 0;

		if (l && n < sizeof(tmp)) {
			char *save = NULL, *w;

			memcpy(tmp, line + 5, n - 5);
			tmp[n - 5] = '\0';
			for (w = strtok_r(tmp, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
				const char *v;

				if ((v = hv_startswith(w, "avg10=")))
					got += decimal(v, &l->avg10) == 0;
				else if ((v = hv_startswith(w, "avg60=")))
					got += decimal(v, &l->avg60) == 0;
				else if ((v = hv_startswith(w, "avg300=")))
					got += decimal(v, &l->avg300) == 0;
				else if ((v = hv_startswith(w, "total=")))
					got += hv_dec_prefix(v, &l->total_us, NULL) == 0;
			}
			l->have = got == 4;
		}
	}
	return out->some.have || out->full.have ? 0 : -EINVAL;
}

int hv_cg_keyed(const char *buf, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *cur = buf, *line;
	size_t ll;

	while ((line = hv_next_line(&cur, &ll))) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			return hv_dec_prefix(line + kl + 1, out, NULL) == 0 ? 0 : -EINVAL;
	}
	return -ENOENT;
}

int hv_parse_cg_limit(const char *buf, uint64_t *out)
{
	uint64_t v;
	const char *e;

	if (!buf)
		return -EINVAL;
	if (hv_startswith(buf, "max") && (buf[3] == '\0' || isspace((unsigned char)buf[3]))) {
		*out = HV_CG_MAX;
		return 0;
	}
	if (buf[0] == '-' && buf[1] == '1' && !isdigit((unsigned char)buf[2])) {
		*out = HV_CG_MAX;  /* v1 cpu.cfs_quota_us / memsw "-1" */
		return 0;
	}
	if (hv_dec_prefix(buf, &v, &e) < 0 || (*e && !isspace((unsigned char)*e)))
		return -EINVAL;
	/* v1 memory.limit_in_bytes without a limit: PAGE_COUNTER_MAX pages, ~2^63 */
	*out = v >= (1ull << 62) ? HV_CG_MAX : v;
	return 0;
}

int hv_parse_cpu_max(const char *buf, uint64_t *quota_us, uint64_t *period_us)
{
	const char *sp;
	uint64_t q, p;

	if (!buf || hv_parse_cg_limit(buf, &q) < 0)
		return -EINVAL;
	sp = strchr(buf, ' ');
	if (!sp || hv_dec_prefix(sp + 1, &p, NULL) < 0 || p == 0)
		return -EINVAL;
	*quota_us = q;
	*period_us = p;
	return 0;
}

/* Read a cgroup file @dir/@path/@file (whole, at most 64 KiB). Caller frees; NULL when absent. */
static char *cg_read(const struct hv_root *r, const char *dir, const char *path, const char *file)
{
	char *buf = NULL;

	if (hv_root_read_maxf(r, CG_FILE_MAX, &buf, CG_ROOT "%s%s%s/%s", dir[0] ? "/" : "", dir,
			      strcmp(path, "/") == 0 ? "" : path, file) < 0)
		return NULL;
	return buf;
}

static bool cg_limit(const struct hv_root *r, const char *dir, const char *path, const char *file,
		     uint64_t *out)
{
	_cleanup_free_ char *b = cg_read(r, dir, path, file);

	return b && hv_parse_cg_limit(b, out) == 0;
}

static void cg_str(const struct hv_root *r, const char *dir, const char *path, const char *file,
		   char *dst, size_t cap)
{
	_cleanup_free_ char *b = cg_read(r, dir, path, file);

	if (b)
		set_str(dst, cap, b, strcspn(b, "\n"));
}

static void read_psi(const struct hv_root *r, const char *dir, const char *path,
		     struct hv_cgroup *cg)
{
	static const char *const files[HV_PSI_N] = { "cpu.pressure", "memory.pressure",
						     "io.pressure" };

	for (int i = 0; i < HV_PSI_N; i++) {
		_cleanup_free_ char *b = cg_read(r, dir, path, files[i]);

		if (b)
			hv_parse_psi(b, &cg->psi[i]);
	}
}

static void read_v2(const struct hv_root *r, const char *dir, struct hv_cgroup *cg)
{
	const char *p = cg->path;
	_cleanup_free_ char *cmax = cg_read(r, dir, p, "cpu.max");
	_cleanup_free_ char *stat = cg_read(r, dir, p, "cpu.stat");
	_cleanup_free_ char *ev = cg_read(r, dir, p, "memory.events");

	cg->version = 2;
	cg->have_cpu_max = cmax && hv_parse_cpu_max(cmax, &cg->quota_us, &cg->period_us) == 0;
	cg->have_weight = cg_limit(r, dir, p, "cpu.weight", &cg->weight);
	cg_str(r, dir, p, "cpuset.cpus.effective", cg->cpus, sizeof(cg->cpus));
	cg_str(r, dir, p, "cpuset.mems.effective", cg->mems, sizeof(cg->mems));
	cg->have_mem_max = cg_limit(r, dir, p, "memory.max", &cg->mem_max);
	cg->have_mem_high = cg_limit(r, dir, p, "memory.high", &cg->mem_high);
	cg->have_swap_max = cg_limit(r, dir, p, "memory.swap.max", &cg->swap_max);
	/* throttling fields exist only with the cpu controller enabled here */
	cg->have_cpu_stat = stat && hv_cg_keyed(stat, "nr_throttled", &cg->nr_throttled) == 0 &&
			    hv_cg_keyed(stat, "throttled_usec", &cg->throttled_us) == 0;
	if (cg->have_cpu_stat)
		hv_cg_keyed(stat, "nr_periods", &cg->nr_periods);
	if (ev && hv_cg_keyed(ev, "max", &cg->ev_max) == 0) {
		cg->have_mem_events = true;
		hv_cg_keyed(ev, "high", &cg->ev_high);
		hv_cg_keyed(ev, "oom", &cg->ev_oom);
		hv_cg_keyed(ev, "oom_kill", &cg->ev_oom_kill);
	}
	read_psi(r, dir, p, cg);
}

static void read_v1(const struct hv_root *r, struct hv_cgroup_where *w, bool vm,
		    struct hv_cgroup *cg)
{
	uint64_t q, per, shares;

	cg->version = 1;
	if (w->cpu_dir[0]) {
		_cleanup_free_ char *stat = NULL;
		const char *p;

		if (vm)
			hv_cgroup_vm_path(w->cpu);
		p = w->cpu;
		set_str(cg->path, sizeof(cg->path), p, strlen(p));
		if (cg_limit(r, w->cpu_dir, p, "cpu.cfs_quota_us", &q) &&
		    cg_limit(r, w->cpu_dir, p, "cpu.cfs_period_us", &per) && per && per != HV_CG_MAX) {
			cg->have_cpu_max = true;
			cg->quota_us = q;
			cg->period_us = per;
		}
		/* cpu.shares 2..262144 to weight 1..10000, as systemd and the kernel's cgroup v1/v2 map */
		if (cg_limit(r, w->cpu_dir, p, "cpu.shares", &shares) && shares >= 2 &&
		    shares <= 262144) {
			cg->have_weight = true;
			cg->weight = 1 + ((shares - 2) * 9999) / 262142;
		}
		stat = cg_read(r, w->cpu_dir, p, "cpu.stat");
		if (stat && hv_cg_keyed(stat, "nr_throttled", &cg->nr_throttled) == 0 &&
		    hv_cg_keyed(stat, "throttled_time", &cg->throttled_us) == 0) {
			cg->have_cpu_stat = true;
			cg->throttled_us /= 1000;  /* v1: ns */
			hv_cg_keyed(stat, "nr_periods", &cg->nr_periods);
		}
	}
	if (w->cpuset_dir[0]) {
		if (vm)
			hv_cgroup_vm_path(w->cpuset);
		cg_str(r, w->cpuset_dir, w->cpuset, "cpuset.effective_cpus", cg->cpus,
		       sizeof(cg->cpus));
		cg_str(r, w->cpuset_dir, w->cpuset, "cpuset.effective_mems", cg->mems,
		       sizeof(cg->mems));
	}
	if (w->memory_dir[0]) {
		_cleanup_free_ char *oom = NULL;
		uint64_t ms;

		if (vm)
			hv_cgroup_vm_path(w->memory);
		cg->have_mem_max = cg_limit(r, w->memory_dir, w->memory, "memory.limit_in_bytes",
					    &cg->mem_max);
		/* memsw = memory + swap: the swap part is what it adds to the memory limit */
		if (cg_limit(r, w->memory_dir, w->memory, "memory.memsw.limit_in_bytes", &ms)) {
			cg->have_swap_max = true;
			cg->swap_max = ms == HV_CG_MAX || !cg->have_mem_max ? HV_CG_MAX :
				       ms > cg->mem_max ? ms - cg->mem_max : 0;
		}
		if (cg_limit(r, w->memory_dir, w->memory, "memory.failcnt", &cg->ev_max)) {
			cg->have_mem_events = true;
			oom = cg_read(r, w->memory_dir, w->memory, "memory.oom_control");
			if (oom)
				hv_cg_keyed(oom, "oom_kill", &cg->ev_oom_kill);
			cg->ev_oom = cg->ev_oom_kill;
		}
	}
}

int hv_cgroup_where_read(const struct hv_root *r, int pid, int tid, struct hv_cgroup_where *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n;

	if (tid > 0 && tid != pid)
		n = hv_root_read_maxf(r, CG_FILE_MAX, &buf, "/proc/%d/task/%d/cgroup", pid, tid);
	else
		n = hv_root_read_maxf(r, CG_FILE_MAX, &buf, "/proc/%d/cgroup", pid);
	if (n < 0)
		return (int)n;
	return hv_parse_proc_cgroup(buf, out) < 0 ? -ENOENT : 0;
}

const char *hv_cgroup_where_path(const struct hv_cgroup_where *w)
{
	if (w->cpu_dir[0])
		return w->cpu;
	if (w->memory_dir[0])
		return w->memory;
	return w->have_v2 ? w->v2 : "";
}

int hv_cgroup_read_where(const struct hv_root *r, struct hv_cgroup_where *w, bool vm,
			 struct hv_cgroup *out)
{
	memset(out, 0, sizeof(*out));
	if (w->cpu_dir[0] || w->memory_dir[0]) {
		read_v1(r, w, vm, out);
		return 0;
	}
	if (!w->have_v2)
		return -ENOENT;
	if (vm)
		hv_cgroup_vm_path(w->v2);
	set_str(out->path, sizeof(out->path), w->v2, strlen(w->v2));
	/* hybrid hierarchies mount v2 at unified/ (then it has no controllers) */
	if (hv_root_existsf(r, CG_ROOT "/cgroup.controllers") == 0)
		read_v2(r, "", out);
	else
		read_v2(r, "unified", out);
	return 0;
}

int hv_cgroup_read(const struct hv_root *r, int pid, int tid, bool vm, struct hv_cgroup *out)
{
	struct hv_cgroup_where w;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hv_cgroup_where_read(r, pid, tid, &w);
	if (rc < 0)
		return rc;
	return hv_cgroup_read_where(r, &w, vm, out);
}
