// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot: the vhv-check boot checks. boot_run() finds and parses the boot-loader
 * config once (struct boot_state), then each table row validates one aspect of
 * every entry. Problems are reported for every entry; a passing result is
 * reported in full for the default entry and summed up for the others, so the
 * output stays readable on hosts with many kernels.
 */
#include "bootcheck/boot.h"

#include <blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bootcheck/boot-cfg.h"
#include "bootcheck/boot-image.h"
#include "bootcheck/boot-int.h"
#include "bootcheck/boot-xen.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-xen.h"

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

/* ---------------------------------------------------------------- helpers */

/* Does kernel or Xen .config text @txt have the whole line @line? */
static bool kconfig_has(const char *txt, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = txt; (p = strstr(p, line)); p += n)
		if ((p == txt || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static const char *fstab_spec(const struct boot_state *st, const char *mnt)
{
	int i;

	for (i = 0; i < st->nfstab; i++)
		if (!strcmp(st->fstab[i].mnt, mnt))
			return st->fstab[i].spec;
	return NULL;
}

static void read_fstab(struct boot_state *st)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;

	if (hv_root_read_maxf(st->root, 1 << 20, &buf, "/etc/fstab") < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line && st->nfstab < 32;
	     line = strtok_r(NULL, "\n", &save)) {
		char spec[128], mnt[64];

		line += strspn(line, " \t");
		if (*line == '#' || sscanf(line, "%127s %63s", spec, mnt) != 2)
			continue;
		snprintf(st->fstab[st->nfstab].spec, sizeof(spec), "%s", spec);
		snprintf(st->fstab[st->nfstab].mnt, sizeof(mnt), "%s", mnt);
		st->nfstab++;
	}
	st->sep_boot = fstab_spec(st, "/boot") != NULL;
}

/* GRUB's "[ -s FILE ]" on a GRUB path: only $prefix/grubenv matters in practice. */
static int grub_exists(void *ud, const char *path)
{
	struct boot_state *st = ud;
	struct stat sb;

	if (hv_root_statf(st->root, &sb, "%s", path) == 0)
		return sb.st_size > 0;
	if (st->sep_boot && hv_root_statf(st->root, &sb, "/boot%s", path) == 0)
		return sb.st_size > 0;
	return 0;
}

/* The live host's libblkid cache (made once), or NULL (an offline root, or no memory). */
static blkid_cache live_blkid(struct boot_state *st)
{
	if (!st->blkid_tried && hv_root_is_live(st->root)) {
		st->blkid_tried = true;
		/* "/dev/null" as the cache file: libblkid never writes one */
		if (blkid_get_cache(&st->blkid, "/dev/null") < 0)
			st->blkid = NULL;
	}
	return st->blkid;
}

/*
 * fstab names devices by path: learn their filesystems' UUID and LABEL once,
 * from libblkid on the live host. True when this call learnt them.
 */
static bool fstab_tags(struct boot_state *st)
{
	blkid_cache cache;

	if (st->fstab_tagged)
		return false;
	st->fstab_tagged = true;
	cache = live_blkid(st);
	if (!cache)
		return false;
	for (int i = 0; i < st->nfstab; i++) {
		struct fstab_ent *f = &st->fstab[i];
		char *u, *l;

		if (f->mnt[0] != '/' || !hv_startswith(f->spec, "/dev/"))
			continue;
		u = blkid_get_tag_value(cache, "UUID", f->spec);
		l = blkid_get_tag_value(cache, "LABEL", f->spec);
		snprintf(f->uuid, sizeof(f->uuid), "%s", u ? u : "");
		snprintf(f->label, sizeof(f->label), "%s", l ? l : "");
		free(u);
		free(l);
	}
	return true;
}

/* Does fstab entry @f hold the filesystem GRUB's root "uuid:X"/"label:X" finds? */
static bool spec_match(const struct fstab_ent *f, const char *root)
{
	const char *v, *s = f->spec;

	if ((v = hv_startswith(root, "uuid:")))
		return (hv_startswith(s, "UUID=") && !strcasecmp(s + 5, v)) ||
		       (f->uuid[0] && !strcasecmp(f->uuid, v));
	if ((v = hv_startswith(root, "label:")))
		return (hv_startswith(s, "LABEL=") && !strcmp(s + 6, v)) ||
		       (f->label[0] && !strcmp(f->label, v));
	return false;
}

static const char *fstab_match(const struct boot_state *st, const char *root)
{
	for (int i = 0; i < st->nfstab; i++)
		if (st->fstab[i].mnt[0] == '/' && spec_match(&st->fstab[i], root))
			return st->fstab[i].mnt;
	return NULL;
}

/* The mount point (per fstab) of the filesystem GRUB's root names, or NULL. */
static const char *root_mountpoint(struct boot_state *st, const char *root)
{
	const char *mnt;

	if (!root)
		return NULL;
	mnt = fstab_match(st, root);
	if (!mnt && (hv_startswith(root, "uuid:") || hv_startswith(root, "label:")) && fstab_tags(st))
		mnt = fstab_match(st, root);
	return mnt;
}

/*
 * Map a GRUB path to a path inside the root. GRUB paths are relative to the
 * partition GRUB's root names: when that is a separate /boot, "/vmlinuz" is
 * /boot/vmlinuz in the running system; an ESP mounted on /boot/efi gives
 * /boot/efi/EFI/... Without a match in fstab, a separate /boot is assumed for
 * paths that do not start with /boot/ (what legacy "root (hd0,0)" setups do).
 */
static char *map_path(struct boot_state *st, const struct boot_entry *e,
		      const struct boot_load *l, char **why)
{
	const char *root = e->root, *mnt;
	const char *sep = l->path && l->path[0] == '/' ? "" : "/";

	*why = NULL;
	if (!l->path)
		return NULL;
	if (l->dev)
		root = l->dev;
	mnt = root_mountpoint(st, root);
	if (mnt)
		return hv_asprintf("%s%s%s", strcmp(mnt, "/") ? mnt : "", sep, l->path);
	if (root && hv_startswith(root, "file:")) {
		if (!hv_startswith(root + 5, "/boot/") && st->sep_boot)
			return hv_asprintf("/boot%s%s", sep, l->path);
		return hv_asprintf("%s%s", sep, l->path);
	}
	if (st->sep_boot && !hv_startswith(l->path, "/boot/"))
		return hv_asprintf("/boot%s%s", sep, l->path);
	return hv_asprintf("%s%s", sep, l->path);
}

/* Read a file of the root into memory (at most @max). */
static ssize_t read_file(const struct boot_state *st, const char *path, size_t max, uint8_t **out)
{
	char *b = NULL;
	ssize_t n = hv_root_read_maxf(st->root, max, &b, "%s", path);

	*out = (uint8_t *)b;
	return n;
}

#define FLASK_MAGIC 0xf97cff8cu

static void look_at_uncached(const struct boot_state *st, struct file_info *fi, bool inflate_elf)
{
	_cleanup_free_ uint8_t *raw = NULL;
	_cleanup_free_ uint8_t *dec = NULL;
	const uint8_t *p;
	ssize_t n;
	size_t len;

	n = read_file(st, fi->path, BOOT_MAX_IMAGE, &raw);
	if (n < 0) {
		fi->exists = (int)n;
		return;
	}
	fi->exists = 0;
	p = raw;
	len = (size_t)n;
	fi->comp = hv_comp_detect(p, len);
	if (fi->comp == HV_COMP_NONE && len >= 6 && !memcmp(p, "07070", 5)) {
		fi->is_cpio_like = true;
		fi->is_ucode = true;  /* refined by the initrd check */
	} else if (fi->comp != HV_COMP_NONE && inflate_elf) {
		/* xen.gz: keep the first 64 MiB of the inflated image */
		ssize_t d = hv_decompress_all(fi->comp, raw, len, BOOT_MAX_KERNEL_INFLATE, &dec);

		if (d < 0) {
			fi->inflate_failed = true;
		} else {
			p = dec;
			len = (size_t)d;
		}
		if (d >= 0 && len >= 6 && !memcmp(p, "07070", 5))
			fi->is_cpio_like = true;
	} else if (fi->comp != HV_COMP_NONE) {
		fi->is_cpio_like = true;  /* a compressed module: an initrd */
	}
	if (boot_bzimage_parse(p, len, &fi->bz) == 0)
		fi->is_bzimage = true;
	else if (boot_is_pe(p, len))
		fi->is_pe = true;
	if (fi->is_pe)
		boot_find_xen_version(p, len, fi->xen_version, sizeof(fi->xen_version));
	if (boot_is_elf(p, len)) {
		fi->is_elf = true;
		boot_elf_info(p, len, &fi->elf);
		boot_find_xen_version(p, len, fi->xen_version, sizeof(fi->xen_version));
	}
	if (len >= 4 && (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) ==
			FLASK_MAGIC)
		fi->is_policy = true;
	boot_multiboot_scan(p, len, &fi->mb);
}

static struct fcache *fcache_find(struct boot_state *st, const char *path, bool inflate)
{
	size_t k;

	for (k = 0; k < st->nfc; k++)
		if (st->fc[k].inflate == inflate && !strcmp(st->fc[k].path, path))
			return &st->fc[k];
	return NULL;
}

/* look_at_uncached() once per (path, inflate); the result is copied into @fi. */
static void look_at(struct boot_state *st, struct file_info *fi, bool inflate_elf)
{
	struct fcache *c = fcache_find(st, fi->path, inflate_elf);
	char *path = fi->path, *why = fi->why;

	if (!c) {
		look_at_uncached(st, fi, inflate_elf);
		if (st->nfc < HV_ARRAY_SIZE(st->fc) && (c = &st->fc[st->nfc])->path == NULL &&
		    (c->path = strdup(path))) {
			c->inflate = inflate_elf;
			c->fi = *fi;
			c->fi.path = c->fi.why = NULL;
			st->nfc++;
		}
		return;
	}
	*fi = c->fi;
	fi->path = path;
	fi->why = why;
}

/* boot_initrd_scan() of a file, once per path. 0, or -errno/-EINVAL as it returns. */
static int initrd_scan(struct boot_state *st, const char *path, struct boot_initrd *out)
{
	struct fcache *c = fcache_find(st, path, false);
	_cleanup_free_ uint8_t *raw = NULL;
	ssize_t n;
	int rc;

	if (c && c->ird_done) {
		*out = c->ird;
		return c->ird_rc;
	}
	n = read_file(st, path, BOOT_MAX_IMAGE, &raw);
	rc = n < 0 ? (int)n : boot_initrd_scan(raw, (size_t)n, out);
	if (c) {
		c->ird_done = true;
		c->ird_rc = rc;
		c->ird = *out;
	}
	return rc;
}

static bool entry_selected_default(const struct boot_state *st, size_t i)
{
	return st->deflt >= 0 && (size_t)st->deflt == i;
}

static struct hv_finding *efind(struct hv_check_ctx *ctx, const struct boot_state *st, size_t i,
				enum hv_sev sev, const char *fmt, ...) HV_PRINTF(5, 6);

static struct hv_finding *efind(struct hv_check_ctx *ctx, const struct boot_state *st, size_t i,
				enum hv_sev sev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	struct hv_finding *f;
	const struct boot_entry *e = &st->cfg->entries[i];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* humans see the entry's own title; JSON has the full path in "entry" */
	f = hv_report_add(ctx->rep, ctx->check->id, sev, "%s%s: %s", e->title,
			  entry_selected_default(st, i) ? " (default)" : "", msg);
	hv_finding_str(f, "entry", e->path);
	hv_finding_bool(f, "default", entry_selected_default(st, i));
	return f;
}

/*
 * A chainloaded xen.efi reads <name>.cfg, else xen.cfg, beside it (Xen's
 * docs/misc/efi.pandoc): "[global] default=SECTION", then in the section
 * options= (Xen's command line), kernel=FILE ARGS, ramdisk=FILE, xsm=FILE;
 * files are relative to the config's directory. Adds those files to @ei.
 */
static void xen_efi_cfg(struct boot_state *st, struct entry_info *ei, const char *efi)
{
	_cleanup_free_ char *txt = NULL;
	char *dir = strdup(efi), *slash, *cfg = NULL;
	struct boot_xencfg xc;
	ssize_t n = -ENOENT;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* <name>.cfg first, then xen.cfg */
	if (strlen(efi) > 4 && !strcasecmp(efi + strlen(efi) - 4, ".efi")) {
		cfg = hv_asprintf("%.*s.cfg", (int)(strlen(efi) - 4), efi);
		n = cfg ? hv_root_read_maxf(st->root, 1 << 20, &txt, "%s", cfg) : -ENOMEM;
	}
	if (n < 0) {
		free(cfg);
		cfg = hv_asprintf("%s/xen.cfg", dir);
		n = cfg ? hv_root_read_maxf(st->root, 1 << 20, &txt, "%s", cfg) : -ENOMEM;
	}
	if (n < 0 || boot_xencfg_parse(txt, (size_t)n, &xc) < 0) {
		free(cfg);
		free(dir);
		return;
	}
	ei->xencfg = cfg;
	if (xc.section[0])
		ei->xensect = strdup(xc.section);
	if (ei->xensect && xc.kernel && ei->nf < BOOT_MAX_LOADS) {
		size_t wl = strcspn(xc.kernel, " \t");
		const char *args = xc.kernel + wl + strspn(xc.kernel + wl, " \t");
		struct file_info *fi = &ei->f[ei->nf];

		ei->xen_kargs = strdup(args);
		ei->kargs = ei->xen_kargs;
		fi->path = hv_asprintf("%s/%.*s", dir, (int)wl, xc.kernel);
		fi->exists = -ENOENT;
		if (fi->path)
			look_at(st, fi, false);
		ei->kernel = (int)ei->nf++;
	}
	if (ei->xensect && xc.ramdisk && ei->nf < BOOT_MAX_LOADS) {
		struct file_info *fi = &ei->f[ei->nf];

		fi->path = hv_asprintf("%s/%s", dir, xc.ramdisk);
		fi->exists = -ENOENT;
		if (fi->path)
			look_at(st, fi, false);
		ei->initrd[ei->ninitrd++] = (int)ei->nf++;
	}
	if (ei->xensect && xc.xsm && ei->nf < BOOT_MAX_LOADS) {
		struct file_info *fi = &ei->f[ei->nf];

		fi->path = hv_asprintf("%s/%s", dir, xc.xsm);
		fi->exists = -ENOENT;
		if (fi->path)
			look_at(st, fi, false);
		ei->nf++;
	}
	ei->xen_opts = xc.options;
	xc.options = NULL;
	ei->xargs = ei->xen_opts ? ei->xen_opts : "";
	boot_xencfg_clear(&xc);
	free(dir);
}

/* Analyse entry @i once: map paths, classify what each load is. */
static struct entry_info *analyse(struct boot_state *st, size_t i)
{
	struct entry_info *ei = &st->ei[i];
	const struct boot_entry *e = &st->cfg->entries[i];
	size_t k;
	int first_mod = -1, nmod = 0;

	if (ei->done)
		return ei;
	ei->done = true;
	ei->hv = ei->kernel = -1;
	for (k = 0; k < e->nloads; k++) {
		const struct boot_load *l = &e->loads[k];
		struct file_info *fi = &ei->f[k];

		fi->path = map_path(st, e, l, &fi->why);
		fi->exists = -ENOENT;
		/* only a hypervisor is inflated (multiboot headers, ELF); a compressed
		 * module is an initrd, which boot.initrd streams */
		if (fi->path)
			look_at(st, fi, l->kind == BOOT_LOAD_HYPERVISOR);
		switch (l->kind) {
		case BOOT_LOAD_HYPERVISOR:
			ei->hv = (int)k;
			ei->xargs = l->args;
			ei->role = ROLE_DOM0;
			break;
		case BOOT_LOAD_LINUX:
			ei->kernel = (int)k;
			ei->kargs = l->args;
			if (ei->role == ROLE_NONE)
				ei->role = ROLE_KVM;
			break;
		case BOOT_LOAD_INITRD:
			ei->initrd[ei->ninitrd++] = (int)k;
			break;
		case BOOT_LOAD_MODULE:
			nmod++;
			if (first_mod < 0)
				first_mod = (int)k;
			if (fi->exists == 0 && fi->is_bzimage && ei->kernel < 0) {
				ei->kernel = (int)k;
				ei->kargs = l->args;
				if (first_mod != (int)k)
					ei->swapped = true;
			} else if (fi->exists == 0 && (fi->is_policy || fi->is_bzimage)) {
				/* an XSM policy, or a second kernel: neither is an initrd */
			} else if (!(fi->exists < 0 && (int)k == first_mod)) {
				/* a missing first module is the kernel (below); others initrds */
				ei->initrd[ei->ninitrd++] = (int)k;
			}
			break;
		case BOOT_LOAD_CHAIN:
			if (fi->exists == 0 && fi->is_pe && fi->xen_version[0] && ei->hv < 0) {
				ei->hv = (int)k;
				ei->xen_efi = true;
				ei->role = ROLE_DOM0;
			}
			break;
		}
	}
	ei->nf = e->nloads;
	if (ei->xen_efi)
		xen_efi_cfg(st, ei, ei->f[ei->hv].path);
	/* Xen: the first module is dom0's kernel whatever its content says */
	if (ei->hv >= 0 && ei->kernel < 0 && first_mod >= 0) {
		ei->kernel = first_mod;
		ei->kargs = e->loads[first_mod].args;
	}
	/* 20_linux_xen's "placeholder": Xen drops a module's first word (its name) */
	if (ei->kargs && hv_startswith(ei->kargs, "placeholder"))
		ei->kargs += strspn(ei->kargs + 11, " ") + 11;
	if (ei->xargs && hv_startswith(ei->xargs, "placeholder"))
		ei->xargs += strspn(ei->xargs + 11, " ") + 11;
	return ei;
}

/* Report a PASS for the default entry, or count it for the summary. */
struct pass_sum {
	int others;
};

static void pass_or_count(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			  struct pass_sum *ps, struct hv_finding **out, const char *fmt, ...)
	HV_PRINTF(6, 7);

static void pass_or_count(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			  struct pass_sum *ps, struct hv_finding **out, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	*out = NULL;
	if (!entry_selected_default(st, i)) {
		ps->others++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*out = efind(ctx, st, i, HV_SEV_PASS, "%s", msg);
}

static void pass_summary(struct hv_check_ctx *ctx, const struct pass_sum *ps, const char *what)
{
	if (ps->others > 0)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "%s in %d other entr%s", what,
			      ps->others, ps->others == 1 ? "y" : "ies");
}

/* Entries worth validating: resolved, loading something, not chainloaders. */
static bool checkable(const struct boot_state *st, size_t i)
{
	const struct boot_entry *e = &st->cfg->entries[i];

	return !e->unresolved && e->nloads > 0;
}

/*
 * The analysis of entry @i when it boots a Linux kernel that can be checked:
 * checkable, and not a chainloader (except xen.efi with its dom0 kernel).
 * NULL otherwise.
 */
static struct entry_info *linux_entry(struct boot_state *st, size_t i)
{
	struct entry_info *ei;

	if (!checkable(st, i))
		return NULL;
	ei = analyse(st, i);
	if (st->cfg->entries[i].loader == BOOT_LDR_CHAIN && (!ei->xen_efi || ei->kernel < 0))
		return NULL;
	return ei;
}

/* A "path" field built with printf. */
static void boot_field_pathf(struct hv_finding *f, const char *fmt, ...) HV_PRINTF(2, 3);

static void boot_field_pathf(struct hv_finding *f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hv_finding_str(f, "path", buf);
}

static void file_fields(struct hv_finding *f, const struct file_info *fi)
{
	if (fi->path)
		hv_finding_str(f, "path", fi->path);
}

/* ---------------------------------------------------------------- checks */

/*
 * --config named a xen.efi configuration (xen.cfg): no menu to walk, so the
 * file is checked alone: a default section, and the kernel, ramdisk and XSM
 * policy files it names, which xen.efi loads from its own directory.
 */
static int check_xencfg(struct hv_check_ctx *ctx, struct boot_state *st)
{
	const char *id = ctx->check->id;
	const struct boot_xencfg *x = &st->xc;
	const char *files[] = { x->kernel, x->ramdisk, x->xsm };
	const char *what[] = { "kernel", "ramdisk", "xsm" };
	_cleanup_free_ char *dir = strdup(st->cfg_path);
	struct hv_finding *f;
	char *slash;
	int bad = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!x->section[0]) {
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "%s is a xen.efi configuration whose [global] section has no "
				  "default=: xen.efi has nothing to boot", st->cfg_path);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
		return 0;
	}
	for (size_t i = 0; i < HV_ARRAY_SIZE(files); i++) {
		size_t wl;

		if (!files[i])
			continue;
		wl = strcspn(files[i], " \t");
		if (hv_root_existsf(st->root, "%s/%.*s", dir, (int)wl, files[i]) == 0)
			continue;
		bad++;
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL,
				  "[%s] %s=%.*s: no such file in %s (xen.efi loads it from its own "
				  "directory)", x->section, what[i], (int)wl, files[i], dir);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
	}
	if (!x->kernel) {
		bad++;
		f = hv_report_add(ctx->rep, id, HV_SEV_FAIL, "[%s] has no kernel=: no dom0 to start",
				  x->section);
		hv_finding_evidence(f, HV_LAYER_BOOT, "%s", st->cfg_path);
	}
	if (!bad) {
		f = hv_report_add(ctx->rep, id, HV_SEV_PASS,
				  "%s: xen.efi configuration, section [%s]: Xen options '%s', kernel "
				  "and%s files present", st->cfg_path, x->section,
				  x->options ? x->options : "", x->ramdisk ? " ramdisk" : " no ramdisk;");
	}
	f = hv_report_add(ctx->rep, id, HV_SEV_INFO,
			  "a xen.efi configuration is checked alone: the other boot checks need the "
			  "menu that chainloads xen.efi");
	hv_finding_hint(f, "run without --config (or give the grub.cfg) to check the whole chain");
	return 0;
}

