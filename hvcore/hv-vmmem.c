// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-vmmem: guest RAM backing and resident split (see hv-vmmem.h). Every read
 * goes through struct hv_root; the parsers are fuzzed.
 */
#include "hvcore/hv-vmmem.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hvcore/hv-util.h"

#define SMALL_MAX (64u << 10)
#define MOUNTS_MAX (4u << 20)
#define NUMA_MAPS_MAX (64u << 20)

const char *hv_mem_kind_name(enum hv_mem_kind k)
{
	switch (k) {
	case HV_MEM_ANON:
		return "anon";
	case HV_MEM_MEMFD:
	case HV_MEM_MEMFD_HUGE:
		return "memfd";
	case HV_MEM_HUGETLBFS:
		return "hugetlbfs";
	case HV_MEM_FILE:
		return "file";
	case HV_MEM_MIXED:
		return "mixed";
	case HV_MEM_UNKNOWN:
		break;
	}
	return "";
}

/* 2048 -> "2M", 1048576 -> "1G", 64 -> "64K". */
static void fmt_page(uint64_t kib, char *buf, size_t len)
{
	if (kib >= 1024 * 1024 && kib % (1024 * 1024) == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(kib / (1024 * 1024)));
	else if (kib >= 1024 && kib % 1024 == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(kib / 1024));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)kib);
}

const char *hv_mem_backing_format(const struct hv_mem_backing *b, char *buf, size_t len)
{
	char page[24] = "";
	bool huge = b->kind == HV_MEM_HUGETLBFS || b->kind == HV_MEM_MEMFD_HUGE;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (b->kind == HV_MEM_UNKNOWN)
		return buf;
	if (huge && b->page_kib) {
		page[0] = ':';
		fmt_page(b->page_kib, page + 1, sizeof(page) - 1);
	}
	snprintf(buf, len, "%s%s%s%s", b->kind == HV_MEM_MEMFD_HUGE ? "memfd-huge" :
		 hv_mem_kind_name(b->kind), page, b->shared == HV_TRI_ON ? ",shared" : "",
		 b->prealloc == HV_TRI_ON ? ",prealloc" : "");
	return buf;
}

void hv_mem_backing_merge(struct hv_mem_backing *dst, const struct hv_mem_backing *src)
{
	if (src->kind != HV_MEM_UNKNOWN &&
	    (dst->kind == HV_MEM_UNKNOWN || dst->kind == HV_MEM_ANON))
		dst->kind = src->kind;
	if (!dst->page_kib)
		dst->page_kib = src->page_kib;
	if (dst->shared == HV_TRI_UNSET)
		dst->shared = src->shared;
	if (dst->prealloc == HV_TRI_UNSET)
		dst->prealloc = src->prealloc;
	if (!dst->path[0])
		memcpy(dst->path, src->path, sizeof(dst->path));
}

/* "pagesize=2M" (hugetlbfs mount option, or "2048k"): KiB, 0 when not understood. */
static uint64_t size_kib(const char *v)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*v))
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || n > (1ull << 40))
		return 0;
	switch (*end) {
	case 'k': case 'K':
		return n;
	case 'm': case 'M':
		return n * 1024;
	case 'g': case 'G':
		return n * 1024 * 1024;
	default:
		return n / 1024;  /* bytes */
	}
}

