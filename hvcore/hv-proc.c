// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-proc: /proc parsers and VM discovery (see hv-proc.h). Every read goes
 * through struct hv_root, so the discovery runs unchanged on fixture trees.
 */
#include "hvcore/hv-proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-libvirt.h"
#include "hvcore/hv-log.h"

/* Limits on what /proc (or a fixture) may make us hold. */
#define PROC_SMALL_MAX (64u << 10)   /* stat, status, schedstat, syscall, comm */
#define PROC_CMDLINE_MAX (256u << 10)
#define MAX_TASKS (1u << 20)
#define MAX_VCPUS 4096

/* x86-64: ioctl is syscall 16; KVM_RUN is _IO(KVMIO=0xAE, 0x80) (linux/kvm.h). */
#define NR_IOCTL_X86_64 16
#define KVM_RUN_IOCTL 0xae80u

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

	if (!p || hv_parse_u64(p, 10, &v) < 0 || v >= MAX_VCPUS || !isdigit((unsigned char)*p))
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
				out->smp = (int)HV_MIN(strtoul(p, NULL, 10), (unsigned long)MAX_VCPUS);
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

static int parse_pid_name(const char *s)
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
		int t = parse_pid_name(de->d_name);

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

/* ---- discovery ---------------------------------------------------------- */

const char *hv_vcpu_src_name(enum hv_vcpu_src s)
{
	switch (s) {
	case HV_VCPU_SRC_LIBVIRT:
		return "libvirt";
	case HV_VCPU_SRC_COMM:
		return "thread-name";
	case HV_VCPU_SRC_DEBUGFS:
		return "debugfs";
	case HV_VCPU_SRC_SYSCALL:
		return "syscall";
	default:
		return "none";
	}
}

void hv_vm_clear(struct hv_vm *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->uuid);
	free(vm->vcpus);
	memset(vm, 0, sizeof(*vm));
}

/* A process we looked at: a VM, or not (cached, re-checked later). */
struct proc_ent {
	int pid;
	bool is_vm;
	double checked;    /* caller's clock when last examined */
	double first;      /* when first seen */
	int *tids;         /* VMs: the thread list the vCPU map was made from */
	size_t ntids;
	bool incomplete;   /* VMs: some vCPU fds have no thread yet: retry */
	bool seen;         /* in this scan's /proc listing */
	struct hv_vm vm;
};

struct hv_vm_scan {
	struct proc_ent *ents;   /* sorted by pid */
	size_t n, cap;
	struct hv_vm *out;       /* the result of the last scan (shallow copies) */
	size_t nout;
};

/* Re-check a non-VM process this often (s): a VMM creates its VM right after it starts. */
#define RECHECK_YOUNG_S 1.0
#define RECHECK_OLD_S 30.0
#define YOUNG_S 10.0