static int chk_config(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct hv_finding *f;
	size_t i;

	if (st->kind == BOOT_CFG_SYSLINUX || st->kind == BOOT_CFG_BLS) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "%s configuration found: not checked",
				  st->kind == BOOT_CFG_BLS ? "Boot Loader Specification (BLS)" :
							     "syslinux/extlinux");
		hv_finding_str(f, "path", st->cfg_path);
		return 0;
	}
	if (st->kind == BOOT_CFG_XENCFG && !st->cfg_err)
		return check_xencfg(ctx, st);
	if (!st->cfg) {
		if (st->cfg_err == -ENOENT && !(st->opts && st->opts->config)) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_SKIP,
					  "no boot loader configuration found");
			hv_finding_hint(f, "looked for /boot/grub/grub.cfg, /boot/grub2/grub.cfg, "
					   "/boot/grub/menu.lst, /boot/grub/grub.conf; use --config");
			return 0;
		}
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL, "cannot read %s: %s",
				  st->cfg_path, hv_strerror(-st->cfg_err));
		hv_finding_str(f, "path", st->cfg_path);
		return 0;
	}
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "%s: %s, %zu entr%s",
			  st->cfg_path, st->kind == BOOT_CFG_LEGACY ? "GRUB legacy" : "GRUB 2",
			  st->cfg->nentries, st->cfg->nentries == 1 ? "y" : "ies");
	hv_finding_str(f, "path", st->cfg_path);
	if (st->cfg->truncated) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				  "%s exceeds a parser limit; only part of it was read", st->cfg_path);
		hv_finding_str(f, "path", st->cfg_path);
	}
	for (i = 0; i < st->cfg->nentries; i++) {
		const struct boot_entry *e = &st->cfg->entries[i];

		if (e->unresolved && e->nloads > 0) {
			f = efind(ctx, st, i, HV_SEV_WARN, "not checked: %s", e->unresolved);
			hv_finding_hint(f, "what it loads is decided at boot time (line %d)",
					e->line);
		} else if (e->nloads == 0) {
			efind(ctx, st, i, HV_SEV_INFO, "loads no kernel: not checked");
		} else if (e->loader == BOOT_LDR_CHAIN && !analyse(st, i)->xen_efi) {
			efind(ctx, st, i, HV_SEV_INFO, "chainloads %s (not checked)",
			      e->loads[0].path ? e->loads[0].path : "a device");
		}
	}
	return 0;
}

