// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-image: bounded readers of boot images in memory. Every length the
 * image controls is checked against the buffer before use; decompression
 * stops at a caller-given output cap, so a bomb costs at most that much work.
 */
#include "bootcheck/boot-image.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- multiboot ---- */

void boot_multiboot_scan(const uint8_t *p, size_t n, struct boot_mb *mb)
{
	size_t off;

	memset(mb, 0, sizeof(*mb));
	mb->mb1_off = mb->mb2_off = -1;
	/* Multiboot spec 0.6.96 3.1.1: 32-bit aligned, within the first 8192 bytes */
	for (off = 0; off + 12 <= n && off + 12 <= 8192; off += 4)
		if (le32(p + off) == 0x1BADB002) {
			uint32_t flags = le32(p + off + 4), sum = le32(p + off + 8);

			mb->mb1_off = (long)off;
			mb->mb1_flags = flags;
			mb->mb1_ok = (uint32_t)(0x1BADB002u + flags + sum) == 0;
			break;
		}
	/* Multiboot2 spec 3.1.1: 64-bit aligned, within the first 32768 bytes */
	for (off = 0; off + 16 <= n && off + 16 <= 32768; off += 8)
		if (le32(p + off) == 0xE85250D6) {
			uint32_t arch = le32(p + off + 4), hlen = le32(p + off + 8);
			uint32_t sum = le32(p + off + 12);

			mb->mb2_off = (long)off;
			mb->mb2_ok = (uint32_t)(0xE85250D6u + arch + hlen + sum) == 0 && hlen >= 16;
			break;
		}
}

/* ---- bzImage: setup header at 0x1f1 (Documentation/arch/x86/boot.rst) ---- */

int boot_bzimage_parse(const uint8_t *p, size_t n, struct boot_bzimage *out)
{
	uint16_t kv;
	size_t off, i;

	memset(out, 0, sizeof(*out));
	if (n < 0x260 || le16(p + 0x1fe) != 0xAA55 || memcmp(p + 0x202, "HdrS", 4))
		return -EINVAL;
	out->protocol = le16(p + 0x206);
	if (out->protocol >= 0x0205)
		out->relocatable = p[0x234] != 0;
	kv = le16(p + 0x20e);  /* kernel_version: offset from 0x200 */
	off = (size_t)kv + 0x200;
	if (kv && off < n) {
		for (i = 0; i < sizeof(out->version) - 1 && off + i < n && p[off + i]; i++) {
			uint8_t ch = p[off + i];

			out->version[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
		out->version[i] = '\0';
		i = strcspn(out->version, " ");
		if (i >= sizeof(out->release))
			i = sizeof(out->release) - 1;
		memcpy(out->release, out->version, i);
		out->release[i] = '\0';
	}
	return 0;
}

bool boot_is_pe(const uint8_t *p, size_t n)
{
	uint32_t pe;

	if (n < 0x40 || p[0] != 'M' || p[1] != 'Z')
		return false;
	pe = le32(p + 0x3c);
	return pe <= n - 4 && !memcmp(p + pe, "PE\0\0", 4);
}

bool boot_is_elf(const uint8_t *p, size_t n)
{
	return n >= 16 && !memcmp(p, "\177ELF", 4);
}

int boot_elf_info(const uint8_t *p, size_t n, struct boot_elf *out)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!boot_is_elf(p, n))
		return -EINVAL;
	elf_version(EV_CURRENT);
	/* libelf reads from the buffer; it does not write unless asked */
	e = elf_memory((char *)p, n);
	if (!e)
		return -EINVAL;
	if (!gelf_getehdr(e, &eh)) {
		rc = -EINVAL;
		goto out;
	}
	out->bits = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	out->machine = eh.e_machine;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		while ((noff = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz > 0 && nh.n_descsz <= 40 &&
			    doff + nh.n_descsz <= d->d_size) {
				const uint8_t *b = (const uint8_t *)d->d_buf + doff;
				size_t i;

				for (i = 0; i < nh.n_descsz; i++)
					snprintf(out->build_id + 2 * i, 3, "%02x", b[i]);
				goto out;
			}
			off = noff;
		}
	}
out:
	elf_end(e);
	return rc;
}

