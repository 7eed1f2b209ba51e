/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-mod: kernel modules, the one home of that knowledge (issue 14): where a
 * module stands (loaded, built in, installed, absent), lookups in the text
 * modules.dep and modules.builtin, and a module file's vermagic (.modinfo,
 * read with libelf after decompressing .ko.xz/.ko.zst/.ko.gz).
 *
 * Every file is read through the struct hv_root, so a hostile root cannot
 * lead the reads out of itself: a modules.dep entry "../../../etc/shadow" or a
 * kvm.ko symlink to /etc/shadow stays inside the root (openat2
 * RESOLVE_IN_ROOT). libkmod is not used: it opens module files with plain
 * open(2) and reads the host's /proc/cmdline (issue 17).
 *
 * The binary indexes (modules.dep.bin) are not read: depmod always writes the
 * text modules.dep beside them, and the text is what every root here holds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hv_root;

/* Caps on what a root's module files may make us read. */
#define HV_MOD_MAX_INDEX (16u << 20)  /* modules.dep / modules.builtin text */
#define HV_MOD_MAX_FILE (64u << 20)   /* a .ko file, compressed or not */

enum hv_mod_state {
	HV_MOD_UNKNOWN,   /* no /lib/modules for the running kernel: cannot say */
	HV_MOD_ABSENT,    /* neither loaded, built in, nor on disk */
	HV_MOD_ON_DISK,   /* in modules.dep: modprobe can load it */
	HV_MOD_LOADED,    /* /sys/module/NAME/initstate, or listed in /proc/modules */
	HV_MOD_BUILTIN,   /* /sys/module/NAME without initstate, or modules.builtin */
};

/* "loaded", "built in", "available, not loaded", "not available", "unknown" (static). */
const char *hv_mod_state_name(enum hv_mod_state s);

/*
 * Does the file name part @a (@alen bytes, e.g. "kvm-intel" of
 * "kvm-intel.ko.xz") name module @b ("kvm_intel")? '-' and '_' are the same.
 */
bool hv_mod_name_eq(const char *a, size_t alen, const char *b);

/*
 * Find module @name in modules.dep or modules.builtin text @text: the first
 * path of a line ("kernel/arch/x86/kvm/kvm-intel.ko.xz:"), up to ':' or white
 * space, whose file name before ".ko" is @name. Copies that path into @out
 * (when @out is not NULL) and returns true; false when no line names it.
 */
bool hv_modlist_find(const char *text, const char *name, char *out, size_t outlen);

/*
 * The running kernel's view of module @name: HV_MOD_LOADED
 * (/sys/module/NAME/initstate, or a /proc/modules line), HV_MOD_BUILTIN (a
 * /sys/module/NAME directory without initstate) or HV_MOD_ABSENT.
 */
enum hv_mod_state hv_mod_live(const struct hv_root *r, const char *name);

/* The module folder of one kernel release: its modules.dep and modules.builtin. */
struct hv_moddir;

/*
 * Read /lib/modules/@release/modules.{dep,builtin} through @r. Returns 0 and
 * *out (free with hv_moddir_free) when the folder exists (either file may be
 * missing), -ENOENT when it does not, or -errno.
 */
int hv_moddir_new(const struct hv_root *r, const char *release, struct hv_moddir **out);
void hv_moddir_free(struct hv_moddir *md);
/* Whether modules.dep could be read. */
bool hv_moddir_has_dep(const struct hv_moddir *md);
/*
 * Where module @name stands on disk: HV_MOD_BUILTIN (modules.builtin lists
 * it), HV_MOD_ON_DISK (modules.dep lists it; @path gets
 * "/lib/modules/RELEASE/<entry>", the entry as modules.dep gives it, to be
 * opened through the root), HV_MOD_ABSENT, or HV_MOD_UNKNOWN without a
 * modules.dep. @path may be NULL.
 */
enum hv_mod_state hv_moddir_find(const struct hv_moddir *md, const char *name, char *path,
				 size_t len);

/*
 * Where module @name stands on root @r, as modprobe would see it: the live
 * view (hv_mod_live), else the running kernel's (hv_root_uname)
 * modules.builtin and modules.dep. HV_MOD_UNKNOWN when the release or its
 * modules.dep cannot be read.
 */
enum hv_mod_state hv_mod_state(const struct hv_root *r, const char *name);

/*
 * Read the module file at @path (inside @r, a regular file of at most
 * HV_MOD_MAX_FILE bytes) and decompress it when it is compressed (the output
 * capped at HV_MOD_MAX_FILE; a stream that does not decompress is returned as
 * read). Returns 0 with *out (caller frees) and *len, or -errno of the read.
 */
int hv_mod_read(const struct hv_root *r, const char *path, uint8_t **out, size_t *len);

/*
 * The "vermagic=" string of the .modinfo section of the ELF module image @p
 * ("6.1.0-40-amd64 SMP preempt mod_unload modversions"), into @out. Returns 0,
 * -EINVAL (not an ELF file) or -ENOENT (no .modinfo, or no vermagic in it).
 */
int hv_mod_vermagic(const uint8_t *p, size_t n, char *out, size_t len);