/* Describe where the default came from, for messages. */
static const char *default_origin(const struct boot_state *st, char *buf, size_t len)
{
	const struct boot_cfg *c = st->cfg;

	if (c->default_var && (!c->deflt || !c->deflt[0]))
		snprintf(buf, len, "default (%s unset: first entry)", c->default_var);
	else if (c->default_var && !strcmp(c->default_var, "saved_entry"))
		snprintf(buf, len, "saved_entry '%s' (grubenv)", c->deflt ? c->deflt : "");
	else if (c->default_var && !strcmp(c->default_var, "next_entry"))
		snprintf(buf, len, "next_entry '%s' (grubenv)", c->deflt ? c->deflt : "");
	else if (c->deflt)
		snprintf(buf, len, "default '%s'", c->deflt);
	else
		snprintf(buf, len, "default (unset: first entry)");
	return buf;
}

static int chk_default(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct boot_cfg *c = st->cfg;
	struct hv_finding *f;
	char org[256];
	int r;

	if (!c)
		return 0;  /* boot.config said why */
	default_origin(st, org, sizeof(org));
	if (c->default_unresolved) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				  "the default entry cannot be resolved statically: %s",
				  c->default_why ? c->default_why : "unknown");
		return 0;
	}
	if (c->nentries == 0) {
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL, "the menu has no entries");
		return 0;
	}
	if (st->default_ok) {
		f = efind(ctx, st, (size_t)st->deflt, HV_SEV_PASS, "%s selects this entry", org);
	} else if (st->deflt == -EINVAL) {
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "%s names a submenu, not an entry", org);
		hv_finding_hint(f, "use the full path, e.g. 'Submenu>Entry'");
	} else {
		int top = 0;
		size_t k;

		for (k = 0; k < c->nentries; k++)
			top = HV_MAX(top, c->entries[k].pidx[0] + 1);
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
				  "%s matches no entry (%d top-level item%s): GRUB boots the first "
				  "entry instead", org, top, top == 1 ? "" : "s");
		hv_finding_str(f, "entry", c->entries[0].path);
		hv_finding_bool(f, "default", true);
		hv_finding_hint(f, "%s", c->default_var ?
				"run grub-set-default or grub-reboot with an existing entry" :
				"set GRUB_DEFAULT to an existing entry and rerun update-grub");
	}
	if (c->saved_entry && !(c->default_var && !strcmp(c->default_var, "saved_entry")) &&
	    c->deflt && !strcmp(c->deflt, "saved")) {
		/* legacy "default saved" */
	}
	if (c->next_entry) {
		r = boot_cfg_resolve(c, c->next_entry);
		if (r < 0) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_FAIL,
					  "next_entry '%s' (grubenv, one-time boot) matches no entry",
					  c->next_entry);
		} else {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
					  "next boot only: '%s' (next_entry)", c->entries[r].path);
			hv_finding_str(f, "entry", c->entries[r].path);
		}
	}
	if (c->fallback) {
		r = boot_cfg_resolve(c, c->fallback);
		if (r < 0) {
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
					  "fallback '%s' matches no entry", c->fallback);
		}
	}
	return 0;
}

