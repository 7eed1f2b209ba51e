/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * probe-core: the CPU and KVM checks (probe-cpu.c, probe-kvm.c), listed in
 * probe-core.c's table, and what those two files share.
 */
#include <stdbool.h>

#include "hvcore/hv-check.h"

/*
 * The check functions (rows of probe_core_checks). Each adds its findings to
 * ctx->rep and returns 0, or -errno when it could not check at all (e.g.
 * -ENOENT: no /proc/cpuinfo in the root), which the runner reports as SKIP.
 * ctx->data is the struct probe_state of probe_run().
 */
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

/* Free the KVM state of probe_state (probe-kvm.c). */
struct probe_kvm;
void probe_kvm_free(struct probe_kvm *k);

