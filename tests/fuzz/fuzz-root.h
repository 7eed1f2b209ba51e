/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * fuzz-root.h: a fixture root made from one fuzz input, for the parsers that
 * only read files through struct hv_root (static helpers of the checks, the
 * .vhv fixture readers, module lookups). The input is cut at each "\n%%\n"
 * into sections; section i becomes file paths[i] of a scratch root (created
 * once per process under $TMPDIR), a missing section removes the file. Files
 * in @fixed are written as given on every run. The target then runs the real
 * code on the root, as vhv-check --sysroot does.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"

#define FUZZ_SEP "\n%%\n"

struct fuzz_file {
	const char *path;     /* inside the root, no leading '/' */
	const char *content;  /* for @fixed files */
};

static char fuzz_root_dir[256];

static void fuzz_mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
}

static void fuzz_put(const char *rel, const void *data, size_t len)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", fuzz_root_dir, rel) >= (int)sizeof(path))
		abort();
	fuzz_mkdirs(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
}

static int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* The scratch root goes with the process (it holds only files this header wrote). */
static void fuzz_root_cleanup(void)
{
	if (fuzz_root_dir[0])
		nftw(fuzz_root_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* Build the root from @data; returns its path (static), or NULL. */
static const char *fuzz_root(const uint8_t *data, size_t size, const char *const *paths,
			     size_t npaths, const struct fuzz_file *fixed, size_t nfixed)
{
	const char *p = (const char *)data, *end = p + size;

	if (!fuzz_root_dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(fuzz_root_dir, sizeof(fuzz_root_dir), "%s/vhv-fuzz-root.XXXXXX",
			 t && *t ? t : "/tmp");
		if (!mkdtemp(fuzz_root_dir))
			abort();
		atexit(fuzz_root_cleanup);
	}
	for (size_t i = 0; i < nfixed; i++)
		fuzz_put(fixed[i].path, fixed[i].content, strlen(fixed[i].content));
	for (size_t i = 0; i < npaths; i++) {
		const char *sep = p && p <= end ?
			memmem(p, (size_t)(end - p), FUZZ_SEP, strlen(FUZZ_SEP)) : NULL;
		char path[4096];

		if (!p || p > end) {
			if (snprintf(path, sizeof(path), "%s/%s", fuzz_root_dir, paths[i]) <
			    (int)sizeof(path))
				unlink(path);
			continue;
		}
		fuzz_put(paths[i], p, sep ? (size_t)(sep - p) : (size_t)(end - p));
		p = sep ? sep + strlen(FUZZ_SEP) : NULL;
	}
	return fuzz_root_dir;
}

/*
 * The whole run of a checks target: the root from @data, a report, @run
 * (probe_run or boot_run, wrapped), everything freed. Always returns 0.
 */
HV_UNUSED static int fuzz_run_checks(const uint8_t *data, size_t size, const char *const *paths,
				     size_t npaths, const struct fuzz_file *fixed, size_t nfixed,
				     void (*run)(const struct hv_root *r, struct hv_report *rep))
{
	struct hv_report *rep;
	struct hv_root *r;
	const char *dir;

	if (size > (1u << 20))
		return 0;
	dir = fuzz_root(data, size, paths, npaths, fixed, nfixed);
	if (hv_root_new(dir, &r) < 0)
		return 0;
	if (hv_report_new("vhv-check", "fuzz", &rep) == 0) {
		run(r, rep);
		hv_report_free(rep);
	}
	hv_root_free(r);
	return 0;
}
