// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-platform: the helpers and parsers the platform checks (Xen, IOMMU,
 * memory, devices, cgroups, secure guests: probe-xen.c, probe-iommu.c,
 * probe-mem.c, probe-dev.c, probe-cgroup.c, probe-secure.c) share. Their rows
 * are in probe.c's table.
 */
#include "probe/probe-platform.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "hvcore/hv-report.h"
#include "probe/probe-internal.h"

/* ---- small helpers ---- */

const char *probe_clean(const char *s, char *out, size_t len)
{
	size_t i;

	if (!len)
		return "";
	for (i = 0; s && s[i] && i + 1 < len; i++)
		out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	out[i] = '\0';
	return out;
}

int probe_parse_kbool(const char *s)
{
	char buf[8];
	size_t n;

	if (!s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	n = strcspn(s, " \t\n");
	if (n == 0 || n >= sizeof(buf) || s[n + strspn(s + n, " \t\n")])
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!strcmp(buf, "Y") || !strcmp(buf, "y") || !strcmp(buf, "1"))
		return 1;
	if (!strcmp(buf, "N") || !strcmp(buf, "n") || !strcmp(buf, "0"))
		return 0;
	return -EINVAL;
}

bool probe_platform_need_dir(struct hv_check_ctx *ctx, const char *path)
{
	struct stat st;
	struct hv_finding *f;

	if (hv_root_statf(ctx->root, &st, "%s", path) == 0 && S_ISDIR(st.st_mode))
		return false;
	if (!hv_root_is_live(ctx->root) && hv_root_kind(ctx->root) != HV_ROOT_FIXTURE) {
		/* a capture or a disk without it: said once for the run */
		hv_report_unknowable(ctx->rep, ctx->check->id, path);
		return true;
	}
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP,
			  "%s: %s is not present in this root", ctx->check->title, path);
	hv_finding_hint(f, "give a root captured from a running host, with %s", path);
	hv_finding_str(f, "path", path);
	return true;
}

/* ---- mounts ---- */

/* Decode the octal escapes the kernel uses in mount tables (\040 space, \011, \012, \134). */
static char *unescape(const char *s, size_t n)
{
	char *o = malloc(n + 1), *p = o;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			*p++ = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) |
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return o;
}

/* Fields looked at per line: mountinfo has 10 plus optional tags (shared:N master:N ...). */
#define MAX_FIELDS 64

/* Split @line on blanks into at most MAX_FIELDS (start, length) pairs. Returns the count. */
static size_t split_fields(const char *line, size_t len, const char **f, size_t *fl)
{
	size_t n = 0, i = 0;

	while (i < len && n < MAX_FIELDS) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	return n;
}

static int mounts_push(struct probe_mounts *out, const char **f, const size_t *fl, size_t src,
		       size_t tgt, size_t type, size_t opts, size_t super)
{
	struct probe_mount *m, *nv;

	if (out->n >= PROBE_MAX_MOUNTS)
		return -E2BIG;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;

		nv = realloc(out->v, cap * sizeof(*out->v));
		if (!nv)
			return -ENOMEM;
		out->v = nv;
		out->cap = cap;
	}
	m = &out->v[out->n];
	m->source = unescape(f[src], fl[src]);
	m->target = unescape(f[tgt], fl[tgt]);
	m->fstype = unescape(f[type], fl[type]);
	m->opts = unescape(f[opts], fl[opts]);
	m->super = unescape(f[super], fl[super]);
	out->n++;
	if (!m->source || !m->target || !m->fstype || !m->opts || !m->super)
		return -ENOMEM;
	return 0;
}

/* Call @fn for each line of @buf (no copy; lengths exclude the newline). */
static int each_line(const char *buf, struct probe_mounts *out,
		     int (*fn)(const char *line, size_t len, struct probe_mounts *out))
{
	const char *p = buf;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int rc;

		if (len) {
			rc = fn(p, len, out);
			if (rc < 0)
				return rc;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* mountinfo: ID PARENT MAJ:MIN ROOT TARGET OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
static int mountinfo_line(const char *line, size_t len, struct probe_mounts *out)
{
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS], n = split_fields(line, len, f, fl), sep;

	for (sep = 6; sep < n; sep++)
		if (fl[sep] == 1 && f[sep][0] == '-')
			break;
	if (n < 10 || sep >= n || n - sep < 4) {
		out->bad++;
		return 0;
	}
	return mounts_push(out, f, fl, sep + 2, 4, sep + 1, 5, sep + 3);
}

/* /proc/mounts: SOURCE TARGET FSTYPE OPTS FREQ PASSNO */
static int mounts_line(const char *line, size_t len, struct probe_mounts *out)
{
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS], n = split_fields(line, len, f, fl);

	if (n < 4 || f[1][0] != '/') {
		out->bad++;
		return 0;
	}
	return mounts_push(out, f, fl, 0, 1, 2, 3, 3);
}

