/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-checks: the check functions, one per row of probe.c's table (the only
 * registry of host checks). Each adds its findings to ctx->rep and returns 0,
 * or -errno when it could not check at all (e.g. -ENOENT: no /proc/cpuinfo in
 * the root), which the runner reports as SKIP. ctx->data is the struct
 * probe_state of probe_run() (probe-internal.h).
 */
#include "hvcore/hv-check.h"

/* probe-cpu.c, probe-kvm.c, probe-klog.c, probe-verdict.c */
int probe_chk_cpu_model(struct hv_check_ctx *ctx);
int probe_chk_cpu_virt(struct hv_check_ctx *ctx);
int probe_chk_cpu_features(struct hv_check_ctx *ctx);
int probe_chk_cpu_guest(struct hv_check_ctx *ctx);
int probe_chk_cpu_firmware(struct hv_check_ctx *ctx);

int probe_chk_kvm_modules(struct hv_check_ctx *ctx);
int probe_chk_kvm_vermagic(struct hv_check_ctx *ctx);
int probe_chk_kvm_params(struct hv_check_ctx *ctx);
int probe_chk_kvm_options(struct hv_check_ctx *ctx);
int probe_chk_kvm_dev(struct hv_check_ctx *ctx);
int probe_chk_kvm_backend(struct hv_check_ctx *ctx);
int probe_chk_kvm_probe(struct hv_check_ctx *ctx);
int probe_chk_kvm_caps(struct hv_check_ctx *ctx);
int probe_chk_kernel_log(struct hv_check_ctx *ctx);
int probe_chk_verdict_kvm(struct hv_check_ctx *ctx);
int probe_chk_verdict_xen(struct hv_check_ctx *ctx);

/* probe-xen.c, probe-iommu.c, probe-mem.c, probe-dev.c, probe-cgroup.c, probe-secure.c */
int probe_chk_xen_role(struct hv_check_ctx *ctx);
int probe_chk_xen_version(struct hv_check_ctx *ctx);
int probe_chk_xen_host(struct hv_check_ctx *ctx);
int probe_chk_xen_guests(struct hv_check_ctx *ctx);
int probe_chk_xen_dev(struct hv_check_ctx *ctx);
int probe_chk_xen_modules(struct hv_check_ctx *ctx);
int probe_chk_xen_xenfs(struct hv_check_ctx *ctx);
int probe_chk_xen_xenstored(struct hv_check_ctx *ctx);
int probe_chk_iommu_present(struct hv_check_ctx *ctx);
int probe_chk_iommu_groups(struct hv_check_ctx *ctx);
int probe_chk_iommu_irq_remap(struct hv_check_ctx *ctx);
int probe_chk_mem_hugepages(struct hv_check_ctx *ctx);
int probe_chk_mem_thp(struct hv_check_ctx *ctx);
int probe_chk_mem_ksm(struct hv_check_ctx *ctx);
int probe_chk_dev_vhost_net(struct hv_check_ctx *ctx);
int probe_chk_dev_vhost_vsock(struct hv_check_ctx *ctx);
int probe_chk_dev_tun(struct hv_check_ctx *ctx);
int probe_chk_dev_vfio(struct hv_check_ctx *ctx);
int probe_chk_cgroup_version(struct hv_check_ctx *ctx);
int probe_chk_cgroup_controllers(struct hv_check_ctx *ctx);
int probe_chk_secure_sev(struct hv_check_ctx *ctx);
int probe_chk_secure_sev_es(struct hv_check_ctx *ctx);
int probe_chk_secure_sev_snp(struct hv_check_ctx *ctx);
int probe_chk_secure_tdx(struct hv_check_ctx *ctx);
