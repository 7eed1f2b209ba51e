// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace.bpf.c: vhv-trace's in-kernel aggregation of VM exits by (pid, vcpu,
 * kind, reason), with log2 latency histograms, in per-CPU maps.
 *
 * Sources (the loader turns off those whose tracepoint is missing):
 *   raw_tp/kvm_fpu            load=1 at each KVM_RUN entry: measures the VMM's
 *                             handling time of the thread's last user exit
 *   raw_tp/kvm_userspace_exit (reason, errno): counts user exits by KVM_EXIT_*;
 *                             learns the vCPU id from the KVM_RUN fd
 *   tracepoint/kvm/kvm_exit   classic record read with CO-RE: exit_reason, isa
 *   tracepoint/kvm/kvm_entry  closes a pending hardware exit
 *   raw_tp/kvm_pio, kvm_mmio  ports and guest addresses (optional)
 * The raw_tp argument layouts are checked against kernel BTF by the loader
 * (a raw_tp that moved would read the wrong argument silently).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "bpf/trace.h"
#include "bpf/vbpf-core.h"

char LICENSE[] SEC("license") = "GPL";

/* Filters, set by the loader before load (libbpf-tools rodata). */
const volatile __u32 targ_pid = 0;    /* 0: every process */
const volatile __s32 targ_vcpu = -1;  /* -1: every vCPU */

/* arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/linux/kvm.h _IO(KVMIO, 0x80) */
#define NR_IOCTL_X86_64 16
#define KVM_RUN_CMD 0xae80

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, TRACE_MAX_KEYS);
	__type(key, struct trace_key);
	__type(value, struct trace_val);
} exits SEC(".maps");

/* Per-thread state in task-local storage: no hashing, freed when the thread exits. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct trace_thread);
} threads SEC(".maps");

/* pid -> name, so VMs that exit before user space looks are still named. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct trace_comm);
} comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, TRACE_MAX_PORTS);
	__type(key, struct trace_port_key);
	__type(value, __u64);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TRACE_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

const struct trace_val zero_val = {};
const struct trace_thread zero_thread = { .vcpu = -1, .fd = -1 };

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		(*v)++;
}

/*
 * The vCPU id of the KVM_RUN ioctl this thread is in. kvm_fpu(1) fires only
 * inside KVM_RUN on a vCPU fd, so the fd in the saved syscall registers is that
 * vCPU's file and its private_data is the struct kvm_vcpu. (The per-CPU
 * kvm_running_vcpu would be simpler, but typed ksyms of data need
 * CONFIG_KALLSYMS_ALL, which kernels often lack.) Cached per thread with the fd.
 */
static __always_inline void resolve_vcpu(struct task_struct *task, struct trace_thread *t)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct kvm_vcpu *vcpu;
	struct fdtable *fdt;
	struct file **fds, *f;
	unsigned long fd;

	/* Direct loads through BTF pointers: no helper call on the hot path. */
	fd = regs->di;
	if (t->vcpu >= 0 && t->fd == (__s32)fd)
		return;
	if (regs->orig_ax != NR_IOCTL_X86_64 || (unsigned int)regs->si != KVM_RUN_CMD)
		return;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0 || !f)
		return;
	vcpu = BPF_CORE_READ(f, private_data);
	if (!vcpu)
		return;
	t->vcpu = BPF_CORE_READ(vcpu, vcpu_id);
	t->fd = (__s32)fd;
}

/* bcc libbpf-tools bits.bpf.h idea: a branch-light log2. */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32((__u32)v);
}

static __always_inline struct trace_val *key_val(const struct trace_key *k)
{
	struct trace_val *v = bpf_map_lookup_elem(&exits, k);

	if (v)
		return v;
	/* Another CPU may create it first (-EEXIST): the lookup below still finds it. */
	bpf_map_update_elem(&exits, k, &zero_val, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&exits, k);
	if (!v)
		stat_inc(TRACE_STAT_DROPS);
	return v;
}

