/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * boot-image: readers of what boot entries load, all working on memory
 * buffers with hard bounds (the fuzz targets feed them directly):
 * multiboot 1/2 headers (decompression is hvcore/hv-comp's),
 * the Linux bzImage setup header, PE and ELF (libelf: build id), newc cpio
 * archives (initrds). Kernel-module vermagic is hvcore/hv-mod's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hvcore/hv-comp.h"

/* Limits: images read, decompressed output (bombs stop here), cpio names. */
#define BOOT_MAX_IMAGE (256u << 20)       /* compressed file read into memory */
#define BOOT_MAX_INFLATE (512u << 20)     /* decompressed bytes processed per stream */
#define BOOT_MAX_KERNEL_INFLATE (64u << 20)  /* hypervisor ELF kept in memory */
#define BOOT_MAX_CPIO_NAME 4096
#define BOOT_MAX_RELEASES 8

/* Multiboot headers: MB1 in the first 8 KiB (4-aligned), MB2 in the first 32 KiB (8-aligned). */
struct boot_mb {
	long mb1_off, mb2_off;   /* -1 when absent */
	bool mb1_ok, mb2_ok;     /* checksum valid */
	uint32_t mb1_flags;
};
void boot_multiboot_scan(const uint8_t *p, size_t n, struct boot_mb *mb);

/* The Linux x86 boot protocol setup header (Documentation/arch/x86/boot.rst). */
struct boot_bzimage {
	uint16_t protocol;         /* 0x020f */
	char version[160];         /* "6.1.0-50-amd64 (debian-kernel@...) #1 SMP ..." */
	char release[80];          /* first word of version */
	bool relocatable;
};
/* 0 and *out, or -EINVAL when @p is not a bzImage. */
int boot_bzimage_parse(const uint8_t *p, size_t n, struct boot_bzimage *out);

/* A PE/COFF image that is not a bzImage with an EFI stub (e.g. xen.efi). */
bool boot_is_pe(const uint8_t *p, size_t n);
bool boot_is_elf(const uint8_t *p, size_t n);

/*
 * ELF facts (libelf on memory): class (32/64), machine, GNU build id as hex.
 * 0 or -EINVAL when not ELF.
 */
struct boot_elf {
	int bits;
	int machine;
	char build_id[81];
};
int boot_elf_info(const uint8_t *p, size_t n, struct boot_elf *out);
/* A Xen version-looking string ("4.17.7+13-g2445b30a44...") inside an image, or "". */
void boot_find_xen_version(const uint8_t *p, size_t n, char *out, size_t len);

/* What an initrd holds. */
struct boot_initrd {
	int nsegments;            /* cpio archives found, concatenated */
	bool early_ucode;         /* first segment is an uncompressed microcode-only archive */
	enum hv_comp comp;      /* compression of the main archive */
	size_t nfiles;
	int nreleases;
	char releases[BOOT_MAX_RELEASES][80];  /* lib/modules/<release>/ seen inside */
	bool has_init;            /* /init present */
	bool truncated;           /* the output cap was hit */
	char error[96];           /* why reading stopped early, or "" */
};
/*
 * Read an initrd image: one or more newc cpio archives, each plain or
 * compressed. Returns 0 (possibly with error[] set when only part could be
 * read), or -EINVAL when the start is neither cpio nor a known compression.
 */
int boot_initrd_scan(const uint8_t *p, size_t n, struct boot_initrd *out);
