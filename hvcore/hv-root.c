// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-root: the sysroot (see hv-root.h). The live host is read with plain
 * absolute paths; any other root through openat2(RESOLVE_IN_ROOT), which the
 * kernel resolves with ".." and absolute symlinks clamped at the root, or, on
 * kernels without openat2, through hv_root_resolve()'s own walk.
 */
#include "hvcore/hv-root.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-root-ops.h"
#include "hvcore/hv-supportconfig.h"

#define HV_ROOT_READ_MAX (64u << 20)
#define HV_MAX_SYMLINKS 40

#define HV_ROOT_MAX_REFUSED 32

/* Files refused as no regular file; behind a pointer, as roots are passed const. */
struct refused {
	size_t n, told;   /* told: how many hv_root_refused_next() returned */
	char *what[HV_ROOT_MAX_REFUSED];   /* "/proc/cpuinfo is a FIFO" */
};

struct hv_root {
	char *prefix;
	int dirfd;    /* O_PATH of the root directory */
	enum hv_root_kind kind;
	struct refused *refused;
};

/*
 * Runtime state a capture holds and a disk does not: /proc/cpuinfo (a copy of
 * /proc, a sosreport), a sosreport's sos_commands/, a supportconfig's files.
 */
static bool captured(int dirfd)
{
	static const char *const marks[] = { "proc/cpuinfo", "proc/modules", "sos_commands",
					     "hardware.txt", "basic-environment.txt" };
	struct stat st;

	for (size_t i = 0; i < HV_ARRAY_SIZE(marks); i++)
		if (fstatat(dirfd, marks[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			return true;
	return false;
}

bool hv_root_has_host_data(const struct hv_root *r)
{
	static const char *const dirs[] = { "proc", "sys", "etc", "boot", "lib/modules",
					    "usr/lib/modules", "var/log", "dev" };
	struct stat st;

	if (r->kind != HV_ROOT_OFFLINE)
		return true;
	for (size_t i = 0; i < HV_ARRAY_SIZE(dirs); i++)
		if (fstatat(r->dirfd, dirs[i], &st, 0) == 0 && S_ISDIR(st.st_mode))
			return true;
	return false;
}

int hv_root_new(const char *prefix, struct hv_root **out)
{
	struct hv_root *r;
	struct stat st;
	bool live = !prefix || !*prefix;

	if (!live) {
		char *real = realpath(prefix, NULL);

		if (!real)
			return -errno;
		live = strcmp(real, "/") == 0;
		free(real);
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->prefix = strdup(live ? "/" : prefix);
	r->refused = calloc(1, sizeof(*r->refused));
	if (!r->prefix || !r->refused) {
		free(r->prefix);
		free(r->refused);
		free(r);
		return -ENOMEM;
	}
	r->dirfd = open(r->prefix, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0) {
		int e = errno;

		free(r->prefix);
		free(r->refused);
		free(r);
		return -e;
	}
	if (live)
		r->kind = HV_ROOT_LIVE;
	else if (fstatat(r->dirfd, ".vhv", &st, 0) == 0 && S_ISDIR(st.st_mode))
		r->kind = HV_ROOT_FIXTURE;
	else if (captured(r->dirfd))
		r->kind = HV_ROOT_CAPTURED;
	else
		r->kind = HV_ROOT_OFFLINE;
	/* -v: where every read of this run comes from */
	hv_info("reading %s: %s", r->prefix, (const char *const[]){
		[HV_ROOT_LIVE] = "the running host (files, uname, CPUID, /dev/kvm ioctls, the kernel log)",
		[HV_ROOT_FIXTURE] = "a fixture (non-file sources from its .vhv/)",
		[HV_ROOT_OFFLINE] = "an offline root (files only: no running kernel)",
		[HV_ROOT_CAPTURED] = "a captured host (files, and the runtime state it saved)",
	}[r->kind]);
	*out = r;
	return 0;
}

void hv_root_free(struct hv_root *r)
{
	if (!r)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	for (size_t i = 0; i < r->refused->n; i++)
		free(r->refused->what[i]);
	free(r->refused);
	free(r->prefix);
	free(r);
}

enum hv_root_kind hv_root_kind(const struct hv_root *r)
{
	return r->kind;
}

const char *hv_root_prefix(const struct hv_root *r)
{
	return r->prefix;
}

int hv_root_dirfd(const struct hv_root *r)
{
	return r->dirfd;
}

/* Lexical normalisation of an absolute path: "//", "." removed; ".." clamped at "/". */
static int normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	const char *p = in;

	if (len < 2)
		return -ENAMETOOLONG;
	out[o++] = '/';
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 1 && s[0] == '.')
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;      /* drop the slash too */
			continue;
		}
		if (o > 1) {
			if (o + 1 >= len)
				return -ENAMETOOLONG;
			out[o++] = '/';
		}
		if (o + n >= len)
			return -ENAMETOOLONG;
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

int hv_root_resolve(const struct hv_root *r, const char *path, bool must_exist, char **out)
{
	char done[PATH_MAX] = "/";  /* resolved part, always normalised */
	char todo[PATH_MAX];        /* what is left to walk */
	int links = 0;

	if (!path || path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(todo))
		return -ENAMETOOLONG;
	strcpy(todo, path);
	for (;;) {
		char *p = todo, *comp, link[PATH_MAX], next[PATH_MAX];
		struct stat st;
		ssize_t n;
		size_t dl;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		if (*p)
			*p++ = '\0';
		if (strcmp(comp, ".") == 0) {
			memmove(todo, p, strlen(p) + 1);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(done, '/');

			if (slash && slash != done)
				*slash = '\0';
			else
				strcpy(done, "/");
			memmove(todo, p, strlen(p) + 1);
			continue;
		}
		dl = strlen(done);
		if (dl + 1 + strlen(comp) >= sizeof(done))
			return -ENAMETOOLONG;
		if (dl > 1)
			done[dl++] = '/';
		strcpy(done + dl, comp);
		memmove(todo, p, strlen(p) + 1);
		if (fstatat(r->dirfd, done + 1, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && !must_exist && !todo[0])
				break;
			return -errno;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (todo[0] && !S_ISDIR(st.st_mode))
				return -ENOTDIR;
			continue;
		}
		if (++links > HV_MAX_SYMLINKS)
			return -ELOOP;
		n = readlinkat(r->dirfd, done + 1, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		link[n] = '\0';
		/* An absolute target restarts at the root; a relative one at the link's folder. */
		if (link[0] == '/') {
			strcpy(done, "/");
		} else {
			char *slash = strrchr(done, '/');

			if (slash && slash != done)
				*slash = '\0';
			else
				strcpy(done, "/");
		}
		if (snprintf(next, sizeof(next), "%s/%s", link, todo) >= (int)sizeof(next))
			return -ENAMETOOLONG;
		strcpy(todo, next);
	}
	{
		char norm[PATH_MAX];
		int rc = normalize(done, norm, sizeof(norm));

		if (rc < 0)
			return rc;
		*out = strdup(norm);
	}
	return *out ? 0 : -ENOMEM;
}

/* openat2 is in the kernel since 5.6; remember when it is not. */
static bool no_openat2;

static int root_open_in(const struct hv_root *r, const char *path, int flags);

/* Every open of a host file: -vv logs it, with what it came to. */
static int root_open(const struct hv_root *r, const char *path, int flags)
{
	int fd = root_open_in(r, path, flags);

	hv_dbg("open %s%s: %s", r->kind == HV_ROOT_LIVE ? "" : r->prefix, path,
	       fd < 0 ? strerror(-fd) : "ok");
	return fd;
}

static int root_open_in(const struct hv_root *r, const char *path, int flags)
{
	int fd;

	if (flags & O_CREAT)
		return -EINVAL;
	flags |= O_CLOEXEC;
	if (path[0] != '/')
		return -EINVAL;
	if (r->kind == HV_ROOT_LIVE) {
		fd = open(path, flags);
		return fd < 0 ? -errno : fd;
	}
	if (!no_openat2) {
		struct open_how how = {
			.flags = (uint64_t)flags,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, r->dirfd, path[1] ? path + 1 : ".", &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)  /* EPERM: seccomp filters */
			return -errno;
		no_openat2 = true;
	}
	{
		char *res;
		int rc = hv_root_resolve(r, path, true, &res);

		if (rc < 0)
			return rc;
		fd = openat(r->dirfd, res[1] ? res + 1 : ".", flags | O_NOFOLLOW);
		rc = fd < 0 ? -errno : fd;
		free(res);
		return rc;
	}
}

HV_PRINTF(3, 0) static int vpath(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, len, fmt, ap);

	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

#define VPATH(buf, fmt)                                   \
	char buf[PATH_MAX];                               \
	do {                                              \
		va_list ap_;                              \
		int rc_;                                  \
		va_start(ap_, fmt);                       \
		rc_ = vpath(buf, sizeof(buf), fmt, ap_);  \
		va_end(ap_);                              \
		if (rc_ < 0)                              \
			return rc_;                       \
	} while (0)

int hv_root_openf(const struct hv_root *r, int flags, const char *fmt, ...)
{
	VPATH(path, fmt);
	return root_open(r, path, flags);
}

/*
 * Open @path for reading, a regular file only: O_NONBLOCK so that a FIFO or a
 * device in a hostile root cannot block the open (issue 17), then the type
 * from fstat. Live /proc and /sys files are regular files too (of size 0).
 */
static const char *type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "no regular file";
}

/* Remember (once) and log a refused file, for hv_root_refused(). */
static void refuse(const struct hv_root *r, const char *path, mode_t m)
{
	struct refused *rf = r->refused;
	char *what;

	hv_warn("%s is %s, not a regular file: not read", path, type_name(m));
	for (size_t i = 0; i < rf->n; i++)
		if (hv_startswith(rf->what[i], path) && rf->what[i][strlen(path)] == ' ')
			return;
	if (rf->n >= HV_ROOT_MAX_REFUSED)
		return;
	what = hv_asprintf("%s is %s", path, type_name(m));
	if (what)
		rf->what[rf->n++] = what;
}

const char *hv_root_refused_next(const struct hv_root *r)
{
	struct refused *rf = r->refused;

	return rf->told < rf->n ? rf->what[rf->told++] : NULL;
}

static int open_reg(const struct hv_root *r, const char *path)
{
	struct stat st;
	int fd = root_open(r, path, O_RDONLY | O_NONBLOCK), rc = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
	} else if (!S_ISREG(st.st_mode)) {
		refuse(r, path, st.st_mode);
		rc = -HV_ENOTREG;
	}
	if (rc == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int hv_root_open_regf(const struct hv_root *r, const char *fmt, ...)
{
	VPATH(path, fmt);
	return open_reg(r, path);
}

static ssize_t read_path(const struct hv_root *r, size_t max, char **out, const char *path)
{
	int fd = open_reg(r, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = hv_read_fd_all(fd, max, out);
	close(fd);
	return n;
}

ssize_t hv_root_read_strf(const struct hv_root *r, char **out, const char *fmt, ...)
{
	VPATH(path, fmt);
	return read_path(r, HV_ROOT_READ_MAX, out, path);
}

ssize_t hv_root_read_maxf(const struct hv_root *r, size_t max, char **out, const char *fmt, ...)
{
	VPATH(path, fmt);
	return read_path(r, max, out, path);
}

static int read_line(const struct hv_root *r, char **out, const char *path)
{
	char *buf, *nl, *s;
	ssize_t n = read_path(r, 1u << 20, &buf, path);

	if (n < 0)
		return (int)n;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	s = hv_strstrip(buf);
	if (s != buf)
		memmove(buf, s, strlen(s) + 1);
	*out = buf;
	return 0;
}

int hv_root_read_linef(const struct hv_root *r, char **out, const char *fmt, ...)
{
	VPATH(path, fmt);
	return read_line(r, out, path);
}

int hv_root_read_u64f(const struct hv_root *r, uint64_t *out, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	int rc;

	VPATH(path, fmt);
	rc = read_line(r, &s, path);
	if (rc < 0)
		return rc;
	return hv_parse_u64(s, 0, out);
}

int hv_root_read_s64f(const struct hv_root *r, int64_t *out, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	int rc;

	VPATH(path, fmt);
	rc = read_line(r, &s, path);
	if (rc < 0)
		return rc;
	return hv_parse_s64(s, 0, out);
}

DIR *hv_root_opendirf(const struct hv_root *r, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int fd, rc;
	DIR *d;

	va_start(ap, fmt);
	rc = vpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	fd = root_open(r, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return d;
}

int hv_root_statf(const struct hv_root *r, struct stat *st, const char *fmt, ...)
{
	int fd, rc = 0;

	VPATH(path, fmt);
	if (r->kind == HV_ROOT_LIVE)
		return stat(path, st) < 0 ? -errno : 0;
	fd = root_open(r, path, O_PATH);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Open the parent folder of @path (O_PATH) and point *base at the last component. */
static int open_parent(const struct hv_root *r, char *path, const char **base)
{
	char *slash = strrchr(path, '/');
	int fd;

	if (!slash || !slash[1])
		return -EINVAL;
	*base = slash + 1;
	if (slash == path) {
		fd = root_open(r, "/", O_PATH | O_DIRECTORY);
	} else {
		*slash = '\0';
		fd = root_open(r, path, O_PATH | O_DIRECTORY);
		*slash = '/';
	}
	return fd;
}

int hv_root_lstatf(const struct hv_root *r, struct stat *st, const char *fmt, ...)
{
	const char *base;
	int fd, rc = 0;

	VPATH(path, fmt);
	if (r->kind == HV_ROOT_LIVE)
		return lstat(path, st) < 0 ? -errno : 0;
	fd = open_parent(r, path, &base);
	if (fd < 0)
		return fd;
	if (fstatat(fd, base, st, AT_SYMLINK_NOFOLLOW) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int hv_root_existsf(const struct hv_root *r, const char *fmt, ...)
{
	struct stat st;

	VPATH(path, fmt);
	return hv_root_statf(r, &st, "%s", path);
}

int hv_root_accessf(const struct hv_root *r, int mode, const char *fmt, ...)
{
	struct stat st;
	int rc;

	VPATH(path, fmt);
	if (r->kind == HV_ROOT_LIVE)
		return access(path, mode) < 0 ? -errno : 0;
	rc = hv_root_statf(r, &st, "%s", path);
	if (rc < 0 || mode == F_OK)
		return rc;
	if (geteuid() == 0) {
		if ((mode & X_OK) && !(st.st_mode & 0111) && !S_ISDIR(st.st_mode))
			return -EACCES;
		return 0;
	}
	{
		unsigned shift = st.st_uid == geteuid() ? 6 : st.st_gid == getegid() ? 3 : 0;
		unsigned bits = (st.st_mode >> shift) & 7;

		if (((mode & R_OK) && !(bits & 4)) || ((mode & W_OK) && !(bits & 2)) ||
		    ((mode & X_OK) && !(bits & 1)))
			return -EACCES;
	}
	return 0;
}

int hv_root_readlinkf(const struct hv_root *r, char **out, const char *fmt, ...)
{
	char buf[PATH_MAX];
	const char *base;
	ssize_t n;
	int fd;

	VPATH(path, fmt);
	if (r->kind == HV_ROOT_LIVE) {
		n = readlink(path, buf, sizeof(buf) - 1);
	} else {
		fd = open_parent(r, path, &base);
		if (fd < 0)
			return fd;
		n = readlinkat(fd, base, buf, sizeof(buf) - 1);
		if (n < 0)
			n = -errno;
		close(fd);
		if (n < 0)
			return (int)n;
	}
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

/* ---- non-file sources ---------------------------------------------------- */

int hv_root_fixture_read(const struct hv_root *r, const char *name, char **out)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/.vhv/%s", name);
	fd = open_reg(r, path);
	if (fd < 0)
		return fd;
	n = hv_read_fd_all(fd, HV_ROOT_READ_MAX, out);
	close(fd);
	return n < 0 ? (int)n : 0;
}

/*
 * A capture's kernel release: proc/sys/kernel/osrelease, "Linux version R" of
 * proc/version, or a sosreport's `uname -a` ("Linux HOST R ..."). -EOPNOTSUPP
 * when it holds none of them.
 */
static int captured_uname(const struct hv_root *r, struct utsname *u)
{
	_cleanup_free_ char *buf = NULL;
	char rel[65] = "";

	memset(u, 0, sizeof(*u));
	if (hv_root_read_linef(r, &buf, "/proc/sys/kernel/osrelease") == 0)
		snprintf(rel, sizeof(rel), "%s", buf);
	else if (hv_root_read_linef(r, &buf, "/proc/version") == 0)
		sscanf(buf, "Linux version %64s", rel);
	else if (hv_root_read_linef(r, &buf, "/sos_commands/kernel/uname_-a") == 0)
		sscanf(buf, "Linux %*s %64s", rel);
	else if (hv_root_supportconfig(r, "basic-environment.txt", "/bin/uname -a", &buf) >= 0)
		sscanf(buf, "Linux %*s %64s", rel);
	if (!rel[0] || strchr(rel, '/'))
		return -EOPNOTSUPP;
	snprintf(u->sysname, sizeof(u->sysname), "Linux");
	snprintf(u->release, sizeof(u->release), "%s", rel);
	return 0;
}

int hv_root_uname(const struct hv_root *r, struct utsname *u)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	if (r->kind == HV_ROOT_LIVE)
		return uname(u) < 0 ? -errno : 0;
	if (r->kind == HV_ROOT_CAPTURED)
		return captured_uname(r, u);
	if (r->kind == HV_ROOT_OFFLINE)
		return -EOPNOTSUPP;
	rc = hv_root_fixture_read(r, "uname", &buf);
	if (rc < 0)
		return rc;
	memset(u, 0, sizeof(*u));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v, *dst = NULL;

		if (line[0] == '#' || !hv_kv_split(line, '=', &k, &v))
			continue;
		line = k;
		if (!strcmp(line, "sysname"))
			dst = u->sysname;
		else if (!strcmp(line, "nodename"))
			dst = u->nodename;
		else if (!strcmp(line, "release"))
			dst = u->release;
		else if (!strcmp(line, "version"))
			dst = u->version;
		else if (!strcmp(line, "machine"))
			dst = u->machine;
		if (dst)
			snprintf(dst, sizeof(u->release), "%s", v);
	}
	return 0;
}

int hv_root_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	if (r->kind == HV_ROOT_LIVE)
		return hv_live_cpuid(leaf, subleaf, out);
	if (r->kind == HV_ROOT_OFFLINE || r->kind == HV_ROOT_CAPTURED)
		return -EOPNOTSUPP;
	rc = hv_root_fixture_read(r, "cpuid", &buf);
	if (rc < 0)
		return rc;
	out[0] = out[1] = out[2] = out[3] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int l, s, a, b, c, d;

		if (sscanf(line, " %x %x: eax=%x ebx=%x ecx=%x edx=%x", &l, &s, &a, &b, &c, &d) != 6)
			continue;
		if (l == leaf && s == subleaf) {
			out[0] = a;
			out[1] = b;
			out[2] = c;
			out[3] = d;
			break;
		}
	}
	return 0;
}

int hv_root_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	if (r->kind == HV_ROOT_LIVE) {
		int fd = hv_root_openf(r, O_RDONLY, "/dev/cpu/%d/msr", cpu);

		if (fd < 0)
			return fd;
		rc = hv_pread_full(fd, val, sizeof(*val), msr);
		close(fd);
		return rc == -ENODATA ? -EIO : rc;
	}
	if (r->kind == HV_ROOT_OFFLINE || r->kind == HV_ROOT_CAPTURED)
		return -EOPNOTSUPP;
	rc = hv_root_fixture_read(r, "msr", &buf);
	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long c, m, v;

		if (line[0] == '#' || sscanf(line, "%lli %lli %lli", &c, &m, &v) != 3)
			continue;
		if ((int)c == cpu && m == msr) {
			*val = v;
			return 0;
		}
	}
	return -EIO;  /* as the msr driver answers for an MSR the CPU lacks */
}

static void kvm_probe_init(struct hv_kvm_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->open = p->api_version = p->create_vm = p->create_vcpu = p->run = -ECANCELED;
	p->exit_reason = -1;
}

static int kvm_probe_fixture(const struct hv_root *r, struct hv_kvm_probe *p)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc = hv_root_fixture_read(r, "kvm", &buf);

	if (rc == -ENOENT) {
		p->open = -ENOENT;   /* a fixture without the file: a host with no /dev/kvm */
		return 0;
	}
	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v;
		int64_t n;

		if (line[0] == '#' || !hv_kv_split(line, '=', &k, &v))
			continue;
		if (hv_parse_s64(v, 0, &n) < 0)
			continue;
		if (!strcmp(k, "open"))
			p->open = (int)n;
		else if (!strcmp(k, "api_version"))
			p->api_version = (int)n;
		else if (!strcmp(k, "create_vm"))
			p->create_vm = (int)n;
		else if (!strcmp(k, "create_vcpu"))
			p->create_vcpu = (int)n;
		else if (!strcmp(k, "run"))
			p->run = (int)n;
		else if (!strcmp(k, "exit_reason"))
			p->exit_reason = (int)n;
		else if (!strcmp(k, "run_ns"))
			p->run_ns = (uint64_t)n;
		else if (hv_startswith(k, "cap.") && p->ncaps < HV_KVM_MAX_CAPS) {
			snprintf(p->caps[p->ncaps].name, sizeof(p->caps[0].name), "%s", k + 4);
			p->caps[p->ncaps++].value = (long)n;
		}
	}
	return 0;
}