static int chk_ids(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct boot_cfg *c = st->cfg;
	size_t i, j;
	int ndup = 0;

	if (!c)
		return 0;  /* boot.config said why */
	/* every menu node (entry or submenu) once; a node is its index path (entry, level) */
	struct node {
		size_t e;
		int d;
	} *nodes = calloc(c->nentries * (BOOT_MAX_DEPTH + 1) + 1, sizeof(*nodes));
	size_t nn = 0, m;

	if (!nodes)
		return -ENOMEM;
	for (i = 0; i < c->nentries; i++) {
		const struct boot_entry *a = &c->entries[i];
		int d;

		for (d = 0; d <= a->depth; d++) {
			for (m = 0; m < nn; m++)
				if (nodes[m].d == d &&
				    !memcmp(c->entries[nodes[m].e].pidx, a->pidx, sizeof(int) * (size_t)(d + 1)))
					break;
			if (m == nn)
				nodes[nn++] = (struct node){ i, d };
		}
	}
	for (j = 0; j < nn; j++) {
		const struct boot_entry *a = &c->entries[nodes[j].e];
		const char *id = a->pid[nodes[j].d];

		if (!id)
			continue;
		for (m = 0; m < j; m++) {
			const struct boot_entry *b = &c->entries[nodes[m].e];

			if (b->pid[nodes[m].d] && !strcmp(b->pid[nodes[m].d], id))
				break;
		}
		if (m < j) {
			const struct boot_entry *b = &c->entries[nodes[m].e];
			char *pa = boot_join_path((const char *const *)a->ptitle, nodes[j].d + 1);
			char *pb = boot_join_path((const char *const *)b->ptitle, nodes[m].d + 1);
			struct hv_finding *f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
				"'%s' has the id of '%s' (%s): default= by id picks the first",
				pa ? pa : "?", pb ? pb : "?", id);

			hv_finding_str(f, "entry", pa);
			hv_finding_str(f, "id", id);
			free(pa);
			free(pb);
			ndup++;
		}
	}
	free(nodes);
	if (!ndup)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "entry ids are unique");
	return 0;
}

static int chk_hypervisor(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	size_t i;
	int n = 0;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		const struct boot_entry *e = &st->cfg->entries[i];
		struct entry_info *ei;
		const struct file_info *fi;
		const struct boot_load *l;
		struct hv_finding *f;
		bool mb2;

		if (!checkable(st, i))
			continue;
		ei = analyse(st, i);
		if (ei->hv < 0)
			continue;
		n++;
		fi = &ei->f[ei->hv];
		l = &e->loads[ei->hv];
		mb2 = e->loader == BOOT_LDR_MULTIBOOT2;
		if (fi->exists < 0) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "hypervisor %s: %s",
				  fi->path ? fi->path : l->path ? l->path : "(none)",
				  hv_strerror(-fi->exists));
			file_fields(f, fi);
			continue;
		}
		if (fi->is_bzimage) {
			f = efind(ctx, st, i, HV_SEV_FAIL,
				  "%s is a Linux kernel (%s), not a hypervisor", fi->path,
				  fi->bz.release[0] ? fi->bz.release : "bzImage");
			file_fields(f, fi);
			hv_finding_str(f, "kernel", fi->bz.release);
			continue;
		}
		if (ei->xen_efi) {
			if (!ei->xencfg) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "%s (Xen %s) is chainloaded but has no xen.cfg beside it",
					  fi->path, fi->xen_version);
				hv_finding_hint(f, "xen.efi reads its kernel and options from "
						   "<name>.cfg or xen.cfg in its directory");
			} else if (!ei->xensect || ei->kernel < 0) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "%s: %s", ei->xencfg, !ei->xensect ?
					  "no [global] default= section" :
					  "the default section has no kernel=");
				hv_finding_str(f, "path", ei->xencfg);
				continue;
			} else {
				pass_or_count(ctx, st, i, &ps, &f,
					      "%s: PE Xen %s, chainloaded, %s section [%s]", fi->path,
					      fi->xen_version, ei->xencfg, ei->xensect);
			}
			file_fields(f, fi);
			if (f)
				hv_finding_str(f, "version", fi->xen_version);
			continue;
		}
		if (fi->is_pe && e->loader != BOOT_LDR_XEN_ARM) {
			f = efind(ctx, st, i, HV_SEV_FAIL,
				  "%s is a PE/EFI image: GRUB's %s refuses it", fi->path, l->cmd);
			file_fields(f, fi);
			hv_finding_hint(f, "load xen-*.gz with %s, or chainload xen.efi with its "
					   "xen.cfg", l->cmd);
			continue;
		}
		if (fi->inflate_failed) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "%s: corrupt %s data", fi->path,
				  hv_comp_name(fi->comp));
			file_fields(f, fi);
			continue;
		}
		if (e->loader == BOOT_LDR_XEN_ARM) {
			pass_or_count(ctx, st, i, &ps, &f, "%s loaded with xen_hypervisor (not "
				      "validated further)", fi->path);
			file_fields(f, fi);
			continue;
		}
		if ((mb2 && !fi->mb.mb2_ok) || (!mb2 && !fi->mb.mb1_ok)) {
			const char *other = mb2 ? (fi->mb.mb1_ok ? " (it has a multiboot1 header: "
							"use multiboot/module)" : "") :
						  (fi->mb.mb2_ok ? " (it has a multiboot2 header: "
							"use multiboot2/module2)" : "");
			f = efind(ctx, st, i, HV_SEV_FAIL, "%s has no valid multiboot%s header%s%s",
				  fi->path, mb2 ? "2" : "",
				  (mb2 ? fi->mb.mb2_off : fi->mb.mb1_off) >= 0 ? " (bad checksum)" : "",
				  other);
			file_fields(f, fi);
			continue;
		}
		pass_or_count(ctx, st, i, &ps, &f, "%s: %s%s%s, multiboot%s header%s%s",
			      fi->path, fi->comp != HV_COMP_NONE ? hv_comp_name(fi->comp) : "",
			      fi->comp != HV_COMP_NONE ? " " : "",
			      fi->is_elf ? (fi->elf.bits == 64 ? "ELF64" : "ELF32") : "image",
			      mb2 ? "2" : "", fi->xen_version[0] ? ", Xen " : "", fi->xen_version);
		file_fields(f, fi);
		if (f && fi->elf.build_id[0])
			hv_finding_str(f, "build_id", fi->elf.build_id);
		if (f && fi->xen_version[0])
			hv_finding_str(f, "version", fi->xen_version);
	}
	pass_summary(ctx, &ps, "the hypervisor image is valid");
	if (n == 0)
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "no entry loads a hypervisor");
	return 0;
}

static const char *kernel_release(const struct entry_info *ei)
{
	if (ei->kernel >= 0 && ei->f[ei->kernel].is_bzimage && ei->f[ei->kernel].bz.release[0])
		return ei->f[ei->kernel].bz.release;
	return NULL;
}

static int chk_kernel(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	size_t i;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		struct entry_info *ei;
		const struct file_info *fi;
		struct hv_finding *f;

		ei = linux_entry(st, i);
		if (!ei)
			continue;
		if (ei->kernel < 0) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "%s", ei->hv >= 0 ?
				  "no module after the hypervisor: Xen has no dom0 kernel to start" :
				  "the entry loads no kernel");
			continue;
		}
		fi = &ei->f[ei->kernel];
		if (fi->exists < 0) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "kernel %s: %s",
				  fi->path ? fi->path : "(none)", hv_strerror(-fi->exists));
			file_fields(f, fi);
			continue;
		}
		if (ei->swapped) {
			f = efind(ctx, st, i, HV_SEV_FAIL,
				  "module order: %s comes before the kernel %s; Xen starts the "
				  "first module as dom0's kernel", ei->f[ei->initrd[0]].path, fi->path);
			file_fields(f, fi);
			hv_finding_str(f, "kernel", fi->bz.release);
			hv_finding_hint(f, "list the kernel first, then the initrd");
			continue;
		}
		if (!fi->is_bzimage) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "%s is not a Linux bzImage%s", fi->path,
				  fi->is_cpio_like ? " (it looks like an initrd: module order?)" :
				  fi->is_elf ? " (an ELF image)" : "");
			file_fields(f, fi);
			continue;
		}
		pass_or_count(ctx, st, i, &ps, &f, "%s: Linux %s, boot protocol %u.%02u",
			      fi->path, fi->bz.release, fi->bz.protocol >> 8, fi->bz.protocol & 0xff);
		file_fields(f, fi);
		hv_finding_str(f, "kernel", fi->bz.release);
	}
	pass_summary(ctx, &ps, "the kernel is a valid bzImage");
	return 0;
}

/* Does root= need an initramfs to be found? UUID, LABEL, PARTUUID, LVM, md. */
static bool root_needs_initrd(const char *root)
{
	return hv_startswith(root, "UUID=") || hv_startswith(root, "LABEL=") ||
	       hv_startswith(root, "PARTUUID=") || hv_startswith(root, "/dev/mapper/") ||
	       hv_startswith(root, "/dev/md") || hv_startswith(root, "ZFS=") ||
	       (hv_startswith(root, "/dev/") && strchr(root + 5, '/') &&
		!hv_startswith(root, "/dev/disk/"));
}

