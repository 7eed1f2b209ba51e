// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-files: the files a boot check looks at, found through the root: the
 * boot-loader config (discovery, grubenv, menu.lst's saved default), fstab and
 * blkid (where /boot is, what root= names), GRUB paths mapped to files inside
 * the root, and the file cache (entries share kernels and initrds, and a
 * hostile menu must not make us inflate the same image hundreds of times).
 */
#include "bootcheck/boot-state.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bootcheck/boot-cfg.h"
#include "bootcheck/boot-image.h"
#include "bootcheck/boot-int.h"
#include "bootcheck/boot-xen.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-mod.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-xen.h"

/* ---------------------------------------------------------------- helpers */

/* Does kernel or Xen .config text @txt have the whole line @line? */
bool boot_kconfig_has(const char *txt, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = txt; (p = strstr(p, line)); p += n)
		if ((p == txt || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

const char *boot_fstab_spec(const struct boot_state *st, const char *mnt)
{
	int i;

	for (i = 0; i < st->nfstab; i++)
		if (!strcmp(st->fstab[i].mnt, mnt))
			return st->fstab[i].spec;
	return NULL;
}

void boot_read_fstab(struct boot_state *st)
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
	st->sep_boot = boot_fstab_spec(st, "/boot") != NULL;
}

/* GRUB's "[ -s FILE ]" on a GRUB path: only $prefix/grubenv matters in practice. */
int boot_grub_exists(void *ud, const char *path)
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
blkid_cache boot_live_blkid(struct boot_state *st)
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
	cache = boot_live_blkid(st);
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
char *boot_map_path(struct boot_state *st, const struct boot_entry *e,
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
void boot_look_at(struct boot_state *st, struct file_info *fi, bool inflate_elf)
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
int boot_initrd_cached(struct boot_state *st, const char *path, struct boot_initrd *out)
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

int boot_find_config(struct boot_state *st, char **buf)
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

void boot_load_grubenv(struct boot_state *st)
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
void boot_legacy_saved(struct boot_state *st)
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