void boot_find_xen_version(const uint8_t *p, size_t n, char *out, size_t len)
{
	size_t i, j;

	out[0] = '\0';
	/* a NUL-delimited string "4.NN.N..." (Xen's xen_major.minor + extraversion) */
	for (i = 1; i + 6 < n; i++) {
		if (p[i - 1] != 0 || p[i] != '4' || p[i + 1] != '.' || p[i + 2] < '0' ||
		    p[i + 2] > '9')
			continue;
		for (j = i; j < n && j - i < 80 && p[j] > 0x20 && p[j] < 0x7f; j++)
			;
		if (j < n && p[j] == 0 && j - i >= 4 && j - i < len) {
			memcpy(out, p + i, j - i);
			out[j - i] = '\0';
			return;
		}
	}
}

/* ---- cpio newc (070701/070702) ---- */

struct cpio_state {
	struct boot_initrd *ird;
	uint8_t hdr[110];
	size_t hlen;
	char name[BOOT_MAX_CPIO_NAME];
	size_t namesize, nlen;
	uint64_t skip;       /* data + padding still to skip */
	size_t pad_name;
	bool trailer;        /* TRAILER!!! seen: segment over */
	bool ucode_only;     /* every file so far is kernel/x86/microcode or a directory */
	size_t seg_files;
	int err;
	uint64_t consumed;   /* bytes of the archive stream consumed */
};

