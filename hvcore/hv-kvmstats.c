// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-kvmstats: KVM's binary statistics of each vCPU (see the header). The
 * layout comes from <linux/kvm.h> (struct kvm_stats_header, struct
 * kvm_stats_desc; Linux 5.14+); every field is bounded before use, since a
 * fixture's file is untrusted and a live one comes from a kernel we do not know.
 */
#include "hvcore/hv-kvmstats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "hvcore/hv-proc.h"
#include "hvcore/hv-util.h"

/* The sizes of <linux/kvm.h>'s structures: the format, not this build's ABI. */
#define HDR_LEN 24u   /* struct kvm_stats_header: 6 x u32 */
#define DESC_LEN 16u  /* struct kvm_stats_desc without its name */
#define MAX_VCPUS 4096

static const struct {
	const char *name;
	bool time;
} kstats[HV_KSTAT_COUNT] = {
	[HV_KSTAT_EXITS] = { "exits", false },
	[HV_KSTAT_HALT_EXITS] = { "halt_exits", false },
	[HV_KSTAT_IO_EXITS] = { "io_exits", false },
	[HV_KSTAT_MMIO_EXITS] = { "mmio_exits", false },
	[HV_KSTAT_IRQ_WINDOW_EXITS] = { "irq_window_exits", false },
	[HV_KSTAT_POLL_OK_NS] = { "halt_poll_success_ns", true },
	[HV_KSTAT_POLL_FAIL_NS] = { "halt_poll_fail_ns", true },
	[HV_KSTAT_WAIT_NS] = { "halt_wait_ns", true },
};

const char *hv_kstat_name(enum hv_kstat k)
{
	return (unsigned)k < HV_KSTAT_COUNT ? kstats[k].name : NULL;
}

bool hv_kstat_is_time(enum hv_kstat k)
{
	return (unsigned)k < HV_KSTAT_COUNT && kstats[k].time;
}

/* Little-endian or not, the stats file is in the host's byte order. */
static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_u16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int want(const char *name)
{
	for (int k = 0; k < HV_KSTAT_COUNT; k++)
		if (strcmp(name, kstats[k].name) == 0)
			return k;
	return -1;
}

int hv_kstats_parse_layout(const void *buf, size_t len, struct hv_kstats_layout *out)
{
	const unsigned char *b = buf;
	uint32_t name_size, num_desc, id_off, desc_off, data_off;
	uint64_t desc_end, id_end, data_end = 0;

	memset(out, 0, sizeof(*out));
	if (len < HDR_LEN) {
		out->need = HDR_LEN;
		return -ENODATA;
	}
	name_size = get_u32(b + 4);
	num_desc = get_u32(b + 8);
	id_off = get_u32(b + 12);
	desc_off = get_u32(b + 16);
	data_off = get_u32(b + 20);
	if (name_size == 0)
		return -EINVAL;
	if (name_size > HV_KSTATS_MAX_NAME || num_desc > HV_KSTATS_MAX_DESC)
		return -EFBIG;
	/* u64 arithmetic: each term is below 2^32, so nothing wraps */
	desc_end = (uint64_t)desc_off + (uint64_t)num_desc * (DESC_LEN + name_size);
	id_end = (uint64_t)id_off + name_size;
	if (desc_end > HV_KSTATS_MAX_LEN || id_end > HV_KSTATS_MAX_LEN)
		return -EFBIG;
	if (desc_off < HDR_LEN || id_off < HDR_LEN)
		return -EINVAL;
	if (HV_MAX(desc_end, id_end) > len) {
		out->need = (size_t)HV_MAX(desc_end, id_end);
		return -ENODATA;
	}
	/* the id: NUL-terminated within name_size */
	if (!memchr(b + id_off, '\0', name_size))
		return -EINVAL;
	snprintf(out->id, sizeof(out->id), "%s", (const char *)(b + id_off));
	out->data_offset = data_off;
	for (uint32_t i = 0; i < num_desc; i++) {
		const unsigned char *d = b + desc_off + (size_t)i * (DESC_LEN + name_size);
		const char *name = (const char *)(d + DESC_LEN);
		uint32_t flags = get_u32(d), off = get_u32(d + 8);
		int16_t exponent = (int16_t)get_u16(d + 4);
		uint16_t size = get_u16(d + 6);
		uint32_t type = flags & KVM_STATS_TYPE_MASK, unit = flags & KVM_STATS_UNIT_MASK;
		uint32_t base = flags & KVM_STATS_BASE_MASK;
		int k;

		if (!memchr(name, '\0', name_size))
			return -EINVAL;
		k = want(name);
		if (k < 0 || (out->have & (1u << k)))
			continue;
		/* a scalar counter that only grows; anything else is not what we show */
		if (type != KVM_STATS_TYPE_CUMULATIVE || size != 1 || off % 8)
			continue;
		if (kstats[k].time) {
			/* value x 10^exponent seconds: ns need exponent + 9, kept in [-18, 9] */
			if (unit != KVM_STATS_UNIT_SECONDS || base != KVM_STATS_BASE_POW10 ||
			    exponent < -27 || exponent > 0)
				continue;
			out->exp10[k] = exponent + 9;
		} else if (unit != KVM_STATS_UNIT_NONE || exponent != 0) {
			continue;
		}
		if ((uint64_t)off + 8 > HV_KSTATS_MAX_LEN)
			return -EFBIG;
		out->off[k] = off;
		out->have |= 1u << k;
		data_end = HV_MAX(data_end, (uint64_t)off + 8);
	}
	out->data_len = (uint32_t)data_end;
	return 0;
}