int hv_vm_scan_new(struct hv_vm_scan **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void ent_clear(struct proc_ent *e)
{
	free(e->tids);
	hv_vm_clear(&e->vm);
}

void hv_vm_scan_free(struct hv_vm_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		ent_clear(&s->ents[i]);
	free(s->ents);
	free(s->out);
	free(s);
}

static struct proc_ent *ent_find(struct hv_vm_scan *s, int pid)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->ents[mid].pid == pid)
			return &s->ents[mid];
		if (s->ents[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* /proc lists pids ascending, so appends keep the array sorted; sort once otherwise. */
static struct proc_ent *ent_add(struct hv_vm_scan *s, int pid, bool *unsorted)
{
	struct proc_ent *e;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct proc_ent *n = realloc(s->ents, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->ents = n;
		s->cap = cap;
	}
	if (s->n && s->ents[s->n - 1].pid > pid)
		*unsorted = true;
	e = &s->ents[s->n++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	return e;
}

static int cmp_ent(const void *a, const void *b)
{
	return cmp_int(&((const struct proc_ent *)a)->pid, &((const struct proc_ent *)b)->pid);
}

/* Bit set of vCPU fd indexes: which anon_inode:kvm-vcpu:N a process holds. */
struct fdinfo {
	bool kvm_vm;
	int nvcpu;
	int max_index;
	int vm_fd;  /* the kvm-vm fd number (for debugfs kvm/<pid>-<fd>) */
	int *fd_of;  /* when set: fd_of[N] = the fd number of kvm-vcpu:N, N < nfd_of */
	int *stats_of;  /* when set: the same for the VMM's own kvm-vcpu-stats:N fds */
	int nfd_of;
};

static int scan_fds(const struct hv_root *r, int pid, struct fdinfo *fi)
{
	int *fd_of = fi->fd_of, *stats_of = fi->stats_of, nfd_of = fi->nfd_of;

	DIR *d = hv_root_opendirf(r, "/proc/%d/fd", pid);
	struct dirent *de;

	memset(fi, 0, sizeof(*fi));
	fi->max_index = -1;
	fi->vm_fd = -1;
	fi->fd_of = fd_of;
	fi->stats_of = stats_of;
	fi->nfd_of = nfd_of;
	for (int i = 0; i < nfd_of; i++) {
		fd_of[i] = -1;
		if (stats_of)
			stats_of[i] = -1;
	}
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *link = NULL;
		int fd = parse_pid_name(de->d_name), idx;
		const char *p;
		uint64_t sidx;

		if (fd < 0 && strcmp(de->d_name, "0") != 0)
			continue;
		if (fd < 0)
			fd = 0;
		if (hv_root_readlinkf(r, &link, "/proc/%d/fd/%s", pid, de->d_name) < 0)
			continue;
		if (!hv_startswith(link, "anon_inode:kvm-"))
			continue;
		if (strcmp(link, "anon_inode:kvm-vm") == 0) {
			fi->kvm_vm = true;
			fi->vm_fd = fd;
		} else if ((idx = hv_parse_vcpu_fd_link(link)) >= 0) {
			fi->nvcpu++;
			fi->max_index = HV_MAX(fi->max_index, idx);
			if (idx < nfd_of)
				fd_of[idx] = fd;
		} else if (stats_of && (p = hv_startswith(link, "anon_inode:kvm-vcpu-stats:")) &&
			   hv_parse_u64(p, 10, &sidx) == 0 && sidx < (uint64_t)nfd_of) {
			stats_of[sidx] = fd;
		}
	}
	closedir(d);
	return 0;
}

int hv_proc_vcpu_fds(const struct hv_root *r, int pid, int *fd_of, int *stats_of, int n)
{
	struct fdinfo fi = { .fd_of = fd_of, .stats_of = stats_of, .nfd_of = n };
	int rc = scan_fds(r, pid, &fi);

	if (rc < 0)
		return rc;
	return fi.kvm_vm ? fi.nvcpu : -ENOENT;
}

int hv_proc_kvm_vm(const struct hv_root *r, int pid)
{
	struct fdinfo fi = { 0 };
	int rc = scan_fds(r, pid, &fi);

	if (rc < 0)
		return rc;
	return fi.kvm_vm;
}

static int vm_add_vcpu(struct hv_vm *vm, int index, int tid, enum hv_vcpu_src src)
{
	struct hv_vcpu *n;

	for (size_t i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i].index != index)
			continue;
		if (vm->vcpus[i].tid == 0) {
			vm->vcpus[i].tid = tid;
			vm->vcpus[i].src = src;
		}
		return 0;  /* first source wins */
	}
	if (vm->nvcpus >= MAX_VCPUS)
		return -EFBIG;
	n = realloc(vm->vcpus, (vm->nvcpus + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	vm->vcpus = n;
	vm->vcpus[vm->nvcpus++] = (struct hv_vcpu){ .index = index, .tid = tid, .src = src };
	return 0;
}

static bool tid_mapped(const struct hv_vm *vm, int tid)
{
	for (size_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].tid == tid)
			return true;
	return false;
}

static bool tid_in(const int *tids, size_t n, int tid)
{
	return bsearch(&tid, tids, n, sizeof(*tids), cmp_int) != NULL;
}

static int cmp_vcpu(const void *a, const void *b)
{
	return cmp_int(&((const struct hv_vcpu *)a)->index, &((const struct hv_vcpu *)b)->index);
}

/* debugfs kvm/<pid>-<vmfd>/vcpuN/pid: mode 0444, so readable under lockdown. */
static void map_debugfs(const struct hv_root *r, struct hv_vm *vm, int vm_fd, const int *tids,
			size_t ntids)
{
	DIR *d;
	struct dirent *de;

	if (vm_fd < 0)
		return;
	d = hv_root_opendirf(r, "/sys/kernel/debug/kvm/%d-%d", vm->pid, vm_fd);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = hv_startswith(de->d_name, "vcpu");
		uint64_t idx, tid;

		if (!p || hv_parse_u64(p, 10, &idx) < 0 || idx >= MAX_VCPUS)
			continue;
		if (hv_root_read_u64f(r, &tid, "/sys/kernel/debug/kvm/%d-%d/%s/pid", vm->pid, vm_fd,
				      de->d_name) < 0 || tid == 0 || tid > INT_MAX)
			continue;
		if (tid_in(tids, ntids, (int)tid) && !tid_mapped(vm, (int)tid))
			vm_add_vcpu(vm, (int)idx, (int)tid, HV_VCPU_SRC_DEBUGFS);
	}
	closedir(d);
}

