/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-platform: what the platform checks (Xen, IOMMU, memory, devices,
 * cgroups, secure guests) share, and the small parsers they are built on.
 * The parsers take text the caller already read through the hv_root, so unit
 * tests feed them strings; none of them trusts its input (garbage in sysfs or
 * /proc gives -EINVAL or a skipped line, never a crash).
 *
 * Device nodes in fixture roots: git cannot store device nodes, so in a
 * fixture root (a DIR with .vhv/) a *regular file* stands for a device node.
 * It may hold one line "c MAJOR:MINOR MODE" (e.g. "c 10:200 0666", as
 * `stat -c '%F %t:%T %a'` would say it), or "b ..." for a block device; an
 * empty file is a character device whose numbers and mode are unknown.
 * st_rdev and S_ISCHR are checked only on the live root.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-check.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-root.h"

/* ---- mounts: /proc/self/mountinfo, or /proc/mounts as a fallback ---- */

/* Bound on what a mount table may make us allocate (a real host has < 2000). */
#define PROBE_MAX_MOUNTS 65536

struct probe_mount {
	char *source;  /* octal escapes (\040) decoded */
	char *target;
	char *fstype;
	char *opts;    /* per-mount options: "rw,relatime" */
	char *super;   /* superblock options ("rw,cpu,cpuacct"); /proc/mounts: same as opts */
};

struct probe_mounts {
	struct probe_mount *v;
	size_t n;
	size_t cap;        /* allocated entries of v */
	size_t bad;        /* lines that could not be parsed (ignored) */
	const char *path;  /* where they were read from (static string) */
};

/*
 * Parse /proc/PID/mountinfo text ("36 35 98:0 / /mnt rw,noatime shared:1 - ext3
 * /dev/root rw") into @out (appending). Malformed lines are counted in
 * out->bad and skipped. Returns 0, -ENOMEM, or -E2BIG past PROBE_MAX_MOUNTS.
 */
int probe_mountinfo_parse(const char *buf, struct probe_mounts *out);
/* The same for /proc/mounts (fstab format: "SOURCE TARGET FSTYPE OPTS 0 0"). */
int probe_mounts_parse(const char *buf, struct probe_mounts *out);
/*
 * Read the mount table of the root: /proc/self/mountinfo, else /proc/mounts.
 * Returns 0, or -errno (-ENOENT when neither exists). Clear with probe_mounts_clear.
 */
int probe_mounts_read(const struct hv_root *r, struct probe_mounts *out);
void probe_mounts_clear(struct probe_mounts *m);
/* The last mount (the visible one) at @target, or NULL. Borrowed. */
const struct probe_mount *probe_mounts_at(const struct probe_mounts *m, const char *target);
/* Is @opt one of the comma-separated options in @opts? */
bool probe_opt_has(const char *opts, const char *opt);

/* ---- device nodes ---- */

struct probe_devnode {
	bool is_chr;     /* a character device (or its fixture stand-in) */
	bool is_blk;
	bool known;      /* major, minor and mode below are known */
	unsigned int major, minor;
	unsigned int mode;  /* permission bits, 07777 */
};

/* Parse a fixture stand-in's text (see above). 0, or -EINVAL on garbage. */
int probe_devnode_parse(const char *text, struct probe_devnode *out);
/*
 * Describe the device node at @path: stat on the live root; in a fixture a
 * regular file is read as the stand-in text. 0, -ENOENT, or -errno.
 * A regular file on the live root (or a directory anywhere) is neither chr nor blk.
 */
int probe_devnode_get(const struct hv_root *r, const char *path, struct probe_devnode *out);

/* Does /proc/misc text ("200 tun") list the misc device @name? */
bool probe_misc_has(const char *buf, const char *name);

/* ---- small sysfs and procfs parsers ---- */

/*
 * The selected word of a sysfs choice file: "always [madvise] never" ->
 * "madvise" (copied into @out). -EINVAL when there is not exactly one
 * bracketed word, -ENAMETOOLONG when it does not fit.
 */
int probe_sysfs_choice(const char *text, char *out, size_t len);
/* "hugepages-2048kB" -> 2048. -EINVAL otherwise. */
int probe_hugepage_dir_kb(const char *name, uint64_t *kb);
/* The value of "KEY:   123 kB" in /proc/meminfo text (the number only). 0 or -ENOENT/-EINVAL. */
int probe_meminfo_get(const char *buf, const char *key, uint64_t *out);
/*
 * /proc/cgroups text: is controller @name enabled? 1 yes, 0 disabled
 * (cgroup_disable=), -ENOENT not listed, -EINVAL malformed line for it.
 */
int probe_proc_cgroups_enabled(const char *buf, const char *name);

/* What /proc/interrupts shows about interrupt remapping. */
enum {
	PROBE_IRQ_REMAPPED = 1 << 0,  /* IR-PCI-MSI, IR-IO-APIC, ... (x86 remapping domains) */
	PROBE_IRQ_ITS = 1 << 1,       /* ITS-MSI, ITS-pMSI (arm64 GICv3 ITS: MSI isolation) */
	PROBE_IRQ_MSI = 1 << 2,       /* any MSI chip at all */
};
/* Bit mask of the above for /proc/interrupts text @buf. */
unsigned int probe_interrupts_scan(const char *buf);

/* A kernel boolean parameter: "Y"/"N"/"1"/"0". 0 or 1, or -EINVAL. */
int probe_parse_kbool(const char *s);
/*
 * Copy @s into @out with non-printable bytes replaced by '?' and at most @len-1
 * bytes kept, so garbage read from a root is safe to show in a message.
 */
const char *probe_clean(const char *s, char *out, size_t len);

/* ---- shared by the platform checks ---- */

/*
 * When @path (e.g. "/sys", "/proc") is missing from the root, add a SKIP
 * finding for the running check and return true (the check then stops).
 */
bool probe_platform_need_dir(struct hv_check_ctx *ctx, const char *path);
