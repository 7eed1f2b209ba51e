// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-state: the CPU as the probe state holds it, read once for every check
 * that asks (probe_cpu_get): /proc/cpuinfo (or a supportconfig's copy) parsed
 * by probe-cpuinfo.c, plus the CPUID facts and the Xen role. The CPU, KVM,
 * IOMMU, secure-guest and kernel-log checks all read it, so it lives apart
 * from each of them (no file of checks calls another that calls it back).
 */
#include "probe/probe-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-root.h"
#include "hvcore/hv-supportconfig.h"
#include "hvcore/hv-util.h"

/* Fill the CPUID facts (x86 only; a root without CPUID keeps the cpuinfo view). */
static void cpu_read_cpuid(const struct hv_root *root, struct probe_cpu *c)
{
	uint32_t r[4];

	/* cpuinfo's "hypervisor" flag is CPUID.1:ECX[31] as the kernel saw it: a capture keeps it */
	if (hv_word_in_list(c->flags, "hypervisor"))
		c->hypervisor = true;
	if (c->arch != PROBE_ARCH_X86 || hv_root_cpuid(root, 0, 0, r) < 0)
		return;
	c->have_cpuid = true;
	if (hv_root_cpuid(root, 1, 0, r) == 0) {
		c->cpuid_vmx = r[2] & (1u << 5);
		c->hypervisor = r[2] & (1u << 31);
	}
	if (hv_root_cpuid(root, 0x80000001, 0, r) == 0)
		c->cpuid_svm = r[2] & (1u << 2);
	/*
	 * The hypervisor leaves: 0x40000000, and 0x40000100 where a hypervisor
	 * also offers another's interface first (Xen with viridian, KVM with Hyper-V).
	 */
	if (!c->hypervisor && !hv_word_in_list(c->flags, "hypervisor"))
		return;
	c->hypervisor = true;
	for (uint32_t leaf = 0x40000000; leaf <= 0x40000100; leaf += 0x100) {
		char sig[13];

		if (hv_root_cpuid(root, leaf, 0, r) < 0)
			break;
		memcpy(sig, &r[1], 4);
		memcpy(sig + 4, &r[2], 4);
		memcpy(sig + 8, &r[3], 4);
		sig[12] = '\0';
		for (int i = 0; i < 12; i++)
			if (sig[i] && !isprint((unsigned char)sig[i]))
				sig[i] = '?';
		if (!sig[0])
			continue;
		snprintf(c->hv_signature, sizeof(c->hv_signature), "%s", sig);
		if (probe_hv_name(sig))
			break;
	}
}

/*
 * Does Xen run this kernel? Its CPUID leaf says so in an HVM guest and where Xen
 * faults CPUID for PV userspace; a PV dom0 on a CPU without CPUID faulting (Xen
 * nested in QEMU or KVM) sees the outer hypervisor's leaf 0x40000000 instead, so
 * the kernel's word (/sys/hypervisor, xenfs: probe_xen_role) counts as well.
 */
static bool cpu_on_xen(const struct hv_root *root, const struct probe_cpu *c)
{
	const char *hv = probe_hv_name(c->hv_signature);
	enum probe_xen_role role;
	const char *how;

	if (hv && strcmp(hv, "Xen") == 0)
		return true;
	return probe_xen_role(root, &role, &how) == 0 && role != PROBE_XEN_NONE;
}

int probe_cpu_get(struct probe_state *st, const struct probe_cpu **out)
{
	_cleanup_free_ char *buf = NULL;
	struct probe_cpu *c;
	ssize_t n;
	int rc;

	if (st->cpu) {
		*out = st->cpu;
		return 0;
	}
	if (st->cpu_err)
		return st->cpu_err;
	/* 4 MiB holds thousands of CPUs' entries; a bigger file is not a cpuinfo. */
	n = hv_root_read_maxf(st->root, 4u << 20, &buf, "/proc/cpuinfo");
	if (n == -ENOENT && hv_root_kind(st->root) == HV_ROOT_CAPTURED) {
		/* a supportconfig keeps it as a section of hardware.txt */
		n = hv_root_supportconfig(st->root, "hardware.txt", "/proc/cpuinfo", &buf);
	}
	if (n < 0) {
		st->cpu_err = (int)n;
		return st->cpu_err;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = probe_cpuinfo_parse(buf, (size_t)n, c);
	if (rc < 0) {
		free(c);
		if (rc != -ENOMEM)
			st->cpu_err = rc;
		return rc;
	}
	cpu_read_cpuid(st->root, c);
	c->on_xen = cpu_on_xen(st->root, c);
	st->cpu = c;
	*out = c;
	return 0;
}

bool probe_cpu_has(const struct probe_cpu *c, const char *flag)
{
	return c && hv_word_in_list(c->flags, flag);
}

bool probe_cpu_under_xen(const struct probe_cpu *c)
{
	return c && c->on_xen;
}