/* A thread blocked in ioctl(fd, KVM_RUN) on a kvm-vcpu:N fd runs vCPU N. */
static int vcpu_from_syscall(const struct hv_root *r, int pid, int tid)
{
	_cleanup_free_ char *buf = NULL, *link = NULL;
	struct hv_stat st;
	uint64_t args[6];
	long nr;
	int rc;

	/* PF_USER_WORKER threads (kvm-nx-lpage-recovery) inherit the registers of
	 * the vCPU thread that created them, and so look blocked in KVM_RUN too. */
	if (hv_read_stat(r, pid, tid, &st) < 0 || (st.flags & (HV_PF_USER_WORKER | HV_PF_KTHREAD)))
		return -ENOENT;
	if (strcmp(st.comm, "kvm-nx-lpage-re") == 0)
		return -ENOENT;  /* the worker's name, for kernels without PF_USER_WORKER */
	rc = (int)read_task(r, pid, tid, "syscall", &buf);
	if (rc < 0)
		return rc;
	rc = hv_parse_syscall(buf, &nr, args);
	if (rc < 0)
		return rc;
	if (nr != NR_IOCTL_X86_64 || args[1] != KVM_RUN_IOCTL || args[0] > INT_MAX)
		return -ENOENT;
	if (hv_root_readlinkf(r, &link, "/proc/%d/fd/%d", pid, (int)args[0]) < 0)
		return -ENOENT;
	return hv_parse_vcpu_fd_link(link);
}

/* Build @e->vm's vCPU map from its threads; sets e->incomplete when a vCPU has no thread yet. */
static void map_vcpus(const struct hv_root *r, struct proc_ent *e, const struct fdinfo *fi,
		      const struct hv_libvirt_dom *lv)
{
	struct hv_vm *vm = &e->vm;
	size_t i;
	int unmapped = 0;

	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nvcpus = 0;
	if (lv) {
		for (i = 0; i < lv->nvcpus; i++)
			if (tid_in(e->tids, e->ntids, lv->vcpus[i].tid))
				vm_add_vcpu(vm, lv->vcpus[i].id, lv->vcpus[i].tid, HV_VCPU_SRC_LIBVIRT);
	}
	for (i = 0; i < e->ntids; i++) {
		_cleanup_free_ char *comm = NULL;
		char accel[16];
		int idx;

		if (tid_mapped(vm, e->tids[i]))
			continue;
		if (hv_root_read_linef(r, &comm, "/proc/%d/task/%d/comm", e->pid, e->tids[i]) < 0)
			continue;
		idx = hv_parse_vcpu_comm(comm, accel, sizeof(accel));
		if (idx < 0)
			continue;
		vm_add_vcpu(vm, idx, e->tids[i], HV_VCPU_SRC_COMM);
		if (strcmp(accel, "TCG") == 0)
			vm->accel = HV_ACCEL_TCG;
		else if (strcmp(accel, "KVM") == 0)
			vm->accel = HV_ACCEL_KVM;
		vm->debug_threads = true;
	}
	if (fi && fi->nvcpu > (int)vm->nvcpus) {
		int running_tid = 0;

		map_debugfs(r, vm, fi->vm_fd, e->tids, e->ntids);
		for (i = 0; i < e->ntids && fi->nvcpu > (int)vm->nvcpus; i++) {
			int idx, tries = 0;

			if (tid_mapped(vm, e->tids[i]))
				continue;
			/* "running": on a CPU right now (maybe in guest mode); look again briefly */
			do
				idx = vcpu_from_syscall(r, e->pid, e->tids[i]);
			while (idx == -EAGAIN && ++tries < 3 && hv_root_is_live(r) && sched_yield() == 0);
			if (idx == -EAGAIN) {
				unmapped++;
				running_tid = e->tids[i];
			}
			if (idx >= 0)
				vm_add_vcpu(vm, idx, e->tids[i], HV_VCPU_SRC_SYSCALL);
		}
		/* By elimination: one vCPU fd left and one thread that never left the CPU
		 * (a busy vCPU stays in guest mode, so its syscall file says "running"). */
		if (unmapped == 1 && fi->nvcpu == (int)vm->nvcpus + 1) {
			for (int idx = 0; idx <= fi->max_index; idx++) {
				bool used = false;

				for (size_t k = 0; k < vm->nvcpus; k++)
					used |= vm->vcpus[k].index == idx;
				if (!used) {
					vm_add_vcpu(vm, idx, running_tid, HV_VCPU_SRC_SYSCALL);
					break;
				}
			}
		}
	}
	/* vCPUs KVM knows (fds) whose thread is still unknown are shown without one. */
	if (fi) {
		for (int idx = 0; idx <= fi->max_index && vm->nvcpus < (size_t)fi->nvcpu; idx++)
			vm_add_vcpu(vm, idx, 0, HV_VCPU_SRC_NONE);
	}
	e->incomplete = false;
	for (i = 0; i < vm->nvcpus; i++)
		if (!vm->vcpus[i].tid)
			e->incomplete = true;
	if (vm->nvcpus)
		qsort(vm->vcpus, vm->nvcpus, sizeof(*vm->vcpus), cmp_vcpu);
}