static __always_inline struct trace_thread *thread_get(struct task_struct *task)
{
	struct trace_thread *t = bpf_task_storage_get(&threads, task, 0, 0);
	struct trace_comm c = {};
	__u32 pid;

	if (t)
		return t;
	/* First event of this thread: the slow path also names its process. */
	pid = bpf_get_current_pid_tgid() >> 32;
	BPF_CORE_READ_STR_INTO(&c.comm, task, group_leader, comm);
	bpf_map_update_elem(&comms, &pid, &c, BPF_ANY);
	return bpf_task_storage_get(&threads, task, (void *)&zero_thread,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static __always_inline void val_add_latency(struct trace_val *v, __u64 ns)
{
	__u32 slot = log2_u64(ns);

	if (slot >= TRACE_HIST_SLOTS)
		slot = TRACE_HIST_SLOTS - 1;
	v->lat_count++;
	v->lat_sum_ns += ns;
	if (ns > v->lat_max_ns)
		v->lat_max_ns = ns;
	v->hist[slot]++;
}

static __always_inline void add_latency(const struct trace_key *k, __u64 ns)
{
	struct trace_val *v = bpf_map_lookup_elem(&exits, k);

	if (v)
		val_add_latency(v, ns);
}

static __always_inline bool pid_filtered(__u32 pid)
{
	return targ_pid && pid != targ_pid;
}

static __always_inline bool vcpu_filtered(__s32 vcpu)
{
	return targ_vcpu >= 0 && vcpu != targ_vcpu;
}

/*
 * kvm_fpu(load): load=1 at each KVM_RUN entry (kvm_load_guest_fpu), load=0 at
 * its end. Hot path, so it only notes the VMM's handling time in the thread's
 * state; the next kvm_userspace_exit folds it into the histogram while it
 * holds that map value anyway (one hash lookup per exit instead of two).
 */
SEC("raw_tp/kvm_fpu")
int vhv_kvm_run(struct bpf_raw_tracepoint_args *ctx)
{
	struct trace_thread *t;

	if (!(__u32)ctx->args[0])
		return 0;
	t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
	if (!t || !t->user_pending)
		return 0;  /* not a traced thread (the pid filter applied at its exits) */
	t->user_pending = 0;
	t->user_lat_ns = bpf_ktime_get_ns() - t->user_ts;
	t->user_lat_valid = 1;
	stat_inc(TRACE_SRC_KVM_RUN);
	return 0;
}

static __always_inline bool key_eq(const struct trace_key *a, const struct trace_key *b)
{
	return a->pid == b->pid && a->vcpu == b->vcpu && a->kind == b->kind &&
	       a->reason == b->reason;
}

/* kvm_userspace_exit(u32 reason, int errno): KVM_RUN returns to the VMM. */
SEC("raw_tp/kvm_userspace_exit")
int vhv_user_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	int err = (int)ctx->args[1];
	struct task_struct *task;
	struct trace_thread *t;
	struct trace_val *v;
	struct trace_key k;

	if (pid_filtered(id >> 32))
		return 0;
	task = bpf_get_current_task_btf();
	t = thread_get(task);
	if (!t)
		return 0;
	/* Still inside the KVM_RUN ioctl: its fd names the vCPU (cached per thread). */
	resolve_vcpu(task, t);
	k.pid = id >> 32;
	k.vcpu = t->vcpu;
	k.kind = TRACE_KIND_USER;
	k.reason = err < 0 ? TRACE_REASON_ERRNO | (__u32)-err : (__u32)ctx->args[0];
	if (vcpu_filtered(k.vcpu))
		return 0;
	stat_inc(TRACE_SRC_USERSPACE_EXIT);
	v = key_val(&k);
	if (!v)
		return 0;
	v->count++;
	if (t->user_lat_valid) {
		/* The previous exit's handling time, measured at the KVM_RUN that followed it. */
		t->user_lat_valid = 0;
		if (key_eq(&t->user_key, &k))
			val_add_latency(v, t->user_lat_ns);
		else
			add_latency(&t->user_key, t->user_lat_ns);
	}
	t->user_key = k;
	t->user_ts = bpf_ktime_get_ns();
	t->user_pending = 1;
	return 0;
}

/* Classic tracepoint: the record has the reason already decoded by KVM. */
SEC("tracepoint/kvm/kvm_exit")
int vhv_hw_exit(struct trace_event_raw_kvm_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct trace_thread *t;
	struct trace_val *v;
	struct trace_key k;

	if (pid_filtered(id >> 32))
		return 0;
	k.pid = id >> 32;
	k.vcpu = (__s32)BPF_CORE_READ(ctx, vcpu_id);
	k.kind = BPF_CORE_READ(ctx, isa) == TRACE_KIND_SVM ? TRACE_KIND_SVM : TRACE_KIND_VMX;
	k.reason = BPF_CORE_READ(ctx, exit_reason);
	if (vcpu_filtered(k.vcpu))
		return 0;
	stat_inc(TRACE_SRC_KVM_EXIT);
	v = key_val(&k);
	if (!v)
		return 0;
	v->count++;
	t = thread_get(bpf_get_current_task_btf());
	if (!t)
		return 0;
	t->vcpu = k.vcpu;
	t->hw_key = k;
	t->hw_ts = bpf_ktime_get_ns();
	t->hw_pending = 1;
	return 0;
}

SEC("tracepoint/kvm/kvm_entry")
int vhv_hw_entry(struct trace_event_raw_kvm_entry *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct trace_thread *t;

	if (pid_filtered(id >> 32))
		return 0;
	t = bpf_task_storage_get(&threads, bpf_get_current_task_btf(), 0, 0);
	if (!t || !t->hw_pending)
		return 0;
	stat_inc(TRACE_SRC_KVM_ENTRY);
	t->hw_pending = 0;
	add_latency(&t->hw_key, bpf_ktime_get_ns() - t->hw_ts);
	return 0;
}

static __always_inline void count_port(__u32 kind, __u32 rw, __u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid(), *v, one = 1;
	struct task_struct *task;
	struct trace_port_key k;
	struct trace_thread *t;

	if (pid_filtered(id >> 32))
		return;
	/* Inside KVM_RUN: the vCPU may be new (its first exit has not happened yet). */
	task = bpf_get_current_task_btf();
	t = thread_get(task);
	if (t && t->vcpu < 0)
		resolve_vcpu(task, t);
	k.pid = id >> 32;
	k.vcpu = t ? t->vcpu : -1;
	if (vcpu_filtered(k.vcpu))
		return;
	k.kind = kind;
	k.rw = rw;
	k.addr = addr;
	stat_inc(kind == TRACE_PORT_PIO ? TRACE_SRC_PIO : TRACE_SRC_MMIO);
	v = bpf_map_lookup_elem(&ports, &k);
	if (v) {
		(*v)++;
		return;
	}
	if (bpf_map_update_elem(&ports, &k, &one, BPF_NOEXIST) < 0) {
		v = bpf_map_lookup_elem(&ports, &k);
		if (v)
			(*v)++;
		else
			stat_inc(TRACE_STAT_DROPS);
	}
}

/* kvm_pio(unsigned rw, unsigned port, unsigned size, unsigned count, const void *data) */
SEC("raw_tp/kvm_pio")
int vhv_pio(struct bpf_raw_tracepoint_args *ctx)
{
	count_port(TRACE_PORT_PIO, (__u32)ctx->args[0], (__u32)ctx->args[1]);
	return 0;
}

/* kvm_mmio(int type, int len, u64 gpa, void *val) */
SEC("raw_tp/kvm_mmio")
int vhv_mmio(struct bpf_raw_tracepoint_args *ctx)
{
	count_port(TRACE_PORT_MMIO, (__u32)ctx->args[0], ctx->args[2]);
	return 0;
}
