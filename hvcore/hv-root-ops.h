/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-root-ops: how each kind of root answers (internal to hvcore). A root is
 * a prefix, a directory fd and one row of ops: the live host (hv-live.c:
 * syscalls), a fixture (DIR/.vhv/ files), a captured root (judged from the
 * files it holds) and an offline disk (no running kernel to ask), the last
 * three in hv-root-fixture.c. hv-root.c picks the row in hv_root_new() and
 * its non-file functions only call through it; hv-root-file.c reads files
 * inside the root, or with the host's own paths where host_paths says so.
 * Adding a kind of root is adding a row, not an "if (kind == ...)" per function.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <time.h>

#include "hvcore/hv-root.h"

#define HV_ROOT_READ_MAX (64u << 20)
#define HV_ROOT_MAX_REFUSED 32

/*
 * The non-file sources of one kind of root. Each returns 0 (or what the
 * public hv_root_* function of the same name documents in hv-root.h) or -errno;
 * -EOPNOTSUPP where this kind of root cannot answer (no running kernel).
 */
struct hv_root_ops {
	enum hv_root_kind kind;
	bool host_paths;   /* paths are the host's own: plain open/stat, no resolution */
	const char *what;      /* for -v: what this root reads */
	const char *kvm_what;  /* for -v: where KVM's capabilities come from */
	int (*uname)(const struct hv_root *r, struct utsname *u);
	int (*cpuid)(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
	int (*rdmsr)(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val);
	/* @out is initialised by the caller (every step -ECANCELED) */
	int (*kvm_probe)(const struct hv_root *r, struct hv_kvm_probe *out);
	int (*dmesg)(const struct hv_root *r, char **out);
	int (*clock)(const struct hv_root *r, clockid_t clk, uint64_t *ns);
};

extern const struct hv_root_ops hv_root_live_ops;      /* hv-live.c */
extern const struct hv_root_ops hv_root_fixture_ops;   /* hv-root-fixture.c */
extern const struct hv_root_ops hv_root_captured_ops;  /* hv-root-fixture.c */
extern const struct hv_root_ops hv_root_offline_ops;   /* hv-root-fixture.c */

/* The host's clock (clock_gettime), for every root but a fixture (hv-live.c). */
int hv_live_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns);

/* Files refused as no regular file; behind a pointer, as roots are passed const. */
struct hv_root_refused {
	size_t n, told;   /* told: how many hv_root_refused_next() returned */
	char *what[HV_ROOT_MAX_REFUSED];   /* "/proc/cpuinfo is a FIFO" */
};

struct hv_root {
	char *prefix;
	int dirfd;    /* O_PATH of the root directory */
	const struct hv_root_ops *ops;
	struct hv_root_refused *refused;
};

/* Read DIR/.vhv/NAME of a fixture root (caller frees *out). 0 or -errno. */
int hv_root_fixture_read(const struct hv_root *r, const char *name, char **out);
