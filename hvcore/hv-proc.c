// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-proc: /proc parsers and per-task reads (see hv-proc.h); VM discovery,
 * built on them and used by vhv-top, is hv-vmscan.c. Every read goes through
 * struct hv_root, so both run unchanged on fixture trees.
 */
#include "hvcore/hv-proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-log.h"

/* Limits on what /proc (or a fixture) may make us hold. */
#define PROC_SMALL_MAX (64u << 10)   /* stat, status, schedstat, syscall, comm */
#define MAX_TASKS (1u << 20)

/* ---- parsers ------------------------------------------------------------ */

static const char *next_field(const char *p, const char **end)
{
	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return NULL;
	*end = p;
	while (**end && **end != ' ' && **end != '\n')
		(*end)++;
	return p;
}

static int field_u64(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (s == e)
		return -EINVAL;
	for (; s < e; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int field_s64(const char *s, const char *e, int64_t *out)
{
	bool neg = s < e && *s == '-';
	uint64_t v;
	int rc = field_u64(s + neg, e, &v);

	if (rc < 0)
		return rc;
	if (v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int hv_parse_stat(const char *buf, struct hv_stat *out)
{
	const char *open, *close, *p, *s, *e;
	int64_t pid;
	size_t n;
	int field;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->processor = -1;
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -EINVAL;
	p = buf;
	s = next_field(p, &e);
	if (!s || e > open || field_s64(s, e, &pid) < 0 || pid <= 0 || pid > INT_MAX)
		return -EINVAL;
	out->pid = (int)pid;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	p = close + 1;
	for (field = 3; (s = next_field(p, &e)); field++, p = e) {
		uint64_t u = 0;
		int64_t v = 0;
		int rc = 0;

		switch (field) {
		case 3:
			if (e - s != 1)
				return -EINVAL;
			out->state = *s;
			break;
		case 4:
			rc = field_s64(s, e, &v);
			out->ppid = (int)HV_MAX(HV_MIN(v, INT_MAX), -1);
			break;
		case 9:
			rc = field_u64(s, e, &out->flags);
			break;
		case 14:
			rc = field_u64(s, e, &out->utime);
			break;
		case 15:
			rc = field_u64(s, e, &out->stime);
			break;
		case 18:
			rc = field_s64(s, e, &out->priority);
			break;
		case 19:
			rc = field_s64(s, e, &out->nice);
			break;
		case 20:
			rc = field_s64(s, e, &out->num_threads);
			break;
		case 22:
			rc = field_u64(s, e, &out->starttime);
			break;
		case 24:
			rc = field_s64(s, e, &out->rss_pages);
			break;
		case 39:
			rc = field_s64(s, e, &v);
			out->processor = (v >= 0 && v <= INT_MAX) ? (int)v : -1;
			break;
		case 40:
			rc = field_u64(s, e, &out->rt_priority);
			break;
		case 41:
			rc = field_u64(s, e, &out->policy);
			break;
		case 43:
			rc = field_u64(s, e, &out->guest_time);
			break;
		default:
			(void)u;
			break;
		}
		if (rc < 0)
			return -EINVAL;
	}
	/* Fields up to starttime exist since Linux 2.6; fewer is not a stat file. */
	return field > 22 ? 0 : -EINVAL;
}

/* "Key:\tvalue" lines; @key includes the colon. Returns the value (NUL-ended at the line end in @line). */
static const char *status_value(char *line, const char *key)
{
	const char *v = hv_startswith(line, key);

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

static uint64_t kb_value(const char *v)
{
	uint64_t n = 0;

	while (isdigit((unsigned char)*v) && n < UINT64_MAX / 10)
		n = n * 10 + (uint64_t)(*v++ - '0');
	return n;
}

int hv_parse_status(const char *buf, struct hv_status *out)
{
	_cleanup_free_ char *copy = NULL;
	char *line, *save = NULL;
	bool name = false, pid = false;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	copy = strdup(buf);
	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *v;

		if (hv_startswith(line, "Name:")) {
			name = true;
		} else if ((v = status_value(line, "Pid:"))) {
			pid = true;
		} else if ((v = status_value(line, "Tgid:"))) {
			out->tgid = (int)HV_MIN(kb_value(v), (uint64_t)INT_MAX);
		} else if ((v = status_value(line, "VmRSS:"))) {
			out->vm_rss_kb = kb_value(v);
		} else if ((v = status_value(line, "RssAnon:"))) {
			out->rss_anon_kb = kb_value(v);
			out->have_rss_split = true;
		} else if ((v = status_value(line, "RssFile:"))) {
			out->rss_file_kb = kb_value(v);
		} else if ((v = status_value(line, "RssShmem:"))) {
			out->rss_shmem_kb = kb_value(v);
		} else if ((v = status_value(line, "VmSwap:"))) {
			out->swap_kb = kb_value(v);
		} else if ((v = status_value(line, "HugetlbPages:"))) {
			out->hugetlb_kb = kb_value(v);
		} else if ((v = status_value(line, "voluntary_ctxt_switches:"))) {
			out->vcsw = kb_value(v);
		} else if ((v = status_value(line, "nonvoluntary_ctxt_switches:"))) {
			out->ivcsw = kb_value(v);
		} else if ((v = status_value(line, "Cpus_allowed_list:"))) {
			size_t n = strlen(v), max = sizeof(out->cpus_allowed) - 1;

			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			if (n > max) {
				memcpy(out->cpus_allowed, v, max - 1);
				out->cpus_allowed[max - 1] = '+';
				out->cpus_allowed[max] = '\0';
			} else {
				memcpy(out->cpus_allowed, v, n);
				out->cpus_allowed[n] = '\0';
			}
		}
	}
	return name && pid ? 0 : -EINVAL;
}

int hv_parse_schedstat(const char *buf, struct hv_schedstat *out)
{
	const char *p = buf, *s, *e;
	uint64_t v[3];

	if (!buf || !out)
		return -EINVAL;
	for (int i = 0; i < 3; i++) {
		s = next_field(p, &e);
		if (!s || field_u64(s, e, &v[i]) < 0)
			return -EINVAL;
		p = e;
	}
	out->run_ns = v[0];
	out->wait_ns = v[1];
	out->slices = v[2];
	return 0;
}

int hv_parse_syscall(const char *buf, long *nr, uint64_t args[6])
{
	const char *p = buf, *s, *e;
	int64_t n;

	if (!buf || !nr || !args)
		return -EINVAL;
	if (hv_startswith(buf, "running"))
		return -EAGAIN;
	s = next_field(p, &e);
	if (!s || field_s64(s, e, &n) < 0 || n < -1 || n > 100000)
		return -EINVAL;
	*nr = (long)n;
	memset(args, 0, 6 * sizeof(*args));
	if (n < 0)
		return 0;  /* "-1 SP PC": blocked, not in a syscall */
	p = e;
	for (int i = 0; i < 6; i++) {
		char tmp[24];
		size_t len;

		s = next_field(p, &e);
		if (!s)
			return -EINVAL;
		len = (size_t)(e - s);
		if (len >= sizeof(tmp) || len < 3 || s[0] != '0' || s[1] != 'x')
			return -EINVAL;
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		if (hv_parse_u64(tmp, 16, &args[i]) < 0)
			return -EINVAL;
		p = e;
	}
	return 0;
}

int hv_parse_vcpu_comm(const char *comm, char *accel, size_t accel_len)
{
	const char *p = hv_startswith(comm ? comm : "", "CPU ");
	long idx = 0;
	int digits = 0;

	if (!p)
		return -EINVAL;
	while (isdigit((unsigned char)*p) && digits < 5) {
		idx = idx * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || *p != '/' || !p[1])
		return -EINVAL;
	p++;
	/* qemu: "CPU %d/%s" with the accelerator's name: KVM, TCG, HVF, WHPX... */
	for (const char *q = p; *q; q++)
		if (!isalnum((unsigned char)*q) && *q != '-' && *q != '_')
			return -EINVAL;
	if (accel && accel_len) {
		snprintf(accel, accel_len, "%s", p);
	}
	return (int)idx;
}

int hv_parse_vcpu_fd_link(const char *link)
{
	const char *p = hv_startswith(link ? link : "", "anon_inode:kvm-vcpu:");
	uint64_t v;

	if (!p || hv_parse_u64(p, 10, &v) < 0 || v >= HV_MAX_VCPUS || !isdigit((unsigned char)*p))
		return -EINVAL;
	return (int)v;
}

/* "-m 512", "-m size=2G,slots=..", "-m 1G": MiB. */
static uint64_t parse_mem_mb(const char *v)
{
	const char *p = strstr(v, "size=");
	char *end;
	unsigned long long n;

	p = p ? p + 5 : v;
	if (!isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	n = strtoull(p, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'k': case 'K':
		return n / 1024;
	case 'g': case 'G':
		return n > UINT64_MAX / 1024 ? 0 : n * 1024;
	case 't': case 'T':
		return n > UINT64_MAX / (1024 * 1024) ? 0 : n * 1024 * 1024;
	case 'b': case 'B':
		return n / (1024 * 1024);
	default:
		return n;  /* QEMU: a plain number is MiB */
	}
}

/* Value of "key=" in a comma-separated option string into @dst; false when absent. */
static bool opt_value(const char *opts, const char *key, char *dst, size_t len)
{
	size_t kl = strlen(key);
	const char *p = opts;

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1, *e = strchr(v, ',');
			size_t n = e ? (size_t)(e - v) : strlen(v);

			if (n >= len)
				n = len - 1;
			memcpy(dst, v, n);
			dst[n] = '\0';
			return true;
		}
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Remember a backend id the machine uses as RAM (at most 16). */
static void used_id(char used[][64], size_t *n, const char *id)
{
	if (*n < 16)
		snprintf(used[(*n)++], 64, "%.63s", id);
}

/*
 * The RAM's backing from what the command line said: the backends named as
 * RAM (one kind, or "mixed"), else -mem-path, else the backends given, else
 * anonymous memory; the
 * options (shared, prealloc) hold when every RAM backend has them.
 */
static void mem_backing(struct hv_qemu_cmdline *out, const struct hv_mem_object *objs, size_t nobj,
			char used[][64], size_t nused, const struct hv_mem_backing *mp)
{
	struct hv_mem_backing *m = &out->mem;
	size_t nram = 0;
	/* no backend named as RAM: the backends given are (older QEMU, hand-made command lines) */
	bool all = !nused && mp->kind == HV_MEM_UNKNOWN;

	for (size_t u = 0; u < (all ? 1 : nused); u++)
		for (size_t o = 0; o < nobj; o++) {
			const struct hv_mem_backing *b = &objs[o].b;

			if (!all && strcmp(objs[o].id, used[u]) != 0)
				continue;
			if (nram++ == 0) {
				*m = *b;
			} else {
				if (m->kind != b->kind)
					m->kind = HV_MEM_MIXED;
				if (m->shared != b->shared)
					m->shared = HV_TRI_UNSET;
				if (m->prealloc != b->prealloc)
					m->prealloc = HV_TRI_UNSET;
				if (m->page_kib != b->page_kib)
					m->page_kib = 0;
			}
			if (!all)
				break;
		}
	if (!nram) {
		*m = *mp;
		if (m->kind == HV_MEM_UNKNOWN && out->is_qemu)
			m->kind = HV_MEM_ANON;
	} else if (mp->prealloc == HV_TRI_ON && m->prealloc == HV_TRI_UNSET) {
		m->prealloc = HV_TRI_ON;
	}
}

int hv_parse_qemu_cmdline(const char *buf, size_t len, struct hv_qemu_cmdline *out)
{
	const char *argv[512];
	size_t argc = 0, i = 0, nobj = 0, nused = 0;
	bool accel_seen = false;
	struct hv_mem_object objs[16];
	char used[16][64];
	struct hv_mem_backing mp = { 0 };

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	while (i < len && argc < HV_ARRAY_SIZE(argv)) {
		const char *a = buf + i;
		const char *nul = memchr(a, '\0', len - i);

		if (!nul)
			break;  /* an unterminated last argument is ignored */
		argv[argc++] = a;
		i += (size_t)(nul - a) + 1;
	}
	if (!argc)
		return 0;
	{
		const char *base = strrchr(argv[0], '/');

		base = base ? base + 1 : argv[0];
		out->is_qemu = hv_startswith(base, "qemu-system") || hv_startswith(base, "qemu-kvm");
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char tmp[256];

		if (a[0] == '-' && a[1] == '-')
			a++;  /* QEMU accepts --opt as -opt */
		if (strcmp(a, "-enable-kvm") == 0) {
			if (!accel_seen)
				out->accel_kvm = true;
			accel_seen = true;
			continue;
		}
		if (strcmp(a, "-mem-prealloc") == 0) {
			mp.prealloc = HV_TRI_ON;
			continue;
		}
		if (!v)
			continue;
		if (strcmp(a, "-name") == 0) {
			/* "-name [guest=]NAME[,process=P][,debug-threads=on]" (qemu-options.hx) */
			size_t first = strcspn(v, ",");

			if (!memchr(v, '=', first))
				snprintf(out->name, sizeof(out->name), "%.*s", (int)first, v);
			if (opt_value(v, "guest", tmp, sizeof(tmp)))
				snprintf(out->name, sizeof(out->name), "%.127s", tmp);
			if (opt_value(v, "debug-threads", tmp, sizeof(tmp)))
				out->debug_threads = strcmp(tmp, "on") == 0 || strcmp(tmp, "yes") == 0 ||
						     strcmp(tmp, "true") == 0;
			i++;
		} else if (strcmp(a, "-accel") == 0 || strcmp(a, "-machine") == 0 ||
			   strcmp(a, "-M") == 0) {
			const char *acc = NULL;

			if (strcmp(a, "-accel") == 0)
				acc = opt_value(v, "accel", tmp, sizeof(tmp)) ? tmp : v;
			else if (opt_value(v, "accel", tmp, sizeof(tmp)))
				acc = tmp;
			if (acc && !accel_seen) {
				/* "accel=kvm:tcg": the first one that works; assume the first. */
				if (hv_startswith(acc, "kvm"))
					out->accel_kvm = true;
				else if (hv_startswith(acc, "tcg"))
					out->accel_tcg = true;
				accel_seen = true;
			}
			i++;
		} else if (strcmp(a, "-m") == 0) {
			out->ram_mb = parse_mem_mb(v);
			i++;
		} else if (strcmp(a, "-smp") == 0) {
			const char *p = v;

			if (opt_value(v, "cpus", tmp, sizeof(tmp)))
				p = tmp;
			if (isdigit((unsigned char)*p))
				out->smp = (int)HV_MIN(strtoul(p, NULL, 10), (unsigned long)HV_MAX_VCPUS);
			i++;
		} else if (strcmp(a, "-mem-path") == 0) {
			snprintf(mp.path, sizeof(mp.path), "%s", v);
			mp.kind = strstr(v, "huge") ? HV_MEM_HUGETLBFS : HV_MEM_FILE;
			i++;
		} else if (strcmp(a, "-object") == 0) {
			if (nobj < HV_ARRAY_SIZE(objs) && hv_mem_parse_object(v, &objs[nobj]) == 1)
				nobj++;
			i++;
		}
		/* the backends that are RAM: -machine memory-backend=ID, -numa node,memdev=ID */
		if ((strcmp(a, "-machine") == 0 || strcmp(a, "-M") == 0) &&
		    opt_value(v, "memory-backend", tmp, sizeof(tmp)))
			used_id(used, &nused, tmp);
		if (strcmp(a, "-numa") == 0 && opt_value(v, "memdev", tmp, sizeof(tmp))) {
			used_id(used, &nused, tmp);
			i++;
		}
	}
	mem_backing(out, objs, nobj, used, nused, &mp);
	return 0;
}

/* ---- per-task reads ----------------------------------------------------- */

static ssize_t read_task(const struct hv_root *r, int pid, int tid, const char *file, char **out)
{
	if (tid > 0 && tid != pid)
		return hv_root_read_maxf(r, PROC_SMALL_MAX, out, "/proc/%d/task/%d/%s", pid, tid, file);
	return hv_root_read_maxf(r, PROC_SMALL_MAX, out, "/proc/%d/%s", pid, file);
}

int hv_read_stat(const struct hv_root *r, int pid, int tid, struct hv_stat *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_task(r, pid, tid, "stat", &buf);

	if (n < 0)
		return (int)n;
	return hv_parse_stat(buf, out);
}

int hv_read_status(const struct hv_root *r, int pid, int tid, struct hv_status *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_task(r, pid, tid, "status", &buf);

	if (n < 0)
		return (int)n;
	return hv_parse_status(buf, out);
}

int hv_read_schedstat(const struct hv_root *r, int pid, int tid, struct hv_schedstat *out)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_task(r, pid, tid, "schedstat", &buf);

	if (n < 0)
		return (int)n;
	return hv_parse_schedstat(buf, out);
}

int hv_read_syscall(const struct hv_root *r, int pid, int tid, long *nr, uint64_t args[6])
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_task(r, pid, tid, "syscall", &buf);

	return n < 0 ? (int)n : hv_parse_syscall(buf, nr, args);
}

void hv_task_fds_init(struct hv_task_fds *t, int pid, int tid)
{
	t->pid = pid;
	t->tid = tid;
	for (int i = 0; i < HV_TASK_NFILES; i++)
		t->fd[i] = -1;
}

void hv_task_fds_close(struct hv_task_fds *t)
{
	for (int i = 0; i < HV_TASK_NFILES; i++) {
		if (t->fd[i] >= 0)
			close(t->fd[i]);
		t->fd[i] = -1;
	}
}

ssize_t hv_task_read(const struct hv_root *r, struct hv_task_fds *t, enum hv_task_file f, char *buf,
		     size_t len)
{
	static const char *const names[HV_TASK_NFILES] = { "stat", "status", "schedstat" };
	ssize_t n;

	if (f >= HV_TASK_NFILES || len < 2)
		return -EINVAL;
	if (t->fd[f] < 0) {
		int fd;

		if (t->tid > 0 && t->tid != t->pid)
			fd = hv_root_open_regf(r, "/proc/%d/task/%d/%s", t->pid, t->tid, names[f]);
		else if (t->tid > 0)
			fd = hv_root_open_regf(r, "/proc/%d/task/%d/%s", t->pid, t->pid, names[f]);
		else
			fd = hv_root_open_regf(r, "/proc/%d/%s", t->pid, names[f]);
		if (fd == -EMFILE || fd == -ENFILE) {
			/* out of descriptors: read once without keeping the file */
			_cleanup_free_ char *tmp = NULL;

			n = t->tid > 0 ? hv_root_read_maxf(r, len - 1, &tmp, "/proc/%d/task/%d/%s",
							   t->pid, t->tid, names[f])
				       : hv_root_read_maxf(r, len - 1, &tmp, "/proc/%d/%s", t->pid,
							   names[f]);
			if (n >= 0)
				memcpy(buf, tmp, (size_t)n + 1);
			return n;
		}
		if (fd < 0)
			return fd;
		t->fd[f] = fd;
	}
	do
		n = pread(t->fd[f], buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int hv_task_stat(const struct hv_root *r, struct hv_task_fds *t, struct hv_stat *out)
{
	char buf[1024];
	ssize_t n = hv_task_read(r, t, HV_TASK_STAT, buf, sizeof(buf));

	return n < 0 ? (int)n : hv_parse_stat(buf, out);
}

int hv_task_status(const struct hv_root *r, struct hv_task_fds *t, struct hv_status *out)
{
	char buf[8192];
	ssize_t n = hv_task_read(r, t, HV_TASK_STATUS, buf, sizeof(buf));

	return n < 0 ? (int)n : hv_parse_status(buf, out);
}

int hv_task_schedstat(const struct hv_root *r, struct hv_task_fds *t, struct hv_schedstat *out)
{
	char buf[128];
	ssize_t n = hv_task_read(r, t, HV_TASK_SCHEDSTAT, buf, sizeof(buf));

	return n < 0 ? (int)n : hv_parse_schedstat(buf, out);
}

int hv_parse_pid(const char *s)
{
	uint64_t v;

	if (!isdigit((unsigned char)s[0]) || hv_parse_u64(s, 10, &v) < 0 || v == 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int hv_list_tasks(const struct hv_root *r, int pid, int **tids, size_t *n)
{
	DIR *d = hv_root_opendirf(r, "/proc/%d/task", pid);
	struct dirent *de;
	int *v = NULL;
	size_t len = 0, cap = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int t = hv_parse_pid(de->d_name);

		if (t < 0)
			continue;
		if (len == cap) {
			int *nv;

			if (cap >= MAX_TASKS) {
				free(v);
				closedir(d);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[len++] = t;
	}
	closedir(d);
	if (len)
		qsort(v, len, sizeof(*v), cmp_int);
	*tids = v;
	*n = len;
	return 0;
}
