// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-root-file: reading files through the sysroot (see hv-root.h). The live
 * host (ops->host_paths) is read with plain absolute paths; any other root
 * through openat2(RESOLVE_IN_ROOT), which the kernel resolves with ".." and
 * absolute symlinks clamped at the root, or, on kernels without openat2,
 * through hv_root_resolve()'s own walk.
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

#define HV_MAX_SYMLINKS 40

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

	hv_dbg("open %s%s: %s", r->ops->host_paths ? "" : r->prefix, path,
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
	if (r->ops->host_paths) {
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
	struct hv_root_refused *rf = r->refused;
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
	struct hv_root_refused *rf = r->refused;

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
	if (r->ops->host_paths)
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
	if (r->ops->host_paths)
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
	if (r->ops->host_paths)
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
	if (r->ops->host_paths) {
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