static int hexfield(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static void note_name(struct cpio_state *st)
{
	struct boot_initrd *ird = st->ird;
	const char *n = st->name, *m, *e;
	int i;

	if (n[0] == '.' && n[1] == '/')
		n += 2;
	while (*n == '/')
		n++;
	if (!strcmp(n, "init"))
		ird->has_init = true;
	if (!hv_startswith(n, "kernel/x86/microcode") && strcmp(n, "kernel") &&
	    strcmp(n, "kernel/x86") && strcmp(n, "."))
		st->ucode_only = false;
	m = hv_startswith(n, "usr/lib/modules/");
	if (!m)
		m = hv_startswith(n, "lib/modules/");
	if (!m || !*m)
		return;
	e = strchr(m, '/');
	if (!e)
		return;  /* the directory itself: count it when files appear */
	for (i = 0; i < ird->nreleases; i++)
		if (strlen(ird->releases[i]) == (size_t)(e - m) && !memcmp(ird->releases[i], m, e - m))
			return;
	if (ird->nreleases < BOOT_MAX_RELEASES && (size_t)(e - m) < sizeof(ird->releases[0])) {
		memcpy(ird->releases[ird->nreleases], m, e - m);
		ird->releases[ird->nreleases][e - m] = '\0';
		ird->nreleases++;
	}
}

/* Feed archive bytes; returns 1 when the trailer was reached, 0 for more, <0 on error. */
static int cpio_feed(void *ud, const uint8_t *p, size_t n)
{
	struct cpio_state *st = ud;

	while (n > 0) {
		if (st->trailer)
			return 1;
		if (st->skip) {
			size_t k = (size_t)HV_MIN((uint64_t)n, st->skip);

			st->skip -= k;
			p += k;
			n -= k;
			st->consumed += k;
			continue;
		}
		if (st->hlen < 110) {
			size_t k = HV_MIN(n, 110 - st->hlen);

			memcpy(st->hdr + st->hlen, p, k);
			st->hlen += k;
			p += k;
			n -= k;
			st->consumed += k;
			if (st->hlen < 110)
				return 0;
			uint32_t fsize, nsize;

			if (memcmp(st->hdr, "07070", 5) || (st->hdr[5] != '1' && st->hdr[5] != '2') ||
			    hexfield(st->hdr + 54, &fsize) < 0 || hexfield(st->hdr + 94, &nsize) < 0) {
				snprintf(st->ird->error, sizeof(st->ird->error),
					 "bad cpio header after %zu files", st->ird->nfiles);
				return -EBADMSG;
			}
			if (nsize == 0 || nsize > BOOT_MAX_CPIO_NAME) {
				snprintf(st->ird->error, sizeof(st->ird->error),
					 "cpio name size %u out of range", nsize);
				return -EBADMSG;
			}
			st->namesize = nsize;
			st->nlen = 0;
			/* header + name padded to 4; data padded to 4 */
			st->pad_name = (4 - ((110 + nsize) & 3)) & 3;
			st->skip = 0;
			st->hdr[0] = 0;
			/* stash file size in skip after the name is read */
			st->ird->truncated = st->ird->truncated;
			memcpy(&st->hdr[100], &fsize, sizeof(fsize));  /* scratch (header consumed) */
			continue;
		}
		if (st->nlen < st->namesize + st->pad_name) {
			size_t want = st->namesize + st->pad_name - st->nlen;
			size_t k = HV_MIN(n, want), i;

			for (i = 0; i < k; i++) {
				size_t at = st->nlen + i;

				if (at < st->namesize)
					st->name[at] = (char)p[i];
			}
			st->nlen += k;
			p += k;
			n -= k;
			st->consumed += k;
			if (st->nlen < st->namesize + st->pad_name)
				return 0;
			uint32_t fsize;

			memcpy(&fsize, &st->hdr[100], sizeof(fsize));
			st->name[st->namesize - 1] = '\0';
			if (!strcmp(st->name, "TRAILER!!!")) {
				st->trailer = true;
				st->hlen = 0;
				st->nlen = 0;
				return 1;
			}
			st->ird->nfiles++;
			st->seg_files++;
			note_name(st);
			st->skip = (uint64_t)fsize + ((4 - (fsize & 3)) & 3);
			st->hlen = 0;
			st->nlen = 0;
			st->namesize = 0;
			if (!st->skip)
				continue;
		}
	}
	return 0;
}

static void cpio_reset(struct cpio_state *st)
{
	st->hlen = st->nlen = st->namesize = 0;
	st->skip = 0;
	st->trailer = false;
	st->ucode_only = true;
	st->seg_files = 0;
	st->consumed = 0;
}

int boot_initrd_scan(const uint8_t *p, size_t n, struct boot_initrd *out)
{
	struct cpio_state st = { .ird = out };
	size_t pos = 0;
	size_t budget = BOOT_MAX_INFLATE;
	int seg = 0;

	memset(out, 0, sizeof(*out));
	while (pos < n && seg < 16) {
		enum hv_comp c;
		int rc;

		/* segments are padded with zeros (to 4 bytes, or 512 by some tools) */
		while (pos < n && p[pos] == 0)
			pos++;
		if (pos >= n)
			break;
		cpio_reset(&st);
		c = hv_comp_detect(p + pos, n - pos);
		if (c == HV_COMP_NONE) {
			if (n - pos < 6 || memcmp(p + pos, "07070", 5)) {
				if (seg == 0)
					return -EINVAL;
				snprintf(out->error, sizeof(out->error),
					 "unrecognised data at offset %zu", pos);
				break;
			}
			rc = cpio_feed(&st, p + pos, n - pos);
			if (rc < 0)
				break;
			pos += (size_t)st.consumed;
			if (!st.trailer) {
				snprintf(out->error, sizeof(out->error), "cpio archive is truncated");
				seg++;
				break;
			}
		} else {
			size_t used = 0;

			out->comp = c;
			if (c == HV_COMP_LZMA || c == HV_COMP_LZO) {
				snprintf(out->error, sizeof(out->error),
					 "%s archives are not read", hv_comp_name(c));
				seg++;
				break;
			}
			rc = hv_decompress(c, p + pos, n - pos, budget, cpio_feed, &st, &used);
			if (rc == -EFBIG) {
				out->truncated = true;
				snprintf(out->error, sizeof(out->error),
					 "stopped after %zu MiB of decompressed data", budget >> 20);
				seg++;
				break;
			}
			if (rc < 0) {
				if (!out->error[0])
					snprintf(out->error, sizeof(out->error),
						 "%s data is corrupt", hv_comp_name(c));
				seg++;
				break;
			}
			budget -= HV_MIN(budget, (size_t)st.consumed);
			/* a compressed stream holds the rest of the image in practice */
			if (rc == 1 || used == 0) {
				seg++;
				break;
			}
			pos += used;
		}
		if (seg == 0 && st.trailer && st.ucode_only && st.seg_files > 0)
			out->early_ucode = true;
		seg++;
	}
	out->nsegments = seg;
	return 0;
}
