/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * boot-state: what the boot checks share (internal to bootcheck): the state
 * boot_run() builds once (struct boot_state: the parsed config, grubenv,
 * fstab, the file cache) and each entry's analysis (struct entry_info).
 * boot.c holds the table, the runner and the config/default/ids/root=/
 * command-line checks; boot-files.c the files; boot-entry.c the entry
 * analysis and the per-entry walk; boot-chk-image.c and boot-chk-modules.c
 * the image and module checks.
 */
#include <blkid.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bootcheck/boot-cfg.h"
#include "bootcheck/boot-image.h"
#include "bootcheck/boot-xen.h"
#include "bootcheck/boot.h"
#include "hvcore/hv-check.h"
#include "hvcore/hv-comp.h"
#include "hvcore/hv-report.h"

/* What an entry loads, once looked at (filled lazily, shared by the checks). */
enum role { ROLE_NONE, ROLE_KVM, ROLE_DOM0 };

struct file_info {
	char *path;            /* inside the root, NULL when it could not be mapped */
	char *why;             /* why path is NULL / how it was mapped */
	int exists;            /* 0 yes, -errno otherwise */
	bool is_bzimage, is_pe, is_elf, is_cpio_like, is_policy, is_ucode;
	enum hv_comp comp;
	struct boot_bzimage bz;
	struct boot_mb mb;
	struct boot_elf elf;
	char xen_version[80];
	bool inflate_failed;
};

struct entry_info {
	bool done;
	enum role role;
	int hv;                /* index of the hypervisor load, -1 */
	int kernel;            /* index of the kernel load, -1 */
	int ninitrd;
	int initrd[BOOT_MAX_LOADS];
	struct file_info f[BOOT_MAX_LOADS];
	const char *kargs;     /* kernel command line (borrowed from the load) */
	const char *xargs;     /* hypervisor command line */
	bool swapped;          /* first module is an initrd and a later one a kernel */
	size_t nf;             /* files in f[]: the loads, then xen.cfg's files */
	/* a chainloaded xen.efi: its xen.cfg and the section it boots */
	bool xen_efi;
	char *xencfg;          /* path inside the root of the config found, or NULL */
	char *xensect;         /* the section used ("[global] default="), or NULL */
	char *xen_opts, *xen_kargs;  /* options= and the kernel= arguments (owned) */
};

struct fstab_ent {
	char spec[128];
	char mnt[64];
	char uuid[64], label[64];  /* of a /dev/ spec's filesystem (live host, fstab_tags) */
};

/* A passing result counted for the summary line (boot_pass_or_count). */
struct pass_sum {
	int others;
};

struct boot_state {
	const struct hv_root *root;
	const struct boot_opts *opts;
	char *cfg_path;
	enum boot_cfg_kind kind;
	int cfg_err;               /* why nothing was parsed */
	struct boot_cfg *cfg;
	struct boot_env env;
	struct boot_xencfg xc;     /* BOOT_CFG_XENCFG: the file --config named */
	char *env_path;
	bool have_env;
	int deflt;                 /* entry index of the entry booted by default, or -errno */
	bool default_ok;           /* the default setting itself resolved */
	struct entry_info *ei;
	int nfstab;
	struct fstab_ent fstab[32];
	bool sep_boot;
	bool fstab_tagged;         /* fstab_tags() ran */
	blkid_cache blkid;         /* live host: one libblkid cache for every lookup */
	bool blkid_tried;
	/* files already looked at: entries share kernels and initrds (and a hostile
	 * menu must not make us inflate the same image hundreds of times) */
	size_t nfc;
	struct fcache {
		char *path;
		bool inflate;
		struct file_info fi;     /* path/why not set */
		bool ird_done;
		int ird_rc;
		struct boot_initrd ird;
	} fc[64];
};

/* Analyse entry @i once: map paths, classify what each load is. */
struct entry_info *boot_analyse(struct boot_state *st, size_t i);

/* Entries worth validating: resolved, loading something, not chainloaders. */
bool boot_checkable(const struct boot_state *st, size_t i);

/*
 * A finding about entry @i: "TITLE (default): MSG", with the entry's full
 * path and whether it is the default as JSON fields. Borrowed from the report.
 */
struct hv_finding *boot_efind(struct hv_check_ctx *ctx, const struct boot_state *st, size_t i,
			      enum hv_sev sev, const char *fmt, ...) HV_PRINTF(5, 6);

/* A "path" field built with printf. */
void boot_field_pathf(struct hv_finding *f, const char *fmt, ...) HV_PRINTF(2, 3);

