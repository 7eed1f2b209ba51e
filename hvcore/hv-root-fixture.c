// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-root-fixture: the ops of the roots that are not the live host
 * (hv-root-ops.h). A fixture (DIR/.vhv/) answers the non-file sources from
 * DIR/.vhv/{uname,cpuid,msr,kvm,dmesg,clock}; a captured root (a sosreport, a
 * supportconfig, a copy of /proc and /sys) only from the files it holds (its
 * kernel release); an offline disk not at all (-EOPNOTSUPP: no running kernel).
 */
#include "hvcore/hv-root-ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcore/hv-supportconfig.h"
#include "hvcore/hv-util.h"

int hv_root_fixture_read(const struct hv_root *r, const char *name, char **out)
{
	int fd;
	ssize_t n;

	fd = hv_root_open_regf(r, "/.vhv/%s", name);
	if (fd < 0)
		return fd;
	n = hv_read_fd_all(fd, HV_ROOT_READ_MAX, out);
	close(fd);
	return n < 0 ? (int)n : 0;
}

static int fixture_uname(const struct hv_root *r, struct utsname *u)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	rc = hv_root_fixture_read(r, "uname", &buf);
	if (rc < 0)
		return rc;
	memset(u, 0, sizeof(*u));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v, *dst = NULL;

		if (line[0] == '#' || !hv_kv_split(line, '=', &k, &v))
			continue;
		line = k;
		if (!strcmp(line, "sysname"))
			dst = u->sysname;
		else if (!strcmp(line, "nodename"))
			dst = u->nodename;
		else if (!strcmp(line, "release"))
			dst = u->release;
		else if (!strcmp(line, "version"))
			dst = u->version;
		else if (!strcmp(line, "machine"))
			dst = u->machine;
		if (dst)
			snprintf(dst, sizeof(u->release), "%s", v);
	}
	return 0;
}

static int fixture_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	rc = hv_root_fixture_read(r, "cpuid", &buf);
	if (rc < 0)
		return rc;
	out[0] = out[1] = out[2] = out[3] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int l, s, a, b, c, d;

		if (sscanf(line, " %x %x: eax=%x ebx=%x ecx=%x edx=%x", &l, &s, &a, &b, &c, &d) != 6)
			continue;
		if (l == leaf && s == subleaf) {
			out[0] = a;
			out[1] = b;
			out[2] = c;
			out[3] = d;
			break;
		}
	}
	return 0;
}

static int fixture_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc;

	rc = hv_root_fixture_read(r, "msr", &buf);
	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long c, m, v;

		if (line[0] == '#' || sscanf(line, "%lli %lli %lli", &c, &m, &v) != 3)
			continue;
		if ((int)c == cpu && m == msr) {
			*val = v;
			return 0;
		}
	}
	return -EIO;  /* as the msr driver answers for an MSR the CPU lacks */
}

static int fixture_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *p)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	int rc = hv_root_fixture_read(r, "kvm", &buf);

	if (rc == -ENOENT) {
		p->open = -ENOENT;   /* a fixture without the file: a host with no /dev/kvm */
		return 0;
	}
	if (rc < 0)
		return rc;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v;
		int64_t n;

		if (line[0] == '#' || !hv_kv_split(line, '=', &k, &v))
			continue;
		if (hv_parse_s64(v, 0, &n) < 0)
			continue;
		if (!strcmp(k, "open"))
			p->open = (int)n;
		else if (!strcmp(k, "api_version"))
			p->api_version = (int)n;
		else if (!strcmp(k, "create_vm"))
			p->create_vm = (int)n;
		else if (!strcmp(k, "create_vcpu"))
			p->create_vcpu = (int)n;
		else if (!strcmp(k, "run"))
			p->run = (int)n;
		else if (!strcmp(k, "exit_reason"))
			p->exit_reason = (int)n;
		else if (!strcmp(k, "run_ns"))
			p->run_ns = (uint64_t)n;
		else if (hv_startswith(k, "cap.") && p->ncaps < HV_KVM_MAX_CAPS) {
			snprintf(p->caps[p->ncaps].name, sizeof(p->caps[0].name), "%s", k + 4);
			p->caps[p->ncaps++].value = (long)n;
		}
	}
	return 0;
}