/* Is mount point @mp (octal escapes as in /proc/mounts) a directory prefix of @path? */
static size_t mount_prefix(const char *mp, const char *path)
{
	char dec[HV_MEM_PATH_MAX];
	size_t n = 0;

	for (const char *p = mp; *p && n + 1 < sizeof(dec); p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			dec[n++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			dec[n++] = *p;
		}
	}
	dec[n] = '\0';
	if (strcmp(dec, "/") == 0)
		return 1;
	if (strncmp(path, dec, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return 0;
	return n;
}

void hv_mem_backing_resolve_mounts(const char *mounts, struct hv_mem_backing *b)
{
	size_t best = 0;
	bool huge = false;
	uint64_t page = 0;
	const char *cur = mounts, *line;
	size_t ll;

	if (!b->path[0] || !mounts || (b->kind != HV_MEM_FILE && b->kind != HV_MEM_HUGETLBFS))
		return;
	while ((line = hv_next_line(&cur, &ll))) {
		char l[1024], *save = NULL, *dev, *mp, *fs, *opts;

		if (ll < sizeof(l)) {
			memcpy(l, line, ll);
			l[ll] = '\0';
			dev = strtok_r(l, " \t", &save);
			mp = dev ? strtok_r(NULL, " \t", &save) : NULL;
			fs = mp ? strtok_r(NULL, " \t", &save) : NULL;
			opts = fs ? strtok_r(NULL, " \t", &save) : NULL;
			if (mp && fs) {
				size_t n = mount_prefix(mp, b->path);

				/* later mounts on the same point hide earlier ones: >= */
				if (n && n >= best) {
					const char *ps = opts ? strstr(opts, "pagesize=") : NULL;

					best = n;
					huge = strcmp(fs, "hugetlbfs") == 0;
					page = ps ? size_kib(ps + 9) : 0;
				}
			}
		}
	}
	if (!best)
		return;
	b->kind = huge ? HV_MEM_HUGETLBFS : HV_MEM_FILE;
	if (huge && !b->page_kib)
		b->page_kib = page;
}

void hv_mem_backing_resolve(const struct hv_root *r, struct hv_mem_backing *b)
{
	_cleanup_free_ char *buf = NULL;

	if (!b->path[0])
		return;
	if (hv_root_read_maxf(r, MOUNTS_MAX, &buf, "/proc/mounts") < 0)
		return;
	hv_mem_backing_resolve_mounts(buf, b);
}

/* The number after "Key:" on a line, in the line's unit (kB): digits only, saturating; 0 if none. */
static uint64_t num_at(const char *v)
{
	uint64_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	return hv_dec_prefix(v, &n, NULL) == 0 ? n : 0;
}

/* Calls @fn for each "Key<sep>value" line of @buf (the key without @sep). */
static void each_kv(const char *buf, char sep,
		    void (*fn)(const char *key, size_t kl, const char *v, void *), void *arg)
{
	const char *cur = buf, *line;
	size_t ll;

	while ((line = hv_next_line(&cur, &ll))) {
		const char *end = line + ll;
		const char *colon = memchr(line, sep, (size_t)(end - line));

		if (colon)
			fn(line, (size_t)(colon - line), colon + 1, arg);
	}
}

static bool key_is(const char *key, size_t kl, const char *want)
{
	return strlen(want) == kl && memcmp(key, want, kl) == 0;
}

static void smaps_kv(const char *key, size_t kl, const char *v, void *arg)
{
	struct hv_smaps_rollup *o = arg;
	static const struct { const char *k; size_t off; } f[] = {
		{ "Rss", offsetof(struct hv_smaps_rollup, rss) },
		{ "Pss", offsetof(struct hv_smaps_rollup, pss) },
		{ "Anonymous", offsetof(struct hv_smaps_rollup, anonymous) },
		{ "AnonHugePages", offsetof(struct hv_smaps_rollup, anon_huge) },
		{ "ShmemPmdMapped", offsetof(struct hv_smaps_rollup, shmem_pmd) },
		{ "FilePmdMapped", offsetof(struct hv_smaps_rollup, file_pmd) },
		{ "Shared_Hugetlb", offsetof(struct hv_smaps_rollup, shared_hugetlb) },
		{ "Private_Hugetlb", offsetof(struct hv_smaps_rollup, private_hugetlb) },
		{ "Swap", offsetof(struct hv_smaps_rollup, swap) },
		{ "SwapPss", offsetof(struct hv_smaps_rollup, swap_pss) },
		{ "Locked", offsetof(struct hv_smaps_rollup, locked) },
		{ "KSM", offsetof(struct hv_smaps_rollup, ksm) },
	};

	for (size_t i = 0; i < HV_ARRAY_SIZE(f); i++)
		if (key_is(key, kl, f[i].k)) {
			*(uint64_t *)((char *)o + f[i].off) = num_at(v);
			if (f[i].off == offsetof(struct hv_smaps_rollup, ksm))
				o->have_ksm = true;
			o->have_rss |= f[i].off == offsetof(struct hv_smaps_rollup, rss);
		}
}

int hv_parse_smaps_rollup(const char *buf, struct hv_smaps_rollup *out)
{
	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	each_kv(buf, ':', smaps_kv, out);
	/* The header line is the address range; without an Rss line it is not smaps. */
	return out->have_rss ? 0 : -EINVAL;
}

int hv_read_smaps_rollup(const struct hv_root *r, int pid, struct hv_smaps_rollup *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = hv_root_read_maxf(r, SMALL_MAX, &buf, "/proc/%d/smaps_rollup", pid);

	if (n < 0)
		return (int)n;
	return hv_parse_smaps_rollup(buf, out);
}

static void ksm_kv(const char *key, size_t kl, const char *v, void *arg)
{
	struct hv_ksm_stat *o = arg;
	int64_t *dst = key_is(key, kl, "ksm_rmap_items") ? &o->rmap_items :
		       key_is(key, kl, "ksm_merging_pages") ? &o->merging_pages :
		       key_is(key, kl, "ksm_zero_pages") ? &o->zero_pages :
		       key_is(key, kl, "ksm_process_profit") ? &o->profit : NULL;
	bool neg;
	uint64_t n;

	if (!dst)
		return;
	while (*v == ' ' || *v == '\t')
		v++;
	neg = *v == '-';  /* the profit is negative while the rmap items cost more */
	n = num_at(v + neg);
	if (n > INT64_MAX)
		n = INT64_MAX;
	*dst = neg ? -(int64_t)n : (int64_t)n;
}

int hv_parse_ksm_stat(const char *buf, struct hv_ksm_stat *out)
{
	if (!buf || !out)
		return -EINVAL;
	out->rmap_items = out->merging_pages = out->zero_pages = out->profit = -1;
	/* "ksm_rmap_items 12" (fs/proc/base.c proc_pid_ksm_stat); the yes/no lines have colons */
	each_kv(buf, ' ', ksm_kv, out);
	return out->rmap_items >= 0 || out->merging_pages >= 0 ? 0 : -EINVAL;
}

int hv_read_ksm(const struct hv_root *r, int pid, uint64_t *merging, uint64_t *zero)
{
	_cleanup_free_ char *buf = NULL;
	struct hv_ksm_stat ks = { -1, -1, -1, -1 };
	uint64_t m = 0;
	int rc_m, rc_s = -ENOENT;

	rc_m = hv_root_read_u64f(r, &m, "/proc/%d/ksm_merging_pages", pid);
	if (hv_root_read_maxf(r, SMALL_MAX, &buf, "/proc/%d/ksm_stat", pid) >= 0)
		rc_s = hv_parse_ksm_stat(buf, &ks);
	if (rc_m < 0 && rc_s < 0)
		return rc_m == -ENOENT ? rc_s : rc_m;
	if (rc_m < 0)
		m = ks.merging_pages > 0 ? (uint64_t)ks.merging_pages : 0;
	*merging = m;
	*zero = ks.zero_pages > 0 ? (uint64_t)ks.zero_pages : 0;
	return 0;
}

/*
 * numa_maps (proc(5)): "ADDR POLICY [key[=value]]..." per mapping, where
 * N<node>=<pages> counts the mapping's pages on a node and kernelpagesize_kB
 * gives their size (hugetlb: 2048 or 1048576).
 */
int hv_parse_numa_maps(const char *buf, struct hv_numa_mem *out)
{
	const char *cur = buf, *line;
	size_t ll;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	while ((line = hv_next_line(&cur, &ll))) {
		const char *end = line + ll;
		uint64_t pages[HV_NUMA_MAX_NODES] = { 0 };
		uint64_t psize = 4;
		bool huge = false, any = false;
		const char *p = line;

		while (p < end) {
			const char *w = p, *we;

			while (w < end && *w == ' ')
				w++;
			we = w;
			while (we < end && *we != ' ')
				we++;
			p = we;
			if (we == w)
				break;
			if (w[0] == 'N' && w + 1 < we && isdigit((unsigned char)w[1])) {
				const char *eq = memchr(w, '=', (size_t)(we - w));
				uint64_t node = 0;

				if (!eq)
					continue;
				for (const char *d = w + 1; d < eq && isdigit((unsigned char)*d); d++)
					node = node > 100000 ? node : node * 10 + (uint64_t)(*d - '0');
				if (node < HV_NUMA_MAX_NODES) {
					pages[node] = num_at(eq + 1);
					any = true;
				}
			} else if ((size_t)(we - w) > 18 &&
				   memcmp(w, "kernelpagesize_kB=", 18) == 0) {
				psize = num_at(w + 18);
			} else if ((size_t)(we - w) == 4 && memcmp(w, "huge", 4) == 0) {
				huge = true;
			}
		}
		if (any)
			for (int n = 0; n < HV_NUMA_MAX_NODES; n++) {
				uint64_t kib;

				if (!pages[n])
					continue;
				kib = psize && pages[n] > UINT64_MAX / psize ? UINT64_MAX : pages[n] * psize;
				out->kib[n] = out->kib[n] > UINT64_MAX - kib ? UINT64_MAX : out->kib[n] + kib;
				if (huge)
					out->huge_kib[n] += kib;
				if (n + 1 > out->nnodes)
					out->nnodes = n + 1;
			}
	}
	return 0;
}

int hv_read_numa_maps(const struct hv_root *r, int pid, struct hv_numa_mem *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = hv_root_read_maxf(r, NUMA_MAPS_MAX, &buf, "/proc/%d/numa_maps", pid);

	if (n < 0)
		return (int)n;
	return hv_parse_numa_maps(buf, out);
}

int hv_numa_main_node(const struct hv_numa_mem *m)
{
	int best = -1;

	for (int n = 0; n < m->nnodes && n < HV_NUMA_MAX_NODES; n++)
		if (m->kib[n] && (best < 0 || m->kib[n] > m->kib[best]))
			best = n;
	return best;
}

int hv_read_cpu_nodes(const struct hv_root *r, int *node_of, unsigned int ncpus)
{
	DIR *d = hv_root_opendirf(r, "/sys/devices/system/node");
	struct dirent *de;
	uint8_t map[HV_NUMA_MAX_CPUS / 8];
	int nodes = 0;

	for (unsigned int c = 0; c < ncpus; c++)
		node_of[c] = -1;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	if (ncpus > HV_NUMA_MAX_CPUS)
		ncpus = HV_NUMA_MAX_CPUS;
	while ((de = readdir(d))) {
		_cleanup_free_ char *list = NULL;
		const char *p = hv_startswith(de->d_name, "node");
		uint64_t node;

		if (!p || hv_parse_u64(p, 10, &node) < 0 || node >= HV_NUMA_MAX_NODES)
			continue;
		if (hv_root_read_linef(r, &list, "/sys/devices/system/node/%s/cpulist", de->d_name) < 0)
			continue;
		nodes++;
		memset(map, 0, sizeof(map));
		if (!list[0] || hv_cpulist_parse(list, map, sizeof(map), HV_NUMA_MAX_CPUS) < 0)
			continue;  /* a memory-only node has an empty cpulist */
		for (unsigned int c = 0; c < ncpus; c++)
			if (map[c / 8] & (1u << (c % 8)))
				node_of[c] = (int)node;
	}
	closedir(d);
	return nodes;
}

uint64_t hv_mem_parse_size(const char *s)
{
	static const char suf[] = "BKMGTPE";
	const char *u;
	char *end;
	unsigned long long n;
	int shift;

	if (!s || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return 0;
	if (!*end)
		return n;
	u = strchr(suf, toupper((unsigned char)*end));
	if (!u || end[1])
		return 0;
	shift = (int)(u - suf) * 10;
	if (shift && n > (UINT64_MAX >> shift))
		return 0;
	return (uint64_t)n << shift;
}

/* QEMU's boolean option values (qapi/opts-visitor: on/off, yes/no, true/false). */
static enum hv_tri tri_of(const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
		return HV_TRI_ON;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
		return HV_TRI_OFF;
	return HV_TRI_UNSET;
}

static enum hv_mem_kind kind_of(const char *type)
{
	if (!strcmp(type, "memory-backend-ram"))
		return HV_MEM_ANON;
	if (!strcmp(type, "memory-backend-memfd"))
		return HV_MEM_MEMFD;
	if (!strcmp(type, "memory-backend-file"))
		return HV_MEM_FILE;
	return HV_MEM_UNKNOWN;
}

/* One property of a memory backend object; @v is its text ("on", "2M", a path). */
static void obj_prop(struct hv_mem_object *o, const char *k, const char *v, bool *hugetlb)
{
	if (!strcmp(k, "id"))
		snprintf(o->id, sizeof(o->id), "%s", v);
	else if (!strcmp(k, "size"))
		o->size = hv_mem_parse_size(v);
	else if (!strcmp(k, "mem-path"))
		snprintf(o->b.path, sizeof(o->b.path), "%s", v);
	else if (!strcmp(k, "share"))
		o->b.shared = tri_of(v);
	else if (!strcmp(k, "prealloc"))
		o->b.prealloc = tri_of(v);
	else if (!strcmp(k, "hugetlb"))
		*hugetlb = tri_of(v) == HV_TRI_ON;
	else if (!strcmp(k, "hugetlbsize"))
		o->b.page_kib = hv_mem_parse_size(v) / 1024;
}

/* Backend defaults (backends/hostmem-*.c): memfd is shared unless share=off. */
static void obj_finish(struct hv_mem_object *o, bool hugetlb)
{
	if (o->b.kind == HV_MEM_MEMFD) {
		if (hugetlb)
			o->b.kind = HV_MEM_MEMFD_HUGE;
		if (o->b.shared == HV_TRI_UNSET)
			o->b.shared = HV_TRI_ON;
	}
	if (o->b.kind == HV_MEM_FILE && strstr(o->b.path, "huge"))
		o->b.kind = HV_MEM_HUGETLBFS;  /* until the mount table says otherwise */
	if (o->b.kind != HV_MEM_MEMFD_HUGE && o->b.kind != HV_MEM_HUGETLBFS)
		o->b.page_kib = 0;
}

static int parse_object_json(const char *arg, struct hv_mem_object *o)
{
	json_t *j = json_loads(arg, JSON_DISABLE_EOF_CHECK, NULL), *v;
	const char *k, *type;
	bool hugetlb = false;

	if (!j || !json_is_object(j)) {
		json_decref(j);
		return -EINVAL;
	}
	type = json_string_value(json_object_get(j, "qom-type"));
	o->b.kind = type ? kind_of(type) : HV_MEM_UNKNOWN;
	if (o->b.kind == HV_MEM_UNKNOWN) {
		json_decref(j);
		return 0;
	}
	json_object_foreach(j, k, v) {
		char num[32];
		const char *s = num;

		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_true(v))
			s = "on";
		else if (json_is_false(v))
			s = "off";
		else if (json_is_integer(v) && json_integer_value(v) >= 0)
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		else
			continue;
		obj_prop(o, k, s, &hugetlb);
	}
	json_decref(j);
	obj_finish(o, hugetlb);
	return 1;
}

int hv_mem_parse_object(const char *arg, struct hv_mem_object *out)
{
	char tmp[HV_MEM_PATH_MAX + 64];
	const char *p;
	bool hugetlb = false;
	size_t tl;

	if (!arg || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (arg[0] == '{')
		return parse_object_json(arg, out);
	/* "TYPE,key=value,..." (or "qom-type=TYPE,..."); ",," escapes a comma: not handled */
	p = hv_startswith(arg, "qom-type=");
	p = p ? p : arg;
	tl = strcspn(p, ",");
	if (tl >= sizeof(tmp))
		return 0;
	memcpy(tmp, p, tl);
	tmp[tl] = '\0';
	out->b.kind = kind_of(tmp);
	if (out->b.kind == HV_MEM_UNKNOWN)
		return 0;
	for (p = arg; p && *p;) {
		const char *c = strchr(p, ','), *eq;
		size_t n = c ? (size_t)(c - p) : strlen(p);

		eq = memchr(p, '=', n);
		if (eq && n < sizeof(tmp)) {
			memcpy(tmp, p, n);
			tmp[n] = '\0';
			tmp[eq - p] = '\0';
			obj_prop(out, tmp, tmp + (eq - p) + 1, &hugetlb);
		}
		p = c ? c + 1 : NULL;
	}
	obj_finish(out, hugetlb);
	return 1;
}