/* The "path" field of a looked-at file, when it was mapped. */
void boot_file_fields(struct hv_finding *f, const struct file_info *fi);

/*
 * Find the boot-loader config (--config, else grub.cfg, menu.lst, grub.conf,
 * syslinux, BLS) and read it into *buf (caller frees). 0 or -errno (also kept
 * in st->cfg_err).
 */
int boot_find_config(struct boot_state *st, char **buf);

/* fstab's device for mount point @mnt, or NULL. Borrowed from @st. */
const char *boot_fstab_spec(const struct boot_state *st, const char *mnt);

/* GRUB's "[ -s FILE ]" on a GRUB path: only $prefix/grubenv matters in practice. */
int boot_grub_exists(void *ud, const char *path);

/* boot_initrd_scan() of a file, once per path. 0, or -errno/-EINVAL as it returns. */
int boot_initrd_cached(struct boot_state *st, const char *path, struct boot_initrd *out);

/* Does kernel or Xen .config text @txt have the whole line @line? */
bool boot_kconfig_has(const char *txt, const char *line);

/* The release of the kernel entry @ei boots (its bzImage version), or NULL. */
const char *boot_kernel_release(const struct entry_info *ei);

/* Legacy "default saved": /boot/grub/default holds the number (grub-set-default). */
void boot_legacy_saved(struct boot_state *st);

/*
 * The analysis of entry @i when it boots a Linux kernel that can be checked:
 * boot_checkable, and not a chainloader (except xen.efi with its dom0 kernel).
 * NULL otherwise.
 */
struct entry_info *boot_linux_entry(struct boot_state *st, size_t i);

/* The live host's libblkid cache (made once), or NULL (an offline root, or no memory). */
blkid_cache boot_live_blkid(struct boot_state *st);

/* Read the grubenv next to the config (st->env, st->have_env). */
void boot_load_grubenv(struct boot_state *st);

/* look_at_uncached() once per (path, inflate); the result is copied into @fi. */
void boot_look_at(struct boot_state *st, struct file_info *fi, bool inflate_elf);

/*
 * Map a GRUB path to a path inside the root. GRUB paths are relative to the
 * partition GRUB's root names: when that is a separate /boot, "/vmlinuz" is
 * /boot/vmlinuz in the running system; an ESP mounted on /boot/efi gives
 * /boot/efi/EFI/... Without a match in fstab, a separate /boot is assumed for
 * paths that do not start with /boot/ (what legacy "root (hd0,0)" setups do).
 */
char *boot_map_path(struct boot_state *st, const struct boot_entry *e,
		    const struct boot_load *l, char **why);

/*
 * Report a PASS for the default entry (*out: the finding), or count it in
 * @ps for boot_pass_summary (*out NULL): a passing result is said in full
 * once, and summed up for the other entries.
 */
void boot_pass_or_count(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			struct pass_sum *ps, struct hv_finding **out, const char *fmt, ...)
	HV_PRINTF(6, 7);

/* "WHAT in N other entries" (PASS), when boot_pass_or_count counted any. */
void boot_pass_summary(struct hv_check_ctx *ctx, const struct pass_sum *ps, const char *what);

/* Read the root's /etc/fstab into st->fstab (sep_boot: /boot is its own fs). */
void boot_read_fstab(struct boot_state *st);

/*
 * The checks of boot-chk-image.c and boot-chk-modules.c (rows of boot.c's
 * table): findings into ctx->rep; 0, or -errno when they could not check.
 */
int boot_chk_hypervisor(struct hv_check_ctx *ctx);

int boot_chk_initrd(struct hv_check_ctx *ctx);

int boot_chk_kernel(struct hv_check_ctx *ctx);

int boot_chk_modules(struct hv_check_ctx *ctx);

/* Which entries a per-entry check walks (boot_each_entry). */
enum boot_each {
	BOOT_EACH_LINUX,  /* boot_linux_entry: a Linux kernel that can be checked */
	BOOT_EACH_XEN,    /* checkable entries that load a hypervisor */
};
/*
 * The walk the per-entry checks share:
 *	for (i = 0; (ei = boot_each_entry(st, &i, BOOT_EACH_LINUX)); i++)
 * From *i on, the next entry @what selects, analysed (*i is its index); NULL
 * at the end, or when there is no config. Borrowed from @st.
 */
struct entry_info *boot_each_entry(struct boot_state *st, size_t *i, enum boot_each what);