static int chk_initrd(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	size_t i;
	int k;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		const struct boot_entry *e = &st->cfg->entries[i];
		struct entry_info *ei;
		struct hv_finding *f = NULL;
		const char *rel;
		char rootarg[256];
		bool bad = false, ucode_seen = false, any = false;

		ei = linux_entry(st, i);
		if (!ei)
			continue;
		if (ei->kernel < 0 || ei->swapped)
			continue;  /* reported by boot.kernel */
		rel = kernel_release(ei);
		if (ei->ninitrd == 0) {
			if (ei->kargs && boot_cmdline_get(ei->kargs, "root", rootarg, sizeof(rootarg)) &&
			    root_needs_initrd(rootarg)) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "no initrd, but root=%s needs one to be found", rootarg);
				hv_finding_str(f, "kernel", rel);
			} else {
				efind(ctx, st, i, HV_SEV_INFO, "no initrd");
			}
			continue;
		}
		for (k = 0; k < ei->ninitrd; k++) {
			const struct file_info *fi = &ei->f[ei->initrd[k]];
			struct boot_initrd ird;
			int j;
			bool match = false;

			if (fi->exists < 0) {
				f = efind(ctx, st, i, HV_SEV_FAIL, "initrd %s: %s",
					  fi->path ? fi->path : "(none)", hv_strerror(-fi->exists));
				file_fields(f, fi);
				bad = true;
				continue;
			}
			if (initrd_scan(st, fi->path, &ird) < 0) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "%s is not an initrd (neither cpio nor a known compression)",
					  fi->path);
				file_fields(f, fi);
				bad = true;
				continue;
			}
			if (ird.nfiles > 0 && ird.nreleases == 0 && !ird.has_init &&
			    (ird.early_ucode || ird.nsegments == 1)) {
				/* a microcode-only image given as its own initrd */
				ucode_seen = true;
				if (k + 1 < ei->ninitrd) {
					f = efind(ctx, st, i, HV_SEV_INFO,
						  "%s is an early-microcode image loaded before the "
						  "real initrd", fi->path);
					file_fields(f, fi);
				} else {
					f = efind(ctx, st, i, HV_SEV_FAIL,
						  "%s holds no init and no modules: %s", fi->path,
						  ucode_seen && ei->ninitrd == 1 ?
						  "only early microcode, no real initrd" :
						  "not a usable initrd");
					file_fields(f, fi);
					/*
					 * Debian 12's 20_linux_xen writes "module2 --nounzip
					 * /boot/intel-ucode.img /boot/initrd.img-X": a module
					 * command loads one file, the rest is its command line.
					 */
					if ((size_t)ei->initrd[k] < e->nloads &&
					    e->loads[ei->initrd[k]].kind == BOOT_LOAD_MODULE &&
					    e->loads[ei->initrd[k]].args[0] == '/') {
						const struct boot_load *l = &e->loads[ei->initrd[k]];

						hv_finding_hint(f, "%s loads one file: '%.*s' is only "
								"its command line; give it its own %s line",
								l->cmd, (int)strcspn(l->args, " "),
								l->args, l->cmd);
					}
					bad = true;
				}
				continue;
			}
			any = true;
			if (ird.error[0]) {
				f = efind(ctx, st, i, ird.truncated ? HV_SEV_WARN : HV_SEV_FAIL,
					  "%s: %s", fi->path, ird.error);
				file_fields(f, fi);
				if (!ird.truncated)
					bad = true;
			}
			for (j = 0; j < ird.nreleases; j++)
				if (rel && !strcmp(ird.releases[j], rel))
					match = true;
			if (rel && ird.nreleases > 0 && !match) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "%s holds modules for %s, but the kernel is %s", fi->path,
					  ird.releases[0], rel);
				file_fields(f, fi);
				hv_finding_str(f, "kernel", rel);
				hv_finding_hint(f, "rebuild it: update-initramfs -c -k %s", rel);
				bad = true;
				continue;
			}
			if (bad)
				continue;
			pass_or_count(ctx, st, i, &ps, &f, "%s: %s cpio%s%s, %zu files%s%s",
				      fi->path, ird.comp != HV_COMP_NONE ? hv_comp_name(ird.comp) :
				      "plain", ird.early_ucode ? " after an early-microcode archive" : "",
				      "", ird.nfiles, ird.nreleases ? ", modules for " : "",
				      ird.nreleases ? ird.releases[0] : "");
			file_fields(f, fi);
			hv_finding_str(f, "kernel", rel);
		}
		(void)any;
	}
	pass_summary(ctx, &ps, "the initrd matches the kernel");
	return 0;
}

/* ---- modules ---- */

static const char *const kvm_mods[] = { "kvm" };
static const char *const dom0_mods[] = { "xen-evtchn", "xen-gntdev", "xen-privcmd", "xenfs",
					 "xen-netback", "xen-blkback" };

/* kvm_intel or kvm_amd, from CPUID when the root can answer, else both are asked for. */
static int kvm_vendor_mods(const struct boot_state *st, const char **out)
{
	uint32_t r[4];

	if (hv_root_cpuid(st->root, 0, 0, r) == 0) {
		if (r[1] == 0x756e6547) {  /* "Genu" */
			out[0] = "kvm-intel";
			return 1;
		}
		if (r[1] == 0x68747541 || r[1] == 0x6f677948) {  /* "Auth", "Hygo" */
			out[0] = "kvm-amd";
			return 1;
		}
	}
	out[0] = "kvm-intel";
	out[1] = "kvm-amd";
	return 2;
}

static void check_one_module(struct hv_check_ctx *ctx, struct boot_state *st, size_t i,
			     const char *rel, const struct hv_moddir *md, const char *name,
			     bool any_of, int *bad, struct sbuf *ok)
{
	char path[512], vm[256];
	const char *rpath;
	struct hv_finding *f;
	_cleanup_free_ uint8_t *img = NULL;
	size_t len, pl;
	int rc;

	switch (hv_moddir_find(md, name, path, sizeof(path))) {
	case HV_MOD_BUILTIN:
		sbuf_adds(ok, ok->len ? ", " : "");
		sbuf_adds(ok, name);
		sbuf_adds(ok, " (built in)");
		return;
	case HV_MOD_ON_DISK:
		break;
	default:
		f = efind(ctx, st, i, any_of ? HV_SEV_WARN : HV_SEV_FAIL,
			  "module %s is neither built into %s nor in modules.dep", name, rel);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	/* the entry as modules.dep gives it, for messages */
	pl = strlen("/lib/modules/") + strlen(rel) + 1;
	rpath = strncmp(path, "/lib/modules/", 13) == 0 && strlen(path) > pl ? path + pl : path;
	rc = hv_mod_read(st->root, path, &img, &len);
	if (rc < 0) {
		f = efind(ctx, st, i, HV_SEV_FAIL, "module %s: %s: %s", name, path, hv_strerror(-rc));
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	rc = hv_mod_vermagic(img, len, vm, sizeof(vm));
	if (rc < 0) {
		f = efind(ctx, st, i, HV_SEV_FAIL, "module %s: %s has no vermagic (%s)", name, rpath,
			  rc == -EINVAL ? "not an ELF module" : "no .modinfo");
		boot_field_pathf(f, "%s", path);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	size_t rl = strlen(rel);

	if (strncmp(vm, rel, rl) || (vm[rl] != ' ' && vm[rl] != '\0')) {
		vm[strcspn(vm, " ")] = '\0';
		f = efind(ctx, st, i, HV_SEV_FAIL,
			  "module %s was built for %s, not %s: the kernel refuses it (vermagic)",
			  name, vm, rel);
		hv_finding_str(f, "path", path);
		hv_finding_str(f, "kernel", rel);
		hv_finding_str(f, "module", name);
		(*bad)++;
		return;
	}
	sbuf_adds(ok, ok->len ? ", " : "");
	sbuf_adds(ok, name);
}

static int chk_modules(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	/* one look per (kernel release, role): entries repeat the same kernel */
	struct {
		const char *rel;
		enum role role;
		int bad;
		size_t entry;
		char *ok;
	} memo[32];
	size_t i, nmemo = 0, m;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		struct entry_info *ei;
		struct hv_finding *f;
		struct hv_moddir *md = NULL;
		struct sbuf ok = { 0 };
		const char *rel, *vend[2];
		struct stat sb;
		int bad = 0, nv, nvok = 0, rc;
		size_t k;

		ei = linux_entry(st, i);
		if (!ei)
			continue;
		rel = kernel_release(ei);
		if (!rel || ei->swapped)
			continue;
		for (m = 0; m < nmemo; m++)
			if (memo[m].role == ei->role && !strcmp(memo[m].rel, rel))
				break;
		if (m < nmemo) {
			if (memo[m].bad) {
				f = efind(ctx, st, i, HV_SEV_FAIL, "the same module problems as '%s' (%s)",
					  st->cfg->entries[memo[m].entry].path, rel);
				hv_finding_str(f, "kernel", rel);
			} else {
				pass_or_count(ctx, st, i, &ps, &f, "%s modules for %s: %s",
					      ei->role == ROLE_DOM0 ? "dom0" : "KVM", rel,
					      memo[m].ok ? memo[m].ok : "");
				hv_finding_str(f, "kernel", rel);
			}
			continue;
		}
		if (nmemo < HV_ARRAY_SIZE(memo)) {
			memo[nmemo] = (typeof(memo[0])){ rel, ei->role, 1, i, NULL };
			nmemo++;
		}
		if (hv_root_statf(st->root, &sb, "/lib/modules/%s", rel) < 0 || !S_ISDIR(sb.st_mode)) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s does not exist", rel);
			boot_field_pathf(f, "/lib/modules/%s", rel);
			hv_finding_str(f, "kernel", rel);
			hv_finding_hint(f, "install the modules of %s (linux-image package)", rel);
			continue;
		}
		rc = hv_moddir_new(st->root, rel, &md);
		if (rc < 0) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s: %s", rel, hv_strerror(-rc));
			hv_finding_str(f, "kernel", rel);
			continue;
		}
		if (!hv_moddir_has_dep(md)) {
			f = efind(ctx, st, i, HV_SEV_FAIL, "/lib/modules/%s/modules.dep is missing",
				  rel);
			hv_finding_str(f, "kernel", rel);
			hv_finding_hint(f, "run depmod %s", rel);
			bad++;
		}
		if (ei->role == ROLE_DOM0) {
			_cleanup_free_ char *cfgtxt = NULL;

			for (k = 0; k < HV_ARRAY_SIZE(dom0_mods); k++)
				check_one_module(ctx, st, i, rel, md, dom0_mods[k], false, &bad, &ok);
			if (hv_root_read_maxf(st->root, 4u << 20, &cfgtxt, "/boot/config-%s", rel) < 0) {
				f = efind(ctx, st, i, HV_SEV_WARN,
					  "/boot/config-%s is missing: cannot tell whether the kernel "
					  "can be dom0", rel);
				hv_finding_str(f, "kernel", rel);
			} else if (!kconfig_has(cfgtxt, "CONFIG_XEN_DOM0=y")) {
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "%s is built without CONFIG_XEN_DOM0=y: it cannot run as dom0",
					  rel);
				boot_field_pathf(f, "/boot/config-%s", rel);
				hv_finding_str(f, "kernel", rel);
				bad++;
			}
		} else {
			struct sbuf vok = { 0 };
			int vbad = 0;

			for (k = 0; k < HV_ARRAY_SIZE(kvm_mods); k++)
				check_one_module(ctx, st, i, rel, md, kvm_mods[k], false, &bad, &ok);
			nv = kvm_vendor_mods(st, vend);
			for (k = 0; k < (size_t)nv; k++) {
				int b0 = vbad;

				check_one_module(ctx, st, i, rel, md, vend[k], nv > 1, &vbad, &vok);
				if (vbad == b0)
					nvok++;
			}
			if (nvok == 0)
				bad++;
			if (vok.len) {
				sbuf_adds(&ok, ok.len ? ", " : "");
				sbuf_adds(&ok, vok.buf);
			}
			sbuf_free(&vok);
		}
		if (!bad) {
			pass_or_count(ctx, st, i, &ps, &f, "%s modules for %s: %s",
				      ei->role == ROLE_DOM0 ? "dom0" : "KVM", rel, ok.buf ? ok.buf : "");
			hv_finding_str(f, "kernel", rel);
		}
		if (nmemo > 0 && memo[nmemo - 1].entry == i) {
			memo[nmemo - 1].bad = bad;
			memo[nmemo - 1].ok = sbuf_take(&ok);
		}
		sbuf_free(&ok);
		hv_moddir_free(md);
	}
	pass_summary(ctx, &ps, "the modules the role needs are present");
	for (m = 0; m < nmemo; m++)
		free(memo[m].ok);
	return 0;
}