int hv_root_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *out)
{
	kvm_probe_init(out);
	hv_info("KVM capabilities: %s", r->kind == HV_ROOT_LIVE ? "ioctls on /dev/kvm" :
		r->kind == HV_ROOT_FIXTURE ? ".vhv/kvm of the fixture" : "none (no running kernel)");
	if (r->kind == HV_ROOT_LIVE)
		return hv_live_kvm_probe(r, out);
	if (r->kind == HV_ROOT_OFFLINE || r->kind == HV_ROOT_CAPTURED)
		return -EOPNOTSUPP;
	return kvm_probe_fixture(r, out);
}

int hv_kvm_probe_cap(const struct hv_kvm_probe *p, const char *name, long *value)
{
	for (unsigned int i = 0; i < p->ncaps; i++) {
		if (strcmp(p->caps[i].name, name) == 0) {
			*value = p->caps[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

int hv_root_dmesg(const struct hv_root *r, char **out)
{
	if (r->kind == HV_ROOT_LIVE)
		return hv_live_dmesg(out);
	if (r->kind == HV_ROOT_OFFLINE || r->kind == HV_ROOT_CAPTURED)
		return -EOPNOTSUPP;
	return hv_root_fixture_read(r, "dmesg", out);
}

int hv_root_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long rt, mono;
	int rc;

	if (r->kind != HV_ROOT_FIXTURE) {
		struct timespec ts;

		if (clock_gettime(clk, &ts) < 0)
			return -errno;
		*ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		return 0;
	}
	rc = hv_root_fixture_read(r, "clock", &buf);
	if (rc < 0)
		return rc;
	if (sscanf(buf, "%llu %llu", &rt, &mono) != 2)
		return -EINVAL;
	*ns = clk == CLOCK_REALTIME ? rt : mono;
	return 0;
}
