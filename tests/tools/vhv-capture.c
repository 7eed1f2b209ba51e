// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-capture: print this host's non-file sources in the fixture formats of
 * hvcore/hv-root.h, for tests/tools/mkroot.sh:
 *   vhv-capture uname   .vhv/uname  (key=value)
 *   vhv-capture cpuid   .vhv/cpuid  (`cpuid -r -1` lines for the leaves vhv reads)
 *   vhv-capture kvm     .vhv/kvm    (the functional /dev/kvm probe, key=value)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvcore/hv-root.h"

static int cap_uname(struct hv_root *r)
{
	struct utsname u;
	int rc = hv_root_uname(r, &u);

	if (rc < 0)
		return rc;
	printf("sysname=%s\nrelease=%s\nversion=%s\nmachine=%s\nnodename=%s\n", u.sysname,
	       u.release, u.version, u.machine, "fixture");
	return 0;
}

static void leaf(struct hv_root *r, uint32_t l, uint32_t s)
{
	uint32_t v[4];

	if (hv_root_cpuid(r, l, s, v) == 0)
		printf("   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", l, s, v[0],
		       v[1], v[2], v[3]);
}

static int cap_cpuid(struct hv_root *r)
{
	uint32_t v[4];

	if (hv_root_cpuid(r, 0, 0, v) < 0)
		return -EOPNOTSUPP;
	printf("CPU:\n");
	leaf(r, 0, 0);
	leaf(r, 1, 0);
	leaf(r, 7, 0);
	leaf(r, 0x40000000, 0);
	leaf(r, 0x40000001, 0);
	leaf(r, 0x40000100, 0);
	leaf(r, 0x80000000, 0);
	leaf(r, 0x80000001, 0);
	leaf(r, 0x8000000a, 0);
	leaf(r, 0x8000001f, 0);
	return 0;
}

static int cap_kvm(struct hv_root *r)
{
	struct hv_kvm_probe p;
	int rc = hv_root_kvm_probe(r, &p);

	if (rc < 0)
		return rc;
	printf("open=%d\napi_version=%d\ncreate_vm=%d\ncreate_vcpu=%d\nrun=%d\nexit_reason=%d\n"
	       "run_ns=%llu\n", p.open, p.api_version, p.create_vm, p.create_vcpu, p.run,
	       p.exit_reason, (unsigned long long)p.run_ns);
	for (unsigned int i = 0; i < p.ncaps; i++)
		printf("cap.%s=%ld\n", p.caps[i].name, p.caps[i].value);
	return 0;
}

int main(int argc, char **argv)
{
	struct hv_root *r;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: vhv-capture uname|cpuid|kvm\n");
		return 1;
	}
	rc = hv_root_new(NULL, &r);
	if (rc < 0)
		return 1;
	if (!strcmp(argv[1], "uname"))
		rc = cap_uname(r);
	else if (!strcmp(argv[1], "cpuid"))
		rc = cap_cpuid(r);
	else if (!strcmp(argv[1], "kvm"))
		rc = cap_kvm(r);
	else
		rc = -EINVAL;
	hv_root_free(r);
	if (rc < 0)
		fprintf(stderr, "vhv-capture %s: %s\n", argv[1], strerror(-rc));
	return rc < 0 ? 1 : 0;
}