/* ---- root= ---- */

static int dev_exists(struct boot_state *st, const char *spec, bool *verified)
{
	const char *v;

	*verified = true;
	if (hv_root_is_live(st->root) && hv_startswith(spec, "/dev/")) {
		struct stat sb;

		/* blkid_evaluate_tag returns a path as given, unlooked-up: stat it */
		return hv_root_statf(st->root, &sb, "%s", spec) == 0 && S_ISBLK(sb.st_mode) ? 0 :
		       -ENOENT;
	}
	if (hv_root_is_live(st->root)) {
		blkid_cache cache = live_blkid(st);
		char *dev;

		if (!cache)
			return -ENOMEM;
		dev = blkid_evaluate_tag(spec, NULL, &cache);
		if (dev) {
			free(dev);
			return 0;
		}
		return -ENOENT;
	}
	if ((v = hv_startswith(spec, "UUID=")))
		return hv_root_existsf(st->root, "/dev/disk/by-uuid/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-uuid") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if ((v = hv_startswith(spec, "LABEL=")))
		return hv_root_existsf(st->root, "/dev/disk/by-label/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-label") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if ((v = hv_startswith(spec, "PARTUUID=")))
		return hv_root_existsf(st->root, "/dev/disk/by-partuuid/%s", v) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk/by-partuuid") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	if (hv_startswith(spec, "/dev/"))
		return hv_root_existsf(st->root, "%s", spec) == 0 ? 0 :
			(hv_root_existsf(st->root, "/dev/disk") == 0 ? -ENOENT :
			 (*verified = false, -ENODEV));
	*verified = false;
	return -ENODEV;
}

static int chk_rootdev(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	size_t i;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		struct entry_info *ei;
		struct hv_finding *f;
		char rootarg[256];
		const char *fsroot;
		bool verified;
		int rc;

		ei = linux_entry(st, i);
		if (!ei)
			continue;
		if (!ei->kargs || !boot_cmdline_get(ei->kargs, "root", rootarg, sizeof(rootarg))) {
			if (ei->kernel >= 0)
				efind(ctx, st, i, HV_SEV_INFO,
				      "no root= on the kernel command line (the initrd decides)");
			continue;
		}
		rc = dev_exists(st, rootarg, &verified);
		fsroot = fstab_spec(st, "/");
		if (rc == 0) {
			pass_or_count(ctx, st, i, &ps, &f, "root=%s exists", rootarg);
		} else if (!verified) {
			const char *groot = st->cfg->entries[i].root;
			const char *guuid = groot ? hv_startswith(groot, "uuid:") : NULL;
			const char *ruuid = hv_startswith(rootarg, "UUID=");
			bool fs_same_kind = fsroot && ruuid && hv_startswith(fsroot, "UUID=");

			if (fsroot && !strcmp(fsroot, rootarg))
				pass_or_count(ctx, st, i, &ps, &f,
					      "root=%s is / in /etc/fstab (device not verified: "
					      "offline root)", rootarg);
			else if (ruuid && guuid && !strcasecmp(ruuid, guuid))
				pass_or_count(ctx, st, i, &ps, &f,
					      "root=%s is the filesystem GRUB loads the kernel from "
					      "(search --fs-uuid)", rootarg);
			else if (ruuid && (fs_same_kind || (!fsroot && guuid))) {
				/* the same kind of name, another value: the kernel will not find it */
				f = efind(ctx, st, i, HV_SEV_FAIL,
					  "root=%s matches neither / in /etc/fstab (%s) nor GRUB's "
					  "search --fs-uuid (%s): the kernel will not find its root",
					  rootarg, fsroot ? fsroot : "none", guuid ? guuid : "none");
				hv_finding_evidence(f, HV_LAYER_BOOT, "%s; /etc/fstab", st->cfg_path);
				hv_finding_hint(f, "set root= to the UUID of the root filesystem (blkid), "
						   "then update-grub");
			} else
				efind(ctx, st, i, HV_SEV_WARN,
				      "root=%s cannot be verified here and is not / in /etc/fstab",
				      rootarg);
		} else {
			f = efind(ctx, st, i, HV_SEV_FAIL, "root=%s: no such device", rootarg);
			hv_finding_hint(f, "%s%s", fsroot ? "/etc/fstab mounts / from " : "",
					fsroot ? fsroot : "check the filesystem UUID with blkid");
		}
	}
	pass_summary(ctx, &ps, "the root device exists");
	return 0;
}

/* ---- Xen command line ---- */

/*
 * Is the hypervisor at @path built with XSM/FLASK? Debian installs its build
 * configuration beside it (/boot/xen-4.17-amd64.config for xen-4.17-amd64.gz).
 * 1 yes, 0 no, -1 unknown.
 */
static int xen_has_xsm(const struct boot_state *st, const char *path)
{
	_cleanup_free_ char *txt = NULL;
	size_t l;

	if (!path)
		return -1;
	l = strlen(path);
	if (l > 3 && !strcmp(path + l - 3, ".gz"))
		l -= 3;
	else if (l > 4 && !strcmp(path + l - 4, ".efi"))
		l -= 4;
	if (hv_root_read_maxf(st->root, 1 << 20, &txt, "%.*s.config", (int)l, path) < 0)
		return -1;
	if (kconfig_has(txt, "CONFIG_XSM_FLASK=y"))
		return 1;
	return kconfig_has(txt, "# CONFIG_XSM is not set") || kconfig_has(txt, "CONFIG_XSM=y") ? 0 : -1;
}

static int chk_xen_cmdline(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	struct pass_sum ps = { 0 };
	struct boot_xen_issue is[BOOT_XEN_MAX_ISSUES];
	size_t i, k;

	if (!st->cfg)
		return 0;  /* boot.config said why */
	for (i = 0; i < st->cfg->nentries; i++) {
		struct entry_info *ei;
		struct hv_finding *f;
		bool has_policy = false;
		int n, j, xsm, bad = 0;
		char fl[16];

		if (!checkable(st, i))
			continue;
		ei = analyse(st, i);
		if (ei->hv < 0)
			continue;
		for (k = 0; k < ei->nf; k++)
			if ((int)k != ei->hv && ei->f[k].is_policy)
				has_policy = true;
		/* Xen's .config (up to 1 MiB) matters only to flask=enforcing. */
		xsm = -1;
		if (ei->xargs && boot_cmdline_get(ei->xargs, "flask", fl, sizeof(fl)) &&
		    !strcmp(fl, "enforcing"))
			xsm = xen_has_xsm(st, ei->f[ei->hv].path);
		n = boot_xen_cmdline_lint(ei->xargs, has_policy, xsm, is);
		for (j = 0; j < n; j++) {
			f = efind(ctx, st, i, is[j].sev, "%s", is[j].msg);
			if (is[j].hint[0])
				hv_finding_hint(f, "%s", is[j].hint);
			if (is[j].sev == HV_SEV_WARN || is[j].sev == HV_SEV_FAIL)
				bad++;
		}
		if (!bad)
			pass_or_count(ctx, st, i, &ps, &f, "Xen command line: %s",
				      ei->xargs && ei->xargs[0] ? ei->xargs : "(empty)");
	}
	pass_summary(ctx, &ps, "the Xen command line is sane");
	return 0;
}

