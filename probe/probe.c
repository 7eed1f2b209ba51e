// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe: the host checks table (the verdicts, the CPU and KVM, then the
 * platform: Xen, IOMMU, memory, devices, cgroups, secure guests), the probe
 * state the checks share, and the runner.
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-report.h"
#include "probe/probe-checks.h"
#include "probe/probe-cpuinfo.h"
#include "probe/probe-internal.h"
#include "probe/probe-platform.h"

/*
 * The only registry of host checks, in report order: one row per check (id,
 * title, function, needs). The ids are the --checks names, the JSON "check"
 * values and the man-page entries (man/vhv-check-host.part). The functions
 * are declared in probe-checks.h.
 */
static const struct hv_check checks[] = {
	/* The verdicts come first: one line per hypervisor, resting on the checks below. */
	{ "verdict.kvm", "KVM: usable or not, and why (the evidence of the checks below)",
	  probe_chk_verdict_kvm, 0 },
	{ "verdict.xen", "Xen: running, and what guests it runs", probe_chk_verdict_xen, 0 },
	/*
	 * CPU and KVM: what the CPU offers, what firmware left of it, then the
	 * kernel's modules, the device node and finally a guest really running.
	 * HV_NEED_LIVE: /proc, /sys and /dev of an offline disk are empty.
	 */
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
	/*
	 * The platform: Xen, IOMMU, memory, devices, cgroups, secure guests.
	 * Everything that reads the running kernel's /proc, /sys, /dev or /run
	 * needs it (HV_NEED_LIVE): an offline root (a disk mounted from rescue
	 * media) has none of that state.
	 */
	{ "xen.role", "Xen: dom0, domU or not Xen", probe_chk_xen_role, HV_NEED_LIVE },
	{ "xen.version", "Xen hypervisor version", probe_chk_xen_version, HV_NEED_LIVE },
	{ "xen.host", "the hypervisor's own state: scheduler, pCPUs, memory, command line",
	  probe_chk_xen_host, HV_NEED_LIVE },
	{ "xen.guests", "the guest types Xen can run here: PV, PVH, HVM (virt_caps)",
	  probe_chk_xen_guests, HV_NEED_LIVE },
	{ "xen.dev", "Xen dom0 devices /dev/xen/{privcmd,evtchn,gntdev}", probe_chk_xen_dev,
	  HV_NEED_LIVE },
	{ "xen.modules", "Xen dom0 kernel modules (xen_* and xenfs)", probe_chk_xen_modules,
	  HV_NEED_LIVE },
	{ "xen.xenfs", "xenfs mounted at /proc/xen", probe_chk_xen_xenfs, HV_NEED_LIVE },
	{ "xen.xenstored", "xenstored is running", probe_chk_xen_xenstored, HV_NEED_LIVE },
	{ "iommu.present", "an IOMMU is active (Intel VT-d, AMD-Vi, Arm SMMU)",
	  probe_chk_iommu_present, HV_NEED_LIVE },
	{ "iommu.groups", "IOMMU groups exist (device assignment with VFIO)",
	  probe_chk_iommu_groups, HV_NEED_LIVE },
	{ "iommu.irq-remap", "interrupt remapping is active", probe_chk_iommu_irq_remap,
	  HV_NEED_LIVE },
	{ "mem.hugepages", "hugepages: each size, total/free/reserved", probe_chk_mem_hugepages,
	  HV_NEED_LIVE },
	{ "mem.thp", "transparent hugepages enabled and defrag", probe_chk_mem_thp, HV_NEED_LIVE },
	{ "mem.ksm", "kernel samepage merging (KSM)", probe_chk_mem_ksm, HV_NEED_LIVE },
	{ "dev.vhost-net", "/dev/vhost-net (in-kernel virtio-net backend)",
	  probe_chk_dev_vhost_net, HV_NEED_LIVE },
	{ "dev.vhost-vsock", "/dev/vhost-vsock (virtio-vsock backend)", probe_chk_dev_vhost_vsock,
	  HV_NEED_LIVE },
	{ "dev.tun", "/dev/net/tun (tap networking)", probe_chk_dev_tun, HV_NEED_LIVE },
	{ "dev.vfio", "/dev/vfio/vfio (PCI device assignment)", probe_chk_dev_vfio, HV_NEED_LIVE },
	{ "cgroup.version", "cgroup v1, v2 or hybrid", probe_chk_cgroup_version, HV_NEED_LIVE },
	{ "cgroup.controllers", "cgroup controllers libvirt and QEMU use",
	  probe_chk_cgroup_controllers, HV_NEED_LIVE },
	{ "secure.sev", "AMD SEV for guests", probe_chk_secure_sev, HV_NEED_LIVE },
	{ "secure.sev-es", "AMD SEV-ES for guests", probe_chk_secure_sev_es, HV_NEED_LIVE },
	{ "secure.sev-snp", "AMD SEV-SNP for guests", probe_chk_secure_sev_snp, HV_NEED_LIVE },
	{ "secure.tdx", "Intel TDX for guests", probe_chk_secure_tdx, HV_NEED_LIVE },
};

const struct hv_check *probe_checks(size_t *n)
{
	*n = HV_ARRAY_SIZE(checks);
	return checks;
}

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

int probe_run(const struct hv_root *root, struct hv_report *rep, const char *const *only)
{
	struct probe_state st;
	const struct hv_check *tab;
	size_t n;
	int rc;

	tab = probe_checks(&n);
	probe_state_init(&st, root);
	rc = hv_checks_run(tab, n, root, rep, only, &st);
	probe_state_clear(&st);
	return rc;
}
