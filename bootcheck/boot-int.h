/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* bootcheck internals shared by its own files (not for other modules). */
#include <stdbool.h>
#include <stddef.h>

#include "bootcheck/boot-cfg.h"
#include "hvcore/hv-util.h"

/* A growable string buffer; buf is NUL-terminated whenever len > 0 or after sbuf_adds. */
struct sbuf {
	char *buf;
	size_t len, cap;
};
/* 0 or -ENOMEM. */
int sbuf_addn(struct sbuf *s, const char *p, size_t n);
int sbuf_addc(struct sbuf *s, char c);
int sbuf_adds(struct sbuf *s, const char *p);
void sbuf_free(struct sbuf *s);
/* Hands the buffer to the caller (never NULL unless out of memory). */
char *sbuf_take(struct sbuf *s);

/* Titles joined with '>' (GRUB default= syntax). Caller frees; NULL on ENOMEM. */
char *boot_join_path(const char *const *titles, int n);
/* Mark @e unresolved with @why (first reason kept). */
void boot_entry_unresolved(struct boot_entry *e, const char *why);
/*
 * Split "(hd0,1)/boot/x" into *dev "(hd0,1)" and *path "/boot/x" (either may be
 * NULL when absent). 0 or -ENOMEM.
 */
int boot_split_grub_path(const char *s, char **dev, char **path);
/* After parsing: duplicate ids, unresolved count. */
void boot_cfg_finish(struct boot_cfg *cfg);