/*
 * Kernel options that change what guests get: configured but not in effect,
 * they are a reboot (or an update-grub) away.
 */
static const char *const virt_opts[] = {
	"intel_iommu=", "amd_iommu=", "iommu=", "iommu.passthrough=", "intremap=", "kvm.",
	"kvm_intel.", "kvm-intel.", "kvm_amd.", "kvm-amd.", "kvm_pvm.", "hugepages=",
	"hugepagesz=", "default_hugepagesz=", "transparent_hugepage=", "vfio-pci.",
	"vfio_pci.", "vfio_iommu_type1.", "systemd.unified_cgroup_hierarchy=", "isolcpus=",
	"nohz_full=", "l1tf=", "mitigations=",
};

static bool virt_opt(const char *w)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(virt_opts); i++)
		if (strncmp(w, virt_opts[i], strlen(virt_opts[i])) == 0)
			return true;
	return false;
}

/* The words of @line before a "--" (the rest goes to init), in @out (NUL-separated). */
static size_t cmdline_words(const char *line, char *buf, size_t len, const char **w, size_t max)
{
	char *save = NULL, *tok;
	size_t n = 0;

	snprintf(buf, len, "%s", line ? line : "");
	for (tok = strtok_r(buf, " \t\n", &save); tok && n < max; tok = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(tok, "--") == 0)
			break;
		w[n++] = tok;
	}
	return n;
}

/* GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT of /etc/default/grub, quotes removed. */
static void default_grub_cmdline(const struct hv_root *r, char *out, size_t len)
{
	_cleanup_free_ char *txt = NULL;
	size_t o = 0;

	out[0] = '\0';
	if (hv_root_read_maxf(r, 1u << 20, &txt, "/etc/default/grub") < 0)
		return;
	for (char *l = strtok(txt, "\n"); l; l = strtok(NULL, "\n")) {
		const char *v = hv_startswith(l, "GRUB_CMDLINE_LINUX=");
		size_t n;

		if (!v)
			v = hv_startswith(l, "GRUB_CMDLINE_LINUX_DEFAULT=");
		if (!v)
			continue;
		if (*v == '"' || *v == '\'')
			v++;
		n = strcspn(v, "\"'");
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", o ? " " : "", (int)n, v);
		if (o >= len)
			return;
	}
}

/*
 * Configured against effective: each virtualization option of the default
 * entry and of /etc/default/grub that /proc/cmdline does not have.
 */
static void cmdline_effective(struct hv_check_ctx *ctx, struct boot_state *st, const char *cl)
{
	char cbuf[4096], ebuf[4096], gbuf[2048];
	const char *cw[256], *ew[256];
	size_t nc = 0, ne;
	const char *entry = NULL;

	ne = cmdline_words(cl, ebuf, sizeof(ebuf), ew, HV_ARRAY_SIZE(ew));
	if (st->cfg && st->deflt >= 0 && checkable(st, (size_t)st->deflt)) {
		struct entry_info *ei = analyse(st, (size_t)st->deflt);

		entry = ei->xen_kargs ? ei->xen_kargs : ei->kargs;
	}
	default_grub_cmdline(st->root, gbuf, sizeof(gbuf));
	for (int src = 0; src < 2; src++) {
		const char *text = src ? gbuf : entry;

		nc = cmdline_words(text, cbuf, sizeof(cbuf), cw, HV_ARRAY_SIZE(cw));
		for (size_t i = 0; i < nc; i++) {
			bool in_effect = false, in_entry = false;
			struct hv_finding *f;

			if (!virt_opt(cw[i]))
				continue;
			for (size_t j = 0; j < ne && !in_effect; j++)
				in_effect = strcmp(cw[i], ew[j]) == 0;
			if (in_effect)
				continue;
			if (src && entry) {
				char tbuf[4096];
				const char *tw[256];
				size_t nt = cmdline_words(entry, tbuf, sizeof(tbuf), tw, HV_ARRAY_SIZE(tw));

				for (size_t j = 0; j < nt && !in_entry; j++)
					in_entry = strcmp(cw[i], tw[j]) == 0;
				if (in_entry)
					continue;  /* said once, for the entry */
			}
			f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_WARN,
					  "%s is configured (%s) but not in effect: the running "
					  "kernel was booted without it", cw[i], src ? "/etc/default/grub" :
					  "the default boot entry");
			hv_finding_evidence(f, HV_LAYER_BOOT, "%s; /proc/cmdline lacks it",
					    src ? "/etc/default/grub" : st->cfg_path);
			hv_finding_hint(f, "%s", src ? "run update-grub (or grub2-mkconfig -o "
					"/boot/grub2/grub.cfg), then reboot" : "reboot into the default entry");
			hv_finding_str(f, "option", cw[i]);
		}
	}
}

static int chk_running(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	_cleanup_free_ char *cl = NULL, *xen = NULL;
	struct hv_finding *f;
	struct utsname uts;
	int rc;

	rc = hv_root_read_linef(st->root, &cl, "/proc/cmdline");
	if (rc < 0)
		return rc;
	f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "running kernel command line: %s",
			  cl);
	hv_finding_str(f, "path", "/proc/cmdline");
	cmdline_effective(ctx, st, cl);
	if (hv_root_read_linef(st->root, &xen, "/sys/hypervisor/type") == 0 && !strcmp(xen, "xen"))
		hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO, "running as a Xen domain now");
	/* is the running kernel one the menu boots? (context for a reboot) */
	if (st->cfg && hv_root_uname(st->root, &uts) == 0) {
		size_t i;
		int hits = 0;

		for (i = 0; i < st->cfg->nentries; i++) {
			const char *rel;

			if (!checkable(st, i))
				continue;
			rel = kernel_release(analyse(st, i));
			if (rel && !strcmp(rel, uts.release))
				hits++;
		}
		f = hv_report_add(ctx->rep, ctx->check->id, HV_SEV_INFO,
				  "running kernel %s is %s", uts.release, hits ?
				  "booted by an entry of the menu" : "booted by no entry of the menu");
		hv_finding_str(f, "kernel", uts.release);
	}
	return 0;
}

/*
 * The running hypervisor against the default entry: is what the menu boots
 * what is running? Xen's command line as it was booted comes from the
 * hypervisor (hv-xen: libxenctrl, or `xl info` in a captured root).
 */
static int chk_xen_running(struct hv_check_ctx *ctx)
{
	struct boot_state *st = ctx->data;
	const char *id = ctx->check->id;
	struct hv_xen_host h;
	struct entry_info *ei;
	struct hv_finding *f;
	char miss[512];
	int rc, n;

	rc = hv_root_xen_host(st->root, &h);
	if (rc == -ENXIO && st->cfg && st->deflt >= 0 && checkable(st, (size_t)st->deflt) &&
	    analyse(st, (size_t)st->deflt)->hv >= 0) {
		f = efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			  "this default entry boots Xen, but the host is not running Xen: the last "
			  "boot did not use it, or Xen failed and GRUB fell back");
		hv_finding_hint(f, "look at the boot console or `journalctl -b -1`; GRUB's "
				   "fallback and next_entry (grubenv) pick other entries");
		return 0;
	}
	if (rc < 0) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP, "no running Xen to compare with: %s",
			      hv_xen_strerror(rc));
		return 0;
	}
	if (!st->cfg || st->deflt < 0 || !checkable(st, (size_t)st->deflt)) {
		hv_report_add(ctx->rep, id, HV_SEV_SKIP,
			      "Xen %s is running, but no default entry to compare it with",
			      h.version);
		return 0;
	}
	ei = analyse(st, (size_t)st->deflt);
	if (ei->hv < 0) {
		f = efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			  "Xen %s is running, but this default entry boots no hypervisor: the next "
			  "boot leaves Xen", h.version);
		hv_finding_hint(f, "set GRUB_DEFAULT to the Xen entry (Debian: "
				   "/etc/default/grub.d/xen.cfg) and run update-grub");
		hv_finding_str(f, "running", h.cmdline);
		return 0;
	}
	n = boot_xen_cmdline_missing(ei->xargs, h.cmdline, miss, sizeof(miss));
	if (n) {
		f = efind(ctx, st, (size_t)st->deflt, HV_SEV_WARN,
			  "%d Xen option%s of this entry %s not in effect: %s; Xen was booted with "
			  "\"%s\", the entry has \"%s\"", n, n == 1 ? "" : "s",
			  n == 1 ? "is" : "are", miss, h.cmdline, ei->xargs);
		hv_finding_hint(f, "the entry edited is not the one that booted, or it was edited "
				   "since: reboot into it, or check GRUB_DEFAULT and update-grub");
	} else {
		f = efind(ctx, st, (size_t)st->deflt, HV_SEV_PASS,
			  "the running Xen %s was booted with this entry's options", h.version);
	}
	hv_finding_str(f, "running", h.cmdline);
	hv_finding_str(f, "configured", ei->xargs ? ei->xargs : "");
	return 0;
}