static int fixture_dmesg(const struct hv_root *r, char **out)
{
	return hv_root_fixture_read(r, "dmesg", out);
}

static int fixture_clock(const struct hv_root *r, clockid_t clk, uint64_t *ns)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long rt, mono;
	int rc;

	rc = hv_root_fixture_read(r, "clock", &buf);
	if (rc < 0)
		return rc;
	if (sscanf(buf, "%llu %llu", &rt, &mono) != 2)
		return -EINVAL;
	*ns = clk == CLOCK_REALTIME ? rt : mono;
	return 0;
}

const struct hv_root_ops hv_root_fixture_ops = {
	.kind = HV_ROOT_FIXTURE,
	.what = "a fixture (non-file sources from its .vhv/)",
	.kvm_what = ".vhv/kvm of the fixture",
	.uname = fixture_uname,
	.cpuid = fixture_cpuid,
	.rdmsr = fixture_rdmsr,
	.kvm_probe = fixture_kvm_probe,
	.dmesg = fixture_dmesg,
	.clock = fixture_clock,
};

/* What only a running kernel answers: a capture or a disk cannot. */
static int no_uname(const struct hv_root *r, struct utsname *u)
{
	(void)r;
	(void)u;
	return -EOPNOTSUPP;
}

static int no_cpuid(const struct hv_root *r, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	(void)r;
	(void)leaf;
	(void)subleaf;
	(void)out;
	return -EOPNOTSUPP;
}

static int no_rdmsr(const struct hv_root *r, int cpu, uint32_t msr, uint64_t *val)
{
	(void)r;
	(void)cpu;
	(void)msr;
	(void)val;
	return -EOPNOTSUPP;
}

static int no_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *out)
{
	(void)r;
	(void)out;
	return -EOPNOTSUPP;
}

static int no_dmesg(const struct hv_root *r, char **out)
{
	(void)r;
	(void)out;
	return -EOPNOTSUPP;
}

/*
 * A capture's kernel release: proc/sys/kernel/osrelease, "Linux version R" of
 * proc/version, or a sosreport's `uname -a` ("Linux HOST R ..."). -EOPNOTSUPP
 * when it holds none of them.
 */
static int captured_uname(const struct hv_root *r, struct utsname *u)
{
	_cleanup_free_ char *buf = NULL;
	char rel[65] = "";

	memset(u, 0, sizeof(*u));
	if (hv_root_read_linef(r, &buf, "/proc/sys/kernel/osrelease") == 0)
		snprintf(rel, sizeof(rel), "%s", buf);
	else if (hv_root_read_linef(r, &buf, "/proc/version") == 0)
		sscanf(buf, "Linux version %64s", rel);
	else if (hv_root_read_linef(r, &buf, "/sos_commands/kernel/uname_-a") == 0)
		sscanf(buf, "Linux %*s %64s", rel);
	else if (hv_root_supportconfig(r, "basic-environment.txt", "/bin/uname -a", &buf) >= 0)
		sscanf(buf, "Linux %*s %64s", rel);
	if (!rel[0] || strchr(rel, '/'))
		return -EOPNOTSUPP;
	snprintf(u->sysname, sizeof(u->sysname), "Linux");
	snprintf(u->release, sizeof(u->release), "%s", rel);
	return 0;
}

const struct hv_root_ops hv_root_captured_ops = {
	.kind = HV_ROOT_CAPTURED,
	.what = "a captured host (files, and the runtime state it saved)",
	.kvm_what = "none (no running kernel)",
	.uname = captured_uname,
	.cpuid = no_cpuid,
	.rdmsr = no_rdmsr,
	.kvm_probe = no_kvm_probe,
	.dmesg = no_dmesg,
	.clock = hv_live_clock,
};

const struct hv_root_ops hv_root_offline_ops = {
	.kind = HV_ROOT_OFFLINE,
	.what = "an offline root (files only: no running kernel)",
	.kvm_what = "none (no running kernel)",
	.uname = no_uname,
	.cpuid = no_cpuid,
	.rdmsr = no_rdmsr,
	.kvm_probe = no_kvm_probe,
	.dmesg = no_dmesg,
	.clock = hv_live_clock,
};
