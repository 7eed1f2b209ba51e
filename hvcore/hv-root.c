// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-root: the sysroot (see hv-root.h): making and freeing a root, and its
 * non-file sources (uname, CPUID, MSRs, the /dev/kvm probe, the kernel log,
 * the clock), each answered by the root's row of ops (hv-root-ops.h): the
 * live host in hv-live.c, fixture, captured and offline roots in
 * hv-root-fixture.c. Files are read in hv-root-file.c.
 */
#include "hvcore/hv-root.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-root-ops.h"

/*
 * Runtime state a capture holds and a disk does not: /proc/cpuinfo (a copy of
 * /proc, a sosreport), a sosreport's sos_commands/, a supportconfig's files.
 */
static bool captured(int dirfd)
{
	static const char *const marks[] = { "proc/cpuinfo", "proc/modules", "sos_commands",
					     "hardware.txt", "basic-environment.txt" };
	struct stat st;

	for (size_t i = 0; i < HV_ARRAY_SIZE(marks); i++)
		if (fstatat(dirfd, marks[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			return true;
	return false;
}

bool hv_root_has_host_data(const struct hv_root *r)
{
	static const char *const dirs[] = { "proc", "sys", "etc", "boot", "lib/modules",
					    "usr/lib/modules", "var/log", "dev" };
	struct stat st;

	if (r->ops->kind != HV_ROOT_OFFLINE)
		return true;
	for (size_t i = 0; i < HV_ARRAY_SIZE(dirs); i++)
		if (fstatat(r->dirfd, dirs[i], &st, 0) == 0 && S_ISDIR(st.st_mode))
			return true;
	return false;
}

int hv_root_new(const char *prefix, struct hv_root **out)
{
	struct hv_root *r;
	struct stat st;
	bool live = !prefix || !*prefix;

	if (!live) {
		char *real = realpath(prefix, NULL);

		if (!real)
			return -errno;
		live = strcmp(real, "/") == 0;
		free(real);
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->prefix = strdup(live ? "/" : prefix);
	r->refused = calloc(1, sizeof(*r->refused));
	if (!r->prefix || !r->refused) {
		free(r->prefix);
		free(r->refused);
		free(r);
		return -ENOMEM;
	}
	r->dirfd = open(r->prefix, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0) {
		int e = errno;

		free(r->prefix);
		free(r->refused);
		free(r);
		return -e;
	}
	if (live)
		r->ops = &hv_root_live_ops;
	else if (fstatat(r->dirfd, ".vhv", &st, 0) == 0 && S_ISDIR(st.st_mode))
		r->ops = &hv_root_fixture_ops;
	else if (captured(r->dirfd))
		r->ops = &hv_root_captured_ops;
	else
		r->ops = &hv_root_offline_ops;
	/* -v: where every read of this run comes from */
	hv_info("reading %s: %s", r->prefix, r->ops->what);
	*out = r;
	return 0;
}

void hv_root_free(struct hv_root *r)
{
	if (!r)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	for (size_t i = 0; i < r->refused->n; i++)
		free(r->refused->what[i]);
	free(r->refused);
	free(r->prefix);
	free(r);
}

enum hv_root_kind hv_root_kind(const struct hv_root *r)
{
	return r->ops->kind;
}

const char *hv_root_prefix(const struct hv_root *r)
{
	return r->prefix;
}

int hv_root_dirfd(const struct hv_root *r)
{
	return r->dirfd;
}

int hv_root_uname(const struct hv_root *r, struct utsname *u)
{
	return r->ops->uname(r, u);
}

int hv_root_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	return r->ops->cpuid(r, leaf, subleaf, out);
}

int hv_root_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val)
{
	return r->ops->rdmsr(r, cpu, msr, val);
}

static void kvm_probe_init(struct hv_kvm_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->open = p->api_version = p->create_vm = p->create_vcpu = p->run = -ECANCELED;
	p->exit_reason = -1;
}

int hv_root_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *out)
{
	kvm_probe_init(out);
	hv_info("KVM capabilities: %s", r->ops->kvm_what);
	return r->ops->kvm_probe(r, out);
}

int hv_kvm_probe_cap(const struct hv_kvm_probe *p, const char *name, long *value)
{
	for (unsigned int i = 0; i < p->ncaps; i++) {
		if (strcmp(p->caps[i].name, name) == 0) {
			*value = p->caps[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

int hv_root_dmesg(const struct hv_root *r, char **out)
{
	return r->ops->dmesg(r, out);
}

int hv_root_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns)
{
	return r->ops->clock(r, clk, ns);
}