/* The boot checks: one row each; ids are the --checks names and man-page entries. */
static const struct hv_check checks[] = {
	{ "boot.config", "a GRUB 2 or GRUB legacy config is found and parsed", chk_config, 0 },
	{ "boot.default", "the default entry (default=, saved_entry, next_entry) exists",
	  chk_default, 0 },
	{ "boot.ids", "menu entry ids are unique", chk_ids, 0 },
	{ "boot.hypervisor", "the hypervisor image exists and has the header its loader needs",
	  chk_hypervisor, 0 },
	{ "boot.kernel", "the kernel (dom0 kernel: first module) is a Linux bzImage", chk_kernel,
	  0 },
	{ "boot.initrd", "the initrd is readable and holds modules of the same kernel",
	  chk_initrd, 0 },
	{ "boot.modules", "/lib/modules has the KVM or dom0 modules with the right vermagic",
	  chk_modules, 0 },
	{ "boot.rootdev", "the root= device exists", chk_rootdev, 0 },
	{ "boot.xen-cmdline", "Xen command line: dom0_mem, dom0_max_vcpus, iommu=, XSM policy",
	  chk_xen_cmdline, 0 },
	{ "boot.running", "the running kernel's command line (context)", chk_running,
	  HV_NEED_LIVE },
	{ "boot.xen-running", "the running Xen was booted with the default entry's options",
	  chk_xen_running, HV_NEED_LIVE },
};

const struct hv_check *boot_checks(size_t *n)
{
	*n = HV_ARRAY_SIZE(checks);
	return checks;
}

/* ---------------------------------------------------------------- setup */

static const char *const grub2_paths[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg" };
static const char *const legacy_paths[] = { "/boot/grub/menu.lst", "/boot/grub/grub.conf",
					    "/etc/grub.conf" };
static const char *const other_paths[] = { "/boot/syslinux/syslinux.cfg",
					   "/boot/extlinux/extlinux.conf", "/syslinux.cfg",
					   "/extlinux.conf" };

static enum boot_cfg_kind guess_kind(const char *path, const char *buf)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strstr(buf, "menuentry") || strstr(buf, "submenu"))
		return BOOT_CFG_GRUB2;
	/* xen.efi's own file: "[global]" and sections of options=, kernel=, ramdisk= */
	if (!strncmp(buf, "[global]", 8) || strstr(buf, "\n[global]"))
		return BOOT_CFG_XENCFG;
	if (!strcmp(base, "menu.lst") || !strcmp(base, "grub.conf"))
		return BOOT_CFG_LEGACY;
	if (strstr(base, "linux.c"))
		return BOOT_CFG_SYSLINUX;
	if (strstr(buf, "\ntitle ") || !strncmp(buf, "title ", 6))
		return BOOT_CFG_LEGACY;
	return BOOT_CFG_GRUB2;
}

static int find_config(struct boot_state *st, char **buf)
{
	size_t k;
	ssize_t n;
	DIR *d;

	*buf = NULL;
	if (st->opts && st->opts->config) {
		st->cfg_path = strdup(st->opts->config);
		n = hv_root_read_maxf(st->root, BOOT_MAX_CFG_SIZE, buf, "%s", st->cfg_path);
		if (n < 0)
			return (int)n;
		st->kind = guess_kind(st->cfg_path, *buf);
		return 0;
	}
	for (k = 0; k < HV_ARRAY_SIZE(grub2_paths); k++)
		if (hv_root_existsf(st->root, "%s", grub2_paths[k]) == 0) {
			st->cfg_path = strdup(grub2_paths[k]);
			st->kind = BOOT_CFG_GRUB2;
			n = hv_root_read_maxf(st->root, BOOT_MAX_CFG_SIZE, buf, "%s", st->cfg_path);
			return n < 0 ? (int)n : 0;
		}
	for (k = 0; k < HV_ARRAY_SIZE(legacy_paths); k++)
		if (hv_root_existsf(st->root, "%s", legacy_paths[k]) == 0) {
			st->cfg_path = strdup(legacy_paths[k]);
			n = hv_root_read_maxf(st->root, BOOT_MAX_CFG_SIZE, buf, "%s", st->cfg_path);
			if (n < 0)
				return (int)n;
			st->kind = guess_kind(st->cfg_path, *buf);
			return 0;
		}
	d = hv_root_opendirf(st->root, "/boot/loader/entries");
	if (d) {
		struct dirent *de;
		bool any = false;

		while ((de = readdir(d)))
			if (strstr(de->d_name, ".conf"))
				any = true;
		closedir(d);
		if (any) {
			st->cfg_path = strdup("/boot/loader/entries");
			st->kind = BOOT_CFG_BLS;
			return 0;
		}
	}
	for (k = 0; k < HV_ARRAY_SIZE(other_paths); k++)
		if (hv_root_existsf(st->root, "%s", other_paths[k]) == 0) {
			st->cfg_path = strdup(other_paths[k]);
			st->kind = BOOT_CFG_SYSLINUX;
			return 0;
		}
	return -ENOENT;
}

static void load_grubenv(struct boot_state *st)
{
	_cleanup_free_ char *buf = NULL;
	char *dir = NULL, *slash;
	ssize_t n;

	/* grubenv sits beside grub.cfg ($prefix) */
	if (st->cfg_path && (slash = strrchr(st->cfg_path, '/')))
		dir = strndup(st->cfg_path, (size_t)(slash - st->cfg_path));
	st->env_path = hv_asprintf("%s/grubenv", dir ? dir : "/boot/grub");
	free(dir);
	if (!st->env_path)
		return;
	n = hv_root_read_maxf(st->root, 64 * 1024, &buf, "%s", st->env_path);
	if (n < 0)
		return;
	if (boot_grubenv_parse(buf, (size_t)n, &st->env) >= 0)
		st->have_env = true;
}

/* Legacy "default saved": /boot/grub/default holds the number (grub-set-default). */
static void legacy_saved(struct boot_state *st)
{
	_cleanup_free_ char *line = NULL;
	struct boot_cfg *c = st->cfg;

	if (!c->deflt || strcmp(c->deflt, "saved"))
		return;
	free(c->default_var);
	c->default_var = strdup("saved_entry");
	if (hv_root_read_linef(st->root, &line, "/boot/grub/default") == 0) {
		free(c->deflt);
		c->deflt = strdup(line);
	} else {
		free(c->deflt);
		c->deflt = strdup("0");
	}
}

static void state_free(struct boot_state *st)
{
	size_t i, k;

	boot_xencfg_clear(&st->xc);
	if (st->ei && st->cfg)
		for (i = 0; i < st->cfg->nentries; i++)
			for (k = 0; k < BOOT_MAX_LOADS; k++) {
				free(st->ei[i].f[k].path);
				free(st->ei[i].f[k].why);
			}
	if (st->ei && st->cfg)
		for (i = 0; i < st->cfg->nentries; i++) {
			free(st->ei[i].xencfg);
			free(st->ei[i].xensect);
			free(st->ei[i].xen_opts);
			free(st->ei[i].xen_kargs);
		}
	for (i = 0; i < st->nfc; i++)
		free(st->fc[i].path);
	free(st->ei);
	boot_cfg_free(st->cfg);
	boot_env_clear(&st->env);
	free(st->env_path);
	free(st->cfg_path);
	if (st->blkid)
		blkid_put_cache(st->blkid);
}

int boot_run(const struct hv_root *root, struct hv_report *rep, const char *const *only,
	     const struct boot_opts *opts)
{
	struct boot_state st = { .root = root, .opts = opts, .deflt = -ENOENT };
	char *buf = NULL;
	size_t n;
	const struct hv_check *tab = boot_checks(&n);
	int rc;

	read_fstab(&st);
	rc = find_config(&st, &buf);
	if (rc < 0) {
		st.cfg_err = rc;
	} else if (buf && st.kind == BOOT_CFG_GRUB2) {
		load_grubenv(&st);
		rc = boot_grub2_parse(buf, strlen(buf), st.have_env ? &st.env : NULL, grub_exists,
				      &st, &st.cfg);
	} else if (buf && st.kind == BOOT_CFG_XENCFG) {
		rc = boot_xencfg_parse(buf, strlen(buf), &st.xc);
	} else if (buf && st.kind == BOOT_CFG_LEGACY) {
		rc = boot_legacy_parse(buf, strlen(buf), &st.cfg);
		if (rc >= 0)
			legacy_saved(&st);
	}
	free(buf);
	if (rc == -ENOMEM) {
		state_free(&st);
		return rc;
	}
	if (rc < 0 && !st.cfg_err)
		st.cfg_err = rc;
	if (st.cfg) {
		st.deflt = boot_cfg_resolve(st.cfg, NULL);
		st.default_ok = st.deflt >= 0;
		/* GRUB boots the first entry when the default matches nothing */
		if (st.deflt == -ENOENT && st.cfg->nentries > 0 && !st.cfg->default_unresolved)
			st.deflt = 0;
		st.ei = calloc(st.cfg->nentries ? st.cfg->nentries : 1, sizeof(*st.ei));
		if (!st.ei) {
			state_free(&st);
			return -ENOMEM;
		}
	}
	rc = hv_checks_run(tab, n, root, rep, only, &st);
	state_free(&st);
	return rc;
}