/* v x 10^e, saturated (e in [-18, 9]) */
static uint64_t scale10(uint64_t v, int e)
{
	for (; e > 0; e--)
		v = v > UINT64_MAX / 10 ? UINT64_MAX : v * 10;
	for (; e < 0; e++)
		v /= 10;
	return v;
}

int hv_kstats_parse_data(const struct hv_kstats_layout *l, const void *data, size_t len,
			 struct hv_kstats *out)
{
	const unsigned char *b = data;

	memset(out, 0, sizeof(*out));
	if (!l || (!data && len))
		return -EINVAL;
	for (int k = 0; k < HV_KSTAT_COUNT; k++) {
		uint64_t v;

		if (!(l->have & (1u << k)) || (size_t)l->off[k] + 8 > len)
			continue;
		memcpy(&v, b + l->off[k], sizeof(v));
		out->v[k] = kstats[k].time ? scale10(v, l->exp10[k]) : v;
		out->have |= 1u << k;
	}
	return 0;
}

int hv_kstats_parse(const void *buf, size_t len, struct hv_kstats_layout *l, struct hv_kstats *out)
{
	int rc = hv_kstats_parse_layout(buf, len, l);

	if (rc < 0)
		return rc;
	if (l->data_offset > len)
		return -ENODATA;
	return hv_kstats_parse_data(l, (const unsigned char *)buf + l->data_offset,
				    len - l->data_offset, out);
}

/* ---- per VM ---------------------------------------------------------------- */

struct kst_vcpu {
	int index;
	int fd;                        /* live: the stats fd; else the vCPU's fd number in the VMM */
	struct hv_kstats_layout l;     /* live */
	unsigned char *data;           /* live: l.data_len bytes */
};

struct hv_kstats_vm {
	int pid;
	bool live;
	size_t n;
	struct kst_vcpu *v;            /* ascending index */
};

void hv_kstats_vm_free(struct hv_kstats_vm *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		if (v->live)
			close(v->v[i].fd);
		free(v->v[i].data);
	}
	free(v->v);
	free(v);
}

/* "kvm-PID/vcpu-N": the stats fd is vCPU @index's (not the VM's, not a reused fd number) */
static bool id_is_vcpu(const char *id, int index)
{
	const char *p = strstr(id, "/vcpu-");
	uint64_t n;

	return hv_startswith(id, "kvm-") && p && hv_parse_u64(p + 6, 10, &n) == 0 && n == (uint64_t)index;
}