int probe_mountinfo_parse(const char *buf, struct probe_mounts *out)
{
	return each_line(buf, out, mountinfo_line);
}

int probe_mounts_parse(const char *buf, struct probe_mounts *out)
{
	return each_line(buf, out, mounts_line);
}

void probe_mounts_clear(struct probe_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].source);
		free(m->v[i].target);
		free(m->v[i].fstype);
		free(m->v[i].opts);
		free(m->v[i].super);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int probe_mounts_get(struct probe_state *st, const struct probe_mounts **out)
{
	if (st->mounts) {
		*out = st->mounts;
		return 0;
	}
	if (st->mounts_err)
		return st->mounts_err;
	st->mounts = malloc(sizeof(*st->mounts));
	if (!st->mounts)
		return -ENOMEM;
	st->mounts_err = probe_mounts_read(st->root, st->mounts);
	if (st->mounts_err < 0) {
		free(st->mounts);
		st->mounts = NULL;
		return st->mounts_err;
	}
	*out = st->mounts;
	return 0;
}

void probe_mounts_free(struct probe_mounts *m)
{
	if (!m)
		return;
	probe_mounts_clear(m);
	free(m);
}

int probe_mounts_read(const struct hv_root *r, struct probe_mounts *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	n = hv_root_read_maxf(r, 16u << 20, &buf, "/proc/self/mountinfo");
	if (n >= 0) {
		out->path = "/proc/self/mountinfo";
		rc = probe_mountinfo_parse(buf, out);
	} else {
		n = hv_root_read_maxf(r, 16u << 20, &buf, "/proc/mounts");
		if (n < 0)
			return (int)n;
		out->path = "/proc/mounts";
		rc = probe_mounts_parse(buf, out);
	}
	if (rc < 0)
		probe_mounts_clear(out);
	return rc;
}

const struct probe_mount *probe_mounts_at(const struct probe_mounts *m, const char *target)
{
	for (size_t i = m->n; i-- > 0;)
		if (strcmp(m->v[i].target, target) == 0)
			return &m->v[i];
	return NULL;
}

