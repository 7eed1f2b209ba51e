/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-root: the sysroot. Every read of /proc, /sys, /dev, /boot, /etc, /run and
 * /lib/modules goes through a struct hv_root (util-linux path_cxt, made
 * mandatory). Paths are absolute as on the host ("/proc/cpuinfo"); symlinks are
 * resolved inside the root, so nothing escapes it.
 *
 * Three kinds of root:
 *   HV_ROOT_LIVE     "/" : the running host; non-file sources make syscalls.
 *   HV_ROOT_FIXTURE  DIR with a DIR/.vhv/ folder: non-file sources read
 *                    DIR/.vhv/{uname,cpuid,msr,kvm,dmesg,clock} (format below).
 *   HV_ROOT_CAPTURED DIR without .vhv/ holding a running host's state: a copy of
 *                    /proc and /sys, a sosreport (sos_commands/), a supportconfig.
 *                    Checks judge it from the files; non-file sources return
 *                    -EOPNOTSUPP except uname's release (proc/sys/kernel/osrelease,
 *                    proc/version, sos_commands/kernel/uname_-a).
 *   HV_ROOT_OFFLINE  DIR without .vhv/ (a broken host's disk): non-file sources
 *                    return -EOPNOTSUPP, so checks needing a running kernel SKIP.
 *
 * Fixture file formats (all text; '#' starts a comment line):
 *   .vhv/uname  key=value lines: sysname release version machine nodename
 *   .vhv/cpuid  lines as printed by `cpuid -r -1`:
 *                 0x00000001 0x00: eax=0x000806ea ebx=0x00100800 ecx=0x7ffafbbf edx=0xbfebfbff
 *               an absent leaf reads as zeros, as CPUID does above the max leaf.
 *   .vhv/msr    "CPU MSR VALUE" per line (hex or decimal): "0 0x3a 0x5"; a missing
 *               file means /dev/cpu/N/msr is unavailable (-ENOENT).
 *   .vhv/kvm    key=value lines describing the functional /dev/kvm probe, see
 *               struct hv_kvm_probe: open, api_version, create_vm, create_vcpu, run,
 *               exit_reason, run_ns, and cap.NAME=VALUE for each capability.
 *               Error values are negative errno numbers (open=-2: no /dev/kvm).
 *   .vhv/dmesg  the kernel log as text.
 *   .vhv/clock  "REALTIME_NS MONOTONIC_NS".
 *
 * Device nodes cannot live in git: in a fixture root a regular file stands for
 * one. It may hold one line "c MAJOR:MINOR MODE" (e.g. "c 10:200 0666"), or
 * "b ..." for a block device; an empty file is a character device whose
 * numbers are unknown. S_ISCHR and st_rdev are checked only on the live root.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "hvcore/hv-util.h"

enum hv_root_kind {
	HV_ROOT_LIVE,
	HV_ROOT_FIXTURE,
	HV_ROOT_OFFLINE,
	HV_ROOT_CAPTURED,
};

struct hv_root;

/*
 * Open a root. @prefix NULL or "/" is the live host. Returns 0 and *out (free
 * with hv_root_free), or -errno (-ENOTDIR, -ENOENT, -ENOMEM).
 */
int hv_root_new(const char *prefix, struct hv_root **out);
void hv_root_free(struct hv_root *r);

enum hv_root_kind hv_root_kind(const struct hv_root *r);
static inline bool hv_root_is_live(const struct hv_root *r)
{
	return hv_root_kind(r) == HV_ROOT_LIVE;
}
/*
 * Does the root hold anything a host check can read (proc/, sys/, etc/, boot/,
 * lib/modules/, var/log/, dev/, or a capture's files)? false for an empty or
 * unrelated directory given as --sysroot.
 */
bool hv_root_has_host_data(const struct hv_root *r);
/* The prefix as given ("/" for live); borrowed, valid while @r lives. */
const char *hv_root_prefix(const struct hv_root *r);
/* A directory fd of the root itself (borrowed; O_PATH). */
int hv_root_dirfd(const struct hv_root *r);

/*
 * Open PATH (printf-formatted, absolute as on the host) inside the root with
 * open(2) @flags (O_CLOEXEC is added; O_CREAT is refused with -EINVAL: roots are
 * read-only by contract, except for device probes the ops make). Symlinks are
 * followed inside the root. Returns an fd or -errno.
 */
int hv_root_openf(const struct hv_root *r, int flags, const char *fmt, ...) HV_PRINTF(3, 4);

/*
 * Open PATH for reading, a regular file only: the open cannot block (a FIFO
 * in a hostile root), and anything but a regular file is -HV_ENOTREG
 * (-EISDIR for a directory). Live /proc and /sys files are regular. Returns
 * an fd (blocking again) or -errno. The hv_root_read_* functions use it.
 */
int hv_root_open_regf(const struct hv_root *r, const char *fmt, ...) HV_PRINTF(2, 3);
/*
 * The next file refused as no regular file that was not returned before, e.g.
 * "/proc/cpuinfo is a FIFO" (borrowed, valid while @r lives), or NULL. Each
 * refusal is also logged as a warning when it happens.
 */
const char *hv_root_refused_next(const struct hv_root *r);

/*
 * Read a whole file (at most 64 MiB; larger is -EFBIG) into a NUL-terminated
 * buffer. Returns its length and *out (caller frees), or -errno.
 */
ssize_t hv_root_read_strf(const struct hv_root *r, char **out, const char *fmt, ...)
	HV_PRINTF(3, 4);
/* As hv_root_read_strf, with @max as the size limit. */
ssize_t hv_root_read_maxf(const struct hv_root *r, size_t max, char **out, const char *fmt, ...)
	HV_PRINTF(4, 5);
/* The first line, white space stripped (sysfs attribute style). Caller frees *out. */
int hv_root_read_linef(const struct hv_root *r, char **out, const char *fmt, ...) HV_PRINTF(3, 4);
/* A sysfs-style number (decimal, or 0x hex). 0 or -errno (-EINVAL: not a number). */
int hv_root_read_u64f(const struct hv_root *r, uint64_t *out, const char *fmt, ...) HV_PRINTF(3, 4);
int hv_root_read_s64f(const struct hv_root *r, int64_t *out, const char *fmt, ...) HV_PRINTF(3, 4);

/* opendir inside the root; NULL with errno set. Close with closedir(). */
DIR *hv_root_opendirf(const struct hv_root *r, const char *fmt, ...) HV_PRINTF(2, 3);
/* stat (follows symlinks inside the root) / lstat. 0 or -errno. */
int hv_root_statf(const struct hv_root *r, struct stat *st, const char *fmt, ...) HV_PRINTF(3, 4);
int hv_root_lstatf(const struct hv_root *r, struct stat *st, const char *fmt, ...) HV_PRINTF(3, 4);
/* 0 when PATH exists (following symlinks inside the root), else -errno. */
int hv_root_existsf(const struct hv_root *r, const char *fmt, ...) HV_PRINTF(2, 3);
/*
 * access(2) for the *caller's* credentials (R_OK/W_OK/X_OK): meaningful on the
 * live host; on other roots it checks the mode bits for the current user.
 */
int hv_root_accessf(const struct hv_root *r, int mode, const char *fmt, ...) HV_PRINTF(3, 4);
/* readlink, not followed (data, e.g. /proc/PID/fd/N). Caller frees *out. */
int hv_root_readlinkf(const struct hv_root *r, char **out, const char *fmt, ...) HV_PRINTF(3, 4);
/*
 * Resolve PATH inside the root (all symlinks, "..", "." clamped at the root)
 * to an absolute path as seen from inside the root, e.g. "/boot/vmlinuz" ->
 * "/boot/vmlinuz-6.1.0-13-amd64". The final component need not exist when
 * @must_exist is false. Caller frees *out. 0 or -errno (-ELOOP after 40 links).
 */
int hv_root_resolve(const struct hv_root *r, const char *path, bool must_exist, char **out);

/* ---- non-file sources (the ops table; see the fixture formats above) ---- */

#define HV_KVM_MAX_CAPS 64

/* Result of the functional /dev/kvm probe. Negative fields are -errno. */
struct hv_kvm_probe {
	int open;          /* 0, or -errno opening /dev/kvm read-write */
	int api_version;   /* KVM_GET_API_VERSION (12), or -errno */
	int create_vm;     /* 0 or -errno of KVM_CREATE_VM */
	int create_vcpu;   /* 0 or -errno of KVM_CREATE_VCPU */
	int run;           /* 0 or -errno of the first KVM_RUN */
	int exit_reason;   /* KVM_EXIT_* of the first exit; -1 when not run */
	uint64_t run_ns;   /* CREATE_VM .. HLT exit, nanoseconds */
	unsigned int ncaps;
	struct {
		char name[32];    /* "NR_VCPUS", without the KVM_CAP_ prefix */
		long value;       /* KVM_CHECK_EXTENSION result (<0: -errno) */
	} caps[HV_KVM_MAX_CAPS];
};

/* 0 and *out, or -errno; -EOPNOTSUPP on an offline root. */
int hv_root_uname(const struct hv_root *r, struct utsname *out);
/* CPUID @leaf/@subleaf into out[4] = eax, ebx, ecx, edx. -EOPNOTSUPP off x86 or offline. */
int hv_root_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* rdmsr via /dev/cpu/@cpu/msr. -ENOENT: msr driver absent; -EPERM/-EACCES: not allowed. */
int hv_root_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *out);
/*
 * The functional /dev/kvm probe: open, API version, create a VM and a vCPU,
 * run a 16-bit guest to its first HLT exit, and KVM_CHECK_EXTENSION for the
 * capabilities that matter. Fills *out (fields it could not reach stay at
 * -ECANCELED). Returns 0 when the probe ran (whatever its verdict) or -errno
 * when it could not be attempted (-EOPNOTSUPP offline).
 */
int hv_root_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *out);
/* The kernel log as text (caller frees). -EPERM when dmesg_restrict forbids it. */
int hv_root_dmesg(const struct hv_root *r, char **out);
/* CLOCK_REALTIME / CLOCK_MONOTONIC in ns. */
int hv_root_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns);

/* Look up a capability value by name in a probe result; -ENOENT when absent. */
int hv_kvm_probe_cap(const struct hv_kvm_probe *p, const char *name, long *value);