/* The layout of a live stats fd: header, then as much as the header asks. */
static int read_layout(int fd, struct hv_kstats_layout *l)
{
	unsigned char hdr[HDR_LEN];
	_cleanup_free_ unsigned char *buf = NULL;
	int rc = hv_pread_full(fd, hdr, sizeof(hdr), 0);

	if (rc < 0)
		return rc;
	rc = hv_kstats_parse_layout(hdr, sizeof(hdr), l);
	if (rc != -ENODATA)
		return rc;
	buf = malloc(l->need);
	if (!buf)
		return -ENOMEM;
	rc = hv_pread_full(fd, buf, l->need, 0);
	if (rc < 0)
		return rc;
	return hv_kstats_parse_layout(buf, l->need, l);
}

static const char *why_getfd(const struct hv_root *r, int err)
{
	uint64_t scope;

	if (err == ENOSYS)
		return "pidfd_getfd: not in this kernel (Linux 5.6+)";
	if (err != EPERM && err != EACCES)
		return "pidfd_getfd failed";
	if (hv_root_read_u64f(r, &scope, "/proc/sys/kernel/yama/ptrace_scope") == 0 && scope == 3)
		return "pidfd_getfd: not permitted (Yama ptrace_scope 3 forbids ptrace access)";
	return "pidfd_getfd: not permitted (needs root: ptrace access to the VMM)";
}

/* Keep stats fd @sfd as vCPU @idx's when it is one (its id says so). 0 kept, -1 closed. */
static int adopt(struct hv_kstats_vm *v, int idx, int sfd)
{
	struct kst_vcpu *c = &v->v[v->n];

	(void)fcntl(sfd, F_SETFD, FD_CLOEXEC);
	c->index = idx;
	c->fd = sfd;
	if (read_layout(sfd, &c->l) < 0 || !id_is_vcpu(c->l.id, idx) || !c->l.have ||
	    !(c->data = malloc(c->l.data_len ? c->l.data_len : 1))) {
		close(sfd);
		return -1;
	}
	v->n++;
	return 0;
}

/*
 * Live: KVM answers KVM_GET_STATS_FD only to the process that created the VM
 * (kvm_vcpu_ioctl(): -EIO when current->mm is not the VM's), so a stats fd
 * comes from the VMM: the kvm-vcpu-stats:N fds it holds itself, if it keeps
 * them open (Debian 12's QEMU 7.2 does not: tests/ts/top/live-kstat.sh), taken
 * with pidfd_getfd. A vCPU without one gets the ioctl on its vCPU fd, which
 * works on kernels without that check.
 * 0, or -errno with *why when no vCPU's statistics could be had.
 */
static int open_live(const struct hv_root *r, struct hv_kstats_vm *v, const int *fd_of,
		     const int *stats_of, const char **why)
{
	int pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
	int rc = 0;

	if (pidfd < 0) {
		rc = -errno;
		*why = errno == ENOSYS ? "pidfd_open: not in this kernel (Linux 5.3+)" :
					 "pidfd_open failed (the VMM exited?)";
		return rc;
	}
	for (int idx = 0; idx < MAX_VCPUS; idx++) {
		int src = stats_of[idx] >= 0 ? stats_of[idx] : fd_of[idx];
		int fd, sfd;

		if (src < 0)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, src, 0);
		if (fd < 0) {
			if (errno == EBADF)
				continue;  /* closed since /proc/PID/fd was read */
			rc = -errno;
			*why = why_getfd(r, errno);
			break;
		}
		if (stats_of[idx] >= 0) {
			adopt(v, idx, fd);
			continue;
		}
		sfd = ioctl(fd, KVM_GET_STATS_FD, NULL);
		if (sfd < 0) {
			rc = -errno;
			close(fd);
			*why = errno == EIO ? "KVM_GET_STATS_FD answers only the VMM's own process, "
					      "and the VMM holds no kvm-vcpu-stats fd" :
			       errno == ENOTTY || errno == EINVAL ?
					      "KVM_GET_STATS_FD: not in this kernel (Linux 5.14+)" :
					      "KVM_GET_STATS_FD failed";
			if (errno == EIO)
				continue;  /* another vCPU may have its stats fd held */
			break;
		}
		close(fd);  /* the stats fd holds the vCPU's VM by itself */
		adopt(v, idx, sfd);
	}
	close(pidfd);
	if (v->n)
		return 0;
	if (!*why)
		*why = "no vCPU statistics with known names";
	return rc < 0 ? rc : -ENOENT;
}

