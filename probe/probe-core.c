// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe-core: the CPU and KVM checks table (one row per check: id, title,
 * function, needs), and the probe state they share. The ids are the
 * --checks names, the JSON "check" values and the man-page entries
 * (man/vhv-check-host.part).
 */
#include "probe/probe-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-core.h"

/*
 * Order is report order: what the CPU offers, what firmware left of it, then
 * the kernel's modules, the device node and finally a guest really running.
 * HV_NEED_LIVE: /proc, /sys and /dev of an offline disk are empty.
 */
const struct hv_check probe_core_checks[] = {
	{ "cpu.model", "CPU vendor and model", probe_chk_cpu_model, HV_NEED_LIVE },
	{ "cpu.virt", "CPU virtualization: Intel VT-x (vmx) or AMD-V (svm)", probe_chk_cpu_virt,
	  HV_NEED_LIVE },
	{ "cpu.features", "VT-x/AMD-V assists: EPT/NPT, VPID, unrestricted guest, APICv/AVIC, PML",
	  probe_chk_cpu_features, HV_NEED_LIVE },
	{ "cpu.guest", "running as a virtual machine (CPUID hypervisor bit and vendor leaf)",
	  probe_chk_cpu_guest, HV_NEED_LIVE },
	{ "cpu.firmware", "VT-x/AMD-V not disabled by firmware (MSR 0x3a / VM_CR)",
	  probe_chk_cpu_firmware, HV_NEED_LIVE },
	{ "kvm.modules", "KVM modules kvm, kvm_intel, kvm_amd, kvm_pvm: loaded, built in or installed",
	  probe_chk_kvm_modules, 0 },
	{ "kvm.vermagic", "KVM module files built for the running kernel", probe_chk_kvm_vermagic,
	  0 },
	{ "kvm.params", "KVM module parameters (nested, ept, npt, avic, sev, enable_apicv, ...)",
	  probe_chk_kvm_params, HV_NEED_LIVE },
	{ "kvm.options", "KVM module options in modprobe.d and on the kernel command line, in effect",
	  probe_chk_kvm_options, 0 },
	{ "kvm.backend", "KVM backend: VMX, SVM or PVM", probe_chk_kvm_backend, HV_NEED_LIVE },
	{ "kvm.dev", "/dev/kvm exists, is the KVM device (10:232) and is accessible",
	  probe_chk_kvm_dev, HV_NEED_LIVE },
	{ "kvm.probe", "a test guest runs to its first HLT exit on /dev/kvm", probe_chk_kvm_probe,
	  HV_NEED_LIVE },
	{ "kvm.caps", "KVM capabilities (NR_VCPUS, MAX_VCPUS, NR_MEMSLOTS, IRQCHIP, ...)",
	  probe_chk_kvm_caps, HV_NEED_LIVE },
	{ "kernel.log", "what KVM, kvm_pvm, the IOMMU drivers and Xen wrote in the kernel log",
	  probe_chk_kernel_log, 0 },
};

/* The verdicts come first: one line per hypervisor, resting on the checks below. */
const struct hv_check probe_verdict_checks[] = {
	{ "verdict.kvm", "KVM: usable or not, and why (the evidence of the checks below)",
	  probe_chk_verdict_kvm, 0 },
	{ "verdict.xen", "Xen: running, and what guests it runs", probe_chk_verdict_xen, 0 },
};
const size_t probe_n_verdict_checks = HV_ARRAY_SIZE(probe_verdict_checks);
const size_t probe_n_core_checks = HV_ARRAY_SIZE(probe_core_checks);

void probe_state_init(struct probe_state *st, const struct hv_root *root)
{
	st->root = root;
	st->cpu = NULL;
	st->cpu_err = 0;
	st->kvm = NULL;
	st->kvm_err = 0;
	st->mounts = NULL;
	st->mounts_err = 0;
	st->xen = NULL;
	st->xen_err = 0;
	st->klog = NULL;
}

void probe_state_clear(struct probe_state *st)
{
	if (st->cpu) {
		probe_cpuinfo_clear(st->cpu);
		free(st->cpu);
	}
	st->cpu = NULL;
	probe_kvm_free(st->kvm);
	st->kvm = NULL;
	probe_mounts_free(st->mounts);
	st->mounts = NULL;
	free(st->xen);
	st->xen = NULL;
	free(st->klog);
	st->klog = NULL;
}