/* Is @e's process a VM? Fills e->vm when it is. 1 yes, 0 no, -errno. */
static int examine(const struct hv_root *r, struct proc_ent *e)
{
	_cleanup_free_ char *cmdline = NULL;
	struct hv_libvirt_dom lv = { 0 };
	struct hv_qemu_cmdline qc;
	struct hv_stat st;
	struct fdinfo fi = { 0 };
	bool fds_hidden;
	ssize_t clen;
	int rc;

	rc = hv_read_stat(r, e->pid, 0, &st);
	if (rc < 0)
		return rc;
	if (st.flags & HV_PF_KTHREAD)
		return 0;
	rc = scan_fds(r, e->pid, &fi);
	/* Another user's process (not root): its fds are hidden, its command line is not. */
	fds_hidden = rc == -EACCES || rc == -EPERM;
	if (rc < 0)
		memset(&fi, 0, sizeof(fi));
	/* Without a kvm-vm fd, only a QEMU process can be a (TCG) guest: check its comm first. */
	if (!fi.kvm_vm && !hv_startswith(st.comm, "qemu"))
		return 0;
	clen = hv_root_read_maxf(r, PROC_CMDLINE_MAX, &cmdline, "/proc/%d/cmdline", e->pid);
	hv_parse_qemu_cmdline(clen > 0 ? cmdline : "", clen > 0 ? (size_t)clen : 0, &qc);
	if (!fi.kvm_vm && !qc.is_qemu)
		return 0;
	if (!fi.kvm_vm && qc.accel_kvm && !fds_hidden)
		return 0;  /* a KVM qemu before KVM_CREATE_VM (or after failing): not a guest yet */

	hv_vm_clear(&e->vm);
	e->vm.pid = e->pid;
	e->vm.starttime = st.starttime;
	/* QEMU's default accelerator is TCG; thread names ("CPU N/KVM") correct it below. */
	e->vm.accel = fi.kvm_vm || (fds_hidden && qc.accel_kvm) ? HV_ACCEL_KVM : HV_ACCEL_TCG;
	e->vm.nvcpu_fds = fi.kvm_vm ? fi.nvcpu : -1;
	e->vm.debug_threads = qc.debug_threads;
	e->vm.mem = qc.mem;
	e->vm.vm_fd = fi.kvm_vm ? fi.vm_fd : -1;
	e->vm.ram_mb = qc.ram_mb ? qc.ram_mb : (qc.is_qemu ? 128 : 0);
	if (hv_libvirt_find_pid(r, e->pid, &lv) == 0) {
		if (lv.name) {
			e->vm.name = strdup(lv.name);
			e->vm.name_src = "libvirt";
		}
		e->vm.uuid = lv.uuid ? strdup(lv.uuid) : NULL;
		if (lv.mem_kib)
			e->vm.ram_mb = lv.mem_kib / 1024;
		/* libvirt's <memoryBacking> is the configuration; the command line fills the rest */
		hv_mem_backing_merge(&lv.mem, &e->vm.mem);
		e->vm.mem = lv.mem;
	}
	hv_mem_backing_resolve(r, &e->vm.mem);
	e->vm.hugetlb = e->vm.mem.kind == HV_MEM_HUGETLBFS || e->vm.mem.kind == HV_MEM_MEMFD_HUGE;
	if (!e->vm.name && qc.name[0]) {
		e->vm.name = strdup(qc.name);
		e->vm.name_src = "cmdline";
	}
	if (!e->vm.name) {
		e->vm.name = strdup(st.comm);
		e->vm.name_src = "comm";
	}
	if (!e->vm.name) {
		hv_libvirt_dom_clear(&lv);
		return -ENOMEM;
	}
	free(e->tids);
	e->tids = NULL;
	e->ntids = 0;
	if (hv_list_tasks(r, e->pid, &e->tids, &e->ntids) == 0)
		map_vcpus(r, e, fi.kvm_vm ? &fi : NULL, lv.pid ? &lv : NULL);
	hv_libvirt_dom_clear(&lv);
	e->is_vm = true;
	return 1;
}