bool probe_opt_has(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = opts;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && strncmp(p, opt, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* ---- device nodes ---- */

int probe_devnode_parse(const char *text, struct probe_devnode *out)
{
	char type;
	unsigned int maj, min, mode;
	int n, end;

	memset(out, 0, sizeof(*out));
	while (*text == ' ' || *text == '\t' || *text == '\n')
		text++;
	if (!*text) {
		out->is_chr = true;   /* an empty stand-in: a char device, details unknown */
		return 0;
	}
	end = 0;
	n = sscanf(text, "%c %u:%u %o%n", &type, &maj, &min, &mode, &end);
	if (n != 4 || (type != 'c' && type != 'b') || maj > 4095 || min > 1048575 || mode > 07777)
		return -EINVAL;
	/* whatever follows the mode ("root:kvm") must be a separate word */
	if (text[end] && text[end] != ' ' && text[end] != '\t' && text[end] != '\n')
		return -EINVAL;
	out->is_chr = type == 'c';
	out->is_blk = type == 'b';
	out->known = true;
	out->major = maj;
	out->minor = min;
	out->mode = mode;
	return 0;
}

int probe_devnode_get(const struct hv_root *r, const char *path, struct probe_devnode *out)
{
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hv_root_statf(r, &st, "%s", path);
	if (rc < 0)
		return rc;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		out->is_chr = S_ISCHR(st.st_mode);
		out->is_blk = S_ISBLK(st.st_mode);
		out->known = true;
		out->major = major(st.st_rdev);
		out->minor = minor(st.st_rdev);
		out->mode = st.st_mode & 07777;
		return 0;
	}
	if (S_ISREG(st.st_mode) && !hv_root_is_live(r)) {
		_cleanup_free_ char *buf = NULL;
		ssize_t n = hv_root_read_maxf(r, 256, &buf, "%s", path);

		if (n == -EFBIG)
			return -EINVAL;
		if (n < 0)
			return (int)n;
		return probe_devnode_parse(buf, out);
	}
	return 0;   /* exists, but is no device node */
}

/* ---- /proc/misc ---- */

bool probe_misc_has(const char *buf, const char *name)
{
	const char *p = buf;
	size_t n = strlen(name);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p, *e = p + len;

		while (q < e && (*q == ' ' || isdigit((unsigned char)*q)))
			q++;
		if (q > p && (size_t)(e - q) == n && strncmp(q, name, n) == 0)
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* ---- sysfs / procfs parsers ---- */

int probe_sysfs_choice(const char *text, char *out, size_t len)
{
	const char *open = strchr(text, '['), *close;

	if (!open)
		return -EINVAL;
	close = strchr(open + 1, ']');
	if (!close || strchr(close + 1, '[') || memchr(open + 1, '[', (size_t)(close - open - 1)))
		return -EINVAL;
	if (close == open + 1)
		return -EINVAL;
	if ((size_t)(close - open - 1) >= len)
		return -ENAMETOOLONG;
	memcpy(out, open + 1, (size_t)(close - open - 1));
	out[close - open - 1] = '\0';
	for (char *c = out; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '+' && *c != '_' && *c != '-')
			return -EINVAL;
	return 0;
}

int probe_hugepage_dir_kb(const char *name, uint64_t *kb)
{
	const char *p = hv_startswith(name, "hugepages-");
	char num[24];
	size_t n;

	if (!p)
		return -EINVAL;
	n = strlen(p);
	if (n < 3 || n - 2 >= sizeof(num) || strcmp(p + n - 2, "kB") != 0)
		return -EINVAL;
	memcpy(num, p, n - 2);
	num[n - 2] = '\0';
	for (size_t i = 0; num[i]; i++)
		if (!isdigit((unsigned char)num[i]))
			return -EINVAL;
	if (hv_parse_u64(num, 10, kb) < 0 || *kb == 0)
		return -EINVAL;
	return 0;
}

int probe_meminfo_get(const char *buf, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = buf;

	while (p && *p) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			char num[32];
			const char *q = p + klen + 1;
			size_t n = 0;

			while (*q == ' ' || *q == '\t')
				q++;
			while (isdigit((unsigned char)*q) && n + 1 < sizeof(num))
				num[n++] = *q++;
			num[n] = '\0';
			if (!n || (*q && *q != ' ' && *q != '\n'))
				return -EINVAL;
			return hv_parse_u64(num, 10, out) < 0 ? -EINVAL : 0;
		}
		p = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

int probe_proc_cgroups_enabled(const char *buf, const char *name)
{
	const char *p = buf;
	size_t n = strlen(name);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > n && strncmp(p, name, n) == 0 && (p[n] == '\t' || p[n] == ' ')) {
			const char *f[MAX_FIELDS];
			size_t fl[MAX_FIELDS], k = split_fields(p, len, f, fl);

			/* #subsys_name hierarchy num_cgroups enabled */
			if (k < 4 || fl[3] != 1 || (f[3][0] != '0' && f[3][0] != '1'))
				return -EINVAL;
			return f[3][0] == '1';
		}
		p = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

unsigned int probe_interrupts_scan(const char *buf)
{
	const char *p = buf;
	unsigned int m = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *f[MAX_FIELDS];
		size_t fl[MAX_FIELDS], k = split_fields(p, len, f, fl);

		for (size_t i = 1; i < k; i++) {
			if (fl[i] > 3 && strncmp(f[i], "IR-", 3) == 0)
				m |= PROBE_IRQ_REMAPPED;
			if (fl[i] > 4 && strncmp(f[i], "ITS-", 4) == 0)
				m |= PROBE_IRQ_ITS;
			for (size_t j = 0; j + 3 <= fl[i]; j++)
				if (strncmp(f[i] + j, "MSI", 3) == 0) {
					m |= PROBE_IRQ_MSI;
					break;
				}
		}
		p = nl ? nl + 1 : NULL;
	}
	return m;
}
