// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-mod: kernel modules through the sysroot (see hv-mod.h). Replaces three
 * modules.dep parsers (bootcheck's find_mod, probe-kvm's modlist_find,
 * probe-platform's probe_modlist_has), two module-state enums and two
 * vermagic readers (libkmod on an absolute path, bootcheck's ELF reader).
 */
#include "hvcore/hv-mod.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "hvcore/hv-comp.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

struct hv_moddir {
	char release[128];
	char *dep;      /* modules.dep text, NULL when unreadable */
	char *builtin;  /* modules.builtin text, NULL when unreadable */
};

const char *hv_mod_state_name(enum hv_mod_state s)
{
	switch (s) {
	case HV_MOD_ABSENT:
		return "not available";
	case HV_MOD_ON_DISK:
		return "available, not loaded";
	case HV_MOD_LOADED:
		return "loaded";
	case HV_MOD_BUILTIN:
		return "built in";
	default:
		return "unknown";
	}
}

bool hv_mod_name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return i == alen && !b[i];
}

bool hv_modlist_find(const char *text, const char *name, char *out, size_t outlen)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *end = p, *base = p, *ko;

		/* the first path on the line ends at ':' (modules.dep) or white space */
		while (end < p + len && *end != ':' && *end != ' ' && *end != '\t' && *end != '\r')
			end++;
		for (const char *q = p; q < end; q++)
			if (*q == '/')
				base = q + 1;
		ko = base;
		while (ko + 3 <= end && memcmp(ko, ".ko", 3) != 0)
			ko++;
		if (ko + 3 <= end && hv_mod_name_eq(base, (size_t)(ko - base), name)) {
			if (out)
				snprintf(out, outlen, "%.*s", (int)(end - p), p);
			return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* @name with '-' folded to '_', as /sys/module and /proc/modules spell it. */
static void norm_name(const char *name, char *out, size_t len)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[i] = '\0';
}

enum hv_mod_state hv_mod_live(const struct hv_root *r, const char *name)
{
	_cleanup_free_ char *mods = NULL;
	char norm[64];
	struct stat st;

	norm_name(name, norm, sizeof(norm));
	/* Loadable modules have initstate; a built-in one's directory exists for its parameters. */
	if (hv_root_existsf(r, "/sys/module/%s/initstate", norm) == 0)
		return HV_MOD_LOADED;
	if (hv_root_statf(r, &st, "/sys/module/%s", norm) == 0 && S_ISDIR(st.st_mode))
		return HV_MOD_BUILTIN;
	if (hv_root_read_strf(r, &mods, "/proc/modules") >= 0) {
		size_t n = strlen(norm);

		for (char *l = mods; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, norm, n) == 0 && l[n] == ' ')
				return HV_MOD_LOADED;
	}
	return HV_MOD_ABSENT;
}

int hv_moddir_new(const struct hv_root *r, const char *release, struct hv_moddir **out)
{
	struct hv_moddir *md;
	struct stat st;
	int rc;

	if (!release[0] || strchr(release, '/') || strlen(release) >= sizeof(md->release))
		return -EINVAL;
	rc = hv_root_statf(r, &st, "/lib/modules/%s", release);
	if (rc < 0)
		return rc;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	md = calloc(1, sizeof(*md));
	if (!md)
		return -ENOMEM;
	snprintf(md->release, sizeof(md->release), "%s", release);
	if (hv_root_read_maxf(r, HV_MOD_MAX_INDEX, &md->dep, "/lib/modules/%s/modules.dep",
			      release) == -ENOMEM ||
	    hv_root_read_maxf(r, HV_MOD_MAX_INDEX, &md->builtin,
			      "/lib/modules/%s/modules.builtin", release) == -ENOMEM) {
		hv_moddir_free(md);
		return -ENOMEM;
	}
	*out = md;
	return 0;
}

void hv_moddir_free(struct hv_moddir *md)
{
	if (!md)
		return;
	free(md->dep);
	free(md->builtin);
	free(md);
}

bool hv_moddir_has_dep(const struct hv_moddir *md)
{
	return md->dep != NULL;
}

enum hv_mod_state hv_moddir_find(const struct hv_moddir *md, const char *name, char *path,
				 size_t len)
{
	char rel[512];

	if (md->builtin && hv_modlist_find(md->builtin, name, rel, sizeof(rel))) {
		if (path)
			snprintf(path, len, "%s", rel);
		return HV_MOD_BUILTIN;
	}
	if (!md->dep)
		return HV_MOD_UNKNOWN;
	if (!hv_modlist_find(md->dep, name, rel, sizeof(rel)))
		return HV_MOD_ABSENT;
	/* kmod: an absolute modules.dep entry is a path of its own (still inside the root) */
	if (path && rel[0] == '/')
		snprintf(path, len, "%s", rel);
	else if (path)
		snprintf(path, len, "/lib/modules/%s/%s", md->release, rel);
	return HV_MOD_ON_DISK;
}

enum hv_mod_state hv_mod_state(const struct hv_root *r, const char *name)
{
	struct hv_moddir *md = NULL;
	enum hv_mod_state s = hv_mod_live(r, name);
	struct utsname u;

	if (s != HV_MOD_ABSENT)
		return s;
	if (hv_root_uname(r, &u) < 0 || hv_moddir_new(r, u.release, &md) < 0)
		return HV_MOD_UNKNOWN;
	s = hv_moddir_find(md, name, NULL, 0);
	hv_moddir_free(md);
	return s;
}

int hv_mod_read(const struct hv_root *r, const char *path, uint8_t **out, size_t *len)
{
	uint8_t *raw = NULL, *dec = NULL;
	ssize_t n = hv_root_read_maxf(r, HV_MOD_MAX_FILE, (char **)&raw, "%s", path);
	enum hv_comp c;

	if (n < 0)
		return (int)n;
	c = hv_comp_detect(raw, (size_t)n);
	if (c != HV_COMP_NONE) {  /* .ko.xz / .ko.zst / .ko.gz */
		ssize_t d = hv_decompress_all(c, raw, (size_t)n, HV_MOD_MAX_FILE, &dec);

		if (d >= 0) {
			free(raw);
			raw = dec;
			n = d;
		}
	}
	*out = raw;
	*len = (size_t)n;
	return 0;
}

/* .modinfo holds NUL-separated key=value strings */
int hv_mod_vermagic(const uint8_t *p, size_t n, char *out, size_t len)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int rc = -ENOENT;

	out[0] = '\0';
	if (n < 16 || memcmp(p, "\177ELF", 4) != 0)
		return -EINVAL;
	elf_version(EV_CURRENT);
	e = elf_memory((char *)p, n);
	if (!e)
		return -EINVAL;
	if (elf_getshdrstrndx(e, &shstrndx) != 0) {
		elf_end(e);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;
		const char *s, *end;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".modinfo") || sh.sh_type == SHT_NOBITS)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			break;
		s = d->d_buf;
		end = s + d->d_size;
		while (s < end) {
			const char *z = memchr(s, '\0', (size_t)(end - s));
			size_t l = z ? (size_t)(z - s) : (size_t)(end - s);

			if (l > 9 && !memcmp(s, "vermagic=", 9)) {
				snprintf(out, len, "%.*s", (int)(l - 9), s + 9);
				rc = 0;
				break;
			}
			s += l + 1;
		}
		break;
	}
	elf_end(e);
	return rc;
}
