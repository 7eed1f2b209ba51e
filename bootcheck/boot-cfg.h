/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * boot-cfg: the boot-loader configuration model shared by the parsers (GRUB 2
 * grub.cfg, GRUB legacy menu.lst, grubenv) and the validators. Parsers work on
 * memory buffers only (so fuzz targets feed them directly); every size the
 * input controls is bounded by the BOOT_MAX_* limits below.
 */
#include <stdbool.h>
#include <stddef.h>

/* Limits against hostile configs: refuse or truncate beyond these. */
#define BOOT_MAX_CFG_SIZE (4u << 20)  /* grub.cfg / menu.lst bytes read */
#define BOOT_MAX_ENTRIES 512          /* menu entries kept */
#define BOOT_MAX_LOADS 16             /* load commands per entry */
#define BOOT_MAX_DEPTH 16             /* submenu / if / brace nesting */
#define BOOT_MAX_VARS 128             /* variables tracked */
#define BOOT_MAX_WORDS 64             /* words per command */
#define BOOT_MAX_WORD 4096            /* bytes per word after expansion */
#define BOOT_GRUBENV_SIZE 1024        /* grub-editenv block size */

enum boot_cfg_kind {
	BOOT_CFG_NONE,
	BOOT_CFG_GRUB2,
	BOOT_CFG_LEGACY,
	BOOT_CFG_SYSLINUX,  /* recognised, not checked */
	BOOT_CFG_BLS,       /* recognised, not checked */
	BOOT_CFG_XENCFG,    /* a xen.efi configuration given with --config: checked alone */
};

/* What a load command loads. */
enum boot_load_kind {
	BOOT_LOAD_LINUX,       /* linux / linux16 / linuxefi; legacy "kernel" of a Linux entry */
	BOOT_LOAD_INITRD,      /* initrd (one command may list several files) */
	BOOT_LOAD_HYPERVISOR,  /* multiboot, multiboot2, xen_hypervisor, legacy "kernel" + module */
	BOOT_LOAD_MODULE,      /* module, module2, xen_module, legacy "module" */
	BOOT_LOAD_CHAIN,       /* chainloader */
};

enum boot_loader {
	BOOT_LDR_LINUX,
	BOOT_LDR_MULTIBOOT,
	BOOT_LDR_MULTIBOOT2,
	BOOT_LDR_XEN_ARM,   /* xen_hypervisor / xen_module */
	BOOT_LDR_CHAIN,
	BOOT_LDR_LEGACY,    /* GRUB legacy kernel/module (multiboot for a hypervisor) */
};

struct boot_load {
	enum boot_load_kind kind;
	char *cmd;       /* the command word as written ("multiboot2") */
	char *path;      /* GRUB path as written after expansion ("/xen-4.17-amd64.gz"), or NULL */
	char *dev;       /* explicit device prefix "(hd0,1)", "(hd0,msdos1)" or NULL */
	char *args;      /* the rest, words joined by one space (may be "") */
	bool nounzip;    /* --nounzip */
	bool args_unknown;  /* the arguments hold ${var}s only known at boot time */
	int line;
};

struct boot_entry {
	char *title;     /* the entry's own title */
	char *path;      /* title path: submenu titles joined with '>' as default= uses them */
	char *id;        /* --id / $menuentry_id_option value, or NULL */
	char *root;      /* GRUB root at the load commands: "uuid:X", "label:X", "file:X", "(hd0,1)" */
	char *unresolved;  /* why the entry cannot be resolved statically, or NULL */
	int line;
	int depth;       /* submenu depth (0: top level) */
	/* per level 0..depth: position among its siblings, title and id (default= matching) */
	int pidx[BOOT_MAX_DEPTH + 1];
	char *ptitle[BOOT_MAX_DEPTH + 1];  /* ptitle[depth] == title (borrowed copies) */
	char *pid[BOOT_MAX_DEPTH + 1];
	enum boot_loader loader;
	size_t nloads;
	struct boot_load loads[BOOT_MAX_LOADS];
};

struct boot_cfg {
	enum boot_cfg_kind kind;
	size_t nentries;
	struct boot_entry *entries;  /* leaf entries in file order */
	char *deflt;         /* default as set ("0", "saved", "Title>Sub", an id), NULL if unset */
	bool default_unresolved;  /* set from a variable or branch that cannot be resolved */
	char *default_why;   /* why it is unresolved */
	char *default_var;   /* the variable default= was set from ("saved_entry", "next_entry") */
	char *saved_entry;   /* grubenv saved_entry / next_entry / legacy default file, when used */
	char *next_entry;
	char *fallback;      /* fallback as set, NULL if unset */
	bool load_env;       /* load_env seen (grubenv is read at boot) */
	bool truncated;      /* a limit was hit */
	int nunresolved;     /* entries with ->unresolved */
	char *dup_id;        /* first duplicate id seen, or NULL */
	char *legacy_root;   /* legacy: the last "root (hdX,Y)" before the first title */
};

/* Key/value pairs of a grubenv block. */
#define BOOT_ENV_MAX 64
struct boot_env {
	size_t n;
	char *key[BOOT_ENV_MAX];
	char *val[BOOT_ENV_MAX];
	bool valid;   /* header and size as grub-editenv writes them */
};

/*
 * Parse a GRUB 2 grub.cfg from @buf (@len bytes, need not be NUL-terminated).
 * @env (may be NULL) supplies grubenv values for load_env; @exists (may be NULL)
 * answers "[ -s FILE ]"/"[ -f FILE ]" tests on GRUB paths (1 yes, 0 no, -1 unknown).
 * Returns 0 and *out (free with boot_cfg_free), -ENOMEM, or -EFBIG for oversized input.
 */
struct boot_cfg;
int boot_grub2_parse(const char *buf, size_t len, const struct boot_env *env,
		     int (*exists)(void *ud, const char *path), void *ud, struct boot_cfg **out);
/* Parse a GRUB legacy menu.lst / grub.conf. Same contract as boot_grub2_parse. */
int boot_legacy_parse(const char *buf, size_t len, struct boot_cfg **out);
/*
 * Parse a grubenv block into *env (zeroed first; free with boot_env_clear).
 * Returns the number of variables, or -ENOMEM. env->valid tells whether the
 * header and 1024-byte size are right.
 */
int boot_grubenv_parse(const char *buf, size_t len, struct boot_env *env);
void boot_env_clear(struct boot_env *env);
/* Value of @key in @env (borrowed) or NULL. */
const char *boot_env_get(const struct boot_env *env, const char *key);

void boot_cfg_free(struct boot_cfg *cfg);

/*
 * Resolve @cfg->deflt (or @spec when not NULL) to an entry as GRUB would: a
 * number counts top-level items, then '>' steps into submenus; a title or id
 * matches an item. Returns the entry index (>= 0) into cfg->entries, -ENOENT
 * when nothing matches, -EINVAL when the path names a submenu, not an entry.
 */
int boot_cfg_resolve(const struct boot_cfg *cfg, const char *spec);

/* "linux", "multiboot2", ... for messages. */
const char *boot_loader_name(enum boot_loader l);