/* Other roots: the vCPU fds whose captured stats files exist. */
static int open_files(const struct hv_root *r, struct hv_kstats_vm *v, const int *fd_of,
		      const char **why)
{
	for (int idx = 0; idx < MAX_VCPUS; idx++) {
		struct stat st;

		if (fd_of[idx] < 0 ||
		    hv_root_statf(r, &st, "/.vhv/kvm-stats/%d-%d", v->pid, fd_of[idx]) < 0)
			continue;
		v->v[v->n].index = idx;
		v->v[v->n].fd = fd_of[idx];
		v->n++;
	}
	if (!v->n) {
		*why = "no captured vCPU statistics (.vhv/kvm-stats/PID-FD)";
		return -ENOENT;
	}
	return 0;
}

int hv_kstats_vm_open(const struct hv_root *r, int pid, struct hv_kstats_vm **out,
		      const char **why)
{
	_cleanup_free_ int *fd_of = malloc(2 * MAX_VCPUS * sizeof(*fd_of));
	int *stats_of;
	struct hv_kstats_vm *v;
	int n, rc;

	*out = NULL;
	*why = NULL;
	if (!fd_of)
		return -ENOMEM;
	stats_of = fd_of + MAX_VCPUS;
	n = hv_proc_vcpu_fds(r, pid, fd_of, stats_of, MAX_VCPUS);
	if (n <= 0) {
		*why = "the VMM's vCPU fds are not readable (/proc/PID/fd)";
		return n < 0 ? n : -ENOENT;
	}
	v = calloc(1, sizeof(*v));
	if (!v || !(v->v = calloc((size_t)n, sizeof(*v->v)))) {
		free(v);
		return -ENOMEM;
	}
	v->pid = pid;
	v->live = hv_root_is_live(r);
	/* n counts the fds seen; fd_of holds at most n of them */
	rc = v->live ? open_live(r, v, fd_of, stats_of, why) : open_files(r, v, fd_of, why);
	if (rc < 0) {
		hv_kstats_vm_free(v);
		return rc;
	}
	*out = v;
	return (int)v->n;
}

int hv_kstats_vm_read(const struct hv_root *r, struct hv_kstats_vm *v, int index,
		      struct hv_kstats *out)
{
	struct kst_vcpu *c = NULL;
	_cleanup_free_ char *buf = NULL;
	struct hv_kstats_layout l;
	ssize_t len;
	int rc;

	for (size_t i = 0; i < v->n && !c; i++)
		if (v->v[i].index == index)
			c = &v->v[i];
	if (!c)
		return -ENOENT;
	if (v->live) {
		rc = hv_pread_full(c->fd, c->data, c->l.data_len, c->l.data_offset);
		if (rc < 0)
			return rc;
		return hv_kstats_parse_data(&c->l, c->data, c->l.data_len, out);
	}
	len = hv_root_read_maxf(r, 2 * HV_KSTATS_MAX_LEN, &buf, "/.vhv/kvm-stats/%d-%d", v->pid,
				c->fd);
	if (len < 0)
		return (int)len;
	rc = hv_kstats_parse(buf, (size_t)len, &l, out);
	if (rc == 0 && !id_is_vcpu(l.id, index))
		rc = -EINVAL;  /* another vCPU's (or the VM's) statistics */
	return rc;
}