static bool same_tids(const int *a, size_t na, const int *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* A known VM: re-map its vCPUs when its threads changed or a vCPU is still unmapped. */
static void refresh_vm(const struct hv_root *r, struct proc_ent *e)
{
	int *tids = NULL;
	size_t n = 0;
	struct fdinfo fi = { 0 };
	struct hv_libvirt_dom lv = { 0 };
	bool have_lv;

	if (hv_list_tasks(r, e->pid, &tids, &n) < 0)
		return;
	if (same_tids(tids, n, e->tids, e->ntids) && !e->incomplete) {
		free(tids);
		return;
	}
	free(e->tids);
	e->tids = tids;
	e->ntids = n;
	if (e->vm.nvcpu_fds >= 0) {  /* its fds were readable */
		if (scan_fds(r, e->pid, &fi) < 0 || !fi.kvm_vm) {
			/* exiting (a zombie has no fds left): no longer a VM */
			e->is_vm = false;
			e->checked = -1e9;
			return;
		}
		e->vm.nvcpu_fds = fi.nvcpu;
	}
	have_lv = hv_libvirt_find_pid(r, e->pid, &lv) == 0;
	map_vcpus(r, e, e->vm.nvcpu_fds >= 0 ? &fi : NULL, have_lv ? &lv : NULL);
	hv_libvirt_dom_clear(&lv);
}

int hv_vm_scan_run(struct hv_vm_scan *s, const struct hv_root *r, double now_s,
		   const struct hv_vm **vms)
{
	DIR *d = hv_root_opendirf(r, "/proc");
	struct dirent *de;
	bool unsorted = false;
	size_t i, j, nvm = 0;

	if (!d)
		return -errno;
	for (i = 0; i < s->n; i++)
		s->ents[i].seen = false;
	while ((de = readdir(d))) {
		int pid = parse_pid_name(de->d_name);
		struct proc_ent *e;

		if (pid < 0)
			continue;
		e = unsorted ? NULL : ent_find(s, pid);
		if (unsorted)
			for (i = 0; i < s->n && !e; i++)
				if (s->ents[i].pid == pid)
					e = &s->ents[i];
		if (!e) {
			e = ent_add(s, pid, &unsorted);
			if (!e) {
				closedir(d);
				return -ENOMEM;
			}
			e->first = now_s;
			e->checked = -1e9;
		}
		e->seen = true;
	}
	closedir(d);
	if (unsorted)
		qsort(s->ents, s->n, sizeof(*s->ents), cmp_ent);
	/* Drop processes that are gone; examine the new and the due. */
	for (i = j = 0; i < s->n; i++) {
		struct proc_ent *e = &s->ents[i];

		if (!e->seen) {
			ent_clear(e);
			continue;
		}
		if (e->is_vm) {
			refresh_vm(r, e);
		} else {
			double every = now_s - e->first < YOUNG_S ? RECHECK_YOUNG_S : RECHECK_OLD_S;

			if (now_s - e->checked >= every) {
				e->checked = now_s;
				if (examine(r, e) < 0)
					e->is_vm = false;
			}
		}
		if (j != i)
			s->ents[j] = *e;
		j++;
	}
	s->n = j;
	for (i = 0; i < s->n; i++)
		nvm += s->ents[i].is_vm;
	free(s->out);
	s->out = nvm ? calloc(nvm, sizeof(*s->out)) : NULL;
	if (nvm && !s->out)
		return -ENOMEM;
	for (i = j = 0; i < s->n; i++)
		if (s->ents[i].is_vm)
			s->out[j++] = s->ents[i].vm;
	s->nout = nvm;
	*vms = s->out;
	return (int)nvm;
}
